//! What we know: load IDs and what they mean, the firmware file extensions, the evidenced
//! upgrade matrix (`data/matrix.yaml`) and its catalogue of loads, which firmware files a jump
//! fetches, the graph of allowed jumps, and the two phone models. Nothing here reads a TFTP
//! root or simulates a phone.
//!
//! The matrix loader ([`load_id`], [`family`]: the Java-based phones' loads and files, [`firmware`], [`models`]: other phones' names, [`matrix`],
//! [`yaml_limits`]) is the crate `phoneup-matrix` (`crates/matrix/`), which `build.rs` uses
//! too; it is re-exported here, so its modules read as phoneup's own. [`builtin`] is the matrix
//! compiled in; [`typography`] reads load IDs pasted with typographic dashes.
//!
//! May use: `phoneup_matrix`, [`crate::error`] and itself only.

pub use phoneup_matrix::{family, firmware, load_id, matrix, models, yaml_limits};

pub mod builtin;
pub mod catalogue;
pub mod graph;
pub mod identify;
pub mod package;
pub mod phones;
pub mod typography;

pub use builtin::Builtin;
