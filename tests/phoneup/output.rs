//! What reaches the terminal: colour only on a terminal and never with NO_COLOR, and nothing
//! raw from a file name, a file's contents, a matrix or an argument (terminal escapes and line
//! breaks are shown escaped).

use std::fs;

use super::support::{card, phoneup, remove, report_root, run};

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
    let dir = report_root("f15");
    fs::write(dir.join("P0S3-08-11-00\x1b]0;PWNED\x07\x1b[2J.bin"), b"").unwrap();
    fs::write(dir.join("OS79XX.TXT"), "P0S3-06-3-00\x1b[2J\n").unwrap();
    let root = dir.to_str().unwrap();
    let matrix = dir.join("matrix.yaml");
    let (_, builtin, _) = run(&["matrix"]);
    let hostile = builtin.replacen(
        "summary: SCCP before 5.0 to SIP 5.x or 6.x, directly by dual boot",
        "summary: \"\\e]0;PWNED\\a\\e[2J\"",
        1,
    );
    assert_ne!(hostile, builtin, "the rule summary was replaced");
    fs::write(&matrix, hostile).unwrap();
    let runs: Vec<Vec<&str>> = vec![
        vec!["inventory", root],
        vec!["lint", root],
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
        let output = phoneup().args(&args).output().unwrap();
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
    remove(&[&dir]);
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
