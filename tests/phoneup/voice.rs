//! One voice across the commands: the same top-level JSON keys whether the answer is yes or no
//! (`next_step` always there, `null` when empty), one all-good line and one finding shape in
//! check, lint and probe, counts in words, `Next:` lines with the user's own paths, and
//! suggestions a user can paste.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;

use super::loopback::{Wrong, WrongServer};
use super::support::{card, clean_root_with, run, Test};

fn keys(value: &Value) -> BTreeSet<String> {
    match value {
        Value::Object(map) => map.keys().cloned().collect(),
        Value::Array(items) => items.iter().flat_map(keys).collect(),
        other => panic!("not an object: {other}"),
    }
}

/// A root `name` a phone on P0S3-08-11-00 is happy with, with `changes` (`None` removes a file).
fn roots(test: &Test, name: &str, changes: &[(&'static str, Option<&[u8]>)]) -> PathBuf {
    let files = clean_root_with(changes);
    let files: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    test.dir(name, &files)
}

/// A root a phone on P0S3-08-11-00 is happy with, and one with a CR in `OS79XX.TXT` and an
/// empty trust list.
fn clean_and_bad(test: &Test) -> (PathBuf, PathBuf) {
    let bad = [
        ("OS79XX.TXT", Some(&b"P003-08-11-00\r\n"[..])),
        ("CTLSEP0018B9FFFFFF.tlv", Some(&b""[..])),
    ];
    (roots(test, "clean", &[]), roots(test, "bad", &bad))
}

/// `phoneup ARGS --format json` exits `code`; its top-level keys.
fn json_keys(test: &Test, args: &[&str], code: i32) -> BTreeSet<String> {
    let (got, value, stderr) = test.run_json(args);
    assert_eq!(got, code, "{args:?}: {value}{stderr}");
    keys(&value)
}

#[test]
fn every_command_has_the_same_json_keys_on_success_and_failure() {
    let test = Test::new();
    let (clean, bad) = clean_and_bad(&test);
    let (clean, bad) = (clean.to_str().unwrap(), bad.to_str().unwrap());
    let pairs: Vec<(&str, Vec<&str>, Vec<&str>)> = vec![
        (
            "plan",
            vec!["plan", "--from", "P0030301MFG2", "--to", "P0S3-08-11-00"],
            vec!["plan", "--from", "P0S3-08-2-00", "--to", "P0S30202"],
        ),
        (
            "check",
            vec!["check", "--from", "P0S3-08-2-00", "--to", "P0S3-06-3-00"],
            vec!["check", "--from", "P0030301MFG2", "--to", "P0S3-07-4-00"],
        ),
        (
            "check --tftp-root",
            vec!["check", "--from", "P0S3-08-11-00", "--tftp-root", clean],
            vec![
                "check",
                "--from",
                "P0S3-08-11-00",
                "--tftp-root",
                bad,
                "--mac",
                "0018B9FFFFFF",
            ],
        ),
        (
            "simulate",
            vec!["simulate", "--from", "P0S3-08-11-00", "--tftp-root", clean],
            vec![
                "simulate",
                "--from",
                "P0S3-08-11-00",
                "--tftp-root",
                bad,
                "--mac",
                "0018B9FFFFFF",
            ],
        ),
        (
            "lint",
            vec!["lint", "--tftp-root", clean],
            vec!["lint", "--tftp-root", bad],
        ),
        (
            "apply",
            card(
                "apply",
                &["--stage", "1", "--tftp-root", clean, "--dry-run", "--force"],
            ),
            card(
                "apply",
                &["--stage", "1", "--tftp-root", clean, "--dry-run"],
            ),
        ),
        (
            "identify",
            vec!["identify", "P0S3-08-11-00"],
            vec!["identify", "P0S3-08-11-00", "NOPE"],
        ),
    ];
    for (name, yes, no) in &pairs {
        let good = json_keys(&test, yes, 0);
        let wrong = if *name == "identify" {
            json_keys(&test, no, 2)
        } else {
            json_keys(&test, no, 1)
        };
        assert_eq!(good, wrong, "{name}: the keys differ between yes and no");
        if *name != "identify" {
            assert!(good.contains("next_step"), "{name}: {good:?}");
        }
    }
}

#[test]
fn undo_inventory_and_probe_have_the_same_json_keys_on_success_and_failure() {
    let test = Test::new();
    let (clean, _) = clean_and_bad(&test);
    let clean = clean.to_str().unwrap();
    // undo: nothing to undo (no), then an apply undone (yes).
    let journal = test.path().join("journal");
    let journal = journal.to_str().unwrap();
    let no = json_keys(
        &test,
        &["undo", "--tftp-root", clean, "--journal", journal],
        1,
    );
    let (code, _, stderr) = test.run(&card(
        "apply",
        &[
            "--stage",
            "1",
            "--tftp-root",
            clean,
            "--force",
            "--journal",
            journal,
        ],
    ));
    assert_eq!(code, 0, "{stderr}");
    let yes = json_keys(
        &test,
        &["undo", "--tftp-root", clean, "--journal", journal],
        0,
    );
    assert_eq!(yes, no, "undo");
    // inventory: every load complete, or one partial.
    let partial = test.dir(
        "partial",
        &[(
            "P0S3-08-11-00.loads",
            b"P003-08-11-00.sbn\nP0S3-08-11-00.sb2\n",
        )],
    );
    let (_, value, _) = test.run_json(&["inventory", "--tftp-root", partial.to_str().unwrap()]);
    assert!(value["next_step"]["command"]
        .as_str()
        .unwrap()
        .starts_with("phoneup inventory --tftp-root "));
    assert_eq!(
        keys(&value),
        json_keys(&test, &["inventory", "--tftp-root", clean], 0)
    );
    // probe: a server that answers as phones need, and one that does not.
    let right = WrongServer::start(test.path(), Wrong::MissingAnswered(1));
    let wrong = WrongServer::start(test.path(), Wrong::MissingAnswered(2));
    let right_address = right.address.to_string();
    let wrong_address = wrong.address.to_string();
    let yes = json_keys(&test, &["probe", "--server", &right_address], 0);
    let no = json_keys(&test, &["probe", "--server", &wrong_address], 1);
    assert_eq!(yes, no, "probe");
    assert!(yes.contains("next_step"));
    // diagnose: a log where every phone came up (Tftpd32's, a SIP 8.2 phone), and a log with
    // findings (atftpd's of a whole walk).
    let logs = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/logs/");
    let fine = format!("{logs}seed-003.tftpd32.log");
    let found = format!("{logs}seed-004.atftpd-syslog");
    let yes = json_keys(&test, &["diagnose", &fine], 0);
    let no = json_keys(&test, &["diagnose", &found], 1);
    assert_eq!(yes, no, "diagnose");
    assert!(yes.contains("findings"), "{yes:?}");
}

#[test]
fn check_lint_and_probe_speak_with_one_voice() {
    let test = Test::new();
    let (clean, bad) = clean_and_bad(&test);
    let (clean, bad) = (clean.to_str().unwrap(), bad.to_str().unwrap());
    let server = WrongServer::start(test.path(), Wrong::MissingAnswered(1));
    let address = server.address.to_string();
    // One all-good line.
    for args in [
        vec!["lint", "--tftp-root", clean],
        vec!["check", "--from", "P0S3-08-11-00", "--tftp-root", clean],
        vec!["probe", "--server", &address],
    ] {
        let (code, stdout, _) = test.run(&args);
        assert_eq!(code, 0, "{args:?}: {stdout}");
        let last = stdout.lines().last().unwrap();
        assert!(last.starts_with("OK: no findings: "), "{args:?}: {stdout}");
    }
    // One finding shape, a count in words, and no `error:` for a finding.
    let (code, stdout, _) = test.run(&["lint", "--tftp-root", bad]);
    assert_eq!(code, 1);
    assert!(
        stdout.starts_with(&format!("NOT OK: 2 findings in {bad}:\n  problem[")),
        "{stdout}"
    );
    assert!(!stdout.contains("error"), "{stdout}");
    assert!(!stdout.contains("(s)"), "{stdout}");
    assert!(
        stdout.ends_with(&format!("  then run: phoneup lint --tftp-root {bad}\n")),
        "{stdout}"
    );
    let (code, stdout, _) = test.run(&["check", "--from", "P0S3-08-11-00", "--tftp-root", bad]);
    assert_eq!(code, 1);
    assert!(stdout.contains("\nNOT OK: "), "{stdout}");
    assert!(stdout.contains("\n  problem["), "{stdout}");
    let (_, value, _) = test.run_json(&["check", "--from", "P0S3-08-11-00", "--tftp-root", bad]);
    assert!(!value["findings"].as_array().unwrap().is_empty(), "{value}");
    assert_eq!(value["findings"][0]["problem"], value["reasons"][0]);
    let wrong = WrongServer::start(test.path(), Wrong::MissingAnswered(2));
    let (code, stdout, _) = test.run(&["probe", "--server", &wrong.address.to_string()]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("\nNOT OK: 1 finding:\n  problem[missing_file_answer] "),
        "{stdout}"
    );
}

#[test]
fn next_lines_carry_the_users_paths_and_suggestions_are_pasteable() {
    let test = Test::new();
    let root = test.dir(
        "my root",
        &[
            ("SIPDefault.cnf", b"image_version: P0S3-08-11-00\n"),
            ("OS79XX.TXT", b"X\n"),
        ],
    );
    let root = root.to_str().unwrap();
    let (code, stdout, _) = test.run(&[
        "check",
        "--from",
        "P0S3-08-11-00",
        "--to",
        "P0S3-08-11-00",
        "--tftp-root",
        root,
        "--server-answers",
        "wrong-error",
    ]);
    assert_eq!(code, 1, "{stdout}");
    let next = &stdout[stdout.find("Next:").expect("a next step")..];
    assert!(!next.contains(" DIR"), "{next}");
    assert!(next.contains(&format!("--tftp-root '{root}'")), "{next}");
    assert!(next.contains("--server-answers wrong-error"), "{next}");
    // The did-you-mean holds the load ID alone.
    let (code, _, stderr) = run(&["plan", "--from", "P0S3-06-3-00", "--to", "8.11"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("did you mean `P0S3-08-11-00`, the App Load ID of the Version line 8.11?"),
        "{stderr}"
    );
    // No plan lists the targets the load can reach, and plans to one.
    let (code, stdout, _) = run(&["plan", "--from", "P0S3-06-3-00", "--to", "P0S30203"]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("Targets P0S3-06-3-00 can reach: "),
        "{stdout}"
    );
    assert!(stdout.contains("P0S3-08-11-00"), "{stdout}");
    assert!(!stdout.contains("phoneup matrix\n"), "{stdout}");
    assert!(
        stdout.contains("then run: phoneup plan --from P0S3-06-3-00 --to P0S3-"),
        "{stdout}"
    );
}
