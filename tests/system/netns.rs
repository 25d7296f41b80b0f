//! Network namespaces a test makes and deletes itself: the guard that removes them (and a
//! process running in one) also when the test fails, `ip` that fails saying what is missing,
//! and a thread's way into one. Addresses inside them come from 10.99.0.0/16 and exist nowhere
//! else. Needs root.

use std::process::{Child, Command};

const INSTALL: &str = "bash .ci/install-test-servers";

/// The namespaces of one test, and a process inside one; all removed when dropped.
pub struct Namespaces {
    pub names: Vec<String>,
    pub child: Option<Child>,
}

impl Namespaces {
    /// Makes each namespace; the guard deletes every one of them.
    pub fn add(names: &[&str]) -> Namespaces {
        let guard = Namespaces {
            names: names.iter().map(|n| n.to_string()).collect(),
            child: None,
        };
        for name in names {
            ip(&["netns", "add", name]);
        }
        guard
    }
}

impl Drop for Namespaces {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        for name in &self.names {
            let _ = Command::new("ip").args(["netns", "del", name]).status();
        }
    }
}

/// Fails the test, saying how to install it, when `ip` (iproute2) is missing.
pub fn require_ip() {
    assert!(
        std::path::Path::new("/usr/sbin/ip").exists() || std::path::Path::new("/sbin/ip").exists(),
        "ip is missing: install iproute2 ({INSTALL})"
    );
}

/// Runs `ip` and fails the test with its message when it fails.
pub fn ip(args: &[&str]) {
    let output = Command::new("ip")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run ip ({e}): install iproute2 ({INSTALL})"));
    assert!(
        output.status.success(),
        "ip {}: {} (this test needs root for ip netns)",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A veth pair from `a` in namespace `a_ns` to `b` in `b_ns`, both down (set a MAC first).
pub fn veth(a_ns: &str, a: &str, b_ns: &str, b: &str) {
    ip(&[
        "link", "add", a, "netns", a_ns, "type", "veth", "peer", "name", b, "netns", b_ns,
    ]);
}

/// Brings `dev` and the loopback of namespace `ns` up.
pub fn up(ns: &str, dev: &str) {
    ip(&["-n", ns, "link", "set", "dev", dev, "up"]);
    ip(&["-n", ns, "link", "set", "dev", "lo", "up"]);
}

/// Moves the calling thread (only it) into namespace `name`: the sockets it opens afterwards
/// live there.
pub fn enter(name: &str) {
    use std::os::fd::AsRawFd;
    let file = std::fs::File::open(format!("/run/netns/{name}"))
        .unwrap_or_else(|e| panic!("namespace {name}: {e}"));
    // SAFETY: a valid descriptor of a network namespace, alive for the call; setns changes
    // the calling thread's namespace only.
    let entered = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) };
    assert_eq!(
        entered,
        0,
        "setns into {name}: {}",
        std::io::Error::last_os_error()
    );
}
