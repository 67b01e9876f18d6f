//! `merit import`: stream a file through validation into one transaction.
//!
//! A blocking thread reads and validates rows and hands over batches of records; the async
//! side writes them. Without `--skip-invalid` the first invalid row stops writing (validation
//! goes on to report every error) and the transaction is rolled back: nothing is written.

use std::path::{Path, PathBuf};

use tokio::sync::mpsc;

use super::{App, ServiceError, ground::audit::Actor};
use crate::{
    domain::{Candidate, Employee, Formation},
    ingest::ImportKind,
    ingest::{
        CandidateSchema, Checked, EmployeeSchema, FieldError, FileError, FileInfo, FormationSchema,
        RawRow, ReadLimits, RejectedWriter, RowSink, Schema, Validator, read_table,
    },
    progress::{Progress, SharedProgress},
    store::{ImportBatch, ImportWriter},
};

/// What to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Candidates, formations or employees.
    pub kind: ImportKind,
    /// The file.
    pub path: PathBuf,
    /// Import the valid rows and write the others to `FILE.ditolak.csv`.
    pub skip_invalid: bool,
    /// Accept formations that ask less than the jabatan catalogue (each is reported as a
    /// warning and counted in the audit entry); refused otherwise.
    pub izinkan_di_bawah_katalog: bool,
    /// Sheet of a workbook (default: the first).
    pub sheet: Option<String>,
    /// The name the file is known by, in the report and the audit log (an upload's original
    /// name); default: the path.
    pub berkas: Option<String>,
    /// Who runs the import (audited; the batch records `actor.orang`).
    pub actor: Actor,
    /// Bytes read so far, for a progress bar.
    pub progress: Option<SharedProgress>,
}

/// What an import did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportReport {
    /// Batch id (also when nothing was written).
    pub impor_id: String,
    /// `calon`, `formasi` or `pegawai`.
    pub jenis: &'static str,
    /// The path of the file read, as given (display form).
    pub berkas: String,
    /// Format, delimiter and encoding as detected.
    pub format: String,
    /// Non-blank data rows read.
    pub baris: u64,
    /// Rows written (inserted or updated).
    pub diimpor: u64,
    /// Rows rejected.
    pub ditolak: u64,
    /// Formations below the jabatan catalogue accepted with `--izinkan-di-bawah-katalog`.
    pub di_bawah_katalog: u64,
    /// Whether anything was written.
    pub disimpan: bool,
    /// Columns in the file that merit does not know (ignored).
    pub kolom_diabaikan: Vec<String>,
    /// Errors (the first 1,000; every one was passed to the reporter).
    pub kesalahan: Vec<String>,
    /// Warnings that did not reject a row.
    pub peringatan: Vec<String>,
    /// `FILE.ditolak.csv`, when rows were rejected with `--skip-invalid`.
    pub berkas_ditolak: Option<String>,
}

const BATCH: usize = 10_000;
const KEEP_MESSAGES: usize = 1_000;

enum Msg<T> {
    Header { unknown: Vec<String> },
    Batch(Vec<T>),
    Errors(Vec<FieldError>),
    Warnings(Vec<FieldError>),
}

/// Imports a file; `report` is called with every row error as soon as it is found.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn import(
    app: &App,
    opts: &ImportOptions,
    mut report: impl FnMut(&FieldError) + Send,
) -> Result<ImportReport, ServiceError> {
    match opts.kind {
        ImportKind::Candidates => {
            run::<CandidateSchema, _>(app, opts, &mut report, Box::new(|_, _| None)).await
        }
        ImportKind::Formations => {
            let catalogue = crate::service::ground::rules::job_catalogue(app).await?;
            let lenient = opts.izinkan_di_bawah_katalog;
            let check: RowCheck<Formation> = Box::new(move |f, row| {
                catalogue.shortfall(f).map(|why| {
                    let e = FieldError::new(row, "pendidikan_minimal", why);
                    if lenient { Err(e) } else { Ok(e) }
                })
            });
            run::<FormationSchema, _>(app, opts, &mut report, check).await
        }
        ImportKind::Employees => {
            run::<EmployeeSchema, _>(app, opts, &mut report, Box::new(|_, _| None)).await
        }
    }
}

/// Words every catalogue shortfall carries (see [`crate::domain::JobCatalogue::shortfall`]).
const CATALOGUE_MARK: &str = "menurut katalog jabatan";

/// A check of a valid record against what the file format cannot know (the jabatan
/// catalogue): `Some(Ok(e))` refuses the row with `e`, `Some(Err(e))` accepts it with `e` as
/// a warning.
type RowCheck<R> = Box<dyn Fn(&R, usize) -> Option<Result<FieldError, FieldError>> + Send>;

/// Writes a batch of a given record type.
trait Upsert: Sized + Send + 'static {
    async fn upsert(
        writer: &mut ImportWriter,
        rows: &[Self],
    ) -> Result<(), crate::store::StoreError>;
}

impl Upsert for Candidate {
    async fn upsert(w: &mut ImportWriter, rows: &[Self]) -> Result<(), crate::store::StoreError> {
        w.upsert_candidates(rows).await
    }
}
impl Upsert for Formation {
    async fn upsert(w: &mut ImportWriter, rows: &[Self]) -> Result<(), crate::store::StoreError> {
        w.upsert_formations(rows).await
    }
}
impl Upsert for Employee {
    async fn upsert(w: &mut ImportWriter, rows: &[Self]) -> Result<(), crate::store::StoreError> {
        w.upsert_employees(rows).await
    }
}

async fn run<S, R>(
    app: &App,
    opts: &ImportOptions,
    report: &mut R,
    check: RowCheck<S::Record>,
) -> Result<ImportReport, ServiceError>
where
    S: Schema + Send + 'static,
    S::Record: Upsert,
    R: FnMut(&FieldError) + Send,
{
    let batch_id = uuid::Uuid::now_v7().to_string();
    let now_ms = app.clock.now_ms();
    let (tx, mut rx) = mpsc::channel::<Msg<S::Record>>(4);
    let path = opts.path.clone();
    let sheet = opts.sheet.clone();
    let skip_invalid = opts.skip_invalid;
    let progress = opts.progress.clone();
    let limits = app.settings.read_limits;
    let reader = tokio::task::spawn_blocking(move || {
        read_and_validate::<S>(
            &path,
            sheet.as_deref(),
            skip_invalid,
            tx,
            progress.as_deref(),
            &limits,
            check,
        )
    });

    // The entry is prepared before the import's write transaction opens (preparing it may
    // write: the key's secret on first use), and completed with the counts at the end.
    let stamp = crate::service::ground::audit::stamp(
        app,
        &opts.actor,
        crate::domain::Action::Impor,
        &opts
            .berkas
            .clone()
            .unwrap_or_else(|| opts.path.display().to_string()),
        "",
    )
    .await?;
    let mut writer = Some(app.store.begin_import(&batch_id, now_ms).await?);
    let mut out = ImportReport {
        impor_id: batch_id.clone(),
        jenis: opts.kind.code(),
        berkas: opts
            .berkas
            .clone()
            .unwrap_or_else(|| opts.path.display().to_string()),
        format: String::new(),
        baris: 0,
        diimpor: 0,
        ditolak: 0,
        di_bawah_katalog: 0,
        disimpan: false,
        kolom_diabaikan: Vec::new(),
        kesalahan: Vec::new(),
        peringatan: Vec::new(),
        berkas_ditolak: None,
    };
    let mut write_error = None;
    while let Some(msg) = rx.recv().await {
        match msg {
            Msg::Header { unknown } => out.kolom_diabaikan = unknown,
            Msg::Batch(rows) => {
                if let Some(w) = writer.as_mut() {
                    if let Err(e) = S::Record::upsert(w, &rows).await {
                        write_error = Some(e);
                        break;
                    }
                    out.diimpor += rows.len() as u64;
                }
            }
            Msg::Errors(errors) => {
                // One message per rejected row.
                out.ditolak += 1;
                for e in &errors {
                    report(e);
                    if out.kesalahan.len() < KEEP_MESSAGES {
                        out.kesalahan.push(e.to_string());
                    }
                }
            }
            Msg::Warnings(warnings) => {
                for w in warnings {
                    if w.message.contains(CATALOGUE_MARK) {
                        out.di_bawah_katalog += 1;
                    }
                    if out.peringatan.len() < KEEP_MESSAGES {
                        out.peringatan.push(w.to_string());
                    }
                }
            }
        }
    }
    drop(rx);
    let read = reader
        .await
        .map_err(|e| ServiceError::unexpected("pembacaan berkas terhenti", e))?;
    let writer = writer
        .take()
        .ok_or_else(|| ServiceError::internal("transaksi impor hilang"))?;
    if let Some(e) = write_error {
        writer.abandon().await.ok();
        return Err(e.into());
    }
    let (info, rows_read, rejected_file) = match read {
        Ok(v) => v,
        Err(e) => {
            writer.abandon().await?;
            return Err(e.into());
        }
    };
    out.format = info.description;
    out.baris = rows_read;
    out.berkas_ditolak = rejected_file.map(|p| p.display().to_string());
    if out.ditolak > 0 && !opts.skip_invalid {
        writer.abandon().await?;
        out.diimpor = 0;
        return Ok(out);
    }
    let batch = ImportBatch {
        id: batch_id,
        kind: opts.kind,
        file_name: opts
            .path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default(),
        file_hash: info.hash,
        rows: out.baris,
        imported: out.diimpor,
        rejected: out.ditolak,
        at_ms: now_ms,
        by: opts.actor.orang.clone(),
    };
    let what = match opts.kind {
        ImportKind::Candidates => "calon",
        ImportKind::Formations => "baris formasi",
        ImportKind::Employees => "pegawai",
    };
    let stamp = stamp.detailed(&format!(
        "{} {what} diimpor, {} baris ditolak{}",
        out.diimpor,
        out.ditolak,
        if out.di_bawah_katalog > 0 {
            format!(
                "; {} formasi di bawah katalog jabatan diizinkan (--izinkan-di-bawah-katalog)",
                out.di_bawah_katalog
            )
        } else {
            String::new()
        }
    ));
    writer.finish(&batch, &stamp).await?;
    out.disimpan = true;
    // Figures derived from the formations are read again.
    if let Ok(mut fill) = app.caches.unit_fill.lock() {
        *fill = None;
    }
    Ok(out)
}

/// The blocking half: read the table, validate each row, send batches and errors.
fn read_and_validate<S: Schema>(
    path: &Path,
    sheet: Option<&str>,
    skip_invalid: bool,
    tx: mpsc::Sender<Msg<S::Record>>,
    progress: Option<&Progress>,
    limits: &ReadLimits,
    check: RowCheck<S::Record>,
) -> Result<(FileInfo, u64, Option<PathBuf>), FileError> {
    struct Sink<'p, S: Schema> {
        check: RowCheck<S::Record>,
        path: &'p Path,
        skip_invalid: bool,
        tx: mpsc::Sender<Msg<S::Record>>,
        validator: Option<Validator<S>>,
        batch: Vec<S::Record>,
        rejected: Option<RejectedWriter>,
        failed: bool,
        rows: u64,
    }

    impl<S: Schema> Sink<'_, S> {
        fn send(&self, msg: Msg<S::Record>) -> Result<(), FileError> {
            self.tx
                .blocking_send(msg)
                .map_err(|_| FileError::Stopped("penulisan ke basis data berhenti".into()))
        }

        fn flush(&mut self) -> Result<(), FileError> {
            if !self.batch.is_empty() {
                let batch = std::mem::take(&mut self.batch);
                self.send(Msg::Batch(batch))?;
            }
            Ok(())
        }
    }

    impl<S: Schema> RowSink for Sink<'_, S> {
        fn header(&mut self, cells: Vec<String>) -> Result<(), FileError> {
            let (validator, unknown) = Validator::<S>::new(&cells).map_err(|e| match e {
                FileError::MissingColumns(_) if cells.len() == 1 => FileError::NotTable(format!(
                    "hanya satu kolom terbaca ('{}'); pastikan berkas CSV memakai pemisah koma atau titik koma",
                    cells[0].chars().take(60).collect::<String>()
                )),
                other => other,
            })?;
            self.validator = Some(validator);
            self.send(Msg::Header { unknown })
        }

        fn row(&mut self, row: RawRow) -> Result<(), FileError> {
            let Some(validator) = self.validator.as_mut() else {
                return Err(FileError::Empty);
            };
            self.rows += 1;
            let mut warnings = Vec::new();
            let checked = match validator.check(&row, &mut warnings) {
                Checked::Valid(record) => match (self.check)(&record, row.number) {
                    Some(Ok(refused)) => Checked::Invalid(vec![refused]),
                    Some(Err(allowed)) => {
                        warnings.push(allowed);
                        Checked::Valid(record)
                    }
                    None => Checked::Valid(record),
                },
                invalid => invalid,
            };
            let header = validator.header().to_vec();
            if !warnings.is_empty() {
                self.send(Msg::Warnings(warnings))?;
            }
            match checked {
                Checked::Valid(record) => {
                    if self.skip_invalid || !self.failed {
                        self.batch.push(record);
                        if self.batch.len() >= BATCH {
                            self.flush()?;
                        }
                    }
                }
                Checked::Invalid(errors) => {
                    if self.skip_invalid {
                        if self.rejected.is_none() {
                            self.rejected =
                                Some(RejectedWriter::create(self.path, &header).map_err(|e| {
                                    FileError::Io {
                                        path: RejectedWriter::path_for(self.path)
                                            .display()
                                            .to_string(),
                                        message: e.to_string(),
                                    }
                                })?);
                        }
                        let width = header.len();
                        if let Some(w) = self.rejected.as_mut() {
                            w.write(&row, width, &errors).map_err(|e| FileError::Io {
                                path: RejectedWriter::path_for(self.path).display().to_string(),
                                message: e.to_string(),
                            })?;
                        }
                    } else {
                        self.failed = true;
                        self.batch.clear();
                    }
                    self.send(Msg::Errors(errors))?;
                }
            }
            Ok(())
        }
    }

    // A rejected-rows file from an earlier run would describe a file that has since changed.
    let stale = RejectedWriter::path_for(path);
    if stale.exists() {
        std::fs::remove_file(&stale).map_err(|e| FileError::Io {
            path: stale.display().to_string(),
            message: crate::domain::io_message(&e),
        })?;
    }
    let mut sink = Sink::<S> {
        check,
        path,
        skip_invalid,
        tx,
        validator: None,
        batch: Vec::new(),
        rejected: None,
        failed: false,
        rows: 0,
    };
    let info = read_table(path, sheet, &mut sink, progress, limits)?;
    sink.flush()?;
    let rejected = match sink.rejected.take() {
        Some(w) => Some(
            w.finish()
                .map_err(|e| FileError::Io {
                    path: stale.display().to_string(),
                    message: crate::domain::io_message(&e),
                })?
                .0,
        ),
        None => None,
    };
    Ok((info, sink.rows, rejected))
}
