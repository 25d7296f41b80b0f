//! The command line: the top-level parser, dispatch to one file per subcommand, output and exit
//! codes. Each subcommand's file holds its clap arguments and its `run`, which checks what was
//! given, calls the command ([`crate::commands`]) or the domain, and prints the report
//! (`answer.rs`). Errors about an input are named here by the flag that gave it
//! (`args::flag`); the command line's enums (`--model`, `--prefer`, graph's `--format`) are
//! its own mirrors of the domain's.
//!
//! Exit codes ([`crate::commands::EXIT_YES`] and the others): 0 yes / done; 1 the answer is no
//! (refused jump, no path); 2 usage or input error.
//!
//! May use every other module; nothing uses it but `main.rs`.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::PathBuf;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::error::Error;
use crate::output::{self, Format, Out, Style};

use answer::{Answer, Context, EXIT_INPUT, EXIT_YES};

mod answer;
mod apply;
mod args;
mod check;
mod completions;
mod diagnose;
mod graph;
mod identify;
mod inventory;
mod lint;
mod man;
mod matrix;
mod plan;
mod probe;
mod serve;
mod signals;
mod simulate;
mod undo;

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

    /// When to colour the output: auto colours a terminal, unless NO_COLOR is set (CLICOLOR_FORCE colours a pipe too)
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t)]
    color: output::When,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Explain load IDs or firmware file names: protocol, version, era, catalogue entry
    #[command(
        after_help = "Examples:\n  phoneup identify P0030301MFG2 PC0303010200\n  phoneup identify P0S3-8-12-00.loads --format json"
    )]
    Identify(identify::Args),
    /// Plan the reboots from the load the phone runs to the load you want, with every file for each
    #[command(
        after_help = "Example:\n  phoneup plan --from P0030301MFG2 --to P0S3-08-11-00\n\n\
                            Exit codes: 0 a plan was printed, 1 no safe path exists, 2 bad input."
    )]
    Plan(plan::Args),
    /// Check whether one direct jump is safe, or (with --tftp-root) what the next reboot will do
    #[command(
        after_help = "Examples:\n  phoneup check --from P0030301MFG2 --to P0S3-07-4-00\n  \
                            phoneup check --from P0S3-06-3-00 --tftp-root /srv/tftp --mac 00:18:B9:FF:FF:FF\n\n\
                            Exit codes: 0 safe / the phone ends where you want it, 1 refused, not known to be safe, \
                            loops or ends elsewhere, 2 bad input."
    )]
    Check(check::Args),
    /// Boot a model of the phone from a TFTP directory: the requests, the image fetched, the screen
    #[command(
        after_help = "Examples:\n  phoneup simulate --from P003-08-11-00 --tftp-root /srv/tftp --mac 0018B9FFFFFF\n  \
                            phoneup simulate --from P003-08-11-00 --server 192.0.2.10 --mac 0018B9FFFFFF\n\n\
                            Exit codes: 0 the phone settles on a load, 1 it loops, refuses its image or does not settle, 2 bad input."
    )]
    Simulate(simulate::Args),
    /// Ask a real TFTP server what a phone will ask, and report what the phone will get
    #[command(after_help = "Examples:\n  phoneup probe 192.0.2.10\n  \
                            phoneup probe 127.0.0.1:6969 --from P0S3-06-3-00 --to P0S3-08-11-00 --format json\n\n\
                            Exit codes: 0 the phone will get what it needs, 1 findings or no answer, 2 bad input.")]
    Probe(probe::Args),
    /// Serve a TFTP directory and walk every managed phone through its own plan, live
    #[command(
        after_help = "Examples:\n  phoneup serve --root /srv/tftp --to P0S3-08-11-00 --phones-file bench.txt --leases /var/lib/misc/dnsmasq.leases\n  \
                            phoneup serve --root /srv/tftp --to P0S3-08-11-00 --all --events json\n  \
                            phoneup serve --print-dhcp dnsmasq --listen 192.0.2.10\n\n\
                            Exit codes: 0 stopped with no phone failed or stuck, 1 some phone failed or is stuck, 2 bad input or the port cannot be opened."
    )]
    Serve(serve::Args),
    /// Write one stage's files into a TFTP root (edits keep your other lines; undo with `phoneup undo`)
    #[command(
        after_help = "Example:\n  phoneup apply --from P0030301MFG2 --to P0S3-08-11-00 --stage 1 --tftp-root /srv/tftp --dry-run\n\n\
                            Exit codes: 0 written (or shown with --dry-run), 1 refused (firmware missing, or the stage \
                            cannot be per-phone), 2 bad input or a file that cannot be read or written."
    )]
    Apply(apply::Args),
    /// Put the TFTP root back as it was before the last apply, byte for byte
    Undo(undo::Args),
    /// List the loads in a TFTP root: complete, partial (and what is missing), and unknown files
    Inventory(inventory::Args),
    /// Read a TFTP server's log: where each phone is, and why it is stuck
    #[command(
        after_help = "Examples:\n  phoneup diagnose /var/log/syslog --to P0S3-08-11-00\n  \
                            journalctl -u tftpd-hpa | phoneup diagnose\n  \
                            phoneup diagnose --follow /var/log/syslog\n\n\
                            Exit codes: 0 no findings, 1 findings, 2 a log or the directory cannot be read."
    )]
    Diagnose(diagnose::Args),
    /// Find what in a TFTP root would make a phone loop or refuse its image
    #[command(after_help = "Exit codes: 0 clean, 1 findings, 2 the directory cannot be read.")]
    Lint(lint::Args),
    /// Draw the upgrade matrix (DOT or Mermaid), highlighting the plan when --from and --to are given
    #[command(
        after_help = "Example:\n  phoneup graph --from P0030301MFG2 --to P0S3-08-11-00 | dot -Tsvg > plan.svg"
    )]
    Graph(graph::Args),
    /// Print a shell completion script (bash, zsh, fish, elvish or powershell)
    #[command(
        after_help = "Examples:\n  phoneup completions bash > ~/.local/share/bash-completion/completions/phoneup\n  \
                            phoneup completions zsh > ~/.zfunc/_phoneup\n  \
                            phoneup completions fish > ~/.config/fish/completions/phoneup.fish"
    )]
    Completions(completions::Args),
    /// Print the man page (roff): `phoneup man > phoneup.1`, then `man ./phoneup.1`
    Man,
    /// Print the upgrade matrix in use: sources, loads and rules (copy it to add loads you own)
    Matrix,
}

fn execute(cli: Cli) -> Result<Answer, Error> {
    let context = Context::new(cli.matrix);
    match cli.command {
        Command::Identify(args) => args.run(&context),
        Command::Plan(args) => args.run(&context),
        Command::Check(args) => args.run(&context),
        Command::Simulate(args) => args.run(&context),
        Command::Probe(args) => args.run(&context),
        Command::Serve(args) => args.run(&context),
        Command::Apply(args) => args.run(&context),
        Command::Undo(args) => args.run(),
        Command::Inventory(args) => args.run(&context),
        Command::Lint(args) => args.run(),
        Command::Diagnose(args) => args.run(&context),
        Command::Graph(args) => args.run(&context),
        Command::Completions(args) => Ok(args.run(Cli::command())),
        Command::Man => Ok(man::run(Cli::command())),
        Command::Matrix => matrix::run(&context),
    }
}

/// Writes `text` to `out`, an [`Out`]; a closed pipe (`phoneup plan ... | head`) is not an error.
fn emit<W: Write>(mut out: Out<W>, text: &str) -> io::Result<()> {
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Runs phoneup with these arguments (the first is the program name) and returns the exit code.
pub fn run<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    // Plain styles: clap's message then holds the arguments as typed, for the writer to show
    // escaped (its own rendering would drop an escape sequence, and what surrounds it).
    let parsed = Cli::command()
        .styles(clap::builder::Styles::plain())
        .try_get_matches_from(args)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(error) => {
            // Help and --version go to stdout with 0; usage errors to stderr with 2. Both
            // through the writer, since an error echoes the arguments.
            let message = error.render().ansi().to_string();
            if !error.use_stderr() {
                let _ = emit(Out::text(io::stdout().lock(), Style::plain()), &message);
                return EXIT_YES;
            }
            let _ = emit(Out::text(io::stderr().lock(), Style::plain()), &message);
            return EXIT_INPUT;
        }
    };
    output::choose_colour(cli.color);
    match execute(cli).map_err(|error| error.name_inputs(args::flag)) {
        Ok(answer) => match emit(Out::stdout(Format::Text), &answer.stdout) {
            Ok(()) => {
                let _ = emit(Out::stderr(), &answer.stderr);
                answer.code
            }
            Err(error) => {
                let message = format!("error: cannot write the output: {error}\n");
                let _ = emit(Out::text(io::stderr().lock(), Style::plain()), &message);
                EXIT_INPUT
            }
        },
        Err(error) => {
            let style = Style::stderr();
            let message = format!("{} {error}\n", style.error("error:"));
            let _ = emit(Out::text(io::stderr().lock(), style), &message);
            error.exit_code()
        }
    }
}
