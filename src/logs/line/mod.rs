//! One log line to one [`Parsed`](crate::logs::event::Parsed): the transport's prefix (`transport`: rsyslog's RFC 3339 or
//! traditional format, `journalctl` short, short-iso, short-precise, short-unix and JSON,
//! atftpd's and dnsmasq's own log files, a prefix trimmed to the time), then the server's
//! message in its dialect, one module each: `hpa` (with Red Hat's `Client` lines), `xinetd`,
//! `atftpd`, `dnsmasq`, `busybox`; or a line of its own shape: a Tftpd32/Tftpd64 line with its
//! `[DD/MM HH:MM:SS.mmm]` at the end (`tftpd32`), PumpKIN's log (`pumpkin`), a packet list's row
//! (`capture`). A line of a server phoneup does not know goes to the `fallback`. A line broken
//! in two is joined again by [`parse_joined`]. Any bytes give an answer, never a panic.

mod atftpd;
mod busybox;
mod capture;
mod dnsmasq;
mod fallback;
mod hpa;
mod join;
mod message;
mod parse;
mod pumpkin;
mod text;
mod tftpd32;
mod transport;
mod xinetd;

pub use join::{may_continue, parse_joined};
pub use parse::parse;
pub use text::blank;

#[cfg(test)]
mod field_tests;
#[cfg(test)]
mod tests;
