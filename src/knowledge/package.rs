//! Firmware packages: which files a jump fetches from the target's package, by era (`.bin` from
//! an unsigned image, `.sbn` from a signed one, the `.loads` set in the UAL era), and how a file
//! name is matched whatever its spelling.

use crate::knowledge::builtin::Builtin;
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

/// Why a firmware file is not the file its name says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Impostor<'a> {
    /// A source gives this file another size: it is some other file renamed (a `.sb2` copied
    /// to a `.bin` name), or damaged.
    WrongSize {
        load: &'a Load,
        expected: u64,
        source: &'a str,
    },
    /// A `.bin` or `.sbn` named for a load whose package has no such file: whatever it holds,
    /// Cisco never shipped it (a pre-loader phone would fetch it and take it for an image).
    NoSuchFile { load: &'a Load },
}

impl Impostor<'_> {
    /// What is wrong with `file` (of `size` bytes), for people.
    pub fn describe(&self, file: &str, size: u64) -> String {
        match self {
            Impostor::WrongSize {
                load,
                expected,
                source,
            } => format!(
                "{file} is {size} bytes, but the {} package's {file} is {expected} bytes ({source}): it is another file under that name, or damaged",
                load.label()
            ),
            Impostor::NoSuchFile { load } => format!(
                "no package of {} ships a file named {file} (it holds {}): whatever it holds, it is not Cisco's",
                load.label(),
                load.files.join(", ")
            ),
        }
    }
}

impl Packages {
    /// The size the sources give for `file`, in any spelling of its load.
    pub fn size_of(&self, file: &str) -> Option<u64> {
        let Shipped::Yes(load) = self.ships(file) else {
            return None;
        };
        let wanted = identify_file(file);
        load.sizes
            .iter()
            .find(|known| identify_file(&known.file) == wanted)
            .map(|known| known.bytes)
    }

    /// Whether `file`, of `size` bytes, is not what its name says: a size the sources contradict,
    /// or a `.bin`/`.sbn` no package ships. `None` when nothing known speaks against it.
    pub fn impostor(&self, file: &str, size: u64) -> Option<Impostor<'_>> {
        let extension = file.rsplit_once('.')?.1.to_ascii_lowercase();
        match self.ships(file) {
            Shipped::Yes(load) => {
                let wanted = identify_file(file);
                let known = load
                    .sizes
                    .iter()
                    .find(|known| identify_file(&known.file) == wanted)?;
                (known.bytes != size).then_some(Impostor::WrongSize {
                    load,
                    expected: known.bytes,
                    source: &known.source,
                })
            }
            Shipped::NotInPackage(load) if matches!(extension.as_str(), "bin" | "sbn") => {
                // Only where the package has neither: SIP 7.5 ships a P0S3 .bin and no .sbn
                // in the one root that shows it, which says too little about a .sbn.
                let key = load.id.match_key();
                let has_image = load.files.iter().any(|f| {
                    identify_file(f)
                        .is_some_and(|(k, ext)| k == key && matches!(ext.as_str(), "bin" | "sbn"))
                });
                (!has_image).then_some(Impostor::NoSuchFile { load })
            }
            _ => None,
        }
    }
}

/// A file name's load and extension, whatever their spelling and case.
fn identify_file(name: &str) -> Option<(MatchKey, String)> {
    let id = LoadId::parse(name).ok()?;
    Some((id.match_key(), id.extension()?.to_ascii_lowercase()))
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
    use crate::knowledge::Builtin;

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

    #[test]
    fn impostors_are_caught_by_size_and_by_name() {
        let packages = Packages::builtin();
        // CISCOPROV's sizes of 8.1(2)SR2.
        assert_eq!(packages.impostor("P0030801SR02.bin", 130_552), None);
        assert_eq!(packages.impostor("P0030801SR02.sbn", 130_956), None);
        // The .sb2 renamed to a .bin.
        let renamed = packages.impostor("P0030801SR02.bin", 708_460).unwrap();
        assert!(matches!(
            renamed,
            Impostor::WrongSize {
                expected: 130_552,
                source: "CISCOPROV",
                ..
            }
        ));
        assert!(renamed
            .describe("P0030801SR02.bin", 708_460)
            .contains("is 130552 bytes (CISCOPROV)"));
        // No size known: nothing to say.
        assert_eq!(packages.impostor("P00308010200.bin", 1), None);
        // A .bin or .sbn no package ships, whatever its size.
        for file in ["P0S3-8-12-00.bin", "P0S3-08-11-00.sbn", "P0S3-08-2-00.bin"] {
            assert!(
                matches!(
                    packages.impostor(file, 130_552),
                    Some(Impostor::NoSuchFile { .. })
                ),
                "{file}"
            );
        }
        // A package with an image of that name but not this extension says too little.
        assert_eq!(packages.impostor("P0S3-07-5-00.sbn", 5), None);
        // Other files no package lists are not called impostors here.
        assert_eq!(packages.impostor("P0S3-08-13-00.bin", 5), None);
        assert_eq!(packages.impostor("OS79XX.TXT", 13), None);
    }

    #[test]
    fn a_signed_file_is_its_unsigned_twin_plus_404_bytes_wherever_the_sources_give_both() {
        let matrix = crate::knowledge::matrix::Matrix::builtin().unwrap();
        let mut pairs = 0;
        for load in &matrix.loads {
            let size = |extension: &str| {
                load.sizes
                    .iter()
                    .find(|s| s.file == format!("{}.{extension}", load.name()))
                    .map(|s| s.bytes)
            };
            if let (Some(bin), Some(sbn)) = (size("bin"), size("sbn")) {
                assert_eq!(sbn, bin + 404, "{}", load.name());
                pairs += 1;
            }
            if let (Some(bin), Some(sb2)) = (size("bin"), size("sb2")) {
                // SIP 7.5 ships a full-size application .bin beside its .sb2 (KLOBES).
                if bin > 500_000 {
                    assert_eq!(sb2, bin + 404, "{}", load.name());
                }
            }
        }
        assert!(pairs >= 5, "only {pairs} pairs");
    }
}
