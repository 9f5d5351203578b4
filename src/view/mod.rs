//! The page's parts. Each reads the `Live` signals and changes the
//! simulation only through `Live::apply`/`set`.

pub mod benchmark;
pub mod chart;
pub mod charts;
pub mod compare;
pub mod controls;
pub mod counters;
pub mod diagram;
pub mod dialogs;
pub mod flow;
pub mod group;
pub mod inspector;
pub mod layout;
pub mod rewind;
pub mod slider;
pub mod ticker;
pub mod timebar;
pub mod tour;
pub mod trace;
