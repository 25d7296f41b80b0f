//! `inventory`: which loads a TFTP root holds whole, which in part, and which files it does
//! not know.

use std::fs;

use phoneup::plan::replay::STAND_IN_IMAGE;

use super::support::{fixture, run_json};

#[test]
fn a_load_is_complete_when_a_stage_finds_what_it_fetches() {
    let dir = fixture("inventory-63", &[("P0S3-06-3-00.bin", STAND_IN_IMAGE)]);
    let (_, value, _) = run_json(&["inventory", dir.to_str().unwrap()]);
    let load = &value["loads"][0];
    assert_eq!(load["load"], "P0S3-06-3-00");
    assert_eq!(load["status"], "complete", "{load}");
    assert!(load["notes"][0]
        .as_str()
        .unwrap()
        .contains("no P0S3-06-3-00.sbn: a phone on a signed load"));
    fs::remove_dir_all(&dir).unwrap();
}
