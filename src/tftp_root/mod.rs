//! The user's TFTP directory: reading it as a phone would see it ([`root`]), changing it safely
//! with atomic writes and an undo journal ([`write`](mod@write)), and the commands that look at it or change
//! it: [`inventory`], [`lint`], [`apply`] (which writes a stage of a plan, and `undo`).
//!
//! [`root`] and [`write`](mod@write) may use [`crate::knowledge`] and [`crate::files`] only, so the phone
//! model and the planner can read a root. [`inventory`] and [`lint`] may use those too;
//! [`apply`] sits on top of [`crate::plan`].

pub mod apply;
pub mod inventory;
pub mod lint;
pub mod root;
pub mod write;

pub use root::TftpRoot;
