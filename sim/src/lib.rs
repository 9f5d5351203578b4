//! Sahara Sim core: a deterministic discrete-event simulation of Sahara's
//! request path (clients → network → load balancer → instances → database),
//! exact enough to match queueing theory and fast enough to drive a live
//! view from WebAssembly. No web dependencies, no clock, no threads, no files.
//!
//! Start from [`Scenario`] (or a [`presets`] entry), build a [`Simulation`],
//! step it with `advance_*`, read [`Simulation::snapshot`],
//! [`Simulation::metrics`], [`Simulation::events_since`] and
//! [`Simulation::summary`], and change it live with [`Simulation::apply`].

mod change;
mod clients;
pub mod csv;
mod database;
mod digest;
mod engine;
mod failures;
mod fleet;
mod idempotency;
mod log;
mod metrics;
mod network;
mod params;
pub mod presets;
mod request;
mod retry;
mod rng;
pub mod scenario;
mod simulation;
mod slab;
mod snapshot;
mod summary;
pub mod sweep;
mod throttle;
mod time;
mod timeline;
mod trace;
mod world;
mod ziggurat;

pub use change::Change;
pub use clients::CircuitState;
pub use engine::Leg;
pub use fleet::{Condition, Health, InstanceId, Lifecycle};
pub use idempotency::{TokenLookup, TOKEN_STORE_CAPACITY};
pub use log::{zone_name, LogEvent, LOG_CAPACITY};
pub use metrics::{Metrics, Sample, Totals, SERIES_CAPACITY};
pub use network::HOPS;
pub use request::{Outcome, RequestId, Status};
pub use scenario::{Scenario, ScenarioError, ValidationError};
pub use simulation::Simulation;
pub use snapshot::{
    ClientsView, DatabaseView, InstanceView, LinkView, MessageView, OtherChangeView, ReplicaView,
    ServiceView, Snapshot, MAX_MESSAGES,
};
pub use summary::{Cost, Latency, Outcomes, Summary, Transfer};
pub use time::{SimDuration, SimTime};
pub use timeline::Timeline;
pub use trace::{Step, Trace, TraceStep, TraceTarget};
