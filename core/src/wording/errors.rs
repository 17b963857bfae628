//! What every failure means for the admin: what happened, in one line, and what to do.

use crate::graph::error::{AuthProblem, BusinessRule, ErrorKind, GraphError};

impl GraphError {
    /// What happened, in one line.
    pub fn headline(&self) -> String {
        match &self.kind {
            ErrorKind::BusinessRule(rule) => match rule {
                BusinessRule::InvalidUsageLocation => "The user has no valid usage location".into(),
                BusinessRule::NoAvailableLicenses => "No free seats in this subscription".into(),
                BusinessRule::InheritedLicense => {
                    "This license is inherited from a group and can't be removed here".into()
                }
                BusinessRule::MutuallyExclusivePlans => {
                    "Two service plans can't be assigned together".into()
                }
                BusinessRule::DependentPlan => {
                    "A service plan needs another plan that would be off".into()
                }
                BusinessRule::NotACompanyLicense => "The tenant doesn't own this SKU".into(),
                BusinessRule::NotAssignableToUser => {
                    "This SKU applies to the company and can't be assigned to a user".into()
                }
                BusinessRule::NoChanges => "The request contained no license changes".into(),
                BusinessRule::MissingParameter => "The request body was incomplete".into(),
                BusinessRule::InvalidGuid => "An id in the request is not a GUID".into(),
            },
            ErrorKind::BadRequest => "Graph rejected the request".into(),
            ErrorKind::UnsupportedQuery => "Graph doesn't support this query".into(),
            ErrorKind::Unauthorized(problem) => match problem {
                AuthProblem::Missing => "No access token was sent".into(),
                AuthProblem::Expired => "Your access token has expired".into(),
                AuthProblem::WrongAudience => "The access token is not for Microsoft Graph".into(),
                AuthProblem::Invalid => "Graph did not accept the access token".into(),
            },
            ErrorKind::Forbidden => "Your token lacks the permission for this action".into(),
            ErrorKind::NeedsPremium => {
                "This needs Microsoft Entra ID P1 or P2, which the tenant doesn't have".into()
            }
            ErrorKind::NotFound => "Not found".into(),
            ErrorKind::Conflict => "The change conflicts with another change".into(),
            ErrorKind::Throttled => "Graph is throttling requests".into(),
            ErrorKind::ServerError => "Graph had a server error".into(),
            ErrorKind::Network => "Graph could not be reached".into(),
            ErrorKind::Timeout => "Graph did not answer in time".into(),
            ErrorKind::NotSignedIn => "You are not signed in".into(),
            ErrorKind::RefusedLink => {
                "Graph's next-page link points outside the chosen Graph endpoint".into()
            }
            ErrorKind::RepeatedLink => "Graph sent the same next-page link again".into(),
            ErrorKind::NotJson => "Graph's answer could not be read".into(),
            ErrorKind::WriteOutsideEngine => "License Desk did not send this change".into(),
            ErrorKind::Unexpected => format!(
                "Graph answered with HTTP {}",
                self.status.unwrap_or_default()
            ),
        }
    }

    /// What the admin should do next.
    pub fn what_to_do(&self) -> String {
        match &self.kind {
            ErrorKind::BusinessRule(rule) => match rule {
                BusinessRule::InvalidUsageLocation => "Set the user's usage location (a two-letter country code such as US or GB), then apply the change again.".into(),
                BusinessRule::NoAvailableLicenses => "Free a seat by removing this license from someone who no longer needs it, or buy more seats, then try again.".into(),
                BusinessRule::InheritedLicense => "Remove the user from the group that assigns it, or change the group's licenses.".into(),
                BusinessRule::MutuallyExclusivePlans => "Turn off one of the conflicting service plans, or remove the other license first.".into(),
                BusinessRule::DependentPlan => "Keep the required plan on, or turn off the plan that depends on it as well.".into(),
                BusinessRule::NotACompanyLicense => "Pick a SKU from “Licenses in this tenant”; this one isn't in the tenant.".into(),
                BusinessRule::NotAssignableToUser => "Company-wide SKUs are active for the tenant already; nothing needs assigning.".into(),
                BusinessRule::NoChanges => "Nothing to do: make a change first.".into(),
                BusinessRule::MissingParameter | BusinessRule::InvalidGuid => "This is a defect in the request; copy the details below and report it.".into(),
            },
            ErrorKind::BadRequest => "Check the message below; correct the input and try again.".into(),
            ErrorKind::UnsupportedQuery => "Retry without advanced query options; if it persists, report the request-id.".into(),
            ErrorKind::Unauthorized(problem) => match problem {
                AuthProblem::Expired => "Paste a fresh token. Your pending changes are kept.".into(),
                AuthProblem::WrongAudience => "Get a token for Microsoft Graph in the chosen cloud (for example `az account get-access-token --resource-type ms-graph`).".into(),
                _ => "Sign in again with a valid Microsoft Graph token. Your pending changes are kept.".into(),
            },
            ErrorKind::Forbidden => "Use a token with the required permission (see the token panel), or ask an admin with the License Administrator or User Administrator role.".into(),
            ErrorKind::NeedsPremium => "No token or role changes this: sign-in activity comes with Microsoft Entra ID P1 or P2. Everything that doesn't need sign-in activity still works.".into(),
            ErrorKind::NotFound => "Check the user or group id; it may have been deleted, or may not have replicated yet—try again in a minute.".into(),
            ErrorKind::Conflict => "Reload the user to see the current state, then apply your change again.".into(),
            ErrorKind::Throttled => "Graph was still throttling after License Desk's automatic retries. Wait a minute, then try again; nothing you entered is lost.".into(),
            ErrorKind::ServerError => "Wait a moment and try again. If it persists, quote the request-id to Microsoft support.".into(),
            ErrorKind::Network => "Check your connection (and any proxy or firewall), then try again. If this was a change, reload the user first to see whether it was applied.".into(),
            ErrorKind::Timeout => "Check your connection and try again. If this was a change, License Desk reads the user again before anything else, so nothing is sent twice.".into(),
            ErrorKind::NotSignedIn => "Sign in with a token (or use the demo tenant) to continue. Nothing you entered on this screen is lost.".into(),
            ErrorKind::RefusedLink => "License Desk did not follow the link, so your token stayed within the chosen endpoint. The results shown so far are complete up to this page; report the request-id if it happens again.".into(),
            ErrorKind::RepeatedLink => "License Desk stopped paging here so it doesn't loop. The results shown so far are complete up to this page; narrow the search, or report the request-id if it happens again.".into(),
            ErrorKind::NotJson => "Something between you and Graph (a proxy or captive portal) answered instead. Check your network, then try again.".into(),
            ErrorKind::Unexpected => "Try again; if it persists, report the request-id.".into(),
            ErrorKind::WriteOutsideEngine => "This is a defect in License Desk; nothing was sent. Report it with the details below.".into(),
        }
    }
}
