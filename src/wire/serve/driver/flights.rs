//! The transfers in flight and the requests held back, as the listening thread keeps them: the
//! caps of [`Limits`] (in all and per client address), which transfer to end to make room (the
//! oldest never answered: a spoofed or abandoned request), how many get large blocks, and the
//! queue of requests that wait for their address's last transfer to end or its phone's web
//! page to be read ([`Wait`], each with its own bound). No I/O and no waiting: the time is
//! passed in.
//!
//! May use: [`crate::wire::serve::driver`]'s `flight` (the [`Shared`] flags) and `limits`,
//! [`crate::wire::packet`].

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::wire::packet::Request;
use crate::wire::serve::driver::flight::Shared;
use crate::wire::serve::driver::limits::{
    Limits, HELD_BACK, HELD_BACK_PER_ADDRESS, LARGE_BLOCKS, SMALL_BLKSIZE,
};

/// A transfer never answered for this long may be ended to make room for a new one.
pub const EVICT_AFTER: Duration = Duration::from_secs(1);
/// The most transfers being ended to make room at once (each holds its descriptors until its
/// thread sees the flag, within a quarter of a second).
pub const EVICTING: usize = 16;
/// How long a request waits for its address's ending transfer to be taken in. A phone reboots
/// for tens of seconds after an image, so only a client that asks again at once (the phone
/// model, a test) waits at all; on a loaded machine the transfer's thread may take a few hundred
/// milliseconds to read the last acknowledgement, and a shorter hold then lets the next boot's
/// first request be placed before serve knows the image arrived whole.
pub const HOLD_FOR: Duration = Duration::from_secs(2);
/// How long a phone's requests wait at most for its page to be read: less than the second a
/// TFTP client waits before it asks again (a refused connection takes a millisecond, a phone's
/// page a few tens).
pub const PAGE_WAIT: Duration = Duration::from_millis(500);

/// One transfer in flight.
pub struct Flight {
    pub started: Instant,
    pub shared: Arc<Shared>,
    /// Granted blocks larger than [`SMALL_BLKSIZE`].
    pub large: bool,
    /// For a phone serve walks: only such a transfer's end changes what the next request of
    /// its address is answered (any other's is only told).
    pub managed: bool,
}

/// Why a transfer cannot start now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Full {
    /// The cap in all, and no transfer could be ended to make room.
    Total(usize),
    /// The cap for this client address.
    Address(usize),
}

impl Full {
    /// In words, for the event.
    pub fn why(self) -> String {
        match self {
            Full::Total(n) => format!(
                "serve has {n} transfers in flight, its cap (sized from the open-file limit): not answered, the phone will ask again"
            ),
            Full::Address(n) => format!(
                "this address has {n} transfers in flight, serve's cap per address: not answered, the phone will ask again"
            ),
        }
    }
}

/// The transfers in flight.
pub struct Flights {
    pub limits: Limits,
    by_peer: HashMap<SocketAddr, Flight>,
    per_address: HashMap<IpAddr, Vec<SocketAddr>>,
    large: usize,
}

impl Flights {
    pub fn new(limits: Limits) -> Flights {
        Flights {
            limits,
            by_peer: HashMap::new(),
            per_address: HashMap::new(),
            large: 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.by_peer.is_empty()
    }

    /// A transfer to `peer` (address and port) is in flight.
    pub fn contains(&self, peer: SocketAddr) -> bool {
        self.by_peer.contains_key(&peer)
    }

    /// At the cap in all: ERRORs go from the listening socket.
    pub fn at_cap(&self) -> bool {
        self.by_peer.len() >= self.limits.total
    }

    /// The transfers to `ip` for a phone serve walks that have sent their last block and wait
    /// for (or have had) its last ACK: a request from `ip` now may be that phone's next, and is
    /// answered once their ends are known. Clients serve does not walk never wait (a bench of
    /// them behind one address would wait on each other's ends).
    pub fn ending(&self, ip: IpAddr) -> Vec<SocketAddr> {
        self.per_address.get(&ip).map_or_else(Vec::new, |peers| {
            peers
                .iter()
                .filter(|peer| {
                    self.by_peer
                        .get(peer)
                        .is_some_and(|f| f.managed && f.shared.ending.load(Ordering::Acquire))
                })
                .copied()
                .collect()
        })
    }

    /// Whether a transfer to `ip` may start now; at the cap in all, the oldest transfer never
    /// answered is asked to end, and the new one may start (the descriptors it needs are in the
    /// reserve until the old one has ended).
    pub fn room(&mut self, ip: IpAddr, now: Instant) -> Result<(), Full> {
        let mine = self.per_address.get(&ip).map_or(0, Vec::len);
        if mine >= self.limits.per_address {
            return Err(Full::Address(mine));
        }
        let live = self.by_peer.len() - self.evicting();
        if live < self.limits.total {
            return Ok(());
        }
        if self.evicting() < EVICTING && self.evict_oldest_unanswered(now) {
            return Ok(());
        }
        Err(Full::Total(self.by_peer.len()))
    }

    fn evicting(&self) -> usize {
        self.by_peer
            .values()
            .filter(|f| f.shared.evict.load(Ordering::Relaxed))
            .count()
    }

    fn evict_oldest_unanswered(&mut self, now: Instant) -> bool {
        let oldest = self
            .by_peer
            .values()
            .filter(|f| {
                !f.shared.answered.load(Ordering::Relaxed)
                    && !f.shared.evict.load(Ordering::Relaxed)
                    && now.saturating_duration_since(f.started) >= EVICT_AFTER
            })
            .min_by_key(|f| f.started);
        match oldest {
            Some(flight) => {
                flight.shared.evict.store(true, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }

    /// The largest block size a new transfer asking for `request` may have, and whether that is
    /// a large one (counted until it ends).
    pub fn blksize_for(&self, request: &Request) -> (u16, bool) {
        let asks_large = request
            .option("blksize")
            .and_then(|v| v.parse::<u64>().ok())
            .is_some_and(|size| size > u64::from(SMALL_BLKSIZE));
        if !asks_large {
            return (u16::MAX, false);
        }
        if self.large < LARGE_BLOCKS {
            (u16::MAX, true)
        } else {
            (SMALL_BLKSIZE, false)
        }
    }

    pub fn insert(&mut self, peer: SocketAddr, flight: Flight) {
        if flight.large {
            self.large += 1;
        }
        self.per_address.entry(peer.ip()).or_default().push(peer);
        if let Some(old) = self.by_peer.insert(peer, flight) {
            self.forget(peer, &old);
        }
    }

    /// The transfer to `peer` has ended; false if it was not in flight.
    pub fn remove(&mut self, peer: SocketAddr) -> bool {
        let Some(flight) = self.by_peer.remove(&peer) else {
            return false;
        };
        self.forget(peer, &flight);
        true
    }

    fn forget(&mut self, peer: SocketAddr, flight: &Flight) {
        if flight.large {
            self.large -= 1;
        }
        if let Some(peers) = self.per_address.get_mut(&peer.ip()) {
            if let Some(at) = peers.iter().position(|p| *p == peer) {
                peers.swap_remove(at);
            }
            if peers.is_empty() {
                self.per_address.remove(&peer.ip());
            }
        }
    }
}

/// What a held-back request waits for, each with its own bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// The end of a transfer to its address, for a phone serve walks, that had sent its last
    /// block when the request came: at most [`HOLD_FOR`].
    Transfer(SocketAddr),
    /// The answer of the phone's web page, being read at its address: at most [`PAGE_WAIT`].
    Page(IpAddr),
}

impl Wait {
    /// The longest a request waits for it.
    pub fn bound(self) -> Duration {
        match self {
            Wait::Transfer(_) => HOLD_FOR,
            Wait::Page(_) => PAGE_WAIT,
        }
    }
}

/// A request held back until what it waits for is over, each wait at most its own bound.
pub struct Held {
    pub request: Request,
    pub peer: SocketAddr,
    pub local: IpAddr,
    /// What it waits for, each until its own deadline. Only the transfers that were ending
    /// when it came: a bench of clients behind one address always has some transfer ending.
    waits: Vec<(Wait, Instant)>,
}

impl Held {
    /// A request that came at `now` and waits for `waits`.
    pub fn new(
        request: Request,
        peer: SocketAddr,
        local: IpAddr,
        now: Instant,
        waits: impl IntoIterator<Item = Wait>,
    ) -> Held {
        let waits = waits.into_iter().map(|w| (w, now + w.bound())).collect();
        Held {
            request,
            peer,
            local,
            waits,
        }
    }

    /// Whether it still waits at `now`: for a wait whose bound has not passed and that `on`
    /// says is still on.
    fn waiting(&self, now: Instant, on: &impl Fn(Wait) -> bool) -> bool {
        self.waits
            .iter()
            .any(|&(wait, until)| now < until && on(wait))
    }
}

/// The requests held back, oldest first.
#[derive(Default)]
pub struct HeldBack {
    queue: VecDeque<Held>,
    per_address: HashMap<IpAddr, usize>,
    /// Requests not held for want of room (the phone asks again).
    pub dropped: u64,
}

impl HeldBack {
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    pub fn contains(&self, peer: SocketAddr) -> bool {
        self.per_address.contains_key(&peer.ip()) && self.queue.iter().any(|h| h.peer == peer)
    }

    /// Holds a request back; false (and counted) when there is no room.
    pub fn hold(&mut self, held: Held) -> bool {
        let mine = self.per_address.get(&held.peer.ip()).copied().unwrap_or(0);
        if self.queue.len() >= HELD_BACK || mine >= HELD_BACK_PER_ADDRESS {
            self.dropped += 1;
            return false;
        }
        *self.per_address.entry(held.peer.ip()).or_default() += 1;
        self.queue.push_back(held);
        true
    }

    /// The requests to answer now: those for which every wait is over (`on` says which still
    /// are) or has lasted its bound.
    pub fn release(&mut self, now: Instant, on: impl Fn(Wait) -> bool) -> Vec<Held> {
        let mut out = Vec::new();
        let mut kept = VecDeque::with_capacity(self.queue.len());
        for held in self.queue.drain(..) {
            if held.waiting(now, &on) {
                kept.push_back(held);
            } else {
                out.push(held);
            }
        }
        self.queue = kept;
        for held in &out {
            if let Some(n) = self.per_address.get_mut(&held.peer.ip()) {
                *n -= 1;
                if *n == 0 {
                    self.per_address.remove(&held.peer.ip());
                }
            }
        }
        out
    }
}

#[cfg(test)]
#[path = "flights_tests.rs"]
mod tests;
