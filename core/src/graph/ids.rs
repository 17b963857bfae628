//! GUIDs as Graph sends them, and the four kinds License Desk keeps apart.
//!
//! Graph writes GUIDs in lower case, but admins paste them in any case and documentation
//! samples use placeholders such as `"skuId-value"`. A [`Guid`] keeps whatever string
//! arrived, trimmed and lower-cased, so equality is case-insensitive by construction and
//! nothing is rejected at parse time. [`Guid::is_well_formed`] tells real GUIDs apart.
//!
//! A user, a group, a SKU and a service plan are all GUIDs to Graph, but never
//! interchangeable: [`UserId`], [`GroupId`], [`SkuId`] and [`PlanId`] wrap a [`Guid`] each,
//! so passing a group where a user is expected does not compile. They serialise as the
//! bare GUID string, exactly as Graph writes them.

use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(transparent)]
pub struct Guid(String);

impl Guid {
    pub fn new(value: &str) -> Self {
        Guid(value.trim().to_ascii_lowercase())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True for the 8-4-4-4-12 hexadecimal form Graph uses.
    pub fn is_well_formed(&self) -> bool {
        self.to_u128().is_some()
    }

    /// The GUID as a number, for compact table lookups.
    pub fn to_u128(&self) -> Option<u128> {
        let bytes = self.0.as_bytes();
        if bytes.len() != 36 {
            return None;
        }
        let mut value: u128 = 0;
        for (index, &byte) in bytes.iter().enumerate() {
            if matches!(index, 8 | 13 | 18 | 23) {
                if byte != b'-' {
                    return None;
                }
                continue;
            }
            let digit = (byte as char).to_digit(16)?;
            value = (value << 4) | u128::from(digit);
        }
        Some(value)
    }

    /// A GUID built from 128 bits, formatted the way Graph writes them.
    pub fn from_u128(value: u128) -> Self {
        let hex = format!("{value:032x}");
        Guid(format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        ))
    }
}

impl From<&str> for Guid {
    fn from(value: &str) -> Self {
        Guid::new(value)
    }
}

impl fmt::Display for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl<'de> Deserialize<'de> for Guid {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Ok(Guid::new(&raw))
    }
}

/// Defines an id kind: a [`Guid`] that only compares with ids of the same kind.
macro_rules! id_kind {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Guid);

        impl $name {
            pub fn new(value: &str) -> Self {
                $name(Guid::new(value))
            }

            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }

            pub fn guid(&self) -> &Guid {
                &self.0
            }

            /// True for the 8-4-4-4-12 hexadecimal form Graph uses.
            pub fn is_well_formed(&self) -> bool {
                self.0.is_well_formed()
            }
        }

        impl From<Guid> for $name {
            fn from(guid: Guid) -> Self {
                $name(guid)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                $name::new(value)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.0.as_str())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{:?}", self.0.as_str())
            }
        }
    };
}

id_kind!(
    /// A user's object id, as Graph returned it. Never a UPN or a display name.
    UserId
);
id_kind!(
    /// A group's object id, as Graph returned it.
    GroupId
);
id_kind!(
    /// A product's `skuId` (the same in every tenant), not a `subscribedSku`'s own `id`.
    SkuId
);
id_kind!(
    /// A service plan's `servicePlanId` (the same in every tenant and SKU).
    PlanId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_case_insensitively_and_trims() {
        assert_eq!(
            Guid::new(" 6FD2C87F-B296-42F0-B197-1E91E994B900 "),
            Guid::new("6fd2c87f-b296-42f0-b197-1e91e994b900")
        );
    }

    #[test]
    fn round_trips_through_u128() {
        let guid = Guid::new("84a661c4-e949-4bd2-a560-ed7766fcaf2b");
        assert_eq!(Guid::from_u128(guid.to_u128().unwrap()), guid);
    }

    #[test]
    fn ids_of_one_kind_compare_like_guids() {
        assert_eq!(SkuId::new(" ABC "), SkuId::new("abc"));
        let json = serde_json::to_string(&UserId::new("U1")).unwrap();
        assert_eq!(json, "\"u1\"");
        assert_eq!(
            serde_json::from_str::<PlanId>("\" P \"").unwrap(),
            PlanId::new("p")
        );
    }

    #[test]
    fn keeps_placeholders_but_flags_them() {
        let guid: Guid = serde_json::from_str("\"skuId-value\"").unwrap();
        assert_eq!(guid.as_str(), "skuid-value");
        assert!(!guid.is_well_formed());
        assert!(!Guid::new("84a661c4-e949-4bd2-a560-ed7766fcaf2bx").is_well_formed());
        assert!(!Guid::new("84a661c4xe949-4bd2-a560-ed7766fcaf2b").is_well_formed());
    }
}
