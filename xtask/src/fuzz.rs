//! `cargo xtask fuzz`: runs the cargo-fuzz targets in `fuzz/` (nightly, libFuzzer) one after
//! another for a given time each and prints what each did. The corpus lives in `fuzz/corpus/`;
//! a full run adds what it finds there, a smoke pass (`cargo xtask test`) writes to scratch.

use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::{run, Result};

/// Every target in `fuzz/Cargo.toml`.
pub const TARGETS: &[&str] = &["sanitize", "markdown", "dialect_responses", "recipients"];
const CARGO_FUZZ_VERSION: &str = "0.13.2";

/// Where the new inputs a run finds go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Into the repository's corpus.
    InRepo,
    /// Into a scratch directory (the repository is left as it was).
    Scratch,
}

/// One target's run, as libFuzzer reported it.
struct Outcome {
    target: String,
    runs: u64,
    seconds: u64,
    coverage: String,
    corpus: String,
}

/// `cargo xtask fuzz [--seconds N] [target…]`.
pub fn command(root: &Path, args: &[String]) -> Result {
    let mut seconds = 60;
    let mut targets = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--seconds" => {
                seconds = rest
                    .next()
                    .and_then(|s| s.parse().ok())
                    .ok_or("--seconds needs a whole number")?;
            }
            t if TARGETS.contains(&t) => targets.push(t.to_owned()),
            other => {
                return Err(format!(
                    "unknown fuzz argument {other:?} (targets: {})",
                    TARGETS.join(", ")
                ))
            }
        }
    }
    if targets.is_empty() {
        targets = TARGETS.iter().map(|t| (*t).to_owned()).collect();
    }
    fuzz(root, &targets, seconds, Keep::InRepo)
}

/// Builds the targets and runs each for `seconds`; fails on the first finding.
pub fn fuzz(root: &Path, targets: &[String], seconds: u64, keep: Keep) -> Result {
    ensure_tools()?;
    let work = root.join("target/fuzz");
    run(cargo_fuzz(root).args(["build", "--target-dir", &path(&work)]))?;
    let mut outcomes = Vec::new();
    for target in targets {
        outcomes.push(run_target(root, &work, target, seconds, keep)?);
    }
    println!("\nfuzzing: {} targets, no finding", outcomes.len());
    println!(
        "  {:<18} {:>8} {:>12} {:>10}  {:<10} corpus",
        "target", "seconds", "runs", "runs/s", "coverage"
    );
    for o in &outcomes {
        println!(
            "  {:<18} {:>8} {:>12} {:>10}  {:<10} {}",
            o.target,
            o.seconds,
            o.runs,
            o.runs / o.seconds.max(1),
            o.coverage,
            o.corpus
        );
    }
    Ok(())
}

fn run_target(root: &Path, work: &Path, target: &str, seconds: u64, keep: Keep) -> Result<Outcome> {
    let seeds = root.join("fuzz/corpus").join(target);
    std::fs::create_dir_all(&seeds).map_err(|e| format!("{}: {e}", seeds.display()))?;
    // A smoke pass (cargo xtask test) may run beside a long run: its own logs.
    let logs = match keep {
        Keep::InRepo => work.join("logs"),
        Keep::Scratch => work.join("smoke-logs"),
    };
    std::fs::create_dir_all(&logs).map_err(|e| format!("{}: {e}", logs.display()))?;
    let log_path = logs.join(format!("{target}.log"));
    let log = File::create(&log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
    let mut cmd = cargo_fuzz(root);
    cmd.args(["run", target, "--target-dir", &path(work)]);
    // libFuzzer writes new inputs into the first corpus directory and reads all of them.
    if keep == Keep::Scratch {
        let scratch = work.join("smoke-corpus").join(target);
        let _ = std::fs::remove_dir_all(&scratch);
        std::fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
        cmd.arg(path(&scratch));
    }
    cmd.arg(path(&seeds)).args([
        "--".to_owned(),
        format!("-max_total_time={seconds}"),
        "-max_len=65536".to_owned(),
        "-timeout=30".to_owned(),
        "-rss_limit_mb=4096".to_owned(),
        format!("-artifact_prefix={}/", path(&work.join("artifacts"))),
    ]);
    std::fs::create_dir_all(work.join("artifacts")).map_err(|e| e.to_string())?;
    println!(
        "\n$ fuzz {target} for {seconds} s (log: {})",
        log_path.display()
    );
    let status = cmd
        .stdout(Stdio::null())
        .stderr(log)
        .status()
        .map_err(|e| format!("cannot start cargo fuzz: {e}"))?;
    let text = std::fs::read_to_string(&log_path).unwrap_or_default();
    if !status.success() {
        let tail: Vec<&str> = text.lines().rev().take(40).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!(
            "fuzz target {target} found a failure (its input is in target/fuzz/artifacts/):\n{}",
            tail.join("\n")
        ));
    }
    Ok(summary(target, &text, seconds))
}

/// Reads libFuzzer's last status line (`#N DONE cov: … corp: …`) and `Done N runs in S s`.
fn summary(target: &str, log: &str, seconds: u64) -> Outcome {
    let field = |line: &str, name: &str| {
        line.split_whitespace()
            .skip_while(|w| *w != name)
            .nth(1)
            .unwrap_or("?")
            .to_owned()
    };
    let status = log
        .lines()
        .rev()
        .find(|l| l.starts_with('#') && l.contains("cov:"))
        .unwrap_or_default();
    let done = log
        .lines()
        .rev()
        .find(|l| l.starts_with("Done ") && l.contains(" runs in "))
        .unwrap_or_default();
    let mut words = done.split_whitespace().skip(1);
    let runs = words.next().and_then(|w| w.parse().ok()).unwrap_or(0);
    let secs = words.nth(2).and_then(|w| w.parse().ok()).unwrap_or(seconds);
    Outcome {
        target: target.to_owned(),
        runs,
        seconds: secs,
        coverage: field(status, "cov:"),
        corpus: field(status, "corp:"),
    }
}

fn cargo_fuzz(root: &Path) -> Command {
    let mut c = Command::new("cargo");
    // Inside `cargo xtask`, rustup has pinned the stable toolchain through the environment.
    c.env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("CARGO")
        .current_dir(root)
        .args(["+nightly", "fuzz"]);
    c
}

/// The nightly toolchain and cargo-fuzz, each only when missing.
pub fn ensure_tools() -> Result {
    let nightly = Command::new("rustup")
        .args(["toolchain", "list"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("nightly"))
        .unwrap_or(false);
    if !nightly {
        run(Command::new("rustup").args([
            "toolchain",
            "install",
            "nightly",
            "--profile",
            "minimal",
        ]))?;
    }
    let installed = Command::new("cargo")
        .env_remove("RUSTUP_TOOLCHAIN")
        .args(["fuzz", "--version"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains(CARGO_FUZZ_VERSION))
        .unwrap_or(false);
    if !installed {
        run(Command::new("cargo").args([
            "install",
            "--locked",
            "cargo-fuzz",
            "--version",
            CARGO_FUZZ_VERSION,
        ]))?;
    }
    Ok(())
}

fn path(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}
