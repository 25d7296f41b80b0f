//! serve's I/O around its decisions ([`Registry`], which does none): the sockets, the clocks,
//! the reads of each client's MAC (the kernel's neighbour table and `--leases`, read again for
//! every request), the state file's writes, and the channel to the view. It hands the registry
//! each request, transfer end and tick with the time ([`Clock`]) and does what comes back
//! ([`Effect`]).
//!
//! One listening socket (port 69 by default, every address) learns for each request the local
//! address it came to (`IP_PKTINFO` / `IPV6_RECVPKTINFO`); each transfer runs on its own thread,
//! with its own socket bound to that address (so the phone hears back from the address it
//! asked) and connected to the phone, driving a [`Sender`] through the shared loop
//! ([`crate::wire::drive`]): one slow phone never holds up another, and a file is read block by
//! block ([`Source`]), never whole.
//!
//! Retransmits are bounded: each packet is sent at most six times, one second apart (the
//! client's `timeout` option changes the interval), so a silent phone costs a transfer thread at
//! most about six seconds. A request repeated by a phone while its transfer runs is ignored.
//!
//! May use: [`crate::wire::packet`], [`crate::wire::transfer`], [`crate::wire::drive`],
//! [`crate::wire::serve`]'s `registry`, `files`, `neighbours` (its reads), `state` and `events`;
//! `libc` for `recvmsg`.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, Cursor};
use std::mem;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6, UdpSocket};
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender as Channel};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::wire::drive::{drive, Hooks, Io};
use crate::wire::packet::{self, code, Mode, Packet, Request, MAX_DATAGRAM};
use crate::wire::serve::events::{Event, Kind, Message};
use crate::wire::serve::files::Dir;
use crate::wire::serve::neighbours;
use crate::wire::serve::registry::{Client, Effect, Now, Registry, Serve, Tag};
use crate::wire::serve::state;
use crate::wire::transfer::{Event as TransferEvent, Failure, Policy, SendConfig, Sender, Source};

/// How serve's transfers wait for a phone.
pub const POLICY: Policy = Policy {
    timeout: Duration::from_secs(1),
    retries: 5,
};

/// What a transfer reads from.
enum Body {
    File(File),
    Bytes(Cursor<Vec<u8>>),
}

impl Source for Body {
    fn size(&self) -> Option<u64> {
        match self {
            Body::File(f) => f.size(),
            Body::Bytes(b) => b.size(),
        }
    }

    fn read_chunk(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Body::File(f) => f.read_chunk(buf),
            Body::Bytes(b) => b.read_chunk(buf),
        }
    }
}

/// Binds the listening socket and asks the kernel for each datagram's local address.
pub fn listen(address: SocketAddr) -> io::Result<UdpSocket> {
    let socket = UdpSocket::bind(address)?;
    let fd = socket.as_raw_fd();
    let on: libc::c_int = 1;
    // SAFETY: valid socket, option pointer and length.
    let rc = unsafe {
        if address.is_ipv4() {
            libc::setsockopt(
                fd,
                libc::IPPROTO_IP,
                libc::IP_PKTINFO,
                &on as *const _ as *const libc::c_void,
                mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        } else {
            libc::setsockopt(
                fd,
                libc::IPPROTO_IPV6,
                libc::IPV6_RECVPKTINFO,
                &on as *const _ as *const libc::c_void,
                mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        }
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(socket)
}

/// One datagram, its sender and the local address it was sent to.
fn receive(socket: &UdpSocket, buf: &mut [u8]) -> io::Result<(usize, SocketAddr, Option<IpAddr>)> {
    let fd = socket.as_raw_fd();
    // SAFETY: zeroed plain C structs; every pointer given to recvmsg outlives the call and the
    // lengths match the buffers.
    unsafe {
        let mut storage: libc::sockaddr_storage = mem::zeroed();
        let mut iov = libc::iovec {
            iov_base: buf.as_mut_ptr() as *mut libc::c_void,
            iov_len: buf.len(),
        };
        let mut control = [0u8; 128];
        let mut msg: libc::msghdr = mem::zeroed();
        msg.msg_name = &mut storage as *mut _ as *mut libc::c_void;
        msg.msg_namelen = mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr() as *mut libc::c_void;
        msg.msg_controllen = control.len() as _;
        let n = libc::recvmsg(fd, &mut msg, 0);
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        let from = match storage.ss_family as libc::c_int {
            libc::AF_INET => {
                let a = &*(&storage as *const _ as *const libc::sockaddr_in);
                SocketAddr::V4(SocketAddrV4::new(
                    Ipv4Addr::from(u32::from_be(a.sin_addr.s_addr)),
                    u16::from_be(a.sin_port),
                ))
            }
            libc::AF_INET6 => {
                let a = &*(&storage as *const _ as *const libc::sockaddr_in6);
                SocketAddr::V6(SocketAddrV6::new(
                    Ipv6Addr::from(a.sin6_addr.s6_addr),
                    u16::from_be(a.sin6_port),
                    a.sin6_flowinfo,
                    a.sin6_scope_id,
                ))
            }
            _ => {
                return Err(io::Error::other(
                    "a datagram from an unknown address family",
                ))
            }
        };
        let mut local = None;
        let mut cmsg = libc::CMSG_FIRSTHDR(&msg);
        while !cmsg.is_null() {
            let header = &*cmsg;
            if header.cmsg_level == libc::IPPROTO_IP && header.cmsg_type == libc::IP_PKTINFO {
                let info = &*(libc::CMSG_DATA(cmsg) as *const libc::in_pktinfo);
                local = Some(IpAddr::V4(Ipv4Addr::from(u32::from_be(
                    info.ipi_addr.s_addr,
                ))));
            } else if header.cmsg_level == libc::IPPROTO_IPV6
                && header.cmsg_type == libc::IPV6_PKTINFO
            {
                let info = &*(libc::CMSG_DATA(cmsg) as *const libc::in6_pktinfo);
                local = Some(IpAddr::V6(Ipv6Addr::from(info.ipi6_addr.s6_addr)));
            }
            cmsg = libc::CMSG_NXTHDR(&msg, cmsg);
        }
        Ok((n as usize, from, local))
    }
}

/// What a transfer thread reports.
pub enum Report {
    Progress {
        tag: Tag,
        bytes: u64,
        size: Option<u64>,
    },
    Finished {
        tag: Tag,
        outcome: Result<u64, Failure>,
    },
}

/// A socket for answering `peer` from `local`.
fn reply_socket(local: IpAddr, peer: SocketAddr) -> io::Result<UdpSocket> {
    let local = match (local, peer) {
        (IpAddr::V4(v4), SocketAddr::V6(_)) => IpAddr::V6(v4.to_ipv6_mapped()),
        (local, _) => local,
    };
    let socket = UdpSocket::bind((local, 0))?;
    socket.connect(peer)?;
    Ok(socket)
}

/// Sends one ERROR packet from a fresh transfer ID.
fn send_error(local: IpAddr, peer: SocketAddr, code: u16, message: &str) {
    if let Ok(socket) = reply_socket(local, peer) {
        let _ = socket.send(&packet::error(code, message));
    }
}

/// One transfer as it runs: its progress, reported at most five times a second, and its end.
struct Sending {
    tag: Tag,
    reports: Channel<Report>,
    stop: Arc<AtomicBool>,
    last_progress: Instant,
    outcome: Option<Result<u64, Failure>>,
}

impl Hooks<Sender<Body>> for Sending {
    fn event(&mut self, _sender: &mut Sender<Body>, event: TransferEvent) {
        match event {
            TransferEvent::Progress { bytes } => {
                if self.last_progress.elapsed() >= Duration::from_millis(200) {
                    self.last_progress = Instant::now();
                    let _ = self.reports.send(Report::Progress {
                        tag: self.tag.clone(),
                        bytes,
                        size: None,
                    });
                }
            }
            TransferEvent::Done { bytes } => self.outcome = Some(Ok(bytes)),
            TransferEvent::Failed(failure) => self.outcome = Some(Err(failure)),
            TransferEvent::Started { .. } => {}
        }
    }

    fn datagram(
        &mut self,
        sender: &mut Sender<Body>,
        now: Instant,
        from: SocketAddr,
        bytes: &[u8],
    ) {
        sender.handle_datagram(now, from, bytes);
    }

    fn error(
        &mut self,
        sender: &mut Sender<Body>,
        error: io::Error,
        during: Io,
        _connected: bool,
    ) -> io::Result<()> {
        if error.kind() == io::ErrorKind::ConnectionRefused {
            sender.handle_unreachable("the phone's port is closed (ICMP unreachable)");
        } else if during == Io::Receive {
            sender.handle_timeout(Instant::now());
        }
        Ok(())
    }

    fn turn(&mut self, sender: &mut Sender<Body>) {
        if self.stop.load(Ordering::Relaxed) {
            sender.abort(code::NOT_DEFINED, "the server is stopping");
        }
    }

    fn max_wait(&self) -> Option<Duration> {
        Some(Duration::from_millis(250))
    }
}

/// Runs one transfer to its end.
fn transfer(
    socket: UdpSocket,
    peer: SocketAddr,
    request: Request,
    body: Body,
    tag: Tag,
    reports: Channel<Report>,
    stop: Arc<AtomicBool>,
) {
    let config = SendConfig {
        policy: POLICY,
        ..SendConfig::default()
    };
    let mut sender = Sender::new(peer, &request, body, config, Instant::now());
    let mut sending = Sending {
        tag,
        reports,
        stop,
        last_progress: Instant::now(),
        outcome: None,
    };
    let ran = drive(&socket, true, &mut sender, &mut sending);
    let outcome = match (sending.outcome, ran) {
        (Some(outcome), _) => outcome,
        (None, Err(error)) => Err(Failure::Local {
            why: format!("the transfer socket failed: {error}"),
        }),
        (None, Ok(())) => Err(Failure::Local {
            why: "the transfer ended without a result".into(),
        }),
    };
    let _ = sending.reports.send(Report::Finished {
        tag: sending.tag,
        outcome,
    });
}

/// The driver's clocks: a monotonic one for every wait and "quiet for" (counted on from the
/// wall clock's reading at start, so that it never runs back and a state file's times fit it),
/// and the wall clock for what is kept and shown.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    start: Instant,
    wall_at_start: u64,
}

impl Clock {
    pub fn start() -> Clock {
        Clock {
            start: Instant::now(),
            wall_at_start: wall_ms(),
        }
    }

    /// Now, on both clocks.
    pub fn now(&self) -> Now {
        let elapsed = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        Now {
            ms: self.wall_at_start.saturating_add(elapsed),
            wall_ms: wall_ms(),
        }
    }
}

/// The wall clock: milliseconds since 1970-01-01 UTC.
pub fn wall_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// The facts about a client the registry needs: its MAC in the kernel's neighbour table and in
/// the lease file, both read now.
fn client(address: SocketAddr, leases: Option<&Path>) -> Client {
    Client {
        address,
        neighbour: neighbours::neighbour(address.ip()),
        lease: leases.and_then(|path| neighbours::lease(path, address.ip())),
    }
}

/// The server: the listening socket, the registry and the transfers.
pub struct Server<'r, 'm> {
    pub socket: UdpSocket,
    pub registry: &'r mut Registry<'m, Dir>,
    pub stop: Arc<AtomicBool>,
    /// The lease file each client's MAC is read from (`--leases`).
    pub leases: Option<PathBuf>,
    /// Where the events, rows and progress go (the view).
    pub view: Channel<Message>,
    pub clock: Clock,
}

/// What the loop holds while serve runs.
struct Running<'r, 'm> {
    registry: &'r mut Registry<'m, Dir>,
    leases: Option<PathBuf>,
    view: Channel<Message>,
    clock: Clock,
    /// The clients whose transfer runs.
    active: HashSet<SocketAddr>,
}

impl Server<'_, '_> {
    /// Serves until `stop` is set; then stops every transfer (each tells its phone) and returns.
    pub fn run(self) {
        let Server {
            socket,
            registry,
            stop,
            leases,
            view,
            clock,
        } = self;
        let mut running = Running {
            registry,
            leases,
            view,
            clock,
            active: HashSet::new(),
        };
        running.apply();
        let _ = socket.set_read_timeout(Some(Duration::from_millis(100)));
        let listen_ip = socket.local_addr().map(|a| a.ip()).ok();
        let (reports_tx, reports): (Channel<Report>, Receiver<Report>) = mpsc::channel();
        let mut threads: Vec<JoinHandle<()>> = Vec::new();
        let mut buf = vec![0u8; MAX_DATAGRAM];
        let mut last_tick = Instant::now();
        while !stop.load(Ordering::Relaxed) {
            match receive(&socket, &mut buf) {
                Ok((len, peer, local)) => {
                    let local = local
                        .filter(|ip| !ip.is_unspecified())
                        .or(listen_ip.filter(|ip| !ip.is_unspecified()))
                        .unwrap_or(if peer.is_ipv4() {
                            IpAddr::V4(Ipv4Addr::UNSPECIFIED)
                        } else {
                            IpAddr::V6(Ipv6Addr::UNSPECIFIED)
                        });
                    if running.active.contains(&peer) {
                        // The phone repeated its request while we answer it.
                        continue;
                    }
                    // A phone asks for one file at a time: a transfer of its still in flight has
                    // just had its last ACK, so its end is taken in before the new request (at
                    // most 300 ms).
                    let until = Instant::now() + Duration::from_millis(300);
                    while running.active.iter().any(|a| a.ip() == peer.ip())
                        && Instant::now() < until
                    {
                        match reports.recv_timeout(until - Instant::now()) {
                            Ok(report) => running.absorb(report),
                            Err(_) => break,
                        }
                    }
                    if let Some(handle) =
                        running.handle(&buf[..len], peer, local, &reports_tx, &stop)
                    {
                        running.active.insert(peer);
                        threads.push(handle);
                    }
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock
                            | io::ErrorKind::TimedOut
                            | io::ErrorKind::Interrupted
                    ) => {}
                Err(_) => thread::sleep(Duration::from_millis(10)),
            }
            while let Ok(report) = reports.try_recv() {
                running.absorb(report);
            }
            threads.retain(|t| !t.is_finished());
            if last_tick.elapsed() >= Duration::from_millis(500) {
                last_tick = Instant::now();
                running.registry.tick(running.clock.now());
                running.apply();
            }
        }
        drop(reports_tx);
        for thread in threads {
            let _ = thread.join();
        }
        while let Ok(report) = reports.try_recv() {
            if let Report::Finished { tag, outcome } = report {
                running
                    .registry
                    .finished(running.clock.now(), &tag, outcome);
                running.apply();
            }
        }
    }
}

impl Running<'_, '_> {
    /// Does what the registry asks: tells the view, writes the state file.
    fn apply(&mut self) {
        while let Some(effect) = self.registry.poll_effect() {
            match effect {
                Effect::Show(message) => {
                    let _ = self.view.send(message);
                }
                Effect::Save => self.save(),
            }
        }
    }

    fn save(&self) {
        let registry = &self.registry;
        let Some(path) = &registry.state_path else {
            return;
        };
        if let Err(error) = state::save(path, &registry.dir, &registry.phones) {
            let mut event = Event::new(Kind::Stuck, None, "-", false).why(format!(
                "cannot write the state file {}: {error}",
                path.display()
            ));
            event.time_ms = wall_ms();
            let _ = self.view.send(Message::Event(event));
        }
    }

    fn absorb(&mut self, report: Report) {
        match report {
            Report::Progress { tag, bytes, size } => self.registry.progress(&tag, bytes, size),
            Report::Finished { tag, outcome } => {
                self.active.remove(&tag.address);
                self.registry.finished(self.clock.now(), &tag, outcome);
            }
        }
        self.apply();
    }

    /// Answers one datagram to the listening port; a transfer's thread when one starts.
    fn handle(
        &mut self,
        datagram: &[u8],
        peer: SocketAddr,
        local: IpAddr,
        reports: &Channel<Report>,
        stop: &Arc<AtomicBool>,
    ) -> Option<JoinHandle<()>> {
        let request = match Packet::decode(datagram) {
            Ok(Packet::Rrq(request)) => request,
            Ok(Packet::Wrq(request)) => {
                let message = "phoneup serve is read-only: writes are refused";
                let client = client(peer, self.leases.as_deref());
                let now = self.clock.now();
                self.registry
                    .refused_write(now, &client, &request.filename, message);
                self.apply();
                send_error(local, peer, code::ACCESS_VIOLATION, message);
                return None;
            }
            // Not a request: no transfer of ours starts on port 69.
            _ => return None,
        };
        if request.mode == Mode::Mail {
            send_error(local, peer, code::ILLEGAL_OPERATION, "Unknown mode");
            return None;
        }
        let client = client(peer, self.leases.as_deref());
        let (serve, tag) = self
            .registry
            .read(self.clock.now(), &client, &request.filename);
        self.apply();
        let body = match serve {
            Serve::NotFound => {
                send_error(local, peer, code::FILE_NOT_FOUND, "File not found");
                return None;
            }
            Serve::HeldBack(message) => {
                send_error(local, peer, code::FILE_NOT_FOUND, message);
                return None;
            }
            Serve::Refused(_) => {
                send_error(local, peer, code::ACCESS_VIOLATION, "Access violation");
                return None;
            }
            Serve::Bytes(bytes) => Body::Bytes(Cursor::new(bytes)),
            Serve::File(file) => Body::File(file),
        };
        let socket = match reply_socket(local, peer) {
            Ok(socket) => socket,
            Err(error) => {
                let why = format!("cannot open a transfer socket: {error}");
                let now = self.clock.now();
                self.registry
                    .finished(now, &tag, Err(Failure::Local { why }));
                self.apply();
                return None;
            }
        };
        let reports = reports.clone();
        let stop = stop.clone();
        let spawned = thread::Builder::new()
            .name("phoneup-transfer".into())
            .spawn(move || transfer(socket, peer, request, body, tag, reports, stop));
        spawned.ok()
    }
}
