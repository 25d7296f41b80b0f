//! What stops a matrix from loading: a file that cannot be read, or one that is broken (with
//! its name, the line when known, and what is wrong). phoneup turns each into its own error
//! (`phoneup::error::Error`), which shows the path escaped.

use std::io;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The matrix file is broken.
    #[error("{origin}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Matrix {
        origin: String,
        line: Option<usize>,
        message: String,
    },
    /// The matrix file cannot be read.
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: io::Error },
}
