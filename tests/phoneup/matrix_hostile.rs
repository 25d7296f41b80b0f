//! A `--matrix` file is read within bounds: a regular file of bounded size, bounded nesting and
//! alias expansion, a bounded number of loads; a user's rule that the phone model does not
//! confirm is reported as the file's problem.
//!
//! The timeouts below only stop a hang from blocking the suite; they measure nothing.

use std::fs;
use std::path::Path;
use std::time::Duration;

use phoneup::knowledge::matrix::BUILTIN_YAML;

use super::support::{phoneup, Test};

/// `phoneup --matrix PATH plan --from P0030301MFG2 --to TO`, stopped after `seconds`.
fn plan_with(path: &Path, to: &str, seconds: u64) -> (i32, String, String) {
    let output = phoneup()
        .args(["--matrix", path.to_str().unwrap()])
        .args(["plan", "--from", "P0030301MFG2", "--to", to])
        .timeout(Duration::from_secs(seconds))
        .output()
        .unwrap();
    (
        output
            .status
            .code()
            .expect("phoneup exits before the timeout, not killed"),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_fifo_a_device_and_a_directory_are_refused_without_reading() {
    let test = Test::new();
    let dir = test.path();
    let fifo = dir.join("fifo.yaml");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs (Debian's coreutils)");
    assert!(status.success());
    for path in [fifo.as_path(), Path::new("/dev/zero"), dir] {
        let (code, _, stderr) = plan_with(path, "P0S3-08-11-00", 30);
        assert_eq!(code, 2, "{}: {stderr}", path.display());
        assert!(stderr.contains("not a regular file"), "{stderr}");
    }
}

#[test]
fn an_oversized_file_is_refused_before_it_is_parsed() {
    let test = Test::new();
    let dir = test.path();
    let path = dir.join("big.yaml");
    let mut text = BUILTIN_YAML.to_string();
    let filler = format!("# {}\n", "x".repeat(1022));
    while text.len() <= 5 << 20 {
        text.push_str(&filler);
    }
    fs::write(&path, text).unwrap();
    let (code, _, stderr) = plan_with(&path, "P0S3-08-11-00", 60);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("a matrix may hold at most 4194304"),
        "{stderr}"
    );
}

#[test]
fn alias_amplification_is_refused_before_it_expands() {
    let test = Test::new();
    let dir = test.path();
    let path = dir.join("alias.yaml");
    // One 64 KiB scalar, referenced 2 000 times in a load's files: 128 MiB once expanded.
    let big = "x".repeat(65_536);
    let refs = vec!["*big"; 2_000].join(", ");
    let text = BUILTIN_YAML
        .replacen(
            "title: \"acritelli.com",
            &format!("title: &big \"{big}\"\n    subtitle: \"acritelli.com"),
            1,
        )
        .replacen("    files: []\n", &format!("    files: [{refs}]\n"), 1);
    fs::write(&path, text).unwrap();
    let (code, _, stderr) = plan_with(&path, "P0S3-08-11-00", 60);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("aliases"), "{stderr}");
    assert!(
        stderr.contains("alias.yaml:"),
        "the file and line are named: {stderr}"
    );
}

#[test]
fn deep_nesting_is_refused_quickly_with_its_line() {
    let test = Test::new();
    let dir = test.path();
    let path = dir.join("deep.yaml");
    let depth = 100_000;
    fs::write(
        &path,
        format!("sources: {}{}\n", "[".repeat(depth), "]".repeat(depth)),
    )
    .unwrap();
    let (code, _, stderr) = plan_with(&path, "P0S3-08-11-00", 30);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("deep.yaml:1: nested more than 64 levels"),
        "{stderr}"
    );
}

/// The built-in matrix with `count` SIP 9.x packages (an application and its loader each)
/// added: `2 * count` more loads.
fn with_packages(count: usize) -> String {
    let mut loads = String::new();
    for i in 0..count {
        let (minor, sub) = (i / 100, i % 100);
        let app = format!("P0S3-09-{minor}-{sub:02}");
        let loader = format!("P003-09-{minor}-{sub:02}");
        loads.push_str(&format!(
            "  - id: {app}\n    version: \"9.{minor}\"\n    loader: {loader}\n    files: [{loader}.bin, {loader}.sbn, {app}.loads, {app}.sb2]\n    evidence: [FUSSYLOGIC-7940]\n  - id: {loader}\n    version: \"9.{minor}\"\n    files: [{loader}.bin, {loader}.sbn]\n    evidence: [FUSSYLOGIC-7940]\n"
        ));
    }
    BUILTIN_YAML.replacen("\nrules:\n", &format!("{loads}\nrules:\n"), 1)
}

#[test]
fn a_large_matrix_is_planned_and_too_many_loads_are_refused() {
    let test = Test::new();
    let dir = test.path();
    let builtin_loads = BUILTIN_YAML.matches("\n  - id: P0").count();
    // Up to the cap: validated and planned (every pair of loads is compared once).
    let room = (1_000 - builtin_loads) / 2;
    let path = dir.join("large.yaml");
    fs::write(&path, with_packages(room)).unwrap();
    let last = format!("P0S3-09-{}-{:02}", (room - 1) / 100, (room - 1) % 100);
    let (code, stdout, stderr) = plan_with(&path, &last, 300);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains(&format!("-> {last}")), "{stdout}");
    // Past the cap: a clear error, not a long wait.
    let path = dir.join("too-large.yaml");
    fs::write(&path, with_packages(room + 10)).unwrap();
    let (code, _, stderr) = plan_with(&path, "P0S3-08-11-00", 60);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("a matrix may list at most 1000"),
        "{stderr}"
    );
    assert!(stderr.contains("too-large.yaml:"), "{stderr}");
}

#[test]
fn a_users_rule_the_phone_model_does_not_confirm_is_the_matrix_s_problem() {
    let test = Test::new();
    let dir = test.path();
    let path = dir.join("allow-all.yaml");
    let rule = "  - id: R0-ALL\n    summary: every jump\n    verdict: allowed\n    from: {}\n    to: {}\n    mechanism: dual_boot\n    confidence: high\n    evidence:\n      - source: FUSSYLOGIC-7940\n        note: none\n";
    let text = BUILTIN_YAML.replacen("\ncautions:\n", &format!("{rule}\ncautions:\n"), 1);
    let line = text.lines().position(|l| l == "  - id: R0-ALL").unwrap() + 1;
    fs::write(&path, text).unwrap();
    let (code, _, stderr) = plan_with(&path, "P0S3-08-11-00", 60);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(&format!("allow-all.yaml:{line}: rule `R0-ALL` allows")),
        "{stderr}"
    );
    assert!(stderr.contains("narrow or remove the rule"), "{stderr}");
    assert!(!stderr.contains("internal inconsistency"), "{stderr}");
    assert!(!stderr.contains("please report"), "{stderr}");
}
