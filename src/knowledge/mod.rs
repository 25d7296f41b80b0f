//! What we know: load IDs and what they mean, the firmware file extensions, the evidenced
//! upgrade matrix (`data/matrix.yaml`) and its catalogue of loads, which firmware files a jump
//! fetches, the graph of allowed jumps, and the two phone models. Nothing here reads a TFTP root or simulates a phone.
//!
//! May use: [`crate::error`], [`crate::output`] and itself only.

pub mod builtin;
pub mod catalogue;
pub mod firmware;
pub mod graph;
pub mod identify;
pub mod load_id;
pub mod matrix;
pub mod models;
pub mod package;
pub mod phones;
pub mod typography;
pub mod yaml_limits;
