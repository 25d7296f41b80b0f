//! phoneup's TFTP clients (`probe` and `simulate --server`) against hostile servers written in
//! the test, on loopback: an answer from another address than the server's is ignored and
//! reported, a server that drips a block now and then is given up at the per-file deadline,
//! an impossible `tsize` is a finding and never "served", and a file the server holds back in
//! words of its own is not one to copy. Every server stops when dropped, and by itself after
//! 30 s; every client run is under `timeout`.

use std::net::{SocketAddr, UdpSocket};
use std::process::Output;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use phoneup::wire::client::{Client, Outcome, Want};
use phoneup::wire::packet::{self, code, Packet};
use phoneup::wire::transfer::Ask;

use super::card::{json_of, kinds, MAC};

/// How the hostile server answers a read request.
#[derive(Clone, Copy)]
pub enum Hostile {
    /// One whole (short) file, sent from 127.0.0.2: a neighbour answering for the server.
    FromElsewhere,
    /// Full DATA blocks, one every 0.4 s, whatever the ACKs: a drip that never ends.
    Drip,
    /// An OACK with `tsize` 2^64-1 when `tsize` is asked, else File not found.
    HugeTsize,
    /// `OS79XX.TXT` names P003-08-11-00; `P003-08-11-00.sbn` is held back with error 1 and
    /// a message of the server's own (an escape sequence in it); the rest File not found.
    HoldsBack,
}

/// The message [`Hostile::HoldsBack`] gives.
pub const HELD: &str = "phoneup serve holds P003-08-11-00.sbn back\x1b[2J until it knows the phone's load: power-cycle it";

/// A hostile TFTP server on 127.0.0.1, stopped when dropped (and after 30 s in any case).
pub struct HostileServer {
    pub address: SocketAddr,
    /// Bytes sent from another address than 127.0.0.1.
    pub foreign_bytes: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl HostileServer {
    pub fn start(behaviour: Hostile) -> HostileServer {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket
            .set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        let address = socket.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let foreign_bytes = Arc::new(AtomicU64::new(0));
        let (flag, foreign) = (stop.clone(), foreign_bytes.clone());
        let thread = thread::spawn(move || {
            let end = Instant::now() + Duration::from_secs(30);
            let mut buf = vec![0u8; 65536];
            let mut drips = Vec::new();
            while !flag.load(Ordering::Relaxed) && Instant::now() < end {
                let Ok((len, client)) = socket.recv_from(&mut buf) else {
                    continue;
                };
                let Ok(Packet::Rrq(request)) = Packet::decode(&buf[..len]) else {
                    continue;
                };
                let reply = UdpSocket::bind("127.0.0.1:0").unwrap();
                let not_found = packet::error(code::FILE_NOT_FOUND, "File not found");
                match behaviour {
                    Hostile::FromElsewhere => {
                        let elsewhere = UdpSocket::bind("127.0.0.2:0").unwrap();
                        let data = Packet::Data {
                            block: 1,
                            data: b"FROM 127.0.0.2\n",
                        }
                        .encode();
                        let _ = elsewhere.send_to(&data, client);
                        foreign.fetch_add(data.len() as u64, Ordering::Relaxed);
                    }
                    Hostile::Drip => {
                        let flag = flag.clone();
                        drips.push(thread::spawn(move || {
                            let mut block = 1u16;
                            while !flag.load(Ordering::Relaxed) && Instant::now() < end {
                                let data = Packet::Data {
                                    block,
                                    data: &[b'D'; 512],
                                }
                                .encode();
                                let _ = reply.send_to(&data, client);
                                block = block.wrapping_add(1);
                                thread::sleep(Duration::from_millis(400));
                            }
                        }));
                    }
                    Hostile::HugeTsize => {
                        let asks_size = request.options.iter().any(|(name, _)| name == "tsize");
                        let answer = if asks_size {
                            Packet::Oack {
                                options: vec![("tsize".into(), u64::MAX.to_string())],
                            }
                            .encode()
                        } else {
                            not_found
                        };
                        let _ = reply.send_to(&answer, client);
                    }
                    Hostile::HoldsBack => {
                        let answer = match request.filename.as_str() {
                            "OS79XX.TXT" => Packet::Data {
                                block: 1,
                                data: b"P003-08-11-00\n",
                            }
                            .encode(),
                            "P003-08-11-00.sbn" => packet::error(code::FILE_NOT_FOUND, HELD),
                            _ => not_found,
                        };
                        let _ = reply.send_to(&answer, client);
                    }
                }
            }
            for drip in drips {
                let _ = drip.join();
            }
        });
        HostileServer {
            address,
            foreign_bytes,
            stop,
            thread: Some(thread),
        }
    }

    pub fn server(&self) -> String {
        self.address.to_string()
    }
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// `phoneup ARGS`, killed after 60 s; its output and how long it took.
pub fn timed(args: &[&str]) -> (Output, Duration) {
    let start = Instant::now();
    let output = std::process::Command::new("timeout")
        .arg("60")
        .arg(assert_cmd::cargo::cargo_bin("phoneup"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (output, start.elapsed())
}

/// `phoneup simulate --from P0S3-06-3-00 --server SERVER --mac MAC EXTRA...`, timed.
fn simulate(server: &HostileServer, extra: &[&str]) -> (Output, Duration) {
    let address = server.server();
    let mut args = vec![
        "simulate",
        "--from",
        "P0S3-06-3-00",
        "--server",
        &address,
        "--mac",
        MAC,
    ];
    args.extend_from_slice(extra);
    timed(&args)
}

/// `phoneup probe --server SERVER EXTRA...`, timed.
fn probe(server: &HostileServer, extra: &[&str]) -> (Output, Duration) {
    let address = server.server();
    let mut args = vec!["probe", "--server", &address];
    args.extend_from_slice(extra);
    timed(&args)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn an_answer_from_another_address_than_the_servers_is_ignored_and_reported() {
    let server = HostileServer::start(Hostile::FromElsewhere);
    let (output, _) = probe(&server, &["--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let report = json_of(&output);
    assert!(
        kinds(&report).contains(&"foreign_answer".to_string()),
        "{report}"
    );
    for file in report["files"].as_array().unwrap() {
        assert_ne!(file["status"], "served", "{file}");
    }
    let foreign = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "foreign_answer")
        .unwrap();
    let detail = foreign["detail"].as_str().unwrap();
    assert!(detail.contains("came from 127.0.0.2:"), "{detail}");
    assert!(
        detail.contains("not from the server's address 127.0.0.1"),
        "{detail}"
    );
    assert!(server.foreign_bytes.load(Ordering::Relaxed) > 0);

    // The phone model over the wire takes none of it either.
    let (output, _) = simulate(&server, &["--boots", "1"]);
    let text = stdout(&output);
    assert!(!text.contains(" found\n"), "{text}");
    assert!(text.contains("RRQ OS79XX.TXT"), "{text}");
    assert!(
        text.contains("datagrams came from 127.0.0.2:")
            && text.contains(" instead, not the server's address, and were ignored)"),
        "{text}"
    );
}

#[test]
fn the_client_counts_what_another_address_sent_and_keeps_none_of_it() {
    let server = HostileServer::start(Hostile::FromElsewhere);
    let mut client = Client::new(server.address);
    client.policy.timeout = Duration::from_millis(200);
    client.policy.retries = 1;
    let fetch = client
        .read("OS79XX.TXT", Ask::default(), Want::Whole)
        .unwrap();
    assert!(
        matches!(fetch.outcome, Outcome::Failed(_)),
        "{:?}",
        fetch.outcome
    );
    assert_eq!(fetch.contents, None);
    assert_eq!(fetch.foreign.datagrams, 2, "one per request sent");
    assert_eq!(fetch.foreign.bytes, 2 * 19);
    assert_eq!(
        fetch.foreign.from.map(|a| a.ip().to_string()).as_deref(),
        Some("127.0.0.2")
    );
}

#[test]
fn a_drip_is_given_up_at_the_per_file_deadline_with_the_file_named() {
    let server = HostileServer::start(Hostile::Drip);
    let (output, took) = probe(&server, &["--file-deadline", "2"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(took < Duration::from_secs(6), "{took:?}: {text}");
    assert!(
        text.contains("problem[too_slow] CTLSEP0018B9FFFFFF.tlv: probe gave up on CTLSEP0018B9FFFFFF.tlv after 2 s, the per-file deadline (--file-deadline SECONDS changes it)"),
        "{text}"
    );
    assert!(
        text.contains("RRQ OS79XX.TXT                   no answer (not asked: CTLSEP0018B9FFFFFF.tlv did not arrive within the per-file deadline)"),
        "{text}"
    );
    assert!(!text.contains("problem[no_answer]"), "{text}");
    assert!(
        text.contains("then run: phoneup probe --server 127.0.0.1:")
            && text.contains(" --file-deadline 2\n"),
        "{text}"
    );

    let (output, took) = simulate(&server, &["--file-deadline", "1"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(took < Duration::from_secs(5), "{took:?}: {text}");
    assert!(
        text.contains("too slow (gave up on OS79XX.TXT after 1 s, the per-file deadline"),
        "{text}"
    );
    assert!(
        text.contains(
            "Next: The server sends OS79XX.TXT too slowly: phoneup gave up on OS79XX.TXT after 1 s"
        ),
        "{text}"
    );
    assert!(text.contains("--file-deadline 1"), "{text}");
}

#[test]
fn the_deadline_is_one_to_3600_seconds_and_only_over_the_wire() {
    let (output, _) = timed(&["probe", "--server", "127.0.0.1:9", "--file-deadline", "0"]);
    assert_eq!(output.status.code(), Some(2));
    let (output, _) = timed(&[
        "simulate",
        "--from",
        "P0S3-06-3-00",
        "--tftp-root",
        ".",
        "--file-deadline",
        "5",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("--file-deadline is for --server"), "{error}");
}

#[test]
fn an_impossible_tsize_is_a_finding_never_a_file_served() {
    let server = HostileServer::start(Hostile::HugeTsize);
    let stage = ["--from", "P0S3-07-4-00", "--to", "P0S3-08-11-00"];
    let (output, _) = probe(&server, &[&stage[..], &["--format", "json"]].concat());
    assert_eq!(output.status.code(), Some(1));
    let report = json_of(&output);
    let huge: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["kind"] == "size_mismatch"
                && f["detail"]
                    .as_str()
                    .unwrap()
                    .contains("announced a size of 18446744073709551615 bytes")
        })
        .collect();
    assert!(!huge.is_empty(), "{report}");
    for file in report["files"].as_array().unwrap() {
        assert_ne!(file["status"], "served", "{file}");
    }
    let text = stdout(&probe(&server, &stage).0);
    assert!(!text.contains("served, 18446744073709551615"), "{text}");
}

#[test]
fn a_file_held_back_in_the_servers_words_is_not_one_to_copy() {
    let server = HostileServer::start(Hostile::HoldsBack);
    let (output, _) = simulate(&server, &["--boots", "1"]);
    let text = stdout(&output);
    assert!(!text.contains('\x1b'), "{text}");
    assert!(!text.to_lowercase().contains("copy"), "{text}");
    assert!(
        text.contains("RRQ P003-08-11-00.sbn            not found (error 1: phoneup serve holds P003-08-11-00.sbn back\\u{1b}[2J until"),
        "{text}"
    );
    assert!(
        text.contains(
            "The server holds P003-08-11-00.sbn back on purpose (its words: \"phoneup serve holds"
        ),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "then run: phoneup simulate --from P0S3-06-3-00 --server {} --mac {MAC}\n",
            server.server()
        )),
        "{text}"
    );
}
