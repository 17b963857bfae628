//! The same change as an admin would write it elsewhere: a Microsoft Graph PowerShell
//! command and a raw HTTP request, ready to copy into a runbook or a ticket.
//!
//! Every snippet License Desk shows is built here, so its escaping lives in one place.
//! PowerShell values are single-quoted, where nothing expands (`$()`, backticks and
//! double quotes are literal) and only a quote character ends the string; PowerShell
//! counts the typographic quotes U+2018 to U+201B as single quotes too, so every one of
//! them is doubled, like `'`. HTTP text shows a percent-encoded URL and header lines
//! that no CR or LF can split.

use crate::graph::model::AssignLicenseBody;
use crate::graph::request::{GraphEndpoint, GraphRequest};
use crate::graph::url::encode_unsafe_in_url;

/// The characters that open or close a single-quoted string in PowerShell.
const PS_SINGLE_QUOTES: [char; 5] = ['\'', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}'];

/// `value` as a PowerShell single-quoted string literal that reads back as `value`.
pub fn ps_quote(value: &str) -> String {
    let mut quoted = String::with_capacity(value.len() + 2);
    quoted.push('\'');
    for c in value.chars() {
        quoted.push(c);
        if PS_SINGLE_QUOTES.contains(&c) {
            quoted.push(c);
        }
    }
    quoted.push('\'');
    quoted
}

/// The items of a PowerShell array `@(…)`, each quoted: `'a', 'b'`.
fn ps_items<'a>(values: impl IntoIterator<Item = &'a str>) -> String {
    values
        .into_iter()
        .map(ps_quote)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `Set-MgUserLicense` for an `assignLicense` body.
pub fn powershell_assign(user: &str, body: &AssignLicenseBody) -> String {
    let adds: Vec<String> = body
        .add_licenses
        .iter()
        .map(|license| {
            format!(
                "@{{SkuId = {}; DisabledPlans = @({})}}",
                ps_quote(license.sku_id.as_str()),
                ps_items(license.disabled_plans.iter().map(|p| p.as_str()))
            )
        })
        .collect();
    format!(
        "Set-MgUserLicense -UserId {} -AddLicenses @({}) -RemoveLicenses @({})",
        ps_quote(user.trim()),
        adds.join(", "),
        ps_items(body.remove_licenses.iter().map(|s| s.as_str()))
    )
}

/// `Invoke-MgLicenseUser` (reprocessLicenseAssignment).
pub fn powershell_reprocess(user: &str) -> String {
    format!("Invoke-MgLicenseUser -UserId {}", ps_quote(user.trim()))
}

/// `Update-MgUser -UsageLocation`, with the country code normalised as
/// [`crate::graph::request::set_usage_location`] sends it.
pub fn powershell_usage_location(user: &str, country: &str) -> String {
    format!(
        "Update-MgUser -UserId {} -UsageLocation {}",
        ps_quote(user.trim()),
        ps_quote(&country.trim().to_ascii_uppercase())
    )
}

/// The country a `PATCH /users/{id}` body sets, for [`powershell_usage_location`].
pub fn usage_location_in(request: &GraphRequest) -> Option<String> {
    let body: serde_json::Value = serde_json::from_str(request.body.as_deref()?).ok()?;
    body.get("usageLocation")?.as_str().map(str::to_string)
}

/// Control characters shown as escapes, so a header stays on its own line.
fn one_line(text: &str) -> String {
    let mut line = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\r' => line.push_str("\\r"),
            '\n' => line.push_str("\\n"),
            c if c.is_control() => line.extend(c.escape_unicode()),
            c => line.push(c),
        }
    }
    line
}

/// The request as HTTP text. The token is shown as a placeholder, never the real one.
pub fn http_text(endpoint: &GraphEndpoint, request: &GraphRequest) -> String {
    let mut text = format!(
        "{} {}\nAuthorization: Bearer {{token}}\n",
        request.method.as_str(),
        encode_unsafe_in_url(&endpoint.url(request))
    );
    for (name, value) in &request.headers {
        text.push_str(&format!("{}: {}\n", one_line(name), one_line(value)));
    }
    if request.body.is_some() {
        text.push('\n');
        text.push_str(&request.pretty_body());
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::ids::{PlanId, SkuId};
    use crate::graph::model::AssignedLicense;
    use crate::graph::request::{
        assign_license, reprocess_license_assignment, set_usage_location, ApiVersion, Cloud,
    };

    /// What PowerShell's tokenizer takes as a single quote, written out independently.
    const POWERSHELL_QUOTES: [char; 5] = ['\'', '‘', '’', '‚', '‛'];

    /// Reads the single-quoted string PowerShell sees at the start of `text`: any quote
    /// character opens and closes it, two in a row stand for one. Returns the value and
    /// the rest of the line, or `None` if the string never ends.
    fn read_ps_string(text: &str) -> Option<(String, &str)> {
        let mut chars = text.char_indices().peekable();
        let (_, open) = chars.next()?;
        assert!(POWERSHELL_QUOTES.contains(&open), "not a string: {text}");
        let mut value = String::new();
        while let Some((index, c)) = chars.next() {
            if !POWERSHELL_QUOTES.contains(&c) {
                value.push(c);
                continue;
            }
            match chars.peek() {
                Some(&(_, next)) if POWERSHELL_QUOTES.contains(&next) => {
                    value.push(next);
                    chars.next();
                }
                _ => return Some((value, &text[index + c.len_utf8()..])),
            }
        }
        None
    }

    /// The value PowerShell binds to `-name` in `snippet`, and what follows it.
    fn argument<'a>(snippet: &'a str, name: &str) -> (String, &'a str) {
        let flag = format!("-{name} ");
        let start = snippet.find(&flag).expect("parameter present") + flag.len();
        read_ps_string(&snippet[start..]).expect("string ends")
    }

    const HOSTILE: [&str; 9] = [
        "o'brien@contoso.com",
        "o’brien@contoso.com",
        "‘left’ ‚low‛ quotes",
        "Zoë \"Z\" `t` $(Get-Date) ${env:USERNAME}",
        "line one\nline two\r\n'; Remove-MgUser -UserId 'x",
        "tag #1 at 100% ?x=/y",
        "''",
        "’",
        "'@\n@'",
    ];

    #[test]
    fn powershell_carries_the_full_disabled_plans() {
        let body = AssignLicenseBody {
            add_licenses: vec![AssignedLicense {
                sku_id: SkuId::new("a"),
                disabled_plans: vec![PlanId::new("p1"), PlanId::new("p2")],
            }],
            remove_licenses: vec![SkuId::new("b")],
        };
        assert_eq!(
            powershell_assign("o'neil@contoso.com", &body),
            "Set-MgUserLicense -UserId 'o''neil@contoso.com' -AddLicenses @(@{SkuId = 'a'; DisabledPlans = @('p1', 'p2')}) -RemoveLicenses @('b')"
        );
        assert_eq!(
            powershell_reprocess("u1"),
            "Invoke-MgLicenseUser -UserId 'u1'"
        );
    }

    #[test]
    fn every_powershell_single_quote_character_is_doubled() {
        assert_eq!(ps_quote("o'brien"), "'o''brien'");
        assert_eq!(ps_quote("o’brien"), "'o’’brien'");
        assert_eq!(ps_quote("‘a‚b‛"), "'‘‘a‚‚b‛‛'");
        // Nothing else needs escaping in a single-quoted string: no expansion happens.
        assert_eq!(
            ps_quote("Zoë \"Z\" `t` $(Get-Date) #1 100%\nnext"),
            "'Zoë \"Z\" `t` $(Get-Date) #1 100%\nnext'"
        );
    }

    #[test]
    fn hostile_users_read_back_exactly_in_the_assign_snippet() {
        let body = AssignLicenseBody {
            add_licenses: vec![AssignedLicense {
                sku_id: SkuId::new("sku’1"),
                disabled_plans: vec![PlanId::new("plan'1")],
            }],
            remove_licenses: vec![SkuId::new("sku‘2")],
        };
        assert_eq!(
            powershell_assign("o’brien@contoso.com", &body),
            "Set-MgUserLicense -UserId 'o’’brien@contoso.com' -AddLicenses @(@{SkuId = 'sku’’1'; DisabledPlans = @('plan''1')}) -RemoveLicenses @('sku‘‘2')"
        );
        for user in HOSTILE {
            let snippet = powershell_assign(user, &body);
            let (value, rest) = argument(&snippet, "UserId");
            assert_eq!(value, user.trim(), "{snippet}");
            assert!(
                rest.starts_with(" -AddLicenses @(@{SkuId = 'sku’’1';"),
                "{snippet}"
            );
            assert!(
                snippet.ends_with(" -RemoveLicenses @('sku‘‘2')"),
                "{snippet}"
            );
        }
    }

    #[test]
    fn hostile_users_read_back_exactly_in_the_reprocess_snippet() {
        assert_eq!(
            powershell_reprocess("o'brien@contoso.com"),
            "Invoke-MgLicenseUser -UserId 'o''brien@contoso.com'"
        );
        for user in HOSTILE {
            let snippet = powershell_reprocess(user);
            assert_eq!(argument(&snippet, "UserId"), (user.trim().to_string(), ""));
        }
    }

    #[test]
    fn hostile_users_read_back_exactly_in_the_usage_location_snippet() {
        assert_eq!(
            powershell_usage_location("o'brien@contoso.com", " gb "),
            "Update-MgUser -UserId 'o''brien@contoso.com' -UsageLocation 'GB'"
        );
        assert_eq!(
            powershell_usage_location("o’brien@contoso.com", "US"),
            "Update-MgUser -UserId 'o’’brien@contoso.com' -UsageLocation 'US'"
        );
        for user in HOSTILE {
            let snippet = powershell_usage_location(user, "U'S");
            let (value, rest) = argument(&snippet, "UserId");
            assert_eq!(value, user.trim());
            assert_eq!(rest, " -UsageLocation 'U''S'");
            assert_eq!(argument(&snippet, "UsageLocation"), ("U'S".into(), ""));
        }
        let request = set_usage_location("u1", "de");
        assert_eq!(usage_location_in(&request).as_deref(), Some("DE"));
        assert_eq!(usage_location_in(&reprocess_license_assignment("u1")), None);
    }

    #[test]
    fn http_text_never_contains_a_token() {
        let endpoint = GraphEndpoint::for_cloud(Cloud::UsGovL4, ApiVersion::Beta);
        let text = http_text(
            &endpoint,
            &assign_license("u1", &AssignLicenseBody::default()),
        );
        assert!(text.starts_with("POST https://graph.microsoft.us/beta/users/u1/assignLicense\nAuthorization: Bearer {token}\n"));
        assert!(text.contains("\"removeLicenses\": []"));
    }

    #[test]
    fn http_text_percent_encodes_hostile_users_in_every_request() {
        let endpoint = GraphEndpoint::for_cloud(Cloud::Global, ApiVersion::V1);
        let root = "https://graph.microsoft.com/v1.0/users/";
        let cases = [
            ("o'brien@contoso.com", "o%27brien@contoso.com"),
            ("o’brien@contoso.com", "o%E2%80%99brien@contoso.com"),
            (
                "Zoë \"Z\" `t` $(Get-Date)",
                "Zo%C3%AB%20%22Z%22%20%60t%60%20%24%28Get-Date%29",
            ),
            ("a\nb #1/?x 100%", "a%0Ab%20%231%2F%3Fx%20100%25"),
        ];
        for (user, encoded) in cases {
            let requests = [
                (
                    assign_license(user, &AssignLicenseBody::default()),
                    "/assignLicense",
                ),
                (
                    reprocess_license_assignment(user),
                    "/reprocessLicenseAssignment",
                ),
                (set_usage_location(user, "US"), ""),
            ];
            for (request, tail) in requests {
                let text = http_text(&endpoint, &request);
                let first = text.lines().next().unwrap();
                assert_eq!(
                    first,
                    format!("{} {root}{encoded}{tail}", request.method.as_str())
                );
            }
        }
    }

    #[test]
    fn http_text_keeps_every_header_on_its_own_line() {
        let endpoint = GraphEndpoint::for_cloud(Cloud::Global, ApiVersion::V1);
        let request = reprocess_license_assignment("u1")
            .with_header("client-request-id", "abc\r\nAuthorization: Bearer stolen")
            .with_header("X-Evil\nHost", "x\u{0}y");
        let text = http_text(&endpoint, &request);
        assert_eq!(
            text,
            "POST https://graph.microsoft.com/v1.0/users/u1/reprocessLicenseAssignment\n\
             Authorization: Bearer {token}\n\
             client-request-id: abc\\r\\nAuthorization: Bearer stolen\n\
             X-Evil\\nHost: x\\u{0}y\n"
        );
        assert_eq!(
            text.lines()
                .filter(|l| l.starts_with("Authorization:"))
                .count(),
            1
        );
        // A path that bypassed the request builders still shows as one safe URL.
        let raw = GraphRequest::get("/users/a b\r\nHost: evil");
        assert_eq!(
            http_text(&endpoint, &raw).lines().next().unwrap(),
            "GET https://graph.microsoft.com/v1.0/users/a%20b%0D%0AHost:%20evil"
        );
    }

    #[test]
    fn http_text_body_is_escaped_json() {
        let endpoint = GraphEndpoint::for_cloud(Cloud::Global, ApiVersion::V1);
        let text = http_text(&endpoint, &set_usage_location("u1", "\"}\n{'x"));
        let body = text.split_once("\n\n").unwrap().1;
        let value: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(value["usageLocation"], "\"}\n{'X");
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_text_survives_powershell_quoting(value in "\\PC*|['‘’‚‛`$\"\n ]{0,8}") {
            let quoted = ps_quote(&value);
            // Undo the quoting the way PowerShell reads it: the quotes around it, then
            // each doubled quote character as one.
            let inner: Vec<char> = quoted.chars().collect();
            prop_assert_eq!(inner[0], '\'');
            prop_assert_eq!(inner[inner.len() - 1], '\'');
            let mut read = String::new();
            let mut index = 1;
            while index < inner.len() - 1 {
                let c = inner[index];
                if "'‘’‚‛".contains(c) {
                    prop_assert_eq!(inner[index + 1], c, "a lone quote would end the string");
                    index += 1;
                }
                read.push(c);
                index += 1;
            }
            prop_assert_eq!(read, value);
        }
    }
}
