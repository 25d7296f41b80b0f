//! Lines as users have them: Red Hat's in.tftpd under xinetd, PumpKIN, packet lists, lines
//! broken in two, a server phoneup does not know.

use super::*;
use crate::logs::event::{Event, Info, Outcome, Parsed, Source};

fn event(line: &str) -> Event<'_> {
    match parse(line.as_bytes(), 7) {
        Parsed::Event(e) => e,
        other => panic!("{line}: {other:?}"),
    }
}

fn joined<'a>(first: &'a str, next: &str, scratch: &'a mut Vec<u8>) -> (Parsed<'a>, bool) {
    parse_joined(first.as_bytes(), Some(next.as_bytes()), 3, scratch)
}

#[test]
fn red_hat_in_tftpd_writes_its_answers_with_the_client_and_the_name() {
    let e = event("Dec 20 03:25:25 freepbx in.tftpd[8214]: Client 192.168.1.130 File not found CTLSEP000E84C060A6.tlv");
    assert_eq!(
        (
            e.source,
            e.outcome.clone(),
            e.client.as_deref(),
            e.file.as_deref()
        ),
        (
            Source::TftpdHpa,
            Outcome::NotFound,
            Some("192.168.1.130"),
            Some("CTLSEP000E84C060A6.tlv")
        )
    );
    assert_eq!(e.pid.map(|p| p.pid), Some(8214));
    let e = event(
        "Dec 20 03:25:25 freepbx in.tftpd[8215]: Client 192.168.1.130 finished SEP000E84C060A6.cnf.xml",
    );
    assert_eq!(
        (e.outcome, e.file.as_deref()),
        (Outcome::Sent, Some("SEP000E84C060A6.cnf.xml"))
    );
    let e = event(
        "Feb 22 09:58:24 freepbx in.tftpd[25628]: Client 10.6.4.12 File not found /mk-sip.jar",
    );
    assert_eq!(e.file.as_deref(), Some("/mk-sip.jar"));
    let e = event("Feb 22 09:58:24 h in.tftpd[1]: Client 10.6.4.12 Permission denied x.bin");
    assert_eq!(
        e.outcome,
        Outcome::Refused {
            code: Some(2),
            text: "Permission denied".into()
        }
    );
    let e = event("Feb 22 09:58:24 h in.tftpd[1]: Client 10.6.4.12 Some new trouble x.bin");
    assert_eq!(
        (e.outcome, e.file.as_deref()),
        (
            Outcome::Refused {
                code: None,
                text: "Some new trouble".into()
            },
            Some("x.bin")
        )
    );
}

#[test]
fn a_request_or_an_answer_without_its_name_is_cut_short_never_a_request() {
    for line in [
        "Dec 20 03:25:25 freepbx in.tftpd[8214]: RRQ from 192.168.1.130 filename ",
        "Dec 20 03:25:25 freepbx in.tftpd[8214]: RRQ from 192.168.1.130 filename",
        "Dec 20 03:25:25 freepbx in.tftpd[8214]: RRQ from 192.168.1.130",
        "Dec 20 03:25:25 freepbx in.tftpd[8214]: RRQ from",
        "Dec 20 03:25:25 freepbx in.tftpd[8214]: RRQ from  filename  ",
        "Dec 20 03:25:25 freepbx in.tftpd[8214]: Client 192.168.1.130 File not ",
        "Dec 20 03:25:25 freepbx in.tftpd[8214]: Client 192.168.1.130 File not found ",
        "Dec 20 03:25:25 freepbx in.tftpd[8214]: Client 192.168.1.130 File not found",
        "Dec 20 03:25:25 freepbx in.tftpd[8214]: Client 192.168.1.130 finished ",
        "Dec 20 03:25:25 freepbx in.tftpd[8214]: Client 192.168.1.130 finished",
        "Dec 20 03:25:25 freepbx in.tftpd[8214]: Client 192.168.1.130",
        "Dec 20 03:25:25 freepbx in.tftpd[8214]: Client 192.168.1.130 trouble",
        "Nov 21 09:27:15 vm in.tftpd[4304]: sending NAK (1, File not found) to ",
        "[2021-07-03 10:03:20 +0000] '' of type 'octet' is requested from 10.200.0.1:49840",
        "1 0.000000 10.0.0.50 → 10.0.0.1 TFTP 73 Read Request, File: , Transfer type: octet",
    ] {
        assert!(
            matches!(parse(line.as_bytes(), 1), Parsed::Incomplete(_)),
            "{line}: {:?}",
            parse(line.as_bytes(), 1)
        );
    }
    assert_eq!(
        parse(b"Dec 20 03:25:25 freepbx in.tftpd[8214]: RRQ fromage", 1),
        Parsed::Unrecognised
    );
    assert!(matches!(
        parse(
            b"Dec 20 03:25:25 h in.tftpd[1]: Client 1.2.3.4 finishedX",
            1
        ),
        Parsed::Unrecognised
    ));
}

#[test]
fn a_tftpd_hpa_line_whose_address_a_web_page_dropped() {
    let e =
        event("Dec 30 10:15:32 localhost in.tftpd[24929]: RRQ from filename term06.default.loads");
    assert_eq!(
        (e.client, e.file.as_deref()),
        (None, Some("term06.default.loads"))
    );
}

#[test]
fn xinetd_tells_who_started_in_tftpd_and_whom_it_refused() {
    let e = event("Dec 20 03:25:25 freepbx xinetd[939]: START: tftp pid=8213 from=192.168.1.130");
    assert_eq!(
        (e.source, e.outcome, e.client.as_deref()),
        (Source::Xinetd, Outcome::Connected, Some("192.168.1.130"))
    );
    let e = event("Dec 20 03:25:25 h xinetd[6444]: FAIL: tftp libwrap from=192.168.2.135");
    assert_eq!(
        (e.outcome, e.client.as_deref()),
        (
            Outcome::Refused {
                code: None,
                text: "libwrap".into()
            },
            Some("192.168.2.135")
        )
    );
    let e = event("Dec 20 03:25:25 h xinetd[6444]: FAIL: tftp from=192.168.2.135");
    assert!(matches!(e.outcome, Outcome::Refused { text, .. } if &*text == "no reason given"));
    for line in [
        "Aug 25 13:31:19 localhost xinetd[35475]: EXIT: tftp status=0 pid=37184 duration=901(sec)",
        "Dec 20 03:25:25 freepbx xinetd[939]: START: tftp pid=8213",
        "Dec 20 03:25:25 h xinetd[1]: libwrap refused connection to tftp (libwrap=in.tftpd) from 192.168.2.135",
    ] {
        assert_eq!(
            parse(line.as_bytes(), 1),
            Parsed::Info(Info::Server(Source::Xinetd)),
            "{line}"
        );
    }
    for line in [
        "Dec 20 03:25:25 h xinetd[1]: START: ssh pid=1 from=10.0.0.1",
        "Dec 20 03:25:25 h xinetd[1]: Started working: 1 available service",
    ] {
        assert_eq!(parse(line.as_bytes(), 1), Parsed::Unrecognised, "{line}");
    }
}

#[test]
fn pumpkin_for_macos_and_windows() {
    let e = event("[2021-07-03 10:03:20 +0000] 'CTLSEP0011BB73AD61.tlv' of type 'octet' is requested from 10.200.0.1:49840");
    assert_eq!(
        (
            e.source,
            e.outcome.clone(),
            e.client.as_deref(),
            e.port,
            e.file.as_deref()
        ),
        (
            Source::PumpKin,
            Outcome::Requested,
            Some("10.200.0.1"),
            Some(49840),
            Some("CTLSEP0011BB73AD61.tlv")
        )
    );
    assert_eq!(e.time.unwrap().to_string(), "2021-07-03 10:03:20 UTC");
    let e = event(
        "[2021-07-03 10:03:20 +0000] \u{2b06} Transfer of 'CTLSEP0011BB73AD61.tlv' finished.",
    );
    assert_eq!(
        (e.outcome, e.file.as_deref()),
        (Outcome::Ended, Some("CTLSEP0011BB73AD61.tlv"))
    );
    let e = event(
        "[2021-07-03 10:03:20 +0000] I'm already processing the request from 10.200.0.1:49841",
    );
    assert_eq!(
        (e.outcome, e.client.as_deref(), e.port),
        (Outcome::Retried, Some("10.200.0.1"), Some(49841))
    );
    let e = event("[2021-07-03 10:07:47 +0000] Connection timeout for 'SEP0011BB73AD61.cnf.xml'");
    assert!(matches!(e.outcome, Outcome::Failed { .. }));
    // The window's lines, and the Windows build's words.
    let e = event("'OS79XX.TXT' of type 'octet' is requested from 10.0.0.5");
    assert_eq!((e.client.as_deref(), e.port), (Some("10.0.0.5"), None));
    let e = event("Transfer of 'OS79XX.TXT' has successfully completed");
    assert_eq!(e.outcome, Outcome::Sent);
    let e = event("Transmission of 'OS79XX.TXT' is timed out");
    assert!(matches!(e.outcome, Outcome::Failed { .. }));
    let e = event("Transfer of 'OS79XX.TXT' was aborted");
    assert!(matches!(e.outcome, Outcome::Failed { .. }));
    assert_eq!(
        parse(
            b"[2021-07-03 10:03:20 +0000] 'x' of type 'octet' is coming from 10.0.0.5:1",
            1
        ),
        Parsed::Info(Info::Server(Source::PumpKin))
    );
    for line in [
        "[2021-07-03 10:03:20 +0000] 'x' of type 'octet' is requested from 10.0.0.5:port",
        "[2021-07-03 10:03:20 +0000] Transfer of '' finished.",
        "[2021-07-03 10:03:20 +0000]'x' of type 'octet' is requested from 10.0.0.5:1",
        "[not a date] 'x' of type 'octet' is requested from 10.0.0.5:1",
        "'x' of type 'octet' is sent to 10.0.0.5:1",
    ] {
        assert!(
            !matches!(parse(line.as_bytes(), 1), Parsed::Event(_)),
            "{line}"
        );
    }
}

#[test]
fn packet_lists_of_tshark_and_wireshark() {
    let e = event("    1   0.000000    10.0.0.50 → 10.0.0.1     TFTP 73 Read Request, File: CTLSEP000E84C060A6.tlv, Transfer type: octet");
    assert_eq!(
        (
            e.source,
            e.outcome.clone(),
            e.client.as_deref(),
            e.file.as_deref()
        ),
        (
            Source::Capture,
            Outcome::Requested,
            Some("10.0.0.50"),
            Some("CTLSEP000E84C060A6.tlv")
        )
    );
    let e = event("    2   0.013000     10.0.0.1 -> 10.0.0.50    TFTP 61 Error Code, Code: File not found, Message: File not found");
    assert_eq!(
        (e.outcome, e.client.as_deref()),
        (Outcome::NotFound, Some("10.0.0.50"))
    );
    let e = event("1982 342.912717 201.201.201.11 201.201.201.1 TFTP 73 Read Request, File: SEP0018B9000001.cnf.xml, Transfer type: octet, tsize=0, blksize=1428");
    assert_eq!(
        (e.client.as_deref(), e.file.as_deref()),
        (Some("201.201.201.11"), Some("SEP0018B9000001.cnf.xml"))
    );
    assert_eq!(e.time.unwrap().to_string(), "342.912717 s into the capture");
    let e = event(
        "6 2023-11-14 22:13:20.013000 10.0.0.1 → 10.0.0.50 TFTP 176 Data Packet, Block: 1 (last)",
    );
    assert_eq!(
        (e.outcome, e.client.as_deref()),
        (Outcome::Sent, Some("10.0.0.50"))
    );
    let e = event(
        r#""1986","342.918419","201.201.201.1","201.201.201.11","TFTP","60","Error Code, Code: Access violation, Message: ""no"" access""#,
    );
    assert_eq!(
        (e.outcome, e.client.as_deref()),
        (
            Outcome::Refused {
                code: Some(2),
                text: "\"no\" access".into()
            },
            Some("201.201.201.11")
        )
    );
    let e = event(
        r#""7","1.5","10.0.0.1","10.0.0.50","TFTP","60","Error Code, Code: Unknown (12), Message: odd""#,
    );
    assert!(matches!(e.outcome, Outcome::Refused { code: Some(12), .. }));
    let e = event(r#""7","1.5","10.0.0.1","10.0.0.50","TFTP","60","Error Code, Code: Strange""#);
    assert!(matches!(e.outcome, Outcome::Refused { code: None, .. }));
    let e = event(r#""8","1.5","10.0.0.1","10.0.0.50","TFTP","558","Data Packet, Block: 1""#);
    assert_eq!(e.outcome, Outcome::Sending);
    for line in [
        "    5   1.052000    10.0.0.50 → 10.0.0.1     TFTP 46 Acknowledgement, Block: 0",
        "    4   0.039000     10.0.0.1 → 10.0.0.50    TFTP 67 Option Acknowledgement, tsize=130, blksize=1428",
        "    4   0.039000     10.0.0.1 → 10.0.0.50    TFTP 67 Write Request, File: x, Transfer type: octet",
    ] {
        assert_eq!(
            parse(line.as_bytes(), 1),
            Parsed::Info(Info::Server(Source::Capture)),
            "{line}"
        );
    }
    for line in [
        "x 0.000000 10.0.0.50 10.0.0.1 TFTP 73 Read Request, File: a.tlv",
        "1 10.0.0.50 10.0.0.1 TFTP 73 Read Request, File: a.tlv",
        "1 zero 10.0.0.50 10.0.0.1 TFTP 73 Read Request, File: a.tlv",
        "1 0.0 10.0.0.50 10.0.0.1 UDP 73 TFTP",
        "1 0.0 10.0.0.50 10.0.0.1 TFTP x Read Request, File: a.tlv",
        r#""1","0.0","a","b","UDP","60","Read Request, File: a.tlv""#,
        r#""1","0.0","a","b","TFTP","x","Read Request, File: a.tlv""#,
        r#""1","0.0","a","b","TFTP","60""#,
        r#""1","0.0","a""#,
    ] {
        assert!(
            !matches!(parse(line.as_bytes(), 1), Parsed::Event(_)),
            "{line}"
        );
    }
}

#[test]
fn lines_broken_in_two_are_joined_and_a_line_of_its_own_is_not() {
    let mut scratch = Vec::new();
    let (parsed, took) = joined(
        "Dec 20 03:25:25 freepbx in.tftpd[8214]: RRQ from 192.168.1.130 filename ",
        "CTLSEP000E84C060A6.tlv",
        &mut scratch,
    );
    assert!(took);
    let Parsed::Event(e) = parsed else { panic!() };
    assert_eq!(
        (e.line, e.file.as_deref()),
        (3, Some("CTLSEP000E84C060A6.tlv"))
    );
    for (first, next) in [
        (
            "Dec 20 03:25:25 freepbx in.tftpd[8214]: Client 192.168.1.130 File not ",
            "found CTLSEP000E84C060A6.tlv",
        ),
        (
            "Dec 20 03:25:25 freepbx in.tftpd[8214]: RRQ from 192.168.1.130 filename",
            "CTLSEP000E84C060A6.tlv\r",
        ),
        (
            "Dec 20 03:25:25 freepbx xinetd[939]: START: tftp pid=8213 ",
            "from=192.168.1.130",
        ),
        (
            "03:36:19 tftp: server(59988): open  {inet,\"127.0.0.12\",51501} ->",
            "\t<0.86.0> \"OS79XX.TXT\"",
        ),
    ] {
        let mut scratch = Vec::new();
        let (parsed, took) = joined(first, next, &mut scratch);
        assert!(took, "{first} / {next}");
        assert!(matches!(parsed, Parsed::Event(_)), "{first} / {next}");
    }
    // Never joined: a line of its own after, a complete line, nothing that completes it.
    for (first, next) in [
        (
            "Dec 20 03:25:25 freepbx in.tftpd[8214]: RRQ from 192.168.1.130 filename ",
            "Dec 20 03:25:25 freepbx in.tftpd[8215]: RRQ from 192.168.1.130 filename x.tlv",
        ),
        (
            "Dec 20 03:25:25 freepbx in.tftpd[8214]: RRQ from 192.168.1.130 filename ",
            "Dec 20 03:25:26 freepbx CRON[1]: (root) CMD (true)",
        ),
        (
            "Dec 20 03:25:25 freepbx in.tftpd[8214]: RRQ from 192.168.1.130 filename ",
            "    1   0.000000    10.0.0.50 → 10.0.0.1     TFTP 73 Read Request, File: a.tlv, Transfer type: octet",
        ),
        (
            "Dec 20 03:25:25 freepbx in.tftpd[8214]: RRQ from 192.168.1.130 filename ",
            "1982 342.912717 201.201.201.11 201.201.201.1 TFTP 73 Read",
        ),
        (
            "Dec 20 03:25:25 freepbx in.tftpd[8214]: RRQ from 192.168.1.130 filename ",
            "-- Boot 3f0a --",
        ),
        (
            "Dec 20 03:25:25 freepbx in.tftpd[8214]: RRQ from 192.168.1.130 filename ",
            "   ",
        ),
        (
            "Dec 20 03:25:25 freepbx in.tftpd[8214]: RRQ from 192.168.1.130 filename a.tlv",
            "b.tlv",
        ),
        (
            "Dec 20 03:25:25 freepbx in.tftpd[8214]: RRQ from 192.168.1.130 filename ",
            "{\"MESSAGE\":\"x\"}",
        ),
        ("Dec 20 03:25:25 h CRON[1]: (root) CMD (true) ", "tftp"),
    ] {
        let mut scratch = Vec::new();
        let (_, took) = joined(first, next, &mut scratch);
        assert!(!took, "{first} / {next}");
    }
    let long = "x".repeat(5000);
    let mut scratch = Vec::new();
    let (parsed, took) = joined(
        "Dec 20 03:25:25 freepbx in.tftpd[8214]: RRQ from 192.168.1.130 filename ",
        &long,
        &mut scratch,
    );
    assert!(!took && matches!(parsed, Parsed::Incomplete(_)));
    let (parsed, took) = parse_joined(
        b"Dec 20 03:25:25 freepbx in.tftpd[8214]: RRQ from 192.168.1.130 filename ",
        None,
        1,
        &mut scratch,
    );
    assert!(!took && matches!(parsed, Parsed::Incomplete(_)));
}

#[test]
fn a_line_that_may_go_on_is_held_back_and_one_that_cannot_is_not() {
    for line in [
        &b"Dec 20 03:25:25 h in.tftpd[1]: RRQ from 1.2.3.4 filename "[..],
        b"Dec 20 03:25:25 h in.tftpd[1]: RRQ from 1.2.3.4 filename\r",
        b"Dec 20 03:25:25 h xinetd[1]: START: tftp pid=1\t",
        b"03:36:19 tftp: server(59988): open  {inet,\"127.0.0.12\",51501} ->",
    ] {
        assert!(may_continue(line), "{}", String::from_utf8_lossy(line));
    }
    assert!(!may_continue(
        b"Dec 20 03:25:25 h in.tftpd[1]: RRQ from 1.2.3.4 filename a.tlv"
    ));
}

#[test]
fn the_fallback_reads_requests_of_servers_phoneup_does_not_know() {
    let e = event(
        "INFO:root:New connection from peer `('127.0.0.12', 54328)` asking for path `OS79XX.TXT`",
    );
    assert_eq!(
        (
            e.source,
            e.outcome.clone(),
            e.client.as_deref(),
            e.file.as_deref()
        ),
        (
            Source::Fallback,
            Outcome::Requested,
            Some("127.0.0.12"),
            Some("OS79XX.TXT")
        )
    );
    let e = event("03:36:19 tftp: server(59988): open  {inet,\"127.0.0.12\",51501} -> <0.86.0> \"/srv/tftp/CTLSEP0018B9000002.tlv\"");
    assert_eq!(
        (e.client.as_deref(), e.file.as_deref()),
        (Some("127.0.0.12"), Some("/srv/tftp/CTLSEP0018B9000002.tlv"))
    );
    let e =
        event("Nov 21 09:27:15 vm mytftp[9]: read request from [fe80::1]: SEP0018B9000001.cnf.xml");
    assert_eq!(e.client.as_deref(), Some("fe80::1"));
    let e = event("Nov 21 09:27:15 vm mytftp[9]: RRQ 10.0.0.9:4000 P0S3-08-11-00.loads");
    assert_eq!(
        (e.client.as_deref(), e.pid.map(|p| p.pid)),
        (Some("10.0.0.9"), Some(9))
    );
    // Outcomes are counted, not read; a line with no address, no file or no request is none.
    for line in [
        "INFO:root:Stats: for ('127.0.0.12', 54328) requesting 'OS79XX.TXT'",
        "03:36:19 tftp: server(59988): close {inet,\"127.0.0.12\",51501} -> <0.86.0> \"OS79XX.TXT\"",
        "Nov 21 09:27:15 vm mytftp[9]: OS79XX.TXT sent to 10.0.0.9",
    ] {
        assert_eq!(
            parse(line.as_bytes(), 1),
            Parsed::Info(Info::Server(Source::Fallback)),
            "{line}"
        );
    }
    for line in [
        "Nov 21 09:27:15 vm mytftp[9]: read request for OS79XX.TXT",
        "Nov 21 09:27:15 vm mytftp[9]: read request from 10.0.0.9",
        "Nov 21 09:27:15 vm mytftp[9]: 10.0.0.9 likes OS79XX.TXT",
        "Nov 21 09:27:15 vm mysqld[9]: read 10.0.0.9 /etc/mysql/my.cnf",
        "Nov 21 09:27:15 vm x[9]: read 03:36:19 OS79XX.TXT",
        "Nov 21 09:27:15 vm x[9]: read 1.2.3 OS79XX.TXT",
        "Nov 21 09:27:15 vm x[9]: read 1.2.3.256 OS79XX.TXT",
        "Nov 21 09:27:15 vm x[9]: read 1.2.3.4.5 OS79XX.TXT",
        "Nov 21 09:27:15 vm x[9]: read :: OS79XX.TXT",
        "Nov 21 09:27:15 vm x[9]: read std::vec OS79XX.TXT",
    ] {
        assert_eq!(parse(line.as_bytes(), 1), Parsed::Unrecognised, "{line}");
    }
}
