//! What every subcommand's help and man page say beyond its options: examples, exit codes, the
//! environment it reads, the files it keeps, and the pages to see also. One table, read by
//! `--help` (the text after the options) and by `phoneup man` (EXAMPLES, EXIT STATUS,
//! ENVIRONMENT, FILES, SEE ALSO), so the two never disagree.

/// One subcommand's page.
pub(crate) struct Page {
    /// The subcommand's name (`plan`).
    pub name: &'static str,
    /// Command lines to copy, as a user types them (a long one goes on over a line that ends
    /// in a backslash).
    pub examples: &'static [&'static str],
    /// Each exit code this command ends with, and what it means here.
    pub exit: &'static [(u8, &'static str)],
    /// Whether the command reads or writes phoneup's state folder (the undo journal, serve's
    /// progress): it then reads `XDG_STATE_HOME` and `HOME`, and keeps files there.
    pub state: State,
    /// Related subcommands.
    pub see_also: &'static [&'static str],
}

/// What a command keeps in phoneup's state folder.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    None,
    /// Reads the undo journal `apply` writes.
    ReadsJournal,
    /// Writes the undo journal.
    Journal,
    /// Keeps each phone's progress.
    Serve,
}

/// Every variable phoneup reads, and what it does.
pub(crate) const COLOUR_ENVIRONMENT: &[(&str, &str)] = &[
    (
        "NO_COLOR",
        "Set and not empty: no colour with --color auto (the default), terminal or not.",
    ),
    (
        "CLICOLOR_FORCE",
        "Set and not empty: with --color auto, colour even where the output is not a terminal (phoneup plan ... | less -R), unless NO_COLOR is set.",
    ),
    ("CLICOLOR", "0: no colour with --color auto."),
    (
        "TERM",
        "Unset or dumb: no colour on a terminal with --color auto.",
    ),
];

/// The variables that say where phoneup's state folder is.
pub(crate) const STATE_ENVIRONMENT: &[(&str, &str)] = &[
    (
        "XDG_STATE_HOME",
        "An absolute path: phoneup's state folder is $XDG_STATE_HOME/phoneup.",
    ),
    (
        "HOME",
        "Without XDG_STATE_HOME, the state folder is ~/.local/state/phoneup.",
    ),
];

/// The variable serve reads besides those: where it asks a phone for its web page.
pub(crate) const SERVE_ENVIRONMENT: &[(&str, &str)] = &[(
    crate::wire::serve::driver::heard::PORT_VARIABLE,
    "serve: the TCP port of a phone's web page (DeviceInformationX), 80 when unset; off: ask no phone.",
)];

/// Where the undo journal of a TFTP root is kept.
pub(crate) const JOURNAL_FILES: &str = "$XDG_STATE_HOME/phoneup/journal/NAME-HASH/ (or ~/.local/state/phoneup/journal/NAME-HASH/): the undo journal of the TFTP root whose last folder is NAME, one folder per root, never inside the root; --journal DIR names another.";

/// Where serve keeps each phone's progress.
pub(crate) const SERVE_FILES: &str = "$XDG_STATE_HOME/phoneup/serve/NAME-HASH/state.json (or ~/.local/state/phoneup/serve/NAME-HASH/state.json): each managed phone's progress, for the served directory whose last folder is NAME, so that a restarted serve resumes; --state FILE names another.";

const YES_NO_INPUT: &str = "bad input: an option, a load ID or a file that cannot be read";

/// The pages, in the order `phoneup --help` lists the commands.
pub(crate) const PAGES: &[Page] = &[
    Page {
        name: "identify",
        examples: &[
            "phoneup identify P0030301MFG2 PC0303010200",
            "phoneup identify P0S3-8-12-00.loads --format json",
        ],
        exit: &[
            (0, "every name was read"),
            (2, "a name phoneup cannot read"),
        ],
        state: State::None,
        see_also: &["plan"],
    },
    Page {
        name: "plan",
        examples: &[
            "phoneup plan --from P0030301MFG2 --to P0S3-08-11-00",
            "phoneup plan --from P0S3-06-3-00 --to P0S3-08-11-00 --tftp-root /srv/tftp",
        ],
        exit: &[
            (0, "a plan was printed"),
            (1, "no safe path exists"),
            (2, YES_NO_INPUT),
        ],
        state: State::ReadsJournal,
        see_also: &["apply", "check", "graph", "identify", "serve"],
    },
    Page {
        name: "check",
        examples: &[
            "phoneup check --from P0030301MFG2 --to P0S3-07-4-00",
            "phoneup check --from P0S3-06-3-00 --tftp-root /srv/tftp --mac 00:18:B9:FF:FF:FF",
        ],
        exit: &[
            (0, "safe, or the phone ends where you want it"),
            (1, "refused, not known to be safe, or the phone loops or ends elsewhere"),
            (2, YES_NO_INPUT),
        ],
        state: State::None,
        see_also: &["plan", "simulate", "lint"],
    },
    Page {
        name: "simulate",
        examples: &[
            "phoneup simulate --from P003-08-11-00 --tftp-root /srv/tftp --mac 0018B9FFFFFF",
            "phoneup simulate --from P003-08-11-00 --tftp-root /srv/tftp --server-answers wrong-error",
            "phoneup simulate --from P003-08-11-00 --server 192.0.2.10 --mac 0018B9FFFFFF",
            "phoneup simulate --model 7961 --from SCCP41.8-3-1S --server 192.0.2.10",
        ],
        exit: &[
            (0, "the phone settles on a load"),
            (1, "it loops, refuses its image or does not settle"),
            (2, YES_NO_INPUT),
        ],
        state: State::None,
        see_also: &["check", "probe", "serve"],
    },
    Page {
        name: "probe",
        examples: &[
            "phoneup probe --server 192.0.2.10",
            "phoneup probe --server 127.0.0.1:6969 --from P0S3-06-3-00 --to P0S3-08-11-00 --format json",
            "phoneup probe --server 192.0.2.10 --model 7961 --from SCCP41.8-3-1S --to SIP41.9-4-2SR3-1S",
        ],
        exit: &[
            (0, "the phone will get what it needs"),
            (1, "findings, or no answer"),
            (2, "bad input, or the server's address cannot be used"),
        ],
        state: State::None,
        see_also: &["simulate", "lint", "diagnose"],
    },
    Page {
        name: "serve",
        examples: &[
            "phoneup serve --tftp-root /srv/tftp --to P0S3-08-11-00 --phones-file bench.txt \\\n    --leases /var/lib/misc/dnsmasq.leases",
            "phoneup serve --tftp-root /srv/tftp --to P0S3-08-11-00 --all --format json",
            "phoneup serve --tftp-root /srv/tftp --to P0S3-08-11-00 --all --cdp eth0",
            "phoneup serve --print-dhcp dnsmasq --listen 192.0.2.10",
            "phoneup serve --tftp-root /srv/tftp --forget 0018B9000042",
        ],
        exit: &[
            (0, "stopped with every phone expected or seen done; --forget: forgotten"),
            (1, "a phone failed, is stuck, unfinished or never seen; --forget: refused while a serve runs, or no record"),
            (2, "bad input (--leases or --phones-file not a regular file), the port cannot be opened, or another serve runs on the state"),
        ],
        state: State::Serve,
        see_also: &["plan", "simulate", "diagnose"],
    },
    Page {
        name: "apply",
        examples: &[
            "phoneup apply --from P0030301MFG2 --to P0S3-08-11-00 --stage 1 --tftp-root /srv/tftp --dry-run",
            "phoneup apply --from P0030301MFG2 --to P0S3-08-11-00 --stage 1 --tftp-root /srv/tftp",
            "phoneup apply --model 7961 --from SCCP41.8-3-1S --to SIP41.9-4-2SR3-1S --stage 1 --tftp-root /srv/tftp --mac 0018B9FFFFFF",
        ],
        exit: &[
            (0, "written, or shown with --dry-run"),
            (
                1,
                "refused (firmware missing, a file another user owns, or a stage that cannot be per-phone); with --dry-run the diff is still shown",
            ),
            (2, "bad input, or a file that cannot be read or written"),
        ],
        state: State::Journal,
        see_also: &["plan", "undo", "check", "serve"],
    },
    Page {
        name: "undo",
        examples: &[
            "phoneup undo --tftp-root /srv/tftp",
            "phoneup undo --tftp-root /srv/tftp --journal ~/phoneup-journal",
        ],
        exit: &[
            (0, "the directory is back as it was before the last apply"),
            (1, "no apply is recorded: nothing to undo"),
            (2, "bad input, or a file that cannot be read or written"),
        ],
        state: State::Journal,
        see_also: &["apply"],
    },
    Page {
        name: "inventory",
        examples: &[
            "phoneup inventory --tftp-root /srv/tftp",
            "phoneup inventory --tftp-root /srv/tftp --format json",
        ],
        exit: &[
            (0, "the loads were listed"),
            (2, "the directory cannot be read"),
        ],
        state: State::None,
        see_also: &["lint", "plan"],
    },
    Page {
        name: "diagnose",
        examples: &[
            "phoneup diagnose /var/log/syslog --to P0S3-08-11-00",
            "journalctl -u tftpd-hpa | phoneup diagnose",
            "phoneup diagnose --follow /var/log/syslog",
        ],
        exit: &[
            (0, "no findings"),
            (1, "findings"),
            (2, "a log or the directory cannot be read"),
        ],
        state: State::None,
        see_also: &["probe", "lint", "serve"],
    },
    Page {
        name: "lint",
        examples: &[
            "phoneup lint --tftp-root /srv/tftp",
            "phoneup lint --tftp-root /srv/tftp --mac 0018B9000042 --format json",
        ],
        exit: &[
            (0, "no findings"),
            (1, "findings"),
            (2, "the directory cannot be read"),
        ],
        state: State::ReadsJournal,
        see_also: &["inventory", "check", "probe"],
    },
    Page {
        name: "graph",
        examples: &[
            "phoneup graph --from P0030301MFG2 --to P0S3-08-11-00 | dot -Tsvg > plan.svg",
            "phoneup graph --format mermaid",
        ],
        exit: &[
            (0, "the graph was printed"),
            (1, "no safe path from --from to --to"),
            (2, YES_NO_INPUT),
        ],
        state: State::None,
        see_also: &["plan", "matrix"],
    },
    Page {
        name: "completions",
        examples: &[
            "phoneup completions bash > ~/.local/share/bash-completion/completions/phoneup",
            "phoneup completions zsh > ~/.zfunc/_phoneup",
            "phoneup completions fish > ~/.config/fish/completions/phoneup.fish",
        ],
        exit: &[(0, "the script was printed"), (2, "a shell phoneup does not know")],
        state: State::None,
        see_also: &["man"],
    },
    Page {
        name: "man",
        examples: &[
            "phoneup man > phoneup.1 && man ./phoneup.1",
            "phoneup man --dir ~/.local/share/man/man1",
        ],
        exit: &[
            (0, "the pages were written"),
            (2, "the folder cannot be written"),
        ],
        state: State::None,
        see_also: &["completions"],
    },
    Page {
        name: "matrix",
        examples: &[
            "phoneup matrix > my.yaml",
            "phoneup plan --matrix my.yaml --from P0030301MFG2 --to P0S3-08-11-00",
        ],
        exit: &[
            (0, "the matrix was printed"),
            (2, "the matrix of --matrix is broken"),
        ],
        state: State::None,
        see_also: &["plan", "graph"],
    },
];

/// The page of subcommand `name`.
pub(crate) fn page(name: &str) -> &'static Page {
    PAGES
        .iter()
        .find(|page| page.name == name)
        .unwrap_or_else(|| panic!("every subcommand has a page: {name}"))
}

/// The exit codes in one line each, for `--help` and the top-level page.
fn exit_lines(exit: &[(u8, &str)]) -> String {
    exit.iter()
        .map(|(code, meaning)| format!("  {code}  {meaning}\n"))
        .collect()
}

/// What `phoneup NAME --help` shows after the options: examples, then exit codes.
pub(crate) fn after_help(name: &str) -> String {
    let page = page(name);
    let examples: String = page
        .examples
        .iter()
        .map(|example| format!("  {}\n", example.replace('\n', "\n  ")))
        .collect();
    format!(
        "Examples:\n{examples}\nExit codes:\n{}",
        exit_lines(page.exit)
    )
    .trim_end()
    .to_string()
}

/// What `phoneup --help` shows after the commands.
pub(crate) fn top_after_help() -> String {
    format!(
        "Start with the App Load ID your phone shows (Settings > Status > Firmware Versions):\n  \
         phoneup plan --from P0030301MFG2 --to P0S3-08-11-00\n\
         Many phones, at mixed loads: phoneup serve walks each through its own plan.\n\n\
         Exit codes:\n{}",
        exit_lines(TOP_EXIT)
    )
    .trim_end()
    .to_string()
}

/// What the exit codes mean for every command.
pub(crate) const TOP_EXIT: &[(u8, &str)] = &[
    (0, "yes, or done"),
    (
        1,
        "the answer is no: refused, no path, findings, unfinished",
    ),
    (2, "usage or input error"),
];
