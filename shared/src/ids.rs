//! Identifiers as newtypes, so that passing a customer id where an invoice id belongs does not
//! compile. Each wraps a UUID and crosses the wire as its canonical string.

/// Declares an id newtype over [`uuid::Uuid`].
#[macro_export]
macro_rules! define_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            ::serde::Serialize, ::serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub ::uuid::Uuid);

        impl $name {
            pub const fn from_uuid(uuid: ::uuid::Uuid) -> Self {
                Self(uuid)
            }

            pub const fn as_uuid(&self) -> &::uuid::Uuid {
                &self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.0, f)
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                ::uuid::Uuid::parse_str(s).map(Self)
            }
        }
    };
}

define_id!(
    /// A company using Duely; owns one Postgres schema.
    TenantId
);

impl TenantId {
    /// The tenant's Postgres schema: derived from the immutable id, never from user input, so it
    /// is always a safe identifier (`t_` and 32 lowercase hex digits).
    pub fn schema_name(&self) -> String {
        format!("t_{}", self.0.simple())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn a_tenant_schema_name_is_a_plain_identifier_from_the_id() {
        let id = TenantId(Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef));
        assert_eq!(id.schema_name(), "t_0123456789abcdef0123456789abcdef");
        let name = id.schema_name();
        assert_eq!(name.len(), 34);
        assert!(
            name.chars()
                .all(|c| c == '_' || c.is_ascii_digit() || c.is_ascii_lowercase())
        );
    }

    #[test]
    fn ids_cross_the_wire_as_their_uuid_string() {
        let id = TenantId(Uuid::from_u128(7));
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"00000000-0000-0000-0000-000000000007\"");
        assert_eq!(
            "00000000-0000-0000-0000-000000000007"
                .parse::<TenantId>()
                .unwrap(),
            id
        );
    }
}
