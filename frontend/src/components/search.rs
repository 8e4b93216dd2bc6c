//! The search box in the header: customers by name or code and invoices by number (or their
//! customer), through the same list filters as the customer and invoice pages. A combobox:
//! the arrow keys move through the results, Enter opens one, Escape closes the list.

use crate::api::{self, ApiError};
use crate::i18n::{Msg, invoice_status_text, use_locale, use_text};
use crate::session::use_session;
use domain::access::Permission;
use domain::invoices::InvoiceStatus;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use std::time::Duration;

/// Fewer characters than this match too much to be worth asking.
const MIN_CHARS: usize = 2;
/// Wait this long after the last key before asking the server.
const DEBOUNCE: Duration = Duration::from_millis(250);
const LISTBOX_ID: &str = "global-search-results";

/// One result: where it leads and what it shows.
#[derive(Debug, Clone, PartialEq)]
struct Hit {
    href: String,
    kind: Msg,
    /// The customer's name, or the invoice's number (`None` for a draft, which has none yet).
    title: Option<String>,
    /// The customer's code, or the invoice's customer.
    detail: String,
}

fn hits(data: api::global_search::ResponseData) -> Vec<Hit> {
    let customers = data.customers.edges.into_iter().map(|edge| Hit {
        href: format!("/customers/{}", edge.node.id),
        kind: Msg::Customer,
        title: Some(edge.node.name),
        detail: edge.node.code,
    });
    let invoices = data.invoices.edges.into_iter().map(|edge| Hit {
        href: format!("/invoices/{}", edge.node.id),
        kind: Msg::GlobalSearchInvoice,
        title: edge.node.number,
        detail: edge.node.customer.name,
    });
    customers.chain(invoices).collect()
}

fn option_id(index: usize) -> String {
    format!("global-search-option-{index}")
}

/// The search box, for members who may see customers or invoices.
#[component]
pub fn GlobalSearchBox() -> impl IntoView {
    let session = use_session();
    let allowed = move || {
        session.current.with(|current| {
            current.as_ref().is_some_and(|current| {
                current.can(Permission::ViewCustomers) || current.can(Permission::ViewInvoices)
            })
        })
    };
    view! {
        <Show when=allowed>
            <SearchCombobox/>
        </Show>
    }
}

#[component]
fn SearchCombobox() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let navigate = use_navigate();
    let location = use_location();
    let query = RwSignal::new(String::new());
    // `None` until an answer for the current words arrives.
    let results = RwSignal::new(None::<Vec<Hit>>);
    let loading = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let open = RwSignal::new(false);
    let active = RwSignal::new(None::<usize>);
    // Each keystroke starts a new generation; a timer or an answer from an older one is dropped.
    let generation = RwSignal::new(0u64);

    let long_enough = move || query.with(|query| query.trim().chars().count() >= MIN_CHARS);
    let show_panel = move || {
        open.get()
            && long_enough()
            && (loading.get() || error.with(Option::is_some) || results.with(Option::is_some))
    };
    let count = move || results.with(|results| results.as_ref().map_or(0, Vec::len));
    let reset = move || {
        generation.update(|generation| *generation += 1);
        query.set(String::new());
        results.set(None);
        loading.set(false);
        error.set(None);
        open.set(false);
        active.set(None);
    };
    // Leaving the page (a result chosen, or any other link) closes the list and clears the box.
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if previous.is_some_and(|previous| previous != path) {
            reset();
        }
        path
    });

    let on_input = move |event: leptos::ev::Event| {
        let value = event_target_value(&event);
        query.set(value.clone());
        active.set(None);
        error.set(None);
        let current = generation.get_untracked() + 1;
        generation.set(current);
        let words = value.trim().to_owned();
        if words.chars().count() < MIN_CHARS {
            results.set(None);
            loading.set(false);
            return;
        }
        open.set(true);
        set_timeout(
            move || {
                if generation.get_untracked() != current {
                    return;
                }
                loading.set(true);
                leptos::task::spawn_local(async move {
                    let answer = api::run::<api::GlobalSearch>(api::global_search::Variables {
                        search: words,
                    })
                    .await;
                    if generation.get_untracked() != current {
                        return;
                    }
                    loading.set(false);
                    match answer {
                        Ok(data) => {
                            error.set(None);
                            results.set(Some(hits(data)));
                        }
                        Err(failure) => {
                            results.set(None);
                            error.set(Some(failure));
                        }
                    }
                });
            },
            DEBOUNCE,
        );
    };

    let choose = move |index: usize| {
        let href = results.with_untracked(|results| {
            results
                .as_ref()
                .and_then(|results| results.get(index))
                .map(|hit| hit.href.clone())
        });
        if let Some(href) = href {
            reset();
            navigate(&href, Default::default());
        }
    };

    let on_keydown = move |event: leptos::ev::KeyboardEvent| {
        let total = count();
        match event.key().as_str() {
            "ArrowDown" => {
                event.prevent_default();
                if long_enough() {
                    open.set(true);
                }
                if total > 0 {
                    active.update(|active| {
                        *active = Some(active.map_or(0, |index| (index + 1) % total));
                    });
                }
            }
            "ArrowUp" => {
                event.prevent_default();
                if total > 0 {
                    active.update(|active| {
                        *active =
                            Some(active.map_or(total - 1, |index| (index + total - 1) % total));
                    });
                }
            }
            "Enter" => {
                event.prevent_default();
                if open.get_untracked() && total > 0 {
                    choose(active.get_untracked().unwrap_or(0));
                }
            }
            "Escape" => {
                if open.get_untracked() {
                    event.prevent_default();
                    open.set(false);
                    active.set(None);
                } else if !query.with_untracked(String::is_empty) {
                    event.prevent_default();
                    reset();
                }
            }
            _ => {}
        }
    };

    view! {
        <div class="global-search" role="search">
            <label class="visually-hidden" for="global-search">{move || text(Msg::GlobalSearchLabel)}</label>
            <input
                id="global-search"
                type="search"
                class="global-search-input"
                data-testid="global-search"
                autocomplete="off"
                spellcheck="false"
                role="combobox"
                aria-autocomplete="list"
                aria-controls=LISTBOX_ID
                aria-expanded=move || if show_panel() { "true" } else { "false" }
                aria-activedescendant=move || active.get().filter(|_| show_panel()).map(option_id)
                placeholder=move || text(Msg::GlobalSearchPlaceholder)
                prop:value=move || query.get()
                on:input=on_input
                on:keydown=on_keydown
                on:focus=move |_| {
                    if results.with_untracked(Option::is_some) || loading.get_untracked() {
                        open.set(true);
                    }
                }
                on:blur=move |_| {
                    open.set(false);
                    active.set(None);
                }
            />
            // Pressing on the list must not take the focus from the box (that would close it
            // before the click lands).
            <div
                class="global-search-panel"
                hidden=move || !show_panel()
                on:mousedown=move |event| event.prevent_default()
            >
                <ul
                    class="global-search-results"
                    id=LISTBOX_ID
                    role="listbox"
                    aria-label=move || text(Msg::GlobalSearchResults)
                >
                    {move || {
                        results
                            .get()
                            .unwrap_or_default()
                            .into_iter()
                            .enumerate()
                            .map(|(index, hit)| {
                                let Hit { href, kind, title, detail } = hit;
                                let selected = move || active.get() == Some(index);
                                view! {
                                    <li
                                        id=option_id(index)
                                        role="option"
                                        class="global-search-result"
                                        class:global-search-result-active=selected
                                        aria-selected=move || if selected() { "true" } else { "false" }
                                        data-testid="search-result"
                                        on:mousemove=move |_| active.set(Some(index))
                                        on:click=move |_| open.set(false)
                                    >
                                        <a href=href tabindex="-1">
                                            <span class="global-search-kind">{move || text(kind)}</span>
                                            <span class="global-search-title">
                                                {move || {
                                                    title.clone().unwrap_or_else(|| {
                                                        invoice_status_text(locale.get(), InvoiceStatus::Draft)
                                                            .to_owned()
                                                    })
                                                }}
                                            </span>
                                            <span class="global-search-detail">{detail}</span>
                                        </a>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
                <Show when=move || loading.get() && results.with(Option::is_none)>
                    <p class="global-search-note" role="status">{move || text(Msg::GlobalSearchSearching)}</p>
                </Show>
                <Show when=move || !loading.get() && results.with(|results| results.as_ref().is_some_and(Vec::is_empty))>
                    <p class="global-search-note" role="status">{move || text(Msg::GlobalSearchNoMatches)}</p>
                </Show>
                {move || error.get().map(|failure| view! {
                    <p class="global-search-note form-error" role="alert">{move || failure.text(locale.get())}</p>
                })}
            </div>
        </div>
    }
}
