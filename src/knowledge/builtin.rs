//! The built-in matrix: `data/matrix.yaml`, parsed and validated by `build.rs` when phoneup is
//! built (a broken file fails the build) and compiled in as Rust data, so a run never parses YAML
//! for it. `phoneup matrix` still prints the YAML text ([`BUILTIN_YAML`]).
//!
//! `Matrix` is the loader crate's type, so the built-in one comes through a trait:
//! `use phoneup::knowledge::Builtin` and call `Matrix::builtin()`.

use phoneup_matrix::matrix::{Matrix, BUILTIN_ORIGIN, BUILTIN_YAML};

use crate::error::Error;

include!(concat!(env!("OUT_DIR"), "/builtin_matrix.rs"));

/// The matrix compiled into phoneup.
pub trait Builtin: Sized {
    /// The matrix compiled into phoneup.
    fn builtin() -> Result<Self, Error>;
}

impl Builtin for Matrix {
    fn builtin() -> Result<Matrix, Error> {
        Ok(Matrix::validate(raw(), BUILTIN_ORIGIN, BUILTIN_YAML, true)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compiled_data_is_the_yaml() {
        let compiled = Matrix::builtin().unwrap();
        let parsed = Matrix::parse(BUILTIN_YAML, BUILTIN_ORIGIN).unwrap();
        assert_eq!(compiled.sources, parsed.sources);
        assert_eq!(compiled.loads, parsed.loads);
        assert_eq!(compiled.rules, parsed.rules);
        assert_eq!(compiled.cautions, parsed.cautions);
        assert!(compiled.is_builtin());
    }
}
