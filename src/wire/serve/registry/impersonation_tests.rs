//! A MAC belongs to its address (issue 23 F4): a client whose address the neighbour table or the
//! leases give one MAC cannot speak for another phone.

use super::*;
use crate::knowledge::matrix::Matrix;
use crate::knowledge::Builtin;
use crate::wire::serve::events::Kind;
use crate::wire::serve::memory::{Bench, Handset, Memory};

const TARGET: &str = "P0S3-08-11-00";

#[test]
fn a_client_naming_another_addresss_mac_is_answered_as_the_directory_is_and_recorded_nowhere() {
    let matrix = Matrix::builtin().unwrap();
    let roster = Roster {
        target: TARGET.into(),
        ..Roster::default()
    };
    let mut dir = Memory::catalogue(&matrix);
    dir.insert(
        "SEP0018B9000001.cnf.xml",
        "<device>the user's own</device>\n",
    );
    let mut bench = Bench::new(&matrix, dir, roster);
    let mut phone = Handset::new(1, "P0S3-08-9-00");
    bench
        .registry
        .roster
        .phones
        .insert(phone.mac.clone(), (None, None));
    for (neighbour, lease) in [(Some("0018B9000066"), None), (None, Some("0018B9000066"))] {
        let attacker = Client {
            neighbour: neighbour.map(String::from),
            lease: lease.map(String::from),
            ..Client::at(SocketAddr::new(IpAddr::V4([10, 0, 0, 66].into()), 50_000))
        };
        for name in [
            "CTLSEP0018B9000001.tlv",
            "SEP0018B9000001.cnf.xml",
            "P0S3-08-11-00.sb2",
        ] {
            let (serve, tag) = bench.registry.read(bench.now, &attacker, name);
            bench.apply();
            match name {
                // As the directory is: absent, the user's own file, the image.
                "CTLSEP0018B9000001.tlv" => assert!(matches!(serve, Serve::NotFound)),
                _ => assert!(matches!(serve, Serve::File(_)), "{name}: {serve:?}"),
            }
            assert!(!tag.managed, "{name}");
        }
    }
    assert!(bench.registry.phones.is_empty(), "recorded on no phone");
    let reported: Vec<&Event> = bench
        .events
        .iter()
        .filter(|e| e.event == Kind::Impersonation)
        .collect();
    assert_eq!(reported.len(), 4, "each per-phone name, never the image");
    assert_eq!(reported[0].mac.as_deref(), Some("0018B9000066"));
    let why = reported[0].why.as_deref().unwrap();
    assert!(
        why.contains("a file of 0018B9000001, but the neighbour table gives"),
        "{why}"
    );
    assert!(reported[2].why.as_deref().unwrap().contains("the leases"));
    // The real phone, whose lease is its own, is walked as ever.
    let walk = bench.walk(&mut phone, TARGET, 30);
    assert_eq!(walk.loads.last().map(String::as_str), Some(TARGET));
}
