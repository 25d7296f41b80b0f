//! serve places a phone by the kernel's neighbour table on its very first request, in network
//! namespaces the test makes and deletes itself: one for serve, one per phone, joined by a veth
//! pair whose phone end has the phone's own MAC. serve binds port 69 there as root, then runs as
//! `nobody` (its uid read from `/proc`), and still serves and writes its state. Addresses come from 10.99.0.0/24 and exist only
//! inside those namespaces. Needs root (`ip netns`); the namespaces and serve are removed by a
//! guard, also when the test fails.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::bench::{bench_root, read_events, scratch, TARGET};
use super::netns::{ip, require_ip, up, veth, Namespaces};

#[test]
fn serve_places_a_phone_by_the_neighbour_table_on_its_very_first_os79xx_txt() {
    require_ip();
    let tag = std::process::id() % 100_000;
    let server_ns = format!("pu-srv-{tag}");
    let phone_ns = format!("pu-ph-{tag}");
    let mut guard = Namespaces::add(&[&server_ns, &phone_ns]);
    let (server_if, phone_if) = (format!("pus{tag}"), format!("pup{tag}"));
    let mac = "02:00:5e:10:00:01";
    let mac_digits = "02005E100001";
    veth(&server_ns, &server_if, &phone_ns, &phone_if);
    ip(&[
        "-n", &phone_ns, "link", "set", "dev", &phone_if, "address", mac,
    ]);
    ip(&[
        "-n",
        &server_ns,
        "addr",
        "add",
        "10.99.0.1/24",
        "dev",
        &server_if,
    ]);
    ip(&[
        "-n",
        &phone_ns,
        "addr",
        "add",
        "10.99.0.20/24",
        "dev",
        &phone_if,
    ]);
    up(&server_ns, &server_if);
    up(&phone_ns, &phone_if);

    let dir = scratch("netns");
    let root = bench_root(&dir);
    let events = dir.join("events.jsonl");
    let phoneup = assert_cmd::cargo::cargo_bin("phoneup");
    guard.child = Some(
        Command::new("ip")
            .args(["netns", "exec", &server_ns])
            .arg(&phoneup)
            .args([
                "serve",
                "--root",
                root.to_str().unwrap(),
                "--to",
                TARGET,
                "--listen",
                "0.0.0.0:69",
            ])
            .args([
                "--phones",
                mac,
                "--events",
                "json",
                "--state",
                super::bench::state_file(&dir).to_str().unwrap(),
            ])
            .stdout(std::fs::File::create(&events).unwrap())
            .stderr(Stdio::null())
            .spawn()
            .expect("serve starts in the namespace"),
    );
    let pid = guard.child.as_ref().unwrap().id();
    let running = walk(&phone_ns, &phoneup, mac_digits);
    let events = read_events(&events);
    let first = events
        .iter()
        .find(|e| e["event"] == "request" && e["file"] == "OS79XX.TXT")
        .expect("serve saw the phone's OS79XX.TXT");
    assert_eq!(
        first["mac"], mac_digits,
        "the MAC from the neighbour table: {first}"
    );
    assert_eq!(first["managed"], true);
    assert!(first["address"]
        .as_str()
        .unwrap()
        .starts_with("10.99.0.20:"));
    assert_eq!(
        running, TARGET,
        "walked to its target through serve in the namespaces"
    );
    assert!(events
        .iter()
        .any(|e| e["event"] == "phone_done" && e["mac"] == mac_digits));
    runs_as_nobody(pid, &dir);
    drop(guard);
}

/// Power-cycles the phone model inside `phone_ns` from the factory load until it has run
/// [`TARGET`] for two boots (at most 30 boots and 120 s); the load it ends on.
fn walk(phone_ns: &str, phoneup: &Path, mac_digits: &str) -> String {
    // Each power cycle of the phone model runs inside the phone's namespace, at most 12.
    let mut running = "P0030301MFG2".to_string();
    let until = Instant::now() + Duration::from_secs(120);
    let mut after = 0;
    for _ in 0..30 {
        if Instant::now() > until || after == 2 {
            break;
        }
        if running == TARGET {
            after += 1;
        }
        let output = Command::new("ip")
            .args(["netns", "exec", phone_ns])
            .arg(phoneup)
            .args([
                "simulate",
                "--from",
                &running,
                "--server",
                "10.99.0.1:69",
                "--bind",
                "10.99.0.20",
            ])
            .args(["--mac", mac_digits, "--boots", "1", "--format", "json"])
            .output()
            .unwrap();
        let result: serde_json::Value = match serde_json::from_slice(&output.stdout) {
            Ok(result) => result,
            Err(_) => {
                // serve may still be starting.
                std::thread::sleep(Duration::from_millis(200));
                continue;
            }
        };
        running = result["final_load"].as_str().unwrap().to_string();
    }
    running
}

/// serve (process `pid`) bound port 69 as root, then runs as nobody, and writes its state in
/// `dir` as nobody.
fn runs_as_nobody(pid: u32, dir: &Path) {
    // It bound port 69 as root, then runs as nobody, and writes its state as nobody.
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let uids: Vec<&str> = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .unwrap()
        .split_whitespace()
        .collect();
    let nobody = nobody_uid();
    assert_eq!(
        uids,
        [nobody.as_str(); 4],
        "real, effective, saved, fs: {status}"
    );
    assert_ne!(nobody, "0");
    let state = super::bench::state_file(dir);
    let (owner, _, _) = super::support::owner_and_mode(&state);
    assert_eq!(
        owner.to_string(),
        nobody,
        "the state file is written as nobody"
    );
    // The state's own thread writes soon after a change (at most 1 s; longer on a loaded machine).
    let until = Instant::now() + Duration::from_secs(10);
    let mut text = std::fs::read_to_string(&state).unwrap();
    while !text.contains("\"state\": \"done\"") && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(100));
        text = std::fs::read_to_string(&state).unwrap();
    }
    assert!(text.contains("\"state\": \"done\""), "{text}");
}

/// The uid of `nobody` on this system.
fn nobody_uid() -> String {
    let output = Command::new("id").args(["-u", "nobody"]).output().unwrap();
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}
