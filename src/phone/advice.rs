//! What to tell a user about a file the phone asks for and the server lacks, as the catalogue
//! allows: copy it when a package ships it; otherwise say what the package holds and name the
//! right file (the loader, for an image before the loader pointed at a UAL-era application);
//! say so when the name carries typographic dashes or belongs to another phone.
//!
//! May use: [`crate::knowledge`], [`crate::output`].

use crate::knowledge::load_id::LoadId;
use crate::knowledge::models;
use crate::knowledge::package::{Packages, Shipped};
use crate::knowledge::typography;

/// Shows a name as a log would, with CR and other controls escaped.
fn shown(name: &str) -> String {
    crate::output::Untrusted(name).to_string()
}

/// What to do about a file the phone needs and the server lacks, as the catalogue allows:
/// copy it from its package when one ships it; otherwise name what the package does hold
/// (the loader, for an image before the loader pointed at a UAL-era application).
pub fn missing_file(
    packages: &Packages,
    running: &LoadId,
    name: &str,
    named_by: Option<&str>,
) -> String {
    let by = named_by.unwrap_or("the file that named it");
    let missing = format!("{} is not on the TFTP server", shown(name));
    // A name pasted from a web page: the phone asks for its dashes as they are.
    let typographic =
        typography::fold(name).filter(|f| packages.ships(&f.text) != Shipped::Unknown);
    let asked = typographic.as_ref().map_or(name, |f| f.text.as_str());
    let mut fix = match &typographic {
        Some(folded) => format!(
            "{missing}: {by} names it with {} from a web page, and the phone asks for those characters as they are; write {} with plain hyphens.",
            typography::characters(folded),
            asked.rsplit_once('.').map_or(asked, |(stem, _)| stem)
        ),
        None => missing.clone(),
    };
    match packages.ships(asked) {
        Shipped::Yes(_) if typographic.is_some() => {}
        Shipped::Yes(_) => {
            let led = named_by
                .map(|file| format!(", or change {file}, which led the phone to it"))
                .unwrap_or_default();
            fix.push_str(&format!(
                ": copy it into the directory it serves from the firmware package{led}."
            ));
        }
        Shipped::NotInPackage(load) => {
            let image = asked.rsplit_once('.').is_some_and(|(_, ext)| {
                matches!(ext.to_ascii_lowercase().as_str(), "bin" | "sbn")
            });
            let holds = format!(
                "No package of {} ships {asked} (it holds {})",
                load.label(),
                load.files.join(", ")
            );
            let plan = format!(
                "phoneup plan --from {} --to {}",
                running.name(),
                load.name()
            );
            let advice = match load.loader.as_deref().filter(|_| image) {
                Some(loader) => format!(
                    "{holds}: an image before the loader cannot take {} directly. Point it at the loader {loader} instead ({by} led it here), and the loader's hunt fetches the rest: {plan} writes every stage.",
                    load.name()
                ),
                None => format!(
                    "{holds}: name a load whose files you have in {by} ({plan} lists them)."
                ),
            };
            let joiner = if typographic.is_some() { " " } else { ". " };
            fix.push_str(joiner);
            fix.push_str(&advice);
        }
        Shipped::Unknown => match models::other_model(asked) {
            Some(other) => fix.push_str(&format!(
                ": it is {}, which a 7940/7960 never runs; name a 7940/7960 load in {by}, which led the phone to it.",
                other.describe()
            )),
            None => fix.push_str(&format!(
                ", and no package phoneup knows ships it: check the name in {by}, which led the phone to it."
            )),
        },
    }
    fix
}
