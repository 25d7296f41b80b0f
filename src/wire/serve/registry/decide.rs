//! The answer to one request of a managed phone, and what the request teaches about it: where a
//! boot ends and the next begins, which loads it may still run, a stage that took or did not,
//! a phone that came back on a load it left, and one serve cannot place.
//!
//! May use: what [`crate::wire::serve::registry`] may.

use core::net::SocketAddr;

use crate::files::xml_default_cnf_xml::{configured_load, JavaReads};
use crate::knowledge::firmware::is_firmware;
use crate::wire::serve::answers::{self, Directive, Managed};
use crate::wire::serve::directory::{Directory, Opened};
use crate::wire::serve::events::{Event, Kind, State};
use crate::wire::serve::family;
use crate::wire::serve::phones::{Phone, StageRecord};
use crate::wire::serve::placement::{self, describe, Logged, Reply, Settled, Shown, MAX_FRUITLESS};
use crate::wire::serve::registry::{
    missing, Registry, Serve, HELD_BACK, HELD_FAILED, HELD_UNPLACED,
};

impl<D: Directory> Registry<'_, D> {
    /// The answer to one request of a managed phone, and what it teaches about the phone.
    pub(super) fn decide(
        &mut self,
        phone: &mut Phone,
        from: SocketAddr,
        mac: &str,
        requested: &str,
        name: &str,
    ) -> Serve<D::File> {
        if phone.family.is_some() {
            return self.decide_family(phone, from, mac, requested, name);
        }
        if phone.state != State::Failed {
            if let Some(java) = self.java_sign(phone, mac, name) {
                self.java_phone(phone, from, &java);
            }
        }
        if !placement::is_boot_file(name, mac) {
            return self.as_in_dir(requested).0;
        }
        let target = phone.target.clone();
        if phone.placement.starts_boot(name, mac) {
            let dir = &self.dir;
            let manifest = |load: &str| dir.is_file(&format!("{load}.loads"));
            let settled = phone
                .placement
                .settle(&self.knowledge, &target, mac, &manifest);
            self.settled(phone, from, settled);
            self.boot_ended(phone);
        }
        let managed = Managed::of(name, mac);
        if phone.state == State::Failed {
            return self.held(requested, name, managed);
        }
        let (reply, shown) =
            phone
                .placement
                .request(&self.knowledge, &target, mac, name, managed.is_some());
        // A phone done (also as a state file from before `reached` records it) ran its target
        // once: any other load is one it left.
        let ran_target = phone.reached || phone.state == State::Done;
        if ran_target && !matches!(&shown, Shown::Candidates(c) if c.contains(&target)) {
            self.came_back(phone, from, mac, name);
            return self.held(requested, name, managed);
        }
        self.learn(phone, from, mac, name, shown);
        if phone.state == State::Failed {
            return self.held(requested, name, managed);
        }
        let (serve, logged) = match reply {
            Reply::Managed(directive) => {
                self.managed_answer(managed, name, &directive, phone, from)
            }
            Reply::FromDir => self.as_in_dir(requested),
            Reply::RefuseImage { why } => {
                self.note = Some(format!("held back: {why}"));
                (Serve::HeldBack(HELD_BACK), missing(name))
            }
        };
        phone.placement.log(logged);
        serve
    }

    /// What gives the phone away as a 7906 to 7975, if anything: the request, the model a fact
    /// named, or the load its own `SEP<MAC>.cnf.xml` in DIR names.
    fn java_sign(&self, phone: &Phone, mac: &str, name: &str) -> Option<family::Java> {
        if let Some(java) = family::in_request(name, mac) {
            return Some(java);
        }
        if let Some(java) = phone.model.as_deref().and_then(family::in_model) {
            return Some(java);
        }
        if Managed::of(name, mac) != Some(Managed::SepXml) {
            return None;
        }
        let own = self.dir.read_small(name)?;
        let loaded = configured_load(&String::from_utf8_lossy(&own), JavaReads::Own).ok()??;
        family::in_own_file(name, &loaded)
    }

    /// A 7906 to 7975: its model kept, and held with the commands that walk it instead.
    fn java_phone(&mut self, phone: &mut Phone, from: SocketAddr, java: &family::Java) {
        if let Some(model) = java.model {
            phone.model = Some(model.to_string());
        } else if phone.model.is_none() {
            phone.model = Some(java.what());
        }
        let why = java.why(&phone.mac);
        self.fail(phone, from, why);
    }

    /// A phone that ran its target asks for what another load asks for: it is held.
    fn came_back(&mut self, phone: &mut Phone, from: SocketAddr, mac: &str, name: &str) {
        let target = phone.target.clone();
        let running = phone
            .placement
            .explain(&self.knowledge.universe(), mac, name);
        let shows = if running.is_empty() {
            "no load of the catalogue".to_string()
        } else {
            placement::short_list(&running)
        };
        let entry = match &self.state_path {
            Some(path) => format!(" --state {}", path.display()),
            None => String::new(),
        };
        let why = format!(
            "it came back on a load it left: it had reached {target} (phone_done), and now it asks for {name}, as {shows} does and {target} does not; serve holds it (to walk it again: stop serve, then phoneup serve --tftp-root DIR{entry} --forget {mac})"
        );
        phone.placement.candidates = running.clone();
        phone.placement.current = running;
        phone.reached = true;
        phone.stages.get_or_insert(phone.history.len());
        self.fail(phone, from, why);
    }

    /// What a request showed: the load it runs, a stage that did not take, or a request no
    /// load explains.
    fn learn(&mut self, phone: &mut Phone, from: SocketAddr, mac: &str, name: &str, shown: Shown) {
        let target = phone.target.clone();
        match shown {
            Shown::Candidates(candidates) => {
                if let [one] = candidates.as_slice() {
                    if phone.placed_reported.as_deref() != Some(one) {
                        phone.placed_reported = Some(one.clone());
                        let mut event = Event::new(Kind::Placed, Some(mac), from, true).file(name);
                        event.load = Some(one.clone());
                        event.to = Some(target.clone());
                        self.emit(event);
                    }
                    if *one == target {
                        self.mark_done(phone);
                    }
                }
            }
            Shown::DidNotTake { expected, running } => {
                let why = format!(
                    "the stage did not take: it should have come back on {expected}, but its requests show {} (it came back on the load it left); serve holds it",
                    placement::short_list(&running)
                );
                self.fail(phone, from, why);
            }
            Shown::Unexplained => {
                self.note = Some(format!(
                    "serve cannot tell which load it runs from {name} (no load it may run asks for it here): nothing that names a load is served until it can"
                ));
                if phone.placement.fruitless + 1 >= MAX_FRUITLESS {
                    let asked: Vec<&str> = phone
                        .placement
                        .boot
                        .iter()
                        .map(|l| l.name.as_str())
                        .chain([name])
                        .collect();
                    let why = format!(
                        "serve cannot place it: no load of the catalogue asks for {name} here (its requests this boot: {})",
                        asked.join(", ")
                    );
                    self.fail(phone, from, why);
                }
            }
        }
    }

    /// The answer to a held phone: nothing that names a load, no image; other files as DIR has
    /// them.
    pub(super) fn held(
        &mut self,
        requested: &str,
        name: &str,
        managed: Option<Managed>,
    ) -> Serve<D::File> {
        if managed.is_some() || is_firmware(name) {
            self.note = Some(
                "held since phone_failed: nothing that names a load, and no image, is served to it"
                    .into(),
            );
            Serve::HeldBack(HELD_FAILED)
        } else {
            self.as_in_dir(requested).0
        }
    }

    /// A managed file serve could not render from the user's copy (not UTF-8, not well-formed):
    /// answered File not found, said in a `stuck` event, since the phone will loop on it.
    pub(super) fn not_rendered(&mut self, mac: &str, from: SocketAddr, name: &str, why: &str) {
        let why = format!("{why}: answered File not found instead");
        self.note = Some(why.clone());
        let event = Event::new(Kind::Stuck, Some(mac), from, true)
            .file(name)
            .why(why);
        self.emit(event);
    }

    pub(super) fn managed_answer(
        &mut self,
        managed: Option<Managed>,
        name: &str,
        directive: &Directive,
        phone: &Phone,
        from: SocketAddr,
    ) -> (Serve<D::File>, Logged) {
        let Some(file) = managed else {
            // A boot file serve does not edit, asked while serve cannot place the phone.
            self.note.get_or_insert_with(|| {
                format!("serve does not serve {name} to a phone it has not placed")
            });
            return (Serve::NotFound, missing(name));
        };
        let names = match file {
            Managed::Os79xx => &directive.os79xx,
            Managed::XmlDefault | Managed::SepXml => &directive.xml_load,
            Managed::SipDefault | Managed::SipMac | Managed::MgcDefault => &directive.image_version,
        };
        if file != Managed::Os79xx && names.is_some() {
            // The user's own copy is edited: one serve may not read is refused, never replaced.
            if let Opened::Refused { why } = self.dir.open(name, false) {
                return (Serve::Refused(why), missing(name));
            }
        }
        match answers::render(file, name, directive, &self.dir) {
            Ok(Some(bytes)) => {
                let logged = Logged {
                    name: name.to_string(),
                    found: true,
                    size: bytes.len() as u64,
                    text: Some(String::from_utf8_lossy(&bytes).into_owned()),
                };
                (Serve::Bytes(bytes), logged)
            }
            Ok(None) => {
                if *directive == Directive::hold() {
                    self.note.get_or_insert_with(|| {
                        "held: nothing that names a load is served until serve knows the load it runs".into()
                    });
                    return (Serve::HeldBack(HELD_UNPLACED), missing(name));
                } else if names.is_none() {
                    self.note
                        .get_or_insert_with(|| format!("its stage needs {name} absent"));
                }
                // Otherwise a per-phone file DIR does not have: serve makes none up.
                (Serve::NotFound, missing(name))
            }
            Err(why) => {
                self.not_rendered(&phone.mac, from, name, &why);
                (Serve::NotFound, missing(name))
            }
        }
    }

    pub(super) fn mark_done(&mut self, phone: &mut Phone) {
        if phone.state == State::Done {
            return;
        }
        phone.state = State::Done;
        phone.why = None;
        let address = phone.address.clone().unwrap_or_else(|| "-".into());
        let mut event = Event::new(Kind::PhoneDone, Some(&phone.mac), address, true);
        event.load = Some(phone.target.clone());
        event.stage = Some(phone.history.len());
        event.stages = Some(phone.history.len());
        self.emit(event);
        phone.reached = true;
        phone.stages = Some(phone.history.len());
    }

    pub(super) fn fail(&mut self, phone: &mut Phone, from: SocketAddr, why: String) {
        if phone.state == State::Failed {
            return;
        }
        phone.state = State::Failed;
        phone.why = Some(why.clone());
        let mut event = Event::new(Kind::PhoneFailed, Some(&phone.mac), from, true).why(why);
        event.to = Some(phone.target.clone());
        self.emit(event);
    }

    /// What a finished boot showed.
    fn settled(&mut self, phone: &mut Phone, from: SocketAddr, settled: Settled) {
        match settled {
            Settled::Flashed {
                from: loads,
                to,
                rule,
            } => {
                let from_text = match loads.as_slice() {
                    [one] => one.clone(),
                    many => describe(many),
                };
                phone.history.push(StageRecord {
                    from: from_text.clone(),
                    to: to.clone(),
                    rule,
                    time_ms: self.now.wall_ms,
                });
                let (_, stage) = phone.stage(&self.knowledge);
                let mut event = Event::new(Kind::StageDone, Some(&phone.mac), from, true);
                // `load` is a load ID or nothing: a stage taken while several loads were still
                // possible says so in words.
                match loads.as_slice() {
                    [one] => event.load = Some(one.clone()),
                    _ => {
                        event.why = Some(format!(
                            "serve had not told its load apart ({from_text}): the step is safe from each"
                        ))
                    }
                }
                event.to = Some(to);
                event.stage = Some(phone.history.len());
                event.stages = stage.map(|(_, n)| n.max(phone.history.len()));
                phone.stages = event.stages;
                self.emit(event);
            }
            Settled::Fruitless { .. } | Settled::Unexplained
                if phone.placement.fruitless >= MAX_FRUITLESS =>
            {
                let why = format!(
                    "serve cannot place it: after {MAX_FRUITLESS} boots its requests still fit {}; name its load in the phones file (MAC=TARGET from=LOAD)",
                    describe(&phone.placement.candidates)
                );
                self.fail(phone, from, why);
            }
            _ => {}
        }
    }
}
