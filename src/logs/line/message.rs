//! The message of a line from a program, read in the program's dialect: dnsmasq's, xinetd's,
//! a TFTP server's (tftpd-hpa, atftpd, busybox), or else the fallback's.

use std::borrow::Cow;

use crate::logs::event::{Event, Info, Parsed, Pid, Source};
use crate::logs::time::Time;

use super::text::contains_ignore_case;
use super::{atftpd, busybox, dnsmasq, fallback, hpa, xinetd};

/// The message of a line from program `prog`.
pub(super) fn message<'a>(
    prog: &[u8],
    pid: Option<Pid>,
    message: &'a [u8],
    time: Option<Time>,
    line: u64,
) -> Parsed<'a> {
    let is_dnsmasq = prog.len() >= 7 && prog[..7].eq_ignore_ascii_case(b"dnsmasq");
    if message.is_ascii() {
        // SAFETY: ASCII is UTF-8 (a check quicker than `from_utf8` for the short, plain
        // messages nearly every line has).
        let text = unsafe { std::str::from_utf8_unchecked(message) };
        return classify(prog, pid, text, is_dnsmasq, time, line);
    }
    match std::str::from_utf8(message) {
        Ok(text) => classify(prog, pid, text, is_dnsmasq, time, line),
        Err(_) => {
            let text = String::from_utf8_lossy(message);
            classify(prog, pid, &text, is_dnsmasq, time, line).into_owned()
        }
    }
}

fn classify<'t>(
    prog: &[u8],
    pid: Option<Pid>,
    text: &'t str,
    is_dnsmasq: bool,
    time: Option<Time>,
    line: u64,
) -> Parsed<'t> {
    let event = |source, outcome, client: Option<&'t str>, file: Option<&'t str>| Event {
        line,
        time,
        source,
        client: client.map(Cow::Borrowed),
        port: None,
        pid,
        file: file.map(Cow::Borrowed),
        outcome,
        bytes: None,
    };
    let is = |name: &[u8]| prog.eq_ignore_ascii_case(name);
    if is(b"xinetd") {
        return xinetd::parse(text, &event);
    }
    if !is_dnsmasq && !contains_ignore_case(prog, b"tftp") {
        return fallback::parse(text, pid, time, line);
    }
    if let Some(bytes) = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(" blob data]"))
    {
        if bytes.trim_end_matches('B').parse::<u64>().is_ok() {
            let source = if is_dnsmasq {
                Source::Dnsmasq
            } else if is(b"atftpd") {
                Source::Atftpd
            } else {
                Source::TftpdHpa
            };
            return Parsed::Info(Info::Blob(source));
        }
    }
    if is_dnsmasq {
        return dnsmasq::parse(is(b"dnsmasq"), text, &event);
    }
    if let Some(parsed) = hpa::parse(text, &event) {
        return parsed;
    }
    if let Some(parsed) = atftpd::parse(text, &event) {
        return parsed;
    }
    if is(b"tftpd") {
        if let Some(parsed) = busybox::parse(text, &event) {
            return parsed;
        }
    }
    if is(b"atftpd") && text.starts_with(' ') {
        // The start-up settings and the statistics at exit are indented.
        return Parsed::Info(Info::Server(Source::Atftpd));
    }
    fallback::parse(text, pid, time, line)
}
