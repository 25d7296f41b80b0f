//! The matrix as phoneup uses it, once it is checked: where each claim comes from
//! ([`Source`], [`Evidence`]), how sure it is ([`Confidence`]), the loads of the catalogue
//! ([`Load`], [`Spelling`]), the rules with the loads each side covers ([`Rule`],
//! [`Condition`]), and the warnings plans print ([`Caution`]).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::load_id::{Era, Kind, LoadId, Protocol, Version};

/// Where a claim comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub key: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Where to find a source that has no URL (a repository path, a seed file).
    #[serde(default, rename = "where", skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

impl Source {
    /// The URL, or the description of where it is.
    pub fn locator(&self) -> &str {
        self.url
            .as_deref()
            .or(self.location.as_deref())
            .unwrap_or("")
    }
}

/// How sure the evidence makes us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        })
    }
}

/// Whether a rule allows or refuses the jumps it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Allowed,
    Refused,
}

/// How the phone is made to take the next image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mechanism {
    /// `OS79XX.TXT` names an image whose first four characters differ from the running one.
    DualBoot,
    /// `image_version` in `SIPDefault.cnf` names the image a SIP load should run.
    ImageVersion,
    /// The Universal Application Loader hunts the configuration files and fetches the `.loads`.
    UalHunt,
    /// `loadInformation<model id>` in `XMLDefault.cnf.xml` names the load.
    LoadInformation,
}

impl Mechanism {
    pub fn describe(self) -> &'static str {
        match self {
            Mechanism::DualBoot => "dual boot through OS79XX.TXT",
            Mechanism::ImageVersion => "image_version in SIPDefault.cnf",
            Mechanism::UalHunt => "the Universal Application Loader's file hunt",
            Mechanism::LoadInformation => "loadInformation in XMLDefault.cnf.xml",
        }
    }
}

/// One piece of evidence for a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub source: String,
    pub note: String,
}

/// Which loads one side of a rule covers. Every field that is set must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Condition {
    pub kind: Option<Kind>,
    /// For a loader: the protocol of the package that ships it.
    pub protocol: Option<Protocol>,
    /// Inclusive lower bound on `major.minor`.
    pub min: Option<Version>,
    /// Exclusive upper bound on `major.minor`.
    pub below: Option<Version>,
    pub era: Option<Vec<Era>>,
}

impl Condition {
    pub fn matches(&self, load: &Load) -> bool {
        let id = &load.id;
        if !id.kind().is_plannable() {
            return false;
        }
        if self.kind.is_some_and(|kind| kind != id.kind()) {
            return false;
        }
        if self.protocol.is_some() && self.protocol != load.protocol() {
            return false;
        }
        let Some(version) = id.version() else {
            return false;
        };
        if self.min.is_some_and(|min| version < min) {
            return false;
        }
        if self.below.is_some_and(|below| version >= below) {
            return false;
        }
        if let Some(eras) = &self.era {
            if !id.era().is_some_and(|era| eras.contains(&era)) {
                return false;
            }
        }
        true
    }
}

/// One transition rule of the upgrade matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub id: String,
    pub summary: String,
    pub verdict: Verdict,
    pub from: Condition,
    pub to: Condition,
    /// The target must be the application whose package holds the `from` loader.
    pub same_package: bool,
    /// How an allowed jump is made; always set on allowed rules.
    pub mechanism: Option<Mechanism>,
    pub confidence: Confidence,
    /// What the phone does when a refused jump is tried.
    pub reason: Option<String>,
    pub note: Option<String>,
    pub evidence: Vec<Evidence>,
}

impl Rule {
    /// Whether the rule speaks about this direct jump.
    pub fn applies(&self, from: &Load, to: &Load) -> bool {
        self.from.matches(from) && self.to.matches(to) && self.joins_package(from, to)
    }

    /// The `same_package` part of [`Rule::applies`]: true unless the rule asks for the target
    /// to be the application whose package holds `from`, and it is not.
    pub fn joins_package(&self, from: &Load, to: &Load) -> bool {
        !self.same_package || to.loader.as_deref().is_some_and(|l| same_load(l, from))
    }
}

/// Whether `name` is `load` in any spelling.
pub(super) fn same_load(name: &str, load: &Load) -> bool {
    name == load.name()
        || (name.len().abs_diff(load.name().len()) <= 1
            && LoadId::parse(name).is_ok_and(|id| id.match_key() == load.id.match_key()))
}

/// Another spelling of a load, seen in the field, with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spelling {
    pub id: String,
    pub evidence: Vec<String>,
}

/// The size of one file of a package, as a source gives it: a file of another size with that
/// name is not the one Cisco shipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSize {
    pub file: String,
    pub bytes: u64,
    pub source: String,
}

/// A load of the catalogue (or, for a starting point the catalogue lacks, one made from its name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Load {
    pub id: LoadId,
    /// The release name people use: `8.1(2)SR2`, `8.12`.
    pub version: String,
    /// For a SIP or MGCP 7.x/8.x application: the UAL loader in its package.
    pub loader: Option<String>,
    /// Every file of the package, spelled exactly.
    pub files: Vec<String>,
    /// The files of `files` that no source shows: their names follow the other packages.
    pub inferred: Vec<String>,
    /// Other spellings of the load seen in the field (`P0S3-8-11-00` for `P0S3-08-11-00`).
    pub spellings: Vec<Spelling>,
    pub evidence: Vec<String>,
    pub note: Option<String>,
    /// A well-trodden intermediate: lower ranks are preferred when paths tie.
    pub preferred: Option<u32>,
    /// The sizes the sources give for files of `files` named after this load.
    pub sizes: Vec<FileSize>,
    /// For a loader: the protocol of the application whose package ships it.
    pub package: Option<Protocol>,
    pub in_catalogue: bool,
}

impl Load {
    /// A load phoneup has no catalogue entry for: usable as a starting point only.
    pub fn uncatalogued(id: LoadId) -> Load {
        Load {
            version: id.display_version().unwrap_or_default(),
            package: id.protocol(),
            id,
            loader: None,
            files: Vec::new(),
            inferred: Vec::new(),
            spellings: Vec::new(),
            evidence: Vec::new(),
            note: None,
            preferred: None,
            sizes: Vec::new(),
            in_catalogue: false,
        }
    }

    pub fn name(&self) -> &str {
        self.id.name()
    }

    /// The protocol of an application, or of the package a loader ships in.
    pub fn protocol(&self) -> Option<Protocol> {
        self.id.protocol().or(self.package)
    }

    /// "SIP 8.11", "SCCP 3.1(MF.G2)", "UAL loader 8.11".
    pub fn label(&self) -> String {
        match (self.id.kind(), self.id.protocol()) {
            (Kind::Loader, _) => format!("UAL loader {}", self.version),
            (_, Some(protocol)) => format!("{protocol} {}", self.version),
            _ => self.version.clone(),
        }
    }

    /// The loader its `.loads` names: the package's UAL loader, or (SCCP) the load itself.
    pub fn loader_or_self(&self) -> &str {
        self.loader.as_deref().unwrap_or(self.name())
    }

    /// Every name the catalogue knows this load by: its own, then the other spellings.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name()).chain(self.spellings.iter().map(|s| s.id.as_str()))
    }

    /// The same load spelled `name` (a spelling of the same load): its own files renamed too.
    pub fn respelled(&self, name: &str) -> Load {
        let Ok(id) = LoadId::parse(name) else {
            return self.clone();
        };
        let old = self.name().to_string();
        let mut load = self.clone();
        load.id = id;
        load.rename_files(&old, name);
        load
    }

    /// The same load with its package's loader spelled `loader`.
    pub fn with_loader(&self, loader: &str) -> Load {
        let mut load = self.clone();
        if let Some(old) = self.loader.clone() {
            load.loader = Some(loader.to_string());
            load.rename_files(&old, loader);
        }
        load
    }

    fn rename_files(&mut self, old: &str, new: &str) {
        let sizes = self.sizes.iter_mut().map(|size| &mut size.file);
        for file in sizes {
            if let Some((stem, extension)) = file.rsplit_once('.') {
                if stem == old {
                    *file = format!("{new}.{extension}");
                }
            }
        }
        for list in [&mut self.files, &mut self.inferred] {
            for file in list.iter_mut() {
                if let Some((stem, extension)) = file.rsplit_once('.') {
                    if stem == old {
                        *file = format!("{new}.{extension}");
                    }
                }
            }
        }
    }
}

/// A warning that plans print where it applies, with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Caution {
    pub id: String,
    /// The text; `{to}`, `{from}`, `{loader}` and `{file}` stand for the stage's loads and files.
    pub text: String,
    pub evidence: Vec<String>,
}

/// The cautions the planner prints, which every matrix must define.
pub const REQUIRED_CAUTIONS: [&str; 13] = [
    "cdp-loader-name",
    "hunt-first-file",
    "image-version-not-loader",
    "loader-image-version",
    "loader-no-settings",
    "no-way-back",
    "os79xx-one-line",
    "per-phone-image-version",
    "sccp-silent-fallback",
    "shared-files",
    "tftp-file-not-found",
    "unconfirmed-file",
    "xml-default-spelling",
];
