//! Stories told from lines of every server.

use std::borrow::Cow;

use super::*;
use crate::logs::line;

fn story(lines: &[&str]) -> Story {
    let mut story = Story::new(None);
    for (n, text) in lines.iter().enumerate() {
        story.take(&line::parse(text.as_bytes(), n as u64 + 1));
    }
    story.finish();
    story
}

fn kinds(story: &Story) -> Vec<(Kind, String, u64)> {
    let mut kinds: Vec<_> = story
        .findings
        .list
        .iter()
        .map(|f| (f.kind, f.file.clone(), f.count))
        .collect();
    kinds.sort();
    kinds
}

fn sent(file: &str) -> String {
    format!("Nov 21 10:00:00 h dnsmasq-tftp[1]: sent /srv/tftp/{file} to 127.0.0.1")
}

/// The story of dnsmasq lines sending each of `files`, in order.
fn story_of_sent(files: &[&str]) -> Story {
    let lines: Vec<String> = files.iter().map(|f| sent(f)).collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    story(&refs)
}

#[test]
fn a_line_naming_no_transfer_goes_to_the_one_still_open() {
    // atftpd without thread ids: the second phone's file is not found, then a transfer
    // ends: the first phone's, the only one still open.
    let s = story(&[
        "Nov 21 10:00:00 h atftpd[35]: Serving OS79XX.TXT to 127.0.0.13:40860",
        "Nov 21 10:00:00 h atftpd[35]: Serving CTLSEP0018B9000004.tlv to 127.0.0.14:38250",
        "Nov 21 10:00:00 h atftpd[35]: File /srv/tftp/CTLSEP0018B9000004.tlv not found",
        "Nov 21 10:00:00 h atftpd[35]: End of transfer",
    ]);
    let mut outcomes: Vec<(u64, Answer)> = s
        .phones
        .iter()
        .flat_map(|p| p.boots.iter().flat_map(|b| b.requests.iter()))
        .map(|r| (r.line, r.outcome))
        .collect();
    outcomes.sort_by_key(|(line, _)| *line);
    assert_eq!(
        outcomes,
        [(1, Answer::Ended), (2, Answer::NotFound)],
        "{outcomes:?}"
    );
}

#[test]
fn each_server_counts_its_own_lines() {
    let mut seen = Seen::default();
    for (n, &source) in Source::ALL.iter().enumerate() {
        assert_eq!(source as usize, n);
        for _ in 0..=n {
            seen.count(source);
        }
    }
    assert_eq!(seen.lines_of(Source::Busybox), 5);
    assert_eq!(seen.server_lines(), 45);
}

#[test]
fn an_old_image_refuses_a_ual_era_image() {
    // MARKWILSON-2008: SCCP 3.x pointed at P0S3-07-4-00 fetched it and came back as before.
    let s = story_of_sent(&[
        "OS79XX.TXT",
        "P0S3-07-4-00.bin",
        "OS79XX.TXT",
        "P0S3-07-4-00.bin",
    ]);
    assert_eq!(
        kinds(&s),
        vec![(Kind::ImageRefused, "P0S3-07-4-00.bin".into(), 1)]
    );
}

#[test]
fn an_image_is_refused_by_the_era_of_the_next_boot_alone() {
    // As MARKWILSON-2008's, but the next boot does not ask for the image again: the era of
    // its start (OS79XX.TXT, before the loader) says the UAL-era image was not taken.
    let s = story_of_sent(&[
        "OS79XX.TXT",
        "P0S3-07-4-00.bin",
        "OS79XX.TXT",
        "SEPDefault.cnf",
    ]);
    assert_eq!(
        kinds(&s),
        vec![(Kind::ImageRefused, "P0S3-07-4-00.bin".into(), 1)]
    );
    assert_eq!(s.findings.list[0].lines(), [2, 3]);
}

#[test]
fn the_same_image_again_at_the_next_boot_of_the_same_era_was_refused() {
    let s = story_of_sent(&[
        "OS79XX.TXT",
        "P0S3-05-3-00.sbn",
        "OS79XX.TXT",
        "P0S3-05-3-00.sbn",
    ]);
    assert_eq!(
        kinds(&s),
        vec![(Kind::ImageRefused, "P0S3-05-3-00.sbn".into(), 1)]
    );
}

#[test]
fn the_loader_fetched_again_by_its_own_hunt_is_the_next_stage_not_a_refusal() {
    let files = [
        "OS79XX.TXT",
        "P003-08-11-00.sbn",
        "CTLSEP0018B9000001.tlv",
        "XMLDefault.cnf.xml",
        "P0S3-08-11-00.loads",
        "P003-08-11-00.sbn",
        "P0S3-08-11-00.sb2",
    ];
    assert_eq!(kinds(&story_of_sent(&files)), vec![]);
}

#[test]
fn an_empty_trust_list_fetched_again_and_again() {
    let mut lines = Vec::new();
    for n in 0..5 {
        lines.push(format!(
            "Connection received from 127.0.0.1 on port {} [25/07 00:41:3{n}.672]",
            50000 + n
        ));
        lines.push(format!(
            "Read request for file <CTLSEP0018B9000001.tlv>. Mode octet [25/07 00:41:3{n}.672]"
        ));
        lines.push(format!("<CTLSEP0018B9000001.tlv>: sent 1 blk, 0 bytes in 0 s. 0 blk resent [25/07 00:41:3{n}.700]"));
    }
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let s = story(&refs);
    assert_eq!(
        kinds(&s),
        vec![(Kind::RequestLoop, "CTLSEP0018B9000001.tlv".into(), 5)]
    );
    let id = s.names.find("CTLSEP0018B9000001.tlv").unwrap();
    assert_eq!(s.phones[0].tallies[&id].sent_empty, 5);
}

#[test]
fn a_refusal_with_no_request_line_is_still_the_phones() {
    let s = story(&[
        "Nov 21 09:27:15 vm in.tftpd[1]: RRQ from 127.0.0.1 filename OS79XX.TXT",
        "Nov 21 09:27:16 vm in.tftpd[2]: sending NAK (4, Unknown mode) to 127.0.0.1",
    ]);
    assert_eq!(kinds(&s), vec![(Kind::WrongErrorCode, String::new(), 1)]);
}

#[test]
fn a_mac_changes_hands_a_new_phone_begins() {
    let s = story(&[
        "Nov 21 09:27:15 vm in.tftpd[1]: RRQ from 127.0.0.1 filename CTLSEP0018B9000001.tlv",
        "Nov 21 09:28:15 vm in.tftpd[2]: RRQ from 127.0.0.1 filename CTLSEP0018B9000009.tlv",
    ]);
    assert_eq!(s.phones.len(), 2);
    assert_eq!(s.phones[1].mac, "0018B9000009".parse().ok());
}

#[test]
fn a_long_quiet_starts_a_new_boot_and_memory_is_bounded() {
    let mut lines = Vec::new();
    for n in 0..100u32 {
        lines.push(format!(
            "Nov 21 {:02}:{:02}:00 vm in.tftpd[{n}]: RRQ from 127.0.0.1 filename SIPDefault.cnf",
            n / 60,
            n % 60
        ));
    }
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let s = story(&refs);
    assert_eq!(s.phones[0].boots_total, 100);
    assert_eq!(s.phones[0].boots.len(), MAX_BOOTS);
}

#[test]
fn a_log_past_every_limit_is_kept_within_them_and_counted() {
    // 2 100 phones, each asking for 256 files the server says it sent, in one boot each: more
    // requests than are kept in all, more counts than are kept; a thousand answers' texts.
    let mut story = Story::new(None);
    let (phones, files) = (2_100u32, 256u32);
    let mut line = 0;
    for file in 0..files {
        for phone in 0..phones {
            line += 1;
            let client = format!("10.{}.{}.{}", phone >> 16, (phone >> 8) & 255, phone & 255);
            let name = match file {
                0 => "OS79XX.TXT".to_string(),
                n => format!("f{n}.cnf"),
            };
            let outcome = match file % 2 {
                0 => Outcome::Sent,
                _ => Outcome::Failed {
                    why: format!("{}{line}", "x".repeat(300 * usize::from(line % 3 == 0))).into(),
                },
            };
            story.take(&Parsed::Event(Event {
                line,
                time: None,
                source: Source::Dnsmasq,
                client: Some(Cow::Owned(client)),
                port: None,
                pid: None,
                file: Some(Cow::Owned(name)),
                outcome,
                bytes: None,
            }));
        }
    }
    story.finish();
    let kept: usize = story
        .phones
        .iter()
        .flat_map(|p| p.boots.iter())
        .map(|b| b.requests.len())
        .sum();
    let asked = u64::from(phones * files);
    assert_eq!(kept, MAX_KEPT);
    assert_eq!(story.seen.not_kept, asked - MAX_KEPT as u64);
    let more: u64 = story
        .phones
        .iter()
        .flat_map(|p| p.boots.iter())
        .map(|b| b.more)
        .sum();
    assert_eq!(more, story.seen.not_kept);
    let tallied: usize = story.phones.iter().map(|p| p.tallies.len()).sum();
    assert_eq!(tallied, MAX_TALLIED);
    assert_eq!(story.texts.len(), MAX_TEXTS);
    let failed: Vec<&str> = story
        .phones
        .iter()
        .flat_map(|p| p.boots.iter().flat_map(|b| b.requests.iter()))
        .filter_map(|r| match r.outcome {
            Answer::Failed { why } => Some(story.texts.get(why)),
            _ => None,
        })
        .collect();
    assert!(failed.iter().any(|t| t.contains("one of too many texts")));
    assert!(failed.iter().all(|t| t.len() <= 256));
    assert_eq!(story.phones.len(), phones as usize);
}

#[test]
fn an_address_is_kept_within_its_limit() {
    let long = "1".repeat(5 * MAX_CLIENT);
    let line = format!("Nov 21 09:27:15 vm in.tftpd[1]: RRQ from {long} filename OS79XX.TXT");
    let s = story(&[&line]);
    assert_eq!(s.phones[0].client.as_deref(), Some(&long[..MAX_CLIENT]));
}
