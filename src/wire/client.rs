//! A blocking TFTP client on `std::net::UdpSocket`: one [`Receiver`] per file, each from a
//! fresh socket (a new transfer ID, as RFC 1350 and the phones do), bound to a chosen source
//! address when asked (`--bind`), over IPv4 or IPv6.
//!
//! Timeouts and retries are bounded ([`Policy`], default 1 s and 5 retries): a request or an ACK
//! is sent at most six times, one second apart, so a silent server costs at most six seconds
//! per file. Once the server has answered, the socket is connected to its transfer ID, so an
//! ICMP "port unreachable" ends the transfer at once instead of after the retries. Before that,
//! on Linux, the socket asks for the errors of its unconnected sends (`IP_RECVERR`), so a request
//! to a port nothing listens on ends at once too ([`Outcome::PortClosed`]), not after six seconds.
//!
//! May use: [`crate::wire::drive`], [`crate::wire::transfer`], [`crate::wire::packet`],
//! [`crate::error`]; `libc` for `setsockopt`.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs, UdpSocket};
use std::time::Instant;

use crate::error::Error;
use crate::wire::drive::{drive, Hooks, Io};
use crate::wire::packet::code;
use crate::wire::transfer::{Ask, Event, Failure, Policy, Receiver};

/// The TFTP port.
pub const PORT: u16 = 69;
/// File contents are kept up to this size; larger files (firmware) are counted, not kept.
pub const KEEP_LIMIT: u64 = 1 << 20;
/// A transfer longer than this is aborted: no file a phone reads comes near it.
pub const MAX_FILE: u64 = 256 << 20;

/// Reads files from one TFTP server.
#[derive(Debug, Clone)]
pub struct Client {
    pub server: SocketAddr,
    /// The source address (`--bind`); the system chooses when `None`.
    pub bind: Option<IpAddr>,
    pub policy: Policy,
}

/// How much of a file to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// The whole file.
    Whole,
    /// Only its size: the transfer is ended after an OACK with `tsize` (read whole when the
    /// server announces no size).
    SizeOnly,
}

/// How a read ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The whole file arrived.
    Received {
        bytes: u64,
    },
    /// The server announced the size, and the transfer was ended there.
    SizeOnly {
        tsize: u64,
    },
    Failed(Failure),
    /// The request itself was answered with ICMP "port unreachable": nothing listens on the
    /// server's address and port (Linux only; elsewhere this is a silence, a timeout).
    PortClosed {
        why: String,
    },
}

/// One file read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetch {
    pub outcome: Outcome,
    /// The size the server announced (`tsize`), if asked and answered.
    pub tsize: Option<u64>,
    /// The contents, for a whole file of at most [`KEEP_LIMIT`] bytes.
    pub contents: Option<Vec<u8>>,
    /// The server refused the options with ERROR 8 and the file was asked again without.
    pub options_refused: bool,
}

impl Client {
    /// A client of `server`, with the default policy and source address.
    pub fn new(server: SocketAddr) -> Client {
        Client {
            server,
            bind: None,
            policy: Policy::default(),
        }
    }

    /// Fails with a usage error when the source address cannot be used on this machine.
    pub fn check_bind(&self) -> Result<(), Error> {
        self.socket().map(drop).map_err(|error| Error::Usage {
            message: match self.bind {
                Some(ip) => format!("cannot send from --bind {ip}: {error}\nGive an address of this machine (ip address shows them), e.g. 127.0.0.2 for tests on loopback"),
                None => format!("cannot open a UDP socket: {error}"),
            },
        })
    }

    fn socket(&self) -> io::Result<UdpSocket> {
        let ip = match (self.bind, self.server) {
            (Some(ip), server) if ip.is_ipv4() != server.is_ipv4() => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("--bind {ip} and the server {server} are not the same IP version"),
                ))
            }
            (Some(ip), _) => ip,
            (None, SocketAddr::V4(_)) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            (None, SocketAddr::V6(_)) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
        };
        let socket = UdpSocket::bind((ip, 0))?;
        report_errors(&socket, self.server);
        Ok(socket)
    }

    /// Reads `name`. `Err` is a local socket error (the source address cannot be bound); every
    /// answer or silence of the server is an [`Outcome`].
    pub fn read(&self, name: &str, ask: Ask, want: Want) -> io::Result<Fetch> {
        let fetch = self.read_once(name, ask, want)?;
        if !ask.is_empty()
            && matches!(
                fetch.outcome,
                Outcome::Failed(Failure::Peer {
                    code: code::OPTION_REFUSED,
                    ..
                })
            )
        {
            // RFC 2347: a server that refuses the options may still serve the file without.
            let mut plain = self.read_once(name, Ask::default(), Want::Whole)?;
            plain.options_refused = true;
            return Ok(plain);
        }
        Ok(fetch)
    }

    fn read_once(&self, name: &str, ask: Ask, want: Want) -> io::Result<Fetch> {
        let socket = self.socket()?;
        let mut receiver = Receiver::new(self.server, name, ask, self.policy, Instant::now());
        let mut reading = Reading {
            server: self.server,
            want,
            contents: Some(Vec::new()),
            outcome: None,
            closed: false,
        };
        drive(&socket, false, &mut receiver, &mut reading)?;
        let Reading {
            outcome,
            mut contents,
            closed,
            ..
        } = reading;
        let mut outcome = outcome.unwrap_or_else(|| {
            Outcome::Failed(Failure::Aborted {
                why: "the transfer ended without a result".into(),
            })
        });
        if closed && matches!(outcome, Outcome::Failed(Failure::Unreachable { .. })) {
            outcome = Outcome::PortClosed {
                why: nothing_listens(self.server),
            };
        }
        if !matches!(outcome, Outcome::Received { .. }) {
            contents = None;
        }
        Ok(Fetch {
            outcome,
            tsize: receiver.tsize(),
            contents,
            options_refused: false,
        })
    }
}

/// One read as it runs: the contents kept so far, and how it ended.
struct Reading {
    server: SocketAddr,
    want: Want,
    /// The bytes so far, while at most [`KEEP_LIMIT`].
    contents: Option<Vec<u8>>,
    outcome: Option<Outcome>,
    /// ICMP port unreachable before the server answered: nothing listens on its port.
    closed: bool,
}

impl Hooks<Receiver> for Reading {
    /// Takes the receiver's events into the outcome; asks for the end once the size is known
    /// when that is all that is wanted.
    fn event(&mut self, receiver: &mut Receiver, event: Event) {
        match event {
            Event::Started {
                tsize: Some(tsize), ..
            } if self.want == Want::SizeOnly => {
                receiver.abort(
                    code::NOT_DEFINED,
                    "phoneup probe: the size was all it asked",
                );
                self.outcome = Some(Outcome::SizeOnly { tsize });
            }
            Event::Done { bytes } => self.outcome = Some(Outcome::Received { bytes }),
            Event::Failed(failure) => {
                self.outcome.get_or_insert(Outcome::Failed(failure));
            }
            Event::Started { .. } | Event::Progress { .. } => {}
        }
    }

    fn datagram(&mut self, receiver: &mut Receiver, now: Instant, from: SocketAddr, bytes: &[u8]) {
        if let Some(data) = receiver.handle_datagram(now, from, bytes) {
            if let Some(kept) = self.contents.as_mut() {
                kept.extend_from_slice(data);
                if kept.len() as u64 > KEEP_LIMIT {
                    self.contents = None;
                }
            }
            if receiver.bytes() > MAX_FILE {
                receiver.abort(code::NOT_DEFINED, "phoneup: the file is too large");
            }
        }
    }

    fn error(
        &mut self,
        receiver: &mut Receiver,
        error: io::Error,
        _during: Io,
        connected: bool,
    ) -> io::Result<()> {
        if error.kind() == io::ErrorKind::ConnectionRefused {
            self.closed |= !connected;
            receiver.handle_unreachable(unreachable(self.server));
        } else if is_unreachable(&error) {
            receiver.handle_unreachable(host_unreachable(self.server, &error));
        } else {
            return Err(error);
        }
        Ok(())
    }
}

fn unreachable(server: SocketAddr) -> String {
    format!("the network reports {server}'s transfer port unreachable (ICMP)")
}

/// What [`Outcome::PortClosed`] says.
pub fn nothing_listens(server: SocketAddr) -> String {
    format!("nothing listens on {server} (its machine answered the request at once with ICMP port unreachable)")
}

fn host_unreachable(server: SocketAddr, error: &io::Error) -> String {
    format!("the network reports {} unreachable ({error})", server.ip())
}

/// ICMP host or network unreachable, reported by a send or a receive.
fn is_unreachable(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::HostUnreachable | io::ErrorKind::NetworkUnreachable
    )
}

/// Asks Linux to report ICMP errors on a socket that is not connected (`IP_RECVERR`,
/// `IPV6_RECVERR`): the next receive then fails with "connection refused" when the request
/// reached a port nothing listens on. Best effort: without it, that is a silence.
fn report_errors(socket: &UdpSocket, server: SocketAddr) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::io::AsRawFd;
        let (level, name) = match server {
            SocketAddr::V4(_) => (libc::IPPROTO_IP, libc::IP_RECVERR),
            SocketAddr::V6(_) => (libc::IPPROTO_IPV6, libc::IPV6_RECVERR),
        };
        let on: libc::c_int = 1;
        // SAFETY: a valid socket, and an option pointer and length that match.
        unsafe {
            libc::setsockopt(
                socket.as_raw_fd(),
                level,
                name,
                &on as *const libc::c_int as *const libc::c_void,
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            );
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (socket, server);
}

/// `HOST`, `HOST:PORT`, `IPV4[:PORT]`, `IPV6` or `[IPV6]:PORT`, resolved; port 69 by default.
/// `flag` names the option in the error.
pub fn resolve(text: &str, flag: &str) -> Result<SocketAddr, Error> {
    let bad = |why: String| {
        Error::Usage {
        message: format!(
            "{flag} `{text}`: {why}\nGive HOST or HOST:PORT, e.g. 192.0.2.10, 192.0.2.10:6969, tftp.lan, [::1]:69"
        ),
    }
    };
    if let Ok(address) = text.parse::<SocketAddr>() {
        if address.port() == 0 {
            return Err(bad("port 0 is not a port a server listens on".into()));
        }
        return Ok(address);
    }
    if let Ok(ip) = text
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
    {
        return Ok(SocketAddr::new(ip, PORT));
    }
    let (host, port) = match text.rsplit_once(':') {
        Some((host, port)) => {
            let port = port
                .parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| bad(format!("`{port}` is not a port number")))?;
            (host, port)
        }
        None => (text, PORT),
    };
    if host.is_empty() || host.contains(|c: char| c.is_whitespace() || c == '/') {
        return Err(bad("that is not a host name".into()));
    }
    let mut addresses = (host, port)
        .to_socket_addrs()
        .map_err(|e| bad(format!("cannot resolve it ({e})")))?;
    addresses
        .next()
        .ok_or_else(|| bad("it resolves to no address".into()))
}

/// `--bind ADDR`: an IP address to send from.
pub fn parse_bind(text: &str) -> Result<IpAddr, Error> {
    text.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .map_err(|_| Error::Usage {
            message: format!("--bind `{text}` is not an IP address (e.g. 127.0.0.2 or ::1)"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_addresses_take_port_69_unless_given() {
        assert_eq!(
            resolve("127.0.0.1", "SERVER").unwrap(),
            "127.0.0.1:69".parse().unwrap()
        );
        assert_eq!(
            resolve("127.0.0.1:6969", "SERVER").unwrap(),
            "127.0.0.1:6969".parse().unwrap()
        );
        assert_eq!(
            resolve("::1", "SERVER").unwrap(),
            "[::1]:69".parse().unwrap()
        );
        assert_eq!(
            resolve("[::1]", "SERVER").unwrap(),
            "[::1]:69".parse().unwrap()
        );
        assert_eq!(
            resolve("[::1]:70", "SERVER").unwrap(),
            "[::1]:70".parse().unwrap()
        );
        assert_eq!(resolve("localhost:6969", "SERVER").unwrap().port(), 6969);
        for bad in [
            "127.0.0.1:x",
            "127.0.0.1:0",
            "",
            "a b",
            ":69",
            "127.0.0.1:99999",
        ] {
            let error = resolve(bad, "SERVER").unwrap_err().to_string();
            assert!(error.contains("HOST:PORT"), "{bad}: {error}");
        }
        assert!(parse_bind("127.0.0.2").is_ok());
        assert!(parse_bind("[::1]").is_ok());
        assert!(parse_bind("lo").is_err());
    }
}
