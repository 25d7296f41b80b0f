//! `phoneup matrix`

use crate::cli::answer::{Answer, Context, EXIT_YES};
use crate::error::Error;
use crate::knowledge::matrix::BUILTIN_YAML;

/// Prints the matrix in use, once it has loaded cleanly.
pub(crate) fn run(context: &Context) -> Result<Answer, Error> {
    context.matrix()?;
    let text = match context.matrix_path() {
        Some(path) => std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?,
        None => BUILTIN_YAML.to_string(),
    };
    Ok(Answer::new(text, EXIT_YES))
}
