//! `phoneup check --from LOAD --to LOAD` and `phoneup check --from LOAD --tftp-root DIR`

use std::path::PathBuf;

use crate::cli::answer::{Answer, Context};
use crate::cli::args::{ModelArg, PhoneArgs};
use crate::error::Error;
use crate::knowledge::phones::Model;
use crate::output::{shell_word, Format};
use crate::plan::check;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The App Load ID the phone shows now
    #[arg(long, value_name = "LOAD")]
    from: String,
    /// The load you are about to give it (with --tftp-root: where the phone should end)
    #[arg(long, value_name = "LOAD", required_unless_present = "tftp_root")]
    to: Option<String>,
    /// Simulate the phone booting from this directory instead of checking a jump
    #[arg(long, value_name = "DIR")]
    tftp_root: Option<PathBuf>,
    #[command(flatten)]
    phone: PhoneArgs,
    /// Which phones: the files' loadInformation entries address them, and with --tftp-root each is simulated
    #[arg(long, value_enum, default_value_t)]
    model: ModelArg,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

impl Args {
    pub(crate) fn run(self, context: &Context) -> Result<Answer, Error> {
        let matrix = context.matrix()?;
        let format = self.format;
        match self.tftp_root {
            None => {
                if let Some(given) = self.phone.boot_options_given() {
                    return Err(Error::Usage {
                        message: format!(
                            "{given} goes with --tftp-root DIR: the phone model boots from DIR with them; a jump checked without a directory boots no phone and asks no server.\nGive --tftp-root DIR, or boot the phone model from a real server with: phoneup simulate --from {} --server HOST[:PORT]",
                            shell_word(&self.from)
                        ),
                    });
                }
                let to = self.to.expect("clap requires --to without --tftp-root");
                let check = check::check(matrix, &self.from, &to, Model::from(self.model))?;
                Ok(Answer::report(format, &check))
            }
            Some(dir) => {
                let boots = self.phone.boots();
                let phone = self.phone.phone(Model::from(self.model))?;
                let report =
                    check::check_root(matrix, &self.from, self.to.as_deref(), &dir, &phone, boots)?;
                Ok(Answer::report(format, &report))
            }
        }
    }
}
