//! Fallacy 6, "there is only one administrator": changes that other people
//! make to what Sahara depends on — another team, the cloud provider, a
//! network administrator — each at a set time, under their own policies,
//! and without telling Sahara's clients. Scheduled like `faults`; each is
//! logged as done by `who`.

use serde::{Deserialize, Serialize};

/// The longest `who` a change may name: a team or a provider, short enough
/// for the ticker and the diagram.
pub const MAX_WHO_CHARS: usize = 40;

/// One change made by someone else at a set time.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(deny_unknown_fields)]
pub struct ChangeByOther {
    pub at_s: f64,
    /// Who makes the change, in the log's words ("the platform team",
    /// "AWS"): non-empty, at most `MAX_WHO_CHARS` characters.
    pub who: String,
    /// The service whose path or fleet it changes.
    pub service: String,
    pub kind: OtherChange,
    /// `slow_deploy`: service-time multiplier (default 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factor: Option<f64>,
    /// `rate_limit`: the steady rate the token bucket refills at, req/s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_rps: Option<f64>,
    /// `rate_limit`: the bucket's size, the most requests admitted at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub burst: Option<u32>,
    /// `block_path`: only the path into this availability zone (0-based);
    /// absent = into every zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<u32>,
    /// Undone this long after (the limit lifted, the deploy rolled back,
    /// the rule restored); absent = for good. A retirement is never undone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_s: Option<f64>,
}

/// What someone else changes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum OtherChange {
    /// The service's owner puts a rate limit in front of it, as API
    /// Gateway throttles: a token bucket of `burst` tokens refilled at
    /// `rate_rps`; a request finding no token is answered 429 at once.
    RateLimit,
    /// Another team deploys code that makes every instance of the service
    /// `factor` times slower (the `slow` fault on each).
    SlowDeploy,
    /// A network administrator changes a security-group rule so that
    /// packets from the load balancer to the service's instances (in
    /// `zone`, or all) are silently dropped: connections time out.
    BlockPath,
    /// The cloud provider retires the service's oldest instance (EC2
    /// scheduled retirement): it is stopped, and its group replaces it.
    RetireInstance,
}

impl OtherChange {
    pub const ALL: [OtherChange; 4] = [
        OtherChange::RateLimit,
        OtherChange::SlowDeploy,
        OtherChange::BlockPath,
        OtherChange::RetireInstance,
    ];
    pub const fn as_str(self) -> &'static str {
        match self {
            OtherChange::RateLimit => "rate_limit",
            OtherChange::SlowDeploy => "slow_deploy",
            OtherChange::BlockPath => "block_path",
            OtherChange::RetireInstance => "retire_instance",
        }
    }
}

impl ChangeByOther {
    /// A slow deploy's factor when none is given.
    pub const DEFAULT_FACTOR: f64 = 3.0;

    /// The fields this kind of change reads, besides `at_s`, `who`,
    /// `service` and `kind`.
    pub(super) fn reads(&self) -> &'static [&'static str] {
        match self.kind {
            OtherChange::RateLimit => &["rate_rps", "burst", "duration_s"],
            OtherChange::SlowDeploy => &["factor", "duration_s"],
            OtherChange::BlockPath => &["zone", "duration_s"],
            OtherChange::RetireInstance => &[],
        }
    }

    /// The optional fields that are given, by name.
    pub(super) fn given(&self) -> impl Iterator<Item = &'static str> {
        [
            ("factor", self.factor.is_some()),
            ("rate_rps", self.rate_rps.is_some()),
            ("burst", self.burst.is_some()),
            ("zone", self.zone.is_some()),
            ("duration_s", self.duration_s.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, given)| given.then_some(name))
    }
}
