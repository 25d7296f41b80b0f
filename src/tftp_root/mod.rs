//! The user's TFTP directory: reading it as a phone would see it ([`root`]), changing it safely
//! ([`write`](mod@write): bounded reads, atomic writes that keep owner and mode), the undo
//! journal ([`journal`]) kept outside the served directory ([`state`]: where phoneup keeps what
//! it remembers about a root, and the lock), and the commands that look at it or change it:
//! [`inventory`], [`lint`], [`apply`] (which writes a stage of a plan, and `undo`).
//!
//! [`root`], [`write`](mod@write), [`state`] and [`journal`] may use [`crate::knowledge`] and
//! [`crate::files`] only, so the phone model and the planner can read a root. [`inventory`] and
//! [`lint`] may use those too; [`apply`] sits on top of [`crate::plan`].

pub mod apply;
pub mod inventory;
pub mod journal;
pub mod lint;
pub mod root;
pub mod state;
pub mod write;

pub use root::TftpRoot;
