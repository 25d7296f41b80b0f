use super::*;
use crate::knowledge::load_id::Kind;
use crate::knowledge::matrix::Matrix;
use crate::knowledge::Builtin;
use crate::wire::cdp::builder::{tlv, CdpFrame, PhoneSays};
use crate::wire::test_bytes::{hex, noise};

fn mac(digits: &str) -> Mac {
    Mac::from_digits(digits).unwrap()
}

/// A 7940 on SCCP 8.0(1), as a reader printed it with `tcpdump -X` in a comment on voip-info's
/// "Firmware issues on 7940 - 7960" (http://www.voip-info.org/wiki/view/Firmware+issues+on+7940+-+7960):
/// the only byte-exact capture of a real 79x0's CDP frame found. 130 bytes, checksum 0x2402.
const SCCP_7940: &str = "
    0100 0ccc cccc 0013 7f38 b3de 0074 aaaa 0300 000c 2000 02b4 2402 0001 0013 5345
    5030 3031 3337 4633 3842 3344 4500 0200 1100 0000 0101 01cc 0004 c0a8 c805 0003
    000a 506f 7274 2031 0004 0008 0000 0010 0005 0010 5030 3033 3038 3030 3031 3030
    0006 0017 4369 7363 6f20 4950 2050 686f 6e65 2037 3934 3000 0b00 0501 0010 0006
    189c";

/// The CDP part of a 7960 on SIP 8.2 in scapy's regression tests (github.com/secdev/scapy
/// `test/contrib/cdp.uts`, "CDPv2 - Dissection (2)"; the MAC anonymised there, the checksum
/// 0xd7db left stale: scapy's own rebuild writes 0xf3f1).
const SIP_7960_CDP: &str = "
    02b4d7db 0001 0013 53495030303131323233333434353500020011000000010101cc0004c0a80121
    0003000a506f72742031 000400080000001000050010503030332d30382d322d3030
    00060017436973636f2049502050686f6e652037393630 000f000820020001 000b000501 00100006189c";

/// A Catalyst 2950's CDP part, scapy's "CDPv2 - Dissection (1)": 450 bytes, checksum 0x8cfa.
const SWITCH_CDP: &str = "
    02b48cfa0001000c6d7973776974636800020011000000010101cc0004c0a800fd000300134661737445746865726e65
    74302f31000400080000002800050114436973636f20496e7465726e6574776f726b204f7065726174696e6720537973
    74656d20536f667477617265200a494f532028746d2920433239353020536f667477617265202843323935302d49364b
    324c3251342d4d292c2056657273696f6e2031322e3128323229454131342c2052454c4541534520534f465457415245
    2028666331290a546563686e6963616c20537570706f72743a20687474703a2f2f7777772e636973636f2e636f6d2f74
    656368737570706f72740a436f707972696768742028632920313938362d3230313020627920636973636f2053797374
    656d732c20496e632e0a436f6d70696c6564205475652032362d4f63742d31302031303a3335206279206e6275727261
    00060015636973636f2057532d43323935302d31320008002400000c011200000000ffffffff010221ff000000000000
    000bbe189a40ff00000009000c4d59444f4d41494e000a00060001000b000501000e000701000a001200050000130005
    0000160011000000010101cc0004c0a800fd";

/// A Cisco 1601's CDP version 1 frame in lldpd's tests (github.com/lldpd/lldpd
/// `tests/check_cdp.c`, test_recv_cdpv1): its capabilities were edited to 0x11 and its checksum
/// left at 0xdff0, where 0xdfe0 is right. lldpd accepts it, and so does phoneup.
const ROUTER_V1_FRAME: &str = "
    01000ccccccc00e01ed5d515011eaaaa0300000c200001b4dff000010006523100020011000000010101cc0004c0a80a
    010003000d45746865726e6574300004000800000011000500d8436973636f20496e7465726e6574776f726b204f7065
    726174696e672053797374656d20536f667477617265200a494f532028746d29203136303020536f6674776172652028
    43313630302d4e592d4c292c2056657273696f6e2031312e3228313229502c2052454c4541534520534f465457415245
    2028666331290a436f707972696768742028632920313938362d3139393820627920636973636f2053797374656d732c
    20496e632e0a436f6d70696c6564205475652030332d4d61722d39382030363a33332062792064736368776172740006
    000e636973636f2031363031";

/// An Ethernet frame around a CDP part, from `source`, 802.3 length counted.
fn wrap(source: [u8; 6], cdp: &[u8]) -> Vec<u8> {
    let mut frame = CDP_MULTICAST.to_vec();
    frame.extend(source);
    frame.extend(u16::try_from(8 + cdp.len()).unwrap().to_be_bytes());
    frame.extend(CDP_SNAP);
    frame.extend(cdp);
    frame
}

/// scapy's SIP 7960 payload in a frame from the MAC its Device ID names, checksum fixed.
fn sip_7960_frame() -> Vec<u8> {
    let mut cdp = hex(SIP_7960_CDP);
    cdp[2..4].copy_from_slice(&[0xf3, 0xf1]);
    wrap([0x00, 0x11, 0x22, 0x33, 0x44, 0x55], &cdp)
}

#[test]
fn a_real_7940_on_sccp_8_0_says_its_mac_load_and_model() {
    let frame = hex(SCCP_7940);
    assert_eq!(frame.len(), 130);
    let heard = parse_frame(&frame).unwrap();
    assert_eq!(heard.source, mac("00137F38B3DE"));
    assert_eq!(heard.version, 2);
    assert_eq!(heard.ttl, Duration::from_secs(180));
    assert_eq!(heard.checksum, Checksum::Verified);
    let device = heard.device_id.as_ref().unwrap();
    assert_eq!(device.text, "SEP00137F38B3DE");
    assert_eq!(device.phone, Some((DevicePrefix::Sep, mac("00137F38B3DE"))));
    assert_eq!(heard.phone_mac(), Some(mac("00137F38B3DE")));
    assert_eq!(heard.prefix(), Some(DevicePrefix::Sep));
    assert_eq!(heard.software.as_ref().unwrap().text, "P00308000100");
    let load = heard.load().unwrap();
    assert_eq!(
        (load.name(), load.kind()),
        ("P00308000100", Kind::Application)
    );
    assert_eq!(heard.platform.as_ref().unwrap().text, "Cisco IP Phone 7940");
    assert_eq!(heard.model(), Some(Model::M7940));
    assert_eq!(heard.addresses, [IpAddr::from([192, 168, 200, 5])]);
    assert_eq!(heard.port_id.as_deref(), Some("Port 1"));
    assert_eq!(heard.capabilities, Some(0x10));
    assert_eq!(heard.vlan, None);
    assert_eq!(
        heard.to_string(),
        "CDP from 00137F38B3DE: device SEP00137F38B3DE, software P00308000100, platform Cisco IP Phone 7940"
    );
}

#[test]
fn a_sip_8_2_7960_says_sip_and_its_packages_loader_not_its_application() {
    let heard = parse_frame(&sip_7960_frame()).unwrap();
    assert_eq!(heard.checksum, Checksum::Verified);
    assert_eq!(heard.phone_mac(), Some(mac("001122334455")));
    assert_eq!(heard.prefix(), Some(DevicePrefix::Sip));
    let load = heard.load().unwrap();
    assert_eq!(
        (load.name(), load.kind()),
        ("P003-08-2-00", Kind::Loader),
        "what was said, not the P0S3 application it implies"
    );
    assert_eq!(heard.model(), Some(Model::M7960));
    assert_eq!(heard.addresses, [IpAddr::from([192, 168, 1, 33])]);
}

#[test]
fn a_wrong_checksum_is_reported_and_the_frame_still_read() {
    // scapy's payload as stored, with its stale checksum.
    let stale = wrap([0x00, 0x11, 0x22, 0x33, 0x44, 0x55], &hex(SIP_7960_CDP));
    let heard = parse_frame(&stale).unwrap();
    assert_eq!(
        heard.checksum,
        Checksum::Mismatch {
            stored: 0xd7db,
            computed: 0xf3f1
        }
    );
    assert_eq!(heard.phone_mac(), Some(mac("001122334455")));
    assert!(heard
        .to_string()
        .ends_with("(checksum 0xd7db, computed 0xf3f1)"));
    // lldpd's edited router frame: version 1, read like any other.
    let router = parse_frame(&hex(ROUTER_V1_FRAME)).unwrap();
    assert_eq!(
        router.checksum,
        Checksum::Mismatch {
            stored: 0xdff0,
            computed: 0xdfe0
        }
    );
    assert_eq!(router.version, 1);
    assert_eq!(router.device_id.as_ref().unwrap().text, "R1");
    assert_eq!(router.capabilities, Some(0x11));
    assert_eq!(router.platform.as_ref().unwrap().text, "cisco 1601");
}

#[test]
fn a_switch_names_no_phone_and_its_long_software_text_is_kept_as_sent() {
    let cdp = hex(SWITCH_CDP);
    assert_eq!(cdp.len(), 450);
    let heard = parse_frame(&wrap([0x00, 0x0b, 0xbe, 0x18, 0x9a, 0x40], &cdp)).unwrap();
    assert_eq!(heard.checksum, Checksum::Verified);
    assert_eq!(heard.device_id.as_ref().unwrap().text, "myswitch");
    assert_eq!(heard.device_id.as_ref().unwrap().phone, None);
    assert_eq!(
        (heard.phone_mac(), heard.prefix(), heard.model()),
        (None, None, None)
    );
    let software = heard.software.as_ref().unwrap();
    assert!(software
        .text
        .starts_with("Cisco Internetwork Operating System Software \nIOS (tm) C2950"));
    assert_eq!(software.load, None);
    assert_eq!(heard.platform.as_ref().unwrap().text, "cisco WS-C2950-12");
    assert_eq!(heard.port_id.as_deref(), Some("FastEthernet0/1"));
    assert_eq!(heard.addresses, [IpAddr::from([192, 168, 0, 253])]);
    // Its escape-laden text never reaches a log line raw.
    let line = heard.to_string();
    assert!(line.contains("Software \\nIOS (tm)"), "{line}");
    assert!(!line.contains('\n'));
}

#[test]
fn the_builder_writes_the_field_samples_byte_for_byte() {
    let f1 = CdpFrame::phone(
        mac("00137F38B3DE"),
        DevicePrefix::Sep,
        "P00308000100",
        Model::M7940,
    )
    .address(Ipv4Addr::new(192, 168, 200, 5));
    assert_eq!(f1.to_bytes(), hex(SCCP_7940));
    let f2 = CdpFrame::phone(
        mac("001122334455"),
        DevicePrefix::Sip,
        "P003-08-2-00",
        Model::M7960,
    )
    .address(Ipv4Addr::new(192, 168, 1, 33))
    .voip_vlan_query();
    assert_eq!(f2.to_bytes(), sip_7960_frame());
    assert_eq!(
        f2.clone().with_checksum(0xd7db).cdp_bytes(),
        hex(SIP_7960_CDP)
    );
}

#[test]
fn a_frame_for_every_catalogue_load_reads_back_as_what_that_phone_would_say() {
    let matrix = Matrix::builtin().unwrap();
    let phone = mac("0018B9FFFF42");
    for load in &matrix.loads {
        for model in [Model::M7940, Model::M7960] {
            let says = PhoneSays::for_load(load);
            let heard = parse_frame(&CdpFrame::phone_running(phone, load, model).to_bytes())
                .unwrap_or_else(|e| panic!("{}: {e}", load.name()));
            assert_eq!(heard.checksum, Checksum::Verified);
            assert_eq!(heard.phone_mac(), Some(phone));
            assert_eq!(heard.prefix(), Some(says.prefix), "{}", load.name());
            assert_eq!(heard.model(), Some(model));
            let load_said = heard.load().unwrap();
            assert_eq!(load_said.name(), says.software);
        }
    }
    let says = |name: &str| PhoneSays::for_load(matrix.by_name(name).unwrap());
    let sip = says("P0S3-08-11-00");
    assert_eq!(
        (sip.prefix, sip.software.as_str(), sip.sourced),
        (DevicePrefix::Sip, "P003-08-11-00", true)
    );
    let sip_812 = says("P0S3-8-12-00");
    assert_eq!(
        sip_812.software, "P003-8-12-00",
        "the package's own spelling"
    );
    let sccp = says("P00308000700");
    assert_eq!(
        (sccp.prefix, sccp.software.as_str(), sccp.sourced),
        (DevicePrefix::Sep, "P00308000700", true)
    );
    for unsourced in [
        "P0S3-07-4-00",
        "P0S3-06-3-00",
        "P0030301MFG2",
        "P00307020300",
        "P003-08-11-00",
        "P0M3-07-7-00",
    ] {
        assert!(!says(unsourced).sourced, "{unsourced}");
    }
    assert_eq!(says("P0S3-06-3-00").prefix, DevicePrefix::Sip);
    // A frame for "both" models names neither.
    let both = CdpFrame::phone(phone, DevicePrefix::Sep, "P00308000700", Model::Both).to_bytes();
    assert_eq!(parse_frame(&both).unwrap().platform, None);
}

#[test]
fn a_device_id_naming_another_mac_than_the_sender_is_not_believed() {
    let frame = CdpFrame::phone(
        mac("001122334455"),
        DevicePrefix::Sip,
        "P003-08-2-00",
        Model::M7960,
    )
    .without(tlv::DEVICE_ID)
    .text(tlv::DEVICE_ID, "SIP0018B9FFFF42");
    let heard = parse_frame(&frame.to_bytes()).unwrap();
    assert_eq!(
        heard.device_id.as_ref().unwrap().phone,
        Some((DevicePrefix::Sip, mac("0018B9FFFF42")))
    );
    assert_eq!((heard.phone_mac(), heard.prefix()), (None, None));
    for text in [
        "SEP0018B9FFFF4",
        "SEP0018B9FFFF42X",
        "sep0018B9FFFF42",
        "IP Phone",
        "SEP",
    ] {
        let heard = parse_frame(
            &CdpFrame::new(mac("0018B9FFFF42"))
                .text(tlv::DEVICE_ID, text)
                .to_bytes(),
        )
        .unwrap();
        assert_eq!(heard.device_id.unwrap().phone, None, "{text}");
    }
    // Padding some senders add is not part of the name; it stays in the text.
    let padded = parse_frame(
        &CdpFrame::new(mac("0018B9FFFF42"))
            .text(tlv::DEVICE_ID, "SEP0018b9ffff42\0")
            .to_bytes(),
    )
    .unwrap();
    assert_eq!(padded.phone_mac(), Some(mac("0018B9FFFF42")));
    assert_eq!(padded.device_id.unwrap().text, "SEP0018b9ffff42\0");
}

#[test]
fn a_tagged_frame_and_trailing_bytes_read_as_the_plain_frame() {
    let plain = CdpFrame::phone(
        mac("0018B9FFFF42"),
        DevicePrefix::Sep,
        "P00308010200",
        Model::M7960,
    );
    let tagged = parse_frame(&plain.clone().tagged(100).to_bytes()).unwrap();
    assert_eq!(tagged.vlan, Some(100));
    assert_eq!(tagged.load().unwrap().name(), "P00308010200");
    // A frame check sequence or padding past the 802.3 length is not part of the frame.
    let mut with_fcs = hex(SCCP_7940);
    with_fcs.extend([0xde, 0xad, 0xbe, 0xef]);
    assert_eq!(parse_frame(&with_fcs), parse_frame(&hex(SCCP_7940)));
    // The builder pads a short frame to 60 bytes; the padding is not read as a TLV.
    let short = CdpFrame::new(mac("0018B9FFFF42")).to_bytes();
    assert_eq!(short.len(), 60);
    assert_eq!(parse_frame(&short).unwrap().device_id, None);
}

#[test]
fn every_cut_of_a_real_frame_is_an_error_not_a_panic() {
    let frame = hex(SCCP_7940);
    for len in 0..frame.len() {
        let error = parse_frame(&frame[..len]).unwrap_err();
        assert!(
            matches!(error, CdpError::Truncated { .. }),
            "{len}: {error}"
        );
    }
    assert_eq!(
        parse_frame(&frame[..100]).unwrap_err().to_string(),
        "the frame ends inside its 802.3 payload: it is 100 bytes, 802.3 payload needs 130"
    );
}

#[test]
fn other_frames_on_the_same_socket_are_not_cdp() {
    let f1 = hex(SCCP_7940);
    let with = |at: usize, bytes: &[u8]| {
        let mut frame = f1.clone();
        frame[at..at + bytes.len()].copy_from_slice(bytes);
        parse_frame(&frame).unwrap_err()
    };
    for (error, why) in [
        (with(0, &[0xff; 6]), "not sent to 01:00:0c:cc:cc:cc"),
        (
            with(12, &[0x08, 0x00]),
            "an Ethernet II frame, not 802.3 with a length",
        ),
        (
            with(12, &[0x05, 0xdd]),
            "an Ethernet II frame, not 802.3 with a length",
        ),
        (
            with(14, &[0x42, 0x42, 0x03]),
            "not LLC/SNAP with Cisco's OUI",
        ),
        (
            with(17, &[0x00, 0x00, 0x0d]),
            "not LLC/SNAP with Cisco's OUI",
        ),
        (
            with(20, &[0x20, 0x03]),
            "a Cisco SNAP protocol other than CDP (VTP, DTP, UDLD, ...)",
        ),
    ] {
        assert_eq!(error, CdpError::NotCdp(why));
    }
    assert_eq!(with(22, &[3]), CdpError::UnknownVersion(3));
    assert_eq!(with(22, &[0]), CdpError::UnknownVersion(0));
    assert_eq!(
        parse_frame(&vec![0; MAX_FRAME_LEN + 1]),
        Err(CdpError::Oversized {
            len: MAX_FRAME_LEN + 1
        })
    );
}

#[test]
fn a_tlv_length_that_lies_is_an_error() {
    let f1 = hex(SCCP_7940);
    let with = |at: usize, bytes: &[u8]| {
        let mut frame = f1.clone();
        frame[at..at + bytes.len()].copy_from_slice(bytes);
        parse_frame(&frame)
    };
    // The Device ID's length (bytes 28-29 of the frame, 6-7 of the CDP part) below 4, then
    // past the end.
    assert_eq!(
        with(28, &[0, 3]),
        Err(CdpError::TlvTooShort {
            kind: 1,
            at: 4,
            len: 3
        })
    );
    assert_eq!(
        with(28, &[0x01, 0x00]),
        Err(CdpError::TlvOverrun {
            kind: 1,
            at: 4,
            len: 256,
            left: 104
        })
    );
    // The Power TLV (last) one byte too long.
    assert_eq!(
        with(126, &[0, 7]),
        Err(CdpError::TlvOverrun {
            kind: 0x10,
            at: 102,
            len: 7,
            left: 6
        })
    );
    // The CDP part ending with three stray bytes.
    let mut cdp = hex(SCCP_7940)[22..].to_vec();
    cdp.extend([0, 1, 0]);
    assert_eq!(
        parse_frame(&wrap([0, 0x13, 0x7f, 0x38, 0xb3, 0xde], &cdp)),
        Err(CdpError::TrailingBytes { left: 3 })
    );
    assert_eq!(
        CdpError::TlvTooShort { kind: 1, at: 4, len: 3 }.to_string(),
        "TLV 0x0001 at byte 4 of the CDP part gives its length as 3, below the 4 bytes of its own header"
    );
}

#[test]
fn a_tlv_read_twice_or_malformed_is_an_error_and_unknown_ones_are_skipped() {
    let phone = mac("0018B9FFFF42");
    let twice = CdpFrame::phone(phone, DevicePrefix::Sep, "P00308010200", Model::M7940)
        .text(tlv::SOFTWARE_VERSION, "P0S3-08-11-00");
    assert_eq!(
        parse_frame(&twice.to_bytes()),
        Err(CdpError::Duplicate {
            kind: 5,
            name: "Software Version"
        })
    );
    let caps = CdpFrame::new(phone).tlv(tlv::CAPABILITIES, [0, 0, 0x10]);
    assert_eq!(
        parse_frame(&caps.to_bytes()).unwrap_err().to_string(),
        "the Capabilities TLV is malformed: 3 bytes, not 4"
    );
    // Counted two addresses, holds one (scapy's "Complex Packet" has such a record).
    let short = CdpFrame::new(phone).tlv(
        tlv::ADDRESSES,
        [0, 0, 0, 2, 1, 1, 0xcc, 0, 4, 192, 168, 1, 101],
    );
    assert_eq!(
        parse_frame(&short.to_bytes()).unwrap_err().to_string(),
        "the Addresses TLV is malformed: it counts 2 addresses and ends inside number 2"
    );
    for value in [
        &[0u8, 0, 1][..],
        &[0, 0, 0, 1, 1, 1][..],
        &[0, 0, 0, 1, 1, 1, 0xcc, 0, 4, 10][..],
    ] {
        let frame = CdpFrame::new(phone).tlv(tlv::ADDRESSES, value).to_bytes();
        assert!(
            matches!(
                parse_frame(&frame),
                Err(CdpError::Malformed {
                    name: "Addresses",
                    ..
                })
            ),
            "{value:?}"
        );
    }
    // A huge count ends at the bytes, not after four billion turns.
    let huge = CdpFrame::new(phone).tlv(tlv::ADDRESSES, [0xff, 0xff, 0xff, 0xff]);
    assert!(parse_frame(&huge.to_bytes()).is_err());
    // IPv6, an unknown kind of address, an unknown TLV: read, skipped, skipped.
    let mut v6 = vec![
        0, 0, 0, 3, 2, 8, 0xaa, 0xaa, 0x03, 0, 0, 0, 0x86, 0xdd, 0, 16,
    ];
    v6.extend([0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    v6.extend([1, 1, 0x81, 0, 2, 0xaa, 0xbb]);
    v6.extend([1, 1, 0xcc, 0, 4, 10, 0, 0, 1]);
    let frame = CdpFrame::new(phone)
        .tlv(0x1234, b"whatever")
        .tlv(tlv::ADDRESSES, v6)
        .to_bytes();
    assert_eq!(
        parse_frame(&frame).unwrap().addresses,
        [
            "fe80::1".parse::<IpAddr>().unwrap(),
            IpAddr::from([10, 0, 0, 1])
        ]
    );
}

#[test]
fn text_that_is_not_utf8_or_not_a_load_is_kept_and_not_read_further() {
    let phone = mac("0018B9FFFF42");
    let frame = CdpFrame::new(phone)
        .tlv(tlv::SOFTWARE_VERSION, b"P0S3-08-11-00\xff")
        .text(tlv::PLATFORM, "Cisco IP Phone 7941")
        .text(tlv::PORT_ID, "\x1b[2J")
        .to_bytes();
    let heard = parse_frame(&frame).unwrap();
    assert_eq!(
        heard.software.as_ref().unwrap().text,
        "P0S3-08-11-00\u{fffd}"
    );
    assert_eq!(heard.load(), None);
    assert_eq!(heard.model(), None, "another phone");
    assert_eq!(heard.port_id.as_deref(), Some("\x1b[2J"));
    let spaced = CdpFrame::new(phone)
        .text(tlv::SOFTWARE_VERSION, " P003-8-12-00\0")
        .to_bytes();
    let heard = parse_frame(&spaced).unwrap();
    assert_eq!(
        heard.load().unwrap().name(),
        "P003-8-12-00",
        "spelled as said"
    );
}

#[test]
fn garbage_and_damaged_frames_never_panic() {
    let f1 = hex(SCCP_7940);
    for seed in 0..2000u64 {
        let mut bytes = noise(seed);
        let len = usize::from(bytes.next().unwrap()) * 6;
        let mut frame: Vec<u8> = bytes.by_ref().take(len).collect();
        if seed % 2 == 0 && frame.len() > 22 {
            // Keep the header so that the noise reaches the TLVs.
            frame[..22].copy_from_slice(&f1[..22]);
            let length = u16::try_from(frame.len() - 14).unwrap_or(0).min(1500);
            frame[12..14].copy_from_slice(&length.to_be_bytes());
        }
        let _ = parse_frame(&frame);
        // One byte of a real frame changed, at every offset in turn.
        let mut damaged = f1.clone();
        let at = usize::try_from(seed).unwrap() % f1.len();
        damaged[at] = bytes.next().unwrap();
        if let Ok(heard) = parse_frame(&damaged) {
            let _ = heard.to_string();
        }
    }
}
