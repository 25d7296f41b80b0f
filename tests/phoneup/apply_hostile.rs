//! `apply` and `undo` on hostile TFTP roots: links where configuration files belong, FIFOs,
//! devices and huge files, runs that race each other or are killed, files of private modes.
//! Nothing is written outside the root, no original is lost, nothing hangs, memory stays
//! bounded.

use std::fs;
use std::os::unix::fs::{symlink, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::support::{
    forced_apply, originals_restored, owner_and_mode, tree, Test, USERS_SIPDEFAULT,
    USERS_XMLDEFAULT,
};

/// Long enough for any run on a slow machine; a run that takes longer hangs.
const LIMIT: Duration = Duration::from_secs(60);

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo (coreutils) runs");
    assert!(status.success());
}

#[test]
fn two_applies_at_once_and_apply_racing_undo_never_lose_an_original() {
    let test = Test::new();
    // Both processes are started by one loop, as `a & b & wait` does; the lock makes the
    // second wait for the first, so they never share a journal folder.
    for trial in 0..12 {
        let dir = test.users_root(&format!("pair-{trial}"));
        let before = tree(&dir);
        let second = if trial % 3 == 2 { "1" } else { "3" };
        let a = test.start(&forced_apply(&dir, "1", &[]));
        let b = test.start(&forced_apply(&dir, second, &[]));
        let (code_a, out_a, err_a) = a.wait(LIMIT);
        let (code_b, out_b, err_b) = b.wait(LIMIT);
        assert_eq!(code_a, Some(0), "{out_a}{err_a}");
        assert_eq!(code_b, Some(0), "{out_b}{err_b}");
        let journals = fs::read_dir(test.journal_of(&dir))
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().is_dir())
            .count();
        let expected = if second == "3" { 2 } else { 1 };
        assert_eq!(
            journals, expected,
            "trial {trial}: one journal folder per apply"
        );
        test.undo_all(&dir, 5);
        originals_restored(&dir, &before);
    }
    for trial in 0..12 {
        let dir = test.users_root(&format!("undo-{trial}"));
        let before = tree(&dir);
        assert_eq!(test.run_owned(&forced_apply(&dir, "1", &[])).0, 0);
        let a = test.start(&forced_apply(&dir, "3", &[]));
        let u = test.start(&[
            "undo".to_string(),
            "--tftp-root".to_string(),
            dir.to_str().unwrap().to_string(),
        ]);
        let (code_a, out_a, err_a) = a.wait(LIMIT);
        let (code_u, out_u, err_u) = u.wait(LIMIT);
        assert_eq!(code_a, Some(0), "{out_a}{err_a}");
        assert_eq!(code_u, Some(0), "{out_u}{err_u}");
        test.undo_all(&dir, 5);
        originals_restored(&dir, &before);
    }
}

#[test]
fn symlinked_configuration_files_are_refused_or_replaced_with_consent_and_restored_as_links() {
    let test = Test::new();
    let outside = test.dir(
        "outside",
        &[
            ("sip.cnf", USERS_SIPDEFAULT.as_bytes()),
            ("xml", USERS_XMLDEFAULT.as_bytes()),
        ],
    );
    let outside_before = tree(&outside);
    let beside = |name: &str| {
        PathBuf::from(format!(
            "../{}/{name}",
            outside.file_name().unwrap().to_str().unwrap()
        ))
    };
    // (the link, where it points, the stage that writes or moves it)
    let cases: Vec<(&str, PathBuf, &str)> = vec![
        ("OS79XX.TXT", PathBuf::from("/etc/passwd"), "1"),
        ("SIPDefault.cnf", beside("sip.cnf"), "1"),
        ("XMLDefault.cnf.xml", PathBuf::from("nowhere"), "3"),
        ("XMLDefault.cnf.xml", beside("xml"), "1"),
    ];
    for (i, (name, target, stage)) in cases.iter().enumerate() {
        let dir = test.users_root(&format!("root-{i}"));
        fs::remove_file(dir.join(name)).ok();
        symlink(target, dir.join(name)).unwrap();
        let before = tree(&dir);
        let (code, stdout, _) = test.run_owned(&forced_apply(&dir, stage, &[]));
        assert_eq!(code, 1, "{name}: {stdout}");
        assert!(stdout.contains("symbolic link"), "{stdout}");
        assert!(stdout.contains("then run: phoneup apply"), "{stdout}");
        assert!(stdout.contains("--replace-links"), "{stdout}");
        assert_eq!(tree(&dir), before, "{name}: refused, nothing changed");
        let (code, stdout, stderr) =
            test.run_owned(&forced_apply(&dir, stage, &["--replace-links"]));
        assert_eq!(code, 0, "{name}: {stdout}{stderr}");
        match fs::symlink_metadata(dir.join(name)) {
            Ok(m) => assert!(m.is_file(), "{name} is a regular file now"),
            Err(_) => assert_eq!(*stage, "1", "{name} was moved aside"),
        }
        test.undo_all(&dir, 3);
        assert_eq!(
            fs::read_link(dir.join(name)).unwrap(),
            *target,
            "{name} is a link again"
        );
        assert_eq!(tree(&dir), before, "{name}: the root is as it was");
        assert_eq!(tree(&outside), outside_before, "nothing outside changed");
    }
    // A dangling link where the stage needs no file is absent already, for the phone too: it is
    // left alone.
    let dir = test.users_root("dangling");
    fs::remove_file(dir.join("XMLDefault.cnf.xml")).unwrap();
    symlink("nowhere", dir.join("XMLDefault.cnf.xml")).unwrap();
    assert_eq!(test.run_owned(&forced_apply(&dir, "1", &[])).0, 0);
    assert_eq!(
        fs::read_link(dir.join("XMLDefault.cnf.xml")).unwrap(),
        Path::new("nowhere")
    );
    test.undo_all(&dir, 2);
}

#[test]
fn mode_is_kept_and_journal_copies_are_private() {
    // (Owner and group, which only root can give a file: system::owners.)
    let test = Test::new();
    let dir = test.users_root("root");
    let sip = dir.join("SIPDefault.cnf");
    let xml = dir.join("XMLDefault.cnf.xml");
    fs::set_permissions(&sip, fs::Permissions::from_mode(0o640)).unwrap();
    fs::set_permissions(&xml, fs::Permissions::from_mode(0o600)).unwrap();
    let sip_before = owner_and_mode(&sip);
    let (code, stdout, stderr) = test.run_owned(&forced_apply(&dir, "1", &[]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(
        owner_and_mode(&sip),
        sip_before,
        "apply keeps owner, group and mode"
    );
    let journal = test.journal_of(&dir).join("0001");
    for copy in ["SIPDefault.cnf", "XMLDefault.cnf.xml"] {
        let mode = fs::metadata(journal.join(copy)).unwrap().mode() & 0o777;
        assert_eq!(
            mode & 0o077,
            0,
            "{copy} copy is {mode:o}: readable by others"
        );
    }
    let folder_mode = fs::metadata(&journal).unwrap().mode() & 0o777;
    assert_eq!(folder_mode, 0o700);
    test.undo_all(&dir, 2);
    assert_eq!(
        owner_and_mode(&sip),
        sip_before,
        "undo puts owner, group and mode back"
    );
    assert_eq!(owner_and_mode(&xml).2, 0o600);
    assert_eq!(fs::read_to_string(&sip).unwrap(), USERS_SIPDEFAULT);
}

#[test]
fn a_killed_run_leaves_no_temporary_file_once_phoneup_runs_again() {
    let test = Test::new();
    // The state a kill leaves: a temporary file beside the one being written.
    let dir = test.users_root("stray");
    let before = tree(&dir);
    let stray = ".XMLDefault.cnf.xml.phoneup-4242.tmp";
    fs::write(dir.join(stray), USERS_XMLDEFAULT).unwrap();
    let (code, stdout, _) = test.undo(&dir);
    assert_eq!(code, 1, "nothing to undo: {stdout}");
    assert!(stdout.contains(stray), "the note names it: {stdout}");
    assert_eq!(tree(&dir), before);
    // And real `kill -9`s at varying moments: after undo the root is as it was.
    for trial in 0..12u64 {
        let dir = test.users_root(&format!("kill-{trial}"));
        let before = tree(&dir);
        let stage = if trial % 2 == 0 { "1" } else { "3" };
        let child = test.start(&forced_apply(&dir, stage, &[]));
        std::thread::sleep(Duration::from_millis(trial * 4));
        child.kill();
        test.undo_all(&dir, 3);
        originals_restored(&dir, &before);
    }
}

#[test]
fn a_fifo_named_like_a_configuration_file_never_hangs_apply() {
    let test = Test::new();
    for (i, name) in [
        "OS79XX.TXT",
        "SIPDefault.cnf",
        "XMLDefault.cnf.xml",
        "SEP0018B9FFFFFF.cnf.xml",
        "SIP0018B9FFFFFF.cnf",
    ]
    .iter()
    .enumerate()
    {
        let dir = test.users_root(&format!("root-{i}"));
        fs::remove_file(dir.join(name)).ok();
        mkfifo(&dir.join(name));
        let before = tree(&dir);
        let (stage, extra): (&str, &[&str]) = if name.contains("0018B9") {
            ("3", &["--mac", "0018B9FFFFFF"])
        } else {
            ("1", &[])
        };
        for dry in [true, false] {
            let mut extra = extra.to_vec();
            if dry {
                extra.push("--dry-run");
            }
            let (code, _, stderr) = test.start(&forced_apply(&dir, stage, &extra)).wait(LIMIT);
            assert_eq!(code, Some(2), "{name}: {stderr}");
            assert!(stderr.contains("FIFO"), "{name}: {stderr}");
        }
        assert_eq!(tree(&dir), before);
        // The readers list it and lint says it could not read it.
        let (code, stdout, _) = test
            .start(&["lint".to_string(), dir.to_str().unwrap().to_string()])
            .wait(LIMIT);
        assert_eq!(code, Some(1), "{stdout}");
        assert!(stdout.contains("could not read"), "{stdout}");
    }
}

#[test]
fn devices_and_huge_files_are_refused_before_they_are_read() {
    let test = Test::new();
    let dir = test.users_root("zero");
    fs::remove_file(dir.join("XMLDefault.cnf.xml")).unwrap();
    symlink("/dev/zero", dir.join("XMLDefault.cnf.xml")).unwrap();
    for stage in ["1", "3"] {
        for extra in [&["--dry-run"][..], &[], &["--replace-links"]] {
            let (code, _, stderr) = test.start(&forced_apply(&dir, stage, extra)).wait(LIMIT);
            assert_eq!(code, Some(2), "stage {stage} {extra:?}: {stderr}");
            assert!(stderr.contains("a character device"), "{stderr}");
        }
    }
    let dir = test.users_root("urandom");
    fs::remove_file(dir.join("SIPDefault.cnf")).unwrap();
    symlink("/dev/urandom", dir.join("SIPDefault.cnf")).unwrap();
    let (code, _, stderr) = test.start(&forced_apply(&dir, "1", &[])).wait(LIMIT);
    assert_eq!(code, Some(2), "{stderr}");
    // A sparse 1 GiB file: refused by its size, never read (read whole, such a file once took 4.2 GB of memory).
    for name in ["SIPDefault.cnf", "XMLDefault.cnf.xml"] {
        let dir = test.users_root(&format!("huge-{name}"));
        fs::File::create(dir.join(name))
            .unwrap()
            .set_len(1 << 30)
            .unwrap();
        let before = tree_names(&dir);
        for stage in ["1", "3"] {
            let (code, _, stderr) = test
                .start(&forced_apply(&dir, stage, &["--dry-run"]))
                .wait(LIMIT);
            assert_eq!(code, Some(2), "{name} stage {stage}: {stderr}");
            assert!(stderr.contains("is 1.0 GiB"), "{stderr}");
            assert!(stderr.contains("phoneup reads at most 1.0 MiB"), "{stderr}");
        }
        assert_eq!(tree_names(&dir), before);
    }
}

/// The names in a directory (for roots holding files too large to compare).
fn tree_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

#[test]
fn a_dry_run_never_prints_what_a_link_points_to() {
    let test = Test::new();
    let dir = test.users_root("root");
    fs::remove_file(dir.join("XMLDefault.cnf.xml")).unwrap();
    symlink("/proc/self/environ", dir.join("XMLDefault.cnf.xml")).unwrap();
    let secret = "PHONEUP_TEST_SECRET=do-not-print-me";
    for extra in [&["--dry-run"][..], &["--dry-run", "--replace-links"]] {
        let output = test
            .phoneup()
            .args(forced_apply(&dir, "1", extra))
            .env("PHONEUP_TEST_SECRET", "do-not-print-me")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(!stdout.contains(secret), "{extra:?}: {stdout}");
        assert!(output.status.code().unwrap() <= 1, "{stdout}");
    }
}

/// The mode bits of `path`, without following a link.
fn mode(path: &Path) -> u32 {
    fs::symlink_metadata(path).unwrap().permissions().mode() & 0o7777
}

#[test]
fn a_linked_configuration_file_replaced_keeps_its_targets_mode_never_wider() {
    let test = Test::new();
    let dir = test.users_root("root");
    let secret = test.path().join("target.cnf");
    fs::write(&secret, USERS_SIPDEFAULT).unwrap();
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o640)).unwrap();
    fs::remove_file(dir.join("SIPDefault.cnf")).unwrap();
    symlink(&secret, dir.join("SIPDefault.cnf")).unwrap();
    let (code, stdout, stderr) = test.run_owned(&forced_apply(&dir, "1", &["--replace-links"]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("it becomes a regular file with mode 0640"),
        "{stdout}"
    );
    let sip = dir.join("SIPDefault.cnf");
    assert!(fs::symlink_metadata(&sip).unwrap().is_file());
    assert_eq!(mode(&sip), 0o640, "as private as the link's target");
    assert!(fs::read_to_string(&sip).unwrap().contains("line1_password"));
    // The next stage keeps it so, and its journal copy is private.
    let (code, stdout, stderr) = test.run_owned(&forced_apply(&dir, "2", &[]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(mode(&sip), 0o640);
    let journal = test.journal_of(&dir);
    for folder in fs::read_dir(&journal).unwrap().map(|e| e.unwrap().path()) {
        if !folder.is_dir() {
            continue;
        }
        for file in fs::read_dir(&folder).unwrap().map(|e| e.unwrap().path()) {
            assert_eq!(mode(&file) & 0o077, 0, "{} is private", file.display());
        }
    }
    for _ in 0..2 {
        assert_eq!(
            test.run(&["undo", "--tftp-root", dir.to_str().unwrap()]).0,
            0
        );
    }
    assert_eq!(fs::read_link(&sip).unwrap(), secret, "the link is back");
    assert_eq!(mode(&secret), 0o640);
    assert_eq!(fs::read_to_string(&secret).unwrap(), USERS_SIPDEFAULT);
}
