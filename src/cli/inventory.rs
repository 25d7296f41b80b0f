//! `phoneup inventory DIR`

use std::path::PathBuf;

use crate::cli::answer::{Answer, Context};
use crate::error::Error;
use crate::output::Format;
use crate::tftp_root::inventory;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The directory your TFTP server serves
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

impl Args {
    pub(crate) fn run(self, context: &Context) -> Result<Answer, Error> {
        let report = inventory::inventory(context.matrix()?, &self.dir)?;
        Ok(Answer::report(self.format, &report))
    }
}
