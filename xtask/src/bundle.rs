//! What the build does to `dist/` after Trunk, so the server can serve it as production does:
//! the embed loader learns the app's hashed file names (they change with every build, so they
//! can be cached for a year; the loader's own URL stays stable), and every text or wasm file
//! gets its brotli (quality 11) and gzip (-9) twin, for `Accept-Encoding`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{run, Result};

/// Files smaller than this gain nothing from compression worth a second copy.
const MIN_COMPRESSED: u64 = 512;
/// What is worth compressing.
const COMPRESSED: [&str; 7] = ["html", "js", "mjs", "css", "wasm", "svg", "json"];

/// Points `dist/public/embed.js` at this build's hashed files, then writes the compressed
/// twins of every file worth it.
pub fn finish(dist: &Path, brotli: &Path) -> Result {
    point_loader_at_build(dist)?;
    compress(dist, brotli)
}

/// Writes the brotli and gzip twins of every file under `dir` worth compressing.
pub fn compress(dir: &Path, brotli: &Path) -> Result {
    for file in files(dir)? {
        let worth = COMPRESSED.contains(&extension(&file))
            && std::fs::metadata(&file).is_ok_and(|m| m.len() >= MIN_COMPRESSED);
        if worth {
            run(Command::new(brotli)
                .args(["-q", "11", "-f", "-k"])
                .arg(&file))?;
            run(Command::new("gzip")
                .args(["-9", "-f", "-k", "-n"])
                .arg(&file))?;
        }
    }
    Ok(())
}

fn extension(path: &Path) -> &str {
    path.extension().and_then(|x| x.to_str()).unwrap_or("")
}

/// Every file under `dir`, not the compressed twins of an earlier run.
fn files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            found.extend(files(&path)?);
        } else if !matches!(extension(&path), "br" | "gz") {
            found.push(path);
        }
    }
    Ok(found)
}

/// The hashed name Trunk gave the file that `index.html` names as `prefix…suffix`.
pub(crate) fn hashed_name<'a>(index: &'a str, prefix: &str, suffix: &str) -> Result<&'a str> {
    index
        .match_indices(prefix)
        .filter_map(|(at, _)| {
            let rest = &index[at..];
            let end = rest.find(suffix)? + suffix.len();
            let name = &rest[..end];
            // A name, not a run of markup: letters, digits, '-', '_' and '.' only.
            name.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
                .then_some(name)
        })
        .next()
        .ok_or_else(|| format!("dist/index.html names no {prefix}…{suffix}"))
}

/// `embed.js` asks for `threadline.js`, `threadline_bg.wasm` and `main.css`; this build calls
/// them `threadline-<hash>.js` and so on.
fn point_loader_at_build(dist: &Path) -> Result {
    let index = std::fs::read_to_string(dist.join("index.html"))
        .map_err(|e| format!("dist/index.html: {e}"))?;
    let loader = dist.join("public/embed.js");
    let mut text =
        std::fs::read_to_string(&loader).map_err(|e| format!("dist/public/embed.js: {e}"))?;
    for (stable, prefix, suffix) in [
        ("threadline_bg.wasm", "threadline-", "_bg.wasm"),
        ("threadline.js", "threadline-", ".js"),
        ("main.css", "main-", ".css"),
    ] {
        let quoted = format!("'{stable}'");
        if !text.contains(&quoted) {
            return Err(format!("dist/public/embed.js does not name {quoted}"));
        }
        let hashed = hashed_name(&index, prefix, suffix)?;
        text = text.replace(&quoted, &format!("'{hashed}'"));
    }
    std::fs::write(&loader, text).map_err(|e| format!("dist/public/embed.js: {e}"))
}

#[cfg(test)]
mod tests {
    use super::hashed_name;

    #[test]
    fn the_hashed_names_are_read_from_the_page() {
        let index = r#"<link rel="modulepreload" href="/threadline-5b1e0c2a9d8f7e6d.js">
<link rel="preload" href="/threadline-5b1e0c2a9d8f7e6d_bg.wasm" as="fetch">
<link rel="stylesheet" href="/main-0123456789abcdef.css">"#;
        assert_eq!(
            hashed_name(index, "threadline-", "_bg.wasm").unwrap(),
            "threadline-5b1e0c2a9d8f7e6d_bg.wasm"
        );
        assert_eq!(
            hashed_name(index, "threadline-", ".js").unwrap(),
            "threadline-5b1e0c2a9d8f7e6d.js"
        );
        assert_eq!(
            hashed_name(index, "main-", ".css").unwrap(),
            "main-0123456789abcdef.css"
        );
        assert!(hashed_name(index, "other-", ".js").is_err());
    }
}
