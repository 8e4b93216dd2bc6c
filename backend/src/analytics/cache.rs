//! Figures computed once per request. A dashboard asks for two KPI periods and two monthly
//! trends in one GraphQL request; their resolvers run side by side and need the same
//! as-of totals (the current period's opening day is the previous period's closing day) and
//! the same running month (each trend computes it). Each figure is computed by the first
//! resolver that needs it; the others wait for it and share it. So is each calendar month's
//! sales for the count-back: a quarter, the quarter before it and the trend's running month
//! need twelve months each, mostly the same ones. The cache lives in the request's context
//! (or one job's run), so nothing outlives it or crosses tenants.

use crate::analytics::store::aging::BucketRow;
use crate::analytics::store::kpis::KpiScope;
use chrono::NaiveDate;
use domain::kpi::{Inputs, Kpis};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;

type Cell<T> = Arc<OnceCell<T>>;
type Cells<K, T> = Arc<Mutex<HashMap<K, Cell<T>>>>;

#[derive(Debug, Clone, Default)]
pub struct ReportCache {
    /// What was owed as of a day by due date, bucket by bucket: the KPIs' AR and the
    /// ungrouped aging report's totals (the dashboard asks for both as of today).
    buckets: Cells<(NaiveDate, String, KpiScope), BucketRow>,
    periods: Cells<(NaiveDate, NaiveDate, String, KpiScope), (Inputs, Kpis)>,
    months: Cells<(NaiveDate, NaiveDate, String, KpiScope), Decimal>,
}

fn cell<K: std::hash::Hash + Eq, T>(map: &Mutex<HashMap<K, Cell<T>>>, key: K) -> Cell<T> {
    // A poisoned lock only means another resolver panicked; the map is still sound.
    let mut map = map
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    map.entry(key).or_default().clone()
}

impl ReportCache {
    pub async fn buckets<E, F>(
        &self,
        day: NaiveDate,
        currency: &str,
        scope: &KpiScope,
        compute: F,
    ) -> Result<BucketRow, E>
    where
        F: Future<Output = Result<BucketRow, E>>,
    {
        let cell = cell(&self.buckets, (day, currency.to_owned(), scope.clone()));
        cell.get_or_try_init(|| compute).await.cloned()
    }

    pub async fn period<E, F>(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        currency: &str,
        scope: &KpiScope,
        compute: F,
    ) -> Result<(Inputs, Kpis), E>
    where
        F: Future<Output = Result<(Inputs, Kpis), E>>,
    {
        let cell = cell(
            &self.periods,
            (from, to, currency.to_owned(), scope.clone()),
        );
        cell.get_or_try_init(|| compute).await.cloned()
    }

    /// Sales from `first` to `last` (a calendar month, or its days up to a period's end).
    pub async fn month_sales<E, F>(
        &self,
        first: NaiveDate,
        last: NaiveDate,
        currency: &str,
        scope: &KpiScope,
        compute: F,
    ) -> Result<Decimal, E>
    where
        F: Future<Output = Result<Decimal, E>>,
    {
        let cell = cell(
            &self.months,
            (first, last, currency.to_owned(), scope.clone()),
        );
        cell.get_or_try_init(|| compute).await.copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn a_figure_asked_for_twice_at_once_is_computed_once() {
        let cache = ReportCache::default();
        let runs = AtomicUsize::new(0);
        let day = NaiveDate::from_ymd_opt(2026, 8, 30).unwrap();
        let compute = || async {
            runs.fetch_add(1, Ordering::SeqCst);
            tokio::task::yield_now().await;
            Ok::<_, ()>(BucketRow {
                key: None,
                label: None,
                current: Decimal::ONE,
                d1: Decimal::ZERO,
                d2: Decimal::ZERO,
                d3: Decimal::ZERO,
                d4: Decimal::ZERO,
                total: Decimal::ONE,
            })
        };
        let company = KpiScope::default();
        let (a, b) = tokio::join!(
            cache.buckets(day, "CNY", &company, compute()),
            cache.buckets(day, "CNY", &company, compute())
        );
        assert_eq!(a.unwrap().total, b.unwrap().total);
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        cache
            .buckets(day, "USD", &company, compute())
            .await
            .unwrap();
        assert_eq!(
            runs.load(Ordering::SeqCst),
            2,
            "another currency is another figure"
        );
        let segment = KpiScope {
            segment: Some("Retail".into()),
            collector: None,
        };
        cache
            .buckets(day, "CNY", &segment, compute())
            .await
            .unwrap();
        assert_eq!(
            runs.load(Ordering::SeqCst),
            3,
            "another segment is another figure"
        );
    }
}
