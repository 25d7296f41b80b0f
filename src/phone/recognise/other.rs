//! Names of other Cisco phones' files, and which phones they are for: the 79x1 family
//! (7906G to 7975G), whose names a log of a mixed bench shows beside the 7940/7960's. Kept as
//! data, one row per family, so that a family phoneup comes to plan is one `planned: true`
//! away. Sources (research on the 79x1 family, §2): Cisco's Unified CME guides (the 7911's file
//! set `SCCP11.7-2-1-0S.loads`, `term06.default.loads`, `term11.default.loads`, `jar11...`,
//! `cnu11...`; the `load` command's `SCCP41.8-3-3S.loads`, `Jar41.2-9-2-26.sbn`), the packages
//! of wazo-provd-plugins (`term41.default.loads`, `term61.default.loads`, ... per package), and
//! public logs (a 7906G asking for `term06.default.loads`, tickett.wordpress.com; a 7911G
//! fetching `term11.default.loads`, `Jar11sip.8-2-2ES4.sbn`, `cnu11.8-2-2ES4.sbn`,
//! sysop.ca; a 7942G asking for `ITLSEP<MAC>.tlv` and `ITLFile.tlv`, waynemerricks/
//! Cisco7942FreePBX).

use std::fmt;

/// A family of other phones: the code its packages' files carry and the phones they are for.
#[derive(Debug, PartialEq, Eq)]
pub struct Family {
    /// The code in its packages' file names (`11` in `SCCP11...`, `jar11...`).
    pub code: &'static str,
    /// The phones its packages are for, as people name them.
    pub phones: &'static str,
    /// The code of each phone's `term<NN>.default.loads` (the load a phone fetches after a
    /// factory reset), and the phone.
    pub terms: &'static [(&'static str, &'static str)],
    /// Whether phoneup plans upgrades for this family.
    pub planned: bool,
}

/// The 79x1 family, one row per package pair (Cisco ships one package for two phones).
pub const FAMILIES: [Family; 7] = [
    Family {
        code: "11",
        phones: "7906G/7911G",
        terms: &[("06", "7906G"), ("11", "7911G")],
        planned: false,
    },
    Family {
        code: "41",
        phones: "7941G/7961G",
        terms: &[("41", "7941G"), ("61", "7961G")],
        planned: false,
    },
    Family {
        code: "42",
        phones: "7942G/7962G",
        terms: &[("42", "7942G"), ("62", "7962G")],
        planned: false,
    },
    Family {
        code: "45",
        phones: "7945G/7965G",
        terms: &[("45", "7945G"), ("65", "7965G")],
        planned: false,
    },
    Family {
        code: "70",
        phones: "7970G/7971G",
        terms: &[("70", "7970G"), ("71", "7971G")],
        planned: false,
    },
    Family {
        code: "75",
        phones: "7975G",
        terms: &[("75", "7975G")],
        planned: false,
    },
    Family {
        code: "31",
        phones: "7931G",
        terms: &[("31", "7931G")],
        planned: false,
    },
];

/// Which of another phone's files a name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `term<NN>.default.loads`: the load a phone of one model fetches after a factory reset.
    DefaultLoads,
    /// `SCCP<NN>.<version>.loads`, `SIP<NN>...`, `TERM<NN>...`: a load's manifest.
    Loads,
    /// `jar`, `cnu`, `apps`, `dsp` or `cvm<NN>...sbn`: one of a load's five files.
    Component,
    /// `ITLSEP<MAC>.tlv` or `ITLFile.tlv`: the identity trust list, which a 79x1 phone asks
    /// for after `CTLSEP<MAC>.tlv` and no 7940/7960 asks for.
    TrustList,
}

/// Another phone's file: its family when the name carries the code, the one phone when it is
/// a `term<NN>.default.loads`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OtherPhone {
    pub family: Option<&'static Family>,
    pub phone: Option<&'static str>,
    pub kind: Kind,
}

impl OtherPhone {
    /// Which phone's file `name` is, if another phone's (case is ignored).
    pub fn of(name: &str) -> Option<OtherPhone> {
        if name.eq_ignore_ascii_case("ITLFile.tlv") || is_itl_sep(name) {
            return Some(OtherPhone {
                family: None,
                phone: None,
                kind: Kind::TrustList,
            });
        }
        let (stem, ext) = name.rsplit_once('.')?;
        let (head, version) = stem.split_once('.').unwrap_or((stem, ""));
        if let Some(code) = strip_prefix_ignore_case(head, "term") {
            if ext.eq_ignore_ascii_case("loads") && version.eq_ignore_ascii_case("default") {
                let (family, phone) = FAMILIES.iter().find_map(|family| {
                    let (_, phone) = family.terms.iter().find(|(c, _)| *c == code)?;
                    Some((family, *phone))
                })?;
                return Some(OtherPhone {
                    family: Some(family),
                    phone: Some(phone),
                    kind: Kind::DefaultLoads,
                });
            }
        }
        let (prefixes, kind, extension): (&[&str], Kind, &str) =
            if ext.eq_ignore_ascii_case("loads") {
                (&["sccp", "sip", "term"], Kind::Loads, "loads")
            } else {
                (
                    &["jar", "cnu", "apps", "dsp", "cvm"],
                    Kind::Component,
                    "sbn",
                )
            };
        if !ext.eq_ignore_ascii_case(extension) || version.is_empty() {
            return None;
        }
        let rest = prefixes
            .iter()
            .find_map(|p| strip_prefix_ignore_case(head, p))?;
        let code = rest.get(..2)?;
        let protocol = &rest[2..];
        if !(protocol.is_empty()
            || (kind == Kind::Component
                && ["sccp", "sip"]
                    .iter()
                    .any(|p| protocol.eq_ignore_ascii_case(p))))
        {
            return None;
        }
        let family = FAMILIES.iter().find(|f| f.code == code)?;
        Some(OtherPhone {
            family: Some(family),
            phone: None,
            kind,
        })
    }

    /// The phones, as a report names them: `7906G`, `7906G/7911G`, or the whole family.
    pub fn phones(&self) -> &'static str {
        match (self.phone, self.family) {
            (Some(phone), _) => phone,
            (None, Some(family)) => family.phones,
            (None, None) => "79x1",
        }
    }

    /// Whose file this is, in words: `a 7906G's file`, `a 7906G/7911G file`, or for a trust
    /// list, `a file 79x1 phones ask for (7906G to 7975G)`.
    pub fn file_words(&self) -> String {
        match (self.phone, self.family) {
            (Some(phone), _) => format!("a {phone}'s file"),
            (None, Some(family)) => format!("a {} file", family.phones),
            (None, None) => "a file 79x1 phones ask for (7906G to 7975G)".into(),
        }
    }

    /// Whether phoneup plans upgrades for these phones.
    pub fn planned(&self) -> bool {
        self.family.is_some_and(|f| f.planned)
    }
}

impl fmt::Display for OtherPhone {
    /// `a 7906G load or hunt, not planned by phoneup`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let phones = self.phones();
        let what = match (self.phone, self.family) {
            (None, None) => "a 79x1 phone's hunt (7906G to 7975G)".to_string(),
            _ => format!("a {phones} load or hunt"),
        };
        if self.planned() {
            f.write_str(&what)
        } else {
            write!(f, "{what}, not planned by phoneup")
        }
    }
}

/// `ITLSEP<MAC>.tlv`, any case.
fn is_itl_sep(name: &str) -> bool {
    let Some(rest) = strip_prefix_ignore_case(name, "ITLSEP") else {
        return false;
    };
    let Some(mac) = rest
        .len()
        .checked_sub(4)
        .filter(|&at| rest.is_char_boundary(at) && rest[at..].eq_ignore_ascii_case(".tlv"))
        .map(|at| &rest[..at])
    else {
        return false;
    };
    mac.len() == 12 && mac.bytes().all(|b| b.is_ascii_hexdigit())
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::load_id::{LoadId, LoadIdError};

    #[test]
    fn the_names_of_the_field_logs_and_cisco_guides() {
        let cases = [
            ("term06.default.loads", Some("7906G"), Kind::DefaultLoads),
            ("term11.default.loads", Some("7911G"), Kind::DefaultLoads),
            ("TERM61.DEFAULT.LOADS", Some("7961G"), Kind::DefaultLoads),
            ("SCCP11.7-2-1-0S.loads", Some("7906G/7911G"), Kind::Loads),
            ("SIP41.9-4-2SR3-1S.loads", Some("7941G/7961G"), Kind::Loads),
            ("TERM41.7-0-3-0S.loads", Some("7941G/7961G"), Kind::Loads),
            (
                "Jar11sip.8-2-2ES4.sbn",
                Some("7906G/7911G"),
                Kind::Component,
            ),
            ("cnu41.8-3-0-50.sbn", Some("7941G/7961G"), Kind::Component),
            ("CVM41.2-0-2-26.sbn", Some("7941G/7961G"), Kind::Component),
            (
                "jar70sccp.8-2-2TR2.sbn",
                Some("7970G/7971G"),
                Kind::Component,
            ),
            ("apps45.9-4-2ES26.sbn", Some("7945G/7965G"), Kind::Component),
            ("ITLSEP000E84C060A6.tlv", None, Kind::TrustList),
            ("ITLFile.tlv", None, Kind::TrustList),
        ];
        for (name, phones, kind) in cases {
            let other = OtherPhone::of(name).unwrap_or_else(|| panic!("{name}"));
            assert_eq!(other.kind, kind, "{name}");
            assert_eq!(Some(other.phones()), phones.or(Some("79x1")), "{name}");
            assert!(!other.planned());
        }
        assert_eq!(
            OtherPhone::of("term06.default.loads").unwrap().to_string(),
            "a 7906G load or hunt, not planned by phoneup"
        );
        assert_eq!(
            OtherPhone::of("ITLFile.tlv").unwrap().to_string(),
            "a 79x1 phone's hunt (7906G to 7975G), not planned by phoneup"
        );
        let words = |name| OtherPhone::of(name).unwrap().file_words();
        assert_eq!(words("term11.default.loads"), "a 7911G's file");
        assert_eq!(words("cnu11.8-2-2ES4.sbn"), "a 7906G/7911G file");
        assert_eq!(
            words("ITLFile.tlv"),
            "a file 79x1 phones ask for (7906G to 7975G)"
        );
    }

    #[test]
    fn the_7940_7960s_own_names_and_near_misses_are_not_another_phones() {
        for name in [
            "P0S3-08-11-00.loads",
            "P003-08-11-00.sbn",
            "CTLSEP0018B9000001.tlv",
            "term99.default.loads",
            "term06.loads",
            "term06.default.sbn",
            "SCCP99.8-5-2S.loads",
            "SCCP41.loads",
            "jar41.8-5-2.bin",
            "jar41xyz.8-5-2.sbn",
            "ITLSEP0018B9.tlv",
            "ITLSEPéééééé.tlv",
            "x",
            "",
        ] {
            assert_eq!(OtherPhone::of(name), None, "{name}");
        }
    }

    #[test]
    fn every_load_manifest_named_here_is_one_identify_calls_another_family() {
        // One home for what a load name says: `identify` (load_id) refuses these as another
        // phone's loads, and this table names the phones.
        for family in &FAMILIES {
            for prefix in ["SCCP", "SIP", "TERM"] {
                let name = format!("{prefix}{}.9-4-2SR3-1S.loads", family.code);
                assert!(OtherPhone::of(&name).is_some(), "{name}");
                assert!(
                    matches!(LoadId::parse(&name), Err(LoadIdError::OtherFamily { .. })),
                    "{name}"
                );
            }
            for (code, _) in family.terms {
                let name = format!("term{code}.default.loads");
                assert!(
                    matches!(LoadId::parse(&name), Err(LoadIdError::OtherFamily { .. })),
                    "{name}"
                );
            }
        }
    }
}
