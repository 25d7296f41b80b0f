//! Every pair of catalogue loads gets either a plan that chains through allowed rules, or a
//! clear "no path".

use phoneup::knowledge::graph;
use phoneup::knowledge::matrix::{Matrix, Verdict};
use phoneup::knowledge::package as stage;
use phoneup::plan::{plan, Outcome, Planner, Request};

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
