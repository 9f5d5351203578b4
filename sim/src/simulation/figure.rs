//! A figure of the run by name, as a sweep and the tour's reveal read it:
//! any number of the summary by its dotted path in the JSON
//! (`goodput_rps`, `latency_ms.p99`, `utilisation.browse`,
//! `cost.transfer.cross_zone_usd`), or the ratio of two
//! (`outcomes.success/requests`, the share of requests served), for this
//! run. Each is read on its own rather than by building the `Summary`,
//! which would cost the browser build 10 KB of gzipped wasm; a test checks
//! every number of the summary's JSON against it.

use super::Simulation;
use crate::request::Outcome;

impl Simulation {
    /// The figure `name`; `None` when a path names no number, or a ratio
    /// has no value (nothing to divide by).
    pub fn figure(&self, name: &str) -> Option<f64> {
        match name.split_once('/') {
            Some((top, bottom)) => {
                Some(self.number(top)? / self.number(bottom)?).filter(|x| x.is_finite())
            }
            None => self.number(name),
        }
    }

    fn number(&self, path: &str) -> Option<f64> {
        let m = self.metrics();
        let t = m.totals();
        let now = self.now().as_nanos();
        let secs = now as f64 / 1e9;
        let per_s = |x: u64| Some(self.per_second(x));
        let int = |n: u64| Some(n as f64);
        let service = |name: &str| {
            self.world
                .params
                .services
                .iter()
                .position(|s| s.name == name)
        };
        let (head, rest) = path.split_once('.').unwrap_or((path, ""));
        match (head, rest) {
            ("outcomes", name) => Outcome::ALL
                .into_iter()
                .find(|o| o.as_str() == name)
                .and_then(|o| int(t.outcome(o))),
            ("latency_ms", "p50") => Some(m.latency_ms(0.5)),
            ("latency_ms", "p95") => Some(m.latency_ms(0.95)),
            ("latency_ms", "p99") => Some(m.latency_ms(0.99)),
            ("latency_ms", "mean") => Some(m.mean_latency_ms()),
            ("cost", field) => self.cost().number(field),
            ("utilisation", "database") => Some(self.database.utilisation()),
            ("utilisation", name) => service(name).map(|s| self.fleets.utilisation(s)),
            ("availability", name) => service(name).map(|s| t.availability(s)),
            ("desired", name) => service(name)
                .and_then(|s| self.fleets.desired().nth(s))
                .map(f64::from),
            (_, "") => match head {
                "seed" => int(self.scenario().seed),
                "duration_s" => Some(secs),
                "requests" => int(t.requests),
                "failed" => int(t.failed()),
                "throughput_rps" => per_s(t.finished_total()),
                "goodput_rps" => per_s(t.outcome(Outcome::Success)),
                "events_processed" => int(t.events),
                "attempts" => int(t.attempts),
                "in_flight" => int(self.in_flight()),
                "late_responses" => int(t.late_responses),
                "mean_in_system" => Some(m.mean_in_system(now, self.in_flight())),
                "mean_queue_wait_ms" => Some(m.mean_queue_wait_ms()),
                "p_wait" => Some(m.p_wait()),
                "retries" => int(t.retries),
                "attempts_per_request" => Some(t.attempts_per_request()),
                "gave_up" => int(t.gave_up),
                "retries_refused" => int(t.retries_refused),
                "duplicates" => int(t.duplicates),
                "wasted" => int(t.wasted),
                "cancelled" => int(t.cancelled),
                "replayed" => int(t.replayed),
                "conflicts" => int(t.conflicts),
                "instances_launched" => int(t.instances_launched),
                "instances_terminated" => int(t.instances_terminated),
                "scaling_actions" => int(t.scaling_actions),
                // Filled in by whoever timed the run: not the model's.
                "wall_ms" => Some(0.0),
                _ => None,
            },
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{presets, Simulation};

    /// A figure reads the summary's numbers; a ratio divides them, per run;
    /// a name that is no number, or a ratio over zero, has no value.
    #[test]
    fn a_figure_is_a_number_of_the_summary_or_a_ratio_of_two() {
        let mut scenario = presets::get("lost-request").unwrap();
        scenario.duration_s = 20.0;
        let mut sim = Simulation::new(scenario).unwrap();
        sim.run_to_end();
        let s = sim.summary();
        assert_eq!(sim.figure("requests"), Some(s.requests as f64));
        assert_eq!(sim.figure("latency_ms.p99"), Some(s.latency_ms.p99));
        assert_eq!(
            sim.figure("outcomes.success/requests"),
            Some(s.outcomes.success as f64 / s.requests as f64)
        );
        assert_eq!(s.outcomes.crashed, 0);
        assert_eq!(sim.figure("requests/outcomes.crashed"), None);
        assert_eq!(sim.figure("scenario"), None, "a text is not a figure");
        assert_eq!(sim.figure("outcomes.nope"), None);
        assert_eq!(sim.figure("utilisation.nope"), None);
    }

    /// Every number of the summary's JSON, by its dotted path, is a figure
    /// with the same value, read at the same moment: nothing the CLI prints
    /// is out of a sweep's or the tour's reach, and the two never differ.
    #[test]
    fn every_number_of_the_json_is_a_figure() {
        let mut sim = Simulation::new(presets::get("correlated-risk").unwrap()).unwrap();
        sim.advance_to(crate::SimTime::from_secs_f64(120.0));
        let s = sim.summary();
        let json = serde_json::to_value(&s).unwrap();
        fn leaves(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, f64)>) {
            match v {
                serde_json::Value::Object(map) => {
                    for (k, v) in map {
                        let path = if prefix.is_empty() {
                            k.clone()
                        } else {
                            format!("{prefix}.{k}")
                        };
                        leaves(&path, v, out);
                    }
                }
                v => out.extend(v.as_f64().map(|x| (prefix.to_string(), x))),
            }
        }
        let mut numbers = Vec::new();
        leaves("", &json, &mut numbers);
        assert!(numbers.len() > 50, "{} numbers", numbers.len());
        for (path, value) in numbers {
            assert_eq!(sim.figure(&path), Some(value), "{path}");
        }
    }
}
