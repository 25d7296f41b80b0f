//! dnsmasq's TFTP server (`dnsmasq-tftp`): one line a transfer, written when it ends.

use crate::logs::event::{Info, Outcome, Parsed, Source};

use super::text::{split_last, Make};

/// `main`: the line is from `dnsmasq` itself, not `dnsmasq-tftp`.
pub(super) fn parse<'t>(main: bool, text: &'t str, event: &Make<'t, '_>) -> Parsed<'t> {
    let d = Source::Dnsmasq;
    let parsed = (|| {
        if let Some(rest) = text.strip_prefix("sent ") {
            let (path, client) = split_last(rest, " to ")?;
            return Some(Parsed::Event(event(
                d,
                Outcome::Sent,
                Some(client),
                Some(path),
            )));
        }
        if let Some(rest) = text.strip_prefix("failed sending ") {
            let (path, client) = rest.rsplit_once(" to ")?;
            let failed = Outcome::Failed {
                why: "failed sending".into(),
            };
            return Some(Parsed::Event(event(d, failed, Some(client), Some(path))));
        }
        if let Some(rest) = text.strip_prefix("file ") {
            let (path, client) = split_last(rest, " not found for ")?;
            return Some(Parsed::Event(event(
                d,
                Outcome::NotFound,
                Some(client),
                Some(path),
            )));
        }
        for (prefix, code) in [("cannot access ", 2), ("cannot read ", 0)] {
            if let Some(rest) = text.strip_prefix(prefix) {
                let (path, why) = rest.rsplit_once(": ")?;
                let refused = Outcome::Refused {
                    code: Some(code),
                    text: why.into(),
                };
                return Some(Parsed::Event(event(d, refused, None, Some(path))));
            }
        }
        if let Some(client) = text.strip_prefix("unsupported request from ") {
            let refused = Outcome::Refused {
                code: Some(4),
                text: "unsupported request".into(),
            };
            return Some(Parsed::Event(event(d, refused, Some(client), None)));
        }
        if let Some(rest) = text.strip_prefix("error ") {
            let (body, client) = rest.rsplit_once(" received from ")?;
            let error = Outcome::ClientError {
                text: format!("error {body}").into(),
            };
            return Some(Parsed::Event(event(d, error, Some(client), None)));
        }
        if let Some(rest) = text.strip_prefix("TFTP root is ") {
            let root = rest.split(' ').next().unwrap_or_default();
            return Some(Parsed::Info(Info::Root(root.to_string())));
        }
        let known = [
            "started, version ",
            "compile time options: ",
            "exiting on receipt of ",
            "enabled TFTP server",
            "TFTP ",
            "restricting maximum simultaneous TFTP transfers",
        ];
        (main && known.iter().any(|k| text.starts_with(k))).then_some(Parsed::Info(Info::Server(d)))
    })();
    parsed.unwrap_or(Parsed::Unrecognised)
}
