//! One log line to one [`Parsed`]: the transport's prefix (`transport`: rsyslog's RFC 3339 or
//! traditional format, `journalctl` short, short-iso, short-precise, short-unix and JSON,
//! atftpd's and dnsmasq's own log files, a prefix trimmed to the time), then the server's
//! message in its dialect, one module each: `hpa` (with Red Hat's `Client` lines), `xinetd`,
//! `atftpd`, `dnsmasq`, `busybox`; or a line of its own shape: a Tftpd32/Tftpd64 line with its
//! `[DD/MM HH:MM:SS.mmm]` at the end (`tftpd32`), PumpKIN's log (`pumpkin`), a packet list's row
//! (`capture`). A line of a server phoneup does not know goes to the `fallback`. A line broken
//! in two is joined again by [`parse_joined`]. Any bytes give an answer, never a panic.

use std::borrow::Cow;

use crate::logs::event::{Event, Info, Outcome, Parsed, Pid, Source};
use crate::logs::journal;
use crate::logs::time::Time;

mod atftpd;
mod busybox;
mod capture;
mod dnsmasq;
mod fallback;
mod hpa;
mod join;
mod pumpkin;
mod tftpd32;
mod transport;
mod xinetd;

pub use join::{may_continue, parse_joined};

/// Parses one line (without its LF). `line` is its number, for the event. An event whose
/// address or file name is there but empty is a line cut short ([`Parsed::Incomplete`]).
pub fn parse(bytes: &[u8], line: u64) -> Parsed<'_> {
    match parse_line(bytes, line) {
        Parsed::Event(event)
            if [&event.client, &event.file]
                .into_iter()
                .any(|name| name.as_deref().is_some_and(blank)) =>
        {
            Parsed::Incomplete(event.source)
        }
        parsed => parsed,
    }
}

fn parse_line(bytes: &[u8], line: u64) -> Parsed<'_> {
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    match bytes.first() {
        Some(b'{') => {
            let Some(entry) = journal::entry(bytes) else {
                return Parsed::Unrecognised;
            };
            let program = entry.program.as_bytes();
            return message(program, entry.pid, &entry.message, false, entry.time, line)
                .into_owned();
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
    if let Some(parsed) = transport::syslog(bytes, line) {
        return parsed;
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

/// Whether `text` is empty or only white space (a name a line cut short lost).
pub fn blank(text: &str) -> bool {
    // Most names start with a letter: no need to look further.
    text.bytes()
        .next()
        .is_none_or(|b| b.is_ascii_whitespace() || !b.is_ascii())
        && text.trim().is_empty()
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

/// `text` split around the first `needle` (what `str::split_once` does, without building a
/// searcher for a short line each time).
pub(super) fn split_first<'t>(text: &'t str, needle: &str) -> Option<(&'t str, &'t str)> {
    let (hay, pin) = (text.as_bytes(), needle.as_bytes());
    let first = *pin.first()?;
    let mut from = 0;
    while let Some(i) = hay[from..].iter().position(|&b| b == first) {
        let at = from + i;
        if hay[at..].starts_with(pin) {
            return Some((&text[..at], &text[at + pin.len()..]));
        }
        from = at + 1;
    }
    None
}

/// `text` split around the last `needle`.
pub(super) fn split_last<'t>(text: &'t str, needle: &str) -> Option<(&'t str, &'t str)> {
    let (hay, pin) = (text.as_bytes(), needle.as_bytes());
    let first = *pin.first()?;
    let mut to = hay.len();
    while let Some(at) = hay[..to].iter().rposition(|&b| b == first) {
        if hay[at..].starts_with(pin) {
            return Some((&text[..at], &text[at + pin.len()..]));
        }
        to = at;
    }
    None
}

fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// The message of a line from program `prog`.
pub(super) fn message<'a>(
    prog: &[u8],
    pid: Option<Pid>,
    message: &'a [u8],
    escaped: bool,
    time: Option<Time>,
    line: u64,
) -> Parsed<'a> {
    let is_dnsmasq = prog.len() >= 7 && prog[..7].eq_ignore_ascii_case(b"dnsmasq");
    let mut parsed = match std::str::from_utf8(message) {
        Ok(text) => classify(prog, pid, text, is_dnsmasq, time, line),
        Err(_) => {
            let text = String::from_utf8_lossy(message);
            classify(prog, pid, &text, is_dnsmasq, time, line).into_owned()
        }
    };
    if let (true, Parsed::Event(event)) = (escaped, &mut parsed) {
        for name in [&mut event.file, &mut event.client].into_iter().flatten() {
            if name.contains('#') {
                *name = Cow::Owned(transport::unescape(name.as_bytes()));
            }
        }
    }
    parsed
}

fn classify<'t>(
    prog: &[u8],
    pid: Option<Pid>,
    text: &'t str,
    is_dnsmasq: bool,
    time: Option<Time>,
    line: u64,
) -> Parsed<'t> {
    let event = |source, outcome, client: Option<&'t str>, file: Option<&'t str>| Event {
        line,
        time,
        source,
        client: client.map(Cow::Borrowed),
        port: None,
        pid,
        file: file.map(Cow::Borrowed),
        outcome,
        bytes: None,
    };
    let is = |name: &[u8]| prog.eq_ignore_ascii_case(name);
    if is(b"xinetd") {
        return xinetd::parse(text, &event);
    }
    if !is_dnsmasq && !contains_ignore_case(prog, b"tftp") {
        return fallback::parse(text, pid, time, line);
    }
    if let Some(bytes) = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(" blob data]"))
    {
        if bytes.trim_end_matches('B').parse::<u64>().is_ok() {
            let source = if is_dnsmasq {
                Source::Dnsmasq
            } else if is(b"atftpd") {
                Source::Atftpd
            } else {
                Source::TftpdHpa
            };
            return Parsed::Info(Info::Blob(source));
        }
    }
    if is_dnsmasq {
        return dnsmasq::parse(is(b"dnsmasq"), text, &event);
    }
    if let Some(parsed) = hpa::parse(text, &event) {
        return parsed;
    }
    if let Some(parsed) = atftpd::parse(text, &event) {
        return parsed;
    }
    if is(b"tftpd") {
        if let Some(parsed) = busybox::parse(text, &event) {
            return parsed;
        }
    }
    if is(b"atftpd") && text.starts_with(' ') {
        // The start-up settings and the statistics at exit are indented.
        return Parsed::Info(Info::Server(Source::Atftpd));
    }
    fallback::parse(text, pid, time, line)
}

pub(super) type Make<'t, 'e> =
    dyn Fn(Source, Outcome, Option<&'t str>, Option<&'t str>) -> Event<'t> + 'e;

#[cfg(test)]
mod field_tests;
#[cfg(test)]
mod tests;
