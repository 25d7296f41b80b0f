//! A flood of made-up MACs under `--all` (the LAN attack report's F3, issue 23), over real UDP on
//! loopback: each from an address of its own, asking for its `CTLSEP<MAC>.tlv` as a phone does,
//! while a legitimate client asks for a missing file and a real one. Every legitimate request
//! must be answered within a second, the state file must stay within what [`MAX_ALL_PHONES`]
//! phones take, phones never placed must be forgotten once quiet (so the flood's later MACs are
//! walked), and a request late in the flood must cost what one early did.
//!
//! The suite runs a bounded flood (1 500 MACs at 300 a second); the full one (4 000 at
//! 100 a second, 40 s) is `--ignored`, its result in docs/serve-hostile.md:
//! `cargo test --features system-tests --test system -- --ignored four_thousand --nocapture`.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, UdpSocket};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use phoneup::wire::packet::Packet;
use phoneup::wire::serve::registry::MAX_ALL_PHONES;

use super::bench::scratch;
use super::serve_hostile::{command, first_answer, loopback, root, wait_for};
use super::serve_load::rrq;

/// How a flood goes.
#[derive(Debug, Clone, Copy)]
struct Flood {
    macs: u32,
    per_second: u32,
    /// serve's `--stuck-after`: a phone never placed is forgotten after twice that quiet.
    stuck_after_s: u64,
}

/// What a flood did.
#[derive(Debug)]
struct Flooded {
    /// How long each made-up MAC's answer took (`None`: none within 2 s), in the flood's order.
    answers: Vec<Option<Duration>>,
    /// Legitimate requests made, and the slowest answer to one.
    legitimate: u32,
    slowest: Duration,
    /// The state file's largest size seen, and the most phones it held.
    peak_bytes: u64,
    peak_phones: usize,
    /// Distinct MACs serve walked, and phones it forgot (from its events).
    walked: usize,
    forgotten: usize,
}

/// The most bytes the state file of [`MAX_ALL_PHONES`] phones never placed may take.
const STATE_BOUND: u64 = 4 << 20;

/// The MAC of the flood's `n`th request.
fn mac(n: u32) -> String {
    format!("0018B9{:06X}", 0x20_0000 + n)
}

/// A made-up MAC's request from an address of its own; how long its answer took.
fn fake_request(server: SocketAddr, n: u32) -> Option<Duration> {
    let socket = UdpSocket::bind(format!("127.3.{}.{}:0", n / 250, n % 250 + 1)).ok()?;
    socket
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let start = Instant::now();
    socket
        .send_to(&rrq(&format!("CTLSEP{}.tlv", mac(n)), &[]), server)
        .ok()?;
    let mut buf = [0u8; 600];
    let (len, _) = socket.recv_from(&mut buf).ok()?;
    matches!(
        Packet::decode(&buf[..len]),
        Ok(Packet::Error { code: 1, .. })
    )
    .then(|| start.elapsed())
}

/// A state file's size and the phones it keeps (0, 0 while there is none).
fn state_size(state: &Path) -> (u64, usize) {
    let text = std::fs::read_to_string(state).unwrap_or_default();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let phones = json["phones"].as_object().map_or(0, |p| p.len());
    (text.len() as u64, phones)
}

/// Reads serve's JSON events until it ends: the distinct MACs it walked, and the phones it
/// forgot.
fn read_events(stdout: std::process::ChildStdout) -> (usize, usize) {
    let mut walked = std::collections::HashSet::new();
    let mut forgotten = 0;
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        let Ok(event) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        match (event["event"].as_str(), event["managed"].as_bool()) {
            (Some("request"), Some(true)) => {
                walked.insert(event["mac"].as_str().unwrap_or_default().to_string());
            }
            (Some("forgotten"), _) => forgotten += 1,
            _ => {}
        }
    }
    (walked.len(), forgotten)
}

fn flood(name: &str, flood: Flood) -> Flooded {
    let dir = scratch(name);
    let root = root(&dir);
    let address = loopback();
    let state = dir.join("state.json");
    let stuck_after = flood.stuck_after_s.to_string();
    let mut serve = Kill(
        command(
            &root,
            &address.to_string(),
            &state,
            &["--all", "--stuck-after", &stuck_after],
        )
        .args(["--events", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap(),
    );
    let stdout = serve.0.stdout.take().unwrap();
    let events = std::thread::spawn(move || read_events(stdout));
    wait_for(address);
    let Flood {
        macs, per_second, ..
    } = flood;
    let flooding = std::thread::spawn(move || {
        let start = Instant::now();
        (0..macs)
            .map(|n| {
                let due = start + Duration::from_secs_f64(f64::from(n) / f64::from(per_second));
                std::thread::sleep(due.saturating_duration_since(Instant::now()));
                fake_request(address, n)
            })
            .collect::<Vec<_>>()
    });
    let (mut legitimate, mut slowest) = (0u32, Duration::ZERO);
    let (mut peak_bytes, mut peak_phones) = (0u64, 0usize);
    while !flooding.is_finished() {
        for (name, code) in [("missing.bin", Some(1)), ("one.bin", None)] {
            let (got, took) = first_answer(address, "127.0.9.1", name, Duration::from_secs(1))
                .unwrap_or_else(|| panic!("request {legitimate} ({name}): no answer within 1 s"));
            assert_eq!(got, code, "{name}");
            slowest = slowest.max(took);
            legitimate += 1;
        }
        let (bytes, phones) = state_size(&state);
        peak_bytes = peak_bytes.max(bytes);
        peak_phones = peak_phones.max(phones);
        std::thread::sleep(Duration::from_millis(100));
    }
    let answers = flooding.join().unwrap();
    drop(serve);
    let (walked, forgotten) = events.join().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    Flooded {
        answers,
        legitimate,
        slowest,
        peak_bytes,
        peak_phones,
        walked,
        forgotten,
    }
}

/// serve, killed when dropped (also when a check fails).
struct Kill(std::process::Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn median(answers: &[Option<Duration>]) -> Duration {
    let mut times: Vec<Duration> = answers.iter().flatten().copied().collect();
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or(Duration::MAX)
}

/// What every flood must show; the numbers, for the record.
fn check(flood: &Flood, flooded: &Flooded) -> String {
    let n = flooded.answers.len();
    let unanswered = flooded.answers.iter().filter(|a| a.is_none()).count();
    // Early: past the first hundred (serve's first writes); late: the last fifth.
    let early = median(&flooded.answers[100..n / 5 + 100]);
    let late = median(&flooded.answers[n - n / 5..]);
    let report = format!(
        "{} made-up MACs at {}/s: {} legitimate requests answered (slowest {:?}); made-up MACs unanswered: {unanswered}; median answer early {early:?}, late {late:?}; state at most {} bytes and {} phones; {} MACs walked, {} forgotten",
        flood.macs,
        flood.per_second,
        flooded.legitimate,
        flooded.slowest,
        flooded.peak_bytes,
        flooded.peak_phones,
        flooded.walked,
        flooded.forgotten,
    );
    assert!(flooded.legitimate >= 10, "{report}");
    assert!(flooded.slowest < Duration::from_secs(1), "{report}");
    assert!(
        unanswered * 100 <= n,
        "at most 1 % lost to the flood: {report}"
    );
    assert!(
        late <= early * 3 + Duration::from_millis(5),
        "per-request cost flat: {report}"
    );
    assert!(flooded.peak_phones <= MAX_ALL_PHONES, "{report}");
    assert!(flooded.peak_bytes <= STATE_BOUND, "{report}");
    // Phones never placed were forgotten once quiet, and later MACs walked in their place.
    assert!(flooded.forgotten > 0, "{report}");
    assert!(flooded.walked > MAX_ALL_PHONES, "{report}");
    report
}

#[test]
fn a_flood_of_made_up_macs_under_all_stays_bounded_and_answered() {
    let flood_of = Flood {
        macs: 1500,
        per_second: 300,
        stuck_after_s: 1,
    };
    let flooded = flood("hostile-f3-expiry", flood_of);
    println!("{}", check(&flood_of, &flooded));
}

#[test]
#[ignore = "40 s: the issue's full flood, for the record (docs/serve-hostile.md)"]
fn four_thousand_made_up_macs_at_100_a_second_under_all() {
    let flood_of = Flood {
        macs: 4000,
        per_second: 100,
        stuck_after_s: 5,
    };
    let flooded = flood("hostile-f3-full", flood_of);
    println!("{}", check(&flood_of, &flooded));
}
