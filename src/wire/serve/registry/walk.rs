//! The answer to a request of a managed 7906 to 7975 that serve walks by its family's stages
//! ([`crate::wire::serve::family_walk`]), and what its boots show: a stage fetched, its target
//! reached, a stage that did not take, a phone serve cannot place.
//!
//! May use: what [`crate::wire::serve::registry`] may.

use core::net::SocketAddr;

use crate::knowledge::firmware::is_image;
use crate::wire::serve::answers::{self, Managed};
use crate::wire::serve::directory::{Directory, Opened};
use crate::wire::serve::events::{Event, Kind, State};
use crate::wire::serve::family_walk::{self, Asked, Ended, Reply};
use crate::wire::serve::phones::{Phone, StageRecord};
use crate::wire::serve::registry::{Registry, Serve, HELD_BACK, HELD_UNPLACED};

impl<D: Directory> Registry<'_, D> {
    /// The answer to one request of a walked 7906 to 7975.
    pub(super) fn decide_family(
        &mut self,
        phone: &mut Phone,
        from: SocketAddr,
        mac: &str,
        requested: &str,
        name: &str,
    ) -> Serve<D::File> {
        let Some(mut walk) = phone.family.take() else {
            return self.as_in_dir(requested).0;
        };
        if walk.starts_boot(name, mac) {
            let ended = walk.end_boot(mac);
            self.family_ended(phone, &walk, from, ended);
        }
        let serve = if phone.state == State::Failed {
            self.held(requested, name, Managed::of(name, mac))
        } else {
            self.family_answer(phone, &mut walk, from, mac, requested, name)
        };
        phone.family = Some(walk);
        serve
    }

    fn family_answer(
        &mut self,
        phone: &mut Phone,
        walk: &mut family_walk::FamilyWalk,
        from: SocketAddr,
        mac: &str,
        requested: &str,
        name: &str,
    ) -> Serve<D::File> {
        let matrix = self.knowledge.matrix;
        let (serve, asked) = match walk.request(matrix, mac, name) {
            Reply::Lost => {
                let why = format!(
                    "serve cannot place it: no load it may run ({}) asks for {name} here; {}",
                    walk.candidates.join(", "),
                    line_to_check(mac)
                );
                self.fail(phone, from, why);
                return self.held(requested, name, Managed::of(name, mac));
            }
            Reply::Config(load) => {
                if let Opened::Refused { why } = self.dir.open(name, false) {
                    return Serve::Refused(why);
                }
                let user = answers::user_text(&self.dir, name);
                match user.and_then(|user| family_walk::render(name, &load, &walk.model, user)) {
                    Ok(Some(bytes)) => {
                        let text = String::from_utf8_lossy(&bytes).into_owned();
                        (Serve::Bytes(bytes), asked(name, true, Some(text)))
                    }
                    Ok(None) => (Serve::NotFound, asked(name, false, None)),
                    Err(why) => {
                        self.not_rendered(mac, from, name, &why);
                        (Serve::NotFound, asked(name, false, None))
                    }
                }
            }
            Reply::Hold(why) => {
                self.note = Some(format!("held back: {why}"));
                let message = held_message(walk.candidates.len(), name);
                (Serve::HeldBack(message), asked(name, false, None))
            }
            Reply::FromDir => {
                let (serve, logged) = self.as_in_dir(requested);
                let text = logged.text.filter(|_| name.ends_with(".loads"));
                (serve, asked(name, logged.found, text))
            }
        };
        walk.log(asked);
        serve
    }

    /// A component reached a walked 7906 to 7975 whole: with the whole stage fetched, it writes
    /// the load and reboots.
    pub(super) fn family_sent(&mut self, phone: &mut Phone) {
        let Some(walk) = &phone.family else { return };
        if walk.fetched(&phone.placement.sent) {
            phone.state = State::Rebooting;
        }
    }

    /// Its boot ended while it was quiet.
    pub(super) fn family_quiet(&mut self, phone: &mut Phone) {
        let Some(mut walk) = phone.family.take() else {
            return;
        };
        let ended = walk.end_boot(&phone.mac);
        let from = phone
            .address
            .as_ref()
            .and_then(|a| a.parse::<SocketAddr>().ok())
            .unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], 0)));
        self.family_ended(phone, &walk, from, ended);
        phone.family = Some(walk);
    }

    fn family_ended(
        &mut self,
        phone: &mut Phone,
        walk: &family_walk::FamilyWalk,
        from: SocketAddr,
        ended: Ended,
    ) {
        phone.placement.sent.clear();
        match ended {
            Ended::Nothing => {}
            Ended::Flashed {
                from: left,
                to,
                rule,
            } => {
                phone.history.push(StageRecord {
                    from: left.join(" or "),
                    to: to.clone(),
                    rule,
                    time_ms: self.now.wall_ms,
                });
                let mut event = Event::new(Kind::StageDone, Some(&phone.mac), from, true);
                match left.as_slice() {
                    [one] => event.load = Some(one.clone()),
                    _ => {
                        event.why = Some(format!(
                            "serve had not told its load apart ({}): the step is safe from each",
                            left.join(", ")
                        ))
                    }
                }
                event.to = Some(to);
                event.stage = Some(phone.history.len());
                event.stages = Some(walk.loads.len() - 1);
                phone.stages = event.stages;
                // A phone gone quiet after its stage is writing it: hands off (`rebooting`)
                // until it asks again, as a 7940/7960.
                self.emit(event);
            }
            Ended::Done => {
                if let [one] = walk.candidates.as_slice() {
                    if phone.placed_reported.as_deref() != Some(one) {
                        phone.placed_reported = Some(one.clone());
                        let mut event = Event::new(Kind::Placed, Some(&phone.mac), from, true);
                        event.load = Some(one.clone());
                        event.to = Some(phone.target.clone());
                        self.emit(event);
                    }
                }
                self.mark_done(phone);
            }
            Ended::DidNotTake { expected, running } => {
                let why = format!(
                    "the stage did not take: it should have come back on {expected}, but its requests show {} (it came back on the load it left); serve holds it",
                    running.join(", ")
                );
                self.fail(phone, from, why);
            }
            Ended::Fruitless => {
                let why = format!(
                    "serve cannot place it: after {} boots its requests still fit {}; {}",
                    family_walk::MAX_FRUITLESS,
                    walk.candidates.join(", "),
                    line_to_check(&phone.mac)
                );
                self.fail(phone, from, why);
            }
        }
    }
}

/// What a walked phone serve cannot place asks of the person: its phones-file line already names
/// a model and a load (serve walks a 7906 to 7975 only then), so one of them is wrong.
fn line_to_check(mac: &str) -> String {
    format!("the phones file's from= or model= for it does not fit the phone: read its load off the phone (Settings > Model Information), correct the line, run phoneup serve --forget {mac} (with the same --state) and start serve again")
}

/// The TFTP error text of a file held back from a walked phone: an image waits for its stage;
/// any other file waits while serve does not know which of `possible` loads the phone runs.
fn held_message(possible: usize, name: &str) -> &'static str {
    if possible > 1 && !is_image(name) {
        HELD_UNPLACED
    } else {
        HELD_BACK
    }
}

fn asked(name: &str, found: bool, text: Option<String>) -> Asked {
    Asked {
        name: name.to_string(),
        found,
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_image_waits_for_its_stage_and_another_file_for_serve_to_know_the_load() {
        let (image, manifest) = ("jar41sccp.8-5-2S.sbn", "SCCP41.8-5-2S.loads");
        assert_eq!(held_message(2, manifest), HELD_UNPLACED);
        assert_eq!(held_message(2, image), HELD_BACK);
        assert_eq!(held_message(1, manifest), HELD_BACK);
        assert_eq!(held_message(1, image), HELD_BACK);
        assert_eq!(held_message(0, manifest), HELD_BACK);
    }
}
