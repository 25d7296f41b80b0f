//! What a log's format cannot show, and what no phone's request shows: the notes of a report,
//! and the finding that a log holds no phone's request.

use crate::logs::event::Source;
use crate::logs::findings::Kind;
use crate::logs::read::Diagnosis;
use crate::logs::story::{Story, MAX_BOOTS, MAX_KEPT, MAX_PHONES};

use super::model::FindingReport;
use super::text::shown;

/// When no request of any phone is in the input: the finding that says so, and what to do.
/// A log that shows no phone must not read as "no findings" (exit 0, all phones fine).
pub fn no_requests(diagnosis: &Diagnosis) -> Option<FindingReport> {
    let story = &diagnosis.story;
    if !story.phones.is_empty() {
        return None;
    }
    let seen = &story.seen;
    let lines = diagnosis.lines_read;
    let server_lines = seen.server_lines();
    let hpa_quiet = seen.lines_of(Source::TftpdHpa) > 0 && seen.hpa_requests == 0;
    let detail = if lines == 0 {
        "the input is empty: there is no line to read, so nothing can be said about any phone"
            .to_string()
    } else if server_lines == 0 {
        format!(
            "none of the {lines} line(s) read is from a TFTP server phoneup reads (tftpd-hpa, also under xinetd, atftpd, dnsmasq, Tftpd32/64, PumpKIN; through syslog, journalctl or the servers' own files; or a packet list of Wireshark or tshark), and none names a phone's address and one of its files, so nothing can be said about any phone"
        )
    } else if seen.requests == 0 {
        let why = if hpa_quiet {
            ": tftpd-hpa writes a request line only with -v"
        } else {
            ": no phone asked this server for a file while it logged, or the server does not log requests"
        };
        format!("the TFTP server's {server_lines} line(s) hold no request from a phone{why}")
    } else {
        format!(
            "the log holds {} request(s), but none names the phone's address or a MAC, so none can be told as a phone's",
            seen.requests
        )
    };
    let unit = "read the log of the server the phones use, from the time they booted: `journalctl -u UNIT` (check the unit's name with `systemctl list-units --all '*tftp*' '*dnsmasq*'`) or /var/log/syslog";
    let verbosity = if hpa_quiet {
        "set TFTP_OPTIONS=\"--secure -v -v\" in /etc/default/tftpd-hpa and restart it (systemctl restart tftpd-hpa)"
    } else {
        "make sure the server logs each request: tftpd-hpa only with -v (TFTP_OPTIONS=\"--secure -v -v\" in /etc/default/tftpd-hpa), atftpd from --verbose=5 (Debian's default; --verbose=7 also logs outcomes), dnsmasq as it is"
    };
    let fix = if server_lines == 0 {
        format!("{unit}; {verbosity}")
    } else {
        format!("{verbosity}; then {unit}")
    };
    Some(FindingReport {
        kind: Kind::NoRequests,
        client: None,
        mac: None,
        file: String::new(),
        count: 1,
        lines: Vec::new(),
        detail,
        fix,
    })
}

/// Where the options of an `in.tftpd` that xinetd starts are set.
const XINETD_ARGS: &str =
    "; under xinetd, as FreePBX and Red Hat run it, they go in server_args in /etc/xinetd.d/tftp";

/// What logs as users have them (xinetd's, PumpKIN's, packet lists, a server phoneup does not
/// know, lines broken by a mail archive or a web page) cannot show.
fn field_notes(story: &Story) -> Vec<String> {
    let seen = &story.seen;
    let mut notes = Vec::new();
    let list = |clients: &[String]| {
        clients
            .iter()
            .map(|c| shown(c))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if seen.cut_short > 0 {
        notes.push(format!("{} line(s) were cut short (a request with no file name, as a mail archive or a web page breaks long lines) and no next line completed them: they are not read as requests", seen.cut_short));
    }
    if seen.anonymous > 0 {
        notes.push(format!("{} request(s) name neither an address nor a MAC (a web page may have dropped the address): they are told as one phone's, which they may not be", seen.anonymous));
    }
    if seen.xinetd_starts > 0 && seen.hpa_requests == 0 {
        notes.push(format!("xinetd started in.tftpd {} time(s) (for {}) but in.tftpd logged no request: add -v to server_args in /etc/xinetd.d/tftp and restart xinetd", seen.xinetd_starts, list(&seen.xinetd_clients)));
    }
    if seen.xinetd_refused > 0 {
        notes.push(format!("xinetd refused {} TFTP connection(s) (FAIL: {}; from {}): those phones got no answer at all, and a phone that gets none asks again; check /etc/hosts.allow and /etc/hosts.deny, and only_from, instances and cps in /etc/xinetd.d/tftp", seen.xinetd_refused, seen.xinetd_refusal.as_deref().map(shown).unwrap_or_default(), list(&seen.xinetd_refused_clients)));
    }
    if seen.lines_of(Source::PumpKin) > 0 {
        notes.push("PumpKIN writes \"Transfer of 'NAME' finished.\" at every transfer's end, also after an error it answered, a missing file among them (it logs no \"not found\"): \"ended\" does not say the phone got the file".into());
    }
    if seen.retried > 0 {
        notes.push(format!("{} time(s) a phone asked again for a file the server was still sending (PumpKIN's \"I'm already processing the request\"): the server's data was not reaching it", seen.retried));
    }
    if seen.lines_of(Source::Capture) > 0 {
        notes.push("read as a packet list (Wireshark or tshark): each request is paired with the server's packets to the phone's address that follow it; a capture taken at the server shows what it sent, not what reached the phone".into());
    }
    if seen.lines_of(Source::Fallback) > 0 {
        notes.push(format!("{} line(s) are of a server phoneup does not know, read by the fallback ({} request(s)): a line naming an address and one of a phone's files is a request; what the server answered is not read, so only request loops and boots can be told", seen.lines_of(Source::Fallback), seen.fallback_requests));
    }
    notes
}

/// What the log's format cannot show, and lines no phone could be tied to.
pub(super) fn notes(story: &Story) -> Vec<String> {
    let seen = &story.seen;
    let mut notes = Vec::new();
    let has = |s: Source| seen.lines_of(s) > 0;
    let xinetd = if has(Source::Xinetd) { XINETD_ARGS } else { "" };
    if has(Source::TftpdHpa) && seen.hpa_requests == 0 {
        notes.push(format!("tftpd-hpa logs requests only with -v and its answers only with -v -v; Debian's default (TFTP_OPTIONS=\"--secure\") logs neither: set TFTP_OPTIONS=\"--secure -v -v\" in /etc/default/tftpd-hpa and restart it{xinetd}"));
    } else if seen.hpa_requests > 0 && seen.hpa_answers == 0 && seen.hpa_finished == 0 {
        notes.push(format!("tftpd-hpa logged requests but no answers (they need -v -v{xinetd}): which files were missing cannot be told"));
    }
    if seen.hpa_unattributed > 0 && seen.hpa_requests == 0 {
        notes.push(format!(
            "{} tftpd-hpa line(s) about transfers name no request, so neither the phone nor the file: tftpd-hpa writes the request line only with -v",
            seen.hpa_unattributed
        ));
    }
    notes.extend(field_notes(story));
    if seen.atftpd_requests > 0 && seen.atftpd_outcomes == 0 {
        notes.push("atftpd logged requests but no outcomes: at Debian's default --verbose=5 a file found, a file missing and a transfer abandoned look the same; set --verbose=7 in /etc/default/atftpd".into());
    }
    if seen.busybox > 0 {
        notes.push(format!(
            "{} busybox tftpd line(s): busybox logs only errors, naming neither the phone nor the file, so they cannot be diagnosed; use tftpd-hpa (-v -v), atftpd (--verbose=7) or dnsmasq",
            seen.busybox
        ));
    }
    if seen.dnsmasq_not_found > 0 && !story.has_root() {
        notes.push("dnsmasq leaves control characters out of the names it logs: a file it did not find may be in the TFTP root, asked for with a CR after its name (an OS79XX.TXT with Windows line ends); run again with --tftp-root DIR to tell".into());
    }
    if seen.blobs > 0 {
        notes.push(format!(
            "journalctl hid {} message(s) holding control characters (\"[N blob data]\"), such as a name with a CR: run journalctl with -a, or -o json",
            seen.blobs
        ));
    }
    if seen.unattributed > 0 {
        notes.push(format!(
            "{} line(s) about a transfer could not be tied to a phone (no address, no MAC in the name, no earlier request they follow)",
            seen.unattributed
        ));
    }
    if seen.untracked > 0 {
        notes.push(format!(
            "more than {MAX_PHONES} phones: {} request(s) from further addresses were counted, not followed",
            seen.untracked
        ));
    }
    if story
        .phones
        .iter()
        .any(|p| p.boots_total > MAX_BOOTS as u64)
    {
        notes.push(format!(
            "each phone's last {MAX_BOOTS} boots are listed; findings count every boot"
        ));
    }
    if story.names.overflow > 0 {
        notes.push(format!(
            "{} request(s) asked for names past the first {} different ones (or {} MiB of names), which phoneup keeps; they are shown as \"{}\"",
            story.names.overflow,
            crate::logs::story::MAX_NAMES,
            crate::logs::names::MAX_NAME_BYTES >> 20,
            story.names.get(0)
        ));
    }
    if story.seen.not_kept > 0 {
        notes.push(format!(
            "{} request(s) are counted and not listed: phoneup keeps {} requests in all, to stay within its memory; findings count every request",
            story.seen.not_kept,
            MAX_KEPT
        ));
    }
    if story.findings.dropped > 0 {
        notes.push(format!(
            "{} further finding(s) were not kept",
            story.findings.dropped
        ));
    }
    notes
}
