//! The iframe mode: `/embed/{ticket}?parent-origin=https://portal.example&mode=readonly`.
//! The framing page hears what happens by `postMessage` (to that origin only).

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::ticket_page::TicketView;
use crate::config::{AppConfig, Mode};
use crate::embed::Embedded;

#[component]
pub fn FramedPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let ticket_id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let origin = query
        .read_untracked()
        .get("parent-origin")
        .unwrap_or_default();
    if let Some(embedded) = Embedded::for_parent(&origin) {
        provide_context(embedded);
    }
    // Only a narrower view than the configuration's: a frame can be made read-only.
    if query.read_untracked().get("mode").as_deref() == Some("readonly") {
        if let Some(mut config) = use_context::<AppConfig>() {
            config.mode = Mode::Readonly;
            provide_context(config);
        }
    }
    move || view! { <TicketView ticket_id=ticket_id.get()/> }
}
