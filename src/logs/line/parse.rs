//! One line to one [`Parsed`]: which shape the line has (a journal entry, a packet list's CSV
//! row, PumpKIN's, Tftpd32's, a syslog transport's prefix, or none of those), and the event
//! with a blank name a line cut short.

use crate::logs::event::Parsed;
use crate::logs::journal;

use super::message::message;
use super::text::blank;
use super::{capture, fallback, pumpkin, tftpd32, transport};

/// Parses one line (without its LF). `line` is its number, for the event. An event whose
/// address or file name is there but empty is a line cut short ([`Parsed::Incomplete`]).
pub fn parse(bytes: &[u8], line: u64) -> Parsed<'_> {
    // Changed in place and returned whole: a line's event is large, and a copy of it costs.
    let mut parsed = parse_line(bytes, line);
    let cut_short = match &parsed {
        Parsed::Event(event)
            if [&event.client, &event.file]
                .into_iter()
                .any(|name| name.as_deref().is_some_and(blank)) =>
        {
            Some(event.source)
        }
        _ => None,
    };
    if let Some(source) = cut_short {
        parsed = Parsed::Incomplete(source);
    }
    parsed
}

fn parse_line(bytes: &[u8], line: u64) -> Parsed<'_> {
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    match bytes.first() {
        Some(b'{') => {
            let Some(entry) = journal::entry(bytes) else {
                return Parsed::Unrecognised;
            };
            let program = entry.program.as_bytes();
            return message(program, entry.pid, &entry.message, entry.time, line).into_owned();
        }
        Some(b'"') => {
            if let Some(parsed) = with_text(bytes, line, capture::csv) {
                return parsed;
            }
        }
        Some(b'[') => {
            if let Some(parsed) = with_text(bytes, line, pumpkin::line) {
                return parsed;
            }
        }
        _ => {}
    }
    if bytes.last() == Some(&b']') {
        if let Some(parsed) = tftpd32::line(bytes, line) {
            return parsed;
        }
    }
    if let Some((time, header)) = transport::syslog(bytes) {
        return transport::syslog_message(time, header, line);
    }
    // No transport's prefix: a packet list's row, PumpKIN's window, or a server phoneup does
    // not know.
    with_text(bytes, line, |text, line| {
        capture::row(text, line)
            .or_else(|| pumpkin::line(text, line))
            .or_else(|| Some(fallback::parse(text, None, None, line)))
    })
    .unwrap_or(Parsed::Unrecognised)
}

/// `read` on the line as text (bytes that are not UTF-8 shown as U+FFFD).
fn with_text(
    bytes: &[u8],
    line: u64,
    read: fn(&str, u64) -> Option<Parsed<'_>>,
) -> Option<Parsed<'_>> {
    match std::str::from_utf8(bytes) {
        Ok(text) => read(text, line),
        Err(_) => read(&String::from_utf8_lossy(bytes), line).map(Parsed::into_owned),
    }
}
