//! The commands: what each subcommand does above the domain, and what it answers.
//!
//! The pattern, for every command here and every one that moves up: a command takes what the
//! user asked for, already parsed and checked by [`crate::cli`] (loads as typed, paths, a
//! [`crate::files::mac::Mac`]), calls the domain, and returns a report. A report is plain data
//! that derives `Serialize` (what `--format json` and `--format yaml` print, under names that
//! stay stable) and implements [`Report`]: its text for people, painted with a [`Style`], and
//! the exit code its answer means ([`EXIT_YES`], [`EXIT_NO`]). A report that belongs to the
//! domain (a [`crate::plan::Plan`], a [`crate::tftp_root::lint::Lint`]) gets its [`Report`] here,
//! beside the command; a report only the command makes ([`apply::ApplyReport`]) is defined here
//! too. The command line chooses the format and prints the answer through
//! [`crate::output::Out`]; nothing here parses arguments, knows clap, or prints.
//!
//! What stays below is what the commands share and no command owns: the checks and
//! computations (lint's findings, a plan, a simulation). The domain knows no command line: no
//! clap, no [`Style`], no flag names. A command line a report suggests (`phoneup apply ...`,
//! `phoneup undo ...`) is composed here; an error about one of the loads a command was given
//! says which by its role ([`crate::error::Input`]), and `cli` names the flag.
//!
//! May use every layer below it (knowledge, files, tftp_root, phone, plan, wire, logs) and
//! [`crate::error`] and [`crate::output`]; only [`crate::cli`] uses it.

use serde::Serialize;

use crate::knowledge::matrix::Confidence;
use crate::output::Style;

pub mod apply;
pub mod check;
pub mod graph;
pub mod identify;
pub mod inventory;
pub mod lint;
pub mod plan;
pub mod probe;
pub mod simulate;
pub mod undo;

/// Exit code: yes / done.
pub const EXIT_YES: u8 = 0;
/// Exit code: the answer is no (refused, no path, findings, unfinished).
pub const EXIT_NO: u8 = 1;
/// Exit code: usage or input error.
pub const EXIT_INPUT: u8 = 2;

/// A confidence in words, green, yellow or red when `style` has colour.
pub fn painted(confidence: Confidence, style: &Style) -> String {
    let text = confidence.to_string();
    match confidence {
        Confidence::High => style.good(&text),
        Confidence::Medium => style.warning(&text),
        Confidence::Low => style.error(&text),
    }
}

/// What a command answers: data for scripts (`Serialize`), text for people, and an exit code.
pub trait Report: Serialize {
    /// The answer as people read it, painted with `style` (colour only when it has some).
    fn to_text(&self, style: &Style) -> String;

    /// [`EXIT_YES`] when the answer is yes or the command did what it was asked, [`EXIT_NO`]
    /// when the answer is no.
    fn exit_code(&self) -> u8 {
        EXIT_YES
    }
}
