//! The transports a line comes through, before the server's message: rsyslog's RFC 3339 and
//! traditional formats, `journalctl` short, short-iso, short-precise and short-unix, a
//! priority caught off the network, a prefix trimmed to the time; rsyslog's `#ooo` escapes.

use crate::logs::event::{Parsed, Pid};
use crate::logs::time::Time;

use std::borrow::Cow;

use super::message::message;

/// The part of a syslog-style line after the time: `[host ]prog[pid]: message`.
pub(super) struct Header<'a> {
    prog: &'a [u8],
    pid: Option<Pid>,
    /// The line went through a syslog daemon (it names a host), which escapes control
    /// characters as `#ooo`.
    escaped: bool,
    message: &'a [u8],
}

/// The time and the header of a syslog-style line, when it has them: [`syslog_message`] reads
/// the rest (two steps, so that the caller returns the line as the second builds it, not a
/// copy of it: a line's event is large).
pub(super) fn syslog(bytes: &[u8]) -> Option<(Time, Header<'_>)> {
    let mut text = bytes;
    // `<29>`: a priority, as in journald's SYSLOG_RAW or a line caught off the network.
    if text.first() == Some(&b'<') {
        let end = text.iter().take(5).position(|&b| b == b'>')?;
        text = &text[end + 1..];
    }
    let (time, rest) = match text.first()? {
        b'0'..=b'9' => Time::parse_iso(text)
            .or_else(|| Time::parse_unix(text))
            .or_else(|| Time::parse_clock(text))?,
        b'A'..=b'Z' => Time::parse_month_day(text)?,
        _ => return None,
    };
    Some((time, header(rest.strip_prefix(b" ")?)?))
}

/// The message of a line whose time and header [`syslog`] read.
pub(super) fn syslog_message<'a>(time: Time, header: Header<'a>, line: u64) -> Parsed<'a> {
    let mut parsed = message(header.prog, header.pid, header.message, Some(time), line);
    // A name can only hold a `#` the message holds: one search of the message, not one a name.
    let escaped = header.escaped && memchr::memchr(b'#', header.message).is_some();
    if let (true, Parsed::Event(event)) = (escaped, &mut parsed) {
        for name in [&mut event.file, &mut event.client].into_iter().flatten() {
            if name.contains('#') {
                *name = Cow::Owned(unescape(name.as_bytes()));
            }
        }
    }
    parsed
}

fn header(text: &[u8]) -> Option<Header<'_>> {
    let first_end = text.iter().position(|&b| b == b' ').unwrap_or(text.len());
    let first = &text[..first_end];
    if let Some((prog, pid)) = tag(first) {
        return Some(Header {
            prog,
            pid,
            escaped: false,
            message: text.get(first_end + 1..).unwrap_or_default(),
        });
    }
    let rest = text.get(first_end + 1..)?;
    let second_end = rest.iter().position(|&b| b == b' ').unwrap_or(rest.len());
    let (prog, pid) = tag(&rest[..second_end])?;
    Some(Header {
        prog,
        escaped: pid.is_none_or(|p| p.thread.is_none()),
        pid,
        message: rest.get(second_end + 1..).unwrap_or_default(),
    })
}

/// `prog[pid]:`, `prog[pid.tid]:` or `prog:`.
fn tag(token: &[u8]) -> Option<(&[u8], Option<Pid>)> {
    let token = token.strip_suffix(b":")?;
    let Some(open) = token.iter().position(|&b| b == b'[') else {
        return (!token.is_empty()).then_some((token, None));
    };
    let inside = token[open + 1..].strip_suffix(b"]")?;
    let (pid, thread) = match inside.iter().position(|&b| b == b'.') {
        Some(dot) => (&inside[..dot], Some(number(&inside[dot + 1..])?)),
        None => (inside, None),
    };
    let pid = u32::try_from(number(pid)?).ok()?;
    (open > 0).then_some((&token[..open], Some(Pid { pid, thread })))
}

fn number(digits: &[u8]) -> Option<u64> {
    // Digits only; none, or too many for a u64, is no number.
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u64, |n, &d| {
        if !d.is_ascii_digit() {
            return None;
        }
        n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    })
}

/// rsyslog writes a control character as `#` and three octal digits (`#015` is CR, `#011`
/// TAB): turn them back.
fn unescape(bytes: &[u8]) -> String {
    if !bytes.contains(&b'#') {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'#' {
            if let Some(digits) = bytes.get(i + 1..i + 4) {
                if digits.iter().all(|d| (b'0'..=b'7').contains(d)) {
                    let value = digits.iter().fold(0u32, |n, d| n * 8 + u32::from(d - b'0'));
                    if value < 0x20 || value == 0x7f {
                        out.push(value as u8);
                        i += 4;
                        continue;
                    }
                }
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
