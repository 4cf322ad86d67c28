//! Attachments: multipart upload (one part named `file`) with a size limit that answers 413
//! with a readable message, and download with the token header.

use axum::body::Body;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rusqlite::{params, OptionalExtension};
use serde_json::Value;

use super::{authorize, Caller, MOUNT};
use crate::error::{FieldErrors, HttpError};
use crate::AppState;

/// Megabytes with one decimal, for messages.
fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

pub async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    let caller = authorize(&state, &headers, &org)?;
    let file = read_file(multipart, state.max_upload_bytes()).await?;
    let conn = state.db()?;
    let id = store_file(&conn, caller.org_id, &file)?;
    let root = MOUNT;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({
            "id": id,
            "name": file.name,
            "download_url": format!("{root}/organizations/{}/attachments/{id}/download/", caller.org_id),
            "size": file.bytes.len(),
            "content_type": file.content_type,
        })),
    ))
}

/// An uploaded file, read and checked.
pub struct Upload {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Past the limit, how much more of a body is read (so that the client, still sending, gets
/// the 413 rather than a reset) before the connection is given up on.
const READ_PAST_LIMIT: u64 = 1_000_000;

/// Reads the multipart part named `file`: a clear 413 over `limit`, 400 when missing or empty
/// or when the body is not multipart at all. Shared by every surface's upload.
pub async fn read_file(
    multipart: Result<Multipart, MultipartRejection>,
    limit: u64,
) -> Result<Upload, HttpError> {
    let mut multipart = multipart.map_err(|e| {
        let mut errors = FieldErrors::default();
        errors.add(
            "file",
            format!("Send the file as multipart/form-data with a part named \"file\" ({e})."),
        );
        HttpError::validation(errors)
    })?;
    let mut file: Option<Upload> = None;
    let mut too_large: Option<u64> = None;
    while let Some(mut field) = multipart.next_field().await.map_err(bad_multipart)? {
        let is_file = field.name() == Some("file") && file.is_none() && too_large.is_none();
        let name = clean_file_name(field.file_name().unwrap_or("upload"));
        let content_type = field
            .content_type()
            .unwrap_or("application/octet-stream")
            .to_owned();
        let mut bytes = Vec::new();
        let mut total: u64 = 0;
        // Read the whole body even past the limit, so the client gets our 413 rather than a
        // connection reset while it is still sending.
        while let Some(chunk) = field.chunk().await.map_err(bad_multipart)? {
            total += chunk.len() as u64;
            if is_file && total <= limit {
                bytes.extend_from_slice(&chunk);
            }
            if total > limit.saturating_add(READ_PAST_LIMIT) {
                too_large = Some(total);
                break;
            }
        }
        if too_large.is_some() {
            break;
        }
        if is_file {
            if total > limit {
                too_large = Some(total);
            } else {
                file = Some(Upload {
                    name,
                    content_type,
                    bytes,
                });
            }
        }
    }
    if let Some(size) = too_large {
        return Err(HttpError::too_large(format!(
            "The file is too large ({}). The limit is {}.",
            mb(size),
            mb(limit)
        )));
    }
    let mut errors = FieldErrors::default();
    let Some(file) = file else {
        errors.add("file", "No file was submitted.");
        return Err(HttpError::validation(errors));
    };
    if file.bytes.is_empty() {
        errors.add("file", "The submitted file is empty.");
        return Err(HttpError::validation(errors));
    }
    Ok(file)
}

/// Stores an upload for the organisation, not yet attached to a message; returns its id.
pub fn store_file(
    conn: &rusqlite::Connection,
    org_id: i64,
    file: &Upload,
) -> rusqlite::Result<String> {
    let id = uuid::Uuid::new_v4().to_string();
    conn.execute(
        "INSERT INTO attachments (id, org_id, message_id, name, content_type, size, data, created_at)
         VALUES (?1, ?2, NULL, ?3, ?4, ?5, ?6, ?7)",
        params![id, org_id, file.name, file.content_type, file.bytes.len() as i64, file.bytes, crate::clock::now()],
    )?;
    Ok(id)
}

fn bad_multipart(e: axum::extract::multipart::MultipartError) -> HttpError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return HttpError::too_large(format!("The upload is too large: {e}"));
    }
    let mut errors = FieldErrors::default();
    errors.add("file", format!("The upload could not be read: {e}"));
    HttpError::validation(errors)
}

/// The last path component, without control characters, quotes, or the invisible
/// characters that can disguise a name (`invoice\u{202E}fdp.exe` shows as `invoiceexe.pdf`).
fn clean_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"' && !is_invisible_format(*c))
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        "upload".to_owned()
    } else {
        cleaned.chars().take(255).collect()
    }
}

/// Bidirectional overrides and zero-width characters.
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

pub async fn download(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((org, attachment)): Path<(String, String)>,
) -> Result<Response, HttpError> {
    let caller: Caller = authorize(&state, &headers, &org)?;
    let conn = state.db()?;
    file_response(&conn, caller.org_id, &attachment)?.ok_or_else(HttpError::not_found)
}

/// The stored file as a download (`None` when the organisation has no such file).
pub fn file_response(
    conn: &rusqlite::Connection,
    org_id: i64,
    attachment: &str,
) -> rusqlite::Result<Option<Response>> {
    let found: Option<(String, String, Vec<u8>)> = conn
        .query_row(
            "SELECT name, content_type, data FROM attachments WHERE id = ?1 AND org_id = ?2",
            params![attachment, org_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((name, content_type, data)) = found else {
        return Ok(None);
    };
    let ascii: String = name
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() || c == ' ') && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        percent_encode(&name)
    );
    let mut response = Body::from(data).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    // Never rendered on our origin, whatever the uploader said it was (HTML, SVG).
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
    );
    h.extend(download_safety());
    Ok(Some(response))
}

/// The headers that keep a served file inert even if it is opened in place: no sniffing, and
/// a sandbox with nothing allowed.
pub fn download_safety() -> [(header::HeaderName, HeaderValue); 2] {
    [
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; sandbox"),
        ),
    ]
}

/// RFC 5987 value encoding for `filename*`.
fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::clean_file_name;

    #[test]
    fn file_names_lose_their_paths_and_quotes() {
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("C:\\x\\a\"b.png"), "ab.png");
        assert_eq!(clean_file_name(".."), "upload");
    }
}
