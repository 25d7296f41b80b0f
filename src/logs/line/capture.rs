//! A packet list, as people paste one: `tshark`'s one-line summary (`  1 0.000000 10.0.0.50 →
//! 10.0.0.1 TFTP 73 Read Request, File: NAME, Transfer type: octet`; `->` before tshark 3),
//! Wireshark's packet list as text (the same columns; a forum paste may leave one space between
//! them) and as CSV (`"No.","Time","Source","Destination","Protocol","Length","Info"`, also what
//! `tshark -T fields -E separator=, -E quote=d` gives for those columns). The Info column is
//! Wireshark's TFTP dissector's (`epan/dissectors/packet-tftp.c`): `Read Request, File: NAME,
//! Transfer type: MODE`, `Error Code, Code: TEXT, Message: MSG`, `Data Packet, Block: N`
//! (` (last)` on the last one), `Acknowledgement, Block: N`, `Option Acknowledgement, ...`.
//! A request comes from the phone; the server's packets go to it, so their destination is the
//! phone.

use std::borrow::Cow;

use crate::logs::event::{Event, Info, Outcome, Parsed, Source};
use crate::logs::time::Time;

use super::text::split_first;

const CAPTURE: Source = Source::Capture;

/// A row of a packet list as text: number, time (one or two words), source, an arrow or not,
/// destination, `TFTP`, length, Info.
pub(super) fn row(text: &str, line: u64) -> Option<Parsed<'_>> {
    // Where each of the first words starts and ends: enough to reach `TFTP` and the length.
    let mut words = [(0usize, 0usize); 10];
    let mut n = 0;
    let bytes = text.as_bytes();
    let mut at = 0;
    while n < words.len() {
        while at < bytes.len() && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        if at == bytes.len() {
            break;
        }
        let start = at;
        while at < bytes.len() && !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        words[n] = (start, at);
        n += 1;
    }
    let word = |i: usize| &text[words[i].0..words[i].1];
    let protocol = (4..n.saturating_sub(1))
        .find(|&i| word(i) == "TFTP" && word(i + 1).bytes().all(|b| b.is_ascii_digit()))?;
    if !word(0).bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let destination = word(protocol - 1);
    let mut source = protocol - 2;
    if matches!(word(source), "→" | "->") {
        source -= 1;
    }
    if source < 2 {
        return None;
    }
    let time = &text[words[1].0..words[source - 1].1];
    let info = text[words[protocol + 1].1..].trim_start();
    packet(time, word(source), destination, info, line)
}

/// A row of a packet list exported as CSV.
pub(super) fn csv(text: &str, line: u64) -> Option<Parsed<'_>> {
    let mut fields: [&str; 7] = [""; 7];
    let mut rest = text;
    for (i, field) in fields.iter_mut().enumerate() {
        rest = rest.strip_prefix('"')?;
        if i == 6 {
            *field = rest.strip_suffix('"')?;
            break;
        }
        let end = rest.find("\",")?;
        *field = &rest[..end];
        rest = &rest[end + 2..];
    }
    let [number, time, source, destination, protocol, length, info] = fields;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if protocol != "TFTP" || !digits(number) || !digits(length) {
        return None;
    }
    if info.contains("\"\"") {
        let info = info.replace("\"\"", "\"");
        return packet(time, source, destination, &info, line).map(Parsed::into_owned);
    }
    packet(time, source, destination, info, line)
}

/// The codes of TFTP errors, by the text Wireshark shows for them.
const CODES: [(&str, u16); 9] = [
    ("Not defined", 0),
    ("File not found", 1),
    ("Access violation", 2),
    ("Disk full or allocation exceeded", 3),
    ("Illegal TFTP Operation", 4),
    ("Unknown transfer ID", 5),
    ("File already exists", 6),
    ("No such user", 7),
    ("Option negotiation failed", 8),
];

/// One packet: what its Info column says, between `source` and `destination`.
fn packet<'t>(
    time: &str,
    source: &'t str,
    destination: &'t str,
    info: &'t str,
    line: u64,
) -> Option<Parsed<'t>> {
    let time = match Time::parse_capture(time.as_bytes()) {
        Some((time, b"")) => time,
        _ => return None,
    };
    let event = |outcome, client: &'t str, file: Option<&'t str>| {
        Parsed::Event(Event {
            line,
            time: Some(time),
            source: CAPTURE,
            client: Some(Cow::Borrowed(client)),
            port: None,
            pid: None,
            file: file.map(Cow::Borrowed),
            outcome,
            bytes: None,
        })
    };
    if let Some(rest) = info.strip_prefix("Read Request, File: ") {
        let file = split_first(rest, ", Transfer type: ").map_or(rest, |(file, _)| file);
        if super::text::blank(file) {
            return Some(Parsed::Incomplete(CAPTURE));
        }
        return Some(event(Outcome::Requested, source, Some(file)));
    }
    if let Some(rest) = info.strip_prefix("Error Code, Code: ") {
        let (text, message) = split_first(rest, ", Message: ").unwrap_or((rest, ""));
        let code = CODES
            .iter()
            .find(|(known, _)| *known == text)
            .map(|&(_, code)| code)
            .or_else(|| {
                text.strip_prefix("Unknown (")?
                    .strip_suffix(')')?
                    .parse()
                    .ok()
            });
        let words = if message.is_empty() { text } else { message };
        let outcome = match code {
            Some(code) => Outcome::error(code, words),
            None => Outcome::Refused {
                code: None,
                text: words.into(),
            },
        };
        // The server's answer: the phone is its destination.
        return Some(event(outcome, destination, None));
    }
    if info.starts_with("Data Packet, Block: ") {
        let outcome = match info.ends_with(" (last)") {
            true => Outcome::Sent,
            false => Outcome::Sending,
        };
        return Some(event(outcome, destination, None));
    }
    Some(Parsed::Info(Info::Server(CAPTURE)))
}
