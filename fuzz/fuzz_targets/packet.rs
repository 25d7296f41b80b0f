#![no_main]
//! The TFTP packet decoder on any datagram: never a panic; a packet that decodes encodes back to
//! bytes that decode to the same packet; both transfer state machines take it without a panic.
use std::io::Cursor;
use std::time::Instant;

use libfuzzer_sys::fuzz_target;
use phoneup::wire::packet::Packet;
use phoneup::wire::transfer::{Ask, Policy, Receiver, SendConfig, Sender};

fuzz_target!(|data: &[u8]| {
    let now = Instant::now();
    let server = "127.0.0.1:69".parse().unwrap();
    let peer = "127.0.0.1:40000".parse().unwrap();
    if let Ok(packet) = Packet::decode(data) {
        let bytes = packet.encode();
        assert_eq!(Packet::decode(&bytes).as_ref(), Ok(&packet));
        if let Packet::Rrq(request) = &packet {
            let mut sender = Sender::new(peer, request, Cursor::new(vec![7u8; 1500]), SendConfig::default(), now);
            while sender.poll_transmit().is_some() {}
            sender.handle_datagram(now, peer, data);
        }
    }
    // The datagram as the first answer and as a later one, with and without options asked.
    for ask in [Ask::default(), Ask { blksize: Some(1428), tsize: true, timeout: Some(3) }] {
        let mut receiver = Receiver::new(server, "OS79XX.TXT", ask, Policy::default(), now);
        if let Some(bytes) = receiver.handle_datagram(now, peer, data) {
            assert!(bytes.len() <= 1428);
        }
        receiver.handle_datagram(now, peer, data);
        while receiver.poll_transmit().is_some() {}
        while receiver.poll_event().is_some() {}
    }
});
