#![no_main]
//! Every reader lint and the phone model use, on a TFTP root built from the input: never a panic.
use libfuzzer_sys::fuzz_target;
use phoneup::tftp_root::inventory::missing_for;
use phoneup::knowledge::load_id::LoadId;
use phoneup::files::loads::manifest as loads_manifest;
use phoneup::files::sip_default_cnf::image_version;
use phoneup::files::xml_default_cnf_xml::load_information;
use phoneup::phone::Phone;
use phoneup::tftp_root::TftpRoot;
use phoneup::Model;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\u{0}');
    let mut root = TftpRoot::new();
    for name in ["OS79XX.TXT", "SIPDefault.cnf", "XMLDefault.cnf.xml", "SIP001122334455.cnf", "P0S3-08-11-00.loads"] {
        if let Some(part) = parts.next() {
            root.insert(name, part.as_bytes());
        }
    }
    root.insert("P003-08-11-00.sbn", "x");
    let _ = image_version(&text);
    let _ = load_information(&text, "loadInformation8");
    let _ = loads_manifest(&text);
    let _ = missing_for(&root, "P0S3-08-11-00");
    let phone = Phone { mac: Some("001122334455".into()), ..Phone::new(Model::M7940) };
    for start in ["P0030301MFG2", "P0S3-06-3-00", "P003-08-11-00", "P0S3-08-11-00"] {
        let simulation = phone.simulate(&LoadId::parse(start).unwrap(), &root, 4);
        assert!(!simulation.boots.is_empty());
    }
});
