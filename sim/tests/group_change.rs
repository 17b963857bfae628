//! The group license change state machine against the simulator, in simulated time:
//! warnings held until ticked, throttled and unclear writes, processing followed to the
//! end, and the member counts before and after.
#![cfg(not(target_arch = "wasm32"))]

use license_desk_core::graph::ids::PlanId;
use license_desk_core::graph::request::{ApiVersion, GraphEndpoint, GraphRequest};
use license_desk_core::graph::response::RawResponse;
use license_desk_core::groups::change::{
    Effect, Ending, Event, GroupChangeOptions, GroupChangeRun, GroupReport, MemberCounts, Phase,
};
use license_desk_core::licensing::plan::Change;
use license_desk_core::licensing::plan::Warning;
use license_desk_core::ops::{Outcome, Outgoing, RequestId, Signal};
use license_desk_sim::fixtures::{add_sku, catalog_of, fresh_token, g, set_plan, NOW, ORIGIN};
use license_desk_sim::seed::*;
use license_desk_sim::{SimConfig, SimOutcome, Simulator};
use std::collections::VecDeque;

const LATENCY_MS: u64 = 100;

/// What happens to one `assignLicense` sent to the group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum WriteFault {
    /// 429 with `Retry-After: 2`; not applied.
    Throttled,
    /// 503 before the simulator sees it; not applied.
    Unavailable,
    /// Applied, but answered 504.
    AppliedThen504,
    /// Applied; the answer never arrives.
    AnswerLost,
    /// 401: the token expired; not applied.
    Expired,
}

struct Driver {
    sim: Simulator,
    now: u64,
    token: String,
    answers: Vec<(u64, RequestId, Outcome)>,
    timer: Option<u64>,
    write_faults: VecDeque<WriteFault>,
    writes_applied: u32,
    write_times: Vec<u64>,
    needs_ack: Vec<Vec<Warning>>,
    awaiting_token: u32,
    phases: Vec<Phase>,
    report: Option<GroupReport>,
}

impl Driver {
    fn new(faults: &[WriteFault]) -> Self {
        Driver {
            sim: Simulator::new(SimConfig {
                group_processing_ms: 6_000,
                ..SimConfig::default()
            }),
            now: NOW,
            token: fresh_token(NOW),
            answers: Vec::new(),
            timer: None,
            write_faults: faults.iter().copied().collect(),
            writes_applied: 0,
            write_times: Vec::new(),
            needs_ack: Vec::new(),
            awaiting_token: 0,
            phases: Vec::new(),
            report: None,
        }
    }

    /// Starts the change of `group` (with the warnings `acked` ticked in the preview) and
    /// runs it until it finishes or waits for the admin.
    fn start(&mut self, group: &str, changes: Vec<Change>, acked: Vec<Warning>) -> GroupChangeRun {
        let mut run = GroupChangeRun::new(
            GraphEndpoint::parse(ORIGIN, ApiVersion::V1).unwrap(),
            g(group),
            changes,
            catalog_of(self.sim.tenant()),
            acked,
            GroupChangeOptions::default(),
        );
        self.step(&mut run, Event::Signal(Signal::Start));
        self.run(&mut run);
        run
    }

    fn step(&mut self, run: &mut GroupChangeRun, event: Event) {
        for effect in run.step(self.now, event) {
            match effect {
                Effect::Send(Outgoing { id, request }) => self.send(id, &request),
                Effect::WakeAt(at) => self.timer = Some(at),
                Effect::Record(record) => self.phases.push(record.phase),
                Effect::NeedsAcknowledgement(warnings) => self.needs_ack.push(warnings),
                Effect::Finished(report) => self.report = Some(*report),
                Effect::AwaitingToken => self.awaiting_token += 1,
            }
        }
    }

    /// Delivers answers and timers until the run finishes or nothing is left to deliver.
    fn run(&mut self, run: &mut GroupChangeRun) {
        let mut steps = 0;
        while self.report.is_none() {
            steps += 1;
            assert!(steps < 10_000, "the run never ends");
            self.answers.sort_by_key(|(at, id, _)| (*at, *id));
            let next_answer = self.answers.first().map(|(at, _, _)| *at);
            let event = match (next_answer, self.timer) {
                (Some(at), Some(wake)) if wake < at => {
                    self.timer = None;
                    self.now = self.now.max(wake);
                    Event::Signal(Signal::Timer)
                }
                (Some(at), _) => {
                    let (_, id, outcome) = self.answers.remove(0);
                    self.now = self.now.max(at);
                    Event::Signal(Signal::Response { id, outcome })
                }
                (None, Some(wake)) => {
                    self.timer = None;
                    self.now = self.now.max(wake);
                    Event::Signal(Signal::Timer)
                }
                (None, None) => return,
            };
            self.step(run, event);
        }
    }

    fn send(&mut self, id: RequestId, request: &GraphRequest) {
        let at = self.now + LATENCY_MS;
        let is_write = request.method.is_write();
        let fault = if is_write {
            self.write_times.push(self.now);
            self.write_faults.pop_front()
        } else {
            None
        };
        match fault {
            Some(WriteFault::Throttled) => {
                let response = RawResponse {
                    status: 429,
                    headers: vec![("Retry-After".into(), "2".into())],
                    body: r#"{"error":{"code":"TooManyRequests","message":"Please retry again later."}}"#.into(),
                };
                return self.answers.push((at, id, Outcome::Answered(response)));
            }
            Some(WriteFault::Expired) => {
                let response = RawResponse {
                    status: 401,
                    headers: Vec::new(),
                    body: r#"{"error":{"code":"InvalidAuthenticationToken","message":"Lifetime validation failed, the token is expired."}}"#.into(),
                };
                return self.answers.push((at, id, Outcome::Answered(response)));
            }
            Some(WriteFault::Unavailable) => {
                return self
                    .answers
                    .push((at, id, Outcome::Answered(status_only(503))));
            }
            _ => {}
        }
        let incoming = license_desk_sim::fixtures::sim_request(request, &self.token);
        let SimOutcome::Respond(response) = self.sim.handle(&incoming, self.now) else {
            panic!("no faults are configured in the simulator");
        };
        if is_write && response.is_success() {
            self.writes_applied += 1;
        }
        let outcome = match fault {
            Some(WriteFault::AppliedThen504) => Outcome::Answered(status_only(504)),
            Some(WriteFault::AnswerLost) => {
                return self.answers.push((
                    at + 10_000,
                    id,
                    Outcome::TimedOut { after_ms: 10_000 },
                ));
            }
            _ => Outcome::Answered(response),
        };
        self.answers.push((at, id, outcome));
    }
}

fn status_only(status: u16) -> RawResponse {
    RawResponse {
        status,
        headers: vec![("request-id".into(), format!("fault-{status}"))],
        body: String::new(),
    }
}

/// Turning SharePoint (Plan 2) back on in Project Managers' Project Online Premium.
fn sharepoint_on() -> Vec<Change> {
    vec![set_plan(PROJECT_PREMIUM, PLAN_SHAREPOINT_P2, true)]
}

fn sharepoint_warning() -> Warning {
    Warning::PlanSwitchedOn {
        plan: g(PLAN_SHAREPOINT_P2),
        off_in: g(PROJECT_PREMIUM),
        on_via: g(PROJECT_PREMIUM),
    }
}

#[test]
fn nothing_is_sent_until_the_warning_is_ticked_then_errors_clear() {
    let mut driver = Driver::new(&[]);
    let mut run = driver.start(GROUP_PROJECT, sharepoint_on(), Vec::new());
    assert_eq!(run.phase(), Phase::AwaitingAcknowledgement);
    assert_eq!(driver.needs_ack, vec![vec![sharepoint_warning()]]);
    assert!(driver.write_times.is_empty(), "no write before the tick");
    // Ticking something else is not enough.
    driver.step(
        &mut run,
        Event::Acknowledge(vec![Warning::MissingUsageLocation]),
    );
    assert!(driver.write_times.is_empty());
    driver.step(&mut run, Event::Acknowledge(vec![sharepoint_warning()]));
    driver.run(&mut run);

    let report = driver.report.clone().expect("finished");
    assert_eq!(report.ending, Ending::Done);
    assert!(report.processing_complete);
    assert_eq!(report.writes_sent, 1);
    assert_eq!(driver.writes_applied, 1);
    let body = report.plan.as_ref().unwrap().body.clone().unwrap();
    assert_eq!(body.add_licenses[0].disabled_plans, Vec::<PlanId>::new());
    let diff = report.diff.clone().unwrap();
    assert_eq!(
        diff.plans_on.get(&g(PROJECT_PREMIUM)),
        Some(&vec![g(PLAN_SHAREPOINT_P2)])
    );
    assert_eq!(
        report.counts_before,
        Some(MemberCounts {
            members: 2,
            active: 0,
            error: 2,
            pending: 0
        })
    );
    assert_eq!(
        report.counts_after,
        Some(MemberCounts {
            members: 2,
            active: 1,
            error: 1,
            pending: 0
        })
    );
    assert_eq!(
        license_desk_core::wording::groups::member_counts_change(
            report.counts_before.as_ref().unwrap(),
            report.counts_after.as_ref().unwrap()
        ),
        "Errors: 2 → 1; Active: 0 → 1"
    );
    // Processing takes 6 s after the write; the run saw it through, not less.
    let accepted = driver.write_times[0];
    assert!(
        driver.now >= accepted + 6_000,
        "finished at +{} ms",
        driver.now - accepted
    );
    assert!(
        driver.now < accepted + 6_000 + 30_000,
        "polled with bounded backoff"
    );
    assert!(driver.phases.contains(&Phase::Processing));
}

#[test]
fn a_warning_ticked_in_the_preview_lets_the_write_go_at_once() {
    let mut driver = Driver::new(&[]);
    driver.start(GROUP_PROJECT, sharepoint_on(), vec![sharepoint_warning()]);
    assert!(driver.needs_ack.is_empty());
    assert_eq!(driver.report.unwrap().ending, Ending::Done);
}

/// Turns SharePoint on for Project Managers, ticked in the preview, with the first write
/// meeting `fault`: the run still ends done, with the change applied once.
fn done_despite(fault: WriteFault) -> (Driver, GroupReport) {
    let mut driver = Driver::new(&[fault]);
    driver.start(GROUP_PROJECT, sharepoint_on(), vec![sharepoint_warning()]);
    let report = driver.report.clone().unwrap();
    assert_eq!(report.ending, Ending::Done, "{fault:?}");
    assert_eq!(driver.writes_applied, 1, "{fault:?}");
    (driver, report)
}

#[test]
fn a_throttled_write_is_sent_again_after_the_wait() {
    let (driver, report) = done_despite(WriteFault::Throttled);
    assert_eq!(report.writes_sent, 2);
    assert!(
        driver.write_times[1] >= driver.write_times[0] + LATENCY_MS + 2_000,
        "Retry-After honoured"
    );
    assert_eq!(report.counts_after.unwrap().active, 1);
}

#[test]
fn a_401_on_the_write_pauses_the_change_and_a_fresh_token_resumes_it() {
    let mut driver = Driver::new(&[WriteFault::Expired]);
    let mut run = driver.start(GROUP_PROJECT, sharepoint_on(), vec![sharepoint_warning()]);
    // Paused, not failed: nothing more is sent until the token is fresh.
    assert_eq!(driver.report, None);
    assert_eq!(driver.awaiting_token, 1);
    assert_eq!(driver.write_times.len(), 1);
    driver.now += 60_000;
    driver.step(&mut run, Event::Signal(Signal::FreshToken));
    driver.run(&mut run);
    let report = driver.report.clone().unwrap();
    assert_eq!(report.ending, Ending::Done);
    assert_eq!(report.writes_sent, 2, "the refused write, and once more");
    assert_eq!(driver.writes_applied, 1);
    assert_eq!(report.counts_after.unwrap().active, 1);
}

#[test]
fn a_change_paused_for_a_token_can_be_cancelled_with_nothing_applied() {
    let mut driver = Driver::new(&[WriteFault::Expired]);
    let mut run = driver.start(GROUP_PROJECT, sharepoint_on(), vec![sharepoint_warning()]);
    driver.step(&mut run, Event::Signal(Signal::Cancel));
    assert_eq!(driver.report.clone().unwrap().ending, Ending::Cancelled);
    assert_eq!(driver.writes_applied, 0);
    // A token pasted later sends nothing.
    driver.step(&mut run, Event::Signal(Signal::FreshToken));
    assert_eq!(driver.write_times.len(), 1);
}

#[test]
fn an_applied_write_answered_504_is_confirmed_by_reading_never_resent() {
    for fault in [WriteFault::AppliedThen504, WriteFault::AnswerLost] {
        let (driver, report) = done_despite(fault);
        assert_eq!(report.writes_sent, 1, "{fault:?}: not sent again");
        assert!(driver.phases.contains(&Phase::Verifying));
        assert_eq!(report.counts_after.unwrap().error, 1);
    }
}

#[test]
fn a_503_that_applied_nothing_is_sent_again_only_after_reads_show_it_missing() {
    let (driver, report) = done_despite(WriteFault::Unavailable);
    assert_eq!(report.writes_sent, 2);
    // Three reads of the group came between the two writes.
    assert!(driver.write_times[1] > driver.write_times[0] + 3 * LATENCY_MS);
}

#[test]
fn a_new_sku_without_enough_seats_warns_and_members_end_in_count_violation() {
    let mut driver = Driver::new(&[]);
    let add_e5 = vec![add_sku(E5, &[])];
    let mut run = driver.start(GROUP_SECURITY, add_e5, Vec::new());
    let warnings = driver.needs_ack[0].clone();
    assert!(
        matches!(warnings[0], Warning::NotEnoughSeatsForMembers { free: 0, needed, .. } if needed > 0),
        "{warnings:?}"
    );
    driver.step(&mut run, Event::Acknowledge(warnings));
    driver.run(&mut run);
    let report = driver.report.unwrap();
    assert_eq!(report.ending, Ending::Done);
    let before = report.counts_before.unwrap();
    let after = report.counts_after.unwrap();
    assert_eq!(before.error, 0);
    assert_eq!(after.error, after.members, "{after:?}");
    assert_eq!(report.diff.unwrap().added, vec![g(E5)]);
}

#[test]
fn a_change_the_group_already_has_sends_nothing_and_a_refusal_stops_the_run() {
    let mut driver = Driver::new(&[]);
    let same = vec![set_plan(PROJECT_PREMIUM, PLAN_SHAREPOINT_P2, false)];
    driver.start(GROUP_PROJECT, same, Vec::new());
    assert_eq!(driver.report.clone().unwrap().ending, Ending::NothingToDo);
    assert!(driver.write_times.is_empty());

    let mut driver = Driver::new(&[]);
    let remove_e5 = vec![Change::Remove { sku: g(E5) }];
    driver.start(GROUP_PROJECT, remove_e5, Vec::new());
    assert_eq!(driver.report.clone().unwrap().ending, Ending::Refused);
    assert!(driver.write_times.is_empty());
}

#[test]
fn cancel_before_the_tick_sends_nothing() {
    let mut driver = Driver::new(&[]);
    let mut run = driver.start(GROUP_PROJECT, sharepoint_on(), Vec::new());
    driver.step(&mut run, Event::Signal(Signal::Cancel));
    assert_eq!(driver.report.clone().unwrap().ending, Ending::Cancelled);
    driver.step(&mut run, Event::Acknowledge(vec![sharepoint_warning()]));
    assert!(driver.write_times.is_empty());
}
