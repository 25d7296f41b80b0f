//! `simulate --server` rehearsing against `phoneup serve` over loopback: the `then run:` line
//! goes on from the load the phone ended on, and running it walks the phone on, where
//! restarting from the original `--from` would make serve fail the phone for good. serve is
//! stopped by its guard; every run is bounded.

use std::process::Command;

use super::bench::{bench_root, scratch, Serve, TARGET};
use super::loopback::free_port;

#[test]
fn the_next_command_goes_on_from_the_load_the_phone_ended_on_and_serve_walks_it_on() {
    let dir = scratch("rehearse");
    let root = bench_root(&dir);
    let address = format!("127.0.0.1:{}", free_port("127.0.0.1"))
        .parse()
        .unwrap();
    let state = super::bench::state_file(&dir);
    let serve = Serve::start(
        address,
        &[
            "--root",
            root.to_str().unwrap(),
            "--to",
            TARGET,
            "--all",
            "--state",
            state.to_str().unwrap(),
        ],
        &dir.join("events.jsonl"),
    );
    let server = address.to_string();
    let simulate = |args: &[&str]| {
        let output = Command::new("timeout")
            .arg("120")
            .arg(assert_cmd::cargo::cargo_bin("phoneup"))
            .args(args)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        )
    };
    let boots = |n: &'static str| {
        [
            "simulate",
            "--from",
            "P0030301MFG2",
            "--server",
            &server,
            "--bind",
            "127.0.0.41",
            "--mac",
            "0018B9000041",
            "--boots",
            n,
        ]
        .map(String::from)
    };
    // The boot serve recognises the phone by: nothing names a load yet.
    let (code, text) = simulate(&boots("1").each_ref().map(String::as_str));
    assert_eq!(code, Some(0), "{text}");
    let (code, text) = simulate(&boots("3").each_ref().map(String::as_str));
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("The phone ends on P0S3-08-11-00: still changing"),
        "{text}"
    );
    let next = format!(
        "phoneup simulate --from P0S3-08-11-00 --server {server} --bind 127.0.0.41 --mac 0018B9000041 --boots 20"
    );
    assert!(text.contains(&format!("then run: {next}\n")), "{text}");
    // serve's plain File not found reads as it always did; only other words are shown.
    let plain = format!("  RRQ {:<28} not found\n", "CTLSEP0018B9000041.tlv");
    assert!(text.contains(&plain), "{text}");

    // The command as printed: the phone boots on from where it is, and settles on the target.
    let words: Vec<&str> = next.split(' ').skip(1).collect();
    let (code, text) = simulate(&words);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains(&format!("The phone ends on {TARGET}: stable.")),
        "{text}"
    );
    let (_, summary) = serve.stop();
    assert!(
        summary.contains("stopped: 1 of 1 phone done\n"),
        "{summary}"
    );
}
