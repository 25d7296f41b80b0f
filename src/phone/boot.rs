//! One boot of a 7940/7960: which files it asks for, in which order, which image it fetches,
//! whether it takes it, and what its screen shows. It is built from the field reports and Cisco's
//! descriptions of how each era picks its next image (the dual boot through `OS79XX.TXT`,
//! `image_version` in the SIP files, the loader's hunt through the per-phone and default
//! files), not from the upgrade rules. [`java`] is the same for the Java-based phones (7906 to
//! 7975).

pub mod java;

use serde::Serialize;

use crate::files::mac::Mac;
use crate::files::per_phone::PerPhoneFile;
use crate::files::{
    loads, mgc_default_cnf, os79xx_txt, sep_default_cnf, sip_default_cnf, xml_default_cnf_xml,
};
use crate::knowledge::load_id::{Era, Kind, LoadId, Protocol, Version};
use crate::knowledge::models;
use crate::knowledge::package::{Packages, Shipped};
use crate::knowledge::phones::Model;
use crate::phone::advice;
use crate::phone::server::{Answer, Server, ServerBehaviour, Transfer};

/// One request, as a TFTP server log shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Request {
    pub file: String,
    pub found: bool,
    /// How the read went on the wire, when the server is a real one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tftp: Option<Transfer>,
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

/// The phone being simulated.
#[derive(Debug, Clone)]
pub struct Phone {
    pub model: Model,
    /// Twelve upper-case hex digits, or `None` (per-phone files are then never found). Text
    /// rather than a [`Mac`] while `wire::serve::placement` sets it from text; read it through
    /// [`Phone::mac`].
    pub mac: Option<String>,
    pub server: ServerBehaviour,
    /// The catalogue's packages: a fix never tells the user to copy a file none of them ships.
    pub packages: Packages,
}

impl Phone {
    /// A phone of `model` with no MAC, on a server that answers File not found, checking its
    /// advice against the built-in catalogue.
    pub fn new(model: Model) -> Phone {
        Phone {
            model,
            mac: None,
            server: ServerBehaviour::FileNotFound,
            packages: Packages::builtin(),
        }
    }

    /// The phone's MAC, when it has one.
    pub fn mac(&self) -> Option<Mac> {
        self.mac.as_deref().and_then(|mac| mac.parse().ok())
    }

    /// The name this phone asks for `file` by (with `<MAC>` for a phone without a MAC).
    fn per_phone(&self, file: PerPhoneFile) -> String {
        file.name_or_template(self.mac())
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

    /// One boot, reading its files from `server`.
    pub fn boot(&self, number: usize, running: &LoadId, server: &mut dyn Server) -> Boot {
        let mut boot = BootRun {
            phone: self,
            server,
            files: Vec::new(),
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
    server: &'a mut dyn Server,
    /// The files served so far this boot, by name (size and, for text, contents).
    files: Vec<(String, u64, Option<Vec<u8>>)>,
    running: &'a LoadId,
    out: Boot,
}

type Step<T = ()> = Result<T, Stop>;

/// Shows a name as a log would, with CR and other controls escaped.
fn shown(name: &str) -> String {
    crate::output::Untrusted(name).to_string()
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

    /// Asks the server for a file. A missing file answered with anything but TFTP error 1, or
    /// not answered at all, is a loop: the phone asks again and again (MCLEAN-CTLSEP, VI-FWISSUES and TCG-7960).
    fn request(&mut self, name: &str) -> Step<bool> {
        let answer = self.server.read(name);
        let found = matches!(answer, Answer::Served { .. });
        self.out.requests.push(Request {
            file: shown(name),
            found,
            tftp: self.server.last_transfer(),
        });
        match answer {
            Answer::Served { size, contents } => {
                self.files.push((name.to_string(), size, contents));
                Ok(true)
            }
            Answer::NotFound => {
                self.case_problem(name);
                Ok(false)
            }
            Answer::Error { .. } => {
                self.case_problem(name);
                self.out.stuck_on = Some(shown(name));
                Err(self.finish(
                    BootResult::Loop,
                    format!("the server does not answer {} with TFTP error 1 (File not found), so the phone asks for it again and again", shown(name)),
                    &["the phone keeps requesting the same file, drops its address and starts over"],
                ))
            }
            Answer::NoAnswer { why } => {
                self.out.stuck_on = Some(shown(name));
                Err(self.finish(
                    BootResult::Loop,
                    format!("no answer for {} ({}): the data port is blocked or the server is unreachable, so the phone asks for it again and again", shown(name), why.trim_start_matches("no answer: ")),
                    &["the phone keeps requesting the same file, drops its address and starts over"],
                ))
            }
        }
    }

    /// A file the phone did not find that the root has in another case or another spelling.
    fn case_problem(&mut self, name: &str) {
        if let Some(variant) = self.server.case_variant(name) {
            self.out.problems.push(format!(
                "The phone asks for {} but the root has {variant}: tftpd-hpa, atftpd and dnsmasq match names exactly and answer File not found (a Windows server such as Tftpd32 ignores case); rename it.",
                shown(name)
            ));
        } else if let Some(variant) = self
            .server
            .spelling_variant(name)
            .filter(|_| matches!(self.phone.packages.ships(name), Shipped::Yes(_)))
        {
            self.out.problems.push(format!(
                "The phone asks for {} but the root has {variant}, the same file spelled another way: the phone asks for names exactly. Copy {variant} to {}, or name {} in the file that led the phone here (phoneup plan --tftp-root follows your spelling).",
                shown(name),
                shown(name),
                variant.rsplit_once('.').map_or(variant.as_str(), |(stem, _)| stem)
            ));
        }
    }

    /// The text of a file served this boot (empty if it was not).
    fn text(&self, name: &str) -> String {
        self.files
            .iter()
            .rev()
            .find(|(file, _, _)| file == name)
            .and_then(|(_, _, contents)| contents.as_ref())
            .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
            .unwrap_or_default()
    }

    /// The size of a file served this boot.
    fn size(&self, name: &str) -> Option<u64> {
        self.files
            .iter()
            .rev()
            .find(|(file, _, _)| file == name)
            .map(|(_, size, _)| *size)
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
            let fix = advice::missing_file(
                &self.phone.packages,
                self.running,
                name,
                named_by.as_deref(),
            );
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
            let line = os79xx_txt::first_line(&text).to_string();
            if line.ends_with('\r') || line.ends_with(' ') || line.ends_with('\t') {
                self.out.problems.push(
                    "OS79XX.TXT ends its line with a CR or a space: a trailing space becomes part of the name the phone asks for, a file that does not exist (Cisco bug CSCdv19260), and a CR (a Windows line ending) is best avoided too, though no report shows one failing. Write the name and a plain LF."
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

    /// Old SCCP images: FUSSYLOGIC-7940's hunt, then the load named by loadInformation.
    fn legacy_sccp(&mut self) -> Step {
        let sep_xml = self.phone.per_phone(PerPhoneFile::SepXml);
        let hunt = [
            sep_xml.clone(),
            xml_default_cnf_xml::FILE_NAME.to_string(),
            self.phone.per_phone(PerPhoneFile::SepCnf),
            sep_default_cnf::FILE_NAME.to_string(),
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

    /// A SIP image reads SIPDefault.cnf, then SIP<MAC>.cnf, whose image_version wins; an MGCP
    /// image MGCDefault.cnf, then MGC<MAC>.cnf (FRGTECH: the same key and syntax).
    fn own_image_version(&mut self) -> Step<Option<String>> {
        let (default, own) = match self.running.protocol() {
            Some(Protocol::Mgcp) => (mgc_default_cnf::FILE_NAME, PerPhoneFile::MgcCnf),
            _ => (sip_default_cnf::FILE_NAME, PerPhoneFile::SipCnf),
        };
        let mut image = None;
        for file in [default.to_string(), self.phone.per_phone(own)] {
            if self.request(&file)? {
                if let Some(value) = sip_default_cnf::image_version(&self.text(&file)) {
                    image = Some(value);
                }
            }
        }
        Ok(image)
    }

    /// Old SIP images: their own configuration files name the image.
    fn legacy_sip(&mut self) -> Step {
        match self.own_image_version()? {
            Some(image) if !self.is_running(&image) => self.install(&image, false),
            _ => Err(self.stable()),
        }
    }

    /// UAL-era loads: the hunt of FUSSYLOGIC-7940; the first file found decides.
    fn ual(&mut self) -> Step {
        let ctl = self.phone.per_phone(PerPhoneFile::CtlSep);
        let sep = self.phone.per_phone(PerPhoneFile::SepXml);
        let sip = self.phone.per_phone(PerPhoneFile::SipCnf);
        let mgc = self.phone.per_phone(PerPhoneFile::MgcCnf);
        let hunt = [
            ctl.clone(),
            sep.clone(),
            sip.clone(),
            mgc.clone(),
            xml_default_cnf_xml::FILE_NAME.to_string(),
            sip_default_cnf::FILE_NAME.to_string(),
            mgc_default_cnf::FILE_NAME.to_string(),
        ];
        let mut decided: Option<Option<String>> = None;
        for file in &hunt {
            if !self.request(file)? {
                continue;
            }
            if *file == ctl {
                if self.size(file) == Some(0) {
                    self.out.stuck_on = Some(file.clone());
                    self.out.problems.push(format!(
                        "{file} is empty: the phone fetches it every few seconds and goes no further (VI-FWISSUES). Remove it: a File not found answer is all it needs."
                    ));
                    return Err(self.finish(
                        BootResult::Loop,
                        format!("the phone loops on the empty {file}"),
                        &["the phone keeps fetching the trust list"],
                    ));
                }
                continue;
            }
            let load = if file.ends_with(".xml") {
                self.load_information(file)
            } else {
                // SIP and MGCP files share the image_version syntax (FRGTECH's MGCDefault.cnf).
                let mut value = mgc_default_cnf::image_version(&self.text(file));
                let default = if *file == sip {
                    Some(sip_default_cnf::FILE_NAME)
                } else if *file == mgc {
                    Some(mgc_default_cnf::FILE_NAME)
                } else {
                    None
                };
                if let Some(default) = default.filter(|_| value.is_none()) {
                    // The per-phone file decides the protocol; the image comes from the default.
                    if self.request(default)? {
                        value = sip_default_cnf::image_version(&self.text(default));
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
            Some(Some(load)) if self.is_running(&load) => {
                if self.running.kind() == Kind::Application {
                    // The load it runs: the phone still reads its .loads, finds the loader and
                    // application it has, and starts (MARKWILSON-2008's boot of 8.2: SIP<MAC>.cnf,
                    // then P0S3-08-2-00.loads alone, then 22 s later SIPDefault.cnf).
                    self.request(&format!("{load}.loads"))?;
                }
                self.application_phase()
            }
            Some(Some(load)) => self.install(&load, false),
        }
    }

    /// A UAL-era SIP application reads its own files once it starts (FUSSYLOGIC-7940, LKML), an MGCP
    /// one its MGCP files (FRGTECH), and follows image_version if it names another load.
    fn application_phase(&mut self) -> Step {
        if !matches!(
            self.running.protocol(),
            Some(Protocol::Sip | Protocol::Mgcp)
        ) || self.running.kind() != Kind::Application
        {
            return Err(self.stable());
        }
        match self.own_image_version()? {
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
            (_, Some(Protocol::Mgcp)) => &["the MGCP application starts and looks for its call agent"],
            _ => &[],
        };
        let detail = format!("{} starts; nothing names another load", self.running.name());
        self.finish(BootResult::Stable, detail, screen)
    }

    /// Reads the load for this phone from an XML configuration file.
    fn load_information(&mut self, file: &str) -> Option<String> {
        match xml_default_cnf_xml::load_information(&self.text(file), self.phone.element()) {
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
        let ual_application = target
            .as_ref()
            .filter(|t| t.era() == Some(Era::Ual) && t.kind() == Kind::Application);
        let running_sccp = self.running.protocol() == Some(Protocol::Sccp);
        if let Some(target) = ual_application.filter(|_| !dual_boot) {
            let target = target.clone();
            let target_sccp = target.protocol() == Some(Protocol::Sccp);
            if running_era == Era::Ual
                || (running_era == Era::Signed && running_sccp && target_sccp)
            {
                return self.install_loads(&target);
            }
            if running_era == Era::Unsigned && running_sccp && target_sccp {
                return self.install_through_bin_loader(&target);
            }
            // An image before the loader naming another protocol's UAL-era application fetches
            // it as an image of its own era, below.
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
            return Err(self.unknown(match models::other_model(name) {
                Some(other) => format!("{} is {}", shown(name), other.describe()),
                None => format!(
                    "{} is not a load ID phoneup knows how the phone treats",
                    shown(name)
                ),
            }));
        };
        self.accept(&target)
    }

    /// An SCCP image before 5.0 told to run a UAL-era SCCP load: it fetches the package's `.bin`
    /// (a loader the size of P003-07-5-00.bin, CISCOPROV), reboots into it, and that loader
    /// fetches the `.loads` and the two files it names (R14; no log shows the loader's own hunt
    /// in between, so the model does not list it).
    fn install_through_bin_loader(&mut self, target: &LoadId) -> Step {
        self.fetch(&format!("{}.bin", target.name()))?;
        self.out.screen.extend(
            ["Upgrading Software", "reboot"]
                .iter()
                .map(|s| s.to_string()),
        );
        self.fetch_loads_set(target)?;
        self.out.after = target.name().to_string();
        Err(self.finish(
            BootResult::Upgraded,
            format!(
                "took the loader in {}.bin, which fetched {} and rebooted into it",
                target.name(),
                target.name()
            ),
            &["Universal Application Loader", "reboot"],
        ))
    }

    /// The UAL way: the .loads names the loader and the application.
    fn install_loads(&mut self, target: &LoadId) -> Step {
        self.fetch_loads_set(target)?;
        self.accept(target)
    }

    /// Fetches `<target>.loads` and the loader and application it names.
    fn fetch_loads_set(&mut self, target: &LoadId) -> Step {
        let loads = format!("{}.loads", target.name());
        self.fetch(&loads)?;
        let Some((loader, application)) = loads::manifest(&self.text(&loads)) else {
            self.out.problems.push(format!(
                "{loads} names no .sbn loader and .sb2 application: the file is damaged or not a .loads manifest."
            ));
            return Err(self.unknown(format!("{loads} cannot be read")));
        };
        self.fetch(&loader)?;
        self.fetch(&application)
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
        // An image before 5.0 takes a loader's .bin: Cisco ships it "for upgrades from images
        // earlier than 5.x" (MARKWILSON-2008). A UAL-era application it cannot take.
        if running_era == Era::Unsigned
            && target.era() == Some(Era::Ual)
            && target.kind() == Kind::Application
        {
            return Err(self.finish(
                BootResult::Refused,
                format!(
                    "{} cannot take the UAL-era image {} (MARKWILSON-2008)",
                    self.running.name(),
                    target.name()
                ),
                &["Upgrading Software", "Load ID Incorrect"],
            ));
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
        } else if target.era() == Some(Era::Ual) {
            // The loader fetches the .loads and its files; an older image (a downgrade from a
            // UAL-era load included) is fetched and written as any image is, as plans say.
            &["Universal Application Loader", "reboot"]
        } else {
            &["Upgrading Software", "reboot"]
        };
        let detail = format!("took {} and rebooted into it", target.name());
        Err(self.finish(BootResult::Upgraded, detail, screen))
    }
}

#[cfg(test)]
mod tests;
