//! Events and messages: small `Copy` values, so scheduling one is a memcpy
//! into the heap and never an allocation.

use crate::request::Status;
use crate::slab::Handle;
use serde::Serialize;

/// Something that happens at a point in simulated time.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Event {
    /// The next open-loop arrival; stale unless `gen` is current (a rate
    /// change reschedules arrivals from the moment of the change).
    Arrival { gen: u32 },
    /// A user of the closed population finished thinking.
    UserReady { user: u32 },
    /// A message reaches the end of its hop, or the point where it is lost.
    Deliver(Message),
    /// An instance worker finished its own part of a request.
    WorkDone {
        instance: u32,
        slot: u16,
        epoch: u32,
    },
    /// The database finished a query.
    DbDone(Message),
    /// A pending instance finished booting.
    Booted { instance: u32, epoch: u32 },
    /// A random crash, if the instance's fault chain is still `gen`.
    RandomFault { instance: u32, gen: u32 },
    /// End of a repair, if the instance's fault chain is still `gen`.
    Repair { instance: u32, gen: u32 },
    /// A client's backoff ended: send the logical request's next attempt.
    Retry { request: Handle },
    /// The load balancer probes an instance, if its probe chain is still `gen`.
    Probe { instance: u32, gen: u32 },
    /// A draining instance's deregistration delay is over: it stops, if
    /// its slot still holds instance `id`.
    DrainDeadline { instance: u32, id: u32 },
    /// The scenario's scheduled fault with this index.
    ScheduledFault { index: u32 },
    /// A timer that could not go to the timer FIFO (see `EventQueue`).
    Timer(Timer),
    /// Once per simulated second: close the metrics row.
    Tick,
}

/// A deadline that usually does not matter: most attempts answer in time.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Timer {
    /// The client's per-attempt timeout.
    Attempt(Handle),
    /// An instance gives up on a database call that was lost.
    DbCall {
        instance: u32,
        slot: u16,
        epoch: u32,
    },
}

/// The hop and direction a message travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Leg {
    ClientToLb,
    LbToInstance,
    InstanceToDb,
    DbToInstance,
    InstanceToLb,
    LbToClient,
}

impl Message {
    pub const RETRY: u8 = 1;
    pub const DUPLICATE: u8 = 2;
}

impl Leg {
    /// Index of the hop in `Scenario::network` order.
    pub fn hop(self) -> usize {
        match self {
            Leg::ClientToLb | Leg::LbToClient => 0,
            Leg::LbToInstance | Leg::InstanceToLb => 1,
            Leg::InstanceToDb | Leg::DbToInstance => 2,
        }
    }
    pub fn is_response(self) -> bool {
        matches!(
            self,
            Leg::DbToInstance | Leg::InstanceToLb | Leg::LbToClient
        )
    }
}

/// A request or response on the wire. Self-contained: the receiver needs
/// nothing else to act on it, and it may outlive the attempt it belongs to
/// (a response arriving after the client timed out).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Message {
    pub attempt: Handle,
    /// The logical request's idempotency token, which the service sees even
    /// after the client gave up on the attempt: the low 32 bits of its
    /// `RequestId` (token stores and the ground truth forget long before
    /// 2^32 requests later, and 4 bytes keep an event within 48).
    pub token: u32,
    /// When it left, in ns (for the view to interpolate its position).
    pub sent_at: u64,
    /// Instance slab index (legs to or from an instance).
    pub instance: u32,
    /// Id of that instance. Slots are reused after termination; a message
    /// for an instance that is gone must not reach the slot's new occupant.
    pub target: u32,
    /// The instance's epoch when the work was taken on.
    pub epoch: u32,
    /// The instance worker slot holding the work (database legs).
    pub slot: u16,
    /// Service index (at most 16 services).
    pub service: u8,
    /// Index into the traffic mix.
    pub kind: u8,
    pub leg: Leg,
    pub status: Status,
    /// Lost on the way: the Deliver event is the moment it disappears.
    pub lost: bool,
    /// `RETRY` (part of an attempt after the first) and `DUPLICATE` (the
    /// response of a repeated execution of a mutating request).
    pub marks: u8,
}
