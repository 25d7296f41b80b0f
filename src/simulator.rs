//! A model of a 7940/7960 booting from a TFTP root: which files it asks for, in which order,
//! which image it fetches, whether it takes it, and what its screen shows. It is built from the
//! field reports and Cisco's descriptions of the boot (§4 of the domain model), not from the
//! upgrade rules, so replaying a plan on it is a second, independent opinion.

use std::collections::HashSet;
use std::fmt::Write as _;

use quick_xml::events::Event;
use quick_xml::Reader;
use regex::Regex;
use serde::Serialize;

use crate::files::{os79xx_txt, sip_default_cnf, xml_default_cnf_xml};
use crate::load_id::{Era, Kind, LoadId, Protocol, Version};
use crate::output::Style;
use crate::phone_model::Model;
use crate::tftp_root::TftpRoot;

/// How the TFTP server answers a request for a file it does not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ServerBehaviour {
    /// TFTP error 1, File not found: the phone moves on to the next file.
    #[default]
    FileNotFound,
    /// Another error or a broken reply (seeds 000 and 002): the phone asks again and again.
    WrongError,
}

/// One request, as a TFTP server log shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Request {
    pub file: String,
    pub found: bool,
}

/// What one boot did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BootResult {
    /// The phone took a new image and rebooted into it.
    Upgraded,
    /// The phone started its current load; nothing names another one.
    Stable,
    /// A file it needs is missing: it stops there, and every boot will do the same.
    FileNotFound,
    /// It fetched an image and refused it.
    Refused,
    /// The loader has nothing valid to run.
    ProtocolApplicationInvalid,
    /// It asks for the same file over and over.
    Loop,
    /// The model has no evidence for what happens next.
    Unknown,
}

/// One boot of the phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Boot {
    pub boot: usize,
    /// The load running when the boot starts.
    pub running: String,
    pub requests: Vec<Request>,
    /// Firmware files fetched, in order.
    pub fetched: Vec<String>,
    pub result: BootResult,
    /// What happened, in a sentence.
    pub detail: String,
    /// The load running after the boot.
    pub after: String,
    pub screen: Vec<String>,
    /// Things in the TFTP root that made this boot go wrong, and how to fix them.
    pub problems: Vec<String>,
    /// For a boot that stops: what it stops on.
    pub stuck_on: Option<String>,
}

/// Where a run of boots ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ending {
    /// The phone runs its load and nothing names another.
    Stable,
    /// It would repeat the last boot forever (or flip between loads).
    Loop,
    /// It keeps refusing the image it is given.
    Refused,
    /// The model cannot say.
    Unknown,
    /// Still changing when the boots ran out.
    Unfinished,
}

/// A run of boots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Simulation {
    pub from: String,
    pub model: Model,
    pub mac: Option<String>,
    pub boots: Vec<Boot>,
    pub final_load: String,
    pub ending: Ending,
    /// For a loop: the file it loops on.
    pub loop_file: Option<String>,
    /// Every problem found, without repeats.
    pub problems: Vec<String>,
}

/// The phone being simulated.
#[derive(Debug, Clone)]
pub struct Phone {
    pub model: Model,
    /// Twelve upper-case hex digits, or `None` (per-phone files are then never found).
    pub mac: Option<String>,
    pub server: ServerBehaviour,
}

impl Phone {
    pub fn new(model: Model) -> Phone {
        Phone {
            model,
            mac: None,
            server: ServerBehaviour::FileNotFound,
        }
    }

    fn per_phone(&self, prefix: &str, suffix: &str) -> String {
        format!("{prefix}{}{suffix}", self.mac.as_deref().unwrap_or("<MAC>"))
    }

    /// The `loadInformation` element this phone reads (a single model; `Both` reads as a 7960).
    fn element(&self) -> &'static str {
        // The last of the model's elements: its own, or the 7960's for `Both`.
        self.model
            .load_information()
            .last()
            .expect("every model has a loadInformation element")
            .element
    }

    /// Boots until the phone settles, loops or `max_boots` run out.
    pub fn simulate(&self, start: &LoadId, root: &TftpRoot, max_boots: usize) -> Simulation {
        let mut running = start.clone();
        let mut seen = HashSet::from([running.name().to_string()]);
        let mut boots: Vec<Boot> = Vec::new();
        let mut ending = Ending::Unfinished;
        let mut loop_file = None;
        for number in 1..=max_boots.max(1) {
            let boot = self.boot(number, &running, root);
            let result = boot.result;
            let stuck_on = boot.stuck_on.clone();
            let after = boot.after.clone();
            boots.push(boot);
            match result {
                BootResult::Upgraded => {
                    running = LoadId::parse(&after).expect("the model only runs parsed loads");
                    if !seen.insert(after.clone()) {
                        ending = Ending::Loop;
                        loop_file = Some(format!("{after} (the phone flips between loads)"));
                        break;
                    }
                }
                BootResult::Stable => {
                    ending = Ending::Stable;
                    break;
                }
                BootResult::FileNotFound
                | BootResult::Loop
                | BootResult::ProtocolApplicationInvalid => {
                    ending = Ending::Loop;
                    loop_file = stuck_on;
                    break;
                }
                BootResult::Refused => {
                    ending = Ending::Refused;
                    break;
                }
                BootResult::Unknown => {
                    ending = Ending::Unknown;
                    break;
                }
            }
        }
        let mut problems: Vec<String> = Vec::new();
        for problem in boots.iter().flat_map(|b| b.problems.iter()) {
            if !problems.contains(problem) {
                problems.push(problem.clone());
            }
        }
        Simulation {
            from: start.name().to_string(),
            model: self.model,
            mac: self.mac.clone(),
            final_load: running.name().to_string(),
            boots,
            ending,
            loop_file,
            problems,
        }
    }

    /// One boot.
    pub fn boot(&self, number: usize, running: &LoadId, root: &TftpRoot) -> Boot {
        let mut boot = BootRun {
            phone: self,
            root,
            running,
            out: Boot {
                boot: number,
                running: running.name().to_string(),
                requests: Vec::new(),
                fetched: Vec::new(),
                result: BootResult::Stable,
                detail: String::new(),
                after: running.name().to_string(),
                screen: Vec::new(),
                problems: Vec::new(),
                stuck_on: None,
            },
        };
        // The run stops at the first decisive event; `Err` carries nothing, the outcome is set.
        let _ = match running.era() {
            Some(Era::Ual) => boot.ual(),
            Some(_) => boot.legacy(),
            None => Err(boot.unknown(format!(
                "phoneup has no model of how {} boots",
                running.name()
            ))),
        };
        boot.out
    }
}

/// Marks a decisive event: the boot's result is set and nothing more happens.
struct Stop;

struct BootRun<'a> {
    phone: &'a Phone,
    root: &'a TftpRoot,
    running: &'a LoadId,
    out: Boot,
}

type Step<T = ()> = Result<T, Stop>;

/// Shows a name as a log would, with CR and other controls escaped.
fn shown(name: &str) -> String {
    name.escape_debug().to_string()
}

fn prefix(name: &str) -> String {
    name.chars()
        .take(4)
        .collect::<String>()
        .to_ascii_uppercase()
}

impl BootRun<'_> {
    fn finish(&mut self, result: BootResult, detail: String, screen: &[&str]) -> Stop {
        self.out.result = result;
        self.out.detail = detail;
        self.out.screen.extend(screen.iter().map(|s| s.to_string()));
        Stop
    }

    fn unknown(&mut self, detail: String) -> Stop {
        self.finish(BootResult::Unknown, detail, &[])
    }

    /// Asks the server for a file. A missing file on a misbehaving server is a loop.
    fn request(&mut self, name: &str) -> Step<bool> {
        let found = self.root.contains(name);
        self.out.requests.push(Request {
            file: shown(name),
            found,
        });
        if !found {
            if let Some(variant) = self.root.case_variant(name) {
                self.out.problems.push(format!(
                    "The phone asks for {} but the root has {variant}: TFTP names are case-sensitive; rename it.",
                    shown(name)
                ));
            }
            if self.phone.server == ServerBehaviour::WrongError {
                self.out.stuck_on = Some(shown(name));
                return Err(self.finish(
                    BootResult::Loop,
                    format!("the server does not answer {} with TFTP error 1 (File not found), so the phone asks for it again and again", shown(name)),
                    &["the phone keeps requesting the same file, drops its address and starts over"],
                ));
            }
        }
        Ok(found)
    }

    fn text(&self, name: &str) -> String {
        self.root.text(name).unwrap_or_default()
    }

    fn fetch(&mut self, name: &str) -> Step {
        if self.request(name)? {
            self.out.fetched.push(name.to_string());
            Ok(())
        } else {
            self.out.stuck_on = Some(shown(name));
            let named_by = self
                .out
                .requests
                .iter()
                .rev()
                .find(|r| r.found)
                .map(|r| r.file.clone());
            let fix = match named_by {
                Some(file) => format!(
                    "{} is not in the TFTP root: copy it from the firmware package, or change {file}, which led the phone to it.",
                    shown(name)
                ),
                None => format!("{} is not in the TFTP root: copy it from the firmware package.", shown(name)),
            };
            self.out.problems.push(fix);
            Err(self.finish(
                BootResult::FileNotFound,
                format!("{} is not on the server", shown(name)),
                &["TFTP File Not Found"],
            ))
        }
    }

    /// Pre-UAL images: OS79XX.TXT first, then the protocol's own files.
    fn legacy(&mut self) -> Step {
        if self.request(os79xx_txt::FILE_NAME)? {
            let text = self.text(os79xx_txt::FILE_NAME);
            let line = text.split('\n').next().unwrap_or_default().to_string();
            if line.ends_with('\r') || line.ends_with(' ') || line.ends_with('\t') {
                self.out.problems.push(
                    "OS79XX.TXT ends its line with a CR or a space: the phone takes it as part of the name and asks for a file that does not exist (CSCdv19260). Write the name and a plain LF."
                        .into(),
                );
            }
            if text.trim_end().contains('\n') {
                self.out.problems.push(
                    "OS79XX.TXT has more than one line: the phone reads only the first.".into(),
                );
            }
            if LoadId::parse(line.trim()).is_ok_and(|id| id.extension().is_some()) {
                self.out.problems.push(
                    "OS79XX.TXT names a file with its extension: write the image name alone (the phone adds .bin or .sbn).".into(),
                );
            }
            if !line.trim().is_empty() && prefix(&line) != prefix(self.running.name()) {
                // A different protocol: the universal boot mechanism loads that image.
                return self.install(&line, true);
            }
        }
        match self.running.protocol() {
            Some(Protocol::Sccp) => self.legacy_sccp(),
            Some(Protocol::Sip) => self.legacy_sip(),
            _ => Err(self.unknown(format!(
                "phoneup has no model of how {} boots",
                self.running.name()
            ))),
        }
    }

    /// Old SCCP images: seed 004's hunt, then the load named by loadInformation.
    fn legacy_sccp(&mut self) -> Step {
        let sep_xml = self.phone.per_phone("SEP", ".cnf.xml");
        let hunt = [
            sep_xml.clone(),
            xml_default_cnf_xml::FILE_NAME.to_string(),
            self.phone.per_phone("SEP", ".cnf"),
            "SEPDefault.cnf".to_string(),
        ];
        for file in hunt {
            if !self.request(&file)? {
                continue;
            }
            if !file.ends_with(".xml") {
                return Err(self.unknown(format!(
                    "{file} is an old-style SCCP file phoneup does not model"
                )));
            }
            let load = self.load_information(&file);
            return match load {
                Some(load) if !self.is_running(&load) => self.install(&load, false),
                _ => Err(self.stable()),
            };
        }
        Err(self.stable())
    }

    /// A SIP image reads SIPDefault.cnf, then SIP<MAC>.cnf, whose image_version wins.
    fn sip_image_version(&mut self) -> Step<Option<String>> {
        let mut image = None;
        for file in [
            sip_default_cnf::FILE_NAME.to_string(),
            self.phone.per_phone("SIP", ".cnf"),
        ] {
            if self.request(&file)? {
                if let Some(value) = image_version(&self.text(&file)) {
                    image = Some(value);
                }
            }
        }
        Ok(image)
    }

    /// Old SIP images: their own configuration files name the image.
    fn legacy_sip(&mut self) -> Step {
        match self.sip_image_version()? {
            Some(image) if !self.is_running(&image) => self.install(&image, false),
            _ => Err(self.stable()),
        }
    }

    /// UAL-era loads: the hunt of seed 004; the first file found decides.
    fn ual(&mut self) -> Step {
        let ctl = self.phone.per_phone("CTLSEP", ".tlv");
        let sep = self.phone.per_phone("SEP", ".cnf.xml");
        let sip = self.phone.per_phone("SIP", ".cnf");
        let mgc = self.phone.per_phone("MGC", ".cnf");
        let hunt = [
            ctl.clone(),
            sep.clone(),
            sip.clone(),
            mgc.clone(),
            xml_default_cnf_xml::FILE_NAME.to_string(),
            sip_default_cnf::FILE_NAME.to_string(),
            "MGCDefault.cnf".to_string(),
        ];
        let mut decided: Option<Option<String>> = None;
        for file in &hunt {
            if !self.request(file)? {
                continue;
            }
            if *file == ctl {
                if self.root.get(file).is_some_and(|e| e.size == 0) {
                    self.out.stuck_on = Some(file.clone());
                    self.out.problems.push(format!(
                        "{file} is empty: the phone fetches it every few seconds and goes no further (seed 001). Remove it: a File not found answer is all it needs."
                    ));
                    return Err(self.finish(
                        BootResult::Loop,
                        format!("the phone loops on the empty {file}"),
                        &["the phone keeps fetching the trust list"],
                    ));
                }
                continue;
            }
            if file.starts_with("MGC") {
                return Err(
                    self.unknown(format!("{file} selects MGCP, which phoneup does not model"))
                );
            }
            let load = if file.ends_with(".xml") {
                self.load_information(file)
            } else {
                let mut value = image_version(&self.text(file));
                if value.is_none() && *file == sip {
                    // The per-phone file decides SIP; the image comes from the default file.
                    if self.request(sip_default_cnf::FILE_NAME)? {
                        value = image_version(&self.text(sip_default_cnf::FILE_NAME));
                    }
                }
                value
            };
            decided = Some(load);
            break;
        }
        let is_loader = self.running.kind() == Kind::Loader;
        match decided {
            None if is_loader => {
                self.out.stuck_on =
                    Some("the configuration hunt (none of its files is on the server)".into());
                self.out.problems.push(
                    "The loader finds no configuration file: serve XMLDefault.cnf.xml (or SIPDefault.cnf) naming the application it should load; `phoneup plan` prints it.".into(),
                );
                Err(self.finish(
                    BootResult::FileNotFound,
                    "none of the configuration files of the hunt is on the server".into(),
                    &["Universal Application Loader", "TFTP file not found"],
                ))
            }
            None => Err(self.stable()),
            Some(None) if is_loader => {
                self.out.stuck_on = Some("a configuration file that names no load".into());
                self.out.problems.push(
                    "The configuration file the loader found names no load it can read (no loadInformation or image_version): serve one that names the application.".into(),
                );
                Err(self.finish(
                    BootResult::ProtocolApplicationInvalid,
                    "the loader found a configuration file that names no load".into(),
                    &[
                        "Universal Application Loader",
                        "Protocol Application Invalid",
                    ],
                ))
            }
            Some(None) => self.application_phase(),
            Some(Some(load)) if self.is_running(&load) => self.application_phase(),
            Some(Some(load)) => self.install(&load, false),
        }
    }

    /// A UAL-era SIP application reads its own files once it starts (seed 004, LKML), and
    /// follows image_version if it names another load.
    fn application_phase(&mut self) -> Step {
        if self.running.protocol() != Some(Protocol::Sip) {
            return Err(self.stable());
        }
        match self.sip_image_version()? {
            Some(image) if !self.is_running(&image) => {
                self.out.problems.push(format!(
                    "image_version names {image}, but the file the loader read names {}: the phone will go back and forth. Name the same load in both.",
                    self.running.name()
                ));
                self.install(&image, false)
            }
            _ => Err(self.stable()),
        }
    }

    fn is_running(&self, name: &str) -> bool {
        LoadId::parse(name).is_ok_and(|id| id.match_key() == self.running.match_key())
    }

    fn stable(&mut self) -> Stop {
        let screen: &[&str] = match (self.running.kind(), self.running.protocol()) {
            (Kind::Loader, _) => &["Universal Application Loader"],
            (_, Some(Protocol::Sip)) => &["the SIP application starts (\"Phone Unprovisioned\" until it has a line)"],
            (_, Some(Protocol::Sccp)) => &["the SCCP application starts and looks for a call manager (\"Configuring CM List\")"],
            _ => &[],
        };
        let detail = format!("{} starts; nothing names another load", self.running.name());
        self.finish(BootResult::Stable, detail, screen)
    }

    /// Reads the load for this phone from an XML configuration file.
    fn load_information(&mut self, file: &str) -> Option<String> {
        match load_information(&self.text(file), self.phone.element()) {
            Ok(load) => load,
            Err(error) => {
                self.out.problems.push(format!(
                    "{file} is not well-formed XML ({error}): the phone cannot read it."
                ));
                None
            }
        }
    }

    /// Fetches and installs the image `name` names. `dual_boot`: named by OS79XX.TXT.
    fn install(&mut self, name: &str, dual_boot: bool) -> Step {
        let running_era = self
            .running
            .era()
            .expect("legacy and UAL loads have an era");
        let target = LoadId::parse(name).ok().filter(|t| t.extension().is_none());
        let by_loads = !dual_boot
            && target.as_ref().is_some_and(|t| {
                t.era() == Some(Era::Ual)
                    && t.kind() == Kind::Application
                    && (running_era == Era::Ual || self.running.protocol() == Some(Protocol::Sccp))
            });
        if by_loads {
            let target = target.expect("checked above");
            return self.install_loads(&target);
        }
        if running_era == Era::Ual && target.as_ref().is_some_and(|t| t.kind() == Kind::Loader) {
            // A UAL load is pointed at a bare loader: there is no .loads to fetch.
            let loads = format!("{name}.loads");
            self.fetch(&loads)?;
        }
        let extension = if running_era == Era::Unsigned {
            "bin"
        } else {
            "sbn"
        };
        let file = format!("{name}.{extension}");
        self.fetch(&file)?;
        let Some(target) = target else {
            return Err(self.unknown(format!(
                "{} is not a load ID phoneup knows how the phone treats",
                shown(name)
            )));
        };
        self.accept(&target)
    }

    /// The UAL way: the .loads names the loader and the application.
    fn install_loads(&mut self, target: &LoadId) -> Step {
        let loads = format!("{}.loads", target.name());
        self.fetch(&loads)?;
        let text = self.text(&loads);
        let Some((loader, application)) = loads_manifest(&text) else {
            self.out.problems.push(format!(
                "{loads} names no .sbn loader and .sb2 application: the file is damaged or not a .loads manifest."
            ));
            return Err(self.unknown(format!("{loads} cannot be read")));
        };
        self.fetch(&loader)?;
        self.fetch(&application)?;
        self.accept(target)
    }

    fn accept(&mut self, target: &LoadId) -> Step {
        let running_era = self.running.era().expect("running loads have an era");
        let five = Version::new(5, 0);
        if running_era.is_signed() && target.version().is_some_and(|v| v < five) {
            return Err(self.finish(
                BootResult::Refused,
                format!(
                    "{} runs a signed load and refuses the unsigned {}",
                    self.running.name(),
                    target.name()
                ),
                &[
                    "Upgrading Software",
                    "the image is refused; the phone keeps its load",
                ],
            ));
        }
        if running_era == Era::Unsigned && target.era() == Some(Era::Ual) {
            if target.kind() == Kind::Application {
                return Err(self.finish(
                    BootResult::Refused,
                    format!(
                        "{} cannot take the UAL-era image {} (seed 003)",
                        self.running.name(),
                        target.name()
                    ),
                    &["Upgrading Software", "Load ID Incorrect"],
                ));
            }
            return Err(self.unknown(format!(
                "no evidence says how {} takes the loader {}",
                self.running.name(),
                target.name()
            )));
        }
        if target.era().is_none() {
            return Err(self.unknown(format!("phoneup has no model of {}", target.name())));
        }
        self.out.after = target.name().to_string();
        let screen: &[&str] = if target.kind() == Kind::Loader {
            &[
                "Upgrading Software",
                "reboot",
                "Universal Application Loader",
            ]
        } else if running_era == Era::Ual || target.era() == Some(Era::Ual) {
            &["Universal Application Loader", "reboot"]
        } else {
            &["Upgrading Software", "reboot"]
        };
        let detail = format!("took {} and rebooted into it", target.name());
        Err(self.finish(BootResult::Upgraded, detail, screen))
    }
}

/// The `image_version` value of a SIP configuration file: `#` comment lines and `;` inline
/// comments ignored, straight or curly quotes removed; the last occurrence wins.
pub fn image_version(text: &str) -> Option<String> {
    let mut value = None;
    for line in text.lines() {
        let line = line.trim_start();
        if line.starts_with('#') {
            continue;
        }
        let line = line.split(';').next().unwrap_or_default();
        let Some((key, rest)) = line.split_once(':') else {
            continue;
        };
        if key.trim() != sip_default_cnf::IMAGE_VERSION_KEY {
            continue;
        }
        let v = rest
            .trim()
            .trim_matches(|c| matches!(c, '"' | '\u{201c}' | '\u{201d}'))
            .trim();
        if !v.is_empty() {
            value = Some(v.to_string());
        }
    }
    value
}

/// The load a phone with `element` (`loadInformation8` or `7`) reads from an XML file; an
/// unnumbered `<loadInformation>` (SEP files) serves every model.
pub fn load_information(text: &str, element: &str) -> Result<Option<String>, String> {
    xml_default_cnf_xml::check_well_formed(text)?;
    let mut reader = Reader::from_str(text);
    let mut inside: Option<bool> = None; // Some(numbered?) while inside a matching element
    let mut numbered = None;
    let mut plain = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = e.name();
                let name = String::from_utf8_lossy(name.as_ref()).into_owned();
                inside = if name == element {
                    Some(true)
                } else if name == "loadInformation" {
                    Some(false)
                } else {
                    None
                };
            }
            Ok(Event::Text(t)) => {
                if let Some(is_numbered) = inside {
                    let value = t.decode().map_err(|e| e.to_string())?.trim().to_string();
                    if !value.is_empty() {
                        if is_numbered {
                            numbered = Some(value);
                        } else {
                            plain = Some(value);
                        }
                    }
                }
            }
            Ok(Event::End(_)) => inside = None,
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(format!("at byte {}: {e}", reader.error_position())),
        }
    }
    Ok(numbered.or(plain))
}

/// The loader (`.sbn`) and application (`.sb2`) a `.loads` manifest names.
pub fn loads_manifest(text: &str) -> Option<(String, String)> {
    static NAMES: std::sync::OnceLock<(Regex, Regex)> = std::sync::OnceLock::new();
    let (sbn, sb2) = NAMES.get_or_init(|| {
        (
            Regex::new(r"[A-Za-z0-9-]+\.sbn").expect("valid regex"),
            Regex::new(r"[A-Za-z0-9-]+\.sb2").expect("valid regex"),
        )
    });
    Some((
        sbn.find(text)?.as_str().to_string(),
        sb2.find(text)?.as_str().to_string(),
    ))
}

/// The text of a `.loads` manifest as phoneup writes stand-ins for tests: its own name, the
/// loader, the application, CR LF line ends, as in a real one.
pub fn stand_in_loads(name: &str, loader: &str, application: &str) -> String {
    format!("{name}\r\n{loader}.sbn\r\n{application}.sb2\r\n")
}

impl Simulation {
    pub fn to_text(&self, style: &Style) -> String {
        let mut out = String::new();
        let mac = self
            .mac
            .as_deref()
            .unwrap_or("<MAC>, none given: per-phone files are not looked at");
        let _ = writeln!(
            out,
            "{} {} on a {} (MAC {mac})",
            style.bold("Simulating"),
            self.from,
            self.model
        );
        for boot in &self.boots {
            let _ = writeln!(
                out,
                "\n{} running {}",
                style.heading(&format!("Boot {}:", boot.boot)),
                boot.running
            );
            for request in &boot.requests {
                let status = if request.found {
                    "found".to_string()
                } else {
                    style.warning("not found")
                };
                let _ = writeln!(out, "  RRQ {:<28} {status}", request.file);
            }
            if !boot.fetched.is_empty() {
                let _ = writeln!(out, "  fetched  {}", boot.fetched.join(", "));
            }
            let _ = writeln!(out, "  result   {}", boot.detail);
            if !boot.screen.is_empty() {
                let _ = writeln!(out, "  screen   {}", boot.screen.join(" -> "));
            }
        }
        let ending = match self.ending {
            Ending::Stable => style.good("stable"),
            Ending::Loop => style.error(&format!(
                "loops on {}",
                self.loop_file.as_deref().unwrap_or("the same request")
            )),
            Ending::Refused => style.error("refuses the image, every boot"),
            Ending::Unknown => style.warning("unknown: the model has no evidence for what happens"),
            Ending::Unfinished => {
                style.warning("still changing when the boots ran out (raise --boots)")
            }
        };
        let _ = writeln!(out, "\nThe phone ends on {}: {ending}.", self.final_load);
        if !self.problems.is_empty() {
            let _ = writeln!(out, "{}", style.warning("To fix in the TFTP root:"));
            for problem in &self.problems {
                let _ = writeln!(out, "  - {problem}");
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_version_reads_the_forms_seen_in_the_field() {
        assert_eq!(
            image_version("image_version: P0S3-06-3-00\n").as_deref(),
            Some("P0S3-06-3-00")
        );
        assert_eq!(
            image_version("image_version: \"P0S3-8-12-00\"").as_deref(),
            Some("P0S3-8-12-00")
        );
        assert_eq!(
            image_version("image_version : \"P00308010200\" ; SCCP").as_deref(),
            Some("P00308010200")
        );
        assert_eq!(image_version("# image_version: P0S3-06-3-00\n"), None);
        assert_eq!(
            image_version(";begin\nimage_version: P0S3-08-2-00\nproxy_register: 1\n").as_deref(),
            Some("P0S3-08-2-00")
        );
        assert_eq!(
            image_version("image_version: \u{201c}P0S3-07-4-00\u{201d}").as_deref(),
            Some("P0S3-07-4-00")
        );
    }

    #[test]
    fn load_information_prefers_the_model_element() {
        let xml = "<Default><loadInformation8 model=\"IP Phone 7940\">A</loadInformation8>\
                   <loadInformation7 model=\"IP Phone 7960\">B</loadInformation7></Default>";
        assert_eq!(
            load_information(xml, "loadInformation8")
                .unwrap()
                .as_deref(),
            Some("A")
        );
        assert_eq!(
            load_information(xml, "loadInformation7")
                .unwrap()
                .as_deref(),
            Some("B")
        );
        let seed_004 = "<Default>\n  <loadInformation>P0S3-8-12-00</loadInformation>\n</Default>";
        assert_eq!(
            load_information(seed_004, "loadInformation8")
                .unwrap()
                .as_deref(),
            Some("P0S3-8-12-00")
        );
        assert_eq!(
            load_information("<Default></Default>", "loadInformation8").unwrap(),
            None
        );
        assert!(
            load_information("<Default><loadInformation8>x</Default>", "loadInformation8").is_err()
        );
    }

    #[test]
    fn loads_manifest_names_loader_and_application() {
        let text = stand_in_loads("P0S3-07-5-00", "P003-07-5-00", "P0S3-07-5-00");
        assert_eq!(
            loads_manifest(&text),
            Some(("P003-07-5-00.sbn".into(), "P0S3-07-5-00.sb2".into()))
        );
        assert_eq!(loads_manifest("garbage"), None);
    }
}
