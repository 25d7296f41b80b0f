//! Checks the built-in upgrade matrix, `data/matrix.yaml`, with the same loader phoneup uses for
//! `--matrix` (the crate `phoneup-matrix`, `crates/matrix/`: a broken file fails the build, with
//! its line), and writes it out as Rust data (`$OUT_DIR/builtin_matrix.rs`, included by
//! `src/knowledge/builtin.rs`), so a run of phoneup never parses YAML for the built-in matrix.

use std::fmt::Write as _;
use std::path::Path;

use phoneup_matrix::matrix::families::{RawFamilies, RawFamilyRule, RawRange};
use phoneup_matrix::matrix::{
    Matrix, RawCondition, RawLoad, RawMatrix, RawRule, BUILTIN_ORIGIN, BUILTIN_YAML,
};

const M: &str = "crate::knowledge::matrix";
const L: &str = "crate::knowledge::load_id";

fn main() {
    // The loader is a build-dependency: a change to it builds and runs this script again.
    for path in ["build.rs", "data/matrix.yaml"] {
        println!("cargo:rerun-if-changed={path}");
    }
    if let Err(error) = Matrix::parse(BUILTIN_YAML, BUILTIN_ORIGIN) {
        panic!("data/matrix.yaml is not a valid matrix: {error}");
    }
    let raw: RawMatrix = serde_yaml::from_str(BUILTIN_YAML).expect("validated above");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out).join("builtin_matrix.rs"), emit(&raw))
        .expect("OUT_DIR is writable");
}

/// A Rust string expression.
fn s(text: &str) -> String {
    format!("String::from({text:?})")
}

fn opt(value: &Option<String>) -> String {
    match value {
        Some(text) => format!("Some({})", s(text)),
        None => "None".into(),
    }
}

fn strings(values: &[String]) -> String {
    let items: Vec<String> = values.iter().map(|v| s(v)).collect();
    format!("vec![{}]", items.join(", "))
}

fn option_debug<T: std::fmt::Debug>(value: &Option<T>, path: &str) -> String {
    match value {
        Some(v) => format!("Some({path}::{v:?})"),
        None => "None".into(),
    }
}

fn condition(c: &RawCondition) -> String {
    let era = match &c.era {
        Some(eras) => {
            let items: Vec<String> = eras.iter().map(|e| format!("{L}::Era::{e:?}")).collect();
            format!("Some(vec![{}])", items.join(", "))
        }
        None => "None".into(),
    };
    format!(
        "{M}::RawCondition {{ kind: {}, protocol: {}, min: {}, below: {}, era: {era} }}",
        option_debug(&c.kind, &format!("{L}::Kind")),
        option_debug(&c.protocol, &format!("{L}::Protocol")),
        opt(&c.min),
        opt(&c.below),
    )
}

fn load(l: &RawLoad) -> String {
    let spellings: Vec<String> = l
        .spellings
        .iter()
        .map(|sp| {
            format!(
                "{M}::Spelling {{ id: {}, evidence: {} }}",
                s(&sp.id),
                strings(&sp.evidence)
            )
        })
        .collect();
    let sizes: Vec<String> = l
        .sizes
        .iter()
        .map(|size| {
            format!(
                "{M}::FileSize {{ file: {}, bytes: {}, source: {} }}",
                s(&size.file),
                size.bytes,
                s(&size.source)
            )
        })
        .collect();
    format!(
        "{M}::RawLoad {{ id: {}, version: {}, loader: {}, files: {}, inferred: {}, spellings: vec![{}], evidence: {}, note: {}, preferred: {:?}, sizes: vec![{}] }}",
        s(&l.id),
        s(&l.version),
        opt(&l.loader),
        strings(&l.files),
        strings(&l.inferred),
        spellings.join(", "),
        strings(&l.evidence),
        opt(&l.note),
        l.preferred,
        sizes.join(", "),
    )
}

/// A rule's evidence, as the items of a `vec![...]`.
fn evidence(list: &[phoneup_matrix::matrix::Evidence]) -> String {
    let items: Vec<String> = list
        .iter()
        .map(|e| {
            format!(
                "{M}::Evidence {{ source: {}, note: {} }}",
                s(&e.source),
                s(&e.note)
            )
        })
        .collect();
    items.join(", ")
}

fn rule(r: &RawRule) -> String {
    format!(
        "{M}::RawRule {{ id: {}, summary: {}, verdict: {M}::Verdict::{:?}, from: {}, to: {}, same_package: {}, mechanism: {}, confidence: {M}::Confidence::{:?}, reason: {}, note: {}, evidence: vec![{}] }}",
        s(&r.id),
        s(&r.summary),
        r.verdict,
        condition(&r.from),
        condition(&r.to),
        r.same_package,
        option_debug(&r.mechanism, &format!("{M}::Mechanism")),
        r.confidence,
        opt(&r.reason),
        opt(&r.note),
        evidence(&r.evidence),
    )
}

fn range(r: &RawRange) -> String {
    format!(
        "{M}::families::RawRange {{ protocol: {}, min: {}, below: {} }}",
        option_debug(&r.protocol, "phoneup_matrix::family::JavaProtocol"),
        opt(&r.min),
        opt(&r.below),
    )
}

fn family_rule(r: &RawFamilyRule) -> String {
    format!(
        "{M}::families::RawFamilyRule {{ id: {}, summary: {}, families: {}, verdict: {M}::families::FamilyVerdict::{:?}, from: {}, to: {}, protocol_change: {}, same_key: {}, other_family: {}, bridge: {}, confidence: {M}::Confidence::{:?}, reason: {}, note: {}, evidence: vec![{}] }}",
        s(&r.id),
        s(&r.summary),
        strings(&r.families),
        r.verdict,
        range(&r.from),
        range(&r.to),
        r.protocol_change,
        r.same_key,
        r.other_family,
        opt(&r.bridge),
        r.confidence,
        opt(&r.reason),
        opt(&r.note),
        evidence(&r.evidence),
    )
}

/// The `families` section: the Java-based phones' loads and rules.
fn families(f: &RawFamilies) -> String {
    let loads: Vec<String> = f
        .loads
        .iter()
        .map(|l| {
            format!(
                "{M}::families::RawFamilyLoad {{ id: {}, files: {}, evidence: {}, note: {} }}",
                s(&l.id),
                strings(&l.files),
                strings(&l.evidence),
                opt(&l.note)
            )
        })
        .collect();
    let rules: Vec<String> = f.rules.iter().map(family_rule).collect();
    let cautions: Vec<String> = f.cautions.iter().map(caution).collect();
    format!(
        "{M}::families::RawFamilies {{\n            loads: vec![\n                {}\n            ],\n            rules: vec![\n                {}\n            ],\n            cautions: vec![\n                {}\n            ],\n        }}",
        loads.join(",\n                "),
        rules.join(",\n                "),
        cautions.join(",\n                ")
    )
}

fn caution(c: &phoneup_matrix::matrix::Caution) -> String {
    format!(
        "{M}::Caution {{ id: {}, text: {}, evidence: {} }}",
        s(&c.id),
        s(&c.text),
        strings(&c.evidence)
    )
}

fn emit(raw: &RawMatrix) -> String {
    let mut out = String::from(
        "// Generated by build.rs from data/matrix.yaml: edit the YAML, not this file.\n\n\
         /// `data/matrix.yaml` as the loader reads it, before validation.\n\
         fn raw() -> crate::knowledge::matrix::RawMatrix {\n",
    );
    let _ = writeln!(out, "    {M}::RawMatrix {{\n        sources: vec![");
    for source in &raw.sources {
        let _ = writeln!(
            out,
            "            {M}::Source {{ key: {}, title: {}, url: {}, location: {} }},",
            s(&source.key),
            s(&source.title),
            opt(&source.url),
            opt(&source.location)
        );
    }
    out.push_str("        ],\n        loads: vec![\n");
    for l in &raw.loads {
        let _ = writeln!(out, "            {},", load(l));
    }
    out.push_str("        ],\n        rules: vec![\n");
    for r in &raw.rules {
        let _ = writeln!(out, "            {},", rule(r));
    }
    out.push_str("        ],\n        cautions: vec![\n");
    for c in &raw.cautions {
        let _ = writeln!(out, "            {},", caution(c));
    }
    let _ = writeln!(
        out,
        "        ],\n        families: {},",
        families(&raw.families)
    );
    out.push_str("    }\n}\n");
    out
}
