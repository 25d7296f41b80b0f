//! `phoneup man`: one complete man page. The top-level page, then a COMMANDS section with each
//! subcommand's synopsis, description and every one of its options, so the page documents
//! everything and names no other page that does not exist.

use std::io;

use clap_mangen::Man;

use crate::cli::answer::{Answer, EXIT_YES};

/// `command` is phoneup's own clap definition.
pub(crate) fn run(command: clap::Command) -> Answer {
    let mut buffer = Vec::new();
    render(command, &mut buffer).expect("rendering into memory cannot fail");
    Answer::new(String::from_utf8_lossy(&buffer).into_owned(), EXIT_YES)
}

fn render(mut command: clap::Command, out: &mut Vec<u8>) -> io::Result<()> {
    command.build();
    let top = Man::new(command.clone());
    top.render_title(out)?;
    top.render_name_section(out)?;
    top.render_synopsis_section(out)?;
    top.render_description_section(out)?;
    top.render_options_section(out)?;
    out.extend_from_slice(b".SH COMMANDS\n");
    for sub in command
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        let man = Man::new(sub.clone());
        let mut part = Vec::new();
        man.render_synopsis_section(&mut part)?;
        man.render_description_section(&mut part)?;
        if sub.get_arguments().any(|a| !a.is_hide_set()) {
            man.render_options_section(&mut part)?;
        }
        if sub.get_after_help().is_some() {
            man.render_extra_section(&mut part)?;
        }
        let name = sub
            .get_bin_name()
            .map(str::to_string)
            .unwrap_or_else(|| format!("phoneup {}", sub.get_name()));
        for line in String::from_utf8_lossy(&part).lines() {
            // The subcommand's own section headings become one sub-section of this page.
            let line = match line {
                ".SH SYNOPSIS" => format!(".SS \"{name}\""),
                _ if line.starts_with(".SH ") => ".PP".to_string(),
                _ => line.to_string(),
            };
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
        }
    }
    top.render_extra_section(out)?;
    top.render_version_section(out)
}
