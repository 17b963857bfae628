//! What the admin never wants reclaimed: a user, every member of a group, or a SKU.
//!
//! Admins keep licenses on accounts that look unused on purpose: shared mailboxes (one
//! over 50 GB, or with an archive or a hold, breaks without its license), break-glass
//! accounts, scanners, delegates. Exclusions leave such users and SKUs out of every
//! saving and every bulk run, but never out of sight: excluded rows stay in their section,
//! marked and counted. A group exclusion covers the group's members, nested groups
//! included, as read with
//! [`crate::graph::request::group_transitive_user_members`] ([`GroupMembers`]).
//!
//! Exclusions travel between tenants and admins as a small versioned JSON file
//! ([`Exclusions::to_json`], [`Exclusions::from_json`]); each entry carries the name it
//! had when it was excluded, for people reading the file.

use crate::graph::ids::{GroupId, SkuId, UserId};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The version [`Exclusions::to_json`] writes; files from a later version are refused.
pub const EXCLUSIONS_VERSION: u32 = 1;

/// The `kind` an exclusions file declares, so another JSON file is not mistaken for one.
pub const EXCLUSIONS_KIND: &str = "licenseDeskReclaimExclusions";

/// An id and the name it had when it was excluded (a UPN, a group or product name).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Named<T> {
    pub id: T,
    #[serde(default)]
    pub name: String,
}

/// Why a row is left out of savings and bulk runs.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "by", content = "id", rename_all = "camelCase")]
pub enum Excluded {
    /// The user is excluded by name.
    User(UserId),
    /// The user is a member of an excluded group.
    Group(GroupId),
    /// The SKU is excluded for everyone.
    Sku(SkuId),
}

/// The admin's exclusions.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusions {
    #[serde(default)]
    pub users: Vec<Named<UserId>>,
    #[serde(default)]
    pub groups: Vec<Named<GroupId>>,
    #[serde(default)]
    pub skus: Vec<Named<SkuId>>,
}

/// The members of excluded groups, as read from Graph (transitive user members).
pub type GroupMembers = BTreeMap<GroupId, BTreeSet<UserId>>;

/// Why an exclusions file could not be imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    NotJson(String),
    /// Valid JSON, but not an exclusions file.
    NotExclusions,
    /// Written by a later License Desk.
    NewerVersion(u32),
}

/// The file as written: the exclusions with their kind and version.
#[derive(Serialize, Deserialize)]
struct File {
    kind: String,
    version: u32,
    #[serde(flatten)]
    exclusions: Exclusions,
}

fn add<T: Ord + Clone>(list: &mut Vec<Named<T>>, id: T, name: &str) {
    match list.iter_mut().find(|entry| entry.id == id) {
        Some(entry) => entry.name = name.trim().to_string(),
        None => list.push(Named {
            id,
            name: name.trim().to_string(),
        }),
    }
    list.sort();
}

impl Exclusions {
    pub fn is_empty(&self) -> bool {
        self.users.is_empty() && self.groups.is_empty() && self.skus.is_empty()
    }

    /// The name the admin's exclusion gave what `excluded` names, unless it is empty.
    pub fn name_of(&self, excluded: &Excluded) -> Option<&str> {
        fn find<'a, T: PartialEq>(list: &'a [Named<T>], id: &T) -> Option<&'a str> {
            list.iter()
                .find(|named| &named.id == id)
                .map(|named| named.name.as_str())
        }
        match excluded {
            Excluded::User(id) => find(&self.users, id),
            Excluded::Group(id) => find(&self.groups, id),
            Excluded::Sku(id) => find(&self.skus, id),
        }
        .filter(|name| !name.is_empty())
    }

    pub fn exclude_user(&mut self, id: UserId, name: &str) {
        add(&mut self.users, id, name);
    }

    pub fn exclude_group(&mut self, id: GroupId, name: &str) {
        add(&mut self.groups, id, name);
    }

    pub fn exclude_sku(&mut self, id: SkuId, name: &str) {
        add(&mut self.skus, id, name);
    }

    /// Takes `excluded` off the list (whatever kind it is).
    pub fn include_again(&mut self, excluded: &Excluded) {
        match excluded {
            Excluded::User(id) => self.users.retain(|entry| &entry.id != id),
            Excluded::Group(id) => self.groups.retain(|entry| &entry.id != id),
            Excluded::Sku(id) => self.skus.retain(|entry| &entry.id != id),
        }
    }

    /// Groups whose members must be read before the exclusions can be applied.
    pub fn groups_to_read(&self) -> Vec<GroupId> {
        self.groups.iter().map(|entry| entry.id.clone()).collect()
    }

    /// Why `user` is excluded, if they are: by name first, else through a group.
    pub fn user(&self, user: &UserId, members: &GroupMembers) -> Option<Excluded> {
        if self.users.iter().any(|entry| &entry.id == user) {
            return Some(Excluded::User(user.clone()));
        }
        self.groups
            .iter()
            .find(|entry| members.get(&entry.id).is_some_and(|m| m.contains(user)))
            .map(|entry| Excluded::Group(entry.id.clone()))
    }

    /// Whether `sku` is excluded for everyone.
    pub fn sku(&self, sku: &SkuId) -> Option<Excluded> {
        self.skus
            .iter()
            .any(|entry| &entry.id == sku)
            .then(|| Excluded::Sku(sku.clone()))
    }

    /// Excluded groups whose members `members` doesn't hold: their members can't be
    /// recognised until they are read.
    pub fn groups_not_read(&self, members: &GroupMembers) -> Vec<GroupId> {
        self.groups
            .iter()
            .filter(|entry| !members.contains_key(&entry.id))
            .map(|entry| entry.id.clone())
            .collect()
    }

    /// Adds every exclusion of `other` (an imported file) to these.
    pub fn merge(&mut self, other: &Exclusions) {
        for entry in &other.users {
            self.exclude_user(entry.id.clone(), &entry.name);
        }
        for entry in &other.groups {
            self.exclude_group(entry.id.clone(), &entry.name);
        }
        for entry in &other.skus {
            self.exclude_sku(entry.id.clone(), &entry.name);
        }
    }

    /// The exclusions as a versioned JSON file.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&File {
            kind: EXCLUSIONS_KIND.into(),
            version: EXCLUSIONS_VERSION,
            exclusions: self.clone(),
        })
        .expect("exclusions serialise")
    }

    /// Reads a file written by [`Exclusions::to_json`] (this version or an earlier one).
    pub fn from_json(text: &str) -> Result<Exclusions, ImportError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ImportError::NotJson(e.to_string()))?;
        if value.get("kind").and_then(|k| k.as_str()) != Some(EXCLUSIONS_KIND) {
            return Err(ImportError::NotExclusions);
        }
        let version = value
            .get("version")
            .and_then(|v| v.as_u64())
            .ok_or(ImportError::NotExclusions)?;
        if version > u64::from(EXCLUSIONS_VERSION) {
            return Err(ImportError::NewerVersion(
                u32::try_from(version).unwrap_or(u32::MAX),
            ));
        }
        let file: File =
            serde_json::from_value(value).map_err(|e| ImportError::NotJson(e.to_string()))?;
        let mut exclusions = Exclusions::default();
        exclusions.merge(&file.exclusions);
        Ok(exclusions)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Exclusions {
        let mut exclusions = Exclusions::default();
        exclusions.exclude_user(UserId::new("u-breakglass"), "breakglass@contoso.example");
        exclusions.exclude_group(GroupId::new("g-shared"), "Shared mailboxes");
        exclusions.exclude_sku(SkuId::new("s-copilot"), "Microsoft 365 Copilot");
        exclusions
    }

    #[test]
    fn a_user_is_excluded_by_name_or_through_a_group_and_a_sku_for_everyone() {
        let exclusions = sample();
        let mut members = GroupMembers::new();
        members.insert(
            GroupId::new("g-shared"),
            [UserId::new("u-info"), UserId::new("u-breakglass")].into(),
        );
        assert_eq!(
            exclusions.user(&UserId::new("u-breakglass"), &members),
            Some(Excluded::User(UserId::new("u-breakglass")))
        );
        assert_eq!(
            exclusions.user(&UserId::new("u-info"), &members),
            Some(Excluded::Group(GroupId::new("g-shared")))
        );
        assert_eq!(exclusions.user(&UserId::new("u-other"), &members), None);
        assert_eq!(
            exclusions.sku(&SkuId::new("S-COPILOT")),
            Some(Excluded::Sku(SkuId::new("s-copilot")))
        );
        assert_eq!(exclusions.sku(&SkuId::new("s-e3")), None);
        // Without the group's members, its members are not recognised, and that is said.
        assert_eq!(
            exclusions.user(&UserId::new("u-info"), &GroupMembers::new()),
            None
        );
        assert_eq!(
            exclusions.groups_not_read(&GroupMembers::new()),
            [GroupId::new("g-shared")]
        );
        assert!(exclusions.groups_not_read(&members).is_empty());
    }

    #[test]
    fn exclusions_round_trip_as_a_versioned_file() {
        let exclusions = sample();
        let json = exclusions.to_json();
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["kind"], EXCLUSIONS_KIND);
        assert_eq!(value["version"], 1);
        assert_eq!(value["groups"][0]["name"], "Shared mailboxes");
        assert_eq!(Exclusions::from_json(&json).unwrap(), exclusions);
    }

    #[test]
    fn an_import_refuses_other_files_and_later_versions_and_tolerates_missing_lists() {
        assert!(matches!(
            Exclusions::from_json("not json"),
            Err(ImportError::NotJson(_))
        ));
        assert_eq!(
            Exclusions::from_json(r#"{"users":[]}"#),
            Err(ImportError::NotExclusions)
        );
        assert_eq!(
            Exclusions::from_json(&format!(r#"{{"kind":"{EXCLUSIONS_KIND}","version":2}}"#)),
            Err(ImportError::NewerVersion(2))
        );
        let only_skus = Exclusions::from_json(&format!(
            r#"{{"kind":"{EXCLUSIONS_KIND}","version":1,"skus":[{{"id":"S1"}},{{"id":"s1","name":"Twice"}}]}}"#
        ))
        .unwrap();
        assert_eq!(only_skus.skus.len(), 1, "one entry per id");
        assert_eq!(only_skus.skus[0].name, "Twice");
        assert!(only_skus.users.is_empty());
    }

    #[test]
    fn excluding_twice_keeps_one_entry_and_including_again_removes_it() {
        let mut exclusions = sample();
        exclusions.exclude_user(UserId::new("U-BREAKGLASS"), "renamed@contoso.example");
        assert_eq!(exclusions.users.len(), 1);
        assert_eq!(exclusions.users[0].name, "renamed@contoso.example");
        exclusions.include_again(&Excluded::Group(GroupId::new("g-shared")));
        assert!(exclusions.groups.is_empty());
        exclusions.include_again(&Excluded::User(UserId::new("u-breakglass")));
        exclusions.include_again(&Excluded::Sku(SkuId::new("s-copilot")));
        assert!(exclusions.is_empty());
    }
}
