//! The page: header, then either sign-in or the workspace, plus the fresh-token prompt.

use crate::components::activity_log::ActivityLog;
use crate::components::bulk_changes::BulkChanges;
use crate::components::changes_view::ChangesView;
use crate::components::find_user::FindUser;
use crate::components::group_page::GroupPage;
use crate::components::groups_list::GroupsList;
use crate::components::license_holders::LicenseHolders;
use crate::components::pending_changes::PendingChanges;
use crate::components::reclaim_licenses::ReclaimLicenses;
use crate::components::saved_run_offer::SavedRunOffer;
use crate::components::screen_nav::ScreenNav;
use crate::components::sign_in::{SignIn, SignInChoice};
use crate::components::tenant_licenses::TenantLicenses;
use crate::components::throttle_notice::ThrottleNotice;
use crate::components::token_panel::TokenPanel;
use crate::components::token_refresh::TokenRefresh;
use crate::components::unlicensed_users::UnlicensedUsers;
use crate::components::user_licenses::UserLicenses;
use crate::state::workspace::Workspace;
use crate::transport::session::{Connection, Session};
use leptos::prelude::*;
use license_desk_core::auth::access_token::AccessToken;
use license_desk_core::graph::request::{ApiVersion, Cloud, GraphEndpoint};
use license_desk_core::route::Screen;
use std::time::Duration;

/// Acts on what the admin chose on the sign-in form.
fn act_on(choice: SignInChoice, session: Session, workspace: Workspace) {
    match choice {
        SignInChoice::Demo => workspace.start_demo(session),
        SignInChoice::Token { endpoint, token } => workspace.sign_in(
            session,
            Connection {
                endpoint,
                demo: false,
            },
            token,
        ),
    }
}

#[component]
pub fn App(
    /// What the admin chose on the first page, before this module was loaded.
    #[prop(default = None)]
    handed_over: Option<SignInChoice>,
) -> impl IntoView {
    let session = Session::new();
    provide_context(session);
    let workspace = Workspace::new(session).provide();
    let navigation = workspace.navigation;

    // A token passed in the fragment is read once, removed from the address bar, and
    // cleaned exactly as a pasted one.
    let fragment_token =
        crate::browser::take_fragment_token().and_then(|t| AccessToken::from_pasted(&t));
    crate::state::navigation::follow_address_bar(navigation);
    if crate::browser::query_param("demo").is_some() && fragment_token.is_none() {
        workspace.start_demo(session);
    }
    if let Some(token) = fragment_token {
        let endpoint = crate::browser::query_param("graph")
            .and_then(|g| {
                GraphEndpoint::parse(&g, ApiVersion::V1)
                    .ok()
                    .filter(GraphEndpoint::is_loopback)
            })
            .unwrap_or_else(|| GraphEndpoint::for_cloud(Cloud::Global, ApiVersion::V1));
        workspace.sign_in(
            session,
            Connection {
                endpoint,
                demo: false,
            },
            token,
        );
    }

    if let Some(choice) = handed_over {
        act_on(choice, session, workspace);
    }

    let tick = set_interval_with_handle(
        move || session.now.set(crate::browser::now_seconds()),
        Duration::from_secs(1),
    );
    on_cleanup(move || {
        if let Ok(handle) = tick {
            handle.clear();
        }
    });

    let connected = move || session.connected.get();

    view! {
        <header class="app-header">
            <h1 class="brand">"License Desk"</h1>
            <Show when=move || session.is_demo()>
                <p class="demo-badge" role="status">"Demo tenant — no real data"</p>
            </Show>
            <Show when=connected>
                <p class="endpoint">{move || session.connection.with(|c| c.as_ref().map(|c| c.endpoint.root()).unwrap_or_default())}</p>
                <button class="secondary" on:click=move |_| workspace.sign_out(session)>"Sign out"</button>
            </Show>
        </header>
        <ThrottleNotice/>
        <main id="main">
            <Show when=connected fallback=move || view! { <SignIn on_choice=move |choice| act_on(choice, session, workspace)/> }>
                {move || session.notice.get().map(|text| view! { <p class="notice" role="status">{text}</p> })}
                <Show when=move || session.needs_token.with(Option::is_some)>
                    <TokenRefresh/>
                </Show>
                // The screen links come first, so a phone shows them before the token panel.
                <div class="workspace">
                    <ScreenNav/>
                    <aside class="sidebar">
                        <TokenPanel/>
                        <FindUser/>
                    </aside>
                    <div class="content">
                        <SavedRunOffer/>
                        <div class="screen">
                        {move || match navigation.screen.get() {
                            Screen::Tenant => view! { <TenantLicenses/> }.into_any(),
                            Screen::Bulk => view! { <BulkChanges/> }.into_any(),
                            Screen::Groups => view! { <GroupsList/> }.into_any(),
                            Screen::Group(_) => view! { <GroupPage/> }.into_any(),
                            Screen::Holders(sku, holding) => view! { <LicenseHolders sku=sku holding=holding/> }.into_any(),
                            Screen::Unlicensed => view! { <UnlicensedUsers/> }.into_any(),
                            Screen::Reclaim => view! { <ReclaimLicenses/> }.into_any(),
                            Screen::User(_) => view! {
                                <UserLicenses/>
                                <PendingChanges/>
                                <ChangesView/>
                            }.into_any(),
                        }}
                        </div>
                        <ActivityLog/>
                    </div>
                </div>
            </Show>
        </main>
    }
}
