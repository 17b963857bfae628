//! What the "Reclaim licenses" screen holds: the listings it reads (on demand, page by
//! page, with counts for the progress bar), the admin's window, prices and exclusions
//! (kept in this browser per tenant), the findings as a [`Memo`] over all of them, the
//! selection, and the hand-over of the selection to a previewed bulk run.
//!
//! Like every screen's state it lives in the workspace: leaving for a user's page and
//! coming back loses nothing, and signing out or into another tenant forgets it all.

pub mod actions;
pub mod reads;
pub mod rows;
pub mod stored;

use crate::state::read::TenantRead;
use crate::state::tenant::TenantState;
use crate::transport::session::Session;
use leptos::prelude::*;
use license_desk_core::auth::token::Action;
use license_desk_core::graph::ids::GroupId;
use license_desk_core::graph::model::{CompanySubscription, Group, User};
use license_desk_core::licensing::checklist::Checklist;
use license_desk_core::lists::reclaim::handover::MailboxWarning;
use license_desk_core::lists::reclaim::{
    analyse, hand_over, Exclusions, Findings, GroupMembers, Handover, Options, PriceTable, Reads,
    Selection, SignInUnavailable, DEFAULT_WINDOW_DAYS,
};
use reads::UsersRead;
use std::sync::Arc;

/// Provided as context by [`crate::state::workspace::Workspace::provide`].
#[derive(Clone, Copy)]
pub struct ReclaimState {
    /// `accountEnabled eq false and assignedLicenses/$count ne 0`.
    pub disabled: TenantRead<Vec<User>>,
    /// Every user with sign-in activity, or every licensed user without it.
    pub users: TenantRead<UsersRead>,
    /// The tenant's groups (`None`: the token may not read groups).
    pub groups: TenantRead<Option<Vec<Group>>>,
    /// The members of each excluded group, read again when the excluded groups change.
    pub members: TenantRead<GroupMembers, Vec<GroupId>>,
    /// Users read so far by each listing, for the progress bar.
    pub disabled_read: RwSignal<usize>,
    pub users_read: RwSignal<usize>,
    /// "Inactive for (days)".
    pub window_days: RwSignal<u32>,
    pub prices: RwSignal<PriceTable>,
    /// The admin edited the prices (they are kept for this tenant).
    pub prices_edited: RwSignal<bool>,
    pub exclusions: RwSignal<Exclusions>,
    /// What the admin ticked.
    pub selection: RwSignal<Selection>,
    pub findings: Memo<Option<Arc<Findings>>>,
    /// The ticks that still name a finding that can be selected.
    pub chosen: Memo<Selection>,
    /// "Reclaim selected" was pressed at this time: the hand-over is shown.
    pub handover_at: RwSignal<Option<u64>>,
    pub handover: Memo<Option<Arc<Handover>>>,
    /// The mailbox warning of the hand-over, ticked before it goes to the bulk screen.
    pub mailbox_check: RwSignal<Checklist<MailboxWarning>>,
    /// What the last action on the screen said (an import, a refusal).
    pub message: RwSignal<Option<String>>,
    /// The screen asked for the reads in this epoch.
    asked: RwSignal<bool>,
    /// The tenant whose prices and exclusions are loaded (`Some(None)`: a token that
    /// names no tenant, so nothing is kept).
    stored_for: StoredValue<Option<Option<String>>>,
}

/// The findings and the epoch they were analysed in.
#[derive(Clone, PartialEq)]
struct Analysed {
    epoch: u64,
    findings: Arc<Findings>,
}

impl ReclaimState {
    pub fn new(session: Session, tenant: TenantState) -> Self {
        let connected = session.connected;
        let disabled_read = RwSignal::new(0);
        let users_read = RwSignal::new(0);
        let disabled = TenantRead::on_demand(session, move || {
            connected
                .get()
                .then(|| reads::disabled_accounts(session, disabled_read))
        });
        // Read again when "Try anyway" changes what the token may do, not on every token.
        let sign_ins = Memo::new(move |_| {
            if session.may_attempt(Action::ReadSignInActivity) {
                Ok(())
            } else {
                Err(SignInUnavailable::NotPermitted)
            }
        });
        let users = TenantRead::on_demand(session, move || {
            let sign_ins = sign_ins.get();
            connected
                .get()
                .then(|| reads::users(session, sign_ins, users_read))
        });
        let groups_allowed = Memo::new(move |_| session.may_attempt(Action::ReadGroups));
        let groups = TenantRead::on_demand(session, move || {
            let allowed = groups_allowed.get();
            connected
                .get()
                .then(|| reads::groups(session, tenant, allowed))
        });
        let asked = RwSignal::new(false);
        let exclusions = RwSignal::new(Exclusions::default());
        let members = TenantRead::keyed(
            session,
            move || {
                asked
                    .get()
                    .then(|| exclusions.with(Exclusions::groups_to_read))
            },
            move |wanted| {
                connected
                    .get_untracked()
                    .then(|| reads::group_members(session, wanted))
            },
        );
        let window_days = RwSignal::new(DEFAULT_WINDOW_DAYS);
        let prices = RwSignal::new(stored::list_prices());
        let subscriptions_allowed =
            Memo::new(move |_| session.may_attempt(Action::ReadSubscriptions));
        let analysed = Memo::new(move |previous: Option<&Option<Analysed>>| {
            let epoch = session.tenant_epoch();
            let kept = || previous.cloned().flatten().filter(|p| p.epoch == epoch);
            // Subscriptions only give renewal dates: without them seats show none.
            let subscriptions: Option<Vec<CompanySubscription>> = if subscriptions_allowed.get() {
                tenant
                    .subscriptions
                    .with(|answer| answer.map(|a| a.clone().unwrap_or_default()))
            } else {
                Some(Vec::new())
            };
            let Some(subscriptions) = subscriptions else {
                return kept();
            };
            let members = members.with(|answer| answer.map(|a| a.clone().unwrap_or_default()));
            let Some(members) = members else {
                return kept();
            };
            let analysed = users.with(|answer| {
                let read = match answer {
                    None => return None,
                    Some(Err(_)) => return Some(None),
                    Some(Ok(read)) => read,
                };
                disabled.with(|answer| {
                    let disabled: &[User] = match answer {
                        None => return None,
                        Some(Ok(users)) => users,
                        // The section shows why; the users listing still has them.
                        Some(Err(_)) => &[],
                    };
                    let reads = Reads {
                        disabled,
                        users: &read.users,
                        sign_in: &read.sign_in,
                        subscriptions: &subscriptions,
                        group_members: &members,
                    };
                    let options = Options {
                        window_days: window_days.get(),
                        now_ms: read.read_at_ms,
                    };
                    let findings = tenant.catalog.with(|catalog| {
                        prices.with(|prices| {
                            exclusions.with(|exclusions| {
                                analyse(&reads, catalog, prices, exclusions, options)
                            })
                        })
                    });
                    Some(Some(Analysed {
                        epoch,
                        findings: Arc::new(findings),
                    }))
                })
            });
            match analysed {
                None => kept(),
                Some(analysed) => analysed,
            }
        });
        let findings = Memo::new(move |_| {
            let epoch = session.tenant_epoch();
            analysed.with(|a| {
                a.as_ref()
                    .filter(|a| a.epoch == epoch)
                    .map(|a| Arc::clone(&a.findings))
            })
        });
        let selection = RwSignal::new(Selection::default());
        let chosen = Memo::new(move |_| {
            let mut chosen = selection.get();
            findings.with(|findings| match findings {
                None => chosen = Selection::default(),
                Some(findings) => {
                    chosen.users.retain(|user| {
                        findings
                            .user_finding(user)
                            .is_some_and(|(_, row)| row.selectable())
                    });
                    chosen.copies.retain(|(user, sku)| {
                        findings.direct_copies.rows.iter().any(|row| {
                            &row.person.id == user && &row.holding.sku == sku && row.selectable()
                        })
                    });
                }
            });
            chosen
        });
        let handover_at = RwSignal::new(None::<u64>);
        let handover = Memo::new(move |_| {
            let at = handover_at.get()?;
            let findings = findings.get()?;
            let handover = chosen.with(|chosen| {
                tenant
                    .catalog
                    .with(|catalog| hand_over(&findings, chosen, catalog, at))
            });
            Some(Arc::new(handover))
        });
        let mailbox_check = RwSignal::new(Checklist::default());
        // A tick covers exactly the warning it was given for: another selection (other
        // mailboxes) needs its own.
        Effect::new(move |_| {
            let warning = handover.with(|h| h.as_ref().and_then(|h| h.mailbox.clone()));
            mailbox_check.update(|check: &mut Checklist<MailboxWarning>| check.replan(warning));
        });
        ReclaimState {
            disabled,
            users,
            groups,
            members,
            disabled_read,
            users_read,
            window_days,
            prices,
            prices_edited: RwSignal::new(false),
            exclusions,
            selection,
            findings,
            chosen,
            handover_at,
            handover,
            mailbox_check,
            message: RwSignal::new(None),
            asked,
            stored_for: StoredValue::new(None),
        }
    }

    /// Reads everything once in this sign-in (the screen was opened); what is read stays.
    pub fn load_once(&self, session: Session, tenant: TenantState) {
        self.restore(session);
        self.asked.set(true);
        self.disabled.load_once();
        self.users.load_once();
        self.groups.load_once();
        if session.may_attempt(Action::ReadSubscriptions) {
            tenant.subscriptions.load_once();
        }
    }

    /// "Read again": every listing afresh, and the selection starts over.
    pub fn read_again(&self, session: Session, tenant: TenantState) {
        self.asked.set(true);
        self.disabled.load();
        self.users.load();
        self.groups.load();
        self.members.load();
        if session.may_attempt(Action::ReadSubscriptions) {
            tenant.subscriptions.load();
        }
        self.selection.set(Selection::default());
        self.handover_at.set(None);
        self.message.set(None);
    }

    /// Whether any listing is being read.
    pub fn is_reading(&self) -> bool {
        self.disabled.is_loading() || self.users.is_loading() || self.members.is_loading()
    }

    /// Loads the prices and exclusions kept for the signed-in tenant (once per tenant).
    fn restore(&self, session: Session) {
        let tenant = session.tenant_id();
        if self.stored_for.get_value().as_ref() == Some(&tenant) {
            return;
        }
        let edited = tenant.as_deref().and_then(stored::edited_prices);
        self.prices_edited.set(edited.is_some());
        self.prices.set(edited.unwrap_or_else(stored::list_prices));
        self.exclusions.set(
            tenant
                .as_deref()
                .map(stored::exclusions)
                .unwrap_or_default(),
        );
        self.stored_for.set_value(Some(tenant));
    }

    /// The tenant the prices and exclusions are kept for, if any.
    pub fn kept_for(&self) -> Option<String> {
        self.stored_for.get_value().flatten()
    }

    /// Forgets everything of this tenant (signed out, or another tenant).
    pub fn clear(&self) {
        self.disabled.forget();
        self.users.forget();
        self.groups.forget();
        self.members.forget();
        self.asked.set(false);
        self.disabled_read.set(0);
        self.users_read.set(0);
        self.window_days.set(DEFAULT_WINDOW_DAYS);
        self.prices.set(stored::list_prices());
        self.prices_edited.set(false);
        self.exclusions.set(Exclusions::default());
        self.selection.set(Selection::default());
        self.handover_at.set(None);
        self.mailbox_check.set(Checklist::default());
        self.message.set(None);
        self.stored_for.set_value(None);
    }
}

pub fn use_reclaim() -> ReclaimState {
    expect_context::<ReclaimState>()
}
