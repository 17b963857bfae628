//! The safety checklist: the warnings a planned change carries, and which of them the
//! admin has ticked. It is the one answer to "may this be sent?" for a user's change, a
//! group's change and a bulk run alike.
//!
//! A tick is kept by the warning it acknowledges, never by its position, so when the plan
//! changes ([`Checklist::replan`]) a tick survives only if exactly the same warning is
//! still there: a warning that changed (another plan, another SKU) or disappeared takes
//! its tick with it, and a new warning starts unticked.
//!
//! The planner's [`Warning`]s are what it holds by default; any other warning the admin
//! must acknowledge before something is sent (a reclaim run's mailbox warning) implements
//! [`Acknowledge`] and gets the same rules.

use crate::licensing::plan::Warning;

/// A warning the checklist can hold.
pub trait Acknowledge: Clone + PartialEq {
    /// Whether the admin must tick it before the change may be sent.
    fn needs_ack(&self) -> bool {
        true
    }
}

impl Acknowledge for Warning {
    fn needs_ack(&self) -> bool {
        Warning::needs_ack(self)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checklist<W = Warning> {
    /// The plan's warnings, each once, in the plan's order.
    warnings: Vec<W>,
    /// The warnings the admin ticked; always a subset of `warnings`.
    ticked: Vec<W>,
}

impl<W> Default for Checklist<W> {
    fn default() -> Self {
        Checklist {
            warnings: Vec::new(),
            ticked: Vec::new(),
        }
    }
}

impl<W: Acknowledge> Checklist<W> {
    /// The warnings of a plan, none ticked yet.
    pub fn new(warnings: impl IntoIterator<Item = W>) -> Self {
        let mut checklist = Checklist::default();
        checklist.replan(warnings);
        checklist
    }

    /// The plan changed: these are its warnings now. Ticks of warnings still present
    /// stay; every other tick goes.
    pub fn replan(&mut self, warnings: impl IntoIterator<Item = W>) {
        self.warnings.clear();
        for warning in warnings {
            if !self.warnings.contains(&warning) {
                self.warnings.push(warning);
            }
        }
        let present = &self.warnings;
        self.ticked.retain(|tick| present.contains(tick));
    }

    /// Ticks or unticks `warning`; a warning the plan does not carry can't be ticked.
    pub fn tick(&mut self, warning: &W, ticked: bool) {
        self.ticked.retain(|tick| tick != warning);
        if ticked && self.warnings.contains(warning) {
            self.ticked.push(warning.clone());
        }
    }

    pub fn is_ticked(&self, warning: &W) -> bool {
        self.ticked.contains(warning)
    }

    /// Every warning of the plan, in its order.
    pub fn warnings(&self) -> &[W] {
        &self.warnings
    }

    pub fn is_empty(&self) -> bool {
        self.warnings.is_empty()
    }

    /// Warnings that must be ticked and are not.
    pub fn unticked(&self) -> usize {
        self.warnings
            .iter()
            .filter(|w| w.needs_ack() && !self.is_ticked(w))
            .count()
    }

    /// May the change be sent: every warning that needs a tick has one.
    pub fn may_send(&self) -> bool {
        self.unticked() == 0
    }

    /// What the admin acknowledged, for the engine: a workflow sends only what these
    /// cover, and refuses a write whose plan brings a warning not among them.
    pub fn acknowledged(&self) -> Vec<W> {
        self.ticked.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::ids::{PlanId, SkuId};

    fn switched_on(plan: &str, off_in: &str, on_via: &str) -> Warning {
        Warning::PlanSwitchedOn {
            plan: PlanId::new(plan),
            off_in: SkuId::new(off_in),
            on_via: SkuId::new(on_via),
        }
    }

    #[test]
    fn every_warning_must_be_ticked_before_sending() {
        let exchange = switched_on("exchange", "e3", "e5");
        let mut checklist = Checklist::new([exchange.clone(), Warning::MissingUsageLocation]);
        assert!(!checklist.may_send());
        assert_eq!(checklist.unticked(), 2);
        checklist.tick(&exchange, true);
        assert!(!checklist.may_send());
        checklist.tick(&Warning::MissingUsageLocation, true);
        assert!(checklist.may_send());
        assert_eq!(checklist.acknowledged().len(), 2);
        checklist.tick(&exchange, false);
        assert!(!checklist.may_send());
        assert_eq!(
            checklist.acknowledged(),
            vec![Warning::MissingUsageLocation]
        );
    }

    #[test]
    fn a_tick_does_not_survive_a_change_of_plan() {
        let via_e5 = switched_on("exchange", "e3", "e5");
        let via_m365 = switched_on("exchange", "e3", "m365-e3");
        let mut checklist = Checklist::new([via_e5.clone()]);
        checklist.tick(&via_e5, true);
        assert!(checklist.may_send());
        // The admin chose another SKU: the same plan now turns on through it. The old
        // tick acknowledged something else, so it is gone.
        checklist.replan([via_m365.clone()]);
        assert!(!checklist.is_ticked(&via_m365));
        assert!(!checklist.may_send());
        assert!(checklist.acknowledged().is_empty());
        // Going back does not bring the old tick back either.
        checklist.replan([via_e5.clone()]);
        assert!(!checklist.may_send());
    }

    #[test]
    fn a_tick_of_a_warning_still_there_is_kept_and_positions_do_not_matter() {
        let exchange = switched_on("exchange", "e3", "e5");
        let sway = switched_on("sway", "e3", "e5");
        let mut checklist = Checklist::new([exchange.clone(), sway.clone()]);
        checklist.tick(&sway, true);
        // The plan lost its first warning: the second moves to the first place, and its
        // tick goes with it rather than with the position.
        checklist.replan([sway.clone()]);
        assert!(checklist.is_ticked(&sway));
        assert!(checklist.may_send());
        checklist.replan([exchange.clone(), sway.clone()]);
        assert!(!checklist.is_ticked(&exchange));
        assert!(checklist.is_ticked(&sway));
    }

    #[test]
    fn a_warning_the_plan_does_not_carry_cannot_be_ticked() {
        let mut checklist = Checklist::new([Warning::MissingUsageLocation]);
        checklist.tick(&switched_on("exchange", "e3", "e5"), true);
        assert!(checklist.acknowledged().is_empty());
        assert!(Checklist::<Warning>::new([]).may_send());
    }
}
