//! Secrets given to the server (credentials, signing keys): from a file (so several instances
//! share one), else an environment variable; trimmed, and a signing key long enough to sign
//! with.

use std::path::Path;

/// The text in `file`, else in the environment variable `env`, trimmed; `None` when neither
/// is set (or it is blank).
pub fn read(file: Option<&Path>, env: &str) -> Result<Option<String>, String> {
    let value = match file {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?,
        ),
        None => std::env::var(env).ok(),
    };
    Ok(value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()))
}

/// A signing secret, read as [`read`] does and at least 32 characters long. `what` names it in
/// errors ("the link secret").
pub fn configured(file: Option<&Path>, env: &str, what: &str) -> Result<Option<Vec<u8>>, String> {
    match read(file, env)? {
        Some(v) if v.len() < 32 => Err(format!(
            "{what} must be at least 32 characters (a random string: it signs what the server \
             trusts)"
        )),
        other => Ok(other.map(String::into_bytes)),
    }
}
