//! `phoneup plan --from LOAD --to LOAD`

use std::path::PathBuf;

use clap::ValueHint;

use crate::cli::answer::{Answer, Context};
use crate::cli::args::RouteArgs;
use crate::error::Error;
use crate::output::Format;
use crate::plan::{self, Outcome};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    route: RouteArgs,
    /// Your TFTP directory: prefer intermediates whose files are there, and list what is not
    #[arg(long, value_name = "DIR", alias = "root", value_hint = ValueHint::DirPath)]
    tftp_root: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

impl Args {
    pub(crate) fn run(self, context: &Context) -> Result<Answer, Error> {
        let request = self.route.request(self.tftp_root);
        Ok(match plan::plan(context.matrix()?, &request)? {
            Outcome::Plan(plan) => Answer::report(self.format, &plan),
            Outcome::NoPath(no_path) => Answer::report(self.format, &no_path),
        })
    }
}
