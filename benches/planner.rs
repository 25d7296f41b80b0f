//! Speed of the planner, with divan: `cargo bench`. Results and the machine are in docs/speed.md.

use divan::{black_box, Bencher};
use phoneup::knowledge::load_id::LoadId;
use phoneup::knowledge::matrix::{Matrix, BUILTIN_YAML};
use phoneup::knowledge::Builtin;
use phoneup::plan::{plan, Planner, Request};

fn main() {
    divan::main();
}

/// Loading the built-in matrix, compiled in as Rust data (every command that plans does this
/// once).
#[divan::bench]
fn load_matrix() -> Matrix {
    Matrix::builtin().unwrap()
}

/// Parsing and validating the same matrix as YAML, as `--matrix FILE` does.
#[divan::bench]
fn parse_matrix_yaml() -> Matrix {
    Matrix::parse(black_box(BUILTIN_YAML), "bench.yaml").unwrap()
}

/// The card's plan, replayed on the phone model as every printed plan is.
#[divan::bench]
fn one_plan(bencher: Bencher) {
    let matrix = Matrix::builtin().unwrap();
    bencher.bench(|| {
        plan(
            &matrix,
            black_box(&Request::new("P0030301MFG2", "P0S3-08-11-00")),
        )
        .unwrap()
    });
}

/// Every pair of catalogue loads in one process.
#[divan::bench(sample_count = 10)]
fn all_pairs(bencher: Bencher) {
    let matrix = Matrix::builtin().unwrap();
    let requests: Vec<Request> = matrix
        .loads
        .iter()
        .flat_map(|a| {
            matrix
                .loads
                .iter()
                .map(|b| Request::new(a.name(), b.name()))
        })
        .collect();
    bencher.bench(|| {
        let planner = Planner::new(&matrix);
        for r in &requests {
            black_box(planner.plan(r).unwrap());
        }
    });
}

/// Parsing 100 000 mixed load IDs, file names and junk.
#[divan::bench(sample_count = 10)]
fn identify_100k(bencher: Bencher) {
    let samples = [
        "P0030301MFG2",
        "P0S3-08-11-00",
        "P0S3-8-12-00.loads",
        "P003-08-2-00.sbn",
        "P00308010200",
        "P0030801SR02",
        "PC0303010200",
        "P0S30202",
        "POS3-06-3-00",
        "junk",
        "P00405000700",
        "SIP41.9-4-2SR3-1S",
    ];
    let inputs: Vec<&str> = samples.iter().cycle().take(100_000).copied().collect();
    bencher.bench(|| {
        for input in &inputs {
            let _ = black_box(LoadId::parse(input));
        }
    });
}
