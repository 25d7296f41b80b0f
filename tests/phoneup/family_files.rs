//! One answer about a 7961G load's files from `inventory`, `lint`, `apply` and `probe` (over
//! loopback, phoneup's own sender serving the directory; stand-in packages, never Cisco files):
//! a `.loads` that lists nothing, a missing `.loads`, and a term file of another package (whose
//! components are not asked for: the fix is to replace it).

use std::path::Path;

use serde_json::Value;

use super::card::{json_of, run_output};
use super::inventory::inventory;
use super::loopback::{Wrong, WrongServer};
use super::support::{package, Test, BRIDGE};

const MAC: &str = "0018B9ABCDEF";
const FROM: &str = "SCCP41.9-4-2SR3-1S";
const TO: &str = "SIP41.9-4-2SR3-1S";
const MANIFEST: &str = "SIP41.9-4-2SR3-1S.loads";
/// The target's package, its components as the catalogue names them.
const TARGET: &str = "SIP41.9-4-2SR3-1S.loads\r\njar41sip.9-4-2ES26.sbn\r\ncnu41.9-4-2ES26.sbn\r\napps41.9-4-2ES26.sbn\r\ndsp41.9-4-2ES26.sbn \r\ncvm41sip.9-4-2ES26.sbn \r\n";

/// What each command says about the directory's 7961G firmware.
#[derive(Debug)]
struct Answers {
    /// `apply --dry-run`'s `missing_firmware`, each cut at its first ` (`.
    apply: Vec<String>,
    /// `probe`'s findings, `kind file`.
    probe: Vec<String>,
    /// `inventory`'s family load of the target: `status`, `missing` and `foreign_term_files`.
    inventory: Option<(String, Vec<String>, Vec<String>)>,
    /// `lint`'s findings on the firmware, `kind file: problem`.
    lint: Vec<String>,
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

fn answers(test: &Test, dir: &Path) -> Answers {
    let root = dir.to_str().unwrap();
    let route = ["--model", "7961", "--from", FROM, "--to", TO];
    let mut args = vec!["apply", "--stage", "1", "--tftp-root", root, "--dry-run"];
    args.extend(route);
    args.extend(["--format", "json"]);
    let (_, apply) = test.json(&args);
    let apply = strings(&apply["missing_firmware"])
        .iter()
        .map(|m| m.split(" (").next().unwrap().to_string())
        .collect();

    let server = WrongServer::start(dir, Wrong::MissingAnswered(1));
    let address = server.server();
    let mut args = vec![
        "probe", "--server", &address, "--mac", MAC, "--format", "json",
    ];
    args.extend(route);
    let probe = json_of(&run_output(&args));
    let probe = probe["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["kind"].as_str().unwrap(),
                f["file"].as_str().unwrap_or("-")
            )
        })
        .collect();

    let inventory = inventory(test, dir)["family_loads"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|l| l["load"] == TO)
        .map(|l| {
            (
                l["status"].as_str().unwrap().to_string(),
                strings(&l["missing"]),
                strings(&l["foreign_term_files"]),
            )
        });

    let (_, lint) = test.lint_findings(dir);
    let lint = lint
        .iter()
        .filter(|f| f["kind"] == "load_files_missing")
        .map(|f| {
            format!(
                "{}: {}",
                f["file"].as_str().unwrap(),
                f["problem"].as_str().unwrap()
            )
        })
        .collect();
    Answers {
        apply,
        probe,
        inventory,
        lint,
    }
}

/// A root with the phone's own file naming the target, and `files`.
fn root(test: &Test, name: &str, files: &[(String, Vec<u8>)]) -> std::path::PathBuf {
    let sep = format!("SEP{MAC}.cnf.xml");
    let text = format!("<device><loadInformation>{TO}</loadInformation></device>");
    let mut all: Vec<(&str, &[u8])> = vec![(sep.as_str(), text.as_bytes())];
    all.extend(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
    test.dir(name, &all)
}

#[test]
fn a_manifest_that_lists_nothing_is_the_one_problem_every_command_names() {
    let test = Test::named("family-files-empty");
    // The package's term file lists the catalogue's components: it is the target's own, not
    // another package's, though the .loads beside it is damaged.
    let mut files = package(TARGET, true);
    files[0].1 = format!("{MANIFEST}\r\n").into_bytes();
    let dir = root(&test, "root", &files);
    let answers = answers(&test, &dir);
    assert_eq!(answers.apply, [MANIFEST], "{answers:?}");
    assert_eq!(
        answers.probe,
        [format!("stage_file_content {MANIFEST}")],
        "{answers:?}"
    );
    assert_eq!(
        answers.inventory,
        Some((
            "partial".into(),
            vec!["the components: its .loads lists none".into()],
            vec![]
        )),
        "{answers:?}"
    );
    assert_eq!(answers.lint.len(), 1, "{answers:?}");
    assert!(
        answers.lint[0].ends_with(&format!("{MANIFEST} lists no .sbn component")),
        "{answers:?}"
    );
}

#[test]
fn without_the_manifest_a_term_file_of_another_package_is_found_by_apply_and_probe_alike() {
    let test = Test::named("family-files-no-manifest");
    let mut files: Vec<(String, Vec<u8>)> = package(TARGET, false).split_off(1);
    files.extend(package(BRIDGE, true));
    let dir = root(&test, "root", &files);
    let answers = answers(&test, &dir);
    assert_eq!(
        answers.apply,
        [MANIFEST, "term61.default.loads"],
        "{answers:?}"
    );
    assert_eq!(
        answers.probe,
        [
            format!("stage_file_missing {MANIFEST}"),
            "stage_file_content term61.default.loads".into()
        ],
        "{answers:?}"
    );
    // No .loads, no load to list.
    assert_eq!(answers.inventory, None, "{answers:?}");
    assert_eq!(
        answers.lint,
        [format!(
            "SEP{MAC}.cnf.xml: names {TO}, whose files are not all here: {MANIFEST} missing"
        )],
        "{answers:?}"
    );
}

#[test]
fn a_term_file_of_another_package_is_found_by_every_command_and_only_lint_names_what_it_lists() {
    let test = Test::named("family-files-foreign");
    let mut files = package(TARGET, false);
    // The bridge's term file, without the bridge's package: a reset phone asks for components
    // the server does not have. The fix is to replace the term file: probe asks for none of
    // them (it would say to copy them from the firmware package); lint, judging the term file
    // on its own, names them.
    files.push(("term61.default.loads".into(), BRIDGE.as_bytes().to_vec()));
    let dir = root(&test, "root", &files);
    let answers = answers(&test, &dir);
    assert_eq!(answers.apply, ["term61.default.loads"], "{answers:?}");
    assert_eq!(
        inventory(&test, &dir)["next_step"]["fix"],
        format!("Replace term61.default.loads with the one from {TO}'s package (a factory-reset phone loads what a term file lists), then list the loads again.")
    );
    assert_eq!(
        answers.probe,
        ["stage_file_content term61.default.loads"],
        "{answers:?}"
    );
    assert_eq!(
        answers.inventory,
        Some((
            "partial".into(),
            vec![],
            vec!["term61.default.loads".into()]
        )),
        "{answers:?}"
    );
    assert_eq!(answers.lint.len(), 1, "{answers:?}");
    assert!(
        answers.lint[0].starts_with("term61.default.loads: a factory-reset 7961G or 7961G-GE loads what it lists, whose files are not all here: jar41sccp.stand-in-852.sbn, "),
        "{answers:?}"
    );
    // In text, one line names them: "it lists" of one, "they list" of two.
    let line = |dir: &Path| {
        let (_, stdout, _) = test.run(&["inventory", "--tftp-root", dir.to_str().unwrap()]);
        stdout
            .lines()
            .find(|l| l.trim_start().starts_with("another package's:"))
            .unwrap_or_else(|| panic!("{stdout}"))
            .trim()
            .to_string()
    };
    assert_eq!(
        line(&dir),
        format!("another package's: term61.default.loads (it lists other components than {MANIFEST}: a factory-reset phone loads those, not {TO})")
    );
    files.push(("term41.default.loads".into(), BRIDGE.as_bytes().to_vec()));
    let two = root(&test, "two", &files);
    assert_eq!(
        line(&two),
        format!("another package's: term41.default.loads term61.default.loads (they list other components than {MANIFEST}: a factory-reset phone loads those, not {TO})")
    );
}

#[test]
fn a_manifest_that_lists_nothing_beside_another_packages_term_file_is_judged_by_the_catalogue() {
    let test = Test::named("family-files-empty-foreign");
    // The catalogue names the target's components: the bridge's term file lists others, so it is
    // another package's for inventory as for apply, not one followed whatever it lists.
    let mut files = package(TARGET, false);
    files[0].1 = format!("{MANIFEST}\r\n").into_bytes();
    files.push(("term61.default.loads".into(), BRIDGE.as_bytes().to_vec()));
    let dir = root(&test, "root", &files);
    let answers = answers(&test, &dir);
    assert_eq!(
        answers.apply,
        [MANIFEST, "term61.default.loads"],
        "{answers:?}"
    );
    assert_eq!(
        answers.probe,
        [
            format!("stage_file_content {MANIFEST}"),
            "stage_file_content term61.default.loads".into()
        ],
        "{answers:?}"
    );
    assert_eq!(
        answers.inventory,
        Some((
            "partial".into(),
            vec!["the components: its .loads lists none".into()],
            vec!["term61.default.loads".into()]
        )),
        "{answers:?}"
    );
    // lint: the empty .loads, and what a factory-reset phone would load from the term file.
    assert_eq!(answers.lint.len(), 2, "{answers:?}");
    assert!(
        answers.lint[0].ends_with(&format!("{MANIFEST} lists no .sbn component")),
        "{answers:?}"
    );
    assert!(
        answers.lint[1].starts_with("term61.default.loads: a factory-reset"),
        "{answers:?}"
    );
}

#[test]
fn inventory_lists_a_manifest_in_another_case_only_as_missing() {
    let test = Test::named("family-files-case");
    let mut files = package(TARGET, true);
    files[0].0 = "SIP41.9-4-2SR3-1S.LOADS".into();
    let dir = root(&test, "root", &files);
    let inventory = inventory(&test, &dir);
    let load = &inventory["family_loads"][0];
    assert_eq!(load["load"], TO, "{inventory}");
    assert_eq!(load["status"], "partial", "{inventory}");
    assert!(
        !strings(&load["present"])
            .iter()
            .any(|f| f.ends_with(".LOADS")),
        "{inventory}"
    );
    assert_eq!(
        strings(&load["missing"]),
        [format!(
            "{MANIFEST} (the root has SIP41.9-4-2SR3-1S.LOADS: rename it)"
        )],
        "{inventory}"
    );
    assert!(
        !strings(&inventory["unknown_files"])
            .iter()
            .any(|f| f.ends_with(".LOADS")),
        "{inventory}"
    );
}

#[test]
fn without_the_manifest_probe_asks_for_the_catalogues_components_and_names_each_absent_one() {
    let test = Test::named("family-files-nothing");
    let dir = root(&test, "root", &[]);
    let answers = answers(&test, &dir);
    let components: Vec<String> = package(TARGET, false)
        .into_iter()
        .skip(1)
        .map(|(name, _)| name)
        .collect();
    let mut probe = vec![format!("stage_file_missing {MANIFEST}")];
    probe.extend(components.iter().map(|c| format!("stage_file_missing {c}")));
    probe.push("stage_file_missing term61.default.loads".into());
    assert_eq!(answers.probe, probe, "{answers:?}");
    let mut apply = vec![MANIFEST.to_string()];
    apply.extend(components);
    apply.push("term61.default.loads".into());
    assert_eq!(answers.apply, apply, "{answers:?}");
}
