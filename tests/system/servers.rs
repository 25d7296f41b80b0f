//! Debian's TFTP servers for the system tests, on loopback only, each stopped by a guard's Drop
//! (also when a test panics): tftpd-hpa and atftpd on free high ports, and dnsmasq on port 69 of
//! a network namespace of the test's own.
//!
//! A server binary that is missing FAILS the test with the command that installs it:
//! `bash .ci/install-test-servers` (tftpd-hpa is unpacked into target/tftpd-hpa, as it
//! conflicts with atftpd as a Debian package).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::loopback::{answers, free_port};

const INSTALL: &str = "bash .ci/install-test-servers";

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
    assert!(
        super::support::is_root(),
        "tftpd-hpa serves as Debian runs it only when started by root (it chroots into the \
         directory and drops to nobody): run the system tests as root (.ci/test-runner does, \
         through sudo, under cargo test)"
    );
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
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !matches!(output.status.code(), Some(98 | 99 | 124)) && !stderr.contains("unshare failed"),
        "dnsmasq in a network namespace failed (unshare -n needs root): {stderr}"
    );
    output
}
