//! Element ids that stay unique when several conversations share a page (an admin portal
//! with two composers): each is made once per rendered element, with a page-wide counter.

use std::sync::atomic::{AtomicU32, Ordering};

static NEXT: AtomicU32 = AtomicU32::new(1);

/// A new id, `tl-<name>-<n>`, never handed out before on this page.
pub fn unique_id(name: &str) -> String {
    format!("tl-{name}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}
