//! A Java-based phone (7906 to 7975) on the in-memory bench: the family's phone model
//! ([`crate::phone::boot::java`]) booting against the registry, each file it asks for a request
//! answered at once, as [`Bench::power_cycle`] boots a 7940/7960.
//!
//! May use: what [`crate::wire::serve::memory`] may.

use core::net::SocketAddr;

use crate::knowledge::family::{JavaLoad, JavaModel};
use crate::phone::boot::java::{JavaBoot, JavaPhone, JavaResult};
use crate::wire::serve::events::State;
use crate::wire::serve::memory::{Bench, Memory, Wire, REBOOT_MS};
use crate::wire::serve::registry::Client;

/// A Java-based phone on the bench.
#[derive(Debug, Clone)]
pub struct JavaHandset {
    pub mac: String,
    pub address: SocketAddr,
    pub model: JavaModel,
    /// The load it really runs.
    pub running: JavaLoad,
}

impl JavaHandset {
    /// A `model` (`7961`) phone running `running`, at `address`.
    pub fn new(mac: &str, address: SocketAddr, model: &str, running: &str) -> JavaHandset {
        JavaHandset {
            mac: mac.to_string(),
            address,
            model: JavaModel::find(model).expect("a Java-based model"),
            running: JavaLoad::parse(running).expect("a Java-based load"),
        }
    }
}

impl Bench<'_> {
    /// Boots `handset` once through the registry, its MAC known from the leases; then it
    /// reboots (or stays quiet) for [`REBOOT_MS`], and time passes.
    pub fn power_cycle_java(&mut self, handset: &mut JavaHandset, number: usize) -> JavaBoot {
        let phone = JavaPhone {
            model: handset.model,
            mac: handset.mac.clone(),
        };
        let client = Client {
            lease: Some(handset.mac.clone()),
            ..Client::at(handset.address)
        };
        let boot = phone.boot(
            number,
            &handset.running,
            &mut Wire {
                bench: self,
                client,
            },
        );
        if let JavaResult::Took(load) = &boot.result {
            handset.running = JavaLoad::parse(load).expect("a load the phone took");
        }
        self.advance(REBOOT_MS);
        self.tick();
        boot
    }
}

/// A stand-in package of `load` (`SCCP41.8-5-2S`), no Cisco file: its `.loads` listing five
/// stand-in components in manifest order, and the components.
pub fn stand_in_package(load: &str) -> Vec<(String, Vec<u8>)> {
    let id = JavaLoad::parse(load).expect("a Java-based load");
    let family = id.family();
    let proto = id.protocol().label().to_ascii_lowercase();
    let version = load.split_once('.').map(|(_, v)| v).unwrap_or(load);
    let components = [
        format!("jar{family}{proto}.{version}.sbn"),
        format!("cnu{family}.{version}.sbn"),
        format!("apps{family}.{version}.sbn"),
        format!("dsp{family}.{version}.sbn"),
        format!("cvm{family}{proto}.{version}.sbn"),
    ];
    let manifest = format!("{load}.loads\r\n{}\r\n", components.join("\r\n"));
    let mut files = vec![(format!("{load}.loads"), manifest.into_bytes())];
    for c in components {
        let bytes = format!("phoneup stand-in for {c}, not a Cisco image\n").repeat(16);
        files.push((c, bytes.into_bytes()));
    }
    files
}

impl Memory {
    /// Puts [`stand_in_package`] of `load` in the directory.
    pub fn insert_family_package(&mut self, load: &str) {
        for (name, bytes) in stand_in_package(load) {
            self.insert(&name, bytes);
        }
    }
}

/// A walk of one Java-based phone: the loads it ran and the power cycles until its target.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JavaWalk {
    pub loads: Vec<String>,
    pub boots: Option<usize>,
    pub done_after: Option<usize>,
}

impl Bench<'_> {
    /// Power-cycles `handset` (at most `max` times) until it runs `target` and serve says it is
    /// done, and once more: it must stay there.
    pub fn walk_java(&mut self, handset: &mut JavaHandset, target: &str, max: usize) -> JavaWalk {
        let mut walk = JavaWalk {
            loads: vec![handset.running.name().to_string()],
            ..JavaWalk::default()
        };
        for cycles in 0..max {
            if handset.running.name() == target {
                walk.boots.get_or_insert(cycles);
            }
            if self.registry.phones.get(&handset.mac).map(|p| p.state) == Some(State::Done) {
                if walk.done_after.is_some() {
                    break;
                }
                walk.done_after = Some(cycles);
            }
            let before = handset.running.name().to_string();
            self.power_cycle_java(handset, cycles + 1);
            if handset.running.name() != before {
                walk.loads.push(handset.running.name().to_string());
            }
        }
        walk
    }
}
