//! The man pages as man(1) renders them: every page `phoneup man --dir DIR` writes goes through
//! groff (Debian's groff-base, which man-db uses) with every warning on, and must render without
//! one, its sections in place.

use std::fs;
use std::path::Path;
use std::process::Command;

use super::support::Test;

const GROFF: &str = "/usr/bin/groff";

#[test]
fn every_man_page_renders_without_a_warning() {
    assert!(
        Path::new(GROFF).exists(),
        "{GROFF} is missing: this test needs Debian's groff-base.\nInstall it with: bash .ci/install-test-servers\n(or: apt-get install -y --no-install-recommends groff-base)"
    );
    let test = Test::new();
    let dir = test.path().join("man1");
    let (code, _, stderr) = test.run(&["man", "--dir", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let mut pages = 0;
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let output = Command::new(GROFF)
            .args(["-ww", "-man", "-Tutf8"])
            .arg(&path)
            .env("LANG", "C.UTF-8")
            .env("GROFF_NO_SGR", "1")
            .output()
            .expect("groff runs");
        let warnings = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() && warnings.is_empty(),
            "{}: {warnings}",
            path.display()
        );
        // What a reader sees: the standard sections, and no roff left raw.
        // Bold and underline are overstruck (`X\bX`, `_\bX`): keep what is struck last.
        let mut shown = String::new();
        for c in String::from_utf8_lossy(&output.stdout).chars() {
            if c == '\u{8}' {
                shown.pop();
            } else {
                shown.push(c);
            }
        }
        for section in [
            "SYNOPSIS",
            "EXAMPLES",
            "EXIT STATUS",
            "ENVIRONMENT",
            "FILES",
            "SEE ALSO",
        ] {
            assert!(shown.contains(section), "{}: {section}", path.display());
        }
        assert!(!shown.contains("\\f"), "{}: raw roff", path.display());
        pages += 1;
    }
    assert_eq!(pages, 16);
}
