//! The checks of `phoneup lint`: everything in a TFTP root that would make a phone loop or refuse
//! its image, what lint could not read (never "clean" over a file it did not check), and what a stranger
//! could fetch that a phone never asks for (backup copies, editor leftovers, version-control
//! folders). Its text and exit code are the command's ([`crate::commands::lint`]).

use std::collections::BTreeSet;
use std::path::Path;

use quick_xml::events::Event;
use quick_xml::Reader;
use regex::Regex;
use serde::Serialize;

use crate::error::Error;
use crate::files::mac::Mac;
use crate::files::per_phone::PerPhoneFile;
use crate::files::{
    mgc_default_cnf, os79xx_txt, sep_default_cnf, sip_default_cnf, xml_default_cnf_xml,
};
use crate::knowledge::family::JavaLoad;
use crate::knowledge::load_id::{Era, Kind, LoadId, LoadIdError, Protocol};
use crate::knowledge::matrix::Matrix;
use crate::knowledge::package::{Impostor, Packages};
use crate::knowledge::typography;
use crate::output::NextStep;
use crate::tftp_root::inventory::{is_config_name, missing_for};
use crate::tftp_root::journal::UndoJournal;
use crate::tftp_root::write::is_temporary;
use crate::tftp_root::TftpRoot;

/// What a phone does with a name in the wrong case, on the servers users run.
const WRONG_CASE: &str = "gets File not found from tftpd-hpa, atftpd and dnsmasq, which match names exactly (a Windows server such as Tftpd32 ignores case and would serve it)";

/// Why a file a phone never asks for matters.
const EXPOSED: &str = "never asks for it, but anyone who can reach the TFTP server can fetch it: TFTP has no passwords, and a copy of a configuration file holds its line passwords";

/// Whether `name` looks like a backup copy or an editor's leftover: `*.orig`, `*~`, `*.bak`,
/// `.*.swp`, `#*#`, a package manager's `*.dpkg-old`, phoneup's own temporary files.
fn is_leftover(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let suffixes = [
        "~",
        ".orig",
        ".bak",
        ".backup",
        ".old",
        ".save",
        ".sav",
        ".swp",
        ".swo",
        ".swn",
        ".rej",
        ".tmp",
        ".temp",
        ".dpkg-old",
        ".dpkg-dist",
        ".dpkg-new",
        ".rpmsave",
        ".rpmnew",
        ".ucf-old",
        ".ucf-dist",
    ];
    suffixes
        .iter()
        .any(|s| lower.ends_with(s) && lower.len() > s.len())
        || (lower.len() > 2 && lower.starts_with('#') && lower.ends_with('#'))
        || lower.starts_with(".#")
        || lower.starts_with("copy of ")
        || lower.contains(" (copy)")
        || is_temporary(name)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// What a finding is about: a stable name for scripts (`kind` in JSON, listed in docs/json.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// A file a phone reads that phoneup could not read: nothing in it was checked.
    Unreadable,
    /// A symbolic link that leads out of the directory: never read, and not served by a server
    /// confined to the directory.
    LinkLeavesDirectory,
    /// A backup copy, an editor's leftover or phoneup's temporary file, in the served directory.
    Leftover,
    /// A version-control folder in the served directory.
    VersionControl,
    /// A file the phone asks for under another letter case.
    WrongCase,
    /// `OS79XX.TXT` ends its line with a CR.
    CrLineEnding,
    /// `OS79XX.TXT` ends its line with spaces or tabs.
    TrailingWhitespace,
    /// `OS79XX.TXT` has more than one line.
    ExtraLines,
    /// `OS79XX.TXT` is empty.
    EmptyOs79xx,
    /// `OS79XX.TXT` names the image with its extension.
    NameWithExtension,
    /// A value where a load ID belongs that is not one.
    NotALoadId,
    /// A load named whose files are not all in the directory.
    LoadFilesMissing,
    /// `image_version` names a signed load whose `.bin` is here but whose `.sbn` is not.
    SbnMissing,
    /// An XML file that is not well-formed.
    MalformedXml,
    /// A `loadInformation` element numbered for the other model.
    WrongModelElement,
    /// `SIP<MAC>.cnf` names another load than `SIPDefault.cnf`.
    PerPhoneImageVersion,
    /// A per-phone file the loader reads before `XMLDefault.cnf.xml` names another load.
    PerPhoneFileFirst,
    /// `image_version` names another load than `XMLDefault.cnf.xml`.
    ImageVersionDisagrees,
    /// An empty `CTLSEP<MAC>.tlv`.
    EmptyTrustList,
    /// A firmware file that is not the file its name says: of another size than the sources
    /// give, or a `.bin`/`.sbn` no package ships.
    Impostor,
    /// A load named with typographic dashes (pasted from a web page): the phone asks for them.
    TypographicDash,
    /// A Java-based model's `XMLDefault.cnf.xml` element names another family's load.
    WrongFamilyLoad,
    /// A factory-reset Java-based phone loads what its term file lists, then is told a load the
    /// matrix refuses from there.
    ResetJumpRefused,
}

impl FindingKind {
    /// How bad it is: an error when a phone that reads the file loops, stops or refuses its
    /// image (or nothing was checked); a warning when a phone may, or a stranger can fetch
    /// what they should not. A link that leaves the directory is an error only for a name a
    /// phone asks for.
    pub fn severity(self) -> Severity {
        use FindingKind::*;
        match self {
            Unreadable
            | LinkLeavesDirectory
            | WrongCase
            | CrLineEnding
            | TrailingWhitespace
            | NameWithExtension
            | NotALoadId
            | LoadFilesMissing
            | MalformedXml
            | WrongModelElement
            | ImageVersionDisagrees
            | EmptyTrustList
            | Impostor
            | TypographicDash
            | WrongFamilyLoad
            | ResetJumpRefused => Severity::Error,
            Leftover | VersionControl | ExtraLines | EmptyOs79xx | SbnMissing
            | PerPhoneImageVersion | PerPhoneFileFirst => Severity::Warning,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub severity: Severity,
    pub file: String,
    pub line: Option<usize>,
    pub problem: String,
    /// What the phone will do.
    pub phone: String,
    pub fix: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Lint {
    pub tftp_root: String,
    pub findings: Vec<Finding>,
    /// With findings: the command that lints the directory again once they are fixed (the
    /// command line fills it in).
    pub next_step: Option<NextStep>,
}

const FIXED_NAMES: [&str; 6] = [
    os79xx_txt::FILE_NAME,
    xml_default_cnf_xml::FILE_NAME,
    sip_default_cnf::FILE_NAME,
    sep_default_cnf::FILE_NAME,
    "RINGLIST.DAT",
    "dialplan.xml",
];

struct Linter<'a> {
    root: &'a TftpRoot,
    /// The matrix in use (`--matrix`, or the built-in one): its packages and family rules.
    matrix: &'a Matrix,
    findings: Vec<Finding>,
    /// With `--mac`: only this phone's per-phone files are checked.
    mac: Option<Mac>,
}

impl Linter<'_> {
    /// Whether per-phone files with this MAC are checked.
    fn checks_phone(&self, mac: Mac) -> bool {
        self.mac.is_none_or(|m| m == mac)
    }

    fn add(
        &mut self,
        kind: FindingKind,
        file: &str,
        line: Option<usize>,
        problem: String,
        phone: &str,
        fix: String,
    ) {
        self.findings.push(Finding {
            kind,
            severity: kind.severity(),
            file: file.to_string(),
            line,
            problem,
            phone: phone.to_string(),
            fix,
        });
    }

    /// A load named in `file` (by `what`: `image_version`, `loadInformation`) must be a load ID
    /// whose files are in the root.
    fn named_load(&mut self, file: &str, line: Option<usize>, what: &str, load: &str) {
        if let Some(folded) = typography::fold(load).filter(|f| LoadId::parse(&f.text).is_ok()) {
            self.add(
                FindingKind::TypographicDash,
                file,
                line,
                format!(
                    "{what} `{load}` is written with {} (pasted from a web page?)",
                    typography::characters(&folded)
                ),
                "asks for a file named with those characters, gets File not found and stops there on every boot",
                format!("write {} with plain ASCII hyphens", folded.text.trim()),
            );
            return;
        }
        if let Err(e) = LoadId::parse(load) {
            let problem = match e {
                LoadIdError::Unrecognised { .. } => format!("{what} `{load}` is not a load ID"),
                e => format!("{what} `{load}` is not a 7940/7960 load ID: {e}"),
            };
            self.add(
                FindingKind::NotALoadId,
                file,
                line,
                problem,
                "asks for a file named after it, gets File not found and stops there on every boot",
                format!("set {what} to the load ID of the image the phone should run, such as P0S3-08-11-00 (phoneup identify checks one)"),
            );
            return;
        }
        let missing = missing_for(self.root, load);
        if !missing.is_empty() {
            self.add(
                FindingKind::LoadFilesMissing,
                file,
                line,
                format!("names {load}, whose files are not all here: {} missing", missing.join(", ")),
                &format!("a phone already running {load} fetches nothing and stays on it; a phone on another load that reads this file asks for the missing file, gets File not found and stops there on every boot"),
                "copy the missing files from the firmware package (exact names), or name a load you have".into(),
            );
        }
    }

    /// A signed load before the loader, named by `image_version`: every SIP image from 5.0 on
    /// that reads it (the UAL applications included) fetches its `.sbn`, since a signed image
    /// takes only signed images; only SIP 4.x, unsigned itself, fetches the `.bin`.
    fn signed_image(&mut self, file: &str, line: Option<usize>, load: &str) {
        let Ok(id) = LoadId::parse(load) else {
            return;
        };
        if id.extension().is_some() || id.era() != Some(Era::Signed) {
            return;
        }
        let (bin, sbn) = (format!("{}.bin", id.name()), format!("{}.sbn", id.name()));
        if self.root.contains(&bin) && !self.root.contains(&sbn) {
            self.add(
                FindingKind::SbnMissing,
                file,
                line,
                format!("names {}, but only {bin} is here: SIP images from 5.0 on fetch {sbn}", id.name()),
                &format!("a phone already running {} stays on it; a SIP phone on 5.0 or later (a SIP 7.x/8.x application included) asks for {sbn}, gets File not found on every boot and never reaches {}", id.name(), id.name()),
                format!("copy {sbn} from the firmware package (exact name)"),
            );
        }
    }

    fn names(&mut self) {
        for name in FIXED_NAMES {
            if !self.root.contains(name) {
                if let Some(variant) = self.root.case_variant(name) {
                    let variant = variant.to_string();
                    self.add(
                        FindingKind::WrongCase,
                        &variant,
                        None,
                        format!("named {variant}, but the phone asks for {name}"),
                        WRONG_CASE,
                        format!("rename it to {name} (right on every server)"),
                    );
                }
            }
        }
        let names: Vec<String> = self.root.names().map(str::to_string).collect();
        for name in names {
            let Some((file, mac)) =
                PerPhoneFile::parse(&name).filter(|&(_, mac)| self.checks_phone(mac))
            else {
                continue;
            };
            let canonical = file.name(mac);
            if canonical != name {
                self.add(
                    FindingKind::WrongCase,
                    &name,
                    None,
                    format!("named {name}, but the phone asks for {canonical} (upper-case prefix and MAC)"),
                    WRONG_CASE,
                    format!("rename it to {canonical} (right on every server)"),
                );
            }
        }
    }

    /// Firmware files that are not what their names say ([`Packages::impostor`]).
    fn impostors(&mut self) {
        let packages = Packages::of(self.matrix);
        let found: Vec<(String, String, String)> = self
            .root
            .names()
            .filter_map(|name| {
                let size = self.root.get(name)?.size;
                let impostor = packages.impostor(name, size)?;
                let fix = match impostor {
                    Impostor::WrongSize { .. } => format!(
                        "replace {name} with the file of that name from the firmware package"
                    ),
                    Impostor::NoSuchFile { load } => match &load.loader {
                        Some(loader) => format!(
                            "remove it; an image before the loader reaches {} through the loader {loader} (phoneup plan names every file)",
                            load.name()
                        ),
                        None => format!("remove it; {} comes as {}", load.name(), load.files.join(", ")),
                    },
                };
                Some((name.to_string(), impostor.describe(name, size), fix))
            })
            .collect();
        for (name, problem, fix) in found {
            self.add(
                FindingKind::Impostor,
                &name,
                None,
                problem,
                "fetches it when a file names its load and takes it for what its name says: an image before the loader may write it where it expects a loader",
                fix,
            );
        }
    }

    /// Files a phone reads that phoneup could not read: nothing about them was checked.
    fn unread(&mut self) {
        for (name, why) in &self.root.unread {
            self.findings.push(Finding {
                kind: FindingKind::Unreadable,
                severity: Severity::Error,
                file: name.clone(),
                line: None,
                problem: format!("phoneup could not read it ({why}), so nothing in it was checked"),
                phone: "may get an error, or a file phoneup never checked".into(),
                fix: "make it a readable regular file of a few kilobytes (phoneup reads up to 1 MiB), then lint again".into(),
            });
        }
    }

    /// Links that lead out of the directory: never read, so never shown.
    fn leaving(&mut self) {
        for (name, target) in &self.root.leaving {
            let asked = is_config_name(name)
                || LoadId::parse(name).is_ok_and(|id| id.extension().is_some());
            let (severity, phone, fix) = if asked {
                (
                    Severity::Error,
                    format!("gets File not found from tftpd-hpa --secure and phoneup serve, which do not serve a link that leaves the directory; a server that follows it hands the phone, and anyone who asks, whatever {target} holds"),
                    "put the file itself in the directory instead of the link (if it is what you mean to serve), or remove the link",
                )
            } else {
                (
                    Severity::Warning,
                    format!("never asks for it, but a server that follows links out of its directory hands whatever {target} holds to anyone who asks (TFTP has no passwords)"),
                    "remove the link from the directory the TFTP server serves",
                )
            };
            self.findings.push(Finding {
                kind: FindingKind::LinkLeavesDirectory,
                severity,
                file: name.clone(),
                line: None,
                problem: format!(
                    "a symbolic link to {target}, outside the directory: lint did not read it"
                ),
                phone,
                fix: fix.into(),
            });
        }
    }

    /// What a stranger could fetch that a phone never asks for.
    fn exposed(&mut self, dir: &Path) {
        let names: Vec<String> = self
            .root
            .names()
            .filter(|n| is_leftover(n))
            .map(str::to_string)
            .collect();
        for name in names {
            self.add(
                FindingKind::Leftover,
                &name,
                None,
                "a backup copy or an editor's leftover, in the served directory".into(),
                EXPOSED,
                "move it out of the directory the TFTP server serves".into(),
            );
        }
        for folder in [".git", ".svn", ".hg"] {
            if std::fs::symlink_metadata(dir.join(folder)).is_ok_and(|m| m.is_dir()) {
                self.add(
                    FindingKind::VersionControl,
                    &format!("{folder}/"),
                    None,
                    "a version-control folder, in the served directory: its history holds every old copy of your files".into(),
                    EXPOSED,
                    "keep the repository outside the directory the TFTP server serves (deploy a copy of the files)".into(),
                );
            }
        }
    }

    fn os79xx(&mut self) {
        let file = os79xx_txt::FILE_NAME;
        let Some(text) = self.root.text(file) else {
            return;
        };
        let first = os79xx_txt::first_line(&text);
        let mut lines = text.split('\n').skip(1);
        let name = first.trim_end_matches(['\r', ' ', '\t']);
        if first.contains('\r') {
            self.add(FindingKind::CrLineEnding, file, Some(1), "the line ends with a CR (a Windows line ending)".into(),
                "asks for the name with the CR in it, a file that does not exist (Cisco bug CSCdv19260)",
                "write the name followed by a plain LF (phoneup apply does)".into());
        }
        if first.trim_end_matches('\r') != first.trim_end_matches(['\r', ' ', '\t']) {
            self.add(
                FindingKind::TrailingWhitespace,
                file,
                Some(1),
                "the line ends with spaces or tabs".into(),
                "asks for the name with the spaces in it, a file that does not exist (CSCdv19260)",
                "remove the trailing whitespace".into(),
            );
        }
        if lines.any(|l| !l.trim().is_empty()) {
            self.add(
                FindingKind::ExtraLines,
                file,
                Some(2),
                "more than one line".into(),
                "reads only the first line",
                "keep the one line naming the image".into(),
            );
        }
        if name.trim().is_empty() {
            self.add(
                FindingKind::EmptyOs79xx,
                file,
                Some(1),
                "the file is empty".into(),
                "finds no image to boot",
                "write the image name, or remove the file".into(),
            );
            return;
        }
        if typography::fold(name.trim()).is_some() {
            // A name pasted from a web page: said once, as for every file naming a load.
            self.named_load(file, Some(1), "the image", name.trim());
            return;
        }
        match LoadId::parse(name.trim()) {
            Ok(id) if id.extension().is_some() => self.add(
                FindingKind::NameWithExtension,
                file,
                Some(1),
                format!("names {name} with its extension"),
                "adds .bin or .sbn itself and asks for a file that does not exist",
                format!("write {} alone", id.name()),
            ),
            Ok(id) => {
                // A pre-UAL phone fetches the image itself, .bin or .sbn.
                let (bin, sbn) = (format!("{}.bin", id.name()), format!("{}.sbn", id.name()));
                if !self.root.contains(&bin) && !self.root.contains(&sbn) {
                    self.add(FindingKind::LoadFilesMissing, file, Some(1),
                        format!("names {}, but neither {bin} nor {sbn} is here", id.name()),
                        &format!("a phone on an image before the loader whose load ID does not start with {} asks for it and gets File not found (a phone already on {} fetches nothing)", prefix(id.name()), id.name()),
                        "copy the image here, or name one you have (for SIP 7.x/8.x: the P003 loader)".into());
                }
            }
            Err(e) => self.add(
                FindingKind::NotALoadId,
                file,
                Some(1),
                format!("does not name a 7940/7960 image: {e}"),
                "asks for a file that does not exist",
                "write a load ID such as P0S3-06-3-00".into(),
            ),
        }
    }

    /// XML files: well-formed, element numbers that match their models, named loads present.
    fn xml(&mut self, file: &str) -> Option<String> {
        let whole = self.root.text(file)?;
        let text = xml_default_cnf_xml::split_bom(&whole).1.to_string();
        let line_at = |at: usize| {
            text.get(..at.min(text.len()))
                .map_or(1, |s| s.matches('\n').count() + 1)
        };
        if let Err(why) = xml_default_cnf_xml::check_well_formed(&text) {
            self.add(FindingKind::MalformedXml, file, None, format!("not well-formed XML: {why}"),
                "cannot read it: an SCCP image or the loader stops, or shows \"Protocol Application Invalid\"",
                "fix the XML (phoneup apply writes valid files)".into());
            return None;
        }
        let mut reader = Reader::from_str(&text);
        let element = Regex::new(r"^loadInformation(\d+)$").expect("valid regex");
        loop {
            let position = reader.buffer_position() as usize;
            match reader.read_event() {
                Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                    let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                    let Some(number) = element.captures(&name).map(|c| c[1].to_string()) else {
                        continue;
                    };
                    let model = e
                        .try_get_attribute("model")
                        .ok()
                        .flatten()
                        .map(|a| String::from_utf8_lossy(&a.value).into_owned());
                    let expected = match model.as_deref() {
                        Some("IP Phone 7940") => Some("8"),
                        Some("IP Phone 7960") => Some("7"),
                        _ => None,
                    };
                    if let Some(expected) = expected.filter(|e| *e != number) {
                        let line = line_at(position);
                        self.add(FindingKind::WrongModelElement, file, Some(line),
                            format!("<{name}> is marked model=\"{}\", which reads loadInformation{expected}", model.unwrap_or_default()),
                            "ignores the element: the 7940 reads loadInformation8, the 7960 loadInformation7",
                            format!("rename the element to loadInformation{expected}"));
                    }
                }
                Ok(Event::Eof) => break,
                Ok(_) => {}
                Err(e) => {
                    let line = line_at(reader.error_position() as usize);
                    self.add(FindingKind::MalformedXml, file, Some(line), format!("not well-formed XML: {e}"),
                        "cannot read it: an SCCP image or the loader stops, or shows \"Protocol Application Invalid\"",
                        "fix the XML (phoneup apply writes valid files)".into());
                    return None;
                }
            }
        }
        let mut named = None;
        for element in ["loadInformation8", "loadInformation7"] {
            if let Ok((numbered, plain)) =
                xml_default_cnf_xml::load_information_parts(&text, element)
            {
                let Some(load) = numbered.or(plain.filter(|p| JavaLoad::parse(p).is_none())) else {
                    // Nothing, or an unnumbered Java-based phone's load: its checks are
                    // `family`'s (a 7940/7960's own element naming one is not a load it takes).
                    continue;
                };
                if named.as_ref() != Some(&load) {
                    let line = text
                        .find(&load)
                        .map(|at| text[..at].matches('\n').count() + 1);
                    self.named_load(file, line, "loadInformation", &load);
                }
                named = Some(load);
            }
        }
        named
    }

    /// The `image_version` of `file` against the load `XMLDefault.cnf.xml` names: a SIP
    /// application reads `SIPDefault.cnf`'s, an MGCP application `MGCDefault.cnf`'s, once it
    /// runs, and goes where it says (for MGCP, rule R15 of the matrix), so a phone the loader
    /// brought to `xml` never stays there. A phone running SCCP reads neither.
    fn image_version_disagrees(&mut self, file: &str, protocol: Protocol, xml: &str, other: &str) {
        let (Ok(xml_id), Ok(other_id)) = (LoadId::parse(xml), LoadId::parse(other)) else {
            return;
        };
        let reads_it = xml_id.kind() == Kind::Application && xml_id.protocol() == Some(protocol);
        if !reads_it || xml_id.match_key() == other_id.match_key() {
            return;
        }
        let problem = if other_id.kind() == Kind::Loader {
            format!("image_version names the loader {other} while XMLDefault.cnf.xml names the application {xml}")
        } else {
            format!("image_version names {other} while XMLDefault.cnf.xml names {xml}")
        };
        let line = self
            .root
            .text(file)
            .and_then(|text| image_version_line(&text));
        self.add(
            FindingKind::ImageVersionDisagrees,
            file,
            line,
            problem,
            &format!("once {xml} runs it reads image_version and fetches {other} instead, on every boot: the phone never stays on {xml}"),
            format!("name the same load in both: set image_version: {xml} in {file} (or name {other} in XMLDefault.cnf.xml)"),
        );
    }

    /// The load `image_version` names in `file` (`SIPDefault.cnf`, `MGCDefault.cnf` or a
    /// per-phone one), checked as every named load is.
    fn sip(&mut self, file: &str) -> Option<String> {
        let text = self.root.text(file)?;
        // MGCDefault.cnf's image_version reads as SIPDefault.cnf's (files/mgc_default_cnf.rs).
        let value = sip_default_cnf::image_version(&text)?;
        let line = image_version_line(&text);
        self.named_load(file, line, sip_default_cnf::IMAGE_VERSION_KEY, &value);
        self.signed_image(file, line, &value);
        Some(value)
    }
}

/// The first four characters of a load ID: a phone before the loader dual-boots to the image
/// `OS79XX.TXT` names only when they differ from its own.
fn prefix(load: &str) -> String {
    load.chars()
        .take(4)
        .collect::<String>()
        .to_ascii_uppercase()
}

/// The line of the `image_version` setting that counts (the last one), 1-based.
fn image_version_line(text: &str) -> Option<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            !l.trim_start().starts_with('#') && l.contains(sip_default_cnf::IMAGE_VERSION_KEY)
        })
        .last()
        .map(|(i, _)| i + 1)
}

mod family;

/// Lints a TFTP root: the default files, and the per-phone files of every phone, or with `mac`
/// of that phone only. `journal` is the undo journal's folder when apply was given one: a
/// per-phone file that `apply --mac` wrote is meant to differ from the default files.
pub fn lint(
    matrix: &Matrix,
    dir: &Path,
    mac: Option<Mac>,
    journal: Option<&Path>,
) -> Result<Lint, Error> {
    let root = TftpRoot::from_dir(dir)?;
    let written: BTreeSet<String> = UndoJournal::read_only(dir, journal)
        .map(|j| j.written_files())
        .unwrap_or_default();
    let mut linter = Linter {
        root: &root,
        matrix,
        findings: Vec::new(),
        mac,
    };
    linter.unread();
    linter.leaving();
    linter.exposed(dir);
    linter.names();
    linter.impostors();
    linter.os79xx();
    let xml_default = linter.xml(xml_default_cnf_xml::FILE_NAME);
    let sip_default = linter.sip(sip_default_cnf::FILE_NAME);
    let mgc_default = linter.sip(mgc_default_cnf::FILE_NAME);
    // Exact names only: a phone never reads a file in another case (`names` says so).
    let mut phones: Vec<Mac> = Vec::new();
    for name in root.names() {
        let Some((file, mac)) =
            PerPhoneFile::parse_exact(name).filter(|&(_, mac)| linter.checks_phone(mac))
        else {
            continue;
        };
        if file == PerPhoneFile::CtlSep {
            if root.get(name).is_some_and(|e| e.size == 0) {
                linter.add(
                    FindingKind::EmptyTrustList,
                    name,
                    None,
                    "the file is empty".into(),
                    "fetches it every few seconds and goes no further (VI-FWISSUES)",
                    "remove it: a File not found answer is all the phone needs".into(),
                );
            }
        } else if !phones.contains(&mac) {
            phones.push(mac);
        }
    }
    for mac in &phones {
        let (sep, sip) = (
            PerPhoneFile::SepXml.name(*mac),
            PerPhoneFile::SipCnf.name(*mac),
        );
        let sep_load = linter.xml(&sep);
        let sip_own = linter.sip(&sip);
        if let (Some(own), Some(default)) = (&sip_own, &sip_default) {
            // A per-phone file phoneup apply --mac wrote is meant to differ.
            if own != default && !written.contains(&sip) {
                linter.add(
                    FindingKind::PerPhoneImageVersion,
                    &sip,
                    None,
                    format!("image_version says {own}, SIPDefault.cnf says {default}"),
                    &format!("phone {mac} follows {own}, the per-phone file"),
                    "name the same load in both, or remove image_version from one".into(),
                );
            }
        }
        // The loader's hunt stops at the first per-phone file it finds (MARKWILSON-2008's log), before
        // XMLDefault.cnf.xml: that file must name the same load.
        let Some(default_load) = &xml_default else {
            continue;
        };
        let (file, read, how) = if root.contains(&sep) {
            (&sep, sep_load, "its loadInformation")
        } else if root.contains(&sip) {
            (
                &sip,
                sip_own.or_else(|| sip_default.clone()),
                "image_version",
            )
        } else {
            continue;
        };
        if written.contains(file) {
            continue;
        }
        if let Some(load) = read.filter(|load| load != default_load) {
            linter.add(FindingKind::PerPhoneFileFirst, file, None,
                format!("names {load} ({how}), XMLDefault.cnf.xml names {default_load}"),
                &format!("phone {mac}'s loader stops at {file} before XMLDefault.cnf.xml and loads {load}"),
                format!("name {default_load} in {file} too, or move {file} aside while upgrading"));
        }
    }
    let sep_files: Vec<String> = phones
        .iter()
        .map(|mac| PerPhoneFile::SepXml.name(*mac))
        .filter(|name| root.contains(name))
        .collect();
    linter.family(&sep_files);
    if let Some(xml) = &xml_default {
        for (file, protocol, named) in [
            (sip_default_cnf::FILE_NAME, Protocol::Sip, &sip_default),
            (mgc_default_cnf::FILE_NAME, Protocol::Mgcp, &mgc_default),
        ] {
            if let Some(named) = named {
                linter.image_version_disagrees(file, protocol, xml, named);
            }
        }
    }
    linter
        .findings
        .sort_by(|a, b| (a.file.as_str(), a.line).cmp(&(b.file.as_str(), b.line)));
    Ok(Lint {
        tftp_root: dir.display().to_string(),
        findings: linter.findings,
        next_step: None,
    })
}
