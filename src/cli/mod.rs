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

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueHint};

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
mod help;
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
    after_help = help::top_after_help()
)]
pub struct Cli {
    /// Use this upgrade matrix instead of the built-in one (print the built-in one with `phoneup matrix`)
    #[arg(long, global = true, value_name = "FILE", value_hint = ValueHint::FilePath, help_heading = GLOBAL)]
    matrix: Option<PathBuf>,

    /// When to colour the output: auto colours a terminal, unless NO_COLOR is set (CLICOLOR_FORCE colours a pipe too)
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t, help_heading = GLOBAL)]
    color: output::When,

    #[command(subcommand)]
    command: Command,
}

/// The heading the options every subcommand takes are listed under, after its own.
const GLOBAL: &str = "Global options";

#[derive(Debug, Subcommand)]
enum Command {
    /// Explain load IDs or firmware file names: protocol, version, era, catalogue entry
    #[command(after_help = help::after_help("identify"))]
    Identify(identify::Args),
    /// Plan the reboots from the load the phone runs to the load you want, with every file for each
    #[command(after_help = help::after_help("plan"))]
    Plan(plan::Args),
    /// Check whether one direct jump is safe, or (with --tftp-root) what the next reboot will do
    #[command(after_help = help::after_help("check"))]
    Check(check::Args),
    /// Boot a model of the phone from a TFTP directory: the requests, the image fetched, the screen
    #[command(after_help = help::after_help("simulate"))]
    Simulate(simulate::Args),
    /// Ask a real TFTP server what a phone will ask, and report what the phone will get
    #[command(after_help = help::after_help("probe"))]
    Probe(probe::Args),
    /// Serve a TFTP directory and walk every managed phone through its own plan, live (for many phones)
    #[command(after_help = help::after_help("serve"))]
    Serve(serve::Args),
    /// Write one stage's files into a TFTP root (edits keep your other lines; undo with `phoneup undo`)
    #[command(after_help = help::after_help("apply"))]
    Apply(apply::Args),
    /// Put the TFTP root back as it was before the last apply, byte for byte
    #[command(after_help = help::after_help("undo"))]
    Undo(undo::Args),
    /// List the loads in a TFTP root: complete, partial (and what is missing), and unknown files
    #[command(after_help = help::after_help("inventory"))]
    Inventory(inventory::Args),
    /// Read a TFTP server's log: where each phone is, and why it is stuck
    #[command(after_help = help::after_help("diagnose"))]
    Diagnose(diagnose::Args),
    /// Find what in a TFTP root would make a phone loop or refuse its image
    #[command(after_help = help::after_help("lint"))]
    Lint(lint::Args),
    /// Draw the upgrade matrix (DOT or Mermaid), highlighting the plan when --from and --to are given
    #[command(after_help = help::after_help("graph"))]
    Graph(graph::Args),
    /// Print a shell completion script (bash, zsh, fish, elvish or powershell)
    #[command(after_help = help::after_help("completions"))]
    Completions(completions::Args),
    /// Print the man page phoneup(1), or write it and one page per command into a folder
    #[command(after_help = help::after_help("man"))]
    Man(man::Args),
    /// Print the upgrade matrix in use: sources, loads and rules (copy it to add loads you own)
    #[command(after_help = help::after_help("matrix"))]
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
        Command::Lint(args) => args.run(&context),
        Command::Diagnose(args) => args.run(&context),
        Command::Graph(args) => args.run(&context),
        Command::Completions(args) => Ok(args.run(Cli::command())),
        Command::Man(args) => args.run(Cli::command()),
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

/// Leaves out clap's tip to pass an unknown option "as a value" after `--`: phoneup's
/// positional arguments (load IDs, logs, and the directory or server some commands still read
/// without their option) are never options, so the tip would only mislead (`lint --tfpt-root`).
fn drop_value_tip(error: &mut clap::Error) {
    use clap::error::{ContextKind, ContextValue};
    if let Some(ContextValue::StyledStrs(tips)) = error.get(ContextKind::Suggested) {
        let kept: Vec<_> = tips
            .iter()
            .filter(|tip| !tip.to_string().contains(" as a value, use '"))
            .cloned()
            .collect();
        if kept.is_empty() {
            error.remove(ContextKind::Suggested);
        } else {
            error.insert(ContextKind::Suggested, ContextValue::StyledStrs(kept));
        }
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
        Err(mut error) => {
            // Help and --version go to stdout with 0; usage errors to stderr with 2. Both
            // through the writer, since an error echoes the arguments.
            drop_value_tip(&mut error);
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
                let message = format!(
                    "error: cannot write the output: {}\n",
                    output::IoText(&error)
                );
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
