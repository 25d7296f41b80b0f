//! The names a plan writes and asks for. A load may be spelled more than one way in the field
//! (`P0S3-8-11-00`, as FUSSYLOGIC-7940's files, and Cisco's `P0S3-08-11-00`): with a TFTP root, every
//! name follows the user's own files, and a `.loads` is read for the exact names the phone will
//! fetch after it; without one, names are the catalogue's.

use std::collections::{HashMap, HashSet};

use crate::files::loads;
use crate::knowledge::load_id::{Era, Kind};
use crate::knowledge::matrix::Load;
use crate::knowledge::package::{self, FileKey};
use crate::tftp_root::TftpRoot;

/// One step's target, spelled for the user's files.
#[derive(Debug, Clone)]
pub struct Spelled {
    /// The target, named as the plan names it.
    pub to: Load,
    /// The firmware the phone fetches, in order, named exactly as it will ask for them.
    pub firmware: Vec<String>,
    /// What the user should know about the names.
    pub notes: Vec<String>,
}

/// The user's firmware files by what they are, whatever their spelling.
pub struct Spelling<'r> {
    root: Option<&'r TftpRoot>,
    names: HashMap<FileKey, Vec<String>>,
}

fn stem(file: &str) -> &str {
    file.rsplit_once('.').map_or(file, |(stem, _)| stem)
}

impl<'r> Spelling<'r> {
    /// The spelling of `root`'s files, or (without a root) the catalogue's.
    pub fn new(root: Option<&'r TftpRoot>) -> Spelling<'r> {
        let mut names: HashMap<FileKey, Vec<String>> = HashMap::new();
        for name in root.iter().flat_map(|r| r.names()) {
            if let Some(key) = package::file_key(name) {
                names.entry(key).or_default().push(name.to_string());
            }
        }
        Spelling { root, names }
    }

    /// The firmware the user has, whatever its spelling: the planner prefers routes through it.
    pub fn present(&self) -> HashSet<FileKey> {
        self.names.keys().cloned().collect()
    }

    fn has(&self, file: &str) -> bool {
        self.root.is_some_and(|r| r.contains(file))
    }

    /// The user's names for the file `file` stands for (any spelling).
    fn variants(&self, file: &str) -> &[String] {
        package::file_key(file)
            .and_then(|key| self.names.get(&key))
            .map_or(&[], Vec::as_slice)
    }

    /// The `.sbn` and `.sb2` a `.loads` in the root names, if it is there and readable.
    fn manifest(&self, loads_file: &str) -> Option<(String, String)> {
        let text = self.root?.text(loads_file)?;
        loads::manifest(&text)
    }

    /// The files the phone fetches for `to` spelled `name`, reading its `.loads` when present.
    fn fetched(&self, from: &Load, to: &Load) -> Vec<String> {
        let mut firmware = package::firmware(from, to);
        if to.id.kind() == Kind::Application && to.id.era() == Some(Era::Ual) {
            let at = firmware
                .iter()
                .position(|f| f.ends_with(".loads"))
                .expect("UAL packages are fetched through a .loads");
            if let Some((loader, application)) = self.manifest(&firmware[at]) {
                firmware[at + 1] = loader;
                firmware[at + 2] = application;
            }
        }
        firmware
    }

    /// Spells the step `from` -> `to` (`from` already spelled): the target as the user's files
    /// name it, the firmware exactly as the phone will ask for it, and notes where the root holds
    /// a load in two spellings or a `.loads` names files that are there under another spelling.
    pub fn step(&self, from: &Load, to: &Load) -> Spelled {
        let catalogue = package::firmware(from, to);
        if self.root.is_none() {
            return Spelled {
                to: to.clone(),
                firmware: catalogue,
                notes: Vec::new(),
            };
        }
        let mut notes = Vec::new();
        // The file that names the target: its .loads in the UAL era, else its image.
        let entry = catalogue
            .iter()
            .find(|f| f.ends_with(".loads"))
            .unwrap_or(&catalogue[0]);
        let candidates: Vec<String> = self
            .variants(entry)
            .iter()
            .map(|f| stem(f).to_string())
            .collect();
        let chosen = match candidates.as_slice() {
            [] => to.name().to_string(),
            [one] => one.clone(),
            several => {
                // The spelling whose files the phone will find, then the catalogue's order.
                let known: Vec<&str> = to.names().collect();
                let best = several
                    .iter()
                    .max_by_key(|name| {
                        let spelled = to.respelled(name);
                        let found = self
                            .fetched(from, &spelled)
                            .iter()
                            .filter(|f| self.has(f))
                            .count();
                        let rank = known.iter().position(|k| k == name).unwrap_or(known.len());
                        (found, std::cmp::Reverse(rank), std::cmp::Reverse(*name))
                    })
                    .expect("several candidates")
                    .clone();
                let complete = self
                    .fetched(from, &to.respelled(&best))
                    .iter()
                    .all(|f| self.has(f));
                notes.push(format!(
                    "Your TFTP root holds {} in {} spellings ({}): the plan names {best}, {}.",
                    to.label(),
                    several.len(),
                    several.join(", "),
                    if complete {
                        "whose files are all there"
                    } else {
                        "the spelling with the most of its files there"
                    }
                ));
                best
            }
        };
        let mut spelled = to.respelled(&chosen);
        if chosen != to.name() {
            let recorded = if to.names().any(|n| n == chosen) {
                "a spelling seen in the field"
            } else {
                "a spelling the catalogue does not record"
            };
            notes.push(format!(
                "Your files spell {} as {chosen} ({recorded}; the catalogue's spelling is {}): the plan names it as your files do.",
                to.label(),
                to.name()
            ));
        }
        let firmware = self.fetched(from, &spelled);
        // A .loads decides how its loader is spelled.
        if let (Some(loader), Some(sbn)) = (
            spelled.loader.clone(),
            firmware.iter().find(|f| f.ends_with(".sbn")),
        ) {
            let named = stem(sbn);
            if named != loader
                && package::file_key(sbn) == package::file_key(&format!("{loader}.sbn"))
            {
                spelled = spelled.with_loader(named);
            }
        }
        let loads_file = firmware.iter().find(|f| f.ends_with(".loads")).cloned();
        for file in &firmware {
            if self.has(file) {
                continue;
            }
            let others: Vec<&String> = self.variants(file).iter().collect();
            if let Some(other) = others.first() {
                let named_by = match &loads_file {
                    Some(loads) if self.has(loads) && file != loads => {
                        format!(" ({loads} names it)")
                    }
                    _ => String::new(),
                };
                notes.push(format!(
                    "{file} is not in your TFTP root, but {other} is: the phone asks for {file} exactly{named_by}. Copy {other} to {file}."
                ));
            }
        }
        Spelled {
            to: spelled,
            firmware,
            notes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::loads::stand_in;
    use crate::knowledge::matrix::Matrix;
    use crate::knowledge::Builtin;

    fn fussylogic_7940_root() -> TftpRoot {
        let mut root = TftpRoot::new();
        for file in ["P003-8-11-00.bin", "P003-8-11-00.sbn", "P0S3-8-11-00.sb2"] {
            root.insert(file, "image");
        }
        root.insert(
            "P0S3-8-11-00.loads",
            stand_in("P0S3-8-11-00", "P003-8-11-00", "P0S3-8-11-00"),
        );
        root
    }

    #[test]
    fn fussylogic_7940_files_give_their_own_spelling() {
        let matrix = Matrix::builtin().unwrap();
        let root = fussylogic_7940_root();
        let spelling = Spelling::new(Some(&root));
        let six = matrix.by_name("P0S3-06-3-00").unwrap();
        let loader = matrix.by_name("P003-08-11-00").unwrap();
        let app = matrix.by_name("P0S3-08-11-00").unwrap();
        let step = spelling.step(six, loader);
        assert_eq!(step.to.name(), "P003-8-11-00");
        assert_eq!(step.firmware, ["P003-8-11-00.sbn"]);
        assert!(
            step.notes.iter().all(|n| n.contains("as your files do")),
            "{:?}",
            step.notes
        );
        let step = spelling.step(&step.to, app);
        assert_eq!(step.to.name(), "P0S3-8-11-00");
        assert_eq!(step.to.loader.as_deref(), Some("P003-8-11-00"));
        assert_eq!(
            step.firmware,
            ["P0S3-8-11-00.loads", "P003-8-11-00.sbn", "P0S3-8-11-00.sb2"]
        );
        // Without a root: the catalogue's spelling.
        let step = Spelling::new(None).step(six, loader);
        assert_eq!(step.firmware, ["P003-08-11-00.sbn"]);
    }

    #[test]
    fn a_spelling_no_source_shows_is_followed_and_called_so() {
        let matrix = Matrix::builtin().unwrap();
        let mut root = TftpRoot::new();
        root.insert("P003-8-2-00.sbn", "image");
        let spelling = Spelling::new(Some(&root));
        let six = matrix.by_name("P0S3-06-3-00").unwrap();
        let step = spelling.step(six, matrix.by_name("P003-08-2-00").unwrap());
        assert_eq!(step.firmware, ["P003-8-2-00.sbn"]);
        assert!(
            step.notes
                .iter()
                .any(|n| n.contains("as P003-8-2-00 (a spelling the catalogue does not record;")),
            "{:?}",
            step.notes
        );
        // FUSSYLOGIC-7940's spelling of 8.11 is one the catalogue records.
        let step = Spelling::new(Some(&fussylogic_7940_root()))
            .step(six, matrix.by_name("P003-08-11-00").unwrap());
        assert!(
            step.notes
                .iter()
                .any(|n| n.contains("as P003-8-11-00 (a spelling seen in the field;")),
            "{:?}",
            step.notes
        );
    }

    #[test]
    fn a_file_in_another_spelling_is_named_with_what_names_it_only_when_a_loads_does() {
        let matrix = Matrix::builtin().unwrap();
        let six = matrix.by_name("P0S3-06-3-00").unwrap();
        let app = matrix.by_name("P0S3-08-11-00").unwrap();
        let notes = |files: &[&str]| {
            let mut root = TftpRoot::new();
            for file in files {
                root.insert(*file, "image");
            }
            Spelling::new(Some(&root)).step(six, app).notes
        };
        // The user's .loads names the application it lacks.
        let said = notes(&[
            "P0S3-8-11-00.loads",
            "P003-08-11-00.sbn",
            "P0S3-08-11-00.sb2",
        ]);
        assert!(
            said.iter().any(|n| n.ends_with(
                "the phone asks for P0S3-8-11-00.sb2 exactly (P0S3-8-11-00.loads names it). Copy P0S3-08-11-00.sb2 to P0S3-8-11-00.sb2."
            )),
            "{said:?}"
        );
        // No .loads at all: the loader's .sbn in another spelling is named by nothing either.
        let said = notes(&["P003-8-11-00.sbn", "P0S3-08-11-00.sb2", "P003-08-11-00.bin"]);
        assert!(
            said.iter().any(|n| n.ends_with(
                "the phone asks for P003-08-11-00.sbn exactly. Copy P003-8-11-00.sbn to P003-08-11-00.sbn."
            )),
            "{said:?}"
        );
    }

    #[test]
    fn a_loads_naming_another_spelling_is_followed_and_explained() {
        let matrix = Matrix::builtin().unwrap();
        let mut root = fussylogic_7940_root();
        root.insert(
            "P0S3-8-11-00.loads",
            stand_in("P0S3-8-11-00", "P003-08-11-00", "P0S3-8-11-00"),
        );
        let spelling = Spelling::new(Some(&root));
        let loader = matrix.by_name("P003-08-11-00").unwrap();
        let app = matrix.by_name("P0S3-08-11-00").unwrap();
        let step = spelling.step(&loader.respelled("P003-8-11-00"), app);
        assert_eq!(step.firmware[1], "P003-08-11-00.sbn");
        assert!(
            step.notes
                .iter()
                .any(|n| n.contains("P0S3-8-11-00.loads names it")
                    && n.contains("Copy P003-8-11-00.sbn to P003-08-11-00.sbn")),
            "{:?}",
            step.notes
        );
    }

    #[test]
    fn two_spellings_pick_the_complete_one() {
        let matrix = Matrix::builtin().unwrap();
        let mut root = fussylogic_7940_root();
        root.insert(
            "P0S3-08-11-00.loads",
            stand_in("P0S3-08-11-00", "P003-08-11-00", "P0S3-08-11-00"),
        );
        let spelling = Spelling::new(Some(&root));
        let loader = matrix.by_name("P003-08-11-00").unwrap();
        let app = matrix.by_name("P0S3-08-11-00").unwrap();
        let step = spelling.step(&loader.respelled("P003-8-11-00"), app);
        assert_eq!(step.to.name(), "P0S3-8-11-00");
        assert!(
            step.notes
                .iter()
                .any(|n| n.contains("two spellings") || n.contains("2 spellings")),
            "{:?}",
            step.notes
        );
    }
    #[test]
    fn two_complete_spellings_pick_the_catalogues() {
        let matrix = Matrix::builtin().unwrap();
        let mut root = fussylogic_7940_root();
        root.insert(
            "P0S3-08-11-00.loads",
            stand_in("P0S3-08-11-00", "P003-08-11-00", "P0S3-08-11-00"),
        );
        root.insert("P003-08-11-00.sbn", "image");
        root.insert("P0S3-08-11-00.sb2", "image");
        let loader = matrix.by_name("P003-08-11-00").unwrap();
        let app = matrix.by_name("P0S3-08-11-00").unwrap();
        let step = Spelling::new(Some(&root)).step(loader, app);
        assert_eq!(step.to.name(), "P0S3-08-11-00");
        assert!(
            step.notes.iter().any(|n| n.ends_with(
                "in 2 spellings (P0S3-08-11-00, P0S3-8-11-00): the plan names P0S3-08-11-00, whose files are all there."
            )),
            "{:?}",
            step.notes
        );
    }

    #[test]
    fn a_loads_naming_the_loader_of_another_load_does_not_rename_the_loader() {
        let matrix = Matrix::builtin().unwrap();
        let mut root = TftpRoot::new();
        root.insert(
            "P0S3-08-11-00.loads",
            stand_in("P0S3-08-11-00", "P003-08-12-00", "P0S3-08-11-00"),
        );
        root.insert("P003-08-12-00.sbn", "image");
        root.insert("P0S3-08-11-00.sb2", "image");
        let loader = matrix.by_name("P003-08-11-00").unwrap();
        let app = matrix.by_name("P0S3-08-11-00").unwrap();
        let step = Spelling::new(Some(&root)).step(loader, app);
        // The phone fetches what the .loads names; the package's loader keeps its name.
        assert_eq!(step.firmware[1], "P003-08-12-00.sbn");
        assert_eq!(step.to.loader.as_deref(), Some("P003-08-11-00"));
    }
}
