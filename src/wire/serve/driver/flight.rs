//! One transfer on its own thread, with its own socket bound to the address the phone asked and
//! connected to the phone, driving a [`Sender`] through the shared loop
//! ([`crate::wire::drive`]); and the flags it shares with the listening thread: whether the client
//! has answered, whether the file's last block is out, and whether the listening thread ends it
//! to make room.
//!
//! May use: [`crate::wire::drive`], [`crate::wire::transfer`], [`crate::wire::packet`],
//! [`crate::wire::serve`]'s `registry` (a transfer's [`Tag`]).

use std::fs::File;
use std::io::{self, BufReader, Cursor};
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender as Channel;
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::wire::drive::{drive, Hooks, Io};
use crate::wire::packet::{code, Request};
use crate::wire::serve::registry::Tag;
use crate::wire::transfer::{Event as TransferEvent, Failure, Policy, SendConfig, Sender, Source};

/// How serve's transfers wait for a phone.
pub const POLICY: Policy = Policy {
    timeout: Duration::from_secs(1),
    retries: 5,
};

/// A transfer thread's stack: the drive loop needs little (its buffers are on the heap).
const STACK: usize = 256 << 10;

/// What a sender receives: ACKs and ERRORs, never longer than this.
const RECEIVE_BUFFER: usize = 1024;

/// How much of a file a transfer reads at once: as stdio does (tftpd-hpa), one read for eight
/// blocks of 512 bytes; a larger block is read directly.
pub const READ_AHEAD: usize = 4096;

/// What a transfer reads from.
pub enum Body {
    File(BufReader<File>),
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

/// What a transfer's thread and the listening thread share.
#[derive(Debug, Default)]
pub struct Shared {
    /// Set by the listening thread: end the transfer (to make room for another).
    pub evict: AtomicBool,
    /// Set by the transfer: the client has sent something back.
    pub answered: AtomicBool,
    /// Set by the transfer: the file's last block is out, so the client may ask for its next
    /// file as soon as it acknowledges it.
    pub ending: AtomicBool,
}

/// Everything a transfer thread needs.
pub struct Start {
    pub socket: UdpSocket,
    pub peer: SocketAddr,
    pub request: Request,
    pub body: Body,
    pub tag: Tag,
    pub config: SendConfig,
    pub reports: Channel<Report>,
    pub stop: Arc<AtomicBool>,
    pub shared: Arc<Shared>,
}

/// One transfer as it runs: its progress, reported at most five times a second, and its end.
struct Sending {
    tag: Tag,
    reports: Channel<Report>,
    stop: Arc<AtomicBool>,
    shared: Arc<Shared>,
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
        // The socket is connected: only the phone's datagrams arrive.
        self.shared.answered.store(true, Ordering::Relaxed);
        sender.handle_datagram(now, from, bytes);
        // Before the block it queued goes out: once the phone has it, its next request may
        // come at once, and must find this transfer ending.
        self.shared
            .ending
            .store(sender.sent_last(), Ordering::Release);
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
        } else if self.shared.evict.load(Ordering::Relaxed) {
            sender.abort(
                code::NOT_DEFINED,
                "Server busy: the transfer was never acknowledged",
            );
        }
        self.shared
            .ending
            .store(sender.sent_last(), Ordering::Release);
    }

    fn max_wait(&self) -> Option<Duration> {
        Some(Duration::from_millis(250))
    }

    fn receive_buffer(&self) -> usize {
        RECEIVE_BUFFER
    }
}

/// Starts a transfer on its own thread.
pub fn spawn(start: Start) -> io::Result<JoinHandle<()>> {
    thread::Builder::new()
        .name("phoneup-transfer".into())
        .stack_size(STACK)
        .spawn(move || transfer(start))
}

/// Runs one transfer to its end.
fn transfer(start: Start) {
    let Start {
        socket,
        peer,
        request,
        body,
        tag,
        config,
        reports,
        stop,
        shared,
    } = start;
    let mut sender = Sender::new(peer, &request, body, config, Instant::now());
    drop(request);
    // A one-block file's only block is its last, queued already: ending before it is sent.
    shared.ending.store(sender.sent_last(), Ordering::Release);
    let mut sending = Sending {
        tag,
        reports,
        stop,
        shared,
        last_progress: Instant::now(),
        outcome: None,
    };
    let ran = drive(&socket, true, &mut sender, &mut sending);
    // The file and the buffers go before the end is told.
    drop(sender);
    drop(socket);
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
