//! The served directory as serve's decisions see it: a [`Directory`] answers what a requested
//! name comes to (a file open for sending, with its size and, for a file the phone parses, its
//! text; missing; or refused, and why). [`crate::wire::serve::files::Dir`] is the real one on
//! disk; [`crate::wire::serve::memory`] keeps one in memory, so the registry is tested with no
//! file and no socket.
//!
//! May use: the standard library only.

use std::path::Path;

/// The most of a file read as text: configuration files and `.loads` manifests are far smaller.
pub const TEXT_LIMIT: u64 = 1 << 20;

/// What a requested name comes to.
#[derive(Debug)]
pub enum Opened<F> {
    /// A file that may be served, open for sending. `text`: its contents, when asked for and
    /// the file holds at most [`TEXT_LIMIT`] bytes.
    Found {
        file: F,
        size: u64,
        text: Option<String>,
    },
    /// Nothing by that name: TFTP error 1.
    Missing,
    /// A name that may not be served: TFTP error 2, with the reason (for the log, not the wire).
    Refused { why: String },
}

/// The directory serve answers from.
pub trait Directory {
    /// A file open for sending.
    type File;

    /// The directory's canonical path: a name may carry it in front.
    fn canonical(&self) -> &Path;

    /// Opens `requested` (as the client wrote it); reads its text too when `text` is set.
    fn open(&self, requested: &str, text: bool) -> Opened<Self::File>;

    /// The bytes of a small file the phone reads (at most [`TEXT_LIMIT`]), if it is there and
    /// may be served: the user's own copy of a file serve edits.
    fn read_small(&self, name: &str) -> Option<Vec<u8>>;

    /// Whether `name` (relative) is a file there, served or not: the `.loads` a probe boot
    /// names.
    fn is_file(&self, name: &str) -> bool;
}
