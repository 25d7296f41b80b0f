//! `check --tftp-root` for a Java-based phone (7906 to 7975): the phone model booted from the
//! user's directory, once per model addressed and per phone with a file of its own, and why the
//! directory does not bring it where it should end (a loop, a load refused, a file missing,
//! boots run out, another load at the end, a jump the family rules do not call safe). Also the
//! one judgement of the jumps a simulated boot took, which `simulate` shows as notes.
//!
//! Pure but for reading nothing: it takes the directory already read ([`TftpRoot`]).
//!
//! May use: [`crate::knowledge`], [`crate::files`], [`crate::tftp_root`], [`crate::phone`],
//! [`crate::plan::family`], [`crate::output`] (a next step's shape).

use super::{found, macs_in, unread_and_asked, RootCheck, RootFinding, RootKind};
use crate::files::mac::{Mac, MODEL_MAC};
use crate::knowledge::family::JavaLoad;
use crate::knowledge::matrix::Matrix;
use crate::output::{shell_word, NextStep};
use crate::phone::boot::java::{JavaPhone, JavaResult, JavaSimulation};
use crate::phone::{RootServer, ServerBehaviour};
use crate::plan::family::{self, FamilyCheck, Phones};
use crate::tftp_root::TftpRoot;

/// What a directory does to the Java-based phones it serves: the 7940/7960's answer, with the
/// simulations of these phones (the same names in JSON, docs/json.md).
pub type FamilyRootCheck = RootCheck<JavaSimulation>;

/// What the root check is asked: the phones, where they start and should end, the directory.
pub struct FamilyRootRequest<'a> {
    pub phones: &'a Phones,
    pub from: &'a JavaLoad,
    pub to: Option<&'a JavaLoad>,
    /// The directory as the user typed it, for the commands the answer prints.
    pub dir: &'a str,
    pub mac: Option<Mac>,
    pub behaviour: ServerBehaviour,
    pub boots: usize,
}

/// Each jump a simulation took that the family rules do not call safe: the load it left, and
/// the check of the jump.
pub fn jumps_not_safe(
    matrix: &Matrix,
    phones: &Phones,
    simulation: &JavaSimulation,
) -> Vec<FamilyCheck> {
    let mut out = Vec::new();
    let Some(mut running) = JavaLoad::parse(&simulation.start) else {
        return out;
    };
    for boot in &simulation.boots {
        let JavaResult::Took(load) = &boot.result else {
            continue;
        };
        let Some(load) = JavaLoad::parse(load) else {
            continue;
        };
        let check = family::check(matrix, phones, &running, &load);
        if !check.is_safe() {
            out.push(check);
        }
        running = load;
    }
    out
}

/// One sentence on a jump the model took that the rules do not call safe.
pub fn describe_jump(check: &FamilyCheck) -> String {
    let (from, to) = (&check.from.id, &check.to.id);
    match &check.rule {
        Some(rule) => format!(
            "The model took {to} from {from}, but the matrix says {} (rule {}, {} confidence): {}",
            check.verdict,
            rule.id,
            rule.confidence,
            rule.reason.as_deref().unwrap_or(&rule.summary)
        ),
        None => format!(
            "The model took {to} from {from}, but no rule of the matrix speaks of that jump: it is not known to be safe"
        ),
    }
}

/// Boots every phone the request addresses from `root` and says what is wrong, if anything.
pub fn check_family_root(
    matrix: &Matrix,
    request: &FamilyRootRequest,
    root: &TftpRoot,
) -> FamilyRootCheck {
    let phones: Vec<Option<Mac>> = match request.mac {
        Some(mac) => vec![Some(mac)],
        None => {
            let found = macs_in(root);
            if found.is_empty() {
                vec![None]
            } else {
                found.into_iter().map(Some).collect()
            }
        }
    };
    let mut simulations = Vec::new();
    let mut findings: Vec<RootFinding> = Vec::new();
    for mac in &phones {
        for &model in &request.phones.models {
            let phone = JavaPhone {
                model,
                mac: mac.unwrap_or(MODEL_MAC).to_string(),
            };
            let mut server = RootServer {
                root,
                behaviour: request.behaviour,
            };
            let mut simulation = phone.simulate(request.from, &mut server, request.boots);
            let label = match mac {
                Some(mac) => format!("phone {mac} ({model})"),
                None => format!("a {model} with no file of its own"),
            };
            let unsafe_jumps = jumps_not_safe(matrix, request.phones, &simulation);
            simulation.notes = unsafe_jumps.iter().map(describe_jump).collect();
            for finding in why_not(&simulation, request, root, &label, &unsafe_jumps) {
                if !findings.contains(&finding) {
                    findings.push(finding);
                }
            }
            simulations.push(simulation);
        }
    }
    let ok = findings.is_empty();
    FamilyRootCheck {
        from: request.from.name().to_string(),
        to: request.to.map(|t| t.name().to_string()),
        tftp_root: request.dir.to_string(),
        ok,
        phones,
        simulations,
        reasons: findings.iter().map(|f| f.problem.clone()).collect(),
        findings,
        next_step: (!ok).then(|| next_step(request)),
        skipped: root.skipped.clone(),
    }
}

/// The findings of one simulation.
fn why_not(
    simulation: &JavaSimulation,
    request: &FamilyRootRequest,
    root: &TftpRoot,
    label: &str,
    unsafe_jumps: &[FamilyCheck],
) -> Vec<RootFinding> {
    let mut out = Vec::new();
    let last = simulation.boots.last();
    let last_request = last.and_then(|b| b.requests.last());
    let fix = simulation.fix.as_deref().unwrap_or_default();
    match last.map(|b| &b.result) {
        Some(JavaResult::Loop) => out.push(found(
            RootKind::Loops,
            last_request.map(|r| r.file.as_str()),
            format!(
                "{label} loops: {} answered {}. {fix}",
                last_request.map(|r| r.file.as_str()).unwrap_or_default(),
                last_request.map(|r| r.answer.as_str()).unwrap_or_default()
            ),
        )),
        Some(JavaResult::AuthFail(load) | JavaResult::WrongFamily(load)) => out.push(found(
            RootKind::RefusesImage,
            None,
            format!(
                "{label} refuses {load} and keeps {}. {fix}",
                simulation.running
            ),
        )),
        Some(JavaResult::Missing(file)) => out.push(found(
            RootKind::FileProblem,
            Some(file),
            format!(
                "{label} stops its download: {file} is missing, and it keeps {}. {fix}",
                simulation.running
            ),
        )),
        Some(JavaResult::Took(_)) => out.push(found(
            RootKind::Unfinished,
            None,
            format!(
                "{label} is still changing load after {} boots (raise --boots).",
                request.boots
            ),
        )),
        Some(JavaResult::Stayed) | None => {}
    }
    if let Some(to) = request.to {
        if JavaLoad::parse(&simulation.running).as_ref() != Some(to) {
            out.push(found(
                RootKind::EndsElsewhere,
                None,
                format!("{label} ends on {}, not on {to}.", simulation.running),
            ));
        }
    }
    for check in unsafe_jumps {
        out.push(found(
            RootKind::UnsafeJump,
            None,
            format!("{label}: {}.", describe_jump(check)),
        ));
    }
    out.extend(unread_and_asked(root, |name| {
        simulation
            .boots
            .iter()
            .any(|b| b.requests.iter().any(|r| r.file == name))
    }));
    out
}

/// Fix it with the family's plan and apply, and check again.
fn next_step(request: &FamilyRootRequest) -> NextStep {
    let model = match request.phones.model_value() {
        Some(model) => format!(" --model {model}"),
        None => String::new(),
    };
    let dir = shell_word(request.dir);
    let from = shell_word(request.from.name());
    let mut command = format!("phoneup check{model} --from {from} --tftp-root {dir}");
    if let Some(to) = request.to {
        command.push_str(&format!(" --to {}", shell_word(to.name())));
    }
    if let Some(mac) = request.mac {
        command.push_str(&format!(" --mac {mac}"));
    }
    if request.behaviour == ServerBehaviour::WrongError {
        command.push_str(" --server-answers wrong-error");
    }
    let fix = match request.to {
        Some(to) => format!(
            "Fix what is listed above; `phoneup plan{model} --from {from} --to {to}` lists each stage's files and `phoneup apply{model} --from {from} --to {to} --stage 1 --tftp-root {dir}` writes the first. Then check again.",
            to = shell_word(to.name())
        ),
        None => "Fix what is listed above, then check again.".into(),
    };
    NextStep::new(fix, command)
}

#[cfg(test)]
#[path = "family_root_tests.rs"]
mod tests;
