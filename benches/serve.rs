//! `phoneup serve` against Debian's tftpd-hpa, side by side in one run on loopback: one 20 MB
//! file at blksize 512 and 1428, and 50 phones fetching a SIP 8.x package's firmware at once
//! (plain RFC 1350, 512-byte blocks, as phones ask). Median of 5 rounds; serve's peak memory.
//! Then serve's memory under the two loads of the LAN attack report that grew it (F8: 2 000
//! transfers at blksize 65464, each OACK acknowledged and then nothing; F6: 100 000 requests while
//! nobody reads its events): peak and resident after, from `/proc`.
//!
//! Run: `cargo bench --bench serve` (needs tftpd-hpa unpacked by `.ci/install-test-servers`).
//! Prints a Markdown table for docs/speed.md. `cargo bench --bench serve -- fifty` runs only the
//! 50 phones, [`RUNS`] times, the two servers taking turns round by round (so that a change in the
//! machine's load falls on both), and prints a row per run; with
//! `spread` (`-- fifty spread`) each phone asks from an address of its own (127.0.9.x) rather
//! than all from 127.0.0.1.

use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use phoneup::wire::client::{Client, Outcome, Want};

#[path = "../tests/system/serve_load.rs"]
mod serve_load;
use phoneup::wire::transfer::{Ask, Policy};
use serve_load::{large_block_load, missing_file_load, raise_own_limit, serve_command, status_kib};

const ROUNDS: usize = 5;
/// Runs of the 50 phones alone (`-- fifty`).
const RUNS: usize = 3;
const PHONES: usize = 50;
/// A SIP 8.x package as a phone fetches it: the .loads, the loader and the application (sizes
/// of the real files the research capture shows).
const PACKAGE: [(&str, usize); 3] = [
    ("P0S3-08-11-00.loads", 458),
    ("P003-08-11-00.sbn", 130_228),
    ("P0S3-08-11-00.sb2", 705_536),
];

struct Guard(Child);
impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait(address: SocketAddr) {
    let client = Client {
        server: address,
        bind: None,
        policy: Policy {
            timeout: Duration::from_millis(100),
            retries: 0,
        },
        deadline: phoneup::wire::client::FILE_DEADLINE,
    };
    let until = Instant::now() + Duration::from_secs(10);
    while Instant::now() < until {
        let fetch = client
            .read("readiness", Ask::default(), Want::Whole)
            .unwrap();
        // Silence, or a port nothing listens on yet: not ready.
        if !matches!(
            fetch.outcome,
            Outcome::Failed(phoneup::wire::transfer::Failure::Timeout { .. })
                | Outcome::PortClosed { .. }
        ) {
            return;
        }
    }
    panic!("no answer from {address}");
}

fn fetch(address: SocketAddr, name: &str, blksize: Option<u16>) -> u64 {
    fetch_from(address, None, name, blksize)
}

fn fetch_from(
    address: SocketAddr,
    bind: Option<std::net::IpAddr>,
    name: &str,
    blksize: Option<u16>,
) -> u64 {
    let mut client = Client::new(address);
    client.bind = bind;
    let ask = Ask {
        blksize,
        ..Ask::default()
    };
    match client.read(name, ask, Want::Whole).unwrap().outcome {
        Outcome::Received { bytes } => bytes,
        other => panic!("{name} from {address}: {other:?}"),
    }
}

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    times[times.len() / 2]
}

fn one_file(address: SocketAddr, blksize: Option<u16>) -> f64 {
    median(
        (0..ROUNDS)
            .map(|_| {
                let start = Instant::now();
                assert_eq!(fetch(address, "big20M.bin", blksize), 20 << 20);
                start.elapsed().as_secs_f64()
            })
            .collect(),
    )
}

/// The 50 phones fetching their package at once, from one address or (`spread`) each from its
/// own; the median of `rounds`, in seconds.
fn fifty_phones(address: SocketAddr, spread: bool, rounds: usize) -> f64 {
    median(
        (0..rounds)
            .map(|_| {
                let start = Instant::now();
                let threads: Vec<_> = (0..PHONES)
                    .map(|n| {
                        std::thread::spawn(move || {
                            let bind =
                                spread.then(|| format!("127.0.9.{}", n + 2).parse().unwrap());
                            for (name, size) in PACKAGE {
                                assert_eq!(fetch_from(address, bind, name, None), size as u64);
                            }
                        })
                    })
                    .collect();
                for t in threads {
                    t.join().unwrap();
                }
                start.elapsed().as_secs_f64()
            })
            .collect(),
    )
}

fn main() {
    let dir = std::env::temp_dir().join(format!("phoneup-bench-serve-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let root: PathBuf = dir.join("root");
    std::fs::create_dir_all(&root).unwrap();
    let big: Vec<u8> = (0..20u32 << 20)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    std::fs::write(root.join("big20M.bin"), &big).unwrap();
    for (name, size) in PACKAGE {
        std::fs::write(root.join(name), vec![0x5a; size]).unwrap();
    }
    let tftpd = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tftpd-hpa/usr/sbin/in.tftpd");
    assert!(
        tftpd.exists(),
        "tftpd-hpa is missing: sudo bash .ci/install-test-servers"
    );

    let (serve, serve_at) = start_serve(&root, &dir, Stdio::null());
    let hpa_at: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let user = if std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
    {
        "nobody"
    } else {
        "root"
    };
    let _hpa = Guard(
        Command::new(&tftpd)
            .args(["-L", "--secure", "-u", user, "-a", &hpa_at.to_string()])
            .arg(&root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait(hpa_at);

    let package_mb = PHONES as f64 * PACKAGE.iter().map(|(_, s)| *s as f64).sum::<f64>() / 1e6;
    let spread = std::env::args().any(|a| a == "spread");
    if std::env::args().any(|a| a == "fifty") {
        fifty_runs(serve_at, hpa_at, package_mb, spread);
        drop(serve);
        let _ = std::fs::remove_dir_all(dir);
        return;
    }
    let mb = 20.0 * 1.048_576;
    println!("| case | phoneup serve | tftpd-hpa 5.2 |");
    println!("|---|---|---|");
    for (label, blksize) in [
        ("one 20 MiB file, blksize 512", None),
        ("one 20 MiB file, blksize 1428", Some(1428)),
    ] {
        let ours = one_file(serve_at, blksize);
        let theirs = one_file(hpa_at, blksize);
        println!(
            "| {label} | {ours:.2} s ({:.1} MB/s) | {theirs:.2} s ({:.1} MB/s) |",
            mb / ours,
            mb / theirs
        );
    }
    let ours = fifty_phones(serve_at, false, ROUNDS);
    let theirs = fifty_phones(hpa_at, false, ROUNDS);
    println!(
        "| {PHONES} phones at once, a SIP 8.x package each ({package_mb:.1} MB, blksize 512) | {ours:.2} s ({:.1} MB/s) | {theirs:.2} s ({:.1} MB/s) |",
        package_mb / ours,
        package_mb / theirs
    );
    println!(
        "\nphoneup serve's peak memory (VmHWM) over the run: {} KiB",
        status_kib(serve.0.id(), "VmHWM:")
    );
    drop(serve);
    hostile_memory(&root, &dir);
    let _ = std::fs::remove_dir_all(dir);
}

/// The 50 phones alone, [`RUNS`] times: in each run the two servers take turns round by round
/// (a change in the machine's load falls on both), and each gets the median of its rounds.
fn fifty_runs(serve_at: SocketAddr, hpa_at: SocketAddr, package_mb: f64, spread: bool) {
    let from = if spread {
        "each from its own address"
    } else {
        "all from 127.0.0.1"
    };
    println!("| run: {PHONES} phones at once ({package_mb:.1} MB, blksize 512, {from}), median of {ROUNDS} | phoneup serve | tftpd-hpa 5.2 |");
    println!("|---|---|---|");
    for run in 1..=RUNS {
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for _ in 0..ROUNDS {
            ours.push(fifty_phones(serve_at, spread, 1));
            theirs.push(fifty_phones(hpa_at, spread, 1));
        }
        let (ours, theirs) = (median(ours), median(theirs));
        println!(
            "| {run} | {ours:.2} s ({:.1} MB/s) | {theirs:.2} s ({:.1} MB/s) |",
            package_mb / ours,
            package_mb / theirs
        );
    }
}

fn start_serve(root: &Path, dir: &Path, stdout: Stdio) -> (Guard, SocketAddr) {
    let at: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let serve = Guard(
        serve_command(
            Path::new(env!("CARGO_BIN_EXE_phoneup")),
            root,
            &at.to_string(),
            &dir.join("state.json"),
            &["--phones", "0018B9FFFF99", "--events", "json"],
        )
        .stdout(stdout)
        .stderr(Stdio::null())
        .spawn()
        .unwrap(),
    );
    wait(at);
    (serve, at)
}

/// serve's peak and resident memory under the F8 and F6 loads.
fn hostile_memory(root: &Path, dir: &Path) {
    raise_own_limit();
    let (serve, at) = start_serve(root, dir, Stdio::null());
    let (sockets, _) = large_block_load(at, "big20M.bin", 2000);
    std::thread::sleep(Duration::from_secs(10));
    let pid = serve.0.id();
    println!(
        "F8 (2 000 transfers at blksize 65464, never acknowledged after the OACK): serve's peak {} KiB, {} KiB resident after",
        status_kib(pid, "VmHWM:"),
        status_kib(pid, "VmRSS:")
    );
    drop(sockets);
    drop(serve);

    let (serve, at) = start_serve(root, dir, Stdio::piped());
    missing_file_load(at, "127.5.0.1", 100_000);
    let pid = serve.0.id();
    println!(
        "F6 (100 000 requests, stdout not read): serve's peak {} KiB, {} KiB resident after",
        status_kib(pid, "VmHWM:"),
        status_kib(pid, "VmRSS:")
    );
}
