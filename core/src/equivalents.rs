//! The same change as an admin would write it elsewhere: a Microsoft Graph PowerShell
//! command and a raw HTTP request, ready to copy into a runbook or a ticket.

use crate::model::AssignLicenseBody;
use crate::request::{GraphEndpoint, GraphRequest};

fn ps_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// `Set-MgUserLicense` for an `assignLicense` body.
pub fn powershell_assign(user: &str, body: &AssignLicenseBody) -> String {
    let adds: Vec<String> = body
        .add_licenses
        .iter()
        .map(|license| {
            let plans: Vec<String> = license
                .disabled_plans
                .iter()
                .map(|p| ps_quote(p.as_str()))
                .collect();
            format!(
                "@{{SkuId = {}; DisabledPlans = @({})}}",
                ps_quote(license.sku_id.as_str()),
                plans.join(", ")
            )
        })
        .collect();
    let removes: Vec<String> = body
        .remove_licenses
        .iter()
        .map(|s| ps_quote(s.as_str()))
        .collect();
    format!(
        "Set-MgUserLicense -UserId {} -AddLicenses @({}) -RemoveLicenses @({})",
        ps_quote(user),
        adds.join(", "),
        removes.join(", ")
    )
}

/// `Invoke-MgLicenseUser` (reprocessLicenseAssignment).
pub fn powershell_reprocess(user: &str) -> String {
    format!("Invoke-MgLicenseUser -UserId {}", ps_quote(user))
}

/// The request as HTTP text. The token is shown as a placeholder, never the real one.
pub fn http_text(endpoint: &GraphEndpoint, request: &GraphRequest) -> String {
    let mut text = format!(
        "{} {}\nAuthorization: Bearer {{token}}\n",
        request.method.as_str(),
        endpoint.url(request)
    );
    for (name, value) in &request.headers {
        text.push_str(&format!("{name}: {value}\n"));
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
    use crate::model::AssignedLicense;
    use crate::request::{assign_license, ApiVersion, Cloud};
    use crate::Guid;

    #[test]
    fn powershell_carries_the_full_disabled_plans() {
        let body = AssignLicenseBody {
            add_licenses: vec![AssignedLicense {
                sku_id: Guid::new("a"),
                disabled_plans: vec![Guid::new("p1"), Guid::new("p2")],
            }],
            remove_licenses: vec![Guid::new("b")],
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
    fn http_text_never_contains_a_token() {
        let endpoint = GraphEndpoint::for_cloud(Cloud::UsGovL4, ApiVersion::Beta);
        let text = http_text(
            &endpoint,
            &assign_license("u1", &AssignLicenseBody::default()),
        );
        assert!(text.starts_with("POST https://graph.microsoft.us/beta/users/u1/assignLicense\nAuthorization: Bearer {token}\n"));
        assert!(text.contains("\"removeLicenses\": []"));
    }
}
