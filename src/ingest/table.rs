//! Streaming table readers: CSV (comma, semicolon or tab; UTF-8 with or without BOM, or
//! Windows-1252) and spreadsheets (XLSX streamed cell by cell; XLS and ODS through a range).

use std::{
    cell::RefCell,
    collections::VecDeque,
    fs::File,
    io::{BufReader, Read},
    path::Path,
    rc::Rc,
};

use calamine::{Data, DataRef, Reader, Xlsx};
use sha2::{Digest, Sha256};

use super::Cell;
use crate::progress::Progress;

/// A data row with its spreadsheet row number (header = 1).
#[derive(Debug, Clone)]
pub struct RawRow {
    /// Row number as a spreadsheet shows it.
    pub number: usize,
    /// Cells in column order.
    pub cells: Vec<Cell>,
}

/// Receives a table as it is read.
pub trait RowSink {
    /// The header row's cells.
    fn header(&mut self, cells: Vec<String>) -> Result<(), FileError>;
    /// One non-blank data row.
    fn row(&mut self, row: RawRow) -> Result<(), FileError>;
}

/// What was read.
#[derive(Debug, Clone)]
pub struct FileInfo {
    /// SHA-256 of the file's bytes, hex.
    pub hash: String,
    /// A description for people: format, delimiter, encoding or sheet.
    pub description: String,
}

/// A file that cannot be read as a table (exit code 3).
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The file could not be opened or read.
    #[error("berkas {path} tidak dapat dibaca: {message}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        message: String,
    },
    /// Neither CSV nor a spreadsheet, by extension.
    #[error("jenis berkas {0} tidak didukung: gunakan .csv atau .xlsx")]
    Unsupported(String),
    /// No bytes, or no header row.
    #[error("berkas kosong: tidak ada baris judul kolom")]
    Empty,
    /// A header but no data rows.
    #[error("berkas tidak berisi baris data (hanya judul kolom)")]
    NoRows,
    /// Not a table at all.
    #[error("berkas bukan tabel: {0}")]
    NotTable(String),
    /// The requested sheet does not exist.
    #[error("lembar '{wanted}' tidak ada; lembar yang tersedia: {available}")]
    Sheet {
        /// The requested sheet.
        wanted: String,
        /// The sheets in the workbook.
        available: String,
    },
    /// Required columns are absent from the header.
    #[error("kolom wajib tidak ada: {}", .0.join(", "))]
    MissingColumns(Vec<String>),
    /// A column appears twice in the header.
    #[error("kolom {0} muncul lebih dari sekali pada baris judul")]
    DuplicateColumn(String),
    /// The consumer stopped reading.
    #[error("pembacaan dihentikan: {0}")]
    Stopped(String),
    /// Beyond a configured bound (a compressed "bomb", or a sheet too large to read safely).
    #[error("berkas terlalu besar untuk dibaca: {0}")]
    TooLarge(String),
}

pub use crate::config::ReadLimits;

/// Reads the file at `path`, choosing the reader by extension. Only a regular file is read
/// (a FIFO, a device, or a link to one could block or never end).
pub fn read_table(
    path: &Path,
    sheet: Option<&str>,
    sink: &mut dyn RowSink,
    progress: Option<&Progress>,
    limits: &ReadLimits,
) -> Result<FileInfo, FileError> {
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, e))?;
    if !meta.is_file() {
        return Err(FileError::Io {
            path: path.display().to_string(),
            message:
                "bukan berkas biasa (folder, perangkat, atau pipa); pilih berkas .csv atau .xlsx"
                    .to_owned(),
        });
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "csv" | "txt" => read_csv(path, sink, progress),
        "xlsx" | "xlsm" => read_xlsx(path, sheet, sink, limits),
        "xls" | "ods" => read_range(path, sheet, sink, limits),
        _ => Err(FileError::Unsupported(path.display().to_string())),
    }
}

fn io_error(path: &Path, e: std::io::Error) -> FileError {
    FileError::Io {
        path: path.display().to_string(),
        message: crate::domain::io_message(&e),
    }
}

/// Which spreadsheet row each CSV record is on (header = 1), whatever the line endings (LF,
/// CRLF, CR), however many lines a quoted cell spans, and counting blank lines as Excel shows
/// them. Fed with the bytes the CSV parser reads, it keeps the start of each row not yet
/// asked about.
#[derive(Default)]
struct RowTracker {
    offset: u64,
    in_quotes: bool,
    at_row_start: bool,
    pending_cr: bool,
    row: usize,
    /// (start offset, row number, blank) of rows the parser may still report.
    starts: VecDeque<(u64, usize, bool)>,
}

impl RowTracker {
    fn new() -> Self {
        Self {
            at_row_start: true,
            row: 1,
            ..Self::default()
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            let at = self.offset;
            self.offset += 1;
            if self.pending_cr {
                self.pending_cr = false;
                if b == b'\n' {
                    // The second half of CRLF: the next row starts after it.
                    continue;
                }
            }
            if self.at_row_start {
                self.at_row_start = false;
                self.starts
                    .push_back((at, self.row, b == b'\n' || b == b'\r'));
            }
            match b {
                b'"' => self.in_quotes = !self.in_quotes,
                b'\r' if !self.in_quotes => {
                    self.row += 1;
                    self.at_row_start = true;
                    self.pending_cr = true;
                }
                b'\n' if !self.in_quotes => {
                    self.row += 1;
                    self.at_row_start = true;
                }
                _ => {}
            }
        }
    }

    /// The row of the record the parser began reading at byte `at`: the first non-blank row
    /// starting there or later.
    fn row_at(&mut self, at: u64) -> usize {
        while self.starts.front().is_some_and(|(o, _, _)| *o < at) {
            self.starts.pop_front();
        }
        self.starts
            .iter()
            .find(|(_, _, blank)| !blank)
            .map_or(self.row, |(_, r, _)| *r)
    }
}

/// Passes bytes through to the CSV parser and shows them to a [`RowTracker`].
struct Tracking<R> {
    inner: R,
    tracker: Rc<RefCell<RowTracker>>,
}

impl<R: Read> Read for Tracking<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.tracker.borrow_mut().feed(&buf[..n]);
        Ok(n)
    }
}

/// Hashes (and counts, for progress) every byte that passes through.
struct HashingReader<'p, R> {
    inner: R,
    hasher: Sha256,
    progress: Option<&'p Progress>,
}

impl<R: Read> Read for HashingReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        if let Some(p) = self.progress {
            p.add(n as u64);
        }
        Ok(n)
    }
}

const SNIFF: usize = 64 * 1024;

fn read_csv(
    path: &Path,
    sink: &mut dyn RowSink,
    progress: Option<&Progress>,
) -> Result<FileInfo, FileError> {
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    if let (Some(p), Ok(meta)) = (progress, file.metadata()) {
        p.set_total(meta.len());
    }
    let mut reader = HashingReader {
        inner: BufReader::with_capacity(256 * 1024, file),
        hasher: Sha256::new(),
        progress,
    };
    let mut prefix = Vec::with_capacity(SNIFF);
    (&mut reader)
        .take(SNIFF as u64)
        .read_to_end(&mut prefix)
        .map_err(|e| io_error(path, e))?;
    if prefix.iter().all(u8::is_ascii_whitespace) {
        return Err(FileError::Empty);
    }
    if prefix.contains(&0) {
        return Err(FileError::NotTable(
            "berisi data biner, bukan teks CSV".into(),
        ));
    }
    let bom = prefix.starts_with(b"\xEF\xBB\xBF");
    let body_start = if bom { 3 } else { 0 };
    let delimiter = sniff_delimiter(&prefix[body_start..]);
    let prefix_is_utf8 = match std::str::from_utf8(&prefix) {
        Ok(_) => true,
        // A multi-byte character cut off at the end of the sniffed prefix is still UTF-8.
        Err(e) => e.error_len().is_none(),
    };

    let tracker = Rc::new(RefCell::new(RowTracker::new()));
    let stream = Tracking {
        inner: std::io::Cursor::new(prefix.split_off(body_start)).chain(&mut reader),
        tracker: tracker.clone(),
    };
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(stream);
    let mut saw_windows_1252 = false;
    let mut decode = |bytes: &[u8]| -> String {
        match std::str::from_utf8(bytes) {
            Ok(s) => s.to_owned(),
            Err(_) => {
                saw_windows_1252 = true;
                encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned()
            }
        }
    };

    let mut record = csv::ByteRecord::new();
    let mut header_seen = false;
    let mut data_rows = 0usize;
    loop {
        match csv.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or_default();
                return Err(FileError::NotTable(format!(
                    "CSV rusak di sekitar baris {line}: {e}"
                )));
            }
        }
        let cells: Vec<String> = record
            .iter()
            .map(&mut decode)
            .map(|c| match crate::domain::restore_formula(&c) {
                restored if restored.len() != c.len() => restored.to_owned(),
                _ => c,
            })
            .collect();
        let number = tracker.borrow_mut().row_at(
            record
                .position()
                .map(csv::Position::byte)
                .unwrap_or_default(),
        );
        if !header_seen {
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            header_seen = true;
            sink.header(cells)?;
            continue;
        }
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        data_rows += 1;
        sink.row(RawRow {
            number,
            cells: cells.into_iter().map(Cell::text).collect(),
        })?;
    }
    drop(csv);
    if !header_seen {
        return Err(FileError::Empty);
    }
    if data_rows == 0 {
        return Err(FileError::NoRows);
    }
    let encoding = if bom || (prefix_is_utf8 && !saw_windows_1252) {
        if bom { "UTF-8 (BOM)" } else { "UTF-8" }
    } else {
        "Windows-1252"
    };
    let delimiter_name = match delimiter {
        b';' => "titik koma",
        b'\t' => "tab",
        _ => "koma",
    };
    Ok(FileInfo {
        hash: hex::encode(reader.hasher.finalize()),
        description: format!("CSV, pemisah {delimiter_name}, {encoding}"),
    })
}

/// The most frequent of `,`, `;` and tab on the first line, outside quotes.
fn sniff_delimiter(bytes: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in bytes {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    match counts
        .iter()
        .enumerate()
        .max_by_key(|(i, c)| (**c, std::cmp::Reverse(*i)))
    {
        Some((1, c)) if *c > 0 => b';',
        Some((2, c)) if *c > 0 => b'\t',
        _ => b',',
    }
}

fn hash_file(path: &Path) -> Result<String, FileError> {
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let mut reader = HashingReader {
        inner: BufReader::new(file),
        hasher: Sha256::new(),
        progress: None,
    };
    std::io::copy(&mut reader, &mut std::io::sink()).map_err(|e| io_error(path, e))?;
    Ok(hex::encode(reader.hasher.finalize()))
}

fn pick_sheet(names: &[String], wanted: Option<&str>) -> Result<String, FileError> {
    match wanted {
        Some(w) => names
            .iter()
            .find(|n| n.as_str() == w || n.eq_ignore_ascii_case(w))
            .cloned()
            .ok_or_else(|| FileError::Sheet {
                wanted: w.to_owned(),
                available: names.join(", "),
            }),
        None => names
            .first()
            .cloned()
            .ok_or_else(|| FileError::NotTable("buku kerja tidak berisi lembar".into())),
    }
}

fn date_text(dt: Option<chrono::NaiveDateTime>, fallback: f64) -> Cell {
    match dt {
        Some(dt) => Cell {
            text: dt.date().format("%Y-%m-%d").to_string(),
            kind: super::CellKind::Date,
        },
        None => Cell::number(fallback),
    }
}

fn iso_date(s: &str) -> Cell {
    let date = s.get(..10).unwrap_or(s);
    Cell {
        text: date.to_owned(),
        kind: super::CellKind::Date,
    }
}

fn cell_from_ref(v: &DataRef<'_>) -> Cell {
    match v {
        DataRef::Int(i) => Cell {
            text: i.to_string(),
            kind: super::CellKind::Number { exact: true },
        },
        DataRef::Float(f) => Cell::number(*f),
        DataRef::String(s) => Cell::text(s.as_str()),
        DataRef::SharedString(s) => Cell::text(*s),
        DataRef::Bool(b) => Cell {
            text: b.to_string(),
            kind: super::CellKind::Bool,
        },
        DataRef::DateTime(dt) if dt.is_duration() => Cell::number(dt.as_f64()),
        DataRef::DateTime(dt) => date_text(dt.as_datetime(), dt.as_f64()),
        DataRef::DateTimeIso(s) => iso_date(s),
        DataRef::DurationIso(s) => Cell::text(s.as_str()),
        DataRef::Error(e) => Cell {
            text: format!("#{e:?}"),
            kind: super::CellKind::Error,
        },
        DataRef::Empty => Cell::text(""),
    }
}

fn cell_from_data(v: &Data) -> Cell {
    match v {
        Data::Int(i) => Cell {
            text: i.to_string(),
            kind: super::CellKind::Number { exact: true },
        },
        Data::Float(f) => Cell::number(*f),
        Data::String(s) => Cell::text(s.as_str()),
        Data::Bool(b) => Cell {
            text: b.to_string(),
            kind: super::CellKind::Bool,
        },
        Data::DateTime(dt) if dt.is_duration() => Cell::number(dt.as_f64()),
        Data::DateTime(dt) => date_text(dt.as_datetime(), dt.as_f64()),
        Data::DateTimeIso(s) => iso_date(s),
        Data::DurationIso(s) => Cell::text(s.as_str()),
        Data::Error(e) => Cell {
            text: format!("#{e:?}"),
            kind: super::CellKind::Error,
        },
        Data::Empty => Cell::text(""),
    }
}

/// Assembles cells arriving in row-major order into rows and feeds the sink.
struct RowAssembler<'s> {
    sink: &'s mut dyn RowSink,
    current: Option<u32>,
    cells: Vec<Cell>,
    header_seen: bool,
    data_rows: usize,
}

impl RowAssembler<'_> {
    fn push(&mut self, row: u32, col: u32, cell: Cell) -> Result<(), FileError> {
        if self.current != Some(row) {
            self.flush()?;
            self.current = Some(row);
        }
        let col = col as usize;
        if self.cells.len() <= col {
            self.cells.resize(col + 1, Cell::text(""));
        }
        self.cells[col] = cell;
        Ok(())
    }

    fn flush(&mut self) -> Result<(), FileError> {
        let Some(row) = self.current.take() else {
            return Ok(());
        };
        let cells = std::mem::take(&mut self.cells);
        if cells.iter().all(Cell::is_blank) {
            return Ok(());
        }
        if !self.header_seen {
            self.header_seen = true;
            return self
                .sink
                .header(cells.into_iter().map(|c| c.text).collect());
        }
        self.data_rows += 1;
        self.sink.row(RawRow {
            number: row as usize + 1,
            cells,
        })
    }

    fn finish(mut self) -> Result<(), FileError> {
        self.flush()?;
        if !self.header_seen {
            return Err(FileError::Empty);
        }
        if self.data_rows == 0 {
            return Err(FileError::NoRows);
        }
        Ok(())
    }
}

/// Refuses a spreadsheet whose parts would unpack beyond the limit, or that unpacks far more
/// than any real spreadsheet does (a "zip bomb"), before anything is decompressed. The sizes
/// read are the archive's own; the unpacker never reads past them.
fn check_archive(path: &Path, limits: &ReadLimits) -> Result<(), FileError> {
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file))
        .map_err(|e| FileError::NotTable(format!("bukan berkas Excel (.xlsx) yang sah: {e}")))?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| FileError::NotTable(format!("arsip Excel rusak: {e}")))?;
        let (packed, size) = (entry.compressed_size().max(1), entry.size());
        total = total.saturating_add(size);
        if size > 16 * 1024 * 1024 && size / packed > 250 {
            return Err(FileError::TooLarge(format!(
                "bagian {} memuai {}× saat dibuka; berkas ini bukan lembar kerja biasa",
                entry.name().unwrap_or_default(),
                size / packed
            )));
        }
    }
    if total > limits.uncompressed_bytes {
        return Err(FileError::TooLarge(format!(
            "isi berkas {} MB setelah dibuka, melebihi batas {} MB (pengaturan impor_xlsx_maks_mb); \
             bagi berkas atau simpan sebagai CSV",
            total / (1024 * 1024),
            limits.uncompressed_bytes / (1024 * 1024)
        )));
    }
    Ok(())
}

fn too_many_cells(limits: &ReadLimits) -> FileError {
    FileError::TooLarge(format!(
        "lembar berisi lebih dari {} sel (pengaturan impor_sel_maks); bagi berkas atau simpan sebagai CSV",
        crate::domain::format_number_id(i64::try_from(limits.cells).unwrap_or(i64::MAX))
    ))
}

fn read_xlsx(
    path: &Path,
    sheet: Option<&str>,
    sink: &mut dyn RowSink,
    limits: &ReadLimits,
) -> Result<FileInfo, FileError> {
    check_archive(path, limits)?;
    let hash = hash_file(path)?;
    let mut book: Xlsx<_> = calamine::open_workbook(path)
        .map_err(|e| FileError::NotTable(format!("bukan berkas Excel (.xlsx) yang sah: {e}")))?;
    let name = pick_sheet(&book.sheet_names(), sheet)?;
    let mut cells = book
        .worksheet_cells_reader(&name)
        .map_err(|e| FileError::NotTable(format!("lembar '{name}' tidak dapat dibaca: {e}")))?;
    let mut rows = RowAssembler {
        sink,
        current: None,
        cells: Vec::new(),
        header_seen: false,
        data_rows: 0,
    };
    let mut read: u64 = 0;
    loop {
        match cells.next_cell() {
            Ok(Some(c)) => {
                read += 1;
                if read > limits.cells {
                    return Err(too_many_cells(limits));
                }
                let (r, col) = c.get_position();
                rows.push(r, col, cell_from_ref(c.get_value()))?;
            }
            Ok(None) => break,
            Err(e) => return Err(FileError::NotTable(format!("lembar '{name}' rusak: {e}"))),
        }
    }
    rows.finish()?;
    Ok(FileInfo {
        hash,
        description: format!("Excel, lembar '{name}'"),
    })
}

fn read_range(
    path: &Path,
    sheet: Option<&str>,
    sink: &mut dyn RowSink,
    limits: &ReadLimits,
) -> Result<FileInfo, FileError> {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("ods"))
    {
        check_archive(path, limits)?;
    }
    let hash = hash_file(path)?;
    let mut book = calamine::open_workbook_auto(path)
        .map_err(|e| FileError::NotTable(format!("bukan buku kerja yang sah: {e}")))?;
    let name = pick_sheet(&book.sheet_names(), sheet)?;
    let range = book
        .worksheet_range(&name)
        .map_err(|e| FileError::NotTable(format!("lembar '{name}' tidak dapat dibaca: {e}")))?;
    let (height, width) = range.get_size();
    if (height as u64).saturating_mul(width as u64) > limits.cells {
        return Err(too_many_cells(limits));
    }
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let mut rows = RowAssembler {
        sink,
        current: None,
        cells: Vec::new(),
        header_seen: false,
        data_rows: 0,
    };
    for (i, row) in range.rows().enumerate() {
        for (j, v) in row.iter().enumerate() {
            rows.push(row0 + i as u32, col0 + j as u32, cell_from_data(v))?;
        }
    }
    rows.finish()?;
    Ok(FileInfo {
        hash,
        description: format!("lembar kerja, lembar '{name}'"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(data: &[u8]) -> Vec<usize> {
        let tracker = Rc::new(RefCell::new(RowTracker::new()));
        let stream = Tracking {
            inner: data,
            tracker: tracker.clone(),
        };
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(stream);
        let mut rec = csv::ByteRecord::new();
        let mut out = Vec::new();
        while csv.read_byte_record(&mut rec).unwrap() {
            out.push(tracker.borrow_mut().row_at(rec.position().unwrap().byte()));
        }
        out
    }

    #[test]
    fn rows_are_spreadsheet_rows_whatever_the_line_endings() {
        assert_eq!(rows(b"h\na\nb\n\nc\n"), [1, 2, 3, 5]);
        assert_eq!(rows(b"h\r\na\r\nb\r\n\r\nc\r\n"), [1, 2, 3, 5]);
        assert_eq!(rows(b"h\ra\rb\r\rc\r"), [1, 2, 3, 5]);
        assert_eq!(rows(b"h\n\"x\ny\"\nb\n"), [1, 2, 3]);
        assert_eq!(rows(b"h\r\n\"x\r\ny\"\r\nb\r\nc"), [1, 2, 3, 4]);
        assert_eq!(rows(b"h,\"a \"\"kutip\"\"\nlagi\"\nb,c\n"), [1, 2]);
    }

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter(b"nik;nama;tanggal_lahir\n1;2;3"), b';');
        assert_eq!(sniff_delimiter(b"nik,nama,tanggal_lahir\n"), b',');
        assert_eq!(sniff_delimiter(b"\"a;b\",c,d\n"), b',');
        assert_eq!(sniff_delimiter(b"nik\tnama\n"), b'\t');
        assert_eq!(sniff_delimiter(b"nik\n"), b',');
    }
}
