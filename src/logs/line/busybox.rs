//! busybox's tftpd: errors only, naming neither the phone nor the file.

use crate::logs::event::{Outcome, Parsed, Source};

use super::text::Make;

pub(super) fn parse<'t>(text: &'t str, event: &Make<'t, '_>) -> Option<Parsed<'t>> {
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
            text: text.into(),
        };
        Parsed::Event(event(Source::Busybox, refused, None, None))
    })
}
