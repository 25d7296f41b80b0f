//! The upgrade matrix as data: the sources, the catalogue of loads and the transition rules,
//! read from `data/matrix.yaml` (compiled in) or from a file given with `--matrix`.
//!
//! Loading validates everything a plan relies on, and a broken file is reported with its name,
//! the line and what is wrong.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::knowledge::load_id::{Era, Kind, LoadId, Protocol, Version, FIRMWARE_EXTENSIONS};
use crate::output::Style;

/// The built-in matrix, `data/matrix.yaml`.
pub const BUILTIN_YAML: &str = include_str!("../../data/matrix.yaml");
const BUILTIN_ORIGIN: &str = "built-in data/matrix.yaml";

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

impl Confidence {
    /// The word, in green, yellow or red when `style` has colour.
    pub fn painted(self, style: &Style) -> String {
        let text = self.to_string();
        match self {
            Confidence::High => style.good(&text),
            Confidence::Medium => style.warning(&text),
            Confidence::Low => style.error(&text),
        }
    }
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

impl fmt::Display for Mechanism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mechanism::DualBoot => "dual_boot",
            Mechanism::ImageVersion => "image_version",
            Mechanism::UalHunt => "ual_hunt",
            Mechanism::LoadInformation => "load_information",
        })
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
struct RawCondition {
    kind: Option<Kind>,
    protocol: Option<Protocol>,
    min: Option<String>,
    below: Option<String>,
    era: Option<Vec<Era>>,
}

/// Which loads one side of a rule covers. Every field that is set must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Condition {
    pub kind: Option<Kind>,
    pub protocol: Option<Protocol>,
    /// Inclusive lower bound on `major.minor`.
    pub min: Option<Version>,
    /// Exclusive upper bound on `major.minor`.
    pub below: Option<Version>,
    pub era: Option<Vec<Era>>,
}

impl Condition {
    pub fn matches(&self, id: &LoadId) -> bool {
        if id.kind() == Kind::Boot {
            return false;
        }
        if self.kind.is_some_and(|kind| kind != id.kind()) {
            return false;
        }
        if self.protocol.is_some() && self.protocol != id.protocol() {
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

    /// "SIP application 5.0 to below 7.0", for people.
    pub fn describe(&self) -> String {
        let mut words = Vec::new();
        if let Some(protocol) = self.protocol {
            words.push(protocol.label().to_string());
        }
        match self.kind {
            Some(Kind::Loader) => words.push("UAL loader".into()),
            Some(Kind::Application) if self.protocol.is_none() => words.push("application".into()),
            _ => {}
        }
        if let Some(eras) = &self.era {
            let names: Vec<String> = eras.iter().map(ToString::to_string).collect();
            words.push(format!("({} era)", names.join(" or ")));
        }
        match (self.min, self.below) {
            (Some(min), Some(below)) => words.push(format!("{min} to below {below}")),
            (Some(min), None) => words.push(format!("{min} or later")),
            (None, Some(below)) => words.push(format!("below {below}")),
            (None, None) => {}
        }
        if words.is_empty() {
            "any load".into()
        } else {
            words.join(" ")
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    summary: String,
    verdict: Verdict,
    from: RawCondition,
    to: RawCondition,
    #[serde(default)]
    same_package: bool,
    mechanism: Option<Mechanism>,
    confidence: Confidence,
    reason: Option<String>,
    note: Option<String>,
    evidence: Vec<Evidence>,
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
        self.from.matches(&from.id)
            && self.to.matches(&to.id)
            && (!self.same_package || to.loader.as_deref() == Some(from.id.name()))
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLoad {
    id: String,
    version: String,
    #[serde(default)]
    loader: Option<String>,
    files: Vec<String>,
    evidence: Vec<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    preferred: Option<u32>,
}

/// A load of the catalogue (or, for a starting point the catalogue lacks, one made from its name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Load {
    pub id: LoadId,
    /// The release name people use: `8.1(2)SR2`, `8.12`.
    pub version: String,
    /// For a SIP 7.x/8.x application: the UAL loader in its package.
    pub loader: Option<String>,
    /// Every file of the package, spelled exactly.
    pub files: Vec<String>,
    pub evidence: Vec<String>,
    pub note: Option<String>,
    /// A well-trodden intermediate: lower ranks are preferred when paths tie.
    pub preferred: Option<u32>,
    pub in_catalogue: bool,
}

impl Load {
    /// A load phoneup has no catalogue entry for: usable as a starting point only.
    pub fn uncatalogued(id: LoadId) -> Load {
        Load {
            version: id.display_version().unwrap_or_default(),
            id,
            loader: None,
            files: Vec::new(),
            evidence: Vec::new(),
            note: None,
            preferred: None,
            in_catalogue: false,
        }
    }

    pub fn name(&self) -> &str {
        self.id.name()
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

    /// The file of this package with the given extension, if the catalogue lists one.
    pub fn file_with_extension(&self, extension: &str) -> Option<&str> {
        let wanted = format!("{}.{extension}", self.name());
        self.files
            .iter()
            .find(|file| **file == wanted)
            .map(String::as_str)
    }
}

/// A warning that plans print where it applies, with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Caution {
    pub id: String,
    /// The text; `{to}`, `{from}` and `{loader}` stand for the stage's loads.
    pub text: String,
    pub evidence: Vec<String>,
}

/// The cautions the planner prints, which every matrix must define.
pub const REQUIRED_CAUTIONS: [&str; 6] = [
    "hunt-first-file",
    "image-version-not-loader",
    "no-way-back",
    "os79xx-one-line",
    "per-phone-image-version",
    "tftp-file-not-found",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMatrix {
    sources: Vec<Source>,
    loads: Vec<RawLoad>,
    rules: Vec<RawRule>,
    cautions: Vec<Caution>,
}

/// The whole upgrade matrix.
#[derive(Debug, Clone)]
pub struct Matrix {
    pub origin: String,
    pub sources: Vec<Source>,
    pub loads: Vec<Load>,
    pub rules: Vec<Rule>,
    pub cautions: Vec<Caution>,
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
}

impl Matrix {
    /// The matrix compiled into phoneup.
    pub fn builtin() -> Result<Matrix, Error> {
        Matrix::parse(BUILTIN_YAML, BUILTIN_ORIGIN)
    }

    /// Reads a matrix file given with `--matrix`.
    pub fn from_file(path: &Path) -> Result<Matrix, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Matrix::parse(&text, &path.display().to_string())
    }

    /// Parses and validates matrix YAML. `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Matrix, Error> {
        let checker = Checker { origin, text };
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

        let mut source_keys = BTreeSet::new();
        for source in &raw.sources {
            let line = || checker.id_line(&source.key);
            if !source_keys.insert(source.key.clone()) {
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
            if source_keys.contains(key) {
                Ok(())
            } else {
                Err(checker.fail(
                    line(),
                    format!("evidence names source `{key}`, which is not in `sources`"),
                ))
            }
        };

        let mut loads = Vec::with_capacity(raw.loads.len());
        let mut seen = HashMap::new();
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
            if id.kind() == Kind::Boot {
                return Err(checker.fail(
                    line(),
                    format!(
                        "load `{}` is a boot load ID; the catalogue lists applications and loaders",
                        raw_load.id
                    ),
                ));
            }
            if let Some(other) = seen.insert(id.match_key(), raw_load.id.clone()) {
                return Err(checker.fail(
                    line(),
                    format!(
                        "load `{}` is the same load as `{other}`; list it once",
                        raw_load.id
                    ),
                ));
            }
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
            for file in &raw_load.files {
                let ok = LoadId::parse(file).is_ok_and(|f| f.extension().is_some());
                if !ok {
                    return Err(checker.fail(
                        line_of(text, file, line().unwrap_or(0)),
                        format!(
                            "load `{}`: `{file}` is not a firmware file name (a load ID with {})",
                            raw_load.id,
                            FIRMWARE_EXTENSIONS.map(|e| format!(".{e}")).join(", ")
                        ),
                    ));
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
                    if id.protocol() == Some(Protocol::Sip) =>
                {
                    return Err(checker.fail(
                        line(),
                        format!(
                            "SIP load `{}` is UAL-era: name the `loader` of its package",
                            raw_load.id
                        ),
                    ))
                }
                _ => {}
            }
            loads.push(Load {
                id,
                version: raw_load.version,
                loader: raw_load.loader,
                files: raw_load.files,
                evidence: raw_load.evidence,
                note: raw_load.note,
                preferred: raw_load.preferred,
                in_catalogue: true,
            });
        }
        // Cross-references between loads.
        let mut ranks = HashMap::new();
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
                let target = loads
                    .iter()
                    .find(|l| l.name() == loader && l.id.kind() == Kind::Loader);
                let Some(target) = target else {
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
            origin: origin.to_string(),
            sources: raw.sources,
            loads,
            rules,
            cautions: raw.cautions,
        })
    }

    /// A caution's text with its placeholders filled in and its evidence keys after it.
    pub fn caution(&self, id: &str, to: &str, from: &str, loader: &str) -> String {
        let caution = self
            .cautions
            .iter()
            .find(|c| c.id == id)
            .expect("required cautions are checked when the matrix loads");
        format!(
            "{} [{}]",
            caution
                .text
                .replace("{to}", to)
                .replace("{from}", from)
                .replace("{loader}", loader),
            caution.evidence.join(", ")
        )
    }

    pub fn source(&self, key: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.key == key)
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The catalogue entry for a parsed load ID, whatever its spelling (`-8-` or `-08-`).
    pub fn find(&self, id: &LoadId) -> Option<&Load> {
        let key = id.match_key();
        self.loads.iter().find(|load| load.id.match_key() == key)
    }

    /// The catalogue entry with exactly this name.
    pub fn by_name(&self, name: &str) -> Option<&Load> {
        self.loads.iter().find(|load| load.name() == name)
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
