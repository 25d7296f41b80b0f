//! What `phoneup inventory` finds: which loads a TFTP root holds completely, which partly, and
//! which files are neither firmware nor configuration (its text is the command's,
//! [`crate::commands::inventory`]).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::error::Error;
use crate::files::per_phone::PerPhoneFile;
use crate::files::{
    loads, mgc_default_cnf, os79xx_txt, sep_default_cnf, sip_default_cnf, xml_default_cnf_xml,
};
use crate::knowledge::family::JavaFile;
use crate::knowledge::load_id::{Era, Kind, LoadId};
use crate::knowledge::matrix::Matrix;
use crate::knowledge::package::Packages;
use crate::output::NextStep;
use crate::tftp_root::family::{self, Listed, TermIs};
use crate::tftp_root::TftpRoot;

/// How much longer a signed `.sbn` is than its `.bin`: the signature header (KLOBES, CME).
pub const SIGNATURE_HEADER: u64 = 404;

/// The shared configuration files and the SIP application's own files a phone may ask for.
const SHARED_FILES: [&str; 8] = [
    os79xx_txt::FILE_NAME,
    xml_default_cnf_xml::FILE_NAME,
    sip_default_cnf::FILE_NAME,
    sep_default_cnf::FILE_NAME,
    mgc_default_cnf::FILE_NAME,
    "RINGLIST.DAT",
    "dialplan.xml",
    "syncinfo.xml",
];

/// Whether a name is a configuration or ring file a phone may ask for, in any letter case: a
/// shared file, a per-phone file, or a ring tone (`.raw`, `.pcm`).
pub fn is_config_name(name: &str) -> bool {
    let ring = |(stem, extension): (&str, &str)| {
        !stem.is_empty()
            && !stem.contains('\n')
            && ["raw", "pcm"]
                .iter()
                .any(|e| extension.eq_ignore_ascii_case(e))
    };
    SHARED_FILES
        .iter()
        .any(|known| known.eq_ignore_ascii_case(name))
        || PerPhoneFile::parse(name).is_some()
        || name.rsplit_once('.').is_some_and(ring)
}

/// The files a phone told to run `load` needs from `root` that are not there (exact case).
pub fn missing_for(root: &TftpRoot, load: &str) -> Vec<String> {
    let Ok(id) = LoadId::parse(load) else {
        return vec![format!("{load}.bin or {load}.sbn")];
    };
    let name = id.name();
    if id.kind() == Kind::Application && id.era() == Some(Era::Ual) {
        let loads = format!("{name}.loads");
        if !root.contains(&loads) {
            return vec![loads];
        }
        return match loads::manifest(&root.text(&loads).unwrap_or_default()) {
            Some((loader, application)) => [loader, application]
                .into_iter()
                .filter(|file| !root.contains(file))
                .collect(),
            None => vec![format!("a readable {loads} (it names no .sbn and .sb2)")],
        };
    }
    let (bin, sbn) = (format!("{name}.bin"), format!("{name}.sbn"));
    if root.contains(&bin) || root.contains(&sbn) {
        Vec::new()
    } else {
        vec![format!("{bin} or {sbn}")]
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Complete,
    Partial,
    /// A file of it is not what its name says ([`Packages::impostor`]): of another size than
    /// the sources give, or a `.bin`/`.sbn` no package ships.
    Suspect,
}

#[derive(Debug, Clone, Serialize)]
pub struct LoadStatus {
    /// The load as your files spell it.
    pub load: String,
    pub kind: Kind,
    pub version: Option<String>,
    pub status: Status,
    pub present: Vec<String>,
    pub missing: Vec<String>,
    pub catalogue_id: Option<String>,
    /// The files of `present` that are not what their names say, each with why.
    pub impostors: Vec<String>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Inventory {
    pub tftp_root: String,
    pub loads: Vec<LoadStatus>,
    pub config_files: Vec<String>,
    pub unknown_files: Vec<String>,
    pub skipped: Vec<String>,
    /// When a load is partial or suspect: what to do, and the command that lists the loads
    /// again (the command line fills it in); `null` when every load is complete.
    pub next_step: Option<NextStep>,
    /// The loads of the Java-based phones (7906 to 7975), each by its `.loads` manifest; absent
    /// when there is none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub family_loads: Vec<FamilyLoadStatus>,
}

/// A Java-based phone's load in the root: complete when its `.loads` and every component it
/// lists are there under the names it lists, and no term file is another package's.
#[derive(Debug, Clone, Serialize)]
pub struct FamilyLoadStatus {
    pub load: String,
    /// `7941/7961`.
    pub models: String,
    pub version: String,
    pub status: Status,
    pub present: Vec<String>,
    pub missing: Vec<String>,
    /// The family's term files in the root.
    pub term_files: Vec<String>,
    /// Those of `term_files` that list other components than its `.loads`: another package's,
    /// and a factory-reset phone loads what they list; absent when there is none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub foreign_term_files: Vec<String>,
}

/// The Java-based loads of `root`, taking their files out of `unknown`; each judged against the
/// components the catalogue names when its `.loads` lists none ([`family::load_files`]).
fn family_loads(
    matrix: &Matrix,
    root: &TftpRoot,
    unknown: &mut Vec<String>,
) -> Vec<FamilyLoadStatus> {
    let mut loads = Vec::new();
    let mut claimed: Vec<String> = Vec::new();
    for name in unknown.iter() {
        let Some(JavaFile::Manifest(load)) = JavaFile::parse(name) else {
            continue;
        };
        let term_files: Vec<String> = unknown
            .iter()
            .filter(|name| {
                matches!(JavaFile::parse(name), Some(JavaFile::TermDefault(m)) if m.family == load.family())
            })
            .cloned()
            .collect();
        let catalogued = matrix.families.components(load.name());
        let files = family::in_root(root, load.name(), &catalogued, &term_files);
        // A `.LOADS` is not the `.loads` a phone asks for: it is missing, to rename.
        let mut present: Vec<String> = files
            .manifest
            .is_there()
            .then(|| name.clone())
            .into_iter()
            .collect();
        present.extend(
            files
                .components
                .iter()
                .filter(|c| c.is_there())
                .map(|c| c.name.clone()),
        );
        let mut missing = Vec::new();
        match files.listed {
            Listed::Manifest => {}
            Listed::EmptyManifest => missing.push("the components: its .loads lists none".into()),
            Listed::Catalogue => missing.push(files.manifest.missing("")),
        }
        missing.extend(files.missing_components(""));
        let foreign_term_files: Vec<String> = files
            .terms
            .iter()
            .filter(|t| t.is == TermIs::Foreign)
            .map(|t| t.file.name.clone())
            .collect();
        claimed.push(name.clone());
        claimed.extend(present.iter().cloned());
        claimed.extend(term_files.iter().cloned());
        loads.push(FamilyLoadStatus {
            load: load.name().to_string(),
            models: load.models(),
            version: format!("{} {}", load.protocol(), load.release()),
            status: if files.complete() && foreign_term_files.is_empty() {
                Status::Complete
            } else {
                Status::Partial
            },
            present,
            missing,
            term_files,
            foreign_term_files,
        });
    }
    unknown.retain(|name| !claimed.contains(name));
    loads
}

/// Reads `dir` and sorts its files into loads, configuration files and unknown files.
pub fn inventory(matrix: &Matrix, dir: &Path) -> Result<Inventory, Error> {
    let root = TftpRoot::from_dir(dir)?;
    Ok(inventory_of(matrix, &root, dir))
}

pub fn inventory_of(matrix: &Matrix, root: &TftpRoot, dir: &Path) -> Inventory {
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut config_files = Vec::new();
    let mut unknown_files = Vec::new();
    for name in root.names() {
        if is_config_name(name) {
            config_files.push(name.to_string());
        } else if let Some(id) = LoadId::parse(name)
            .ok()
            .filter(|id| id.extension().is_some())
        {
            groups
                .entry(id.name().to_string())
                .or_default()
                .push(name.to_string());
        } else {
            unknown_files.push(name.to_string());
        }
    }
    let family_loads = family_loads(matrix, root, &mut unknown_files);
    let packages = Packages::of(matrix);
    let mut loads = Vec::new();
    for (stem, present) in groups {
        let id = LoadId::parse(&stem).expect("grouped names parse");
        let catalogued = matrix.find(&id);
        let mut notes = Vec::new();
        // Complete means a stage that names this load finds what it fetches: a .loads and the
        // files it names, or for older loads the .bin or the .sbn.
        let missing: Vec<String> = missing_for(root, &stem)
            .into_iter()
            .map(|wanted| root.lacking(&wanted))
            .collect();
        match catalogued {
            Some(load) if missing.is_empty() => {
                // Files of the catalogue package spelled as this load is (its own, not the
                // loader's) that are not here: which phones still need them.
                for file in load.files.iter().filter(|f| f.starts_with(load.name())) {
                    let ext = file.rsplit_once('.').map(|(_, e)| e).unwrap_or_default();
                    let wanted = format!("{stem}.{ext}");
                    let who = match ext {
                        "bin" => "a phone on an unsigned load (before 5.0) fetches the .bin",
                        "sbn" => "a phone on a signed load (5.0 or later) fetches the .sbn",
                        _ => continue,
                    };
                    if !root.contains(&wanted) {
                        notes.push(format!("no {}: {who}", root.lacking(&wanted)));
                    }
                }
            }
            Some(_) => {}
            None => notes.push("not in the catalogue: phoneup does not know its package".into()),
        }
        let (bin, sbn) = (
            root.get(&format!("{stem}.bin")),
            root.get(&format!("{stem}.sbn")),
        );
        if let (Some(bin), Some(sbn)) = (bin, sbn) {
            if sbn.size != bin.size + SIGNATURE_HEADER {
                notes.push(format!(
                    "{stem}.sbn is {} bytes and {stem}.bin {}: a signed image is its .bin plus a {SIGNATURE_HEADER}-byte header, so one of them is damaged or from another release",
                    sbn.size, bin.size
                ));
            }
        }
        if let Some(load) = catalogued {
            if load.name() != stem {
                notes.push(format!(
                    "the catalogue spells this load {}; plans with --tftp-root follow your spelling",
                    load.name()
                ));
            }
        }
        let impostors: Vec<String> = present
            .iter()
            .filter_map(|file| {
                let size = root.get(file)?.size;
                Some(packages.impostor(file, size)?.describe(file, size))
            })
            .collect();
        loads.push(LoadStatus {
            kind: id.kind(),
            version: catalogued
                .map(|l| l.version.clone())
                .or_else(|| id.display_version()),
            status: if !impostors.is_empty() {
                Status::Suspect
            } else if missing.is_empty() {
                Status::Complete
            } else {
                Status::Partial
            },
            impostors,
            present,
            missing,
            catalogue_id: catalogued.map(|l| l.name().to_string()),
            notes,
            load: stem,
        });
    }
    Inventory {
        tftp_root: dir.display().to_string(),
        loads,
        config_files,
        unknown_files,
        skipped: root.skipped.clone(),
        next_step: None,
        family_loads,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_and_ring_files_in_any_case_are_what_a_phone_may_ask_for() {
        for name in [
            "OS79XX.TXT",
            "os79xx.txt",
            "XMLDefault.cnf.xml",
            "SEPDefault.cnf",
            "MGCDefault.cnf",
            "dialplan.xml",
            "SEP0018B9FFFFFF.cnf.xml",
            "sep0018b9ffffff.cnf",
            "CTLSEP0018B9FFFFFF.tlv",
            "MGC0018B9FFFFFF.cnf",
            "CTU.raw",
            "ring.PCM",
        ] {
            assert!(is_config_name(name), "{name}");
        }
        for name in [
            "P0S3-08-11-00.loads",
            "SIPmacaddress.cnf",
            "SIP0018B9FFFFFF.tlv",
            "SEP0018B9FFFFFF.cnf.bak",
            ".raw",
            "a\n.raw",
            "notes.txt",
            "",
        ] {
            assert!(!is_config_name(name), "{name:?}");
        }
    }
}
