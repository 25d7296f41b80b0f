//! Single boots of the model as a user meets them in `phoneup simulate`: a root in memory,
//! one phone, and what the boot asks for, takes and shows.

use super::*;
use crate::phone::server::RootServer;
use crate::tftp_root::TftpRoot;

const MAC: &str = "0018B9FFFFFF";
/// Bytes standing in for a firmware image (no Cisco file is ever part of a test).
const IMAGE: &[u8] = b"stand-in image\n";

fn phone() -> Phone {
    Phone {
        mac: Some(MAC.into()),
        ..Phone::new(Model::M7940)
    }
}

fn boot(running: &str, root: &TftpRoot) -> Boot {
    let mut server = RootServer {
        root,
        behaviour: ServerBehaviour::FileNotFound,
    };
    phone().boot(1, &LoadId::parse(running).unwrap(), &mut server)
}

fn requested(boot: &Boot) -> Vec<&str> {
    boot.requests.iter().map(|r| r.file.as_str()).collect()
}

#[test]
fn a_trust_list_with_contents_is_read_and_the_hunt_goes_on() {
    let mut root = TftpRoot::new();
    root.insert(format!("CTLSEP{MAC}.tlv"), "a signed trust list\n");
    root.insert("SIPDefault.cnf", "image_version: P0S3-08-11-00\n");
    let boot = boot("P0S3-08-11-00", &root);
    assert_eq!(boot.result, BootResult::Stable, "{boot:#?}");
    assert!(boot.problems.is_empty(), "{:?}", boot.problems);
    assert!(requested(&boot).contains(&"SIPDefault.cnf"));
}

#[test]
fn os79xx_txt_ending_in_a_space_or_a_tab_is_a_problem_like_a_cr() {
    for ending in ["\r\n", " \n", "\t\n"] {
        let mut root = TftpRoot::new();
        root.insert("OS79XX.TXT", format!("P0S30203{ending}"));
        let boot = boot("P0030301MFG2", &root);
        assert!(
            boot.problems.iter().any(|p| p.contains("CSCdv19260")),
            "{ending:?}: {:?}",
            boot.problems
        );
    }
    let mut root = TftpRoot::new();
    root.insert("OS79XX.TXT", "P0S30203\n");
    root.insert("P0S30203.bin", IMAGE);
    let boot = boot("P0030301MFG2", &root);
    assert!(boot.problems.is_empty(), "{:?}", boot.problems);
    assert_eq!(boot.result, BootResult::Upgraded);
}

fn package(root: &mut TftpRoot) {
    root.insert(
        "P0S3-08-11-00.loads",
        "P0S3-08-11-00\r\nP003-08-11-00.sbn\r\nP0S3-08-11-00.sb2\r\n",
    );
    root.insert("P003-08-11-00.sbn", IMAGE);
    root.insert("P0S3-08-11-00.sb2", IMAGE);
}

#[test]
fn the_loader_takes_the_image_of_sipdefault_when_sip_mac_cnf_names_none() {
    let mut root = TftpRoot::new();
    root.insert(format!("SIP{MAC}.cnf"), "line1_name: \"100\"\n");
    root.insert("SIPDefault.cnf", "image_version: P0S3-08-11-00\n");
    package(&mut root);
    let boot = boot("P003-08-11-00", &root);
    assert_eq!(
        requested(&boot),
        [
            "CTLSEP0018B9FFFFFF.tlv",
            "SEP0018B9FFFFFF.cnf.xml",
            "SIP0018B9FFFFFF.cnf",
            "SIPDefault.cnf",
            "P0S3-08-11-00.loads",
            "P003-08-11-00.sbn",
            "P0S3-08-11-00.sb2",
        ]
    );
    assert_eq!(boot.result, BootResult::Upgraded);
    assert_eq!(boot.after, "P0S3-08-11-00");
}

#[test]
fn the_loader_takes_the_image_of_mgcdefault_when_mgc_mac_cnf_names_none() {
    let mut root = TftpRoot::new();
    root.insert(format!("MGC{MAC}.cnf"), "mgcp_call_agent: ca1\n");
    root.insert("MGCDefault.cnf", "image_version: P0S3-08-11-00\n");
    package(&mut root);
    let boot = boot("P003-08-11-00", &root);
    assert_eq!(
        requested(&boot)[..5],
        [
            "CTLSEP0018B9FFFFFF.tlv",
            "SEP0018B9FFFFFF.cnf.xml",
            "SIP0018B9FFFFFF.cnf",
            "MGC0018B9FFFFFF.cnf",
            "MGCDefault.cnf",
        ]
    );
    assert_eq!(boot.result, BootResult::Upgraded);
    assert_eq!(boot.after, "P0S3-08-11-00");
}

#[test]
fn a_loader_whose_sipdefault_names_no_image_shows_protocol_application_invalid() {
    let mut root = TftpRoot::new();
    root.insert("SIPDefault.cnf", "proxy1_address: \"pbx\"\n");
    let boot = boot("P003-08-11-00", &root);
    // SIPDefault.cnf is read once; nothing else is asked for.
    assert_eq!(
        requested(&boot),
        [
            "CTLSEP0018B9FFFFFF.tlv",
            "SEP0018B9FFFFFF.cnf.xml",
            "SIP0018B9FFFFFF.cnf",
            "MGC0018B9FFFFFF.cnf",
            "XMLDefault.cnf.xml",
            "SIPDefault.cnf",
        ]
    );
    assert_eq!(boot.result, BootResult::ProtocolApplicationInvalid);
    assert_eq!(
        boot.screen,
        [
            "Universal Application Loader",
            "Protocol Application Invalid"
        ]
    );
}

#[test]
fn an_application_with_no_configuration_file_starts() {
    let boot = boot("P0S3-08-11-00", &TftpRoot::new());
    assert_eq!(boot.result, BootResult::Stable, "{boot:#?}");
    assert!(boot.problems.is_empty());
    assert_eq!(
        boot.screen,
        ["the SIP application starts (\"Phone Unprovisioned\" until it has a line)"]
    );
    // The loader on the same root stops: it has nothing to load.
    let boot = super::tests::boot("P003-08-11-00", &TftpRoot::new());
    assert_eq!(boot.result, BootResult::FileNotFound);
    assert_eq!(
        boot.screen,
        ["Universal Application Loader", "TFTP file not found"]
    );
}

#[test]
fn an_application_whose_xmldefault_names_no_load_starts() {
    let mut root = TftpRoot::new();
    root.insert(
        "XMLDefault.cnf.xml",
        "<Default><callManagerGroup/></Default>\n",
    );
    let boot = boot("P0S3-08-11-00", &root);
    assert_eq!(boot.result, BootResult::Stable, "{boot:#?}");
    assert!(requested(&boot).ends_with(&[
        "XMLDefault.cnf.xml",
        "SIPDefault.cnf",
        "SIP0018B9FFFFFF.cnf"
    ]));
}

#[test]
fn an_sccp_application_settles_on_its_load_whatever_sipdefault_says() {
    let mut root = TftpRoot::new();
    root.insert(
        "XMLDefault.cnf.xml",
        "<Default><loadInformation8 model=\"IP Phone 7940\">P00308010200</loadInformation8></Default>\n",
    );
    root.insert("SIPDefault.cnf", "image_version: P0S3-08-11-00\n");
    let boot = boot("P00308010200", &root);
    assert_eq!(boot.result, BootResult::Stable, "{boot:#?}");
    assert!(!requested(&boot).contains(&"SIPDefault.cnf"));
    assert_eq!(
        boot.screen,
        ["the SCCP application starts and looks for a call manager (\"Configuring CM List\")"]
    );
}

#[test]
fn each_load_that_settles_shows_its_own_screen() {
    // A loader told to run itself waits, an MGCP application looks for its call agent.
    let mut root = TftpRoot::new();
    root.insert(
        "XMLDefault.cnf.xml",
        "<Default><loadInformation8 model=\"IP Phone 7940\">P003-08-11-00</loadInformation8></Default>\n",
    );
    let boot = boot("P003-08-11-00", &root);
    assert_eq!(boot.result, BootResult::Stable, "{boot:#?}");
    assert_eq!(boot.screen, ["Universal Application Loader"]);
    assert_eq!(
        boot.detail,
        "P003-08-11-00 starts; nothing names another load"
    );
    let boot = super::tests::boot("P0M3-07-7-00", &TftpRoot::new());
    assert_eq!(boot.result, BootResult::Stable, "{boot:#?}");
    assert_eq!(
        boot.screen,
        ["the MGCP application starts and looks for its call agent"]
    );
}

fn sccp_8_1_2_package(root: &mut TftpRoot) {
    root.insert(
        "P00308010200.loads",
        "P00308010200\r\nP00308010200.sbn\r\nP00308010200.sb2\r\n",
    );
    for extension in ["bin", "sbn", "sb2"] {
        root.insert(format!("P00308010200.{extension}"), IMAGE);
    }
}

#[test]
fn sccp_3_told_to_run_sccp_8_takes_the_packages_bin_loader_first() {
    let mut root = TftpRoot::new();
    root.insert(
        "XMLDefault.cnf.xml",
        "<Default><loadInformation8 model=\"IP Phone 7940\">P00308010200</loadInformation8></Default>\n",
    );
    sccp_8_1_2_package(&mut root);
    let boot = boot("P0030301MFG2", &root);
    assert_eq!(
        boot.fetched,
        [
            "P00308010200.bin",
            "P00308010200.loads",
            "P00308010200.sbn",
            "P00308010200.sb2"
        ]
    );
    assert_eq!(boot.result, BootResult::Upgraded);
    assert_eq!(
        boot.detail,
        "took the loader in P00308010200.bin, which fetched P00308010200 and rebooted into it"
    );
}

#[test]
fn sip_6_told_to_run_sccp_8_fetches_it_as_an_image_of_its_own_era() {
    let mut root = TftpRoot::new();
    root.insert("SIPDefault.cnf", "image_version: P00308010200\n");
    sccp_8_1_2_package(&mut root);
    let boot = boot("P0S3-06-3-00", &root);
    assert_eq!(boot.fetched, ["P00308010200.sbn"]);
    assert_eq!(boot.result, BootResult::Upgraded);
    assert_eq!(boot.after, "P00308010200");
}

#[test]
fn sccp_3_told_by_xmldefault_to_run_a_sip_7_application_fetches_its_bin_and_refuses_it() {
    // MARKWILSON-2008: "Upgrading Software", then "Load ID Incorrect".
    let mut root = TftpRoot::new();
    root.insert(
        "XMLDefault.cnf.xml",
        "<Default><loadInformation8 model=\"IP Phone 7940\">P0S3-07-4-00</loadInformation8></Default>\n",
    );
    root.insert("P0S3-07-4-00.bin", IMAGE);
    let boot = boot("P0030301MFG2", &root);
    assert_eq!(boot.fetched, ["P0S3-07-4-00.bin"]);
    assert_eq!(boot.result, BootResult::Refused);
    assert_eq!(boot.screen, ["Upgrading Software", "Load ID Incorrect"]);
}
