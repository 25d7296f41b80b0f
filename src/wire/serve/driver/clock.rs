//! serve's clocks: a monotonic one for every wait, and the wall clock for what is kept and
//! shown.
//!
//! May use: [`crate::wire::serve`]'s `registry` (the [`Now`] it is given), the standard library.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::wire::serve::registry::Now;

/// The driver's clocks: a monotonic one for every wait and "quiet for" (counted on from the
/// wall clock's reading at start, so that it never runs back and a state file's times fit it),
/// and the wall clock for what is kept and shown.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    start: Instant,
    wall_at_start: u64,
}

impl Clock {
    pub fn start() -> Clock {
        Clock {
            start: Instant::now(),
            wall_at_start: wall_ms(),
        }
    }

    /// Now, on both clocks.
    pub fn now(&self) -> Now {
        let elapsed = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        Now {
            ms: self.wall_at_start.saturating_add(elapsed),
            wall_ms: wall_ms(),
        }
    }
}

/// The wall clock: milliseconds since 1970-01-01 UTC.
pub fn wall_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}
