//! `phoneup graph [--format dot|mermaid] [--from LOAD --to LOAD] [--loads]`

use crate::cli::answer::{Answer, Context, EXIT_YES};
use crate::cli::args::LoadValue;
use crate::commands::graph::{self, DiagramFormat};
use crate::commands::Report;
use crate::error::{Error, Input};
use crate::knowledge::catalogue;
use crate::knowledge::graph::UpgradeGraph;
use crate::output::Style;
use crate::plan::{self, Outcome, Request};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: GraphFormat,
    /// Highlight the plan from this load
    #[arg(long, value_name = "LOAD", requires = "to", value_parser = LoadValue, hide_possible_values = true)]
    from: Option<String>,
    /// Highlight the plan to this load
    #[arg(long, value_name = "LOAD", requires = "from", value_parser = LoadValue, hide_possible_values = true)]
    to: Option<String>,
    /// Draw every load and jump instead of families of loads the rules treat alike
    #[arg(long)]
    loads: bool,
}

/// `--format` of `graph`: as the command line spells [`DiagramFormat`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
enum GraphFormat {
    /// Graphviz DOT (render with `dot -Tsvg`)
    #[default]
    Dot,
    /// Mermaid flowchart (renders on GitHub and in many wikis)
    Mermaid,
}

impl From<GraphFormat> for DiagramFormat {
    fn from(format: GraphFormat) -> DiagramFormat {
        match format {
            GraphFormat::Dot => DiagramFormat::Dot,
            GraphFormat::Mermaid => DiagramFormat::Mermaid,
        }
    }
}

impl Args {
    pub(crate) fn run(self, context: &Context) -> Result<Answer, Error> {
        let matrix = context.matrix()?;
        let mut path = Vec::new();
        // A start the catalogue lacks is drawn too, as plan treats it.
        let start = match &self.from {
            Some(from) => Some(catalogue::resolve(matrix, from, Input::From)?),
            None => None,
        };
        let extra = start.filter(|load| !load.in_catalogue);
        if let (Some(from), Some(to)) = (self.from, self.to) {
            let request = Request::new(from, to);
            match plan::plan(matrix, &request)? {
                Outcome::Plan(plan) => {
                    path = plan.stages.into_iter().map(|s| (s.from, s.to)).collect();
                }
                Outcome::NoPath(no_path) => {
                    let style = Style::stdout();
                    return Ok(Answer::new(no_path.to_text(&style), no_path.exit_code()));
                }
            }
        }
        let graph = UpgradeGraph::new(matrix, extra.as_ref());
        Ok(Answer::new(
            graph::render(&graph, self.format.into(), &path, self.loads),
            EXIT_YES,
        ))
    }
}
