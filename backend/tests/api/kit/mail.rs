//! Reading what the SMTP sink (or the file transport) received: headers, and bodies decoded
//! from quoted-printable or base64.

use std::path::Path;

/// The decoded text of the newest message to `to` whose decoded text passes `keep`.
pub fn newest_to_where(dir: &Path, to: &str, keep: impl Fn(&str) -> bool) -> Option<String> {
    let mut messages: Vec<(std::time::SystemTime, String)> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let modified = entry.metadata().ok()?.modified().ok()?;
            Some((modified, std::fs::read_to_string(entry.path()).ok()?))
        })
        .filter(|(_, raw)| addressed_to(raw, to))
        .collect();
    messages.sort_by_key(|(modified, _)| *modified);
    messages
        .into_iter()
        .rev()
        .map(|(_, raw)| decode(&raw))
        .find(|text| keep(text))
}

/// Whether a raw message's `To:` header names `to`.
pub fn addressed_to(raw: &str, to: &str) -> bool {
    raw.lines()
        .take_while(|line| !line.is_empty())
        .any(|line| line.to_ascii_lowercase().starts_with("to:") && line.contains(to))
}

/// How many messages in `dir` are addressed to `to`.
pub fn count_to(dir: &Path, to: &str) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
                .filter(|raw| addressed_to(raw, to))
                .count()
        })
        .unwrap_or(0)
}

/// Headers as they are, then the body decoded per its Content-Transfer-Encoding.
fn decode(raw: &str) -> String {
    let raw = raw.replace("\r\n", "\n");
    let Some((headers, body)) = raw.split_once("\n\n") else {
        return raw;
    };
    // A multipart message (text and HTML): each part decoded in turn.
    if let Some(start) = headers.find("boundary=") {
        let boundary = headers[start + "boundary=".len()..]
            .split(|c: char| c == ';' || c.is_whitespace())
            .next()
            .unwrap_or_default()
            .trim_matches('"');
        let parts: Vec<String> = body
            .split(&format!("--{boundary}"))
            .map(|part| part.trim_start_matches('\n'))
            .filter(|part| !part.trim().is_empty() && !part.starts_with("--"))
            .map(decode)
            .collect();
        return format!("{headers}\n\n{}", parts.join("\n"));
    }
    let encoding = headers
        .lines()
        .find_map(|line| {
            line.to_ascii_lowercase()
                .strip_prefix("content-transfer-encoding:")
                .map(|value| value.trim().to_owned())
        })
        .unwrap_or_default();
    let body = match encoding.as_str() {
        "quoted-printable" => quoted_printable(body),
        "base64" => base64(body),
        _ => body.to_owned(),
    };
    format!("{headers}\n\n{body}")
}

fn quoted_printable(body: &str) -> String {
    let joined = body.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'=')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        if let Some(byte) = escaped {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn base64(body: &str) -> String {
    String::from_utf8_lossy(&base64_bytes(body)).into_owned()
}

fn base64_bytes(body: &str) -> Vec<u8> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0);
    for byte in body
        .bytes()
        .filter(|byte| !byte.is_ascii_whitespace() && *byte != b'=')
    {
        let Some(value) = ALPHABET.iter().position(|candidate| *candidate == byte) else {
            continue;
        };
        buffer = (buffer << 6) | value as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    out
}

/// The newest message to `to` carrying a PDF: its raw headers (the top part's) and the PDF's
/// file name and bytes.
pub fn newest_pdf_to(dir: &Path, to: &str) -> Option<(String, String, Vec<u8>)> {
    let mut messages: Vec<(std::time::SystemTime, String)> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let modified = entry.metadata().ok()?.modified().ok()?;
            Some((modified, std::fs::read_to_string(entry.path()).ok()?))
        })
        .filter(|(_, raw)| addressed_to(raw, to) && raw.contains("application/pdf"))
        .collect();
    messages.sort_by_key(|(modified, _)| *modified);
    let (_, raw) = messages.pop()?;
    let raw = raw.replace("\r\n", "\n");
    let headers = raw.split_once("\n\n")?.0.to_owned();
    // The part's headers start after its boundary line, in whatever order lettre wrote them.
    let content_type = raw.find("Content-Type: application/pdf")?;
    let boundary = raw[..content_type].rfind("\n--")? + 1;
    let part = raw[boundary..].split_once('\n')?.1;
    let (part_headers, body) = part.split_once("\n\n")?;
    let name = part_headers
        .split("filename=")
        .nth(1)?
        .split(['\n', ';'])
        .next()?
        .trim()
        .trim_matches('"')
        .to_owned();
    let body = body.split("\n--").next()?;
    Some((headers, name, base64_bytes(body)))
}

/// The invitation token in an invitation email.
pub fn invitation_token(text: &str) -> String {
    let start = text.find("duely_inv_").expect("an invitation link");
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

#[test]
fn quoted_printable_and_base64_bodies_decode() {
    assert_eq!(
        quoted_printable("a long =\nline =3D ok"),
        "a long line = ok"
    );
    assert_eq!(base64("5L2g5aW9"), "你好");
}

/// A PDF's text as a person copying it from a viewer would get it: Debian's `pdftotext`
/// (poppler-utils, which `infra/test.sh` installs).
pub fn pdf_text(pdf: &[u8]) -> String {
    use std::io::Write;
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let mut child = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-layout", "-", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("pdftotext (Debian's poppler-utils; infra/test.sh installs it)");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "pdftotext could not read the PDF");
    String::from_utf8(output.stdout).unwrap()
}
