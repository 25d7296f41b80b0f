//! What a load ID or firmware file name means, as `phoneup identify` answers it (its text is
//! the command's, [`crate::commands::identify`]).

use serde::Serialize;

use crate::error::Input;
use crate::knowledge::catalogue;
use crate::knowledge::family::{
    Component, JavaFile, JavaLoad, JavaModel, JavaProtocol, KeyEra, MODELS,
};
use crate::knowledge::load_id::{Era, Kind, LoadId, MatchKey, Protocol};
use crate::knowledge::matrix::{Load, Matrix};
use crate::knowledge::typography;

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
    /// For a file name: whether the catalogue's package of that load holds such a file (in any
    /// spelling); `null` for a bare load ID or a load the catalogue lacks.
    pub in_package: Option<bool>,
    pub notes: Vec<String>,
    /// Why the name is not a 7940/7960 load ID.
    pub error: Option<String>,
    /// For a Java-based phone's load or file (7906 to 7975): what it is; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family: Option<FamilyIdentity>,
}

/// What a Java-based phone's load ID or file name is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FamilyIdentity {
    /// `load` (a load ID), `manifest` (its `.loads`), `term_default` or `component`.
    pub kind: &'static str,
    /// `41`.
    pub family: String,
    /// `7941/7961`, or the one model of a term file.
    pub models: String,
    pub protocol: Option<JavaProtocol>,
    /// The release a load names (`9.4(2)SR3`).
    pub release: Option<String>,
    /// `old`, `dual` or `new`: the signing key of the release.
    pub key: Option<KeyEra>,
    pub component: Option<Component>,
    /// A component's own version (`9-4-2ES26`), which is not the load's.
    pub component_version: Option<String>,
    /// Whether the matrix's families section lists the load.
    pub in_catalogue: bool,
    /// The components of the load, where the sources name them.
    pub files: Vec<String>,
    /// What the file is, in a sentence.
    pub what: String,
}

/// Identifies a Java-based phone's load ID or file, if the name is one.
fn identify_family(matrix: &Matrix, input: &str) -> Option<FamilyIdentity> {
    let file = JavaFile::parse(input);
    let load = match &file {
        Some(JavaFile::Manifest(load)) => Some(load.clone()),
        Some(_) => None,
        None => Some(JavaLoad::parse(input)?),
    };
    let mut identity = FamilyIdentity {
        kind: "load",
        family: String::new(),
        models: String::new(),
        protocol: None,
        release: None,
        key: None,
        component: None,
        component_version: None,
        in_catalogue: false,
        files: Vec::new(),
        what: String::new(),
    };
    if let Some(load) = &load {
        identity.family = load.family().to_string();
        identity.models = load.models();
        identity.protocol = Some(load.protocol());
        identity.release = Some(load.release().to_string());
        identity.key = Some(load.key_era());
        if let Some(known) = matrix.families.load(load.name()) {
            identity.in_catalogue = true;
            identity.files.clone_from(&known.files);
        }
        identity.what = if file.is_some() {
            identity.kind = "manifest";
            format!("the manifest of {}: a signed list of its five components (jar, cnu, apps, dsp, cvm), which the phone fetches in that order after loadInformation names {}", load.describe(), load.name())
        } else {
            format!("{}, signed with the {}; loadInformation in SEP<MAC>.cnf.xml or XMLDefault.cnf.xml names it, and the phone fetches {}.loads", load.describe(), load.key_era(), load.name())
        };
        return Some(identity);
    }
    match file? {
        JavaFile::TermDefault(model) => {
            identity.kind = "term_default";
            identity.family = model.family.to_string();
            let models: Vec<String> = MODELS
                .iter()
                .filter(|m| m.term == model.term)
                .map(ToString::to_string)
                .collect();
            identity.models = models.join(", ");
            identity.what = format!("the default load of the {}: after a factory reset (hold #, then 123456789*0#) the phone fetches this file and installs the components it lists, whatever loadInformation says; every {} package carries it", identity.models, JavaModel::family_models(model.family));
        }
        JavaFile::Component {
            component,
            family,
            protocol,
            version,
        } => {
            identity.kind = "component";
            identity.family = family.to_string();
            identity.models = JavaModel::family_models(family);
            identity.protocol = protocol;
            identity.component = Some(component);
            identity.component_version = Some(version);
            identity.what = format!("a component of a {} load: {}; its version is the component's, not the load's, and the phone asks for it spelled exactly as the .loads lists it", identity.models, component.explain());
        }
        JavaFile::Manifest(_) => return None,
    }
    Some(identity)
}

/// The key of a file name regardless of its spelling and of the case of its extension.
fn file_key(name: &str) -> Option<(MatchKey, String)> {
    let id = LoadId::parse(name).ok()?;
    Some((id.match_key(), id.extension()?.to_ascii_lowercase()))
}

/// Identifies one name. Never fails: a bad name is reported in `error`. A name pasted with
/// typographic dashes is identified as the name it shows, with a note saying so.
pub fn identify(matrix: &Matrix, input: &str) -> Identity {
    if let Some(folded) = typography::fold(input) {
        let mut identity = identify(matrix, &folded.text);
        identity.input = input.to_string();
        identity.notes.splice(0..0, typography::note("", input));
        return identity;
    }
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
        in_package: None,
        notes: Vec::new(),
        error: None,
        family: None,
    };
    if let Some(family) = identify_family(matrix, input) {
        if !family.in_catalogue && family.release.is_some() {
            identity.notes.push("Not in the catalogue of the 7906 to 7975 loads: phoneup can check it, and plan from it, but not through it.".into());
        }
        identity.family = Some(family);
        return identity;
    }
    let id = match LoadId::parse(input) {
        Ok(id) => id,
        Err(_) => {
            // The Version line the phone shows, where it names one catalogue load.
            if let [load] = catalogue::version_line(matrix, input).as_slice() {
                let mut identity = identify(matrix, load.name());
                identity.input = input.to_string();
                identity.notes.insert(
                    0,
                    format!(
                        "This is a Version line, as Settings > Status > Firmware Versions shows it; it belongs to the App Load ID {}: plan with that.",
                        load.name()
                    ),
                );
                return identity;
            }
            let error = catalogue::resolve(matrix, input, Input::Name)
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
        Kind::Boot | Kind::Dsp => identity.notes.push(format!(
            "This is the {}, not the App Load ID. Plan from the App Load ID (Settings > Status > Firmware Versions, the first line).",
            catalogue::not_an_application(id.kind()).unwrap_or_default()
        )),
        Kind::Loader => {
            identity.notes.push(
                "The Universal Application Loader shipped inside a SIP or MGCP 7.x/8.x package; its third character is 0 although it is not SCCP.".into(),
            );
            identity.notes.push(matrix.caution("cdp-loader-name", &[("from", id.name())]));
        }
        Kind::Application => {}
    }
    if id.protocol() == Some(Protocol::Mgcp) && identity.era.is_none() {
        identity.notes.push(
            "A signed MGCP load before 7.0: whether it runs on the Universal Application Loader is unknown, and no rule covers it.".into(),
        );
    }
    if let Some(load) = matrix.find(&id) {
        identity.in_catalogue = true;
        identity.catalogue_id = Some(load.name().to_string());
        identity.version = Some(load.version.clone());
        identity.files = load.files.clone();
        if load.name() != id.name() {
            let seen = load.spellings.iter().any(|s| s.id == id.name());
            identity.notes.push(format!(
                "The catalogue spells this load {}{}; with --tftp-root plans follow the spelling of your files, without it the catalogue's.",
                load.name(),
                if seen { " (yours is a spelling seen in the field too)" } else { "" }
            ));
        }
        if identity.extension.is_some() {
            package_file(&mut identity, load, input);
        }
        if let Some(note) = &load.note {
            identity.notes.push(format!("{note}."));
        }
    } else if id.kind().is_plannable() {
        identity
            .notes
            .push("Not in the catalogue: phoneup can plan from it, but not to it.".into());
    }
    identity
}

/// Whether the package of `load` ships the file `input` names, and what to do if not.
fn package_file(identity: &mut Identity, load: &Load, input: &str) {
    let wanted = file_key(input.trim());
    let listed = load
        .files
        .iter()
        .find(|file| file_key(file) == wanted && wanted.is_some());
    identity.in_package = Some(listed.is_some());
    match listed {
        Some(file) if load.inferred.contains(file) => identity.notes.push(format!(
            "No source shows {file}: the catalogue infers it from the other packages of its kind."
        )),
        Some(_) => {}
        None => {
            let mut note = format!(
                "No package of {} ships {}: it holds {}.",
                load.label(),
                input.trim(),
                load.files.join(", ")
            );
            if let (Some(loader), Some("bin" | "sbn")) = (
                &load.loader,
                identity
                    .extension
                    .as_deref()
                    .map(str::to_ascii_lowercase)
                    .as_deref(),
            ) {
                note.push_str(&format!(
                    " An image before the loader asks for it when OS79XX.TXT names the application: name the loader {loader} there instead (MARKWILSON-2008)."
                ));
            }
            identity.notes.push(note);
        }
    }
}
