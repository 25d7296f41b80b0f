//! `phoneup serve` over real UDP on loopback: the phone model booting as five phones at once,
//! each from its own address and MAC, walked to its target through serve alone; a sixth phone
//! the phones file does not name gets the directory as it is (and is walked with `--all`); a
//! serve killed mid-plan that a restart finishes; and what serve says before it starts (the DHCP
//! options, port 69, a target no plan reaches). Every serve is stopped by a guard, also when a
//! test fails; every loop is bounded.

use std::process::Command;
use std::time::Duration;

use phoneup::knowledge::firmware::is_firmware;

use super::bench::{
    address, bench_args, bench_root, fetch, leases, phones, phones_file, power_cycle, scratch,
    serve_one, sixth, snapshot, walk, walk_all, Bench, Serve, TARGET,
};

#[test]
fn five_phones_at_once_reach_their_targets_through_serve_alone_and_a_sixth_gets_the_directory_as_it_is(
) {
    let dir = scratch("five");
    let root = bench_root(&dir);
    let before = snapshot(&root);
    let mut everyone = phones();
    everyone.push(sixth());
    let leases = leases(&dir, &everyone);
    let phones_file = phones_file(&dir, &phones());
    let state = super::bench::state_file(&dir);
    let serve = Serve::start(
        address(),
        &[
            "--root",
            root.to_str().unwrap(),
            "--to",
            TARGET,
            "--phones-file",
            phones_file.to_str().unwrap(),
            "--leases",
            leases.to_str().unwrap(),
            "--state",
            state.to_str().unwrap(),
        ],
        &dir.join("events.jsonl"),
    );
    let walked = walk_all(serve.address, &phones(), 30);
    for (phone, path) in &walked {
        assert_eq!(
            path.last().map(String::as_str),
            Some(phone.to),
            "{} from {}: {path:?}",
            phone.mac,
            phone.from
        );
    }
    // The design card's route, stage by stage, for the factory phone.
    assert_eq!(
        walked[0].1,
        ["P0030301MFG2", "P0S3-06-3-00", "P003-08-11-00", TARGET]
    );

    // The sixth phone, not named: the directory's files exactly as they are, and it follows them.
    let six = sixth();
    for name in ["OS79XX.TXT", "SIPDefault.cnf", "XMLDefault.cnf.xml"] {
        assert_eq!(
            fetch(serve.address, six.ip, name).as_deref(),
            Some(&before[name][..]),
            "{name}"
        );
    }
    assert_eq!(fetch(serve.address, six.ip, "SIP0018B9000016.cnf"), None);
    assert_eq!(
        walk(serve.address, &six, six.from, TARGET, 3),
        [six.from],
        "DIR names its own load"
    );

    let events = serve.events();
    for phone in phones() {
        assert!(
            events
                .iter()
                .any(|e| e["event"] == "phone_done" && e["mac"] == phone.mac),
            "no phone_done for {}",
            phone.mac
        );
    }
    assert!(events
        .iter()
        .all(|e| e["mac"] != six.mac || e["managed"] == false));
    for e in &events {
        assert!(
            e["address"].is_string() && e.get("mac").is_some() && e["time_ms"].is_u64(),
            "{e}"
        );
        // Error 1 for a file DIR has always says why.
        if e["event"] == "not_found" && before.contains_key(e["file"].as_str().unwrap()) {
            assert!(e["why"].is_string(), "{e}");
        }
    }
    let (code, summary) = serve.stop();
    assert_eq!(code, 0, "{summary}");
    assert!(
        summary.contains("phoneup serve stopped: 5 of 5 phones done\n"),
        "{summary}"
    );
    assert_eq!(snapshot(&root), before, "serve never writes DIR");
    // The state file holds each phone's history, outside DIR.
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    assert_eq!(
        state["phones"]["0018B9000011"]["history"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(state["phones"]["0018B9000011"]["state"], "done");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn with_all_the_sixth_phone_is_walked_too() {
    let dir = scratch("all");
    let root = bench_root(&dir);
    let before = snapshot(&root);
    let six = sixth();
    let serve = serve_one(&dir, &root, &six, &["--all"]);
    let path = walk(serve.address, &six, six.from, TARGET, 10);
    assert_eq!(path, [six.from, "P003-08-11-00", TARGET]);
    let (code, summary) = serve.stop();
    assert_eq!(code, 0, "{summary}");
    assert_eq!(snapshot(&root), before);
    let _ = std::fs::remove_dir_all(dir);
}

/// Every SIP application of the UAL era but the target, its load named nowhere (`--all`, no
/// phones file, no CDP; no web page answers): each reaches the target in its plan's one stage,
/// within stages + 1, the bound (13 power cycles each before serve named no load in a
/// probe boot's XMLDefault.cnf.xml).
#[test]
fn with_all_every_ual_sip_application_reaches_the_target_in_its_stages_with_no_load_named() {
    let dir = scratch("sip-apps");
    let root = bench_root(&dir);
    let loads = [
        "P0S3-07-2-00",
        "P0S3-07-4-00",
        "P0S3-07-5-00",
        "P0S3-08-1-00",
        "P0S3-08-2-00",
        "P0S3-08-4-00",
        "P0S3-08-8-00",
        "P0S3-08-9-00",
        "P0S3-8-12-00",
    ];
    let bench: Vec<Bench> = loads
        .iter()
        .enumerate()
        .map(|(i, from)| Bench {
            ip: Box::leak(format!("127.0.0.{}", 51 + i).into_boxed_str()),
            mac: Box::leak(format!("0018B90000{}", 51 + i).into_boxed_str()),
            from,
            to: TARGET,
        })
        .collect();
    let leases = leases(&dir, &bench);
    let state = super::bench::state_file(&dir);
    let args = [
        "--root",
        root.to_str().unwrap(),
        "--to",
        TARGET,
        "--all",
        "--leases",
        leases.to_str().unwrap(),
        "--state",
        state.to_str().unwrap(),
    ];
    let serve = Serve::start(address(), &args, &dir.join("events.jsonl"));
    let mut took = Vec::new();
    for phone in &bench {
        let mut running = phone.from.to_string();
        let mut cycles = 0;
        while running != TARGET && cycles < 3 {
            running = power_cycle(serve.address, phone, &running);
            cycles += 1;
        }
        took.push((phone.from, running, cycles));
    }
    let events = serve.settled_events();
    let (_, summary) = serve.stop();
    let wanted: Vec<(&str, String, usize)> = loads.iter().map(|l| (*l, TARGET.into(), 1)).collect();
    assert_eq!(took, wanted, "{summary}\n{events:#?}");
    // Each took the target's images once, in its one boot.
    for phone in &bench {
        let sent: Vec<&str> = events
            .iter()
            .filter(|e| e["mac"] == phone.mac && e["event"] == "sent")
            .filter_map(|e| e["file"].as_str())
            .filter(|f| is_firmware(f) && !f.ends_with(".loads"))
            .collect();
        assert_eq!(
            sent,
            ["P003-08-11-00.sbn", "P0S3-08-11-00.sb2"],
            "{}",
            phone.from
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_serve_killed_mid_plan_is_finished_by_a_restarted_one() {
    let dir = scratch("restart");
    let root = bench_root(&dir);
    let bench = vec![
        phones()[0].clone(),
        phones()[1].clone(),
        phones()[4].clone(),
    ];
    let state = dir.join("state").join("serve.json");
    let args = bench_args(&dir, &root, &bench, &state);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let first = Serve::start(address(), &args, &dir.join("events-1.jsonl"));
    // Up to two power cycles each, until each phone has left its first load: every phone is
    // mid-plan (how many cycles that takes depends on which phone serve leads with).
    let mut running: Vec<String> = bench.iter().map(|p| p.from.to_string()).collect();
    for _ in 0..2 {
        for (phone, load) in bench.iter().zip(running.iter_mut()) {
            if load.as_str() == phone.from {
                *load = power_cycle(first.address, phone, load);
            }
        }
    }
    assert_eq!(
        running[0], "P0S3-06-3-00",
        "the factory phone is one stage in"
    );
    // serve writes its state at most once a second: wait for that write, so that the kill
    // comes mid-plan, not mid-write (a phone may have taken its stage in the last cycle).
    first.settled_events();
    std::thread::sleep(Duration::from_millis(1500));
    first.kill();
    let second = Serve::start(address(), &args, &dir.join("events-2.jsonl"));
    for (phone, load) in bench.iter().zip(&running) {
        let path = walk(second.address, phone, load, phone.to, 25);
        assert_eq!(
            path.last().map(String::as_str),
            Some(phone.to),
            "{}: {path:?}",
            phone.mac
        );
    }
    let events = second.events();
    // Resumed, not started afresh: the restarted serve knew that the factory phone had fetched
    // its first stage's image whole before the kill.
    let first_stage_done = events
        .iter()
        .find(|e| e["event"] == "stage_done" && e["mac"] == bench[0].mac)
        .unwrap();
    assert_eq!(first_stage_done["to"], "P0S3-06-3-00", "{first_stage_done}");
    let (code, summary) = second.stop();
    assert_eq!(code, 0, "{summary}");
    assert!(summary.contains("3 of 3 phones done\n"), "{summary}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_done_phone_that_comes_back_on_a_load_it_left_is_held_and_reported_not_walked_again() {
    let dir = scratch("came-back");
    let root = bench_root(&dir);
    let phone = phones()[0].clone();
    let serve = serve_one(&dir, &root, &phone, &["--phones", phone.mac]);
    let path = walk(serve.address, &phone, phone.from, TARGET, 10);
    assert_eq!(path.last().map(String::as_str), Some(TARGET), "{path:?}");
    let done = serve.settled_events().len();
    assert!(serve.events().iter().any(|e| e["event"] == "phone_done"));

    // Someone flashes the factory image back: the phone boots as P0030301MFG2 again, twice.
    for _ in 0..2 {
        assert_eq!(
            power_cycle(serve.address, &phone, phone.from),
            phone.from,
            "serve names no other load for it"
        );
    }
    let events = serve.events();
    let after = &events[done..];
    let failed: Vec<_> = after
        .iter()
        .filter(|e| e["event"] == "phone_failed")
        .collect();
    assert_eq!(failed.len(), 1, "{after:#?}");
    let why = failed[0]["why"].as_str().unwrap();
    assert!(
        why.contains("came back on a load it left") && why.contains("reached P0S3-08-11-00"),
        "{why}"
    );
    // Not walked again: no new stage, no image, nothing placed.
    for e in after {
        assert!(
            !matches!(
                e["event"].as_str(),
                Some("stage_done" | "placed" | "phone_done")
            ),
            "{e}"
        );
        let file = e["file"].as_str().unwrap_or_default();
        assert!(
            e["event"] != "sent" || !is_firmware(file),
            "no firmware for it: {e}"
        );
        // Every error 1 for a file DIR has says why.
        if e["event"] == "not_found" && root.join(e["file"].as_str().unwrap()).exists() {
            assert!(e["why"].is_string(), "{e}");
        }
    }
    let (code, summary) = serve.stop();
    assert_eq!(code, 1, "{summary}");
    assert!(
        summary.contains("0 of 1 phone done; 1 failed\n"),
        "{summary}"
    );
    assert!(summary.contains("stage 3 of 3"), "{summary}");
    assert!(!summary.contains("of 6"), "{summary}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_set_up_help_names_the_dhcp_options_and_the_port_69_fix() {
    let (code, out, _) =
        super::support::run(&["serve", "--print-dhcp", "dnsmasq", "--listen", "127.0.0.1"]);
    assert_eq!(code, 0);
    assert_eq!(out, "# dnsmasq: point the phones at phoneup serve on 127.0.0.1\ndhcp-option=150,127.0.0.1\ndhcp-option=66,\"127.0.0.1\"\n");
    let (code, out, _) =
        super::support::run(&["serve", "--print-dhcp", "isc", "--listen", "127.0.0.1:6969"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("option cisco-tftp-servers code 150 = array of ip-address;"),
        "{out}"
    );
    assert!(
        out.contains("option tftp-server-name \"127.0.0.1\";"),
        "{out}"
    );
    assert!(out.contains("Phones always ask port 69"), "{out}");
    let dir = scratch("usage");
    let root = dir.join("root");
    std::fs::create_dir_all(&root).unwrap();
    let root_arg = root.to_str().unwrap();
    let (code, _, err) =
        super::support::run(&["serve", "--root", root_arg, "--to", "P0S3-08-11-00"]);
    assert_eq!(code, 2);
    assert!(err.contains("--phones"), "{err}");
    let inside = root.join("state.json");
    let (code, _, err) = super::support::run(&[
        "serve",
        "--root",
        root_arg,
        "--to",
        "P0S3-08-11-00",
        "--all",
        "--listen",
        "127.0.0.1:0",
        "--state",
        inside.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("inside the served directory"), "{err}");
    let (code, _, err) = super::support::run(&[
        "serve",
        "--root",
        root_arg,
        "--to",
        "P0S3-08-11-00",
        "--phones",
        "00:18:b9:zz",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("not a MAC address"), "{err}");
    // Port 69 as a user without the capability: the error says how to get it.
    if super::support::is_root() {
        let output = Command::new("setpriv")
            .args([
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "--inh-caps=-all",
                "--bounding-set=-net_bind_service",
            ])
            .arg(assert_cmd::cargo::cargo_bin("phoneup"))
            .args([
                "serve",
                "--root",
                root_arg,
                "--to",
                "P0S3-08-11-00",
                "--all",
                "--listen",
                "127.0.0.1:69",
            ])
            .args(["--state", "/tmp/phoneup-serve-port69-state.json"])
            .output()
            .expect("setpriv runs (util-linux)");
        let err = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{err}");
        assert!(err.contains("setcap cap_net_bind_service=+ep"), "{err}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn serve_refuses_at_start_a_target_no_plan_reaches_and_says_what_to_give_instead() {
    use super::support::Background;

    let dir = scratch("unreachable");
    let root = dir.join("root");
    std::fs::create_dir_all(&root).unwrap();
    let state = super::bench::state_file(&dir);
    for (extra, says) in [
        (
            &[
                "--to",
                "P0S3-08-11-00",
                "--phones",
                "0018B9000001=P0030301MFG2",
            ][..],
            &[
                "--phones 0018B9000001=P0030301MFG2: serve could walk no phone there",
                "No source lists the files of P0030301MFG2",
                "e.g. --phones 0018B9000001=P",
            ][..],
        ),
        (
            &[
                "--to",
                "P0S3-08-11-00",
                "--phones",
                "0018B9000001=P0M3-07-7-00",
            ][..],
            &[
                "--phones 0018B9000001=P0M3-07-7-00: serve could walk no phone there",
                "No rule leads to an MGCP load",
                "phoneup plan --from LOAD --to P0M3-07-7-00",
            ][..],
        ),
        (
            &["--to", "P0030301MFG2", "--all"][..],
            &[
                "--to P0030301MFG2: serve could walk no phone there",
                "e.g. --to P",
            ][..],
        ),
    ] {
        let mut args: Vec<String> = ["serve", "--root", root.to_str().unwrap()]
            .iter()
            .map(|s| s.to_string())
            .collect();
        args.extend(extra.iter().map(|s| s.to_string()));
        args.extend(["--listen".into(), "127.0.0.1:0".into(), "--state".into()]);
        args.push(state.to_str().unwrap().into());
        let (code, _, err) = Background::start(&args).wait(Duration::from_secs(20));
        assert_eq!(code, Some(2), "{extra:?}: {err}");
        for text in says {
            assert!(err.contains(text), "{extra:?}: {err}");
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}
