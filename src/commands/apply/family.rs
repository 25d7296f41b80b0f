//! What writing one stage of a Java-based phone's plan (7906 to 7975) changes in a TFTP root,
//! exactly the files `phoneup plan` prints for it: the loadInformation of `XMLDefault.cnf.xml`
//! (each addressed model's numbered element) or, with `--mac`, of that phone's own
//! `SEP<MAC>.cnf.xml` (its unnumbered element, SCCP and SIP alike); the firmware the stage needs
//! that the root lacks (the `.loads`, the components it lists under the names it lists, and the
//! term files of the same package that a factory-reset phone reads), checked and never written;
//! the SEP files that hold other phones back; what to run once the stage is in the root.

use crate::commands::apply::changes::{base_text, into_changes, look, not_editable};
use crate::commands::apply::shared::SharedChange;
use crate::commands::apply::{ApplyReport, ApplyRequest, Staged};
use crate::error::Error;
use crate::files::per_phone::PerPhoneFile;
use crate::files::xml_default_cnf_xml::{self, configured_load, JavaReads, Numbered};
use crate::knowledge::family::{JavaLoad, JavaModel};
use crate::knowledge::matrix::Matrix;
use crate::output::{shell_word, NextStep};
use crate::plan::family::{self, FamilyCheck, FamilyOutcome, FamilyPlan, Phones};
use crate::tftp_root::family::{self as family_files, Listed, TermIs};
use crate::tftp_root::journal::UndoJournal;
use crate::tftp_root::TftpRoot;

/// The plan a Java-based phone's apply writes a stage of, with the phones it addresses.
pub(super) struct Chosen {
    pub(super) plan: FamilyPlan,
    pub(super) phones: Phones,
}

/// The family plan `request` names a stage of (`--model`, or the family its loads imply).
pub(super) fn plan_of(
    matrix: &Matrix,
    request: &ApplyRequest,
    model: Option<JavaModel>,
    from: &str,
    to: &str,
) -> Result<Chosen, Error> {
    let (phones, from, to) = family::resolve(model, from, to)?;
    let plan = match family::plan(matrix, &phones, &from, &to) {
        FamilyOutcome::Plan(plan) => plan,
        FamilyOutcome::NoPath(check) => return Err(no_plan(&check, &phones, "apply")),
    };
    super::stage_in_range(request, &plan.from.id, &plan.to.id, plan.stages.len())?;
    Ok(Chosen { plan, phones })
}

/// Why a family command has no stage to work on (`what`: "apply", "probe for"): the verdict on
/// the direct jump and its rule, and the `check` that says more, for the same phones.
pub(crate) fn no_plan(check: &FamilyCheck, phones: &Phones, what: &str) -> Error {
    let rule = check.rule.as_ref().map_or_else(
        || "no rule of the matrix speaks about it".to_string(),
        |r| {
            format!(
                "rule {}: {}",
                r.id,
                r.reason.as_deref().unwrap_or(&r.summary)
            )
        },
    );
    Error::Usage {
        message: format!(
            "there is no plan from {} to {}, so no stage to {what}: the jump is {} ({rule}).\nNext: see what phoneup knows of it.\n  then run: phoneup check --from {} --to {}{}",
            check.from.id,
            check.to.id,
            check.verdict,
            shell_word(&check.from.id),
            shell_word(&check.to.id),
            model_words(phones)
        ),
    }
}

/// ` --model 7961` when the user named the model, else nothing.
pub(crate) fn model_words(phones: &Phones) -> String {
    phones
        .model_value()
        .map(|m| format!(" --model {m}"))
        .unwrap_or_default()
}

/// The numbered `XMLDefault.cnf.xml` elements of the phones addressed.
fn numbered(phones: &Phones) -> Vec<Numbered> {
    phones
        .models
        .iter()
        .map(|m| Numbered::of_java(*m))
        .collect()
}

/// The stage's changes, firmware, notes and next step.
pub(super) fn staged(
    chosen: &Chosen,
    request: &ApplyRequest,
    journal: &UndoJournal,
    root: &TftpRoot,
) -> Result<Staged, Error> {
    let stage = &chosen.plan.stages[request.stage - 1];
    let load = stage.to.id.as_str();
    let numbered = numbered(&chosen.phones);
    let mut notes = Vec::new();
    let name = match request.mac {
        Some(mac) => PerPhoneFile::SepXml.name(mac),
        None => xml_default_cnf_xml::FILE_NAME.to_string(),
    };
    let (before, old) = look(&request.dir, &name)?;
    let base = base_text(old.as_deref(), journal, &name, load, &mut notes);
    let restored = (base.is_some() && old.is_none()).then(|| name.clone());
    let new = match (&base, request.mac) {
        (Some(text), Some(_)) => xml_default_cnf_xml::set_load_numbered(text, load, &[]),
        (Some(text), None) => xml_default_cnf_xml::set_load_numbered(text, load, &numbered),
        (None, Some(_)) => Ok(xml_default_cnf_xml::render_device(load)),
        (None, None) => Ok(xml_default_cnf_xml::render_numbered(load, &numbered)),
    }
    .map_err(|why| not_editable(&request.dir, &name, &why))?;
    if request.mac.is_none() {
        notes.extend(held_back(root, &chosen.phones, load));
    }
    let shared = match request.mac {
        Some(_) => Vec::new(),
        None => vec![SharedChange {
            file: name.clone(),
            before: old.as_deref().and_then(|t| named(t, &chosen.phones)),
            after: named(&new, &chosen.phones),
            moved_aside: false,
        }],
    };
    let planned = into_changes(
        vec![(name, before, old, Some(new))],
        restored.as_deref(),
        &mut notes,
    );
    Ok(Staged {
        report: ApplyReport {
            from: chosen.plan.from.id.clone(),
            to: chosen.plan.to.id.clone(),
            stages: chosen.plan.stages.len(),
            stage_from: stage.from.id.clone(),
            stage_to: stage.to.id.clone(),
            rule: stage.rule.id.clone(),
            missing_firmware: missing_firmware(root, load, &stage.firmware[1..], &stage.term_files),
            shared,
            ..ApplyReport::default()
        },
        reads_os79xx: false,
        planned,
        notes,
        last: last_step(chosen, request),
    })
}

/// The load the first addressed model's element of an `XMLDefault.cnf.xml` names, when it is a
/// Java-based load ID.
fn named(text: &str, phones: &Phones) -> Option<String> {
    configured_load(text, JavaReads::Default(phones.models.first()?))
        .ok()
        .flatten()
        .filter(|l| JavaLoad::parse(l).is_some())
}

/// The `SEP<MAC>.cnf.xml` files in the root that name another load of the family: a phone with
/// its own file takes the load it names, not `XMLDefault.cnf.xml`'s (ADM-7961).
fn held_back(root: &TftpRoot, phones: &Phones, load: &str) -> Vec<String> {
    let held: Vec<String> = root
        .names()
        .filter(|n| {
            matches!(
                PerPhoneFile::parse_exact(n),
                Some((PerPhoneFile::SepXml, _))
            )
        })
        .filter_map(|n| {
            let text = root.text(n)?;
            let named = configured_load(&text, JavaReads::Own).ok()??;
            let other = JavaLoad::parse(&named)
                .is_some_and(|l| l.family() == phones.family && named != load);
            other.then(|| format!("{n} ({named})"))
        })
        .collect();
    if held.is_empty() {
        return Vec::new();
    }
    vec![format!(
        "{} name{} another load, and a phone with its own SEP<MAC>.cnf.xml takes the load that file names, not XMLDefault.cnf.xml's (ADM-7961): apply with --mac MAC for each of those phones.",
        held.join(", "),
        if held.len() == 1 { "s" } else { "" }
    )]
}

/// The stage's firmware the root lacks or holds in a form the phone cannot use: the `.loads`,
/// the components it lists (exact names: a case-sensitive server answers a case variant with
/// File not found, SYSOP, THOURET), and the term files a factory-reset phone reads instead of
/// loadInformation, which must be this package's (CRIMSON-FD, QSOLVED-LOOP). Without the
/// `.loads`, the components are those the catalogue names (`catalogued`, when it does).
fn missing_firmware(
    root: &TftpRoot,
    load: &str,
    catalogued: &[String],
    term_files: &[String],
) -> Vec<String> {
    let files = family_files::in_root(root, load, catalogued, term_files);
    let manifest = &files.manifest.name;
    let mut missing = match files.listed {
        Listed::Manifest => Vec::new(),
        Listed::EmptyManifest => vec![format!(
            "{manifest} (the one in the root lists no .sbn components: copy the one from the firmware package)"
        )],
        Listed::Catalogue => vec![files.manifest.missing("")],
    };
    let named_by = match files.listed {
        Listed::Manifest => format!(" (named by {manifest})"),
        _ => String::new(),
    };
    missing.extend(files.missing_components(&named_by));
    for term in &files.terms {
        match term.is {
            TermIs::Missing => missing.push(term.file.missing(&format!(
                " (a factory-reset phone reads it: copy it from {load}'s package)"
            ))),
            TermIs::Foreign => missing.push(foreign(&term.file.name, manifest, load)),
            TermIs::Own | TermIs::Unjudged => {}
        }
    }
    missing
}

/// A term file of another package than `load`'s.
fn foreign(term: &str, manifest: &str, load: &str) -> String {
    format!(
        "{term} (it lists other components than {manifest}: it is another package's, and a factory-reset phone would load that; copy the one from {load}'s package)"
    )
}

/// After the last stage: replay the root on the phone model, which should end on the target.
fn last_step(chosen: &Chosen, request: &ApplyRequest) -> NextStep {
    let stage = &chosen.plan.stages[request.stage - 1];
    let mut command = format!(
        "phoneup simulate --from {}{} --tftp-root {}",
        shell_word(&stage.from.id),
        model_words(&chosen.phones),
        shell_word(&request.dir.display().to_string())
    );
    if let Some(mac) = request.mac {
        command.push_str(&format!(" --mac {mac}"));
    }
    NextStep::new(
        format!(
            "This was the last stage: before you reboot the phone, replay the directory on the phone model; it should end on {}.",
            chosen.plan.to.id
        ),
        command,
    )
}
