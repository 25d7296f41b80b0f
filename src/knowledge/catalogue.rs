//! Turning what a user typed into a load of the catalogue, with help when it does not fit.

use crate::error::Error;
use crate::knowledge::load_id::{Kind, LoadId, LoadIdError};
use crate::knowledge::matrix::{Load, Matrix};

/// Resolves a load named on the command line. A valid load ID that the catalogue lacks still
/// resolves (as a starting point it needs no files); a boot load ID or junk does not.
pub fn resolve(matrix: &Matrix, input: &str, flag: &'static str) -> Result<Load, Error> {
    let id = LoadId::parse(input).map_err(|error| {
        let suggestion = match &error {
            LoadIdError::Unrecognised { .. } | LoadIdError::UnknownProtocol { .. } => {
                nearest(matrix, input)
            }
            _ => None,
        };
        Error::BadLoadId {
            flag,
            error,
            suggestion,
        }
    })?;
    if id.kind() == Kind::Boot {
        return Err(Error::BootLoad {
            flag,
            input: input.trim().to_string(),
        });
    }
    Ok(match matrix.find(&id) {
        Some(load) => load.clone(),
        None => Load::uncatalogued(id),
    })
}

/// Like [`resolve`], but the load must be in the catalogue (a plan's target or `--via`).
pub fn resolve_known(matrix: &Matrix, input: &str, flag: &'static str) -> Result<Load, Error> {
    let load = resolve(matrix, input, flag)?;
    if load.in_catalogue {
        return Ok(load);
    }
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
    Err(Error::NotInCatalogue {
        flag,
        name: load.name().to_string(),
        what,
        known: same_kind.iter().map(|l| l.name().to_string()).collect(),
    })
}

/// The catalogue load whose name is closest to `input`, if one is close enough to be a typo.
pub fn nearest(matrix: &Matrix, input: &str) -> Option<String> {
    let typed = input.trim().to_ascii_uppercase();
    let typed = typed
        .rsplit_once('.')
        .map_or(typed.as_str(), |(stem, _)| stem);
    let limit = (typed.chars().count() / 4).max(2);
    matrix
        .loads
        .iter()
        .map(|load| {
            (
                distance(typed, &load.name().to_ascii_uppercase()),
                load.name(),
            )
        })
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, name)| name.to_string())
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

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("P0S3-08-11-00", "P0S3-08-11-00"), 0);
        assert_eq!(distance("P0S3-08-11-0", "P0S3-08-11-00"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
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
    }

    #[test]
    fn spelling_variants_resolve_to_the_catalogue_spelling() {
        let matrix = Matrix::builtin().unwrap();
        let load = resolve(&matrix, "P0S3-8-11-00", "--to").unwrap();
        assert_eq!(load.name(), "P0S3-08-11-00");
        let load = resolve(&matrix, "P0S3-08-12-00.loads", "--to").unwrap();
        assert_eq!(load.name(), "P0S3-8-12-00");
    }

    #[test]
    fn unknown_loads_start_plans_but_cannot_end_them() {
        let matrix = Matrix::builtin().unwrap();
        let load = resolve(&matrix, "P0S3-06-1-00", "--from").unwrap();
        assert!(!load.in_catalogue);
        let err = resolve_known(&matrix, "P0S3-06-1-00", "--to").unwrap_err();
        assert!(err.to_string().contains("P0S3-06-3-00"), "{err}");
    }

    #[test]
    fn boot_load_ids_are_explained() {
        let matrix = Matrix::builtin().unwrap();
        let err = resolve(&matrix, "PC0303010200", "--from").unwrap_err();
        assert!(err.to_string().contains("App Load ID"), "{err}");
    }
}
