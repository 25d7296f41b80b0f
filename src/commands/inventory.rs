//! `phoneup inventory`: the loads of a TFTP root ([`crate::tftp_root::inventory`]), complete or
//! partial, and the files that are neither firmware nor configuration, as people read them.

use std::fmt::Write as _;

use crate::commands::Report;
use crate::knowledge::models;
use crate::output::{shell_word, NextStep, Style, Untrusted};
use crate::tftp_root::inventory::{Inventory, Status};

/// Fills in [`Inventory::next_step`] when a load is partial or suspect: complete it from its
/// package, and replace each term file of another package with its load's own, then list the
/// loads again.
pub fn next_step(inventory: &mut Inventory) {
    let incomplete = inventory
        .loads
        .iter()
        .any(|load| !matches!(load.status, Status::Complete))
        || inventory
            .family_loads
            .iter()
            .any(|load| !load.missing.is_empty());
    let replace = inventory
        .family_loads
        .iter()
        .filter(|load| !load.foreign_term_files.is_empty())
        .map(|load| {
            format!(
                "replace {} with the one from {}'s package (a factory-reset phone loads what a term file lists)",
                load.foreign_term_files.join(" and "),
                load.load
            )
        });
    let mut what: Vec<String> = Vec::new();
    if incomplete {
        what.push("copy each missing file, and each file that is not Cisco's, from the load's own package under the exact name shown".into());
    }
    what.extend(replace);
    if what.is_empty() {
        return;
    }
    let what = what.join("; ");
    let fix = format!(
        "{}{}, then list the loads again.",
        what[..1].to_uppercase(),
        &what[1..]
    );
    inventory.next_step = Some(NextStep::new(
        fix,
        format!(
            "phoneup inventory --tftp-root {}",
            shell_word(&inventory.tftp_root)
        ),
    ));
}

impl Report for Inventory {
    fn to_text(&self, style: &Style) -> String {
        let mut out = format!(
            "{} {}\n",
            style.bold("TFTP root"),
            Untrusted(&self.tftp_root)
        );
        if self.loads.is_empty() {
            out.push_str("No firmware files.\n");
        }
        for load in &self.loads {
            let status = match load.status {
                Status::Complete => style.good("complete"),
                Status::Partial => style.warning("partial"),
                Status::Suspect => style.error("suspect"),
            };
            let _ = writeln!(
                out,
                "  {:<15} {:<12} {:<8} {status}: {}",
                load.load,
                load.kind.to_string(),
                load.version.as_deref().unwrap_or(""),
                load.present.join(" ")
            );
            if !load.missing.is_empty() {
                let _ = writeln!(out, "      missing: {}", load.missing.join(", "));
            }
            for impostor in &load.impostors {
                let _ = writeln!(out, "      not Cisco's file: {impostor}");
            }
            for note in &load.notes {
                let _ = writeln!(out, "      note: {note}");
            }
        }
        for load in &self.family_loads {
            let status = match load.status {
                Status::Complete => style.good("complete"),
                _ => style.warning("partial"),
            };
            let _ = writeln!(
                out,
                "  {} ({}, {}) {status}: {}",
                load.load,
                load.models,
                load.version,
                load.present.join(" ")
            );
            if !load.missing.is_empty() {
                let _ = writeln!(out, "      missing: {}", load.missing.join(", "));
            }
            if !load.term_files.is_empty() {
                let _ = writeln!(
                    out,
                    "      term files: {} (a factory-reset phone follows these, whichever package they came from)",
                    load.term_files.join(" ")
                );
            }
            if !load.foreign_term_files.is_empty() {
                let _ = writeln!(
                    out,
                    "      another package's: {} ({} other components than {}.loads: a factory-reset phone loads those, not {})",
                    load.foreign_term_files.join(" "),
                    if load.foreign_term_files.len() == 1 { "it lists" } else { "they list" },
                    load.load,
                    load.load
                );
            }
        }
        if !self.config_files.is_empty() {
            let _ = writeln!(out, "  configuration: {}", self.config_files.join(" "));
        }
        if !self.unknown_files.is_empty() {
            let unknown: Vec<String> = self
                .unknown_files
                .iter()
                .map(|f| match models::other_model(f) {
                    Some(other) => format!("{} ({})", Untrusted(f), other.describe()),
                    None => Untrusted(f).to_string(),
                })
                .collect();
            let _ = writeln!(out, "  unknown files: {}", unknown.join(" "));
        }
        for skipped in &self.skipped {
            let _ = writeln!(out, "  not served: {skipped}");
        }
        if let Some(next) = &self.next_step {
            out.push_str(&next.to_text(style));
        }
        out
    }
}
