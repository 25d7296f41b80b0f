//! Where a request waits for a later line about it.

use crate::logs::event::Pid;

/// Where a request is: phone, boot number, index in the boot; and the name lines match.
#[derive(Debug, Clone)]
pub(super) struct Pending {
    pub(super) phone: usize,
    pub(super) boot: u64,
    pub(super) index: usize,
    pub(super) key: u32,
    pub(super) pid: Option<Pid>,
    /// A packet list showed the server sending the file's blocks.
    pub(super) sending: bool,
}
