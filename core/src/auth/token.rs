//! Access tokens: decode (without verifying), check what they allow, and mint test tokens.
//!
//! License Desk never verifies signatures—Graph does that. It decodes the JWT payload to
//! show the admin who they are signed in as, for which cloud, with which permissions and
//! for how long, and to disable actions the token cannot perform before Graph refuses them.
//! [`mint`] builds unsigned tokens (for the demo tenant and tests; real Graph rejects them).

use crate::graph::request::Cloud;
use serde::{Deserialize, Serialize};

/// Graph's application id, the audience of Graph tokens in every cloud.
pub const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

/// The claims License Desk reads. Everything is optional: a token may carry few of them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Claims {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
    /// Not before: the token is valid only from this Unix time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unique_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_displayname: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appid: Option<String>,
    /// Delegated scopes, space-separated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scp: Option<String>,
    /// Application permissions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// Directory role template ids of the signed-in user.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wids: Vec<String>,
}

impl Claims {
    pub fn scopes(&self) -> Vec<&str> {
        self.scp
            .as_deref()
            .unwrap_or("")
            .split_whitespace()
            .chain(self.roles.iter().map(String::as_str))
            .collect()
    }

    pub fn has_scope(&self, wanted: &str) -> bool {
        self.scopes()
            .iter()
            .any(|scope| scope.eq_ignore_ascii_case(wanted))
    }

    /// True when `wanted` is among the delegated scopes (`scp`), not merely an app role.
    pub fn has_delegated_scope(&self, wanted: &str) -> bool {
        self.scp
            .as_deref()
            .unwrap_or("")
            .split_whitespace()
            .any(|scope| scope.eq_ignore_ascii_case(wanted))
    }

    /// True when the token reads users' basic profiles only: it carries
    /// `User.ReadBasic.All` but nothing that reads license properties. Graph still
    /// answers user reads, without `assignedLicenses`, `licenseAssignmentStates`,
    /// `assignedPlans` or `usageLocation`.
    pub fn reads_basic_profiles_only(&self) -> bool {
        self.has_scope(USER_READ_BASIC) && !Action::ReadUsers.allowed_by(self)
    }

    /// Who is signed in: the user, else the app.
    pub fn identity(&self) -> Option<&str> {
        self.upn
            .as_deref()
            .or(self.unique_name.as_deref())
            .or(self.app_displayname.as_deref())
    }

    pub fn is_app_only(&self) -> bool {
        self.scp.is_none() && !self.roles.is_empty()
    }

    /// Seconds until expiry at `now_seconds` (negative once expired).
    pub fn seconds_left(&self, now_seconds: i64) -> Option<i64> {
        self.exp.map(|exp| exp - now_seconds)
    }

    pub fn is_expired(&self, now_seconds: i64) -> bool {
        self.seconds_left(now_seconds).is_some_and(|left| left <= 0)
    }

    /// True when the audience is Graph for `cloud` (by URL or by Graph's app id).
    pub fn audience_matches(&self, cloud: Cloud) -> bool {
        let Some(aud) = self.aud.as_deref() else {
            return false;
        };
        let aud = aud.trim_end_matches('/');
        aud.eq_ignore_ascii_case(GRAPH_APP_ID) || aud.eq_ignore_ascii_case(cloud.graph_origin())
    }

    /// Names of the admin roles in `wids` that matter for licensing.
    pub fn role_names(&self) -> Vec<&'static str> {
        self.wids
            .iter()
            .filter_map(|id| {
                ADMIN_ROLES
                    .iter()
                    .find(|(template, _)| template.eq_ignore_ascii_case(id))
                    .map(|(_, name)| *name)
            })
            .collect()
    }
}

/// Directory role template ids (the `wids` claim) for roles that matter here.
pub const ADMIN_ROLES: [(&str, &str); 7] = [
    (
        "62e90394-69f5-4237-9190-012177145e10",
        "Global Administrator",
    ),
    (
        "4d6ac14f-3453-41d0-bef9-a3e0c569773a",
        "License Administrator",
    ),
    ("fe930be7-5e62-47db-91af-98c3a49a38b1", "User Administrator"),
    ("9360feb5-f418-4baa-8175-e2a00bac4301", "Directory Writers"),
    (
        "fdd7a751-b60b-444a-984c-02652fe8fa1c",
        "Groups Administrator",
    ),
    ("f2ef992c-3afb-46b9-b7cf-a126ee74c451", "Global Reader"),
    ("88d8e3e3-8f55-4a1e-953a-9b9898b8876b", "Directory Readers"),
];

/// Reads other users' basic profiles only (display name, first and last name, mail, UPN,
/// photo): never their licenses or usage location.
pub const USER_READ_BASIC: &str = "User.ReadBasic.All";

/// The delegated scope that gives the app the signed-in user's own access to the
/// directory. It is never an app role. The Azure CLI's Graph token carries it.
pub const DIRECTORY_ACCESS_AS_USER: &str = "Directory.AccessAsUser.All";

/// Which permission in a token allows an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grant {
    pub permission: &'static str,
    /// True when the permission is the signed-in user's own access
    /// (`Directory.AccessAsUser.All`): the user's directory role alone decides whether
    /// Graph allows the action.
    pub role_decides: bool,
    /// The permission the action needs on top of `permission`, when it needs two (sign-in
    /// activity is read with `AuditLog.Read.All` on top of a permission to read users).
    pub with: Option<&'static str>,
}

impl Grant {
    /// How the token panel says it, e.g. "allowed by LicenseAssignment.ReadWrite.All" or
    /// "allowed by AuditLog.Read.All with User.Read.All".
    pub fn describe(&self) -> String {
        let permissions = match self.with {
            Some(with) => format!("{with} with {}", self.permission),
            None => self.permission.to_string(),
        };
        if self.role_decides {
            format!("allowed by {permissions}; your directory role decides")
        } else {
            format!("allowed by {permissions}")
        }
    }
}

/// The actions License Desk performs, each with the permissions that allow it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    ReadUsers,
    ReadSkus,
    Assign,
    Reprocess,
    SetUsageLocation,
    /// Groups, their licenses, their members and members with license errors.
    ReadGroups,
    /// `POST /groups/{id}/assignLicense`.
    AssignGroupLicense,
    /// `GET /directory/subscriptions`: status and renewal dates of subscriptions.
    ReadSubscriptions,
    /// `signInActivity` on users: when each one last signed in.
    ReadSignInActivity,
}

impl Action {
    pub const ALL: [Action; 9] = [
        Action::ReadUsers,
        Action::ReadSkus,
        Action::Assign,
        Action::Reprocess,
        Action::SetUsageLocation,
        Action::ReadGroups,
        Action::AssignGroupLicense,
        Action::ReadSubscriptions,
        Action::ReadSignInActivity,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Action::ReadUsers => "Read users",
            Action::ReadSkus => "Read tenant licenses",
            Action::Assign => "Assign and remove licenses",
            Action::Reprocess => "Reprocess group licenses",
            Action::SetUsageLocation => "Set usage location",
            Action::ReadGroups => "Read groups and their license errors",
            Action::AssignGroupLicense => "Change a group's licenses",
            Action::ReadSubscriptions => "Read subscriptions and renewal dates",
            Action::ReadSignInActivity => "Read sign-in activity",
        }
    }

    /// Any one of these permissions allows the action (least privileged first), together
    /// with a permission of [`Action::also_needs`] where there is one. A delegated
    /// [`DIRECTORY_ACCESS_AS_USER`] also allows every directory action (see
    /// [`Action::granted_by`]).
    pub fn permissions(self) -> &'static [&'static str] {
        match self {
            // Not User.ReadBasic.All: it never returns license properties or usageLocation.
            Action::ReadUsers => &[
                "User.Read.All",
                "User.ReadWrite.All",
                "Directory.Read.All",
                "Directory.ReadWrite.All",
            ],
            Action::ReadSkus => &[
                "Organization.Read.All",
                "Organization.ReadWrite.All",
                "Directory.Read.All",
                "Directory.ReadWrite.All",
                "LicenseAssignment.Read.All",
                "LicenseAssignment.ReadWrite.All",
            ],
            Action::Assign => &[
                "LicenseAssignment.ReadWrite.All",
                "User.ReadWrite.All",
                "Directory.ReadWrite.All",
            ],
            // LicenseAssignment.ReadWrite.All alone is not enough for reprocess.
            Action::Reprocess | Action::SetUsageLocation => {
                &["User.ReadWrite.All", "Directory.ReadWrite.All"]
            }
            Action::ReadGroups => &[
                "GroupMember.Read.All",
                "Group.Read.All",
                "Directory.Read.All",
                "Group.ReadWrite.All",
                "Directory.ReadWrite.All",
            ],
            // The group assignLicense page: Group.ReadWrite.All is higher, not lower.
            Action::AssignGroupLicense => &[
                "LicenseAssignment.ReadWrite.All",
                "Group.ReadWrite.All",
                "Directory.ReadWrite.All",
            ],
            Action::ReadSubscriptions => &crate::licensing::subscriptions::READ_PERMISSIONS,
            // Sign-in activity is audit data: Microsoft lists AuditLog.Read.All with
            // User.Read.All (Entra docs "How to manage inactive user accounts").
            Action::ReadSignInActivity => &["AuditLog.Read.All"],
        }
    }

    /// Another action whose permission this one needs as well: sign-in activity is read
    /// from users, so it takes a permission to read users too.
    pub fn also_needs(self) -> Option<Action> {
        match self {
            Action::ReadSignInActivity => Some(Action::ReadUsers),
            _ => None,
        }
    }

    /// Whether the signed-in user's own access (`Directory.AccessAsUser.All`) covers the
    /// action. It covers the directory, not the audit logs sign-ins come from.
    fn covered_by_access_as_user(self) -> bool {
        self != Action::ReadSignInActivity
    }

    /// The least privileged permission in the token that allows the action, else a
    /// delegated `Directory.AccessAsUser.All`; `None` when nothing does. An action that
    /// needs two permissions is granted only when the token holds both.
    pub fn granted_by(self, claims: &Claims) -> Option<Grant> {
        let own = self.own_grant(claims)?;
        let Some(base) = self.also_needs() else {
            return Some(own);
        };
        let base = base.granted_by(claims)?;
        Some(Grant {
            permission: base.permission,
            role_decides: base.role_decides || own.role_decides,
            with: Some(own.permission),
        })
    }

    /// The permission in the token among the action's own [`Action::permissions`].
    fn own_grant(self, claims: &Claims) -> Option<Grant> {
        if let Some(permission) = self
            .permissions()
            .iter()
            .find(|permission| claims.has_scope(permission))
        {
            return Some(Grant {
                permission,
                role_decides: false,
                with: None,
            });
        }
        (self.covered_by_access_as_user() && claims.has_delegated_scope(DIRECTORY_ACCESS_AS_USER))
            .then_some(Grant {
                permission: DIRECTORY_ACCESS_AS_USER,
                role_decides: true,
                with: None,
            })
    }

    /// What the token lacks for the action: each entry lists the permissions any one of
    /// which would do, least privileged first. Empty when the token allows the action.
    pub fn missing(self, claims: &Claims) -> Vec<&'static [&'static str]> {
        let mut missing = Vec::new();
        if self.own_grant(claims).is_none() {
            missing.push(self.permissions());
        }
        if let Some(base) = self.also_needs() {
            missing.extend(base.missing(claims));
        }
        missing
    }

    pub fn allowed_by(self, claims: &Claims) -> bool {
        self.granted_by(claims).is_some()
    }

    /// Whether a token with `claims` may do this, and if not, why ("needs
    /// LicenseAssignment.ReadWrite.All or User.ReadWrite.All"). A token that is not a JWT
    /// (`None`) can't be read, so Graph decides.
    pub fn permitted_by(self, claims: Option<&Claims>) -> Result<(), String> {
        match claims {
            None => Ok(()),
            Some(claims) if self.allowed_by(claims) => Ok(()),
            Some(_) => {
                let permissions = self.permissions();
                Err(format!(
                    "needs {}",
                    permissions[..2.min(permissions.len())].join(" or ")
                ))
            }
        }
    }
}

/// Why a token could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenError {
    NotAJwt,
    BadPayload,
}

/// The token itself, as pasted: surrounding whitespace and a `Bearer ` prefix removed.
pub fn bare(pasted: &str) -> &str {
    let text = pasted.trim();
    // The scheme is case-insensitive, and "Bearer" with nothing after it is no token.
    match text.get(..6) {
        Some(scheme) if scheme.eq_ignore_ascii_case("bearer") => {
            let rest = &text[6..];
            if rest.is_empty() {
                ""
            } else if rest.starts_with(char::is_whitespace) {
                rest.trim_start()
            } else {
                text
            }
        }
        _ => text,
    }
}

/// Decodes the payload of a JWT without verifying it.
pub fn decode(token: &str) -> Result<Claims, TokenError> {
    let token = bare(token);
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != 3 || parts[1].is_empty() {
        return Err(TokenError::NotAJwt);
    }
    let payload = base64url_decode(parts[1]).ok_or(TokenError::BadPayload)?;
    serde_json::from_slice(&payload).map_err(|_| TokenError::BadPayload)
}

/// Mints an unsigned (`alg: none`) JWT carrying `claims`. For the simulator and tests only:
/// real Graph rejects it.
pub fn mint(claims: &Claims) -> String {
    let header = base64url_encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = base64url_encode(serde_json::to_string(claims).expect("claims").as_bytes());
    format!("{header}.{payload}.")
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Decodes base64url (or standard base64), with or without padding.
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    for byte in text.trim_end_matches('=').bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A delegated token's claims with the scopes `scp` (separated by spaces).
    fn delegated(scp: &str) -> Claims {
        Claims {
            scp: Some(scp.into()),
            ..Claims::default()
        }
    }

    /// An app-only token's claims with `roles`.
    fn app(roles: &[&str]) -> Claims {
        Claims {
            roles: roles.iter().map(|role| role.to_string()).collect(),
            ..Claims::default()
        }
    }

    #[test]
    fn base64url_round_trips_every_length() {
        for len in 0..40 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            assert_eq!(base64url_decode(&base64url_encode(&bytes)).unwrap(), bytes);
        }
        assert_eq!(base64url_encode(b"hi?"), "aGk_");
    }

    #[test]
    fn minted_tokens_decode_to_their_claims() {
        let claims = Claims {
            aud: Some("https://graph.microsoft.com".into()),
            exp: Some(4_600),
            upn: Some("admin@contoso.com".into()),
            scp: Some("User.Read.All".into()),
            ..Claims::default()
        };
        let token = mint(&claims);
        assert_eq!(decode(&token).unwrap(), claims);
        assert_eq!(decode(&format!("Bearer {token}")).unwrap(), claims);
        assert_eq!(claims.seconds_left(1_600), Some(3_000));
        assert!(claims.is_expired(4_600));
    }

    #[test]
    fn bare_removes_whitespace_and_bearer() {
        assert_eq!(bare("  Bearer abc.def.ghi \n"), "abc.def.ghi");
        assert_eq!(bare("bearer  abc"), "abc");
        assert_eq!(bare("abc"), "abc");
        assert_eq!(bare("   "), "");
        assert_eq!(bare("Bearer "), "");
        assert_eq!(bare("BEARER\tabc"), "abc");
        assert_eq!(bare("bearerish.token"), "bearerish.token");
    }

    #[test]
    fn rejects_non_jwts() {
        assert_eq!(decode("not a token"), Err(TokenError::NotAJwt));
        assert_eq!(decode("a.%%%.c"), Err(TokenError::BadPayload));
        assert_eq!(decode("a.bm90IGpzb24.c"), Err(TokenError::BadPayload));
    }

    #[test]
    fn reprocess_needs_more_than_license_assignment() {
        let mut claims = delegated("LicenseAssignment.ReadWrite.All User.Read.All");
        assert!(Action::Assign.allowed_by(&claims));
        assert!(!Action::Reprocess.allowed_by(&claims));
        claims.scp = Some("user.readwrite.all".into());
        assert!(Action::Reprocess.allowed_by(&claims));
        let app = app(&["Organization.Read.All"]);
        assert!(app.is_app_only());
        assert!(Action::ReadSkus.allowed_by(&app));
        assert!(!Action::Assign.allowed_by(&app));
    }

    #[test]
    fn read_basic_is_not_enough_to_read_licenses() {
        let basic = delegated("User.ReadBasic.All LicenseAssignment.ReadWrite.All");
        assert!(!Action::ReadUsers.allowed_by(&basic));
        assert_eq!(Action::ReadUsers.granted_by(&basic), None);
        assert!(basic.reads_basic_profiles_only());
        let full = delegated("User.ReadBasic.All User.Read.All");
        assert!(!full.reads_basic_profiles_only());
        assert!(!Claims::default().reads_basic_profiles_only());
    }

    #[test]
    fn access_as_user_allows_everything_and_the_role_decides() {
        let cli = delegated("AuditLog.Read.All Directory.AccessAsUser.All email openid");
        for action in Action::ALL {
            let grant = action.granted_by(&cli).unwrap();
            assert_eq!(grant.permission, DIRECTORY_ACCESS_AS_USER);
            assert!(grant.role_decides);
            assert!(action.allowed_by(&cli));
        }
        assert_eq!(
            Action::Assign.granted_by(&cli).unwrap().describe(),
            "allowed by Directory.AccessAsUser.All; your directory role decides"
        );
        // It is a delegated scope only: as an app role it grants nothing.
        let app = app(&["Directory.AccessAsUser.All"]);
        assert!(Action::ALL.iter().all(|action| !action.allowed_by(&app)));
    }

    #[test]
    fn granted_by_names_the_least_privileged_permission_held() {
        let claims = delegated(
            "Directory.AccessAsUser.All Directory.ReadWrite.All LicenseAssignment.ReadWrite.All",
        );
        let assign = Action::Assign.granted_by(&claims).unwrap();
        assert_eq!(
            (assign.permission, assign.role_decides),
            ("LicenseAssignment.ReadWrite.All", false)
        );
        assert_eq!(
            assign.describe(),
            "allowed by LicenseAssignment.ReadWrite.All"
        );
        assert_eq!(
            Action::Reprocess.granted_by(&claims).unwrap().permission,
            "Directory.ReadWrite.All"
        );
        assert_eq!(Action::Reprocess.granted_by(&Claims::default()), None);
    }

    #[test]
    fn sign_in_activity_needs_audit_logs_on_top_of_reading_users() {
        let audit_logs: &[&str] = &["AuditLog.Read.All"];
        // (scopes, the permissions still missing)
        for (scopes, missing) in [
            ("User.Read.All Organization.Read.All", vec![audit_logs]),
            ("AuditLog.Read.All", vec![Action::ReadUsers.permissions()]),
            // The admin's own directory access doesn't reach the audit logs.
            ("Directory.AccessAsUser.All", vec![audit_logs]),
        ] {
            let claims = delegated(scopes);
            assert!(!Action::ReadSignInActivity.allowed_by(&claims), "{scopes}");
            assert_eq!(
                Action::ReadSignInActivity.missing(&claims),
                missing,
                "{scopes}"
            );
        }
        assert!(Action::ReadUsers.allowed_by(&delegated("Directory.AccessAsUser.All")));
        let both = delegated("User.Read.All AuditLog.Read.All");
        let grant = Action::ReadSignInActivity.granted_by(&both).unwrap();
        assert_eq!(
            grant.describe(),
            "allowed by AuditLog.Read.All with User.Read.All"
        );
        assert!(Action::ReadSignInActivity.missing(&both).is_empty());
        // An app with both roles.
        let app = app(&["AuditLog.Read.All", "User.Read.All"]);
        assert!(Action::ReadSignInActivity.allowed_by(&app));
        assert_eq!(Action::ReadSignInActivity.label(), "Read sign-in activity");
        assert!(Action::ALL.contains(&Action::ReadSignInActivity));
    }

    #[test]
    fn missing_is_empty_exactly_when_an_action_is_allowed() {
        for scopes in [
            "",
            "User.Read.All",
            "AuditLog.Read.All Directory.Read.All",
            "Directory.AccessAsUser.All",
            "LicenseAssignment.ReadWrite.All Organization.Read.All",
        ] {
            let claims = delegated(scopes);
            for action in Action::ALL {
                assert_eq!(
                    action.missing(&claims).is_empty(),
                    action.allowed_by(&claims),
                    "{action:?} with {scopes:?}"
                );
            }
        }
    }

    #[test]
    fn audience_checks_cloud_and_app_id() {
        let claims = Claims {
            aud: Some("https://graph.microsoft.com/".into()),
            ..Claims::default()
        };
        assert!(claims.audience_matches(Cloud::Global));
        assert!(!claims.audience_matches(Cloud::China));
        let by_id = Claims {
            aud: Some(GRAPH_APP_ID.into()),
            ..Claims::default()
        };
        assert!(by_id.audience_matches(Cloud::UsGovL4));
        let other = Claims {
            aud: Some("https://management.azure.com".into()),
            ..Claims::default()
        };
        assert!(!other.audience_matches(Cloud::Global));
    }

    #[test]
    fn names_admin_roles() {
        let claims = Claims {
            wids: vec![
                "4D6AC14F-3453-41D0-BEF9-A3E0C569773A".into(),
                "b79fbf4d-3ef9-4689-8143-76b194e85509".into(),
            ],
            ..Claims::default()
        };
        assert_eq!(claims.role_names(), vec!["License Administrator"]);
    }
}
