use super::*;
use crate::phone::server::{RootServer, ServerBehaviour};
use crate::tftp_root::TftpRoot;

pub(crate) const MAC: &str = "0018B9FFFFFF";

fn phone() -> JavaPhone {
    JavaPhone {
        model: JavaModel::find("7961").unwrap(),
        mac: MAC.into(),
    }
}

fn load(id: &str) -> JavaLoad {
    JavaLoad::parse(id).unwrap()
}

/// A root whose SEP file names `to`, with its manifest and components.
pub(crate) fn root_for(to: &str, components: &[&str]) -> TftpRoot {
    let mut root = TftpRoot::new();
    root.insert(
        format!("SEP{MAC}.cnf.xml"),
        format!("<device>\n<loadInformation>{to}</loadInformation>\n</device>\n"),
    );
    let mut manifest = format!("{to}.loads\r\n# RELEASE load version\r\n");
    for c in components {
        manifest.push_str(&format!("{c} \r\n"));
        root.insert(*c, b"stand-in".to_vec());
    }
    root.insert(format!("{to}.loads"), manifest);
    root
}

pub(crate) const SIP_9: [&str; 5] = [
    "jar41sip.9-4-2ES26.sbn",
    "cnu41.9-4-2ES26.sbn",
    "apps41.9-4-2ES26.sbn",
    "dsp41.9-4-2ES26.sbn",
    "cvm41sip.9-4-2ES26.sbn",
];

#[test]
fn a_dual_key_phone_takes_the_load_its_sep_file_names_and_settles() {
    let root = root_for("SIP41.9-4-2SR3-1S", &SIP_9);
    let mut server = RootServer {
        root: &root,
        behaviour: ServerBehaviour::FileNotFound,
    };
    let simulation = phone().simulate(&load("SCCP41.8-5-2S"), &mut server, 6);
    assert!(simulation.settled());
    let boots = simulation.boots;
    assert_eq!(
        boots[0].result,
        JavaResult::Took("SIP41.9-4-2SR3-1S".into())
    );
    let files: Vec<&str> = boots[0].requests.iter().map(|r| r.file.as_str()).collect();
    assert_eq!(
        files[..3],
        [
            format!("CTLSEP{MAC}.tlv"),
            format!("SEP{MAC}.cnf.xml"),
            "SIP41.9-4-2SR3-1S.loads".to_string()
        ]
    );
    assert_eq!(files[3..], SIP_9);
    // On 9.x it asks for the ITL files too, then stays.
    assert_eq!(boots[1].result, JavaResult::Stayed);
    assert_eq!(boots[1].requests[1].file, format!("ITLSEP{MAC}.tlv"));
    assert_eq!(boots.len(), 2);
}

#[test]
fn the_seeds_ctlsep_loop_and_the_old_key_auth_fail() {
    let root = root_for("SIP41.9-4-2SR3-1S", &SIP_9);
    let mut wrong = RootServer {
        root: &root,
        behaviour: ServerBehaviour::WrongError,
    };
    let simulation = phone().simulate(&load("SCCP41.8-3-1S"), &mut wrong, 6);
    assert_eq!(simulation.ending, "loop");
    assert!(simulation.fix.as_deref().unwrap().contains("TFTP error 1"));
    let boots = simulation.boots;
    assert_eq!(boots.len(), 1);
    assert_eq!(boots[0].result, JavaResult::Loop);
    assert_eq!(boots[0].requests.len(), 3);
    assert!(boots[0]
        .requests
        .iter()
        .all(|r| r.file == format!("CTLSEP{MAC}.tlv")));
    let mut good = RootServer {
        root: &root,
        behaviour: ServerBehaviour::FileNotFound,
    };
    let simulation = phone().simulate(&load("SCCP41.8-3-1S"), &mut good, 6);
    assert_eq!(simulation.ending, "stuck");
    assert!(simulation.fix.as_deref().unwrap().contains("8.5(2)"));
    let boots = simulation.boots;
    assert_eq!(
        boots[0].result,
        JavaResult::AuthFail("SIP41.9-4-2SR3-1S".into())
    );
}

#[test]
fn a_missing_component_or_another_familys_load_keeps_the_phone_on_its_load() {
    let mut root = root_for("SIP41.9-4-2SR3-1S", &SIP_9);
    root.remove("dsp41.9-4-2ES26.sbn");
    let mut server = RootServer {
        root: &root,
        behaviour: ServerBehaviour::FileNotFound,
    };
    let boot = phone().boot(1, &load("SCCP41.9-4-2SR1-1S"), &mut server);
    assert_eq!(
        boot.result,
        JavaResult::Missing("dsp41.9-4-2ES26.sbn".into())
    );
    let root = root_for("SCCP11.9-4-2SR3-1S", &[]);
    let mut server = RootServer {
        root: &root,
        behaviour: ServerBehaviour::FileNotFound,
    };
    let boot = phone().boot(1, &load("SCCP41.9-4-2SR1-1S"), &mut server);
    assert_eq!(
        boot.result,
        JavaResult::WrongFamily("SCCP11.9-4-2SR3-1S".into())
    );
    // A manifest that is not there is missing, whatever its key.
    let root = TftpRoot::new();
    let mut root = root;
    root.insert(
        format!("SEP{MAC}.cnf.xml"),
        "<device><loadInformation>SIP41.9-4-2SR3-1S</loadInformation></device>",
    );
    let mut server = RootServer {
        root: &root,
        behaviour: ServerBehaviour::FileNotFound,
    };
    let boot = phone().boot(1, &load("SCCP41.8-3-1S"), &mut server);
    assert_eq!(
        boot.result,
        JavaResult::Missing("SIP41.9-4-2SR3-1S.loads".into())
    );
    // XMLDefault.cnf.xml's element for the model, when there is no SEP file.
    let mut root = TftpRoot::new();
    root.insert("XMLDefault.cnf.xml", "<Default><loadInformation30018 model=\"IP Phone 7961\">SCCP41.9-4-2SR1-1S</loadInformation30018></Default>");
    let mut server = RootServer {
        root: &root,
        behaviour: ServerBehaviour::FileNotFound,
    };
    let boot = phone().boot(1, &load("SCCP41.9-4-2SR1-1S"), &mut server);
    assert_eq!(boot.result, JavaResult::Stayed);
}

#[test]
fn a_sep_file_that_is_not_well_formed_xml_is_read_leniently_as_before() {
    // No closing </device>, and a stray `&`: not well-formed, but it names a load.
    let mut root = root_for("SIP41.9-4-2SR3-1S", &SIP_9);
    root.insert(
        format!("SEP{MAC}.cnf.xml"),
        "<device>\n<loadInformation>SIP41.9-4-2SR3-1S</loadInformation>\n<x>&</x>\n",
    );
    assert!(crate::files::xml_default_cnf_xml::configured_load(
        &root.text(&format!("SEP{MAC}.cnf.xml")).unwrap(),
        JavaReads::Own
    )
    .is_err());
    let mut server = RootServer {
        root: &root,
        behaviour: ServerBehaviour::FileNotFound,
    };
    let simulation = phone().simulate(&load("SCCP41.8-5-2S"), &mut server, 6);
    assert_eq!(
        simulation.boots[0].result,
        JavaResult::Took("SIP41.9-4-2SR3-1S".into())
    );
}
