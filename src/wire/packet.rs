//! TFTP packets as bytes: RFC 1350 (RRQ, WRQ, DATA, ACK, ERROR), RFC 2347 (options, OACK),
//! RFC 2348 (`blksize`) and RFC 2349 (`tsize`, `timeout`). The decoder is strict and never
//! panics: anything that is not exactly a packet of these RFCs is a [`DecodeError`] that says
//! what is wrong. A leaf: it uses nothing else of phoneup.

use std::collections::HashSet;
use std::fmt;

/// The block size of RFC 1350, used when no `blksize` is agreed.
pub const DEFAULT_BLKSIZE: u16 = 512;
/// The smallest `blksize` RFC 2348 allows.
pub const MIN_BLKSIZE: u16 = 8;
/// The largest `blksize` RFC 2348 allows (a UDP datagram less the IP, UDP and TFTP headers).
pub const MAX_BLKSIZE: u16 = 65464;
/// The largest datagram a TFTP peer may send: a DATA header and the largest block.
pub const MAX_DATAGRAM: usize = 4 + MAX_BLKSIZE as usize;

/// TFTP error codes (RFC 1350, RFC 2347).
pub mod code {
    /// Not defined, see the message.
    pub const NOT_DEFINED: u16 = 0;
    /// File not found: the answer a phone needs for a name the server does not have.
    pub const FILE_NOT_FOUND: u16 = 1;
    pub const ACCESS_VIOLATION: u16 = 2;
    pub const DISK_FULL: u16 = 3;
    pub const ILLEGAL_OPERATION: u16 = 4;
    pub const UNKNOWN_TID: u16 = 5;
    pub const FILE_EXISTS: u16 = 6;
    pub const NO_SUCH_USER: u16 = 7;
    /// The options were refused (RFC 2347).
    pub const OPTION_REFUSED: u16 = 8;
}

/// The transfer mode of a request (names are case-insensitive on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Octet,
    Netascii,
    Mail,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Octet => "octet",
            Mode::Netascii => "netascii",
            Mode::Mail => "mail",
        }
    }
}

/// A read or write request: the file name, the mode and the options in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub filename: String,
    pub mode: Mode,
    /// `(name, value)` pairs as sent; names are unique ignoring case.
    pub options: Vec<(String, String)>,
}

impl Request {
    /// A plain octet request with no options, as a 7940 sends it.
    pub fn octet(filename: impl Into<String>) -> Request {
        Request {
            filename: filename.into(),
            mode: Mode::Octet,
            options: Vec::new(),
        }
    }

    /// The value of an option, its name matched without regard to case.
    pub fn option(&self, name: &str) -> Option<&str> {
        find_option(&self.options, name)
    }
}

/// The value of option `name` in `options`, ignoring case.
pub fn find_option<'a>(options: &'a [(String, String)], name: &str) -> Option<&'a str> {
    options
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// One TFTP packet. DATA borrows its payload from the datagram it was decoded from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packet<'a> {
    Rrq(Request),
    Wrq(Request),
    Data {
        block: u16,
        data: &'a [u8],
    },
    Ack {
        block: u16,
    },
    Error {
        code: u16,
        message: String,
    },
    /// Option acknowledgement: the options the server accepted, with their values.
    Oack {
        options: Vec<(String, String)>,
    },
}

/// Why a datagram is not a TFTP packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// Fewer bytes than the packet's fixed header.
    TooShort {
        kind: &'static str,
        len: usize,
    },
    UnknownOpcode(u16),
    /// A string without its terminating NUL byte.
    Unterminated {
        field: &'static str,
    },
    NotUtf8 {
        field: &'static str,
    },
    EmptyFileName,
    UnknownMode(String),
    /// An option name with no value after it.
    OptionWithoutValue(String),
    EmptyOptionName,
    DuplicateOption(String),
    /// A DATA payload longer than the largest block.
    DataTooLong(usize),
    /// An ACK is exactly four bytes.
    AckLength(usize),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::TooShort { kind, len } => {
                write!(f, "{len} bytes are too short for a {kind} packet")
            }
            DecodeError::UnknownOpcode(op) => write!(f, "unknown TFTP opcode {op}"),
            DecodeError::Unterminated { field } => {
                write!(f, "the {field} is not ended by a NUL byte")
            }
            DecodeError::NotUtf8 { field } => write!(f, "the {field} is not UTF-8"),
            DecodeError::EmptyFileName => write!(f, "the file name is empty"),
            DecodeError::UnknownMode(mode) => write!(f, "unknown transfer mode {mode:?}"),
            DecodeError::OptionWithoutValue(name) => {
                write!(f, "option {name:?} has no value")
            }
            DecodeError::EmptyOptionName => write!(f, "an option has an empty name"),
            DecodeError::DuplicateOption(name) => write!(f, "option {name:?} is given twice"),
            DecodeError::DataTooLong(len) => write!(
                f,
                "a DATA block of {len} bytes is longer than the largest block ({MAX_BLKSIZE})"
            ),
            DecodeError::AckLength(len) => write!(f, "an ACK is 4 bytes, not {len}"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Splits off a NUL-terminated UTF-8 string.
fn take_str<'a>(bytes: &'a [u8], field: &'static str) -> Result<(&'a str, &'a [u8]), DecodeError> {
    let end = bytes
        .iter()
        .position(|&b| b == 0)
        .ok_or(DecodeError::Unterminated { field })?;
    let text = std::str::from_utf8(&bytes[..end]).map_err(|_| DecodeError::NotUtf8 { field })?;
    Ok((text, &bytes[end + 1..]))
}

/// Option pairs up to the end of the packet: every name has a value, names are unique
/// ignoring case.
fn take_options(mut rest: &[u8]) -> Result<Vec<(String, String)>, DecodeError> {
    let mut options: Vec<(String, String)> = Vec::new();
    // The names seen, lower-cased: a duplicate is found in one lookup, however many options a
    // hostile request carries.
    let mut seen: HashSet<String> = HashSet::new();
    while !rest.is_empty() {
        let (name, after) = take_str(rest, "option name")?;
        if name.is_empty() {
            return Err(DecodeError::EmptyOptionName);
        }
        if after.is_empty() {
            return Err(DecodeError::OptionWithoutValue(name.to_string()));
        }
        let (value, after) = take_str(after, "option value")?;
        if !seen.insert(name.to_ascii_lowercase()) {
            return Err(DecodeError::DuplicateOption(name.to_string()));
        }
        options.push((name.to_string(), value.to_string()));
        rest = after;
    }
    Ok(options)
}

fn take_request(body: &[u8]) -> Result<Request, DecodeError> {
    let (filename, rest) = take_str(body, "file name")?;
    if filename.is_empty() {
        return Err(DecodeError::EmptyFileName);
    }
    let (mode, rest) = take_str(rest, "mode")?;
    let mode = match mode.to_ascii_lowercase().as_str() {
        "octet" => Mode::Octet,
        "netascii" => Mode::Netascii,
        "mail" => Mode::Mail,
        _ => return Err(DecodeError::UnknownMode(mode.to_string())),
    };
    Ok(Request {
        filename: filename.to_string(),
        mode,
        options: take_options(rest)?,
    })
}

fn block(bytes: &[u8]) -> u16 {
    u16::from_be_bytes([bytes[2], bytes[3]])
}

impl<'a> Packet<'a> {
    /// Decodes one datagram.
    pub fn decode(bytes: &'a [u8]) -> Result<Packet<'a>, DecodeError> {
        if bytes.len() < 2 {
            return Err(DecodeError::TooShort {
                kind: "TFTP",
                len: bytes.len(),
            });
        }
        let opcode = u16::from_be_bytes([bytes[0], bytes[1]]);
        let body = &bytes[2..];
        let need = |kind: &'static str, min: usize| {
            if bytes.len() < min {
                Err(DecodeError::TooShort {
                    kind,
                    len: bytes.len(),
                })
            } else {
                Ok(())
            }
        };
        match opcode {
            1 => Ok(Packet::Rrq(take_request(body)?)),
            2 => Ok(Packet::Wrq(take_request(body)?)),
            3 => {
                need("DATA", 4)?;
                let data = &bytes[4..];
                if data.len() > usize::from(MAX_BLKSIZE) {
                    return Err(DecodeError::DataTooLong(data.len()));
                }
                Ok(Packet::Data {
                    block: block(bytes),
                    data,
                })
            }
            4 => {
                if bytes.len() != 4 {
                    return Err(DecodeError::AckLength(bytes.len()));
                }
                Ok(Packet::Ack {
                    block: block(bytes),
                })
            }
            5 => {
                need("ERROR", 4)?;
                // The message ends at its NUL; a peer that leaves the NUL out still said
                // what it meant, so the message then runs to the end of the datagram.
                let text = &bytes[4..];
                let end = text.iter().position(|&b| b == 0).unwrap_or(text.len());
                Ok(Packet::Error {
                    code: block(bytes),
                    message: String::from_utf8_lossy(&text[..end]).into_owned(),
                })
            }
            6 => Ok(Packet::Oack {
                options: take_options(body)?,
            }),
            other => Err(DecodeError::UnknownOpcode(other)),
        }
    }

    /// Appends the packet's bytes to `out`.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        let put_str = |out: &mut Vec<u8>, text: &str| {
            out.extend_from_slice(text.as_bytes());
            out.push(0);
        };
        let put_options = |out: &mut Vec<u8>, options: &[(String, String)]| {
            for (name, value) in options {
                put_str(out, name);
                put_str(out, value);
            }
        };
        match self {
            Packet::Rrq(request) | Packet::Wrq(request) => {
                let opcode: u16 = if matches!(self, Packet::Rrq(_)) { 1 } else { 2 };
                out.extend_from_slice(&opcode.to_be_bytes());
                put_str(out, &request.filename);
                put_str(out, request.mode.name());
                put_options(out, &request.options);
            }
            Packet::Data { block, data } => {
                out.extend_from_slice(&3u16.to_be_bytes());
                out.extend_from_slice(&block.to_be_bytes());
                out.extend_from_slice(data);
            }
            Packet::Ack { block } => {
                out.extend_from_slice(&4u16.to_be_bytes());
                out.extend_from_slice(&block.to_be_bytes());
            }
            Packet::Error { code, message } => {
                out.extend_from_slice(&5u16.to_be_bytes());
                out.extend_from_slice(&code.to_be_bytes());
                // A NUL inside the message would end it early on the wire.
                put_str(out, &message.replace('\0', " "));
            }
            Packet::Oack { options } => {
                out.extend_from_slice(&6u16.to_be_bytes());
                put_options(out, options);
            }
        }
    }

    /// The packet's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode_into(&mut out);
        out
    }
}

/// An ERROR packet's bytes.
pub fn error(code: u16, message: &str) -> Vec<u8> {
    Packet::Error {
        code,
        message: message.to_string(),
    }
    .encode()
}

/// The usual message for an error code, for peers that send none.
pub fn code_name(code: u16) -> &'static str {
    match code {
        code::NOT_DEFINED => "not defined",
        code::FILE_NOT_FOUND => "File not found",
        code::ACCESS_VIOLATION => "Access violation",
        code::DISK_FULL => "Disk full or allocation exceeded",
        code::ILLEGAL_OPERATION => "Illegal TFTP operation",
        code::UNKNOWN_TID => "Unknown transfer ID",
        code::FILE_EXISTS => "File already exists",
        code::NO_SUCH_USER => "No such user",
        code::OPTION_REFUSED => "Options refused",
        _ => "unknown error code",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(packet: Packet) {
        let bytes = packet.encode();
        assert_eq!(Packet::decode(&bytes).unwrap(), packet);
    }

    #[test]
    fn every_packet_reads_back() {
        roundtrip(Packet::Rrq(Request::octet("CTLSEP0018B9FFFFFF.tlv")));
        roundtrip(Packet::Wrq(Request {
            filename: "up.txt".into(),
            mode: Mode::Netascii,
            options: vec![("blksize".into(), "1428".into())],
        }));
        roundtrip(Packet::Data {
            block: 65535,
            data: b"hello",
        });
        roundtrip(Packet::Data {
            block: 1,
            data: b"",
        });
        // RFC 1350's third mode: an obsolete one, but a request in it is a request.
        roundtrip(Packet::Wrq(Request {
            filename: "root@localhost".into(),
            mode: Mode::Mail,
            options: Vec::new(),
        }));
        roundtrip(Packet::Ack { block: 0 });
        roundtrip(Packet::Error {
            code: 1,
            message: "File not found".into(),
        });
        roundtrip(Packet::Oack {
            options: vec![
                ("tsize".into(), "2097152".into()),
                ("blksize".into(), "1428".into()),
            ],
        });
        roundtrip(Packet::Oack {
            options: Vec::new(),
        });
    }

    #[test]
    fn every_error_code_has_its_rfc_message_for_peers_that_send_none() {
        let names: Vec<&str> = (0..=9).map(code_name).collect();
        assert_eq!(
            names,
            [
                "not defined",
                "File not found",
                "Access violation",
                "Disk full or allocation exceeded",
                "Illegal TFTP operation",
                "Unknown transfer ID",
                "File already exists",
                "No such user",
                "Options refused",
                "unknown error code",
            ]
        );
    }

    #[test]
    fn a_phone_rrq_is_exactly_the_bytes_of_the_capture() {
        // SCRIBD-CAPTURE: 73-byte frame, 31 bytes of TFTP: opcode, 22-byte name, NUL, octet, NUL.
        let bytes = Packet::Rrq(Request::octet("CTLSEP0006537B84EF.tlv")).encode();
        assert_eq!(bytes.len(), 2 + 22 + 1 + 5 + 1);
        assert_eq!(&bytes[..2], &[0, 1]);
        assert!(bytes.ends_with(b".tlv\0octet\0"));
    }

    #[test]
    fn modes_and_option_names_are_case_insensitive() {
        let bytes = b"\0\x01OS79XX.TXT\0OcTeT\0BLKSIZE\x001428\0TSize\x000\0";
        let Packet::Rrq(request) = Packet::decode(bytes).unwrap() else {
            panic!("an RRQ")
        };
        assert_eq!(request.mode, Mode::Octet);
        assert_eq!(request.option("blksize"), Some("1428"));
        assert_eq!(request.option("tsize"), Some("0"));
        assert_eq!(request.option("timeout"), None);
        assert_eq!(
            Packet::decode(b"\0\x01a\0octet\0blksize\x008\0BlkSize\x009\0"),
            Err(DecodeError::DuplicateOption("BlkSize".into()))
        );
    }

    #[test]
    fn thousands_of_options_decode_and_a_late_duplicate_is_found() {
        let mut bytes = b"\0\x01f\0octet\0".to_vec();
        for n in 0..11_000 {
            bytes.extend_from_slice(format!("o{n}\0v\0").as_bytes());
        }
        let Packet::Rrq(request) = Packet::decode(&bytes).unwrap() else {
            panic!("an RRQ")
        };
        assert_eq!(request.options.len(), 11_000);
        bytes.extend_from_slice(b"O5000\0w\0");
        assert_eq!(
            Packet::decode(&bytes),
            Err(DecodeError::DuplicateOption("O5000".into()))
        );
    }

    #[test]
    fn malformed_datagrams_get_clear_errors() {
        let cases: &[(&[u8], DecodeError)] = &[
            (
                b"",
                DecodeError::TooShort {
                    kind: "TFTP",
                    len: 0,
                },
            ),
            (
                b"\0",
                DecodeError::TooShort {
                    kind: "TFTP",
                    len: 1,
                },
            ),
            (b"\0\x09", DecodeError::UnknownOpcode(9)),
            // atftpd 0.8.0 retransmits a 3-byte DATA (tftp-servers.md section 4).
            (
                b"\0\x03\0",
                DecodeError::TooShort {
                    kind: "DATA",
                    len: 3,
                },
            ),
            (b"\0\x04\0\x01\0", DecodeError::AckLength(5)),
            (b"\0\x04\0", DecodeError::AckLength(3)),
            (
                b"\0\x05\0",
                DecodeError::TooShort {
                    kind: "ERROR",
                    len: 3,
                },
            ),
            (
                b"\0\x01name",
                DecodeError::Unterminated { field: "file name" },
            ),
            (
                b"\0\x01name\0octet",
                DecodeError::Unterminated { field: "mode" },
            ),
            (b"\0\x01\0octet\0", DecodeError::EmptyFileName),
            (
                b"\0\x01a\0bogus\0",
                DecodeError::UnknownMode("bogus".into()),
            ),
            (
                b"\0\x01a\0octet\0tsize\0",
                DecodeError::OptionWithoutValue("tsize".into()),
            ),
            (
                b"\0\x01a\0octet\0tsize\x000",
                DecodeError::Unterminated {
                    field: "option value",
                },
            ),
            (b"\0\x01a\0octet\0\0x\0", DecodeError::EmptyOptionName),
            (
                b"\0\x01\xff\0octet\0",
                DecodeError::NotUtf8 { field: "file name" },
            ),
            (
                b"\0\x06blksize\0",
                DecodeError::OptionWithoutValue("blksize".into()),
            ),
        ];
        for (bytes, expected) in cases {
            assert_eq!(&Packet::decode(bytes).unwrap_err(), expected, "{bytes:?}");
            assert!(!expected.to_string().is_empty());
        }
    }

    #[test]
    fn the_largest_block_is_65464_bytes() {
        let mut bytes = vec![0, 3, 0, 1];
        bytes.resize(MAX_DATAGRAM, 7);
        assert!(
            matches!(Packet::decode(&bytes), Ok(Packet::Data { data, .. }) if data.len() == 65464)
        );
        bytes.push(7);
        assert_eq!(Packet::decode(&bytes), Err(DecodeError::DataTooLong(65465)));
    }

    #[test]
    fn an_error_message_without_its_nul_is_still_read() {
        assert_eq!(
            Packet::decode(b"\0\x05\0\x01File not found"),
            Ok(Packet::Error {
                code: 1,
                message: "File not found".into()
            })
        );
        // dnsmasq puts the server path in the message; bytes that are not UTF-8 are replaced.
        assert_eq!(
            Packet::decode(b"\0\x05\0\x02bad \xff\0"),
            Ok(Packet::Error {
                code: 2,
                message: "bad \u{fffd}".into()
            })
        );
        assert_eq!(
            error(0, "a\0b"),
            b"\0\x05\0\0a b\0".to_vec(),
            "a NUL in a message is not sent"
        );
    }
}
