//! Arguments more than one subcommand takes: the route of a plan and the simulated phone, the
//! value parsers that complete a load ID or say a number's range in words, and the command
//! line's names for the domain's choices (`--model`, `--prefer`, `--server-answers`): mirrors
//! of [`Model`], [`Prefer`] and [`ServerBehaviour`], which know nothing of clap.

use std::ffi::OsStr;
use std::path::PathBuf;
use std::sync::OnceLock;

use clap::builder::{PossibleValue, StringValueParser, TypedValueParser};

use crate::error::{Error, Input};
use crate::files::mac::{Mac, MacError};
use crate::knowledge::family::{JavaLoad, JavaModel};
use crate::knowledge::graph::Prefer;
use crate::knowledge::matrix::Matrix;
use crate::knowledge::phones::Model;
use crate::knowledge::Builtin;
use crate::phone::{Phone, ServerBehaviour};
use crate::plan::Request;

/// A load as the user typed it (the catalogue reads it later, with help when it does not fit),
/// completed by the shells from the built-in catalogue's load IDs. `--help` does not list them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LoadValue;

/// The load IDs of the built-in catalogue, as completion candidates (made once, when a shell's
/// script or an error asks for them: never while parsing).
fn catalogue_ids() -> &'static [&'static str] {
    static IDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    IDS.get_or_init(|| {
        let names: Vec<String> = Matrix::builtin()
            .map(|matrix| matrix.loads.iter().map(|l| l.name().to_string()).collect())
            .unwrap_or_default();
        names
            .into_iter()
            .map(|name| &*Box::leak(name.into_boxed_str()))
            .collect()
    })
}

impl TypedValueParser for LoadValue {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            catalogue_ids().iter().map(|id| PossibleValue::new(*id)),
        ))
    }
}

/// A whole number from `min` to `max`, said in words when it is not ("must be 1 to 100").
pub(crate) fn number_from_to<T>(
    min: u64,
    max: u64,
) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static
where
    T: TryFrom<u64>,
{
    move |text: &str| {
        let out_of_range = || match (min, max) {
            (0, u64::MAX) => "must be a whole number".to_string(),
            (_, u64::MAX) => format!("must be a whole number, {min} or more"),
            _ => format!("must be a whole number from {min} to {max}"),
        };
        let n: u64 = text.trim().parse().map_err(|_| out_of_range())?;
        if n < min || n > max {
            return Err(out_of_range());
        }
        T::try_from(n).map_err(|_| out_of_range())
    }
}

/// The route a plan takes, shared by `plan` and `apply`.
#[derive(Debug, clap::Args)]
pub(crate) struct RouteArgs {
    /// The App Load ID the phone shows (at the start of the plan)
    #[arg(long, value_name = "LOAD", value_parser = LoadValue, hide_possible_values = true)]
    from: String,
    /// The load you want it to run at the end
    #[arg(long, value_name = "LOAD", value_parser = LoadValue, hide_possible_values = true)]
    to: String,
    /// Go through this load on the way (repeatable, in order)
    #[arg(long, value_name = "LOAD", value_parser = LoadValue, hide_possible_values = true)]
    via: Vec<String>,
    /// Never pass through this load (repeatable)
    #[arg(long, value_name = "LOAD", value_parser = LoadValue, hide_possible_values = true)]
    avoid: Vec<String>,
    /// Choose the route for safety (the fewest risky events: reboots, protocol conversions, loader
    /// hunts, steps below high confidence) or for the fewest reboots
    #[arg(long, value_enum, default_value_t)]
    prefer: PreferArg,
}

/// `--model` of `plan` and `check`: the 7940/7960 values, or one of the Java-based phones,
/// whose plans come from the matrix's `families` section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub(crate) enum ModelChoice {
    /// Both the 7940 and the 7960 (the files name each); for a 7906-7975 load, every model of
    /// its family
    #[default]
    #[value(name = "both")]
    Both,
    #[value(name = "7940")]
    M7940,
    #[value(name = "7960")]
    M7960,
    /// 7906G (the 7906/7911 family, loads SCCP11/SIP11)
    #[value(name = "7906")]
    M7906,
    #[value(name = "7911")]
    M7911,
    /// 7941G (the 7941/7961 family, loads SCCP41/SIP41)
    #[value(name = "7941")]
    M7941,
    #[value(name = "7941ge", alias = "7941G-GE")]
    M7941Ge,
    #[value(name = "7961")]
    M7961,
    #[value(name = "7961ge", alias = "7961G-GE")]
    M7961Ge,
    /// 7942G (the 7942/7962 family, loads SCCP42/SIP42)
    #[value(name = "7942")]
    M7942,
    #[value(name = "7962")]
    M7962,
    /// 7945G (the 7945/7965 family, loads SCCP45/SIP45)
    #[value(name = "7945")]
    M7945,
    #[value(name = "7965")]
    M7965,
    /// 7970G (the 7970/7971 family, loads SCCP70/SIP70)
    #[value(name = "7970")]
    M7970,
    #[value(name = "7971")]
    M7971,
    /// 7975G (loads SCCP75/SIP75)
    #[value(name = "7975")]
    M7975,
}

/// Which phones a `plan` or `check` is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phones {
    /// A 7940 and/or 7960; `named` when `--model` said so.
    Classic { model: Model, named: bool },
    /// One Java-based model.
    Java(JavaModel),
}

impl ModelChoice {
    pub(crate) fn phones(self) -> Phones {
        let classic = |model, named| Phones::Classic { model, named };
        match self {
            ModelChoice::Both => classic(Model::Both, false),
            ModelChoice::M7940 => classic(Model::M7940, true),
            ModelChoice::M7960 => classic(Model::M7960, true),
            java => Phones::Java(java_model(&java).expect("every other value names a model")),
        }
    }
}

/// The Java-based model a `--model` value names, by the value's own name (`7961`, `7961ge`).
pub(crate) fn java_model(value: &impl clap::ValueEnum) -> Option<JavaModel> {
    JavaModel::find(value.to_possible_value()?.get_name())
}

/// Where a plan or check goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    /// The 7940/7960 matrix, for these phones.
    Classic(Model),
    /// The Java-based phones' matrix, for one model or (`None`) the family the load implies.
    Java(Option<JavaModel>),
}

/// Whether a plan or check goes to the Java-based phones' matrix: `--model` names one of them,
/// or (with no model named) a load ID is one of theirs. A 7940/7960 named with a Java-based
/// load is an input error that says which phone the load is for.
pub(crate) fn route(phones: Phones, loads: &[&str]) -> Result<Route, Error> {
    let java_load = loads.iter().find_map(|name| JavaLoad::parse(name));
    match phones {
        Phones::Java(model) => Ok(Route::Java(Some(model))),
        Phones::Classic { model, named: false } => Ok(match java_load {
            Some(_) => Route::Java(None),
            None => Route::Classic(model),
        }),
        Phones::Classic { model, named: true } => match java_load {
            None => Ok(Route::Classic(model)),
            Some(load) => Err(Error::Usage {
                message: format!(
                    "`{load}` is a {} load, and --model {model} names a 7940/7960: give --model for the phone you have (such as --model {}), or leave it out",
                    load.models(),
                    JavaModel::family_models(load.family()).split('/').next().unwrap_or_default()
                ),
            }),
        },
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
    /// The loads named, for a Java-based phone's plan: `--from`, `--to`, and whether `--via`
    /// or `--avoid` was given (a family plan takes neither yet).
    pub(crate) fn ends(&self) -> (&str, &str, bool) {
        (
            &self.from,
            &self.to,
            !self.via.is_empty() || !self.avoid.is_empty(),
        )
    }

    pub(crate) fn request(self, model: Model, tftp_root: Option<PathBuf>) -> Request {
        Request {
            from: self.from,
            to: self.to,
            via: self.via,
            avoid: self.avoid,
            model,
            tftp_root,
            prefer: self.prefer.into(),
        }
    }
}

/// How the simulated phone and the modelled server behave.
#[derive(Debug, clap::Args)]
pub(crate) struct PhoneArgs {
    /// The phone's MAC address, for its per-phone files (SEP<MAC>.cnf.xml, SIP<MAC>.cnf)
    #[arg(long, value_name = "MAC")]
    mac: Option<String>,
    /// How many reboots to simulate at most, 1 to 100 [default: 6]
    #[arg(long, value_name = "N", value_parser = number_from_to::<u16>(1, 100))]
    boots: Option<u16>,
    /// How the modelled TFTP server answers a file it does not have
    #[arg(long, value_enum, value_name = "ANSWER")]
    server_answers: Option<ServerAnswers>,
}

/// `--server-answers`: how the modelled server answers a request for a file it does not have,
/// as the command line spells [`ServerBehaviour`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ServerAnswers {
    /// TFTP error 1, File not found, as tftpd-hpa, atftpd and dnsmasq answer (the default)
    FileNotFound,
    /// Any other answer: the phone asks again for its trust list, and loops (the CTLSEP loop)
    WrongError,
}

impl From<ServerAnswers> for ServerBehaviour {
    fn from(answers: ServerAnswers) -> ServerBehaviour {
        match answers {
            ServerAnswers::FileNotFound => ServerBehaviour::FileNotFound,
            ServerAnswers::WrongError => ServerBehaviour::WrongError,
        }
    }
}

impl ServerAnswers {
    fn word(self) -> &'static str {
        match self {
            ServerAnswers::FileNotFound => "file-not-found",
            ServerAnswers::WrongError => "wrong-error",
        }
    }
}

/// `--server`: a real server's address, or (its older meaning, still read) how the modelled
/// server answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ServerArg {
    Model(ServerAnswers),
    Address(String),
}

/// Reads `--server`: `file-not-found` and `wrong-error` are the model's answers (now
/// `--server-answers`), anything else an address.
pub(crate) fn server_arg(text: &str) -> Result<ServerArg, String> {
    Ok(match text {
        "file-not-found" => ServerArg::Model(ServerAnswers::FileNotFound),
        "wrong-error" => ServerArg::Model(ServerAnswers::WrongError),
        "" => return Err("give the server as HOST or HOST:PORT".into()),
        address => ServerArg::Address(address.to_string()),
    })
}

/// The simulated phone, the address of the real server it boots from (if `--server` names one),
/// and a note when `--server` was given the model's answer (its older meaning).
pub(crate) struct Booting<'a> {
    pub phone: Phone,
    pub address: Option<&'a str>,
    pub note: Option<String>,
}

impl PhoneArgs {
    /// How many reboots to simulate at most: `--boots`, or 6.
    pub(crate) fn boots(&self) -> usize {
        usize::from(self.boots.unwrap_or(6))
    }

    /// The options that only a simulated boot uses (`--mac`, `--boots`, `--server-answers`,
    /// `--server`), as given on the command line, if any was.
    pub(crate) fn boot_options_given(&self, server: Option<&ServerArg>) -> Option<String> {
        let mut given = Vec::new();
        if let Some(mac) = &self.mac {
            given.push(format!("--mac {mac}"));
        }
        if let Some(boots) = self.boots {
            given.push(format!("--boots {boots}"));
        }
        if let Some(answers) = self.server_answers {
            given.push(format!("--server-answers {}", answers.word()));
        }
        match server {
            Some(ServerArg::Model(answers)) => given.push(format!("--server {}", answers.word())),
            Some(ServerArg::Address(address)) => given.push(format!("--server {address}")),
            None => {}
        }
        (!given.is_empty()).then(|| given.join(" "))
    }

    /// The phone, and the real server it boots from when `server` names one.
    pub(crate) fn booting<'a>(
        &self,
        model: Model,
        server: Option<&'a ServerArg>,
    ) -> Result<Booting<'a>, Error> {
        let (answers, address, note) = match (server, self.server_answers) {
            (Some(ServerArg::Model(old)), Some(new)) if *old != new => {
                return Err(Error::Usage {
                    message: format!(
                        "--server {} and --server-answers {} disagree: give --server-answers alone",
                        old.word(),
                        new.word()
                    ),
                })
            }
            (Some(ServerArg::Model(old)), _) => (
                Some(*old),
                None,
                Some(format!(
                    "--server {0} is read as --server-answers {0}, its name now: --server names a real server (HOST[:PORT]).",
                    old.word()
                )),
            ),
            (Some(ServerArg::Address(address)), answers) => (answers, Some(address.as_str()), None),
            (None, answers) => (answers, None, None),
        };
        if let (Some(address), Some(answers)) = (address, answers) {
            return Err(Error::Usage {
                message: format!(
                    "--server-answers {} models a server; --server {address} is a real one, which answers as it does: give one of them",
                    answers.word()
                ),
            });
        }
        let phone = Phone {
            model,
            mac: mac(&self.mac)?.map(|mac| mac.to_string()),
            server: answers.map_or(ServerBehaviour::FileNotFound, ServerBehaviour::from),
            ..Phone::new(model)
        };
        Ok(Booting {
            phone,
            address,
            note,
        })
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
