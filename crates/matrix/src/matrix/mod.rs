//! The upgrade matrix as data: the sources, the catalogue of loads and the transition rules,
//! read from `data/matrix.yaml` (validated by phoneup's `build.rs` and compiled in as Rust data,
//! see phoneup's `knowledge::builtin`) or from a YAML file given with `--matrix`.
//!
//! Loading validates everything a plan relies on, and a broken file is reported with its name,
//! the line and what is wrong. A file is read within bounds ([`crate::yaml_limits`])
//! and may list at most [`MAX_LOADS`] loads and [`MAX_RULES`] rules, so validation and planning
//! stay fast on any input. phoneup's `build.rs` uses it too.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::error::Error;
use crate::load_id::{LoadId, MatchKey};
use crate::yaml_limits;

use lines::rule_lines;
use validate::Checker;

pub mod families;
mod lines;
mod model;
mod raw;
mod validate;

pub use model::{
    Caution, Condition, Confidence, Evidence, FileSize, Load, Mechanism, Rule, Source, Spelling,
    Verdict, REQUIRED_CAUTIONS,
};
pub use raw::{RawCondition, RawLoad, RawMatrix, RawRule};

/// The built-in matrix, `data/matrix.yaml`, as text (`phoneup matrix` prints it).
pub const BUILTIN_YAML: &str = include_str!("../../../../data/matrix.yaml");
/// How errors and plans name the built-in matrix.
pub const BUILTIN_ORIGIN: &str = "built-in data/matrix.yaml";

/// The most loads a matrix may list: planning compares every pair of loads.
pub const MAX_LOADS: usize = 1_000;
/// The most rules a matrix may list.
pub const MAX_RULES: usize = 500;
/// The most sources, and the most cautions, a matrix may list.
pub const MAX_SOURCES: usize = 5_000;

/// The whole upgrade matrix.
#[derive(Debug, Clone)]
pub struct Matrix {
    pub origin: String,
    pub sources: Vec<Source>,
    pub loads: Vec<Load>,
    pub rules: Vec<Rule>,
    pub cautions: Vec<Caution>,
    /// The Java-based phones' loads and rules, apart from the 7940/7960 ones.
    pub families: families::Families,
    /// Lookups (ordered maps, cheaper than hashing at this size), so that nothing is quadratic
    /// in the size of the matrix.
    names: BTreeMap<String, usize>,
    keys: BTreeMap<MatchKey, usize>,
    source_index: BTreeMap<String, usize>,
    /// For a file given with `--matrix`: the line of each rule.
    rule_lines: HashMap<String, usize>,
    builtin: bool,
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
        let checker = Checker::new(origin, text);
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
mod tests;
