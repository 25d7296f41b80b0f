//! Firmware packages: which files a jump fetches from the target's package, by era (`.bin` from
//! an unsigned image, `.sbn` from a signed one, the `.loads` set in the UAL era).

use crate::knowledge::load_id::{Era, Kind};
use crate::knowledge::matrix::Load;

/// The firmware files the phone fetches to go from `from` to `to`, in order.
pub fn firmware(from: &Load, to: &Load) -> Vec<String> {
    if to.id.kind() == Kind::Application && to.id.era() == Some(Era::Ual) {
        // The .loads names the loader and the application; SCCP packages are their own loader.
        let loader = to.loader_or_self();
        return vec![
            format!("{}.loads", to.name()),
            format!("{loader}.sbn"),
            format!("{}.sb2", to.name()),
        ];
    }
    // An unsigned image fetches the raw .bin; a signed one only takes the signed .sbn.
    let extension = if from.id.era() == Some(Era::Unsigned) {
        "bin"
    } else {
        "sbn"
    };
    vec![format!("{}.{extension}", to.name())]
}

/// The firmware files this jump needs that the catalogue does not list for `to`.
pub fn missing_firmware(from: &Load, to: &Load) -> Vec<String> {
    firmware(from, to)
        .into_iter()
        .filter(|file| !to.files.contains(file))
        .collect()
}
