//! phoneup: plans safe firmware upgrades for Cisco 7940/7960 IP phones.
//!
//! A load ID ([`load_id`]) names the firmware a phone runs. The upgrade matrix ([`matrix`]) lists
//! the known loads and the evidenced rules for jumping between them; [`graph`] turns it into a
//! petgraph graph and finds the best route; [`plan`] turns the route into stages, one per reboot
//! ([`stage`]), each with the exact contents of the files in [`files`]; [`check`] answers whether
//! one direct jump is safe.

pub mod apply;
pub mod catalogue;
pub mod check;
pub mod cli;
pub mod diagram;
pub mod error;
pub mod files;
pub mod graph;
pub mod identify;
pub mod inventory;
pub mod lint;
pub mod load_id;
pub mod matrix;
pub mod output;
pub mod phone_model;
pub mod plan;
pub mod simulator;
pub mod stage;
pub mod tftp_root;
pub mod tftp_write;
pub mod verify;

pub use error::Error;
pub use load_id::{Era, Kind, LoadId, LoadIdError, Protocol};
pub use matrix::{Confidence, Matrix};
pub use phone_model::Model;
