//! What follows a write with an unclear answer, driven by hand: the check window sized
//! from the lag the run has seen, a single user's change (two sends and 40 s at most),
//! and reads alongside requests whose answers are overdue.
#![cfg(not(target_arch = "wasm32"))]

mod ops_support;

use license_desk_core::graph::request::Method;
use license_desk_core::ops::{Event, Options, Outcome, Run, Settlement, Status};
use license_desk_sim::fixtures::NOW;
use license_desk_sim::seed::EMS;
use ops_support::by_hand::*;

const SHOWN_AT: &str = "2027-01-15T08:00:01Z";

#[test]
fn the_last_check_read_goes_exactly_when_the_check_window_ends() {
    // No lag seen yet: the window is the cap.
    let options = Options {
        check_window_cap_ms: 6_000,
        ..no_batch()
    };
    let before = user(1, &[], SEEDED);
    let (mut shell, write) = up_to_the_write(add_ems(1), &before, options);
    let unclear_at = shell.now;
    shell.answer(write, status_only(503, &[]));
    let mut reads_at = Vec::new();
    let resent = loop {
        let (read, request) = only(shell.wake_up());
        assert_eq!(
            request.method,
            Method::Get,
            "no write before a read decides"
        );
        reads_at.push(shell.now);
        let sent = shell.answer(read, ok_user(&before));
        if let Some((_, request)) = sent.into_iter().next() {
            break request;
        }
    };
    assert_eq!(resent.method, Method::Post);
    assert_eq!(reads_at.last(), Some(&(unclear_at + 6_000)));
    assert!(reads_at[..reads_at.len() - 1]
        .iter()
        .all(|&at| at < unclear_at + 6_000));
    assert_eq!(shell.journal[&0].attempts, 2);
}

#[test]
fn the_check_window_follows_the_lag_seen_in_the_run() {
    let mut shell = Shell::new(vec![add_ems(0), add_ems(1)], no_batch());
    let reads = shell.step(Event::Start);
    let before = |n| user(n, &[], SEEDED);
    let mut writes = Vec::new();
    for (n, (read, _)) in reads.into_iter().enumerate() {
        writes.extend(shell.answer(read, ok_user(&before(n))));
    }
    assert_eq!(writes.len(), 2);
    let answered_at = shell.now;
    assert_eq!(shell.run.check_window_ms(), 15_000, "no lag seen: the cap");
    shell.answer(writes[0].0, ok_user(&before(0)));
    shell.answer(writes[1].0, status_only(504, &[]));
    // Item 0's first read shows its write 400 ms after Graph accepted it.
    let sent = shell.wake_up();
    assert_eq!(shell.now, answered_at + 400);
    assert_eq!(sent.len(), 2);
    for (id, request) in sent {
        if request.path.contains(&user_id(0)) {
            shell.answer(id, ok_user(&user(0, &[EMS], SHOWN_AT)));
        } else {
            shell.answer(id, ok_user(&before(1)));
        }
    }
    assert_eq!(shell.journal[&0].settlement, Some(Settlement::Shown));
    assert_eq!(shell.run.lags().p99_ms(), Some(400));
    assert_eq!(
        shell.run.check_window_ms(),
        2_000,
        "3 × 400 ms is under the floor"
    );
    // Item 1 is read until 2 s after its unclear answer, then sent again.
    let last_read_at = loop {
        let (id, request) = only(shell.wake_up());
        assert_eq!(request.method, Method::Get);
        let at = shell.now;
        if !shell.answer(id, ok_user(&before(1))).is_empty() {
            break at;
        }
    };
    assert_eq!(last_read_at, answered_at + 2_000);
    assert_eq!(shell.writes_sent(), 3);
}

#[test]
fn a_single_change_after_another_is_checked_for_the_lag_the_first_measured() {
    // The first change is accepted, and its first read, 400 ms later, shows it.
    let before = user(1, &[], SEEDED);
    let (mut first, write) = up_to_the_write(add_ems(1), &before, Options::single_change());
    let accepted_at = first.now;
    first.answer(write, ok_user(&before));
    let (read, _) = only(first.wake_up());
    assert_eq!(first.now, accepted_at + 400);
    first.answer(read, ok_user(&user(1, &[EMS], SHOWN_AT)));
    let measured = first.finished.expect("the first change ends").lags_measured;
    assert_eq!(measured.p99_ms(), Some(400));

    // The second change's write gets a 503 and was not applied: it is sent again once
    // reads have missed it for 3 × 400 ms, lifted to the 2 s floor, not for 15 s.
    let before = user(2, &[], SEEDED);
    let run =
        Run::new(vec![add_ems(2)], catalog(), Options::single_change()).with_lags_seen(&measured);
    let mut second = Shell::resume(run);
    let (read, _) = only(second.step(Event::Start));
    let (write, _) = only(second.answer(read, ok_user(&before)));
    let unclear_at = second.now;
    second.answer(write, status_only(503, &[]));
    let resent_at = loop {
        let (id, request) = only(second.wake_up());
        assert_eq!(
            request.method,
            Method::Get,
            "no write before a read decides"
        );
        if !second.answer(id, ok_user(&before)).is_empty() {
            break second.now;
        }
    };
    assert_eq!(resent_at, unclear_at + 2_000);
    // Without the first change's evidence the same write waits for the whole cap.
    let (mut alone, write) = up_to_the_write(add_ems(2), &before, Options::single_change());
    assert_eq!(alone.run.check_window_ms(), 15_000);
    let unclear_at = alone.now;
    alone.answer(write, status_only(503, &[]));
    let resent_at = loop {
        let (id, _) = only(alone.wake_up());
        if !alone.answer(id, ok_user(&before)).is_empty() {
            break alone.now;
        }
    };
    assert_eq!(resent_at, unclear_at + 15_000);
}

/// Runs a single change to its end: every read is answered with `read`, every write
/// with `write` (`None`: never; the shell times it out after 30 s). Returns the shell.
fn single_change(read: impl Fn() -> Outcome, write: impl Fn() -> Option<Outcome>) -> Shell {
    let before = user(1, &[], SEEDED);
    let (mut shell, first) = up_to_the_write(add_ems(1), &before, Options::single_change());
    let mut unanswered = Vec::new();
    let mut sent = match write() {
        Some(outcome) => shell.answer(first, outcome),
        None => {
            unanswered.push((first, shell.now));
            Vec::new()
        }
    };
    while shell.finished.is_none() {
        if sent.is_empty() {
            let timed_out = unanswered
                .iter()
                .position(|(_, at)| shell.wake.is_none_or(|wake| at + 30_000 <= wake));
            if let Some(position) = timed_out {
                let (id, at) = unanswered.remove(position);
                shell.now = shell.now.max(at + 30_000);
                sent = shell.answer(id, Outcome::TimedOut { after_ms: 30_000 });
                continue;
            }
            sent = shell.wake_up();
            continue;
        }
        let (id, request) = sent.remove(0);
        let more = if request.method == Method::Get {
            shell.answer(id, read())
        } else {
            match write() {
                Some(outcome) => shell.answer(id, outcome),
                None => {
                    unanswered.push((id, shell.now));
                    Vec::new()
                }
            }
        };
        sent.extend(more);
    }
    shell
}

/// A single change whose first write is answered `first` and the second accepted; reads
/// show the change once the second is answered.
fn single_change_accepted_the_second_time(first: Outcome) -> Shell {
    let writes = std::cell::Cell::new(0);
    single_change(
        || match writes.get() {
            2 => ok_user(&user(1, &[EMS], SHOWN_AT)),
            _ => not_shown(),
        },
        || {
            writes.set(writes.get() + 1);
            Some(match writes.get() {
                1 => first.clone(),
                _ => ok_user(&user(1, &[], SEEDED)),
            })
        },
    )
}

fn not_shown() -> Outcome {
    ok_user(&user(1, &[], SEEDED))
}

#[test]
fn a_single_change_unclear_twice_is_sent_twice_at_most_and_ends_within_40_seconds() {
    let shell = single_change(not_shown, || Some(status_only(503, &[])));
    let record = &shell.journal[&0];
    assert_eq!(shell.writes_sent(), 2);
    assert_eq!(
        record.status,
        Status::Failed,
        "reads show it was not applied"
    );
    assert!(record.note.as_deref().unwrap().contains("not applied"));
    assert!(shell.now <= NOW + 40_000, "{} ms", shell.now - NOW);
}

#[test]
fn a_single_change_sent_again_after_a_read_shows_it_was_not_applied_can_still_be_done() {
    let shell = single_change_accepted_the_second_time(status_only(504, &[]));
    let record = &shell.journal[&0];
    assert_eq!(record.status, Status::Done);
    assert_eq!(shell.writes_sent(), 2);
    assert!(shell.now <= NOW + 40_000);
}

#[test]
fn a_single_change_whose_answer_never_comes_ends_unknown_check_again_by_the_time_limit() {
    let shell = single_change(not_shown, || None);
    assert_eq!(shell.status(0), Status::Unknown);
    assert!(shell.note(0).starts_with("Unknown: check again."));
    assert_eq!(shell.writes_sent(), 1, "never sent again on a timer");
    assert_eq!(shell.now, NOW + 40_000);
    assert!(shell.finished.is_some());
}

#[test]
fn a_single_change_whose_check_reads_are_all_throttled_ends_unknown_not_resent() {
    let shell = single_change(
        || status_only(429, &[("Retry-After", "2")]),
        || Some(status_only(502, &[])),
    );
    assert_eq!(shell.status(0), Status::Unknown);
    assert!(shell.note(0).starts_with("Unknown: check again."));
    assert_eq!(shell.writes_sent(), 1);
    assert_eq!(shell.now, NOW + 40_000);
}

#[test]
fn a_single_change_waits_out_a_retry_after_of_minutes_and_the_time_limit_does_not_end_it() {
    let shell = single_change_accepted_the_second_time(status_only(429, &[("Retry-After", "150")]));
    let record = &shell.journal[&0];
    assert_eq!(record.status, Status::Done, "{:?}", record.note);
    assert_eq!(shell.writes_sent(), 2);
    assert!(shell.now >= NOW + 150_000, "Graph's wait was kept");
    assert!(shell.now <= NOW + 190_000, "{} ms", shell.now - NOW);
}

#[test]
fn a_single_change_throttled_on_both_sends_ends_failed_after_the_waits_not_before() {
    let shell = single_change(not_shown, || {
        Some(status_only(429, &[("Retry-After", "120")]))
    });
    let record = &shell.journal[&0];
    assert_eq!(record.status, Status::Failed);
    assert_eq!(
        shell.writes_sent(),
        2,
        "two sends, however long Graph asks to wait"
    );
    assert!(shell.now >= NOW + 120_000);
    assert!(shell.now <= NOW + 280_000, "{} ms", shell.now - NOW);
}

#[test]
fn a_write_whose_answer_is_lost_is_settled_by_a_read_alongside_it() {
    let before = user(1, &[], SEEDED);
    let (mut shell, write) = up_to_the_write(add_ems(1), &before, no_batch());
    let sent_at = shell.now;
    // Graph answered the user's read at once; a second without an answer is overdue.
    let (read, request) = only(shell.wake_up());
    assert_eq!(request.method, Method::Get);
    assert_eq!(shell.now, sent_at + 1_000);
    assert_eq!(shell.status(0), Status::Sent);
    shell.answer(read, ok_user(&user(1, &[EMS], SHOWN_AT)));
    let record = &shell.journal[&0];
    assert_eq!(record.status, Status::Done);
    assert_eq!(record.settlement, Some(Settlement::Shown));
    assert!(shell.finished.is_some());
    // The shell gives up on the write later: nothing changes, nothing is sent.
    shell.now += 29_000;
    assert!(shell
        .answer(write, Outcome::TimedOut { after_ms: 30_000 })
        .is_empty());
    assert_eq!(shell.writes_sent(), 1);
}

#[test]
fn a_write_still_out_is_not_sent_again_however_long_reads_alongside_miss_it() {
    let before = user(1, &[], SEEDED);
    let (mut shell, write) = up_to_the_write(add_ems(1), &before, no_batch());
    for _ in 0..5 {
        let (read, request) = only(shell.wake_up());
        assert_eq!(request.method, Method::Get);
        assert!(shell.answer(read, ok_user(&before)).is_empty());
        assert_eq!(
            shell.status(0),
            Status::Sent,
            "nothing decided while it is out"
        );
    }
    // Its answer comes at last, unclear: only now does the check begin.
    shell.answer(write, status_only(504, &[]));
    assert_eq!(shell.status(0), Status::Unknown);
    assert_eq!(shell.writes_sent(), 1);
}

#[test]
fn a_read_whose_answer_is_lost_is_read_again() {
    let mut shell = Shell::new(vec![add_ems(1)], no_batch());
    let (lost, _) = only(shell.step(Event::Start));
    // No answer has come yet at all: overdue after 10 s.
    let (again, request) = only(shell.wake_up());
    assert_eq!(shell.now, NOW + 10_000);
    assert_eq!(request.method, Method::Get);
    let (write, request) = only(shell.answer(again, ok_user(&user(1, &[], SEEDED))));
    assert_eq!(request.method, Method::Post);
    // The first read's answer turns up late and is ignored.
    assert!(shell
        .answer(lost, ok_user(&user(1, &[], SEEDED)))
        .is_empty());
    shell.answer(write, ok_user(&user(1, &[], SEEDED)));
    assert_eq!(shell.writes_sent(), 1);
}

#[test]
fn a_check_read_whose_body_cannot_be_read_is_read_again_not_given_up() {
    let before = user(1, &[], SEEDED);
    let (mut shell, write) = up_to_the_write(add_ems(1), &before, no_batch());
    shell.answer(write, status_only(504, &[]));
    let (read, _) = only(shell.wake_up());
    let garbled = Outcome::Answered(response(
        200,
        "<html>Sign in to the network</html>".into(),
        &[],
    ));
    shell.answer(read, garbled);
    assert_eq!(shell.status(0), Status::Unknown);
    assert!(shell.finished.is_none(), "still open");
    let (read, request) = only(shell.wake_up());
    assert_eq!(request.method, Method::Get);
    shell.answer(read, ok_user(&user(1, &[EMS], SHOWN_AT)));
    assert_eq!(shell.status(0), Status::Done);
    assert_eq!(shell.writes_sent(), 1);
}
