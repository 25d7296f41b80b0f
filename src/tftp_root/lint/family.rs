//! The checks of `phoneup lint` for the Java-based phones (7906 to 7975): the loads their files
//! name (a `SEP<MAC>.cnf.xml`'s unnumbered `loadInformation`, each model's numbered element of
//! `XMLDefault.cnf.xml`: ADM-7961), whose `.loads` and every component it lists must be there
//! under the names it lists (SYSOP, THOURET, TICKETT); the term files a factory-reset phone
//! reads instead (CRIMSON-FD), by their exact names and with their components; a model's element
//! naming another family's load (rule J8); and the jump a reset phone would make from the load
//! its term file lists to the one its configuration names, where the matrix refuses it.
//!
//! Only what the matrix's `families` section supports: the element numbers' `model` attribute,
//! spelled differently from tool to tool, is not checked.

use super::{FindingKind, Linter, WRONG_CASE};
use crate::files::xml_default_cnf_xml::{self, configured_load, JavaReads};
use crate::knowledge::family::{JavaFile, JavaLoad, JavaModel, MODELS};
use crate::knowledge::matrix::families::FamilyVerdict;
use crate::tftp_root::family::{self, Listed, TermIs};

/// A load a configuration file names for a Java-based phone.
struct Named {
    file: String,
    line: Option<usize>,
    load: JavaLoad,
    /// The model whose element names it (`XMLDefault.cnf.xml`), or `None` (a SEP file: any
    /// model of the load's family).
    model: Option<JavaModel>,
}

/// The 1-based line of the first `needle` in `text`.
fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.find(needle)
        .map(|at| text[..at].matches('\n').count() + 1)
}

impl Linter<'_> {
    /// Every check of the Java-based phones' files; `sep_files` are the `SEP<MAC>.cnf.xml` files
    /// checked (one phone's with `--mac`).
    pub(super) fn family(&mut self, sep_files: &[String]) {
        let named = self.named(sep_files);
        self.term_files();
        let mut checked: Vec<String> = Vec::new();
        for entry in &named {
            if let Some(model) = entry.model.filter(|m| m.family != entry.load.family()) {
                self.add(
                    FindingKind::WrongFamilyLoad,
                    &entry.file,
                    entry.line,
                    format!("<{}> (the {model}'s element) names {}, a {} load", model.xml_default_element(), entry.load, entry.load.models()),
                    &format!("a {model} without its own SEP file reads it, does not take another family's load and keeps its own (rule J8: each family has its own files)"),
                    format!("name a load of the {model}'s family (SCCP{f}... or SIP{f}...)", f = model.family),
                );
                continue;
            }
            let key = format!("{}\n{}", entry.file, entry.load);
            if !checked.contains(&key) {
                checked.push(key);
                self.family_load(entry);
            }
            self.reset_jump(entry);
        }
    }

    /// The Java-based loads the configuration files name: each model's own element of
    /// `XMLDefault.cnf.xml`, and a SEP file's unnumbered element when it names one.
    fn named(&self, sep_files: &[String]) -> Vec<Named> {
        let mut named = Vec::new();
        let xml_default = xml_default_cnf_xml::FILE_NAME;
        if let Some(text) = self.root.text(xml_default) {
            for model in MODELS {
                let element = model.xml_default_element();
                let Ok(Some(value)) = configured_load(&text, JavaReads::Default(&model)) else {
                    continue;
                };
                if let Some(load) = JavaLoad::parse(&value) {
                    named.push(Named {
                        file: xml_default.into(),
                        line: line_of(&text, &format!("<{element}")),
                        load,
                        model: Some(model),
                    });
                }
            }
        }
        for file in sep_files {
            let Some(text) = self.root.text(file) else {
                continue;
            };
            let Ok(Some(value)) = configured_load(&text, JavaReads::Own) else {
                continue;
            };
            if let Some(load) = JavaLoad::parse(&value) {
                named.push(Named {
                    file: file.clone(),
                    line: line_of(&text, &value),
                    load,
                    model: None,
                });
            }
        }
        named
    }

    /// A named load's `.loads` and the components it lists.
    fn family_load(&mut self, entry: &Named) {
        let manifest = format!("{}.loads", entry.load);
        let files = family::in_root(
            self.root,
            entry.load.name(),
            &self.matrix.families.components(entry.load.name()),
            &[],
        );
        let missing = match files.listed {
            _ if files.complete() => return,
            Listed::Manifest => format!("{} missing", files.missing_components("").join(", ")),
            Listed::EmptyManifest => format!("{manifest} lists no .sbn component"),
            Listed::Catalogue => format!("{} missing", files.manifest.missing("")),
        };
        let load = &entry.load;
        self.add(
            FindingKind::LoadFilesMissing,
            &entry.file,
            entry.line,
            format!("names {load}, whose files are not all here: {missing}"),
            &format!("a {} already running {load} stays on it; one on another load asks for {manifest} and each component it lists, spelled as it lists them, and a missing one stops the download: it keeps its load (SYSOP, TICKETT, THOURET)", load.models()),
            format!("copy {load}'s package into the directory, named exactly as {manifest} lists its files, or name a load you have"),
        );
    }

    /// The term files: named as a phone asks for them, and with every component they list.
    fn term_files(&mut self) {
        let names: Vec<String> = self.root.names().map(str::to_string).collect();
        for name in names {
            let Some(JavaFile::TermDefault(model)) = JavaFile::parse(&name) else {
                continue;
            };
            let exact = model.term_file();
            let models = MODELS
                .iter()
                .filter(|m| m.term == model.term)
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" or ");
            if name != exact {
                if !self.root.contains(&exact) {
                    self.add(
                        FindingKind::WrongCase,
                        &name,
                        None,
                        format!("named {name}, but a factory-reset {models} asks for {exact}"),
                        WRONG_CASE,
                        format!("rename it to {exact} (right on every server)"),
                    );
                }
                continue;
            }
            let terms = family::terms_in_root(self.root, std::slice::from_ref(&name));
            let lists = terms
                .first()
                .map(|t| t.lists.as_slice())
                .unwrap_or_default();
            let missing: Vec<String> = lists
                .iter()
                .filter(|c| !c.is_there())
                .map(|c| c.missing(""))
                .collect();
            let missing = if lists.is_empty() {
                format!("{name} lists no .sbn component")
            } else if missing.is_empty() {
                continue;
            } else {
                format!("{} missing", missing.join(", "))
            };
            self.add(
                FindingKind::LoadFilesMissing,
                &name,
                None,
                format!("a factory-reset {models} loads what it lists, whose files are not all here: {missing}"),
                &format!("a {models} reset with # then 123456789*0# asks for {name} instead of its configuration, then for each component it lists; a missing one stops it, and it asks again and again (CRIMSON-FD, TICKETT)"),
                "copy the term files with the rest of the package they come from (each package overwrites them), named exactly as they list their files".into(),
            );
        }
    }

    /// The load a term file lists: the root's load whose files make it its own
    /// ([`family::load_files`]: its `.loads` lists the same components, or when it lists none,
    /// the catalogue's do).
    fn term_load(&self, term: &str) -> Option<JavaLoad> {
        let terms = [term.to_string()];
        self.root
            .names()
            .find_map(|name| match JavaFile::parse(name) {
                Some(JavaFile::Manifest(load)) if name == format!("{}.loads", load.name()) => {
                    let catalogued = self.matrix.families.components(load.name());
                    let files = family::in_root(self.root, load.name(), &catalogued, &terms);
                    (files.terms.first()?.is == TermIs::Own).then_some(load)
                }
                _ => None,
            })
    }

    /// After a factory reset, a phone loads what its term file lists, then reads its
    /// configuration: where the matrix refuses that jump, the phone never gets there.
    fn reset_jump(&mut self, entry: &Named) {
        let matrix = self.matrix;
        let models: Vec<JavaModel> = match entry.model {
            Some(model) => vec![model],
            None => MODELS
                .iter()
                .filter(|m| m.family == entry.load.family())
                .copied()
                .collect(),
        };
        let mut seen: Vec<String> = Vec::new();
        for model in models {
            let term = model.term_file();
            if seen.contains(&term) || !self.root.contains(&term) {
                continue;
            }
            seen.push(term.clone());
            let Some(from) = self.term_load(&term) else {
                continue;
            };
            if from.name() == entry.load.name() {
                continue;
            }
            let rules = matrix.families.rules_for(&model, &from, &entry.load);
            let Some(rule) = rules.iter().find(|r| r.verdict == FamilyVerdict::Refused) else {
                continue;
            };
            let load = &entry.load;
            let reason = rule.reason.as_deref().unwrap_or(&rule.summary);
            let sources: Vec<&str> = rule.evidence.iter().map(|e| e.source.as_str()).collect();
            self.add(
                FindingKind::ResetJumpRefused,
                &entry.file,
                entry.line,
                format!("names {load}, but {term} lists the files of {from}: a factory-reset {model} loads {from} first, and the matrix refuses {from} -> {load} (rule {}, {} confidence: {reason})", rule.id, rule.confidence),
                &format!("after a reset it runs {from}, then is told {load} and refuses it on every boot [{}]", sources.join(", ")),
                format!("serve {term} from the package of the load to stage first, which phoneup check --from {from} --to {load} --model {} names (each package overwrites the term files), or from {load}'s own once the phones that may be reset run a load that takes it", model.model.to_ascii_lowercase()),
            );
        }
    }
}
