//! [`replay::parts_better`]: naming no load is chosen where it parts a boot's loads better, and a
//! phone already on its target that the other answer does not single out either is no reason
//! against it.

use super::*;
use crate::knowledge::load_id::Era;
use crate::knowledge::Builtin;

const MAC: &str = "0018B9000001";

#[test]
fn naming_nothing_parts_ual_loads_better_than_naming_one_even_with_one_already_on_the_target() {
    let matrix = Matrix::builtin().unwrap();
    let k = Knowledge::new(&matrix, None);
    let target = "P0S3-08-11-00";
    let proposals: Vec<(String, Proposal)> = k
        .universe()
        .into_iter()
        .filter(|l| LoadId::parse(l).unwrap().era() == Some(Era::Ual))
        .map(|c| {
            let proposal = k.proposal(&c, target);
            (c, proposal)
        })
        .collect();
    // The phone on the target is among them, and naming another load does not single it out.
    assert!(proposals
        .iter()
        .any(|(c, p)| c == target && matches!(p, Proposal::Done { .. })));
    // The boot so far: the hunt up to XMLDefault.cnf.xml, the next managed file, none found.
    let log: Vec<Logged> = [
        format!("CTLSEP{MAC}.tlv"),
        format!("SEP{MAC}.cnf.xml"),
        format!("SIP{MAC}.cnf"),
        format!("MGC{MAC}.cnf"),
    ]
    .into_iter()
    .map(|name| Logged {
        name,
        found: false,
        size: 0,
        text: None,
    })
    .collect();
    let nothing = Directive::nothing();
    let other = Directive::naming("P0S3-08-2-00", "P003-08-2-00");
    // Under either answer the phone on the target asks what other loads ask: neither shows it.
    for first in [&nothing, &other] {
        let asks = |load: &str| replay::predict(load, MAC, &log, first, &other);
        let on_target = asks(target);
        let alike = proposals
            .iter()
            .filter(|(c, _)| c != target && asks(c) == on_target)
            .count();
        assert!(alike > 0, "{first:?} singles the target out");
    }
    assert!(replay::parts_better(
        MAC, &log, &proposals, &nothing, &other
    ));
}
