//! A read from Graph for the signed-in tenant, as a screen holds it: Leptos'
//! [`LocalResource`], keyed by the session's epoch.
//!
//! Every answer is stamped with the epoch it was asked in, and with its key (the user or
//! group it is about), and only an answer of the current epoch and key is ever given
//! out: after signing out, or into another tenant, an answer still on its way from the
//! previous tenant can never land on screen, and opening another user never shows the
//! last one while the new one loads. Reading it inside `<Suspense>` or `<Transition>`
//! shows their fallback while it loads.
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

/// An answer, the epoch it was asked in and what it is about (`answer` is `None`: there
/// was nothing to read).
#[derive(Clone)]
struct Stamped<T, K> {
    epoch: u64,
    key: Option<K>,
    answer: Option<Answer<T>>,
}

pub struct TenantRead<T: 'static, K: Send + Sync + 'static = ()> {
    resource: LocalResource<Stamped<T, K>>,
    session: Session,
    /// What the read is about now (the open user, the open group).
    key: Memo<Option<K>>,
    /// Asked in which epoch, and how many times (on-demand reads only).
    asked: Option<RwSignal<Option<(u64, u64)>>>,
}

impl<T: 'static, K: Send + Sync + 'static> Clone for TenantRead<T, K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static, K: Send + Sync + 'static> Copy for TenantRead<T, K> {}

impl<T: Clone + 'static, K: Clone + PartialEq + Send + Sync + 'static> TenantRead<T, K> {
    /// Reads what `key` names (`None`: nothing to read) whenever it changes, or the epoch
    /// does, with `fetch`, which may also find nothing to read (signed out).
    pub fn keyed<Fut>(
        session: Session,
        key: impl Fn() -> Option<K> + Send + Sync + 'static,
        fetch: impl Fn(K) -> Option<Fut> + 'static,
    ) -> Self
    where
        Fut: Future<Output = Answer<T>> + 'static,
    {
        let key = Memo::new(move |_| key());
        Self::build(session, key, None, move |key| key.and_then(&fetch))
    }
}

impl<T: Clone + 'static> TenantRead<T> {
    /// Reads whenever `fetch` has something to read: it returns `None` when there is
    /// nothing (signed out, no user open), and is run again when a signal it reads
    /// changes, or the epoch does.
    pub fn eager<Fut>(session: Session, fetch: impl Fn() -> Option<Fut> + 'static) -> Self
    where
        Fut: Future<Output = Answer<T>> + 'static,
    {
        let key = Memo::new(|_| Some(()));
        Self::build(session, key, None, move |_| fetch())
    }

    /// Reads only when [`Self::load`] asks, afresh each time.
    pub fn on_demand<Fut>(session: Session, fetch: impl Fn() -> Option<Fut> + 'static) -> Self
    where
        Fut: Future<Output = Answer<T>> + 'static,
    {
        let key = Memo::new(|_| Some(()));
        Self::build(session, key, Some(RwSignal::new(None)), move |_| fetch())
    }
}

impl<T: Clone + 'static, K: Clone + PartialEq + Send + Sync + 'static> TenantRead<T, K> {
    fn build<Fut>(
        session: Session,
        key: Memo<Option<K>>,
        asked: Option<RwSignal<Option<(u64, u64)>>>,
        fetch: impl Fn(Option<K>) -> Option<Fut> + 'static,
    ) -> Self
    where
        Fut: Future<Output = Answer<T>> + 'static,
    {
        let resource = LocalResource::new(move || {
            let epoch = session.tenant_epoch();
            let key = key.get();
            let wanted = asked.is_none_or(|asked| asked.with(|a| a.is_some_and(|a| a.0 == epoch)));
            let future = if wanted { fetch(key.clone()) } else { None };
            async move {
                Stamped {
                    epoch,
                    key,
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
            key,
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
        self.key.with(|key| {
            self.resource.with(|stamped| {
                read(
                    stamped
                        .as_ref()
                        .filter(|s| s.epoch == epoch && s.key == *key)
                        .and_then(|s| s.answer.as_ref()),
                )
            })
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
        let key = self.key.get_untracked();
        self.resource.set(Some(Stamped {
            epoch,
            key,
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
                ..
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
