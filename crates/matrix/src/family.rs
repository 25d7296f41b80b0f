//! The Java-based Cisco phones (7906/7911, 7941/7961, 7942/7962, 7945/7965, 7970/7971, 7975):
//! which model belongs to which package family, their load IDs (`SCCP41.9-4-2SR3-1S`,
//! `SIP11.8-5-4S`, `TERM41.7-0-3-0S`), the releases those name and the signing key a release
//! carries, and what each file of their packages is (`jar41sccp.9-4-2ES26.sbn`,
//! `term61.default.loads`). Purely syntactic, like [`crate::load_id`]: the `families` section of
//! the matrix ([`crate::matrix::families`]) says which loads are known and which jumps are.
//!
//! May use: serde and the standard library.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Serialize};

/// One Java-based phone model: the family code its package and loads carry, the code of its
/// own default `.loads` file, and how `XMLDefault.cnf.xml` addresses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct JavaModel {
    /// `7961`, `7961GE` (the `--model` value).
    pub model: &'static str,
    /// `41`: the code of its loads and components.
    pub family: &'static str,
    /// `61`: its default file, `term61.default.loads`.
    pub term: &'static str,
    /// `30018`: the number of its `loadInformation` element in `XMLDefault.cnf.xml`
    /// (7941 115 and 7941G-GE 309 high: CN7941, PROVISIONER, SCCPMGR; the others medium,
    /// from SCCPMGR/PROVSCCP, one maintainer).
    pub xml_default: u32,
}

/// Every model, in family order (CME-CR-L's keywords; the term codes of CME-INSTALL, CME-811,
/// WAZO-SCCP, PROVSCCP; 7961/7962/7965/7971/7975's term codes follow the packages).
pub const MODELS: [JavaModel; 13] = [
    m("7906", "11", "06", 369),
    m("7911", "11", "11", 307),
    m("7941", "41", "41", 115),
    m("7941GE", "41", "41", 309),
    m("7961", "41", "61", 30018),
    m("7961GE", "41", "61", 308),
    m("7942", "42", "42", 434),
    m("7962", "42", "62", 404),
    m("7945", "45", "45", 435),
    m("7965", "45", "65", 436),
    m("7970", "70", "70", 30006),
    m("7971", "70", "71", 119),
    m("7975", "75", "75", 437),
];

const fn m(model: &'static str, family: &'static str, term: &'static str, xml: u32) -> JavaModel {
    JavaModel {
        model,
        family,
        term,
        xml_default: xml,
    }
}

/// The family codes, in order.
pub const FAMILIES: [&str; 6] = ["11", "41", "42", "45", "70", "75"];

impl JavaModel {
    /// The model `7961`, `7961G`, `CP-7961G`, `7961G-GE` or `7961ge` names, if it is one of these.
    pub fn find(name: &str) -> Option<JavaModel> {
        let upper = name.trim().to_ascii_uppercase().replace(['-', ' '], "");
        let upper = upper.strip_prefix("CP").unwrap_or(&upper);
        let (number, rest) = upper.split_at_checked(4)?;
        if !number.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let ge = match rest {
            "" | "G" => false,
            "GE" | "GGE" => true,
            _ => return None,
        };
        MODELS
            .iter()
            .find(|m| &m.model[..4] == number && m.model.ends_with("GE") == ge)
            .copied()
    }

    /// The models of a family code: `7941/7961` (the G-GE variants aside).
    pub fn family_models(code: &str) -> String {
        let models: Vec<&str> = MODELS
            .iter()
            .filter(|m| m.family == code && !m.model.ends_with("GE"))
            .map(|m| m.model)
            .collect();
        models.join("/")
    }

    /// `term61.default.loads`.
    pub fn term_file(&self) -> String {
        format!("term{}.default.loads", self.term)
    }

    /// `loadInformation30018`.
    pub fn xml_default_element(&self) -> String {
        format!("loadInformation{}", self.xml_default)
    }

    /// `IP Phone 7961` (PROVISIONER's spelling; whether the phone reads the attribute is not
    /// known, the element number is what differs per model).
    pub fn xml_default_model(&self) -> String {
        match self.model.strip_suffix("GE") {
            Some(number) => format!("IP Phone {number}G-GE"),
            None => format!("IP Phone {}", self.model),
        }
    }
}

impl fmt::Display for JavaModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.model.strip_suffix("GE") {
            Some(number) => write!(f, "{number}G-GE"),
            None => write!(f, "{}G", self.model),
        }
    }
}

/// What a Java-based load speaks: the `SCCP`, `SIP` or (7.x) `TERM` before its family code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JavaProtocol {
    Sccp,
    Sip,
    /// The 7.x loads (`TERM41.7-0-3-0S`): SCCP by CME's tables, named before the protocol split.
    Term,
}

impl JavaProtocol {
    pub fn label(self) -> &'static str {
        match self {
            JavaProtocol::Sccp => "SCCP",
            JavaProtocol::Sip => "SIP",
            JavaProtocol::Term => "TERM",
        }
    }

    /// SCCP and TERM are one protocol for a conversion; SIP is the other.
    pub fn is_sip(self) -> bool {
        self == JavaProtocol::Sip
    }
}

impl fmt::Display for JavaProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A release: `9.4(2)SR3`, `8.5(2)`, `8.0(4)ES4-0-1`. Releases order by major, minor,
/// maintenance and service release; engineering specials and build numbers do not order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Release {
    pub major: u32,
    pub minor: u32,
    pub maintenance: u32,
    pub service_release: u32,
    /// `4-0-1` of `8-0-4ES4-0-1`.
    pub special: Option<String>,
    /// `1` of `9-4-2SR3-1`, `21` of `8-3-1-21`.
    pub build: Option<String>,
}

fn number(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Splits `2SR3` into 2 and the rest (`SR3`).
fn leading_digits(text: &str) -> (&str, &str) {
    let cut = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    text.split_at(cut)
}

impl Release {
    /// Reads the dashed form of a load ID (`9-4-2SR3-1`, `8-0-4ES4-0-1`, `7-0-3-0`).
    pub fn parse_dashed(text: &str) -> Option<Release> {
        let mut parts = text.splitn(3, '-');
        let major = number(parts.next()?)?;
        let minor = number(parts.next()?)?;
        let rest = parts.next()?;
        let (first, build) = match rest.split_once('-') {
            Some((first, build)) => (first, Some(build)),
            None => (rest, None),
        };
        let (digits, suffix) = leading_digits(first);
        let maintenance = number(digits)?;
        let mut release = Release {
            major,
            minor,
            maintenance,
            service_release: 0,
            special: None,
            build: None,
        };
        if let Some(sr) = suffix.strip_prefix("SR") {
            release.service_release = number(sr)?;
            release.build = build.map(str::to_string);
        } else if let Some(es) = suffix.strip_prefix("ES") {
            number(es)?;
            let special = match build {
                Some(more) => format!("{es}-{more}"),
                None => es.to_string(),
            };
            release.special = Some(special);
        } else if suffix.is_empty() {
            release.build = build.map(str::to_string);
        } else {
            return None;
        }
        if let Some(build) = &release.build {
            if !build.split('-').all(|b| number(b).is_some()) {
                return None;
            }
        }
        Some(release)
    }

    /// Reads the way releases are written in text and in the matrix: `8.3(3)`, `8.5(2)SR1`,
    /// `9.4(2)SR3`, `9.0`.
    pub fn parse(text: &str) -> Option<Release> {
        let text = text.trim();
        let (major, rest) = text.split_once('.')?;
        let (minor, maintenance, sr) = match rest.split_once('(') {
            Some((minor, tail)) => {
                let (maintenance, after) = tail.split_once(')')?;
                let sr = match after {
                    "" => 0,
                    sr => number(sr.strip_prefix("SR")?)?,
                };
                (minor, number(maintenance)?, sr)
            }
            None => (rest, 0, 0),
        };
        Some(Release {
            major: number(major)?,
            minor: number(minor)?,
            maintenance,
            service_release: sr,
            special: None,
            build: None,
        })
    }

    fn key(&self) -> (u32, u32, u32, u32) {
        (
            self.major,
            self.minor,
            self.maintenance,
            self.service_release,
        )
    }

    /// Which signing key the release's images carry and its running firmware trusts.
    pub fn key_era(&self) -> KeyEra {
        if self.key() < (8, 3, 3, 0) {
            KeyEra::Old
        } else if self.key() <= (8, 5, 2, 0) {
            KeyEra::Dual
        } else {
            KeyEra::New
        }
    }

    /// Compares releases by what orders them (not by special or build).
    pub fn cmp_release(&self, other: &Release) -> Ordering {
        self.key().cmp(&other.key())
    }
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}({})", self.major, self.minor, self.maintenance)?;
        if self.service_release > 0 {
            write!(f, "SR{}", self.service_release)?;
        }
        if let Some(special) = &self.special {
            write!(f, "ES{special}")?;
        }
        Ok(())
    }
}

/// The signing key of a release, by Cisco's rule (TP-CUCM, RN-92 as quoted by SYSOP) and the
/// field reports (QSOLVED-AUTH, DUDEK, CRIMSON): images before 8.3(3) carry the old key and
/// trust only it; 8.3(3) to 8.5(2) trust both; 8.5(2)SR1 and 8.5(3) on carry only the new key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyEra {
    Old,
    Dual,
    New,
}

impl fmt::Display for KeyEra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyEra::Old => "old signing key (before 8.3(3))",
            KeyEra::Dual => "both signing keys (8.3(3) to 8.5(2))",
            KeyEra::New => "new signing key (8.5(2)SR1, 8.5(3) and later)",
        })
    }
}

/// A Java-based phone's load ID: `SCCP41.9-4-2SR3-1S`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JavaLoad {
    name: String,
    protocol: JavaProtocol,
    family: &'static str,
    release: Release,
    /// A development build (`SCCP41.8-0-1-0DEV`): no trailing `S`.
    development: bool,
}

impl JavaLoad {
    /// Parses a load ID, or a `.loads` file name, of a Java-based phone; `None` for anything
    /// else (7940/7960 names included). Letter case must be Cisco's: the names are
    /// case-sensitive (CME-CR-L), but a lower-case protocol is read too.
    pub fn parse(input: &str) -> Option<JavaLoad> {
        let name = input.trim().trim_start_matches('/');
        let name = strip_suffix_ignore_case(name, ".loads").unwrap_or(name);
        let upper = name.to_ascii_uppercase();
        let (protocol, rest) = [
            ("SCCP", JavaProtocol::Sccp),
            ("SIP", JavaProtocol::Sip),
            ("TERM", JavaProtocol::Term),
        ]
        .into_iter()
        .find_map(|(prefix, protocol)| Some((protocol, upper.strip_prefix(prefix)?)))?;
        let (code, dotted) = rest.split_once('.')?;
        let family = FAMILIES.into_iter().find(|f| *f == code)?;
        let (version, development) = if let Some(v) = dotted.strip_suffix("DEV") {
            (v, true)
        } else {
            (dotted.strip_suffix('S')?, false)
        };
        let release = Release::parse_dashed(version)?;
        Some(JavaLoad {
            name: name.to_string(),
            protocol,
            family,
            release,
            development,
        })
    }

    /// The load ID as given, without `.loads`.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn protocol(&self) -> JavaProtocol {
        self.protocol
    }

    /// `41`.
    pub fn family(&self) -> &'static str {
        self.family
    }

    pub fn release(&self) -> &Release {
        &self.release
    }

    pub fn key_era(&self) -> KeyEra {
        self.release.key_era()
    }

    pub fn is_development(&self) -> bool {
        self.development
    }

    /// Whether a phone of `model` runs this load: the family codes must match.
    pub fn fits(&self, model: &JavaModel) -> bool {
        self.family == model.family
    }

    /// `7941/7961`.
    pub fn models(&self) -> String {
        JavaModel::family_models(self.family)
    }

    /// `SCCP 9.4(2)SR3 for the 7941/7961`.
    pub fn describe(&self) -> String {
        format!(
            "{} {} for the {}",
            self.protocol,
            self.release,
            self.models()
        )
    }
}

impl fmt::Display for JavaLoad {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

fn strip_suffix_ignore_case<'a>(name: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = name.len().checked_sub(suffix.len())?;
    (name.is_char_boundary(cut) && name[cut..].eq_ignore_ascii_case(suffix)).then(|| &name[..cut])
}

/// The five components of a Java-based package, in the order every manifest lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Component {
    Jar,
    Cnu,
    Apps,
    Dsp,
    Cvm,
}

impl Component {
    pub const ALL: [Component; 5] = [
        Component::Jar,
        Component::Cnu,
        Component::Apps,
        Component::Dsp,
        Component::Cvm,
    ];

    pub fn prefix(self) -> &'static str {
        match self {
            Component::Jar => "jar",
            Component::Cnu => "cnu",
            Component::Apps => "apps",
            Component::Dsp => "dsp",
            Component::Cvm => "cvm",
        }
    }

    /// What the component is, as far as the sources say (research notes 2.3).
    pub fn explain(self) -> &'static str {
        match self {
            Component::Jar => "the Java application (a JAR, by its name), first in every manifest; its name carries the protocol",
            Component::Cnu => "\"Cisco Native Unix\", the kernel and loader (one field report; low confidence), second in every manifest",
            Component::Apps => "the largest component, third in every manifest; what it holds is not documented",
            Component::Dsp => "the signal processor's firmware (by its name), fourth in every manifest",
            Component::Cvm => "the Java virtual machine (by its name), last in every manifest; its name carries the protocol",
        }
    }
}

/// What one file of a Java-based phone's TFTP root is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JavaFile {
    /// `SCCP41.9-4-2SR3-1S.loads`: the load's manifest, naming its five components.
    Manifest(JavaLoad),
    /// `term61.default.loads`: the manifest a factory-reset phone of that model asks for.
    TermDefault(JavaModel),
    /// `jar41sccp.9-4-2ES26.sbn`: a component; its version is the component's, not the load's.
    Component {
        component: Component,
        family: &'static str,
        protocol: Option<JavaProtocol>,
        version: String,
    },
}

impl JavaFile {
    /// Reads a file name (any case; with or without a leading `/`); `None` if it is no
    /// Java-based phone's firmware file.
    pub fn parse(input: &str) -> Option<JavaFile> {
        let name = input.trim().trim_start_matches('/');
        let lower = name.to_ascii_lowercase();
        if let Some(code) = lower
            .strip_prefix("term")
            .and_then(|rest| rest.strip_suffix(".default.loads"))
        {
            return MODELS
                .iter()
                .find(|m| m.term == code && !m.model.ends_with("GE"))
                .map(|m| JavaFile::TermDefault(*m));
        }
        if lower.ends_with(".loads") {
            return JavaLoad::parse(name).map(JavaFile::Manifest);
        }
        let stem = lower.strip_suffix(".sbn")?;
        let (component, rest) = Component::ALL
            .into_iter()
            .find_map(|c| Some((c, stem.strip_prefix(c.prefix())?)))?;
        let code = rest.get(..2)?;
        let family = FAMILIES.into_iter().find(|f| *f == code)?;
        let (protocol_text, version) = rest[2..].split_once('.')?;
        let protocol = match protocol_text {
            "" => None,
            "sccp" => Some(JavaProtocol::Sccp),
            "sip" => Some(JavaProtocol::Sip),
            _ => return None,
        };
        if version.is_empty() {
            return None;
        }
        let version = name[name.len() - 4 - version.len()..name.len() - 4].to_string();
        Some(JavaFile::Component {
            component,
            family,
            protocol,
            version,
        })
    }

    /// The family code the file belongs to.
    pub fn family(&self) -> &'static str {
        match self {
            JavaFile::Manifest(load) => load.family(),
            JavaFile::TermDefault(model) => model.family,
            JavaFile::Component { family, .. } => family,
        }
    }
}

/// The component names a `.loads` manifest lists, in order and trimmed (in Cisco's files the
/// lines end in CR LF, some after a space, below a signed binary header).
///
/// A file listing more than [`MAX_COMPONENTS`] is read as no manifest: it lists none, so that a
/// hostile file cannot make a command, serve or the phone model ask for millions of files.
pub fn manifest_components(manifest: &str) -> Vec<String> {
    let list: Vec<String> = manifest
        .split(['\n', '\r'])
        .map(str::trim)
        .filter(|line| !line.starts_with('#') && line.to_ascii_lowercase().ends_with(".sbn"))
        .take(MAX_COMPONENTS + 1)
        .map(str::to_string)
        .collect();
    if list.len() > MAX_COMPONENTS {
        Vec::new()
    } else {
        list
    }
}

/// The most components one `.loads` or term file may list (a real one lists about 5 to 10).
pub const MAX_COMPONENTS: usize = 64;

#[cfg(test)]
mod tests;
