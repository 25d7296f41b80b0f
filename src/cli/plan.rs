//! `phoneup plan --from LOAD --to LOAD`

use std::path::PathBuf;

use clap::ValueHint;

use crate::cli::answer::{Answer, Context};
use crate::cli::args::{route, ModelChoice, Route, RouteArgs};
use crate::error::Error;
use crate::output::Format;
use crate::plan::family::{self, FamilyOutcome};
use crate::plan::{self, Outcome};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    route: RouteArgs,
    /// Which phones: the files' loadInformation entries address them (a 7906 to 7975 load
    /// implies its family when this is left out)
    #[arg(long, value_enum, default_value_t)]
    model: ModelChoice,
    /// Your TFTP directory: prefer intermediates whose files are there, and list what is not
    #[arg(long, value_name = "DIR", alias = "root", value_hint = ValueHint::DirPath)]
    tftp_root: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

impl Args {
    pub(crate) fn run(self, context: &Context) -> Result<Answer, Error> {
        let (from, to, steered) = self.route.ends();
        let model = match route(self.model.phones(), &[from, to])? {
            Route::Classic(model) => model,
            Route::Java(model) => {
                if steered || self.tftp_root.is_some() {
                    return Err(Error::Usage {
                    message: "--via, --avoid and --tftp-root plan the 7940/7960 only; a 7906 to 7975 plan takes --from, --to and --model: leave them out".into(),
                });
                }
                let matrix = context.matrix()?;
                let (phones, from, to) = family::resolve(model, from, to)?;
                return Ok(match family::plan(matrix, &phones, &from, &to) {
                    FamilyOutcome::Plan(plan) => Answer::report(self.format, &plan),
                    FamilyOutcome::NoPath(check) => Answer::report(self.format, &check),
                });
            }
        };
        let request = self.route.request(model, self.tftp_root);
        Ok(match plan::plan(context.matrix()?, &request)? {
            Outcome::Plan(plan) => Answer::report(self.format, &plan),
            Outcome::NoPath(no_path) => Answer::report(self.format, &no_path),
        })
    }
}
