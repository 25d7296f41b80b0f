//! F1 of the LAN attack report with forged sources (issue 23), inside network namespaces the
//! test makes: serve at an open-file limit of 1 024 in one, and in the other a raw socket sending
//! 600 read requests with `timeout 255` from addresses nobody has (serve's answers go nowhere,
//! as a spoofing neighbour wants), while a client there asks for a missing file: ERROR 1 within a
//! second, throughout. Needs root and `ip` (iproute2).

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::bench::scratch;
use super::netns::{enter, ip, require_ip, up, veth, Namespaces};
use super::serve_hostile::{first_answer, root};
use super::serve_load::rrq;

const SERVER: Ipv4Addr = Ipv4Addr::new(10, 99, 0, 1);
const CLIENT: Ipv4Addr = Ipv4Addr::new(10, 99, 0, 2);

/// One IPv4 datagram carrying UDP from `from` to `to` with `payload` (checksums: the kernel
/// fills the IP header's, UDP's is optional over IPv4 and left 0).
fn datagram(from: SocketAddr, to: SocketAddr, payload: &[u8]) -> Vec<u8> {
    let (SocketAddr::V4(from), SocketAddr::V4(to)) = (from, to) else {
        unreachable!("IPv4 only")
    };
    let udp_len = 8 + payload.len();
    let total = 20 + udp_len;
    let mut bytes = vec![
        0x45,
        0,
        (total >> 8) as u8,
        total as u8,
        0,
        0,
        0x40,
        0,
        64,
        17,
        0,
        0,
    ];
    bytes.extend_from_slice(&from.ip().octets());
    bytes.extend_from_slice(&to.ip().octets());
    bytes.extend_from_slice(&from.port().to_be_bytes());
    bytes.extend_from_slice(&to.port().to_be_bytes());
    bytes.extend_from_slice(&(udp_len as u16).to_be_bytes());
    bytes.extend_from_slice(&[0, 0]);
    bytes.extend_from_slice(payload);
    bytes
}

/// Sends `count` read requests with `timeout 255` to `server` from forged addresses of
/// 10.99.1.0-10.99.3.255 (nobody's), 200 a second, from a raw socket in namespace `ns`.
fn spoofed_flood(ns: &str, server: SocketAddr, count: u32) {
    enter(ns);
    // SAFETY: plain socket(2); the descriptor is closed below.
    let raw = unsafe { libc::socket(libc::AF_INET, libc::SOCK_RAW, libc::IPPROTO_RAW) };
    assert!(raw >= 0, "raw socket: {}", std::io::Error::last_os_error());
    let SocketAddr::V4(to) = server else {
        unreachable!()
    };
    let address = libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: 0,
        sin_addr: libc::in_addr {
            s_addr: u32::from_ne_bytes(to.ip().octets()),
        },
        sin_zero: [0; 8],
    };
    let request = rrq("big.bin", &[("timeout", "255")]);
    for n in 0..count {
        let from = SocketAddr::from(([10, 99, 1 + (n / 250) as u8, (n % 250 + 1) as u8], 40_000));
        let bytes = datagram(from, server, &request);
        // SAFETY: a valid buffer and address of the right length.
        let sent = unsafe {
            libc::sendto(
                raw,
                bytes.as_ptr().cast(),
                bytes.len(),
                0,
                (&address as *const libc::sockaddr_in).cast(),
                std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
            )
        };
        assert_eq!(
            sent,
            bytes.len() as isize,
            "{}",
            std::io::Error::last_os_error()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    // SAFETY: our own descriptor.
    unsafe { libc::close(raw) };
}

/// Asks for a missing file from [`CLIENT`] in namespace `ns` every 200 ms until `until`: how
/// many times, and the slowest answer. Fails at the first that is not ERROR 1 within a second.
fn ask_throughout(ns: &str, server: SocketAddr, until: Instant) -> (u32, Duration) {
    enter(ns);
    let (mut rounds, mut slowest) = (0, Duration::ZERO);
    while Instant::now() < until {
        let (code, took) = first_answer(
            server,
            &CLIENT.to_string(),
            "CTLSEP0018B9ABCDEF.tlv",
            Duration::from_secs(1),
        )
        .unwrap_or_else(|| panic!("round {rounds}: no answer within 1 s to a missing file"));
        assert_eq!(code, Some(1), "round {rounds}: ERROR 1 expected");
        slowest = slowest.max(took);
        rounds += 1;
        std::thread::sleep(Duration::from_millis(200));
    }
    (rounds, slowest)
}

/// Whether serve answers a missing file within 10 s, asked from namespace `ns`.
fn wait_ready(ns: &str, server: SocketAddr) -> bool {
    enter(ns);
    let until = Instant::now() + Duration::from_secs(10);
    while Instant::now() < until {
        let asked = first_answer(
            server,
            &CLIENT.to_string(),
            "missing.bin",
            Duration::from_millis(200),
        );
        if asked.is_some() {
            return true;
        }
    }
    false
}

/// serve in namespace `ns` on [`SERVER`], at an open-file limit of 1 024.
fn serve_in(ns: &str, root: &Path, dir: &Path) -> std::process::Child {
    let phoneup = assert_cmd::cargo::cargo_bin("phoneup");
    let mut command = Command::new("ip");
    command
        .args(["netns", "exec", ns])
        .arg(&phoneup)
        .args(["serve", "--tftp-root", root.to_str().unwrap()])
        .args(["--user", "root", "--to", "P0S3-08-11-00"])
        .args(["--listen", &format!("{SERVER}:69")])
        .args(["--state", dir.join("state.json").to_str().unwrap()])
        .args(["--phones", "0018B9FFFF99", "--events", "json"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // SAFETY: setrlimit is async-signal-safe; the closure touches nothing else.
    unsafe {
        use std::os::unix::process::CommandExt;
        command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 1024,
                rlim_max: 1024,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    command.spawn().expect("serve starts in the namespace")
}

#[test]
fn six_hundred_spoofed_silent_requests_in_a_namespace_leave_a_missing_file_answered() {
    require_ip();
    let tag = std::process::id() % 100_000;
    let (server_ns, client_ns) = (format!("pu-f1s-{tag}"), format!("pu-f1c-{tag}"));
    let mut guard = Namespaces::add(&[&server_ns, &client_ns]);
    let (server_if, client_if) = (format!("pf1s{tag}"), format!("pf1c{tag}"));
    veth(&server_ns, &server_if, &client_ns, &client_if);
    for (ns, dev, address) in [
        (&server_ns, &server_if, SERVER),
        (&client_ns, &client_if, CLIENT),
    ] {
        ip(&[
            "-n",
            ns,
            "addr",
            "add",
            &format!("{address}/16"),
            "dev",
            dev,
        ]);
        up(ns, dev);
    }
    let dir = scratch("hostile-f1-spoofed");
    let root = root(&dir);
    guard.child = Some(serve_in(&server_ns, &root, &dir));
    let server = SocketAddr::from((SERVER, 69));
    let pid = guard.child.as_ref().unwrap().id();
    let ready = {
        let ns = client_ns.clone();
        std::thread::spawn(move || wait_ready(&ns, server))
    };
    assert!(ready.join().unwrap(), "serve did not answer within 10 s");
    let until = Instant::now() + Duration::from_secs(8);
    let asking = {
        let ns = client_ns.clone();
        std::thread::spawn(move || ask_throughout(&ns, server, until))
    };
    let flood = {
        let ns = client_ns.clone();
        std::thread::spawn(move || spoofed_flood(&ns, server, 600))
    };
    // The forged requests reach serve and hold transfers (the test is one), never all its
    // descriptors.
    let mut most_fds = 0;
    while !asking.is_finished() {
        let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |d| d.count());
        most_fds = most_fds.max(fds);
        std::thread::sleep(Duration::from_millis(100));
    }
    let (rounds, slowest) = asking
        .join()
        .unwrap_or_else(|_| panic!("a missing file went unanswered during the spoofed flood"));
    flood.join().expect("the spoofed flood was sent");
    assert!(rounds >= 10, "{rounds} rounds");
    assert!(slowest < Duration::from_secs(1), "{slowest:?}");
    assert!(
        (200..1024).contains(&most_fds),
        "serve held {most_fds} descriptors at most"
    );
    drop(guard);
    let _ = std::fs::remove_dir_all(&dir);
}
