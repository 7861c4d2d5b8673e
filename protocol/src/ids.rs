//! Newtype identifiers. String IDs are validated when deserialized, so a value of
//! one of these types is always well formed; numeric IDs are plain wrappers.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a string was refused as an identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidId {
    /// Which kind of identifier was being parsed ("tenant id", ...).
    pub kind: &'static str,
    /// What rule it broke, in words a client developer can act on.
    pub reason: &'static str,
}

impl fmt::Display for InvalidId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: {}", self.kind, self.reason)
    }
}

impl std::error::Error for InvalidId {}

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal, $check:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Validates `s` and wraps it.
            pub fn parse(s: impl Into<String>) -> Result<Self, InvalidId> {
                let s = s.into();
                let check: fn(&str) -> Result<(), &'static str> = $check;
                match check(&s) {
                    Ok(()) => Ok(Self(s)),
                    Err(reason) => Err(InvalidId { kind: $kind, reason }),
                }
            }

            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = InvalidId;
            fn try_from(s: String) -> Result<Self, InvalidId> {
                Self::parse(s)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = InvalidId;
            fn from_str(s: &str) -> Result<Self, InvalidId> {
                Self::parse(s)
            }
        }
    };
}

string_id!(
    /// A tenant (one shop): a lowercase slug of 1–40 characters, `a-z`, `0-9` and
    /// inner `-`. It names the tenant's database file, so the rule is strict.
    TenantId,
    "tenant id",
    |s| {
        if s.is_empty() || s.len() > 40 {
            return Err("must be 1 to 40 characters");
        }
        if !s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return Err("only a-z, 0-9 and '-' are allowed");
        }
        if s.starts_with('-') || s.ends_with('-') {
            return Err("must not start or end with '-'");
        }
        Ok(())
    }
);

string_id!(
    /// A visitor: 22 characters of unpadded base64url (128 random bits), minted by
    /// the relay and carried inside the signed visitor token.
    VisitorId,
    "visitor id",
    |s| {
        if s.len() != 22 {
            return Err("must be 22 characters");
        }
        if !s.bytes().all(is_base64url) {
            return Err("only base64url characters are allowed");
        }
        Ok(())
    }
);

string_id!(
    /// A client-generated message id (a UUID or any other unique string of 1–64
    /// characters from `A-Z a-z 0-9 _ -`). Resending a message with the same id is
    /// idempotent: the relay answers with the original acknowledgement.
    ClientMsgId,
    "client message id",
    |s| {
        if s.is_empty() || s.len() > 64 {
            return Err("must be 1 to 64 characters");
        }
        if !s.bytes().all(is_base64url) {
            return Err("only A-Z, a-z, 0-9, '_' and '-' are allowed");
        }
        Ok(())
    }
);

string_id!(
    /// An uploaded file: `up_` then 22 characters of unpadded base64url (128
    /// random bits), minted by the relay when an upload is stored. A message
    /// attaches uploads by these ids; an id is only ever valid in its tenant.
    UploadId,
    "upload id",
    |s| {
        let Some(rest) = s.strip_prefix("up_") else {
            return Err("must start with 'up_'");
        };
        if rest.len() != 22 {
            return Err("must be 'up_' and 22 characters");
        }
        if !rest.bytes().all(is_base64url) {
            return Err("only base64url characters are allowed after 'up_'");
        }
        Ok(())
    }
);

fn is_base64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

macro_rules! number_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        ///
        /// At most [`MAX_NUMBER_ID`] (`i64::MAX`, what storage can hold): a larger
        /// number is refused when deserialized, like a malformed string id.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
        #[serde(try_from = "u64", into = "u64")]
        pub struct $name(pub u64);

        impl TryFrom<u64> for $name {
            type Error = InvalidId;
            fn try_from(n: u64) -> Result<Self, InvalidId> {
                if n <= MAX_NUMBER_ID {
                    Ok(Self(n))
                } else {
                    Err(InvalidId { kind: $kind, reason: "must be at most 9223372036854775807" })
                }
            }
        }

        impl From<$name> for u64 {
            fn from(id: $name) -> u64 {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

/// The largest conversation id, agent id or seq: `i64::MAX`, SQLite's largest integer.
pub const MAX_NUMBER_ID: u64 = i64::MAX as u64;

number_id!(
    /// A conversation, unique within its tenant.
    ConversationId,
    "conversation id"
);
number_id!(
    /// An agent account, unique within its tenant.
    AgentId,
    "agent id"
);
number_id!(
    /// An internal note (agents only), unique within its tenant.
    NoteId,
    "note id"
);
number_id!(
    /// A tag of the tenant's tag list.
    TagId,
    "tag id"
);
number_id!(
    /// Position of a message in its conversation: 1, 2, 3, ... with no gaps.
    /// `Seq(0)` means "nothing yet" when a client says what it already has.
    Seq,
    "seq"
);

/// Milliseconds since the Unix epoch, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UnixMillis(pub i64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_ids_are_slugs() {
        for ok in ["acme", "a", "shop-42", "x1-y2-z3"] {
            assert!(TenantId::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "Acme", "-acme", "acme-", "ac me", "../etc", "a".repeat(41).as_str(), "ác"] {
            assert!(TenantId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ids_are_validated_when_deserialized() {
        assert!(serde_json::from_str::<TenantId>("\"../../x\"").is_err());
        assert!(serde_json::from_str::<ClientMsgId>("\"\"").is_err());
        assert!(serde_json::from_str::<ClientMsgId>("\"a b\"").is_err());
        let id: ClientMsgId = serde_json::from_str("\"5f0c-aa_9\"").unwrap();
        assert_eq!(id.as_str(), "5f0c-aa_9");
        assert!(serde_json::from_str::<VisitorId>("\"short\"").is_err());
        assert!(serde_json::from_str::<VisitorId>("\"AAAAAAAAAAAAAAAAAAAAAA\"").is_ok());
        assert!(serde_json::from_str::<UploadId>("\"up_AAAAAAAAAAAAAAAAAAAAAA\"").is_ok());
        for bad in ["AAAAAAAAAAAAAAAAAAAAAA", "up_short", "up_AAAAAAAAAAAAAAAAAAAAA/", "up_../../../etc/passwd0000"] {
            assert!(UploadId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn numeric_ids_are_plain_numbers_on_the_wire() {
        assert_eq!(serde_json::to_string(&Seq(7)).unwrap(), "7");
        assert_eq!(serde_json::from_str::<ConversationId>("12").unwrap(), ConversationId(12));
        assert!(serde_json::from_str::<Seq>("-1").is_err());
        // Storage holds i64: a larger number is malformed, not a storage failure.
        assert_eq!(serde_json::from_str::<Seq>("9223372036854775807").unwrap(), Seq(MAX_NUMBER_ID));
        let err = serde_json::from_str::<ConversationId>("9223372036854775808").unwrap_err();
        assert!(err.to_string().contains("invalid conversation id: must be at most"), "{err}");
        assert!(serde_json::from_str::<AgentId>("18446744073709551615").is_err());
    }
}
