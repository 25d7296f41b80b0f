//! A user's `--matrix` file broken in one place: the error names that place's line and what
//! is wrong, for each check the loader makes. And the names of a load spelled otherwise.

use super::model::same_load;
use super::*;

/// The built-in load named `name`.
fn builtin_load<'m>(matrix: &'m Matrix, name: &str) -> &'m Load {
    matrix.find(&LoadId::parse(name).unwrap()).unwrap()
}

#[test]
fn a_loader_named_in_another_spelling_is_the_same_load() {
    let matrix = Matrix::parse(BUILTIN_YAML, BUILTIN_ORIGIN).unwrap();
    let loader = builtin_load(&matrix, "P003-08-11-00");
    assert!(same_load("P003-08-11-00", loader));
    assert!(same_load("P003-8-11-00", loader), "a digit short");
    assert!(!same_load("P003-08-12-00", loader));
    assert!(!same_load("P003-8-2-00", loader));
}

#[test]
fn a_load_spelled_otherwise_names_its_files_that_way() {
    let matrix = Matrix::parse(BUILTIN_YAML, BUILTIN_ORIGIN).unwrap();
    let sip = builtin_load(&matrix, "P0S3-08-11-00");
    let spelled = sip.respelled("P0S3-8-11-00").with_loader("P003-8-11-00");
    assert_eq!(spelled.name(), "P0S3-8-11-00");
    assert_eq!(
        spelled.files,
        [
            "P003-8-11-00.bin",
            "P003-8-11-00.sbn",
            "P0S3-8-11-00.loads",
            "P0S3-8-11-00.sb2"
        ]
    );
    let signed = builtin_load(&matrix, "P0S3-06-3-00");
    assert_eq!(
        signed.respelled("P0S3-6-3-00").inferred,
        ["P0S3-6-3-00.sbn"]
    );
}

/// The 1-based line of the first line of `text` that contains `needle`.
fn line_with(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|line| line.contains(needle))
        .unwrap_or_else(|| panic!("no line holds {needle:?}"))
        + 1
}

/// The built-in matrix with `from` replaced by `to` once.
fn edited(from: &str, to: &str) -> String {
    assert!(BUILTIN_YAML.contains(from), "the matrix holds {from:?}");
    BUILTIN_YAML.replacen(from, to, 1)
}

/// Each edit breaks one thing: the error says what, at the first line that holds `at` (an
/// empty `at`: the value is quoted, and no line is named).
fn each_names_its_line(cases: &[(&str, &str, &str, &str)]) {
    for &(from, to, message, at) in cases {
        let text = edited(from, to);
        let error = Matrix::parse(&text, "broken.yaml")
            .err()
            .unwrap_or_else(|| panic!("{to:?} is refused"))
            .to_string();
        let place = match at {
            "" => "broken.yaml: ".to_string(),
            at => format!("broken.yaml:{}: ", line_with(&text, at)),
        };
        assert!(
            error.starts_with(&place) && error.contains(message) && !error.contains(" at line "),
            "{to:?}: expected {place:?} and {message:?}, got {error}"
        );
    }
}

/// YAML that does not fit the schema (serde's line, without serde's own "at line"), and sources.
#[test]
fn a_file_that_does_not_fit_the_schema_or_breaks_a_source_names_the_line() {
    each_names_its_line(&[
        (
            "confidence: high",
            "confidence: certain",
            "rules[0].confidence: unknown variant `certain`, expected one of",
            "confidence: certain",
        ),
        // Sources.
        (
            "  - key: ADILINDEN\n",
            "  - key: ACRITELLI\n",
            "source `ACRITELLI` is listed twice",
            "key: ACRITELLI",
        ),
        (
            "    url: https://www.acritelli.com/blog/upgrading-cisco-7940-firmware-sccp-and-sip/\n",
            "",
            "source `ACRITELLI` needs a `url` or a `where`",
            "key: ACRITELLI",
        ),
    ]);
}

/// Loads, and the cross-references between them.
#[test]
fn a_broken_load_names_the_line() {
    each_names_its_line(&[
        ("  - id: P00303020214\n", "  - id: P00303020214.bin\n", "write the load ID without a file extension", "id: P00303020214.bin"),
        (
            "  - id: P00303020214\n",
            "  - id: \" P00303020214\"\n",
            "load ` P00303020214`: write the load ID without a file extension",
            "",
        ),
        ("  - id: P00303020214\n", "  - id: PC03A300\n", "is a boot load ID; the catalogue lists applications and loaders", "id: PC03A300"),
        ("  - id: P00303020214\n", "  - id: P00303010102\n", "load `P00303010102` is the same load as `P00303010102`", "id: P00303010102"),
        ("    version: \"3.2(2.14)\"\n", "    version: \" \"\n", "load `P00303020214` has an empty version", "id: P00303020214"),
        (
            "    evidence: [CME-SCCP5]\n  - id: P00305000301",
            "    evidence: []\n  - id: P00305000301",
            "load `P00303020214` names no evidence",
            "id: P00303020214",
        ),
        (
            "    evidence: [CME-SCCP5]\n  - id: P00305000301",
            "    evidence: [NOPE]\n  - id: P00305000301",
            "evidence names source `NOPE`, which is not in `sources`",
            "id: P00303020214",
        ),
        // The name is searched from the load's own line on, not in the sources above it.
        (
            "P003-08-11-00.sbn, P0S3-08-11-00.loads",
            "P003-08-11-00.sbn, P0S3-08-11-00",
            "load `P0S3-08-11-00`: `P0S3-08-11-00` is not a firmware file name",
            "id: P0S3-08-11-00",
        ),
        (
            "    inferred: [P00305000301.bin]\n",
            "    inferred: [P00305000301.sb2]\n",
            "load `P00305000301`: inferred file `P00305000301.sb2` is not one of its `files`",
            "id: P00305000301",
        ),
        (
            "      - id: P0S3-8-11-00\n",
            "      - id: P0S3-8-12-00\n",
            "spelling `P0S3-8-12-00` must be another upper-case spelling of the same load",
            "id: P0S3-08-11-00",
        ),
        (
            "      - id: P0S3-8-11-00\n",
            "      - id: P0S3-08-11-00\n",
            "spelling `P0S3-08-11-00` must be another upper-case spelling of the same load",
            "id: P0S3-08-11-00",
        ),
        (
            "      - id: P0S3-8-11-00\n        evidence: [FUSSYLOGIC-7940]\n",
            "      - id: P0S3-8-11-00\n        evidence: []\n",
            "load `P0S3-08-11-00`: spelling `P0S3-8-11-00` names no evidence",
            "id: P0S3-08-11-00",
        ),
        (
            "      - id: P0S3-8-11-00\n        evidence: [FUSSYLOGIC-7940]\n",
            "      - id: P0S3-8-11-00\n        evidence: [NOPE]\n",
            "evidence names source `NOPE`",
            "id: P0S3-08-11-00",
        ),
        (
            "      - id: P0S3-8-11-00\n        evidence: [FUSSYLOGIC-7940]\n",
            "      - id: P0S3-8-11-00\n        evidence: [FUSSYLOGIC-7940]\n      - id: P0S3-8-11-00\n        evidence: [FUSSYLOGIC-7940]\n",
            "spelling `P0S3-8-11-00` is listed twice",
            "id: P0S3-08-11-00",
        ),
        (
            "  - id: P003-07-2-00\n    version: \"7.2\"\n",
            "  - id: P003-07-2-00\n    version: \"7.2\"\n    loader: P003-07-2-00\n",
            "loader `P003-07-2-00` cannot name a loader",
            "id: P003-07-2-00",
        ),
        (
            "    loader: P003-08-11-00\n",
            "",
            "SIP load `P0S3-08-11-00` is UAL-era: name the `loader` of its package",
            "id: P0S3-08-11-00",
        ),
        (
            "    loader: P003-08-11-00\n",
            "    loader: P0S3-8-12-00\n",
            "load `P0S3-08-11-00` names loader `P0S3-8-12-00`, which is not a loader in the catalogue",
            "id: P0S3-08-11-00",
        ),
        (
            "files: [P003-08-11-00.bin, P003-08-11-00.sbn, P0S3-08-11-00.loads",
            "files: [P003-08-11-00.sbn, P0S3-08-11-00.loads",
            "load `P0S3-08-11-00` ships loader `P003-08-11-00` but its files lack `P003-08-11-00.bin`",
            "id: P0S3-08-11-00",
        ),
        (
            "    loader: P003-07-7-00\n    files: [P003-07-7-00.bin, P003-07-7-00.sbn,",
            "    loader: P003-08-11-00\n    files: [P003-08-11-00.bin, P003-08-11-00.sbn,",
            "loader `P003-08-11-00` ships in packages of two protocols",
            "id: P0M3-07-7-00",
        ),
        ("    preferred: 3\n", "    preferred: 1\n", "loads `P0S3-06-3-00` and `P0S3-07-4-00` share preferred rank 1", "  - id: P0S3-07-4-00"),
    ]);
}

/// Rules and cautions.
#[test]
fn a_broken_rule_or_caution_names_the_line() {
    let r2_evidence = "    evidence:\n      - source: MARKWILSON-2008\n        note: an SCCP 3.x 7940 pointed at P0S3-07-4-00 by OS79XX.TXT and an XMLDefault.cnf.xml showed \"Upgrading software\", never finished, then \"Load ID Incorrect\"\n";
    each_names_its_line(&[
        // Rules.
        (
            "  - id: R2\n",
            "  - id: R1\n",
            "rule `R1` is listed twice",
            "id: R1",
        ),
        (
            "below: \"5.0\"",
            "below: \"five\"",
            "rule `R1`: `from.below: five` is not a version like \"5.0\"",
            "id: R1",
        ),
        (
            "    reason: an SCCP 3.x phone pointed at P0S3-07-4-00",
            "    note: an SCCP 3.x phone pointed at P0S3-07-4-00",
            "refused rule `R2` needs a `reason` (what the phone does)",
            "id: R2",
        ),
        (
            r2_evidence,
            "    evidence: []\n",
            "rule `R2` names no evidence",
            "id: R2",
        ),
        (
            "      - source: DOC5455-TOC\n",
            "      - source: NOPE\n",
            "evidence names source `NOPE`",
            "id: R1",
        ),
        // Cautions.
        (
            "  - id: hunt-first-file\n",
            "  - id: cdp-loader-name\n",
            "caution `cdp-loader-name` is listed twice",
            "id: cdp-loader-name",
        ),
        (
            "    evidence: [VOIPHOPPER]\n  - id: hunt",
            "    evidence: []\n  - id: hunt",
            "caution `cdp-loader-name` names no evidence",
            "id: cdp-loader-name",
        ),
        (
            "    evidence: [VOIPHOPPER]\n  - id: hunt",
            "    evidence: [NOPE]\n  - id: hunt",
            "evidence names source `NOPE`",
            "id: cdp-loader-name",
        ),
        (
            "  - id: os79xx-one-line\n",
            "  - id: os79xx-two-lines\n",
            "caution `os79xx-one-line` is missing; plans print it",
            "cautions:",
        ),
    ]);
}

#[test]
fn the_built_in_matrix_parses_and_each_rule_knows_its_line() {
    let matrix = Matrix::parse(BUILTIN_YAML, "matrix.yaml").unwrap();
    for rule in &matrix.rules {
        let id_line = format!("  - id: {}", rule.id);
        let line = BUILTIN_YAML.lines().position(|l| l == id_line).unwrap() + 1;
        assert_eq!(matrix.rule_lines.get(&rule.id), Some(&line), "{}", rule.id);
    }
}
