//! The per-phone files (`CTLSEP<MAC>.tlv`, `SEP<MAC>.cnf.xml`, `SEP<MAC>.cnf`, `SIP<MAC>.cnf`,
//! `MGC<MAC>.cnf`) and the MAC address in their names: from a MAC to a name, and from a name a
//! phone asked for back to the file and the MAC.

use crate::error::Error;

/// `00:18:b9:ff:ff:ff`, `00-18-B9-FF-FF-FF` or `0018B9FFFFFF`, as the phone spells it in file
/// names: twelve upper-case hex digits. `flag` names the option in the error.
pub fn parse_mac(text: &str, flag: &'static str) -> Result<String, Error> {
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, ':' | '-' | '.'))
        .collect();
    if is_mac(&digits) {
        Ok(digits.to_ascii_uppercase())
    } else {
        Err(Error::BadMac {
            flag,
            value: text.to_string(),
        })
    }
}

/// Twelve hex digits, nothing else (the form a MAC takes inside a file name).
pub fn is_mac(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

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

/// Prefix and suffix around the MAC; `SEP…cnf.xml` before `SEP…cnf`, as the longer suffix wins.
const SHAPES: [(PerPhoneFile, &str, &str); 5] = [
    (PerPhoneFile::CtlSep, "CTLSEP", ".tlv"),
    (PerPhoneFile::SepXml, "SEP", ".cnf.xml"),
    (PerPhoneFile::SepCnf, "SEP", ".cnf"),
    (PerPhoneFile::SipCnf, "SIP", ".cnf"),
    (PerPhoneFile::MgcCnf, "MGC", ".cnf"),
];

impl PerPhoneFile {
    /// The name the phone with this MAC asks for (`mac` as the phone spells it, upper case).
    pub fn name(self, mac: &str) -> String {
        let (_, prefix, suffix) = SHAPES
            .iter()
            .find(|(file, _, _)| *file == self)
            .expect("every per-phone file has a shape");
        format!("{prefix}{mac}{suffix}")
    }

    /// The per-phone file `name` is, and what stands where the MAC goes: a MAC when
    /// [`is_mac`] says so, or whatever a log put there (a redacted `macaddress`, say). The
    /// shared `SEPDefault.cnf`, `SIPDefault.cnf` and `MGCDefault.cnf` are not per-phone files.
    /// Letter case is ignored, as a server that lower-cases names logs them so.
    pub fn parse(name: &str) -> Option<(PerPhoneFile, &str)> {
        SHAPES.iter().find_map(|&(file, prefix, suffix)| {
            let middle = strip_prefix_ignore_case(name, prefix)
                .and_then(|rest| strip_suffix_ignore_case(rest, suffix))?;
            let shared = middle.eq_ignore_ascii_case("Default");
            (!middle.is_empty() && !shared && !middle.contains('.')).then_some((file, middle))
        })
    }
}

/// The MAC in a per-phone file name, upper case, when the name carries one.
pub fn mac_in_name(name: &str) -> Option<String> {
    PerPhoneFile::parse(name)
        .map(|(_, middle)| middle)
        .filter(|middle| is_mac(middle))
        .map(str::to_ascii_uppercase)
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

    #[test]
    fn names_and_macs_go_both_ways() {
        for (file, name) in [
            (PerPhoneFile::CtlSep, "CTLSEP0018B9FFFFFF.tlv"),
            (PerPhoneFile::SepXml, "SEP0018B9FFFFFF.cnf.xml"),
            (PerPhoneFile::SepCnf, "SEP0018B9FFFFFF.cnf"),
            (PerPhoneFile::SipCnf, "SIP0018B9FFFFFF.cnf"),
            (PerPhoneFile::MgcCnf, "MGC0018B9FFFFFF.cnf"),
        ] {
            assert_eq!(file.name("0018B9FFFFFF"), name);
            assert_eq!(PerPhoneFile::parse(name), Some((file, "0018B9FFFFFF")));
            assert_eq!(mac_in_name(name).as_deref(), Some("0018B9FFFFFF"));
        }
    }

    #[test]
    fn shared_files_and_other_names_carry_no_mac() {
        for name in [
            "SEPDefault.cnf",
            "SIPDefault.cnf",
            "MGCDefault.cnf",
            "XMLDefault.cnf.xml",
            "OS79XX.TXT",
            "SEP.cnf",
            "CTLSEP.tlv",
            "SIP",
            "",
        ] {
            assert_eq!(PerPhoneFile::parse(name), None, "{name}");
            assert_eq!(mac_in_name(name), None, "{name}");
        }
    }

    #[test]
    fn a_redacted_mac_is_still_a_per_phone_name_without_a_mac() {
        assert_eq!(
            PerPhoneFile::parse("SIPmacaddress.cnf"),
            Some((PerPhoneFile::SipCnf, "macaddress"))
        );
        assert_eq!(mac_in_name("SIPmacaddress.cnf"), None);
    }

    #[test]
    fn a_lower_cased_name_gives_the_upper_case_mac() {
        assert_eq!(
            mac_in_name("ctlsep0018b9ffffff.tlv").as_deref(),
            Some("0018B9FFFFFF")
        );
    }

    #[test]
    fn odd_bytes_never_panic() {
        for name in ["SEPé.cnf", "é", "SIPé", "CTLSEP\u{0}.tlv", "S"] {
            let _ = PerPhoneFile::parse(name);
        }
    }
}
