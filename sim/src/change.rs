//! Live changes the UI (or a test) applies to a running simulation.

use crate::fleet::InstanceId;
use crate::scenario::ChangeByOther;
use crate::time::SimDuration;

/// A change that takes effect from the simulation's current time, without a
/// restart. Parameters go through `Set` (the same dotted paths as
/// `Scenario::set`); the rest are actions on the deployment.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// Set a scenario field, e.g. `traffic.rate_rps` to `400`.
    Set { path: String, value: String },
    /// Crash an instance now; it stays down until repaired.
    KillInstance(InstanceId),
    /// Fail an instance's host now: connections to it time out; it stays
    /// down until repaired (or replaced by an `ec2` or `elb` group).
    FailInstance(InstanceId),
    /// Make an instance hang: it accepts work and never answers.
    HangInstance(InstanceId),
    /// Multiply an instance's service time by a factor (> 0, ≤ 1000).
    SlowInstance(InstanceId, f64),
    /// Restart a faulty instance healthy (hung work is lost).
    RepairInstance(InstanceId),
    /// Fail the hosts of every instance in an availability zone (0 is zone
    /// a), repairing them after `duration`; groups launch nothing there
    /// until then.
    ZoneOutage { zone: u32, duration: SimDuration },
    /// Fail the database's primary, repairing it after `duration` (with a
    /// standby it is back after the failover time, if that is sooner).
    FailDatabase { duration: SimDuration },
    /// Someone else changes a service now (Fallacy 6), as a scheduled
    /// `changes_by_others` entry would; its `at_s` is ignored. It joins the
    /// scenario's list at the current time, so a link to the run
    /// reproduces it.
    ByOther(ChangeByOther),
    /// Crash every instance of a service, repairing them after `duration`.
    ServiceOutage {
        service: String,
        duration: SimDuration,
    },
}
