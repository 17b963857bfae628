//! From the users the admin selected to a bulk "Remove license" run.
//!
//! Only **direct** copies are handed to `assignLicense`: Graph refuses to remove an
//! inherited one ("User license is inherited from group membership and cannot be removed
//! directly from the user"), so each group copy is listed instead with the group to take
//! the user out of. Each selected user becomes one run item removing all their direct
//! copies of SKUs not excluded (one `assignLicense` call); a selected direct copy of a
//! group license becomes an item removing that one copy, and only if it is safe.
//!
//! The run re-reads every user before planning: the operations engine's first request
//! for each item is `GET /users/{id}?$select=…licenseAssignmentStates` (see
//! [`crate::ops`], the `Before` step of an item), and the planner decides from that read
//! (refusing a license that is by then only inherited, doing nothing for one already
//! gone). So a stale entry in the eventually consistent index that found a disabled
//! account can't turn into a wrong write. The dry run ([`crate::bulk::preview`]) shows
//! the result before anything is sent.
//!
//! Taking away a user's last Exchange Online plan disconnects their mailbox; the hand-over
//! names those users and the date until which undoing the run reconnects them
//! ([`super::mailbox`]).

use super::copies::UnsafeReason;
use super::exclusions::Excluded;
use super::findings::Findings;
use super::holdings::Holding;
use super::mailbox;
use crate::graph::ids::{GroupId, SkuId, UserId};
use crate::graph::model::{AssignmentState, User};
use crate::licensing::catalog::Catalog;
use crate::licensing::plan::Change;
use crate::ops::{Intent, JournalRecord, RunItem, Status};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// What the admin ticked on the screen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Selection {
    /// Users of the disabled, inactive and never-signed-in sections.
    pub users: BTreeSet<UserId>,
    /// Direct copies: the user and the SKU.
    pub copies: BTreeSet<(UserId, SkuId)>,
}

impl Selection {
    /// Every user of the disabled, inactive and never-signed-in sections and every direct
    /// copy, excluded and unsafe ones too: the hand-over holds those back, saying why.
    pub fn everything(findings: &Findings) -> Selection {
        let mut selection = Selection::default();
        for section in [
            &findings.disabled,
            &findings.inactive,
            &findings.never_signed_in,
        ] {
            selection
                .users
                .extend(section.rows.iter().map(|row| row.person.id.clone()));
        }
        selection.copies.extend(
            findings
                .direct_copies
                .rows
                .iter()
                .map(|row| (row.person.id.clone(), row.holding.sku.clone())),
        );
        selection
    }
}

/// A group copy the run can't remove: take the user out of the group instead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupRemoval {
    pub user: UserId,
    pub user_label: String,
    pub sku: SkuId,
    pub sku_name: String,
    pub group: GroupId,
    pub group_name: Option<String>,
    /// The group's copy gives the user an Exchange Online mailbox.
    pub carries_mailbox: bool,
}

/// Why something selected is not in the run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "why", rename_all = "camelCase")]
pub enum Held {
    /// Excluded by the admin.
    Excluded { excluded: Excluded },
    /// Removing the direct copy would change what the user has.
    Unsafe { reason: UnsafeReason },
    /// Not (or no longer) among the findings.
    NotFound,
    /// Only group copies: nothing for `assignLicense` to remove.
    NothingDirect,
}

/// A selected user or copy that is not in the run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HeldBack {
    pub user: UserId,
    pub user_label: String,
    pub sku: Option<SkuId>,
    pub held: Held,
}

/// A user whose mailbox the run disconnects.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MailboxLoss {
    pub user: UserId,
    pub user_label: String,
    /// The removed SKUs that carried the mailbox.
    pub skus: Vec<SkuId>,
}

/// The mailbox warning of a run: ticked by the admin before the run is handed over
/// (a [`crate::licensing::checklist::Checklist`] of it), so a tick given for some users
/// never covers a selection that disconnects others.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MailboxWarning {
    pub users: Vec<MailboxLoss>,
    /// Undoing the run before this time reconnects the mailboxes (run start + 30 days).
    pub reconnect_until_ms: u64,
}

impl crate::licensing::checklist::Acknowledge for MailboxWarning {}

/// The bulk run, and what stays for the admin to do elsewhere.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Handover {
    /// One item per user: remove these direct copies.
    pub items: Vec<RunItem>,
    /// Group copies of the selected users: remove the user from the group.
    pub group_removals: Vec<GroupRemoval>,
    pub held_back: Vec<HeldBack>,
    pub mailbox: Option<MailboxWarning>,
}

/// Whether the user keeps an Exchange Online mailbox after losing the direct copies of
/// `removed`, and whether they had one before.
fn mailbox_before_after(all: &[&Holding], removed: &[SkuId], catalog: &Catalog) -> (bool, bool) {
    let mut before = false;
    let mut after = false;
    for holding in all {
        for copy in holding.copies.iter().filter(|copy| copy.is_effective()) {
            if !mailbox::copy_has_mailbox(&holding.sku, &copy.disabled_plans, catalog) {
                continue;
            }
            before = true;
            if !(copy.is_direct() && removed.contains(&holding.sku)) {
                after = true;
            }
        }
    }
    (before, after)
}

/// The hand-over being built, one selected user or copy at a time.
struct Builder<'a> {
    catalog: &'a Catalog,
    handover: Handover,
    losses: Vec<MailboxLoss>,
}

impl Builder<'_> {
    fn hold(&mut self, user: &UserId, label: &str, sku: Option<&SkuId>, held: Held) {
        self.handover.held_back.push(HeldBack {
            user: user.clone(),
            user_label: label.to_string(),
            sku: sku.cloned(),
            held,
        });
    }

    /// One item removing the direct copies of `removing`; `all` is everything the user
    /// holds, to tell whether a mailbox goes with them.
    fn remove_direct(
        &mut self,
        user: &UserId,
        label: &str,
        all: &[&Holding],
        removing: &[&Holding],
    ) {
        let skus: Vec<SkuId> = removing
            .iter()
            .filter(|holding| holding.direct().is_some())
            .map(|holding| holding.sku.clone())
            .collect();
        let (before, after) = mailbox_before_after(all, &skus, self.catalog);
        if before && !after {
            self.losses.push(MailboxLoss {
                user: user.clone(),
                user_label: label.to_string(),
                skus: skus
                    .iter()
                    .filter(|sku| mailbox::sku_has_mailbox(sku, self.catalog))
                    .cloned()
                    .collect(),
            });
        }
        let changes = skus.into_iter().map(|sku| Change::Remove { sku }).collect();
        self.handover
            .items
            .push(RunItem::new(user.as_str(), Intent::Change(changes)));
    }

    /// A user of the disabled, inactive or never-signed-in section: their direct copies
    /// go in the run, their group copies in the list of groups to leave.
    fn user(&mut self, findings: &Findings, user: &UserId) {
        let Some((_, finding)) = findings.user_finding(user) else {
            return self.hold(user, user.as_str(), None, Held::NotFound);
        };
        let label = finding.person.label();
        if let Some(excluded) = &finding.excluded {
            let excluded = excluded.clone();
            return self.hold(user, label, None, Held::Excluded { excluded });
        }
        let all: Vec<&Holding> = finding.licenses.iter().map(|l| &l.holding).collect();
        let mut removing = Vec::new();
        for license in &finding.licenses {
            let holding = &license.holding;
            if let Some(excluded) = &license.excluded {
                let excluded = excluded.clone();
                self.hold(user, label, Some(&holding.sku), Held::Excluded { excluded });
                continue;
            }
            removing.push(holding);
            for copy in holding.from_groups() {
                let Some(group) = copy.group() else { continue };
                self.handover.group_removals.push(GroupRemoval {
                    user: user.clone(),
                    user_label: label.to_string(),
                    sku: holding.sku.clone(),
                    sku_name: holding.sku_name.clone(),
                    group: group.clone(),
                    group_name: copy.group_name.clone(),
                    carries_mailbox: mailbox::copy_has_mailbox(
                        &holding.sku,
                        &copy.disabled_plans,
                        self.catalog,
                    ),
                });
            }
        }
        if removing.iter().any(|holding| holding.direct().is_some()) {
            self.remove_direct(user, label, &all, &removing);
        } else if !removing.is_empty() {
            self.hold(user, label, None, Held::NothingDirect);
        }
    }

    /// A direct copy of a group license: in the run only when safe and not excluded.
    fn copy(&mut self, findings: &Findings, user: &UserId, sku: &SkuId) {
        let found = findings
            .direct_copies
            .rows
            .iter()
            .find(|row| &row.person.id == user && &row.holding.sku == sku);
        let Some(row) = found else {
            return self.hold(user, user.as_str(), Some(sku), Held::NotFound);
        };
        let label = row.person.label();
        match (&row.excluded, &row.unsafe_reason) {
            (Some(excluded), _) => {
                let excluded = excluded.clone();
                self.hold(user, label, Some(sku), Held::Excluded { excluded })
            }
            (None, Some(reason)) => {
                let reason = reason.clone();
                self.hold(user, label, Some(sku), Held::Unsafe { reason })
            }
            // Safe: the group copies keep every plan on, the mailbox included.
            (None, None) => self.remove_direct(user, label, &[&row.holding], &[&row.holding]),
        }
    }
}

/// The run for `selection`, starting at `run_ms`.
pub fn hand_over(
    findings: &Findings,
    selection: &Selection,
    catalog: &Catalog,
    run_ms: u64,
) -> Handover {
    let mut builder = Builder {
        catalog,
        handover: Handover::default(),
        losses: Vec::new(),
    };
    for user in &selection.users {
        builder.user(findings, user);
    }
    for (user, sku) in &selection.copies {
        builder.copy(findings, user, sku);
    }
    let mut handover = builder.handover;
    if !builder.losses.is_empty() {
        handover.mailbox = Some(MailboxWarning {
            users: builder.losses,
            reconnect_until_ms: mailbox::reconnect_until_ms(run_ms),
        });
    }
    handover
}

/// Whether `user` has a mailbox through a working copy of a license, leaving out the
/// direct copies of `removed`.
fn has_mailbox_without(user: &User, removed: &[SkuId], catalog: &Catalog) -> bool {
    user.license_assignment_states
        .iter()
        .filter(|state| {
            matches!(
                state.state,
                AssignmentState::Active | AssignmentState::ActiveWithError
            )
        })
        .filter(|state| !(state.is_direct() && removed.contains(&state.sku_id)))
        .any(|state| mailbox::copy_has_mailbox(&state.sku_id, &state.disabled_plans, catalog))
}

/// The users a finished run of license removals took the last mailbox from: each item
/// that is done, removed only direct copies, and left the user, as read before its
/// write, with no working copy of a license that carries Exchange Online. What the
/// run's report names with the date until which undoing it reconnects them.
pub fn disconnected_by_run(records: &[JournalRecord], catalog: &Catalog) -> Vec<MailboxLoss> {
    records
        .iter()
        .filter(|record| record.status == Status::Done)
        .filter_map(|record| {
            let before = record.before.as_ref()?;
            let Intent::Change(changes) = &record.item.intent else {
                return None;
            };
            let removed = changes
                .iter()
                .map(|change| match change {
                    Change::Remove { sku } => Some(sku.clone()),
                    _ => None,
                })
                .collect::<Option<Vec<SkuId>>>()?;
            let lost = has_mailbox_without(before, &[], catalog)
                && !has_mailbox_without(before, &removed, catalog);
            lost.then(|| MailboxLoss {
                user: before.id.clone(),
                user_label: before.label().to_string(),
                skus: removed
                    .into_iter()
                    .filter(|sku| mailbox::sku_has_mailbox(sku, catalog))
                    .collect(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::model::User;
    use crate::licensing::plan;
    use crate::lists::reclaim::exclusions::Exclusions;
    use crate::lists::reclaim::findings::tests::findings_for;
    use crate::lists::reclaim::test_tenant::*;

    /// The findings for `users`, nothing excluded, and the hand-over of every one of them.
    fn everything_handed_over(users: &[User]) -> (Findings, Handover) {
        let findings = findings_for(users, &Exclusions::default());
        let handover = hand_over(
            &findings,
            &Selection::everything(&findings),
            &catalog(),
            NOW,
        );
        (findings, handover)
    }

    fn removed(item: &RunItem) -> Vec<SkuId> {
        let Intent::Change(changes) = &item.intent else {
            panic!("a license change")
        };
        changes
            .iter()
            .map(|change| match change {
                Change::Remove { sku } => sku.clone(),
                other => panic!("only removals: {other:?}"),
            })
            .collect()
    }

    #[test]
    fn the_run_removes_direct_copies_only_and_never_an_inherited_license() {
        let users = users();
        let (_, handover) = everything_handed_over(&users);
        let catalog = catalog();
        let mut who = Vec::new();
        for item in &handover.items {
            let user = users
                .iter()
                .find(|u| u.id.as_str() == item.user)
                .expect("an item names a user by id");
            who.push((user.label().to_string(), removed(item)));
            // Every SKU the item removes is held directly, and the planner sends exactly
            // those, refusing nothing.
            let planned = plan::plan(
                user,
                &catalog,
                &match &item.intent {
                    Intent::Change(changes) => changes.clone(),
                    _ => unreachable!(),
                },
            );
            assert!(planned.refusals.is_empty(), "{planned:?}");
            let body = planned.body.expect("a write");
            assert!(body.add_licenses.is_empty());
            for sku in &body.remove_licenses {
                assert!(user
                    .license_assignment_states
                    .iter()
                    .any(|s| &s.sku_id == sku && s.is_direct()));
            }
        }
        let e3 = SkuId::new(E3);
        let pbi = SkuId::new(PBI);
        who.sort();
        assert_eq!(
            who,
            [
                ("=cmd|' /C calc'!A0".to_string(), vec![pbi.clone()]),
                ("Keiko Tanabe".to_string(), vec![e3.clone()]),
                ("Lee Gu".to_string(), vec![e3.clone()]),
                ("Miriam Graham".to_string(), vec![e3.clone()]),
                ("Olga Berg".to_string(), vec![e3.clone()]),
                ("Rosa Quintero".to_string(), vec![pbi]),
            ]
        );
        // The group copies of the selected users are listed with their group instead.
        let groups: Vec<(&str, &str, bool)> = handover
            .group_removals
            .iter()
            .map(|r| {
                (
                    r.user_label.as_str(),
                    r.group_name.as_deref().unwrap_or(""),
                    r.carries_mailbox,
                )
            })
            .collect();
        assert_eq!(
            groups,
            [
                ("Hugo Brandt", "All Staff", true),
                ("Keiko Tanabe", "All Staff", true),
                ("Rosa Quintero", "All Staff", true)
            ]
        );
        // Hugo has nothing direct; Noor's and Wen's copies are not safe.
        let held: Vec<(&str, &Held)> = handover
            .held_back
            .iter()
            .map(|h| (h.user_label.as_str(), &h.held))
            .collect();
        assert_eq!(held.len(), 3, "{held:?}");
        assert_eq!(held[0], ("Hugo Brandt", &Held::NothingDirect));
        assert!(matches!(held[1], ("Noor Haddad", Held::Unsafe { .. })));
        assert!(matches!(held[2], ("Wen Zhao", Held::Unsafe { .. })));
    }

    #[test]
    fn users_who_lose_their_last_mailbox_plan_are_named_with_the_undo_deadline() {
        let (findings, handover) = everything_handed_over(&users());
        let warning = handover.mailbox.expect("a mailbox warning");
        let names: Vec<&str> = warning
            .users
            .iter()
            .map(|u| u.user_label.as_str())
            .collect();
        // Keiko and Rosa keep E3 (and its mailbox) from All Staff until they leave it;
        // Lee's group copy keeps every plan; Power BI Pro carries no mailbox.
        assert_eq!(names, ["Miriam Graham", "Olga Berg"]);
        assert_eq!(warning.users[0].skus, [SkuId::new(E3)]);
        assert_eq!(warning.reconnect_until_ms, NOW + 30 * DAY);
        // A run without them has no warning.
        let mut selection = Selection::default();
        selection.users.insert(UserId::new("id-rosa"));
        assert_eq!(
            hand_over(&findings, &selection, &catalog(), NOW).mailbox,
            None
        );
    }

    #[test]
    fn excluded_users_and_licenses_and_unknown_picks_are_held_back() {
        let mut exclusions = Exclusions::default();
        exclusions.exclude_user(UserId::new("id-olga"), "olga@contoso.example");
        exclusions.exclude_sku(SkuId::new(E3), "Office 365 E3");
        let users = users();
        let findings = findings_for(&users, &exclusions);
        let mut selection = Selection::default();
        for id in ["id-olga", "id-miriam", "id-rosa", "id-nobody"] {
            selection.users.insert(UserId::new(id));
        }
        selection
            .copies
            .insert((UserId::new("id-lee"), SkuId::new(E3)));
        let handover = hand_over(&findings, &selection, &catalog(), NOW);
        // Only Rosa's Power BI Pro is left to remove.
        assert_eq!(handover.items.len(), 1);
        assert_eq!(handover.items[0].user, "id-rosa");
        assert_eq!(removed(&handover.items[0]), [SkuId::new(PBI)]);
        assert!(handover.group_removals.is_empty(), "E3 is excluded");
        let held: Vec<(&str, &Held)> = handover
            .held_back
            .iter()
            .map(|h| (h.user.as_str(), &h.held))
            .collect();
        assert!(held.contains(&("id-nobody", &Held::NotFound)));
        assert!(held.contains(&(
            "id-olga",
            &Held::Excluded {
                excluded: Excluded::User(UserId::new("id-olga"))
            }
        )));
        assert!(held.contains(&(
            "id-miriam",
            &Held::Excluded {
                excluded: Excluded::Sku(SkuId::new(E3))
            }
        )));
        assert!(held.contains(&(
            "id-lee",
            &Held::Excluded {
                excluded: Excluded::Sku(SkuId::new(E3))
            }
        )));
    }

    #[test]
    fn a_finished_run_names_the_users_it_left_without_a_mailbox() {
        let plan = |id: &str, name: &str| crate::graph::model::ServicePlanInfo {
            service_plan_id: crate::graph::ids::PlanId::new(id),
            service_plan_name: name.into(),
            ..Default::default()
        };
        let catalog = Catalog::new(vec![
            crate::graph::model::SubscribedSku {
                sku_id: SkuId::new("e3"),
                service_plans: vec![plan("exo2", "EXCHANGE_S_ENTERPRISE")],
                ..Default::default()
            },
            crate::graph::model::SubscribedSku {
                sku_id: SkuId::new("pbi"),
                service_plans: vec![plan("found", "EXCHANGE_S_FOUNDATION")],
                ..Default::default()
            },
        ]);
        let user = |id: &str, states: &str| -> User {
            serde_json::from_str(&format!(
                r#"{{"id":"{id}","displayName":"{id}","licenseAssignmentStates":[{states}]}}"#
            ))
            .unwrap()
        };
        let direct = |sku: &str| {
            format!(r#"{{"skuId":"{sku}","assignedByGroup":null,"state":"Active","error":"None"}}"#)
        };
        let from_group = |sku: &str| {
            format!(r#"{{"skuId":"{sku}","assignedByGroup":"g","state":"Active","error":"None"}}"#)
        };
        let record = |index: usize, before: User, intent: Intent, status: Status| {
            let mut record =
                JournalRecord::new(index, crate::ops::RunItem::new(before.id.as_str(), intent));
            record.before = Some(before);
            record.status = status;
            record
        };
        let remove = |skus: &[&str]| {
            Intent::Change(
                skus.iter()
                    .map(|sku| Change::Remove {
                        sku: SkuId::new(sku),
                    })
                    .collect(),
            )
        };
        let records = vec![
            // Her only mailbox went with the direct E3.
            record(
                0,
                user("keiko", &direct("e3")),
                remove(&["e3"]),
                Status::Done,
            ),
            // The group's E3 keeps his mailbox.
            record(
                1,
                user("lee", &format!("{},{}", direct("e3"), from_group("e3"))),
                remove(&["e3"]),
                Status::Done,
            ),
            // Power BI Pro carries no mailbox.
            record(
                2,
                user("rosa", &format!("{},{}", direct("pbi"), from_group("e3"))),
                remove(&["pbi"]),
                Status::Done,
            ),
            // Refused or failed: nothing was removed.
            record(
                3,
                user("olga", &direct("e3")),
                remove(&["e3"]),
                Status::Failed,
            ),
            // Not a removal.
            record(
                4,
                user("miriam", &direct("e3")),
                Intent::Change(vec![Change::Add {
                    sku: SkuId::new("pbi"),
                    disabled_plans: vec![],
                }]),
                Status::Done,
            ),
        ];
        let lost = disconnected_by_run(&records, &catalog);
        assert_eq!(lost.len(), 1, "{lost:?}");
        assert_eq!(lost[0].user_label, "keiko");
        assert_eq!(lost[0].skus, [SkuId::new("e3")]);
    }
}
