//! The company's calendar in the web app. Its "today" is the date in the company's time zone
//! (from the session), as the server's reports, due dates and dunning count it, not the
//! browser's: a team member abroad, or a browser set to another zone, proposes and reports the
//! same day as the server. The server stays the authority (it checks every date it is sent).

use chrono::{Days, NaiveDate};
use js_sys::{Array, Function, Object, Reflect};
use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};

thread_local! {
    /// The signed-in company's IANA time zone; the session module keeps it (as it keeps the
    /// access token), so event handlers and tasks read it without a reactive context.
    static TIME_ZONE: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Sets the company's time zone (empty when signed out).
pub fn set_time_zone(zone: &str) {
    TIME_ZONE.with(|cell| zone.clone_into(&mut cell.borrow_mut()));
}

/// The company's date today, or the browser's when no time zone is known (signed out, or a
/// session remembered before it was kept, until its renewal) or the browser does not know it.
pub fn company_today() -> NaiveDate {
    let zone = TIME_ZONE.with(|cell| cell.borrow().clone());
    Some(zone)
        .filter(|zone| !zone.is_empty())
        .and_then(|zone| date_in_zone(&zone))
        .unwrap_or_else(browser_today)
}

/// The company's date `days` from today, `YYYY-MM-DD` (what date fields are given).
pub fn company_date(days: u32) -> String {
    let today = company_today();
    today
        .checked_add_days(Days::new(u64::from(days)))
        .unwrap_or(today)
        .to_string()
}

/// Today in `zone` (en-CA writes dates as YYYY-MM-DD).
fn date_in_zone(zone: &str) -> Option<NaiveDate> {
    let text = format_in_zone(&js_sys::Date::new_0(), &[("timeZone", zone)])?;
    NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok()
}

/// `instant` written by an en-CA `Intl.DateTimeFormat` with these options. It throws on a zone
/// it does not know: caught, and answered with none.
fn format_in_zone(instant: &js_sys::Date, options: &[(&str, &str)]) -> Option<String> {
    let intl = Reflect::get(&js_sys::global(), &JsValue::from_str("Intl")).ok()?;
    let constructor: Function = Reflect::get(&intl, &JsValue::from_str("DateTimeFormat"))
        .ok()?
        .dyn_into()
        .ok()?;
    let settings = Object::new();
    for (key, value) in options {
        Reflect::set(&settings, &(*key).into(), &(*value).into()).ok()?;
    }
    let arguments = Array::of2(&"en-CA".into(), &settings);
    let formatter = Reflect::construct(&constructor, &arguments).ok()?;
    let format: Function = Reflect::get(&formatter, &"format".into())
        .ok()?
        .dyn_into()
        .ok()?;
    format.call1(&formatter, instant).ok()?.as_string()
}

fn browser_today() -> NaiveDate {
    let now = js_sys::Date::new_0();
    NaiveDate::from_ymd_opt(
        now.get_full_year() as i32,
        now.get_month() + 1,
        now.get_date(),
    )
    .unwrap_or_default()
}

/// An instant from the API (RFC 3339, UTC) as the company's clock shows it, `YYYY-MM-DD HH:MM`:
/// what a finance team in Shanghai reads for "sent at". The UTC text, cut, when the browser
/// cannot say (no zone known, or one it does not know).
pub fn company_time(iso: &str) -> String {
    let zone = TIME_ZONE.with(|cell| cell.borrow().clone());
    Some(zone)
        .filter(|zone| !zone.is_empty())
        .and_then(|zone| time_in_zone(iso, &zone))
        .unwrap_or_else(|| iso.get(..16).unwrap_or(iso).replace('T', " "))
}

fn time_in_zone(iso: &str, zone: &str) -> Option<String> {
    let instant = js_sys::Date::new(&JsValue::from_str(iso));
    if instant.get_time().is_nan() {
        return None;
    }
    let options = [
        ("timeZone", zone),
        ("year", "numeric"),
        ("month", "2-digit"),
        ("day", "2-digit"),
        ("hour", "2-digit"),
        ("minute", "2-digit"),
        ("hourCycle", "h23"),
    ];
    // en-CA writes "2026-12-06, 11:59".
    Some(format_in_zone(&instant, &options)?.replace(", ", " "))
}
