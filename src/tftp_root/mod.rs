//! The user's TFTP directory: reading it as a phone would see it ([`root`]), changing it safely
//! ([`write`](mod@write): bounded reads, atomic writes that keep owner and mode), the undo
//! journal ([`journal`]) kept outside the served directory ([`state`]: where phoneup keeps what
//! it remembers about a root, and the lock), and what is in it: the loads it holds
//! ([`inventory`]) and what would make a phone loop or refuse its image ([`lint`]), with the
//! files of a 7906 to 7975 load judged once for both, `apply` and `probe` ([`family`]). The commands
//! that show these or change a root (`inventory`, `lint`, `apply`, `undo`) are in
//! [`crate::commands`].
//!
//! May use: [`crate::knowledge`], [`crate::files`], [`crate::error`] and [`crate::output`]
//! only, so the phone model and the planner can read a root.

pub mod family;
pub mod inventory;
pub mod journal;
pub mod lint;
pub mod root;
pub mod state;
pub mod write;

pub use root::TftpRoot;
