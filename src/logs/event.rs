//! One event: what a single log line says about a TFTP request, in the same shape whichever
//! server wrote it and however it reached the file.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;

use crate::logs::time::Time;

/// The TFTP server that wrote a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// tftpd-hpa (`in.tftpd`).
    TftpdHpa,
    /// atftpd.
    Atftpd,
    /// dnsmasq's TFTP server (`dnsmasq-tftp`).
    Dnsmasq,
    /// Tftpd32 or Tftpd64 (Windows).
    Tftpd32,
    /// busybox's tftpd.
    Busybox,
}

impl Source {
    /// Every server, in the order of the enum (`source as usize` indexes this array).
    pub const ALL: [Source; 5] = [
        Source::TftpdHpa,
        Source::Atftpd,
        Source::Dnsmasq,
        Source::Tftpd32,
        Source::Busybox,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Source::TftpdHpa => "tftpd-hpa",
            Source::Atftpd => "atftpd",
            Source::Dnsmasq => "dnsmasq",
            Source::Tftpd32 => "Tftpd32",
            Source::Busybox => "busybox tftpd",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The process that wrote a line: the PID, and atftpd's thread id in its own log file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pid {
    pub pid: u32,
    pub thread: Option<u64>,
}

/// What a line says happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A read request (tftpd-hpa `RRQ`, atftpd `Serving`, Tftpd32 `Read request`).
    Requested,
    /// Tftpd32's `Connection received from A on port P`: the next read request is from it.
    Connected,
    /// The server logged the file as sent whole (dnsmasq `sent`, Tftpd32 `sent N blks`).
    Sent,
    /// Answered with TFTP error 1, File not found.
    NotFound,
    /// Answered with another error; `code` when the log shows it.
    Refused { code: Option<u16>, text: String },
    /// The transfer started and did not finish (no acknowledgement, port closed, aborted).
    Failed { why: String },
    /// atftpd's `End of transfer`: written after a finished transfer and after one it gave up.
    Ended,
    /// The server resent a block that was not acknowledged (not yet a failure).
    Resent,
    /// The client sent an error (a probe that stops after learning the size, or an abort).
    ClientError { text: String },
}

impl Outcome {
    /// The answer a server logged as TFTP error `code` with `text`: 1 is File not found.
    pub fn error(code: u16, text: &str) -> Outcome {
        if code == 1 {
            Outcome::NotFound
        } else {
            Outcome::Refused {
                code: Some(code),
                text: text.to_string(),
            }
        }
    }

    /// Whether the server's answer is final: later lines about the transfer change nothing.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Outcome::Sent | Outcome::NotFound | Outcome::Refused { .. } | Outcome::Failed { .. }
        )
    }
}

/// One line's event. `file` is the name as the phone asked for it (a server's root in front
/// of it is taken off later, when the root is known); CR and TAB escaped by syslog are
/// already turned back into themselves. Names borrow from the line when they can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event<'a> {
    /// The line number in the input, from 1.
    pub line: u64,
    pub time: Option<Time>,
    pub source: Source,
    pub client: Option<Cow<'a, str>>,
    pub port: Option<u16>,
    pub pid: Option<Pid>,
    pub file: Option<Cow<'a, str>>,
    pub outcome: Outcome,
    pub bytes: Option<u64>,
}

/// What a recognised line carries besides an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Info {
    /// A line of a TFTP server that is about nothing a phone did (start-up, options,
    /// write requests, internal steps).
    Server(Source),
    /// dnsmasq's `TFTP root is DIR`: the prefix of the paths it logs.
    Root(String),
    /// `journalctl` hid a message with control characters (`[27B blob data]`).
    Blob(Source),
}

impl Event<'_> {
    /// The same event, owning its names.
    pub fn into_owned(self) -> Event<'static> {
        Event {
            client: self.client.map(|c| Cow::Owned(c.into_owned())),
            file: self.file.map(|f| Cow::Owned(f.into_owned())),
            ..self
        }
    }
}

/// What a line is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed<'a> {
    Event(Event<'a>),
    Info(Info),
    /// Not a TFTP server line phoneup knows.
    Unrecognised,
}

impl Parsed<'_> {
    /// The same, owning its names.
    pub fn into_owned(self) -> Parsed<'static> {
        match self {
            Parsed::Event(e) => Parsed::Event(e.into_owned()),
            Parsed::Info(i) => Parsed::Info(i),
            Parsed::Unrecognised => Parsed::Unrecognised,
        }
    }
}
