//! Recognising a phone from the names it asks a TFTP server for, one request at a time: what a
//! name is ([`Name`]), whether it starts a new boot, and what image runs, as far as one boot's
//! requests show it ([`Hunt`]). Built from the hunt orders of the field reports (FUSSYLOGIC-7940's old
//! SCCP and loader hunts, MARKWILSON-2008's UAL-era SIP boot) and §4 of the domain model.
//!
//! `diagnose` feeds it the requests of a server log; a server can feed it requests as they
//! arrive:
//!
//! ```
//! use phoneup::phone::recognise::{BootShape, Hunt, Name};
//!
//! let mut hunt = Hunt::new();
//! for file in ["CTLSEP0018B9FFFFFF.tlv", "SEP0018B9FFFFFF.cnf.xml", "SIP0018B9FFFFFF.cnf",
//!              "P0S3-08-2-00.loads", "SIPDefault.cnf", "RINGLIST.DAT"] {
//!     let name = Name::of(file);
//!     assert!(!hunt.starts_boot(&name, None) || hunt.is_empty());
//!     hunt.push(&name);
//! }
//! assert_eq!(hunt.shape(), BootShape::UalApplication);
//! assert_eq!(hunt.running_load(), Some("P0S3-08-2-00"));
//! assert_eq!(hunt.mac(), "0018B9FFFFFF".parse().ok());
//! ```
//!
//! Names of other phones' files are in [`other`].
//!
//! May use: [`crate::knowledge`], [`crate::files`].

pub mod other;

use std::fmt;

use serde::Serialize;

use crate::files::mac::Mac;
use crate::files::per_phone::PerPhoneFile;
use crate::files::{
    mgc_default_cnf, os79xx_txt, sep_default_cnf, sip_default_cnf, xml_default_cnf_xml,
};
use crate::knowledge::firmware::{self, FirmwareExt, FirmwareKind};
use crate::knowledge::load_id::{Era as LoadEra, Kind, LoadId, Protocol};

pub use other::OtherPhone;

/// A quiet time after which the next request belongs to a new boot, whatever its name: longer
/// than the ~22 s a UAL-era SIP application is silent after its `.loads` while it starts
/// (MARKWILSON-2008; 23 s in the LKML log of 8.12), well under a reboot that also fetched an
/// image.
pub const BOOT_GAP_SECS: u64 = 60;

/// The bytes of a `.loads` name a boot keeps.
const MAX_LOAD_NAME: usize = 64;

/// What a requested name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Name<'a> {
    /// `OS79XX.TXT`: the first request of a boot before the Universal Application Loader.
    Os79xx,
    /// A per-phone file; `mac` when the name carries a real one (upper or lower case).
    PerPhone {
        file: PerPhoneFile,
        mac: Option<Mac>,
    },
    /// `XMLDefault.cnf.xml`.
    XmlDefault,
    /// `SEPDefault.cnf`, read by old SCCP images.
    SepDefault,
    /// `SIPDefault.cnf`.
    SipDefault,
    /// `MGCDefault.cnf`.
    MgcDefault,
    /// A firmware file, an image or a `.loads` manifest: `load` is the name before the
    /// extension, as asked (it may hold a CR or a space when the file that named it did).
    Image { load: &'a str, ext: FirmwareExt },
    /// A file only a running SIP application asks for: `RINGLIST.DAT`, `dialplan.xml`,
    /// `syncinfo.xml`, ring tones (`.raw`).
    Application,
    /// A file of another phone (the 79x1 family): `term06.default.loads`, `SCCP41...loads`,
    /// `Jar11sip...sbn`, `ITLSEP<MAC>.tlv`.
    OtherPhone(OtherPhone),
    /// Anything else.
    Other,
}

impl<'a> Name<'a> {
    /// What `file` is, as a phone asked for it (a leading `./` or `/` is ignored; so is case,
    /// as some servers log names lower-cased).
    pub fn of(file: &'a str) -> Name<'a> {
        let mut file = file;
        while let Some(rest) = file.strip_prefix("./").or_else(|| file.strip_prefix('/')) {
            file = rest;
        }
        let is = |known: &str| file.eq_ignore_ascii_case(known);
        if is(os79xx_txt::FILE_NAME) {
            return Name::Os79xx;
        }
        if is(xml_default_cnf_xml::FILE_NAME) {
            return Name::XmlDefault;
        }
        if is(sip_default_cnf::FILE_NAME) {
            return Name::SipDefault;
        }
        if is(sep_default_cnf::FILE_NAME) {
            return Name::SepDefault;
        }
        if is(mgc_default_cnf::FILE_NAME) {
            return Name::MgcDefault;
        }
        if let Some(other) = OtherPhone::of(file) {
            return Name::OtherPhone(other);
        }
        if let Some((file, mac)) = PerPhoneFile::parse_any(file) {
            return Name::PerPhone { file, mac };
        }
        if ["RINGLIST.DAT", "dialplan.xml", "syncinfo.xml"]
            .iter()
            .any(|known| is(known))
        {
            return Name::Application;
        }
        match firmware::split(file) {
            Some((load, ext)) if !load.is_empty() => Name::Image { load, ext },
            Some(_) => Name::Other,
            None if file
                .rsplit_once('.')
                .is_some_and(|(_, extension)| extension.eq_ignore_ascii_case("raw")) =>
            {
                Name::Application
            }
            None => Name::Other,
        }
    }

    /// Whether a boot can start with this name: `OS79XX.TXT` before the Universal Application
    /// Loader, `CTLSEP<MAC>.tlv` with it.
    pub fn is_boot_start(&self) -> bool {
        matches!(
            self,
            Name::Os79xx
                | Name::PerPhone {
                    file: PerPhoneFile::CtlSep,
                    ..
                }
        )
    }

    /// The MAC the name carries.
    pub fn mac(&self) -> Option<Mac> {
        match self {
            Name::PerPhone { mac, .. } => *mac,
            _ => None,
        }
    }

    /// A configuration file of the UAL hunt or of the old images' hunts.
    fn is_configuration(&self) -> bool {
        matches!(
            self,
            Name::PerPhone { .. }
                | Name::XmlDefault
                | Name::SepDefault
                | Name::SipDefault
                | Name::MgcDefault
        )
    }
}

/// What a name is, kept apart from the name: a [`Name`] without its borrow, with where in the
/// name its MAC or load is. For a caller that keeps each name once and reads it once
/// ([`Shape::of`]), then makes the [`Name`] again from the same text ([`Shape::name`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// The name with its borrowed part (a load) left empty.
    name: Name<'static>,
    /// Where that part is in the text.
    part: (usize, usize),
}

impl Shape {
    /// What `file` is: [`Name::of`], kept apart from `file`.
    pub fn of(file: &str) -> Shape {
        let at = |part: &str| {
            let start = (part.as_ptr() as usize).saturating_sub(file.as_ptr() as usize);
            (start, start + part.len())
        };
        let (name, part) = match Name::of(file) {
            Name::Os79xx => (Name::Os79xx, (0, 0)),
            Name::PerPhone { file: kind, mac } => (Name::PerPhone { file: kind, mac }, (0, 0)),
            Name::XmlDefault => (Name::XmlDefault, (0, 0)),
            Name::SepDefault => (Name::SepDefault, (0, 0)),
            Name::SipDefault => (Name::SipDefault, (0, 0)),
            Name::MgcDefault => (Name::MgcDefault, (0, 0)),
            Name::Image { load, ext } => (Name::Image { load: "", ext }, at(load)),
            Name::Application => (Name::Application, (0, 0)),
            Name::OtherPhone(other) => (Name::OtherPhone(other), (0, 0)),
            Name::Other => (Name::Other, (0, 0)),
        };
        Shape { name, part }
    }

    /// The [`Name`] of `file`, the text given to [`Shape::of`] (or the same name again).
    pub fn name<'a>(&self, file: &'a str) -> Name<'a> {
        let part = file.get(self.part.0..self.part.1).unwrap_or_default();
        match self.name {
            Name::Image { ext, .. } => Name::Image { load: part, ext },
            other => other,
        }
    }
}

/// What a boot's requests say about the image running, from the hunt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BootShape {
    /// An SCCP application before the Universal Application Loader: `OS79XX.TXT`, then
    /// `SEP<MAC>.cnf.xml`, `XMLDefault.cnf.xml`, `SEP<MAC>.cnf`, `SEPDefault.cnf` (FUSSYLOGIC-7940).
    OldSccp,
    /// A SIP application before 7.0: `OS79XX.TXT`, then `SIPDefault.cnf`, `SIP<MAC>.cnf`.
    OldSip,
    /// An image before the Universal Application Loader whose protocol the boot does not show
    /// (it asked for `OS79XX.TXT` and then an image, or nothing else).
    PreUal,
    /// The Universal Application Loader: its whole hunt, `CTLSEP<MAC>.tlv` to
    /// `MGCDefault.cnf`, found nothing (FUSSYLOGIC-7940: "TFTP file not found").
    Loader,
    /// A UAL-era application (SIP 7.0+, SCCP 6.0+): after the hunt and its `.loads` it fetched
    /// no image and asked for its own files (MARKWILSON-2008).
    UalApplication,
    /// The UAL hunt, from the loader or a UAL-era application: the boot does not tell which.
    UalHunt,
    /// A phone of another model: it asked for a 79x1 phone's file (`term06.default.loads`,
    /// its load's files, `ITLSEP<MAC>.tlv`), which no 7940/7960 boot does ([`Hunt::other`]
    /// says which).
    OtherPhone,
    /// The boot's start is not in the log, and what is there does not tell.
    Unknown,
}

impl BootShape {
    /// Before the Universal Application Loader.
    pub fn is_pre_ual(self) -> bool {
        matches!(
            self,
            BootShape::OldSccp | BootShape::OldSip | BootShape::PreUal
        )
    }

    /// With the Universal Application Loader (its hunt).
    pub fn is_ual(self) -> bool {
        matches!(
            self,
            BootShape::Loader | BootShape::UalApplication | BootShape::UalHunt
        )
    }

    /// For people.
    pub fn describe(self) -> &'static str {
        match self {
            BootShape::OldSccp => "an old SCCP image (before the Universal Application Loader)",
            BootShape::OldSip => "a SIP image before 7.0",
            BootShape::PreUal => "an image before the Universal Application Loader",
            BootShape::Loader => "the Universal Application Loader",
            BootShape::UalApplication => "a UAL-era application",
            BootShape::UalHunt => "the UAL hunt (the loader or a UAL-era application)",
            BootShape::OtherPhone => "another model's load or hunt, not a 7940/7960's",
            BootShape::Unknown => "not shown (the boot's first requests are not in the log)",
        }
    }
}

impl fmt::Display for BootShape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// How a boot began.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Start {
    Os79xx,
    Ctl,
    /// Some other name: the log does not show the boot's first request.
    Elsewhere,
}

/// One boot's requests, as far as they have come. Feed it each request in order with
/// [`Hunt::push`]; ask [`Hunt::starts_boot`] first whether a request begins a new boot (then
/// start a new `Hunt`).
#[derive(Debug, Clone, Default)]
pub struct Hunt {
    start: Option<Start>,
    requests: u32,
    /// Every request so far asked for the first name again (retries of the boot's start).
    only_start: bool,
    sccp_files: bool,
    sip_files: bool,
    /// The UAL hunt reached `MGCDefault.cnf`, its last file.
    hunt_end: bool,
    /// Something other than a hunt file came after the hunt.
    after_hunt: bool,
    loads: Option<String>,
    image_after_loads: bool,
    application_files: bool,
    /// SIP files after a `.loads` with no image between: the application has started.
    sip_after_loads: bool,
    /// Images asked for (`.bin`, `.sbn`, `.sb2`), and the first one's extension.
    images: u32,
    first_image: Option<FirmwareExt>,
    mac: Option<Mac>,
    /// Another phone's file it asked for, the one that says most.
    other: Option<OtherPhone>,
}

impl Hunt {
    pub fn new() -> Hunt {
        Hunt::default()
    }

    /// No request yet.
    pub fn is_empty(&self) -> bool {
        self.requests == 0
    }

    /// Whether `name` begins a new boot: the first request, a boot's first name
    /// ([`Name::is_boot_start`]) unless every request so far was that same name (a phone
    /// retrying it), or any name after `quiet_secs` of silence of [`BOOT_GAP_SECS`] or more.
    pub fn starts_boot(&self, name: &Name, quiet_secs: Option<u64>) -> bool {
        if self.is_empty() || quiet_secs.is_some_and(|q| q >= BOOT_GAP_SECS) {
            return true;
        }
        if !name.is_boot_start() {
            return false;
        }
        let same_as_start = matches!(
            (self.start, name),
            (Some(Start::Os79xx), Name::Os79xx) | (Some(Start::Ctl), Name::PerPhone { .. })
        );
        // `name` is a boot start here, so a per-phone name is CTLSEP<MAC>.tlv.
        !(self.only_start && same_as_start)
    }

    /// Adds one request.
    pub fn push(&mut self, name: &Name) {
        let same_as_start = matches!(
            (self.start, name),
            (Some(Start::Os79xx), Name::Os79xx)
                | (
                    Some(Start::Ctl),
                    Name::PerPhone {
                        file: PerPhoneFile::CtlSep,
                        ..
                    }
                )
        );
        if self.start.is_none() {
            self.start = Some(match name {
                Name::Os79xx => Start::Os79xx,
                n if n.is_boot_start() => Start::Ctl,
                _ => Start::Elsewhere,
            });
            self.only_start = name.is_boot_start();
        } else if !same_as_start {
            self.only_start = false;
        }
        self.requests = self.requests.saturating_add(1);
        if self.mac.is_none() {
            self.mac = name.mac();
        }
        if self.hunt_end && !name.is_configuration() {
            self.after_hunt = true;
        }
        match name {
            Name::PerPhone {
                file: PerPhoneFile::SepXml | PerPhoneFile::SepCnf,
                ..
            }
            | Name::XmlDefault
            | Name::SepDefault => self.sccp_files = true,
            Name::PerPhone {
                file: PerPhoneFile::SipCnf,
                ..
            }
            | Name::SipDefault => {
                self.sip_files = true;
                if self.loads.is_some() && !self.image_after_loads {
                    self.sip_after_loads = true;
                }
            }
            Name::MgcDefault => self.hunt_end = true,
            Name::OtherPhone(other) => {
                // The one that says most: a model's own default load, a family's file, a
                // trust list any of them asks for.
                let says = |o: &OtherPhone| match o.kind {
                    other::Kind::DefaultLoads => 2,
                    other::Kind::Loads | other::Kind::Component => 1,
                    other::Kind::TrustList => 0,
                };
                if self.other.is_none_or(|known| says(other) > says(&known)) {
                    self.other = Some(*other);
                }
            }
            Name::Application => self.application_files = true,
            Name::Image { load, ext } => {
                if ext.kind() == FirmwareKind::Manifest {
                    // A load's name is a dozen bytes: no more than this is kept of a longer one.
                    let mut end = load.len().min(MAX_LOAD_NAME);
                    while !load.is_char_boundary(end) {
                        end -= 1;
                    }
                    self.loads = Some(load[..end].to_string());
                    self.image_after_loads = false;
                    self.sip_after_loads = false;
                } else {
                    if self.loads.is_some() {
                        self.image_after_loads = true;
                    }
                    self.images = self.images.saturating_add(1);
                    self.first_image.get_or_insert(*ext);
                }
            }
            _ => {}
        }
    }

    /// The MAC, from the first per-phone name that carries one.
    pub fn mac(&self) -> Option<Mac> {
        self.mac
    }

    /// Another phone's file the boot asked for: the phone is of another model.
    pub fn other(&self) -> Option<OtherPhone> {
        self.other
    }

    /// What the requests so far say runs.
    pub fn shape(&self) -> BootShape {
        if self.other.is_some() {
            return BootShape::OtherPhone;
        }
        let application_up = self.application_up();
        match self.start {
            None => BootShape::Unknown,
            Some(Start::Os79xx) => {
                // Old SCCP images read the SEP files; SEP<MAC>.cnf.xml alone is also in the
                // UAL hunt, but the UAL hunt never starts with OS79XX.TXT.
                if self.sccp_files && !self.sip_files {
                    BootShape::OldSccp
                } else if self.sip_files && !self.sccp_files {
                    BootShape::OldSip
                } else {
                    BootShape::PreUal
                }
            }
            Some(Start::Ctl) => {
                if application_up {
                    BootShape::UalApplication
                } else if self.hunt_end && self.loads.is_none() && !self.after_hunt {
                    BootShape::Loader
                } else {
                    BootShape::UalHunt
                }
            }
            Some(Start::Elsewhere) => {
                if self.loads.is_some() && application_up {
                    BootShape::UalApplication
                } else if self.loads.is_some() {
                    BootShape::UalHunt
                } else {
                    BootShape::Unknown
                }
            }
        }
    }

    /// The protocol of the running application, when the boot shows it.
    pub fn protocol(&self) -> Option<Protocol> {
        match self.shape() {
            BootShape::OldSccp => Some(Protocol::Sccp),
            BootShape::OldSip => Some(Protocol::Sip),
            BootShape::UalApplication if self.sip_after_loads || self.application_files => {
                Some(Protocol::Sip)
            }
            BootShape::UalApplication => self
                .loads
                .as_deref()
                .and_then(|l| LoadId::parse(l).ok())
                .and_then(|id| id.protocol()),
            _ => None,
        }
    }

    /// For an image before the Universal Application Loader that asked for an image: whether it
    /// is signed (it asked for a `.sbn`) or not (a `.bin`), as the running image picks the
    /// extension (§4 of the domain model).
    pub fn signed(&self) -> Option<bool> {
        if !self.shape().is_pre_ual() {
            return None;
        }
        self.first_image.and_then(|ext| match ext {
            FirmwareExt::Bin => Some(false),
            FirmwareExt::Sbn => Some(true),
            _ => None,
        })
    }

    /// The application asked for its own files: it is up (MARKWILSON-2008's `RINGLIST.DAT` and
    /// `dialplan.xml`, or SIP files after a `.loads` that fetched no image).
    pub fn application_up(&self) -> bool {
        self.application_files || self.sip_after_loads
    }

    /// The `.loads` the boot read (UAL era), by load name.
    pub fn loads(&self) -> Option<&str> {
        self.loads.as_deref()
    }

    /// How many images (`.bin`, `.sbn`, `.sb2`) the boot asked for.
    pub fn images(&self) -> u32 {
        self.images
    }

    /// The load the boot shows running: the `.loads` it read when no image followed and the
    /// application started.
    pub fn running_load(&self) -> Option<&str> {
        (self.shape() == BootShape::UalApplication && !self.image_after_loads)
            .then_some(self.loads.as_deref())
            .flatten()
    }

    /// Whether the boot began with its first request in the log (`OS79XX.TXT` or
    /// `CTLSEP<MAC>.tlv`), rather than mid-hunt.
    pub fn has_start(&self) -> bool {
        matches!(self.start, Some(Start::Os79xx | Start::Ctl))
    }
}

/// The load an image file installs: its name without the extension, when it is a load ID.
pub fn image_load(load: &str) -> Option<LoadId> {
    LoadId::parse(load.trim())
        .ok()
        .filter(|id| id.extension().is_none() && id.kind() != Kind::Boot)
}

/// For an image whose name, less its extension, is a load ID ([`image_load`]): whether that load
/// is of the Universal Application Loader's era. `None` for any other name.
pub fn ual_image(load: &str) -> Option<bool> {
    image_load(load).map(|id| id.era() == Some(LoadEra::Ual))
}

/// Whether a phone that fetched an image in one boot took it, judged by the era of its next
/// boot: `Some(false)` when the next boot is of another era than the image (a pre-UAL image and
/// a UAL hunt, or a UAL-era image and `OS79XX.TXT`); `None` when the era agrees (a phone that
/// keeps its old image of the same era shows it by fetching the image again). `ual_image`:
/// the image's load is of the Universal Application Loader's era ([`ual_image`]).
pub fn took_image(ual_image: bool, next: BootShape) -> Option<bool> {
    match (ual_image, next) {
        (true, era) if era.is_pre_ual() => Some(false),
        (false, era) if era.is_ual() => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAC: Mac = Mac::from_bytes([0x00, 0x18, 0xB9, 0xFF, 0xFF, 0xFF]);

    fn hunt(files: &[&str]) -> Hunt {
        let mut hunt = Hunt::new();
        for file in files {
            hunt.push(&Name::of(file));
        }
        hunt
    }

    #[test]
    fn names() {
        assert_eq!(Name::of("OS79XX.TXT"), Name::Os79xx);
        assert_eq!(Name::of("os79xx.txt"), Name::Os79xx);
        assert_eq!(Name::of("./SIP0018B9FFFFFF.cnf").mac(), Some(MAC));
        assert_eq!(Name::of("sip0018b9ffffff.CNF").mac(), Some(MAC));
        assert_eq!(
            Name::of("P0S3-8-12-00.loads"),
            Name::Image {
                load: "P0S3-8-12-00",
                ext: FirmwareExt::Loads
            }
        );
        assert_eq!(
            Name::of("P0S3-06-3-00\r.bin"),
            Name::Image {
                load: "P0S3-06-3-00\r",
                ext: FirmwareExt::Bin
            }
        );
        assert_eq!(Name::of("RINGLIST.DAT"), Name::Application);
        assert_eq!(Name::of("CTU.raw"), Name::Application);
        assert_eq!(Name::of("SEPDefault.cnf"), Name::SepDefault);
        assert_eq!(Name::of(".bin"), Name::Other);
        assert_eq!(Name::of("passwd"), Name::Other);
    }

    #[test]
    fn fussylogic_7940_old_sccp_hunt() {
        let h = hunt(&[
            "OS79XX.TXT",
            "SEP0018B9FFFFFF.cnf.xml",
            "XMLDefault.cnf.xml",
            "SEP0018B9FFFFFF.cnf",
            "SEPDefault.cnf",
        ]);
        assert_eq!(h.shape(), BootShape::OldSccp);
        assert_eq!(h.protocol(), Some(Protocol::Sccp));
        assert_eq!(h.mac(), Some(MAC));
    }

    #[test]
    fn fussylogic_7940_loader_hunt_finds_nothing() {
        let h = hunt(&[
            "CTLSEP0018B9FFFFFF.tlv",
            "SEP0018B9FFFFFF.cnf.xml",
            "SIP0018B9FFFFFF.cnf",
            "MGC0018B9FFFFFF.cnf",
            "XMLDefault.cnf.xml",
            "SIPDefault.cnf",
            "MGCDefault.cnf",
        ]);
        assert_eq!(h.shape(), BootShape::Loader);
    }

    #[test]
    fn markwilson_2008_ual_sip_application() {
        let h = hunt(&[
            "CTLSEPmacaddress.tlv",
            "SEPmacaddress.cnf.xml",
            "SIPmacaddress.cnf",
            "P0S3-08-2-00.loads",
            "SIPDefault.cnf",
            "SIPmacaddress.cnf",
            "RINGLIST.DAT",
            "dialplan.xml",
        ]);
        assert_eq!(h.shape(), BootShape::UalApplication);
        assert_eq!(h.protocol(), Some(Protocol::Sip));
        assert_eq!(h.running_load(), Some("P0S3-08-2-00"));
        assert_eq!(h.mac(), None);
        assert!(h.application_up());
    }

    #[test]
    fn a_ual_install_is_the_hunt_not_yet_an_application() {
        let h = hunt(&[
            "CTLSEP0018B9FFFFFF.tlv",
            "XMLDefault.cnf.xml",
            "P0S3-08-11-00.loads",
            "P003-08-11-00.sbn",
            "P0S3-08-11-00.sb2",
        ]);
        assert_eq!(h.shape(), BootShape::UalHunt);
        assert_eq!(h.running_load(), None);
        assert_eq!(h.images(), 2);
    }

    #[test]
    fn a_shape_kept_apart_makes_the_same_name_again() {
        for file in [
            "OS79XX.TXT",
            "./CTLSEP0018b9ffffff.tlv",
            "SEPDefault.cnf",
            "SIPmacaddress.cnf",
            "/P0S3-08-11-00.loads",
            "P0S3-06-3-00\r.bin",
            "RINGLIST.DAT",
            "ring.raw",
            "x",
        ] {
            let kept = file.to_string();
            assert_eq!(Shape::of(file).name(&kept), Name::of(file), "{file:?}");
        }
        assert_eq!(
            Shape::of("SIP0018B9FFFFFF.cnf")
                .name("SIP0018B9FFFFFF.cnf")
                .mac(),
            Some(MAC)
        );
    }

    #[test]
    fn dual_boot_tells_signed_from_unsigned() {
        let h = hunt(&["OS79XX.TXT", "P0S3-06-3-00.bin"]);
        assert_eq!((h.shape(), h.signed()), (BootShape::PreUal, Some(false)));
        let h = hunt(&["OS79XX.TXT", "P003-08-11-00.sbn"]);
        assert_eq!(h.signed(), Some(true));
        let h = hunt(&["OS79XX.TXT", "SIPDefault.cnf", "SIP0018B9FFFFFF.cnf"]);
        assert_eq!(h.shape(), BootShape::OldSip);
    }

    #[test]
    fn a_boot_starts_at_its_first_name_but_not_at_a_retry_of_it() {
        let mut h = Hunt::new();
        let ctl = Name::of("CTLSEP0018B9FFFFFF.tlv");
        assert!(h.starts_boot(&ctl, None));
        h.push(&ctl);
        assert!(!h.starts_boot(&ctl, Some(3)), "a retry");
        h.push(&ctl);
        assert!(
            h.starts_boot(&ctl, Some(BOOT_GAP_SECS)),
            "after a long quiet"
        );
        let sep = Name::of("SEP0018B9FFFFFF.cnf.xml");
        assert!(!h.starts_boot(&sep, Some(1)));
        h.push(&sep);
        assert!(h.starts_boot(&ctl, Some(1)), "the hunt starts over");
        assert!(!h.starts_boot(&Name::of("SIPDefault.cnf"), Some(30)));
    }

    #[test]
    fn a_boot_seen_from_its_middle() {
        let h = hunt(&[
            "P0S3-8-12-00.loads",
            "SIPDefault.cnf",
            "SIP0018B9FFFFFF.cnf",
        ]);
        assert_eq!(h.shape(), BootShape::UalApplication);
        assert_eq!(h.running_load(), Some("P0S3-8-12-00"));
        assert!(!h.has_start());
        assert_eq!(hunt(&["SEPDefault.cnf"]).shape(), BootShape::Unknown);
    }

    #[test]
    fn an_image_of_another_era_than_the_next_boot_was_refused() {
        let app = ual_image("P0S3-07-4-00").unwrap();
        assert!(app);
        assert_eq!(took_image(app, BootShape::PreUal), Some(false));
        assert_eq!(took_image(app, BootShape::UalHunt), None);
        let old = ual_image("P0S3-06-3-00").unwrap();
        assert!(!old);
        assert_eq!(took_image(old, BootShape::Loader), Some(false));
        assert_eq!(took_image(old, BootShape::OldSip), None);
        assert_eq!(ual_image("P0S3-06-3-00\r"), Some(false), "trimmed");
        assert_eq!(ual_image("junk"), None);
    }
}
