//! `phoneup check`'s answers: is this one direct jump safe to flash, and (with a TFTP root) what
//! the next reboots do with the files the user has. Their text is the command's
//! ([`crate::commands::check`]).

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Input};
use crate::files::mac::Mac;
use crate::files::per_phone::PerPhoneFile;
use crate::files::{os79xx_txt, sip_default_cnf, xml_default_cnf_xml};
use crate::knowledge::catalogue;
use crate::knowledge::graph;
use crate::knowledge::load_id::LoadId;
use crate::knowledge::matrix::{Confidence, Load, Matrix, Mechanism, Rule};
use crate::knowledge::package;
use crate::knowledge::phones::Model;
use crate::output::{self, shell_word, NextStep};
use crate::phone::{Ending, Phone, ServerBehaviour, Simulation};
use crate::plan::stage::{self, EvidenceRef, Stage};
use crate::plan::{self, Outcome, Request};
use crate::tftp_root::TftpRoot;

mod family_root;
pub use family_root::{
    check_family_root, describe_jump, jumps_not_safe, FamilyRootCheck, FamilyRootRequest,
};

/// The answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// A rule with evidence allows the jump in one reboot.
    Safe,
    /// The phone already runs the target.
    Already,
    /// A rule with evidence says the jump fails.
    Refused,
    /// No rule speaks about it.
    Unknown,
    /// A rule allows it, but no source lists the files it needs, so phoneup cannot name them:
    /// nothing is known against the jump.
    FilesUnknown,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub from: String,
    pub from_label: String,
    pub to: String,
    pub to_label: String,
    pub verdict: Verdict,
    pub safe: bool,
    pub rule: Option<String>,
    pub rule_summary: Option<String>,
    pub confidence: Option<Confidence>,
    pub mechanism: Option<Mechanism>,
    /// Why the answer is no.
    pub reason: Option<String>,
    pub evidence: Vec<EvidenceRef>,
    /// For a safe jump: the stage that makes it. Otherwise: the first stage of the safe plan.
    pub stage: Option<Stage>,
    /// For a jump that is not safe: how many reboots the safe plan takes, if there is one.
    pub plan_reboots: Option<usize>,
    pub plan_path: Vec<String>,
    pub notes: Vec<String>,
    /// For a jump that is not safe: what to do instead, and the command to run next.
    pub next_step: Option<NextStep>,
}

fn rule_fields(check: &mut Check, rule: &Rule, matrix: &Matrix) {
    check.rule = Some(rule.id.clone());
    check.rule_summary = Some(rule.summary.clone());
    check.confidence = Some(rule.confidence);
    check.mechanism = rule.mechanism;
    check.evidence = EvidenceRef::for_rule(rule, matrix);
}

/// Checks the direct jump `from` to `to`.
pub fn check(matrix: &Matrix, from: &str, to: &str, model: Model) -> Result<Check, Error> {
    let from_load = catalogue::resolve(matrix, from, Input::From)?;
    let to_load = catalogue::resolve(matrix, to, Input::To)?;
    let mut check = Check {
        from: from_load.name().to_string(),
        from_label: from_load.label(),
        to: to_load.name().to_string(),
        to_label: to_load.label(),
        verdict: Verdict::Unknown,
        safe: false,
        rule: None,
        rule_summary: None,
        confidence: None,
        mechanism: None,
        reason: None,
        evidence: Vec::new(),
        stage: None,
        plan_reboots: None,
        plan_path: Vec::new(),
        notes: [("--from", from), ("--to", to)]
            .into_iter()
            .filter_map(|(flag, input)| catalogue::typography_note(flag, input))
            .collect(),
        next_step: None,
    };

    if from_load.id.match_key() == to_load.id.match_key() {
        check.verdict = Verdict::Already;
        check.safe = true;
        return Ok(check);
    }
    if let Some(rule) = matrix.refusals(&from_load, &to_load).next() {
        check.verdict = Verdict::Refused;
        check.reason = rule.reason.clone();
        rule_fields(&mut check, rule, matrix);
    } else if let Some(rule) = graph::best_rule(matrix, &from_load, &to_load) {
        check.verdict = Verdict::Safe;
        check.safe = true;
        rule_fields(&mut check, rule, matrix);
        let firmware = package::firmware(&from_load, &to_load);
        check.stage = Some(stage::build(
            1, &from_load, &to_load, rule, matrix, model, firmware,
        ));
        return Ok(check);
    } else if let Some(rule) = matrix.allowances(&from_load, &to_load).next() {
        let needed = package::firmware(&from_load, &to_load);
        if to_load.in_catalogue {
            check.verdict = Verdict::FilesUnknown;
            check.reason = Some(format!(
                "rule {} allows this jump, but no source lists the package of {}, so phoneup cannot name the files the phone will ask for ({} are what its kind of package holds). nothing says the jump is unsafe, only what to flash is unknown",
                rule.id,
                to_load.name(),
                package::missing_firmware(&from_load, &to_load).join(", "),
            ));
            check.next_step = Some(NextStep::new(
                format!(
                    "If you have the package of {}, list its files in a copy of the matrix (with their source), then check again with --matrix.",
                    to_load.name()
                ),
                "phoneup matrix > my.yaml",
            ));
            rule_fields(&mut check, rule, matrix);
            return Ok(check);
        } else {
            check.verdict = Verdict::Safe;
            check.safe = true;
            check.notes.push(format!(
                "{} is not in the catalogue: make sure its package holds {} before you flash.",
                to_load.name(),
                needed.join(", ")
            ));
        }
        rule_fields(&mut check, rule, matrix);
        if check.safe {
            return Ok(check);
        }
    } else {
        check.reason = Some(
            "no rule in the matrix covers this direct jump, so phoneup cannot call it safe".into(),
        );
    }

    first_step_of_plan(matrix, &mut check, &from_load, &to_load, model);
    Ok(check)
}

fn first_step_of_plan(matrix: &Matrix, check: &mut Check, from: &Load, to: &Load, model: Model) {
    let plan_command = format!(
        "phoneup plan --from {} --to {}",
        shell_word(from.name()),
        shell_word(to.name())
    );
    if !to.in_catalogue {
        check.notes.push(format!(
            "{} is not in the catalogue, so phoneup cannot plan a route to it.",
            to.name()
        ));
        check.next_step = Some(NextStep::new(
            format!(
                "Add {} with its files and evidence to a copy of the matrix, then plan with --matrix.",
                to.name()
            ),
            "phoneup matrix > my.yaml",
        ));
        return;
    }
    let request = Request {
        model,
        ..Request::new(from.name(), to.name())
    };
    match plan::plan(matrix, &request) {
        Ok(Outcome::Plan(plan)) => {
            check.next_step = Some(NextStep::new(
                format!(
                    "Take the safe route instead: {} ({}).",
                    output::reboots(plan.reboots),
                    plan.path.join(" -> ")
                ),
                plan_command,
            ));
            check.plan_reboots = Some(plan.reboots);
            check.plan_path = plan.path;
            check.stage = plan.stages.into_iter().next();
        }
        Ok(Outcome::NoPath(no_path)) => {
            check.notes.push(format!(
                "No safe route leads there either; `phoneup plan --from {} --to {}` explains why.",
                from.name(),
                to.name()
            ));
            check.next_step = Some(no_path.next_step);
        }
        Err(error) => check.notes.push(error.to_string()),
    }
}

/// `check --tftp-root`: what the next reboots will do with the files the user has now; `S` is
/// the simulation of one phone (a 7940/7960's, or a 7906 to 7975's in [`FamilyRootCheck`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RootCheck<S = Simulation> {
    pub from: String,
    pub to: Option<String>,
    pub tftp_root: String,
    /// Every phone simulated settles, on `to` when one is given, and no file it reads names
    /// another load it does not follow.
    pub ok: bool,
    /// The phones simulated: each MAC with a file of its own in the root (or the one given with
    /// `--mac`); `null` for a phone with no file of its own, when the root names no MAC.
    pub phones: Vec<Option<Mac>>,
    /// One simulation per phone and model.
    pub simulations: Vec<S>,
    /// Why the answer is not OK, one sentence each; empty when it is (the `problem` of each
    /// finding, in order).
    pub reasons: Vec<String>,
    /// The same, each with its kind and the file it is about.
    pub findings: Vec<RootFinding>,
    /// When it is not OK: the fix and the command to run next.
    pub next_step: Option<NextStep>,
    /// Entries of the directory a TFTP server would not serve.
    pub skipped: Vec<String>,
}

/// What a finding of [`check_root`] is about: a stable name for scripts (`kind` in JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RootKind {
    /// The phone asks for the same file again and again.
    Loops,
    /// The phone refuses its image on every boot.
    RefusesImage,
    /// The model has no evidence for what happens.
    UnknownEnding,
    /// Still changing load when the boots ran out.
    Unfinished,
    /// The phone settles on another load than the one wanted.
    EndsElsewhere,
    /// A file the phone reads names another load than the one it stays on.
    NamesAnotherLoad,
    /// The phone asks for a name the root has only in another letter case.
    WrongCase,
    /// What the phone model found wrong in a file it read (an empty trust list, a bad line).
    FileProblem,
    /// A firmware file that is not what its name says.
    Impostor,
    /// A file the phone asks for that phoneup could not read.
    Unreadable,
    /// A 7906 to 7975 takes a jump the family rules do not call safe.
    UnsafeJump,
}

/// One reason a root does not check out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RootFinding {
    pub kind: RootKind,
    /// The file it is about, when there is one.
    pub file: Option<String>,
    /// What is wrong, in one sentence.
    pub problem: String,
}

fn found(kind: RootKind, file: Option<&str>, problem: String) -> RootFinding {
    RootFinding {
        kind,
        file: file.map(String::from),
        problem,
    }
}

/// The MACs of the per-phone files in `root`, in any letter case (sorted, once each).
pub fn macs_in(root: &TftpRoot) -> Vec<Mac> {
    let mut macs: Vec<Mac> = root
        .names()
        .filter_map(|name| PerPhoneFile::parse(name).map(|(_, mac)| mac))
        .collect();
    macs.sort();
    macs.dedup();
    macs
}

/// The load a configuration file names for a phone of `model`: the line of `OS79XX.TXT`, the
/// `loadInformation` element of an XML file, the `image_version` of a SIP file.
pub fn named_load(file: &str, text: &str, model: Model) -> Option<String> {
    let lower = file.to_ascii_lowercase();
    let named = if lower == os79xx_txt::FILE_NAME.to_ascii_lowercase() {
        Some(os79xx_txt::first_line(text).trim().to_string())
    } else if lower.ends_with(".cnf.xml") {
        let element = model.load_information().last()?.element;
        xml_default_cnf_xml::load_information(text, element)
            .ok()
            .flatten()
    } else if lower.ends_with(".cnf") {
        sip_default_cnf::image_version(text)
    } else {
        None
    };
    named.filter(|n| !n.is_empty())
}

fn same_load(a: &str, b: &str) -> bool {
    match (LoadId::parse(a), LoadId::parse(b)) {
        (Ok(a), Ok(b)) => a.match_key() == b.match_key(),
        _ => a == b,
    }
}

/// Files the phone read on its last boot (or asked for, and the root has in another case) that
/// name another load than the one it stays on: the files aim elsewhere, the phone does not go.
fn aims_elsewhere(simulation: &Simulation, root: &TftpRoot, label: &str) -> Vec<RootFinding> {
    let Some(last) = simulation.boots.last() else {
        return Vec::new();
    };
    let staying = &simulation.final_load;
    let read: Vec<(&str, Option<String>)> = last
        .requests
        .iter()
        .filter(|r| r.found)
        .map(|r| {
            let named = root
                .text(&r.file)
                .and_then(|t| named_load(&r.file, &t, simulation.model));
            (r.file.as_str(), named)
        })
        .collect();
    let mut reasons = Vec::new();
    for (at, (file, named)) in read.iter().enumerate() {
        let Some(load) = named.as_ref().filter(|l| !same_load(l, staying)) else {
            continue;
        };
        let winner = read[at + 1..]
            .iter()
            .find(|(_, n)| n.as_deref().is_some_and(|n| same_load(n, staying)));
        let why = match winner {
            Some((later, _)) => format!(
                ": {later} names {staying} and the phone reads it after {file}, so it wins (TCG-7960). Name {load} in {later} too, or remove the line there"
            ),
            None => format!(
                ": {staying} does not follow it. Name the load the phone should run in every file it reads, or let phoneup apply write them"
            ),
        };
        reasons.push(found(
            RootKind::NamesAnotherLoad,
            Some(file),
            format!("{label} stays on {staying}, but {file} names {load}{why}."),
        ));
    }
    for request in last.requests.iter().filter(|r| !r.found) {
        let Some(variant) = root.case_variant(&request.file) else {
            continue;
        };
        let named = root
            .text(variant)
            .and_then(|t| named_load(&request.file, &t, simulation.model));
        if let Some(load) = named.filter(|l| !same_load(l, staying)) {
            reasons.push(found(
                RootKind::WrongCase,
                Some(variant),
                format!(
                    "{label} stays on {staying}: it asks for {}, but the root has {variant} (naming {load}), and tftpd-hpa, atftpd and dnsmasq match names exactly, so the phone gets File not found (a Windows server such as Tftpd32 would serve it). Rename {variant} to {}.",
                    request.file, request.file
                ),
            ));
        }
    }
    reasons
}

/// Why one simulated phone does not end where it should, one sentence each (in order, maybe
/// with repeats): how its run ended, the load it ends on against `target`, files that name
/// another load, the model's problems, and files it asks for that phoneup could not read.
fn why_not(
    simulation: &Simulation,
    target: Option<&Load>,
    root: &TftpRoot,
    packages: &package::Packages,
    label: &str,
    boots: usize,
) -> Vec<RootFinding> {
    let mut reasons = Vec::new();
    let last = simulation.boots.last();
    let detail = last.map(|b| b.detail.as_str()).unwrap_or_default();
    match simulation.ending {
        Ending::Stable => {}
        Ending::Loop => reasons.push(found(
            RootKind::Loops,
            simulation.loop_file.as_deref(),
            format!(
                "{label} loops on {}.",
                simulation
                    .loop_file
                    .as_deref()
                    .unwrap_or("the same request")
            ),
        )),
        Ending::Refused => reasons.push(found(
            RootKind::RefusesImage,
            None,
            format!("{label} refuses its image on every boot: {detail}."),
        )),
        Ending::Unknown => reasons.push(found(
            RootKind::UnknownEnding,
            None,
            format!("{label}: the model cannot say what happens ({detail})."),
        )),
        Ending::Unfinished => reasons.push(found(
            RootKind::Unfinished,
            None,
            format!("{label} is still changing load after {boots} boots (raise --boots)."),
        )),
    }
    if let Some(target) = target {
        let reached = LoadId::parse(&simulation.final_load)
            .is_ok_and(|id| id.match_key() == target.id.match_key());
        if !reached {
            reasons.push(found(
                RootKind::EndsElsewhere,
                None,
                format!(
                    "{label} ends on {}, not on {}.",
                    simulation.final_load,
                    target.name()
                ),
            ));
        }
    }
    if simulation.ending == Ending::Stable {
        reasons.extend(aims_elsewhere(simulation, root, label));
    }
    reasons.extend(
        simulation
            .problems
            .iter()
            .map(|problem| found(RootKind::FileProblem, None, problem.clone())),
    );
    // A file the phone fetched that is not what its name says.
    for file in simulation.boots.iter().flat_map(|b| &b.fetched) {
        if let Some(entry) = root.get(file) {
            if let Some(impostor) = packages.impostor(file, entry.size) {
                reasons.push(found(
                    RootKind::Impostor,
                    Some(file),
                    format!(
                        "{label} fetches {file}, and {}.",
                        impostor.describe(file, entry.size)
                    ),
                ));
            }
        }
    }
    reasons.extend(unread_and_asked(root, |name| {
        simulation
            .boots
            .iter()
            .any(|b| b.requests.iter().any(|r| r.file == name))
    }));
    reasons
}

/// Each file of the root phoneup could not read that the phone asks for (`asked`).
fn unread_and_asked(root: &TftpRoot, asked: impl Fn(&str) -> bool) -> Vec<RootFinding> {
    root.unread
        .iter()
        .filter(|(name, _)| asked(name))
        .map(|(name, why)| found(
            RootKind::Unreadable,
            Some(name),
            format!(
                "phoneup could not read {name} ({why}), which the phone asks for: what the phone does with it is unknown."
            ),
        ))
        .collect()
}

/// What to do when a root does not check out: fix it, and check again.
fn next_step(start: &Load, target: Option<&Load>, dir: &Path, phone: &Phone) -> NextStep {
    let mut command = format!(
        "phoneup check --from {} --tftp-root {}",
        shell_word(start.name()),
        shell_word(&dir.display().to_string())
    );
    if let Some(target) = target {
        let _ = write!(command, " --to {}", shell_word(target.name()));
    }
    if let Some(mac) = &phone.mac {
        let _ = write!(command, " --mac {mac}");
    }
    match phone.model {
        Model::Both => {}
        Model::M7940 => command.push_str(" --model 7940"),
        Model::M7960 => command.push_str(" --model 7960"),
    }
    if phone.server == ServerBehaviour::WrongError {
        command.push_str(" --server-answers wrong-error");
    }
    NextStep::new(
        match target {
            Some(t) => format!(
                "Fix what is listed above; `phoneup plan --from {} --to {} --tftp-root {}` lists each stage's files and `phoneup apply` writes them. Then check again.",
                shell_word(start.name()),
                shell_word(t.name()),
                shell_word(&dir.display().to_string())
            ),
            None => "Fix what is listed above, then check again.".into(),
        },
        command,
    )
}

/// Simulates each phone booting from the user's directory: every MAC that has a file of its
/// own in the root (or the one `phone.mac` names), on each model `phone.model` stands for.
pub fn check_root(
    matrix: &Matrix,
    from: &str,
    to: Option<&str>,
    dir: &Path,
    phone: &Phone,
    boots: usize,
) -> Result<RootCheck, Error> {
    let start = catalogue::resolve_as_typed(matrix, from, Input::From)?;
    let target = to
        .map(|t| catalogue::resolve_as_typed(matrix, t, Input::To))
        .transpose()?;
    let root = TftpRoot::from_dir(dir)?;
    let phones: Vec<Option<Mac>> = match phone.mac() {
        Some(mac) => vec![Some(mac)],
        None => {
            let found = macs_in(&root);
            if found.is_empty() {
                vec![None]
            } else {
                found.into_iter().map(Some).collect()
            }
        }
    };
    let packages = package::Packages::of(matrix);
    let mut simulations = Vec::new();
    let mut findings: Vec<RootFinding> = Vec::new();
    let mut add = |finding: RootFinding| {
        if !findings.contains(&finding) {
            findings.push(finding);
        }
    };
    for mac in &phones {
        for &model in phone.model.phones() {
            let one = Phone {
                model,
                mac: mac.map(|mac| mac.to_string()),
                packages: package::Packages::of(matrix),
                ..phone.clone()
            };
            let simulation = one.simulate(&start.id, &root, boots);
            let label = match mac {
                Some(mac) => format!("phone {mac} ({model})"),
                None => format!("a {model} with no file of its own"),
            };
            why_not(
                &simulation,
                target.as_ref(),
                &root,
                &packages,
                &label,
                boots,
            )
            .into_iter()
            .for_each(&mut add);
            simulations.push(simulation);
        }
    }
    let ok = findings.is_empty();
    let next_step = (!ok).then(|| next_step(&start, target.as_ref(), dir, phone));
    let reasons = findings.iter().map(|f| f.problem.clone()).collect();
    Ok(RootCheck {
        from: start.name().to_string(),
        to: target.map(|t| t.name().to_string()),
        tftp_root: dir.display().to_string(),
        ok,
        phones,
        simulations,
        reasons,
        findings,
        next_step,
        skipped: root.skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::Builtin;

    fn first_stage(matrix: &Matrix, from: &str, to: &str, model: Model) -> Stage {
        let request = Request {
            model,
            ..Request::new(from, to)
        };
        match plan::plan(matrix, &request).unwrap() {
            Outcome::Plan(plan) => plan.stages.into_iter().next().unwrap(),
            Outcome::NoPath(_) => panic!("a plan"),
        }
    }

    #[test]
    fn a_jump_that_is_not_safe_shows_the_first_stage_for_the_phone_checked() {
        let matrix = Matrix::builtin().unwrap();
        let (from, to) = ("P00305000301", "P0S3-08-11-00");
        let for_7940 = first_stage(&matrix, from, to, Model::M7940);
        assert_ne!(for_7940, first_stage(&matrix, from, to, Model::Both));
        let answer = check(&matrix, from, to, Model::M7940).unwrap();
        assert!(!answer.safe);
        assert_eq!(answer.stage, Some(for_7940));
    }

    #[test]
    fn a_file_naming_the_load_in_another_spelling_names_the_same_load() {
        assert!(same_load("P0S3-8-11-00", "P0S3-08-11-00"));
        assert!(!same_load("P0S3-8-12-00", "P0S3-08-11-00"));
        assert!(same_load("not a load", "not a load"));
        assert!(!same_load("not a load", "P0S3-08-11-00"));
    }

    #[test]
    fn a_file_the_phone_does_not_follow_is_blamed_on_the_file_read_after_it() {
        // A SIP 6.3 phone reads OS79XX.TXT, SIPDefault.cnf, then SIP<MAC>.cnf, whose
        // image_version wins (TCG-7960).
        let mut root = TftpRoot::new();
        root.insert("OS79XX.TXT", "P0S3-06-3-00\n");
        root.insert("SIPDefault.cnf", "image_version: P0S3-05-3-00\n");
        root.insert("SIP0018B9FFFFFF.cnf", "image_version: P0S3-06-3-00\n");
        let phone = Phone {
            mac: Some("0018B9FFFFFF".into()),
            ..Phone::new(Model::M7940)
        };
        let simulation = phone.simulate(&LoadId::parse("P0S3-06-3-00").unwrap(), &root, 4);
        assert_eq!(simulation.final_load, "P0S3-06-3-00");
        let reasons = aims_elsewhere(&simulation, &root, "the phone");
        assert_eq!(reasons.len(), 1, "{reasons:?}");
        assert_eq!(reasons[0].kind, RootKind::NamesAnotherLoad);
        assert_eq!(reasons[0].file.as_deref(), Some("SIPDefault.cnf"));
        assert!(
            reasons[0].problem.contains(
                "SIPDefault.cnf names P0S3-05-3-00: SIP0018B9FFFFFF.cnf names P0S3-06-3-00 and the phone reads it after SIPDefault.cnf, so it wins"
            ),
            "{reasons:?}"
        );
    }

    #[test]
    fn a_root_checked_for_both_models_boots_a_7940_and_a_7960() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path();
        std::fs::write(
            dir.join("XMLDefault.cnf.xml"),
            "<Default><loadInformation8 model=\"IP Phone 7940\">P0S3-08-12-00</loadInformation8></Default>\n",
        )
        .unwrap();
        let matrix = Matrix::builtin().unwrap();
        let answer = check_root(
            &matrix,
            "P0S3-08-11-00",
            None,
            dir,
            &Phone::new(Model::Both),
            4,
        )
        .unwrap();
        let models: Vec<Model> = answer.simulations.iter().map(|s| s.model).collect();
        assert_eq!(models, [Model::M7940, Model::M7960]);
        // Only the 7940 reads its own element; the 7960 stays.
        assert_eq!(answer.simulations[1].final_load, "P0S3-08-11-00");
    }

    #[test]
    fn a_file_phoneup_cannot_read_counts_only_where_the_phone_asks_for_it() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path();
        for fifo in ["SIPDefault.cnf", "OS79XX.TXT"] {
            let status = std::process::Command::new("mkfifo")
                .arg(dir.join(fifo))
                .status()
                .expect("mkfifo runs (Debian's coreutils)");
            assert!(status.success());
        }
        let matrix = Matrix::builtin().unwrap();
        let answer = check_root(
            &matrix,
            "P0S3-08-11-00",
            None,
            dir,
            &Phone::new(Model::M7940),
            4,
        )
        .unwrap();
        // A SIP 8.11 phone reads SIPDefault.cnf, and never OS79XX.TXT.
        assert!(
            answer
                .reasons
                .iter()
                .any(|r| r.starts_with("phoneup could not read SIPDefault.cnf (")),
            "{:?}",
            answer.reasons
        );
        assert!(
            answer.reasons.iter().all(|r| !r.contains("OS79XX.TXT")),
            "{:?}",
            answer.reasons
        );
    }

    #[test]
    fn only_per_phone_configuration_files_name_a_phone() {
        let mut root = TftpRoot::new();
        for name in [
            "SEP0018B9FFFFFF.cnf.xml",
            "sip0018b9aaaaaa.cnf",
            "CTLSEP0018B9BBBBBB.tlv",
            "MGC0018B9CCCCCC.cnf",
            "SEP0018B9DDDDDD.cnf.bak",
            "SEPNOTAMACADDR.cnf",
            "SIPDefault.cnf",
        ] {
            root.insert(name, "x");
        }
        assert_eq!(
            macs_in(&root)
                .iter()
                .map(Mac::to_string)
                .collect::<Vec<_>>(),
            [
                "0018B9AAAAAA",
                "0018B9BBBBBB",
                "0018B9CCCCCC",
                "0018B9FFFFFF"
            ]
        );
    }
}
