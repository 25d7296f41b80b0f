use super::*;
use crate::knowledge::Builtin;

fn load(id: &str) -> JavaLoad {
    JavaLoad::parse(id).unwrap()
}

fn m7961() -> Option<JavaModel> {
    JavaModel::find("7961")
}

#[test]
fn an_old_key_load_goes_to_9_x_through_the_8_5_2_bridge_of_its_own_protocol() {
    let matrix = Matrix::builtin().unwrap();
    let (phones, from, to) = resolve(m7961(), "SCCP41.8-3-1S", "SIP41.9-4-2SR3-1S").unwrap();
    let FamilyOutcome::Plan(plan) = plan(&matrix, &phones, &from, &to) else {
        panic!("no plan");
    };
    let route: Vec<&str> = plan.stages.iter().map(|s| s.to.id.as_str()).collect();
    assert_eq!(route, ["SCCP41.8-5-2S", "SIP41.9-4-2SR3-1S"]);
    assert_eq!(plan.stages[0].rule.id, "J2");
    assert_eq!(plan.stages[1].rule.id, "J3");
    assert_eq!(
        plan.stages[1].files[1].lines,
        ["<loadInformation30018 model=\"IP Phone 7961\">SIP41.9-4-2SR3-1S</loadInformation30018>"]
    );
    assert!(plan.stages[1].firmware_known);
    assert!(!plan.stages[0].firmware_known);
    assert_eq!(plan.stages[0].term_files, ["term61.default.loads"]);
}

#[test]
fn check_refuses_the_jump_past_the_bridge_and_names_it() {
    let matrix = Matrix::builtin().unwrap();
    let (phones, from, to) = resolve(None, "SCCP41.8-3-1S", "SIP41.9-4-2SR3-1S").unwrap();
    assert_eq!(phones.describe(), "7941G, 7941G-GE, 7961G and 7961G-GE");
    let check = check(&matrix, &phones, &from, &to);
    assert_eq!(check.verdict, "refused");
    assert_eq!(check.rule.as_ref().unwrap().id, "J1");
    assert_eq!(check.bridge.as_deref(), Some("8.5(2)"));
    assert_eq!(check.bridge_load.as_deref(), Some("SCCP41.8-5-2S"));
    // 8.5(2)SR1 is not a bridge.
    let sr1 = load("SCCP41.8-5-2SR1S");
    assert_eq!(check_of(&matrix, &phones, &from, &sr1), "refused J1a");
    // Within the dual-key releases, then on: allowed.
    assert_eq!(
        check_of(&matrix, &phones, &load("SCCP41.8-5-2S"), &to),
        "safe J3"
    );
}

fn check_of(matrix: &Matrix, phones: &Phones, from: &JavaLoad, to: &JavaLoad) -> String {
    let check = check(matrix, phones, from, to);
    format!(
        "{} {}",
        check.verdict,
        check.rule.map(|r| r.id).unwrap_or_default()
    )
}

#[test]
fn open_questions_stay_open_and_other_families_are_refused() {
    let matrix = Matrix::builtin().unwrap();
    let phones = Phones::family("41");
    // The seed's too-far jump: 7.x to an old-key 8.x.
    assert_eq!(
        check_of(
            &matrix,
            &phones,
            &load("TERM41.7-0-3-0S"),
            &load("SCCP41.8-3-1S")
        ),
        "unknown J9"
    );
    // A new-key load back below 8.3(3).
    assert_eq!(
        check_of(
            &matrix,
            &phones,
            &load("SCCP41.9-4-2SR3-1S"),
            &load("SIP41.8-3-1S")
        ),
        "unknown J7"
    );
    // No rule between two dual-key releases.
    assert_eq!(
        check_of(
            &matrix,
            &phones,
            &load("SCCP41.8-3-3S"),
            &load("SCCP41.8-5-2S")
        ),
        "unknown "
    );
    assert_eq!(
        check_of(
            &matrix,
            &phones,
            &load("SCCP41.8-5-2S"),
            &load("SCCP11.9-4-2SR3-1S")
        ),
        "refused J8"
    );
    // No plan is made where the direct jump is unknown and no evidenced route exists.
    let (phones, from, to) = resolve(None, "TERM41.7-0-3-0S", "SCCP41.8-3-1S").unwrap();
    assert!(matches!(
        plan(&matrix, &phones, &from, &to),
        FamilyOutcome::NoPath(_)
    ));
}

#[test]
fn a_start_the_model_cannot_run_is_an_input_error() {
    let error = resolve(JavaModel::find("7911"), "SCCP41.8-3-1S", "SCCP41.8-5-2S").unwrap_err();
    assert!(error.to_string().contains("a 7911G runs"), "{error}");
    let error = resolve(None, "P0S3-08-11-00", "SCCP41.8-5-2S").unwrap_err();
    assert!(error.to_string().contains("phoneup identify"), "{error}");
}
