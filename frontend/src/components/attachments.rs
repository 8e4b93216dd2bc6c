//! The files kept with a record (a customer, an invoice, a payment, a visit, a dispute, a legal
//! case): listed with who added them, previewed in the page (images and PDFs), downloaded,
//! added from a computer or, on a phone, straight from the camera, and deleted with a reason.

use super::{Modal, ProgressBar, ToastKind, use_toasts};
use crate::api::{self, AttachmentsList, DeleteAttachment};
use crate::files;
use crate::i18n::{AttachmentsMsg as A, Msg, use_locale, use_text};
use crate::session::use_session;
use domain::attachments::AttachmentOwner;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

type Row = api::attachments_list::AttachmentsListAttachments;

/// What the file input offers: the accepted kinds, so a phone shows its camera and files.
const ACCEPT: &str = ".pdf,.ofd,.jpg,.jpeg,.png,.webp,.heic,.xlsx,.docx,application/pdf,image/*";

fn size_text(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

/// The files of one record. `photo` adds a camera button (a visit's signed delivery note).
#[component]
pub fn Attachments(
    owner: AttachmentOwner,
    #[prop(into)] owner_id: Signal<String>,
    #[prop(optional)] photo: bool,
) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let session = use_session();
    let t = move |msg: Msg| text(msg);
    let can_attach = move || {
        session.current.get().is_some_and(|session| {
            owner
                .attach_permissions()
                .iter()
                .any(|permission| session.can(*permission))
        })
    };
    let reload = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        reload.track();
        let owner_id = owner_id.get();
        async move {
            let owner_type = api::from_domain::<_, api::attachments_list::AttachmentOwner>(&owner);
            match owner_type {
                Some(owner_type) if !owner_id.is_empty() => {
                    api::run::<AttachmentsList>(api::attachments_list::Variables {
                        owner_type,
                        owner_id,
                    })
                    .await
                    .map(|data| data.attachments)
                }
                _ => Ok(Vec::new()),
            }
        }
    });
    let sent = RwSignal::new(None::<f64>);
    let key = owner.as_str().to_ascii_lowercase();
    let send = move |input: web_sys::HtmlInputElement| {
        let Some(file) = input.files().and_then(|list| list.get(0)) else {
            return;
        };
        input.set_value("");
        let path = format!(
            "/api/attachments?ownerType={}&ownerId={}&fileName={}",
            owner.as_str(),
            owner_id.get_untracked(),
            String::from(js_sys::encode_uri_component(&file.name()))
        );
        sent.set(Some(0.0));
        leptos::task::spawn_local(async move {
            let answer = files::upload_as(&path, file, "application/octet-stream", move |share| {
                sent.set(Some(share))
            })
            .await;
            sent.set(None);
            match answer {
                Ok((201, _)) => {
                    toasts.push(ToastKind::Success, t(A::Uploaded));
                    reload.update(|n| *n += 1);
                }
                Ok((_, body)) => toasts.push(
                    ToastKind::Error,
                    files::rest_error(&body, locale.get_untracked()),
                ),
                Err(error) => toasts.push(ToastKind::Error, error),
            }
        });
    };
    let on_change = move |event: leptos::ev::Event| {
        if let Some(input) = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            send(input);
        }
    };
    let preview = RwSignal::new(None::<(String, String, bool)>);
    let preview_open = RwSignal::new(false);
    Effect::new(move |_| {
        if !preview_open.get()
            && let Some((url, _, _)) = preview.get_untracked()
        {
            let _ = web_sys::Url::revoke_object_url(&url);
            preview.set(None);
        }
    });
    let show = Callback::new(move |row: Row| {
        leptos::task::spawn_local(async move {
            match files::preview_url(&row.download_path, &row.media_type).await {
                Ok(url) => {
                    preview.set(Some((
                        url,
                        row.file_name.clone(),
                        row.media_type.starts_with("image/"),
                    )));
                    preview_open.set(true);
                }
                Err(error) => toasts.push(ToastKind::Error, error),
            }
        });
    });
    let changed = Callback::new(move |_| reload.update(|n| *n += 1));
    let choose_id = format!("attach-{key}");
    let photo_id = format!("photo-{key}");
    view! {
        <section class="panel attachments" data-testid=format!("attachments-{key}")>
            <h2>{move || t(A::Title)}</h2>
            <p class="hint">{move || t(A::Hint)}</p>
            {move || match list.get() {
                None => view! { <p>{move || text(Msg::Loading)}</p> }.into_any(),
                Some(Err(error)) => {
                    toasts.api_error(locale.get_untracked(), error);
                    ().into_any()
                }
                Some(Ok(rows)) if rows.is_empty() => {
                    view! { <p class="muted" data-testid="attachments-none">{move || t(A::None)}</p> }.into_any()
                }
                Some(Ok(rows)) => view! {
                    <ul class="plain-list attachment-list">
                        {rows.into_iter().map(|row| view! {
                            <AttachmentItem row=row show=show changed=changed can_delete=can_attach()/>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            {move || sent.get().map(|share| view! {
                <ProgressBar label=Signal::derive(move || t(A::Uploading).to_owned())
                    done=Signal::derive(move || (share * 100.0) as u64) total=Signal::derive(|| 100u64)/>
            })}
            <Show when=can_attach>
                <div class="attachment-actions">
                    <div class="field">
                        <label for=choose_id.clone()>{move || t(A::Choose)}</label>
                        <input id=choose_id.clone() type="file" accept=ACCEPT
                            data-testid="attachment-file" on:change=on_change/>
                    </div>
                    {photo.then(|| view! {
                        <div class="field">
                            <label for=photo_id.clone()>{move || t(A::TakePhoto)}</label>
                            <input id=photo_id.clone() type="file" accept="image/*"
                                capture="environment" data-testid="attachment-photo" on:change=on_change/>
                        </div>
                    })}
                </div>
            </Show>
            <Modal open=preview_open title=Signal::derive(move || {
                preview.get().map(|(_, name, _)| name).unwrap_or_default()
            })>
                {move || preview.get().map(|(url, name, image)| if image {
                    view! { <img class="attachment-preview" src=url alt=name data-testid="attachment-preview"/> }.into_any()
                } else {
                    view! { <iframe class="attachment-preview" src=url title=name data-testid="attachment-preview"></iframe> }.into_any()
                })}
            </Modal>
        </section>
    }
}

#[component]
fn AttachmentItem(
    row: Row,
    show: Callback<Row>,
    changed: Callback<()>,
    can_delete: bool,
) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let t = move |msg: Msg| text(msg);
    let deleting = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let (path, name) = (row.download_path.clone(), row.file_name.clone());
    let download = move |_| {
        let (path, name) = (path.clone(), name.clone());
        leptos::task::spawn_local(async move {
            if let Err(error) = files::download(&path, &name).await {
                toasts.push(ToastKind::Error, error);
            }
        });
    };
    let id = row.id.clone();
    let delete = move |_| {
        let why = reason.get_untracked();
        if why.trim().is_empty() {
            toasts.push(ToastKind::Error, t(A::ReasonNeeded));
            return;
        }
        let input = api::delete_attachment::DeleteAttachmentInput {
            attachment_id: id.clone(),
            reason: why,
        };
        leptos::task::spawn_local(async move {
            match api::run::<DeleteAttachment>(api::delete_attachment::Variables { input }).await {
                Ok(_) => {
                    toasts.push(ToastKind::Success, t(A::Deleted));
                    changed.run(());
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };
    let previewed = row.clone();
    let when = row
        .uploaded_at
        .replace('T', " ")
        .chars()
        .take(16)
        .collect::<String>();
    view! {
        <li class="attachment" data-testid="attachment">
            <div class="attachment-name">
                <strong data-testid="attachment-name">{row.file_name.clone()}</strong>
                <span class="muted">{format!(" · {} · {}", api::to_domain::<_, String>(&row.kind).unwrap_or_default(), size_text(row.size_bytes))}</span>
                {row.metadata_removed.then(|| view! { <span class="badge">{move || t(A::LocationRemoved)}</span> })}
            </div>
            <div class="muted">{move || t(A::UploadedBy)}": "{row.uploaded_by.clone()}" · "{when.clone()}</div>
            <div class="toolbar">
                {row.previewable.then(|| view! {
                    <button type="button" class="button button-link" data-testid="attachment-preview-button"
                        on:click=move |_| show.run(previewed.clone())>{move || t(A::Preview)}</button>
                })}
                <button type="button" class="button button-link" on:click=download>{move || t(A::Download)}</button>
                {can_delete.then(|| view! {
                    <button type="button" class="button button-link" on:click=move |_| deleting.update(|open| *open = !*open)>
                        {move || t(A::Delete)}
                    </button>
                })}
            </div>
            <Show when=move || deleting.get()>
                <div class="inline-form">
                    <label>
                        {move || t(A::DeleteReason)}
                        <input type="text" maxlength="500" prop:value=move || reason.get()
                            on:input=move |event| reason.set(event_target_value(&event)) data-testid="attachment-delete-reason"/>
                    </label>
                    <button type="button" class="button button-danger" on:click=delete.clone() data-testid="attachment-delete">
                        {move || t(A::DeleteConfirm)}
                    </button>
                </div>
            </Show>
        </li>
    }
}

/// A record's files behind a button, for rows of a list (a payment, a visit, a dispute, a legal
/// case): the panel opens under the row.
#[component]
pub fn AttachmentsToggle(
    owner: AttachmentOwner,
    owner_id: String,
    #[prop(optional)] photo: bool,
) -> impl IntoView {
    let text = use_text();
    let open = RwSignal::new(false);
    let owner_id = Signal::derive(move || owner_id.clone());
    view! {
        <button type="button" class="button button-link" data-testid="attachments-toggle"
            aria-expanded=move || open.get().to_string()
            on:click=move |_| open.update(|open| *open = !*open)>
            {move || text(A::Title)}
        </button>
        <Show when=move || open.get()>
            <Attachments owner=owner owner_id=owner_id photo=photo/>
        </Show>
    }
}
