//! The time of a call to serve's decisions, as the driver read its clocks: serve's decisions
//! never read a clock themselves.
//!
//! May use: nothing.

/// The time of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Now {
    /// A monotonic clock, in ms: how long a phone has been quiet is measured on it alone, so a
    /// step of the wall clock marks no phone stuck or done.
    pub ms: u64,
    /// The wall clock, ms since 1970: only what is kept in the state file and shown.
    pub wall_ms: u64,
}
