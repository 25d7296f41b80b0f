//! The plan: the staged sequence of reboots from the running load to the wanted one, or why
//! there is none (its text is the command's, [`crate::commands::plan`]); [`family`] plans the
//! Java-based phones (7906 to 7975) from the matrix's own section for them.

pub mod family;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Input};
use crate::files::xml_default_cnf_xml;
use crate::knowledge::catalogue;
use crate::knowledge::graph::{Prefer, Step, UpgradeGraph};
use crate::knowledge::load_id::Kind;
use crate::knowledge::matrix::{Load, Matrix};
use crate::knowledge::phones::Model;
use crate::output::{self, NextStep};
use crate::plan::no_path::{self, refusal_reason, Asked};
use crate::plan::replay;
use crate::plan::spelling::Spelling;
use crate::plan::stage::{self, Stage};
use crate::tftp_root::journal::UndoJournal;
use crate::tftp_root::TftpRoot;

/// What the user asks for.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub from: String,
    pub to: String,
    pub via: Vec<String>,
    pub avoid: Vec<String>,
    pub model: Model,
    /// The user's TFTP root: follow the spelling of its files, prefer what is there, and list
    /// what is not.
    pub tftp_root: Option<PathBuf>,
    /// Safety first (the default), or the fewest reboots first.
    pub prefer: Prefer,
}

impl Request {
    /// From `from` to `to`, with no waypoints, no avoided loads, both models, no TFTP root and
    /// safety first.
    pub fn new(from: impl Into<String>, to: impl Into<String>) -> Request {
        Request {
            from: from.into(),
            to: to.into(),
            ..Request::default()
        }
    }
}

/// A plan: one stage per reboot.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub from: String,
    pub from_label: String,
    pub to: String,
    pub to_label: String,
    pub model: Model,
    /// What the route was chosen for first: `safety` or `reboots`.
    pub prefer: Prefer,
    pub reboots: usize,
    /// Every load the phone runs, from the first to the last.
    pub path: Vec<String>,
    pub stages: Vec<Stage>,
    /// With `--tftp-root`: firmware files the plan needs that the directory lacks, named exactly
    /// as the phone will ask for them.
    pub to_obtain: Vec<String>,
    pub notes: Vec<String>,
    /// Empty: a plan was found (the key is in every plan answer, as in [`NoPath`]'s).
    pub reasons: Vec<String>,
    /// Empty: a plan was found ([`NoPath`] lists the targets the load reaches).
    pub reachable: Vec<String>,
    /// `null`: a plan was found.
    pub next_step: Option<NextStep>,
}

pub use crate::plan::no_path::NoPath;

/// The answer to a plan request.
#[derive(Debug, Clone)]
pub enum Outcome {
    Plan(Plan),
    NoPath(NoPath),
}

/// Plans many requests against one matrix, building its graph once.
pub struct Planner<'m> {
    matrix: &'m Matrix,
    graph: UpgradeGraph<'m>,
    verified: replay::Verified,
}

impl<'m> Planner<'m> {
    pub fn new(matrix: &'m Matrix) -> Planner<'m> {
        Planner {
            matrix,
            graph: UpgradeGraph::new(matrix, None),
            verified: replay::Verified::default(),
        }
    }

    /// Plans the reboots from `request.from` to `request.to`.
    pub fn plan(&self, request: &Request) -> Result<Outcome, Error> {
        let from = catalogue::resolve(self.matrix, &request.from, Input::From)?;
        if from.in_catalogue {
            plan_on(self.matrix, &self.graph, &from, request, &self.verified)
        } else {
            // A start the catalogue lacks needs a graph with it as a node.
            let graph = UpgradeGraph::new(self.matrix, Some(&from));
            plan_on(self.matrix, &graph, &from, request, &self.verified)
        }
    }
}

/// Plans the reboots from `request.from` to `request.to`.
pub fn plan(matrix: &Matrix, request: &Request) -> Result<Outcome, Error> {
    Planner::new(matrix).plan(request)
}

/// For a target the catalogue lacks: the refusals that settle the answer without its files,
/// because one of them speaks about every load the phone could reach (a signed phone never
/// goes below 5.0, whatever the target's files).
fn settled_by_era(
    matrix: &Matrix,
    graph: &UpgradeGraph,
    from: &Load,
    to: &Load,
) -> Option<Vec<String>> {
    let start = graph.node(from.name())?;
    let mut reasons: Vec<String> = Vec::new();
    for node in graph.reachable(start) {
        let load = graph.load(node);
        let rule = matrix.refusals(load, to).next()?;
        let reason = refusal_reason(rule);
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
    }
    Some(reasons)
}

fn plan_on(
    matrix: &Matrix,
    graph: &UpgradeGraph,
    from: &Load,
    request: &Request,
    verified: &replay::Verified,
) -> Result<Outcome, Error> {
    let to = catalogue::resolve(matrix, &request.to, Input::To)?;
    let asked = Asked {
        matrix,
        graph,
        model: request.model,
        prefer: request.prefer,
        from,
        to: &to,
    };
    if !to.in_catalogue {
        return uncatalogued_target(&asked);
    }
    let (waypoints, avoided) = waypoints_and_avoided(matrix, request, from, &to)?;
    let root = match &request.tftp_root {
        Some(dir) => Some(TftpRoot::from_dir(dir)?),
        None => None,
    };
    let spelling = Spelling::new(root.as_ref());
    let present = spelling.present();
    let node = |load: &Load| {
        graph
            .node(load.name())
            .expect("every resolved load is a node")
    };
    let avoid: HashSet<_> = avoided
        .iter()
        .filter(|l| l.in_catalogue)
        .map(&node)
        .collect();

    let mut points = vec![node(from)];
    points.extend(waypoints.iter().map(&node));
    points.push(node(&to));
    let mut steps: Vec<Step> = Vec::new();
    for leg in points.windows(2) {
        match graph.best_path(leg[0], leg[1], &avoid, &present, request.prefer) {
            Some(path) => steps.extend(path),
            None => {
                return Ok(Outcome::NoPath(no_path::no_path(
                    &asked,
                    (leg[0], leg[1]),
                    &waypoints,
                    &avoided,
                    &avoid,
                )));
            }
        }
    }

    // Load IDs pasted with typographic dashes were read as the IDs they show: say so.
    let typed = [("--from", &request.from), ("--to", &request.to)]
        .into_iter()
        .chain(request.via.iter().map(|via| ("--via", via)))
        .chain(request.avoid.iter().map(|avoid| ("--avoid", avoid)));
    let mut notes: Vec<String> = typed
        .filter_map(|(flag, input)| catalogue::typography_note(flag, input))
        .collect();
    let mut stages: Vec<Stage> = Vec::new();
    let mut at = from.clone();
    for (i, step) in steps.iter().enumerate() {
        let spelled = spelling.step(&at, step.to);
        for note in spelled.notes {
            if !notes.contains(&note) {
                notes.push(note);
            }
        }
        stages.push(stage::build(
            i + 1,
            &at,
            &spelled.to,
            step.rule,
            matrix,
            request.model,
            spelled.firmware,
        ));
        at = spelled.to;
    }
    if let (Some(root), Some(dir)) = (&root, &request.tftp_root) {
        if !has_xmldefault(root, dir) {
            stages.iter_mut().for_each(Stage::xmldefault_created_whole);
        }
    }
    let mut path = vec![from.name().to_string()];
    path.extend(stages.iter().map(|s| s.to.clone()));
    general_notes(matrix, from, &to, &stages, &mut notes);
    let to_obtain = match &root {
        Some(root) => to_obtain(root, &stages, &mut notes),
        None => Vec::new(),
    };
    let plan = Plan {
        from: from.name().to_string(),
        from_label: from.label(),
        to: at.name().to_string(),
        to_label: to.label(),
        model: request.model,
        prefer: request.prefer,
        reboots: stages.len(),
        path,
        stages,
        to_obtain,
        notes,
        reasons: Vec::new(),
        reachable: Vec::new(),
        next_step: None,
    };
    replay::verify_stages(&plan.stages, plan.model, matrix, verified)?;
    Ok(Outcome::Plan(plan))
}

/// The answer for a target the catalogue lacks: no plan when a rule refuses it from every load
/// the phone could reach, otherwise the error that asks for its files.
fn uncatalogued_target(asked: &Asked) -> Result<Outcome, Error> {
    let (from, to) = (asked.from, asked.to);
    match settled_by_era(asked.matrix, asked.graph, from, to) {
        Some(mut reasons) => {
            reasons.push(format!(
                "{} is not in the catalogue, and it need not be: a rule refuses it from every load {} can reach.",
                to.name(),
                from.name()
            ));
            Ok(Outcome::NoPath(no_path::refused_everywhere(asked, reasons)))
        }
        None => Err(catalogue::not_in_catalogue(asked.matrix, to, Input::To)),
    }
}

/// The loads to go through (catalogue loads) and to keep away from (never the start or the
/// end), as the request names them.
fn waypoints_and_avoided(
    matrix: &Matrix,
    request: &Request,
    from: &Load,
    to: &Load,
) -> Result<(Vec<Load>, Vec<Load>), Error> {
    let mut waypoints = Vec::new();
    for via in &request.via {
        waypoints.push(catalogue::resolve_known(matrix, via, Input::Via)?);
    }
    let mut avoided = Vec::new();
    for avoid in &request.avoid {
        let load = catalogue::resolve(matrix, avoid, Input::Avoid)?;
        if load.id.match_key() == from.id.match_key() || load.id.match_key() == to.id.match_key() {
            return Err(Error::AvoidEndpoint {
                given: Input::Avoid,
                name: load.name().to_string(),
            });
        }
        avoided.push(load);
    }
    Ok((waypoints, avoided))
}

/// The notes every plan from `from` to `to` carries: a start the catalogue lacks, a loader
/// named by its CDP name, nothing to do, or the files every phone on the server shares.
fn general_notes(
    matrix: &Matrix,
    from: &Load,
    to: &Load,
    stages: &[Stage],
    notes: &mut Vec<String>,
) {
    if !from.in_catalogue {
        notes.insert(
            0,
            format!(
                "{} is not in the catalogue; phoneup plans from it by its version ({}) alone.",
                from.name(),
                from.label()
            ),
        );
    }
    if from.id.kind() == Kind::Loader {
        notes.push(matrix.caution("cdp-loader-name", &[("from", from.name())]));
    }
    if stages.is_empty() {
        notes.push(format!(
            "The phone already runs {}: nothing to do.",
            to.name()
        ));
    } else {
        notes.push(matrix.caution("shared-files", &[]));
    }
}

/// The firmware the plan needs that `root` lacks, in the order the stages fetch it; and a note
/// for the entries the plan names that phoneup could not read as files.
fn to_obtain(root: &TftpRoot, stages: &[Stage], notes: &mut Vec<String>) -> Vec<String> {
    let mut to_obtain = Vec::new();
    for file in stages.iter().flat_map(|s| s.firmware.iter()) {
        if !root.contains(file) && !to_obtain.contains(file) {
            to_obtain.push(file.clone());
        }
    }
    // Entries the plan names that phoneup could not read as files: the plan treats them
    // as absent, and apply or a TFTP server will not take them as they are either.
    let named = |entry: &str| {
        stages.iter().any(|s| {
            let edited = s.edits_in_place.iter().map(|edit| &edit.file);
            s.files.keys().chain(&s.firmware).chain(edited).any(|file| {
                entry
                    .strip_prefix(file.as_str())
                    .is_some_and(|rest| rest.starts_with(": "))
            })
        })
    };
    let unread: Vec<&str> = root
        .skipped
        .iter()
        .map(String::as_str)
        .filter(|entry| named(entry))
        .collect();
    if !unread.is_empty() {
        let dir = root.path.as_deref().unwrap_or(Path::new("DIR"));
        notes.push(format!(
            "Not read from your TFTP root, so planned as if absent: {} (phoneup inventory --tftp-root {} lists every entry it skips).",
            unread.join("; "),
            output::shell_word(&dir.display().to_string())
        ));
    }
    to_obtain
}

/// Whether the user has an `XMLDefault.cnf.xml` phoneup would edit: in the root, or moved aside
/// into the undo journal by an earlier stage.
fn has_xmldefault(root: &TftpRoot, dir: &Path) -> bool {
    let name = xml_default_cnf_xml::FILE_NAME;
    root.contains(name)
        || UndoJournal::read_only(dir, None)
            .ok()
            .and_then(|journal| journal.latest_moved_aside(name))
            .is_some()
}
