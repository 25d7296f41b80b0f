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

/// `contents` padded to the size the sources give for `file` (with line ends for a `.loads`,
/// whose text must still read, and zeros for an image), so that a stand-in is not taken for an
/// impostor; as they are when no size is known or they are longer.
pub fn stand_in_sized(file: &str, contents: &[u8]) -> Vec<u8> {
    let mut bytes = contents.to_vec();
    let known = crate::knowledge::package::Packages::builtin()
        .size_of(file)
        .and_then(|size| usize::try_from(size).ok());
    if let Some(size) = known.filter(|&size| size > bytes.len()) {
        let fill = if file.ends_with(".loads") { b'\n' } else { 0 };
        bytes.resize(size, fill);
    }
    bytes
}

/// A TFTP root holding a stage's files and stand-ins for the firmware it lists, and nothing
/// else: the stage must be enough on its own. A `.loads` stand-in names the `.sbn` and `.sb2`
/// listed after it, as the stage says the phone will fetch them.
pub fn stage_root(stage: &Stage) -> TftpRoot {
    let mut root = TftpRoot::new();
    for (name, contents) in stage.whole_files() {
        if let Some(text) = contents {
            root.insert(name, text);
        }
    }
    for (i, file) in stage.firmware.iter().enumerate() {
        match file.strip_suffix(".loads") {
            Some(name) => {
                let after = &stage.firmware[i + 1..];
                let named = |extension: &str| {
                    after
                        .iter()
                        .find_map(|f| f.strip_suffix(extension))
                        .unwrap_or(name)
                        .to_string()
                };
                root.insert(
                    file.clone(),
                    loads::stand_in(name, &named(".sbn"), &named(".sb2")),
                );
            }
            None => root.insert(file.clone(), STAND_IN_IMAGE),
        }
    }
    root
}

/// Replays one stage on one model; the error says what the model saw instead.
pub fn verify_stage(stage: &Stage, model: Model) -> Result<(), String> {
    let start = LoadId::parse(&stage.from).map_err(|e| e.to_string())?;
    let root = stage_root(stage);
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

/// Stages already replayed, by (from, to, firmware, model): a stage depends on nothing else,
/// so a [`crate::plan::Planner`] replays each one once.
pub type Verified = RefCell<HashSet<(String, String, Vec<String>, Model)>>;

/// Replays every stage of a plan on each phone `model` addresses (each stage once per
/// `verified`). A stage the model does not confirm is phoneup's fault with the built-in matrix,
/// and the rule's with a matrix the user gave (`--matrix`): the error says which.
pub fn verify_stages(
    stages: &[Stage],
    model: Model,
    matrix: &Matrix,
    verified: &Verified,
) -> Result<(), Error> {
    for stage in stages {
        for &model in model.phones() {
            let key = (
                stage.from.clone(),
                stage.to.clone(),
                stage.firmware.clone(),
                model,
            );
            if verified.borrow().contains(&key) {
                continue;
            }
            verify_stage(stage, model).map_err(|details| {
                if matrix.is_builtin() {
                    Error::Inconsistent {
                        details: format!(
                            "stage {} ({} -> {}, rule {}) on a {model}: {details}",
                            stage.reboot, stage.from, stage.to, stage.rule
                        ),
                    }
                } else {
                    Error::Matrix {
                        origin: matrix.origin.clone(),
                        line: matrix.rule_line(&stage.rule),
                        message: format!(
                            "rule `{}` allows {} -> {}, but the phone model does not confirm that stage on a {model} ({details}). phoneup prints no plan it cannot replay: narrow or remove the rule, or give it a mechanism the phone uses for this jump",
                            stage.rule, stage.from, stage.to
                        ),
                    }
                }
            })?;
            verified.borrow_mut().insert(key);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::Builtin;
    use crate::plan::{plan, Outcome, Request};

    #[test]
    fn a_stage_confirms_only_when_the_phone_settles_on_its_target() {
        let matrix = Matrix::builtin().unwrap();
        let Outcome::Plan(plan) =
            plan(&matrix, &Request::new("P0S3-06-3-00", "P0S3-08-11-00")).unwrap()
        else {
            panic!("a plan")
        };
        let stage = &plan.stages[0];
        assert_eq!(verify_stage(stage, Model::M7940), Ok(()));
        // The same files, said to lead elsewhere: the phone settles, but not there.
        let mut elsewhere = stage.clone();
        elsewhere.to = "P0S3-08-12-00".into();
        let error = verify_stage(&elsewhere, Model::M7940).unwrap_err();
        assert!(
            error.starts_with(&format!("the model ends on {} (Stable)", stage.to)),
            "{error}"
        );
    }
}
