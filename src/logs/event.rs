//! One event: what a single log line says about a TFTP request, in the same shape whichever
//! server wrote it and however it reached the file.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

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
    /// xinetd starting tftpd-hpa's `in.tftpd` (FreePBX, Red Hat): who connected, and refusals.
    Xinetd,
    /// PumpKIN (macOS and Windows): its log file.
    PumpKin,
    /// A packet list: Wireshark's text or CSV export, `tshark`'s one-line output.
    Capture,
    /// A server phoneup does not know: lines naming a phone's address and one of its files,
    /// read by the fallback as requests.
    Fallback,
}

impl Source {
    /// Every server, in the order of the enum (`source as usize` indexes this array).
    pub const ALL: [Source; 9] = [
        Source::TftpdHpa,
        Source::Atftpd,
        Source::Dnsmasq,
        Source::Tftpd32,
        Source::Busybox,
        Source::Xinetd,
        Source::PumpKin,
        Source::Capture,
        Source::Fallback,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Source::TftpdHpa => "tftpd-hpa",
            Source::Atftpd => "atftpd",
            Source::Dnsmasq => "dnsmasq",
            Source::Tftpd32 => "Tftpd32",
            Source::Busybox => "busybox tftpd",
            Source::Xinetd => "xinetd",
            Source::PumpKin => "PumpKIN",
            Source::Capture => "packet capture",
            Source::Fallback => "fallback (a server phoneup does not know)",
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
    /// Tftpd32's `Connection received from A on port P` (the next read request is from it), or
    /// xinetd's `START: tftp ... from=A` (it started `in.tftpd` for A).
    Connected,
    /// The server logged the file as sent whole (dnsmasq `sent`, Tftpd32 `sent N blks`).
    Sent,
    /// Answered with TFTP error 1, File not found.
    NotFound,
    /// Answered with another error; `code` when the log shows it.
    Refused { code: Option<u16>, text: Arc<str> },
    /// The transfer started and did not finish (no acknowledgement, port closed, aborted).
    Failed { why: Arc<str> },
    /// Written at a transfer's end whatever the end was: atftpd's `End of transfer` (after a
    /// finished transfer and after one it gave up), PumpKIN's `Transfer of 'NAME' finished.`
    /// (also after an error it answered, a missing file among them).
    Ended,
    /// The server resent a block that was not acknowledged (not yet a failure).
    Resent,
    /// The server sent a block of the file, not its last: the transfer is under way (a packet
    /// list shows each block).
    Sending,
    /// The client sent an error (a probe that stops after learning the size, or an abort).
    ClientError { text: Arc<str> },
    /// The client asked again for a transfer the server was still answering (PumpKIN's `I'm
    /// already processing the request`): the server's data is not reaching it.
    Retried,
}

impl Outcome {
    /// The answer a server logged as TFTP error `code` with `text`: 1 is File not found.
    pub fn error(code: u16, text: &str) -> Outcome {
        if code == 1 {
            Outcome::NotFound
        } else {
            Outcome::Refused {
                code: Some(code),
                text: text.into(),
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
    /// A server's line cut short, as a mail archive or a web page breaks long lines, that no
    /// next line completes: a request with no file name, which is never read as a request.
    Incomplete(Source),
    /// Not a TFTP server line phoneup knows.
    Unrecognised,
}

impl Parsed<'_> {
    /// The same, owning its names.
    pub fn into_owned(self) -> Parsed<'static> {
        match self {
            Parsed::Event(e) => Parsed::Event(e.into_owned()),
            Parsed::Info(i) => Parsed::Info(i),
            Parsed::Incomplete(s) => Parsed::Incomplete(s),
            Parsed::Unrecognised => Parsed::Unrecognised,
        }
    }
}
