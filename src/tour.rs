//! The guided tour: one step per point of the lecture, in its order, each a
//! preset plus settings, a few sentences in the lecture's words, what to try
//! (naming the control to touch) and what to notice; and `Tour`, which step
//! is shown. The tour panel (`view::tour`) shows it and the URL's `step=`
//! selects it.

use crate::focus::ChartName;
use crate::live::Live;
use leptos::prelude::*;

/// A "try this" prompt, and the setting it asks the student to touch (a
/// short name from `settings`), which the panel shows next to it.
pub struct Try {
    pub text: &'static str,
    pub setting: Option<&'static str>,
}

/// A term the lecture defines, what it means, and the diagram parts it
/// names, highlighted when the student picks it.
pub struct Term {
    pub name: &'static str,
    pub meaning: &'static str,
    pub highlight: &'static [&'static str],
}

pub struct Step {
    pub title: &'static str,
    /// Two to four sentences in the lecture's own terms.
    pub body: &'static str,
    /// The preset the step starts from.
    pub preset: &'static str,
    /// Settings on top of the preset: (short name or scenario path, value).
    pub settings: &'static [(&'static str, &'static str)],
    pub try_this: &'static [Try],
    pub notice: &'static str,
    /// Parts of the diagram to highlight: "clients", "internet", "header"
    /// (a group's min / desired / max line),
    /// "balancer", "group", "instances", "database".
    pub highlight: &'static [&'static str],
    /// The lecture's terms this step introduces, one by one.
    pub terms: &'static [Term],
    /// The two charts the step's point is read from, beside the diagram.
    pub charts: [ChartName; 2],
}

pub const STEPS: &[Step] = &[
    Step {
        title: "Failure 1: the request is lost",
        body: "A customer adds an item to the cart, but the request never reaches the CartService: 5 % of all requests are lost on the internet. \
               The client cannot tell; it only notices that no answer came before its timeout. \
               The lecture's answer: resend the request, here up to 3 attempts.",
        preset: "lost-request",
        settings: &[],
        try_this: &[Try { text: "Set attempts to 1: every lost request becomes a failure.", setting: Some("attempts") }],
        notice: "In 5 minutes, with 3 attempts only 9 of 89 811 requests fail (4 650 resends); with 1 attempt 4 339 fail.",
        highlight: &["clients", "internet"],
        terms: &[],
        charts: [ChartName::Failures, ChartName::Attempts],
    },
    Step {
        title: "Failure 2: the response is lost",
        body: "Now the CartService does the work but its response is lost on the way back. \
               The client sees the same timeout, resends, and the item is added twice. \
               The fix is tokens: every attempt carries the same token, and a service that has seen it answers without doing the work again.",
        preset: "lost-response",
        settings: &[],
        try_this: &[
            Try { text: "Set tokens to per instance: only a resend that reaches the same instance is caught.", setting: Some("idempotency") },
            Try { text: "Set tokens to shared: no duplicates, for one more database query per cart or checkout.", setting: Some("idempotency") },
        ],
        notice: "In 5 minutes: 929 duplicate items and charges without tokens, 459 with per-instance tokens, 0 with shared ones.",
        highlight: &["internet", "instances", "database"],
        terms: &[],
        charts: [ChartName::Attempts, ChartName::Failures],
    },
    Step {
        title: "Everyone retries: the shock when it comes back",
        body: "Browsing runs at 70 % of its capacity; clients wait 100 ms and retry up to 5 times, 1, 2, 4, 8 s apart (the lecture's backoff). \
               Every browsing process is down from 60 s to 90 s. \
               When it is back, 15 s of requests' retries arrive with the new ones: a shock.",
        preset: "retry-storm",
        settings: &[],
        try_this: &[
            Try { text: "Set jitter to full: the same retries, spread out.", setting: Some("jitter") },
            Try { text: "Then set the retry throttle to gRPC.", setting: Some("budget") },
        ],
        notice: "From 90 s about 2 800 attempts/s meet 800 of capacity; each waits longer than its client and is retried: goodput stays 0, jitter or not, though nothing is broken. With gRPC's throttle: 563/s at once.",
        highlight: &["clients", "balancer", "instances"],
        terms: &[],
        charts: [ChartName::Attempts, ChartName::Load],
    },
    Step {
        title: "Fallacy 2: latency is not zero",
        body: "The lecture measured 20.025 ms from home to UQ, 249.296 ms to us-east-1 and 0.662 ms from EC2 to EC2: ping round trips, which a call pays once (half there, half back). \
               A chatty page that makes ten sequential calls pays ten round trips: 6.6 ms within EC2, 0.20 s to UQ and 2.5 s to us-east-1, before any work. \
               Network calls are much slower than local ones.",
        preset: "latency-home-us-east-1",
        settings: &[],
        try_this: &[Try { text: "Set internet latency to 20.025 ms (UQ), then 0.662 ms (EC2).", setting: Some("latency") }],
        notice: "One call, 10 ms of it work: 260 ms to us-east-1, 30.7 ms to UQ, 11.3 ms within EC2. The simulator makes one call at a time; the ten-call figures are that round trip × 10.",
        highlight: &["internet"],
        terms: &[],
        charts: [ChartName::Latency, ChartName::Load],
    },
    Step {
        title: "Fallacy 3: bandwidth is not infinite",
        body: "Stamp coupling: every request carries the whole composite customer record (20 kB) instead of its id (100 B). \
               At 580 requests/s that is about 93 Mbit/s, over a 100 Mbit/s internet link. \
               Distributed calls clog up the network.",
        preset: "stamp-coupling",
        settings: &[("bandwidth", "100")],
        try_this: &[
            Try { text: "Lower internet bandwidth to 90 Mbit/s, then 50.", setting: Some("bandwidth") },
            Try { text: "Then send an id instead of the whole record.", setting: Some("payload") },
        ],
        notice: "Median 58 ms at 100 Mbit/s; at 90 the link is overfull and it climbs past 2 s; at 50, 19 in 20 requests time out. Ids keep it at 36 ms even at 50. The bill barely changes: inbound data is free on AWS ($0.0006 per 2 minutes either way).",
        highlight: &["internet", "balancer", "database"],
        terms: &[],
        charts: [ChartName::Latency, ChartName::Utilisation],
    },
    Step {
        title: "Fallacies 4–7: security, topology, administrators, cost",
        body: "At 60 s the host of the first browsing instance fails; at 120 s EC2's status checks see it and its auto-scaling group replaces it at a new address, but every client was given the old static IP. \
               Things break without warning, and many administrators control parts you depend on; the cost counter runs on, data transfer included. \
               Security: authentication happens only at the data centre's entrance, so one insecure node can reach the whole network.",
        preset: "tour-topology",
        settings: &[],
        try_this: &[
            Try { text: "Set the load balancer algorithm to round robin: it follows the replacement.", setting: Some("balancer") },
            Try {
                text: "Click an instance, compromise it, then segment the network: defence in depth.",
                setting: None,
            },
        ],
        notice: "Static IP: from 60 s every request fails (11 968 of 18 009 in 3 minutes), though the replacement is in service at 140 s. Behind the load balancer 283 fail, before its health checks notice.",
        highlight: &["balancer", "group", "instances"],
        terms: &[],
        charts: [ChartName::Load, ChartName::Failures],
    },
    Step {
        title: "Spreading the risk",
        body: "Each instance crashes at random and is down p = 0.2 of the time (40 s up, 10 s to repair, on average); the load balancer drops a crashed instance at once and a client resends once. \
               A request fails only when all n instances are down, so availability is 1 − pⁿ: 0.8, 0.96 for two, 1 − 0.2¹⁰ for ten. \
               Only for independent failures: instances in one zone fail together.",
        preset: "tour-spread-risk",
        settings: &[],
        try_this: &[Try { text: "Set desired capacity to 2, then 10.", setting: Some("desired") }],
        notice: "Requests served in an hour: 0.787 with 1 instance, 0.939 with 2, 0.99995 with 10 (179 896 of 179 904).",
        highlight: &["instances"],
        terms: &[],
        charts: [ChartName::Failures, ChartName::Capacity],
    },
    Step {
        title: "Auto-scaling terminology",
        body: "An auto-scaling group is a collection of instances: its capacity is how many it has now, its desired capacity how many healthy ones we want. \
               A scaling policy sets the desired capacity (here: keep CPU near 50 %), within hard minimum and maximum limits. \
               A health check decides whether an instance is healthy.",
        preset: "flash-sale-autoscaling",
        settings: &[],
        try_this: &[
            Try { text: "Set the scaling policy to none.", setting: Some("policy") },
            Try { text: "Or keep it and set maximum capacity to 6.", setting: Some("max") },
        ],
        notice: "In the 5× flash sale (time compressed: 20 s datapoints, boots and warm-up) browsing's desired capacity goes 3 → 6 → 11 → 13 and back; failures stop at 181 s. Rejected: 62 896; 208 816 with no policy; 96 896 with maximum 6.",
        highlight: &["group", "instances", "balancer"],
        terms: &[
            Term { name: "Auto-scaling group", meaning: "a collection of instances managed by auto-scaling", highlight: &["group"] },
            Term { name: "Capacity", meaning: "instances currently in the group", highlight: &["instances"] },
            Term { name: "Desired capacity", meaning: "healthy instances we want to have", highlight: &["header"] },
            Term { name: "Scaling policy", meaning: "how the desired capacity is decided", highlight: &["header"] },
            Term { name: "Minimum / maximum", meaning: "hard limits on the number of instances", highlight: &["header"] },
            Term { name: "Health check", meaning: "how the load balancer decides an instance is healthy", highlight: &["balancer", "instances"] },
        ],
        charts: [ChartName::Capacity, ChartName::Load],
    },
    Step {
        title: "Product browsing keeps going down",
        body: "Product browsing has the most load, so it runs in an auto-scaling group of four instances. \
               It still goes down: traffic is all sent through one instance, whose address every client uses. \
               A load balancer routes to all instances.",
        preset: "no-load-balancer",
        settings: &[],
        try_this: &[
            Try { text: "Set desired capacity to 8: nothing changes.", setting: Some("desired") },
            Try { text: "Set the load balancer algorithm to round robin.", setting: Some("balancer") },
        ],
        notice: "One instance: 12 183 of 36 047 requests rejected, median 288 ms, with 4 or 8 instances. Round robin: none rejected, median 43 ms.",
        highlight: &["balancer", "instances"],
        terms: &[],
        charts: [ChartName::Utilisation, ChartName::Failures],
    },
    Step {
        title: "Summary: the database is the bottleneck",
        body: "Auto-scaling and load balancing let each stateless service scale on its own. \
               In a bigger flash sale browsing scales out, but every request still queries the one shared database. \
               The database is a bottleneck: the lecture's foreshadowing of stateful systems.",
        preset: "flash-sale-autoscaling",
        settings: &[
            ("rate", "500"),
            ("services.browse.max_instances", "40"),
            ("db_connections", "8"),
            ("db_time", "5"),
        ],
        try_this: &[
            Try { text: "Set its connections to 16, then 32.", setting: Some("db_connections") },
            Try { text: "Add 2 read replicas.", setting: Some("db_replicas") },
        ],
        notice: "Database at 100 %: 404 168 fail until the sale ends. 16 connections: 342 259; 32: 386 719, past its peak. Replicas take reads: 127 985, none after 200 s.",
        highlight: &["group", "database"],
        terms: &[],
        charts: [ChartName::Utilisation, ChartName::Latency],
    },
];

/// Which tour step is shown (0-based); `None` when the tour is closed.
#[derive(Clone, Copy)]
pub struct Tour {
    pub step: RwSignal<Option<usize>>,
    /// The term of the step the student picked, if any.
    pub term: RwSignal<Option<usize>>,
}

impl Tour {
    pub fn new(step: Option<usize>) -> Tour {
        Tour {
            step: RwSignal::new(step.filter(|s| *s < STEPS.len())),
            term: RwSignal::new(None),
        }
    }

    /// Shows step `index` and loads its scenario, paused so the lecturer
    /// can talk first.
    pub fn go(self, live: Live, index: usize) {
        let Some(step) = STEPS.get(index) else { return };
        let changes: Vec<(String, String)> = step
            .settings
            .iter()
            .map(|(key, value)| (crate::url_state::path_of(key), value.to_string()))
            .collect();
        let problems = live.start(Some(step.preset), &changes, None);
        if !problems.is_empty() {
            leptos::logging::warn!("tour step {}: {}", index + 1, problems.join("; "));
        }
        live.play(false);
        self.term.set(None);
        self.step.set(Some(index));
    }

    /// The next (`+1`) or previous (`-1`) step; opens the tour at its start.
    pub fn advance(self, live: Live, by: i32) {
        let next = match self.step.get_untracked() {
            Some(i) => (i as i32 + by).clamp(0, STEPS.len() as i32 - 1) as usize,
            None => 0,
        };
        if Some(next) != self.step.get_untracked() {
            self.go(live, next);
        }
    }

    /// The diagram parts to highlight, space-separated: the picked term's,
    /// else the current step's.
    pub fn highlight(self) -> String {
        let Some(step) = self.step.get().and_then(|i| STEPS.get(i)) else {
            return String::new();
        };
        match self.term.get().and_then(|t| step.terms.get(t)) {
            Some(term) => term.highlight.join(" "),
            None => step.highlight.join(" "),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings;

    /// Sentences: ends of `.`, `!` or `?` followed by a space or the end
    /// (so "0.662" and "2^retry" are not ends).
    fn sentences(text: &str) -> usize {
        let chars: Vec<char> = text.chars().collect();
        (0..chars.len())
            .filter(|&i| {
                matches!(chars[i], '.' | '!' | '?')
                    && chars.get(i + 1).is_none_or(|c| c.is_whitespace())
            })
            .count()
    }

    #[test]
    fn at_least_ten_steps_with_short_bodies() {
        assert!(STEPS.len() >= 10);
        for s in STEPS {
            let n = sentences(s.body);
            assert!((2..=4).contains(&n), "{}: {n} sentences", s.title);
            assert!(
                !s.try_this.is_empty() && s.try_this.len() <= 2,
                "{}",
                s.title
            );
            assert!(
                !s.notice.is_empty() && !s.highlight.is_empty(),
                "{}",
                s.title
            );
        }
        let text: usize = STEPS
            .iter()
            .map(|s| {
                s.title.len()
                    + s.body.len()
                    + s.notice.len()
                    + s.try_this.iter().map(|t| t.text.len()).sum::<usize>()
                    + s.terms
                        .iter()
                        .map(|t| t.name.len() + t.meaning.len())
                        .sum::<usize>()
            })
            .sum();
        assert!(text < 6144, "tour text is {text} bytes");
    }

    /// Every step loads as the panel loads it: the preset exists and every
    /// setting applies to it (short names through the URL's `path_of`).
    #[test]
    fn every_step_loads() {
        for s in STEPS {
            let mut scenario = sahara_sim::presets::get(s.preset)
                .unwrap_or_else(|| panic!("{}: no preset {}", s.title, s.preset));
            for (key, value) in s.settings {
                if let Some(setting) = settings::find(key) {
                    assert!(
                        !setting.group.per_service(),
                        "{}: {key} is per service; write its path",
                        s.title
                    );
                }
                let path = crate::url_state::path_of(key);
                scenario
                    .set(&path, value)
                    .unwrap_or_else(|e| panic!("{}: {path}={value}: {e}", s.title));
            }
            scenario
                .validate()
                .unwrap_or_else(|e| panic!("{}: {e:?}", s.title));
        }
    }

    /// Every step puts a control at hand, and every control it names
    /// exists. (A prompt may instead ask for an action on the diagram.)
    #[test]
    fn every_try_names_a_real_control() {
        for s in STEPS {
            assert!(
                s.try_this.iter().any(|t| t.setting.is_some()),
                "{}: no control at hand",
                s.title
            );
            for id in s.try_this.iter().filter_map(|t| t.setting) {
                assert!(settings::find(id).is_some(), "{}: no setting {id}", s.title);
            }
        }
    }

    #[test]
    fn highlights_are_parts_of_the_diagram() {
        const PARTS: &[&str] = &[
            "clients",
            "internet",
            "balancer",
            "group",
            "instances",
            "database",
            "header",
        ];
        for s in STEPS {
            for h in s
                .highlight
                .iter()
                .chain(s.terms.iter().flat_map(|t| t.highlight))
            {
                assert!(PARTS.contains(h), "{}: {h}", s.title);
            }
        }
    }
}
