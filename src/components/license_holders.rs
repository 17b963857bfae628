//! "Who has this license": every holder of one SKU, marked direct or through which
//! group, with the state of the assignment (errors explained), read a page at a time,
//! exported as CSV, or handed to the bulk screen.

use crate::components::not_allowed::NotAllowed;
use crate::components::screen_link::ScreenLink;
use crate::components::show_more::ShowMore;
use crate::components::user_list_actions::UserListActions;
use crate::state::bulk::BulkState;
use crate::state::navigation::use_navigation;
use crate::state::tenant::use_tenant;
use crate::state::user_lists::{hand_to_bulk, name_groups, UserList};
use crate::transport::session::use_session;
use leptos::prelude::*;
use license_desk_core::auth::token::Action;
use license_desk_core::graph::ids::SkuId;
use license_desk_core::graph::request;
use license_desk_core::groups::names::GroupName;
use license_desk_core::lists::holders::{count, holders_csv, holders_of, Holder};
use license_desk_core::lists::user_list::{bulk_names, PAGE_SIZE};
use license_desk_core::route::{Holding, Screen};
use license_desk_core::wording::lists::{holder_source, holder_state, holders_heading};

/// A file name made of the SKU's part number (or id): letters, digits, `-` and `_` only.
fn file_name(part: &str) -> String {
    let safe: String = part
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("holders-{safe}.csv")
}

/// One holder's row: who, how the license comes (group names as they become known),
/// and the state of the assignment.
fn holder_row(holder: Holder, sku_name: Memo<String>) -> impl IntoView {
    let tenant = use_tenant();
    let group = holder.group().cloned();
    let source = {
        let holder = holder.clone();
        move || {
            let name = group.as_ref().and_then(|g| {
                tenant
                    .group_names
                    .with(|names| names.get(g).cloned().map(GroupName::Named))
                    .or_else(|| {
                        tenant
                            .unreadable_groups
                            .with(|groups| groups.contains(g).then_some(GroupName::Unreadable))
                    })
            });
            holder_source(&holder, name.as_ref())
        }
    };
    let mark = if holder.is_direct() {
        "mark direct"
    } else if holder.group().is_some() {
        "mark group"
    } else {
        "mark unknown"
    };
    let state = {
        let holder = holder.clone();
        move || holder_state(&holder, &sku_name.read())
    };
    let state_class = if holder.error.is_error() {
        "status attention"
    } else {
        "status ok"
    };
    let user = Screen::User(holder.user_id.clone());
    view! {
        <tr>
            <td>
                <ScreenLink screen=user>{holder.display_name.clone()}</ScreenLink>
                <div class="part">{holder.user_principal_name.clone()}</div>
            </td>
            <td data-label="Assigned"><span class=mark>{source}</span></td>
            <td data-label="State"><span class=state_class>{state}</span></td>
        </tr>
    }
}

#[component]
pub fn LicenseHolders(
    sku: SkuId,
    /// All holders, or only those who hold it directly.
    holding: Holding,
) -> impl IntoView {
    let only_direct = holding == Holding::Direct;
    let sku_id = sku.clone();
    let catalog = use_tenant().catalog;
    let sku_name = Memo::new(move |_| catalog.with(|c| c.sku_name(&sku_id)));
    let session = use_session();
    let tenant = use_tenant();
    let navigation = use_navigation();
    let bulk = expect_context::<BulkState>();
    let refused = RwSignal::new(None::<String>);
    let catalog = tenant.catalog;
    let name = {
        let sku = sku.clone();
        move || catalog.with(|c| c.sku_name(&sku))
    };
    let part = {
        let sku = sku.clone();
        move || {
            catalog.with(|c| {
                c.sku(&sku)
                    .map(|s| s.sku_part_number.clone())
                    .unwrap_or_else(|| sku.to_string())
            })
        }
    };
    // Each page read names the groups its holders inherit the license from.
    let list = {
        let sku = sku.clone();
        UserList::new(
            session,
            move |users: &[license_desk_core::graph::model::User]| {
                name_groups(session, tenant, users, &sku)
            },
        )
    };

    // Reads the first page.
    {
        let sku = sku.clone();
        session.read_when_allowed(Action::ReadUsers, move || {
            if list.pages.with(Option::is_none) {
                list.start(session, request::sku_holders(&sku, PAGE_SIZE));
            }
        });
    }
    let holders = {
        let sku = sku.clone();
        Memo::new(move |_| {
            list.pages
                .with(|p| {
                    p.as_ref()
                        .map(|p| holders_of(&p.users, &sku))
                        .unwrap_or_default()
                })
                .into_iter()
                .filter(|holder| !only_direct || holder.is_direct())
                .collect::<Vec<_>>()
        })
    };
    let on_more = Callback::new(move |()| list.show_more());
    let on_export = {
        let sku = sku.clone();
        let part = part.clone();
        Callback::new(move |()| {
            let sku = sku.clone();
            let file = file_name(&part());
            list.read_all(move |users| {
                let rows: Vec<_> = holders_of(&users, &sku)
                    .into_iter()
                    .filter(|holder| !only_direct || holder.is_direct())
                    .collect();
                let text = holders_csv(&rows, &catalog.get_untracked());
                crate::browser::download(&file, "text/csv", &text);
            });
        })
    };
    let on_bulk = {
        let name = name.clone();
        let sku = sku.clone();
        Callback::new(move |()| {
            let label = if only_direct {
                format!("Direct holders of {}", name())
            } else {
                format!("Holders of {}", name())
            };
            let sku = sku.clone();
            list.read_all(move |users| {
                let users: Vec<_> = users
                    .into_iter()
                    .filter(|user| {
                        !only_direct
                            || holders_of(std::slice::from_ref(user), &sku)
                                .iter()
                                .any(|holder| holder.is_direct())
                    })
                    .collect();
                refused
                    .set(hand_to_bulk(bulk, navigation, label.clone(), bulk_names(&users)).err());
            });
        })
    };

    let heading_name = name.clone();
    let row_name = name.clone();
    view! {
        <section class="card" aria-labelledby="holders-title">
            <h2 id="holders-title">{move || format!("Who has {}", heading_name())}</h2>
            <p><ScreenLink screen=Screen::Tenant>"← Licenses in this tenant"</ScreenLink></p>
            <p class="sort">"Show: "
                {if only_direct {
                    view! { <ScreenLink screen=Screen::Holders(sku.clone(), Holding::Any)>"every holder"</ScreenLink> " · " <strong aria-current="true">"direct holders only"</strong> }.into_any()
                } else {
                    view! { <strong aria-current="true">"every holder"</strong> " · " <ScreenLink screen=Screen::Holders(sku.clone(), Holding::Direct)>"direct holders only"</ScreenLink> }.into_any()
                }}
            </p>
            <NotAllowed action=Action::ReadUsers doing="Listing holders"/>
            {move || list.pages.with(|p| p.as_ref().filter(|p| p.pages_read() > 0).map(|p| (p.total(), p.users.len()))).map(|(total, read)| {
                let counts = holders.with(|h| count(h));
                let groups = counts.by_group.values().sum::<usize>();
                view! {
                    <p class="list-count" role="status" data-testid="holders-count">{holders_heading(total, read, &name())}</p>
                    <p class="hint">{format!("Among those shown: {} direct, {} through groups, {} in error.", counts.direct, groups, counts.in_error)}</p>
                }
            })}
            <UserListActions list=list on_export=on_export on_bulk=on_bulk refused=refused context="Listing the holders"/>
            <Show when=move || holders.with(|h| !h.is_empty())>
                <table class="user-list">
                    <caption class="visually-hidden">{let n = row_name.clone(); move || format!("Holders of {}", n())}</caption>
                    <thead><tr><th scope="col">"User"</th><th scope="col">"Assigned"</th><th scope="col">"State"</th></tr></thead>
                    <tbody>
                        <For each=move || holders.get() key=|holder| holder.clone() let:holder>
                            {holder_row(holder, sku_name)}
                        </For>
                    </tbody>
                </table>
            </Show>
            <ShowMore list=list on_more=on_more/>
            {move || list.pages.with(|p| p.as_ref().is_some_and(|p| p.is_complete() && p.users.is_empty())).then(|| view! {
                <p>"Nobody holds this license."</p>
            })}
        </section>
    }
}
