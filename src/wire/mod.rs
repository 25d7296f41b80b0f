//! TFTP on the wire: the protocol ([`packet`], [`transfer`]: no I/O, time passed in, so every
//! case is tested without sockets), the one loop that runs a transfer on a socket ([`drive`]), a
//! blocking client on `std::net::UdpSocket` ([`client`]), the phone model reading a real server
//! ([`remote`]), `phoneup probe` ([`probe`]), and `phoneup serve` ([`serve`]: its decisions
//! without I/O, and the driver around them).
//!
//! May use: [`crate::knowledge`], [`crate::files`], [`crate::tftp_root`], [`crate::phone`],
//! [`crate::plan`], [`crate::error`], [`crate::output`].

pub mod cdp;
pub mod client;
pub mod device_info;
pub mod drive;
pub mod packet;
pub mod probe;
pub mod remote;
pub mod serve;
pub mod transfer;

#[cfg(test)]
mod test_bytes;
