//! A Java-based phone (7906 to 7975) on the in-memory bench: the family's phone model
//! ([`crate::phone::boot::java`]) booting against the registry, each file it asks for a request
//! answered at once, as [`Bench::power_cycle`] boots a 7940/7960.
//!
//! May use: what [`crate::wire::serve::memory`] may.

use core::net::SocketAddr;

use crate::knowledge::family::{JavaLoad, JavaModel};
use crate::phone::boot::java::{JavaBoot, JavaPhone, JavaResult};
use crate::wire::serve::memory::{Bench, Wire, REBOOT_MS};
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
