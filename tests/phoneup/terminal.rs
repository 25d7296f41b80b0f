//! The one way to the terminal: what a log line, a file name, a file's contents, a matrix or an
//! argument carries (a screen clear, a window title, an imitation of phoneup's own colours, CR,
//! LF, a bidi override) is shown escaped on every route out (diagnose's text and JSON,
//! `--follow`, inventory, lint, simulate, check, plan, identify, errors), in a pipe and on a
//! terminal, with colour and without; colour only on a terminal; and `--color` with `NO_COLOR`
//! and `CLICOLOR_FORCE`.

use std::fs;
use std::path::Path;
use std::process::Command as Process;

use crate::phoneup::support::{card, phoneup, run, run_command, Test};

/// Names a client asked for, as they arrive and as phoneup must show them.
const HOSTILE: [(&str, &str); 6] = [
    ("OS79XX\x1b[2J.TXT", "OS79XX\\u{1b}[2J.TXT"),
    ("P0S3\x1b]0;x\x07.bin", "P0S3\\u{1b}]0;x\\u{7}.bin"),
    ("SEP\x1b[1;31mRED.cnf.xml", "SEP\\u{1b}[1;31mRED.cnf.xml"),
    ("P0S3-06-3-00\r.bin", "P0S3-06-3-00\\r.bin"),
    ("OS79XX.TXT\nfake: line", "OS79XX.TXT\\nfake: line"),
    ("SIP\u{202e}LMX.cnf", "SIP\\u{202e}LMX.cnf"),
];

/// The escape sequences phoneup itself writes: its colours.
const OWN_SEQUENCES: [&str; 6] = [
    "\x1b[0m",
    "\x1b[1m",
    "\x1b[1;36m",
    "\x1b[1;32m",
    "\x1b[1;33m",
    "\x1b[1;31m",
];

/// A journald log (`journalctl -o json`, which can carry a line feed in a name) of a phone at
/// 127.0.0.13 asking four times for each hostile name and told File not found each time.
fn hostile_log(test: &Test, tag: &str) -> std::path::PathBuf {
    let mut lines = String::new();
    let mut time = 1_795_310_784_349_791_u64;
    for _ in 0..4 {
        for (name, _) in HOSTILE {
            for message in [
                format!("RRQ from 127.0.0.13 filename {name}"),
                "sending NAK (1, File not found) to 127.0.0.13".to_string(),
            ] {
                time += 1000;
                let line = serde_json::json!({
                    "MESSAGE": message,
                    "SYSLOG_IDENTIFIER": "in.tftpd",
                    "__REALTIME_TIMESTAMP": time.to_string(),
                    "_PID": "160",
                    "_HOSTNAME": "tftphost",
                });
                lines.push_str(&format!("{line}\n"));
            }
        }
    }
    test.dir(tag, &[("tftpd.json", lines.as_bytes())])
        .join("tftpd.json")
}

/// What a person sees holds every hostile name escaped and nothing raw: no control but line
/// feeds, no bidi override, no escape sequence but phoneup's own colours (`coloured`: at least
/// one of them; otherwise none).
fn assert_shown_escaped(shown: &str, coloured: bool, names: &[(&str, &str)]) {
    for (raw, escaped) in names {
        assert!(shown.contains(escaped), "{escaped} is shown: {shown}");
        assert!(!shown.contains(raw), "{raw:?} is not shown raw: {shown:?}");
    }
    assert!(!shown.contains("\x1b[1;31mRED"), "{shown:?}");
    assert!(!shown.lines().any(|l| l.starts_with("fake")), "{shown:?}");
    let mut rest = shown.to_string();
    for sequence in OWN_SEQUENCES {
        rest = rest.replace(sequence, "");
    }
    assert_eq!(rest.len() < shown.len(), coloured, "coloured: {shown:?}");
    let raw: Vec<char> = rest
        .chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .collect();
    assert!(raw.is_empty(), "raw {raw:?} in {shown:?}");
}

/// phoneup with the colour settings of the environment out of the way.
fn bare() -> assert_cmd::Command {
    let mut command = phoneup();
    for name in ["NO_COLOR", "CLICOLOR_FORCE", "CLICOLOR", "CI"] {
        command.env_remove(name);
    }
    command
}

/// Runs `command` (a shell command line) on a pseudo-terminal made by util-linux `script`, with
/// `env` set; its output with the terminal's CR LF turned back into LF (`script -e` exits
/// with phoneup's code, which the caller's assertions do not need).
fn on_terminal(command: &str, env: &[(&str, &str)]) -> String {
    let mut script = Process::new("script");
    script.args(["-qec", command, "/dev/null"]);
    for name in ["NO_COLOR", "CLICOLOR_FORCE", "CLICOLOR", "CI"] {
        script.env_remove(name);
    }
    script.env("TERM", "xterm");
    for (name, value) in env {
        script.env(name, value);
    }
    let output = script
        .output()
        .expect("util-linux `script` runs (Debian: apt-get install bsdutils)");
    assert!(output.status.code().is_some(), "{command}: {output:?}");
    String::from_utf8(output.stdout)
        .expect("UTF-8 on the terminal")
        .replace("\r\n", "\n")
}

fn binary() -> String {
    assert_cmd::cargo::cargo_bin("phoneup")
        .display()
        .to_string()
}

fn diagnose_command(log: &Path, extra: &str) -> String {
    format!("{} diagnose {extra} {}", binary(), log.display())
}

#[test]
fn diagnose_shows_hostile_names_escaped_in_a_pipe_with_and_without_colour() {
    let test = Test::new();
    let log = hostile_log(&test, "terminal-pipe");
    for (colour, coloured) in [("auto", false), ("always", true)] {
        let (code, stdout, stderr) =
            run_command(bare().args(["diagnose", "--color", colour]).arg(&log));
        assert_eq!(code, 1, "{stderr}");
        assert_shown_escaped(&stdout, coloured, &HOSTILE);
    }
}

#[test]
fn diagnose_json_stays_valid_and_holds_each_name_exactly() {
    let test = Test::new();
    let log = hostile_log(&test, "terminal-json");
    for format in ["json", "yaml"] {
        let (code, stdout, stderr) = run_command(
            bare()
                .args(["diagnose", "--color", "always", "--format", format])
                .arg(&log),
        );
        assert_eq!(code, 1, "{stderr}");
        assert_shown_escaped(&stdout, false, &[]);
        assert!(!stdout.contains('\u{fdd0}'), "no style marks: {stdout:?}");
        let report: serde_json::Value = match format {
            "json" => serde_json::from_str(&stdout).expect("valid JSON"),
            _ => serde_yaml::from_str(&stdout).expect("valid YAML"),
        };
        let files: Vec<&str> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["file"].as_str().unwrap())
            .collect();
        for name in [
            "OS79XX.TXT\nfake: line",
            "P0S3-06-3-00\r.bin",
            "P0S3\x1b]0;x\x07.bin",
        ] {
            assert!(files.contains(&name), "{format}: {name:?} in {files:?}");
        }
    }
}

#[test]
fn diagnose_follow_shows_hostile_names_escaped_as_text_and_as_json_lines() {
    let test = Test::new();
    let log = hostile_log(&test, "terminal-follow");
    let input = std::fs::read(&log).unwrap();
    // Standard input ends, so --follow stops by itself.
    let (code, text, stderr) = run_command(
        bare()
            .args(["diagnose", "--follow", "--color", "always"])
            .write_stdin(input.clone()),
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(text.contains("Stopped: "), "{text}");
    let findings = [HOSTILE[1], HOSTILE[3], HOSTILE[4]];
    assert_shown_escaped(&text, true, &findings);
    let (code, lines, stderr) = run_command(
        bare()
            .args([
                "diagnose", "--follow", "--format", "json", "--color", "always",
            ])
            .write_stdin(input),
    );
    assert_eq!(code, 1, "{stderr}");
    assert_shown_escaped(&lines, false, &[]);
    let files: Vec<String> = lines
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("a JSON object a line"))
        .map(|f| f["file"].as_str().unwrap().to_string())
        .collect();
    assert!(
        files.contains(&"OS79XX.TXT\nfake: line".to_string()),
        "{files:?}"
    );
    // The path it follows, echoed on standard error, is escaped too.
    let odd = test
        .dir("terminal-follow-path", &[])
        .join("log\x1b]0;x\x07");
    std::fs::copy(&log, &odd).unwrap();
    let stderr = follow_stopped(&odd);
    assert!(stderr.contains("log\\u{1b}]0;x\\u{7}"), "{stderr:?}");
    assert!(!stderr.contains('\x1b'), "{stderr:?}");
}

/// `diagnose --follow PATH` stopped by Ctrl-C (SIGINT) a moment after it starts (killed at
/// 10 s whatever happens): its standard error.
fn follow_stopped(path: &Path) -> String {
    let binary = assert_cmd::cargo::cargo_bin("phoneup");
    let mut child = Process::new(binary)
        .args(["diagnose", "--follow"])
        .arg(path)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(600));
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    // SAFETY: a signal to the child this test started.
    unsafe { libc::kill(pid, libc::SIGINT) };
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(10) {
            let _ = child.kill();
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    stderr
}

#[test]
fn on_a_terminal_diagnose_and_follow_show_hostile_names_escaped_in_colour() {
    let test = Test::new();
    let log = hostile_log(&test, "terminal-pty");
    let text = on_terminal(&diagnose_command(&log, ""), &[]);
    assert_shown_escaped(&text, true, &HOSTILE);
    let follow = format!("{} diagnose --follow < {}", binary(), log.display());
    let followed = on_terminal(&follow, &[]);
    assert!(followed.contains("Stopped: "), "{followed}");
    assert_shown_escaped(&followed, true, &[HOSTILE[1], HOSTILE[3], HOSTILE[4]]);
    // NO_COLOR: the same, without colour.
    let plain = on_terminal(&diagnose_command(&log, ""), &[("NO_COLOR", "1")]);
    assert_shown_escaped(&plain, false, &HOSTILE);
}

#[test]
fn file_names_from_a_directory_are_shown_escaped_with_and_without_colour() {
    let test = Test::new();
    let dir = test.dir(
        "terminal-names",
        &[
            ("P0S3-08-11-00\x1b[1;31mRED.bin", b""),
            ("x\nfake: line.bin", b""),
            ("\u{202e}nib.bin", b""),
        ],
    );
    let names = [
        (
            "P0S3-08-11-00\x1b[1;31mRED.bin",
            "P0S3-08-11-00\\u{1b}[1;31mRED.bin",
        ),
        ("x\nfake: line.bin", "x\\nfake: line.bin"),
        ("\u{202e}nib.bin", "\\u{202e}nib.bin"),
    ];
    for (colour, coloured) in [("never", false), ("always", true)] {
        let (code, stdout, stderr) =
            run_command(bare().args(["inventory", "--color", colour]).arg(&dir));
        assert_eq!(code, 0, "{stderr}");
        assert_shown_escaped(&stdout, coloured, &names);
    }
    let command = format!("{} inventory {}", binary(), dir.display());
    assert_shown_escaped(&on_terminal(&command, &[]), true, &names);
}

#[test]
fn color_always_never_and_auto_with_no_color_and_clicolor_force() {
    let plan = ["plan", "--from", "P0030301MFG2", "--to", "P0S3-07-4-00"];
    let check = ["check", "--from", "P0030301MFG2", "--to", "P0S3-07-4-00"];
    let stdout = |args: &[&str], env: &[(&str, &str)]| {
        let mut command = bare();
        command.args(args);
        for (name, value) in env {
            command.env(name, value);
        }
        run_command(&mut command).1
    };
    let heading = "\x1b[1;36mReboot 1 of 3:\x1b[0m";
    let refused = "\x1b[1;31mREFUSED:\x1b[0m";
    // In a pipe: --color always colours, NO_COLOR or not.
    for env in [&[][..], &[("NO_COLOR", "1")]] {
        assert!(stdout(&[&plan[..], &["--color", "always"]].concat(), env).contains(heading));
        assert!(stdout(&[&check[..], &["--color", "always"]].concat(), env).contains(refused));
    }
    // auto in a pipe: plain, unless CLICOLOR_FORCE; NO_COLOR wins over it; never wins.
    assert!(!stdout(&check, &[]).contains('\x1b'));
    assert!(stdout(&check, &[("CLICOLOR_FORCE", "1")]).contains(refused));
    assert!(!stdout(&check, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]).contains('\x1b'));
    let never = [&check[..], &["--color", "never"]].concat();
    assert!(!stdout(&never, &[("CLICOLOR_FORCE", "1")]).contains('\x1b'));
    // On a terminal: auto colours, NO_COLOR stops it, --color never too.
    let command = format!("{} {}", binary(), check.join(" "));
    assert!(on_terminal(&command, &[]).contains(refused));
    assert!(!on_terminal(&command, &[("NO_COLOR", "1")]).contains('\x1b'));
    assert!(!on_terminal(&format!("{command} --color never"), &[]).contains('\x1b'));
    // Errors on standard error follow it too; JSON is never coloured.
    let (code, _, stderr) =
        run_command(bare().args(["plan", "--from", "x", "--to", "y", "--color", "always"]));
    assert_eq!(code, 2);
    assert!(stderr.starts_with("\x1b[1;31merror:\x1b[0m"), "{stderr:?}");
    let json = stdout(
        &[&plan[..], &["--color", "always", "--format", "json"]].concat(),
        &[],
    );
    assert!(!json.contains('\x1b') && !json.contains("\\ufdd"), "{json}");
    let (code, _, stderr) = run_command(bare().args(["plan", "--color", "sometimes"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("auto, always, never"), "{stderr}");
}

#[test]
fn nothing_in_src_writes_to_the_terminal_but_through_the_writer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let allowed = |path: &Path| path.starts_with(src.join("output"));
    // A print macro, or a standard stream used for anything but asking whether it is a
    // terminal or handing it to an Out.
    let print = regex::Regex::new(r"\b(e?print(ln)?|dbg)!\(").unwrap();
    let stream = regex::Regex::new(r"\bio::(stdout|stderr)\(\)").unwrap();
    let forbidden = |line: &str| {
        print.is_match(line)
            || (stream.is_match(line) && !line.contains("is_terminal()") && !line.contains("Out::"))
    };
    let mut found = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") && !allowed(&path) {
                let text = std::fs::read_to_string(&path).unwrap();
                let code = text.split("#[cfg(test)]").next().unwrap();
                for (n, line) in code.lines().enumerate() {
                    if !line.trim_start().starts_with("//") && forbidden(line) {
                        found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "print through output::Out:\n{}",
        found.join("\n")
    );
}

#[test]
fn no_colour_when_output_is_not_a_terminal_even_without_no_color() {
    let output = phoneup()
        .env_remove("NO_COLOR")
        .args(card("plan", &[]))
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&output.stdout).contains('\x1b'));
}

/// Colour on a terminal (a pseudo-terminal made by util-linux `script`), never with NO_COLOR.
#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    let binary = assert_cmd::cargo::cargo_bin("phoneup");
    let command = format!(
        "{} check --from P0S3-06-3-00 --to P003-08-11-00",
        binary.display()
    );
    let on_terminal = |no_color: bool| {
        let mut script = std::process::Command::new("script");
        script
            .args(["-qec", &command, "/dev/null"])
            .env_remove("NO_COLOR")
            .env("TERM", "xterm");
        if no_color {
            script.env("NO_COLOR", "1");
        }
        let output = script
            .output()
            .expect("util-linux `script` runs (Debian's bsdutils)");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let coloured = on_terminal(false);
    assert!(coloured.contains("\x1b[1;32mSAFE:\x1b[0m"), "{coloured:?}");
    let plain = on_terminal(true);
    assert!(
        plain.contains("SAFE:") && !plain.contains('\x1b'),
        "{plain:?}"
    );
}

#[test]
fn terminal_escape_sequences_from_names_contents_matrices_and_arguments_never_print_raw() {
    let test = Test::new();
    let dir = test.users_root("root");
    fs::write(dir.join("P0S3-08-11-00\x1b]0;PWNED\x07\x1b[2J.bin"), b"").unwrap();
    fs::write(dir.join("OS79XX.TXT"), "P0S3-06-3-00\x1b[2J\n").unwrap();
    let root = dir.to_str().unwrap();
    let matrix = dir.join("matrix.yaml");
    let (_, builtin, _) = test.run(&["matrix"]);
    let hostile = builtin.replacen(
        "summary: SCCP before 5.0 to SIP 5.x or 6.x, directly by dual boot",
        "summary: \"\\e]0;PWNED\\a\\e[2J\"",
        1,
    );
    assert_ne!(hostile, builtin, "the rule summary was replaced");
    fs::write(&matrix, hostile).unwrap();
    let runs: Vec<Vec<&str>> = vec![
        vec!["inventory", "--tftp-root", root],
        vec!["lint", "--tftp-root", root],
        vec!["simulate", "--from", "P0030301MFG2", "--tftp-root", root],
        vec!["check", "--from", "P0030301MFG2", "--tftp-root", root],
        vec![
            "plan",
            "--from",
            "P0S3-08-11-00\x1b[2J",
            "--to",
            "P0S3-08-11-00",
        ],
        vec![
            "--matrix",
            matrix.to_str().unwrap(),
            "plan",
            "--from",
            "P0030301MFG2",
            "--to",
            "P0S3-08-11-00",
        ],
        vec!["identify", "P0S3\x1b]0;x\x07"],
        vec![
            "plan",
            "--from",
            "P0030301MFG2",
            "--to",
            "P0S3-08-11-00",
            "--format",
            "\x1b[2J",
        ],
    ];
    for args in runs {
        let from_matrix = args[0] == "--matrix";
        let output = test.phoneup().args(&args).output().unwrap();
        for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
            assert!(
                !bytes.contains(&0x1b) && !bytes.contains(&0x07),
                "{args:?}: raw control characters on {stream}: {:?}",
                String::from_utf8_lossy(bytes)
            );
        }
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        // (A matrix loader may also refuse such a summary; either way nothing prints raw.)
        assert!(
            from_matrix || all.contains("\\u{1b}"),
            "{args:?}: shown escaped: {all}"
        );
    }
}

#[test]
fn a_line_break_in_an_argument_is_shown_escaped_in_the_error() {
    let (code, _, stderr) = run(&["lint", "/tmp", "--mac", "0018B9FFFFFF\nfake: line"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("`0018B9FFFFFF\\nfake: line`"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let (code, _, stderr) = run(&["inventory", "/nonexistent\nfake: line"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("/nonexistent\\nfake: line"), "{stderr}");
    assert!(!stderr.lines().any(|l| l.starts_with("fake")), "{stderr}");
}
