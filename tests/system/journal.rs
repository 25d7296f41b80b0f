//! The undo journal behind a real TFTP server: Debian's atftpd serves the root on 127.0.0.1 (a
//! high port), fetched with curl. After `apply` of each stage of the card's plan and a full
//! `undo`, the root holds no file or folder phoneup made: no copy, no journal, no temporary file
//! the server could hand out.

use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::support::{forced_apply, tree, Test, USERS_SIPDEFAULT};

/// A binary the test needs: its path, or a failure that says how to install it.
fn needs(binary: &str, package: &str) -> PathBuf {
    for dir in ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/bin"] {
        let path = Path::new(dir).join(binary);
        if path.is_file() {
            return path;
        }
    }
    panic!("this test needs {binary}: install it with `apt-get install {package}` (Debian)");
}

/// atftpd serving `root` on 127.0.0.1, stopped when dropped (also when the test fails).
struct Server {
    child: Child,
    port: u16,
    curl: PathBuf,
    scratch: PathBuf,
}

impl Server {
    fn start(root: &Path, scratch: PathBuf) -> Server {
        let atftpd = needs("atftpd", "atftpd");
        let curl = needs("curl", "curl");
        // A free UDP port on loopback, released just before atftpd takes it.
        let port = UdpSocket::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut command = Command::new(atftpd);
        command.args([
            "--daemon",
            "--no-fork",
            "--no-multicast",
            "--port",
            &port.to_string(),
            "--bind-address",
            "127.0.0.1",
        ]);
        if super::support::is_root() {
            command.args(["--user", "nobody", "--group", "nogroup"]);
        }
        let child = command
            .arg(root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("atftpd starts");
        std::fs::create_dir_all(&scratch).unwrap();
        let server = Server {
            child,
            port,
            curl,
            scratch,
        };
        let started = Instant::now();
        while server.fetch("SIPDefault.cnf").is_none() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "atftpd did not serve SIPDefault.cnf on 127.0.0.1:{port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// The file as a TFTP client gets it, or `None` when the server does not hand it out.
    fn fetch(&self, name: &str) -> Option<Vec<u8>> {
        let out = self.scratch.join("fetched");
        let _ = std::fs::remove_file(&out);
        let status = Command::new(&self.curl)
            .args(["--silent", "--max-time", "5", "--output"])
            .arg(&out)
            .arg(format!("tftp://127.0.0.1:{}/{name}", self.port))
            .status()
            .expect("curl runs");
        status
            .success()
            .then(|| std::fs::read(&out).unwrap_or_default())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn after_apply_of_each_stage_and_a_full_undo_a_real_tftp_server_hands_out_no_old_copy() {
    let test = Test::new();
    let dir = test.users_root("tftp-server");
    let original = tree(&dir);
    let server = Server::start(&dir, test.path().join("fetch"));
    let phoneups_names = ["OS79XX.TXT", "SIPDefault.cnf", "XMLDefault.cnf.xml"];
    for stage in ["1", "2", "3"] {
        let (code, stdout, stderr) = test.run_owned(&forced_apply(&dir, stage, &[]));
        assert_eq!(code, 0, "stage {stage}: {stdout}{stderr}");
        // Every file in the root is the user's or one phoneup writes for the phone: no copy, no
        // journal, no temporary file.
        for name in tree(&dir).keys() {
            assert!(
                original.contains_key(name) || phoneups_names.contains(&name.as_str()),
                "stage {stage}: {name} is in the served root"
            );
        }
        assert!(
            server.fetch("SIPDefault.cnf").is_some(),
            "the server still serves the root"
        );
    }
    for _ in 0..6 {
        match test.run(&["undo", "--tftp-root", dir.to_str().unwrap()]).0 {
            0 => continue,
            1 => break,
            code => panic!("undo exited {code}"),
        }
    }
    assert_eq!(tree(&dir), original, "the root holds nothing phoneup made");
    assert_eq!(
        server.fetch("SIPDefault.cnf").as_deref(),
        Some(USERS_SIPDEFAULT.as_bytes())
    );
    drop(server);
}
