//! serve's I/O around its decisions ([`Registry`], which does none): the sockets, the clocks,
//! the reads of each client's MAC (the kernel's neighbour table, and `--leases` when it
//! changes), the state file's writes (on their own thread: [`saver`]), and the bounded channel to
//! the view ([`outbox`]). It hands the registry each request, transfer end and tick with the
//! time ([`Clock`]) and does what comes back ([`Effect`]).
//!
//! One listening socket (port 69 by default, every address) learns for each request the local
//! address it came to (`IP_PKTINFO` / `IPV6_RECVPKTINFO`); each transfer ([`flight`]) has its own
//! socket bound to that address and connected to the phone, and runs on one of a few threads
//! ([`pool`], one per processor) that wait on all their transfers' sockets at once: one slow
//! phone never holds up another, and a file is read block by block, never whole.
//!
//! The listening thread never waits on one client, so a hostile neighbour cannot take serve off
//! the air (docs/serve-hostile.md):
//! - transfers in flight are capped in all and per client address ([`limits`], sized from the
//!   open-file limit, whose soft value is raised to the hard one at start); at the cap in all,
//!   the oldest transfer never answered is ended to make room, and ERRORs (a missing file's
//!   ERROR 1 above all) are still answered, from the listening socket;
//! - a request from an address with transfers to a managed phone that have sent their last
//!   block is held back (not waited for) until those transfers' ends are taken in, at most
//!   [`flights::HOLD_FOR`], so the registry sees a phone's requests in order; one from an
//!   address whose phone's web page is being read, until it is, at most [`flights::PAGE_WAIT`]
//!   (each wait its own bound: [`flights::Wait`]);
//! - retransmits are bounded: each packet is sent at most six times, one second apart (the
//!   client's `timeout` option, accepted up to [`limits::MAX_TIMEOUT_S`], changes the interval);
//!   a request repeated by a phone while its transfer runs is ignored;
//! - a request that does not decode is answered with ERROR 4, as tftpd-hpa does.
//!
//! What a phone gives away besides its requests is heard on threads of their own ([`heard`]):
//! CDP frames on the interface `--cdp` names, and the web page of a managed phone serve has not
//! placed, asked once a boot; both reach the registry as facts.
//!
//! May use: [`crate::wire::packet`], [`crate::wire::transfer`], [`crate::wire::drive`],
//! [`crate::wire::cdp`], [`crate::wire::device_info`],
//! [`crate::wire::serve`]'s `registry`, `files`, `neighbours` (its reads), `phones`, `state` and
//! `events`; `libc` for `recvmsg`, `setrlimit` and `malloc_trim`.

pub mod clock;
pub mod flight;
pub mod flights;
pub mod heard;
pub mod leases;
pub mod limits;
pub mod outbox;
pub mod pool;
pub mod saver;
pub mod socket;

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender as Channel, SyncSender};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::wire::packet::{code, Mode, Packet, Request, MAX_DATAGRAM};
use crate::wire::serve::events::{Event, Kind, Message};
use crate::wire::serve::files::Dir;
use crate::wire::serve::neighbours;
use crate::wire::serve::registry::{Client, Effect, Registry, Serve, Tag};
use crate::wire::transfer::{Failure, SendConfig};

use crate::wire::cdp::CdpListener;
use flight::{Body, Report, Shared, Start};
use flights::{Flight, Flights, Held, HeldBack, Wait};
use heard::{Hearing, Told};
use leases::Leases;
use limits::{raise_open_files, Limits, MAX_TIMEOUT_S};
use outbox::Outbox;
use pool::Pool;
use saver::Saver;

pub use clock::{wall_ms, Clock};
pub use flight::POLICY;
pub use outbox::VIEW_QUEUE;
pub use socket::listen;

/// The server: the listening socket, the registry and the transfers.
pub struct Server<'r, 'm> {
    pub socket: UdpSocket,
    pub registry: &'r mut Registry<'m, Dir>,
    pub stop: Arc<AtomicBool>,
    /// The lease file each client's MAC is read from (`--leases`).
    pub leases: Option<PathBuf>,
    /// Where the events, rows and progress go (the view), a channel of [`VIEW_QUEUE`].
    pub view: SyncSender<Message>,
    pub clock: Clock,
    /// The CDP listener (`--cdp IFACE`), opened while privileged.
    pub cdp: Option<CdpListener>,
    /// The port phones' web pages are asked on ([`heard::page_port`]); `None`: none are.
    pub page_port: Option<u16>,
    /// The state file's writer, which has written it once already (before serve says it
    /// serves: a state it cannot write stops it there).
    pub saver: Saver,
}

/// How a run went, beyond the phones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ran {
    /// The first write of the state file that failed, with why: serve ends with exit 1.
    pub state_error: Option<String>,
    /// Events the view was too far behind to take.
    pub dropped_events: u64,
    /// Requests not answered at a cap (the phone asks again).
    pub busy: u64,
}

/// What the loop holds while serve runs.
struct Running<'r, 'm> {
    socket: UdpSocket,
    registry: &'r mut Registry<'m, Dir>,
    leases: Option<Leases>,
    view: Outbox,
    saver: Saver,
    clock: Clock,
    stop: Arc<AtomicBool>,
    reports: Channel<Report>,
    flights: Flights,
    held: HeldBack,
    /// The threads the transfers run on.
    pool: Pool,
    busy: u64,
    /// CDP frames and web pages.
    hearing: Hearing,
}

impl Server<'_, '_> {
    /// Serves until `stop` is set; then stops every transfer (each tells its phone), writes the
    /// state a last time and returns. `Err` at once, before serving, when the transfer threads
    /// cannot start.
    pub fn run(self) -> Result<Ran, String> {
        let Server {
            socket,
            registry,
            stop,
            leases,
            view,
            clock,
            cdp,
            page_port,
            saver,
        } = self;
        let limits = Limits::for_open_files(raise_open_files());
        let pool =
            Pool::new(&stop).map_err(|e| format!("cannot start the transfer threads: {e}"))?;
        let (reports_tx, reports) = mpsc::channel();
        let hearing = Hearing::start(cdp, page_port, &stop);
        let mut running = Running {
            socket,
            registry,
            leases: leases.map(Leases::new),
            view: Outbox::new(view),
            saver,
            clock,
            stop,
            reports: reports_tx,
            flights: Flights::new(limits),
            held: HeldBack::default(),
            pool,
            busy: 0,
            hearing,
        };
        running.apply();
        running.listen(&reports);
        Ok(running.end(&reports))
    }
}

impl Running<'_, '_> {
    /// The loop: datagrams, transfer reports, held-back requests, ticks and saves, until stop.
    fn listen(&mut self, reports: &Receiver<Report>) {
        let listen_ip = self.socket.local_addr().map(|a| a.ip()).ok();
        let mut buf = vec![0u8; MAX_DATAGRAM];
        let mut last_tick = Instant::now();
        let mut last_trim = Instant::now();
        let mut wait = Duration::ZERO;
        while !self.stop.load(Ordering::Relaxed) {
            // Held-back requests are looked at often; otherwise the stop flag is, at least.
            let wanted = if self.held.is_empty() {
                Duration::from_millis(100)
            } else {
                Duration::from_millis(10)
            };
            if wanted != wait {
                wait = wanted;
                let _ = self.socket.set_read_timeout(Some(wait));
            }
            match socket::receive(&self.socket, &mut buf) {
                Ok((len, peer, local)) => {
                    let local = local
                        .filter(|ip| !ip.is_unspecified())
                        .or(listen_ip.filter(|ip| !ip.is_unspecified()))
                        .unwrap_or(if peer.is_ipv4() {
                            IpAddr::V4(Ipv4Addr::UNSPECIFIED)
                        } else {
                            IpAddr::V6(Ipv6Addr::UNSPECIFIED)
                        });
                    self.datagram(&buf[..len], peer, local);
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock
                            | io::ErrorKind::TimedOut
                            | io::ErrorKind::Interrupted
                    ) => {}
                Err(_) => std::thread::sleep(Duration::from_millis(10)),
            }
            while let Ok(report) = reports.try_recv() {
                self.absorb(report);
            }
            self.hear(Instant::now());
            self.release_held();
            let now = Instant::now();
            if now.duration_since(last_tick) >= Duration::from_millis(500) {
                last_tick = now;
                self.registry.tick(self.clock.now());
                self.apply();
                // Memory the ended transfers' threads freed goes back to the system.
                if self.flights.is_empty()
                    && now.duration_since(last_trim) >= Duration::from_secs(2)
                {
                    last_trim = now;
                    trim();
                }
            }
            self.save(now);
            self.view.flush();
        }
    }

    /// Stops every transfer, takes in their ends, writes the state a last time.
    fn end(mut self, reports: &Receiver<Report>) -> Ran {
        self.pool.join();
        while let Ok(report) = reports.try_recv() {
            if let Report::Finished { tag, outcome } = report {
                self.registry.finished(self.clock.now(), &tag, outcome);
                self.apply();
            }
        }
        let Running {
            registry,
            view,
            saver,
            busy,
            hearing,
            ..
        } = self;
        hearing.end();
        let mut view = view;
        let state_error = saver.finish(&registry.phones);
        if let Some(why) = &state_error {
            view.send(Message::Event(state_event(why)));
            view.send(Message::StateNotSaved(why.clone()));
        }
        let dropped_events = view.dropped;
        view.close(Duration::from_secs(2));
        Ran {
            state_error,
            dropped_events,
            busy,
        }
    }

    /// Does what the registry asks: tells the view, marks the state for writing.
    fn apply(&mut self) {
        while let Some(effect) = self.registry.poll_effect() {
            match effect {
                Effect::Show(message) => self.view.send(message),
                Effect::Save => self.saver.mark(),
                Effect::AskPage { mac, address } => self.hearing.ask(&mac, address),
            }
        }
    }

    /// Hands the registry what was heard besides requests: CDP announcements and web pages.
    fn hear(&mut self, now: Instant) {
        for told in self.hearing.poll(now) {
            match told {
                Told::Fact(fact) => {
                    self.registry.fact(self.clock.now(), &fact);
                    self.apply();
                }
                Told::Stopped(why) => {
                    let mut event = Event::new(Kind::Heard, None, "-", false).why(why);
                    event.time_ms = wall_ms();
                    self.view.send(Message::Event(event));
                }
            }
        }
    }

    fn save(&mut self, now: Instant) {
        if let Some(why) = self.saver.poll(now, &self.registry.phones) {
            self.view.send(Message::Event(state_event(&why)));
            self.view.send(Message::StateNotSaved(why));
        }
    }

    fn absorb(&mut self, report: Report) {
        match report {
            Report::Progress { tag, bytes, size } => self.registry.progress(&tag, bytes, size),
            Report::Finished { tag, outcome } => {
                self.flights.remove(tag.address);
                self.registry.finished(self.clock.now(), &tag, outcome);
            }
        }
        self.apply();
    }

    /// The facts about a client the registry needs: its MAC in the kernel's neighbour table
    /// and in the lease file.
    fn client(&mut self, address: SocketAddr) -> Client {
        Client {
            address,
            neighbour: neighbours::neighbour(address.ip()),
            lease: self
                .leases
                .as_mut()
                .and_then(|leases| leases.lookup(address.ip())),
        }
    }

    /// One datagram to the listening port.
    fn datagram(&mut self, datagram: &[u8], peer: SocketAddr, local: IpAddr) {
        if self.flights.contains(peer) || self.held.contains(peer) {
            // The phone repeated its request while we answer it.
            return;
        }
        match Packet::decode(datagram) {
            Ok(Packet::Rrq(request)) => {
                let mut waits: Vec<Wait> = self
                    .flights
                    .ending(peer.ip())
                    .into_iter()
                    .map(Wait::Transfer)
                    .collect();
                if self.hearing.asking_at(peer.ip()) {
                    // Its web page is being read: what it says counts in this boot.
                    waits.push(Wait::Page(peer.ip()));
                }
                if !waits.is_empty() {
                    // Its last transfer's end or its page may be on its way: take it in first.
                    let held = Held::new(request, peer, local, Instant::now(), waits);
                    if !self.held.hold(held) {
                        self.busy += 1;
                    }
                } else {
                    self.read(request, peer, local);
                }
            }
            Ok(Packet::Wrq(request)) => {
                let message = "phoneup serve is read-only: writes are refused";
                let client = self.client(peer);
                let now = self.clock.now();
                self.registry
                    .refused_write(now, &client, &request.filename, message);
                self.apply();
                self.error(local, peer, code::ACCESS_VIOLATION, message);
            }
            // A request that does not decode: told, as tftpd-hpa does.
            Err(error) if matches!(datagram, [0, 1 | 2, ..]) => {
                self.error(local, peer, code::ILLEGAL_OPERATION, "Malformed request");
                let mut event = Event::new(Kind::Refused, None, peer, false).why(format!(
                    "a request that does not decode ({error}): answered with TFTP error 4"
                ));
                event.time_ms = wall_ms();
                self.view.send(Message::Event(event));
            }
            // Not a request: no transfer of ours starts on port 69.
            _ => {}
        }
    }

    fn error(&self, local: IpAddr, peer: SocketAddr, code: u16, message: &str) {
        let fresh = !self.flights.at_cap();
        socket::send_error(&self.socket, local, peer, (code, message), fresh);
    }

    /// The held-back requests whose time has come.
    fn release_held(&mut self) {
        if self.held.is_empty() {
            return;
        }
        let (flights, hearing) = (&self.flights, &self.hearing);
        let ready = self.held.release(Instant::now(), |wait| match wait {
            Wait::Transfer(peer) => flights.contains(peer),
            Wait::Page(ip) => hearing.asking_at(ip),
        });
        for held in ready {
            self.read(held.request, held.peer, held.local);
        }
    }

    /// Answers a read request: an ERROR at once, or a transfer handed to the [`Pool`].
    fn read(&mut self, request: Request, peer: SocketAddr, local: IpAddr) {
        if request.mode == Mode::Mail {
            self.error(local, peer, code::ILLEGAL_OPERATION, "Unknown mode");
            return;
        }
        let client = self.client(peer);
        let (serve, tag) = self
            .registry
            .read(self.clock.now(), &client, &request.filename);
        self.apply();
        let body = match serve {
            Serve::NotFound => {
                self.error(local, peer, code::FILE_NOT_FOUND, "File not found");
                return;
            }
            Serve::HeldBack(message) => {
                self.error(local, peer, code::FILE_NOT_FOUND, message);
                return;
            }
            Serve::Refused(_) => {
                self.error(local, peer, code::ACCESS_VIOLATION, "Access violation");
                return;
            }
            Serve::Bytes(bytes) => Body::Bytes(io::Cursor::new(bytes)),
            Serve::File(file) => Body::File(io::BufReader::with_capacity(flight::READ_AHEAD, file)),
        };
        if let Err(full) = self.flights.room(peer.ip(), Instant::now()) {
            self.busy += 1;
            self.failed(&tag, full.why());
            return;
        }
        let socket = match socket::reply_socket(local, peer) {
            Ok(socket) => socket,
            Err(error) => {
                self.failed(&tag, format!("cannot open a transfer socket: {error}"));
                return;
            }
        };
        let (max_blksize, large) = self.flights.blksize_for(&request);
        let shared = Arc::new(Shared::default());
        let start = Start {
            socket,
            peer,
            request,
            body,
            tag: tag.clone(),
            config: SendConfig {
                policy: POLICY,
                max_blksize,
                max_timeout: MAX_TIMEOUT_S,
            },
            reports: self.reports.clone(),
            stop: self.stop.clone(),
            shared: shared.clone(),
        };
        match self.pool.start(start) {
            Ok(()) => self.flights.insert(
                peer,
                Flight {
                    started: Instant::now(),
                    shared,
                    large,
                    managed: tag.managed,
                },
            ),
            Err(error) => self.failed(&tag, format!("cannot start the transfer: {error}")),
        }
    }

    /// A transfer that could not start, told to the registry.
    fn failed(&mut self, tag: &Tag, why: String) {
        let now = self.clock.now();
        self.registry
            .finished(now, tag, Err(Failure::Local { why }));
        self.apply();
    }
}

/// The event a state file that cannot be written is told by.
fn state_event(why: &str) -> Event {
    let mut event = Event::new(Kind::Stuck, None, "-", false).why(format!(
        "{why}: serve goes on, but a restart would not know what it learned; it will end with exit 1"
    ));
    event.time_ms = wall_ms();
    event
}

/// Gives the memory freed by ended transfers back to the system (glibc keeps it in per-thread
/// arenas otherwise).
fn trim() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}
