//! Beside a "no free seats" error: who holds the SKU's seats, directly and through which
//! groups, and a link to its direct holders, the seats an admin can free one by one.

use crate::components::screen_link::ScreenLink;
use crate::state::tenant::use_tenant;
use crate::state::user_lists::seat_holders;
use crate::transport::session::use_session;
use leptos::prelude::*;
use license_desk_core::graph::ids::SkuId;
use license_desk_core::route::{Holding, Screen};
use license_desk_core::wording::lists::seat_holders as seat_holders_said;

#[component]
pub fn SeatHolders(sku: SkuId) -> impl IntoView {
    let session = use_session();
    let tenant = use_tenant();
    let read = seat_holders(session, tenant, sku.clone());
    let sku_name = {
        let sku = sku.clone();
        move || tenant.catalog.with(|c| c.sku_name(&sku))
    };
    let said = move || {
        read.with_ready(|counts| {
            seat_holders_said(counts, &sku_name(), |group| {
                tenant
                    .group_names
                    .with(|names| names.get(group).cloned())
                    .unwrap_or_else(|| group.to_string())
            })
        })
    };
    view! {
        <div class="seat-holders">
            <Transition fallback=|| view! { <p class="hint" role="status">"Counting who holds its seats…"</p> }>
                {move || said().map(|text| view! { <p class="hint">{text}</p> })}
            </Transition>
            <p><ScreenLink screen=Screen::Holders(sku.clone(), Holding::Direct)>"See who holds it directly"</ScreenLink></p>
        </div>
    }
}
