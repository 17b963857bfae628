//! A read from Graph for the signed-in tenant, as a screen holds it: Leptos'
//! [`LocalResource`], keyed by the session's epoch.
//!
//! Every answer is stamped with the epoch it was asked in, and only an answer of the
//! current epoch is ever given out: after signing out, or into another tenant, an answer
//! still on its way from the previous tenant can never land on screen. Reading it inside
//! `<Suspense>` or `<Transition>` shows their fallback while it loads.
//!
//! A read is either eager (it reads as soon as there is something to read: the tenant's
//! SKUs) or on demand (nothing is read until [`TenantRead::load`] asks, and each `load`
//! reads afresh: a screen that asks when it opens).

use crate::transport::session::Session;
use leptos::prelude::*;
use license_desk_core::graph::error::GraphError;
use std::future::Future;

/// A read's answer: the value, or why Graph gave none.
pub type Answer<T> = Result<T, GraphError>;

/// An answer and the epoch it was asked in (`None`: there was nothing to read).
#[derive(Clone)]
struct Stamped<T> {
    epoch: u64,
    answer: Option<Answer<T>>,
}

pub struct TenantRead<T: 'static> {
    resource: LocalResource<Stamped<T>>,
    session: Session,
    /// Asked in which epoch, and how many times (on-demand reads only).
    asked: Option<RwSignal<Option<(u64, u64)>>>,
}

impl<T: 'static> Clone for TenantRead<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for TenantRead<T> {}

impl<T: Clone + 'static> TenantRead<T> {
    /// Reads whenever `fetch` has something to read: it returns `None` when there is
    /// nothing (signed out, no user open), and is run again when a signal it reads
    /// changes, or the epoch does.
    pub fn eager<Fut>(session: Session, fetch: impl Fn() -> Option<Fut> + 'static) -> Self
    where
        Fut: Future<Output = Answer<T>> + 'static,
    {
        Self::build(session, None, fetch)
    }

    /// Reads only when [`Self::load`] asks, afresh each time.
    pub fn on_demand<Fut>(session: Session, fetch: impl Fn() -> Option<Fut> + 'static) -> Self
    where
        Fut: Future<Output = Answer<T>> + 'static,
    {
        Self::build(session, Some(RwSignal::new(None)), fetch)
    }

    fn build<Fut>(
        session: Session,
        asked: Option<RwSignal<Option<(u64, u64)>>>,
        fetch: impl Fn() -> Option<Fut> + 'static,
    ) -> Self
    where
        Fut: Future<Output = Answer<T>> + 'static,
    {
        let resource = LocalResource::new(move || {
            let epoch = session.tenant_epoch();
            let wanted = asked.is_none_or(|asked| asked.with(|a| a.is_some_and(|a| a.0 == epoch)));
            let future = wanted.then(&fetch).flatten();
            async move {
                Stamped {
                    epoch,
                    answer: match future {
                        Some(future) => Some(future.await),
                        None => None,
                    },
                }
            }
        });
        TenantRead {
            resource,
            session,
            asked,
        }
    }

    /// Reads (again), for an on-demand read; an eager one reads again too.
    pub fn load(&self) {
        match self.asked {
            Some(asked) => {
                let epoch = self.session.epoch();
                asked.update(|a| {
                    let times = a.filter(|a| a.0 == epoch).map_or(0, |a| a.1);
                    *a = Some((epoch, times + 1));
                });
            }
            None => self.resource.refetch(),
        }
    }

    /// Reads once in this epoch: what is already read (or being read) stays.
    pub fn load_once(&self) {
        let epoch = self.session.epoch();
        let asked = self
            .asked
            .is_some_and(|asked| asked.with_untracked(|a| a.is_some_and(|a| a.0 == epoch)));
        if !asked {
            self.load();
        }
    }

    /// Applies `read` to the answer of this tenant, tracked: `None` while loading or when
    /// there is nothing to read.
    pub fn with<R>(&self, read: impl FnOnce(Option<&Answer<T>>) -> R) -> R {
        let epoch = self.session.tenant_epoch();
        self.resource.with(|stamped| {
            read(
                stamped
                    .as_ref()
                    .filter(|s| s.epoch == epoch)
                    .and_then(|s| s.answer.as_ref()),
            )
        })
    }

    /// The answer of this tenant, tracked.
    pub fn get(&self) -> Option<Answer<T>> {
        self.with(|answer| answer.cloned())
    }

    /// The value, when the read succeeded, tracked.
    pub fn ready(&self) -> Option<T> {
        self.with(|answer| answer.and_then(|a| a.as_ref().ok()).cloned())
    }

    /// The value, when the read succeeded, untracked.
    pub fn ready_untracked(&self) -> Option<T> {
        untrack(|| self.ready())
    }

    /// Applies `read` to the value when the read succeeded, tracked.
    pub fn with_ready<R>(&self, read: impl FnOnce(&T) -> R) -> Option<R> {
        self.with(|answer| answer.and_then(|a| a.as_ref().ok()).map(read))
    }

    /// Whether the read is under way (or nothing was read yet in this epoch).
    pub fn is_loading(&self) -> bool {
        self.with(|answer| answer.is_none()) && self.has_something_to_read()
    }

    fn has_something_to_read(&self) -> bool {
        let epoch = self.session.tenant_epoch();
        self.asked
            .is_none_or(|asked| asked.with(|a| a.is_some_and(|a| a.0 == epoch)))
    }

    /// Replaces the value with a newer one read elsewhere (a run's re-read of the user).
    /// A read still on its way is dropped, so it can't overwrite this.
    pub fn set_ready(&self, value: T) {
        let epoch = self.session.epoch();
        self.resource.set(Some(Stamped {
            epoch,
            answer: Some(Ok(value)),
        }));
    }

    /// Changes the value in place, if the read succeeded in this epoch.
    pub fn update_ready(&self, change: impl FnOnce(&mut T)) {
        let epoch = self.session.epoch();
        self.resource.update(|stamped| {
            if let Some(Stamped {
                epoch: read_in,
                answer: Some(Ok(value)),
            }) = stamped
            {
                if *read_in == epoch {
                    change(value);
                }
            }
        });
    }

    /// Forgets the answer (signed out): nothing of it stays in memory.
    pub fn forget(&self) {
        self.resource.set(None);
        if let Some(asked) = self.asked {
            asked.set(None);
        }
    }
}
