//! The reading side of a transfer (a client, the phone): it sends the read request, agrees the
//! options of an OACK, and acknowledges each block in order.
//!
//! May use: what [`crate::wire::transfer`] may.

use std::net::SocketAddr;
use std::time::Instant;

use crate::wire::packet::{code, Mode, Packet, Request, DEFAULT_BLKSIZE, MIN_BLKSIZE};
use crate::wire::transfer::{kind, End, Event, Failure, Link, Machine, Policy, Transmit};

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

link_methods!(Receiver);
