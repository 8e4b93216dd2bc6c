//! A look at an XLS file before calamine reads it, for what calamine does not bound.
//!
//! calamine follows the compound file's sector chains without noticing a loop (a 5 KB file
//! whose directory chain points at itself grows without end), reserves room for a sheet's
//! stated `DIMENSIONS`, and lays every sheet out as one rectangle from its first to its last
//! cell, for every sheet record, at once. So before it opens a file: the sector tables (FAT and
//! mini FAT) must have no loop, and the room those sheets take must fit within
//! `max_unzipped_bytes`, the same bound as an XLSX's unzipped size.

use std::mem::size_of;

use calamine::{Cell as SheetCell, Data};
use encoding_rs::UTF_16LE;

const SIGNATURE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
/// Sector ids from here up are markers, not sectors.
const MAX_REGULAR: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
/// Streams shorter than this live in the mini stream, in 64-byte sectors.
const MINI_CUTOFF: usize = 4096;
const MINI_SECTOR: usize = 64;

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    Malformed(&'static str),
    TooLarge,
}

type Checked<T> = Result<T, Refusal>;

/// Whether calamine may open `bytes`: its sector chains end, and its sheets take at most
/// `budget` bytes laid out.
pub(crate) fn check(bytes: &[u8], budget: u64) -> Checked<()> {
    let file = Compound::open(bytes)?;
    let stream = match file.stream("Workbook")? {
        Some(stream) => stream,
        None => file
            .stream("Book")?
            .ok_or(Refusal::Malformed("the file has no workbook stream"))?,
    };
    if sheets_size(&stream)? > u128::from(budget) {
        return Err(Refusal::TooLarge);
    }
    Ok(())
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([*b.first()?, *b.get(1)?]))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let b: [u8; 4] = bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_le_bytes(b))
}

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    let b: [u8; 8] = bytes.get(at..at.checked_add(8)?)?.try_into().ok()?;
    Some(u64::from_le_bytes(b))
}

fn u32s(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
    bytes
        .chunks_exact(4)
        .filter_map(|c| c.try_into().ok().map(u32::from_le_bytes))
}

fn index(id: u32) -> usize {
    usize::try_from(id).unwrap_or(usize::MAX)
}

/// A compound file's tables, as calamine builds them.
struct Compound<'a> {
    bytes: &'a [u8],
    sector_size: usize,
    fat: Vec<u32>,
    mini_fat: Vec<u32>,
    mini_stream: Vec<u8>,
    /// Directory entries: name, first sector, length.
    entries: Vec<(String, u32, usize)>,
}

impl<'a> Compound<'a> {
    fn open(bytes: &'a [u8]) -> Checked<Self> {
        let bad = Refusal::Malformed;
        let header = bytes.get(..512).ok_or(bad("the file is too short"))?;
        if header.get(..8) != Some(SIGNATURE) {
            return Err(bad("not a compound file"));
        }
        let sector_size = match u16_at(header, 0x1E) {
            Some(9) => 512,
            Some(12) => 4096,
            _ => return Err(bad("the sector size is not 512 or 4096")),
        };
        let mut file = Compound {
            bytes,
            sector_size,
            fat: Vec::new(),
            mini_fat: Vec::new(),
            mini_stream: Vec::new(),
            entries: Vec::new(),
        };
        let field = |at| u32_at(header, at).ok_or(bad("the header is cut short"));
        let mut difat: Vec<u32> = u32s(header.get(0x4C..512).unwrap_or_default()).collect();
        let mut next = field(0x44)?;
        let mut hops = 0usize;
        while next < MAX_REGULAR {
            hops += 1;
            if hops > bytes.len() / sector_size + 1 {
                return Err(bad("the DIFAT chain loops"));
            }
            difat.extend(u32s(&file.sector(next)?));
            next = difat.pop().ok_or(bad("the DIFAT chain is cut short"))?;
        }
        for id in difat.into_iter().filter(|&id| id < DIFSECT) {
            let sector = file.sector(id)?;
            file.fat.extend(u32s(&sector));
        }
        if !ends(&file.fat) {
            return Err(bad("a FAT chain loops"));
        }
        let directory = file.chain(field(0x30)?, usize::MAX)?;
        file.entries = directory
            .chunks_exact(128)
            .map(|entry| {
                let (name, _) =
                    UTF_16LE.decode_without_bom_handling(entry.get(..64).unwrap_or_default());
                let name = name.split('\0').next().unwrap_or_default().to_owned();
                let start = u32_at(entry, 116).unwrap_or(END_OF_CHAIN);
                let len = if sector_size == 512 {
                    u32_at(entry, 120).map(u64::from)
                } else {
                    u64_at(entry, 120)
                };
                let len = len
                    .and_then(|l| usize::try_from(l).ok())
                    .unwrap_or(usize::MAX);
                (name, start, len)
            })
            .collect();
        let mini_fat_len = index(field(0x40)?);
        if mini_fat_len > 0 {
            let (_, root_start, root_len) =
                file.entries.first().cloned().ok_or(bad("no root entry"))?;
            file.mini_stream = file.chain(root_start, root_len)?;
            let bytes_len = mini_fat_len.saturating_mul(sector_size);
            let mini_fat = file.chain(field(0x3C)?, bytes_len)?;
            file.mini_fat = u32s(&mini_fat).collect();
            if !ends(&file.mini_fat) {
                return Err(bad("a mini FAT chain loops"));
            }
        }
        Ok(file)
    }

    /// Sector `id`, zero-filled where the file ends inside it.
    fn sector(&self, id: u32) -> Checked<Vec<u8>> {
        let start = index(id)
            .checked_add(1)
            .and_then(|n| n.checked_mul(self.sector_size))
            .filter(|&start| start < self.bytes.len())
            .ok_or(Refusal::Malformed("a sector lies past the end of the file"))?;
        let end = start.saturating_add(self.sector_size).min(self.bytes.len());
        let mut sector = self.bytes.get(start..end).unwrap_or_default().to_vec();
        sector.resize(self.sector_size, 0);
        Ok(sector)
    }

    /// Up to `len` bytes of the chain from `start` (its FAT has no loop, so it ends).
    fn chain(&self, start: u32, len: usize) -> Checked<Vec<u8>> {
        let mut out = Vec::new();
        let mut id = start;
        while id != END_OF_CHAIN && out.len() < len {
            let sector = self.sector(id)?;
            let take = sector.len().min(len - out.len());
            out.extend_from_slice(sector.get(..take).unwrap_or_default());
            id = *self
                .fat
                .get(index(id))
                .ok_or(Refusal::Malformed("a chain leaves the FAT"))?;
        }
        Ok(out)
    }

    /// The stream named `name` (any case), as calamine finds it.
    fn stream(&self, name: &str) -> Checked<Option<Vec<u8>>> {
        let Some((_, start, len)) = self
            .entries
            .iter()
            .find(|(n, ..)| n.eq_ignore_ascii_case(name))
        else {
            return Ok(None);
        };
        if *len >= MINI_CUTOFF {
            return self.chain(*start, *len).map(Some);
        }
        let mut out = Vec::new();
        let mut id = *start;
        while id != END_OF_CHAIN && out.len() < *len {
            let at = index(id).saturating_mul(MINI_SECTOR);
            let sector = self
                .mini_stream
                .get(at..at.saturating_add(MINI_SECTOR))
                .ok_or(Refusal::Malformed(
                    "a mini sector lies past the mini stream",
                ))?;
            let take = sector.len().min(*len - out.len());
            out.extend_from_slice(sector.get(..take).unwrap_or_default());
            id = *self
                .mini_fat
                .get(index(id))
                .ok_or(Refusal::Malformed("a chain leaves the mini FAT"))?;
        }
        Ok(Some(out))
    }
}

/// Whether every chain in `table` ends: following next-sector ids never comes back.
fn ends(table: &[u32]) -> bool {
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![NEW; table.len()];
    let mut path = Vec::new();
    for first in 0..table.len() {
        let mut at = first;
        while state.get(at) == Some(&NEW) {
            if let Some(s) = state.get_mut(at) {
                *s = ON_PATH;
            }
            path.push(at);
            at = table.get(at).map_or(usize::MAX, |&next| index(next));
        }
        if state.get(at) == Some(&ON_PATH) {
            return false;
        }
        for visited in path.drain(..) {
            if let Some(s) = state.get_mut(visited) {
                *s = DONE;
            }
        }
    }
    true
}

/// BIFF records of `stream`: type and body, until one does not fit.
fn records(stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut rest = stream;
    std::iter::from_fn(move || {
        let kind = u16_at(rest, 0)?;
        let len = usize::from(u16_at(rest, 2)?);
        let body = rest.get(4..4 + len)?;
        rest = rest.get(4 + len..)?;
        Some((kind, body))
    })
}

/// The rectangle from a sheet's first cell to its last.
#[derive(Default)]
struct Extent(Option<(u32, u32, u32, u32)>);

impl Extent {
    fn add(&mut self, row: u16, column: u16) {
        let (r, c) = (u32::from(row), u32::from(column));
        self.0 = Some(match self.0 {
            None => (r, r, c, c),
            Some((r0, r1, c0, c1)) => (r0.min(r), r1.max(r), c0.min(c), c1.max(c)),
        });
    }

    fn cells(&self) -> u128 {
        self.0.map_or(0, |(r0, r1, c0, c1)| {
            u128::from(r1 - r0 + 1) * u128::from(c1 - c0 + 1)
        })
    }
}

/// Bytes calamine takes to lay out every sheet record's sheet, as it reads them all at open.
fn sheets_size(stream: &[u8]) -> Checked<u128> {
    let mut positions = Vec::new();
    for (kind, body) in records(stream) {
        match kind {
            0x0085 => positions.extend(u32_at(body, 0)),
            0x000A => break,
            _ => {}
        }
    }
    let mut total = 0u128;
    for position in positions {
        if let Some(sheet) = stream.get(index(position)..) {
            total = total.saturating_add(sheet_size(sheet));
        }
    }
    Ok(total)
}

/// One sheet substream, read as calamine does: nested substreams (charts) skipped.
fn sheet_size(sheet: &[u8]) -> u128 {
    let mut cells = Extent::default();
    let mut formulas = Extent::default();
    let mut reserved = 0u128;
    let mut seen_bof = false;
    let mut depth = 0usize;
    for (kind, body) in records(sheet) {
        if depth > 0 {
            match kind {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        let at = |offset| u16_at(body, offset);
        match kind {
            0x0809 if seen_bof => depth += 1,
            0x0809 => seen_bof = true,
            0x000A => break,
            0x0200 => reserved = reserved.saturating_add(dimensions(body)),
            // NUMBER, LABEL, RSTRING, BOOLERR, RK, LABELSST.
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD => {
                if let (Some(row), Some(column)) = (at(0), at(2)) {
                    cells.add(row, column);
                }
            }
            // MULRK: a row, its first column, …, its last column.
            0x00BD => {
                let last = body.len().checked_sub(2).and_then(|end| u16_at(body, end));
                if let (Some(row), Some(first), Some(last)) = (at(0), at(2), last) {
                    cells.add(row, first);
                    cells.add(row, last);
                }
            }
            // FORMULA: a cell, and a formula text laid out likewise.
            0x0006 => {
                if let (Some(row), Some(column)) = (at(0), at(2)) {
                    cells.add(row, column);
                    formulas.add(row, column);
                }
            }
            _ => {}
        }
    }
    let cell = size_of::<SheetCell<Data>>() as u128;
    reserved
        .saturating_mul(cell)
        .saturating_add(cells.cells() * size_of::<Data>() as u128)
        .saturating_add(formulas.cells() * size_of::<String>() as u128)
}

/// The cells calamine reserves for a `DIMENSIONS` record, with its u32 arithmetic (which wraps
/// when the last row is before the first).
fn dimensions(body: &[u8]) -> u128 {
    let fields = match body.len() {
        10 => (
            u16_at(body, 0).map(u32::from),
            u16_at(body, 2).map(u32::from),
            u16_at(body, 4),
            u16_at(body, 6),
        ),
        14 | 16 => (
            u32_at(body, 0),
            u32_at(body, 4),
            u16_at(body, 8),
            u16_at(body, 10),
        ),
        _ => return 0,
    };
    let (Some(first_row), Some(row_end), Some(first_col), Some(col_end)) = fields else {
        return 0;
    };
    let (first_col, col_end) = (u32::from(first_col), u32::from(col_end));
    let first_col = if first_col > 0xFF || col_end < first_col {
        0
    } else {
        first_col
    };
    if row_end == 0 || col_end == 0 {
        return 1;
    }
    let rows = row_end.wrapping_sub(first_row);
    let cols = col_end.wrapping_sub(first_col);
    u128::from(rows) * u128::from(cols)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &[u8] = include_bytes!("../tests/fixtures/boc-export.xls");
    const BUDGET: u64 = 100 * 1024 * 1024;

    fn patch_u32(bytes: &mut [u8], at: usize, value: u32) {
        bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
    }

    #[test]
    fn lets_a_real_workbook_through() {
        assert_eq!(check(FIXTURE, BUDGET), Ok(()));
        let stream = Compound::open(FIXTURE)
            .unwrap()
            .stream("workbook")
            .unwrap()
            .unwrap();
        let size = sheets_size(&stream).unwrap();
        assert!(size > 0 && size < 10_000, "{size}");
    }

    #[test]
    fn refuses_a_looping_sector_chain() {
        let mut bytes = FIXTURE.to_vec();
        let fat_sector = u32_at(&bytes, 0x4C).unwrap() as usize;
        let directory = u32_at(&bytes, 0x30).unwrap() as usize;
        // The directory's next sector is itself.
        patch_u32(
            &mut bytes,
            512 * (fat_sector + 1) + 4 * directory,
            directory as u32,
        );
        assert_eq!(
            check(&bytes, BUDGET),
            Err(Refusal::Malformed("a FAT chain loops"))
        );
    }

    /// File offset of the first record of `kind` in the fixture's workbook stream, which
    /// starts at sector 0 and runs on through consecutive sectors.
    fn find_record(bytes: &[u8], kind: u16) -> usize {
        let mut at = 512;
        loop {
            let (found, len) = (u16_at(bytes, at).unwrap(), u16_at(bytes, at + 2).unwrap());
            if found == kind {
                return at;
            }
            at += 4 + usize::from(len);
        }
    }

    #[test]
    fn refuses_stated_dimensions_past_the_budget() {
        let mut bytes = FIXTURE.to_vec();
        let at = find_record(&bytes, 0x0200) + 4;
        patch_u32(&mut bytes, at + 4, 0xFFFF_FFF0);
        assert_eq!(check(&bytes, BUDGET), Err(Refusal::TooLarge));
    }

    #[test]
    fn refuses_a_cell_far_from_the_others() {
        let mut bytes = FIXTURE.to_vec();
        // A LABELSST record (row, column, format, string) moved to the sheet's far corner.
        let at = find_record(&bytes, 0x00FD) + 4;
        bytes[at..at + 4].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0x00]);
        assert_eq!(check(&bytes, BUDGET), Err(Refusal::TooLarge));
        assert_eq!(check(&bytes, 1 << 30), Ok(()));
    }

    #[test]
    fn finds_loops_in_tables() {
        assert!(ends(&[1, 2, END_OF_CHAIN, 0xFFFF_FFFF]));
        assert!(!ends(&[1, 2, 0]));
        assert!(!ends(&[END_OF_CHAIN, 1]));
        assert!(ends(&[7]));
    }
}
