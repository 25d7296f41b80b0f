//! The command line: argument parsing, dispatch, output and exit codes.
//!
//! Exit codes: 0 yes / done; 1 the answer is no (refused jump, no path); 2 usage or input error.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::PathBuf;

use clap::{CommandFactory, Parser, Subcommand};

use crate::apply::{self, ApplyRequest};
use crate::catalogue;
use crate::check;
use crate::diagram::{self, DiagramFormat};
use crate::error::Error;
use crate::graph::UpgradeGraph;
use crate::identify;
use crate::inventory;
use crate::lint;
use crate::matrix::{Matrix, BUILTIN_YAML};
use crate::output::{structured, Format, Style};
use crate::phone_model::Model;
use crate::plan::{self, Outcome, Request};
use crate::simulator::{Ending, Phone, ServerBehaviour};
use crate::tftp_root::TftpRoot;

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
        #[command(flatten)]
        route: RouteArgs,
        /// Your TFTP directory: prefer intermediates whose files are there, and list what is not
        #[arg(long, value_name = "DIR")]
        tftp_root: Option<PathBuf>,
        /// Output format
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Check whether one direct jump is safe, or (with --tftp-root) what the next reboot will do
    #[command(
        after_help = "Examples:\n  phoneup check --from P0030301MFG2 --to P0S3-07-4-00\n  \
                            phoneup check --from P0S3-06-3-00 --tftp-root /srv/tftp --mac 00:18:B9:FF:FF:FF\n\n\
                            Exit codes: 0 safe / the phone ends where you want it, 1 refused, not known to be safe, \
                            loops or ends elsewhere, 2 bad input."
    )]
    Check {
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
        /// Which phones the XMLDefault.cnf.xml entries address (without --tftp-root)
        #[arg(long, value_enum, default_value_t)]
        model: Model,
        /// Output format
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Boot a model of the phone from a TFTP directory: the requests, the image fetched, the screen
    #[command(
        after_help = "Example:\n  phoneup simulate --from P003-08-11-00 --tftp-root /srv/tftp --mac 0018B9FFFFFF\n\n\
                            Exit codes: 0 the phone settles on a load, 1 it loops, refuses its image or does not settle, 2 bad input."
    )]
    Simulate {
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
    },
    /// Write one stage's files into a TFTP root (edits keep your other lines; undo with `phoneup undo`)
    #[command(
        after_help = "Example:\n  phoneup apply --from P0030301MFG2 --to P0S3-08-11-00 --stage 1 --tftp-root /srv/tftp --dry-run\n\n\
                            Exit codes: 0 written (or shown with --dry-run), 1 refused (firmware missing, or the stage \
                            cannot be per-phone), 2 bad input or a file that cannot be read or written."
    )]
    Apply {
        #[command(flatten)]
        route: RouteArgs,
        /// Which stage (reboot) of the plan to write, from 1
        #[arg(long, value_name = "N")]
        stage: usize,
        /// The directory your TFTP server serves
        #[arg(long, value_name = "DIR")]
        tftp_root: PathBuf,
        /// Write per-phone files (SEP<MAC>.cnf.xml, SIP<MAC>.cnf) for this phone instead of the defaults
        #[arg(long, value_name = "MAC")]
        mac: Option<String>,
        /// Show a unified diff of what would change and write nothing
        #[arg(long)]
        dry_run: bool,
        /// Write even when the stage's firmware is missing, or the global OS79XX.TXT with --mac
        #[arg(long)]
        force: bool,
        /// Output format
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Put the TFTP root back as it was before the last apply, byte for byte
    Undo {
        /// The directory your TFTP server serves
        #[arg(long, value_name = "DIR")]
        tftp_root: PathBuf,
        /// Output format
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// List the loads in a TFTP root: complete, partial (and what is missing), and unknown files
    Inventory {
        /// The directory your TFTP server serves
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// Output format
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Find what in a TFTP root would make a phone loop or refuse its image
    #[command(after_help = "Exit codes: 0 clean, 1 findings, 2 the directory cannot be read.")]
    Lint {
        /// The directory your TFTP server serves
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// Check only this phone's per-phone files (SEP<MAC>.cnf.xml, SIP<MAC>.cnf), not other phones'
        #[arg(long, value_name = "MAC")]
        mac: Option<String>,
        /// Output format
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Draw the upgrade matrix (DOT or Mermaid), highlighting the plan when --from and --to are given
    #[command(
        after_help = "Example:\n  phoneup graph --from P0030301MFG2 --to P0S3-08-11-00 | dot -Tsvg > plan.svg"
    )]
    Graph {
        /// Output format
        #[arg(long, value_enum, default_value_t)]
        format: DiagramFormat,
        /// Highlight the plan from this load
        #[arg(long, value_name = "LOAD", requires = "to")]
        from: Option<String>,
        /// Highlight the plan to this load
        #[arg(long, value_name = "LOAD", requires = "from")]
        to: Option<String>,
        /// Draw every load and jump instead of families of loads the rules treat alike
        #[arg(long)]
        loads: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish or powershell)
    #[command(
        after_help = "Examples:\n  phoneup completions bash > ~/.local/share/bash-completion/completions/phoneup\n  \
                            phoneup completions zsh > ~/.zfunc/_phoneup\n  \
                            phoneup completions fish > ~/.config/fish/completions/phoneup.fish"
    )]
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): `phoneup man > phoneup.1`, then `man ./phoneup.1`
    Man,
    /// Print the upgrade matrix in use: sources, loads and rules (copy it to add loads you own)
    Matrix,
}

/// The route a plan takes, shared by `plan` and `apply`.
#[derive(Debug, clap::Args)]
struct RouteArgs {
    /// The App Load ID the phone shows (at the start of the plan)
    #[arg(long, value_name = "LOAD")]
    from: String,
    /// The load you want it to run at the end
    #[arg(long, value_name = "LOAD")]
    to: String,
    /// Go through this load on the way (repeatable, in order)
    #[arg(long, value_name = "LOAD")]
    via: Vec<String>,
    /// Never pass through this load (repeatable)
    #[arg(long, value_name = "LOAD")]
    avoid: Vec<String>,
    /// Which phones the loadInformation entries address
    #[arg(long, value_enum, default_value_t)]
    model: Model,
}

impl RouteArgs {
    fn request(self, tftp_root: Option<PathBuf>) -> Request {
        Request {
            from: self.from,
            to: self.to,
            via: self.via,
            avoid: self.avoid,
            model: self.model,
            tftp_root,
        }
    }
}

/// How the simulated phone and server behave.
#[derive(Debug, clap::Args)]
struct PhoneArgs {
    /// The phone's MAC address, for its per-phone files (SEP<MAC>.cnf.xml, SIP<MAC>.cnf)
    #[arg(long, value_name = "MAC")]
    mac: Option<String>,
    /// How many reboots to simulate at most
    #[arg(long, value_name = "N", default_value_t = 6, value_parser = clap::value_parser!(u16).range(1..=100))]
    boots: u16,
    /// How the TFTP server answers requests for missing files
    #[arg(long, value_enum, default_value_t)]
    server: ServerBehaviour,
}

impl PhoneArgs {
    fn phone(&self, model: Model) -> Result<Phone, Error> {
        let mac = self.mac.as_deref().map(parse_mac).transpose()?;
        Ok(Phone {
            model,
            mac,
            server: self.server,
        })
    }
}

/// `00:18:b9:ff:ff:ff`, `00-18-B9-FF-FF-FF` or `0018B9FFFFFF`, as the phone spells it: upper case.
fn parse_mac(text: &str) -> Result<String, Error> {
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, ':' | '-' | '.'))
        .collect();
    if digits.len() == 12 && digits.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(digits.to_ascii_uppercase())
    } else {
        Err(Error::BadMac {
            flag: "--mac",
            value: text.to_string(),
        })
    }
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
    // Only the commands that read the matrix pay for loading it.
    let matrix = || load_matrix(&cli.matrix);
    Ok(match cli.command {
        Command::Identify { ids, format } => {
            let matrix = matrix()?;
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
            route,
            tftp_root,
            format,
        } => {
            let request = route.request(tftp_root);
            match plan::plan(&matrix()?, &request)? {
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
            tftp_root: None,
            model,
            format,
            ..
        } => {
            let to = to.expect("clap requires --to without --tftp-root");
            let check = check::check(&matrix()?, &from, &to, model)?;
            let code = check.verdict.exit_code();
            Answer::new(render(format, &check, |s| check.to_text(s)), code)
        }
        Command::Check {
            from,
            to,
            tftp_root: Some(dir),
            phone,
            model,
            format,
        } => {
            let boots = usize::from(phone.boots);
            let phone = phone.phone(model)?;
            let report = check::check_root(&matrix()?, &from, to.as_deref(), &dir, &phone, boots)?;
            let code = if report.ok { EXIT_YES } else { EXIT_NO };
            Answer::new(render(format, &report, |s| report.to_text(s)), code)
        }
        Command::Simulate {
            from,
            tftp_root,
            phone,
            model,
            format,
        } => {
            if model == Model::Both {
                return Err(Error::Usage {
                    message: "simulate runs one phone: give --model 7940 or --model 7960".into(),
                });
            }
            let boots = usize::from(phone.boots);
            let phone = phone.phone(model)?;
            let start = catalogue::resolve(&matrix()?, &from, "--from")?;
            let root = TftpRoot::from_dir(&tftp_root)?;
            let simulation = phone.simulate(&start.id, &root, boots);
            let code = if simulation.ending == Ending::Stable {
                EXIT_YES
            } else {
                EXIT_NO
            };
            Answer::new(render(format, &simulation, |s| simulation.to_text(s)), code)
        }
        Command::Apply {
            route,
            stage,
            tftp_root,
            mac,
            dry_run,
            force,
            format,
        } => {
            let request = ApplyRequest {
                // The same directory steers the plan, so apply and plan --tftp-root agree.
                plan: route.request(Some(tftp_root.clone())),
                stage,
                dir: tftp_root,
                mac: mac.as_deref().map(parse_mac).transpose()?,
                dry_run,
                force,
            };
            let report = apply::apply(&matrix()?, &request)?;
            let code = report.exit_code();
            Answer::new(render(format, &report, |s| report.to_text(s)), code)
        }
        Command::Undo { tftp_root, format } => {
            let report = apply::undo(&tftp_root)?;
            let code = report.exit_code();
            Answer::new(render(format, &report, |s| report.to_text(s)), code)
        }
        Command::Inventory { dir, format } => {
            let report = inventory::inventory(&matrix()?, &dir)?;
            Answer::new(render(format, &report, |s| report.to_text(s)), EXIT_YES)
        }
        Command::Lint { dir, mac, format } => {
            let mac = mac.as_deref().map(parse_mac).transpose()?;
            let report = lint::lint(&dir, mac.as_deref())?;
            let code = report.exit_code();
            Answer::new(render(format, &report, |s| report.to_text(s)), code)
        }
        Command::Graph {
            format,
            from,
            to,
            loads,
        } => {
            let matrix = matrix()?;
            let mut path = Vec::new();
            // A start the catalogue lacks is drawn too, as plan treats it.
            let start = match &from {
                Some(from) => Some(catalogue::resolve(&matrix, from, "--from")?),
                None => None,
            };
            let extra = start.filter(|load| !load.in_catalogue);
            if let (Some(from), Some(to)) = (from, to) {
                let request = Request::new(from, to);
                match plan::plan(&matrix, &request)? {
                    Outcome::Plan(plan) => {
                        path = plan.stages.into_iter().map(|s| (s.from, s.to)).collect();
                    }
                    Outcome::NoPath(no_path) => {
                        let style = Style::detect();
                        return Ok(Answer::new(no_path.to_text(&style), EXIT_NO));
                    }
                }
            }
            let graph = UpgradeGraph::new(&matrix, extra.as_ref());
            Answer::new(diagram::render(&graph, format, &path, loads), EXIT_YES)
        }
        Command::Completions { shell } => {
            let mut buffer = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "phoneup", &mut buffer);
            Answer::new(String::from_utf8_lossy(&buffer).into_owned(), EXIT_YES)
        }
        Command::Man => {
            let mut buffer = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut buffer)
                .expect("rendering into memory cannot fail");
            Answer::new(String::from_utf8_lossy(&buffer).into_owned(), EXIT_YES)
        }
        Command::Matrix => {
            matrix()?;
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
