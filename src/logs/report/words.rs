//! What each finding rests on, and its fix, in words: by kind, by what the server logged of
//! its answers, and for another model's files and requests that name no phone.

use std::fmt::Write as _;

use crate::files::per_phone::PerPhoneFile;
use crate::knowledge::firmware::FirmwareExt;
use crate::logs::event::Source;
use crate::logs::findings::{Context, Finding, Kind};
use crate::logs::story::{key, Names, Phone, Seen, Story};
use crate::phone::recognise::other::Kind as OtherKind;
use crate::phone::recognise::{Name, OtherPhone};

use super::text::shown;

const FIREWALL_FIX: &str = "let the server's replies reach the phone: TFTP answers from a new UDP port of the server, not 69, which firewalls and NAT between them drop (TCG-7960); open UDP from the server to the phone, or put the phone on the server's side while it upgrades";

/// The files a name a phone asks for comes from, when the log does not say which.
const NAMER: &str = "the file that names it (OS79XX.TXT, a .loads, or a configuration file)";

/// What a finding rests on, and its fix, in words; for another model's file, and for requests
/// that name no phone, what that means for them.
pub(super) fn words(finding: &Finding, phone: &Phone, story: &Story) -> (String, String) {
    let (mut detail, fix) = kind_words(finding, phone, story);
    if let Name::OtherPhone(other) = Name::of(key(&finding.file)) {
        let plan = phone_model(phone).unwrap_or(other).plan_command().map_or(
            "phoneup does not plan upgrades for that phone".into(),
            |c| format!("`{c}` plans that phone's upgrade"),
        );
        let _ = write!(
            detail,
            " ({} is {}, not a 7940/7960's: {plan})",
            shown(&finding.file),
            other.file_words()
        );
    }
    if phone.client.is_none() && phone.mac.is_none() && finding.kind == Kind::RequestLoop {
        detail.push_str(" (these requests name no address nor MAC: if they are more than one phone's, this is no loop)");
    }
    (detail, fix)
}

/// The one model a phone's boots name (`term11.default.loads`: a 7911), the latest first.
fn phone_model(phone: &Phone) -> Option<OtherPhone> {
    phone
        .boots
        .iter()
        .rev()
        .filter_map(|boot| boot.hunt.other())
        .find(|other| other.kind != OtherKind::TrustList && !other.models.contains('/'))
}

/// What a finding of its kind rests on, and its fix, in words.
fn kind_words(finding: &Finding, phone: &Phone, story: &Story) -> (String, String) {
    let file = shown(&finding.file);
    let n = finding.count;
    let source = finding.source;
    match finding.kind {
        Kind::RequestLoop => loop_words(&file, n, finding, phone, story),
        Kind::MissingFile => match &finding.context {
            Context::LoaderHunt => (
                format!(
                    "the Universal Application Loader asked for every file of its hunt, CTLSEP<MAC>.tlv to MGCDefault.cnf, and none was there: it stops at \"TFTP file not found\" (FUSSYLOGIC-7940){}",
                    later_loads(finding, phone, &story.names)
                        .map(|line| format!("; a later boot read a .loads (line {line}), so a file naming the load was served since"))
                        .unwrap_or_default()
                ),
                format!("serve {file} naming the application to load (`phoneup plan --from <its loader> --to <the load you want>` prints it)"),
            ),
            context => {
                let by = match context {
                    Context::NamedBy(by) => Some(shown(by)),
                    _ => None,
                };
                let named = by
                    .as_ref()
                    .map(|by| format!(", which {by} names"))
                    .unwrap_or_default();
                if source == Source::Dnsmasq && !story.has_root() {
                    // dnsmasq logs "X.bin" for a request of "X.bin\r": two causes, one line.
                    let by = by.unwrap_or_else(|| NAMER.into());
                    return (
                        format!("the server did not find {file}{named}, and the phone stops there: either the TFTP root has no {file}, or the phone asked for it with a CR after the name ({by} ends its line with a Windows CR, Cisco bug CSCdv19260), which dnsmasq leaves out of the names it logs; this log cannot tell the two apart"),
                        format!("tell them apart: run again with --tftp-root DIR (a name the directory has is then name_has_cr_or_space), or run `phoneup lint DIR`; then copy {file} from its firmware package into the TFTP root, or rewrite {by} with the name alone and a plain LF"),
                    );
                }
                (
                    format!("the server has no {file}{named}: the phone needs it to go on, and stops"),
                    format!("copy {file} from its firmware package into the TFTP root, or change the file that names it"),
                )
            }
        },
        Kind::NameHasCrOrSpace => {
            let by = match &finding.context {
                Context::NamedBy(by) => shown(by),
                _ => NAMER.into(),
            };
            let detail = match &finding.context {
                Context::RootHas(name) => format!(
                    "the server answered File not found for {}, which is in the TFTP root: the name the phone sent must hold what this log does not show, a CR or a space ({source} drops control characters from the names it logs)",
                    shown(name)
                ),
                _ => format!(
                    "the phone asked for {file}: a CR, TAB or space is part of the name, and no file has it; {by} ends its line with a Windows CR or a space (Cisco bug CSCdv19260)"
                ),
            };
            (
                detail,
                format!("rewrite {by} with the name alone and a plain LF (no CR, no trailing space); `phoneup lint DIR` finds it"),
            )
        }
        Kind::WrongCase => {
            let variant = match &finding.context {
                Context::RootHas(v) => shown(v),
                _ => "another case".into(),
            };
            (
                format!("the phone asked for {file} and the TFTP root has {variant}: TFTP names are case-sensitive, so the server answered File not found"),
                format!("rename {variant} to {file}"),
            )
        }
        Kind::TransferIncomplete => {
            let why = match &finding.context {
                Context::Failure(why) => why.clone(),
                _ => "no end".into(),
            };
            let server = match source {
                Source::Capture | Source::Fallback => "the server",
                named => named.name(),
            };
            let detail = if why.contains("Connection refused") {
                format!("{server} started sending {file} and the phone's port was closed when the data came ({why}): the phone restarted, or something between them rejects the server's packets")
            } else {
                format!("{server} started sending {file} and the phone never acknowledged the data ({why})")
            };
            (detail, FIREWALL_FIX.into())
        }
        Kind::WrongErrorCode => {
            let (code, text) = match &finding.context {
                Context::Error { code, text } => (*code, text.clone()),
                _ => (None, String::new()),
            };
            let code = code.map_or("an error".to_string(), |c| format!("error {c}"));
            (
                format!("the server answered {file} with TFTP {code} ({text}); a phone moves on only after error 1 (File not found), and asks again (MCLEAN-CTLSEP, VI-FWISSUES, TCG-7960)"),
                error_fix(&text, &file),
            )
        }
        Kind::ImageRefused => {
            let shows = if source == Source::TftpdHpa && story.seen.hpa_finished == 0 {
                " (tftpd-hpa logs no transfer's end: if the transfer broke off, the phone never had the image)"
            } else {
                ""
            };
            (
                format!("the phone fetched {file} and its next boot is the old image's again: it did not take the image{shows}"),
                "a phone refuses an image its running load cannot take (an unsigned image on a signed load, a UAL-era image before the loader): check the jump with `phoneup check --from <App Load ID> --to <image>` and go through the plan's intermediate load".into(),
            )
        }
        // About the whole input, never a phone's: made by `no_requests`, not kept in a story.
        Kind::NoRequests => (
            format!("{file}: a request no phone could be tied to"),
            String::new(),
        ),
    }
}

/// The line of a `.loads` request in a boot after the finding's lines.
fn later_loads(finding: &Finding, phone: &Phone, names: &Names) -> Option<u64> {
    let after = finding.lines().last().copied()?;
    phone
        .boots
        .iter()
        .flat_map(|b| b.requests.iter())
        .find(|r| {
            r.line > after
                && matches!(
                    names.name(r.file),
                    Name::Image {
                        ext: FirmwareExt::Loads,
                        ..
                    }
                )
        })
        .map(|r| r.line)
}

fn loop_words(
    file: &str,
    n: u64,
    finding: &Finding,
    phone: &Phone,
    story: &Story,
) -> (String, String) {
    let seen: &Seen = &story.seen;
    let tally = story
        .names
        .find(key(&finding.file))
        .and_then(|id| phone.tallies.get(&id))
        .cloned()
        .unwrap_or_default();
    let head = format!("the phone asked for {file} {n} times in a row");
    if let Some((code, text)) = tally.refused {
        let text = story.texts.get(text);
        let code = code.map_or("an error".to_string(), |c| format!("error {c}"));
        return (
            format!("{head}: the server answered it with TFTP {code} ({text}), not error 1 (File not found), so the phone never moves on (MCLEAN-CTLSEP: a server's wrong error code)"),
            error_fix(text, file),
        );
    }
    if tally.failed > 0 {
        return (
            format!("{head}: its transfers never finished (see transfer_incomplete): the server's data does not reach the phone (TCG-7960: a firewall on the TFTP data port)"),
            FIREWALL_FIX.into(),
        );
    }
    if tally.not_found > 0 {
        return (
            format!("{head} although the server answered each time with error 1 (File not found), the answer that lets it move on: the answer does not reach the phone (TCG-7960: a firewall on the TFTP data port)"),
            FIREWALL_FIX.into(),
        );
    }
    if tally.ended > 0 && finding.source == Source::PumpKin {
        let head = format!("{head}, and PumpKIN logged each transfer as finished, which it also writes after an error it answered, a missing file among them (it logs no \"not found\")");
        if file.starts_with("CTLSEP") {
            return (
                format!("{head}: PumpKIN answers a missing file with error 1 (File not found), which lets the phone go on, so either it sent a {file} the phone does not take (an empty one makes it ask again, VI-FWISSUES) or its answers do not reach the phone (TCG-7960)"),
                format!("if {file} is in the TFTP root, remove it (the phone needs only a File not found answer); if it is not, {FIREWALL_FIX}"),
            );
        }
        return (
            format!("{head}: either the server has no {file}, or its data does not reach the phone (TCG-7960)"),
            format!("if {file} is missing, copy it from its firmware package into the TFTP root; if it is there, {FIREWALL_FIX}"),
        );
    }
    if tally.sent > 0 {
        let ctl = PerPhoneFile::parse_any(file).is_some_and(|(f, _)| f == PerPhoneFile::CtlSep);
        let why = match (ctl, tally.sent_empty > 0) {
            (true, true) => ": it is empty, and an empty CTLSEP<MAC>.tlv makes the phone fetch it every few seconds and go no further (VI-FWISSUES)",
            (true, false) => ": if it is empty, that is the loop VI-FWISSUES reports (the phone fetches an empty CTLSEP<MAC>.tlv every few seconds and goes no further); if not, the data does not reach the phone (TCG-7960)",
            _ => ": either the data does not reach the phone (TCG-7960) or the phone does not accept the file",
        };
        return (
            format!("{head} and the server logged it as sent each time{why}"),
            if ctl {
                format!("remove {file} from the TFTP root (the phone needs only a File not found answer), then, if it still loops, {FIREWALL_FIX}")
            } else {
                FIREWALL_FIX.into()
            },
        );
    }
    let source = finding.source;
    if tally.started > 0 {
        return (
            format!("{head}: the packet list shows the server sending its first blocks and no end to the transfer: the data does not reach the phone, or its acknowledgements do not reach the server (TCG-7960: a firewall on the TFTP data port)"),
            FIREWALL_FIX.into(),
        );
    }
    let shows = match source {
        Source::TftpdHpa if seen.hpa_finished > 0 => {
            return (
                format!("{head}: the server logged no end for these transfers (its build writes \"Client ADDR finished NAME\" when one ends, and an error answer as \"Client ADDR File not found NAME\"), so they never finished: the data does not reach the phone (TCG-7960: a firewall on the TFTP data port)"),
                FIREWALL_FIX.into(),
            );
        }
        Source::TftpdHpa if seen.hpa_answers > 0 => {
            return (
                format!("{head}: the server answered no error, so it sent the file; tftpd-hpa logs no transfer's end, and a phone that never gets the data asks again (TCG-7960: a firewall on the TFTP data port)"),
                FIREWALL_FIX.into(),
            );
        }
        Source::TftpdHpa => "tftpd-hpa logs its answers only with -v -v",
        Source::Atftpd => "atftpd logs its answers only from --verbose=6",
        Source::Fallback => {
            "phoneup does not know this server and read only its requests (the fallback)"
        }
        _ => "this log does not show the server's answers",
    };
    (
        format!("{head}; {shows}, so which of the two known causes it is cannot be told: a server that answers a missing file with an error other than 1 (MCLEAN-CTLSEP), or a firewall that drops the server's answers (TCG-7960)"),
        format!("if {file} is missing, make sure the server answers File not found (error 1: tftpd-hpa with --secure, atftpd and dnsmasq do), then {FIREWALL_FIX}"),
    )
}

fn error_fix(text: &str, file: &str) -> String {
    match text {
        "Only absolute filenames allowed" | "Forbidden directory" => {
            "tftpd-hpa runs without --secure: set TFTP_OPTIONS=\"--secure -v -v\" in /etc/default/tftpd-hpa and restart it".into()
        }
        "Permission denied" => format!(
            "the server cannot read {file}: make it readable (chmod a+r) if the phone should have it, or remove it so the answer is File not found"
        ),
        "Access denied" | "Access violation" => {
            "a rule of the server refuses this name (a tftpd-hpa remap rule, a path with ..): serve it, or make the server answer File not found".into()
        }
        "Is a directory" => format!("{file} is a directory in the TFTP root: rename it"),
        _ => "make the server answer a missing file with error 1 (File not found): tftpd-hpa with --secure, atftpd and dnsmasq do".into(),
    }
}
