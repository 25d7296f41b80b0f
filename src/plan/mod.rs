//! What we plan: a plan is one stage per reboot ([`stage`]), found on the graph of allowed jumps
//! ([`planner`]; why there is none, [`no_path`]), with every file named as the user's own files are ([`spelling`]), and every
//! stage is replayed on the phone model before it is shown ([`replay`]). [`check`] answers
//! whether one direct jump is safe, or what the next reboot does with the files a user has.
//!
//! May use: [`crate::knowledge`], [`crate::files`], [`crate::phone`], the reading side of
//! [`crate::tftp_root`], [`crate::error`], [`crate::output`].

pub mod check;
pub mod no_path;
pub mod planner;
pub mod replay;
pub mod spelling;
pub mod stage;

pub use planner::family;
pub use planner::{plan, NoPath, Outcome, Plan, Planner, Request};
