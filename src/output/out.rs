//! [`Out`]: the one way to the terminal. Every byte phoneup prints passes through it: it escapes
//! whatever may not reach a terminal raw, in the syntax of what is printed (text, JSON, YAML),
//! and only then turns phoneup's own style marks into colour.

use std::io::{self, Write};

use super::escape::{escape, Form};
use super::format::Format;
use super::style::{Paint, Style};

/// A writer that sanitises every write: text for people (coloured or not), JSON or YAML.
/// Bytes that are not UTF-8 are shown as U+FFFD; a character split across two writes is held
/// back until its end arrives.
///
/// Untrusted pieces are best wrapped in [`super::Untrusted`] where they are formatted (so that
/// a line break or a tab in them is escaped too); whatever reaches `Out` is escaped anyway.
#[derive(Debug)]
pub struct Out<W: Write> {
    inner: W,
    form: Form,
    colour: bool,
    /// The start of a character whose end has not been written yet.
    partial: Vec<u8>,
}

/// A movement of the cursor, for a view redrawn in place: phoneup's only escape sequences
/// besides colour, written by [`Out::control`] and never taken from text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Up this many lines (nothing for 0).
    Up(usize),
    /// Clear the line the cursor is on.
    ClearLine,
    /// Clear from the cursor to the end of the screen.
    ClearBelow,
}

impl Out<io::Stdout> {
    /// Standard output, for text painted with [`Style::stdout`] (or JSON or YAML).
    pub fn stdout(format: Format) -> Out<io::Stdout> {
        Out::for_format(io::stdout(), format, Style::stdout())
    }
}

impl Out<io::Stderr> {
    /// Standard error, for text painted with [`Style::stderr`].
    pub fn stderr() -> Out<io::Stderr> {
        Out::text(io::stderr(), Style::stderr())
    }
}

impl<W: Write> Out<W> {
    /// Text for people, in colour when `style` is coloured.
    pub fn text(inner: W, style: Style) -> Out<W> {
        Out {
            inner,
            form: Form::Text,
            colour: style.is_coloured(),
            partial: Vec::new(),
        }
    }

    /// Text (painted with `style`), JSON or YAML, as `format` says.
    pub fn for_format(inner: W, format: Format, style: Style) -> Out<W> {
        let form = match format {
            Format::Text => return Out::text(inner, style),
            Format::Json => Form::Json,
            Format::Yaml => Form::Yaml,
        };
        Out {
            inner,
            form,
            colour: false,
            partial: Vec::new(),
        }
    }

    /// The style that paints text for this writer.
    pub fn style(&self) -> Style {
        if self.colour {
            Style::coloured()
        } else {
            Style::plain()
        }
    }

    /// Moves the cursor (text only: JSON and YAML get nothing).
    pub fn control(&mut self, control: Control) -> io::Result<()> {
        if self.form != Form::Text {
            return Ok(());
        }
        self.unsplit()?;
        match control {
            Control::Up(0) => Ok(()),
            Control::Up(lines) => write!(self.inner, "\x1b[{lines}A"),
            Control::ClearLine => self.inner.write_all(b"\x1b[2K"),
            Control::ClearBelow => self.inner.write_all(b"\x1b[J"),
        }
    }

    /// The writer underneath.
    pub fn get_ref(&self) -> &W {
        &self.inner
    }

    /// The writer underneath, once a character left unfinished is shown as U+FFFD.
    pub fn into_inner(mut self) -> io::Result<W> {
        self.unsplit()?;
        Ok(self.inner)
    }

    /// A character left unfinished is shown as U+FFFD.
    fn unsplit(&mut self) -> io::Result<()> {
        if self.partial.is_empty() {
            return Ok(());
        }
        self.partial.clear();
        self.inner.write_all("\u{fffd}".as_bytes())
    }

    /// `text` as it may reach the terminal, appended to `shown`.
    fn show(&self, shown: &mut String, text: &str) {
        let mut rest = text;
        if self.colour {
            while let Some((at, paint)) = rest
                .char_indices()
                .find_map(|(at, c)| Paint::from_mark(c).map(|paint| (at, paint)))
            {
                escape_into(shown, &rest[..at], self.form);
                shown.push_str(paint.sgr());
                rest = &rest[at + paint.mark().len_utf8()..];
            }
        }
        escape_into(shown, rest, self.form);
    }
}

fn escape_into(shown: &mut String, text: &str, form: Form) {
    escape(shown, text, form).expect("a String takes every write");
}

impl<W: Write> Write for Out<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let joined;
        let mut rest = if self.partial.is_empty() {
            buf
        } else {
            joined = [std::mem::take(&mut self.partial).as_slice(), buf].concat();
            &joined[..]
        };
        let mut shown = String::with_capacity(rest.len());
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    self.show(&mut shown, text);
                    break;
                }
                Err(error) => {
                    let (valid, after) = rest.split_at(error.valid_up_to());
                    let valid = std::str::from_utf8(valid).expect("valid up to here");
                    self.show(&mut shown, valid);
                    match error.error_len() {
                        None => {
                            self.partial = after.to_vec();
                            break;
                        }
                        Some(len) => {
                            shown.push('\u{fffd}');
                            rest = &after[len..];
                        }
                    }
                }
            }
        }
        self.inner.write_all(shown.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests;
