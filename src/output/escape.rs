//! The one escaping function: which characters must never reach a terminal raw (controls,
//! bidirectional overrides, invisible characters), and what is shown in their place. Untrusted
//! text (a name from the network, a line from a log, a file name from a directory, an argument)
//! is wrapped in [`Untrusted`] where it is put into a message; the writer, [`super::Out`],
//! escapes whatever is left in everything phoneup prints.
//!
//! Uses nothing but the standard library: `build.rs` compiles this file too, for `error.rs`.

use std::fmt::{self, Write as _};

/// Where escaped text goes, which decides what else is escaped, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// One piece of untrusted text inside a line of phoneup's: line breaks, tabs and backslashes
    /// are escaped too (`\n`, `\t`, `\\`), so that it cannot pass for a line, a column or an
    /// escape of phoneup's own.
    Field,
    /// phoneup's own text: its line breaks and tabs are its layout and pass.
    Text,
    /// Inside JSON strings: `\u001b`, so that the JSON stays valid and the value exact.
    Json,
    /// Inside YAML: `\u001b` and `\U000e0001`, exact inside double-quoted strings (where
    /// YAML's own escaping puts most of these), shown as written elsewhere.
    Yaml,
}

/// Whether `c` must never reach a terminal raw: C0 controls (line feed and tab among them, which
/// [`Form::Text`] lets through), DEL and C1 controls; the marks that reorder text (bidirectional
/// embeddings, overrides and isolates); characters that show as nothing or as a plain space
/// (zero-width ones, joiners, fillers, the byte-order mark, variation selectors, tags, spaces
/// other than U+0020); and noncharacters, which phoneup's own styling uses inside its text.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{a0}'
                | '\u{ad}'
                | '\u{34f}'
                | '\u{61c}'
                | '\u{115f}'
                | '\u{1160}'
                | '\u{17b4}'
                | '\u{17b5}'
                | '\u{180b}'..='\u{180f}'
                | '\u{2000}'..='\u{200f}'
                | '\u{2028}'..='\u{202f}'
                | '\u{205f}'..='\u{206f}'
                | '\u{3000}'
                | '\u{3164}'
                | '\u{fdd0}'..='\u{fdef}'
                | '\u{fe00}'..='\u{fe0f}'
                | '\u{feff}'
                | '\u{ffa0}'
                | '\u{fff9}'..='\u{fffb}'
                | '\u{e0000}'..='\u{e007f}'
                | '\u{e0100}'..='\u{e01ef}'
        )
        || u32::from(c) & 0xfffe == 0xfffe
}

/// Writes `text` to `out` with every character that may not pass in `form` escaped. The only
/// escaping function of phoneup.
pub fn escape(out: &mut impl fmt::Write, text: &str, form: Form) -> fmt::Result {
    let mut rest = text;
    loop {
        // Printable ASCII, the bulk of any text, goes through a run at a time.
        let plain = plain_run(rest.as_bytes(), form);
        out.write_str(&rest[..plain])?;
        rest = &rest[plain..];
        let Some(c) = rest.chars().next() else {
            return Ok(());
        };
        rest = &rest[c.len_utf8()..];
        let layout = matches!(c, '\n' | '\t' | '\\');
        if (layout && form == Form::Field) || (!layout && is_unsafe(c)) {
            escaped(out, c, form)?;
        } else {
            out.write_char(c)?;
        }
    }
}

/// Whether the byte `b` is an ASCII character that passes in `form` as it is: printable ASCII
/// but a backslash, and the layout characters (backslash, LF, tab) unless `form` is a field.
/// Written without branches, so that [`plain_run`] checks 32 bytes at once with it.
#[inline]
fn passes(b: u8, form: Form) -> bool {
    let layout = (b == b'\\') | (b == b'\n') | (b == b'\t');
    let printable = b.wrapping_sub(b' ') <= b'~' - b' ';
    (printable & !layout) | (layout & (form != Form::Field))
}

/// The length of the run of bytes at the start of `bytes` that pass in `form` as they are
/// ([`passes`]): 32 bytes at a time while all of them pass (a test without branches, which
/// compilers turn into vector instructions: a report of megabytes is nearly all such runs),
/// then byte by byte.
fn plain_run(bytes: &[u8], form: Form) -> usize {
    let mut at = 0;
    for chunk in bytes.chunks_exact(32) {
        let all = chunk.iter().fold(true, |all, &b| all & passes(b, form));
        if !all {
            break;
        }
        at += 32;
    }
    at + bytes[at..]
        .iter()
        .position(|&b| !passes(b, form))
        .unwrap_or(bytes.len() - at)
}

/// What is shown for `c`.
fn escaped(out: &mut impl fmt::Write, c: char, form: Form) -> fmt::Result {
    match form {
        Form::Field | Form::Text => match c {
            '\n' => out.write_str("\\n"),
            '\r' => out.write_str("\\r"),
            '\t' => out.write_str("\\t"),
            '\\' => out.write_str("\\\\"),
            _ => write!(out, "\\u{{{:x}}}", u32::from(c)),
        },
        Form::Json => {
            for unit in c.encode_utf16(&mut [0; 2]) {
                write!(out, "\\u{unit:04x}")?;
            }
            Ok(())
        }
        Form::Yaml if u32::from(c) <= 0xffff => write!(out, "\\u{:04x}", u32::from(c)),
        Form::Yaml => write!(out, "\\U{:08x}", u32::from(c)),
    }
}

/// Text from outside phoneup, shown escaped ([`Form::Field`]) wherever it is formatted:
/// `format!("{} is not on the server", Untrusted(name))`. Width and precision apply to what is
/// shown (`{:<28}` pads it, `{:.200}` keeps its first 200 characters).
#[derive(Debug, Clone, Copy)]
pub struct Untrusted<T>(pub T);

impl<T: fmt::Display> fmt::Display for Untrusted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.width().is_none() && f.precision().is_none() {
            return write!(Escaping(f), "{}", self.0);
        }
        let mut shown = String::new();
        write!(Escaping(&mut shown), "{}", self.0)?;
        f.pad(&shown)
    }
}

/// A `fmt::Write` that escapes what is written to it as a [`Form::Field`].
struct Escaping<W>(W);

impl<W: fmt::Write> fmt::Write for Escaping<W> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        escape(&mut self.0, text, Form::Field)
    }
}

// A path of its own: build.rs includes this file by path, and this module with it.
#[cfg(test)]
#[path = "escape/tests.rs"]
mod tests;
