use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(phoneup::cli::run(std::env::args_os()))
}
