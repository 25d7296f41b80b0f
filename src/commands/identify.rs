//! `phoneup identify`: what [`crate::knowledge::identify`] reads from each name, as people read
//! it, and its exit code.

use std::fmt::Write as _;

use crate::commands::{Report, EXIT_INPUT, EXIT_YES};
use crate::knowledge::identify::{FamilyIdentity, Identity};
use crate::output::Style;

impl Report for Identity {
    /// 0 for a name phoneup reads, 2 for one it cannot: the name is input.
    fn exit_code(&self) -> u8 {
        if self.error.is_some() {
            EXIT_INPUT
        } else {
            EXIT_YES
        }
    }

    fn to_text(&self, style: &Style) -> String {
        let mut out = String::new();
        if let Some(error) = &self.error {
            let _ = writeln!(out, "{} {error}", style.error("error:"));
            return out;
        }
        let _ = writeln!(out, "{}", style.bold(&self.input));
        if let Some(family) = &self.family {
            family_rows(&mut out, family);
            for note in &self.notes {
                let _ = writeln!(out, "  note: {note}");
            }
            return out;
        }
        let mut row = |label: &str, value: String| {
            let _ = writeln!(out, "  {label:<13}{value}");
        };
        let kind = self.kind.map(|k| k.to_string()).unwrap_or_default();
        row("kind", kind);
        if let Some(protocol) = self.protocol {
            row("protocol", protocol.to_string());
        }
        if let Some(version) = &self.version {
            row("version", version.clone());
        }
        if self.display_version != self.version {
            if let Some(shown) = &self.display_version {
                row("phone shows", shown.clone());
            }
        }
        if let Some(era) = self.era {
            row("era", era.to_string());
        }
        let catalogue = match (&self.catalogue_id, self.kind) {
            (Some(id), _) => format!("yes, as {id}"),
            (None, Some(kind)) if !kind.is_plannable() => "not applicable".into(),
            (None, _) => "no".into(),
        };
        row("catalogue", catalogue);
        if !self.files.is_empty() {
            row("files", self.files.join(" "));
        }
        if let Some(in_package) = self.in_package {
            row(
                "in package",
                if in_package {
                    "yes"
                } else {
                    "no: no package ships this file"
                }
                .to_string(),
            );
        }
        for note in &self.notes {
            let _ = writeln!(out, "  note: {note}");
        }
        out
    }
}

/// The rows of a Java-based phone's load or file.
fn family_rows(out: &mut String, family: &FamilyIdentity) {
    let mut row = |label: &str, value: String| {
        let _ = writeln!(out, "  {label:<13}{value}");
    };
    let kind = match family.kind {
        "term_default" => "default load (term file)",
        "manifest" => "load manifest",
        other => other,
    };
    row("kind", kind.to_string());
    row(
        "models",
        format!("{} (family {})", family.models, family.family),
    );
    if let Some(protocol) = family.protocol {
        row("protocol", protocol.to_string());
    }
    if let Some(release) = &family.release {
        row("version", release.clone());
    }
    if let Some(key) = family.key {
        row("signing key", key.to_string());
    }
    if let Some(version) = &family.component_version {
        row("version", format!("{version} (the component's own)"));
    }
    if family.release.is_some() {
        row(
            "catalogue",
            if family.in_catalogue { "yes" } else { "no" }.to_string(),
        );
    }
    if !family.files.is_empty() {
        row("files", family.files.join(" "));
    }
    row("what", family.what.clone());
}
