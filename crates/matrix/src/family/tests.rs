use super::*;

/// Load IDs of each family: the ID, its protocol, family, release and signing-key era.
const LOAD_IDS: &[(&str, JavaProtocol, &str, &str, KeyEra)] = &[
    (
        "SCCP41.9-4-2SR3-1S",
        JavaProtocol::Sccp,
        "41",
        "9.4(2)SR3",
        KeyEra::New,
    ),
    (
        "SIP41.9-4-2SR3-1S",
        JavaProtocol::Sip,
        "41",
        "9.4(2)SR3",
        KeyEra::New,
    ),
    (
        "SCCP11.9-4-2SR1-1S",
        JavaProtocol::Sccp,
        "11",
        "9.4(2)SR1",
        KeyEra::New,
    ),
    (
        "SIP11.8-5-4S",
        JavaProtocol::Sip,
        "11",
        "8.5(4)",
        KeyEra::New,
    ),
    (
        "SCCP45.9-4-2SR4-3S",
        JavaProtocol::Sccp,
        "45",
        "9.4(2)SR4",
        KeyEra::New,
    ),
    (
        "SCCP70.8-2-2SR2S",
        JavaProtocol::Sccp,
        "70",
        "8.2(2)SR2",
        KeyEra::Old,
    ),
    (
        "SCCP75.8-5-2S",
        JavaProtocol::Sccp,
        "75",
        "8.5(2)",
        KeyEra::Dual,
    ),
    (
        "SCCP41.8-5-2SR1S",
        JavaProtocol::Sccp,
        "41",
        "8.5(2)SR1",
        KeyEra::New,
    ),
    (
        "SCCP41.8-3-3S",
        JavaProtocol::Sccp,
        "41",
        "8.3(3)",
        KeyEra::Dual,
    ),
    (
        "SCCP41.8-3-1S",
        JavaProtocol::Sccp,
        "41",
        "8.3(1)",
        KeyEra::Old,
    ),
    (
        "SCCP41.8-3-1-21S",
        JavaProtocol::Sccp,
        "41",
        "8.3(1)",
        KeyEra::Old,
    ),
    (
        "SCCP41.8-0-4ES4-0-1S",
        JavaProtocol::Sccp,
        "41",
        "8.0(4)ES4-0-1",
        KeyEra::Old,
    ),
    (
        "TERM41.7-0-3-0S",
        JavaProtocol::Term,
        "41",
        "7.0(3)",
        KeyEra::Old,
    ),
    (
        "SCCP42.9-3-1-1S",
        JavaProtocol::Sccp,
        "42",
        "9.3(1)",
        KeyEra::New,
    ),
    (
        "SIP70.8-0-3S.loads",
        JavaProtocol::Sip,
        "70",
        "8.0(3)",
        KeyEra::Old,
    ),
];

#[test]
fn load_ids_of_every_family_parse_with_protocol_family_and_release() {
    for &(id, protocol, family, release, era) in LOAD_IDS {
        let load = JavaLoad::parse(id).unwrap_or_else(|| panic!("{id}"));
        assert_eq!(load.protocol(), protocol, "{id}");
        assert_eq!(load.family(), family, "{id}");
        assert_eq!(load.release().to_string(), release, "{id}");
        assert_eq!(load.key_era(), era, "{id}");
    }
    let dev = JavaLoad::parse("SCCP41.8-0-1-0DEV").unwrap();
    assert!(dev.is_development());
    assert_eq!(
        JavaLoad::parse("SIP41.9-4-2SR3-1S").unwrap().describe(),
        "SIP 9.4(2)SR3 for the 7941/7961"
    );
}

#[test]
fn other_names_are_no_java_load() {
    for name in [
        "P0S3-08-11-00",
        "P00308010200",
        "SCCP31.9-4-2S",
        "SCCP41.9-4-2SR3-1",
        "SCCP41",
        "SIP41.S",
        "SIP41.9-x-2S",
        "term41.default.loads",
        "",
        "SCCP41.9-4-2XX3S",
    ] {
        assert_eq!(JavaLoad::parse(name), None, "{name}");
    }
}

#[test]
fn releases_order_with_sr1_between_8_5_2_and_8_5_3() {
    let r = |t| Release::parse(t).unwrap();
    assert!(r("8.5(2)").cmp_release(&r("8.5(2)SR1")).is_lt());
    assert!(r("8.5(2)SR1").cmp_release(&r("8.5(3)")).is_lt());
    assert!(r("8.3(2)").cmp_release(&r("8.3(3)")).is_lt());
    assert!(r("9.0").cmp_release(&r("8.5(4)")).is_gt());
    assert_eq!(r("8.3(2)").key_era(), KeyEra::Old);
    assert_eq!(r("8.3(3)").key_era(), KeyEra::Dual);
    assert_eq!(r("8.5(2)").key_era(), KeyEra::Dual);
    assert_eq!(r("8.5(2)SR1").key_era(), KeyEra::New);
    assert_eq!(r("8.5(3)").key_era(), KeyEra::New);
    assert_eq!(Release::parse("8.5(2)XR1"), None);
    assert_eq!(Release::parse("8"), None);
}

#[test]
fn models_name_their_family_term_file_and_xml_default_element() {
    let m7961 = JavaModel::find("CP-7961G").unwrap();
    assert_eq!(m7961.family, "41");
    assert_eq!(m7961.term_file(), "term61.default.loads");
    assert_eq!(m7961.xml_default_element(), "loadInformation30018");
    assert_eq!(m7961.to_string(), "7961G");
    let ge = JavaModel::find("7961G-GE").unwrap();
    assert_eq!(ge.xml_default, 308);
    assert_eq!(ge.xml_default_model(), "IP Phone 7961G-GE");
    assert_eq!(JavaModel::find("7906").unwrap().term, "06");
    assert_eq!(JavaModel::find("7975G").unwrap().family, "75");
    for other in ["7940", "7960", "79", "7931", "7961X", ""] {
        assert_eq!(JavaModel::find(other), None, "{other}");
    }
    assert_eq!(JavaModel::family_models("70"), "7970/7971");
    assert!(JavaLoad::parse("SCCP11.9-4-2SR3-1S")
        .unwrap()
        .fits(&JavaModel::find("7906").unwrap()));
    assert!(!JavaLoad::parse("SCCP41.9-4-2SR3-1S")
        .unwrap()
        .fits(&JavaModel::find("7911").unwrap()));
}

#[test]
fn every_file_of_a_package_is_named() {
    let component = |name| match JavaFile::parse(name) {
        Some(JavaFile::Component {
            component,
            family,
            protocol,
            version,
        }) => (component, family, protocol, version),
        other => panic!("{name}: {other:?}"),
    };
    assert_eq!(
        component("jar41sccp.9-4-2ES26.sbn"),
        (
            Component::Jar,
            "41",
            Some(JavaProtocol::Sccp),
            "9-4-2ES26".into()
        )
    );
    assert_eq!(
        component("Jar11sip.8-2-2ES4.sbn"),
        (
            Component::Jar,
            "11",
            Some(JavaProtocol::Sip),
            "8-2-2ES4".into()
        )
    );
    assert_eq!(component("cnu41.9-4-2ES26.sbn").0, Component::Cnu);
    assert_eq!(component("apps45.9-4-2ES26.sbn").0, Component::Apps);
    assert_eq!(component("dsp70.8-2-2TR2.sbn").0, Component::Dsp);
    assert_eq!(
        component("CVM41.2-0-2-26.sbn"),
        (Component::Cvm, "41", None, "2-0-2-26".into())
    );
    assert_eq!(
        JavaFile::parse("/term61.default.loads"),
        Some(JavaFile::TermDefault(JavaModel::find("7961").unwrap()))
    );
    assert_eq!(
        JavaFile::parse("term06.default.loads").unwrap().family(),
        "11"
    );
    assert!(matches!(
        JavaFile::parse("SIP41.9-4-2SR3-1S.loads"),
        Some(JavaFile::Manifest(_))
    ));
    for other in [
        "P0S3-08-11-00.loads",
        "term31.default.loads",
        "jar31sccp.9-4-2ES26.sbn",
        "jar41xyz.9.sbn",
        "jar41sccp..sbn",
        "SEP001122334455.cnf.xml",
    ] {
        assert_eq!(JavaFile::parse(other), None, "{other}");
    }
}

#[test]
fn a_manifest_listing_more_than_the_cap_lists_none() {
    let list = |n: usize| -> String { (0..n).map(|i| format!("cnu41.{i}.sbn\r\n")).collect() };
    assert_eq!(
        manifest_components(&list(MAX_COMPONENTS)).len(),
        MAX_COMPONENTS
    );
    assert!(manifest_components(&list(MAX_COMPONENTS + 1)).is_empty());
    assert!(manifest_components(&list(1_000_000)).is_empty());
}
