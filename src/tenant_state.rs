//! What every screen shares about the signed-in tenant: its subscribed SKUs and the names
//! of groups that license users, and the [`Catalog`] built from them once per change
//! (a [`Memo`]), so no view rebuilds it to look up a name.

use crate::workspace::Load;
use leptos::prelude::*;
use license_desk_core::catalog::Catalog;
use license_desk_core::model::SubscribedSku;
use license_desk_core::Guid;
use std::collections::BTreeMap;

/// Provided as context by [`crate::workspace::Workspace::provide`].
#[derive(Clone, Copy)]
pub struct TenantState {
    pub skus: RwSignal<Load<Vec<SubscribedSku>>>,
    pub group_names: RwSignal<BTreeMap<Guid, String>>,
    /// SKUs and group names, for names and planning.
    pub catalog: Memo<Catalog>,
}

impl TenantState {
    pub fn new() -> Self {
        let skus = RwSignal::new(Load::Idle);
        let group_names = RwSignal::new(BTreeMap::new());
        let catalog = Memo::new(move |_| {
            let mut catalog = Catalog::new(
                skus.with(|s: &Load<Vec<SubscribedSku>>| s.ready().cloned().unwrap_or_default()),
            );
            catalog.groups = group_names.get();
            catalog
        });
        TenantState {
            skus,
            group_names,
            catalog,
        }
    }

    /// Forgets everything read from the tenant.
    pub fn clear(&self) {
        self.skus.set(Load::Idle);
        self.group_names.set(BTreeMap::new());
    }

    /// Remembers a group's name (for "Group: All Staff").
    pub fn name_group(&self, group: Guid, name: String) {
        self.group_names.update(|names| {
            names.insert(group, name);
        });
    }
}

impl Default for TenantState {
    fn default() -> Self {
        Self::new()
    }
}

pub fn use_tenant() -> TenantState {
    expect_context::<TenantState>()
}
