//! The matrix file as serde reads it, before any check: the sources and cautions as they are
//! ([`super::Source`], [`super::Caution`]), and the loads, rules and their conditions with
//! their text not yet parsed. phoneup's `build.rs` writes the built-in matrix out as these.

use serde::Deserialize;

use crate::load_id::{Era, Kind, Protocol};
use crate::matrix::{
    Caution, Confidence, Evidence, FileSize, Mechanism, Source, Spelling, Verdict,
};

/// One side of a rule: which loads it covers, its bounds still text.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCondition {
    pub kind: Option<Kind>,
    pub protocol: Option<Protocol>,
    pub min: Option<String>,
    pub below: Option<String>,
    pub era: Option<Vec<Era>>,
}

/// A rule as the file writes it.
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

/// A load of the catalogue as the file writes it, its load ID still text.
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

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMatrix {
    pub sources: Vec<Source>,
    pub loads: Vec<RawLoad>,
    pub rules: Vec<RawRule>,
    pub cautions: Vec<Caution>,
    /// The Java-based phones' loads and rules ([`super::families`]); absent in older files.
    #[serde(default)]
    pub families: super::families::RawFamilies,
}
