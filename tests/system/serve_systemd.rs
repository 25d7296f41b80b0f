//! The systemd unit in `contrib/systemd/` passes `systemd-analyze verify` (with the binary this
//! build made in place of `/usr/local/bin/phoneup`), keeps serve unprivileged, and a unit with a
//! mistyped key does not pass: the check can fail. Needs systemd-analyze (`apt-get install
//! systemd`).

use std::path::Path;
use std::process::Command;

use super::support::Test;

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
