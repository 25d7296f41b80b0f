//! How results reach the user: text for people, JSON or YAML for scripts, colour only where it
//! is wanted (`--color`, `NO_COLOR`, `CLICOLOR_FORCE`, a terminal), and the next step after an
//! answer that is not success. Everything phoneup prints passes through one writer, [`Out`],
//! which escapes whatever may not reach a terminal raw (one function, [`escape::escape`]) and
//! only then applies phoneup's colours; untrusted text is wrapped in [`Untrusted`] where it is
//! put into a message. A leaf: it uses no other module of phoneup.

use serde::Serialize;

pub mod escape;
pub mod finding;
mod format;
mod out;
mod style;

pub use escape::Untrusted;
pub use format::{structured, Format};
pub use out::{Control, Out};
pub use style::{choose_colour, Style, When};

/// "1 reboot", "3 reboots".
pub fn reboots(n: usize) -> String {
    count(n, "reboot")
}

/// `n` and a noun that takes an s in the plural: "1 finding", "2 findings", "0 findings".
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
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

/// An I/O error as people read it: the system's words ("No such file or directory") without the
/// number Rust adds to them ("(os error 2)").
pub struct IoText<'a>(pub &'a std::io::Error);

impl std::fmt::Display for IoText<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = self.0.to_string();
        let shown = match self.0.raw_os_error() {
            Some(code) => text
                .strip_suffix(&format!(" (os error {code})"))
                .unwrap_or(&text),
            None => &text,
        };
        f.write_str(shown)
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
    fn io_errors_read_without_their_number() {
        let missing = std::io::Error::from_raw_os_error(libc_enoent());
        assert_eq!(IoText(&missing).to_string(), "No such file or directory");
        let own = std::io::Error::other("not a folder (os error 2)");
        assert_eq!(IoText(&own).to_string(), "not a folder (os error 2)");
    }

    /// ENOENT, 2 on every system phoneup runs on.
    fn libc_enoent() -> i32 {
        2
    }

    #[test]
    fn shell_words_are_quoted_only_when_needed() {
        assert_eq!(shell_word("/srv/tftp"), "/srv/tftp");
        assert_eq!(shell_word("/srv/my tftp"), "'/srv/my tftp'");
        assert_eq!(shell_word("it's"), "'it'\\''s'");
        assert_eq!(shell_word(""), "''");
    }
}
