//! The commands: what each subcommand does above the domain, and what it answers.
//!
//! The pattern, for every command here and every one that moves up: a command takes what the
//! user asked for, already parsed and checked by [`crate::cli`] (loads as typed, paths, a
//! [`crate::files::mac::Mac`]), calls the domain, and returns a report. A report is plain data
//! that derives `Serialize` (what `--format json` and `--format yaml` print, under names that
//! stay stable) and implements [`Report`]: its text for people, painted with a [`Style`], and
//! the exit code its answer means ([`EXIT_YES`], [`EXIT_NO`]). The command line chooses the
//! format and prints the answer through [`crate::output::Out`] (`cli::answer`'s
//! `Answer::report(format, &report)`); nothing here parses arguments, knows clap, or prints.
//!
//! Two shapes, by who computes the answer:
//!
//! - The domain computes it (lint's findings, a plan, a simulation, a probe): the report type
//!   stays in the domain, and the command is its [`Report`] impl here, in `commands/NAME.rs`,
//!   with the text helpers only it uses ([`lint`], [`plan`], [`check`], [`simulate`],
//!   [`probe`], [`identify`], [`inventory`]). `cli` calls the domain and prints the report.
//! - The command computes it (what `apply` writes, what `undo` put back): the command's
//!   function, its report type and its impl live here ([`apply`], [`undo`]).
//!
//! To move a command up: take its `to_text(&Style)` (and anything else that only renders, or
//! composes `phoneup ...` command lines to suggest) out of the domain file into
//! `commands/NAME.rs` as `impl Report for ItsReport`, move the exit code there from `cli`, and
//! let the domain file keep the data and the logic. The domain below knows no command line: no
//! clap, no [`Style`], no flag names. An error about one of the inputs a command was given
//! says which by its role ([`crate::error::Input`]); `cli` names the flag.
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

/// [`EXIT_YES`] when the answer is yes, [`EXIT_NO`] when it is no.
pub fn yes_or_no(yes: bool) -> u8 {
    if yes {
        EXIT_YES
    } else {
        EXIT_NO
    }
}

/// The name scripts read for a kind (`cr_line_ending`): how it serialises to JSON.
pub fn json_name<T: Serialize>(kind: &T) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

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
