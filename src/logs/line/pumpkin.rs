//! PumpKIN (Klever Group's TFTP server for macOS and Windows; source: github.com/hacker/pumpkin):
//! its log file's lines, `[2021-07-03 10:03:20 +0000] MESSAGE` on macOS, the message alone as
//! its window shows it. A read request is `'NAME' of type 'MODE' is requested from ADDR:PORT`;
//! every transfer ends with `Transfer of 'NAME' finished.` (after an arrow, U+2B06 for a send),
//! also when it ended in an error, a missing file among them, which PumpKIN does not log;
//! `I'm already processing the request from ADDR:PORT` is the client asking again;
//! `Connection timeout for 'NAME'`, the client no longer answering. The Windows build says
//! `Transfer of 'NAME' has successfully completed`, `Transmission of 'NAME' is timed out` and
//! `Transfer of 'NAME' was aborted`.

use std::borrow::Cow;

use crate::logs::event::{Event, Info, Outcome, Parsed, Source};
use crate::logs::time::Time;

const PUMPKIN: Source = Source::PumpKin;

/// A line about a transfer's end: the text before and after the name, and what it says.
type End = (&'static str, &'static str, fn() -> Outcome);

/// A line of PumpKIN's log, with or without its `[date] `.
pub(super) fn line(text: &str, line: u64) -> Option<Parsed<'_>> {
    let (time, message) = match text.strip_prefix('[') {
        Some(rest) => {
            let (time, rest) = Time::parse_iso(rest.as_bytes())?;
            let message = rest.strip_prefix(b"] ")?;
            // Both are the end of `rest`, which is UTF-8: `message` starts at a character.
            (Some(time), &text[text.len() - message.len()..])
        }
        None => (None, text),
    };
    message_of(message, time, line)
}

fn message_of<'t>(text: &'t str, time: Option<Time>, line: u64) -> Option<Parsed<'t>> {
    let event = |outcome, client: Option<&'t str>, port: Option<u16>, file: Option<&'t str>| {
        Parsed::Event(Event {
            line,
            time,
            source: PUMPKIN,
            client: client.map(Cow::Borrowed),
            port,
            pid: None,
            file: file.map(Cow::Borrowed),
            outcome,
            bytes: None,
        })
    };
    if let Some(rest) = text.strip_prefix('\'') {
        let (file, rest) = rest.rsplit_once("' of type '")?;
        let (_mode, from) = rest.split_once("' is ")?;
        if let Some(address) = from.strip_prefix("requested from ") {
            let (client, port) = address_port(address)?;
            if super::text::blank(file) {
                return Some(Parsed::Incomplete(PUMPKIN));
            }
            return Some(event(Outcome::Requested, Some(client), port, Some(file)));
        }
        // `is coming from`: a write request.
        return from
            .starts_with("coming from ")
            .then_some(Parsed::Info(Info::Server(PUMPKIN)));
    }
    // The arrow of a send (U+2B06) or a receive (U+2B07) and a space, on macOS.
    let text = ["\u{2b06} ", "\u{2b07} "]
        .iter()
        .find_map(|arrow| text.strip_prefix(arrow))
        .unwrap_or(text);
    let quoted = |prefix: &str, suffix: &str| {
        text.strip_prefix(prefix)?
            .strip_suffix(suffix)
            .filter(|file| !file.is_empty())
    };
    let ends: [End; 5] = [
        ("Transfer of '", "' finished.", || Outcome::Ended),
        ("Transfer of '", "' has successfully completed", || {
            Outcome::Sent
        }),
        ("Connection timeout for '", "'", || Outcome::Failed {
            why: "connection timeout: the client stopped answering".into(),
        }),
        ("Transmission of '", "' is timed out", || Outcome::Failed {
            why: "timed out".into(),
        }),
        ("Transfer of '", "' was aborted", || Outcome::Failed {
            why: "aborted".into(),
        }),
    ];
    for (prefix, suffix, outcome) in ends {
        if let Some(file) = quoted(prefix, suffix) {
            return Some(event(outcome(), None, None, Some(file)));
        }
    }
    if let Some(address) = text.strip_prefix("I'm already processing the request from ") {
        let (client, port) = address_port(address)?;
        return Some(event(Outcome::Retried, Some(client), port, None));
    }
    None
}

/// `ADDR:PORT` (the port after the last colon, so that an IPv6 address keeps its own), or an
/// IPv4 address alone.
fn address_port(text: &str) -> Option<(&str, Option<u16>)> {
    match text.rsplit_once(':') {
        Some((address, port)) if !address.is_empty() => Some((address, Some(port.parse().ok()?))),
        None if !text.is_empty() && !text.contains(' ') => Some((text, None)),
        _ => None,
    }
}
