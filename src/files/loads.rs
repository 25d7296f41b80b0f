//! `<load>.loads`: the manifest of a UAL-era package, naming the loader (`.sbn`) and the
//! application (`.sb2`) the Universal Application Loader fetches after it.

/// The loader (`.sbn`) and application (`.sb2`) a `.loads` manifest names.
pub fn manifest(text: &str) -> Option<(String, String)> {
    Some((first_named(text, ".sbn")?, first_named(text, ".sb2")?))
}

/// The first file name ending in `extension` (letters, digits and `-` before it).
fn first_named(text: &str, extension: &str) -> Option<String> {
    let part_of_name = |c: char| c.is_ascii_alphanumeric() || c == '-';
    text.match_indices(extension).find_map(|(at, _)| {
        let stem_start = text[..at]
            .char_indices()
            .rev()
            .take_while(|(_, c)| part_of_name(*c))
            .last()
            .map_or(at, |(i, _)| i);
        (stem_start < at).then(|| text[stem_start..at + extension.len()].to_string())
    })
}

/// The text of a `.loads` manifest as phoneup writes stand-ins for tests: its own name, the
/// loader, the application, CR LF line ends, as in a real one.
pub fn stand_in(name: &str, loader: &str, application: &str) -> String {
    format!("{name}\r\n{loader}.sbn\r\n{application}.sb2\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_manifest_names_loader_and_application() {
        let text = stand_in("P0S3-07-5-00", "P003-07-5-00", "P0S3-07-5-00");
        assert_eq!(
            manifest(&text),
            Some(("P003-07-5-00.sbn".into(), "P0S3-07-5-00.sb2".into()))
        );
        assert_eq!(manifest("garbage"), None);
        assert_eq!(
            manifest("x .sbn P003-8-11-00.sbn.sbn\r\nLA_VERSION=1 P0S3-8-11-00.sb2"),
            Some(("P003-8-11-00.sbn".into(), "P0S3-8-11-00.sb2".into()))
        );
        assert_eq!(
            manifest("\u{e9}.sbn a.sb2"),
            None,
            "a name needs letters or digits"
        );
    }
}
