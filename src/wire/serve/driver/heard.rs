//! What the driver hears of a phone besides its requests, bounded whatever the LAN sends: CDP
//! frames from a [`CdpListener`] on a thread of its own (`--cdp IFACE`), and the phone's web page
//! (`DeviceInformationX`), asked for on a short thread when the registry says so
//! ([`Effect::AskPage`](crate::wire::serve::registry::Effect)). Both come back to the serving
//! loop as [`Fact`]s for [`crate::wire::serve::registry::Registry::fact`].
//!
//! Bounds: frames wait in a channel of [`CDP_QUEUE`] (more are dropped while the loop is
//! behind; the kernel's socket buffer bounds the rest), each at most
//! [`crate::wire::cdp::MAX_FRAME_LEN`] bytes and read with no panic (the reader is fuzzed); the
//! same announcement from the same MAC is taken once per [`CDP_REPEAT`], from at most
//! [`CDP_PHONES`] MACs remembered. At most [`PAGES_AT_ONCE`] pages are asked for at once, one
//! per phone, each bounded by [`crate::wire::device_info::Limits`] (5 s, 20 KiB); a page is
//! believed only when its MAC is the phone's. While its page is being read, a phone's next
//! requests wait for it, at most [`PAGE_WAIT`](super::flights::PAGE_WAIT), so that the page counts in the boot that asked. Nothing a phone sends reaches the screen but
//! through the registry's events, escaped.
//!
//! May use: [`crate::wire::cdp`], [`crate::wire::device_info`], [`crate::wire::serve`]'s
//! `registry` (its facts) and `events`.

use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::output::Untrusted;
use crate::wire::cdp::{CdpListener, Heard};
use crate::wire::device_info::{fetch, DeviceInfo, FetchError, Limits, HTTP_PORT};
use crate::wire::serve::registry::Fact;

/// CDP frames waiting for the serving loop at most.
pub const CDP_QUEUE: usize = 64;
/// The same announcement from the same MAC is taken once in this long (a phone repeats its own
/// every 60 s; a flood of copies costs nothing).
pub const CDP_REPEAT: Duration = Duration::from_secs(5);
/// MACs whose last announcement is remembered (past it, the memory starts again).
pub const CDP_PHONES: usize = 1024;
/// Pages asked for at once at most.
pub const PAGES_AT_ONCE: usize = 8;
/// The environment variable that sets the port phones' pages are asked on (80 unless set; tests
/// set it to where the phone model answers); `off` asks none.
pub const PORT_VARIABLE: &str = "PHONEUP_DEVICE_INFO_PORT";

/// Where to ask for pages: the port of `PHONEUP_DEVICE_INFO_PORT`, 80 when unset, `None` when
/// it is `off` (or not a port).
pub fn page_port() -> Option<u16> {
    match std::env::var(PORT_VARIABLE) {
        Err(_) => Some(HTTP_PORT),
        Ok(value) => value.trim().parse().ok().filter(|&p| p != 0),
    }
}

/// A page asked for: the phone's MAC and what it answered.
type Answered = (String, Result<DeviceInfo, FetchError>);

/// The listener's thread: the frames it hears, the thread, the interface's name.
type Listening = (Receiver<Heard>, JoinHandle<Result<(), String>>, String);

/// The CDP listener's thread and the pages in flight.
pub struct Hearing {
    /// Taken away once its thread ends, which is said once.
    cdp: Option<Listening>,
    last: HashMap<String, (Fact, Instant)>,
    port: Option<u16>,
    limits: Limits,
    /// The phones whose page is being asked for, and their addresses.
    asking: BTreeMap<String, IpAddr>,
    answers_tx: Sender<Answered>,
    answers: Receiver<Answered>,
    pages: Vec<JoinHandle<()>>,
}

/// What the loop takes from [`Hearing::poll`].
#[derive(Debug)]
pub enum Told {
    /// A fact for the registry.
    Fact(Fact),
    /// The listener stopped: why, to show once (serve goes on without CDP).
    Stopped(String),
}

impl Hearing {
    /// Starts the listener's thread (when given), which stops with `stop`; pages are asked on
    /// `port` (none when `None`).
    pub fn start(cdp: Option<CdpListener>, port: Option<u16>, stop: &Arc<AtomicBool>) -> Hearing {
        let cdp = cdp.and_then(|listener| {
            let (tx, rx): (SyncSender<Heard>, _) = mpsc::sync_channel(CDP_QUEUE);
            let interface = listener.interface().to_string();
            let stop = Arc::clone(stop);
            let thread = std::thread::Builder::new()
                .name("cdp".into())
                .spawn(move || {
                    listener
                        .run(&stop, |heard| {
                            let _ = tx.try_send(heard);
                        })
                        .map_err(|e| e.to_string())
                })
                .ok()?;
            Some((rx, thread, interface))
        });
        let (answers_tx, answers) = mpsc::channel();
        Hearing {
            cdp,
            last: HashMap::new(),
            port,
            limits: Limits::default(),
            asking: BTreeMap::new(),
            answers_tx,
            answers,
            pages: Vec::new(),
        }
    }

    /// Asks `address` for the page of the phone `mac`, unless one is being asked for already
    /// for it, or [`PAGES_AT_ONCE`] are.
    pub fn ask(&mut self, mac: &str, address: IpAddr) {
        self.pages.retain(|t| !t.is_finished());
        let Some(port) = self.port else { return };
        if self.asking.contains_key(mac) || self.asking.len() >= PAGES_AT_ONCE {
            return;
        }
        let (tx, limits, owner) = (self.answers_tx.clone(), self.limits, mac.to_string());
        let spawned = std::thread::Builder::new()
            .name("page".into())
            .spawn(move || {
                let answer = fetch(SocketAddr::new(address, port), &limits);
                let _ = tx.send((owner, answer));
            });
        if let Ok(thread) = spawned {
            self.asking.insert(mac.to_string(), address);
            self.pages.push(thread);
        }
    }

    /// Whether a page is being asked for at `address` (its phone's requests wait for it, at
    /// most [`PAGE_WAIT`](super::flights::PAGE_WAIT), so that what it says counts in the boot that asked).
    pub fn asking_at(&self, address: IpAddr) -> bool {
        self.asking.values().any(|a| *a == address)
    }

    /// What was heard since the last call: facts from CDP frames and pages, and a listener that
    /// stopped.
    pub fn poll(&mut self, now: Instant) -> Vec<Told> {
        let mut told = Vec::new();
        while let Ok((mac, answer)) = self.answers.try_recv() {
            self.asking.remove(&mac);
            // No page (a SIP load, a refused connection, a timeout): nothing is learnt.
            if let Some(fact) = answer.ok().and_then(|page| Fact::from_page(&mac, &page)) {
                told.push(Told::Fact(fact));
            }
        }
        let mut frames = Vec::new();
        if let Some((rx, thread, interface)) = &self.cdp {
            frames.extend(rx.try_iter().take(CDP_QUEUE));
            // Said once: the listener is taken away here.
            if thread.is_finished() {
                let interface = interface.clone();
                let why = match self.cdp.take().map(|(_, t, _)| t.join()) {
                    Some(Ok(Err(why))) => why,
                    _ => "its thread ended".into(),
                };
                let why = format!(
                    "serve stopped listening for CDP on {}: {why}; it goes on without CDP",
                    Untrusted(interface)
                );
                told.push(Told::Stopped(why));
            }
        }
        for heard in frames {
            // A frame that is not a phone's (or does not read) says nothing.
            let Some(fact) = heard.ok().as_ref().and_then(Fact::from_cdp) else {
                continue;
            };
            if self.fresh(&fact, now) {
                told.push(Told::Fact(fact));
            }
        }
        told
    }

    /// Whether `fact` is not the one its MAC said less than [`CDP_REPEAT`] ago.
    fn fresh(&mut self, fact: &Fact, now: Instant) -> bool {
        let mac = fact.mac().to_string();
        if let Some((last, at)) = self.last.get(&mac) {
            if last == fact && now.duration_since(*at) < CDP_REPEAT {
                return false;
            }
        }
        if self.last.len() >= CDP_PHONES && !self.last.contains_key(&mac) {
            self.last.clear();
        }
        self.last.insert(mac, (fact.clone(), now));
        true
    }

    /// Waits for the listener's thread (it stops with the stop flag within
    /// [`crate::wire::cdp::listener::STOP_CHECK`]) and the pages in flight (each within
    /// [`Limits::total`]).
    pub fn end(mut self) {
        if let Some((_, thread, _)) = self.cdp.take() {
            let _ = thread.join();
        }
        for thread in self.pages.drain(..) {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests;
