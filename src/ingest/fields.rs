//! Typed access to one row's cells, collecting `baris N, kolom X: pesan` errors.

use std::{collections::HashMap, fmt};

use chrono::NaiveDate;

use super::{Cell, CellKind, RawRow};
use crate::domain::{self, parse_bool, parse_date, parse_rupiah};

/// One problem with one cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Spreadsheet row number.
    pub row: usize,
    /// Canonical column name.
    pub column: String,
    /// What is wrong, in Bahasa Indonesia.
    pub message: String,
}

impl FieldError {
    /// An error in `column` of `row`.
    pub fn new(row: usize, column: &str, message: impl Into<String>) -> Self {
        Self {
            row,
            column: column.to_owned(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "baris {}, kolom {}: {}",
            self.row, self.column, self.message
        )
    }
}

/// A row seen through the header mapping, collecting errors as fields are read.
pub struct RowView<'a> {
    row: &'a RawRow,
    index: &'a HashMap<&'static str, usize>,
    errors: std::cell::RefCell<Vec<FieldError>>,
}

/// Longest text accepted in a cell (names: [`MAX_NAME`]).
pub(crate) const MAX_TEXT: usize = 500;

/// Longest name accepted.
pub(crate) const MAX_NAME: usize = 200;

/// The longest text `column` accepts.
fn max_chars(column: &str) -> usize {
    if column == "nama" { MAX_NAME } else { MAX_TEXT }
}

const DATE_FORMS: &str = "gunakan YYYY-MM-DD, DD-MM-YYYY atau DD/MM/YYYY";

impl<'a> RowView<'a> {
    pub(super) fn new(row: &'a RawRow, index: &'a HashMap<&'static str, usize>) -> Self {
        Self {
            row,
            index,
            errors: std::cell::RefCell::new(Vec::new()),
        }
    }

    /// The row number.
    pub fn number(&self) -> usize {
        self.row.number
    }

    /// The non-blank cell of a column, if the column exists and has a value.
    pub fn cell(&self, column: &str) -> Option<&'a Cell> {
        let i = *self.index.get(column)?;
        self.row.cells.get(i).filter(|c| !c.is_blank())
    }

    /// Records an error for a column.
    pub fn error(&self, column: &str, message: impl Into<String>) {
        self.errors
            .borrow_mut()
            .push(FieldError::new(self.row.number, column, message));
    }

    /// The errors recorded so far.
    pub fn take_errors(&self) -> Vec<FieldError> {
        std::mem::take(&mut self.errors.borrow_mut())
    }

    /// A required text value, trimmed, at most [`MAX_TEXT`] characters ([`MAX_NAME`] for names).
    pub fn text(&self, column: &str) -> Option<String> {
        match self.cell(column) {
            Some(c) => self.bounded(column, c.text.trim(), max_chars(column)),
            None => {
                self.error(column, "wajib diisi");
                None
            }
        }
    }

    /// An optional text value, trimmed, at most [`MAX_TEXT`] characters ([`MAX_NAME`] for names).
    pub fn opt_text(&self, column: &str) -> Option<String> {
        self.cell(column)
            .and_then(|c| self.bounded(column, c.text.trim(), max_chars(column)))
    }

    /// `text` when it has at most `max` characters, else an error naming the length. Line
    /// breaks and tabs inside a cell become spaces and other control characters (terminal
    /// escapes, NUL) are dropped, except in names, which refuse them (see [`clean_text`]).
    pub fn bounded(&self, column: &str, text: &str, max: usize) -> Option<String> {
        // Counting stops just past the limit: a 50 MB cell costs no more than a short one.
        let n = text.chars().take(max + 1).count();
        if n > max {
            self.error(
                column,
                format!("terlalu panjang; paling banyak {max} karakter"),
            );
            return None;
        }
        if column == "nama" || !text.chars().any(char::is_control) {
            return Some(text.to_owned());
        }
        let flat = text.replace("\r\n", " ").replace(['\r', '\n', '\t'], " ");
        Some(domain::strip_controls(&flat).trim().to_owned())
    }

    /// A required identifier cell: refuses numbers a spreadsheet could not hold exactly.
    pub fn identifier(&self, column: &str, what: &str) -> Option<&'a str> {
        let cell = self.cell(column);
        match cell {
            None => {
                self.error(column, "wajib diisi");
                None
            }
            Some(Cell {
                kind: CellKind::Number { exact: false },
                ..
            }) => {
                self.error(
                    column,
                    format!(
                        "{what} tersimpan sebagai angka di Excel sehingga digit terakhirnya hilang; \
                         format kolom sebagai Teks lalu ketik ulang"
                    ),
                );
                None
            }
            Some(c) => Some(c.text.trim()),
        }
    }

    /// A required date.
    pub fn date(&self, column: &str) -> Option<NaiveDate> {
        let cell = self.cell(column);
        let Some(cell) = cell else {
            self.error(column, "wajib diisi");
            return None;
        };
        self.parse_date_cell(column, cell)
    }

    fn parse_date_cell(&self, column: &str, cell: &Cell) -> Option<NaiveDate> {
        let parsed = parse_date(&cell.text);
        if parsed.is_none() {
            let hint = if matches!(cell.kind, CellKind::Number { .. }) {
                "; sel berisi angka, format sel sebagai tanggal".to_owned()
            } else {
                format!("; {DATE_FORMS}")
            };
            self.error(
                column,
                format!("'{}' bukan tanggal yang sah{hint}", cell.text.trim()),
            );
        }
        parsed
    }

    /// A required boolean.
    pub fn boolean(&self, column: &str) -> Option<bool> {
        match self.cell(column) {
            Some(c) => self.parse_bool_cell(column, c),
            None => {
                self.error(column, "wajib diisi (ya/tidak)");
                None
            }
        }
    }

    /// An optional boolean with a default.
    pub fn opt_boolean(&self, column: &str, default: bool) -> Option<bool> {
        match self.cell(column) {
            Some(c) => self.parse_bool_cell(column, c),
            None => Some(default),
        }
    }

    fn parse_bool_cell(&self, column: &str, cell: &Cell) -> Option<bool> {
        let v = parse_bool(&cell.text);
        if v.is_none() {
            self.error(
                column,
                format!(
                    "'{}' bukan nilai ya/tidak (ya, tidak, y, t, true, false, 1, 0)",
                    cell.text.trim()
                ),
            );
        }
        v
    }

    /// A required enumeration value.
    pub fn code<T, E: fmt::Display>(
        &self,
        column: &str,
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> Option<T> {
        match self.cell(column) {
            Some(c) => parse(&c.text)
                .map_err(|e| self.error(column, e.to_string()))
                .ok(),
            None => {
                self.error(column, "wajib diisi");
                None
            }
        }
    }

    /// An optional enumeration value: `Some(None)` when blank, `None` when invalid.
    pub fn opt_code<T, E: fmt::Display>(
        &self,
        column: &str,
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> Option<Option<T>> {
        match self.cell(column) {
            Some(c) => parse(&c.text)
                .map(Some)
                .map_err(|e| self.error(column, e.to_string()))
                .ok(),
            None => Some(None),
        }
    }

    /// A required whole rupiah amount (not negative).
    pub fn rupiah(&self, column: &str) -> Option<i64> {
        let Some(cell) = self.cell(column) else {
            self.error(column, "wajib diisi (isi 0 bila tidak ada)");
            return None;
        };
        let v = parse_rupiah(&cell.text);
        if v.is_none() {
            self.error(
                column,
                format!(
                    "'{}' bukan jumlah rupiah bulat (contoh 1750000)",
                    cell.text.trim()
                ),
            );
        }
        v
    }

    /// An optional whole rupiah amount: `Some(None)` when blank, `None` when invalid.
    pub fn opt_rupiah(&self, column: &str) -> Option<Option<i64>> {
        if self.cell(column).is_none() {
            return Some(None);
        }
        self.rupiah(column).map(Some)
    }

    /// An optional decimal number (`85.5` or `85,5`).
    pub fn opt_decimal(&self, column: &str) -> Option<Option<f64>> {
        let Some(cell) = self.cell(column) else {
            return Some(None);
        };
        match cell.text.trim().replace(',', ".").parse::<f64>() {
            Ok(v) if v.is_finite() => Some(Some(v)),
            _ => {
                self.error(column, format!("'{}' bukan angka", cell.text.trim()));
                None
            }
        }
    }

    /// A required whole number within bounds.
    pub fn integer(&self, column: &str, min: i64, max: i64) -> Option<i64> {
        let Some(cell) = self.cell(column) else {
            self.error(column, "wajib diisi");
            return None;
        };
        self.parse_integer_cell(column, cell, min, max)
    }

    /// An optional whole number within bounds.
    pub fn opt_integer(&self, column: &str, min: i64, max: i64) -> Option<Option<i64>> {
        match self.cell(column) {
            Some(cell) => self.parse_integer_cell(column, cell, min, max).map(Some),
            None => Some(None),
        }
    }

    fn parse_integer_cell(&self, column: &str, cell: &Cell, min: i64, max: i64) -> Option<i64> {
        match cell.text.trim().parse::<i64>() {
            Ok(v) if (min..=max).contains(&v) => Some(v),
            Ok(v) => {
                self.error(column, format!("{v} di luar batas {min}–{max}"));
                None
            }
            Err(_) => {
                self.error(
                    column,
                    format!("'{}' bukan bilangan bulat", cell.text.trim()),
                );
                None
            }
        }
    }
}

/// Checks a free-text field for sanity (no control characters), returning it.
pub(super) fn clean_text(
    view: &RowView<'_>,
    column: &str,
    value: Option<String>,
) -> Option<String> {
    let v = value?;
    if v.chars().any(|c| c.is_control() && c != '\t') {
        view.error(column, "berisi karakter kendali yang tidak boleh ada");
        return None;
    }
    Some(v)
}

/// NIK column.
pub(super) fn nik(view: &RowView<'_>) -> Option<domain::Nik> {
    let raw = view.identifier("nik", "NIK")?;
    domain::Nik::parse(raw)
        .map_err(|e| view.error("nik", e.to_string()))
        .ok()
}

/// NIP column.
pub(super) fn nip(view: &RowView<'_>) -> Option<domain::Nip> {
    let raw = view.identifier("nip", "NIP")?;
    domain::Nip::parse(raw)
        .map_err(|e| view.error("nip", e.to_string()))
        .ok()
}
