//! TFTP on loopback for the tests, with nothing to install: a free UDP port, whether a TFTP
//! server answers yet, and a deliberately wrong server built on phoneup's own sender. Shared by
//! both test targets (`phoneup` and `system`), so each uses a part of it.
#![allow(dead_code)]

use std::io::Cursor;
use std::net::{SocketAddr, UdpSocket};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use phoneup::wire::client::{Client, Outcome, Want};
use phoneup::wire::packet::{self, Packet};
use phoneup::wire::transfer::{Ask, Policy, SendConfig, Sender};

/// A UDP port free on 127.0.0.1 (or ::1) now, for a server to bind next. It is drawn at random
/// from below the kernel's ephemeral range (`ip_local_port_range`), where the ports that clients
/// bind to port 0 come from, so no client of another test can take it before the server binds
/// it; and it is never handed out twice in one run.
pub fn free_port(ip: &str) -> u16 {
    use std::hash::{BuildHasher, Hasher};
    static GIVEN: Mutex<Vec<u16>> = Mutex::new(Vec::new());
    let ephemeral_low = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|range| range.split_whitespace().next()?.parse::<u16>().ok())
        .unwrap_or(32768);
    let low = ephemeral_low.saturating_sub(12_000).max(1024);
    let span = u64::from(ephemeral_low.saturating_sub(low).max(1));
    let mut given = GIVEN.lock().unwrap();
    for _ in 0..1000 {
        let random = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        let port = low + (random % span) as u16;
        if !given.contains(&port) && UdpSocket::bind((ip, port)).is_ok() {
            given.push(port);
            return port;
        }
    }
    panic!("no free UDP port on {ip} between {low} and {ephemeral_low}")
}

/// Whether a TFTP server answers on `address` within 100 ms (any answer to a read request; not
/// silence, nor the ICMP "port unreachable" of a port nothing listens on yet).
pub fn answers(address: SocketAddr) -> bool {
    let client = Client {
        server: address,
        bind: None,
        policy: Policy {
            timeout: Duration::from_millis(100),
            retries: 0,
        },
        deadline: phoneup::wire::client::FILE_DEADLINE,
    };
    let fetch = client
        .read("phoneup-readiness-probe", Ask::default(), Want::Whole)
        .unwrap();
    !matches!(
        fetch.outcome,
        Outcome::Failed(phoneup::wire::transfer::Failure::Timeout { .. })
            | Outcome::PortClosed { .. }
    )
}

/// How the wrong server answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wrong {
    /// A missing file gets this error code (2, Access violation, like the servers of seeds
    /// 000-002); existing files are served correctly.
    MissingAnswered(u16),
    /// Nothing is ever answered: a blocked data port or no server (TCG-7960).
    Silent,
    /// Existing files get DATA 1 once and nothing after; missing files get ERROR 1.
    StopsAfterFirstBlock,
    /// Names are matched without regard to case, as on a Windows server.
    FoldsCase,
    /// A missing file whose name starts with this gets this error code; other missing files get
    /// ERROR 1 (a server that answers one kind of name wrongly, such as a 79x1's ITL files).
    MissingStartingWith(&'static str, u16),
}

/// A deliberately wrong TFTP server on 127.0.0.1, serving `root` with phoneup's own sender;
/// stopped when dropped.
pub struct WrongServer {
    pub address: SocketAddr,
    /// Every read request's source address and file name, in order.
    pub requests: Arc<Mutex<Vec<(SocketAddr, String)>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl WrongServer {
    pub fn start(root: &Path, behaviour: Wrong) -> WrongServer {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket
            .set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        let address = socket.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let root = root.to_path_buf();
        let flag = stop.clone();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = requests.clone();
        let thread = thread::spawn(move || {
            let mut buf = vec![0u8; 65536];
            while !flag.load(Ordering::Relaxed) {
                let Ok((len, client)) = socket.recv_from(&mut buf) else {
                    continue;
                };
                let Ok(Packet::Rrq(request)) = Packet::decode(&buf[..len]) else {
                    continue;
                };
                log.lock().unwrap().push((client, request.filename.clone()));
                if behaviour == Wrong::Silent {
                    continue;
                }
                let mut path = root.join(&request.filename);
                if behaviour == Wrong::FoldsCase {
                    for entry in std::fs::read_dir(&root).unwrap().flatten() {
                        if entry
                            .file_name()
                            .to_string_lossy()
                            .eq_ignore_ascii_case(&request.filename)
                        {
                            path = entry.path();
                        }
                    }
                }
                let transfer = UdpSocket::bind("127.0.0.1:0").unwrap();
                match std::fs::read(&path) {
                    Ok(bytes) if !request.filename.contains('/') => {
                        serve(&transfer, client, &request, bytes, behaviour, &flag)
                    }
                    _ => {
                        let code = match behaviour {
                            Wrong::MissingAnswered(code) => code,
                            Wrong::MissingStartingWith(prefix, code)
                                if request.filename.starts_with(prefix) =>
                            {
                                code
                            }
                            _ => packet::code::FILE_NOT_FOUND,
                        };
                        let message = packet::code_name(code);
                        let _ = transfer.send_to(&packet::error(code, message), client);
                    }
                }
            }
        });
        WrongServer {
            address,
            requests,
            stop,
            thread: Some(thread),
        }
    }

    pub fn server(&self) -> String {
        self.address.to_string()
    }
}

/// Sends one file with phoneup's [`Sender`] over a real socket, at most 10 seconds.
fn serve(
    socket: &UdpSocket,
    client: SocketAddr,
    request: &packet::Request,
    bytes: Vec<u8>,
    behaviour: Wrong,
    stop: &AtomicBool,
) {
    let policy = Policy {
        timeout: Duration::from_millis(300),
        retries: 3,
    };
    let config = SendConfig {
        policy,
        ..SendConfig::default()
    };
    let mut sender = Sender::new(client, request, Cursor::new(bytes), config, Instant::now());
    let until = Instant::now() + Duration::from_secs(10);
    let mut buf = vec![0u8; 65536];
    let mut sent_data = false;
    while !sender.is_finished() && Instant::now() < until && !stop.load(Ordering::Relaxed) {
        while let Some(transmit) = sender.poll_transmit() {
            let is_data = matches!(Packet::decode(&transmit.bytes), Ok(Packet::Data { .. }));
            if behaviour == Wrong::StopsAfterFirstBlock && is_data && sent_data {
                continue;
            }
            sent_data |= is_data;
            let _ = socket.send_to(&transmit.bytes, transmit.to);
        }
        while sender.poll_event().is_some() {}
        let Some(deadline) = sender.poll_timeout() else {
            break;
        };
        let wait = deadline.saturating_duration_since(Instant::now());
        socket
            .set_read_timeout(Some(wait.max(Duration::from_millis(1))))
            .unwrap();
        match socket.recv_from(&mut buf) {
            Ok((len, from)) => sender.handle_datagram(Instant::now(), from, &buf[..len]),
            Err(_) => sender.handle_timeout(Instant::now()),
        }
    }
    while let Some(transmit) = sender.poll_transmit() {
        let _ = socket.send_to(&transmit.bytes, transmit.to);
    }
}

impl Drop for WrongServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
