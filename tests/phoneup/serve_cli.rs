//! What `phoneup serve` says and how it exits around the serving itself: its start line, the
//! phones expected and never seen (named in the summary, exit 1), `--leases` and
//! `--phones-file` that are not regular files of a sane size (exit 2, never a hang), a second
//! serve on the same state (refused), and `--forget MAC` (refused while a serve runs, then
//! done). Every serve is stopped by a guard; a FIFO is opened by a serve that must not wait on it.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::bench::{bench_args, bench_root, phones, scratch, state_file, Serve, TARGET};
use super::loopback::free_port;
use super::support::{run_command, Test};

fn address() -> SocketAddr {
    format!("127.0.0.1:{}", free_port("127.0.0.1"))
        .parse()
        .unwrap()
}

/// phoneup, stopped after 10 s whatever it does.
fn phoneup() -> assert_cmd::Command {
    let mut command = super::support::phoneup();
    command.timeout(Duration::from_secs(10));
    command
}

/// `serve` with `args` after DIR and the target, at most 10 s.
fn serve_fails(root: &Path, args: &[&str]) -> (i32, String) {
    let mut command = phoneup();
    command
        .args([
            "serve",
            "--tftp-root",
            root.to_str().unwrap(),
            "--to",
            TARGET,
        ])
        .args(["--listen", &address().to_string()])
        .args(args);
    let started = Instant::now();
    let (code, _, stderr) = run_command(&mut command);
    assert!(started.elapsed() < Duration::from_secs(10), "{stderr}");
    (code, stderr)
}

#[test]
fn leases_and_phones_files_must_be_regular_files_of_a_sane_size() {
    let dir = scratch("inputs");
    let root = bench_root(&dir);
    let fifo = dir.join("fifo");
    let fifo_c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo on a path of the test's own folder.
    assert_eq!(unsafe { libc::mkfifo(fifo_c.as_ptr(), 0o644) }, 0);
    let huge = dir.join("huge.leases");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(17 << 20)
        .unwrap();
    for flag in ["--leases", "--phones-file"] {
        let mut cases = vec![
            ("/nonexistent.leases", "cannot read /nonexistent.leases"),
            ("/dev/zero", "is not a regular file"),
            (fifo.to_str().unwrap(), "is not a regular file"),
            (dir.to_str().unwrap(), "is not a regular file"),
            (
                huge.to_str().unwrap(),
                "holds 17825792 bytes, more than serve reads",
            ),
        ];
        if flag == "--phones-file" {
            cases[0].1 = "cannot read /nonexistent.leases";
        }
        for (path, says) in cases {
            let mut args = vec![flag, path];
            if flag == "--leases" {
                args.extend(["--phones", "0018B9000011"]);
            }
            let (code, stderr) = serve_fails(&root, &args);
            assert_eq!(code, 2, "{flag} {path}: {stderr}");
            assert!(stderr.contains(says), "{flag} {path}: {stderr}");
            assert!(!stderr.contains("listening"), "{flag} {path}: {stderr}");
        }
    }
}

#[test]
fn a_state_file_serve_cannot_write_stops_it_before_its_start_line() {
    let dir = scratch("unwritable-state");
    let root = bench_root(&dir);
    let folder = dir.join("state");
    std::fs::create_dir(&folder).unwrap();
    // A name the lock (NAME.lock) can take but the temporary file of a write cannot: too long.
    let state = folder.join("s".repeat(245));
    let (code, stderr) = serve_fails(&root, &["--all", "--state", state.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot write the state file"), "{stderr}");
    assert!(
        stderr.contains("choose another with --state PATH"),
        "{stderr}"
    );
    assert!(!stderr.contains("listening"), "{stderr}");
}

/// A serve of a bench root for the first two phones of the bench, in a scratch folder tagged
/// `tag`: the folder, DIR, the state file, serve's arguments, and serve.
fn two_phones(tag: &str) -> (Test, PathBuf, PathBuf, Vec<String>, Serve) {
    let dir = scratch(tag);
    let root = bench_root(&dir);
    let state = state_file(&dir);
    let args = bench_args(&dir, &root, &phones()[..2], &state);
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let serve = Serve::start(address(), &words, &dir.join("events.jsonl"));
    (dir, root, state, args, serve)
}

#[test]
fn the_start_line_says_what_serve_does_and_a_phone_never_seen_ends_in_exit_1_named() {
    let (_dir, _, state, _, serve) = two_phones("unseen");
    let bench = &phones()[..2];
    let at = serve.address;
    // One of the two phones boots (and is left mid-walk); the other never asks.
    super::bench::power_cycle(at, &bench[1], bench[1].from);
    let (code, stderr) = serve.stop();
    assert_eq!(code, 1, "{stderr}");
    let start = format!(
        "phoneup serve: listening on {at} (TFTP)\n  walking phones to {TARGET}\n  serving "
    );
    assert!(stderr.starts_with(&start), "{stderr}");
    assert!(
        stderr.contains("  2 phones expected, none seen yet:\n    0018B9000011 0018B9000012\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("  state: {}\n", state.display())),
        "{stderr}"
    );
    assert!(
        stderr.contains("Ctrl-C stops serve and sums up.\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("phoneup serve stopped: 0 of 2 phones done; 1 not finished, 1 not seen\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("  0018B9000011  not seen      it never asked"),
        "{stderr}"
    );
}

#[test]
fn forget_resets_one_phone_and_refuses_while_a_serve_runs_on_the_state() {
    let (_dir, root, state, args, serve) = two_phones("forget");
    let bench = &phones()[..2];
    super::bench::power_cycle(serve.address, &bench[1], bench[1].from);
    let forget = |mac: &str| {
        run_command(phoneup().args([
            "serve",
            "--tftp-root",
            root.to_str().unwrap(),
            "--state",
            state.to_str().unwrap(),
            "--forget",
            mac,
        ]))
    };
    // While serve runs: refused, the record untouched.
    let (code, stdout, stderr) = forget("00:18:b9:00:00:12");
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "Refused: a phoneup serve is running on the state file {}",
            state.display()
        )),
        "{stderr}"
    );
    // A second serve on the same state: refused at start.
    let mut second = phoneup();
    second
        .args(["serve"])
        .args(args)
        .args(["--listen", &address().to_string()]);
    let (code, _, stderr) = run_command(&mut second);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("another phoneup serve is running on the state file"),
        "{stderr}"
    );
    let (code, summary) = serve.stop();
    assert_eq!(code, 1, "{summary}");
    let record = |mac: &str| {
        let text = std::fs::read_to_string(&state).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        value["phones"].get(mac).is_some()
    };
    assert!(record("0018B9000012"));
    // Stopped: forgotten; then there is nothing left to forget.
    let (code, stdout, stderr) = forget("0018B9000012");
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(
        stdout,
        format!(
            "Forgot 0018B9000012: its record is gone from {}; at its next boot serve places it afresh.\n",
            state.display()
        )
    );
    assert!(!record("0018B9000012"));
    let (code, stdout, _) = forget("0018B9000012");
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.starts_with("No record of 0018B9000012 in "),
        "{stdout}"
    );
    let (code, _, stderr) = forget("not-a-mac");
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--forget: "), "{stderr}");
}
