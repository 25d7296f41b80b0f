//! The plan: the staged sequence of reboots from the running load to the wanted one, or why
//! there is none (its text is the command's, [`crate::commands::plan`]).

use std::cmp::Ordering;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Input};
use crate::files::xml_default_cnf_xml;
use crate::knowledge::catalogue;
use crate::knowledge::graph::{Prefer, Step, UpgradeGraph};
use crate::knowledge::load_id::{Era, Kind, Protocol};
use crate::knowledge::matrix::{Confidence, Load, Matrix};
use crate::knowledge::phones::Model;
use crate::output::{self, shell_word, NextStep};
use crate::plan::replay;
use crate::plan::spelling::Spelling;
use crate::plan::stage::{self, Stage};
use crate::tftp_root::journal::UndoJournal;
use crate::tftp_root::TftpRoot;
use petgraph::graph::NodeIndex;

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
}

/// Why no plan exists.
#[derive(Debug, Clone, Serialize)]
pub struct NoPath {
    pub from: String,
    pub to: String,
    pub reasons: Vec<String>,
    /// What to do about it: the fix, and the command to run next.
    pub next_step: NextStep,
}

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

fn refusal_reason(rule: &crate::knowledge::matrix::Rule) -> String {
    format!(
        "Rule {} ({} confidence): {}: {}.",
        rule.id,
        rule.confidence,
        rule.summary,
        rule.reason.as_deref().unwrap_or_default()
    )
}

fn plan_on(
    matrix: &Matrix,
    graph: &UpgradeGraph,
    from: &Load,
    request: &Request,
    verified: &replay::Verified,
) -> Result<Outcome, Error> {
    let to = catalogue::resolve(matrix, &request.to, Input::To)?;
    if !to.in_catalogue {
        return uncatalogued_target(matrix, graph, from, &to);
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
                let (a, b) = (graph.load(leg[0]), graph.load(leg[1]));
                let nearest = nearest_reachable(graph, leg[0], b, &avoid);
                return Ok(Outcome::NoPath(no_path(
                    matrix, from, &to, a, b, &waypoints, &avoided, nearest,
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
    };
    replay::verify_stages(&plan.stages, plan.model, matrix, verified)?;
    Ok(Outcome::Plan(plan))
}

/// The answer for a target the catalogue lacks: no plan when a rule refuses it from every load
/// the phone could reach, otherwise the error that asks for its files.
fn uncatalogued_target(
    matrix: &Matrix,
    graph: &UpgradeGraph,
    from: &Load,
    to: &Load,
) -> Result<Outcome, Error> {
    match settled_by_era(matrix, graph, from, to) {
        Some(mut reasons) => {
            reasons.push(format!(
                "{} is not in the catalogue, and it need not be: a rule refuses it from every load {} can reach.",
                to.name(),
                from.name()
            ));
            Ok(Outcome::NoPath(NoPath {
                from: from.name().to_string(),
                to: to.name().to_string(),
                reasons,
                next_step: NextStep::new(
                    format!(
                        "Pick a target {} can take: the loads phoneup knows, with their rules, are in the matrix.",
                        from.name()
                    ),
                    "phoneup matrix",
                ),
            }))
        }
        None => Err(catalogue::not_in_catalogue(matrix, to, Input::To)),
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

/// The load of the same kind and protocol as `wanted` that `start` can reach with the most
/// confident route (its weakest step first), and among those the one nearest in version (at or
/// below it first, by the whole version: 8.0(5) is nearer 8.0(7) than 8.0(1) is), with that
/// route's weakest confidence.
fn nearest_reachable(
    graph: &UpgradeGraph,
    start: NodeIndex,
    wanted: &Load,
    avoid: &HashSet<NodeIndex>,
) -> Option<(String, Confidence)> {
    wanted.id.version()?;
    let mut seen = HashSet::from([start]);
    let mut queue = vec![start];
    let mut reachable = Vec::new();
    while let Some(node) = queue.pop() {
        for next in graph.successors(node) {
            if avoid.contains(&next) || !seen.insert(next) {
                continue;
            }
            queue.push(next);
            let load = graph.load(next);
            let alike = load.in_catalogue
                && load.id.kind() == wanted.id.kind()
                && load.id.protocol() == wanted.id.protocol();
            if alike && load.id.version().is_some() {
                reachable.push((next, load));
            }
        }
    }
    let mut candidates: Vec<(&Load, Confidence)> = reachable
        .into_iter()
        .filter_map(|(node, load)| {
            let path = graph.best_path(start, node, avoid, &HashSet::new(), Prefer::Safety)?;
            let weakest = path.iter().map(|step| step.rule.confidence).min()?;
            Some((load, weakest))
        })
        .collect();
    // Most confident first; then the newest at or below the wanted version, else the oldest
    // above it; then the name.
    let below = |load: &Load| load.id.cmp_version(&wanted.id) != Ordering::Greater;
    candidates.sort_by(|(a, a_weakest), (b, b_weakest)| {
        b_weakest
            .cmp(a_weakest)
            .then_with(|| below(b).cmp(&below(a)))
            .then_with(|| match below(a) {
                true => b.id.cmp_version(&a.id),
                false => a.id.cmp_version(&b.id),
            })
            .then_with(|| a.name().cmp(b.name()))
    });
    candidates
        .first()
        .map(|(load, weakest)| (load.name().to_string(), *weakest))
}

/// Explains, as precisely as the matrix allows, why `a` cannot reach `b`.
#[allow(clippy::too_many_arguments)]
fn no_path(
    matrix: &Matrix,
    from: &Load,
    to: &Load,
    a: &Load,
    b: &Load,
    via: &[Load],
    avoided: &[Load],
    nearest: Option<(String, Confidence)>,
) -> NoPath {
    let mut reasons = Vec::new();
    if (a.name(), b.name()) != (from.name(), to.name()) {
        reasons.push(format!(
            "No path from {} to {}, a leg of the route you asked for.",
            a.name(),
            b.name()
        ));
    }
    let refusals_before = reasons.len();
    for rule in matrix.refusals(a, b) {
        reasons.push(refusal_reason(rule));
    }
    if b.id.protocol() == Some(Protocol::Mgcp) {
        reasons.push(
            "No rule leads to an MGCP load: the sources show MGCP phones leaving MGCP (MGCP 7.x to SCCP, R15), never arriving.".into(),
        );
    } else if a.id.protocol() == Some(Protocol::Mgcp) && a.id.era().is_none() {
        reasons.push(format!(
            "{} is a signed MGCP load before 7.0: whether it runs on the Universal Application Loader is unknown, and no rule covers it.",
            a.name()
        ));
    }
    let refused = reasons.len() > refusals_before;
    if !refused && a.id.era().is_some_and(|e| e.is_signed()) && b.id.era() == Some(Era::Unsigned) {
        reasons.push(format!(
            "{} is signed and {} is not: signed images never go back below 5.0.",
            a.name(),
            b.name()
        ));
    }
    if b.files.is_empty() && b.in_catalogue {
        reasons.push(format!(
            "No source lists the files of {}, so phoneup can plan from it but not to it.",
            b.name()
        ));
    }
    let mut generic = format!(
        "No chain of evidenced rules leads from {} to {} in {}.",
        a.name(),
        b.name(),
        matrix.origin
    );
    if !avoided.is_empty() || !via.is_empty() {
        generic.push_str(" Your --via/--avoid choices narrow the routes: try without them.");
    }
    generic.push_str(
        " phoneup does not guess: if you know a route that works, add its rule and evidence to a copy of the matrix (phoneup matrix > my.yaml) and pass --matrix my.yaml.",
    );
    reasons.push(generic);
    let plan_command = |extra: &str| {
        format!(
            "phoneup{extra} plan --from {} --to {}",
            shell_word(from.name()),
            shell_word(to.name())
        )
    };
    let next_step = if !avoided.is_empty() || !via.is_empty() {
        NextStep::new(
            "Drop the --via and --avoid choices and let phoneup pick the route.",
            plan_command(""),
        )
    } else if let Some((nearest, weakest)) = nearest {
        let caveat = if weakest < Confidence::High {
            format!(" Its route has {weakest}-confidence steps: read their evidence first.")
        } else {
            String::new()
        };
        NextStep::new(
            format!(
                "Aim for {nearest} instead: of the loads like {} that phoneup can reach from {}, it has the most confident route and is the nearest.{caveat}",
                b.name(),
                a.name()
            ),
            format!(
                "phoneup plan --from {} --to {}",
                shell_word(from.name()),
                shell_word(&nearest)
            ),
        )
    } else {
        NextStep::new(
            "If you know a route that works, add its rule and evidence to a copy of the matrix (phoneup matrix > my.yaml), then plan with it.",
            plan_command(" --matrix my.yaml"),
        )
    };
    NoPath {
        from: from.name().to_string(),
        to: to.name().to_string(),
        reasons,
        next_step,
    }
}
