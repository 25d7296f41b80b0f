//! `check` gives every verdict of the upgrade matrix (§5 of the domain model).

use phoneup::knowledge::matrix::Matrix;
use phoneup::plan::check::{check, Verdict};
use phoneup::Model;

fn verdict(from: &str, to: &str) -> (Verdict, Option<String>) {
    let matrix = Matrix::builtin().unwrap();
    let result = check(&matrix, from, to, Model::Both).unwrap();
    (result.verdict, result.rule)
}

#[track_caller]
fn assert_verdict(from: &str, to: &str, expected: Verdict, rule: Option<&str>) {
    let (got, got_rule) = verdict(from, to);
    assert_eq!(
        (got, got_rule.as_deref()),
        (expected, rule),
        "check --from {from} --to {to}"
    );
}

#[test]
fn r1_sccp_before_5_to_sip_5_or_6() {
    assert_verdict("P0030301MFG2", "P0S3-06-3-00", Verdict::Safe, Some("R1"));
    assert_verdict("P00303020214", "P0S3-05-3-00", Verdict::Safe, Some("R1"));
}

#[test]
fn r2_sccp_before_5_to_sip_7_is_load_id_incorrect() {
    assert_verdict("P0030301MFG2", "P0S3-07-4-00", Verdict::Refused, Some("R2"));
}

#[test]
fn r3_pre_ual_to_sip_8_is_refused() {
    assert_verdict(
        "P0S3-06-3-00",
        "P0S3-08-11-00",
        Verdict::Refused,
        Some("R3"),
    );
    assert_verdict("P0030301MFG2", "P0S3-08-2-00", Verdict::Refused, Some("R3"));
    assert_verdict("P00305000301", "P0S3-8-12-00", Verdict::Refused, Some("R3"));
}

#[test]
fn r4_sip_5_6_to_the_loader_then_its_own_application() {
    assert_verdict("P0S3-06-3-00", "P003-08-11-00", Verdict::Safe, Some("R4a"));
    assert_verdict("P0S3-05-3-00", "P003-8-12-00", Verdict::Safe, Some("R4a"));
    assert_verdict("P003-08-11-00", "P0S3-08-11-00", Verdict::Safe, Some("R4b"));
    // A loader only leads to the application of its own package.
    assert_verdict("P003-08-11-00", "P0S3-08-2-00", Verdict::Unknown, None);
}

#[test]
fn r5_sip_7_and_later_up_or_down() {
    assert_verdict("P0S3-08-2-00", "P0S3-06-3-00", Verdict::Safe, Some("R5"));
    assert_verdict("P0S3-07-4-00", "P0S3-8-12-00", Verdict::Safe, Some("R5"));
}

#[test]
fn r6_never_below_5_after_a_signed_load() {
    assert_verdict("P0S3-08-2-00", "P0S30202", Verdict::Refused, Some("R6"));
    assert_verdict("P00308010200", "P00303020214", Verdict::Refused, Some("R6"));
    assert_verdict("P0S3-05-3-00", "P0S3-04-4-00", Verdict::Refused, Some("R6"));
}

#[test]
fn r7_old_sip_goes_through_4_4_then_5_3() {
    assert_verdict("P0S3-03-0-00", "P0S3-05-3-00", Verdict::Refused, Some("R7"));
    assert_verdict("P0S3-03-0-00", "P0S3-04-4-00", Verdict::Safe, Some("R7a"));
    assert_verdict("P0S3-04-4-00", "P0S3-05-3-00", Verdict::Safe, Some("R7b"));
    assert_verdict("P0S3-05-3-00", "P0S3-06-3-00", Verdict::Safe, Some("R7c"));
}

#[test]
fn r8_sccp_5_to_sip_5_to_7() {
    assert_verdict("P00305000301", "P0S3-06-3-00", Verdict::Safe, Some("R8a"));
    assert_verdict("P00305000301", "P0S3-07-4-00", Verdict::Safe, Some("R8b"));
}

#[test]
fn r9_sccp_6_and_sip_7_both_ways() {
    assert_verdict("P00308010200", "P0S3-08-11-00", Verdict::Safe, Some("R9a"));
    assert_verdict("P0S3-08-11-00", "P00308010200", Verdict::Safe, Some("R9b"));
}

#[test]
fn r10_sip_before_7_to_sccp_is_refused() {
    assert_verdict(
        "P0S3-06-3-00",
        "P00308010200",
        Verdict::Refused,
        Some("R10"),
    );
}

#[test]
fn r11_signed_sccp_up_or_down() {
    assert_verdict("P00308010200", "P00308000500", Verdict::Safe, Some("R11"));
    assert_verdict("P00305000301", "P00308010200", Verdict::Safe, Some("R11"));
}

#[test]
fn r12_old_sccp_to_sccp_5() {
    assert_verdict("P0030301MFG2", "P00305000301", Verdict::Safe, Some("R12"));
}

#[test]
fn r13_old_sccp_to_old_sip() {
    assert_verdict("P0030301MFG2", "P0S30202", Verdict::Safe, Some("R13"));
}

#[test]
fn the_same_load_twice_is_already_there_in_any_spelling() {
    assert_verdict("P0S3-8-11-00", "P0S3-08-11-00", Verdict::Already, None);
}

#[test]
fn mgcp_is_unknown_not_guessed() {
    assert_verdict("P0M3-07-4-00", "P0S3-08-11-00", Verdict::Unknown, None);
}

#[test]
fn a_refusal_names_the_first_step_of_the_safe_plan() {
    let matrix = Matrix::builtin().unwrap();
    let result = check(&matrix, "P0S3-06-3-00", "P0S3-08-11-00", Model::Both).unwrap();
    let stage = result.stage.expect("a safe plan exists");
    assert_eq!(
        (stage.from.as_str(), stage.to.as_str()),
        ("P0S3-06-3-00", "P003-08-11-00")
    );
    assert_eq!(result.plan_reboots, Some(2));
}
