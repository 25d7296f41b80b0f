//! Which MAC address a client has, before its requests name it: the kernel's neighbour table
//! (`/proc/net/arp`, read again for every request, complete entries only: it holds a client only
//! when it is on the same link, as the kernel learnt the MAC from the client's own ARP request),
//! and DHCP lease files (dnsmasq's `dnsmasq.leases`, ISC dhcpd's `dhcpd.leases`), also read
//! again for every request. And the MAC in a per-phone file name.
//!
//! The lookups ([`mac_in_name`], [`arp_lookup`], [`lease_lookup`]) read text they are given;
//! [`neighbour`] and [`lease`] are the thin reads of the files that serve's driver makes.
//!
//! May use: the standard library only.

use core::net::IpAddr;
use std::path::Path;

/// Twelve upper-case hex digits from `00:18:b9:ff:ff:ff`, `00-18-B9-FF-FF-FF`,
/// `0018.b9ff.ffff` or `0018B9FFFFFF`.
pub fn normalise_mac(text: &str) -> Option<String> {
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, ':' | '-' | '.'))
        .collect();
    (digits.len() == 12 && digits.chars().all(|c| c.is_ascii_hexdigit()))
        .then(|| digits.to_ascii_uppercase())
}

/// The MAC a per-phone file name carries (`CTLSEP<MAC>.tlv`, `SEP<MAC>.cnf.xml`,
/// `SEP<MAC>.cnf`, `SIP<MAC>.cnf`, `MGC<MAC>.cnf`), as phones spell it: upper case.
pub fn mac_in_name(name: &str) -> Option<String> {
    for (prefix, suffix) in [
        ("CTLSEP", ".tlv"),
        ("SEP", ".cnf.xml"),
        ("SEP", ".cnf"),
        ("SIP", ".cnf"),
        ("MGC", ".cnf"),
    ] {
        if let Some(middle) = name
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(suffix))
        {
            if middle.len() == 12 && middle.bytes().all(|b| b.is_ascii_hexdigit()) {
                if middle.bytes().any(|b| b.is_ascii_lowercase()) {
                    return None;
                }
                return Some(middle.to_string());
            }
        }
    }
    None
}

/// The MAC of `ip` in a `/proc/net/arp` table: a complete entry (flag 0x2) with a real address.
pub fn arp_lookup(table: &str, ip: IpAddr) -> Option<String> {
    let wanted = ip.to_string();
    table.lines().skip(1).find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [address, _hw_type, flags, hw, ..] = fields.as_slice() else {
            return None;
        };
        let flags = u32::from_str_radix(flags.trim_start_matches("0x"), 16).ok()?;
        (*address == wanted && flags & 0x2 != 0 && *hw != "00:00:00:00:00:00")
            .then(|| normalise_mac(hw))
            .flatten()
    })
}

/// The kernel's neighbour table for an IPv4 client.
pub fn neighbour(ip: IpAddr) -> Option<String> {
    if !ip.is_ipv4() {
        return None;
    }
    let table = std::fs::read_to_string("/proc/net/arp").ok()?;
    arp_lookup(&table, ip)
}

/// The MAC a lease file gives `ip`: dnsmasq's one lease a line (`EXPIRY MAC IP HOST CLIENT-ID`),
/// or ISC dhcpd's `lease IP { ... hardware ethernet MAC; ... }` blocks, the last one for the
/// address winning (the file is a log), skipping leases whose binding state is not active.
pub fn lease_lookup(text: &str, ip: IpAddr) -> Option<String> {
    let wanted = ip.to_string();
    if text.contains("lease ") && text.contains('{') {
        let mut found = None;
        let mut rest = text;
        while let Some(at) = rest.find("lease ") {
            rest = &rest[at + 6..];
            let Some(open) = rest.find('{') else { break };
            let address = rest[..open].trim();
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            let body = &rest[open + 1..open + close];
            rest = &rest[open + close..];
            if address != wanted {
                continue;
            }
            let mut mac = None;
            let mut active = true;
            for statement in body.split(';') {
                let words: Vec<&str> = statement.split_whitespace().collect();
                match words.as_slice() {
                    ["hardware", "ethernet", m] => mac = normalise_mac(m),
                    ["binding", "state", state] => active = *state == "active",
                    _ => {}
                }
            }
            found = if active { mac } else { None };
        }
        return found;
    }
    text.lines().find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        match fields.as_slice() {
            [_expiry, mac, address, ..] if *address == wanted => normalise_mac(mac),
            _ => None,
        }
    })
}

/// The MAC a lease file gives `ip`, read now.
pub fn lease(path: &Path, ip: IpAddr) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    lease_lookup(&text, ip)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_neighbour_table_gives_complete_entries_only() {
        let table =
            "IP address       HW type     Flags       HW address            Mask     Device\n\
                     10.99.0.20       0x1         0x2         26:c6:f5:5f:d0:a2     *        pu0\n\
                     10.99.0.21       0x1         0x0         00:00:00:00:00:00     *        pu0\n";
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(
            arp_lookup(table, ip("10.99.0.20")).as_deref(),
            Some("26C6F55FD0A2")
        );
        assert_eq!(arp_lookup(table, ip("10.99.0.21")), None);
        // An incomplete entry that still shows an address is no answer either.
        let incomplete = "IP address HW type Flags HW address Mask Device\n\
                          10.99.0.22 0x1 0x0 26:c6:f5:5f:d0:a3 * pu0\n";
        assert_eq!(arp_lookup(incomplete, ip("10.99.0.22")), None);
        assert_eq!(arp_lookup(table, ip("10.99.0.2")), None);
        assert_eq!(arp_lookup("garbage", ip("10.99.0.2")), None);
    }

    #[test]
    fn dnsmasq_and_isc_leases() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let dnsmasq = "1750000000 00:18:b9:ff:ff:01 127.0.0.11 * 01:00:18:b9:ff:ff:01\n\
                       1750000000 00:18:b9:ff:ff:02 127.0.0.12 phone2 *\n";
        assert_eq!(
            lease_lookup(dnsmasq, ip("127.0.0.12")).as_deref(),
            Some("0018B9FFFF02")
        );
        assert_eq!(lease_lookup(dnsmasq, ip("127.0.0.13")), None);
        // A host named "lease" makes no ISC file of a dnsmasq one.
        let named = "1750000000 00:18:b9:ff:ff:03 127.0.0.13 lease *\n";
        assert_eq!(
            lease_lookup(named, ip("127.0.0.13")).as_deref(),
            Some("0018B9FFFF03")
        );
        let isc = "lease 127.0.0.11 {\n  starts 4 2026/11/19 10:00:00;\n  binding state active;\n  hardware ethernet 00:18:b9:ff:ff:01;\n  set vendor-class-identifier = \"Cisco Systems, Inc. IP Phone CP-7940G\\000\";\n}\n\
                   lease 127.0.0.12 {\n  binding state active;\n  hardware ethernet 00:18:b9:ff:ff:02;\n}\n\
                   lease 127.0.0.12 {\n  binding state free;\n  hardware ethernet 00:18:b9:ff:ff:02;\n}\n";
        assert_eq!(
            lease_lookup(isc, ip("127.0.0.11")).as_deref(),
            Some("0018B9FFFF01")
        );
        assert_eq!(
            lease_lookup(isc, ip("127.0.0.12")),
            None,
            "the last declaration wins"
        );
    }

    #[test]
    fn a_lease_file_is_read_for_each_lookup() {
        let path =
            std::env::temp_dir().join(format!("phoneup-serve-leases-{}", std::process::id()));
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        std::fs::write(&path, "1750000000 00:18:b9:ff:ff:01 127.0.0.11 * *\n").unwrap();
        assert_eq!(
            lease(&path, ip("127.0.0.11")).as_deref(),
            Some("0018B9FFFF01")
        );
        std::fs::write(&path, "1750000000 00:18:b9:ff:ff:02 127.0.0.11 * *\n").unwrap();
        assert_eq!(
            lease(&path, ip("127.0.0.11")).as_deref(),
            Some("0018B9FFFF02")
        );
        let _ = std::fs::remove_file(&path);
        assert_eq!(lease(&path, ip("127.0.0.11")), None, "no file: no MAC");
        // The neighbour table holds IPv4 clients only.
        assert_eq!(neighbour(ip("::1")), None);
    }

    #[test]
    fn macs_in_names() {
        assert_eq!(
            mac_in_name("CTLSEP0018B9FFFFFF.tlv").as_deref(),
            Some("0018B9FFFFFF")
        );
        assert_eq!(
            mac_in_name("SEP0018B9FFFFFF.cnf.xml").as_deref(),
            Some("0018B9FFFFFF")
        );
        assert_eq!(
            mac_in_name("SIP0018B9FFFFFF.cnf").as_deref(),
            Some("0018B9FFFFFF")
        );
        assert_eq!(mac_in_name("SIPDefault.cnf"), None);
        assert_eq!(mac_in_name("SEP0018b9ffffff.cnf"), None);
        assert_eq!(
            normalise_mac("0018.b9ff.ffff").as_deref(),
            Some("0018B9FFFFFF")
        );
        // Twelve characters that are not all hex, or hex that is not twelve digits: no MAC.
        assert_eq!(normalise_mac("zz:zz:zz:zz:zz:zz"), None);
        assert_eq!(normalise_mac("00:18:b9"), None);
        assert_eq!(mac_in_name("SEPzzzzzzzzzzzz.cnf"), None);
        assert_eq!(mac_in_name("SEP0018B9.cnf"), None);
        assert_eq!(
            mac_in_name("MGC0018B9FFFFFF.cnf").as_deref(),
            Some("0018B9FFFFFF")
        );
    }
}
