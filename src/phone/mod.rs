//! The phone: a model of a 7940/7960 booting from a TFTP root, built from the field reports and
//! Cisco's descriptions of the boot, not from the upgrade rules, so that replaying a plan on it
//! is a second, independent opinion. [`boot`] is one boot (the files it asks for, the image it
//! takes, its screen); [`simulation`] boots again and again until the phone settles; it reads
//! every file through a [`Server`] ([`server`]), a root in memory or a real server.
//! [`recognise`] goes the other way: from the names a phone asks for to what it runs (used by
//! `diagnose`). [`web_page`] is the `DeviceInformationX` page a load serves, if any.
//!
//! May use: [`crate::knowledge`], [`crate::files`], the reading side of [`crate::tftp_root`]
//! ([`crate::tftp_root::TftpRoot`]), [`crate::output`].

pub mod advice;
pub mod boot;
pub mod recognise;
pub mod server;
pub mod simulation;
pub mod web_page;

pub use boot::{Boot, BootResult, Phone, Request};
pub use server::{Answer, RootServer, Server, ServerBehaviour, Status, Transfer};
pub use simulation::{Ending, Simulation};
