//! `phoneup diagnose [LOG...] [--tftp-root DIR] [--to LOAD] [--follow]`

use std::fs::File;
use std::io::{self, IsTerminal, Read, Stdout, Write};
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::cli::answer::{Answer, Context};
use crate::cli::signals;
use crate::error::{Error, Input};
use crate::knowledge::catalogue;
use crate::logs::findings::Kind;
use crate::logs::report::{finding_report, FindingReport, InputReport};
use crate::logs::{follow, Diagnosis, Report, Target};
use crate::output::{Format, Out, Untrusted};
use crate::tftp_root::TftpRoot;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Log files, read in this order (none, or `-`: standard input)
    #[arg(value_name = "LOG")]
    logs: Vec<PathBuf>,
    /// Your TFTP directory: tells a name in the wrong case, and a "not found" for a file that is there
    #[arg(long, value_name = "DIR")]
    tftp_root: Option<PathBuf>,
    /// The load the phones should end on: place each phone on its plan
    #[arg(long, value_name = "LOAD")]
    to: Option<String>,
    /// Keep reading a growing log (as `tail -F`, across rotation), printing findings as they appear
    #[arg(long, conflicts_with = "to")]
    follow: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// How often `--follow` looks at the file.
const POLL: Duration = Duration::from_millis(250);

impl Args {
    pub(crate) fn run(self, context: &Context) -> Result<Answer, Error> {
        let target = match &self.to {
            Some(to) => {
                let matrix = context.matrix()?;
                let load = catalogue::resolve_known(matrix, to, Input::To)?;
                Some(Target {
                    to: load.name().to_string(),
                    matrix,
                })
            }
            None => None,
        };
        let root = match &self.tftp_root {
            Some(dir) => Some(TftpRoot::from_dir(dir)?),
            None => None,
        };
        let mut diagnosis = Diagnosis::new(root);
        let stdin = Path::new("-");
        let logs: Vec<&Path> = if self.logs.is_empty() {
            vec![stdin]
        } else {
            self.logs.iter().map(PathBuf::as_path).collect()
        };
        if self.follow {
            return self.follow(&mut diagnosis, &logs);
        }
        let mut inputs = Vec::new();
        for log in logs {
            let first_line = diagnosis.lines_read + 1;
            read(&mut diagnosis, log, stdin)?;
            diagnosis.end_of_input();
            inputs.push(InputReport {
                name: log.display().to_string(),
                first_line,
                last_line: diagnosis.lines_read,
            });
        }
        diagnosis.finish();
        let mut report = Report::new(&diagnosis, target.as_ref());
        report.inputs = inputs;
        // Written as it is made, a phone at a time, never whole in memory.
        let mut out = Out::stdout(self.format);
        let style = out.style();
        let written = (|| {
            let mut buffered = io::BufWriter::with_capacity(1 << 16, &mut out);
            match self.format {
                Format::Text => report.write_text(&mut buffered, &style)?,
                Format::Json => {
                    serde_json::to_writer_pretty(&mut buffered, &report)?;
                    buffered.write_all(b"\n")?;
                }
                Format::Yaml => {
                    serde_yaml::to_writer(&mut buffered, &report).map_err(io::Error::other)?
                }
            }
            buffered.flush()
        })();
        match written.and_then(|()| out.flush()) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
            Err(source) => {
                return Err(Error::Write {
                    path: PathBuf::from("standard output"),
                    source,
                })
            }
            Ok(()) => {}
        }
        Ok(Answer::new(String::new(), report.exit_code()))
    }

    /// Prints each finding as it appears: a text block, or one JSON object a line. Stops at
    /// the end of standard input, or at SIGINT (Ctrl-C, how one stops following) or SIGTERM:
    /// then prints what the end adds (findings of boots still open, `no_requests`) and, as
    /// text, the summary; exits 1 when anything was found, else 0.
    fn follow(&self, diagnosis: &mut Diagnosis, logs: &[&Path]) -> Result<Answer, Error> {
        let [log] = logs else {
            return Err(Error::Usage {
                message: "--follow reads one log: give one file (or none for standard input)"
                    .into(),
            });
        };
        signals::catch();
        let stop = signals::received;
        let following = if *log == Path::new("-") {
            "standard input".to_string()
        } else {
            Untrusted(log.display()).to_string()
        };
        let _ = writeln!(
            Out::stderr(),
            "following {following}: findings are printed as they appear; Ctrl-C stops and sums up"
        );
        // Text for people, or one JSON object a line (also for --format yaml).
        let format = match self.format {
            Format::Text => Format::Text,
            _ => Format::Json,
        };
        let mut out = Out::stdout(format);
        let style = out.style();
        let print = |out: &mut Out<Stdout>, finding: &FindingReport| -> io::Result<()> {
            let text = match format {
                Format::Text => finding.to_text(&style) + "\n",
                _ => serde_json::to_string(finding).expect("plain data serialises") + "\n",
            };
            out.write_all(text.as_bytes())
        };
        let mut print_new = |diagnosis: &mut Diagnosis| -> io::Result<()> {
            for index in diagnosis.story.findings.take_new() {
                print(&mut out, &finding_report(&diagnosis.story, index))?;
            }
            out.flush()
        };
        let (result, path) = if *log == Path::new("-") {
            let input = io::stdin().as_fd().try_clone_to_owned();
            let result = input.and_then(|fd| {
                let mut input = File::from(fd);
                follow::follow_pipe(&mut input, diagnosis, POLL, &stop, &mut print_new)
            });
            (result, PathBuf::from("standard input"))
        } else {
            let result = follow::follow(log, diagnosis, POLL, &stop, &mut print_new);
            (result, log.to_path_buf())
        };
        diagnosis.finish();
        let result = result.and_then(|()| print_new(diagnosis));
        let ended = Report::new(diagnosis, None);
        let result = result.and_then(|()| {
            for finding in ended.findings.iter().filter(|f| f.kind == Kind::NoRequests) {
                print(&mut out, finding)?;
            }
            if format == Format::Text {
                let found = match ended.findings.len() {
                    0 => "no findings".to_string(),
                    1 => "1 finding, above".to_string(),
                    n => format!("{n} findings, above"),
                };
                writeln!(out, "{} Stopped: {found}.", ended.summary())?;
            }
            out.flush()
        });
        match result {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
            Err(e) => return Err(Error::Read { path, source: e }),
            Ok(()) => {}
        }
        let code = ended.exit_code();
        Ok(Answer::new(String::new(), code))
    }
}

/// Reads one input whole: a file, or standard input for `-`.
fn read(diagnosis: &mut Diagnosis, log: &Path, stdin: &Path) -> Result<(), Error> {
    let error = |source| Error::Read {
        path: if log == stdin {
            PathBuf::from("standard input")
        } else {
            log.to_path_buf()
        },
        source,
    };
    if log == stdin {
        let mut input = io::stdin().lock();
        if input.is_terminal() {
            let _ = writeln!(
                Out::stderr(),
                "reading a log from standard input (end it with Ctrl-D; or give a file: phoneup diagnose /var/log/syslog)"
            );
        }
        return diagnosis.read_all(&mut input).map_err(error);
    }
    let mut file = File::open(log).map_err(error)?;
    let mut head = [0u8; 2];
    let n = file.read(&mut head).map_err(error)?;
    if n == 2 && head == [0x1f, 0x8b] {
        return Err(Error::Usage {
            message: format!(
                "{} is compressed (gzip): read it with `zcat {} | phoneup diagnose`",
                Untrusted(log.display()),
                Untrusted(log.display())
            ),
        });
    }
    diagnosis.feed(&head[..n]);
    diagnosis.read_all(&mut file).map_err(error)
}
