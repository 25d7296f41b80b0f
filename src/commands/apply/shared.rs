//! The files every phone on a TFTP server reads (`OS79XX.TXT`, `XMLDefault.cnf.xml`,
//! `SIPDefault.cnf`, `MGCDefault.cnf`): which of them a stage changes, and the load each named
//! before and will name after, as the root tells, so that apply can say, before and after it
//! writes, that the change is not one phone's.

use serde::Serialize;

use crate::commands::apply::changes::Planned;
use crate::files::{mgc_default_cnf, os79xx_txt, sip_default_cnf, xml_default_cnf_xml};
use crate::knowledge::load_id::LoadId;
use crate::knowledge::phones::Model;
use crate::plan::check::named_load;

/// The files every 7940/7960 that uses the server reads (the matrix's `shared-files` caution).
pub(super) const SHARED_FILES: [&str; 4] = [
    os79xx_txt::FILE_NAME,
    xml_default_cnf_xml::FILE_NAME,
    sip_default_cnf::FILE_NAME,
    mgc_default_cnf::FILE_NAME,
];

/// A shared file a stage changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SharedChange {
    pub file: String,
    /// The load it names now (for the phones that follow it), when it names one.
    pub before: Option<String>,
    /// The load it will name, when it names one; `null` when it is moved aside (`changes`
    /// says so).
    pub after: Option<String>,
    /// The stage moves it aside.
    #[serde(skip)]
    pub moved_aside: bool,
}

impl SharedChange {
    /// What this change does to the other phones, in one sentence.
    pub fn sentence(&self, written: bool) -> String {
        let (does, will) = if written {
            ("now names", "moves")
        } else {
            ("would name", "would move")
        };
        if self.moved_aside {
            return format!(
                "{} is {} aside: every phone on this server that reads it, not only this one, {} none at its next boot.",
                self.file,
                if written { "moved" } else { "to be moved" },
                if written { "finds" } else { "would find" }
            );
        }
        match (&self.before, &self.after) {
            (Some(before), Some(after)) if before != after => format!(
                "{} {does} {after} instead of {before}: every phone on this server that follows it, not only this one, {will} from {before} to {after} at its next boot.",
                self.file
            ),
            (None, Some(after)) => format!(
                "{} {does} {after}: every phone on this server that follows it, not only this one, {will} to {after} at its next boot.",
                self.file
            ),
            (Some(_), Some(after)) => format!(
                "{} still names {after}, and every phone on this server reads it.",
                self.file
            ),
            (_, None) => format!(
                "{} is {}, and every phone on this server reads it.",
                self.file,
                if written { "changed" } else { "to be changed" }
            ),
        }
    }
}

/// The shared files among `planned`, with the load each names before and after.
pub(super) fn shared_changes(planned: &[Planned], model: Model) -> Vec<SharedChange> {
    planned
        .iter()
        .filter(|p| SHARED_FILES.contains(&p.change.file.as_str()))
        .map(|p| {
            let file = p.change.file.as_str();
            // Only a load ID tells where a phone goes (`OLD` or a typo tells nothing).
            let named = |text: Option<&str>| {
                text.and_then(|t| named_load(file, t, model))
                    .filter(|load| LoadId::parse(load).is_ok())
            };
            let new = p.change.contents.as_deref().map(String::from_utf8_lossy);
            SharedChange {
                file: file.to_string(),
                before: named(p.old.as_deref()),
                after: named(new.as_deref()),
                moved_aside: p.change.contents.is_none(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_sentence_says_every_phone_and_the_loads_it_knows() {
        let change = |before: Option<&str>, after: Option<&str>| SharedChange {
            file: "SIPDefault.cnf".into(),
            before: before.map(String::from),
            after: after.map(String::from),
            moved_aside: false,
        };
        let moved = change(Some("P0S3-07-4-00"), Some("P0S3-06-3-00"));
        assert_eq!(
            moved.sentence(false),
            "SIPDefault.cnf would name P0S3-06-3-00 instead of P0S3-07-4-00: every phone on this server that follows it, not only this one, would move from P0S3-07-4-00 to P0S3-06-3-00 at its next boot."
        );
        assert!(moved
            .sentence(true)
            .starts_with("SIPDefault.cnf now names P0S3-06-3-00"));
        assert!(change(None, Some("P0S3-06-3-00"))
            .sentence(true)
            .contains("every phone on this server that follows it"));
        let aside = SharedChange {
            moved_aside: true,
            ..change(Some("P0S3-06-3-00"), None)
        };
        assert!(aside.sentence(false).contains("is to be moved aside"));
        assert!(change(None, None).sentence(true).contains("is changed"));
        assert!(change(Some("X"), Some("X"))
            .sentence(true)
            .contains("still names X"));
    }
}
