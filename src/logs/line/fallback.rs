//! The fallback, for a server phoneup does not know (a framework's own logging, another
//! daemon): a line that names an address and one of a phone's files (a name
//! [`Name::of`] knows: `OS79XX.TXT`, a per-phone file, a default configuration, a firmware
//! file or `.loads`, another model's file) and that reads as a request (it says `tftp`,
//! `request`, `RRQ`, `read`, `asking`, `open`, `get`, `serving`, `download` or `fetch`) is a
//! request. A line that says how a transfer ended (`sent`, `not found`, `error`, `close`,
//! `stats`, ...) is counted and not read: the fallback reads no answers, so it finds request
//! loops and a phone's boots, never what the server answered. The summary names these lines
//! as the fallback's.

use std::borrow::Cow;

use crate::logs::event::{Event, Info, Outcome, Parsed, Pid, Source};
use crate::logs::time::Time;
use crate::phone::recognise::Name;

const FALLBACK: Source = Source::Fallback;

/// Words of a line that tells how a transfer ended, not that one was asked for.
const ENDED: [&str; 17] = [
    "not found",
    "no such file",
    "enoent",
    "sent",
    "finished",
    "complete",
    "error",
    "denied",
    "timeout",
    "timed out",
    "abort",
    "close",
    "stats",
    "acknowledg",
    "refused",
    "fail",
    "done",
];

/// Words of a line that tells a request.
const ASKED: [&str; 10] = [
    "tftp", "request", "rrq", "read", "asking", "open", "get", "serving", "download", "fetch",
];

/// The fallback's reading of `text`, the message of a line (or the whole line).
pub(super) fn parse(text: &str, pid: Option<Pid>, time: Option<Time>, line: u64) -> Parsed<'_> {
    let (mut client, mut file) = (None, None);
    for word in text.split(is_separator) {
        let word = word.trim_end_matches(['.', ':']);
        if client.is_none() && is_address(word) {
            client = Some(address_of(word));
        } else if file.is_none() && is_phone_file(word) {
            file = Some(word);
        }
        if client.is_some() && file.is_some() {
            break;
        }
    }
    let (Some(client), Some(file)) = (client, file) else {
        return Parsed::Unrecognised;
    };
    let lower = text.to_ascii_lowercase();
    if ENDED.iter().any(|w| lower.contains(w)) {
        return Parsed::Info(Info::Server(FALLBACK));
    }
    if !ASKED.iter().any(|w| lower.contains(w)) {
        return Parsed::Unrecognised;
    }
    Parsed::Event(Event {
        line,
        time,
        source: FALLBACK,
        client: Some(Cow::Borrowed(client)),
        port: None,
        pid,
        file: Some(Cow::Borrowed(file)),
        outcome: Outcome::Requested,
        bytes: None,
    })
}

fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\'' | '"'
                | '`'
                | '('
                | ')'
                | '['
                | ']'
                | '{'
                | '}'
                | '<'
                | '>'
                | ','
                | ';'
                | '='
                | '|'
        )
}

/// A name a phone asks for, with or without a directory in front.
fn is_phone_file(word: &str) -> bool {
    let bare = word.rsplit('/').next().unwrap_or(word);
    !bare.is_empty() && !matches!(Name::of(bare), Name::Other)
}

/// The address in `word`: an IPv4 address, with its port after a colon or not, or an IPv6
/// address.
fn is_address(word: &str) -> bool {
    is_ipv4(address_of(word)) || is_ipv6(word)
}

/// `word` without a `:PORT` after an IPv4 address.
fn address_of(word: &str) -> &str {
    match word.rsplit_once(':') {
        Some((address, port))
            if is_ipv4(address) && !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) =>
        {
            address
        }
        _ => word,
    }
}

fn is_ipv4(word: &str) -> bool {
    let mut parts = 0;
    for part in word.split('.') {
        parts += 1;
        if part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        if part.parse::<u16>().map_or(true, |n| n > 255) {
            return false;
        }
    }
    parts == 4
}

/// Hex groups and colons, with `::` or all eight groups (so that a time of day is none), and
/// an IPv4 address at the end or not.
fn is_ipv6(word: &str) -> bool {
    let (head, tail) = match word.rsplit_once(':') {
        Some((head, tail)) if tail.contains('.') => (head, Some(tail)),
        _ => (word, None),
    };
    let colons = word.bytes().filter(|&b| b == b':').count();
    let groups_ok = head
        .split(':')
        .all(|g| g.len() <= 4 && g.bytes().all(|b| b.is_ascii_hexdigit()));
    let shape = word.contains("::") || colons == 7;
    let hex = word.bytes().any(|b| b.is_ascii_hexdigit());
    groups_ok && shape && hex && tail.is_none_or(is_ipv4)
}
