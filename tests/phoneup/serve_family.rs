//! `phoneup serve` over real UDP on loopback with a 7961G on the bench beside a 7960: serve
//! walks the 7940/7960 only, so it tells the 7961G by its requests (`ITLSEP<MAC>.tlv` on 9.x),
//! serves it nothing that names a load and no image, holds it with the commands to use instead,
//! and ends in exit 1, while the 7960 walks to its target. A 7906 to 7975 target is refused at
//! start with the same commands. Every serve is stopped by a guard; every loop is bounded.

use std::process::Command;
use std::time::Duration;

use super::bench::{address, bench_root, leases, scratch, state_file, walk, Bench, Serve, TARGET};

const MAC_7961: &str = "0018B9000061";
const IP_7961: &str = "127.0.0.61";
const FROM_7961: &str = "SIP41.9-4-2SR3-1S";

/// One power cycle of the 7961G's phone model over the wire: its boot as JSON.
fn boot_7961(server: std::net::SocketAddr) -> serde_json::Value {
    let output = Command::new(assert_cmd::cargo::cargo_bin("phoneup"))
        .args(["simulate", "--model", "7961", "--from", FROM_7961])
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

#[test]
fn a_7961g_beside_a_7960_is_held_with_the_commands_to_use_and_the_7960_walks() {
    let dir = scratch("family");
    let root = bench_root(&dir);
    let the_7960 = Bench {
        ip: "127.0.0.60",
        mac: "0018B9000060",
        from: "P0S3-06-3-00",
        to: TARGET,
    };
    let mut leases_text =
        std::fs::read_to_string(leases(&dir, std::slice::from_ref(&the_7960))).unwrap();
    leases_text.push_str(&format!("1999999999 00:18:b9:00:00:61 {IP_7961} phone *\n"));
    let leases = dir.join("both.leases");
    std::fs::write(&leases, leases_text).unwrap();
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
        err.contains(
            "--to: `SIP41.9-4-2SR3-1S` is a 7941/7961 load, and serve walks the 7940 and 7960 only"
        ),
        "{err}"
    );
    assert!(
        err.contains("phoneup apply --model <7941 or 7961> --from LOAD --to SIP41.9-4-2SR3-1S --stage 1 --tftp-root DIR --mac MAC"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
