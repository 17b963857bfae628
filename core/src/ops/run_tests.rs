//! Run-level cases that need the engine's insides: states the public API can't reach.

use super::*;
use crate::graph::ids::UserId;
use crate::graph::model::User;

fn user_in(country: &str) -> User {
    User {
        id: UserId::new("00000000-0000-4000-8000-000000000001"),
        usage_location: Some(country.into()),
        ..Default::default()
    }
}

fn answered_with(user: &User) -> Outcome {
    Outcome::Answered(RawResponse {
        status: 200,
        headers: Vec::new(),
        body: serde_json::to_string(user).expect("a user serialises"),
    })
}

#[test]
fn a_write_ticket_without_a_request_ends_its_item_and_the_run_finishes() {
    let item = RunItem::new(
        "user1@contoso.example",
        Intent::SetUsageLocation("jp".into()),
    );
    let options = Options {
        use_batch: false,
        ..Options::default()
    };
    let mut run = Run::new(vec![item], Catalog::new(Vec::new()), options);
    let effects = run.step(0, Event::Start);
    let read = effects
        .iter()
        .find_map(|effect| match effect {
            Effect::Send(Outgoing { id, .. }) => Some(*id),
            _ => None,
        })
        .expect("the user is read first");
    // Paused, the planned write waits in the queue; then its request goes missing.
    run.step(1, Event::Pause);
    run.step(
        2,
        Event::Response {
            id: read,
            outcome: answered_with(&user_in("US")),
        },
    );
    assert_eq!(run.record(0).map(|r| r.status), Some(Status::Waiting));
    run.items[0].record.write = None;
    let effects = run.step(3, Event::Resume);
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Finished(_))),
        "the run finishes: {effects:?}"
    );
    assert!(run.is_finished());
    let record = run.record(0).expect("the item");
    assert_eq!(record.status, Status::Failed);
    assert_eq!(record.attempts, 0, "nothing was sent");
}
