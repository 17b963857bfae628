//! Group-based licensing as Entra ID runs it: asynchronously.
//!
//! `POST /groups/{id}/assignLicense` changes the group's licenses at once and answers
//! `202 Accepted` with a `location` header; the members are licensed in the background
//! (Microsoft's docs: "the changes could take time to process"). Here a change starts a
//! [`GroupRun`] lasting `SimConfig::group_processing_ms`: the group reads
//! `QueuedForProcessing` for its first quarter, then `ProcessingInProgress`, and
//! `ProcessingComplete` once the run is over. When it is over every direct member is
//! processed as a reprocess would (states re-evaluated, seats taken in directory order,
//! each group-based state stamped with the completion time). A new change while a run is
//! going starts it again. Runs finish lazily, on the first request at or after their end
//! (or [`Simulator::advance`]), so the simulator stays a pure function of the time given.

use super::Simulator;
use license_desk_core::graph::ids::GroupId;
use license_desk_core::graph::model::ProcessingState;

/// One group license change being applied to the members.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct GroupRun {
    pub started_ms: u64,
    pub done_ms: u64,
}

impl GroupRun {
    /// The group's `licenseProcessingState.state` at `now_ms`.
    pub fn state(&self, now_ms: u64) -> ProcessingState {
        let queued_until = self.started_ms + (self.done_ms - self.started_ms) / 4;
        if now_ms >= self.done_ms {
            ProcessingState::ProcessingComplete
        } else if now_ms < queued_until {
            ProcessingState::QueuedForProcessing
        } else {
            ProcessingState::ProcessingInProgress
        }
    }
}

/// The `location` header of a group `assignLicense` answer, shaped like the one in
/// Microsoft's example (`…/v2/{tenant}/directoryObjects/{group}/Microsoft.DirectoryServices.Group`).
pub(crate) fn location(origin: &str, tenant: &str, group: &str) -> String {
    format!("{origin}/v2/{tenant}/directoryObjects/{group}/Microsoft.DirectoryServices.Group")
}

impl Simulator {
    /// Finishes every group run due by `now_ms`: its members are processed, stamped with
    /// the time the run ended. Requests do this themselves; tests inspecting
    /// [`Simulator::tenant`] between requests call it.
    pub fn advance(&mut self, now_ms: u64) {
        let mut due: Vec<(u64, GroupId)> = self
            .group_runs
            .iter()
            .filter(|(_, run)| run.done_ms <= now_ms)
            .map(|(group, run)| (run.done_ms, group.clone()))
            .collect();
        due.sort();
        for (done_ms, group) in due {
            self.group_runs.remove(&group);
            let stamp = Simulator::clock_iso(done_ms);
            for index in self.tenant.direct_members(&group) {
                let before = self.read_user(index, now_ms);
                self.tenant.process_groups(index, &stamp);
                self.publish(index, before, now_ms);
            }
        }
    }

    /// Starts (or restarts) applying `group`'s licenses to its members at `now_ms`.
    pub(crate) fn start_group_run(&mut self, group: GroupId, now_ms: u64) {
        let run = GroupRun {
            started_ms: now_ms,
            done_ms: now_ms + self.config.group_processing_ms,
        };
        self.group_runs.insert(group, run);
    }

    /// `licenseProcessingState.state` of `group` at `now_ms`.
    pub fn group_processing_state(&self, group: &GroupId, now_ms: u64) -> ProcessingState {
        self.group_runs
            .get(group)
            .map_or(ProcessingState::ProcessingComplete, |run| run.state(now_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_is_queued_then_in_progress_then_complete() {
        let run = GroupRun {
            started_ms: 1_000,
            done_ms: 5_000,
        };
        assert_eq!(run.state(1_000), ProcessingState::QueuedForProcessing);
        assert_eq!(run.state(1_999), ProcessingState::QueuedForProcessing);
        assert_eq!(run.state(2_000), ProcessingState::ProcessingInProgress);
        assert_eq!(run.state(4_999), ProcessingState::ProcessingInProgress);
        assert_eq!(run.state(5_000), ProcessingState::ProcessingComplete);
    }
}
