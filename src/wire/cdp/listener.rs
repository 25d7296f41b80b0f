//! The passive CDP listener: a Linux `AF_PACKET` raw socket bound to one interface, receiving
//! 802.3/LLC frames (`ETH_P_802_2`), joined to the CDP multicast `01:00:0c:cc:cc:cc` so that the
//! network card's filter lets them in, read with a timeout so that it stops when told, and
//! handing every CDP frame it hears to [`super::announcement::parse_frame`]. It never sends on
//! its own; [`CdpListener::send`] puts a crafted frame on the wire for tests and benchmarks.
//!
//! Privilege: creating the socket needs `CAP_NET_RAW` (packet(7)); the kernel checks it then and
//! never again, so a listener opened while root keeps receiving after the process drops to an
//! unprivileged user, as port 69 stays bound. Open it before dropping privileges; nothing here
//! changes user. Without the capability [`CdpListener::open`] fails with
//! [`ListenError::NeedsCapNetRaw`], which says what to do; a server carries on without CDP.
//!
//! May use: libc, [`super::announcement`], [`crate::output::Untrusted`].

use std::fmt;
use std::io;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::output::Untrusted;

use super::announcement::{parse_frame, CdpAnnouncement, CdpError, MAX_FRAME_LEN};

/// Which interface to listen on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Interface {
    /// By name (`eth0`, `enp3s0`).
    Named(String),
    /// The interface that holds this address (the address a server answers on).
    Holding(IpAddr),
}

/// One CDP frame heard: what it says, or why it could not be read (frames that are not CDP at
/// all are skipped and never reported).
pub type Heard = Result<CdpAnnouncement, CdpError>;

/// How long [`CdpListener::run`] waits at most between two looks at its stop flag.
pub const STOP_CHECK: Duration = Duration::from_millis(200);

/// Why the listener cannot open or read, and what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum ListenError {
    #[error("listening for CDP needs CAP_NET_RAW to open a raw packet socket: run as root (serve opens it before it drops privileges) or grant the capability (setcap cap_net_raw+ep, or AmbientCapabilities=CAP_NET_RAW in a systemd unit); without it, go on without CDP")]
    NeedsCapNetRaw,
    #[error("there is no network interface named `{}`: `ip link` lists them", Untrusted(.0))]
    NoSuchInterface(String),
    #[error("no network interface holds the address {0}: `ip address` lists them; name the interface the phones are on instead")]
    NoInterfaceHolds(IpAddr),
    #[error("{0} is every address, not one interface: name the interface the phones are on")]
    EveryAddress(IpAddr),
    #[error("listening for CDP needs Linux's AF_PACKET sockets; on this system go on without CDP")]
    Unsupported,
    #[error("cannot {what} for CDP on {}: {source}", Untrusted(interface))]
    Io {
        what: &'static str,
        interface: String,
        source: io::Error,
    },
}

/// A raw packet socket on one interface that hears CDP.
pub struct CdpListener {
    socket: sys::Socket,
    interface: String,
}

impl fmt::Debug for CdpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CdpListener")
            .field("interface", &self.interface)
            .finish_non_exhaustive()
    }
}

impl CdpListener {
    /// Opens the socket on `interface` and joins the CDP multicast. Call it while privileged.
    pub fn open(interface: &Interface) -> Result<CdpListener, ListenError> {
        let name = match interface {
            Interface::Named(name) => name.clone(),
            Interface::Holding(address) if address.is_unspecified() => {
                return Err(ListenError::EveryAddress(*address))
            }
            Interface::Holding(address) => sys::interface_holding(*address)?,
        };
        let socket = sys::Socket::open(&name)?;
        Ok(CdpListener {
            socket,
            interface: name,
        })
    }

    /// The interface's name.
    pub fn interface(&self) -> &str {
        &self.interface
    }

    /// The next CDP frame heard within `timeout`, or `None`. Other frames on the socket are
    /// skipped (they do not restart the wait).
    pub fn next(&self, timeout: Duration) -> Result<Option<Heard>, ListenError> {
        let deadline = Instant::now() + timeout;
        let mut buffer = vec![0; MAX_FRAME_LEN];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Some(len) =
                self.socket
                    .receive(&mut buffer, left)
                    .map_err(|source| ListenError::Io {
                        what: "read",
                        interface: self.interface.clone(),
                        source,
                    })?
            else {
                return Ok(None);
            };
            let heard = if len > buffer.len() {
                Err(CdpError::Oversized { len })
            } else {
                parse_frame(&buffer[..len])
            };
            match heard {
                Err(CdpError::NotCdp(_)) => {}
                heard => return Ok(Some(heard)),
            }
            if left.is_zero() {
                return Ok(None);
            }
        }
    }

    /// Hands every CDP frame heard to `heard` until `stop` is set (looked at every
    /// [`STOP_CHECK`] at most). Meant for a thread of its own (see [`super`]); returns early
    /// only when the socket fails.
    pub fn run(&self, stop: &AtomicBool, mut heard: impl FnMut(Heard)) -> Result<(), ListenError> {
        while !stop.load(Ordering::Relaxed) {
            if let Some(frame) = self.next(STOP_CHECK)? {
                heard(frame);
            }
        }
        Ok(())
    }

    /// Puts one whole Ethernet frame on the interface (for tests and benchmarks that play a
    /// phone; see [`super::builder`]).
    pub fn send(&self, frame: &[u8]) -> Result<(), ListenError> {
        self.socket.send(frame).map_err(|source| ListenError::Io {
            what: "send a frame",
            interface: self.interface.clone(),
            source,
        })
    }
}

#[cfg(target_os = "linux")]
mod sys {
    //! The system calls, each `unsafe` block one call on values it owns.

    use std::ffi::{CStr, CString};
    use std::io;
    use std::net::IpAddr;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    use std::time::Duration;

    use crate::wire::cdp::announcement::CDP_MULTICAST;
    use crate::wire::cdp::listener::ListenError;

    /// `ETH_P_802_2` in network byte order: 802.3 frames with an LLC header, which is how CDP's
    /// arrive (they cannot be asked for by their SNAP protocol).
    const PROTOCOL: u16 = (libc::ETH_P_802_2 as u16).to_be();

    pub(super) struct Socket {
        fd: OwnedFd,
        index: libc::c_int,
    }

    fn io_error(what: &'static str, interface: &str) -> ListenError {
        ListenError::Io {
            what,
            interface: interface.to_string(),
            source: io::Error::last_os_error(),
        }
    }

    /// A link-layer address for `index`, as bind and sendto take it.
    fn link_address(index: libc::c_int) -> libc::sockaddr_ll {
        // SAFETY: sockaddr_ll is plain old data; all zeros is a valid value.
        let mut address: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
        address.sll_family = libc::AF_PACKET as libc::c_ushort;
        address.sll_protocol = PROTOCOL;
        address.sll_ifindex = index;
        address
    }

    impl Socket {
        pub(super) fn open(name: &str) -> Result<Socket, ListenError> {
            let missing = || ListenError::NoSuchInterface(name.to_string());
            if name.is_empty() || name.len() >= libc::IFNAMSIZ || name.contains('/') {
                return Err(missing());
            }
            let c_name = CString::new(name).map_err(|_| missing())?;
            // SAFETY: a valid NUL-terminated string, read only during the call.
            let index = unsafe { libc::if_nametoindex(c_name.as_ptr()) };
            let index = libc::c_int::try_from(index)
                .ok()
                .filter(|&i| i > 0)
                .ok_or_else(missing)?;
            // Protocol 0 hears nothing until bind names the protocol and the interface, so no
            // frame of another interface is ever queued.
            // SAFETY: plain call; the result is checked before use.
            let fd =
                unsafe { libc::socket(libc::AF_PACKET, libc::SOCK_RAW | libc::SOCK_CLOEXEC, 0) };
            if fd < 0 {
                let error = io::Error::last_os_error();
                return Err(match error.raw_os_error() {
                    Some(libc::EPERM | libc::EACCES) => ListenError::NeedsCapNetRaw,
                    Some(libc::EAFNOSUPPORT) => ListenError::Unsupported,
                    _ => ListenError::Io {
                        what: "open a raw packet socket",
                        interface: name.to_string(),
                        source: error,
                    },
                });
            }
            // SAFETY: fd is a new descriptor that nothing else owns.
            let fd = unsafe { OwnedFd::from_raw_fd(fd) };
            let address = link_address(index);
            // SAFETY: a valid sockaddr_ll and its size, read only during the call.
            let bound = unsafe {
                libc::bind(
                    fd.as_raw_fd(),
                    std::ptr::addr_of!(address).cast(),
                    std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
                )
            };
            if bound < 0 {
                return Err(io_error("bind a raw packet socket", name));
            }
            let mut membership = libc::packet_mreq {
                mr_ifindex: index,
                mr_type: libc::PACKET_MR_MULTICAST as libc::c_ushort,
                mr_alen: 6,
                mr_address: [0; 8],
            };
            membership.mr_address[..6].copy_from_slice(&CDP_MULTICAST);
            // SAFETY: a valid packet_mreq and its size, read only during the call.
            let joined = unsafe {
                libc::setsockopt(
                    fd.as_raw_fd(),
                    libc::SOL_PACKET,
                    libc::PACKET_ADD_MEMBERSHIP,
                    std::ptr::addr_of!(membership).cast(),
                    std::mem::size_of::<libc::packet_mreq>() as libc::socklen_t,
                )
            };
            if joined < 0 {
                return Err(io_error("join the CDP multicast group", name));
            }
            Ok(Socket { fd, index })
        }

        /// One frame within `wait` into `buffer`: its whole length (more than the buffer when
        /// it was cut), or `None`. Frames this host sent are not counted.
        pub(super) fn receive(
            &self,
            buffer: &mut [u8],
            wait: Duration,
        ) -> io::Result<Option<usize>> {
            let mut entry = libc::pollfd {
                fd: self.fd.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            let millis = libc::c_int::try_from(wait.as_millis()).unwrap_or(libc::c_int::MAX);
            // SAFETY: one valid pollfd, alive for the whole call.
            let ready = unsafe { libc::poll(&mut entry, 1, millis) };
            if ready < 0 {
                let error = io::Error::last_os_error();
                return match error.kind() {
                    io::ErrorKind::Interrupted => Ok(None),
                    _ => Err(error),
                };
            }
            if ready == 0 {
                return Ok(None);
            }
            let mut from = link_address(0);
            let mut from_len = std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t;
            // SAFETY: buffer and from are valid for writes of the lengths given; MSG_TRUNC
            // makes the call return the frame's whole length without writing past the buffer.
            let len = unsafe {
                libc::recvfrom(
                    self.fd.as_raw_fd(),
                    buffer.as_mut_ptr().cast(),
                    buffer.len(),
                    libc::MSG_TRUNC | libc::MSG_DONTWAIT,
                    std::ptr::addr_of_mut!(from).cast(),
                    &mut from_len,
                )
            };
            if len < 0 {
                let error = io::Error::last_os_error();
                // ENETDOWN is reported once when the interface goes down (a cable pulled):
                // frames come again when it is back up.
                return match error.raw_os_error() {
                    Some(libc::EINTR | libc::EAGAIN | libc::ENETDOWN) => Ok(None),
                    _ => Err(error),
                };
            }
            if from.sll_pkttype == libc::PACKET_OUTGOING {
                return Ok(None);
            }
            Ok(Some(len.unsigned_abs()))
        }

        pub(super) fn send(&self, frame: &[u8]) -> io::Result<()> {
            let address = link_address(self.index);
            // SAFETY: frame and address are valid for reads of the lengths given.
            let sent = unsafe {
                libc::sendto(
                    self.fd.as_raw_fd(),
                    frame.as_ptr().cast(),
                    frame.len(),
                    0,
                    std::ptr::addr_of!(address).cast(),
                    std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
                )
            };
            match usize::try_from(sent) {
                Ok(n) if n == frame.len() => Ok(()),
                Ok(n) => Err(io::Error::other(format!(
                    "sent {n} of {} bytes",
                    frame.len()
                ))),
                Err(_) => Err(io::Error::last_os_error()),
            }
        }
    }

    /// The name of the interface that holds `wanted`.
    pub(super) fn interface_holding(wanted: IpAddr) -> Result<String, ListenError> {
        let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
        // SAFETY: getifaddrs fills `list`, freed below with freeifaddrs.
        if unsafe { libc::getifaddrs(&mut list) } < 0 {
            return Err(io_error("list the network interfaces", "this host"));
        }
        let mut found = None;
        let mut entry = list;
        while !entry.is_null() && found.is_none() {
            // SAFETY: a non-null entry of the list getifaddrs returned, alive until freed.
            let item = unsafe { &*entry };
            // SAFETY: ifa_addr is null or points to a sockaddr of the family it names.
            let address = unsafe { address_of(item.ifa_addr) };
            if address == Some(wanted) && !item.ifa_name.is_null() {
                // SAFETY: ifa_name is a NUL-terminated string owned by the list.
                let name = unsafe { CStr::from_ptr(item.ifa_name) };
                found = Some(name.to_string_lossy().into_owned());
            }
            entry = item.ifa_next;
        }
        // SAFETY: the list getifaddrs returned, freed once; nothing points into it any more.
        unsafe { libc::freeifaddrs(list) };
        found.ok_or(ListenError::NoInterfaceHolds(wanted))
    }

    /// The IP address in a sockaddr, when it holds one.
    ///
    /// # Safety
    /// `address` is null or points to a valid sockaddr of the family it names.
    unsafe fn address_of(address: *const libc::sockaddr) -> Option<IpAddr> {
        if address.is_null() {
            return None;
        }
        match libc::c_int::from((*address).sa_family) {
            libc::AF_INET => {
                let v4 = &*address.cast::<libc::sockaddr_in>();
                Some(IpAddr::from(u32::from_be(v4.sin_addr.s_addr).to_be_bytes()))
            }
            libc::AF_INET6 => {
                let v6 = &*address.cast::<libc::sockaddr_in6>();
                Some(IpAddr::from(v6.sin6_addr.s6_addr))
            }
            _ => None,
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod sys {
    use std::io;
    use std::net::IpAddr;
    use std::time::Duration;

    use crate::wire::cdp::listener::ListenError;

    pub enum Socket {}

    impl Socket {
        pub fn open(_: &str) -> Result<Socket, ListenError> {
            Err(ListenError::Unsupported)
        }

        pub fn receive(&self, _: &mut [u8], _: Duration) -> io::Result<Option<usize>> {
            match *self {}
        }

        pub fn send(&self, _: &[u8]) -> io::Result<()> {
            match *self {}
        }
    }

    pub fn interface_holding(_: IpAddr) -> Result<String, ListenError> {
        Err(ListenError::Unsupported)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interface_that_is_not_there_says_how_to_list_them() {
        for name in [
            "pu-no-such0",
            "",
            "a/b",
            "nul\0name",
            "far-too-long-a-name-for-linux",
        ] {
            let error = CdpListener::open(&Interface::Named(name.into())).unwrap_err();
            // Without CAP_NET_RAW the name is still checked first.
            assert!(
                matches!(&error, ListenError::NoSuchInterface(n) if n == name),
                "{name:?}: {error}"
            );
        }
        assert_eq!(
            ListenError::NoSuchInterface("eth\u{1b}[9".into()).to_string(),
            "there is no network interface named `eth\\u{1b}[9`: `ip link` lists them"
        );
    }

    #[test]
    fn an_address_names_one_interface_or_says_what_to_do() {
        let every = CdpListener::open(&Interface::Holding("0.0.0.0".parse().unwrap()));
        assert_eq!(
            every.unwrap_err().to_string(),
            "0.0.0.0 is every address, not one interface: name the interface the phones are on"
        );
        // TEST-NET-3, never on a host.
        let nowhere: IpAddr = "203.0.113.77".parse().unwrap();
        let error = CdpListener::open(&Interface::Holding(nowhere)).unwrap_err();
        assert!(
            matches!(error, ListenError::NoInterfaceHolds(a) if a == nowhere),
            "{error}"
        );
        #[cfg(target_os = "linux")]
        assert_eq!(
            sys::interface_holding("127.0.0.1".parse().unwrap()).unwrap(),
            "lo"
        );
    }
}
