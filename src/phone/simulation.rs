//! A run of boots: the phone model booting again and again from one TFTP root until it settles,
//! loops or refuses its image, and the record of it (its text and next step are the command's,
//! [`crate::commands::simulate`]).

use std::collections::HashSet;

use serde::Serialize;

use crate::files::mac::Mac;
use crate::knowledge::load_id::LoadId;
use crate::knowledge::phones::Model;
use crate::output::NextStep;
use crate::phone::boot::{Boot, BootResult, Phone};
use crate::phone::server::{RootServer, Server};
use crate::tftp_root::TftpRoot;

/// Where a run of boots ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ending {
    /// The phone runs its load and nothing names another.
    Stable,
    /// It would repeat the last boot forever (or flip between loads).
    Loop,
    /// It keeps refusing the image it is given.
    Refused,
    /// The model cannot say.
    Unknown,
    /// Still changing when the boots ran out.
    Unfinished,
}

/// A run of boots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Simulation {
    pub from: String,
    pub model: Model,
    pub mac: Option<Mac>,
    pub boots: Vec<Boot>,
    pub final_load: String,
    pub ending: Ending,
    /// For a loop: the file it loops on.
    pub loop_file: Option<String>,
    /// Every problem found, without repeats.
    pub problems: Vec<String>,
    /// When the phone does not settle: the fix and the command to run next (filled in by the
    /// command that booted it, `crate::commands::simulate::suggest`).
    pub next_step: Option<NextStep>,
    /// Entries of the TFTP root a server would not serve, and why (a FIFO, a folder, a link
    /// that leaves the directory): the phone found none of them. Set by whoever read the root
    /// (`simulate --tftp-root`); empty over the wire.
    pub skipped: Vec<String>,
}

impl Phone {
    /// Boots until the phone settles, loops or `max_boots` run out, reading `root` from memory.
    pub fn simulate(&self, start: &LoadId, root: &TftpRoot, max_boots: usize) -> Simulation {
        let mut server = RootServer {
            root,
            behaviour: self.server,
        };
        self.simulate_on(start, &mut server, max_boots)
    }

    /// Boots until the phone settles, loops or `max_boots` run out, reading every file from
    /// `server` (a real one over the wire, or a root in memory).
    pub fn simulate_on(
        &self,
        start: &LoadId,
        server: &mut dyn Server,
        max_boots: usize,
    ) -> Simulation {
        let mut running = start.clone();
        let mut seen = HashSet::from([running.name().to_string()]);
        let mut boots: Vec<Boot> = Vec::new();
        let mut ending = Ending::Unfinished;
        let mut loop_file = None;
        for number in 1..=max_boots.max(1) {
            let boot = self.boot(number, &running, server);
            let result = boot.result;
            let stuck_on = boot.stuck_on.clone();
            let after = boot.after.clone();
            boots.push(boot);
            match result {
                BootResult::Upgraded => {
                    running = LoadId::parse(&after).expect("the model only runs parsed loads");
                    if !seen.insert(after.clone()) {
                        ending = Ending::Loop;
                        loop_file = Some(format!("{after} (the phone flips between loads)"));
                        break;
                    }
                }
                BootResult::Stable => {
                    ending = Ending::Stable;
                    break;
                }
                BootResult::FileNotFound
                | BootResult::Loop
                | BootResult::ProtocolApplicationInvalid => {
                    ending = Ending::Loop;
                    loop_file = stuck_on;
                    break;
                }
                BootResult::Refused => {
                    ending = Ending::Refused;
                    break;
                }
                BootResult::Unknown => {
                    ending = Ending::Unknown;
                    break;
                }
            }
        }
        let mut problems: Vec<String> = Vec::new();
        for problem in boots.iter().flat_map(|b| b.problems.iter()) {
            if !problems.contains(problem) {
                problems.push(problem.clone());
            }
        }
        Simulation {
            from: start.name().to_string(),
            model: self.model,
            mac: self.mac(),
            final_load: running.name().to_string(),
            boots,
            ending,
            loop_file,
            problems,
            next_step: None,
            skipped: Vec::new(),
        }
    }
}
