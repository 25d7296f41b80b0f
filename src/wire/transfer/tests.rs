//! Both sides of a transfer tested in memory: every datagram and every instant is given by the
//! test, so each rule of the protocol (and each way it fails) is seen without a socket.

use super::*;

fn server() -> SocketAddr {
    "127.0.0.1:69".parse().unwrap()
}

#[test]
fn a_phones_plain_request_asks_for_no_option_and_any_one_option_is_an_ask() {
    assert!(Ask::default().is_empty());
    for ask in [
        Ask {
            blksize: Some(1428),
            ..Ask::default()
        },
        Ask {
            tsize: true,
            ..Ask::default()
        },
        Ask {
            timeout: Some(2),
            ..Ask::default()
        },
    ] {
        assert!(!ask.is_empty(), "{ask:?}");
    }
}

/// A reader that is interrupted before each chunk, or fails for good when `fails`.
struct Jumpy {
    data: Vec<u8>,
    interrupted: bool,
    fails: bool,
    reads: u32,
}

impl io::Read for Jumpy {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reads += 1;
        assert!(self.reads < 100, "read again and again after an error");
        self.interrupted = !self.interrupted;
        if self.interrupted {
            return Err(io::Error::from(io::ErrorKind::Interrupted));
        }
        if self.fails {
            return Err(io::Error::other("disk on fire"));
        }
        let n = buf.len().min(self.data.len()).min(3);
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data.drain(..n);
        Ok(n)
    }
}

#[test]
fn a_block_is_filled_across_interrupted_and_short_reads_and_a_read_error_ends_it() {
    let mut reader = Jumpy {
        data: b"P0S3-08-11-00".to_vec(),
        interrupted: false,
        fails: false,
        reads: 0,
    };
    let mut buf = [0u8; 8];
    assert_eq!(fill(&mut reader, &mut buf).unwrap(), 8);
    assert_eq!(&buf, b"P0S3-08-");
    assert_eq!(fill(&mut reader, &mut buf).unwrap(), 5);
    assert_eq!(&buf[..5], b"11-00");
    let mut reader = Jumpy {
        data: Vec::new(),
        interrupted: false,
        fails: true,
        reads: 0,
    };
    assert_eq!(
        fill(&mut reader, &mut buf).unwrap_err().to_string(),
        "disk on fire"
    );
}

#[test]
fn every_failure_reads_as_the_user_sees_it() {
    let timeout = |malformed| Failure::Timeout {
        waiting_for: "DATA block 3".into(),
        sends: 5,
        malformed,
    };
    let why = || "the reason".to_string();
    let cases = [
        (
            Failure::Peer {
                code: 2,
                message: "Access violation".into(),
            },
            "TFTP error 2: Access violation",
        ),
        (
            timeout(0),
            "no answer: waited for DATA block 3 after 5 sends",
        ),
        (
            timeout(1),
            "no answer: waited for DATA block 3 after 5 sends (1 malformed datagrams ignored)",
        ),
        (
            Failure::Unreachable { why: why() },
            "unreachable: the reason",
        ),
        (
            Failure::Refused { why: why() },
            "options refused: the reason",
        ),
        (
            Failure::Protocol { why: why() },
            "protocol error: the reason",
        ),
        (Failure::Aborted { why: why() }, "aborted: the reason"),
        (
            Failure::Source { why: why() },
            "cannot read the file: the reason",
        ),
        (Failure::Local { why: why() }, "the reason"),
    ];
    for (failure, text) in cases {
        assert_eq!(failure.to_string(), text);
    }
}
/// The server's transfer ID for this transfer.
fn tid() -> SocketAddr {
    "127.0.0.1:40000".parse().unwrap()
}
fn client() -> SocketAddr {
    "127.0.0.1:50000".parse().unwrap()
}

fn sent(transmits: impl FnMut() -> Option<Transmit>) -> Vec<Transmit> {
    std::iter::from_fn(transmits).collect()
}

fn events(receiver_or_sender: impl FnMut() -> Option<Event>) -> Vec<Event> {
    std::iter::from_fn(receiver_or_sender).collect()
}

fn data(block: u16, bytes: &[u8]) -> Vec<u8> {
    Packet::Data { block, data: bytes }.encode()
}

fn ack(block: u16) -> Vec<u8> {
    Packet::Ack { block }.encode()
}

fn oack(options: &[(&str, &str)]) -> Vec<u8> {
    Packet::Oack {
        options: options
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
    }
    .encode()
}

fn decoded(transmit: &Transmit) -> Packet<'_> {
    Packet::decode(&transmit.bytes).unwrap()
}

fn plain(now: Instant) -> Receiver {
    Receiver::new(
        server(),
        "OS79XX.TXT",
        Ask::default(),
        Policy::default(),
        now,
    )
}

#[test]
fn a_plain_read_request_then_a_short_final_block() {
    let now = Instant::now();
    let mut r = plain(now);
    let out = sent(|| r.poll_transmit());
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].to, server());
    assert_eq!(decoded(&out[0]), Packet::Rrq(Request::octet("OS79XX.TXT")));
    assert_eq!(r.poll_timeout(), Some(now + Duration::from_secs(1)));

    let datagram = data(1, b"P0S3-06-3-00\n");
    let got = r.handle_datagram(now, tid(), &datagram);
    assert_eq!(got, Some(&b"P0S3-06-3-00\n"[..]));
    let out = sent(|| r.poll_transmit());
    assert_eq!(out.len(), 1);
    assert_eq!(
        out[0].to,
        tid(),
        "the answer goes to the server's transfer ID"
    );
    assert_eq!(decoded(&out[0]), Packet::Ack { block: 1 });
    assert_eq!(
        events(|| r.poll_event()),
        [
            Event::Started {
                blksize: 512,
                tsize: None
            },
            Event::Progress { bytes: 13 },
            Event::Done { bytes: 13 }
        ]
    );
    assert!(r.is_finished());
    assert_eq!(r.poll_timeout(), None);
}

#[test]
fn a_file_that_is_an_exact_multiple_of_the_block_ends_with_an_empty_data() {
    let now = Instant::now();
    let mut r = plain(now);
    let block = [7u8; 512];
    assert_eq!(
        r.handle_datagram(now, tid(), &data(1, &block))
            .map(<[u8]>::len),
        Some(512)
    );
    assert_eq!(
        r.handle_datagram(now, tid(), &data(2, &block))
            .map(<[u8]>::len),
        Some(512)
    );
    assert!(!r.is_finished(), "a full block is never the last");
    assert_eq!(r.handle_datagram(now, tid(), &data(3, b"")), Some(&b""[..]));
    assert!(r.is_finished());
    assert_eq!(
        events(|| r.poll_event()).last(),
        Some(&Event::Done { bytes: 1024 })
    );
    let acks: Vec<_> = sent(|| r.poll_transmit())
        .iter()
        .skip(1)
        .map(|t| decoded(t).clone_owned_block())
        .collect();
    assert_eq!(acks, [1, 2, 3]);
}

impl Packet<'_> {
    fn clone_owned_block(&self) -> u16 {
        match self {
            Packet::Ack { block } | Packet::Data { block, .. } => *block,
            other => panic!("not a block: {other:?}"),
        }
    }
}

#[test]
fn silence_resends_the_request_a_bounded_number_of_times_then_fails() {
    let start = Instant::now();
    let policy = Policy {
        timeout: Duration::from_millis(500),
        retries: 3,
    };
    let mut r = Receiver::new(
        server(),
        "CTLSEP0018B9FFFFFF.tlv",
        Ask::default(),
        policy,
        start,
    );
    let rrq = r.poll_transmit().unwrap();
    // Before the deadline nothing happens.
    r.handle_timeout(start + Duration::from_millis(499));
    assert_eq!(r.poll_transmit(), None);
    for _ in 0..3 {
        let now = r.poll_timeout().unwrap();
        r.handle_timeout(now);
        assert_eq!(
            r.poll_transmit().as_ref(),
            Some(&rrq),
            "the same request again"
        );
    }
    let now = r.poll_timeout().unwrap();
    assert_eq!(now - start, policy.give_up_after());
    r.handle_timeout(now);
    assert_eq!(r.poll_transmit(), None, "no fifth send");
    assert!(r.is_finished());
    assert_eq!(
        events(|| r.poll_event()),
        [Event::Failed(Failure::Timeout {
            waiting_for: "an answer to the read request".into(),
            sends: 4,
            malformed: 0
        })]
    );
    r.handle_timeout(now + Duration::from_secs(60));
    assert_eq!(r.poll_transmit(), None);
}

#[test]
fn a_lost_ack_is_recovered_by_acknowledging_the_duplicate_data() {
    let now = Instant::now();
    let mut r = plain(now);
    r.poll_transmit();
    let block = [1u8; 512];
    assert!(r.handle_datagram(now, tid(), &data(1, &block)).is_some());
    assert_eq!(
        decoded(&r.poll_transmit().unwrap()),
        Packet::Ack { block: 1 }
    );
    // The server did not get ACK 1 and resends DATA 1: acknowledged again, not delivered again.
    assert_eq!(r.handle_datagram(now, tid(), &data(1, &block)), None);
    assert_eq!(
        decoded(&r.poll_transmit().unwrap()),
        Packet::Ack { block: 1 }
    );
    assert_eq!(r.bytes(), 512);
    // A block from the future is ignored.
    assert_eq!(r.handle_datagram(now, tid(), &data(5, b"x")), None);
    assert_eq!(r.poll_transmit(), None);
    // After the silence, the receiver resends its last ACK.
    let later = r.poll_timeout().unwrap();
    r.handle_timeout(later);
    assert_eq!(
        decoded(&r.poll_transmit().unwrap()),
        Packet::Ack { block: 1 }
    );
}

#[test]
fn after_the_last_block_a_repeated_last_block_is_acknowledged_again() {
    let now = Instant::now();
    let mut r = plain(now);
    r.poll_transmit();
    r.handle_datagram(now, tid(), &data(1, b"end"));
    r.poll_transmit();
    assert_eq!(r.handle_datagram(now, tid(), &data(1, b"end")), None);
    assert_eq!(
        decoded(&r.poll_transmit().unwrap()),
        Packet::Ack { block: 1 }
    );
    // The same block from another port is no lost ACK of ours: nothing goes out.
    let stranger: SocketAddr = "127.0.0.1:40001".parse().unwrap();
    assert_eq!(r.handle_datagram(now, stranger, &data(1, b"end")), None);
    assert_eq!(r.poll_transmit(), None);
}

#[test]
fn after_a_failed_read_a_repeated_block_is_not_acknowledged() {
    let now = Instant::now();
    let mut r = plain(now);
    r.poll_transmit();
    r.handle_datagram(now, tid(), &data(1, &[1; 512]));
    r.poll_transmit();
    r.abort(code::NOT_DEFINED, "enough");
    assert_eq!(sent(|| r.poll_transmit()).len(), 1, "the ERROR");
    assert_eq!(r.handle_datagram(now, tid(), &data(1, &[1; 512])), None);
    assert_eq!(r.poll_transmit(), None);
}

#[test]
fn an_error_from_the_server_ends_the_read_at_once_without_a_reply() {
    let now = Instant::now();
    let mut r = plain(now);
    r.poll_transmit();
    let error = packet::error(2, "Access violation");
    assert_eq!(r.handle_datagram(now, tid(), &error), None);
    assert!(r.is_finished());
    assert_eq!(r.poll_transmit(), None);
    assert_eq!(r.poll_timeout(), None);
    assert_eq!(
        events(|| r.poll_event()),
        [Event::Failed(Failure::Peer {
            code: 2,
            message: "Access violation".into()
        })]
    );
    // The same mid-transfer.
    let mut r = plain(now);
    r.handle_datagram(now, tid(), &data(1, &[0; 512]));
    r.handle_datagram(now, tid(), &packet::error(0, "disk gone"));
    assert!(r.is_finished());
    assert!(matches!(
        events(|| r.poll_event()).last(),
        Some(Event::Failed(Failure::Peer { code: 0, .. }))
    ));
}

#[test]
fn the_first_answer_fixes_the_transfer_id_and_strangers_get_error_5() {
    let now = Instant::now();
    let mut r = plain(now);
    r.poll_transmit();
    r.handle_datagram(now, tid(), &data(1, &[0; 512]));
    r.poll_transmit();
    let stranger: SocketAddr = "127.0.0.1:40001".parse().unwrap();
    assert_eq!(r.handle_datagram(now, stranger, &data(2, b"evil")), None);
    let out = r.poll_transmit().unwrap();
    assert_eq!(out.to, stranger);
    assert!(matches!(decoded(&out), Packet::Error { code: 5, .. }));
    assert!(!r.is_finished(), "the transfer goes on");
    assert_eq!(
        r.handle_datagram(now, tid(), &data(2, b"good")),
        Some(&b"good"[..])
    );
    assert!(r.is_finished());
}

#[test]
fn malformed_datagrams_are_ignored_and_counted() {
    let now = Instant::now();
    let policy = Policy {
        timeout: Duration::from_secs(1),
        retries: 0,
    };
    let mut r = Receiver::new(server(), "x", Ask::default(), policy, now);
    r.poll_transmit();
    r.handle_datagram(now, tid(), &data(1, &[0; 512]));
    r.poll_transmit();
    // atftpd 0.8.0's broken retransmit.
    assert_eq!(r.handle_datagram(now, tid(), &[0, 3, 0]), None);
    assert_eq!(r.poll_transmit(), None);
    r.handle_timeout(now + Duration::from_secs(1));
    assert_eq!(
        events(|| r.poll_event()).last(),
        Some(&Event::Failed(Failure::Timeout {
            waiting_for: "DATA block 2".into(),
            sends: 1,
            malformed: 1
        }))
    );
}

#[test]
fn options_agreed_by_oack_then_ack_0() {
    let now = Instant::now();
    let ask = Ask {
        blksize: Some(1428),
        tsize: true,
        timeout: Some(2),
    };
    let mut r = Receiver::new(server(), "P0S3-08-11-00.sb2", ask, Policy::default(), now);
    let Packet::Rrq(request) = decoded(&r.poll_transmit().unwrap()) else {
        panic!("an RRQ")
    };
    assert_eq!(request.option("BLKSIZE"), Some("1428"));
    assert_eq!(request.option("tsize"), Some("0"));
    assert_eq!(request.option("timeout"), Some("2"));
    // atftpd answers in its own order and case does not matter.
    r.handle_datagram(
        now,
        tid(),
        &oack(&[("TSIZE", "3000"), ("blksize", "1024"), ("timeout", "2")]),
    );
    assert_eq!(
        decoded(&r.poll_transmit().unwrap()),
        Packet::Ack { block: 0 }
    );
    assert_eq!(
        r.poll_event(),
        Some(Event::Started {
            blksize: 1024,
            tsize: Some(3000)
        })
    );
    // The OACK again (ACK 0 was lost): ACK 0 again.
    r.handle_datagram(
        now,
        tid(),
        &oack(&[("tsize", "3000"), ("blksize", "1024"), ("timeout", "2")]),
    );
    assert_eq!(
        decoded(&r.poll_transmit().unwrap()),
        Packet::Ack { block: 0 }
    );
    assert!(r
        .handle_datagram(now, tid(), &data(1, &[0; 1024]))
        .is_some());
    assert!(!r.is_finished(), "1024 bytes is a full block now");
    r.handle_datagram(now, tid(), &data(2, &[0; 952]));
    assert!(r.is_finished());
    assert_eq!(r.tsize(), Some(3000));
    assert_eq!(r.bytes(), 1976);
}

#[test]
fn an_oack_once_blocks_flow_is_a_protocol_error() {
    let now = Instant::now();
    let ask = Ask {
        tsize: true,
        ..Ask::default()
    };
    // After DATA 1, an OACK cannot be a resend for a lost ACK 0.
    let mut r = Receiver::new(server(), "OS79XX.TXT", ask, Policy::default(), now);
    r.poll_transmit();
    r.handle_datagram(now, tid(), &oack(&[("tsize", "2000")]));
    r.handle_datagram(now, tid(), &data(1, &[0; 512]));
    sent(|| r.poll_transmit());
    r.handle_datagram(now, tid(), &oack(&[("tsize", "2000")]));
    assert_eq!(
        decoded(&r.poll_transmit().unwrap()),
        Packet::Error {
            code: code::ILLEGAL_OPERATION,
            message: "Illegal TFTP operation".into()
        }
    );
    assert!(r.is_finished());
    // A server that ignored the options and started with DATA 1 sends no OACK either.
    let mut r = Receiver::new(server(), "OS79XX.TXT", ask, Policy::default(), now);
    r.poll_transmit();
    r.handle_datagram(now, tid(), &data(1, &[0; 512]));
    sent(|| r.poll_transmit());
    r.handle_datagram(now, tid(), &oack(&[("tsize", "2000")]));
    assert!(r.is_finished());
    assert!(matches!(
        events(|| r.poll_event()).last(),
        Some(Event::Failed(Failure::Protocol { .. }))
    ));
}

#[test]
fn a_server_that_ignores_the_options_sends_data_1_at_once() {
    let now = Instant::now();
    let ask = Ask {
        blksize: Some(1428),
        tsize: true,
        timeout: None,
    };
    let mut r = Receiver::new(server(), "OS79XX.TXT", ask, Policy::default(), now);
    r.poll_transmit();
    assert!(r.handle_datagram(now, tid(), &data(1, &[0; 512])).is_some());
    assert_eq!(
        r.poll_event(),
        Some(Event::Started {
            blksize: 512,
            tsize: None
        })
    );
    assert!(!r.is_finished(), "512 bytes is a full RFC 1350 block");
    r.handle_datagram(now, tid(), &data(2, b""));
    assert!(r.is_finished());
}

#[test]
fn an_oack_with_options_not_asked_for_or_changed_is_refused_with_error_8() {
    type Case<'a> = (Ask, &'a [(&'a str, &'a str)], &'a str);
    let cases: &[Case] = &[
        (Ask::default(), &[("blksize", "512")], "not asked for"),
        (Ask::default(), &[("tsize", "10")], "not asked for"),
        (Ask::default(), &[("timeout", "1")], "not asked for"),
        (
            Ask {
                tsize: true,
                ..Ask::default()
            },
            &[("tsize", "10"), ("multicast", ",,1")],
            "not asked for",
        ),
        (
            Ask {
                blksize: Some(512),
                ..Ask::default()
            },
            &[("blksize", "1024")],
            "not within 8..=512",
        ),
        (
            Ask {
                blksize: Some(512),
                ..Ask::default()
            },
            &[("blksize", "4")],
            "not within",
        ),
        (
            Ask {
                blksize: Some(65464),
                ..Ask::default()
            },
            &[("blksize", "65465")],
            "not within 8..=65464",
        ),
        (
            Ask {
                tsize: true,
                ..Ask::default()
            },
            &[("tsize", "-1")],
            "tsize",
        ),
        (
            Ask {
                timeout: Some(3),
                ..Ask::default()
            },
            &[("timeout", "5")],
            "timeout",
        ),
    ];
    for (ask, options, why) in cases {
        let now = Instant::now();
        let mut r = Receiver::new(server(), "f", *ask, Policy::default(), now);
        r.poll_transmit();
        r.handle_datagram(now, tid(), &oack(options));
        let out = r.poll_transmit().expect("an ERROR is sent");
        assert_eq!(out.to, tid());
        assert!(
            matches!(decoded(&out), Packet::Error { code: 8, .. }),
            "{options:?}"
        );
        let Some(Event::Failed(Failure::Refused { why: said })) = r.poll_event() else {
            panic!("refused: {options:?}")
        };
        assert!(said.contains(why), "{said} / {why}");
        assert!(r.is_finished());
    }
    // The largest block and an empty OACK are fine.
    let now = Instant::now();
    let ask = Ask {
        blksize: Some(65464),
        ..Ask::default()
    };
    let mut r = Receiver::new(server(), "f", ask, Policy::default(), now);
    r.handle_datagram(now, tid(), &oack(&[("blksize", "65464")]));
    assert_eq!(
        r.poll_event(),
        Some(Event::Started {
            blksize: 65464,
            tsize: None
        })
    );
    let mut r = Receiver::new(
        server(),
        "f",
        Ask {
            tsize: true,
            ..Ask::default()
        },
        Policy::default(),
        now,
    );
    r.handle_datagram(now, tid(), &oack(&[]));
    assert_eq!(
        r.poll_event(),
        Some(Event::Started {
            blksize: 512,
            tsize: None
        })
    );
}

#[test]
fn a_data_block_longer_than_agreed_is_a_protocol_error() {
    let now = Instant::now();
    let mut r = plain(now);
    r.poll_transmit();
    r.handle_datagram(now, tid(), &data(1, &[0; 513]));
    assert!(matches!(
        decoded(&r.poll_transmit().unwrap()),
        Packet::Error { code: 4, .. }
    ));
    assert!(matches!(r.poll_event(), Some(Event::Started { .. })));
    assert!(matches!(
        r.poll_event(),
        Some(Event::Failed(Failure::Protocol { .. }))
    ));
}

#[test]
fn an_ack_from_the_server_is_illegal() {
    let now = Instant::now();
    let mut r = plain(now);
    r.poll_transmit();
    r.handle_datagram(now, tid(), &data(1, &[0; 512]));
    r.poll_transmit();
    r.handle_datagram(now, tid(), &ack(1));
    assert!(matches!(
        decoded(&r.poll_transmit().unwrap()),
        Packet::Error { code: 4, .. }
    ));
    assert!(r.is_finished());
    assert_eq!(
        events(|| r.poll_event()).last(),
        Some(&Event::Failed(Failure::Protocol {
            why: "the server sent an ACK during a read".into()
        }))
    );
}

#[test]
fn abort_after_the_size_is_known_tells_the_server() {
    let now = Instant::now();
    let mut r = Receiver::new(
        server(),
        "big.sb2",
        Ask {
            tsize: true,
            ..Ask::default()
        },
        Policy::default(),
        now,
    );
    r.poll_transmit();
    r.handle_datagram(now, tid(), &oack(&[("tsize", "705536")]));
    r.poll_transmit();
    assert_eq!(r.tsize(), Some(705536));
    r.abort(code::NOT_DEFINED, "size only");
    let out = r.poll_transmit().unwrap();
    assert_eq!(out.to, tid());
    assert_eq!(
        decoded(&out),
        Packet::Error {
            code: 0,
            message: "size only".into()
        }
    );
    assert!(r.is_finished());
    // Unreachable after the end changes nothing.
    r.handle_unreachable("refused");
    assert_eq!(events(|| r.poll_event()).len(), 2);
}

// The sending side.

fn send_file(bytes: &[u8], options: &[(&str, &str)], now: Instant) -> Sender<io::Cursor<Vec<u8>>> {
    let request = Request {
        filename: "f".into(),
        mode: Mode::Octet,
        options: options
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
    };
    Sender::new(
        client(),
        &request,
        io::Cursor::new(bytes.to_vec()),
        SendConfig::default(),
        now,
    )
}

#[test]
fn a_plain_request_gets_data_1_and_each_ack_the_next_block() {
    let now = Instant::now();
    let file: Vec<u8> = (0..1200u32).map(|i| i as u8).collect();
    let mut s = send_file(&file, &[], now);
    assert_eq!(
        s.poll_event(),
        Some(Event::Started {
            blksize: 512,
            tsize: Some(1200)
        })
    );
    let out = s.poll_transmit().unwrap();
    assert_eq!(out.to, client());
    assert_eq!(
        decoded(&out),
        Packet::Data {
            block: 1,
            data: &file[..512]
        }
    );
    s.handle_datagram(now, client(), &ack(1));
    assert_eq!(
        decoded(&s.poll_transmit().unwrap()),
        Packet::Data {
            block: 2,
            data: &file[512..1024]
        }
    );
    s.handle_datagram(now, client(), &ack(2));
    assert_eq!(
        decoded(&s.poll_transmit().unwrap()),
        Packet::Data {
            block: 3,
            data: &file[1024..]
        }
    );
    assert!(
        !s.is_finished(),
        "done only when the last block is acknowledged"
    );
    s.handle_datagram(now, client(), &ack(3));
    assert!(s.is_finished());
    assert_eq!(
        events(|| s.poll_event()),
        [
            Event::Progress { bytes: 512 },
            Event::Progress { bytes: 1024 },
            Event::Progress { bytes: 1200 },
            Event::Done { bytes: 1200 }
        ]
    );
    assert_eq!(s.poll_timeout(), None);
}

#[test]
fn an_exact_multiple_and_an_empty_file_end_with_an_empty_data() {
    let now = Instant::now();
    let mut s = send_file(&[9; 1024], &[], now);
    s.poll_transmit();
    s.handle_datagram(now, client(), &ack(1));
    s.poll_transmit();
    s.handle_datagram(now, client(), &ack(2));
    assert_eq!(
        decoded(&s.poll_transmit().unwrap()),
        Packet::Data {
            block: 3,
            data: b""
        }
    );
    s.handle_datagram(now, client(), &ack(3));
    assert_eq!(
        events(|| s.poll_event()).last(),
        Some(&Event::Done { bytes: 1024 })
    );

    let mut s = send_file(b"", &[], now);
    assert_eq!(
        decoded(&s.poll_transmit().unwrap()),
        Packet::Data {
            block: 1,
            data: b""
        }
    );
    s.handle_datagram(now, client(), &ack(1));
    assert_eq!(
        events(|| s.poll_event()).last(),
        Some(&Event::Done { bytes: 0 })
    );
}

#[test]
fn a_duplicate_ack_is_never_answered_the_sorcerers_apprentice() {
    let start = Instant::now();
    let mut s = send_file(&[1; 2000], &[], start);
    let data1 = s.poll_transmit().unwrap();
    // The ACK is late: the timeout resends DATA 1 ...
    let t1 = s.poll_timeout().unwrap();
    s.handle_timeout(t1);
    assert_eq!(s.poll_transmit(), Some(data1));
    // ... and the client, having received both copies, acknowledges both.
    s.handle_datagram(t1, client(), &ack(1));
    assert_eq!(
        decoded(&s.poll_transmit().unwrap()),
        Packet::Data {
            block: 2,
            data: &[1; 512]
        }
    );
    s.handle_datagram(t1, client(), &ack(1));
    assert_eq!(s.poll_transmit(), None, "DATA 2 is not sent twice");
    // Each block goes out once per ACK from here on.
    s.handle_datagram(t1, client(), &ack(2));
    assert_eq!(
        s.poll_transmit().map(|t| decoded(&t).clone_owned_block()),
        Some(3)
    );
    assert_eq!(s.poll_transmit(), None);
}

#[test]
fn the_sender_resends_on_timeout_a_bounded_number_of_times() {
    let start = Instant::now();
    let mut s = send_file(&[1; 100], &[], start);
    let data1 = s.poll_transmit().unwrap();
    let mut sends = 1;
    // One deadline per resend and one to give up: a sender that never gives up fails here.
    for _ in 0..=Policy::default().retries {
        let deadline = s.poll_timeout().expect("the sender waits for an ACK");
        s.handle_timeout(deadline);
        if let Some(again) = s.poll_transmit() {
            assert_eq!(again, data1);
            sends += 1;
        }
    }
    assert_eq!(s.poll_timeout(), None, "the sender gave up");
    assert_eq!(sends, 1 + Policy::default().retries);
    assert_eq!(
        events(|| s.poll_event()).last(),
        Some(&Event::Failed(Failure::Timeout {
            waiting_for: "the ACK of block 1".into(),
            sends: 6,
            malformed: 0
        }))
    );
    // A sender that answered with an OACK waits for its ACK 0, and counts the junk it got.
    let mut s = send_file(&[1; 100], &[("tsize", "0")], start);
    s.poll_transmit();
    s.handle_datagram(start, client(), b"\x00");
    for _ in 0..=Policy::default().retries {
        let deadline = s.poll_timeout().expect("the sender waits for ACK 0");
        s.handle_timeout(deadline);
    }
    assert!(matches!(
        events(|| s.poll_event()).last(),
        Some(Event::Failed(Failure::Timeout { waiting_for, malformed: 1, .. })) if waiting_for == "the ACK of the OACK"
    ));
}

#[test]
fn an_error_from_the_client_ends_the_send_at_once() {
    let now = Instant::now();
    // A tsize probe, as PXE ROMs send: OACK, then ERROR.
    let mut s = send_file(&[1; 5000], &[("tsize", "0")], now);
    assert_eq!(
        decoded(&s.poll_transmit().unwrap()),
        Packet::Oack {
            options: vec![("tsize".into(), "5000".into())]
        }
    );
    s.handle_datagram(now, client(), &packet::error(0, "size only"));
    assert!(s.is_finished());
    assert_eq!(s.poll_transmit(), None);
    assert_eq!(s.poll_timeout(), None);
    assert_eq!(
        events(|| s.poll_event()).last(),
        Some(&Event::Failed(Failure::Peer {
            code: 0,
            message: "size only".into()
        }))
    );
}

#[test]
fn blksize_is_clamped_to_65464_and_refused_below_8() {
    let now = Instant::now();
    let mut s = send_file(
        &[1; 70000],
        &[("BlkSize", "100000"), ("tsize", "0"), ("foo", "1")],
        now,
    );
    assert_eq!(
        decoded(&s.poll_transmit().unwrap()),
        Packet::Oack {
            options: vec![
                ("blksize".into(), "65464".into()),
                ("tsize".into(), "70000".into())
            ]
        }
    );
    assert_eq!(s.blksize(), 65464);
    s.handle_datagram(now, client(), &ack(0));
    let first = s.poll_transmit().unwrap();
    let Packet::Data { block: 1, data } = decoded(&first) else {
        panic!("DATA 1")
    };
    assert_eq!(data.len(), 65464);

    for bad in ["4", "seven", ""] {
        let mut s = send_file(&[1; 10], &[("blksize", bad)], now);
        assert!(matches!(
            decoded(&s.poll_transmit().unwrap()),
            Packet::Error { code: 8, .. }
        ));
        assert!(s.is_finished());
        assert!(matches!(
            events(|| s.poll_event()).last(),
            Some(Event::Failed(Failure::Refused { .. }))
        ));
    }
    // A server's own limit.
    let request = Request {
        options: vec![("blksize".into(), "1428".into())],
        ..Request::octet("f")
    };
    let config = SendConfig {
        max_blksize: 1024,
        ..SendConfig::default()
    };
    let s = Sender::new(
        client(),
        &request,
        io::Cursor::new(vec![0; 10]),
        config,
        now,
    );
    assert_eq!(s.blksize(), 1024);
}

#[test]
fn the_timeout_option_sets_the_senders_timeout() {
    let now = Instant::now();
    let mut s = send_file(&[1; 10], &[("timeout", "3")], now);
    s.poll_transmit();
    assert_eq!(s.poll_timeout(), Some(now + Duration::from_secs(3)));
    // An out-of-range timeout is ignored: plain DATA 1.
    let mut s = send_file(&[1; 10], &[("timeout", "0")], now);
    assert!(matches!(
        decoded(&s.poll_transmit().unwrap()),
        Packet::Data { block: 1, .. }
    ));
}

#[test]
fn the_sender_answers_strangers_with_error_5_and_illegal_packets_with_error_4() {
    let now = Instant::now();
    let mut s = send_file(&[1; 600], &[], now);
    s.poll_transmit();
    let stranger: SocketAddr = "127.0.0.1:50001".parse().unwrap();
    s.handle_datagram(now, stranger, &ack(1));
    let out = s.poll_transmit().unwrap();
    assert_eq!(out.to, stranger);
    assert!(matches!(decoded(&out), Packet::Error { code: 5, .. }));
    assert!(!s.is_finished());
    s.handle_datagram(now, client(), &data(1, b"upload?"));
    assert!(matches!(
        decoded(&s.poll_transmit().unwrap()),
        Packet::Error { code: 4, .. }
    ));
    assert!(s.is_finished());
}

/// A source that records how much it was asked for at once.
struct Counting {
    left: u64,
    largest_read: usize,
}

impl Source for Counting {
    fn size(&self) -> Option<u64> {
        None
    }
    fn read_chunk(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.largest_read = self.largest_read.max(buf.len());
        let n = (self.left as usize).min(buf.len());
        buf[..n].fill(0xAB);
        self.left -= n as u64;
        Ok(n)
    }
}

struct Broken;
impl Source for Broken {
    fn size(&self) -> Option<u64> {
        Some(10)
    }
    fn read_chunk(&mut self, _: &mut [u8]) -> io::Result<usize> {
        Err(io::Error::other("disk on fire"))
    }
}

/// Runs a sender and a receiver against each other with no loss; returns the bytes received
/// and the block numbers of every DATA sent.
fn run<S: Source>(s: &mut Sender<S>, r: &mut Receiver, now: Instant) -> (Vec<u8>, Vec<u16>) {
    let mut received = Vec::new();
    let mut blocks = Vec::new();
    let rrq = r.poll_transmit().unwrap();
    assert_eq!(rrq.to, server());
    let mut rounds = 0u32;
    while !(s.is_finished() && r.is_finished()) {
        // Every round moves a block; a transfer that never ends fails here, never hangs.
        rounds += 1;
        assert!(rounds < 1_000_000, "the transfer never ends");
        let mut moved = false;
        while let Some(t) = s.poll_transmit() {
            if let Ok(Packet::Data { block, .. }) = Packet::decode(&t.bytes) {
                blocks.push(block);
            }
            if let Some(bytes) = r.handle_datagram(now, tid(), &t.bytes) {
                received.extend_from_slice(bytes);
            }
            moved = true;
        }
        while let Some(t) = r.poll_transmit() {
            s.handle_datagram(now, client(), &t.bytes);
            moved = true;
        }
        assert!(moved, "the transfer stalled");
    }
    (received, blocks)
}

#[test]
fn block_numbers_roll_over_from_65535_to_0() {
    let now = Instant::now();
    // 65 540 blocks of 8 bytes and a short one: more than 65 535 blocks.
    let size = 8 * 65_540 + 3;
    let request = Request {
        filename: "f".into(),
        mode: Mode::Octet,
        options: vec![("blksize".into(), "8".into())],
    };
    let source = Counting {
        left: size,
        largest_read: 0,
    };
    let mut s = Sender::new(client(), &request, source, SendConfig::default(), now);
    let ask = Ask {
        blksize: Some(8),
        ..Ask::default()
    };
    let mut r = Receiver::new(server(), "f", ask, Policy::default(), now);
    let (received, blocks) = run(&mut s, &mut r, now);
    assert_eq!(received.len() as u64, size);
    assert!(received.iter().all(|&b| b == 0xAB));
    let wrap = blocks
        .iter()
        .position(|&b| b == 0)
        .expect("block 0 after the wrap");
    assert_eq!(blocks[wrap - 1], 65535);
    assert_eq!(blocks[wrap + 1], 1);
    assert_eq!(blocks.len(), 65_541);
}

#[test]
fn a_file_on_disk_is_offered_with_its_size_and_sent_whole() {
    let now = Instant::now();
    let path = std::env::temp_dir().join(format!("phoneup-send-{}.sb2", std::process::id()));
    let contents: Vec<u8> = (0..1300u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &contents).unwrap();
    let file = std::fs::File::open(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let request = Request {
        filename: "P0S3-08-11-00.sb2".into(),
        mode: Mode::Octet,
        options: vec![("tsize".into(), "0".into())],
    };
    let mut s = Sender::new(client(), &request, file, SendConfig::default(), now);
    let ask = Ask {
        tsize: true,
        ..Ask::default()
    };
    let mut r = Receiver::new(server(), "P0S3-08-11-00.sb2", ask, Policy::default(), now);
    let (received, blocks) = run(&mut s, &mut r, now);
    assert_eq!(r.tsize(), Some(1300));
    assert_eq!(blocks, [1, 2, 3]);
    assert_eq!(received, contents);
}

#[test]
fn a_sender_and_a_receiver_agree_and_the_file_is_streamed_a_block_at_a_time() {
    let now = Instant::now();
    let request = Request {
        filename: "P0S3-08-11-00.sb2".into(),
        mode: Mode::Octet,
        options: vec![
            ("blksize".into(), "1428".into()),
            ("tsize".into(), "0".into()),
        ],
    };
    let source = Counting {
        left: 705_536,
        largest_read: 0,
    };
    let mut s = Sender::new(client(), &request, source, SendConfig::default(), now);
    let ask = Ask {
        blksize: Some(1428),
        tsize: true,
        timeout: None,
    };
    let mut r = Receiver::new(server(), "P0S3-08-11-00.sb2", ask, Policy::default(), now);
    let (received, _) = run(&mut s, &mut r, now);
    assert_eq!(received.len(), 705_536);
    // A size the source does not know is not announced; reads are one block at most.
    assert_eq!(r.tsize(), None);
    assert_eq!(s.source.largest_read, 1428);
}

#[test]
fn a_source_that_fails_ends_the_send_with_an_error_0() {
    let now = Instant::now();
    let mut s = Sender::new(
        client(),
        &Request::octet("f"),
        Broken,
        SendConfig::default(),
        now,
    );
    assert!(matches!(
        decoded(&s.poll_transmit().unwrap()),
        Packet::Error { code: 0, .. }
    ));
    assert!(matches!(
        events(|| s.poll_event()).last(),
        Some(Event::Failed(Failure::Source { .. }))
    ));
}
