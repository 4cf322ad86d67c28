//! Starting a reference server for a test: a real listener on a free port and a real SQLite
//! file in a temporary directory, stopped when the test drops it.

use threadline_server::{Options, Server};

pub struct TestServer {
    pub root: String,
    #[allow(dead_code)] // not every test file opens the database
    pub db: std::path::PathBuf,
    pub client: reqwest::Client,
    pub _dir: tempfile::TempDir,
    pub _stop: tokio::sync::oneshot::Sender<()>,
}

/// A server with the default options, adjusted by `tune`.
pub async fn start_with(tune: impl FnOnce(&mut Options)) -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let mut options = Options {
        db: dir.path().join("test.sqlite3"),
        port: 0,
        ..Options::default()
    };
    tune(&mut options);
    let server = Server::bind(&options).await.unwrap();
    let addr = server.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    TestServer {
        root: format!("http://{addr}"),
        db: options.db.clone(),
        client: reqwest::Client::new(),
        _dir: dir,
        _stop: stop,
    }
}
