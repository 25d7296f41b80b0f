//! What the phone asks a TFTP server, and what it gets back. The phone model reads every file
//! through [`Server`]: an in-memory root ([`RootServer`]) for plans, `simulate` and `check`, or a
//! real server over the wire (`crate::wire`).

use serde::Serialize;

use crate::knowledge::package;
use crate::tftp_root::TftpRoot;

/// How the in-memory server answers a request for a file it does not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ServerBehaviour {
    /// TFTP error 1, File not found: the phone moves on to the next file.
    #[default]
    FileNotFound,
    /// Another error or a broken reply (MCLEAN-CTLSEP and TCG-7960): the phone asks again and again.
    WrongError,
}

/// The answer to one read request, as the phone receives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The whole file. `contents` holds the bytes of the files the phone parses (configuration
    /// files and `.loads` manifests); images may be counted and not kept.
    Served {
        size: u64,
        contents: Option<Vec<u8>>,
    },
    /// TFTP error 1, File not found: the answer the phone needs to move on.
    NotFound,
    /// Any other TFTP error: the phone does not move on (MCLEAN-CTLSEP, VI-FWISSUES and TCG-7960).
    Error { code: u16, message: String },
    /// No answer, or a transfer that never finished: a blocked data port or an unreachable
    /// server (TCG-7960).
    NoAnswer { why: String },
}

/// How one TFTP read ended, as a real server answered it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The file arrived whole (or, for a size query, its size was announced).
    Served,
    /// TFTP error 1, File not found.
    NotFound,
    /// Any other TFTP error, or a transfer that broke the protocol.
    Error,
    /// No answer within the retries: the server is silent or its data port is blocked.
    Timeout,
}

/// One read over the wire: what a server log and a packet capture would show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transfer {
    pub status: Status,
    /// Bytes received (or announced by `tsize`).
    pub size: Option<u64>,
    pub error_code: Option<u16>,
    pub error_message: Option<String>,
}

/// A TFTP server as the phone sees it.
pub trait Server {
    /// Reads `name` whole, as the phone would.
    fn read(&mut self, name: &str) -> Answer;

    /// How the last [`Server::read`] went on the wire; `None` for a server in memory.
    fn last_transfer(&mut self) -> Option<Transfer> {
        None
    }

    /// A file whose name differs from `name` only in case, when the server can say (a directory
    /// it can list); the phone will not find it.
    fn case_variant(&self, _name: &str) -> Option<String> {
        None
    }

    /// A firmware file that is `name` spelled another way (`P003-8-11-00.sbn` for
    /// `P003-08-11-00.sbn`), when the server can say; the phone will not find it.
    fn spelling_variant(&self, _name: &str) -> Option<String> {
        None
    }
}

/// A [`TftpRoot`] served from memory, answering missing files as `behaviour` says.
pub struct RootServer<'a> {
    pub root: &'a TftpRoot,
    pub behaviour: ServerBehaviour,
}

impl Server for RootServer<'_> {
    fn read(&mut self, name: &str) -> Answer {
        match self.root.get(name) {
            Some(entry) => Answer::Served {
                size: entry.size,
                contents: entry.contents.clone(),
            },
            None => match self.behaviour {
                ServerBehaviour::FileNotFound => Answer::NotFound,
                ServerBehaviour::WrongError => Answer::Error {
                    code: 2,
                    message: "Access violation".into(),
                },
            },
        }
    }

    fn case_variant(&self, name: &str) -> Option<String> {
        self.root.case_variant(name).map(str::to_string)
    }

    fn spelling_variant(&self, name: &str) -> Option<String> {
        let key = package::file_key(name)?;
        self.root
            .names()
            .find(|other| *other != name && package::file_key(other).as_ref() == Some(&key))
            .map(str::to_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::load_id::LoadId;
    use crate::knowledge::phones::Model;
    use crate::phone::boot::Phone;

    /// A server that answers reads and can list nothing, as a real one over the wire.
    struct Reads;

    impl Server for Reads {
        fn read(&mut self, _name: &str) -> Answer {
            Answer::NotFound
        }
    }

    #[test]
    fn a_server_that_cannot_list_its_files_suggests_no_other_name() {
        let phone = Phone::new(Model::M7940);
        let boot = phone.boot(1, &LoadId::parse("P003-08-11-00").unwrap(), &mut Reads);
        assert!(
            boot.problems.iter().all(|p| !p.contains("the root has")),
            "{:?}",
            boot.problems
        );
        assert_eq!(Reads.last_transfer(), None);
        assert!(boot.requests.iter().all(|r| r.tftp.is_none()));
    }
}
