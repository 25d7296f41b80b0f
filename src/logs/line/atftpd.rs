//! atftpd: `Serving`, `File ... not found`, `End of transfer` and its other lines.

use crate::logs::event::{Info, Outcome, Parsed, Source};

use super::text::{split_last, Make};

pub(super) fn parse<'t>(text: &'t str, event: &Make<'t, '_>) -> Option<Parsed<'t>> {
    let a = Source::Atftpd;
    let info = || Some(Parsed::Info(Info::Server(a)));
    if let Some(rest) = text.strip_prefix("Serving ") {
        let (file, address) = split_last(rest, " to ")?;
        let (client, port) = split_last(address, ":")?;
        let mut e = event(a, Outcome::Requested, Some(client), Some(file));
        e.port = Some(port.parse().ok()?);
        return Some(Parsed::Event(e));
    }
    if let Some(path) = text
        .strip_prefix("File ")
        .and_then(|t| t.strip_suffix(" not found"))
    {
        return Some(Parsed::Event(event(a, Outcome::NotFound, None, Some(path))));
    }
    if text == "File name with /../ are forbidden" {
        let refused = Outcome::Refused {
            code: Some(2),
            text: "Access violation".into(),
        };
        return Some(Parsed::Event(event(a, refused, None, None)));
    }
    if text == "End of transfer" {
        return Some(Parsed::Event(event(a, Outcome::Ended, None, None)));
    }
    if text == "Aborting transfer" {
        let failed = Outcome::Failed {
            why: "aborted".into(),
        };
        return Some(Parsed::Event(event(a, failed, None, None)));
    }
    if text.starts_with("timeout block ") && text.ends_with(": retrying ...") {
        return Some(Parsed::Event(event(a, Outcome::Resent, None, None)));
    }
    if let Some(client) = text
        .strip_prefix("client (")
        .and_then(|t| t.strip_suffix(") not responding"))
    {
        let failed = Outcome::Failed {
            why: "not responding".into(),
        };
        return Some(Parsed::Event(event(a, failed, Some(client), None)));
    }
    if text.starts_with("tftpd.c: ") || text.starts_with("select: ") {
        // The main thread's own errors (its select interrupted at exit): no transfer's.
        return info();
    }
    for call in ["recvmsg: ", "recvfrom: "] {
        if let Some(at) = text.find(call) {
            let failed = Outcome::Failed {
                why: text[at..].into(),
            };
            return Some(Parsed::Event(event(a, failed, None, None)));
        }
    }
    if let Some(body) = text
        .strip_prefix("sent ERROR <code: ")
        .and_then(|t| t.strip_suffix('>'))
    {
        // With --trace: the error code actually sent.
        let (code, words) = body.split_once(", msg: ")?;
        let outcome = Outcome::error(code.parse().ok()?, words);
        return Some(Parsed::Event(event(a, outcome, None, None)));
    }
    if let Some(body) = text
        .strip_prefix("received ERROR <code: ")
        .and_then(|t| t.strip_suffix('>'))
    {
        let error = Outcome::ClientError {
            text: body.replace(", msg: ", " ").into(),
        };
        return Some(Parsed::Event(event(a, error, None, None)));
    }
    let known = [
        "Fetching from ",
        "Can't open ",
        "socket may listen on any address",
        "Creating new socket: ",
        "Server thread exiting",
        "will do netascii conversion",
        "options <",
        "Advanced Trivial FTP server started",
        "Main thread exiting",
        "atftpd terminating",
        "SIGTERM received",
        "SIGINT received",
        "sent ",
        "received ",
        "update last ACK",
    ];
    if known.iter().any(|k| text.starts_with(k)) || text.ends_with(" option -> ") {
        return info();
    }
    if let Some((option, value)) = text.split_once(" option -> ") {
        if option.bytes().all(|b| b.is_ascii_alphabetic()) && value.parse::<u64>().is_ok() {
            return info();
        }
    }
    None
}
