//! `phoneup diagnose`: a TFTP server's log read for each phone's story and what went wrong.
//! [`read`] streams the input: a fixed buffer, lines found with a search for the few words
//! every TFTP line carries, and only those parsed, one line at a time (a line broken in two
//! joined again), formats mixed freely ([`line`](mod@line), [`journal`], [`time`]) into one
//! event model ([`event`]); events become phones, boots and findings ([`story`], the names
//! kept once in [`names`], [`findings`]); [`report`] says it for people or scripts, a phone at
//! a time; [`follow`] keeps reading a growing file across rotation. Memory does not grow with
//! the log: it stays within limits whatever the log holds (see [`story`]).
//!
//! May use: [`crate::knowledge`], [`crate::files`], [`crate::tftp_root`] (reading),
//! [`crate::phone`], [`crate::plan`], [`crate::output`], [`crate::error`].

pub mod event;
pub mod findings;
pub mod follow;
pub mod journal;
pub mod line;
pub mod names;
pub mod read;
pub mod report;
pub mod story;
pub mod time;

pub use read::Diagnosis;
pub use report::{Report, Target};
