//! Power cycles per phone at the bench: the phone model booted from every catalogue load through
//! serve's decisions in memory (no socket, no clock) to a SIP and an SCCP target, beside the
//! stages of the plan from that load, four ways: serve places the phone by its requests alone
//! (`--all`, no load named anywhere); the phone announces its load in CDP before each boot; the
//! phone answers serve's ask for its web page (`DeviceInformationX`, served by the loads the phone
//! model gives a page: SCCP applications of the UAL era); the phones file names its load
//! (`MAC from=LOAD`).
//!
//! Run: `cargo bench --bench serve_placement`. Prints a Markdown table (docs/serve-placement.md)
//! and, on stderr, every walk over the goal (stages + 1 by requests alone, stages with CDP).

use std::collections::BTreeMap;

use phoneup::knowledge::matrix::Matrix;
use phoneup::knowledge::Builtin;
use phoneup::wire::serve::memory::{walk_catalogue_as, Way, MAX_BOOTS};
use phoneup::wire::serve::placement::{Knowledge, Proposal};

/// The targets walked to: the SIP load of the design card, and an SCCP 8.x load.
const TARGETS: [&str; 2] = ["P0S3-08-11-00", "P00308010200"];
/// By requests alone, with CDP, with the web page, told.
const WAYS: [Way; 4] = [Way::REQUESTS, Way::CDP, Way::WEB, Way::TOLD];

fn main() {
    let matrix = Matrix::builtin().expect("the built-in matrix loads");
    let knowledge = Knowledge::new(&matrix, None);
    let mut over = Vec::new();
    for target in TARGETS {
        let walked = walk_catalogue_as(&matrix, |id| id.name() == target, &WAYS);
        let mut rows: BTreeMap<String, [Option<usize>; 4]> = BTreeMap::new();
        for w in &walked {
            let way = WAYS.iter().position(|x| *x == w.way).unwrap();
            rows.entry(w.from.clone()).or_default()[way] = w.walk.boots;
        }
        println!("\nTo {target}:\n");
        println!(
            "| start load | stages | by requests alone | with CDP | with the web page | told (`from=`) |"
        );
        println!("|---|---:|---:|---:|---:|---:|");
        let mut sums = [0; 5];
        for (from, cycles) in &rows {
            let stages = match knowledge.proposal(from, target) {
                Proposal::Stage { stages, .. } => stages,
                _ => 0,
            };
            let show = |c: &Option<usize>| c.map_or(format!(">{MAX_BOOTS}"), |c| c.to_string());
            println!(
                "| {from} | {stages} | {} | {} | {} | {} |",
                show(&cycles[0]),
                show(&cycles[1]),
                show(&cycles[2]),
                show(&cycles[3])
            );
            sums[0] += stages;
            for (sum, c) in sums[1..].iter_mut().zip(cycles) {
                *sum += c.unwrap_or(MAX_BOOTS);
            }
            if cycles[0].is_none_or(|c| c > stages + 1) {
                over.push(format!(
                    "{from} -> {target}, by requests: {}",
                    show(&cycles[0])
                ));
            }
            if cycles[1] != Some(stages) {
                over.push(format!(
                    "{from} -> {target}, with CDP: {}",
                    show(&cycles[1])
                ));
            }
        }
        println!(
            "| all {} loads | {} | {} | {} | {} | {} |",
            rows.len(),
            sums[0],
            sums[1],
            sums[2],
            sums[3],
            sums[4]
        );
    }
    if !over.is_empty() {
        eprintln!("\nOver the goal (stages + 1 by requests alone, stages with CDP):");
        for o in &over {
            eprintln!("  {o}");
        }
    }
}
