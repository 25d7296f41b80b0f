//! Load IDs of every form the field shows, and what each one means.

use super::*;

fn parse(text: &str) -> LoadId {
    LoadId::parse(text).unwrap_or_else(|e| panic!("{text} should parse: {e}"))
}

#[test]
fn names_of_protocols_kinds_and_eras_read_as_plans_and_json_print_them() {
    let protocols: Vec<String> = [Protocol::Sccp, Protocol::Sip, Protocol::Mgcp]
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(protocols, ["SCCP", "SIP", "MGCP"]);
    let kinds: Vec<String> = [Kind::Application, Kind::Loader, Kind::Boot, Kind::Dsp]
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(kinds, ["application", "loader", "boot", "dsp"]);
    let eras: Vec<String> = [Era::Unsigned, Era::Signed, Era::Ual]
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(eras, ["unsigned", "signed", "ual"]);
    assert!(!Era::Unsigned.is_signed() && Era::Signed.is_signed() && Era::Ual.is_signed());
    assert!(Kind::Loader.is_plannable() && !Kind::Dsp.is_plannable());
    assert_eq!(parse("P0S3-08-11-00").to_string(), "P0S3-08-11-00");
    assert_eq!(Version::new(8, 11).to_string(), "8.11");
}

#[test]
fn the_version_line_and_the_order_of_loads_as_the_phone_and_the_catalogue_show_them() {
    let shown = |name| parse(name).display_version().unwrap();
    assert_eq!(shown("P00308010200"), "8.1(2)");
    assert_eq!(shown("P00308000501"), "8.0(5.1)");
    assert_eq!(shown("P0030801SR02"), "8.1(SR.2)");
    assert_eq!(shown("P0030301MFG2"), "3.1(MF.G2)");
    assert_eq!(shown("P0S3-08-11-00"), "8.11");
    assert_eq!(shown("P0S3-07-4-01"), "7.4(1)");
    assert_eq!(shown("P0S30202"), "2.2");
    assert_eq!(parse("PC03A300").display_version(), None);
    let mut loads: Vec<LoadId> = [
        "P0030801SR02",
        "P00308010200",
        "P00308000500",
        "P00308010201",
        "P00305000301",
    ]
    .iter()
    .map(|n| parse(n))
    .collect();
    loads.sort_by(LoadId::cmp_version);
    let names: Vec<&str> = loads.iter().map(LoadId::name).collect();
    assert_eq!(
        names,
        [
            "P00305000301",
            "P00308000500",
            "P00308010200",
            "P00308010201",
            "P0030801SR02"
        ]
    );
}

#[test]
fn sccp_long_form() {
    let id = parse("P00308010200");
    assert_eq!(id.kind(), Kind::Application);
    assert_eq!(id.protocol(), Some(Protocol::Sccp));
    assert_eq!((id.major(), id.minor()), (Some(8), Some(1)));
    assert_eq!((id.maintenance(), id.maintenance_sub()), (Some(2), Some(0)));
    assert_eq!(id.display_version().as_deref(), Some("8.1(2)"));
    assert_eq!(id.era(), Some(Era::Ual));
    assert_eq!(
        parse("P00305000301").display_version().as_deref(),
        Some("5.0(3.1)")
    );
    assert_eq!(parse("P00305000301").era(), Some(Era::Signed));
    let id = parse("P00305000301");
    assert_eq!((id.maintenance(), id.maintenance_sub()), (Some(3), Some(1)));
    assert_eq!(parse("P0S3-08-11-00").maintenance_sub(), None);
    assert_eq!(
        parse("P00303020214").display_version().as_deref(),
        Some("3.2(2.14)")
    );
    assert_eq!(
        parse("P00308001000").display_version().as_deref(),
        Some("8.0(10)")
    );
}

#[test]
fn service_release_has_letters_in_positions_nine_to_twelve() {
    let id = parse("P0030801SR02");
    assert_eq!(id.protocol(), Some(Protocol::Sccp));
    assert_eq!(id.service_release(), Some(2));
    assert_eq!(id.maintenance(), None);
    assert_eq!(id.display_version().as_deref(), Some("8.1(SR.2)"));
}

#[test]
fn manufacturing_load() {
    let id = parse("P0030301MFG2");
    assert_eq!(id.kind(), Kind::Application);
    assert_eq!(id.protocol(), Some(Protocol::Sccp));
    assert_eq!(id.tag(), Some("MF.G2"));
    assert_eq!(id.display_version().as_deref(), Some("3.1(MF.G2)"));
    assert_eq!(id.era(), Some(Era::Unsigned));
}

#[test]
fn sip_dashed_with_and_without_leading_zero() {
    let id = parse("P0S3-06-3-00");
    assert_eq!(id.protocol(), Some(Protocol::Sip));
    assert_eq!(id.display_version().as_deref(), Some("6.3"));
    assert_eq!(id.era(), Some(Era::Signed));
    let twelve = parse("P0S3-8-12-00");
    assert_eq!((twelve.major(), twelve.minor()), (Some(8), Some(12)));
    assert_eq!(twelve.display_version().as_deref(), Some("8.12"));
    assert_eq!(twelve.era(), Some(Era::Ual));
    assert_eq!(parse("P0S3-07-4-00").era(), Some(Era::Ual));
    assert_eq!(parse("P0S3-04-4-00").era(), Some(Era::Unsigned));
}

#[test]
fn eight_and_zero_eight_are_the_same_load_but_keep_their_spelling() {
    let a = parse("P0S3-8-11-00");
    let b = parse("P0S3-08-11-00");
    assert_eq!(a.match_key(), b.match_key());
    assert_eq!(a.name(), "P0S3-8-11-00");
    assert_eq!(b.name(), "P0S3-08-11-00");
    assert_ne!(parse("P0S3-08-1-00").match_key(), b.match_key());
}

#[test]
fn mgcp_is_recognised() {
    let id = parse("P0M3-07-7-00");
    assert_eq!(id.protocol(), Some(Protocol::Mgcp));
    assert_eq!(
        id.era(),
        Some(Era::Ual),
        "MGCP 7.x packages carry the loader"
    );
    assert_eq!(
        parse("P0M3-06-1-00").era(),
        None,
        "signed, but pre-UAL or UAL is unknown"
    );
    assert_eq!(parse("P0M3-04-1-00").era(), Some(Era::Unsigned));
    assert_eq!(parse("P0M3-07-0-00").era(), Some(Era::Ual), "from 7.0 on");
}

#[test]
fn ual_loader_has_sccp_character_but_is_a_loader() {
    for text in ["P003-08-2-00", "P003-8-11-00", "P003-07-4-00"] {
        let id = parse(text);
        assert_eq!(id.kind(), Kind::Loader, "{text}");
        assert_eq!(id.protocol(), None, "{text}");
        assert_eq!(id.era(), Some(Era::Ual), "{text}");
    }
}

#[test]
fn early_short_names() {
    let sip = parse("P0S30202");
    assert_eq!(sip.protocol(), Some(Protocol::Sip));
    assert_eq!(sip.display_version().as_deref(), Some("2.2"));
    let sccp = parse("P0030301");
    assert_eq!(sccp.protocol(), Some(Protocol::Sccp));
    assert_eq!(sccp.era(), Some(Era::Unsigned));
}

#[test]
fn boot_load() {
    let id = parse("PC0303010200");
    assert_eq!(id.kind(), Kind::Boot);
    assert_eq!(id.protocol(), None);
    assert_eq!(id.era(), None);
    assert_eq!(id.display_version(), None);
    // The short forms a 7940 shows (FRGTECH, GLPI-DEVINFO).
    assert_eq!(parse("PC030301").kind(), Kind::Boot);
    assert_eq!(parse("PC03A300").kind(), Kind::Boot);
    assert!(!Kind::Boot.is_plannable());
}

#[test]
fn dsp_load() {
    let id = parse("PS03AT46");
    assert_eq!(id.kind(), Kind::Dsp);
    assert_eq!(id.era(), None);
    assert_ne!(id.match_key(), parse("PC03AT46").match_key());
    assert!(matches!(
        LoadId::parse("PS04AT46"),
        Err(LoadIdError::OtherPlatform { digit: '4', .. })
    ));
}

#[test]
fn file_names_are_accepted_and_keep_their_extension() {
    let id = parse("P0S3-8-11-00.loads");
    assert_eq!(id.name(), "P0S3-8-11-00");
    assert_eq!(id.extension(), Some("loads"));
    assert_eq!(parse("P003-08-2-00.sbn").kind(), Kind::Loader);
    assert_eq!(parse("P0S3-08-11-00.sb2").extension(), Some("sb2"));
    assert_eq!(parse("P00308010200.BIN").extension(), Some("BIN"));
}

#[test]
fn lower_case_input_is_recognised_and_kept() {
    let id = parse("p0s3-08-11-00");
    assert_eq!(id.protocol(), Some(Protocol::Sip));
    assert_eq!(id.name(), "p0s3-08-11-00");
}

#[test]
fn other_platforms_are_named() {
    let err = LoadId::parse("P00405000700").unwrap_err();
    assert!(matches!(
        err,
        LoadIdError::OtherPlatform {
            digit: '4',
            device: "the 7910",
            ..
        }
    ));
    let err = LoadId::parse("P00503021900").unwrap_err();
    assert!(matches!(
        err,
        LoadIdError::OtherPlatform {
            device: "the 7935",
            ..
        }
    ));
    let err = LoadId::parse("PC0403010200").unwrap_err();
    assert!(matches!(err, LoadIdError::OtherPlatform { .. }));
}

#[test]
fn unknown_protocol_character() {
    let err = LoadId::parse("P0X3-08-11-00").unwrap_err();
    assert_eq!(
        err,
        LoadIdError::UnknownProtocol {
            input: "P0X3-08-11-00".into(),
            ch: 'X'
        }
    );
}

#[test]
fn letter_o_instead_of_zero() {
    let err = LoadId::parse("POS3-06-3-00").unwrap_err();
    assert_eq!(
        err,
        LoadIdError::LetterO {
            input: "POS3-06-3-00".into(),
            corrected: "P0S3-06-3-00".into()
        }
    );
}

#[test]
fn other_families_are_named() {
    for text in [
        "SIP41.9-4-2SR3-1S",
        "SCCP41.8-5-2SR1S",
        "CP7912080004SCCP080108A",
        "ATA030100SCCP040211A.zup",
    ] {
        assert!(
            matches!(LoadId::parse(text), Err(LoadIdError::OtherFamily { .. })),
            "{text}"
        );
    }
}

#[test]
fn junk_is_rejected_without_panicking() {
    for text in [
        "",
        " ",
        "P",
        "P0",
        "P0S3",
        "P0S3-",
        "P0S3-08-11-0",
        "P0S3-123-1-00",
        "hello",
        "P0S3-08-11-00.zip",
        "P00308010200X",
        "PC03",
        "PO",
        "P\u{e9}S3-08-11-00",
        "P0S\u{e9}",
        "P0S3-\u{661}\u{661}-1-00",
        "..loads",
        ".bin",
    ] {
        assert!(LoadId::parse(text).is_err(), "{text:?} should be rejected");
    }
}

/// The hand-written matcher accepts exactly what the patterns of the load-ID grammar do.
#[test]
fn the_matcher_agrees_with_the_grammar_as_regular_expressions() {
    let patterns = [
        (
            r"^P0(.)(.)-([0-9]{1,2})-([0-9]{1,2})-([0-9]{2})$",
            Form::Dashed,
        ),
        (r"^P0(.)(.)([0-9]{2})([0-9]{2})([0-9A-Z]{4})$", Form::Long),
        (r"^P0(.)(.)([0-9]{2})([0-9]{2})$", Form::Short),
    ]
    .map(|(p, form)| (regex::Regex::new(p).unwrap(), form));
    let alphabet: Vec<char> = "P0S3M-C9A1SRG2\u{e9}\u{661}".chars().collect();
    let samples = [
        "P0S3-08-11-00",
        "P0S3-8-12-00",
        "P00308010200",
        "P0030801SR02",
        "P0S30202",
    ];
    let mut seed = 11u64;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let (mut matched, mut total) = (0, 0);
    for round in 0..200_000 {
        // Valid names with one or two characters changed, inserted or removed, and noise.
        let mut chars: Vec<char> = if round % 4 == 0 {
            "P0".chars().collect()
        } else {
            samples[next() % samples.len()].chars().collect()
        };
        for _ in 0..1 + next() % 3 {
            let at = next() % (chars.len() + 1);
            let c = alphabet[next() % alphabet.len()];
            match next() % 3 {
                0 if at < chars.len() => chars[at] = c,
                1 if at < chars.len() && chars.len() > 2 => {
                    chars.remove(at);
                }
                _ => chars.insert(at, c),
            }
        }
        let text: String = chars.into_iter().collect();
        let expected = patterns.iter().find_map(|(re, form)| {
            re.captures(&text).map(|c| {
                let field = |i: usize| c.get(i).map_or("", |m| m.as_str());
                let last = if *form == Form::Short { "" } else { field(5) };
                (
                    field(1).chars().next().unwrap(),
                    field(2).chars().next().unwrap(),
                    *form,
                    [field(3), field(4), last],
                )
            })
        });
        total += 1;
        matched += usize::from(expected.is_some());
        assert_eq!(application_fields(&text), expected, "{text:?}");
    }
    assert!(
        matched > total / 20,
        "only {matched} of {total} inputs matched"
    );
}

#[test]
fn versions_parse_and_order() {
    assert_eq!(Version::parse("5.0"), Some(Version::new(5, 0)));
    assert!(Version::parse("4.4").unwrap() < Version::parse("5.0").unwrap());
    assert!(Version::parse("8.2").unwrap() < Version::parse("8.12").unwrap());
    assert_eq!(Version::parse("five"), None);
    assert_eq!(Version::parse("5"), None);
}
