//! How results reach the user: text for people, JSON or YAML for scripts, colour only where it
//! is wanted (`--color`, `NO_COLOR`, `CLICOLOR_FORCE`, a terminal), and the next step after an
//! answer that is not success. Everything phoneup prints passes through one writer, [`Out`],
//! which escapes whatever may not reach a terminal raw (one function, [`escape::escape`]) and
//! only then applies phoneup's colours; untrusted text is wrapped in [`Untrusted`] where it is
//! put into a message. A leaf: it uses no other module of phoneup.

use serde::Serialize;

pub mod escape;
mod format;
mod out;
mod style;

pub use escape::Untrusted;
pub use format::{structured, Format};
pub use out::{Control, Out};
pub use style::{choose_colour, Style, When};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_are_quoted_only_when_needed() {
        assert_eq!(shell_word("/srv/tftp"), "/srv/tftp");
        assert_eq!(shell_word("/srv/my tftp"), "'/srv/my tftp'");
        assert_eq!(shell_word("it's"), "'it'\\''s'");
        assert_eq!(shell_word(""), "''");
    }
}
