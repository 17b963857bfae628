//! The admin's pending changes, kept per user or per group, planned against the open
//! one as read, with the checklist of that plan's warnings.
//!
//! The user screen and a group's page keep their changes the same way, so the same rules
//! hold on both: opening another user or group loses nothing typed for the last one, a
//! plan switched back to how it is leaves nothing pending, and a tick stays only while
//! its warning does.

use leptos::prelude::*;
use license_desk_core::graph::ids::{PlanId, SkuId};
use license_desk_core::graph::model::AssignLicenseBody;
use license_desk_core::graph::request::GraphRequest;
use license_desk_core::licensing::checklist::Checklist;
use license_desk_core::licensing::plan::{self, Change, Plan, Refusal, Warning};
use std::collections::BTreeMap;

/// What a user or group id must be to key pending changes.
pub trait Target: Clone + Ord + PartialEq + Send + Sync + 'static {}
impl<T: Clone + Ord + PartialEq + Send + Sync + 'static> Target for T {}

pub struct PendingChanges<Id: Target> {
    /// The user or group shown now.
    open: Memo<Option<Id>>,
    by_target: RwSignal<BTreeMap<Id, Vec<Change>>>,
    /// The open one's pending changes, planned against it as read.
    pub planned: Memo<Option<Plan>>,
    /// The plan's warnings and the admin's ticks.
    pub checklist: RwSignal<Checklist>,
}

impl<Id: Target> Clone for PendingChanges<Id> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Id: Target> Copy for PendingChanges<Id> {}

impl<Id: Target> PendingChanges<Id> {
    /// `plan` plans the open one's changes against it as read (`None` until it is read).
    pub fn new(
        open: Memo<Option<Id>>,
        plan: impl Fn(&[Change]) -> Option<Plan> + Send + Sync + 'static,
    ) -> Self {
        let by_target = RwSignal::new(BTreeMap::<Id, Vec<Change>>::new());
        let planned = Memo::new(move |_| {
            let changes = open
                .get()
                .and_then(|id| by_target.with(|p| p.get(&id).cloned()))
                .filter(|changes| !changes.is_empty())?;
            plan(&changes)
        });
        let checklist = RwSignal::new(Checklist::default());
        // A tick stays only while its warning does.
        Effect::new(move |_| {
            let warnings = planned.with(|p| p.as_ref().map(|p| p.warnings.clone()));
            checklist.update(|c| c.replan(warnings.unwrap_or_default()));
        });
        PendingChanges {
            open,
            by_target,
            planned,
            checklist,
        }
    }

    /// The open one's pending changes, tracked.
    pub fn changes(&self) -> Vec<Change> {
        self.open
            .get()
            .map(|id| self.changes_for(&id))
            .unwrap_or_default()
    }

    pub fn changes_for(&self, id: &Id) -> Vec<Change> {
        self.by_target
            .with(|p| p.get(id).cloned().unwrap_or_default())
    }

    /// Replaces the open one's pending changes.
    pub fn set(&self, changes: Vec<Change>) {
        if let Some(id) = self.open.get_untracked() {
            self.set_for(&id, changes);
        }
    }

    /// Replaces one user's or group's pending changes, whichever is open now.
    pub fn set_for(&self, id: &Id, changes: Vec<Change>) {
        self.by_target.update(|p| {
            if changes.is_empty() {
                p.remove(id);
            } else {
                p.insert(id.clone(), changes);
            }
        });
    }

    pub fn push(&self, change: Change) {
        self.edit(|changes| changes.push(change));
    }

    /// Records a wish for one plan of the open one, replacing an earlier wish for it.
    pub fn switch_plan(&self, sku: &SkuId, plan: &PlanId, enabled: bool, on_now: bool) {
        self.edit(|changes| plan::switch_plan(changes, sku, plan, enabled, on_now));
    }

    fn edit(&self, edit: impl FnOnce(&mut Vec<Change>)) {
        let mut changes = self.changes();
        edit(&mut changes);
        self.set(changes);
    }

    /// What the plan refuses, tracked.
    pub fn refusals(&self) -> Vec<Refusal> {
        self.planned
            .with(|p| p.as_ref().map(|p| p.refusals.clone()).unwrap_or_default())
    }

    /// The write the plan would send for the open one (`None` when nothing would), tracked.
    pub fn request(
        &self,
        write: impl Fn(&Id, &AssignLicenseBody) -> GraphRequest,
    ) -> Option<GraphRequest> {
        let id = self.open.get()?;
        self.planned
            .with(|p| p.as_ref()?.body.as_ref().map(|body| write(&id, body)))
    }

    /// The warnings the admin ticked.
    pub fn acknowledged(&self) -> Vec<Warning> {
        self.checklist.with_untracked(Checklist::acknowledged)
    }

    /// Forgets every pending change and tick.
    pub fn clear(&self) {
        self.by_target.set(BTreeMap::new());
        self.checklist.set(Checklist::default());
    }
}
