//! Lenient string enums for the values Graph returns.
//!
//! Graph pads some strings (`" Active "`, `" None"`), writes "no error" as `null`,
//! `"None"` or `""`, and has changed its vocabulary over time (`Others` became `Other`).
//! Every enum here parses case-insensitively after trimming and keeps values it does not
//! know as `Unknown(String)`, so a new value from Microsoft never breaks a read.
//!
//! A value Graph did not send at all (missing or `null`) is `Unknown("")`, the "absent"
//! value: it is shown as "unknown" and written back as `null`, and it is never mistaken
//! for a real value such as `Active` or `Enabled`.

/// Declares an enum whose variants map to Graph's strings, plus an `Unknown(String)` variant.
macro_rules! graph_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => [$($text:literal),+]),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($variant,)+
            /// A value this version of License Desk does not know, kept verbatim.
            Unknown(String),
        }

        impl $name {
            /// Parses a Graph string: trimmed, case-insensitive, never failing.
            pub fn parse(raw: &str) -> Self {
                let trimmed = raw.trim();
                $(
                    if [$($text),+].iter().any(|t| t.eq_ignore_ascii_case(trimmed)) {
                        return $name::$variant;
                    }
                )+
                $name::Unknown(trimmed.to_string())
            }

            /// The value for "Graph did not say" (missing, `null` or blank).
            pub fn absent() -> Self {
                $name::Unknown(String::new())
            }

            /// True when Graph sent no value at all.
            pub fn is_absent(&self) -> bool {
                matches!(self, $name::Unknown(raw) if raw.is_empty())
            }

            /// True for a value this version of License Desk knows.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Unknown(_))
            }

            /// For the admin: the Graph spelling, or that Graph did not say.
            pub fn plain(&self) -> &str {
                if self.is_absent() {
                    "unknown (Graph did not say)"
                } else {
                    self.as_str()
                }
            }

            /// The canonical Graph spelling; a value Graph did not send reads "unknown".
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => [$($text),+][0],)+
                    $name::Unknown(raw) if raw.is_empty() => "unknown",
                    $name::Unknown(raw) => raw,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            /// An absent value is written as `null`, so it reads back as absent.
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                if self.is_absent() {
                    serializer.serialize_none()
                } else {
                    serializer.serialize_str(self.as_str())
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw: Option<String> = serde::Deserialize::deserialize(deserializer)?;
                Ok($name::parse(raw.as_deref().unwrap_or("")))
            }
        }
    };
}

pub(crate) use graph_enum;
