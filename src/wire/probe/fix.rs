//! What to change on a TFTP server that answers a phone wrongly: an error other than 1 for a
//! missing file, nothing listening, silence, a file that arrives too slowly. `probe` puts it in
//! its findings, and `simulate --server` in the fix of a phone that loops.

use crate::phone::server::{Status, Transfer};
use crate::wire::packet::code;

/// What to change on a real server whose answer to `file` (the phone model's last request,
/// `simulate --server`) leaves the phone asking again and again: an error other than 1, nothing
/// listening, or silence. `None` for an answer the phone moves on from.
pub fn server_fix(file: &str, transfer: &Transfer) -> Option<String> {
    let message = transfer.error_message.as_deref().unwrap_or_default();
    match (transfer.status, transfer.error_code) {
        (Status::Error, Some(code)) if code != code::FILE_NOT_FOUND => Some(format!(
            "The server answers {file} with TFTP error {code} ({message}) instead of error 1 (File not found), so the phone asks for it again and again (MCLEAN-CTLSEP, VI-FWISSUES and TCG-7960). {}",
            missing_file_fix(code, message)
        )),
        // `client::Outcome::Overdue`: the file did not arrive within the deadline.
        (Status::Timeout, _) if message.starts_with("gave up on") => Some(format!(
            "The server sends {file} too slowly: phoneup {message}. {SLOW_FIX}"
        )),
        // `client::nothing_listens`: the request met a closed port.
        (Status::Timeout, _) if message.starts_with("nothing listens") => {
            Some(NOTHING_LISTENS_FIX.into())
        }
        (Status::Timeout, _) => Some(format!(
            "The server does not answer {file}, so the phone asks for it again and again. {NO_ANSWER_FIX}"
        )),
        _ => None,
    }
}

/// What to change on a server that answers a missing file with `code`.
pub(super) fn missing_file_fix(code: u16, message: &str) -> String {
    let lower = message.to_ascii_lowercase();
    if lower.contains("only absolute filenames") || lower.contains("forbidden directory") {
        "This is tftpd-hpa without --secure: set TFTP_OPTIONS=\"--secure\" in /etc/default/tftpd-hpa and restart it (systemctl restart tftpd-hpa); it then answers error 1 for missing files.".into()
    } else if code == code::NOT_DEFINED && lower.contains("permission denied") {
        "The server cannot read its directory (tftpd-hpa answers 0 Permission denied): make the directory readable and searchable by the server's user (chmod a+rx DIR) and its files readable (chmod a+r).".into()
    } else if code == code::ACCESS_VIOLATION {
        "The server answers a missing file with error 2 (Access violation) instead of 1, the kind of wrong answer that looped the phones of MCLEAN-CTLSEP, VI-FWISSUES and TCG-7960: check that its directory and files are readable by its user, and if they are, replace it with one that answers error 1, e.g. Debian's tftpd-hpa with --secure, atftpd or dnsmasq --enable-tftp.".into()
    } else {
        "Configure or replace the server so that a missing file gets TFTP error 1, File not found: Debian's tftpd-hpa (--secure), atftpd and dnsmasq do.".into()
    }
}

pub(super) const NO_ANSWER_FIX: &str = "Check that the TFTP server runs and listens on that address and port. If it does, a firewall lets the request to port 69 through but drops the server's answers, which come from another port (TCG-7960): open UDP from the server's ports 1024-65535 to the phones, or load the TFTP connection-tracking helper (Linux: nf_conntrack_tftp with a CT helper rule; most routers: a TFTP ALG).";

pub(super) const SLOW_FIX: &str = "Look at the link between this machine and the server (a duplex mismatch, Wi-Fi, a saturated port) and at the server's load: a TFTP server on a LAN sends a 1 MB image in seconds. If the link is slow by nature, give more time: --file-deadline SECONDS.";

pub(super) const NOTHING_LISTENS_FIX: &str = "Start the TFTP server (e.g. systemctl start tftpd-hpa), or give the address and port it listens on (ss -ulpn on the server lists them); phones always ask port 69.";
