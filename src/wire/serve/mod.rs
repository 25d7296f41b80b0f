//! `phoneup serve`: a read-only TFTP server for the user's directory that walks each managed
//! phone through its own plan, answering the files that name a load with that phone's stage.
//!
//! Its decisions do no I/O, in the manner of quinn-proto: [`registry`] (the phones and the answer
//! to every request, the time ([`now`]) and facts passed in, effects handed back) with
//! [`placement`] (which load a phone runs, and what may be answered), [`phones`] (what is kept of
//! each phone), [`answers`] (a managed file as a stage wants it), [`directory`] (the served files
//! as the decisions see them), [`family`] (a 7906 to 7975 told from a 7940/7960),
//! [`family_walk`] (one walked by its family's stages) and the pure lookups of [`neighbours`]
//! (a client's MAC).
//! [`driver`] does all of serve's I/O around them: sockets, a few threads that run every transfer, the clocks,
//! the neighbour table and lease reads, the state file's writes ([`state`]) and the channel to
//! [`view`]; [`files`] is the directory on disk, [`events`] what people and scripts see, and
//! [`memory`] runs the decisions against the phone model with no socket, file or clock.
//!
//! May use: [`crate::knowledge`], [`crate::files`], [`crate::tftp_root`], [`crate::phone`],
//! [`crate::plan`], [`crate::output`], [`crate::wire::packet`], [`crate::wire::transfer`],
//! [`crate::wire::drive`], [`crate::wire::remote`].

pub mod answers;
pub mod directory;
pub mod driver;
pub mod events;
pub mod family;
pub mod family_walk;
pub mod files;
pub mod memory;
pub mod neighbours;
pub mod now;
pub mod phones;
pub mod placement;
pub mod registry;
pub mod state;
pub mod view;
