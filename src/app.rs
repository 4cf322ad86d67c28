//! The root component: loads the configuration, provides the API client, and routes.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::api::Client;
use crate::components::common::{ScrollArea, SendingIndicator};
use crate::config::{self, AppConfig};
use crate::pages::{FramedPage, PortalPage, TicketListPage, TicketPage};
use crate::state::delivery::{Delivery, Serves};
use crate::state::identity::ReplyingAs;
use crate::state::thread::Threads;
use crate::state::toolbox::Toolbox;

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    crate::i18n::start(None, None);
    crate::i18n::mark_document();
    let loaded = LocalResource::new(config::load);
    view! {
        <Suspense fallback=|| view! { <p class="tl-loading" role="status">{t!("app.starting")}</p> }>
            {move || loaded.get().map(|result| match result {
                Ok((config, client)) => {
                    // The configuration may name the deployment's language.
                    crate::i18n::start(config.locale.as_deref(), None);
                    crate::i18n::mark_document();
                    view! { <Ready config=config client=client/> }.into_any()
                }
                Err(message) => view! {
                    <main class="tl-page">
                        <h1>{t!("app.cannot_start")}</h1>
                        <p class="tl-error" role="alert">{message}</p>
                    </main>
                }.into_any(),
            })}
        </Suspense>
    }
}

/// The app once configured: the client is provided to every page, and the outbox driver
/// delivers every ticket's messages whatever page is shown.
#[component]
fn Ready(config: AppConfig, client: Client) -> impl IntoView {
    provide_context(ScrollArea::page());
    let delivery = Delivery::start(client.clone(), Serves::All);
    ReplyingAs::provide(&client, delivery);
    // Each open ticket's thread store belongs here, not to the page that shows it.
    Threads::provide();
    Toolbox::provide(&client, &config);
    provide_context(client);
    provide_context(config);
    view! {
        <Router>
            <div class="tl-app" data-ready="true">
                <SendingIndicator/>
                <Routes fallback=|| view! { <main class="tl-page"><h1>{t!("app.page_not_found")}</h1></main> }>
                    <Route path=path!("/") view=TicketListPage/>
                    <Route path=path!("/tickets/:id") view=TicketPage/>
                    <Route path=path!("/portal/:link") view=PortalPage/>
                    <Route path=path!("/embed/:id") view=FramedPage/>
                </Routes>
            </div>
        </Router>
    }
}
