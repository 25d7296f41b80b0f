use super::*;

/// What `out` shows for `writes`, written one after the other.
fn through(mut out: Out<Vec<u8>>, writes: &[&[u8]]) -> String {
    for bytes in writes {
        assert_eq!(out.write(bytes).unwrap(), bytes.len());
    }
    String::from_utf8(out.into_inner().unwrap()).unwrap()
}

fn plain() -> Out<Vec<u8>> {
    Out::text(Vec::new(), Style::plain())
}

fn coloured() -> Out<Vec<u8>> {
    Out::text(Vec::new(), Style::coloured())
}

fn json() -> Out<Vec<u8>> {
    Out::for_format(Vec::new(), Format::Json, Style::coloured())
}

/// A screen clear, a window title (OSC), an imitation of phoneup's own red, a carriage
/// return, a right-to-left override and a bell.
const HOSTILE: &str = "a\x1b[2Jb\x1b]0;x\x07c\x1b[1;31md\re\u{202e}f";
const HOSTILE_SHOWN: &str = "a\\u{1b}[2Jb\\u{1b}]0;x\\u{7}c\\u{1b}[1;31md\\re\\u{202e}f";

#[test]
fn nothing_raw_passes_in_text_with_colour_or_without() {
    for out in [plain(), coloured()] {
        let shown = through(out, &[HOSTILE.as_bytes(), b"\n\tnext line\n"]);
        assert_eq!(shown, format!("{HOSTILE_SHOWN}\n\tnext line\n"));
    }
}

#[test]
fn colour_is_phoneups_own_marks_applied_after_escaping() {
    let style = Style::coloured();
    let text = format!("{} {HOSTILE}\n", style.error("REFUSED:"));
    let shown = through(coloured(), &[text.as_bytes()]);
    assert_eq!(
        shown,
        format!("\x1b[1;31mREFUSED:\x1b[0m {HOSTILE_SHOWN}\n")
    );
    // The only escape sequences are the two phoneup wrote.
    assert_eq!(shown.matches('\x1b').count(), 2, "{shown:?}");
    // Without colour, a mark is escaped like any other character that may not pass.
    assert_eq!(
        through(plain(), &[text.as_bytes()]),
        format!("\\u{{fdd5}}REFUSED:\\u{{fdd0}} {HOSTILE_SHOWN}\n")
    );
    // A mark inside an untrusted name cannot colour anything, with or without colour.
    let name = format!("{}", crate::output::Untrusted("\u{fdd5}x\u{fdd0}"));
    assert_eq!(
        through(coloured(), &[name.as_bytes()]),
        "\\u{fdd5}x\\u{fdd0}"
    );
}

#[test]
fn json_stays_valid_and_exact() {
    let value = serde_json::json!({ "file": HOSTILE, "mark": "\u{fdd5}\u{85}\u{e0041}" });
    let text = serde_json::to_string(&value).unwrap() + "\n";
    let shown = through(json(), &[text.as_bytes()]);
    assert!(
        !shown.chars().any(|c| c.is_control() && c != '\n'),
        "{shown:?}"
    );
    assert!(
        !shown.contains('\u{202e}') && !shown.contains('\u{fdd5}'),
        "{shown:?}"
    );
    let back: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(back, value);
}

#[test]
fn yaml_stays_valid_and_exact_where_yaml_itself_escapes() {
    let value = vec![HOSTILE.to_string(), "\u{202e}\x1b".to_string()];
    let text = serde_yaml::to_string(&value).unwrap();
    let out = Out::for_format(Vec::new(), Format::Yaml, Style::plain());
    let shown = through(out, &[text.as_bytes()]);
    assert!(!shown
        .chars()
        .any(|c| crate::output::escape::is_unsafe(c) && c != '\n'));
    let back: Vec<String> = serde_yaml::from_str(&shown).unwrap();
    assert_eq!(back, value);
}

#[test]
fn a_character_split_across_writes_is_whole_when_shown() {
    let text = format!("\u{e9}\u{1f4de}{}\u{202e}", Style::coloured().good("ok"));
    let whole = through(coloured(), &[text.as_bytes()]);
    assert_eq!(whole, "\u{e9}\u{1f4de}\x1b[1;32mok\x1b[0m\\u{202e}");
    // Byte by byte: the same.
    let bytes: Vec<&[u8]> = text.as_bytes().chunks(1).collect();
    assert_eq!(through(coloured(), &bytes), whole);
    // In two pieces cut inside every character: the same.
    for cut in 0..text.len() {
        let (a, b) = text.as_bytes().split_at(cut);
        assert_eq!(through(coloured(), &[a, b]), whole, "cut at {cut}");
    }
}

#[test]
fn bytes_that_are_not_utf8_are_shown_as_replacement_characters() {
    assert_eq!(through(plain(), &[b"a\xffb\xc3"]), "a\u{fffd}b\u{fffd}");
    assert_eq!(through(plain(), &[b"a\xc3", b"(b"]), "a\u{fffd}(b");
    // An escape byte split from its sequence is still escaped.
    assert_eq!(through(plain(), &[b"\x1b", b"[2J"]), "\\u{1b}[2J");
}

#[test]
fn cursor_movements_are_written_for_text_only() {
    let mut out = coloured();
    out.write_all(b"\xc3").unwrap();
    out.control(Control::Up(3)).unwrap();
    out.control(Control::Up(0)).unwrap();
    out.control(Control::ClearLine).unwrap();
    out.write_all(b"row\n").unwrap();
    assert_eq!(
        String::from_utf8(out.into_inner().unwrap()).unwrap(),
        "\u{fffd}\x1b[3A\x1b[2Krow\n"
    );
    let mut out = json();
    out.control(Control::Up(3)).unwrap();
    assert!(out.get_ref().is_empty());
}

#[test]
fn the_style_a_writer_paints_with_matches_it() {
    assert!(coloured().style().is_coloured());
    assert!(!plain().style().is_coloured());
    assert!(!json().style().is_coloured());
}
