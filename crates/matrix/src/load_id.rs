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
mod tests;
