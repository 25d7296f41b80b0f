//! The hostile loads of the LAN attack report that serve's tests and its benchmark both make
//! (`benches/serve.rs` includes this file): requests as bytes, a flood of transfers at the
//! largest block, a flood of requests nobody's answers are read for, and a process's memory
//! from `/proc`.
#![allow(dead_code)]

use std::net::{SocketAddr, UdpSocket};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// `phoneup serve` (the binary at `phoneup`) for `root` on `address`, its state in `state`,
/// with `args`.
pub fn serve_command(
    phoneup: &Path,
    root: &Path,
    address: &str,
    state: &Path,
    args: &[&str],
) -> Command {
    let mut command = Command::new(phoneup);
    command
        .args(["serve", "--tftp-root", root.to_str().unwrap()])
        // What these loads measure is the server, not the user it runs as (serve_privilege
        // tests the drop to nobody), and their scratch folders are root's own.
        .args(["--user", "root"])
        .args(["--to", "P0S3-08-11-00", "--listen", address])
        .args(["--state", state.to_str().unwrap()])
        .args(args)
        .stdin(Stdio::null());
    command
}

/// A read request for `name` with `options`, as bytes.
pub fn rrq(name: &str, options: &[(&str, &str)]) -> Vec<u8> {
    let mut bytes = vec![0, 1];
    for part in [name, "octet"]
        .into_iter()
        .chain(options.iter().flat_map(|(n, v)| [*n, *v]))
    {
        bytes.extend_from_slice(part.as_bytes());
        bytes.push(0);
    }
    bytes
}

/// A field of `/proc/PID/status` in KiB (`VmHWM:`, `VmRSS:`); 0 when unreadable.
pub fn status_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0)
}

/// Raises this process's own open-file limit to its hard one (for its hundreds of sockets);
/// the limit now.
pub fn raise_own_limit() -> u64 {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: valid pointers to rlimit structs.
    unsafe {
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
        limit.rlim_cur = limit.rlim_max;
        libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
    }
    limit.rlim_cur
}

/// F8: `count` requests for `name` at blksize 65464 from as many addresses (127.1.x.y), each
/// OACK acknowledged for three seconds, then silence. The sockets (kept open, so that no ICMP
/// error ends the transfers) and how many OACKs were acknowledged.
pub fn large_block_load(server: SocketAddr, name: &str, count: u32) -> (Vec<UdpSocket>, usize) {
    let mut sockets = Vec::new();
    for n in 0..count {
        let socket = UdpSocket::bind(format!("127.1.{}.{}:0", n / 250, n % 250 + 1)).unwrap();
        socket.set_nonblocking(true).unwrap();
        let _ = socket.send_to(&rrq(name, &[("blksize", "65464")]), server);
        sockets.push(socket);
        if n % 100 == 99 {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    let mut buf = vec![0u8; 70_000];
    let mut acknowledged = 0;
    let until = Instant::now() + Duration::from_secs(3);
    while Instant::now() < until {
        for socket in &sockets {
            if let Ok((len, from)) = socket.recv_from(&mut buf) {
                // An OACK (opcode 6).
                if len > 2 && buf[..2] == [0, 6] {
                    let _ = socket.send_to(&[0, 4, 0, 0], from);
                    acknowledged += 1;
                }
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    (sockets, acknowledged)
}

/// F6: `count` requests for a missing file from `from`, 4 000 a second, the answers read and
/// thrown away.
pub fn missing_file_load(server: SocketAddr, from: &str, count: u32) {
    let socket = UdpSocket::bind((from, 0)).unwrap();
    socket.set_nonblocking(true).unwrap();
    let mut buf = [0u8; 600];
    for n in 0..count {
        let _ = socket.send_to(&rrq("missing.bin", &[]), server);
        if n % 50 == 0 {
            std::thread::sleep(Duration::from_micros(12_500));
            while socket.recv_from(&mut buf).is_ok() {}
        }
    }
}
