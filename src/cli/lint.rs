//! `phoneup lint DIR [--mac MAC]`

use std::path::PathBuf;

use crate::cli::answer::Answer;
use crate::cli::args;
use crate::error::Error;
use crate::output::Format;
use crate::tftp_root::lint;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The directory your TFTP server serves
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// Check only this phone's per-phone files (SEP<MAC>.cnf.xml, SIP<MAC>.cnf), not other phones'
    #[arg(long, value_name = "MAC")]
    mac: Option<String>,
    /// The undo journal's folder, if apply was given --journal DIR (per-phone files apply wrote are expected to differ)
    #[arg(long, value_name = "DIR")]
    journal: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

impl Args {
    pub(crate) fn run(self) -> Result<Answer, Error> {
        let report = lint::lint(&self.dir, args::mac(&self.mac)?, self.journal.as_deref())?;
        Ok(Answer::report(self.format, &report))
    }
}
