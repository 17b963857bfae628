//! Sign-in activity and creation dates, the way Graph serves them.
//!
//! Each user keeps when they signed in and when they were created as days before the
//! request, so the demo shows the same picture whatever the day. Graph's rules, as
//! `license_desk_core::lists::reclaim` cites them:
//!
//! - `signInActivity` and `createdDateTime` come back only on `$select`; `signInActivity`
//!   is left out for users who never signed in, and "never" for one kind of sign-in is
//!   written as Graph's own samples write it (`0001-01-01T00:00:00Z` for the interactive
//!   and non-interactive times, `""` for the successful one, which isn't backfilled);
//! - reading it needs `AuditLog.Read.All` with a permission to read users
//!   ([`Action::ReadSignInActivity`](license_desk_core::auth::token::Action)), and a tenant
//!   with Microsoft Entra ID P1 or P2: otherwise 403
//!   `Authentication_RequestFromNonPremiumTenantOrB2CTenant` ([`SimConfig::no_premium`](crate::SimConfig));
//! - a `$filter` on it supports `eq`, `ne`, `ge` and `le` "but not with any other
//!   filterable properties";
//! - pages that carry it hold at most 120 users whatever `$top` asks ("Requests with
//!   `$top` set higher than 120 will return pages with up to 120 users").

use license_desk_core::graph::dates::parse_iso_ms;
use license_desk_core::graph::model::SignInActivity;
use serde_json::{json, Value};

const DAY_MS: u64 = 86_400_000;

/// The largest page Graph returns when sign-in activity is selected or filtered.
pub const SIGN_IN_PAGE_LIMIT: usize = 120;

/// Graph's code and message for sign-in activity in a tenant without Entra ID P1 or P2
/// (microsoft-graph-docs issues #12772 and #14120).
pub const NO_PREMIUM_CODE: &str = "Authentication_RequestFromNonPremiumTenantOrB2CTenant";
pub const NO_PREMIUM_MESSAGE: &str = "Neither tenant is B2C or tenant doesn't have premium license";

/// What Graph says to a `$filter` combining `signInActivity` with another property. The
/// documentation states the rule, not the answer; this is Graph's wording for a filter
/// clause it refuses on a property (as for `hasMembersWithLicenseErrors`).
pub const COMBINED_FILTER_MESSAGE: &str = "Unsupported or invalid query filter clause specified for property 'signInActivity' of resource 'User'.";

/// When a user last signed in, each kind in whole days before the request; `None`: never.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SignIns {
    pub interactive_days_ago: Option<u32>,
    /// Apps signing in for the user, such as mail on a phone.
    pub non_interactive_days_ago: Option<u32>,
    pub successful_days_ago: Option<u32>,
}

impl SignIns {
    /// Signed in interactively (and successfully) `days` ago, and through apps `apps`
    /// days ago.
    pub fn interactive(days: u32, apps: Option<u32>) -> Self {
        SignIns {
            interactive_days_ago: Some(days),
            non_interactive_days_ago: apps,
            successful_days_ago: Some(days),
        }
    }

    /// The record as Graph's model holds it, at `now_ms`.
    pub fn at(&self, now_ms: u64) -> SignInActivity {
        let when = |days: Option<u32>| days.map(|d| days_before(now_ms, d));
        SignInActivity {
            last_sign_in_date_time: when(self.interactive_days_ago),
            last_non_interactive_sign_in_date_time: when(self.non_interactive_days_ago),
            last_successful_sign_in_date_time: when(self.successful_days_ago),
        }
    }
}

/// `now_ms` minus `days`, as Graph writes a `DateTimeOffset`.
pub fn days_before(now_ms: u64, days: u32) -> String {
    crate::clock::iso(now_ms.saturating_sub(u64::from(days) * DAY_MS))
}

/// `signInActivity` as Graph writes it, placeholders for "never" included.
pub fn sign_in_json(activity: &SignInActivity) -> Value {
    let or = |value: &Option<String>, never: &str| {
        Value::String(value.clone().unwrap_or_else(|| never.to_string()))
    };
    json!({
        "lastSignInDateTime": or(&activity.last_sign_in_date_time, "0001-01-01T00:00:00Z"),
        "lastNonInteractiveSignInDateTime":
            or(&activity.last_non_interactive_sign_in_date_time, "0001-01-01T00:00:00Z"),
        "lastSuccessfulSignInDateTime": or(&activity.last_successful_sign_in_date_time, ""),
    })
}

/// Whether a request's query selects or filters `signInActivity`.
pub fn asks_for_sign_in_activity(query: &[(String, String)]) -> bool {
    query.iter().any(|(key, value)| {
        (key.eq_ignore_ascii_case("$select") || key.eq_ignore_ascii_case("$filter"))
            && value.to_ascii_lowercase().contains("signinactivity")
    })
}

/// One of the three times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Interactive,
    NonInteractive,
    Successful,
}

/// A comparison Graph supports on these times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comparison {
    Eq,
    Ne,
    Ge,
    Le,
}

/// What one `$filter` clause is, as far as sign-in activity goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clause {
    /// Not about `signInActivity`.
    Other,
    SignIn(SignInClause),
    /// About `signInActivity`, but not in a form Graph supports.
    Unsupported,
}

/// `signInActivity/{field} {op} {time}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignInClause {
    pub field: Field,
    pub comparison: Comparison,
    pub at_ms: u64,
}

impl SignInClause {
    /// Reads one clause of a `$filter`.
    pub fn parse(clause: &str) -> Clause {
        let mut words = clause.split_whitespace();
        let property = words.next().unwrap_or("").to_ascii_lowercase();
        let Some(field) = property.strip_prefix("signinactivity/") else {
            return Clause::Other;
        };
        let parsed = (|| {
            let field = match field {
                "lastsignindatetime" => Field::Interactive,
                "lastnoninteractivesignindatetime" => Field::NonInteractive,
                "lastsuccessfulsignindatetime" => Field::Successful,
                _ => return None,
            };
            let comparison = match words.next()?.to_ascii_lowercase().as_str() {
                "eq" => Comparison::Eq,
                "ne" => Comparison::Ne,
                "ge" => Comparison::Ge,
                "le" => Comparison::Le,
                _ => return None,
            };
            let at_ms = parse_iso_ms(words.next()?)?;
            words.next().is_none().then_some(SignInClause {
                field,
                comparison,
                at_ms,
            })
        })();
        parsed.map_or(Clause::Unsupported, Clause::SignIn)
    }

    /// Whether a user's record matches. A time Graph has none of matches only `ne`.
    pub fn admits(&self, activity: Option<&SignInActivity>) -> bool {
        let value = activity.and_then(|a| match self.field {
            Field::Interactive => a.last_sign_in_date_time.as_deref(),
            Field::NonInteractive => a.last_non_interactive_sign_in_date_time.as_deref(),
            Field::Successful => a.last_successful_sign_in_date_time.as_deref(),
        });
        let Some(at) = value.and_then(parse_iso_ms) else {
            return self.comparison == Comparison::Ne;
        };
        match self.comparison {
            Comparison::Eq => at == self.at_ms,
            Comparison::Ne => at != self.at_ms,
            Comparison::Ge => at >= self.at_ms,
            Comparison::Le => at <= self.at_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2027-01-15T08:00:00Z.
    const NOW: u64 = 1_800_000_000_000;

    #[test]
    fn never_is_written_with_graphs_placeholders() {
        let phone = SignIns {
            interactive_days_ago: Some(300),
            non_interactive_days_ago: Some(1),
            successful_days_ago: None,
        }
        .at(NOW);
        let json = sign_in_json(&phone);
        assert_eq!(json["lastSignInDateTime"], "2026-03-21T08:00:00Z");
        assert_eq!(
            json["lastNonInteractiveSignInDateTime"],
            "2027-01-14T08:00:00Z"
        );
        assert_eq!(json["lastSuccessfulSignInDateTime"], "");
        // What the core reads back is the record itself.
        let back: SignInActivity = serde_json::from_value(json).unwrap();
        assert_eq!(back, phone);
    }

    #[test]
    fn clauses_read_graphs_comparisons_and_refuse_others() {
        let Clause::SignIn(clause) =
            SignInClause::parse("signInActivity/lastSignInDateTime le 2026-10-17T00:00:00Z")
        else {
            panic!("a sign-in clause")
        };
        assert_eq!(clause.comparison, Comparison::Le);
        let old = SignIns::interactive(100, None).at(NOW);
        let recent = SignIns::interactive(10, None).at(NOW);
        assert!(clause.admits(Some(&old)));
        assert!(!clause.admits(Some(&recent)));
        assert!(
            !clause.admits(None),
            "never signed in has no time to compare"
        );
        assert_eq!(
            SignInClause::parse("signInActivity/lastSignInDateTime lt 2026-10-17T00:00:00Z"),
            Clause::Unsupported
        );
        assert_eq!(SignInClause::parse("accountEnabled eq true"), Clause::Other);
        assert!(asks_for_sign_in_activity(&[(
            "$select".into(),
            "id,SignInActivity".into()
        )]));
        assert!(!asks_for_sign_in_activity(&[(
            "$select".into(),
            "id".into()
        )]));
    }
}
