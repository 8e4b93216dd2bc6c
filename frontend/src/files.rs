//! Files over REST: CSV downloads (fetched with the session's token, saved through a blob) and
//! CSV uploads with progress (XMLHttpRequest reports upload progress; fetch does not).

use crate::api;
use domain::messages::Localized;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// Fetches `path` with the session's token: the bytes and the type the server gave them.
async fn fetch(path: &str) -> Result<(Vec<u8>, String), String> {
    let mut request = gloo_net::http::Request::get(path);
    if let Some(token) = api::access_token() {
        request = request.header("authorization", &format!("Bearer {token}"));
    }
    let response = request.send().await.map_err(|error| error.to_string())?;
    let content_type = response
        .headers()
        .get("content-type")
        .unwrap_or_else(|| "application/octet-stream".to_owned());
    let bytes = response.binary().await.map_err(|error| error.to_string())?;
    if !response.ok() {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        return Err(serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|body| body["errors"][0]["message"].as_str().map(str::to_owned))
            .unwrap_or(text));
    }
    Ok((bytes, content_type))
}

/// The bytes as a `blob:` address of this page, typed `content_type`.
fn blob_url(bytes: &[u8], content_type: &str) -> Result<String, String> {
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(content_type);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|_| "cannot make the file".to_owned())?;
    web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "cannot make the file".to_owned())
}

/// Fetches `path` with the session's token and saves it as `file_name`, byte for byte (CSV,
/// PDF, or a zip of them), with the type the server gave it.
pub async fn download(path: &str, file_name: &str) -> Result<(), String> {
    let (bytes, content_type) = fetch(path).await?;
    let url = blob_url(&bytes, &content_type)?;
    let document = web_sys::window()
        .and_then(|window| window.document())
        .ok_or("no document")?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| "no link")?
        .unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// Fetches a file to show it in the page (an attachment's preview): a `blob:` address typed
/// `media_type`, the type Duely found in the file's bytes. Revoke it when the preview closes.
pub async fn preview_url(path: &str, media_type: &str) -> Result<String, String> {
    let (bytes, _) = fetch(path).await?;
    blob_url(&bytes, media_type)
}

/// The error of a REST answer's body in the reader's language, from its reason and
/// parameters; the server's message when the reason is not one this build knows.
pub fn rest_error(body: &str, locale: domain::Locale) -> String {
    let parsed: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let extensions = &parsed["errors"][0]["extensions"];
    let params = extensions["params"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    extensions["reason"]
        .as_str()
        .and_then(|name| domain::reason::Reason::from_wire(name, &params))
        .map(|reason| reason.text(locale))
        .unwrap_or_else(|| {
            parsed["errors"][0]["message"]
                .as_str()
                .unwrap_or(body)
                .to_owned()
        })
}

/// Uploads `file` as `text/csv` to `path`, calling `progress` with the share sent (0 to 1), and
/// resolves with the status and the answer's text.
pub async fn upload(
    path: &str,
    file: web_sys::File,
    progress: impl Fn(f64) + 'static,
) -> Result<(u16, String), String> {
    upload_as(path, file, "text/csv", progress).await
}

/// Waits `ms` milliseconds (polling a job's progress).
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// As [`upload`], with `content_type` (a statement may be XML, text or a spreadsheet).
pub async fn upload_as(
    path: &str,
    file: web_sys::File,
    content_type: &str,
    progress: impl Fn(f64) + 'static,
) -> Result<(u16, String), String> {
    let xhr = web_sys::XmlHttpRequest::new().map_err(|_| "no XMLHttpRequest")?;
    xhr.open("POST", path)
        .map_err(|_| "cannot open the request")?;
    xhr.set_request_header("content-type", content_type)
        .map_err(|_| "bad header")?;
    if let Some(token) = api::access_token() {
        xhr.set_request_header("authorization", &format!("Bearer {token}"))
            .map_err(|_| "bad header")?;
    }
    let on_progress =
        Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |event: web_sys::ProgressEvent| {
            if event.length_computable() && event.total() > 0.0 {
                progress(event.loaded() / event.total());
            }
        });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    let done = js_sys::Promise::new(&mut |resolve, reject| {
        let on_load = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let on_error = Closure::once_into_js(move || {
            let _ = reject.call0(&JsValue::NULL);
        });
        xhr.set_onload(Some(on_load.unchecked_ref()));
        xhr.set_onerror(Some(on_error.unchecked_ref()));
    });
    xhr.send_with_opt_blob(Some(&file))
        .map_err(|_| "cannot send the file")?;
    wasm_bindgen_futures::JsFuture::from(done)
        .await
        .map_err(|_| "the upload failed".to_owned())?;
    drop(on_progress);
    let text = xhr.response_text().ok().flatten().unwrap_or_default();
    Ok((xhr.status().unwrap_or(0), text))
}
