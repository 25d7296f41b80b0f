//! tftpd-hpa (`in.tftpd`): `RRQ from`, `sending NAK`, and its failures; and the lines Red Hat's
//! build (tftp-server, which FreePBX/Sangoma and CentOS run under xinetd) writes at each
//! transfer's end: `Client ADDR finished NAME`, `Client ADDR File not found NAME` (the text of
//! the error it sent, then the name). A request with no file name, as a line broken in two
//! leaves it, is [`Parsed::Incomplete`], never a request.

use crate::logs::event::{Info, Outcome, Parsed, Source};

use super::text::{split_first, split_last, Make};

const HPA: Source = Source::TftpdHpa;

pub(super) fn parse<'t>(text: &'t str, event: &Make<'t, '_>) -> Option<Parsed<'t>> {
    if let Some(rest) = text.strip_prefix("RRQ from") {
        if rest.is_empty() || rest.starts_with(' ') {
            return Some(request(rest, event));
        }
    }
    if let Some(rest) = text.strip_prefix("Client ") {
        return Some(client(rest, event));
    }
    if text.starts_with("WRQ from ") || text.starts_with("remap: ") {
        return Some(Parsed::Info(Info::Server(HPA)));
    }
    if let Some(rest) = text.strip_prefix("sending NAK (") {
        let (inside, client) = split_last(rest, ") to ")?;
        let (code, words) = split_first(inside, ", ")?;
        let outcome = Outcome::error(code.parse().ok()?, words);
        return Some(Parsed::Event(event(HPA, outcome, Some(client), None)));
    }
    if text == "tftp: client does not accept options" {
        return Some(Parsed::Event(event(
            HPA,
            Outcome::ClientError {
                text: "does not accept options".into(),
            },
            None,
            None,
        )));
    }
    let failed = text.strip_prefix("tftpd: ")?;
    for step in ["read(ack)", "read", "write(ack)", "write", "oack"] {
        if let Some(why) = failed.strip_prefix(step).and_then(|t| t.strip_prefix(": ")) {
            return Some(Parsed::Event(event(
                HPA,
                Outcome::Failed {
                    why: format!("{step}: {why}").into(),
                },
                None,
                None,
            )));
        }
    }
    None
}

/// After `RRQ from`: ` ADDR filename NAME[ remapped to NEW]`, or ` filename NAME` where a web
/// page dropped the address.
fn request<'t>(rest: &'t str, event: &Make<'t, '_>) -> Parsed<'t> {
    let (client, file) = match rest.strip_prefix(" filename ") {
        Some(file) => (None, file),
        None => match rest
            .strip_prefix(' ')
            .and_then(|r| split_first(r, " filename "))
        {
            Some((client, file)) => (Some(client).filter(|c| !c.is_empty()), file),
            None => return Parsed::Incomplete(HPA),
        },
    };
    let file = split_first(file, " remapped to ").map_or(file, |(f, _)| f);
    if super::text::blank(file) {
        return Parsed::Incomplete(HPA);
    }
    Parsed::Event(event(HPA, Outcome::Requested, client, Some(file)))
}

/// The errors tftpd-hpa sends, by the text Red Hat's build writes for them, and their codes.
const ERRORS: [(&str, u16); 12] = [
    ("File not found", 1),
    ("Access violation", 2),
    ("Permission denied", 2),
    ("Only absolute filenames allowed", 2),
    ("Forbidden directory", 2),
    ("Is a directory", 2),
    ("Disk full or allocation exceeded", 3),
    ("Illegal TFTP operation", 4),
    ("Unknown transfer ID", 5),
    ("File already exists", 6),
    ("No such user", 7),
    ("Failure to negotiate RFC2347 options", 8),
];

/// After `Client `: `ADDR finished NAME`, or `ADDR TEXT NAME` for an error it sent.
fn client<'t>(rest: &'t str, event: &Make<'t, '_>) -> Parsed<'t> {
    let Some((client, said)) = rest.split_once(' ') else {
        return Parsed::Incomplete(HPA);
    };
    let named = |outcome, file: &'t str| {
        if super::text::blank(file) {
            Parsed::Incomplete(HPA)
        } else {
            Parsed::Event(event(HPA, outcome, Some(client), Some(file)))
        }
    };
    if let Some(file) = said.strip_prefix("finished") {
        return match file.strip_prefix(' ') {
            Some(file) => named(Outcome::Sent, file),
            None if file.is_empty() => Parsed::Incomplete(HPA),
            None => Parsed::Unrecognised,
        };
    }
    for (text, code) in ERRORS {
        if let Some(file) = said.strip_prefix(text) {
            return match file.strip_prefix(' ') {
                Some(file) => named(Outcome::error(code, text), file),
                None if file.is_empty() => Parsed::Incomplete(HPA),
                None => Parsed::Unrecognised,
            };
        }
        if text.starts_with(said.trim_end()) {
            // `Client ADDR File not`: the rest is on the next line.
            return Parsed::Incomplete(HPA);
        }
    }
    // Another error's text: the name is the last word.
    match said.rsplit_once(' ') {
        Some((text, file)) if !text.trim().is_empty() => named(
            Outcome::Refused {
                code: None,
                text: text.into(),
            },
            file,
        ),
        _ => Parsed::Incomplete(HPA),
    }
}
