//! Cash application (收款核销) over a big company's bank statement: how fast matching is, how
//! much it applies by itself, and how often it applies a line wrongly.
//!
//! Run with `cargo bench -p duely-domain --bench cash_matching` (release). From a fixed seed
//! (`DUELY_BENCH_SEED` sets another; `DUELY_BENCH_ROUNDS`, default 3, how often the book is
//! built and the statement matched) it generates a company: 10,000 customers with Chinese
//! company names, 100,000 open CNY invoices (`INV-000001` on, about ten a customer, balances
//! from 100.00 to 99,999.99, due over a year) and the payers it has learned (a bank account for
//! 60% of the customers, for some with the boss's personal name). Then a statement of 10,000
//! lines, each keeping what it really pays, in the mix:
//! - 45% the invoice's number in the remark (附言), with or without its hyphen, full-width or in
//!   lower case, paying its whole balance;
//! - 10% the number one character off (a look-alike letter for a digit, or a dropped
//!   character), paying the whole balance;
//! - 15% no reference, a learned payer's account and the amount of one of its invoices;
//! - 10% two to four invoices of one customer together, from a learned account or in the
//!   customer's own name;
//! - 5% part payments naming the invoice; 5% unknown payers with no reference; 5% interest,
//!   refunds and fee rebates (nothing to apply);
//! - 5% lines exported again by an overlapping statement file: the import's fingerprint
//!   ([`domain::cash::fingerprint_sources`]) drops them, so they are counted, not matched.
//!
//! The lines are matched in booking order as the `bank.match` job does: a line whose best
//! suggestion reaches the threshold (0.90) and is not a keyed payment is applied, and what it
//! pays is taken off the book before the next line. It prints the times, the share of
//! invoice-paying lines applied automatically, the wrong applications (customer, invoices or
//! amounts other than the line's truth), per category, and the commonest outcomes of the lines
//! missed or applied wrongly, with the best suggestion's reasons and confidence. Figures, not
//! pass/fail: the goals are printed next to them.

use domain::cash::matching::Book;
use domain::cash::{Suggestion, fingerprint_sources};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;
use uuid::Uuid;

#[path = "cash_matching/generate.rs"]
mod generate;
use generate::*;

/// The goals.
const GOAL_SECONDS_PER_10K: f64 = 10.0;
const GOAL_AUTO_SHARE: f64 = 90.0;
const GOAL_WRONG_PER_1000: f64 = 1.0;

/// The line's best suggestion, when the job would apply it.
fn auto_choice(found: &[Suggestion], threshold: Decimal) -> Option<&Suggestion> {
    found
        .first()
        .filter(|best| best.confidence >= threshold && best.payment_id.is_none())
}

fn is_truth(suggestion: &Suggestion, truth: Option<&Truth>) -> bool {
    let Some(truth) = truth else {
        return false;
    };
    let mut paid: Vec<(Uuid, Decimal)> = suggestion
        .invoices
        .iter()
        .map(|i| (i.invoice_id, i.amount))
        .collect();
    paid.sort();
    suggestion.customer_id == truth.customer
        && suggestion.payment_id.is_none()
        && paid == truth.invoices
}

fn signature(found: &[Suggestion]) -> String {
    match found.first() {
        None => "no suggestion".to_owned(),
        Some(best) => format!(
            "{} {}",
            best.reasons
                .iter()
                .map(|r| r.code.as_str())
                .collect::<Vec<_>>()
                .join("+"),
            best.confidence
        ),
    }
}

fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

/// A kind of line missed or applied wrongly: its category, what happened, how it was written,
/// who paid, and its best suggestion's reasons and confidence.
type Shape = (Category, &'static str, &'static str, &'static str, String);

#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    lines: usize,
    auto: usize,
    wrong: usize,
}

impl Tally {
    fn add(self, other: &Tally) -> Tally {
        Tally {
            lines: self.lines + other.lines,
            auto: self.auto + other.auto,
            wrong: self.wrong + other.wrong,
        }
    }
}

/// One pass as the job makes it: the book built, every line suggested for in booking order,
/// what an applied line pays taken off the book.
struct Run {
    build: f64,
    matching: f64,
    /// Of `matching`, the time in `Book::consume`.
    consuming: f64,
    suggested: Vec<Vec<Suggestion>>,
}

fn run(company: &Company, lines: &[&Line], threshold: Decimal) -> Run {
    let invoices = company.invoices.clone();
    let building = Instant::now();
    let mut book = Book::new(invoices, &company.customers, &company.payers, Vec::new());
    let build = building.elapsed().as_secs_f64();
    let mut consuming = 0.0;
    let matching = Instant::now();
    let mut suggested: Vec<Vec<Suggestion>> = Vec::with_capacity(lines.len());
    for line in lines {
        let found = book.suggest(&line.incoming());
        if let Some(best) = auto_choice(&found, threshold) {
            let taking = Instant::now();
            for invoice in &best.invoices {
                book.consume(invoice.invoice_id, invoice.amount);
            }
            consuming += taking.elapsed().as_secs_f64();
        }
        suggested.push(found);
    }
    Run {
        build,
        matching: matching.elapsed().as_secs_f64(),
        consuming,
        suggested,
    }
}

/// What a run did, against the lines' truth.
#[derive(Default)]
struct Judged {
    tallies: BTreeMap<Category, Tally>,
    /// Lines missed or applied wrongly, by shape.
    shapes: HashMap<Shape, usize>,
    /// Lines applied rightly, by category and the reasons of what applied them.
    applied_by: BTreeMap<(Category, String), usize>,
}

impl Judged {
    fn paying(&self) -> Tally {
        self.tallies
            .iter()
            .filter(|(c, _)| c.pays_invoices())
            .fold(Tally::default(), |sum, (_, t)| sum.add(t))
    }

    fn all(&self) -> Tally {
        self.tallies
            .values()
            .fold(Tally::default(), |sum, t| sum.add(t))
    }

    fn nothing_to_pay(&self) -> Tally {
        [Category::UnknownPayer, Category::Fee]
            .iter()
            .filter_map(|c| self.tallies.get(c))
            .fold(Tally::default(), |sum, t| sum.add(t))
    }

    /// Invoice-paying lines applied, and rightly, in percent.
    fn auto_share(&self) -> f64 {
        let paying = self.paying();
        percent(paying.auto - paying.wrong, paying.lines)
    }

    fn wrong_per_1000(&self) -> f64 {
        let all = self.all();
        if all.auto == 0 {
            0.0
        } else {
            1000.0 * all.wrong as f64 / all.auto as f64
        }
    }
}

fn judge(lines: &[&Line], suggested: &[Vec<Suggestion>], threshold: Decimal) -> Judged {
    let mut judged = Judged::default();
    for (line, found) in lines.iter().zip(suggested) {
        let tally = judged.tallies.entry(line.category).or_default();
        tally.lines += 1;
        let outcome = match auto_choice(found, threshold) {
            Some(best) if is_truth(best, line.truth.as_ref()) => {
                tally.auto += 1;
                let reasons: Vec<&str> = best
                    .reasons
                    .iter()
                    .map(|r| r.code.as_str())
                    .filter(|code| !code.starts_with("PAYER_"))
                    .collect();
                *judged
                    .applied_by
                    .entry((line.category, reasons.join("+")))
                    .or_default() += 1;
                continue;
            }
            Some(_) => {
                tally.auto += 1;
                tally.wrong += 1;
                "APPLIED WRONGLY"
            }
            None if line.truth.is_none() => continue,
            None => match found.first() {
                Some(best) if is_truth(best, line.truth.as_ref()) => "missed, best right",
                Some(_) => "missed, best wrong",
                None => "missed",
            },
        };
        *judged
            .shapes
            .entry((
                line.category,
                outcome,
                line.variant,
                line.payer,
                signature(found),
            ))
            .or_default() += 1;
    }
    judged
}

fn main() {
    let seed: u64 = env_or("DUELY_BENCH_SEED", 0x00D0_E1F5_CA5E_2026);
    let rounds: usize = env_or("DUELY_BENCH_ROUNDS", 3).max(1);
    let threshold = Decimal::new(90, 2);
    let mut rng = Rng(seed);

    let generating = Instant::now();
    let company = company(&mut rng);
    let import = statement(Rng(rng.next()), &company);
    let personal = company.payers.iter().filter(|p| p.name.is_some()).count();
    println!(
        "cash matching: {} customers, {} open CNY invoices, {} learned payers ({} in a person's name); seed {seed:#x}, generated in {:.2} s",
        grouped(company.customers.len()),
        grouped(company.invoices.len()),
        grouped(company.payers.len()),
        grouped(personal),
        generating.elapsed().as_secs_f64(),
    );

    // `DUELY_BENCH_SAMPLES=n`: the first n lines of each category, as matching reads them.
    let samples: usize = env_or("DUELY_BENCH_SAMPLES", 0);
    for category in Category::ALL {
        let lines = import
            .files
            .iter()
            .flatten()
            .filter(|l| l.category == category);
        for line in lines.take(samples) {
            println!(
                "  sample {}: {} {} · {:?} · {:?} · remark {:?} · reference {:?} · pays {:?}",
                category.label(),
                line.booked_on,
                line.amount,
                line.payer_name,
                line.payer_account,
                line.remark,
                line.reference,
                line.truth.as_ref().map(|t| t.invoices.len()),
            );
        }
    }

    // The import: a line whose fingerprint an earlier file had is the same line again.
    let fingerprinting = Instant::now();
    let mut seen: HashSet<String> = HashSet::new();
    let mut kept: Vec<&Line> = Vec::new();
    let (mut dropped, mut dropped_planted, mut missed_planted) = (0, 0, 0);
    for file in &import.files {
        let sources = fingerprint_sources(
            OWN_ACCOUNT,
            file.iter().map(|l| {
                (
                    None,
                    l.booked_on,
                    l.amount,
                    l.reference.as_deref(),
                    l.remark.as_deref(),
                )
            }),
        );
        for (line, source) in file.iter().zip(sources) {
            let copy = line.category == Category::Duplicate;
            if seen.insert(source) {
                kept.push(line);
                missed_planted += usize::from(copy);
            } else {
                dropped += 1;
                dropped_planted += usize::from(copy);
            }
        }
    }
    let fingerprinting = fingerprinting.elapsed().as_secs_f64();
    let total_lines: usize = import.files.iter().map(Vec::len).sum();
    println!(
        "statement: {} lines in {} weekly files; {} of them exported again by an overlapping file; fingerprint_source dropped {} ({} of those, {} new lines lost; {} copies let through); {} lines to match (fingerprints in {:.0} ms)",
        grouped(total_lines),
        import.files.len(),
        grouped(import.planted),
        grouped(dropped),
        grouped(dropped_planted),
        grouped(dropped - dropped_planted),
        grouped(missed_planted),
        grouped(kept.len()),
        fingerprinting * 1000.0,
    );

    let runs: Vec<Run> = (0..rounds)
        .map(|_| run(&company, &kept, threshold))
        .collect();
    let best = |time: fn(&Run) -> f64| runs.iter().map(time).fold(f64::INFINITY, f64::min);
    let list = |time: fn(&Run) -> f64| {
        runs.iter()
            .map(|r| format!("{:.3}", time(r)))
            .collect::<Vec<_>>()
            .join(" / ")
    };
    let (build, matching, consuming) = (
        best(|r| r.build),
        best(|r| r.matching),
        best(|r| r.consuming),
    );
    let per_second = kept.len() as f64 / matching;
    let for_10k = 10_000.0 / per_second;
    println!(
        "build the book ({} invoices): {build:.3} s, best of {rounds} ({} s)",
        grouped(company.invoices.len()),
        list(|r| r.build)
    );
    println!(
        "match {} lines in booking order, threshold {threshold}: {matching:.3} s, best of {rounds} ({} s), of which Book::consume {consuming:.3} s",
        grouped(kept.len()),
        list(|r| r.matching),
    );
    println!(
        "  {} lines/s; 10,000 lines in {for_10k:.2} s, goal <= {GOAL_SECONDS_PER_10K} s: {}",
        grouped(per_second as usize),
        verdict(for_10k <= GOAL_SECONDS_PER_10K),
    );

    let Some(last) = runs.last() else {
        return;
    };
    let judged = judge(&kept, &last.suggested, threshold);
    let (paying, all, nothing) = (judged.paying(), judged.all(), judged.nothing_to_pay());
    println!(
        "invoice-paying lines applied automatically (and rightly): {} of {} = {:.1}%, goal >= {GOAL_AUTO_SHARE}%: {}",
        grouped(paying.auto - paying.wrong),
        grouped(paying.lines),
        judged.auto_share(),
        verdict(judged.auto_share() >= GOAL_AUTO_SHARE),
    );
    println!(
        "wrong automatic applications: {} of {} applied = {:.2} per 1,000, goal <= {GOAL_WRONG_PER_1000}: {}",
        grouped(all.wrong),
        grouped(all.auto),
        judged.wrong_per_1000(),
        verdict(judged.wrong_per_1000() <= GOAL_WRONG_PER_1000),
    );
    println!(
        "unknown payers and interest/refunds/fees applied automatically (all wrong): {} of {} = {:.2}%",
        grouped(nothing.auto),
        grouped(nothing.lines),
        percent(nothing.auto, nothing.lines),
    );

    println!();
    println!(
        "{:<26} {:>6} {:>6} {:>7} {:>6}",
        "category", "lines", "auto", "auto %", "wrong"
    );
    for category in Category::ALL {
        let tally = judged.tallies.get(&category).copied().unwrap_or_default();
        // Copies are counted at the import and matched only if the fingerprint let them by.
        let lines = if category == Category::Duplicate {
            import.planted
        } else {
            tally.lines
        };
        println!(
            "{:<26} {:>6} {:>6} {:>6.1}% {:>6}",
            category.label(),
            grouped(lines),
            grouped(tally.auto),
            percent(tally.auto, lines),
            grouped(tally.wrong),
        );
    }

    println!();
    println!("applied rightly, by what applied them (the payer's reason left out):");
    for category in Category::ALL {
        let rows: Vec<(&String, &usize)> = judged
            .applied_by
            .iter()
            .filter(|((c, _), _)| *c == category)
            .map(|((_, reasons), n)| (reasons, n))
            .collect();
        if rows.is_empty() {
            continue;
        }
        let shown = rows
            .iter()
            .map(|(reasons, n)| format!("{reasons} {}", grouped(**n)))
            .collect::<Vec<_>>()
            .join(", ");
        println!("  {:<26} {shown}", category.label());
    }

    println!();
    println!(
        "lines missed or applied wrongly, commonest first (how written · payer · best suggestion's reasons and confidence):"
    );
    for category in Category::ALL {
        let mut rows: Vec<(&Shape, &usize)> = judged
            .shapes
            .iter()
            .filter(|((c, ..), _)| *c == category)
            .collect();
        if rows.is_empty() {
            continue;
        }
        rows.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        let total: usize = rows.iter().map(|(_, n)| **n).sum();
        println!("  {} ({} lines)", category.label(), grouped(total));
        for ((_, outcome, variant, payer, signature), count) in rows.iter().take(8) {
            println!("    {count:>5}  {outcome:<18} {variant} · {payer} · {signature}");
        }
        if rows.len() > 8 {
            let rest: usize = rows.iter().skip(8).map(|(_, n)| **n).sum();
            println!("    {rest:>5}  … in {} other shapes", rows.len() - 8);
        }
    }

    // The threshold is the company's (0.50 to 1.00): what each would do to the same statement.
    println!();
    println!("other thresholds, the same statement:");
    println!(
        "{:>9} {:>16} {:>10} {:>14} {:>22}",
        "threshold", "paying applied", "wrong", "per 1,000", "unknown/fees applied"
    );
    let mut wrong_where = Vec::new();
    for cents in [50, 60, 70, 80, 90, 95, 99] {
        let threshold = Decimal::new(cents, 2);
        let swept = run(&company, &kept, threshold);
        let judged = judge(&kept, &swept.suggested, threshold);
        let (all, nothing) = (judged.all(), judged.nothing_to_pay());
        println!(
            "{threshold:>9} {:>15.1}% {:>10} {:>14.2} {:>21.1}%",
            judged.auto_share(),
            grouped(all.wrong),
            judged.wrong_per_1000(),
            percent(nothing.auto, nothing.lines),
        );
        let wrong: Vec<String> = judged
            .tallies
            .iter()
            .filter(|(_, t)| t.wrong > 0)
            .map(|(c, t)| format!("{} {}", c.label(), t.wrong))
            .collect();
        if !wrong.is_empty() {
            wrong_where.push(format!("  wrong at {threshold}: {}", wrong.join(", ")));
        }
    }
    for line in wrong_where {
        println!("{line}");
    }
}
