//! What the admin does on the reclaim screen: tick rows, exclude and include again, edit
//! prices, export the findings, import and export exclusions, and hand the selection to
//! the bulk screen as a previewed "Remove license" run.

use super::rows::RowKey;
use super::{stored, ReclaimState};
use crate::state::bulk::BulkState;
use crate::state::navigation::Navigation;
use crate::transport::session::Session;
use leptos::prelude::*;
use license_desk_core::graph::ids::{GroupId, SkuId, UserId};
use license_desk_core::licensing::catalog::Catalog;
use license_desk_core::licensing::plan::Change;
use license_desk_core::lists::reclaim::exclusions::Excluded;
use license_desk_core::lists::reclaim::{
    findings_csv, findings_json, Exclusions, Money, Selection,
};
use license_desk_core::ops::Intent;
use license_desk_core::route::Screen;
use license_desk_core::wording::reclaim as words;

/// Ticks or unticks one row (users and direct copies only).
pub fn tick(reclaim: ReclaimState, key: &RowKey, on: bool) {
    reclaim
        .selection
        .update(|selection| set(selection, key, on));
}

/// Ticks or unticks every row of `keys`.
pub fn tick_all(reclaim: ReclaimState, keys: &[RowKey], on: bool) {
    reclaim.selection.update(|selection| {
        for key in keys {
            set(selection, key, on);
        }
    });
}

fn set(selection: &mut Selection, key: &RowKey, on: bool) {
    match (key, on) {
        (RowKey::User(user), true) => {
            selection.users.insert(user.clone());
        }
        (RowKey::User(user), false) => {
            selection.users.remove(user);
        }
        (RowKey::Copy(user, sku), true) => {
            selection.copies.insert((user.clone(), sku.clone()));
        }
        (RowKey::Copy(user, sku), false) => {
            selection.copies.remove(&(user.clone(), sku.clone()));
        }
        (RowKey::Sku(_), _) => {}
    }
}

/// Whether `key` is ticked (and can be).
pub fn is_ticked(chosen: &Selection, key: &RowKey) -> bool {
    match key {
        RowKey::User(user) => chosen.users.contains(user),
        RowKey::Copy(user, sku) => chosen.copies.contains(&(user.clone(), sku.clone())),
        RowKey::Sku(_) => false,
    }
}

/// Changes the exclusions and keeps them for the tenant.
fn change_exclusions(reclaim: ReclaimState, change: impl FnOnce(&mut Exclusions)) {
    reclaim.exclusions.update(change);
    if !keep(reclaim, reclaim.exclusions, stored::save_exclusions) {
        reclaim.message.set(Some(
            "This browser did not keep the exclusions (its storage is full or turned off): they last until you sign out. Export them to keep them.".into(),
        ));
    }
}

/// Saves the tenant's exclusions or prices in this browser with `save`, when they are
/// kept for the tenant at all; false when the browser refused.
fn keep<T: Send + Sync + 'static>(
    reclaim: ReclaimState,
    what: RwSignal<T>,
    save: fn(&str, &T) -> bool,
) -> bool {
    reclaim
        .kept_for()
        .is_none_or(|tenant| what.with_untracked(|what| save(&tenant, what)))
}

/// Excludes a user by name: counted and shown, never in a saving or a run.
pub fn exclude_user(reclaim: ReclaimState, user: UserId, name: &str) {
    reclaim.selection.update(|selection| {
        selection.users.remove(&user);
        selection.copies.retain(|(who, _)| who != &user);
    });
    change_exclusions(reclaim, |exclusions| exclusions.exclude_user(user, name));
}

/// Excludes every member of a group (nested groups included).
pub fn exclude_group(reclaim: ReclaimState, group: GroupId, name: &str) {
    change_exclusions(reclaim, |exclusions| exclusions.exclude_group(group, name));
}

/// Excludes a SKU for everyone.
pub fn exclude_sku(reclaim: ReclaimState, sku: SkuId, name: &str) {
    change_exclusions(reclaim, |exclusions| exclusions.exclude_sku(sku, name));
}

pub fn include_again(reclaim: ReclaimState, excluded: &Excluded) {
    change_exclusions(reclaim, |exclusions| exclusions.include_again(excluded));
}

/// Sets a SKU's monthly price from what the admin typed (an empty amount: "no price").
pub fn set_price(
    reclaim: ReclaimState,
    sku: SkuId,
    currency: &str,
    amount: &str,
) -> Result<(), String> {
    let price = if amount.trim().is_empty() {
        None
    } else {
        Some(Money::parse(currency, amount).ok_or_else(|| {
            "Enter an amount such as 26 or 26.50 and a three-letter currency code such as USD."
                .to_string()
        })?)
    };
    reclaim.prices.update(|prices| match price {
        Some(price) => prices.set(sku, price),
        None => prices.remove(&sku),
    });
    reclaim.prices_edited.set(true);
    if !keep(reclaim, reclaim.prices, stored::save_prices) {
        return Err("This browser did not keep the price (its storage is full or turned off): it lasts until you sign out.".into());
    }
    Ok(())
}

/// Back to the list prices License Desk ships.
pub fn use_list_prices(reclaim: ReclaimState) {
    if let Some(tenant) = reclaim.kept_for() {
        stored::forget_prices(&tenant);
    }
    reclaim.prices.set(stored::list_prices());
    reclaim.prices_edited.set(false);
}

/// Downloads the findings: one row per user and license (and per SKU with unused seats).
pub fn export_findings(reclaim: ReclaimState, catalog: &Catalog, json: bool) {
    let Some(findings) = reclaim.findings.get_untracked() else {
        return;
    };
    let day = stored::today();
    reclaim.exclusions.with_untracked(|exclusions| {
        if json {
            crate::browser::download(
                &format!("license-desk-reclaim-{day}.json"),
                "application/json",
                &findings_json(&findings, catalog, exclusions),
            );
        } else {
            crate::browser::download(
                &format!("license-desk-reclaim-{day}.csv"),
                "text/csv",
                &findings_csv(&findings, catalog, exclusions),
            );
        }
    });
}

/// Downloads the exclusions as their versioned JSON file.
pub fn export_exclusions(reclaim: ReclaimState) {
    let text = reclaim.exclusions.with_untracked(Exclusions::to_json);
    crate::browser::download(
        "license-desk-reclaim-exclusions.json",
        "application/json",
        &text,
    );
}

/// Adds the exclusions of a file the admin chose to the tenant's, and says how it went.
pub async fn import_exclusions(reclaim: ReclaimState, file: web_sys::File) {
    let text = crate::browser::file_text(&file).await;
    match Exclusions::from_json(&text) {
        Ok(imported) => {
            let count = imported.users.len() + imported.groups.len() + imported.skus.len();
            change_exclusions(reclaim, |exclusions| exclusions.merge(&imported));
            if reclaim.message.with_untracked(Option::is_none) {
                reclaim.message.set(Some(format!(
                    "Imported {} from {}.",
                    crate::format::count(count, "exclusion", "exclusions"),
                    file.name()
                )));
            }
        }
        Err(error) => reclaim.message.set(Some(words::import_error(&error))),
    }
}

/// Hands the ticked users' direct licenses to the bulk screen as a "Remove license" run,
/// previewed (read and planned, nothing written) like any bulk run, and opens it. Says
/// why not when it can't.
pub fn hand_to_bulk(
    session: Session,
    reclaim: ReclaimState,
    bulk: BulkState,
    navigation: Navigation,
    catalog: Catalog,
) -> Result<(), String> {
    let Some(handover) = reclaim.handover.get_untracked() else {
        return Err("Tick the users to reclaim first.".into());
    };
    if handover.items.is_empty() {
        return Err(
            "Nothing selected can be removed by a run: see what is held back and why above.".into(),
        );
    }
    if !reclaim
        .mailbox_check
        .with_untracked(|check| check.may_send())
    {
        return Err("Tick the mailbox warning first.".into());
    }
    if bulk.is_running() {
        return Err("A bulk run is under way: wait for it to finish, then reclaim again.".into());
    }
    let licenses: usize = handover
        .items
        .iter()
        .map(|item| match &item.intent {
            Intent::Change(changes) => changes
                .iter()
                .filter(|change| matches!(change, Change::Remove { .. }))
                .count(),
            _ => 0,
        })
        .sum();
    let users: std::collections::BTreeSet<&str> = handover
        .items
        .iter()
        .map(|item| item.user.as_str())
        .collect();
    let title = format!(
        "Reclaim licenses: remove {} from {}",
        crate::format::count(licenses, "license", "licenses"),
        crate::format::count(users.len(), "user", "users")
    );
    crate::state::bulk::actions::start_preview(
        session,
        bulk,
        catalog,
        title,
        None,
        crate::state::bulk::actions::fresh_journal(handover.items.clone()),
    );
    reclaim.selection.set(Selection::default());
    reclaim.handover_at.set(None);
    navigation.go(Screen::Bulk);
    Ok(())
}
