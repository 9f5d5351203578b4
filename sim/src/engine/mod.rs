//! The discrete-event machinery: what an event is and the queue that orders
//! them. The model's reactions to events live in `crate::simulation`.

mod event;
mod queue;

pub use event::Leg;
pub(crate) use event::{AttemptTimer, Chain, Claim, Event, Gen, Message, Timer};
pub(crate) use queue::EventQueue;
