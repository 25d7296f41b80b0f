//! Files of another owner, which only root can set up: apply and undo keep a file's owner and
//! group, a user who could not give a file back to its owner is refused before anything changes,
//! and root may keep its journal in another user's folder. Each test fails when not run as root,
//! saying so.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;

use super::support::{
    forced_apply, is_root, owner_and_mode, run_command, tree, Test, USERS_SIPDEFAULT,
};

/// Fails the test unless it runs as root.
fn needs_root() {
    assert!(
        is_root(),
        "this test gives files to another user (nobody) or runs phoneup as one, which needs root: \
         run the system tests in a root shell (bash .ci/install-test-servers && cargo test \
         --locked --features system-tests)"
    );
}

#[test]
fn owner_and_group_are_kept_and_a_user_who_cannot_give_a_file_back_is_refused() {
    needs_root();
    let test = Test::new();
    let dir = test.users_root("root");
    let sip = dir.join("SIPDefault.cnf");
    let xml = dir.join("XMLDefault.cnf.xml");
    std::os::unix::fs::chown(&sip, Some(65534), Some(65534)).unwrap();
    fs::set_permissions(&sip, fs::Permissions::from_mode(0o640)).unwrap();
    fs::set_permissions(&xml, fs::Permissions::from_mode(0o600)).unwrap();
    let sip_before = owner_and_mode(&sip);
    assert_eq!((sip_before.0, sip_before.1), (65534, 65534));
    let (code, stdout, stderr) = test.run_owned(&forced_apply(&dir, "1", &[]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(
        owner_and_mode(&sip),
        sip_before,
        "apply keeps owner, group and mode"
    );
    test.undo_all(&dir, 2);
    assert_eq!(
        owner_and_mode(&sip),
        sip_before,
        "undo puts owner, group and mode back"
    );
    assert_eq!(fs::read_to_string(&sip).unwrap(), USERS_SIPDEFAULT);
    // Run by a user who cannot give the file back to its owner: refused before anything
    // changes, with the command to run instead.
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o777)).unwrap();
    std::os::unix::fs::chown(&sip, Some(0), Some(0)).unwrap();
    for file in [&sip, &xml] {
        fs::set_permissions(file, fs::Permissions::from_mode(0o644)).unwrap();
    }
    let state = test.dir("nobody-state", &[]);
    fs::set_permissions(&state, fs::Permissions::from_mode(0o777)).unwrap();
    let before = tree(&dir);
    let as_nobody = |extra: &[&str]| {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("phoneup"))
            .args(forced_apply(&dir, "1", extra))
            .env("NO_COLOR", "1")
            .env("XDG_STATE_HOME", &state)
            .uid(65534)
            .gid(65534)
            .output()
            .unwrap()
    };
    let output = as_nobody(&[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("SIPDefault.cnf (owner uid 0)"), "{stdout}");
    assert!(stdout.contains("then run: sudo phoneup apply"), "{stdout}");
    assert_eq!(tree(&dir), before);
    // The same user may still preview it: the diff, then what would be refused.
    let output = as_nobody(&["--dry-run"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let diff = stdout.find("+++ b/SIPDefault.cnf").expect("the diff");
    let refused = stdout
        .find(
            "apply would refuse it: XMLDefault.cnf.xml (owner uid 0), SIPDefault.cnf (owner uid 0)",
        )
        .unwrap_or_else(|| panic!("what would be refused: {stdout}"));
    assert!(diff < refused, "{stdout}");
    assert!(stdout.contains("then run: sudo phoneup apply"), "{stdout}");
    assert_eq!(tree(&dir), before);
}

#[test]
fn root_may_keep_its_journal_in_a_folder_of_another_users() {
    needs_root();
    let test = Test::new();
    let dir = test.users_root("root");
    let base = test.dir("places", &[]);
    let theirs = base.join("theirs");
    fs::create_dir(&theirs).unwrap();
    std::os::unix::fs::chown(&theirs, Some(65534), Some(65534)).unwrap();
    let mut apply = test.phoneup();
    apply
        .env_remove("XDG_STATE_HOME")
        .env("HOME", &base)
        .current_dir(&base)
        .args(forced_apply(
            &dir,
            "1",
            &["--journal", theirs.to_str().unwrap()],
        ));
    let (code, stdout, stderr) = run_command(&mut apply);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(theirs.join("0001/manifest.yaml").is_file());
}
