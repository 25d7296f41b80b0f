//! Walking a 7906 to 7975 by its family's stages, without I/O: the plan's loads (`phoneup plan
//! --model`), the loads the phone may run, and the answer to each request. Each request is
//! replayed on the family's phone model ([`crate::phone::boot::java`]) for every load it may
//! run, against the answers serve gave this boot; a load stays only if its boot asks for exactly
//! those files in that order. The configuration (`SEP<MAC>.cnf.xml`, or the model's element of
//! `XMLDefault.cnf.xml`) names the plan's next load; its `.loads` is served, and its components
//! only while every load the phone may still run takes that jump safely by the family rules
//! (`phoneup check --model`). A load a stage left stays possible until a boot shows the new one.
//!
//! May use: [`crate::knowledge`], [`crate::plan`], [`crate::phone`], [`crate::files`] (the
//! configuration's `loadInformation`, the per-phone names), [`crate::wire::serve`]'s
//! `neighbours` (its lookup of a per-phone name).

use crate::files::per_phone::PerPhoneFile;
use crate::wire::serve::neighbours::per_phone_file_of;
use serde::{Deserialize, Serialize};

use crate::knowledge::family::{manifest_components, JavaFile, JavaLoad, JavaModel};
use crate::knowledge::firmware::is_firmware;
use crate::knowledge::matrix::Matrix;
use crate::phone::boot::java::{JavaPhone, JavaResult};
use crate::phone::server::{Answer, Server};
use crate::plan::planner::family::{check, plan, FamilyOutcome, Phones};

/// Boots in a row that move nothing before serve gives up on the phone.
pub const MAX_FRUITLESS: usize = 4;

/// One request of this boot and serve's answer, as the phone model needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asked {
    pub name: String,
    pub found: bool,
    /// The text of a configuration or manifest served.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// A 7906 to 7975's walk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyWalk {
    /// The `--model` value: `7961`.
    pub model: String,
    /// The plan's loads: where it started, then each stage's load; the target last.
    pub loads: Vec<String>,
    /// The stages' rules, in order.
    pub rules: Vec<String>,
    /// The loads it may run (of [`FamilyWalk::loads`]).
    pub candidates: Vec<String>,
    /// Loads a stage left whose next boot has not shown the new one yet.
    #[serde(default)]
    pub left: Vec<String>,
    /// This boot's requests.
    #[serde(default)]
    pub boot: Vec<Asked>,
    /// Boots in a row that moved nothing.
    #[serde(default)]
    pub fruitless: usize,
}

/// What serve answers a request of a walked 7906 to 7975.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// The configuration, naming this load.
    Config(String),
    /// The file as DIR has it.
    FromDir,
    /// TFTP error 1, and why.
    Hold(String),
    /// No load it may run asks for this here: serve cannot tell where it is.
    Lost,
}

/// How a boot ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// Nothing to tell.
    Nothing,
    /// It fetched a stage whole: it should come back on `to`.
    Flashed {
        from: Vec<String>,
        to: String,
        rule: String,
    },
    /// It runs its target.
    Done,
    /// Its requests show only a load a stage left.
    DidNotTake {
        expected: String,
        running: Vec<String>,
    },
    /// Boots in a row that moved nothing.
    Fruitless,
}

fn model_of(text: &str) -> Result<JavaModel, String> {
    JavaModel::find(text).ok_or_else(|| format!("`{text}` is not a 7906 to 7975 model"))
}

impl FamilyWalk {
    /// The walk of a `model` phone from `from` to `target` by the family's plan; the words of
    /// `phoneup plan --model` when there is none.
    pub fn new(
        matrix: &Matrix,
        model: &str,
        from: &str,
        target: &str,
    ) -> Result<FamilyWalk, String> {
        let java = model_of(model)?;
        let parse = |text: &str| {
            JavaLoad::parse(text).ok_or_else(|| format!("`{text}` is not a 7906 to 7975 load"))
        };
        let (start, end) = (parse(from)?, parse(target)?);
        for load in [&start, &end] {
            if !load.fits(&java) {
                return Err(format!(
                    "{} is not a {java} load (a {} load)",
                    load.name(),
                    load.models()
                ));
            }
        }
        let outcome = plan(matrix, &Phones::one(java), &start, &end);
        let FamilyOutcome::Plan(plan) = outcome else {
            return Err(format!(
                "phoneup has no plan for a {java} from {from} to {target} (phoneup plan --model {} --from {from} --to {target} says why)",
                java.model.to_ascii_lowercase()
            ));
        };
        let mut loads = vec![plan.from.id.clone()];
        loads.extend(plan.stages.iter().map(|s| s.to.id.clone()));
        Ok(FamilyWalk {
            model: java.model.to_ascii_lowercase(),
            rules: plan.stages.iter().map(|s| s.rule.id.clone()).collect(),
            candidates: vec![loads[0].clone()],
            loads,
            left: Vec::new(),
            boot: Vec::new(),
            fruitless: 0,
        })
    }

    fn java(&self, mac: &str) -> Option<JavaPhone> {
        Some(JavaPhone {
            model: JavaModel::find(&self.model)?,
            mac: mac.to_string(),
        })
    }

    /// The target.
    pub fn target(&self) -> &str {
        self.loads.last().map(String::as_str).unwrap_or_default()
    }

    fn index(&self, load: &str) -> usize {
        self.loads.iter().position(|l| l == load).unwrap_or(0)
    }

    /// Whether a phone on `from` may take `to` by the family rules (or runs it already).
    fn safe(matrix: &Matrix, model: JavaModel, from: &str, to: &str) -> bool {
        from == to
            || match (JavaLoad::parse(from), JavaLoad::parse(to)) {
                (Some(a), Some(b)) => check(matrix, &Phones::one(model), &a, &b).is_safe(),
                _ => false,
            }
    }

    /// The phone model's boot on `load` against this boot's answers, the requests it makes,
    /// and how it ends when it asked exactly what the phone did.
    fn replay(&self, mac: &str, load: &str) -> Option<(Vec<String>, JavaResult)> {
        let phone = self.java(mac)?;
        let running = JavaLoad::parse(load)?;
        let mut server = Replay {
            log: &self.boot,
            at: 0,
        };
        let boot = phone.boot(1, &running, &mut server);
        Some((
            boot.requests.into_iter().map(|r| r.file).collect(),
            boot.result,
        ))
    }

    /// Whether a phone on `load` asks for this boot's requests, then `next`, in that order.
    fn asks(&self, mac: &str, load: &str, next: Option<&str>) -> bool {
        let Some((asked, _)) = self.replay(mac, load) else {
            return false;
        };
        let seen: Vec<&str> = self
            .boot
            .iter()
            .map(|a| a.name.as_str())
            .chain(next)
            .collect();
        asked.len() >= seen.len() && asked.iter().zip(&seen).all(|(a, s)| a == s)
    }

    /// The load the configuration names this boot: the plan's next load after the furthest one
    /// it may run, or the target itself once that furthest one is the target (the phone may
    /// still run an earlier one: its step is then held by [`FamilyWalk::request`]).
    fn aim(&self) -> String {
        let furthest = self
            .candidates
            .iter()
            .map(|c| self.index(c))
            .max()
            .unwrap_or(0);
        self.loads
            .get(furthest + 1)
            .unwrap_or(&self.loads[furthest])
            .clone()
    }

    /// The text of `named`'s `.loads` as this boot was given it, if it was.
    fn manifest(&self, named: &str) -> Option<&str> {
        let loads = format!("{named}.loads");
        self.boot
            .iter()
            .find(|a| a.name == loads)
            .and_then(|a| a.text.as_deref())
    }

    /// The load this boot's configuration named, if it was asked.
    fn named(&self) -> Option<String> {
        self.boot.iter().find_map(|a| {
            let text = a.text.as_deref()?;
            let xml = a.name.ends_with(".cnf.xml");
            xml.then(|| {
                crate::files::xml_default_cnf_xml::configured_load(text, self.reads(&a.name))
                    .ok()
                    .flatten()
            })
            .flatten()
        })
    }

    fn reads(&self, name: &str) -> crate::files::xml_default_cnf_xml::JavaReads<'static> {
        use crate::files::xml_default_cnf_xml::JavaReads;
        if name == crate::files::xml_default_cnf_xml::FILE_NAME {
            let model = JavaModel::find(&self.model)
                .and_then(|m| crate::knowledge::family::MODELS.iter().find(|x| **x == m));
            if let Some(model) = model {
                return JavaReads::Default(model);
            }
        }
        JavaReads::Own
    }

    /// The answer to a request, `name`, of the phone with `mac`; the loads it may run narrowed
    /// by it first.
    pub fn request(&mut self, matrix: &Matrix, mac: &str, name: &str) -> Reply {
        let still: Vec<String> = self
            .candidates
            .iter()
            .filter(|c| self.asks(mac, c, Some(name)))
            .cloned()
            .collect();
        if still.is_empty() {
            return Reply::Lost;
        }
        self.candidates = still;
        let config = per_phone_file_of(name, mac) == Some(PerPhoneFile::SepXml)
            || name == crate::files::xml_default_cnf_xml::FILE_NAME;
        if config {
            return Reply::Config(self.aim());
        }
        let Some(named) = self.named() else {
            return match JavaFile::parse(name) {
                Some(_) => Reply::Hold("no configuration named its load this boot".into()),
                None => not_of_family(name),
            };
        };
        if name == format!("{named}.loads") {
            return Reply::FromDir;
        }
        let listed = self
            .manifest(&named)
            .is_some_and(|text| manifest_components(text).iter().any(|c| c == name));
        if listed {
            let Some(model) = JavaModel::find(&self.model) else {
                return Reply::Hold("no model".into());
            };
            let unsafe_from: Vec<&String> = self
                .candidates
                .iter()
                .filter(|c| !Self::safe(matrix, model, c, &named))
                .collect();
            return match unsafe_from.as_slice() {
                [] => Reply::FromDir,
                some => {
                    Reply::Hold(format!(
                    "the family rules do not call {named} a safe jump from {}, which it may run",
                    some.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                ))
                }
            };
        }
        match JavaFile::parse(name) {
            Some(JavaFile::TermDefault(_)) => Reply::Hold(
                "a term file names the load a factory-reset phone takes, which serve does not plan"
                    .into(),
            ),
            Some(_) => Reply::Hold(format!(
                "not a file of {named}, the load its configuration names"
            )),
            None => not_of_family(name),
        }
    }

    /// Notes serve's answer to the request just made.
    pub fn log(&mut self, asked: Asked) {
        self.boot.push(asked);
    }

    /// Whether `name` starts a boot of the phone with `mac`: its trust list, once this boot asked
    /// for something else (a retry of the trust list alone is the same boot, as a 7940/7960's).
    pub fn starts_boot(&self, name: &str, mac: &str) -> bool {
        per_phone_file_of(name, mac) == Some(PerPhoneFile::CtlSep)
            && self.boot.iter().any(|a| a.name != name)
    }

    /// Whether every component of the load this boot named reached the phone whole (`sent`).
    pub fn fetched(&self, sent: &[String]) -> bool {
        let Some(named) = self.named() else {
            return false;
        };
        let components = self
            .manifest(&named)
            .map(manifest_components)
            .unwrap_or_default();
        !components.is_empty() && components.iter().all(|c| sent.contains(c))
    }

    /// The boot is over: the loads whose boot asks for exactly what the phone did, where each
    /// went, and what that tells.
    pub fn end_boot(&mut self, mac: &str) -> Ended {
        if self.boot.is_empty() {
            return Ended::Nothing;
        }
        let mut shown: Vec<(String, JavaResult)> = Vec::new();
        for c in &self.candidates {
            let names: Vec<&str> = self.boot.iter().map(|a| a.name.as_str()).collect();
            if let Some((asked, result)) = self.replay(mac, c) {
                if asked == names {
                    shown.push((c.clone(), result));
                }
            }
        }
        self.boot.clear();
        if shown.is_empty() {
            return self.nothing_moved();
        }
        let before: Vec<String> = shown.iter().map(|(c, _)| c.clone()).collect();
        if !self.left.is_empty() && before.iter().all(|c| self.left.contains(c)) {
            let expected = self.loads[self.index(&self.left[0]) + 1].clone();
            return Ended::DidNotTake {
                expected,
                running: before,
            };
        }
        let mut next: Vec<String> = Vec::new();
        let mut flashed: Option<(Vec<String>, String)> = None;
        let mut stayed_on_target = false;
        for (c, result) in shown {
            if let JavaResult::Took(to) = result {
                flashed
                    .get_or_insert_with(|| (Vec::new(), to.clone()))
                    .0
                    .push(c.clone());
                next.push(to);
            } else {
                stayed_on_target |= c == self.target() && result == JavaResult::Stayed;
            }
            // Until a boot shows the new load, the one a stage left stays possible.
            next.push(c);
        }
        next.sort_by_key(|l| self.index(l));
        next.dedup();
        let moved = next != self.candidates;
        self.candidates = next;
        self.left.clear();
        if let Some((from, to)) = flashed {
            let rule = self
                .rules
                .get(self.index(&to).saturating_sub(1))
                .cloned()
                .unwrap_or_default();
            self.left = from.clone();
            self.fruitless = 0;
            return Ended::Flashed { from, to, rule };
        }
        if stayed_on_target && self.candidates == [self.target().to_string()] {
            return Ended::Done;
        }
        if moved {
            self.fruitless = 0;
            return Ended::Nothing;
        }
        self.nothing_moved()
    }

    fn nothing_moved(&mut self) -> Ended {
        self.fruitless += 1;
        if self.fruitless >= MAX_FRUITLESS {
            Ended::Fruitless
        } else {
            Ended::Nothing
        }
    }
}

/// This boot's answers, in order, to the phone model replaying it; past them, File not found.
struct Replay<'a> {
    log: &'a [Asked],
    at: usize,
}

impl Server for Replay<'_> {
    fn read(&mut self, name: &str) -> Answer {
        let Some(asked) = self.log.get(self.at).filter(|a| a.name == name) else {
            self.at = usize::MAX;
            return Answer::NotFound;
        };
        self.at += 1;
        if !asked.found {
            return Answer::NotFound;
        }
        Answer::Served {
            size: 0,
            contents: Some(asked.text.clone().unwrap_or_default().into_bytes()),
        }
    }
}

/// The answer to a name that is no file of the family: held when it is firmware all the same
/// (a 7940/7960's, say), else as DIR has it.
fn not_of_family(name: &str) -> Reply {
    if is_firmware(name) {
        Reply::Hold("not a file of its family".into())
    } else {
        Reply::FromDir
    }
}

/// The configuration that names `load` to a `model` phone: its own `SEP<MAC>.cnf.xml` from DIR
/// (`user`) with the unnumbered element set, or `XMLDefault.cnf.xml` (the user's, or a minimal
/// one) with the model's numbered element set; `None` for a `SEP<MAC>.cnf.xml` DIR lacks (serve
/// makes up no phone's own file: the phone then reads `XMLDefault.cnf.xml`).
pub fn render(
    name: &str,
    load: &str,
    model: &str,
    user: Option<String>,
) -> Result<Option<Vec<u8>>, String> {
    use crate::files::xml_default_cnf_xml::{self as xml, Numbered};
    let default = name == xml::FILE_NAME;
    let numbered: Vec<Numbered> = match (default, JavaModel::find(model)) {
        (false, _) => Vec::new(),
        (true, Some(m)) => vec![Numbered::of_java(m)],
        (true, None) => return Err(format!("`{model}` is not a 7906 to 7975 model")),
    };
    Ok(match user {
        Some(text) => Some(
            xml::set_load_numbered(&text, load, &numbered)
                .map_err(|why| format!("{name}: {why}"))?
                .into_bytes(),
        ),
        None if default => Some(xml::render_numbered(load, &numbered).into_bytes()),
        None => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::Builtin;

    const MAC: &str = "0018B9000061";

    fn served(name: &str, text: Option<String>) -> Asked {
        Asked {
            name: name.into(),
            found: true,
            text,
        }
    }

    #[test]
    fn a_component_is_held_while_a_load_it_may_run_has_no_rule_calling_the_jump_safe() {
        let matrix = Matrix::builtin().unwrap();
        let (from, to) = ("SIP41.8-3-1S", "SCCP41.8-3-1S");
        let mut walk = FamilyWalk::new(&matrix, "7961", from, to).unwrap();
        assert_eq!(walk.loads, [from, to]);
        // It may run SIP 8.3(1) or TERM 7.0(3), from which no rule speaks of SCCP 8.3(1) (J9),
        // and whose boot would take it.
        walk.candidates = vec![from.into(), "TERM41.7-0-3-0S".into()];
        let ctl = format!("CTLSEP{MAC}.tlv");
        assert_eq!(walk.request(&matrix, MAC, &ctl), Reply::FromDir);
        walk.log(Asked {
            name: ctl,
            found: false,
            text: None,
        });
        let sep = format!("SEP{MAC}.cnf.xml");
        assert_eq!(walk.request(&matrix, MAC, &sep), Reply::Config(to.into()));
        assert_eq!(
            render(&sep, to, "7961", None),
            Ok(None),
            "no SEP file made up"
        );
        // XMLDefault.cnf.xml is serve's to write when the user has none: the model's element.
        let made = render("XMLDefault.cnf.xml", to, "7961", None)
            .unwrap()
            .unwrap();
        let made = String::from_utf8(made).unwrap();
        assert!(made.contains(&format!(">{to}</")), "{made}");
        assert!(render("XMLDefault.cnf.xml", to, "7960", None).is_err());
        let xml = format!("<device><loadInformation>{to}</loadInformation></device>");
        walk.log(served(&sep, Some(xml)));
        let manifest = format!("{to}.loads");
        assert_eq!(walk.request(&matrix, MAC, &manifest), Reply::FromDir);
        walk.log(served(&manifest, Some("jar41sccp.8-3-0-50.sbn\r\n".into())));
        let jar = "jar41sccp.8-3-0-50.sbn";
        assert_eq!(
            walk.request(&matrix, MAC, jar),
            Reply::Hold("the family rules do not call SCCP41.8-3-1S a safe jump from TERM41.7-0-3-0S, which it may run".into())
        );
        // Once it may run only SIP 8.3(1), the component is served.
        walk.candidates = vec![from.into()];
        assert_eq!(walk.request(&matrix, MAC, jar), Reply::FromDir);
        // A term file, another load's file: never.
        assert!(matches!(
            walk.request(&matrix, MAC, "term61.default.loads"),
            Reply::Hold(_) | Reply::Lost
        ));
    }

    #[test]
    fn a_boot_starts_at_its_trust_list_once_the_last_boot_asked_for_another_file() {
        let matrix = Matrix::builtin().unwrap();
        let mut walk = FamilyWalk::new(&matrix, "7961", "SIP41.8-3-1S", "SCCP41.8-3-1S").unwrap();
        let ctl = format!("CTLSEP{MAC}.tlv");
        // The first request of all is this boot's own.
        assert!(!walk.starts_boot(&ctl, MAC));
        walk.log(served(&ctl, None));
        // Asked again with nothing in between: a retry, the same boot.
        assert!(!walk.starts_boot(&ctl, MAC));
        let sep = format!("SEP{MAC}.cnf.xml");
        walk.log(served(&sep, None));
        assert!(walk.starts_boot(&ctl, MAC));
        // Another phone's trust list, or another file, starts nothing.
        assert!(!walk.starts_boot("CTLSEP0018B9000062.tlv", MAC));
        assert!(!walk.starts_boot(&sep, MAC));
    }

    /// A boot in which nothing names a load: the trust list and both configurations missing.
    fn unconfigured_boot(walk: &mut FamilyWalk) {
        for name in [
            format!("CTLSEP{MAC}.tlv"),
            format!("SEP{MAC}.cnf.xml"),
            "XMLDefault.cnf.xml".into(),
        ] {
            walk.log(Asked {
                name,
                found: false,
                text: None,
            });
        }
    }

    #[test]
    fn boots_that_tell_two_loads_no_further_apart_fail_the_walk_after_the_fourth() {
        let matrix = Matrix::builtin().unwrap();
        let mut walk =
            FamilyWalk::new(&matrix, "7961", "SCCP41.8-3-1S", "SIP41.9-4-2SR3-1S").unwrap();
        walk.candidates = vec!["SCCP41.8-3-1S".into(), "SCCP41.8-5-2S".into()];
        for boot in 1..=MAX_FRUITLESS {
            unconfigured_boot(&mut walk);
            let ended = walk.end_boot(MAC);
            let expected = if boot < MAX_FRUITLESS {
                Ended::Nothing
            } else {
                Ended::Fruitless
            };
            assert_eq!(ended, expected, "boot {boot}");
            assert_eq!(walk.candidates, ["SCCP41.8-3-1S", "SCCP41.8-5-2S"]);
        }
    }

    #[test]
    fn a_boot_that_stays_is_done_only_when_the_target_is_all_it_may_run() {
        let matrix = Matrix::builtin().unwrap();
        let (from, to) = ("SCCP41.8-3-1S", "SCCP41.8-5-2S");
        let mut walk = FamilyWalk::new(&matrix, "7961", from, "SIP41.9-4-2SR3-1S").unwrap();
        // Its target: SCCP 8.5(2), beside SCCP 8.3(1), whose boots ask alike.
        walk.loads = vec![from.into(), to.into()];
        walk.candidates = vec![from.into(), to.into()];
        unconfigured_boot(&mut walk);
        assert_eq!(walk.end_boot(MAC), Ended::Nothing);
        walk.candidates = vec![to.into()];
        unconfigured_boot(&mut walk);
        assert_eq!(walk.end_boot(MAC), Ended::Done);
        // On its target, told another load whose files are missing: it keeps its load, but
        // did not stay by choice, which is no sign the walk is over.
        walk.log(Asked {
            name: format!("CTLSEP{MAC}.tlv"),
            found: false,
            text: None,
        });
        let xml = format!("<device><loadInformation>{from}</loadInformation></device>");
        walk.log(served(&format!("SEP{MAC}.cnf.xml"), Some(xml)));
        walk.log(Asked {
            name: format!("{from}.loads"),
            found: false,
            text: None,
        });
        assert!(walk.asks(MAC, to, None), "the model boots so");
        assert_eq!(walk.end_boot(MAC), Ended::Nothing);
        // A boot that ruled a load out (9.x asks for its ITL file) is no fruitless one, even
        // after three that were.
        walk.candidates = vec![from.into(), to.into(), "SIP41.9-4-2SR3-1S".into()];
        walk.fruitless = MAX_FRUITLESS - 1;
        unconfigured_boot(&mut walk);
        assert_eq!(walk.end_boot(MAC), Ended::Nothing);
        assert_eq!((walk.candidates.len(), walk.fruitless), (2, 0));
    }

    #[test]
    fn a_stage_is_fetched_when_every_component_its_manifest_lists_reached_the_phone() {
        let matrix = Matrix::builtin().unwrap();
        let (from, to) = ("SIP41.8-3-1S", "SCCP41.8-3-1S");
        let mut walk = FamilyWalk::new(&matrix, "7961", from, to).unwrap();
        let sep = format!("SEP{MAC}.cnf.xml");
        let xml = format!("<device><loadInformation>{to}</loadInformation></device>");
        let parts = ["jar41sccp.8-3-0-50.sbn", "cnu41.8-3-0-50.sbn"];
        assert!(!walk.fetched(&parts.map(String::from)), "nothing named yet");
        walk.log(served(&sep, Some(xml)));
        assert!(
            !walk.fetched(&parts.map(String::from)),
            "no manifest read yet"
        );
        walk.log(served(&format!("{to}.loads"), Some(parts.join("\r\n"))));
        assert!(!walk.fetched(&[parts[0].into()]), "one of two");
        assert!(walk.fetched(&parts.map(String::from)));
        // Another load's manifest says nothing of this one.
        let mut other = FamilyWalk::new(&matrix, "7961", from, to).unwrap();
        let xml = format!("<device><loadInformation>{to}</loadInformation></device>");
        other.log(served(&sep, Some(xml)));
        other.log(served("SCCP41.8-5-2S.loads", Some(parts.join("\r\n"))));
        assert!(!other.fetched(&parts.map(String::from)));
    }

    #[test]
    fn a_walk_needs_a_plan_and_loads_of_the_models_family() {
        let matrix = Matrix::builtin().unwrap();
        let no = |model: &str, from: &str, to: &str| {
            FamilyWalk::new(&matrix, model, from, to).unwrap_err()
        };
        let (old, new) = ("SCCP41.8-3-1S", "SIP41.9-4-2SR3-1S");
        assert!(no("7960", old, new).contains("not a 7906 to 7975 model"));
        assert!(no("7911", old, new).contains("is not a 7911G load"));
        assert!(no("7961", new, old).contains("phoneup has no plan for a 7961G"));
    }
}
