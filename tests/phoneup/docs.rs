//! Docs that cannot drift: every command README.md, CONTRIBUTING.md, CHANGELOG.md and
//! `docs/**/*.md` show in a ```` ```console ```` block is run here against the built binary, in a
//! folder of its own holding a stand-in TFTP root, and what it prints is compared with what the
//! block shows. A block marked `no-run=FILE::TEST` (a long-running `serve`, a command that needs
//! a server) is parse-checked instead, and the test it names must exist. CONTRIBUTING.md, "Docs
//! that run", is the convention.

use std::fs;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use clap::Parser;
use phoneup::cli::Cli;

use super::support::{firmware_for_the_card, package, Test, BRIDGE, USERS_SIPDEFAULT};

/// The longest a documented command may take before it counts as hung.
const LIMIT: Duration = Duration::from_secs(60);

/// One fenced block of a Markdown file: its info string, its first line's number and its text.
struct Block {
    file: PathBuf,
    line: usize,
    info: String,
    text: String,
}

/// A fence line: its run of backticks (three or more) and its info string, which holds no
/// backtick (CommonMark's rule, so that a line starting with inline code opens nothing).
fn fence(line: &str) -> Option<(usize, &str)> {
    let trimmed = line.trim_start();
    let ticks = trimmed.len() - trimmed.trim_start_matches('`').len();
    let info = &trimmed[ticks..];
    (ticks >= 3 && !info.contains('`')).then_some((ticks, info.trim()))
}

/// The ```` ```console ```` blocks of `markdown`.
fn console_blocks(file: &Path, markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<(usize, String, usize, String)> = None;
    for (number, line) in markdown.lines().enumerate() {
        match (&mut open, fence(line)) {
            (None, Some((ticks, info))) => {
                open = Some((ticks, info.to_string(), number + 2, String::new()));
            }
            (None, None) => {}
            (Some((ticks, info, first, text)), fence) => {
                if fence.is_some_and(|(closing, rest)| closing >= *ticks && rest.is_empty()) {
                    if info.split_whitespace().next() == Some("console") {
                        blocks.push(Block {
                            file: file.to_path_buf(),
                            line: *first,
                            info: info.clone(),
                            text: std::mem::take(text),
                        });
                    }
                    open = None;
                } else {
                    text.push_str(line);
                    text.push('\n');
                }
            }
        }
    }
    assert!(
        open.is_none(),
        "{}: a fence is never closed",
        file.display()
    );
    blocks
}

/// A block's commands: each `$ ` line and the lines shown after it, up to the next `$ ` line.
fn commands(block: &Block) -> Vec<(String, String)> {
    let mut commands: Vec<(String, String)> = Vec::new();
    for line in block.text.lines() {
        if let Some(command) = line.strip_prefix("$ ") {
            commands.push((command.to_string(), String::new()));
        } else if let Some((_, shown)) = commands.last_mut() {
            shown.push_str(line);
            shown.push('\n');
        } else {
            panic!(
                "{}:{}: a console block starts with a `$ ` line",
                block.file.display(),
                block.line
            );
        }
    }
    commands
}

/// The value of `key=VALUE` in a block's info string.
fn option<'a>(block: &'a Block, key: &str) -> Option<&'a str> {
    block
        .info
        .split_whitespace()
        .find_map(|word| word.strip_prefix(key)?.strip_prefix('='))
}

/// Whether `actual` reads as `expected`: line by line, where an expected line `...` stands for
/// any number of lines, `[..]` within a line for any text, and `[TMP]` for the block's folder.
fn matches(expected: &str, actual: &str) -> bool {
    let expected: Vec<&str> = expected.lines().collect();
    let actual: Vec<&str> = actual.lines().collect();
    lines_match(&expected, &actual)
}

fn lines_match(expected: &[&str], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((&"...", rest)) => (0..=actual.len()).any(|skip| lines_match(rest, &actual[skip..])),
        Some((line, rest)) => {
            !actual.is_empty() && line_matches(line, actual[0]) && lines_match(rest, &actual[1..])
        }
    }
}

fn line_matches(expected: &str, actual: &str) -> bool {
    let mut pieces = expected.split("[..]");
    let first = pieces.next().unwrap_or("");
    let Some(mut rest) = actual.strip_prefix(first) else {
        return false;
    };
    let pieces: Vec<&str> = pieces.collect();
    for (i, piece) in pieces.iter().enumerate() {
        if i + 1 == pieces.len() {
            return rest.ends_with(piece);
        }
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

/// The block's folder: `tftp/`, a stand-in TFTP root (with `tftp=card`, the default: the card's
/// stand-in firmware and a user's `SIPDefault.cnf`; with `tftp=empty`, nothing; with `tftp=7961`,
/// a 7961G's bridge package, stand-ins all), `state/` for
/// phoneup's state, and `tests/` leading to the repository's, for the log fixtures.
fn folder(test: &Test, block: &Block) {
    match option(block, "tftp").unwrap_or("card") {
        "card" => {
            let firmware = firmware_for_the_card();
            let mut files: Vec<(&str, &[u8])> =
                firmware.iter().map(|(n, b)| (*n, b.as_slice())).collect();
            files.push(("SIPDefault.cnf", USERS_SIPDEFAULT.as_bytes()));
            test.dir("tftp", &files);
        }
        "empty" => {
            test.dir("tftp", &[]);
        }
        // A 7961G's: the bridge's package (stand-in component names) with its term files.
        "7961" => {
            let mut files = package(BRIDGE, true);
            files.push(("term41.default.loads".into(), BRIDGE.as_bytes().to_vec()));
            let files: Vec<(&str, &[u8])> = files
                .iter()
                .map(|(n, b)| (n.as_str(), b.as_slice()))
                .collect();
            test.dir("tftp", &files);
        }
        other => panic!(
            "{}:{}: tftp={other} is not a stand-in root (card, empty or 7961)",
            block.file.display(),
            block.line
        ),
    }
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    std::os::unix::fs::symlink(tests, test.path().join("tests")).unwrap();
}

/// Runs `command` with bash in the block's folder, phoneup first on PATH: stdout then stderr,
/// and a last line `[exit N]` when it does not exit 0.
fn run(test: &Test, command: &str) -> String {
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_phoneup"));
    let path = format!(
        "{}:{}",
        binary.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut child = Command::new("bash")
        .args(["-o", "pipefail", "-c", command])
        .current_dir(test.path())
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env("LC_ALL", "C")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("TERM")
        .env("XDG_STATE_HOME", test.state_home())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .expect("bash runs");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        stdout.read_to_string(&mut text).map(|_| text)
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        stderr.read_to_string(&mut text).map(|_| text)
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > LIMIT {
            kill_group(&child);
            child.wait().unwrap();
            panic!("`{command}` ran past {LIMIT:?}: mark its block no-run=FILE::TEST");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    // Whatever the command left running in the background ends with it, and its pipes close.
    kill_group(&child);
    let mut shown = out.join().unwrap().expect("stdout is UTF-8");
    shown.push_str(&err.join().unwrap().expect("stderr is UTF-8"));
    match status.code() {
        Some(0) => {}
        Some(code) => shown.push_str(&format!("[exit {code}]\n")),
        None => panic!("`{command}` was killed by a signal"),
    }
    let folder = test.path().to_string_lossy().into_owned();
    let canonical = fs::canonicalize(test.path()).unwrap();
    shown
        .replace(&canonical.to_string_lossy().into_owned(), "[TMP]")
        .replace(&folder, "[TMP]")
}

/// Kills the process group `child` leads: bash and everything it started.
fn kill_group(child: &std::process::Child) {
    let group = -i32::try_from(child.id()).expect("a pid fits an i32");
    // SAFETY: kill(2) with a negative pid only signals the process group the child leads (made
    // with process_group(0)); a group already gone is ESRCH, ignored.
    unsafe { libc::kill(group, libc::SIGKILL) };
}

/// A `no-run` block: each `phoneup ...` in its commands (also after `|` or `&&`) parses as the
/// binary would parse it, and the test named as `FILE::TEST` exists.
fn parse_check(block: &Block, commands: &[(String, String)], test: &str) -> Result<usize, String> {
    let (file, name) = test
        .split_once("::")
        .ok_or_else(|| format!("no-run={test} names no test: no-run=FILE::TEST"))?;
    let source = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file))
        .map_err(|e| format!("no-run={test}: {file}: {e}"))?;
    if !source.contains(&format!("fn {name}(")) {
        return Err(format!("no-run={test}: {file} has no test {name}"));
    }
    let mut checked = 0;
    for (command, _) in commands {
        for part in command.split(['|', ';']).flat_map(|p| p.split("&&")) {
            let words: Vec<&str> = part.split_whitespace().collect();
            if words.first() != Some(&"phoneup") {
                continue;
            }
            let words: Vec<String> = words.iter().map(|w| w.trim_matches('\'').into()).collect();
            Cli::try_parse_from(&words).map_err(|e| {
                format!(
                    "{}:{}: `{}` does not parse: {e}",
                    block.file.display(),
                    block.line,
                    part.trim()
                )
            })?;
            checked += 1;
        }
    }
    Ok(checked)
}

/// The Markdown files the docs are made of.
fn documents() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = ["README.md", "CONTRIBUTING.md", "CHANGELOG.md"]
        .iter()
        .map(|f| root.join(f))
        .filter(|f| f.exists())
        .collect();
    let mut folders = vec![root.join("docs")];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder).into_iter().flatten() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_documented_command_prints_what_the_docs_show() {
    let bless = std::env::var_os("PHONEUP_DOCS_BLESS").is_some();
    let mut ran = 0;
    let mut parsed = 0;
    let mut stale = Vec::new();
    for file in documents() {
        let mut markdown = fs::read_to_string(&file).unwrap();
        let mut current: Option<Test> = None;
        for block in console_blocks(&file, &markdown.clone()) {
            let commands = commands(&block);
            if let Some(test) = option(&block, "no-run") {
                match parse_check(&block, &commands, test) {
                    Ok(n) => parsed += n,
                    Err(e) => stale.push(e),
                }
                continue;
            }
            let continues = block.info.split_whitespace().any(|word| word == "continue");
            let test = match current.take() {
                Some(test) if continues => test,
                _ => {
                    let test = Test::named("docs");
                    folder(&test, &block);
                    test
                }
            };
            let mut blessed = String::new();
            for (command, shown) in &commands {
                let printed = run(&test, command);
                blessed.push_str(&format!("$ {command}\n"));
                if matches(shown, &printed) {
                    blessed.push_str(shown);
                } else {
                    blessed.push_str(&printed);
                    stale.push(format!(
                        "{}:{}: `{command}` prints another text: paste its output into the block (or run the test with PHONEUP_DOCS_BLESS=1)\n--- shown\n{shown}--- printed\n{printed}",
                        block.file.display(),
                        block.line
                    ));
                }
                ran += 1;
            }
            if bless && blessed != block.text {
                markdown = markdown.replacen(&block.text, &blessed, 1);
            }
            current = Some(test);
        }
        if bless {
            fs::write(&file, markdown).unwrap();
        }
    }
    assert!(stale.is_empty(), "{}", stale.join("\n\n"));
    eprintln!("documented commands: {ran} run, {parsed} parse-checked");
    assert!(ran >= 40, "only {ran} documented commands ran");
    assert!(
        parsed >= 3,
        "only {parsed} documented commands parse-checked"
    );
}

#[test]
fn the_comparison_allows_only_the_documented_placeholders() {
    assert!(matches("a\nb\n", "a\nb\n"));
    assert!(!matches("a\nb\n", "a\nc\n"));
    assert!(!matches("a\n", "a\nb\n"));
    assert!(matches("a [..] c\n", "a bbb c\n"));
    assert!(!matches("a [..] c\n", "a bbb d\n"));
    assert!(matches("a\n...\nz\n", "a\nb\nc\nz\n"));
    assert!(matches("a\n...\nz\n", "a\nz\n"));
    assert!(!matches("a\n...\nz\n", "a\nb\n"));
    assert!(matches("[..]x[..]\n", "abxcd\n"));
    assert!(!matches("x[..]\n", "yx\n"));
}

#[test]
fn blocks_are_found_with_their_options_and_fences_of_other_languages_are_left_alone() {
    let markdown = "```sh\n$ phoneup nothing\n```\n\n```console tftp=empty\n$ phoneup plan\nout\n$ ls\n```\n```text\n$ x\n```\n```` ```console ```` inline\n";
    let blocks = console_blocks(Path::new("x.md"), markdown);
    assert_eq!(blocks.len(), 1);
    assert_eq!(blocks[0].line, 6);
    assert_eq!(option(&blocks[0], "tftp"), Some("empty"));
    assert_eq!(
        commands(&blocks[0]),
        vec![
            ("phoneup plan".to_string(), "out\n".to_string()),
            ("ls".to_string(), String::new())
        ]
    );
    let block = &blocks[0];
    let bad = parse_check(
        block,
        &[("phoneup plan --nonsense".into(), String::new())],
        "tests/phoneup/docs.rs::blocks_are_found_with_their_options_and_fences_of_other_languages_are_left_alone",
    );
    assert!(bad.unwrap_err().contains("does not parse"));
    let missing = parse_check(block, &[], "tests/phoneup/docs.rs::no_such_test");
    assert!(missing.unwrap_err().contains("has no test"));
}

/// The text of `## HEADING` in `markdown`, up to the next `## `.
fn section<'a>(markdown: &'a str, heading: &str) -> &'a str {
    let start = markdown
        .find(&format!("\n## {heading}\n"))
        .unwrap_or_else(|| panic!("docs/json.md has no section `## {heading}`"));
    let rest = &markdown[start + heading.len() + 5..];
    &rest[..rest.find("\n## ").unwrap_or(rest.len())]
}

/// Whether `text` names `key` as a word of its own (not inside a longer name).
fn names(text: &str, key: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(key).any(|(at, _)| {
        !text[..at].chars().next_back().is_some_and(word)
            && !text[at + key.len()..].chars().next().is_some_and(word)
    })
}

#[test]
fn docs_json_names_every_top_level_key_each_command_prints() {
    let json = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/json.md")).unwrap();
    let test = Test::named("docs-json");
    let firmware = firmware_for_the_card();
    let files: Vec<(&str, &[u8])> = firmware.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    let root = test.dir("tftp", &files);
    let root = root.to_str().unwrap();
    let log = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/logs/markwilson-2008.tftpd32.log"
    );
    let card = ["--from", "P0030301MFG2", "--to", "P0S3-08-11-00"];
    let stage = [&card[..], &["--stage", "1", "--tftp-root", root]].concat();
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("plan", [&["plan"], &card[..]].concat()),
        (
            "plan",
            vec!["plan", "--from", "P0S3-08-11-00", "--to", "P0030301MFG2"],
        ),
        (
            "check",
            vec!["check", "--from", "P0030301MFG2", "--to", "P0S3-07-4-00"],
        ),
        (
            "check",
            vec!["check", "--from", "P0030301MFG2", "--tftp-root", root],
        ),
        (
            "apply and undo",
            [&["apply"], &stage[..], &["--dry-run"]].concat(),
        ),
        ("apply and undo", [&["apply"], &stage[..]].concat()),
        ("apply and undo", vec!["undo", "--tftp-root", root]),
        ("inventory", vec!["inventory", "--tftp-root", root]),
        ("lint", vec!["lint", "--tftp-root", root]),
        (
            "simulate",
            vec!["simulate", "--from", "P0030301MFG2", "--tftp-root", root],
        ),
        ("identify", vec!["identify", "P0030301MFG2", "nonsense"]),
        ("diagnose", vec!["diagnose", log]),
    ];
    let mut unnamed = Vec::new();
    for (heading, args) in &cases {
        let (_, stdout, stderr) = test.run(&[&args[..], &["--format", "json"]].concat());
        let value: serde_json::Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{args:?}: {e}: {stdout}{stderr}"));
        let objects = match &value {
            serde_json::Value::Array(items) => items.clone(),
            other => vec![other.clone()],
        };
        let text = section(&json, heading);
        for object in &objects {
            for key in object.as_object().expect("a JSON object").keys() {
                if !names(text, key) {
                    unnamed.push(format!("`{key}` of {args:?} in `## {heading}`"));
                }
            }
        }
    }
    unnamed.sort();
    unnamed.dedup();
    assert!(
        unnamed.is_empty(),
        "docs/json.md does not name {}",
        unnamed.join(", ")
    );
}

#[test]
fn docs_knowledge_names_every_source_and_rule_of_the_matrix() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The sources of the 79x1 families are named on their own page, docs/79x1.md.
    let knowledge = fs::read_to_string(root.join("docs/knowledge.md")).unwrap()
        + &fs::read_to_string(root.join("docs/79x1.md")).unwrap_or_default();
    let matrix = fs::read_to_string(root.join("data/matrix.yaml")).unwrap();
    let keys: Vec<&str> = matrix
        .lines()
        .filter_map(|line| line.strip_prefix("  - key: "))
        .collect();
    assert!(keys.len() > 20, "{keys:?}");
    let missing: Vec<&&str> = keys
        .iter()
        .filter(|key| !knowledge.contains(&format!("`{key}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/knowledge.md does not name the sources {missing:?}"
    );
    let parsed: serde_yaml::Value = serde_yaml::from_str(&matrix).unwrap();
    let rules = parsed["rules"].as_sequence().expect("the matrix has rules");
    let stale: Vec<String> = rules
        .iter()
        .map(|rule| {
            let field = |name: &str| rule[name].as_str().unwrap_or("").to_string();
            format!(
                "| {} | {} | {} |",
                field("id"),
                field("verdict"),
                field("confidence")
            )
        })
        .filter(|row| !knowledge.contains(row.as_str()))
        .collect();
    assert!(
        stale.is_empty(),
        "docs/knowledge.md's rule table lacks {stale:?}"
    );
}

/// Docs other helpers write at the same time as these, linked before they land: a link to one
/// of them may not resolve yet (every other link must).
const WRITTEN_ELSEWHERE: [&str; 4] = [
    "serve.md",
    "serve-placement.md",
    "serve-hostile.md",
    "79x1.md",
];

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces as `-`.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

#[test]
fn every_link_between_the_docs_leads_to_a_file_and_a_heading_that_exist() {
    let link = regex::Regex::new(r"\]\(([^)\s]+)\)").unwrap();
    let mut broken = Vec::new();
    for file in documents() {
        let markdown = fs::read_to_string(&file).unwrap();
        for target in link.captures_iter(&markdown).map(|c| c[1].to_string()) {
            if target.contains("://") {
                continue;
            }
            let (path, fragment) = target.split_once('#').unwrap_or((&target, ""));
            let linked = if path.is_empty() {
                file.clone()
            } else {
                file.parent().unwrap().join(path)
            };
            let name = linked.file_name().unwrap().to_string_lossy().into_owned();
            if !linked.exists() {
                if !WRITTEN_ELSEWHERE.contains(&name.as_str()) {
                    broken.push(format!("{}: {target}: no such file", file.display()));
                }
                continue;
            }
            if fragment.is_empty() || !name.ends_with(".md") {
                continue;
            }
            let text = fs::read_to_string(&linked).unwrap();
            let headings: Vec<String> = text
                .lines()
                .filter_map(|l| {
                    l.trim_start_matches('#')
                        .strip_prefix(' ')
                        .filter(|_| l.starts_with('#'))
                })
                .map(anchor)
                .collect();
            if !headings.iter().any(|h| h == fragment) {
                broken.push(format!("{}: {target}: no such heading", file.display()));
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn the_readme_is_short_and_names_serve_on_its_first_screen() {
    let readme = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let lines = readme.lines().count();
    assert!(
        lines <= 300,
        "README.md is {lines} lines: move detail into docs/"
    );
    let first_screen: Vec<&str> = readme.lines().take(40).collect();
    assert!(
        first_screen.iter().any(|l| l.contains("phoneup serve")),
        "README.md's first 40 lines do not route a bench of phones to `phoneup serve`"
    );
    assert!(readme
        .contains("bash .ci/install-test-servers && cargo test --locked --features system-tests"));
}

#[test]
fn anchors_are_made_as_github_makes_them() {
    assert_eq!(
        anchor("A loop on `CTLSEP<MAC>.tlv`"),
        "a-loop-on-ctlsepmactlv"
    );
    assert_eq!(anchor("\"Load ID Incorrect\""), "load-id-incorrect");
    assert_eq!(anchor("apply and undo"), "apply-and-undo");
}

#[test]
fn a_command_left_running_in_the_background_ends_with_its_line() {
    let test = Test::named("docs-background");
    let start = Instant::now();
    assert_eq!(run(&test, "sleep 30 & echo started"), "started\n");
    assert_eq!(run(&test, "exit 3"), "[exit 3]\n");
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
}
