//! The house's size limits (CONTRIBUTING.md, Style): no Rust file of the repository over 900
//! lines counting its tests, no function over 120 lines, each offender named with its place.

use std::path::{Path, PathBuf};

const MAX_FILE_LINES: usize = 900;
const MAX_FUNCTION_LINES: usize = 120;

/// Every `.rs` file of the sources, the loader's crate, the tests and the benchmarks.
fn rust_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = vec![root.join("build.rs")];
    for folder in ["src", "crates", "tests", "benches", "examples"] {
        if root.join(folder).is_dir() {
            walk(&root.join(folder), &mut out);
        }
    }
    out.sort();
    out
}

/// The functions of a rustfmt-formatted file that are longer than `limit` lines, from the `fn`
/// line to the brace that closes it at the same indentation, as `(first line, name, lines)`.
fn long_functions(text: &str, limit: usize) -> Vec<(usize, String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (at, line) in lines.iter().enumerate() {
        let indent = &line[..line.len() - line.trim_start().len()];
        let Some(name) = function_name(line.trim_start()) else {
            continue;
        };
        let close = format!("{indent}}}");
        if let Some(end) = lines[at + 1..].iter().position(|l| *l == close) {
            let length = end + 2;
            if length > limit {
                out.push((at + 1, name, length));
            }
        }
    }
    out
}

/// `fn name` at the start of a declaration (after `pub`, `pub(crate)`, `const`, `async`, `unsafe`),
/// or nothing for any other line and for a declaration without a body on this line's level.
fn function_name(line: &str) -> Option<String> {
    let mut rest = line;
    for prefix in [
        "pub(crate) ",
        "pub(super) ",
        "pub ",
        "const ",
        "async ",
        "unsafe ",
    ] {
        rest = rest.strip_prefix(prefix).unwrap_or(rest);
    }
    let rest = rest.strip_prefix("fn ")?;
    // A declaration, or a body on the `fn` line itself (`fn f() {}`): nothing to measure.
    if line.trim_end().ends_with(';') || line.trim_end().ends_with('}') {
        return None;
    }
    let name: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

#[test]
fn no_file_is_over_900_lines_and_no_function_over_120() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    let files = rust_files();
    assert!(
        files.len() > 100,
        "the walk found only {} files",
        files.len()
    );
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let shown = path.strip_prefix(root).unwrap().display().to_string();
        let count = text.lines().count();
        if count > MAX_FILE_LINES {
            found.push(format!(
                "{shown}: {count} lines (split it at a seam it already has)"
            ));
        }
        for (line, name, length) in long_functions(&text, MAX_FUNCTION_LINES) {
            found.push(format!("{shown}:{line}: fn {name} is {length} lines"));
        }
    }
    assert!(
        found.is_empty(),
        "over the house's limits ({MAX_FILE_LINES} lines a file, {MAX_FUNCTION_LINES} a function):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_function_measure_counts_from_fn_to_its_closing_brace() {
    let mut text = String::from(
        "fn short() {\n    one();\n}\n\n    pub(crate) fn long(\n        a: u8,\n    ) -> u8 {\n",
    );
    for _ in 0..119 {
        text.push_str("        a;\n");
    }
    text.push_str("    }\nfn declared();\n");
    // `long`: its `fn` line, two more lines of signature, 119 of body and the brace: 123.
    assert_eq!(
        long_functions(&text, 120),
        vec![(5, "long".to_string(), 123)]
    );
    assert_eq!(long_functions(&text, 123), vec![]);
    assert_eq!(function_name("fn declared();"), None);
    assert_eq!(function_name("    fn empty() {}"), None);
    assert_eq!(function_name("let fn_x = 1;"), None);
    assert_eq!(function_name("pub async fn go() {"), Some("go".into()));
}
