//! Every pair of catalogue loads gets either a plan that chains through allowed rules, or a
//! clear "no path".

use super::support::{fixture, run, run_json};
use phoneup::knowledge::graph;
use phoneup::knowledge::matrix::{Matrix, Verdict};
use phoneup::knowledge::package as stage;
use phoneup::plan::{plan, Outcome, Planner, Request};
use std::fs;

#[test]
fn every_pair_gets_a_chained_plan_of_allowed_steps_or_a_reasoned_no() {
    let matrix = Matrix::builtin().unwrap();
    let (mut plans, mut refusals) = (0, 0);
    let planner = Planner::new(&matrix);
    for from in &matrix.loads {
        for to in &matrix.loads {
            let request = Request::new(from.name(), to.name());
            let context = format!("{} -> {}", from.name(), to.name());
            match planner
                .plan(&request)
                .unwrap_or_else(|e| panic!("{context}: {e}"))
            {
                Outcome::Plan(plan) => {
                    plans += 1;
                    assert_eq!(
                        plan.path.first().map(String::as_str),
                        Some(from.name()),
                        "{context}"
                    );
                    assert_eq!(
                        plan.path.last().map(String::as_str),
                        Some(to.name()),
                        "{context}"
                    );
                    assert_eq!(plan.reboots, plan.stages.len(), "{context}");
                    let mut at = from.name().to_string();
                    for (i, s) in plan.stages.iter().enumerate() {
                        assert_eq!(s.reboot, i + 1, "{context}");
                        assert_eq!(
                            s.from, at,
                            "{context}: stage {} does not start where the last ended",
                            s.reboot
                        );
                        let (a, b) = (
                            matrix.by_name(&s.from).unwrap(),
                            matrix.by_name(&s.to).unwrap(),
                        );
                        let rule = matrix.rule(&s.rule).unwrap();
                        assert_eq!(rule.verdict, Verdict::Allowed, "{context}");
                        assert!(
                            rule.applies(a, b),
                            "{context}: {} does not cover {} -> {}",
                            s.rule,
                            s.from,
                            s.to
                        );
                        assert_eq!(
                            matrix.refusals(a, b).count(),
                            0,
                            "{context}: a refusal covers {} -> {}",
                            s.from,
                            s.to
                        );
                        assert_eq!(
                            graph::best_rule(&matrix, a, b).map(|r| r.id.as_str()),
                            Some(s.rule.as_str())
                        );
                        for file in &s.firmware {
                            assert!(
                                b.files.contains(file),
                                "{context}: {file} is not in the package of {}",
                                s.to
                            );
                        }
                        assert_eq!(s.image_version.as_deref(), Some(s.to.as_str()), "{context}");
                        assert!(s.files.contains_key("OS79XX.TXT"));
                        assert_eq!(s.firmware, stage::firmware(a, b));
                        at = s.to.clone();
                    }
                    assert_eq!(at, to.name(), "{context}");
                }
                Outcome::NoPath(no) => {
                    refusals += 1;
                    assert!(
                        !no.reasons.is_empty(),
                        "{context}: a no-path answer must say why"
                    );
                    assert_ne!(from.name(), to.name());
                }
            }
        }
    }
    // The matrix is neither empty nor all refusals.
    assert!(plans > matrix.loads.len() * 4, "only {plans} plans");
    assert!(refusals > 0);
}

#[test]
fn plans_take_the_fewest_reboots() {
    let matrix = Matrix::builtin().unwrap();
    let request = |from: &str, to: &str| Request::new(from, to);
    let reboots = |from, to| match plan(&matrix, &request(from, to)).unwrap() {
        Outcome::Plan(p) => Some(p.reboots),
        Outcome::NoPath(_) => None,
    };
    assert_eq!(reboots("P0030301MFG2", "P0S3-08-11-00"), Some(3));
    assert_eq!(reboots("P0S3-06-3-00", "P0S3-08-11-00"), Some(2));
    assert_eq!(reboots("P0S3-03-0-00", "P0S3-08-11-00"), Some(4));
    assert_eq!(reboots("P0S3-08-11-00", "P0S3-08-11-00"), Some(0));
    assert_eq!(reboots("P0S3-08-2-00", "P0S30202"), None);
}

#[test]
fn no_path_says_why_and_aims_for_the_nearest_load_of_the_same_kind_and_protocol() {
    let generic = |from: &str, to: &str, origin: &str| {
        format!("No chain of evidenced rules leads from {from} to {to} in {origin}. phoneup does not guess: if you know a route that works, add its rule and evidence to a copy of the matrix (phoneup matrix > my.yaml) and pass --matrix my.yaml.")
    };
    // SIP 8.11 cannot go back to SCCP 3.x (R6). The nearest SCCP application it reaches is
    // 7.2(3), the oldest above 3.1: not the SCCP loader P003-07-2-00, older still but a loader.
    let (code, value, _) = run_json(&["plan", "--from", "P0S3-08-11-00", "--to", "P0030301MFG2"]);
    assert_eq!(code, 1);
    assert_eq!(
        value["reasons"],
        serde_json::json!([
            "Rule R6 (high confidence): a signed load (5.0 or later) never goes back below 5.0: from 5.0 on the phone accepts only signed images, and every load below 5.0 is unsigned.",
            "No source lists the files of P0030301MFG2, so phoneup can plan from it but not to it.",
            generic("P0S3-08-11-00", "P0030301MFG2", "built-in data/matrix.yaml"),
        ])
    );
    assert_eq!(
        value["next_step"]["command"],
        "phoneup plan --from P0S3-08-11-00 --to P00307020300"
    );
    // 8.0(7) has no files: nearest below it is 8.0(5), by the whole version (8.0(1) shares
    // only the 8.0). No refusal and no signed-to-unsigned step: only those two reasons.
    let (code, value, _) = run_json(&["plan", "--from", "P0S3-08-11-00", "--to", "P00308000700"]);
    assert_eq!(code, 1);
    assert_eq!(
        value["reasons"],
        serde_json::json!([
            "No source lists the files of P00308000700, so phoneup can plan from it but not to it.",
            generic("P0S3-08-11-00", "P00308000700", "built-in data/matrix.yaml"),
        ])
    );
    assert_eq!(
        value["next_step"]["command"],
        "phoneup plan --from P0S3-08-11-00 --to P00308000500"
    );
    assert!(
        !value["next_step"]["fix"]
            .as_str()
            .unwrap()
            .contains("confidence steps"),
        "an all-high route has no caveat: {value:#}"
    );
    // From SCCP 5.0(3.1) every route to 8.0 has a medium step: the fix says so.
    let (_, value, _) = run_json(&["plan", "--from", "P00305000301", "--to", "P00308000700"]);
    assert_eq!(
        value["next_step"]["fix"],
        "Aim for P00308000500 instead: of the loads like P00308000700 that phoneup can reach from P00305000301, it has the most confident route and is the nearest. Its route has medium-confidence steps: read their evidence first."
    );
    // MGCP 7.7 has an era (the loader): it is not called an MGCP load before 7.0.
    let (_, value, _) = run_json(&["plan", "--from", "P0M3-07-7-00", "--to", "P0030301MFG2"]);
    let reasons = value["reasons"].to_string();
    assert!(!reasons.contains("before 7.0"), "{reasons}");
    assert!(reasons.contains("Rule R6"), "{reasons}");
    let (_, value, _) = run_json(&["plan", "--from", "P0M3-06-1-00", "--to", "P0S3-08-11-00"]);
    assert_eq!(
        value["reasons"][0],
        "P0M3-06-1-00 is a signed MGCP load before 7.0: whether it runs on the Universal Application Loader is unknown, and no rule covers it."
    );
    // A matrix of the user's without R6: phoneup still says why signed to unsigned has no path.
    let dir = fixture("no-path-without-r6", &[]);
    let (_, full, _) = run(&["matrix"]);
    let lines: Vec<&str> = full.lines().collect();
    let r6 = lines.iter().position(|l| *l == "  - id: R6").unwrap();
    let next = r6
        + 1
        + lines[r6 + 1..]
            .iter()
            .position(|l| l.starts_with("  - id: "))
            .unwrap();
    let mut without = lines[..r6].to_vec();
    without.extend(&lines[next..]);
    let matrix = dir.join("no-r6.yaml");
    fs::write(&matrix, without.join("\n") + "\n").unwrap();
    let matrix = matrix.to_str().unwrap();
    let (code, value, _) = run_json(&[
        "--matrix",
        matrix,
        "plan",
        "--from",
        "P0S3-08-11-00",
        "--to",
        "P00303020214",
    ]);
    assert_eq!(code, 1);
    assert_eq!(
        value["reasons"],
        serde_json::json!([
            "P0S3-08-11-00 is signed and P00303020214 is not: signed images never go back below 5.0.",
            generic("P0S3-08-11-00", "P00303020214", matrix),
        ])
    );
    fs::remove_dir_all(&dir).unwrap();
}
