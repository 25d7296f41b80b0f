//! Uses phoneup as a library: plans the design card's upgrade and prints each stage's files.
//!
//! Run with: cargo run --example plan_card

use phoneup::knowledge::matrix::Matrix;
use phoneup::knowledge::Builtin;
use phoneup::plan::{plan, Outcome, Request};

fn main() -> Result<(), phoneup::Error> {
    let matrix = Matrix::builtin()?;
    let request = Request::new("P0030301MFG2", "P0S3-08-11-00");
    match plan(&matrix, &request)? {
        Outcome::Plan(plan) => {
            for stage in &plan.stages {
                println!(
                    "reboot {}: {} -> {} ({}, {} confidence)",
                    stage.reboot, stage.from, stage.to, stage.rule, stage.confidence
                );
                for (file, contents) in &stage.files {
                    match contents {
                        Some(text) => {
                            println!("  {file}:\n    {}", text.trim_end().replace('\n', "\n    "))
                        }
                        None => println!("  {file}: must be absent"),
                    }
                }
                println!("  firmware: {}", stage.firmware.join(", "));
            }
        }
        Outcome::NoPath(no_path) => {
            for reason in no_path.reasons {
                eprintln!("{reason}");
            }
            std::process::exit(1);
        }
    }
    Ok(())
}
