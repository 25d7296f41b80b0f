//! The files of one 7906 to 7975 load that a TFTP root or a server holds, as one answer for
//! `inventory`, `lint`, `apply` and `probe`: its `.loads` manifest, the components it lists
//! (spelled as it lists them: SYSOP, THOURET) or, when it is missing or lists none, those the
//! catalogue names, and the term files a factory-reset phone reads instead (CRIMSON-FD), each
//! there, missing or there in another case, a term file also the load's own or another
//! package's, with the components it lists itself (not read for another package's). The caller reads ([`Seen`]: a root in
//! memory, [`in_root`], or a server's answers); this decides, without I/O.
//!
//! May use: [`crate::knowledge`], [`crate::tftp_root::root`].

use std::collections::HashMap;

use crate::knowledge::family::manifest_components;
use crate::tftp_root::root::to_rename;
use crate::tftp_root::TftpRoot;

/// What the caller found of one file it was asked to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// There, with its text when the text was asked for.
    There(Option<String>),
    /// Not there; with the name it has in another case, when the caller knows one.
    Absent(Option<String>),
}

/// Whether a file is wanted whole (a manifest or term file: its list is read) or only known
/// to be there (a component).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    Text,
    Presence,
}

/// Whether one file is there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Held {
    There,
    Missing,
    /// Not under its name, but under this one, which differs only in case: a case-sensitive
    /// server answers File not found (SYSOP, THOURET).
    OtherCase(String),
}

/// One file and whether it is there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub name: String,
    pub held: Held,
}

impl File {
    fn of(name: &str, seen: &Seen) -> File {
        File {
            name: name.to_string(),
            held: match seen {
                Seen::There(_) => Held::There,
                Seen::Absent(None) => Held::Missing,
                Seen::Absent(Some(variant)) => Held::OtherCase(variant.clone()),
            },
        }
    }

    pub fn is_there(&self) -> bool {
        self.held == Held::There
    }

    /// How a missing file is said: `cnu41.x.sbn`, or `cnu41.x.sbn (the root has CNU41.x.sbn:
    /// rename it)`; `why` follows a name with no variant.
    pub fn missing(&self, why: &str) -> String {
        match &self.held {
            Held::OtherCase(variant) => to_rename(&self.name, variant),
            _ => format!("{}{why}", self.name),
        }
    }
}

/// Where the load's component list comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listed {
    /// Its manifest, which is there and lists them.
    Manifest,
    /// Its manifest is there and lists no `.sbn` component: the catalogue's list stands in
    /// (empty when the catalogue does not name them).
    EmptyManifest,
    /// Its manifest is missing: the catalogue's list (empty when it does not name them).
    Catalogue,
}

/// What a term file is to the load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermIs {
    /// It lists the load's components: a factory-reset phone loads this load.
    Own,
    /// It lists other components (or none): another package's, and a reset phone loads that.
    Foreign,
    /// It is there, but the load's components are not known (no usable manifest, and the
    /// catalogue does not name them): nothing to compare it with.
    Unjudged,
    Missing,
}

/// One term file: whether it is there, what it is to the load, and the components it lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub file: File,
    pub is: TermIs,
    /// The components it lists, each there or not (those of the load read once); none for
    /// another package's ([`TermIs::Foreign`]): they are not asked for, the fix is to replace it.
    pub lists: Vec<File>,
}

/// The files of one load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadFiles {
    /// `SCCP41.9-4-2SR3-1S.loads`.
    pub manifest: File,
    pub listed: Listed,
    /// The components, in the order they are listed.
    pub components: Vec<File>,
    pub terms: Vec<Term>,
}

impl LoadFiles {
    /// Whether a phone told to load it finds every file: the manifest and each component it
    /// lists.
    pub fn complete(&self) -> bool {
        self.listed == Listed::Manifest && self.components.iter().all(File::is_there)
    }

    /// The components missing, each as [`File::missing`] says it.
    pub fn missing_components(&self, why: &str) -> Vec<String> {
        self.components
            .iter()
            .filter(|c| !c.is_there())
            .map(|c| c.missing(why))
            .collect()
    }
}

/// The files of `load` (`SCCP41.9-4-2SR3-1S`) and of the term files `terms`, read through
/// `read` in the order a phone would: the manifest, its components, the term files, then the
/// components only a term file lists. `catalogued` are the components the catalogue names
/// (`matrix.families.components(load)`, empty when it does not), used when the manifest is
/// missing or lists none.
pub fn load_files<E>(
    load: &str,
    catalogued: &[String],
    terms: &[String],
    mut read: impl FnMut(&str, Want) -> Result<Seen, E>,
) -> Result<LoadFiles, E> {
    let name = format!("{load}.loads");
    let seen = read(&name, Want::Text)?;
    let manifest = File::of(&name, &seen);
    let (listed, names) = match seen {
        Seen::There(text) => match manifest_components(&text.unwrap_or_default()) {
            list if list.is_empty() => (Listed::EmptyManifest, catalogued.to_vec()),
            list => (Listed::Manifest, list),
        },
        Seen::Absent(_) => (Listed::Catalogue, catalogued.to_vec()),
    };
    let mut components: Vec<File> = Vec::new();
    for component in &names {
        components.push(File::of(component, &read(component, Want::Presence)?));
    }
    let known = components
        .iter()
        .map(|c| (c.name.clone(), c.clone()))
        .collect();
    let terms = read_terms(&names, known, terms, &mut read)?;
    Ok(LoadFiles {
        manifest,
        listed,
        components,
        terms,
    })
}

/// Each of `terms`, judged against the load's components `names` (none: unjudged); `known`
/// are the files read already, not read again.
fn read_terms<E>(
    names: &[String],
    mut known: HashMap<String, File>,
    terms: &[String],
    read: &mut impl FnMut(&str, Want) -> Result<Seen, E>,
) -> Result<Vec<Term>, E> {
    let mut judged = Vec::new();
    for term in terms {
        let seen = read(term, Want::Text)?;
        let file = File::of(term, &seen);
        let listed = match seen {
            Seen::There(text) => Some(manifest_components(&text.unwrap_or_default())),
            Seen::Absent(_) => None,
        };
        let is = match &listed {
            None => TermIs::Missing,
            Some(_) if names.is_empty() => TermIs::Unjudged,
            Some(list) if list == names => TermIs::Own,
            Some(_) => TermIs::Foreign,
        };
        let listed = match is {
            TermIs::Foreign => Vec::new(),
            _ => listed.unwrap_or_default(),
        };
        judged.push((file, is, listed));
    }
    let mut out = Vec::new();
    for (file, is, listed) in judged {
        let mut lists = Vec::new();
        for component in listed {
            let found = match known.get(&component) {
                Some(found) => found.clone(),
                None => {
                    let found = File::of(&component, &read(&component, Want::Presence)?);
                    known.insert(component, found.clone());
                    found
                }
            };
            lists.push(found);
        }
        out.push(Term { file, is, lists });
    }
    Ok(out)
}

/// What a root holds of one file, as [`load_files`] reads it.
pub fn seen_in(root: &TftpRoot, name: &str, want: Want) -> Seen {
    if root.contains(name) {
        Seen::There(match want {
            Want::Text => Some(root.text(name).unwrap_or_default()),
            Want::Presence => None,
        })
    } else {
        Seen::Absent(root.case_variant(name).map(str::to_string))
    }
}

/// [`load_files`] over a root in memory.
pub fn in_root(root: &TftpRoot, load: &str, catalogued: &[String], terms: &[String]) -> LoadFiles {
    let read = |name: &str, want| Ok::<_, std::convert::Infallible>(seen_in(root, name, want));
    match load_files(load, catalogued, terms, read) {
        Ok(files) => files,
        Err(never) => match never {},
    }
}

/// The term files `terms` of a root on their own, with the components each lists: judged
/// against no load ([`TermIs::Unjudged`] or [`TermIs::Missing`]).
pub fn terms_in_root(root: &TftpRoot, terms: &[String]) -> Vec<Term> {
    let mut read = |name: &str, want| Ok::<_, std::convert::Infallible>(seen_in(root, name, want));
    match read_terms(&[], HashMap::new(), terms, &mut read) {
        Ok(terms) => terms,
        Err(never) => match never {},
    }
}

#[cfg(test)]
mod tests;
