//! The undo journal `apply` keeps and `undo` reads: outside the TFTP root, in
//! `$XDG_STATE_HOME/phoneup` or the folder `--journal` names (checked before anything is kept
//! there), in folders named by digits alone.

use std::fs;
use std::path::Path;

use phoneup::plan::replay::STAND_IN_IMAGE;

use super::support::{forced_apply, phoneup, Test, USERS_SIPDEFAULT};

#[test]
fn journal_option_keeps_the_journal_where_the_user_says_and_never_inside_the_root() {
    let test = Test::new();
    let dir = test.users_root("journal-option");
    let journal = test.path().join("own-journal");
    let root = dir.to_str().unwrap();
    let mut args = forced_apply(&dir, "1", &["--journal"]);
    args.push(journal.to_str().unwrap().to_string());
    let (code, stdout, stderr) = test.run_owned(&args);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(journal.join("0001/manifest.yaml").is_file());
    assert!(
        stdout.contains(&format!(
            "phoneup undo --tftp-root {root} --journal {}",
            journal.display()
        )),
        "{stdout}"
    );
    // Another root cannot share it.
    let other = test.dir("journal-option-other", &[("P0S3-06-3-00.bin", b"")]);
    let mut args = forced_apply(&other, "1", &["--journal"]);
    args.push(journal.to_str().unwrap().to_string());
    let (code, _, stderr) = test.run_owned(&args);
    assert_eq!(code, 2);
    assert!(stderr.contains("holds the undo journal of"), "{stderr}");
    // Inside the root is refused.
    let mut args = forced_apply(&dir, "3", &["--journal"]);
    args.push(format!("{root}/journal"));
    let (code, _, stderr) = test.run_owned(&args);
    assert_eq!(code, 2);
    assert!(stderr.contains("inside the TFTP root"), "{stderr}");
    let (code, _, _) = test.run(&["undo", "--tftp-root", root]);
    assert_eq!(code, 1, "the default journal holds nothing for this root");
    let (code, _, _) = test.run(&[
        "undo",
        "--tftp-root",
        root,
        "--journal",
        journal.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        fs::read_to_string(dir.join("SIPDefault.cnf")).unwrap(),
        USERS_SIPDEFAULT
    );
    let _ = phoneup;
}

#[test]
fn only_folders_named_by_digits_alone_are_journal_folders() {
    let test = Test::new();
    let dir = test.users_root("journal-digits");
    let journal = test.path().join("journal-digits-journal");
    let mut args = forced_apply(&dir, "1", &["--journal"]);
    args.push(journal.to_str().unwrap().to_string());
    let (code, stdout, stderr) = test.run_owned(&args);
    assert_eq!(code, 0, "{stdout}{stderr}");
    // "+1" reads as the number 1 to Rust's parser, but it is not a name phoneup gives.
    fs::rename(journal.join("0001"), journal.join("+1")).unwrap();
    let (code, stdout, stderr) = test.run(&[
        "undo",
        "--tftp-root",
        dir.to_str().unwrap(),
        "--journal",
        journal.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("Nothing to undo"), "{stdout}");
    assert!(journal.join("+1/manifest.yaml").exists());
}

/// `apply` of a user's root's stage 1 run in `cwd` with `env` (and XDG_STATE_HOME removed
/// unless `env` sets it), and `extra` options.
fn apply_with_env(
    test: &Test,
    dir: &Path,
    cwd: &Path,
    env: &[(&str, &str)],
    extra: &[&str],
) -> (i32, String, String) {
    let mut command = test.phoneup();
    command.env_remove("XDG_STATE_HOME").current_dir(cwd);
    for (key, value) in env {
        command.env(key, value);
    }
    command.args(forced_apply(dir, "1", extra));
    super::support::run_command(&mut command)
}

#[test]
fn the_journal_lives_where_xdg_says_only_when_its_paths_are_absolute() {
    let test = Test::new();
    let dir = test.users_root("state-xdg");
    let base = test.path().join("state-xdg-home");
    fs::create_dir_all(base.join("cwd")).unwrap();
    let home = base.join("home");
    // A relative XDG_STATE_HOME is ignored, as the XDG specification asks: HOME's is used.
    let (code, stdout, stderr) = apply_with_env(
        &test,
        &dir,
        &base.join("cwd"),
        &[
            ("XDG_STATE_HOME", "relative-state"),
            ("HOME", home.to_str().unwrap()),
        ],
        &[],
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(home.join(".local/state/phoneup/journal").is_dir());
    assert!(!base.join("cwd/relative-state").exists());
    // A relative HOME (and no XDG_STATE_HOME) names no place: a usage error saying what to set.
    let (code, stdout, stderr) = apply_with_env(
        &test,
        &dir,
        &base.join("cwd"),
        &[("HOME", "relative-home")],
        &[],
    );
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stderr.contains("neither XDG_STATE_HOME nor HOME is set"),
        "{stderr}"
    );
    assert!(!base.join("cwd/relative-home").exists());
}

#[test]
fn a_journal_folder_given_with_journal_is_checked_before_anything_is_kept_there() {
    let test = Test::new();
    let dir = test.users_root("state-journal-checks");
    let base = test.path().join("state-journal-checks-places");
    fs::create_dir_all(&base).unwrap();
    let base_arg = |name: &str| base.join(name).to_str().unwrap().to_string();
    // A relative --journal is taken from where phoneup runs, and named so in the error when
    // that is inside the root.
    let (code, _, stderr) = apply_with_env(&test, &dir, &dir, &[], &["--journal", "inside"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "would keep its journal in {}/inside, inside the TFTP root",
            dir.display()
        )),
        "{stderr}"
    );
    // A link, or a file, where the journal folder would be: refused, nothing written.
    fs::create_dir(base.join("real")).unwrap();
    std::os::unix::fs::symlink(base.join("real"), base.join("link")).unwrap();
    fs::write(base.join("file"), "mine\n").unwrap();
    let home = [("HOME", base.to_str().unwrap())];
    for (name, problem) in [("link", "is a symbolic link"), ("file", "is not a folder")] {
        let (code, stdout, stderr) =
            apply_with_env(&test, &dir, &base, &home, &["--journal", &base_arg(name)]);
        assert_eq!(code, 2, "{name}: {stdout}{stderr}");
        assert!(stderr.contains(problem), "{name}: {stderr}");
    }
    assert_eq!(fs::read_dir(base.join("real")).unwrap().count(), 0);
    assert_eq!(fs::read_to_string(base.join("file")).unwrap(), "mine\n");
    // (Root keeping it in a folder of another user's: system::owners.)
}

#[test]
fn a_journal_folder_that_is_not_phoneups_to_use_is_refused_naming_it() {
    let test = Test::new();
    let dir = test.dir(
        "apply-marker",
        &[
            ("SIPDefault.cnf", b"image_version: P0030301MFG2\n"),
            ("P0S3-06-3-00.bin", STAND_IN_IMAGE),
        ],
    );
    let root = dir.join("root");
    fs::create_dir(&root).unwrap();
    for name in ["SIPDefault.cnf", "P0S3-06-3-00.bin"] {
        fs::rename(dir.join(name), root.join(name)).unwrap();
    }
    let journal = dir.join("journal");
    fs::create_dir_all(journal.join("root.txt")).unwrap();
    let (code, stdout, stderr) =
        test.apply_card(&root, "1", &["--journal", journal.to_str().unwrap()]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stderr.contains(&format!("{}", journal.join("root.txt").display())),
        "{stderr}"
    );
    // A journal folder below a file.
    let file = dir.join("a-file");
    fs::write(&file, "mine\n").unwrap();
    let below = file.join("journal");
    let (code, stdout, stderr) =
        test.apply_card(&root, "1", &["--journal", below.to_str().unwrap()]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stderr.contains(&format!("{}: Not a directory", below.display())),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), "mine\n");
    assert_eq!(
        fs::read_to_string(root.join("SIPDefault.cnf")).unwrap(),
        "image_version: P0030301MFG2\n",
        "nothing was changed"
    );
}
