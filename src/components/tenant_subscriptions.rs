//! "Subscriptions": the tenant's commercial subscriptions (status, trial or paid, next
//! lifecycle date, licenses) and warnings for those that end or fall into their grace
//! period within 30 days. Without the permission it says which one is missing; nothing
//! else in the app depends on it.

use crate::components::error_panel::ErrorPanel;
use crate::components::screen_link::ScreenLink;
use crate::format::number;
use crate::state::tenant::use_tenant;
use crate::transport::session::use_session;
use leptos::prelude::*;
use license_desk_core::auth::token::Action;
use license_desk_core::graph::ids::SkuId;
use license_desk_core::graph::model::CompanySubscription;
use license_desk_core::licensing::subscriptions::{
    alerts, by_renewal, renewal_ms, ALERT_WINDOW_DAYS,
};
use license_desk_core::route::{Holding, Screen};
use license_desk_core::wording::lists::{subscriptions_not_allowed, subscriptions_refused};

/// The id of a SKU's row on "Licenses in this tenant", which a warning brings into view.
pub fn sku_row_id(sku: &SkuId) -> String {
    format!("sku-{}", sku.as_str())
}

#[derive(Clone, Copy, PartialEq)]
enum SortSubscriptionsBy {
    Product,
    Renewal,
}

fn trial_or_paid(sub: &CompanySubscription) -> &'static str {
    match sub.is_trial {
        Some(true) => "Trial",
        Some(false) => "Paid",
        None => "unknown (Graph did not say)",
    }
}

#[component]
pub fn TenantSubscriptions() -> impl IntoView {
    let session = use_session();
    let tenant = use_tenant();
    let allowed = move || session.may_attempt(Action::ReadSubscriptions);
    // Read once per tenant.
    session.read_when_allowed(Action::ReadSubscriptions, move || {
        tenant.subscriptions.load_once()
    });
    let catalog = tenant.catalog;
    let sort = RwSignal::new(SortSubscriptionsBy::Product);
    let sort_button = move |by: SortSubscriptionsBy, label: &'static str| {
        view! {
            <button class="link" aria-pressed=move || (sort.get() == by).to_string() on:click=move |_| sort.set(by)>{label}</button>
        }
    };
    view! {
        <section class="card" aria-labelledby="subscriptions-title">
            <h2 id="subscriptions-title">"Subscriptions"</h2>
            <Transition fallback=|| view! { <p role="status">"Loading subscriptions and renewal dates…"</p> }>
            {move || if !allowed() {
                view! { <p class="warning-text" role="status" data-testid="subscriptions-permission">{subscriptions_not_allowed()}</p> }.into_any()
            } else {
                match tenant.subscriptions.get() {
                    None => view! { <p role="status">"Loading subscriptions and renewal dates…"</p> }.into_any(),
                    Some(Err(error)) if error.status == Some(403) => view! {
                        <p class="warning-text" role="status" data-testid="subscriptions-permission">{subscriptions_refused()}</p>
                    }.into_any(),
                    Some(Err(error)) => view! { <ErrorPanel error=error context="Reading the tenant's subscriptions"/> }.into_any(),
                    Some(Ok(list)) => {
                        let found = alerts(&list, crate::browser::now_ms(), ALERT_WINDOW_DAYS);
                        let rows = move || {
                            let mut list = list.clone();
                            match sort.get() {
                                SortSubscriptionsBy::Product => list.sort_by_key(|s| (catalog.with_untracked(|c| c.sku_name(&s.sku_id)).to_lowercase(), s.id.clone())),
                                SortSubscriptionsBy::Renewal => list.sort_by_key(|s| (by_renewal(renewal_ms(s)), s.id.clone())),
                            }
                            list
                        };
                        let shown = rows().len();
                        view! {
                            {(!found.is_empty()).then(|| view! {
                                <div class="subscription-alerts" role="region" aria-label="Subscriptions that need attention">
                                    <h3>{crate::format::count(found.len(), "subscription needs attention", "subscriptions need attention")}</h3>
                                    <ul>
                                        {found.iter().map(|alert| {
                                            let row = sku_row_id(&alert.sku_id);
                                            let name = catalog.with(|c| c.sku_name(&alert.sku_id));
                                            view! {
                                                <li>
                                                    <span class="warning-text">{format!("⚠ {}", catalog.with(|c| alert.describe(c)))}</span>
                                                    " "
                                                    <button type="button" class="link" aria-label=format!("Show its seats: {name}") on:click=move |_| crate::browser::show_element(&row)>"Show its seats"</button>
                                                    " · "
                                                    <ScreenLink screen=Screen::Holders(alert.sku_id.clone(), Holding::Any) label=format!("Who has this license: {name}")>"Who has this license"</ScreenLink>
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                </div>
                            })}
                            <h3>{crate::format::count(shown, "subscription", "subscriptions")}</h3>
                            <p class="sort">"Sort by: " {sort_button(SortSubscriptionsBy::Product, "Product")} " · " {sort_button(SortSubscriptionsBy::Renewal, "Next lifecycle date")}</p>
                                <table class="subscriptions">
                                    <caption class="visually-hidden">"Subscriptions with status and renewal dates"</caption>
                                    <thead><tr>
                                        <th scope="col">"Product"</th><th scope="col">"Status"</th><th scope="col">"Trial or paid"</th>
                                        <th scope="col">"Next lifecycle date"</th><th scope="col">"Licenses"</th>
                                    </tr></thead>
                                    <tbody>
                                        <For each=rows key=|sub| sub.clone() let:sub>{{
                                            let name = catalog.with(|c| c.sku_name(&sub.sku_id));
                                            let next = sub.next_lifecycle_date_time.clone().map(|d| d.chars().take(10).collect::<String>()).unwrap_or_else(|| "none given".into());
                                            let seats = sub.total_licenses.map_or_else(|| "unknown".into(), number);
                                            view! {
                                                <tr>
                                                    <td><div class="sku-name">{name}</div><div class="part">{sub.sku_part_number.clone()}</div></td>
                                                    <td data-label="Status">{sub.status.plain().to_string()}</td>
                                                    <td data-label="Trial or paid">{trial_or_paid(&sub)}</td>
                                                    <td data-label="Next lifecycle date">{next}</td>
                                                    <td data-label="Licenses">{seats}</td>
                                                </tr>
                                            }
                                        }}</For>
                                    </tbody>
                                </table>
                        }.into_any()
                    }
                }
            }}
            </Transition>
        </section>
    }
}
