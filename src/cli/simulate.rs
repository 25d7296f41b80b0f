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
    /// Which phone it is (one at a time)
    #[arg(long, value_enum, default_value = "7940")]
    model: OnePhone,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// `--model` for one simulated phone: the values of every other command's `--model` but `both`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OnePhone {
    #[value(name = "7940")]
    M7940,
    #[value(name = "7960")]
    M7960,
}

impl From<OnePhone> for Model {
    fn from(one: OnePhone) -> Model {
        match one {
            OnePhone::M7940 => Model::M7940,
            OnePhone::M7960 => Model::M7960,
        }
    }
}

impl Args {
    pub fn run(self, context: &Context) -> Result<Answer, Error> {
        let boots = usize::from(self.phone.boots);
        let phone = self.phone.phone(self.model.into())?;
        let start = catalogue::resolve(&context.matrix()?, &self.from, "--from")?;
        let root = TftpRoot::from_dir(&self.tftp_root)?;
        let mut simulation = phone.simulate(&start.id, &root, boots);
        simulation.suggest(&self.tftp_root);
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
