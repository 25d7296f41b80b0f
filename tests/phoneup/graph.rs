//! `phoneup graph`: DOT and Mermaid, the plan highlighted, every load with `--loads`, and the
//! README's picture in sync with the matrix.

use std::fs;

use super::support::{card, run};

/// `data/matrix.svg` (shown in the README) is rendered from `data/matrix.dot`; the DOT must be
/// what `phoneup graph` prints now. Regenerate both as the failure says (docs/reference/graph.md).
#[test]
fn the_readme_picture_is_in_sync_with_the_matrix() {
    let (code, dot, _) = run(&card("graph", &[]));
    assert_eq!(code, 0);
    let committed =
        fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/matrix.dot")).unwrap();
    assert_eq!(
        dot, committed,
        "data/matrix.dot is stale: run `cargo run -- graph --from P0030301MFG2 --to P0S3-08-11-00 > data/matrix.dot && dot -Tsvg data/matrix.dot > data/matrix.svg`"
    );
    let svg = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/matrix.svg")).unwrap();
    assert!(svg.contains("<svg"), "data/matrix.svg is not an SVG");
    assert!(
        svg.contains("R4b high"),
        "data/matrix.svg does not show the rules"
    );
}

#[test]
fn formats_and_highlighting() {
    let (code, mermaid, _) = run(&[
        "graph",
        "--format",
        "mermaid",
        "--from",
        "P0030301MFG2",
        "--to",
        "P0S3-08-11-00",
    ]);
    assert_eq!(code, 0);
    assert!(mermaid.starts_with("flowchart LR\n"));
    assert!(
        mermaid.contains("subgraph ual[\"Universal Application Loader era\"]"),
        "{mermaid}"
    );
    assert!(mermaid.contains("-->|R4b high|"), "{mermaid}");
    assert!(
        mermaid.contains("linkStyle "),
        "the plan is highlighted: {mermaid}"
    );
    let (_, plain, _) = run(&["graph"]);
    assert!(
        !plain.contains("#c00000"),
        "nothing highlighted without --from/--to"
    );
    let (_, every, _) = run(&["graph", "--loads"]);
    assert!(every.matches("->").count() > plain.matches("->").count() * 5);
    assert!(
        every.contains("\"P0S3-08-11-00\\nSIP 8.11\"")
            || every.contains("P0S3-08-11-00\\nSIP 8.11"),
        "{every}"
    );
    assert_eq!(
        run(&["graph", "--from", "P0S3-08-2-00", "--to", "P0S30202"]).0,
        1
    );
    // A start the catalogue lacks (plan accepts it) is drawn, not a crash.
    let (code, dot, stderr) = run(&["graph", "--from", "P0S3-06-1-00", "--to", "P0S3-08-11-00"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        dot.contains("P0S3-06-1-00") && dot.contains("#c00000"),
        "{dot}"
    );
    assert_eq!(run(&["graph", "--from", "P0S3-08-2-00"]).0, 2);
}
