//! Tracing one request: the trace tells a request's story as the model
//! runs it (the lecture's Failure 1 and Failure 2 at the scale of one
//! request), and tracing changes nothing in the run.

use sahara_sim::scenario::RequestKind;
use sahara_sim::*;

/// Runs `preset` (with `idempotency`) to `from_s`, traces the next
/// checkout that goes wrong, and runs on until it has finished.
fn trace_troubled_checkout(preset: &str, idempotency: &str, from_s: f64) -> (Scenario, Trace) {
    let mut scenario = presets::get(preset).unwrap();
    scenario.set("client.idempotency", idempotency).unwrap();
    let mut sim = Simulation::new(scenario.clone()).unwrap();
    sim.advance_to(SimTime::from_secs_f64(from_s));
    sim.trace(TraceTarget::NextTroubled {
        kind: Some(RequestKind::Checkout),
    });
    while sim.traced().unwrap().outcome.is_none() {
        assert!(
            sim.now().as_secs_f64() < from_s + 120.0,
            "no checkout went wrong"
        );
        sim.advance_by(SimDuration::from_secs(1));
    }
    (scenario, sim.traced().unwrap())
}

fn steps_of(trace: &Trace, attempt: u32) -> Vec<Step> {
    trace
        .steps
        .iter()
        .filter(|s| s.attempt == attempt)
        .map(|s| s.step)
        .collect()
}

fn executions(trace: &Trace) -> Vec<bool> {
    trace
        .steps
        .iter()
        .filter_map(|s| match s.step {
            Step::Executed { duplicate } => Some(duplicate),
            _ => None,
        })
        .collect()
}

/// What every trace obeys: steps in time order, each hop ending after it
/// began, attempts numbered 1, 2, … each starting with `Sent`, a timeout
/// seen exactly at the attempt's deadline, and one `Finished` last.
fn assert_well_formed(trace: &Trace) {
    let steps = &trace.steps;
    assert!(steps.windows(2).all(|w| w[0].t <= w[1].t), "time order");
    let mut attempts = 0;
    let mut deadline = SimTime(0);
    for s in steps {
        match s.step {
            Step::Sent { timeout_at } => {
                attempts += 1;
                assert_eq!(s.attempt, attempts, "attempts are numbered in order");
                deadline = timeout_at;
            }
            Step::Hop { sent, .. } => assert!(sent <= s.t),
            Step::Observed { seen: None, .. } => assert_eq!(s.t, deadline, "timeout"),
            _ => {}
        }
    }
    assert!(matches!(
        steps.last().unwrap().step,
        Step::Finished { outcome } if Some(outcome) == trace.outcome
    ));
}

/// Failure 2 without tokens (lecture: a lost response looks like a lost
/// request to the client, which resends): the preset loses only
/// responses, so the first checkout that goes wrong lost its response on
/// the internet after the work was done; the client times out exactly
/// `timeout_ms` after sending, waits a full-jitter backoff from
/// [0, base], resends, and the checkout executes a second time.
#[test]
fn a_lost_response_without_tokens_charges_twice() {
    let (scenario, trace) = trace_troubled_checkout("lost-response", "off", 20.0);
    assert_well_formed(&trace);
    let first = steps_of(&trace, 1);
    let Some(Step::Sent { timeout_at }) = first.first().copied() else {
        panic!("{first:?}")
    };
    let sent = trace.steps[1].t;
    let timeout = SimDuration::from_millis_f64(scenario.client.timeout_ms);
    assert_eq!(timeout_at, sent.plus(timeout));
    assert!(first.iter().any(|s| matches!(
        s,
        Step::Hop {
            leg: Leg::LbToClient,
            lost: true,
            ..
        }
    )));
    assert!(first.contains(&Step::Observed {
        seen: None,
        outcome: Outcome::DroppedResponse
    }));
    let base = SimDuration::from_millis_f64(scenario.client.retry.base_ms);
    let backoff = first.iter().find_map(|s| match *s {
        Step::Backoff { wait, low, high } => Some((wait, low, high)),
        _ => None,
    });
    let (wait, low, high) = backoff.expect("a backoff after the first attempt");
    assert_eq!((low, high), (SimDuration(0), base));
    assert!(wait <= high);
    assert_eq!(executions(&trace), [false, true], "executed twice");
    assert!(!trace
        .steps
        .iter()
        .any(|s| matches!(s.step, Step::Token { .. })));
}

/// The same failure with tokens in the shared database: the resend
/// carries the same token, the instance finds it executed and replays
/// the stored answer: one execution, and the client still gets its 200.
#[test]
fn a_lost_response_with_shared_tokens_is_replayed() {
    let (_, trace) = trace_troubled_checkout("lost-response", "shared", 20.0);
    assert_well_formed(&trace);
    assert!(steps_of(&trace, 1).contains(&Step::Observed {
        seen: None,
        outcome: Outcome::DroppedResponse
    }));
    let second = steps_of(&trace, 2);
    assert!(second.contains(&Step::Token {
        lookup: TokenLookup::Replay
    }));
    assert_eq!(executions(&trace), [false], "executed once");
    assert_eq!(trace.outcome, Some(Outcome::Success));
}

/// Failure 1: the preset loses only requests, so the first checkout that
/// goes wrong lost its first attempt on the way in: it never reached the
/// load balancer, nothing executed, and the client saw the same timeout.
#[test]
fn a_lost_request_shows_where_it_was_lost() {
    let (_, trace) = trace_troubled_checkout("lost-request", "off", 20.0);
    assert_well_formed(&trace);
    let first = steps_of(&trace, 1);
    let hops: Vec<(Leg, bool)> = first
        .iter()
        .filter_map(|s| match *s {
            Step::Hop { leg, lost, .. } => Some((leg, lost)),
            _ => None,
        })
        .collect();
    assert_eq!(hops, [(Leg::ClientToLb, true)]);
    assert!(!first.iter().any(|s| matches!(s, Step::Executed { .. })));
    assert!(first.contains(&Step::Observed {
        seen: None,
        outcome: Outcome::DroppedRequest
    }));
}

/// Tracing only watches: for every preset, a run that follows every
/// request until one goes wrong ends in the same state (digest) as the
/// same run untraced.
#[test]
fn tracing_changes_nothing() {
    for name in presets::names() {
        let scenario = presets::get(name).unwrap();
        let mut plain = Simulation::new(scenario.clone()).unwrap();
        let mut traced = Simulation::new(scenario).unwrap();
        traced.trace(TraceTarget::NextTroubled { kind: None });
        let end = SimTime::from_secs_f64(30.0);
        plain.advance_to(end);
        traced.advance_to(end);
        assert_eq!(plain.digest(), traced.digest(), "{name}");
    }
}

/// "The next checkout" is the first checkout created after tracing
/// began, whatever becomes of it.
#[test]
fn the_next_request_of_a_kind_is_the_first_created_after() {
    let mut sim = Simulation::new(presets::get("baseline").unwrap()).unwrap();
    sim.advance_to(SimTime::from_secs_f64(5.0));
    sim.trace(TraceTarget::Next {
        kind: Some(RequestKind::Checkout),
    });
    sim.advance_to(SimTime::from_secs_f64(15.0));
    let trace = sim.traced().unwrap();
    assert_eq!(trace.kind, Some(RequestKind::Checkout));
    assert!(trace.steps[0].t >= SimTime::from_secs_f64(5.0));
    assert_eq!(trace.steps[0].step, Step::Created);
    assert_well_formed(&trace);
}

/// A request created before tracing began (one clicked on in flight) is
/// traced from its start: the timeline replays the run from a checkpoint
/// taken before the request was created, tracing it, back to the same
/// moment — the same story as tracing it from before, and the same run.
#[test]
fn a_request_created_before_is_traced_from_its_start() {
    let (scenario, expected) = trace_troubled_checkout("lost-response", "off", 20.0);
    let id = expected.request.unwrap();
    let mut run = Timeline::new(Simulation::new(scenario).unwrap());
    let later = expected
        .steps
        .last()
        .unwrap()
        .t
        .plus(SimDuration::from_secs(1));
    run.advance(later, u64::MAX);
    let digest = run.sim().digest();
    run.trace(Some(TraceTarget::Request { id }));
    assert_eq!(run.sim().now(), later);
    assert_eq!(run.sim().digest(), digest);
    let traced = run.sim().traced().unwrap();
    assert_eq!(traced.request, Some(id));
    assert_eq!(traced.steps, expected.steps);
}
