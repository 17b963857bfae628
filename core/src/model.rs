//! Typed serde models for everything License Desk reads from Graph.
//!
//! Parsing is lenient in the ways Graph really is: unknown fields are ignored, missing
//! collections default to empty, strings are trimmed, and enum values License Desk does
//! not know survive as `Unknown`. License properties on a user are "returned only on
//! `$select`", so every one of them is optional here.

use crate::guid::Guid;
use crate::lenient::graph_enum;
use serde::{Deserialize, Deserializer, Serialize};

graph_enum! {
    /// `licenseAssignmentState.state`.
    AssignmentState {
        Active => ["Active"],
        ActiveWithError => ["ActiveWithError"],
        Disabled => ["Disabled"],
        Error => ["Error"],
    }
}

graph_enum! {
    /// `licenseAssignmentState.error`. `null`, `"None"`, `""` and padded forms all mean no error.
    AssignmentError {
        None => ["None", ""],
        CountViolation => ["CountViolation"],
        MutuallyExclusiveViolation => ["MutuallyExclusiveViolation"],
        DependencyViolation => ["DependencyViolation"],
        ProhibitedInUsageLocationViolation => ["ProhibitedInUsageLocationViolation"],
        UniquenessViolation => ["UniquenessViolation"],
        Other => ["Other", "Others"],
    }
}

graph_enum! {
    /// `assignedPlan.capabilityStatus` and `subscribedSku.capabilityStatus`.
    CapabilityStatus {
        Enabled => ["Enabled"],
        Warning => ["Warning"],
        Suspended => ["Suspended"],
        Deleted => ["Deleted"],
        LockedOut => ["LockedOut"],
    }
}

graph_enum! {
    /// `appliesTo` on SKUs and service plans. Only `User` SKUs are assignable to users.
    AppliesTo {
        User => ["User"],
        Company => ["Company"],
    }
}

graph_enum! {
    /// `servicePlanInfo.provisioningStatus`.
    ProvisioningStatus {
        Success => ["Success"],
        Disabled => ["Disabled"],
        Error => ["Error"],
        PendingInput => ["PendingInput"],
        PendingActivation => ["PendingActivation"],
        PendingProvisioning => ["PendingProvisioning"],
    }
}

graph_enum! {
    /// `group.licenseProcessingState.state`. Microsoft's own scripts also test `ProcessingFailed`.
    ProcessingState {
        QueuedForProcessing => ["QueuedForProcessing"],
        ProcessingInProgress => ["ProcessingInProgress"],
        ProcessingComplete => ["ProcessingComplete"],
        ProcessingFailed => ["ProcessingFailed"],
    }
}

impl AssignmentError {
    pub fn is_error(&self) -> bool {
        *self != AssignmentError::None
    }
}

impl Default for AssignmentError {
    fn default() -> Self {
        AssignmentError::None
    }
}

impl Default for AssignmentState {
    fn default() -> Self {
        AssignmentState::Active
    }
}

impl Default for CapabilityStatus {
    fn default() -> Self {
        CapabilityStatus::Enabled
    }
}

impl Default for ProvisioningStatus {
    fn default() -> Self {
        ProvisioningStatus::Success
    }
}

impl Default for AppliesTo {
    fn default() -> Self {
        AppliesTo::User
    }
}

/// A trimmed optional string; `""` and whitespace become `None`.
fn trimmed_opt<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    let raw: Option<String> = Option::deserialize(deserializer)?;
    Ok(raw
        .map(|value| value.trim().to_string())
        .filter(|value| !value.is_empty()))
}

/// A collection that may arrive as `null`.
fn null_as_empty<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}

/// `assignedLicense`: a SKU and the plans switched off in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AssignedLicense {
    #[serde(default, deserialize_with = "null_as_empty")]
    pub disabled_plans: Vec<Guid>,
    pub sku_id: Guid,
}

/// `assignedPlan`: one service plan the user has, with its lifecycle status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AssignedPlan {
    #[serde(default, deserialize_with = "trimmed_opt")]
    pub assigned_date_time: Option<String>,
    #[serde(default)]
    pub capability_status: CapabilityStatus,
    #[serde(default, deserialize_with = "trimmed_opt")]
    pub service: Option<String>,
    pub service_plan_id: Guid,
}

/// `licenseAssignmentState`: one assignment of a SKU, direct (`assignedByGroup` null) or inherited.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct LicenseAssignmentState {
    pub sku_id: Guid,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub disabled_plans: Vec<Guid>,
    #[serde(default, deserialize_with = "group_ref")]
    pub assigned_by_group: Option<Guid>,
    #[serde(default)]
    pub state: AssignmentState,
    #[serde(default)]
    pub error: AssignmentError,
    #[serde(default, deserialize_with = "trimmed_opt")]
    pub last_updated_date_time: Option<String>,
}

fn group_ref<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Guid>, D::Error> {
    Ok(trimmed_opt(deserializer)?.map(|value| Guid::new(&value)))
}

impl LicenseAssignmentState {
    pub fn is_direct(&self) -> bool {
        self.assigned_by_group.is_none()
    }

    pub fn source(&self) -> AssignmentSource {
        match &self.assigned_by_group {
            None => AssignmentSource::Direct,
            Some(group) => AssignmentSource::Group(group.clone()),
        }
    }
}

/// Where an assignment comes from. Direct and inherited assignments of one SKU are distinct.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "groupId", rename_all = "camelCase")]
pub enum AssignmentSource {
    Direct,
    Group(Guid),
}

/// A user, with the license properties that only come back on `$select`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// Truncated samples (and some action responses) omit it.
    #[serde(default)]
    pub id: Guid,
    #[serde(default, deserialize_with = "trimmed_opt")]
    pub display_name: Option<String>,
    #[serde(default, deserialize_with = "trimmed_opt")]
    pub user_principal_name: Option<String>,
    #[serde(default, deserialize_with = "trimmed_opt")]
    pub mail: Option<String>,
    #[serde(default, deserialize_with = "trimmed_opt")]
    pub usage_location: Option<String>,
    #[serde(default)]
    pub account_enabled: Option<bool>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub assigned_licenses: Vec<AssignedLicense>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub assigned_plans: Vec<AssignedPlan>,
    /// Microsoft's Entra sample spells it singular; both spellings are accepted.
    #[serde(
        default,
        alias = "licenseAssignmentState",
        deserialize_with = "null_as_empty"
    )]
    pub license_assignment_states: Vec<LicenseAssignmentState>,
}

impl User {
    /// The name an admin recognises: display name, else UPN, else id.
    pub fn label(&self) -> &str {
        self.display_name
            .as_deref()
            .or(self.user_principal_name.as_deref())
            .unwrap_or(self.id.as_str())
    }

    /// The direct assignment of `sku`, if any.
    pub fn direct_assignment(&self, sku: &Guid) -> Option<&LicenseAssignmentState> {
        self.license_assignment_states
            .iter()
            .find(|state| state.is_direct() && &state.sku_id == sku)
    }

    /// Groups through which the user inherits `sku`.
    pub fn inheriting_groups(&self, sku: &Guid) -> Vec<Guid> {
        self.license_assignment_states
            .iter()
            .filter(|state| &state.sku_id == sku)
            .filter_map(|state| state.assigned_by_group.clone())
            .collect()
    }
}

/// `licenseUnitsDetail`: seat counts of a subscription.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct LicenseUnits {
    #[serde(default)]
    pub enabled: i64,
    #[serde(default)]
    pub locked_out: i64,
    #[serde(default)]
    pub suspended: i64,
    #[serde(default)]
    pub warning: i64,
}

/// `servicePlanInfo`, as found in `subscribedSku` and `licenseDetails`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ServicePlanInfo {
    pub service_plan_id: Guid,
    #[serde(default)]
    pub service_plan_name: String,
    #[serde(default)]
    pub provisioning_status: ProvisioningStatus,
    #[serde(default)]
    pub applies_to: AppliesTo,
}

/// `subscribedSku`: a product the tenant owns and how many seats are used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SubscribedSku {
    #[serde(default)]
    pub id: String,
    #[serde(default, deserialize_with = "trimmed_opt")]
    pub account_id: Option<String>,
    #[serde(default, deserialize_with = "trimmed_opt")]
    pub account_name: Option<String>,
    #[serde(default)]
    pub applies_to: AppliesTo,
    #[serde(default)]
    pub capability_status: CapabilityStatus,
    #[serde(default)]
    pub consumed_units: i64,
    #[serde(default)]
    pub prepaid_units: LicenseUnits,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub service_plans: Vec<ServicePlanInfo>,
    pub sku_id: Guid,
    #[serde(default)]
    pub sku_part_number: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub subscription_ids: Vec<String>,
}

impl SubscribedSku {
    /// Seats that can still be assigned: `prepaidUnits.enabled - consumedUnits`, never negative.
    pub fn free_seats(&self) -> i64 {
        (self.prepaid_units.enabled - self.consumed_units).max(0)
    }

    pub fn plan(&self, plan: &Guid) -> Option<&ServicePlanInfo> {
        self.service_plans
            .iter()
            .find(|info| &info.service_plan_id == plan)
    }
}

/// `licenseDetails`: a SKU on a user with per-plan provisioning status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct LicenseDetails {
    #[serde(default)]
    pub id: String,
    pub sku_id: Guid,
    #[serde(default)]
    pub sku_part_number: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub service_plans: Vec<ServicePlanInfo>,
}

/// `licenseProcessingState`: typed `{state}` in the metadata, a bare string in the docs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LicenseProcessingState {
    pub state: ProcessingState,
}

impl<'de> Deserialize<'de> for LicenseProcessingState {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Shape {
            Object { state: ProcessingState },
            Bare(ProcessingState),
        }
        Ok(match Shape::deserialize(deserializer)? {
            Shape::Object { state } | Shape::Bare(state) => LicenseProcessingState { state },
        })
    }
}

/// A group, with the license properties that only come back on `$select`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    pub id: Guid,
    #[serde(default, deserialize_with = "trimmed_opt")]
    pub display_name: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub assigned_licenses: Vec<AssignedLicense>,
    #[serde(default)]
    pub license_processing_state: Option<LicenseProcessingState>,
}

/// A member returned by `membersWithLicenseErrors` (users and groups).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryObject {
    pub id: Guid,
    #[serde(default, rename = "@odata.type", alias = "odata.type")]
    pub odata_type: Option<String>,
    #[serde(default, deserialize_with = "trimmed_opt")]
    pub display_name: Option<String>,
    #[serde(default, deserialize_with = "trimmed_opt")]
    pub user_principal_name: Option<String>,
}

/// An OData collection page: `value`, `@odata.nextLink` and `@odata.count`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ODataPage<T> {
    #[serde(default = "Vec::new")]
    pub value: Vec<T>,
    #[serde(default, rename = "@odata.nextLink", alias = "odata.nextLink")]
    pub next_link: Option<String>,
    #[serde(default, rename = "@odata.count", alias = "odata.count")]
    pub count: Option<u64>,
}

/// The body of `assignLicense`. Both lists are always present: Graph rejects a missing one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AssignLicenseBody {
    pub add_licenses: Vec<AssignedLicense>,
    pub remove_licenses: Vec<Guid>,
}

impl AssignLicenseBody {
    pub fn is_empty(&self) -> bool {
        self.add_licenses.is_empty() && self.remove_licenses.is_empty()
    }
}

/// Graph's error envelope: `{"error": {code, message, innerError}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorEnvelope {
    pub error: ErrorDetail,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ErrorDetail {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: String,
    #[serde(default, alias = "innererror")]
    pub inner_error: Option<InnerError>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct InnerError {
    #[serde(default, rename = "request-id")]
    pub request_id: Option<String>,
    #[serde(default, rename = "client-request-id")]
    pub client_request_id: Option<String>,
    #[serde(default)]
    pub date: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_values_mean_no_error_in_every_spelling() {
        for raw in ["null", "\"None\"", "\"\"", "\" None\"", "\"none \""] {
            let parsed: AssignmentError = serde_json::from_str(raw).unwrap();
            assert_eq!(parsed, AssignmentError::None, "{raw}");
            assert!(!parsed.is_error());
        }
    }

    #[test]
    fn other_and_others_are_the_same_and_unknowns_survive() {
        assert_eq!(AssignmentError::parse("Others"), AssignmentError::Other);
        assert_eq!(AssignmentError::parse("Other"), AssignmentError::Other);
        let novel = AssignmentError::parse(" SeatLimitViolation ");
        assert_eq!(novel, AssignmentError::Unknown("SeatLimitViolation".into()));
        assert_eq!(novel.as_str(), "SeatLimitViolation");
        assert!(novel.is_error());
    }

    #[test]
    fn state_is_trimmed_and_case_insensitive() {
        let state: AssignmentState = serde_json::from_str("\" Active \"").unwrap();
        assert_eq!(state, AssignmentState::Active);
        assert_eq!(
            AssignmentState::parse("activewitherror"),
            AssignmentState::ActiveWithError
        );
    }

    #[test]
    fn processing_state_accepts_object_and_bare_string() {
        let group: Group = serde_json::from_str(
            r#"{"id":"a","licenseProcessingState":{"state":"ProcessingComplete"}}"#,
        )
        .unwrap();
        assert_eq!(
            group.license_processing_state.unwrap().state,
            ProcessingState::ProcessingComplete
        );
        let group: Group =
            serde_json::from_str(r#"{"id":"a","licenseProcessingState":"ProcessingFailed"}"#)
                .unwrap();
        assert_eq!(
            group.license_processing_state.unwrap().state,
            ProcessingState::ProcessingFailed
        );
    }

    #[test]
    fn free_seats_never_negative() {
        let sku = SubscribedSku {
            consumed_units: 30,
            prepaid_units: LicenseUnits {
                enabled: 25,
                ..Default::default()
            },
            ..Default::default()
        };
        assert_eq!(sku.free_seats(), 0);
    }
}
