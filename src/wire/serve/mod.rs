//! `phoneup serve`: a read-only TFTP server for the user's directory that walks each managed
//! phone through its own plan, answering the files that name a load with that phone's stage.
//!
//! One module per idea: [`files`] (which names may be served), [`neighbours`] (a client's MAC),
//! [`answers`] (a managed file as a stage wants it), [`placement`] (which load a phone runs,
//! and what may be answered), [`registry`] (the phones, their state and every answer),
//! [`driver`] (sockets and a thread per transfer), [`events`] and [`view`] (what people and
//! scripts see), [`state`] (the state file a restart resumes from).
//!
//! May use: [`crate::knowledge`], [`crate::files`], [`crate::tftp_root`], [`crate::phone`],
//! [`crate::plan`], [`crate::output`], [`crate::wire::packet`], [`crate::wire::transfer`],
//! [`crate::wire::remote`].

pub mod answers;
pub mod directory;
pub mod driver;
pub mod events;
pub mod files;
pub mod memory;
pub mod neighbours;
pub mod phones;
pub mod placement;
pub mod registry;
pub mod state;
pub mod view;
