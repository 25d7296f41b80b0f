//! `phoneup probe --server HOST[:PORT] [--mac MAC] [--from LOAD --to LOAD]` (the server may
//! also come first, without `--server`, as it did)

use clap::ValueHint;

use crate::cli::answer::{Answer, Context};
use crate::cli::args::{mac, number_from_to, route, LoadValue, ModelChoice, Route};
use crate::commands::apply::family as apply_family;
use crate::error::Error;
use crate::knowledge::phones::Model;
use crate::output::{shell_word, Format, IoText, NextStep};
use crate::plan::family::{self, FamilyOutcome};
use crate::plan::{plan, Outcome, Request};
use crate::wire::client::{parse_bind, resolve, Client};
use crate::wire::probe::{FamilyProbe, Probe, DEFAULT_MAC};

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
    /// Which phones the plan's loadInformation entries address (a 7906 to 7975 probes that
    /// phone's boot; its load implies its family when this is left out)
    #[arg(long, value_enum, default_value_t)]
    model: ModelChoice,
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
        if let Some(value) = clap::ValueEnum::to_possible_value(&self.model)
            .filter(|_| self.model != ModelChoice::Both)
        {
            command.push_str(&format!(" --model {}", value.get_name()));
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
        let loads: Vec<&str> = [self.from.as_deref(), self.to.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        let model = match route(self.model.phones(), &loads)? {
            Route::Classic(model) => model,
            Route::Java(model) => {
                let report = self.run_family(context, client, &address, mac, model)?;
                return Ok(self.answer(report, &address));
            }
        };
        let mut stages = Vec::new();
        let mut apply = String::new();
        if let (Some(from), Some(to)) = (&self.from, &self.to) {
            let request = Request {
                model,
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
            model,
            apply,
        };
        let report = probe.run().map_err(|error| Error::Usage {
            message: format!("cannot talk to {address}: {}", IoText(&error)),
        })?;
        Ok(self.answer(report, &address))
    }

    /// The report, with the command that probes again when there are findings.
    fn answer(&self, mut report: crate::wire::probe::Report, address: &str) -> Answer {
        if !report.findings.is_empty() {
            report.next_step = Some(NextStep::new(
                "Fix each finding on the server as its fix says, then probe it again.",
                self.again(address),
            ));
        }
        Answer::report(self.format, &report)
    }

    /// Probes for a Java-based phone: `--model` alone asks the trust list a phone asks first;
    /// with `--from` and `--to`, the family plan's stages.
    fn run_family(
        &self,
        context: &Context,
        client: Client,
        address: &str,
        mac: crate::files::mac::Mac,
        model: Option<crate::knowledge::family::JavaModel>,
    ) -> Result<crate::wire::probe::Report, Error> {
        let (phones, plan) = match (&self.from, &self.to, model) {
            (Some(from), Some(to), model) => {
                let (phones, from, to) = family::resolve(model, from, to)?;
                match family::plan(context.matrix()?, &phones, &from, &to) {
                    FamilyOutcome::Plan(plan) => (phones, Some(plan)),
                    FamilyOutcome::NoPath(check) => {
                        return Err(apply_family::no_plan(&check, &phones, "probe for"))
                    }
                }
            }
            (_, _, Some(model)) => (family::Phones::one(model), None),
            _ => {
                return Err(Error::Usage {
                    message: "probe for a 7906 to 7975 with --model (such as --model 7961), or --from and --to".into(),
                })
            }
        };
        let apply = plan.as_ref().map_or_else(String::new, |plan| {
            format!(
                "phoneup apply --from {} --to {}{} --stage 1",
                plan.from.id,
                plan.to.id,
                apply_family::model_words(&phones)
            )
        });
        let probe = Probe {
            client,
            server: address.to_string(),
            mac,
            stages: &[],
            model: Model::Both,
            apply,
        };
        let stages = plan.map(|p| p.stages).unwrap_or_default();
        probe
            .run_family(&FamilyProbe {
                phones: &phones,
                stages: &stages,
            })
            .map_err(|error| Error::Usage {
                message: format!("cannot talk to {address}: {}", IoText(&error)),
            })
    }
}
