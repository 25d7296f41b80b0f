//! `phoneup man [--dir DIR]`: the man pages, from the clap definition and the table of
//! [`super::help`]. phoneup(1) documents everything (each command's synopsis, description and
//! options under COMMANDS); `--dir DIR` writes it and one page per command,
//! phoneup-COMMAND(1). Every page has EXAMPLES, EXIT STATUS, ENVIRONMENT, FILES and SEE ALSO,
//! and a SYNOPSIS that shows each option's value (`--from LOAD`).

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::builder::ArgAction;
use clap::{Arg, ValueHint};
use clap_mangen::Man;

use crate::cli::answer::{Answer, EXIT_YES};
use crate::cli::help::{self, Page, State};
use crate::error::Error;
use crate::output::shell_word;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Write phoneup.1 and one page per command (phoneup-plan.1, ...) into this folder, instead of printing phoneup(1)
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    dir: Option<PathBuf>,
}

impl Args {
    /// `command` is phoneup's own clap definition.
    pub(crate) fn run(self, command: clap::Command) -> Result<Answer, Error> {
        let pages = pages(command);
        let Some(dir) = self.dir else {
            let (_, top) = pages.into_iter().next().expect("phoneup(1) comes first");
            return Ok(Answer::new(top, EXIT_YES));
        };
        std::fs::create_dir_all(&dir).map_err(|source| Error::Write {
            path: dir.clone(),
            source,
        })?;
        for (file, text) in &pages {
            let path = dir.join(file);
            std::fs::write(&path, text).map_err(|source| Error::Write { path, source })?;
        }
        let shown = shell_word(&dir.display().to_string());
        Ok(Answer::new(
            format!(
                "Wrote {} man pages into {shown}: phoneup.1 and phoneup-COMMAND.1 for each command.\nRead one with: man -l {shown}/phoneup-plan.1\n",
                pages.len()
            ),
            EXIT_YES,
        ))
    }
}

/// Every page as (file name, roff): phoneup.1 first, then phoneup-COMMAND.1 in the order of
/// `phoneup --help`.
pub(crate) fn pages(mut command: clap::Command) -> Vec<(String, String)> {
    command.build();
    let mut pages = vec![("phoneup.1".to_string(), top_page(&command))];
    for sub in subcommands(&command) {
        pages.push((
            format!("phoneup-{}.1", sub.get_name()),
            command_page(sub, help::page(sub.get_name())),
        ));
    }
    pages
}

fn subcommands(command: &clap::Command) -> impl Iterator<Item = &clap::Command> {
    command
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
}

/// Text made safe for roff: a backslash and a dash escaped, and a line that would start with a
/// control character kept as text.
fn roff(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    escaped
        .lines()
        .map(|line| match line.chars().next() {
            Some('.' | '\'') => format!("\\&{line}"),
            _ => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What clap's sections render, with clap_mangen's own SYNOPSIS and EXTRA left out.
fn clap_sections(man: &Man, options: bool) -> String {
    let mut out = Vec::new();
    man.render_description_section(&mut out)
        .expect("rendering into memory cannot fail");
    if options {
        man.render_options_section(&mut out)
            .expect("rendering into memory cannot fail");
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// phoneup(1).
fn top_page(command: &clap::Command) -> String {
    let top = Man::new(command.clone());
    let mut out = Vec::new();
    top.render_title(&mut out)
        .and_then(|()| top.render_name_section(&mut out))
        .expect("rendering into memory cannot fail");
    let mut page = String::from_utf8_lossy(&out).into_owned();
    page.push_str(".SH SYNOPSIS\n");
    page.push_str(&synopsis("phoneup", command));
    page.push_str(&clap_sections(&top, true));
    page.push_str(".SH COMMANDS\n");
    for sub in subcommands(command) {
        page.push_str(&command_section(sub));
    }
    page.push_str(&section(
        "EXAMPLES",
        &examples(&[
            "phoneup plan --from P0030301MFG2 --to P0S3-08-11-00",
            "phoneup apply --from P0030301MFG2 --to P0S3-08-11-00 --stage 1 --tftp-root /srv/tftp --dry-run",
            "phoneup serve --tftp-root /srv/tftp --to P0S3-08-11-00 --phones-file bench.txt",
            "phoneup man --dir ~/.local/share/man/man1",
        ]),
    ));
    page.push_str(&section("EXIT STATUS", &exit_status(help::TOP_EXIT)));
    page.push_str(&section(
        "ENVIRONMENT",
        &environment(
            help::COLOUR_ENVIRONMENT
                .iter()
                .chain(help::STATE_ENVIRONMENT)
                .chain(help::SERVE_ENVIRONMENT),
        ),
    ));
    page.push_str(&section(
        "FILES",
        &items([
            ("the undo journal", help::JOURNAL_FILES),
            ("serve's state", help::SERVE_FILES),
        ]),
    ));
    let mut see_also: Vec<String> = subcommands(command)
        .map(|sub| format!("phoneup\\-{}(1)", sub.get_name()))
        .collect();
    see_also.push("in.tftpd(8), dnsmasq(8)".into());
    page.push_str(&format!(
        ".SH \"SEE ALSO\"\n{}\n.PP\nThe pages of the commands are written by \\fBphoneup man \\-\\-dir\\fR \\fIDIR\\fR; this page holds all they say but their examples.\n",
        see_also.join(",\n")
    ));
    let mut out = Vec::new();
    top.render_version_section(&mut out)
        .expect("rendering into memory cannot fail");
    page.push_str(&String::from_utf8_lossy(&out));
    page
}

/// One command's part of phoneup(1): its synopsis, description and options as a sub-section.
fn command_section(sub: &clap::Command) -> String {
    let name = format!("phoneup {}", sub.get_name());
    let mut text = format!(".SS \"{name}\"\n{}", synopsis(&name, sub));
    let body = clap_sections(&Man::new(sub.clone()), true);
    for line in body.lines() {
        // The command's own section headings become paragraphs of this sub-section.
        if line.starts_with(".SH ") {
            text.push_str(".PP\n");
        } else {
            text.push_str(line);
            text.push('\n');
        }
    }
    text
}

/// phoneup-COMMAND(1).
fn command_page(sub: &clap::Command, page: &Page) -> String {
    let title = format!("phoneup-{}", sub.get_name());
    let man = Man::new(sub.clone())
        .title(title.clone())
        .source(format!("phoneup {}", env!("CARGO_PKG_VERSION")));
    let mut out = Vec::new();
    man.render_title(&mut out)
        .expect("rendering into memory cannot fail");
    let mut text = String::from_utf8_lossy(&out).into_owned();
    let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
    let _ = writeln!(text, ".SH NAME\n{} \\- {}", roff(&title), roff(&about));
    text.push_str(".SH SYNOPSIS\n");
    text.push_str(&synopsis(&format!("phoneup {}", sub.get_name()), sub));
    text.push_str(&clap_sections(&man, true));
    text.push_str(&section("EXAMPLES", &examples(page.examples)));
    text.push_str(&section("EXIT STATUS", &exit_status(page.exit)));
    let state = page.state != State::None;
    let state_environment: &[(&str, &str)] = if state { help::STATE_ENVIRONMENT } else { &[] };
    let serve_environment: &[(&str, &str)] = if page.state == State::Serve {
        help::SERVE_ENVIRONMENT
    } else {
        &[]
    };
    text.push_str(&section(
        "ENVIRONMENT",
        &environment(
            help::COLOUR_ENVIRONMENT
                .iter()
                .chain(state_environment)
                .chain(serve_environment),
        ),
    ));
    let files = match page.state {
        State::None => format!(
            ".PP\nphoneup {} keeps no file of its own: it reads only what it is given.\n",
            roff(sub.get_name())
        ),
        State::ReadsJournal => items([(
            "the undo journal (read: what an earlier apply moved aside)",
            help::JOURNAL_FILES,
        )]),
        State::Journal => items([("the undo journal", help::JOURNAL_FILES)]),
        State::Serve => items([("serve's state", help::SERVE_FILES)]),
    };
    text.push_str(&section("FILES", &files));
    let mut see_also = vec!["phoneup(1)".to_string()];
    see_also.extend(
        page.see_also
            .iter()
            .map(|other| format!("phoneup\\-{other}(1)")),
    );
    let _ = writeln!(text, ".SH \"SEE ALSO\"\n{}", see_also.join(",\n"));
    text
}

fn section(heading: &str, body: &str) -> String {
    match heading.contains(' ') {
        true => format!(".SH \"{heading}\"\n{body}"),
        false => format!(".SH {heading}\n{body}"),
    }
}

/// Each command line in a block of its own, as typed.
fn examples(lines: &[&str]) -> String {
    lines
        .iter()
        .map(|line| format!(".PP\n.nf\n.RS 4\n{}\n.RE\n.fi\n", roff(line)))
        .collect()
}

fn exit_status(exit: &[(u8, &str)]) -> String {
    items(
        exit.iter()
            .map(|(code, meaning)| (code.to_string(), *meaning)),
    )
}

fn environment<'a>(variables: impl Iterator<Item = &'a (&'a str, &'a str)>) -> String {
    items(variables.map(|(name, what)| (name.to_string(), *what)))
}

/// A list of tagged paragraphs: the tag in bold, then its text.
fn items<'a, T: AsRef<str>>(entries: impl IntoIterator<Item = (T, &'a str)>) -> String {
    entries
        .into_iter()
        .map(|(tag, text)| format!(".TP\n\\fB{}\\fR\n{}\n", roff(tag.as_ref()), roff(text)))
        .collect()
}

/// The SYNOPSIS of `name`: each option with its value (`--from LOAD`), the required first,
/// the optional in brackets, `...` after what may be given more than once.
fn synopsis(name: &str, command: &clap::Command) -> String {
    let mut words = vec![format!("\\fB{}\\fR", roff(name))];
    let shown: Vec<&Arg> = command
        .get_arguments()
        .filter(|a| {
            !a.is_hide_set() && !matches!(a.get_action(), ArgAction::Help | ArgAction::Version)
        })
        .collect();
    let required = shown.iter().filter(|a| a.is_required_set());
    let optional = shown.iter().filter(|a| !a.is_required_set());
    for arg in required.chain(optional) {
        words.push(synopsis_word(arg));
    }
    if command.has_subcommands() {
        words.push("\\fICOMMAND\\fR".into());
    }
    format!("{}\n", words.join(" "))
}

fn synopsis_word(arg: &Arg) -> String {
    let takes_value = arg.get_num_args().is_some_and(|range| range.takes_values());
    let value = || {
        let names = arg
            .get_value_names()
            .map(|names| {
                names
                    .iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_else(|| {
                let values = arg.get_possible_values();
                if !values.is_empty() && values.len() <= 6 && !arg.is_hide_possible_values_set() {
                    values
                        .iter()
                        .map(|v| v.get_name().to_string())
                        .collect::<Vec<_>>()
                        .join("|")
                } else {
                    arg.get_id().as_str().to_uppercase()
                }
            });
        format!("\\fI{}\\fR", roff(&names))
    };
    let mut word = match arg.get_long() {
        Some(long) if takes_value => format!("\\fB\\-\\-{}\\fR {}", roff(long), value()),
        Some(long) => format!("\\fB\\-\\-{}\\fR", roff(long)),
        None => value(),
    };
    if !arg.is_required_set() {
        word = format!("[{word}]");
    }
    if matches!(arg.get_action(), ArgAction::Append) {
        word.push_str("...");
    }
    word
}
