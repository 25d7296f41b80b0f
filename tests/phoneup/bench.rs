//! A bench for `phoneup serve`: a serve process under a guard (SIGTERM, then SIGKILL when
//! dropped), a TFTP root with a stand-in for every catalogue firmware file, phones of the phone
//! model with their own loopback address and MAC, their dnsmasq leases, and power cycles over
//! the wire. Shared by both test targets.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Read;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use phoneup::files::{loads, sip_default_cnf};
use phoneup::knowledge::matrix::Matrix;
use phoneup::knowledge::Builtin;
use phoneup::wire::client::{Client, Want};
use phoneup::wire::transfer::Ask;

use super::loopback::{answers, free_port};
use super::support::Test;

/// A serve process, stopped (SIGTERM, then SIGKILL) when dropped.
pub struct Serve {
    pub child: Option<Child>,
    pub address: SocketAddr,
    pub events: PathBuf,
}

impl Serve {
    /// Starts `phoneup serve --listen ADDRESS --format json ARGS...`, its events in a file, and
    /// waits (at most 10 s) until it answers.
    pub fn start(address: SocketAddr, args: &[&str], events: &Path) -> Serve {
        Serve::start_with(address, args, events, &[])
    }

    /// [`Serve::start`] with environment variables of its own.
    pub fn start_with(
        address: SocketAddr,
        args: &[&str],
        events: &Path,
        env: &[(&str, &Path)],
    ) -> Serve {
        let out = std::fs::File::create(events).unwrap();
        let child = Command::new(assert_cmd::cargo::cargo_bin("phoneup"))
            .arg("serve")
            .args(["--listen", &address.to_string(), "--format", "json"])
            .args(args)
            .env("NO_COLOR", "1")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(Stdio::piped())
            .spawn()
            .expect("phoneup serve starts");
        let mut serve = Serve {
            child: Some(child),
            address,
            events: events.to_path_buf(),
        };
        serve.wait_until_answering();
        serve
    }

    fn wait_until_answering(&mut self) {
        let until = Instant::now() + Duration::from_secs(10);
        while Instant::now() < until {
            if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
                let mut err = String::new();
                let _ = self
                    .child
                    .as_mut()
                    .unwrap()
                    .stderr
                    .take()
                    .unwrap()
                    .read_to_string(&mut err);
                panic!("phoneup serve exited at start ({status}): {err}");
            }
            if answers(self.address) {
                return;
            }
        }
        panic!(
            "phoneup serve did not answer on {} within 10 s",
            self.address
        );
    }

    /// SIGTERM, and the exit code and summary (at most 10 s).
    pub fn stop(mut self) -> (i32, String) {
        let mut child = self.child.take().unwrap();
        // SAFETY: a plain kill(2) of our own child.
        unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
        let until = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                let mut err = String::new();
                let _ = child.stderr.take().unwrap().read_to_string(&mut err);
                return (status.code().unwrap_or(-1), err);
            }
            if Instant::now() > until {
                let _ = child.kill();
                panic!("phoneup serve did not stop within 10 s of SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGKILL: no summary, no last write.
    pub fn kill(mut self) {
        let mut child = self.child.take().unwrap();
        let _ = child.kill();
        let _ = child.wait();
    }

    /// The JSON events so far.
    pub fn events(&self) -> Vec<serde_json::Value> {
        read_events(&self.events)
    }

    /// The JSON events once serve has written nothing new for 300 ms (at most 5 s): the end of a
    /// transfer the phone model has already finished is told a little later.
    pub fn settled_events(&self) -> Vec<serde_json::Value> {
        let until = Instant::now() + Duration::from_secs(5);
        let mut events = self.events();
        loop {
            std::thread::sleep(Duration::from_millis(300));
            let now = self.events();
            if now.len() == events.len() || Instant::now() > until {
                return now;
            }
            events = now;
        }
    }
}

pub fn read_events(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON event ({e}): {l}")))
        .collect()
}

impl Drop for Serve {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// An address on 127.0.0.1 with a free port.
pub fn address() -> SocketAddr {
    format!("127.0.0.1:{}", free_port("127.0.0.1"))
        .parse()
        .unwrap()
}

/// serve of `root` to [`TARGET`] for the phones `roster` names (`--all`, `--phones MAC`), with
/// `phone`'s lease, its state and events in `dir`.
pub fn serve_one(dir: &Path, root: &Path, phone: &Bench, roster: &[&str]) -> Serve {
    let leases = leases(dir, std::slice::from_ref(phone));
    let state = state_file(dir);
    let mut args = vec!["--tftp-root", root.to_str().unwrap(), "--to", TARGET];
    args.extend_from_slice(roster);
    args.extend(["--leases", leases.to_str().unwrap()]);
    args.extend(["--state", state.to_str().unwrap()]);
    Serve::start(address(), &args, &dir.join("events.jsonl"))
}

/// A fresh folder for one test (`phoneup-serve-TAG-...` under the temp dir), removed when it is
/// dropped, also when the test fails; it derefs to its path. Everyone may enter it (mode 0755),
/// as serve, started as root, reads DIR and the leases as `nobody` once it listens.
pub fn scratch(tag: &str) -> Test {
    use std::os::unix::fs::PermissionsExt;
    let test = Test::named(&format!("serve-{tag}"));
    std::fs::set_permissions(test.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    test
}

/// A phones file naming `bench` (with a phone's own target where it has one).
pub fn phones_file(dir: &Path, bench: &[Bench]) -> PathBuf {
    let path = dir.join("phones.txt");
    let mut text = String::from("# the bench: MAC[=TARGET]\n");
    for phone in bench {
        if phone.to == TARGET {
            text.push_str(&format!("{}\n", phone.mac));
        } else {
            text.push_str(&format!(
                "{}={}  # its own SCCP target\n",
                phone.mac, phone.to
            ));
        }
    }
    std::fs::write(&path, text).unwrap();
    path
}

/// serve's arguments for `bench` with DIR `root`: the target, a phones file and leases for
/// `bench` (made in `dir`), and the state file `state`.
pub fn bench_args(dir: &Path, root: &Path, bench: &[Bench], state: &Path) -> Vec<String> {
    let leases = leases(dir, bench);
    let phones_file = phones_file(dir, bench);
    [
        "--tftp-root",
        root.to_str().unwrap(),
        "--to",
        TARGET,
        "--phones-file",
        phones_file.to_str().unwrap(),
        "--leases",
        leases.to_str().unwrap(),
        "--state",
        state.to_str().unwrap(),
    ]
    .map(str::to_string)
    .to_vec()
}

/// serve's state file for a test: in a folder of its own, which serve started as root gives to
/// the user it runs as.
pub fn state_file(dir: &Path) -> PathBuf {
    dir.join("state").join("state.json")
}

/// A TFTP root with stand-ins for every firmware file of the catalogue (no Cisco file), and the
/// user's own OS79XX.TXT, SIPDefault.cnf and XMLDefault.cnf.xml with settings of theirs.
pub fn bench_root(dir: &Path) -> PathBuf {
    let root = dir.join("root");
    std::fs::create_dir_all(&root).unwrap();
    let matrix = Matrix::builtin().unwrap();
    for load in &matrix.loads {
        for file in &load.files {
            let bytes = if file.ends_with(".loads") {
                loads::stand_in(load.name(), load.loader_or_self(), load.name()).into_bytes()
            } else {
                format!("phoneup stand-in for {file}, not a Cisco image\n")
                    .repeat(64)
                    .into_bytes()
            };
            std::fs::write(root.join(file), bytes).unwrap();
        }
    }
    std::fs::write(root.join("OS79XX.TXT"), "P0S3-06-3-00\n").unwrap();
    std::fs::write(
        root.join(sip_default_cnf::FILE_NAME),
        "# the bench's own settings\r\nproxy1_address: \"192.0.2.1\"\r\nimage_version: P0S3-06-3-00 ; theirs\r\ntelnet_level: 2\r\n",
    )
    .unwrap();
    std::fs::write(
        root.join("XMLDefault.cnf.xml"),
        "<Default>\n  <callManagerGroup><members/></callManagerGroup>\n  <loadInformation8 model=\"IP Phone 7940\">P00308010200</loadInformation8>\n</Default>\n",
    )
    .unwrap();
    root
}

/// Every file of a directory and its bytes.
pub fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// One phone of the bench.
#[derive(Debug, Clone)]
pub struct Bench {
    pub ip: &'static str,
    pub mac: &'static str,
    pub from: &'static str,
    pub to: &'static str,
}

pub const TARGET: &str = "P0S3-08-11-00";

/// The five phones of the issue, and a sixth the phones file does not name.
pub fn phones() -> Vec<Bench> {
    vec![
        Bench {
            ip: "127.0.0.11",
            mac: "0018B9000011",
            from: "P0030301MFG2",
            to: TARGET,
        },
        Bench {
            ip: "127.0.0.12",
            mac: "0018B9000012",
            from: "P0S3-06-3-00",
            to: TARGET,
        },
        Bench {
            ip: "127.0.0.13",
            mac: "0018B9000013",
            from: "P003-08-11-00",
            to: TARGET,
        },
        Bench {
            ip: "127.0.0.14",
            mac: "0018B9000014",
            from: "P0030801SR02",
            to: TARGET,
        },
        Bench {
            ip: "127.0.0.15",
            mac: "0018B9000015",
            from: "P0S3-07-4-00",
            to: "P00308010200",
        },
    ]
}

pub fn sixth() -> Bench {
    Bench {
        ip: "127.0.0.16",
        mac: "0018B9000016",
        from: "P0S3-06-3-00",
        to: TARGET,
    }
}

/// A dnsmasq lease file giving each bench phone's MAC by its loopback address (127.x has no
/// neighbour-table entries).
pub fn leases(dir: &Path, bench: &[Bench]) -> PathBuf {
    let path = dir.join("dnsmasq.leases");
    let mut text = String::new();
    for phone in bench {
        let mac: Vec<String> = phone
            .mac
            .as_bytes()
            .chunks(2)
            .map(|c| String::from_utf8_lossy(c).to_lowercase())
            .collect();
        text.push_str(&format!(
            "1999999999 {} {} phone *\n",
            mac.join(":"),
            phone.ip
        ));
    }
    std::fs::write(&path, text).unwrap();
    path
}

/// One power cycle of the phone model over the wire: the load it runs afterwards.
pub fn power_cycle(server: SocketAddr, phone: &Bench, running: &str) -> String {
    let output = Command::new(assert_cmd::cargo::cargo_bin("phoneup"))
        .args([
            "simulate",
            "--from",
            running,
            "--server",
            &server.to_string(),
        ])
        .args([
            "--bind", phone.ip, "--mac", phone.mac, "--boots", "1", "--format", "json",
        ])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "simulate gave no JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    result["final_load"].as_str().unwrap().to_string()
}

/// Power-cycles `phone` until it runs `until` or `cycles` run out; the loads it ran.
pub fn walk(
    server: SocketAddr,
    phone: &Bench,
    from: &str,
    until: &str,
    cycles: usize,
) -> Vec<String> {
    let mut path = vec![from.to_string()];
    let mut running = from.to_string();
    for _ in 0..cycles {
        if running == until {
            // Two more power cycles: the phone boots its target and serve sees it there.
            for _ in 0..2 {
                assert_eq!(
                    power_cycle(server, phone, &running),
                    until,
                    "{} stays on {until}",
                    phone.mac
                );
            }
            break;
        }
        let next = power_cycle(server, phone, &running);
        if next != running {
            path.push(next.clone());
        }
        running = next;
    }
    path
}

/// Walks each phone on its own thread, at most `cycles` power cycles each.
pub fn walk_all(server: SocketAddr, bench: &[Bench], cycles: usize) -> Vec<(Bench, Vec<String>)> {
    let handles: Vec<_> = bench
        .iter()
        .cloned()
        .map(|phone| {
            std::thread::spawn(move || {
                let path = walk(server, &phone, phone.from, phone.to, cycles);
                (phone, path)
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).collect()
}

/// Reads `name` from `server` as a client at `ip` would.
pub fn fetch(server: SocketAddr, ip: &str, name: &str) -> Option<Vec<u8>> {
    let mut client = Client::new(server);
    client.bind = Some(ip.parse::<IpAddr>().unwrap());
    client
        .read(name, Ask::default(), Want::Whole)
        .unwrap()
        .contents
}
