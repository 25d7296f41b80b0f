//! How much serve takes on at once, sized from the open-file limit: transfers in flight in all
//! and per client address, requests held back, and the large blocks granted. The numbers are
//! decisions on numbers (tested without I/O); [`raise_open_files`] is the one call that asks the
//! kernel.
//!
//! May use: the standard library and `libc` (`getrlimit`, `setrlimit`).

/// File descriptors kept free for what is not a transfer: the listening socket, the socket an
/// ERROR is sent from, the state file's writes, the lease and neighbour reads, the standard
/// streams, and transfers still winding down after being ended to make room.
pub const RESERVED_FDS: u64 = 64;
/// What one transfer holds open: its socket and, for a file, the file.
pub const FDS_PER_TRANSFER: u64 = 2;
/// The most transfers in flight, whatever the open-file limit.
pub const MAX_TRANSFERS: usize = 1024;
/// The most transfers in flight for one client address: a bench behind one address (or a test
/// client) fetches many files at once, a phone one.
pub const PER_ADDRESS: usize = 64;
/// The most requests held back (see [`crate::wire::serve::driver`]), in all and per address.
pub const HELD_BACK: usize = 256;
pub const HELD_BACK_PER_ADDRESS: usize = 16;
/// The most transfers at once granted a block larger than [`SMALL_BLKSIZE`]; others get at most
/// that, so that buffers stay bounded (each transfer holds about three blocks).
pub const LARGE_BLOCKS: usize = 64;
/// The block size granted when [`LARGE_BLOCKS`] transfers already have larger ones: an Ethernet
/// frame's worth, more than any phone asks for.
pub const SMALL_BLKSIZE: u16 = 1428;
/// The largest `timeout` option accepted, in seconds: a larger one is not acknowledged (the
/// client keeps its own), so that a transfer nobody answers ends within about a minute.
pub const MAX_TIMEOUT_S: u8 = 10;

/// The caps in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Transfers in flight in all.
    pub total: usize,
    /// Transfers in flight for one client address.
    pub per_address: usize,
}

impl Limits {
    /// The caps for an open-file limit of `open_files`.
    pub fn for_open_files(open_files: u64) -> Limits {
        let usable = open_files.saturating_sub(RESERVED_FDS) / FDS_PER_TRANSFER;
        let total = usize::try_from(usable)
            .unwrap_or(usize::MAX)
            .clamp(1, MAX_TRANSFERS);
        Limits {
            total,
            per_address: PER_ADDRESS.min(total),
        }
    }
}

/// Raises the soft open-file limit to the hard one (capped at what the kernel allows a process,
/// `fs.nr_open`) and returns the soft limit in force.
pub fn raise_open_files() -> u64 {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: a valid pointer to a rlimit struct.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return 1024;
    }
    let nr_open = std::fs::read_to_string("/proc/sys/fs/nr_open")
        .ok()
        .and_then(|text| text.trim().parse::<u64>().ok())
        .unwrap_or(1 << 20);
    let wanted = (limit.rlim_max).min(nr_open);
    if wanted > limit.rlim_cur {
        let raised = libc::rlimit {
            rlim_cur: wanted,
            rlim_max: limit.rlim_max,
        };
        // SAFETY: a valid pointer to a rlimit struct.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            return wanted;
        }
    }
    limit.rlim_cur
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_caps_leave_room_for_errors_and_stay_bounded() {
        let at_1024 = Limits::for_open_files(1024);
        assert_eq!(at_1024.total, 480);
        assert_eq!(at_1024.per_address, 64);
        assert!(at_1024.total as u64 * FDS_PER_TRANSFER + RESERVED_FDS <= 1024);
        assert_eq!(Limits::for_open_files(1 << 20).total, MAX_TRANSFERS);
        let tiny = Limits::for_open_files(70);
        assert_eq!((tiny.total, tiny.per_address), (3, 3));
        assert_eq!(Limits::for_open_files(0).total, 1);
    }

    #[test]
    fn the_soft_limit_is_raised_to_the_hard_one() {
        let soft = raise_open_files();
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: a valid pointer to a rlimit struct.
        assert_eq!(
            unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) },
            0
        );
        assert_eq!(soft, limit.rlim_cur);
        assert!(soft >= 1024.min(limit.rlim_max));
    }
}
