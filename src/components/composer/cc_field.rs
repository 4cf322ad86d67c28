//! The recipients: the requester as a fixed "To" chip, and CC chips added by typing (Enter,
//! comma, semicolon, Tab or leaving the field), pasting whole lists, or picking a suggestion.
//! Invalid addresses stay as red chips with the reason. Parsing and merging are core's.

use leptos::html::Input;
use leptos::prelude::*;
use threadline_core::i18n::isolate;
use threadline_core::recipients::{merge, parse_recipients, suggestions, Recipient};

use crate::components::common::{unique_id, Glyph, Icon};

/// The To and CC rows (or a BCC row). `chips` is what the agent sees; editing it is what
/// "changed CC" means to the caller.
#[component]
pub fn CcField(
    /// The field's kind, "Cc" or "Bcc": it names the field's ids, and picks its label and the
    /// name of its chip list (in the locale's words).
    #[prop(default = "Cc")]
    kind: &'static str,
    /// The requester (the fixed To chip), if known; no To row when absent.
    #[prop(optional, into)]
    to: Option<Signal<Option<String>>>,
    /// The CC chips shown.
    #[prop(into)]
    chips: Signal<Vec<Recipient>>,
    /// Called with the new chip list after any edit.
    #[prop(into)]
    on_change: Callback<Vec<Recipient>>,
    /// People on the ticket, for suggestions: (name, address).
    #[prop(into)]
    people: Signal<Vec<(Option<String>, String)>>,
    /// A server error about these recipients, shown under the field.
    #[prop(optional, into)]
    server_error: Option<Signal<Option<String>>>,
) -> impl IntoView {
    let id = kind.to_lowercase();
    let (field_label, list_label) = if kind == "Bcc" {
        (t!("cc_field.bcc"), t!("cc_field.bcc_recipients"))
    } else {
        (t!("cc_field.cc"), t!("cc_field.cc_recipients"))
    };
    // Unique on the page: two composers (an admin portal's panels) may share it.
    let input_id = unique_id(&format!("{id}-input"));
    let list_id = unique_id(&format!("{id}-suggestions"));
    let to_label_id = unique_id("to-label");
    // Each closure below owns its copy of the option id prefix.
    let option_prefix = format!("{}-", unique_id(&format!("{id}-option")));
    let active_prefix = option_prefix.clone();
    let input = NodeRef::<Input>::new();
    let typed = RwSignal::new(String::new());
    let commit = move |extra: &str| {
        let text = format!("{}{extra}", typed.get_untracked());
        let added = parse_recipients(&text);
        typed.set(String::new());
        if let Some(el) = input.get_untracked() {
            el.set_value("");
        }
        if !added.is_empty() {
            on_change.run(merge(&chips.get_untracked(), added));
        }
    };
    let remove = move |key: String| {
        let mut now = chips.get_untracked();
        now.retain(|c| c.key() != key);
        on_change.run(now);
        if let Some(el) = input.get_untracked() {
            let _ = el.focus();
        }
    };
    let offers = Memo::new(move |_| {
        let q = typed.get();
        if q.trim().is_empty() {
            return Vec::new();
        }
        let exclude: Vec<String> = to.and_then(|t| t.get()).into_iter().collect();
        people.with(|p| chips.with(|c| suggestions(q.trim(), p, c, &exclude, 6)))
    });
    // The suggestion chosen with the arrow keys.
    let active = RwSignal::new(None::<usize>);
    Effect::new(move |_| {
        offers.track();
        active.set(None);
    });
    view! {
        <div class="tl-recipients">
            {to.map(|to| view! {
                <div class="tl-recipients__row">
                    <span class="tl-recipients__label" id=to_label_id.clone()>{t!("cc_field.to")}</span>
                    {move || to.get().map(|address| view! {
                        <span class="tl-chip tl-chip--fixed" aria-labelledby=to_label_id.clone()>{address}</span>
                    })}
                </div>
            })}
            <div class="tl-recipients__row">
                <label class="tl-recipients__label" for=input_id.clone()>{field_label}</label>
                <ul class="tl-chips" aria-label=list_label on:keydown=move |ev| chip_keys(&ev, input, remove)>
                    <For each=move || chips.get() key=|c| (c.key(), c.is_valid()) let:chip>
                        {
                            let key = chip.key();
                            let label = chip.label();
                            let problem = chip.problem.as_ref().map(|p| p.reason());
                            let title = problem.clone().unwrap_or_default();
                            let class = if problem.is_some() { "tl-chip tl-chip--invalid" } else { "tl-chip" };
                            view! {
                                <li class=class title=title>
                                    <span>{label.clone()}</span>
                                    {problem.map(|p| view! { <span class="tl-chip__problem">{format!(" — {p}")}</span> })}
                                    <button
                                        type="button"
                                        class="tl-chip__remove"
                                        data-chip-key=key.clone()
                                        aria-label=t!("cc_field.remove", name = isolate(&label))
                                        on:click=move |_| remove(key.clone())
                                    ><Icon glyph=Glyph::Close/></button>
                                </li>
                            }
                        }
                    </For>
                </ul>
                <input
                    node_ref=input
                    id=input_id
                    class="tl-recipients__input"
                    type="text"
                    autocomplete="off"
                    role="combobox"
                    aria-autocomplete="list"
                    aria-controls=list_id.clone()
                    aria-expanded=move || (!offers.with(Vec::is_empty)).to_string()
                    aria-activedescendant=move || active.get().map(|i| format!("{active_prefix}{i}"))
                    placeholder=t!("cc_field.add_people")
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        // A pasted list or a typed separator commits at once.
                        if value.contains([',', ';', '\n']) {
                            typed.set(value);
                            commit("");
                        } else {
                            typed.set(value);
                        }
                    }
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                        match ev.key().as_str() {
                            // From the start of an empty field, the arrow goes to the chips.
                            "ArrowLeft" | "ArrowRight" if typed.get_untracked().is_empty() && ev.key() == backward_key() => {
                                if let Some(last) = chip_buttons(input).pop() {
                                    ev.prevent_default();
                                    let _ = last.focus();
                                }
                            }
                            "ArrowDown" | "ArrowUp" if !offers.with_untracked(Vec::is_empty) => {
                                ev.prevent_default();
                                let n = offers.with_untracked(Vec::len);
                                active.update(|a| {
                                    *a = Some(match (*a, ev.key() == "ArrowDown") {
                                        (None, true) => 0,
                                        (None, false) => n - 1,
                                        (Some(i), true) => (i + 1) % n,
                                        (Some(i), false) => (i + n - 1) % n,
                                    })
                                });
                            }
                            "Enter" if !ev.ctrl_key() && !ev.meta_key() && !typed.get_untracked().trim().is_empty() => {
                                ev.prevent_default();
                                let picked = active.get_untracked().and_then(|i| offers.with_untracked(|o| o.get(i).cloned()));
                                if let Some((name, address)) = picked {
                                    typed.set(suggestion_text(name.as_deref(), &address));
                                }
                                commit("");
                            }
                            "Escape" => active.set(None),
                            "Tab" if !typed.get_untracked().trim().is_empty() => {
                                ev.prevent_default();
                                commit("");
                            }
                            "Backspace" if typed.get_untracked().is_empty() => {
                                if let Some(last) = chips.get_untracked().last() {
                                    remove(last.key());
                                }
                            }
                            _ => {}
                        }
                    }
                    on:blur=move |_| commit("")
                />
            </div>
            <ul id=list_id class="tl-suggestions" role="listbox" aria-label=t!("cc_field.suggestions") hidden=move || offers.with(Vec::is_empty)>
                {move || offers.get().into_iter().enumerate().map(|(i, (name, address))| {
                    let text = suggestion_text(name.as_deref(), &address);
                    let pick = text.clone();
                    view! {
                        // The option itself takes the pointer (a button inside an option would be
                        // a control nested in a control); the keyboard stays in the combobox.
                        // mousedown, not click: the input's blur would commit the typed text first.
                        <li
                            id=format!("{option_prefix}{i}")
                            class="tl-suggestion"
                            role="option"
                            aria-selected=move || (active.get() == Some(i)).to_string()
                            on:mousedown=move |ev| {
                                ev.prevent_default();
                                typed.set(pick.clone());
                                commit("");
                            }
                        >{text}</li>
                    }
                }).collect_view()}
            </ul>
            {move || server_error.and_then(|e| e.get()).map(|e| view! { <p class="tl-field-error" role="alert">{e}</p> })}
        </div>
    }
}

fn suggestion_text(name: Option<&str>, address: &str) -> String {
    match name {
        Some(n) => format!("\"{n}\" <{address}>"),
        None => address.to_owned(),
    }
}

/// The arrow key that points back towards the start of the line (left, or right when the page
/// is written right to left).
fn backward_key() -> &'static str {
    if crate::i18n::dir() == "rtl" {
        "ArrowRight"
    } else {
        "ArrowLeft"
    }
}

/// The chips' Remove buttons, in order, of the field whose input is `input`.
fn chip_buttons(input: NodeRef<Input>) -> Vec<web_sys::HtmlElement> {
    use wasm_bindgen::JsCast;
    let Some(row) = input.get_untracked().and_then(|i| i.parent_element()) else {
        return Vec::new();
    };
    let Ok(all) = row.query_selector_all(".tl-chip__remove") else {
        return Vec::new();
    };
    (0..all.length())
        .filter_map(|i| all.item(i)?.dyn_into::<web_sys::HtmlElement>().ok())
        .collect()
}

/// The chips as a keyboard list: arrows move between them (past the last one, back to the
/// field), Delete or Backspace removes the focused one.
fn chip_keys(
    ev: &leptos::ev::KeyboardEvent,
    input: NodeRef<Input>,
    remove: impl Fn(String) + Copy,
) {
    use wasm_bindgen::JsCast;
    let buttons = chip_buttons(input);
    let Some(target) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return;
    };
    let Some(at) = buttons.iter().position(|b| *b == target) else {
        return;
    };
    let key = ev.key();
    let next = match key.as_str() {
        "Delete" | "Backspace" => {
            ev.prevent_default();
            if let Some(chip_key) = target.get_attribute("data-chip-key") {
                remove(chip_key);
            }
            return;
        }
        k if k == backward_key() => at.checked_sub(1),
        "ArrowLeft" | "ArrowRight" => Some(at + 1),
        "Home" => Some(0),
        "End" => Some(buttons.len()),
        _ => return,
    };
    ev.prevent_default();
    match next.and_then(|i| buttons.get(i)) {
        Some(button) => {
            let _ = button.focus();
        }
        None if next.is_some() => {
            if let Some(field) = input.get_untracked() {
                let _ = field.focus();
            }
        }
        None => {}
    }
}
