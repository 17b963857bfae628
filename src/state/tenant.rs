//! What every screen shares about the signed-in tenant: its subscribed SKUs (read at every
//! sign-in), its subscriptions (read when first shown), the names of groups that license
//! users, the friendly SKU and plan names (fetched once, when the workspace opens at
//! sign-in), and the [`Catalog`] built from them once per change (a [`Memo`]), so no view
//! rebuilds it to look up a name. Until the friendly names arrive the catalogue names
//! SKUs by part number; when they do, it changes, and every screen that reads it with them.
//! It also keeps how long the tenant's Entra ID took to show accepted writes, so a change
//! whose answer was unclear is checked for a window sized from what earlier runs saw.

use crate::state::read::TenantRead;
use crate::transport::session::Session;
use leptos::prelude::*;
use license_desk_core::graph::ids::GroupId;
use license_desk_core::graph::model::{CompanySubscription, SubscribedSku};
use license_desk_core::groups::names::GroupName;
use license_desk_core::licensing::catalog::Catalog;
use license_desk_core::licensing::names::Names;
use license_desk_core::ops::LagStats;
use std::collections::{BTreeMap, BTreeSet};

/// Provided as context by [`crate::state::workspace::Workspace::provide`].
#[derive(Clone, Copy)]
pub struct TenantState {
    pub skus: TenantRead<Vec<SubscribedSku>>,
    pub group_names: RwSignal<BTreeMap<GroupId, String>>,
    /// Groups Graph would not name: the token may not read them, or they are gone.
    pub unreadable_groups: RwSignal<BTreeSet<GroupId>>,
    /// Friendly SKU and plan names: none until the table arrives. Not the tenant's, so
    /// signing out keeps them.
    pub names: RwSignal<Names>,
    /// SKUs, group names and friendly names, for names and planning.
    pub catalog: Memo<Catalog>,
    /// `GET /directory/subscriptions`: status and renewal dates.
    pub subscriptions: TenantRead<Vec<CompanySubscription>>,
    /// Groups whose name has been asked for (so each is read once).
    names_asked: StoredValue<BTreeSet<GroupId>>,
    /// How long accepted writes took to show, over every finished run on this tenant.
    lags_seen: StoredValue<LagStats>,
}

impl TenantState {
    pub fn new(session: Session) -> Self {
        let connected = session.connected;
        let skus = TenantRead::eager(session, move || {
            connected
                .get()
                .then(|| crate::runs::reads::subscribed_skus(session))
        });
        let subscriptions = TenantRead::on_demand(session, move || {
            connected
                .get()
                .then(|| crate::runs::reads::directory_subscriptions(session))
        });
        let group_names = RwSignal::new(BTreeMap::new());
        let names = RwSignal::new(Names::default());
        leptos::task::spawn_local(async move {
            if let Some(table) = crate::transport::names::fetch().await {
                names.try_set(table);
            }
        });
        let catalog = Memo::new(move |_| {
            let mut catalog = Catalog::new(skus.with_ready(Vec::clone).unwrap_or_default())
                .with_names(names.get());
            catalog.groups = group_names.get();
            catalog
        });
        TenantState {
            skus,
            group_names,
            unreadable_groups: RwSignal::new(BTreeSet::new()),
            names,
            catalog,
            subscriptions,
            names_asked: StoredValue::new(BTreeSet::new()),
            lags_seen: StoredValue::new(LagStats::default()),
        }
    }

    /// The lags earlier runs on this tenant measured, for a new run to start from.
    pub fn lags_seen(&self) -> LagStats {
        self.lags_seen.get_value()
    }

    /// Keeps the lags a finished run measured.
    pub fn learn_lags(&self, measured: &LagStats) {
        self.lags_seen.update_value(|seen| seen.absorb(measured));
    }

    /// Forgets everything read from the tenant.
    pub fn clear(&self) {
        self.skus.forget();
        self.group_names.set(BTreeMap::new());
        self.unreadable_groups.set(BTreeSet::new());
        self.subscriptions.forget();
        self.names_asked.set_value(BTreeSet::new());
        self.lags_seen.set_value(LagStats::default());
    }

    /// True the first time a group whose name is not known is asked about: the caller
    /// reads it. Later calls for the same group answer false.
    pub fn ask_for_group_name(&self, group: &GroupId) -> bool {
        if self
            .group_names
            .with_untracked(|names| names.contains_key(group))
        {
            return false;
        }
        self.names_asked
            .try_update_value(|asked| asked.insert(group.clone()))
            .unwrap_or(false)
    }

    /// Reads the names of those of `groups` not yet asked about, in `$batch`es, and
    /// remembers each name, or that Graph would not give it.
    pub async fn name_groups(&self, session: Session, groups: impl IntoIterator<Item = GroupId>) {
        let wanted: Vec<GroupId> = groups
            .into_iter()
            .filter(|group| self.ask_for_group_name(group))
            .collect();
        if wanted.is_empty() {
            return;
        }
        let answered = crate::runs::reads::group_names(session, wanted.clone()).await;
        // Those Graph gave no answer for (a failed batch, a throttled item) are asked
        // again when a screen next needs them.
        self.names_asked.update_value(|asked| {
            for group in &wanted {
                if !answered.iter().any(|(named, _)| named == group) {
                    asked.remove(group);
                }
            }
        });
        for (group, name) in answered {
            match name {
                GroupName::Named(name) => self.name_group(group, name),
                GroupName::Unreadable => self.unreadable_groups.update(|groups| {
                    groups.insert(group);
                }),
            }
        }
    }

    /// Remembers a group's name (for "Group: All Staff").
    pub fn name_group(&self, group: GroupId, name: String) {
        self.group_names.update(|names| {
            names.insert(group, name);
        });
    }
}

pub fn use_tenant() -> TenantState {
    expect_context::<TenantState>()
}
