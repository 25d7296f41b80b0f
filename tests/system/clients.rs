//! Real TFTP clients (Debian's tftp-hpa `tftp`, `atftp` and `curl`) against phoneup's own
//! sender and against `phoneup serve`: files byte-identical (with and without options), TFTP
//! error 1 for a missing file, and a refusal for `../`, an absolute path outside the directory, a
//! symbolic link out of it, a file not everyone may read, and a write. A missing client FAILS the
//! test with the command that installs it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::bench::{scratch, Serve};
use super::card::{card_root, MAC};
use super::loopback::{free_port, Wrong, WrongServer};
use super::support::Test;

const INSTALL: &str = "bash .ci/install-test-servers";

fn client(program: &str, args: &[&str]) -> Output {
    assert!(
        Path::new(program).exists(),
        "{program} is missing: install the test clients with: {INSTALL}"
    );
    Command::new("timeout")
        .arg("30")
        .arg(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"))
}

/// `atftp -g -r NAME -l OUT 127.0.0.1 PORT`: a plain read, no options.
fn atftp_get(port: &str, name: &str, out: &Path) -> Output {
    client(
        "/usr/bin/atftp",
        &[
            "-g",
            "-r",
            name,
            "-l",
            out.to_str().unwrap(),
            "127.0.0.1",
            port,
        ],
    )
}

/// `curl -sS -o OUT tftp://127.0.0.1:PORT/NAME`, with curl's default options.
fn curl_get(port: &str, name: &str, out: &Path) -> Output {
    client(
        "/usr/bin/curl",
        &[
            "-sS",
            "-o",
            out.to_str().unwrap(),
            &format!("tftp://127.0.0.1:{port}/{name}"),
        ],
    )
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Real clients against phoneup's own sender (the core `phoneup serve` builds on).
#[test]
fn curl_atftp_and_tftp_hpa_read_files_from_phoneups_sender_byte_for_byte() {
    let test = Test::new();
    let root = card_root(&test, "root");
    let server = WrongServer::start(&root, Wrong::MissingAnswered(1));
    let port = server.address.port().to_string();
    let out = test.path().join("client-out");
    for (file, len) in [("P0S3-08-11-00.sb2", 70_000), ("P003-08-11-00.sbn", 4096)] {
        let url = format!("tftp://127.0.0.1:{port}/{file}");
        let runs: Vec<(&str, Vec<String>)> = vec![
            (
                "curl",
                vec![
                    "-sS".into(),
                    "--max-time".into(),
                    "30".into(),
                    "--tftp-blksize".into(),
                    "1428".into(),
                    "-o".into(),
                    out.display().to_string(),
                    url.clone(),
                ],
            ),
            (
                "curl",
                vec![
                    "-sS".into(),
                    "--max-time".into(),
                    "30".into(),
                    "--tftp-no-options".into(),
                    "-o".into(),
                    out.display().to_string(),
                    url,
                ],
            ),
            (
                "atftp",
                vec![
                    "--option".into(),
                    "blksize 1428".into(),
                    "--option".into(),
                    "tsize 0".into(),
                    "-g".into(),
                    "-r".into(),
                    file.into(),
                    "-l".into(),
                    out.display().to_string(),
                    "127.0.0.1".into(),
                    port.clone(),
                ],
            ),
            (
                "tftp",
                vec![
                    "127.0.0.1".into(),
                    port.clone(),
                    "-m".into(),
                    "binary".into(),
                    "-c".into(),
                    "get".into(),
                    file.into(),
                    out.display().to_string(),
                ],
            ),
        ];
        for (client, args) in runs {
            let _ = std::fs::remove_file(&out);
            let status = Command::new("timeout")
                .arg("60")
                .arg(client)
                .args(&args)
                .output()
                .unwrap_or_else(|e| panic!("{client}: {e}\nInstall it with: {INSTALL}"));
            assert!(
                status.status.success(),
                "{client} {args:?}: {}",
                String::from_utf8_lossy(&status.stderr)
            );
            let got = std::fs::read(&out).unwrap();
            assert_eq!(got.len(), len, "{client} {file}");
            assert_eq!(
                got,
                std::fs::read(root.join(file)).unwrap(),
                "{client} {file}"
            );
        }
    }
    // A missing file: ERROR 1, which curl reports with its exit code 68 (TFTP file not found).
    let url = format!("tftp://127.0.0.1:{port}/CTLSEP{MAC}.tlv");
    let status = Command::new("timeout")
        .args(["60", "curl", "-sS", "-o", "/dev/null", &url])
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(68), "{status:?}");
}

/// What the real clients are served: an image, `OS79XX.TXT` and a link out of the root to a
/// secret, by a serve that expects one phone (which never asks).
struct Served {
    /// Removed with the test.
    _dir: Test,
    root: PathBuf,
    big: Vec<u8>,
    serve: Serve,
    port: String,
    out: PathBuf,
}

impl Served {
    fn start(name: &str) -> Served {
        let dir = scratch(name);
        let root = dir.join("root");
        std::fs::create_dir_all(&root).unwrap();
        let big: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(root.join("P0S3-06-3-00.bin"), &big).unwrap();
        std::fs::write(root.join("OS79XX.TXT"), "P0S3-06-3-00\n").unwrap();
        std::fs::write(dir.join("secret.txt"), "outside\n").unwrap();
        std::os::unix::fs::symlink(dir.join("secret.txt"), root.join("link-out.txt")).unwrap();
        let port = free_port("127.0.0.1");
        let serve = Serve::start(
            format!("127.0.0.1:{port}").parse().unwrap(),
            &[
                "--root",
                root.to_str().unwrap(),
                "--to",
                "P0S3-08-11-00",
                "--phones",
                "0018B9FFFF99",
                "--state",
                super::bench::state_file(&dir).to_str().unwrap(),
            ],
            &dir.join("events.jsonl"),
        );
        let port = port.to_string();
        let out = dir.join("out");

        Served {
            _dir: dir,
            root,
            big,
            serve,
            port,
            out,
        }
    }

    /// What the last client wrote to `out`.
    fn got(&self) -> Vec<u8> {
        std::fs::read(&self.out).unwrap_or_default()
    }
}

#[test]
fn tftp_hpa_gets_files_whole_missing_files_error_1_and_refusals_for_paths_out_and_writes() {
    // By value: the serve is stopped at the end for its summary.
    let Served {
        _dir,
        root,
        big,
        serve,
        port,
        out,
    } = Served::start("clients-tftp");
    let got = || std::fs::read(&out).unwrap_or_default();
    // tftp-hpa: plain RFC 1350, as the phones.
    let tftp = "/usr/bin/tftp";
    let get = |name: &str| {
        let _ = std::fs::remove_file(&out);
        client(
            tftp,
            &[
                "-v",
                "127.0.0.1",
                &port,
                "-m",
                "binary",
                "-c",
                "get",
                name,
                out.to_str().unwrap(),
            ],
        )
    };
    get("P0S3-06-3-00.bin");
    assert_eq!(got(), big, "tftp-hpa gets the image byte for byte");
    let missing = get("CTLSEP0018B9FFFFFF.tlv");
    assert!(
        text(&missing).contains("Error code 1"),
        "{}",
        text(&missing)
    );
    for refused in [
        "../secret.txt",
        "/etc/passwd",
        "link-out.txt",
        "sub/../../secret.txt",
    ] {
        let answer = get(refused);
        assert!(
            text(&answer).contains("Error code 2"),
            "{refused}: {}",
            text(&answer)
        );
    }
    std::fs::write(&out, "upload").unwrap();
    let put = client(
        tftp,
        &[
            "-v",
            "127.0.0.1",
            &port,
            "-m",
            "binary",
            "-c",
            "put",
            out.to_str().unwrap(),
            "upload.txt",
        ],
    );
    assert!(text(&put).contains("Error code 2"), "{}", text(&put));
    assert!(!root.join("upload.txt").exists());

    let events = serve.events();
    assert!(events
        .iter()
        .any(|e| e["event"] == "refused" && e["file"] == "../secret.txt"));
    assert!(events
        .iter()
        .any(|e| e["event"] == "not_found" && e["file"] == "CTLSEP0018B9FFFFFF.tlv"));
    assert!(events
        .iter()
        .any(|e| e["event"] == "sent" && e["file"] == "P0S3-06-3-00.bin" && e["bytes"] == 300_000));
    // The phone it was told to expect never asked: exit 1, and the summary names it.
    let (code, summary) = serve.stop();
    assert_eq!(code, 1, "{summary}");
    assert!(summary.contains("0018B9FFFF99  not seen"), "{summary}");
}

#[test]
fn atftp_gets_files_whole_with_options_and_error_1_and_refusals() {
    let served = Served::start("clients-atftp");
    let Served { big, port, out, .. } = &served;
    let got = || served.got();
    // atftp, with blksize and tsize.
    let atftp = "/usr/bin/atftp";
    let _ = std::fs::remove_file(out);
    let fetched = client(
        atftp,
        &[
            "--option",
            "blksize 1428",
            "--option",
            "tsize 0",
            "-g",
            "-r",
            "P0S3-06-3-00.bin",
            "-l",
            out.to_str().unwrap(),
            "127.0.0.1",
            port,
        ],
    );
    assert!(fetched.status.success(), "{}", text(&fetched));
    assert_eq!(got(), *big, "atftp with blksize 1428 and tsize");
    let missing = atftp_get(port, "SEP0018B9FFFFFF.cnf.xml", out);
    assert!(
        text(&missing).contains("File not found"),
        "{}",
        text(&missing)
    );
    let escaped = atftp_get(port, "../secret.txt", out);
    assert!(
        text(&escaped).contains("Access violation"),
        "{}",
        text(&escaped)
    );
}

#[test]
fn curl_gets_files_with_and_without_options_and_cannot_write() {
    let served = Served::start("clients-curl");
    let Served {
        root, port, out, ..
    } = &served;
    let got = || served.got();
    // curl: options by default (tsize, blksize 512, timeout), 1428 as asked.
    let curl = "/usr/bin/curl";
    for extra in [
        &[][..],
        &["--tftp-blksize", "1428"][..],
        &["--tftp-no-options"][..],
    ] {
        let _ = std::fs::remove_file(out);
        let url = format!("tftp://127.0.0.1:{port}/OS79XX.TXT");
        let mut args = vec!["-sS", "-o", out.to_str().unwrap()];
        args.extend_from_slice(extra);
        args.push(&url);
        let fetched = client(curl, &args);
        assert!(fetched.status.success(), "{extra:?}: {}", text(&fetched));
        assert_eq!(got(), b"P0S3-06-3-00\n", "{extra:?}");
    }
    let missing = curl_get(port, "missing.cnf", out);
    // curl's exit code 68 is its "TFTP: File Not Found" (its message is garbled by a getpeername
    // call on the unconnected socket).
    assert_eq!(missing.status.code(), Some(68), "{}", text(&missing));
    std::fs::write(out, "upload").unwrap();
    let upload = client(
        curl,
        &[
            "-sS",
            "-T",
            out.to_str().unwrap(),
            &format!("tftp://127.0.0.1:{port}/upload2.txt"),
        ],
    );
    assert!(!upload.status.success(), "{}", text(&upload));
    assert!(!root.join("upload2.txt").exists());
}

/// tftp-hpa, atftp and curl each get error 2 for `name` from serve on `port`, and nothing of it.
fn refused_to_every_client(port: &str, name: &str, out: &Path) {
    let _ = std::fs::remove_file(out);
    let tftp = client(
        "/usr/bin/tftp",
        &[
            "127.0.0.1",
            port,
            "-m",
            "binary",
            "-c",
            "get",
            name,
            out.to_str().unwrap(),
        ],
    );
    assert!(
        text(&tftp).contains("Error code 2"),
        "{name}: {}",
        text(&tftp)
    );
    let atftp = atftp_get(port, name, out);
    assert!(
        text(&atftp).contains("Access violation"),
        "{name}: {}",
        text(&atftp)
    );
    let curl = curl_get(port, name, out);
    // curl's exit code 69 is its "TFTP: Access Violation".
    assert_eq!(curl.status.code(), Some(69), "{name}: {}", text(&curl));
    let got = std::fs::read_to_string(out).unwrap_or_default();
    assert!(
        !got.contains("hunter2") && !got.contains("ring"),
        "{name}: {got}"
    );
}

#[test]
fn serve_gives_no_client_a_file_an_unprivileged_tftp_server_could_not_read() {
    use std::os::unix::fs::PermissionsExt;

    use super::bench::{leases, power_cycle, Bench};

    let dir = scratch("modes");
    let root = dir.join("root");
    std::fs::create_dir_all(root.join("private")).unwrap();
    let chmod = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    chmod(&root, 0o755);
    let secret =
        "proxy1_address: 192.0.2.1\nphone_password: \"hunter2\"\nimage_version: P0S3-06-3-00\n";
    std::fs::write(root.join("SIPDefault.cnf"), secret).unwrap();
    chmod(&root.join("SIPDefault.cnf"), 0o640);
    std::fs::write(root.join("private/ring.raw"), "ring\n").unwrap();
    chmod(&root.join("private/ring.raw"), 0o644);
    chmod(&root.join("private"), 0o700);
    std::fs::write(root.join("OS79XX.TXT"), "P0S3-06-3-00\n").unwrap();
    chmod(&root.join("OS79XX.TXT"), 0o644);
    // A phone on SIP 6.3 that should stay there: it reads SIPDefault.cnf every boot.
    let phone = Bench {
        ip: "127.0.0.31",
        mac: "0018B9000031",
        from: "P0S3-06-3-00",
        to: "P0S3-06-3-00",
    };
    let leases = leases(&dir, std::slice::from_ref(&phone));
    let port = free_port("127.0.0.1");
    let serve = Serve::start(
        format!("127.0.0.1:{port}").parse().unwrap(),
        &[
            "--root",
            root.to_str().unwrap(),
            "--to",
            "P0S3-08-11-00",
            "--phones",
            &format!("{}={}", phone.mac, phone.to),
            "--leases",
            leases.to_str().unwrap(),
            "--state",
            super::bench::state_file(&dir).to_str().unwrap(),
        ],
        &dir.join("events.jsonl"),
    );
    let port = port.to_string();
    let out = dir.join("out");

    // tftp-hpa, atftp and curl: error 2 for both, and nothing of the file.
    for name in ["SIPDefault.cnf", "private/ring.raw"] {
        refused_to_every_client(&port, name, &out);
    }
    // A world-readable file beside them is served.
    let _ = std::fs::remove_file(&out);
    let fetched = curl_get(&port, "OS79XX.TXT", &out);
    assert!(fetched.status.success(), "{}", text(&fetched));

    // The managed phone is refused its SIPDefault.cnf too, never given a made-up one: it loops
    // there, and serve says why.
    assert_eq!(power_cycle(serve.address, &phone, phone.from), phone.from);
    // The events reach their file on serve's view thread: wait (at most 5 s) for the phone's.
    let until = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let mut events = serve.events();
    while !events
        .iter()
        .any(|e| e["event"] == "refused" && e["mac"] == phone.mac)
        && std::time::Instant::now() < until
    {
        std::thread::sleep(std::time::Duration::from_millis(50));
        events = serve.events();
    }
    let refused: Vec<_> = events.iter().filter(|e| e["event"] == "refused").collect();
    for (name, mac, why) in [
        (
            "SIPDefault.cnf",
            None,
            "not readable by everyone (mode 0640)",
        ),
        (
            "private/ring.raw",
            None,
            "not everyone may enter (mode 0700)",
        ),
        (
            "SIPDefault.cnf",
            Some(phone.mac),
            "not readable by everyone (mode 0640)",
        ),
    ] {
        assert!(
            refused.iter().any(|e| e["file"] == name
                && e["mac"].as_str() == mac
                && e["why"]
                    .as_str()
                    .is_some_and(|w| w.contains(why) && w.contains("chmod"))),
            "{name} {mac:?}: {refused:#?}"
        );
    }
    assert!(!events
        .iter()
        .any(|e| e["event"] == "sent" && e["file"] == "SIPDefault.cnf"));
    let (_, summary) = serve.stop();
    assert!(summary.contains("0018B9000031"), "{summary}");
    let _ = std::fs::remove_dir_all(dir);
}
