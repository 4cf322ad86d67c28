//! The saved-replies dialog (a modal `dialog`): "Save as saved reply" opens it on a new one
//! made from the composer's text; "Manage" on the list, where each can be edited (title, text,
//! next action, CC to add) or deleted after a confirmation. Checked by core's rules before it
//! goes, and the server's refusals are shown by field.

use std::collections::BTreeMap;

use leptos::html::Dialog;
use leptos::prelude::*;
use threadline_core::model::NextAction;
use threadline_core::saved_replies::{SavedReply, SavedReplyInput};
use threadline_core::ApiError;

use crate::components::common::unique_id;
use crate::state::tasks::Tasks;
use crate::state::toolbox::Toolbox;

/// What the dialog opens on.
#[derive(Debug, Clone, PartialEq)]
pub enum Opening {
    /// The list, to edit or delete.
    Manage,
    /// A new saved reply, filled in from the composer.
    New(SavedReplyInput),
}

/// What the dialog shows now.
#[derive(Debug, Clone, PartialEq)]
enum Showing {
    List,
    /// The form; `None` for a new one.
    Edit(Option<String>),
}

#[component]
pub fn SavedRepliesDialog(
    /// Set to open the dialog; set back to `None` when it closes.
    opening: RwSignal<Option<Opening>>,
    /// The next actions the backend offers, for the form's choice.
    actions: StoredValue<Vec<NextAction>>,
    /// Called with a message for the composer's status line when a saved reply was stored.
    #[prop(into)]
    on_saved: Callback<String>,
) -> impl IntoView {
    let toolbox = expect_context::<Toolbox>();
    let tasks = Tasks::new();
    let dialog = NodeRef::<Dialog>::new();
    let showing = RwSignal::new(Showing::List);
    let title = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let action = RwSignal::new(String::new());
    let cc = RwSignal::new(String::new());
    let problems = RwSignal::new(BTreeMap::<String, String>::new());
    let busy = RwSignal::new(false);
    let confirming = RwSignal::new(None::<SavedReply>);
    // The confirmation takes the focus, so the question is read and answered first.
    let confirm_button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if confirming.with(Option::is_some) {
            if let Some(b) = confirm_button.get() {
                let _ = b.focus();
            }
        }
    });
    let heading_id = unique_id("saved-dialog-title");
    let ids = (
        unique_id("saved-title"),
        unique_id("saved-body"),
        unique_id("saved-action"),
        unique_id("saved-cc"),
    );

    let fill = move |input: &SavedReplyInput| {
        title.set(input.title.clone());
        body.set(input.body.clone());
        action.set(input.next_action.clone().unwrap_or_default());
        cc.set(input.cc.join(", "));
        problems.set(BTreeMap::new());
    };
    Effect::new(move |_| {
        let Some(open) = opening.get() else {
            return;
        };
        match open {
            Opening::Manage => {
                toolbox.ensure_loaded();
                showing.set(Showing::List);
            }
            Opening::New(input) => {
                fill(&input);
                showing.set(Showing::Edit(None));
            }
        }
        confirming.set(None);
        if let Some(d) = dialog.get_untracked() {
            if !d.open() {
                let _ = d.show_modal();
            }
        }
    });
    let close = move || {
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
    };
    let save = move || {
        let id = match showing.get_untracked() {
            Showing::Edit(id) => id,
            Showing::List => return,
        };
        let input = SavedReplyInput {
            title: title.get_untracked(),
            body: body.get_untracked(),
            next_action: Some(action.get_untracked()).filter(|a| !a.is_empty()),
            cc: cc
                .get_untracked()
                .split([',', ';', '\n'])
                .map(str::to_owned)
                .collect(),
        };
        let input = match input.validate() {
            Ok(input) => input,
            Err(found) => {
                problems.set(
                    found
                        .into_iter()
                        .map(|p| (p.field.to_owned(), p.message))
                        .collect(),
                );
                return;
            }
        };
        problems.set(BTreeMap::new());
        busy.set(true);
        let new = id.is_none();
        tasks.spawn(async move {
            let result = toolbox.save(id, input).await;
            busy.try_set(false);
            match result {
                Ok(saved) => {
                    on_saved
                        .run(t!("saved_replies.saved", title = saved.content.title).into_owned());
                    if new {
                        close();
                    } else {
                        showing.try_set(Showing::List);
                    }
                }
                Err(e) => {
                    problems.try_set(refusals(e));
                }
            }
        });
    };
    let delete = move |reply: SavedReply| {
        busy.set(true);
        tasks.spawn(async move {
            let result = toolbox.delete(reply.id.clone()).await;
            busy.try_set(false);
            confirming.try_set(None);
            if let Err(e) = result {
                problems.try_set(refusals(e));
            }
        });
    };
    let problem = move |field: &'static str| {
        move || {
            problems.with(|p| p.get(field).cloned()).map(|m| {
                view! {
                    <span class="tl-field-error" role="alert">{m}</span>
                }
            })
        }
    };
    let (title_id, body_id, action_id, cc_id) = ids;
    let form_heading = heading_id.clone();

    view! {
        <dialog
            node_ref=dialog
            class="tl-help tl-saved-dialog"
            aria-labelledby=heading_id.clone()
            on:close=move |_| opening.set(None)
        >
            <h2 id=heading_id.clone()>{move || match showing.get() {
                Showing::List => t!("saved_replies.manage_title"),
                Showing::Edit(None) => t!("saved_replies.new_title"),
                Showing::Edit(Some(_)) => t!("saved_replies.edit_title"),
            }}</h2>
            {move || problem("non_field_errors")().or_else(|| problem("detail")())}
            {move || match showing.get() {
                Showing::List => view! {
                    <ul class="tl-saved-dialog__list">
                        {move || toolbox.replies.get().into_iter().map(|reply| {
                            let (edit, remove) = (reply.clone(), reply.clone());
                            let name = reply.content.title.clone();
                            view! {
                                <li class="tl-saved-dialog__row">
                                    <span class="tl-saved-dialog__name">{name.clone()}</span>
                                    <button type="button" class="tl-link-button"
                                        aria-label=t!("saved_replies.edit_named", title = name.clone())
                                        on:click=move |_| {
                                            fill(&edit.content);
                                            showing.set(Showing::Edit(Some(edit.id.clone())));
                                        }
                                    >{t!("saved_replies.edit")}</button>
                                    <button type="button" class="tl-link-button"
                                        aria-label=t!("saved_replies.delete_named", title = name)
                                        on:click=move |_| confirming.set(Some(remove.clone()))
                                    >{t!("saved_replies.delete")}</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {move || toolbox.replies.with(Vec::is_empty).then(|| view! {
                        <p class="tl-saved__status">{t!("saved_replies.none_yet")}</p>
                    })}
                    {move || confirming.get().map(|reply| {
                        let question = t!("saved_replies.confirm_delete", title = reply.content.title.clone());
                        view! {
                            <div class="tl-saved-dialog__confirm" role="alertdialog" aria-label=question.clone()>
                                <p>{question.clone()}</p>
                                <button type="button" class="tl-button tl-button--danger" node_ref=confirm_button disabled=move || busy.get()
                                    on:click=move |_| delete(reply.clone())
                                >{t!("saved_replies.delete")}</button>
                                <button type="button" class="tl-button" on:click=move |_| confirming.set(None)>
                                    {t!("saved_replies.keep")}
                                </button>
                            </div>
                        }
                    })}
                    <div class="tl-saved-dialog__actions">
                        <button type="button" class="tl-button tl-button--primary" on:click=move |_| {
                            fill(&SavedReplyInput::default());
                            showing.set(Showing::Edit(None));
                        }>{t!("saved_replies.new_title")}</button>
                        <button type="button" class="tl-button" on:click=move |_| close()>{t!("saved_replies.close")}</button>
                    </div>
                }.into_any(),
                Showing::Edit(_) => view! {
                    // A group, not a form: the dialog sits inside the composer's form.
                    <div class="tl-saved-dialog__form" role="group" aria-labelledby=form_heading.clone()>
                        <label for=title_id.clone()>{t!("saved_replies.field_title")}</label>
                        <input id=title_id.clone() type="text" prop:value=move || title.get()
                            on:input=move |ev| title.set(event_target_value(&ev))
                            on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); save(); }/>
                        {problem("title")}
                        <label for=body_id.clone()>{t!("saved_replies.field_body")}</label>
                        <textarea id=body_id.clone() rows="6" prop:value=move || body.get()
                            on:input=move |ev| body.set(event_target_value(&ev))></textarea>
                        <p class="tl-composer__hint">{t!("saved_replies.placeholders_hint")}</p>
                        {problem("body")}
                        <label for=action_id.clone()>{t!("saved_replies.field_action")}</label>
                        <select id=action_id.clone() on:change=move |ev| action.set(event_target_value(&ev))>
                            {actions.get_value().into_iter().map(|a| view! {
                                <option value=a.as_wire() prop:selected=move || action.get() == a.as_wire()>
                                    {a.label(None)}
                                </option>
                            }).collect_view()}
                        </select>
                        {problem("next_action")}
                        <label for=cc_id.clone()>{t!("saved_replies.field_cc")}</label>
                        <input id=cc_id.clone() type="text" prop:value=move || cc.get()
                            on:input=move |ev| cc.set(event_target_value(&ev))/>
                        {problem("cc")}
                        <div class="tl-saved-dialog__actions">
                            <button type="button" class="tl-button tl-button--primary" disabled=move || busy.get()
                                on:click=move |_| save()>
                                {t!("saved_replies.save")}
                            </button>
                            <button type="button" class="tl-button" on:click=move |_| {
                                if matches!(opening.get_untracked(), Some(Opening::Manage)) {
                                    problems.set(BTreeMap::new());
                                    showing.set(Showing::List);
                                } else {
                                    close();
                                }
                            }>{t!("saved_replies.cancel")}</button>
                        </div>
                    </div>
                }.into_any(),
            }}
        </dialog>
    }
}

/// The server's refusal as messages by field (`detail` for the rest).
fn refusals(e: ApiError) -> BTreeMap<String, String> {
    match e {
        ApiError::Validation(errors) => {
            let mut out: BTreeMap<String, String> = errors
                .fields
                .into_iter()
                .map(|(field, messages)| (field, messages.join(" ")))
                .collect();
            if !errors.general.is_empty() {
                out.insert("detail".into(), errors.general.join(" "));
            }
            out
        }
        other => BTreeMap::from([("detail".to_owned(), other.user_message())]),
    }
}
