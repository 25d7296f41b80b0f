//! `apply` and `undo` on fixture TFTP roots with stand-in firmware (never real Cisco images):
//! the card walked stage by stage, dry runs and their diffs, refusals, per-phone files, modes,
//! links replaced with consent, and what undo says it did.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use phoneup::plan::replay::STAND_IN_IMAGE;
use serde_json::Value;

use super::support::{card, firmware_for_the_card, forced_apply, Test, USERS_XML};

/// MARKWILSON-2008's SIPDefault.cnf: `;begin`/`;end`, inline `;` comments, curly quotes, CR LF here.
const MARKWILSON_SIPDEFAULT: &str = ";begin\r\nimage_version: P0S3-08-2-00\r\nproxy_register: 1\r\ndial_template: dialplan\r\ntftp_cfg_dir: \u{201c}\u{201d}\r\nsntp_server: \u{201c}ntp.sipgate.net\u{201d}\r\n# NAT/Firewall Traversal\r\nnat_enable: 1 ; 0-Disabled (default), 1-Enabled\r\nvoip_control_port: 5060 ; UDP port used for SIP messages (default \u{2013} 5060)\r\ntelnet_level: 2\r\n;end\r\n";

/// FUSSYLOGIC-7940's SIPDefault.cnf: `#` comments, no image_version line at all, LF.
const FUSSYLOGIC_SIPDEFAULT: &str = "# Proxy server address should probably be more accuratly be called\n# the SIP server\nproxy1_address: x.x.x.x\n# proxy_register tell it to connect to the SIP server (why would you\n# want to set this to 0?!\nproxy_register: 1\n\nsntp_server: \"pool.ntp.org\"\ndate_format : D/M/Y\n\n# The directory_url contains a URL to the directory XML file\ndirectory_url: \"http://www.example.com/directory.xml\"\n\nmessages_uri: \"8500\"\n";

/// Every file of a directory (not `.phoneup`), with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| {
            (
                e.file_name().into_string().unwrap(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_card_walk_plan_apply_reboot_until_the_target_keeps_the_users_settings() {
    let test = Test::new();
    let firmware = firmware_for_the_card();
    let mut files: Vec<(&str, &[u8])> = firmware.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    files.push(("SIPDefault.cnf", FUSSYLOGIC_SIPDEFAULT.as_bytes()));
    files.push(("RINGLIST.DAT", b"CTU CTU.raw\n"));
    let dir = test.dir("apply-walk", &files);
    let before = snapshot(&dir);
    let root = dir.to_str().unwrap();
    let mut running = "P0030301MFG2".to_string();
    for stage in ["1", "2", "3"] {
        let (code, stdout, stderr) = test.apply_card(&dir, stage, &["--dry-run"]);
        assert_eq!(code, 0, "{stdout}{stderr}");
        assert!(stdout.contains("Dry run: nothing was written."));
        let (code, stdout, stderr) = test.apply_card(&dir, stage, &[]);
        assert_eq!(code, 0, "stage {stage}: {stdout}{stderr}");
        // Reboot, simulated: the phone must end on this stage's target.
        let (_, json, _) = test.run(&[
            "simulate",
            "--from",
            &running,
            "--tftp-root",
            root,
            "--format",
            "json",
        ]);
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        running = value["final_load"].as_str().unwrap().to_string();
    }
    assert_eq!(running, "P0S3-08-11-00");
    // The user's lines are all still there, byte for byte; one image_version line was added.
    let sip = fs::read_to_string(dir.join("SIPDefault.cnf")).unwrap();
    assert_eq!(
        sip,
        format!("{FUSSYLOGIC_SIPDEFAULT}image_version: P0S3-08-11-00\n")
    );
    assert_eq!(
        fs::read(dir.join("RINGLIST.DAT")).unwrap(),
        b"CTU CTU.raw\n"
    );
    for (name, bytes) in &firmware {
        assert_eq!(
            &fs::read(dir.join(name)).unwrap(),
            bytes,
            "{name} was touched"
        );
    }
    for _ in 0..3 {
        assert_eq!(test.run(&["undo", "--tftp-root", root]).0, 0);
    }
    assert_eq!(snapshot(&dir), before, "apply then undo is byte-identical");
    assert!(!dir.join(".phoneup").exists());
    assert_eq!(
        test.run(&["undo", "--tftp-root", root]).0,
        1,
        "nothing left to undo"
    );
}

#[test]
fn markwilson_2008_sipdefault_with_crlf_and_inline_comments_changes_in_one_value_only() {
    let test = Test::new();
    let firmware = firmware_for_the_card();
    let mut files: Vec<(&str, &[u8])> = firmware.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    files.push(("SIPDefault.cnf", MARKWILSON_SIPDEFAULT.as_bytes()));
    files.push(("OS79XX.TXT", b"P003-08-2-00\r\n"));
    let dir = test.dir("apply-markwilson-2008", &files);
    let before = snapshot(&dir);
    let (code, stdout, _) = test.apply_card(&dir, "2", &[]);
    assert_eq!(code, 0, "{stdout}");
    let sip = fs::read_to_string(dir.join("SIPDefault.cnf")).unwrap();
    assert_eq!(
        sip,
        MARKWILSON_SIPDEFAULT.replace(
            "image_version: P0S3-08-2-00",
            "image_version: P003-08-11-00"
        )
    );
    // OS79XX.TXT is rewritten with no CR and no trailing space.
    assert_eq!(
        fs::read(dir.join("OS79XX.TXT")).unwrap(),
        b"P003-08-11-00\n"
    );
    test.run(&["undo", "--tftp-root", dir.to_str().unwrap()]);
    assert_eq!(snapshot(&dir), before);
}

#[test]
fn dry_run_writes_nothing_and_shows_a_unified_diff() {
    let test = Test::new();
    let dir = test.dir(
        "dry",
        &[
            ("SIPDefault.cnf", FUSSYLOGIC_SIPDEFAULT.as_bytes()),
            ("P0S3-06-3-00.bin", STAND_IN_IMAGE),
        ],
    );
    let before = snapshot(&dir);
    let (code, stdout, _) = test.apply_card(&dir, "1", &["--dry-run"]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("--- /dev/null\n+++ b/OS79XX.TXT\n"),
        "{stdout}"
    );
    assert!(stdout.contains("+image_version: P0S3-06-3-00"), "{stdout}");
    assert_eq!(snapshot(&dir), before);
    assert!(!dir.join(".phoneup").exists());
}

#[test]
fn missing_firmware_is_refused_unless_forced() {
    let test = Test::new();
    let dir = test.dir("apply-missing", &[("p0s3-06-3-00.BIN", STAND_IN_IMAGE)]);
    let before = snapshot(&dir);
    let (code, stdout, _) = test.apply_card(&dir, "1", &[]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("P0S3-06-3-00.bin (the root has p0s3-06-3-00.BIN: rename it)"),
        "{stdout}"
    );
    assert_eq!(snapshot(&dir), before);
    let (code, _, _) = test.apply_card(&dir, "1", &["--force"]);
    assert_eq!(code, 0);
    assert!(dir.join("OS79XX.TXT").exists());
}

#[test]
fn per_phone_files_and_stages_that_need_the_global_os79xx() {
    let test = Test::new();
    let firmware = firmware_for_the_card();
    let files: Vec<(&str, &[u8])> = firmware.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    let dir = test.dir("apply-mac", &files);
    let (code, stdout, _) = test.apply_card(&dir, "1", &["--mac", "00:18:b9:ff:ff:ff"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("cannot be per-phone"), "{stdout}");
    let (code, stdout, _) = test.apply_card(&dir, "3", &["--mac", "00:18:b9:ff:ff:ff"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(dir.join("SEP0018B9FFFFFF.cnf.xml").is_file());
    assert_eq!(
        fs::read_to_string(dir.join("SIP0018B9FFFFFF.cnf")).unwrap(),
        "image_version: P0S3-08-11-00\n"
    );
    assert!(
        !dir.join("OS79XX.TXT").exists(),
        "the UAL does not read it: left alone"
    );
    assert!(!dir.join("XMLDefault.cnf.xml").exists());
}

#[cfg(unix)]
#[test]
fn a_read_only_file_is_replaced_keeping_its_mode_and_restored() {
    let test = Test::new();
    use std::os::unix::fs::PermissionsExt;
    let dir = test.dir(
        "ro",
        &[
            ("SIPDefault.cnf", b"a: 1\n"),
            ("P0S3-06-3-00.bin", STAND_IN_IMAGE),
        ],
    );
    fs::set_permissions(
        dir.join("SIPDefault.cnf"),
        fs::Permissions::from_mode(0o444),
    )
    .unwrap();
    let (code, stdout, stderr) = test.apply_card(&dir, "1", &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let mode = fs::metadata(dir.join("SIPDefault.cnf"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o444);
    test.run(&["undo", "--tftp-root", dir.to_str().unwrap()]);
    assert_eq!(fs::read(dir.join("SIPDefault.cnf")).unwrap(), b"a: 1\n");
}

#[test]
fn bad_input_exits_2_and_writes_nothing() {
    let test = Test::new();
    let dir = test.dir(
        "bad",
        &[
            (
                "XMLDefault.cnf.xml",
                b"<Default><loadInformation8>x</Default>",
            ),
            ("P0S3-08-11-00.loads", b"x"),
            ("P003-08-11-00.sbn", b"x"),
            ("P0S3-08-11-00.sb2", b"x"),
        ],
    );
    let before = snapshot(&dir);
    let (code, _, stderr) = test.apply_card(&dir, "3", &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("not well-formed XML"), "{stderr}");
    for stage in ["0", "4"] {
        let (code, _, stderr) = test.apply_card(&dir, stage, &[]);
        assert_eq!(code, 2);
        assert!(stderr.contains("give 1 to 3"), "{stderr}");
    }
    let (code, _, _) = test.apply_card(&dir, "1", &["--mac", "nope"]);
    assert_eq!(code, 2);
    assert_eq!(snapshot(&dir), before);
    let (code, _, stderr) = test.run(&["undo", "--tftp-root", "/nonexistent/phoneup"]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn a_file_moved_aside_comes_back_with_the_users_settings_when_a_later_stage_needs_it() {
    let test = Test::new();
    let dir = test.card_root_with_users_xml("apply-aside");
    assert_eq!(test.apply_card(&dir, "2", &[]).0, 0);
    assert!(
        !dir.join("XMLDefault.cnf.xml").exists(),
        "stage 2 needs it absent"
    );
    assert_eq!(test.apply_card(&dir, "3", &[]).0, 0);
    let xml = fs::read_to_string(dir.join("XMLDefault.cnf.xml")).unwrap();
    assert!(
        xml.contains("<callManagerGroup><members/></callManagerGroup>"),
        "{xml}"
    );
    assert!(
        xml.contains("<loadInformation8 model=\"IP Phone 7940\">P0S3-08-11-00</loadInformation8>"),
        "{xml}"
    );
    for _ in 0..2 {
        test.run(&["undo", "--tftp-root", dir.to_str().unwrap()]);
    }
    assert_eq!(
        fs::read_to_string(dir.join("XMLDefault.cnf.xml")).unwrap(),
        USERS_XML
    );
}

#[test]
fn undo_leaves_a_file_that_is_already_as_it_was_untouched() {
    let test = Test::new();
    use std::os::unix::fs::MetadataExt;
    let sip = "image_version: P0030301MFG2\nproxy1_address: pbx\n";
    let dir = test.dir(
        "undo-untouched",
        &[
            ("SIPDefault.cnf", sip.as_bytes()),
            ("P0S3-06-3-00.bin", STAND_IN_IMAGE),
        ],
    );
    assert_eq!(test.apply_card(&dir, "1", &[]).0, 0);
    let file = dir.join("SIPDefault.cnf");
    assert_ne!(fs::read_to_string(&file).unwrap(), sip);
    // The user (or an apply that stopped half-way) put the old text back by hand.
    fs::write(&file, sip).unwrap();
    let inode = fs::metadata(&file).unwrap().ino();
    let (code, stdout, stderr) = test.run(&["undo", "--tftp-root", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(fs::read_to_string(&file).unwrap(), sip);
    assert_eq!(
        fs::metadata(&file).unwrap().ino(),
        inode,
        "a file that is already as it was is not written again"
    );
    assert!(!dir.join("OS79XX.TXT").exists(), "the rest is undone");
}

#[test]
fn links_replaced_with_replace_links_show_their_diff_inside_the_root_and_nothing_outside() {
    let test = Test::new();
    let dir = test.dir(
        "apply-links",
        &[
            (
                "real-sip.cnf",
                b"image_version: P0030301MFG2\nproxy1_address: pbx\n",
            ),
            ("P0S3-06-3-00.bin", STAND_IN_IMAGE),
        ],
    );
    let root = dir.join("root");
    fs::create_dir(&root).unwrap();
    fs::rename(dir.join("real-sip.cnf"), root.join("real-sip.cnf")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(root.join("real-sip.cnf"), fs::Permissions::from_mode(0o644)).unwrap();
    fs::rename(dir.join("P0S3-06-3-00.bin"), root.join("P0S3-06-3-00.bin")).unwrap();
    // One link inside the root, one to a file outside it that names the old load.
    std::os::unix::fs::symlink("real-sip.cnf", root.join("SIPDefault.cnf")).unwrap();
    let outside = dir.join("xml-outside");
    fs::write(
        &outside,
        "<Default>\n<loadInformation>P0030301MFG2</loadInformation>\n</Default>\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(&outside, root.join("XMLDefault.cnf.xml")).unwrap();
    let (code, stdout, stderr) = test.apply_card(&root, "1", &["--replace-links", "--dry-run"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let outside = outside.display();
    // The link inside the root: its lines, as any file's.
    assert!(
        stdout.contains(
            "--- a/SIPDefault.cnf\n+++ b/SIPDefault.cnf\n@@ -1,2 +1,2 @@\n-image_version: P0030301MFG2\n+image_version: P0S3-06-3-00\n proxy1_address: pbx\n"
        ),
        "{stdout}"
    );
    // The link out of the root, moved aside: not a line of it, nor how many there are.
    assert!(
        stdout.contains(&format!(
            "--- a/XMLDefault.cnf.xml (a link to {outside}, outside the TFTP root)\n+++ /dev/null\n(the link is moved aside into the undo journal; what it points to is not shown)\n"
        )),
        "{stdout}"
    );
    assert!(!stdout.contains("loadInformation"), "{stdout}");
    // What becomes of each link, with the mode the copy gets (its target's, 0644 here).
    assert!(
        stdout.contains(&format!(
            "  note: XMLDefault.cnf.xml is a symbolic link to {outside}: it is removed (undo puts the link back).\n"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "  note: SIPDefault.cnf is a symbolic link to real-sip.cnf: it becomes a regular file with mode 0644, never more readable than real-sip.cnf (undo puts the link back).\n"
        ),
        "{stdout}"
    );
    // A link out of the root that the stage writes: none of its lines either.
    let sip_outside = dir.join("sip-outside");
    fs::rename(root.join("real-sip.cnf"), &sip_outside).unwrap();
    fs::remove_file(root.join("SIPDefault.cnf")).unwrap();
    std::os::unix::fs::symlink(&sip_outside, root.join("SIPDefault.cnf")).unwrap();
    let (code, stdout, stderr) = test.apply_card(&root, "1", &["--replace-links", "--dry-run"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains(&format!(
            "--- a/SIPDefault.cnf (a link to {}, outside the TFTP root)\n+++ b/SIPDefault.cnf\n(its lines are not shown: they are outside the TFTP root; the new file holds them with this stage's change)\n",
            sip_outside.display()
        )),
        "{stdout}"
    );
    assert!(!stdout.contains("proxy1_address"), "{stdout}");
}

#[test]
fn a_loads_file_that_is_not_a_manifest_is_refused() {
    let test = Test::new();
    let dir = test.dir(
        "loads-junk",
        &[
            ("P0S3-08-11-00.loads", b"x"),
            ("P003-08-11-00.sbn", STAND_IN_IMAGE),
            ("P0S3-08-11-00.sb2", STAND_IN_IMAGE),
        ],
    );
    let root = dir.to_str().unwrap();
    let (code, stdout, _) = test.run(&card("apply", &["--stage", "3", "--tftp-root", root]));
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("not a .loads manifest"), "{stdout}");
    assert!(!Path::new(root).join("XMLDefault.cnf.xml").exists());
    // A manifest naming a file that is not there is refused too.
    fs::write(
        dir.join("P0S3-08-11-00.loads"),
        "P0S3-08-11-00\r\nP003-08-11-00.sbn\r\nP0S3-08-11-99.sb2\r\n",
    )
    .unwrap();
    let (code, stdout, _) = test.run(&card("apply", &["--stage", "3", "--tftp-root", root]));
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("P0S3-08-11-99.sb2 (named by P0S3-08-11-00.loads)"),
        "{stdout}"
    );
}

#[test]
fn undo_json_says_what_undo_did_to_each_file() {
    let test = Test::new();
    let dir = test.users_root("root");
    assert_eq!(test.run_owned(&forced_apply(&dir, "1", &[])).0, 0);
    let (code, value) = test.json(&[
        "undo",
        "--tftp-root",
        dir.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{value:#}");
    let files: Vec<(&str, &str, &str)> = value["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap(),
                f["action"].as_str().unwrap(),
                f["undone"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        files,
        [
            ("OS79XX.TXT", "created", "removed"),
            ("XMLDefault.cnf.xml", "moved-aside", "put-back"),
            ("SIPDefault.cnf", "modified", "restored"),
        ]
    );
}

#[test]
fn a_file_put_back_from_the_journal_is_not_called_created() {
    let test = Test::new();
    let dir = test.users_root("root");
    for stage in ["1", "2"] {
        assert_eq!(test.run_owned(&forced_apply(&dir, stage, &[])).0, 0);
    }
    assert!(!dir.join("XMLDefault.cnf.xml").exists(), "moved aside");
    let (code, stdout, stderr) = test.run_owned(&forced_apply(&dir, "3", &["--dry-run"]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("  put back   XMLDefault.cnf.xml (your copy, moved aside by an earlier stage, with loadInformation set)"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("create     XMLDefault.cnf.xml"),
        "{stdout}"
    );
    assert!(
        stdout.contains("note: XMLDefault.cnf.xml is your own copy, which an earlier stage moved aside into the undo journal, put back with only its loadInformation set to P0S3-08-11-00."),
        "{stdout}"
    );
    // JSON keeps apply's action.
    let (_, stdout, _) =
        test.run_owned(&forced_apply(&dir, "3", &["--dry-run", "--format", "json"]));
    let value: Value = serde_json::from_str(&stdout).unwrap();
    let change = value["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["file"] == "XMLDefault.cnf.xml")
        .unwrap();
    assert_eq!(change["action"], "created");
    assert!(change.get("restored").is_none(), "{change:#}");
}

#[test]
fn apply_says_which_shared_files_every_phone_reads_and_what_to_run_next() {
    let test = Test::new();
    let firmware = firmware_for_the_card();
    let mut files: Vec<(&str, &[u8])> = firmware.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    files.push((
        "SIPDefault.cnf",
        b"proxy1_address: \"10.0.0.1\"\nimage_version: \"P0S3-07-4-00\"\n",
    ));
    let dir = test.dir("shared", &files);
    let root = dir.to_str().unwrap();
    let journal = test.path().join("my journal");
    let journal = journal.to_str().unwrap();
    // Before: the dry run names what every phone would follow, and the apply to run.
    let (code, stdout, _) = test.apply_card(&dir, "1", &["--journal", journal, "--dry-run"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("Every phone on this server reads what would be written:\n")
            && stdout.contains("\n  ! SIPDefault.cnf would name P0S3-06-3-00 instead of P0S3-07-4-00: every phone on this server that follows it, not only this one, would move from P0S3-07-4-00 to P0S3-06-3-00 at its next boot.\n"),
        "{stdout}"
    );
    assert!(stdout.contains("use phoneup serve"), "{stdout}");
    assert!(
        stdout.ends_with(&format!(
            "Next: Write it: the same command without --dry-run.\n  then run: phoneup apply --from P0030301MFG2 --to P0S3-08-11-00 --stage 1 --tftp-root {root} --journal '{journal}'\n"
        )),
        "{stdout}"
    );
    // After: what it wrote, and the next stage with the user's own values.
    let (code, stdout, _) = test.apply_card(&dir, "1", &["--journal", journal]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("  ! SIPDefault.cnf now names P0S3-06-3-00 instead of P0S3-07-4-00: every phone on this server that follows it, not only this one, moves from P0S3-07-4-00 to P0S3-06-3-00 at its next boot.\n"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with(&format!(
            "Next: Reboot the phone; once it shows P0S3-06-3-00 (Settings > Status > Firmware Versions), write stage 2 of 3.\n  then run: phoneup apply --from P0030301MFG2 --to P0S3-08-11-00 --stage 2 --tftp-root {root} --journal '{journal}'\n"
        )),
        "{stdout}"
    );
    let (_, value, _) = test.run_json(&card(
        "apply",
        &[
            "--stage",
            "2",
            "--tftp-root",
            root,
            "--journal",
            journal,
            "--dry-run",
        ],
    ));
    let shared: Vec<&str> = value["shared"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["file"].as_str().unwrap())
        .collect();
    assert!(shared.contains(&"OS79XX.TXT"), "{value}");
    let os79xx = value["shared"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["file"] == "OS79XX.TXT")
        .unwrap();
    assert_eq!(os79xx["before"], "P0S3-06-3-00");
    assert_eq!(os79xx["after"], "P003-08-11-00");
    // The last stage ends with the check of what the phone will do.
    let (code, stdout, _) = test.apply_card(&dir, "3", &["--journal", journal, "--force"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.ends_with(&format!(
            "  then run: phoneup check --from P003-08-11-00 --tftp-root {root} --to P0S3-08-11-00\n"
        )),
        "{stdout}"
    );
}

#[test]
fn a_dry_run_shows_the_diff_even_where_apply_would_be_refused() {
    let test = Test::new();
    let dir = test.dir(
        "refused-preview",
        &[("SIPDefault.cnf", b"image_version: P0S3-07-4-00\n")],
    );
    let before = snapshot(&dir);
    let (code, stdout, _) = test.apply_card(&dir, "1", &["--dry-run"]);
    assert_eq!(code, 1, "{stdout}");
    let diff = stdout
        .find("+image_version: P0S3-06-3-00")
        .expect("the diff");
    let refused = stdout
        .find("Dry run: nothing was written. apply would refuse it: the stage's firmware is not usable")
        .expect("what would be refused");
    assert!(diff < refused, "{stdout}");
    assert!(stdout.contains("Next: Copy the firmware"), "{stdout}");
    assert_eq!(snapshot(&dir), before);
    // The same keys in JSON, whether it would be refused or not.
    let keys = |args: &[&str]| -> Vec<String> {
        let (_, value, _) = test.run_json(args);
        value.as_object().unwrap().keys().cloned().collect()
    };
    let root = dir.to_str().unwrap();
    let refused = keys(&card(
        "apply",
        &["--stage", "1", "--tftp-root", root, "--dry-run"],
    ));
    let shown = keys(&card(
        "apply",
        &["--stage", "1", "--tftp-root", root, "--dry-run", "--force"],
    ));
    assert_eq!(refused, shown);
    assert!(refused.contains(&"next_step".to_string()));
}
