//! `phoneup probe --server HOST[:PORT] [--mac MAC] [--from LOAD --to LOAD]` (the server may
//! also come first, without `--server`, as it did)

use clap::ValueHint;

use crate::cli::answer::{Answer, Context};
use crate::cli::args::{mac, number_from_to, LoadValue, ModelArg};
use crate::error::Error;
use crate::knowledge::phones::Model;
use crate::output::{shell_word, Format, IoText, NextStep};
use crate::plan::{plan, Outcome, Request};
use crate::wire::client::{parse_bind, resolve, Client};
use crate::wire::probe::{Probe, DEFAULT_MAC};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The TFTP server the phones use: HOST or HOST:PORT (port 69 unless given)
    #[arg(long, value_name = "HOST[:PORT]", required_unless_present = "server_first", value_hint = ValueHint::Hostname)]
    server: Option<String>,
    /// The server, given first without --server (its older spelling, still read)
    #[arg(value_name = "SERVER", hide = true, conflicts_with = "server")]
    server_first: Option<String>,
    /// The MAC in the per-phone names asked for (default 0018B9FFFFFF, which no phone should have)
    #[arg(long, value_name = "MAC")]
    mac: Option<String>,
    /// The App Load ID the phone shows now: check every file of the plan's first stage
    #[arg(long, value_name = "LOAD", requires = "to", value_parser = LoadValue, hide_possible_values = true)]
    from: Option<String>,
    /// The load you want the phone to run at the end
    #[arg(long, value_name = "LOAD", requires = "from", value_parser = LoadValue, hide_possible_values = true)]
    to: Option<String>,
    /// Which phones the plan's loadInformation entries address
    #[arg(long, value_enum, default_value_t)]
    model: ModelArg,
    /// Send from this local address (e.g. 127.0.0.2)
    #[arg(long, value_name = "ADDR")]
    bind: Option<String>,
    /// Give up on a file still arriving after this many seconds, 1 to 3600 [default: 60]
    #[arg(long, value_name = "SECONDS", value_parser = number_from_to::<u16>(1, 3600))]
    file_deadline: Option<u16>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

impl Args {
    /// This probe as a command line, with the user's own values.
    fn again(&self, address: &str) -> String {
        let mut command = format!("phoneup probe --server {}", shell_word(address));
        if let Some(bind) = &self.bind {
            command.push_str(&format!(" --bind {}", shell_word(bind)));
        }
        if let Some(mac) = &self.mac {
            command.push_str(&format!(" --mac {}", shell_word(mac)));
        }
        if let Some(seconds) = self.file_deadline {
            command.push_str(&format!(" --file-deadline {seconds}"));
        }
        if let (Some(from), Some(to)) = (&self.from, &self.to) {
            command.push_str(&format!(
                " --from {} --to {}",
                shell_word(from),
                shell_word(to)
            ));
        }
        match self.model {
            ModelArg::Both => {}
            ModelArg::M7940 => command.push_str(" --model 7940"),
            ModelArg::M7960 => command.push_str(" --model 7960"),
        }
        command
    }

    pub(crate) fn run(self, context: &Context) -> Result<Answer, Error> {
        let address = self
            .server
            .clone()
            .or_else(|| self.server_first.clone())
            .expect("clap requires --server or the server first");
        let server = resolve(&address, "--server")?;
        let mut client = Client::new(server);
        client.bind = self.bind.as_deref().map(parse_bind).transpose()?;
        if let Some(seconds) = self.file_deadline {
            client.deadline = std::time::Duration::from_secs(seconds.into());
        }
        client.check_bind()?;
        let mac = mac(&self.mac)?.unwrap_or(DEFAULT_MAC);
        let mut stages = Vec::new();
        let mut apply = String::new();
        if let (Some(from), Some(to)) = (&self.from, &self.to) {
            let request = Request {
                model: Model::from(self.model),
                ..Request::new(from, to)
            };
            match plan(context.matrix()?, &request)? {
                Outcome::Plan(plan) => {
                    apply = format!(
                        "phoneup apply --from {} --to {} --stage 1",
                        plan.from, plan.to
                    );
                    stages = plan.stages;
                }
                Outcome::NoPath(no) => {
                    return Err(Error::Usage {
                        message: format!(
                            "no safe path from {} to {}, so there is no stage to probe for; `phoneup plan --from {from} --to {to}` says why",
                            no.from, no.to
                        ),
                    })
                }
            }
        }
        let probe = Probe {
            client,
            server: address.clone(),
            mac,
            stages: &stages,
            model: Model::from(self.model),
            apply,
        };
        let mut report = probe.run().map_err(|error| Error::Usage {
            message: format!("cannot talk to {address}: {}", IoText(&error)),
        })?;
        if !report.findings.is_empty() {
            report.next_step = Some(NextStep::new(
                "Fix each finding on the server as its fix says, then probe it again.",
                self.again(&address),
            ));
        }
        Ok(Answer::report(self.format, &report))
    }
}
