//! The upgrade matrix as a petgraph graph: loads are nodes, allowed direct jumps are edges. The
//! search is safety first: the route with the fewest risky events ([`risk`]: reboots, protocol
//! conversions, loader hunts, steps below high confidence), then the most confident steps, then
//! the files the user has, then the target's own package and the well-trodden intermediates
//! (see [`UpgradeGraph::best_path`]).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet, VecDeque};

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use serde::Serialize;

use crate::knowledge::matrix::{Confidence, Load, Matrix, Mechanism, Rule, Verdict};
use crate::knowledge::package::{self, FileKey};

/// How many equally short paths the search compares at most (the built-in matrix has a few
/// dozen; the cap keeps a huge user matrix from running away).
const MAX_CANDIDATES: usize = 10_000;

/// What a route is chosen for first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Prefer {
    /// The route with the fewest risky events (reboots, protocol conversions, loader hunts,
    /// steps below high confidence), then the most confident steps.
    #[default]
    Safety,
    /// The fewest reboots, then the fewest risky events (medium steps are taken when they save
    /// a reboot).
    Reboots,
}

/// How many risky events one jump is: one for the reboot, one more for a protocol conversion
/// (SCCP to SIP or back: other configuration files, the loader's hunt, CTLSEP and DHCP option
/// 150 on the way), one more for a loader hunt (the loader, or an SCCP package's `.bin` loader,
/// hunting for its configuration), and two more for a medium-confidence rule (four for a low
/// one): a step that rests on thinner evidence weighs more than a reboot.
pub fn risk(from: &Load, to: &Load, rule: &Rule) -> u32 {
    let mut events = 1;
    if let (Some(a), Some(b)) = (from.protocol(), to.protocol()) {
        events += u32::from(a != b);
    }
    let hunts = rule.mechanism == Some(Mechanism::UalHunt) || package::through_bin_loader(from, to);
    events += u32::from(hunts);
    events
        + match rule.confidence {
            Confidence::High => 0,
            Confidence::Medium => 2,
            Confidence::Low => 4,
        }
}

/// What a path costs, compared first by its first field: the risky events then nothing for
/// [`Prefer::Safety`], the reboots then the risky events for [`Prefer::Reboots`].
type Cost = (u32, u32);

/// The rule that allows the direct jump `from` to `to`: no refusal may speak about the jump,
/// the catalogue must list the firmware it needs, and the most confident allowing rule wins
/// (the first in the file among equals).
pub fn best_rule<'m>(matrix: &'m Matrix, from: &Load, to: &Load) -> Option<&'m Rule> {
    if from.id.match_key() == to.id.match_key() || matrix.refusals(from, to).next().is_some() {
        return None;
    }
    if !package::has_firmware(from, to) {
        return None;
    }
    matrix
        .allowances(from, to)
        .min_by_key(|rule| Reverse(rule.confidence))
}

/// Which rules' `from` (or `to`) condition each load meets, as bits: the graph is built without
/// testing every rule on every pair of loads.
fn rule_masks(matrix: &Matrix, loads: &[&Load], to_side: bool) -> Vec<Vec<u64>> {
    let words = matrix.rules.len().div_ceil(64);
    loads
        .iter()
        .map(|load| {
            let mut mask = vec![0u64; words];
            for (i, rule) in matrix.rules.iter().enumerate() {
                let condition = if to_side { &rule.to } else { &rule.from };
                if condition.matches(load) {
                    mask[i / 64] |= 1 << (i % 64);
                }
            }
            mask
        })
        .collect()
}

/// Stand-ins for the three kinds of image whose firmware differs ([`package::firmware`]): an
/// SCCP image before 5.0, another image before 5.0, and a signed one.
static FROM_KINDS: std::sync::LazyLock<[Load; 3]> = std::sync::LazyLock::new(|| {
    ["P0030301", "P0S30202", "P0S3-06-3-00"].map(|name| {
        Load::uncatalogued(crate::knowledge::load_id::LoadId::parse(name).expect("valid"))
    })
});

/// Which of [`FROM_KINDS`] `from` fetches like.
fn from_kind(from: &Load) -> usize {
    use crate::knowledge::load_id::{Era, Protocol};
    match (from.id.era(), from.id.protocol()) {
        (Some(Era::Unsigned), Some(Protocol::Sccp)) => 0,
        (Some(Era::Unsigned), _) => 1,
        _ => 2,
    }
}

/// The graph of allowed jumps.
pub struct UpgradeGraph<'m> {
    matrix: &'m Matrix,
    graph: DiGraph<&'m Load, &'m Rule>,
    nodes: HashMap<&'m str, NodeIndex>,
}

/// See [`UpgradeGraph::path_key`]; the names along the path break the last ties.
type PathKey = (
    Reverse<Vec<Confidence>>,
    usize,
    usize,
    usize,
    usize,
    Vec<u32>,
);

/// One step of a path: the loads it joins and the rule that allows it.
#[derive(Debug, Clone, Copy)]
pub struct Step<'m> {
    pub from: &'m Load,
    pub to: &'m Load,
    pub rule: &'m Rule,
}

impl<'m> UpgradeGraph<'m> {
    /// Builds the graph over the catalogue, plus `extra` (a starting load the catalogue lacks).
    pub fn new(matrix: &'m Matrix, extra: Option<&'m Load>) -> UpgradeGraph<'m> {
        let loads: Vec<&'m Load> = matrix.loads.iter().chain(extra).collect();
        let from_masks = rule_masks(matrix, &loads, false);
        let to_masks = rule_masks(matrix, &loads, true);
        let mut graph = DiGraph::new();
        let mut nodes = HashMap::new();
        let indices: Vec<NodeIndex> = loads
            .iter()
            .map(|&load| {
                let index = graph.add_node(load);
                nodes.insert(load.name(), index);
                index
            })
            .collect();
        let keys: Vec<_> = loads.iter().map(|l| l.id.match_key()).collect();
        // Whether the catalogue lists what each load is fetched with, from each kind of image
        // (the files depend only on that: package::firmware).
        let firmware: Vec<[bool; 3]> = loads
            .iter()
            .map(|to| std::array::from_fn(|k| package::has_firmware(&FROM_KINDS[k], to)))
            .collect();
        // The catalogue names each package's loader exactly.
        let loader_of: Vec<Option<usize>> = loads
            .iter()
            .map(|l| {
                l.loader
                    .as_deref()
                    .and_then(|name| nodes.get(name))
                    .map(|n| n.index())
            })
            .collect();
        for (a, &from) in loads.iter().enumerate() {
            let kind = from_kind(from);
            for b in 0..loads.len() {
                if a == b || keys[a] == keys[b] || !firmware[b][kind] {
                    continue;
                }
                let same_package = loader_of[b] == Some(a);
                if let Some(rule) =
                    Self::edge_rule(matrix, same_package, &from_masks[a], &to_masks[b])
                {
                    graph.add_edge(indices[a], indices[b], rule);
                }
            }
        }
        UpgradeGraph {
            matrix,
            graph,
            nodes,
        }
    }

    /// [`best_rule`] for one pair, looking only at the rules whose conditions both loads meet.
    fn edge_rule(
        matrix: &'m Matrix,
        same_package: bool,
        from_mask: &[u64],
        to_mask: &[u64],
    ) -> Option<&'m Rule> {
        let mut best: Option<&Rule> = None;
        for (word, (f, t)) in from_mask.iter().zip(to_mask).enumerate() {
            let mut bits = f & t;
            while bits != 0 {
                let rule = &matrix.rules[word * 64 + bits.trailing_zeros() as usize];
                bits &= bits - 1;
                // The masks say both conditions hold; only the package is left to check.
                if rule.same_package && !same_package {
                    continue;
                }
                match rule.verdict {
                    Verdict::Refused => return None,
                    Verdict::Allowed => {
                        if best.is_none_or(|b| rule.confidence > b.confidence) {
                            best = Some(rule);
                        }
                    }
                }
            }
        }
        best
    }

    pub fn matrix(&self) -> &'m Matrix {
        self.matrix
    }

    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// The node of the load with this exact name.
    pub fn node(&self, name: &str) -> Option<NodeIndex> {
        self.nodes.get(name).copied()
    }

    pub fn load(&self, node: NodeIndex) -> &'m Load {
        self.graph[node]
    }

    /// Every load, in catalogue order.
    pub fn loads(&self) -> impl Iterator<Item = &'m Load> + '_ {
        self.graph.node_weights().copied()
    }

    /// Every allowed jump, as (from, to, rule), in a stable order.
    pub fn jumps(&self) -> Vec<(&'m Load, &'m Load, &'m Rule)> {
        let mut jumps: Vec<_> = self
            .graph
            .edge_indices()
            .map(|e| {
                let (a, b) = self.graph.edge_endpoints(e).expect("edges have ends");
                (self.graph[a], self.graph[b], self.graph[e])
            })
            .collect();
        jumps.sort_by(|x, y| (x.0.name(), x.1.name()).cmp(&(y.0.name(), y.1.name())));
        jumps
    }

    /// The loads reachable from `node` in one reboot.
    pub fn successors(&self, node: NodeIndex) -> impl Iterator<Item = NodeIndex> + '_ {
        self.graph.neighbors_directed(node, Direction::Outgoing)
    }

    /// Every load reachable from `node`, itself included.
    pub fn reachable(&self, node: NodeIndex) -> Vec<NodeIndex> {
        let mut seen = HashSet::from([node]);
        let mut queue = VecDeque::from([node]);
        while let Some(here) = queue.pop_front() {
            for next in self.successors(here) {
                if seen.insert(next) {
                    queue.push_back(next);
                }
            }
        }
        let mut nodes: Vec<NodeIndex> = seen.into_iter().collect();
        nodes.sort();
        nodes
    }

    /// The best path from `from` to `to` that avoids the `avoid` nodes, as steps; `None` when
    /// no chain of allowed jumps joins them. An empty path means `from == to`.
    ///
    /// With [`Prefer::Safety`], the path with the fewest risky events wins ([`risk`]: every
    /// reboot, protocol conversion and loader hunt, and the steps below high confidence), then
    /// the most confident steps (the weakest first), then the fewest reboots; with
    /// [`Prefer::Reboots`] the fewest reboots come first, then the fewest risky events. Among
    /// those: fewer firmware files missing from `present` (the user's files, in any spelling),
    /// then fewer files no source shows, then intermediates from the target's own package or
    /// well trodden (`preferred`), then the names, so the choice never depends on the order of
    /// the data.
    pub fn best_path(
        &self,
        from: NodeIndex,
        to: NodeIndex,
        avoid: &HashSet<NodeIndex>,
        present: &HashSet<FileKey>,
        prefer: Prefer,
    ) -> Option<Vec<Step<'m>>> {
        if from == to {
            return Some(Vec::new());
        }
        let remaining = self.costs_to(to, prefer, avoid);
        remaining[from.index()]?;
        let mut candidates = Vec::new();
        let mut current = vec![from];
        self.collect_cheapest(to, prefer, &remaining, avoid, &mut current, &mut candidates);
        let best = candidates
            .into_iter()
            .map(|path| (self.path_key(&path, to, present), path))
            .min_by(|a, b| a.0.cmp(&b.0).then_with(|| self.by_names(&a.1, &b.1)))?
            .1;
        Some(
            best.windows(2)
                .map(|pair| {
                    let edge = self
                        .graph
                        .find_edge(pair[0], pair[1])
                        .expect("paths follow edges");
                    Step {
                        from: self.graph[pair[0]],
                        to: self.graph[pair[1]],
                        rule: self.graph[edge],
                    }
                })
                .collect(),
        )
    }

    /// What one jump costs under `prefer`, compared first by its first field.
    fn cost(&self, edge: petgraph::graph::EdgeReference<'_, &'m Rule>, prefer: Prefer) -> Cost {
        let events = risk(
            self.graph[edge.source()],
            self.graph[edge.target()],
            edge.weight(),
        );
        match prefer {
            Prefer::Safety => (events, 0),
            Prefer::Reboots => (1, events),
        }
    }

    /// The least cost from each node (by index) to `to` (Dijkstra, backwards); `None` where
    /// `to` cannot be reached.
    fn costs_to(
        &self,
        to: NodeIndex,
        prefer: Prefer,
        avoid: &HashSet<NodeIndex>,
    ) -> Vec<Option<Cost>> {
        let mut costs: Vec<Option<Cost>> = vec![None; self.graph.node_count()];
        let mut done = vec![false; self.graph.node_count()];
        costs[to.index()] = Some((0, 0));
        let mut queue = BinaryHeap::from([Reverse(((0, 0), to))]);
        while let Some(Reverse((cost, here))) = queue.pop() {
            if std::mem::replace(&mut done[here.index()], true) {
                continue;
            }
            for edge in self.graph.edges_directed(here, Direction::Incoming) {
                let source = edge.source();
                if avoid.contains(&source) || done[source.index()] {
                    continue;
                }
                let step = self.cost(edge, prefer);
                let through = (cost.0 + step.0, cost.1 + step.1);
                if costs[source.index()].is_none_or(|known| through < known) {
                    costs[source.index()] = Some(through);
                    queue.push(Reverse((through, source)));
                }
            }
        }
        costs
    }

    /// Every path of least cost from the end of `current` to `to` (at most
    /// [`MAX_CANDIDATES`]): each step is one on which the least cost left drops by its own cost.
    fn collect_cheapest(
        &self,
        to: NodeIndex,
        prefer: Prefer,
        remaining: &[Option<Cost>],
        avoid: &HashSet<NodeIndex>,
        current: &mut Vec<NodeIndex>,
        out: &mut Vec<Vec<NodeIndex>>,
    ) {
        if out.len() >= MAX_CANDIDATES {
            return;
        }
        let here = *current.last().expect("path is never empty");
        if here == to {
            out.push(current.clone());
            return;
        }
        let left = remaining[here.index()].expect("paths stay where the target is reachable");
        let mut next: Vec<NodeIndex> = self
            .graph
            .edges(here)
            .filter(|e| !avoid.contains(&e.target()))
            .filter(|e| {
                let step = self.cost(*e, prefer);
                remaining[e.target().index()]
                    .is_some_and(|rest| (rest.0 + step.0, rest.1 + step.1) == left)
            })
            .map(|e| e.target())
            .collect();
        next.sort();
        next.dedup();
        for node in next {
            current.push(node);
            self.collect_cheapest(to, prefer, remaining, avoid, current, out);
            current.pop();
        }
    }

    /// The last tie-break: the names along the two paths, so the choice never depends on the
    /// order of the data.
    fn by_names(&self, a: &[NodeIndex], b: &[NodeIndex]) -> std::cmp::Ordering {
        let names = |path: &[NodeIndex]| -> Vec<&str> {
            path.iter().map(|&n| self.graph[n].name()).collect()
        };
        names(a).cmp(&names(b))
    }

    /// The sort key of one of several paths of least cost, best lowest: more confident steps
    /// (the weakest first), then fewer reboots, then fewer firmware files the user lacks (with
    /// `--tftp-root`), then fewer files no source shows, then fewer intermediates that are
    /// neither in the target's package nor well trodden, then the better-ranked ones.
    fn path_key(&self, path: &[NodeIndex], to: NodeIndex, present: &HashSet<FileKey>) -> PathKey {
        let mut confidences: Vec<Confidence> = path
            .windows(2)
            .map(|p| {
                self.graph
                    .edges_connecting(p[0], p[1])
                    .map(|e| e.weight().confidence)
                    .max()
                    .expect("paths follow edges")
            })
            .collect();
        confidences.sort();
        // File names are built only where they can count.
        let needs_files =
            !present.is_empty() || path.iter().any(|&n| !self.graph[n].inferred.is_empty());
        let (mut missing, mut unconfirmed) = (0, 0);
        if needs_files {
            for p in path.windows(2) {
                let (a, b) = (self.graph[p[0]], self.graph[p[1]]);
                for file in package::firmware(a, b) {
                    if !present.is_empty()
                        && package::file_key(&file).is_none_or(|k| !present.contains(&k))
                    {
                        missing += 1;
                    }
                    unconfirmed += usize::from(b.inferred.contains(&file));
                }
            }
        }
        let target = self.graph[to];
        let inner = &path[1..path.len() - 1];
        let own_package = |load: &Load| target.loader.as_deref() == Some(load.name());
        let mut ranks: Vec<u32> = inner
            .iter()
            .filter_map(|&n| self.graph[n].preferred)
            .collect();
        ranks.sort();
        let plain = inner
            .iter()
            .filter(|&&n| self.graph[n].preferred.is_none() && !own_package(self.graph[n]))
            .count();
        let reboots = path.len() - 1;
        (
            Reverse(confidences),
            reboots,
            missing,
            unconfirmed,
            plain,
            ranks,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::matrix::BUILTIN_YAML;
    use crate::knowledge::Builtin;

    fn successors<'m>(graph: &UpgradeGraph<'m>, name: &str) -> Vec<&'m str> {
        let node = graph.node(name).expect("a catalogue load");
        graph
            .successors(node)
            .map(|n| graph.load(n).name())
            .collect()
    }

    #[test]
    fn a_package_without_its_bin_is_reached_from_signed_images_only() {
        // A user's matrix whose SIP 6.3 package holds only the signed image.
        let text = BUILTIN_YAML.replacen(
            "files: [P0S3-06-3-00.bin, P0S3-06-3-00.sbn]",
            "files: [P0S3-06-3-00.sbn]",
            1,
        );
        let matrix = Matrix::parse(&text, "signed-only.yaml").unwrap();
        let graph = UpgradeGraph::new(&matrix, None);
        assert!(successors(&graph, "P0S3-05-3-00").contains(&"P0S3-06-3-00"));
        assert!(!successors(&graph, "P0030301MFG2").contains(&"P0S3-06-3-00"));
        // With the whole package, the factory image gets there by dual boot.
        let builtin = Matrix::builtin().unwrap();
        let graph = UpgradeGraph::new(&builtin, None);
        assert!(successors(&graph, "P0030301MFG2").contains(&"P0S3-06-3-00"));
    }

    #[test]
    fn an_sccp_package_without_its_bin_loader_is_out_of_reach_of_sccp_3_only() {
        // SCCP 3.x reaches an SCCP 8 package through its .bin (R14); SCCP 5.0 through the .loads.
        let builtin = Matrix::builtin().unwrap();
        let graph = UpgradeGraph::new(&builtin, None);
        assert!(successors(&graph, "P0030301MFG2").contains(&"P00308010200"));
        assert!(successors(&graph, "P00305000301").contains(&"P00308010200"));
        let text = BUILTIN_YAML.replacen(
            "files: [P00308010200.bin, P00308010200.loads",
            "files: [P00308010200.loads",
            1,
        );
        let matrix = Matrix::parse(&text, "no-bin.yaml").unwrap();
        let graph = UpgradeGraph::new(&matrix, None);
        assert!(!successors(&graph, "P0030301MFG2").contains(&"P00308010200"));
        assert!(successors(&graph, "P00305000301").contains(&"P00308010200"));
    }

    #[test]
    fn a_matrix_of_more_than_64_rules_allows_the_same_jumps() {
        // 64 refusals that speak of no load put the real rules past the first word of the masks.
        let mut padding = String::from("rules:\n");
        for i in 0..64 {
            padding.push_str(&format!(
                "  - id: Z{i:02}\n    summary: padding\n    verdict: refused\n    from: {{ kind: loader, protocol: mgcp }}\n    to: {{ kind: loader, protocol: mgcp }}\n    confidence: low\n    reason: padding\n    evidence:\n      - source: FUSSYLOGIC-7940\n        note: padding\n"
            ));
        }
        let matrix = Matrix::parse(
            &BUILTIN_YAML.replacen("rules:\n", &padding, 1),
            "padded.yaml",
        )
        .unwrap();
        assert_eq!(
            matrix.rules.len(),
            Matrix::builtin().unwrap().rules.len() + 64
        );
        let jumps = |matrix: &Matrix| -> Vec<(String, String, String)> {
            UpgradeGraph::new(matrix, None)
                .jumps()
                .into_iter()
                .map(|(a, b, rule)| (a.name().into(), b.name().into(), rule.id.clone()))
                .collect()
        };
        let builtin = jumps(&Matrix::builtin().unwrap());
        assert!(builtin.len() > 100);
        assert_eq!(jumps(&matrix), builtin);
    }

    #[test]
    fn the_most_confident_rule_allows_a_jump_and_the_first_in_the_file_among_equals() {
        // R1 (high) allows SCCP 3.x to SIP 6.3 by dual boot; a user adds a medium copy and a
        // high copy after it.
        let r1 = BUILTIN_YAML
            .split("\n  - id: ")
            .find(|rule| rule.starts_with("R1\n"))
            .unwrap();
        let copy = |id: &str, confidence: &str| {
            format!("\n  - id: {}", r1.replacen("R1\n", &format!("{id}\n"), 1)).replacen(
                "confidence: high",
                &format!("confidence: {confidence}"),
                1,
            )
        };
        let text = BUILTIN_YAML.replacen(
            "\n  - id: R2\n",
            &format!(
                "{}{}\n  - id: R2\n",
                copy("R1a-medium", "medium"),
                copy("R1b-high", "high")
            ),
            1,
        );
        let matrix = Matrix::parse(&text, "copies.yaml").unwrap();
        let graph = UpgradeGraph::new(&matrix, None);
        assert_eq!(graph.node_count(), matrix.loads.len());
        assert_eq!(graph.edge_count(), graph.jumps().len());
        let jump = graph
            .jumps()
            .into_iter()
            .find(|(a, b, _)| a.name() == "P0030301MFG2" && b.name() == "P0S3-06-3-00")
            .expect("the dual boot to SIP 6.3");
        assert_eq!(jump.2.id, "R1");
        for (from, to, rule) in graph.jumps() {
            assert_eq!(best_rule(&matrix, from, to).map(|r| &r.id), Some(&rule.id));
        }
        // A starting load the catalogue lacks is one node more.
        let extra =
            Load::uncatalogued(crate::knowledge::load_id::LoadId::parse("P0S3-08-13-00").unwrap());
        assert_eq!(
            UpgradeGraph::new(&matrix, Some(&extra)).node_count(),
            matrix.loads.len() + 1
        );
    }

    #[test]
    fn among_equal_routes_the_one_fetching_fewer_files_no_source_shows_wins() {
        // Without the catalogue's preferred ranks, SCCP 3.x reaches SIP 7.4 through SIP 5.3,
        // 6.0 or 6.3 alike; here 5.3's .bin and 6.0's are files no source shows.
        let mut text = BUILTIN_YAML.replacen(
            "inferred: [P0S3-05-3-00.sbn]",
            "inferred: [P0S3-05-3-00.bin, P0S3-05-3-00.sbn]",
            1,
        );
        for rank in ["1", "2", "3"] {
            text = text.replacen(&format!("    preferred: {rank}\n"), "", 1);
        }
        let matrix = Matrix::parse(&text, "no-ranks.yaml").unwrap();
        let graph = UpgradeGraph::new(&matrix, None);
        let (from, to) = (
            graph.node("P0030301MFG2").unwrap(),
            graph.node("P0S3-07-4-00").unwrap(),
        );
        let path = graph
            .best_path(from, to, &HashSet::new(), &HashSet::new(), Prefer::Safety)
            .unwrap();
        let names: Vec<&str> = path.iter().map(|s| s.to.name()).collect();
        assert_eq!(names, ["P0S3-06-3-00", "P003-07-4-00", "P0S3-07-4-00"]);
    }

    #[test]
    fn among_equal_routes_the_one_whose_files_the_user_has_wins() {
        // No preferred ranks and no file marked inferred: only the user's files tell apart
        // SCCP 3.x to SIP 7.4 through SIP 5.3, 6.0 or 6.3.
        let text: String = BUILTIN_YAML
            .lines()
            .filter(|line| {
                !line.starts_with("    preferred: ") && !line.starts_with("    inferred: ")
            })
            .map(|line| format!("{line}\n"))
            .collect();
        let matrix = Matrix::parse(&text, "plain.yaml").unwrap();
        let graph = UpgradeGraph::new(&matrix, None);
        let (from, to) = (
            graph.node("P0030301MFG2").unwrap(),
            graph.node("P0S3-07-4-00").unwrap(),
        );
        let route = |present: &HashSet<FileKey>| -> Vec<&str> {
            graph
                .best_path(from, to, &HashSet::new(), present, Prefer::Safety)
                .unwrap()
                .iter()
                .map(|s| s.to.name())
                .collect()
        };
        assert_eq!(
            route(&HashSet::new())[0],
            "P0S3-05-3-00",
            "the names decide"
        );
        let present: HashSet<FileKey> = [
            "P0S3-06-0-00.bin",
            "P003-07-4-00.sbn",
            "P0S3-07-4-00.loads",
            "P0S3-07-4-00.sb2",
        ]
        .iter()
        .filter_map(|f| package::file_key(f))
        .collect();
        assert_eq!(
            route(&present),
            ["P0S3-06-0-00", "P003-07-4-00", "P0S3-07-4-00"]
        );
    }

    #[test]
    fn no_rule_takes_a_load_to_itself() {
        let matrix = Matrix::builtin().unwrap();
        let load = matrix
            .find(&crate::knowledge::load_id::LoadId::parse("P0S3-08-11-00").unwrap())
            .unwrap();
        assert!(
            matrix.allowances(load, load).next().is_some(),
            "a rule's conditions hold for the pair"
        );
        assert!(best_rule(&matrix, load, load).is_none());
    }
}
