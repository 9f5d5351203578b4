//! What a live change means for a running simulation: a pure comparison of
//! the old and new parameters. Each effect names one thing the running
//! state must do; everything else is read from `Params` when it is next
//! needed, and needs no effect.

use super::Params;

/// One adjustment of the running state to new parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Effect {
    /// The open-loop rate or shape changed: arrivals restart from now (Poisson
    /// arrivals are memoryless, so restarting them at the new rate is exact).
    RestartArrivals,
    /// The closed population changed: new users start thinking, surplus
    /// users leave after their current request.
    Population,
    /// A service's workers per instance changed: every instance takes the
    /// new count; queued work starts on new workers at once.
    Workers(usize),
    /// A service's load-balancing algorithm changed.
    Balancer(usize),
    /// A service's random-fault rates changed: healthy instances draw their
    /// next crash from the new ones.
    FaultRates(usize),
    /// A service's desired capacity or its limits changed; `desired` when
    /// the user set the desired capacity itself (not only the limits).
    Capacity { service: usize, desired: bool },
    /// A service's scaling period changed: the next evaluation is a whole
    /// new period from now.
    ScalingPeriod(usize),
    /// A service's health checks changed: every probe chain restarts.
    HealthChecks(usize),
    /// The database's connection limit changed.
    Connections,
    /// The number of read replicas changed: new reads spread over the
    /// replicas there are now; calls already taken finish where they are.
    Replicas,
    /// The database's random-failure rates changed: its next failure is
    /// drawn from the new ones.
    DatabaseFaultRates,
    /// The circuit breakers' settings changed: every breaker starts again,
    /// closed with an empty window.
    CircuitBreakers,
    /// The number of zones or their failure rates changed: the zones'
    /// random outages restart from now, and the groups rebalance over the
    /// zones there are now.
    Zones,
    /// The retry throttle or its settings changed: each service's throttle
    /// starts afresh under the new rule, as a real client builds a new one
    /// from a new configuration.
    RetryThrottle,
}

impl Params {
    /// The effects of going from `old` to `self`, or the first part that
    /// cannot change while running (its name, for the error message).
    pub fn diff(&self, old: &Params) -> Result<Vec<Effect>, &'static str> {
        if self.seed != old.seed {
            return Err("seed");
        }
        let names =
            |p: &Params| -> Vec<String> { p.services.iter().map(|s| s.name.clone()).collect() };
        if names(self) != names(old) {
            return Err("the list of services");
        }
        if self.faults != old.faults {
            return Err("the scheduled faults");
        }
        if self.others != old.others {
            return Err("the changes by others");
        }
        // Requests in flight refer to their kind by its place in the mix.
        let kinds = |p: &Params| -> Vec<_> { p.traffic.kinds.iter().map(|k| k.kind).collect() };
        if kinds(self) != kinds(old) {
            return Err("the list of request kinds in traffic.mix");
        }
        let mut effects = Vec::new();
        let zones = |p: &Params| (p.zones, p.zone_mtbf_ns, p.zone_mttr_ns);
        if zones(self) != zones(old) {
            effects.push(Effect::Zones);
        }
        let (t, o) = (&self.traffic, &old.traffic);
        if t.rate_rps != o.rate_rps || t.shape != o.shape {
            effects.push(Effect::RestartArrivals);
        }
        if t.users != o.users {
            effects.push(Effect::Population);
        }
        for (s, (p, o)) in self.services.iter().zip(&old.services).enumerate() {
            if p.scaling.period_ns != o.scaling.period_ns {
                effects.push(Effect::ScalingPeriod(s));
            }
            if p.balancer != o.balancer {
                effects.push(Effect::Balancer(s));
            }
            if p.workers != o.workers {
                effects.push(Effect::Workers(s));
            }
            if p.mtbf_ns != o.mtbf_ns || p.mttr_ns != o.mttr_ns {
                effects.push(Effect::FaultRates(s));
            }
            if (p.desired, p.min, p.max) != (o.desired, o.min, o.max) {
                effects.push(Effect::Capacity {
                    service: s,
                    desired: p.desired != o.desired,
                });
            }
            if p.health != o.health {
                effects.push(Effect::HealthChecks(s));
            }
        }
        if self.db.connections != old.db.connections {
            effects.push(Effect::Connections);
        }
        if self.db.read_replicas != old.db.read_replicas {
            effects.push(Effect::Replicas);
        }
        if (self.db.mtbf_ns, self.db.mttr_ns) != (old.db.mtbf_ns, old.db.mttr_ns) {
            effects.push(Effect::DatabaseFaultRates);
        }
        if self.retry.throttle != old.retry.throttle {
            effects.push(Effect::RetryThrottle);
        }
        if self.breaker != old.breaker {
            effects.push(Effect::CircuitBreakers);
        }
        Ok(effects)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;

    fn params(edit: &[(&str, &str)]) -> Params {
        let mut s = presets::get("baseline").unwrap();
        for (path, value) in edit {
            s.set(path, value).unwrap();
        }
        Params::new(&s)
    }

    #[test]
    fn each_live_setting_has_its_effect_and_nothing_else() {
        let old = params(&[]);
        let effects = |edit| params(edit).diff(&old);
        assert_eq!(effects(&[]), Ok(vec![]));
        assert_eq!(
            effects(&[("traffic.rate_rps", "7")]),
            Ok(vec![Effect::RestartArrivals])
        );
        assert_eq!(
            effects(&[("traffic.users", "3")]),
            Ok(vec![Effect::Population])
        );
        assert_eq!(
            effects(&[("services.cart.workers", "3")]),
            Ok(vec![Effect::Workers(1)])
        );
        assert_eq!(
            effects(&[("services.browse.balancer", "random")]),
            Ok(vec![Effect::Balancer(0)])
        );
        assert_eq!(
            effects(&[("services.checkout.mtbf_s", "30")]),
            Ok(vec![Effect::FaultRates(2)])
        );
        let capacity = |desired| {
            Ok(vec![Effect::Capacity {
                service: 0,
                desired,
            }])
        };
        assert_eq!(
            effects(&[("services.browse.max_instances", "9")]),
            capacity(false)
        );
        assert_eq!(
            effects(&[("services.browse.instances", "4")]),
            capacity(true)
        );
        assert_eq!(
            effects(&[("services.browse.scaling.period_s", "10")]),
            Ok(vec![Effect::ScalingPeriod(0)])
        );
        assert_eq!(
            effects(&[("services.browse.health_check.interval_s", "10")]),
            Ok(vec![Effect::HealthChecks(0)])
        );
        assert_eq!(
            effects(&[("database.connections", "3")]),
            Ok(vec![Effect::Connections])
        );
        assert_eq!(effects(&[("zones", "3")]), Ok(vec![Effect::Zones]));
        assert_eq!(
            effects(&[("database.read_replicas", "2")]),
            Ok(vec![Effect::Replicas])
        );
        // Read at each call's arrival: no effect.
        assert_eq!(
            effects(&[("traffic.mix.browse.writes", "true")]),
            Ok(vec![])
        );
        let rates = Ok(vec![Effect::DatabaseFaultRates]);
        assert_eq!(effects(&[("database.mtbf_s", "600")]), rates);
        assert_eq!(effects(&[("database.mttr_s", "30")]), rates);
        let throttle = Ok(vec![Effect::RetryThrottle]);
        assert_eq!(effects(&[("client.retry.throttle", "grpc")]), throttle);
        assert_eq!(
            effects(&[
                ("client.retry.throttle", "envoy"),
                ("client.retry.envoy.min_retry_concurrency", "9")
            ]),
            throttle
        );
        // The settings of a throttle not in use change nothing.
        assert_eq!(effects(&[("client.retry.finagle.ttl_s", "5")]), Ok(vec![]));
        assert_eq!(effects(&[("zone_mtbf_s", "600")]), Ok(vec![Effect::Zones]));
        assert_eq!(
            effects(&[("client.circuit_breaker.enabled", "true")]),
            Ok(vec![Effect::CircuitBreakers])
        );
        assert_eq!(
            effects(&[("client.circuit_breaker.sliding_window_size", "20")]),
            Ok(vec![Effect::CircuitBreakers])
        );
        // Read when next needed: no effect.
        assert_eq!(effects(&[("client.timeout_ms", "900")]), Ok(vec![]));
        // A queue's order and limits apply to the next job it admits or a
        // worker takes; what it holds stays.
        for (path, value) in [
            ("services.browse.queue_time_limit_ms", "50"),
            ("services.browse.queue_order", "adaptive_lifo"),
            ("services.browse.codel_interval_ms", "200"),
            ("services.browse.codel_target_ms", "10"),
        ] {
            assert_eq!(params(&[(path, value)]).diff(&old), Ok(vec![]), "{path}");
        }
        assert_eq!(
            effects(&[("network.client_to_lb.jitter_ms", "3")]),
            Ok(vec![])
        );
        assert_eq!(
            effects(&[("services.browse.scaling.target", "70")]),
            Ok(vec![])
        );
    }

    #[test]
    fn what_cannot_change_while_running_is_named() {
        let old = params(&[]);
        assert_eq!(params(&[("seed", "9")]).diff(&old), Err("seed"));
        let mut s = presets::get("baseline").unwrap();
        s.services[0].name = "shop".into();
        for m in &mut s.traffic.mix {
            if m.service == "browse" {
                m.service = "shop".into();
            }
        }
        assert_eq!(Params::new(&s).diff(&old), Err("the list of services"));
    }
}
