//! `--leases` as the listening thread reads it: the file is read again only when it changes
//! (its modification time, size or inode), and each address's answer is remembered until then,
//! so a large lease file costs one read per change, not one per request. Only a regular file is
//! read (opened without blocking, so a FIFO put in its place cannot stop serve), and at most
//! [`LEASES_LIMIT`] bytes of it.
//!
//! May use: [`crate::wire::serve`]'s `neighbours` (the lookup in the text), the standard library
//! and `libc`.

use std::collections::HashMap;
use std::fs::OpenOptions;
use std::io::Read;
use std::net::IpAddr;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::wire::serve::neighbours;

/// The most of a lease file read.
pub const LEASES_LIMIT: u64 = 64 << 20;
/// The most addresses remembered between two changes of the file.
const REMEMBERED: usize = 1 << 16;

/// What identifies one version of the file.
type Stamp = (Option<SystemTime>, u64, u64);

/// A lease file, read when it changes.
pub struct Leases {
    path: PathBuf,
    stamp: Option<Stamp>,
    text: String,
    answers: HashMap<IpAddr, Option<String>>,
}

impl Leases {
    pub fn new(path: PathBuf) -> Leases {
        Leases {
            path,
            stamp: None,
            text: String::new(),
            answers: HashMap::new(),
        }
    }

    /// The MAC the file gives `ip`, if any.
    pub fn lookup(&mut self, ip: IpAddr) -> Option<String> {
        let stamp = std::fs::metadata(&self.path)
            .ok()
            .map(|m| (m.modified().ok(), m.len(), m.ino()));
        if stamp != self.stamp {
            self.stamp = stamp;
            self.text = read(&self.path).unwrap_or_default();
            self.answers.clear();
        }
        if let Some(answer) = self.answers.get(&ip) {
            return answer.clone();
        }
        let answer = neighbours::lease_lookup(&self.text, ip);
        if self.answers.len() >= REMEMBERED {
            self.answers.clear();
        }
        self.answers.insert(ip, answer.clone());
        answer
    }
}

/// The text of a regular file, at most [`LEASES_LIMIT`] bytes; nothing for anything else.
fn read(path: &Path) -> Option<String> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut bytes = Vec::new();
    file.take(LEASES_LIMIT).read_to_end(&mut bytes).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEASE: &str =
        "lease 10.0.0.7 {\n  binding state active;\n  hardware ethernet 00:18:b9:00:00:07;\n}\n";

    #[test]
    fn the_file_is_read_again_only_when_it_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dhcpd.leases");
        std::fs::write(&path, LEASE).unwrap();
        let mut leases = Leases::new(path.clone());
        let ip: IpAddr = "10.0.0.7".parse().unwrap();
        assert_eq!(leases.lookup(ip).as_deref(), Some("0018B9000007"));
        // Unreadable now, but unchanged: the answer stands without a read.
        let stamp = leases.stamp;
        assert_eq!(leases.lookup(ip).as_deref(), Some("0018B9000007"));
        assert_eq!(leases.stamp, stamp);
        // Changed (another size): read again.
        std::fs::write(
            &path,
            LEASE
                .replace(":07;", ":08;")
                .replace("binding state active;", "binding state active; "),
        )
        .unwrap();
        assert_eq!(leases.lookup(ip).as_deref(), Some("0018B9000008"));
    }

    #[test]
    fn a_fifo_in_place_of_the_file_is_not_waited_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fifo");
        let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let mut leases = Leases::new(path);
        assert_eq!(leases.lookup("10.0.0.7".parse().unwrap()), None);
    }
}
