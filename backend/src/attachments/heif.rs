//! Blanking a HEIC photo's metadata items (EXIF, and XMP stored as an `application/rdf+xml`
//! item) in place: the item table (`iinf`) says which items they are, the location table
//! (`iloc`) where their bytes lie; those bytes are overwritten with zeros, so no offset in the
//! file moves and the image stays as it was. Written by hand: the one maintained HEIF
//! metadata writer (little_exif) allocates by lengths the file declares, which a crafted
//! photo can make abort the server. Every number read here is checked against the buffer.

/// A box: its type and where its payload lies in the buffer.
struct Box4 {
    kind: [u8; 4],
    body: std::ops::Range<usize>,
}

fn read_uint(data: &[u8], at: usize, size: usize) -> Option<u64> {
    let bytes = data.get(at..at.checked_add(size)?)?;
    Some(
        bytes
            .iter()
            .fold(0u64, |value, byte| (value << 8) | u64::from(*byte)),
    )
}

/// The boxes in `data[range]`, in order; `None` when one's size does not fit.
fn boxes(data: &[u8], range: std::ops::Range<usize>) -> Option<Vec<Box4>> {
    let mut found = Vec::new();
    let mut at = range.start;
    while at < range.end {
        let size = read_uint(data, at, 4)?;
        let kind: [u8; 4] = data.get(at + 4..at + 8)?.try_into().ok()?;
        let (header, size) = match size {
            1 => (16usize, usize::try_from(read_uint(data, at + 8, 8)?).ok()?),
            0 => (8, range.end - at),
            size => (8, usize::try_from(size).ok()?),
        };
        let end = at.checked_add(size)?;
        if size < header || end > range.end {
            return None;
        }
        found.push(Box4 {
            kind,
            body: at + header..end,
        });
        at = end;
    }
    Some(found)
}

/// A NUL-terminated string at `at`, and where it ends.
fn c_string(data: &[u8], at: usize, end: usize) -> Option<(&[u8], usize)> {
    let tail = data.get(at..end)?;
    let length = tail
        .iter()
        .position(|byte| *byte == 0)
        .unwrap_or(tail.len());
    Some((&tail[..length], at + length + 1))
}

/// The ids of the metadata items the item table lists.
fn metadata_items(data: &[u8], iinf: &Box4) -> Option<Vec<u32>> {
    let version = *data.get(iinf.body.start)?;
    let entries_at = iinf.body.start + 4 + if version == 0 { 2 } else { 4 };
    let mut items = Vec::new();
    for infe in boxes(data, entries_at..iinf.body.end)? {
        if &infe.kind != b"infe" {
            continue;
        }
        let start = infe.body.start;
        let version = *data.get(start)?;
        if version < 2 {
            continue;
        }
        let (id, after_id) = if version == 2 {
            (read_uint(data, start + 4, 2)?, start + 6)
        } else {
            (read_uint(data, start + 4, 4)?, start + 8)
        };
        let item_type = data.get(after_id + 2..after_id + 6)?;
        let metadata = match item_type {
            b"Exif" => true,
            b"mime" => {
                let (_name, after_name) = c_string(data, after_id + 6, infe.body.end)?;
                let (content_type, _) = c_string(data, after_name, infe.body.end)?;
                let content_type = String::from_utf8_lossy(content_type).to_ascii_lowercase();
                content_type.contains("xmp") || content_type.contains("rdf+xml")
            }
            _ => false,
        };
        if metadata {
            items.push(u32::try_from(id).ok()?);
        }
    }
    Some(items)
}

/// The byte ranges of `items` by the location table; `idat` is where construction method 1
/// counts from.
fn item_extents(
    data: &[u8],
    iloc: &Box4,
    items: &[u32],
    idat: Option<usize>,
) -> Option<Vec<std::ops::Range<usize>>> {
    let start = iloc.body.start;
    let version = *data.get(start)?;
    let sizes = *data.get(start + 4)?;
    let more = *data.get(start + 5)?;
    let (offset_size, length_size) = (usize::from(sizes >> 4), usize::from(sizes & 0x0F));
    let base_offset_size = usize::from(more >> 4);
    let index_size = if version >= 1 {
        usize::from(more & 0x0F)
    } else {
        0
    };
    let (count, mut at) = if version < 2 {
        (read_uint(data, start + 6, 2)?, start + 8)
    } else {
        (read_uint(data, start + 6, 4)?, start + 10)
    };
    let mut ranges = Vec::new();
    for _ in 0..count {
        let id_size = if version < 2 { 2 } else { 4 };
        let id = u32::try_from(read_uint(data, at, id_size)?).ok()?;
        at += id_size;
        let method = if version >= 1 {
            let method = read_uint(data, at, 2)? & 0x0F;
            at += 2;
            method
        } else {
            0
        };
        at += 2; // data_reference_index
        let base = read_uint(data, at, base_offset_size)?;
        at += base_offset_size;
        let extents = read_uint(data, at, 2)?;
        at += 2;
        for _ in 0..extents {
            at += index_size;
            let offset = read_uint(data, at, offset_size)?;
            at += offset_size;
            let length = read_uint(data, at, length_size)?;
            at += length_size;
            if at > iloc.body.end {
                return None;
            }
            if !items.contains(&id) {
                continue;
            }
            let origin = match method {
                0 => 0,
                1 => idat?,
                // An item built from other items holds no bytes of its own.
                _ => return None,
            };
            let from = usize::try_from(base.checked_add(offset)?)
                .ok()?
                .checked_add(origin)?;
            let length = usize::try_from(length).ok()?;
            // A length of zero means "to the end": of the file, or of idat.
            let to = if length == 0 {
                data.len()
            } else {
                from.checked_add(length)?
            };
            if to > data.len() || from > to {
                return None;
            }
            ranges.push(from..to);
        }
    }
    Some(ranges)
}

/// Zeroes the EXIF and XMP items of a HEIF file. `Some(true)` when there were some, `Some(false)`
/// when there were none, `None` when the file's structure cannot be read (refuse the photo).
pub fn blank_metadata(data: &mut [u8]) -> Option<bool> {
    let top = boxes(data, 0..data.len())?;
    let meta = top.iter().find(|found| &found.kind == b"meta")?;
    // `meta` is a full box: version and flags come first.
    let children = boxes(data, meta.body.start + 4..meta.body.end)?;
    let Some(iinf) = children.iter().find(|found| &found.kind == b"iinf") else {
        return Some(false);
    };
    let items = metadata_items(data, iinf)?;
    if items.is_empty() {
        return Some(false);
    }
    let iloc = children.iter().find(|found| &found.kind == b"iloc")?;
    let idat = children
        .iter()
        .find(|found| &found.kind == b"idat")
        .map(|found| found.body.start);
    let ranges = item_extents(data, iloc, &items, idat)?;
    for range in &ranges {
        data[range.clone()].fill(0);
    }
    Some(!ranges.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full_box(kind: &[u8; 4], version: u8, body: &[u8]) -> Vec<u8> {
        let mut boxed = u32::try_from(body.len() + 12)
            .unwrap()
            .to_be_bytes()
            .to_vec();
        boxed.extend_from_slice(kind);
        boxed.extend_from_slice(&[version, 0, 0, 0]);
        boxed.extend_from_slice(body);
        boxed
    }

    fn plain_box(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut boxed = u32::try_from(body.len() + 8)
            .unwrap()
            .to_be_bytes()
            .to_vec();
        boxed.extend_from_slice(kind);
        boxed.extend_from_slice(body);
        boxed
    }

    fn infe(id: u16, kind: &[u8; 4], extra: &[u8]) -> Vec<u8> {
        let mut body = id.to_be_bytes().to_vec();
        body.extend_from_slice(&[0, 0]);
        body.extend_from_slice(kind);
        body.extend_from_slice(b"\0");
        body.extend_from_slice(extra);
        full_box(b"infe", 2, &body)
    }

    /// A HEIC with an image item (1), an EXIF item (2) and an XMP item (3) in `mdat`.
    fn heic() -> (
        Vec<u8>,
        std::ops::Range<usize>,
        std::ops::Range<usize>,
        std::ops::Range<usize>,
    ) {
        let ftyp = plain_box(b"ftyp", b"heic\0\0\0\0mif1heic");
        let mut iinf_body = 3u16.to_be_bytes().to_vec();
        iinf_body.extend(infe(1, b"hvc1", b""));
        iinf_body.extend(infe(2, b"Exif", b""));
        iinf_body.extend(infe(3, b"mime", b"application/rdf+xml\0"));
        let iinf = full_box(b"iinf", 0, &iinf_body);
        let payloads: [&[u8]; 3] = [
            b"IMAGEDATA",
            b"\0\0\0\0MM\0*GPS-N-24.5",
            b"<x:xmpmeta>lat</x:xmpmeta>",
        ];
        // The iloc's size is fixed whatever the offsets: compute it with zeros first.
        let iloc_for = |offsets: [u32; 3]| {
            let mut body = vec![0x44, 0x00];
            body.extend_from_slice(&3u16.to_be_bytes());
            for (n, payload) in payloads.iter().enumerate() {
                body.extend_from_slice(&u16::try_from(n + 1).unwrap().to_be_bytes());
                body.extend_from_slice(&[0, 0]);
                body.extend_from_slice(&1u16.to_be_bytes());
                body.extend_from_slice(&offsets[n].to_be_bytes());
                body.extend_from_slice(&u32::try_from(payload.len()).unwrap().to_be_bytes());
            }
            full_box(b"iloc", 0, &body)
        };
        let meta_len = 12 + iinf.len() + iloc_for([0; 3]).len();
        let mdat_start = ftyp.len() + meta_len + 8;
        let mut offsets = [0u32; 3];
        let mut at = mdat_start;
        let mut ranges = Vec::new();
        for (n, payload) in payloads.iter().enumerate() {
            offsets[n] = u32::try_from(at).unwrap();
            ranges.push(at..at + payload.len());
            at += payload.len();
        }
        let mut meta_body = iinf.clone();
        meta_body.extend(iloc_for(offsets));
        let mut file = ftyp;
        file.extend(full_box(b"meta", 0, &meta_body));
        file.extend(plain_box(b"mdat", &payloads.concat()));
        (
            file,
            ranges[0].clone(),
            ranges[1].clone(),
            ranges[2].clone(),
        )
    }

    #[test]
    fn exif_and_xmp_items_are_zeroed_and_the_image_is_untouched() {
        let (mut file, image, exif, xmp) = heic();
        let length = file.len();
        assert_eq!(&file[exif.clone()][8..11], b"GPS");
        assert_eq!(blank_metadata(&mut file), Some(true));
        assert_eq!(file.len(), length);
        assert!(file[exif].iter().all(|byte| *byte == 0));
        assert!(file[xmp].iter().all(|byte| *byte == 0));
        assert_eq!(&file[image], b"IMAGEDATA");
    }

    #[test]
    fn a_lying_size_is_refused_not_followed() {
        let (mut file, _, exif, _) = heic();
        // The EXIF item's extent claims a terabyte.
        let needle = u32::try_from(exif.len()).unwrap().to_be_bytes();
        let at = file
            .windows(4)
            .rposition(|window| window == needle)
            .unwrap();
        file[at..at + 4].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(blank_metadata(&mut file), None);
        let mut truncated = file[..40].to_vec();
        assert_eq!(blank_metadata(&mut truncated), None);
    }
}
