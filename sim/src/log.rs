//! The event log: notable things in plain words for the UI's ticker. Kept as
//! small records in a bounded ring and turned into words only when read, so
//! logging costs the hot path a push, never a `format!`.

use crate::clients::{CircuitState, Transition};
use crate::engine::Leg;
use crate::fleet::InstanceId;
use crate::fleet::{Alarm, Decision};
use crate::request::{Outcome, RequestId};
use crate::scenario::{Metric, Policy, RequestKind, Throttle};
use crate::time::SimTime;
use serde::Serialize;
use std::collections::VecDeque;

/// Records kept; older ones are dropped.
pub const LOG_CAPACITY: usize = 1000;

/// Something notable, before it is put in words.
#[derive(Clone, Debug)]
pub(crate) enum Note {
    Launched(InstanceId),
    InService(InstanceId),
    Crashed(InstanceId),
    HostFailed(InstanceId),
    Hung(InstanceId),
    Slowed(InstanceId, f64),
    Repaired(InstanceId),
    Draining(InstanceId),
    /// Outlier detection ejected a target for this many seconds, or
    /// (`None`) returned it.
    Ejected(InstanceId, Option<f64>),
    /// The load balancer has no healthy target and routes to all it has.
    FailOpen {
        service: u16,
    },
    Terminated(InstanceId),
    Lost {
        request: RequestId,
        leg: Leg,
        service: u16,
    },
    NoTargets {
        service: u16,
    },
    /// The database's primary failed, for this long (`None`: until the
    /// end); `failover` when a standby takes over.
    DatabaseDown {
        seconds: Option<f64>,
        failover: bool,
    },
    /// A whole availability zone failed, for this long (`None`: until the
    /// end).
    ZoneDown {
        zone: u8,
        seconds: Option<f64>,
    },
    Outage {
        service: u16,
        seconds: f64,
    },
    Changed {
        path: String,
        value: String,
    },
    /// A mutating request executed again.
    Duplicate {
        request: RequestId,
        kind: RequestKind,
    },
    /// The client stopped retrying; `refused` names the retry throttle
    /// that said no.
    GaveUp {
        request: RequestId,
        attempts: u32,
        last: Outcome,
        refused: Option<Throttle>,
    },
    Scaled {
        service: u16,
        policy: Policy,
        metric: Metric,
        /// Target tracking's target (the arithmetic divides by it).
        target: f64,
        decision: Decision,
    },
    /// Health checks took an instance out of service, or put it back.
    HealthChanged {
        instance: InstanceId,
        healthy: bool,
        streak: u32,
    },
    /// The group replaces a broken instance.
    Replacing {
        instance: InstanceId,
        /// Because the load balancer's checks failed (not a crash).
        by_load_balancer: bool,
    },
    /// Connection draining ran out of time.
    DrainTimedOut(InstanceId),
    /// A service's circuit breaker changed state.
    Breaker {
        service: u16,
        transition: Transition,
    },
    /// Someone else changed something the service depends on.
    ByOthers {
        who: String,
        service: u16,
        what: OtherNote,
    },
}

/// What someone else changed, before it is put in words.
#[derive(Clone, Copy, Debug)]
pub(crate) enum OtherNote {
    RateLimit {
        rate_rps: f64,
        burst: u32,
    },
    Lifted,
    SlowDeploy {
        factor: f64,
    },
    RolledBack,
    /// `zone`: `None` = into every zone.
    Blocked {
        zone: Option<u8>,
    },
    Unblocked {
        zone: Option<u8>,
    },
    /// The instance stopped (`None`: the service had none).
    Retired(Option<InstanceId>),
}

/// One line of the ticker.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LogEvent {
    /// Position in the log; pass the returned cursor to `events_since`.
    pub seq: u64,
    pub time: SimTime,
    /// A stable word for styling: "fault", "repair", "lifecycle", "loss",
    /// "capacity", "change", "duplicate", "gave_up", "scaling", "health",
    /// "replacement", "breaker", "others" (a change someone else made).
    pub kind: &'static str,
    pub text: String,
}

#[derive(Clone, Default)]
pub(crate) struct Log {
    records: VecDeque<(u64, u64, Note)>,
    next: u64,
}

impl Log {
    #[inline]
    pub fn push(&mut self, now: u64, note: Note) {
        if self.records.len() == LOG_CAPACITY {
            self.records.pop_front();
        }
        self.records.push_back((self.next, now, note));
        self.next += 1;
    }

    /// Records from `cursor` on (or the oldest still held), and the cursor
    /// to pass next time.
    pub fn since(&self, cursor: u64, services: &[String]) -> (Vec<LogEvent>, u64) {
        let out = self
            .records
            .iter()
            .filter(|r| r.0 >= cursor)
            .map(|(seq, t, note)| {
                let (kind, text) = words(note, services);
                LogEvent {
                    seq: *seq,
                    time: SimTime(*t),
                    kind,
                    text,
                }
            })
            .collect();
        (out, self.next)
    }
}

fn words(note: &Note, services: &[String]) -> (&'static str, String) {
    let svc = |i: u16| services.get(i as usize).map_or("?", String::as_str);
    match note {
        Note::Launched(i) => ("lifecycle", format!("{i} launched")),
        Note::InService(i) => ("lifecycle", format!("{i} is in service")),
        Note::Crashed(i) => (
            "fault",
            format!("{i}'s process crashed: it refuses connections"),
        ),
        Note::HostFailed(i) => (
            "fault",
            format!("{i}'s host failed: connections to it time out"),
        ),
        Note::Hung(i) => (
            "fault",
            format!("{i} hung: it accepts work but never answers"),
        ),
        Note::Slowed(i, f) => ("fault", format!("{i} slowed down {f}×")),
        Note::Repaired(i) => ("repair", format!("{i} repaired")),
        Note::Draining(i) => ("lifecycle", format!("{i} draining")),
        Note::Ejected(i, Some(secs)) => (
            "lifecycle",
            format!("outlier detection ejected {i} for {secs} s after consecutive 5xx answers"),
        ),
        Note::Ejected(i, None) => (
            "lifecycle",
            format!("{i}'s ejection ended: it is a target again"),
        ),
        Note::FailOpen { service } => (
            "capacity",
            format!(
                "{} has no healthy target: its load balancer fails open and routes to every registered one",
                svc(*service)
            ),
        ),
        Note::Terminated(i) => ("lifecycle", format!("{i} terminated")),
        Note::Lost {
            request,
            leg,
            service,
        } => {
            let s = svc(*service);
            let r = request.0;
            let text = match leg {
                Leg::ClientToLb => format!("request r-{r} lost on the way to {s}"),
                Leg::LbToInstance => format!("request r-{r} lost inside {s}"),
                Leg::InstanceToDb => format!("request r-{r} lost on the way to the database"),
                Leg::DbToInstance => format!("database answer for r-{r} lost"),
                Leg::InstanceToLb => format!("response to r-{r} lost inside {s}"),
                Leg::LbToClient => format!("response to r-{r} lost on the way back from {s}"),
            };
            ("loss", text)
        }
        Note::NoTargets { service } => (
            "capacity",
            format!(
                "{} has no instance in service: requests get 503",
                svc(*service)
            ),
        ),
        Note::DatabaseDown { seconds, failover } => (
            "fault",
            match (seconds, failover) {
                (Some(s), true) => {
                    format!("the database's primary failed: its standby takes over in {s} s")
                }
                (Some(s), false) => {
                    format!("the database failed: every call to it fails for {s} s")
                }
                (None, _) => "the database failed: every call to it fails".to_string(),
            },
        ),
        Note::ZoneDown { zone, seconds } => (
            "fault",
            match seconds {
                Some(secs) => format!("zone {} is down for {secs} s", zone_name(*zone)),
                None => format!("zone {} is down", zone_name(*zone)),
            },
        ),
        Note::Outage { service, seconds } => (
            "fault",
            format!("{} is down for {seconds} s", svc(*service)),
        ),
        Note::Changed { path, value } => ("change", format!("{path} set to {value}")),
        Note::Duplicate { request, kind } => {
            let r = request.0;
            let text = match kind {
                RequestKind::Checkout => {
                    format!("double charge: checkout r-{r} was executed again")
                }
                _ => format!("duplicate cart item: r-{r} was added to the cart again"),
            };
            ("duplicate", text)
        }
        Note::GaveUp {
            request,
            attempts,
            last,
            refused,
        } => {
            let r = request.0;
            let last = last.as_str().replace('_', " ");
            let text = if let Some(throttle) = refused {
                format!(
                    "r-{r} gave up after {attempts} attempts ({last}): {} refused the retry",
                    throttle.rule()
                )
            } else {
                format!("r-{r} gave up after {attempts} attempts (last: {last})")
            };
            ("gave_up", text)
        }
        Note::Scaled {
            service,
            policy,
            metric,
            target,
            decision: d,
        } => (
            "scaling",
            scaled(svc(*service), *policy, *metric, *target, d),
        ),
        Note::HealthChanged {
            instance,
            healthy,
            streak,
        } => {
            let text = if *healthy {
                format!("{instance} passed {streak} health checks in a row: back in service")
            } else {
                format!("{instance} failed {streak} health checks in a row: out of service")
            };
            ("health", text)
        }
        Note::Replacing {
            instance,
            by_load_balancer,
        } => {
            let why = if *by_load_balancer {
                "its load-balancer health checks fail"
            } else {
                "its instance status check fails"
            };
            ("replacement", format!("{instance} is replaced: {why}"))
        }
        Note::DrainTimedOut(i) => (
            "lifecycle",
            format!("{i}'s deregistration delay ran out: its unfinished work is cut off"),
        ),
        Note::Breaker {
            service,
            transition,
        } => ("breaker", breaker(svc(*service), transition)),
        Note::ByOthers { who, service, what } => ("others", by_others(who, svc(*service), what)),
    }
}

fn by_others(who: &str, service: &str, what: &OtherNote) -> String {
    let into = |zone: &Option<u8>| match zone {
        Some(z) => format!("its instances in zone {}", zone_name(*z)),
        None => "its instances".to_string(),
    };
    match what {
        OtherNote::RateLimit { rate_rps, burst } => format!(
            "{who} set a {rate_rps} req/s rate limit (burst {burst}) on {service}: \
             requests beyond it get 429 Too Many Requests"
        ),
        OtherNote::Lifted => format!("{who} lifted the rate limit on {service}"),
        OtherNote::SlowDeploy { factor } => {
            format!("{who} deployed a new version of {service}: every instance is {factor}× slower")
        }
        OtherNote::RolledBack => format!("{who} rolled back the deploy of {service}"),
        OtherNote::Blocked { zone } => format!(
            "{who} changed a security-group rule: packets from {service}'s load balancer to {} \
             are dropped, so connections time out",
            into(zone)
        ),
        OtherNote::Unblocked { zone } => format!(
            "{who} restored the security-group rule: {service}'s load balancer reaches {} again",
            into(zone)
        ),
        OtherNote::Retired(Some(i)) => format!(
            "{who} retired {i} of {service} (scheduled retirement): it is stopped, \
             and its group replaces it"
        ),
        OtherNote::Retired(None) => {
            format!("{who} retired an instance of {service}, which had none running")
        }
    }
}

fn breaker(service: &str, t: &Transition) -> String {
    let (failed, calls) = (t.failed, t.calls);
    let percent = (failed as f64 * 100.0 / calls.max(1) as f64).round();
    let who = format!("circuit breaker for {service}");
    match (t.from, t.to) {
        (CircuitState::HalfOpen, CircuitState::Open) => {
            format!("{who} opened again: {failed} of {calls} trial calls failed ({percent} %)")
        }
        (_, CircuitState::Open) => {
            format!("{who} opened: {percent} % of the last {calls} calls failed")
        }
        (_, CircuitState::HalfOpen) => {
            format!("{who} is half-open: {calls} trial calls may go through")
        }
        (CircuitState::HalfOpen, CircuitState::Closed) => {
            format!("{who} closed: {failed} of {calls} trial calls failed ({percent} %)")
        }
        _ => format!("{who} is {}", t.to.as_str().replace('_', "-")),
    }
}

/// A zone's letter, as in us-east-1a.
pub fn zone_name(zone: u8) -> char {
    (b'a' + zone) as char
}

/// Why a policy changed desired capacity: the alarm, its datapoints and the
/// arithmetic, e.g. "browse: AlarmHigh: CPU above 50% for 3 of 3 datapoints
/// (latest 97%); 3 warmed-up instances × 97% ÷ 50% = 5.8 → desired 3 → 6".
fn scaled(service: &str, policy: Policy, metric: Metric, target: f64, d: &Decision) -> String {
    let (name, unit) = match metric {
        Metric::Cpu => ("CPU", "%"),
        Metric::RequestsPerTarget => ("requests per target", "/s"),
    };
    let (alarm, above) = match (d.alarm, policy) {
        (Alarm::High, _) => ("AlarmHigh".to_string(), true),
        (Alarm::Low, _) => ("AlarmLow".to_string(), false),
        (Alarm::Step { above, change }, Policy::Simple) => {
            (format!("simple {change:+} alarm"), above)
        }
        (Alarm::Step { above, change }, _) => (format!("step {change:+} alarm"), above),
    };
    let side = if above { "above" } else { "below" };
    let plural = if d.datapoints == 1 { "" } else { "s" };
    let instances = match d.alarm {
        Alarm::High | Alarm::Step { above: true, .. } => "warmed-up instances",
        _ => "instances",
    };
    let arithmetic = match d.alarm {
        Alarm::High | Alarm::Low => format!(
            "{} {instances} × {:.0}{unit} ÷ {target:.0}{unit} = {:.1}",
            d.current,
            d.value,
            d.current as f64 * d.value / target
        ),
        Alarm::Step { change, .. } => {
            format!("{} {instances} {change:+} = {}", d.current, d.computed)
        }
    };
    let limited = if d.computed != d.to as i64 {
        " (the group's limits)"
    } else {
        ""
    };
    format!(
        "{service}: {alarm}: {name} {side} {:.0}{unit} for {n} of {n} datapoint{plural} (latest {:.0}{unit}); \
         {arithmetic} → desired {} → {}{limited}",
        d.threshold,
        d.value,
        d.from,
        d.to,
        n = d.datapoints,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_and_resumable() {
        let mut log = Log::default();
        for i in 0..(LOG_CAPACITY as u32 + 10) {
            log.push(i as u64, Note::Crashed(InstanceId(i)));
        }
        let (all, cursor) = log.since(0, &[]);
        assert_eq!(all.len(), LOG_CAPACITY);
        assert_eq!(
            all[0].text,
            "i-10's process crashed: it refuses connections"
        );
        assert_eq!(cursor, LOG_CAPACITY as u64 + 10);
        log.push(0, Note::Repaired(InstanceId(3)));
        let (new, _) = log.since(cursor, &[]);
        assert_eq!(new.len(), 1);
        assert_eq!(new[0].text, "i-3 repaired");
    }
}
