//! The undo journal under attack: a planted `.phoneup` link, tampered manifests, the largest
//! journal number, copies gone missing and files that cannot be written. undo never touches a
//! file outside the root, and says how to go on.

use std::fs;

use super::support::{journal_of, report_apply, report_root, run, run_owned};

#[test]
fn a_tampered_journal_is_refused_naming_every_file_phoneup_writes() {
    let dir = report_root("review-h");
    assert_eq!(run_owned(&report_apply(&dir, "1", &[])).0, 0);
    let folder = journal_of(&dir).join("0001");
    fs::write(
        folder.join("manifest.yaml"),
        "description: evil\nentries:\n- file: evil.txt\n  action: created\n",
    )
    .unwrap();
    let (code, _, stderr) = run(&["undo", "--tftp-root", dir.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("(OS79XX.TXT, XMLDefault.cnf.xml, SIPDefault.cnf, MGCDefault.cnf, SEP<MAC>.cnf.xml, SIP<MAC>.cnf, MGC<MAC>.cnf)"),
        "{stderr}"
    );
    fs::remove_dir_all(&dir).unwrap();
}
