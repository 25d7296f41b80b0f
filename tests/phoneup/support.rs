//! Helpers shared by the integration tests.

use assert_cmd::Command;

/// The state folder the tests' phoneup keeps its undo journals in: never the real user's.
pub fn state_home() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("phoneup-test-state-{}", std::process::id()))
}

/// The phoneup binary, with colour and the user's environment kept out of the way (its state
/// goes to [`state_home`], not to the user's `~/.local/state`).
pub fn phoneup() -> Command {
    let mut command = Command::cargo_bin("phoneup").expect("the binary builds");
    command
        .env("NO_COLOR", "1")
        .env_remove("TERM")
        .env("XDG_STATE_HOME", state_home());
    command
}

/// Runs phoneup and returns (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let output = phoneup().args(args).output().expect("phoneup runs");
    (
        output
            .status
            .code()
            .expect("phoneup exits, not killed by a signal"),
        String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    )
}

/// A fresh directory under the system temp dir holding `files`.
pub fn fixture(tag: &str, files: &[(&str, &[u8])]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("phoneup-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    dir
}

/// `COMMAND --from P0030301MFG2 --to P0S3-08-11-00 EXTRA...`: the design card's route.
pub fn card<'a>(command: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![command, "--from", "P0030301MFG2", "--to", "P0S3-08-11-00"];
    args.extend_from_slice(extra);
    args
}
