//! Errors that stop a command. Each one is an input or usage problem (exit code 2) and says
//! what to type instead; "the answer is no" is not an error but an outcome (exit code 1).

use std::fmt;
use std::io;
use std::path::PathBuf;

use phoneup_matrix::load_id::{LoadIdError, ACCEPTED_FORMS};

use crate::output::{IoText, Untrusted};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The matrix file is broken.
    #[error("{origin}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Matrix {
        origin: String,
        line: Option<usize>,
        message: String,
    },
    #[error("cannot read {}: {}", Untrusted(path.display()), IoText(source))]
    Read { path: PathBuf, source: io::Error },
    /// The TFTP root the user named cannot be read: what is wrong, and where to look.
    #[error(
        "cannot read the TFTP root {}: {}\n{}",
        Untrusted(path.display()),
        IoText(source),
        root_hint(source)
    )]
    TftpRoot { path: PathBuf, source: io::Error },
    /// A load ID that does not parse.
    #[error("{}", BadLoadId { error, suggestion, given })]
    BadLoadId {
        given: Input,
        error: LoadIdError,
        suggestion: Option<Box<Suggestion>>,
    },
    #[error("{given} `{}` is a {what}, not firmware to plan from or to.\n\
             Read the App Load ID instead: Settings > Status > Firmware Versions, the line above Boot Load ID.", Untrusted(input))]
    BootLoad {
        given: Input,
        input: String,
        /// "Boot Load ID (the phone's boot ROM)" or "DSP Load ID (...)".
        what: &'static str,
    },
    /// Text given for a MAC address that is not one: the flag, and why (`files::mac::MacError`,
    /// which shows the text escaped).
    #[error("{flag} {why}")]
    BadMac { flag: &'static str, why: String },
    #[error("{given} `{name}` is not in the catalogue, so phoneup does not know its files.\n\
             Known {what}: {}\n\
             To add a load you own: phoneup matrix > my-matrix.yaml, add it under `loads`, then pass --matrix my-matrix.yaml",
             known.join(", "))]
    NotInCatalogue {
        given: Input,
        name: String,
        what: String,
        known: Vec<String>,
    },
    #[error("{message}")]
    Usage { message: String },
    #[error("cannot write {}: {}", Untrusted(path.display()), IoText(source))]
    Write { path: PathBuf, source: io::Error },
    /// A file phoneup will not read or replace (a FIFO, a device, a huge file, a link), with
    /// what to do about it.
    #[error("{}: {problem}\n{fix}", Untrusted(path.display()))]
    Unsafe {
        path: PathBuf,
        problem: String,
        fix: String,
    },
    /// The undo journal is damaged, or holds something phoneup never writes.
    #[error("the undo journal {} {problem}\n{fix}", Untrusted(path.display()))]
    Journal {
        path: PathBuf,
        problem: String,
        fix: String,
    },
    /// Another phoneup holds the lock on this TFTP root.
    #[error("another phoneup apply or undo is changing {} (it holds the lock on {}); wait for it to finish, then run this again", Untrusted(root.display()), Untrusted(lock.display()))]
    Busy { root: PathBuf, lock: PathBuf },
    /// A command that stopped halfway, and how to go on from there.
    #[error("{error}\n{next}")]
    Stopped { error: Box<Error>, next: String },
    #[error("{} is not UTF-8 text; phoneup will not edit it", Untrusted(path.display()))]
    NotText { path: PathBuf },
    #[error(
        "internal inconsistency: the phone model does not confirm this plan: {details}\n\
             phoneup prints no plan it cannot replay; please report this with the command you ran"
    )]
    Inconsistent { details: String },
    #[error("{given} `{name}` is the start or the end of the plan; it cannot be avoided")]
    AvoidEndpoint { given: Input, name: String },
}

/// A load ID to type instead of one that does not parse, and why, when it is not a typo's
/// nearest (`the App Load ID of the Version line 8.11`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub id: String,
    pub why: Option<String>,
}

/// Which input of a command an error is about. Below the command line an input has a role: the
/// load a plan starts from, the one it ends on, one to go through or avoid. The command line
/// names it by the flag the user gave it with ([`Error::name_inputs`]), and the message starts
/// with that name; unnamed, a role reads as words (`the start`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// The load the phone runs now, where a plan or a check starts.
    From,
    /// The load wanted at the end.
    To,
    /// A load to go through on the way.
    Via,
    /// A load to keep away from.
    Avoid,
    /// A name read on its own (`identify`): the message names no input.
    Name,
    /// As the command line names it: a flag (`--to`), an argument, a line of a file.
    Named(&'static str),
}

impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Input::From => "the start",
            Input::To => "the target",
            Input::Via => "a load to go through",
            Input::Avoid => "a load to avoid",
            Input::Name => "",
            Input::Named(name) => name,
        })
    }
}

impl From<phoneup_matrix::Error> for Error {
    fn from(error: phoneup_matrix::Error) -> Error {
        match error {
            phoneup_matrix::Error::Matrix {
                origin,
                line,
                message,
            } => Error::Matrix {
                origin,
                line,
                message,
            },
            phoneup_matrix::Error::Read { path, source } => Error::Read { path, source },
        }
    }
}

/// What to do about a TFTP root that cannot be read, by what went wrong.
fn root_hint(source: &io::Error) -> &'static str {
    match source.kind() {
        io::ErrorKind::NotFound => "Check the path: give the directory your TFTP server serves (often /srv/tftp; tftpd-hpa names it as TFTP_DIRECTORY in /etc/default/tftpd-hpa).",
        io::ErrorKind::NotADirectory => "Give the directory your TFTP server serves, not a file in it (often /srv/tftp).",
        io::ErrorKind::PermissionDenied => "Run phoneup as a user who may read that directory (its owner, or the TFTP server's group), or with sudo.",
        _ => "Check that it is the directory your TFTP server serves (often /srv/tftp), and that you may read it.",
    }
}

impl Error {
    /// The TFTP root at `path` cannot be read.
    pub fn tftp_root(path: &std::path::Path, source: io::Error) -> Error {
        Error::TftpRoot {
            path: path.to_path_buf(),
            source,
        }
    }

    /// Every error is an input or usage error (an inconsistency comes from the matrix in use).
    pub fn exit_code(&self) -> u8 {
        2
    }

    /// The same error, with the input it is about named by `name` (the command line's flag for
    /// each role), here or in the error it wraps.
    pub fn name_inputs(self, name: impl Fn(Input) -> &'static str) -> Error {
        let named = |given: Input| Input::Named(name(given));
        match self {
            Error::BadLoadId {
                given,
                error,
                suggestion,
            } => Error::BadLoadId {
                given: named(given),
                error,
                suggestion,
            },
            Error::BootLoad { given, input, what } => Error::BootLoad {
                given: named(given),
                input,
                what,
            },
            Error::NotInCatalogue {
                given,
                name,
                what,
                known,
            } => Error::NotInCatalogue {
                given: named(given),
                name,
                what,
                known,
            },
            Error::AvoidEndpoint { given, name } => Error::AvoidEndpoint {
                given: named(given),
                name,
            },
            Error::Stopped { error, next } => Error::Stopped {
                error: Box::new(error.name_inputs(name)),
                next,
            },
            other => other,
        }
    }
}

struct BadLoadId<'a> {
    given: &'a Input,
    error: &'a LoadIdError,
    suggestion: &'a Option<Box<Suggestion>>,
}

impl fmt::Display for BadLoadId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.given.to_string().as_str() {
            "" => write!(f, "{}", self.error)?,
            given => write!(f, "{given}: {}", self.error)?,
        }
        // The ID alone between the backticks, so that it can be pasted.
        match self.suggestion.as_deref() {
            Some(Suggestion { id, why: Some(why) }) => write!(f, "\ndid you mean `{id}`, {why}?")?,
            Some(Suggestion { id, why: None }) => write!(f, "\ndid you mean `{id}`?")?,
            None => {}
        }
        if !matches!(
            self.error,
            LoadIdError::OtherPlatform { .. } | LoadIdError::OtherFamily { .. }
        ) {
            write!(f, "\n{ACCEPTED_FORMS}")?;
        }
        Ok(())
    }
}
