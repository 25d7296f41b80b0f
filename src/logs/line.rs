//! One log line to one [`Parsed`]: the transport's prefix (rsyslog's RFC 3339 or traditional
//! format, `journalctl` short, short-iso, short-precise, short-unix and JSON, atftpd's and
//! dnsmasq's own log files, a prefix trimmed to the time) and then the server's message
//! (tftpd-hpa, atftpd, dnsmasq, busybox), or a Tftpd32/Tftpd64 line with its
//! `[DD/MM HH:MM:SS.mmm]` at the end. Any bytes give an answer, never a panic.

use std::borrow::Cow;

use crate::logs::event::{Event, Info, Outcome, Parsed, Pid, Source};
use crate::logs::journal;
use crate::logs::time::Time;

/// Parses one line (without its LF). `line` is its number, for the event.
pub fn parse(bytes: &[u8], line: u64) -> Parsed<'_> {
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    if bytes.first() == Some(&b'{') {
        let Some(entry) = journal::entry(bytes) else {
            return Parsed::Unrecognised;
        };
        let program = entry.program.as_bytes();
        return message(program, entry.pid, &entry.message, false, entry.time, line).into_owned();
    }
    if bytes.last() == Some(&b']') {
        if let Some(parsed) = tftpd32(bytes, line) {
            return parsed;
        }
    }
    syslog(bytes, line).unwrap_or(Parsed::Unrecognised)
}

/// The part of a syslog-style line after the time: `[host ]prog[pid]: message`.
struct Header<'a> {
    prog: &'a [u8],
    pid: Option<Pid>,
    /// The line went through a syslog daemon (it names a host), which escapes control
    /// characters as `#ooo`.
    escaped: bool,
    message: &'a [u8],
}

fn syslog(bytes: &[u8], line: u64) -> Option<Parsed<'_>> {
    let mut text = bytes;
    // `<29>`: a priority, as in journald's SYSLOG_RAW or a line caught off the network.
    if text.first() == Some(&b'<') {
        let end = text.iter().take(5).position(|&b| b == b'>')?;
        text = &text[end + 1..];
    }
    let (time, rest) = match text.first()? {
        b'0'..=b'9' => Time::parse_iso(text)
            .or_else(|| Time::parse_unix(text))
            .or_else(|| Time::parse_clock(text))?,
        b'A'..=b'Z' => Time::parse_month_day(text)?,
        _ => return None,
    };
    let header = header(rest.strip_prefix(b" ")?)?;
    Some(message(
        header.prog,
        header.pid,
        header.message,
        header.escaped,
        Some(time),
        line,
    ))
}

fn header(text: &[u8]) -> Option<Header<'_>> {
    let first_end = text.iter().position(|&b| b == b' ').unwrap_or(text.len());
    let first = &text[..first_end];
    if let Some((prog, pid)) = tag(first) {
        return Some(Header {
            prog,
            pid,
            escaped: false,
            message: text.get(first_end + 1..).unwrap_or_default(),
        });
    }
    let rest = text.get(first_end + 1..)?;
    let second_end = rest.iter().position(|&b| b == b' ').unwrap_or(rest.len());
    let (prog, pid) = tag(&rest[..second_end])?;
    Some(Header {
        prog,
        escaped: pid.is_none_or(|p| p.thread.is_none()),
        pid,
        message: rest.get(second_end + 1..).unwrap_or_default(),
    })
}

/// `prog[pid]:`, `prog[pid.tid]:` or `prog:`.
fn tag(token: &[u8]) -> Option<(&[u8], Option<Pid>)> {
    let token = token.strip_suffix(b":")?;
    let Some(open) = token.iter().position(|&b| b == b'[') else {
        return (!token.is_empty()).then_some((token, None));
    };
    let inside = token[open + 1..].strip_suffix(b"]")?;
    let (pid, thread) = match inside.iter().position(|&b| b == b'.') {
        Some(dot) => (&inside[..dot], Some(number(&inside[dot + 1..])?)),
        None => (inside, None),
    };
    let pid = u32::try_from(number(pid)?).ok()?;
    (open > 0).then_some((&token[..open], Some(Pid { pid, thread })))
}

fn number(digits: &[u8]) -> Option<u64> {
    // Digits only (`parse` takes a sign too); none, or too many for a u64, fail to parse.
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// `text` split around the first `needle` (what `str::split_once` does, without building a
/// searcher for a short line each time).
fn split_first<'t>(text: &'t str, needle: &str) -> Option<(&'t str, &'t str)> {
    let (hay, pin) = (text.as_bytes(), needle.as_bytes());
    let first = *pin.first()?;
    let mut from = 0;
    while let Some(i) = hay[from..].iter().position(|&b| b == first) {
        let at = from + i;
        if hay[at..].starts_with(pin) {
            return Some((&text[..at], &text[at + pin.len()..]));
        }
        from = at + 1;
    }
    None
}

/// `text` split around the last `needle`.
fn split_last<'t>(text: &'t str, needle: &str) -> Option<(&'t str, &'t str)> {
    let (hay, pin) = (text.as_bytes(), needle.as_bytes());
    let first = *pin.first()?;
    let mut to = hay.len();
    while let Some(at) = hay[..to].iter().rposition(|&b| b == first) {
        if hay[at..].starts_with(pin) {
            return Some((&text[..at], &text[at + pin.len()..]));
        }
        to = at;
    }
    None
}

fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// The message of a line from program `prog`.
fn message<'a>(
    prog: &[u8],
    pid: Option<Pid>,
    message: &'a [u8],
    escaped: bool,
    time: Option<Time>,
    line: u64,
) -> Parsed<'a> {
    let is_dnsmasq = prog.len() >= 7 && prog[..7].eq_ignore_ascii_case(b"dnsmasq");
    if !is_dnsmasq && !contains_ignore_case(prog, b"tftp") {
        return Parsed::Unrecognised;
    }
    let mut parsed = match std::str::from_utf8(message) {
        Ok(text) => classify(prog, pid, text, is_dnsmasq, time, line),
        Err(_) => {
            let text = String::from_utf8_lossy(message);
            classify(prog, pid, &text, is_dnsmasq, time, line).into_owned()
        }
    };
    if let (true, Parsed::Event(event)) = (escaped, &mut parsed) {
        for name in [&mut event.file, &mut event.client].into_iter().flatten() {
            if name.contains('#') {
                *name = Cow::Owned(unescape(name.as_bytes()));
            }
        }
    }
    parsed
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
        return dnsmasq(is(b"dnsmasq"), text, &event);
    }
    if let Some(parsed) = tftpd_hpa(text, &event) {
        return parsed;
    }
    if let Some(parsed) = atftpd(text, &event) {
        return parsed;
    }
    if is(b"tftpd") {
        if let Some(parsed) = busybox(text, &event) {
            return parsed;
        }
    }
    if is(b"atftpd") && text.starts_with(' ') {
        // The start-up settings and the statistics at exit are indented.
        return Parsed::Info(Info::Server(Source::Atftpd));
    }
    Parsed::Unrecognised
}

type Make<'t, 'e> = dyn Fn(Source, Outcome, Option<&'t str>, Option<&'t str>) -> Event<'t> + 'e;

fn tftpd_hpa<'t>(text: &'t str, event: &Make<'t, '_>) -> Option<Parsed<'t>> {
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

fn atftpd<'t>(text: &'t str, event: &Make<'t, '_>) -> Option<Parsed<'t>> {
    let a = Source::Atftpd;
    let info = || Some(Parsed::Info(Info::Server(a)));
    if let Some(rest) = text.strip_prefix("Serving ") {
        let (file, address) = split_last(rest, " to ")?;
        let (client, port) = address.rsplit_once(':')?;
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
                why: text[at..].to_string(),
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
            text: body.replace(", msg: ", " "),
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

/// `main`: the line is from `dnsmasq` itself, not `dnsmasq-tftp`.
fn dnsmasq<'t>(main: bool, text: &'t str, event: &Make<'t, '_>) -> Parsed<'t> {
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
                    text: why.to_string(),
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
                text: format!("error {body}"),
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

fn busybox<'t>(text: &'t str, event: &Make<'t, '_>) -> Option<Parsed<'t>> {
    let known = [
        "can't open file",
        "dot in file name",
        "malformed packet",
        "mode is not 'octet'",
        "bad blocksize",
        "timeout",
    ];
    known.iter().any(|k| text.starts_with(k)).then(|| {
        let refused = Outcome::Refused {
            code: None,
            text: text.to_string(),
        };
        Parsed::Event(event(Source::Busybox, refused, None, None))
    })
}

/// A Tftpd32/Tftpd64 line: `message [DD/MM HH:MM:SS.mmm]`.
fn tftpd32(bytes: &[u8], line: u64) -> Option<Parsed<'_>> {
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
                    text: format!("error {code} {why}"),
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
            let error = Outcome::ClientError {
                text: why.to_string(),
            };
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

/// rsyslog writes a control character as `#` and three octal digits (`#015` is CR, `#011`
/// TAB): turn them back.
fn unescape(bytes: &[u8]) -> String {
    if !bytes.contains(&b'#') {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'#' {
            if let Some(digits) = bytes.get(i + 1..i + 4) {
                if digits.iter().all(|d| (b'0'..=b'7').contains(d)) {
                    let value = digits.iter().fold(0u32, |n, d| n * 8 + u32::from(d - b'0'));
                    if value < 0x20 || value == 0x7f {
                        out.push(value as u8);
                        i += 4;
                        continue;
                    }
                }
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(line: &str) -> Event<'_> {
        match parse(line.as_bytes(), 7) {
            Parsed::Event(e) => e,
            other => panic!("{line}: {other:?}"),
        }
    }

    #[test]
    fn research_lines_of_tftpd_hpa_under_every_transport() {
        for line in [
            "2026-11-21T09:27:15.602874+00:00 vm in.tftpd[4262]: RRQ from 127.0.0.1 filename OS79XX.TXT",
            "Nov 21 09:27:15 vm in.tftpd[4262]: RRQ from 127.0.0.1 filename OS79XX.TXT",
            "2026-11-21T23:16:15+0000 vm in.tftpd[4262]: RRQ from 127.0.0.1 filename OS79XX.TXT",
            "Nov 21 23:16:15.787038 vm in.tftpd[4262]: RRQ from 127.0.0.1 filename OS79XX.TXT",
            "1795302975.787038 vm in.tftpd[4262]: RRQ from 127.0.0.1 filename OS79XX.TXT",
            "<29>Nov 21 23:16:15 in.tftpd[4262]: RRQ from 127.0.0.1 filename OS79XX.TXT",
        ] {
            let e = event(line);
            assert_eq!(e.source, Source::TftpdHpa, "{line}");
            assert_eq!(e.client.as_deref(), Some("127.0.0.1"));
            assert_eq!(e.file.as_deref(), Some("OS79XX.TXT"));
            assert_eq!(e.pid.map(|p| p.pid), Some(4262));
            assert_eq!(e.outcome, Outcome::Requested);
            assert_eq!(e.line, 7);
        }
        let e = event(
            "Nov 21 09:27:15 vm in.tftpd[4304]: sending NAK (1, File not found) to 127.0.0.1",
        );
        assert_eq!(e.outcome, Outcome::NotFound);
        let e = event("Nov 21 09:27:15 vm in.tftpd[4304]: sending NAK (2, Only absolute filenames allowed) to 127.0.0.1");
        assert_eq!(
            e.outcome,
            Outcome::Refused {
                code: Some(2),
                text: "Only absolute filenames allowed".into()
            }
        );
        let e = event("Nov 21 09:27:15 vm in.tftpd[4304]: tftpd: read(ack): Connection refused");
        assert!(matches!(e.outcome, Outcome::Failed { .. }));
        let e = event("Nov 21 09:27:15 vm in.tftpd[4304]: RRQ from 127.0.0.1 filename SEP0018B9FFFFFF.cnf.xml remapped to XMLDefault.cnf.xml");
        assert_eq!(e.file.as_deref(), Some("SEP0018B9FFFFFF.cnf.xml"));
    }

    #[test]
    fn rsyslog_escapes_are_control_characters_in_names() {
        let e = event("2026-11-22T01:10:19.9+00:00 h in.tftpd[40]: RRQ from 127.0.0.13 filename P0S3-06-3-00#015.bin");
        assert_eq!(e.file.as_deref(), Some("P0S3-06-3-00\r.bin"));
        let e = event(
            "2026-11-22T01:10:19.9+00:00 h in.tftpd[40]: RRQ from 127.0.0.13 filename A#011B#0412",
        );
        assert_eq!(e.file.as_deref(), Some("A\tB#0412"));
    }

    #[test]
    fn atftpd_syslog_and_its_own_file() {
        let e = event(
            "Nov 22 01:17:07 tftphost atftpd[32]: Serving P0S3-06-3-00#015.bin to 127.0.0.13:49987",
        );
        assert_eq!(
            (e.file.as_deref(), e.client.as_deref(), e.port),
            (Some("P0S3-06-3-00\r.bin"), Some("127.0.0.13"), Some(49987))
        );
        let e = event("Nov 21 09:32:41 vm atftpd[12815.139690597021376]: Serving OS79XX.TXT to 127.0.0.1:47175");
        assert_eq!(e.pid.unwrap().thread, Some(139690597021376));
        let e = event("12:45:17 atftpd[1483]: Serving SEP0018B9FFFFFF.cnf to 192.168.1.12:52581");
        assert_eq!(e.file.as_deref(), Some("SEP0018B9FFFFFF.cnf"));
        let e = event(
            "Nov 22 01:17:07 tftphost atftpd[32]: File /srv/tftp/CTLSEP0018B9000002.tlv not found",
        );
        assert_eq!(
            (e.outcome, e.file.as_deref()),
            (Outcome::NotFound, Some("/srv/tftp/CTLSEP0018B9000002.tlv"))
        );
        let e = event("Nov 21 09:32:41 vm atftpd[32]: client (127.0.0.1) not responding");
        assert_eq!(e.client.as_deref(), Some("127.0.0.1"));
        assert!(matches!(
            parse(
                b"Nov 22 01:17:05 tftphost atftpd[32]:   running in daemon mode on port 69",
                1
            ),
            Parsed::Info(Info::Server(Source::Atftpd))
        ));
        assert!(matches!(
            parse(b"Nov 21 09:32:41 vm atftpd[32]: blksize option -> 1428", 1),
            Parsed::Info(Info::Server(Source::Atftpd))
        ));
    }

    #[test]
    fn dnsmasq_syslog_and_its_own_file() {
        let e = event("Nov 21 09:38:30 dnsmasq-tftp[18431]: file /srv/tftptest/root/CTLSEP0018B9FFFFFF.tlv not found for 127.0.0.1");
        assert_eq!(
            (e.source, e.outcome.clone(), e.client.as_deref()),
            (Source::Dnsmasq, Outcome::NotFound, Some("127.0.0.1"))
        );
        let e = event("2026-11-21T09:38:30.1+00:00 vm dnsmasq-tftp[18431]: sent /srv/tftptest/root/OS79XX.TXT to ::1");
        assert_eq!(
            (e.outcome, e.client.as_deref()),
            (Outcome::Sent, Some("::1"))
        );
        let e = event("Nov 21 09:38:30 vm dnsmasq-tftp[1]: cannot access /srv/t/CTLSEP0018B9000002.tlv: Permission denied");
        assert_eq!(e.client, None);
        assert!(matches!(e.outcome, Outcome::Refused { code: Some(2), .. }));
        assert_eq!(
            parse(
                b"Nov 21 09:38:30 vm dnsmasq-tftp[1]: TFTP root is /srv/tftptest/root  ",
                1
            ),
            Parsed::Info(Info::Root("/srv/tftptest/root".into()))
        );
    }

    #[test]
    fn seed_003_tftpd32_lines() {
        let e = event("Connection received from ipaddress on port 50967 [25/07 00:41:32.672]");
        assert_eq!(
            (e.outcome, e.client.as_deref(), e.port),
            (Outcome::Connected, Some("ipaddress"), Some(50967))
        );
        let e =
            event("Read request for file <CTLSEPmacaddress.tlv>. Mode octet [25/07 00:41:32.672]");
        assert_eq!(e.file.as_deref(), Some("CTLSEPmacaddress.tlv"));
        let e = event("File <CTLSEPmacaddress.tlv> : error 2 in system call CreateFile The system cannot find the file specified. [25/07 00:41:32.672]");
        assert_eq!(e.outcome, Outcome::NotFound);
        let e = event(
            "<SIPmacaddress.cnf>: sent 2 blks, 632 bytes in 0 s. 0 blk resent [25/07 00:41:32.735]",
        );
        assert_eq!(
            (e.outcome, e.file.as_deref(), e.bytes),
            (Outcome::Sent, Some("SIPmacaddress.cnf"), Some(632))
        );
        assert_eq!(
            parse(b"Using local port 1203 [25/07 00:41:32.719]\r", 1),
            Parsed::Info(Info::Server(Source::Tftpd32))
        );
    }

    #[test]
    fn tftpd32_lines_need_their_exact_shape() {
        for line in [
            &b"Using local port 1203[25/07 00:41:32.719]"[..],
            b"<x> was here [25/07 00:41:32.672]",
            b"x>: rcvd 1 [25/07 00:41:32.672]",
        ] {
            assert_eq!(
                parse(line, 1),
                Parsed::Unrecognised,
                "{}",
                String::from_utf8_lossy(line)
            );
        }
        assert_eq!(
            parse(b"<x>: rcvd 1 [25/07 00:41:32.672]", 1),
            Parsed::Info(Info::Server(Source::Tftpd32))
        );
    }

    #[test]
    fn splitting_at_the_first_or_last_needle() {
        assert_eq!(split_first("a to b to c", " to "), Some(("a", "b to c")));
        assert_eq!(split_last("a to b to c", " to "), Some(("a to b", "c")));
        assert_eq!(split_first("a t o", " to "), None);
        assert_eq!(split_last(" to", " to "), None);
        assert_eq!(split_first("x", ""), None);
        assert_eq!(split_last("é to é", " to "), Some(("é", "é")));
    }

    #[test]
    fn journal_json_with_a_cr_given_as_bytes() {
        let line = br#"{"SYSLOG_IDENTIFIER":"in.tftpd","_PID":"170","MESSAGE":[82,82,81,32,102,114,111,109,32,49,50,55,46,48,46,48,46,49,51,32,102,105,108,101,110,97,109,101,32,80,48,83,51,45,48,54,45,51,45,48,48,13,46,98,105,110]}"#;
        let Parsed::Event(e) = parse(line, 3) else {
            panic!()
        };
        assert_eq!(e.file.as_deref(), Some("P0S3-06-3-00\r.bin"));
        assert_eq!(e.client.as_deref(), Some("127.0.0.13"));
        let systemd = br#"{"SYSLOG_IDENTIFIER":"systemd","MESSAGE":"Started x."}"#;
        assert_eq!(parse(systemd, 1), Parsed::Unrecognised);
    }

    #[test]
    fn other_lines_are_not_recognised_and_junk_never_panics() {
        for line in [
            &b""[..],
            b"Nov 21 09:27:15 vm CRON[1]: (root) CMD (true)",
            b"Nov 21 09:27:15 vm in.tftpd[4262]: something new",
            b"hello world",
            b"[",
            b"]",
            b"<",
            b"<1>",
            b"{",
            b"Nov 21 09:27:15",
            b"Nov 21 09:27:15 ",
            b"Nov 21 09:27:15 vm in.tftpd[]: RRQ from",
            b"Nov 21 09:27:15 vm in.tftpd[99999999999]: x",
            b"Nov 21 09:27:15 vm atftpd[1]: Serving x to y",
            b"Nov 21 09:27:15 vm atftpd[1]: sent ERROR <code: x, msg: y>",
            b" [25/07 00:41:32.672]",
            b"<x>: sent [25/07 00:41:32.672]",
            b">: sent  [25/07 00:41:32.672]",
            b"\xff\xfe Nov [01/01 00:00:00.000]",
        ] {
            let parsed = parse(line, 1);
            if let Parsed::Event(e) = &parsed {
                panic!("{:?} gave {e:?}", String::from_utf8_lossy(line));
            }
        }
    }
}
