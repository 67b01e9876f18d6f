//! READ inputs: CSV and XLSX tables into domain records (interfaces.md section 2).
//!
//! Reading is streaming and callback-driven: [`read_table`] pushes rows into a [`RowSink`] as
//! they are read, so a million-row file never sits in memory. [`Validator`] turns raw rows into
//! records or per-column errors (`baris N, kolom X: pesan`), including duplicate keys.

mod candidates;
mod cell;
mod employees;
mod fields;
mod formations;
mod rejected;
mod table;

pub use candidates::CandidateSchema;
pub use cell::{Cell, CellKind};
pub use employees::EmployeeSchema;
pub use fields::{FieldError, RowView};
pub use formations::FormationSchema;
pub use rejected::RejectedWriter;
pub use table::{FileError, FileInfo, RawRow, ReadLimits, RowSink, read_table};

use std::collections::HashMap;

/// What an import file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// `merit import candidates`.
    Candidates,
    /// `merit import formations`.
    Formations,
    /// `merit import employees`.
    Employees,
}

impl ImportKind {
    /// The code stored in the batch record.
    pub fn code(self) -> &'static str {
        match self {
            Self::Candidates => "calon",
            Self::Formations => "formasi",
            Self::Employees => "pegawai",
        }
    }
}

/// A column a schema knows.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Canonical (normalised) name.
    pub name: &'static str,
    /// Whether a file must have it.
    pub required: bool,
}

/// The key used to spot a record appearing twice in one file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RecordKey {
    /// A numeric identifier (NIK, NIP).
    Number(u64),
    /// A text code.
    Text(String),
}

/// How one kind of file maps to records.
pub trait Schema {
    /// The record type.
    type Record: Send + 'static;
    /// Columns, in documentation order.
    const COLUMNS: &'static [Column];
    /// The key column.
    const KEY: &'static str;
    /// Parses one row; warnings do not reject the row.
    fn parse(
        row: &RowView<'_>,
        warnings: &mut Vec<FieldError>,
    ) -> Result<Self::Record, Vec<FieldError>>;
    /// The record's key.
    fn key(record: &Self::Record) -> RecordKey;
}

/// Parses one record from (column, value) pairs as if they were a one-row file: the same
/// validation as an import. Unknown columns are errors here (a misspelt field in a test case
/// must not be silently ignored).
pub fn parse_pairs<S: Schema>(pairs: &[(String, String)]) -> Result<S::Record, Vec<FieldError>> {
    let unknown: Vec<FieldError> = pairs
        .iter()
        .filter(|(k, _)| {
            !S::COLUMNS
                .iter()
                .any(|c| c.name == crate::domain::normalize_key(k))
        })
        .map(|(k, _)| FieldError::new(0, k, "kolom tidak dikenal"))
        .collect();
    if !unknown.is_empty() {
        return Err(unknown);
    }
    let header: Vec<String> = pairs.iter().map(|(k, _)| k.clone()).collect();
    let (mut validator, _) =
        Validator::<S>::new(&header).map_err(|e| vec![FieldError::new(0, "", e.to_string())])?;
    let row = RawRow {
        number: 0,
        cells: pairs.iter().map(|(_, v)| Cell::text(v.clone())).collect(),
    };
    match validator.check(&row, &mut Vec::new()) {
        Checked::Valid(r) => Ok(r),
        Checked::Invalid(errors) => Err(errors),
    }
}

/// The outcome of validating one row.
#[derive(Debug)]
pub enum Checked<T> {
    /// A record to write.
    Valid(T),
    /// A row to reject, with every error found in it.
    Invalid(Vec<FieldError>),
}

/// A multiplicative hasher for keys that are already well spread (identifiers): SipHash's DoS
/// resistance buys nothing here and costs a third of the validation time on big files.
#[derive(Default, Clone, Copy)]
struct SpreadHasher(u64);

impl std::hash::Hasher for SpreadHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 =
                (self.0.rotate_left(5) ^ u64::from(*b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type Spread = std::hash::BuildHasherDefault<SpreadHasher>;

/// Keys seen so far in a file, with the row they were first seen on.
#[derive(Debug, Default)]
struct SeenKeys {
    numbers: HashMap<u64, u32, Spread>,
    texts: HashMap<String, u32, Spread>,
}

impl SeenKeys {
    /// The earlier row of `key`, or records it at `row`.
    fn first_row(&mut self, key: RecordKey, row: usize) -> Option<usize> {
        let row = u32::try_from(row).unwrap_or(u32::MAX);
        let earlier = match key {
            RecordKey::Number(n) => *self.numbers.entry(n).or_insert(row),
            RecordKey::Text(t) => *self.texts.entry(t).or_insert(row),
        };
        (earlier != row).then_some(earlier as usize)
    }
}

/// Matches a header to a schema and validates rows one by one.
#[derive(Debug)]
pub struct Validator<S: Schema> {
    /// Column index per canonical name.
    index: HashMap<&'static str, usize>,
    /// Header cells as written (for the rejected-rows file).
    header: Vec<String>,
    seen: SeenKeys,
    _schema: std::marker::PhantomData<S>,
}

impl<S: Schema> Validator<S> {
    /// Matches the header: names case-insensitively, spaces as `_`. Returns the validator and
    /// the names of ignored (unknown) columns, or the missing required columns.
    pub fn new(header: &[String]) -> Result<(Self, Vec<String>), FileError> {
        let mut index = HashMap::new();
        let mut unknown = Vec::new();
        for (i, raw) in header.iter().enumerate() {
            let key = crate::domain::normalize_key(raw);
            if key.is_empty() {
                continue;
            }
            match S::COLUMNS.iter().find(|c| c.name == key) {
                Some(col) => {
                    if index.insert(col.name, i).is_some() {
                        return Err(FileError::DuplicateColumn(col.name.to_owned()));
                    }
                }
                None => unknown.push(raw.trim().to_owned()),
            }
        }
        let missing: Vec<String> = S::COLUMNS
            .iter()
            .filter(|c| c.required && !index.contains_key(c.name))
            .map(|c| c.name.to_owned())
            .collect();
        if !missing.is_empty() {
            return Err(FileError::MissingColumns(missing));
        }
        Ok((
            Self {
                index,
                header: header.to_vec(),
                seen: SeenKeys::default(),
                _schema: std::marker::PhantomData,
            },
            unknown,
        ))
    }

    /// The header as written.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// Validates a row: fields, then the key against earlier rows of the same file.
    pub fn check(&mut self, row: &RawRow, warnings: &mut Vec<FieldError>) -> Checked<S::Record> {
        let view = RowView::new(row, &self.index);
        match S::parse(&view, warnings) {
            Ok(record) => match self.seen.first_row(S::key(&record), row.number) {
                Some(first) => Checked::Invalid(vec![FieldError::new(
                    row.number,
                    S::KEY,
                    format!(
                        "{} yang sama sudah ada di baris {first}",
                        S::KEY.to_uppercase()
                    ),
                )]),
                None => Checked::Valid(record),
            },
            Err(errors) => Checked::Invalid(errors),
        }
    }
}
