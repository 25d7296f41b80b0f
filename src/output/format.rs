//! `--format`: text for people, or JSON or YAML for scripts, written so that nothing in them
//! reaches a terminal raw.

use clap::ValueEnum;
use serde::Serialize;

use super::escape::{escape, Form};

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Format {
    /// For people.
    #[default]
    Text,
    /// For scripts: pretty-printed JSON.
    Json,
    /// For scripts: YAML.
    Yaml,
}

/// Serialises a result for scripts, with every character that may not reach a terminal raw
/// written as the format's own escape (`\u001b`), so that the output stays valid and each value
/// exact. Text is rendered by each command itself.
pub fn structured<T: Serialize>(format: Format, value: &T) -> String {
    let (text, form) = match format {
        Format::Json => {
            let mut text = serde_json::to_string_pretty(value).expect("plain data serialises");
            text.push('\n');
            (text, Form::Json)
        }
        Format::Yaml => (
            serde_yaml::to_string(value).expect("plain data serialises"),
            Form::Yaml,
        ),
        Format::Text => unreachable!("text is rendered by the command"),
    };
    let mut shown = String::with_capacity(text.len());
    escape(&mut shown, &text, form).expect("a String takes every write");
    shown
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::escape::is_unsafe;

    #[test]
    fn structured_output_stays_valid_and_exact_and_shows_nothing_raw() {
        let value = ["a\x1b[2J\u{202e}\u{85}b"];
        let json = structured(Format::Json, &value);
        assert!(json.contains("a\\u001b[2J\\u202e\\u0085b"), "{json}");
        assert_eq!(serde_json::from_str::<[String; 1]>(&json).unwrap(), value);
        let yaml = structured(Format::Yaml, &value);
        assert!(!yaml.chars().any(|c| is_unsafe(c) && c != '\n'), "{yaml}");
        assert_eq!(serde_yaml::from_str::<[String; 1]>(&yaml).unwrap(), value);
    }
}
