//! Files for people: CSV (UTF-8 with BOM, so Excel reads names correctly) or XLSX, chosen by
//! extension. An XLSX has its summary sheet first and its data sheet streamed row by row (flat
//! memory), with the header row frozen, filters on, and sensible column widths. A file appears
//! whole or not at all: it is written beside its name and renamed into place when finished
//! (an abandoned writer removes what it wrote).

use std::{
    fs::File,
    io::{BufWriter, Write},
    path::{Path, PathBuf},
};

use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExportFormat {
    /// Comma-separated values.
    Csv,
    /// Excel workbook.
    Xlsx,
}

/// Why a file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Neither `.csv` nor `.xlsx`.
    #[error("jenis berkas keluaran {0} tidak didukung: gunakan .csv atau .xlsx")]
    Unsupported(String),
    /// Too many rows for one Excel sheet.
    #[error("terlalu banyak baris untuk satu lembar Excel (paling banyak 1.048.575); gunakan .csv")]
    TooManyRows,
    /// Writing failed.
    #[error("berkas {path} tidak dapat ditulis: {message}")]
    Write {
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
}

impl ExportFormat {
    /// The format named by `path`'s extension.
    pub(crate) fn of(path: &Path) -> Result<Self, ExportError> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_lowercase)
            .as_deref()
        {
            Some("csv") => Ok(Self::Csv),
            Some("xlsx") => Ok(Self::Xlsx),
            _ => Err(ExportError::Unsupported(path.display().to_string())),
        }
    }
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Text(String),
    Number(f64),
    /// A date: a date cell (`dd/mm/yyyy`) in XLSX, `YYYY-MM-DD` in CSV.
    Date(chrono::NaiveDate),
    /// Rupiah: a number cell with a thousands format in XLSX, a plain integer in CSV.
    Money(i64),
    /// Nothing.
    Empty,
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Self::Text(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Self::Text(s)
    }
}

impl Value {
    fn text(&self) -> String {
        match self {
            Self::Text(s) => s.clone(),
            Self::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{n:.0}"),
            Self::Number(n) => n.to_string(),
            Self::Date(d) => d.format("%Y-%m-%d").to_string(),
            Self::Money(m) => m.to_string(),
            Self::Empty => String::new(),
        }
    }
}

/// A date cell, shown the Indonesian way (`23/04/1987`).
fn write_date(
    ws: &mut rust_xlsxwriter::Worksheet,
    r: u32,
    c: u16,
    d: chrono::NaiveDate,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    use chrono::Datelike;
    let at = rust_xlsxwriter::ExcelDateTime::from_ymd(
        u16::try_from(d.year()).unwrap_or(1900),
        u8::try_from(d.month()).unwrap_or(1),
        u8::try_from(d.day()).unwrap_or(1),
    )?;
    let f = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    ws.write_datetime_with_format(r, c, &at, &f).map(|_| ())
}

/// A rupiah cell: a number with thousands separators.
fn write_money(
    ws: &mut rust_xlsxwriter::Worksheet,
    r: u32,
    c: u16,
    m: i64,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let f = rust_xlsxwriter::Format::new().set_num_format("#,##0");
    ws.write_number_with_format(r, c, m as f64, &f).map(|_| ())
}

/// A section of the summary sheet: a title and a small table.
#[derive(Debug, Clone, Default)]
pub(crate) struct Section {
    pub title: String,
    /// Column headers.
    pub header: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

/// The MIME type of a file merit hands out, by its extension.
pub(crate) fn content_type(name: &str) -> &'static str {
    match name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .as_deref()
    {
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some("csv") => "text/csv; charset=utf-8",
        Some("pdf") => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// Where a file is written before it is renamed to `target`.
fn partial_of(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(
        ".{name}.{}.sebagian",
        uuid::Uuid::new_v4().simple()
    ))
}

/// Writes `bytes` to `path` whole or not at all (beside it, then renamed into place).
pub(crate) fn write_atomically(path: &Path, bytes: impl AsRef<[u8]>) -> Result<(), ExportError> {
    let partial = partial_of(path);
    std::fs::write(&partial, bytes)
        .and_then(|()| std::fs::rename(&partial, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&partial);
            io_err(path, &e)
        })
}

/// A column code (`unit_kerja`) as a person reads it in a workbook (`Unit kerja`); CSV files
/// keep the codes, which import files and scripts match on.
pub(crate) fn header_words(code: &str) -> String {
    const ACRONYMS: [&str; 8] = ["nik", "nip", "nuptk", "tmt", "umk", "opd", "ppk", "bkn"];
    let words: Vec<String> = code
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            if ACRONYMS.contains(&w) {
                w.to_uppercase()
            } else {
                w.to_owned()
            }
        })
        .collect();
    match code {
        "no" => return "No.".to_owned(),
        "run_id" => return "Id penyaringan".to_owned(),
        _ => {}
    }
    let mut text = words.join(" ");
    if let Some(first) = text.get(..1)
        && first.chars().all(|c| c.is_ascii_lowercase())
    {
        text.replace_range(..1, &first.to_uppercase());
    }
    text
}

/// Writes one table (and, for XLSX, a summary sheet).
pub(crate) struct TableWriter {
    /// The name the finished file gets (messages name it).
    path: PathBuf,
    /// Where it is written until then.
    partial: PathBuf,
    /// Taken by [`TableWriter::finish`].
    inner: Option<Inner>,
    rows: u32,
}

impl Drop for TableWriter {
    fn drop(&mut self) {
        // Not finished (an error, an abandoned request): leave nothing behind.
        if self.inner.is_some() {
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}

enum Inner {
    Csv(Box<csv::Writer<BufWriter<File>>>),
    Xlsx {
        book: Box<Workbook>,
        data: usize,
        summary: usize,
        columns: u16,
    },
}

fn write_err(path: &Path, e: impl std::fmt::Display) -> ExportError {
    ExportError::Write {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

fn xlsx_err(path: &Path, e: rust_xlsxwriter::XlsxError) -> ExportError {
    match e {
        rust_xlsxwriter::XlsxError::IoError(io) => io_err(path, &io),
        other => write_err(path, other),
    }
}

fn io_err(path: &Path, e: &std::io::Error) -> ExportError {
    ExportError::Write {
        path: path.display().to_string(),
        message: crate::domain::io_message(e),
    }
}

impl TableWriter {
    /// Creates `path` with a header row. `widths` are XLSX column widths (characters).
    pub(crate) fn create(
        path: &Path,
        sheet: &str,
        header: &[&str],
        widths: &[f64],
    ) -> Result<Self, ExportError> {
        let partial = partial_of(path);
        let inner = match ExportFormat::of(path)? {
            ExportFormat::Csv => {
                let mut file =
                    BufWriter::new(File::create(&partial).map_err(|e| io_err(path, &e))?);
                file.write_all(b"\xEF\xBB\xBF")
                    .map_err(|e| io_err(path, &e))?;
                let mut w = csv::Writer::from_writer(file);
                w.write_record(header).map_err(|e| write_err(path, e))?;
                Inner::Csv(Box::new(w))
            }
            ExportFormat::Xlsx => {
                let mut book = Box::new(Workbook::new());
                let x = |e: rust_xlsxwriter::XlsxError| xlsx_err(path, e);
                book.add_worksheet().set_name("Ringkasan").map_err(x)?;
                let bold = Format::new()
                    .set_bold()
                    .set_background_color("D9E1F2")
                    .set_align(FormatAlign::Center);
                let ws = book.add_worksheet_with_constant_memory().map_err(x)?;
                ws.set_name(sheet).map_err(x)?;
                for (i, w) in widths.iter().enumerate() {
                    ws.set_column_width(i as u16, *w).map_err(x)?;
                }
                ws.set_freeze_panes(1, 0).map_err(x)?;
                for (i, h) in header.iter().enumerate() {
                    ws.write_string_with_format(0, i as u16, header_words(h), &bold)
                        .map_err(x)?;
                }
                Inner::Xlsx {
                    book,
                    data: 1,
                    summary: 0,
                    columns: header.len() as u16,
                }
            }
        };
        Ok(Self {
            path: path.to_path_buf(),
            partial,
            inner: Some(inner),
            rows: 0,
        })
    }

    /// Appends a row.
    pub(crate) fn row(&mut self, cells: &[Value]) -> Result<(), ExportError> {
        let path = self.path.clone();
        let x = |e: rust_xlsxwriter::XlsxError| xlsx_err(&path, e);
        let Some(inner) = &mut self.inner else {
            return Ok(());
        };
        match inner {
            Inner::Csv(w) => w
                .write_record(cells.iter().map(|v| match v {
                    // Text a spreadsheet would run as a formula is neutralised.
                    Value::Text(s) => crate::domain::neutralize_formula(s).into_owned(),
                    other => other.text(),
                }))
                .map_err(|e| write_err(&path, e))?,
            Inner::Xlsx { book, data, .. } => {
                if self.rows >= 1_048_575 {
                    return Err(ExportError::TooManyRows);
                }
                let ws = book.worksheet_from_index(*data).map_err(x)?;
                let r = self.rows + 1;
                for (c, v) in cells.iter().enumerate() {
                    match v {
                        Value::Text(s) => ws.write_string(r, c as u16, s).map(|_| ()).map_err(x)?,
                        Value::Number(n) => {
                            ws.write_number(r, c as u16, *n).map(|_| ()).map_err(x)?
                        }
                        Value::Date(d) => write_date(ws, r, c as u16, *d).map_err(x)?,
                        Value::Money(m) => write_money(ws, r, c as u16, *m).map_err(x)?,
                        Value::Empty => {}
                    }
                }
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// Finishes the file; `summary` fills the XLSX summary sheet (ignored for CSV). Returns the
    /// number of data rows.
    pub(crate) fn finish(mut self, summary: &[Section]) -> Result<u32, ExportError> {
        let path = self.path.clone();
        let x = |e: rust_xlsxwriter::XlsxError| xlsx_err(&path, e);
        let Some(inner) = self.inner.as_mut() else {
            return Ok(self.rows);
        };
        match inner {
            Inner::Csv(w) => w.flush().map_err(|e| write_err(&path, e))?,
            Inner::Xlsx {
                book,
                data,
                summary: s,
                columns,
            } => {
                let ws = book.worksheet_from_index(*data).map_err(x)?;
                ws.autofilter(0, 0, self.rows, columns.saturating_sub(1))
                    .map_err(x)?;
                write_summary(book.worksheet_from_index(*s).map_err(x)?, summary).map_err(x)?;
                book.save(&self.partial).map_err(x)?;
            }
        }
        // Closed before it is renamed; `Drop` removes the partial file if the rename fails.
        let inner = self.inner.take();
        drop(inner);
        if let Err(e) = std::fs::rename(&self.partial, &self.path) {
            let _ = std::fs::remove_file(&self.partial);
            return Err(io_err(&self.path, &e));
        }
        Ok(self.rows)
    }
}

fn write_summary(
    ws: &mut Worksheet,
    sections: &[Section],
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let title = Format::new().set_bold().set_font_size(12);
    let head = Format::new().set_bold().set_background_color("D9E1F2");
    ws.set_column_width(0, 44)?;
    for c in 1..8 {
        ws.set_column_width(c, 16)?;
    }
    let mut r = 0u32;
    for s in sections {
        ws.write_string_with_format(r, 0, &s.title, &title)?;
        r += 1;
        for (c, h) in s.header.iter().enumerate() {
            ws.write_string_with_format(r, c as u16, h, &head)?;
        }
        r += 1;
        for row in &s.rows {
            for (c, v) in row.iter().enumerate() {
                match v {
                    Value::Text(t) => ws.write_string(r, c as u16, t).map(|_| ())?,
                    Value::Number(n) => ws.write_number(r, c as u16, *n).map(|_| ())?,
                    Value::Date(d) => write_date(ws, r, c as u16, *d)?,
                    Value::Money(m) => write_money(ws, r, c as u16, *m)?,
                    Value::Empty => {}
                }
            }
            r += 1;
        }
        r += 1;
    }
    Ok(())
}
