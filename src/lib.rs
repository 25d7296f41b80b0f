//! phoneup: plans safe firmware upgrades for Cisco 7940/7960 IP phones.
//!
//! This library is internal: it is phoneup's code, split from the binary (`src/main.rs` calls
//! [`cli::run`]) so that phoneup's tests, benches and fuzz targets can reach its parts. It makes
//! no promise of a stable interface, semver or otherwise, and is not meant to be used by other
//! crates. Items only phoneup itself uses are `pub(crate)` (`unreachable_pub` warns otherwise).
//!
//! The crate is layered; each folder's module doc says what it owns and what it may use, and
//! imports run one way, from the command line down to the knowledge:
//!
//! - [`knowledge`]: what we know. Load IDs and firmware file names, the evidenced upgrade
//!   matrix (its loader is the workspace crate `phoneup-matrix`, which `build.rs` shares), the
//!   catalogue, the graph of allowed jumps, the two phone models.
//! - [`files`]: the text files a phone reads (`OS79XX.TXT`, `XMLDefault.cnf.xml`,
//!   `SIPDefault.cnf`, `MGCDefault.cnf`, `.loads` manifests, per-phone names), one module each,
//!   with both the writer and the reader of that file, and the MAC address phones name their
//!   own files after.
//! - [`tftp_root`]: a TFTP directory on disk: reading it, the safe writer and its undo journal,
//!   the loads it holds and what in it would make a phone loop.
//! - [`phone`]: a model of the 7940/7960 booting from a TFTP root, and how to recognise what a
//!   phone runs from the names it asks for.
//! - [`plan`]: stages (one per reboot), plans, `check`, and the replay of every stage on the
//!   phone model.
//! - [`wire`]: TFTP on the wire: the sans-IO protocol core, a blocking client, the phone model
//!   reading a real server, `probe`, and `serve` (one server walking every phone on the bench
//!   through its own plan).
//! - [`logs`]: `diagnose`: a TFTP server's log read line by line into each phone's story and
//!   what went wrong.
//! - [`commands`]: what each command does above the domain, and what it answers: data for
//!   scripts, text for people, an exit code.
//! - [`cli`]: the command line, one file per subcommand.
//!
//! [`error`] and [`output`] are used by every layer.

#![warn(unreachable_pub)]

pub mod cli;
pub mod commands;
pub mod error;
pub mod files;
pub mod knowledge;
pub mod logs;
pub mod output;
pub mod phone;
pub mod plan;
pub mod tftp_root;
pub mod wire;

pub use error::Error;
pub use knowledge::load_id::{Era, Kind, LoadId, LoadIdError, Protocol};
pub use knowledge::matrix::{Confidence, Matrix};
pub use knowledge::phones::Model;
