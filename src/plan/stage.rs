//! One stage of a plan: one reboot, from the load the phone runs to the next one, with every
//! file the TFTP root must hold for it and what the user will see.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::files::per_phone::PerPhoneFile;
use crate::files::{mgc_default_cnf, os79xx_txt, sip_default_cnf, xml_default_cnf_xml};
use crate::knowledge::load_id::{Era, Kind, LoadId, Protocol};
use crate::knowledge::matrix::{Confidence, Load, Matrix, Mechanism, Rule};
use crate::knowledge::package;
use crate::knowledge::phones::Model;

/// A piece of evidence as a plan shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceRef {
    pub source: String,
    pub title: String,
    /// The URL, or where to find a source that has none.
    pub locator: String,
    pub note: String,
}

impl EvidenceRef {
    pub fn for_rule(rule: &Rule, matrix: &Matrix) -> Vec<EvidenceRef> {
        rule.evidence
            .iter()
            .map(|e| {
                let source = matrix.source(&e.source);
                EvidenceRef {
                    source: e.source.clone(),
                    title: source.map(|s| s.title.clone()).unwrap_or_default(),
                    locator: source.map(|s| s.locator().to_string()).unwrap_or_default(),
                    note: e.note.clone(),
                }
            })
            .collect()
    }
}

/// One reboot of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stage {
    /// 1 for the first reboot.
    pub reboot: usize,
    pub from: String,
    pub from_label: String,
    pub to: String,
    pub to_label: String,
    pub rule: String,
    pub rule_summary: String,
    pub confidence: Confidence,
    pub mechanism: Mechanism,
    pub evidence: Vec<EvidenceRef>,
    /// The image named in `OS79XX.TXT`; `None` when the file must be absent.
    pub os79xx: Option<String>,
    /// The load named in `XMLDefault.cnf.xml`; `None` when the file must be absent.
    pub xmldefault_load: Option<String>,
    /// The `image_version` value in `SIPDefault.cnf` (in `MGCDefault.cnf` when the phone runs
    /// MGCP).
    pub image_version: Option<String>,
    /// Firmware files that must be in the TFTP root, in the order the phone fetches them.
    pub firmware: Vec<String>,
    /// The files the phone asks for, in order (`<MAC>` stands for its MAC address).
    pub expect_requests: Vec<String>,
    /// What the phone's screen shows, in order.
    pub screen: Vec<String>,
    /// How to tell the stage worked.
    pub confirm: String,
    pub warnings: Vec<String>,
    /// The files phoneup writes whole, with their whole contents; `None` means the file must
    /// be absent (moved aside). Files phoneup edits in place are in `edits_in_place`, never here.
    pub files: BTreeMap<String, Option<String>>,
    /// The files phoneup edits inside the user's own copy: only the values named change.
    pub edits_in_place: Vec<Edit>,
}

/// An edit inside a file the user may already have: the values set, by key; every other byte of
/// the user's file stays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub file: String,
    pub set: Vec<EditValue>,
    /// Always true: the rest of the user's file is kept as it is.
    pub keep_rest_of_file: bool,
    /// The whole file to write when the user has none.
    pub if_absent: String,
}

/// One value an [`Edit`] sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EditValue {
    /// `image_version`, or the element `loadInformation8`.
    pub key: String,
    /// For a `loadInformation` element: the `model` attribute it carries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    pub value: String,
}

impl Stage {
    /// Every file of the stage as a root that holds none of them gets it: the files written
    /// whole and, for each edit, its `if_absent` contents.
    pub fn whole_files(&self) -> BTreeMap<String, Option<String>> {
        let mut files = self.files.clone();
        for edit in &self.edits_in_place {
            files
                .entry(edit.file.clone())
                .or_insert_with(|| Some(edit.if_absent.clone()));
        }
        files
    }

    /// For a user who has no `XMLDefault.cnf.xml`: phoneup creates it whole, so it moves from
    /// `edits_in_place` to `files`.
    pub fn xmldefault_created_whole(&mut self) {
        let name = xml_default_cnf_xml::FILE_NAME;
        if let Some(at) = self.edits_in_place.iter().position(|e| e.file == name) {
            let edit = self.edits_in_place.remove(at);
            self.files.insert(name.to_string(), Some(edit.if_absent));
        }
    }
}

/// The image `OS79XX.TXT` names for a target: an application of the loader's era whose package
/// has a loader (SIP 7.x/8.x, MGCP 7.x) is reached through it (no P0S3 image of those releases
/// can be booted directly).
fn os79xx_image(to: &Load) -> String {
    if to.id.era() == Some(Era::Ual) {
        if let Some(loader) = &to.loader {
            return loader.clone();
        }
    }
    to.name().to_string()
}

fn same_boot_prefix(a: &str, b: &str) -> bool {
    let prefix = |s: &str| s.chars().take(4).collect::<String>().to_ascii_uppercase();
    prefix(a) == prefix(b)
}

/// The UAL hunt as FUSSYLOGIC-7940's atftpd log shows it, up to the default files.
const UAL_HUNT: [PerPhoneFile; 4] = [
    PerPhoneFile::CtlSep,
    PerPhoneFile::SepXml,
    PerPhoneFile::SipCnf,
    PerPhoneFile::MgcCnf,
];

/// Whether the phone, running `from`, takes its next image from `MGCDefault.cnf` (an MGCP
/// application: R15).
fn reads_mgc_default(from: &Load) -> bool {
    from.id.protocol() == Some(Protocol::Mgcp)
}

fn expected_requests(
    from: &Load,
    os79xx: &str,
    files: &BTreeMap<String, Option<String>>,
    firmware: &[String],
) -> Vec<String> {
    let present = |name: &str| files.get(name).is_some_and(Option::is_some);
    let mut requests: Vec<String> = Vec::new();
    if from.id.era() == Some(Era::Ual) {
        requests.extend(UAL_HUNT.map(PerPhoneFile::template));
        // The hunt goes on through the default files until one exists.
        for name in [
            xml_default_cnf_xml::FILE_NAME,
            sip_default_cnf::FILE_NAME,
            mgc_default_cnf::FILE_NAME,
        ] {
            requests.push(name.into());
            if present(name) {
                break;
            }
        }
    } else {
        requests.push(os79xx_txt::FILE_NAME.into());
        if same_boot_prefix(from.name(), os79xx) {
            // Same protocol: no dual boot; the image reads its own configuration.
            if from.id.protocol() == Some(Protocol::Sccp) {
                requests.push(PerPhoneFile::SepXml.template());
                requests.push(xml_default_cnf_xml::FILE_NAME.into());
            } else {
                requests.push(sip_default_cnf::FILE_NAME.into());
                requests.push(PerPhoneFile::SipCnf.template());
            }
        }
    }
    requests.extend(firmware.iter().cloned());
    requests
}

fn application_start(to: &Load) -> &'static str {
    match to.id.protocol() {
        Some(Protocol::Sip) => {
            "the SIP application (\"SIP\" at the top right), showing \"Phone Unprovisioned\" until SIP<MAC>.cnf gives it a line"
        }
        Some(Protocol::Sccp) => {
            "the SCCP application, looking for a call manager (\"Configuring CM List\")"
        }
        _ => "the application",
    }
}

fn screen(from: &Load, to: &Load) -> Vec<String> {
    if package::through_bin_loader(from, to) {
        return vec![
            "\"Upgrading Software\" while the package's loader (its .bin) is fetched and written".into(),
            "a reboot".into(),
            "the \"Universal Application Loader\" screen while it fetches the .loads, the loader and the application".into(),
            "one or two reboots".into(),
            application_start(to).into(),
        ];
    }
    match (to.id.kind(), to.id.era()) {
        (Kind::Loader, _) => vec![
            "\"Upgrading Software\" while the loader is fetched and written".into(),
            "a reboot".into(),
            "the \"Universal Application Loader\" screen; with no load named yet it stops at \"TFTP file not found\"".into(),
        ],
        (_, Some(Era::Ual)) => vec![
            "the \"Universal Application Loader\" screen while it fetches the .loads, the loader and the application".into(),
            "one or two reboots (the loader is written first, then the application)".into(),
            application_start(to).into(),
        ],
        _ => vec![
            "\"Upgrading Software\" while the image is fetched and written".into(),
            "a reboot".into(),
            application_start(to).into(),
        ],
    }
}

fn confirm(from: &Load, to: &Load) -> String {
    if to.id.kind() == Kind::Loader {
        return format!(
            "The phone shows the Universal Application Loader screen (it has no settings menu) and the TFTP log shows it asking for CTLSEP<MAC>.tlv: {} is running and waits for the next stage's files.",
            to.name()
        );
    }
    let otherwise = if from.id.kind() == Kind::Loader {
        "If the phone stays on the Universal Application Loader screen, the TFTP log names the file it is waiting for.".to_string()
    } else {
        format!(
            "If it still reads {}, the phone kept its old image without an error: stop and read the TFTP log before going on.",
            from.name()
        )
    };
    format!(
        "Settings > Status > Firmware Versions: App Load ID reads {}. {otherwise}",
        to.name()
    )
}

/// SCCP 8.0(5) and later: the releases one 7960 silently refused (STRANGEFAIL).
fn silent_fallback_risk(to: &Load) -> bool {
    let first = LoadId::parse("P00308000500").expect("a valid load ID");
    to.id.kind() == Kind::Application
        && to.id.protocol() == Some(Protocol::Sccp)
        && to.id.cmp_version(&first).is_ge()
}

fn warnings(
    from: &Load,
    to: &Load,
    rule: &Rule,
    matrix: &Matrix,
    firmware: &[String],
    writes_xml_default: bool,
) -> Vec<String> {
    let mut warnings = Vec::new();
    let from_era = from.id.era();
    let to_era = to.id.era();
    let loader = to.loader.as_deref().unwrap_or_default();
    let caution = |id: &str| {
        matrix.caution(
            id,
            &[("to", to.name()), ("from", from.name()), ("loader", loader)],
        )
    };
    if from_era == Some(Era::Unsigned) && to_era.is_some_and(Era::is_signed) {
        warnings.push(caution("no-way-back"));
    }
    if from_era != Some(Era::Ual) && to_era == Some(Era::Ual) {
        warnings.push(caution("loader-no-settings"));
    }
    if from_era != Some(Era::Ual) {
        warnings.push(caution("os79xx-one-line"));
    }
    if writes_xml_default {
        warnings.push(caution("xml-default-spelling"));
    }
    if from_era == Some(Era::Ual) || to_era == Some(Era::Ual) {
        warnings.push(caution("tftp-file-not-found"));
    }
    if from_era == Some(Era::Ual) {
        warnings.push(caution("hunt-first-file"));
    } else if from.id.protocol() == Some(Protocol::Sip) {
        warnings.push(caution("per-phone-image-version"));
    }
    if to.loader.is_some() && to_era == Some(Era::Ual) {
        warnings.push(caution("image-version-not-loader"));
    }
    if to.id.kind() == Kind::Loader {
        warnings.push(caution("loader-image-version"));
    }
    if silent_fallback_risk(to) {
        warnings.push(caution("sccp-silent-fallback"));
    }
    for file in firmware.iter().filter(|f| to.inferred.contains(f)) {
        warnings.push(matrix.caution("unconfirmed-file", &[("file", file)]));
    }
    if rule.confidence < Confidence::High {
        warnings.push(format!(
            "Rule {} has {} confidence: read its evidence before trusting it with your only phone.",
            rule.id, rule.confidence
        ));
    }
    if let Some(note) = &rule.note {
        warnings.push(format!("Rule {}: {note}", rule.id));
    }
    if let Some(note) = &to.note {
        warnings.push(format!("{}: {note}.", to.name()));
    }
    warnings
}

/// Builds the stage that takes the phone from `from` to `to` under `rule`, fetching `firmware`
/// ([`package::firmware`], or the names the user's own `.loads` gives).
pub fn build(
    reboot: usize,
    from: &Load,
    to: &Load,
    rule: &Rule,
    matrix: &Matrix,
    model: Model,
    firmware: Vec<String>,
) -> Stage {
    let mechanism = rule
        .mechanism
        .expect("allowed rules have a mechanism (checked when the matrix loads)");
    let os79xx = os79xx_image(to);
    let xmldefault_load = matches!(mechanism, Mechanism::UalHunt | Mechanism::LoadInformation)
        .then(|| to.name().to_string());
    let image_version = to.name().to_string();

    let mut files = BTreeMap::new();
    files.insert(
        os79xx_txt::FILE_NAME.to_string(),
        Some(os79xx_txt::render(&os79xx)),
    );
    // image_version goes into SIPDefault.cnf, or MGCDefault.cnf (the same syntax) for a phone
    // on MGCP (FRGTECH's root), whose hunt must not stop at SIPDefault.cnf first.
    let image_version_edit = |file: &str, if_absent: String| Edit {
        file: file.to_string(),
        set: vec![EditValue {
            key: sip_default_cnf::IMAGE_VERSION_KEY.to_string(),
            model: None,
            value: image_version.clone(),
        }],
        keep_rest_of_file: true,
        if_absent,
    };
    let mut edits_in_place = Vec::new();
    if reads_mgc_default(from) {
        files.insert(sip_default_cnf::FILE_NAME.to_string(), None);
        edits_in_place.push(image_version_edit(
            mgc_default_cnf::FILE_NAME,
            mgc_default_cnf::render(&image_version),
        ));
    } else {
        edits_in_place.push(image_version_edit(
            sip_default_cnf::FILE_NAME,
            sip_default_cnf::render(&image_version),
        ));
    }
    match xmldefault_load.as_deref() {
        Some(load) => edits_in_place.push(Edit {
            file: xml_default_cnf_xml::FILE_NAME.to_string(),
            set: model
                .load_information()
                .iter()
                .map(|info| EditValue {
                    key: info.element.to_string(),
                    model: Some(info.model.to_string()),
                    value: load.to_string(),
                })
                .collect(),
            keep_rest_of_file: true,
            if_absent: xml_default_cnf_xml::render(load, model),
        }),
        None => {
            files.insert(xml_default_cnf_xml::FILE_NAME.to_string(), None);
        }
    }
    edits_in_place.sort_by(|a, b| a.file.cmp(&b.file));
    // What a root holding none of the files gets, as the phone would find it.
    let mut whole = files.clone();
    for edit in &edits_in_place {
        whole.insert(edit.file.clone(), Some(edit.if_absent.clone()));
    }

    Stage {
        reboot,
        from: from.name().to_string(),
        from_label: from.label(),
        to: to.name().to_string(),
        to_label: to.label(),
        rule: rule.id.clone(),
        rule_summary: rule.summary.clone(),
        confidence: rule.confidence,
        mechanism,
        evidence: EvidenceRef::for_rule(rule, matrix),
        expect_requests: expected_requests(from, &os79xx, &whole, &firmware),
        os79xx: Some(os79xx),
        image_version: Some(image_version),
        screen: screen(from, to),
        confirm: confirm(from, to),
        warnings: warnings(from, to, rule, matrix, &firmware, xmldefault_load.is_some()),
        xmldefault_load,
        firmware,
        files,
        edits_in_place,
    }
}

/// How the stage makes the phone take its image, for people: the mechanism, naming
/// `MGCDefault.cnf` where a phone on MGCP reads its `image_version` there.
pub fn how(stage: &Stage) -> &'static str {
    if image_version_file(stage) == mgc_default_cnf::FILE_NAME {
        "image_version in MGCDefault.cnf"
    } else {
        stage.mechanism.describe()
    }
}

/// The file that holds a stage's `image_version` line: `SIPDefault.cnf`, or `MGCDefault.cnf`
/// for a phone on MGCP.
pub fn image_version_file(stage: &Stage) -> &'static str {
    if stage
        .edits_in_place
        .iter()
        .any(|edit| edit.file == mgc_default_cnf::FILE_NAME)
    {
        mgc_default_cnf::FILE_NAME
    } else {
        sip_default_cnf::FILE_NAME
    }
}
