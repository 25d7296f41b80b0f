//! The registry's decisions, one at a time, in memory: managed and unmanaged clients, where a
//! MAC comes from, a phone walked to its target, one that comes back on a load it left, stuck
//! and unplaceable phones, and a serve resumed from its state file.

use super::*;
use crate::knowledge::matrix::Matrix;
use crate::knowledge::Builtin;
use crate::phone::Answer;
use crate::wire::serve::answers::{Directive, Managed};
use crate::wire::serve::events::Kind;
use crate::wire::serve::memory::{Bench, Handset, Memory, REBOOT_MS, REQUEST_MS};
use crate::wire::serve::placement::MAX_FRUITLESS;
use crate::wire::serve::state;
use std::path::Path;

const TARGET: &str = "P0S3-08-11-00";

fn ip(n: u8) -> SocketAddr {
    SocketAddr::new(IpAddr::V4(core::net::Ipv4Addr::new(10, 0, 0, n)), 50_000)
}

/// A client whose lease gives it `mac`.
fn leased(address: SocketAddr, mac: &str) -> Client {
    Client {
        lease: Some(mac.into()),
        ..Client::at(address)
    }
}

/// serve of the catalogue's stand-ins to [`TARGET`], for `phones` (MAC, running-load hint).
fn bench<'m>(matrix: &'m Matrix, phones: &[(&str, Option<&str>)], all: bool) -> Bench<'m> {
    let roster = Roster {
        phones: phones
            .iter()
            .map(|(mac, hint)| (mac.to_string(), (None, hint.map(String::from))))
            .collect(),
        all,
        target: TARGET.into(),
        ..Roster::default()
    };
    Bench::new(matrix, Memory::catalogue(matrix), roster)
}

fn events(bench: &Bench, kind: Kind) -> Vec<Event> {
    bench
        .events
        .iter()
        .filter(|e| e.event == kind)
        .cloned()
        .collect()
}

fn served(answer: &Answer) -> &[u8] {
    match answer {
        Answer::Served {
            contents: Some(bytes),
            ..
        } => bytes,
        other => panic!("not served: {other:?}"),
    }
}

#[test]
fn a_client_serve_does_not_manage_gets_the_directory_as_it_is() {
    let matrix = Matrix::builtin().unwrap();
    let mut bench = bench(&matrix, &[("0018B9000001", None)], false);
    let client = leased(ip(2), "0018B9000002");
    let before = bench.now.wall_ms;
    let answer = bench.read(&client, "OS79XX.TXT");
    assert_eq!(served(&answer), b"P0S3-06-3-00\n");
    assert_eq!(bench.read(&client, "SIP0018B9000002.cnf"), Answer::NotFound);
    assert!(bench.registry.phones.is_empty(), "not managed: not kept");
    assert_eq!(bench.saves, 0);
    let request = &events(&bench, Kind::Request)[0];
    assert_eq!(request.mac.as_deref(), Some("0018B9000002"));
    assert_eq!(request.address, "10.0.0.2:50000");
    assert_eq!(request.file.as_deref(), Some("OS79XX.TXT"));
    assert!(!request.managed);
    assert_eq!(
        request.time_ms,
        before + REQUEST_MS,
        "stamped with the call's wall clock"
    );
    let sent = &events(&bench, Kind::Sent)[0];
    assert_eq!((sent.bytes, sent.managed), (Some(13), false));
    let not_found = &events(&bench, Kind::NotFound)[0];
    assert_eq!(
        not_found.why, None,
        "the directory has no such file: nothing to explain"
    );
    // A name with the directory's own path in front is the same file.
    let (serve, tag) = bench
        .registry
        .read(bench.now, &client, "/srv/tftp/OS79XX.TXT");
    assert!(matches!(serve, Serve::File(ref bytes) if bytes == b"P0S3-06-3-00\n"));
    assert_eq!(tag.file, "OS79XX.TXT");
    assert!(!tag.managed);
}

#[test]
fn with_all_a_client_whose_mac_is_unknown_gets_nothing_that_names_a_load() {
    let matrix = Matrix::builtin().unwrap();
    let mut all = bench(&matrix, &[], true);
    let stranger = Client::at(ip(3));
    for name in ["OS79XX.TXT", "XMLDefault.cnf.xml", "SIPDefault.cnf"] {
        assert_eq!(all.read(&stranger, name), Answer::NotFound, "{name}");
    }
    let why = events(&all, Kind::NotFound)[0].why.clone().unwrap();
    assert!(
        why.starts_with("--all: serve does not know this client's MAC yet"),
        "{why}"
    );
    // Other files are the directory's, as for any client serve does not walk.
    let loads = all.read(&stranger, "P0S3-08-11-00.loads");
    assert!(served(&loads).starts_with(b"P0S3-08-11-00"));
    assert!(all.registry.phones.is_empty());
    // Without --all, the same client gets the directory's own files.
    let mut named = bench(&matrix, &[("0018B9000001", None)], false);
    assert_eq!(
        served(&named.read(&stranger, "OS79XX.TXT")),
        b"P0S3-06-3-00\n"
    );
}

#[test]
fn a_mac_comes_from_the_name_then_the_neighbour_table_then_the_leases_then_the_address() {
    let matrix = Matrix::builtin().unwrap();
    let mut bench = bench(&matrix, &[], false);
    let registry = &mut bench.registry;
    let both = Client {
        neighbour: Some("0018B9AAAAAA".into()),
        lease: Some("0018B9BBBBBB".into()),
        ..Client::at(ip(4))
    };
    let mac = |m: &str, from| Some((m.to_string(), from));
    assert_eq!(
        registry.mac_of(&both, "SEP0018B9CCCCCC.cnf.xml"),
        mac("0018B9CCCCCC", MacFrom::Name)
    );
    assert_eq!(
        registry.mac_of(&both, "OS79XX.TXT"),
        mac("0018B9AAAAAA", MacFrom::Neighbour)
    );
    // A per-phone name in lower case is no phone's: the facts decide.
    assert_eq!(
        registry.mac_of(&both, "SEP0018b9cccccc.cnf.xml"),
        mac("0018B9AAAAAA", MacFrom::Neighbour)
    );
    let leased = leased(ip(4), "0018B9BBBBBB");
    assert_eq!(
        registry.mac_of(&leased, "OS79XX.TXT"),
        mac("0018B9BBBBBB", MacFrom::Lease)
    );
    // Nothing known now: what the address showed last.
    assert_eq!(
        registry.mac_of(&Client::at(ip(4)), "OS79XX.TXT"),
        mac("0018B9BBBBBB", MacFrom::Before)
    );
    assert_eq!(registry.mac_of(&Client::at(ip(5)), "OS79XX.TXT"), None);
    // The name teaches the address its MAC too.
    registry.mac_of(&Client::at(ip(6)), "CTLSEP0018B9DDDDDD.tlv");
    assert_eq!(
        registry.mac_of(&Client::at(ip(6)), "OS79XX.TXT"),
        mac("0018B9DDDDDD", MacFrom::Before)
    );
}

#[test]
fn a_write_is_refused_and_reported_with_the_clients_mac() {
    let matrix = Matrix::builtin().unwrap();
    let mut bench = bench(&matrix, &[("0018B9000001", None)], false);
    let now = bench.now;
    for (client, managed) in [
        (leased(ip(1), "0018B9000001"), true),
        (leased(ip(2), "0018B9000002"), false),
    ] {
        bench
            .registry
            .refused_write(now, &client, "x.bin", "read-only");
        bench.apply();
        let event = bench.events.last().unwrap();
        assert_eq!(event.event, Kind::Refused);
        assert_eq!(event.mac, client.lease);
        assert_eq!(event.managed, managed);
        assert_eq!(event.file.as_deref(), Some("x.bin"));
        assert_eq!(event.why.as_deref(), Some("read-only"));
        assert_eq!(event.time_ms, now.wall_ms);
    }
    assert!(bench.registry.phones.is_empty());
}

/// The factory phone of the design card walked to [`TARGET`] (serve not told its load).
fn walked(matrix: &Matrix) -> (Bench<'_>, Handset) {
    let mut bench = bench(matrix, &[], true);
    let mut handset = Handset::new(1, "P0030301MFG2");
    let walk = bench.walk(&mut handset, TARGET, 20);
    assert_eq!(
        walk.loads,
        ["P0030301MFG2", "P0S3-06-3-00", "P003-08-11-00", TARGET]
    );
    assert_eq!(
        walk.boots,
        Some(3),
        "its first requests narrow its load to those whose first step is the same: one boot a stage"
    );
    (bench, handset)
}

#[test]
fn a_phone_walked_to_its_target_is_done_with_its_history() {
    let matrix = Matrix::builtin().unwrap();
    let (bench, handset) = walked(&matrix);
    let phone = &bench.registry.phones[&handset.mac];
    assert_eq!(phone.state, State::Done);
    assert!(phone.reached);
    assert_eq!(phone.stages, Some(3));
    let stages: Vec<(String, String, String)> = phone
        .history
        .iter()
        .map(|h| (h.from.clone(), h.to.clone(), h.rule.clone()))
        .collect();
    assert_eq!(stages[1].0, "P0S3-06-3-00");
    assert_eq!(stages[2].1, TARGET);
    assert!(phone.history.iter().all(|h| h.time_ms > 1_800_000_000_000));
    type Stage = (Option<String>, Option<String>, Option<usize>, Option<usize>);
    let done: Vec<Stage> = events(&bench, Kind::StageDone)
        .into_iter()
        .map(|e| (e.load, e.to, e.stage, e.stages))
        .collect();
    assert_eq!(done.len(), 3);
    assert_eq!(
        done[1],
        (
            Some("P0S3-06-3-00".into()),
            Some("P003-08-11-00".into()),
            Some(2),
            Some(3)
        )
    );
    assert_eq!(done[2].3, Some(3));
    let phone_done = &events(&bench, Kind::PhoneDone)[0];
    assert_eq!(
        (
            phone_done.load.as_deref(),
            phone_done.stage,
            phone_done.stages
        ),
        (Some(TARGET), Some(3), Some(3))
    );
    let placed = events(&bench, Kind::Placed);
    assert!(placed
        .iter()
        .any(|e| e.load.as_deref() == Some(TARGET) && e.to.as_deref() == Some(TARGET)));
    let row = &bench.rows[&handset.mac];
    assert_eq!(
        (row.running.as_str(), row.stage.as_str(), row.state),
        (TARGET, "3 of 3", State::Done)
    );
    assert_eq!(row.address, "10.0.0.1:50000");
    assert!(bench.saves > 0);
    assert!(events(&bench, Kind::PhoneFailed).is_empty());
    assert!(events(&bench, Kind::Stuck).is_empty());
}

#[test]
fn a_done_phone_that_comes_back_on_a_load_it_left_is_held() {
    let matrix = Matrix::builtin().unwrap();
    let (mut bench, mut handset) = walked(&matrix);
    bench.registry.state_path = Some("/var/lib/phoneup/serve.json".into());
    let seen = bench.events.len();
    // Someone flashes the factory image back.
    handset.running = "P0030301MFG2".into();
    for n in 0..2 {
        bench.power_cycle(&mut handset, n);
        assert_eq!(handset.running, "P0030301MFG2", "serve names no other load");
    }
    let after = &bench.events[seen..];
    let failed: Vec<&Event> = after
        .iter()
        .filter(|e| e.event == Kind::PhoneFailed)
        .collect();
    assert_eq!(failed.len(), 1, "{after:#?}");
    assert_eq!(failed[0].to.as_deref(), Some(TARGET));
    let why = failed[0].why.as_deref().unwrap();
    assert!(
        why.starts_with("it came back on a load it left: it had reached P0S3-08-11-00 (phone_done), and now it asks for ")
            && why.ends_with("(to walk it again: stop serve, then phoneup serve --tftp-root DIR --state /var/lib/phoneup/serve.json --forget 0018B9000001)"),
        "{why}"
    );
    for e in after {
        assert!(
            !matches!(e.event, Kind::StageDone | Kind::Placed | Kind::PhoneDone),
            "{e:?}"
        );
        let file = e.file.as_deref().unwrap_or_default();
        assert!(
            e.event != Kind::Sent || !is_firmware(file),
            "no firmware: {e:?}"
        );
    }
    let held = after
        .iter()
        .rfind(|e| e.event == Kind::NotFound && e.file.as_deref() == Some("OS79XX.TXT"))
        .unwrap();
    assert_eq!(
        held.why.as_deref(),
        Some("held since phone_failed: nothing that names a load, and no image, is served to it")
    );
    let phone = &bench.registry.phones[&handset.mac];
    assert_eq!(phone.state, State::Failed);
    assert_eq!(phone.stage(&bench.registry.knowledge).0, "3 of 3");
    // What its requests show, not its target.
    let candidates = &phone.placement.candidates;
    assert!(
        candidates.iter().any(|c| c == "P0030301MFG2"),
        "{candidates:?}"
    );
    assert!(!candidates.iter().any(|c| c == TARGET), "{candidates:?}");
}

#[test]
fn a_stage_that_did_not_take_holds_the_phone() {
    let matrix = Matrix::builtin().unwrap();
    let mut bench = bench(&matrix, &[], true);
    let mut handset = Handset::new(1, "P0030301MFG2");
    bench.power_cycle(&mut handset, 1);
    assert_eq!(handset.running, "P0S3-06-3-00", "it took its first stage");
    // The image did not take: it boots the factory load again.
    handset.running = "P0030301MFG2".into();
    bench.power_cycle(&mut handset, 3);
    assert_eq!(handset.running, "P0030301MFG2");
    let failed = &events(&bench, Kind::PhoneFailed)[0];
    assert_eq!(
        failed.why.as_deref(),
        Some("the stage did not take: it should have come back on P0S3-06-3-00, but its requests show P0030301MFG2, P00303010102, P00303020214 (it came back on the load it left); serve holds it")
    );
    let phone = &bench.registry.phones[&handset.mac];
    assert_eq!(phone.state, State::Failed);
    // Held where it failed: the second stage of the plan it was walking.
    assert_eq!(phone.stage(&bench.registry.knowledge).0, "2 of 3");
    assert_eq!(bench.rows[&handset.mac].state, State::Failed);
}

/// A managed phone (told it runs SIP 6.3) that has asked for `OS79XX.TXT`, the first file of
/// its boot, once.
fn asked_once(matrix: &Matrix) -> (Bench<'_>, Client, Tag) {
    let mut bench = bench(matrix, &[("0018B9000001", Some("P0S3-06-3-00"))], false);
    let client = leased(ip(1), "0018B9000001");
    bench.advance(REQUEST_MS);
    let (serve, tag) = bench.registry.read(bench.now, &client, "OS79XX.TXT");
    bench.apply();
    assert!(matches!(serve, Serve::Bytes(_)), "{serve:?}");
    assert_eq!(
        bench.registry.phones["0018B9000001"].state,
        State::Transferring
    );
    (bench, client, tag)
}

#[test]
fn transfers_that_fail_in_a_row_leave_the_phone_stuck_on_a_blocked_data_port() {
    let matrix = Matrix::builtin().unwrap();
    let (mut bench, client, tag) = asked_once(&matrix);
    let timeout = || Failure::Timeout {
        waiting_for: "the ACK of block 1".into(),
        sends: 6,
        malformed: 0,
    };
    bench.registry.finished(bench.now, &tag, Err(timeout()));
    bench.apply();
    let failed = events(&bench, Kind::TransferFailed);
    assert_eq!(
        failed[0].why.as_deref(),
        Some("no answer: waited for the ACK of block 1 after 6 sends")
    );
    assert_eq!(failed[0].file.as_deref(), Some("OS79XX.TXT"));
    assert!(failed[0].managed);
    let phone = &bench.registry.phones["0018B9000001"];
    assert_eq!((phone.state, phone.failures), (State::Waiting, 1));
    // A transfer that ends well clears the count.
    bench.registry.finished(bench.now, &tag, Ok(10));
    assert_eq!(bench.registry.phones["0018B9000001"].failures, 0);
    for n in 1..=FAILURES {
        bench.registry.finished(bench.now, &tag, Err(timeout()));
        bench.apply();
        let stuck = bench.registry.phones["0018B9000001"].state == State::Stuck;
        assert_eq!(stuck, n == FAILURES, "after {n} failures");
    }
    let phone = &bench.registry.phones["0018B9000001"];
    assert!(phone
        .why
        .as_deref()
        .unwrap()
        .starts_with("data port blocked"));
    let stuck = events(&bench, Kind::Stuck);
    assert_eq!(stuck.len(), 1, "{stuck:?}");
    assert_eq!(stuck[0].file.as_deref(), Some("OS79XX.TXT"));
    assert_eq!(stuck[0].address, "10.0.0.1:50000");
    let _ = client;
}

#[test]
fn a_transfers_progress_shows_in_its_phones_row() {
    let matrix = Matrix::builtin().unwrap();
    let (mut bench, client, tag) = asked_once(&matrix);
    bench.registry.progress(&tag, 512, Some(2048));
    bench.apply();
    assert_eq!(
        bench.registry.phones["0018B9000001"].transfer,
        Some(("OS79XX.TXT".into(), 512, Some(2048)))
    );
    let effects_before = bench.saves;
    // Not for a client serve does not walk.
    let other = Tag {
        mac: Some("0018B9000002".into()),
        managed: false,
        ..tag.clone()
    };
    bench.registry.progress(&other, 1, None);
    assert!(bench.registry.poll_effect().is_none());
    let row = bench.registry.phones["0018B9000001"].row(&bench.registry.knowledge);
    assert_eq!(row.file, Some(("OS79XX.TXT".into(), 512, Some(2048))));
    bench.registry.finished(bench.now, &tag, Ok(2048));
    assert_eq!(bench.registry.phones["0018B9000001"].transfer, None);
    bench.apply();
    assert_eq!(bench.saves, effects_before + 1);
    let _ = client;
}

#[test]
fn the_same_file_again_and_again_is_a_loop_and_the_phone_is_stuck() {
    let matrix = Matrix::builtin().unwrap();
    let mut bench = bench(&matrix, &[("0018B9000001", Some("P0S3-07-4-00"))], false);
    let client = leased(ip(1), "0018B9000001");
    for n in 1..=REPEATS {
        bench.read(&client, "CTLSEP0018B9000001.tlv");
        let stuck = !events(&bench, Kind::Stuck).is_empty();
        assert_eq!(stuck, n == REPEATS, "after {n} requests");
        if n == 1 {
            // Answered File not found: nothing is on its way.
            assert_eq!(bench.registry.phones["0018B9000001"].state, State::Waiting);
        }
    }
    let stuck = &events(&bench, Kind::Stuck)[0];
    assert!(stuck.why.as_deref().unwrap().starts_with("CTLSEP loop"));
    assert_eq!(stuck.file.as_deref(), Some("CTLSEP0018B9000001.tlv"));
    assert_eq!(bench.registry.phones["0018B9000001"].state, State::Stuck);
    // Its next request is progress: it is on its way again.
    bench.read(&client, "SEP0018B9000001.cnf.xml");
    let phone = &bench.registry.phones["0018B9000001"];
    assert_ne!(phone.state, State::Stuck);
    assert_eq!(phone.why, None);
}

#[test]
fn each_loop_says_what_the_seeds_say_of_it() {
    let mut phone = Phone::new("0018B9000001", TARGET, Vec::new());
    let found: Serve<Vec<u8>> = Serve::File(Vec::new());
    let not_found: Serve<Vec<u8>> = Serve::NotFound;
    let reason = |name: &str, phone: &Phone, serve: &Serve<Vec<u8>>| {
        loop_reason(name, "0018B9000001", phone, serve)
    };
    assert!(reason("CTLSEP0018B9000001.tlv", &phone, &not_found).starts_with("CTLSEP loop"));
    // Another phone's trust list is no CTLSEP loop of this one.
    assert_eq!(
        reason("CTLSEP0018B9000002.tlv", &phone, &not_found),
        "it asks for CTLSEP0018B9000002.tlv again and again although serve answers File not found"
    );
    assert_eq!(
        reason("P003-08-11-00.sbn", &phone, &found),
        "it asks for P003-08-11-00.sbn again and again: the transfers do not complete (data port blocked? TCG-7960)"
    );
    phone.placement.sent_whole("P003-08-11-00.sbn");
    assert_eq!(
        reason("P003-08-11-00.sbn", &phone, &found),
        "image refused: it fetched P003-08-11-00.sbn whole and asks for it again (Load ID Incorrect? MARKWILSON-2008)"
    );
    // A configuration file is no image, whatever was sent.
    phone.placement.sent_whole("SIPDefault.cnf");
    assert!(reason("SIPDefault.cnf", &phone, &found).ends_with("(data port blocked? TCG-7960)"));
}

#[test]
fn a_phone_silent_too_long_is_stuck_by_the_monotonic_clock_alone() {
    let matrix = Matrix::builtin().unwrap();
    let (mut bench, _client, tag) = asked_once(&matrix);
    bench.registry.finished(bench.now, &tag, Ok(100));
    bench.registry.stuck_after_ms = 90_000;
    // The wall clock jumps a day (NTP): nothing happened.
    bench.now.wall_ms += 86_400_000;
    bench.tick();
    assert_eq!(bench.registry.phones["0018B9000001"].state, State::Waiting);
    bench.now.ms += 89_999;
    bench.tick();
    assert_eq!(bench.registry.phones["0018B9000001"].state, State::Waiting);
    bench.now.ms += 1;
    bench.tick();
    let phone = &bench.registry.phones["0018B9000001"];
    assert_eq!(phone.state, State::Stuck);
    assert_eq!(
        phone.why.as_deref(),
        Some("no progress for 90 s: it has not asked for anything since")
    );
    let stuck = &events(&bench, Kind::Stuck)[0];
    assert_eq!(stuck.address, "10.0.0.1:50000");
    assert_eq!(stuck.time_ms, bench.now.wall_ms);
    // Stuck is reported once.
    bench.now.ms += 90_000;
    bench.tick();
    assert_eq!(events(&bench, Kind::Stuck).len(), 1);
}

#[test]
fn a_phone_that_fetched_its_stage_and_went_quiet_is_stuck_rebooting() {
    let matrix = Matrix::builtin().unwrap();
    let mut bench = bench(&matrix, &[("0018B9000001", Some("P0S3-06-3-00"))], false);
    let mut handset = Handset::new(1, "P0S3-06-3-00");
    // Its boot fetches the stage's firmware whole and it reboots into it: serve waits for it.
    bench.power_cycle(&mut handset, 1);
    assert_eq!(handset.running, "P003-08-11-00");
    let phone = &bench.registry.phones[&handset.mac];
    assert_eq!(phone.state, State::Rebooting);
    bench.registry.stuck_after_ms = 600_000;
    bench.advance(600_000 - REBOOT_MS);
    bench.tick();
    let phone = &bench.registry.phones[&handset.mac];
    assert_eq!(phone.state, State::Stuck);
    assert_eq!(
        phone.why.as_deref(),
        Some("no progress for 600 s: it fetched its stage's firmware and has not asked for anything since (image refused, or the phone is off)")
    );
    // It asks again: on its way.
    let client = leased(handset.address, &handset.mac);
    bench.read(&client, "CTLSEP0018B9000001.tlv");
    let phone = &bench.registry.phones[&handset.mac];
    assert_eq!((phone.state, phone.why.as_deref()), (State::Waiting, None));
    // A phone that fetched its stage asks again when it has rebooted: no longer rebooting.
    let mut bench = self::bench(&matrix, &[("0018B9000001", Some("P0S3-06-3-00"))], false);
    let mut handset = Handset::new(1, "P0S3-06-3-00");
    bench.power_cycle(&mut handset, 1);
    assert_eq!(bench.registry.phones[&handset.mac].state, State::Rebooting);
    bench.read(&client, "CTLSEP0018B9000001.tlv");
    assert_eq!(bench.registry.phones[&handset.mac].state, State::Waiting);
}

#[test]
fn a_phone_quiet_after_a_boot_only_its_target_ends_that_way_is_done() {
    let matrix = Matrix::builtin().unwrap();
    let roster = Roster {
        all: true,
        target: "P00308010200".into(),
        ..Roster::default()
    };
    let mut bench = Bench::new(&matrix, Memory::catalogue(&matrix), roster);
    let handset = Handset::new(1, "P00308010200");
    let client = leased(handset.address, &handset.mac);
    let phone = crate::phone::Phone {
        mac: Some(handset.mac.clone()),
        ..crate::phone::Phone::new(handset.model)
    };
    let running = crate::knowledge::load_id::LoadId::parse("P00308010200").unwrap();
    struct Wire<'b, 'm>(&'b mut Bench<'m>, Client);
    impl crate::phone::Server for Wire<'_, '_> {
        fn read(&mut self, name: &str) -> Answer {
            self.0.read(&self.1, name)
        }
    }
    phone.boot(1, &running, &mut Wire(&mut bench, client));
    assert_eq!(bench.registry.phones[&handset.mac].state, State::Waiting);
    bench.advance(QUIET_MS - 1);
    bench.tick();
    assert_eq!(bench.registry.phones[&handset.mac].state, State::Waiting);
    bench.advance(1);
    bench.tick();
    assert_eq!(bench.registry.phones[&handset.mac].state, State::Done);
    assert_eq!(events(&bench, Kind::PhoneDone).len(), 1);
    assert_eq!(bench.rows[&handset.mac].state, State::Done);
}

#[test]
fn a_phone_whose_requests_no_load_explains_is_unplaceable_and_held() {
    let matrix = Matrix::builtin().unwrap();
    let mut bench = bench(&matrix, &[], true);
    let client = leased(ip(1), "0018B9000001");
    for boot in 1..=MAX_FRUITLESS {
        bench.read(&client, "CTLSEP0018B9000001.tlv");
        bench.read(&client, "bogus.bin");
        let failed = events(&bench, Kind::PhoneFailed);
        assert_eq!(
            failed.len(),
            usize::from(boot == MAX_FRUITLESS),
            "boot {boot}"
        );
    }
    let why = bench.registry.phones["0018B9000001"].why.clone().unwrap();
    assert_eq!(
        why,
        "serve cannot place it: no load of the catalogue asks for bogus.bin here (its requests this boot: CTLSEP0018B9000001.tlv, bogus.bin)"
    );
    let note = events(&bench, Kind::NotFound)
        .into_iter()
        .find(|e| e.file.as_deref() == Some("bogus.bin"))
        .unwrap();
    assert_eq!(
        note.why.as_deref(),
        Some("serve cannot tell which load it runs from bogus.bin (no load it may run asks for it here): nothing that names a load is served until it can")
    );
    // Held: nothing names a load, no image.
    assert_eq!(bench.read(&client, "OS79XX.TXT"), Answer::NotFound);
    assert_eq!(bench.read(&client, "P0S3-08-11-00.loads"), Answer::NotFound);
}

#[test]
fn a_phone_no_boot_can_narrow_is_unplaceable_after_three_boots() {
    let matrix = Matrix::builtin().unwrap();
    let roster = Roster {
        all: true,
        target: TARGET.into(),
        ..Roster::default()
    };
    // An empty directory: no image to tell the loads apart, no manifest to name.
    let mut bench = Bench::new(&matrix, Memory::new(), roster);
    let mut handset = Handset::new(1, "P0030301MFG2");
    let mut cycles = 0;
    while events(&bench, Kind::PhoneFailed).is_empty() && cycles < 10 {
        cycles += 1;
        bench.power_cycle(&mut handset, cycles);
    }
    assert_eq!(handset.running, "P0030301MFG2");
    assert!(cycles > MAX_FRUITLESS as usize, "{cycles}");
    let failed = events(&bench, Kind::PhoneFailed);
    assert_eq!(failed.len(), 1);
    assert_eq!(
        failed[0].why.as_deref(),
        Some("serve cannot place it: after 3 boots its requests still fit before the UAL, 3 loads possible; name its load in the phones file (MAC=TARGET from=LOAD)")
    );
}

#[test]
fn a_users_file_serve_may_not_read_is_refused_and_one_it_cannot_edit_is_absent() {
    let matrix = Matrix::builtin().unwrap();
    // A phone on SIP 6.3 that should stay there reads SIPDefault.cnf every boot.
    let mut dir = Memory::catalogue(&matrix);
    dir.refuse("SIPDefault.cnf", "not readable by everyone (mode 0640)");
    let roster = Roster {
        phones: [("0018B9000001".to_string(), (None, None))].into(),
        target: "P0S3-06-3-00".into(),
        ..Roster::default()
    };
    let mut bench = Bench::new(&matrix, dir, roster);
    let mut handset = Handset::new(1, "P0S3-06-3-00");
    bench.power_cycle(&mut handset, 1);
    let refused = events(&bench, Kind::Refused);
    assert!(!refused.is_empty());
    assert!(refused
        .iter()
        .all(|e| e.file.as_deref() == Some("SIPDefault.cnf")
            && e.why.as_deref() == Some("not readable by everyone (mode 0640)")
            && e.mac.as_deref() == Some("0018B9000001")
            && e.managed));
    assert_eq!(handset.running, "P0S3-06-3-00");

    // A UAL phone on its target has its XMLDefault.cnf.xml edited: one that is not text is
    // answered as absent, and said.
    let mut dir = Memory::catalogue(&matrix);
    dir.insert("XMLDefault.cnf.xml", vec![0xff, 0xfe]);
    let roster = Roster {
        phones: [("0018B9000001".to_string(), (None, Some(TARGET.to_string())))].into(),
        target: TARGET.into(),
        ..Roster::default()
    };
    let mut bench = Bench::new(&matrix, dir, roster);
    let mut handset = Handset::new(1, TARGET);
    bench.power_cycle(&mut handset, 1);
    let stuck = events(&bench, Kind::Stuck);
    assert_eq!(
        stuck[0].why.as_deref(),
        Some("XMLDefault.cnf.xml is not UTF-8 text: answered File not found instead")
    );
    assert_eq!(stuck[0].file.as_deref(), Some("XMLDefault.cnf.xml"));
    let not_found = events(&bench, Kind::NotFound);
    assert!(not_found
        .iter()
        .any(|e| e.file.as_deref() == Some("XMLDefault.cnf.xml") && e.why == stuck[0].why));
}

#[test]
fn a_restarted_serve_resumes_every_phone_from_the_state_file() {
    let matrix = Matrix::builtin().unwrap();
    let mut first = bench(&matrix, &[], true);
    let mut handset = Handset::new(1, "P0030301MFG2");
    first.power_cycle(&mut handset, 1);
    assert_eq!(handset.running, "P0S3-06-3-00", "one stage in");
    let root = first.registry.dir.canonical().to_path_buf();
    let text = state::to_text(&root, &first.registry.phones).unwrap();
    let phones: BTreeMap<String, Phone> =
        state::from_text(&text, Path::new("state.json"), &root).unwrap();
    // Restarted ten seconds later, on a monotonic clock of its own.
    let mut second = bench(&matrix, &[], true);
    second.now = Now {
        ms: 5,
        wall_ms: first.now.wall_ms + 10_000,
    };
    second.registry.resume(second.now, phones);
    second.apply();
    assert_eq!(second.rows[&handset.mac].state, State::Rebooting);
    assert_eq!(
        second.rows[&handset.mac].last_seen_ms,
        first.registry.phones[&handset.mac].last_seen_ms
    );
    second.tick();
    assert_eq!(second.registry.phones[&handset.mac].state, State::Rebooting);
    let walk = second.walk(&mut handset, TARGET, 20);
    assert_eq!(walk.loads.last().map(String::as_str), Some(TARGET));
    // Resumed, not afresh: the restarted serve knew the factory phone had fetched its first
    // stage whole.
    let stage_done = &events(&second, Kind::StageDone)[0];
    assert_eq!(stage_done.to.as_deref(), Some("P0S3-06-3-00"));
    assert_eq!(second.registry.phones[&handset.mac].history.len(), 3);
}

#[test]
fn a_phone_resumed_long_after_its_last_request_is_stuck_at_once() {
    let matrix = Matrix::builtin().unwrap();
    let (first, _, tag) = asked_once(&matrix);
    let mut phones = first.registry.phones.clone();
    let mut second = bench(&matrix, &[], true);
    second.now = Now {
        ms: 7,
        wall_ms: first.now.wall_ms + 600_000,
    };
    // A phone never seen stays as it was.
    phones.insert(
        "0018B9000009".into(),
        Phone::new("0018B9000009", TARGET, Vec::new()),
    );
    second.registry.resume(second.now, phones);
    second.tick();
    assert_eq!(
        second.registry.phones[&tag.mac.clone().unwrap()].state,
        State::Stuck
    );
    assert_eq!(second.registry.phones["0018B9000009"].state, State::Waiting);
    assert_eq!(second.rows.len(), 2);
}

#[test]
fn a_file_from_the_directory_is_logged_with_its_text_unless_it_is_an_image() {
    let matrix = Matrix::builtin().unwrap();
    let mut bench = bench(&matrix, &[], false);
    bench
        .registry
        .dir
        .insert("SEPDefault.cnf", "image_version: x\n");
    let registry = &bench.registry;
    let (serve, logged) = registry.as_in_dir("SEPDefault.cnf");
    assert!(matches!(serve, Serve::File(_)));
    assert_eq!(logged.text.as_deref(), Some("image_version: x\n"));
    assert_eq!((logged.found, logged.size), (true, 17));
    let (_, logged) = registry.as_in_dir("/P0S3-08-11-00.loads");
    assert_eq!(logged.name, "P0S3-08-11-00.loads");
    assert!(logged.text.unwrap().starts_with("P0S3-08-11-00"));
    let (_, logged) = registry.as_in_dir("P003-08-11-00.sbn");
    assert_eq!(logged.text, None, "images are not kept");
    assert!(logged.found && logged.size > 0);
    let (serve, logged) = registry.as_in_dir("nothing.cnf");
    assert!(matches!(serve, Serve::NotFound));
    assert_eq!(logged, missing("nothing.cnf"));
}

#[test]
fn a_managed_file_is_made_from_the_users_own_as_its_directive_says() {
    let matrix = Matrix::builtin().unwrap();
    let mut bench = bench(&matrix, &[], false);
    bench
        .registry
        .dir
        .refuse("OS79XX.TXT", "not readable by everyone (mode 0640)");
    let phone = Phone::new("0018B9000001", TARGET, Vec::new());
    let registry = &mut bench.registry;
    let mut answer = |file, name: &str, directive: &Directive| {
        registry.note = None;
        let (serve, logged) = registry.managed_answer(file, name, directive, &phone, ip(1));
        (serve, logged, registry.note.take())
    };
    let stage = Directive::naming("P0S3-08-11-00", "P003-08-11-00");
    // OS79XX.TXT is serve's own: the user's copy is not read, even one it may not serve.
    let (serve, logged, note) = answer(Some(Managed::Os79xx), "OS79XX.TXT", &stage);
    assert!(
        matches!(serve, Serve::Bytes(ref b) if b == b"P003-08-11-00\n"),
        "{serve:?}"
    );
    assert_eq!(logged.text.as_deref(), Some("P003-08-11-00\n"));
    assert_eq!((logged.found, logged.size, note), (true, 14, None));
    // SIPDefault.cnf edited from the user's: their settings stay.
    let (serve, _, _) = answer(Some(Managed::SipDefault), "SIPDefault.cnf", &stage);
    let Serve::Bytes(bytes) = serve else {
        panic!("{serve:?}")
    };
    let text = String::from_utf8(bytes).unwrap();
    assert!(
        text.contains("proxy1_address: \"192.0.2.1\"")
            && text.contains("image_version: P0S3-08-11-00"),
        "{text}"
    );
    // A per-phone file the user does not have is never made up.
    let (serve, logged, note) = answer(Some(Managed::SipMac), "SIP0018B9000001.cnf", &stage);
    assert!(matches!(serve, Serve::NotFound));
    assert_eq!((logged.found, note), (false, None));
    // Held: nothing names a load.
    let (serve, _, note) = answer(
        Some(Managed::SipDefault),
        "SIPDefault.cnf",
        &Directive::hold(),
    );
    assert!(matches!(serve, Serve::HeldBack(HELD_UNPLACED)), "{serve:?}");
    assert_eq!(
        note.as_deref(),
        Some("held: nothing that names a load is served until serve knows the load it runs")
    );
    // A stage that needs the file absent (an SCCP stage and SIPDefault.cnf).
    let sccp = Directive {
        image_version: None,
        ..stage.clone()
    };
    let (serve, _, note) = answer(Some(Managed::SipDefault), "SIPDefault.cnf", &sccp);
    assert!(matches!(serve, Serve::NotFound));
    assert_eq!(
        note.as_deref(),
        Some("its stage needs SIPDefault.cnf absent")
    );
    // A boot file serve does not edit, for a phone it has not placed.
    let (serve, _, note) = answer(None, "SEPDefault.cnf", &stage);
    assert!(matches!(serve, Serve::NotFound));
    assert_eq!(
        note.as_deref(),
        Some("serve does not serve SEPDefault.cnf to a phone it has not placed")
    );
}

#[test]
fn an_old_state_files_done_phone_that_comes_back_on_a_load_it_left_is_held_too() {
    let matrix = Matrix::builtin().unwrap();
    let (mut bench, mut handset) = walked(&matrix);
    // A state file from before `reached` was kept: done, not marked reached.
    bench.registry.phones.get_mut(&handset.mac).unwrap().reached = false;
    handset.running = "P0030301MFG2".into();
    bench.power_cycle(&mut handset, 9);
    assert_eq!(handset.running, "P0030301MFG2");
    let failed = events(&bench, Kind::PhoneFailed);
    assert_eq!(failed.len(), 1);
    assert!(failed[0]
        .why
        .as_deref()
        .unwrap()
        .starts_with("it came back on a load it left"));
    let phone = &bench.registry.phones[&handset.mac];
    assert!(phone.reached);
    assert_eq!(phone.stages, Some(3));
}
