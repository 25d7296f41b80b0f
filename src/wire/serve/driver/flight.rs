//! One transfer, with its own non-blocking socket bound to the address the phone asked and
//! connected to the phone, driving a [`Sender`] a step at a time ([`crate::wire::drive`]'s
//! `pump` and `receive`, the client's steps too) as its datagrams and deadlines come (on one of [`crate::wire::serve::driver`]'s `pool`
//! threads); and the flags it shares with the listening thread: whether the client has answered,
//! whether the file's last block is out, and whether the listening thread ends it to make room.
//!
//! May use: [`crate::wire::drive`], [`crate::wire::transfer`], [`crate::wire::packet`],
//! [`crate::wire::serve`]'s `registry` (a transfer's [`Tag`]).

use std::fs::File;
use std::io::{self, BufReader, Cursor};
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender as Channel;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::wire::drive::{pump, receive, Hooks, Io};
use crate::wire::packet::{code, Request};
use crate::wire::serve::registry::Tag;
use crate::wire::transfer::{Event as TransferEvent, Failure, Policy, SendConfig, Sender, Source};

/// How serve's transfers wait for a phone.
pub const POLICY: Policy = Policy {
    timeout: Duration::from_secs(1),
    retries: 5,
};

/// What a sender receives: ACKs and ERRORs, never longer than this.
pub const RECEIVE_BUFFER: usize = 1024;

/// The longest a transfer goes without its turn (the stop and evict flags looked at).
pub const TURN: Duration = Duration::from_millis(250);

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
}

/// One transfer as it runs.
pub struct Live {
    socket: UdpSocket,
    sender: Sender<Body>,
    sending: Sending,
    /// The loop was told to stop (a hook's error): the transfer is over.
    broken: Option<io::Error>,
}

impl Live {
    /// Starts a transfer: its first datagram is sent by the first [`Live::pump`].
    pub fn begin(start: Start) -> Live {
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
        let broken = socket.set_nonblocking(true).err();
        let sender = Sender::new(peer, &request, body, config, Instant::now());
        // A one-block file's only block is its last, queued already: ending before it is sent.
        shared.ending.store(sender.sent_last(), Ordering::Release);
        Live {
            socket,
            sender,
            sending: Sending {
                tag,
                reports,
                stop,
                shared,
                last_progress: Instant::now(),
                outcome: None,
            },
            broken,
        }
    }

    /// The socket, to wait on.
    pub fn socket(&self) -> &UdpSocket {
        &self.socket
    }

    /// Does what is due now; the deadline until which it waits for the phone (at most a
    /// [`TURN`] away), or `None` once it is over (then [`Live::end`] it).
    pub fn pump(&mut self, now: Instant) -> Option<Instant> {
        if self.broken.is_some() {
            return None;
        }
        match pump(&self.socket, true, &mut self.sender, &mut self.sending) {
            Ok(Some(deadline)) => Some(deadline.min(now + TURN)),
            Ok(None) => None,
            Err(error) => {
                self.broken = Some(error);
                None
            }
        }
    }

    /// Takes in the datagram waiting on the socket, if any (it does not block): one a call, as
    /// another would most often find none (a system call for nothing); epoll reports the socket
    /// again while one is left.
    pub fn receive(&mut self, buf: &mut [u8]) {
        if self.broken.is_some() || self.sender.is_finished() {
            return;
        }
        let mut connected = true;
        let received = receive(
            &self.socket,
            &mut connected,
            &mut self.sender,
            &mut self.sending,
            buf,
        );
        if let Err(error) = received {
            self.broken = Some(error);
        }
    }

    /// Ends the transfer: the file, the socket and the buffers go, then its end is told.
    pub fn end(self) {
        let Live {
            socket,
            sender,
            sending,
            broken,
        } = self;
        drop(sender);
        drop(socket);
        let outcome = match (sending.outcome, broken) {
            (Some(outcome), _) => outcome,
            (None, Some(error)) => Err(Failure::Local {
                why: format!("the transfer socket failed: {error}"),
            }),
            (None, None) => Err(Failure::Local {
                why: "the transfer ended without a result".into(),
            }),
        };
        let _ = sending.reports.send(Report::Finished {
            tag: sending.tag,
            outcome,
        });
    }
}
