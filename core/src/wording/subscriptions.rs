//! What License Desk says about subscriptions that end, fall into their grace period or
//! are already winding down.

use crate::licensing::catalog::Catalog;
use crate::licensing::subscriptions::{AlertKind, SubscriptionAlert};

/// "in 12 days (2027-01-27)", "today", or "" when Graph gave no date.
fn when(alert: &SubscriptionAlert) -> String {
    let date = alert
        .at_ms
        .map(|ms| crate::bulk::iso_utc(ms)[..10].to_string());
    match (alert.days_left, date) {
        (Some(0), Some(date)) => format!("today ({date})"),
        (Some(1), Some(date)) => format!("in 1 day ({date})"),
        (Some(days), Some(date)) => format!("in {days} days ({date})"),
        _ => String::new(),
    }
}

fn seats(alert: &SubscriptionAlert) -> String {
    match alert.seats {
        Some(1) => "its 1 seat".into(),
        Some(n) if n > 0 => format!("its {} seats", super::bulk::count(n as usize)),
        Some(n) => format!("its {n} seats"),
        None => "its seats".into(),
    }
}

impl SubscriptionAlert {
    /// One sentence for the subscriptions screen, e.g. "The Office 365 E5 trial ends in
    /// 12 days (2027-01-27): its 25 seats stop working unless you buy it."
    pub fn describe(&self, catalog: &Catalog) -> String {
        let name = catalog.sku_name(&self.sku_id);
        let when = when(self);
        let seats = seats(self);
        match (&self.kind, when.is_empty()) {
            (AlertKind::TrialEnds, false) => format!(
                "The {name} trial ends {when}: {seats} stop working unless you buy it."
            ),
            (AlertKind::TrialEnds, true) => {
                format!("The {name} trial is ending: {seats} stop working unless you buy it.")
            }
            (AlertKind::EntersGracePeriod, false) => format!(
                "{name} enters its grace period {when} unless it is renewed; {seats} keep working until it is suspended."
            ),
            (AlertKind::EntersGracePeriod, true) => format!(
                "{name} is due for renewal; {seats} keep working until it is suspended."
            ),
            (AlertKind::InGracePeriod, false) => format!(
                "{name} has expired and is in its grace period: renew it, or {seats} are suspended {when}."
            ),
            (AlertKind::InGracePeriod, true) => format!(
                "{name} has expired and is in its grace period: renew it, or {seats} will be suspended."
            ),
            (AlertKind::Suspended, _) => format!(
                "{name} is suspended: {seats} can't be assigned. Reactivate it before it is deleted{}.",
                if when.is_empty() { String::new() } else { format!("; the next step comes {when}") }
            ),
            (AlertKind::LockedOut, _) => format!(
                "{name} is locked out: nobody can use {seats}, and it is deleted next{}.",
                if when.is_empty() { String::new() } else { format!(", {when}") }
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::ids::SkuId;

    fn alert(kind: AlertKind, days: Option<u64>) -> SubscriptionAlert {
        // 2027-01-15T08:00:00Z plus the days.
        let now = 1_800_000_000_000u64;
        SubscriptionAlert {
            subscription_id: "s".into(),
            sku_id: SkuId::new("c7df2760-2c81-4ef7-b578-5b5392b571df"),
            sku_part_number: "ENTERPRISEPREMIUM".into(),
            kind,
            at_ms: days.map(|d| now + d * 86_400_000),
            days_left: days,
            seats: Some(25),
        }
    }

    #[test]
    fn each_alert_names_the_product_the_date_and_the_seats() {
        let catalog = Catalog::default();
        let trial = alert(AlertKind::TrialEnds, Some(12)).describe(&catalog);
        assert!(
            trial.contains("trial ends in 12 days (2027-01-27)"),
            "{trial}"
        );
        assert!(trial.contains("its 25 seats"), "{trial}");
        let grace = alert(AlertKind::InGracePeriod, Some(0)).describe(&catalog);
        assert!(grace.contains("suspended today (2027-01-15)"), "{grace}");
        let renewal = alert(AlertKind::EntersGracePeriod, None).describe(&catalog);
        assert!(renewal.contains("due for renewal"), "{renewal}");
        let locked = alert(AlertKind::LockedOut, Some(1)).describe(&catalog);
        assert!(
            locked.contains("deleted next, in 1 day (2027-01-16)."),
            "{locked}"
        );
        let suspended = alert(AlertKind::Suspended, None).describe(&catalog);
        assert!(suspended.ends_with("before it is deleted."), "{suspended}");
    }
}
