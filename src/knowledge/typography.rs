//! Load IDs pasted from the web: blogs print them with typographic dashes (`P0S3-08–2‑00`, an
//! en dash and a non-breaking hyphen, in tcg.com's post) and with no-break spaces or soft hyphens
//! in them. Folding turns every such dash into `-` and drops the invisible characters, so that
//! what a user pasted reads as the ID it shows; [`note`] says that it happened. The phone itself
//! folds nothing: a file on the TFTP server that names a load this way is still wrong, and lint
//! says so.
//!
//! May use: nothing but the standard library.

/// The characters folded to `-`: the hyphens and dashes U+2010 to U+2015 (U+2011, the
/// non-breaking hyphen, among them) and the minus sign U+2212.
fn is_dash(c: char) -> bool {
    matches!(c, '\u{2010}'..='\u{2015}' | '\u{2212}')
}

/// The characters dropped: the no-break space U+00A0 and the soft hyphen U+00AD.
fn is_dropped(c: char) -> bool {
    matches!(c, '\u{00A0}' | '\u{00AD}')
}

/// What [`fold`] changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folded {
    /// The text with every dash folded to `-` and every dropped character removed.
    pub text: String,
    /// The characters folded or dropped, each once, in the order they first appear.
    pub changed: Vec<char>,
}

/// Folds the typographic dashes and invisible characters of `input`; `None` when it has none.
pub fn fold(input: &str) -> Option<Folded> {
    if !input.chars().any(|c| is_dash(c) || is_dropped(c)) {
        return None;
    }
    let mut changed = Vec::new();
    let mut text = String::with_capacity(input.len());
    for c in input.chars() {
        if is_dash(c) || is_dropped(c) {
            if !changed.contains(&c) {
                changed.push(c);
            }
            if is_dash(c) {
                text.push('-');
            }
        } else {
            text.push(c);
        }
    }
    Some(Folded { text, changed })
}

/// `input` with its typographic dashes and invisible characters folded ([`fold`]), or as it is.
pub fn folded(input: &str) -> std::borrow::Cow<'_, str> {
    match fold(input) {
        Some(folded) => std::borrow::Cow::Owned(folded.text),
        None => std::borrow::Cow::Borrowed(input),
    }
}

/// The name of a folded character, for people.
fn name(c: char) -> &'static str {
    match c {
        '\u{2010}' => "hyphen",
        '\u{2011}' => "non-breaking hyphen",
        '\u{2012}' => "figure dash",
        '\u{2013}' => "en dash",
        '\u{2014}' => "em dash",
        '\u{2015}' => "horizontal bar",
        '\u{2212}' => "minus sign",
        '\u{00A0}' => "no-break space",
        '\u{00AD}' => "soft hyphen",
        _ => "character",
    }
}

/// Characters for people: `U+2013 (en dash) and U+2011 (non-breaking hyphen)`.
fn list(chars: &[char]) -> String {
    let names: Vec<String> = chars
        .iter()
        .map(|&c| format!("U+{:04X} ({})", c as u32, name(c)))
        .collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The characters folding changed, for people: `U+2013 (en dash) and U+2011 (non-breaking
/// hyphen)`.
pub fn characters(folded: &Folded) -> String {
    list(&folded.changed)
}

/// What folding did, for people: `its U+2013 (en dash) and U+2011 (non-breaking hyphen) were
/// read as \`-\``, `its U+00AD (soft hyphen) was dropped`.
pub fn describe(folded: &Folded) -> String {
    let (dashes, dropped): (Vec<char>, Vec<char>) =
        folded.changed.iter().partition(|&&c| is_dash(c));
    let verb = |chars: &[char]| if chars.len() == 1 { "was" } else { "were" };
    let mut parts = Vec::new();
    if !dashes.is_empty() {
        parts.push(format!("{} {} read as `-`", list(&dashes), verb(&dashes)));
    }
    if !dropped.is_empty() {
        parts.push(format!("{} {} dropped", list(&dropped), verb(&dropped)));
    }
    format!("its {}", parts.join("; "))
}

/// The note for a load ID given as `input` (by `what`: `--from`, `identify`), when folding
/// changed it: what it was read as, and why.
pub fn note(what: &str, input: &str) -> Option<String> {
    let folded = fold(input)?;
    let what = if what.is_empty() {
        String::new()
    } else {
        format!("{what} ")
    };
    Some(format!(
        "{what}`{}` was read as {}: {}, as web pages print load IDs so; the phone's own files are named with plain ASCII hyphens.",
        input.trim(),
        folded.text.trim(),
        describe(&folded),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_typographic_dash_folds_to_a_hyphen_and_the_invisible_ones_go() {
        for dash in [
            '\u{2010}', '\u{2011}', '\u{2012}', '\u{2013}', '\u{2014}', '\u{2015}', '\u{2212}',
        ] {
            let input = format!("P0S3{dash}08-2-00");
            assert_eq!(folded(&input), "P0S3-08-2-00", "U+{:04X}", dash as u32);
        }
        assert_eq!(folded("P0S3-08-\u{00AD}2-00"), "P0S3-08-2-00");
        assert_eq!(folded("\u{00A0}P0S3-08-2-00\u{00A0}"), "P0S3-08-2-00");
        assert_eq!(fold("P0S3-08-2-00"), None, "plain ASCII is left alone");
        // tcg.com's spelling.
        let folded = fold("P0S3-08\u{2013}2\u{2011}00").unwrap();
        assert_eq!(folded.text, "P0S3-08-2-00");
        assert_eq!(folded.changed, ['\u{2013}', '\u{2011}']);
        assert_eq!(
            describe(&folded),
            "its U+2013 (en dash) and U+2011 (non-breaking hyphen) were read as `-`"
        );
        let folded = fold("P0S3-08-\u{00AD}2\u{2212}00").unwrap();
        assert_eq!(
            describe(&folded),
            "its U+2212 (minus sign) was read as `-`; U+00AD (soft hyphen) was dropped"
        );
    }

    #[test]
    fn the_note_says_what_was_read_and_why() {
        let note = note("--from", "P0S3-08\u{2013}2\u{2011}00").unwrap();
        assert!(note.starts_with("--from `P0S3-08\u{2013}2\u{2011}00` was read as P0S3-08-2-00: its U+2013 (en dash) and U+2011 (non-breaking hyphen) were read as `-`, as web pages"), "{note}");
        assert_eq!(super::note("--from", "P0S3-08-2-00"), None);
    }
}
