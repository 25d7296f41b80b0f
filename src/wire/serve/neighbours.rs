//! Which MAC address a client has, before its requests name it: the kernel's neighbour table
//! (`/proc/net/arp`, read again for every request, complete entries only: it holds a client only
//! when it is on the same link, as the kernel learnt the MAC from the client's own ARP request),
//! and DHCP lease files (dnsmasq's `dnsmasq.leases`, ISC dhcpd's `dhcpd.leases`; the driver reads
//! one again only when it changes; an ISC file is read word by word, a quoted string one word
//! whatever it holds). And the MAC in a per-phone file name.
//!
//! The lookups ([`mac_in_name`], [`arp_lookup`], [`lease_lookup`]) read text they are given;
//! [`neighbour`] and [`lease`] are the thin reads of the files that serve's driver makes.
//!
//! May use: [`crate::files`] (the MAC and the per-phone names) and the standard library.

use core::net::IpAddr;
use std::path::Path;

use crate::files::mac::Mac;
use crate::files::per_phone::PerPhoneFile;

/// Twelve upper-case hex digits from `00:18:b9:ff:ff:ff`, `00-18-B9-FF-FF-FF`,
/// `0018.b9ff.ffff` or `0018B9FFFFFF` (read by [`Mac`], the one MAC parser).
pub fn normalise_mac(text: &str) -> Option<String> {
    text.parse::<Mac>().ok().map(|mac| mac.to_string())
}

/// The MAC a per-phone file name carries (`CTLSEP<MAC>.tlv`, `SEP<MAC>.cnf.xml`,
/// `SEP<MAC>.cnf`, `SIP<MAC>.cnf`, `MGC<MAC>.cnf`), only as phones spell it: upper case
/// ([`PerPhoneFile::parse_exact`], the one home of those names).
pub fn mac_in_name(name: &str) -> Option<String> {
    PerPhoneFile::parse_exact(name).map(|(_, mac)| mac.to_string())
}

/// Which per-phone file `name` is for the phone with `mac` (12 upper-case hex digits), only as
/// phones spell it.
pub fn per_phone_file_of(name: &str, mac: &str) -> Option<PerPhoneFile> {
    PerPhoneFile::parse_exact(name)
        .filter(|(_, named)| named.to_string() == mac)
        .map(|(file, _)| file)
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
        for (address, statements) in isc_leases(text) {
            if address != wanted {
                continue;
            }
            let mut mac = None;
            let mut active = true;
            for words in statements {
                match words
                    .iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .as_slice()
                {
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

/// A word of an ISC lease file: a quoted string is one word whatever it holds (`{`, `}`, `;`,
/// `lease`), so that a client's hostname cannot open or close a declaration.
#[derive(Debug, PartialEq, Eq)]
enum Token {
    Word(String),
    Quoted,
    Open,
    Close,
    End,
}

fn isc_tokens(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    let mut word = String::new();
    let flush = |word: &mut String, tokens: &mut Vec<Token>| {
        if !word.is_empty() {
            tokens.push(Token::Word(std::mem::take(word)));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                flush(&mut word, &mut tokens);
                while let Some(q) = chars.next() {
                    match q {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
                tokens.push(Token::Quoted);
            }
            '#' => {
                flush(&mut word, &mut tokens);
                for n in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
            }
            '{' | '}' | ';' => {
                flush(&mut word, &mut tokens);
                tokens.push(match c {
                    '{' => Token::Open,
                    '}' => Token::Close,
                    _ => Token::End,
                });
            }
            c if c.is_whitespace() => flush(&mut word, &mut tokens),
            c => word.push(c),
        }
    }
    flush(&mut word, &mut tokens);
    tokens
}

/// The `lease ADDRESS { ... }` declarations of an ISC file, in order: each address with its
/// statements (their words outside quotes), nested blocks flattened.
fn isc_leases(text: &str) -> Vec<(String, Vec<Vec<String>>)> {
    let tokens = isc_tokens(text);
    let mut leases = Vec::new();
    let mut at = 0;
    while at < tokens.len() {
        let is_lease = matches!(&tokens[at], Token::Word(w) if w == "lease");
        let (Some(Token::Word(address)), Some(Token::Open)) =
            (tokens.get(at + 1), tokens.get(at + 2))
        else {
            at += 1;
            continue;
        };
        if !is_lease {
            at += 1;
            continue;
        }
        at += 3;
        let mut depth = 1;
        let mut statements = Vec::new();
        let mut statement = Vec::new();
        while at < tokens.len() && depth > 0 {
            match &tokens[at] {
                Token::Word(w) => statement.push(w.clone()),
                Token::Quoted => {}
                Token::Open => depth += 1,
                Token::Close => depth -= 1,
                Token::End => statements.push(std::mem::take(&mut statement)),
            }
            at += 1;
        }
        leases.push((address.clone(), statements));
    }
    leases
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
    fn a_quoted_string_in_an_isc_lease_cannot_open_or_close_a_declaration() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        // The attacker's hostname closes the real lease and opens one for the phone's address.
        let isc = "lease 127.0.0.66 {\n  hardware ethernet 00:18:b9:00:00:66;\n  client-hostname \"x; } lease 127.0.0.11 { hardware ethernet 00:18:b9:00:00:66; binding state active; \\\" }\";\n}\n\
                   lease 127.0.0.11 {\n  binding state active;\n  # a comment { with braces\n  hardware ethernet 00:18:b9:ff:ff:01;\n}\n";
        assert_eq!(
            lease_lookup(isc, ip("127.0.0.11")).as_deref(),
            Some("0018B9FFFF01")
        );
        assert_eq!(
            lease_lookup(isc, ip("127.0.0.66")).as_deref(),
            Some("0018B9000066")
        );
        // Unbalanced text ends the file without a panic.
        assert_eq!(
            lease_lookup("lease 127.0.0.11 { \"open", ip("127.0.0.11")),
            None
        );
        assert_eq!(lease_lookup("lease {", ip("127.0.0.11")), None);
    }

    #[test]
    fn an_isc_host_block_is_no_lease_and_a_nested_block_ends_no_lease() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        // A `host` declaration names a MAC and an address but leases nothing; a block nested in a
        // lease (`on expiry { ... }`) closes only itself.
        let isc = "host desk { hardware ethernet 00:18:b9:00:00:09; fixed-address 127.0.0.9; }\n\
                   lease 127.0.0.11 {\n  on expiry { set gone = \"yes\"; }\n  binding state active;\n  hardware ethernet 00:18:b9:ff:ff:01;\n}\n";
        assert_eq!(
            lease_lookup(isc, ip("127.0.0.11")).as_deref(),
            Some("0018B9FFFF01")
        );
        assert_eq!(lease_lookup(isc, ip("127.0.0.9")), None);
    }

    #[test]
    fn a_lease_file_is_read_for_each_lookup() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leases");
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
