//! Lines broken in two, joined again. A mail archive (`format=flowed`) breaks a long line at a
//! space and keeps the space at the end of the first half; a web page may drop it: a log
//! copied from either reads `RRQ from ADDR filename ` then `NAME`, `Client ADDR File not ` then
//! `found NAME`, `START: tftp pid=N ` then `from=ADDR` (the LKML post of 24 December 2020 on
//! FreePBX's tftp-server has every line so). Some servers write one record over two lines, the
//! second indented (Erlang's `tftp` puts the file name there). The second half never starts
//! like a line of a log: no time, and not a line phoneup reads by itself.

use crate::logs::event::Parsed;
use crate::logs::time::Time;

use super::parse::parse;

/// A second half longer than this is no part of a broken line.
const MAX_CONTINUATION: usize = 4096;

/// Whether a TFTP line may go on in the next line: it ends in a space or a tab, or it is cut
/// short or not recognised by itself. A reader keeps such a line back until the next one has
/// come (or the input ends) to give both to [`parse_joined`].
pub fn may_continue(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    matches!(bytes.last(), Some(b' ' | b'\t'))
        || matches!(
            parse(bytes, 0),
            Parsed::Incomplete(_) | Parsed::Unrecognised
        )
}

/// Parses the line `bytes`, joined with the line after it, `next`, when that completes it:
/// `bytes` is cut short, or ends in a space or a tab, or is not recognised and `next` is
/// indented; `next` is no line of its own; and the two read as one line phoneup recognises.
/// `after` holds what follows the line's LF: the next line, up to its own LF if it has one
/// (and whatever comes after that), found only when the line may want it. `scratch` holds the
/// joined line. Returns the line read and whether `next` was taken.
pub fn parse_joined<'a>(
    bytes: &'a [u8],
    after: Option<&[u8]>,
    line: u64,
    scratch: &'a mut Vec<u8>,
) -> (Parsed<'a>, bool) {
    let first = parse(bytes, line);
    let Some(after) = after else {
        return (first, false);
    };
    let head = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    let open = matches!(head.last(), Some(b' ' | b'\t'));
    let indented = matches!(after.first(), Some(b' ' | b'\t'));
    let wants = match first {
        Parsed::Incomplete(_) => true,
        Parsed::Unrecognised => open || indented,
        _ => open,
    };
    if !wants {
        return (first, false);
    }
    let next = &after[..memchr::memchr(b'\n', after).unwrap_or(after.len())];
    let next = next.strip_suffix(b"\r").unwrap_or(next);
    if !is_continuation(next, indented) {
        return (first, false);
    }
    scratch.clear();
    scratch.extend_from_slice(head.trim_ascii_end());
    scratch.push(b' ');
    scratch.extend_from_slice(next.trim_ascii());
    let joined: &'a Vec<u8> = scratch;
    match parse(joined, line) {
        second @ (Parsed::Event(_) | Parsed::Info(_)) => (second, true),
        _ => (first, false),
    }
}

/// Whether `next` can be the second half of a broken line: not empty, not long, not a line of
/// its own (a time first, a journal entry, a packet list's row, a line phoneup reads alone,
/// `journalctl`'s `-- ... --` markers).
fn is_continuation(next: &[u8], indented: bool) -> bool {
    let text = next.trim_ascii();
    if text.is_empty() || next.len() > MAX_CONTINUATION {
        return false;
    }
    if !indented {
        let starts_a_line = matches!(text[0], b'{' | b'"' | b'[' | b'<')
            || text.starts_with(b"-- ")
            || Time::parse_iso(text).is_some()
            || Time::parse_month_day(text).is_some()
            || Time::parse_unix(text).is_some()
            || Time::parse_clock(text).is_some()
            || text
                .iter()
                .position(|b| !b.is_ascii_digit())
                .is_some_and(|at| at > 0 && text[at] == b' ');
        if starts_a_line {
            return false;
        }
    }
    !matches!(
        parse(next, 0),
        Parsed::Event(_) | Parsed::Info(_) | Parsed::Incomplete(_)
    )
}
