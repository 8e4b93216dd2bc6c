//! Commands are values. Each use case that moves money or credit takes one serialisable input
//! struct and is run by its area's service; an approval can store such a value and run it later,
//! re-checking it against the state at that time. `KIND` and `VERSION` travel with the stored
//! value, so a later release knows what it is reading and can refuse a shape it no longer runs.

use serde::Serialize;
use serde::de::DeserializeOwned;

pub trait Command: Serialize + DeserializeOwned + Clone + std::fmt::Debug + Send + Sync {
    /// A stable name, `area.use_case` (`invoices.issue`).
    const KIND: &'static str;
    /// Bumped whenever a field is added, removed or changes meaning.
    const VERSION: u32;
}

/// A command as stored: its kind, its version and its fields.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StoredCommand {
    pub kind: String,
    pub version: u32,
    pub body: serde_json::Value,
}

impl StoredCommand {
    pub fn of<C: Command>(command: &C) -> Result<Self, serde_json::Error> {
        Ok(StoredCommand {
            kind: C::KIND.to_owned(),
            version: C::VERSION,
            body: serde_json::to_value(command)?,
        })
    }

    /// The command back, if it is of this kind and version.
    pub fn read<C: Command>(&self) -> Option<C> {
        if self.kind != C::KIND || self.version != C::VERSION {
            return None;
        }
        serde_json::from_value(self.body.clone()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Move {
        amount: rust_decimal::Decimal,
    }
    impl Command for Move {
        const KIND: &'static str = "test.move";
        const VERSION: u32 = 2;
    }

    #[test]
    fn a_stored_command_reads_back_only_as_its_own_kind_and_version() {
        let command = Move {
            amount: "12.30".parse().unwrap(),
        };
        let stored = StoredCommand::of(&command).unwrap();
        assert_eq!(stored.read::<Move>(), Some(command));
        let older = StoredCommand {
            version: 1,
            ..stored
        };
        assert_eq!(older.read::<Move>(), None);
    }
}
