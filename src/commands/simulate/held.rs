//! A file the real server answered with TFTP error 1 in words of its own rather than "File not
//! found" (`phoneup serve` holds an image back, on purpose, until it knows the phone's load):
//! the phone moves on as from any missing file, but the advice to copy the file is wrong, so
//! it is replaced by the server's words (escaped) and what to do instead.
//!
//! May use: [`crate::phone`].

use crate::phone::{BootResult, Simulation, Status};

/// The words servers use for a file that is not there: tftpd-hpa's and atftpd's "File not
/// found", dnsmasq's "file ... not found", Windows' "cannot find the file", the system's "No
/// such file or directory".
fn says_missing(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    lower.trim().is_empty()
        || [
            "not found",
            "no such file",
            "cannot find",
            "can't find",
            "not exist",
        ]
        .iter()
        .any(|words| lower.contains(words))
}

/// phoneup serve's own words for an image it holds back.
fn from_serve(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    lower.contains("phoneup") || lower.contains("held back") || lower.contains("holds")
}

/// The file the last boot stopped at, when the server answered it with error 1 and words of
/// its own: the file and those words (escaped).
fn held_back(simulation: &Simulation) -> Option<(String, String)> {
    let last = simulation.boots.last()?;
    if last.result != BootResult::FileNotFound {
        return None;
    }
    let file = last.stuck_on.as_deref()?;
    let request = last.requests.iter().rev().find(|r| r.file == file)?;
    let tftp = request.tftp.as_ref()?;
    let message = tftp.error_message.as_deref()?;
    (tftp.status == Status::NotFound && !says_missing(message))
        .then(|| (file.to_string(), message.to_string()))
}

/// What to do about `file`, held back with `message`, for a phone now on `running`.
fn advice(file: &str, message: &str, running: &str) -> String {
    if from_serve(message) {
        format!(
            "The server holds {file} back on purpose (its words: \"{message}\"): it is in the directory, which needs no change. Power-cycle the phone when serve says so; it goes on from {running}."
        )
    } else {
        format!(
            "The server answers {file} with TFTP error 1 in words of its own (\"{message}\"), not a plain File not found: it may hold the file back on purpose. Read what it says before changing anything in its directory, then boot the phone again; it goes on from {running}."
        )
    }
}

/// Replaces the advice to copy a file the server holds back, in the record and its problems.
pub(super) fn reword(simulation: &mut Simulation) -> Option<String> {
    let (file, message) = held_back(simulation)?;
    let advice = advice(&file, &message, &simulation.final_load);
    let missing = format!("{file} is not on the TFTP server");
    let replace = |problems: &mut Vec<String>| {
        for problem in problems.iter_mut().filter(|p| p.starts_with(&missing)) {
            *problem = advice.clone();
        }
    };
    replace(&mut simulation.problems);
    if let Some(last) = simulation.boots.last_mut() {
        replace(&mut last.problems);
        last.detail = format!("the server holds {file} back (\"{message}\")");
    }
    simulation.loop_file = Some(format!("{file}, which the server holds back"));
    Some(advice)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_usual_words_for_a_missing_file_are_not_taken_for_a_file_held_back() {
        for missing in [
            "File not found",
            "file /srv/tftp/X not found",
            "No such file or directory",
            "The system cannot find the file specified.",
            "",
        ] {
            assert!(says_missing(missing), "{missing}");
        }
        for held in [
            "phoneup serve holds P003-08-11-00.sbn back",
            "Access denied by policy",
        ] {
            assert!(!says_missing(held), "{held}");
        }
        assert!(from_serve("held back: power-cycle the phone"));
        assert!(!from_serve("Access denied by policy"));
    }
}
