//! Firmware packages: which files a jump fetches from the target's package, by era (`.bin` from
//! an unsigned image, `.sbn` from a signed one, the `.loads` set in the UAL era), and how a file
//! name is matched whatever its spelling.

use crate::knowledge::firmware::FirmwareExt;
use crate::knowledge::load_id::{Era, Kind, LoadId, MatchKey, Protocol};
use crate::knowledge::matrix::Load;

/// The firmware files the phone fetches to go from `from` to `to`, in order.
pub fn firmware(from: &Load, to: &Load) -> Vec<String> {
    if to.id.kind() == Kind::Application && to.id.era() == Some(Era::Ual) {
        // The .loads names the loader and the application; SCCP packages are their own loader.
        let loader = to.loader_or_self();
        let set = [
            format!("{}.loads", to.name()),
            format!("{loader}.sbn"),
            format!("{}.sb2", to.name()),
        ];
        if through_bin_loader(from, to) {
            // An image before 5.0 takes the package's unsigned loader first (R14).
            return std::iter::once(format!("{}.bin", to.name()))
                .chain(set)
                .collect();
        }
        return set.to_vec();
    }
    // An unsigned image fetches the raw .bin; a signed one only takes the signed .sbn.
    let extension = if from.id.era() == Some(Era::Unsigned) {
        "bin"
    } else {
        "sbn"
    };
    vec![format!("{}.{extension}", to.name())]
}

/// An SCCP image before 5.0 told to run a UAL-era SCCP load fetches that package's `.bin` (its
/// loader), which then fetches the `.loads` set.
pub fn through_bin_loader(from: &Load, to: &Load) -> bool {
    from.id.era() == Some(Era::Unsigned)
        && from.id.protocol() == Some(Protocol::Sccp)
        && to.id.protocol() == Some(Protocol::Sccp)
        && to.id.era() == Some(Era::Ual)
}

/// Whether the catalogue lists every file of [`firmware`] for `to` (without building the names:
/// the graph asks this of every pair of loads).
pub fn has_firmware(from: &Load, to: &Load) -> bool {
    let has = |stem: &str, extension: &str| {
        to.files.iter().any(|file| {
            file.len() == stem.len() + 1 + extension.len()
                && file.starts_with(stem)
                && file.ends_with(extension)
                && file.as_bytes()[stem.len()] == b'.'
        })
    };
    let name = to.name();
    if to.id.kind() == Kind::Application && to.id.era() == Some(Era::Ual) {
        return has(name, "loads")
            && has(to.loader_or_self(), "sbn")
            && has(name, "sb2")
            && (!through_bin_loader(from, to) || has(name, "bin"));
    }
    has(
        name,
        if from.id.era() == Some(Era::Unsigned) {
            "bin"
        } else {
            "sbn"
        },
    )
}

/// The firmware files this jump needs that the catalogue does not list for `to`.
pub fn missing_firmware(from: &Load, to: &Load) -> Vec<String> {
    firmware(from, to)
        .into_iter()
        .filter(|file| !to.files.contains(file))
        .collect()
}

/// A firmware file as the phone asks for it, whatever the spelling of its load: the load's key
/// and the extension.
pub type FileKey = (MatchKey, String);

/// The key of a firmware file name the phone could ask for: an upper-case load ID and a
/// lower-case extension (a server whose names are case-sensitive serves nothing else).
pub fn file_key(name: &str) -> Option<FileKey> {
    let (stem, extension) = name.rsplit_once('.')?;
    if FirmwareExt::exact(extension).is_none() || stem != stem.to_ascii_uppercase() {
        return None;
    }
    let id = LoadId::parse(name).ok()?;
    Some((id.match_key(), extension.to_string()))
}

/// What the catalogue says about a firmware file a phone asks for or a user is told to copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shipped<'a> {
    /// The package of this load lists the file (in any spelling of the load).
    Yes(&'a Load),
    /// The catalogue knows the load, and its package holds no such file: nobody can copy it
    /// from the firmware package.
    NotInPackage(&'a Load),
    /// Not a firmware file of a load the catalogue knows.
    Unknown,
}

/// The packages of a catalogue, shared cheaply: which one ships a file. The phone model asks
/// before it tells a user to copy a file from the firmware package.
#[derive(Debug, Clone)]
pub struct Packages {
    loads: std::sync::Arc<Vec<Load>>,
}

impl Packages {
    /// The packages of `matrix`'s catalogue.
    pub fn of(matrix: &crate::knowledge::matrix::Matrix) -> Packages {
        Packages {
            loads: std::sync::Arc::new(matrix.loads.clone()),
        }
    }

    /// The packages of the built-in catalogue.
    pub fn builtin() -> Packages {
        static BUILTIN: std::sync::LazyLock<Packages> = std::sync::LazyLock::new(|| {
            Packages::of(
                &crate::knowledge::matrix::Matrix::builtin()
                    .expect("the built-in matrix is valid (build.rs checked it)"),
            )
        });
        BUILTIN.clone()
    }

    /// Which package ships `file` (a name as the phone asks for it).
    pub fn ships(&self, file: &str) -> Shipped<'_> {
        let Ok(id) = LoadId::parse(file) else {
            return Shipped::Unknown;
        };
        let Some(extension) = id.extension().map(str::to_ascii_lowercase) else {
            return Shipped::Unknown;
        };
        let key = id.match_key();
        let Some(load) = self.loads.iter().find(|l| l.id.match_key() == key) else {
            return Shipped::Unknown;
        };
        let listed = load.files.iter().any(|f| {
            LoadId::parse(f).is_ok_and(|other| {
                other.match_key() == key
                    && other.extension().map(str::to_ascii_lowercase).as_deref()
                        == Some(extension.as_str())
            })
        });
        if listed {
            Shipped::Yes(load)
        } else {
            Shipped::NotInPackage(load)
        }
    }
}

impl Default for Packages {
    fn default() -> Packages {
        Packages::builtin()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::matrix::Matrix;

    #[test]
    fn has_firmware_agrees_with_the_names() {
        let matrix = Matrix::builtin().unwrap();
        for from in &matrix.loads {
            for to in &matrix.loads {
                assert_eq!(
                    has_firmware(from, to),
                    missing_firmware(from, to).is_empty(),
                    "{} -> {}",
                    from.name(),
                    to.name()
                );
            }
        }
    }

    #[test]
    fn spellings_of_a_file_share_a_key() {
        assert_eq!(file_key("P003-8-11-00.sbn"), file_key("P003-08-11-00.sbn"));
        assert_ne!(file_key("P003-8-11-00.sbn"), file_key("P003-8-11-00.bin"));
        assert_eq!(
            file_key("p003-8-11-00.sbn"),
            None,
            "the phone never asks for it"
        );
        assert_eq!(file_key("P003-8-11-00.SBN"), None);
        assert_eq!(file_key("OS79XX.TXT"), None);
    }

    #[test]
    fn the_catalogue_says_which_package_ships_a_file() {
        let packages = Packages::builtin();
        let name = |shipped: Shipped| match shipped {
            Shipped::Yes(load) => format!("yes {}", load.name()),
            Shipped::NotInPackage(load) => format!("not in {}", load.name()),
            Shipped::Unknown => "unknown".into(),
        };
        assert_eq!(name(packages.ships("P003-8-12-00.sbn")), "yes P003-8-12-00");
        assert_eq!(name(packages.ships("P0S3-8-12-00.sb2")), "yes P0S3-8-12-00");
        // No 8.12 package ships the application as a .sbn or .bin (LKML, CISCOPROV).
        assert_eq!(
            name(packages.ships("P0S3-8-12-00.sbn")),
            "not in P0S3-8-12-00"
        );
        assert_eq!(
            name(packages.ships("P0S3-08-12-00.bin")),
            "not in P0S3-8-12-00"
        );
        // FUSSYLOGIC-7940's spelling of 8.11 is the same package.
        assert_eq!(
            name(packages.ships("P003-8-11-00.sbn")),
            "yes P003-08-11-00"
        );
        assert_eq!(name(packages.ships("P0S3-08-13-00.sbn")), "unknown");
        assert_eq!(name(packages.ships("SIPDefault.cnf")), "unknown");
    }
}
