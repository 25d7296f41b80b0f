//! Arguments more than one subcommand takes: the route of a plan and the simulated phone, and
//! the command line's names for the domain's choices (`--model`, `--prefer`): mirrors of
//! [`Model`] and [`Prefer`], which know nothing of clap.

use std::path::PathBuf;

use crate::error::{Error, Input};
use crate::files::mac::{Mac, MacError};
use crate::knowledge::graph::Prefer;
use crate::knowledge::phones::Model;
use crate::phone::{Phone, ServerBehaviour};
use crate::plan::Request;

/// The route a plan takes, shared by `plan` and `apply`.
#[derive(Debug, clap::Args)]
pub(crate) struct RouteArgs {
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
    /// Which phones: the files' loadInformation entries address them
    #[arg(long, value_enum, default_value_t)]
    model: ModelArg,
    /// Choose the route for safety (the fewest risky events: reboots, protocol conversions, loader
    /// hunts, steps below high confidence) or for the fewest reboots
    #[arg(long, value_enum, default_value_t)]
    prefer: PreferArg,
}

/// `--model`: which phones, as the command line spells [`Model`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ModelArg {
    /// Both the 7940 and the 7960 (the files name each).
    #[default]
    #[value(name = "both")]
    Both,
    #[value(name = "7940")]
    M7940,
    #[value(name = "7960")]
    M7960,
}

impl From<ModelArg> for Model {
    fn from(model: ModelArg) -> Model {
        match model {
            ModelArg::Both => Model::Both,
            ModelArg::M7940 => Model::M7940,
            ModelArg::M7960 => Model::M7960,
        }
    }
}

/// `--prefer`: what a route is chosen for first, as the command line spells [`Prefer`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum PreferArg {
    /// The route with the fewest risky events (reboots, protocol conversions, loader hunts,
    /// steps below high confidence), then the most confident steps.
    #[default]
    Safety,
    /// The fewest reboots, then the fewest risky events (medium steps are taken when they save
    /// a reboot).
    Reboots,
}

impl From<PreferArg> for Prefer {
    fn from(prefer: PreferArg) -> Prefer {
        match prefer {
            PreferArg::Safety => Prefer::Safety,
            PreferArg::Reboots => Prefer::Reboots,
        }
    }
}

impl RouteArgs {
    pub(crate) fn request(self, tftp_root: Option<PathBuf>) -> Request {
        Request {
            from: self.from,
            to: self.to,
            via: self.via,
            avoid: self.avoid,
            model: self.model.into(),
            tftp_root,
            prefer: self.prefer.into(),
        }
    }
}

/// How the simulated phone and server behave.
#[derive(Debug, clap::Args)]
pub(crate) struct PhoneArgs {
    /// The phone's MAC address, for its per-phone files (SEP<MAC>.cnf.xml, SIP<MAC>.cnf)
    #[arg(long, value_name = "MAC")]
    mac: Option<String>,
    /// How many reboots to simulate at most [default: 6]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=100))]
    boots: Option<u16>,
    /// The TFTP server: a model answering missing files with file-not-found (the default) or
    /// wrong-error, or (simulate only) a real server at HOST[:PORT]
    #[arg(long, value_name = "file-not-found|wrong-error|HOST[:PORT]", value_parser = server_arg)]
    server: Option<ServerArg>,
}

/// `--server`: how the model's server answers, or a real server's address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ServerArg {
    Model(ServerBehaviour),
    Address(String),
}

fn server_arg(text: &str) -> Result<ServerArg, String> {
    Ok(match text {
        "file-not-found" => ServerArg::Model(ServerBehaviour::FileNotFound),
        "wrong-error" => ServerArg::Model(ServerBehaviour::WrongError),
        "" => return Err("give file-not-found, wrong-error or HOST[:PORT]".into()),
        address => ServerArg::Address(address.to_string()),
    })
}

impl PhoneArgs {
    /// How many reboots to simulate at most: `--boots`, or 6.
    pub(crate) fn boots(&self) -> usize {
        usize::from(self.boots.unwrap_or(6))
    }

    /// The options that only a simulated boot uses (`--mac`, `--boots`, `--server`), as given
    /// on the command line, if any was.
    pub(crate) fn boot_options_given(&self) -> Option<String> {
        let mut given = Vec::new();
        if let Some(mac) = &self.mac {
            given.push(format!("--mac {mac}"));
        }
        if let Some(boots) = self.boots {
            given.push(format!("--boots {boots}"));
        }
        if let Some(server) = self.server_given() {
            given.push(format!("--server {server}"));
        }
        (!given.is_empty()).then(|| given.join(" "))
    }

    /// `--server` as given on the command line, if it was.
    fn server_given(&self) -> Option<String> {
        self.server.as_ref().map(|server| match server {
            ServerArg::Model(ServerBehaviour::FileNotFound) => "file-not-found".into(),
            ServerArg::Model(ServerBehaviour::WrongError) => "wrong-error".into(),
            ServerArg::Address(address) => address.clone(),
        })
    }

    /// The phone, for a server in memory.
    pub(crate) fn phone(&self, model: Model) -> Result<Phone, Error> {
        match self.phone_and_address(model)? {
            (phone, None) => Ok(phone),
            (_, Some(address)) => Err(Error::Usage {
                message: format!(
                    "--server {address}: only `phoneup simulate` boots over the wire; here --server is file-not-found or wrong-error"
                ),
            }),
        }
    }

    /// The phone, and the address of the real server it boots from, if `--server` names one.
    pub(crate) fn phone_and_address(&self, model: Model) -> Result<(Phone, Option<&str>), Error> {
        let (server, address) = match &self.server {
            None => (ServerBehaviour::FileNotFound, None),
            Some(ServerArg::Model(behaviour)) => (*behaviour, None),
            Some(ServerArg::Address(address)) => {
                (ServerBehaviour::FileNotFound, Some(address.as_str()))
            }
        };
        let phone = Phone {
            model,
            mac: mac(&self.mac)?.map(|mac| mac.to_string()),
            server,
            ..Phone::new(model)
        };
        Ok((phone, address))
    }
}

/// The flag that gives each input a command takes: how an error about it names it.
pub(crate) fn flag(input: Input) -> &'static str {
    match input {
        Input::From => "--from",
        Input::To => "--to",
        Input::Via => "--via",
        Input::Avoid => "--avoid",
        Input::Name => "",
        Input::Named(name) => name,
    }
}

/// `--mac`, if given. Parsed here rather than by clap, whose message would show the text as
/// typed, line breaks and all.
pub(crate) fn mac(value: &Option<String>) -> Result<Option<Mac>, Error> {
    value
        .as_deref()
        .map(|text| {
            text.parse().map_err(|e: MacError| Error::BadMac {
                flag: "--mac",
                why: e.to_string(),
            })
        })
        .transpose()
}
