//! The binary as users drive it: flags, formats, exit codes, --matrix.

use std::fs;

use phoneup::knowledge::matrix::BUILTIN_YAML;
use phoneup::plan::replay::STAND_IN_IMAGE;
use serde_json::Value;

use super::support::{card, fixture, phoneup, run, run_json, run_owned, MAC};

fn json(args: &[&str]) -> (i32, Value) {
    let (code, stdout, stderr) = run(args);
    let value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    (code, value)
}

#[test]
fn help_and_version_work_for_every_command() {
    for args in [
        vec!["--help"],
        vec!["plan", "--help"],
        vec!["check", "--help"],
        vec!["identify", "--help"],
        vec!["matrix", "--help"],
    ] {
        let (code, stdout, _) = run(&args);
        assert_eq!(code, 0, "{args:?}");
        assert!(stdout.contains("Usage: phoneup"), "{args:?}: {stdout}");
    }
    let (code, stdout, _) = run(&["--version"]);
    assert_eq!(code, 0);
    assert_eq!(
        stdout.trim(),
        format!("phoneup {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn plan_json_has_the_documented_schema() {
    let (code, plan) = json(&card("plan", &["--format", "json"]));
    assert_eq!(code, 0);
    assert_eq!(plan["from"], "P0030301MFG2");
    assert_eq!(plan["to"], "P0S3-08-11-00");
    let stages = plan["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 3);
    let expected = [
        (
            "P0030301MFG2",
            "P0S3-06-3-00",
            "R1",
            Value::from("P0S3-06-3-00"),
            Value::Null,
        ),
        (
            "P0S3-06-3-00",
            "P003-08-11-00",
            "R4a",
            Value::from("P003-08-11-00"),
            Value::Null,
        ),
        (
            "P003-08-11-00",
            "P0S3-08-11-00",
            "R4b",
            Value::from("P003-08-11-00"),
            Value::from("P0S3-08-11-00"),
        ),
    ];
    for (i, (stage, (from, to, rule, os79xx, xml))) in stages.iter().zip(expected).enumerate() {
        assert_eq!(stage["reboot"], i + 1);
        assert_eq!(stage["from"], from);
        assert_eq!(stage["to"], to);
        assert_eq!(stage["rule"], rule);
        assert_eq!(stage["confidence"], "high");
        assert_eq!(stage["os79xx"], os79xx);
        assert_eq!(stage["xmldefault_load"], xml);
        assert_eq!(stage["image_version"], to);
        assert!(stage["firmware"].as_array().is_some_and(|f| !f.is_empty()));
        assert!(stage["expect_requests"]
            .as_array()
            .is_some_and(|r| !r.is_empty()));
        // `.files` holds only what phoneup writes whole (or null: must be absent); what it
        // edits inside the user's file is in `.edits_in_place`, never as whole contents.
        let files = stage["files"].as_object().unwrap();
        assert_eq!(
            files["OS79XX.TXT"],
            format!("{}\n", os79xx.as_str().unwrap())
        );
        assert!(!files.contains_key("SIPDefault.cnf"), "{files:?}");
        let edits = stage["edits_in_place"].as_array().unwrap();
        let sip = edits
            .iter()
            .find(|e| e["file"] == "SIPDefault.cnf")
            .expect("SIPDefault.cnf is edited in place");
        assert_eq!(
            sip["set"],
            serde_json::json!([{"key": "image_version", "value": to}])
        );
        assert_eq!(sip["keep_rest_of_file"], true);
        assert_eq!(sip["if_absent"], format!("image_version: {to}\n"));
        let xml_edit = edits.iter().find(|e| e["file"] == "XMLDefault.cnf.xml");
        if xml.is_null() {
            assert!(files["XMLDefault.cnf.xml"].is_null(), "must be absent");
            assert!(xml_edit.is_none());
        } else {
            assert!(!files.contains_key("XMLDefault.cnf.xml"), "{files:?}");
            let xml_edit = xml_edit.expect("XMLDefault.cnf.xml is edited in place");
            assert_eq!(
                xml_edit["set"],
                serde_json::json!([
                    {"key": "loadInformation8", "model": "IP Phone 7940", "value": xml},
                    {"key": "loadInformation7", "model": "IP Phone 7960", "value": xml},
                ])
            );
            assert_eq!(xml_edit["keep_rest_of_file"], true);
        }
    }
    assert_eq!(
        stages[0]["firmware"],
        serde_json::json!(["P0S3-06-3-00.bin"])
    );
    assert_eq!(
        stages[0]["expect_requests"],
        serde_json::json!(["OS79XX.TXT", "P0S3-06-3-00.bin"])
    );
    assert_eq!(
        stages[1]["firmware"],
        serde_json::json!(["P003-08-11-00.sbn"])
    );
    assert_eq!(
        stages[2]["firmware"],
        serde_json::json!([
            "P0S3-08-11-00.loads",
            "P003-08-11-00.sbn",
            "P0S3-08-11-00.sb2"
        ])
    );
}

#[test]
fn plan_yaml_carries_the_same_plan() {
    let (code, stdout, _) = run(&card("plan", &["--format", "yaml"]));
    assert_eq!(code, 0);
    let value: serde_yaml::Value = serde_yaml::from_str(&stdout).unwrap();
    assert_eq!(
        value["stages"][2]["xmldefault_load"].as_str(),
        Some("P0S3-08-11-00")
    );
    assert_eq!(value["reboots"].as_u64(), Some(3));
}

#[test]
fn no_path_exits_1_and_says_why() {
    let (code, stdout, _) = run(&["plan", "--from", "P0S3-08-2-00", "--to", "P0S30202"]);
    assert_eq!(code, 1);
    assert!(stdout.contains("below 5.0"), "{stdout}");
    let (code, value) = json(&[
        "plan",
        "--from",
        "P0S3-08-2-00",
        "--to",
        "P0S30202",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    assert!(value["reasons"].as_array().is_some_and(|r| !r.is_empty()));
}

#[test]
fn check_exit_codes() {
    assert_eq!(
        run(&["check", "--from", "P0S3-06-3-00", "--to", "P003-08-11-00"]).0,
        0
    );
    assert_eq!(
        run(&["check", "--from", "P0030301MFG2", "--to", "P0S3-07-4-00"]).0,
        1
    );
    assert_eq!(
        run(&["check", "--from", "P003-08-11-00", "--to", "P0S3-08-2-00"]).0,
        1
    );
    assert_eq!(
        run(&["check", "--from", "junk", "--to", "P0S3-08-2-00"]).0,
        2
    );
    let (code, value) = json(&[
        "check",
        "--from",
        "P0030301MFG2",
        "--to",
        "P0S3-07-4-00",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    assert_eq!(value["verdict"], "refused");
    assert_eq!(value["rule"], "R2");
    assert_eq!(value["safe"], false);
    assert!(
        value["stage"]["rule"].is_string(),
        "the first safe step is included"
    );
}

/// `phoneup plan --from FROM --to TO EXTRA... --format json`, parsed.
fn plan_json(from: &str, to: &str, extra: &[&str]) -> Value {
    let mut args = vec!["plan", "--from", from, "--to", to, "--format", "json"];
    args.extend(extra);
    json(&args).1
}

#[test]
fn via_and_avoid_steer_the_route() {
    let value = plan_json(
        "P0030301MFG2",
        "P0S3-08-11-00",
        &["--avoid", "P0S3-06-3-00"],
    );
    assert_eq!(value["path"][1], "P0S3-05-3-00");
    let value = plan_json("P0030301MFG2", "P0S3-08-11-00", &["--via", "P0S3-06-0-00"]);
    assert_eq!(value["path"][1], "P0S3-06-0-00");
    // Without the 8.11 loader, the route goes through another package and R5.
    let value = plan_json(
        "P0S3-06-3-00",
        "P0S3-08-11-00",
        &["--avoid", "P003-08-11-00"],
    );
    assert_eq!(value["reboots"], 3);
    assert!(value["path"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l != "P003-08-11-00"));
    // A waypoint that cannot be reached explains itself.
    let (code, stdout, _) = run(&[
        "plan",
        "--from",
        "P0S3-06-3-00",
        "--to",
        "P0S3-08-11-00",
        "--via",
        "P0S30202",
    ]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("--via/--avoid"), "{stdout}");
    assert!(
        stdout.contains("then run: phoneup plan --from P0S3-06-3-00 --to P0S3-08-11-00\n"),
        "the next step drops the waypoint: {stdout}"
    );
}

#[test]
fn model_narrows_xmldefault_to_one_phone() {
    let (_, value) = json(&card("plan", &["--model", "7960", "--format", "json"]));
    let edit = &value["stages"][2]["edits_in_place"][1];
    assert_eq!(edit["file"], "XMLDefault.cnf.xml");
    assert_eq!(
        edit["set"],
        serde_json::json!([{"key": "loadInformation7", "model": "IP Phone 7960", "value": "P0S3-08-11-00"}])
    );
    let xml = edit["if_absent"].as_str().unwrap();
    assert!(
        xml.contains("<loadInformation7 model=\"IP Phone 7960\">P0S3-08-11-00</loadInformation7>")
    );
    assert!(!xml.contains("loadInformation8"));
}

#[test]
fn identify_json_lists_objects_with_the_documented_fields() {
    let (code, value) = json(&[
        "identify",
        "P0030801SR02",
        "P003-08-2-00.sbn",
        "PC0303010200",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let items = value.as_array().unwrap();
    assert_eq!(items[0]["input"], "P0030801SR02");
    assert_eq!(items[0]["kind"], "application");
    assert_eq!(items[0]["protocol"], "sccp");
    assert_eq!(
        (items[0]["major"].as_u64(), items[0]["minor"].as_u64()),
        (Some(8), Some(1))
    );
    assert_eq!(items[0]["service_release"], "SR2");
    assert_eq!(items[0]["era"], "ual");
    assert_eq!(items[0]["version"], "8.1(2)SR2");
    assert_eq!(items[0]["in_catalogue"], true);
    assert_eq!(items[1]["kind"], "loader");
    assert_eq!(items[1]["protocol"], Value::Null);
    assert_eq!(items[2]["kind"], "boot");
    assert_eq!(items[2]["era"], Value::Null);
}

#[test]
fn identify_reports_bad_ids_with_exit_2_but_still_answers_the_good_ones() {
    let (code, stdout, stderr) = run(&["identify", "P0S3-06-3-00", "P0S3-06-3-0"]);
    assert_eq!(code, 2);
    assert!(stdout.contains("protocol     SIP"), "{stdout}");
    assert!(!stdout.contains("P0S3-06-3-0\n"), "{stdout}");
    assert!(stderr.contains("did you mean `P0S3-06-3-00`?"), "{stderr}");
}

#[test]
fn matrix_prints_the_builtin_data() {
    let (code, stdout, _) = run(&["matrix"]);
    assert_eq!(code, 0);
    assert_eq!(stdout, BUILTIN_YAML);
}

#[test]
fn a_user_matrix_can_add_loads_they_own() {
    let dir = tempdir();
    let path = dir.join("mine.yaml");
    let added = BUILTIN_YAML.replace(
        "  - id: P0S3-8-12-00\n",
        "  - id: P0S3-08-3-00\n    version: \"8.3\"\n    loader: P003-08-3-00\n    files: [P003-08-3-00.bin, P003-08-3-00.sbn, P0S3-08-3-00.loads, P0S3-08-3-00.sb2]\n    evidence: [seed-004]\n  - id: P0S3-8-12-00\n",
    ).replace(
        "  - id: P003-08-4-00\n",
        "  - id: P003-08-3-00\n    version: \"8.3\"\n    files: [P003-08-3-00.bin, P003-08-3-00.sbn]\n    evidence: [seed-004]\n  - id: P003-08-4-00\n",
    );
    fs::write(&path, added).unwrap();
    let path = path.to_str().unwrap();
    let (code, stdout, stderr) = run(&[
        "--matrix",
        path,
        "plan",
        "--from",
        "P0030301MFG2",
        "--to",
        "P0S3-08-3-00",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("P003-08-3-00.sbn"), "{stdout}");
    // Without the user's matrix the load is unknown.
    let (code, _, stderr) = run(&["plan", "--from", "P0030301MFG2", "--to", "P0S3-08-3-00"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not in the catalogue"), "{stderr}");
}

#[test]
fn a_broken_matrix_names_the_file_and_line() {
    let dir = tempdir();
    let cases = [
        (
            "syntax.yaml",
            BUILTIN_YAML.replacen("loads:\n", "loads:\n  - [unclosed\n", 1),
            "syntax.yaml:",
        ),
        (
            "unknown-source.yaml",
            BUILTIN_YAML.replacen(
                "evidence: [seed-004]\n    note: the factory",
                "evidence: [NOPE]\n    note: the factory",
                1,
            ),
            "source `NOPE`",
        ),
        (
            "bad-load.yaml",
            BUILTIN_YAML.replacen("  - id: P00303020214\n", "  - id: P00403020214\n", 1),
            "another phone",
        ),
        (
            "no-mechanism.yaml",
            BUILTIN_YAML.replacen(
                "    mechanism: dual_boot\n    confidence: high\n",
                "    confidence: high\n",
                1,
            ),
            "needs a `mechanism`",
        ),
        (
            "bad-confidence.yaml",
            BUILTIN_YAML.replacen("confidence: high", "confidence: certain", 1),
            "unknown variant `certain`",
        ),
        (
            "bad-range.yaml",
            BUILTIN_YAML.replacen("below: \"5.0\"", "below: \"five\"", 1),
            "not a version",
        ),
    ];
    for (name, text, expected) in cases {
        let path = dir.join(name);
        fs::write(&path, &text).unwrap();
        let (code, _, stderr) = run(&[
            "--matrix",
            path.to_str().unwrap(),
            "plan",
            "--from",
            "P0030301MFG2",
            "--to",
            "P0S3-08-11-00",
        ]);
        assert_eq!(code, 2, "{name}: {stderr}");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        let line: String = stderr
            .split(&format!("{name}:"))
            .nth(1)
            .unwrap_or_else(|| panic!("{name}: no file:line in {stderr}"))
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        assert!(!line.is_empty(), "{name}: no line number in {stderr}");
    }
    let (code, _, stderr) = run(&[
        "--matrix",
        dir.join("missing.yaml").to_str().unwrap(),
        "matrix",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read"), "{stderr}");
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

fn tempdir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir =
        super::support::temp_base().join(format!("cli-{}", COUNTER.fetch_add(1, Ordering::SeqCst)));
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// The README shows real output: each `$ phoneup ...` console block must match what it prints.
#[test]
fn readme_examples_are_real_output() {
    let readme = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let mut checked = 0;
    for block in readme.split("```console\n").skip(1) {
        let block = &block[..block.find("```").expect("closed block")];
        let (command, shown) = block.split_once('\n').expect("a command line");
        let args: Vec<&str> = command
            .strip_prefix("$ phoneup ")
            .expect("a phoneup command")
            .split(' ')
            .collect();
        let (_, stdout, _) = run(&args);
        assert_eq!(
            shown, stdout,
            "README block for `{command}` is stale: paste the new output"
        );
        checked += 1;
    }
    assert!(checked >= 2);
}

#[test]
fn completions_and_man_page_come_from_the_clap_definition() {
    for shell in ["bash", "zsh", "fish"] {
        let (code, stdout, stderr) = run(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {stderr}");
        for word in ["plan", "check", "simulate", "apply", "lint", "tftp-root"] {
            assert!(stdout.contains(word), "{shell} completions lack {word}");
        }
    }
    let (_, bash, _) = run(&["completions", "bash"]);
    let dir = super::support::fixture("completions", &[("phoneup.bash", bash.as_bytes())]);
    let status = std::process::Command::new("bash")
        .arg("-n")
        .arg(dir.join("phoneup.bash"))
        .status()
        .unwrap();
    assert!(
        status.success(),
        "the bash completion script does not parse"
    );
    fs::remove_dir_all(&dir).unwrap();
    let (code, man, _) = run(&["man"]);
    assert_eq!(code, 0);
    assert!(man.contains(".TH phoneup 1"), "{man}");
    for command in [
        "identify",
        "plan",
        "check",
        "simulate",
        "apply",
        "undo",
        "inventory",
        "lint",
        "matrix",
    ] {
        assert!(man.contains(command), "the man page lacks {command}");
    }
    assert_eq!(run(&["completions", "tcsh"]).0, 2);
}

/// `data/matrix.svg` (shown in the README) is rendered from `data/matrix.dot`; the DOT must be
/// what `phoneup graph` prints now. Regenerate both as the README says when this fails.
#[test]
fn the_readme_picture_is_in_sync_with_the_matrix() {
    let (code, dot, _) = run(&card("graph", &[]));
    assert_eq!(code, 0);
    let committed =
        fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/matrix.dot")).unwrap();
    assert_eq!(
        dot, committed,
        "data/matrix.dot is stale: run `cargo run -- graph --from P0030301MFG2 --to P0S3-08-11-00 > data/matrix.dot && dot -Tsvg data/matrix.dot > data/matrix.svg`"
    );
    let svg = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/matrix.svg")).unwrap();
    assert!(svg.contains("<svg"), "data/matrix.svg is not an SVG");
    assert!(
        svg.contains("R4b high"),
        "data/matrix.svg does not show the rules"
    );
}

#[test]
fn graph_formats_and_highlighting() {
    let (code, mermaid, _) = run(&[
        "graph",
        "--format",
        "mermaid",
        "--from",
        "P0030301MFG2",
        "--to",
        "P0S3-08-11-00",
    ]);
    assert_eq!(code, 0);
    assert!(mermaid.starts_with("flowchart LR\n"));
    assert!(
        mermaid.contains("subgraph ual[\"Universal Application Loader era\"]"),
        "{mermaid}"
    );
    assert!(mermaid.contains("-->|R4b high|"), "{mermaid}");
    assert!(
        mermaid.contains("linkStyle "),
        "the plan is highlighted: {mermaid}"
    );
    let (_, plain, _) = run(&["graph"]);
    assert!(
        !plain.contains("#c00000"),
        "nothing highlighted without --from/--to"
    );
    let (_, every, _) = run(&["graph", "--loads"]);
    assert!(every.matches("->").count() > plain.matches("->").count() * 5);
    assert!(
        every.contains("\"P0S3-08-11-00\\nSIP 8.11\"")
            || every.contains("P0S3-08-11-00\\nSIP 8.11"),
        "{every}"
    );
    assert_eq!(
        run(&["graph", "--from", "P0S3-08-2-00", "--to", "P0S30202"]).0,
        1
    );
    // A start the catalogue lacks (plan accepts it) is drawn, not a crash.
    let (code, dot, stderr) = run(&["graph", "--from", "P0S3-06-1-00", "--to", "P0S3-08-11-00"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        dot.contains("P0S3-06-1-00") && dot.contains("#c00000"),
        "{dot}"
    );
    assert_eq!(run(&["graph", "--from", "P0S3-08-2-00"]).0, 2);
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
fn every_ending_that_is_not_success_says_what_to_do_next() {
    // simulate: a phone on a signed load refuses an unsigned image.
    let dir = fixture(
        "next-refused",
        &[
            ("SIPDefault.cnf", b"image_version: P0S30202\n"),
            ("P0S30202.sbn", STAND_IN_IMAGE),
        ],
    );
    let root = dir.to_str().unwrap();
    let (code, stdout, _) = run(&["simulate", "--from", "P0S3-06-3-00", "--tftp-root", root]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("refuses the image, every boot"), "{stdout}");
    assert!(
        stdout.contains("Next: P0S3-06-3-00 will not take P0S30202 directly"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "then run: phoneup plan --from P0S3-06-3-00 --to P0S30202 --tftp-root {root}"
        )),
        "{stdout}"
    );
    // simulate: the CTLSEP loop behind a server that answers missing files wrongly.
    let (code, value, _) = run_json(&[
        "simulate",
        "--from",
        "P003-08-11-00",
        "--tftp-root",
        root,
        "--server",
        "wrong-error",
    ]);
    assert_eq!(code, 1);
    assert_eq!(value["ending"], "loop");
    assert!(value["next_step"]["fix"]
        .as_str()
        .unwrap()
        .contains("TFTP error 1 (File not found)"));
    assert!(value["next_step"]["command"]
        .as_str()
        .unwrap()
        .starts_with("phoneup simulate --from P003-08-11-00"));
    // check --tftp-root, NOT OK: see the seed tests; apply refusals:
    let (code, stdout, _) = run_owned(
        &card("apply", &["--stage", "1", "--tftp-root", root])
            .into_iter()
            .map(str::to_string)
            .collect::<Vec<_>>(),
    );
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("Refused:"), "{stdout}");
    assert!(stdout.contains("Next: Copy the firmware"), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "then run: phoneup apply --from P0030301MFG2 --to P0S3-08-11-00 --stage 1 --tftp-root {root}"
        )),
        "{stdout}"
    );
    let (code, stdout, _) = run(&card(
        "apply",
        &[
            "--stage",
            "1",
            "--tftp-root",
            root,
            "--mac",
            MAC,
            "--format",
            "json",
        ],
    ));
    assert_eq!(code, 1, "{stdout}");
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(value["next_step"]["fix"]
        .as_str()
        .unwrap()
        .contains("without --mac"));
    assert!(!value["next_step"]["command"]
        .as_str()
        .unwrap()
        .contains("--mac"));
    // plan's "no path": the nearest load it can reach by the most confident route (6.0, all
    // high, over 5.3, whose route down has a medium step).
    let (code, value, _) = run_json(&["plan", "--from", "P0S3-08-2-00", "--to", "P0S30202"]);
    assert_eq!(code, 1);
    assert_eq!(
        value["next_step"]["command"],
        "phoneup plan --from P0S3-08-2-00 --to P0S3-06-0-00"
    );
    // check's "refused" says what to do instead, in JSON too.
    let (code, value, _) = run_json(&["check", "--from", "P0030301MFG2", "--to", "P0S3-08-11-00"]);
    assert_eq!(code, 1);
    assert_eq!(
        value["next_step"]["command"],
        "phoneup plan --from P0030301MFG2 --to P0S3-08-11-00"
    );
    // (A route narrowed by --via: tests/phoneup/cli.rs, via_and_avoid_steer_the_route.)
    // undo with nothing to undo.
    let (code, stdout, _) = run(&["undo", "--tftp-root", root]);
    assert_eq!(code, 1);
    assert!(stdout.contains("pass the same --journal"), "{stdout}");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn model_means_the_same_everywhere_and_help_offers_only_what_is_accepted() {
    let (_, help, _) = run(&["simulate", "--help"]);
    let model = help
        .split("--model <MODEL>")
        .nth(1)
        .expect("simulate documents --model");
    let model = &model[..model.find("--format").unwrap_or(model.len())];
    assert!(model.contains("7940") && model.contains("7960"), "{model}");
    assert!(
        !model.contains("both"),
        "simulate offers only what it accepts: {model}"
    );
    let (code, _, stderr) = run(&[
        "simulate",
        "--from",
        "P0S3-06-3-00",
        "--tftp-root",
        ".",
        "--model",
        "both",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("[possible values: 7940, 7960]"), "{stderr}");
    for command in ["plan", "check", "apply"] {
        let (_, help, _) = run(&[command, "--help"]);
        assert!(help.contains("both"), "{command} --help: {help}");
    }
}

#[test]
fn the_man_page_documents_every_subcommand_and_names_no_missing_page() {
    let (code, man, _) = run(&["man"]);
    assert_eq!(code, 0);
    assert!(
        !man.contains("phoneup-plan(1)"),
        "no page that does not exist"
    );
    for (command, options) in [
        ("plan", &["--via", "--avoid", "--tftp-root"][..]),
        (
            "apply",
            &["--stage", "--dry-run", "--journal", "--replace-links"],
        ),
        ("undo", &["--journal"]),
        ("check", &["--mac", "--boots"]),
        ("simulate", &["--server", "--model"]),
        ("lint", &["--mac", "--journal"]),
        ("graph", &["--loads"]),
    ] {
        let section = man
            .split(&format!(".SS \"phoneup {command}\""))
            .nth(1)
            .unwrap_or_else(|| panic!("no section for {command}"));
        let section = &section[..section.find(".SS ").unwrap_or(section.len())];
        for option in options {
            let roff = option.replace('-', "\\-");
            assert!(
                section.contains(&roff) || section.contains(option),
                "{command}'s section lacks {option}"
            );
        }
    }
}
