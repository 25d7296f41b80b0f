//! One stage of a family plan: the rule that allows it, and what the TFTP server must hold for
//! it (the loadInformation of `SEP<MAC>.cnf.xml` and `XMLDefault.cnf.xml`, the `.loads` and its
//! components, the term files a factory-reset phone reads instead), what the phone asks for,
//! and the cautions of the step.

use serde::Serialize;

use super::{LoadView, Phones, RuleView};
use crate::files::mac::MODEL_MAC;
use crate::knowledge::family::{Component, JavaLoad, KeyEra};
use crate::knowledge::matrix::families::FamilyRule;
use crate::knowledge::matrix::Matrix;
use crate::phone::boot::java::{JavaPhone, JavaResult};
use crate::phone::{RootServer, ServerBehaviour};
use crate::tftp_root::TftpRoot;

/// A configuration file a stage edits, and the lines it must hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StagedFile {
    pub file: String,
    /// Which phones read it and what to set.
    pub what: String,
    pub lines: Vec<String>,
}

/// One reboot of a family plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FamilyStage {
    pub number: usize,
    pub of: usize,
    pub from: LoadView,
    pub to: LoadView,
    pub rule: RuleView,
    pub files: Vec<StagedFile>,
    /// The `.loads` and the components the catalogue names, in manifest order.
    pub firmware: Vec<String>,
    /// Whether the sources name all five components of the load.
    pub firmware_known: bool,
    /// The term files of the phones addressed, from the same package.
    pub term_files: Vec<String>,
    pub requests: Vec<String>,
    pub warnings: Vec<String>,
    /// What the phone model did with the stage's files (`took SIP41.9-4-2SR3-1S`).
    pub replayed: String,
}

/// Boots the phone model once from `running` on a root holding the stage's files (stand-ins
/// where the sources do not name the components) and says what it did.
fn replay(phones: &Phones, running: &JavaLoad, to: &JavaLoad, components: &[String]) -> String {
    let mut root = TftpRoot::new();
    root.insert(
        format!("SEP{MODEL_MAC}.cnf.xml"),
        format!("<device><loadInformation>{to}</loadInformation></device>"),
    );
    let stand_ins: Vec<String> = Component::ALL
        .iter()
        .map(|c| format!("{}{}.stand-in.sbn", c.prefix(), to.family()))
        .collect();
    let components = if components.len() == Component::ALL.len() {
        components
    } else {
        &stand_ins
    };
    root.insert(format!("{to}.loads"), components.join("\r\n"));
    for component in components {
        root.insert(component.as_str(), b"stand-in".to_vec());
    }
    let phone = JavaPhone {
        model: phones.models[0],
        mac: MODEL_MAC.to_string(),
    };
    let mut server = RootServer {
        root: &root,
        behaviour: ServerBehaviour::FileNotFound,
    };
    match phone.boot(1, running, &mut server).result {
        JavaResult::Took(load) => format!("took {load} in one boot"),
        JavaResult::AuthFail(load) => format!("refused {load} (Auth Fail)"),
        other => format!("did not take it ({other:?})"),
    }
}

fn configuration(phones: &Phones, to: &JavaLoad) -> Vec<StagedFile> {
    let sep = StagedFile {
        file: "SEP<MAC>.cnf.xml".into(),
        what: format!(
            "each phone's own file, read first: in <device>, set loadInformation (unnumbered, SCCP and SIP alike) to {to}"
        ),
        lines: vec![format!("<loadInformation>{to}</loadInformation>")],
    };
    let xml_default = StagedFile {
        file: "XMLDefault.cnf.xml".into(),
        what: format!(
            "read only by a phone that has no SEP<MAC>.cnf.xml: set the {} element{} to {to}",
            phones.describe(),
            if phones.models.len() > 1 { "s" } else { "" }
        ),
        lines: phones
            .models
            .iter()
            .map(|m| {
                format!(
                    "<{e} model=\"{}\">{to}</{e}>",
                    m.xml_default_model(),
                    e = m.xml_default_element()
                )
            })
            .collect(),
    };
    vec![sep, xml_default]
}

/// What the phone asks for, from the running load: the CTL file, the ITL files on 9.x (from
/// which release they start is not known), its configuration, then the new load's files.
fn requests(running: &JavaLoad, to: &JavaLoad, firmware: &[String], known: bool) -> Vec<String> {
    let mut requests = vec!["CTLSEP<MAC>.tlv".to_string()];
    if running.release().major >= 9 {
        requests.push("ITLSEP<MAC>.tlv".into());
        requests.push("ITLFile.tlv".into());
    }
    requests.push("SEP<MAC>.cnf.xml".into());
    requests.push("XMLDefault.cnf.xml (without a SEP file)".into());
    if known {
        requests.extend(firmware.iter().cloned());
    } else {
        requests.push(format!("{to}.loads"));
        requests.extend(
            Component::ALL
                .iter()
                .map(|c| format!("{}{}...", c.prefix(), to.family())),
        );
    }
    requests
}

fn warnings(
    matrix: &Matrix,
    running: &JavaLoad,
    to: &JavaLoad,
    firmware: &[String],
    known: bool,
) -> Vec<String> {
    let mut ids = vec!["all-five"];
    if !known || firmware.iter().any(|f| f.starts_with('J')) {
        ids.push("case");
    }
    if running.key_era() == KeyEra::New && to.protocol().is_sip() && !running.protocol().is_sip() {
        ids.push("sr-newest");
    }
    ids.extend(["tftp-error", "reset-dhcp", "power"]);
    ids.into_iter()
        .filter_map(|id| matrix.families.caution(id))
        .collect()
}

/// The stage from `running` to `to` by `rule`.
pub(super) fn stage(
    matrix: &Matrix,
    phones: &Phones,
    number: usize,
    of: usize,
    running: &JavaLoad,
    to: &JavaLoad,
    rule: &FamilyRule,
) -> FamilyStage {
    let components = matrix.families.components(to.name());
    let known = components.len() == Component::ALL.len();
    let mut firmware = vec![format!("{to}.loads")];
    firmware.extend(components);
    FamilyStage {
        number,
        of,
        from: LoadView::of(running),
        to: LoadView::of(to),
        rule: RuleView::of(matrix, rule),
        files: configuration(phones, to),
        requests: requests(running, to, &firmware, known),
        warnings: warnings(matrix, running, to, &firmware, known),
        replayed: replay(phones, running, to, &firmware[1..]),
        firmware,
        firmware_known: known,
        term_files: phones.term_files(),
    }
}
