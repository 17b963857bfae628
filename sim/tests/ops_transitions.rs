//! Each transition of the operations engine, driven by hand with Graph-shaped answers.
#![cfg(not(target_arch = "wasm32"))]

mod ops_support;

use license_desk_core::graph::model::User;
use license_desk_core::graph::request::Method;
use license_desk_core::licensing::plan::Change;
use license_desk_core::ops::{
    Event, Intent, JournalRecord, Options, Outcome, PauseReason, RequestId, Run, RunItem,
    Settlement, Status, WriteBudget,
};
use license_desk_sim::fixtures::{g, NOW};
use license_desk_sim::seed::{E3, EMS};
use ops_support::by_hand::*;

/// A reprocess of a user with a license from a group, up to its write: the shell, the
/// write's id and the user as read before it.
fn reprocess_up_to_the_write() -> (Shell, RequestId, User) {
    let before = user(1, &[], SEEDED);
    let item = RunItem::new(user_id(1), Intent::Reprocess);
    let (shell, write) = up_to_the_write(item, &before, no_batch());
    (shell, write, before)
}

#[test]
fn a_write_that_shows_is_done_with_its_diff() {
    let before = user(1, &[], SEEDED);
    let (mut shell, write) = up_to_the_write(add_ems(1), &before, no_batch());
    assert!(shell.answer(write, ok_user(&before)).is_empty());
    assert_eq!(shell.status(0), Status::Settling);
    let (read, _) = only(shell.wake_up());
    shell.answer(read, ok_user(&user(1, &[EMS], "2027-01-15T08:00:01Z")));
    let record = &shell.journal[&0];
    assert_eq!(record.status, Status::Done);
    assert_eq!(record.settlement, Some(Settlement::Shown));
    assert!(!record.diff.as_ref().unwrap().is_empty());
    assert_eq!(record.attempts, 1);
    assert_eq!(shell.finished.as_ref().unwrap().count(Status::Done), 1);
}

#[test]
fn unknown_outcome_is_read_back_and_a_shown_change_settles_without_a_resend() {
    let before = user(1, &[], SEEDED);
    let (mut shell, write) = up_to_the_write(add_ems(1), &before, no_batch());
    assert!(shell.answer(write, status_only(504, &[])).is_empty());
    assert_eq!(shell.status(0), Status::Unknown);
    let (read, request) = only(shell.wake_up());
    assert_eq!(request.method, Method::Get, "read before anything else");
    shell.answer(read, ok_user(&user(1, &[EMS], "2027-01-15T08:00:01Z")));
    let record = &shell.journal[&0];
    assert_eq!(record.status, Status::Done);
    assert_eq!(record.settlement, Some(Settlement::Shown));
    assert!(record.note.as_deref().unwrap().contains("a read shows it"));
    assert_eq!(shell.writes_sent(), 1);
}

#[test]
fn unknown_outcome_not_shown_after_the_window_is_sent_again() {
    let before = user(1, &[], SEEDED);
    let (mut shell, write) = up_to_the_write(add_ems(1), &before, no_batch());
    let first_sent = shell.now;
    shell.answer(write, Outcome::Dropped);
    assert_eq!(shell.status(0), Status::Unknown);
    // Reads keep not showing it; nothing is written until a read sent after the
    // window (3 s) still doesn't.
    let mut resent = None;
    for _ in 0..20 {
        let (id, request) = only(shell.wake_up());
        if request.method == Method::Get {
            let read_at = shell.now;
            let again = shell.answer(id, ok_user(&before));
            if read_at < first_sent + 3_000 {
                assert!(again.is_empty(), "no write inside the window");
            }
            if let Some((_, request)) = again.into_iter().next() {
                assert!(read_at >= first_sent + 3_000);
                resent = Some(request);
                break;
            }
        }
    }
    let resent = resent.expect("sent again");
    assert_eq!(resent.method, Method::Post);
    assert_eq!(shell.journal[&0].attempts, 2);
    assert_eq!(shell.status(0), Status::Sent);
}

#[test]
fn reprocess_with_an_unclear_answer_is_sent_again_once_reads_show_it_did_not_run() {
    let (mut shell, write, before) = reprocess_up_to_the_write();
    let mut sent = shell.answer(write, status_only(503, &[("Retry-After", "1")]));
    // Reads keep showing the group's state with its old stamp for the whole window.
    let again = loop {
        if sent.is_empty() {
            sent = shell.wake_up();
        }
        let (id, request) = only(std::mem::take(&mut sent));
        if request.method == Method::Post {
            break id;
        }
        sent = shell.answer(id, ok_user(&before));
    };
    assert!(shell.now >= NOW + 3_000, "only after the settle window");
    assert_eq!(shell.writes_sent(), 2);
    let processed = user(1, &[], "2027-01-15T08:00:05Z");
    shell.answer(again, ok_user(&processed));
    while shell.finished.is_none() {
        let (id, _) = only(shell.wake_up());
        shell.answer(id, ok_user(&processed));
    }
    let record = &shell.journal[&0];
    assert_eq!(record.status, Status::Done);
    assert_eq!(record.attempts, 2);
    assert_eq!(shell.writes_sent(), 2);
}

#[test]
fn reprocess_with_an_unclear_answer_that_ran_is_not_sent_again() {
    let (mut shell, write, _) = reprocess_up_to_the_write();
    shell.answer(write, status_only(504, &[]));
    let processed = user(1, &[], "2027-01-15T08:00:01Z");
    while shell.finished.is_none() {
        let (id, request) = only(shell.wake_up());
        assert_eq!(request.method, Method::Get);
        shell.answer(id, ok_user(&processed));
    }
    let record = &shell.journal[&0];
    assert_eq!(record.status, Status::Done);
    assert_eq!(shell.writes_sent(), 1);
}

#[test]
fn reprocess_of_a_user_with_no_license_from_a_group_sends_nothing() {
    let mut lone = user(1, &[EMS], SEEDED);
    lone.license_assignment_states
        .retain(|state| state.assigned_by_group.is_none());
    let mut shell = Shell::new(
        vec![RunItem::new(user_id(1), Intent::Reprocess)],
        no_batch(),
    );
    let (read, _) = only(shell.step(Event::Start));
    assert!(shell.answer(read, ok_user(&lone)).is_empty());
    assert_eq!(shell.status(0), Status::NoOp);
    assert!(shell.note(0).contains("Nothing to reprocess"));
    assert_eq!(shell.writes_sent(), 0);
}

#[test]
fn reprocess_that_changes_nothing_is_done_with_no_visible_change() {
    let (mut shell, write, before) = reprocess_up_to_the_write();
    shell.answer(write, ok_user(&before));
    while shell.finished.is_none() {
        let (id, _) = only(shell.wake_up());
        shell.answer(id, ok_user(&before));
    }
    let record = &shell.journal[&0];
    assert_eq!(record.status, Status::Done);
    assert_eq!(record.settlement, Some(Settlement::NoVisibleChange));
    assert!(record.note.as_deref().unwrap().contains("no license state"));
}

#[test]
fn an_accepted_write_reads_never_show_is_done_but_not_shown_yet() {
    let before = user(1, &[], SEEDED);
    let (mut shell, write) = up_to_the_write(add_ems(1), &before, no_batch());
    shell.answer(write, ok_user(&before));
    let mut reads = 0;
    while shell.finished.is_none() {
        let (id, _) = only(shell.wake_up());
        reads += 1;
        shell.answer(id, ok_user(&before));
    }
    let record = &shell.journal[&0];
    assert_eq!(record.status, Status::Done);
    assert_eq!(record.settlement, Some(Settlement::NotShownYet));
    assert!(shell.note(0).contains("don't show it yet"));
    assert!(reads >= 3, "{reads}");
}

#[test]
fn a_rejected_write_fails_with_what_to_do_and_graphs_words() {
    let before = user(1, &[], SEEDED);
    let (mut shell, write) = up_to_the_write(add_ems(1), &before, no_batch());
    let body = r#"{"error":{"code":"Request_BadRequest","message":"Subscription with SKU efccb6f7-5641-4e0e-bd10-b4976e1bf68e does not have any available licenses.","innerError":{"request-id":"abc-123"}}}"#;
    shell.answer(write, Outcome::Answered(response(400, body.into(), &[])));
    let record = &shell.journal[&0];
    assert_eq!(record.status, Status::Failed);
    let error = record.error.as_ref().unwrap();
    assert_eq!(error.headline, "No free seats in this subscription");
    assert!(error.what_to_do.contains("Free a seat"));
    assert_eq!(error.code.as_deref(), Some("Request_BadRequest"));
    assert_eq!(error.request_id.as_deref(), Some("abc-123"));
    assert!(record.request_ids.contains(&"req-400".to_string()));
}

#[test]
fn refusals_and_no_ops_never_write() {
    let mut shell = Shell::new(
        vec![
            RunItem::new(
                user_id(1),
                Intent::Change(vec![Change::Remove { sku: g(E3) }]),
            ),
            add_ems(2),
            RunItem::new(user_id(3), Intent::SetUsageLocation("us".into())),
        ],
        no_batch(),
    );
    let reads = shell.step(Event::Start);
    assert_eq!(reads.len(), 3);
    shell.answer(reads[0].0, ok_user(&user(1, &[], SEEDED)));
    shell.answer(reads[1].0, ok_user(&user(2, &[EMS], SEEDED)));
    shell.answer(reads[2].0, ok_user(&user(3, &[], SEEDED)));
    assert_eq!(shell.status(0), Status::Refused);
    assert!(shell.note(0).contains("inherited from group All Staff"));
    assert_eq!(shell.status(1), Status::NoOp);
    assert_eq!(shell.status(2), Status::NoOp);
    assert_eq!(shell.writes_sent(), 0);
    assert_eq!(shell.finished.as_ref().unwrap().total, 3);
}

#[test]
fn a_warning_the_admin_did_not_tick_stops_the_write() {
    // Since the preview, user 1's direct EMS got a plan turned off: re-adding EMS with all
    // plans on would now switch it back on, which nobody acknowledged.
    let mut before = user(1, &[EMS], SEEDED);
    let plan = catalog().sku(&g(EMS)).unwrap().service_plans[0]
        .service_plan_id
        .clone();
    before
        .license_assignment_states
        .iter_mut()
        .find(|s| s.sku_id == g(EMS))
        .unwrap()
        .disabled_plans = vec![plan.clone()];
    let readd = || {
        RunItem::new(
            user_id(1),
            Intent::Change(vec![Change::Add {
                sku: g(EMS),
                disabled_plans: vec![],
            }]),
        )
    };
    let mut shell = Shell::new(vec![readd()], no_batch());
    let (id, _) = only(shell.step(Event::Start));
    shell.answer(id, ok_user(&before));
    assert_eq!(shell.status(0), Status::Refused);
    assert!(shell.note(0).contains("acknowledgement"));
    assert_eq!(shell.writes_sent(), 0);

    // With the warning ticked, the same change is sent.
    let warning = license_desk_core::licensing::plan::plan(
        &before,
        &catalog(),
        &[Change::Add {
            sku: g(EMS),
            disabled_plans: vec![],
        }],
    )
    .warnings;
    assert!(!warning.is_empty());
    let mut acknowledged = readd();
    acknowledged.acknowledged_warnings = warning;
    let mut shell = Shell::new(vec![acknowledged], no_batch());
    let (id, _) = only(shell.step(Event::Start));
    let sent = shell.answer(id, ok_user(&before));
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].1.method, Method::Post);
}

/// Three items read in one batch; returns the shell and the write batch.
fn three_in_a_batch() -> (Shell, RequestId, Vec<String>) {
    let mut shell = Shell::new(
        vec![add_ems(0), add_ems(1), add_ems(2)],
        Options {
            settle_timeout_ms: 3_000,
            ..Options::default()
        },
    );
    let (read, request) = only(shell.step(Event::Start));
    let ids = batch_ids(&request);
    assert_eq!(ids, ["0", "1", "2"]);
    let users = (0..3)
        .map(|n| {
            (
                n.to_string(),
                200,
                Some(serde_json::to_value(user(n, &[], SEEDED)).unwrap()),
                &[][..],
            )
        })
        .collect();
    let (write, request) = only(shell.answer(read, batch_answer(users)));
    let ids = batch_ids(&request);
    assert_eq!(ids.len(), 3);
    (shell, write, ids)
}

#[test]
fn a_throttled_item_in_a_batch_waits_for_its_own_retry_after() {
    let (mut shell, write, ids) = three_in_a_batch();
    let sent_at = shell.now;
    let answer = batch_answer(vec![
        (ids[0].clone(), 200, None, &[]),
        (ids[1].clone(), 429, None, &[("Retry-After", "5")]),
        (ids[2].clone(), 200, None, &[]),
    ]);
    shell.answer(write, answer);
    assert_eq!(shell.status(0), Status::Settling);
    assert_eq!(shell.status(1), Status::Waiting);
    assert_eq!(shell.status(2), Status::Settling);
    // Settle reads go on; the throttled write waits 5 s.
    let mut resent_at = None;
    while resent_at.is_none() {
        for (id, request) in shell.wake_up() {
            let shown = |n: usize| user(n, &[EMS], "2027-01-15T08:00:01Z");
            if request.path == "/$batch" {
                let users = batch_ids(&request)
                    .iter()
                    .map(|i| {
                        let user = shown(i.parse().unwrap());
                        (
                            i.clone(),
                            200,
                            Some(serde_json::to_value(user).unwrap()),
                            &[][..],
                        )
                    })
                    .collect();
                shell.answer(id, batch_answer(users));
            } else if request.method == Method::Get {
                let n = (0..3)
                    .find(|n| request.path.contains(&user_id(*n)))
                    .unwrap();
                shell.answer(id, ok_user(&shown(n)));
            } else {
                assert_eq!(request.path, format!("/users/{}/assignLicense", user_id(1)));
                resent_at = Some(shell.now);
            }
        }
    }
    assert!(resent_at.unwrap() >= sent_at + 5_000);
    assert_eq!(shell.journal[&1].attempts, 2);
    assert_eq!(shell.finished, None);
}

#[test]
fn a_throttled_batch_sends_every_write_again_after_an_http_date_retry_after() {
    let (mut shell, write, ids) = three_in_a_batch();
    // 7 s from now, as an HTTP-date (NOW is 2027-01-15T08:00:00Z).
    let retry_at = "Fri, 15 Jan 2027 08:00:07 GMT";
    shell.answer(write, status_only(429, &[("Retry-After", retry_at)]));
    for index in 0..3 {
        assert_eq!(shell.status(index), Status::Waiting);
        assert_eq!(shell.journal[&index].attempts, 1);
    }
    // After the wait, one write goes alone as a probe; once Graph takes it, the rest
    // follow in one batch.
    let (probe, lone) = only(shell.wake_up());
    assert_eq!(shell.now, NOW + 7_000);
    assert_eq!(lone.method, Method::Post);
    assert_ne!(lone.path, "/$batch");
    assert!(lone.path.contains(&user_id(0)));
    let sent = shell.answer(probe, ok_user(&user(0, &[EMS], SEEDED)));
    let (_, rest) = only(sent.into_iter().filter(|(_, r)| writes_in(r) > 0).collect());
    assert_eq!(batch_ids(&rest), ids[1..]);
    assert_eq!(shell.writes_sent(), 6);
}

#[test]
fn writes_wait_for_tokens_in_the_bucket() {
    let options = Options {
        // The writes stay unanswered while the bucket refills: no reads alongside.
        overdue_floor_ms: 60_000,
        use_batch: false,
        max_in_flight: 10,
        write_budget: WriteBudget {
            writes: 2,
            window_ms: 1_000,
        },
        ..Options::default()
    };
    let mut shell = Shell::new((0..4).map(add_ems).collect(), options);
    let reads = shell.step(Event::Start);
    let mut writes = Vec::new();
    for (n, (id, _)) in reads.into_iter().enumerate() {
        writes.extend(shell.answer(id, ok_user(&user(n, &[], SEEDED))));
    }
    assert_eq!(writes.len(), 2, "the bucket holds two");
    assert_eq!(shell.wake, Some(NOW + 500));
    assert_eq!(only(shell.wake_up()).1.method, Method::Post);
    assert_eq!(shell.wake, Some(NOW + 1_000));
    assert_eq!(only(shell.wake_up()).1.method, Method::Post);
}

#[test]
fn cancel_stops_unsent_items_and_follows_sent_writes() {
    let mut shell = Shell::new(vec![add_ems(0), add_ems(1)], no_batch());
    let reads = shell.step(Event::Start);
    let (write, _) = only(shell.answer(reads[0].0, ok_user(&user(0, &[], SEEDED))));
    assert!(shell.step(Event::Cancel).is_empty());
    assert_eq!(shell.status(1), Status::Cancelled);
    assert_eq!(shell.status(0), Status::Sent);
    // The late read of the cancelled item changes nothing.
    shell.answer(reads[1].0, ok_user(&user(1, &[], SEEDED)));
    assert_eq!(shell.status(1), Status::Cancelled);
    shell.answer(write, ok_user(&user(0, &[], SEEDED)));
    let (read, _) = only(shell.wake_up());
    shell.answer(read, ok_user(&user(0, &[EMS], "2027-01-15T08:00:01Z")));
    let summary = shell.finished.clone().unwrap();
    assert_eq!(summary.count(Status::Done), 1);
    assert_eq!(summary.count(Status::Cancelled), 1);
    assert_eq!(shell.writes_sent(), 1);
}

#[test]
fn cancel_turns_a_throttled_write_into_cancelled_not_a_resend() {
    let before = user(1, &[], SEEDED);
    let (mut shell, write) = up_to_the_write(add_ems(1), &before, no_batch());
    shell.step(Event::Cancel);
    shell.answer(write, status_only(429, &[("Retry-After", "2")]));
    assert_eq!(shell.status(0), Status::Cancelled);
    assert!(shell.finished.is_some());
    assert_eq!(shell.writes_sent(), 1);
}

#[test]
fn pause_holds_every_send_until_resume() {
    let mut shell = Shell::new(vec![add_ems(0)], no_batch());
    let (read, _) = only(shell.step(Event::Start));
    assert!(shell.step(Event::Pause).is_empty());
    assert_eq!(shell.pauses, [PauseReason::ByAdmin]);
    assert!(shell
        .answer(read, ok_user(&user(0, &[], SEEDED)))
        .is_empty());
    assert_eq!(shell.status(0), Status::Waiting);
    // The only wake-up asked for is the read's overdue check, from before the pause.
    assert!(shell.wake_up().is_empty(), "nothing goes while paused");
    let (_, write) = only(shell.step(Event::Resume));
    assert_eq!(write.method, Method::Post);
}

#[test]
fn a_401_pauses_the_run_puts_the_item_back_and_a_fresh_token_resumes() {
    let before = user(1, &[], SEEDED);
    let (mut shell, write) = up_to_the_write(add_ems(1), &before, no_batch());
    let body = r#"{"error":{"code":"InvalidAuthenticationToken","message":"Lifetime validation failed, the token is expired."}}"#;
    let sent = shell.answer(write, Outcome::Answered(response(401, body.into(), &[])));
    assert!(sent.is_empty());
    assert_eq!(shell.pauses, [PauseReason::NeedsToken]);
    assert_eq!(shell.run.pause_reason(), Some(PauseReason::NeedsToken));
    let record = &shell.journal[&0];
    assert_eq!(record.status, Status::Waiting, "back to where it was");
    assert_eq!(record.attempts, 0);
    assert_eq!(record.times.first_sent_ms, None);
    assert!(
        shell.step(Event::Resume).is_empty(),
        "resume alone is not enough"
    );
    let (_, again) = only(shell.step(Event::FreshToken));
    assert_eq!(again.method, Method::Post);
    assert_eq!(shell.journal[&0].attempts, 1);
}

#[test]
fn a_resumed_journal_reads_sent_items_before_anything_else() {
    let before = user(1, &[], SEEDED);
    let (shell, _unanswered) = up_to_the_write(add_ems(1), &before, no_batch());
    let journal: Vec<JournalRecord> = shell.journal.values().cloned().collect();
    assert_eq!(journal[0].status, Status::Sent);
    // The tab closed with the write on its way; the journal is all that is left.
    let text = serde_json::to_string(&journal).unwrap();
    let journal: Vec<JournalRecord> = serde_json::from_str(&text).unwrap();
    let mut resumed = Shell::resume(Run::resume(journal, catalog(), no_batch()));
    resumed.now = shell.now + 60_000;
    let (read, request) = only(resumed.step(Event::Start));
    assert_eq!(request.method, Method::Get);
    assert_eq!(resumed.status(0), Status::Unknown);
    resumed.answer(read, ok_user(&user(1, &[EMS], "2027-01-15T08:00:01Z")));
    assert_eq!(resumed.status(0), Status::Done);
    assert_eq!(resumed.writes_sent(), 0);
    assert_eq!(resumed.journal[&0].attempts, 1);
}

#[test]
fn a_resumed_journal_skips_finished_items() {
    let mut done = JournalRecord::new(0, add_ems(0));
    done.status = Status::Done;
    let mut failed = JournalRecord::new(1, add_ems(1));
    failed.status = Status::Failed;
    let waiting = JournalRecord::new(2, add_ems(2));
    let mut shell = Shell::resume(Run::resume(
        vec![done, failed, waiting],
        catalog(),
        no_batch(),
    ));
    let (_, read) = only(shell.step(Event::Start));
    assert_eq!(
        read.path.split('?').next(),
        Some(&*format!("/users/{}", user_id(2)))
    );
}

#[test]
fn the_journal_never_holds_a_token() {
    let before = user(1, &[], SEEDED);
    let (mut shell, write) = up_to_the_write(add_ems(1), &before, no_batch());
    shell.answer(write, ok_user(&before));
    let text = serde_json::to_string(&shell.run.journal()).unwrap();
    for needle in ["Authorization", "Bearer", "eyJ"] {
        assert!(!text.contains(needle), "{needle}");
    }
    for (_, request, _) in &shell.sends {
        assert!(request.header("Authorization").is_none());
    }
    assert!(text.contains(r#""status":"settling""#));
}

#[test]
fn a_batch_of_writes_answered_503_or_not_at_all_leaves_every_write_unknown() {
    for outcome in [status_only(503, &[]), Outcome::Dropped] {
        let (mut shell, write, _) = three_in_a_batch();
        assert!(shell.answer(write, outcome).is_empty(), "nothing is resent");
        for index in 0..3 {
            assert_eq!(shell.status(index), Status::Unknown);
        }
        let (_, read) = only(shell.wake_up());
        assert_eq!(read.method, Method::Post, "a $batch of reads");
        assert!(writes_in(&read) == 0 && batch_ids(&read).len() == 3);
    }
}

#[test]
fn the_summary_serialises_with_status_names() {
    let mut shell = Shell::new(vec![add_ems(2)], no_batch());
    let (read, _) = only(shell.step(Event::Start));
    shell.answer(read, ok_user(&user(2, &[EMS], SEEDED)));
    let summary = serde_json::to_value(shell.finished.as_ref().unwrap()).unwrap();
    assert_eq!(summary["byStatus"]["no-op"], 1);
    assert_eq!(summary["readsSent"], 1);
}

#[test]
fn a_budget_smaller_than_a_batch_sends_batches_the_bucket_can_hold() {
    let options = Options {
        // The writes stay unanswered while the bucket refills: no reads alongside.
        overdue_floor_ms: 60_000,
        write_budget: WriteBudget {
            writes: 2,
            window_ms: 1_000,
        },
        ..Options::default()
    };
    let mut shell = Shell::new((0..5).map(add_ems).collect(), options);
    let (read, request) = only(shell.step(Event::Start));
    let users = batch_ids(&request)
        .into_iter()
        .map(|i| {
            let user = user(i.parse().unwrap(), &[], SEEDED);
            (i, 200, Some(serde_json::to_value(user).unwrap()), &[][..])
        })
        .collect();
    let (_, first) = only(shell.answer(read, batch_answer(users)));
    assert_eq!(batch_ids(&first).len(), 2);
    let (_, second) = only(shell.wake_up());
    assert_eq!(shell.now, NOW + 1_000);
    assert_eq!(batch_ids(&second).len(), 2);
    let (_, third) = only(shell.wake_up());
    assert_eq!(third.method, Method::Post);
    assert_eq!(writes_in(&third), 1);
    assert_eq!(shell.now, NOW + 1_500);
}

/// Answers check reads with `before` (the write not shown) until the run sends the write
/// again; returns that write's id.
fn read_until_resent(shell: &mut Shell, before: &User) -> RequestId {
    let mut sent = shell.wake_up();
    loop {
        let (id, request) = only(sent);
        if request.method == Method::Post {
            return id;
        }
        sent = shell.answer(id, ok_user(before));
        if sent.is_empty() {
            sent = shell.wake_up();
        }
    }
}

#[test]
fn check_reads_throttled_ten_times_in_a_row_neither_lose_nor_repeat_the_write() {
    let before = user(1, &[], SEEDED);
    let shown = user(1, &[EMS], "2027-01-15T08:00:01Z");
    for applied in [true, false] {
        let (mut shell, write) = up_to_the_write(add_ems(1), &before, no_batch());
        shell.answer(write, status_only(503, &[]));
        for _ in 0..10 {
            let (read, request) = only(shell.wake_up());
            assert_eq!(
                request.method,
                Method::Get,
                "no write before a read answers"
            );
            shell.answer(read, status_only(429, &[("Retry-After", "1")]));
            assert_eq!(shell.status(0), Status::Unknown, "still open, not given up");
            assert!(shell.finished.is_none());
        }
        if applied {
            let (read, _) = only(shell.wake_up());
            shell.answer(read, ok_user(&shown));
            assert_eq!(shell.writes_sent(), 1, "applied: never sent again");
        } else {
            let again = read_until_resent(&mut shell, &before);
            assert_eq!(shell.writes_sent(), 2, "not applied: sent again, once");
            shell.answer(again, ok_user(&before));
            let (read, _) = only(shell.wake_up());
            shell.answer(read, ok_user(&shown));
        }
        let record = &shell.journal[&0];
        assert_eq!(record.status, Status::Done, "{:?}", record.note);
        assert_eq!(record.settlement, Some(Settlement::Shown));
    }
}

#[test]
fn a_write_the_shell_did_not_send_is_asked_for_again_as_if_never_sent() {
    let before = user(1, &[], SEEDED);
    let (mut shell, write) = up_to_the_write(add_ems(1), &before, no_batch());
    assert!(shell.run.may_send(write));
    let (again, request) = only(shell.answer(write, Outcome::NotSent));
    assert_ne!(again, write);
    assert_eq!(
        request.method,
        Method::Post,
        "the same write, asked for again"
    );
    let record = &shell.journal[&0];
    assert_eq!(record.status, Status::Sent);
    assert_eq!(record.attempts, 1, "the write not sent is not an attempt");
    assert_eq!(shell.run.summary(shell.now).writes_sent, 1);
}

#[test]
fn a_write_held_back_when_the_run_is_cancelled_is_not_sent_and_ends_cancelled() {
    let before = user(1, &[], SEEDED);
    let (mut shell, write) = up_to_the_write(add_ems(1), &before, no_batch());
    assert!(shell.step(Event::Cancel).is_empty());
    assert_eq!(shell.status(0), Status::Sent, "a write out is followed");
    assert!(
        !shell.run.may_send(write),
        "a write still held back by the shell does not go after a cancel"
    );
    assert!(shell.answer(write, Outcome::NotSent).is_empty());
    let record = &shell.journal[&0];
    assert_eq!(record.status, Status::Cancelled);
    assert_eq!(record.attempts, 0);
    let summary = shell.finished.as_ref().expect("the run finishes");
    assert_eq!(summary.writes_sent, 0);
}

#[test]
fn a_journal_not_saved_pauses_the_run_and_its_held_writes_go_only_after_resume() {
    let before = user(1, &[], SEEDED);
    let (mut shell, write) = up_to_the_write(add_ems(1), &before, no_batch());
    assert!(shell.step(Event::JournalNotSaved).is_empty());
    assert_eq!(shell.pauses, vec![PauseReason::JournalNotSaved]);
    assert_eq!(shell.run.pause_reason(), Some(PauseReason::JournalNotSaved));
    assert!(!shell.run.may_send(write), "nothing goes while paused");
    assert!(
        shell.answer(write, Outcome::NotSent).is_empty(),
        "nothing is asked for while the journal can't be saved"
    );
    assert_eq!(shell.status(0), Status::Waiting);
    assert_eq!(shell.journal[&0].attempts, 0);
    let (_, request) = only(shell.step(Event::Resume));
    assert_eq!(request.method, Method::Post, "resuming tries again");
    assert_eq!(shell.status(0), Status::Sent);
    assert_eq!(shell.run.pause_reason(), None);
}
