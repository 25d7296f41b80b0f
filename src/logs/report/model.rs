//! The report as data: what `diagnose` says, in the fields JSON and YAML show.

use std::collections::BTreeMap;
use std::fmt;

use serde::ser::SerializeSeq;
use serde::{Serialize, Serializer};

use crate::files::mac::Mac;
use crate::knowledge::load_id::Protocol;
use crate::knowledge::matrix::Matrix;
use crate::logs::findings::Kind;
use crate::logs::story::Story;
use crate::phone::recognise::BootShape;
use crate::plan::Planner;

/// `--to LOAD`: where each phone should end.
pub struct Target {
    pub matrix: &'static Matrix,
    pub to: String,
}

#[derive(Debug, Serialize)]
pub struct Report<'d> {
    /// The inputs in the order read; line numbers run on from one input to the next.
    pub inputs: Vec<InputReport>,
    pub lines_read: u64,
    pub lines_unrecognised: u64,
    /// Lines of `max_line_bytes` or more: skipped unread (counted in `lines_unrecognised`).
    pub lines_too_long: u64,
    /// Lines that were the second half of a line broken in two (as mail archives and web pages
    /// break long lines), read joined to the line before.
    pub lines_joined: u64,
    pub max_line_bytes: usize,
    /// Lines recognised per server.
    pub sources: BTreeMap<String, u64>,
    /// What this log cannot show, and lines phoneup could not tie to a phone.
    pub notes: Vec<String>,
    pub phones: Phones<'d>,
    pub findings: Vec<FindingReport>,
}

/// The phones of a report, each made when it is shown.
pub struct Phones<'d> {
    pub(super) story: &'d Story,
    pub(super) target: Option<(&'d Target, Planner<'static>)>,
}

impl Serialize for Phones<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut list = serializer.serialize_seq(Some(self.len()))?;
        for phone in self.iter() {
            list.serialize_element(&phone)?;
        }
        list.end()
    }
}

impl fmt::Debug for Phones<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct InputReport {
    /// A path, or `-` for standard input.
    pub name: String,
    pub first_line: u64,
    pub last_line: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct PhoneReport {
    pub client: Option<String>,
    pub mac: Option<Mac>,
    /// The era of the image running at its last boot.
    pub era: BootShape,
    pub protocol: Option<Protocol>,
    /// With era `other_phone`: the phones whose file it asked for (`7906`, `7906/7911`,
    /// or `79x1` for a trust list any of them asks for).
    pub other_phone: Option<String>,
    /// The load it runs, when the log shows it.
    pub running: Option<String>,
    /// Boots seen in all (the last ones are listed).
    pub boots_seen: u64,
    pub boots: Vec<BootReport>,
    /// With `--to`: its place on the plan.
    pub stage: Option<StageReport>,
    pub findings: Vec<PhoneFinding>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BootReport {
    pub boot: u64,
    pub first_line: u64,
    pub last_line: u64,
    pub start: Option<String>,
    pub era: BootShape,
    pub protocol: Option<Protocol>,
    /// With era `other_phone`: the phones whose file it asked for.
    pub other_phone: Option<String>,
    /// What the boot is, in words, for another phone's boot.
    #[serde(skip)]
    pub(super) other_words: Option<String>,
    /// The load running, when the boot shows it or the image the boot before fetched does.
    pub running: Option<String>,
    /// Images fetched (`.bin`, `.sbn`, `.sb2`), when the log shows the server sent them.
    pub fetched: Vec<String>,
    /// The application asked for its own files: it is up.
    pub application_up: bool,
    pub requests: Vec<RequestReport>,
    /// Requests not listed.
    pub more_requests: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct RequestReport {
    pub line: u64,
    pub file: String,
    /// `requested` (the log shows no answer), `sent`, `not_found` (TFTP error 1), `refused`
    /// (another error), `failed` (started, never finished), `ended` (atftpd: finished or gave
    /// up).
    pub outcome: &'static str,
    /// The TFTP error code of a refusal, when the log shows it.
    pub code: Option<u16>,
    pub detail: Option<String>,
    pub bytes: Option<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StageReport {
    pub to: String,
    /// The load the plan starts from: the first the log shows this phone running.
    pub plan_from: Option<String>,
    pub reboots: Option<usize>,
    /// Reboots of the plan done.
    pub done: Option<usize>,
    /// `done`, `rebooting` (it fetched the next stage's image), `waiting` (for the next
    /// stage's files), `off_plan`, `no_path`, `unknown` (the log does not show what it runs).
    pub status: &'static str,
    pub next: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PhoneFinding {
    pub kind: Kind,
    pub file: String,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingReport {
    pub kind: Kind,
    pub client: Option<String>,
    pub mac: Option<Mac>,
    pub file: String,
    pub count: u64,
    pub lines: Vec<u64>,
    pub detail: String,
    pub fix: String,
}
