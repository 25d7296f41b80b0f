//! serve's live table on a real terminal: tmux at 80x24 (its own server socket, killed by a
//! guard), serve in it, five phones of the phone model walked over real UDP on loopback, and the
//! screen captured all along: the start line, no wrapped row, no leftover line from an earlier
//! frame, every row ending in what to do, and after Ctrl-C the summary and exit code 0. A second
//! walk with a hostile file name shows nothing raw on the terminal. Needs tmux
//! (`apt-get install tmux`).

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::bench::{
    bench_root, leases, phones, phones_file, scratch, state_file, walk_all, TARGET,
};
use super::loopback::free_port;
use super::reap::Reaped;

/// A tmux server of the test's own, killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(tag: &str, command: &str) -> Tmux {
        assert!(
            Path::new("/usr/bin/tmux").exists(),
            "tmux is missing: apt-get install tmux"
        );
        let tmux = Tmux {
            socket: format!("phoneup-{tag}-{}", std::process::id()),
        };
        let status = tmux
            .command()
            .args(["new-session", "-d", "-x", "80", "-y", "24", command])
            .env("NO_COLOR", "1")
            .status()
            .expect("tmux starts");
        assert!(status.success());
        tmux
    }

    fn command(&self) -> Command {
        let mut command = Command::new("tmux");
        command.args(["-L", &self.socket, "-f", "/dev/null"]);
        command
    }

    /// The screen as it shows now, one string a line (24 of them).
    fn screen(&self) -> Vec<String> {
        let output = self
            .command()
            .args(["capture-pane", "-p"])
            .output()
            .expect("tmux captures");
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(str::to_string)
            .collect()
    }

    fn keys(&self, keys: &str) {
        let _ = self.command().args(["send-keys", keys]).status();
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.command().arg("kill-server").status();
    }
}

/// What is wrong with one captured screen: a line as wide as the terminal (a wrapped row), a
/// table heading twice (a leftover frame), a line after the footer, a row with no next action.
fn faults(screen: &[String]) -> Vec<String> {
    let mut faults = Vec::new();
    let headings = screen.iter().filter(|l| l.starts_with("MAC ")).count();
    if headings > 1 {
        faults.push(format!("{headings} headings"));
    }
    for line in screen {
        if line.chars().count() >= 80 {
            faults.push(format!("a line as wide as the terminal: {line}"));
        }
    }
    if let Some(footer) = screen.iter().rposition(|l| l.contains("; Ctrl-C stops")) {
        if let Some(after) = screen[footer + 1..]
            .iter()
            .find(|l| !l.trim().is_empty() && !l.starts_with("phoneup serve stopped"))
        {
            faults.push(format!("a line after the footer: {after}"));
        }
    }
    let actions = [
        "not seen yet",
        "power-cycle it",
        "hands off:",
        "done: unplug",
        "failed:",
        "stuck:",
    ];
    let heading = screen.iter().position(|l| l.starts_with("MAC "));
    for line in heading.map(|h| &screen[h + 1..]).unwrap_or_default() {
        let is_row = line.len() > 14 && line.starts_with("0018B9") && &line[12..14] == "  ";
        if is_row && !actions.iter().any(|a| line.contains(a)) {
            faults.push(format!("a row with no next action: {line}"));
        }
    }
    faults
}

#[test]
fn the_live_table_at_80x24_has_no_wrapped_row_and_no_leftover_line_through_a_walk_of_five_phones() {
    let dir = scratch("screen");
    let root = bench_root(&dir);
    let bench = phones();
    let leases = leases(&dir, &bench);
    let phones_file = phones_file(&dir, &bench);
    let port = free_port("127.0.0.1");
    let exit = dir.join("exit");
    let command = format!(
        "{} serve --tftp-root {} --to {TARGET} --phones-file {} --leases {} --state {} --listen 127.0.0.1:{port}; echo EXIT=$? > {}; sleep 60",
        assert_cmd::cargo::cargo_bin("phoneup").display(),
        root.display(),
        phones_file.display(),
        leases.display(),
        state_file(&dir).display(),
        exit.display()
    );
    let tmux = Tmux::start("screen", &command);
    let until = Instant::now() + Duration::from_secs(15);
    let first = loop {
        let screen = tmux.screen();
        if screen
            .iter()
            .any(|l| l.contains("Ctrl-C stops and sums up"))
            && screen.len() > 12
        {
            break screen;
        }
        assert!(Instant::now() < until, "serve did not draw: {screen:#?}");
        std::thread::sleep(Duration::from_millis(100));
    };
    // The start line, then every expected phone, not seen yet.
    assert!(
        first[0].starts_with(&format!(
            "phoneup serve: listening on 127.0.0.1:{port} (TFTP)"
        )),
        "{first:#?}"
    );
    assert!(
        first
            .iter()
            .any(|l| l.contains("5 phones expected, none seen yet:")),
        "{first:#?}"
    );
    let unseen = first.iter().filter(|l| l.ends_with("not seen yet")).count();
    assert_eq!(unseen, 5, "{first:#?}");

    // The walk, the screen captured all along.
    let walking = Arc::new(AtomicBool::new(true));
    let watcher = {
        let walking = walking.clone();
        let socket = tmux.socket.clone();
        std::thread::spawn(move || {
            let tmux = Tmux { socket };
            let mut seen = Vec::new();
            while walking.load(Ordering::SeqCst) {
                let screen = tmux.screen();
                for fault in faults(&screen) {
                    seen.push(format!("{fault}\n{}", screen.join("\n")));
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            std::mem::forget(tmux);
            seen
        })
    };
    let server = format!("127.0.0.1:{port}").parse().unwrap();
    let walked = walk_all(server, &bench, 30);
    std::thread::sleep(Duration::from_millis(600));
    walking.store(false, Ordering::SeqCst);
    let seen = watcher.join().unwrap();
    assert!(seen.is_empty(), "{}", seen.join("\n\n"));
    for (phone, path) in &walked {
        assert_eq!(path.last().map(String::as_str), Some(phone.to), "{path:?}");
    }
    let last = tmux.screen();
    assert!(faults(&last).is_empty(), "{last:#?}");
    let done = last.iter().filter(|l| l.ends_with("done: unplug")).count();
    assert_eq!(done, 5, "{}", last.join("\n"));
    assert!(
        last.iter()
            .any(|l| l.starts_with("5 phones: 5 done; Ctrl-C")),
        "{last:#?}"
    );
    std::fs::write(dir.join("screen.txt"), last.join("\n")).unwrap();
    eprintln!("{}", last.join("\n"));

    tmux.keys("C-c");
    let until = Instant::now() + Duration::from_secs(10);
    while !exit.exists() {
        assert!(Instant::now() < until, "serve did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(std::fs::read_to_string(&exit).unwrap().trim(), "EXIT=0");
    let after = tmux.screen().join("\n");
    assert!(
        after.contains("phoneup serve stopped: 5 of 5 phones done\n"),
        "{after}"
    );
}

/// A screen clear, a window title ended by a bell, an imitation of phoneup's own red, a
/// carriage return and a line feed, in a file name a client asks for.
const HOSTILE: &str = "x\x1b[2J\x1b]0;owned\x07\x1b[1;31m\r\nphone_done y";

/// serve's standard output, on a pty (`script`) or a pipe, while a managed phone asks for
/// [`HOSTILE`] until serve calls it stuck (quoting the name), and serve is stopped.
fn output_with_a_hostile_name(pty: bool) -> Vec<u8> {
    let dir = scratch(if pty { "hostile-pty" } else { "hostile-pipe" });
    let root = bench_root(&dir);
    let bench = &phones()[..1];
    let leases = leases(&dir, bench);
    let port = free_port("127.0.0.1");
    let pid = dir.join("pid");
    let serve = format!(
        "{} serve --tftp-root {} --to {TARGET} --phones {} --leases {} --state {} --listen 127.0.0.1:{port}",
        assert_cmd::cargo::cargo_bin("phoneup").display(),
        root.display(),
        bench[0].mac,
        leases.display(),
        state_file(&dir).display(),
    );
    let shell = format!("{serve} & echo $! > {}; wait", pid.display());
    let mut command = if pty {
        assert!(
            Path::new("/usr/bin/script").exists(),
            "script is missing: apt-get install bsdutils"
        );
        let mut command = Command::new("script");
        command.args(["-q", "-e", "-c", &shell, "/dev/null"]);
        command
    } else {
        let mut command = Command::new("sh");
        command.args(["-c", &shell]);
        command
    };
    let child = Reaped::spawn(
        command
            .env("COLUMNS", "80")
            .env("LINES", "24")
            .env("CLICOLOR_FORCE", "1")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null()),
    )
    .with_pid_file(pid.clone());
    let server = format!("127.0.0.1:{port}").parse().unwrap();
    let until = Instant::now() + Duration::from_secs(10);
    while !super::loopback::answers(server) {
        assert!(Instant::now() < until, "serve did not answer on {server}");
        std::thread::sleep(Duration::from_millis(50));
    }
    // Asked REPEATS times in a row, the name makes the phone stuck, and the reason quotes it.
    for _ in 0..phoneup::wire::serve::registry::REPEATS {
        let _ = super::bench::fetch(server, bench[0].ip, HOSTILE);
    }
    std::thread::sleep(Duration::from_millis(700));
    let pid: i32 = std::fs::read_to_string(&pid)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // SAFETY: a plain kill(2) of the serve this test started.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let output = child.wait_with_output();
    output.stdout
}

/// What is raw in `bytes`: control characters other than phoneup's own sequences (cursor up,
/// clear below, colour) and line ends (`\r\n` on a pty).
fn raw(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let own = regex::Regex::new(r"\x1b\[(J|[0-9]+A|[0-9;]*m)|\r\n|\n").unwrap();
    let rest = own.replace_all(&text, "");
    rest.char_indices()
        .filter(|(_, c)| c.is_control())
        .map(|(at, c)| format!("{c:?} at {at}: {:?}", &rest[at.saturating_sub(30)..at]))
        .collect()
}

#[test]
fn no_raw_escape_bell_or_line_break_from_a_client_reaches_a_terminal_or_a_pipe() {
    for pty in [true, false] {
        let output = output_with_a_hostile_name(pty);
        let text = String::from_utf8_lossy(&output);
        assert!(
            text.contains("x\\u{1b}[2J\\u{1b}]0;owned\\u{7}\\u{1b}[1;31m\\r\\nphone_done y"),
            "pty {pty}: the name, escaped: {text}"
        );
        assert_eq!(raw(&output), Vec::<String>::new(), "pty {pty}: {text:?}");
        if pty {
            assert!(text.contains("stuck: it asks for"), "{text}");
            assert!(text.contains("0018B9000011: it asks for"), "{text}");
        }
    }
}

#[test]
fn a_state_file_that_cannot_be_written_mid_run_is_said_under_the_live_table() {
    let dir = scratch("screen-f7");
    let root = bench_root(&dir);
    let keep = dir.join("keep");
    std::fs::create_dir_all(&keep).unwrap();
    let port = free_port("127.0.0.1");
    let command = format!(
        "{} serve --tftp-root {} --to {TARGET} --phones 0018B9000011 --state {} --listen 127.0.0.1:{port} --user root; sleep 60",
        assert_cmd::cargo::cargo_bin("phoneup").display(),
        root.display(),
        keep.join("state.json").display(),
    );
    let tmux = Tmux::start("screen-f7", &command);
    let drawn = |what: &str| {
        let until = Instant::now() + Duration::from_secs(15);
        loop {
            let screen = tmux.screen();
            if screen.iter().any(|l| l.contains(what)) {
                return screen;
            }
            assert!(Instant::now() < until, "no {what:?}: {screen:#?}");
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    drawn("Ctrl-C stops");
    // serve draws its start before it writes the state a first time: wait for that write, so
    // that the failure below is one of the run, not of the start (which exits 2).
    let until = Instant::now() + Duration::from_secs(10);
    while !keep.join("state.json").exists() {
        assert!(
            Instant::now() < until,
            "no first state: {:#?}",
            tmux.screen()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // The state's folder replaced by a file, then the phone asks: the write fails.
    std::fs::rename(&keep, dir.join("kept")).unwrap();
    std::fs::write(&keep, "not a folder").unwrap();
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut request = vec![0, 1];
    request.extend_from_slice(b"CTLSEP0018B9000011.tlv\0octet\0");
    socket.send_to(&request, ("127.0.0.1", port)).unwrap();
    let screen = drawn("state not saved: ");
    let line = screen
        .iter()
        .position(|l| l.starts_with("state not saved: cannot write the state file"))
        .unwrap_or_else(|| panic!("{screen:#?}"));
    assert!(
        screen[line].ends_with("; serve will exit 1") || screen[line].len() >= 78,
        "one line, clipped to the terminal: {screen:#?}"
    );
    assert!(
        screen[line - 1].starts_with("0018B9000011"),
        "under the table's rows: {screen:#?}"
    );
    tmux.keys("C-c");
    let _ = std::fs::remove_dir_all(&dir);
}
