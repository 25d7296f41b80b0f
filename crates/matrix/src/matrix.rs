//! The upgrade matrix as data: the sources, the catalogue of loads and the transition rules,
//! read from `data/matrix.yaml` (validated by phoneup's `build.rs` and compiled in as Rust data,
//! see phoneup's `knowledge::builtin`) or from a YAML file given with `--matrix`.
//!
//! Loading validates everything a plan relies on, and a broken file is reported with its name,
//! the line and what is wrong. A file is read within bounds ([`crate::yaml_limits`])
//! and may list at most [`MAX_LOADS`] loads and [`MAX_RULES`] rules, so validation and planning
//! stay fast on any input. phoneup's `build.rs` uses it too.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::firmware::FirmwareExt;
use crate::load_id::{Era, Kind, LoadId, MatchKey, Protocol, Version};
use crate::yaml_limits;

/// The built-in matrix, `data/matrix.yaml`, as text (`phoneup matrix` prints it).
pub const BUILTIN_YAML: &str = include_str!("../../../data/matrix.yaml");
/// How errors and plans name the built-in matrix.
pub const BUILTIN_ORIGIN: &str = "built-in data/matrix.yaml";

/// The most loads a matrix may list: planning compares every pair of loads.
pub const MAX_LOADS: usize = 1_000;
/// The most rules a matrix may list.
pub const MAX_RULES: usize = 500;
/// The most sources, and the most cautions, a matrix may list.
pub const MAX_SOURCES: usize = 5_000;

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

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCondition {
    pub kind: Option<Kind>,
    pub protocol: Option<Protocol>,
    pub min: Option<String>,
    pub below: Option<String>,
    pub era: Option<Vec<Era>>,
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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub id: String,
    pub summary: String,
    pub verdict: Verdict,
    pub from: RawCondition,
    pub to: RawCondition,
    #[serde(default)]
    pub same_package: bool,
    pub mechanism: Option<Mechanism>,
    pub confidence: Confidence,
    pub reason: Option<String>,
    pub note: Option<String>,
    pub evidence: Vec<Evidence>,
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
fn same_load(name: &str, load: &Load) -> bool {
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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLoad {
    pub id: String,
    pub version: String,
    #[serde(default)]
    pub loader: Option<String>,
    pub files: Vec<String>,
    #[serde(default)]
    pub inferred: Vec<String>,
    #[serde(default)]
    pub spellings: Vec<Spelling>,
    pub evidence: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub preferred: Option<u32>,
    #[serde(default)]
    pub sizes: Vec<FileSize>,
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMatrix {
    pub sources: Vec<Source>,
    pub loads: Vec<RawLoad>,
    pub rules: Vec<RawRule>,
    pub cautions: Vec<Caution>,
}

/// The whole upgrade matrix.
#[derive(Debug, Clone)]
pub struct Matrix {
    pub origin: String,
    pub sources: Vec<Source>,
    pub loads: Vec<Load>,
    pub rules: Vec<Rule>,
    pub cautions: Vec<Caution>,
    /// Lookups (ordered maps, cheaper than hashing at this size), so that nothing is quadratic
    /// in the size of the matrix.
    names: BTreeMap<String, usize>,
    keys: BTreeMap<MatchKey, usize>,
    source_index: BTreeMap<String, usize>,
    /// For a file given with `--matrix`: the line of each rule.
    rule_lines: HashMap<String, usize>,
    builtin: bool,
}

/// Finds the line of a YAML file where `needle` first appears after `after` (1-based), for
/// errors about values serde has already parsed.
fn line_of(text: &str, needle: &str, after: usize) -> Option<usize> {
    text.lines()
        .enumerate()
        .skip(after.saturating_sub(1))
        .find(|(_, line)| line.contains(needle))
        .map(|(index, _)| index + 1)
}

/// The line of each rule id, in one pass over the text.
fn rule_lines(text: &str) -> HashMap<String, usize> {
    let mut lines = HashMap::new();
    let mut in_rules = false;
    for (index, line) in text.lines().enumerate() {
        if !line.starts_with([' ', '\t', '-', '#']) && !line.is_empty() {
            in_rules = line.trim_end() == "rules:";
            continue;
        }
        let body = line.trim_start().trim_start_matches('-').trim_start();
        if let Some(id) = body.strip_prefix("id:").filter(|_| in_rules) {
            lines.entry(id.trim().to_string()).or_insert(index + 1);
        }
    }
    lines
}

struct Checker<'a> {
    origin: &'a str,
    text: &'a str,
}

impl Checker<'_> {
    fn fail(&self, line: Option<usize>, message: String) -> Error {
        Error::Matrix {
            origin: self.origin.to_string(),
            line,
            message,
        }
    }

    fn id_line(&self, id: &str) -> Option<usize> {
        line_of(self.text, &format!("id: {id}"), 0)
            .or_else(|| line_of(self.text, &format!("key: {id}"), 0))
    }

    fn at_most(&self, what: &str, count: usize, limit: usize) -> Result<(), Error> {
        if count > limit {
            return Err(self.fail(
                line_of(self.text, &format!("{what}:"), 0),
                format!("{count} {what}; a matrix may list at most {limit}, so that every plan stays fast"),
            ));
        }
        Ok(())
    }
}

impl Matrix {
    /// Reads a matrix file given with `--matrix`: a regular file, within the bounds of
    /// [`yaml_limits`].
    pub fn from_file(path: &Path) -> Result<Matrix, Error> {
        let text = yaml_limits::read_file(path)?;
        Matrix::parse(&text, &path.display().to_string())
    }

    /// Parses and validates matrix YAML. `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Matrix, Error> {
        let checker = Checker { origin, text };
        yaml_limits::check(text, origin)?;
        let raw: RawMatrix = serde_yaml::from_str(text).map_err(|e| {
            let at = e.location().map(|l| l.line());
            // The location is already in our prefix; drop serde's own " at line N column M".
            let message = e.to_string();
            let message = match message.find(" at line ") {
                Some(cut) => message[..cut].to_string(),
                None => message,
            };
            checker.fail(at, message)
        })?;
        let mut matrix = Matrix::validate(raw, origin, text, false)?;
        matrix.rule_lines = rule_lines(text);
        Ok(matrix)
    }

    /// Validates a parsed matrix; `text` is its YAML, for the line numbers of errors. With
    /// `checked_at_build` (the built-in matrix, which `build.rs` validated in full), the checks
    /// of each file name and spelling are not repeated.
    pub fn validate(
        raw: RawMatrix,
        origin: &str,
        text: &str,
        checked_at_build: bool,
    ) -> Result<Matrix, Error> {
        let checker = Checker { origin, text };
        checker.at_most("sources", raw.sources.len(), MAX_SOURCES)?;
        checker.at_most("loads", raw.loads.len(), MAX_LOADS)?;
        checker.at_most("rules", raw.rules.len(), MAX_RULES)?;
        checker.at_most("cautions", raw.cautions.len(), MAX_SOURCES)?;

        let mut source_index = BTreeMap::new();
        for (index, source) in raw.sources.iter().enumerate() {
            let line = || checker.id_line(&source.key);
            if source_index.insert(source.key.clone(), index).is_some() {
                return Err(
                    checker.fail(line(), format!("source `{}` is listed twice", source.key))
                );
            }
            if source.url.is_none() && source.location.is_none() {
                return Err(checker.fail(
                    line(),
                    format!("source `{}` needs a `url` or a `where`", source.key),
                ));
            }
        }
        let known_source = |key: &str, line: &dyn Fn() -> Option<usize>| -> Result<(), Error> {
            if source_index.contains_key(key) {
                Ok(())
            } else {
                Err(checker.fail(
                    line(),
                    format!("evidence names source `{key}`, which is not in `sources`"),
                ))
            }
        };

        let mut loads = Vec::with_capacity(raw.loads.len());
        let mut keys: BTreeMap<MatchKey, usize> = BTreeMap::new();
        let mut names: BTreeMap<String, usize> = BTreeMap::new();
        for raw_load in raw.loads {
            let line = || checker.id_line(&raw_load.id);
            let id = LoadId::parse(&raw_load.id)
                .map_err(|e| checker.fail(line(), format!("load `{}`: {e}", raw_load.id)))?;
            if id.extension().is_some() || id.name() != raw_load.id {
                return Err(checker.fail(
                    line(),
                    format!(
                        "load `{}`: write the load ID without a file extension",
                        raw_load.id
                    ),
                ));
            }
            if !id.kind().is_plannable() {
                return Err(checker.fail(
                    line(),
                    format!(
                        "load `{}` is a {} load ID; the catalogue lists applications and loaders",
                        raw_load.id,
                        id.kind()
                    ),
                ));
            }
            let index = loads.len();
            if let Some(&other) = keys.get(&id.match_key()) {
                let other: &Load = &loads[other];
                return Err(checker.fail(
                    line(),
                    format!(
                        "load `{}` is the same load as `{}`; list it once",
                        raw_load.id,
                        other.name()
                    ),
                ));
            }
            keys.insert(id.match_key(), index);
            names.insert(raw_load.id.clone(), index);
            if raw_load.version.trim().is_empty() {
                return Err(checker.fail(
                    line(),
                    format!("load `{}` has an empty version", raw_load.id),
                ));
            }
            if raw_load.evidence.is_empty() {
                return Err(
                    checker.fail(line(), format!("load `{}` names no evidence", raw_load.id))
                );
            }
            for key in &raw_load.evidence {
                known_source(key, &line)?;
            }
            for file in raw_load.files.iter().filter(|_| !checked_at_build) {
                let ok = LoadId::parse(file).is_ok_and(|f| f.extension().is_some());
                if !ok {
                    return Err(checker.fail(
                        line_of(text, file, line().unwrap_or(0)),
                        format!(
                            "load `{}`: `{file}` is not a firmware file name (a load ID with {})",
                            raw_load.id,
                            FirmwareExt::ALL
                                .map(|e| format!(".{}", e.as_str()))
                                .join(", ")
                        ),
                    ));
                }
            }
            for size in &raw_load.sizes {
                if !raw_load.files.contains(&size.file) || size.bytes == 0 {
                    return Err(checker.fail(
                        line(),
                        format!(
                            "load `{}`: the size of `{}` must be of one of its `files`, in bytes",
                            raw_load.id, size.file
                        ),
                    ));
                }
                known_source(&size.source, &line)?;
            }
            if let Some(file) = raw_load
                .inferred
                .iter()
                .find(|f| !raw_load.files.contains(f))
            {
                return Err(checker.fail(
                    line(),
                    format!(
                        "load `{}`: inferred file `{file}` is not one of its `files`",
                        raw_load.id
                    ),
                ));
            }
            for spelling in raw_load.spellings.iter().filter(|_| !checked_at_build) {
                let same = LoadId::parse(&spelling.id).is_ok_and(|s| {
                    s.extension().is_none()
                        && s.match_key() == id.match_key()
                        && s.name() == s.name().to_ascii_uppercase()
                });
                if !same || spelling.id == raw_load.id {
                    return Err(checker.fail(
                        line(),
                        format!(
                            "load `{}`: spelling `{}` must be another upper-case spelling of the same load, without an extension",
                            raw_load.id, spelling.id
                        ),
                    ));
                }
                if spelling.evidence.is_empty() {
                    return Err(checker.fail(
                        line(),
                        format!(
                            "load `{}`: spelling `{}` names no evidence",
                            raw_load.id, spelling.id
                        ),
                    ));
                }
                for key in &spelling.evidence {
                    known_source(key, &line)?;
                }
            }
            match (&raw_load.loader, id.kind(), id.era()) {
                (Some(_), Kind::Loader, _) => {
                    return Err(checker.fail(
                        line(),
                        format!("loader `{}` cannot name a loader", raw_load.id),
                    ))
                }
                (None, Kind::Application, Some(Era::Ual))
                    if id.protocol() != Some(Protocol::Sccp) =>
                {
                    return Err(checker.fail(
                        line(),
                        format!(
                            "{} load `{}` is UAL-era: name the `loader` of its package",
                            id.protocol().map(Protocol::label).unwrap_or_default(),
                            raw_load.id
                        ),
                    ))
                }
                _ => {}
            }
            loads.push(Load {
                package: id.protocol(),
                id,
                version: raw_load.version,
                loader: raw_load.loader,
                files: raw_load.files,
                inferred: raw_load.inferred,
                spellings: raw_load.spellings,
                evidence: raw_load.evidence,
                note: raw_load.note,
                preferred: raw_load.preferred,
                sizes: raw_load.sizes,
                in_catalogue: true,
            });
        }
        // Cross-references between loads.
        let mut ranks = HashMap::new();
        let mut packages: BTreeMap<usize, Option<Protocol>> = BTreeMap::new();
        for load in &loads {
            let line = || checker.id_line(load.name());
            if let Some(rank) = load.preferred {
                if let Some(other) = ranks.insert(rank, load.name().to_string()) {
                    return Err(checker.fail(
                        line(),
                        format!(
                            "loads `{other}` and `{}` share preferred rank {rank}",
                            load.name()
                        ),
                    ));
                }
            }
            if let Some(loader) = &load.loader {
                let target = names
                    .get(loader)
                    .map(|&i| (i, &loads[i]))
                    .filter(|(_, l)| l.id.kind() == Kind::Loader);
                let Some((index, target)) = target else {
                    return Err(checker.fail(line(),
                        format!("load `{}` names loader `{loader}`, which is not a loader in the catalogue", load.name()),
                    ));
                };
                for file in &target.files {
                    if !load.files.contains(file) {
                        return Err(checker.fail(
                            line(),
                            format!(
                                "load `{}` ships loader `{loader}` but its files lack `{file}`",
                                load.name()
                            ),
                        ));
                    }
                }
                if let Some(&other) = packages.get(&index) {
                    if other != load.id.protocol() {
                        return Err(checker.fail(
                            line(),
                            format!("loader `{loader}` ships in packages of two protocols"),
                        ));
                    }
                }
                packages.insert(index, load.id.protocol());
            }
        }
        for (index, protocol) in packages {
            loads[index].package = protocol;
        }
        for (index, load) in loads.iter().enumerate() {
            for spelling in &load.spellings {
                if names.insert(spelling.id.clone(), index).is_some() {
                    return Err(checker.fail(
                        checker.id_line(load.name()),
                        format!("spelling `{}` is listed twice", spelling.id),
                    ));
                }
            }
        }

        let mut rules = Vec::with_capacity(raw.rules.len());
        let mut rule_ids = BTreeSet::new();
        for raw_rule in raw.rules {
            let line = || checker.id_line(&raw_rule.id);
            if !rule_ids.insert(raw_rule.id.clone()) {
                return Err(checker.fail(line(), format!("rule `{}` is listed twice", raw_rule.id)));
            }
            let condition = |raw: &RawCondition, side: &str| -> Result<Condition, Error> {
                let bound = |text: &Option<String>, name: &str| -> Result<Option<Version>, Error> {
                    match text {
                        None => Ok(None),
                        Some(t) => Version::parse(t).map(Some).ok_or_else(|| {
                            checker.fail(
                                line(),
                                format!(
                                    "rule `{}`: `{side}.{name}: {t}` is not a version like \"5.0\"",
                                    raw_rule.id
                                ),
                            )
                        }),
                    }
                };
                Ok(Condition {
                    kind: raw.kind,
                    protocol: raw.protocol,
                    min: bound(&raw.min, "min")?,
                    below: bound(&raw.below, "below")?,
                    era: raw.era.clone(),
                })
            };
            let from = condition(&raw_rule.from, "from")?;
            let to = condition(&raw_rule.to, "to")?;
            match raw_rule.verdict {
                Verdict::Allowed if raw_rule.mechanism.is_none() => {
                    return Err(checker.fail(
                        line(),
                        format!("allowed rule `{}` needs a `mechanism`", raw_rule.id),
                    ))
                }
                Verdict::Refused if raw_rule.reason.is_none() => {
                    return Err(checker.fail(
                        line(),
                        format!(
                            "refused rule `{}` needs a `reason` (what the phone does)",
                            raw_rule.id
                        ),
                    ))
                }
                _ => {}
            }
            if raw_rule.evidence.is_empty() {
                return Err(
                    checker.fail(line(), format!("rule `{}` names no evidence", raw_rule.id))
                );
            }
            for evidence in &raw_rule.evidence {
                known_source(&evidence.source, &line)?;
            }
            rules.push(Rule {
                id: raw_rule.id,
                summary: raw_rule.summary,
                verdict: raw_rule.verdict,
                from,
                to,
                same_package: raw_rule.same_package,
                mechanism: raw_rule.mechanism,
                confidence: raw_rule.confidence,
                reason: raw_rule.reason,
                note: raw_rule.note,
                evidence: raw_rule.evidence,
            });
        }

        let mut caution_ids = BTreeSet::new();
        for caution in &raw.cautions {
            let line = || checker.id_line(&caution.id);
            if !caution_ids.insert(caution.id.as_str()) {
                return Err(
                    checker.fail(line(), format!("caution `{}` is listed twice", caution.id))
                );
            }
            if caution.evidence.is_empty() {
                return Err(checker.fail(
                    line(),
                    format!("caution `{}` names no evidence", caution.id),
                ));
            }
            for key in &caution.evidence {
                known_source(key, &line)?;
            }
        }
        for required in REQUIRED_CAUTIONS {
            if !caution_ids.contains(required) {
                return Err(checker.fail(
                    line_of(text, "cautions:", 0),
                    format!("caution `{required}` is missing; plans print it"),
                ));
            }
        }

        Ok(Matrix {
            builtin: origin == BUILTIN_ORIGIN,
            origin: origin.to_string(),
            sources: raw.sources,
            loads,
            rules,
            cautions: raw.cautions,
            names,
            keys,
            source_index,
            rule_lines: HashMap::new(),
        })
    }

    /// Whether this is the matrix compiled into phoneup (so a failure is phoneup's, not the
    /// user's).
    pub fn is_builtin(&self) -> bool {
        self.builtin
    }

    /// The line of a rule in the user's matrix file, for errors.
    pub fn rule_line(&self, id: &str) -> Option<usize> {
        self.rule_lines.get(id).copied()
    }

    /// A caution's text with its placeholders (`{to}`, `{from}`, `{loader}`, `{file}`) filled in
    /// from `values`, and its evidence keys after it.
    pub fn caution(&self, id: &str, values: &[(&str, &str)]) -> String {
        let caution = self
            .cautions
            .iter()
            .find(|c| c.id == id)
            .expect("required cautions are checked when the matrix loads");
        let mut text = String::with_capacity(caution.text.len() + 64);
        let mut rest = caution.text.as_str();
        while let Some(open) = rest.find('{') {
            text.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let filled = after.find('}').and_then(|close| {
                let name = &after[..close];
                let value = values.iter().find(|(n, _)| *n == name)?.1;
                Some((value, close))
            });
            match filled {
                Some((value, close)) => {
                    text.push_str(value);
                    rest = &after[close + 1..];
                }
                None => {
                    text.push('{');
                    rest = after;
                }
            }
        }
        text.push_str(rest);
        text.push_str(" [");
        text.push_str(&caution.evidence.join(", "));
        text.push(']');
        text
    }

    pub fn source(&self, key: &str) -> Option<&Source> {
        self.source_index.get(key).map(|&i| &self.sources[i])
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The catalogue entry for a parsed load ID, whatever its spelling (`-8-` or `-08-`).
    pub fn find(&self, id: &LoadId) -> Option<&Load> {
        self.keys.get(&id.match_key()).map(|&i| &self.loads[i])
    }

    /// The catalogue entry with exactly this name, or a spelling the catalogue records.
    pub fn by_name(&self, name: &str) -> Option<&Load> {
        self.names.get(name).map(|&i| &self.loads[i])
    }

    /// The refusal rules that speak about this direct jump, in file order.
    pub fn refusals<'s: 'a, 'a>(
        &'s self,
        from: &'a Load,
        to: &'a Load,
    ) -> impl Iterator<Item = &'s Rule> + 'a {
        self.rules
            .iter()
            .filter(move |r| r.verdict == Verdict::Refused && r.applies(from, to))
    }

    /// The allowing rules that speak about this direct jump, in file order.
    pub fn allowances<'s: 'a, 'a>(
        &'s self,
        from: &'a Load,
        to: &'a Load,
    ) -> impl Iterator<Item = &'s Rule> + 'a {
        self.rules
            .iter()
            .filter(move |r| r.verdict == Verdict::Allowed && r.applies(from, to))
    }
}

#[cfg(test)]
mod tests {
    //! A user's `--matrix` file broken in one place: the error names that place's line and what
    //! is wrong, for each check the loader makes. And the names of a load spelled otherwise.

    use super::*;

    /// The built-in load named `name`.
    fn builtin_load<'m>(matrix: &'m Matrix, name: &str) -> &'m Load {
        matrix.find(&LoadId::parse(name).unwrap()).unwrap()
    }

    #[test]
    fn a_loader_named_in_another_spelling_is_the_same_load() {
        let matrix = Matrix::parse(BUILTIN_YAML, BUILTIN_ORIGIN).unwrap();
        let loader = builtin_load(&matrix, "P003-08-11-00");
        assert!(same_load("P003-08-11-00", loader));
        assert!(same_load("P003-8-11-00", loader), "a digit short");
        assert!(!same_load("P003-08-12-00", loader));
        assert!(!same_load("P003-8-2-00", loader));
    }

    #[test]
    fn a_load_spelled_otherwise_names_its_files_that_way() {
        let matrix = Matrix::parse(BUILTIN_YAML, BUILTIN_ORIGIN).unwrap();
        let sip = builtin_load(&matrix, "P0S3-08-11-00");
        let spelled = sip.respelled("P0S3-8-11-00").with_loader("P003-8-11-00");
        assert_eq!(spelled.name(), "P0S3-8-11-00");
        assert_eq!(
            spelled.files,
            [
                "P003-8-11-00.bin",
                "P003-8-11-00.sbn",
                "P0S3-8-11-00.loads",
                "P0S3-8-11-00.sb2"
            ]
        );
        let signed = builtin_load(&matrix, "P0S3-06-3-00");
        assert_eq!(
            signed.respelled("P0S3-6-3-00").inferred,
            ["P0S3-6-3-00.sbn"]
        );
    }

    /// The 1-based line of the first line of `text` that contains `needle`.
    fn line_with(text: &str, needle: &str) -> usize {
        text.lines()
            .position(|line| line.contains(needle))
            .unwrap_or_else(|| panic!("no line holds {needle:?}"))
            + 1
    }

    /// The built-in matrix with `from` replaced by `to` once.
    fn edited(from: &str, to: &str) -> String {
        assert!(BUILTIN_YAML.contains(from), "the matrix holds {from:?}");
        BUILTIN_YAML.replacen(from, to, 1)
    }

    /// Each edit breaks one thing: the error says what, at the first line that holds `at`.
    #[test]
    fn a_broken_matrix_names_the_line_of_what_is_wrong() {
        let r2_evidence = "    evidence:\n      - source: MARKWILSON-2008\n        note: an SCCP 3.x 7940 pointed at P0S3-07-4-00 by OS79XX.TXT and an XMLDefault.cnf.xml showed \"Upgrading software\", never finished, then \"Load ID Incorrect\"\n";
        let cases: &[(&str, &str, &str, &str)] = &[
            // YAML that does not fit the schema: serde's line, without serde's own "at line".
            (
                "confidence: high",
                "confidence: certain",
                "rules[0].confidence: unknown variant `certain`, expected one of",
                "confidence: certain",
            ),
            // Sources.
            ("  - key: ADILINDEN\n", "  - key: ACRITELLI\n", "source `ACRITELLI` is listed twice", "key: ACRITELLI"),
            (
                "    url: https://www.acritelli.com/blog/upgrading-cisco-7940-firmware-sccp-and-sip/\n",
                "",
                "source `ACRITELLI` needs a `url` or a `where`",
                "key: ACRITELLI",
            ),
            // Loads.
            ("  - id: P00303020214\n", "  - id: P00303020214.bin\n", "write the load ID without a file extension", "id: P00303020214.bin"),
            (
                "  - id: P00303020214\n",
                "  - id: \" P00303020214\"\n",
                "load ` P00303020214`: write the load ID without a file extension",
                "",
            ),
            ("  - id: P00303020214\n", "  - id: PC03A300\n", "is a boot load ID; the catalogue lists applications and loaders", "id: PC03A300"),
            ("  - id: P00303020214\n", "  - id: P00303010102\n", "load `P00303010102` is the same load as `P00303010102`", "id: P00303010102"),
            ("    version: \"3.2(2.14)\"\n", "    version: \" \"\n", "load `P00303020214` has an empty version", "id: P00303020214"),
            (
                "    evidence: [CME-SCCP5]\n  - id: P00305000301",
                "    evidence: []\n  - id: P00305000301",
                "load `P00303020214` names no evidence",
                "id: P00303020214",
            ),
            (
                "    evidence: [CME-SCCP5]\n  - id: P00305000301",
                "    evidence: [NOPE]\n  - id: P00305000301",
                "evidence names source `NOPE`, which is not in `sources`",
                "id: P00303020214",
            ),
            // The name is searched from the load's own line on, not in the sources above it.
            (
                "P003-08-11-00.sbn, P0S3-08-11-00.loads",
                "P003-08-11-00.sbn, P0S3-08-11-00",
                "load `P0S3-08-11-00`: `P0S3-08-11-00` is not a firmware file name",
                "id: P0S3-08-11-00",
            ),
            (
                "    inferred: [P00305000301.bin]\n",
                "    inferred: [P00305000301.sb2]\n",
                "load `P00305000301`: inferred file `P00305000301.sb2` is not one of its `files`",
                "id: P00305000301",
            ),
            (
                "      - id: P0S3-8-11-00\n",
                "      - id: P0S3-8-12-00\n",
                "spelling `P0S3-8-12-00` must be another upper-case spelling of the same load",
                "id: P0S3-08-11-00",
            ),
            (
                "      - id: P0S3-8-11-00\n",
                "      - id: P0S3-08-11-00\n",
                "spelling `P0S3-08-11-00` must be another upper-case spelling of the same load",
                "id: P0S3-08-11-00",
            ),
            (
                "      - id: P0S3-8-11-00\n        evidence: [FUSSYLOGIC-7940]\n",
                "      - id: P0S3-8-11-00\n        evidence: []\n",
                "load `P0S3-08-11-00`: spelling `P0S3-8-11-00` names no evidence",
                "id: P0S3-08-11-00",
            ),
            (
                "      - id: P0S3-8-11-00\n        evidence: [FUSSYLOGIC-7940]\n",
                "      - id: P0S3-8-11-00\n        evidence: [NOPE]\n",
                "evidence names source `NOPE`",
                "id: P0S3-08-11-00",
            ),
            (
                "      - id: P0S3-8-11-00\n        evidence: [FUSSYLOGIC-7940]\n",
                "      - id: P0S3-8-11-00\n        evidence: [FUSSYLOGIC-7940]\n      - id: P0S3-8-11-00\n        evidence: [FUSSYLOGIC-7940]\n",
                "spelling `P0S3-8-11-00` is listed twice",
                "id: P0S3-08-11-00",
            ),
            (
                "  - id: P003-07-2-00\n    version: \"7.2\"\n",
                "  - id: P003-07-2-00\n    version: \"7.2\"\n    loader: P003-07-2-00\n",
                "loader `P003-07-2-00` cannot name a loader",
                "id: P003-07-2-00",
            ),
            (
                "    loader: P003-08-11-00\n",
                "",
                "SIP load `P0S3-08-11-00` is UAL-era: name the `loader` of its package",
                "id: P0S3-08-11-00",
            ),
            (
                "    loader: P003-08-11-00\n",
                "    loader: P0S3-8-12-00\n",
                "load `P0S3-08-11-00` names loader `P0S3-8-12-00`, which is not a loader in the catalogue",
                "id: P0S3-08-11-00",
            ),
            (
                "files: [P003-08-11-00.bin, P003-08-11-00.sbn, P0S3-08-11-00.loads",
                "files: [P003-08-11-00.sbn, P0S3-08-11-00.loads",
                "load `P0S3-08-11-00` ships loader `P003-08-11-00` but its files lack `P003-08-11-00.bin`",
                "id: P0S3-08-11-00",
            ),
            (
                "    loader: P003-07-7-00\n    files: [P003-07-7-00.bin, P003-07-7-00.sbn,",
                "    loader: P003-08-11-00\n    files: [P003-08-11-00.bin, P003-08-11-00.sbn,",
                "loader `P003-08-11-00` ships in packages of two protocols",
                "id: P0M3-07-7-00",
            ),
            ("    preferred: 3\n", "    preferred: 1\n", "loads `P0S3-06-3-00` and `P0S3-07-4-00` share preferred rank 1", "  - id: P0S3-07-4-00"),
            // Rules.
            ("  - id: R2\n", "  - id: R1\n", "rule `R1` is listed twice", "id: R1"),
            ("below: \"5.0\"", "below: \"five\"", "rule `R1`: `from.below: five` is not a version like \"5.0\"", "id: R1"),
            (
                "    reason: an SCCP 3.x phone pointed at P0S3-07-4-00",
                "    note: an SCCP 3.x phone pointed at P0S3-07-4-00",
                "refused rule `R2` needs a `reason` (what the phone does)",
                "id: R2",
            ),
            (r2_evidence, "    evidence: []\n", "rule `R2` names no evidence", "id: R2"),
            ("      - source: DOC5455-TOC\n", "      - source: NOPE\n", "evidence names source `NOPE`", "id: R1"),
            // Cautions.
            ("  - id: hunt-first-file\n", "  - id: cdp-loader-name\n", "caution `cdp-loader-name` is listed twice", "id: cdp-loader-name"),
            ("    evidence: [VOIPHOPPER]\n  - id: hunt", "    evidence: []\n  - id: hunt", "caution `cdp-loader-name` names no evidence", "id: cdp-loader-name"),
            ("    evidence: [VOIPHOPPER]\n  - id: hunt", "    evidence: [NOPE]\n  - id: hunt", "evidence names source `NOPE`", "id: cdp-loader-name"),
            ("  - id: os79xx-one-line\n", "  - id: os79xx-two-lines\n", "caution `os79xx-one-line` is missing; plans print it", "cautions:"),
        ];
        for &(from, to, message, at) in cases {
            let text = edited(from, to);
            let error = Matrix::parse(&text, "broken.yaml")
                .err()
                .unwrap_or_else(|| panic!("{to:?} is refused"))
                .to_string();
            // An empty `at`: the value is quoted, and no line is named.
            let place = match at {
                "" => "broken.yaml: ".to_string(),
                at => format!("broken.yaml:{}: ", line_with(&text, at)),
            };
            assert!(
                error.starts_with(&place)
                    && error.contains(message)
                    && !error.contains(" at line "),
                "{to:?}: expected {place:?} and {message:?}, got {error}"
            );
        }
    }

    #[test]
    fn the_built_in_matrix_parses_and_each_rule_knows_its_line() {
        let matrix = Matrix::parse(BUILTIN_YAML, "matrix.yaml").unwrap();
        for rule in &matrix.rules {
            let id_line = format!("  - id: {}", rule.id);
            let line = BUILTIN_YAML.lines().position(|l| l == id_line).unwrap() + 1;
            assert_eq!(matrix.rule_lines.get(&rule.id), Some(&line), "{}", rule.id);
        }
    }
}
