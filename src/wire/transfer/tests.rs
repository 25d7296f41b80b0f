//! Both sides of a transfer tested in memory: every datagram and every instant is given by the
//! test, so each rule of the protocol (and each way it fails) is seen without a socket. The
//! helpers and what both sides share are here; each side's tests are in its own file.

use std::io;

use super::sender::fill;
use super::*;
use crate::wire::packet::{Mode, Request};

fn server() -> SocketAddr {
    "127.0.0.1:69".parse().unwrap()
}

#[test]
fn a_phones_plain_request_asks_for_no_option_and_any_one_option_is_an_ask() {
    assert!(Ask::default().is_empty());
    for ask in [
        Ask {
            blksize: Some(1428),
            ..Ask::default()
        },
        Ask {
            tsize: true,
            ..Ask::default()
        },
        Ask {
            timeout: Some(2),
            ..Ask::default()
        },
    ] {
        assert!(!ask.is_empty(), "{ask:?}");
    }
}

/// A reader that is interrupted before each chunk, or fails for good when `fails`.
struct Jumpy {
    data: Vec<u8>,
    interrupted: bool,
    fails: bool,
    reads: u32,
}

impl io::Read for Jumpy {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reads += 1;
        assert!(self.reads < 100, "read again and again after an error");
        self.interrupted = !self.interrupted;
        if self.interrupted {
            return Err(io::Error::from(io::ErrorKind::Interrupted));
        }
        if self.fails {
            return Err(io::Error::other("disk on fire"));
        }
        let n = buf.len().min(self.data.len()).min(3);
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data.drain(..n);
        Ok(n)
    }
}

#[test]
fn a_block_is_filled_across_interrupted_and_short_reads_and_a_read_error_ends_it() {
    let mut reader = Jumpy {
        data: b"P0S3-08-11-00".to_vec(),
        interrupted: false,
        fails: false,
        reads: 0,
    };
    let mut buf = [0u8; 8];
    assert_eq!(fill(&mut reader, &mut buf).unwrap(), 8);
    assert_eq!(&buf, b"P0S3-08-");
    assert_eq!(fill(&mut reader, &mut buf).unwrap(), 5);
    assert_eq!(&buf[..5], b"11-00");
    let mut reader = Jumpy {
        data: Vec::new(),
        interrupted: false,
        fails: true,
        reads: 0,
    };
    assert_eq!(
        fill(&mut reader, &mut buf).unwrap_err().to_string(),
        "disk on fire"
    );
}

#[test]
fn every_failure_reads_as_the_user_sees_it() {
    let timeout = |malformed| Failure::Timeout {
        waiting_for: "DATA block 3".into(),
        sends: 5,
        malformed,
    };
    let why = || "the reason".to_string();
    let cases = [
        (
            Failure::Peer {
                code: 2,
                message: "Access violation".into(),
            },
            "TFTP error 2: Access violation",
        ),
        (
            timeout(0),
            "no answer: waited for DATA block 3 after 5 sends",
        ),
        (
            timeout(1),
            "no answer: waited for DATA block 3 after 5 sends (1 malformed datagrams ignored)",
        ),
        (
            Failure::Unreachable { why: why() },
            "unreachable: the reason",
        ),
        (
            Failure::Refused { why: why() },
            "options refused: the reason",
        ),
        (
            Failure::Protocol { why: why() },
            "protocol error: the reason",
        ),
        (Failure::Aborted { why: why() }, "aborted: the reason"),
        (
            Failure::Source { why: why() },
            "cannot read the file: the reason",
        ),
        (Failure::Local { why: why() }, "the reason"),
    ];
    for (failure, text) in cases {
        assert_eq!(failure.to_string(), text);
    }
}
/// The server's transfer ID for this transfer.
fn tid() -> SocketAddr {
    "127.0.0.1:40000".parse().unwrap()
}
fn client() -> SocketAddr {
    "127.0.0.1:50000".parse().unwrap()
}

fn sent(transmits: impl FnMut() -> Option<Transmit>) -> Vec<Transmit> {
    std::iter::from_fn(transmits).collect()
}

fn events(receiver_or_sender: impl FnMut() -> Option<Event>) -> Vec<Event> {
    std::iter::from_fn(receiver_or_sender).collect()
}

fn data(block: u16, bytes: &[u8]) -> Vec<u8> {
    Packet::Data { block, data: bytes }.encode()
}

fn ack(block: u16) -> Vec<u8> {
    Packet::Ack { block }.encode()
}

fn oack(options: &[(&str, &str)]) -> Vec<u8> {
    Packet::Oack {
        options: options
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
    }
    .encode()
}

fn decoded(transmit: &Transmit) -> Packet<'_> {
    Packet::decode(&transmit.bytes).unwrap()
}

fn plain(now: Instant) -> Receiver {
    Receiver::new(
        server(),
        "OS79XX.TXT",
        Ask::default(),
        Policy::default(),
        now,
    )
}

impl Packet<'_> {
    /// The block number of an ACK or a DATA.
    fn clone_owned_block(&self) -> u16 {
        match self {
            Packet::Ack { block } | Packet::Data { block, .. } => *block,
            other => panic!("not a block: {other:?}"),
        }
    }
}

mod receiver;
mod sender;
