//! One TFTP transfer as a state machine that does no I/O, in the manner of quinn-proto: the
//! caller feeds it datagrams ([`Receiver::handle_datagram`]) and the time
//! ([`Receiver::handle_timeout`]), and takes from it the datagrams to send
//! ([`Receiver::poll_transmit`]), the next deadline ([`Receiver::poll_timeout`]) and what
//! happened ([`Receiver::poll_event`]). Time is an [`Instant`] passed in, so every case is
//! tested without sockets or sleeping.
//!
//! [`Receiver`] is the side that reads a file (a client, the phone); [`Sender`] is the side that
//! sends one (a server), reading the file block by block through a [`Source`], so firmware is
//! streamed and never held whole.
//!
//! The rules both sides keep:
//! - the first reply fixes the peer's transfer ID (address and port); a datagram from any other
//!   gets ERROR 5 and changes nothing (RFC 1350);
//! - only a timeout resends, and it resends the last packet; a duplicate ACK is never answered
//!   with DATA (the sorcerer's apprentice bug, RFC 1123 4.2.3.1); a duplicate DATA is
//!   acknowledged again, as that is how a lost ACK is recovered;
//! - block numbers wrap from 65535 to 0;
//! - an ERROR from the peer ends the transfer at once, with no reply;
//! - a datagram that does not decode is counted and ignored (atftpd 0.8.0 resends a 3-byte
//!   DATA); a well-formed packet that has no place in the transfer is answered with ERROR 4;
//! - each packet is sent at most `1 + retries` times, `timeout` apart; then the transfer fails.
//!
//! May use: [`crate::wire::packet`].

use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::wire::packet::{
    self, code, Mode, Packet, Request, DEFAULT_BLKSIZE, MAX_BLKSIZE, MIN_BLKSIZE,
};

/// How long to wait for the peer, and how often to resend before giving up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Time between sends of the same packet, and after the last one.
    pub timeout: Duration,
    /// Sends of the same packet after the first.
    pub retries: u32,
}

impl Default for Policy {
    /// One second, five retries: a silent peer is given up after six seconds.
    fn default() -> Policy {
        Policy {
            timeout: Duration::from_secs(1),
            retries: 5,
        }
    }
}

impl Policy {
    /// The longest a transfer waits for one answer before it fails.
    pub fn give_up_after(&self) -> Duration {
        self.timeout * (self.retries + 1)
    }
}

/// A datagram to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmit {
    pub to: SocketAddr,
    pub bytes: Vec<u8>,
}

/// What happened in a transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The peer answered and the transfer runs with this block size; `tsize` is the size the
    /// server announced (receiver) or will send (sender), when known.
    Started {
        blksize: u16,
        tsize: Option<u64>,
    },
    /// Bytes received (receiver) or acknowledged by the peer (sender) so far.
    Progress {
        bytes: u64,
    },
    /// The whole file has been received, or the last block acknowledged.
    Done {
        bytes: u64,
    },
    Failed(Failure),
}

/// Why a transfer failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The peer sent an ERROR packet.
    Peer { code: u16, message: String },
    /// The peer stopped answering.
    Timeout {
        /// What was awaited: "an answer to the request", "DATA block 3", "the ACK of block 2".
        waiting_for: String,
        /// Sends of the last packet.
        sends: u32,
        /// Datagrams from the peer that were not TFTP packets.
        malformed: u32,
    },
    /// The network reported the peer unreachable (an ICMP error).
    Unreachable { why: String },
    /// Options that could not be agreed; an ERROR 8 was sent.
    Refused { why: String },
    /// The peer broke the protocol; an ERROR 4 was sent.
    Protocol { why: String },
    /// The caller ended the transfer.
    Aborted { why: String },
    /// The file could not be read (sender).
    Source { why: String },
    /// This side could not carry the transfer on: a socket it could not open or use.
    Local { why: String },
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Peer { code, message } => write!(f, "TFTP error {code}: {message}"),
            Failure::Timeout {
                waiting_for,
                sends,
                malformed,
            } => {
                write!(f, "no answer: waited for {waiting_for} after {sends} sends")?;
                if *malformed > 0 {
                    write!(f, " ({malformed} malformed datagrams ignored)")?;
                }
                Ok(())
            }
            Failure::Unreachable { why } => write!(f, "unreachable: {why}"),
            Failure::Refused { why } => write!(f, "options refused: {why}"),
            Failure::Protocol { why } => write!(f, "protocol error: {why}"),
            Failure::Aborted { why } => write!(f, "aborted: {why}"),
            Failure::Source { why } => write!(f, "cannot read the file: {why}"),
            Failure::Local { why } => f.write_str(why),
        }
    }
}

/// What both sides share: the peer, the packet to resend, the timer and the queues.
#[derive(Debug)]
struct Link {
    /// Where the first packet goes (the receiver's server; the sender's client).
    first: SocketAddr,
    /// The peer's transfer ID, once known.
    peer: Option<SocketAddr>,
    policy: Policy,
    /// The last packet sent, resent on timeout.
    last: Vec<u8>,
    sends: u32,
    deadline: Option<Instant>,
    transmits: VecDeque<Transmit>,
    events: VecDeque<Event>,
    /// How the transfer ended, once it has: the one record of its end.
    end: Option<End>,
    malformed: u32,
}

/// How a transfer ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// The whole file arrived, or its last block was acknowledged.
    Done,
    Failed,
}

impl Link {
    fn new(first: SocketAddr, peer: Option<SocketAddr>, policy: Policy) -> Link {
        Link {
            first,
            peer,
            policy,
            last: Vec::new(),
            sends: 0,
            deadline: None,
            transmits: VecDeque::new(),
            events: VecDeque::new(),
            end: None,
            malformed: 0,
        }
    }

    fn destination(&self) -> SocketAddr {
        self.peer.unwrap_or(self.first)
    }

    /// Sends a packet that is resent on timeout until the next one replaces it.
    fn send(&mut self, now: Instant, bytes: Vec<u8>) {
        self.transmits.push_back(Transmit {
            to: self.destination(),
            bytes: bytes.clone(),
        });
        self.last = bytes;
        self.sends = 1;
        self.deadline = Some(now + self.policy.timeout);
    }

    /// Sends a packet once, without touching the timer (ERRORs, repeated ACKs).
    fn send_once(&mut self, to: SocketAddr, bytes: Vec<u8>) {
        self.transmits.push_back(Transmit { to, bytes });
    }

    /// Sends the last packet again, without resetting the count of sends: the answer to a
    /// duplicate that shows our packet was lost.
    fn repeat_last(&mut self) {
        let bytes = self.last.clone();
        self.send_once(self.destination(), bytes);
    }

    fn finish(&mut self, event: Event) {
        self.end = Some(match event {
            Event::Done { .. } => End::Done,
            _ => End::Failed,
        });
        self.deadline = None;
        self.events.push_back(event);
    }

    fn finished(&self) -> bool {
        self.end.is_some()
    }

    /// Ends the transfer, first telling the peer (when known) with an ERROR.
    fn fail_with_error(&mut self, code: u16, message: &str, failure: Failure) {
        let to = self.destination();
        self.send_once(to, packet::error(code, message));
        self.finish(Event::Failed(failure));
    }

    /// True when `from` is the peer; a stranger gets ERROR 5.
    fn is_peer(&mut self, from: SocketAddr) -> bool {
        match self.peer {
            Some(peer) if peer != from => {
                self.send_once(
                    from,
                    packet::error(code::UNKNOWN_TID, "Unknown transfer ID"),
                );
                false
            }
            _ => true,
        }
    }

    fn timeout(&mut self, now: Instant, waiting_for: impl FnOnce() -> String) {
        let Some(deadline) = self.deadline else {
            return;
        };
        if now < deadline {
            return;
        }
        if self.sends > self.policy.retries {
            let failure = Failure::Timeout {
                waiting_for: waiting_for(),
                sends: self.sends,
                malformed: self.malformed,
            };
            self.finish(Event::Failed(failure));
            return;
        }
        let bytes = self.last.clone();
        self.send_once(self.destination(), bytes);
        self.sends += 1;
        self.deadline = Some(now + self.policy.timeout);
    }
}

/// One side of a transfer as a drive loop sees it ([`crate::wire::drive`]): both [`Receiver`]
/// and [`Sender`] are one. Datagrams are not in it: each side takes them its own way.
pub trait Machine {
    /// The next datagram to send, if any.
    fn poll_transmit(&mut self) -> Option<Transmit>;
    /// The next event, if any.
    fn poll_event(&mut self) -> Option<Event>;
    /// When [`Machine::handle_timeout`] must be called, if the transfer waits for the peer.
    fn poll_timeout(&self) -> Option<Instant>;
    /// Resends the last packet, or fails, if the deadline has passed.
    fn handle_timeout(&mut self, now: Instant);
    /// The network said the peer cannot be reached (an ICMP error on the socket).
    fn handle_unreachable(&mut self, why: String);
    /// Ends the transfer from this side, telling the peer with ERROR `code`.
    fn abort(&mut self, code: u16, message: &str);
    /// True once the transfer is done or has failed (a last event may still be queued).
    fn is_finished(&self) -> bool;
    /// The peer's transfer ID, once it has answered.
    fn peer(&self) -> Option<SocketAddr>;
}

/// The methods both sides share, delegated to their [`Link`], as their own and as a [`Machine`].
macro_rules! link_methods {
    ($side:ident $(<$param:ident: $bound:ident>)?) => {
        impl$(<$param: $bound>)? $side$(<$param>)? {
            /// The next datagram to send, if any.
            pub fn poll_transmit(&mut self) -> Option<Transmit> {
                self.link.transmits.pop_front()
            }

            /// The next event, if any.
            pub fn poll_event(&mut self) -> Option<Event> {
                self.link.events.pop_front()
            }

            /// When [`Self::handle_timeout`] must be called, if the transfer waits for the peer.
            pub fn poll_timeout(&self) -> Option<Instant> {
                self.link.deadline
            }

            /// Resends the last packet, or fails, if the deadline has passed.
            pub fn handle_timeout(&mut self, now: Instant) {
                let waiting_for = self.waiting_for();
                self.link.timeout(now, || waiting_for);
            }

            /// The network said the peer cannot be reached (an ICMP error on the socket).
            pub fn handle_unreachable(&mut self, why: impl Into<String>) {
                if !self.link.finished() {
                    self.link
                        .finish(Event::Failed(Failure::Unreachable { why: why.into() }));
                }
            }

            /// Ends the transfer from this side, telling the peer with ERROR `code`.
            pub fn abort(&mut self, code: u16, message: &str) {
                if self.link.finished() {
                    return;
                }
                let failure = Failure::Aborted {
                    why: message.to_string(),
                };
                if self.link.peer.is_some() {
                    self.link.fail_with_error(code, message, failure);
                } else {
                    self.link.finish(Event::Failed(failure));
                }
            }

            /// True once the transfer is done or has failed (a last event may still be queued).
            pub fn is_finished(&self) -> bool {
                self.link.finished()
            }

            /// The peer's transfer ID, once it has answered.
            pub fn peer(&self) -> Option<SocketAddr> {
                self.link.peer
            }
        }

        impl$(<$param: $bound>)? Machine for $side$(<$param>)? {
            fn poll_transmit(&mut self) -> Option<Transmit> {
                $side::poll_transmit(self)
            }

            fn poll_event(&mut self) -> Option<Event> {
                $side::poll_event(self)
            }

            fn poll_timeout(&self) -> Option<Instant> {
                $side::poll_timeout(self)
            }

            fn handle_timeout(&mut self, now: Instant) {
                $side::handle_timeout(self, now)
            }

            fn handle_unreachable(&mut self, why: String) {
                $side::handle_unreachable(self, why)
            }

            fn abort(&mut self, code: u16, message: &str) {
                $side::abort(self, code, message)
            }

            fn is_finished(&self) -> bool {
                $side::is_finished(self)
            }

            fn peer(&self) -> Option<SocketAddr> {
                $side::peer(self)
            }
        }
    };
}

link_methods!(Receiver);
link_methods!(Sender<S: Source>);

/// The options a receiver asks for. A 7940 asks for none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ask {
    pub blksize: Option<u16>,
    pub tsize: bool,
    pub timeout: Option<u8>,
}

impl Ask {
    fn options(&self) -> Vec<(String, String)> {
        let mut options = Vec::new();
        if let Some(blksize) = self.blksize {
            options.push(("blksize".into(), blksize.to_string()));
        }
        if self.tsize {
            options.push(("tsize".into(), "0".into()));
        }
        if let Some(timeout) = self.timeout {
            options.push(("timeout".into(), timeout.to_string()));
        }
        options
    }

    pub fn is_empty(&self) -> bool {
        self.options().is_empty()
    }
}

/// Where a [`Receiver`] stands (how it ended is its link's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Receiving {
    /// The request is sent; no answer yet.
    Requested,
    /// Blocks arrive.
    Blocks {
        /// The block awaited.
        next: u16,
        /// The block last accepted, acknowledged again if it comes again.
        last: Option<u16>,
        /// The server answered with an OACK, which is acknowledged again if it comes again
        /// before block 1.
        oack: bool,
    },
}

/// The reading side: sends a read request and receives the file.
#[derive(Debug)]
pub struct Receiver {
    link: Link,
    ask: Ask,
    state: Receiving,
    blksize: u16,
    bytes: u64,
    tsize: Option<u64>,
}

impl Receiver {
    /// Starts reading `filename` from the server at `server`: the read request is the first
    /// datagram to send.
    pub fn new(
        server: SocketAddr,
        filename: &str,
        ask: Ask,
        policy: Policy,
        now: Instant,
    ) -> Receiver {
        let mut receiver = Receiver {
            link: Link::new(server, None, policy),
            ask,
            state: Receiving::Requested,
            blksize: DEFAULT_BLKSIZE,
            bytes: 0,
            tsize: None,
        };
        let request = Packet::Rrq(Request {
            filename: filename.to_string(),
            mode: Mode::Octet,
            options: ask.options(),
        });
        receiver.link.send(now, request.encode());
        receiver
    }

    fn waiting_for(&self) -> String {
        match self.state {
            Receiving::Requested => "an answer to the read request".into(),
            Receiving::Blocks { next, .. } => format!("DATA block {next}"),
        }
    }

    /// Bytes received so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The size the server announced with `tsize`, if it did.
    pub fn tsize(&self) -> Option<u64> {
        self.tsize
    }

    /// Takes one datagram from `from`. Returns the new bytes of the file it carries, in order.
    pub fn handle_datagram<'d>(
        &mut self,
        now: Instant,
        from: SocketAddr,
        datagram: &'d [u8],
    ) -> Option<&'d [u8]> {
        if self.link.finished() {
            // The last ACK may have been lost: acknowledge the last block again.
            if let (Some(End::Done), Receiving::Blocks { last, .. }) = (self.link.end, self.state) {
                if self.link.peer == Some(from) {
                    if let Ok(Packet::Data { block, .. }) = Packet::decode(datagram) {
                        if Some(block) == last {
                            self.link.repeat_last();
                        }
                    }
                }
            }
            return None;
        }
        if !self.link.is_peer(from) {
            return None;
        }
        let Ok(packet) = Packet::decode(datagram) else {
            self.link.malformed += 1;
            return None;
        };
        if self.link.peer.is_none() {
            if !matches!(
                packet,
                Packet::Oack { .. } | Packet::Data { .. } | Packet::Error { .. }
            ) {
                return None;
            }
            // The first answer fixes the server's transfer ID.
            self.link.peer = Some(from);
        }
        match (self.state, packet) {
            (_, Packet::Error { code, message }) => {
                self.link
                    .finish(Event::Failed(Failure::Peer { code, message }));
                None
            }
            (Receiving::Requested, Packet::Oack { options }) => {
                match self.agree(&options) {
                    Ok(()) => {
                        self.state = Receiving::Blocks {
                            next: 1,
                            last: None,
                            oack: true,
                        };
                        self.link.events.push_back(Event::Started {
                            blksize: self.blksize,
                            tsize: self.tsize,
                        });
                        self.link.send(now, Packet::Ack { block: 0 }.encode());
                    }
                    Err(why) => {
                        self.link.fail_with_error(
                            code::OPTION_REFUSED,
                            &why,
                            Failure::Refused { why: why.clone() },
                        );
                    }
                }
                None
            }
            (
                Receiving::Blocks {
                    next: 1,
                    oack: true,
                    ..
                },
                Packet::Oack { .. },
            ) => {
                // The server did not get ACK 0 and sent its OACK again.
                self.link.repeat_last();
                None
            }
            (Receiving::Requested, Packet::Data { block: 1, data }) => {
                // The server ignored our options (or we asked none): RFC 1350 defaults.
                self.blksize = DEFAULT_BLKSIZE;
                self.state = Receiving::Blocks {
                    next: 1,
                    last: None,
                    oack: false,
                };
                self.link.events.push_back(Event::Started {
                    blksize: self.blksize,
                    tsize: None,
                });
                self.accept(now, 1, data)
            }
            (Receiving::Requested, Packet::Data { .. }) => None,
            (Receiving::Blocks { next, last, .. }, Packet::Data { block, data }) => {
                if block == next {
                    self.accept(now, block, data)
                } else {
                    if Some(block) == last {
                        // Our ACK was lost; the server resent the block.
                        self.link.repeat_last();
                    }
                    None
                }
            }
            (_, other) => {
                let why = format!("the server sent {} during a read", kind(&other));
                self.link.fail_with_error(
                    code::ILLEGAL_OPERATION,
                    "Illegal TFTP operation",
                    Failure::Protocol { why },
                );
                None
            }
        }
    }

    /// Checks the server's OACK against what was asked (RFC 2347: only options asked for;
    /// RFC 2348: a block size no larger than asked; RFC 2349: the same timeout).
    fn agree(&mut self, options: &[(String, String)]) -> Result<(), String> {
        for (name, value) in options {
            match name.to_ascii_lowercase().as_str() {
                "blksize" if self.ask.blksize.is_some() => {
                    let asked = self.ask.blksize.unwrap_or(DEFAULT_BLKSIZE);
                    match value.parse::<u16>() {
                        Ok(size) if (MIN_BLKSIZE..=asked).contains(&size) => self.blksize = size,
                        _ => {
                            return Err(format!(
                                "the server chose blksize {value:?}, not within {MIN_BLKSIZE}..={asked}"
                            ))
                        }
                    }
                }
                "tsize" if self.ask.tsize => match value.parse::<u64>() {
                    Ok(size) => self.tsize = Some(size),
                    Err(_) => return Err(format!("the server sent tsize {value:?}")),
                },
                "timeout" if self.ask.timeout.is_some() => {
                    if value.parse::<u8>().ok() != self.ask.timeout {
                        return Err(format!(
                            "the server changed the timeout to {value:?} (RFC 2349 wants the value asked)"
                        ));
                    }
                }
                _ => {
                    return Err(format!(
                        "the server acknowledged option {name:?}, which was not asked for"
                    ))
                }
            }
        }
        Ok(())
    }

    fn accept<'d>(&mut self, now: Instant, block: u16, data: &'d [u8]) -> Option<&'d [u8]> {
        if data.len() > usize::from(self.blksize) {
            let why = format!(
                "DATA block {block} has {} bytes, more than the block size {}",
                data.len(),
                self.blksize
            );
            self.link.fail_with_error(
                code::ILLEGAL_OPERATION,
                "Illegal TFTP operation",
                Failure::Protocol { why },
            );
            return None;
        }
        self.bytes += data.len() as u64;
        let oack = matches!(self.state, Receiving::Blocks { oack: true, .. });
        self.state = Receiving::Blocks {
            next: block.wrapping_add(1),
            last: Some(block),
            oack,
        };
        self.link.send(now, Packet::Ack { block }.encode());
        self.link
            .events
            .push_back(Event::Progress { bytes: self.bytes });
        if data.len() < usize::from(self.blksize) {
            self.link.finish(Event::Done { bytes: self.bytes });
        }
        Some(data)
    }
}

fn kind(packet: &Packet) -> &'static str {
    match packet {
        Packet::Rrq(_) => "a read request",
        Packet::Wrq(_) => "a write request",
        Packet::Data { .. } => "DATA",
        Packet::Ack { .. } => "an ACK",
        Packet::Error { .. } => "an ERROR",
        Packet::Oack { .. } => "an OACK",
    }
}

/// Where a [`Sender`] reads the file: block by block, so an image is never held whole.
pub trait Source {
    /// The size in bytes, if known: it answers the `tsize` option.
    fn size(&self) -> Option<u64>;
    /// Reads the next bytes into `buf`; fewer than `buf.len()` only at the end of the file.
    fn read_chunk(&mut self, buf: &mut [u8]) -> io::Result<usize>;
}

/// Fills `buf` from a reader, stopping early only at its end.
fn fill(reader: &mut impl io::Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

impl Source for std::fs::File {
    fn size(&self) -> Option<u64> {
        self.metadata().ok().map(|m| m.len())
    }

    fn read_chunk(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        fill(self, buf)
    }
}

impl<T: AsRef<[u8]>> Source for io::Cursor<T> {
    fn size(&self) -> Option<u64> {
        Some(self.get_ref().as_ref().len() as u64)
    }

    fn read_chunk(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        fill(self, buf)
    }
}

/// How a [`Sender`] negotiates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendConfig {
    pub policy: Policy,
    /// The largest block size granted; larger requests are lowered to it.
    pub max_blksize: u16,
}

impl Default for SendConfig {
    fn default() -> SendConfig {
        SendConfig {
            policy: Policy::default(),
            max_blksize: MAX_BLKSIZE,
        }
    }
}

/// Where a [`Sender`] stands (how it ended is its link's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sending {
    /// The OACK waits for its ACK 0.
    AwaitOackAck,
    /// DATA `block`, of `len` bytes, waits for its ACK; `last`: it is the file's last block.
    AwaitAck { block: u16, len: usize, last: bool },
}

impl Sending {
    /// The block whose ACK is awaited.
    fn block(self) -> u16 {
        match self {
            Sending::AwaitOackAck => 0,
            Sending::AwaitAck { block, .. } => block,
        }
    }
}

/// The sending side: answers one read request with the file from a [`Source`].
///
/// Options (RFC 2347-2349): `blksize` below 8 or not a number is refused with ERROR 8, as
/// tftpd-hpa does; above `max_blksize` it is lowered; `tsize` is answered with the source's
/// size; `timeout` 1..=255 is accepted and used; other options are ignored. With no option
/// accepted, DATA 1 is the first answer, otherwise an OACK. The mode is not converted: netascii
/// requests get the bytes as they are.
#[derive(Debug)]
pub struct Sender<S> {
    link: Link,
    source: S,
    blksize: u16,
    state: Sending,
    /// Bytes the client has acknowledged.
    acked: u64,
    buf: Vec<u8>,
}

impl<S: Source> Sender<S> {
    /// Answers `request` from `client`: the OACK or DATA 1 (or an ERROR 8) is the first
    /// datagram to send, and [`Event::Started`] the first event.
    pub fn new(
        client: SocketAddr,
        request: &Request,
        source: S,
        config: SendConfig,
        now: Instant,
    ) -> Sender<S> {
        let mut sender = Sender {
            link: Link::new(client, Some(client), config.policy),
            source,
            blksize: DEFAULT_BLKSIZE,
            // No block yet: the first is block 1.
            state: Sending::AwaitAck {
                block: 0,
                len: 0,
                last: false,
            },
            acked: 0,
            buf: Vec::new(),
        };
        let mut accepted: Vec<(String, String)> = Vec::new();
        let mut tsize = None;
        for (name, value) in &request.options {
            match name.to_ascii_lowercase().as_str() {
                "blksize" => match value.parse::<u64>() {
                    Ok(size) if size >= u64::from(MIN_BLKSIZE) => {
                        let max = config.max_blksize.clamp(MIN_BLKSIZE, MAX_BLKSIZE);
                        sender.blksize = u16::try_from(size).unwrap_or(max).min(max);
                        accepted.push(("blksize".into(), sender.blksize.to_string()));
                    }
                    _ => {
                        let why = format!("blksize {value:?} is not a number from 8 up");
                        sender.link.fail_with_error(
                            code::OPTION_REFUSED,
                            "Unsupported option(s) requested",
                            Failure::Refused { why },
                        );
                        return sender;
                    }
                },
                "tsize" => {
                    if let Some(size) = sender.source.size() {
                        tsize = Some(size);
                        accepted.push(("tsize".into(), size.to_string()));
                    }
                }
                "timeout" => {
                    if let Ok(seconds @ 1..=255) = value.parse::<u8>() {
                        sender.link.policy.timeout = Duration::from_secs(u64::from(seconds));
                        accepted.push(("timeout".into(), seconds.to_string()));
                    }
                }
                _ => {}
            }
        }
        sender.link.events.push_back(Event::Started {
            blksize: sender.blksize,
            tsize: tsize.or_else(|| sender.source.size()),
        });
        if accepted.is_empty() {
            sender.send_next(now);
        } else {
            sender.state = Sending::AwaitOackAck;
            sender
                .link
                .send(now, Packet::Oack { options: accepted }.encode());
        }
        sender
    }

    fn waiting_for(&self) -> String {
        match self.state {
            Sending::AwaitOackAck => "the ACK of the OACK".into(),
            Sending::AwaitAck { block, .. } => format!("the ACK of block {block}"),
        }
    }

    /// The block size in use.
    pub fn blksize(&self) -> u16 {
        self.blksize
    }

    /// Reads and sends the next block.
    fn send_next(&mut self, now: Instant) {
        self.buf.resize(usize::from(self.blksize), 0);
        let len = match self.source.read_chunk(&mut self.buf) {
            Ok(len) => len.min(self.buf.len()),
            Err(error) => {
                self.link.fail_with_error(
                    code::NOT_DEFINED,
                    "Read error",
                    Failure::Source {
                        why: error.to_string(),
                    },
                );
                return;
            }
        };
        let block = self.state.block().wrapping_add(1);
        self.state = Sending::AwaitAck {
            block,
            len,
            last: len < usize::from(self.blksize),
        };
        let data = Packet::Data {
            block,
            data: &self.buf[..len],
        }
        .encode();
        self.link.send(now, data);
    }

    /// Takes one datagram from `from`.
    pub fn handle_datagram(&mut self, now: Instant, from: SocketAddr, datagram: &[u8]) {
        if self.link.finished() || !self.link.is_peer(from) {
            return;
        }
        let Ok(packet) = Packet::decode(datagram) else {
            self.link.malformed += 1;
            return;
        };
        match packet {
            Packet::Ack { block } if block == self.state.block() => match self.state {
                Sending::AwaitOackAck => self.send_next(now),
                Sending::AwaitAck { len, last, .. } => {
                    self.acked += len as u64;
                    self.link
                        .events
                        .push_back(Event::Progress { bytes: self.acked });
                    if last {
                        self.link.finish(Event::Done { bytes: self.acked });
                    } else {
                        self.send_next(now);
                    }
                }
            },
            // A duplicate or stale ACK: never answered (the sorcerer's apprentice bug).
            Packet::Ack { .. } => {}
            Packet::Error { code, message } => {
                self.link
                    .finish(Event::Failed(Failure::Peer { code, message }));
            }
            other => {
                let why = format!("the client sent {} during a read", kind(&other));
                self.link.fail_with_error(
                    code::ILLEGAL_OPERATION,
                    "Illegal TFTP operation",
                    Failure::Protocol { why },
                );
            }
        }
    }
}

#[cfg(test)]
mod tests;
