//! `identify`: what a load ID, a firmware file name or a version line is, in text and JSON;
//! Boot, DSP and Java-phone IDs are told apart from App Load IDs.

use serde_json::Value;

use super::support::{json, run, strings};

#[test]
fn a_java_phone_load_names_its_phones_not_the_7940_and_7960() {
    let (code, stdout, _) = run(&["identify", "SIP41.9-4-2SR3-1S"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("7941/7961 (family 41)"), "{stdout}");
    assert!(!stdout.contains("794x"), "{stdout}");
    // Commands that plan the 7940/7960 only still say whose load it is.
    let (code, _, stderr) = run(&[
        "graph",
        "--from",
        "SIP41.9-4-2SR3-1S",
        "--to",
        "P0S3-08-11-00",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("a 7941/7961 load"), "{stderr}");
}

#[test]
fn explains_boot_dsp_and_version_lines_and_flags_files_no_package_ships() {
    for (input, what) in [
        ("PC030301", "Boot Load ID"),
        ("PC03A300", "Boot Load ID"),
        ("PS03AT46", "DSP Load ID"),
    ] {
        let (code, stdout, _) = run(&["identify", input]);
        assert_eq!(code, 0, "{input}");
        assert!(
            stdout.contains(&format!("This is the {what}"))
                && stdout.contains("not the App Load ID"),
            "{input}: {stdout}"
        );
        let (code, _, stderr) = run(&["plan", "--from", input, "--to", "P0S3-08-11-00"]);
        assert_eq!(code, 2);
        assert!(
            stderr.contains(what) && stderr.contains("App Load ID"),
            "{stderr}"
        );
    }
    for (line, load) in [
        ("8.1(2)SR2", "P0030801SR02"),
        ("3.1(MF.G2)", "P0030301MFG2"),
        ("8.1(2.0)", "P00308010200"),
    ] {
        let (code, value) = json(&["identify", line, "--format", "json"]);
        assert_eq!(code, 0, "{line}");
        assert_eq!(value[0]["input"], line);
        assert_eq!(value[0]["catalogue_id"], load, "{line}");
        assert!(strings(&value[0]["notes"])[0].contains(&format!("App Load ID {load}")));
        let (code, _, stderr) = run(&["plan", "--from", line, "--to", "P0S3-08-11-00"]);
        assert_eq!(code, 2);
        assert!(
            stderr.contains(&format!("did you mean `{load}")),
            "{stderr}"
        );
    }
    let (code, value) = json(&[
        "identify",
        "P0S3-8-12-00.bin",
        "P0S3-8-12-00.loads",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    assert_eq!(value[0]["in_package"], false);
    assert!(strings(&value[0]["notes"]).iter().any(|n| n
        .contains("No package of SIP 8.12 ships P0S3-8-12-00.bin")
        && n.contains("name the loader P003-8-12-00")));
    assert_eq!(value[1]["in_package"], true);
    let (_, stdout, _) = run(&["identify", "P0S3-8-12-00.bin"]);
    assert!(stdout.contains("in package   no"), "{stdout}");
}

#[test]
fn json_lists_objects_with_the_documented_fields() {
    let (code, value) = json(&[
        "identify",
        "P0030801SR02",
        "P003-08-2-00.sbn",
        "PC0303010200",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let items = value.as_array().unwrap();
    assert_eq!(items[0]["input"], "P0030801SR02");
    assert_eq!(items[0]["kind"], "application");
    assert_eq!(items[0]["protocol"], "sccp");
    assert_eq!(
        (items[0]["major"].as_u64(), items[0]["minor"].as_u64()),
        (Some(8), Some(1))
    );
    assert_eq!(items[0]["service_release"], "SR2");
    assert_eq!(items[0]["era"], "ual");
    assert_eq!(items[0]["version"], "8.1(2)SR2");
    assert_eq!(items[0]["in_catalogue"], true);
    assert_eq!(items[1]["kind"], "loader");
    assert_eq!(items[1]["protocol"], Value::Null);
    assert_eq!(items[2]["kind"], "boot");
    assert_eq!(items[2]["era"], Value::Null);
}

#[test]
fn bad_ids_exit_2_and_the_good_ones_are_still_answered() {
    let (code, stdout, stderr) = run(&["identify", "P0S3-06-3-00", "P0S3-06-3-0"]);
    assert_eq!(code, 2);
    assert!(stdout.contains("protocol     SIP"), "{stdout}");
    assert!(!stdout.contains("P0S3-06-3-0\n"), "{stdout}");
    assert!(stderr.contains("did you mean `P0S3-06-3-00`?"), "{stderr}");
}
