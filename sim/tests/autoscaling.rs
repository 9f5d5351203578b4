//! Auto-scaling policies against EC2 Auto Scaling's rules, at AWS's own
//! timings (one-minute datapoints, 300 s warm-up and cooldown, the
//! scenario's default boot time). Each test states the rules it follows and
//! derives the expected decisions — when, from what, to what — from the load,
//! the service time and those rules.
//!
//! Sources: EC2 Auto Scaling User Guide, "Target tracking scaling policies",
//! "Step and simple scaling policies", "Instance warmup", "Scaling
//! cooldowns"; CloudWatch User Guide, "Using Amazon CloudWatch alarms".

mod common;
use common::set;
use sahara_sim::{Change, Scenario, Simulation};

/// One service behind a load balancer: `workers` workers per instance, a
/// constant `SERVICE_S` of CPU per request, so an instance's CPU is its
/// utilisation: rate × SERVICE_S / (instances × workers).
const SERVICE_S: f64 = 0.040;
const WORKERS: f64 = 4.0;
/// The rules' figures: CloudWatch's period, the target tracking alarms'
/// datapoints and AlarmLow's threshold (70 % of the target).
const PERIOD_S: f64 = 60.0;
const HIGH_DATAPOINTS: f64 = 3.0;
const LOW_DATAPOINTS: f64 = 15.0;
const LOW_FRACTION: f64 = 0.7;
/// The scenario's defaults for a new instance: boot (launch to in service)
/// and warm-up.
const BOOT_S: f64 = 120.0;
const WARMUP_S: f64 = 300.0;

fn service(instances: u32, rate: f64, scaling: &str) -> Scenario {
    let text = format!(
        r#"
name = "test"
seed = 11
duration_s = 3000.0
[traffic]
rate_rps = {rate}
[[traffic.mix]]
kind = "browse"
weight = 1.0
service = "browse"
[[services]]
name = "browse"
instances = {instances}
min_instances = 1
max_instances = 20
workers = {WORKERS}
queue_capacity = 200
service_time = {{ distribution = "constant", mean_ms = {ms} }}
[services.scaling]
{scaling}
"#,
        ms = SERVICE_S * 1000.0
    );
    Scenario::from_toml(&text).unwrap_or_else(|e| panic!("{e}"))
}

/// CPU percent of each of `n` instances sharing `rate` requests/s.
fn cpu(rate: f64, n: u32) -> f64 {
    100.0 * rate * SERVICE_S / (n as f64 * WORKERS)
}

/// The scaling decisions in the log up to now: (time s, from, to, text).
fn decisions(sim: &Simulation) -> Vec<(f64, u32, u32, String)> {
    sim.events_since(0)
        .0
        .into_iter()
        .filter(|e| e.kind == "scaling")
        .inspect(|e| println!("{}", e.text))
        .map(|e| {
            let arrow = e.text.rsplit("desired ").next().unwrap().to_string();
            let mut n = arrow
                .split(" → ")
                .map(|x| x.split(' ').next().unwrap().parse::<u32>().unwrap());
            let (from, to) = (n.next().unwrap(), n.next().unwrap());
            (e.time.as_secs_f64(), from, to, e.text)
        })
        .collect()
}

/// The latest datapoint a decision's text quotes.
fn latest(text: &str) -> f64 {
    let rest = text.split("(latest ").nth(1).unwrap();
    rest.split('%').next().unwrap().parse().unwrap()
}

fn times_and_sizes(d: &[(f64, u32, u32, String)]) -> Vec<(f64, u32, u32)> {
    d.iter().map(|(t, a, b, _)| (*t, *a, *b)).collect()
}

#[test]
fn target_tracking_follows_the_alarm_arithmetic_minute_by_minute() {
    // 2 instances at 80 requests/s; the rate doubles from 600 s to 1800 s.
    let (n0, base, factor, at, until) = (2u32, 80.0, 2.0, 600.0, 1800.0);
    let target = 50.0;
    let mut s = service(
        n0,
        base,
        &format!("policy = \"target_tracking\"\ntarget = {target}"),
    );
    set(
        &mut s,
        "traffic.shape",
        &format!(
            r#"{{ "kind": "spike", "at_s": {at}, "duration_s": {}, "factor": {factor} }}"#,
            until - at
        ),
    );
    // Before: 40 % on 2 — under the target, above AlarmLow's 35 %: nothing.
    let low = target * LOW_FRACTION;
    assert!(low < cpu(base, n0) && cpu(base, n0) < target);
    // The sale: 80 % on 2. Datapoints close every minute; the first wholly
    // in the sale closes at 660 s, so AlarmHigh (3 of 3 above the target)
    // fires at 600 + 3 × 60 = 780 s and asks for ceil(2 × 80 / 50) = 4.
    let high = cpu(base * factor, n0);
    let out_at = at + HIGH_DATAPOINTS * PERIOD_S;
    let out_to = (n0 as f64 * high / target).ceil() as u32;
    // The two new instances boot until 780 + 120 s and warm up for 300 s
    // more. Meanwhile AlarmHigh stays in ALARM (the 840 s and 900 s
    // datapoints, still on 2 instances) and invokes the policy again, but
    // on the 2 warmed-up instances it asks for 4 again: nothing is added.
    // With 4 sharing the load every instance runs at 40 %: steady.
    let after = cpu(base * factor, out_to);
    assert!(low < after && after < target);
    // After the sale: 20 % on 4, under 35 % from the first datapoint after
    // 1800 s; AlarmLow needs 15 of 15, so scale-in comes at 1800 + 15 × 60
    // = 2700 s, to ceil(4 × 20 / 50) = 2 (removing 2.4 instances removes 2).
    let idle = cpu(base, out_to);
    assert!(idle < low);
    let in_at = until + LOW_DATAPOINTS * PERIOD_S;
    let in_to = (out_to as f64 * idle / target).ceil() as u32;

    let mut sim = Simulation::new(s).unwrap();
    sim.advance_to(sahara_sim::SimTime::from_secs_f64(out_at + BOOT_S + 1.0));
    let v = &sim.snapshot().services[0];
    assert_eq!(
        (v.desired, v.in_service),
        (out_to, out_to),
        "booted in time"
    );
    sim.run_to_end();
    let d = decisions(&sim);
    assert_eq!(
        times_and_sizes(&d),
        vec![(out_at, n0, out_to), (in_at, out_to, in_to)]
    );
    // The log names the alarm, its datapoints and the arithmetic; the
    // datapoint is the measured CPU, within Poisson noise of the load's.
    let (high_text, low_text) = (&d[0].3, &d[1].3);
    assert!(high_text.starts_with("browse: AlarmHigh: CPU above 50% for 3 of 3 datapoints"));
    assert!(high_text.contains(&format!("; {n0} warmed-up instances × ")));
    assert!(high_text.ends_with(&format!("→ desired {n0} → {out_to}")));
    assert!((latest(high_text) - high).abs() < 2.0, "{high_text}");
    assert!(low_text.starts_with("browse: AlarmLow: CPU below 35% for 15 of 15 datapoints"));
    assert!(low_text.ends_with(&format!("→ desired {out_to} → {in_to}")));
    assert!((latest(low_text) - idle).abs() < 2.0, "{low_text}");
}

#[test]
fn step_scaling_adds_only_the_part_of_a_larger_step_not_under_way() {
    // The scenario's default steps (the lecture's): > 70 % → +1, > 90 % →
    // +3, < 30 % → −1, each on a 1-of-1 datapoint alarm.
    // 50 % on 4 until 600 s: no step.
    let n0 = 4u32;
    let s = service(n0, 0.5 * cpu_rate(n0), "policy = \"step\"");
    let mut sim = Simulation::new(s).unwrap();
    sim.advance_to(sahara_sim::SimTime::from_secs_f64(600.0));
    // 80 % on 4 from 600 s: the 660 s datapoint breaches 70 %: 4 + 1 = 5.
    let rate = |sim: &mut Simulation, r: f64| {
        sim.apply(Change::Set {
            path: "traffic.rate_rps".into(),
            value: r.to_string(),
        })
        .unwrap()
    };
    let first = 0.8 * cpu_rate(n0);
    rate(&mut sim, first);
    // 720 s: still 80 % on the 4 warmed up (the fifth boots until 780 s):
    // the same step on the same current capacity asks for 5 again, nothing.
    // At 730 s the rate rises so that even 5 instances would run above 90 %;
    // the 4 in service saturate, and the 780 s datapoint breaches 90 %: the
    // +3 step on the 4 warmed-up instances asks for 7, and only the 2 not
    // already under way are added (adding the step to desired would give 8).
    let second = 470.0;
    assert!(cpu(second, n0 + 1) > 90.0);
    sim.advance_to(sahara_sim::SimTime::from_secs_f64(730.0));
    rate(&mut sim, second);
    // Through the warm-ups (the fifth warm at 1080 s, the others at 1200 s)
    // 470 requests/s on 7 instances is between 30 % and 70 %: nothing more.
    let settled = cpu(second, n0 + 3);
    assert!(30.0 < settled && settled < 70.0);
    sim.advance_to(sahara_sim::SimTime::from_secs_f64(
        780.0 + BOOT_S + WARMUP_S + 100.0,
    ));
    let d = decisions(&sim);
    assert_eq!(
        times_and_sizes(&d),
        vec![(660.0, 4, 5), (780.0, 5, 7)],
        "{d:?}"
    );
    assert!(d[1].3.contains("step +3 alarm: CPU above 90%"));
    assert!(d[1]
        .3
        .contains("4 warmed-up instances +3 = 7 → desired 5 → 7"));
}

/// Requests/s that keep `n` instances fully busy.
fn cpu_rate(n: u32) -> f64 {
    n as f64 * WORKERS / SERVICE_S
}

#[test]
fn simple_scaling_makes_one_change_then_waits_for_its_cooldown() {
    // One step, > 70 % → +1, and AWS's default 300 s cooldown.
    let n0 = 4u32;
    let mut s = service(
        n0,
        0.95 * cpu_rate(n0),
        "policy = \"simple\"\nsteps = [{ above = 70.0, change = 1 }]",
    );
    set(&mut s, "duration_s", "1500");
    let rate = 0.95 * cpu_rate(n0);
    // 95 % on 4: the first datapoint (60 s) breaches: 4 → 5. The alarm
    // stays in ALARM (the 4 old instances carry rate / 5 = 76 % once the
    // fifth is in service), but nothing happens until the cooldown is
    // over: the first datapoint at or after 60 + 300 s, at 360 s: 5 → 6.
    // Then rate / 6 = 63 %: the alarm is OK.
    assert!(cpu(rate, n0 + 1) > 70.0 && cpu(rate, n0 + 2) < 70.0);
    let cooldown = 300.0;
    let mut sim = Simulation::new(s).unwrap();
    sim.run_to_end();
    let d = decisions(&sim);
    assert_eq!(
        times_and_sizes(&d),
        vec![(PERIOD_S, 4, 5), (PERIOD_S + cooldown, 5, 6)]
    );
    assert!(d[0].3.contains("simple +1 alarm: CPU above 70%"));
}
