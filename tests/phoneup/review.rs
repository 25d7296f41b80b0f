//! The independent new-user review of the TFTP-root commands, reproduced as the reviewer did it,
//! with what a user must see instead: lint names every load disagreement and every link that
//! leaves the directory (never its contents), simulate shows what it did not serve, `kind` names
//! every lint finding, apply keeps a link target's mode, undo says what it did, and a path that
//! does not exist says where to look.

use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::Path;

use phoneup::files::xml_default_cnf_xml;
use phoneup::plan::replay::STAND_IN_IMAGE;
use phoneup::Model;
use serde_json::Value;

use super::support::{
    card, firmware_for_the_card, fixture, journal_of, report_apply, report_root, run, run_owned,
    REPORT_SIPDEFAULT,
};

/// The card's firmware and SIP 6.3's `.sbn`, stand-ins all.
fn firmware() -> Vec<(&'static str, Vec<u8>)> {
    let mut files = firmware_for_the_card();
    files.push(("P0S3-06-3-00.sbn", STAND_IN_IMAGE.to_vec()));
    files
}

fn xml_naming(load: &str) -> Vec<u8> {
    xml_default_cnf_xml::render(load, Model::Both).into_bytes()
}

/// A root of [`firmware`] with `files` added (`None` removes a file).
fn root(tag: &str, files: &[(&str, Option<&[u8]>)]) -> std::path::PathBuf {
    let mut all = firmware();
    for (name, bytes) in files {
        all.retain(|(n, _)| n != name);
        if let Some(bytes) = bytes {
            all.push((name, bytes.to_vec()));
        }
    }
    let borrowed: Vec<(&str, &[u8])> = all.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    fixture(tag, &borrowed)
}

fn json(args: &[&str]) -> (i32, Value) {
    let (code, stdout, stderr) = run(args);
    let value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    (code, value)
}

fn lint_findings(dir: &Path) -> (i32, Vec<Value>) {
    let (code, value) = json(&["lint", dir.to_str().unwrap(), "--format", "json"]);
    (code, value["findings"].as_array().unwrap().clone())
}

fn with_kind<'a>(findings: &'a [Value], kind: &str) -> Vec<&'a Value> {
    findings.iter().filter(|f| f["kind"] == kind).collect()
}

#[test]
fn a_image_version_that_disagrees_with_xmldefault_is_an_error_saying_the_phone_never_stays() {
    let dir = root(
        "review-a-disagree",
        &[
            ("XMLDefault.cnf.xml", Some(&xml_naming("P0S3-08-11-00"))),
            ("SIPDefault.cnf", Some(b"image_version: \"P0S3-06-3-00\"\n")),
            ("OS79XX.TXT", Some(b"P003-08-11-00\n")),
        ],
    );
    let (code, findings) = lint_findings(&dir);
    assert_eq!(code, 1, "{findings:#?}");
    let found = with_kind(&findings, "image_version_disagrees");
    assert_eq!(found.len(), 1, "{findings:#?}");
    let f = found[0];
    assert_eq!(f["severity"], "error");
    assert_eq!(f["file"], "SIPDefault.cnf");
    assert_eq!(f["line"], 1);
    assert_eq!(
        f["problem"],
        "image_version names P0S3-06-3-00 while XMLDefault.cnf.xml names P0S3-08-11-00"
    );
    assert_eq!(
        f["phone"],
        "once P0S3-08-11-00 runs it reads image_version and fetches P0S3-06-3-00 instead, on every boot: the phone never stays on P0S3-08-11-00"
    );
    assert!(
        f["fix"]
            .as_str()
            .unwrap()
            .starts_with("name the same load in both: set image_version: P0S3-08-11-00"),
        "{f:#}"
    );
    // simulate agrees: the phone does not settle on those files.
    let (code, stdout, _) = run(&[
        "simulate",
        "--from",
        "P003-08-11-00",
        "--tftp-root",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stdout}");
    fs::remove_dir_all(&dir).unwrap();

    // The same load spelled two ways, and an SCCP load in XMLDefault.cnf.xml (SCCP never
    // reads image_version), are no disagreement.
    for (tag, xml, sip) in [
        ("review-a-spelling", "P0S3-08-11-00", "P0S3-8-11-00"),
        ("review-a-sccp", "P00308010200", "P0S3-08-11-00"),
    ] {
        let dir = root(
            tag,
            &[
                ("XMLDefault.cnf.xml", Some(&xml_naming(xml))),
                (
                    "SIPDefault.cnf",
                    Some(format!("image_version: {sip}\n").as_bytes()),
                ),
            ],
        );
        let (_, findings) = lint_findings(&dir);
        assert!(
            with_kind(&findings, "image_version_disagrees").is_empty(),
            "{tag}: {findings:#?}"
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn a_signed_load_named_by_image_version_needs_its_sbn() {
    // Only the .bin of SIP 6.3: a SIP phone on 5.0 or later fetches the .sbn.
    let dir = root(
        "review-a-sbn",
        &[
            ("SIPDefault.cnf", Some(b"image_version: P0S3-06-3-00\n")),
            ("P0S3-06-3-00.sbn", None),
        ],
    );
    let (code, findings) = lint_findings(&dir);
    assert_eq!(code, 1, "{findings:#?}");
    let found = with_kind(&findings, "sbn_missing");
    assert_eq!(found.len(), 1, "{findings:#?}");
    assert_eq!(found[0]["file"], "SIPDefault.cnf");
    assert_eq!(
        found[0]["problem"],
        "names P0S3-06-3-00, but only P0S3-06-3-00.bin is here: SIP images from 5.0 on fetch P0S3-06-3-00.sbn"
    );
    assert!(found[0]["phone"]
        .as_str()
        .unwrap()
        .contains("a phone already running P0S3-06-3-00 stays on it"));
    fs::remove_dir_all(&dir).unwrap();
    // OS79XX.TXT is read by images before 5.0 too: the .bin alone is enough there.
    let dir = root(
        "review-a-os79xx",
        &[
            ("OS79XX.TXT", Some(b"P0S3-06-3-00\n")),
            ("P0S3-06-3-00.sbn", None),
        ],
    );
    let (code, findings) = lint_findings(&dir);
    assert_eq!((code, findings.len()), (0, 0), "{findings:#?}");
    fs::remove_dir_all(&dir).unwrap();
}

/// A root whose configuration files are links to files outside it, holding secrets.
fn root_with_links_out(tag: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let outside = fixture(
        &format!("{tag}-outside"),
        &[
            (
                "outside.xml",
                b"<Default>\n<loadInformation8 model=\"IP Phone 7940\">TOPSECRET-xml</loadInformation8>\n</Default>\n",
            ),
            ("shadow", b"root:$6$TOPSECRET-hash:19000:0:99999:7:::\n"),
            ("sip.cnf", b"image_version: P0S3-06-3-00\nline1_password: \"TOPSECRET-sip\"\n"),
        ],
    );
    let dir = root(tag, &[]);
    symlink(outside.join("outside.xml"), dir.join("XMLDefault.cnf.xml")).unwrap();
    symlink(outside.join("shadow"), dir.join("SEP0018B9000001.cnf.xml")).unwrap();
    symlink(
        format!(
            "../{}/sip.cnf",
            outside.file_name().unwrap().to_str().unwrap()
        ),
        dir.join("SIPDefault.cnf"),
    )
    .unwrap();
    // A link inside the directory is served as the file it points to.
    fs::write(dir.join("os.txt"), "P0S3-06-3-00\n").unwrap();
    symlink("os.txt", dir.join("OS79XX.TXT")).unwrap();
    (dir, outside)
}

#[test]
fn c_no_command_shows_a_byte_of_a_file_a_link_leads_to_outside_the_root() {
    let (dir, outside) = root_with_links_out("review-c");
    let root = dir.to_str().unwrap();
    let mac = "0018B9000001";
    let runs: Vec<Vec<&str>> = vec![
        vec!["lint", root],
        vec!["lint", root, "--format", "json"],
        vec!["inventory", root, "--format", "json"],
        vec![
            "simulate",
            "--from",
            "P003-08-11-00",
            "--tftp-root",
            root,
            "--mac",
            mac,
        ],
        vec![
            "simulate",
            "--from",
            "P003-08-11-00",
            "--tftp-root",
            root,
            "--format",
            "json",
            "--mac",
            mac,
        ],
        vec!["check", "--from", "P0S3-06-3-00", "--tftp-root", root],
        vec![
            "check",
            "--from",
            "P0S3-06-3-00",
            "--tftp-root",
            root,
            "--format",
            "json",
        ],
        card("plan", &["--tftp-root", root]),
        card(
            "apply",
            &[
                "--stage",
                "3",
                "--tftp-root",
                root,
                "--dry-run",
                "--replace-links",
                "--force",
            ],
        ),
        card(
            "apply",
            &[
                "--stage",
                "1",
                "--tftp-root",
                root,
                "--dry-run",
                "--replace-links",
                "--force",
                "--format",
                "json",
            ],
        ),
    ];
    for args in &runs {
        let (code, stdout, stderr) = run(args);
        assert!(code <= 1, "{args:?}: {stdout}{stderr}");
        for shown in [&stdout, &stderr] {
            assert!(!shown.contains("TOPSECRET"), "{args:?}: {shown}");
            assert!(!shown.contains("well-formed"), "{args:?}: {shown}");
        }
    }
    // lint names each link that leaves and says what the servers do; the link inside is read.
    let (code, findings) = lint_findings(&dir);
    assert_eq!(code, 1);
    let links = with_kind(&findings, "link_leaves_directory");
    let files: Vec<&str> = links.iter().map(|f| f["file"].as_str().unwrap()).collect();
    assert_eq!(
        files,
        [
            "SEP0018B9000001.cnf.xml",
            "SIPDefault.cnf",
            "XMLDefault.cnf.xml"
        ],
        "{findings:#?}"
    );
    for f in &links {
        assert_eq!(f["severity"], "error");
        assert!(
            f["problem"]
                .as_str()
                .unwrap()
                .ends_with("outside the directory: lint did not read it"),
            "{f:#}"
        );
        assert!(
            f["phone"]
                .as_str()
                .unwrap()
                .starts_with("gets File not found from tftpd-hpa --secure and phoneup serve"),
            "{f:#}"
        );
    }
    // simulate: the phone does not find them, and says why.
    let (_, stdout, _) = run(&runs[3]);
    assert!(
        stdout.contains("RRQ SEP0018B9000001.cnf.xml      not found"),
        "{stdout}"
    );
    assert!(
        stdout.contains("RRQ XMLDefault.cnf.xml           not found"),
        "{stdout}"
    );
    assert!(stdout.contains(
        "Not served: XMLDefault.cnf.xml: a link that leaves the directory: tftpd-hpa --secure and phoneup serve do not serve it"
    ), "{stdout}");
    // A legacy image reads OS79XX.TXT through the link inside the directory.
    let (_, value) = json(&[
        "simulate",
        "--from",
        "P0030301MFG2",
        "--tftp-root",
        root,
        "--format",
        "json",
    ]);
    assert_eq!(value["boots"][0]["requests"][0]["file"], "OS79XX.TXT");
    assert_eq!(value["boots"][0]["requests"][0]["found"], true);
    assert_eq!(value["boots"][0]["after"], "P0S3-06-3-00", "{value:#}");
    fs::remove_dir_all(&dir).unwrap();
    fs::remove_dir_all(&outside).unwrap();
}

#[test]
fn d_simulate_names_what_it_did_not_serve() {
    let dir = root("review-d", &[]);
    let status = std::process::Command::new("mkfifo")
        .arg(dir.join("OS79XX.TXT"))
        .status()
        .expect("mkfifo (coreutils) runs");
    assert!(status.success());
    let root = dir.to_str().unwrap();
    let args = ["simulate", "--from", "P0S3-06-3-00", "--tftp-root", root];
    let (code, stdout, _) = run(&args);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("RRQ OS79XX.TXT"), "{stdout}");
    assert!(
        stdout.contains("Not served: OS79XX.TXT: not a regular file (a FIFO (named pipe))"),
        "{stdout}"
    );
    let (_, value) = json(&[&args[..], &["--format", "json"]].concat());
    assert_eq!(
        value["skipped"],
        serde_json::json!(["OS79XX.TXT: not a regular file (a FIFO (named pipe))"])
    );
    fs::remove_file(dir.join("OS79XX.TXT")).unwrap();
    let (_, value) = json(&[&args[..], &["--format", "json"]].concat());
    assert!(
        value.get("skipped").is_none(),
        "left out when empty: {value:#}"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn e_every_lint_finding_has_a_stable_kind() {
    let loader = xml_naming("P003-08-11-00");
    let cases: Vec<(&str, &str, &[u8], &str)> = vec![
        ("cr", "OS79XX.TXT", b"P003-08-11-00\r\n", "cr_line_ending"),
        ("space", "OS79XX.TXT", b"P003-08-11-00 \n", "trailing_whitespace"),
        ("lines", "OS79XX.TXT", b"P003-08-11-00\nP0S3-06-3-00\n", "extra_lines"),
        ("empty", "OS79XX.TXT", b"\n", "empty_os79xx"),
        ("ext", "OS79XX.TXT", b"P003-08-11-00.sbn\n", "name_with_extension"),
        ("gone", "OS79XX.TXT", b"P0S3-07-4-00\n", "load_files_missing"),
        ("junk", "OS79XX.TXT", b"hello\n", "not_a_load_id"),
        ("case", "os79xx.txt", b"P003-08-11-00\n", "wrong_case"),
        ("xml", "XMLDefault.cnf.xml", b"<Default>\n<a></b>\n", "malformed_xml"),
        ("model", "XMLDefault.cnf.xml", b"<Default><loadInformation7 model=\"IP Phone 7940\">P0S3-08-11-00</loadInformation7></Default>", "wrong_model_element"),
        ("ctl", "CTLSEP0018B9FFFFFF.tlv", b"", "empty_trust_list"),
        ("backup", "SIPDefault.cnf.orig", b"x", "leftover"),
        ("per-phone", "SIP0018B9FFFFFF.cnf", b"image_version: P0S3-06-3-00\n", "per_phone_image_version"),
        ("first", "SEP0018B9FFFFFF.cnf.xml", &loader, "per_phone_file_first"),
        ("version", "SIPDefault.cnf", b"image_version: P0S3-06-3-00\n", "image_version_disagrees"),
    ];
    let mut seen = Vec::new();
    for (tag, file, bytes, kind) in cases {
        let dir = root(
            &format!("review-kind-{tag}"),
            &[
                ("XMLDefault.cnf.xml", Some(&xml_naming("P0S3-08-11-00"))),
                ("SIPDefault.cnf", Some(b"image_version: P0S3-08-11-00\n")),
                (file, Some(bytes)),
            ],
        );
        let (_, findings) = lint_findings(&dir);
        assert!(
            !with_kind(&findings, kind).is_empty(),
            "{tag}: no {kind}: {findings:#?}"
        );
        seen.push(kind);
        fs::remove_dir_all(&dir).unwrap_or_else(|e| panic!("{tag}: {e}"));
    }
    let dir = root("review-e-more", &[]);
    fs::create_dir_all(dir.join(".git")).unwrap();
    fs::create_dir_all(dir.join("SIPDefault.cnf")).unwrap();
    let outside = fixture("review-e-outside", &[("notes.txt", b"x")]);
    symlink(outside.join("notes.txt"), dir.join("elsewhere.txt")).unwrap();
    let (_, findings) = lint_findings(&dir);
    for kind in ["version_control", "unreadable", "link_leaves_directory"] {
        assert!(
            !with_kind(&findings, kind).is_empty(),
            "{kind}: {findings:#?}"
        );
        seen.push(kind);
    }
    // A link out that no phone asks for is a warning about what a stranger could fetch.
    assert_eq!(
        with_kind(&findings, "link_leaves_directory")[0]["severity"],
        "warning"
    );
    fs::remove_dir_all(&dir).unwrap();
    fs::remove_dir_all(&outside).unwrap();
    // Every finding has one of the kinds the README lists, and the README lists every kind.
    let readme = include_str!("../../README.md");
    for kind in &seen {
        assert!(
            readme.contains(&format!("`{kind}`")),
            "README lacks `{kind}`"
        );
    }
    seen.push("sbn_missing");
    assert!(readme.contains("`sbn_missing`"));
    seen.sort();
    seen.dedup();
    assert_eq!(
        seen.len(),
        19,
        "every kind is made by a case above: {seen:?}"
    );
}

#[test]
fn e_the_image_the_phone_runs_and_a_value_that_is_no_load_id_are_told_apart() {
    // The factory image, with no files: a phone on it fetches nothing.
    let dir = fixture(
        "review-e-mfg",
        &[("XMLDefault.cnf.xml", &xml_naming("P0030301MFG2"))],
    );
    let (_, findings) = lint_findings(&dir);
    let found = with_kind(&findings, "load_files_missing");
    assert_eq!(found.len(), 1, "{findings:#?}");
    let phone = found[0]["phone"].as_str().unwrap();
    assert!(
        phone.starts_with("a phone already running P0030301MFG2 fetches nothing and stays on it;"),
        "{phone}"
    );
    fs::remove_dir_all(&dir).unwrap();
    // A password where the load belongs.
    let dir = fixture(
        "review-e-junk",
        &[("SIPDefault.cnf", b"image_version: TOPSECRET-password-123\n")],
    );
    let (code, findings) = lint_findings(&dir);
    assert_eq!(code, 1);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["kind"], "not_a_load_id");
    assert_eq!(
        findings[0]["problem"],
        "image_version `TOPSECRET-password-123` is not a load ID"
    );
    let (_, stdout, _) = run(&["lint", dir.to_str().unwrap()]);
    assert!(!stdout.contains("whose files are"), "{stdout}");
    fs::remove_dir_all(&dir).unwrap();
}

/// The mode bits of `path`, without following a link.
fn mode(path: &Path) -> u32 {
    fs::symlink_metadata(path).unwrap().permissions().mode() & 0o7777
}

#[test]
fn b_a_linked_configuration_file_replaced_keeps_its_targets_mode_never_wider() {
    let dir = report_root("review-b");
    let secret = dir.parent().unwrap().join(format!(
        "phoneup-review-b-target-{}.cnf",
        std::process::id()
    ));
    fs::write(&secret, REPORT_SIPDEFAULT).unwrap();
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o640)).unwrap();
    fs::remove_file(dir.join("SIPDefault.cnf")).unwrap();
    symlink(&secret, dir.join("SIPDefault.cnf")).unwrap();
    let (code, stdout, stderr) = run_owned(&report_apply(&dir, "1", &["--replace-links"]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("it becomes a regular file with mode 0640"),
        "{stdout}"
    );
    let sip = dir.join("SIPDefault.cnf");
    assert!(fs::symlink_metadata(&sip).unwrap().is_file());
    assert_eq!(mode(&sip), 0o640, "as private as the link's target");
    assert!(fs::read_to_string(&sip).unwrap().contains("line1_password"));
    // The next stage keeps it so, and its journal copy is private.
    let (code, stdout, stderr) = run_owned(&report_apply(&dir, "2", &[]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(mode(&sip), 0o640);
    let journal = journal_of(&dir);
    for folder in fs::read_dir(&journal).unwrap().map(|e| e.unwrap().path()) {
        if !folder.is_dir() {
            continue;
        }
        for file in fs::read_dir(&folder).unwrap().map(|e| e.unwrap().path()) {
            assert_eq!(mode(&file) & 0o077, 0, "{} is private", file.display());
        }
    }
    for _ in 0..2 {
        assert_eq!(run(&["undo", "--tftp-root", dir.to_str().unwrap()]).0, 0);
    }
    assert_eq!(fs::read_link(&sip).unwrap(), secret, "the link is back");
    assert_eq!(mode(&secret), 0o640);
    assert_eq!(fs::read_to_string(&secret).unwrap(), REPORT_SIPDEFAULT);
    fs::remove_dir_all(&dir).unwrap();
    fs::remove_file(&secret).unwrap();
}

#[test]
fn f_undo_json_says_what_undo_did_to_each_file() {
    let dir = report_root("review-f");
    assert_eq!(run_owned(&report_apply(&dir, "1", &[])).0, 0);
    let (code, value) = json(&[
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
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn g_a_file_put_back_from_the_journal_is_not_called_created() {
    let dir = report_root("review-g");
    for stage in ["1", "2"] {
        assert_eq!(run_owned(&report_apply(&dir, stage, &[])).0, 0);
    }
    assert!(!dir.join("XMLDefault.cnf.xml").exists(), "moved aside");
    let (code, stdout, stderr) = run_owned(&report_apply(&dir, "3", &["--dry-run"]));
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
    let (_, stdout, _) = run_owned(&report_apply(&dir, "3", &["--dry-run", "--format", "json"]));
    let value: Value = serde_json::from_str(&stdout).unwrap();
    let change = value["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["file"] == "XMLDefault.cnf.xml")
        .unwrap();
    assert_eq!(change["action"], "created");
    assert!(change.get("restored").is_none(), "{change:#}");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn h_a_tampered_journal_is_refused_naming_every_file_phoneup_writes() {
    let dir = report_root("review-h");
    assert_eq!(run_owned(&report_apply(&dir, "1", &[])).0, 0);
    let folder = journal_of(&dir).join("0001");
    fs::write(
        folder.join("manifest.yaml"),
        "description: evil\nentries:\n- file: evil.txt\n  action: created\n",
    )
    .unwrap();
    let (code, _, stderr) = run(&["undo", "--tftp-root", dir.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("(OS79XX.TXT, XMLDefault.cnf.xml, SIPDefault.cnf, MGCDefault.cnf, SEP<MAC>.cnf.xml, SIP<MAC>.cnf, MGC<MAC>.cnf)"),
        "{stderr}"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn i_a_tftp_root_that_does_not_exist_says_where_to_look() {
    let missing = "/nonexistent/phoneup-review";
    let runs: Vec<Vec<&str>> = vec![
        card("apply", &["--stage", "1", "--tftp-root", missing]),
        vec!["undo", "--tftp-root", missing],
        vec!["inventory", missing],
        vec!["lint", missing],
        vec!["simulate", "--from", "P0S3-06-3-00", "--tftp-root", missing],
        vec!["check", "--from", "P0S3-06-3-00", "--tftp-root", missing],
        card("plan", &["--tftp-root", missing]),
    ];
    for args in &runs {
        let (code, stdout, stderr) = run(args);
        assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
        assert!(
            stderr.contains(&format!(
                "cannot read the TFTP root {missing}: No such file or directory"
            )),
            "{args:?}: {stderr}"
        );
        assert!(
            stderr.contains(
                "Check the path: give the directory your TFTP server serves (often /srv/tftp"
            ),
            "{args:?}: {stderr}"
        );
    }
    let dir = fixture("review-i", &[("OS79XX.TXT", b"P0S3-06-3-00\n")]);
    let (code, _, stderr) = run(&["lint", dir.join("OS79XX.TXT").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not a file in it"), "{stderr}");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn mgcdefault_is_linted_for_an_mgcp_application_and_not_for_a_sip_one() {
    // An MGCP 7.7 application reads MGCDefault.cnf's image_version (R15): naming another load
    // there sends it away on every boot.
    let dir = root(
        "review-mgcp-disagree",
        &[
            ("XMLDefault.cnf.xml", Some(&xml_naming("P0M3-07-7-00"))),
            (
                "MGCDefault.cnf",
                Some(b"# MGCP\nimage_version: P0030801SR02\n"),
            ),
            ("SIPDefault.cnf", Some(b"image_version: P0S3-06-3-00\n")),
        ],
    );
    let (code, findings) = lint_findings(&dir);
    assert_eq!(code, 1, "{findings:#?}");
    let found = with_kind(&findings, "image_version_disagrees");
    assert_eq!(found.len(), 1, "only MGCDefault.cnf counts: {findings:#?}");
    assert_eq!(found[0]["file"], "MGCDefault.cnf");
    assert_eq!(found[0]["line"], 2);
    assert_eq!(
        found[0]["problem"],
        "image_version names P0030801SR02 while XMLDefault.cnf.xml names P0M3-07-7-00"
    );
    fs::remove_dir_all(&dir).unwrap();
    // A SIP application does not read MGCDefault.cnf.
    let dir = root(
        "review-mgcp-sip",
        &[
            ("XMLDefault.cnf.xml", Some(&xml_naming("P0S3-08-11-00"))),
            ("MGCDefault.cnf", Some(b"image_version: P0030801SR02\n")),
            ("SIPDefault.cnf", Some(b"image_version: P0S3-08-11-00\n")),
        ],
    );
    let (_, findings) = lint_findings(&dir);
    assert!(
        with_kind(&findings, "image_version_disagrees").is_empty(),
        "{findings:#?}"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn plan_says_which_files_it_names_it_could_not_read_in_the_root() {
    let dir = super::support::fixture("plan-unread", &[("OS79XX.TXT", b"P0S3-06-3-00\n")]);
    std::os::unix::fs::symlink("/etc/passwd", dir.join("SIPDefault.cnf")).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(dir.join("XMLDefault.cnf.xml"))
        .status()
        .unwrap();
    assert!(status.success());
    // Not named by the plan: not mentioned.
    std::fs::create_dir(dir.join("backup")).unwrap();
    let root = dir.to_str().unwrap();
    let (code, stdout, stderr) = run(&[
        "plan",
        "--from",
        "P0030301MFG2",
        "--to",
        "P0S3-06-3-00",
        "--tftp-root",
        root,
    ]);
    assert_eq!(code, 0, "{stderr}");
    let note = stdout
        .lines()
        .find(|l| l.starts_with("Note: Not read from your TFTP root"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert_eq!(
        note,
        format!(
            "Note: Not read from your TFTP root, so planned as if absent: SIPDefault.cnf: a link that leaves the directory: tftpd-hpa --secure and phoneup serve do not serve it (it points to /etc/passwd); XMLDefault.cnf.xml: not a regular file (a FIFO (named pipe)) (phoneup inventory {root} lists every entry it skips)."
        )
    );
    // A clean root has no such note.
    fs::remove_file(dir.join("SIPDefault.cnf")).unwrap();
    fs::remove_file(dir.join("XMLDefault.cnf.xml")).unwrap();
    let (_, stdout, _) = run(&[
        "plan",
        "--from",
        "P0030301MFG2",
        "--to",
        "P0S3-06-3-00",
        "--tftp-root",
        root,
    ]);
    assert!(!stdout.contains("Not read from your TFTP root"), "{stdout}");
    fs::remove_dir_all(&dir).unwrap();
}
