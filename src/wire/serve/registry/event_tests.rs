//! What serve's events say to a script: a `stage_done` names the load the stage started from
//! only when serve knew it, and says in words when it had not told the phone's load apart.

use super::*;
use crate::knowledge::matrix::Matrix;
use crate::knowledge::Builtin;
use crate::wire::serve::memory::{Bench, Handset, Memory};

const TARGET: &str = "P0S3-08-11-00";

fn first_stage_done(told: bool) -> Event {
    let matrix = Matrix::builtin().unwrap();
    let handset = Handset::new(1, "P0030301MFG2");
    let mut roster = Roster {
        target: TARGET.into(),
        all: true,
        ..Roster::default()
    };
    if told {
        roster
            .phones
            .insert(handset.mac.clone(), (None, Some("P0030301MFG2".into())));
    }
    let mut bench = Bench::new(&matrix, Memory::catalogue(&matrix), roster);
    let mut handset = handset;
    let walk = bench.walk(&mut handset, TARGET, 20);
    assert_eq!(walk.loads.last().map(String::as_str), Some(TARGET));
    bench
        .events
        .iter()
        .find(|e| e.event == Kind::StageDone)
        .cloned()
        .unwrap()
}

#[test]
fn a_stage_done_names_a_load_id_or_says_in_words_that_serve_did_not_know_it() {
    let known = first_stage_done(true);
    assert_eq!(known.load.as_deref(), Some("P0030301MFG2"));
    assert_eq!(known.why, None);
    let guessed = first_stage_done(false);
    assert_eq!(guessed.load, None, "{guessed:?}");
    let why = guessed.why.unwrap();
    assert!(
        why.starts_with("serve had not told its load apart (before the UAL, ")
            && why.ends_with(" loads possible): the step is safe from each"),
        "{why}"
    );
}
