//! The sending side: blocks in order, options, retries, a failing source, and both sides
//! against each other.

use super::*;

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
fn a_timeout_above_the_servers_cap_is_not_acknowledged() {
    let now = Instant::now();
    let config = SendConfig {
        max_timeout: 10,
        ..SendConfig::default()
    };
    let request = |seconds: &str| Request {
        options: vec![("timeout".into(), seconds.into())],
        ..Request::octet("f")
    };
    let mut s = Sender::new(
        client(),
        &request("255"),
        io::Cursor::new(vec![1; 10]),
        config,
        now,
    );
    // No option accepted: plain DATA 1, resent a second later as without the option.
    assert!(matches!(
        decoded(&s.poll_transmit().unwrap()),
        Packet::Data { block: 1, .. }
    ));
    assert_eq!(s.poll_timeout(), Some(now + Duration::from_secs(1)));
    let mut s = Sender::new(
        client(),
        &request("10"),
        io::Cursor::new(vec![1; 10]),
        config,
        now,
    );
    assert!(matches!(
        decoded(&s.poll_transmit().unwrap()),
        Packet::Oack { .. }
    ));
    assert_eq!(s.poll_timeout(), Some(now + Duration::from_secs(10)));
}

#[test]
fn the_sender_says_when_its_last_block_is_out() {
    let now = Instant::now();
    let mut s = send_file(&[1; 600], &[], now);
    s.poll_transmit();
    assert!(!s.sent_last());
    s.handle_datagram(now, client(), &ack(1));
    assert!(s.sent_last(), "block 2 (88 bytes) is the last");
    s.handle_datagram(now, client(), &ack(2));
    assert!(s.is_finished() && s.sent_last());
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

#[test]
fn a_file_read_ahead_is_sent_block_by_block_with_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f");
    let file: Vec<u8> = (0..1300u32).map(|i| (i * 7) as u8).collect();
    std::fs::write(&path, &file).unwrap();
    let now = Instant::now();
    let source = io::BufReader::with_capacity(1000, std::fs::File::open(&path).unwrap());
    let request = Request {
        options: vec![("tsize".into(), "0".into())],
        ..Request::octet("f")
    };
    let mut s = Sender::new(client(), &request, source, SendConfig::default(), now);
    assert_eq!(
        s.poll_event(),
        Some(Event::Started {
            blksize: 512,
            tsize: Some(1300)
        })
    );
    assert_eq!(
        decoded(&s.poll_transmit().unwrap()),
        Packet::Oack {
            options: vec![("tsize".into(), "1300".into())]
        }
    );
    let mut received = Vec::new();
    for block in 0..3u16 {
        s.handle_datagram(now, client(), &ack(block));
        match decoded(&s.poll_transmit().unwrap()) {
            Packet::Data { block: got, data } => {
                assert_eq!(got, block + 1);
                received.extend_from_slice(data);
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(received, file, "whole, across the read-ahead's edges");
    assert!(s.sent_last());
}
