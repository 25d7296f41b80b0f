//! A 7961G on serve's bench, in memory: serve walks the 7940/7960 only, so it must tell a
//! 7906 to 7975 by what it shows, serve it no 7940/7960 file and no image, and say what to use.

use super::*;
use crate::knowledge::family::JavaLoad;
use crate::knowledge::Builtin;
use crate::phone::boot::java::JavaResult;
use crate::wire::serve::family_walk::FamilyWalk;
use crate::wire::serve::memory::family::JavaHandset;

const MAC: &str = "0018B9000061";

fn bench<'m>(matrix: &'m Matrix, own_sep: Option<&str>) -> Bench<'m> {
    let roster = Roster {
        all: true,
        target: "P0S3-08-11-00".into(),
        ..Roster::default()
    };
    let mut dir = Memory::catalogue(matrix);
    if let Some(load) = own_sep {
        dir.insert(
            &format!("SEP{MAC}.cnf.xml"),
            format!("<device>\n  <loadInformation>{load}</loadInformation>\n</device>\n"),
        );
    }
    Bench::new(matrix, dir, roster)
}

fn handset(running: &str) -> JavaHandset {
    let address = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 61)), 50_000);
    JavaHandset::new(MAC, address, "7961", running)
}

/// Boots the phone `boots` times; every load named to it, and its requests answered served.
fn boots(bench: &mut Bench<'_>, phone: &mut JavaHandset, boots: usize) -> Vec<String> {
    let mut named = Vec::new();
    for n in 1..=boots {
        let boot = bench.power_cycle_java(phone, n);
        if let JavaResult::WrongFamily(load) | JavaResult::Took(load) = boot.result {
            named.push(load);
        }
        for r in boot.requests.iter().filter(|r| r.answer == "served") {
            assert!(!r.file.ends_with(".sbn"), "served an image: {}", r.file);
        }
    }
    named
}

fn failed_why(bench: &Bench<'_>) -> String {
    let failed: Vec<&Event> = bench
        .events
        .iter()
        .filter(|e| e.event == crate::wire::serve::events::Kind::PhoneFailed)
        .collect();
    assert_eq!(failed.len(), 1, "{:?}", bench.events);
    failed[0].why.clone().unwrap_or_default()
}

#[test]
fn a_7961g_whose_own_sep_file_names_its_load_is_held_with_the_command_to_use() {
    let matrix = Matrix::builtin().unwrap();
    let mut bench = bench(&matrix, Some("SCCP41.8-3-1S"));
    let mut phone = handset("SCCP41.8-3-1S");
    // Before: serve answered its SEP file with one 7940/7960 load after another, and placed
    // it on P003-07-2-00, a 7940/7960 loader, after four boots.
    let named = boots(&mut bench, &mut phone, 4);
    assert!(named.is_empty(), "named a load to it: {named:?}");
    assert_eq!(phone.running.name(), "SCCP41.8-3-1S");
    let why = failed_why(&bench);
    assert!(why.starts_with("a Java-based 7941/7961 (its own SEP0018B9000061.cnf.xml in DIR names SCCP41.8-3-1S, a 7941/7961 load): serve walks one only when its phones-file line names its model, target and load (0018B9000061=TARGET from=LOAD model=<7941 or 7961>)"), "{why}");
    assert!(why.contains("phoneup apply --model <7941 or 7961> --from LOAD --to LOAD --stage 1 --tftp-root DIR --mac 0018B9000061"), "{why}");
    let row = &bench.rows[MAC];
    assert_eq!(
        (row.state, row.model.as_deref()),
        (State::Failed, Some("7941/7961"))
    );
    assert!(!bench
        .events
        .iter()
        .any(|e| e.event == crate::wire::serve::events::Kind::Placed));
}

#[test]
fn a_7961g_on_9x_is_told_by_its_itl_request_and_by_cdp_its_model() {
    let matrix = Matrix::builtin().unwrap();
    let mut bench = bench(&matrix, None);
    let mut phone = handset("SIP41.9-4-2SR3-1S");
    let named = boots(&mut bench, &mut phone, 2);
    assert!(named.is_empty(), "named a load to it: {named:?}");
    let why = failed_why(&bench);
    assert!(why.starts_with("a Java-based 7906 to 7975 (it asks for ITLSEP0018B9000061.tlv, which of the phones phoneup knows only a 7906 to 7975 on 9.x asks for)"), "{why}");
    assert_eq!(bench.rows[MAC].model.as_deref(), Some("7906 to 7975"));
    // Its CDP platform names the model, which the row shows from then on.
    bench.registry.fact(
        bench.now,
        &Fact::Cdp {
            mac: MAC.into(),
            sip: true,
            load: "SIP41.9-4-2SR3-1S".into(),
            model: Some("Cisco IP Phone 7961".into()),
        },
    );
    bench.apply();
    assert_eq!(
        bench.rows[MAC].model.as_deref(),
        Some("Cisco IP Phone 7961")
    );
}

#[test]
fn a_7961g_heard_in_cdp_before_it_asks_is_held_at_its_first_request() {
    let matrix = Matrix::builtin().unwrap();
    let mut bench = bench(&matrix, None);
    bench
        .registry
        .roster
        .phones
        .insert(MAC.into(), (None, None));
    bench.registry.fact(
        bench.now,
        &Fact::Cdp {
            mac: MAC.into(),
            sip: false,
            load: "SCCP41.8-3-1S".into(),
            model: Some("Cisco IP Phone 7961".into()),
        },
    );
    bench.apply();
    let mut phone = handset("SCCP41.8-3-1S");
    let named = boots(&mut bench, &mut phone, 2);
    assert!(named.is_empty(), "named a load to it: {named:?}");
    let why = failed_why(&bench);
    assert!(why.starts_with("a Java-based 7961G (its CDP announcement or web page names the model Cisco IP Phone 7961)"), "{why}");
    assert!(
        why.contains("phoneup apply --model 7961 --from LOAD"),
        "{why}"
    );
    assert_eq!(bench.rows[MAC].model.as_deref(), Some("7961G"));
}

const FROM: &str = "SCCP41.8-3-1S";
const TO: &str = "SIP41.9-4-2SR3-1S";

/// A bench of a 7961G walked by its family's stages (`MAC=TO from=FROM model=7961`) and a
/// 7960 to the `--to` target, the 7961G's own SEP file in DIR naming its load.
fn mixed_bench(matrix: &Matrix, own_sep: bool) -> Bench<'_> {
    mixed_bench_with(matrix, own_sep, |_| {})
}

/// [`mixed_bench`], DIR edited by `edit` last.
fn mixed_bench_with(matrix: &Matrix, own_sep: bool, edit: impl FnOnce(&mut Memory)) -> Bench<'_> {
    let mut roster = Roster {
        target: "P0S3-08-11-00".into(),
        ..Roster::default()
    };
    roster
        .phones
        .insert(MAC.into(), (Some(TO.into()), Some(FROM.into())));
    let walk = FamilyWalk::new(matrix, "7961", FROM, TO).unwrap();
    roster.family.insert(MAC.into(), walk);
    roster
        .phones
        .insert("0018B9000060".into(), (None, Some("P0S3-06-3-00".into())));
    let mut dir = Memory::catalogue(matrix);
    for load in [FROM, "SCCP41.8-5-2S", TO] {
        dir.insert_family_package(load);
    }
    if own_sep {
        dir.insert(
            &format!("SEP{MAC}.cnf.xml"),
            format!("<device>\n  <userLocale>English_United_States</userLocale>\n  <loadInformation>{FROM}</loadInformation>\n</device>\n"),
        );
    }
    edit(&mut dir);
    Bench::new(matrix, dir, roster)
}

#[test]
fn a_7961g_and_a_7960_on_one_bench_walk_to_their_targets_one_power_cycle_a_stage() {
    let matrix = Matrix::builtin().unwrap();
    for own_sep in [true, false] {
        let mut bench = mixed_bench(&matrix, own_sep);
        let mut java = handset(FROM);
        let walk = bench.walk_java(&mut java, TO, 10);
        assert_eq!(
            walk.loads,
            [FROM, "SCCP41.8-5-2S", TO],
            "own SEP file: {own_sep}: {:?}",
            bench.events
        );
        // Two stages, two power cycles; serve says done after the boot on its target.
        assert_eq!(
            (walk.boots, walk.done_after),
            (Some(2), Some(3)),
            "{own_sep}"
        );
        let mut the_7960 = Handset::new(0x60, "P0S3-06-3-00");
        the_7960.model = crate::knowledge::phones::Model::M7960;
        let walked = bench.walk(&mut the_7960, "P0S3-08-11-00", 10);
        assert_eq!(walked.boots, Some(2), "{walked:?}");
        let row = &bench.rows[MAC];
        assert_eq!(
            (
                row.state,
                row.model.as_deref(),
                row.stage.as_str(),
                row.running.as_str()
            ),
            (State::Done, Some("7961G"), "2 of 2", TO)
        );
        let stages: Vec<_> = bench
            .events
            .iter()
            .filter(|e| {
                e.event == crate::wire::serve::events::Kind::StageDone
                    && e.mac.as_deref() == Some(MAC)
            })
            .map(|e| (e.load.as_deref(), e.to.as_deref(), e.stage, e.stages))
            .collect();
        assert_eq!(
            stages,
            [
                (Some(FROM), Some("SCCP41.8-5-2S"), Some(1), Some(2)),
                (Some("SCCP41.8-5-2S"), Some(TO), Some(2), Some(2))
            ]
        );
        // Placed on its target once, when its boot there showed it.
        let placed: Vec<_> = bench
            .events
            .iter()
            .filter(|e| {
                e.event == crate::wire::serve::events::Kind::Placed && e.mac.as_deref() == Some(MAC)
            })
            .map(|e| e.load.as_deref())
            .collect();
        assert_eq!(placed, [Some(TO)]);
    }
}

#[test]
fn a_7961g_that_fetched_its_stage_whole_is_shown_rebooting_hands_off() {
    let matrix = Matrix::builtin().unwrap();
    let mut bench = mixed_bench(&matrix, true);
    let mut java = handset(FROM);
    bench.power_cycle_java(&mut java, 1);
    assert_eq!(java.running.name(), "SCCP41.8-5-2S");
    let row = &bench.rows[MAC];
    assert_eq!(row.state, State::Rebooting, "{:?}", bench.events);
    // Its first stage done, it is on its way through the second.
    assert_eq!(row.stage, "2 of 2");
}

#[test]
fn a_walked_7961gs_boot_goes_on_past_a_tick_until_it_is_quiet() {
    let matrix = Matrix::builtin().unwrap();
    let mut bench = mixed_bench(&matrix, true);
    let client = Client {
        lease: Some(MAC.into()),
        ..Client::at(handset(FROM).address)
    };
    bench.read(&client, &format!("CTLSEP{MAC}.tlv"));
    bench.read(&client, &format!("SEP{MAC}.cnf.xml"));
    bench.tick();
    let walk = bench.registry.phones[MAC].family.as_ref().unwrap();
    assert_eq!(walk.boot.len(), 2, "the boot was ended: {:?}", bench.events);
}

#[test]
fn a_walked_7961gs_own_sep_file_serve_may_not_read_is_refused_not_made_up() {
    let matrix = Matrix::builtin().unwrap();
    let sep = format!("SEP{MAC}.cnf.xml");
    let why = "not readable by everyone (mode 0640)";
    let mut bench = mixed_bench_with(&matrix, true, |dir| dir.refuse(&sep, why));
    let mut java = handset(FROM);
    let boot = bench.power_cycle_java(&mut java, 1);
    assert_eq!(java.running.name(), FROM, "{boot:?}");
    let refused: Vec<&Event> = bench
        .events
        .iter()
        .filter(|e| e.event == crate::wire::serve::events::Kind::Refused)
        .collect();
    assert!(
        refused
            .iter()
            .any(|e| e.file.as_deref() == Some(sep.as_str()) && e.why.as_deref() == Some(why)),
        "{:?}",
        bench.events
    );
}

/// A walked phone's own file that is not UTF-8 is not edited (a lossy copy would serve altered
/// bytes): File not found, with a `stuck` event saying why, as for a 7940/7960.
#[test]
fn a_walked_7961gs_own_sep_file_that_is_not_utf8_is_not_edited() {
    let matrix = Matrix::builtin().unwrap();
    let sep = format!("SEP{MAC}.cnf.xml");
    let mut bench = mixed_bench_with(&matrix, true, |dir| {
        dir.insert(
            &sep,
            b"<device><loadInformation>\xff</loadInformation></device>".to_vec(),
        )
    });
    let mut java = handset(FROM);
    bench.power_cycle_java(&mut java, 1);
    let stuck: Vec<&Event> = bench
        .events
        .iter()
        .filter(|e| e.event == crate::wire::serve::events::Kind::Stuck)
        .collect();
    let why = format!("{sep} is not UTF-8 text: answered File not found instead");
    assert!(
        stuck
            .iter()
            .any(|e| e.file.as_deref() == Some(sep.as_str()) && e.why.as_deref() == Some(&why)),
        "{:?}",
        bench.events
    );
    let served_sep = bench.events.iter().any(|e| {
        e.event == crate::wire::serve::events::Kind::Sent && e.file.as_deref() == Some(sep.as_str())
    });
    assert!(!served_sep, "{:?}", bench.events);
}

#[test]
fn a_7961g_whose_stage_did_not_take_is_held_and_never_shown_the_next_image() {
    let matrix = Matrix::builtin().unwrap();
    let mut bench = mixed_bench(&matrix, true);
    let mut java = handset(FROM);
    bench.power_cycle_java(&mut java, 1);
    assert_eq!(java.running.name(), "SCCP41.8-5-2S");
    // The flash did not take: it comes back on the load it left.
    java.running = JavaLoad::parse(FROM).unwrap();
    for n in 2..=3 {
        let boot = bench.power_cycle_java(&mut java, n);
        for r in boot.requests.iter().filter(|r| r.answer == "served") {
            assert!(!r.file.ends_with(".sbn"), "served an image: {}", r.file);
        }
    }
    assert_eq!(java.running.name(), FROM);
    let why = failed_why(&bench);
    assert!(why.starts_with("the stage did not take: it should have come back on SCCP41.8-5-2S, but its requests show SCCP41.8-3-1S"), "{why}");
}

#[test]
fn a_7961g_told_a_load_it_does_not_run_is_held_not_flashed() {
    let matrix = Matrix::builtin().unwrap();
    let mut bench = mixed_bench(&matrix, true);
    // It runs 9.4(2)SR3 already, told 8.3(1): its ITL requests give it away.
    let mut java = handset(TO);
    let boot = bench.power_cycle_java(&mut java, 1);
    assert!(boot
        .requests
        .iter()
        .all(|r| r.answer != "served" || !r.file.ends_with(".sbn")));
    let why = failed_why(&bench);
    assert!(why.starts_with("serve cannot place it: no load it may run (SCCP41.8-3-1S) asks for ITLSEP0018B9000061.tlv here"), "{why}");
    // Its line names a model and a load already: the advice is to correct it, not to add one.
    assert!(
        why.ends_with("the phones file's from= or model= for it does not fit the phone: read its load off the phone (Settings > Model Information), correct the line, run phoneup serve --forget 0018B9000061 (with the same --state) and start serve again"),
        "{why}"
    );
}
