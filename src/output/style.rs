//! Colour: whether phoneup paints (`--color`, `NO_COLOR`, `CLICOLOR_FORCE`, a terminal), and
//! [`Style`], which paints. A painted text holds marks, not escape sequences: the writer
//! ([`super::Out`]) turns phoneup's marks into colour after it has escaped everything else, so
//! that no text from outside, whatever it holds, can colour, move or retitle the terminal.

use std::io;

use clap::ValueEnum;

/// `--color`: when to colour what phoneup prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum When {
    /// On a terminal, unless `NO_COLOR` is set; `CLICOLOR_FORCE` colours a pipe as well.
    #[default]
    Auto,
    /// Always, `NO_COLOR` or not, terminal or not (`phoneup plan ... --color always | less -R`).
    Always,
    /// Never.
    Never,
}

/// Sets `--color` for the whole run: every [`Style`] made afterwards follows it.
pub fn choose_colour(when: When) {
    anstream::ColorChoice::write_global(match when {
        When::Auto => anstream::ColorChoice::Auto,
        When::Always => anstream::ColorChoice::Always,
        When::Never => anstream::ColorChoice::Never,
    });
}

/// Whether text for `stream` is coloured: `--color`, and in `auto` `NO_COLOR` (set and not
/// empty: never), then `CLICOLOR_FORCE` (set and not empty: always), then `CLICOLOR=0` (never),
/// then a terminal whose `TERM` is set and not `dumb`. The rules are anstream's, as cargo's and
/// clap's own.
fn wants_colour<S: anstream::stream::RawStream>(stream: &S) -> bool {
    anstream::AutoStream::choice(stream) != anstream::ColorChoice::Never
}

/// The colours and weights phoneup uses. Each has a mark (a noncharacter, which
/// [`super::escape::is_unsafe`] escapes wherever else it appears) and its SGR sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Paint {
    Reset,
    Bold,
    Heading,
    Good,
    Warning,
    Error,
}

impl Paint {
    const ALL: [Paint; 6] = [
        Paint::Reset,
        Paint::Bold,
        Paint::Heading,
        Paint::Good,
        Paint::Warning,
        Paint::Error,
    ];

    pub(super) fn mark(self) -> char {
        match self {
            Paint::Reset => '\u{fdd0}',
            Paint::Bold => '\u{fdd1}',
            Paint::Heading => '\u{fdd2}',
            Paint::Good => '\u{fdd3}',
            Paint::Warning => '\u{fdd4}',
            Paint::Error => '\u{fdd5}',
        }
    }

    pub(super) fn from_mark(c: char) -> Option<Paint> {
        Paint::ALL.into_iter().find(|p| p.mark() == c)
    }

    /// The SGR sequence a terminal receives.
    pub(super) fn sgr(self) -> &'static str {
        match self {
            Paint::Reset => "\x1b[0m",
            Paint::Bold => "\x1b[1m",
            Paint::Heading => "\x1b[1;36m",
            Paint::Good => "\x1b[1;32m",
            Paint::Warning => "\x1b[1;33m",
            Paint::Error => "\x1b[1;31m",
        }
    }
}

/// How a [`Style`] paints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Painting {
    /// Not at all.
    #[default]
    Plain,
    /// With marks, which [`super::Out`] turns into colour.
    Marks,
}

/// Colour and weight, on or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    painting: Painting,
}

impl Style {
    /// Plain text.
    pub fn plain() -> Style {
        Style::default()
    }

    /// Colour for text written through [`super::Out`]: phoneup's marks, which it turns into
    /// colour.
    pub fn coloured() -> Style {
        Style {
            painting: Painting::Marks,
        }
    }

    /// For text printed on standard output through [`super::Out`]: coloured when `--color`
    /// and the environment want it (see [`When`]).
    pub fn stdout() -> Style {
        Style::when(wants_colour(&io::stdout()))
    }

    /// Like [`Style::stdout`], for messages on standard error.
    pub fn stderr() -> Style {
        Style::when(wants_colour(&io::stderr()))
    }

    fn when(colour: bool) -> Style {
        if colour {
            Style::coloured()
        } else {
            Style::plain()
        }
    }

    /// Whether this style colours.
    pub fn is_coloured(&self) -> bool {
        self.painting != Painting::Plain
    }

    fn paint(&self, paint: Paint, text: &str) -> String {
        match self.painting {
            Painting::Plain => text.to_string(),
            Painting::Marks => format!("{}{text}{}", paint.mark(), Paint::Reset.mark()),
        }
    }

    pub fn bold(&self, text: &str) -> String {
        self.paint(Paint::Bold, text)
    }

    pub fn heading(&self, text: &str) -> String {
        self.paint(Paint::Heading, text)
    }

    pub fn good(&self, text: &str) -> String {
        self.paint(Paint::Good, text)
    }

    pub fn warning(&self, text: &str) -> String {
        self.paint(Paint::Warning, text)
    }

    pub fn error(&self, text: &str) -> String {
        self.paint(Paint::Error, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_style_adds_nothing() {
        assert_eq!(Style::plain().bold("x"), "x");
        assert!(!Style::plain().is_coloured());
    }

    #[test]
    fn colour_is_marks_for_the_writer_and_every_mark_is_unsafe_elsewhere() {
        assert_eq!(Style::coloured().error("x"), "\u{fdd5}x\u{fdd0}");
        for paint in Paint::ALL {
            assert_eq!(Paint::from_mark(paint.mark()), Some(paint));
            assert!(crate::output::escape::is_unsafe(paint.mark()), "{paint:?}");
        }
        assert_eq!(Paint::from_mark('x'), None);
    }
}
