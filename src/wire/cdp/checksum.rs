//! The CDP checksum: the Internet one's-complement sum over the CDP part of a frame (from the
//! version byte to the end of the 802.3 payload, the checksum field counted as zero), with
//! Cisco's own handling of an odd last byte.
//!
//! An odd last byte `v` is not padded with a zero after it, as RFC 1071 does: below 0x80 it
//! is added as `0x00vv`; with its high bit set it is added as the sign-extended byte taken as a
//! signed number, `0xff00 + v - 1`. That is Wireshark's `packet-cdp.c` and lldpd's
//! `frame_checksum` (github.com/lldpd/lldpd `src/daemon/frame.c`); scapy's `contrib/cdp.py`
//! differs at exactly 0x80. No real odd-length frame with a known-good checksum has been found,
//! which is one reason a mismatch is only reported, never a reason to drop a frame.
//!
//! May use: the standard library only.

/// Offset of the checksum field inside the CDP part (after the version and TTL bytes).
pub const FIELD: usize = 2;

/// The checksum of a CDP part (`cdp` starts at the version byte), whatever its checksum field
/// holds.
pub fn compute(cdp: &[u8]) -> u16 {
    let mut sum: u64 = 0;
    let mut words = cdp.chunks_exact(2);
    for (index, word) in words.by_ref().enumerate() {
        if index * 2 != FIELD {
            sum += u64::from(u16::from_be_bytes([word[0], word[1]]));
        }
    }
    if let [last] = words.remainder() {
        let last = u64::from(*last);
        sum += if last & 0x80 == 0 {
            last
        } else {
            0xff00 + last - 1
        };
    }
    while sum > 0xffff {
        sum = (sum >> 16) + (sum & 0xffff);
    }
    !(sum as u16)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::test_bytes::hex;

    #[test]
    fn an_even_cdp_part_sums_as_the_internet_checksum_does() {
        // Peach Fuzzer's CiscoFixupTests, EvenLengthTest: a Cisco 1601's CDP part, checksum
        // 0xdff0 (the same frame as lldpd's tests/check_cdp.c test_recv_cdpv1, before its
        // capabilities were edited).
        let c1601 = hex(
            "01b4000000010006523100020011000000010101cc0004c0a80a010003000d45746865726e657430\
             0004000800000001000500d8436973636f20496e7465726e6574776f726b204f7065726174696e67\
             2053797374656d20536f667477617265200a494f532028746d29203136303020536f667477617265\
             202843313630302d4e592d4c292c2056657273696f6e2031312e3228313229502c2052454c454153\
             4520534f4654574152452028666331290a436f707972696768742028632920313938362d31393938\
             20627920636973636f2053797374656d732c20496e632e0a436f6d70696c656420547565203033\
             2d4d61722d39382030363a33332062792064736368776172740006000e636973636f2031363031",
        );
        assert_eq!(c1601.len() % 2, 0);
        assert_eq!(compute(&c1601), 0xdff0);
    }

    #[test]
    fn an_odd_last_byte_below_0x80_is_the_low_byte_of_a_last_word() {
        // Peach Fuzzer's CiscoFixupTests, OddLengthHighBitNotSetTest: a Cisco 2811's CDP part
        // of 349 bytes ending in 0x01, checksum 0xbae2 (the only odd-length vector whose
        // expected value every reading agrees on).
        let c2811 = hex(
            "02b40000000100065231000500fd436973636f20494f5320536f6674776172652c20323830302053\
             6f667477617265202843323830304e4d2d414456495053455256494345534b392d4d292c20566572\
             73696f6e2031322e3428323429542c2052454c4541534520534f4654574152452028666331290a54\
             6563686e6963616c20537570706f72743a20687474703a2f2f7777772e636973636f2e636f6d2f74\
             656368737570706f72740a436f707972696768742028632920313938362d3230303920627920436973\
             636f2053797374656d732c20496e632e0a436f6d70696c6564205765642032352d4665622d303920\
             31373a35352062792070726f645f72656c5f7465616d0006000e436973636f203238313100020011\
             000000010101cc00040a760a01000300134661737445746865726e6574302f300004000800000029\
             000700130a760a00180a761400180a761e001800090004000b000501",
        );
        assert_eq!(c2811.len(), 349);
        assert_eq!(compute(&c2811), 0xbae2);
        // RFC 1071 would pad it the other way and get another sum.
        let mut padded = c2811.clone();
        padded.push(0);
        assert_ne!(compute(&padded), 0xbae2);
    }

    #[test]
    fn an_odd_last_byte_with_its_high_bit_set_is_added_as_a_signed_byte() {
        // Worked by hand from Wireshark's and lldpd's rule. Header 02 b4, field 00 00, then one
        // byte: 0x02b4 + (0xff00 + 0x80 - 1) = 0x10233 -> 0x0234 -> !0x0234 = 0xfdcb.
        assert_eq!(compute(&[0x02, 0xb4, 0, 0, 0x80]), 0xfdcb);
        // Below 0x80: 0x02b4 + 0x7f = 0x0333 -> 0xfccc.
        assert_eq!(compute(&[0x02, 0xb4, 0, 0, 0x7f]), 0xfccc);
        // 0xff: 0x02b4 + 0xfffe = 0x102b2 -> 0x02b3 -> 0xfd4c.
        assert_eq!(compute(&[0x02, 0xb4, 0, 0, 0xff]), 0xfd4c);
    }

    #[test]
    fn the_checksum_field_is_counted_as_zero_and_short_parts_sum_too() {
        assert_eq!(
            compute(&[0x02, 0xb4, 0x12, 0x34]),
            compute(&[0x02, 0xb4, 0, 0])
        );
        assert_eq!(compute(&[0x02, 0xb4, 0, 0]), !0x02b4);
        assert_eq!(compute(&[]), 0xffff);
        assert_eq!(compute(&[0x01]), !0x0001);
        // Carries fold back in: 0xffff * 3 = 0x2fffd -> 0xffff -> 0.
        assert_eq!(compute(&[0xff, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff]), 0x0000);
    }
}
