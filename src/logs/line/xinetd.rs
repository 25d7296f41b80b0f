//! xinetd's lines about the TFTP service, which FreePBX/Sangoma and Red Hat start `in.tftpd`
//! through: `START: tftp pid=N from=ADDR` (who asked), `EXIT: tftp status=N pid=N
//! duration=N(sec)`, and `FAIL: tftp REASON from=ADDR` (refused: the client got no answer at
//! all). A field is there when the service's `log_on_success` or `log_on_failure` asks for it
//! (xinetd.log(5)).

use crate::logs::event::{Info, Outcome, Parsed, Source};

use super::text::Make;

const XINETD: Source = Source::Xinetd;

pub(super) fn parse<'t>(text: &'t str, event: &Make<'t, '_>) -> Parsed<'t> {
    let Some((kind, rest)) = text.split_once(": ") else {
        return info_if_tftp(text);
    };
    let mut words = rest.split(' ');
    if !words.next().is_some_and(|service| service.contains("tftp")) {
        return Parsed::Unrecognised;
    }
    let from = || {
        rest.split(' ')
            .find_map(|w| w.strip_prefix("from="))
            .filter(|a| !a.is_empty())
    };
    match (kind, from()) {
        ("START", Some(client)) => {
            Parsed::Event(event(XINETD, Outcome::Connected, Some(client), None))
        }
        ("FAIL", Some(client)) => {
            let reason = words.next().filter(|w| !w.starts_with("from="));
            let refused = Outcome::Refused {
                code: None,
                text: reason.unwrap_or("no reason given").into(),
            };
            Parsed::Event(event(XINETD, refused, Some(client), None))
        }
        _ => Parsed::Info(Info::Server(XINETD)),
    }
}

/// `libwrap refused connection to tftp (libwrap=in.tftpd) from ADDR` and other lines about the
/// service that are no start, exit or failure.
fn info_if_tftp(text: &str) -> Parsed<'_> {
    if text.contains("tftp") {
        Parsed::Info(Info::Server(XINETD))
    } else {
        Parsed::Unrecognised
    }
}
