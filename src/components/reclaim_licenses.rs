//! "Reclaim licenses": which paid licenses nobody uses and what they cost. It reads the
//! tenant when opened (page by page, with a progress bar), finds waste in five ways
//! ([`ReclaimSection`]), prices it ([`ReclaimPrices`]), leaves out what the admin keeps
//! on purpose ([`ReclaimExclusions`]), exports the findings, and hands the chosen users
//! to a previewed bulk run ([`ReclaimSelected`]). Nothing is changed on this screen.

use crate::components::error_panel::ErrorPanel;
use crate::components::not_allowed::NotAllowed;
use crate::components::reclaim_exclusions::ReclaimExclusions;
use crate::components::reclaim_prices::ReclaimPrices;
use crate::components::reclaim_section::ReclaimSection;
use crate::components::reclaim_selected::ReclaimSelected;
use crate::format::{count, number};
use crate::state::reclaim::actions;
use crate::state::reclaim::rows::{main_currency, money_text};
use crate::state::reclaim::use_reclaim;
use crate::state::tenant::use_tenant;
use crate::transport::session::use_session;
use leptos::prelude::*;
use license_desk_core::auth::token::Action;
use license_desk_core::lists::reclaim::Section;
use license_desk_core::wording::reclaim::{skipped, SIGN_IN_DELAY};

/// The longest window offered: ten years.
const MAX_WINDOW_DAYS: u32 = 3_650;

#[component]
pub fn ReclaimLicenses() -> impl IntoView {
    let reclaim = use_reclaim();
    let tenant = use_tenant();
    let session = use_session();
    // Read once per sign-in.
    session.read_when_allowed(Action::ReadUsers, move || {
        reclaim.load_once(session, tenant)
    });
    let window_text = RwSignal::new(reclaim.window_days.get_untracked().to_string());
    let apply_window = move || {
        let wanted = window_text.get_untracked().trim().parse::<u32>().ok();
        match wanted {
            Some(days) if (1..=MAX_WINDOW_DAYS).contains(&days) => reclaim.window_days.set(days),
            _ => window_text.set(reclaim.window_days.get_untracked().to_string()),
        }
    };
    let reading = move || reclaim.is_reading();
    let progress_text = move || {
        let disabled = reclaim.disabled_read.get();
        let users = reclaim.users_read.get();
        format!(
            "Reading the tenant page by page: {} so far, {} among the disabled accounts.",
            count(users, "user", "users"),
            number(disabled as i64)
        )
    };
    let users_error = move || {
        reclaim
            .users
            .with(|a| a.and_then(|a| a.as_ref().err().cloned()))
    };
    let findings = reclaim.findings;
    let totals = move || {
        let currency = reclaim.prices.with(main_currency);
        findings.with(|f| {
            f.as_ref().map(|f| {
                (
                    money_text(&f.savings.monthly, &currency),
                    money_text(&f.savings.yearly, &currency),
                )
            })
        })
    };
    let as_of = move || {
        reclaim.users.with_ready(|read| {
            format!(
                "Read on {}, with a window of {}.",
                crate::format::date_time(read.read_at_ms),
                count(reclaim.window_days.get() as usize, "day", "days")
            )
        })
    };
    let export = move |json: bool| {
        tenant
            .catalog
            .with_untracked(|catalog| actions::export_findings(reclaim, catalog, json));
    };
    let skipped_rows =
        move || findings.with(|f| f.as_ref().map(|f| f.skipped.clone()).unwrap_or_default());
    view! {
        <section class="card reclaim" aria-labelledby="reclaim-title">
            <h2 id="reclaim-title">"Reclaim licenses"</h2>
            <p class="hint">"Paid licenses nobody uses: disabled accounts, users who stopped signing in or never did, direct copies of licenses a group gives anyway, and seats nobody holds. Each user is in one section only, so nothing is counted twice. Nothing changes here: a selection goes to Bulk changes as a run you preview first."</p>
            <NotAllowed action=Action::ReadUsers doing="Reading users"/>
            <div class="row reclaim-window">
                <div class="field">
                    <label for="reclaim-window">"Inactive for (days)"</label>
                    <input id="reclaim-window" type="number" min="1" max=MAX_WINDOW_DAYS.to_string() step="1" inputmode="numeric"
                        aria-describedby="reclaim-window-hint"
                        prop:value=move || window_text.get()
                        on:input=move |ev| window_text.set(event_target_value(&ev))
                        on:change=move |_| apply_window()
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" { apply_window() }/>
                </div>
                <button class="secondary" disabled=reading on:click=move |_| reclaim.read_again(session, tenant)>"Read again"</button>
            </div>
            <p class="hint" id="reclaim-window-hint">"A user is inactive when their latest sign-in of any kind is older than this. " {SIGN_IN_DELAY}</p>
            {move || reading().then(|| view! {
                <div class="progress-line">
                    <progress aria-label="Reading the tenant"></progress>
                    <span role="status" data-testid="reclaim-progress">{progress_text}</span>
                </div>
            })}
            {move || users_error().map(|error| view! { <ErrorPanel error=error context="Listing the tenant's users"/> })}
            {move || totals().map(|(monthly, yearly)| view! {
                <dl class="reclaim-totals">
                    <div><dt>"Monthly savings"</dt><dd data-testid="reclaim-monthly">{monthly}</dd></div>
                    <div><dt>"Yearly savings"</dt><dd data-testid="reclaim-yearly">{yearly}</dd></div>
                </dl>
                <p class="hint">{as_of} " Savings use the prices below; excluded users and licenses count towards none."</p>
                <div class="actions">
                    <button class="secondary" on:click=move |_| export(false)>"Export findings as CSV"</button>
                    <button class="secondary" on:click=move |_| export(true)>"Export findings as JSON"</button>
                </div>
            })}
            {move || {
                let rows = skipped_rows();
                (!rows.is_empty()).then(|| view! {
                    <details class="skipped">
                        <summary>{format!("{} in no section", count(rows.len(), "licensed user is", "licensed users are"))}</summary>
                        <ul>
                            {rows.into_iter().map(|row| view! { <li>{format!("{}: {}", row.person.label(), skipped(row.why))}</li> }).collect_view()}
                        </ul>
                    </details>
                })
            }}
        </section>
        {move || findings.with(Option::is_some).then(|| view! {
            {Section::ALL.into_iter().map(|section| view! { <ReclaimSection section=section/> }).collect_view()}
            <ReclaimSelected/>
        })}
        <ReclaimPrices/>
        <ReclaimExclusions/>
    }
}
