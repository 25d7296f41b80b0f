//! Tftpd32 and Tftpd64 (Windows): `message [DD/MM HH:MM:SS.mmm]`, no program name.

use std::borrow::Cow;

use crate::logs::event::{Event, Info, Outcome, Parsed, Source};
use crate::logs::time::Time;

/// A Tftpd32/Tftpd64 line: `message [DD/MM HH:MM:SS.mmm]`.
pub(super) fn line(bytes: &[u8], line: u64) -> Option<Parsed<'_>> {
    let open = bytes.len().checked_sub(20)?;
    if bytes.get(open) != Some(&b'[') || open == 0 || bytes[open - 1] != b' ' {
        return None;
    }
    let time = Time::parse_day_month(&bytes[open + 1..bytes.len() - 1])?;
    let message = &bytes[..open - 1];
    Some(match std::str::from_utf8(message) {
        Ok(text) => tftpd32_message(text, time, line),
        Err(_) => tftpd32_message(&String::from_utf8_lossy(message), time, line).into_owned(),
    })
}

fn tftpd32_message<'t>(text: &'t str, time: Time, line: u64) -> Parsed<'t> {
    let t = Source::Tftpd32;
    let event = |outcome, client: Option<&'t str>, file: Option<&'t str>| Event {
        line,
        time: Some(time),
        source: t,
        client: client.map(Cow::Borrowed),
        port: None,
        pid: None,
        file: file.map(Cow::Borrowed),
        outcome,
        bytes: None,
    };
    let between = |open: &str, close: &str| -> Option<&'t str> {
        let rest = text.strip_prefix(open)?;
        let end = rest.rfind(close)?;
        Some(&rest[..end])
    };
    let parsed = (|| {
        if let Some(rest) = text.strip_prefix("Connection received from ") {
            let (client, port) = rest.rsplit_once(" on port ")?;
            let mut e = event(Outcome::Connected, Some(client), None);
            e.port = Some(port.trim().parse().ok()?);
            return Some(Parsed::Event(e));
        }
        if let Some(file) = between("Read request for file <", ">. Mode ") {
            return Some(Parsed::Event(event(Outcome::Requested, None, Some(file))));
        }
        if let Some(at) = text.rfind(">: sent ") {
            let file = text.strip_prefix('<')?.get(..at - 1)?;
            let rest = &text[at + 8..];
            let bytes = rest
                .split_once(", ")
                .and_then(|(_, b)| b.split(' ').next())
                .and_then(|b| b.parse().ok());
            let mut e = event(Outcome::Sent, None, Some(file));
            e.bytes = bytes;
            return Some(Parsed::Event(e));
        }
        if let Some(rest) = text.strip_prefix("File <") {
            let (file, error) = rest.rsplit_once("> : error ")?;
            let (code, why) = error.split_once(' ').unwrap_or((error, ""));
            let outcome = match code {
                "2" | "3" => Outcome::NotFound,
                _ => Outcome::Refused {
                    code: None,
                    text: format!("error {code} {why}").into(),
                },
            };
            return Some(Parsed::Event(event(outcome, None, Some(file))));
        }
        if let Some(rest) = text.strip_prefix("Error EACCESS on file ") {
            let file = rest.rsplit_once(". Ext error").map_or(rest, |(f, _)| f);
            let refused = Outcome::Refused {
                code: None,
                text: "access denied".into(),
            };
            return Some(Parsed::Event(event(refused, None, Some(file))));
        }
        if let Some(why) = between("Peer returns ERROR <", "> -> aborting transfer") {
            let error = Outcome::ClientError { text: why.into() };
            return Some(Parsed::Event(event(error, None, None)));
        }
        if let Some(at) = text.find(". file <") {
            if text.starts_with("MAX RETRIES while waiting for Ack block ") {
                let file = text[at + 8..].strip_suffix('>')?;
                let failed = Outcome::Failed {
                    why: "no acknowledgement (max retries)".into(),
                };
                return Some(Parsed::Event(event(failed, None, Some(file))));
            }
        }
        if let Some(rest) = text.strip_prefix("WARNING : Last block #") {
            let (_, file) = rest.split_once(" not acked for file <")?;
            let failed = Outcome::Failed {
                why: "last block not acknowledged".into(),
            };
            return Some(Parsed::Event(event(
                failed,
                None,
                Some(file.strip_suffix('>')?),
            )));
        }
        if text.starts_with("TIMEOUT waiting for Ack block #") {
            return Some(Parsed::Event(event(Outcome::Resent, None, None)));
        }
        let known = [
            "Using local port ",
            "Write request for file <",
            "Warning : received duplicated request from ",
            "max number of threads reached",
            "Error: Tftpd32 does not handle filenames with a percent sign",
        ];
        let received = text.starts_with('<') && text.contains(">: rcvd ");
        (known.iter().any(|k| text.starts_with(k)) || received)
            .then_some(Parsed::Info(Info::Server(t)))
    })();
    parsed.unwrap_or(Parsed::Unrecognised)
}
