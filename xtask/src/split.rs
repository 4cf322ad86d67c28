//! Splits the release app at its `#[wasm_split]` points (the composer), after Trunk: Trunk
//! cannot split, so this redoes its last steps on the same compiler output. Cargo's wasm
//! (built by Trunk with `--cfg threadline_split` and relocations kept) goes through
//! wasm-split, then wasm-bindgen and wasm-opt, and replaces Trunk's two files under the same
//! hashed names. The chunks and the JS that loads them go in `threadline-<hash>-chunks/`,
//! whose name carries the build's hash, so the server may keep them for a year.

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use sha2::{Digest, Sha384};

use crate::bundle::hashed_name;
use crate::tools::Tools;
use crate::{run, Result};

/// What Trunk's cargo build needs for splitting: the split points compiled in, and the
/// linker's relocations kept (wasm-split reads them). Erased component types as always.
pub const RUSTFLAGS: &str =
    "--cfg erase_components --cfg threadline_split -Clink-arg=--emit-relocs";

/// The same code for clippy (which links nothing).
pub const CHECK_RUSTFLAGS: &str = "--cfg erase_components --cfg threadline_split";

/// Splits `dist/`'s app. `root` is the workspace (for cargo's output and a work directory).
pub fn split(root: &Path, tools: &Tools) -> Result {
    let dist = root.join("dist");
    let index_path = dist.join("index.html");
    let index = read_text(&index_path)?;
    let js = hashed_name(&index, "threadline-", ".js")?.to_owned();
    let stem = js.trim_end_matches(".js").to_owned();
    let chunks = format!("{stem}-chunks");

    let work = root.join("target/split");
    remove_dir(&work)?;
    create_dir(&work)?;
    // Where cargo put Trunk's build (a CARGO_TARGET_DIR elsewhere included).
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map_or_else(|| root.join("target"), |dir| root.join(dir));
    let raw = target.join("wasm32-unknown-unknown/release/threadline.wasm");
    let input = std::fs::read(&raw).map_err(|e| format!("{}: {e}", raw.display()))?;
    let out = work.join("out");
    let main = work.join("main.wasm");
    // The main module imports the loader functions from `link_name`, a specifier the browser
    // resolves against the glue JS at the top of dist; the link JS imports the glue back.
    let link_name = format!("./{chunks}/link.js");
    let main_module = format!("../{js}");
    // wasm-split writes the link JS at `out/<link_name>` but makes only `out/` itself.
    create_dir(&out.join(&chunks))?;
    let mut options = wasm_split_cli_support::Options::new(&input);
    options.output_dir = &out;
    options.main_out_path = &main;
    options.link_name = &link_name;
    options.main_module = &main_module;
    let result =
        wasm_split_cli_support::transform(options).map_err(|e| format!("wasm-split: {e:#}"))?;
    if result.split_modules.is_empty() {
        return Err("wasm-split found no split point: was the app built with \
                    --cfg threadline_split?"
            .into());
    }

    let bindgen = work.join("bindgen");
    run(Command::new("wasm-bindgen")
        .env("PATH", tools.path_env())
        .args(["--target", "web", "--keep-lld-exports", "--no-typescript"])
        .arg("--out-dir")
        .arg(&bindgen)
        .args(["--out-name", &stem])
        .arg(&main))?;

    let shipped_chunks = dist.join(&chunks);
    remove_dir(&shipped_chunks)?;
    create_dir(&shipped_chunks)?;
    optimise(
        tools,
        &bindgen.join(format!("{stem}_bg.wasm")),
        &dist.join(format!("{stem}_bg.wasm")),
    )?;
    copy(&bindgen.join(&js), &dist.join(&js))?;
    for chunk in &result.split_modules {
        let name = chunk.file_name().ok_or("a chunk without a name")?;
        optimise(tools, chunk, &shipped_chunks.join(name))?;
    }
    copy(&out.join(&link_name), &shipped_chunks.join("link.js"))?;

    // Trunk's page names its two files with their digests (`integrity`): name the new ones.
    let mut page = index;
    for file in [js.clone(), format!("{stem}_bg.wasm")] {
        page = with_integrity(&page, &file, &sri(&dist.join(&file))?)?;
    }
    std::fs::write(&index_path, page).map_err(|e| format!("{}: {e}", index_path.display()))
}

/// wasm-opt as Trunk runs it for `data-wasm-opt="z"`.
fn optimise(tools: &Tools, from: &Path, to: &Path) -> Result {
    run(Command::new("wasm-opt")
        .env("PATH", tools.path_env())
        .arg("-Oz")
        .arg(from)
        .arg("-o")
        .arg(to))
}

/// `sha384-<base64>` of a file, as in an `integrity` attribute.
fn sri(file: &Path) -> Result<String> {
    let bytes = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let digest = Sha384::digest(&bytes);
    Ok(format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    ))
}

/// The page with the `integrity` of the tag whose `href` names `file` set to `digest`, wherever
/// the attribute is in the tag. A tag without one is left as it is.
fn with_integrity(page: &str, file: &str, digest: &str) -> Result<String> {
    let href = format!("href=\"/{file}\"");
    let at = page
        .find(&href)
        .ok_or_else(|| format!("dist/index.html does not link {file}"))?;
    let start = page[..at]
        .rfind('<')
        .ok_or("a tag without its start in dist/index.html")?;
    let end = at
        + page[at..]
            .find('>')
            .ok_or("an unclosed tag in dist/index.html")?;
    let tag = &page[start..end];
    let Some(attribute) = tag.find("integrity=\"") else {
        return Ok(page.to_owned());
    };
    let value_start = start + attribute + "integrity=\"".len();
    let value_end = value_start
        + page[value_start..end]
            .find('"')
            .ok_or("an unclosed integrity attribute in dist/index.html")?;
    Ok(format!(
        "{}{digest}{}",
        &page[..value_start],
        &page[value_end..]
    ))
}

fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn copy(from: &Path, to: &PathBuf) -> Result {
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("{} -> {}: {e}", from.display(), to.display()))
}

fn create_dir(path: &Path) -> Result {
    std::fs::create_dir_all(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn remove_dir(path: &Path) -> Result {
    match std::fs::remove_dir_all(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(format!("{}: {e}", path.display()))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::with_integrity;

    #[test]
    fn the_digest_of_the_named_file_is_replaced_and_no_other() {
        let page = r#"<link rel="modulepreload" href="/a-1.js" integrity="sha384-old"><link rel="preload" href="/a-1_bg.wasm" integrity="sha384-other">"#;
        let out = with_integrity(page, "a-1.js", "sha384-new").unwrap();
        assert_eq!(
            out,
            r#"<link rel="modulepreload" href="/a-1.js" integrity="sha384-new"><link rel="preload" href="/a-1_bg.wasm" integrity="sha384-other">"#
        );
        assert!(with_integrity(page, "b.js", "x").is_err());
        // Before the href as well as after it.
        let before = r#"<link integrity="sha384-old" rel="preload" href="/a-1_bg.wasm"><p>"#;
        assert_eq!(
            with_integrity(before, "a-1_bg.wasm", "sha384-new").unwrap(),
            r#"<link integrity="sha384-new" rel="preload" href="/a-1_bg.wasm"><p>"#
        );
    }
}
