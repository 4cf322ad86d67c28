//! The customer's view through a signed link: the link names the ticket (and keys its drafts).

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::ticket_page::TicketView;

#[component]
pub fn PortalPage() -> impl IntoView {
    let params = use_params_map();
    let link = Memo::new(move |_| params.read().get("link").unwrap_or_default());
    move || view! { <TicketView ticket_id=link.get()/> }
}
