//! Why there is no plan: the reasons, as precisely as the matrix allows; the targets the load
//! can reach instead; and what to run next (a target it reaches, without the narrowing
//! choices, or a matrix of the user's own). Its text is the command's,
//! [`crate::commands::plan`].

use std::cmp::Ordering;
use std::collections::HashSet;

use petgraph::graph::NodeIndex;
use serde::Serialize;

use crate::knowledge::graph::{Prefer, UpgradeGraph};
use crate::knowledge::load_id::{Era, Kind, Protocol};
use crate::knowledge::matrix::{Confidence, Load, Matrix};
use crate::knowledge::phones::Model;
use crate::output::{shell_word, NextStep};
use crate::plan::stage::Stage;

/// Why no plan exists. Its JSON has every key a plan has (empty, or `null`), and a plan's has
/// every key of this: a script reads one shape.
#[derive(Debug, Clone, Serialize)]
pub struct NoPath {
    pub from: String,
    pub from_label: String,
    pub to: String,
    pub to_label: String,
    pub model: Model,
    pub prefer: Prefer,
    /// `null`: no plan, no reboots.
    pub reboots: Option<usize>,
    /// Empty: no plan.
    pub path: Vec<String>,
    /// Empty: no plan.
    pub stages: Vec<Stage>,
    /// Empty: no plan.
    pub to_obtain: Vec<String>,
    pub notes: Vec<String>,
    pub reasons: Vec<String>,
    /// The applications of the catalogue a plan reaches from `from` (the targets to pick from).
    pub reachable: Vec<String>,
    /// What to do about it: the fix, and the command to run next.
    pub next_step: NextStep,
}

/// What a plan was asked for, as the planner resolved it.
pub(super) struct Asked<'a> {
    pub matrix: &'a Matrix,
    pub graph: &'a UpgradeGraph<'a>,
    pub model: Model,
    pub prefer: Prefer,
    pub from: &'a Load,
    pub to: &'a Load,
}

impl NoPath {
    fn new(asked: &Asked, reasons: Vec<String>, next_step: NextStep) -> NoPath {
        let reachable = match asked.graph.node(asked.from.name()) {
            Some(start) => reachable_targets(asked.graph, start),
            None => Vec::new(),
        };
        NoPath {
            from: asked.from.name().to_string(),
            from_label: asked.from.label(),
            to: asked.to.name().to_string(),
            to_label: asked.to.label(),
            model: asked.model,
            prefer: asked.prefer,
            reboots: None,
            path: Vec::new(),
            stages: Vec::new(),
            to_obtain: Vec::new(),
            notes: Vec::new(),
            reasons,
            reachable,
            next_step,
        }
    }
}

/// A refusing rule as one reason.
pub(super) fn refusal_reason(rule: &crate::knowledge::matrix::Rule) -> String {
    format!(
        "Rule {} ({} confidence): {}: {}.",
        rule.id,
        rule.confidence,
        rule.summary,
        rule.reason.as_deref().unwrap_or_default()
    )
}

/// The applications of the catalogue `start` reaches by the rules (itself left out), by
/// protocol and then version.
pub(super) fn reachable_targets(graph: &UpgradeGraph, start: NodeIndex) -> Vec<String> {
    let mut loads: Vec<&Load> = graph
        .reachable(start)
        .into_iter()
        .filter(|&node| node != start)
        .map(|node| graph.load(node))
        .filter(|load| load.in_catalogue && load.id.kind() == Kind::Application)
        .collect();
    loads.sort_by(|a, b| {
        a.id.protocol()
            .cmp(&b.id.protocol())
            .then_with(|| a.id.cmp_version(&b.id))
            .then_with(|| a.name().cmp(b.name()))
    });
    loads
        .into_iter()
        .map(|load| load.name().to_string())
        .collect()
}

/// No plan to a target the catalogue lacks, which a rule refuses from every load `asked.from`
/// reaches: pick one it reaches, the nearest like it by the most confident route.
pub(super) fn refused_everywhere(asked: &Asked, reasons: Vec<String>) -> NoPath {
    let (graph, from, to) = (asked.graph, asked.from, asked.to);
    let nearest = graph
        .node(from.name())
        .and_then(|start| nearest_reachable(graph, start, to, &HashSet::new()));
    let next_step = match nearest {
        Some((nearest, _)) => NextStep::new(
            format!(
                "Pick a target {} can reach (listed above): of the loads like {}, {nearest} has the most confident route and is the nearest.",
                from.name(),
                to.name()
            ),
            format!(
                "phoneup plan --from {} --to {}",
                shell_word(from.name()),
                shell_word(&nearest)
            ),
        ),
        None => NextStep::new(
            format!(
                "Pick a target {} can reach (listed above), or add the rule and evidence of a route you know to a copy of the matrix (phoneup matrix > my.yaml).",
                from.name()
            ),
            "phoneup matrix > my.yaml",
        ),
    };
    NoPath::new(asked, reasons, next_step)
}

/// The load of the same kind and protocol as `wanted` that `start` can reach with the most
/// confident route (its weakest step first), and among those the one nearest in version (at or
/// below it first, by the whole version: 8.0(5) is nearer 8.0(7) than 8.0(1) is), with that
/// route's weakest confidence.
pub(super) fn nearest_reachable(
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

/// Explains, as precisely as the matrix allows, why `a` cannot reach `b` (a leg of the route
/// `asked` for, through `via` and avoiding `avoided`).
pub(super) fn no_path(
    asked: &Asked,
    leg: (NodeIndex, NodeIndex),
    via: &[Load],
    avoided: &[Load],
    avoid: &HashSet<NodeIndex>,
) -> NoPath {
    let (matrix, graph, from, to) = (asked.matrix, asked.graph, asked.from, asked.to);
    let (a, b) = (graph.load(leg.0), graph.load(leg.1));
    let nearest = nearest_reachable(graph, leg.0, b, avoid);
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
    NoPath::new(asked, reasons, next_step)
}
