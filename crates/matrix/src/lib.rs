//! The upgrade matrix loader of phoneup, in a crate of its own so that phoneup's `build.rs`
//! (which checks `data/matrix.yaml` and compiles it in as Rust data) and phoneup itself share
//! it: load IDs and what they mean ([`load_id`]), firmware file names ([`firmware`]), the
//! matrix with its sources, catalogue of loads, rules and cautions, read and checked with the
//! line of anything wrong ([`matrix`]), and the bounds a matrix file is read within
//! ([`yaml_limits`]).
//!
//! It is internal to phoneup: there is no promise of a stable interface, semver or otherwise.
//! phoneup re-exports these modules as `phoneup::knowledge::{load_id, firmware, matrix,
//! yaml_limits}`.
//!
//! May use: serde, yaml_serde, thiserror and the standard library; nothing of phoneup.

#![warn(unreachable_pub)]

pub mod error;
pub mod family;
pub mod firmware;
pub mod load_id;
pub mod matrix;
pub mod models;
pub mod yaml_limits;

pub use error::Error;
