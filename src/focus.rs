//! Which charts prove the point being made: the charts by name, the two a
//! preset shows beside the diagram, and a person's or a link's choice
//! (`&charts=attempts,capacity`), which wins over both.

use leptos::prelude::*;

/// The run's charts, each over the last two minutes of simulated seconds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ChartName {
    /// Goodput, throughput and capacity against the offered load.
    Load,
    /// Failed requests by cause.
    Failures,
    /// Latency percentiles of successes.
    Latency,
    /// The groups' desired, in-service, healthy and pending instances.
    Capacity,
    /// Each service's and the database's utilisation.
    Utilisation,
    /// Attempts, retries, duplicates and wasted work against requests.
    Attempts,
}

impl ChartName {
    pub const ALL: [ChartName; 6] = [
        ChartName::Load,
        ChartName::Failures,
        ChartName::Latency,
        ChartName::Capacity,
        ChartName::Utilisation,
        ChartName::Attempts,
    ];

    /// The name in links: `charts=load,attempts`.
    pub const fn id(self) -> &'static str {
        match self {
            ChartName::Load => "load",
            ChartName::Failures => "failures",
            ChartName::Latency => "latency",
            ChartName::Capacity => "capacity",
            ChartName::Utilisation => "utilisation",
            ChartName::Attempts => "attempts",
        }
    }

    pub fn parse(id: &str) -> Option<ChartName> {
        ChartName::ALL.into_iter().find(|c| c.id() == id)
    }

    /// A link's `charts=` list, and what in it is not a chart, in words.
    pub fn parse_list(list: &str) -> (Vec<ChartName>, Option<String>) {
        let (mut known, mut unknown) = (Vec::new(), Vec::new());
        for id in list.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            match ChartName::parse(id) {
                Some(c) if !known.contains(&c) => known.push(c),
                Some(_) => {}
                None => unknown.push(id),
            }
        }
        let problem = (!unknown.is_empty()).then(|| {
            format!(
                "charts={list}: no chart called {}; the charts are {}",
                unknown.join(", "),
                ChartName::ALL.map(ChartName::id).join(", ")
            )
        });
        (known, problem)
    }

    /// The two charts a preset shows beside the diagram: the ones its
    /// lesson is read from (load and latency for one not in the table).
    pub fn for_preset(preset: &str) -> [ChartName; 2] {
        PRESET_CHARTS
            .iter()
            .find(|(name, _)| *name == preset)
            .map_or([ChartName::Load, ChartName::Latency], |(_, charts)| *charts)
    }
}

/// Each preset's charts beside the diagram.
const PRESET_CHARTS: &[(&str, [ChartName; 2])] = {
    use ChartName::*;
    &[
        ("baseline", [Load, Latency]),
        ("bench", [Load, Latency]),
        ("lost-request", [Failures, Attempts]),
        ("lost-response", [Failures, Attempts]),
        ("backoff-jitter", [Attempts, Failures]),
        ("retry-storm", [Attempts, Load]),
        ("metastable", [Attempts, Load]),
        ("flash-sale", [Latency, Utilisation]),
        ("flash-sale-autoscaling", [Capacity, Load]),
        ("health-check-replacement", [Capacity, Failures]),
        ("spread-risk", [Failures, Capacity]),
        ("tour-spread-risk", [Failures, Capacity]),
        ("correlated-risk", [Failures, Capacity]),
        ("database-bottleneck", [Utilisation, Load]),
        ("scale-out-database", [Utilisation, Load]),
        ("mm1", [Latency, Utilisation]),
        ("mm4", [Latency, Utilisation]),
        ("stamp-coupling", [Latency, Utilisation]),
        ("latency-ec2", [Latency, Load]),
        ("latency-home-uq", [Latency, Load]),
        ("latency-home-us-east-1", [Latency, Load]),
        ("no-load-balancer", [Utilisation, Failures]),
        ("tour-topology", [Utilisation, Load]),
        ("other-administrators", [Failures, Load]),
    ]
};

/// The charts beside the diagram: those chosen (by a person or a link) if
/// any, else the tour step's, else the preset's.
#[derive(Clone, Copy)]
pub struct Focus {
    chosen: RwSignal<Vec<ChartName>>,
}

impl Focus {
    pub fn new(chosen: Vec<ChartName>) -> Focus {
        Focus {
            chosen: RwSignal::new(chosen),
        }
    }

    /// What a person or a link chose (empty: nothing).
    pub fn chosen(self) -> Signal<Vec<ChartName>> {
        self.chosen.into()
    }

    /// Shows `chart` beside the diagram in place of the second of those
    /// `shown` (the first is the one the point is read from).
    pub fn choose(self, chart: ChartName, shown: &[ChartName]) {
        if shown.contains(&chart) {
            return;
        }
        let mut next: Vec<ChartName> = shown.iter().copied().take(1).collect();
        next.push(chart);
        self.chosen.set(next);
    }

    /// Back to the step's or the preset's charts (a new step or preset).
    pub fn forget(self) {
        self.chosen.set(Vec::new());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_chart_reads_back_from_its_name() {
        for c in ChartName::ALL {
            assert_eq!(ChartName::parse(c.id()), Some(c));
        }
    }

    #[test]
    fn a_list_keeps_known_charts_once_and_names_the_rest() {
        let (charts, problem) = ChartName::parse_list("attempts,capacity,attempts,nope");
        assert_eq!(charts, [ChartName::Attempts, ChartName::Capacity]);
        assert!(problem.is_some_and(|p| p.contains("no chart called nope")));
    }

    #[test]
    fn every_preset_and_only_presets_name_two_different_charts() {
        let presets = sahara_sim::presets::names();
        for name in &presets {
            let entry = PRESET_CHARTS.iter().find(|(n, _)| n == name);
            let Some((_, [a, b])) = entry else {
                panic!("the preset {name} names no charts in PRESET_CHARTS");
            };
            assert_ne!(a, b, "{name}");
        }
        for (name, _) in PRESET_CHARTS {
            assert!(presets.contains(name), "{name} is not a preset");
        }
    }
}
