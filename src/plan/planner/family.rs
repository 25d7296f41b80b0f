//! Plans and checks for the Java-based phones (7906/7911 to 7975): which phones a request
//! addresses (`--model`, or the family a load ID implies), the verdict of the `families` rules
//! on a direct jump, the shortest evidenced route through the family's catalogue, and what each
//! stage puts on the TFTP server (`SEP<MAC>.cnf.xml` and `XMLDefault.cnf.xml` loadInformation,
//! the `.loads` and its five components, the term files a factory-reset phone reads).
//!
//! Pure: it takes the matrix and the names, and returns data; nothing here reads a directory or
//! knows the command line. Nothing here touches the 7940/7960 catalogue or rules.
//!
//! May use: [`crate::knowledge`], [`crate::error`].

use serde::Serialize;

use crate::error::Error;
use crate::knowledge::family::{JavaLoad, JavaModel, MODELS};
use crate::knowledge::matrix::families::{Families, FamilyRule, FamilyVerdict};
use crate::knowledge::matrix::{Confidence, Matrix};

/// The phones a family plan addresses: one model, or every model of the family a load implies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phones {
    pub family: &'static str,
    pub models: Vec<JavaModel>,
    /// Whether the user named the model (else the load ID implied the family).
    pub named: bool,
}

impl Phones {
    /// The one model the user named.
    pub fn one(model: JavaModel) -> Phones {
        Phones {
            family: model.family,
            models: vec![model],
            named: true,
        }
    }

    /// Every model of a family.
    pub fn family(code: &'static str) -> Phones {
        Phones {
            family: code,
            models: MODELS
                .iter()
                .filter(|m| m.family == code)
                .copied()
                .collect(),
            named: false,
        }
    }

    /// `7961G`, or `7941G, 7941G-GE, 7961G and 7961G-GE`.
    pub fn describe(&self) -> String {
        let names: Vec<String> = self.models.iter().map(ToString::to_string).collect();
        match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => names.join(""),
        }
    }

    /// The `--model` value that names these phones, when the user named one (`7961`).
    pub fn model_value(&self) -> Option<String> {
        match self.models.as_slice() {
            [model] if self.named => Some(model.model.to_ascii_lowercase()),
            _ => None,
        }
    }

    /// The term files of the models addressed, each once: `term41.default.loads`.
    pub fn term_files(&self) -> Vec<String> {
        let mut files: Vec<String> = self.models.iter().map(JavaModel::term_file).collect();
        files.dedup();
        files
    }
}

/// A load as plans show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoadView {
    pub id: String,
    pub protocol: String,
    pub release: String,
    pub key: String,
    pub models: String,
}

impl LoadView {
    pub fn of(load: &JavaLoad) -> LoadView {
        LoadView {
            id: load.name().to_string(),
            protocol: load.protocol().to_string(),
            release: load.release().to_string(),
            key: json_key(load),
            models: load.models(),
        }
    }

    /// `SCCP41.8-3-1S (SCCP 8.3(1))`.
    pub fn label(&self) -> String {
        format!("{} ({} {})", self.id, self.protocol, self.release)
    }
}

fn json_key(load: &JavaLoad) -> String {
    serde_json::to_value(load.key_era())
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// One piece of evidence, with where to read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cited {
    pub source: String,
    pub note: String,
    pub url: Option<String>,
}

/// A rule as a report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleView {
    pub id: String,
    pub summary: String,
    pub verdict: FamilyVerdict,
    pub confidence: Confidence,
    pub reason: Option<String>,
    pub note: Option<String>,
    pub evidence: Vec<Cited>,
}

impl RuleView {
    fn of(matrix: &Matrix, rule: &FamilyRule) -> RuleView {
        RuleView {
            id: rule.id.clone(),
            summary: rule.summary.clone(),
            verdict: rule.verdict,
            confidence: rule.confidence,
            reason: rule.reason.clone(),
            note: rule.note.clone(),
            evidence: rule
                .evidence
                .iter()
                .map(|e| Cited {
                    source: e.source.clone(),
                    note: e.note.clone(),
                    url: matrix.source(&e.source).and_then(|s| s.url.clone()),
                })
                .collect(),
        }
    }
}

/// What the rules say about one direct jump.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Judgement<'m> {
    Allowed(&'m FamilyRule),
    Refused(&'m FamilyRule),
    /// A rule says the sources leave it open, or (`None`) no rule speaks about it.
    Unknown(Option<&'m FamilyRule>),
}

/// The verdict on a direct jump: a refusal wins, then an open question, then the most
/// confident allowing rule.
pub fn judge<'m>(
    families: &'m Families,
    phones: &Phones,
    from: &JavaLoad,
    to: &JavaLoad,
) -> Judgement<'m> {
    let model = phones.models[0];
    let rules = families.rules_for(&model, from, to);
    if let Some(rule) = rules.iter().find(|r| r.verdict == FamilyVerdict::Refused) {
        return Judgement::Refused(rule);
    }
    if let Some(rule) = rules.iter().find(|r| r.verdict == FamilyVerdict::Unknown) {
        return Judgement::Unknown(Some(rule));
    }
    rules
        .iter()
        .filter(|r| r.verdict == FamilyVerdict::Allowed)
        .max_by_key(|r| r.confidence)
        .map_or(Judgement::Unknown(None), |r| Judgement::Allowed(r))
}

/// Reads `--model` (already a Java model, or none) and the loads into the phones addressed.
/// The start must be a load the phone can run; the target may be any family's (rule J8 then
/// refuses it).
pub fn resolve(
    model: Option<JavaModel>,
    from: &str,
    to: &str,
) -> Result<(Phones, JavaLoad, JavaLoad), Error> {
    let parse = |flag: &str, name: &str| {
        JavaLoad::parse(name).ok_or_else(|| Error::Usage {
            message: format!(
                "{flag}: `{}` is not a load ID of the 7906/7911, 7941/7961, 7942/7962, 7945/7965, 7970/7971 or 7975 (such as SCCP41.9-4-2SR3-1S or SIP11.8-5-4S); run: phoneup identify {}",
                crate::output::escape::Untrusted(name),
                crate::output::escape::Untrusted(name)
            ),
        })
    };
    let from = parse("--from", from)?;
    let to = parse("--to", to)?;
    let phones = match model {
        Some(model) => {
            if !from.fits(&model) {
                return Err(Error::Usage {
                    message: format!(
                        "--from: `{from}` is a {} load; a {model} runs the loads named SCCP{f}... and SIP{f}...: give the load the phone shows, or --model for the phone you have",
                        from.models(),
                        f = model.family
                    ),
                });
            }
            Phones::one(model)
        }
        None => Phones::family(from.family()),
    };
    Ok((phones, from, to))
}

mod route;
mod stage;
#[cfg(test)]
mod tests;

pub use route::{check, plan, FamilyCheck, FamilyOutcome, FamilyPlan};
pub use stage::{FamilyStage, StagedFile};
