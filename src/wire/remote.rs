//! A real TFTP server as the phone model sees it: every file the model asks for is a real read
//! over UDP, plain RFC 1350 with 512-byte blocks and no options, as a 7940 sends it.
//!
//! May use: [`crate::wire::client`], [`crate::wire::transfer`], [`crate::phone::server`].

use crate::phone::server::{Answer, Server, Status, Transfer};
use crate::wire::client::{Client, Fetch, Outcome, Want};
use crate::wire::packet::code;
use crate::wire::transfer::{Ask, Failure};

/// A TFTP server on the network.
pub struct Remote {
    pub client: Client,
    last: Option<Transfer>,
}

impl Remote {
    pub fn new(client: Client) -> Remote {
        Remote { client, last: None }
    }
}

/// A server's error message as phoneup shows it: escaped (a server must not drive the user's
/// terminal), at most 200 characters of it.
pub fn printable(message: &str) -> String {
    match message.char_indices().nth(200) {
        Some((end, _)) => format!("{}...", crate::output::Untrusted(&message[..end])),
        None => crate::output::Untrusted(message).to_string(),
    }
}

/// The record of one read: status, size, and the server's error (for a read that got no
/// answer, with what came from other addresses).
pub fn transfer(fetch: &Fetch) -> Transfer {
    let (status, size, error_code, error_message) = match &fetch.outcome {
        Outcome::Received { bytes } => (Status::Served, Some(*bytes), None, None),
        Outcome::SizeOnly { tsize } => (Status::Served, Some(*tsize), None, None),
        Outcome::Failed(Failure::Peer { code, message }) => {
            let status = if *code == code::FILE_NOT_FOUND {
                Status::NotFound
            } else {
                Status::Error
            };
            (status, None, Some(*code), Some(printable(message)))
        }
        Outcome::Failed(failure @ (Failure::Timeout { .. } | Failure::Unreachable { .. })) => {
            (Status::Timeout, None, None, Some(failure.to_string()))
        }
        Outcome::Failed(other) => (Status::Error, None, None, Some(other.to_string())),
        Outcome::PortClosed { why } | Outcome::Overdue { why } => {
            (Status::Timeout, None, None, Some(why.clone()))
        }
        Outcome::ImpossibleSize { tsize } => {
            (Status::Error, None, None, Some(impossible_size(*tsize)))
        }
    };
    // Silence from the server, and answers from elsewhere: say who answered instead.
    let error_message = match (status, fetch.foreign.from) {
        (Status::Timeout, Some(from)) => error_message.map(|why| {
            format!(
                "{why}; {} datagrams came from {from} instead, not the server's address, and were ignored",
                fetch.foreign.datagrams
            )
        }),
        _ => error_message,
    };
    Transfer {
        status,
        size,
        error_code,
        error_message,
    }
}

/// What a `tsize` above [`crate::wire::client::MAX_FILE`] is taken for.
pub fn impossible_size(tsize: u64) -> String {
    format!(
        "the server announced a size of {tsize} bytes (tsize), more than any file a phone reads ({} MiB): not a size a real file has, so nothing was taken as served",
        crate::wire::client::MAX_FILE >> 20
    )
}

/// A read as the phone receives it: the file (or, for a size query, its announced size), error 1,
/// another error, or silence.
pub fn answer(fetch: Fetch) -> Answer {
    let record = transfer(&fetch);
    match (fetch.outcome, record.status) {
        (Outcome::Received { bytes }, _) => Answer::Served {
            size: bytes,
            contents: fetch.contents,
        },
        (Outcome::SizeOnly { tsize }, _) => Answer::Served {
            size: tsize,
            contents: None,
        },
        (_, Status::NotFound) => Answer::NotFound,
        (_, Status::Timeout) => Answer::NoAnswer {
            why: record.error_message.unwrap_or_default(),
        },
        _ => Answer::Error {
            code: record.error_code.unwrap_or(code::NOT_DEFINED),
            message: record.error_message.unwrap_or_default(),
        },
    }
}

impl Server for Remote {
    fn read(&mut self, name: &str) -> Answer {
        let fetch = match self.client.read(name, Ask::default(), Want::Whole) {
            Ok(fetch) => fetch,
            Err(error) => {
                let why = format!("cannot send from this machine: {error}");
                self.last = Some(Transfer {
                    status: Status::Error,
                    size: None,
                    error_code: None,
                    error_message: Some(why.clone()),
                });
                return Answer::NoAnswer { why };
            }
        };
        let record = transfer(&fetch);
        let answer = answer(fetch);
        self.last = Some(record);
        answer
    }

    fn last_transfer(&mut self) -> Option<Transfer> {
        self.last.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_servers_message_cannot_drive_the_terminal() {
        assert_eq!(printable("File not found"), "File not found");
        assert_eq!(printable("bad\x1b[2Jname\r\n"), "bad\\u{1b}[2Jname\\r\\n");
        let long = "x".repeat(500);
        assert_eq!(printable(&long).len(), 203);
    }
}
