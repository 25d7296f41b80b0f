//! The steps that run a transfer on a UDP socket, for both sides: [`pump`] sends what the
//! [`Machine`] has to send and hands it the time when its deadline passes; [`receive`] hands it
//! a datagram that arrived; each gives every event and datagram to the caller's [`Hooks`]. The
//! client reading a file ([`crate::wire::client`]) runs them in [`drive`], which waits on its
//! one socket until the transfer is over, each wait bounded by the machine's deadline (and the
//! caller's [`Hooks::max_wait`]), so it ends within the policy's retries. serve's transfers
//! ([`crate::wire::serve::driver`]'s `flight`) call the same two steps from threads that wait on
//! many sockets at once.
//!
//! May use: [`crate::wire::transfer`], [`crate::wire::packet`].

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use crate::wire::transfer::{Event, Machine};

/// Large enough for any datagram: a longer DATA than agreed is seen whole, and refused.
const BUFFER: usize = 1 << 16;

/// Which socket call failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Io {
    Send,
    Receive,
}

/// What the caller does with a transfer as it runs.
pub trait Hooks<M: Machine> {
    /// An event of the transfer (the caller may end it: [`Machine::abort`]).
    fn event(&mut self, machine: &mut M, event: Event);

    /// A datagram from `from`, for the machine (each side takes it its own way).
    fn datagram(&mut self, machine: &mut M, now: Instant, from: SocketAddr, datagram: &[u8]);

    /// A send or a receive failed (not a receive timeout): tell the machine, and go on with
    /// `Ok`, or stop the loop with `Err`. `connected`: the socket was connected to the peer.
    fn error(
        &mut self,
        machine: &mut M,
        error: io::Error,
        during: Io,
        connected: bool,
    ) -> io::Result<()>;

    /// Called once a turn, before waiting: the caller may end the transfer here.
    fn turn(&mut self, _machine: &mut M) {}

    /// The longest [`drive`] waits for one datagram, if shorter than the machine's deadline.
    fn max_wait(&self) -> Option<Duration> {
        None
    }
}

/// Does what `machine` has to do now without waiting: gives its events to the hooks, sends its
/// datagrams, lets the hooks take their turn and handles a deadline that has passed. Returns the
/// deadline it waits until for a datagram, or `None` once the transfer is over (its last
/// datagrams sent). `Err` only when a hook says stop. serve's transfers, which share threads,
/// call it after every datagram and when their deadline comes; [`drive`] calls it in its loop.
pub fn pump<M: Machine, H: Hooks<M>>(
    socket: &UdpSocket,
    connected: bool,
    machine: &mut M,
    hooks: &mut H,
) -> io::Result<Option<Instant>> {
    loop {
        while let Some(event) = machine.poll_event() {
            hooks.event(machine, event);
        }
        while let Some(transmit) = machine.poll_transmit() {
            let sent = if connected {
                socket.send(&transmit.bytes)
            } else {
                socket.send_to(&transmit.bytes, transmit.to)
            };
            if let Err(error) = sent {
                hooks.error(machine, error, Io::Send, connected)?;
            }
        }
        if machine.is_finished() {
            while let Some(event) = machine.poll_event() {
                hooks.event(machine, event);
            }
            // A last ERROR or ACK, queued as it ended.
            while let Some(transmit) = machine.poll_transmit() {
                let _ = match connected {
                    true => socket.send(&transmit.bytes),
                    false => socket.send_to(&transmit.bytes, transmit.to),
                };
            }
            return Ok(None);
        }
        hooks.turn(machine);
        if machine.is_finished() {
            continue;
        }
        let Some(deadline) = machine.poll_timeout() else {
            return Ok(None);
        };
        let now = Instant::now();
        if deadline <= now {
            machine.handle_timeout(now);
            continue;
        }
        return Ok(Some(deadline));
    }
}

/// Takes in one datagram from `socket`, if one comes within the socket's read timeout (none on
/// a non-blocking socket): the hooks hand it to the machine, and an unconnected socket is
/// connected to the peer once its transfer ID is known, so that an ICMP error reaches it. Nothing
/// waiting is not an error: a deadline that has passed is handled by the next [`pump`]. A
/// failed receive goes to [`Hooks::error`]; `Err` only when it says stop, or the socket cannot
/// be connected.
pub fn receive<M: Machine, H: Hooks<M>>(
    socket: &UdpSocket,
    connected: &mut bool,
    machine: &mut M,
    hooks: &mut H,
    buf: &mut [u8],
) -> io::Result<()> {
    match socket.recv_from(buf) {
        Ok((len, from)) => {
            hooks.datagram(machine, Instant::now(), from, &buf[..len]);
            if !*connected {
                if let Some(peer) = machine.peer() {
                    socket.connect(peer)?;
                    *connected = true;
                }
            }
            Ok(())
        }
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
            ) =>
        {
            Ok(())
        }
        Err(error) => hooks.error(machine, error, Io::Receive, *connected),
    }
}

/// Runs `machine` on `socket` until it is over, waiting on the socket (the client). `connected`:
/// the socket is connected to the peer already; otherwise it is connected once the peer's
/// transfer ID is known. `Err` only when a hook or the socket says stop.
pub fn drive<M: Machine, H: Hooks<M>>(
    socket: &UdpSocket,
    mut connected: bool,
    machine: &mut M,
    hooks: &mut H,
) -> io::Result<()> {
    let mut buf = vec![0u8; BUFFER];
    let mut set_wait: Option<Duration> = None;
    loop {
        let Some(deadline) = pump(socket, connected, machine, hooks)? else {
            return Ok(());
        };
        let mut wait = deadline.saturating_duration_since(Instant::now());
        if let Some(max) = hooks.max_wait() {
            wait = wait.min(max);
        }
        let wait = wait.max(Duration::from_millis(1));
        // The socket's timeout is set again only when it is off by more than a sixteenth (a
        // waker up to that late or early costs nothing: the deadline is checked again), so a
        // transfer in lock-step makes one system call less per block.
        if set_wait.is_none_or(|set: Duration| set.abs_diff(wait) > wait / 16) {
            socket.set_read_timeout(Some(wait))?;
            set_wait = Some(wait);
        }
        receive(socket, &mut connected, machine, hooks, &mut buf)?;
    }
}
