//! `phoneup simulate --from LOAD --tftp-root DIR`

use std::path::PathBuf;

use crate::cli::answer::{render, Answer, Context, EXIT_NO, EXIT_YES};
use crate::cli::args::PhoneArgs;
use crate::error::Error;
use crate::knowledge::catalogue;
use crate::knowledge::phones::Model;
use crate::output::Format;
use crate::phone::Ending;
use crate::tftp_root::TftpRoot;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The App Load ID the phone shows now
    #[arg(long, value_name = "LOAD")]
    from: String,
    /// The directory your TFTP server serves
    #[arg(long, value_name = "DIR")]
    tftp_root: PathBuf,
    #[command(flatten)]
    phone: PhoneArgs,
    /// Which phone it is
    #[arg(long, value_enum, default_value = "7940")]
    model: Model,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

impl Args {
    pub fn run(self, context: &Context) -> Result<Answer, Error> {
        if self.model == Model::Both {
            return Err(Error::Usage {
                message: "simulate runs one phone: give --model 7940 or --model 7960".into(),
            });
        }
        let boots = usize::from(self.phone.boots);
        let phone = self.phone.phone(self.model)?;
        let start = catalogue::resolve_as_typed(context.matrix()?, &self.from, "--from")?;
        let root = TftpRoot::from_dir(&self.tftp_root)?;
        let simulation = phone.simulate(&start.id, &root, boots);
        let code = if simulation.ending == Ending::Stable {
            EXIT_YES
        } else {
            EXIT_NO
        };
        Ok(Answer::new(
            render(self.format, &simulation, |s| simulation.to_text(s)),
            code,
        ))
    }
}
