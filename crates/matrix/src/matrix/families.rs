//! The `families` section of the matrix: the loads and the rules of the Java-based phones
//! (7906/7911 to 7975, [`crate::family`]), kept apart from the 7940/7960 catalogue and rules so
//! that nothing planned for a 7940/7960 ever passes through a load of theirs.
//!
//! A rule names the families it applies to and covers a jump by the releases on each side
//! (`min` inclusive, `below` exclusive, as `8.3(3)` or `8.5(2)SR1`), optionally by protocol; its
//! verdict is allowed, refused or unknown (the sources leave it open, and phoneup says so).

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::family::{JavaLoad, JavaModel, JavaProtocol, Release, FAMILIES};
use crate::matrix::validate::Checker;
use crate::matrix::{Caution, Confidence, Evidence};

/// The most loads, and the most rules, the section may list.
pub const MAX_FAMILY_ITEMS: usize = 500;

/// A rule's verdict on a jump.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FamilyVerdict {
    Allowed,
    Refused,
    /// The sources leave the jump open: phoneup neither plans nor refuses it as known.
    Unknown,
}

/// One side of a family rule as the file writes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRange {
    pub protocol: Option<JavaProtocol>,
    pub min: Option<String>,
    pub below: Option<String>,
}

/// A family rule as the file writes it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFamilyRule {
    pub id: String,
    pub summary: String,
    pub families: Vec<String>,
    pub verdict: FamilyVerdict,
    #[serde(default)]
    pub from: RawRange,
    #[serde(default)]
    pub to: RawRange,
    /// Only jumps that change protocol (SCCP or TERM to SIP and back).
    #[serde(default)]
    pub protocol_change: bool,
    /// Only jumps within one signing-key era.
    #[serde(default)]
    pub same_key: bool,
    /// Only jumps to a load of another family than the phone's.
    #[serde(default)]
    pub other_family: bool,
    /// The release to stage first, for a refused jump (`8.5(2)`).
    pub bridge: Option<String>,
    pub confidence: Confidence,
    pub reason: Option<String>,
    pub note: Option<String>,
    pub evidence: Vec<Evidence>,
}

/// A load of a family as the file writes it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFamilyLoad {
    pub id: String,
    /// Its five components in manifest order, where a source lists them.
    #[serde(default)]
    pub files: Vec<String>,
    pub evidence: Vec<String>,
    pub note: Option<String>,
}

/// The section as the file writes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFamilies {
    #[serde(default)]
    pub loads: Vec<RawFamilyLoad>,
    #[serde(default)]
    pub rules: Vec<RawFamilyRule>,
    #[serde(default)]
    pub cautions: Vec<Caution>,
}

/// A checked side of a rule.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Range {
    pub protocol: Option<JavaProtocol>,
    pub min: Option<Release>,
    pub below: Option<Release>,
}

impl Range {
    pub fn holds(&self, load: &JavaLoad) -> bool {
        let release = load.release();
        self.protocol.is_none_or(|p| p == load.protocol())
            && self
                .min
                .as_ref()
                .is_none_or(|m| release.cmp_release(m).is_ge())
            && self
                .below
                .as_ref()
                .is_none_or(|b| release.cmp_release(b).is_lt())
    }
}

/// A checked family rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyRule {
    pub id: String,
    pub summary: String,
    pub families: Vec<String>,
    pub verdict: FamilyVerdict,
    pub from: Range,
    pub to: Range,
    pub protocol_change: bool,
    pub same_key: bool,
    pub other_family: bool,
    pub bridge: Option<Release>,
    pub confidence: Confidence,
    pub reason: Option<String>,
    pub note: Option<String>,
    pub evidence: Vec<Evidence>,
}

impl FamilyRule {
    /// Whether the rule speaks about a phone of `model` going from `from` to `to`.
    pub fn applies(&self, model: &JavaModel, from: &JavaLoad, to: &JavaLoad) -> bool {
        self.families.iter().any(|f| f == model.family)
            && self.other_family != to.fits(model)
            && self.from.holds(from)
            && self.to.holds(to)
            && (!self.protocol_change || from.protocol().is_sip() != to.protocol().is_sip())
            && (!self.same_key || from.key_era() == to.key_era())
    }

    /// The evidence keys, in the file's order: `TP-CUCM, SYSOP`.
    pub fn sources(&self) -> String {
        let keys: Vec<&str> = self.evidence.iter().map(|e| e.source.as_str()).collect();
        keys.join(", ")
    }
}

/// A checked load of a family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyLoad {
    pub id: JavaLoad,
    pub files: Vec<String>,
    pub evidence: Vec<String>,
    pub note: Option<String>,
}

/// The whole checked section.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Families {
    pub loads: Vec<FamilyLoad>,
    pub rules: Vec<FamilyRule>,
    pub cautions: Vec<Caution>,
}

impl Families {
    /// The catalogue's load of this name (exact spelling), if any.
    pub fn load(&self, name: &str) -> Option<&FamilyLoad> {
        self.loads.iter().find(|l| l.id.name() == name)
    }

    /// The components the catalogue names for the load of this name (`SCCP41.9-4-2SR3-1S`), in
    /// manifest order: none when it does not name them.
    pub fn components(&self, name: &str) -> Vec<String> {
        self.load(name).map(|l| l.files.clone()).unwrap_or_default()
    }

    /// A caution's text with its evidence keys after it: `... [TP-CUCM, DUDEK]`.
    pub fn caution(&self, id: &str) -> Option<String> {
        let caution = self.cautions.iter().find(|c| c.id == id)?;
        Some(format!(
            "{} [{}]",
            caution.text,
            caution.evidence.join(", ")
        ))
    }

    /// The rules that speak about one direct jump, in file order.
    pub fn rules_for(&self, model: &JavaModel, from: &JavaLoad, to: &JavaLoad) -> Vec<&FamilyRule> {
        self.rules
            .iter()
            .filter(|r| r.applies(model, from, to))
            .collect()
    }
}

impl Checker<'_> {
    /// Checks the section: load IDs parse, files are the load's family's, releases read, and
    /// evidence names known sources.
    pub(super) fn families(&self, raw: RawFamilies) -> Result<Families, Error> {
        for (what, count) in [("loads", raw.loads.len()), ("rules", raw.rules.len())] {
            if count > MAX_FAMILY_ITEMS {
                return Err(self.fail(
                    None,
                    format!("{count} family {what}; the families section may list at most {MAX_FAMILY_ITEMS}"),
                ));
            }
        }
        let mut loads = Vec::with_capacity(raw.loads.len());
        for load in raw.loads {
            let line = || self.id_line(&load.id);
            let id = JavaLoad::parse(&load.id)
                .filter(|id| id.name() == load.id)
                .ok_or_else(|| {
                    self.fail(
                        line(),
                        format!(
                            "`{}` is not a Java-based phone's load ID (SCCP41.9-4-2SR3-1S)",
                            load.id
                        ),
                    )
                })?;
            for file in &load.files {
                let ok = crate::family::JavaFile::parse(file)
                    .is_some_and(|f| f.family() == id.family() && file.ends_with(".sbn"));
                if !ok {
                    return Err(self.fail(
                        line(),
                        format!("`{file}` is not a component of a {} load", id.models()),
                    ));
                }
            }
            for key in &load.evidence {
                self.known_source(key, &line)?;
            }
            loads.push(FamilyLoad {
                id,
                files: load.files,
                evidence: load.evidence,
                note: load.note,
            });
        }
        let mut rules = Vec::with_capacity(raw.rules.len());
        for rule in raw.rules {
            rules.push(self.family_rule(rule)?);
        }
        for caution in &raw.cautions {
            let line = || self.id_line(&caution.id);
            for key in &caution.evidence {
                self.known_source(key, &line)?;
            }
        }
        Ok(Families {
            loads,
            rules,
            cautions: raw.cautions,
        })
    }

    fn family_rule(&self, rule: RawFamilyRule) -> Result<FamilyRule, Error> {
        let line = || self.id_line(&rule.id);
        let release = |text: &Option<String>| -> Result<Option<Release>, Error> {
            text.as_deref()
                .map(|t| {
                    Release::parse(t).ok_or_else(|| {
                        self.fail(
                            line(),
                            format!("`{t}` is not a release (8.3(3), 8.5(2)SR1)"),
                        )
                    })
                })
                .transpose()
        };
        let range = |raw: &RawRange| -> Result<Range, Error> {
            Ok(Range {
                protocol: raw.protocol,
                min: release(&raw.min)?,
                below: release(&raw.below)?,
            })
        };
        if let Some(family) = rule
            .families
            .iter()
            .find(|f| !FAMILIES.contains(&f.as_str()))
        {
            return Err(self.fail(
                line(),
                format!(
                    "rule {} names family `{family}`; families are {}",
                    rule.id,
                    FAMILIES.join(", ")
                ),
            ));
        }
        if rule.families.is_empty() || rule.evidence.is_empty() {
            return Err(self.fail(
                line(),
                format!("rule {} needs its families and its evidence", rule.id),
            ));
        }
        for evidence in &rule.evidence {
            self.known_source(&evidence.source, &line)?;
        }
        Ok(FamilyRule {
            from: range(&rule.from)?,
            to: range(&rule.to)?,
            bridge: release(&rule.bridge)?,
            id: rule.id,
            summary: rule.summary,
            families: rule.families,
            verdict: rule.verdict,
            protocol_change: rule.protocol_change,
            same_key: rule.same_key,
            other_family: rule.other_family,
            confidence: rule.confidence,
            reason: rule.reason,
            note: rule.note,
            evidence: rule.evidence,
        })
    }
}
