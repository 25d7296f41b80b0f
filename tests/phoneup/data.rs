//! The upgrade matrix stays canonical and consistent (in the spirit of typos' verify test).

use phoneup::knowledge::graph::UpgradeGraph;
use phoneup::knowledge::load_id::Kind;
use phoneup::knowledge::matrix::{Matrix, Verdict};
use phoneup::knowledge::Builtin;

#[track_caller]
fn assert_sorted(items: Vec<&str>, key: impl Fn(&&str) -> (u32, String), what: &str) {
    let mut sorted = items.clone();
    sorted.sort_by_key(|item| key(item));
    assert_eq!(items, sorted, "sort the `{what}` of data/matrix.yaml");
}

fn by_text(item: &&str) -> (u32, String) {
    (0, item.to_string())
}

fn builtin() -> Matrix {
    Matrix::builtin().expect("data/matrix.yaml loads")
}

/// `R4a` sorts as (4, "a"), so R10 comes after R9b.
fn rule_order(id: &str) -> (u32, String) {
    let digits: String = id[1..].chars().take_while(char::is_ascii_digit).collect();
    (
        digits.parse().expect("rule ids are R<number><suffix>"),
        id[1 + digits.len()..].to_string(),
    )
}

#[test]
fn sources_are_sorted_by_key() {
    let matrix = builtin();
    let keys: Vec<&str> = matrix.sources.iter().map(|s| s.key.as_str()).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(
        keys, sorted,
        "sort the `sources` of data/matrix.yaml by key"
    );
}

#[test]
fn loads_are_sorted_by_kind_protocol_and_version() {
    let matrix = builtin();
    let names: Vec<&str> = matrix.loads.iter().map(|l| l.name()).collect();
    let mut sorted = matrix.loads.clone();
    sorted.sort_by(|a, b| {
        (a.id.kind(), a.id.protocol())
            .cmp(&(b.id.kind(), b.id.protocol()))
            .then_with(|| a.id.cmp_version(&b.id))
    });
    let sorted: Vec<&str> = sorted.iter().map(|l| l.name()).collect();
    assert_eq!(
        names, sorted,
        "sort the `loads` of data/matrix.yaml: applications by protocol and version, then loaders"
    );
}

#[test]
fn cautions_are_sorted_by_id() {
    let matrix = builtin();
    let ids = matrix.cautions.iter().map(|c| c.id.as_str()).collect();
    assert_sorted(ids, by_text, "cautions");
}

#[test]
fn rules_are_sorted_by_id() {
    let matrix = builtin();
    let ids = matrix.rules.iter().map(|r| r.id.as_str()).collect();
    assert_sorted(ids, |id| rule_order(id), "rules");
}

#[test]
fn package_files_are_sorted_and_belong_to_the_package() {
    for load in builtin().loads {
        let mut sorted = load.files.clone();
        sorted.sort();
        assert_eq!(load.files, sorted, "sort the files of {}", load.name());
        for file in &load.files {
            let stem = file.rsplit_once('.').expect("files have extensions").0;
            assert!(
                stem == load.name() || Some(stem) == load.loader.as_deref(),
                "{file} belongs to neither {} nor its loader",
                load.name()
            );
        }
    }
}

#[test]
fn every_rule_has_evidence_and_a_confidence_and_every_source_is_used() {
    let matrix = builtin();
    let mut used = std::collections::BTreeSet::new();
    // Every rule, the 7940/7960's and the Java-based families', says what each source shows.
    let rules = matrix.rules.iter().map(|r| (&r.id, &r.evidence));
    let family_rules = matrix.families.rules.iter().map(|r| (&r.id, &r.evidence));
    for (id, evidence) in rules.chain(family_rules) {
        assert!(!evidence.is_empty(), "rule {id} has no evidence");
        for evidence in evidence {
            assert!(matrix.source(&evidence.source).is_some());
            assert!(
                !evidence.note.trim().is_empty(),
                "rule {id}: say what {} shows",
                evidence.source
            );
            used.insert(evidence.source.clone());
        }
    }
    let families = &matrix.families;
    let loads = matrix.loads.iter().map(|l| &l.evidence);
    let cautions = matrix.cautions.iter().map(|c| &c.evidence);
    let family_loads = families.loads.iter().map(|l| &l.evidence);
    let family_cautions = families.cautions.iter().map(|c| &c.evidence);
    for keys in loads
        .chain(cautions)
        .chain(family_loads)
        .chain(family_cautions)
    {
        used.extend(keys.iter().cloned());
    }
    for source in &matrix.sources {
        assert!(
            used.contains(&source.key),
            "source {} is cited by nothing; remove it",
            source.key
        );
    }
}

#[test]
fn every_rule_speaks_about_some_pair_of_catalogue_loads() {
    let matrix = builtin();
    let graph = UpgradeGraph::new(&matrix, None);
    for rule in &matrix.rules {
        let pairs = matrix
            .loads
            .iter()
            .flat_map(|a| matrix.loads.iter().map(move |b| (a, b)))
            .filter(|(a, b)| a.name() != b.name() && rule.applies(a, b))
            .count();
        assert!(
            pairs > 0,
            "rule {} matches no pair of catalogue loads",
            rule.id
        );
    }
    assert!(graph.edge_count() > 0);
}

#[test]
fn no_jump_is_both_allowed_and_refused() {
    let matrix = builtin();
    for a in &matrix.loads {
        for b in &matrix.loads {
            let allowed: Vec<_> = matrix.allowances(a, b).map(|r| r.id.clone()).collect();
            let refused: Vec<_> = matrix.refusals(a, b).map(|r| r.id.clone()).collect();
            assert!(
                allowed.is_empty() || refused.is_empty(),
                "{} -> {}: allowed by {allowed:?} and refused by {refused:?}",
                a.name(),
                b.name()
            );
        }
    }
}

#[test]
fn every_load_is_connected_to_the_graph() {
    let matrix = builtin();
    let graph = UpgradeGraph::new(&matrix, None);
    // A loader listed only as part of a package no rule leads into (MGCP: the sources show
    // phones leaving it, never arriving) stands alone.
    let arrives = |protocol| {
        matrix
            .rules
            .iter()
            .any(|r| r.verdict == Verdict::Allowed && r.to.protocol == protocol)
    };
    for load in matrix
        .loads
        .iter()
        .filter(|l| l.id.kind() != Kind::Loader || arrives(l.package))
    {
        let node = graph.node(load.name()).unwrap();
        let outgoing = graph.successors(node).count();
        let incoming = matrix
            .loads
            .iter()
            .filter(|other| {
                graph
                    .node(other.name())
                    .is_some_and(|o| graph.successors(o).any(|n| n == node))
            })
            .count();
        assert!(
            outgoing + incoming > 0,
            "{} can neither be reached nor left: a rule is missing or a range is wrong",
            load.name()
        );
    }
}

#[test]
fn every_allowed_rule_yields_at_least_one_edge() {
    let matrix = builtin();
    for rule in matrix
        .rules
        .iter()
        .filter(|r| r.verdict == Verdict::Allowed)
    {
        let used = matrix.loads.iter().any(|a| {
            matrix.loads.iter().any(|b| {
                phoneup::knowledge::graph::best_rule(&matrix, a, b).is_some_and(|r| r.id == rule.id)
            })
        });
        assert!(
            used,
            "allowed rule {} never becomes an edge (missing firmware in the catalogue?)",
            rule.id
        );
    }
}

#[test]
fn spellings_and_inferred_files_are_kept_canonical() {
    for load in builtin().loads {
        let spellings: Vec<&str> = load.spellings.iter().map(|s| s.id.as_str()).collect();
        let mut sorted = spellings.clone();
        sorted.sort();
        assert_eq!(spellings, sorted, "sort the spellings of {}", load.name());
        let mut inferred = load.inferred.clone();
        inferred.sort();
        assert_eq!(
            load.inferred,
            inferred,
            "sort the inferred files of {}",
            load.name()
        );
    }
}

#[test]
fn fussylogic_7940_spelling_is_recorded_with_its_evidence() {
    let matrix = builtin();
    for name in ["P0S3-8-11-00", "P003-8-11-00"] {
        let load = matrix.by_name(name).expect("a recorded spelling");
        let spelling = load.spellings.iter().find(|s| s.id == name).unwrap();
        assert_eq!(spelling.evidence, ["FUSSYLOGIC-7940"]);
        assert!(load.name().contains("-08-11-"), "Cisco's spelling first");
    }
}

#[test]
fn loaders_belong_to_a_package() {
    let matrix = builtin();
    for loader in matrix.loads.iter().filter(|l| l.id.kind() == Kind::Loader) {
        assert!(
            matrix
                .loads
                .iter()
                .any(|l| l.loader.as_deref() == Some(loader.name())),
            "loader {} is in no package",
            loader.name()
        );
    }
}

/// The five field reports the project began with are sources by their public origin, each with
/// the address a user opens (the old test of `seed-` sources pointing at files beside the
/// checkout had nothing left to look at).
#[test]
fn the_founding_field_reports_are_sources_with_a_public_address() {
    let matrix = builtin();
    for key in [
        "MCLEAN-CTLSEP",
        "VI-FWISSUES",
        "TCG-7960",
        "MARKWILSON-2008",
        "FUSSYLOGIC-7940",
    ] {
        let source = matrix
            .sources
            .iter()
            .find(|s| s.key == key)
            .unwrap_or_else(|| panic!("no source {key}"));
        let url = source.url.as_deref().unwrap_or_default();
        assert!(
            url.starts_with("http"),
            "{key} has no public address: {url:?}"
        );
        assert_eq!(source.location, None, "{key} points at a local file");
    }
    assert!(!matrix.sources.iter().any(|s| s.key.starts_with("seed-")));
}

#[test]
fn caution_placeholders_are_filled_and_anything_else_is_kept() {
    let text = phoneup::knowledge::matrix::BUILTIN_YAML.replacen(
        "text: \"No way back: {to} is signed",
        "text: \"{to}{from}{0}%s%n {unclosed {loader} No way back: {to} is signed",
        1,
    );
    let matrix = Matrix::parse(&text, "placeholders.yaml").unwrap();
    let filled = matrix.caution(
        "no-way-back",
        &[("to", "A"), ("from", "B"), ("loader", "C")],
    );
    assert!(
        filled.starts_with("AB{0}%s%n {unclosed C No way back: A is signed"),
        "{filled}"
    );
    assert!(filled.ends_with("[CME-INSTALL, DOC68244]"), "{filled}");
}
