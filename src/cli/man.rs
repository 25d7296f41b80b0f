//! `phoneup man`

use crate::cli::answer::{Answer, EXIT_YES};

/// `command` is phoneup's own clap definition.
pub fn run(command: clap::Command) -> Answer {
    let mut buffer = Vec::new();
    clap_mangen::Man::new(command)
        .render(&mut buffer)
        .expect("rendering into memory cannot fail");
    Answer::new(String::from_utf8_lossy(&buffer).into_owned(), EXIT_YES)
}
