//! serve started as root runs as `--user` (nobody) once it listens: what it refuses at start
//! (a DIR that user cannot reach, a state folder shared with other files, a user that does not
//! exist), `--user root`, and the default state folder under a home the user cannot enter. The
//! systemd unit in `contrib/systemd/` passes `systemd-analyze verify` (with the binary this build
//! made in place of `/usr/local/bin/phoneup`), keeps serve unprivileged, and a unit with a
//! mistyped key does not pass: the check can fail. Needs root and systemd-analyze (`apt-get
//! install systemd`). (Port 69 and the uid of a running serve: `serve_netns`.)

use std::path::Path;
use std::process::Command;

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use super::bench::{bench_root, phones, power_cycle, scratch, state_file, Serve, TARGET};
use super::loopback::free_port;
use super::support::{is_root, owner_and_mode, run_command, Test};

const UNIT: &str = "contrib/systemd/phoneup-serve.service";

/// `systemd-analyze verify` of `text` as a unit file: whether it passes (exit 0 and not a word
/// about the unit: an unknown key is only a warning), and what it said.
fn verify(test: &Test, text: &str) -> (bool, String) {
    let analyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("systemd-analyze is missing: apt-get install systemd");
    let path = test.path().join("phoneup-serve.service");
    std::fs::write(&path, text).unwrap();
    let output = Command::new(analyze)
        .args(["verify", "--man=no"])
        .arg(&path)
        .output()
        .expect("systemd-analyze runs");
    let said = String::from_utf8_lossy(&output.stderr).into_owned()
        + &String::from_utf8_lossy(&output.stdout);
    let clean = output.status.success() && !said.contains("phoneup-serve.service");
    (clean, said)
}

#[test]
fn the_systemd_unit_passes_systemd_analyze_verify_and_keeps_serve_unprivileged() {
    let test = Test::named("systemd");
    let unit = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(UNIT)).unwrap();
    let built = assert_cmd::cargo::cargo_bin("phoneup");
    let here = unit.replace("/usr/local/bin/phoneup", built.to_str().unwrap());
    let (passes, said) = verify(&test, &here);
    assert!(passes, "{said}");
    for line in [
        "DynamicUser=yes",
        "AmbientCapabilities=CAP_NET_BIND_SERVICE",
        "CapabilityBoundingSet=CAP_NET_BIND_SERVICE",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "StateDirectory=phoneup-serve",
        "SuccessExitStatus=1",
    ] {
        assert!(unit.lines().any(|l| l == line), "{line}");
    }
    assert!(unit.contains("--state /var/lib/phoneup-serve/state.json"));
    let (passes, said) = verify(&test, &here.replace("ProtectHome=", "ProtectHomes="));
    assert!(!passes && said.contains("Unknown key"), "{said}");
}

fn address() -> std::net::SocketAddr {
    format!("127.0.0.1:{}", free_port("127.0.0.1"))
        .parse()
        .unwrap()
}

/// `phoneup serve ARGS` that must exit at start: its code and standard error.
fn refused(args: &[&str]) -> (i32, String) {
    let mut command = super::support::phoneup();
    command
        .timeout(Duration::from_secs(10))
        .arg("serve")
        .args(["--to", TARGET, "--phones", "0018B9000011"])
        .args(["--listen", &address().to_string()])
        .args(args);
    let (code, _, stderr) = run_command(&mut command);
    (code, stderr)
}

#[test]
fn as_root_serve_refuses_at_start_what_nobody_could_not_read_or_write() {
    assert!(
        is_root(),
        "this test needs root: serve drops root only when it has it"
    );
    let dir = scratch("privilege");
    let private = dir.join("private");
    std::fs::create_dir(&private).unwrap();
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o700)).unwrap();
    let hidden = bench_root(&private);
    let state = state_file(&dir);
    let (code, stderr) = refused(&[
        "--tftp-root",
        hidden.to_str().unwrap(),
        "--state",
        state.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "user nobody cannot enter {} (mode 700",
            private.display()
        )) && stderr.contains("--user USER"),
        "{stderr}"
    );
    // A state folder that holds other files is never given away.
    let root = bench_root(&dir);
    let shared = dir.join("state.json");
    let (code, stderr) = refused(&[
        "--tftp-root",
        root.to_str().unwrap(),
        "--state",
        shared.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("holds other files"), "{stderr}");
    let (code, stderr) = refused(&[
        "--tftp-root",
        root.to_str().unwrap(),
        "--state",
        state.to_str().unwrap(),
        "--user",
        "no-such-user-phoneup",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("--user no-such-user-phoneup: no such user"),
        "{stderr}"
    );
}

#[test]
fn as_root_serve_keeps_its_default_state_as_nobody_and_user_root_stays_root() {
    assert!(
        is_root(),
        "this test needs root: serve drops root only when it has it"
    );
    let dir = scratch("default-state");
    let root = bench_root(&dir);
    // The state home inside a folder nobody may not enter, as root's ~/.local/state is.
    let home = dir.join("home");
    std::fs::create_dir(&home).unwrap();
    std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o700)).unwrap();
    let phone = &phones()[1];
    let leases = super::bench::leases(&dir, std::slice::from_ref(phone));
    let state_home = home.join("state");
    let serve = Serve::start_with(
        address(),
        &[
            "--tftp-root",
            root.to_str().unwrap(),
            "--to",
            TARGET,
            "--phones",
            phone.mac,
            "--leases",
            leases.to_str().unwrap(),
        ],
        &dir.join("events.jsonl"),
        &[("XDG_STATE_HOME", &state_home)],
    );
    let next = power_cycle(serve.address, phone, phone.from);
    assert_ne!(next, phone.from, "served as nobody");
    let (_, stderr) = serve.stop();
    assert!(stderr.contains("runs as user nobody"), "{stderr}");
    let state = stderr
        .lines()
        .find_map(|l| l.strip_prefix("  state: "))
        .expect("the start line names the state file");
    let (owner, _, _) = owner_and_mode(Path::new(state));
    assert_ne!(owner, 0, "written by nobody: {state}");
    let text = std::fs::read_to_string(state).unwrap();
    assert!(text.contains(phone.mac), "{text}");

    // --user root: no drop, and DIR may be anywhere root reads.
    let private = dir.join("private");
    std::fs::create_dir(&private).unwrap();
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o700)).unwrap();
    let hidden = bench_root(&private);
    let state = dir.join("root-state").join("state.json");
    let serve = Serve::start(
        address(),
        &[
            "--tftp-root",
            hidden.to_str().unwrap(),
            "--to",
            TARGET,
            "--phones",
            phone.mac,
            "--state",
            state.to_str().unwrap(),
            "--user",
            "root",
        ],
        &dir.join("events-root.jsonl"),
    );
    let (_, stderr) = serve.stop();
    assert!(!stderr.contains("runs as user"), "{stderr}");
}
