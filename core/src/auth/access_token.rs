//! The admin's access token, wrapped so it can't leak by accident.
//!
//! `Debug` and `Display` show only a redacted form, so a token never reaches a log, an
//! error message, an export or a panic message through formatting. The raw value is
//! read in exactly two places: the session (to decode the claims it shows) and the
//! HTTP edge (for the `Authorization` header), through [`AccessToken::expose`] and
//! [`AccessToken::authorization`].

use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(String);

impl AccessToken {
    /// Cleans a pasted or passed-in token the same way every time: surrounding
    /// whitespace and a `Bearer ` prefix go. `None` when nothing is left.
    pub fn from_pasted(pasted: &str) -> Option<Self> {
        let bare = crate::auth::token::bare(pasted);
        (!bare.is_empty()).then(|| AccessToken(bare.to_string()))
    }

    /// The raw token, for decoding its claims.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The `Authorization` header value.
    pub fn authorization(&self) -> String {
        format!("Bearer {}", self.0)
    }

    /// A form safe to show: the length and the last four characters.
    pub fn redacted(&self) -> String {
        let tail: String = self
            .0
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("token(…{tail}, {} chars)", self.0.chars().count())
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Display for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "eyJhbGciOiJub25lIn0.eyJzZWNyZXQiOiJ5ZXMifQ.c2lnbmF0dXJl";

    #[test]
    fn formatting_never_shows_the_token() {
        let token = AccessToken::from_pasted(SECRET).unwrap();
        for shown in [
            format!("{token}"),
            format!("{token:?}"),
            format!("{:?}", Some(&token)),
        ] {
            assert!(!shown.contains("eyJ"), "{shown}");
            assert!(shown.contains("…dXJl"), "{shown}");
        }
        assert_eq!(token.expose(), SECRET);
        assert_eq!(token.authorization(), format!("Bearer {SECRET}"));
    }

    #[test]
    fn pasted_and_fragment_tokens_are_cleaned_alike() {
        for pasted in [
            SECRET.to_string(),
            format!("  {SECRET}\n"),
            format!("Bearer {SECRET}"),
            format!("bearer   {SECRET} "),
        ] {
            assert_eq!(AccessToken::from_pasted(&pasted).unwrap().expose(), SECRET);
        }
        assert_eq!(AccessToken::from_pasted("   "), None);
        assert_eq!(AccessToken::from_pasted("Bearer "), None);
    }
}
