//! The phone model (`simulate`) against the field reports, whose own TFTP log lines are the
//! fixtures; on a TFTP root; and over real UDP on loopback (`--server`, `--bind`).

use phoneup::files::loads::stand_in as stand_in_loads;
use phoneup::knowledge::load_id::LoadId;
use phoneup::knowledge::matrix::Matrix;
use phoneup::knowledge::Builtin;
use phoneup::phone::{BootResult, Ending, Phone, ServerBehaviour, Simulation};
use phoneup::plan::replay::{verify_stage, STAND_IN_IMAGE};
use phoneup::plan::{plan, Outcome, Request};
use phoneup::tftp_root::TftpRoot;
use phoneup::Model;

use super::card::{apply_stage, card_root, check_boot, run_output, simulate_args};
use super::loopback::{Wrong, WrongServer};
use super::support::Test;

/// The (anonymised) MAC of FUSSYLOGIC-7940.
const MAC: &str = "0018B9FFFFFF";

fn phone(model: Model) -> Phone {
    Phone {
        model,
        mac: Some(MAC.into()),
        server: ServerBehaviour::FileNotFound,
        ..Phone::new(model)
    }
}

fn simulate(from: &str, root: &TftpRoot, boots: usize) -> Simulation {
    phone(Model::M7940).simulate(&LoadId::parse(from).unwrap(), root, boots)
}

fn requested(simulation: &Simulation, boot: usize) -> Vec<&str> {
    simulation.boots[boot]
        .requests
        .iter()
        .map(|r| r.file.as_str())
        .collect()
}

/// File names from atftpd lines such as `atftpd[1483]: Serving OS79XX.TXT to 192.168.1.12:52578`.
fn served(log: &str) -> Vec<&str> {
    log.lines()
        .filter_map(|line| line.split("Serving ").nth(1))
        .map(|rest| rest.split(" to ").next().unwrap())
        .collect()
}

fn stand_in_package(root: &mut TftpRoot, app: &str, loader: &str) {
    root.insert(format!("{app}.loads"), stand_in_loads(app, loader, app));
    root.insert(format!("{loader}.sbn"), STAND_IN_IMAGE);
    root.insert(format!("{loader}.bin"), STAND_IN_IMAGE);
    root.insert(format!("{app}.sb2"), STAND_IN_IMAGE);
}

#[test]
fn fussylogic_7940_sccp_3_1_hunt_on_an_empty_root() {
    let log = "\
12:45:17 atftpd[1483]: Serving OS79XX.TXT to 192.168.1.12:52578
12:45:17 atftpd[1483]: Serving SEP0018B9FFFFFF.cnf.xml to 192.168.1.12:52579
12:45:17 atftpd[1483]: Serving XMLDefault.cnf.xml to 192.168.1.12:52580
12:45:17 atftpd[1483]: Serving SEP0018B9FFFFFF.cnf to 192.168.1.12:52581
12:45:17 atftpd[1483]: Serving SEPDefault.cnf to 192.168.1.12:52582";
    let simulation = simulate("P0030301MFG2", &TftpRoot::new(), 3);
    assert_eq!(requested(&simulation, 0), served(log));
    assert!(simulation.boots[0].requests.iter().all(|r| !r.found));
    assert_eq!(simulation.ending, Ending::Stable);
}

#[test]
fn fussylogic_7940_ual_hunt_after_a_factory_reset() {
    let log = "\
13:24:01 atftpd[7926]: Serving CTLSEP0018B9FFFFFF.tlv to 192.168.1.12:50367
13:24:01 atftpd[7926]: Serving SEP0018B9FFFFFF.cnf.xml to 192.168.1.12:50368
13:24:01 atftpd[7926]: Serving SIP0018B9FFFFFF.cnf to 192.168.1.12:50369
13:24:01 atftpd[7926]: Serving MGC0018B9FFFFFF.cnf to 192.168.1.12:50370
13:24:01 atftpd[7926]: Serving XMLDefault.cnf.xml to 192.168.1.12:50371
13:24:01 atftpd[7926]: Serving SIPDefault.cnf to 192.168.1.12:50372
13:24:01 atftpd[7926]: Serving MGCDefault.cnf to 192.168.1.12:50373";
    let simulation = simulate("P003-8-11-00", &TftpRoot::new(), 3);
    assert_eq!(requested(&simulation, 0), served(log));
    assert_eq!(simulation.boots[0].result, BootResult::FileNotFound);
    assert!(simulation.boots[0]
        .screen
        .iter()
        .any(|s| s == "TFTP file not found"));
    assert_eq!(simulation.ending, Ending::Loop);
    assert_eq!(simulation.final_load, "P003-8-11-00");
}

#[test]
fn fussylogic_7940_loader_fetches_the_p0s3_loads_named_by_xmldefault() {
    let mut root = TftpRoot::new();
    // The XMLDefault.cnf.xml of FUSSYLOGIC-7940, verbatim.
    root.insert(
        "XMLDefault.cnf.xml",
        "<Default>\n  <loadInformation>P0S3-8-12-00</loadInformation>\n</Default>\n",
    );
    root.insert("OS79XX.TXT", "P003-8-11-00\n");
    stand_in_package(&mut root, "P0S3-8-12-00", "P003-8-12-00");
    let simulation = simulate("P003-8-11-00", &root, 3);
    let log = "\
13:24:01 atftpd[7926]: Serving CTLSEP0018B9FFFFFF.tlv to 192.168.1.12:50367
13:24:01 atftpd[7926]: Serving SEP0018B9FFFFFF.cnf.xml to 192.168.1.12:50368
13:24:01 atftpd[7926]: Serving SIP0018B9FFFFFF.cnf to 192.168.1.12:50369
13:24:01 atftpd[7926]: Serving MGC0018B9FFFFFF.cnf to 192.168.1.12:50370
13:24:01 atftpd[7926]: Serving XMLDefault.cnf.xml to 192.168.1.12:50371
13:52:21 atftpd[7926]: Serving P0S3-8-12-00.loads to 192.168.1.12:50382";
    assert_eq!(&requested(&simulation, 0)[..6], served(log).as_slice());
    assert_eq!(
        simulation.boots[0].fetched,
        ["P0S3-8-12-00.loads", "P003-8-12-00.sbn", "P0S3-8-12-00.sb2"]
    );
    assert_eq!(simulation.final_load, "P0S3-8-12-00");
    // On the next boot the hunt names the load it runs: the phone reads that load's .loads
    // alone (MARKWILSON-2008's log of a boot of 8.2), then, once SIP runs, its own files (FUSSYLOGIC-7940:
    // SIPDefault.cnf, then SIP<MAC>.cnf).
    let last = simulation.boots.last().unwrap();
    assert_eq!(
        &requested(&simulation, simulation.boots.len() - 1)[5..],
        [
            "P0S3-8-12-00.loads",
            "SIPDefault.cnf",
            "SIP0018B9FFFFFF.cnf"
        ]
    );
    assert!(
        last.fetched.is_empty(),
        "it takes no image: {:?}",
        last.fetched
    );
    assert_eq!(last.result, BootResult::Stable);
}

#[test]
fn markwilson_2008_sccp_3_to_sip_7_4_is_load_id_incorrect() {
    let mut root = TftpRoot::new();
    root.insert("OS79XX.TXT", "P0S3-07-4-00\n");
    root.insert("xmlDefault.CNF.XML", "<Default/>\n");
    root.insert("P0S3-07-4-00.bin", STAND_IN_IMAGE);
    stand_in_package(&mut root, "P0S3-07-4-00", "P003-07-4-00");
    let simulation = simulate("P00303020214", &root, 3);
    assert_eq!(simulation.boots[0].result, BootResult::Refused);
    assert_eq!(
        simulation.boots[0].screen,
        ["Upgrading Software", "Load ID Incorrect"]
    );
    assert_eq!(simulation.ending, Ending::Refused);
    assert_eq!(simulation.final_load, "P00303020214");
}

#[test]
fn markwilson_2008_os79xx_naming_the_sip_8_application_finds_no_image() {
    let mut root = TftpRoot::new();
    root.insert("OS79XX.TXT", "P0S3-08-2-00\n");
    stand_in_package(&mut root, "P0S3-08-2-00", "P003-08-2-00");
    // From SCCP 3.x the phone asked for P0S3-08-2-00.bin, which 8.x packages do not have.
    let simulation = simulate("P00303020214", &root, 3);
    assert_eq!(
        requested(&simulation, 0),
        ["OS79XX.TXT", "P0S3-08-2-00.bin"]
    );
    assert_eq!(simulation.ending, Ending::Loop);
    assert_eq!(simulation.loop_file.as_deref(), Some("P0S3-08-2-00.bin"));
    // From 6.3 it did not help either; naming the P003 loader did.
    let simulation = simulate("P0S3-06-3-00", &root, 3);
    assert_eq!(simulation.final_load, "P0S3-06-3-00");
    root.insert("OS79XX.TXT", "P003-08-2-00\n");
    root.insert(
        format!("SIP{MAC}.cnf"),
        ";begin\nimage_version: P0S3-08-2-00\nline1_name : \"sipgateid\"\n;end\n",
    );
    let simulation = simulate("P0S3-06-3-00", &root, 4);
    assert_eq!(simulation.boots[0].after, "P003-08-2-00");
    // The log of the successful boot: CTLSEP and SEP missing, SIP<MAC>.cnf found, then the .loads.
    assert_eq!(
        &requested(&simulation, 1)[..4],
        [
            "CTLSEP0018B9FFFFFF.tlv",
            "SEP0018B9FFFFFF.cnf.xml",
            "SIP0018B9FFFFFF.cnf",
            "P0S3-08-2-00.loads"
        ]
    );
    assert_eq!(simulation.final_load, "P0S3-08-2-00");
    assert_eq!(simulation.ending, Ending::Stable);
}

#[test]
fn tcg_7960_downgrade_to_6_3_and_no_way_below_5() {
    let mut root = TftpRoot::new();
    root.insert("SIPDefault.cnf", "image_version: P0S3-06-3-00\n");
    root.insert(format!("SIP{MAC}.cnf"), "image_version: P0S3-06-3-00\n");
    root.insert("OS79XX.TXT", "P0S3-06-3-00\n");
    root.insert("P0S3-06-3-00.sbn", STAND_IN_IMAGE);
    let simulation = simulate("P0S3-08-2-00", &root, 4);
    assert_eq!(simulation.final_load, "P0S3-06-3-00");
    assert_eq!(simulation.ending, Ending::Stable);
    // P0S30201 would not take on the phone that runs a signed load.
    let mut root = TftpRoot::new();
    root.insert("SIPDefault.cnf", "image_version: P0S30201\n");
    root.insert("P0S30201.bin", STAND_IN_IMAGE);
    root.insert("P0S30201.sbn", STAND_IN_IMAGE);
    let simulation = simulate("P0S3-06-3-00", &root, 4);
    assert_eq!(simulation.final_load, "P0S3-06-3-00");
    assert_eq!(simulation.ending, Ending::Refused);
}

#[test]
fn the_field_reports_ctlsep_loop_behind_a_server_that_answers_missing_files_wrongly() {
    let mut root = TftpRoot::new();
    root.insert("SIPDefault.cnf", "image_version: P0S3-08-2-00\n");
    let bad_server = Phone {
        server: ServerBehaviour::WrongError,
        ..phone(Model::M7960)
    };
    let simulation = bad_server.simulate(&LoadId::parse("P0S3-08-2-00").unwrap(), &root, 4);
    assert_eq!(simulation.ending, Ending::Loop);
    assert_eq!(
        simulation.loop_file.as_deref(),
        Some("CTLSEP0018B9FFFFFF.tlv")
    );
    // The same root behind a proper server is fine.
    assert_eq!(simulate("P0S3-08-2-00", &root, 4).ending, Ending::Stable);
    // An empty CTLSEP file loops too (VI-FWISSUES).
    root.insert(format!("CTLSEP{MAC}.tlv"), "");
    let simulation = simulate("P0S3-08-2-00", &root, 4);
    assert_eq!(simulation.ending, Ending::Loop);
    assert!(simulation.problems.iter().any(|p| p.contains("is empty")));
}

#[test]
fn image_version_on_the_loader_after_the_ual_flips_the_phone() {
    let mut root = TftpRoot::new();
    root.insert("XMLDefault.cnf.xml", "<Default><loadInformation8 model=\"IP Phone 7940\">P0S3-08-11-00</loadInformation8></Default>");
    root.insert("SIPDefault.cnf", "image_version: P0S3-08-2-00\n");
    stand_in_package(&mut root, "P0S3-08-11-00", "P003-08-11-00");
    stand_in_package(&mut root, "P0S3-08-2-00", "P003-08-2-00");
    let simulation = simulate("P0S3-08-11-00", &root, 6);
    assert_eq!(simulation.ending, Ending::Loop, "{simulation:#?}");
    assert!(simulation
        .problems
        .iter()
        .any(|p| p.contains("go back and forth")));
}

#[test]
fn every_stage_of_every_plan_replays_on_both_models() {
    let matrix = Matrix::builtin().unwrap();
    let mut stages = 0;
    for from in &matrix.loads {
        for to in &matrix.loads {
            let request = Request::new(from.name(), to.name());
            // plan() refuses to print a plan the model does not confirm; replay again here so
            // the proof does not rest on that call alone.
            if let Outcome::Plan(plan) = plan(&matrix, &request).unwrap() {
                for stage in &plan.stages {
                    for model in [Model::M7940, Model::M7960] {
                        verify_stage(stage, model).unwrap_or_else(|e| panic!("{e}"));
                    }
                    stages += 1;
                }
            }
        }
    }
    assert!(stages > 1000, "only {stages} stages replayed");
}

#[test]
fn verification_rejects_a_tampered_stage() {
    let matrix = Matrix::builtin().unwrap();
    let request = Request::new("P0030301MFG2", "P0S3-08-11-00");
    let Outcome::Plan(plan) = plan(&matrix, &request).unwrap() else {
        panic!("the card has a plan")
    };
    let mut stage = plan.stages[2].clone();
    verify_stage(&stage, Model::M7940).unwrap();
    // Without XMLDefault.cnf.xml the loader would follow image_version... set it to the loader.
    stage.files.insert("XMLDefault.cnf.xml".into(), None);
    stage.files.insert(
        "SIPDefault.cnf".into(),
        Some("image_version: P003-08-11-00\n".into()),
    );
    assert!(verify_stage(&stage, Model::M7940).is_err());
    // A stage whose expected requests are wrong is caught too.
    let mut stage = plan.stages[0].clone();
    stage.expect_requests.insert(1, "SIPDefault.cnf".into());
    assert!(verify_stage(&stage, Model::M7940)
        .unwrap_err()
        .contains("requests"));
    // A 7960-only XMLDefault does not move a 7940.
    let mut stage = plan.stages[2].clone();
    stage.files.insert(
        "XMLDefault.cnf.xml".into(),
        Some(phoneup::files::xml_default_cnf_xml::render(
            "P0S3-08-11-00",
            Model::M7960,
        )),
    );
    assert!(verify_stage(&stage, Model::M7940).is_err());
    assert!(verify_stage(&stage, Model::M7960).is_ok());
}

#[test]
fn simulate_and_check_on_a_directory() {
    let test = Test::new();
    let dir = test.path().join("sim");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("OS79XX.TXT"), "P003-08-11-00\r\n").unwrap();
    std::fs::write(dir.join("P003-08-11-00.sbn"), STAND_IN_IMAGE).unwrap();
    std::fs::create_dir_all(dir.join("subdir")).unwrap();
    let root = dir.to_str().unwrap();
    let (code, stdout, _) = test.run(&[
        "check",
        "--from",
        "P0S3-06-3-00",
        "--tftp-root",
        root,
        "--model",
        "7940",
    ]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("CR or a space"), "{stdout}");
    assert!(stdout.contains("Not served: subdir"), "{stdout}");
    std::fs::write(dir.join("OS79XX.TXT"), "P003-08-11-00\n").unwrap();
    std::fs::write(
        dir.join("SIPDefault.cnf"),
        "# mine\nimage_version: P0S3-08-11-00\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("XMLDefault.cnf.xml"),
        phoneup::files::xml_default_cnf_xml::render("P0S3-08-11-00", Model::Both),
    )
    .unwrap();
    std::fs::write(
        dir.join("P0S3-08-11-00.loads"),
        stand_in_loads("P0S3-08-11-00", "P003-08-11-00", "P0S3-08-11-00"),
    )
    .unwrap();
    std::fs::write(dir.join("P0S3-08-11-00.sb2"), STAND_IN_IMAGE).unwrap();
    let (code, stdout, _) = test.run(&[
        "check",
        "--from",
        "P0S3-06-3-00",
        "--tftp-root",
        root,
        "--to",
        "P0S3-08-11-00",
    ]);
    assert_eq!(code, 0, "{stdout}");
    let (code, stdout, _) = test.run(&[
        "simulate",
        "--from",
        "P0S3-06-3-00",
        "--tftp-root",
        root,
        "--format",
        "json",
        "--mac",
        "00:18:b9:ff:ff:ff",
    ]);
    assert_eq!(code, 0, "{stdout}");
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(value["final_load"], "P0S3-08-11-00");
    assert_eq!(
        value["boots"][0]["requests"][0],
        serde_json::json!({"file": "OS79XX.TXT", "found": true})
    );
    assert_eq!(
        value["boots"][0]["fetched"],
        serde_json::json!(["P003-08-11-00.sbn"])
    );
    assert!(value["boots"][0]["result"].is_string());
    assert!(value["boots"][0]["screen"].is_array());
    for args in [
        vec![
            "simulate",
            "--from",
            "P0S3-06-3-00",
            "--tftp-root",
            "/nonexistent/phoneup",
        ],
        vec![
            "simulate",
            "--from",
            "P0S3-06-3-00",
            "--tftp-root",
            root,
            "--mac",
            "00:18",
        ],
        vec![
            "simulate",
            "--from",
            "P0S3-06-3-00",
            "--tftp-root",
            root,
            "--model",
            "both",
        ],
        vec!["check", "--from", "P0S3-06-3-00"],
    ] {
        let (code, _, stderr) = test.run(&args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(!stderr.is_empty());
    }
}

#[test]
fn image_version_left_on_the_loader_and_a_missing_sb2_are_reported() {
    let mut root = TftpRoot::new();
    root.insert(
        "XMLDefault.cnf.xml",
        phoneup::files::xml_default_cnf_xml::render("P0S3-08-11-00", Model::Both),
    );
    root.insert("SIPDefault.cnf", "image_version: P003-08-11-00\n");
    stand_in_package(&mut root, "P0S3-08-11-00", "P003-08-11-00");
    let simulation = simulate("P0S3-08-11-00", &root, 4);
    assert_eq!(simulation.ending, Ending::Loop);
    assert!(
        simulation
            .problems
            .iter()
            .any(|p| p.contains("image_version names P003-08-11-00")),
        "{:?}",
        simulation.problems
    );

    let mut root = TftpRoot::new();
    root.insert(
        "XMLDefault.cnf.xml",
        phoneup::files::xml_default_cnf_xml::render("P0S3-08-11-00", Model::Both),
    );
    stand_in_package(&mut root, "P0S3-08-11-00", "P003-08-11-00");
    root.remove("P0S3-08-11-00.sb2");
    root.insert("p0s3-08-11-00.SB2", STAND_IN_IMAGE);
    let simulation = simulate("P003-08-11-00", &root, 4);
    assert_eq!(simulation.loop_file.as_deref(), Some("P0S3-08-11-00.sb2"));
    assert!(
        simulation
            .problems
            .iter()
            .any(|p| p.contains("match names exactly") && p.contains("Tftpd32")),
        "{:?}",
        simulation.problems
    );
}

#[test]
fn mgcp_7_7_follows_image_version_in_mgcdefault_to_sccp() {
    // FRGTECH's root: the SCCP 8.1(2)SR2 zip and an MGCDefault.cnf naming it.
    let mut root = TftpRoot::new();
    root.insert(
        "MGCDefault.cnf",
        "# Generic MGCP Default Config File Options\n#\nimage_version: P0030801SR02\n",
    );
    root.insert(
        "P0030801SR02.loads",
        stand_in_loads("P0030801SR02", "P0030801SR02", "P0030801SR02"),
    );
    root.insert("P0030801SR02.sbn", STAND_IN_IMAGE);
    root.insert("P0030801SR02.sb2", STAND_IN_IMAGE);
    let simulation = simulate("P0M3-07-7-00", &root, 4);
    assert_eq!(
        requested(&simulation, 0),
        [
            "CTLSEP0018B9FFFFFF.tlv",
            "SEP0018B9FFFFFF.cnf.xml",
            "SIP0018B9FFFFFF.cnf",
            "MGC0018B9FFFFFF.cnf",
            "XMLDefault.cnf.xml",
            "SIPDefault.cnf",
            "MGCDefault.cnf",
            "P0030801SR02.loads",
            "P0030801SR02.sbn",
            "P0030801SR02.sb2"
        ]
    );
    assert_eq!(simulation.final_load, "P0030801SR02");
    assert_eq!(simulation.ending, Ending::Stable);
    // With nothing naming another load, the MGCP application asks for the .loads of the load
    // it runs (as MARKWILSON-2008's SIP 8.2 does), reads its own files and stays.
    let mut root = TftpRoot::new();
    root.insert("MGCDefault.cnf", "image_version: P0M3-07-7-00\n");
    let simulation = simulate("P0M3-07-7-00", &root, 4);
    assert_eq!(simulation.ending, Ending::Stable, "{simulation:#?}");
    assert_eq!(
        &requested(&simulation, 0)[7..],
        [
            "P0M3-07-7-00.loads",
            "MGCDefault.cnf",
            "MGC0018B9FFFFFF.cnf"
        ]
    );
    // A per-phone MGC file naming another load wins, as SIP<MAC>.cnf does for SIP.
    root.insert(format!("MGC{MAC}.cnf"), "image_version: P0030801SR02\n");
    let simulation = simulate("P0M3-07-7-00", &root, 2);
    assert_eq!(
        simulation.boots[0].stuck_on.as_deref(),
        Some("P0030801SR02.loads")
    );
}

#[test]
fn sccp_3_takes_a_loader_bin_and_an_sccp_package_through_its_own_bin() {
    // R2a: loadInformation naming the loader; the old image fetches the loader's .bin.
    let mut root = TftpRoot::new();
    root.insert(
        "XMLDefault.cnf.xml",
        phoneup::files::xml_default_cnf_xml::render("P003-07-4-00", Model::Both),
    );
    root.insert("P003-07-4-00.bin", STAND_IN_IMAGE);
    let simulation = simulate("P0030301MFG2", &root, 3);
    assert_eq!(
        requested(&simulation, 0),
        [
            "OS79XX.TXT",
            "SEP0018B9FFFFFF.cnf.xml",
            "XMLDefault.cnf.xml",
            "P003-07-4-00.bin"
        ]
    );
    assert_eq!(simulation.boots[0].after, "P003-07-4-00");
    // R14: the SCCP package's .bin, then the .loads set it names.
    let mut root = TftpRoot::new();
    root.insert(
        "XMLDefault.cnf.xml",
        phoneup::files::xml_default_cnf_xml::render("P00307020300", Model::Both),
    );
    for file in ["P00307020300.bin", "P00307020300.sbn", "P00307020300.sb2"] {
        root.insert(file, STAND_IN_IMAGE);
    }
    root.insert(
        "P00307020300.loads",
        stand_in_loads("P00307020300", "P00307020300", "P00307020300"),
    );
    let simulation = simulate("P0030301MFG2", &root, 3);
    assert_eq!(
        simulation.boots[0].fetched,
        [
            "P00307020300.bin",
            "P00307020300.loads",
            "P00307020300.sbn",
            "P00307020300.sb2"
        ]
    );
    assert_eq!(simulation.final_load, "P00307020300");
    assert_eq!(simulation.ending, Ending::Stable);
}

#[test]
fn sccp_5_named_at_a_sip_7_application_finds_no_signed_image() {
    // The old R8b: a signed SCCP 5.x image takes only .sbn, and no 7.x package ships a P0S3 one.
    let mut root = TftpRoot::new();
    root.insert(
        "XMLDefault.cnf.xml",
        phoneup::files::xml_default_cnf_xml::render("P0S3-07-4-00", Model::Both),
    );
    stand_in_package(&mut root, "P0S3-07-4-00", "P003-07-4-00");
    let simulation = simulate("P00305000301", &root, 3);
    assert_eq!(simulation.loop_file.as_deref(), Some("P0S3-07-4-00.sbn"));
    assert_eq!(simulation.final_load, "P00305000301");
}

#[test]
fn a_file_the_root_holds_in_another_spelling_is_named() {
    let mut root = TftpRoot::new();
    root.insert("OS79XX.TXT", "P003-08-11-00\n");
    root.insert("P003-8-11-00.sbn", STAND_IN_IMAGE);
    let simulation = simulate("P0S3-05-3-00", &root, 2);
    assert_eq!(simulation.loop_file.as_deref(), Some("P003-08-11-00.sbn"));
    assert!(
        simulation
            .problems
            .iter()
            .any(|p| p.contains("P003-8-11-00.sbn, the same file spelled another way")),
        "{:?}",
        simulation.problems
    );
}

#[test]
fn over_the_wire_phones_on_distinct_loopback_addresses_with_bind() {
    let test = Test::new();
    let root = card_root(&test, "wire-bind");
    apply_stage(&test, &root, "1");
    let server = WrongServer::start(&root, Wrong::MissingAnswered(1));
    let address = server.server();
    for from in ["127.0.0.2", "127.0.0.3"] {
        let mut args = simulate_args("P0030301MFG2", &address);
        args.extend(["--bind", from]);
        check_boot(&run_output(&args), "P0S3-06-3-00", from);
    }
    let requests = server.requests.lock().unwrap().clone();
    for from in ["127.0.0.2", "127.0.0.3"] {
        let asked: Vec<_> = requests
            .iter()
            .filter(|(client, _)| client.ip().to_string() == from)
            .map(|(_, file)| file.as_str())
            .collect();
        assert_eq!(
            asked[..2],
            ["OS79XX.TXT", "P0S3-06-3-00.bin"],
            "{from}: {requests:?}"
        );
        // Every request from a new port, as the phone does.
        let ports: std::collections::HashSet<_> = requests
            .iter()
            .filter(|(client, _)| client.ip().to_string() == from)
            .map(|(client, _)| client.port())
            .collect();
        assert_eq!(ports.len(), asked.len());
    }
}

#[test]
fn simulate_shows_a_sip_8_2_to_6_3_downgrade_as_the_plan_does() {
    let test = Test::new();
    let dir = test.dir(
        "downgrade-screen",
        &[
            ("SIPDefault.cnf", b"image_version: P0S3-06-3-00\n"),
            ("P0S3-06-3-00.sbn", STAND_IN_IMAGE),
        ],
    );
    let (code, value, _) = test.run_json(&[
        "simulate",
        "--from",
        "P0S3-08-2-00",
        "--tftp-root",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert_eq!(value["final_load"], "P0S3-06-3-00");
    let screen = value["boots"][0]["screen"].as_array().unwrap();
    assert_eq!(screen[0], "Upgrading Software", "{screen:?}");
    assert!(!screen.iter().any(|s| s == "Universal Application Loader"));
    let (_, plan, _) = test.run_json(&["plan", "--from", "P0S3-08-2-00", "--to", "P0S3-06-3-00"]);
    assert!(plan["stages"][0]["screen"][0]
        .as_str()
        .unwrap()
        .starts_with("\"Upgrading Software\""));
}
