use super::*;
use std::io::Cursor;
use std::net::{SocketAddr, UdpSocket};
use std::sync::mpsc::Sender as Channel;
use std::time::Duration;

use crate::wire::packet::{code, Packet, Request};
use crate::wire::serve::driver::flight::{Body, Report, Shared, TURN};
use crate::wire::serve::driver::flights::{Flight, Flights, Full};
use crate::wire::serve::driver::limits::Limits;
use crate::wire::serve::registry::Tag;
use crate::wire::transfer::{Failure, Policy, SendConfig};

/// A policy that gives a silent client up in 0.3 s.
const QUICK: Policy = Policy {
    timeout: Duration::from_millis(100),
    retries: 2,
};
/// A policy under which no transfer of these tests gives up on its own.
const PATIENT: Policy = Policy {
    timeout: Duration::from_secs(10),
    retries: 5,
};
/// The longest any wait of these tests lasts: they fail, never hang.
const BOUND: Duration = Duration::from_secs(10);

/// A pool on loopback and what its transfers report; stopped and joined however the test ends
/// (each transfer told "the server is stopping" within a turn), waited for at most [`BOUND`].
struct Bench {
    /// Taken by [`Drop`] to join it.
    pool: Option<Pool>,
    stop: Arc<AtomicBool>,
    reports_tx: Channel<Report>,
    reports: Receiver<Report>,
}

impl Bench {
    fn new() -> Bench {
        let stop = Arc::new(AtomicBool::new(false));
        let pool = Pool::new(&stop).expect("the transfer threads start");
        let (reports_tx, reports) = mpsc::channel();
        Bench {
            pool: Some(pool),
            stop,
            reports_tx,
            reports,
        }
    }

    /// Starts sending `bytes` to `client` from a socket of its own, as serve does.
    fn start(&self, client: SocketAddr, bytes: Vec<u8>, policy: Policy) -> Arc<Shared> {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.connect(client).unwrap();
        let shared = Arc::new(Shared::default());
        let start = Start {
            socket,
            peer: client,
            request: Request::octet("file"),
            body: Body::Bytes(Cursor::new(bytes)),
            tag: Tag {
                mac: None,
                managed: false,
                file: "file".into(),
                address: client,
            },
            config: SendConfig {
                policy,
                max_blksize: u16::MAX,
                max_timeout: 10,
            },
            reports: self.reports_tx.clone(),
            stop: self.stop.clone(),
            shared: shared.clone(),
        };
        let pool = self.pool.as_ref().expect("running");
        pool.start(start).expect("a transfer thread takes it");
        shared
    }

    /// The next transfer to end, and how.
    fn finished(&self) -> (SocketAddr, Result<u64, Failure>) {
        let until = Instant::now() + BOUND;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            match self.reports.recv_timeout(left) {
                Ok(Report::Finished { tag, outcome }) => return (tag.address, outcome),
                Ok(Report::Progress { .. }) => {}
                Err(_) => panic!("no transfer ended within {BOUND:?}"),
            }
        }
    }

    /// The transfers the threads run, once they have settled to `want` (or after a while).
    fn load(&self, want: usize) -> usize {
        let until = Instant::now() + BOUND;
        loop {
            let load = (self.pool.as_ref().expect("running").workers)
                .iter()
                .map(|w| w.load.load(Ordering::Relaxed))
                .sum();
            if load == want || Instant::now() >= until {
                return load;
            }
            thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for Bench {
    /// Stops the pool; a pool that does not stop within [`BOUND`] fails the test (its threads
    /// are left to the test process's end rather than hang it).
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let Some(mut pool) = self.pool.take() else {
            return;
        };
        let (joined, waiting) = mpsc::channel();
        thread::spawn(move || {
            pool.join();
            let _ = joined.send(());
        });
        if waiting.recv_timeout(BOUND).is_err() && !thread::panicking() {
            panic!("the pool did not stop within {BOUND:?}");
        }
    }
}

/// A client socket on loopback that gives up a read after [`BOUND`].
fn client() -> UdpSocket {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(BOUND)).unwrap();
    socket
}

/// Reads a file as a TFTP client does, acknowledging each block, until a short block or an
/// ERROR (its code returned with what had arrived).
fn fetch(client: &UdpSocket) -> (Vec<u8>, Option<u16>) {
    let mut got = Vec::new();
    let mut buf = [0u8; 2048];
    loop {
        let Ok((len, from)) = client.recv_from(&mut buf) else {
            return (got, None);
        };
        match Packet::decode(&buf[..len]) {
            Ok(Packet::Data { block, data }) => {
                got.extend_from_slice(data);
                let ack = Packet::Ack { block }.encode();
                client.send_to(&ack, from).unwrap();
                if data.len() < 512 {
                    return (got, None);
                }
            }
            Ok(Packet::Error { code, .. }) => return (got, Some(code)),
            other => panic!("not a DATA or an ERROR: {other:?}"),
        }
    }
}

/// Waits until `client`'s transfer has begun: its first block has arrived (not taken).
fn began(client: &UdpSocket) {
    let mut first = [0u8; 4];
    assert!(client.peek_from(&mut first).is_ok(), "no first block");
}

/// `len` bytes that differ from one file to the next.
fn contents(n: usize, len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + n) as u8).collect()
}

#[test]
fn many_transfers_at_once_all_finish_whole() {
    const N: usize = 64;
    // Three full blocks and a short one each.
    const LEN: usize = 3 * 512 + 100;
    let bench = Bench::new();
    let clients: Vec<UdpSocket> = (0..N).map(|_| client()).collect();
    let files: Vec<Vec<u8>> = (0..N).map(|n| contents(n, LEN)).collect();
    for (client, file) in clients.iter().zip(&files) {
        bench.start(client.local_addr().unwrap(), file.clone(), PATIENT);
    }
    let got: Vec<(Vec<u8>, Option<u16>)> = thread::scope(|scope| {
        let readers: Vec<_> = clients.iter().map(|c| scope.spawn(|| fetch(c))).collect();
        readers.into_iter().map(|r| r.join().unwrap()).collect()
    });
    for (n, (bytes, error)) in got.iter().enumerate() {
        assert_eq!(*error, None, "transfer {n}");
        assert!(*bytes == files[n], "transfer {n}: {} bytes", bytes.len());
    }
    let mut ended: Vec<SocketAddr> = Vec::new();
    for _ in 0..N {
        let (address, outcome) = bench.finished();
        assert_eq!(outcome, Ok(LEN as u64), "{address}");
        ended.push(address);
    }
    ended.sort();
    let mut started: Vec<SocketAddr> = clients.iter().map(|c| c.local_addr().unwrap()).collect();
    started.sort();
    assert_eq!(ended, started, "each transfer ended once");
    assert_eq!(bench.load(0), 0, "no transfer is left on a thread");
    let again = bench
        .reports
        .try_iter()
        .filter(|r| matches!(r, Report::Finished { .. }))
        .count();
    assert_eq!(again, 0, "no transfer ends twice");
}

#[test]
fn a_transfer_whose_client_vanishes_is_dropped_at_its_deadline() {
    let bench = Bench::new();
    // Silent: its socket is open, it never answers (spoofed, or gone from the LAN).
    let silent = client();
    let began = Instant::now();
    bench.start(silent.local_addr().unwrap(), contents(0, 2000), QUICK);
    let (_, outcome) = bench.finished();
    let took = began.elapsed();
    assert!(
        matches!(outcome, Err(Failure::Timeout { sends: 3, .. })),
        "{outcome:?}"
    );
    let deadline = QUICK.give_up_after();
    assert!(
        took >= deadline && took < deadline + TURN + Duration::from_secs(2),
        "ended after {took:?}, its deadline {deadline:?}"
    );
    // It was sent the first block three times (1 + retries), then nothing.
    silent.set_nonblocking(true).unwrap();
    let mut buf = [0u8; 2048];
    let mut blocks = Vec::new();
    while let Ok((len, _)) = silent.recv_from(&mut buf) {
        blocks.push(
            Packet::decode(&buf[..len])
                .map(|p| format!("{p:?}"))
                .unwrap(),
        );
    }
    assert_eq!(blocks.len(), 3, "{blocks:?}");
    assert_eq!(bench.load(0), 0);

    // Gone: its port is closed, which the network says at once; ended long before its
    // deadline.
    let gone = client().local_addr().unwrap();
    let began = Instant::now();
    bench.start(gone, contents(1, 2000), PATIENT);
    let (_, outcome) = bench.finished();
    assert!(
        matches!(outcome, Err(Failure::Unreachable { .. })),
        "{outcome:?}"
    );
    assert!(began.elapsed() < PATIENT.timeout, "{:?}", began.elapsed());
    assert_eq!(bench.load(0), 0);
}

#[test]
fn at_the_cap_the_oldest_silent_transfer_ends_to_make_room() {
    const CAP: usize = 4;
    let bench = Bench::new();
    let mut flights = Flights::new(Limits {
        total: CAP,
        per_address: 64,
    });
    let t0 = Instant::now();
    let clients: Vec<UdpSocket> = (0..=CAP).map(|_| client()).collect();
    for (n, client) in clients.iter().take(CAP).enumerate() {
        let peer = client.local_addr().unwrap();
        let started = t0 + Duration::from_millis(10 * n as u64);
        assert_eq!(flights.room(peer.ip(), started), Ok(()));
        let shared = bench.start(peer, contents(n, 2000), PATIENT);
        let flight = Flight {
            started,
            shared,
            large: false,
            managed: false,
        };
        flights.insert(peer, flight);
    }
    clients.iter().take(CAP).for_each(began);
    assert_eq!(bench.load(CAP), CAP);
    let fifth = clients[CAP].local_addr().unwrap();
    // Nobody has been silent for a second: no room, nothing ended.
    let early = t0 + Duration::from_millis(500);
    assert_eq!(flights.room(fifth.ip(), early), Err(Full::Total(CAP)));
    // Later (the time is an argument): the oldest is asked to end, and its thread ends it
    // within a turn, telling its client the server is busy.
    let later = t0 + Duration::from_secs(2);
    let asked = Instant::now();
    assert_eq!(flights.room(fifth.ip(), later), Ok(()));
    let (ended, outcome) = bench.finished();
    assert!(asked.elapsed() < TURN + Duration::from_secs(2));
    let oldest = clients[0].local_addr().unwrap();
    assert_eq!(ended, oldest);
    assert!(
        matches!(&outcome, Err(Failure::Aborted { why }) if why.starts_with("Server busy")),
        "{outcome:?}"
    );
    let (_, error) = fetch(&clients[0]);
    assert_eq!(error, Some(code::NOT_DEFINED));
    assert!(flights.remove(oldest));
    assert_eq!(bench.load(CAP - 1), CAP - 1, "the others run on");
    let shared = bench.start(fifth, contents(CAP, 2000), PATIENT);
    let flight = Flight {
        started: later,
        shared,
        large: false,
        managed: false,
    };
    flights.insert(fifth, flight);
    assert_eq!(
        bench.load(CAP),
        CAP,
        "the one started in the freed place runs beside them"
    );
    // The one that came last is served whole.
    let (bytes, error) = fetch(&clients[CAP]);
    assert_eq!((bytes, error), (contents(CAP, 2000), None));
}

#[test]
fn stopping_ends_every_transfer_and_tells_its_client() {
    let bench = Bench::new();
    let clients: Vec<UdpSocket> = (0..8).map(|_| client()).collect();
    for (n, client) in clients.iter().enumerate() {
        bench.start(client.local_addr().unwrap(), contents(n, 2000), PATIENT);
    }
    // Each has begun: its first block is out.
    clients.iter().for_each(began);
    assert_eq!(bench.load(clients.len()), clients.len());
    bench.stop.store(true, Ordering::Relaxed);
    for _ in &clients {
        let (address, outcome) = bench.finished();
        assert!(
            matches!(&outcome, Err(Failure::Aborted { why }) if why == "the server is stopping"),
            "{address}: {outcome:?}"
        );
    }
    for client in &clients {
        assert_eq!(fetch(client).1, Some(code::NOT_DEFINED));
    }
    // Its threads end: the bench's drop joins them, bounded.
}
