//! Replays plans on the phone model ([`crate::phone::boot`]): a stage is only printed if the model,
//! booting from the stage's start with the stage's files, ends where the stage says and asks for
//! exactly the files the stage tells the user to expect.

use std::cell::RefCell;
use std::collections::HashSet;

use crate::error::Error;
use crate::files::loads;
use crate::knowledge::load_id::LoadId;
use crate::knowledge::matrix::Matrix;
use crate::knowledge::phones::Model;
use crate::phone::{Ending, Phone};
use crate::plan::stage::Stage;
use crate::tftp_root::TftpRoot;

/// Boots a verification runs at most: the upgrade, then the boot that shows it holds.
const BOOTS: usize = 3;

/// Bytes for stand-in firmware images (no Cisco firmware is ever shipped or needed).
pub const STAND_IN_IMAGE: &[u8] = b"phoneup stand-in firmware image, not a Cisco file\n";

/// A TFTP root holding a stage's files and stand-ins for the firmware of its target's package.
pub fn stage_root(stage: &Stage, matrix: &Matrix) -> TftpRoot {
    let mut root = TftpRoot::new();
    for (name, contents) in stage.whole_files() {
        if let Some(text) = contents {
            root.insert(name, text);
        }
    }
    if let Some(load) = matrix.by_name(&stage.to) {
        for file in &load.files {
            if file.ends_with(".loads") {
                root.insert(
                    file.clone(),
                    loads::stand_in(load.name(), load.loader_or_self(), load.name()),
                );
            } else {
                root.insert(file.clone(), STAND_IN_IMAGE);
            }
        }
    }
    root
}

/// Replays one stage on one model; the error says what the model saw instead.
pub fn verify_stage(stage: &Stage, matrix: &Matrix, model: Model) -> Result<(), String> {
    let start = LoadId::parse(&stage.from).map_err(|e| e.to_string())?;
    let root = stage_root(stage, matrix);
    let simulation = Phone::new(model).simulate(&start, &root, BOOTS);
    let first = simulation.boots.first().ok_or("the model did not boot")?;
    let requested: Vec<&str> = first.requests.iter().map(|r| r.file.as_str()).collect();
    if requested != stage.expect_requests {
        return Err(format!(
            "the model requests {} where the stage expects {}",
            requested.join(", "),
            stage.expect_requests.join(", ")
        ));
    }
    let target = LoadId::parse(&stage.to).map_err(|e| e.to_string())?;
    let ended = LoadId::parse(&simulation.final_load).map_err(|e| e.to_string())?;
    if ended.match_key() != target.match_key() || simulation.ending != Ending::Stable {
        return Err(format!(
            "the model ends on {} ({:?}) after: {}",
            simulation.final_load,
            simulation.ending,
            simulation
                .boots
                .iter()
                .map(|b| b.detail.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    Ok(())
}

/// Stages already replayed, by (from, to, model): a stage depends on nothing else, so a
/// [`crate::plan::Planner`] replays each one once.
pub type Verified = RefCell<HashSet<(String, String, Model)>>;

/// Replays every stage of a plan on each phone `model` addresses (each stage once per
/// `verified`).
pub fn verify_stages(
    stages: &[Stage],
    model: Model,
    matrix: &Matrix,
    verified: &Verified,
) -> Result<(), Error> {
    for stage in stages {
        for &model in model.phones() {
            let key = (stage.from.clone(), stage.to.clone(), model);
            if verified.borrow().contains(&key) {
                continue;
            }
            verify_stage(stage, matrix, model).map_err(|details| Error::Inconsistent {
                details: format!(
                    "stage {} ({} -> {}, rule {}) on a {model}: {details}",
                    stage.reboot, stage.from, stage.to, stage.rule
                ),
            })?;
            verified.borrow_mut().insert(key);
        }
    }
    Ok(())
}
