//! `phoneup matrix` and `--matrix FILE`: the built-in data printed as it is, a user's matrix
//! that adds loads, and a broken one named by file and line.

use std::fs;

use phoneup::knowledge::matrix::BUILTIN_YAML;

use super::support::{run, Test};

fn tempdir(test: &Test) -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = test
        .path()
        .join(format!("cli-{}", COUNTER.fetch_add(1, Ordering::SeqCst)));
    fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn prints_the_builtin_data() {
    let (code, stdout, _) = run(&["matrix"]);
    assert_eq!(code, 0);
    assert_eq!(stdout, BUILTIN_YAML);
}

#[test]
fn a_user_matrix_can_add_loads_they_own() {
    let test = Test::new();
    let dir = tempdir(&test);
    let path = dir.join("mine.yaml");
    let added = BUILTIN_YAML.replace(
        "  - id: P0S3-8-12-00\n",
        "  - id: P0S3-08-3-00\n    version: \"8.3\"\n    loader: P003-08-3-00\n    files: [P003-08-3-00.bin, P003-08-3-00.sbn, P0S3-08-3-00.loads, P0S3-08-3-00.sb2]\n    evidence: [FUSSYLOGIC-7940]\n  - id: P0S3-8-12-00\n",
    ).replace(
        "  - id: P003-08-4-00\n",
        "  - id: P003-08-3-00\n    version: \"8.3\"\n    files: [P003-08-3-00.bin, P003-08-3-00.sbn]\n    evidence: [FUSSYLOGIC-7940]\n  - id: P003-08-4-00\n",
    );
    fs::write(&path, added).unwrap();
    let path = path.to_str().unwrap();
    let (code, stdout, stderr) = test.run(&[
        "--matrix",
        path,
        "plan",
        "--from",
        "P0030301MFG2",
        "--to",
        "P0S3-08-3-00",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("P003-08-3-00.sbn"), "{stdout}");
    // Without the user's matrix the load is unknown.
    let (code, _, stderr) = test.run(&["plan", "--from", "P0030301MFG2", "--to", "P0S3-08-3-00"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not in the catalogue"), "{stderr}");
}

#[test]
fn a_broken_matrix_names_the_file_and_line() {
    let test = Test::new();
    let dir = tempdir(&test);
    let cases = [
        (
            "syntax.yaml",
            BUILTIN_YAML.replacen("loads:\n", "loads:\n  - [unclosed\n", 1),
            "syntax.yaml:",
        ),
        (
            "unknown-source.yaml",
            BUILTIN_YAML.replacen(
                "evidence: [FUSSYLOGIC-7940]\n    note: the manufacturing",
                "evidence: [NOPE]\n    note: the manufacturing",
                1,
            ),
            "source `NOPE`",
        ),
        (
            "bad-load.yaml",
            BUILTIN_YAML.replacen("  - id: P00303020214\n", "  - id: P00403020214\n", 1),
            "another phone",
        ),
        (
            "no-mechanism.yaml",
            BUILTIN_YAML.replacen(
                "    mechanism: dual_boot\n    confidence: high\n",
                "    confidence: high\n",
                1,
            ),
            "needs a `mechanism`",
        ),
        (
            "bad-confidence.yaml",
            BUILTIN_YAML.replacen("confidence: high", "confidence: certain", 1),
            "unknown variant `certain`",
        ),
        (
            "bad-range.yaml",
            BUILTIN_YAML.replacen("below: \"5.0\"", "below: \"five\"", 1),
            "not a version",
        ),
    ];
    for (name, text, expected) in cases {
        let path = dir.join(name);
        fs::write(&path, &text).unwrap();
        let (code, _, stderr) = test.run(&[
            "--matrix",
            path.to_str().unwrap(),
            "plan",
            "--from",
            "P0030301MFG2",
            "--to",
            "P0S3-08-11-00",
        ]);
        assert_eq!(code, 2, "{name}: {stderr}");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        let line: String = stderr
            .split(&format!("{name}:"))
            .nth(1)
            .unwrap_or_else(|| panic!("{name}: no file:line in {stderr}"))
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        assert!(!line.is_empty(), "{name}: no line number in {stderr}");
    }
    let (code, _, stderr) = test.run(&[
        "--matrix",
        dir.join("missing.yaml").to_str().unwrap(),
        "matrix",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read"), "{stderr}");
}
