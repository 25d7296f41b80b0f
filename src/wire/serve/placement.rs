//! Placing a phone: which load it runs, told from what it asks for, and what to answer so that
//! it only ever takes an image the evidence backs.
//!
//! serve keeps, for each managed phone, the loads of the catalogue it may still be running (its
//! *candidates*). Each request narrows them: a candidate stays only if the phone model
//! ([`crate::phone`]), booting that load against the answers serve has given in this boot, asks
//! for exactly the files the phone asked for, in that order. The old SCCP hunt, `OS79XX.TXT` then
//! the SIP files, the UAL hunt from `CTLSEP<MAC>.tlv`, and the extension of the image a dual boot
//! fetches (`.bin` from an unsigned image, `.sbn` from a signed one) all narrow it this way.
//!
//! Each candidate has its own plan to the phone's target (the planner, every stage replayed on
//! the phone model); its first stage is the candidate's *proposal*: which load each managed file
//! names, and which firmware files it fetches. The answers:
//!
//! - a managed file all remaining candidates answer alike gets that answer;
//! - otherwise the *lead* group's answer (the candidates whose first stage fetches the same
//!   firmware for the same next load: the load the phone should have come back on after a stage,
//!   else the largest group), or, in a *probe* boot, an answer naming one dissenting candidate's
//!   own load (a phone running it keeps it and shows itself; any other asks for an image);
//! - **a firmware file is served only when it belongs to the first stage of every candidate
//!   still consistent with the request for it.** Otherwise it gets TFTP error 1: the phone keeps
//!   its image (MARKWILSON-2008: a missing image is skipped) and serve learns from the next boot.
//!
//! So a flash happens only when whichever of the remaining loads the phone runs, its own plan
//! takes that very step. A boot that fetched its stage's firmware whole moves the phone to the
//! stage's target; the next boot must show it (a phone that comes back on a load it left is
//! *failed*, and held: nothing names another load for it again). A phone whose requests no
//! catalogue load explains, or that no answer can narrow for [`MAX_FRUITLESS`] boots, is
//! *unplaceable* and held too.
//!
//! It does no I/O: the planner is given the served directory's path only to follow its
//! spelling of each file (plans are made once per load and target), and whether a `.loads` is
//! there comes in as an argument.
//!
//! May use: [`crate::files`], [`crate::knowledge`], [`crate::phone`], [`crate::plan`],
//! [`crate::wire::serve::answers`], [`crate::wire::serve::neighbours`].

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::files::per_phone::PerPhoneFile;
use crate::knowledge::firmware::is_firmware;
use crate::knowledge::load_id::{Era, Kind, LoadId, Protocol};
use crate::knowledge::matrix::Matrix;
use crate::plan::{Outcome, Planner, Request};
use crate::wire::serve::answers::Directive;
use crate::wire::serve::neighbours::per_phone_file_of;

/// Boots in a row that narrow nothing before a phone is reported unplaceable.
pub const MAX_FRUITLESS: u32 = 3;

/// A candidate's first step towards the phone's target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proposal {
    /// The first stage of its plan.
    Stage {
        to: String,
        rule: String,
        firmware: Vec<String>,
        directive: Directive,
        /// Reboots of the whole plan from this load.
        stages: usize,
    },
    /// It is the target: every managed file names it.
    Done { directive: Directive },
    /// No evidenced path: nothing may name another load for it.
    NoPath { why: String },
}

impl Proposal {
    /// Whether a plan reaches the target (it may be there already).
    pub fn reaches(&self) -> bool {
        !matches!(self, Proposal::NoPath { .. })
    }

    pub fn directive(&self) -> Directive {
        match self {
            Proposal::Stage { directive, .. } | Proposal::Done { directive } => directive.clone(),
            Proposal::NoPath { .. } => Directive::hold(),
        }
    }

    pub fn firmware(&self) -> &[String] {
        match self {
            Proposal::Stage { firmware, .. } => firmware,
            _ => &[],
        }
    }

    /// Candidates with the same key take the same step.
    fn group(&self, load: &str) -> String {
        match self {
            Proposal::Stage { to, firmware, .. } => format!("{to} {}", firmware.join(",")),
            Proposal::Done { .. } => "done".into(),
            Proposal::NoPath { .. } => format!("no path from {load}"),
        }
    }
}

/// What serve knows: the matrix and the planner; plans are made once per (load, target).
pub struct Knowledge<'m> {
    pub matrix: &'m Matrix,
    planner: Planner<'m>,
    /// The served directory, whose spelling of each file the plans follow (the planner reads
    /// it, once per plan); `None`: the catalogue's spelling.
    root: Option<PathBuf>,
    proposals: RefCell<HashMap<(String, String), Proposal>>,
    /// Direct jumps as `phoneup check` sees them, by (from, to).
    jumps: RefCell<HashMap<(String, String), aim::Towards>>,
}

impl<'m> Knowledge<'m> {
    pub fn new(matrix: &'m Matrix, root: Option<PathBuf>) -> Knowledge<'m> {
        Knowledge {
            matrix,
            planner: Planner::new(matrix),
            root,
            proposals: RefCell::new(HashMap::new()),
            jumps: RefCell::new(HashMap::new()),
        }
    }

    /// Every load a phone may run: the catalogue's applications and loaders the phone model
    /// knows how to boot.
    pub fn universe(&self) -> Vec<String> {
        self.matrix
            .loads
            .iter()
            .filter(|l| l.id.era().is_some() && l.id.kind() != Kind::Boot)
            .map(|l| l.name().to_string())
            .collect()
    }

    /// Whether a phone on some other load of [`Knowledge::universe`] can be walked to `target`
    /// (the planner finds a plan). `Err` holds the reasons the planner gives for every load
    /// alike: what keeps any phone from reaching it (an MGCP load no rule leads to, a factory
    /// image with no files listed).
    pub fn reachable(&self, target: &str) -> Result<(), Vec<String>> {
        let key = LoadId::parse(target).ok().map(|id| id.match_key());
        let mut common: Option<Vec<String>> = None;
        for load in self.universe() {
            if LoadId::parse(&load).ok().map(|id| id.match_key()) == key {
                continue;
            }
            let request = Request {
                tftp_root: self.root.clone(),
                ..Request::new(load, target)
            };
            let reasons = match self.planner.plan(&request) {
                Ok(Outcome::Plan(_)) => return Ok(()),
                Ok(Outcome::NoPath(no)) => no.reasons,
                Err(error) => vec![error.to_string()],
            };
            common = Some(match common {
                None => reasons,
                Some(common) => common.into_iter().filter(|r| reasons.contains(r)).collect(),
            });
        }
        Err(common.unwrap_or_default())
    }

    /// A load to aim for instead of `target`, which no phone can reach: the newest application of
    /// the same protocol that one can, if any.
    pub fn reachable_instead(&self, target: &str) -> Option<String> {
        let wanted = LoadId::parse(target).ok()?;
        let mut alike: Vec<(LoadId, String)> = self
            .universe()
            .into_iter()
            .filter_map(|name| LoadId::parse(&name).ok().map(|id| (id, name)))
            .filter(|(id, _)| {
                id.kind() == Kind::Application
                    && id.protocol() == wanted.protocol()
                    && id.match_key() != wanted.match_key()
                    && id.version().is_some()
            })
            .collect();
        alike.sort_by_key(|(id, _)| std::cmp::Reverse(id.version()));
        alike
            .into_iter()
            .map(|(_, name)| name)
            .find(|name| self.reachable(name).is_ok())
    }

    /// The image `OS79XX.TXT` names for a phone that should stay on `load`.
    fn os79xx_image(&self, load: &str) -> String {
        match self.matrix.by_name(load) {
            Some(l) if l.id.protocol() == Some(Protocol::Sip) && l.id.era() == Some(Era::Ual) => {
                l.loader.clone().unwrap_or_else(|| load.to_string())
            }
            _ => load.to_string(),
        }
    }

    /// Every managed file names `load`: the phone running it keeps it.
    pub fn naming(&self, load: &str) -> Directive {
        Directive::naming(load, &self.os79xx_image(load))
    }

    /// The first step from `load` to `target`.
    pub fn proposal(&self, load: &str, target: &str) -> Proposal {
        let key = (load.to_string(), target.to_string());
        if let Some(found) = self.proposals.borrow().get(&key) {
            return found.clone();
        }
        let request = Request {
            tftp_root: self.root.clone(),
            ..Request::new(load, target)
        };
        let proposal = match self.planner.plan(&request) {
            Ok(Outcome::Plan(plan)) => match plan.stages.first() {
                None => Proposal::Done {
                    directive: self.naming(target),
                },
                Some(stage) => Proposal::Stage {
                    to: stage.to.clone(),
                    rule: stage.rule.clone(),
                    firmware: stage.firmware.clone(),
                    directive: Directive {
                        os79xx: stage.os79xx.clone(),
                        xml_load: stage.xmldefault_load.clone(),
                        image_version: stage.image_version.clone(),
                    },
                    stages: plan.stages.len(),
                },
            },
            Ok(Outcome::NoPath(no)) => Proposal::NoPath {
                why: no.reasons.join(" "),
            },
            Err(error) => Proposal::NoPath {
                why: error.to_string(),
            },
        };
        self.proposals.borrow_mut().insert(key, proposal.clone());
        proposal
    }
}

/// Whether the phone model ever asks for `name` (relative) in a boot: the names that place a
/// phone. Other names (ring tones, dial plans) are served from the directory and not logged.
pub fn is_boot_file(name: &str, mac: &str) -> bool {
    is_firmware(name)
        || [
            "OS79XX.TXT",
            "XMLDefault.cnf.xml",
            "SIPDefault.cnf",
            "SEPDefault.cnf",
            "MGCDefault.cnf",
        ]
        .contains(&name)
        || per_phone_file_of(name, mac).is_some()
}

/// A name that starts a boot: `OS79XX.TXT` before the Universal Application Loader,
/// `CTLSEP<MAC>.tlv` with it.
pub fn is_boot_start(name: &str, mac: &str) -> bool {
    name == "OS79XX.TXT" || per_phone_file_of(name, mac) == Some(PerPhoneFile::CtlSep)
}

/// How a phone's placement stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    /// Loads it may run, as of the start of this boot (catalogue order, the expected load first).
    pub candidates: Vec<String>,
    /// After a boot that fetched a stage's firmware whole: the load it should come back on.
    #[serde(default)]
    pub expected: Option<String>,
    /// And the loads it may have left.
    #[serde(default)]
    pub left: Vec<String>,
    /// This boot names this candidate's own load to see whether the phone runs it.
    #[serde(default)]
    pub probe: Option<String>,
    #[serde(default)]
    pub probed: Vec<String>,
    /// The group (next load and firmware) whose answers lead this boot.
    #[serde(default)]
    pub lead: Option<String>,
    /// The load this boot's answers name, when the step to it is safe from every load the
    /// phone may run: its images are served to any of them.
    #[serde(default)]
    pub aim: Option<String>,
    /// Boots in a row that narrowed nothing.
    #[serde(default)]
    pub fruitless: u32,
    /// This boot's requests and answers.
    #[serde(default)]
    pub boot: Vec<Logged>,
    /// Firmware files sent whole this boot.
    #[serde(default)]
    pub sent: Vec<String>,
    /// Candidates that kept an image from being served this boot.
    #[serde(default)]
    pub blocked_by: Vec<String>,
    /// The loads the requests so far leave (the candidates, narrowed by this boot).
    #[serde(default)]
    pub current: Vec<String>,
    /// Candidates that kept the lead group's image from being served: probed one per boot.
    #[serde(default)]
    pub dissenters: Vec<String>,
    /// This boot answered a managed file with [`Directive::nothing`] instead of the probe's
    /// load: the probe is not shown by it.
    #[serde(default)]
    pub named_nothing: bool,
}

/// What settling a finished boot found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled {
    /// Nothing was logged.
    Nothing,
    /// It fetched a stage's firmware whole: it should come back on `to`.
    Flashed {
        from: Vec<String>,
        to: String,
        rule: String,
    },
    /// Fewer candidates than before.
    Narrowed,
    /// No load explains the boot.
    Unexplained,
    /// Nothing learnt for [`MAX_FRUITLESS`] boots.
    Fruitless { candidates: Vec<String> },
    /// Nothing learnt this boot.
    Same,
}

/// What to answer a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// A managed file, as this directive says.
    Managed(Directive),
    /// The directory's file as it is (a firmware file only when every candidate's stage has it).
    FromDir,
    /// A firmware file not every remaining candidate's stage backs: TFTP error 1.
    RefuseImage { why: String },
}

/// What a request showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    /// The candidates left.
    Candidates(Vec<String>),
    /// It came back on a load it had left: the stage did not take.
    DidNotTake {
        expected: String,
        running: Vec<String>,
    },
    /// No candidate asks for this file here.
    Unexplained,
}

impl Placement {
    pub fn new(universe: Vec<String>) -> Placement {
        Placement {
            candidates: universe,
            expected: None,
            left: Vec::new(),
            probe: None,
            probed: Vec::new(),
            lead: None,
            aim: None,
            fruitless: 0,
            boot: Vec::new(),
            sent: Vec::new(),
            blocked_by: Vec::new(),
            dissenters: Vec::new(),
            current: Vec::new(),
            named_nothing: false,
        }
    }

    /// The candidates the current boot's log leaves, each with what it asks for next.
    fn consistent(&self, mac: &str) -> Vec<(String, Option<String>)> {
        self.candidates
            .iter()
            .filter_map(|c| replay(c, mac, &self.boot).map(|next| (c.clone(), next)))
            .collect()
    }

    /// Whether `name` starts a new boot (it is a boot's first name, and the log is not only
    /// retries of it).
    pub fn starts_boot(&self, name: &str, mac: &str) -> bool {
        is_boot_start(name, mac)
            && !self.boot.is_empty()
            && self.boot.iter().any(|l| l.name != name)
    }

    /// Ends the current boot: what it showed, and the set-up of the next. `manifest`: whether
    /// the directory holds a load's `.loads`, spelled as serve names it.
    pub fn settle(
        &mut self,
        k: &Knowledge,
        target: &str,
        mac: &str,
        manifest: &dyn Fn(&str) -> bool,
    ) -> Settled {
        if self.boot.is_empty() {
            return Settled::Nothing;
        }
        let before = self.candidates.len();
        // Loads whose boot ends where this one ended; failing any, those it is the start of
        // (a phone switched off halfway).
        let all = self.consistent(mac);
        let ended: Vec<String> = all
            .iter()
            .filter(|(_, next)| next.is_none())
            .map(|(c, _)| c.clone())
            .collect();
        let consistent: Vec<String> = if ended.is_empty() {
            all.into_iter().map(|(c, _)| c).collect()
        } else {
            ended
        };
        let flashed = self.flashed(k, target, &consistent);
        let probe = self.probe.take();
        // A probe a boot did not name (it named nothing instead) is named by the next one. The
        // mark is this boot's only, probe or not.
        let named_nothing = std::mem::take(&mut self.named_nothing);
        let unshown = probe.clone().filter(|_| named_nothing);
        self.probed.retain(|c| Some(c) != unshown.as_ref());
        let was_probe = probe.is_some();
        self.boot.clear();
        self.lead = None;
        self.aim = None;
        self.sent.clear();
        let blocked = std::mem::take(&mut self.blocked_by);
        if let Some((to, rule)) = flashed {
            self.expected = Some(to.clone());
            self.left = consistent.clone();
            let mut next = vec![to.clone()];
            next.extend(consistent.iter().filter(|c| **c != to).cloned());
            self.candidates = next;
            self.fruitless = 0;
            self.probed.clear();
            self.dissenters.clear();
            return Settled::Flashed {
                from: consistent,
                to,
                rule,
            };
        }
        if consistent.is_empty() {
            self.candidates = k.universe();
            self.fruitless += 1;
            self.dissenters.clear();
            return Settled::Unexplained;
        }
        self.candidates = consistent;
        if !was_probe && !blocked.is_empty() {
            self.dissenters = blocked;
        }
        let unshown = unshown.filter(|p| self.candidates.contains(p));
        self.probe = self
            .next_probe(k, target, manifest)
            .map(|next| unshown.unwrap_or(next));
        if let Some(probe) = &self.probe {
            self.probed.push(probe.clone());
        }
        if self.candidates.len() < before {
            self.fruitless = 0;
            Settled::Narrowed
        } else if self.candidates.len() == 1 {
            // Placed: a boot that changes nothing is no failure to learn.
            self.fruitless = 0;
            Settled::Same
        } else {
            self.fruitless += 1;
            if self.fruitless >= MAX_FRUITLESS && self.probe.is_none() {
                Settled::Fruitless {
                    candidates: self.candidates.clone(),
                }
            } else {
                Settled::Same
            }
        }
    }

    /// The load the next boot names to see whether the phone runs it, if any.
    fn next_probe(
        &self,
        k: &Knowledge,
        target: &str,
        manifest: &dyn Fn(&str) -> bool,
    ) -> Option<String> {
        if let [] | [_] = self.candidates.as_slice() {
            // Placed: every answer is its own, and there is nothing to tell apart.
            return None;
        }
        // A step some load of them may take safely: the next boot aims at it when none is left
        // that may not; until then, name one of those per boot.
        if let Some(blockers) = aim::blockers(k, &self.candidates, target) {
            let unprobed = blockers.iter().find(|c| !self.probed.contains(c));
            if unprobed.is_some() || blockers.is_empty() {
                return unprobed.cloned();
            }
        }
        // An image was held back by loads whose plans differ: ask one of them per boot whether
        // it is the one running.
        let dissenter = self
            .dissenters
            .iter()
            .find(|c| !self.probed.contains(c) && self.candidates.contains(c));
        if dissenter.is_some() {
            return dissenter.cloned();
        }
        // Loads that look alike on the wire and held nothing back: name each in turn whose
        // .loads the directory holds (the phone running it reads it and stops; any other goes
        // on to ask for its images, which stay refused).
        self.candidates
            .iter()
            .find(|c| !self.probed.contains(c) && manifest(c))
            .cloned()
    }

    /// The stage whose firmware this boot fetched whole, for every consistent candidate alike.
    fn flashed(
        &self,
        k: &Knowledge,
        target: &str,
        consistent: &[String],
    ) -> Option<(String, String)> {
        if self.sent.is_empty() || consistent.is_empty() {
            return None;
        }
        let whole = |firmware: &[String]| {
            firmware
                .iter()
                .all(|f| self.sent.iter().any(|s| s.eq_ignore_ascii_case(f)))
        };
        let mut step: Option<(String, String)> = None;
        for c in consistent {
            // Its own stage, when its files came whole; else the safe jump to the aim.
            let own = match k.proposal(c, target) {
                Proposal::Stage {
                    to, rule, firmware, ..
                } if whole(&firmware) => Some((to, rule)),
                _ => None,
            };
            let jump = || match self.aim.as_deref().map(|aim| (aim, k.towards(c, aim))) {
                Some((aim, aim::Towards::Jump(jump))) if whole(&jump.firmware) => {
                    Some((aim.to_string(), jump.rule))
                }
                _ => None,
            };
            let took = own.or_else(jump)?;
            match &step {
                None => step = Some(took),
                Some((t, _)) if *t == took.0 => {}
                Some(_) => return None,
            }
        }
        step
    }

    /// Takes one boot file the phone asks for: narrows the candidates and says what to answer.
    /// The caller logs the answer with [`Placement::log`].
    pub fn request(
        &mut self,
        k: &Knowledge,
        target: &str,
        mac: &str,
        name: &str,
        managed: bool,
    ) -> (Reply, Shown) {
        if self.boot.last().is_some_and(|l| l.name == name) {
            // A retry: decided again, logged once.
            self.boot.pop();
        }
        let narrowed: Vec<String> = self
            .consistent(mac)
            .into_iter()
            .filter(|(_, next)| next.as_deref() == Some(name))
            .map(|(c, _)| c)
            .collect();
        if narrowed.is_empty() {
            return (Reply::Managed(Directive::hold()), Shown::Unexplained);
        }
        if let Some(expected) = &self.expected {
            if !narrowed.contains(expected) && narrowed.iter().all(|c| self.left.contains(c)) {
                return (
                    Reply::Managed(Directive::hold()),
                    Shown::DidNotTake {
                        expected: expected.clone(),
                        running: narrowed,
                    },
                );
            }
            if narrowed.len() == 1 && narrowed[0] == *expected {
                self.expected = None;
                self.left.clear();
            }
        }
        if self.boot.is_empty() {
            let (lead, aim) = self.lead_group(k, target, mac, &narrowed);
            self.lead = Some(lead);
            self.aim = aim;
        }
        let proposals: Vec<(String, Proposal)> = narrowed
            .iter()
            .map(|c| (c.clone(), k.proposal(c, target)))
            .collect();
        let reply = if managed {
            let directive = self.directive(k, mac, &proposals);
            self.named_nothing |= directive == Directive::nothing();
            Reply::Managed(directive)
        } else if is_firmware(name) {
            self.image_reply(k, name, &proposals)
        } else {
            Reply::FromDir
        };
        self.current = narrowed.clone();
        (reply, Shown::Candidates(narrowed))
    }

    /// A firmware file is served only when every candidate's next stage fetches it (or it is
    /// the manifest of one of them); otherwise those that do not kept it back.
    fn image_reply(
        &mut self,
        k: &Knowledge,
        name: &str,
        proposals: &[(String, Proposal)],
    ) -> Reply {
        // A load whose own stage does not fetch it may still take it on a safe step to the aim.
        let on_the_way = |c: &str| {
            self.aim
                .as_deref()
                .is_some_and(|aim| aim::fetched_on_the_way(k, c, aim, name))
        };
        let missing: Vec<String> = proposals
            .iter()
            .filter(|(c, p)| !p.firmware().iter().any(|f| f == name) && !on_the_way(c))
            .map(|(c, _)| c.clone())
            .collect();
        // A manifest flashes nothing: serving the .loads of a load the phone may run tells that
        // load (which stops there) from the others (which go on to ask for its images, and
        // those stay refused).
        let owned = proposals.iter().any(|(c, _)| own_manifest(c, name));
        if missing.is_empty() || owned {
            return Reply::FromDir;
        }
        for c in &missing {
            if !self.blocked_by.contains(c) {
                self.blocked_by.push(c.clone());
            }
        }
        let why = match proposals {
            [(only, _)] => format!("its plan from {only} does not fetch {name} now"),
            _ => format!(
                "{} of the {} loads it may run ({}) do not fetch {name} in their next stage",
                missing.len(),
                proposals.len(),
                short_list(&missing)
            ),
        };
        Reply::RefuseImage { why }
    }

    /// The directive for a managed file: the one every candidate agrees on; else the probe's or
    /// the lead group's, or, when the boot has no aim, [`Directive::nothing`] where that parts
    /// the candidates better (see [`replay::parts_better`]).
    fn directive(&self, k: &Knowledge, mac: &str, proposals: &[(String, Proposal)]) -> Directive {
        let directives: Vec<Directive> = proposals.iter().map(|(_, p)| p.directive()).collect();
        if directives.windows(2).all(|w| w[0] == w[1]) {
            return directives[0].clone();
        }
        let chosen = match &self.probe {
            Some(probe) => k.naming(probe),
            None => self.lead_directive(proposals, &directives),
        };
        let nothing = Directive::nothing();
        if self.aim.is_none() && replay::parts_better(mac, &self.boot, proposals, &nothing, &chosen)
        {
            return nothing;
        }
        chosen
    }

    /// The lead group's directive: the most common among its members (ties: the first).
    fn lead_directive(
        &self,
        proposals: &[(String, Proposal)],
        directives: &[Directive],
    ) -> Directive {
        let lead: Vec<&Directive> = proposals
            .iter()
            .zip(directives)
            .filter(|((c, p), _)| Some(p.group(c)) == self.lead)
            .map(|(_, d)| d)
            .collect();
        let pool: Vec<&Directive> = if lead.is_empty() {
            directives.iter().collect()
        } else {
            lead
        };
        // The most common; ties go to the first.
        let mut counts: Vec<(&Directive, usize)> = Vec::new();
        for d in pool {
            match counts.iter_mut().find(|(x, _)| *x == d) {
                Some((_, n)) => *n += 1,
                None => counts.push((d, 1)),
            }
        }
        let best = counts.iter().map(|(_, n)| *n).max().unwrap_or(0);
        counts
            .into_iter()
            .find(|(_, n)| *n == best)
            .map(|(d, _)| d.clone())
            .unwrap_or_default()
    }

    /// The group that leads a boot, and the load it aims at when that step is safe for every
    /// candidate: the expected load's group; else the group whose step every candidate may take
    /// safely at the least extra cost; else the largest.
    fn lead_group(
        &self,
        k: &Knowledge,
        target: &str,
        mac: &str,
        candidates: &[String],
    ) -> (String, Option<String>) {
        if let Some(expected) = &self.expected {
            if candidates.contains(expected) {
                let p = k.proposal(expected, target);
                if self.probe.is_none()
                    && replay::told_apart(mac, &self.boot, expected, candidates, &p)
                {
                    // Its next stage: serve's image rule serves it once the requests leave only
                    // the expected load, and a phone back on a load it left asks for other files.
                    return (p.group(expected), None);
                }
                // Its next stage, when the loads it may have left may take that step too; else
                // a step they all may take (a phone back on the load it left shows it there).
                let mut options: Vec<String> = aim::destination(&p, target).into_iter().collect();
                options.extend(
                    candidates
                        .iter()
                        .filter_map(|c| aim::destination(&k.proposal(c, target), target)),
                );
                // (Two candidates at least: the expected load alone is told apart above.)
                let aim = self
                    .probe
                    .is_none()
                    .then(|| aim::safe_for_all(k, candidates, &options, target))
                    .flatten();
                let lead = match &aim {
                    Some(aim) if aim::destination(&p, target).as_ref() != Some(aim) => candidates
                        .iter()
                        .map(|c| (c, k.proposal(c, target)))
                        .find(|(_, q)| aim::destination(q, target).as_ref() == Some(aim))
                        .map(|(c, q)| q.group(c)),
                    _ => None,
                };
                return (lead.unwrap_or_else(|| p.group(expected)), aim);
            }
        }
        // (group) -> (members, first index, destination, a stage)
        let mut groups: BTreeMap<String, (usize, usize, String, bool)> = BTreeMap::new();
        for (i, c) in candidates.iter().enumerate() {
            let p = k.proposal(c, target);
            let Some(to) = aim::destination(&p, target) else {
                continue;
            };
            let stage = matches!(p, Proposal::Stage { .. });
            let entry = groups.entry(p.group(c)).or_insert((0, i, to, stage));
            entry.0 += 1;
        }
        let mut ranked: Vec<(String, (usize, usize, String, bool))> = groups.into_iter().collect();
        // The largest first, a stage before staying, then catalogue order.
        ranked.sort_by(|a, b| {
            (b.1 .0, b.1 .3)
                .cmp(&(a.1 .0, a.1 .3))
                .then(a.1 .1.cmp(&b.1 .1))
        });
        let mut options: Vec<String> = Vec::new();
        for (_, (_, _, to, _)) in &ranked {
            if !options.contains(to) {
                options.push(to.clone());
            }
        }
        let aim = if self.probe.is_none() && candidates.len() > 1 {
            aim::safe_for_all(k, candidates, &options, target)
        } else {
            None
        };
        let lead = match &aim {
            Some(aim) => ranked.iter().find(|(_, (_, _, to, _))| to == aim),
            None => ranked.first(),
        };
        (lead.map(|(g, _)| g.clone()).unwrap_or_default(), aim)
    }

    /// Records the answer given to a boot file.
    pub fn log(&mut self, logged: Logged) {
        self.boot.push(logged);
    }

    /// A firmware file reached the phone whole.
    pub fn sent_whole(&mut self, name: &str) {
        if !self.sent.iter().any(|s| s == name) {
            self.sent.push(name.to_string());
        }
    }

    /// The loads of `universe` whose boot asks for this boot's files so far and then `name`: what
    /// a phone may run whatever serve believed (a retry of the last name counts once).
    pub fn explain(&self, universe: &[String], mac: &str, name: &str) -> Vec<String> {
        let log = match self.boot.split_last() {
            Some((last, before)) if last.name == name => before,
            _ => &self.boot[..],
        };
        universe
            .iter()
            .filter(|load| replay(load, mac, log).is_some_and(|next| next.as_deref() == Some(name)))
            .cloned()
            .collect()
    }

    /// The loads it may run, as far as this boot has shown.
    pub fn possible(&self) -> &[String] {
        if self.current.is_empty() || self.boot.is_empty() {
            &self.candidates
        } else {
            &self.current
        }
    }

    /// The loads whose boot would end where this one stands: a phone gone quiet runs one.
    pub fn ended_here(&self, mac: &str) -> Vec<String> {
        self.consistent(mac)
            .into_iter()
            .filter(|(_, next)| next.is_none())
            .map(|(c, _)| c)
            .collect()
    }
}

/// Whether `name` is the `.loads` manifest of `load` itself, in any spelling: a phone told to
/// run the load it runs still reads that load's `.loads`, and takes no image (MARKWILSON-2008).
fn own_manifest(load: &str, name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".loads") else {
        return false;
    };
    match (LoadId::parse(load), LoadId::parse(stem)) {
        (Ok(a), Ok(b)) => a.match_key() == b.match_key(),
        _ => false,
    }
}

/// "A, B, C and 4 more".
pub fn short_list(items: &[String]) -> String {
    if items.len() <= 3 {
        items.join(", ")
    } else {
        format!("{} and {} more", items[..3].join(", "), items.len() - 3)
    }
}

/// The candidates in words: the load, or their era and how many.
pub fn describe(candidates: &[String]) -> String {
    match candidates {
        [] => "unknown".into(),
        [one] => one.clone(),
        many => {
            let eras: Vec<Option<Era>> = many
                .iter()
                .map(|c| LoadId::parse(c).ok().and_then(|id| id.era()))
                .collect();
            let era = if eras.iter().all(|e| *e == Some(Era::Ual)) {
                "UAL era"
            } else if eras.iter().all(|e| e.is_some_and(|e| e != Era::Ual)) {
                "before the UAL"
            } else {
                "any era"
            };
            format!("{era}, {} loads possible", many.len())
        }
    }
}

mod aim;
mod replay;
pub use replay::{replay, Logged};
#[cfg(test)]
mod parts_tests;
#[cfg(test)]
mod tests;
