//! PDF documents (A4) drawn through krilla: text in one embedded, subset font ([`fonts`]), so
//! any viewer shows the same characters (Chinese, Latin, and names outside the Basic
//! Multilingual Plane such as 𠮷); long text wraps instead of being cut; streams are
//! compressed. Documents lay out [`Page`]s of positioned text and rules with the helpers here
//! (y counts up from the bottom edge, as in PDF), then [`assemble`] writes the file. Rendering
//! is CPU work: async callers go through [`render_off_thread`].

pub mod fonts;
pub mod letterhead;

use crate::error::AppError;
use domain::reason::Reason;

pub const PAGE_WIDTH: f32 = 595.0;
pub const PAGE_HEIGHT: f32 = 842.0;
pub const MARGIN: f32 = 48.0;
pub const ROW: f32 = 15.0;

#[derive(Debug, Clone, thiserror::Error)]
pub enum PdfError {
    #[error("the PDF font {path} cannot be used: {detail}")]
    FontMissing { path: String, detail: String },
    #[error("the PDF could not be written: {0}")]
    Render(String),
}

impl From<PdfError> for AppError {
    fn from(error: PdfError) -> Self {
        match error {
            PdfError::FontMissing { .. } => {
                tracing::error!(error = %error, "documents cannot be printed");
                AppError::refused(Reason::PdfFontMissing {})
            }
            PdfError::Render(_) => AppError::Internal(anyhow::Error::new(error)),
        }
    }
}

/// Runs `render` on the blocking pool: laying out and subsetting a font take CPU time an async
/// thread must not spend.
pub async fn render_off_thread<F, T>(render: F) -> Result<T, AppError>
where
    F: FnOnce() -> Result<T, PdfError> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(render)
        .await
        .map_err(|error| AppError::Internal(anyhow::Error::new(error)))?
        .map_err(AppError::from)
}

/// Groups thousands: `1234567.50` is `1,234,567.50` (the web app's and emails' rule).
pub fn amount(text: &str) -> String {
    domain::display::grouped(text)
}

/// What a page holds, in the order it is drawn.
#[derive(Debug, Clone, PartialEq)]
enum Mark {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        text: String,
    },
    Rule {
        y: f32,
    },
    /// An image (a logo) whose top left corner is at (`x`, `top`).
    Image {
        x: f32,
        top: f32,
        width: f32,
        height: f32,
        picture: Picture,
    },
}

/// A PNG or JPEG image to print, shared by every page that shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    bytes: std::sync::Arc<Vec<u8>>,
    png: bool,
}

impl Picture {
    /// The image, when it decodes as the format it claims; `None` for anything else.
    pub fn new(bytes: Vec<u8>, format: domain::company_profile::LogoFormat) -> Option<Picture> {
        let picture = Picture {
            bytes: std::sync::Arc::new(bytes),
            png: format == domain::company_profile::LogoFormat::Png,
        };
        picture.image().map(|_| picture)
    }

    fn image(&self) -> Option<krilla::image::Image> {
        let data = krilla::Data::from(self.bytes.clone());
        let image = if self.png {
            krilla::image::Image::from_png(data, true)
        } else {
            krilla::image::Image::from_jpeg(data, true)
        };
        image.ok().filter(|image| {
            let (width, height) = image.size();
            width > 0 && height > 0
        })
    }

    /// Width over height.
    fn aspect(&self) -> f32 {
        self.image()
            .map(|image| {
                let (width, height) = image.size();
                width as f32 / height as f32
            })
            .unwrap_or(1.0)
    }
}

/// Whether a PDF can be written with the image in it: its header is the format's and its
/// pixels decode. CPU work, for the blocking pool.
pub fn picture_prints(bytes: Vec<u8>, format: domain::company_profile::LogoFormat) -> bool {
    let Some(picture) = Picture::new(bytes, format) else {
        return false;
    };
    let Some((width, height)) = picture.image().map(|image| image.size()) else {
        return false;
    };
    // Bounds the memory decoding takes: a letterhead logo is far smaller.
    if width > 4_000 || height > 4_000 {
        return false;
    }
    let mut document = krilla::Document::new();
    let Some(settings) = krilla::page::PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT) else {
        return false;
    };
    let mut page = document.start_page_with(settings);
    let mut surface = page.surface();
    if let (Some(image), Some(size)) = (picture.image(), krilla::geom::Size::from_wh(100.0, 100.0))
    {
        surface.draw_image(image, size);
    }
    surface.finish();
    page.finish();
    document.finish().is_ok()
}

/// Draws `picture` with its top left corner at (`x`, `top`), as large as fits in `max_width`
/// by `max_height` with its proportions kept; returns the width it took.
pub fn picture(
    page: &mut Page,
    x: f32,
    top: f32,
    max_width: f32,
    max_height: f32,
    picture: &Picture,
) -> f32 {
    let aspect = picture.aspect();
    let (width, height) = if max_width / max_height > aspect {
        (max_height * aspect, max_height)
    } else {
        (max_width, max_width / aspect)
    };
    page.marks.push(Mark::Image {
        x,
        top,
        width,
        height,
        picture: picture.clone(),
    });
    width
}

#[derive(Debug, Default, Clone)]
pub struct Page {
    marks: Vec<Mark>,
}

/// The width of `value` at `size` in the documents' font.
pub fn width(value: &str, size: f32, bold: bool) -> f32 {
    match fonts::get() {
        Ok(fonts) => fonts.face(bold).width(value, size),
        Err(_) => fonts::estimate(value, size),
    }
}

/// Draws `value` with its baseline starting at (`x`, `y`).
pub fn text(page: &mut Page, x: f32, y: f32, size: f32, bold: bool, value: &str) {
    if value.is_empty() {
        return;
    }
    page.marks.push(Mark::Text {
        x,
        y,
        size,
        bold,
        text: value.to_owned(),
    });
}

/// Draws `value` ending at `right_edge`.
pub fn right(page: &mut Page, right_edge: f32, y: f32, size: f32, bold: bool, value: &str) {
    text(
        page,
        right_edge - width(value, size, bold),
        y,
        size,
        bold,
        value,
    );
}

/// A light rule across the page between the margins.
pub fn rule(page: &mut Page, y: f32) {
    page.marks.push(Mark::Rule { y });
}

/// `value` broken into lines no wider than `max_width`: at the places Unicode allows (between
/// words, between CJK characters, after hyphens; UAX #14), at its line breaks, and inside a
/// word only when the word alone is wider than a line.
pub fn wrap(value: &str, max_width: f32, size: f32, bold: bool) -> Vec<String> {
    let measure = |text: &str| width(text, size, bold);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_width = 0.0;
    let mut start = 0;
    for (end, opportunity) in unicode_linebreak::linebreaks(value) {
        let segment = &value[start..end];
        start = end;
        let ink = measure(segment.trim_end());
        if !line.is_empty() && line_width + ink > max_width {
            lines.push(line.trim_end().to_owned());
            line.clear();
            line_width = 0.0;
        }
        line.push_str(segment);
        line_width += measure(segment);
        // A word wider than a whole line: cut it where it fills the line.
        while measure(line.trim_end()) > max_width && line.trim_end().chars().count() > 1 {
            let mut head = String::new();
            for c in line.chars() {
                if !head.is_empty() && measure(&format!("{head}{c}")) > max_width {
                    break;
                }
                head.push(c);
            }
            line = line[head.len()..].to_owned();
            line_width = measure(&line);
            lines.push(head);
        }
        if opportunity == unicode_linebreak::BreakOpportunity::Mandatory {
            lines.push(line.trim_end().to_owned());
            line.clear();
            line_width = 0.0;
        }
    }
    if !line.trim_end().is_empty() {
        lines.push(line.trim_end().to_owned());
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

/// Pages being laid out top to bottom: the current page, those before it, and how far down
/// the current one is.
pub struct Layout {
    pages: Vec<Page>,
    pub page: Page,
    pub y: f32,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            pages: Vec::new(),
            page: Page::default(),
            y: PAGE_HEIGHT - MARGIN,
        }
    }
}

impl Layout {
    pub fn new_page(&mut self) {
        self.pages.push(std::mem::take(&mut self.page));
        self.y = PAGE_HEIGHT - MARGIN;
    }

    /// Starts a new page unless `height` points remain above the bottom margin (and the
    /// footer); returns whether it did.
    pub fn make_room(&mut self, height: f32) -> bool {
        if self.y - height < MARGIN + 10.0 {
            self.new_page();
            return true;
        }
        false
    }

    /// Wrapped `value` from (`x`, `y`) down, within `max_width`, `leading` points per line,
    /// running onto new pages; moves `y` below it.
    pub fn paragraph(&mut self, x: f32, max_width: f32, size: f32, bold: bool, value: &str) {
        let leading = size * 1.45;
        for line in wrap(value, max_width, size, bold) {
            self.make_room(leading);
            text(&mut self.page, x, self.y, size, bold, &line);
            self.y -= leading;
        }
    }

    /// The pages, each with "label n / count" at its foot.
    pub fn finish(mut self, page_label: &str) -> Vec<Page> {
        self.pages.push(self.page);
        number_pages(&mut self.pages, page_label);
        self.pages
    }
}

/// Writes "label n / count" at the foot of every page.
pub fn number_pages(pages: &mut [Page], label: &str) {
    let count = pages.len();
    for (index, page) in pages.iter_mut().enumerate() {
        let footer = format!("{label} {} / {count}", index + 1);
        right(
            page,
            PAGE_WIDTH - MARGIN,
            MARGIN - 20.0,
            8.0,
            false,
            &footer,
        );
    }
}

/// A column of a table: its heading, its width in points, and whether it holds amounts
/// (right-aligned, thousands grouped).
pub struct Column<'a> {
    pub heading: &'a str,
    pub width: f32,
    pub amount: bool,
}

/// A titled table for a document with several (an activity log, then the promises).
pub struct Section<'a> {
    pub heading: &'a str,
    pub columns: Vec<Column<'a>>,
    pub rows: Vec<Vec<String>>,
}

/// A document of tables: a title and subtitle, then each section with its column headings
/// repeated on every page it runs onto. Cells wrap within their column; a row taller than
/// what is left of a page continues on the next.
pub fn tables(
    title: &str,
    subtitle: &str,
    sections: &[Section<'_>],
    page_label: &str,
) -> Result<Vec<u8>, PdfError> {
    let mut layout = Layout::default();
    layout.paragraph(MARGIN, PAGE_WIDTH - 2.0 * MARGIN, 15.0, true, title);
    layout.paragraph(MARGIN, PAGE_WIDTH - 2.0 * MARGIN, 10.0, false, subtitle);
    layout.y -= ROW * 0.6;
    for section in sections {
        table(&mut layout, section, 7.5);
        layout.y -= ROW;
    }
    assemble(&layout.finish(page_label), title)
}

/// One section at `size` points: its heading (when not empty), then its rows under column
/// headings repeated on every page it runs onto.
pub fn table(layout: &mut Layout, section: &Section<'_>, size: f32) {
    let line_height = size * 1.35;
    let cell_lines = |cells: Vec<String>, bold: bool| -> Vec<Vec<String>> {
        cells
            .iter()
            .zip(&section.columns)
            .map(|(cell, column)| wrap(cell, column.width - 4.0, size, bold))
            .collect()
    };
    let headings = cell_lines(
        section
            .columns
            .iter()
            .map(|c| c.heading.to_owned())
            .collect(),
        true,
    );
    let header = |layout: &mut Layout| {
        draw_row(
            layout,
            &section.columns,
            &headings,
            (size, true),
            line_height,
            false,
        );
        rule(&mut layout.page, layout.y + line_height - 3.0);
        layout.y -= 3.0;
    };
    layout.make_room(ROW * 4.0);
    if !section.heading.is_empty() {
        text(
            &mut layout.page,
            MARGIN,
            layout.y,
            11.0,
            true,
            section.heading,
        );
        layout.y -= ROW * 1.3;
    }
    header(layout);
    for row in &section.rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&section.columns)
            .map(|(cell, column)| {
                if column.amount {
                    amount(cell)
                } else {
                    cell.clone()
                }
            })
            .collect();
        let lines = cell_lines(cells, false);
        let height = lines.iter().map(Vec::len).max().unwrap_or(1);
        for line in 0..height {
            if layout.make_room(line_height) {
                header(layout);
            }
            let at_line: Vec<Vec<String>> = lines
                .iter()
                .map(|cell| cell.get(line).cloned().into_iter().collect())
                .collect();
            draw_row(
                layout,
                &section.columns,
                &at_line,
                (size, false),
                line_height,
                true,
            );
        }
        layout.y -= 2.0;
    }
}

/// One line of a table row: each cell's `lines` (only the first is drawn when `one_line`),
/// amounts at their column's right edge.
fn draw_row(
    layout: &mut Layout,
    columns: &[Column<'_>],
    cells: &[Vec<String>],
    (size, bold): (f32, bool),
    line: f32,
    one_line: bool,
) {
    let height = if one_line {
        1
    } else {
        cells.iter().map(Vec::len).max().unwrap_or(1)
    };
    for index in 0..height {
        let mut x = MARGIN;
        for (cell, column) in cells.iter().zip(columns) {
            if let Some(value) = cell.get(index) {
                if column.amount {
                    right(
                        &mut layout.page,
                        x + column.width - 4.0,
                        layout.y,
                        size,
                        bold,
                        value,
                    );
                } else {
                    text(&mut layout.page, x, layout.y, size, bold, value);
                }
            }
            x += column.width;
        }
        layout.y -= line;
    }
}

/// The PDF file of `pages`, titled `title` in its metadata.
pub fn assemble(pages: &[Page], title: &str) -> Result<Vec<u8>, PdfError> {
    use krilla::geom::{PathBuilder, Point};
    use krilla::page::PageSettings;
    use krilla::paint::Stroke;
    use krilla::text::TextDirection;
    let fonts = fonts::get()?;
    let mut document = krilla::Document::new();
    document.set_metadata(
        krilla::metadata::Metadata::new()
            .title(title.to_owned())
            .producer("Duely".to_owned())
            .creator("Duely".to_owned()),
    );
    let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
        .ok_or_else(|| PdfError::Render("the page size".to_owned()))?;
    for content in pages {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for mark in &content.marks {
            match mark {
                Mark::Text {
                    x,
                    y,
                    size,
                    bold,
                    text,
                } => surface.draw_text(
                    Point::from_xy(*x, PAGE_HEIGHT - y),
                    fonts.face(*bold).font.clone(),
                    *size,
                    text,
                    false,
                    TextDirection::Auto,
                ),
                Mark::Rule { y } => {
                    let mut line = PathBuilder::new();
                    line.move_to(MARGIN, PAGE_HEIGHT - y);
                    line.line_to(PAGE_WIDTH - MARGIN, PAGE_HEIGHT - y);
                    if let Some(path) = line.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            paint: krilla::color::luma::Color::new(204).into(),
                            width: 0.5,
                            ..Stroke::default()
                        }));
                        surface.draw_path(&path);
                        surface.set_stroke(None);
                        surface.set_fill(Some(krilla::paint::Fill::default()));
                    }
                }
                Mark::Image {
                    x,
                    top,
                    width,
                    height,
                    picture,
                } => {
                    if let (Some(image), Some(size)) = (
                        picture.image(),
                        krilla::geom::Size::from_wh(*width, *height),
                    ) {
                        surface.push_transform(&krilla::geom::Transform::from_translate(
                            *x,
                            PAGE_HEIGHT - top,
                        ));
                        surface.draw_image(image, size);
                        surface.pop();
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|error| PdfError::Render(format!("{error:?}")))
}

/// What a PDF's text reads as, through Debian's `pdftotext` (poppler-utils): tests read back
/// what a document prints, as a person copying it from a viewer would.
#[cfg(test)]
pub fn extract_text(pdf: &[u8]) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("pdftotext (Debian's poppler-utils; infra/test.sh installs it)");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(rows: Vec<Vec<String>>) -> Vec<u8> {
        tables(
            "催收记录 Collection log",
            "𠮷野家（深圳）有限公司 · Acme",
            &[Section {
                heading: "Activities",
                columns: vec![
                    Column {
                        heading: "Customer",
                        width: 90.0,
                        amount: false,
                    },
                    Column {
                        heading: "Note",
                        width: 120.0,
                        amount: false,
                    },
                    Column {
                        heading: "Amount",
                        width: 80.0,
                        amount: true,
                    },
                ],
                rows,
            }],
            "Page",
        )
        .unwrap()
    }

    #[test]
    fn text_reads_back_whole_with_cjk_beyond_the_bmp_and_long_cells_wrapped_not_cut() {
        let note = "The customer promised to pay the remaining balance after the board meeting \
                    next Thursday, 客户承诺在下周四董事会之后支付剩余款项并提供银行回单作为凭证。";
        let pdf = log(vec![vec![
            "𠮷野家（深圳）有限公司".to_owned(),
            note.to_owned(),
            "1234567.50".to_owned(),
        ]]);
        let text = extract_text(&pdf);
        let joined: String = text.split_whitespace().collect();
        assert!(joined.contains("𠮷野家（深圳）有限公司"), "{text}");
        assert!(text.contains("1,234,567.50"), "{text}");
        let note_joined: String = note.split_whitespace().collect();
        assert!(
            joined.contains(&note_joined),
            "the whole note, wrapped: {text}"
        );
        assert!(!text.contains('…') && !text.contains("..."), "{text}");
        // Wrapped: the note spans several lines of the page.
        assert!(
            text.lines()
                .filter(|line| line.contains("customer")
                    || line.contains("meeting")
                    || line.contains("凭证"))
                .count()
                >= 2,
            "{text}"
        );
    }

    #[test]
    fn fonts_are_embedded_subsets_and_streams_are_compressed() {
        let pdf = log(vec![vec![
            "Acme".to_owned(),
            "对账".to_owned(),
            "1".to_owned(),
        ]]);
        assert!(pdf.starts_with(b"%PDF-"));
        let raw = String::from_utf8_lossy(&pdf);
        assert!(raw.contains("/FlateDecode"), "compressed streams");
        // The title is in the metadata; the page's own text is only in compressed streams.
        assert!(!raw.contains("Activities"), "no text in the clear");
        let mut child = std::process::Command::new("pdffonts")
            .arg("-")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("pdffonts (poppler-utils)");
        use std::io::Write;
        child.stdin.take().unwrap().write_all(&pdf).unwrap();
        let output = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
        let fonts: Vec<&str> = output.lines().skip(2).collect();
        assert!(!fonts.is_empty(), "{output}");
        for font in fonts {
            // name type encoding emb sub uni object ID
            let columns: Vec<&str> = font.split_whitespace().collect();
            let n = columns.len();
            assert_eq!(
                columns[n - 5..n - 2],
                ["yes", "yes", "yes"],
                "embedded, subset, with Unicode: {font}"
            );
        }
    }

    #[test]
    fn long_tables_run_onto_more_pages_with_their_headings_and_page_numbers() {
        let rows: Vec<Vec<String>> = (0..150)
            .map(|n| vec![format!("C-{n}"), "note".to_owned(), format!("{n}.00")])
            .collect();
        let text = extract_text(&log(rows));
        assert!(text.contains("Page 3 / 3"), "{text}");
        assert_eq!(
            text.matches("Customer").count(),
            3,
            "headings on every page: {text}"
        );
        assert!(text.contains("C-149"));
    }

    #[test]
    fn wrapping_breaks_between_words_and_cjk_characters_and_inside_words_only_when_they_are_too_long()
     {
        let lines = wrap(
            "alpha beta gamma delta",
            width("gamma delta", 10.0, false) + 1.0,
            10.0,
            false,
        );
        assert_eq!(lines, ["alpha beta", "gamma delta"]);
        let lines = wrap(
            "应收账款管理系统",
            width("应收账款", 10.0, false) + 1.0,
            10.0,
            false,
        );
        assert_eq!(lines, ["应收账款", "管理系统"]);
        let lines = wrap(
            "INV-0000000000000000000042",
            width("INV-00000", 10.0, false) + 0.5,
            10.0,
            false,
        );
        assert!(
            lines.len() > 1 && lines.concat() == "INV-0000000000000000000042",
            "{lines:?}"
        );
        assert_eq!(wrap("one\ntwo", 500.0, 10.0, false), ["one", "two"]);
        assert_eq!(wrap("", 500.0, 10.0, false), [""]);
    }

    #[test]
    fn amounts_group_thousands() {
        assert_eq!(amount("1234567.50"), "1,234,567.50");
        assert_eq!(amount("-100.00"), "-100.00");
        assert_eq!(amount("999"), "999");
    }

    #[test]
    fn the_font_covers_names_beyond_the_basic_multilingual_plane() {
        let fonts = fonts::get().expect("Debian's fonts-noto-cjk (infra/test.sh installs it)");
        assert!(fonts.regular.covers('𠮷') && fonts.bold.covers('𠮷'));
        assert!(fonts.regular.covers('A') && fonts.regular.covers('账'));
    }
}
