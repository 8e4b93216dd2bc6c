//! What an uploaded file is, decided on its bytes once it is spooled to disk (blocking code:
//! run it on the blocking pool): its kind, with ZIP packages told by their entries; photos
//! rewritten without the metadata that can say where they were taken; its size and SHA-256.
//! Nothing here allocates by a length the file declares: a photo is read whole (at most
//! 20 MiB) and every offset is checked against it.

use axum::body::Bytes;
use domain::attachments::{FileKind, SNIFF_BYTES, Sniffed, package_kind, sniff};
use img_parts::{ImageEXIF, jpeg::Jpeg, png::Png, webp::WebP};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// A file found acceptable, as it will be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspected {
    pub kind: FileKind,
    pub size: u64,
    pub sha256: String,
    /// A photo's metadata (where its location would be) was taken out.
    pub metadata_removed: bool,
}

/// Why a file is refused.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("the file is empty")]
    Empty,
    #[error("the file is not of an accepted kind")]
    NotAccepted,
    #[error("the photo's metadata cannot be read")]
    PhotoUnreadable,
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// Inspects the spooled file at `path`, rewriting it in place when it is a photo.
pub fn inspect(path: &Path) -> Result<Inspected, Refused> {
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    File::open(path)?
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)?;
    if head.is_empty() {
        return Err(Refused::Empty);
    }
    let kind = match sniff(&head) {
        Sniffed::Kind(kind) => kind,
        Sniffed::Package => package_of(path)?,
        Sniffed::Unknown => return Err(Refused::NotAccepted),
    };
    let metadata_removed = if kind.is_photo() {
        let original = Bytes::from(std::fs::read(path)?);
        let (cleaned, removed) = without_metadata(kind, original)?;
        if removed {
            std::fs::write(path, &cleaned)?;
        }
        removed
    } else {
        false
    };
    let (size, sha256) = digest(path)?;
    Ok(Inspected {
        kind,
        size,
        sha256,
        metadata_removed,
    })
}

/// A ZIP package's kind by its entries (its central directory, read from the end of the file).
fn package_of(path: &Path) -> Result<FileKind, Refused> {
    let archive = zip::ZipArchive::new(File::open(path)?).map_err(|_| Refused::NotAccepted)?;
    let names: Vec<String> = archive
        .file_names()
        .map(|name| name.map(|name| name.into_owned()))
        .collect::<Result<_, _>>()
        .map_err(|_| Refused::NotAccepted)?;
    package_kind(names.iter().map(String::as_str)).ok_or(Refused::NotAccepted)
}

/// The file's size and SHA-256 (hex), read a block at a time.
fn digest(path: &Path) -> io::Result<(u64, String)> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut block = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let read = file.read(&mut block)?;
        if read == 0 {
            break;
        }
        hasher.update(&block[..read]);
        size += read as u64;
    }
    Ok((size, hex::encode(hasher.finalize())))
}

/// JPEG segments kept besides the image's own: JFIF (APP0), the colour profile (APP2
/// `ICC_PROFILE`) and Adobe's colour transform (APP14). Every other APPn (EXIF, XMP, MPF,
/// IPTC, C2PA, vendors') and comments go.
const JPEG_APP0: u8 = 0xE0;
const JPEG_APP2: u8 = 0xE2;
const JPEG_APP14: u8 = 0xEE;
const JPEG_COM: u8 = 0xFE;
const JPEG_SOS: u8 = 0xDA;

fn jpeg_segment_kept(marker: u8, contents: &[u8]) -> bool {
    match marker {
        JPEG_APP0 | JPEG_APP14 => true,
        JPEG_APP2 => contents.starts_with(b"ICC_PROFILE\0"),
        0xE1..=0xEF | JPEG_COM => false,
        _ => true,
    }
}

/// Where the primary image ends in what follows its first scan header: just after its EOI,
/// walking the scans and the segments between them (a progressive JPEG's tables). What comes
/// after (a phone's second image with EXIF of its own, a vendor's trailer) is not the photo.
fn primary_image_end(entropy: &[u8]) -> Option<usize> {
    let mut at = 0usize;
    while at + 1 < entropy.len() {
        if entropy[at] != 0xFF {
            at += 1;
            continue;
        }
        match entropy[at + 1] {
            // Stuffing, restart markers and fill bytes belong to the scan.
            0x00 | 0xD0..=0xD7 | 0xFF => at += 1,
            0xD9 => return Some(at + 2),
            _ => {
                let length = entropy.get(at + 2..at + 4)?;
                let length = usize::from(u16::from_be_bytes([length[0], length[1]]));
                at = at.checked_add(2 + length)?;
            }
        }
    }
    None
}

/// A photo without its metadata, and whether there was any. EXIF and XMP are where GPS
/// coordinates live; only the orientation is written back, so a phone photo still shows
/// upright. HEIC keeps its orientation outside EXIF.
pub fn without_metadata(kind: FileKind, bytes: Bytes) -> Result<(Vec<u8>, bool), Refused> {
    let unreadable = |_| Refused::PhotoUnreadable;
    match kind {
        FileKind::Jpeg => {
            let original_length = bytes.len();
            let mut jpeg = Jpeg::from_bytes(bytes).map_err(unreadable)?;
            let orientation = jpeg.exif().and_then(|exif| orientation(&exif));
            let before = jpeg.segments().len();
            jpeg.segments_mut()
                .retain(|segment| jpeg_segment_kept(segment.marker(), segment.contents()));
            let mut removed = jpeg.segments().len() != before;
            if let Some(scan) = jpeg.segments_mut().last_mut()
                && scan.marker() == JPEG_SOS
            {
                let entropy = scan.clone().encoder().bytes().slice(scan.len()..);
                if let Some(end) = primary_image_end(&entropy)
                    && end < entropy.len()
                {
                    *scan = img_parts::jpeg::JpegSegment::new_with_entropy(
                        JPEG_SOS,
                        scan.contents().clone(),
                        entropy.slice(..end),
                    );
                    removed = true;
                }
            }
            jpeg.set_exif(orientation.map(orientation_only));
            let cleaned = jpeg.encoder().bytes().to_vec();
            Ok((cleaned.clone(), removed || cleaned.len() != original_length))
        }
        FileKind::Png => {
            let mut png = Png::from_bytes(bytes).map_err(unreadable)?;
            let orientation = png.exif().and_then(|exif| orientation(&exif));
            let before = png.chunks().len();
            // eXIf, and the text chunks tools put EXIF and XMP in.
            for kind in [*b"eXIf", *b"tEXt", *b"zTXt", *b"iTXt"] {
                png.remove_chunks_by_type(kind);
            }
            let removed = png.chunks().len() != before;
            png.set_exif(orientation.map(orientation_only));
            Ok((png.encoder().bytes().to_vec(), removed))
        }
        FileKind::Webp => {
            let mut webp = WebP::from_bytes(bytes).map_err(unreadable)?;
            let orientation = webp.exif().and_then(|exif| orientation(&exif));
            let removed = webp.has_chunk(*b"EXIF") || webp.has_chunk(*b"XMP ");
            webp.set_exif(None);
            webp.remove_chunks_by_id(*b"EXIF");
            webp.remove_chunks_by_id(*b"XMP ");
            webp.set_exif(orientation.map(orientation_only));
            Ok((webp.encoder().bytes().to_vec(), removed))
        }
        FileKind::Heic => {
            let mut buffer = bytes.to_vec();
            let removed =
                super::heif::blank_metadata(&mut buffer).ok_or(Refused::PhotoUnreadable)?;
            Ok((buffer, removed))
        }
        _ => Ok((bytes.to_vec(), false)),
    }
}

/// The EXIF orientation (1 to 8) of a TIFF-structured EXIF block, when it says one.
fn orientation(exif: &[u8]) -> Option<u16> {
    let parsed = exif::Reader::new().read_raw(exif.to_vec()).ok()?;
    let value = parsed
        .get_field(exif::Tag::Orientation, exif::In::PRIMARY)?
        .value
        .get_uint(0)?;
    u16::try_from(value)
        .ok()
        .filter(|value| (2..=8).contains(value))
}

/// An EXIF block holding the orientation alone: a big-endian TIFF header and one IFD with one
/// SHORT entry (tag 0x0112), 26 bytes. Written by hand: nothing to choose but the value.
fn orientation_only(orientation: u16) -> Bytes {
    let mut tiff = Vec::with_capacity(26);
    tiff.extend_from_slice(b"MM\0\x2A");
    tiff.extend_from_slice(&8u32.to_be_bytes());
    tiff.extend_from_slice(&1u16.to_be_bytes());
    tiff.extend_from_slice(&0x0112u16.to_be_bytes());
    tiff.extend_from_slice(&3u16.to_be_bytes());
    tiff.extend_from_slice(&1u32.to_be_bytes());
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&0u32.to_be_bytes());
    Bytes::from(tiff)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An EXIF block with an orientation and a GPS IFD holding a latitude reference.
    fn exif_with_gps(orientation: u16) -> Vec<u8> {
        let mut tiff = Vec::new();
        tiff.extend_from_slice(b"MM\0\x2A");
        tiff.extend_from_slice(&8u32.to_be_bytes());
        // IFD0 at 8: two entries (orientation, GPS IFD pointer), then next = 0.
        tiff.extend_from_slice(&2u16.to_be_bytes());
        tiff.extend_from_slice(&0x0112u16.to_be_bytes());
        tiff.extend_from_slice(&3u16.to_be_bytes());
        tiff.extend_from_slice(&1u32.to_be_bytes());
        tiff.extend_from_slice(&orientation.to_be_bytes());
        tiff.extend_from_slice(&[0, 0]);
        tiff.extend_from_slice(&0x8825u16.to_be_bytes());
        tiff.extend_from_slice(&4u16.to_be_bytes());
        tiff.extend_from_slice(&1u32.to_be_bytes());
        tiff.extend_from_slice(&38u32.to_be_bytes());
        tiff.extend_from_slice(&0u32.to_be_bytes());
        // GPS IFD at 38: one entry, GPSLatitudeRef = "N".
        tiff.extend_from_slice(&1u16.to_be_bytes());
        tiff.extend_from_slice(&0x0001u16.to_be_bytes());
        tiff.extend_from_slice(&2u16.to_be_bytes());
        tiff.extend_from_slice(&2u32.to_be_bytes());
        tiff.extend_from_slice(b"N\0\0\0");
        tiff.extend_from_slice(&0u32.to_be_bytes());
        tiff
    }

    /// The smallest JPEG img-parts reads: SOI, an APP1 with `exif`, a scan, EOI.
    fn jpeg_with_exif(exif: &[u8]) -> Bytes {
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE1];
        let length = u16::try_from(exif.len() + 8).unwrap_or(u16::MAX);
        jpeg.extend_from_slice(&length.to_be_bytes());
        jpeg.extend_from_slice(b"Exif\0\0");
        jpeg.extend_from_slice(exif);
        jpeg.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02, 0x12, 0x34, 0xFF, 0xD9]);
        Bytes::from(jpeg)
    }

    #[test]
    fn a_photo_loses_its_location_and_keeps_its_orientation() {
        let exif = exif_with_gps(6);
        assert_eq!(orientation(&exif), Some(6));
        let (cleaned, removed) = without_metadata(FileKind::Jpeg, jpeg_with_exif(&exif)).unwrap();
        assert!(removed);
        let jpeg = Jpeg::from_bytes(Bytes::from(cleaned)).unwrap();
        let kept = jpeg.exif().map(|exif| exif.to_vec()).unwrap_or_default();
        assert_eq!(orientation(&kept), Some(6));
        let parsed = exif::Reader::new().read_raw(kept).ok();
        let gps = parsed
            .as_ref()
            .and_then(|exif| exif.get_field(exif::Tag::GPSLatitudeRef, exif::In::PRIMARY));
        assert!(gps.is_none(), "no GPS field is left");
        assert!(
            !jpeg
                .segments()
                .iter()
                .any(|s| s.contents().windows(4).any(|w| w == b"N\0\0\0"))
        );
    }

    #[test]
    fn what_follows_the_photo_goes_with_its_own_location() {
        // A phone's second image (MPF) after the first one's end, with EXIF of its own.
        let mut photo = jpeg_with_exif(&exif_with_gps(1)).to_vec();
        let first_end = photo.len();
        photo.extend_from_slice(&jpeg_with_exif(&exif_with_gps(3)));
        let (cleaned, removed) = without_metadata(FileKind::Jpeg, Bytes::from(photo)).unwrap();
        assert!(removed);
        assert!(cleaned.ends_with(&[0xFF, 0xD9]));
        assert!(cleaned.len() < first_end, "{} bytes", cleaned.len());
        assert!(!cleaned.windows(4).any(|w| w == b"N\0\0\0"));
        assert!(!cleaned.windows(4).any(|w| w == b"Exif"));
    }

    #[test]
    fn an_upright_photo_keeps_no_metadata_at_all() {
        let (cleaned, removed) =
            without_metadata(FileKind::Jpeg, jpeg_with_exif(&exif_with_gps(1))).unwrap();
        assert!(removed);
        assert!(
            Jpeg::from_bytes(Bytes::from(cleaned))
                .unwrap()
                .exif()
                .is_none()
        );
    }

    #[test]
    fn a_broken_photo_is_refused_not_stored_with_its_location() {
        let broken = Bytes::from_static(&[0xFF, 0xD8, 0xFF, 0xE1, 0xFF]);
        assert!(matches!(
            without_metadata(FileKind::Jpeg, broken),
            Err(Refused::PhotoUnreadable)
        ));
    }
}
