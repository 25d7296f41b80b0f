//! How every command reads the user's TFTP root: a path that is not there says where to look,
//! a link that leaves the root is never read or shown, and FIFOs, huge and unreadable files are
//! named as not read instead of hanging the command or passing as clean.

use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};

use super::support::{card, is_root, run, with_kind, Test};

/// A root whose configuration files are links to files outside it (in `TAG-outside`), holding
/// secrets.
fn root_with_links_out(test: &Test, tag: &str) -> std::path::PathBuf {
    let outside = test.dir(
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
    let dir = test.firmware_root(tag, &[]);
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
    dir
}

#[test]
fn no_command_shows_a_byte_of_a_file_a_link_leads_to_outside_the_root() {
    let test = Test::new();
    let dir = root_with_links_out(&test, "root");
    let root = dir.to_str().unwrap();
    let mac = "0018B9000001";
    let runs: Vec<Vec<&str>> = vec![
        vec!["lint", "--tftp-root", root],
        vec!["lint", "--tftp-root", root, "--format", "json"],
        vec!["inventory", "--tftp-root", root, "--format", "json"],
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
        let (code, stdout, stderr) = test.run(args);
        assert!(code <= 1, "{args:?}: {stdout}{stderr}");
        for shown in [&stdout, &stderr] {
            assert!(!shown.contains("TOPSECRET"), "{args:?}: {shown}");
            assert!(!shown.contains("well-formed"), "{args:?}: {shown}");
        }
    }
}

#[test]
fn lint_and_simulate_say_what_a_link_out_of_the_root_does() {
    let test = Test::new();
    let dir = root_with_links_out(&test, "root");
    let root = dir.to_str().unwrap();
    // lint names each link that leaves and says what the servers do; the link inside is read.
    let (code, findings) = test.lint_findings(&dir);
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
    let (_, stdout, _) = test.run(&[
        "simulate",
        "--from",
        "P003-08-11-00",
        "--tftp-root",
        root,
        "--mac",
        "0018B9000001",
    ]);
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
    let (_, value) = test.json(&[
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
}

#[test]
fn simulate_names_what_it_did_not_serve() {
    let test = Test::new();
    let dir = test.firmware_root("root", &[]);
    let status = std::process::Command::new("mkfifo")
        .arg(dir.join("OS79XX.TXT"))
        .status()
        .expect("mkfifo (coreutils) runs");
    assert!(status.success());
    let root = dir.to_str().unwrap();
    let args = ["simulate", "--from", "P0S3-06-3-00", "--tftp-root", root];
    let (code, stdout, _) = test.run(&args);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("RRQ OS79XX.TXT"), "{stdout}");
    assert!(
        stdout.contains("Not served: OS79XX.TXT: not a regular file (a FIFO (named pipe))"),
        "{stdout}"
    );
    let (_, value) = test.json(&[&args[..], &["--format", "json"]].concat());
    assert_eq!(
        value["skipped"],
        serde_json::json!(["OS79XX.TXT: not a regular file (a FIFO (named pipe))"])
    );
    fs::remove_file(dir.join("OS79XX.TXT")).unwrap();
    let (_, value) = test.json(&[&args[..], &["--format", "json"]].concat());
    assert_eq!(
        value["skipped"],
        serde_json::json!([]),
        "always there: {value:#}"
    );
}

#[test]
fn a_tftp_root_that_does_not_exist_says_where_to_look() {
    let test = Test::new();
    let missing = "/nonexistent/phoneup-root";
    let runs: Vec<Vec<&str>> = vec![
        card("apply", &["--stage", "1", "--tftp-root", missing]),
        vec!["undo", "--tftp-root", missing],
        vec!["inventory", "--tftp-root", missing],
        vec!["lint", "--tftp-root", missing],
        vec!["simulate", "--from", "P0S3-06-3-00", "--tftp-root", missing],
        vec!["check", "--from", "P0S3-06-3-00", "--tftp-root", missing],
        card("plan", &["--tftp-root", missing]),
    ];
    for args in &runs {
        let (code, stdout, stderr) = test.run(args);
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
    let dir = test.dir("root", &[("OS79XX.TXT", b"P0S3-06-3-00\n")]);
    let (code, _, stderr) = test.run(&[
        "lint",
        "--tftp-root",
        dir.join("OS79XX.TXT").to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not a file in it"), "{stderr}");
}

#[test]
fn plan_says_which_files_it_names_it_could_not_read_in_the_root() {
    let test = Test::new();
    let dir = test.dir("plan-unread", &[("OS79XX.TXT", b"P0S3-06-3-00\n")]);
    std::os::unix::fs::symlink("/etc/passwd", dir.join("SIPDefault.cnf")).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(dir.join("XMLDefault.cnf.xml"))
        .status()
        .unwrap();
    assert!(status.success());
    // Not named by the plan: not mentioned.
    std::fs::create_dir(dir.join("backup")).unwrap();
    let root = dir.to_str().unwrap();
    let (code, stdout, stderr) = test.run(&[
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
            "Note: Not read from your TFTP root, so planned as if absent: SIPDefault.cnf: a link that leaves the directory: tftpd-hpa --secure and phoneup serve do not serve it (it points to /etc/passwd); XMLDefault.cnf.xml: not a regular file (a FIFO (named pipe)) (phoneup inventory --tftp-root {root} lists every entry it skips)."
        )
    );
    // A clean root has no such note.
    fs::remove_file(dir.join("SIPDefault.cnf")).unwrap();
    fs::remove_file(dir.join("XMLDefault.cnf.xml")).unwrap();
    let (_, stdout, _) = test.run(&[
        "plan",
        "--from",
        "P0030301MFG2",
        "--to",
        "P0S3-06-3-00",
        "--tftp-root",
        root,
    ]);
    assert!(!stdout.contains("Not read from your TFTP root"), "{stdout}");
}

#[test]
fn lint_reports_what_it_could_not_read_instead_of_clean() {
    let test = Test::new();
    let dir = test.users_root("big");
    fs::remove_file(dir.join("XMLDefault.cnf.xml")).unwrap();
    fs::write(dir.join("SIPDefault.cnf"), "image_version: P0S3-06-3-00\n").unwrap();
    let mut big = b"P0S3-06-3-00\r\n".to_vec();
    big.extend(std::iter::repeat_n(b'J', 2_000_000));
    fs::write(dir.join("OS79XX.TXT"), &big).unwrap();
    let root = dir.to_str().unwrap();
    let (code, stdout, _) = test.run(&["lint", "--tftp-root", root]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("OS79XX.TXT: phoneup could not read it"),
        "{stdout}"
    );
    assert!(stdout.contains("1.9 MiB"), "{stdout}");
    let (code, stdout, _) = test.run(&["check", "--from", "P0030301MFG2", "--tftp-root", root]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("phoneup could not read OS79XX.TXT"),
        "{stdout}"
    );
    // Files the user running lint may not read: root may read every file, so as root lint runs
    // as nobody.
    let dir = test.users_root("perm");
    fs::write(dir.join("OS79XX.TXT"), "P0S3-06-3-00\n").unwrap();
    for name in ["OS79XX.TXT", "SIPDefault.cnf", "XMLDefault.cnf.xml"] {
        fs::set_permissions(dir.join(name), fs::Permissions::from_mode(0o000)).unwrap();
    }
    let output = {
        use std::os::unix::process::CommandExt;
        let mut lint = std::process::Command::new(assert_cmd::cargo::cargo_bin("phoneup"));
        lint.args([
            "lint",
            "--tftp-root",
            dir.to_str().unwrap(),
            "--format",
            "json",
        ])
        .env("NO_COLOR", "1")
        .env("XDG_STATE_HOME", test.state_home());
        if is_root() {
            lint.uid(65534).gid(65534);
        }
        lint.output().unwrap()
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let files: Vec<&str> = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["problem"].as_str().unwrap().contains("Permission denied"))
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        ["OS79XX.TXT", "SIPDefault.cnf", "XMLDefault.cnf.xml"],
        "{stdout}"
    );
}

#[test]
fn lint_and_inventory_of_a_directory_that_is_not_there_exit_2() {
    let (code, _, stderr) = run(&["lint", "/nonexistent/phoneup"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read"), "{stderr}");
    assert_eq!(run(&["inventory", "/nonexistent/phoneup"]).0, 2);
}
