//! What serve needs before it serves: where to listen, the DHCP lines that point phones at it,
//! its input files read safely, and the drop to an unprivileged user after binding.

use std::fs::OpenOptions;
use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::output::Untrusted;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum Dhcp {
    Dnsmasq,
    Isc,
}

pub(super) fn usage(message: impl Into<String>) -> Error {
    Error::Usage {
        message: message.into(),
    }
}

/// `ADDR`, `ADDR:PORT`, `[V6]:PORT`; port 69 when not given.
pub(super) fn listen_address(text: &str) -> Result<SocketAddr, Error> {
    if let Ok(address) = text.parse::<SocketAddr>() {
        return Ok(address);
    }
    text.trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
        .map(|ip| SocketAddr::new(ip, 69))
        .map_err(|_| usage(format!("--listen `{text}`: give ADDR or ADDR:PORT, e.g. 0.0.0.0:69, 192.0.2.10, 127.0.0.1:6969, [::]:69")))
}

/// This machine's IPv4 addresses other than loopback, for the DHCP lines.
fn local_addresses() -> Vec<Ipv4Addr> {
    let mut found = Vec::new();
    // SAFETY: getifaddrs fills a list freed by freeifaddrs; each entry is read while it lives.
    unsafe {
        let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
        if libc::getifaddrs(&mut list) != 0 {
            return found;
        }
        let mut at = list;
        while !at.is_null() {
            let entry = &*at;
            if !entry.ifa_addr.is_null()
                && (*entry.ifa_addr).sa_family as libc::c_int == libc::AF_INET
            {
                let address = &*(entry.ifa_addr as *const libc::sockaddr_in);
                let ip = Ipv4Addr::from(u32::from_be(address.sin_addr.s_addr));
                if !ip.is_loopback() {
                    found.push(ip);
                }
            }
            at = entry.ifa_next;
        }
        libc::freeifaddrs(list);
    }
    found
}

/// Why serve cannot listen, and what to do.
pub(super) fn listen_error(listen_at: SocketAddr, error: &std::io::Error) -> Error {
    let why = match error.kind() {
        std::io::ErrorKind::PermissionDenied if listen_at.port() < 1024 => format!(
            "cannot listen on {listen_at}: {error}.\nPort {} needs root, or once: sudo setcap cap_net_bind_service=+ep {}\n(or listen on a high port for a test: --listen 127.0.0.1:6969)",
            listen_at.port(),
            std::env::current_exe().map(|p| p.display().to_string()).unwrap_or_else(|_| "phoneup".into())
        ),
        std::io::ErrorKind::AddrInUse => format!(
            "cannot listen on {listen_at}: another TFTP server (tftpd-hpa, atftpd, dnsmasq) is listening there; stop it while serve runs, or give --listen ADDR:PORT"
        ),
        _ => format!("cannot listen on {listen_at}: {error}"),
    };
    usage(why)
}

pub(super) fn dhcp_lines(kind: Dhcp, listen: SocketAddr) -> String {
    let ips: Vec<String> = if listen.ip().is_unspecified() {
        local_addresses().iter().map(Ipv4Addr::to_string).collect()
    } else {
        vec![listen.ip().to_string()]
    };
    let mut out = String::new();
    let (ip, note) = match ips.first() {
        Some(ip) => (
            ip.clone(),
            if ips.len() > 1 {
                format!(
                    " (this machine also has {}: use the one on the phones' network)",
                    ips[1..].join(", ")
                )
            } else {
                String::new()
            },
        ),
        None => (
            "SERVER_ADDRESS".to_string(),
            " (no address found: put this server's address there)".into(),
        ),
    };
    if listen.port() != 69 {
        out.push_str(&format!("# Phones always ask port 69: serve listens on {}, so forward 69 to it or give --listen ADDR:69.\n", listen.port()));
    }
    match kind {
        Dhcp::Dnsmasq => {
            out.push_str(&format!(
                "# dnsmasq: point the phones at phoneup serve on {ip}{note}\n"
            ));
            out.push_str(&format!("dhcp-option=150,{ip}\n"));
            out.push_str(&format!("dhcp-option=66,\"{ip}\"\n"));
        }
        Dhcp::Isc => {
            out.push_str(&format!(
                "# ISC dhcpd: point the phones at phoneup serve on {ip}{note}\n"
            ));
            out.push_str("# at the top of dhcpd.conf:\n");
            out.push_str("option cisco-tftp-servers code 150 = array of ip-address;\n");
            out.push_str("# inside the phones' subnet { ... } block:\n");
            out.push_str(&format!("option cisco-tftp-servers {ip};\n"));
            out.push_str(&format!("option tftp-server-name \"{ip}\";\n"));
        }
    }
    out
}

/// The most bytes `--leases` and `--phones-file` may hold.
pub(super) const INPUT_LIMIT: u64 = 16 << 20;

/// An input file (`--leases`, `--phones-file`): a regular file of at most [`INPUT_LIMIT`]
/// bytes, its text. Opened without blocking, so a FIFO with no writer cannot hang serve; a
/// device, a FIFO or a folder is refused before anything is read from it.
pub(super) fn input_file(path: &Path, flag: &str) -> Result<String, Error> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)
        .map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
    let meta = file.metadata().map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let unsafe_input = |problem: String| Error::Unsafe {
        path: path.to_path_buf(),
        problem,
        fix: format!("Give {flag} a regular file (a copy of it, if need be)."),
    };
    if !meta.is_file() {
        return Err(unsafe_input(format!(
            "{flag} is not a regular file (a folder, a device or a pipe): serve reads only files"
        )));
    }
    if meta.len() > INPUT_LIMIT {
        return Err(unsafe_input(format!(
            "{flag} holds {} bytes, more than serve reads ({INPUT_LIMIT})",
            meta.len()
        )));
    }
    let mut bytes = Vec::new();
    file.take(INPUT_LIMIT + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
    if bytes.len() as u64 > INPUT_LIMIT {
        return Err(unsafe_input(format!(
            "{flag} grew past {INPUT_LIMIT} bytes while serve read it"
        )));
    }
    String::from_utf8(bytes).map_err(|_| Error::NotText {
        path: path.to_path_buf(),
    })
}

/// The unprivileged user serve runs as after binding (`--user`).
#[derive(Debug, Clone)]
pub(super) struct Account {
    pub name: String,
    pub uid: libc::uid_t,
    pub gid: libc::gid_t,
}

/// The user to drop to: none when serve is not root, or `--user root` keeps it root.
pub(super) fn account(user: &str) -> Result<Option<Account>, Error> {
    // SAFETY: geteuid cannot fail.
    if unsafe { libc::geteuid() } != 0 || user == "root" {
        return Ok(None);
    }
    let name = std::ffi::CString::new(user)
        .map_err(|_| usage(format!("--user {user:?}: not a user name")))?;
    // SAFETY: getpwnam returns null or a passwd entry we read at once, before any other call.
    let entry = unsafe { libc::getpwnam(name.as_ptr()) };
    if entry.is_null() {
        return Err(usage(format!(
            "--user {}: no such user on this system; give an unprivileged user that exists (nobody, tftp), or --user root to stay root (not advised)",
            Untrusted(user)
        )));
    }
    // SAFETY: not null, as checked.
    let (uid, gid) = unsafe { ((*entry).pw_uid, (*entry).pw_gid) };
    if uid == 0 {
        return Ok(None);
    }
    Ok(Some(Account {
        name: user.to_string(),
        uid,
        gid,
    }))
}

/// Whether `account` may enter every folder from `/` down to `path`'s folder (its owner may,
/// or everyone may).
pub(super) fn reachable(path: &Path, account: &Account) -> Result<(), String> {
    let mut at = PathBuf::from("/");
    for part in path.components().skip(1) {
        let meta = std::fs::metadata(&at).map_err(|e| format!("{}: {e}", at.display()))?;
        let enters = if meta.uid() == account.uid {
            meta.mode() & 0o100 != 0
        } else {
            meta.mode() & 0o001 != 0
        };
        if !enters {
            return Err(format!(
                "user {} cannot enter {} (mode {:o}, owner uid {})",
                account.name,
                at.display(),
                meta.mode() & 0o7777,
                meta.uid()
            ));
        }
        at.push(part);
    }
    Ok(())
}

/// Makes the state folder `folder` the account's, so that serve can still write its state once
/// it runs as that user: only a folder of serve's own (nothing in it but state and lock files),
/// never a folder shared with anything else.
pub(super) fn hand_over(folder: &Path, account: &Account) -> Result<(), String> {
    let entries = std::fs::read_dir(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    for entry in entries {
        let name = entry.map_err(|e| e.to_string())?.file_name();
        let name = name.to_string_lossy();
        let own = name.ends_with(".json") || name.ends_with(".lock") || name.starts_with('.');
        if !own {
            return Err(format!(
                "the state folder {} holds other files ({}), and serve gives only a folder of its own to user {}: give --state FOLDER/state.json in a folder for serve alone",
                Untrusted(folder.display()),
                Untrusted(&name),
                account.name
            ));
        }
    }
    for path in std::iter::once(folder.to_path_buf()).chain(
        std::fs::read_dir(folder)
            .map_err(|e| e.to_string())?
            .filter_map(|e| e.ok().map(|e| e.path())),
    ) {
        std::os::unix::fs::lchown(&path, Some(account.uid), Some(account.gid)).map_err(|e| {
            format!(
                "cannot give {} to user {}: {e}",
                path.display(),
                account.name
            )
        })?;
    }
    Ok(())
}

/// Becomes `account` for good: no supplementary groups, its group, its user.
pub(super) fn become_user(account: &Account) -> Result<(), String> {
    // SAFETY: plain system calls; glibc applies them to every thread of the process.
    let failed = unsafe {
        libc::setgroups(0, std::ptr::null()) != 0
            || libc::setgid(account.gid) != 0
            || libc::setuid(account.uid) != 0
    };
    // SAFETY: getuid cannot fail.
    if failed || unsafe { libc::getuid() } != account.uid {
        return Err(format!(
            "cannot become user {}: {}",
            account.name,
            std::io::Error::last_os_error()
        ));
    }
    Ok(())
}
