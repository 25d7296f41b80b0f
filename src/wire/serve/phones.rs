//! Who serve walks and what it keeps about each: the [`Roster`] (`--phones`, `--phones-file`,
//! `--all` and `--to`), and one [`Phone`] record per managed phone (placement, state, history,
//! when it was last seen), which the state file holds; and a phone's stage and row as people
//! see them.
//!
//! May use: [`crate::wire::serve`]'s `placement`, `events`, `now` and `family_walk`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::wire::serve::events::{Row, State};
use crate::wire::serve::family_walk::FamilyWalk;
use crate::wire::serve::now::Now;
use crate::wire::serve::placement::{describe, Knowledge, Placement, Proposal};

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
    /// MAC -> the walk of a 7906 to 7975 walked by its family's stages (`model=` in the phones
    /// file), planned once when the roster is read.
    pub family: BTreeMap<String, FamilyWalk>,
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
    /// Its model, as its CDP announcement or its web page names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// A 7906 to 7975's walk by its family's stages (`model=` in the phones file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<FamilyWalk>,
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
            model: None,
            family: None,
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
        if let Some(walk) = &self.family {
            // Done, it has walked every stage: the next one is past the last.
            let stages = walk.loads.len() - 1;
            let at = (done + 1).min(stages);
            return (format!("{at} of {stages}"), Some((at, stages)));
        }
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
            model: self.model.clone(),
            running: match &self.family {
                Some(walk) => describe(&walk.candidates),
                None => describe(self.placement.possible()),
            },
            stage: self.stage(k).0,
            file: self.transfer.clone(),
            state: self.state,
            last_seen_ms: self.last_seen_ms,
            why: self.why.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::matrix::Matrix;
    use crate::knowledge::Builtin;

    const TARGET: &str = "P0S3-08-11-00";

    fn phone(candidates: &[&str]) -> Phone {
        let candidates = candidates.iter().map(|c| c.to_string()).collect();
        Phone::new("0018B9000001", TARGET, candidates)
    }

    #[test]
    fn a_phones_stage_is_its_plans_when_every_load_it_may_run_has_the_same_length() {
        let matrix = Matrix::builtin().unwrap();
        let k = Knowledge::new(&matrix, None);
        // P0S3-06-3-00 and P0S3-06-0-00 both take two stages to the target.
        let mut same = phone(&["P0S3-06-3-00", "P0S3-06-0-00"]);
        assert_eq!(same.stage(&k), ("1 of 2".into(), Some((1, 2))));
        same.history.push(StageRecord {
            from: "P0030301MFG2".into(),
            to: "P0S3-06-3-00".into(),
            rule: "r".into(),
            time_ms: 1,
        });
        assert_eq!(same.stage(&k), ("2 of 3".into(), Some((2, 3))));
        // Plans of different lengths (or none, for the target itself): the expected load's.
        let mut mixed = phone(&["P0S3-06-3-00", TARGET]);
        assert_eq!(mixed.stage(&k), ("1 of ?".into(), None));
        mixed.placement.expected = Some("P0S3-06-3-00".into());
        assert_eq!(mixed.stage(&k), ("1 of 2".into(), Some((1, 2))));
        mixed.placement.expected = Some(TARGET.into());
        assert_eq!(mixed.stage(&k), ("0 of 0".into(), Some((0, 0))));
        assert_eq!(phone(&[]).stage(&k), ("1 of ?".into(), None));
        let from_nowhere = Phone::new("0018B9000001", "P0030301MFG2", vec![TARGET.into()]);
        assert_eq!(from_nowhere.stage(&k), ("no path".into(), None));
    }

    #[test]
    fn a_done_or_failed_phone_shows_where_it_stopped() {
        let matrix = Matrix::builtin().unwrap();
        let k = Knowledge::new(&matrix, None);
        let mut p = phone(&["P0S3-06-3-00"]);
        let record = StageRecord {
            from: "a".into(),
            to: "b".into(),
            rule: "r".into(),
            time_ms: 1,
        };
        p.history = vec![record.clone(), record];
        p.state = State::Done;
        assert_eq!(p.stage(&k), ("2 of 2".into(), Some((2, 2))));
        p.state = State::Failed;
        p.stages = Some(4);
        assert_eq!(
            p.stage(&k),
            ("3 of 4".into(), Some((3, 4))),
            "failed on its third"
        );
        p.reached = true;
        assert_eq!(
            p.stage(&k),
            ("2 of 4".into(), Some((2, 4))),
            "left its target"
        );
        p.stages = Some(2);
        p.reached = false;
        assert_eq!(
            p.stage(&k),
            ("2 of 2".into(), Some((2, 2))),
            "never past its plan"
        );
        p.stages = None;
        assert_eq!(
            p.stage(&k),
            ("3 of 4".into(), Some((3, 4))),
            "its plan from here"
        );
    }

    #[test]
    fn a_phones_row_and_how_long_it_has_been_quiet() {
        let matrix = Matrix::builtin().unwrap();
        let k = Knowledge::new(&matrix, None);
        let mut p = phone(&["P0S3-06-3-00"]);
        let now = Now {
            ms: 10_000,
            wall_ms: 1,
        };
        assert_eq!(p.quiet_for(now), u64::MAX, "never seen");
        p.seen = Some(4_000);
        assert_eq!(p.quiet_for(now), 6_000);
        p.seen = Some(-5_000);
        assert_eq!(p.quiet_for(now), 15_000, "seen before the clock began");
        p.seen = Some(20_000);
        assert_eq!(p.quiet_for(now), 0);
        p.address = Some("10.0.0.1:50000".into());
        p.why = Some("why".into());
        p.last_seen_ms = 77;
        p.transfer = Some(("f".into(), 1, None));
        let row = p.row(&k);
        assert_eq!(
            (row.mac.as_str(), row.address.as_str(), row.running.as_str()),
            ("0018B9000001", "10.0.0.1:50000", "P0S3-06-3-00")
        );
        assert_eq!((row.stage.as_str(), row.last_seen_ms), ("1 of 2", 77));
        assert_eq!((row.why.as_deref(), row.model), (Some("why"), None));
        assert_eq!(row.file, Some(("f".into(), 1, None)));
        assert_eq!(phone(&[]).row(&k).address, "-");
    }

    #[test]
    fn the_roster_gives_each_managed_phone_its_target_and_hint() {
        let mut roster = Roster {
            target: TARGET.into(),
            ..Roster::default()
        };
        roster
            .phones
            .insert("A".into(), (None, Some("P0S3-06-3-00".into())));
        roster
            .phones
            .insert("B".into(), (Some("P00308010200".into()), None));
        assert_eq!(
            roster.target_of("A"),
            Some((TARGET.into(), Some("P0S3-06-3-00".into())))
        );
        assert_eq!(roster.target_of("B"), Some(("P00308010200".into(), None)));
        assert_eq!(roster.target_of("C"), None);
        roster.all = true;
        assert_eq!(roster.target_of("C"), Some((TARGET.into(), None)));
    }
}
