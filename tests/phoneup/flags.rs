//! One spelling per concept on the command line, and the older spellings still read: the TFTP
//! directory is `--tftp-root DIR` everywhere, a real server `--server HOST[:PORT]`, the modelled
//! server's answer `--server-answers`, serve's events `--format`; one default MAC; numbers out
//! of range said in words. Then what the shells complete and what the help and man pages hold.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::loopback::{Wrong, WrongServer};
use super::support::{card, run, Test};

/// A root `name` whose `SIPDefault.cnf` names SIP 8.11, and nothing else.
fn sip_8_11_root(test: &Test, name: &str) -> PathBuf {
    test.dir(
        name,
        &[("SIPDefault.cnf", b"image_version: P0S3-08-11-00\n")],
    )
}

#[test]
fn the_tftp_root_is_tftp_root_everywhere_and_the_older_spellings_still_work() {
    let test = Test::new();
    let root = test.users_root("root");
    let root = root.to_str().unwrap();
    for command in ["lint", "inventory"] {
        let new = test.run(&[command, "--tftp-root", root]);
        assert!(new.1.contains("root"), "{command}: {new:?}");
        assert_eq!(test.run(&[command, root]), new, "{command} DIR");
        assert_eq!(
            test.run(&[command, "--root", root]),
            new,
            "{command} --root"
        );
    }
    let plan = |spelling: &str| {
        test.run(&[
            "plan",
            "--from",
            "P0030301MFG2",
            "--to",
            "P0S3-08-11-00",
            spelling,
            root,
        ])
    };
    assert_eq!(plan("--root"), plan("--tftp-root"));
    assert_eq!(plan("--tftp-root").0, 0, "{:?}", plan("--tftp-root"));
    // Given twice, the two spellings are one too many.
    let (code, _, stderr) = test.run(&["lint", "--tftp-root", root, root]);
    assert_eq!(code, 2, "{stderr}");
    // A misspelling gets the flag that exists, never clap's tip to pass it "as a value".
    for command in ["lint", "inventory", "probe", "identify", "diagnose"] {
        let (code, _, stderr) = test.run(&[command, "--tftp-rot", root]);
        assert_eq!(code, 2, "{command}: {stderr}");
        assert!(!stderr.contains("as a value"), "{command}: {stderr}");
    }
    let (_, _, stderr) = test.run(&["lint", "--tftp-rot", root]);
    assert!(stderr.contains("'--tftp-root'"), "{stderr}");
    // serve: --tftp-root and --format json, or --root and --events json, read alike (here up
    // to the folder that is not there).
    let missing = test.path().join("missing");
    let missing = missing.to_str().unwrap();
    let serve = |root_flag: &str, format_flag: &str| {
        test.run(&[
            "serve",
            root_flag,
            missing,
            "--to",
            "P0S3-08-11-00",
            "--all",
            format_flag,
            "json",
            "--listen",
            "127.0.0.1:1",
        ])
    };
    let new = serve("--tftp-root", "--format");
    assert_eq!(new.0, 2, "{new:?}");
    assert!(new.2.contains("missing"), "{new:?}");
    assert_eq!(serve("--root", "--events"), new);
    let (code, _, stderr) = test.run(&[
        "serve",
        "--tftp-root",
        missing,
        "--to",
        "P0S3-08-11-00",
        "--all",
        "--format",
        "yaml",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("[possible values: text, json]"), "{stderr}");
}

#[test]
fn a_real_server_is_server_and_the_models_answer_is_server_answers() {
    let test = Test::new();
    let root = sip_8_11_root(&test, "answers");
    let root = root.to_str().unwrap();
    let simulate = |extra: &[&str]| {
        let mut args = vec!["simulate", "--from", "P003-08-11-00", "--tftp-root", root];
        args.extend_from_slice(extra);
        test.run(&args)
    };
    let new = simulate(&["--server-answers", "wrong-error"]);
    assert_eq!(new.0, 1, "{new:?}");
    assert!(new.1.contains("loops on CTLSEP"), "{}", new.1);
    assert_eq!(new.2, "");
    // The older spelling still reads, and says its new name.
    let old = simulate(&["--server", "wrong-error"]);
    assert_eq!((old.0, &old.1), (new.0, &new.1));
    assert!(
        old.2
            .contains("--server wrong-error is read as --server-answers wrong-error"),
        "{}",
        old.2
    );
    let check = |extra: &[&str]| {
        let mut args = vec!["check", "--from", "P003-08-11-00", "--tftp-root", root];
        args.extend_from_slice(extra);
        test.run(&args)
    };
    let new = check(&["--server-answers", "wrong-error"]);
    assert_eq!(new.0, 1, "{new:?}");
    let old = check(&["--server", "wrong-error"]);
    assert_eq!((old.0, &old.1), (new.0, &new.1));
    assert!(old.2.contains("--server-answers"), "{}", old.2);
    // A model's answer and a real server, or two answers that disagree: one too many.
    for extra in [
        &[
            "--server",
            "127.0.0.1:6969",
            "--server-answers",
            "wrong-error",
        ][..],
        &[
            "--server",
            "file-not-found",
            "--server-answers",
            "wrong-error",
        ],
    ] {
        let (code, _, stderr) =
            test.run(&[&["simulate", "--from", "P003-08-11-00"][..], extra].concat());
        assert_eq!(code, 2, "{extra:?}: {stderr}");
    }
    // check boots no phone over the wire: it says which command does.
    let (code, _, stderr) = check(&["--server", "127.0.0.1:6969"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("phoneup simulate --from P003-08-11-00 --server 127.0.0.1:6969"),
        "{stderr}"
    );
    // probe: --server, or the server first as before.
    let new = test.run(&["probe", "--server", "127.0.0.1:notaport"]);
    assert_eq!(new.0, 2);
    assert!(new.2.contains("--server `127.0.0.1:notaport`"), "{}", new.2);
    let (code, _, stderr) = test.run(&["probe", "127.0.0.1:notaport"]);
    assert_eq!((code, stderr), (new.0, new.2));
    let (code, _, stderr) = test.run(&["probe"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--server <HOST[:PORT]>"), "{stderr}");
}

#[test]
fn simulate_over_the_wire_without_a_mac_asks_for_the_mac_probe_uses() {
    let test = Test::new();
    let root = sip_8_11_root(&test, "wire");
    let server = WrongServer::start(&root, Wrong::MissingAnswered(1));
    let address = server.address.to_string();
    let (code, stdout, stderr) = test.run(&[
        "simulate",
        "--from",
        "P0S3-08-11-00",
        "--server",
        &address,
        "--boots",
        "1",
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("no --mac given"), "{stdout}");
    let asked: Vec<String> = server
        .requests
        .lock()
        .unwrap()
        .iter()
        .map(|(_, file)| file.clone())
        .collect();
    assert!(
        asked.contains(&"CTLSEP0018B9FFFFFF.tlv".to_string()),
        "{asked:?}"
    );
    assert!(
        asked.iter().all(|file| !file.contains("<MAC>")),
        "{asked:?}"
    );
}

#[test]
fn numbers_out_of_range_are_said_in_words() {
    for (args, says) in [
        (
            &[
                "simulate",
                "--from",
                "P0S3-06-3-00",
                "--tftp-root",
                ".",
                "--boots",
                "0",
            ][..],
            "must be a whole number from 1 to 100",
        ),
        (
            &[
                "simulate",
                "--from",
                "P0S3-06-3-00",
                "--tftp-root",
                ".",
                "--boots",
                "101",
            ],
            "must be a whole number from 1 to 100",
        ),
        (
            &card("apply", &["--stage", "one", "--tftp-root", "."])[..],
            "must be a whole number",
        ),
    ] {
        let (code, _, stderr) = run(args);
        assert_eq!(code, 2, "{args:?}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(!stderr.contains("..="), "{stderr}");
        assert!(!stderr.contains("invalid digit"), "{stderr}");
    }
}

/// What bash offers for the last of `words` (an empty last word: what comes next), with the
/// script `phoneup completions bash` prints, run in `dir`.
fn bash_completes(dir: &Path, words: &[&str]) -> Vec<String> {
    let (_, script, _) = run(&["completions", "bash"]);
    let script_path = dir.join("phoneup.bash");
    fs::write(&script_path, script).unwrap();
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let current = words.len() - 1;
    let line = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={current}; _phoneup phoneup '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script_path.display(),
        quoted.join(" "),
        words[current],
        words[current - 1],
    );
    let output = Command::new("bash")
        .arg("-c")
        .arg(line)
        .current_dir(dir)
        .output()
        .expect("bash runs");
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter(|line| !line.is_empty())
        .map(String::from)
        .collect()
}

#[test]
fn bash_completes_load_ids_answers_folders_and_files() {
    let test = Test::new();
    let dir = test.dir("completing", &[("a-file.txt", b"")]);
    fs::create_dir(dir.join("a-folder")).unwrap();
    let loads = bash_completes(&dir, &["phoneup", "plan", "--from", "P0S3-0"]);
    assert!(loads.contains(&"P0S3-06-3-00".to_string()), "{loads:?}");
    assert!(loads.contains(&"P0S3-08-11-00".to_string()), "{loads:?}");
    assert!(loads.iter().all(|l| l.starts_with("P0S3-0")), "{loads:?}");
    for flag in ["--to", "--via", "--avoid"] {
        let loads = bash_completes(&dir, &["phoneup", "apply", flag, "P0030301M"]);
        assert_eq!(loads, ["P0030301MFG2"], "{flag}");
    }
    let loads = bash_completes(&dir, &["phoneup", "serve", "--to", "P003-08-1"]);
    assert!(loads.contains(&"P003-08-11-00".to_string()), "{loads:?}");
    let answers = bash_completes(&dir, &["phoneup", "simulate", "--server-answers", ""]);
    assert_eq!(answers, ["file-not-found", "wrong-error"]);
    // A folder option leaves the completing to bash's folders (no file offered); a file option
    // offers files.
    for words in [
        &["phoneup", "lint", "--tftp-root", ""][..],
        &["phoneup", "apply", "--journal", ""],
        &["phoneup", "serve", "--tftp-root", ""],
        &["phoneup", "man", "--dir", ""],
    ] {
        let offered = bash_completes(&dir, words);
        assert!(
            !offered.contains(&"a-file.txt".to_string()),
            "{words:?}: {offered:?}"
        );
    }
    for words in [
        &["phoneup", "serve", "--leases", ""][..],
        &["phoneup", "serve", "--phones-file", ""],
        &["phoneup", "plan", "--matrix", ""],
    ] {
        let offered = bash_completes(&dir, words);
        assert!(
            offered.contains(&"a-file.txt".to_string()),
            "{words:?}: {offered:?}"
        );
    }
    let (_, script, _) = run(&["completions", "bash"]);
    let tftp_root = script
        .split("--tftp-root)")
        .nth(1)
        .expect("the script completes --tftp-root");
    let tftp_root = &tftp_root[..tftp_root.find(";;").unwrap()];
    assert!(tftp_root.contains("compopt -o plusdirs"), "{tftp_root}");
    // zsh knows the same.
    let (_, zsh, _) = run(&["completions", "zsh"]);
    assert!(zsh.contains("P0S3-08-11-00"), "zsh completes load IDs");
    assert!(zsh.contains("_files -/"), "zsh completes folders");
}

#[test]
fn every_command_has_examples_and_exit_codes_and_global_options_last() {
    let (_, top, _) = run(&["--help"]);
    let commands: Vec<&str> = top
        .split("Commands:\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|line| !line.is_empty())
        .filter(|line| !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .collect();
    assert_eq!(commands.len(), 15, "{commands:?}");
    assert!(top.contains("phoneup serve"), "{top}");
    for command in commands {
        let (code, help, _) = run(&[command, "--help"]);
        assert_eq!(code, 0, "{command}");
        let examples = help
            .split("\nExamples:\n")
            .nth(1)
            .unwrap_or_else(|| panic!("{command} --help has no examples"));
        assert!(
            examples.starts_with("  phoneup ") || examples.contains("| phoneup "),
            "{command}: {examples}"
        );
        assert!(help.contains("\nExit codes:\n  0  "), "{command}: {help}");
        let global = help
            .find("Global options:\n")
            .unwrap_or_else(|| panic!("{command} --help has no global options"));
        let matrix = help.find("--matrix <FILE>").unwrap();
        assert!(matrix > global, "{command}: --matrix among its own options");
        assert!(
            !help.contains("--root"),
            "{command}: a hidden spelling shown"
        );
        assert!(
            !help.contains("--events"),
            "{command}: a hidden spelling shown"
        );
        assert!(
            !help.contains("P0S3-06-3-00,"),
            "{command}: the loads are not listed"
        );
    }
}

#[test]
fn man_writes_a_page_per_command_each_with_the_standard_sections() {
    let test = Test::new();
    let dir = test.path().join("man1");
    let (code, stdout, stderr) = test.run(&["man", "--dir", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("Wrote 16 man pages"), "{stdout}");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 16, "{names:?}");
    assert!(names.contains(&"phoneup.1".to_string()));
    assert!(names.contains(&"phoneup-serve.1".to_string()));
    for name in &names {
        let page = fs::read_to_string(dir.join(name)).unwrap();
        for section in [
            ".SH SYNOPSIS",
            ".SH EXAMPLES",
            ".SH \"EXIT STATUS\"",
            ".SH ENVIRONMENT",
            ".SH FILES",
            ".SH \"SEE ALSO\"",
        ] {
            assert!(page.contains(section), "{name} lacks {section}");
        }
        assert!(page.contains("NO_COLOR"), "{name}");
        assert!(page.contains("CLICOLOR_FORCE"), "{name}");
        // Every page it names exists.
        for named in page.split("phoneup\\-").skip(1) {
            let Some(command) = named.split("(1)").next().filter(|c| !c.contains(' ')) else {
                continue;
            };
            if named.contains("(1)") && command.chars().all(|c| c.is_ascii_lowercase()) {
                assert!(
                    names.contains(&format!("phoneup-{command}.1")),
                    "{name} names phoneup-{command}(1)"
                );
            }
        }
    }
    let plan = fs::read_to_string(dir.join("phoneup-plan.1")).unwrap();
    assert!(plan.contains("\n.TH phoneup-plan 1 "), "{plan}");
    // The synopsis shows each option's value.
    let synopsis = plan.split(".SH SYNOPSIS\n").nth(1).unwrap();
    let synopsis = synopsis.lines().next().unwrap();
    assert!(
        synopsis.contains("\\fB\\-\\-from\\fR \\fILOAD\\fR")
            && synopsis.contains("[\\fB\\-\\-via\\fR \\fILOAD\\fR]..."),
        "{synopsis}"
    );
    for page in ["phoneup-apply.1", "phoneup-undo.1", "phoneup-lint.1"] {
        let text = fs::read_to_string(dir.join(page)).unwrap();
        assert!(text.contains("XDG_STATE_HOME"), "{page}");
        assert!(text.contains("journal/NAME\\-HASH"), "{page}");
    }
    let serve = fs::read_to_string(dir.join("phoneup-serve.1")).unwrap();
    assert!(serve.contains("state.json"), "serve's state file");
    assert!(serve.contains("\\-\\-format json"), "serve's examples");
    // The variable only serve reads is on serve's page, not on the others'.
    assert!(serve.contains("PHONEUP_DEVICE_INFO_PORT"), "{serve}");
    assert!(!plan.contains("PHONEUP_DEVICE_INFO_PORT"), "{plan}");
    // `phoneup man` alone prints phoneup(1), as written into the folder.
    let (code, top, _) = test.run(&["man"]);
    assert_eq!(code, 0);
    assert_eq!(top, fs::read_to_string(dir.join("phoneup.1")).unwrap());
    // A folder that cannot be made is an input error.
    let file = test.dir("not-a-folder", &[("f", b"")]).join("f");
    let (code, _, stderr) = test.run(&["man", "--dir", file.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(!stderr.contains("os error"), "{stderr}");
}
