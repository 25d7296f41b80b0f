//! How results reach the user: text for people, JSON or YAML for scripts, and colour only on a
//! terminal that wants it. A leaf: it uses no other module of phoneup.

use std::io::IsTerminal;

use clap::ValueEnum;
use serde::Serialize;

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Format {
    /// For people.
    #[default]
    Text,
    /// For scripts: pretty-printed JSON.
    Json,
    /// For scripts: YAML.
    Yaml,
}

/// Serialises a result for scripts. Text is rendered by each command itself.
pub fn structured<T: Serialize>(format: Format, value: &T) -> String {
    match format {
        Format::Json => {
            let mut text = serde_json::to_string_pretty(value).expect("plain data serialises");
            text.push('\n');
            text
        }
        Format::Yaml => serde_yaml::to_string(value).expect("plain data serialises"),
        Format::Text => unreachable!("text is rendered by the command"),
    }
}

/// "1 reboot", "3 reboots".
pub fn reboots(n: usize) -> String {
    if n == 1 {
        "1 reboot".into()
    } else {
        format!("{n} reboots")
    }
}

/// ANSI styling, on or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    colour: bool,
}

impl Style {
    /// Plain text.
    pub fn plain() -> Style {
        Style { colour: false }
    }

    /// Colour when standard output is a terminal, `NO_COLOR` is unset or empty and `TERM` is
    /// not `dumb`.
    pub fn detect() -> Style {
        Style::for_stream(std::io::stdout().is_terminal())
    }

    /// Like [`Style::detect`], for messages on standard error.
    pub fn detect_stderr() -> Style {
        Style::for_stream(std::io::stderr().is_terminal())
    }

    fn for_stream(is_terminal: bool) -> Style {
        let no_colour = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
        Style {
            colour: is_terminal && !no_colour && !dumb,
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }

    pub fn heading(&self, text: &str) -> String {
        self.paint("1;36", text)
    }

    pub fn good(&self, text: &str) -> String {
        self.paint("1;32", text)
    }

    pub fn warning(&self, text: &str) -> String {
        self.paint("1;33", text)
    }

    pub fn error(&self, text: &str) -> String {
        self.paint("1;31", text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_style_adds_nothing() {
        let style = Style::plain();
        assert_eq!(style.bold("x"), "x");
    }

    #[test]
    fn colour_wraps_in_ansi() {
        let style = Style { colour: true };
        assert_eq!(style.bold("x"), "\x1b[1mx\x1b[0m");
    }
}
