//! The undo journal under attack: a planted `.phoneup` link, tampered manifests, the largest
//! journal number, copies gone missing and files that cannot be written. undo never touches a
//! file outside the root, and says how to go on.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;

use super::support::{forced_apply, originals_restored, tree, Test};

#[test]
fn a_tampered_journal_is_refused_naming_every_file_phoneup_writes() {
    let test = Test::new();
    let dir = test.users_root("root");
    assert_eq!(test.run_owned(&forced_apply(&dir, "1", &[])).0, 0);
    let folder = test.journal_of(&dir).join("0001");
    fs::write(
        folder.join("manifest.yaml"),
        "description: evil\nentries:\n- file: evil.txt\n  action: created\n",
    )
    .unwrap();
    let (code, _, stderr) = test.run(&["undo", "--tftp-root", dir.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("(OS79XX.TXT, XMLDefault.cnf.xml, SIPDefault.cnf, MGCDefault.cnf, SEP<MAC>.cnf.xml, SIP<MAC>.cnf, MGC<MAC>.cnf)"),
        "{stderr}"
    );
}

#[test]
fn a_planted_phoneup_link_is_never_followed_and_the_journal_lives_outside_the_root() {
    let test = Test::new();
    for variant in ["phoneup", "undo"] {
        let dir = test.users_root(&format!("root-{variant}"));
        let outside = test.dir(&format!("outside-{variant}"), &[]);
        if variant == "phoneup" {
            symlink(&outside, dir.join(".phoneup")).unwrap();
        } else {
            fs::create_dir(dir.join(".phoneup")).unwrap();
            symlink(&outside, dir.join(".phoneup/undo")).unwrap();
        }
        // Not phoneup's: apply and undo never look into it.
        let before = tree(&dir);
        let (code, stdout, stderr) = test.run_owned(&forced_apply(&dir, "1", &[]));
        assert_eq!(code, 0, "{stdout}{stderr}");
        let (code, stdout, stderr) = test.undo(&dir);
        assert_eq!(code, 0, "{stdout}{stderr}");
        assert!(
            tree(&outside).is_empty(),
            "nothing was written where the link points"
        );
        assert_eq!(tree(&dir), before, "the root is as it was, the link too");
    }
    // Without a planted link, the journal is written outside the root, never inside it.
    let dir = test.users_root("clean");
    let (code, stdout, stderr) = test.run_owned(&forced_apply(&dir, "1", &[]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    let names: Vec<String> = tree(&dir).into_keys().collect();
    assert!(
        !names.iter().any(|n| n.starts_with(".phoneup")),
        "{names:?}"
    );
    let journal = test.journal_of(&dir);
    assert!(journal.join("0001/manifest.yaml").is_file());
    assert!(journal.join("0001/SIPDefault.cnf").is_file());
    assert!(stdout.contains(journal.to_str().unwrap()), "{stdout}");
    assert_eq!(test.undo(&dir).0, 0);
}

/// Five tampered manifest entries that would reach outside the root: an absolute path, a
/// relative path out (created and modified), a path through a link, and a file moved aside to
/// `../x`.
fn evil_manifests(outside: &Path) -> Vec<(String, &'static str)> {
    let relative = format!(
        "../{}/precious.txt",
        outside.file_name().unwrap().to_str().unwrap()
    );
    vec![
        (format!("{}/precious.txt", outside.display()), "created"),
        (relative.clone(), "created"),
        (relative, "modified"),
        ("link/precious.txt".to_string(), "modified"),
        ("../x".to_string(), "moved-aside"),
    ]
}

fn write_manifest(folder: &Path, file: &str, action: &str) {
    fs::create_dir_all(folder).unwrap();
    fs::write(
        folder.join("manifest.yaml"),
        format!("description: evil\nentries:\n- file: \"{file}\"\n  action: {action}\n"),
    )
    .unwrap();
}

#[test]
fn a_tampered_manifest_never_makes_undo_touch_a_file_outside_the_root() {
    let test = Test::new();
    let dir = test.users_root("root");
    let outside = test.dir("outside", &[("precious.txt", b"precious\n")]);
    symlink(&outside, dir.join("link")).unwrap();
    // A real apply makes the journal; then its manifest is replaced.
    assert_eq!(test.run_owned(&forced_apply(&dir, "1", &[])).0, 0);
    for (file, action) in evil_manifests(&outside) {
        let folder = test.journal_of(&dir).join("0001");
        write_manifest(&folder, &file, action);
        fs::write(folder.join("precious.txt"), "ATTACKER BYTES\n").unwrap();
        let before = tree(&dir);
        let (code, _, stderr) = test.undo(&dir);
        assert_eq!(code, 2, "{file} ({action}): {stderr}");
        assert!(
            stderr.contains("not a file phoneup writes"),
            "{file}: {stderr}"
        );
        assert_eq!(
            fs::read_to_string(outside.join("precious.txt")).unwrap(),
            "precious\n",
            "{file} ({action})"
        );
        assert_eq!(tree(&outside).len(), 1, "{file}: nothing added outside");
        assert_eq!(tree(&dir), before, "{file}: nothing changed");
    }
}

#[test]
fn the_largest_journal_number_never_wraps_over_a_backup() {
    let test = Test::new();
    // A folder named 2^64-1 in the journal: the number is refused, never wrapped to 0000.
    let dir = test.users_root("root");
    let before = tree(&dir);
    assert_eq!(test.run_owned(&forced_apply(&dir, "1", &[])).0, 0);
    let after_stage_1 = tree(&dir);
    fs::create_dir(test.journal_of(&dir).join(u64::MAX.to_string())).unwrap();
    let (code, _, stderr) = test.run_owned(&forced_apply(&dir, "3", &[]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("largest journal number"), "{stderr}");
    assert_eq!(tree(&dir), after_stage_1, "stage 3 changed nothing");
    assert!(
        test.journal_of(&dir).join("0001/SIPDefault.cnf").is_file(),
        "the backup is whole"
    );
    test.undo_all(&dir, 3);
    originals_restored(&dir, &before);
}

#[test]
fn journal_errors_say_what_failed_and_how_to_go_on() {
    let test = Test::new();
    let dir = test.users_root("copy-gone");
    let before = tree(&dir);
    assert_eq!(test.run_owned(&forced_apply(&dir, "1", &[])).0, 0);
    fs::write(test.journal_of(&dir).join("9999"), "x").unwrap();
    assert_eq!(
        test.undo(&dir).0,
        0,
        "a file named like a journal number blocks nothing"
    );
    originals_restored(&dir, &before);
    assert_eq!(test.run_owned(&forced_apply(&dir, "1", &[])).0, 0);
    let copy = fs::read_dir(test.journal_of(&dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.join("manifest.yaml").is_file())
        .unwrap()
        .join("SIPDefault.cnf");
    fs::remove_file(&copy).unwrap();
    let (code, _, stderr) = test.undo(&dir);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot read"), "{stderr}");
    assert!(!stderr.contains("cannot write"), "{stderr}");
    assert!(stderr.contains("run `phoneup undo"), "{stderr}");
    // F8: an undo that cannot write says how to go on with undo, not with an apply.
    let dir = test.users_root("unwritable");
    assert_eq!(test.run_owned(&forced_apply(&dir, "1", &[])).0, 0);
    fs::remove_file(dir.join("SIPDefault.cnf")).unwrap();
    fs::create_dir(dir.join("SIPDefault.cnf")).unwrap();
    let (code, _, stderr) = test.undo(&dir);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot write"), "{stderr}");
    assert!(
        stderr.contains("then run `phoneup undo --tftp-root"),
        "{stderr}"
    );
    assert!(!stderr.contains("stopped an apply"), "{stderr}");
}
