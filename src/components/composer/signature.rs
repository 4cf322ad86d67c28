//! The agent's signature in the composer: shown below a reply's text as it will go (placeholders
//! filled), with "Remove signature" for this message; and the dialog where the agent writes it
//! (kept by Threadline's server per agent, else in this browser).

use leptos::html::Dialog;
use leptos::prelude::*;

use crate::api::Client;
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
    let mailboxes = use_context::<Client>()
        .map(|c| c.outbound_mailboxes())
        .unwrap_or_default();
    // Which one is edited: every reply's (`None`) or a From mailbox's own.
    let editing = RwSignal::new(None::<String>);
    let tasks = Tasks::new();
    let dialog = NodeRef::<Dialog>::new();
    let draft = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let heading = unique_id("signature-title");
    let field = unique_id("signature-text");
    let which = unique_id("signature-for");
    let (dialog_label, group_label) = (heading.clone(), heading.clone());
    let open = move |_| {
        editing.set(None);
        draft.set(toolbox.signatures.with_untracked(|s| s.written_for(None)));
        problem.set(None);
        if let Some(d) = dialog.get_untracked() {
            let _ = d.show_modal();
        }
    };
    let save = move |_| {
        busy.set(true);
        let (text, mailbox) = (draft.get_untracked(), editing.get_untracked());
        tasks.spawn(async move {
            let result = toolbox.save_signature(text, mailbox).await;
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
                {(!mailboxes.is_empty()).then(|| view! {
                    <label for=which.clone()>{t!("signature.for")}</label>
                    <select id=which.clone() on:change=move |ev| {
                        let chosen = Some(event_target_value(&ev)).filter(|v| !v.is_empty());
                        draft.set(toolbox.signatures.with_untracked(|s| s.written_for(chosen.as_deref())));
                        editing.set(chosen);
                    }>
                        <option value="" prop:selected=move || editing.with(Option::is_none)>{t!("signature.every_reply")}</option>
                        {mailboxes.iter().map(|m| {
                            let value = m.clone();
                            view! {
                                <option value=m.clone() prop:selected=move || editing.with(|e| e.as_deref() == Some(value.as_str()))>
                                    {t!("signature.from_mailbox", mailbox = m.clone())}
                                </option>
                            }
                        }).collect_view()}
                    </select>
                })}
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
