//! Events and messages: small `Copy` values, so scheduling one is a memcpy
//! into the heap and never an allocation.
//!
//! An event may outlive what it was scheduled for (the instance crashed, the
//! attempt finished, the rate changed). Nothing searches the queue to remove
//! such events: each one that can go stale names its claim (`Event::claim`),
//! a timer chain and the generation that chain had when it was scheduled,
//! and the simulation checks that claim in one place before handling it.

use crate::request::Status;
use crate::slab::Handle;
use serde::Serialize;

/// Something that happens at a point in simulated time.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Event {
    /// The next open-loop arrival (a rate change restarts the chain).
    Arrival { gen: Gen },
    /// A user of the closed population finished thinking.
    UserReady { user: u32 },
    /// A message reaches the end of its hop, or the point where it is lost.
    Deliver(Message),
    /// An instance worker finished its own part of a request.
    WorkDone { instance: u32, slot: u16, gen: Gen },
    /// The database finished a query.
    DbDone(Message),
    /// An instance shed a queued job: its 503 leaves for the load balancer.
    Shed(Message),
    /// A pending instance finished booting.
    Booted { instance: u32, gen: Gen },
    /// A random crash.
    RandomFault { instance: u32, gen: Gen },
    /// The end of a repair.
    Repair { instance: u32, gen: Gen },
    /// A client's backoff ended: send the logical request's next attempt.
    Retry { request: Handle },
    /// The load balancer probes an instance.
    Probe { instance: u32, gen: Gen },
    /// The timeout of the probe sent to an instance at `sent`.
    ProbeTimeout { instance: u32, gen: Gen, sent: u64 },
    /// A draining instance's deregistration delay is over: it stops.
    DrainDeadline { instance: u32, gen: Gen },
    /// The scenario's scheduled fault with this index.
    ScheduledFault { index: u32 },
    /// The scenario's change by others with this index is made, or
    /// (`undone`) undone.
    ByOthers { index: u32, undone: bool },
    /// A random outage of an availability zone.
    ZoneFault { zone: u8, gen: Gen },
    /// A random failure of the database's primary.
    DatabaseFault { gen: Gen },
    /// A client's timeout for one attempt.
    AttemptTimeout(AttemptTimer),
    /// A timer that could not go to the timer FIFO (see `EventQueue`).
    Timer(Timer),
    /// Once per simulated second: close the metrics row, tend the groups.
    Tick,
}

/// A deadline that usually does not matter: most attempts answer in time.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Timer {
    /// An instance gives up on a database call that was lost.
    DbCall { instance: u32, slot: u16, gen: Gen },
    /// A load balancer's idle timeout for an attempt it routed to instance
    /// `target` (in slot `instance`).
    Idle {
        attempt: Handle,
        instance: u32,
        target: u32,
    },
    /// A propagated deadline passes for `attempt`, whose job may wait on
    /// the database in `slot` of instance `instance`. Never stale: the
    /// handler checks that the slot still holds that job.
    Deadline {
        attempt: Handle,
        instance: u32,
        slot: u16,
    },
    /// A load balancer gives up connecting to instance `target` (in slot
    /// `instance`), whose host is down, for `attempt`. Never stale: the
    /// connection attempt ends whether or not the client still waits.
    Connect {
        attempt: Handle,
        instance: u32,
        target: u32,
    },
}

/// A client's timeout for one attempt: the attempt's slot in the clients'
/// table and the sequence number the event queue gave the timer. Only the
/// attempt that scheduled it holds that number, so the pair names it
/// exactly; the queue keeps a pending timeout in 8 bytes (see `EventQueue`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct AttemptTimer {
    pub slot: u32,
    pub seq: u64,
}

/// The generation of a timer chain. Bumping it makes every event of the
/// chain still queued stale.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Gen(u32);

impl Gen {
    pub fn bump(&mut self) {
        self.0 = self.0.wrapping_add(1);
    }

    /// The generation after this one.
    pub fn next(self) -> Gen {
        Gen(self.0.wrapping_add(1))
    }
}

/// An instance's timer chains, each with its own generation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Chain {
    /// The work it holds and its boot: bumped when held work is lost or
    /// frozen (crash, hang, repair of a hang, drain deadline) and when it
    /// terminates. Messages about its work carry this generation too.
    Work,
    /// Its random faults and repairs: bumped by every fault and repair.
    Faults,
    /// Its health-check probes: bumped when the chain restarts and when it
    /// stops being a registered target.
    Probes,
    /// Its life: bumped when it terminates.
    Life,
}

/// What a stale-able event was scheduled for.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Claim {
    /// The open-loop arrival chain at this generation.
    Arrivals(Gen),
    /// The zones' random outages at this generation.
    Zones(Gen),
    /// The database's random failures at this generation.
    Database(Gen),
    /// An instance slot's chain at this generation.
    Instance { slot: u32, chain: Chain, gen: Gen },
    /// A logical request still in flight.
    Request(Handle),
    /// An attempt whose outcome the client has not yet seen.
    Attempt(Handle),
    /// The timer of an attempt whose outcome the client has not yet seen.
    AttemptTimer(AttemptTimer),
}

impl Event {
    /// What must still hold for the event to matter; `None` for events that
    /// are never stale.
    #[inline]
    pub fn claim(&self) -> Option<Claim> {
        let instance = |slot: u32, chain, gen| Some(Claim::Instance { slot, chain, gen });
        match *self {
            Event::Arrival { gen } => Some(Claim::Arrivals(gen)),
            Event::WorkDone {
                instance: i, gen, ..
            }
            | Event::Booted { instance: i, gen }
            | Event::Timer(Timer::DbCall {
                instance: i, gen, ..
            }) => instance(i, Chain::Work, gen),
            Event::RandomFault { instance: i, gen } | Event::Repair { instance: i, gen } => {
                instance(i, Chain::Faults, gen)
            }
            Event::Probe { instance: i, gen }
            | Event::ProbeTimeout {
                instance: i, gen, ..
            } => instance(i, Chain::Probes, gen),
            Event::DrainDeadline { instance: i, gen } => instance(i, Chain::Life, gen),
            Event::Retry { request } => Some(Claim::Request(request)),
            Event::ZoneFault { gen, .. } => Some(Claim::Zones(gen)),
            Event::DatabaseFault { gen } => Some(Claim::Database(gen)),
            Event::AttemptTimeout(t) => Some(Claim::AttemptTimer(t)),
            Event::Timer(Timer::Idle { attempt: a, .. }) => Some(Claim::Attempt(a)),
            Event::UserReady { .. }
            | Event::Timer(Timer::Connect { .. } | Timer::Deadline { .. })
            | Event::Deliver(_)
            | Event::DbDone(_)
            | Event::Shed(_)
            | Event::ScheduledFault { .. }
            | Event::ByOthers { .. }
            | Event::Tick => None,
        }
    }
}

/// Events are copied into and out of the queue's heap on every push and pop;
/// keeping them within 48 bytes keeps that cheap (the message's fields are
/// packed for it: a 32-bit token, one byte of marks).
const _: () = assert!(std::mem::size_of::<Event>() <= 48);

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
    /// The instance's work generation when the work was taken on.
    pub gen: Gen,
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
