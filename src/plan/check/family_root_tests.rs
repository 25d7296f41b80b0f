use super::*;
use crate::knowledge::family::JavaModel;
use crate::knowledge::Builtin;

use crate::phone::boot::java::tests::{root_for, MAC, SIP_9};

fn run(
    from: &str,
    to: Option<&str>,
    root: &TftpRoot,
    behaviour: ServerBehaviour,
) -> FamilyRootCheck {
    let matrix = Matrix::builtin().unwrap();
    let phones = Phones {
        family: "41",
        models: vec![JavaModel::find("7961").unwrap()],
        named: true,
    };
    let from = JavaLoad::parse(from).unwrap();
    let to = to.map(|t| JavaLoad::parse(t).unwrap());
    let request = FamilyRootRequest {
        phones: &phones,
        from: &from,
        to: to.as_ref(),
        dir: "/srv/my tftp",
        mac: None,
        behaviour,
        boots: 6,
    };
    check_family_root(&matrix, &request, root)
}

fn kinds(check: &FamilyRootCheck) -> Vec<RootKind> {
    check.findings.iter().map(|f| f.kind).collect()
}

#[test]
fn a_directory_staged_for_a_safe_jump_brings_the_phone_there() {
    let root = root_for("SIP41.9-4-2SR3-1S", &SIP_9);
    let check = run(
        "SCCP41.8-5-2S",
        Some("SIP41.9-4-2SR3-1S"),
        &root,
        ServerBehaviour::FileNotFound,
    );
    assert!(check.ok, "{:?}", check.reasons);
    assert_eq!(check.phones, vec![Some(MAC.parse().unwrap())]);
    assert_eq!(check.simulations.len(), 1);
    assert_eq!(check.simulations[0].running, "SIP41.9-4-2SR3-1S");
    assert!(check.simulations[0].notes.is_empty());
    assert_eq!(check.next_step, None);
    // Without --to, settling is enough.
    assert!(run("SCCP41.8-5-2S", None, &root, ServerBehaviour::FileNotFound).ok);
}

#[test]
fn an_old_key_phone_pointed_past_the_bridge_is_refused_and_ends_elsewhere() {
    let root = root_for("SIP41.9-4-2SR3-1S", &SIP_9);
    let check = run(
        "SCCP41.8-3-1S",
        Some("SIP41.9-4-2SR3-1S"),
        &root,
        ServerBehaviour::FileNotFound,
    );
    assert!(!check.ok);
    assert_eq!(
        kinds(&check),
        [RootKind::RefusesImage, RootKind::EndsElsewhere]
    );
    assert!(
        check.reasons[0].starts_with(&format!(
            "phone {MAC} (7961G) refuses SIP41.9-4-2SR3-1S and keeps SCCP41.8-3-1S."
        )),
        "{}",
        check.reasons[0]
    );
    assert_eq!(
        check.reasons[1],
        format!("phone {MAC} (7961G) ends on SCCP41.8-3-1S, not on SIP41.9-4-2SR3-1S.")
    );
    let next = check.next_step.unwrap();
    assert_eq!(
        next.command,
        "phoneup check --model 7961 --from SCCP41.8-3-1S --tftp-root '/srv/my tftp' --to SIP41.9-4-2SR3-1S"
    );
    assert!(
        next.fix
            .contains("`phoneup plan --model 7961 --from SCCP41.8-3-1S --to SIP41.9-4-2SR3-1S`"),
        "{}",
        next.fix
    );
}

#[test]
fn a_missing_component_and_a_wrong_error_server_are_named() {
    let root = root_for("SIP41.9-4-2SR3-1S", &SIP_9[..4]);
    let mut with_manifest = root.clone();
    with_manifest.insert(
        "SIP41.9-4-2SR3-1S.loads",
        format!("SIP41.9-4-2SR3-1S.loads\r\n{}\r\n", SIP_9.join("\r\n")),
    );
    let check = run(
        "SCCP41.8-5-2S",
        None,
        &with_manifest,
        ServerBehaviour::FileNotFound,
    );
    assert_eq!(kinds(&check), [RootKind::FileProblem]);
    assert_eq!(
        check.findings[0].file.as_deref(),
        Some("cvm41sip.9-4-2ES26.sbn")
    );
    let check = run(
        "SCCP41.8-5-2S",
        None,
        &TftpRoot::new(),
        ServerBehaviour::WrongError,
    );
    assert_eq!(kinds(&check), [RootKind::Loops]);
    assert_eq!(
        check.findings[0].file,
        Some(format!("CTLSEP{}.tlv", MODEL_MAC))
    );
    assert_eq!(check.phones, vec![None]);
    assert!(check
        .next_step
        .unwrap()
        .command
        .ends_with(" --server-answers wrong-error"));
}

#[test]
fn boots_that_run_out_are_unfinished() {
    let root = root_for("SIP41.9-4-2SR3-1S", &SIP_9);
    let matrix = Matrix::builtin().unwrap();
    let phones = Phones::family("41");
    let from = JavaLoad::parse("SCCP41.8-5-2S").unwrap();
    let request = FamilyRootRequest {
        phones: &phones,
        from: &from,
        to: None,
        dir: "tftp",
        mac: Some(MAC.parse().unwrap()),
        behaviour: ServerBehaviour::FileNotFound,
        boots: 1,
    };
    let check = check_family_root(&matrix, &request, &root);
    // Every model of the family, each once.
    assert_eq!(check.simulations.len(), phones.models.len());
    assert_eq!(kinds(&check)[0], RootKind::Unfinished);
    assert!(check.reasons[0].ends_with("after 1 boots (raise --boots)."));
    assert!(check
        .next_step
        .unwrap()
        .command
        .contains(&format!(" --mac {MAC}")));
}

#[test]
fn a_jump_the_rules_refuse_is_a_finding_and_a_note() {
    // The model takes 9.4(2) from 8.5(2); judged as if the phone came from 8.3(1), which J1
    // refuses: the judgement reads the simulation's own start.
    let root = root_for("SIP41.9-4-2SR3-1S", &SIP_9);
    let matrix = Matrix::builtin().unwrap();
    let phones = Phones::family("41");
    let mut check = run("SCCP41.8-5-2S", None, &root, ServerBehaviour::FileNotFound);
    let mut simulation = check.simulations.remove(0);
    assert!(jumps_not_safe(&matrix, &phones, &simulation).is_empty());
    simulation.start = "SCCP41.8-3-1S".into();
    let refused = jumps_not_safe(&matrix, &phones, &simulation);
    assert_eq!(refused.len(), 1);
    let text = describe_jump(&refused[0]);
    assert!(text.starts_with("The model took SIP41.9-4-2SR3-1S from SCCP41.8-3-1S, but the matrix says refused (rule J1"), "{text}");
}

#[test]
fn a_file_phoneup_could_not_read_is_a_finding_only_when_the_phone_asks_for_it() {
    let mut root = root_for("SIP41.9-4-2SR3-1S", &SIP_9);
    root.unread
        .push((format!("CTLSEP{MAC}.tlv"), "too large".into()));
    root.unread.push(("notes.txt".into(), "unreadable".into()));
    let check = run("SCCP41.8-5-2S", None, &root, ServerBehaviour::FileNotFound);
    assert_eq!(kinds(&check), [RootKind::Unreadable]);
    assert_eq!(check.findings[0].file, Some(format!("CTLSEP{MAC}.tlv")));
}

#[test]
fn a_directory_that_makes_the_phone_take_a_jump_no_rule_calls_safe_is_not_ok() {
    // MCLEAN-CTLSEP's root: a 7961G on SCCP 7 is sent straight to SCCP 8.3(1), which rule J9
    // leaves open; the model takes it and settles there.
    let root = root_for(
        "SCCP41.8-3-1S",
        &[
            "jar41sccp.8-3-0-50.sbn",
            "cnu41.8-3-0-50.sbn",
            "apps41.8-3-0-50.sbn",
            "dsp41.8-3-0-50.sbn",
            "cvm41sccp.8-3-0-50.sbn",
        ],
    );
    let check = run(
        "TERM41.7-0-3-0S",
        Some("SCCP41.8-3-1S"),
        &root,
        ServerBehaviour::FileNotFound,
    );
    assert!(!check.ok);
    assert_eq!(kinds(&check), [RootKind::UnsafeJump]);
    assert!(check.reasons[0].contains("rule J9"), "{}", check.reasons[0]);
    assert_eq!(check.simulations[0].notes.len(), 1);
    assert_eq!(check.simulations[0].running, "SCCP41.8-3-1S");
}
