//! `phoneup undo --tftp-root DIR`

use std::path::PathBuf;

use clap::ValueHint;

use crate::cli::answer::Answer;
use crate::commands::undo;
use crate::error::Error;
use crate::output::Format;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The directory your TFTP server serves
    #[arg(long, value_name = "DIR", alias = "root", value_hint = ValueHint::DirPath)]
    tftp_root: PathBuf,
    /// The undo journal's folder, if apply was given --journal DIR
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    journal: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

impl Args {
    pub(crate) fn run(self) -> Result<Answer, Error> {
        let report = undo::undo(&self.tftp_root, self.journal.as_deref())?;
        Ok(Answer::report(self.format, &report))
    }
}
