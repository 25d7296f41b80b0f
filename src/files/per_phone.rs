//! The per-phone files (`CTLSEP<MAC>.tlv`, `SEP<MAC>.cnf.xml`, `SEP<MAC>.cnf`, `SIP<MAC>.cnf`,
//! `MGC<MAC>.cnf`): the one place that names them for a MAC and reads a name back to the file
//! and its MAC.
//!
//! Letter case, one rule for every caller:
//! - [`PerPhoneFile::name`] is the name exactly as a phone asks for it: the prefix in upper
//!   case, the MAC as [`Mac`] shows it (upper case), the extension in lower case
//!   (`CTLSEP0018B9FFFFFF.tlv`). A server that matches names exactly (tftpd-hpa, atftpd,
//!   dnsmasq, phoneup serve) serves a file only under that name.
//! - [`PerPhoneFile::parse`] and [`PerPhoneFile::parse_any`] accept any letter case in the
//!   prefix, the MAC and the extension, as a case-folding server holds such files and some
//!   servers log the names lower-cased.
//! - [`PerPhoneFile::parse_exact`] accepts only the name a phone asks for: a name is exact when
//!   parsing it and naming the file again gives the same text.
//!
//! May use: [`crate::files::mac`].

use crate::files::mac::Mac;

/// Which per-phone file a name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PerPhoneFile {
    /// `CTLSEP<MAC>.tlv`, the trust list every UAL-era boot asks for first.
    CtlSep,
    /// `SEP<MAC>.cnf.xml`, the SCCP (and UAL hunt) per-phone file.
    SepXml,
    /// `SEP<MAC>.cnf`, the old SCCP images' per-phone file.
    SepCnf,
    /// `SIP<MAC>.cnf`, the SIP per-phone file.
    SipCnf,
    /// `MGC<MAC>.cnf`, the MGCP per-phone file.
    MgcCnf,
}

/// What stands for the MAC in a name written for any phone (`CTLSEP<MAC>.tlv`).
pub const MAC_PLACEHOLDER: &str = "<MAC>";

impl PerPhoneFile {
    /// Every per-phone file; `SEP…cnf.xml` before `SEP…cnf`, as the longer suffix wins.
    pub const ALL: [PerPhoneFile; 5] = [
        PerPhoneFile::CtlSep,
        PerPhoneFile::SepXml,
        PerPhoneFile::SepCnf,
        PerPhoneFile::SipCnf,
        PerPhoneFile::MgcCnf,
    ];

    /// The prefix and the suffix around the MAC, as a phone spells them.
    fn shape(self) -> (&'static str, &'static str) {
        match self {
            PerPhoneFile::CtlSep => ("CTLSEP", ".tlv"),
            PerPhoneFile::SepXml => ("SEP", ".cnf.xml"),
            PerPhoneFile::SepCnf => ("SEP", ".cnf"),
            PerPhoneFile::SipCnf => ("SIP", ".cnf"),
            PerPhoneFile::MgcCnf => ("MGC", ".cnf"),
        }
    }

    /// The name the phone with this MAC asks for, exactly.
    pub fn name(self, mac: Mac) -> String {
        let (prefix, suffix) = self.shape();
        format!("{prefix}{mac}{suffix}")
    }

    /// The name with [`MAC_PLACEHOLDER`] for the MAC: the file of any phone.
    pub fn template(self) -> String {
        let (prefix, suffix) = self.shape();
        format!("{prefix}{MAC_PLACEHOLDER}{suffix}")
    }

    /// [`PerPhoneFile::name`] for a known MAC, else [`PerPhoneFile::template`].
    pub fn name_or_template(self, mac: Option<Mac>) -> String {
        mac.map_or_else(|| self.template(), |mac| self.name(mac))
    }

    /// The per-phone file whose [`PerPhoneFile::template`] `text` is.
    pub fn from_template(text: &str) -> Option<PerPhoneFile> {
        PerPhoneFile::ALL
            .into_iter()
            .find(|file| file.template() == text)
    }

    /// The per-phone file `name` is, in any letter case, and the MAC it carries when what
    /// stands where the MAC goes is one (a log may hold a redacted `macaddress` there). The
    /// shared `SEPDefault.cnf`, `SIPDefault.cnf` and `MGCDefault.cnf` are not per-phone files.
    pub fn parse_any(name: &str) -> Option<(PerPhoneFile, Option<Mac>)> {
        PerPhoneFile::ALL.into_iter().find_map(|file| {
            let (prefix, suffix) = file.shape();
            let middle = strip_prefix_ignore_case(name, prefix)
                .and_then(|rest| strip_suffix_ignore_case(rest, suffix))?;
            let shared = middle.eq_ignore_ascii_case("Default");
            (!middle.is_empty() && !shared && !middle.contains('.'))
                .then(|| (file, Mac::from_digits(middle)))
        })
    }

    /// The per-phone file `name` is, in any letter case, with its MAC.
    pub fn parse(name: &str) -> Option<(PerPhoneFile, Mac)> {
        PerPhoneFile::parse_any(name).and_then(|(file, mac)| Some((file, mac?)))
    }

    /// The per-phone file `name` is, when it is exactly the name a phone asks for.
    pub fn parse_exact(name: &str) -> Option<(PerPhoneFile, Mac)> {
        PerPhoneFile::parse(name).filter(|(file, mac)| file.name(*mac) == name)
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn strip_suffix_ignore_case<'a>(text: &'a str, suffix: &str) -> Option<&'a str> {
    let at = text.len().checked_sub(suffix.len())?;
    let tail = text.get(at..)?;
    tail.eq_ignore_ascii_case(suffix).then(|| &text[..at])
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAC: Mac = Mac::from_bytes([0x00, 0x18, 0xB9, 0xFF, 0xFF, 0xFF]);

    const EVERY: [(PerPhoneFile, &str, &str); 5] = [
        (
            PerPhoneFile::CtlSep,
            "CTLSEP0018B9FFFFFF.tlv",
            "CTLSEP<MAC>.tlv",
        ),
        (
            PerPhoneFile::SepXml,
            "SEP0018B9FFFFFF.cnf.xml",
            "SEP<MAC>.cnf.xml",
        ),
        (PerPhoneFile::SepCnf, "SEP0018B9FFFFFF.cnf", "SEP<MAC>.cnf"),
        (PerPhoneFile::SipCnf, "SIP0018B9FFFFFF.cnf", "SIP<MAC>.cnf"),
        (PerPhoneFile::MgcCnf, "MGC0018B9FFFFFF.cnf", "MGC<MAC>.cnf"),
    ];

    #[test]
    fn every_file_is_named_as_the_phone_asks_and_parsed_back() {
        assert_eq!(EVERY.map(|(file, _, _)| file), PerPhoneFile::ALL);
        for (file, name, template) in EVERY {
            assert_eq!(file.name(MAC), name);
            assert_eq!(PerPhoneFile::parse(name), Some((file, MAC)));
            assert_eq!(PerPhoneFile::parse_exact(name), Some((file, MAC)));
            assert_eq!(PerPhoneFile::parse_any(name), Some((file, Some(MAC))));
            assert_eq!(file.template(), template);
            assert_eq!(PerPhoneFile::from_template(template), Some(file));
            assert_eq!(file.name_or_template(Some(MAC)), name);
            assert_eq!(file.name_or_template(None), template);
        }
        assert_eq!(PerPhoneFile::from_template("SIPDefault.cnf"), None);
    }

    #[test]
    fn any_letter_case_parses_but_only_the_phones_spelling_is_exact() {
        for (file, name, _) in EVERY {
            for other in [
                name.to_ascii_lowercase(),
                name.to_ascii_uppercase(),
                name.replace("B9FFFFFF", "b9ffffff"),
            ] {
                assert_eq!(PerPhoneFile::parse(&other), Some((file, MAC)), "{other}");
                assert_eq!(PerPhoneFile::parse_exact(&other), None, "{other}");
                assert_eq!(
                    file.name(PerPhoneFile::parse(&other).unwrap().1),
                    name,
                    "what the phone asks for instead of {other}"
                );
            }
        }
    }

    #[test]
    fn shared_files_and_other_names_are_not_per_phone_files() {
        for name in [
            "SEPDefault.cnf",
            "SIPDefault.cnf",
            "sipdefault.CNF",
            "MGCDefault.cnf",
            "XMLDefault.cnf.xml",
            "OS79XX.TXT",
            "SEP.cnf",
            "CTLSEP.tlv",
            "SIP",
            "",
            "SIP0018B9FFFFFF.cnf.xml",
            "SIP0018B9FFFFFF.tlv",
            "CTLSEP0018B9FFFFFF.cnf",
            "SEP0018B9FFFFFF.cnf.bak",
            "SIP0018B9FF.FFFF.cnf",
            "SIP0018B9FFFFFF.cnf/../x",
        ] {
            assert_eq!(PerPhoneFile::parse_any(name), None, "{name}");
            assert_eq!(PerPhoneFile::parse(name), None, "{name}");
        }
    }

    #[test]
    fn a_name_without_a_real_mac_is_a_per_phone_file_with_no_mac() {
        for (name, file) in [
            ("SIPmacaddress.cnf", PerPhoneFile::SipCnf),
            ("CTLSEPmacaddress.tlv", PerPhoneFile::CtlSep),
            ("SEP0018B9FFFFF.cnf.xml", PerPhoneFile::SepXml),
            ("SEP0018B9FFFFFFF.cnf.xml", PerPhoneFile::SepXml),
            ("SEP0018B9GGGGGG.cnf", PerPhoneFile::SepCnf),
            ("MGC00:18:B9:FF:FF:FF.cnf", PerPhoneFile::MgcCnf),
        ] {
            assert_eq!(PerPhoneFile::parse_any(name), Some((file, None)), "{name}");
            assert_eq!(PerPhoneFile::parse(name), None, "{name}");
        }
    }

    #[test]
    fn odd_bytes_never_panic() {
        for name in [
            "SEPé.cnf",
            "é",
            "SIPé",
            "CTLSEP\u{0}.tlv",
            "S",
            "SEP0018B9FFFF\u{e9}.cnf.xml",
            "CTLSEPé0018B9FFFFFF.tlv",
        ] {
            assert_eq!(PerPhoneFile::parse(name), None, "{name}");
        }
    }
}
