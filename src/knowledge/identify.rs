//! `phoneup identify`: what a load ID or firmware file name means.

use std::fmt::Write as _;

use serde::Serialize;

use crate::knowledge::catalogue;
use crate::knowledge::load_id::{Era, Kind, LoadId, Protocol};
use crate::knowledge::matrix::Matrix;
use crate::output::Style;

/// Everything phoneup reads from one name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identity {
    pub input: String,
    /// The load ID without extension, as given.
    pub load: Option<String>,
    pub extension: Option<String>,
    pub kind: Option<Kind>,
    pub protocol: Option<Protocol>,
    pub major: Option<u32>,
    pub minor: Option<u32>,
    /// Maintenance version (SCCP) or sub-version (SIP, loader).
    pub maintenance: Option<u32>,
    pub maintenance_sub: Option<u32>,
    pub service_release: Option<String>,
    pub tag: Option<String>,
    pub era: Option<Era>,
    /// The release name: the catalogue's when it knows the load (`8.1(2)SR2`).
    pub version: Option<String>,
    /// The version as the phone's Version line shows it (`8.1(SR.2)`).
    pub display_version: Option<String>,
    pub in_catalogue: bool,
    /// The catalogue's spelling, which plans use (`P0S3-08-11-00` for `P0S3-8-11-00`).
    pub catalogue_id: Option<String>,
    /// The files of the package, when the catalogue knows them.
    pub files: Vec<String>,
    pub notes: Vec<String>,
    /// Why the name is not a 7940/7960 load ID.
    pub error: Option<String>,
}

/// Identifies one name. Never fails: a bad name is reported in `error`.
pub fn identify(matrix: &Matrix, input: &str) -> Identity {
    let mut identity = Identity {
        input: input.to_string(),
        load: None,
        extension: None,
        kind: None,
        protocol: None,
        major: None,
        minor: None,
        maintenance: None,
        maintenance_sub: None,
        service_release: None,
        tag: None,
        era: None,
        version: None,
        display_version: None,
        in_catalogue: false,
        catalogue_id: None,
        files: Vec::new(),
        notes: Vec::new(),
        error: None,
    };
    let id = match LoadId::parse(input) {
        Ok(id) => id,
        Err(_) => {
            let error = catalogue::resolve(matrix, input, "")
                .err()
                .map(|e| e.to_string());
            identity.error = error;
            return identity;
        }
    };
    identity.load = Some(id.name().to_string());
    identity.extension = id.extension().map(str::to_string);
    identity.kind = Some(id.kind());
    identity.protocol = id.protocol();
    identity.major = id.major();
    identity.minor = id.minor();
    identity.maintenance = id.maintenance();
    identity.maintenance_sub = id.maintenance_sub();
    identity.service_release = id.service_release().map(|n| format!("SR{n}"));
    identity.tag = id.tag().map(str::to_string);
    identity.era = id.era();
    identity.display_version = id.display_version();
    identity.version = id.display_version();
    match id.kind() {
        Kind::Boot => identity.notes.push(
            "This is the Boot Load ID: the phone's boot ROM, not an application. Plan from the App Load ID (Settings > Status > Firmware Versions, the line above it).".into(),
        ),
        Kind::Loader => identity.notes.push(
            "The Universal Application Loader shipped inside a SIP 7.x/8.x package; its third character is 0 although it belongs to SIP.".into(),
        ),
        Kind::Application => {}
    }
    if id.protocol() == Some(Protocol::Mgcp) && identity.era.is_none() {
        identity.notes.push(
            "A signed MGCP load; whether it runs on the Universal Application Loader is unknown, and no rule covers MGCP upgrades.".into(),
        );
    }
    if let Some(load) = matrix.find(&id) {
        identity.in_catalogue = true;
        identity.catalogue_id = Some(load.name().to_string());
        identity.version = Some(load.version.clone());
        identity.files = load.files.clone();
        if load.name() != id.name() {
            identity.notes.push(format!(
                "The catalogue spells this load {}; plans use that spelling.",
                load.name()
            ));
        }
        if let Some(note) = &load.note {
            identity.notes.push(format!("{note}."));
        }
    } else if id.kind() != Kind::Boot {
        identity
            .notes
            .push("Not in the catalogue: phoneup can plan from it, but not to it.".into());
    }
    identity
}

impl Identity {
    pub fn to_text(&self, style: &Style) -> String {
        let mut out = String::new();
        if let Some(error) = &self.error {
            let _ = writeln!(out, "{} {error}", style.error("error:"));
            return out;
        }
        let _ = writeln!(out, "{}", style.bold(&self.input));
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
            (None, Some(Kind::Boot)) => "not applicable".into(),
            (None, _) => "no".into(),
        };
        row("catalogue", catalogue);
        if !self.files.is_empty() {
            row("files", self.files.join(" "));
        }
        for note in &self.notes {
            let _ = writeln!(out, "  note: {note}");
        }
        out
    }
}
