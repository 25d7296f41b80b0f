//! Checking a parsed matrix, section by section, in the order of the file: its size, the
//! sources, the loads, the cross-references between loads, the rules, the cautions. The first
//! thing wrong stops the load, with the line of what it is about.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::error::Error;
use crate::firmware::FirmwareExt;
use crate::load_id::{Era, Kind, LoadId, MatchKey, Protocol, Version};
use crate::matrix::lines::line_of;
use crate::matrix::{
    Caution, Condition, Load, Matrix, RawCondition, RawLoad, RawMatrix, RawRule, Rule, Source,
    Verdict, BUILTIN_ORIGIN, MAX_LOADS, MAX_RULES, MAX_SOURCES, REQUIRED_CAUTIONS,
};

/// The loads of the catalogue, found by match key and by name (their own, then, once the
/// cross-references are checked, their other spellings).
type Catalogue = (
    Vec<Load>,
    BTreeMap<MatchKey, usize>,
    BTreeMap<String, usize>,
);

/// What the checks share: the file's name and text (for errors and their lines), and the
/// sources once they are checked.
pub(super) struct Checker<'a> {
    origin: &'a str,
    text: &'a str,
    sources: BTreeMap<String, usize>,
}

impl<'a> Checker<'a> {
    pub(super) fn new(origin: &'a str, text: &'a str) -> Checker<'a> {
        Checker {
            origin,
            text,
            sources: BTreeMap::new(),
        }
    }

    pub(super) fn fail(&self, line: Option<usize>, message: String) -> Error {
        Error::Matrix {
            origin: self.origin.to_string(),
            line,
            message,
        }
    }

    pub(super) fn id_line(&self, id: &str) -> Option<usize> {
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

    /// Evidence must name a source of `sources`.
    pub(super) fn known_source(
        &self,
        key: &str,
        line: &dyn Fn() -> Option<usize>,
    ) -> Result<(), Error> {
        if self.sources.contains_key(key) {
            Ok(())
        } else {
            Err(self.fail(
                line(),
                format!("evidence names source `{key}`, which is not in `sources`"),
            ))
        }
    }

    /// Each source once, with a URL or a place.
    fn sources(&mut self, sources: &[Source]) -> Result<(), Error> {
        for (index, source) in sources.iter().enumerate() {
            let line = || self.id_line(&source.key);
            if self.sources.contains_key(&source.key) {
                return Err(self.fail(line(), format!("source `{}` is listed twice", source.key)));
            }
            if source.url.is_none() && source.location.is_none() {
                return Err(self.fail(
                    line(),
                    format!("source `{}` needs a `url` or a `where`", source.key),
                ));
            }
            self.sources.insert(source.key.clone(), index);
        }
        Ok(())
    }

    /// Each load once, with a load ID that is an application or a loader, its evidence, files
    /// and spellings.
    fn loads(&self, raw: Vec<RawLoad>, checked_at_build: bool) -> Result<Catalogue, Error> {
        let mut loads = Vec::with_capacity(raw.len());
        let mut keys: BTreeMap<MatchKey, usize> = BTreeMap::new();
        let mut names: BTreeMap<String, usize> = BTreeMap::new();
        for raw_load in raw {
            let line = || self.id_line(&raw_load.id);
            let id = self.load_id(&raw_load)?;
            let index = loads.len();
            if let Some(&other) = keys.get(&id.match_key()) {
                let other: &Load = &loads[other];
                return Err(self.fail(
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
            loads.push(self.load(raw_load, id, checked_at_build)?);
        }
        Ok((loads, keys, names))
    }

    /// A load's ID: a load ID, without an extension, of an application or a loader.
    fn load_id(&self, raw_load: &RawLoad) -> Result<LoadId, Error> {
        let line = || self.id_line(&raw_load.id);
        let id = LoadId::parse(&raw_load.id)
            .map_err(|e| self.fail(line(), format!("load `{}`: {e}", raw_load.id)))?;
        if id.extension().is_some() || id.name() != raw_load.id {
            return Err(self.fail(
                line(),
                format!(
                    "load `{}`: write the load ID without a file extension",
                    raw_load.id
                ),
            ));
        }
        if !id.kind().is_plannable() {
            return Err(self.fail(
                line(),
                format!(
                    "load `{}` is a {} load ID; the catalogue lists applications and loaders",
                    raw_load.id,
                    id.kind()
                ),
            ));
        }
        Ok(id)
    }

    /// The rest of a load: its version and evidence, its files, its spellings, and a loader
    /// named where (and only where) one belongs.
    fn load(&self, raw_load: RawLoad, id: LoadId, checked_at_build: bool) -> Result<Load, Error> {
        let line = || self.id_line(&raw_load.id);
        if raw_load.version.trim().is_empty() {
            return Err(self.fail(
                line(),
                format!("load `{}` has an empty version", raw_load.id),
            ));
        }
        if raw_load.evidence.is_empty() {
            return Err(self.fail(line(), format!("load `{}` names no evidence", raw_load.id)));
        }
        for key in &raw_load.evidence {
            self.known_source(key, &line)?;
        }
        if !checked_at_build {
            self.files(&raw_load)?;
        }
        for size in &raw_load.sizes {
            if !raw_load.files.contains(&size.file) || size.bytes == 0 {
                return Err(self.fail(
                    line(),
                    format!(
                        "load `{}`: the size of `{}` must be of one of its `files`, in bytes",
                        raw_load.id, size.file
                    ),
                ));
            }
            self.known_source(&size.source, &line)?;
        }
        if let Some(file) = raw_load
            .inferred
            .iter()
            .find(|f| !raw_load.files.contains(f))
        {
            return Err(self.fail(
                line(),
                format!(
                    "load `{}`: inferred file `{file}` is not one of its `files`",
                    raw_load.id
                ),
            ));
        }
        if !checked_at_build {
            self.spellings(&raw_load, &id)?;
        }
        match (&raw_load.loader, id.kind(), id.era()) {
            (Some(_), Kind::Loader, _) => {
                return Err(self.fail(
                    line(),
                    format!("loader `{}` cannot name a loader", raw_load.id),
                ))
            }
            (None, Kind::Application, Some(Era::Ual)) if id.protocol() != Some(Protocol::Sccp) => {
                return Err(self.fail(
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
        Ok(Load {
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
        })
    }

    /// Every file of a load is a firmware file name (searched for from the load's own line on).
    fn files(&self, raw_load: &RawLoad) -> Result<(), Error> {
        let line = || self.id_line(&raw_load.id);
        for file in &raw_load.files {
            let ok = LoadId::parse(file).is_ok_and(|f| f.extension().is_some());
            if !ok {
                return Err(self.fail(
                    line_of(self.text, file, line().unwrap_or(0)),
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
        Ok(())
    }

    /// Every other spelling of a load is another upper-case spelling of it, with evidence.
    fn spellings(&self, raw_load: &RawLoad, id: &LoadId) -> Result<(), Error> {
        let line = || self.id_line(&raw_load.id);
        for spelling in &raw_load.spellings {
            let same = LoadId::parse(&spelling.id).is_ok_and(|s| {
                s.extension().is_none()
                    && s.match_key() == id.match_key()
                    && s.name() == s.name().to_ascii_uppercase()
            });
            if !same || spelling.id == raw_load.id {
                return Err(self.fail(
                    line(),
                    format!(
                        "load `{}`: spelling `{}` must be another upper-case spelling of the same load, without an extension",
                        raw_load.id, spelling.id
                    ),
                ));
            }
            if spelling.evidence.is_empty() {
                return Err(self.fail(
                    line(),
                    format!(
                        "load `{}`: spelling `{}` names no evidence",
                        raw_load.id, spelling.id
                    ),
                ));
            }
            for key in &spelling.evidence {
                self.known_source(key, &line)?;
            }
        }
        Ok(())
    }

    /// Between loads: preferred ranks differ, a named loader is a loader of the catalogue whose
    /// files the package lists and which ships in packages of one protocol (which becomes its
    /// `package`), and no spelling names two loads (each is added to `names`).
    fn cross_references(
        &self,
        loads: &mut [Load],
        names: &mut BTreeMap<String, usize>,
    ) -> Result<(), Error> {
        let mut ranks = HashMap::new();
        let mut packages: BTreeMap<usize, Option<Protocol>> = BTreeMap::new();
        for load in loads.iter() {
            let line = || self.id_line(load.name());
            if let Some(rank) = load.preferred {
                if let Some(other) = ranks.insert(rank, load.name().to_string()) {
                    return Err(self.fail(
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
                    return Err(self.fail(line(),
                        format!("load `{}` names loader `{loader}`, which is not a loader in the catalogue", load.name()),
                    ));
                };
                for file in &target.files {
                    if !load.files.contains(file) {
                        return Err(self.fail(
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
                        return Err(self.fail(
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
                    return Err(self.fail(
                        self.id_line(load.name()),
                        format!("spelling `{}` is listed twice", spelling.id),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Each rule once, with versions for bounds, a mechanism when it allows and a reason when it
    /// refuses, and evidence from known sources.
    fn rules(&self, raw: Vec<RawRule>) -> Result<Vec<Rule>, Error> {
        let mut rules = Vec::with_capacity(raw.len());
        let mut rule_ids = BTreeSet::new();
        for raw_rule in raw {
            let line = || self.id_line(&raw_rule.id);
            if !rule_ids.insert(raw_rule.id.clone()) {
                return Err(self.fail(line(), format!("rule `{}` is listed twice", raw_rule.id)));
            }
            let from = self.condition(&raw_rule, &raw_rule.from, "from")?;
            let to = self.condition(&raw_rule, &raw_rule.to, "to")?;
            match raw_rule.verdict {
                Verdict::Allowed if raw_rule.mechanism.is_none() => {
                    return Err(self.fail(
                        line(),
                        format!("allowed rule `{}` needs a `mechanism`", raw_rule.id),
                    ))
                }
                Verdict::Refused if raw_rule.reason.is_none() => {
                    return Err(self.fail(
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
                return Err(self.fail(line(), format!("rule `{}` names no evidence", raw_rule.id)));
            }
            for evidence in &raw_rule.evidence {
                self.known_source(&evidence.source, &line)?;
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
        Ok(rules)
    }

    /// One side (`from` or `to`) of a rule, its bounds parsed as versions.
    fn condition(
        &self,
        rule: &RawRule,
        raw: &RawCondition,
        side: &str,
    ) -> Result<Condition, Error> {
        let bound = |text: &Option<String>, name: &str| -> Result<Option<Version>, Error> {
            match text {
                None => Ok(None),
                Some(t) => Version::parse(t).map(Some).ok_or_else(|| {
                    self.fail(
                        self.id_line(&rule.id),
                        format!(
                            "rule `{}`: `{side}.{name}: {t}` is not a version like \"5.0\"",
                            rule.id
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
    }

    /// Each caution once, with evidence from known sources, and every caution plans print.
    fn cautions(&self, cautions: &[Caution]) -> Result<(), Error> {
        let mut caution_ids = BTreeSet::new();
        for caution in cautions {
            let line = || self.id_line(&caution.id);
            if !caution_ids.insert(caution.id.as_str()) {
                return Err(self.fail(line(), format!("caution `{}` is listed twice", caution.id)));
            }
            if caution.evidence.is_empty() {
                return Err(self.fail(
                    line(),
                    format!("caution `{}` names no evidence", caution.id),
                ));
            }
            for key in &caution.evidence {
                self.known_source(key, &line)?;
            }
        }
        for required in REQUIRED_CAUTIONS {
            if !caution_ids.contains(required) {
                return Err(self.fail(
                    line_of(self.text, "cautions:", 0),
                    format!("caution `{required}` is missing; plans print it"),
                ));
            }
        }
        Ok(())
    }
}

impl Matrix {
    /// Validates a parsed matrix; `text` is its YAML, for the line numbers of errors. With
    /// `checked_at_build` (the built-in matrix, which phoneup's `build.rs` validated in full),
    /// the checks of each file name and spelling are not repeated.
    pub fn validate(
        raw: RawMatrix,
        origin: &str,
        text: &str,
        checked_at_build: bool,
    ) -> Result<Matrix, Error> {
        let mut checker = Checker::new(origin, text);
        checker.at_most("sources", raw.sources.len(), MAX_SOURCES)?;
        checker.at_most("loads", raw.loads.len(), MAX_LOADS)?;
        checker.at_most("rules", raw.rules.len(), MAX_RULES)?;
        checker.at_most("cautions", raw.cautions.len(), MAX_SOURCES)?;
        checker.sources(&raw.sources)?;
        let (mut loads, keys, mut names) = checker.loads(raw.loads, checked_at_build)?;
        checker.cross_references(&mut loads, &mut names)?;
        let rules = checker.rules(raw.rules)?;
        checker.cautions(&raw.cautions)?;
        let families = checker.families(raw.families)?;
        Ok(Matrix {
            families,
            builtin: origin == BUILTIN_ORIGIN,
            origin: origin.to_string(),
            sources: raw.sources,
            loads,
            rules,
            cautions: raw.cautions,
            names,
            keys,
            source_index: checker.sources,
            rule_lines: HashMap::new(),
        })
    }
}
