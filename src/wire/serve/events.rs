//! What serve reports: one [`Event`] per thing that happened, with the phone's MAC (when known)
//! and address, as a line for people or a JSON object for scripts (`--events json`); and the
//! [`Row`] the live view shows per phone.
//!
//! Event names (`event` in JSON): `request`, `sent`, `not_found`, `refused`,
//! `transfer_failed`, `placed`, `stage_done`, `phone_done`, `phone_failed`, `stuck`,
//! `impersonation`, `forgotten`, `heard`.
//!
//! A file name is kept as the client sent it (JSON carries it exactly, escaped as JSON); the line
//! for people shows it, and every reason, escaped ([`Untrusted`]).
//!
//! May use: [`crate::output::Untrusted`], serde.

use serde::{Deserialize, Serialize};

use crate::output::Untrusted;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A read request arrived.
    Request,
    /// A file reached the client whole (its last block acknowledged).
    Sent,
    /// Answered with TFTP error 1, File not found.
    NotFound,
    /// Refused with TFTP error 2 (a path outside the directory, a write) or 4 (a mode).
    Refused,
    /// A transfer ended without the client acknowledging the last block.
    TransferFailed,
    /// serve knows which load a managed phone runs.
    Placed,
    /// A managed phone fetched its stage's firmware whole; it should come back on `to`.
    StageDone,
    /// A managed phone runs its target.
    PhoneDone,
    /// A managed phone is held: its stage did not take, or serve cannot place it.
    PhoneFailed,
    /// A phone asks for the same file again and again, or has made no progress for a while.
    Stuck,
    /// A fact about a managed phone besides its requests (its CDP announcement, its web page)
    /// narrowed the loads it may run, or replaced the load the phones file names; with no MAC
    /// and `managed` false, a notice that the CDP listener stopped.
    Heard,
    /// A client asked for a per-phone file of another MAC than the neighbour table or the
    /// leases give its address: answered as the directory is, kept off that phone's record.
    Impersonation,
    /// Under `--all`, a phone serve never placed and quiet for long is no longer kept: it is
    /// walked afresh if it asks again.
    Forgotten,
}

/// One event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    pub event: Kind,
    /// Milliseconds since 1970-01-01 UTC.
    pub time_ms: u64,
    /// Twelve upper-case hex digits, or null when serve does not know it.
    pub mac: Option<String>,
    /// The client's address and port.
    pub address: String,
    /// Whether serve walks this phone (false: it gets the directory as it is).
    pub managed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    /// The load the phone runs (placed), or a stage's start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load: Option<String>,
    /// A stage's target, or the phone's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stages: Option<usize>,
    /// Why, in words (refusals, failures, stuck).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

impl Event {
    /// An event with no time yet: whoever emits it stamps it (`time_ms`).
    pub fn new(event: Kind, mac: Option<&str>, address: impl ToString, managed: bool) -> Event {
        Event {
            event,
            time_ms: 0,
            mac: mac.map(str::to_string),
            address: address.to_string(),
            managed,
            file: None,
            bytes: None,
            load: None,
            to: None,
            stage: None,
            stages: None,
            why: None,
        }
    }

    pub fn file(mut self, file: &str) -> Event {
        self.file = Some(file.to_string());
        self
    }

    pub fn why(mut self, why: impl Into<String>) -> Event {
        self.why = Some(why.into());
        self
    }

    /// One line for people (and logs): `EVENT MAC ADDRESS [file] [details]`.
    pub fn line(&self) -> String {
        let name = serde_json::to_value(self.event)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let mut out = format!(
            "{name:<15} {:<12} {:<21}",
            self.mac.as_deref().unwrap_or("-"),
            self.address
        );
        if let Some(file) = &self.file {
            out.push_str(&format!(" {}", Untrusted(file)));
        }
        if let Some(bytes) = self.bytes {
            out.push_str(&format!(" ({bytes} bytes)"));
        }
        match (&self.load, &self.to) {
            (Some(load), Some(to)) => out.push_str(&format!(" {load} -> {to}")),
            (Some(load), None) => out.push_str(&format!(" runs {load}")),
            (None, Some(to)) => out.push_str(&format!(" -> {to}")),
            _ => {}
        }
        if let (Some(stage), Some(stages)) = (self.stage, self.stages) {
            out.push_str(&format!(" [stage {stage} of {stages}]"));
        }
        if !self.managed {
            out.push_str(" [not managed: the directory as it is]");
        }
        if let Some(why) = &self.why {
            out.push_str(&format!(": {}", Untrusted(why)));
        }
        out
    }

    pub fn json(&self) -> String {
        serde_json::to_string(self).expect("plain data serialises")
    }
}

/// A managed phone's state, as the live view shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Between requests, or not seen yet.
    Waiting,
    /// A file is on its way.
    Transferring,
    /// It fetched its stage's firmware and is writing it and rebooting.
    Rebooting,
    Done,
    Stuck,
    Failed,
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::Waiting => "waiting",
            State::Transferring => "transferring",
            State::Rebooting => "rebooting",
            State::Done => "done",
            State::Stuck => "stuck",
            State::Failed => "failed",
        }
    }
}

/// One phone's row of the live view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub mac: String,
    pub address: String,
    /// The model, when known (from its CDP announcement or its web page).
    pub model: Option<String>,
    pub running: String,
    pub stage: String,
    /// The file being sent, bytes so far and its size.
    pub file: Option<(String, u64, Option<u64>)>,
    pub state: State,
    /// When it last asked for something (ms since the epoch; 0: never).
    pub last_seen_ms: u64,
    pub why: Option<String>,
}

/// What the server tells the view.
#[derive(Debug, Clone)]
pub enum Message {
    Event(Event),
    Row(Row),
    /// Bytes acknowledged so far for a managed phone's transfer.
    Progress {
        mac: String,
        file: String,
        bytes: u64,
        size: Option<u64>,
    },
    /// The phone of this MAC is no longer kept: its row goes.
    Forget(String),
    /// The state file could not be written (why): said under the table until serve ends, with
    /// exit 1.
    StateNotSaved(String),
}
