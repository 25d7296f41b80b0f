//! The upgrade matrix as a petgraph graph: loads are nodes, allowed direct jumps are edges, and
//! the search picks the path with the fewest reboots, then the highest confidence, then the
//! well-trodden intermediates.

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

use petgraph::algo::dijkstra;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::{EdgeRef, NodeFiltered, Reversed};
use petgraph::Direction;

use crate::knowledge::matrix::{Confidence, Load, Matrix, Rule};
use crate::knowledge::package;

/// How many equally short paths the search compares at most (the built-in matrix has a few
/// dozen; the cap keeps a huge user matrix from running away).
const MAX_CANDIDATES: usize = 10_000;

/// The rule that allows the direct jump `from` to `to`: no refusal may speak about the jump,
/// the catalogue must list the firmware it needs, and the most confident allowing rule wins
/// (the first in the file among equals).
pub fn best_rule<'m>(matrix: &'m Matrix, from: &Load, to: &Load) -> Option<&'m Rule> {
    if from.id.match_key() == to.id.match_key() || matrix.refusals(from, to).next().is_some() {
        return None;
    }
    if !package::missing_firmware(from, to).is_empty() {
        return None;
    }
    matrix
        .allowances(from, to)
        .min_by_key(|rule| Reverse(rule.confidence))
}

/// The graph of allowed jumps.
pub struct UpgradeGraph<'m> {
    matrix: &'m Matrix,
    graph: DiGraph<Load, &'m Rule>,
}

/// See [`UpgradeGraph::path_key`].
type PathKey = (
    Reverse<Vec<Confidence>>,
    usize,
    usize,
    Vec<u32>,
    Vec<String>,
);

/// One step of a path: the loads it joins and the rule that allows it.
#[derive(Debug, Clone, Copy)]
pub struct Step<'g, 'm> {
    pub from: &'g Load,
    pub to: &'g Load,
    pub rule: &'m Rule,
}

impl<'m> UpgradeGraph<'m> {
    /// Builds the graph over the catalogue, plus `extra` (a starting load the catalogue lacks).
    pub fn new(matrix: &'m Matrix, extra: Option<&Load>) -> UpgradeGraph<'m> {
        let mut graph = DiGraph::new();
        let loads = matrix.loads.iter().chain(extra);
        let nodes: Vec<NodeIndex> = loads.map(|load| graph.add_node(load.clone())).collect();
        for &a in &nodes {
            for &b in &nodes {
                if let Some(rule) = best_rule(matrix, &graph[a], &graph[b]) {
                    graph.add_edge(a, b, rule);
                }
            }
        }
        UpgradeGraph { matrix, graph }
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
        self.graph
            .node_indices()
            .find(|&n| self.graph[n].name() == name)
    }

    pub fn load(&self, node: NodeIndex) -> &Load {
        &self.graph[node]
    }

    /// Every load, in catalogue order.
    pub fn loads(&self) -> impl Iterator<Item = &Load> + '_ {
        self.graph.node_weights()
    }

    /// Every allowed jump, as (from, to, rule), in a stable order.
    pub fn jumps(&self) -> Vec<(&Load, &Load, &'m Rule)> {
        let mut jumps: Vec<_> = self
            .graph
            .edge_indices()
            .map(|e| {
                let (a, b) = self.graph.edge_endpoints(e).expect("edges have ends");
                (&self.graph[a], &self.graph[b], self.graph[e])
            })
            .collect();
        jumps.sort_by(|x, y| (x.0.name(), x.1.name()).cmp(&(y.0.name(), y.1.name())));
        jumps
    }

    /// The loads reachable from `node` in one reboot.
    pub fn successors(&self, node: NodeIndex) -> impl Iterator<Item = NodeIndex> + '_ {
        self.graph.neighbors_directed(node, Direction::Outgoing)
    }

    /// The best path from `from` to `to` that avoids the `avoid` nodes, as steps; `None` when
    /// no chain of allowed jumps joins them. An empty path means `from == to`. Among equally good
    /// paths, those whose firmware is in `present` (the user's files) win.
    pub fn best_path(
        &self,
        from: NodeIndex,
        to: NodeIndex,
        avoid: &HashSet<NodeIndex>,
        present: &HashSet<String>,
    ) -> Option<Vec<Step<'_, 'm>>> {
        if from == to {
            return Some(Vec::new());
        }
        let allowed = NodeFiltered::from_fn(&self.graph, |n: NodeIndex| !avoid.contains(&n));
        // Reboots still needed from each node to the target.
        let remaining: HashMap<NodeIndex, usize> =
            dijkstra(Reversed(&allowed), to, None, |_| 1usize)
                .into_iter()
                .collect();
        remaining.get(&from)?;

        let mut candidates = Vec::new();
        let mut current = vec![from];
        self.collect_shortest(to, &remaining, avoid, &mut current, &mut candidates);
        let best = candidates
            .into_iter()
            .map(|path| (self.path_key(&path, present), path))
            .min_by(|a, b| a.0.cmp(&b.0))?
            .1;
        Some(
            best.windows(2)
                .map(|pair| {
                    let edge = self
                        .graph
                        .find_edge(pair[0], pair[1])
                        .expect("paths follow edges");
                    Step {
                        from: &self.graph[pair[0]],
                        to: &self.graph[pair[1]],
                        rule: self.graph[edge],
                    }
                })
                .collect(),
        )
    }

    fn collect_shortest(
        &self,
        to: NodeIndex,
        remaining: &HashMap<NodeIndex, usize>,
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
        let left = remaining[&here];
        for edge in self.graph.edges(here) {
            let next = edge.target();
            if avoid.contains(&next) || remaining.get(&next) != Some(&(left - 1)) {
                continue;
            }
            current.push(next);
            self.collect_shortest(to, remaining, avoid, current, out);
            current.pop();
        }
    }

    /// The sort key of one of several equally long paths, best lowest: higher confidence (the
    /// weakest step first), then fewer firmware files the user lacks (with `--tftp-root`), then
    /// fewer intermediates that are not well trodden, then the better-ranked ones, then the
    /// names, so the choice never depends on the order of the data.
    fn path_key(&self, path: &[NodeIndex], present: &HashSet<String>) -> PathKey {
        let steps: Vec<(&Load, &Load, &Rule)> = path
            .windows(2)
            .map(|p| {
                let edge = self
                    .graph
                    .find_edge(p[0], p[1])
                    .expect("paths follow edges");
                (&self.graph[p[0]], &self.graph[p[1]], self.graph[edge])
            })
            .collect();
        let mut confidences: Vec<_> = steps.iter().map(|(_, _, rule)| rule.confidence).collect();
        confidences.sort();
        let missing = if present.is_empty() {
            0
        } else {
            steps
                .iter()
                .flat_map(|(a, b, _)| package::firmware(a, b))
                .filter(|file| !present.contains(file))
                .count()
        };
        let inner = &path[1..path.len() - 1];
        let mut ranks: Vec<u32> = inner
            .iter()
            .filter_map(|&n| self.graph[n].preferred)
            .collect();
        ranks.sort();
        (
            Reverse(confidences),
            missing,
            inner.len() - ranks.len(),
            ranks,
            path.iter()
                .map(|&n| self.graph[n].name().to_string())
                .collect(),
        )
    }
}
