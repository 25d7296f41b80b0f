//! Real TFTP clients (Debian's tftp-hpa `tftp`, `atftp` and `curl`) against `phoneup serve`:
//! files byte-identical (with and without options), TFTP error 1 for a missing file, and a
//! refusal for `../`, an absolute path outside the directory, a symbolic link out of it, and a
//! write. A missing client FAILS the test with the command that installs it.

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use super::bench::{scratch, Serve};
use super::loopback::free_port;

const INSTALL: &str = "sudo bash .ci/install-test-servers";

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

#[test]
fn real_clients_get_files_whole_missing_files_error_1_and_refusals_for_paths_out_and_writes() {
    let dir = scratch("clients");
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
            dir.join("state.json").to_str().unwrap(),
        ],
        &dir.join("events.jsonl"),
    );
    let port = port.to_string();
    let out = dir.join("out");
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

    // atftp, with blksize and tsize.
    let atftp = "/usr/bin/atftp";
    let _ = std::fs::remove_file(&out);
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
            &port,
        ],
    );
    assert!(fetched.status.success(), "{}", text(&fetched));
    assert_eq!(got(), big, "atftp with blksize 1428 and tsize");
    let missing = atftp_get(&port, "SEP0018B9FFFFFF.cnf.xml", &out);
    assert!(
        text(&missing).contains("File not found"),
        "{}",
        text(&missing)
    );
    let escaped = atftp_get(&port, "../secret.txt", &out);
    assert!(
        text(&escaped).contains("Access violation"),
        "{}",
        text(&escaped)
    );

    // curl: options by default (tsize, blksize 512, timeout), 1428 as asked.
    let curl = "/usr/bin/curl";
    for extra in [
        &[][..],
        &["--tftp-blksize", "1428"][..],
        &["--tftp-no-options"][..],
    ] {
        let _ = std::fs::remove_file(&out);
        let url = format!("tftp://127.0.0.1:{port}/OS79XX.TXT");
        let mut args = vec!["-sS", "-o", out.to_str().unwrap()];
        args.extend_from_slice(extra);
        args.push(&url);
        let fetched = client(curl, &args);
        assert!(fetched.status.success(), "{extra:?}: {}", text(&fetched));
        assert_eq!(got(), b"P0S3-06-3-00\n", "{extra:?}");
    }
    let missing = curl_get(&port, "missing.cnf", &out);
    // curl's exit code 68 is its "TFTP: File Not Found" (its message is garbled by a getpeername
    // call on the unconnected socket).
    assert_eq!(missing.status.code(), Some(68), "{}", text(&missing));
    std::fs::write(&out, "upload").unwrap();
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
    let (code, summary) = serve.stop();
    assert_eq!(code, 0, "{summary}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_set_up_help_names_the_dhcp_options_and_the_port_69_fix() {
    let (code, out, _) =
        super::support::run(&["serve", "--print-dhcp", "dnsmasq", "--listen", "127.0.0.1"]);
    assert_eq!(code, 0);
    assert_eq!(out, "# dnsmasq: point the phones at phoneup serve on 127.0.0.1\ndhcp-option=150,127.0.0.1\ndhcp-option=66,\"127.0.0.1\"\n");
    let (code, out, _) =
        super::support::run(&["serve", "--print-dhcp", "isc", "--listen", "127.0.0.1:6969"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("option cisco-tftp-servers code 150 = array of ip-address;"),
        "{out}"
    );
    assert!(
        out.contains("option tftp-server-name \"127.0.0.1\";"),
        "{out}"
    );
    assert!(out.contains("Phones always ask port 69"), "{out}");
    let dir = scratch("usage");
    let root = dir.join("root");
    std::fs::create_dir_all(&root).unwrap();
    let root_arg = root.to_str().unwrap();
    let (code, _, err) =
        super::support::run(&["serve", "--root", root_arg, "--to", "P0S3-08-11-00"]);
    assert_eq!(code, 2);
    assert!(err.contains("--phones"), "{err}");
    let inside = root.join("state.json");
    let (code, _, err) = super::support::run(&[
        "serve",
        "--root",
        root_arg,
        "--to",
        "P0S3-08-11-00",
        "--all",
        "--listen",
        "127.0.0.1:0",
        "--state",
        inside.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("inside the served directory"), "{err}");
    let (code, _, err) = super::support::run(&[
        "serve",
        "--root",
        root_arg,
        "--to",
        "P0S3-08-11-00",
        "--phones",
        "00:18:b9:zz",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("not a MAC address"), "{err}");
    // Port 69 as a user without the capability: the error says how to get it.
    if super::support::is_root() {
        let output = Command::new("setpriv")
            .args([
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "--inh-caps=-all",
                "--bounding-set=-net_bind_service",
            ])
            .arg(assert_cmd::cargo::cargo_bin("phoneup"))
            .args([
                "serve",
                "--root",
                root_arg,
                "--to",
                "P0S3-08-11-00",
                "--all",
                "--listen",
                "127.0.0.1:69",
            ])
            .args(["--state", "/tmp/phoneup-serve-port69-state.json"])
            .output()
            .expect("setpriv runs (util-linux)");
        let err = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{err}");
        assert!(err.contains("setcap cap_net_bind_service=+ep"), "{err}");
    }
    let _ = std::fs::remove_dir_all(dir);
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
            dir.join("state.json").to_str().unwrap(),
        ],
        &dir.join("events.jsonl"),
    );
    let port = port.to_string();
    let out = dir.join("out");

    // tftp-hpa, atftp and curl: error 2 for both, and nothing of the file.
    for name in ["SIPDefault.cnf", "private/ring.raw"] {
        let _ = std::fs::remove_file(&out);
        let tftp = client(
            "/usr/bin/tftp",
            &[
                "127.0.0.1",
                &port,
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
        let atftp = atftp_get(&port, name, &out);
        assert!(
            text(&atftp).contains("Access violation"),
            "{name}: {}",
            text(&atftp)
        );
        let curl = curl_get(&port, name, &out);
        // curl's exit code 69 is its "TFTP: Access Violation".
        assert_eq!(curl.status.code(), Some(69), "{name}: {}", text(&curl));
        let got = std::fs::read_to_string(&out).unwrap_or_default();
        assert!(
            !got.contains("hunter2") && !got.contains("ring"),
            "{name}: {got}"
        );
    }
    // A world-readable file beside them is served.
    let _ = std::fs::remove_file(&out);
    let fetched = curl_get(&port, "OS79XX.TXT", &out);
    assert!(fetched.status.success(), "{}", text(&fetched));

    // The managed phone is refused its SIPDefault.cnf too, never given a made-up one: it loops
    // there, and serve says why.
    assert_eq!(power_cycle(serve.address, &phone, phone.from), phone.from);
    let events = serve.events();
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

#[test]
fn serve_refuses_at_start_a_target_no_plan_reaches_and_says_what_to_give_instead() {
    use super::support::Background;

    let dir = scratch("unreachable");
    let root = dir.join("root");
    std::fs::create_dir_all(&root).unwrap();
    let state = dir.join("state.json");
    for (extra, says) in [
        (
            &[
                "--to",
                "P0S3-08-11-00",
                "--phones",
                "0018B9000001=P0030301MFG2",
            ][..],
            &[
                "--phones 0018B9000001=P0030301MFG2: serve could walk no phone there",
                "No source lists the files of P0030301MFG2",
                "e.g. --phones 0018B9000001=P",
            ][..],
        ),
        (
            &[
                "--to",
                "P0S3-08-11-00",
                "--phones",
                "0018B9000001=P0M3-07-7-00",
            ][..],
            &[
                "--phones 0018B9000001=P0M3-07-7-00: serve could walk no phone there",
                "No rule leads to an MGCP load",
                "phoneup plan --from LOAD --to P0M3-07-7-00",
            ][..],
        ),
        (
            &["--to", "P0030301MFG2", "--all"][..],
            &[
                "--to P0030301MFG2: serve could walk no phone there",
                "e.g. --to P",
            ][..],
        ),
    ] {
        let mut args: Vec<String> = ["serve", "--root", root.to_str().unwrap()]
            .iter()
            .map(|s| s.to_string())
            .collect();
        args.extend(extra.iter().map(|s| s.to_string()));
        args.extend(["--listen".into(), "127.0.0.1:0".into(), "--state".into()]);
        args.push(state.to_str().unwrap().into());
        let (code, _, err) = Background::start(&args).wait(Duration::from_secs(20));
        assert_eq!(code, Some(2), "{extra:?}: {err}");
        for text in says {
            assert!(err.contains(text), "{extra:?}: {err}");
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}
