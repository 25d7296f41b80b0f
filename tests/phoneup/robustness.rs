//! No input panics: the parser and the commands on odd, broken and hostile input.

use phoneup::error::Input;
use phoneup::knowledge::catalogue;
use phoneup::knowledge::load_id::LoadId;
use phoneup::knowledge::matrix::Matrix;
use phoneup::knowledge::Builtin;

use super::support::{card, run};

/// A small deterministic generator, so failures reproduce.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn the_parser_never_panics_on_generated_input() {
    let alphabet: Vec<char> = "P0S3M-.CRslbnoadx19SRMFG2 \t\u{e9}\u{661}\u{ff10}"
        .chars()
        .collect();
    let mut rng = Lcg(7);
    for _ in 0..50_000 {
        let len = (rng.next() % 18) as usize;
        let text: String = (0..len)
            .map(|_| alphabet[(rng.next() % alphabet.len() as u64) as usize])
            .collect();
        let _ = LoadId::parse(&text);
    }
}

#[test]
fn single_edits_of_every_catalogue_load_never_panic_and_resolve_or_explain() {
    let matrix = Matrix::builtin().unwrap();
    for load in &matrix.loads {
        let name: Vec<char> = load.name().chars().collect();
        for i in 0..name.len() {
            for replacement in ['0', 'O', 'S', 'X', '-', '.', '\u{e9}'] {
                let mut edited = name.clone();
                edited[i] = replacement;
                let text: String = edited.iter().collect();
                if let Err(error) = catalogue::resolve(&matrix, &text, Input::From) {
                    assert!(!error.to_string().is_empty());
                }
            }
            let deleted: String = name
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, c)| c)
                .collect();
            let _ = catalogue::resolve(&matrix, &deleted, Input::From);
        }
    }
}

#[test]
fn odd_arguments_exit_2_with_a_message_and_no_panic() {
    let cases: &[&[&str]] = &[
        &["plan", "--from", "", "--to", "P0S3-08-11-00"],
        &["plan", "--from", "P0S3-08-11-00", "--to", "\u{1f4de}"],
        &["plan", "--from", "PC0303010200", "--to", "P0S3-08-11-00"],
        &["plan", "--from", "P0030301MFG2", "--to", "P0S3-08-10-00"],
        &card("plan", &["--avoid", "P0030301MFG2"]),
        &card("plan", &["--via", "junk"]),
        &["check", "--from", "P00405000700", "--to", "P0S3-08-11-00"],
        &[
            "check",
            "--from",
            "SIP41.9-4-2SR3-1S",
            "--to",
            "P0S3-08-11-00",
        ],
        &["identify", "P0X3-08-11-00"],
        &["plan", "--from", "P0030301MFG2"],
        &card("plan", &["--format", "xml"]),
        &card("plan", &["--model", "7970"]),
        &["frobnicate"],
        &[],
    ];
    for args in cases {
        let (code, _stdout, stderr) = run(args);
        assert_eq!(code, 2, "phoneup {args:?} should exit 2; stderr: {stderr}");
        assert!(
            !stderr.trim().is_empty(),
            "phoneup {args:?} printed no message"
        );
        assert!(
            !stderr.contains("panicked"),
            "phoneup {args:?} panicked: {stderr}"
        );
    }
}

#[test]
fn a_closed_pipe_is_not_a_crash() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("phoneup"))
        .args(["matrix"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(status.code(), Some(0), "{stderr}");
}
