//! `<load>.loads`: the manifest of a UAL-era package, naming the loader (`.sbn`) and the
//! application (`.sb2`) the Universal Application Loader fetches after it.

use std::sync::OnceLock;

use regex::Regex;

/// The loader (`.sbn`) and application (`.sb2`) a `.loads` manifest names.
pub fn manifest(text: &str) -> Option<(String, String)> {
    static NAMES: OnceLock<(Regex, Regex)> = OnceLock::new();
    let (sbn, sb2) = NAMES.get_or_init(|| {
        (
            Regex::new(r"[A-Za-z0-9-]+\.sbn").expect("valid regex"),
            Regex::new(r"[A-Za-z0-9-]+\.sb2").expect("valid regex"),
        )
    });
    Some((
        sbn.find(text)?.as_str().to_string(),
        sb2.find(text)?.as_str().to_string(),
    ))
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
    }
}
