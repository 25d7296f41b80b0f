//! Phones never placed expire under `--all` (issue 23): a flood of made-up MACs holds
//! [`MAX_ALL_PHONES`] only for a while, never a named phone or one on its way; and the addresses
//! whose MAC serve remembers stay bounded; past its cap, `--all` walks no new MAC.

use super::*;
use crate::knowledge::matrix::Matrix;
use crate::knowledge::Builtin;
use crate::wire::serve::events::Kind;
use crate::wire::serve::memory::{Bench, Memory, REQUEST_MS};
use crate::wire::serve::phones::StageRecord;

const TARGET: &str = "P0S3-08-11-00";
const STUCK_AFTER_MS: u64 = 10_000;

fn bench(matrix: &Matrix, all: bool) -> Bench<'_> {
    let roster = Roster {
        target: TARGET.into(),
        all,
        ..Roster::default()
    };
    let mut bench = Bench::new(matrix, Memory::catalogue(matrix), roster);
    bench.registry.stuck_after_ms = STUCK_AFTER_MS;
    bench
}

fn client(n: usize) -> Client {
    Client::at(SocketAddr::new(
        IpAddr::V4([10, 2, (n / 250) as u8, (n % 250 + 1) as u8].into()),
        50_000,
    ))
}

fn fake(n: usize) -> String {
    format!("0018B9{:06X}", 0x10_0000 + n)
}

/// A made-up MAC's request, as a flood sends it; whether serve walks it.
fn ask(bench: &mut Bench, n: usize, mac: &str) -> bool {
    let name = format!("CTLSEP{mac}.tlv");
    let (_, tag) = bench.registry.read(bench.now, &client(n), &name);
    bench.apply();
    tag.managed
}

fn forgotten(bench: &Bench) -> Vec<String> {
    bench
        .events
        .iter()
        .filter(|e| e.event == Kind::Forgotten)
        .filter_map(|e| e.mac.clone())
        .collect()
}

#[test]
fn under_all_phones_never_placed_are_forgotten_once_quiet_and_new_ones_walked() {
    let matrix = Matrix::builtin().unwrap();
    let mut bench = bench(&matrix, true);
    for n in 0..MAX_ALL_PHONES {
        assert!(ask(&mut bench, n, &fake(n)));
    }
    assert!(!ask(&mut bench, 9999, "0018B9FFFFF0"), "the cap is full");
    assert_eq!(bench.rows.len(), MAX_ALL_PHONES);
    // One of them asks again later: it is not quiet for as long.
    bench.advance(STUCK_AFTER_MS);
    assert!(ask(&mut bench, 7, &fake(7)));
    bench.advance(FORGET_AFTER * STUCK_AFTER_MS - STUCK_AFTER_MS - 1);
    bench.tick();
    assert!(forgotten(&bench).is_empty(), "quiet 1 ms too short");
    assert_eq!(bench.registry.phones.len(), MAX_ALL_PHONES);
    let saves = bench.saves;
    bench.advance(1);
    bench.tick();
    assert!(bench.saves > saves, "the state written without them");
    let gone = forgotten(&bench);
    assert_eq!(gone.len(), MAX_ALL_PHONES - 1);
    assert!(!gone.contains(&fake(7)));
    assert_eq!(bench.registry.phones.keys().collect::<Vec<_>>(), [&fake(7)]);
    assert_eq!(bench.rows.keys().collect::<Vec<_>>(), [&fake(7)], "rows go");
    assert!(bench.saves > 0);
    let event = bench
        .events
        .iter()
        .find(|e| e.event == Kind::Forgotten)
        .unwrap();
    assert_eq!(event.address, "10.2.0.1:50000");
    assert_eq!(
        event.why.as_deref(),
        Some("--all: never placed and quiet for 20 s: no longer kept (walked afresh if it asks again)")
    );
    // Their addresses are forgotten with them; a new MAC is walked now, and one forgotten is
    // walked afresh if it comes back.
    assert!(!bench.registry.by_ip.values().any(|mac| gone.contains(mac)));
    assert!(ask(&mut bench, 9999, "0018B9FFFFF0"));
    assert!(ask(&mut bench, 0, &fake(0)));
    assert_eq!(bench.registry.phones.len(), 3);
}

#[test]
fn a_named_phone_or_one_on_its_way_is_never_forgotten_and_without_all_none_is() {
    let matrix = Matrix::builtin().unwrap();
    let mut bench = bench(&matrix, true);
    bench.registry.roster.phones.insert(fake(0), (None, None));
    for n in 0..9 {
        assert!(ask(&mut bench, n, &fake(n)));
    }
    let phones = &mut bench.registry.phones;
    phones.get_mut(&fake(1)).unwrap().placed_reported = Some("P0S3-08-9-00".into());
    phones.get_mut(&fake(2)).unwrap().placement.sent = vec!["P0S3-08-11-00.sb2".into()];
    phones.get_mut(&fake(3)).unwrap().history = vec![StageRecord {
        from: "a".into(),
        to: "b".into(),
        rule: "r".into(),
        time_ms: 1,
    }];
    phones.get_mut(&fake(4)).unwrap().state = State::Done;
    phones.get_mut(&fake(5)).unwrap().state = State::Failed;
    phones.get_mut(&fake(6)).unwrap().transfer = Some(("f".into(), 1, None));
    phones.get_mut(&fake(7)).unwrap().reached = true;
    phones.get_mut(&fake(8)).unwrap().stages = Some(2);
    bench.advance(100 * STUCK_AFTER_MS);
    bench.tick();
    assert!(forgotten(&bench).is_empty());
    assert_eq!(bench.registry.phones.len(), 9);
    // Its transfer over, nothing fetched: forgotten (stuck by the tick before, as all were).
    assert_eq!(bench.registry.phones[&fake(6)].state, State::Stuck);
    bench.registry.phones.get_mut(&fake(6)).unwrap().transfer = None;
    let unplaced = bench.registry.phones[&fake(6)].clone();
    bench.tick();
    assert_eq!(forgotten(&bench), [fake(6)]);

    let mut named_only = self::bench(&matrix, false);
    named_only
        .registry
        .roster
        .phones
        .insert(fake(0), (None, None));
    assert!(ask(&mut named_only, 0, &fake(0)));
    // A phone a state file of an earlier `--all` run kept, not named now: kept too.
    named_only.registry.phones.insert(fake(6), unplaced);
    named_only.advance(100 * STUCK_AFTER_MS);
    named_only.tick();
    assert!(forgotten(&named_only).is_empty());
    assert_eq!(named_only.registry.phones.len(), 2);
}

#[test]
fn the_addresses_whose_mac_serve_remembers_stay_bounded() {
    let matrix = Matrix::builtin().unwrap();
    let mut bench = bench(&matrix, false);
    for n in 0..2 {
        bench.registry.roster.phones.insert(fake(n), (None, None));
        assert!(ask(&mut bench, n, &fake(n)));
    }
    // A flood of addresses, each naming a MAC serve does not walk: every one remembered up to
    // ADDRESSES beyond the phones kept, then only the phones' own.
    for n in 2..3 * ADDRESSES {
        assert!(!ask(&mut bench, n, &format!("0018B8{n:06X}")));
        let remembered = bench.registry.by_ip.len();
        assert!(remembered <= ADDRESSES + 2, "{n}: {remembered}");
        if n < ADDRESSES + 2 {
            assert_eq!(remembered, n + 1, "all remembered up to the bound");
        }
    }
    // The phones kept still have their addresses' MACs.
    for n in 0..2 {
        assert_eq!(
            bench.registry.by_ip.get(&client(n).address.ip()),
            Some(&fake(n))
        );
    }
    let last = client(3 * ADDRESSES - 1).address.ip();
    assert!(bench.registry.by_ip.contains_key(&last), "the newest kept");
}

#[test]
fn all_walks_at_most_its_cap_of_new_macs_and_always_the_phones_named() {
    let matrix = Matrix::builtin().unwrap();
    let mut bench = bench(&matrix, true);
    let named = "0018B9000001";
    bench
        .registry
        .roster
        .phones
        .insert(named.into(), (None, None));
    let client = |n: usize, mac: &str| {
        let address = SocketAddr::new(
            IpAddr::V4(core::net::Ipv4Addr::new(
                10,
                1,
                (n / 250) as u8,
                (n % 250) as u8 + 1,
            )),
            50_000,
        );
        Client {
            lease: Some(mac.into()),
            ..Client::at(address)
        }
    };
    let read = |bench: &mut Bench, n: usize, mac: &str| {
        bench.advance(REQUEST_MS);
        let (_, tag) = bench
            .registry
            .read(bench.now, &client(n, mac), "OS79XX.TXT");
        bench.apply();
        tag.managed
    };
    for n in 0..MAX_ALL_PHONES {
        assert!(read(&mut bench, n, &format!("0018B9{:06X}", 0x10_0000 + n)));
    }
    // One more made-up MAC: the directory as it is, and nothing kept of it.
    assert!(!read(&mut bench, MAX_ALL_PHONES, "0018B9FFFFF0"));
    assert_eq!(bench.registry.phones.len(), MAX_ALL_PHONES);
    let last = bench
        .events
        .iter()
        .rfind(|e| e.event == Kind::Request)
        .unwrap();
    assert_eq!(last.mac.as_deref(), Some("0018B9FFFFF0"));
    assert!(!last.managed);
    // Answered as the directory has it (the catalogue's OS79XX.TXT), not held back as a MAC
    // serve has not learnt yet would be.
    let made_up = Some("0018B9FFFFF0");
    let answers: Vec<Kind> = bench
        .events
        .iter()
        .filter(|e| e.mac.as_deref() == made_up && e.event != Kind::Request)
        .map(|e| e.event)
        .collect();
    assert!(!answers.contains(&Kind::NotFound), "{answers:?}");
    // A phone of the phones file is walked all the same, and one already walked still is.
    assert!(read(&mut bench, MAX_ALL_PHONES + 1, named));
    assert!(read(&mut bench, 0, &format!("0018B9{:06X}", 0x10_0000)));
    assert_eq!(bench.registry.phones.len(), MAX_ALL_PHONES + 1);
}
