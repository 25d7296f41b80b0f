//! Who serve walks and what it keeps about each: the [`Roster`] (`--phones`, `--phones-file`,
//! `--all` and `--to`), and one [`Phone`] record per managed phone (placement, state, history,
//! when it was last seen), which the state file holds; and a phone's stage and row as people
//! see them.
//!
//! May use: [`crate::wire::serve`]'s `placement`, `events` and the registry's [`Now`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::wire::serve::events::{Row, State};
use crate::wire::serve::placement::{describe, Knowledge, Placement, Proposal};
use crate::wire::serve::registry::Now;

/// A managed phone's own target and running-load hint, when the phones file gives them.
pub type Wanted = (Option<String>, Option<String>);

/// Which phones serve walks, and to which load.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    /// MAC -> (target, running-load hint).
    pub phones: BTreeMap<String, Wanted>,
    /// Every phone.
    pub all: bool,
    /// The target of `--to`.
    pub target: String,
}

impl Roster {
    /// The target and running-load hint of a managed MAC; `None` for a phone serve does not walk.
    pub fn target_of(&self, mac: &str) -> Option<(String, Option<String>)> {
        match self.phones.get(mac) {
            Some((target, hint)) => Some((
                target.clone().unwrap_or_else(|| self.target.clone()),
                hint.clone(),
            )),
            None if self.all => Some((self.target.clone(), None)),
            None => None,
        }
    }
}

/// One record of a phone's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageRecord {
    pub from: String,
    pub to: String,
    pub rule: String,
    /// When it ended (wall clock, ms since 1970).
    pub time_ms: u64,
}

/// Everything serve keeps about one managed phone (the state file holds these).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone {
    pub mac: String,
    pub target: String,
    pub address: Option<String>,
    pub state: State,
    pub why: Option<String>,
    pub placement: Placement,
    pub history: Vec<StageRecord>,
    /// When it last asked for something (wall clock, ms since 1970; 0: never), as shown.
    pub last_seen_ms: u64,
    #[serde(default)]
    pub placed_reported: Option<String>,
    /// It ran its target once (`phone_done`): any other load it shows later is one it left.
    #[serde(default)]
    pub reached: bool,
    /// The reboots of its whole plan, as last known (at its last `stage_done` or `phone_done`).
    #[serde(default)]
    pub stages: Option<usize>,
    /// When it last asked for something on the driver's monotonic clock (ms; before the clock
    /// began, for a phone resumed from a state file), which every "quiet for" is measured on;
    /// `None` when never.
    #[serde(skip)]
    pub(crate) seen: Option<i64>,
    /// The file it asked for last, and how many times in a row.
    #[serde(skip)]
    pub(crate) repeat: (String, u32),
    /// Transfers that failed in a row.
    #[serde(skip)]
    pub(crate) failures: u32,
    /// The file being sent, bytes acknowledged so far and its size.
    #[serde(skip)]
    pub(crate) transfer: Option<(String, u64, Option<u64>)>,
}

impl Phone {
    /// A phone seen for the first time, which may run any of `candidates`.
    pub fn new(mac: &str, target: &str, candidates: Vec<String>) -> Phone {
        Phone {
            mac: mac.to_string(),
            target: target.to_string(),
            address: None,
            state: State::Waiting,
            why: None,
            placement: Placement::new(candidates),
            history: Vec::new(),
            last_seen_ms: 0,
            placed_reported: None,
            reached: false,
            stages: None,
            seen: None,
            repeat: (String::new(), 0),
            failures: 0,
            transfer: None,
        }
    }

    /// How long it has been quiet at `now` (ms on the monotonic clock; for ever when never seen).
    pub fn quiet_for(&self, now: Now) -> u64 {
        match self.seen {
            None => u64::MAX,
            Some(seen) => u64::try_from(i128::from(now.ms) - i128::from(seen)).unwrap_or(0),
        }
    }

    /// "2 of 3" for a placed phone; what is known otherwise; and the numbers.
    pub fn stage(&self, k: &Knowledge) -> (String, Option<(usize, usize)>) {
        let done = self.history.len();
        if self.state == State::Done {
            return (format!("{done} of {done}"), Some((done, done)));
        }
        if let (State::Failed, Some(stages)) = (self.state, self.stages) {
            // Held where it failed: the plan it was walking, not one from where it came back.
            let at = (done + usize::from(!self.reached)).min(stages);
            return (format!("{at} of {stages}"), Some((at, stages)));
        }
        // The plan's length, when every load it may run has the same.
        let possible = self.placement.possible();
        let lengths: Vec<usize> = possible
            .iter()
            .map(|c| match k.proposal(c, &self.target) {
                Proposal::Stage { stages, .. } => stages,
                _ => usize::MAX,
            })
            .collect();
        let lead = if !lengths.is_empty() && lengths.iter().all(|n| *n == lengths[0]) {
            possible.first().cloned()
        } else {
            self.placement.expected.clone()
        };
        match lead.map(|l| k.proposal(&l, &self.target)) {
            Some(Proposal::Stage { stages, .. }) => (
                format!("{} of {}", done + 1, done + stages),
                Some((done + 1, done + stages)),
            ),
            Some(Proposal::Done { .. }) => (format!("{done} of {done}"), Some((done, done))),
            Some(Proposal::NoPath { .. }) => ("no path".into(), None),
            None => (format!("{} of ?", done + 1), None),
        }
    }

    /// Its row of the live view.
    pub fn row(&self, k: &Knowledge) -> Row {
        Row {
            mac: self.mac.clone(),
            address: self.address.clone().unwrap_or_else(|| "-".into()),
            model: None,
            running: describe(self.placement.possible()),
            stage: self.stage(k).0,
            file: self.transfer.clone(),
            state: self.state,
            last_seen_ms: self.last_seen_ms,
            why: self.why.clone(),
        }
    }
}
