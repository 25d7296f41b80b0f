//! `lint` on a Java-based phone's root (stand-in packages, never Cisco files): a root `apply`
//! wrote is clean; a load whose manifest or components are missing or misspelt, a term file in
//! the wrong case or with missing components, another family's load in a model's element, and a
//! reset phone's refused jump are each found, with the matrix's evidence.

use super::lint::lint;
use super::support::{with_kind, Test};

/// A package: its `.loads` (listing five stand-in components of `version`) and the components.
pub fn package(load: &str, jar: &str, version: &str) -> Vec<(String, Vec<u8>)> {
    let sip = load.starts_with("SIP");
    let family = if sip { &load[3..5] } else { &load[4..6] };
    let proto = if sip { "sip" } else { "sccp" };
    let components = vec![
        format!("{jar}{family}{proto}.{version}.sbn"),
        format!("cnu{family}.{version}.sbn"),
        format!("apps{family}.{version}.sbn"),
        format!("dsp{family}.{version}.sbn"),
        format!("cvm{family}{proto}.{version}.sbn"),
    ];
    let manifest = format!("{load}.loads\r\n{}\r\n", components.join(" \r\n"));
    let mut files = vec![(format!("{load}.loads"), manifest.into_bytes())];
    files.extend(components.into_iter().map(|c| (c, b"stand-in".to_vec())));
    files
}

/// The term file `name` listing what `load`'s manifest (in `files`) lists.
pub fn term_of(files: &[(String, Vec<u8>)], load: &str, name: &str) -> (String, Vec<u8>) {
    let manifest = files
        .iter()
        .find(|(n, _)| *n == format!("{load}.loads"))
        .unwrap();
    (name.to_string(), manifest.1.clone())
}

fn xml_default(element: &str, model: &str, load: &str) -> (String, Vec<u8>) {
    (
        "XMLDefault.cnf.xml".into(),
        format!("<Default>\n<{element} model=\"{model}\">{load}</{element}>\n</Default>\n")
            .into_bytes(),
    )
}

pub fn sep(mac: &str, load: &str) -> (String, Vec<u8>) {
    (
        format!("SEP{mac}.cnf.xml"),
        format!("<device>\n<loadInformation>{load}</loadInformation>\n</device>\n").into_bytes(),
    )
}

const TARGET: &str = "SIP41.9-4-2SR3-1S";

#[test]
fn a_root_holding_what_the_files_name_is_clean() {
    let test = Test::named("family-lint-clean");
    let mut files = package(TARGET, "jar", "9-4-2ES26");
    files.push(term_of(&files, TARGET, "term41.default.loads"));
    files.push(term_of(&files, TARGET, "term61.default.loads"));
    files.push(xml_default("loadInformation30018", "IP Phone 7961", TARGET));
    files.push(sep("0018B9FFFFFF", TARGET));
    let (code, findings) = lint(&test, "root", &files, &[]);
    assert_eq!((code, findings.len()), (0, 0), "{findings:?}");
}

#[test]
fn missing_and_misspelt_files_of_a_named_load_and_of_a_term_file_are_found() {
    let test = Test::named("family-lint-missing");
    let old = "SCCP41.8-3-1S";
    let mut files = package(old, "Jar", "8-3-0-50");
    files.push(term_of(&files, old, "Term61.default.loads"));
    files.push(term_of(&files, old, "term41.default.loads"));
    // The capital-J jar copied lower-cased (SYSOP, THOURET), and a component lost.
    files.retain(|(n, _)| !n.starts_with("cvm"));
    let jar = files
        .iter_mut()
        .find(|(n, _)| n.starts_with("Jar"))
        .unwrap();
    jar.0 = jar.0.to_ascii_lowercase();
    files.push(sep("0018B9FFFFFF", old));
    files.push(sep("0018B9000001", TARGET));
    let (code, findings) = lint(&test, "root", &files, &[]);
    assert_eq!(code, 1);
    let missing = with_kind(&findings, "load_files_missing");
    let problems: Vec<&str> = missing
        .iter()
        .map(|f| f["problem"].as_str().unwrap())
        .collect();
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(problems.iter().any(|p| p.starts_with("names SCCP41.8-3-1S, whose files are not all here: Jar41sccp.8-3-0-50.sbn (the root has jar41sccp.8-3-0-50.sbn: rename it), cvm41sccp.8-3-0-50.sbn missing")), "{problems:#?}");
    assert!(problems.contains(&"names SIP41.9-4-2SR3-1S, whose files are not all here: SIP41.9-4-2SR3-1S.loads missing"), "{problems:#?}");
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("a factory-reset 7941G or 7941G-GE loads what it lists")),
        "{problems:#?}"
    );
    let case = with_kind(&findings, "wrong_case");
    assert_eq!(case.len(), 1, "{case:?}");
    assert_eq!(case[0]["file"], "Term61.default.loads");
    assert!(case[0]["problem"]
        .as_str()
        .unwrap()
        .contains("a factory-reset 7961G or 7961G-GE asks for term61.default.loads"));
    // Nothing of the 7940/7960's checks speaks about these loads.
    assert!(
        with_kind(&findings, "not_a_load_id").is_empty(),
        "{findings:?}"
    );
    // But a 7960's own element naming a 7961's load is not a load the 7960 takes.
    files.push((
        "XMLDefault.cnf.xml".into(),
        b"<Default><loadInformation7 model=\"IP Phone 7960\">SCCP41.8-3-1S</loadInformation7></Default>".to_vec(),
    ));
    let (_, findings) = lint(&test, "root", &files, &[]);
    let wrong = with_kind(&findings, "not_a_load_id");
    assert_eq!(wrong.len(), 1, "{findings:?}");
    assert_eq!(wrong[0]["file"], "XMLDefault.cnf.xml");
    files.pop();
    // --mac checks that phone's SEP file only.
    let (_, findings) = lint(&test, "root", &files, &["--mac", "0018B9000001"]);
    let files_named: Vec<&str> = with_kind(&findings, "load_files_missing")
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert!(
        files_named.contains(&"SEP0018B9000001.cnf.xml"),
        "{files_named:?}"
    );
    assert!(
        !files_named.contains(&"SEP0018B9FFFFFF.cnf.xml"),
        "{files_named:?}"
    );
}

#[test]
fn another_familys_load_in_a_models_element_is_refused_by_rule_j8() {
    let test = Test::named("family-lint-j8");
    let mut files = package("SCCP11.8-5-2S", "jar", "stand-in");
    files.push(xml_default(
        "loadInformation30018",
        "IP Phone 7961",
        "SCCP11.8-5-2S",
    ));
    let (code, findings) = lint(&test, "root", &files, &[]);
    assert_eq!(code, 1);
    let wrong = with_kind(&findings, "wrong_family_load");
    assert_eq!(wrong.len(), 1, "{findings:?}");
    assert_eq!(wrong[0]["line"], 2);
    assert!(wrong[0]["problem"].as_str().unwrap().contains(
        "<loadInformation30018> (the 7961G's element) names SCCP11.8-5-2S, a 7906/7911 load"
    ));
    assert!(wrong[0]["phone"].as_str().unwrap().contains("rule J8"));
}

#[test]
fn a_reset_phone_told_a_load_past_the_bridge_is_found_with_the_rule() {
    let test = Test::named("family-lint-reset");
    let old = "SCCP41.8-3-1S";
    let mut files = package(old, "Jar", "8-3-0-50");
    files.push(term_of(&files, old, "term61.default.loads"));
    files.extend(package(TARGET, "jar", "9-4-2ES26"));
    files.push(xml_default("loadInformation30018", "IP Phone 7961", TARGET));
    let text_dir = {
        let borrowed: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        test.dir("text", &borrowed)
    };
    let (code, findings) = lint(&test, "root", &files, &[]);
    assert_eq!(code, 1);
    let refused = with_kind(&findings, "reset_jump_refused");
    assert_eq!(refused.len(), 1, "{findings:?}");
    let problem = refused[0]["problem"].as_str().unwrap();
    assert!(problem.contains("term61.default.loads lists the files of SCCP41.8-3-1S: a factory-reset 7961G loads SCCP41.8-3-1S first, and the matrix refuses SCCP41.8-3-1S -> SIP41.9-4-2SR3-1S (rule J1"), "{problem}");
    assert!(refused[0]["phone"].as_str().unwrap().contains("TP-CUCM"));
    // The rules are the matrix's in use: with J1 left open by a --matrix file, nothing refuses.
    let j1 = "    - id: J1\n      summary: a load before 8.3(3) cannot take a load of 8.5(3) or later, SCCP or SIP\n      families: [\"11\", \"41\", \"42\", \"45\", \"70\", \"75\"]\n      verdict: ";
    let builtin = phoneup::knowledge::matrix::BUILTIN_YAML;
    assert!(builtin.contains(&format!("{j1}refused")));
    let open = builtin.replacen(&format!("{j1}refused"), &format!("{j1}unknown"), 1);
    let matrix = test.path().join("j1-open.yaml");
    std::fs::write(&matrix, open).unwrap();
    let (_, findings) = lint(
        &test,
        "own-matrix",
        &files,
        &["--matrix", matrix.to_str().unwrap()],
    );
    assert_eq!(
        with_kind(&findings, "reset_jump_refused").len(),
        0,
        "{findings:?}"
    );
    // A SEP file naming it instead: said once for the term file its family's models share.
    let mut by_sep: Vec<(String, Vec<u8>)> = files
        .iter()
        .filter(|(n, _)| n != "XMLDefault.cnf.xml")
        .cloned()
        .collect();
    by_sep.push(sep("0018B9FFFFFF", TARGET));
    let (_, findings) = lint(&test, "sep", &by_sep, &[]);
    let refused = with_kind(&findings, "reset_jump_refused");
    assert_eq!(refused.len(), 1, "{findings:?}");
    assert_eq!(refused[0]["file"], "SEP0018B9FFFFFF.cnf.xml");
    assert!(refused[0]["problem"]
        .as_str()
        .unwrap()
        .contains("a factory-reset 7961G loads SCCP41.8-3-1S first"));
    // With the target's own term file, a reset phone is told one load: nothing to say.
    let term = term_of(&files, TARGET, "term61.default.loads");
    files.retain(|(n, _)| n != "term61.default.loads");
    files.push(term);
    let (code, findings) = lint(&test, "fixed", &files, &[]);
    assert_eq!((code, findings.len()), (0, 0), "{findings:?}");
    let (code, stdout, _) = test.run(&["lint", "--tftp-root", text_dir.to_str().unwrap()]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(
        "family_lint_reset_jump_text",
        stdout.replace(&test.path().display().to_string(), "[TMP]")
    );
}

#[test]
fn a_reset_jump_is_found_from_a_term_file_that_lists_the_catalogues_components_of_an_empty_manifest(
) {
    let test = Test::named("family-lint-reset-empty");
    // SIP41.8-3-1S's .loads lists nothing, and the term file lists the components the catalogue
    // names for it: the term file is that load's own, as apply and inventory judge it.
    let old = "SIP41.8-3-1S";
    let mut files = package(old, "Jar", "8-3-0-50");
    files.push(term_of(&files, old, "term61.default.loads"));
    files[0].1 = format!("{old}.loads\r\n").into_bytes();
    files.extend(package(TARGET, "jar", "9-4-2ES26"));
    files.push(xml_default("loadInformation30018", "IP Phone 7961", TARGET));
    let (_, findings) = lint(&test, "root", &files, &[]);
    let refused = with_kind(&findings, "reset_jump_refused");
    assert_eq!(refused.len(), 1, "{findings:?}");
    assert!(refused[0]["problem"]
        .as_str()
        .unwrap()
        .contains("term61.default.loads lists the files of SIP41.8-3-1S"));
}

#[test]
fn of_two_elements_a_model_could_read_lint_checks_the_first() {
    let test = Test::named("family-lint-first");
    let mut files = package(TARGET, "jar", "9-4-2ES26");
    let element = |load: &str| {
        format!("<loadInformation30018 model=\"IP Phone 7961\">{load}</loadInformation30018>")
    };
    let xml = |first: &str, second: &str| {
        (
            "XMLDefault.cnf.xml".to_string(),
            format!(
                "<Default>\n{}\n{}\n</Default>\n",
                element(first),
                element(second)
            )
            .into_bytes(),
        )
    };
    files.push(xml(TARGET, "SIP41.8-5-4S"));
    let (_, findings) = lint(&test, "held", &files, &[]);
    assert!(
        with_kind(&findings, "load_files_missing").is_empty(),
        "{findings:?}"
    );
    files.pop();
    files.push(xml("SIP41.8-5-4S", TARGET));
    let (_, findings) = lint(&test, "absent", &files, &[]);
    let missing = with_kind(&findings, "load_files_missing");
    assert_eq!(missing.len(), 1, "{findings:?}");
    assert!(missing[0]["problem"]
        .as_str()
        .unwrap()
        .starts_with("names SIP41.8-5-4S, whose files are not all here"));
}
