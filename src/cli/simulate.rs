//! `phoneup simulate --from LOAD --tftp-root DIR` and, over the wire,
//! `phoneup simulate --from LOAD --server HOST[:PORT] [--bind ADDR]`

use std::path::PathBuf;

use clap::ValueHint;

use crate::cli::answer::{render, Answer, Context};
use crate::cli::args::{
    java_model, number_from_to, server_arg, LoadValue, ModelChoice, PhoneArgs, ServerArg,
};
use crate::cli::check::note;
use crate::commands::simulate::{suggest, BootedFrom};
use crate::commands::Report;
use crate::error::{Error, Input};
use crate::knowledge::catalogue;
use crate::knowledge::family::{JavaLoad, JavaModel, MODELS};
use crate::knowledge::phones::Model;
use crate::output::Format;
use crate::phone::boot::java::JavaPhone;
use crate::phone::server::Server as _;
use crate::phone::RootServer;
use crate::phone::{BootResult, Ending, Simulation};
use crate::plan::check;
use crate::plan::family;
use crate::tftp_root::TftpRoot;
use crate::wire::client::{parse_bind, resolve, Client};
use crate::wire::probe::{server_fix, DEFAULT_MAC};
use crate::wire::remote::Remote;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The App Load ID the phone shows now
    #[arg(long, value_name = "LOAD", value_parser = LoadValue, hide_possible_values = true)]
    from: String,
    /// The directory your TFTP server serves (read from memory; not with --server HOST)
    #[arg(long, value_name = "DIR", alias = "root", value_hint = ValueHint::DirPath)]
    tftp_root: Option<PathBuf>,
    /// Boot the phone model from this real TFTP server, over the wire (port 69 unless given)
    #[arg(long, value_name = "HOST[:PORT]", value_parser = server_arg, value_hint = ValueHint::Hostname)]
    server: Option<ServerArg>,
    /// With --server HOST[:PORT]: send the phone's requests from this local address
    #[arg(long, value_name = "ADDR")]
    bind: Option<String>,
    /// With --server HOST[:PORT]: give up on a file still arriving after this many seconds, 1 to
    /// 3600 [default: 60]
    #[arg(long, value_name = "SECONDS", value_parser = number_from_to::<u16>(1, 3600))]
    file_deadline: Option<u16>,
    #[command(flatten)]
    phone: PhoneArgs,
    /// Which phone it is, one at a time (7940 unless --from is a 7906 to 7975 load: then the
    /// first model of its family)
    #[arg(long, value_parser = one_phone_parser())]
    model: Option<ModelChoice>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// `--model` for one simulated phone: the values of every other command's `--model` (their help
/// included) but `both`, which `--help` does not offer and the parser refuses.
fn one_phone_parser() -> impl clap::builder::TypedValueParser<Value = ModelChoice> {
    use clap::ValueEnum;
    let values = ModelChoice::value_variants()
        .iter()
        .filter(|choice| **choice != ModelChoice::Both)
        .filter_map(ValueEnum::to_possible_value);
    clap::builder::TypedValueParser::map(clap::builder::PossibleValuesParser::new(values), |name| {
        ModelChoice::from_str(&name, true).expect("a value of ModelChoice")
    })
}

/// Which phone is simulated: a 7940/7960, or a Java-based model (named, or the first of the
/// family `--from` belongs to).
fn one_phone(model: Option<ModelChoice>, from: &str) -> Result<Model, JavaModel> {
    match model {
        Some(ModelChoice::M7940) => Ok(Model::M7940),
        Some(ModelChoice::M7960) => Ok(Model::M7960),
        Some(java) => Err(java_model(&java).expect("the parser takes no `both`")),
        None => match JavaLoad::parse(from) {
            Some(load) => Err(MODELS
                .iter()
                .copied()
                .find(|m| m.family == load.family())
                .expect("every family has models")),
            None => Ok(Model::M7940),
        },
    }
}

/// Over the wire, a phone that loops on a request the server answered wrongly gets the fix for
/// that server (tftpd-hpa without `--secure`, a directory it cannot read, nothing listening, a
/// blocked data port) rather than the general one.
fn name_the_server_fix(simulation: &mut Simulation) {
    let Some(last) = simulation.boots.last() else {
        return;
    };
    if simulation.ending != Ending::Loop || last.result != BootResult::Loop {
        return;
    }
    let fix = last
        .requests
        .last()
        .filter(|r| !r.found)
        .and_then(|r| server_fix(&r.file, r.tftp.as_ref()?));
    if let (Some(fix), Some(next)) = (fix, simulation.next_step.as_mut()) {
        next.fix = fix;
    }
}

impl Args {
    /// The client that reads `address` as the phone would: `--bind`, `--file-deadline`.
    fn client(&self, address: &str) -> Result<Client, Error> {
        let mut client = Client::new(resolve(address, "--server")?);
        client.bind = self.bind.as_deref().map(parse_bind).transpose()?;
        if let Some(seconds) = self.file_deadline {
            client.deadline = std::time::Duration::from_secs(seconds.into());
        }
        client.check_bind()?;
        Ok(client)
    }

    /// Boots a Java-based phone from `--tftp-root DIR`, or over the wire from `--server
    /// HOST[:PORT]`.
    fn run_family(self, context: &Context, model: JavaModel) -> Result<Answer, Error> {
        let matrix = context.matrix()?;
        let booting = self.phone.booting(Model::M7940, self.server.as_ref())?;
        let usage = |message: &str| Error::Usage {
            message: message.into(),
        };
        let (_, start, _) = family::resolve(Some(model), &self.from, &self.from)?;
        let mac = booting
            .phone
            .mac
            .clone()
            .unwrap_or_else(|| DEFAULT_MAC.to_string());
        let phone = JavaPhone { model, mac };
        let boots = self.phone.boots();
        let mut simulation = match (booting.address, &self.tftp_root) {
            (Some(address), None) => {
                let mut remote = Remote::new(self.client(address)?);
                let mut simulation = phone.simulate(&start, &mut remote, boots);
                // The last read is the request the phone loops on: the fix for that server.
                let looped = simulation.boots.last().and_then(|b| b.requests.last());
                let fix = match (simulation.ending.as_str(), looped, remote.last_transfer()) {
                    ("loop", Some(request), Some(transfer)) => server_fix(&request.file, &transfer),
                    _ => None,
                };
                if fix.is_some() {
                    simulation.fix = fix;
                }
                simulation
            }
            (Some(_), Some(_)) => return Err(usage(
                "give --tftp-root DIR (the model reads the directory) or --server HOST[:PORT] (a real server over the wire), not both",
            )),
            (None, Some(_)) if self.file_deadline.is_some() || self.bind.is_some() => {
                return Err(usage("--bind and --file-deadline are for --server HOST[:PORT]: a directory is read from memory"))
            }
            (None, Some(dir)) => {
                let root = TftpRoot::from_dir(dir)?;
                let mut server = RootServer {
                    root: &root,
                    behaviour: booting.phone.server,
                };
                phone.simulate(&start, &mut server, boots)
            }
            (None, None) => return Err(usage(
                "give --tftp-root DIR to boot the model from a directory, or --server HOST[:PORT] to boot it from a real TFTP server",
            )),
        };
        // The matrix's opinion of each jump the model took, where it is not "safe".
        let phones = family::Phones::family(model.family);
        simulation.notes = check::jumps_not_safe(matrix, &phones, &simulation)
            .iter()
            .map(check::describe_jump)
            .collect();
        let mut answer = Answer::report(self.format, &simulation);
        answer.stderr = note(booting.note);
        Ok(answer)
    }

    pub(crate) fn run(self, context: &Context) -> Result<Answer, Error> {
        let model = match one_phone(self.model, &self.from) {
            Ok(model) => model,
            Err(java) => return self.run_family(context, java),
        };
        let boots = self.phone.boots();
        let booting = self.phone.booting(model, self.server.as_ref())?;
        let (mut phone, address) = (booting.phone, booting.address);
        // Over the wire every request names a real file: without --mac, the phone asks for the
        // per-phone files of the MAC probe uses, which no phone should have.
        let mut default_mac = None;
        if address.is_some() && phone.mac.is_none() {
            phone.mac = Some(DEFAULT_MAC.to_string());
            default_mac = Some(format!(
                "Note: no --mac given: the phone asks for the per-phone files of {DEFAULT_MAC}, a MAC no phone should have (as phoneup probe does).\n"
            ));
        }
        phone.packages = crate::knowledge::package::Packages::of(context.matrix()?);
        let usage = |message: &str| Error::Usage {
            message: message.into(),
        };
        let start = catalogue::resolve_as_typed(context.matrix()?, &self.from, Input::From)?;
        let simulation = match (address, &self.tftp_root) {
            (Some(address), None) => {
                let mut simulation =
                    phone.simulate_on(&start.id, &mut Remote::new(self.client(address)?), boots);
                suggest(&mut simulation, &BootedFrom::Server {
                    address,
                    bind: self.bind.as_deref(),
                    deadline: self.file_deadline,
                });
                name_the_server_fix(&mut simulation);
                simulation
            }
            (Some(_), Some(_)) => return Err(usage(
                "give --tftp-root DIR (the model reads the directory) or --server HOST[:PORT] (a real server over the wire), not both",
            )),
            (None, Some(_)) if self.file_deadline.is_some() => {
                return Err(usage("--file-deadline is for --server HOST[:PORT]: a directory is read from memory, with no transfer to give up"))
            }
            (None, Some(_)) if self.bind.is_some() => {
                return Err(usage("--bind is for --server HOST[:PORT]: the phone's requests go over the wire only then"))
            }
            (None, Some(dir)) => {
                let root = TftpRoot::from_dir(dir)?;
                let mut simulation = phone.simulate(&start.id, &root, boots);
                simulation.skipped = root.skipped;
                suggest(&mut simulation, &BootedFrom::Root(dir));
                simulation
            }
            (None, None) => return Err(usage(
                "give --tftp-root DIR to boot the model from a directory, or --server HOST[:PORT] to boot it from a real TFTP server",
            )),
        };
        // A --from pasted with typographic dashes was read as the ID it shows: say so.
        let mut notes = catalogue::typography_note("--from", &self.from)
            .map(|note| format!("Note: {note}\n"))
            .unwrap_or_default();
        notes.push_str(&default_mac.unwrap_or_default());
        let mut answer = Answer::new(
            render(self.format, &simulation, |s| {
                format!("{notes}{}", simulation.to_text(s))
            }),
            simulation.exit_code(),
        );
        answer.stderr = note(booting.note);
        Ok(answer)
    }
}
