//! A boot's log replayed on the phone model: which loads ask for exactly the files a phone
//! asked for, in that order, against the answers serve gave; what each would ask for next if
//! serve's managed files said one thing for the rest of the boot; and so which answer tells the
//! loads apart.
//!
//! May use: what [`crate::wire::serve::placement`] may.

use serde::{Deserialize, Serialize};

use crate::files::loads;
use crate::knowledge::firmware::is_firmware;
use crate::knowledge::load_id::LoadId;
use crate::knowledge::phones::Model;
use crate::phone::{Answer, Phone, Server};
use crate::wire::serve::answers::{self, Directive, Managed};
use crate::wire::serve::placement::Proposal;

/// One request of a boot, with serve's answer, as the phone model replays it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Logged {
    pub name: String,
    pub found: bool,
    pub size: u64,
    /// The text of a configuration file or `.loads` served (images are not kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// The phone model reading a boot's log: the logged answers in order, then nothing (or, when
/// `then` says, what serve would answer from there on).
struct Replay<'a> {
    log: &'a [Logged],
    at: usize,
    diverged: bool,
    next: Option<String>,
    then: Option<Then<'a>>,
}

/// Answers past the log: the first managed file as `first` says, every later one as `rest`
/// says, each as serve renders it for a user with no files of their own (a per-phone file stays
/// absent); a `.loads` served, naming its own loader and application; every image refused. The
/// names asked for are kept.
struct Then<'a> {
    first: &'a Directive,
    rest: &'a Directive,
    mac: &'a str,
    asked: Vec<String>,
}

impl Then<'_> {
    fn read(&mut self, name: &str) -> Answer {
        let managed = Managed::of(name, self.mac);
        let d = if managed.is_some() {
            std::mem::replace(&mut self.first, self.rest)
        } else {
            self.first
        };
        self.asked.push(name.to_string());
        let bytes = match managed {
            // As serve answers a user with no file of their own.
            Some(file) => answers::render_over(file, name, d, || Ok(None))
                .ok()
                .flatten(),
            None => name
                .strip_suffix(".loads")
                .filter(|_| is_firmware(name))
                .map(|stem| loads::stand_in(stem, stem, stem).into_bytes()),
        };
        match bytes {
            Some(bytes) => Answer::Served {
                size: bytes.len() as u64,
                contents: Some(bytes),
            },
            None => Answer::NotFound,
        }
    }
}

impl Server for Replay<'_> {
    fn read(&mut self, name: &str) -> Answer {
        if self.diverged || self.next.is_some() {
            return Answer::NoAnswer { why: "end".into() };
        }
        if self.at == self.log.len() {
            if let Some(then) = &mut self.then {
                return then.read(name);
            }
        }
        match self.log.get(self.at) {
            Some(logged) if logged.name == name => {
                self.at += 1;
                if logged.found {
                    Answer::Served {
                        size: logged.size,
                        contents: logged.text.clone().map(String::into_bytes),
                    }
                } else {
                    Answer::NotFound
                }
            }
            Some(_) => {
                self.diverged = true;
                Answer::NoAnswer {
                    why: "diverged".into(),
                }
            }
            None => {
                self.next = Some(name.to_string());
                Answer::NoAnswer { why: "end".into() }
            }
        }
    }
}

/// Whether the model, booting `load` against `log`, asks for exactly the logged files in order
/// (`Some(next)`: and then `next`; `Some(None)`: and then nothing), or `None` when it does not.
pub fn replay(load: &str, mac: &str, log: &[Logged]) -> Option<Option<String>> {
    boot(load, mac, log, None).map(|server| server.next)
}

/// The files the model, booting `load` against `log`, asks for after it, when serve answers the
/// next managed file as `first` says and the rest of the boot as `rest` says (see [`Then`]);
/// `None` when its boot does not ask for the logged files.
pub(super) fn predict(
    load: &str,
    mac: &str,
    log: &[Logged],
    first: &Directive,
    rest: &Directive,
) -> Option<Vec<String>> {
    let then = Then {
        first,
        rest,
        mac,
        asked: Vec::new(),
    };
    boot(load, mac, log, Some(then)).and_then(|server| server.then.map(|then| then.asked))
}

fn boot<'a>(
    load: &str,
    mac: &'a str,
    log: &'a [Logged],
    then: Option<Then<'a>>,
) -> Option<Replay<'a>> {
    let id = LoadId::parse(load).ok()?;
    let mut phone = Phone::new(Model::Both);
    phone.mac = Some(mac.to_string());
    let mut server = Replay {
        log,
        at: 0,
        diverged: false,
        next: None,
        then,
    };
    phone.boot(1, &id, &mut server);
    if server.diverged || server.at < log.len() {
        return None;
    }
    Some(server)
}

/// Whether the boot, answered as the `expected` load's next stage says, has that load ask for
/// other files on the phone model than every other candidate before any image of the stage is
/// served (each image refused, a `.loads` served): the requests then tell it from the loads it
/// may have left, so that its stage may lead without costing a boot to show it.
pub(super) fn told_apart(
    mac: &str,
    log: &[Logged],
    expected: &str,
    candidates: &[String],
    stage: &Proposal,
) -> bool {
    let d = stage.directive();
    let asks = |load: &str| predict(load, mac, log, &d, &d);
    let own = asks(expected);
    own.is_some()
        && candidates
            .iter()
            .filter(|c| *c != expected)
            .all(|c| asks(c) != own)
}

/// Whether answering the next managed file as `this` says (and the rest of the boot as `that`)
/// parts the candidates, by the files each would then ask for on the phone model, into groups
/// whose largest is smaller than answering all as `that` says, without losing a candidate on its
/// target that `that` alone tells from the rest (a phone there is done once it shows itself).
/// It chooses only what a boot asks: no image is served that serve's image rule would refuse.
pub(super) fn parts_better(
    mac: &str,
    log: &[Logged],
    proposals: &[(String, Proposal)],
    this: &Directive,
    that: &Directive,
) -> bool {
    let groups = |first: &Directive| {
        let keys: Vec<Option<Vec<String>>> = proposals
            .iter()
            .map(|(c, _)| predict(c, mac, log, first, that))
            .collect();
        keys.iter()
            .map(|k| keys.iter().filter(|x| *x == k).count())
            .collect::<Vec<usize>>()
    };
    let (with_this, with_that) = (groups(this), groups(that));
    let done_kept = proposals
        .iter()
        .zip(with_this.iter().zip(&with_that))
        .all(|((_, p), (a, b))| !matches!(p, Proposal::Done { .. }) || *b > 1 || *a == 1);
    let largest = |sizes: &[usize]| sizes.iter().copied().max().unwrap_or(0);
    done_kept && largest(&with_this) < largest(&with_that)
}
