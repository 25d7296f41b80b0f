//! Where in the YAML text a value is, for errors about values serde has already parsed: the
//! line of a needle, and the line of each rule.

use std::collections::HashMap;

/// Finds the line of a YAML file where `needle` first appears after `after` (1-based), for
/// errors about values serde has already parsed.
pub(super) fn line_of(text: &str, needle: &str, after: usize) -> Option<usize> {
    text.lines()
        .enumerate()
        .skip(after.saturating_sub(1))
        .find(|(_, line)| line.contains(needle))
        .map(|(index, _)| index + 1)
}

/// The line of each rule id, in one pass over the text.
pub(super) fn rule_lines(text: &str) -> HashMap<String, usize> {
    let mut lines = HashMap::new();
    let mut in_rules = false;
    for (index, line) in text.lines().enumerate() {
        if !line.starts_with([' ', '\t', '-', '#']) && !line.is_empty() {
            in_rules = line.trim_end() == "rules:";
            continue;
        }
        let body = line.trim_start().trim_start_matches('-').trim_start();
        if let Some(id) = body.strip_prefix("id:").filter(|_| in_rules) {
            lines.entry(id.trim().to_string()).or_insert(index + 1);
        }
    }
    lines
}
