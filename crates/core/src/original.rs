//! An email as it was received, for "View original" and "Download original": its HTML
//! unchanged, behind a Content-Security-Policy of its own that lets nothing load but inline
//! styles, `data:` images and — only when the agent allowed them — remote images. The app
//! shows it only in an `<iframe sandbox="">` (no scripts, no same origin, no forms, no
//! popups); [`SandboxedDocument`] is the only HTML other than the sanitizer's `SafeHtml` that
//! the app hands to the browser.

use crate::html::RemoteImages;

/// A received email wrapped for a sandboxed frame (or a file), made only by
/// [`original_document`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxedDocument(String);

impl SandboxedDocument {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The policy the document carries. Nothing is fetched (`default-src 'none'`: no scripts,
/// frames, fonts, fetches or media), no form goes anywhere, no `<base>` redirects links;
/// images come only from `data:` unless the agent chose to show remote ones.
pub fn policy(remote_images: RemoteImages) -> String {
    let images = match remote_images {
        RemoteImages::Block => "img-src data:",
        RemoteImages::Show => "img-src data: https: http:",
    };
    format!(
        "default-src 'none'; {images}; style-src 'unsafe-inline'; form-action 'none'; \
         base-uri 'none'"
    )
}

/// The received HTML `html` as a document that starts with its own policy (a `<meta>` before
/// anything of the email's, so it covers every load; a policy in the email can only add
/// restrictions, as every policy present is enforced). Links open in a new browsing context,
/// which the sandbox refuses, so the frame never navigates away.
pub fn original_document(html: &str, remote_images: RemoteImages) -> SandboxedDocument {
    SandboxedDocument(format!(
        "<!DOCTYPE html><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\
         <meta name=\"referrer\" content=\"no-referrer\">\
         <base target=\"_blank\">{html}",
        policy(remote_images)
    ))
}

/// The file "Download original" saves: a page whose only content is the original in an
/// `<iframe sandbox="">` (as the app shows it, images blocked), so that opening the file runs
/// nothing and goes nowhere — the sandbox also stops a `<meta http-equiv="refresh">`, which
/// no policy can.
pub fn download_document(html: &str) -> String {
    let inner = original_document(html, RemoteImages::Block);
    // The value of a double-quoted attribute: `&` first, then the quote.
    let escaped = inner.as_str().replace('&', "&amp;").replace('"', "&quot;");
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; img-src data:\">\
         <meta name=\"referrer\" content=\"no-referrer\"><title>Original email</title>\
         <style>html,body{{margin:0;height:100%}}\
         iframe{{display:block;border:0;width:100%;height:100%}}</style></head>\
         <body><iframe sandbox=\"\" title=\"Original email\" srcdoc=\"{escaped}\"></iframe></body></html>"
    )
}

/// The file name of a downloaded original: `message-<id>.html`, the id reduced to letters,
/// digits, `-` and `_` (ids come from the helpdesk).
pub fn download_name(message_id: &str) -> String {
    let id: String = message_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(64)
        .collect();
    if id.is_empty() {
        "message.html".to_owned()
    } else {
        format!("message-{id}.html")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_loads_but_what_the_agent_allowed() {
        let blocked = policy(RemoteImages::Block);
        assert!(blocked.starts_with("default-src 'none';"));
        assert!(blocked.contains("img-src data:;"));
        assert!(!blocked.contains("https:"));
        assert!(!blocked.contains("script-src"));
        let shown = policy(RemoteImages::Show);
        assert!(shown.contains("img-src data: https: http:;"));
        assert!(shown.starts_with("default-src 'none';"));
    }

    #[test]
    fn the_policy_comes_before_anything_of_the_email_which_is_kept_as_received() {
        let email = "<html><head><meta http-equiv=\"refresh\" content=\"0;url=https://t.example/\">\
                     </head><body onload=\"alert(1)\"><img src=\"https://t.example/p.gif\">Hi</body></html>";
        let document = original_document(email, RemoteImages::Block);
        let text = document.as_str();
        let policy_at = text.find("Content-Security-Policy").unwrap();
        let email_at = text.find(email).unwrap();
        assert!(policy_at < email_at);
        assert!(text.ends_with(email));
        assert!(text.contains(&policy(RemoteImages::Block)));
    }

    #[test]
    fn the_downloaded_file_holds_the_original_only_inside_a_sandboxed_frame() {
        let email = r#"<p title="a&quot;b">Fish &amp; chips</p><meta http-equiv="refresh" content="0;url=https://t.example/">"#;
        let file = download_document(email);
        let frame_at = file.find("<iframe sandbox=\"\"").unwrap();
        let srcdoc = &file[frame_at..];
        let value = srcdoc
            .split_once("srcdoc=\"")
            .and_then(|(_, rest)| rest.split_once('"'))
            .map(|(value, _)| value)
            .unwrap();
        // Nothing of the email outside the attribute, and the attribute decodes to the
        // document the app shows (images blocked).
        assert!(!file[..frame_at].contains("refresh"));
        let decoded = value.replace("&quot;", "\"").replace("&amp;", "&");
        assert_eq!(
            decoded,
            original_document(email, RemoteImages::Block).as_str()
        );
        assert!(file.contains("default-src 'none'"));
    }

    #[test]
    fn download_names_carry_only_safe_characters() {
        assert_eq!(download_name("42"), "message-42.html");
        assert_eq!(download_name("../../etc/passwd"), "message-etcpasswd.html");
        assert_eq!(download_name("a b\"c"), "message-abc.html");
        assert_eq!(download_name("…"), "message.html");
    }
}
