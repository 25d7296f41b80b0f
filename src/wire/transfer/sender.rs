//! The sending side of a transfer (a server): it answers one read request with a file read block
//! by block through a [`Source`], so firmware is streamed and never held whole.
//!
//! May use: what [`crate::wire::transfer`] may.

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::wire::packet::{code, Packet, Request, DEFAULT_BLKSIZE, MAX_BLKSIZE, MIN_BLKSIZE};
use crate::wire::transfer::{kind, Event, Failure, Link, Machine, Policy, Transmit};

/// Where a [`Sender`] reads the file: block by block, so an image is never held whole.
pub trait Source {
    /// The size in bytes, if known: it answers the `tsize` option.
    fn size(&self) -> Option<u64>;
    /// Reads the next bytes into `buf`; fewer than `buf.len()` only at the end of the file.
    fn read_chunk(&mut self, buf: &mut [u8]) -> io::Result<usize>;
}

/// Fills `buf` from a reader, stopping early only at its end.
pub(super) fn fill(reader: &mut impl io::Read, buf: &mut [u8]) -> io::Result<usize> {
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

/// A file read ahead: one system call for several small blocks.
impl Source for io::BufReader<std::fs::File> {
    fn size(&self) -> Option<u64> {
        self.get_ref().size()
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
    /// The largest `timeout` option accepted, in seconds; a larger one is not acknowledged (the
    /// client keeps its own), as RFC 2349 lets a server do.
    pub max_timeout: u8,
}

impl Default for SendConfig {
    fn default() -> SendConfig {
        SendConfig {
            policy: Policy::default(),
            max_blksize: MAX_BLKSIZE,
            max_timeout: u8::MAX,
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
/// size; `timeout` from 1 to `max_timeout` (255 unless set lower) is accepted and used; other options are ignored. With no option
/// accepted, DATA 1 is the first answer, otherwise an OACK. The mode is not converted: netascii
/// requests get the bytes as they are.
#[derive(Debug)]
pub struct Sender<S> {
    link: Link,
    pub(super) source: S,
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
                    if let Some(seconds) = value
                        .parse::<u8>()
                        .ok()
                        .filter(|s| (1..=config.max_timeout).contains(s))
                    {
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

    /// True once the file's last block has been sent (its ACK awaited, or received): the
    /// client may ask for its next file as soon as it acknowledges it.
    pub fn sent_last(&self) -> bool {
        matches!(self.state, Sending::AwaitAck { last: true, .. })
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

link_methods!(Sender<S: Source>);
