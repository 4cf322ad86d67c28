//! Runtime configuration: `config.json` beside index.html says which helpdesk dialect to speak,
//! where, and as whom, so one build serves every deployment.

use serde::Deserialize;
use threadline_core::dialect::DialectConfig;

use crate::api::{transport, Client};

/// Who is looking at the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    #[default]
    Agent,
    Customer,
    Readonly,
}

/// The parsed `config.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct AppConfig {
    #[serde(flatten)]
    pub dialect: DialectConfig,
    #[serde(default)]
    pub mode: Mode,
    /// How often to look for new messages, in seconds (four times slower while the tab is
    /// hidden); 0 turns polling off.
    #[serde(default = "default_poll_seconds")]
    pub poll_seconds: u32,
    /// How long a sent message can be undone, in seconds; 0 sends at once.
    #[serde(default = "default_undo_seconds")]
    pub undo_seconds: u32,
    /// The largest attachment accepted, in megabytes (10^6 bytes).
    #[serde(default = "default_max_upload_mb")]
    pub max_upload_mb: u32,
    /// The deployment's language (a BCP 47 tag such as "de"); else the browser's. A page
    /// address with `?lang=` overrides both.
    #[serde(default)]
    pub locale: Option<String>,
    /// Served by a Threadline gateway, which admits an embedding page's signed session (the
    /// session goes to no other backend: their credentials stay as configured).
    #[serde(default)]
    pub gateway: bool,
    /// Threadline's own API (saved replies, signatures), where a Threadline server runs;
    /// relative to the configuration's URL.
    #[serde(default)]
    pub threadline_api: Option<String>,
    /// The Threadline server beside the API offers a ticket's events (`threadline_api`'s
    /// `/events`): the app listens instead of polling, and polls while it cannot.
    #[serde(default)]
    pub live: bool,
    /// Saved replies for a deployment without a Threadline server (read-only in the app).
    #[serde(default)]
    pub saved_replies: Vec<threadline_core::saved_replies::SavedReply>,
}

fn default_poll_seconds() -> u32 {
    30
}

fn default_undo_seconds() -> u32 {
    5
}

fn default_max_upload_mb() -> u32 {
    25
}

/// The document's base URL (honours `<base href>`), else the page URL.
pub fn base_uri() -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    match document.base_uri() {
        Ok(Some(base)) => Ok(base),
        _ => window
            .location()
            .href()
            .map_err(|_| "no page URL".to_owned()),
    }
}

/// Where the configuration is: the customer's link has its own (without any token), so a
/// customer's browser never reads the deployment's `config.json`.
fn config_path(base: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let path = window.location().pathname().map_err(|_| "no page path")?;
    let base_path = web_sys::Url::new(base)
        .map(|u| u.pathname())
        .unwrap_or_else(|_| "/".to_owned());
    let relative = path.strip_prefix(base_path.as_str()).unwrap_or(&path);
    Ok(
        match relative.trim_start_matches('/').strip_prefix("portal/") {
            Some(link) => format!(
                "portal-api/{}/config.json",
                link.split('/').next().unwrap_or_default()
            ),
            None => "config.json".to_owned(),
        },
    )
}

/// Fetches and parses `config.json`, then builds the API client. Errors are sentences for the
/// page, since nothing else can run without a configuration.
pub async fn load() -> Result<(AppConfig, Client), String> {
    let base = base_uri()?;
    let url = web_sys::Url::new_with_base(&config_path(&base)?, &base)
        .map_err(|_| t!("config.unresolvable", base = base).into_owned())?
        .href();
    load_from(&url).await
}

/// Reads the configuration at `url` (an embedded conversation names its own); relative API
/// URLs in it resolve against `url`.
pub async fn load_from(url: &str) -> Result<(AppConfig, Client), String> {
    let response = transport::get_text(url)
        .await
        .map_err(|e| t!("config.not_loaded", url = url, reason = e.user_message()).into_owned())?;
    if !response.is_success() {
        // A server's own words first (an expired customer link says so).
        let detail = serde_json::from_str::<serde_json::Value>(&response.body)
            .ok()
            .and_then(|v| v.get("detail")?.as_str().map(str::to_owned));
        return Err(detail.unwrap_or_else(|| {
            t!(
                "config.not_loaded_status",
                url = url,
                status = response.status
            )
            .into_owned()
        }));
    }
    let config: AppConfig = serde_json::from_str(&response.body)
        .map_err(|e| t!("config.invalid", url = url, reason = e).into_owned())?;
    let dialect = config
        .dialect
        .build(url)
        .map_err(|e| t!("config.unusable", url = url, reason = e.user_message()).into_owned())?;
    let credential = dialect.credential();
    let mut client = Client::new(dialect.into());
    if let Some(base) = &config.threadline_api {
        let own = threadline_core::own_api::OwnApi::new(base, url, credential).map_err(|e| {
            t!("config.unusable", url = url, reason = e.user_message()).into_owned()
        })?;
        client = client.with_own_api(own);
    }
    Ok((config, client))
}
