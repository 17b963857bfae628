//! "Licenses in this tenant": every SKU with its name, seats (enabled, in warning,
//! suspended, locked out) and service plans, a link to who holds each, and the tenant's
//! subscriptions with their renewal warnings above.

use crate::components::error_panel::ErrorPanel;
use crate::components::screen_link::ScreenLink;
use crate::components::tenant_subscriptions::{sku_row_id, TenantSubscriptions};
use crate::format::number;
use crate::state::tenant::use_tenant;
use leptos::prelude::*;
use license_desk_core::graph::model::{
    AppliesTo, CapabilityStatus, CompanySubscription, SubscribedSku,
};
use license_desk_core::licensing::names::Names;
use license_desk_core::licensing::subscriptions::{by_renewal, next_renewal_ms};
use license_desk_core::route::{Holding, Screen};

#[derive(Clone, Copy, PartialEq)]
enum SortBy {
    Name,
    Used,
    Free,
    Renewal,
}

/// Who a SKU applies to, when it isn't plainly users.
fn applies_to_note(applies_to: &AppliesTo) -> Option<String> {
    match applies_to {
        AppliesTo::User => None,
        AppliesTo::Company => Some(" · applies to the company".into()),
        other => Some(format!(" · applies to: {}", other.plain())),
    }
}

fn status_class(status: &CapabilityStatus) -> &'static str {
    match status {
        CapabilityStatus::Enabled => "status ok",
        CapabilityStatus::Unknown(_) => "status unknown",
        _ => "status attention",
    }
}

fn count(seats: Option<i64>) -> String {
    seats.map_or_else(|| "unknown".into(), number)
}

/// A SKU as its row shows it: with its name and its plans' names as known now, so a row
/// is drawn again when the friendly names arrive.
#[derive(Clone, PartialEq, Eq, Hash)]
struct NamedSku {
    sku: SubscribedSku,
    name: String,
    plan_names: Vec<String>,
}

fn sorted(
    skus: Vec<SubscribedSku>,
    by: SortBy,
    subscriptions: &[CompanySubscription],
    names: &Names,
) -> Vec<NamedSku> {
    let mut skus: Vec<NamedSku> = skus
        .into_iter()
        .map(|sku| NamedSku {
            name: names.sku_name(&sku.sku_id, Some(&sku.sku_part_number)),
            plan_names: sku
                .service_plans
                .iter()
                .map(|p| names.plan_name(&p.service_plan_id, Some(&p.service_plan_name)))
                .collect(),
            sku,
        })
        .collect();
    let name = |s: &NamedSku| s.name.to_lowercase();
    match by {
        SortBy::Name => skus.sort_by_key(name),
        SortBy::Used => skus.sort_by_key(|s| (std::cmp::Reverse(s.sku.consumed_units), name(s))),
        SortBy::Free => skus.sort_by_key(|s| (s.sku.free_seats(), name(s))),
        SortBy::Renewal => skus.sort_by_key(|s| {
            (
                by_renewal(next_renewal_ms(&s.sku.sku_id, subscriptions)),
                name(s),
            )
        }),
    }
    skus
}

/// One SKU's row: name, plans, who holds it, seats and status.
fn sku_row(named: NamedSku) -> impl IntoView {
    let NamedSku {
        sku,
        name,
        plan_names,
    } = named;
    let free = sku.known_free_seats();
    let units = sku.prepaid_units.clone();
    let company = sku.applies_to == AppliesTo::Company;
    let status_class = status_class(&sku.capability_status);
    view! {
        <tr id=sku_row_id(&sku.sku_id) tabindex="-1">
            <td>
                <div class="sku-name">{name.clone()}</div>
                <div class="part">{sku.sku_part_number.clone()}{applies_to_note(&sku.applies_to)}</div>
                <div><ScreenLink screen=Screen::Holders(sku.sku_id.clone(), Holding::Any) label=format!("Who has this license: {name}")>"Who has this license"</ScreenLink></div>
                <details>
                    <summary>{crate::format::count(sku.service_plans.len(), "service plan", "service plans")}</summary>
                    <ul class="plans">
                        {sku.service_plans.iter().zip(plan_names).map(|(p, plan_name)| view! {
                            <li>{plan_name} <span class="part">{p.service_plan_name.clone()}</span></li>
                        }).collect_view()}
                    </ul>
                </details>
            </td>
            <td>
                {match free {
                    Some(free) => {
                        // Both counts are known when the free seats are.
                        let (used, enabled) = (sku.consumed_units.unwrap_or_default(), units.enabled.unwrap_or_default());
                        view! {
                            <meter min="0" max=enabled.max(1) value=used aria-label=format!("{name}: {} of {} seats used", number(used), number(enabled))></meter>
                            <div>{format!("{} of {} used · {} free", number(used), number(enabled), number(free))}</div>
                        }.into_any()
                    }
                    None => view! {
                        <div>{format!("{} of {} used · free seats unknown (Graph did not send the seat counts)", count(sku.consumed_units), count(units.enabled))}</div>
                    }.into_any(),
                }}
                {units.warning.filter(|n| *n > 0).map(|n| view! { <div class="warning-text">{format!("{} in warning (grace period)", number(n))}</div> })}
                {units.suspended.filter(|n| *n > 0).map(|n| view! { <div class="warning-text">{format!("{} suspended", number(n))}</div> })}
                {units.locked_out.filter(|n| *n > 0).map(|n| view! { <div class="warning-text">{format!("{} locked out", number(n))}</div> })}
                {(free == Some(0) && !company).then(|| view! { <div class="warning-text" role="note">"⚠ No free seats: new assignments will fail"</div> })}
            </td>
            <td><span class=status_class>{sku.capability_status.plain().to_string()}</span></td>
        </tr>
    }
}

#[component]
pub fn TenantLicenses() -> impl IntoView {
    let tenant = use_tenant();
    let sort = RwSignal::new(SortBy::Name);
    let sort_button = move |by: SortBy, label: &'static str| {
        view! {
            <button class="link" aria-pressed=move || (sort.get() == by).to_string() on:click=move |_| sort.set(by)>{label}</button>
        }
    };
    view! {
        <TenantSubscriptions/>
        <section class="card" aria-labelledby="tenant-title">
            <h2 id="tenant-title">"Licenses in this tenant"</h2>
            <p class="hint">"Users without any license: " <ScreenLink screen=Screen::Unlicensed>"Unlicensed users"</ScreenLink></p>
            <Transition fallback=|| view! { <p role="status">"Loading subscriptions…"</p> }>
                {move || tenant.skus.with(|answer| match answer {
                    None => view! { <p role="status">"Loading subscriptions…"</p> }.into_any(),
                    Some(Err(error)) => view! { <ErrorPanel error=error.clone() context="Reading the tenant's licenses"/> }.into_any(),
                    Some(Ok(_)) => view! {
                        <p class="sort">"Sort by: " {sort_button(SortBy::Name, "Name")} " · " {sort_button(SortBy::Used, "Most used")} " · " {sort_button(SortBy::Free, "Fewest free")} " · " {sort_button(SortBy::Renewal, "Next renewal")}</p>
                    }.into_any(),
                })}
                <Show when=move || tenant.skus.with_ready(|_| ()).is_some()>
                    <table class="skus">
                        <caption class="visually-hidden">"Subscriptions with seat usage"</caption>
                        <thead><tr><th scope="col">"Product"</th><th scope="col">"Seats"</th><th scope="col">"Status"</th></tr></thead>
                        <tbody>
                            <For each=move || sorted(tenant.skus.ready().unwrap_or_default(), sort.get(), &tenant.subscriptions.ready().unwrap_or_default(), &tenant.names.read()) key=|sku| sku.clone() children=sku_row/>
                        </tbody>
                    </table>
                </Show>
            </Transition>
        </section>
    }
}
