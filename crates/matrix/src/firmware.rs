//! Firmware file names: the one list of the extensions a 7940/7960 firmware file has, and the
//! one answer to "is this firmware?". Three of them are images the phone writes to flash
//! (`.bin`, `.sbn`, `.sb2`); `.loads` is the Universal Application Loader's manifest, which
//! names a `.sbn` and a `.sb2` and is never flashed itself. [`is_firmware`] counts both kinds,
//! [`is_image`] images only, [`is_manifest`] the manifest only.
//!
//! Letter case: a phone asks for the extension in lower case ([`FirmwareExt::as_str`],
//! [`FirmwareExt::exact`]); [`FirmwareExt::of`], [`split`] and the `is_` tests accept any case, as a case-folding server holds such files and some servers log names
//! lower-cased or upper-cased.
//!
//! May use: nothing of phoneup.

use serde::Serialize;

/// A firmware file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FirmwareExt {
    /// An unsigned image, or a SIP 5.x-7.x package's image for dual boot.
    Bin,
    /// A signed image or the Universal Application Loader.
    Sbn,
    /// A UAL-era application.
    Sb2,
    /// A UAL-era manifest naming a `.sbn` and a `.sb2`.
    Loads,
}

/// What a firmware file is to the phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FirmwareKind {
    /// Written to flash: `.bin`, `.sbn`, `.sb2`.
    Image,
    /// Read for the names of the images: `.loads`.
    Manifest,
}

impl FirmwareExt {
    /// Every firmware extension.
    pub const ALL: [FirmwareExt; 4] = [
        FirmwareExt::Bin,
        FirmwareExt::Sbn,
        FirmwareExt::Sb2,
        FirmwareExt::Loads,
    ];

    /// The extension as a phone asks for it, without the dot: `bin`, `sbn`, `sb2`, `loads`.
    pub fn as_str(self) -> &'static str {
        match self {
            FirmwareExt::Bin => "bin",
            FirmwareExt::Sbn => "sbn",
            FirmwareExt::Sb2 => "sb2",
            FirmwareExt::Loads => "loads",
        }
    }

    /// The firmware extension `extension` (without the dot) is, in any letter case.
    pub fn of(extension: &str) -> Option<FirmwareExt> {
        FirmwareExt::ALL
            .into_iter()
            .find(|ext| extension.eq_ignore_ascii_case(ext.as_str()))
    }

    /// The firmware extension `extension` is, spelt exactly as a phone asks for it.
    pub fn exact(extension: &str) -> Option<FirmwareExt> {
        FirmwareExt::ALL
            .into_iter()
            .find(|ext| extension == ext.as_str())
    }

    /// An image or the manifest.
    pub fn kind(self) -> FirmwareKind {
        match self {
            FirmwareExt::Loads => FirmwareKind::Manifest,
            FirmwareExt::Bin | FirmwareExt::Sbn | FirmwareExt::Sb2 => FirmwareKind::Image,
        }
    }
}

/// A firmware file's name split at its extension: what stands before it (possibly empty), and
/// the extension, in any letter case.
pub fn split(name: &str) -> Option<(&str, FirmwareExt)> {
    let (stem, extension) = name.rsplit_once('.')?;
    Some((stem, FirmwareExt::of(extension)?))
}

/// Whether `name` is a firmware file, an image or the `.loads` manifest, by its extension.
pub fn is_firmware(name: &str) -> bool {
    split(name).is_some()
}

/// Whether `name` is an image the phone writes to flash, by its extension (a `.loads` is not).
pub fn is_image(name: &str) -> bool {
    split(name).is_some_and(|(_, ext)| ext.kind() == FirmwareKind::Image)
}

/// Whether `name` is a `.loads` manifest, by its extension.
pub fn is_manifest(name: &str) -> bool {
    split(name).is_some_and(|(_, ext)| ext.kind() == FirmwareKind::Manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_images_and_the_manifest() {
        for (name, ext, image) in [
            ("P0S3-08-11-00.loads", FirmwareExt::Loads, false),
            ("P003-08-11-00.sbn", FirmwareExt::Sbn, true),
            ("P0S3-08-11-00.sb2", FirmwareExt::Sb2, true),
            ("P0030801SR02.bin", FirmwareExt::Bin, true),
            ("P0030801SR02.BIN", FirmwareExt::Bin, true),
            ("p0s3-08-11-00.LOADS", FirmwareExt::Loads, false),
            (".sbn", FirmwareExt::Sbn, true),
        ] {
            assert_eq!(split(name).map(|(_, e)| e), Some(ext), "{name}");
            assert!(is_firmware(name), "{name}");
            assert_eq!(is_image(name), image, "{name}");
            assert_eq!(is_manifest(name), !image, "{name}");
        }
        assert_eq!(
            split("P0S3-08-11-00.loads"),
            Some(("P0S3-08-11-00", FirmwareExt::Loads))
        );
    }

    #[test]
    fn other_names_are_not_firmware() {
        for name in [
            "OS79XX.TXT",
            "SIPDefault.cnf",
            "P0S3-08-11-00",
            "P0S3-08-11-00.bin.bak",
            "P0S3-08-11-00.zip",
            "sbn",
            "",
            "é.sbné",
        ] {
            assert!(!is_firmware(name), "{name}");
            assert!(!is_image(name), "{name}");
            assert!(!is_manifest(name), "{name}");
        }
    }

    #[test]
    fn a_phone_asks_for_the_extension_in_lower_case() {
        for ext in FirmwareExt::ALL {
            assert_eq!(FirmwareExt::exact(ext.as_str()), Some(ext));
            assert_eq!(
                FirmwareExt::of(&ext.as_str().to_ascii_uppercase()),
                Some(ext)
            );
            assert_eq!(FirmwareExt::exact(&ext.as_str().to_ascii_uppercase()), None);
            assert_eq!(
                serde_json::to_value(ext).unwrap(),
                serde_json::json!(ext.as_str())
            );
        }
    }
}
