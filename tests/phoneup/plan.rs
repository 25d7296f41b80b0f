//! `phoneup plan`'s answer as people and scripts read it: the JSON and YAML of a plan,
//! `--model`, whole files against edits in place, and `--tftp-root`: what the root holds wins a
//! tie, files it could not read are named, and loads are spelled as the user's own files spell
//! them.

use std::fs;

use super::support::{card, fixture, run_json};

#[test]
fn json_files_hold_whole_files_only_and_a_root_without_xmldefault_gets_it_whole() {
    let dir = fixture("plan-whole", &[]);
    let (_, value, _) = run_json(&card("plan", &["--tftp-root", dir.to_str().unwrap()]));
    let stage = &value["stages"][2];
    assert!(stage["files"]["XMLDefault.cnf.xml"]
        .as_str()
        .unwrap()
        .contains("<loadInformation8"));
    assert!(stage["edits_in_place"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["file"] != "XMLDefault.cnf.xml"));
    // A root with its own XMLDefault.cnf.xml: an edit, never whole contents to write over it.
    fs::write(dir.join("XMLDefault.cnf.xml"), "<Default/>\n").unwrap();
    let (_, value, _) = run_json(&card("plan", &["--tftp-root", dir.to_str().unwrap()]));
    let stage = &value["stages"][2];
    assert!(
        stage["files"].get("XMLDefault.cnf.xml").is_none(),
        "{stage}"
    );
    // A script that writes `.files` out keeps the user's SIPDefault.cnf settings.
    assert!(stage["files"].get("SIPDefault.cnf").is_none());
    fs::remove_dir_all(&dir).unwrap();
}
