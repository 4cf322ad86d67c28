//! The agent's signature in the composer: shown below a reply's text as it will go (placeholders
//! filled), with "Remove signature" for this message; and the dialog where the agent writes it
//! (kept by Threadline's server per agent, else in this browser).

use leptos::html::Dialog;
use leptos::prelude::*;

use crate::components::common::unique_id;
use crate::state::tasks::Tasks;
use crate::state::toolbox::Toolbox;

/// The signature under a reply: what will be added, and the switch to leave it off.
#[component]
pub fn SignatureLine(
    /// The filled signature; nothing is shown when it is empty.
    #[prop(into)]
    signature: Signal<String>,
    /// Whether this message carries it.
    included: RwSignal<bool>,
) -> impl IntoView {
    move || {
        let text = signature.get();
        (!text.trim().is_empty()).then(|| {
            view! {
                <div class="tl-composer__signature" role="group" aria-label=t!("signature.title")>
                    {move || if included.get() {
                        view! {
                            <p class="tl-composer__signature-text">{text.clone()}</p>
                            <button type="button" class="tl-link-button" on:click=move |_| included.set(false)>
                                {t!("signature.remove")}
                            </button>
                        }.into_any()
                    } else {
                        view! {
                            <button type="button" class="tl-link-button" on:click=move |_| included.set(true)>
                                {t!("signature.add")}
                            </button>
                        }.into_any()
                    }}
                </div>
            }
        })
    }
}

/// The "Signature" button and its dialog.
#[component]
pub fn SignatureSettings(
    /// Called with a sentence for the composer's status line once saved.
    #[prop(into)]
    on_saved: Callback<String>,
) -> impl IntoView {
    let toolbox = expect_context::<Toolbox>();
    let tasks = Tasks::new();
    let dialog = NodeRef::<Dialog>::new();
    let draft = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let heading = unique_id("signature-title");
    let field = unique_id("signature-text");
    let (dialog_label, group_label) = (heading.clone(), heading.clone());
    let open = move |_| {
        draft.set(toolbox.signature.get_untracked());
        problem.set(None);
        if let Some(d) = dialog.get_untracked() {
            let _ = d.show_modal();
        }
    };
    let save = move |_| {
        busy.set(true);
        let text = draft.get_untracked();
        tasks.spawn(async move {
            let result = toolbox.save_signature(text).await;
            busy.try_set(false);
            match result {
                Ok(()) => {
                    if let Some(d) = dialog.get_untracked() {
                        d.close();
                    }
                    on_saved.run(t!("signature.saved").into_owned());
                }
                Err(e) => {
                    problem.try_set(Some(e.user_message()));
                }
            }
        });
    };
    let close = move |_| {
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
    };
    view! {
        <button type="button" class="tl-button" on:click=open>{t!("signature.title")}</button>
        <dialog node_ref=dialog class="tl-help tl-saved-dialog" aria-labelledby=dialog_label>
            <h2 id=heading>{t!("signature.title")}</h2>
            <div class="tl-saved-dialog__form" role="group" aria-labelledby=group_label>
                <label for=field.clone()>{t!("signature.field")}</label>
                <textarea id=field rows="5" prop:value=move || draft.get()
                    on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
                <p class="tl-composer__hint">{t!("signature.hint")}</p>
                {move || problem.get().map(|p| view! { <span class="tl-field-error" role="alert">{p}</span> })}
                <div class="tl-saved-dialog__actions">
                    <button type="button" class="tl-button tl-button--primary" disabled=move || busy.get() on:click=save>
                        {t!("saved_replies.save")}
                    </button>
                    <button type="button" class="tl-button" on:click=close>{t!("saved_replies.cancel")}</button>
                </div>
            </div>
        </dialog>
    }
}
