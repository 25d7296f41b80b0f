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
//! A client does not trust the network: only the server's address may answer (a datagram from
//! any other is ignored and counted, [`Fetch::foreign`]), and once the server has answered, only
//! its first transfer ID is heard (the connected socket drops the rest; no ERROR 5 is sent back,
//! as an ICMP error it would draw could end the transfer). A file still arriving after the
//! per-file deadline ([`Client::deadline`], [`FILE_DEADLINE`] unless given) is given up
//! ([`Outcome::Overdue`]), and a size no phone file comes near ([`MAX_FILE`]) is never taken
//! for one ([`Outcome::ImpossibleSize`]).
//!
//! May use: [`crate::wire::drive`], [`crate::wire::transfer`], [`crate::wire::packet`],
//! [`crate::error`]; `libc` for `setsockopt`.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs, UdpSocket};
use std::time::{Duration, Instant};

use crate::error::Error;
use crate::wire::drive::{drive, Hooks, Io};
use crate::wire::packet::code;
use crate::wire::transfer::{Ask, Event, Failure, Policy, Receiver};

/// The TFTP port.
pub const PORT: u16 = 69;
/// File contents are kept up to this size; larger files (firmware) are counted, not kept.
pub const KEEP_LIMIT: u64 = 1 << 20;
/// A transfer longer than this is aborted, and a `tsize` above it is impossible: no file a
/// phone reads comes near it.
pub const MAX_FILE: u64 = 256 << 20;
/// How long one file may take, unless the user says otherwise (`--file-deadline`): the largest
/// image a 7940/7960 reads is under 1 MB, which arrives in a few seconds on a LAN, and still
/// within 60 s at a round trip of 40 ms per 512-byte block.
pub const FILE_DEADLINE: Duration = Duration::from_secs(60);

/// Reads files from one TFTP server.
#[derive(Debug, Clone)]
pub struct Client {
    pub server: SocketAddr,
    /// The source address (`--bind`); the system chooses when `None`.
    pub bind: Option<IpAddr>,
    pub policy: Policy,
    /// How long one file may take, from its request to its last block.
    pub deadline: Duration,
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
    /// The file was still arriving when the per-file deadline passed, and was given up: `why`
    /// names the file, the deadline and what had arrived.
    Overdue {
        why: String,
    },
    /// The server announced a size (`tsize`) larger than [`MAX_FILE`], which no file a phone
    /// reads comes near: the transfer was ended, nothing was taken as served.
    ImpossibleSize {
        tsize: u64,
    },
}

/// Datagrams a read ignored because they came from another address than the server's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Foreign {
    pub datagrams: u64,
    pub bytes: u64,
    /// The first address they came from.
    pub from: Option<SocketAddr>,
}

impl Foreign {
    /// What came from elsewhere during two reads of one file, this one first.
    pub fn and(self, later: Foreign) -> Foreign {
        Foreign {
            datagrams: self.datagrams + later.datagrams,
            bytes: self.bytes + later.bytes,
            from: self.from.or(later.from),
        }
    }
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
    /// What came from other addresses than the server's, ignored.
    pub foreign: Foreign,
}

impl Client {
    /// A client of `server`, with the default policy and source address.
    pub fn new(server: SocketAddr) -> Client {
        Client {
            server,
            bind: None,
            policy: Policy::default(),
            deadline: FILE_DEADLINE,
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
            plain.foreign = fetch.foreign.and(plain.foreign);
            return Ok(plain);
        }
        Ok(fetch)
    }

    fn read_once(&self, name: &str, ask: Ask, want: Want) -> io::Result<Fetch> {
        let socket = self.socket()?;
        let start = Instant::now();
        let mut receiver = Receiver::new(self.server, name, ask, self.policy, start);
        let mut reading = Reading {
            server: self.server,
            name,
            want,
            contents: Some(Vec::new()),
            outcome: None,
            closed: false,
            start,
            deadline: self.deadline,
            foreign: Foreign::default(),
        };
        drive(&socket, false, &mut receiver, &mut reading)?;
        let Reading {
            outcome,
            mut contents,
            closed,
            foreign,
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
            foreign,
        })
    }
}

/// What [`Outcome::Overdue`] says: the file, the deadline, and what had arrived.
fn overdue(name: &str, deadline: Duration, bytes: u64) -> String {
    let secs = deadline.as_secs_f64();
    format!(
        "gave up on {} after {secs} s, the per-file deadline (--file-deadline SECONDS changes it): {bytes} bytes had arrived, {:.0} bytes/s",
        crate::output::Untrusted(name),
        bytes as f64 / secs.max(0.001)
    )
}

/// One read as it runs: the contents kept so far, and how it ended.
struct Reading<'n> {
    server: SocketAddr,
    name: &'n str,
    want: Want,
    /// The bytes so far, while at most [`KEEP_LIMIT`].
    contents: Option<Vec<u8>>,
    outcome: Option<Outcome>,
    /// ICMP port unreachable before the server answered: nothing listens on its port.
    closed: bool,
    start: Instant,
    /// How long the file may take from `start`.
    deadline: Duration,
    foreign: Foreign,
}

impl Hooks<Receiver> for Reading<'_> {
    /// Takes the receiver's events into the outcome; asks for the end once the size is known
    /// when that is all that is wanted.
    fn event(&mut self, receiver: &mut Receiver, event: Event) {
        match event {
            Event::Started {
                tsize: Some(tsize), ..
            } if tsize > MAX_FILE => {
                receiver.abort(
                    code::NOT_DEFINED,
                    "phoneup: no file a phone reads has that size",
                );
                self.outcome = Some(Outcome::ImpossibleSize { tsize });
            }
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
        if from.ip() != self.server.ip() {
            // Not the server: a neighbour answering for it is not heard.
            self.foreign.datagrams += 1;
            self.foreign.bytes += bytes.len() as u64;
            self.foreign.from.get_or_insert(from);
            return;
        }
        if receiver.peer().is_some_and(|peer| peer != from) {
            // Another transfer ID of the server's address, queued before the socket was
            // connected to the first: ignored, and not answered (an ERROR 5 would go to the
            // connected peer).
            return;
        }
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

    /// Gives the file up once its deadline has passed.
    fn turn(&mut self, receiver: &mut Receiver) {
        if !receiver.is_finished() && self.start.elapsed() >= self.deadline {
            let why = overdue(self.name, self.deadline, receiver.bytes());
            self.outcome.get_or_insert(Outcome::Overdue { why });
            receiver.abort(code::NOT_DEFINED, "phoneup: the file took too long");
        }
    }

    fn max_wait(&self) -> Option<Duration> {
        Some(self.deadline.saturating_sub(self.start.elapsed()))
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
    fn what_came_from_elsewhere_adds_up_over_both_reads_of_a_file() {
        let first: SocketAddr = "127.0.0.2:1000".parse().unwrap();
        let later: SocketAddr = "127.0.0.3:2000".parse().unwrap();
        let a = Foreign {
            datagrams: 2,
            bytes: 30,
            from: Some(first),
        };
        let b = Foreign {
            datagrams: 3,
            bytes: 50,
            from: Some(later),
        };
        assert_eq!(
            a.and(b),
            Foreign {
                datagrams: 5,
                bytes: 80,
                from: Some(first)
            }
        );
        assert_eq!(Foreign::default().and(b), b);
    }

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
