//! Reading a YAML file the user names (`--matrix`) within bounds: a regular file of bounded size,
//! bounded nesting, and bounded alias expansion, so a hostile or broken file ends in a clear error
//! instead of a hang or an exhausted memory. Without them, a few lines of aliases that expand
//! into one another ask the parser for gigabytes and abort phoneup, a FIFO or `/dev/zero` given
//! as the file hangs it or fills the memory, and nesting a hundred thousand deep takes the
//! parser half a minute.
//!
//! May use: [`crate::error`] and the standard library only.

use std::cell::Cell;
use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use serde::de::{self, DeserializeSeed, Deserializer, Visitor};

use crate::error::Error;

/// The largest matrix file phoneup reads (the built-in one is about 60 KiB).
pub const MAX_BYTES: u64 = 4 << 20;

/// The deepest nesting of `[`, `{` and `- ` a matrix may use (the built-in one uses 4).
pub const MAX_NESTING: usize = 64;

/// How much bigger than the file its alias-expanded content may be: scalars count their bytes,
/// every other node one.
const EXPANSION_FACTOR: usize = 4;

fn fail(origin: &str, line: Option<usize>, message: String) -> Error {
    Error::Matrix {
        origin: origin.to_string(),
        line,
        message,
    }
}

/// Reads `path` as text: a regular file (not a FIFO, device or directory) of at most
/// [`MAX_BYTES`], checked before and after opening it.
pub fn read_file(path: &Path) -> Result<String, Error> {
    let origin = path.display().to_string();
    let read_error = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let not_regular = || {
        fail(
            &origin,
            None,
            "not a regular file (a FIFO, device or directory): give a YAML file".into(),
        )
    };
    let too_big = |size: u64| {
        fail(
            &origin,
            None,
            format!("the file holds {size} bytes or more; a matrix may hold at most {MAX_BYTES}"),
        )
    };
    let metadata = std::fs::metadata(path).map_err(read_error)?;
    if !metadata.is_file() {
        return Err(not_regular());
    }
    if metadata.len() > MAX_BYTES {
        return Err(too_big(metadata.len()));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        // O_NONBLOCK: a file swapped for a FIFO after the check above cannot block the open.
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(0o4000);
    }
    let file: File = options.open(path).map_err(read_error)?;
    if !file.metadata().map_err(read_error)?.is_file() {
        return Err(not_regular());
    }
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|_| {
        read_error(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        ))
    })
}

/// Checks what the YAML parser would spend too long or too much memory on: nesting deeper than
/// [`MAX_NESTING`] (counted generously: every `[` and `{`, and every `- ` opening a line), and
/// aliases that expand to more than a few times the file. `origin` names the file in errors.
pub fn check(text: &str, origin: &str) -> Result<(), Error> {
    check_nesting(text, origin)?;
    check_expansion(text, origin)
}

fn check_nesting(text: &str, origin: &str) -> Result<(), Error> {
    let mut flow = 0usize;
    for (number, line) in text.lines().enumerate() {
        let body = line.trim_start();
        let mut dashes = 0;
        let mut rest = body;
        while let Some(after) = rest.strip_prefix('-') {
            if !after.starts_with([' ', '\t']) && !after.is_empty() {
                break;
            }
            dashes += 1;
            rest = after.trim_start();
        }
        for c in line.chars() {
            match c {
                '[' | '{' => flow += 1,
                ']' | '}' => flow = flow.saturating_sub(1),
                _ => {}
            }
            if flow + dashes > MAX_NESTING {
                return Err(fail(
                    origin,
                    Some(number + 1),
                    format!("nested more than {MAX_NESTING} levels deep; a matrix needs a few"),
                ));
            }
        }
    }
    Ok(())
}

/// Walks the document as the deserializer would, aliases expanded, without keeping anything, and
/// stops as soon as the walk exceeds the budget.
fn check_expansion(text: &str, origin: &str) -> Result<(), Error> {
    let budget = Cell::new(text.len().saturating_mul(EXPANSION_FACTOR) + 4096);
    match Walk(&budget).deserialize(serde_yaml::Deserializer::from_str(text)) {
        Ok(()) => Ok(()),
        Err(error) if budget.get() == 0 => Err(fail(
            origin,
            error.location().map(|l| l.line()),
            format!(
                "YAML aliases (*name) expand it to more than {EXPANSION_FACTOR} times its size; write the values out"
            ),
        )),
        // Syntax and type errors are reported by the real parse, with its own wording.
        Err(_) => Ok(()),
    }
}

/// A visitor that counts what it sees against a budget.
#[derive(Clone, Copy)]
struct Walk<'a>(&'a Cell<usize>);

impl Walk<'_> {
    fn spend<E: de::Error>(self, cost: usize) -> Result<(), E> {
        match self.0.get().checked_sub(cost) {
            Some(left) if left > 0 => {
                self.0.set(left);
                Ok(())
            }
            _ => {
                self.0.set(0);
                Err(E::custom("expansion budget exceeded"))
            }
        }
    }
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.spend(1)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.spend(1)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.spend(1)
    }

    fn visit_i128<E: de::Error>(self, _: i128) -> Result<(), E> {
        self.spend(1)
    }

    fn visit_u128<E: de::Error>(self, _: u128) -> Result<(), E> {
        self.spend(1)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.spend(1)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.spend(v.len() + 1)
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.spend(1)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.spend(1)?;
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.spend(1)?;
        while map.next_key_seed(self)?.is_some() {
            map.next_value_seed(self)?;
        }
        Ok(())
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        self.spend(1)?;
        let ((), variant) = data.variant_seed(self)?;
        de::VariantAccess::newtype_variant_seed(variant, self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_matrix_file_of_the_largest_size_is_read_and_a_bigger_one_refused_with_its_size() {
        let dir = tempfile::tempdir().unwrap();
        let largest = dir.path().join("largest.yaml");
        let mut text = String::from("sources: []\n#");
        text.push_str(&"x".repeat(MAX_BYTES as usize - text.len() - 1));
        text.push('\n');
        std::fs::write(&largest, &text).unwrap();
        assert_eq!(read_file(&largest).unwrap().len() as u64, MAX_BYTES);
        let bigger = dir.path().join("bigger.yaml");
        std::fs::write(&bigger, "#".repeat(5 << 20)).unwrap();
        let err = read_file(&bigger).unwrap_err().to_string();
        assert!(err.contains("holds 5242880 bytes or more"), "{err}");
    }

    #[test]
    fn broken_yaml_is_left_to_the_real_parse_to_explain() {
        assert!(check("a: [unclosed\nb: 1\n", "t.yaml").is_ok());
        assert!(check("a: 1\n\tb: 2\n", "t.yaml").is_ok());
    }

    #[test]
    fn a_walk_that_spends_its_whole_budget_is_over_it() {
        let text = "a: &v [x, y, z]\nb: [*v, *v, *v]\n";
        let walk = |budget: usize| {
            let cell = Cell::new(budget);
            let result = Walk(&cell).deserialize(serde_yaml::Deserializer::from_str(text));
            (result.is_ok(), cell.get())
        };
        let (ok, left) = walk(1000);
        assert!(ok);
        let cost = 1000 - left;
        assert_eq!(walk(cost + 1), (true, 1));
        assert_eq!(walk(cost), (false, 0));
    }

    #[test]
    fn ordinary_yaml_passes() {
        let text = "a: [1, 2, {b: c}]\nlist:\n  - x: 1\n    y: [a, b]\n";
        assert!(check(text, "t.yaml").is_ok());
        // Brackets inside notes count, but a few are harmless.
        assert!(check("note: \"see [1] and [2\"\n", "t.yaml").is_ok());
    }

    #[test]
    fn deep_flow_nesting_is_refused_with_its_line() {
        // As deep as a matrix may go, and one level more.
        let text = format!(
            "a: {}{}\n",
            "[".repeat(MAX_NESTING),
            "]".repeat(MAX_NESTING)
        );
        assert!(check(&text, "deep.yaml").is_ok());
        let text = format!("a: {}{}\n", "{a: ".repeat(65), "}".repeat(65));
        let err = check(&text, "deep.yaml").unwrap_err().to_string();
        assert!(
            err.starts_with("deep.yaml:1: nested more than 64 levels deep"),
            "{err}"
        );
        let text = format!("a: 1\nb: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let err = check(&text, "deep.yaml").unwrap_err().to_string();
        assert!(err.starts_with("deep.yaml:2:"), "{err}");
        assert!(err.contains("levels deep"), "{err}");
        let text = format!("{}x\n", "- ".repeat(1000));
        let err = check(&text, "dashes.yaml").unwrap_err().to_string();
        assert!(err.contains("levels deep"), "{err}");
        // Dashes that open no entry (a rule drawn in a note, a negative number) nest nothing.
        let text = format!("note: |\n  {}\nlist:\n  - -5\n", "-".repeat(1000));
        assert!(check(&text, "rule.yaml").is_ok());
    }

    #[test]
    fn alias_bombs_of_any_kind_of_value_are_refused() {
        for value in [
            "true",
            "-1",
            "1",
            "-100000000000000000000",
            "100000000000000000000",
            "1.5",
            "~",
            "x",
            "\"\"",
            "!tag x",
        ] {
            let mut text = format!("a: &v [{}]\nb: [", vec![value; 200].join(", "));
            text.push_str(&vec!["*v"; 200].join(", "));
            text.push_str("]\n");
            let err = check(&text, "bomb.yaml").map(|()| "passed".to_string());
            assert!(
                err.as_ref()
                    .is_err_and(|e| e.to_string().contains("aliases")),
                "{value}: {err:?}"
            );
        }
    }

    #[test]
    fn alias_bombs_are_refused_before_they_expand() {
        let big = "x".repeat(65_536);
        let mut text = format!("a: &big \"{big}\"\nb: [");
        for _ in 0..2_000 {
            text.push_str("*big, ");
        }
        text.push_str("]\n");
        let err = check(&text, "bomb.yaml").unwrap_err().to_string();
        assert!(err.contains("aliases"), "{err}");
        // Nested: each level doubles.
        let mut text = String::from("l0: &l0 [x, x]\n");
        for i in 1..40 {
            text.push_str(&format!("l{i}: &l{i} [*l{}, *l{}]\n", i - 1, i - 1));
        }
        assert!(check(&text, "nested.yaml").is_err());
        // A few aliases of small values are fine.
        assert!(check("a: &v 1\nb: *v\nc: *v\n", "ok.yaml").is_ok());
    }
}
