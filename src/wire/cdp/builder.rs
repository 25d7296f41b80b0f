//! CDP frames made to order, for tests and benchmarks: what a 7940/7960 sends ([`CdpFrame::phone`],
//! in the order and with the values of the field samples), or any TLVs at all, and what a phone
//! running a catalogue load would say in it ([`PhoneSays`]), with whether a capture shows it.
//! No I/O: the bytes go out through whatever socket the caller has.
//!
//! May use: [`crate::files::mac`], [`crate::knowledge`], [`super::announcement`],
//! [`super::checksum`].

use std::net::Ipv4Addr;

use crate::files::mac::Mac;
use crate::knowledge::load_id::{Kind, Protocol};
use crate::knowledge::matrix::Load;
use crate::knowledge::phones::Model;

use super::announcement::{DevicePrefix, CDP_MULTICAST, CDP_SNAP};
use super::checksum;

/// One CDP frame to build. TLVs go out in the order they are held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdpFrame {
    pub source: Mac,
    /// An 802.1Q tag with this VLAN, as a phone left with a voice VLAN sends.
    pub vlan: Option<u16>,
    pub version: u8,
    pub ttl: u8,
    /// The checksum field as written; `None` writes the right checksum.
    pub checksum: Option<u16>,
    pub tlvs: Vec<(u16, Vec<u8>)>,
}

/// What a 7940/7960 running a load would name itself in CDP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneSays {
    pub prefix: DevicePrefix,
    /// The Software Version text.
    pub software: String,
    /// Whether a capture or a field note shows a phone on such a load saying this; `false`
    /// where it is phoneup's reading of the others (pre-UAL images, SIP and SCCP 7.x, MGCP,
    /// a phone sitting in the loader).
    pub sourced: bool,
}

impl PhoneSays {
    /// A SIP 7.x/8.x application: `SIP<MAC>` and its package's loader ID (scapy's 7960 SIP 8.2
    /// sample says `P003-08-2-00`, voiphopper's SIP profile `P003-08-8-00`). An SCCP
    /// application: `SEP<MAC>` and its own load ID (voip-info's 7940 capture `P00308000100`,
    /// voiphopper's SCCP profile `P00308000700`). Everything else: the load's own ID, `SIP`
    /// for SIP applications and `SEP` otherwise, unsourced. A bare loader so says `SEP<MAC>` and
    /// its own ID: voip-info's capture is of a 7940 at "Protocol Application Invalid", its
    /// application not started, so what a phone in its loader says is known for an SCCP
    /// package only (whose loader and application share one ID).
    pub fn for_load(load: &Load) -> PhoneSays {
        let eighth = load.id.major() == Some(8);
        let (prefix, software, sourced) = match (load.id.kind(), load.id.protocol()) {
            (Kind::Application, Some(Protocol::Sip)) => match &load.loader {
                Some(loader) => (DevicePrefix::Sip, loader.clone(), eighth),
                None => (DevicePrefix::Sip, load.name().to_string(), false),
            },
            (Kind::Application, Some(Protocol::Sccp)) => {
                (DevicePrefix::Sep, load.name().to_string(), eighth)
            }
            _ => (DevicePrefix::Sep, load.name().to_string(), false),
        };
        PhoneSays {
            prefix,
            software,
            sourced,
        }
    }
}

/// TLV types the builder writes.
pub mod tlv {
    pub const DEVICE_ID: u16 = 0x0001;
    pub const ADDRESSES: u16 = 0x0002;
    pub const PORT_ID: u16 = 0x0003;
    pub const CAPABILITIES: u16 = 0x0004;
    pub const SOFTWARE_VERSION: u16 = 0x0005;
    pub const PLATFORM: u16 = 0x0006;
    pub const DUPLEX: u16 = 0x000b;
    pub const VOIP_VLAN_QUERY: u16 = 0x000f;
    pub const POWER: u16 = 0x0010;
}

impl CdpFrame {
    /// A CDP version 2 frame from `source` with a TTL of 180 s and no TLVs.
    pub fn new(source: Mac) -> CdpFrame {
        CdpFrame {
            source,
            vlan: None,
            version: 2,
            ttl: 180,
            checksum: None,
            tlvs: Vec::new(),
        }
    }

    /// What a 79x0 sends, in voip-info's 7940 capture's order and values: Device ID
    /// `<prefix><MAC>`, Port ID `Port 1`, Capabilities host, Software Version, Platform `Cisco
    /// IP Phone <model>` (none for [`Model::Both`]), Duplex full, Power 6300 mW.
    pub fn phone(source: Mac, prefix: DevicePrefix, software: &str, model: Model) -> CdpFrame {
        let mut frame = CdpFrame::new(source)
            .text(tlv::DEVICE_ID, &format!("{prefix}{source}"))
            .text(tlv::PORT_ID, "Port 1")
            .tlv(tlv::CAPABILITIES, 0x10u32.to_be_bytes())
            .text(tlv::SOFTWARE_VERSION, software);
        if model != Model::Both {
            frame = frame.text(tlv::PLATFORM, &format!("Cisco IP Phone {model}"));
        }
        frame
            .tlv(tlv::DUPLEX, [0x01])
            .tlv(tlv::POWER, 6300u16.to_be_bytes())
    }

    /// What a 79x0 running `load` sends, as [`PhoneSays::for_load`] reads it.
    pub fn phone_running(source: Mac, load: &Load, model: Model) -> CdpFrame {
        let says = PhoneSays::for_load(load);
        CdpFrame::phone(source, says.prefix, &says.software, model)
    }

    /// Adds a TLV at the end.
    pub fn tlv(mut self, kind: u16, value: impl AsRef<[u8]>) -> CdpFrame {
        self.tlvs.push((kind, value.as_ref().to_vec()));
        self
    }

    /// Adds a text TLV at the end.
    pub fn text(self, kind: u16, text: &str) -> CdpFrame {
        self.tlv(kind, text.as_bytes())
    }

    /// Adds an Addresses TLV with one IPv4 address after the Device ID (where phones put it).
    pub fn address(mut self, address: Ipv4Addr) -> CdpFrame {
        let mut value = vec![0, 0, 0, 1, 0x01, 0x01, 0xcc, 0x00, 0x04];
        value.extend(address.octets());
        let at = self.position(tlv::DEVICE_ID).map_or(0, |i| i + 1);
        self.tlvs.insert(at, (tlv::ADDRESSES, value));
        self
    }

    /// Adds the VoIP VLAN Query a SIP 8.2 7960 sent (`20 02 00 01`), before Duplex.
    pub fn voip_vlan_query(mut self) -> CdpFrame {
        let at = self.position(tlv::DUPLEX).unwrap_or(self.tlvs.len());
        self.tlvs
            .insert(at, (tlv::VOIP_VLAN_QUERY, vec![0x20, 0x02, 0x00, 0x01]));
        self
    }

    /// Removes every TLV of this type.
    pub fn without(mut self, kind: u16) -> CdpFrame {
        self.tlvs.retain(|(k, _)| *k != kind);
        self
    }

    /// Carries an 802.1Q tag for this VLAN.
    pub fn tagged(mut self, vlan: u16) -> CdpFrame {
        self.vlan = Some(vlan);
        self
    }

    /// Writes this checksum, right or wrong.
    pub fn with_checksum(mut self, checksum: u16) -> CdpFrame {
        self.checksum = Some(checksum);
        self
    }

    fn position(&self, kind: u16) -> Option<usize> {
        self.tlvs.iter().position(|(k, _)| *k == kind)
    }

    /// The CDP part: version, TTL, checksum, TLVs. A TLV value is cut to the 65 531 bytes its
    /// length field can count.
    pub fn cdp_bytes(&self) -> Vec<u8> {
        let mut cdp = vec![self.version, self.ttl, 0, 0];
        for (kind, value) in &self.tlvs {
            let value = &value[..value.len().min(usize::from(u16::MAX) - 4)];
            cdp.extend(kind.to_be_bytes());
            cdp.extend(
                u16::try_from(value.len() + 4)
                    .unwrap_or(u16::MAX)
                    .to_be_bytes(),
            );
            cdp.extend(value);
        }
        let sum = self.checksum.unwrap_or_else(|| checksum::compute(&cdp));
        cdp[checksum::FIELD..checksum::FIELD + 2].copy_from_slice(&sum.to_be_bytes());
        cdp
    }

    /// The whole Ethernet frame, without a frame check sequence, padded to the 60-byte minimum.
    /// The 802.3 length field counts LLC, SNAP and the CDP part (saturating past 65 535).
    pub fn to_bytes(&self) -> Vec<u8> {
        let cdp = self.cdp_bytes();
        let mut frame = CDP_MULTICAST.to_vec();
        frame.extend(self.source.octets());
        if let Some(vlan) = self.vlan {
            frame.extend([0x81, 0x00]);
            frame.extend((vlan & 0x0fff).to_be_bytes());
        }
        let length = u16::try_from(CDP_SNAP.len() + cdp.len()).unwrap_or(u16::MAX);
        frame.extend(length.to_be_bytes());
        frame.extend(CDP_SNAP);
        frame.extend(cdp);
        if frame.len() < 60 {
            frame.resize(60, 0);
        }
        frame
    }
}
