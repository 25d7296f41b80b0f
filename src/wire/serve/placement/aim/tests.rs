//! The aim's costs and the blockers, on the catalogue: what a step off a phone's plan costs,
//! which of two equal steps is taken, and which loads keep a step from being safe for all.

use crate::knowledge::matrix::Matrix;
use crate::knowledge::Builtin;
use crate::wire::serve::placement::tests::strings;
use crate::wire::serve::placement::{aim, Knowledge, Placement};

#[test]
fn the_blockers_are_the_loads_that_may_not_take_the_best_step() {
    let matrix = Matrix::builtin().unwrap();
    let k = Knowledge::new(&matrix, None);
    let target = "P0S3-08-11-00";
    let apps = strings(&["P0S3-08-9-00", "P00308000500"]);
    assert_eq!(aim::blockers(&k, &apps, target), Some(Vec::new()));
    let mixed = strings(&["P0S3-08-9-00", "P003-07-2-00", "P003-07-4-00"]);
    let blocking = aim::blockers(&k, &mixed, target).unwrap();
    assert_eq!(blocking.len(), 1, "{blocking:?}");
    assert!(blocking[0].starts_with("P003-07-"), "{blocking:?}");
    assert_eq!(aim::blockers(&k, &[], target), None);
    // Each blocker is named in turn, then nothing: the next boot takes the step.
    let mut p = Placement::new(mixed.clone());
    let manifest = |_: &str| true;
    assert_eq!(
        p.next_probe(&k, target, &manifest),
        Some(blocking[0].clone())
    );
    p.candidates = apps.clone();
    assert_eq!(p.next_probe(&k, target, &manifest), None);
    // One load left is placed: never named to see whether the phone runs it, even where it
    // held an image back or the directory holds its .loads (a load with no path to the
    // target, so no step and no blockers either).
    let nowhere = "P0030301MFG2";
    p.candidates = strings(&[target]);
    p.dissenters = strings(&[target]);
    assert_eq!(p.next_probe(&k, nowhere, &manifest), None);
    p.dissenters.clear();
    assert_eq!(p.next_probe(&k, nowhere, &manifest), None);
    // A safe jump's files, in any letter case; none for an unsafe one.
    assert!(aim::fetched_on_the_way(
        &k,
        "P00308000500",
        target,
        "p0s3-08-11-00.SB2"
    ));
    assert!(!aim::fetched_on_the_way(
        &k,
        "P003-07-2-00",
        target,
        "P0S3-08-11-00.sb2"
    ));
}

/// The costs behind the aim and the blockers, each on a case where another reading of the rule
/// would choose otherwise.
#[test]
fn an_aim_costs_its_extra_power_cycles_and_ties_go_to_the_earlier_step() {
    let matrix = Matrix::builtin().unwrap();
    let k = Knowledge::new(&matrix, None);
    let target = "P0S3-08-11-00";
    let factory = "P0030301MFG2";
    // A jump off a phone's own plan: the boot that takes it, then the plan from there, against
    // its own 3 stages (SIP 4.4 has 3 to go, SIP 2.2 has 4).
    assert_eq!(k.stages(factory, target), Some(3));
    assert_eq!(aim::extra(&k, factory, "P0S3-04-4-00", target), Some(1));
    assert_eq!(aim::extra(&k, factory, "P0S30202", target), Some(2));
    // Two steps that cost the same: the earlier of them, either way round.
    let (a, b) = ("P00305000301", "P00307020300");
    let one = strings(&[factory]);
    assert_eq!(aim::extra(&k, factory, a, target), Some(0));
    assert_eq!(aim::extra(&k, factory, b, target), Some(0));
    let safe = |options: &[&str]| aim::safe_for_all(&k, &one, &strings(options), target);
    assert_eq!(safe(&[a, b]).as_deref(), Some(a));
    assert_eq!(safe(&[b, a]).as_deref(), Some(b));
    // Blockers: as few as may be, then the cheaper step (P0S3-08-11-00 costs nothing more, SIP
    // 6.3 costs 2), then the earlier one (each blocked by one load, at no cost).
    let three = strings(&[factory, "P0030702T023", "P0S3-07-2-00"]);
    assert_eq!(aim::blockers(&k, &three, target), Some(strings(&[factory])));
    let two = strings(&[factory, "P0030702T023"]);
    assert_eq!(
        aim::blockers(&k, &two, target),
        Some(strings(&["P0030702T023"]))
    );
}
