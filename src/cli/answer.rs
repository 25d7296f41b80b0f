//! What a subcommand answers: the text it prints, the exit code, and the context every
//! subcommand may need from the top level.

use std::path::PathBuf;

use crate::commands::Report;
pub(crate) use crate::commands::{EXIT_INPUT, EXIT_NO, EXIT_YES};
use crate::error::Error;
use crate::knowledge::matrix::Matrix;
use crate::knowledge::Builtin;
use crate::output::{structured, Format, Style};

/// What every subcommand may need from the top level: the matrix, loaded only when asked for.
pub(crate) struct Context {
    matrix: Option<PathBuf>,
}

impl Context {
    pub(crate) fn new(matrix: Option<PathBuf>) -> Context {
        Context { matrix }
    }

    /// `--matrix FILE`, if given.
    pub(crate) fn matrix_path(&self) -> Option<&PathBuf> {
        self.matrix.as_ref()
    }

    /// The matrix of `--matrix FILE`, or the built-in one. Only the commands that read the matrix
    /// pay for loading it. A command runs once per process: the matrix lives until the process
    /// ends, and is never taken apart piece by piece on the way out.
    pub(crate) fn matrix(&self) -> Result<&'static Matrix, Error> {
        let matrix = match &self.matrix {
            Some(path) => Matrix::from_file(path).map_err(Error::from),
            None => Matrix::builtin(),
        }?;
        Ok(Box::leak(Box::new(matrix)))
    }
}

/// What a command prints and how it exits.
pub(crate) struct Answer {
    pub stdout: String,
    pub stderr: String,
    pub code: u8,
}

impl Answer {
    pub(crate) fn new(stdout: String, code: u8) -> Answer {
        Answer {
            stdout,
            stderr: String::new(),
            code,
        }
    }

    /// A command's report as `format` asks, with the exit code its answer means.
    pub(crate) fn report<R: Report>(format: Format, report: &R) -> Answer {
        Answer::new(
            render(format, report, |style| report.to_text(style)),
            report.exit_code(),
        )
    }
}

/// A result as text for people (in colour when standard output wants it) or for scripts.
pub(crate) fn render<T: serde::Serialize>(
    format: Format,
    value: &T,
    text: impl FnOnce(&Style) -> String,
) -> String {
    match format {
        Format::Text => text(&Style::stdout()),
        _ => structured(format, value),
    }
}
