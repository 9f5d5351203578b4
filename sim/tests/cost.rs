//! The run's price, reproduced by hand from the scenario's price table and
//! AWS's rules: instance-hours × the type's price, an ALB's hours and
//! LCU-hours (1 GB processed each), internet egress per GB (inbound free),
//! and cross-zone traffic per GB in each direction (within a zone free).

mod common;

use common::run_and_drain;
use sahara_sim::Scenario;

#[test]
fn the_price_of_a_run_is_the_table_times_what_it_used() {
    let s = Scenario::from_toml(
        r#"
name = "priced"
duration_s = 3600.0
zones = 2
[traffic]
rate_rps = 100.0
[[traffic.mix]]
kind = "browse"
weight = 1.0
service = "shop"
database = true
payload = 1000
response_payload = 50000
[[services]]
name = "shop"
instances = 2
workers = 4
balancer = "round_robin"
service_time = { distribution = "constant", mean_ms = 5.0 }
[cost]
instance_type = "t3.medium"
"#,
    )
    .unwrap();
    let sim = run_and_drain(s);
    let sum = sim.summary();
    let c = &sum.cost;
    let n = sum.requests as f64;
    assert_eq!(sum.outcomes.success as f64, n, "every request answered");
    let hours = sim.now().as_secs_f64() / 3600.0;
    let (request, response) = (1000.0, 50_000.0);
    let gb = |bytes: f64| bytes / 1e9;
    // Two t3.medium instances (0.0416 $/h), the whole run.
    let instances = 2.0 * hours * 0.0416;
    // One ALB: 0.0225 $/h, and 0.008 $ per GB it passes to and from clients.
    let balancer = hours * 0.0225 + gb(n * (request + response)) * 0.008;
    // Out to the internet: every response, 0.09 $/GB; inbound is free.
    let egress = gb(n * response) * 0.09;
    // The database is in zone a; round robin sends half the requests to
    // the instance in zone b, whose query and answer cross zones: 0.01 $/GB
    // out of one zone and 0.01 $/GB into the other.
    let cross = gb(n / 2.0 * (request + response)) * 2.0 * 0.01;
    let close = |a: f64, b: f64, what: &str| {
        assert!(
            (a - b).abs() <= 1e-6 * b.abs().max(1e-9),
            "{what}: {a} vs {b}"
        );
    };
    close(c.instance_usd, instances, "instances");
    close(c.load_balancer_usd, balancer, "load balancer");
    close(c.transfer.internet_out_usd, egress, "egress");
    assert!(
        (c.transfer.cross_zone_usd - cross).abs() <= gb(request + response) * 0.02,
        "cross-zone: {} vs {cross} (± one request)",
        c.transfer.cross_zone_usd
    );
    close(c.transfer.internet_in_gb, gb(n * request), "inbound");
    close(
        c.total_usd,
        c.instance_usd
            + c.load_balancer_usd
            + c.transfer.internet_out_usd
            + c.transfer.cross_zone_usd,
        "total",
    );
    close(
        c.usd_per_million_requests,
        c.total_usd / n * 1e6,
        "per million",
    );
    println!(
        "1 h at 100 req/s: ${:.4} = instances {:.4} + ALB {:.4} + egress {:.4} + cross-zone {:.4}; ${:.2} per million requests",
        c.total_usd, c.instance_usd, c.load_balancer_usd, c.transfer.internet_out_usd, c.transfer.cross_zone_usd, c.usd_per_million_requests
    );
}
