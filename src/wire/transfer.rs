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
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::wire::packet::{self, code, Packet};

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
        // Kept in the buffer of the packet before: one allocation per block, not two.
        self.last.clear();
        self.last.extend_from_slice(&bytes);
        self.transmits.push_back(Transmit {
            to: self.destination(),
            bytes,
        });
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

mod receiver;
mod sender;

pub use receiver::{Ask, Receiver};
pub use sender::{SendConfig, Sender, Source};

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

#[cfg(test)]
mod tests;
