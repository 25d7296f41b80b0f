//! What reaches the terminal: colour only on a terminal and never with NO_COLOR, and nothing
//! raw from a file name, a file's contents, a matrix or an argument (terminal escapes and line
//! breaks are shown escaped).

use super::support::{card, phoneup};

#[test]
fn no_colour_when_output_is_not_a_terminal_even_without_no_color() {
    let output = phoneup()
        .env_remove("NO_COLOR")
        .args(card("plan", &[]))
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&output.stdout).contains('\x1b'));
}

/// Colour on a terminal (a pseudo-terminal made by util-linux `script`), never with NO_COLOR.
#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    let binary = assert_cmd::cargo::cargo_bin("phoneup");
    let command = format!(
        "{} check --from P0S3-06-3-00 --to P003-08-11-00",
        binary.display()
    );
    let on_terminal = |no_color: bool| {
        let mut script = std::process::Command::new("script");
        script
            .args(["-qec", &command, "/dev/null"])
            .env_remove("NO_COLOR")
            .env("TERM", "xterm");
        if no_color {
            script.env("NO_COLOR", "1");
        }
        let output = script
            .output()
            .expect("util-linux `script` runs (Debian's bsdutils)");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let coloured = on_terminal(false);
    assert!(coloured.contains("\x1b[1;32mSAFE:\x1b[0m"), "{coloured:?}");
    let plain = on_terminal(true);
    assert!(
        plain.contains("SAFE:") && !plain.contains('\x1b'),
        "{plain:?}"
    );
}
