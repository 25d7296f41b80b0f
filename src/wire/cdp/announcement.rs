//! One CDP frame read into what its sender says about itself ([`CdpAnnouncement`]), with no
//! I/O: the Ethernet frame as the wire carried it (802.3 length, LLC/SNAP `aa aa 03 00 00 0c
//! 20 00`, to `01:00:0c:cc:cc:cc`, at most one 802.1Q tag), every length checked against the
//! bytes that are really there, never a panic. Text from the frame is kept as sent (escape it
//! with [`crate::output::Untrusted`] before showing it) and read further only where it is a
//! name phoneup knows: `SEP<MAC>`/`SIP<MAC>`, a load ID, a 7940/7960 platform.
//!
//! May use: [`crate::files::mac`], [`crate::knowledge::load_id`], [`crate::knowledge::phones`],
//! [`super::checksum`].

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use crate::files::mac::Mac;
use crate::knowledge::load_id::LoadId;
use crate::knowledge::phones::Model;
use crate::output::Untrusted;

use super::checksum;

/// The multicast address every CDP frame goes to (VTP, DTP, PAgP and UDLD share it).
pub const CDP_MULTICAST: [u8; 6] = [0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc];
/// LLC (DSAP, SSAP SNAP; UI), SNAP OUI Cisco, SNAP protocol CDP.
pub const CDP_SNAP: [u8; 8] = [0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x00];
/// The largest frame read: 1500 bytes of payload, the Ethernet header, one 802.1Q tag and the
/// frame check sequence some drivers pass up.
pub const MAX_FRAME_LEN: usize = 1500 + 14 + 4 + 4;

/// TLV types read (Wireshark's `packet-cdp.c` names them); others are skipped.
const DEVICE_ID: u16 = 0x0001;
const ADDRESSES: u16 = 0x0002;
const PORT_ID: u16 = 0x0003;
const CAPABILITIES: u16 = 0x0004;
const SOFTWARE_VERSION: u16 = 0x0005;
const PLATFORM: u16 = 0x0006;

/// What one CDP frame says. Every field but the sender, version, TTL and checksum is `None`
/// (or empty) when the frame lacks its TLV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdpAnnouncement {
    /// The Ethernet source address of the frame.
    pub source: Mac,
    /// The VLAN of an 802.1Q tag the frame still carries (a phone left with a voice VLAN).
    /// Linux takes the tag off before a packet socket sees the frame, so from
    /// [`super::listener`] this is `None`; a capture read from elsewhere may have it.
    pub vlan: Option<u16>,
    /// CDP version, 1 or 2 (every phone sample is 2).
    pub version: u8,
    /// How long the sender asks for this to be believed (180 s in every phone sample).
    pub ttl: Duration,
    pub checksum: Checksum,
    pub device_id: Option<DeviceId>,
    pub software: Option<Software>,
    pub platform: Option<Platform>,
    /// Addresses TLV: IPv4 and IPv6 addresses, in the frame's order (other kinds are skipped).
    pub addresses: Vec<IpAddr>,
    /// Port ID TLV, as sent (`Port 1` on a phone).
    pub port_id: Option<String>,
    /// Capabilities TLV bits (`0x10`, host, on a 79x0).
    pub capabilities: Option<u32>,
}

/// Whether the checksum field holds the checksum of the CDP part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checksum {
    Verified,
    /// Reported, never a reason to drop the frame: lldpd does not check it on receipt, and
    /// published frames and builders get the odd-length case wrong (see [`super::checksum`]).
    Mismatch {
        stored: u16,
        computed: u16,
    },
}

/// The Device ID TLV: the text sent, and the phone it names when it is `SEP<MAC>` or
/// `SIP<MAC>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceId {
    pub text: String,
    pub phone: Option<(DevicePrefix, Mac)>,
}

/// How a 79x0 names itself in CDP. Only a hint of what it runs, never proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DevicePrefix {
    /// `SEP<MAC>`: seen from an SCCP 8.0 phone (voip-info's 7940 capture, voiphopper's SCCP
    /// profile); what a phone in the UAL loader or on a pre-UAL image sends is not known.
    Sep,
    /// `SIP<MAC>`: seen from SIP 8.x applications (scapy's 7960 sample, voiphopper's SIP
    /// profile), which then report their package's loader ID as Software Version.
    Sip,
}

impl DevicePrefix {
    pub fn as_str(self) -> &'static str {
        match self {
            DevicePrefix::Sep => "SEP",
            DevicePrefix::Sip => "SIP",
        }
    }
}

impl fmt::Display for DevicePrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The Software Version TLV: the text sent, and the load ID it is, when it parses as one.
/// A SIP 8.x application reports its package's *loader* (`P003-08-2-00`, not `P0S3-08-2-00`):
/// this says what was sent, and leaves what it means with the Device ID to the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Software {
    pub text: String,
    pub load: Option<LoadId>,
}

/// The Platform TLV: the text sent, and the 7940 or 7960 it names (`Cisco IP Phone 7960`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Platform {
    pub text: String,
    pub model: Option<Model>,
}

/// Why a frame is not read as a CDP announcement. [`CdpError::NotCdp`] is any other frame that
/// arrives on the same socket (spanning tree, VTP, DTP, ...): a listener skips it silently;
/// the rest are CDP frames that are broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CdpError {
    #[error("not a CDP frame: {0}")]
    NotCdp(&'static str),
    #[error("a {len}-byte frame is longer than any CDP frame ({MAX_FRAME_LEN} bytes at most)")]
    Oversized { len: usize },
    #[error("the frame ends inside its {what}: it is {len} bytes, {what} needs {needed}")]
    Truncated {
        what: &'static str,
        len: usize,
        needed: usize,
    },
    #[error("CDP version {0} is not 1 or 2")]
    UnknownVersion(u8),
    #[error("TLV 0x{kind:04x} at byte {at} of the CDP part gives its length as {len}, below the 4 bytes of its own header")]
    TlvTooShort { kind: u16, at: usize, len: usize },
    #[error("TLV 0x{kind:04x} at byte {at} of the CDP part gives its length as {len}, but only {left} bytes are left")]
    TlvOverrun {
        kind: u16,
        at: usize,
        len: usize,
        left: usize,
    },
    #[error("the CDP part ends with {left} bytes, too few for a TLV")]
    TrailingBytes { left: usize },
    #[error("TLV 0x{kind:04x} ({name}) comes twice; a sender names itself once")]
    Duplicate { kind: u16, name: &'static str },
    #[error("the {name} TLV is malformed: {why}")]
    Malformed { name: &'static str, why: String },
}

impl CdpAnnouncement {
    /// The phone's MAC: the one its Device ID names, and only when the frame came from that
    /// same address (a frame naming another MAC than its sender's is not believed).
    pub fn phone_mac(&self) -> Option<Mac> {
        let (_, mac) = self.device_id.as_ref()?.phone?;
        (mac == self.source).then_some(mac)
    }

    /// `SEP` or `SIP`, from a Device ID that names the sender.
    pub fn prefix(&self) -> Option<DevicePrefix> {
        self.phone_mac()?;
        self.device_id.as_ref()?.phone.map(|(prefix, _)| prefix)
    }

    /// The 7940 or 7960 the Platform names.
    pub fn model(&self) -> Option<Model> {
        self.platform.as_ref()?.model
    }

    /// The load ID the Software Version is, as sent.
    pub fn load(&self) -> Option<&LoadId> {
        self.software.as_ref()?.load.as_ref()
    }
}

impl fmt::Display for CdpAnnouncement {
    /// One line for a log: who sent it and what it says, untrusted text escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |text: Option<&String>| text.map_or("-".into(), |t| Untrusted(t).to_string());
        write!(
            f,
            "CDP from {}: device {}, software {}, platform {}",
            self.source,
            shown(self.device_id.as_ref().map(|d| &d.text)),
            shown(self.software.as_ref().map(|s| &s.text)),
            shown(self.platform.as_ref().map(|p| &p.text)),
        )?;
        if let Checksum::Mismatch { stored, computed } = self.checksum {
            write!(f, " (checksum 0x{stored:04x}, computed 0x{computed:04x})")?;
        }
        Ok(())
    }
}

/// Reads one Ethernet frame, from its destination address on (no preamble; a trailing frame
/// check sequence or padding past the 802.3 length is ignored).
pub fn parse_frame(frame: &[u8]) -> Result<CdpAnnouncement, CdpError> {
    if frame.len() > MAX_FRAME_LEN {
        return Err(CdpError::Oversized { len: frame.len() });
    }
    let header = need(frame, 14, "Ethernet header")?;
    if header[..6] != CDP_MULTICAST {
        return Err(CdpError::NotCdp("not sent to 01:00:0c:cc:cc:cc"));
    }
    let source = Mac::from_bytes(header[6..12].try_into().expect("six bytes"));
    let (vlan, length_at) = if header[12..14] == [0x81, 0x00] {
        let tagged = need(frame, 18, "802.1Q tag")?;
        let tci = u16::from_be_bytes([tagged[14], tagged[15]]);
        (Some(tci & 0x0fff), 16)
    } else {
        (None, 12)
    };
    let declared = usize::from(u16::from_be_bytes([frame[length_at], frame[length_at + 1]]));
    if declared > 1500 {
        return Err(CdpError::NotCdp(
            "an Ethernet II frame, not 802.3 with a length",
        ));
    }
    let payload = &frame[length_at + 2..];
    let payload = payload.get(..declared).ok_or(CdpError::Truncated {
        what: "802.3 payload",
        len: frame.len(),
        needed: length_at + 2 + declared,
    })?;
    let snap = need(payload, 8, "LLC/SNAP header")?;
    if snap[..6] != CDP_SNAP[..6] {
        return Err(CdpError::NotCdp("not LLC/SNAP with Cisco's OUI"));
    }
    if snap[6..8] != CDP_SNAP[6..8] {
        return Err(CdpError::NotCdp(
            "a Cisco SNAP protocol other than CDP (VTP, DTP, UDLD, ...)",
        ));
    }
    parse_cdp(source, vlan, &payload[8..])
}

/// The first `needed` bytes of `bytes`, or why not.
fn need<'a>(bytes: &'a [u8], needed: usize, what: &'static str) -> Result<&'a [u8], CdpError> {
    bytes.get(..needed).ok_or(CdpError::Truncated {
        what,
        len: bytes.len(),
        needed,
    })
}

/// The CDP part: version, TTL, checksum, then type-length-value records to its end.
fn parse_cdp(source: Mac, vlan: Option<u16>, cdp: &[u8]) -> Result<CdpAnnouncement, CdpError> {
    let head = need(cdp, 4, "CDP header")?;
    let version = head[0];
    if !matches!(version, 1 | 2) {
        return Err(CdpError::UnknownVersion(version));
    }
    let stored = u16::from_be_bytes([head[2], head[3]]);
    let computed = checksum::compute(cdp);
    let mut announcement = CdpAnnouncement {
        source,
        vlan,
        version,
        ttl: Duration::from_secs(u64::from(head[1])),
        checksum: if stored == computed {
            Checksum::Verified
        } else {
            Checksum::Mismatch { stored, computed }
        },
        device_id: None,
        software: None,
        platform: None,
        addresses: Vec::new(),
        port_id: None,
        capabilities: None,
    };
    let mut seen = Vec::new();
    let mut at = 4;
    while at < cdp.len() {
        let left = cdp.len() - at;
        if left < 4 {
            return Err(CdpError::TrailingBytes { left });
        }
        let kind = u16::from_be_bytes([cdp[at], cdp[at + 1]]);
        let len = usize::from(u16::from_be_bytes([cdp[at + 2], cdp[at + 3]]));
        if len < 4 {
            return Err(CdpError::TlvTooShort { kind, at, len });
        }
        let value = cdp.get(at + 4..at + len).ok_or(CdpError::TlvOverrun {
            kind,
            at,
            len,
            left,
        })?;
        if let Some(name) = tlv_name(kind) {
            if seen.contains(&kind) {
                return Err(CdpError::Duplicate { kind, name });
            }
            seen.push(kind);
            read_tlv(&mut announcement, kind, value)?;
        }
        at += len;
    }
    Ok(announcement)
}

fn tlv_name(kind: u16) -> Option<&'static str> {
    Some(match kind {
        DEVICE_ID => "Device ID",
        ADDRESSES => "Addresses",
        PORT_ID => "Port ID",
        CAPABILITIES => "Capabilities",
        SOFTWARE_VERSION => "Software Version",
        PLATFORM => "Platform",
        _ => return None,
    })
}

fn read_tlv(into: &mut CdpAnnouncement, kind: u16, value: &[u8]) -> Result<(), CdpError> {
    let text = || String::from_utf8_lossy(value).into_owned();
    match kind {
        DEVICE_ID => into.device_id = Some(device_id(text())),
        SOFTWARE_VERSION => {
            let text = text();
            let load = LoadId::parse(trimmed(&text)).ok();
            into.software = Some(Software { text, load });
        }
        PLATFORM => {
            let text = text();
            let model = Model::from_cisco_name(trimmed(&text));
            into.platform = Some(Platform { text, model });
        }
        PORT_ID => into.port_id = Some(text()),
        CAPABILITIES => {
            let bits: [u8; 4] = value.try_into().map_err(|_| CdpError::Malformed {
                name: "Capabilities",
                why: format!("{} bytes, not 4", value.len()),
            })?;
            into.capabilities = Some(u32::from_be_bytes(bits));
        }
        ADDRESSES => into.addresses = addresses(value)?,
        _ => {}
    }
    Ok(())
}

/// Text without the NULs and spaces some senders pad it with.
fn trimmed(text: &str) -> &str {
    text.trim_matches(|c: char| c == '\0' || c.is_ascii_whitespace())
}

fn device_id(text: String) -> DeviceId {
    let name = trimmed(&text);
    let phone = [DevicePrefix::Sep, DevicePrefix::Sip]
        .into_iter()
        .find_map(|prefix| {
            let digits = name.strip_prefix(prefix.as_str())?;
            Some((prefix, Mac::from_digits(digits)?))
        });
    DeviceId { text, phone }
}

/// The Addresses TLV: a count, then per address a protocol type, the protocol (NLPID `cc` for
/// IPv4; an 802.2 header ending `86 dd` for IPv6) and the address. The count is believed only
/// as far as the bytes go: fewer addresses than it says is an error.
fn addresses(value: &[u8]) -> Result<Vec<IpAddr>, CdpError> {
    let malformed = |why: String| CdpError::Malformed {
        name: "Addresses",
        why,
    };
    let count: [u8; 4] = value
        .get(..4)
        .and_then(|c| c.try_into().ok())
        .ok_or_else(|| malformed(format!("{} bytes, too few for its count", value.len())))?;
    let count = u32::from_be_bytes(count);
    let mut rest = &value[4..];
    let mut found = Vec::new();
    for n in 0..count {
        let short = || {
            malformed(format!(
                "it counts {count} addresses and ends inside number {}",
                n + 1
            ))
        };
        let &[_, protocol_len, ..] = rest else {
            return Err(short());
        };
        let protocol_len = usize::from(protocol_len);
        let protocol = rest.get(2..2 + protocol_len).ok_or_else(short)?;
        let at = 2 + protocol_len;
        let address_len = rest
            .get(at..at + 2)
            .map(|l| usize::from(u16::from_be_bytes([l[0], l[1]])))
            .ok_or_else(short)?;
        let address = rest.get(at + 2..at + 2 + address_len).ok_or_else(short)?;
        match (protocol, address.len()) {
            ([0xcc], 4) => found.push(IpAddr::V4(Ipv4Addr::new(
                address[0], address[1], address[2], address[3],
            ))),
            ([.., 0x86, 0xdd], 16) => {
                let octets: [u8; 16] = address.try_into().expect("sixteen bytes");
                found.push(IpAddr::V6(Ipv6Addr::from(octets)));
            }
            _ => {}
        }
        rest = &rest[at + 2 + address_len..];
    }
    Ok(found)
}

#[cfg(test)]
mod tests;
