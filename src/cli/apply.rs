//! `phoneup apply --from LOAD --to LOAD --stage N --tftp-root DIR`

use std::path::PathBuf;

use clap::ValueHint;

use crate::cli::answer::{Answer, Context};
use crate::cli::args::{self, route, ModelChoice, Route, RouteArgs};
use crate::commands::apply::{self, ApplyRequest, PlanRequest};
use crate::error::Error;
use crate::output::Format;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    route: RouteArgs,
    /// Which phones: the files' loadInformation entries address them (a 7906 to 7975 load
    /// implies its family when this is left out)
    #[arg(long, value_enum, default_value_t)]
    model: ModelChoice,
    /// Which stage (reboot) of the plan to write, from 1
    #[arg(long, value_name = "N", value_parser = args::number_from_to::<usize>(0, u64::MAX))]
    stage: usize,
    /// The directory your TFTP server serves
    #[arg(long, value_name = "DIR", alias = "root", value_hint = ValueHint::DirPath)]
    tftp_root: PathBuf,
    /// Write per-phone files (SEP<MAC>.cnf.xml, SIP<MAC>.cnf) for this phone instead of the defaults
    #[arg(long, value_name = "MAC")]
    mac: Option<String>,
    /// Show a unified diff of what would change and write nothing
    #[arg(long)]
    dry_run: bool,
    /// Write even when the stage's firmware is missing, or the global OS79XX.TXT with --mac
    #[arg(long)]
    force: bool,
    /// Replace a configuration file that is a symbolic link with a regular file (undo puts the link back)
    #[arg(long)]
    replace_links: bool,
    /// Keep the undo journal in this folder (outside the TFTP root) instead of $XDG_STATE_HOME/phoneup
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    journal: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

impl Args {
    pub(crate) fn run(self, context: &Context) -> Result<Answer, Error> {
        let (from, to, steered) = self.route.ends();
        let plan = match route(self.model.phones(), &[from, to])? {
            Route::Java(_) if steered => {
                return Err(Error::Usage {
                    message: "--via and --avoid plan the 7940/7960 only; a 7906 to 7975 stage is applied with --from, --to, --model and --stage: leave them out".into(),
                })
            }
            Route::Java(model) => PlanRequest::Java {
                model,
                from: from.to_string(),
                to: to.to_string(),
            },
            // The same directory steers the plan, so apply and plan --tftp-root agree.
            Route::Classic(model) => {
                PlanRequest::Classic(self.route.request(model, Some(self.tftp_root.clone())))
            }
        };
        let request = ApplyRequest {
            plan,
            stage: self.stage,
            dir: self.tftp_root,
            mac: args::mac(&self.mac)?,
            dry_run: self.dry_run,
            force: self.force,
            journal: self.journal,
            replace_links: self.replace_links,
        };
        let report = apply::apply(context.matrix()?, &request)?;
        Ok(Answer::report(self.format, &report))
    }
}
