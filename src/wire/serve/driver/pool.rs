//! The threads serve's transfers run on: a few (one per processor, at most [`MAX_THREADS`]),
//! each running many transfers on non-blocking sockets and waiting on all of them at once
//! (`epoll`). A block costs the phone's ACK read and the next DATA sent; a thread busy with
//! other transfers takes an ACK without being woken, and no thread is started per transfer.
//! The listening thread hands each new transfer to the thread with the fewest.
//!
//! May use: [`crate::wire::serve::driver`]'s `flight`; `libc` (`epoll`, `eventfd`).

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender as Channel, TryRecvError};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Instant;

use crate::wire::serve::driver::flight::{Live, Start, RECEIVE_BUFFER, TURN};

/// The most threads transfers run on, whatever the number of processors.
pub const MAX_THREADS: usize = 4;
/// A transfer thread's stack: its loop needs little (its buffers are on the heap).
const STACK: usize = 256 << 10;
/// The epoll token of a thread's wake-up (a new transfer); others are slots.
const WAKE: u64 = u64::MAX;
/// Ready sockets taken from epoll at once.
const EVENTS: usize = 64;

/// The transfer threads.
pub struct Pool {
    workers: Vec<Worker>,
}

/// One thread, as the listening thread sees it.
struct Worker {
    starts: Channel<Start>,
    wake: Arc<OwnedFd>,
    /// Its transfers, started and not yet ended.
    load: Arc<AtomicUsize>,
    thread: Option<JoinHandle<()>>,
}

impl Pool {
    /// Starts one thread per processor (at most [`MAX_THREADS`]); they end once `stop` is set
    /// and their transfers have ended.
    pub fn new(stop: &Arc<AtomicBool>) -> io::Result<Pool> {
        let threads = thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, MAX_THREADS);
        let mut workers = Vec::with_capacity(threads);
        for _ in 0..threads {
            workers.push(Worker::start(stop.clone())?);
        }
        Ok(Pool { workers })
    }

    /// Hands a transfer to the thread with the fewest; `Err` if that thread is gone.
    pub fn start(&self, start: Start) -> io::Result<()> {
        let worker = self
            .workers
            .iter()
            .min_by_key(|w| w.load.load(Ordering::Relaxed))
            .ok_or_else(|| io::Error::other("no transfer thread"))?;
        worker.load.fetch_add(1, Ordering::Relaxed);
        if worker.starts.send(start).is_err() {
            worker.load.fetch_sub(1, Ordering::Relaxed);
            return Err(io::Error::other("the transfer thread has ended"));
        }
        wake(&worker.wake);
        Ok(())
    }

    /// Waits for every thread to end (`stop` must be set): each transfer is ended and told.
    pub fn join(&mut self) {
        for worker in &mut self.workers {
            wake(&worker.wake);
            if let Some(thread) = worker.thread.take() {
                let _ = thread.join();
            }
        }
    }
}

impl Worker {
    fn start(stop: Arc<AtomicBool>) -> io::Result<Worker> {
        // SAFETY: no pointers; a new descriptor or -1.
        let epoll = cvt(unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) })?;
        // SAFETY: a descriptor just returned, owned by nothing else.
        let epoll = unsafe { OwnedFd::from_raw_fd(epoll) };
        // SAFETY: as above.
        let wake = cvt(unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) })?;
        // SAFETY: as above.
        let wake = Arc::new(unsafe { OwnedFd::from_raw_fd(wake) });
        watch(&epoll, wake.as_raw_fd(), WAKE)?;
        let (starts, taken) = mpsc::channel();
        let load = Arc::new(AtomicUsize::new(0));
        let thread = {
            let (wake, load) = (wake.clone(), load.clone());
            thread::Builder::new()
                .name("phoneup-transfer".into())
                .stack_size(STACK)
                .spawn(move || run(&epoll, &wake, &taken, &load, &stop))?
        };
        Ok(Worker {
            starts,
            wake,
            load,
            thread: Some(thread),
        })
    }
}

/// One thread's loop: new transfers, ready sockets, deadlines, until stopped and empty.
fn run(
    epoll: &OwnedFd,
    wake: &OwnedFd,
    starts: &Receiver<Start>,
    load: &AtomicUsize,
    stop: &AtomicBool,
) {
    let mut slots: Vec<Option<Live>> = Vec::new();
    let mut free: Vec<usize> = Vec::new();
    let mut buf = vec![0u8; RECEIVE_BUFFER];
    let mut ready = vec![libc::epoll_event { events: 0, u64: 0 }; EVENTS];
    // When every transfer is next looked at: the earliest deadline, or a turn away.
    let mut next_scan = Instant::now();
    let end = |live: Live| {
        live.end();
        load.fetch_sub(1, Ordering::Relaxed);
    };
    loop {
        let mut open = true;
        loop {
            match starts.try_recv() {
                Ok(start) => {
                    let mut live = Live::begin(start);
                    let slot = free.pop().unwrap_or_else(|| {
                        slots.push(None);
                        slots.len() - 1
                    });
                    let watched = watch(epoll, live.socket().as_raw_fd(), slot as u64);
                    match live.pump(Instant::now()) {
                        Some(deadline) if watched.is_ok() => {
                            next_scan = next_scan.min(deadline);
                            slots[slot] = Some(live);
                        }
                        _ => {
                            end(live);
                            free.push(slot);
                        }
                    }
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    open = false;
                    break;
                }
            }
        }
        let now = Instant::now();
        if now >= next_scan {
            next_scan = now + TURN;
            for (slot, entry) in slots.iter_mut().enumerate() {
                let Some(live) = entry else { continue };
                match live.pump(now) {
                    Some(deadline) => next_scan = next_scan.min(deadline),
                    None => {
                        end(entry.take().expect("a live transfer"));
                        free.push(slot);
                    }
                }
            }
        }
        if free.len() == slots.len() && (!open || stop.load(Ordering::Relaxed)) {
            return;
        }
        let wait = next_scan.saturating_duration_since(Instant::now());
        // Rounded up: a deadline is never waited for by spinning.
        let wait_ms = wait.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32;
        // SAFETY: the buffer holds `ready.len()` events.
        let n = unsafe {
            libc::epoll_wait(
                epoll.as_raw_fd(),
                ready.as_mut_ptr(),
                ready.len() as libc::c_int,
                wait_ms,
            )
        };
        for event in ready.iter().take(usize::try_from(n).unwrap_or(0)) {
            let token = event.u64;
            if token == WAKE {
                drain(wake);
                continue;
            }
            let slot = token as usize;
            let Some(Some(live)) = slots.get_mut(slot) else {
                continue;
            };
            live.receive(&mut buf);
            match live.pump(Instant::now()) {
                Some(deadline) => next_scan = next_scan.min(deadline),
                None => {
                    end(slots[slot].take().expect("a live transfer"));
                    free.push(slot);
                }
            }
        }
    }
}

/// Adds `fd` to `epoll`, readable events reported with `token`.
fn watch(epoll: &OwnedFd, fd: RawFd, token: u64) -> io::Result<()> {
    let mut event = libc::epoll_event {
        events: libc::EPOLLIN as u32,
        u64: token,
    };
    // SAFETY: valid descriptors and event.
    cvt(unsafe { libc::epoll_ctl(epoll.as_raw_fd(), libc::EPOLL_CTL_ADD, fd, &mut event) })
        .map(|_| ())
}

/// Wakes the thread waiting on `wake`.
fn wake(wake: &OwnedFd) {
    let one: u64 = 1;
    // SAFETY: writes 8 bytes from a valid u64 to an eventfd.
    unsafe {
        libc::write(
            wake.as_raw_fd(),
            &one as *const u64 as *const libc::c_void,
            8,
        );
    }
}

/// Takes the wake-ups in, so that the eventfd is no longer readable.
fn drain(wake: &OwnedFd) {
    let mut count: u64 = 0;
    // SAFETY: reads 8 bytes into a valid u64 from a non-blocking eventfd.
    unsafe {
        libc::read(
            wake.as_raw_fd(),
            &mut count as *mut u64 as *mut libc::c_void,
            8,
        );
    }
}

fn cvt(rc: libc::c_int) -> io::Result<libc::c_int> {
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(rc)
    }
}

#[cfg(test)]
#[path = "pool_tests.rs"]
mod tests;
