//! `phoneup inventory --tftp-root DIR` (the directory may also come first, without `--tftp-root`, as it did)

use std::path::PathBuf;

use clap::ValueHint;

use crate::cli::answer::{Answer, Context};
use crate::commands;
use crate::error::Error;
use crate::output::Format;
use crate::tftp_root::inventory;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The directory your TFTP server serves
    #[arg(long, value_name = "DIR", alias = "root", required_unless_present = "dir", value_hint = ValueHint::DirPath)]
    tftp_root: Option<PathBuf>,
    /// The directory, given without --tftp-root (its older spelling, still read)
    #[arg(value_name = "DIR", hide = true, conflicts_with = "tftp_root")]
    dir: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

impl Args {
    /// `--tftp-root DIR`, or the directory given first.
    fn dir(&self) -> PathBuf {
        self.tftp_root
            .clone()
            .or_else(|| self.dir.clone())
            .expect("clap requires --tftp-root or the directory")
    }

    pub(crate) fn run(self, context: &Context) -> Result<Answer, Error> {
        let mut report = inventory::inventory(context.matrix()?, &self.dir())?;
        commands::inventory::next_step(&mut report);
        Ok(Answer::report(self.format, &report))
    }
}
