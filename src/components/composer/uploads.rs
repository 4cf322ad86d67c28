//! The composer's attachments: each file uploads as soon as it is picked, dropped or pasted,
//! with a progress bar, Cancel and Retry. Files that are empty or over the limit are refused
//! before any upload.

use std::collections::HashMap;

use leptos::prelude::*;
use threadline_core::compose::check_file;
use threadline_core::i18n::isolate;
use threadline_core::model::Attachment;

use crate::api::upload::Upload;
use crate::api::{Client, UploadError};
use crate::i18n::format_size;

/// Where one file is.
#[derive(Debug, Clone, PartialEq)]
pub enum UploadState {
    /// Bytes sent so far (0..=1).
    Uploading(f64),
    Done(Attachment),
    Failed(String),
}

/// One file in the composer.
#[derive(Debug, Clone, PartialEq)]
pub struct UploadItem {
    pub key: u32,
    pub name: String,
    pub size: u64,
    pub state: UploadState,
}

/// The composer's files, and the browser objects behind them (kept off the reactive graph).
#[derive(Clone, Copy)]
pub struct Uploads {
    pub items: RwSignal<Vec<UploadItem>>,
    /// Files refused before upload, in words.
    pub refused: RwSignal<Vec<String>>,
    files: StoredValue<HashMap<u32, (web_sys::File, Option<Upload>)>, LocalStorage>,
    next_key: StoredValue<u32>,
    max_bytes: u64,
}

impl Uploads {
    /// The files of a composer; uploads still running when it goes are cancelled.
    pub fn new(max_bytes: u64) -> Self {
        let uploads = Self {
            items: RwSignal::new(Vec::new()),
            refused: RwSignal::new(Vec::new()),
            files: StoredValue::new_local(HashMap::new()),
            next_key: StoredValue::new(0),
            max_bytes,
        };
        on_cleanup(move || uploads.cancel_all());
        uploads
    }

    /// The uploaded attachments, in order.
    pub fn attachments(&self) -> Vec<Attachment> {
        self.items.with(|items| {
            items
                .iter()
                .filter_map(|i| match &i.state {
                    UploadState::Done(a) => Some(a.clone()),
                    _ => None,
                })
                .collect()
        })
    }

    /// How many files are still uploading.
    pub fn in_progress(&self) -> usize {
        self.items.with(|items| {
            items
                .iter()
                .filter(|i| matches!(i.state, UploadState::Uploading(_)))
                .count()
        })
    }

    /// Whether a file failed and is still listed.
    pub fn any_failed(&self) -> bool {
        self.items.with(|items| {
            items
                .iter()
                .any(|i| matches!(i.state, UploadState::Failed(_)))
        })
    }

    /// Shows the attachments of a draft put into the composer (a mode switch, Undo, Edit, or
    /// the emptied composer after a send). Files still uploading stay and go on: switching
    /// modes or taking a message back never aborts an upload.
    pub fn restore(&self, attachments: Vec<Attachment>) {
        let mut running = Vec::new();
        self.items.update(|items| {
            items.retain(|i| matches!(i.state, UploadState::Uploading(_)));
            running = items.iter().map(|i| i.key).collect();
        });
        self.files
            .update_value(|files| files.retain(|key, _| running.contains(key)));
        self.refused.set(Vec::new());
        for a in attachments {
            let key = self.take_key();
            self.items.update(|items| {
                items.push(UploadItem {
                    key,
                    name: a.name.clone(),
                    size: a.size.unwrap_or_default(),
                    state: UploadState::Done(a),
                })
            });
        }
    }

    /// Cancels every upload still running (the composer is going away).
    fn cancel_all(&self) {
        self.files.try_update_value(|files| {
            for (_, (_, upload)) in files.drain() {
                if let Some(u) = upload {
                    u.cancel();
                }
            }
        });
    }

    fn take_key(&self) -> u32 {
        let key = self.next_key.get_value();
        self.next_key.set_value(key.wrapping_add(1));
        key
    }

    /// Adds files and starts uploading them.
    pub fn add(&self, client: &Client, files: Vec<web_sys::File>) {
        let mut refused = Vec::new();
        for file in files {
            let name = file.name();
            let size = file.size() as u64;
            if let Err(reason) = check_file(&name, size, self.max_bytes) {
                refused.push(reason);
                continue;
            }
            let key = self.take_key();
            self.items.update(|items| {
                items.push(UploadItem {
                    key,
                    name,
                    size,
                    state: UploadState::Uploading(0.0),
                })
            });
            self.files
                .update_value(|files| drop(files.insert(key, (file, None))));
            self.start(client, key);
        }
        self.refused.set(refused);
    }

    fn set_state(&self, key: u32, state: UploadState) {
        self.items.try_update(|items| {
            if let Some(item) = items.iter_mut().find(|i| i.key == key) {
                item.state = state;
            }
        });
    }

    fn start(&self, client: &Client, key: u32) {
        let Some(file) = self
            .files
            .with_value(|files| files.get(&key).map(|(f, _)| f.clone()))
        else {
            return;
        };
        let this = *self;
        self.set_state(key, UploadState::Uploading(0.0));
        let started = client.upload(
            &file,
            move |sent, total| {
                if total > 0.0 {
                    this.set_state(key, UploadState::Uploading(sent / total));
                }
            },
            move |end| match end {
                Ok(attachment) => this.set_state(key, UploadState::Done(attachment)),
                Err(UploadError::Api(e)) => {
                    this.set_state(key, UploadState::Failed(e.user_message()))
                }
                // Cancelled: the item is already gone.
                Err(UploadError::Cancelled) => {}
            },
        );
        match started {
            Ok(upload) => self.files.update_value(|files| {
                if let Some(slot) = files.get_mut(&key) {
                    slot.1 = Some(upload);
                }
            }),
            Err(e) => self.set_state(key, UploadState::Failed(e.user_message())),
        }
    }

    /// Uploads a failed file again.
    pub fn retry(&self, client: &Client, key: u32) {
        self.start(client, key);
    }

    /// Cancels an upload or removes a file.
    pub fn remove(&self, key: u32) {
        let removed = self.files.try_update_value(|files| files.remove(&key));
        if let Some(Some((_, Some(upload)))) = removed {
            upload.cancel();
        }
        self.items.update(|items| items.retain(|i| i.key != key));
    }
}

/// The list of files with their progress and buttons.
#[component]
pub fn UploadList(uploads: Uploads) -> impl IntoView {
    let client = expect_context::<Client>();
    view! {
        {move || {
            let refused = uploads.refused.get();
            (!refused.is_empty()).then(|| view! {
                <ul class="tl-uploads__refused" role="alert">
                    {refused.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}
                </ul>
            })
        }}
        <ul class="tl-uploads" aria-label=t!("uploads.list")>
            <For each=move || uploads.items.with(|items| items.iter().map(|i| i.key).collect::<Vec<_>>()) key=|key| *key let:key>
                <UploadRow uploads=uploads key=key client=client.clone()/>
            </For>
        </ul>
    }
}

/// Where a file is, without its progress: the row's parts change only when this does.
#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Uploading,
    Done,
    Failed(String),
}

/// One file. Its progress bar follows the upload, while the row and its buttons stay as they
/// are (focus on Cancel is kept, and screen readers do not hear the row again).
#[component]
fn UploadRow(uploads: Uploads, key: u32, client: Client) -> impl IntoView {
    let item = Memo::new(move |_| {
        uploads
            .items
            .with(|items| items.iter().find(|i| i.key == key).cloned())
    });
    let Some(first) = item.get_untracked() else {
        return ().into_any();
    };
    let phase = Memo::new(move |_| {
        item.with(|i| match i.as_ref().map(|i| &i.state) {
            Some(UploadState::Done(_)) => Phase::Done,
            Some(UploadState::Failed(reason)) => Phase::Failed(reason.clone()),
            _ => Phase::Uploading,
        })
    });
    let percent = move || {
        item.with(|i| match i.as_ref().map(|i| &i.state) {
            Some(UploadState::Uploading(fraction)) => (fraction * 100.0).round().to_string(),
            _ => "100".to_owned(),
        })
    };
    let name = isolate(&first.name);
    let label = format!("{name} ({})", format_size(first.size));
    let class = move || match phase.get() {
        Phase::Uploading => "tl-upload",
        Phase::Done => "tl-upload tl-upload--done",
        Phase::Failed(_) => "tl-upload tl-upload--failed",
    };
    view! {
        <li class=class>
            <span class="tl-upload__name">{label}</span>
            {move || match phase.get() {
                Phase::Uploading => {
                    let name = name.clone();
                    view! {
                        <progress
                            max="100"
                            value=percent
                            aria-label=t!("uploads.uploading", name = name.clone())
                        ></progress>
                        <button type="button" class="tl-link-button" aria-label=t!("uploads.cancel_upload", name = name) on:click=move |_| uploads.remove(key)>{t!("uploads.cancel")}</button>
                    }.into_any()
                }
                Phase::Done => view! {
                    <button type="button" class="tl-link-button" aria-label=t!("uploads.remove_file", name = name.clone()) on:click=move |_| uploads.remove(key)>{t!("uploads.remove")}</button>
                }.into_any(),
                Phase::Failed(reason) => {
                    let client = client.clone();
                    view! {
                        <span class="tl-upload__error" role="alert">{reason}</span>
                        <button type="button" class="tl-link-button" aria-label=t!("uploads.retry_upload", name = name.clone()) on:click=move |_| uploads.retry(&client, key)>{t!("uploads.retry")}</button>
                        <button type="button" class="tl-link-button" aria-label=t!("uploads.remove_file", name = name.clone()) on:click=move |_| uploads.remove(key)>{t!("uploads.remove")}</button>
                    }.into_any()
                }
            }}
        </li>
    }
    .into_any()
}

/// The files in a `FileList` (from a picker, a drop or a paste).
pub fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.item(i)).collect()
}
