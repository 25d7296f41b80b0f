//! serve's sockets: the listening one (which learns each datagram's local address), and the
//! short-lived one an ERROR is answered from.
//!
//! May use: [`crate::wire::packet`], the standard library and `libc` (`recvmsg`).

use std::io;
use std::mem;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6, UdpSocket};
use std::os::unix::io::AsRawFd;

use crate::wire::packet;

/// Binds the listening socket and asks the kernel for each datagram's local address.
pub fn listen(address: SocketAddr) -> io::Result<UdpSocket> {
    let socket = UdpSocket::bind(address)?;
    let fd = socket.as_raw_fd();
    let on: libc::c_int = 1;
    // SAFETY: valid socket, option pointer and length.
    let rc = unsafe {
        if address.is_ipv4() {
            libc::setsockopt(
                fd,
                libc::IPPROTO_IP,
                libc::IP_PKTINFO,
                &on as *const _ as *const libc::c_void,
                mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        } else {
            libc::setsockopt(
                fd,
                libc::IPPROTO_IPV6,
                libc::IPV6_RECVPKTINFO,
                &on as *const _ as *const libc::c_void,
                mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        }
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(socket)
}

/// One datagram, its sender and the local address it was sent to.
pub fn receive(
    socket: &UdpSocket,
    buf: &mut [u8],
) -> io::Result<(usize, SocketAddr, Option<IpAddr>)> {
    let fd = socket.as_raw_fd();
    // SAFETY: zeroed plain C structs; every pointer given to recvmsg outlives the call and the
    // lengths match the buffers.
    unsafe {
        let mut storage: libc::sockaddr_storage = mem::zeroed();
        let mut iov = libc::iovec {
            iov_base: buf.as_mut_ptr() as *mut libc::c_void,
            iov_len: buf.len(),
        };
        let mut control = [0u8; 128];
        let mut msg: libc::msghdr = mem::zeroed();
        msg.msg_name = &mut storage as *mut _ as *mut libc::c_void;
        msg.msg_namelen = mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr() as *mut libc::c_void;
        msg.msg_controllen = control.len() as _;
        let n = libc::recvmsg(fd, &mut msg, 0);
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        let from = match storage.ss_family as libc::c_int {
            libc::AF_INET => {
                let a = &*(&storage as *const _ as *const libc::sockaddr_in);
                SocketAddr::V4(SocketAddrV4::new(
                    Ipv4Addr::from(u32::from_be(a.sin_addr.s_addr)),
                    u16::from_be(a.sin_port),
                ))
            }
            libc::AF_INET6 => {
                let a = &*(&storage as *const _ as *const libc::sockaddr_in6);
                SocketAddr::V6(SocketAddrV6::new(
                    Ipv6Addr::from(a.sin6_addr.s6_addr),
                    u16::from_be(a.sin6_port),
                    a.sin6_flowinfo,
                    a.sin6_scope_id,
                ))
            }
            _ => {
                return Err(io::Error::other(
                    "a datagram from an unknown address family",
                ))
            }
        };
        let mut local = None;
        let mut cmsg = libc::CMSG_FIRSTHDR(&msg);
        while !cmsg.is_null() {
            let header = &*cmsg;
            if header.cmsg_level == libc::IPPROTO_IP && header.cmsg_type == libc::IP_PKTINFO {
                let info = &*(libc::CMSG_DATA(cmsg) as *const libc::in_pktinfo);
                local = Some(IpAddr::V4(Ipv4Addr::from(u32::from_be(
                    info.ipi_addr.s_addr,
                ))));
            } else if header.cmsg_level == libc::IPPROTO_IPV6
                && header.cmsg_type == libc::IPV6_PKTINFO
            {
                let info = &*(libc::CMSG_DATA(cmsg) as *const libc::in6_pktinfo);
                local = Some(IpAddr::V6(Ipv6Addr::from(info.ipi6_addr.s6_addr)));
            }
            cmsg = libc::CMSG_NXTHDR(&msg, cmsg);
        }
        Ok((n as usize, from, local))
    }
}

/// A socket for answering `peer` from `local`.
pub fn reply_socket(local: IpAddr, peer: SocketAddr) -> io::Result<UdpSocket> {
    let local = match (local, peer) {
        (IpAddr::V4(v4), SocketAddr::V6(_)) => IpAddr::V6(v4.to_ipv6_mapped()),
        (local, _) => local,
    };
    let socket = UdpSocket::bind((local, 0))?;
    socket.connect(peer)?;
    Ok(socket)
}

/// Sends one ERROR packet: from a fresh transfer ID when `fresh` and a socket can be opened,
/// otherwise from the listening socket (at the cap of transfers in flight, or out of file
/// descriptors), so that a missing file is always answered.
pub fn send_error(
    listening: &UdpSocket,
    local: IpAddr,
    peer: SocketAddr,
    error: (u16, &str),
    fresh: bool,
) {
    let bytes = packet::error(error.0, error.1);
    if fresh {
        if let Ok(socket) = reply_socket(local, peer) {
            let _ = socket.send(&bytes);
            return;
        }
    }
    let _ = listening.send_to(&bytes, peer);
}
