//! `phoneup diagnose --follow`: findings printed as a log grows, across rotation (renamed, or
//! copied and truncated); stopped by SIGINT or SIGTERM with a summary, within a second whatever
//! it reads (`/dev/zero`, `/dev/urandom`, a FIFO no one writes to).

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::diagnose::log;
use super::support::Test;

/// Kills the child when the test ends, passed or not.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn follow_prints_findings_as_they_appear_across_rotation() {
    let test = Test::new();
    let dir = test.dir("diagnose-follow", &[]);
    let path = dir.join("syslog");
    std::fs::write(&path, "").unwrap();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_phoneup"));
    command
        .args([
            "diagnose",
            "--follow",
            "--format",
            "json",
            path.to_str().unwrap(),
        ])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut guard = Guard(command.spawn().unwrap());
    let stdout = guard.0.stdout.take().unwrap();
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if send.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let nak = |n: u32| {
        format!(
            "Nov 21 09:27:{n:02} vm in.tftpd[{n}]: RRQ from 127.0.0.12 filename CTLSEP0018B9000002.tlv\n\
             Nov 21 09:27:{n:02} vm in.tftpd[{n}]: sending NAK (2, Only absolute filenames allowed) to 127.0.0.12\n"
        )
    };
    let append = |text: &str| {
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        f.write_all(text.as_bytes()).unwrap();
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    let expect = |kind: &str| -> Value {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = receive
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no {kind} finding in time"));
            let finding: Value = serde_json::from_str(&line).unwrap();
            if finding["kind"] == kind {
                return finding;
            }
        }
    };
    append(&nak(1));
    assert_eq!(expect("wrong_error_code")["file"], "CTLSEP0018B9000002.tlv");
    // Rotation: the old file moves away, a new one takes its name.
    std::fs::rename(&path, dir.join("syslog.1")).unwrap();
    std::fs::write(&path, nak(2) + &nak(3)).unwrap();
    append(&nak(4));
    let found = expect("request_loop");
    assert_eq!(found["count"], 4);
    assert_eq!(found["lines"], serde_json::json!([1, 3, 5, 7]));
}

/// `diagnose --follow LOG` (text) stopped by `signal` once it printed `wait_for`: its exit code
/// and what it printed. `log` `None` is standard input: `piped` is written to it, and it is
/// kept open.
fn follow_until(
    log: Option<&Path>,
    piped: &[u8],
    signal: i32,
    wait_for: &str,
) -> (Option<i32>, String) {
    let args: Vec<&str> = log.map(|l| l.to_str().unwrap()).into_iter().collect();
    let mut following = Following::start(&args, Some(piped));
    following.wait_for(wait_for);
    let (_, code, printed) = following.stop(signal);
    (code, printed)
}

#[test]
fn follow_stopped_by_ctrl_c_or_sigterm_sums_up_and_exits_by_its_findings() {
    let test = Test::new();
    let dir = test.dir(
        "diagnose-follow-signal",
        &[
            (
                "looping",
                &std::fs::read(log("tftpd-hpa-nosecure.syslog-traditional")).unwrap()[..],
            ),
            (
                "clean",
                b"Nov 22 01:36:38 h dnsmasq-tftp[35]: sent /srv/tftp/OS79XX.TXT to 127.0.0.11\n",
            ),
        ],
    );
    // Ctrl-C after the findings: they stay printed, a summary follows, exit 1 (findings).
    let looping = dir.join("looping");
    let (code, printed) = follow_until(Some(&looping), b"", libc::SIGINT, "wrong_error_code");
    assert_eq!(code, Some(1), "{printed}");
    assert!(printed.contains("Stopped: 2 findings, above."), "{printed}");
    // SIGTERM on a clean log: exit 0, not 143.
    let clean = dir.join("clean");
    let (code, printed) = follow_until(Some(&clean), b"", libc::SIGTERM, "Ctrl-C stops");
    assert_eq!(code, Some(0), "{printed}");
    assert!(
        printed.contains("1 lines read (dnsmasq 1), 0 not recognised. Stopped: no findings."),
        "{printed}"
    );
    // Standard input still open (journalctl -f | phoneup diagnose --follow): Ctrl-C stops it,
    // after what it had was read; nothing from a phone is no_requests, exit 1.
    let cron = b"Nov 21 09:27:15 vm CRON[1]: (root) CMD (true)\n";
    let (code, printed) = follow_until(None, cron, libc::SIGINT, "following standard input");
    assert_eq!(code, Some(1), "{printed}");
    assert!(
        printed.contains("no_requests  the whole input"),
        "{printed}"
    );
    assert!(
        printed.contains(
            "1 lines read (no TFTP server lines), 1 not recognised. Stopped: 1 finding, above."
        ),
        "{printed}"
    );
}

/// A `phoneup diagnose --follow ARGS` running, its standard output and error read line by line.
/// Bounded: every wait has a deadline, and the process is killed when this is dropped.
struct Following {
    guard: Guard,
    lines: mpsc::Receiver<String>,
    printed: String,
    /// Standard input, kept open while it runs (`None`: none given).
    _stdin: Option<std::process::ChildStdin>,
}

impl Following {
    /// Starts it with `args`; with `piped`, standard input is a pipe that gets those bytes
    /// and stays open.
    fn start(args: &[&str], piped: Option<&[u8]>) -> Following {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_phoneup"));
        command
            .args(["diagnose", "--follow"])
            .args(args)
            .env("NO_COLOR", "1")
            .stdin(match piped {
                Some(_) => Stdio::piped(),
                None => Stdio::null(),
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut guard = Guard(command.spawn().unwrap());
        let stdin = piped.map(|bytes| {
            let mut stdin = guard.0.stdin.take().unwrap();
            stdin.write_all(bytes).unwrap();
            stdin
        });
        let (send, lines) = mpsc::channel();
        for stream in [
            Box::new(guard.0.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(guard.0.stderr.take().unwrap()),
        ] {
            let send = send.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines() {
                    if send.send(line.unwrap()).is_err() {
                        break;
                    }
                }
            });
        }
        Following {
            guard,
            lines,
            printed: String::new(),
            _stdin: stdin,
        }
    }

    /// Waits (at most 20 s) until `text` was printed.
    fn wait_for(&mut self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.printed.contains(text) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => self.printed += &(line + "\n"),
                Err(_) => panic!("no {text:?} in time: {}", self.printed),
            }
        }
    }

    /// Sends `signal`; returns how long the process took to end (failing past 5 s), its exit
    /// code and everything it printed.
    fn stop(mut self, signal: i32) -> (Duration, Option<i32>, String) {
        let sent = Instant::now();
        // SAFETY: a signal to the child this test started and still holds.
        unsafe { libc::kill(self.guard.0.id() as i32, signal) };
        let code = loop {
            if let Some(status) = self.guard.0.try_wait().unwrap() {
                break status.code();
            }
            assert!(
                sent.elapsed() < Duration::from_secs(5),
                "still running 5 s after signal {signal}: {}",
                self.printed
            );
            std::thread::sleep(Duration::from_millis(10));
        };
        let took = sent.elapsed();
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
            self.printed += &(line + "\n");
        }
        (took, code, self.printed)
    }
}

#[test]
fn follow_stops_within_a_second_of_a_signal_whatever_it_reads() {
    let test = Test::new();
    let dir = test.dir("diagnose-follow-endless", &[]);
    let fifo = dir.join("fifo");
    let name = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a NUL-terminated path in this test's folder.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
    let fifo = fifo.to_str().unwrap();
    for (input, signal) in [
        ("/dev/zero", libc::SIGINT),
        ("/dev/urandom", libc::SIGINT),
        (fifo, libc::SIGINT),
        (fifo, libc::SIGTERM),
    ] {
        let mut following = Following::start(&[input], None);
        following.wait_for("Ctrl-C stops");
        // Well into the reading (or the waiting for a writer).
        std::thread::sleep(Duration::from_millis(300));
        let (took, code, printed) = following.stop(signal);
        assert!(
            took < Duration::from_secs(1),
            "{input} took {took:?} to stop after signal {signal}"
        );
        assert_eq!(code, Some(1), "{input}: {printed}");
        assert!(printed.contains("Stopped: 1 finding, above."), "{printed}");
    }
}

#[test]
fn follow_keeps_every_line_of_a_copy_and_truncate_rotation() {
    // GNU `tail -F` reads all nine new requests; phoneup once read only those past its place.
    let request = |client: u32, second: u32| {
        format!("Nov 21 09:27:{second:02} pbx in.tftpd[1]: RRQ from 10.0.0.{client} filename CTLSEP0018B900000{client}.tlv\n")
    };
    let old: String = (1..=5).map(|n| request(4, n)).collect();
    let test = Test::new();
    let dir = test.dir("diagnose-follow-copytruncate", &[("f.log", old.as_bytes())]);
    let path = dir.join("f.log");
    let mut following = Following::start(&[path.to_str().unwrap()], None);
    following.wait_for("request_loop  10.0.0.4");
    // logrotate's copytruncate: the file copied away, truncated, and written again at once.
    let new: String = (1..=9).map(|n| request(5, n)).collect();
    std::fs::write(&path, new).unwrap();
    following.wait_for("request_loop  10.0.0.5");
    std::thread::sleep(Duration::from_millis(600));
    let (_, code, printed) = following.stop(libc::SIGINT);
    assert_eq!(code, Some(1), "{printed}");
    assert!(
        printed.contains("14 lines read (tftpd-hpa 14), 0 not recognised."),
        "{printed}"
    );
    assert!(
        printed.contains("CTLSEP0018B9000005.tlv  9 times"),
        "{printed}"
    );
}
