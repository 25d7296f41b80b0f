//! Load IDs: the names a 7940/7960 shows as its App Load ID, and the firmware files named after
//! them (`P0S3-08-11-00.loads`, `P003-08-2-00.sbn`, ...).
//!
//! Parsing is purely syntactic: it says what a name means, not whether the load exists. The
//! catalogue of the matrix ([`crate::matrix`]) says which loads are known and how their files are spelled.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;
use thiserror::Error;

use crate::{firmware, models};

/// The protocol an application speaks, from the third character of its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Sccp,
    Sip,
    Mgcp,
}

impl Protocol {
    fn from_char(c: char) -> Option<Protocol> {
        match c {
            '0' => Some(Protocol::Sccp),
            'S' => Some(Protocol::Sip),
            'M' => Some(Protocol::Mgcp),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Protocol::Sccp => "SCCP",
            Protocol::Sip => "SIP",
            Protocol::Mgcp => "MGCP",
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What a name stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A protocol application (SCCP, SIP or MGCP).
    Application,
    /// The Universal Application Loader shipped inside SIP 7.x/8.x packages (`P003-08-11-00`).
    Loader,
    /// The boot ROM (`PC0303010200`, `PC030301`): shown on the phone, never something to upgrade
    /// to or from.
    Boot,
    /// The signal processor's firmware (`PS03AT46`): shown on the phone, never a plan endpoint.
    Dsp,
}

impl Kind {
    /// Applications and loaders are what a phone runs and a plan names; boot and DSP IDs are not.
    pub fn is_plannable(self) -> bool {
        matches!(self, Kind::Application | Kind::Loader)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Application => "application",
            Kind::Loader => "loader",
            Kind::Boot => "boot",
            Kind::Dsp => "dsp",
        })
    }
}

/// Which images a running load accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Era {
    /// Below 5.0: takes unsigned `.bin` images.
    Unsigned,
    /// SCCP 5.x, SIP 5.x-6.x: signed images only, before the Universal Application Loader.
    Signed,
    /// SCCP 6.0+, SIP 7.0+ and the loader itself: signed `.loads` sets through the UAL hunt.
    Ual,
}

impl Era {
    pub fn is_signed(self) -> bool {
        self != Era::Unsigned
    }
}

impl fmt::Display for Era {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Era::Unsigned => "unsigned",
            Era::Signed => "signed",
            Era::Ual => "ual",
        })
    }
}

/// A `major.minor` version, as used for the ranges in the upgrade matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
}

impl Version {
    pub fn new(major: u32, minor: u32) -> Version {
        Version { major, minor }
    }

    /// Parses `"5.0"` or `"4.4"`.
    pub fn parse(text: &str) -> Option<Version> {
        let (major, minor) = text.trim().split_once('.')?;
        Some(Version {
            major: major.parse().ok()?,
            minor: minor.parse().ok()?,
        })
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// The forms the parser accepts, for error messages.
pub const ACCEPTED_FORMS: &str = "\
accepted forms:
  P00308010200, P0030801SR02, P0030301MFG2   SCCP application (12 characters)
  P0S3-08-11-00, P0S3-8-12-00                SIP application (P0M3-... for MGCP)
  P003-08-11-00                              Universal Application Loader of a SIP package
  P0S30202, P0030301                         early 8.3-style name
  P0S3-08-11-00.loads                        a firmware file name (.bin .sbn .sb2 .loads)
  8.1(2)SR2, 3.1(MF.G2)                      the Version line, where it names one catalogue load (identify)";

/// Why a name is not a 7940/7960 load ID.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LoadIdError {
    #[error("an empty load ID")]
    Empty,
    #[error("`{input}` starts with the letter O; load IDs start with P and the digit zero (P0), as in `{corrected}`")]
    LetterO { input: String, corrected: String },
    #[error("`{input}` is a load for another phone: its fourth character `{digit}` names {device}, and 7940/7960 loads have 3 there")]
    OtherPlatform {
        input: String,
        digit: char,
        device: &'static str,
    },
    #[error("`{input}` has protocol character `{ch}`; 7940/7960 loads have 0 (SCCP), S (SIP) or M (MGCP) as their third character")]
    UnknownProtocol { input: String, ch: char },
    #[error("`{input}` is {family}: phoneup plans upgrades for the 7940 and 7960 only")]
    OtherFamily { input: String, family: String },
    #[error("`{input}` is not a load ID phoneup recognises")]
    Unrecognised { input: String },
}

/// How the name was written: it decides how its version fields read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Form {
    /// `P0S30202`: protocol, major(2), minor(2).
    Short,
    /// `P00308010200`, `P0030801SR02`, `P0030301MFG2`: major(2), minor(2), then four more.
    Long,
    /// `P0S3-08-11-00`: major, minor, sub-version.
    Dashed,
    /// `PC0303010200`, `PC030301`, `PS03AT46`: an ID with no version fields.
    Fixed,
}

/// A parsed load ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadId {
    name: String,
    extension: Option<String>,
    kind: Kind,
    protocol: Option<Protocol>,
    form: Form,
    major: Option<u32>,
    minor: Option<u32>,
    /// Maintenance version (SCCP long form) or sub-version (dashed form).
    maintenance: Option<u32>,
    /// Maintenance sub-version (SCCP long form).
    maintenance_sub: Option<u32>,
    service_release: Option<u32>,
    /// A build tag such as `MF.G2` (from `MFG2`).
    tag: Option<String>,
}

/// Whether `text` is `len` characters, each an ASCII digit (or, with `letters`, an upper-case
/// ASCII letter).
fn all_of(text: &str, lengths: &[usize], letters: bool) -> bool {
    lengths.contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (letters && b.is_ascii_uppercase()))
}

/// The fields of a name of the form `P0<protocol><platform>...`, already upper-cased: the
/// protocol and platform characters, the form and the numbered fields (major, minor, then the
/// dashed sub-version or the long form's last four characters).
fn application_fields(upper: &str) -> Option<(char, char, Form, [&str; 3])> {
    let rest = upper.strip_prefix("P0")?;
    let mut chars = rest.chars();
    let (protocol, platform) = (chars.next()?, chars.next()?);
    let tail = chars.as_str();
    // Dashed: P0S3-08-11-00, P0S3-8-12-00, P003-08-2-00.
    if let Some(dashed) = tail.strip_prefix('-') {
        let mut parts = dashed.split('-');
        if let (Some(major), Some(minor), Some(sub), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        {
            if all_of(major, &[1, 2], false)
                && all_of(minor, &[1, 2], false)
                && all_of(sub, &[2], false)
            {
                return Some((protocol, platform, Form::Dashed, [major, minor, sub]));
            }
        }
        return None;
    }
    if !tail.is_ascii() {
        return None;
    }
    let (major, minor, last) = match tail.len() {
        // Long: P00308010200, P0030801SR02, P0030301MFG2.
        8 => (&tail[..2], &tail[2..4], &tail[4..]),
        // Short (8.3): P0S30202.
        4 => (&tail[..2], &tail[2..], ""),
        _ => return None,
    };
    if !all_of(major, &[2], false) || !all_of(minor, &[2], false) {
        return None;
    }
    if last.is_empty() {
        return Some((protocol, platform, Form::Short, [major, minor, last]));
    }
    all_of(last, &[4], true).then_some((protocol, platform, Form::Long, [major, minor, last]))
}

/// The platform digit of a Boot Load ID (`PC0303010200`, `PC030301`, `PC03A300`) or DSP Load ID
/// (`PS03AT46`), already upper-cased.
fn fixed_platform(upper: &str, prefix: &str, lengths: &[usize]) -> Option<char> {
    let rest = upper.strip_prefix(prefix)?;
    let digit = rest.chars().next().filter(char::is_ascii_digit)?;
    all_of(&rest[1..], lengths, true).then_some(digit)
}

/// The name before a firmware extension (in any case), and that extension as written.
fn strip_extension(input: &str) -> (&str, Option<&str>) {
    match firmware::split(input) {
        Some((stem, _)) => (stem, input.get(stem.len() + 1..)),
        None => (input, None),
    }
}

fn platform_device(digit: char) -> &'static str {
    match digit {
        '4' => "the 7910",
        '5' => "the 7935",
        _ => "another Cisco device",
    }
}

/// What another phone's name is ([`models::other_model`]): `a 7906 load, not planned by
/// phoneup`.
fn other_family(name: &str) -> Option<String> {
    models::other_model(name).map(|other| other.describe())
}

fn two_digits(text: &str) -> u32 {
    text.parse().expect("checked to be one or two digits")
}

impl LoadId {
    /// Parses a load ID or a firmware file name. Case is ignored for recognition; the name keeps
    /// the spelling it was given.
    pub fn parse(input: &str) -> Result<LoadId, LoadIdError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(LoadIdError::Empty);
        }
        let (stem, extension) = strip_extension(trimmed);
        let upper = stem.to_ascii_uppercase();
        let unrecognised = || LoadIdError::Unrecognised {
            input: trimmed.to_string(),
        };

        if let Some(family) = other_family(trimmed) {
            return Err(LoadIdError::OtherFamily {
                input: trimmed.to_string(),
                family,
            });
        }
        if upper.starts_with("PO") {
            let corrected = format!("P0{}", &stem[2..]);
            if LoadId::parse(&corrected).is_ok() {
                return Err(LoadIdError::LetterO {
                    input: trimmed.to_string(),
                    corrected,
                });
            }
            return Err(unrecognised());
        }
        let fixed: [(&str, &[usize], Kind); 2] =
            [("PC0", &[4, 8], Kind::Boot), ("PS0", &[4], Kind::Dsp)];
        for (prefix, lengths, kind) in fixed {
            if !upper.starts_with(&prefix[..2]) {
                continue;
            }
            let digit = fixed_platform(&upper, prefix, lengths).ok_or_else(unrecognised)?;
            if digit != '3' {
                return Err(LoadIdError::OtherPlatform {
                    input: trimmed.to_string(),
                    digit,
                    device: platform_device(digit),
                });
            }
            return Ok(LoadId {
                name: stem.to_string(),
                extension: extension.map(str::to_string),
                kind,
                protocol: None,
                form: Form::Fixed,
                major: None,
                minor: None,
                maintenance: None,
                maintenance_sub: None,
                service_release: None,
                tag: None,
            });
        }

        let (protocol_char, platform, form, fields) =
            application_fields(&upper).ok_or_else(unrecognised)?;
        if platform != '3' {
            if platform.is_ascii_digit() {
                return Err(LoadIdError::OtherPlatform {
                    input: trimmed.to_string(),
                    digit: platform,
                    device: platform_device(platform),
                });
            }
            return Err(unrecognised());
        }
        let protocol =
            Protocol::from_char(protocol_char).ok_or_else(|| LoadIdError::UnknownProtocol {
                input: trimmed.to_string(),
                ch: protocol_char,
            })?;

        let mut id = LoadId {
            name: stem.to_string(),
            extension: extension.map(str::to_string),
            kind: Kind::Application,
            protocol: Some(protocol),
            form,
            major: Some(two_digits(fields[0])),
            minor: Some(two_digits(fields[1])),
            maintenance: None,
            maintenance_sub: None,
            service_release: None,
            tag: None,
        };
        match form {
            Form::Dashed => {
                id.maintenance = Some(two_digits(fields[2]));
                if protocol == Protocol::Sccp {
                    // SCCP applications are never dashed: this is the loader of a SIP package.
                    id.kind = Kind::Loader;
                    id.protocol = None;
                }
            }
            Form::Long => {
                let tail = fields[2];
                if tail.bytes().all(|b| b.is_ascii_digit()) {
                    id.maintenance = Some(two_digits(&tail[..2]));
                    id.maintenance_sub = Some(two_digits(&tail[2..]));
                } else if let Some(sr) = tail
                    .strip_prefix("SR")
                    .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
                {
                    id.service_release = Some(two_digits(sr));
                } else {
                    // `MFG2` reads as `MF.G2`, the way the phone's Version line shows it.
                    id.tag = Some(format!("{}.{}", &tail[..2], &tail[2..]));
                }
            }
            Form::Short | Form::Fixed => {}
        }
        Ok(id)
    }

    /// The name without its extension, spelled as given.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The firmware extension the input carried, if any.
    pub fn extension(&self) -> Option<&str> {
        self.extension.as_deref()
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// `None` for loaders and boot loads.
    pub fn protocol(&self) -> Option<Protocol> {
        self.protocol
    }

    pub fn major(&self) -> Option<u32> {
        self.major
    }

    pub fn minor(&self) -> Option<u32> {
        self.minor
    }

    /// Maintenance version of an SCCP long name, or the sub-version of a dashed one.
    pub fn maintenance(&self) -> Option<u32> {
        self.maintenance
    }

    pub fn maintenance_sub(&self) -> Option<u32> {
        self.maintenance_sub
    }

    /// `2` for `P0030801SR02`.
    pub fn service_release(&self) -> Option<u32> {
        self.service_release
    }

    /// `MF.G2` for `P0030301MFG2`.
    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    /// `major.minor`, or `None` for a boot load.
    pub fn version(&self) -> Option<Version> {
        Some(Version::new(self.major?, self.minor?))
    }

    /// Which images this load, when running, accepts. `None` for a boot or DSP ID, and for MGCP
    /// 5.x/6.x: MGCP 7.x packages carry the Universal Application Loader (SHGWC-MGCP), but
    /// whether the signed MGCP releases before them did is unknown.
    pub fn era(&self) -> Option<Era> {
        let version = self.version()?;
        if self.kind == Kind::Loader {
            return Some(Era::Ual);
        }
        if version < Version::new(5, 0) {
            return Some(Era::Unsigned);
        }
        let ual_from = match self.protocol? {
            Protocol::Sccp => Version::new(6, 0),
            Protocol::Sip => Version::new(7, 0),
            Protocol::Mgcp if version < Version::new(7, 0) => return None,
            Protocol::Mgcp => Version::new(7, 0),
        };
        Some(if version >= ual_from {
            Era::Ual
        } else {
            Era::Signed
        })
    }

    /// The version as the phone's Version line writes it: `8.1(2)`, `3.1(MF.G2)`, `8.1(SR.2)`,
    /// `8.12`, `2.2`. `None` for a boot load.
    pub fn display_version(&self) -> Option<String> {
        let base = format!("{}.{}", self.major?, self.minor?);
        Some(match self.form {
            Form::Short | Form::Fixed => base,
            Form::Dashed => match self.maintenance {
                Some(0) | None => base,
                Some(sub) => format!("{base}({sub})"),
            },
            Form::Long => {
                if let Some(sr) = self.service_release {
                    format!("{base}(SR.{sr})")
                } else if let Some(tag) = &self.tag {
                    format!("{base}({tag})")
                } else {
                    match (self.maintenance, self.maintenance_sub) {
                        (Some(m), Some(0)) => format!("{base}({m})"),
                        (Some(m), Some(s)) => format!("{base}({m}.{s})"),
                        _ => base,
                    }
                }
            }
        })
    }

    /// Two names that denote the same load (`P0S3-8-11-00` and `P0S3-08-11-00`) have equal keys.
    pub fn match_key(&self) -> MatchKey {
        MatchKey {
            kind: self.kind,
            protocol: self.protocol,
            major: self.major,
            minor: self.minor,
            maintenance: self.maintenance,
            maintenance_sub: self.maintenance_sub,
            service_release: self.service_release,
            tag: self.tag.clone(),
            boot_name: (!self.kind.is_plannable()).then(|| self.name.to_ascii_uppercase()),
        }
    }

    /// Orders loads by version, for sorting the catalogue and for "up or down" questions.
    pub fn cmp_version(&self, other: &LoadId) -> Ordering {
        // A service release follows the plain maintenance releases of its major.minor.
        let key = |id: &LoadId| {
            (
                id.major,
                id.minor,
                id.service_release.is_some(),
                id.maintenance.unwrap_or(0),
                id.maintenance_sub.unwrap_or(0),
                id.service_release.unwrap_or(0),
                id.tag.clone(),
            )
        };
        key(self).cmp(&key(other))
    }
}

impl fmt::Display for LoadId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// What makes two spellings the same load; see [`LoadId::match_key`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MatchKey {
    kind: Kind,
    protocol: Option<Protocol>,
    major: Option<u32>,
    minor: Option<u32>,
    maintenance: Option<u32>,
    maintenance_sub: Option<u32>,
    service_release: Option<u32>,
    tag: Option<String>,
    boot_name: Option<String>,
}

#[cfg(test)]
mod tests {
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
}
