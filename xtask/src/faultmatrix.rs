//! The fault matrix: each scenario of the fault spec writes a row (scenario, expected, found:
//! the message counted on the server); this prints the table and fails on anything lost or
//! duplicated, and, for the whole suite, on a matrix that is missing or short of rows.

use std::path::Path;

use crate::{Result, Scope};

/// The spec whose scenarios write the fault matrix.
pub const SPEC: &str = "e2e/tests/faults.spec.ts";

/// How many scenarios the fault spec declares (each a `scenario(` call at the start of a line).
fn scenarios_in(spec: &Path) -> Result<usize> {
    let text = std::fs::read_to_string(spec).map_err(|e| format!("{}: {e}", spec.display()))?;
    Ok(text
        .lines()
        .filter(|l| l.trim_start().starts_with("scenario('"))
        .count())
}

/// Prints the fault matrix the e2e run wrote (one JSON object a line: scenario, expected,
/// found); fails if a message was lost or duplicated. For the whole suite the matrix must be
/// there with a row for every scenario of the spec; a narrowed run prints what it has.
pub fn check(path: &Path, spec: &Path, scope: Scope) -> Result {
    let scenarios = scenarios_in(spec)?;
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(_) if scope == Scope::Narrowed => return Ok(()),
        Err(e) => {
            return Err(format!(
                "the fault matrix ({}) was not written: {e}; {SPEC} has {scenarios} scenarios",
                path.display()
            ))
        }
    };
    let field = |line: &str, name: &str| -> Option<String> {
        let start = line.find(&format!("\"{name}\":"))? + name.len() + 3;
        let rest = &line[start..];
        let value = match rest.strip_prefix('"') {
            Some(quoted) => quoted.split('"').next()?,
            None => rest.split([',', '}']).next()?,
        };
        Some(value.to_owned())
    };
    let number = |line: &str, name: &str| field(line, name).and_then(|v| v.parse::<i64>().ok());
    println!("\nfault matrix (each scenario's message counted on the server):");
    println!(
        "  {:<46} {:>8} {:>6} {:>5} {:>11}",
        "scenario", "expected", "found", "lost", "duplicated"
    );
    let (mut lost, mut duplicated, mut rows) = (0, 0, 0);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let (Some(name), Some(expected), Some(found)) = (
            field(line, "scenario"),
            number(line, "expected"),
            number(line, "found"),
        ) else {
            return Err(format!("unreadable fault matrix row: {line}"));
        };
        let (l, d) = ((expected - found).max(0), (found - expected).max(0));
        println!("  {name:<46} {expected:>8} {found:>6} {l:>5} {d:>11}");
        lost += l;
        duplicated += d;
        rows += 1;
    }
    println!("  {rows} scenarios: {lost} lost, {duplicated} duplicated");
    if scope == Scope::Whole && rows < scenarios {
        return Err(format!(
            "the fault matrix has {rows} rows but {SPEC} has {scenarios} scenarios"
        ));
    }
    if lost + duplicated > 0 {
        return Err(format!(
            "the fault matrix lost {lost} and duplicated {duplicated} messages"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(name: &str, rows: &[&str]) -> (std::path::PathBuf, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("xtask-matrix-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let spec = dir.join("faults.spec.ts");
        std::fs::write(
            &spec,
            "  scenario('a', '1', 1, async () => {});\n  scenario('b', '1', 0, async () => {});\n",
        )
        .unwrap();
        let matrix = dir.join("matrix.jsonl");
        let _ = std::fs::remove_file(&matrix);
        if !rows.is_empty() {
            std::fs::write(&matrix, rows.join("\n")).unwrap();
        }
        (matrix, spec)
    }

    const A: &str = r#"{"scenario":"a","expected":1,"found":1}"#;
    const B: &str = r#"{"scenario":"b","expected":0,"found":0}"#;

    #[test]
    fn a_missing_matrix_fails_the_whole_suite_only() {
        let (matrix, spec) = files("missing", &[]);
        let error = check(&matrix, &spec, Scope::Whole).unwrap_err();
        assert!(
            error.contains("not written") && error.contains("2 scenarios"),
            "{error}"
        );
        assert!(check(&matrix, &spec, Scope::Narrowed).is_ok());
    }

    #[test]
    fn a_short_matrix_fails_the_whole_suite() {
        let (matrix, spec) = files("short", &[A]);
        let error = check(&matrix, &spec, Scope::Whole).unwrap_err();
        assert!(error.contains("1 rows but"), "{error}");
        assert!(check(&matrix, &spec, Scope::Narrowed).is_ok());
        let (matrix, spec) = files("full", &[A, B]);
        assert!(check(&matrix, &spec, Scope::Whole).is_ok());
    }

    #[test]
    fn a_lost_or_duplicated_message_fails_any_run() {
        let lost = r#"{"scenario":"b","expected":1,"found":0}"#;
        let (matrix, spec) = files("lost", &[A, lost]);
        assert!(check(&matrix, &spec, Scope::Narrowed).is_err());
        let twice = r#"{"scenario":"a","expected":1,"found":2}"#;
        let (matrix, spec) = files("twice", &[twice, B]);
        assert!(check(&matrix, &spec, Scope::Whole).is_err());
    }
}
