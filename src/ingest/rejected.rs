//! `FILE.ditolak.csv`: the rejected rows as written, plus a `kesalahan` column.

use std::{
    fs::File,
    io::{BufWriter, Write},
    path::{Path, PathBuf},
};

use super::{FieldError, RawRow};

/// Writes rejected rows as they are found.
pub struct RejectedWriter {
    path: PathBuf,
    out: csv::Writer<BufWriter<File>>,
    rows: u64,
}

impl RejectedWriter {
    /// The rejected-rows file for `source`: `source` + `.ditolak.csv`.
    pub fn path_for(source: &Path) -> PathBuf {
        let mut name = source.as_os_str().to_owned();
        name.push(".ditolak.csv");
        PathBuf::from(name)
    }

    /// Creates the file (UTF-8 with BOM, so Excel shows names correctly) with the source
    /// header plus `kesalahan`.
    pub fn create(source: &Path, header: &[String]) -> std::io::Result<Self> {
        let path = Self::path_for(source);
        let mut file = BufWriter::new(File::create(&path)?);
        file.write_all(b"\xEF\xBB\xBF")?;
        let mut out = csv::Writer::from_writer(file);
        let mut head: Vec<&str> = header.iter().map(String::as_str).collect();
        head.push("kesalahan");
        out.write_record(&head)?;
        Ok(Self { path, out, rows: 0 })
    }

    /// Appends a rejected row with its errors joined by `; `.
    pub fn write(
        &mut self,
        row: &RawRow,
        width: usize,
        errors: &[FieldError],
    ) -> std::io::Result<()> {
        let mut cells: Vec<std::borrow::Cow<'_, str>> = row
            .cells
            .iter()
            .map(|c| crate::domain::neutralize_formula(&c.text))
            .collect();
        cells.resize(width.max(cells.len()), std::borrow::Cow::Borrowed(""));
        let message = errors
            .iter()
            .map(|e| format!("kolom {}: {}", e.column, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        cells.push(
            crate::domain::neutralize_formula(&message)
                .into_owned()
                .into(),
        );
        self.out.write_record(cells.iter().map(|c| c.as_bytes()))?;
        self.rows += 1;
        Ok(())
    }

    /// Flushes and returns the path and row count.
    pub fn finish(mut self) -> std::io::Result<(PathBuf, u64)> {
        self.out.flush()?;
        Ok((self.path, self.rows))
    }
}
