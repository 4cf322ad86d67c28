//! Installs the project's tools, each only when the right version is not already present:
//! the wasm32 target, Trunk, wasm-bindgen-cli (the version Cargo.lock pins), wasm-opt (npm
//! binaryen; Debian's is too old), and for tests Chromium, chromedriver and the e2e packages.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{run, Result};

const TRUNK_VERSION: &str = "0.21.14";
const BINARYEN_VERSION: &str = "132.0.0";
const TWIGGY_VERSION: &str = "0.8.0";

/// How much to install.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Dev,
    Bench,
    Test,
}

/// Paths to the tools, once present.
pub struct Tools {
    pub trunk: PathBuf,
    pub npx: PathBuf,
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
    pub brotli: PathBuf,
    /// Redis, which two servers share in the end-to-end tests (live events across instances).
    pub redis: PathBuf,
    /// The wasm size profiler (benchmarks).
    pub twiggy: PathBuf,
    /// Directories to put first on PATH (cargo bin, our wasm-opt).
    extra_path: Vec<PathBuf>,
}

impl Tools {
    /// PATH with our tool directories first.
    pub fn path_env(&self) -> String {
        let mut parts: Vec<String> = self
            .extra_path
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        parts.push(std::env::var("PATH").unwrap_or_default());
        parts.join(":")
    }

    /// Installs what `level` needs and is missing.
    pub fn ensure(root: &Path, level: Level) -> Result<Tools> {
        let cargo_bin = cargo_home().join("bin");
        let wasm_opt_dir = root.join(".tools/node_modules/.bin");
        let tools = Tools {
            trunk: cargo_bin.join("trunk"),
            npx: PathBuf::from("npx"),
            chromium: PathBuf::from("/usr/bin/chromium"),
            chromedriver: PathBuf::from("/usr/bin/chromedriver"),
            brotli: PathBuf::from("/usr/bin/brotli"),
            redis: PathBuf::from("/usr/bin/redis-server"),
            twiggy: cargo_bin.join("twiggy"),
            extra_path: vec![cargo_bin.clone(), wasm_opt_dir.clone()],
        };
        ensure_wasm_target()?;
        if !version_of(&tools.trunk).contains(TRUNK_VERSION) {
            run(Command::new("cargo").args([
                "install",
                "--locked",
                "trunk",
                "--version",
                TRUNK_VERSION,
            ]))?;
        }
        let bindgen = wasm_bindgen_version(root)?;
        if !version_of(&cargo_bin.join("wasm-bindgen")).contains(&bindgen) {
            // `--locked` fails for this crate here (its lock names a version the registry lacks).
            run(Command::new("cargo").args([
                "install",
                "wasm-bindgen-cli",
                "--version",
                &bindgen,
            ]))?;
        }
        let major = BINARYEN_VERSION.split('.').next().unwrap_or_default();
        if !version_of(&wasm_opt_dir.join("wasm-opt")).contains(&format!("version {major}")) {
            let dir = root.join(".tools");
            std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            run(Command::new("npm").current_dir(&dir).args([
                "install",
                "--no-audit",
                "--no-fund",
                "--no-save",
                &format!("binaryen@{BINARYEN_VERSION}"),
            ]))?;
        }
        // Every build writes the app's compressed twins.
        if !tools.brotli.exists() {
            apt_install(&["brotli"])?;
        }
        // Benchmarks and tests both drive Chromium through the e2e packages.
        if level >= Level::Bench {
            if !tools.chromium.exists() || !tools.chromedriver.exists() || !tools.brotli.exists() {
                apt_install(&["chromium", "chromium-driver", "brotli"])?;
            }
            ensure_npm_ci(&root.join("e2e"))?;
        }
        if level == Level::Test && !tools.redis.exists() {
            apt_install(&["redis-server"])?;
        }
        if level == Level::Bench && !version_of(&tools.twiggy).contains(TWIGGY_VERSION) {
            run(Command::new("cargo").args([
                "install",
                "--locked",
                "twiggy",
                "--version",
                TWIGGY_VERSION,
            ]))?;
        }
        Ok(tools)
    }
}

fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
}

/// `tool --version`, or "" when it is missing or fails.
fn version_of(tool: &Path) -> String {
    Command::new(tool)
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

fn ensure_wasm_target() -> Result {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("wasm32-unknown-unknown"))
        .unwrap_or(false);
    if installed {
        Ok(())
    } else {
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
    }
}

/// The `wasm-bindgen` version in Cargo.lock: the CLI must match it exactly.
fn wasm_bindgen_version(root: &Path) -> Result<String> {
    let lock =
        std::fs::read_to_string(root.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_owned());
            }
        }
    }
    Err("Cargo.lock has no wasm-bindgen entry".into())
}

/// Debian packages, as root directly or through sudo.
fn apt_install(packages: &[&str]) -> Result {
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    let apt = |args: &[&str]| {
        let mut c = if is_root {
            Command::new("apt-get")
        } else {
            Command::new("sudo")
        };
        if !is_root {
            c.arg("apt-get");
        }
        c.env("DEBIAN_FRONTEND", "noninteractive").args(args);
        c
    };
    run(&mut apt(&["update", "-qq"]))?;
    let mut install = apt(&["install", "-y", "-qq", "--no-install-recommends"]);
    install.args(packages);
    run(&mut install)
}

/// `npm ci` in `dir` unless node_modules already matches package-lock.json.
fn ensure_npm_ci(dir: &Path) -> Result {
    let lock = std::fs::read(dir.join("package-lock.json"))
        .map_err(|e| format!("{}/package-lock.json: {e}", dir.display()))?;
    let stamp = dir.join("node_modules/.threadline-lock");
    if std::fs::read(&stamp).ok().as_deref() == Some(lock.as_slice()) {
        return Ok(());
    }
    run(Command::new("npm")
        .current_dir(dir)
        .args(["ci", "--no-audit", "--no-fund"]))?;
    std::fs::write(&stamp, &lock).map_err(|e| format!("{}: {e}", stamp.display()))
}
