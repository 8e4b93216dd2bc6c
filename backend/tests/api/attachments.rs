//! Attachments: files judged on their bytes (never their names), 20 MiB at most whether the
//! upload says its length or not, photos stored without their location, downloads that a
//! browser can only save, authorised like the record (another company's and another collector's
//! files stay out of reach), deletion that keeps and audits, the evidence pack that carries a
//! customer's files with their SHA-256, and the S3 store against a real S3 stand-in.

use crate::helpers::{
    TestApp, TestSession, count, error_codes, fresh_database, spawn_app, spawn_app_with,
    test_config,
};
use crate::kit::{create_customer, issue_invoice, join, ok, record_payment_raw};
use chrono::Days;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::io::Write;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const FIELDS: &str = "id ownerType ownerId fileName kind mediaType sizeBytes sha256 metadataRemoved previewable downloadPath uploadedBy deletedAt deletedBy deleteReason";

fn id(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn png() -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
        .unwrap()
}

/// A ZIP package holding `entries` (empty files).
fn package(entries: &[&str]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for entry in entries {
        zip.start_file(*entry, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(b"<x/>").unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A JPEG whose EXIF says orientation 6 and holds a GPS latitude reference.
fn photo_with_location() -> Vec<u8> {
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"MM\0\x2A\0\0\0\x08");
    tiff.extend_from_slice(&[0, 2]);
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
    tiff.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    tiff.extend_from_slice(&[0, 1]);
    tiff.extend_from_slice(&[0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE1];
    jpeg.extend_from_slice(&u16::try_from(tiff.len() + 8).unwrap().to_be_bytes());
    jpeg.extend_from_slice(b"Exif\0\0");
    jpeg.extend_from_slice(&tiff);
    jpeg.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02, 0x12, 0x34, 0xFF, 0xD9]);
    jpeg
}

async fn upload(
    app: &TestApp,
    token: &str,
    owner: (&str, &str),
    file_name: &str,
    body: Vec<u8>,
) -> (u16, Value) {
    let response = app
        .client
        .post(app.url("/api/attachments"))
        .query(&[
            ("ownerType", owner.0),
            ("ownerId", owner.1),
            ("fileName", file_name),
        ])
        .bearer_auth(token)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn reason(body: &Value) -> &str {
    body["errors"][0]["extensions"]["reason"]
        .as_str()
        .unwrap_or_else(|| panic!("no reason: {body}"))
}

async fn listed(app: &TestApp, token: &str, owner: (&str, &str), include_deleted: bool) -> Value {
    app.graphql_as(
        token,
        &format!("query($type: AttachmentOwner!, $id: ID!, $all: Boolean) {{ attachments(ownerType: $type, ownerId: $id, includeDeleted: $all) {{ {FIELDS} }} }}"),
        json!({ "type": owner.0, "id": owner.1, "all": include_deleted }),
    )
    .await
}

async fn download(app: &TestApp, token: &str, attachment: &str) -> reqwest::Response {
    app.client
        .get(app.url(&format!("/api/attachments/{attachment}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn stored(app: &TestApp, session: &TestSession) -> i64 {
    count(
        &app.db,
        &format!(
            "SELECT count(*) FROM \"{}\".attachments",
            session.tenant_id.schema_name()
        ),
    )
    .await
}

/// A body sent chunked, without a length, over a plain connection: the server must count it.
async fn upload_chunked(app: &TestApp, token: &str, query: &str, size: usize) -> String {
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST /api/attachments?{query} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b'%'; 1024 * 1024];
    let mut sent = 0;
    while sent < size {
        let part = &chunk[..chunk.len().min(size - sent)];
        let frame = format!("{:x}\r\n", part.len());
        if stream.write_all(frame.as_bytes()).await.is_err()
            || stream.write_all(part).await.is_err()
            || stream.write_all(b"\r\n").await.is_err()
        {
            break;
        }
        sent += part.len();
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer).await;
    answer
}

#[tokio::test]
async fn files_are_judged_on_their_bytes_and_kept_with_their_records() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let token = &owner.access_token;
    let customer = create_customer(&app, &owner, "ACME-1", json!({})).await;
    let invoice = issue_invoice(&app, &owner, &id(&customer), "1200", json!({})).await;
    let invoice_id = id(&invoice);
    let on_invoice = ("INVOICE", invoice_id.as_str());

    // A PDF, named in Chinese: kept as sent, with its hash, and served only as a download.
    let (status, body) = upload(
        &app,
        token,
        on_invoice,
        "C:\\扫描\\签收单.pdf",
        PDF.to_vec(),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let pdf = &body["attachment"];
    assert_eq!(pdf["fileName"], "签收单.pdf", "the last path part only");
    assert_eq!(pdf["kind"], "PDF");
    assert_eq!(pdf["sizeBytes"], PDF.len());
    assert_eq!(pdf["sha256"], sha256(PDF));
    let response = download(&app, token, &id(pdf)).await;
    assert_eq!(response.status(), 200);
    let header = |name: &str| response.headers()[name].to_str().unwrap().to_owned();
    assert_eq!(header("content-type"), "application/pdf");
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(header("content-security-policy"), "sandbox");
    assert!(header("content-disposition").starts_with("attachment;"));
    assert!(
        header("content-disposition").contains("filename*=UTF-8''%E7%AD%BE%E6%94%B6%E5%8D%95.pdf"),
        "{}",
        header("content-disposition")
    );
    assert_eq!(response.bytes().await.unwrap().as_ref(), PDF);

    // The bytes decide, not the name: a PNG called .pdf is a PNG; a page called .pdf is refused.
    let (status, body) = upload(&app, token, on_invoice, "order.pdf", png()).await;
    assert_eq!(
        (status, &body["attachment"]["kind"]),
        (201, &json!("PNG")),
        "{body}"
    );
    assert_eq!(body["attachment"]["previewable"], true);
    assert_eq!(
        body["attachment"]["fileName"], "order.pdf.png",
        "saved under a name that opens it as what it is"
    );
    let before = stored(&app, &owner).await;
    for (name, bytes, why) in [
        (
            "invoice.pdf",
            b"<html><script>alert(1)</script></html>".to_vec(),
            "ATTACHMENT_KIND_NOT_ACCEPTED",
        ),
        ("empty.pdf", Vec::new(), "ATTACHMENT_EMPTY"),
        (
            "archive.zip",
            package(&["readme.txt"]),
            "ATTACHMENT_KIND_NOT_ACCEPTED",
        ),
        (
            "trick.docx",
            package(&["word/document.xml", "xl/workbook.xml"]),
            "ATTACHMENT_KIND_NOT_ACCEPTED",
        ),
        (
            "with-macros.docx",
            package(&["word/document.xml", "word/vbaProject.bin"]),
            "ATTACHMENT_KIND_NOT_ACCEPTED",
        ),
    ] {
        let (status, body) = upload(&app, token, on_invoice, name, bytes).await;
        assert_eq!((status, reason(&body)), (422, why), "{name}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "body");
    }
    // Office packages and OFD are told by their entries.
    for (name, entries, kind) in [
        (
            "合同.docx",
            vec!["[Content_Types].xml", "word/document.xml"],
            "DOCX",
        ),
        (
            "对账单.xlsx",
            vec!["[Content_Types].xml", "xl/workbook.xml"],
            "XLSX",
        ),
        ("电子发票.ofd", vec!["OFD.xml", "Doc_0/Document.xml"], "OFD"),
    ] {
        let (status, body) = upload(&app, token, on_invoice, name, package(&entries)).await;
        assert_eq!(
            (status, &body["attachment"]["kind"]),
            (201, &json!(kind)),
            "{body}"
        );
        assert_eq!(body["attachment"]["previewable"], false);
    }
    assert_eq!(
        stored(&app, &owner).await,
        before + 3,
        "refusals store nothing"
    );

    // Names and owners that cannot be.
    let (status, body) = upload(&app, token, on_invoice, " ../ ", PDF.to_vec()).await;
    assert_eq!((status, reason(&body)), (422, "REQUIRED"), "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "fileName");
    let (status, body) = upload(&app, token, ("INVOICE", "not-an-id"), "a.pdf", PDF.to_vec()).await;
    assert_eq!((status, reason(&body)), (422, "NOT_AN_ID"), "{body}");
    let (status, body) = upload(&app, token, ("ORDER", &invoice_id), "a.pdf", PDF.to_vec()).await;
    assert_eq!((status, reason(&body)), (422, "FILE_BAD_QUERY"), "{body}");
    let nobody = uuid::Uuid::new_v4().to_string();
    let (status, body) = upload(&app, token, ("PAYMENT", &nobody), "a.pdf", PDF.to_vec()).await;
    assert_eq!((status, reason(&body)), (404, "RECORD_NOT_FOUND"), "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["params"]["entity"],
        "PAYMENT"
    );

    // 20 MiB at most: refused at once when the upload says it is larger, and counted when it
    // does not say.
    let (status, body) = upload(
        &app,
        token,
        on_invoice,
        "big.pdf",
        vec![b'%'; 20 * 1024 * 1024 + 1],
    )
    .await;
    assert_eq!(
        (status, reason(&body)),
        (422, "ATTACHMENT_TOO_LARGE"),
        "{body}"
    );
    assert_eq!(body["errors"][0]["extensions"]["params"]["maxMib"], 20);
    let answer = upload_chunked(
        &app,
        token,
        &format!("ownerType=INVOICE&ownerId={invoice_id}&fileName=big.pdf"),
        21 * 1024 * 1024,
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 422"), "{answer}");
    assert!(answer.contains("ATTACHMENT_TOO_LARGE"), "{answer}");
    assert_eq!(stored(&app, &owner).await, before + 3);

    // A photo loses where it was taken, keeps which way is up, and is stored as rewritten.
    let (status, body) = upload(&app, token, on_invoice, "送货单.jpg", photo_with_location()).await;
    assert_eq!(status, 201, "{body}");
    let photo = &body["attachment"];
    assert_eq!(photo["metadataRemoved"], true);
    let bytes = download(&app, token, &id(photo))
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(
        photo["sha256"],
        sha256(&bytes),
        "the hash is of what is stored"
    );
    let jpeg = img_parts::jpeg::Jpeg::from_bytes(bytes.clone()).unwrap();
    let exif = img_parts::ImageEXIF::exif(&jpeg).expect("the orientation is kept");
    let parsed = exif::Reader::new().read_raw(exif.to_vec()).unwrap();
    assert_eq!(
        parsed
            .get_field(exif::Tag::Orientation, exif::In::PRIMARY)
            .and_then(|f| f.value.get_uint(0)),
        Some(6)
    );
    assert!(
        parsed
            .get_field(exif::Tag::GPSLatitudeRef, exif::In::PRIMARY)
            .is_none()
    );
    assert!(
        !bytes.windows(2).any(|pair| pair == [0x88, 0x25]),
        "no GPS pointer anywhere"
    );

    // Listed with the record, oldest first; the audit log has each one.
    let body = listed(&app, token, on_invoice, false).await;
    let files = body["data"]["attachments"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"));
    assert_eq!(files.len(), 6, "{body}");
    assert_eq!(files[0]["fileName"], "签收单.pdf");
    assert_eq!(
        files[0]["downloadPath"],
        format!("/api/attachments/{}", id(pdf))
    );
    let audited = count(
        &app.db,
        &format!(
            "SELECT count(*) FROM \"{}\".audit_log WHERE action = 'attachment.added'",
            owner.tenant_id.schema_name()
        ),
    )
    .await;
    assert_eq!(audited, 6);
}

#[tokio::test]
async fn a_collector_reaches_only_their_customers_files_and_another_company_none() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let collector = join(&app, &owner, &app.email("collector"), "COLLECTOR").await;
    let other_collector = join(&app, &owner, &app.email("other"), "COLLECTOR").await;
    let viewer = join(&app, &owner, &app.email("viewer"), "VIEWER").await;
    let mine = create_customer(
        &app,
        &owner,
        "MINE",
        json!({ "collectorId": collector.user_id }),
    )
    .await;
    let theirs = create_customer(
        &app,
        &owner,
        "THEIRS",
        json!({ "collectorId": other_collector.user_id }),
    )
    .await;
    // The collector logs a visit and attaches the photo of the signed delivery note to it.
    let visit = ok(
        &app,
        &collector,
        "mutation($input: LogCollectionActivityInput!) { logCollectionActivity(input: $input) { activity { id } } }",
        json!({ "input": { "customerId": id(&mine), "channel": "VISIT", "outcome": "CALLBACK_REQUESTED" } }),
        "logCollectionActivity",
    )
    .await;
    let visit_id = id(&visit["activity"]);
    let (status, body) = upload(
        &app,
        &collector.access_token,
        ("ACTIVITY", &visit_id),
        "签收单.png",
        png(),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let photo = id(&body["attachment"]);
    // A voucher on the payment of their customer.
    let payment = record_payment_raw(
        &app,
        &owner,
        json!({ "customerId": id(&mine), "amount": "500", "currency": "CNY", "method": "BANK_TRANSFER",
                "receivedOn": crate::kit::company_today(&app, &owner).await.to_string() }),
    )
    .await;
    let payment_id = payment["data"]["recordPayment"]["payment"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{payment}"))
        .to_owned();
    let (status, body) = upload(
        &app,
        &collector.access_token,
        ("PAYMENT", &payment_id),
        "回单.pdf",
        PDF.to_vec(),
    )
    .await;
    assert_eq!(status, 201, "{body}");

    // Another collector's customer: neither listed, served nor added to.
    let (status, body) = upload(
        &app,
        &owner.access_token,
        ("CUSTOMER", &id(&theirs)),
        "合同.pdf",
        PDF.to_vec(),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let contract = id(&body["attachment"]);
    let body = listed(
        &app,
        &collector.access_token,
        ("CUSTOMER", &id(&theirs)),
        false,
    )
    .await;
    assert_eq!(error_codes(&body), ["NOT_FOUND"], "{body}");
    assert_eq!(
        download(&app, &collector.access_token, &contract)
            .await
            .status(),
        404
    );
    let (status, _) = upload(
        &app,
        &collector.access_token,
        ("CUSTOMER", &id(&theirs)),
        "x.pdf",
        PDF.to_vec(),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(
        download(&app, &other_collector.access_token, &contract)
            .await
            .status(),
        200
    );
    assert_eq!(
        download(&app, &other_collector.access_token, &photo)
            .await
            .status(),
        404
    );

    // A viewer reads every file and adds none.
    assert_eq!(
        download(&app, &viewer.access_token, &photo).await.status(),
        200
    );
    let (status, body) = upload(
        &app,
        &viewer.access_token,
        ("CUSTOMER", &id(&mine)),
        "x.pdf",
        PDF.to_vec(),
    )
    .await;
    assert_eq!(
        (status, error_codes(&body)),
        (403, vec!["FORBIDDEN".to_owned()]),
        "{body}"
    );

    // Another company: its owner reaches none of Acme's files or records.
    let globex = app.sign_up("Globex", &app.email("globex")).await;
    assert_eq!(
        download(&app, &globex.access_token, &contract)
            .await
            .status(),
        404
    );
    let (status, _) = upload(
        &app,
        &globex.access_token,
        ("ACTIVITY", &visit_id),
        "x.pdf",
        PDF.to_vec(),
    )
    .await;
    assert_eq!(status, 404);
    let body = listed(&app, &globex.access_token, ("ACTIVITY", &visit_id), false).await;
    assert_eq!(error_codes(&body), ["NOT_FOUND"], "{body}");
    let body = globex_delete(&app, &globex, &photo).await;
    assert_eq!(error_codes(&body), ["NOT_FOUND"], "{body}");
    assert_eq!(stored(&app, &globex).await, 0);
    // No key or signed-in person: nothing.
    let response = app
        .client
        .get(app.url(&format!("/api/attachments/{photo}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

async fn globex_delete(app: &TestApp, session: &TestSession, attachment: &str) -> Value {
    delete(app, &session.access_token, attachment, "not ours").await
}

async fn delete(app: &TestApp, token: &str, attachment: &str, why: &str) -> Value {
    app.graphql_as(
        token,
        &format!("mutation($input: DeleteAttachmentInput!) {{ deleteAttachment(input: $input) {{ attachment {{ {FIELDS} }} }} }}"),
        json!({ "input": { "attachmentId": attachment, "reason": why } }),
    )
    .await
}

#[tokio::test]
async fn a_deleted_file_is_kept_marked_and_audited_and_no_longer_served() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let token = &owner.access_token;
    let customer = create_customer(&app, &owner, "C", json!({})).await;
    let on_customer = "CUSTOMER";
    let customer_id = id(&customer);
    let (_, body) = upload(
        &app,
        token,
        (on_customer, &customer_id),
        "合同.pdf",
        PDF.to_vec(),
    )
    .await;
    let file = id(&body["attachment"]);

    let body = delete(&app, token, &file, "  ").await;
    assert_eq!(error_codes(&body), ["VALIDATION"], "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "input.reason");
    let body = delete(&app, token, &file, "上传错了客户").await;
    let deleted = &body["data"]["deleteAttachment"]["attachment"];
    assert_eq!(deleted["deleteReason"], "上传错了客户", "{body}");
    assert!(deleted["deletedAt"].is_string());
    let body = delete(&app, token, &file, "again").await;
    assert_eq!(reason(&body), "ATTACHMENT_ALREADY_DELETED", "{body}");

    let body = listed(&app, token, (on_customer, &customer_id), false).await;
    assert_eq!(body["data"]["attachments"], json!([]), "{body}");
    let body = listed(&app, token, (on_customer, &customer_id), true).await;
    assert_eq!(
        body["data"]["attachments"][0]["deleteReason"], "上传错了客户",
        "{body}"
    );
    assert_eq!(download(&app, token, &file).await.status(), 404);
    assert_eq!(stored(&app, &owner).await, 1, "the record is kept");
    let audit = count(
        &app.db,
        &format!(
            "SELECT count(*) FROM \"{}\".audit_log WHERE action = 'attachment.deleted'
             AND entity_id = '{file}' AND after->>'deleteReason' = '上传错了客户'",
            owner.tenant_id.schema_name()
        ),
    )
    .await;
    assert_eq!(audit, 1);
}

#[tokio::test]
async fn a_record_holds_at_most_a_hundred_files() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let customer = create_customer(&app, &owner, "C", json!({})).await;
    let schema = owner.tenant_id.schema_name();
    app.db
        .execute_unprepared(&format!(
            "INSERT INTO \"{schema}\".attachments (id, owner_type, owner_id, customer_id, file_name,
                 kind, size_bytes, sha256, storage_key, uploaded_by)
             SELECT gen_random_uuid(), 'CUSTOMER', '{c}', '{c}', 'f' || n || '.pdf', 'PDF', 10,
                 repeat('a', 64), 'k' || n, 'test'
             FROM generate_series(1, 100) AS n",
            c = id(&customer)
        ))
        .await
        .unwrap();
    let (status, body) = upload(
        &app,
        &owner.access_token,
        ("CUSTOMER", &id(&customer)),
        "a.pdf",
        PDF.to_vec(),
    )
    .await;
    assert_eq!(
        (status, reason(&body)),
        (422, "ATTACHMENT_TOO_MANY"),
        "{body}"
    );
    assert_eq!(body["errors"][0]["extensions"]["params"]["max"], 100);
}

async fn evidence_pack_carries_the_customers_files(app: &TestApp, who: &str) {
    let owner = app.sign_up("Acme", &app.email(who)).await;
    let token = &owner.access_token;
    let customer = create_customer(app, &owner, "L", json!({})).await;
    let today = crate::kit::company_today(app, &owner).await;
    let invoice = issue_invoice(
        app,
        &owner,
        &id(&customer),
        "5000",
        json!({ "issueDate": (today - Days::new(130)).to_string(), "dueDate": (today - Days::new(100)).to_string() }),
    )
    .await;
    let (_, contract) = upload(
        app,
        token,
        ("CUSTOMER", &id(&customer)),
        "合同.pdf",
        PDF.to_vec(),
    )
    .await;
    let (_, note) = upload(
        app,
        token,
        ("INVOICE", &id(&invoice)),
        "签收单.jpg",
        photo_with_location(),
    )
    .await;
    let (_, wrong) = upload(
        app,
        token,
        ("INVOICE", &id(&invoice)),
        "wrong.pdf",
        PDF.to_vec(),
    )
    .await;
    delete(app, token, &id(&wrong["attachment"]), "wrong file").await;
    let case = ok(
        app,
        &owner,
        "mutation($input: EscalateToLegalInput!) { escalateToLegal(input: $input) { legalCase { id evidenceUrl } } }",
        json!({ "input": { "customerId": id(&customer) } }),
        "escalateToLegal",
    )
    .await;
    let response = app
        .client
        .get(app.url(case["legalCase"]["evidenceUrl"].as_str().unwrap()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.unwrap();
    // A browser asks for it compressed: the streamed body must still end whole.
    let compressed = app
        .client
        .get(app.url(case["legalCase"]["evidenceUrl"].as_str().unwrap()))
        .bearer_auth(token)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(compressed.headers()["content-encoding"], "gzip");
    assert!(
        compressed
            .bytes()
            .await
            .is_ok_and(|gzipped| !gzipped.is_empty())
    );
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let names: Vec<String> = zip
        .file_names()
        .map(|name| name.map(|name| name.into_owned()))
        .collect::<Result<_, _>>()
        .unwrap();
    let attached: Vec<&String> = names
        .iter()
        .filter(|n| n.starts_with("attachments/"))
        .collect();
    assert_eq!(attached.len(), 2, "live files only: {names:?}");
    assert!(
        attached[0].starts_with("attachments/001-customer-L-"),
        "{attached:?}"
    );
    assert!(attached[0].ends_with("合同.pdf"));
    assert!(
        attached[1].starts_with("attachments/002-invoice-"),
        "{attached:?}"
    );
    let mut index = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("attachments.csv").unwrap(), &mut index)
        .unwrap();
    let rows: Vec<&str> = index.lines().collect();
    assert_eq!(rows.len(), 3, "{index}");
    assert!(
        rows[1].contains(contract["attachment"]["sha256"].as_str().unwrap()),
        "{index}"
    );
    assert!(
        rows[2].contains(note["attachment"]["sha256"].as_str().unwrap()),
        "{index}"
    );
    let mut kept = Vec::new();
    std::io::Read::read_to_end(&mut zip.by_name(attached[0]).unwrap(), &mut kept).unwrap();
    assert_eq!(kept, PDF);
}

#[tokio::test]
async fn the_evidence_pack_carries_the_customers_files_with_their_hashes() {
    let app = spawn_app().await;
    evidence_pack_carries_the_customers_files(&app, "owner").await;
}

/// The S3 stand-in the test command starts (moto's server): its address.
fn s3_endpoint() -> String {
    std::env::var("DUELY_TEST_S3_ENDPOINT").unwrap_or_else(|_| {
        panic!("DUELY_TEST_S3_ENDPOINT is not set: run the tests with ./infra/test.sh, which starts the S3 stand-in")
    })
}

#[tokio::test]
async fn files_kept_in_an_s3_bucket_go_up_come_down_and_fill_the_evidence_pack() {
    let endpoint = s3_endpoint();
    let bucket = format!("duely-test-{}", uuid::Uuid::new_v4().simple());
    let created = reqwest::Client::new()
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await
        .unwrap();
    assert!(
        created.status().is_success(),
        "{}",
        created.text().await.unwrap_or_default()
    );
    let database_url = fresh_database().await;
    let app = spawn_app_with(test_config(
        &[
            ("DUELY_ATTACHMENTS_BUCKET", &bucket),
            ("AWS_ENDPOINT_URL", &endpoint),
            ("AWS_REGION", "us-east-1"),
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_ALLOW_HTTP", "true"),
        ],
        &database_url,
    ))
    .await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let customer = create_customer(&app, &owner, "S3", json!({})).await;
    // Large enough to go up in several parts.
    let mut large = b"%PDF-1.7\n".to_vec();
    large.extend((0..18 * 1024 * 1024).map(|n| u8::try_from(n % 251).unwrap()));
    let (status, body) = upload(
        &app,
        &owner.access_token,
        ("CUSTOMER", &id(&customer)),
        "扫描合同.pdf",
        large.clone(),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let file = id(&body["attachment"]);
    let listing = reqwest::Client::new()
        .get(format!("{endpoint}/{bucket}?list-type=2"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        listing.contains(&format!(
            "<Key>{}/attachments/{file}</Key>",
            owner.tenant_id.0
        )),
        "under the company's own prefix: {listing}"
    );
    let bytes = download(&app, &owner.access_token, &file)
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(bytes.len(), large.len());
    assert_eq!(sha256(&bytes), sha256(&large));
    evidence_pack_carries_the_customers_files(&app, "lawyer").await;
}
