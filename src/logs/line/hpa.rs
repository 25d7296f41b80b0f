//! tftpd-hpa (`in.tftpd`): `RRQ from`, `sending NAK`, and its failures.

use crate::logs::event::{Info, Outcome, Parsed, Source};

use super::{split_first, split_last, Make};

pub(super) fn parse<'t>(text: &'t str, event: &Make<'t, '_>) -> Option<Parsed<'t>> {
    let hpa = Source::TftpdHpa;
    if let Some(rest) = text.strip_prefix("RRQ from ") {
        let (client, file) = split_first(rest, " filename ")?;
        let file = split_first(file, " remapped to ").map_or(file, |(f, _)| f);
        return Some(Parsed::Event(event(
            hpa,
            Outcome::Requested,
            Some(client),
            Some(file),
        )));
    }
    if text.starts_with("WRQ from ") || text.starts_with("remap: ") {
        return Some(Parsed::Info(Info::Server(hpa)));
    }
    if let Some(rest) = text.strip_prefix("sending NAK (") {
        let (inside, client) = split_last(rest, ") to ")?;
        let (code, words) = inside.split_once(", ")?;
        let outcome = Outcome::error(code.parse().ok()?, words);
        return Some(Parsed::Event(event(hpa, outcome, Some(client), None)));
    }
    if text == "tftp: client does not accept options" {
        return Some(Parsed::Event(event(
            hpa,
            Outcome::ClientError {
                text: "does not accept options".into(),
            },
            None,
            None,
        )));
    }
    for step in ["read(ack)", "read", "write(ack)", "write", "oack"] {
        if let Some(why) = text
            .strip_prefix("tftpd: ")
            .and_then(|t| t.strip_prefix(step))
            .and_then(|t| t.strip_prefix(": "))
        {
            return Some(Parsed::Event(event(
                hpa,
                Outcome::Failed {
                    why: format!("{step}: {why}"),
                },
                None,
                None,
            )));
        }
    }
    None
}
