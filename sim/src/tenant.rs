//! The simulated directory: SKUs, users, groups, and Entra ID's licensing rules.
//!
//! Direct assignments are validated synchronously, in the order and with the messages
//! Graph uses. Group-based assignments are evaluated per user—seats, usage location,
//! uniqueness, mutually exclusive and dependent plans—and failures are recorded in
//! `licenseAssignmentStates` exactly as Entra ID records them; they change only when the
//! user is (re)processed.

use license_desk_core::graph::ids::{GroupId, PlanId, SkuId, UserId};
use license_desk_core::graph::model::{
    AssignLicenseBody, AssignedPlan, AssignmentError, AssignmentSource, AssignmentState,
    LicenseAssignmentState, SubscribedSku, User,
};
use license_desk_core::licensing::catalog::Catalog;
use license_desk_core::licensing::effective;
use license_desk_core::licensing::usage_location;
use std::collections::{BTreeMap, BTreeSet};

pub use crate::sign_ins::SignIns;

/// A user record as the directory holds it.
#[derive(Clone, Debug, PartialEq)]
pub struct SimUser {
    pub id: UserId,
    pub display_name: String,
    pub user_principal_name: String,
    pub mail: Option<String>,
    pub usage_location: Option<String>,
    pub account_enabled: bool,
    pub groups: Vec<GroupId>,
    /// The user's proxy address clashes with another object (drives `UniquenessViolation`).
    pub proxy_conflict: bool,
    pub states: Vec<LicenseAssignmentState>,
    pub assigned_plans: Vec<AssignedPlan>,
    /// Days before the request the account was created; `None`: Graph has no date (it
    /// has none for some accounts created before June 2018).
    pub created_days_ago: Option<u32>,
    /// When the user last signed in; `None`: never (Graph leaves `signInActivity` out).
    pub sign_ins: Option<SignIns>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SimGroup {
    pub id: GroupId,
    pub display_name: String,
    pub licenses: Vec<license_desk_core::graph::model::AssignedLicense>,
    /// Groups that are members of this one. Their members are transitive members; group
    /// licenses do not flow to them.
    pub member_groups: Vec<GroupId>,
}

/// Plan rules the licensing engine enforces.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rules {
    pub mutually_exclusive: Vec<(PlanId, PlanId)>,
    /// A plan and the plans it depends on.
    pub depends_on: Vec<(PlanId, Vec<PlanId>)>,
    /// SKUs not offered in a usage location.
    pub prohibited: Vec<(SkuId, String)>,
    /// Usage location the directory applies to group licensing when a user has none.
    pub default_usage_location: String,
}

/// A business-rule failure, carrying Graph's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleViolation {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

fn bad_request(message: String) -> RuleViolation {
    RuleViolation {
        status: 400,
        code: "Request_BadRequest",
        message,
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Tenant {
    pub skus: Vec<SubscribedSku>,
    pub users: Vec<SimUser>,
    pub groups: Vec<SimGroup>,
    pub rules: Rules,
}

impl Tenant {
    pub fn catalog(&self) -> Catalog {
        Catalog::new(self.skus.clone())
    }

    pub fn user_index(&self, id_or_upn: &str) -> Option<usize> {
        let wanted = id_or_upn.trim();
        self.users.iter().position(|user| {
            user.id.as_str().eq_ignore_ascii_case(wanted)
                || user.user_principal_name.eq_ignore_ascii_case(wanted)
        })
    }

    pub fn group_index(&self, id: &str) -> Option<usize> {
        self.groups
            .iter()
            .position(|group| group.id.as_str().eq_ignore_ascii_case(id.trim()))
    }

    fn sku(&self, sku: &SkuId) -> Option<&SubscribedSku> {
        self.skus.iter().find(|s| &s.sku_id == sku)
    }

    /// Users with at least one effective assignment of `sku`, other than `except`. Seat
    /// counts are kept current by every change of assignments, so this takes no scan.
    fn consumed_by_others(&self, sku: &SkuId, except: usize) -> i64 {
        let Some(info) = self.sku(sku) else {
            return self.count_holders(sku, except);
        };
        let held_by_except = self
            .users
            .get(except)
            .is_some_and(|user| holds(&user.states, sku));
        info.consumed_units.unwrap_or(0) - i64::from(held_by_except)
    }

    fn count_holders(&self, sku: &SkuId, except: usize) -> i64 {
        self.users
            .iter()
            .enumerate()
            .filter(|(index, user)| *index != except && holds(&user.states, sku))
            .count() as i64
    }

    /// Recomputes `consumedUnits` for every SKU from the assignments.
    pub fn recount(&mut self) {
        let counts: Vec<i64> = self
            .skus
            .iter()
            .map(|sku| self.count_holders(&sku.sku_id, usize::MAX))
            .collect();
        for (sku, count) in self.skus.iter_mut().zip(counts) {
            sku.consumed_units = Some(count);
        }
    }

    fn enabled_plans_of(&self, sku: &SkuId, disabled: &[PlanId]) -> Vec<PlanId> {
        self.sku(sku)
            .map(|info| {
                info.service_plans
                    .iter()
                    .map(|p| p.service_plan_id.clone())
                    .filter(|p| !disabled.contains(p))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// First mutual-exclusion or dependency problem among `plans`, as Graph words it.
    fn plan_conflict(
        &self,
        plans: &BTreeSet<PlanId>,
        introduced: &BTreeSet<PlanId>,
    ) -> Option<(AssignmentError, String)> {
        for (a, b) in &self.rules.mutually_exclusive {
            if plans.contains(a)
                && plans.contains(b)
                && (introduced.contains(a) || introduced.contains(b))
            {
                return Some((
                    AssignmentError::MutuallyExclusiveViolation,
                    format!("License assignment failed because service plans {a}, {b} are mutually exclusive."),
                ));
            }
        }
        for (plan, required) in &self.rules.depends_on {
            let missing: Vec<&PlanId> = required.iter().filter(|r| !plans.contains(*r)).collect();
            if plans.contains(plan) && !missing.is_empty() {
                let list = missing
                    .iter()
                    .map(|g| g.to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                return Some((
                    AssignmentError::DependencyViolation,
                    format!("License assignment failed because service plan {plan} depends on the service plan(s) {list}"),
                ));
            }
        }
        None
    }

    /// Graph's first checks of an `assignLicense` body, for a user or a group: it changes
    /// something, and each SKU it adds is one of the company's (and, `for_a_user`, one
    /// that applies to users).
    fn check_body(&self, body: &AssignLicenseBody, for_a_user: bool) -> Result<(), RuleViolation> {
        if body.is_empty() {
            return Err(bad_request(
                "No license changes provided. At least one license to add or remove must be specified.".into(),
            ));
        }
        for license in &body.add_licenses {
            let Some(sku) = self.sku(&license.sku_id) else {
                return Err(bad_request(format!(
                    "License {} does not correspond to a valid company License.",
                    license.sku_id
                )));
            };
            if for_a_user && sku.applies_to != license_desk_core::graph::model::AppliesTo::User {
                return Err(bad_request(format!(
                    "License {} cannot be assigned to a user.",
                    license.sku_id
                )));
            }
        }
        Ok(())
    }

    /// `POST /users/{id}/assignLicense`, validated as Graph validates it.
    pub fn assign_license(
        &mut self,
        index: usize,
        body: &AssignLicenseBody,
        now: &str,
    ) -> Result<(), RuleViolation> {
        self.check_body(body, true)?;
        let user = &self.users[index];
        for sku in &body.remove_licenses {
            let direct = user
                .states
                .iter()
                .any(|s| &s.sku_id == sku && s.is_direct());
            let inherited = user
                .states
                .iter()
                .any(|s| &s.sku_id == sku && !s.is_direct());
            if !direct && inherited {
                return Err(bad_request(
                    "User license is inherited from a group membership and it cannot be removed directly from the user.".into(),
                ));
            }
        }
        if usage_location::refused_for_usage_location(
            user.usage_location.as_deref(),
            &body.add_licenses,
        ) {
            return Err(bad_request(
                usage_location::INVALID_USAGE_LOCATION_MESSAGE.into(),
            ));
        }
        for license in &body.add_licenses {
            let holds = user
                .states
                .iter()
                .any(|s| s.sku_id == license.sku_id && effective::is_effective(s));
            let sku = self.sku(&license.sku_id).expect("checked above");
            if !holds
                && self.consumed_by_others(&license.sku_id, index)
                    >= sku.prepaid_units.enabled.unwrap_or(0)
            {
                return Err(bad_request(format!(
                    "Subscription with SKU {} does not have any available licenses.",
                    license.sku_id
                )));
            }
        }
        let mut direct: BTreeMap<SkuId, Vec<PlanId>> = user
            .states
            .iter()
            .filter(|s| s.is_direct())
            .map(|s| (s.sku_id.clone(), s.disabled_plans.clone()))
            .collect();
        for sku in &body.remove_licenses {
            direct.remove(sku);
        }
        for license in &body.add_licenses {
            let mut disabled = license.disabled_plans.clone();
            disabled.sort();
            disabled.dedup();
            // disabledPlans replaces the list; it never merges.
            direct.insert(license.sku_id.clone(), disabled);
        }
        let mut plans: BTreeSet<PlanId> = BTreeSet::new();
        let mut introduced: BTreeSet<PlanId> = BTreeSet::new();
        for (sku, disabled) in &direct {
            let enabled = self.enabled_plans_of(sku, disabled);
            if body.add_licenses.iter().any(|l| &l.sku_id == sku) {
                introduced.extend(enabled.iter().cloned());
            }
            plans.extend(enabled);
        }
        for state in user
            .states
            .iter()
            .filter(|s| !s.is_direct() && effective::is_effective(s))
        {
            plans.extend(self.enabled_plans_of(&state.sku_id, &state.disabled_plans));
        }
        if let Some((_, message)) = self.plan_conflict(&plans, &introduced) {
            return Err(bad_request(message));
        }

        let direct: effective::DirectLicenses = direct
            .into_iter()
            .map(|(sku, disabled)| (sku, disabled.into_iter().collect()))
            .collect();
        let states = effective::with_direct_assignments(&self.users[index].states, &direct, now);
        self.set_states(index, states, now);
        Ok(())
    }

    /// `POST /groups/{id}/assignLicense`: the group's licenses change at once (removals,
    /// then each added SKU with its `disabledPlans`, which replace the old list); the
    /// members are processed later (see `group_processing`).
    pub fn assign_group_license(
        &mut self,
        group: usize,
        body: &AssignLicenseBody,
    ) -> Result<(), RuleViolation> {
        self.check_body(body, false)?;
        let licenses = &mut self.groups[group].licenses;
        licenses.retain(|l| !body.remove_licenses.contains(&l.sku_id));
        for license in &body.add_licenses {
            let mut disabled = license.disabled_plans.clone();
            disabled.sort();
            disabled.dedup();
            let replacement = license_desk_core::graph::model::AssignedLicense {
                sku_id: license.sku_id.clone(),
                disabled_plans: disabled,
            };
            match licenses.iter_mut().find(|l| l.sku_id == license.sku_id) {
                Some(existing) => *existing = replacement,
                None => licenses.push(replacement),
            }
        }
        Ok(())
    }

    /// Re-evaluates every group-based assignment of the user (`reprocessLicenseAssignment`,
    /// and initial processing), stamping each with `now`.
    pub fn process_groups(&mut self, index: usize, now: &str) {
        let user = self.users[index].clone();
        let location = user
            .usage_location
            .clone()
            .unwrap_or_else(|| self.rules.default_usage_location.clone());
        let mut states: Vec<LicenseAssignmentState> = user
            .states
            .iter()
            .filter(|s| s.is_direct())
            .cloned()
            .collect();
        let mut plans: BTreeSet<PlanId> = BTreeSet::new();
        for state in &states {
            plans.extend(self.enabled_plans_of(&state.sku_id, &state.disabled_plans));
        }
        for group_id in &user.groups {
            let Some(group) = self.groups.iter().find(|g| &g.id == group_id) else {
                continue;
            };
            let mut evaluated: Vec<(LicenseAssignmentState, Vec<PlanId>)> = Vec::new();
            for license in &group.licenses {
                let enabled = self.enabled_plans_of(&license.sku_id, &license.disabled_plans);
                let holds = states
                    .iter()
                    .any(|s| s.sku_id == license.sku_id && effective::is_effective(s));
                let error = self.group_assignment_error(
                    index, license, &location, holds, &user, &plans, &enabled,
                );
                evaluated.push((
                    LicenseAssignmentState {
                        sku_id: license.sku_id.clone(),
                        disabled_plans: license.disabled_plans.clone(),
                        assigned_by_group: Some(group.id.clone()),
                        state: if error.is_error() {
                            AssignmentState::Error
                        } else {
                            AssignmentState::Active
                        },
                        error,
                        last_updated_date_time: None,
                    },
                    enabled,
                ));
            }
            // A group with several products assigns none of them if one fails.
            let group_failed = evaluated.iter().any(|(s, _)| s.error.is_error());
            for (mut state, enabled) in evaluated {
                if group_failed && !state.error.is_error() {
                    state.state = AssignmentState::Error;
                    state.error = AssignmentError::Other;
                }
                if effective::is_effective(&state) {
                    plans.extend(enabled);
                }
                states.push(state);
            }
        }
        for state in states.iter_mut() {
            // Processing stamps every group-based state it evaluates, changed or not:
            // that is how a read shows a reprocess ran.
            if state.assigned_by_group.is_some() {
                state.last_updated_date_time = Some(now.to_string());
                continue;
            }
            let previous = user
                .states
                .iter()
                .find(|p| p.sku_id == state.sku_id && p.source() == state.source());
            state.last_updated_date_time = match previous {
                Some(p)
                    if p.state == state.state
                        && p.error == state.error
                        && p.disabled_plans == state.disabled_plans =>
                {
                    p.last_updated_date_time.clone()
                }
                _ => Some(now.to_string()),
            };
        }
        effective::sort_states(&mut states);
        self.set_states(index, states, now);
    }

    #[allow(clippy::too_many_arguments)]
    fn group_assignment_error(
        &self,
        index: usize,
        license: &license_desk_core::graph::model::AssignedLicense,
        location: &str,
        holds_seat: bool,
        user: &SimUser,
        plans: &BTreeSet<PlanId>,
        enabled: &[PlanId],
    ) -> AssignmentError {
        let Some(sku) = self.sku(&license.sku_id) else {
            return AssignmentError::Other;
        };
        if self
            .rules
            .prohibited
            .iter()
            .any(|(s, country)| s == &license.sku_id && country.eq_ignore_ascii_case(location))
        {
            return AssignmentError::ProhibitedInUsageLocationViolation;
        }
        if !holds_seat
            && self.consumed_by_others(&license.sku_id, index)
                >= sku.prepaid_units.enabled.unwrap_or(0)
        {
            return AssignmentError::CountViolation;
        }
        let has_mailbox_plan = sku.service_plans.iter().any(|p| {
            p.service_plan_name.starts_with("EXCHANGE_S_") && enabled.contains(&p.service_plan_id)
        });
        if user.proxy_conflict && has_mailbox_plan {
            return AssignmentError::UniquenessViolation;
        }
        let introduced: BTreeSet<PlanId> = enabled.iter().cloned().collect();
        let all: BTreeSet<PlanId> = plans.union(&introduced).cloned().collect();
        match self.plan_conflict(&all, &introduced) {
            Some((error, _)) => error,
            None => AssignmentError::None,
        }
    }

    /// Replaces the user's assignments and moves their seats with them.
    fn set_states(&mut self, index: usize, states: Vec<LicenseAssignmentState>, now: &str) {
        let catalog = self.catalog();
        let held_before = held_skus(&self.users[index].states);
        let held_after = held_skus(&states);
        let user = &mut self.users[index];
        user.assigned_plans =
            effective::assigned_plans(&states, &catalog, &user.assigned_plans, now);
        user.states = states;
        for sku in self.skus.iter_mut() {
            let was = held_before.contains(&sku.sku_id);
            let is = held_after.contains(&sku.sku_id);
            sku.consumed_units =
                Some(sku.consumed_units.unwrap_or(0) + i64::from(is) - i64::from(was));
        }
    }

    /// The user as Graph shows it, with every property.
    pub fn user_view(&self, index: usize) -> User {
        let user = &self.users[index];
        User {
            id: user.id.clone(),
            display_name: Some(user.display_name.clone()),
            user_principal_name: Some(user.user_principal_name.clone()),
            mail: user.mail.clone(),
            usage_location: user.usage_location.clone(),
            account_enabled: Some(user.account_enabled),
            assigned_licenses: effective::assigned_licenses(&user.states),
            assigned_plans: user.assigned_plans.clone(),
            license_assignment_states: user.states.clone(),
            created_date_time: None,
            sign_in_activity: None,
        }
    }

    /// [`Tenant::user_view`] at `now_ms`, with the creation date and sign-in activity
    /// (which Graph returns only on `$select`).
    pub fn user_view_at(&self, index: usize, now_ms: u64) -> User {
        self.with_activity(index, self.user_view(index), now_ms)
    }

    /// `user` (a view of user `index`) with their creation date and sign-in activity at
    /// `now_ms`.
    pub fn with_activity(&self, index: usize, mut user: User, now_ms: u64) -> User {
        let record = &self.users[index];
        user.created_date_time = record
            .created_days_ago
            .map(|days| crate::sign_ins::days_before(now_ms, days));
        user.sign_in_activity = record.sign_ins.map(|sign_ins| sign_ins.at(now_ms));
        user
    }

    /// Users who are direct members of `group`, in directory order.
    pub fn direct_members(&self, group: &GroupId) -> Vec<usize> {
        (0..self.users.len())
            .filter(|&i| self.users[i].groups.contains(group))
            .collect()
    }

    /// `group` and every group nested in it, at any depth, each once.
    pub fn nested_groups(&self, group: &GroupId) -> Vec<GroupId> {
        let mut found = vec![group.clone()];
        let mut next = 0;
        while next < found.len() {
            if let Some(parent) = self.groups.iter().find(|g| g.id == found[next]) {
                for child in &parent.member_groups {
                    if !found.contains(child) {
                        found.push(child.clone());
                    }
                }
            }
            next += 1;
        }
        found
    }

    /// Users who are members of `group` directly or through nested groups, each once,
    /// in directory order.
    pub fn transitive_members(&self, group: &GroupId) -> Vec<usize> {
        let groups = self.nested_groups(group);
        (0..self.users.len())
            .filter(|&i| self.users[i].groups.iter().any(|g| groups.contains(g)))
            .collect()
    }

    /// Groups with at least one member whose assignment from that group is in error.
    pub fn members_with_errors(&self, group: &GroupId) -> Vec<usize> {
        self.users
            .iter()
            .enumerate()
            .filter(|(_, user)| {
                user.states.iter().any(|s| {
                    s.source() == AssignmentSource::Group(group.clone()) && s.error.is_error()
                })
            })
            .map(|(index, _)| index)
            .collect()
    }
}

/// True when an effective assignment of `sku` is among `states` (the user takes a seat).
fn holds(states: &[LicenseAssignmentState], sku: &SkuId) -> bool {
    states
        .iter()
        .any(|s| &s.sku_id == sku && effective::is_effective(s))
}

/// The SKUs whose seats these assignments take.
fn held_skus(states: &[LicenseAssignmentState]) -> BTreeSet<SkuId> {
    states
        .iter()
        .filter(|s| effective::is_effective(s))
        .map(|s| s.sku_id.clone())
        .collect()
}
