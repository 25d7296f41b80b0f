//! `phoneup identify ID...`

use crate::cli::answer::{Answer, Context, EXIT_YES};
use crate::commands::Report;
use crate::error::Error;
use crate::knowledge::identify;
use crate::output::{structured, Format, Style};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Load IDs (P0S3-08-11-00, P00308010200, ...) or firmware file names (P0S3-8-12-00.loads)
    #[arg(required = true, value_name = "ID")]
    ids: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

impl Args {
    pub(crate) fn run(self, context: &Context) -> Result<Answer, Error> {
        let matrix = context.matrix()?;
        let identities: Vec<_> = self
            .ids
            .iter()
            .map(|id| identify::identify(matrix, id))
            .collect();
        let code = identities
            .iter()
            .map(Report::exit_code)
            .max()
            .unwrap_or(EXIT_YES);
        if self.format != Format::Text {
            return Ok(Answer::new(structured(self.format, &identities), code));
        }
        // Answers for the good names on stdout, errors for the bad ones on stderr.
        let (bad, good): (Vec<_>, Vec<_>) = identities.iter().partition(|i| i.error.is_some());
        let stdout_style = Style::stdout();
        let stderr_style = Style::stderr();
        let stdout: Vec<String> = good.iter().map(|i| i.to_text(&stdout_style)).collect();
        let stderr: Vec<String> = bad.iter().map(|i| i.to_text(&stderr_style)).collect();
        Ok(Answer {
            stdout: stdout.join("\n"),
            stderr: stderr.join("\n"),
            code,
        })
    }
}
