use super::*;
use crate::knowledge::load_id::{Kind, Protocol};
use crate::wire::test_bytes::noise;

/// A CP-7940 on SCCP 8.1(2), as FusionInventory's "Specs for POIP" publishes it
/// (github.com/fusioninventory/fusioninventory.github.io `_documentation/dev/spec/poip.md`;
/// the serial number masked there, `MessageWaiting` ` OUI` on a French phone).
pub(crate) const CP_7940_SCCP_8_1_2: &str = r#"<?xml version="1.0" encoding="iso-8859-1"?>
<DeviceInformation>
   <MACAddress>0003E369A125</MACAddress>
   <HostName>SEP0003E369A125</HostName>
   <phoneDN>5920</phoneDN>
   <appLoadID>P00308010200</appLoadID>
   <bootLoadID>PC03A300</bootLoadID>
   <versionID>8.1(2.0)</versionID>
   <DSPLoadID>4.0(5.0)[A0]</DSPLoadID>
   <addonModule1></addonModule1>
   <addonModule2></addonModule2>
   <hardwareRevision>1.0</hardwareRevision>
   <serialNumber>INMXXXXXXX</serialNumber>
   <modelNumber>CP-7940</modelNumber>
   <Codec>ADLCodec</Codec>
   <Amps>3V Amp</Amps>
   <C3PORevision>2</C3PORevision>
   <MessageWaiting> OUI</MessageWaiting>
</DeviceInformation>
"#;

fn page(body: &str) -> String {
    format!("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n<DeviceInformation>{body}</DeviceInformation>")
}

#[test]
fn a_real_7940s_page_gives_its_mac_loads_version_and_model() {
    let info = parse_page(CP_7940_SCCP_8_1_2.as_bytes()).unwrap();
    assert_eq!(
        info,
        DeviceInfo {
            mac_address: Some("0003E369A125".into()),
            host_name: Some("SEP0003E369A125".into()),
            app_load_id: Some("P00308010200".into()),
            boot_load_id: Some("PC03A300".into()),
            version_id: Some("8.1(2.0)".into()),
            dsp_load_id: Some("4.0(5.0)[A0]".into()),
            model_number: Some("CP-7940".into()),
            serial_number: Some("INMXXXXXXX".into()),
            hardware_revision: Some("1.0".into()),
        }
    );
    assert_eq!(info.mac(), Mac::from_digits("0003E369A125"));
    let app = info.app_load().unwrap();
    assert_eq!(
        (app.name(), app.kind(), app.protocol()),
        ("P00308010200", Kind::Application, Some(Protocol::Sccp))
    );
    assert_eq!(info.boot_load().unwrap().kind(), Kind::Boot);
    assert_eq!(info.model(), Some(Model::M7940));
    assert_eq!(
        info.to_string(),
        "page of 0003E369A125: model CP-7940, app P00308010200, boot PC03A300, version 8.1(2.0)"
    );
}

#[test]
fn the_same_page_laid_out_otherwise_reads_the_same() {
    let sample = parse_page(CP_7940_SCCP_8_1_2.as_bytes()).unwrap();
    // Tabs, no declaration, other letter case, a comment, CDATA and entities.
    let other = "<deviceinformation>\n\t<macaddress>\t0003E369A125 </macaddress><!-- x -->\
        <HostName><![CDATA[SEP0003E369A125]]></HostName><appLoadID>P003&#48;8010200</appLoadID>\
        <BOOTLOADID>PC03A300</BOOTLOADID><versionID>8.1(2.0)</versionID>\
        <DSPLoadID>4.0(5.0)[A0]</DSPLoadID><hardwareRevision>1.0</hardwareRevision>\
        <serialNumber>INMXXXXXXX</serialNumber><modelNumber>CP-7940</modelNumber>\
        <MessageWaiting>no</MessageWaiting></deviceinformation>";
    assert_eq!(parse_page(other.as_bytes()).unwrap(), sample);
    let mut with_bom = b"\xef\xbb\xbf".to_vec();
    with_bom.extend(other.as_bytes());
    assert_eq!(parse_page(&with_bom).unwrap(), sample);
}

#[test]
fn other_phones_pages_read_but_name_no_7940_or_7960_load() {
    // A 7905G's values, as a PHP CUCM phone-inventory component on GitHub holds them.
    let cp_7905 = page(
        "<MACAddress>001111111111</MACAddress><HostName>SEP000000000000</HostName>\
         <appLoadID>CP7905080003SCCP070409A</appLoadID><bootLoadID>LD0100BOOT021112A</bootLoadID>\
         <versionID>8.0.3(070409A)</versionID><modelNumber>CP-7905G</modelNumber>",
    );
    let info = parse_page(cp_7905.as_bytes()).unwrap();
    assert_eq!(info.app_load_id.as_deref(), Some("CP7905080003SCCP070409A"));
    assert_eq!((info.app_load(), info.model()), (None, None));
    // A 6941's: a host name that is no SEP<MAC>, a load that is no 79x0 load ID.
    let cp_6941 = page(
        "<MACAddress>2323CA58E460</MACAddress><HostName>SEP44ER3CA58E460</HostName>\
         <appLoadID>SCCP 1.2.2.6</appLoadID><modelNumber>CP-6941</modelNumber><udi>phone</udi>",
    );
    let info = parse_page(cp_6941.as_bytes()).unwrap();
    assert_eq!(info.mac(), Mac::from_digits("2323CA58E460"));
    assert_eq!((info.app_load(), info.model()), (None, None));
    // A SIP 8.x 7960 (if one ever answered): its application load ID is read as such.
    let sip = parse_page(
        page("<appLoadID>P0S3-08-11-00</appLoadID><modelNumber>CP-7960G</modelNumber>").as_bytes(),
    )
    .unwrap();
    assert_eq!(sip.app_load().unwrap().protocol(), Some(Protocol::Sip));
    assert_eq!(sip.model(), Some(Model::M7960));
}

#[test]
fn missing_and_empty_values_are_none_and_the_encoding_is_the_declared_one() {
    let info = parse_page(
        page("<appLoadID/><versionID>  </versionID><MACAddress>nope</MACAddress>").as_bytes(),
    )
    .unwrap();
    assert_eq!(info.app_load_id, None);
    assert_eq!(info.version_id, None);
    assert_eq!(
        (info.mac_address.as_deref(), info.mac()),
        (Some("nope"), None)
    );
    assert_eq!(
        parse_page(b"<DeviceInformation/>").unwrap(),
        DeviceInfo::default()
    );
    // ISO-8859-1 as declared: one byte, one character.
    let mut latin = page("<HostName>caf").into_bytes();
    latin.truncate(latin.len() - "</DeviceInformation>".len());
    latin.extend(b"\xe9</HostName></DeviceInformation>");
    assert_eq!(
        parse_page(&latin).unwrap().host_name.as_deref(),
        Some("caf\u{e9}")
    );
    // Without the declaration the same byte is not UTF-8.
    assert_eq!(
        parse_page(b"<DeviceInformation><HostName>caf\xe9</HostName></DeviceInformation>"),
        Err(PageError::NotXml(
            "byte 32 is not UTF-8, and no ISO-8859-1 is declared".into()
        ))
    );
    // UTF-8 declared and sent.
    let utf8 = "<?xml version='1.0' encoding='UTF-8'?><DeviceInformation><HostName>caf\u{e9}</HostName></DeviceInformation>";
    assert_eq!(
        parse_page(utf8.as_bytes()).unwrap().host_name.as_deref(),
        Some("caf\u{e9}")
    );
}

#[test]
fn a_page_that_is_not_one_says_why() {
    for (body, error) in [
        (String::new(), PageError::Empty),
        ("   ".into(), PageError::Empty),
        ("Not Found".into(), PageError::Empty),
        (
            "<html><body>DeviceInformation</body></html>".into(),
            PageError::NotDeviceInformation {
                root: "html".into(),
            },
        ),
        (
            page("<appLoadID>A</appLoadID><APPLOADID>B</APPLOADID>"),
            PageError::Duplicate("appLoadID"),
        ),
        (
            page("<appLoadID/><appLoadID>B</appLoadID>"),
            PageError::Duplicate("appLoadID"),
        ),
        (
            page("<modelNumber><b>CP-7940</b></modelNumber>"),
            PageError::Nested("modelNumber"),
        ),
        (
            page("<modelNumber>CP-<br/>7940</modelNumber>"),
            PageError::Nested("modelNumber"),
        ),
    ] {
        assert_eq!(parse_page(body.as_bytes()), Err(error), "{body}");
    }
    for broken in [
        "<DeviceInformation>",
        "<DeviceInformation><appLoadID>x</versionID></DeviceInformation>",
        "<DeviceInformation></DeviceInformation><DeviceInformation/>",
        "<DeviceInformation><appLoadID>&bogus;</appLoadID></DeviceInformation>",
        "<DeviceInformation><appLoadID>&#0;</appLoadID></DeviceInformation>",
    ] {
        assert!(
            matches!(parse_page(broken.as_bytes()), Err(PageError::NotXml(_))),
            "{broken}: {:?}",
            parse_page(broken.as_bytes())
        );
    }
    assert_eq!(
        parse_page(&vec![b' '; MAX_PAGE_LEN + 1]),
        Err(PageError::TooLarge {
            len: MAX_PAGE_LEN + 1
        })
    );
    assert_eq!(
        PageError::NotDeviceInformation { root: "a\u{1b}[2J".into() }.to_string(),
        "the page is `<a\\u{1b}[2J>`, not `<DeviceInformation>`: this phone does not answer DeviceInformationX"
    );
}

#[test]
fn values_with_controls_are_kept_and_shown_escaped() {
    let info = parse_page(
        page("<HostName>SEP\u{1b}[2J&#10;x</HostName><MACAddress>0003E369A125</MACAddress>")
            .as_bytes(),
    )
    .unwrap();
    assert_eq!(info.host_name.as_deref(), Some("SEP\u{1b}[2J\nx"));
    let tricky =
        "<DeviceInformation><modelNumber>CP-7940\u{202e}</modelNumber></DeviceInformation>";
    let tricky = parse_page(tricky.as_bytes()).unwrap();
    let line = tricky.to_string();
    assert!(line.contains("CP-7940\\u{202e}"), "{line}");
    assert_eq!(tricky.model(), None);
}

#[test]
fn garbage_and_damaged_pages_never_panic() {
    let sample = CP_7940_SCCP_8_1_2.as_bytes();
    let alphabet = b"<>/&;#![]CDATA?x= \"'DeviceInformationappLoadID\xe9\n";
    for seed in 0..3000u64 {
        let mut bytes = noise(seed);
        let len = usize::from(bytes.next().unwrap()) * 2;
        let soup: Vec<u8> = bytes
            .by_ref()
            .take(len)
            .map(|b| alphabet[usize::from(b) % alphabet.len()])
            .collect();
        let _ = parse_page(&soup);
        let mut damaged = sample.to_vec();
        let at = usize::try_from(seed).unwrap() % sample.len();
        damaged[at] = bytes.next().unwrap();
        if let Ok(info) = parse_page(&damaged) {
            let _ = (info.to_string(), info.app_load(), info.mac());
        }
        let _ = parse_page(&sample[..at]);
    }
}
