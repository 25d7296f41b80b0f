//! `phoneup completions SHELL`

use crate::cli::answer::{Answer, EXIT_YES};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The shell
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

impl Args {
    /// `command` is phoneup's own clap definition.
    pub(crate) fn run(self, mut command: clap::Command) -> Answer {
        let mut buffer = Vec::new();
        clap_complete::generate(self.shell, &mut command, "phoneup", &mut buffer);
        Answer::new(String::from_utf8_lossy(&buffer).into_owned(), EXIT_YES)
    }
}
