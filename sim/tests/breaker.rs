//! The client's circuit breaker against a service that goes down: calls to
//! it stop while the breaker is open, and it closes once the service is
//! back. The timing follows Resilience4j's rules (see `clients/breaker.rs`):
//! open for the wait, then a half-open round of trial calls that opens it
//! again or closes it.

mod common;
use common::{preset, set};
use sahara_sim::{Change, CircuitState, Outcome, SimDuration, SimTime, Simulation};

const RATE: f64 = 100.0;
const WAIT_S: f64 = 10.0;
const TRIALS: u32 = 5;
const DOWN_AT: f64 = 20.0;
const DOWN_FOR: u64 = 30;

/// Every request to browse, once, through a breaker with a 20-call window.
fn sim() -> Simulation {
    let mut s = preset("baseline");
    set(&mut s, "traffic.rate_rps", &RATE.to_string());
    set(&mut s, "traffic.mix.add_to_cart.weight", "0");
    set(&mut s, "traffic.mix.checkout.weight", "0");
    for (field, value) in [
        ("enabled", "true".to_string()),
        ("failure_rate_threshold", "50".into()),
        ("sliding_window_size", "20".into()),
        ("minimum_number_of_calls", "20".into()),
        ("wait_duration_in_open_state_s", WAIT_S.to_string()),
        ("permitted_calls_in_half_open_state", TRIALS.to_string()),
    ] {
        set(&mut s, &format!("client.circuit_breaker.{field}"), &value);
    }
    Simulation::new(s).unwrap()
}

#[test]
fn an_outage_opens_the_breaker_calls_stop_and_it_closes_once_the_service_is_back() {
    let mut sim = sim();
    sim.advance_to(SimTime::from_secs_f64(DOWN_AT));
    assert_eq!(
        sim.snapshot().clients.circuit_breakers[0],
        CircuitState::Closed
    );
    sim.apply(Change::ServiceOutage {
        service: "browse".into(),
        duration: SimDuration::from_secs(DOWN_FOR),
    })
    .unwrap();
    sim.advance_to(SimTime::from_secs_f64(DOWN_AT + 5.0));
    assert_eq!(
        sim.snapshot().clients.circuit_breakers[0],
        CircuitState::Open
    );
    sim.advance_to(SimTime::from_secs_f64(90.0));
    let up_at = DOWN_AT + DOWN_FOR as f64;

    let transitions: Vec<(f64, String)> = sim
        .events_since(0)
        .0
        .into_iter()
        .filter(|e| e.kind == "breaker")
        .map(|e| (e.time.as_secs_f64(), e.text))
        .collect();
    for (t, text) in &transitions {
        println!("{t:>8.3} s  {text}");
    }
    // Every call fails with a 502 once the instances crash: the 20-call
    // window holds 10 failures (50 %) after half a second at most.
    let opened = transitions[0].0;
    assert!(transitions[0]
        .1
        .contains("opened: 50 % of the last 20 calls"));
    assert!((DOWN_AT..DOWN_AT + 0.5).contains(&opened), "{opened}");
    // Then rounds of open (the wait) and half-open (5 trials, each failing
    // within a round trip) until a round starts after the service is back.
    let closed = transitions
        .iter()
        .position(|(_, text)| text.contains("closed"))
        .expect("the breaker closes");
    assert_eq!(closed, transitions.len() - 1, "closed for good");
    let (closed_at, text) = &transitions[closed];
    assert!(text.contains("0 of 5 trial calls failed"), "{text}");
    let last_opened = transitions[closed - 2].0;
    assert!(transitions[closed - 2].1.contains("opened"));
    assert!(last_opened < up_at, "its trials met the outage");
    let half_open = transitions[closed - 1].0;
    assert!(half_open >= last_opened + WAIT_S && half_open < last_opened + WAIT_S + 0.1);
    assert!(half_open >= up_at && half_open < up_at + WAIT_S + 1.0);
    assert!(
        *closed_at - half_open < 0.5,
        "five trials answer in a round trip"
    );
    // Rounds while down: one every wait (plus a round trip), no more.
    let rounds = transitions
        .iter()
        .filter(|(_, t)| t.contains("half-open"))
        .count();
    let most = ((up_at + WAIT_S - opened) / WAIT_S).ceil() as usize;
    assert!(
        (1..=most).contains(&rounds),
        "{rounds} rounds, at most {most}"
    );

    // Calls sent per second (attempts the breaker did not fail fast): the
    // whole rate before; at most one round of trials per second while the
    // breaker is open; the whole rate again once it has closed.
    let sent = |x: &sahara_sim::Sample| x.attempts - x.outcomes[Outcome::CircuitOpen as usize];
    let series: Vec<_> = sim.metrics().series().cloned().collect();
    for x in &series {
        let t = x.t_s;
        if (5.0..DOWN_AT).contains(&t) || t > closed_at + 2.0 {
            assert!(sent(x) as f64 > RATE * 0.7, "t={t}: {}", sent(x));
            assert_eq!(x.outcomes[Outcome::CircuitOpen as usize], 0, "t={t}");
        } else if t > opened + 1.0 && t < *closed_at - 1.0 {
            assert!(sent(x) <= TRIALS, "t={t}: {} sent while open", sent(x));
            assert!(x.outcomes[Outcome::CircuitOpen as usize] as f64 > RATE * 0.7);
        }
    }
    let down: u32 = series
        .iter()
        .filter(|x| x.t_s > opened + 1.0 && x.t_s <= up_at)
        .map(sent)
        .sum();
    assert!(
        down as usize <= rounds * TRIALS as usize,
        "{down} sent while down"
    );
    let o = sim.summary().outcomes;
    println!("{o:?}");
    assert!(
        o.circuit_open as f64 > RATE * (up_at - opened - WAIT_S),
        "{o:?}"
    );
}

#[test]
fn switched_on_during_an_outage_it_opens_and_switched_off_it_lets_every_call_through() {
    let mut s = preset("baseline");
    set(&mut s, "traffic.rate_rps", &RATE.to_string());
    set(&mut s, "client.circuit_breaker.sliding_window_size", "20");
    let mut sim = Simulation::new(s).unwrap();
    let at = SimTime::from_secs_f64;
    let toggle = |sim: &mut Simulation, on: bool| {
        sim.apply(Change::Set {
            path: "client.circuit_breaker.enabled".into(),
            value: on.to_string(),
        })
        .unwrap();
    };
    sim.advance_to(at(10.0));
    sim.apply(Change::ServiceOutage {
        service: "browse".into(),
        duration: SimDuration::from_secs(60),
    })
    .unwrap();
    sim.advance_to(at(15.0));
    assert_eq!(
        sim.snapshot().clients.circuit_breakers[0],
        CircuitState::Disabled
    );
    assert_eq!(sim.summary().outcomes.circuit_open, 0);
    // A fresh breaker: 20 failed calls to browse (80 % of the traffic)
    // fill its window well within a second.
    toggle(&mut sim, true);
    sim.advance_to(at(16.0));
    let snap = sim.snapshot();
    assert_eq!(snap.clients.circuit_breakers[0], CircuitState::Open);
    // Cart and checkout answer: their breakers stay closed.
    assert_eq!(
        snap.clients.circuit_breakers[1..],
        [CircuitState::Closed; 2]
    );
    toggle(&mut sim, false);
    let failed_fast = sim.summary().outcomes.circuit_open;
    assert!(failed_fast > 0);
    sim.advance_to(at(20.0));
    assert_eq!(sim.summary().outcomes.circuit_open, failed_fast);
}
