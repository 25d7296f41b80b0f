//! Arguments more than one subcommand takes: the route of a plan and the simulated phone.

use std::path::PathBuf;

use crate::error::Error;
use crate::files::per_phone;
use crate::knowledge::graph::Prefer;
use crate::knowledge::phones::Model;
use crate::phone::{Phone, ServerBehaviour};
use crate::plan::Request;

/// The route a plan takes, shared by `plan` and `apply`.
#[derive(Debug, clap::Args)]
pub struct RouteArgs {
    /// The App Load ID the phone shows (at the start of the plan)
    #[arg(long, value_name = "LOAD")]
    from: String,
    /// The load you want it to run at the end
    #[arg(long, value_name = "LOAD")]
    to: String,
    /// Go through this load on the way (repeatable, in order)
    #[arg(long, value_name = "LOAD")]
    via: Vec<String>,
    /// Never pass through this load (repeatable)
    #[arg(long, value_name = "LOAD")]
    avoid: Vec<String>,
    /// Which phones the loadInformation entries address
    #[arg(long, value_enum, default_value_t)]
    model: Model,
    /// Choose the route for safety (the weakest step's confidence first) or for the fewest reboots
    #[arg(long, value_enum, default_value_t)]
    prefer: Prefer,
}

impl RouteArgs {
    pub fn request(self, tftp_root: Option<PathBuf>) -> Request {
        Request {
            from: self.from,
            to: self.to,
            via: self.via,
            avoid: self.avoid,
            model: self.model,
            tftp_root,
            prefer: self.prefer,
        }
    }
}

/// How the simulated phone and server behave.
#[derive(Debug, clap::Args)]
pub struct PhoneArgs {
    /// The phone's MAC address, for its per-phone files (SEP<MAC>.cnf.xml, SIP<MAC>.cnf)
    #[arg(long, value_name = "MAC")]
    mac: Option<String>,
    /// How many reboots to simulate at most
    #[arg(long, value_name = "N", default_value_t = 6, value_parser = clap::value_parser!(u16).range(1..=100))]
    pub boots: u16,
    /// How the TFTP server answers requests for missing files
    #[arg(long, value_enum, default_value_t)]
    server: ServerBehaviour,
}

impl PhoneArgs {
    pub fn phone(&self, model: Model) -> Result<Phone, Error> {
        Ok(Phone {
            model,
            mac: mac(&self.mac)?,
            server: self.server,
        })
    }
}

/// `--mac`, as the phone spells it (upper case), if given.
pub fn mac(value: &Option<String>) -> Result<Option<String>, Error> {
    value
        .as_deref()
        .map(|v| per_phone::parse_mac(v, "--mac"))
        .transpose()
}
