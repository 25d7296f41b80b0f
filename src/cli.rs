//! The command line: argument parsing, dispatch, output and exit codes.
//!
//! Exit codes: 0 yes / done; 1 the answer is no (refused jump, no path); 2 usage or input error.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::check;
use crate::error::Error;
use crate::identify;
use crate::matrix::{Matrix, BUILTIN_YAML};
use crate::output::{structured, Format, Style};
use crate::phone_model::Model;
use crate::plan::{self, Outcome, Request};

/// Exit code: yes / done.
pub const EXIT_YES: u8 = 0;
/// Exit code: the answer is no.
pub const EXIT_NO: u8 = 1;
/// Exit code: usage or input error.
pub const EXIT_INPUT: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "phoneup",
    version,
    about = "Plans safe firmware upgrades for Cisco 7940/7960 IP phones, one TFTP reboot at a time",
    after_help = "Start with the App Load ID your phone shows (Settings > Status > Firmware Versions):\n  \
                  phoneup plan --from P0030301MFG2 --to P0S3-08-11-00\n\n\
                  Exit codes: 0 yes/done, 1 the answer is no (refused jump, no path), 2 usage or input error."
)]
pub struct Cli {
    /// Use this upgrade matrix instead of the built-in one (print the built-in one with `phoneup matrix`)
    #[arg(long, global = true, value_name = "FILE")]
    matrix: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Explain load IDs or firmware file names: protocol, version, era, catalogue entry
    #[command(
        after_help = "Examples:\n  phoneup identify P0030301MFG2 PC0303010200\n  phoneup identify P0S3-8-12-00.loads --format json"
    )]
    Identify {
        /// Load IDs (P0S3-08-11-00, P00308010200, ...) or firmware file names (P0S3-8-12-00.loads)
        #[arg(required = true, value_name = "ID")]
        ids: Vec<String>,
        /// Output format
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Plan the reboots from the load the phone runs to the load you want, with every file for each
    #[command(
        after_help = "Example:\n  phoneup plan --from P0030301MFG2 --to P0S3-08-11-00\n\n\
                            Exit codes: 0 a plan was printed, 1 no safe path exists, 2 bad input."
    )]
    Plan {
        /// The App Load ID the phone shows now
        #[arg(long, value_name = "LOAD")]
        from: String,
        /// The load you want it to run
        #[arg(long, value_name = "LOAD")]
        to: String,
        /// Go through this load on the way (repeatable, in order)
        #[arg(long, value_name = "LOAD")]
        via: Vec<String>,
        /// Never pass through this load (repeatable)
        #[arg(long, value_name = "LOAD")]
        avoid: Vec<String>,
        /// Which phones the XMLDefault.cnf.xml entries address
        #[arg(long, value_enum, default_value_t)]
        model: Model,
        /// Output format
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Check whether one direct jump is safe before you flash it
    #[command(
        after_help = "Example:\n  phoneup check --from P0030301MFG2 --to P0S3-07-4-00\n\n\
                            Exit codes: 0 safe (or already there), 1 refused or not known to be safe, 2 bad input."
    )]
    Check {
        /// The App Load ID the phone shows now
        #[arg(long, value_name = "LOAD")]
        from: String,
        /// The load you are about to give it
        #[arg(long, value_name = "LOAD")]
        to: String,
        /// Which phones the XMLDefault.cnf.xml entries address
        #[arg(long, value_enum, default_value_t)]
        model: Model,
        /// Output format
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Print the upgrade matrix in use: sources, loads and rules (copy it to add loads you own)
    Matrix,
}

/// Writes to standard output; a closed pipe (`phoneup plan ... | head`) is not an error.
fn emit(text: &str) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

fn render<T: serde::Serialize>(
    format: Format,
    value: &T,
    text: impl FnOnce(&Style) -> String,
) -> String {
    match format {
        Format::Text => text(&Style::detect()),
        _ => structured(format, value),
    }
}

fn load_matrix(path: &Option<PathBuf>) -> Result<Matrix, Error> {
    match path {
        Some(path) => Matrix::from_file(path),
        None => Matrix::builtin(),
    }
}

/// What a command prints and how it exits.
struct Answer {
    stdout: String,
    stderr: String,
    code: u8,
}

impl Answer {
    fn new(stdout: String, code: u8) -> Answer {
        Answer {
            stdout,
            stderr: String::new(),
            code,
        }
    }
}

fn execute(cli: Cli) -> Result<Answer, Error> {
    let matrix = load_matrix(&cli.matrix)?;
    Ok(match cli.command {
        Command::Identify { ids, format } => {
            let identities: Vec<_> = ids
                .iter()
                .map(|id| identify::identify(&matrix, id))
                .collect();
            let code = if identities.iter().any(|i| i.error.is_some()) {
                EXIT_INPUT
            } else {
                EXIT_YES
            };
            if format != Format::Text {
                return Ok(Answer::new(structured(format, &identities), code));
            }
            // Answers for the good names on stdout, errors for the bad ones on stderr.
            let (bad, good): (Vec<_>, Vec<_>) = identities.iter().partition(|i| i.error.is_some());
            let stdout_style = Style::detect();
            let stderr_style = Style::detect_stderr();
            let stdout: Vec<String> = good.iter().map(|i| i.to_text(&stdout_style)).collect();
            let stderr: Vec<String> = bad.iter().map(|i| i.to_text(&stderr_style)).collect();
            Answer {
                stdout: stdout.join("\n"),
                stderr: stderr.join("\n"),
                code,
            }
        }
        Command::Plan {
            from,
            to,
            via,
            avoid,
            model,
            format,
        } => {
            let request = Request {
                from,
                to,
                via,
                avoid,
                model,
            };
            match plan::plan(&matrix, &request)? {
                Outcome::Plan(plan) => {
                    Answer::new(render(format, &plan, |s| plan.to_text(s)), EXIT_YES)
                }
                Outcome::NoPath(no_path) => {
                    Answer::new(render(format, &no_path, |s| no_path.to_text(s)), EXIT_NO)
                }
            }
        }
        Command::Check {
            from,
            to,
            model,
            format,
        } => {
            let check = check::check(&matrix, &from, &to, model)?;
            let code = check.verdict.exit_code();
            Answer::new(render(format, &check, |s| check.to_text(s)), code)
        }
        Command::Matrix => {
            let text = match &cli.matrix {
                Some(path) => std::fs::read_to_string(path).map_err(|source| Error::Read {
                    path: path.clone(),
                    source,
                })?,
                None => BUILTIN_YAML.to_string(),
            };
            Answer::new(text, EXIT_YES)
        }
    })
}

/// Runs phoneup with these arguments (the first is the program name) and returns the exit code.
pub fn run<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            // Help and --version go to stdout with 0; usage errors to stderr with 2.
            let _ = error.print();
            return if error.use_stderr() {
                EXIT_INPUT
            } else {
                EXIT_YES
            };
        }
    };
    match execute(cli) {
        Ok(answer) => match emit(&answer.stdout) {
            Ok(()) => {
                eprint!("{}", answer.stderr);
                answer.code
            }
            Err(error) => {
                eprintln!("error: cannot write the output: {error}");
                EXIT_INPUT
            }
        },
        Err(error) => {
            let style = Style::detect_stderr();
            eprintln!("{} {error}", style.error("error:"));
            error.exit_code()
        }
    }
}
