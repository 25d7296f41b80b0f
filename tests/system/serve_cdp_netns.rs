//! `phoneup serve --cdp IFACE` hears the phones' CDP announcements on a veth pair between two
//! network namespaces the test makes (and deletes, also when it fails), while the phone model
//! boots over real UDP: every catalogue load is walked to P0S3-08-11-00 with `--all` and no load
//! named anywhere, each phone announcing its load before each boot as a 7940 does (frames crafted
//! by [`CdpFrame::phone_running`] from the field samples: voiphopper's, scapy's and voip-info's
//! captures; a phone sitting in the bare UAL loader says `SEP<MAC>` and the loader's ID, as the
//! 7940 at "Protocol Application Invalid" in voip-info's capture said `SEP…` and its load). Each
//! load takes as many power cycles as the in-memory bench says (docs/serve-placement.md), and
//! exactly its plan's stages (MGCP 7.7, SIP 3.0 and 2.2 too: the frame after a stage, heard
//! before the phone asks for anything, shows the stage taken). Needs root; bounded.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use phoneup::files::mac::Mac;
use phoneup::knowledge::matrix::Matrix;
use phoneup::knowledge::phones::Model;
use phoneup::knowledge::Builtin;
use phoneup::wire::cdp::{CdpFrame, CdpListener, Interface};
use phoneup::wire::serve::memory::{Bench, Handset, Memory};
use phoneup::wire::serve::phones::Roster;
use phoneup::wire::serve::placement::{Knowledge, Proposal};

use super::bench::{bench_root, read_events, scratch, TARGET};
use super::netns::{enter, ip, up, veth, Namespaces};

/// One power cycle of the phone model inside the phone's namespace: the load it runs after.
fn power_cycle(phone_ns: &str, ip_address: &str, mac: &str, running: &str) -> Option<String> {
    let output = Command::new("ip")
        .args(["netns", "exec", phone_ns])
        .arg(assert_cmd::cargo::cargo_bin("phoneup"))
        .args(["simulate", "--from", running, "--server", "10.99.3.1:69"])
        .args([
            "--bind", ip_address, "--mac", mac, "--boots", "1", "--format", "json",
        ])
        .output()
        .unwrap();
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).ok()?;
    Some(result["final_load"].as_str()?.to_string())
}

/// What the in-memory bench says a phone announcing its load takes from `from`.
fn in_memory(matrix: &Matrix, from: &str) -> Option<usize> {
    let roster = Roster {
        all: true,
        target: TARGET.into(),
        ..Roster::default()
    };
    let mut bench = Bench::new(matrix, Memory::catalogue(matrix), roster);
    bench
        .walk_with(&mut Handset::new(1, from), TARGET, 40, true)
        .boots
}

#[test]
fn serve_hears_cdp_on_a_veth_pair_and_walks_every_load_in_its_stages() {
    let tag = std::process::id() % 100_000;
    let (server_ns, phone_ns) = (format!("pu-cdps-{tag}"), format!("pu-cdpq-{tag}"));
    let mut guard = Namespaces::add(&[&server_ns, &phone_ns]);
    let (server_if, phone_if) = (format!("pcs{tag}"), format!("pcq{tag}"));
    veth(&server_ns, &server_if, &phone_ns, &phone_if);
    ip(&[
        "-n",
        &server_ns,
        "addr",
        "add",
        "10.99.3.1/24",
        "dev",
        &server_if,
    ]);
    up(&server_ns, &server_if);
    up(&phone_ns, &phone_if);

    let dir = scratch("cdp-serve");
    let root = bench_root(&dir);
    let events = dir.join("events.jsonl");
    let state = super::bench::state_file(&dir);
    guard.child = Some(
        Command::new("ip")
            .args(["netns", "exec", &server_ns])
            .arg(assert_cmd::cargo::cargo_bin("phoneup"))
            .args(["serve", "--root", root.to_str().unwrap(), "--to", TARGET])
            .args(["--listen", "10.99.3.1:69", "--all", "--cdp", &server_if])
            .args(["--events", "json", "--state", state.to_str().unwrap()])
            .env("PHONEUP_DEVICE_INFO_PORT", "off")
            .stdout(std::fs::File::create(&events).unwrap())
            .stderr(Stdio::null())
            .spawn()
            .expect("serve starts in the namespace"),
    );
    let matrix = Matrix::builtin().unwrap();
    let knowledge = Knowledge::new(&matrix, None);
    let starts: Vec<String> = knowledge
        .universe()
        .into_iter()
        .filter(|l| l != TARGET && knowledge.proposal(l, TARGET).reaches())
        .collect();
    // The phones' end: frames go out on it from this thread, in the phone's namespace.
    let walker = std::thread::spawn({
        let (phone_ns, phone_if) = (phone_ns.clone(), phone_if.clone());
        move || walk_every_load(&phone_ns, &phone_if, &starts)
    });
    let walked = walker
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    let heard = read_events(&events)
        .into_iter()
        .filter(|e| e["event"] == "heard")
        .count();
    drop(guard);
    let mut wrong = Vec::new();
    let mut table = String::new();
    for (from, boots) in &walked {
        let stages = match knowledge.proposal(from, TARGET) {
            Proposal::Stage { stages, .. } => stages,
            other => panic!("{from}: {other:?}"),
        };
        let expected = in_memory(&matrix, from);
        table.push_str(&format!(
            "{from}: {stages} stages, {boots:?} power cycles, {expected:?} in memory\n"
        ));
        if *boots != expected || *boots != Some(stages) {
            wrong.push(from.clone());
        }
    }
    assert!(wrong.is_empty(), "{wrong:?}\n{table}");
    assert!(heard >= 20, "{heard} heard events\n{table}");
}

/// Walks a phone from each load in turn (each with its own MAC and address on the phone's end
/// of the veth pair), announcing its load in CDP before each boot; the power cycles each took.
fn walk_every_load(
    phone_ns: &str,
    phone_if: &str,
    starts: &[String],
) -> Vec<(String, Option<usize>)> {
    let matrix = Matrix::builtin().unwrap();
    enter(phone_ns);
    let mut walked = Vec::new();
    let until = Instant::now() + Duration::from_secs(600);
    for (n, from) in starts.iter().enumerate() {
        let mac = Mac::from_digits(&format!("02005E20{:04X}", n + 1)).unwrap();
        let colons = mac
            .to_string()
            .as_bytes()
            .chunks(2)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(":");
        let address = format!("10.99.3.{}", n + 10);
        ip(&["-n", phone_ns, "link", "set", "dev", phone_if, "down"]);
        ip(&[
            "-n", phone_ns, "link", "set", "dev", phone_if, "address", &colons,
        ]);
        ip(&[
            "-n",
            phone_ns,
            "addr",
            "add",
            &format!("{address}/24"),
            "dev",
            phone_if,
        ]);
        ip(&["-n", phone_ns, "link", "set", "dev", phone_if, "up"]);
        let socket = CdpListener::open(&Interface::Named(phone_if.to_string())).unwrap();
        let mut running = from.clone();
        let mut boots = None;
        for cycle in 0..40 {
            assert!(Instant::now() < until, "the walks take too long");
            if running == TARGET {
                boots = Some(cycle);
                break;
            }
            let load = matrix.by_name(&running).unwrap();
            let frame = CdpFrame::phone_running(mac, load, Model::M7940);
            socket.send(&frame.to_bytes()).unwrap();
            // serve's loop takes it in within a tenth of a second.
            std::thread::sleep(Duration::from_millis(300));
            let mut next = None;
            for _ in 0..3 {
                next = power_cycle(phone_ns, &address, &mac.to_string(), &running);
                if next.is_some() {
                    break;
                }
                // serve may still be starting.
                std::thread::sleep(Duration::from_millis(300));
            }
            running = next.expect("the phone model boots");
        }
        walked.push((from.clone(), boots));
        ip(&[
            "-n",
            phone_ns,
            "addr",
            "del",
            &format!("{address}/24"),
            "dev",
            phone_if,
        ]);
    }
    walked
}
