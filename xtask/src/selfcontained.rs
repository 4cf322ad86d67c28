//! The first step of `cargo xtask test`: the repository stands alone. A clone with nothing
//! beside it must pass the suite, so no tracked file may refer to a path outside the
//! repository, and the files the suite reads must be present.
//!
//! A reference is any relative path written in a tracked text file (`a/b`, `../a`, …). It
//! points outside when, read from the file's own folder, it climbs above the root; or when
//! it names something that sits beside the repository (such as a `shared/` folder a
//! developer's machine happens to have) and not inside it.

use std::collections::BTreeSet;
use std::path::{Component, Path};
use std::process::Command;

use crate::Result;

/// Files the suite reads that are easy to lose in a move: each with what it is.
const REQUIRED: &[(&str, &str)] = &[(
    "crates/core/tests/fixtures/xss-public.jsonl",
    "the public attack corpus the sanitizer is tested against (see the README beside it)",
)];

/// Test data whose bytes are inputs, not references.
const DATA_DIRS: &[&str] = &[
    "fuzz/corpus/",
    "crates/core/tests/fixtures/xss-public.jsonl",
];

/// Checks every tracked file; the error lists each outside reference as `file:line: path`.
pub fn check(root: &Path) -> Result {
    let mut problems = missing_required(root);
    let beside = beside_repository(root);
    for file in tracked_files(root)? {
        if DATA_DIRS.iter().any(|d| file.starts_with(d)) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(root.join(&file)) else {
            continue; // not text
        };
        let dir = Path::new(&file).parent().unwrap_or(Path::new(""));
        for (line, reference) in references(&text) {
            if let Some(why) = outside(root, dir, &reference, &beside) {
                problems.push(format!("{file}:{line}: `{reference}` {why}"));
            }
        }
    }
    if problems.is_empty() {
        println!("every tracked file refers only to paths inside the repository");
        Ok(())
    } else {
        Err(format!(
            "the repository must stand alone (a clone with nothing beside it runs the suite):\n  {}",
            problems.join("\n  ")
        ))
    }
}

fn missing_required(root: &Path) -> Vec<String> {
    REQUIRED
        .iter()
        .filter(|(path, _)| !root.join(path).is_file())
        .map(|(path, what)| {
            format!("{path} is missing: {what}; restore it with `git checkout -- {path}`")
        })
        .collect()
}

fn tracked_files(root: &Path) -> Result<Vec<String>> {
    let out = Command::new("git")
        .current_dir(root)
        .args(["ls-files", "-z"])
        .output()
        .map_err(|e| format!("git ls-files: {e}"))?;
    if !out.status.success() {
        return Err("git ls-files failed: the check needs a git checkout".into());
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .split('\0')
        .filter(|f| !f.is_empty())
        .map(str::to_owned)
        .collect())
}

/// Names of what sits in the repository's parent folder, the repository itself excluded.
fn beside_repository(root: &Path) -> BTreeSet<String> {
    let own = root.file_name().map(|n| n.to_string_lossy().into_owned());
    root.parent()
        .and_then(|parent| std::fs::read_dir(parent).ok())
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| Some(name) != own.as_ref() && !name.starts_with('.'))
        .collect()
}

fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/')
}

/// Relative paths written in `text` with their line numbers: runs of path characters with a
/// `/` between two names or a leading `../`, not part of a URL or an absolute path.
fn references(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let mut rest = line;
        let mut before: Option<char> = None;
        while let Some(start) = rest.find(is_path_char) {
            before = rest[..start].chars().next_back().or(before);
            let tail = &rest[start..];
            let end = tail.find(|c| !is_path_char(c)).unwrap_or(tail.len());
            let token = tail[..end].trim_end_matches(['.', '/']);
            let after = tail[end..].chars().next();
            let in_url =
                matches!(before, Some(':' | '@' | '\\' | '$' | '{' | '%')) || after == Some(':');
            let relative = !token.starts_with('/')
                && (token.starts_with("../") || token.contains('/'))
                && token
                    .split('/')
                    .any(|part| !part.is_empty() && part != "." && part != "..");
            if relative && !in_url {
                found.push((n + 1, token.to_owned()));
            }
            before = tail[..end].chars().next_back();
            rest = &tail[end..];
        }
    }
    found
}

/// Why `reference`, written in a file in `dir`, points outside the repository (or None).
fn outside(
    root: &Path,
    dir: &Path,
    reference: &str,
    beside: &BTreeSet<String>,
) -> Option<&'static str> {
    if reference.starts_with("../") && climbs_out(&dir.join(reference)) {
        return Some("climbs out of the repository");
    }
    let first = reference
        .split('/')
        .find(|part| !part.is_empty() && *part != "." && *part != "..")?;
    let inside = root.join(first).exists() || root.join(dir).join(first).exists();
    (beside.contains(first) && !inside).then_some("names a folder beside the repository, not in it")
}

/// Whether a path relative to the root, once `..` are applied, leaves it.
fn climbs_out(path: &Path) -> bool {
    let mut depth: i64 = 0;
    for part in path.components() {
        match part {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            _ => {}
        }
        if depth < 0 {
            return true;
        }
    }
    false
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code
mod tests {
    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("repo/crates/core/src")).unwrap();
        std::fs::create_dir_all(dir.join("beside/api")).unwrap();
        dir
    }

    fn refs(text: &str) -> Vec<String> {
        references(text).into_iter().map(|(_, r)| r).collect()
    }

    #[test]
    fn finds_relative_paths_but_not_urls() {
        let up = "..";
        let text = format!(
            "see {up}/{up}/beside/x.md and docs/api/CONTRACT.md.\n\
             https://example.com/a/b /abs/path src=\"{up}/public/embed.js\" 1/2"
        );
        assert_eq!(
            refs(&text),
            [
                format!("{up}/{up}/beside/x.md"),
                "docs/api/CONTRACT.md".to_owned(),
                format!("{up}/public/embed.js"),
                "1/2".to_owned(),
            ]
        );
    }

    #[test]
    fn a_path_climbing_out_of_the_root_is_outside() {
        let dir = scratch("climb");
        let root = dir.join("repo");
        let beside = beside_repository(&root);
        let up = "..";
        let planted = format!("{up}/beside/x");
        assert!(outside(&root, Path::new(""), &planted, &beside).is_some());
        // From a crate's folder the same text stays inside, but it names the folder beside.
        assert!(outside(&root, Path::new("crates/core/src"), &planted, &beside).is_some());
        assert!(outside(
            &root,
            Path::new("crates/core/src"),
            "beside/api/x.md",
            &beside
        )
        .is_some());
        // Paths inside the repository, and ones that name nothing beside it, are fine.
        assert!(outside(
            &root,
            Path::new("crates/core/src"),
            &format!("{up}/src/lib.rs"),
            &beside
        )
        .is_none());
        assert!(outside(&root, Path::new(""), "crates/core/src", &beside).is_none());
        assert!(outside(&root, Path::new("a/b"), &format!("{up}/x"), &beside).is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_folder_of_the_same_name_inside_the_repository_is_inside() {
        let dir = scratch("same");
        let root = dir.join("repo");
        std::fs::create_dir_all(root.join("beside")).unwrap();
        let beside = beside_repository(&root);
        assert!(outside(&root, Path::new("docs"), "beside/api", &beside).is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_required_file_is_named_with_what_it_is() {
        let dir = scratch("required");
        let problems = missing_required(&dir.join("repo"));
        assert_eq!(problems.len(), REQUIRED.len());
        assert!(
            problems[0].contains("public attack corpus"),
            "{}",
            problems[0]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
