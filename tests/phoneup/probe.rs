//! `phoneup probe` over real UDP on loopback, against servers written in the tests: one that
//! answers missing files with the wrong error (and loops the phone model, as `simulate --server`
//! shows), one that is silent or stops after a block, a closed port, and what a stage needs that
//! the root lacks. Nothing to install; the probes of Debian's own servers are system tests.

use serde_json::Value;

use super::card::{
    apply_stage, card_root, json_of, kinds, probe_args, run_output, says, simulate_args, CARD, MAC,
};
use super::loopback::{free_port, Wrong, WrongServer};
use super::support::{run, Background, Test};

#[test]
fn a_server_answering_missing_files_with_code_2_is_caught_and_loops_the_phone() {
    let test = Test::new();
    let root = card_root(&test, "wire-wrong");
    for stage in ["1", "2", "3"] {
        apply_stage(&test, &root, stage);
    }
    let server = WrongServer::start(&root, Wrong::MissingAnswered(2));
    let output = run_output(&probe_args(&server.server(), &[]));
    assert_eq!(output.status.code(), Some(1));
    let report = json_of(&output);
    assert_eq!(kinds(&report), ["missing_file_answer"]);
    let finding = &report["findings"][0];
    assert_eq!(finding["file"], "CTLSEP0018B9FFFFFF.tlv");
    assert!(
        finding["detail"].as_str().unwrap().contains("error 2"),
        "{finding}"
    );
    assert!(
        finding["fix"].as_str().unwrap().contains("error 1"),
        "{finding}"
    );
    assert_eq!(report["files"][0]["status"], "error");
    assert_eq!(report["files"][0]["error_code"], 2);

    // The text names the finding too.
    let text = run_output(&["probe", "--server", &server.server(), "--mac", MAC]);
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(
        stdout.contains("  problem[missing_file_answer] CTLSEP0018B9ABCDEF.tlv"),
        "{stdout}"
    );

    // The phone model, over the wire, loops on CTLSEP<MAC>.tlv as in MCLEAN-CTLSEP, VI-FWISSUES, TCG-7960.
    let output = run_output(&simulate_args("P003-08-11-00", &server.server()));
    assert_eq!(output.status.code(), Some(1));
    let simulation = json_of(&output);
    assert_eq!(simulation["ending"], "loop");
    assert_eq!(simulation["loop_file"], format!("CTLSEP{MAC}.tlv"));
    let request = &simulation["boots"][0]["requests"][0];
    assert_eq!(request["tftp"]["status"], "error");
    assert_eq!(request["tftp"]["error_code"], 2);
}

#[test]
fn a_silent_server_and_one_that_stops_after_a_block_are_no_answer() {
    let test = Test::new();
    let root = card_root(&test, "wire-silent");
    apply_stage(&test, &root, "1");
    std::fs::write(root.join("OS79XX.TXT"), "P0S3-06-3-00\n".repeat(60)).unwrap();
    let silent = WrongServer::start(&root, Wrong::Silent);
    let output = run_output(&probe_args(&silent.server(), &CARD));
    assert_eq!(output.status.code(), Some(1));
    let report = json_of(&output);
    assert_eq!(kinds(&report), ["no_answer"]);
    assert!(report["findings"][0]["detail"]
        .as_str()
        .unwrap()
        .contains("the data port is blocked or the server is unreachable"));
    assert!(report["files"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["status"] == "timeout"));

    let stalling = WrongServer::start(&root, Wrong::StopsAfterFirstBlock);
    let report = json_of(&run_output(&probe_args(&stalling.server(), &[])));
    let stopped = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "no_answer")
        .unwrap_or_else(|| panic!("no no_answer: {report}"));
    assert_eq!(stopped["file"], "OS79XX.TXT");
    assert!(
        stopped["detail"]
            .as_str()
            .unwrap()
            .contains("stopped sending"),
        "{stopped}"
    );
}

#[test]
fn checks_what_the_first_stage_reads_and_the_per_phone_file_the_loader_stops_at() {
    let test = Test::new();
    // A correct server (phoneup's sender, error 1 for missing files) on a root lacking
    // OS79XX.TXT: stage 1 of the card cannot start.
    let root = card_root(&test, "probe-stage-files");
    let server = WrongServer::start(&root, Wrong::MissingAnswered(1));
    let report = json_of(&run_output(&probe_args(&server.server(), &CARD)));
    let found: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["kind"].as_str().unwrap(), f["file"].as_str().unwrap()))
        .collect();
    assert_eq!(found, [("stage_file_missing", "OS79XX.TXT")], "{report}");
    assert!(report["findings"][0]["fix"]
        .as_str()
        .unwrap()
        .contains("phoneup apply --from P0030301MFG2 --to P0S3-08-11-00 --stage 1"));

    // At the loader's stage, a SEP<MAC>.cnf.xml naming another load stops the hunt there.
    for stage in ["1", "2", "3"] {
        apply_stage(&test, &root, stage);
    }
    std::fs::write(
        root.join(format!("SEP{MAC}.cnf.xml")),
        "<Default>\n  <loadInformation>P0S3-07-5-00</loadInformation>\n</Default>\n",
    )
    .unwrap();
    let output = run_output(&probe_args(
        &server.server(),
        &[
            "--mac",
            MAC,
            "--from",
            "P003-08-11-00",
            "--to",
            "P0S3-08-11-00",
        ],
    ));
    let report = json_of(&output);
    assert_eq!(kinds(&report), ["stage_file_content"], "{report}");
    assert_eq!(report["findings"][0]["file"], format!("SEP{MAC}.cnf.xml"));
    assert!(report["findings"][0]["detail"]
        .as_str()
        .unwrap()
        .contains("names P0S3-07-5-00"));
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn says_at_once_that_nothing_listens_on_a_closed_port() {
    let port = free_port("127.0.0.1");
    let server = format!("127.0.0.1:{port}");
    let args: Vec<String> = ["probe", "--server", &server, "--format", "json"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    // Bounded: a probe that waited out its retries would still end, in about 18 s.
    let (code, stdout, stderr) = Background::start(&args).wait(std::time::Duration::from_secs(60));
    assert_eq!(code, Some(1), "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(kinds(&report), ["no_answer"], "{report}");
    let finding = &report["findings"][0];
    says(finding, "detail", &format!("nothing listens on {server}"));
    says(finding, "fix", "Start the TFTP server");
    // Nothing more is asked once the port is known closed.
    let files = report["files"].as_array().unwrap();
    assert!(files[1..]
        .iter()
        .all(|f| f["error_message"] == "not asked: nothing listens on the server's port"));
}

#[test]
fn a_server_whose_transfer_port_closes_is_unreachable_at_once_not_after_the_retries() {
    use phoneup::wire::client::{Client, Outcome, Want};
    use phoneup::wire::packet::Packet;
    use phoneup::wire::transfer::{Ask, Failure};
    use std::net::UdpSocket;

    let listener = UdpSocket::bind("127.0.0.1:0").unwrap();
    let client = Client::new(listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let mut buf = [0u8; 1024];
        let (len, from) = listener.recv_from(&mut buf).unwrap();
        assert!(matches!(Packet::decode(&buf[..len]), Ok(Packet::Rrq(_))));
        // DATA 1, a full block, from a transfer port that is closed right after.
        let transfer = UdpSocket::bind("127.0.0.1:0").unwrap();
        let data = Packet::Data {
            block: 1,
            data: &[0; 512],
        }
        .encode();
        transfer.send_to(&data, from).unwrap();
    });
    let fetch = client
        .read("P0S3-08-11-00.sb2", Ask::default(), Want::Whole)
        .unwrap();
    server.join().unwrap();
    assert!(
        matches!(fetch.outcome, Outcome::Failed(Failure::Unreachable { .. })),
        "{:?}",
        fetch.outcome
    );
}

/// What a user reads when the server answers missing files with code 2 (MCLEAN-CTLSEP, VI-FWISSUES, TCG-7960) and
/// OS79XX.TXT was saved by a Windows editor (MARKWILSON-2008).
#[test]
fn text_for_a_wrong_server() {
    let test = Test::new();
    let root = card_root(&test, "probe-text");
    apply_stage(&test, &root, "1");
    std::fs::write(root.join("OS79XX.TXT"), "P0S3-06-3-00\r\n").unwrap();
    let server = WrongServer::start(&root, Wrong::MissingAnswered(2));
    let output = run_output(&["probe", "--server", &server.server()]);
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout)
        .unwrap()
        .replace(&server.server(), "127.0.0.1:PORT");
    insta::assert_snapshot!(text);
}

#[test]
fn bad_input_exits_2() {
    for args in [
        vec!["probe", "--server", "127.0.0.1:notaport"],
        vec!["probe", "--server", "127.0.0.1", "--mac", "nope"],
        vec!["probe", "--server", "127.0.0.1", "--from", "P0030301MFG2"],
        vec![
            "probe",
            "127.0.0.1",
            "--from",
            "garbage",
            "--to",
            "P0S3-08-11-00",
        ],
        vec!["probe", "--server", "127.0.0.1", "--bind", "::1"],
        vec!["simulate", "--from", "P0030301MFG2"],
        vec![
            "simulate",
            "--from",
            "P0030301MFG2",
            "--server",
            "127.0.0.1",
            "--tftp-root",
            ".",
        ],
        vec![
            "check",
            "--from",
            "P0030301MFG2",
            "--tftp-root",
            ".",
            "--server",
            "127.0.0.1",
        ],
    ] {
        let (code, stdout, stderr) = run(&args);
        assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
        assert!(
            stderr.starts_with("error:") || stderr.contains("Usage"),
            "{args:?}: {stderr}"
        );
    }
}
