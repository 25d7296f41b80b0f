//! Lines of every server and transport, read whole.

use super::text::{split_first, split_last};
use super::*;
use crate::logs::event::{Event, Info, Outcome, Parsed, Source};

fn event(line: &str) -> Event<'_> {
    match parse(line.as_bytes(), 7) {
        Parsed::Event(e) => e,
        other => panic!("{line}: {other:?}"),
    }
}

#[test]
fn research_lines_of_tftpd_hpa_under_every_transport() {
    for line in [
        "2026-11-21T09:27:15.602874+00:00 vm in.tftpd[4262]: RRQ from 127.0.0.1 filename OS79XX.TXT",
        "Nov 21 09:27:15 vm in.tftpd[4262]: RRQ from 127.0.0.1 filename OS79XX.TXT",
        "2026-11-21T23:16:15+0000 vm in.tftpd[4262]: RRQ from 127.0.0.1 filename OS79XX.TXT",
        "Nov 21 23:16:15.787038 vm in.tftpd[4262]: RRQ from 127.0.0.1 filename OS79XX.TXT",
        "1795302975.787038 vm in.tftpd[4262]: RRQ from 127.0.0.1 filename OS79XX.TXT",
        "<29>Nov 21 23:16:15 in.tftpd[4262]: RRQ from 127.0.0.1 filename OS79XX.TXT",
    ] {
        let e = event(line);
        assert_eq!(e.source, Source::TftpdHpa, "{line}");
        assert_eq!(e.client.as_deref(), Some("127.0.0.1"));
        assert_eq!(e.file.as_deref(), Some("OS79XX.TXT"));
        assert_eq!(e.pid.map(|p| p.pid), Some(4262));
        assert_eq!(e.outcome, Outcome::Requested);
        assert_eq!(e.line, 7);
    }
    let e =
        event("Nov 21 09:27:15 vm in.tftpd[4304]: sending NAK (1, File not found) to 127.0.0.1");
    assert_eq!(e.outcome, Outcome::NotFound);
    let e = event("Nov 21 09:27:15 vm in.tftpd[4304]: sending NAK (2, Only absolute filenames allowed) to 127.0.0.1");
    assert_eq!(
        e.outcome,
        Outcome::Refused {
            code: Some(2),
            text: "Only absolute filenames allowed".into()
        }
    );
    let e = event("Nov 21 09:27:15 vm in.tftpd[4304]: tftpd: read(ack): Connection refused");
    assert!(matches!(e.outcome, Outcome::Failed { .. }));
    let e = event("Nov 21 09:27:15 vm in.tftpd[4304]: RRQ from 127.0.0.1 filename SEP0018B9FFFFFF.cnf.xml remapped to XMLDefault.cnf.xml");
    assert_eq!(e.file.as_deref(), Some("SEP0018B9FFFFFF.cnf.xml"));
}

#[test]
fn rsyslog_escapes_are_control_characters_in_names() {
    let e = event("2026-11-22T01:10:19.9+00:00 h in.tftpd[40]: RRQ from 127.0.0.13 filename P0S3-06-3-00#015.bin");
    assert_eq!(e.file.as_deref(), Some("P0S3-06-3-00\r.bin"));
    let e = event(
        "2026-11-22T01:10:19.9+00:00 h in.tftpd[40]: RRQ from 127.0.0.13 filename A#011B#0412",
    );
    assert_eq!(e.file.as_deref(), Some("A\tB#0412"));
    // A line with no host name, or a journal's `prog[pid.tid]`, is not rsyslog's: a `#` in a
    // name is the name's own.
    let e = event("2026-11-22T01:10:19.9+00:00 in.tftpd[40]: RRQ from 127.0.0.13 filename A#011B");
    assert_eq!(e.file.as_deref(), Some("A#011B"));
    let e =
        event("2026-11-22T01:10:19.9+00:00 h in.tftpd[40.2]: RRQ from 127.0.0.13 filename A#011B");
    assert_eq!(e.file.as_deref(), Some("A#011B"));
}

#[test]
fn atftpd_syslog_and_its_own_file() {
    let e = event(
        "Nov 22 01:17:07 tftphost atftpd[32]: Serving P0S3-06-3-00#015.bin to 127.0.0.13:49987",
    );
    assert_eq!(
        (e.file.as_deref(), e.client.as_deref(), e.port),
        (Some("P0S3-06-3-00\r.bin"), Some("127.0.0.13"), Some(49987))
    );
    let e = event(
        "Nov 21 09:32:41 vm atftpd[12815.139690597021376]: Serving OS79XX.TXT to 127.0.0.1:47175",
    );
    assert_eq!(e.pid.unwrap().thread, Some(139690597021376));
    let e = event("12:45:17 atftpd[1483]: Serving SEP0018B9FFFFFF.cnf to 192.168.1.12:52581");
    assert_eq!(e.file.as_deref(), Some("SEP0018B9FFFFFF.cnf"));
    let e = event(
        "Nov 22 01:17:07 tftphost atftpd[32]: File /srv/tftp/CTLSEP0018B9000002.tlv not found",
    );
    assert_eq!(
        (e.outcome, e.file.as_deref()),
        (Outcome::NotFound, Some("/srv/tftp/CTLSEP0018B9000002.tlv"))
    );
    let e = event("Nov 21 09:32:41 vm atftpd[32]: client (127.0.0.1) not responding");
    assert_eq!(e.client.as_deref(), Some("127.0.0.1"));
    assert!(matches!(
        parse(
            b"Nov 22 01:17:05 tftphost atftpd[32]:   running in daemon mode on port 69",
            1
        ),
        Parsed::Info(Info::Server(Source::Atftpd))
    ));
    assert!(matches!(
        parse(b"Nov 21 09:32:41 vm atftpd[32]: blksize option -> 1428", 1),
        Parsed::Info(Info::Server(Source::Atftpd))
    ));
}

#[test]
fn dnsmasq_syslog_and_its_own_file() {
    let e = event("Nov 21 09:38:30 dnsmasq-tftp[18431]: file /srv/tftptest/root/CTLSEP0018B9FFFFFF.tlv not found for 127.0.0.1");
    assert_eq!(
        (e.source, e.outcome.clone(), e.client.as_deref()),
        (Source::Dnsmasq, Outcome::NotFound, Some("127.0.0.1"))
    );
    let e = event("2026-11-21T09:38:30.1+00:00 vm dnsmasq-tftp[18431]: sent /srv/tftptest/root/OS79XX.TXT to ::1");
    assert_eq!(
        (e.outcome, e.client.as_deref()),
        (Outcome::Sent, Some("::1"))
    );
    let e = event("Nov 21 09:38:30 vm dnsmasq-tftp[1]: cannot access /srv/t/CTLSEP0018B9000002.tlv: Permission denied");
    assert_eq!(e.client, None);
    assert!(matches!(e.outcome, Outcome::Refused { code: Some(2), .. }));
    assert_eq!(
        parse(
            b"Nov 21 09:38:30 vm dnsmasq-tftp[1]: TFTP root is /srv/tftptest/root  ",
            1
        ),
        Parsed::Info(Info::Root("/srv/tftptest/root".into()))
    );
}

#[test]
fn markwilson_2008_tftpd32_lines() {
    let e = event("Connection received from ipaddress on port 50967 [25/07 00:41:32.672]");
    assert_eq!(
        (e.outcome, e.client.as_deref(), e.port),
        (Outcome::Connected, Some("ipaddress"), Some(50967))
    );
    let e = event("Read request for file <CTLSEPmacaddress.tlv>. Mode octet [25/07 00:41:32.672]");
    assert_eq!(e.file.as_deref(), Some("CTLSEPmacaddress.tlv"));
    let e = event("File <CTLSEPmacaddress.tlv> : error 2 in system call CreateFile The system cannot find the file specified. [25/07 00:41:32.672]");
    assert_eq!(e.outcome, Outcome::NotFound);
    let e = event(
        "<SIPmacaddress.cnf>: sent 2 blks, 632 bytes in 0 s. 0 blk resent [25/07 00:41:32.735]",
    );
    assert_eq!(
        (e.outcome, e.file.as_deref(), e.bytes),
        (Outcome::Sent, Some("SIPmacaddress.cnf"), Some(632))
    );
    assert_eq!(
        parse(b"Using local port 1203 [25/07 00:41:32.719]\r", 1),
        Parsed::Info(Info::Server(Source::Tftpd32))
    );
}

#[test]
fn tftpd32_lines_need_their_exact_shape() {
    for line in [
        &b"Using local port 1203[25/07 00:41:32.719]"[..],
        b"<x> was here [25/07 00:41:32.672]",
        b"x>: rcvd 1 [25/07 00:41:32.672]",
    ] {
        assert_eq!(
            parse(line, 1),
            Parsed::Unrecognised,
            "{}",
            String::from_utf8_lossy(line)
        );
    }
    assert_eq!(
        parse(b"<x>: rcvd 1 [25/07 00:41:32.672]", 1),
        Parsed::Info(Info::Server(Source::Tftpd32))
    );
}

#[test]
fn splitting_at_the_first_or_last_needle() {
    assert_eq!(split_first("a to b to c", " to "), Some(("a", "b to c")));
    assert_eq!(split_last("a to b to c", " to "), Some(("a to b", "c")));
    assert_eq!(split_first("a t o", " to "), None);
    assert_eq!(split_last(" to", " to "), None);
    assert_eq!(split_first("x", ""), None);
    assert_eq!(split_last("é to é", " to "), Some(("é", "é")));
}

#[test]
fn journal_json_with_a_cr_given_as_bytes() {
    let line = br#"{"SYSLOG_IDENTIFIER":"in.tftpd","_PID":"170","MESSAGE":[82,82,81,32,102,114,111,109,32,49,50,55,46,48,46,48,46,49,51,32,102,105,108,101,110,97,109,101,32,80,48,83,51,45,48,54,45,51,45,48,48,13,46,98,105,110]}"#;
    let Parsed::Event(e) = parse(line, 3) else {
        panic!()
    };
    assert_eq!(e.file.as_deref(), Some("P0S3-06-3-00\r.bin"));
    assert_eq!(e.client.as_deref(), Some("127.0.0.13"));
    let systemd = br#"{"SYSLOG_IDENTIFIER":"systemd","MESSAGE":"Started x."}"#;
    assert_eq!(parse(systemd, 1), Parsed::Unrecognised);
}

#[test]
fn other_lines_are_not_recognised_and_junk_never_panics() {
    for line in [
        &b""[..],
        b"Nov 21 09:27:15 vm CRON[1]: (root) CMD (true)",
        b"Nov 21 09:27:15 vm in.tftpd[4262]: something new",
        b"hello world",
        b"[",
        b"]",
        b"<",
        b"<1>",
        b"{",
        b"Nov 21 09:27:15",
        b"Nov 21 09:27:15 ",
        b"Nov 21 09:27:15 vm in.tftpd[]: RRQ from",
        b"Nov 21 09:27:15 vm in.tftpd[99999999999]: x",
        b"Nov 21 09:27:15 vm atftpd[1]: Serving x to y",
        b"Nov 21 09:27:15 vm atftpd[1]: sent ERROR <code: x, msg: y>",
        b" [25/07 00:41:32.672]",
        b"<x>: sent [25/07 00:41:32.672]",
        b">: sent  [25/07 00:41:32.672]",
        b"\xff\xfe Nov [01/01 00:00:00.000]",
    ] {
        let parsed = parse(line, 1);
        if let Parsed::Event(e) = &parsed {
            panic!("{:?} gave {e:?}", String::from_utf8_lossy(line));
        }
    }
}
