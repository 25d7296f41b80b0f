//! How results reach the user: text for people, JSON or YAML for scripts, colour only on a
//! terminal that wants it, the next step after an answer that is not success, and
//! [`sanitize`], which every text phoneup prints passes through so that control characters
//! from files, names and arguments never reach a terminal raw. A leaf: it uses no other module
//! of phoneup.

use std::fmt::Write as _;
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

/// What to do after an answer that is not success: the fix in one sentence, and the command to
/// run next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NextStep {
    pub fix: String,
    pub command: String,
}

impl NextStep {
    pub fn new(fix: impl Into<String>, command: impl Into<String>) -> NextStep {
        NextStep {
            fix: fix.into(),
            command: command.into(),
        }
    }

    /// Two lines: `Next: FIX` and `  then run: COMMAND`.
    pub fn to_text(&self, style: &Style) -> String {
        format!(
            "{} {}\n  then run: {}\n",
            style.bold("Next:"),
            self.fix,
            self.command
        )
    }
}

/// A word for a command line a user can paste into a POSIX shell: quoted only when it needs to be.
pub fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// The SGR sequences [`Style`] writes, the only escape sequences phoneup itself prints.
const STYLE_CODES: [&str; 6] = ["1", "1;36", "1;32", "1;33", "1;31", "0"];

/// Whether `c` must never reach a terminal raw: C0 and C1 controls (but line feed and tab),
/// DEL, and the bidirectional overrides that reorder what a terminal shows.
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text as it may reach a terminal: every control character from a file, a file name, the
/// matrix or an argument is shown escaped (`\r`, `\u{1b}`), never sent raw. With `style`
/// in colour, the colour sequences [`Style`] writes are kept; nothing else is. Every text
/// phoneup prints goes through this one function.
pub fn sanitize(text: &str, style: &Style) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        // Printable ASCII, line feeds and tabs, the bulk of any text, go through a run at a time.
        let plain = rest
            .bytes()
            .position(|b| !matches!(b, b' '..=b'~' | b'\n' | b'\t'))
            .unwrap_or(rest.len());
        out.push_str(&rest[..plain]);
        rest = &rest[plain..];
        let Some(c) = rest.chars().next() else {
            break;
        };
        if c == '\x1b' && style.colour {
            let kept = STYLE_CODES.iter().find_map(|code| {
                let sequence = format!("\x1b[{code}m");
                rest.starts_with(&sequence).then_some(sequence)
            });
            if let Some(sequence) = kept {
                out.push_str(&sequence);
                rest = &rest[sequence.len()..];
                continue;
            }
        }
        if is_unsafe(c) {
            match c {
                '\r' => out.push_str("\\r"),
                _ => {
                    let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
                }
            }
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
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

    #[test]
    fn control_characters_never_pass_raw_but_our_colours_do() {
        let hostile = "P0S3-08-11-00\x1b]0;PWNED\x07\x1b[2J\r\u{202e}.bin\tok\n";
        let plain = sanitize(hostile, &Style::plain());
        assert_eq!(
            plain,
            "P0S3-08-11-00\\u{1b}]0;PWNED\\u{7}\\u{1b}[2J\\r\\u{202e}.bin\tok\n"
        );
        let colour = Style { colour: true };
        let painted = format!("{} {hostile}", colour.error("x"));
        let shown = sanitize(&painted, &colour);
        assert!(shown.starts_with("\x1b[1;31mx\x1b[0m "), "{shown:?}");
        assert_eq!(shown.matches('\x1b').count(), 2, "{shown:?}");
        // Without colour, even our own sequences are escaped.
        assert!(!sanitize(&painted, &Style::plain()).contains('\x1b'));
        // Text that is already safe, curly quotes included, is unchanged.
        let seed = "sntp_server: \u{201c}ntp.sipgate.net\u{201d}\n";
        assert_eq!(sanitize(seed, &Style::plain()), seed);
    }

    #[test]
    fn shell_words_are_quoted_only_when_needed() {
        assert_eq!(shell_word("/srv/tftp"), "/srv/tftp");
        assert_eq!(shell_word("/srv/my tftp"), "'/srv/my tftp'");
        assert_eq!(shell_word("it's"), "'it'\\''s'");
        assert_eq!(shell_word(""), "''");
    }
}
