//! The code map holds: no two source files import each other, directly or in a circle, and each
//! folder imports only the layers below it (knowledge at the bottom, cli on top).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use regex::Regex;

/// Every `.rs` file under `src/`, by module path (`plan::stage`, `plan` for `plan/mod.rs`).
fn modules() -> BTreeMap<String, PathBuf> {
    fn walk(dir: &Path, prefix: &[String], out: &mut BTreeMap<String, PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                let mut inner = prefix.to_vec();
                inner.push(stem);
                walk(&path, &inner, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let mut name = prefix.to_vec();
                if !matches!(stem.as_str(), "mod" | "lib") {
                    name.push(stem);
                }
                out.insert(name.join("::"), path);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src").as_path(),
        &[],
        &mut out,
    );
    out
}

/// The code of a file without its `#[cfg(test)]` module and comments.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let text = match text.find("#[cfg(test)]") {
        Some(at) => &text[..at],
        None => &text,
    };
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The longest module path that names a file, for a path used in code.
fn resolve(modules: &BTreeMap<String, PathBuf>, path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split("::").collect();
    (1..=parts.len())
        .rev()
        .map(|n| parts[..n].join("::"))
        .find(|candidate| modules.contains_key(candidate))
}

/// Which files each file imports (`crate::...`, `super::...`, and a parent's use of its child
/// modules).
fn imports(modules: &BTreeMap<String, PathBuf>) -> BTreeMap<String, BTreeSet<String>> {
    let path_re = Regex::new(r"\b(crate|super)((?:::\w+)*)(?:::\{([^}]*)\})?").unwrap();
    let child_re = Regex::new(r"\b(\w+)::").unwrap();
    let mut graph = BTreeMap::new();
    for (module, file) in modules {
        let code = code(file);
        let is_dir_module = file.ends_with("mod.rs") || file.ends_with("lib.rs");
        let parent: Vec<&str> = module.split("::").filter(|s| !s.is_empty()).collect();
        let mut used = BTreeSet::new();
        for c in path_re.captures_iter(&code) {
            if c[2].is_empty() && c.get(3).is_none() {
                // `pub(crate)`, `pub(super)`: a visibility, not an import.
                continue;
            }
            let base: Vec<String> = if &c[1] == "crate" {
                Vec::new()
            } else {
                let up = if is_dir_module {
                    parent.len()
                } else {
                    parent.len() - 1
                };
                parent[..up.saturating_sub(if is_dir_module { 1 } else { 0 })]
                    .iter()
                    .map(|s| s.to_string())
                    .collect()
            };
            let mut stem = base;
            stem.extend(
                c[2].split("::")
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            );
            let items: Vec<String> = match c.get(3) {
                Some(group) => group
                    .as_str()
                    .split(',')
                    .map(|item| item.trim().split(" as ").next().unwrap().trim().to_string())
                    .filter(|item| !item.is_empty())
                    .collect(),
                None => vec![String::new()],
            };
            for item in items {
                let mut full = stem.clone();
                if !item.is_empty() && item != "self" && item != "*" {
                    full.push(item);
                }
                if let Some(target) = resolve(modules, &full.join("::")) {
                    used.insert(target);
                }
            }
        }
        if is_dir_module {
            // A folder's mod.rs that uses `child::...` depends on that child.
            for c in child_re.captures_iter(&code) {
                let mut full: Vec<&str> = parent.clone();
                full.push(&c[1]);
                if modules.contains_key(&full.join("::")) {
                    used.insert(full.join("::"));
                }
            }
        }
        used.remove(module);
        graph.insert(module.clone(), used);
    }
    graph
}

#[test]
fn no_source_file_imports_another_in_a_circle() {
    let modules = modules();
    let graph = imports(&modules);
    // Depth-first search for a back edge.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(node.to_string(), 1);
        stack.push(node.to_string());
        for next in &graph[node] {
            match state.get(next.as_str()).copied().unwrap_or(0) {
                1 => {
                    let from = stack.iter().position(|s| s == next).unwrap();
                    let mut cycle = stack[from..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(cycle) = visit(next, graph, state, stack) {
                        return Some(cycle);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(node.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if state.get(node.as_str()).copied().unwrap_or(0) == 0 {
            let mut stack = Vec::new();
            if let Some(cycle) = visit(node, &graph, &mut state, &mut stack) {
                panic!(
                    "source files import each other in a circle: {}",
                    cycle.join(" -> ")
                );
            }
        }
    }
    // The check sees real imports: the planner uses the stage builder, the cli its commands.
    assert!(graph["plan::planner"].contains("plan::stage"));
    assert!(graph["cli"].contains("cli::plan"));
    assert!(graph["phone::boot"].contains("files::os79xx_txt"));
}

/// The layer of a module, by its top folder alone: a folder may import its own layer and those
/// below it.
fn layer(module: &str) -> usize {
    match module.split("::").next().unwrap() {
        "output" => 0,
        "error" => 1,
        "knowledge" => 2,
        "files" => 3,
        "tftp_root" => 4,
        "phone" => 5,
        "plan" => 6,
        "wire" | "logs" => 7,
        "commands" => 8,
        "cli" => 9,
        _ => 10, // lib.rs and main.rs
    }
}

#[test]
fn imports_run_one_way_from_the_command_line_down_to_the_knowledge() {
    let modules = modules();
    let graph = imports(&modules);
    let mut wrong = Vec::new();
    for (module, used) in &graph {
        for target in used {
            if layer(target) > layer(module) {
                wrong.push(format!("{module} imports {target}, a layer above it"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// CONTRIBUTING.md's code map: the lines after `src/` in its text block.
fn code_map(contributing: &str) -> &str {
    contributing
        .split("```text\nsrc/\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("CONTRIBUTING.md has a code map starting with src/")
}

/// CONTRIBUTING.md, which holds the code map.
fn contributing(root: &Path) -> String {
    std::fs::read_to_string(root.join("CONTRIBUTING.md")).unwrap()
}

#[test]
fn the_code_map_names_every_folder_and_top_level_file_of_src() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let contributing = contributing(root);
    let map = code_map(&contributing);
    let listed: BTreeSet<String> = map
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect();
    let mut present = BTreeSet::new();
    for entry in std::fs::read_dir(root.join("src")).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_dir() {
            present.insert(format!("{name}/"));
        } else if !matches!(name.as_str(), "lib.rs" | "main.rs") {
            present.insert(name);
        }
    }
    assert_eq!(listed, present, "update the code map in CONTRIBUTING.md");
}

/// The subcommands the docs have a reference page for (`docs/reference/NAME.md`): `cli/` and
/// `commands/` hold one file for each.
fn subcommands(root: &Path) -> BTreeSet<String> {
    std::fs::read_dir(root.join("docs/reference"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .filter(|stem| stem != "README")
        .collect()
}

#[test]
fn the_code_map_names_every_module_of_each_folder() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let contributing = contributing(root);
    let map = code_map(&contributing);
    let subcommands = subcommands(root);
    assert!(subcommands.contains("plan") && subcommands.contains("man"));
    let mut missing = Vec::new();
    for line in map.lines() {
        let Some(folder) = line.split_whitespace().next().filter(|w| w.ends_with('/')) else {
            continue;
        };
        let words: BTreeSet<&str> = line
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .collect();
        for entry in std::fs::read_dir(root.join("src").join(folder)).unwrap() {
            let path = entry.unwrap().path();
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            if stem == "mod" {
                continue;
            }
            let per_subcommand =
                matches!(folder, "cli/" | "commands/") && subcommands.contains(&stem);
            if !words.contains(stem.as_str()) && !per_subcommand {
                missing.push(format!(
                    "{folder}{}",
                    path.file_name().unwrap().to_string_lossy()
                ));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "the code map in CONTRIBUTING.md does not name {}: name each in its folder's line",
        missing.join(", ")
    );
}
