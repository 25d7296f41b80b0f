//! One boot of a Java-based phone (7906 to 7975), and boots until it settles, built from the
//! field logs and Cisco's guides rather than from the upgrade rules: the hunt `CTLSEP<MAC>.tlv`,
//! on 9.x `ITLSEP<MAC>.tlv` and `ITLFile.tlv` (MERRICKS, AIOS7962), then `SEP<MAC>.cnf.xml`, or
//! `XMLDefault.cnf.xml` without one (ADM-7961); a load named there that differs from the running
//! one is fetched as its `.loads` and the components it lists, in order (SYSOP), and taken in
//! one reboot. What it does wrong on purpose, as the sources saw it: a CTL or ITL request
//! answered with anything but TFTP error 1 is asked three times and the phone starts over from
//! DHCP, for ever (MCLEAN-CTLSEP, low confidence); an image signed with a key the running load
//! does not trust shows "Auth Fail" and the phone keeps its load (QSOLVED-AUTH, DUDEK); a
//! missing component stops the download (SYSOP).

use serde::Serialize;

use crate::files::xml_default_cnf_xml::{configured_load_leniently, JavaReads};
use crate::knowledge::family::{manifest_components, JavaLoad, JavaModel, KeyEra};
use crate::phone::server::{Answer, Server};

/// How often the phone asks for a CTL or ITL file that got a wrong answer before it starts over.
const TRIES: usize = 3;

/// One request and how the server answered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JavaRequest {
    pub file: String,
    /// `served`, `not found`, `error 2 (Access violation)` or `no answer`.
    pub answer: String,
}

/// How one boot ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "result", content = "load")]
pub enum JavaResult {
    /// The phone fetched every file of this load and reboots into it.
    Took(String),
    /// Its configuration names the load it runs (or no configuration names one): it stays.
    Stayed,
    /// A CTL or ITL request got no usable answer: the phone starts over from DHCP.
    Loop,
    /// The load named is signed with a key the running load does not trust: "Auth Fail".
    AuthFail(String),
    /// The load named belongs to another family.
    WrongFamily(String),
    /// A file of the load named is missing: the download stops, the phone keeps its load.
    Missing(String),
}

/// One boot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JavaBoot {
    pub number: usize,
    pub running: String,
    pub requests: Vec<JavaRequest>,
    #[serde(flatten)]
    pub result: JavaResult,
    /// What the phone shows.
    pub screen: String,
}

/// Boots until the phone settled, or what stopped it, and the fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JavaSimulation {
    /// `7961G`.
    pub model: String,
    pub start: String,
    pub boots: Vec<JavaBoot>,
    /// `settled`, `loop` (a CTL/ITL request never answered usably), `stuck` (the phone keeps
    /// its load: Auth Fail, a missing file, another family's load) or `unfinished`.
    pub ending: String,
    /// The load it runs at the end.
    pub running: String,
    /// What to change, when it did not settle.
    pub fix: Option<String>,
    /// What the matrix says of the jumps the model took, where it does not call them safe.
    pub notes: Vec<String>,
}

impl JavaSimulation {
    pub fn settled(&self) -> bool {
        self.ending == "settled"
    }
}

/// A Java-based phone on the bench.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JavaPhone {
    pub model: JavaModel,
    /// Upper-case, as the phone writes it in file names.
    pub mac: String,
}

fn answer_text(answer: &Answer) -> String {
    match answer {
        Answer::Served { .. } => "served".into(),
        Answer::NotFound => "not found".into(),
        Answer::Error { code, message } => format!("error {code} ({message})"),
        Answer::NoAnswer { .. } => "no answer".into(),
    }
}

fn text(answer: &Answer) -> Option<String> {
    match answer {
        Answer::Served { contents, .. } => {
            Some(String::from_utf8_lossy(contents.as_deref().unwrap_or_default()).into_owned())
        }
        _ => None,
    }
}

impl JavaPhone {
    /// Reads one file, noting the request.
    fn ask(&self, server: &mut dyn Server, requests: &mut Vec<JavaRequest>, file: &str) -> Answer {
        let answer = server.read(file);
        requests.push(JavaRequest {
            file: file.to_string(),
            answer: answer_text(&answer),
        });
        answer
    }

    /// The load its configuration names: the SEP file's unnumbered element, else the model's
    /// element of XMLDefault.cnf.xml.
    fn configured(
        &self,
        server: &mut dyn Server,
        requests: &mut Vec<JavaRequest>,
    ) -> Option<String> {
        let sep = format!("SEP{}.cnf.xml", self.mac);
        if let Some(xml) = text(&self.ask(server, requests, &sep)) {
            return configured_load_leniently(&xml, JavaReads::Own);
        }
        let xml = text(&self.ask(server, requests, "XMLDefault.cnf.xml"))?;
        configured_load_leniently(&xml, JavaReads::Default(&self.model))
    }

    /// One boot from `running`.
    pub fn boot(&self, number: usize, running: &JavaLoad, server: &mut dyn Server) -> JavaBoot {
        let mut requests = Vec::new();
        let end = |requests: Vec<JavaRequest>, result: JavaResult, screen: &str| JavaBoot {
            number,
            running: running.name().to_string(),
            requests,
            result,
            screen: screen.to_string(),
        };
        let mut trust = vec![format!("CTLSEP{}.tlv", self.mac)];
        if running.release().major >= 9 {
            trust.push(format!("ITLSEP{}.tlv", self.mac));
            trust.push("ITLFile.tlv".into());
        }
        for file in &trust {
            for attempt in 1..=TRIES {
                match self.ask(server, &mut requests, file) {
                    Answer::Served { .. } | Answer::NotFound => break,
                    _ if attempt == TRIES => {
                        return end(
                            requests,
                            JavaResult::Loop,
                            "the boot screen, then DHCP again: the phone starts over",
                        );
                    }
                    _ => {}
                }
            }
        }
        let Some(named) = self.configured(server, &mut requests) else {
            return end(requests, JavaResult::Stayed, "no configuration names a load: SIP shows \"Unprovisioned\", SCCP keeps trying to register");
        };
        if named == running.name() {
            return end(
                requests,
                JavaResult::Stayed,
                "its running load, registering",
            );
        }
        let Some(load) = JavaLoad::parse(&named).filter(|l| l.family() == self.model.family) else {
            return end(
                requests,
                JavaResult::WrongFamily(named),
                "a status of the kind Cisco calls \"Load ID incorrect\"; it keeps its load",
            );
        };
        let Some(manifest) = text(&self.ask(server, &mut requests, &format!("{named}.loads")))
        else {
            return end(
                requests,
                JavaResult::Missing(format!("{named}.loads")),
                "\"File not found\": it keeps its load",
            );
        };
        if running.key_era() == KeyEra::Old && load.key_era() == KeyEra::New {
            // The manifest's signature is not one the running load trusts.
            return end(
                requests,
                JavaResult::AuthFail(named),
                "\"Auth Fail\": it keeps its load",
            );
        }
        for component in manifest_components(&manifest) {
            if !matches!(
                self.ask(server, &mut requests, &component),
                Answer::Served { .. }
            ) {
                return end(
                    requests,
                    JavaResult::Missing(component),
                    "\"Upgrading\", then its old load again",
                );
            }
        }
        end(
            requests,
            JavaResult::Took(named),
            "\"Upgrading\", then one reboot into the new load",
        )
    }

    /// Boots until the phone settles, loops or keeps failing the same way (at most `max_boots`
    /// times), with the fix for what stopped it.
    pub fn simulate(
        &self,
        start: &JavaLoad,
        server: &mut dyn Server,
        max_boots: usize,
    ) -> JavaSimulation {
        let boots = self.boots(start, server, max_boots);
        let last = boots.last().expect("at least one boot");
        let running = match &last.result {
            JavaResult::Took(load) => load.clone(),
            _ => last.running.clone(),
        };
        let (ending, fix) = match &last.result {
            JavaResult::Stayed => ("settled", None),
            JavaResult::Took(_) => ("unfinished", Some("Let it boot again: give --boots a higher number.".to_string())),
            JavaResult::Loop => ("loop", Some(format!(
                "The server answered {} with {} instead of TFTP error 1 (File not found): the phone asked {TRIES} times and started over from DHCP, as the 7961G of MCLEAN-CTLSEP did behind a 2000-era Debian tftpd. Make your TFTP server answer a missing file with TFTP error 1, as tftpd-hpa, atftpd and dnsmasq do.",
                last.requests.last().map(|r| r.file.as_str()).unwrap_or_default(),
                last.requests.last().map(|r| r.answer.as_str()).unwrap_or_default(),
            ))),
            JavaResult::AuthFail(load) => ("stuck", Some(format!(
                "{} runs a load before 8.3(3), which trusts only the old signing key, and {load} carries only the new one: stage plain 8.5(2) of its family first; phoneup plan --model {} --from {} --to {load} shows the route.",
                last.running, self.model.model.to_ascii_lowercase(), last.running
            ))),
            JavaResult::WrongFamily(load) => ("stuck", Some(format!(
                "{load} is not a {} load: name a load of the phone's own family (SCCP{f}... or SIP{f}...).",
                JavaModel::family_models(self.model.family), f = self.model.family
            ))),
            JavaResult::Missing(file) if file.ends_with(".loads") => ("stuck", Some(format!(
                "Put {file}, the load's manifest, in the TFTP root with the five components it lists, from the load's package."
            ))),
            JavaResult::Missing(file) => ("stuck", Some(format!(
                "Put {file} in the TFTP root, spelled exactly as the .loads lists it."
            ))),
        };
        JavaSimulation {
            model: self.model.to_string(),
            start: start.name().to_string(),
            ending: ending.to_string(),
            running,
            fix,
            boots,
            notes: Vec::new(),
        }
    }

    /// Boots until the phone settles on a load, loops, or keeps failing the same way, at most
    /// `max_boots` times.
    fn boots(&self, start: &JavaLoad, server: &mut dyn Server, max_boots: usize) -> Vec<JavaBoot> {
        let mut boots: Vec<JavaBoot> = Vec::new();
        let mut running = start.clone();
        for number in 1..=max_boots.max(1) {
            let boot = self.boot(number, &running, server);
            let next = match &boot.result {
                JavaResult::Took(load) => JavaLoad::parse(load),
                _ => None,
            };
            boots.push(boot);
            match next {
                Some(load) => running = load,
                None => break,
            }
        }
        boots
    }
}

#[cfg(test)]
#[path = "java_tests.rs"]
pub(crate) mod tests;
