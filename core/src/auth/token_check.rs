//! What the sign-in screen tells the admin about a pasted token, before anything is sent.
//!
//! Pasting the wrong thing is the most common bad start: nothing at all, a `Bearer`
//! prefix alone, a wrapped or half-copied token, a token for another resource or cloud,
//! one that has expired or is not valid yet, or one that carries no permissions.
//! [`assess`] turns the pasted text into [`Finding`]s in the admin's words. Blocking
//! findings stop the sign-in, because nothing could work; warnings let it go ahead
//! (Graph decides) but say what will happen and what to do.

use crate::auth::token::{self, Claims};
use crate::graph::request::Cloud;

/// Above this many bytes a token no longer fits the header limit servers commonly apply.
pub const LARGE_TOKEN_BYTES: usize = 16 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// Signing in is refused: the text can't be a usable token.
    Blocking,
    /// Signing in goes ahead, but Graph is likely to refuse some or all calls.
    Warning,
}

/// One thing wrong with a pasted token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finding {
    Empty,
    ContainsWhitespace,
    NotAJwt,
    /// The middle part is not base64url.
    DamagedPayload,
    /// The middle part decodes, but not to JSON.
    PayloadNotJson,
    /// JSON, but a standard claim has the wrong type.
    ClaimsUnreadable,
    Expired {
        seconds_ago: i64,
    },
    NotYetValid {
        seconds_until: i64,
    },
    /// A Graph audience, but of another national cloud.
    OtherCloud {
        token_cloud: Cloud,
        chosen: Cloud,
    },
    /// Not a Graph audience at all (or none).
    WrongAudience {
        audience: Option<String>,
    },
    NoPermissions,
    AppOnly {
        app: Option<String>,
        roles: Vec<String>,
    },
    Oversized {
        bytes: usize,
    },
}

impl Finding {
    pub fn severity(&self) -> Severity {
        match self {
            Finding::Empty
            | Finding::ContainsWhitespace
            | Finding::NotAJwt
            | Finding::DamagedPayload
            | Finding::PayloadNotJson
            | Finding::ClaimsUnreadable => Severity::Blocking,
            _ => Severity::Warning,
        }
    }

    /// What is wrong, in one sentence.
    pub fn headline(&self) -> String {
        match self {
            Finding::Empty => "Paste an access token first.".into(),
            Finding::ContainsWhitespace => "This token contains spaces or line breaks.".into(),
            Finding::NotAJwt => "This is not a JWT: a Microsoft Graph access token has three parts separated by dots.".into(),
            Finding::DamagedPayload => "This token is damaged: its middle part is not valid base64url.".into(),
            Finding::PayloadNotJson => "This token is damaged: its middle part does not decode to JSON claims.".into(),
            Finding::ClaimsUnreadable => "This token's claims can't be read: a standard claim such as exp or aud has the wrong type.".into(),
            Finding::Expired { seconds_ago } => format!("This token expired {} ago.", duration(*seconds_ago)),
            Finding::NotYetValid { seconds_until } => format!("This token is not valid yet: it becomes valid in {}.", duration(*seconds_until)),
            Finding::OtherCloud { token_cloud, chosen } => format!(
                "This token is for Microsoft Graph in the {} cloud, but {} is selected.",
                token_cloud.label(),
                chosen.label()
            ),
            Finding::WrongAudience { audience: Some(audience) } => format!("This token is not for Microsoft Graph: its audience is {audience}."),
            Finding::WrongAudience { audience: None } => "This token is not for Microsoft Graph: it names no audience.".into(),
            Finding::NoPermissions => "This token carries no permissions: Graph will refuse every call.".into(),
            Finding::AppOnly { app, roles } => format!(
                "This is an app-only token: License Desk will act as the app {} with the application permissions {}.",
                app.as_deref().unwrap_or("(unnamed)"),
                if roles.is_empty() { "(none)".to_string() } else { roles.join(", ") }
            ),
            Finding::Oversized { bytes } => format!("This token is unusually large ({} KB).", bytes.div_ceil(1024)),
        }
    }

    /// What to do about it.
    pub fn what_to_do(&self) -> String {
        match self {
            Finding::Empty => "Copy the accessToken value from `az account get-access-token --resource-type ms-graph`, or the token from Graph Explorer's “Access token” tab.".into(),
            Finding::ContainsWhitespace => "Copy it again as one line: a terminal or mail client may have wrapped it.".into(),
            Finding::NotAJwt => "Copy the whole access token (it starts with “eyJ”), not a client secret, an id or a refresh token.".into(),
            Finding::DamagedPayload | Finding::PayloadNotJson | Finding::ClaimsUnreadable => "Copy the whole token again: part of it is missing or was changed.".into(),
            Finding::Expired { .. } => "Get a fresh token: Graph refuses expired tokens.".into(),
            Finding::NotYetValid { .. } => "Check this computer's clock, or wait until then: Graph refuses the token before that time.".into(),
            Finding::OtherCloud { token_cloud, chosen } => format!(
                "Choose {} under Cloud, or get a token for Microsoft Graph in {}.",
                token_cloud.label(),
                chosen.label()
            ),
            Finding::WrongAudience { .. } => "Get a token for Microsoft Graph, for example with `az account get-access-token --resource-type ms-graph`.".into(),
            Finding::NoPermissions => "Get a token that carries Graph permissions such as User.Read.All and LicenseAssignment.ReadWrite.All (delegated scopes in scp, or app roles in roles).".into(),
            Finding::AppOnly { .. } => "Changes will be made and audited as the app, not as you. Use a delegated token to act as yourself.".into(),
            Finding::Oversized { .. } => "Entra ID keeps access tokens small enough for an HTTP header, and servers commonly refuse headers over 16 KB: check that you pasted exactly one token.".into(),
        }
    }
}

/// A pasted token and everything the sign-in screen should say about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assessment {
    /// The token without surrounding whitespace or a `Bearer` prefix.
    pub token: String,
    pub claims: Option<Claims>,
    /// Blocking findings first.
    pub findings: Vec<Finding>,
}

impl Assessment {
    /// The first reason signing in is refused, if any.
    pub fn blocking(&self) -> Option<&Finding> {
        self.findings
            .iter()
            .find(|f| f.severity() == Severity::Blocking)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity() == Severity::Warning)
    }

    pub fn can_sign_in(&self) -> bool {
        self.blocking().is_none()
    }
}

/// Assesses `pasted` for `cloud` at `now_seconds` (Unix time).
pub fn assess(pasted: &str, cloud: Cloud, now_seconds: i64) -> Assessment {
    let bare = token::bare(pasted);
    // "Bearer " alone trims to the word itself.
    let bare = if bare.eq_ignore_ascii_case("bearer") {
        ""
    } else {
        bare
    };
    let mut assessment = Assessment {
        token: bare.to_string(),
        claims: None,
        findings: Vec::new(),
    };
    let blocked = |finding| Assessment {
        findings: vec![finding],
        ..assessment.clone()
    };
    if bare.is_empty() {
        return blocked(Finding::Empty);
    }
    if bare.chars().any(char::is_whitespace) {
        return blocked(Finding::ContainsWhitespace);
    }
    let parts: Vec<&str> = bare.split('.').collect();
    if parts.len() != 3 || parts.iter().take(2).any(|part| part.is_empty()) {
        return blocked(Finding::NotAJwt);
    }
    let Some(payload) = token::base64url_decode(parts[1]) else {
        return blocked(Finding::DamagedPayload);
    };
    if serde_json::from_slice::<serde_json::Value>(&payload).is_err() {
        return blocked(Finding::PayloadNotJson);
    }
    let Ok(claims) = serde_json::from_slice::<Claims>(&payload) else {
        return blocked(Finding::ClaimsUnreadable);
    };
    let findings = &mut assessment.findings;
    if let Some(left) = claims.seconds_left(now_seconds).filter(|left| *left <= 0) {
        findings.push(Finding::Expired { seconds_ago: -left });
    }
    if let Some(nbf) = claims.nbf.filter(|nbf| *nbf > now_seconds) {
        findings.push(Finding::NotYetValid {
            seconds_until: nbf - now_seconds,
        });
    }
    if !claims.audience_matches(cloud) {
        let token_cloud = claims
            .aud
            .as_deref()
            .and_then(|aud| Cloud::from_origin(aud.trim_end_matches('/')));
        findings.push(match token_cloud {
            Some(token_cloud) => Finding::OtherCloud {
                token_cloud,
                chosen: cloud,
            },
            None => Finding::WrongAudience {
                audience: claims.aud.clone(),
            },
        });
    }
    if claims.scopes().is_empty() {
        findings.push(Finding::NoPermissions);
    } else if claims.is_app_only() {
        findings.push(Finding::AppOnly {
            app: claims.app_displayname.clone().or(claims.appid.clone()),
            roles: claims.roles.clone(),
        });
    }
    if bare.len() > LARGE_TOKEN_BYTES {
        findings.push(Finding::Oversized { bytes: bare.len() });
    }
    assessment.claims = Some(claims);
    assessment
}

/// A duration in the largest whole unit that fits: "45 s", "12 min", "3 h", "2 days".
pub fn duration(seconds: i64) -> String {
    let seconds = seconds.max(0);
    match seconds {
        0..=119 => format!("{seconds} s"),
        120..=7_199 => format!("{} min", seconds / 60),
        7_200..=172_799 => format!("{} h", seconds / 3_600),
        _ => format!("{} days", seconds / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &str) -> String {
        format!(
            "eyJhbGciOiJub25lIn0.{}.",
            token::base64url_encode(payload.as_bytes())
        )
    }

    #[test]
    fn a_good_token_has_no_findings() {
        let claims = token::Claims {
            aud: Some("https://graph.microsoft.com".into()),
            exp: Some(4_600),
            upn: Some("a@b".into()),
            scp: Some("User.Read.All".into()),
            ..Default::default()
        };
        let assessment = assess(&token::mint(&claims), Cloud::Global, 1_000);
        assert_eq!(assessment.findings, vec![]);
        assert_eq!(assessment.claims, Some(claims));
        assert!(assessment.can_sign_in());
    }

    #[test]
    fn bearer_alone_is_empty() {
        for pasted in ["", "   ", "Bearer ", "bearer", " BEARER \n"] {
            assert_eq!(
                assess(pasted, Cloud::Global, 0).blocking(),
                Some(&Finding::Empty),
                "{pasted:?}"
            );
        }
    }

    #[test]
    fn tells_damage_apart() {
        assert_eq!(
            assess("a.b%c.d", Cloud::Global, 0).blocking(),
            Some(&Finding::DamagedPayload)
        );
        assert_eq!(
            assess(&jwt("not json"), Cloud::Global, 0).blocking(),
            Some(&Finding::PayloadNotJson)
        );
        assert_eq!(
            assess(&jwt(r#"{"exp":"tomorrow"}"#), Cloud::Global, 0).blocking(),
            Some(&Finding::ClaimsUnreadable)
        );
        assert_eq!(
            assess("eyJ0eXAi.\neyJhdWQi.sig", Cloud::Global, 0).blocking(),
            Some(&Finding::ContainsWhitespace)
        );
    }

    #[test]
    fn durations_use_the_largest_unit() {
        assert_eq!(duration(45), "45 s");
        assert_eq!(duration(600), "10 min");
        assert_eq!(duration(7_200), "2 h");
        assert_eq!(duration(3 * 86_400), "3 days");
        assert_eq!(duration(-5), "0 s");
    }
}
