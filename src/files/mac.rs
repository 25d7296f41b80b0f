//! A phone's MAC address: read from the forms people type (`00:18:b9:ff:ff:ff`,
//! `00-18-B9-FF-FF-FF`, Cisco's `0018.b9ff.ffff`, `0018B9FFFFFF`) and shown as the phone spells
//! it in the names of its own files, twelve upper-case hex digits. The one parser of a MAC.
//!
//! May use: serde, and [`crate::output::Untrusted`] for the text an error shows.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::output::Untrusted;

/// A MAC address. [`fmt::Display`] (and serde) give its twelve upper-case hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mac([u8; 6]);

/// Text that is not a MAC address (as given, for the message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{}` is not a MAC address: give 12 hex digits, with or without : - or . (00:18:B9:FF:FF:FF)",
    Untrusted(text)
)]
pub struct MacError {
    pub text: String,
}

/// The MAC the phone model asks with when no phone is named: the anonymised MAC of the field
/// reports' logs (FUSSYLOGIC-7940's), which no phone on a bench is expected to have.
pub const MODEL_MAC: Mac = Mac::from_bytes([0x00, 0x18, 0xB9, 0xFF, 0xFF, 0xFF]);

impl Mac {
    /// The MAC of these six bytes.
    pub const fn from_bytes(bytes: [u8; 6]) -> Mac {
        Mac(bytes)
    }

    /// Its six bytes, as they go on the wire.
    pub const fn octets(self) -> [u8; 6] {
        self.0
    }

    /// Twelve hex digits in either letter case and nothing else: the form a MAC takes inside
    /// a file name.
    pub fn from_digits(digits: &str) -> Option<Mac> {
        if digits.len() != 12 {
            return None;
        }
        Mac::from_nibbles(digits.bytes())
    }

    /// Six bytes from exactly twelve hex digits.
    fn from_nibbles(mut nibbles: impl Iterator<Item = u8>) -> Option<Mac> {
        let mut bytes = [0; 6];
        for byte in &mut bytes {
            let high = hex_value(nibbles.next()?)?;
            let low = hex_value(nibbles.next()?)?;
            *byte = high << 4 | low;
        }
        nibbles.next().is_none().then_some(Mac(bytes))
    }
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

impl FromStr for Mac {
    type Err = MacError;

    /// Twelve hex digits in either letter case; `:`, `-` and `.` between them are ignored,
    /// wherever they stand (so `00:18:B9:FF:FF:FF`, `00-18-b9-ff-ff-ff`, `0018.b9ff.ffff` and
    /// `0018B9FFFFFF` are one MAC).
    fn from_str(text: &str) -> Result<Mac, MacError> {
        let nibbles = text.bytes().filter(|b| !matches!(b, b':' | b'-' | b'.'));
        Mac::from_nibbles(nibbles).ok_or_else(|| MacError {
            text: text.to_string(),
        })
    }
}

impl fmt::Display for Mac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02X}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Mac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mac({self})")
    }
}

impl Serialize for Mac {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Mac {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Mac, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PHONE: Mac = Mac::from_bytes([0x00, 0x18, 0xB9, 0xFF, 0xFF, 0x42]);

    #[test]
    fn every_form_people_type_is_one_mac() {
        for text in [
            "00:18:b9:ff:ff:42",
            "00:18:B9:FF:FF:42",
            "00-18-b9-ff-ff-42",
            "00-18-B9-FF-FF-42",
            "0018.b9ff.ff42",
            "0018.B9FF.FF42",
            "0018b9ffff42",
            "0018B9FFFF42",
        ] {
            assert_eq!(text.parse::<Mac>(), Ok(PHONE), "{text}");
        }
    }

    #[test]
    fn it_shows_as_the_phone_spells_it_in_file_names() {
        assert_eq!(PHONE.to_string(), "0018B9FFFF42");
        assert_eq!(format!("{PHONE:?}"), "Mac(0018B9FFFF42)");
        let zero = Mac::from_bytes([0; 6]);
        assert_eq!(zero.to_string(), "000000000000");
        assert_eq!(zero.to_string().parse::<Mac>(), Ok(zero));
        assert_eq!(PHONE.octets(), [0x00, 0x18, 0xB9, 0xFF, 0xFF, 0x42]);
    }

    #[test]
    fn digits_alone_are_the_form_inside_a_name() {
        assert_eq!(Mac::from_digits("0018b9FFFF42"), Some(PHONE));
        for text in [
            "00:18:b9:ff:ff:42",
            "0018B9FFFF4",
            "0018B9FFFF421",
            "0018B9FFFF4G",
            "macaddress00",
            "",
        ] {
            assert_eq!(Mac::from_digits(text), None, "{text}");
        }
    }

    #[test]
    fn anything_else_is_an_error_that_shows_what_was_given() {
        for text in [
            "",
            "nope",
            "0018B9FFFF4",
            "0018B9FFFF4242",
            "0018B9FFFF4G",
            "00 18 b9 ff ff 42",
            "0018B9FFFF4\u{e9}",
            "\u{ff10}018B9FFFF42",
        ] {
            let error = text.parse::<Mac>().unwrap_err();
            assert_eq!(error.text, text);
        }
        assert_eq!(
            "nope".parse::<Mac>().unwrap_err().to_string(),
            "`nope` is not a MAC address: give 12 hex digits, with or without : - or . (00:18:B9:FF:FF:FF)"
        );
        assert!(
            "no\npe\u{1b}[2J"
                .parse::<Mac>()
                .unwrap_err()
                .to_string()
                .starts_with("`no\\npe\\u{1b}[2J` is not"),
            "the text as given, escaped"
        );
    }

    #[test]
    fn macs_order_as_their_digits_do() {
        let mut macs: Vec<Mac> = ["0018B9000010", "0018B900000A", "0018B9000001"]
            .iter()
            .map(|t| t.parse().unwrap())
            .collect();
        macs.sort();
        let shown: Vec<String> = macs.iter().map(Mac::to_string).collect();
        assert_eq!(shown, ["0018B9000001", "0018B900000A", "0018B9000010"]);
    }

    #[test]
    fn serde_writes_and_reads_the_twelve_digits() {
        let json = serde_json::to_string(&PHONE).unwrap();
        assert_eq!(json, "\"0018B9FFFF42\"");
        assert_eq!(serde_json::from_str::<Mac>(&json).unwrap(), PHONE);
        assert_eq!(
            serde_json::from_str::<Mac>("\"00:18:b9:ff:ff:42\"").unwrap(),
            PHONE
        );
        assert!(serde_json::from_str::<Mac>("\"nope\"").is_err());
    }
}
