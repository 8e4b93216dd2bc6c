//! The font documents print in: one open CJK family that also has Latin glyphs, Noto Sans CJK
//! SC from Debian's `fonts-noto-cjk` unless `DUELY_PDF_FONT` / `DUELY_PDF_FONT_BOLD` name
//! others (`path` or `path#face` for a collection). The files are read on the first document
//! (about 40 MB for both weights, kept for the process's life; a replica that never prints
//! never reads them), and each PDF embeds a subset of the glyphs it draws (krilla), so every
//! viewer shows the same text.

use super::PdfError;
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// Noto Sans CJK SC: face 2 of Debian's collections (JP, KR, SC, TC, HK).
pub const DEFAULT_REGULAR: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc#2";
pub const DEFAULT_BOLD: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc#2";

/// A font file and the face in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontFile {
    pub path: PathBuf,
    pub face: u32,
}

impl FontFile {
    /// `path` or `path#face`.
    pub fn parse(spec: &str) -> FontFile {
        match spec.rsplit_once('#') {
            Some((path, face)) if face.parse::<u32>().is_ok() => FontFile {
                path: PathBuf::from(path),
                face: face.parse().unwrap_or(0),
            },
            _ => FontFile {
                path: PathBuf::from(spec),
                face: 0,
            },
        }
    }
}

/// A loaded face: krilla's handle for drawing, and the mapped bytes for measuring.
pub struct Face {
    pub font: krilla::text::Font,
    data: Arc<Vec<u8>>,
    face: u32,
    units_per_em: f32,
}

impl Face {
    fn load(file: &FontFile) -> Result<Face, PdfError> {
        let missing = |detail: String| PdfError::FontMissing {
            path: file.path.display().to_string(),
            detail,
        };
        let data = Arc::new(std::fs::read(&file.path).map_err(|error| missing(error.to_string()))?);
        let font_ref = FontRef::from_index(data.as_ref(), file.face)
            .map_err(|error| missing(format!("face {}: {error}", file.face)))?;
        let units_per_em = f32::from(
            font_ref
                .metrics(Size::unscaled(), LocationRef::default())
                .units_per_em,
        );
        let shared: Arc<dyn AsRef<[u8]> + Send + Sync> = data.clone();
        let font = krilla::text::Font::new(shared.into(), file.face)
            .ok_or_else(|| missing(format!("face {} is not a font krilla reads", file.face)))?;
        Ok(Face {
            font,
            data,
            face: file.face,
            units_per_em,
        })
    }

    /// The advance of `text` at `size` points, glyph by glyph (CJK and Latin need no shaping
    /// to measure; kerning moves a line by less than a character).
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let Ok(font) = FontRef::from_index(self.data.as_ref(), self.face) else {
            return estimate(text, size);
        };
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
        let units: f32 = text
            .chars()
            .map(|c| {
                charmap
                    .map(c)
                    .and_then(|glyph| metrics.advance_width(glyph))
                    .unwrap_or(self.units_per_em)
            })
            .sum();
        units * size / self.units_per_em
    }

    /// Whether the face has a glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        FontRef::from_index(self.data.as_ref(), self.face)
            .is_ok_and(|font| font.charmap().map(c).is_some())
    }
}

/// Without a font: a full em for wide characters, about half for the rest.
pub fn estimate(text: &str, size: f32) -> f32 {
    text.chars()
        .map(|c| if (c as u32) < 0x1100 { 0.55 } else { 1.0 })
        .sum::<f32>()
        * size
}

pub struct Fonts {
    pub regular: Face,
    pub bold: Face,
}

impl Fonts {
    pub fn face(&self, bold: bool) -> &Face {
        if bold { &self.bold } else { &self.regular }
    }
}

static FONTS: OnceLock<Result<Fonts, PdfError>> = OnceLock::new();
static CONFIGURED: OnceLock<(FontFile, FontFile)> = OnceLock::new();

/// The files to use (from the configuration); the defaults when never called. The first call
/// wins: one process prints in one font.
pub fn configure(regular: Option<&str>, bold: Option<&str>) {
    let regular = FontFile::parse(regular.unwrap_or(DEFAULT_REGULAR));
    let bold = match bold {
        Some(bold) => FontFile::parse(bold),
        None if regular == FontFile::parse(DEFAULT_REGULAR) => FontFile::parse(DEFAULT_BOLD),
        None => regular.clone(),
    };
    let _ = CONFIGURED.set((regular, bold));
}

/// Whether the configured files are there, without reading them: for the server's start.
pub fn check() -> Result<(), PdfError> {
    let (regular, bold) = files();
    for file in [regular, bold] {
        std::fs::metadata(&file.path).map_err(|error| PdfError::FontMissing {
            path: file.path.display().to_string(),
            detail: error.to_string(),
        })?;
    }
    Ok(())
}

fn files() -> &'static (FontFile, FontFile) {
    CONFIGURED.get_or_init(|| {
        (
            FontFile::parse(DEFAULT_REGULAR),
            FontFile::parse(DEFAULT_BOLD),
        )
    })
}

/// The fonts, loaded on first use.
pub fn get() -> Result<&'static Fonts, PdfError> {
    FONTS
        .get_or_init(|| {
            let (regular, bold) = files();
            Ok(Fonts {
                regular: Face::load(regular)?,
                bold: Face::load(bold)?,
            })
        })
        .as_ref()
        .map_err(Clone::clone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_font_is_a_path_with_an_optional_face() {
        assert_eq!(
            FontFile::parse("/f/NotoSansCJK-Regular.ttc#2"),
            FontFile {
                path: PathBuf::from("/f/NotoSansCJK-Regular.ttc"),
                face: 2
            }
        );
        assert_eq!(FontFile::parse("/f/My#Font.otf").face, 0);
        assert_eq!(
            FontFile::parse("/f/My#Font.otf").path,
            PathBuf::from("/f/My#Font.otf")
        );
    }
}
