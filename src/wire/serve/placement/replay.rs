//! A boot's log replayed on the phone model: which loads ask for exactly the files a phone
//! asked for, in that order, against the answers serve gave.
//!
//! May use: what [`crate::wire::serve::placement`] may.

use serde::{Deserialize, Serialize};

use crate::knowledge::load_id::LoadId;
use crate::phone::{Answer, Phone, Server};

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

/// The phone model reading a boot's log: the logged answers in order, then nothing.
struct Replay<'a> {
    log: &'a [Logged],
    at: usize,
    diverged: bool,
    next: Option<String>,
}

impl Server for Replay<'_> {
    fn read(&mut self, name: &str) -> Answer {
        if self.diverged || self.next.is_some() {
            return Answer::NoAnswer { why: "end".into() };
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
    let id = LoadId::parse(load).ok()?;
    let mut phone = Phone::new(crate::knowledge::phones::Model::Both);
    phone.mac = Some(mac.to_string());
    let mut server = Replay {
        log,
        at: 0,
        diverged: false,
        next: None,
    };
    phone.boot(1, &id, &mut server);
    if server.diverged || server.at < log.len() {
        return None;
    }
    Some(server.next)
}
