//! Real TFTP servers for the tests, on loopback only, each stopped by a guard's Drop (also when
//! a test panics): Debian's tftpd-hpa and atftpd on free high ports, dnsmasq on port 69 of a
//! network namespace of the test's own, and a deliberately wrong server written here.
//!
//! A server binary that is missing FAILS the test with the command that installs it:
//! `sudo bash .ci/install-test-servers` (tftpd-hpa is unpacked into target/tftpd-hpa, as it
//! conflicts with atftpd as a Debian package).

use std::io::Cursor;
use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use phoneup::wire::client::{Client, Outcome, Want};
use phoneup::wire::packet::{self, Packet};
use phoneup::wire::transfer::{Ask, Policy, SendConfig, Sender};

const INSTALL: &str = "sudo bash .ci/install-test-servers";

/// A server process, killed when dropped.
pub struct Guard {
    child: Child,
    pub address: SocketAddr,
    name: &'static str,
}

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Guard {
    /// `HOST:PORT` for the command line.
    pub fn server(&self) -> String {
        self.address.to_string()
    }
}

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

/// The user the servers run as: `nobody` as root (they drop to it), else the current user.
fn server_user() -> String {
    if super::support::is_root() {
        "nobody".into()
    } else {
        let out = Command::new("id").arg("-un").output().expect("id runs");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

fn require(path: &Path, package: &str) {
    assert!(
        path.exists(),
        "{} is missing: these tests need Debian's {package}.\nInstall the test servers with: {INSTALL}\n(or: apt-get install -y --no-install-recommends {package})",
        path.display()
    );
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

/// Waits until a TFTP server answers on `address`, at most 10 seconds. `Err` when it exited at
/// start, with its exit status.
fn wait_until_answering(guard: &mut Guard) -> Result<(), String> {
    let until = Instant::now() + Duration::from_secs(10);
    while Instant::now() < until {
        if let Some(status) = guard.child.try_wait().unwrap() {
            return Err(status.to_string());
        }
        if answers(guard.address) {
            return Ok(());
        }
    }
    panic!(
        "{} did not answer on {} within 10 s",
        guard.name, guard.address
    );
}

/// Starts the server `command(address)` makes on a free port of `ip`. A port found free can be
/// taken by another test before the server binds it, and the server then exits at start: it
/// is started again on another port, five times at the most.
fn spawn(name: &'static str, ip: &str, command: impl Fn(SocketAddr) -> Command) -> Guard {
    let mut exits = Vec::new();
    while exits.len() < 5 {
        let port = free_port(ip);
        let address: SocketAddr = if ip.contains(':') {
            format!("[{ip}]:{port}")
        } else {
            format!("{ip}:{port}")
        }
        .parse()
        .unwrap();
        let mut command = command(address);
        command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let child = command.spawn().unwrap_or_else(|e| {
            panic!("cannot start {name}: {e}\nInstall the test servers with: {INSTALL}")
        });
        let mut guard = Guard {
            child,
            address,
            name,
        };
        match wait_until_answering(&mut guard) {
            Ok(()) => return guard,
            Err(status) => exits.push(format!("port {port}: {status}")),
        }
    }
    panic!(
        "{name} exited at start on five free ports: {}",
        exits.join("; ")
    )
}

/// The unpacked tftpd-hpa binary.
pub fn tftpd_hpa_binary() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tftpd-hpa/usr/sbin/in.tftpd")
}

/// Debian's tftpd-hpa as Debian runs it (`--secure`), on `ip` (127.0.0.1 or ::1) and a free port.
pub fn start_tftpd_hpa(root: &Path, ip: &str) -> Guard {
    start_tftpd_hpa_with(root, ip, &["--secure"])
}

/// tftpd-hpa with `options` instead of `--secure` (none: paths are taken as absolute, and a
/// missing file gets error 2 "Only absolute filenames allowed").
pub fn start_tftpd_hpa_with(root: &Path, ip: &str, options: &[&str]) -> Guard {
    let binary = tftpd_hpa_binary();
    require(&binary, "tftpd-hpa");
    spawn("tftpd-hpa", ip, |address| {
        let mut command = Command::new(&binary);
        command
            .arg("-L")
            .args(options)
            .args(["-u", &server_user(), "-a"])
            .arg(address.to_string())
            .arg(root);
        command
    })
}

/// Debian's atftpd in the foreground, multicast off, on 127.0.0.1 and a free port.
pub fn start_atftpd(root: &Path) -> Guard {
    require(Path::new("/usr/sbin/atftpd"), "atftpd");
    let user = server_user();
    let group = if user == "nobody" {
        "nogroup".to_string()
    } else {
        user.clone()
    };
    spawn("atftpd", "127.0.0.1", |address| {
        let mut command = Command::new("/usr/sbin/atftpd");
        command
            .args([
                "--daemon",
                "--no-fork",
                "--no-multicast",
                "--bind-address",
                "127.0.0.1",
            ])
            .args([
                "--port",
                &address.port().to_string(),
                "--user",
                &user,
                "--group",
                &group,
            ])
            .arg(root);
        command
    })
}

/// Runs `phoneup ARGS...` (with `{SERVER}` standing for dnsmasq's address) inside a network
/// namespace of its own, with Debian's dnsmasq serving `root` on that namespace's port 69.
/// Everything the namespace holds ends with the command (at most 120 s).
pub fn in_netns_with_dnsmasq(root: &Path, args: &[&str]) -> Output {
    require(Path::new("/usr/sbin/dnsmasq"), "dnsmasq-base");
    for tool in ["/usr/bin/unshare", "/usr/bin/timeout"] {
        require(Path::new(tool), "util-linux");
    }
    require(Path::new("/usr/sbin/ip"), "iproute2");
    let phoneup = assert_cmd::cargo::cargo_bin("phoneup");
    let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let command: Vec<String> = std::iter::once(quote(phoneup.to_str().unwrap()))
        .chain(
            args.iter()
                .map(|a| quote(&a.replace("{SERVER}", "127.0.0.1"))),
        )
        .collect();
    let user = server_user();
    let group = if user == "nobody" {
        "nogroup".to_string()
    } else {
        user.clone()
    };
    let script = format!(
        "set -u
ip link set lo up
dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 --enable-tftp --tftp-root={root} \
  --listen-address=127.0.0.1 --bind-interfaces --user={user} --group={group} --pid-file={pid} 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT INT TERM
i=0
until ss -Hlun 'sport = :69' | grep -q .; do
  i=$((i+1)); [ $i -gt 200 ] && {{ echo 'dnsmasq did not listen on port 69 within 10 s' >&2; exit 99; }}
  kill -0 $pid 2>/dev/null || {{ echo 'dnsmasq exited at start' >&2; exit 98; }}
  sleep 0.05
done
{command}",
        root = quote(root.to_str().unwrap()),
        pid = quote(root.with_extension("dnsmasq.pid").to_str().unwrap()),
        command = command.join(" "),
    );
    let output = Command::new("timeout")
        .args(["120", "unshare", "--net", "--", "sh", "-c", &script])
        .env("NO_COLOR", "1")
        .env_remove("TERM")
        .stdin(Stdio::null())
        .output()
        .expect("unshare runs");
    assert!(
        !matches!(output.status.code(), Some(98 | 99 | 124)),
        "dnsmasq in a network namespace failed (needs root for unshare -n): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// How the wrong server answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wrong {
    /// A missing file gets this error code (2, Access violation, like the servers of seeds
    /// 000-002); existing files are served correctly.
    MissingAnswered(u16),
    /// Nothing is ever answered: a blocked data port or no server (seed 002).
    Silent,
    /// Existing files get DATA 1 once and nothing after; missing files get ERROR 1.
    StopsAfterFirstBlock,
    /// Names are matched without regard to case, as on a Windows server.
    FoldsCase,
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
