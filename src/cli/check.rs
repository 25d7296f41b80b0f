//! `phoneup check --from LOAD --to LOAD` and `phoneup check --from LOAD --tftp-root DIR`

use std::path::PathBuf;

use clap::ValueHint;

use crate::cli::answer::{Answer, Context};
use crate::cli::args::{server_arg, LoadValue, ModelArg, PhoneArgs, ServerArg};
use crate::error::Error;
use crate::knowledge::phones::Model;
use crate::output::{shell_word, Format};
use crate::plan::check;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The App Load ID the phone shows now
    #[arg(long, value_name = "LOAD", value_parser = LoadValue, hide_possible_values = true)]
    from: String,
    /// The load you are about to give it (with --tftp-root: where the phone should end)
    #[arg(long, value_name = "LOAD", required_unless_present = "tftp_root", value_parser = LoadValue, hide_possible_values = true)]
    to: Option<String>,
    /// Simulate the phone booting from this directory (the one your TFTP server serves) instead of checking a jump
    #[arg(long, value_name = "DIR", alias = "root", value_hint = ValueHint::DirPath)]
    tftp_root: Option<PathBuf>,
    #[command(flatten)]
    phone: PhoneArgs,
    /// The older name of --server-answers (file-not-found or wrong-error), still read
    #[arg(long, value_name = "ANSWER", value_parser = server_arg, hide = true)]
    server: Option<ServerArg>,
    /// Which phones: the files' loadInformation entries address them, and with --tftp-root each is simulated
    #[arg(long, value_enum, default_value_t)]
    model: ModelArg,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// A note for standard error, as a line of its own.
pub(crate) fn note(note: Option<String>) -> String {
    note.map(|note| format!("note: {note}\n"))
        .unwrap_or_default()
}

impl Args {
    pub(crate) fn run(self, context: &Context) -> Result<Answer, Error> {
        let matrix = context.matrix()?;
        let format = self.format;
        match self.tftp_root {
            None => {
                if let Some(given) = self.phone.boot_options_given(self.server.as_ref()) {
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
                let booting = self
                    .phone
                    .booting(Model::from(self.model), self.server.as_ref())?;
                if let Some(address) = booting.address {
                    return Err(Error::Usage {
                        message: format!(
                            "--server {address}: check boots the phone model from --tftp-root DIR only; to boot it from a real server, run: phoneup simulate --from {} --server {}",
                            shell_word(&self.from),
                            shell_word(address)
                        ),
                    });
                }
                let report = check::check_root(
                    matrix,
                    &self.from,
                    self.to.as_deref(),
                    &dir,
                    &booting.phone,
                    boots,
                )?;
                let mut answer = Answer::report(format, &report);
                answer.stderr = note(booting.note);
                Ok(answer)
            }
        }
    }
}
