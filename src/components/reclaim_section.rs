//! One section of "Reclaim licenses" (disabled accounts, inactive users, never signed
//! in, direct copies of group licenses, unused seats): its heading, count and monthly
//! and yearly savings, what it holds, and its rows, filtered, sorted and shown a page at
//! a time. Users and safe direct copies can be ticked for the hand-over; unsafe copies
//! say why and can't be; excluded rows are counted and shown on request, never hidden
//! silently.

use crate::components::error_panel::ErrorPanel;
use crate::components::not_allowed::NotAllowed;
use crate::components::screen_link::ScreenLink;
use crate::format::number;
use crate::state::reclaim::actions::{self, is_ticked};
use crate::state::reclaim::rows::{arrange, main_currency, section_view, Row, RowKey, SortBy};
use crate::state::reclaim::use_reclaim;
use crate::state::tenant::use_tenant;
use leptos::prelude::*;
use license_desk_core::auth::token::Action;
use license_desk_core::lists::reclaim::exclusions::Excluded;
use license_desk_core::lists::reclaim::Section;
use license_desk_core::route::Screen;

/// Rows shown at first, and added by each "Show more".
const PAGE: usize = 50;

fn slug(section: Section) -> &'static str {
    match section {
        Section::Disabled => "disabled",
        Section::Inactive => "inactive",
        Section::NeverSignedIn => "never-signed-in",
        Section::DirectCopies => "direct-copies",
        Section::UnusedSeats => "unused-seats",
    }
}

/// The words on the button that takes an exclusion back.
fn include_label(excluded: &Excluded) -> &'static str {
    match excluded {
        Excluded::User(_) => "Include again",
        Excluded::Group(_) => "Stop excluding the group",
        Excluded::Sku(_) => "Include the license again",
    }
}

fn licenses_view(row: &Row) -> impl IntoView {
    let lines = row.licenses.clone();
    view! {
        <ul class="reclaim-licenses">
            {lines.into_iter().map(|line| {
                let sources = line.sources.into_iter().enumerate().map(|(i, source)| {
                    let comma = (i > 0).then_some(", ");
                    let mark = match source.group {
                    None => view! { <span class="mark direct">{source.text}</span> }.into_any(),
                    Some(group) => view! {
                        <span class="mark group">"Group: "
                            <ScreenLink screen=Screen::Group(group)>{source.text}</ScreenLink>
                        </span>
                    }.into_any(),
                    };
                    view! { {comma} {mark} }
                }).collect_view();
                view! {
                    <li>
                        <span class="sku-name">{line.name}</span>
                        " · " {sources}
                        " · " <span class="price">{line.price}</span>
                        {line.note.map(|note| view! { <div class="part">{note}</div> })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

#[component]
pub fn ReclaimSection(section: Section) -> impl IntoView {
    let reclaim = use_reclaim();
    let tenant = use_tenant();
    let id = slug(section);
    let title_id = format!("reclaim-{id}-title");
    let view = Memo::new(move |_| {
        let findings = reclaim.findings.get()?;
        let currency = reclaim.prices.with(main_currency);
        Some(tenant.catalog.with(|catalog| {
            reclaim
                .exclusions
                .with(|exclusions| section_view(&findings, section, catalog, exclusions, &currency))
        }))
    });
    let filter = RwSignal::new(String::new());
    let sort = RwSignal::new(SortBy::Name);
    let show_excluded = RwSignal::new(false);
    let limit = RwSignal::new(PAGE);
    let arranged = Memo::new(move |_| {
        view.with(|v| {
            v.as_ref()
                .map(|v| arrange(&v.rows, &filter.get(), sort.get(), show_excluded.get()))
                .unwrap_or_default()
        })
    });
    let shown =
        move || arranged.with(|rows| rows.iter().take(limit.get()).cloned().collect::<Vec<_>>());
    let selectable = section != Section::UnusedSeats;
    let tickable: Memo<Vec<RowKey>> = Memo::new(move |_| {
        arranged.with(|rows| {
            rows.iter()
                .filter(|r| r.selectable)
                .map(|r| r.key.clone())
                .collect()
        })
    });
    let user_rows = section != Section::UnusedSeats;
    let days_label = if user_rows {
        "Days without a sign-in"
    } else {
        "Unused seats"
    };
    let reads_sign_ins = matches!(section, Section::Inactive | Section::NeverSignedIn);
    let disabled_error = move || {
        (section == Section::Disabled)
            .then(|| {
                reclaim
                    .disabled
                    .with(|a| a.and_then(|a| a.as_ref().err().cloned()))
            })
            .flatten()
    };
    let labelled_by = title_id.clone();
    let filter_id = format!("reclaim-{id}-filter");
    let sort_id = format!("reclaim-{id}-sort");

    view! {
        <section class="card reclaim-section" aria-labelledby=labelled_by data-section=id>
            {move || view.get().map(|v| {
                let has_rows = !v.rows.is_empty();
                let excluded = v.excluded;
                let filter_id = filter_id.clone();
                let sort_id = sort_id.clone();
                view! {
                    <h3 id=title_id.clone()>{v.title}</h3>
                    <p class="section-count" data-testid=format!("{id}-count")>{v.count.clone()}</p>
                    <p class="savings">
                        "Monthly savings: " <strong data-testid=format!("{id}-monthly")>{v.monthly.clone()}</strong>
                        " · Yearly: " <strong>{v.yearly.clone()}</strong>
                    </p>
                    <p class="hint">{v.explainer.clone()}</p>
                    {v.unavailable.clone().map(|text| view! {
                        <p class="warning-text" data-testid="sign-in-unavailable">{text}</p>
                    })}
                    {reads_sign_ins.then(|| view! {
                        <NotAllowed action=Action::ReadSignInActivity doing="Reading sign-in activity"/>
                    })}
                    {v.notes.iter().map(|note| view! { <p class="hint">{note.clone()}</p> }).collect_view()}
                    {move || disabled_error().map(|error| view! {
                        <ErrorPanel error=error context="Listing disabled accounts (an advanced query)"/>
                        <p class="hint">"The disabled accounts below come from the listing of every user."</p>
                    })}
                    {(!has_rows && v.unavailable.is_none()).then(|| view! { <p class="nothing">"Nothing found."</p> })}
                    {has_rows.then(|| view! {
                        <div class="list-actions reclaim-controls">
                            <div class="field">
                                <label for=filter_id.clone()>"Filter"</label>
                                <input id=filter_id.clone() type="search" autocomplete="off" placeholder="Name, UPN, license or group"
                                    prop:value=move || filter.get()
                                    on:input=move |ev| { filter.set(event_target_value(&ev)); limit.set(PAGE); }/>
                            </div>
                            <div class="field">
                                <label for=sort_id.clone()>"Sort by"</label>
                                <select id=sort_id.clone() on:change=move |ev| sort.set(match event_target_value(&ev).as_str() {
                                    "days" => SortBy::Days,
                                    "cost" => SortBy::Cost,
                                    _ => SortBy::Name,
                                })>
                                    <option value="name" selected=move || sort.get() == SortBy::Name>"Name"</option>
                                    <option value="days" selected=move || sort.get() == SortBy::Days>{days_label}</option>
                                    <option value="cost" selected=move || sort.get() == SortBy::Cost>"Monthly cost"</option>
                                </select>
                            </div>
                            {(excluded > 0).then(|| view! {
                                <label class="check">
                                    <input type="checkbox" prop:checked=move || show_excluded.get()
                                        on:change=move |ev| show_excluded.set(event_target_checked(&ev))/>
                                    {format!("Show the excluded rows ({})", number(excluded as i64))}
                                </label>
                            })}
                            {(selectable && tickable.with(|t| !t.is_empty())).then(|| view! {
                                <button class="secondary" on:click=move |_| tickable.with_untracked(|keys| actions::tick_all(reclaim, keys, true))>
                                    {move || format!("Select all {}", number(tickable.with(Vec::len) as i64))}
                                </button>
                                <button class="secondary" on:click=move |_| tickable.with_untracked(|keys| actions::tick_all(reclaim, keys, false))>"Clear selection"</button>
                            })}
                        </div>
                        <table class="reclaim-list">
                            <caption class="visually-hidden">{v.title}</caption>
                            <thead><tr>
                                {selectable.then(|| view! { <th scope="col" class="col-tick"><span class="visually-hidden">"Select"</span></th> })}
                                <th scope="col" class="col-who">{if user_rows { "User" } else { "License" }}</th>
                                {user_rows.then(|| view! { <th scope="col">"Licenses"</th> })}
                                <th scope="col">{if user_rows { "Why" } else { "What to do" }}</th>
                                <th scope="col" class="col-monthly">"Monthly"</th>
                                <th scope="col" class="col-exclusion">"Exclusion"</th>
                            </tr></thead>
                            <tbody>
                                <For each=shown key=|row| row.clone() let:row>
                                    {reclaim_row(row, selectable)}
                                </For>
                            </tbody>
                        </table>
                        <p class="hint">{move || {
                            let total = arranged.with(Vec::len);
                            format!("Showing {} of {}.", number(total.min(limit.get()) as i64), number(total as i64))
                        }}</p>
                        {move || (arranged.with(Vec::len) > limit.get()).then(|| view! {
                            <p class="show-more">
                                <button class="secondary" on:click=move |_| limit.update(|l| *l += PAGE)>"Show more"</button>
                            </p>
                        })}
                    })}
                }
            })}
        </section>
    }
}

/// One row: the tick (or why there is none), who or what, the licenses and where they
/// come from, why it is here, what it saves, and exclude or include again.
fn reclaim_row(row: Row, selectable: bool) -> impl IntoView {
    let reclaim = use_reclaim();
    let name = row.name.clone();
    let key = row.key.clone();
    let ticked_key = key.clone();
    let changed_key = key.clone();
    let tick = selectable.then(|| {
        let cell = if row.selectable {
            view! {
                <input type="checkbox" aria-label=format!("Select {name}")
                    prop:checked=move || reclaim.chosen.with(|c| is_ticked(c, &ticked_key))
                    on:change=move |ev| actions::tick(reclaim, &changed_key, event_target_checked(&ev))/>
            }
            .into_any()
        } else {
            view! { <span class="part">"—"</span> }.into_any()
        };
        view! { <td class="tick">{cell}</td> }
    });
    let shown_name = row.name.clone();
    let who = match &row.user {
        Some(user) => view! { <ScreenLink screen=Screen::User(user.clone()) class="user-name">{shown_name}</ScreenLink> }.into_any(),
        None => view! { <span class="sku-name">{shown_name}</span> }.into_any(),
    };
    let exclusion = match row.excluded.clone() {
        Some((excluded, _)) => {
            let label = include_label(&excluded);
            view! {
                <button class="link" aria-label=format!("{label}: {name}")
                    on:click=move |_| actions::include_again(reclaim, &excluded)>{label}</button>
            }
            .into_any()
        }
        None => {
            let key = key.clone();
            let upn = row.detail.clone().unwrap_or_else(|| row.name.clone());
            view! {
                <button class="link" aria-label=format!("Exclude {name}")
                    on:click=move |_| match &key {
                        RowKey::User(user) | RowKey::Copy(user, _) => actions::exclude_user(reclaim, user.clone(), &upn),
                        RowKey::Sku(sku) => actions::exclude_sku(reclaim, sku.clone(), &upn),
                    }>"Exclude"</button>
            }
            .into_any()
        }
    };
    let user_rows = row.user.is_some();
    let excluded_text = row.excluded.as_ref().map(|(_, text)| text.clone());
    view! {
        <tr class:excluded=row.excluded.is_some() class:not-safe=!row.selectable && selectable && row.excluded.is_none()>
            {tick}
            <td class="who">
                {who}
                {row.detail.clone().map(|detail| view! { <div class="part">{detail}</div> })}
                {row.last_sign_in.clone().map(|text| view! { <div class="part">{text}</div> })}
            </td>
            {user_rows.then(|| view! { <td data-label="Licenses">{licenses_view(&row)}</td> })}
            <td data-label=if user_rows { "Why" } else { "What to do" }>
                {row.reason.clone()}
                {excluded_text.map(|text| view! { <div class="excluded-why">{text}</div> })}
            </td>
            <td data-label="Monthly">{row.monthly.clone()}</td>
            <td data-label="Exclusion">{exclusion}</td>
        </tr>
    }
}
