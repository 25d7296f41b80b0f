//! `phoneup graph`: the upgrade matrix ([`crate::knowledge::graph`]) as a picture, in Graphviz
//! DOT or Mermaid, with a plan's route drawn highlighted.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use crate::knowledge::graph::UpgradeGraph;
use crate::knowledge::load_id::Era;
use crate::knowledge::matrix::Load;

/// How the picture is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DiagramFormat {
    /// Graphviz DOT (render with `dot -Tsvg`).
    #[default]
    Dot,
    /// A Mermaid flowchart (renders on GitHub and in many wikis).
    Mermaid,
}

const CLUSTERS: [(Option<Era>, &str, &str); 4] = [
    (Some(Era::Unsigned), "unsigned", "unsigned: below 5.0"),
    (
        Some(Era::Signed),
        "signed",
        "signed, before the Universal Application Loader",
    ),
    (Some(Era::Ual), "ual", "Universal Application Loader era"),
    (None, "unknown", "era unknown"),
];

/// A node of the picture: one load, or a family of loads every rule treats alike.
struct Node {
    id: String,
    era: Option<Era>,
    label: String,
    members: Vec<String>,
}

/// Groups loads that every rule condition matches alike (same era, same rules on both sides).
fn families(graph: &UpgradeGraph, per_load: bool) -> Vec<Node> {
    let matrix = graph.matrix();
    let mut nodes: Vec<(Vec<bool>, Node)> = Vec::new();
    let mut families: HashMap<(Vec<bool>, Option<Era>), usize> = HashMap::new();
    for load in graph.loads() {
        let signature: Vec<bool> = if per_load {
            vec![]
        } else {
            matrix
                .rules
                .iter()
                .flat_map(|r| [r.from.matches(load), r.to.matches(load)])
                .collect()
        };
        let existing = (!per_load)
            .then(|| families.get(&(signature.clone(), load.id.era())))
            .flatten()
            .copied();
        match existing {
            Some(index) => nodes[index].1.members.push(load.name().to_string()),
            None => {
                if !per_load {
                    families.insert((signature.clone(), load.id.era()), nodes.len());
                }
                nodes.push((
                    signature,
                    Node {
                        id: String::new(),
                        era: load.id.era(),
                        label: String::new(),
                        members: vec![load.name().to_string()],
                    },
                ))
            }
        }
    }
    nodes
        .into_iter()
        .enumerate()
        .map(|(i, (_, mut node))| {
            node.id = format!("n{i}");
            let loads: Vec<&Load> = node
                .members
                .iter()
                .filter_map(|m| graph.node(m).map(|n| graph.load(n)))
                .collect();
            node.label = match loads.as_slice() {
                [one] => format!("{}\\n{}", one.name(), one.label()),
                [first, .., last] => format!(
                    "{} to {}\\n{} loads: {} ... {}",
                    first.label(),
                    last.version,
                    loads.len(),
                    first.name(),
                    last.name()
                ),
                [] => String::new(),
            };
            node
        })
        .collect()
}

/// Renders the matrix; `path` (pairs of load names) is drawn highlighted. `per_load` draws every
/// load and jump; otherwise families of alike loads keep the picture readable.
pub fn render(
    graph: &UpgradeGraph,
    format: DiagramFormat,
    path: &[(String, String)],
    per_load: bool,
) -> String {
    let nodes = families(graph, per_load);
    let index: HashMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .flat_map(|(i, n)| n.members.iter().map(move |m| (m.as_str(), i)))
        .collect();
    let node_of = |name: &str| index[name];
    let on_path: HashSet<usize> = path
        .iter()
        .flat_map(|(a, b)| [node_of(a), node_of(b)])
        .collect();
    let highlighted: HashSet<(usize, usize, String)> = path
        .iter()
        .filter_map(|(a, b)| {
            let rule = graph
                .jumps()
                .into_iter()
                .find(|(x, y, _)| x.name() == a && y.name() == b)?
                .2;
            Some((node_of(a), node_of(b), rule.id.clone()))
        })
        .collect();
    // One edge per node pair and rule.
    let mut edges: Vec<(usize, usize, String, String)> = Vec::new();
    let mut seen = HashSet::new();
    for (a, b, rule) in graph.jumps() {
        let edge = (
            node_of(a.name()),
            node_of(b.name()),
            rule.id.clone(),
            rule.confidence.to_string(),
        );
        if seen.insert(edge.clone()) {
            edges.push(edge);
        }
    }
    let mut out = String::new();
    match format {
        DiagramFormat::Dot => {
            out.push_str("digraph phoneup {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n");
            for (era, id, title) in CLUSTERS {
                let members: Vec<(usize, &Node)> = nodes
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| n.era == era)
                    .collect();
                if members.is_empty() {
                    continue;
                }
                let _ = writeln!(out, "  subgraph cluster_{id} {{\n    label=\"{title}\";");
                for (i, node) in members {
                    let style = if on_path.contains(&i) {
                        ", color=\"#c00000\", penwidth=2"
                    } else {
                        ""
                    };
                    let _ = writeln!(out, "    {} [label=\"{}\"{style}];", node.id, node.label);
                }
                out.push_str("  }\n");
            }
            for (a, b, rule, confidence) in &edges {
                let style = if highlighted.contains(&(*a, *b, rule.clone())) {
                    ", color=\"#c00000\", fontcolor=\"#c00000\", penwidth=2.5"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "  {} -> {} [label=\"{rule} {confidence}\"{style}];",
                    nodes[*a].id, nodes[*b].id
                );
            }
            out.push_str("}\n");
        }
        DiagramFormat::Mermaid => {
            out.push_str("flowchart LR\n");
            for (era, id, title) in CLUSTERS {
                let members: Vec<&Node> = nodes.iter().filter(|n| n.era == era).collect();
                if members.is_empty() {
                    continue;
                }
                let _ = writeln!(out, "  subgraph {id}[\"{title}\"]");
                for node in members {
                    let _ = writeln!(
                        out,
                        "    {}[\"{}\"]",
                        node.id,
                        node.label.replace("\\n", "<br/>")
                    );
                }
                out.push_str("  end\n");
            }
            let mut red = Vec::new();
            for (i, (a, b, rule, confidence)) in edges.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "  {} -->|{rule} {confidence}| {}",
                    nodes[*a].id, nodes[*b].id
                );
                if highlighted.contains(&(*a, *b, rule.clone())) {
                    red.push(i.to_string());
                }
            }
            if !red.is_empty() {
                let _ = writeln!(
                    out,
                    "  linkStyle {} stroke:#c00000,stroke-width:3px;",
                    red.join(",")
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::matrix::Matrix;
    use crate::knowledge::Builtin;

    /// The lines of the Mermaid subgraph `id`, up to its `end`.
    fn subgraph<'a>(mermaid: &'a str, id: &str) -> Vec<&'a str> {
        mermaid
            .lines()
            .skip_while(|line| !line.starts_with(&format!("  subgraph {id}[")))
            .take_while(|line| *line != "  end")
            .collect()
    }

    #[test]
    fn each_load_is_drawn_in_the_box_of_its_era() {
        let matrix = Matrix::builtin().unwrap();
        let graph = UpgradeGraph::new(&matrix, None);
        let mermaid = render(&graph, DiagramFormat::Mermaid, &[], true);
        let unsigned = subgraph(&mermaid, "unsigned").join("\n");
        let ual = subgraph(&mermaid, "ual").join("\n");
        assert!(unsigned.contains("P0030301MFG2<br/>"), "{mermaid}");
        assert!(!unsigned.contains("P0S3-08-11-00<br/>"), "{mermaid}");
        assert!(ual.contains("P0S3-08-11-00<br/>"), "{mermaid}");
        assert!(!ual.contains("P0030301MFG2<br/>"), "{mermaid}");
    }
}
