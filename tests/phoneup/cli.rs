//! The command line as a whole: help and version for every command, completions and the man
//! page from the clap definition, one meaning for `--model`, and a next step for every ending
//! that is not success (the docs' examples are run by `docs.rs`).

use phoneup::plan::replay::STAND_IN_IMAGE;

use super::support::{card, run, Test, MAC};

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
fn completions_and_man_page_come_from_the_clap_definition() {
    let test = Test::new();
    for shell in ["bash", "zsh", "fish"] {
        let (code, stdout, stderr) = test.run(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {stderr}");
        for word in ["plan", "check", "simulate", "apply", "lint", "tftp-root"] {
            assert!(stdout.contains(word), "{shell} completions lack {word}");
        }
    }
    let (_, bash, _) = test.run(&["completions", "bash"]);
    let dir = test.dir("completions", &[("phoneup.bash", bash.as_bytes())]);
    let status = std::process::Command::new("bash")
        .arg("-n")
        .arg(dir.join("phoneup.bash"))
        .status()
        .unwrap();
    assert!(
        status.success(),
        "the bash completion script does not parse"
    );
    let (code, man, _) = test.run(&["man"]);
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
    assert_eq!(test.run(&["completions", "tcsh"]).0, 2);
}

#[test]
fn every_ending_that_is_not_success_says_what_to_do_next() {
    let test = Test::new();
    // simulate: a phone on a signed load refuses an unsigned image.
    let dir = test.dir(
        "next-refused",
        &[
            ("SIPDefault.cnf", b"image_version: P0S30202\n"),
            ("P0S30202.sbn", STAND_IN_IMAGE),
        ],
    );
    let root = dir.to_str().unwrap();
    let (code, stdout, _) = test.run(&["simulate", "--from", "P0S3-06-3-00", "--tftp-root", root]);
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
    let (code, value, _) = test.run_json(&[
        "simulate",
        "--from",
        "P003-08-11-00",
        "--tftp-root",
        root,
        "--server-answers",
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
    let (code, stdout, _) = test.run_owned(
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
    let (code, stdout, _) = test.run(&card(
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
    let (code, value, _) = test.run_json(&["plan", "--from", "P0S3-08-2-00", "--to", "P0S30202"]);
    assert_eq!(code, 1);
    assert_eq!(
        value["next_step"]["command"],
        "phoneup plan --from P0S3-08-2-00 --to P0S3-06-0-00"
    );
    // check's "refused" says what to do instead, in JSON too.
    let (code, value, _) =
        test.run_json(&["check", "--from", "P0030301MFG2", "--to", "P0S3-08-11-00"]);
    assert_eq!(code, 1);
    assert_eq!(
        value["next_step"]["command"],
        "phoneup plan --from P0030301MFG2 --to P0S3-08-11-00"
    );
    // (A route narrowed by --via: tests/phoneup/cli.rs, via_and_avoid_steer_the_route.)
    // undo with nothing to undo.
    let (code, stdout, _) = test.run(&["undo", "--tftp-root", root]);
    assert_eq!(code, 1);
    assert!(stdout.contains("pass the same --journal"), "{stdout}");
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
    assert!(
        stderr.contains("[possible values: 7940, 7960, 7906, 7911, 7941, 7941ge, 7961, 7961ge"),
        "{stderr}"
    );
    for command in ["plan", "check", "apply"] {
        let (_, help, _) = run(&[command, "--help"]);
        assert!(help.contains("both"), "{command} --help: {help}");
    }
}

#[test]
fn the_man_page_documents_every_subcommand_and_names_no_missing_page() {
    let (code, man, _) = run(&["man"]);
    assert_eq!(code, 0);
    // It names the pages of the commands, and how to write them.
    assert!(man.contains("phoneup\\-plan(1)"), "{man}");
    assert!(
        man.contains("written by \\fBphoneup man \\-\\-dir\\fR"),
        "{man}"
    );
    for (command, options) in [
        ("plan", &["--via", "--avoid", "--tftp-root"][..]),
        (
            "apply",
            &["--stage", "--dry-run", "--journal", "--replace-links"],
        ),
        ("undo", &["--journal"]),
        ("check", &["--mac", "--boots"]),
        ("simulate", &["--server", "--server-answers", "--model"]),
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
