//! Legal escalation of a customer's debt: a case moves forward through its stages and ends
//! settled or written off; it never moves back.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LegalStatus {
    /// Opened, nothing sent yet.
    None,
    LetterSent,
    Agency,
    Litigation,
    Settled,
    WrittenOff,
}

impl LegalStatus {
    pub const ALL: [LegalStatus; 6] = [
        LegalStatus::None,
        LegalStatus::LetterSent,
        LegalStatus::Agency,
        LegalStatus::Litigation,
        LegalStatus::Settled,
        LegalStatus::WrittenOff,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            LegalStatus::None => "NONE",
            LegalStatus::LetterSent => "LETTER_SENT",
            LegalStatus::Agency => "AGENCY",
            LegalStatus::Litigation => "LITIGATION",
            LegalStatus::Settled => "SETTLED",
            LegalStatus::WrittenOff => "WRITTEN_OFF",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == text)
    }

    pub const fn is_closed(self) -> bool {
        matches!(self, LegalStatus::Settled | LegalStatus::WrittenOff)
    }

    /// Where a case may go from here: any later stage (a letter may be skipped), or closed.
    pub fn can_move_to(self, next: LegalStatus) -> bool {
        !self.is_closed() && next > self
    }
}

#[cfg(test)]
mod tests {
    use super::LegalStatus::*;

    #[test]
    fn cases_only_move_forward_and_stop_when_closed() {
        assert!(None.can_move_to(LetterSent));
        assert!(None.can_move_to(Litigation));
        assert!(Agency.can_move_to(Settled));
        assert!(LetterSent.can_move_to(WrittenOff));
        assert!(!Agency.can_move_to(LetterSent));
        assert!(!Agency.can_move_to(Agency));
        assert!(!Settled.can_move_to(WrittenOff));
        assert!(!WrittenOff.can_move_to(Litigation));
    }
}
