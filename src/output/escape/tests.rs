use super::*;

fn shown(text: &str, form: Form) -> String {
    let mut out = String::new();
    escape(&mut out, text, form).unwrap();
    out
}

/// One character of every class that must not pass, and how a person is shown it.
const CLASSES: [(&str, char, &str); 16] = [
    ("C0: escape", '\x1b', "\\u{1b}"),
    ("C0: bell", '\x07', "\\u{7}"),
    ("C0: nul", '\0', "\\u{0}"),
    ("C0: carriage return", '\r', "\\r"),
    ("delete", '\x7f', "\\u{7f}"),
    ("C1: next line", '\u{85}', "\\u{85}"),
    ("C1: control sequence introducer", '\u{9b}', "\\u{9b}"),
    ("bidi: right-to-left override", '\u{202e}', "\\u{202e}"),
    ("bidi: first strong isolate", '\u{2068}', "\\u{2068}"),
    ("bidi: Arabic letter mark", '\u{61c}', "\\u{61c}"),
    ("invisible: zero-width space", '\u{200b}', "\\u{200b}"),
    ("invisible: byte-order mark", '\u{feff}', "\\u{feff}"),
    ("invisible: tag latin A", '\u{e0041}', "\\u{e0041}"),
    ("a space that is not U+0020", '\u{a0}', "\\u{a0}"),
    (
        "noncharacter: one of phoneup's style marks",
        '\u{fdd1}',
        "\\u{fdd1}",
    ),
    ("noncharacter: U+10FFFF", '\u{10ffff}', "\\u{10ffff}"),
];

#[test]
fn every_class_of_unsafe_character_is_shown_escaped_in_every_form() {
    for (class, c, want) in CLASSES {
        let text = format!("a{c}b");
        assert!(is_unsafe(c), "{class}");
        assert_eq!(shown(&text, Form::Field), format!("a{want}b"), "{class}");
        assert_eq!(shown(&text, Form::Text), format!("a{want}b"), "{class}");
        assert_eq!(Untrusted(text.as_str()).to_string(), format!("a{want}b"));
        // JSON: a valid string that still holds the character itself.
        let json = shown(&serde_json::to_string(&text).unwrap(), Form::Json);
        assert!(!json.chars().any(is_unsafe), "{class}: {json}");
        assert_eq!(
            serde_json::from_str::<String>(&json).unwrap(),
            text,
            "{class}"
        );
        // YAML in double quotes: the same.
        let yaml = shown(&format!("\"a{c}b\""), Form::Yaml);
        assert!(!yaml.chars().any(is_unsafe), "{class}: {yaml}");
        assert_eq!(
            serde_yaml::from_str::<String>(&yaml).unwrap(),
            text,
            "{class}"
        );
    }
}

#[test]
fn json_and_yaml_escapes_are_their_own_syntax() {
    assert_eq!(shown("\x1b\u{202e}", Form::Json), "\\u001b\\u202e");
    assert_eq!(shown("\u{e0041}", Form::Json), "\\udb40\\udc41");
    assert_eq!(shown("\u{e0041}\u{85}", Form::Yaml), "\\U000e0041\\u0085");
    // Their layout passes.
    assert_eq!(
        shown("{\n\t\"a\\\"b\"\n}", Form::Json),
        "{\n\t\"a\\\"b\"\n}"
    );
}

#[test]
fn a_field_cannot_pass_for_a_line_a_column_or_an_escape_of_phoneups() {
    let name = "OS79XX.TXT\nfix: run rm -rf\there\\u{1b}";
    assert_eq!(
        shown(name, Form::Field),
        "OS79XX.TXT\\nfix: run rm -rf\\there\\\\u{1b}"
    );
    // phoneup's own text keeps its lines, tabs and backslashes.
    assert_eq!(shown(name, Form::Text), name);
}

#[test]
fn text_phoneup_may_show_as_it_is_is_unchanged() {
    for safe in [
        "P0S3-08-11-00.loads",
        "sntp_server: \u{201c}ntp.sipgate.net\u{201d} \u{2013} caf\u{e9}",
        "\u{1f4de} \u{65e5}\u{672c} \u{627}\u{644}\u{639}\u{631}\u{628}\u{64a}\u{629} e\u{301}",
        "",
    ] {
        assert_eq!(shown(safe, Form::Field), safe);
        assert_eq!(shown(safe, Form::Text), safe);
        assert_eq!(shown(safe, Form::Json), safe);
        assert_eq!(shown(safe, Form::Yaml), safe);
    }
}

#[test]
fn no_character_whatever_passes_unsafe_in_any_form() {
    let every: String = (0..=0x10ffff_u32).filter_map(char::from_u32).collect();
    for form in [Form::Field, Form::Text, Form::Json, Form::Yaml] {
        let out = shown(&every, form);
        let layout = |c: char| form != Form::Field && matches!(c, '\n' | '\t');
        let bad: Vec<char> = out
            .chars()
            .filter(|&c| is_unsafe(c) && !layout(c))
            .collect();
        assert!(bad.is_empty(), "{form:?}: {bad:?}");
    }
}

#[test]
fn untrusted_takes_width_and_precision_on_what_is_shown() {
    assert_eq!(format!("[{:<8}]", Untrusted("a\rb")), "[a\\rb    ]");
    assert_eq!(format!("[{:.4}]", Untrusted("a\x1bbcdef")), "[a\\u{]");
    assert_eq!(
        format!("{}", Untrusted(std::path::Path::new("/tmp/a\nb").display())),
        "/tmp/a\\nb"
    );
}

#[test]
fn a_character_is_escaped_wherever_it_falls_in_a_long_run_of_plain_text() {
    // Long runs are read 32 bytes at a time: a character at any place of a run, at its
    // first, last and every other byte of a block and past the last whole block, is caught.
    let cases = [
        (Form::Field, '\x1b', "\\u{1b}"),
        (Form::Field, '\n', "\\n"),
        (Form::Field, '\\', "\\\\"),
        (Form::Text, '\x7f', "\\u{7f}"),
        (Form::Text, '\n', "\n"),
        (Form::Json, '\u{202e}', "\\u202e"),
        (Form::Json, '\t', "\t"),
        (Form::Yaml, '\u{9b}', "\\u009b"),
    ];
    for (form, c, want) in cases {
        for at in 0..100 {
            let (before, after) = ("x".repeat(at), "y".repeat(99 - at));
            assert_eq!(
                shown(&format!("{before}{c}{after}"), form),
                format!("{before}{want}{after}"),
                "{form:?} {c:?} at {at}"
            );
        }
    }
}
