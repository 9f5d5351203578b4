//! Availability zones as EC2 Auto Scaling uses them: groups spread evenly,
//! a zone outage takes its share of every group at once, the group replaces
//! it in the other zones and rebalances once the zone is back.

mod common;

use common::set;
use sahara_sim::{Condition, Lifecycle, Scenario, SimTime, Simulation};

fn at(secs: f64) -> SimTime {
    SimTime::from_secs_f64(secs)
}

/// 6 browsing instances over 3 zones; zone b (1) fails at 60 s for 10
/// minutes; EC2 status checks replace failed hosts.
fn three_zones() -> Scenario {
    Scenario::from_toml(
        r#"
name = "zones"
duration_s = 1200.0
zones = 3
[traffic]
rate_rps = 100.0
[[traffic.mix]]
kind = "browse"
weight = 1.0
service = "browse"
[[services]]
name = "browse"
instances = 6
workers = 4
service_time = { distribution = "exponential", mean_ms = 20.0 }
boot_s = 60.0
[services.health_check]
enabled = true
interval_s = 10.0
timeout_s = 5.0
[services.scaling]
health_check_type = "ec2"
grace_s = 0.0
[[faults]]
at_s = 60.0
zone = 1
kind = "instance_failure"
repair_after_s = 600.0
"#,
    )
    .unwrap()
}

/// Instances per zone that are up (not failed, not gone, not draining).
fn up_per_zone(sim: &Simulation) -> [u32; 3] {
    let mut n = [0; 3];
    for i in &sim.snapshot().services[0].instances {
        if i.condition == Condition::Ok
            && !matches!(i.state, Lifecycle::Terminated | Lifecycle::Draining)
        {
            n[i.zone as usize] += 1;
        }
    }
    n
}

#[test]
fn a_group_spreads_evenly_over_its_zones() {
    let sim = Simulation::new(three_zones()).unwrap();
    assert_eq!(up_per_zone(&sim), [2, 2, 2]);
}

/// A zone outage takes its third of the fleet (2 of 6) at once. EC2's
/// status checks see the failed hosts at their next run (every minute:
/// 120 s) and the group launches replacements in the zones that are up
/// (a and c, one each: fewest first), which boot for 60 s. When zone b is
/// back (660 s), the group rebalances: it launches in b and terminates
/// the oldest in the fullest zone until no zone has two more than another.
#[test]
fn a_zone_outage_loses_a_third_and_the_group_replaces_it_elsewhere() {
    let mut sim = Simulation::new(three_zones()).unwrap();
    sim.advance_to(at(60.5));
    assert_eq!(up_per_zone(&sim), [2, 0, 2], "a third gone at once");
    sim.advance_to(at(119.5));
    assert_eq!(sim.metrics().totals().instances_launched, 6, "not seen yet");
    sim.advance_to(at(120.5));
    assert_eq!(up_per_zone(&sim), [3, 0, 3], "replaced in a and c");
    let log: Vec<String> = sim.events_since(0).0.into_iter().map(|e| e.text).collect();
    assert!(
        log.iter().any(|l| l == "zone b is down for 600 s"),
        "{log:?}"
    );
    sim.advance_to(at(1200.0));
    assert_eq!(up_per_zone(&sim), [2, 2, 2], "rebalanced once b is back");
}

/// Replication within one zone does not survive the zone: with every
/// instance in one zone its outage takes all of them.
#[test]
fn one_zone_is_one_failure() {
    let mut s = three_zones();
    set(&mut s, "faults.0.zone", "0");
    set(&mut s, "zones", "1");
    let mut sim = Simulation::new(s).unwrap();
    sim.advance_to(at(61.0));
    assert_eq!(up_per_zone(&sim), [0, 0, 0]);
}

/// The lecture's 1 − pⁿ holds for independent failures only. Each instance
/// is down p = 10 / (40 + 10) = 0.2 of the time; each zone, failing with
/// everything in it, q = 100 / (400 + 100) = 0.2. With n instances spread
/// evenly over z zones, a zone serves while it is up and one of its n/z
/// instances is: (1 − q)(1 − p^(n/z)); the service is available unless
/// every zone fails to: A = 1 − (1 − (1 − q)(1 − p^(n/z)))^z. Six
/// instances in three zones give 0.988, not 1 − p⁶ = 0.99994; three in one
/// zone never beat the zone's own 0.8.
#[test]
fn zone_outages_cap_what_replication_buys() {
    let (p, q) = (0.2f64, 0.2f64);
    for (n, z) in [(3u32, 1u32), (3, 3), (6, 3)] {
        let mut s = three_zones();
        s.faults.clear();
        for (path, value) in [
            ("zones", z.to_string()),
            ("zone_mtbf_s", "400".into()),
            ("zone_mttr_s", "100".into()),
            ("services.browse.instances", n.to_string()),
            ("services.browse.mtbf_s", "40".into()),
            ("services.browse.mttr_s", "10".into()),
            ("services.browse.health_check.enabled", "false".into()),
            ("services.browse.scaling.health_check_type", "none".into()),
            ("traffic.rate_rps", "1".into()),
            ("duration_s", "600000".into()),
        ] {
            set(&mut s, path, &value);
        }
        let mut sim = Simulation::new(s).unwrap();
        sim.run_to_end();
        let measured = sim.summary().availability["browse"];
        let per_zone = n / z;
        let expected = 1.0 - (1.0 - (1.0 - q) * (1.0 - p.powi(per_zone as i32))).powi(z as i32);
        let independent = 1.0 - p.powi(n as i32);
        println!("{n} instances in {z} zones: availability {measured:.4}, rule {expected:.4} (independent: {independent:.5})");
        assert!(
            (measured - expected).abs() < 0.02,
            "{n} in {z}: {measured} vs {expected}"
        );
    }
}

/// The zones can change while running: spread over more, the group
/// rebalances into the new zones; over fewer, it moves the instances of
/// the zones it left, one a second, launching before it terminates.
#[test]
fn changing_the_zones_live_rebalances_the_group() {
    let mut s = three_zones();
    s.faults.clear();
    set(&mut s, "zones", "1");
    let mut sim = Simulation::new(s).unwrap();
    sim.advance_to(at(10.0));
    assert_eq!(up_per_zone(&sim), [6, 0, 0]);
    let set_zones = |sim: &mut Simulation, n: &str| {
        sim.apply(sahara_sim::Change::Set {
            path: "zones".into(),
            value: n.into(),
        })
        .unwrap()
    };
    set_zones(&mut sim, "3");
    // Each step launches one (booting 60 s) and drains one: 4 steps.
    sim.advance_to(at(200.0));
    assert_eq!(up_per_zone(&sim), [2, 2, 2]);
    set_zones(&mut sim, "2");
    sim.advance_to(at(400.0));
    assert_eq!(up_per_zone(&sim), [3, 3, 0]);
}
