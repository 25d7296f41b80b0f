//! The phone's `DeviceInformationX` page read into a [`DeviceInfo`], with no I/O: an XML
//! document whose root is `<DeviceInformation>` and whose children are one value each
//! (`MACAddress`, `HostName`, `appLoadID`, `bootLoadID`, `versionID`, `modelNumber`, ...).
//! Bounded ([`MAX_PAGE_LEN`]), read in the encoding its declaration names (`iso-8859-1` on the
//! one real page published), element names matched in any letter case, values trimmed, every
//! other element ignored; any doubt (a value given twice, an element inside a value, a broken
//! document) is an error, never a guess and never a panic.
//!
//! The sample every test starts from is a real CP-7940 on SCCP 8.1(2), published in
//! FusionInventory's "Specs for POIP" (github.com/fusioninventory/fusioninventory.github.io,
//! `_documentation/dev/spec/poip.md`).
//!
//! May use: quick-xml, [`crate::files::mac`], [`crate::knowledge`], [`crate::output`].

use std::borrow::Cow;
use std::fmt;

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::files::mac::Mac;
use crate::knowledge::load_id::LoadId;
use crate::knowledge::phones::Model;
use crate::output::Untrusted;

/// The longest page read: the real one is about 700 bytes.
pub const MAX_PAGE_LEN: usize = 16 * 1024;

/// What the page says, each value as written (trimmed), `None` when the page lacks it or leaves
/// it empty. Escape values with [`Untrusted`] before showing them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceInfo {
    /// `MACAddress`: twelve hex digits (`0003E369A125`).
    pub mac_address: Option<String>,
    /// `HostName`: `SEP<MAC>`.
    pub host_name: Option<String>,
    /// `appLoadID`: the running application's load ID (`P00308010200`).
    pub app_load_id: Option<String>,
    /// `bootLoadID`: the boot ROM (`PC03A300`), never something to plan from.
    pub boot_load_id: Option<String>,
    /// `versionID`: the version as the phone shows it (`8.1(2.0)`).
    pub version_id: Option<String>,
    /// `DSPLoadID`.
    pub dsp_load_id: Option<String>,
    /// `modelNumber`: `CP-7940` (without the `G` DHCP's vendor class has).
    pub model_number: Option<String>,
    /// `serialNumber`.
    pub serial_number: Option<String>,
    /// `hardwareRevision`.
    pub hardware_revision: Option<String>,
}

/// Where an element's value goes.
type Slot = fn(&mut DeviceInfo) -> &mut Option<String>;

/// The elements read, and where each goes.
const FIELDS: [(&str, Slot); 9] = [
    ("MACAddress", |i| &mut i.mac_address),
    ("HostName", |i| &mut i.host_name),
    ("appLoadID", |i| &mut i.app_load_id),
    ("bootLoadID", |i| &mut i.boot_load_id),
    ("versionID", |i| &mut i.version_id),
    ("DSPLoadID", |i| &mut i.dsp_load_id),
    ("modelNumber", |i| &mut i.model_number),
    ("serialNumber", |i| &mut i.serial_number),
    ("hardwareRevision", |i| &mut i.hardware_revision),
];

/// Why a page is not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    #[error(
        "the page is {len} bytes, more than the {MAX_PAGE_LEN} a DeviceInformationX page may be"
    )]
    TooLarge { len: usize },
    #[error("the page is not XML: {0}")]
    NotXml(String),
    #[error("the page holds no element")]
    Empty,
    #[error("the page is `<{}>`, not `<DeviceInformation>`: this phone does not answer DeviceInformationX", Untrusted(.root))]
    NotDeviceInformation { root: String },
    #[error("the page gives `{0}` twice")]
    Duplicate(&'static str),
    #[error("the page's `{0}` holds other elements, not one value")]
    Nested(&'static str),
}

impl DeviceInfo {
    /// `MACAddress` as a MAC.
    pub fn mac(&self) -> Option<Mac> {
        self.mac_address.as_deref()?.parse().ok()
    }

    /// `appLoadID` as a load ID, spelled as the page spells it.
    pub fn app_load(&self) -> Option<LoadId> {
        LoadId::parse(self.app_load_id.as_deref()?).ok()
    }

    /// `bootLoadID` as a load ID (of kind boot, when it is a 79x0's).
    pub fn boot_load(&self) -> Option<LoadId> {
        LoadId::parse(self.boot_load_id.as_deref()?).ok()
    }

    /// The 7940 or 7960 `modelNumber` names.
    pub fn model(&self) -> Option<Model> {
        Model::from_cisco_name(self.model_number.as_deref()?)
    }
}

impl fmt::Display for DeviceInfo {
    /// One line for a log, untrusted values escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |value: &Option<String>| {
            value
                .as_ref()
                .map_or("-".into(), |v| Untrusted(v).to_string())
        };
        write!(
            f,
            "page of {}: model {}, app {}, boot {}, version {}",
            shown(&self.mac_address),
            shown(&self.model_number),
            shown(&self.app_load_id),
            shown(&self.boot_load_id),
            shown(&self.version_id),
        )
    }
}

/// Reads a `DeviceInformationX` page.
pub fn parse_page(bytes: &[u8]) -> Result<DeviceInfo, PageError> {
    if bytes.len() > MAX_PAGE_LEN {
        return Err(PageError::TooLarge { len: bytes.len() });
    }
    let text = decode(bytes)?;
    let not_xml = |e: &dyn fmt::Display| PageError::NotXml(e.to_string());
    let mut reader = Reader::from_str(&text);
    let mut info = DeviceInfo::default();
    let mut seen = [false; FIELDS.len()];
    // Depth 1 is inside the root; a field being read, and its text so far.
    let (mut depth, mut roots) = (0usize, 0usize);
    let mut field: Option<(usize, String)> = None;
    loop {
        match reader.read_event().map_err(|e| not_xml(&e))? {
            Event::Start(start) => {
                let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                if depth == 0 {
                    root(&name, &mut roots)?;
                } else if let Some((index, _)) = field {
                    return Err(PageError::Nested(FIELDS[index].0));
                } else if depth == 1 {
                    field = known(&name).map(|index| (index, String::new()));
                }
                depth += 1;
            }
            Event::Empty(empty) => {
                let name = String::from_utf8_lossy(empty.name().as_ref()).into_owned();
                if depth == 0 {
                    root(&name, &mut roots)?;
                } else if let Some((index, _)) = field {
                    return Err(PageError::Nested(FIELDS[index].0));
                } else if let Some(index) = known(&name).filter(|_| depth == 1) {
                    mark(&mut seen, index)?;
                }
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if let Some((index, value)) = field.take().filter(|_| depth == 1) {
                    mark(&mut seen, index)?;
                    let value = value.trim();
                    *(FIELDS[index].1)(&mut info) = (!value.is_empty()).then(|| value.to_string());
                }
            }
            Event::Text(text) => {
                if let Some((_, value)) = &mut field {
                    value.push_str(&text.decode().map_err(|e| not_xml(&e))?);
                }
            }
            Event::CData(data) => {
                if let Some((_, value)) = &mut field {
                    value.push_str(&data.decode().map_err(|e| not_xml(&e))?);
                }
            }
            Event::GeneralRef(reference) => {
                let character = reference.resolve_char_ref().map_err(|e| not_xml(&e))?;
                let name = reference.decode().map_err(|e| not_xml(&e))?;
                let resolved = match character {
                    Some(c) => Cow::Owned(c.to_string()),
                    None => Cow::Borrowed(
                        quick_xml::escape::resolve_xml_entity(&name).ok_or_else(|| {
                            PageError::NotXml(format!("unknown entity `&{};`", Untrusted(&name)))
                        })?,
                    ),
                };
                if let Some((_, value)) = &mut field {
                    value.push_str(&resolved);
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if depth > 0 {
        return Err(PageError::NotXml(
            "the document ends before its elements do".into(),
        ));
    }
    if roots == 0 {
        return Err(PageError::Empty);
    }
    Ok(info)
}

/// The one root there may be, and it must be `DeviceInformation`.
fn root(name: &str, roots: &mut usize) -> Result<(), PageError> {
    *roots += 1;
    if *roots > 1 {
        return Err(PageError::NotXml("more than one root element".into()));
    }
    if !name.eq_ignore_ascii_case("DeviceInformation") {
        return Err(PageError::NotDeviceInformation {
            root: name.to_string(),
        });
    }
    Ok(())
}

fn known(name: &str) -> Option<usize> {
    FIELDS
        .iter()
        .position(|(field, _)| field.eq_ignore_ascii_case(name))
}

fn mark(seen: &mut [bool], index: usize) -> Result<(), PageError> {
    if std::mem::replace(&mut seen[index], true) {
        return Err(PageError::Duplicate(FIELDS[index].0));
    }
    Ok(())
}

/// The page as text: ISO-8859-1 when its declaration says so (one byte, one character), UTF-8
/// otherwise (a byte-order mark dropped).
fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, PageError> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if latin1_declared(bytes) {
        return Ok(Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()));
    }
    std::str::from_utf8(bytes).map(Cow::Borrowed).map_err(|e| {
        PageError::NotXml(format!(
            "byte {} is not UTF-8, and no ISO-8859-1 is declared",
            e.valid_up_to()
        ))
    })
}

/// Whether an XML declaration at the start names ISO-8859-1 (or an alias) as the encoding.
fn latin1_declared(bytes: &[u8]) -> bool {
    let Some(rest) = bytes.strip_prefix(b"<?xml") else {
        return false;
    };
    let end = rest.windows(2).position(|w| w == b"?>").unwrap_or(0);
    let declaration = String::from_utf8_lossy(&rest[..end.min(200)]).to_ascii_lowercase();
    let Some((_, after)) = declaration.split_once("encoding") else {
        return false;
    };
    let label = after
        .trim_start_matches(|c: char| c == '=' || c.is_ascii_whitespace())
        .trim_start_matches(['"', '\''])
        .split(['"', '\''])
        .next()
        .unwrap_or("");
    matches!(
        label,
        "iso-8859-1" | "iso8859-1" | "iso_8859-1" | "latin1" | "latin-1" | "l1"
    )
}

#[cfg(test)]
pub(super) mod tests;
