//! Turning what a user typed into a load of the catalogue, with help when it does not fit. A
//! load ID pasted from the web, with typographic dashes, is read as the ID it shows
//! ([`crate::knowledge::typography`]; [`typography_note`] says so).

use crate::error::{Error, Input, Suggestion};
use crate::knowledge::load_id::{Kind, LoadId, LoadIdError};
use crate::knowledge::matrix::{Load, Matrix};
use crate::knowledge::typography;

/// The note for a load given to `flag` with typographic dashes or invisible characters, which
/// [`resolve`] read as the ID they show; `None` for a plain one.
pub fn typography_note(flag: &str, input: &str) -> Option<String> {
    typography::note(flag, input)
}

/// What a Boot or DSP Load ID is, for the message that says it is not the App Load ID.
pub fn not_an_application(kind: Kind) -> Option<&'static str> {
    match kind {
        Kind::Boot => Some("Boot Load ID (the phone's boot ROM)"),
        Kind::Dsp => Some("DSP Load ID (the firmware of the phone's signal processor)"),
        Kind::Application | Kind::Loader => None,
    }
}

/// Resolves a load the user named, as the input `given`. A valid load ID that the catalogue lacks still
/// resolves (as a starting point it needs no files); a boot or DSP load ID, or junk, does not.
pub fn resolve(matrix: &Matrix, input: &str, given: Input) -> Result<Load, Error> {
    let input = &*typography::folded(input);
    let id = LoadId::parse(input).map_err(|error| {
        let suggestion = match &error {
            LoadIdError::Unrecognised { .. } | LoadIdError::UnknownProtocol { .. } => {
                match version_line(matrix, input).as_slice() {
                    [one] => Some(Box::new(Suggestion {
                        id: one.name().to_string(),
                        why: Some(format!(
                            "the App Load ID of the Version line {}",
                            input.trim()
                        )),
                    })),
                    _ => nearest(matrix, input).map(|id| Box::new(Suggestion { id, why: None })),
                }
            }
            _ => None,
        };
        Error::BadLoadId {
            given,
            error,
            suggestion,
        }
    })?;
    if let Some(what) = not_an_application(id.kind()) {
        return Err(Error::BootLoad {
            given,
            input: input.trim().to_string(),
            what,
        });
    }
    Ok(match matrix.find(&id) {
        Some(load) => load.clone(),
        None => Load::uncatalogued(id),
    })
}

/// Like [`resolve`], but spelled as the user typed it when that is another upper-case spelling
/// of the catalogue's load (`P003-8-11-00`): for commands that show the user's own names.
pub fn resolve_as_typed(matrix: &Matrix, input: &str, given: Input) -> Result<Load, Error> {
    let load = resolve(matrix, input, given)?;
    let folded = typography::folded(input);
    let typed = folded.trim();
    match LoadId::parse(typed) {
        Ok(id)
            if id.extension().is_none()
                && id.name() != load.name()
                && id.name() == id.name().to_ascii_uppercase() =>
        {
            Ok(load.respelled(id.name()))
        }
        _ => Ok(load),
    }
}

/// Like [`resolve`], but the load must be in the catalogue (a plan's target or `--via`).
pub fn resolve_known(matrix: &Matrix, input: &str, given: Input) -> Result<Load, Error> {
    let load = resolve(matrix, input, given)?;
    if load.in_catalogue {
        return Ok(load);
    }
    Err(not_in_catalogue(matrix, &load, given))
}

/// The error for a load the catalogue lacks where its files are needed.
pub fn not_in_catalogue(matrix: &Matrix, load: &Load, given: Input) -> Error {
    let same_kind: Vec<&Load> = matrix
        .loads
        .iter()
        .filter(|l| l.id.kind() == load.id.kind() && l.id.protocol() == load.id.protocol())
        .collect();
    let what = match (load.id.kind(), load.id.protocol()) {
        (Kind::Loader, _) => "loaders".to_string(),
        (_, Some(protocol)) => format!("{protocol} loads"),
        _ => "loads".to_string(),
    };
    Error::NotInCatalogue {
        given,
        name: load.name().to_string(),
        what,
        known: same_kind.iter().map(|l| l.name().to_string()).collect(),
    }
}

/// The catalogue applications whose Version line, as the phone shows it (Settings > Status >
/// Firmware Versions), is `input`: `8.1(2)SR2`, `8.1(SR.2)`, `3.1(MF.G2)`, `8.1(2.0)`, `8.11`.
pub fn version_line<'m>(matrix: &'m Matrix, input: &str) -> Vec<&'m Load> {
    let typed: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    matrix
        .loads
        .iter()
        .filter(|load| load.id.kind() == Kind::Application)
        .filter(|load| {
            let id = &load.id;
            let mut forms = vec![load.version.clone()];
            forms.extend(id.display_version());
            if let (Some(major), Some(minor), Some(m), Some(s)) = (
                id.major(),
                id.minor(),
                id.maintenance(),
                id.maintenance_sub(),
            ) {
                if id.name().len() == 12 {
                    forms.push(format!("{major}.{minor}({m}.{s})"));
                }
            }
            forms.iter().any(|form| form.eq_ignore_ascii_case(&typed))
        })
        .collect()
}

/// The catalogue load whose name is closest to `input`, if one is close enough to be a typo.
pub fn nearest(matrix: &Matrix, input: &str) -> Option<String> {
    let typed = input.trim().to_ascii_uppercase();
    let typed = typed
        .rsplit_once('.')
        .map_or(typed.as_str(), |(stem, _)| stem);
    let limit = (typed.chars().count() / 4).max(2);
    // Among names as close, the one whose letters and digits match best: `P0S3-0811-00` is
    // 8.11 with a dash missing, not 8.1 with a digit too many.
    let alphanumeric =
        |s: &str| -> String { s.chars().filter(char::is_ascii_alphanumeric).collect() };
    let typed_alphanumeric = alphanumeric(typed);
    matrix
        .loads
        .iter()
        .map(|load| {
            let name = load.name().to_ascii_uppercase();
            (
                distance(typed, &name),
                distance(&typed_alphanumeric, &alphanumeric(&name)),
                load.name(),
            )
        })
        .filter(|(d, _, _)| *d <= limit)
        .min()
        .map(|(_, _, name)| name.to_string())
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::Builtin;

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("P0S3-08-11-00", "P0S3-08-11-00"), 0);
        assert_eq!(distance("P0S3-08-11-0", "P0S3-08-11-00"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
        // The first character dropped, or one added in front.
        assert_eq!(distance("P0S3-08-11-00", "0S3-08-11-00"), 1);
        assert_eq!(distance("ab", "b"), 1);
        assert_eq!(distance("b", "ab"), 1);
        // The last character dropped.
        assert_eq!(distance("P0S3-08-11-00", "P0S3-08-11-0"), 1);
        assert_eq!(distance("ab", "a"), 1);
    }

    #[test]
    fn typos_get_the_nearest_known_load() {
        let matrix = Matrix::builtin().unwrap();
        assert_eq!(
            nearest(&matrix, "P0S3-08-11-0").as_deref(),
            Some("P0S3-08-11-00")
        );
        assert_eq!(
            nearest(&matrix, "p0s3-06-3-0").as_deref(),
            Some("P0S3-06-3-00")
        );
        assert_eq!(nearest(&matrix, "hello"), None);
        // A dash missing: 8.11, not 8.1 (both are one edit away).
        assert_eq!(
            nearest(&matrix, "P0S3-0811-00").as_deref(),
            Some("P0S3-08-11-00")
        );
    }

    #[test]
    fn spelling_variants_resolve_to_the_catalogue_spelling() {
        let matrix = Matrix::builtin().unwrap();
        let load = resolve(&matrix, "P0S3-8-11-00", Input::To).unwrap();
        assert_eq!(load.name(), "P0S3-08-11-00");
        let load = resolve(&matrix, "P0S3-08-12-00.loads", Input::To).unwrap();
        assert_eq!(load.name(), "P0S3-8-12-00");
    }

    #[test]
    fn unknown_loads_start_plans_but_cannot_end_them() {
        let matrix = Matrix::builtin().unwrap();
        let load = resolve(&matrix, "P0S3-06-1-00", Input::From).unwrap();
        assert!(!load.in_catalogue);
        let err = resolve_known(&matrix, "P0S3-06-1-00", Input::To).unwrap_err();
        assert!(err.to_string().contains("P0S3-06-3-00"), "{err}");
    }

    #[test]
    fn boot_and_dsp_load_ids_are_explained() {
        let matrix = Matrix::builtin().unwrap();
        for (input, what) in [
            ("PC0303010200", "Boot Load ID"),
            ("PC030301", "Boot Load ID"),
            ("PC03A300", "Boot Load ID"),
            ("PS03AT46", "DSP Load ID"),
        ] {
            let err = resolve(&matrix, input, Input::From)
                .unwrap_err()
                .to_string();
            assert!(err.contains("App Load ID") && err.contains(what), "{err}");
        }
    }

    #[test]
    fn what_the_user_typed_is_kept_only_as_another_upper_case_spelling() {
        let matrix = Matrix::builtin().unwrap();
        let typed = |input| resolve_as_typed(&matrix, input, Input::To).unwrap();
        assert_eq!(typed("P0S3-8-11-00").name(), "P0S3-8-11-00");
        assert_eq!(typed(" P0S3-8-11-00 ").name(), "P0S3-8-11-00");
        assert_eq!(typed("p0s3-8-11-00").name(), "P0S3-08-11-00");
        assert_eq!(typed("P0S3-8-11-00.loads").name(), "P0S3-08-11-00");
        assert_eq!(typed("P0S3-08-11-00").name(), "P0S3-08-11-00");
    }

    #[test]
    fn a_load_the_catalogue_lacks_is_answered_with_the_known_loads_of_its_kind() {
        let matrix = Matrix::builtin().unwrap();
        let error = |input| match resolve_known(&matrix, input, Input::To).unwrap_err() {
            Error::NotInCatalogue { what, known, .. } => (what, known),
            other => panic!("{other}"),
        };
        let (what, known) = error("P003-08-13-00");
        assert_eq!(what, "loaders");
        assert!(known.contains(&"P003-08-11-00".to_string()), "{known:?}");
        assert!(known.iter().all(|k| k.starts_with("P003-")), "{known:?}");
        let (what, known) = error("P0S3-08-13-00");
        assert_eq!(what, "SIP loads");
        assert!(known.iter().all(|k| k.starts_with("P0S3")), "{known:?}");
        assert!(known.contains(&"P0S3-08-11-00".to_string()), "{known:?}");
        let (what, known) = error("P0M3-08-1-00");
        assert_eq!(what, "MGCP loads");
        assert_eq!(known, ["P0M3-07-7-00"]);
    }

    #[test]
    fn a_typo_gets_the_nearest_load_and_a_version_line_its_load() {
        let matrix = Matrix::builtin().unwrap();
        let suggestion = |input| match resolve(&matrix, input, Input::To).unwrap_err() {
            Error::BadLoadId { suggestion, .. } => suggestion.map(|s| (s.id, s.why)),
            other => panic!("{other}"),
        };
        assert_eq!(
            suggestion("P0S3-08-11-0"),
            Some(("P0S3-08-11-00".into(), None))
        );
        assert_eq!(
            suggestion(" 8.1(2)SR2 "),
            Some((
                "P0030801SR02".into(),
                Some("the App Load ID of the Version line 8.1(2)SR2".into())
            ))
        );
        let error = resolve(&matrix, "8.11", Input::To).unwrap_err().to_string();
        assert!(
            error.contains(
                "did you mean `P0S3-08-11-00`, the App Load ID of the Version line 8.11?"
            ),
            "{error}"
        );
        assert_eq!(
            nearest(&matrix, "P0S3-08-11-0.sb2").as_deref(),
            Some("P0S3-08-11-00")
        );
        assert_eq!(nearest(&matrix, "P0S3-08-1"), None, "too far from any load");
        // A name of 13 characters may be three edits away (a quarter of its length).
        assert_eq!(
            nearest(&matrix, "PXS3-08-11-YY").as_deref(),
            Some("P0S3-08-11-00")
        );
        assert_eq!(nearest(&matrix, "PXS3-X8-11-YY"), None, "four edits");
        assert_eq!(
            nearest(&matrix, "P0S3-8-2-0").as_deref(),
            Some("P0S3-08-2-00")
        );
        assert!(version_line(&matrix, "").is_empty());
        assert!(version_line(&matrix, "SR2").is_empty());
        assert_eq!(
            version_line(&matrix, " 8.1 (2) SR2")
                .iter()
                .map(|l| l.name())
                .collect::<Vec<_>>(),
            ["P0030801SR02"]
        );
    }

    #[test]
    fn version_lines_name_their_load() {
        let matrix = Matrix::builtin().unwrap();
        let names = |input| -> Vec<&str> {
            version_line(&matrix, input)
                .iter()
                .map(|l| l.name())
                .collect()
        };
        assert_eq!(names("8.1(2)SR2"), ["P0030801SR02"]);
        assert_eq!(names("8.1(SR.2)"), ["P0030801SR02"]);
        assert_eq!(names("3.1(MF.G2)"), ["P0030301MFG2"]);
        assert_eq!(names("8.1(2.0)"), ["P00308010200"]);
        assert_eq!(names("8.11"), ["P0S3-08-11-00"]);
        assert!(names("9.9").is_empty());
        let err = resolve(&matrix, "8.1(2)SR2", Input::From).unwrap_err();
        assert!(err.to_string().contains("P0030801SR02"), "{err}");
    }
}
