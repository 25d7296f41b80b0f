//! `phoneup serve` over real UDP on loopback with a 7961G on the bench beside a 7960: serve
//! walks the 7940/7960 only, so it tells the 7961G by its requests (`ITLSEP<MAC>.tlv` on 9.x),
//! serves it nothing that names a load and no image, holds it with the commands to use instead,
//! and ends in exit 1, while the 7960 walks to its target. A 7906 to 7975 target is refused at
//! start with the same commands. Named with its model in the phones file (`MAC=TARGET
//! from=LOAD model=7961`), the 7961G is walked by its family's stages beside the 7960, one power
//! cycle a stage. Every serve is stopped by a guard; every loop is bounded.

use std::process::Command;
use std::time::Duration;

use phoneup::wire::serve::memory::family::stand_in_package;

use super::bench::{address, bench_root, leases, scratch, state_file, walk, Bench, Serve, TARGET};

const MAC_7961: &str = "0018B9000061";
const IP_7961: &str = "127.0.0.61";
const FROM_7961: &str = "SIP41.9-4-2SR3-1S";

/// One power cycle of the 7961G's phone model over the wire: its boot as JSON.
fn boot_7961(server: std::net::SocketAddr) -> serde_json::Value {
    boot_7961_on(server, FROM_7961)
}

fn boot_7961_on(server: std::net::SocketAddr, running: &str) -> serde_json::Value {
    let output = Command::new(assert_cmd::cargo::cargo_bin("phoneup"))
        .args(["simulate", "--model", "7961", "--from", running])
        .args(["--server", &server.to_string(), "--bind", IP_7961])
        .args(["--mac", MAC_7961, "--boots", "1", "--format", "json"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "simulate gave no JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// The 7960 of the bench, and a lease file giving it and the 7961G their addresses.
fn the_7960_and_leases(dir: &std::path::Path) -> (Bench, std::path::PathBuf) {
    let the_7960 = Bench {
        ip: "127.0.0.60",
        mac: "0018B9000060",
        from: "P0S3-06-3-00",
        to: TARGET,
    };
    let mut text = std::fs::read_to_string(leases(dir, std::slice::from_ref(&the_7960))).unwrap();
    text.push_str(&format!("1999999999 00:18:b9:00:00:61 {IP_7961} phone *\n"));
    let path = dir.join("both.leases");
    std::fs::write(&path, text).unwrap();
    (the_7960, path)
}

#[test]
fn a_7961g_beside_a_7960_is_held_with_the_commands_to_use_and_the_7960_walks() {
    let dir = scratch("family");
    let root = bench_root(&dir);
    let (the_7960, leases) = the_7960_and_leases(&dir);
    let state = state_file(&dir);
    let phones = format!("{},{MAC_7961}", the_7960.mac);
    let serve = Serve::start(
        address(),
        &[
            "--tftp-root",
            root.to_str().unwrap(),
            "--to",
            TARGET,
            "--phones",
            &phones,
            "--leases",
            leases.to_str().unwrap(),
            "--state",
            state.to_str().unwrap(),
        ],
        &dir.join("events.jsonl"),
    );
    for _ in 0..2 {
        let boot = boot_7961(serve.address);
        assert_eq!(boot["running"], FROM_7961, "{boot}");
    }
    let path = walk(serve.address, &the_7960, the_7960.from, TARGET, 10);
    assert_eq!(path.last().map(String::as_str), Some(TARGET), "{path:?}");
    let events = serve.settled_events();
    let of_7961: Vec<&serde_json::Value> = events.iter().filter(|e| e["mac"] == MAC_7961).collect();
    // Nothing that names a load, and no image, reached it.
    for e in &of_7961 {
        if e["event"] == "sent" {
            let file = e["file"].as_str().unwrap();
            assert!(
                !file.ends_with(".cnf.xml") && !file.contains(".loads") && !file.ends_with(".sbn"),
                "{e}"
            );
        }
    }
    let failed: Vec<&&serde_json::Value> = of_7961
        .iter()
        .filter(|e| e["event"] == "phone_failed")
        .collect();
    assert_eq!(failed.len(), 1, "{of_7961:?}");
    let why = failed[0]["why"].as_str().unwrap();
    assert!(
        why.starts_with("a Java-based 7906 to 7975 (it asks for ITLSEP0018B9000061.tlv"),
        "{why}"
    );
    assert!(
        why.contains("phoneup apply --model MODEL --from LOAD --to LOAD --stage 1 --tftp-root DIR --mac 0018B9000061"),
        "{why}"
    );
    assert!(events
        .iter()
        .any(|e| e["event"] == "phone_done" && e["mac"] == the_7960.mac));
    let (code, summary) = serve.stop();
    assert_eq!(code, 1, "{summary}");
    assert!(summary.contains("0018B9000061"), "{summary}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn serve_refuses_a_7906_to_7975_target_at_start_with_the_commands_to_use() {
    use super::support::Background;

    let dir = scratch("family-target");
    let root = dir.join("root");
    std::fs::create_dir_all(&root).unwrap();
    let state = state_file(&dir);
    let args: Vec<String> = [
        "serve",
        "--tftp-root",
        root.to_str().unwrap(),
        "--to",
        "SIP41.9-4-2SR3-1S",
        "--all",
        "--listen",
        "127.0.0.1:0",
        "--state",
        state.to_str().unwrap(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let (code, _, err) = Background::start(&args).wait(Duration::from_secs(20));
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("--to: `SIP41.9-4-2SR3-1S` is a 7941/7961 load: serve walks a 7906 to 7975 only when the phone's own line names its model and load, MAC=SIP41.9-4-2SR3-1S from=LOAD model=7941|7961 in --phones or --phones-file"),
        "{err}"
    );
    assert!(
        err.contains("phoneup apply --model <7941 or 7961> --from LOAD --to SIP41.9-4-2SR3-1S --stage 1 --tftp-root DIR --mac MAC"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// A stand-in package of `load` in `root` (no Cisco file), as serve's in-memory bench has it.
fn put_package(root: &std::path::Path, load: &str) {
    for (name, bytes) in stand_in_package(load) {
        std::fs::write(root.join(name), bytes).unwrap();
    }
}

#[test]
fn a_7961g_and_a_7960_on_one_bench_walk_to_their_targets_over_udp_one_power_cycle_a_stage() {
    let dir = scratch("family-walk");
    let root = bench_root(&dir);
    let (from, to) = ("SCCP41.8-3-1S", "SIP41.9-4-2SR3-1S");
    for load in [from, "SCCP41.8-5-2S", to] {
        put_package(&root, load);
    }
    std::fs::write(
        root.join(format!("SEP{MAC_7961}.cnf.xml")),
        format!("<device>\n  <userLocale>English_United_States</userLocale>\n  <loadInformation>{from}</loadInformation>\n</device>\n"),
    )
    .unwrap();
    let (the_7960, leases) = the_7960_and_leases(&dir);
    let phones = dir.join("phones.txt");
    std::fs::write(
        &phones,
        format!(
            "# the bench\n{MAC_7961}={to} from={from} model=7961\n{} from={}\n",
            the_7960.mac, the_7960.from
        ),
    )
    .unwrap();
    let state = state_file(&dir);
    let serve = Serve::start(
        address(),
        &[
            "--tftp-root",
            root.to_str().unwrap(),
            "--to",
            TARGET,
            "--phones-file",
            phones.to_str().unwrap(),
            "--leases",
            leases.to_str().unwrap(),
            "--state",
            state.to_str().unwrap(),
        ],
        &dir.join("events.jsonl"),
    );
    let the_7961 = std::thread::spawn({
        let server = serve.address;
        move || {
            let mut loads = vec![from.to_string()];
            let mut cycles = 0;
            while loads.last().map(String::as_str) != Some(to) && cycles < 8 {
                let boot = boot_7961_on(server, loads.last().unwrap());
                cycles += 1;
                let now = boot["running"].as_str().unwrap().to_string();
                if now != *loads.last().unwrap() {
                    loads.push(now);
                }
            }
            // Two more: it stays on its target, and serve sees it there.
            for _ in 0..2 {
                assert_eq!(boot_7961_on(server, to)["running"], to);
            }
            (loads, cycles)
        }
    });
    let path = walk(serve.address, &the_7960, the_7960.from, TARGET, 10);
    let (loads, cycles) = the_7961.join().unwrap();
    assert_eq!(loads, [from, "SCCP41.8-5-2S", to]);
    assert_eq!(cycles, 2, "one power cycle a stage");
    assert_eq!(
        path,
        [the_7960.from, "P003-08-11-00", TARGET],
        "its two stages"
    );
    let events = serve.settled_events();
    for mac in [MAC_7961, the_7960.mac] {
        assert!(
            events
                .iter()
                .any(|e| e["event"] == "phone_done" && e["mac"] == mac),
            "no phone_done for {mac}"
        );
    }
    let stages: Vec<(String, String)> = events
        .iter()
        .filter(|e| e["event"] == "stage_done" && e["mac"] == MAC_7961)
        .map(|e| (e["load"].to_string(), e["to"].to_string()))
        .collect();
    assert_eq!(
        stages,
        [
            (format!("\"{from}\""), "\"SCCP41.8-5-2S\"".to_string()),
            ("\"SCCP41.8-5-2S\"".to_string(), format!("\"{to}\""))
        ]
    );
    let (code, summary) = serve.stop();
    assert_eq!(code, 0, "{summary}");
    assert!(summary.contains("2 of 2 phones done"), "{summary}");
    // serve never writes DIR: the user's SEP file is theirs.
    assert!(
        std::fs::read_to_string(root.join(format!("SEP{MAC_7961}.cnf.xml")))
            .unwrap()
            .contains(from)
    );
    let _ = std::fs::remove_dir_all(dir);
}
