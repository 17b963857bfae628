//! "Prices": the monthly price per user of each license the tenant owns, which the
//! savings are counted with. It starts from the dated list prices License Desk ships
//! (their source and date are shown); the admin edits them to what the tenant pays, and
//! they are kept in this browser for this tenant. A license with no price counts as 0.

use crate::format::money;
use crate::state::reclaim::actions;
use crate::state::reclaim::rows::main_currency;
use crate::state::reclaim::stored::list_prices;
use crate::state::reclaim::use_reclaim;
use crate::state::tenant::use_tenant;
use leptos::prelude::*;
use license_desk_core::graph::ids::SkuId;
use license_desk_core::lists::reclaim::Money;
use license_desk_core::wording::reclaim::NO_PRICE;

/// One license of the table: its name, part number, price and list price.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct PriceRow {
    sku: SkuId,
    name: String,
    part: String,
    price: Option<Money>,
    list: Option<Money>,
}

fn price_row(row: PriceRow, currency: String) -> impl IntoView {
    let reclaim = use_reclaim();
    let amount = RwSignal::new(row.price.as_ref().map(Money::amount).unwrap_or_default());
    let code = RwSignal::new(
        row.price
            .as_ref()
            .map_or(currency, |price| price.currency.clone()),
    );
    let problem = RwSignal::new(None::<String>);
    let sku = row.sku.clone();
    let save = move || {
        problem.set(
            actions::set_price(
                reclaim,
                sku.clone(),
                &code.get_untracked(),
                &amount.get_untracked(),
            )
            .err(),
        );
    };
    let save_currency = save.clone();
    let id = format!("price-{}", row.sku.as_str());
    let error_id = format!("{id}-problem");
    let edited = row.price != row.list;
    view! {
        <tr>
            <td>
                <div class="sku-name">{row.name.clone()}</div>
                <div class="part">{row.part.clone()}</div>
            </td>
            <td data-label="Monthly price">
                <input id=id.clone() class="amount" inputmode="decimal" autocomplete="off" placeholder=NO_PRICE
                    aria-label=format!("Monthly price of {}", row.name)
                    aria-describedby=move || problem.with(Option::is_some).then(|| error_id.clone())
                    prop:value=move || amount.get()
                    on:input=move |ev| amount.set(event_target_value(&ev))
                    on:change=move |_| save()/>
                {move || problem.get().map(|text| view! { <p class="inline-error" id=format!("price-{}-problem", row.sku.as_str()) role="alert">{text}</p> })}
            </td>
            <td data-label="Currency">
                <input class="currency" maxlength="3" size="4" autocomplete="off"
                    aria-label=format!("Currency of {}", row.name)
                    prop:value=move || code.get()
                    on:input=move |ev| code.set(event_target_value(&ev).trim().to_ascii_uppercase())
                    on:change=move |_| save_currency()/>
            </td>
            <td data-label="List price">
                {row.list.as_ref().map_or_else(|| NO_PRICE.to_string(), money)}
                {edited.then(|| view! { <span class="part">" (edited)"</span> })}
            </td>
        </tr>
    }
}

#[component]
pub fn ReclaimPrices() -> impl IntoView {
    let reclaim = use_reclaim();
    let tenant = use_tenant();
    let list = StoredValue::new(list_prices());
    let rows = Memo::new(move |_| {
        let skus = tenant.skus.ready().unwrap_or_default();
        let catalog = tenant.catalog.get();
        let mut rows: Vec<PriceRow> = reclaim.prices.with(|prices| {
            list.with_value(|list| {
                skus.iter()
                    .map(|sku| PriceRow {
                        sku: sku.sku_id.clone(),
                        name: catalog.sku_name(&sku.sku_id),
                        part: sku.sku_part_number.clone(),
                        price: prices.price(&sku.sku_id).cloned(),
                        list: list.price(&sku.sku_id).cloned(),
                    })
                    .collect()
            })
        });
        rows.sort_by_key(|row| (row.name.to_lowercase(), row.sku.clone()));
        rows
    });
    let unpriced = move || rows.with(|rows| rows.iter().filter(|r| r.price.is_none()).count());
    let source = list.with_value(|list| {
        format!(
            "They start from list prices, as of {}: what Microsoft lists, not what your agreement says. Source: {}",
            list.as_of.clone().unwrap_or_else(|| "an unknown date".into()),
            list.source.clone().unwrap_or_else(|| "not given.".into()),
        )
    });
    view! {
        <section class="card reclaim-prices" aria-labelledby="reclaim-prices-title">
            <h3 id="reclaim-prices-title">"Prices"</h3>
            <p class="hint">"The monthly price per user of each license this tenant owns; the savings are counted with them. " {source}
                " Change them to what you pay: they are kept in this browser for this tenant, never with the token. A license with no price counts as 0."</p>
            <p data-testid="prices-summary">{move || match unpriced() {
                0 => "Every license has a price.".to_string(),
                n => format!("{} no price and {} as 0.", crate::format::count(n, "license has", "licenses have"), if n == 1 { "counts" } else { "count" }),
            }}</p>
            {move || reclaim.prices_edited.get().then(|| view! {
                <p>"You edited these prices. "
                    <button class="link" on:click=move |_| actions::use_list_prices(reclaim)>"Use the list prices again"</button>
                </p>
            })}
            <table class="reclaim-prices-table">
                <caption class="visually-hidden">"Monthly price per license"</caption>
                <thead><tr>
                    <th scope="col">"License"</th><th scope="col">"Monthly price"</th>
                    <th scope="col">"Currency"</th><th scope="col">"List price"</th>
                </tr></thead>
                <tbody>
                    <For each=move || rows.get() key=|row| row.clone() let:row>
                        {price_row(row, reclaim.prices.with_untracked(main_currency))}
                    </For>
                </tbody>
            </table>
        </section>
    }
}
