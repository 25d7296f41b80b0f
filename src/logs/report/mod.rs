//! What `diagnose` says: each phone's boots (the shape of the boot, the image running, what it
//! fetched), with `--to` its place on the plan (`stage`), the findings with what they rest on
//! and their fixes (`words`), and what the log's format cannot show (`notes`), made from the
//! story into the model (`model`: the same fields in JSON and YAML); `text` says it for
//! people. A report's phones are made one at a time as they are shown, so that a log of many
//! phones is not held twice, in the story and in the report.

use crate::knowledge::firmware::{FirmwareExt, FirmwareKind};
use crate::knowledge::load_id::{Era as LoadEra, Kind as LoadKind, LoadId, Protocol};
use crate::logs::event::Source;
use crate::logs::read::{Diagnosis, MAX_LINE};
use crate::logs::story::{fetched, has_cr_or_space, Answer, Boot, Names, Phone, Story, Texts};
use crate::phone::recognise::{self, BootShape, Name};
use crate::plan::Planner;

mod model;
mod notes;
mod stage;
mod text;
mod words;

pub use model::{
    BootReport, FindingReport, InputReport, PhoneFinding, PhoneReport, Phones, Report,
    RequestReport, StageReport, Target,
};
pub use notes::no_requests;

impl<'d> Phones<'d> {
    pub fn len(&self) -> usize {
        self.story.phones.len()
    }

    pub fn is_empty(&self) -> bool {
        self.story.phones.is_empty()
    }

    /// Phone `index` of the story, as the report shows it.
    pub fn get(&self, index: usize) -> PhoneReport {
        let story = self.story;
        let phone = &story.phones[index];
        let boots = boots(
            phone,
            story.seen.hpa_silence_is_sent(),
            &story.names,
            &story.texts,
        );
        let last = boots.last();
        let stage = self
            .target
            .as_ref()
            .map(|(target, planner)| stage::stage(&boots, target, planner));
        PhoneReport {
            client: phone.client.clone(),
            mac: phone.mac,
            era: last.map_or(BootShape::Unknown, |b| b.era),
            protocol: last.and_then(|b| b.protocol),
            other_phone: last.and_then(|b| b.other_phone.clone()),
            running: last.and_then(|b| b.running.clone()),
            boots_seen: phone.boots_total,
            stage,
            findings: story
                .findings
                .list
                .iter()
                .filter(|f| f.phone == index)
                .map(|f| PhoneFinding {
                    kind: f.kind,
                    file: f.file.clone(),
                    count: f.count,
                })
                .collect(),
            boots,
        }
    }

    /// Every phone, in the order the log showed them.
    pub fn iter(&self) -> impl Iterator<Item = PhoneReport> + '_ {
        (0..self.len()).map(|index| self.get(index))
    }
}

impl<'d> Report<'d> {
    pub fn new(diagnosis: &'d Diagnosis, target: Option<&'d Target>) -> Report<'d> {
        let story = &diagnosis.story;
        let mut findings: Vec<FindingReport> = (0..story.findings.list.len())
            .map(|index| finding_report(story, index))
            .collect();
        findings.sort_by_key(|f| (f.lines.first().copied(), f.kind));
        findings.extend(no_requests(diagnosis));
        Report {
            inputs: Vec::new(),
            lines_read: diagnosis.lines_read,
            lines_unrecognised: diagnosis.lines_unrecognised(),
            lines_too_long: diagnosis.lines_too_long,
            lines_joined: diagnosis.lines_joined,
            max_line_bytes: MAX_LINE,
            sources: Source::ALL
                .into_iter()
                .filter(|&s| story.seen.lines_of(s) > 0)
                .map(|s| (s.name().to_string(), story.seen.lines_of(s)))
                .collect(),
            notes: notes::notes(story),
            phones: Phones {
                story,
                target: target.map(|t| (t, Planner::new(t.matrix))),
            },
            findings,
        }
    }

    /// 0 no findings, 1 findings (also `no_requests`: a log that shows no phone is no answer).
    pub fn exit_code(&self) -> u8 {
        u8::from(!self.findings.is_empty())
    }
}

fn outcome_words(answer: Answer, texts: &Texts) -> (&'static str, Option<u16>, Option<String>) {
    match answer {
        Answer::Requested => ("requested", None, None),
        Answer::Sent => ("sent", None, None),
        Answer::NotFound => ("not_found", None, None),
        Answer::Refused { code, text } => ("refused", code, Some(texts.get(text).to_string())),
        Answer::Failed { why } => ("failed", None, Some(texts.get(why).to_string())),
        Answer::Ended => ("ended", None, None),
    }
}

/// The boots of a phone, with what runs at each: what the boot shows, or else the image the
/// boot before fetched when this boot's era agrees with it.
fn boots(phone: &Phone, hpa_answers: bool, names: &Names, texts: &Texts) -> Vec<BootReport> {
    let mut out: Vec<BootReport> = Vec::new();
    // The image the boot before installs, by the number of its name.
    let mut before: Option<u32> = None;
    for boot in &phone.boots {
        let era = boot.hunt.shape();
        let mut running = boot.hunt.running_load().map(str::to_string);
        if running.is_none() && boot.hunt.has_start() {
            let took = |image| {
                // The load's era, worked out once for the name.
                let ual = names.ual_image(image)?;
                (recognise::took_image(ual, era) != Some(false)).then_some(image)
            };
            if let Some(Name::Image { load, .. }) = before.and_then(took).map(|i| names.name(i)) {
                running = recognise::image_load(load).map(|load| load.name().to_string());
            }
        }
        // What runs says more than the hunt: the loader, or which application.
        let (mut era, mut protocol) = (era, boot.hunt.protocol());
        if let Some(load) = running.as_deref().and_then(|r| LoadId::parse(r).ok()) {
            protocol = load.protocol().or(protocol);
            era = match (load.kind(), load.era(), load.protocol()) {
                (LoadKind::Loader, ..) => BootShape::Loader,
                (_, Some(LoadEra::Ual), _) => BootShape::UalApplication,
                (_, Some(_), Some(Protocol::Sccp)) => BootShape::OldSccp,
                (_, Some(_), Some(Protocol::Sip)) => BootShape::OldSip,
                _ => era,
            };
        }
        let fetched_files: Vec<String> = boot
            .requests
            .iter()
            .filter(
                |r| matches!(names.name(r.file), Name::Image { ext, .. } if ext.kind() == FirmwareKind::Image),
            )
            .filter(|r| fetched(r, hpa_answers))
            .map(|r| names.get(r.file).to_string())
            .collect();
        before = last_image(boot, hpa_answers, names);
        out.push(BootReport {
            boot: boot.number,
            first_line: boot.first_line,
            last_line: boot.last_line,
            start: boot.start.map(|t| t.to_string()),
            era,
            protocol,
            other_phone: boot.hunt.other().map(|o| o.models.to_string()),
            other_words: boot.hunt.other().map(|o| o.to_string()),
            running,
            fetched: fetched_files,
            application_up: boot.hunt.application_up(),
            requests: boot
                .requests
                .iter()
                .map(|r| {
                    let (outcome, code, detail) = outcome_words(r.outcome, texts);
                    RequestReport {
                        line: r.line,
                        file: names.get(r.file).to_string(),
                        outcome,
                        code,
                        detail,
                        bytes: r.bytes,
                    }
                })
                .collect(),
            more_requests: boot.more,
        });
    }
    out
}

/// The image a boot installs, by the number of its name: its `.sb2` (the application of a
/// `.loads`), else its last `.bin` or `.sbn`; one the log shows it got.
fn last_image(boot: &Boot, hpa_answers: bool, names: &Names) -> Option<u32> {
    let images: Vec<(u32, FirmwareExt)> = boot
        .requests
        .iter()
        .filter(|r| fetched(r, hpa_answers) && !has_cr_or_space(names.get(r.file)))
        .filter_map(|r| match names.name(r.file) {
            Name::Image { ext, .. } if ext.kind() == FirmwareKind::Image => Some((r.file, ext)),
            _ => None,
        })
        .collect();
    images
        .iter()
        .rev()
        .find(|(_, ext)| *ext == FirmwareExt::Sb2)
        .or(images.last())
        .map(|&(image, _)| image)
}

/// Finding `index` of the story, in words.
pub fn finding_report(story: &Story, index: usize) -> FindingReport {
    let finding = &story.findings.list[index];
    let phone = &story.phones[finding.phone];
    let (detail, fix) = words::words(finding, phone, story);
    FindingReport {
        kind: finding.kind,
        client: phone.client.clone(),
        mac: phone.mac,
        file: finding.file.clone(),
        count: finding.count,
        lines: finding.lines(),
        detail,
        fix,
    }
}
