//! `phoneup probe` for a Java-based phone (7906 to 7975): the answer to a `CTLSEP<MAC>.tlv` no
//! file should have, then, with a family plan, what its first stage reads from the server: the
//! phone's `SEP<MAC>.cnf.xml` (read first, and then the only configuration it reads) or each
//! model's element of `XMLDefault.cnf.xml` (ADM-7961), the `.loads` whole and each component it
//! lists, spelled as it lists them (SYSOP, THOURET), the term files a factory-reset phone reads
//! (CRIMSON-FD) and the components they list, and the later stages' firmware; the stage is then replayed on the phone model
//! ([`crate::phone::boot::java`]) over the wire, once for each model the plan addresses, and a
//! stage that does not leave it settled on the stage's load is a finding.

use std::collections::HashSet;

use super::{server_fix, Finding, Kind, Probe, Report, Run, Wire, REPLAY_BOOTS};
use crate::files::per_phone::PerPhoneFile;
use crate::files::xml_default_cnf_xml::{self, configured_load, JavaReads};
use crate::knowledge::family::{JavaLoad, JavaModel};
use crate::phone::boot::java::{JavaPhone, JavaResult, JavaSimulation};
use crate::plan::family::{FamilyStage, Phones};
use crate::tftp_root::family::{self, Listed, Seen, TermIs, Want as FileWant};
use crate::wire::client::{Fetch, Outcome, Want};
use crate::wire::remote::transfer;

/// A Java-based phone's plan to probe for.
pub struct FamilyProbe<'a> {
    /// The models the plan addresses.
    pub phones: &'a Phones,
    /// The plan's stages (none without `--from` and `--to`).
    pub stages: &'a [FamilyStage],
}

/// The text a fetch brought, if it brought the file.
fn text_of(fetch: &Fetch) -> Option<String> {
    fetch
        .contents
        .as_ref()
        .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
}

impl Probe<'_> {
    /// Probes the server for a Java-based phone.
    pub fn run_family(&self, family: &FamilyProbe) -> std::io::Result<Report> {
        let mut run = Run::new(self);
        run.missing_file()?;
        if let Some(stage) = family.stages.first() {
            run.family_stage(family.phones, stage)?;
            run.family_replay(family.phones, stage)?;
        }
        for stage in family.stages.iter().skip(1) {
            let name = stage_name(stage);
            for file in &stage.firmware {
                if !run.files.iter().any(|f| &f.file == file) {
                    let fetch = run.ask(file, true, Want::SizeOnly)?;
                    run.stage_file(&name, file, &fetch, None);
                }
            }
        }
        Ok(run.report())
    }
}

/// `stage 1 (SCCP41.8-3-1S -> SCCP41.8-5-2S)`.
fn stage_name(stage: &FamilyStage) -> String {
    format!(
        "stage {} ({} -> {})",
        stage.number, stage.from.id, stage.to.id
    )
}

impl Run<'_> {
    /// The first stage's files as the phone reads them.
    fn family_stage(&mut self, phones: &Phones, stage: &FamilyStage) -> std::io::Result<()> {
        let name = stage_name(stage);
        let load = stage.to.id.as_str();
        let sep = PerPhoneFile::SepXml.name(self.probe.mac);
        let fetch = self.ask(&sep, false, Want::Whole)?;
        if let Some(text) = text_of(&fetch) {
            let named = configured_load(&text, JavaReads::Own).ok().flatten();
            if named.as_deref() != Some(load) {
                self.find(Kind::StageFileContent, &sep, format!("{sep} names {}, and {name} needs {load}: the phone reads its own file first, and only it", named.as_deref().unwrap_or("no load")), format!("Write the phone's own file for this stage: {} --mac {} --tftp-root DIR.", self.probe.apply, self.probe.mac));
            }
        } else {
            let xml = xml_default_cnf_xml::FILE_NAME;
            let fetch = self.ask(xml, false, Want::Whole)?;
            self.stage_file(&name, xml, &fetch, None);
            if let Some(text) = text_of(&fetch) {
                self.xml_default_elements(&name, &text, phones, load);
            }
        }
        self.family_firmware(&name, stage)
    }

    /// The stage's `.loads`, the components it lists (or, without a usable one, those the
    /// catalogue names), the term files, which must list the same (another package's is to be
    /// replaced, and what it lists is not asked for), and the components only a term file not
    /// judged lists: a factory-reset phone asks for those ([`family::load_files`], as
    /// `inventory`, `lint` and `apply` judge a root).
    fn family_firmware(&mut self, name: &str, stage: &FamilyStage) -> std::io::Result<()> {
        let load = stage.to.id.as_str();
        let read = |file: &str, want: FileWant| -> std::io::Result<Seen> {
            let fetch = match want {
                FileWant::Text => self.ask(file, true, Want::Whole)?,
                FileWant::Presence => self.ask(file, true, Want::SizeOnly)?,
            };
            Ok(match fetch.outcome {
                Outcome::Received { .. } => Seen::There(text_of(&fetch)),
                Outcome::SizeOnly { .. } => Seen::There(None),
                _ => Seen::Absent(None),
            })
        };
        let files = family::load_files(load, &stage.firmware[1..], &stage.term_files, read)?;
        let manifest = files.manifest.name.clone();
        self.stage_file_fetched(name, &manifest, None);
        if files.listed == Listed::EmptyManifest {
            self.find(
                Kind::StageFileContent,
                &manifest,
                format!("{manifest} lists no .sbn component: the phone has nothing to fetch"),
                format!("Copy {manifest} again from {load}'s package."),
            );
        }
        let named_by = (files.listed == Listed::Manifest).then_some(manifest.as_str());
        for component in &files.components {
            self.stage_file_fetched(name, &component.name, named_by);
        }
        for term in &files.terms {
            self.stage_file_fetched(name, &term.file.name, None);
            if term.is == TermIs::Foreign {
                self.find(Kind::StageFileContent, &term.file.name, format!("{} lists other components than {manifest}: it is another package's, and a factory-reset phone loads what it lists instead of {load} (CRIMSON-FD, QSOLVED-LOOP)", term.file.name), format!("Copy {} from {load}'s package (each package overwrites it).", term.file.name));
            }
        }
        let mut said: HashSet<&str> = files.components.iter().map(|c| c.name.as_str()).collect();
        for term in &files.terms {
            for component in &term.lists {
                if said.insert(&component.name) {
                    self.stage_file_fetched(name, &component.name, Some(&term.file.name));
                }
            }
        }
        Ok(())
    }

    /// [`Run::stage_file`] for a file already asked.
    fn stage_file_fetched(&mut self, stage_name: &str, file: &str, named_by: Option<&str>) {
        if let Some(fetch) = self.fetched.get(file).cloned() {
            self.stage_file(stage_name, file, &fetch, named_by);
        }
    }

    /// Each addressed model's numbered element of `XMLDefault.cnf.xml` must name the stage's
    /// load.
    fn xml_default_elements(&mut self, name: &str, text: &str, phones: &Phones, load: &str) {
        let xml = xml_default_cnf_xml::FILE_NAME;
        for model in &phones.models {
            let element = model.xml_default_element();
            let named = configured_load(text, JavaReads::Default(model))
                .ok()
                .flatten();
            if named.as_deref() != Some(load) {
                self.find(Kind::StageFileContent, xml, format!("<{element}>, the {model}'s element of {xml}, names {}, and {name} needs {load}", named.as_deref().unwrap_or("nothing")), format!("Write this stage's files: {} --tftp-root DIR.", self.probe.apply));
            }
        }
    }

    /// Replays the stage on the phone model over the wire for each model addressed: it must
    /// take the stage's load and stay on it. Only a stage found right so far is replayed.
    fn family_replay(&mut self, phones: &Phones, stage: &FamilyStage) -> std::io::Result<()> {
        if !self.findings.is_empty() || self.any_timeout() {
            return Ok(());
        }
        let Some(start) = JavaLoad::parse(&stage.from.id) else {
            return Ok(());
        };
        let mac = self.probe.mac;
        for &model in &phones.models {
            let phone = JavaPhone {
                model,
                mac: mac.to_string(),
            };
            let mut wire = Wire {
                run: self,
                error: None,
            };
            let simulation = phone.simulate(&start, &mut wire, REPLAY_BOOTS);
            if let Some(error) = wire.error {
                return Err(error);
            }
            if simulation.settled() && simulation.running == stage.to.id {
                continue;
            }
            self.not_settled(model, stage, &simulation);
            return Ok(());
        }
        Ok(())
    }

    fn not_settled(&mut self, model: JavaModel, stage: &FamilyStage, simulation: &JavaSimulation) {
        let boots: Vec<String> = simulation
            .boots
            .iter()
            .map(|b| {
                let result = match &b.result {
                    JavaResult::Took(load) => format!("took {load}"),
                    JavaResult::Stayed => "stayed".into(),
                    JavaResult::Loop => "started over".into(),
                    JavaResult::AuthFail(load) => format!("Auth Fail on {load}"),
                    JavaResult::WrongFamily(load) => format!("refused {load}, another family's"),
                    JavaResult::Missing(file) => format!("stopped: {file} missing"),
                };
                format!("boot {} on {}: {result}", b.number, b.running)
            })
            .collect();
        let looped = simulation.boots.last().and_then(|b| b.requests.last());
        let server = looped.and_then(|r| {
            let fetch = self.fetched.get(&r.file)?;
            server_fix(&r.file, &transfer(fetch))
        });
        let mut fix = server
            .or_else(|| simulation.fix.clone())
            .unwrap_or_else(|| {
                format!(
                    "Write this stage's files: {} --tftp-root DIR.",
                    self.probe.apply
                )
            });
        fix.push_str(&format!(
            " Each boot as the phone sees it: phoneup simulate --from {} --server {} --mac {} --model {}.",
            stage.from.id,
            self.probe.server,
            self.probe.mac,
            model.model.to_ascii_lowercase()
        ));
        self.findings.push(Finding {
            kind: Kind::StageDoesNotSettle,
            file: None,
            detail: format!(
                "the phone model ({model}) booting {} from this server {} on {} instead of settling on {}: {}",
                stage_name(stage),
                match simulation.ending.as_str() {
                    "loop" => "loops",
                    "stuck" => "is stuck",
                    "settled" => "settles",
                    _ => "is still changing load",
                },
                simulation.running,
                stage.to.id,
                boots.join("; ")
            ),
            fix,
        });
    }
}
