//! Small things every dialect reads a message with: splitting around a word, a name that is
//! blank, and how an event is made.

use crate::logs::event::{Event, Outcome, Source};

/// `text` split around the first `needle` (what `str::split_once` does, without building a
/// searcher for a short line each time). Inlined, so that each caller's needle is a constant.
#[inline]
pub(super) fn split_first<'t>(text: &'t str, needle: &str) -> Option<(&'t str, &'t str)> {
    let (hay, pin) = (text.as_bytes(), needle.as_bytes());
    let first = *pin.first()?;
    let last = hay.len().checked_sub(pin.len())?;
    (0..=last)
        .find(|&at| hay[at] == first && starts_with(&hay[at..], pin))
        .map(|at| (&text[..at], &text[at + pin.len()..]))
}

/// `text` split around the last `needle`.
#[inline]
pub(super) fn split_last<'t>(text: &'t str, needle: &str) -> Option<(&'t str, &'t str)> {
    let (hay, pin) = (text.as_bytes(), needle.as_bytes());
    let first = *pin.first()?;
    let last = hay.len().checked_sub(pin.len())?;
    (0..=last)
        .rev()
        .find(|&at| hay[at] == first && starts_with(&hay[at..], pin))
        .map(|at| (&text[..at], &text[at + pin.len()..]))
}

/// Whether `hay` starts with `pin`, compared a byte at a time: a needle is a few bytes, which a
/// call to `memcmp` costs more than.
#[inline]
fn starts_with(hay: &[u8], pin: &[u8]) -> bool {
    hay.len() >= pin.len() && hay.iter().zip(pin).all(|(a, b)| a == b)
}

pub(super) fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// Whether `text` is empty or only white space (a name a line cut short lost).
pub fn blank(text: &str) -> bool {
    // Most names start with a letter: no need to look further.
    text.bytes()
        .next()
        .is_none_or(|b| b.is_ascii_whitespace() || !b.is_ascii())
        && text.trim().is_empty()
}

/// How a dialect makes an event: the server, what happened, the client and the file.
pub(super) type Make<'t, 'e> =
    dyn Fn(Source, Outcome, Option<&'t str>, Option<&'t str>) -> Event<'t> + 'e;
