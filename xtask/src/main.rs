//! `cargo xtask <dev|test|e2e|bench|setup>`: the project's only entry points. Every tool the
//! project needs is installed here, idempotently: a second run skips what is present.

mod bundle;
mod embed_example;
mod faultmatrix;
mod fuzz;
mod live_load;
mod selfcontained;
mod split;
mod tools;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::Instant;

use tools::{Level, Tools};

const USAGE: &str = "usage: cargo xtask <command>

  dev     install what is missing, build the app, serve it with the reference server and
          demo data on http://127.0.0.1:8080 (Ctrl+C stops; data persists in data/);
          `--dialect airclou|inboxops|requestor` points the app at that surface instead of Initdesk;
          `--embed-example` also serves the admin-portal example from http://localhost:8090, a
          second origin, embedding through a gateway with signed agent sessions
  test    install what is missing, then fmt, clippy (host and wasm32), host tests,
          browser tests (wasm-bindgen-test in headless Chromium) and Playwright end-to-end tests
  build   only build the app into dist/ (release, the composer in a chunk of its own, compressed)
  e2e     only build the app and run the Playwright tests; arguments go to Playwright
          (e.g. `cargo xtask e2e -g \"undo\"`)
  bench   release bundle size, then the performance lab in headless Chromium (e2e/bench/run.mjs):
          cold start, threads of 50, 1,000 and 10,000 messages (first message, DOM, memory),
          scrolling, typing and sanitizing, each beside a plain-JS + DOMPurify floor page;
          writes bench/report.md and bench/report.json
  fuzz    run the fuzz targets (cargo-fuzz, nightly) for `--seconds N` each (default 60),
          or only the targets named; what they find joins the corpus in fuzz/corpus/
  load    50 concurrent clients post 200 messages each to a fresh reference server through
          core's outbox and dialect, with random injected faults; prints p50/p99 latency and
          proves every acknowledged message is stored exactly once (`--clients N`,
          `--messages N`, `--fault-percent P`, `--seed S`); `load --live`: 500 event streams
          on 50 tickets through a gateway and on a demo server, messages stored meanwhile:
          store-to-delivery p50/p99, upstream requests a minute, memory per stream
  standalone  only the first step of `test`: no tracked file refers to a path outside the
          repository, and the files the suite reads are there
  setup   only install the tools (add --test for the test tools too)";

type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("dev") => dev(&args[1..]),
        Some("test") => test(),
        Some("e2e") => Tools::ensure(&root(), Level::Test).and_then(|tools| {
            build_app(&root(), &tools)?;
            e2e(&root(), &tools, &args[1..], Scope::Narrowed)
        }),
        Some("build") => {
            Tools::ensure(&root(), Level::Dev).and_then(|tools| build_app(&root(), &tools))
        }
        Some("bench") => bench(),
        Some("fuzz") => fuzz::command(&root(), &args[1..]),
        Some("load") => load(&root(), &args[1..]),
        Some("standalone") => selfcontained::check(&root()),
        Some("setup") => {
            let level = if args.iter().any(|a| a == "--test") {
                Level::Test
            } else {
                Level::Dev
            };
            Tools::ensure(&root(), level).map(|_| ())
        }
        _ => Err(USAGE.to_owned()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (xtask lives one level below it).
fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(Path::to_path_buf).unwrap_or(manifest)
}

/// Runs a command to completion, failing with its name if it fails.
pub(crate) fn run(cmd: &mut Command) -> Result {
    let shown = format!("{cmd:?}").replace('"', "");
    println!("\n$ {shown}");
    let status = cmd
        .status()
        .map_err(|e| format!("cannot start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

fn cargo(root: &Path) -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root);
    c
}

/// `trunk build --release` with our pinned helper tools on PATH, the composer split into a
/// chunk of its own, and the compressed twins.
fn build_app(root: &Path, tools: &Tools) -> Result {
    run(cargo(root).args(["fetch", "--locked"]))?;
    run(Command::new(&tools.trunk)
        .current_dir(root)
        .env("PATH", tools.path_env())
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
            split::RUSTFLAGS,
        )
        .args(["build", "--release", "--offline", "--locked"]))?;
    split::split(root, tools)?;
    bundle::finish(&root.join("dist"), &tools.brotli)
}

/// Builds the server binary (with `extra` cargo arguments) and returns its path.
fn build_server(root: &Path, extra: &[&str]) -> Result<PathBuf> {
    run(cargo(root)
        .args(["build", "--locked", "-p", "threadline-server"])
        .args(extra))?;
    Ok(root.join("target/debug/threadline-server"))
}

/// A running server, its URL, and what it printed before it was ready.
struct Running {
    child: Child,
    url: String,
    startup: Vec<String>,
}

/// Starts the server on `port` (0: a free one) with the app from `dist/` and the database
/// `db`, and waits for the line that says where it listens.
fn start_server(
    root: &Path,
    server: &Path,
    db: &Path,
    port: u16,
    extra: &[&str],
) -> Result<Running> {
    let mut child = Command::new(server)
        .args(extra)
        .arg("--db")
        .arg(db)
        .arg("--dist")
        .arg(root.join("dist"))
        .args(["--port", &port.to_string()])
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", server.display()))?;
    let stdout = child.stdout.take().ok_or("no server stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let mut startup = Vec::new();
    let url = loop {
        match lines.next() {
            Some(Ok(line)) => {
                println!("{line}");
                startup.push(line.clone());
                if let Some(rest) = line.split("running at ").nth(1) {
                    break rest
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .trim_end_matches('/')
                        .to_owned();
                }
            }
            _ => {
                let _ = child.wait();
                return Err("the server stopped before it was ready".into());
            }
        }
    };
    // Keep echoing the server's output so nothing blocks on a full pipe.
    std::thread::spawn(move || {
        lines
            .map_while(std::result::Result::ok)
            .for_each(|l| println!("{l}"))
    });
    Ok(Running {
        child,
        url,
        startup,
    })
}

/// `--dialect NAME` picks the surface the app talks to (initdesk, the default, airclou,
/// inboxops or requestor); `--embed-example` also runs a gateway in front of it and serves the
/// admin-portal example from a second origin that embeds through it with signed sessions.
fn dev(args: &[String]) -> Result {
    let mut dialect = "initdesk";
    let mut embed_example = false;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--dialect" => dialect = rest.next().ok_or(USAGE)?.as_str(),
            "--embed-example" => embed_example = true,
            _ => return Err(USAGE.to_owned()),
        }
    }
    let root = root();
    let tools = Tools::ensure(&root, Level::Dev)?;
    build_app(&root, &tools)?;
    let server = build_server(&root, &[])?;
    let data = root.join("data");
    std::fs::create_dir_all(&data).map_err(|e| format!("cannot create data/: {e}"))?;
    let db = data.join("threadline.sqlite3");
    let demo = start_server(&root, &server, &db, 8080, &["--dialect", dialect])?;
    println!(
        "\nThreadline: open {}/ in your browser. Ctrl+C stops the server; data stays in data/.",
        demo.url
    );
    let demo_url = demo.url;
    let mut children = vec![demo.child];
    if embed_example {
        let secret = embed_example::secret_file(&root)?;
        let admission = [
            "--embed-secret-file".to_owned(),
            secret.to_string_lossy().into_owned(),
            "--allowed-origins".to_owned(),
            embed_example::portal_origin(),
        ];
        let gateway = start_gateway(&root, &server, &data, dialect, &demo_url, &admission)?;
        embed_example::serve_portal(&root, &server, &secret, &gateway.url)?;
        println!(
            "Embedded across origins: open {}/ (a portal on its own origin, signed in through the \
             gateway at {}).",
            embed_example::portal_origin(),
            gateway.url
        );
        children.push(gateway.child);
    }
    // Ctrl+C reaches the servers too (same process group); they shut down and we return.
    for mut child in children {
        let status = child.wait().map_err(|e| e.to_string())?;
        println!("threadline-server exited ({status})");
    }
    Ok(())
}

/// The fuzz targets' own workspace (libFuzzer's instrumentation stays out of the app's build).
const FUZZ_MANIFEST: &str = "fuzz/Cargo.toml";

struct Steps {
    done: Vec<(String, f64)>,
}

impl Steps {
    fn step(&mut self, name: &str, f: impl FnOnce() -> Result) -> Result {
        println!("\n==> {name}");
        let start = Instant::now();
        f().map_err(|e| format!("{name}: {e}"))?;
        self.done
            .push((name.to_owned(), start.elapsed().as_secs_f64()));
        Ok(())
    }
}

fn test() -> Result {
    let root = root();
    let started = Instant::now();
    let mut steps = Steps { done: Vec::new() };
    // First and cheap: a clone with nothing beside it must be able to run everything below.
    steps.step("the repository stands alone", || {
        selfcontained::check(&root)
    })?;
    let tools = Tools::ensure(&root, Level::Test)?;
    let wasm = "wasm32-unknown-unknown";
    steps.step("format", || {
        run(cargo(&root).args(["fmt", "--all", "--", "--check"]))?;
        // The fuzz targets are their own workspace: checked like the rest.
        run(cargo(&root).args([
            "fmt",
            "--manifest-path",
            FUZZ_MANIFEST,
            "--all",
            "--",
            "--check",
        ]))
    })?;
    steps.step("type-check the end-to-end tests (tsc --noEmit)", || {
        run(Command::new(&tools.npx)
            .current_dir(root.join("e2e"))
            .args(["tsc", "--noEmit", "-p", "."]))
    })?;
    steps.step("clippy (host)", || {
        run(cargo(&root).args([
            "clippy",
            "--locked",
            "--workspace",
            "--all-targets",
            "--features",
            "threadline-server/fault-switch",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    steps.step("clippy (wasm32)", || {
        run(cargo(&root).args([
            "clippy",
            "--locked",
            "-p",
            "threadline",
            "-p",
            "threadline-core",
            "--target",
            wasm,
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    // The composer's chunk is compiled only in the split release build: lint that code too.
    steps.step("clippy (wasm32, split build)", || {
        run(cargo(&root)
            .env(
                "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
                split::CHECK_RUSTFLAGS,
            )
            .args([
                "clippy",
                "--locked",
                "-p",
                "threadline",
                "--target",
                wasm,
                "--lib",
                "--bins",
                "--",
                "-D",
                "warnings",
            ]))
    })?;
    steps.step("clippy (fuzz targets)", || {
        run(cargo(&root).args([
            "clippy",
            "--locked",
            "--manifest-path",
            FUZZ_MANIFEST,
            "--all-targets",
            "--target-dir",
            "target",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    steps.step("host tests", || {
        run(cargo(&root).args([
            "test",
            "--locked",
            "--workspace",
            "--exclude",
            "threadline",
            "--features",
            "threadline-server/fault-switch",
        ]))
    })?;
    steps.step("fuzz smoke pass (each target 20 s)", || {
        let all: Vec<String> = fuzz::TARGETS.iter().map(|t| (*t).to_owned()).collect();
        fuzz::fuzz(&root, &all, 20, fuzz::Keep::Scratch)
    })?;
    steps.step(
        "browser tests (wasm-bindgen-test, headless Chromium)",
        || {
            run(cargo(&root)
                .env("PATH", tools.path_env())
                .env("CHROMEDRIVER", &tools.chromedriver)
                .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
                .args(["test", "--locked", "-p", "threadline", "--target", wasm]))
        },
    )?;
    steps.step("build the app (trunk, release)", || {
        build_app(&root, &tools)
    })?;
    steps.step("end-to-end tests (Playwright, headless Chromium)", || {
        e2e(&root, &tools, &[], Scope::Whole)
    })?;
    println!(
        "\nAll checks passed in {:.0} s:",
        started.elapsed().as_secs_f64()
    );
    for (name, secs) in &steps.done {
        println!("  {secs:>6.1} s  {name}");
    }
    println!("steps: {} passed, 0 failed", steps.done.len());
    Ok(())
}

/// A gateway (`--upstream`) in front of `upstream`, a server whose app speaks `dialect`, with
/// `extra` arguments (how it admits agents, above all). The upstream's credential, workspace and
/// mailboxes are read from its own `config.json`, as an operator would copy them.
fn start_gateway(
    root: &Path,
    server: &Path,
    scratch: &Path,
    dialect: &str,
    upstream: &str,
    extra: &[String],
) -> Result<Running> {
    let config = http_get_json(&format!("{upstream}/config.json"))?;
    let text = |key: &str| config.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    let token = text("token").ok_or("the upstream's config.json has no token")?;
    let api_base = text("api_base").ok_or("the upstream's config.json has no api_base")?;
    let token_file = scratch.join(format!("{dialect}-upstream-token"));
    std::fs::write(&token_file, token).map_err(|e| e.to_string())?;
    let upstream_api = format!("{upstream}{api_base}");
    let token_path = token_file.to_string_lossy().into_owned();
    let mut args: Vec<String> = [
        "--upstream-dialect",
        dialect,
        "--upstream",
        &upstream_api,
        "--upstream-token-file",
        &token_path,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    if let Some(workspace) = text("workspace_id") {
        args.extend(["--upstream-workspace-id".to_owned(), workspace]);
    }
    if let Some(header) = text("auth_header") {
        args.extend(["--upstream-auth-header".to_owned(), header]);
    }
    let mailboxes: Vec<String> = config
        .get("outbound_mailboxes")
        .and_then(|v| v.as_array())
        .map(|list| {
            list.iter()
                .filter_map(|m| m.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    if !mailboxes.is_empty() {
        args.extend(["--outbound-mailboxes".to_owned(), mailboxes.join(",")]);
    }
    args.extend(extra.iter().cloned());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    start_server(
        root,
        server,
        &scratch.join(format!("gateway-{dialect}.sqlite3")),
        0,
        &args,
    )
}

/// Whether an e2e run is the whole suite (`cargo xtask test`: nothing may be left out) or
/// narrowed by the developer (`cargo xtask e2e -g …`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    Whole,
    Narrowed,
}

/// Runs Playwright against fresh servers on free ports with throw-away databases: one whose
/// app speaks Initdesk (`BASE_URL`) and one per other dialect (`BASE_URL_AIRCLOU`,
/// `BASE_URL_INBOXOPS`, `BASE_URL_REQUESTOR`).
/// `playwright_args` narrow the run (`-g <pattern>`, a spec file).
fn e2e(root: &Path, tools: &Tools, playwright_args: &[String], scope: Scope) -> Result {
    // The fault switch (`/__test/faults`) lets the tests inject errors and lost answers.
    let server = build_server(root, &["--features", "fault-switch"])?;
    let scratch = std::env::temp_dir().join(format!("threadline-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
    // Many browser sessions a minute share one token here; the 60/min rule itself is
    // covered by the server's integration tests.
    // Poll fast so a test sees a new message within seconds; a short undo window keeps
    // sends quick while leaving time to press Undo.
    let common = [
        "--rate-limit",
        "6000",
        "--poll-seconds",
        "2",
        "--undo-seconds",
        "3",
        "--fault-switch",
    ];
    // An admin portal on an origin of its own (the tests serve its page on this port): the
    // Initdesk server lets it embed conversations; no other origin may.
    let portal_port = free_port()?;
    let portal_origin = format!("http://localhost:{portal_port}");
    let mut servers = Vec::new();
    let mut outcome = Ok(());
    for dialect in ["initdesk", "airclou", "inboxops", "requestor"] {
        let db = scratch.join(format!("{dialect}.sqlite3"));
        let mut extra = common.to_vec();
        extra.extend(["--dialect", dialect]);
        if dialect == "initdesk" {
            extra.extend(["--allowed-origins", portal_origin.as_str()]);
        }
        match start_server(root, &server, &db, 0, &extra) {
            Ok(running) => servers.push(running),
            Err(e) => {
                outcome = Err(e);
                break;
            }
        }
    }
    // A gateway in front of each server (as a portal would run it): the browser reaches it
    // with the portal proxy's header (set by the Playwright project) and never the credential.
    // The Initdesk one also admits sessions signed by the portal on its own origin (the tests
    // sign them with this secret, as the README shows).
    // Test-only, thrown away with the run (at least 32 characters, as the server asks).
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let embed_secret = format!("e2e-embed-secret-{:08}-{nanos:032x}", std::process::id());
    let embed_secret_file = scratch.join("embed-secret");
    std::fs::write(&embed_secret_file, &embed_secret).map_err(|e| e.to_string())?;
    // Admitted by the portal proxy's header; a short undo window; customer links for the
    // tests (`/__test/portal-link`).
    let proxied: Vec<String> = [
        "--trusted-header",
        "X-Portal-User",
        "--undo-seconds",
        "3",
        "--fault-switch",
    ]
    .map(str::to_owned)
    .to_vec();
    let mut embedding = proxied.clone();
    embedding.extend([
        "--embed-secret-file".to_owned(),
        embed_secret_file.to_string_lossy().into_owned(),
        "--allowed-origins".to_owned(),
        portal_origin.clone(),
        // Reads often enough that a refused session is refused again within a test.
        "--poll-seconds".to_owned(),
        "2".to_owned(),
    ]);
    let mut gateways = Vec::new();
    for (dialect, upstream) in ["initdesk", "airclou", "inboxops", "requestor"]
        .iter()
        .zip(&servers)
    {
        if outcome.is_err() {
            break;
        }
        let extra = if *dialect == "initdesk" {
            &embedding
        } else {
            &proxied
        };
        match start_gateway(root, &server, &scratch, dialect, &upstream.url, extra) {
            Ok(g) => gateways.push(g),
            Err(e) => outcome = Err(e),
        }
    }
    servers.extend(gateways);
    // Two instances on one database and one Redis (a real one): live events and presence
    // reach the agents of the other instance.
    let mut redis = None;
    if outcome.is_ok() {
        match start_redis(tools) {
            Ok((child, url)) => {
                redis = Some(child);
                let db = scratch.join("live.sqlite3");
                let mut extra = common.to_vec();
                extra.extend(["--redis", url.as_str()]);
                for _ in ["a", "b"] {
                    match start_server(root, &server, &db, 0, &extra) {
                        Ok(running) => servers.push(running),
                        Err(e) => outcome = Err(e),
                    }
                }
            }
            Err(e) => outcome = Err(e),
        }
    }
    if outcome.is_ok() {
        let mut cmd = Command::new(&tools.npx);
        cmd.current_dir(root.join("e2e"))
            .env("CHROMIUM", &tools.chromium)
            .args(["playwright", "test"])
            .args(playwright_args);
        if scope == Scope::Whole {
            // The config then refuses `test.only` and any missing server URL.
            cmd.env("THREADLINE_WHOLE_SUITE", "1");
        }
        let vars = [
            "BASE_URL",
            "BASE_URL_AIRCLOU",
            "BASE_URL_INBOXOPS",
            "BASE_URL_REQUESTOR",
            "BASE_URL_GATEWAY",
            "BASE_URL_GATEWAY_AIRCLOU",
            "BASE_URL_GATEWAY_INBOXOPS",
            "BASE_URL_GATEWAY_REQUESTOR",
            "BASE_URL_LIVE_A",
            "BASE_URL_LIVE_B",
        ];
        for (running, var) in servers.iter().zip(vars) {
            cmd.env(var, &running.url);
        }
        cmd.env("PORTAL_PORT", portal_port.to_string());
        cmd.env("EMBED_SECRET", &embed_secret);
        let matrix = scratch.join("fault-matrix.jsonl");
        cmd.env("FAULT_MATRIX_OUT", &matrix);
        outcome = run(&mut cmd);
        let table = faultmatrix::check(&matrix, &root.join(faultmatrix::SPEC), scope);
        if outcome.is_ok() {
            outcome = table;
        }
    }
    for Running { mut child, .. } in servers {
        let _ = child.kill();
        let _ = child.wait();
    }
    if let Some(mut child) = redis {
        let _ = child.kill();
        let _ = child.wait();
    }
    let _ = std::fs::remove_dir_all(&scratch);
    outcome
}

/// Starts Redis on a free loopback port, keeping nothing on disk, and waits until it answers.
fn start_redis(tools: &Tools) -> Result<(Child, String)> {
    let port = free_port()?;
    let mut child = Command::new(&tools.redis)
        .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
        .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", tools.redis.display()))?;
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok((child, format!("redis://127.0.0.1:{port}")));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    Err(format!("redis-server did not start on port {port}"))
}

/// A port free on loopback just now (the OS's choice; closed again for its user to take).
fn free_port() -> Result<u16> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// `cargo xtask load`: a fresh server (with the fault switch) and the load driver against it;
/// `--live`: event streams instead ([`live_load`]).
fn load(root: &Path, args: &[String]) -> Result {
    if args.first().is_some_and(|a| a == "--live") {
        return live_load::run_live(root, &args[1..]);
    }
    let server = build_server(root, &["--features", "fault-switch"])?;
    run(cargo(root).args(["build", "--locked", "-p", "threadline-load"]))?;
    let scratch = std::env::temp_dir().join(format!("threadline-load-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
    let running = start_server(
        root,
        &server,
        &scratch.join("load.sqlite3"),
        0,
        &["--rate-limit", "0", "--fault-switch"],
    );
    let outcome = running.and_then(|mut running| {
        let outcome = run(Command::new(root.join("target/debug/threadline-load"))
            .arg(&running.url)
            .args(args));
        let _ = running.child.kill();
        let _ = running.child.wait();
        outcome
    });
    let _ = std::fs::remove_dir_all(&scratch);
    outcome
}

/// Prints the release bundle's sizes: raw, gzip -9 and brotli -q 11.
fn bench() -> Result {
    let root = root();
    let tools = Tools::ensure(&root, Level::Bench)?;
    build_app(&root, &tools)?;
    let dist = root.join("dist");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dist)
        .map_err(|e| format!("{}: {e}", dist.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|x| x.to_str()), Some("wasm" | "js")))
        .collect();
    files.sort();
    println!("\nRelease bundle (opt-level z, LTO, wasm-opt -Oz):");
    println!(
        "{:<44} {:>10} {:>10} {:>10}",
        "file", "raw", "gzip -9", "brotli 11"
    );
    let (mut raw_total, mut gz_total, mut br_total) = (0, 0, 0);
    for file in &files {
        let raw = std::fs::metadata(file).map_err(|e| e.to_string())?.len();
        let gz = compressed_size(Command::new("gzip").args(["-9", "-c"]).arg(file))?;
        let br = compressed_size(
            Command::new(&tools.brotli)
                .args(["-q", "11", "-c"])
                .arg(file),
        )?;
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        println!("{name:<44} {:>10} {:>10} {:>10}", kb(raw), kb(gz), kb(br));
        (raw_total, gz_total, br_total) = (raw_total + raw, gz_total + gz, br_total + br);
    }
    println!(
        "{:<44} {:>10} {:>10} {:>10}",
        "total",
        kb(raw_total),
        kb(gz_total),
        kb(br_total)
    );
    long_threads(&root, &tools)
}

/// Threads of 50, 1,000 and 10,000 messages on a throw-away server, measured in Chromium
/// by e2e/bench/thread.mjs (time to first message, DOM size, scrolling).
fn long_threads(root: &Path, tools: &Tools) -> Result {
    // As production runs it: a release server, sending the build's compressed files.
    run(cargo(root).args(["build", "--locked", "--release", "-p", "threadline-server"]))?;
    let server = root.join("target/release/threadline-server");
    // The floor is served by the same server, compressed the same way.
    let floor = root.join("dist/__floor");
    std::fs::create_dir_all(&floor).map_err(|e| e.to_string())?;
    std::fs::copy(root.join("e2e/bench/floor.html"), floor.join("index.html"))
        .map_err(|e| format!("floor.html: {e}"))?;
    std::fs::copy(
        root.join("e2e/node_modules/dompurify/dist/purify.min.js"),
        floor.join("purify.js"),
    )
    .map_err(|e| format!("purify.min.js: {e}"))?;
    bundle::compress(&floor, &tools.brotli)?;
    let scratch = std::env::temp_dir().join(format!("threadline-bench-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
    let db = scratch.join("bench.sqlite3");
    let extra = [
        "--add-thread",
        "20",
        "--add-thread",
        "50",
        "--add-thread",
        "1000",
        "--add-thread",
        "10000",
        "--rate-limit",
        "0",
        "--poll-seconds",
        "0",
    ];
    let Running {
        mut child,
        url,
        startup,
    } = start_server(root, &server, &db, 0, &extra)?;
    // "threadline-server: ticket 101 has 50 messages" → "101:50"
    let threads: Vec<String> = startup
        .iter()
        .filter_map(|l| {
            let rest = l.split("ticket ").nth(1)?;
            let (id, count) = rest.split_once(" has ")?;
            Some(format!("{id}:{}", count.split_whitespace().next()?))
        })
        .collect();
    // The size profile: twiggy over the wasm as rustc left it (with its function names).
    let profile = scratch.join("size-profile.csv");
    let wasm = root.join("target/wasm32-unknown-unknown/release/threadline.wasm");
    let csv = Command::new(&tools.twiggy)
        .args(["top", "-n", "1000000", "--format", "csv"])
        .arg(&wasm)
        .output()
        .map_err(|e| format!("twiggy: {e}"))?;
    std::fs::write(&profile, &csv.stdout).map_err(|e| e.to_string())?;
    // A customer's link to the 20-message thread, as the `link` command prints it.
    let twenty = threads
        .iter()
        .find_map(|t| t.strip_suffix(":20"))
        .ok_or("the bench server made no 20-message thread")?;
    let link = Command::new(&server)
        .args(["link", twenty, "--db"])
        .arg(&db)
        .args(["--base-url", &url])
        .output()
        .map_err(|e| format!("link: {e}"))?;
    let customer_url = String::from_utf8_lossy(&link.stdout).trim().to_owned();
    if !link.status.success() || !customer_url.starts_with(&url) {
        return Err(format!(
            "cannot make a customer link: {}",
            String::from_utf8_lossy(&link.stderr)
        ));
    }
    let outcome = run(Command::new("node")
        .current_dir(root.join("e2e"))
        .env("CHROMIUM", &tools.chromium)
        .env("CUSTOMER_URL", &customer_url)
        .env("SIZE_PROFILE_CSV", &profile)
        .arg("bench/run.mjs")
        .arg(&url)
        .arg(root.join("dist"))
        .arg(root.join("bench"))
        .args(&threads));
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&scratch);
    outcome
}

fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

fn compressed_size(cmd: &mut Command) -> Result<u64> {
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{cmd:?} failed"));
    }
    Ok(out.stdout.len() as u64)
}

/// A GET of a JSON document from one of our own test servers (plain HTTP on loopback), with
/// no HTTP client in xtask's dependencies: HTTP/1.0, read to the end, the body parsed.
fn http_get_json(url: &str) -> Result<serde_json::Value> {
    use std::io::{Read, Write};
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("{url}: only http:// is read here"))?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut stream =
        std::net::TcpStream::connect(host).map_err(|e| format!("cannot reach {url}: {e}"))?;
    // Our own server on loopback answers at once; one that stalls must not hang the run.
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .map_err(|e| format!("{url}: {e}"))?;
    write!(stream, "GET /{path} HTTP/1.0\r\nHost: {host}\r\n\r\n")
        .map_err(|e| format!("{url}: {e}"))?;
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .map_err(|e| format!("{url}: {e}"))?;
    let (head, body) = answer
        .split_once("\r\n\r\n")
        .ok_or_else(|| format!("{url}: no body in the answer"))?;
    if head.split(' ').nth(1) != Some("200") {
        return Err(format!(
            "{url}: {}",
            head.lines().next().unwrap_or_default()
        ));
    }
    serde_json::from_str(body).map_err(|e| format!("{url}: not JSON: {e}"))
}
