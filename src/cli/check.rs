//! `phoneup check --from LOAD --to LOAD` and `phoneup check --from LOAD --tftp-root DIR`

use std::path::PathBuf;

use clap::ValueHint;

use crate::cli::answer::{Answer, Context};
use crate::cli::args::{
    mac, route, server_arg, LoadValue, ModelChoice, PhoneArgs, Route, ServerArg,
};
use crate::error::Error;
use crate::knowledge::family::JavaModel;
use crate::knowledge::phones::Model;
use crate::output::{shell_word, Format};
use crate::plan::check;
use crate::plan::family;
use crate::tftp_root::TftpRoot;

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
    /// Which phones: the files' loadInformation entries address them, and with --tftp-root each
    /// is simulated (a 7906 to 7975 load implies its family when this is left out)
    #[arg(long, value_enum, default_value_t)]
    model: ModelChoice,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

impl Args {
    /// The check of a Java-based phone's jump, or (with `--tftp-root`) of what the directory
    /// does to it.
    fn check_family(self, context: &Context, model: Option<JavaModel>) -> Result<Answer, Error> {
        let Some(dir) = self.tftp_root.clone() else {
            if let Some(given) = self.phone.boot_options_given(self.server.as_ref()) {
                return Err(Error::Usage {
                    message: format!("{given} goes with --tftp-root DIR: the phone model boots from DIR with them; a jump checked without a directory boots no phone"),
                });
            }
            let to = self
                .to
                .as_deref()
                .expect("clap requires --to without --tftp-root");
            let (phones, from, to) = family::resolve(model, &self.from, to)?;
            let check = family::check(context.matrix()?, &phones, &from, &to);
            return Ok(Answer::report(self.format, &check));
        };
        let booting = self.phone.booting(Model::M7940, self.server.as_ref())?;
        if let Some(address) = booting.address {
            return Err(not_a_real_server(&self.from, address));
        }
        let (phones, from, to) =
            family::resolve(model, &self.from, self.to.as_deref().unwrap_or(&self.from))?;
        let mac = mac(&booting.phone.mac)?;
        let root = TftpRoot::from_dir(&dir)?;
        let request = check::FamilyRootRequest {
            phones: &phones,
            from: &from,
            to: self.to.as_ref().map(|_| &to),
            dir: &dir.display().to_string(),
            mac,
            behaviour: booting.phone.server,
            boots: self.phone.boots(),
        };
        let report = check::check_family_root(context.matrix()?, &request, &root);
        let mut answer = Answer::report(self.format, &report);
        answer.stderr = note(booting.note);
        Ok(answer)
    }
}

/// `--server HOST` given to check: it boots from a directory only, and simulate asks a server.
fn not_a_real_server(from: &str, address: &str) -> Error {
    Error::Usage {
        message: format!(
            "--server {address}: check boots the phone model from --tftp-root DIR only; to boot it from a real server, run: phoneup simulate --from {} --server {}",
            shell_word(from),
            shell_word(address)
        ),
    }
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
        let loads: Vec<&str> = [Some(self.from.as_str()), self.to.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        let model = match route(self.model.phones(), &loads)? {
            Route::Classic(model) => model,
            Route::Java(model) => return self.check_family(context, model),
        };
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
                let check = check::check(matrix, &self.from, &to, model)?;
                Ok(Answer::report(format, &check))
            }
            Some(dir) => {
                let boots = self.phone.boots();
                let booting = self.phone.booting(model, self.server.as_ref())?;
                if let Some(address) = booting.address {
                    return Err(not_a_real_server(&self.from, address));
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
