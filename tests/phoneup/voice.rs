//! One voice across the commands: the same top-level JSON keys whether the answer is yes or no
//! (`next_step` always there, `null` when empty), one all-good line and one finding shape in
//! check, lint and probe, counts in words, `Next:` lines with the user's own paths, and
//! suggestions a user can paste; and every `serve --format json` event line with exactly the
//! keys docs/json.md gives its event.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;

use super::bench::{bench_root, fetch, phones, scratch, serve_one, walk, TARGET};
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
    let fine = format!("{logs}markwilson-2008.tftpd32.log");
    let found = format!("{logs}fussylogic-7940.atftpd-syslog");
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

/// The words in backticks in `cell`.
fn quoted(cell: &str) -> BTreeSet<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// docs/json.md's table of serve's events: each event's keys always there, and those there when
/// they apply.
type EventKeys = std::collections::BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)>;

fn documented_events() -> EventKeys {
    let doc = include_str!("../../docs/json.md");
    let serve = &doc[doc
        .find("\n## serve\n")
        .expect("docs/json.md has `## serve`")..];
    serve
        .lines()
        .filter(|l| l.starts_with("| `") && !l.starts_with("| `event`"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').collect();
            let event = quoted(cells[1]).into_iter().next().unwrap();
            (event, (quoted(cells[2]), quoted(cells[3])))
        })
        .collect()
}

#[test]
fn every_serve_event_line_has_exactly_the_keys_docs_json_gives_its_event() {
    let documented = documented_events();
    let names: Vec<&str> = documented.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "forgotten",
            "heard",
            "impersonation",
            "not_found",
            "phone_done",
            "phone_failed",
            "placed",
            "refused",
            "request",
            "sent",
            "stage_done",
            "stuck",
            "transfer_failed"
        ],
        "docs/json.md's table names every event serve prints"
    );
    // The factory phone walked to the target over loopback, and a name out of DIR refused.
    let dir = scratch("json-keys");
    let root = bench_root(&dir);
    let phone = phones()[0].clone();
    let serve = serve_one(&dir, &root, &phone, &["--phones", phone.mac]);
    let path = walk(serve.address, &phone, phone.from, TARGET, 10);
    assert_eq!(path.last().map(String::as_str), Some(TARGET), "{path:?}");
    assert_eq!(fetch(serve.address, phone.ip, "../etc/passwd"), None);
    let (code, summary) = serve.stop();
    assert_eq!(code, 0, "{summary}");
    let lines = std::fs::read_to_string(dir.join("events.jsonl")).unwrap();
    let every = ["event", "time_ms", "mac", "address", "managed"];
    let mut seen = BTreeSet::new();
    for line in lines.lines() {
        let value: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("not one JSON object ({e}): {line}"));
        let got = keys(&value);
        let event = value["event"].as_str().unwrap_or_else(|| panic!("{line}"));
        let (always, sometimes) = documented
            .get(event)
            .unwrap_or_else(|| panic!("docs/json.md has no row for `{event}`: {line}"));
        let least: BTreeSet<String> = every
            .iter()
            .map(|k| k.to_string())
            .chain(always.clone())
            .collect();
        assert!(
            got.is_superset(&least),
            "{event} lacks {:?}: {line}",
            &least - &got
        );
        let extra: Vec<&String> = got
            .difference(&least)
            .filter(|k| !sometimes.contains(*k))
            .collect();
        assert!(
            extra.is_empty(),
            "{event} has undocumented {extra:?}: {line}"
        );
        seen.insert(event.to_string());
    }
    for event in [
        "request",
        "sent",
        "not_found",
        "refused",
        "placed",
        "stage_done",
        "phone_done",
    ] {
        assert!(
            seen.contains(event),
            "the walk printed no `{event}`: {seen:?}"
        );
    }
}
