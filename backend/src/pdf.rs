//! PDF documents written directly (PDF 1.4, uncompressed, A4), with no font files: Latin text
//! uses the standard Helvetica, Chinese text the standard Adobe CJK font `STSong-Light`
//! (encoding `UniGB-UCS2-H`), which PDF readers supply themselves. A file is pure ASCII
//! (Chinese goes in hex strings), so it survives any text transport. Statements and reports
//! draw with these primitives.

use std::fmt::Write as _;

pub const PAGE_WIDTH: f32 = 595.0;
pub const PAGE_HEIGHT: f32 = 842.0;
pub const MARGIN: f32 = 48.0;
pub const ROW: f32 = 15.0;

/// Groups thousands: `1234567.50` is `1,234,567.50` (the web app's and emails' rule).
pub fn amount(text: &str) -> String {
    domain::display::grouped(text)
}

/// Helvetica's advance widths (per 1000 units of the font size) for printable ASCII, from
/// its standard metrics; Chinese characters are a full em.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space-/
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0-?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @-O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P-_
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // `-o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p-~
];

fn char_width(c: char, size: f32) -> f32 {
    let units = match c as u32 {
        code @ 32..=126 => f32::from(HELVETICA[(code - 32) as usize]),
        _ if c.is_ascii() => 278.0,
        _ => 1000.0,
    };
    units * size / 1000.0
}

pub fn helvetica_width(text: &str, size: f32) -> f32 {
    text.chars().map(|c| char_width(c, size)).sum()
}

/// Draws `value` at (`x`, `y`): runs of ASCII in Helvetica, the rest in STSong, each run
/// starting where the previous one ended.
pub fn text(out: &mut String, x: f32, y: f32, size: f32, bold: bool, value: &str) {
    let mut x = x;
    let mut run = String::new();
    let mut run_ascii = true;
    let flush = |out: &mut String, run: &str, ascii: bool, x: f32| {
        if run.is_empty() {
            return;
        }
        if ascii {
            let escaped = run
                .replace('\\', "\\\\")
                .replace('(', "\\(")
                .replace(')', "\\)");
            let font = if bold { "F2" } else { "F1" };
            let _ = writeln!(
                out,
                "BT /{font} {size} Tf {x:.1} {y:.1} Td ({escaped}) Tj ET"
            );
        } else {
            let mut hex = String::new();
            for unit in run.encode_utf16() {
                let _ = write!(hex, "{unit:04X}");
            }
            let _ = writeln!(out, "BT /F3 {size} Tf {x:.1} {y:.1} Td <{hex}> Tj ET");
        }
    };
    for c in value.chars() {
        let ascii = c.is_ascii();
        if ascii != run_ascii && !run.is_empty() {
            flush(out, &run, run_ascii, x);
            // Helvetica-Bold is about a tenth wider than the regular metrics.
            x += helvetica_width(&run, size) * if bold && run_ascii { 1.1 } else { 1.0 };
            run.clear();
        }
        run_ascii = ascii;
        run.push(c);
    }
    flush(out, &run, run_ascii, x);
}

pub fn right(out: &mut String, right_edge: f32, y: f32, size: f32, bold: bool, value: &str) {
    let width = helvetica_width(value, size);
    text(out, right_edge - width, y, size, bold, value);
}

pub fn rule(out: &mut String, y: f32) {
    let _ = writeln!(
        out,
        "0.8 G 0.5 w {MARGIN:.1} {y:.1} m {:.1} {y:.1} l S 0 G",
        PAGE_WIDTH - MARGIN
    );
}

/// Writes "label n / count" at the foot of every page.
pub fn number_pages(pages: &mut [String], label: &str) {
    let count = pages.len();
    for (index, content) in pages.iter_mut().enumerate() {
        let footer = format!("{label} {} / {count}", index + 1);
        right(
            content,
            PAGE_WIDTH - MARGIN,
            MARGIN - 20.0,
            8.0,
            false,
            &footer,
        );
    }
}

/// A column of a table: its heading, its width in points, and whether it holds amounts
/// (right-aligned).
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

/// `value` cut to fit `width` at `size`, with an ellipsis when cut.
fn fit(value: &str, width: f32, size: f32) -> String {
    if helvetica_width(value, size) <= width {
        return value.to_owned();
    }
    let mut out = String::new();
    for c in value.chars() {
        if helvetica_width(&out, size) + helvetica_width(&format!("{c}..."), size) > width {
            break;
        }
        out.push(c);
    }
    out.push_str("...");
    out
}

/// A document of tables on A4 pages: a title, a line under it, then each section with its
/// headings repeated on every page it runs onto. Cells too long for their column are cut.
pub fn tables(title: &str, subtitle: &str, sections: &[Section<'_>], page_label: &str) -> Vec<u8> {
    const SIZE: f32 = 7.5;
    let mut pages: Vec<String> = Vec::new();
    let mut page = String::new();
    let mut y = PAGE_HEIGHT - MARGIN;
    text(&mut page, MARGIN, y - 10.0, 15.0, true, title);
    text(&mut page, MARGIN, y - 28.0, 10.0, false, subtitle);
    y -= 50.0;
    for section in sections {
        let header = |page: &mut String, y: f32| {
            let mut x = MARGIN;
            for column in &section.columns {
                let heading = fit(column.heading, column.width - 4.0, SIZE);
                if column.amount {
                    right(page, x + column.width - 4.0, y, SIZE, true, &heading);
                } else {
                    text(page, x, y, SIZE, true, &heading);
                }
                x += column.width;
            }
            rule(page, y - 4.0);
        };
        if y < MARGIN + 80.0 {
            pages.push(std::mem::take(&mut page));
            y = PAGE_HEIGHT - MARGIN;
        }
        text(&mut page, MARGIN, y, 11.0, true, section.heading);
        y -= ROW * 1.3;
        header(&mut page, y);
        y -= ROW * 1.1;
        for row in &section.rows {
            if y < MARGIN + 30.0 {
                pages.push(std::mem::take(&mut page));
                y = PAGE_HEIGHT - MARGIN;
                header(&mut page, y);
                y -= ROW * 1.1;
            }
            let mut x = MARGIN;
            for (cell, column) in row.iter().zip(&section.columns) {
                let shown = fit(cell, column.width - 4.0, SIZE);
                if column.amount {
                    right(
                        &mut page,
                        x + column.width - 4.0,
                        y,
                        SIZE,
                        false,
                        &amount(&shown),
                    );
                } else {
                    text(&mut page, x, y, SIZE, false, &shown);
                }
                x += column.width;
            }
            y -= ROW * 0.9;
        }
        y -= ROW;
    }
    pages.push(page);
    number_pages(&mut pages, page_label);
    assemble(&pages)
}

/// The PDF file around the page contents: catalog, fonts, pages, cross-reference table.
pub fn assemble(pages: &[String]) -> Vec<u8> {
    let mut objects: Vec<String> = Vec::new();
    // 1 catalog, 2 pages, 3-7 fonts; then a page and its content per page.
    let first_page = 8;
    let kids: Vec<String> = (0..pages.len())
        .map(|index| format!("{} 0 R", first_page + index * 2))
        .collect();
    objects.push("<< /Type /Catalog /Pages 2 0 R >>".to_owned());
    objects.push(format!(
        "<< /Type /Pages /Kids [{}] /Count {} >>",
        kids.join(" "),
        pages.len()
    ));
    objects.push(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_owned(),
    );
    objects.push(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
            .to_owned(),
    );
    objects.push(
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>"
            .to_owned(),
    );
    objects.push(
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light \
         /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> \
         /FontDescriptor 7 0 R /DW 1000 /W [814 907 500 7712 7716 500] >>"
            .to_owned(),
    );
    objects.push(
        "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] \
         /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 626 /StemV 93 >>"
            .to_owned(),
    );
    for (index, content) in pages.iter().enumerate() {
        let content_ref = first_page + index * 2 + 1;
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] \
             /Resources << /Font << /F1 3 0 R /F2 4 0 R /F3 5 0 R >> >> /Contents {content_ref} 0 R >>"
        ));
        objects.push(format!(
            "<< /Length {} >>\nstream\n{content}endstream",
            content.len()
        ));
    }
    let mut out = String::from("%PDF-1.4\n");
    let mut offsets = Vec::with_capacity(objects.len());
    for (index, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        let _ = write!(out, "{} 0 obj\n{object}\nendobj\n", index + 1);
    }
    let xref = out.len();
    let _ = write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        let _ = writeln!(out, "{offset:010} 00000 n ");
    }
    let _ = write!(
        out,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    );
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_cells_are_cut_to_their_column_and_tables_run_onto_more_pages() {
        let cut = fit(
            "A very long note about the customer's payment habits",
            60.0,
            7.5,
        );
        assert!(
            cut.ends_with("...") && helvetica_width(&cut, 7.5) <= 60.0,
            "{cut}"
        );
        assert_eq!(fit("short", 60.0, 7.5), "short");
        let rows: Vec<Vec<String>> = (0..120)
            .map(|n| vec![format!("2026-01-{:02}", n % 28 + 1), format!("{n}.00")])
            .collect();
        let pdf = String::from_utf8(tables(
            "Log",
            "Acme",
            &[Section {
                heading: "Activities",
                columns: vec![
                    Column {
                        heading: "Date",
                        width: 80.0,
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
        ))
        .unwrap();
        assert!(pdf.contains("/Count 3"), "120 rows take three pages");
        assert!(pdf.contains("(Page 3 / 3)"));
    }

    #[test]
    fn amounts_group_thousands() {
        assert_eq!(amount("1234567.50"), "1,234,567.50");
        assert_eq!(amount("-100.00"), "-100.00");
        assert_eq!(amount("999"), "999");
    }

    #[test]
    fn chinese_goes_in_hex_and_latin_in_literals() {
        let mut out = String::new();
        text(&mut out, 10.0, 20.0, 9.0, false, "对账单");
        assert!(
            out.contains("/F3 9 Tf") && out.contains("<5BF98D265355>"),
            "{out}"
        );
        let mut out = String::new();
        text(&mut out, 10.0, 20.0, 9.0, true, "INV-(1)");
        assert!(
            out.contains("/F2 9 Tf") && out.contains("(INV-\\(1\\))"),
            "{out}"
        );
    }

    #[test]
    fn the_cross_reference_table_points_at_each_object() {
        let pdf = String::from_utf8(assemble(&["BT ET\n".to_owned()])).unwrap();
        let xref: usize = pdf
            .rsplit("startxref\n")
            .next()
            .and_then(|tail| tail.lines().next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        assert!(pdf[xref..].starts_with("xref\n"));
        for line in pdf[xref..].lines().skip(3).take(9) {
            let offset: usize = line[..10].parse().unwrap();
            assert!(
                pdf[offset..].split_whitespace().nth(1) == Some("0"),
                "{line}"
            );
        }
    }
}
