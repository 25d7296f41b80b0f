use super::*;
use crate::knowledge::family::MAX_COMPONENTS;

const LOAD: &str = "SCCP41.8-5-2S";
const OWN: &str = "jar41sccp.8-5-2.sbn\r\ncnu41.8-5-2.sbn\r\n";
const OTHER: &str = "jar41sccp.8-3-1.sbn\r\ncnu41.8-5-2.sbn\r\n";

fn root(files: &[(&str, &str)]) -> TftpRoot {
    let mut root = TftpRoot::new();
    for (name, text) in files {
        root.insert(*name, text.as_bytes().to_vec());
    }
    root
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn terms(files: &LoadFiles) -> Vec<(&str, TermIs)> {
    files
        .terms
        .iter()
        .map(|t| (t.file.name.as_str(), t.is))
        .collect()
}

#[test]
fn a_whole_package_is_complete_and_its_term_file_its_own() {
    let root = root(&[
        ("SCCP41.8-5-2S.loads", OWN),
        ("jar41sccp.8-5-2.sbn", "x"),
        ("cnu41.8-5-2.sbn", "x"),
        ("term61.default.loads", OWN),
    ]);
    let files = in_root(
        &root,
        LOAD,
        &[],
        &names(&["term61.default.loads", "term41.default.loads"]),
    );
    assert!(files.complete());
    assert_eq!(files.listed, Listed::Manifest);
    assert_eq!(
        terms(&files),
        [
            ("term61.default.loads", TermIs::Own),
            ("term41.default.loads", TermIs::Missing)
        ]
    );
    assert!(files.missing_components("").is_empty());
}

#[test]
fn a_component_in_another_case_is_missing_with_the_name_the_root_has() {
    let root = root(&[("SCCP41.8-5-2S.loads", OWN), ("JAR41SCCP.8-5-2.sbn", "x")]);
    let files = in_root(&root, LOAD, &[], &[]);
    assert!(!files.complete());
    assert_eq!(
        files.missing_components(" (why)"),
        [
            "jar41sccp.8-5-2.sbn (the root has JAR41SCCP.8-5-2.sbn: rename it)",
            "cnu41.8-5-2.sbn (why)"
        ]
    );
}

#[test]
fn without_a_usable_manifest_the_catalogue_judges_the_term_files_and_nothing_else_does() {
    let catalogued = names(&["jar41sccp.8-5-2.sbn", "cnu41.8-5-2.sbn"]);
    let term = names(&["term61.default.loads"]);
    for manifest in [Some(""), None] {
        let mut files = vec![("term61.default.loads", OWN)];
        files.extend(manifest.map(|m| ("SCCP41.8-5-2S.loads", m)));
        let root = root(&files);
        let expected = if manifest.is_some() {
            Listed::EmptyManifest
        } else {
            Listed::Catalogue
        };
        // The catalogue's list stands in: the term file lists it, so it is the load's own.
        let judged = in_root(&root, LOAD, &catalogued, &term);
        assert_eq!(judged.listed, expected);
        assert!(!judged.complete());
        assert_eq!(terms(&judged), [("term61.default.loads", TermIs::Own)]);
        assert_eq!(judged.missing_components(""), catalogued);
        // No list to compare with: the term file is not called another package's.
        let unjudged = in_root(&root, LOAD, &[], &term);
        assert_eq!(
            terms(&unjudged),
            [("term61.default.loads", TermIs::Unjudged)]
        );
        assert!(unjudged.components.is_empty() && !unjudged.complete());
    }
}

#[test]
fn a_term_file_of_another_package_is_foreign_and_its_components_are_not_asked_for() {
    let root = root(&[
        ("SCCP41.8-5-2S.loads", OWN),
        ("cnu41.8-5-2.sbn", "x"),
        ("term61.default.loads", OTHER),
    ]);
    let files = in_root(&root, LOAD, &[], &names(&["term61.default.loads"]));
    assert_eq!(terms(&files), [("term61.default.loads", TermIs::Foreign)]);
    // The fix is to replace it: what it lists is not the load's to ask for.
    assert!(files.terms[0].lists.is_empty());
    // On their own, the root's term files are not judged, and each lists its components.
    let alone = terms_in_root(&root, &names(&["term61.default.loads"]));
    assert_eq!(alone[0].is, TermIs::Unjudged);
    let lists: Vec<(&str, bool)> = alone[0]
        .lists
        .iter()
        .map(|f| (f.name.as_str(), f.is_there()))
        .collect();
    assert_eq!(
        lists,
        [("jar41sccp.8-3-1.sbn", false), ("cnu41.8-5-2.sbn", true)]
    );
}

#[test]
fn files_are_read_once_each_in_the_order_a_phone_asks_for_them() {
    let root = root(&[
        ("SCCP41.8-5-2S.loads", OWN),
        ("term41.default.loads", OTHER),
        ("term61.default.loads", OTHER),
    ]);
    let mut asked = Vec::new();
    let read = |name: &str, want: Want| {
        asked.push(format!("{name} {want:?}"));
        Ok::<_, ()>(seen_in(&root, name, want))
    };
    let terms = names(&["term41.default.loads", "term61.default.loads"]);
    load_files(LOAD, &[], &terms, read).unwrap();
    // Both term files are another package's: what they list is not asked for.
    assert_eq!(
        asked,
        [
            "SCCP41.8-5-2S.loads Text",
            "jar41sccp.8-5-2.sbn Presence",
            "cnu41.8-5-2.sbn Presence",
            "term41.default.loads Text",
            "term61.default.loads Text",
        ]
    );
    // Judged against nothing, a component only a term file lists is asked for once, after the
    // term files.
    let mut asked = Vec::new();
    let read = |name: &str, want: Want| {
        asked.push(format!("{name} {want:?}"));
        Ok::<_, ()>(seen_in(&root, name, want))
    };
    load_files("SCCP41.9-9-9S", &[], &terms, read).unwrap();
    assert_eq!(
        asked,
        [
            "SCCP41.9-9-9S.loads Text",
            "term41.default.loads Text",
            "term61.default.loads Text",
            "jar41sccp.8-3-1.sbn Presence",
            "cnu41.8-5-2.sbn Presence",
        ]
    );
    // A reader's error stops the reading and is the answer.
    let failing = |name: &str, _: Want| {
        if name.ends_with(".sbn") {
            Err(name.to_string())
        } else {
            Ok(Seen::There(Some(OWN.into())))
        }
    };
    assert_eq!(
        load_files(LOAD, &[], &[], failing),
        Err("jar41sccp.8-5-2.sbn".to_string())
    );
}

#[test]
fn a_file_listing_more_than_the_cap_is_read_as_listing_none() {
    let list = |n: usize| -> String { (0..n).map(|i| format!("c{i}.sbn\r\n")).collect() };
    let at_cap = root(&[("SCCP41.8-5-2S.loads", &list(MAX_COMPONENTS))]);
    let files = in_root(&at_cap, LOAD, &[], &[]);
    assert_eq!(
        (files.listed, files.components.len()),
        (Listed::Manifest, MAX_COMPONENTS)
    );
    let over = list(MAX_COMPONENTS + 1);
    let over_cap = root(&[
        ("SCCP41.8-5-2S.loads", &over),
        ("term61.default.loads", &over),
    ]);
    let files = in_root(&over_cap, LOAD, &[], &names(&["term61.default.loads"]));
    assert_eq!(files.listed, Listed::EmptyManifest);
    assert!(files.components.is_empty() && files.terms[0].lists.is_empty());
}
