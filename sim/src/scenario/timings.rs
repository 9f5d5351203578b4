//! Which of a scenario's auto-scaling timings are shorter than the real
//! thing, so a preset that compresses time to fit a lecture says so.

use super::{defaults, HealthCheckType, Policy, Scaling, Scenario, Service};

impl Scenario {
    /// Each service's timings that are set below AWS's default or a
    /// realistic figure, in words, e.g. "browse, cart: 20 s boots (EC2:
    /// about 120 s), 20 s datapoints (CloudWatch: 60 s)". Services with the
    /// same compression share a line; empty when nothing is compressed.
    /// Only timings that act are listed: datapoints and warm-up with a
    /// policy, the cooldown with simple scaling, the grace period with
    /// replacement.
    pub fn time_compression(&self) -> Vec<String> {
        let mut lines: Vec<(Vec<&str>, String)> = Vec::new();
        for service in &self.services {
            let phrases = compressed(service).join(", ");
            if phrases.is_empty() {
                continue;
            }
            match lines.iter_mut().find(|(_, p)| *p == phrases) {
                Some((names, _)) => names.push(&service.name),
                None => lines.push((vec![&service.name], phrases)),
            }
        }
        lines
            .into_iter()
            .map(|(names, phrases)| format!("{}: {phrases}", names.join(", ")))
            .collect()
    }
}

/// One service's compressed timings, as phrases.
fn compressed(s: &Service) -> Vec<String> {
    let real = Scaling::default();
    let sc = &s.scaling;
    let policy = sc.policy != Policy::None;
    let rows = [
        (true, s.boot_s, defaults::boot_s(), "boots", "EC2: about"),
        (
            policy,
            sc.period_s,
            real.period_s,
            "datapoints",
            "CloudWatch:",
        ),
        (policy, sc.warmup_s, real.warmup_s, "warm-up", "AWS:"),
        (
            sc.policy == Policy::Simple,
            sc.cooldown_s,
            real.cooldown_s,
            "cooldown",
            "AWS:",
        ),
        (
            sc.health_check_type != HealthCheckType::None,
            sc.grace_s,
            real.grace_s,
            "grace period",
            "AWS console:",
        ),
    ];
    rows.into_iter()
        .filter(|&(acts, value, real, ..)| acts && value < real)
        .map(|(_, value, real, what, source)| format!("{value} s {what} ({source} {real} s)"))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::presets;

    #[test]
    fn compressed_presets_say_so_and_real_ones_do_not() {
        let lines = |name| presets::get(name).unwrap().time_compression();
        assert_eq!(
            lines("flash-sale-autoscaling"),
            vec![
                "browse, cart, checkout: 20 s boots (EC2: about 120 s), \
                 20 s datapoints (CloudWatch: 60 s), 20 s warm-up (AWS: 300 s)"
            ]
        );
        assert_eq!(lines("baseline"), Vec::<String>::new());
        let mut s = presets::get("baseline").unwrap();
        s.set("services.browse.scaling.policy", "simple").unwrap();
        s.set("services.browse.scaling.cooldown_s", "30").unwrap();
        assert_eq!(
            s.time_compression(),
            vec!["browse: 30 s cooldown (AWS: 300 s)"]
        );
    }
}
