//! Whole outputs as users see them. Review changes with `cargo insta review`; never accept blindly.

use super::support::{card, run, Test};

fn stdout_of(args: &[&str], expected_code: i32) -> String {
    let (code, stdout, stderr) = run(args);
    assert_eq!(code, expected_code, "phoneup {args:?}: {stderr}");
    stdout
}

#[test]
fn card_plan_text() {
    insta::assert_snapshot!(stdout_of(&card("plan", &[]), 0));
}

#[test]
fn card_plan_json() {
    insta::assert_snapshot!(stdout_of(&card("plan", &["--format", "json"]), 0));
}

#[test]
fn refused_jump_text() {
    insta::assert_snapshot!(stdout_of(
        &["check", "--from", "P0030301MFG2", "--to", "P0S3-07-4-00"],
        1
    ));
}

#[test]
fn refused_jump_to_sip_8_text() {
    insta::assert_snapshot!(stdout_of(
        &["check", "--from", "P0S3-06-3-00", "--to", "P0S3-08-11-00"],
        1
    ));
}

#[test]
fn safe_jump_text() {
    insta::assert_snapshot!(stdout_of(
        &["check", "--from", "P0S3-08-2-00", "--to", "P0S3-06-3-00"],
        0
    ));
}

#[test]
fn no_path_text() {
    insta::assert_snapshot!(stdout_of(
        &["plan", "--from", "P0S3-08-2-00", "--to", "P0S30202"],
        1
    ));
}

#[test]
fn identify_text() {
    insta::assert_snapshot!(stdout_of(
        &[
            "identify",
            "P0030301MFG2",
            "PC0303010200",
            "P0030801SR02",
            "P0S3-8-11-00.loads",
            "P003-08-2-00",
            "P0S3-06-3-00.sbn",
            "P0S3-09-9-99"
        ],
        0
    ));
}

#[test]
fn bad_load_id_error() {
    let (code, _, stderr) = run(&["plan", "--from", "P0S3-06-3-0", "--to", "P0S3-08-11-00"]);
    assert_eq!(code, 2);
    insta::assert_snapshot!(stderr);
}

#[test]
fn boot_load_id_error() {
    let (code, _, stderr) = run(&["plan", "--from", "PC0303010200", "--to", "P0S3-08-11-00"]);
    assert_eq!(code, 2);
    insta::assert_snapshot!(stderr);
}

#[test]
fn simulate_fussylogic_7940_loader_on_an_empty_root_text() {
    let test = Test::new();
    let dir = test.path().join("snap");
    std::fs::create_dir_all(&dir).unwrap();
    let (code, stdout, stderr) = test.run(&[
        "simulate",
        "--from",
        "P003-8-11-00",
        "--tftp-root",
        dir.to_str().unwrap(),
        "--mac",
        "00:18:b9:ff:ff:ff",
    ]);
    assert_eq!(code, 1, "{stderr}");
    // The next step names the directory; the snapshot keeps it stable.
    let stdout = stdout.replace(dir.to_str().unwrap(), "DIR");
    insta::assert_snapshot!(stdout);
}

#[test]
fn fussylogic_7940_root_plan_text() {
    let test = Test::new();
    let loads = phoneup::files::loads::stand_in("P0S3-8-11-00", "P003-8-11-00", "P0S3-8-11-00");
    let image = phoneup::plan::replay::STAND_IN_IMAGE;
    let dir = test.dir(
        "snap-fussylogic-7940",
        &[
            ("OS79XX.TXT", b"P003-8-11-00\n"),
            ("P003-8-11-00.bin", image),
            ("P003-8-11-00.sbn", image),
            ("P0S3-8-11-00.loads", loads.as_bytes()),
            ("P0S3-8-11-00.sb2", image),
        ],
    );
    let stdout = stdout_of(
        &[
            "plan",
            "--from",
            "P0030301MFG2",
            "--to",
            "P0S3-08-11-00",
            "--tftp-root",
            dir.to_str().unwrap(),
        ],
        0,
    );
    insta::assert_snapshot!(stdout);
}

#[test]
fn mgcp_plan_text() {
    insta::assert_snapshot!(stdout_of(
        &["plan", "--from", "P0M3-07-7-00", "--to", "P0030801SR02"],
        0
    ));
}

#[test]
fn identify_boot_dsp_version_lines_and_files_text() {
    insta::assert_snapshot!(stdout_of(
        &[
            "identify",
            "PC030301",
            "PS03AT46",
            "8.1(2)SR2",
            "P0S3-8-12-00.bin",
            "P0M3-07-7-00"
        ],
        0
    ));
}
