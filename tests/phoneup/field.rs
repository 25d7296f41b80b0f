//! Field truth (issue 21): what reports and logs nobody on this project wrote say, phoneup says
//! too. Routine updates are one stage, load IDs pasted from the web are read, every locator
//! opens for a user, advice names only files a package ships, and impostor files are caught.

use phoneup::knowledge::graph;
use phoneup::knowledge::load_id::Kind;
use phoneup::knowledge::matrix::Matrix;
use phoneup::knowledge::Builtin;
use phoneup::plan::{Outcome, Planner, Request};

fn path_of(planner: &Planner, from: &str, to: &str) -> Vec<String> {
    match planner.plan(&Request::new(from, to)).unwrap() {
        Outcome::Plan(plan) => plan.path,
        Outcome::NoPath(no) => panic!("{from} -> {to}: no plan: {:?}", no.reasons),
    }
}

#[test]
fn routine_sccp_updates_are_one_stage() {
    let matrix = Matrix::builtin().unwrap();
    let planner = Planner::new(&matrix);
    for (from, to) in [
        ("P00308000400", "P00308000500"),
        ("P00308000500", "P0030801SR02"),
        ("P0030801SR02", "P00308000500"),
    ] {
        assert_eq!(path_of(&planner, from, to), [from, to]);
    }
}

/// No plan between two applications of one protocol converts to the other protocol and back
/// while a rule allows the direct jump: two conversions, each with its loader hunt, are not
/// safer than one routine update.
#[test]
fn no_plan_between_loads_of_one_protocol_leaves_it_while_a_direct_rule_exists() {
    let matrix = Matrix::builtin().unwrap();
    let planner = Planner::new(&matrix);
    let mut direct = 0;
    for from in &matrix.loads {
        for to in &matrix.loads {
            let same_protocol = from.id.kind() == Kind::Application
                && to.id.kind() == Kind::Application
                && from.protocol() == to.protocol()
                && from.name() != to.name();
            if !same_protocol || graph::best_rule(&matrix, from, to).is_none() {
                continue;
            }
            direct += 1;
            let path = path_of(&planner, from.name(), to.name());
            for name in &path {
                let load = matrix.by_name(name).unwrap();
                assert_eq!(
                    load.protocol(),
                    from.protocol(),
                    "{} -> {}: {path:?} leaves {:?} on {name}",
                    from.name(),
                    to.name(),
                    from.protocol()
                );
            }
        }
    }
    assert!(direct > 100, "only {direct} pairs with a direct rule");
}

fn phoneup(args: &[&str]) -> (i32, String) {
    let output = assert_cmd::Command::cargo_bin("phoneup")
        .unwrap()
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

/// tcg.com prints `P0S3-08–2‑00` (an en dash and a non-breaking hyphen): plan, check and
/// identify read it as P0S3-08-2-00 and say so.
#[test]
fn load_ids_pasted_with_typographic_dashes_plan_with_a_note() {
    let pasted = "P0S3-08\u{2013}2\u{2011}00";
    let (code, text) = phoneup(&["plan", "--from", pasted, "--to", "P0S3-08-11-00"]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.starts_with("Plan: P0S3-08-2-00 (SIP 8.2) -> P0S3-08-11-00"),
        "{text}"
    );
    assert!(
        text.contains(&format!("Note: --from `{pasted}` was read as P0S3-08-2-00: its U+2013 (en dash) and U+2011 (non-breaking hyphen) were read as `-`")),
        "{text}"
    );
    let (code, text) = phoneup(&[
        "plan",
        "--from",
        "P0S3-08-2-00",
        "--to",
        "P0S3\u{2212}08\u{2010}11\u{00AD}-00",
    ]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("Note: --to `"), "{text}");
    let (code, text) = phoneup(&["check", "--from", pasted, "--to", "P0S3-08-11-00"]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("note      --from `"), "{text}");
    let root = tempfile::tempdir().unwrap();
    let (_, text) = phoneup(&[
        "simulate",
        "--from",
        pasted,
        "--tftp-root",
        root.path().to_str().unwrap(),
    ]);
    assert!(text.starts_with("Note: --from `"), "{text}");
    assert!(text.contains("Simulating P0S3-08-2-00 on a 7940"), "{text}");
    let (code, text) = phoneup(&["identify", pasted]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("catalogue    yes, as P0S3-08-2-00"), "{text}");
    assert!(text.contains("was read as P0S3-08-2-00"), "{text}");
}

/// Whether a `where` citation reads as a path on somebody's machine or in a crawl, not as
/// something a reader can find.
fn local_path(locator: &str) -> bool {
    let lower = locator.to_ascii_lowercase();
    lower.contains("shared/")
        || lower.contains("seeds/")
        || lower.contains("crawl id")
        || lower.contains("crawled")
        || lower.starts_with('/')
        || lower.starts_with("./")
        || lower.starts_with("../")
        || lower.starts_with('~')
        || lower.starts_with("file:")
        || lower.contains(".txt")
}

/// Every source of the built-in matrix opens for a user: a public web address, or a citation
/// (title, site, date) to search for; none names a path on our machines.
#[test]
fn every_evidence_locator_opens_for_a_user() {
    let matrix = Matrix::builtin().unwrap();
    for source in &matrix.sources {
        let locator = source.locator();
        match &source.url {
            Some(url) => assert!(
                url.starts_with("https://") || url.starts_with("http://"),
                "{}: {url} is not a web address",
                source.key
            ),
            None => {
                let citation = source.location.as_deref().unwrap_or_default();
                assert!(
                    citation.contains('"') && citation.chars().any(|c| c.is_ascii_digit()),
                    "{}: `{citation}` is not a citation with a title and a date",
                    source.key
                );
            }
        }
        assert!(
            !local_path(locator),
            "{}: `{locator}` points at a local path",
            source.key
        );
        assert!(
            !source.key.starts_with("seed"),
            "{}: name it by its origin",
            source.key
        );
    }
    // The test catches what it is for.
    assert!(local_path("shared/seeds/004_d70bdb30d670336c.txt"));
    assert!(local_path("crawled GitHub file, crawl id 19936779969"));
}

/// Nothing phoneup ships names the team's copies of the public pages.
#[test]
fn no_source_or_data_file_names_the_team_s_copies() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stack = vec![root.join("src"), root.join("data")];
    let mut read = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            read += 1;
            for needle in [
                "shared/seeds",
                "shared/research",
                "shared/domain",
                "crawl id",
            ] {
                assert!(!text.contains(needle), "{} names {needle}", path.display());
            }
        }
    }
    assert!(read > 50, "only {read} files read");
}

/// Whether `text` names a field report by the team's number for it (`seed 002`, `Seeds 000
/// to 002`, `seed-003.tftpd32.log`, `seed_004`) rather than by its public origin.
fn names_a_seed(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    lower.match_indices("seed").find_map(|(at, _)| {
        let rest = lower[at + 4..].trim_start_matches('s');
        let rest = rest.strip_prefix([' ', '-', '_']).unwrap_or(rest);
        rest.starts_with("00")
            .then(|| lower[at..].chars().take(20).collect())
    })
}

/// The five field reports the project began with are public pages, named in everything a
/// user reads by their public origin (`MCLEAN-CTLSEP`, `TCG-7960`, ...): not in the program's
/// words (its source and the binary's strings), its data, the README, the docs, the fixtures'
/// sources, nor the tests and the snapshots of what it prints says "seed 002".
#[test]
fn no_output_or_page_names_a_field_report_by_the_team_s_number() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stack = vec![
        root.join("src"),
        root.join("data"),
        root.join("docs"),
        root.join("tests/phoneup"),
        root.join("tests/system"),
    ];
    let mut files: Vec<std::path::PathBuf> = ["README.md", "CHANGELOG.md", "CONTRIBUTING.md"]
        .iter()
        .chain(&["tests/fixtures/logs/README.md"])
        .map(|f| root.join(f))
        .collect();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            // This file shows what the test looks for.
            if path.ends_with("tests/phoneup/field.rs") {
                continue;
            }
            match path.is_dir() {
                true => stack.push(path),
                false => files.push(path),
            }
        }
    }
    let mut read = 0;
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        read += 1;
        if let Some(seed) = names_a_seed(&text) {
            panic!("{} says `{seed}`: name the field report by its origin (docs/knowledge.md#field-reports)", path.display());
        }
    }
    assert!(read > 200, "only {read} files read");
    let binary = std::fs::read(env!("CARGO_BIN_EXE_phoneup")).unwrap();
    let strings = String::from_utf8_lossy(&binary);
    assert_eq!(names_a_seed(&strings), None, "the phoneup binary");
    // Where the words of diagnose, lint and serve cite a field report, they cite it by a key of
    // the built-in matrix, whose `sources` hold its title and address (one home for each).
    let matrix = Matrix::builtin().unwrap();
    let key = regex::Regex::new(r"\b[A-Z]{2,}[A-Z0-9]*(-[A-Z0-9]+)+\b").unwrap();
    let mut cited = 0;
    for file in [
        "src/logs/report/words.rs",
        "src/tftp_root/lint.rs",
        "src/wire/serve/registry.rs",
    ] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        for found in key.find_iter(&text) {
            cited += 1;
            assert!(
                matrix.source(found.as_str()).is_some(),
                "{file} cites {}, which is no source of the matrix",
                found.as_str()
            );
        }
    }
    assert!(cited > 20, "only {cited} citations");
    // The test catches what it is for.
    for said in [
        "(seed 002)",
        "Seeds 000 to 002",
        "seed-003.tftpd32.log",
        "seed_004_root",
        "seed 002 \u{2192}\u{2192}\u{2192}\u{2192}\u{2192}\u{2192}",
    ] {
        assert!(names_a_seed(said).is_some(), "{said}");
    }
    for fine in ["a seed corpus", "TCG-7960", "seeds", "rng seed 42"] {
        assert_eq!(names_a_seed(fine), None, "{fine}");
    }
}

/// The firmware file names in `text` (load IDs with a firmware extension).
fn firmware_names(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '.'))
        .map(|word| word.trim_end_matches('.'))
        .filter(|word| {
            phoneup::knowledge::load_id::LoadId::parse(word)
                .is_ok_and(|id| id.extension().is_some())
        })
        .map(str::to_string)
        .collect()
}

/// Every sentence of `text` that tells the user to copy or obtain a file names only files a
/// package of the catalogue ships.
fn assert_copies_only_shipped(
    packages: &phoneup::knowledge::package::Packages,
    text: &str,
    context: &str,
) -> usize {
    use phoneup::knowledge::package::Shipped;
    let mut checked = 0;
    for sentence in text.split(". ") {
        let lower = sentence.to_ascii_lowercase();
        if !(lower.contains("copy") || lower.contains("obtain")) {
            continue;
        }
        for file in firmware_names(sentence) {
            checked += 1;
            assert!(
                matches!(packages.ships(&file), Shipped::Yes(_)),
                "{context}: `{sentence}` names {file}, which no package ships"
            );
        }
    }
    checked
}

/// No stage of any plan tells a user to fetch a file no package of the catalogue ships: its
/// firmware, its notes and its warnings.
#[test]
fn every_stage_names_only_files_a_package_ships() {
    use phoneup::knowledge::package::{Packages, Shipped};
    let matrix = Matrix::builtin().unwrap();
    let packages = Packages::of(&matrix);
    let planner = Planner::new(&matrix);
    let mut stages = 0;
    for from in &matrix.loads {
        for to in &matrix.loads {
            let Outcome::Plan(plan) = planner.plan(&Request::new(from.name(), to.name())).unwrap()
            else {
                continue;
            };
            let context = format!("{} -> {}", from.name(), to.name());
            for note in &plan.notes {
                assert_copies_only_shipped(&packages, note, &context);
            }
            for stage in &plan.stages {
                stages += 1;
                for file in &stage.firmware {
                    assert!(
                        matches!(packages.ships(file), Shipped::Yes(_)),
                        "{context}: stage {} fetches {file}",
                        stage.reboot
                    );
                }
                for text in stage.warnings.iter().chain([&stage.confirm]) {
                    for file in firmware_names(text) {
                        assert!(
                            matches!(packages.ships(&file), Shipped::Yes(_)),
                            "{context}: stage {} says `{text}`",
                            stage.reboot
                        );
                    }
                }
            }
        }
    }
    assert!(stages > 2000, "only {stages} stages");
}

/// No finding of `simulate` tells a user to copy a file no package ships: a phone on each
/// catalogue load, pointed by OS79XX.TXT, SIPDefault.cnf and XMLDefault.cnf.xml at each other
/// load with none of its firmware served (a SIP 6.3 phone pointed at P0S3-8-12-00 is told to
/// name the loader, not to copy P0S3-8-12-00.sbn).
#[test]
fn every_simulate_finding_names_only_files_a_package_ships() {
    use phoneup::commands::simulate::{suggest, BootedFrom};
    use phoneup::knowledge::load_id::LoadId;
    use phoneup::knowledge::package::Packages;
    use phoneup::knowledge::phones::Model;
    use phoneup::phone::Phone;
    use phoneup::tftp_root::TftpRoot;
    let matrix = Matrix::builtin().unwrap();
    let packages = Packages::of(&matrix);
    let mut checked = 0;
    for from in matrix.loads.iter().filter(|l| l.id.era().is_some()) {
        for to in &matrix.loads {
            let mut root = TftpRoot::new();
            root.insert("OS79XX.TXT", format!("{}\n", to.name()));
            root.insert("SIPDefault.cnf", format!("image_version: {}\n", to.name()));
            root.insert(
                "XMLDefault.cnf.xml",
                format!(
                    "<Default><loadInformation8 model=\"IP Phone 7940\">{}</loadInformation8></Default>\n",
                    to.name()
                ),
            );
            let phone = Phone::new(Model::M7940);
            let start = LoadId::parse(from.name()).unwrap();
            let mut simulation = phone.simulate(&start, &root, 4);
            suggest(
                &mut simulation,
                &BootedFrom::Root(std::path::Path::new("/srv/tftp")),
            );
            let context = format!("{} pointed at {}", from.name(), to.name());
            for problem in &simulation.problems {
                checked += assert_copies_only_shipped(&packages, problem, &context);
            }
            if let Some(next) = &simulation.next_step {
                checked += assert_copies_only_shipped(&packages, &next.fix, &context);
            }
        }
    }
    assert!(checked > 100, "only {checked} files checked");
    // The field's case: the loader is named, and no copy of a file no package ships.
    let mut root = TftpRoot::new();
    root.insert("OS79XX.TXT", "P0S3-8-12-00\n");
    root.insert("SIPDefault.cnf", "image_version: P0S3-8-12-00\n");
    let simulation =
        Phone::new(Model::M7940).simulate(&LoadId::parse("P0S3-06-3-00").unwrap(), &root, 4);
    let text = simulation.problems.join("\n");
    assert!(
        text.contains("Point it at the loader P003-8-12-00"),
        "{text}"
    );
    assert!(!text.to_ascii_lowercase().contains("copy"), "{text}");
}

/// A `.bin` that is the `.sb2` renamed, and a `.bin` no 8.12 package ships: inventory calls
/// the loads suspect, lint flags both, and check --tftp-root says the phone fetches one.
#[test]
fn impostor_files_are_flagged_by_inventory_lint_and_check() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: Vec<u8>| std::fs::write(dir.path().join(name), bytes).unwrap();
    // CISCOPROV's 8.1(2)SR2: the .sb2 is 708,460 bytes, the .bin 130,552.
    write("P0030801SR02.bin", vec![0; 708_460]);
    write("P0030801SR02.sb2", vec![0; 708_460]);
    write("P0030801SR02.sbn", vec![0; 130_956]);
    write(
        "P0030801SR02.loads",
        phoneup::plan::replay::stand_in_sized(
            "P0030801SR02.loads",
            b"P0030801SR02\r\nP0030801SR02.sbn\r\nP0030801SR02.sb2\r\n",
        ),
    );
    write("P0S3-8-12-00.bin", vec![0; 130_552]);
    write(
        "XMLDefault.cnf.xml",
        b"<Default><loadInformation8 model=\"IP Phone 7940\">P0030801SR02</loadInformation8><loadInformation7 model=\"IP Phone 7960\">P0030801SR02</loadInformation7></Default>\n".to_vec(),
    );
    let root = dir.path().to_str().unwrap();
    let (code, text) = phoneup(&["inventory", "--tftp-root", root]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("suspect: P0030801SR02.bin"), "{text}");
    assert!(
        text.contains("P0030801SR02.bin is 708460 bytes, but the SCCP 8.1(2)SR2 package's P0030801SR02.bin is 130552 bytes (CISCOPROV)"),
        "{text}"
    );
    assert!(
        text.contains("no package of SIP 8.12 ships a file named P0S3-8-12-00.bin"),
        "{text}"
    );
    let (code, text) = phoneup(&["lint", "--tftp-root", root, "--format", "json"]);
    assert_eq!(code, 1, "{text}");
    let findings: serde_json::Value = serde_json::from_str(&text).unwrap();
    let impostors: Vec<&str> = findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "impostor")
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        impostors,
        ["P0030801SR02.bin", "P0S3-8-12-00.bin"],
        "{text}"
    );
    // A factory phone takes the package's .bin loader first (R14): here it is the .sb2.
    let (code, text) = phoneup(&["check", "--from", "P0030301MFG2", "--tftp-root", root]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("fetches P0030801SR02.bin, and P0030801SR02.bin is 708460 bytes"),
        "{text}"
    );
    // The right sizes pass.
    write("P0030801SR02.bin", vec![0; 130_552]);
    std::fs::remove_file(dir.path().join("P0S3-8-12-00.bin")).unwrap();
    let (code, text) = phoneup(&["inventory", "--tftp-root", root]);
    assert_eq!(code, 0, "{text}");
    assert!(!text.contains("suspect"), "{text}");
    let (code, text) = phoneup(&["check", "--from", "P0030301MFG2", "--tftp-root", root]);
    assert_eq!(code, 0, "{text}");
}
