//! The reading side: requests, blocks, options, retries and every way a read fails.

use super::*;

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
