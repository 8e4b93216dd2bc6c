//! Credit ratings as the API shows them, and the override's input.

use crate::analytics::service::ratings::RatingOverride;
use crate::analytics::store::ratings::RatingRow;
use crate::api::values::{Date, Money};
use crate::api::values::{locale, text_params};
use async_graphql::{ComplexObject, Context, ID, InputObject, Json, SimpleObject};
use chrono::{DateTime, Utc};
use domain::messages::{Localized, Text};
use domain::rating::{Factor, Grade};

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct RatingFactor {
    pub factor: Factor,
    /// Points this factor adds to the score, of `weight`.
    pub points: String,
    pub weight: String,
    /// The measure behind it ("12.5 days", "30%").
    pub value: String,
    #[graphql(skip)]
    pub text: Text,
}

#[ComplexObject]
impl RatingFactor {
    /// Why, in a line, in the caller's language.
    async fn reason(&self, ctx: &Context<'_>) -> String {
        self.text.text(locale(ctx))
    }

    /// The reason as a code (`RATING_PAYS_LATE`), for clients with texts of their own.
    async fn message_code(&self) -> String {
        self.text.code()
    }

    /// The reason's parameters (`{"days": "18.6"}`).
    async fn message_params(&self) -> Json<serde_json::Value> {
        text_params(&self.text)
    }
}

#[derive(SimpleObject, Clone)]
pub struct CreditRating {
    pub id: ID,
    pub customer_id: ID,
    /// 0 to 100: the sum of the factors' points.
    pub score: String,
    /// The grade in force (an override's, when there is one).
    pub grade: Grade,
    /// The grade the score gives.
    pub computed_grade: Grade,
    pub factors: Vec<RatingFactor>,
    pub recommended_credit_limit: Money,
    pub recommended_terms_days: i32,
    pub override_reason: Option<String>,
    pub overridden_by: Option<String>,
    pub computed_on: Date,
    pub created_at: DateTime<Utc>,
}

impl From<RatingRow> for CreditRating {
    fn from(row: RatingRow) -> Self {
        CreditRating {
            id: ID(row.id.to_string()),
            customer_id: ID(row.customer_id.to_string()),
            score: row.score.normalize().to_string(),
            grade: row.grade,
            computed_grade: row.computed_grade,
            factors: row
                .factors
                .into_iter()
                .map(|c| RatingFactor {
                    factor: c.factor,
                    points: c.points.normalize().to_string(),
                    weight: c.weight.normalize().to_string(),
                    value: c.value,
                    text: c.reason,
                })
                .collect(),
            recommended_credit_limit: Money::new(row.recommended_limit, &row.currency),
            recommended_terms_days: row.recommended_terms,
            override_reason: row.override_reason,
            overridden_by: row.overridden_by,
            computed_on: Date(row.computed_on),
            created_at: row.created_at,
        }
    }
}

#[derive(InputObject)]
pub struct OverrideCreditRatingInput {
    pub customer_id: ID,
    pub grade: Grade,
    pub reason: String,
}

impl From<OverrideCreditRatingInput> for RatingOverride {
    fn from(input: OverrideCreditRatingInput) -> Self {
        RatingOverride {
            customer_id: crate::api::values::id_or_nil(&input.customer_id),
            grade: input.grade,
            reason: input.reason,
        }
    }
}
