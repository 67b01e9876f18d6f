//! Writing an import: multi-row inserts inside one transaction (sqlx directly), the archive of
//! changed candidate versions, and the import batch record. Nothing is visible until `finish`.

use std::collections::HashMap;

use super::{
    Backend, Store, StoreError, StoreResult,
    bulk::{BulkInsert, Tx, Val, sql_literal},
    entity::impor,
};
use crate::{
    domain::{AuditStamp, Candidate, EMPLOYEE_FIELDS, Employee, Formation},
    ingest::ImportKind,
};

/// The record of one import.
#[derive(Debug, Clone)]
pub struct ImportBatch {
    /// Batch id (UUID).
    pub id: String,
    /// What was imported.
    pub kind: ImportKind,
    /// File name as given.
    pub file_name: String,
    /// SHA-256 of the file's bytes, hex.
    pub file_hash: String,
    /// Data rows read.
    pub rows: u64,
    /// Rows written.
    pub imported: u64,
    /// Rows rejected (only with `--skip-invalid`).
    pub rejected: u64,
    /// When, epoch milliseconds.
    pub at_ms: i64,
    /// Who ran it.
    pub by: String,
}

/// The columns of `calon` and `calon_arsip`, in bind order.
pub(crate) const CANDIDATE_COLUMNS: [&str; 29] = [
    "instansi",
    "nik",
    "nama",
    "tanggal_lahir",
    "jenis_kelamin",
    "tempat_lahir",
    "pendidikan",
    "jurusan",
    "kategori_pelamar",
    "terdata_bkn",
    "seleksi_2024",
    "hasil_seleksi_2024",
    "ikut_semua_tahap",
    "nilai_seleksi",
    "ppg",
    "aktif_bekerja",
    "tmt_kerja",
    "unit_kerja",
    "kategori_jabatan",
    "jabatan",
    "gaji_terakhir",
    "status_khusus",
    "email",
    "no_hp",
    "data_hash",
    "impor_id",
    "diperbarui_ms",
    "nomor_peserta",
    "alasan_tidak_diusulkan",
];

const FORMATION_COLUMNS: [&str; 13] = [
    "instansi",
    "kode_formasi",
    "unit_kerja",
    "nama_unit",
    "kategori_jabatan",
    "jabatan",
    "pendidikan_minimal",
    "jurusan",
    "jumlah",
    "impor_id",
    "diperbarui_ms",
    "upah",
    "sumber_anggaran",
];

/// The tenant, the employee fields, then the import's bookkeeping.
const EMPLOYEE_COLUMNS: [&str; EMPLOYEE_FIELDS.len() + 3] = employee_columns();

const fn employee_columns() -> [&'static str; EMPLOYEE_FIELDS.len() + 3] {
    let mut out = ["instansi"; EMPLOYEE_FIELDS.len() + 3];
    let mut i = 0;
    while i < EMPLOYEE_FIELDS.len() {
        out[i + 1] = EMPLOYEE_FIELDS[i];
        i += 1;
    }
    out[EMPLOYEE_FIELDS.len() + 1] = "impor_id";
    out[EMPLOYEE_FIELDS.len() + 2] = "diperbarui_ms";
    out
}

/// An open import transaction.
pub struct ImportWriter {
    tx: Tx,
    tenant: String,
    /// The tenant had no candidates when the import started (and imports of a tenant are
    /// serialised), so candidate rows can be inserted without conflict handling or archiving.
    fresh_candidates: bool,
    candidates: BulkInsert,
    formations: BulkInsert,
    employees: BulkInsert,
}

/// Columns with the per-batch constants written as literals.
fn columns(
    names: &[&'static str],
    tenant: &str,
    batch: &str,
    now_ms: i64,
) -> Vec<(&'static str, Option<String>)> {
    names
        .iter()
        .map(|c| {
            let literal = match *c {
                "instansi" => Some(sql_literal(tenant)),
                "impor_id" => Some(sql_literal(batch)),
                "diperbarui_ms" => Some(now_ms.to_string()),
                _ => None,
            };
            (*c, literal)
        })
        .collect()
}

impl ImportKind {
    fn from_code(code: &str) -> Option<Self> {
        [Self::Candidates, Self::Formations, Self::Employees]
            .into_iter()
            .find(|k| k.code() == code)
    }
}

impl Store {
    /// The imports recorded for this tenant, oldest first.
    pub async fn imports(&self) -> StoreResult<Vec<ImportBatch>> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        let rows = impor::Entity::find()
            .filter(impor::Column::Instansi.eq(&self.tenant))
            .order_by_asc(impor::Column::DibuatMs)
            .all(self.conn())
            .await?;
        rows.into_iter()
            .map(|m| {
                Ok(ImportBatch {
                    kind: ImportKind::from_code(&m.jenis)
                        .ok_or_else(|| StoreError::Corrupt(format!("jenis impor '{}'", m.jenis)))?,
                    id: m.id,
                    file_name: m.nama_berkas,
                    file_hash: m.hash,
                    rows: u64::try_from(m.jumlah_baris).unwrap_or_default(),
                    imported: u64::try_from(m.jumlah_diimpor).unwrap_or_default(),
                    rejected: u64::try_from(m.jumlah_ditolak).unwrap_or_default(),
                    at_ms: m.dibuat_ms,
                    by: m.oleh,
                })
            })
            .collect()
    }

    /// Starts an import; nothing is visible to others until [`ImportWriter::finish`]. Imports
    /// of one tenant are serialised.
    pub async fn begin_import(&self, batch_id: &str, now_ms: i64) -> StoreResult<ImportWriter> {
        let mut tx = self.begin_bulk().await?;
        if tx.backend() == Backend::Postgres {
            let lock = format!(
                "SELECT pg_advisory_xact_lock(hashtext('merit-impor-' || {}))",
                sql_literal(&self.tenant)
            );
            tx.execute(lock, &[]).await?;
        }
        let probe = format!(
            "SELECT instansi FROM calon WHERE instansi = {} LIMIT 1",
            tx.placeholder(1)
        );
        let fresh_candidates = tx
            .fetch_texts(probe, &[Val::Text(&self.tenant)], 1)
            .await?
            .is_empty();
        let mut candidates = BulkInsert::new(
            "calon",
            columns(&CANDIDATE_COLUMNS, &self.tenant, batch_id, now_ms),
        );
        if !fresh_candidates {
            candidates = candidates.upsert_on(&["instansi", "nik"]);
        }
        Ok(ImportWriter {
            tx,
            tenant: self.tenant.clone(),
            fresh_candidates,
            candidates,
            formations: BulkInsert::new(
                "formasi",
                columns(&FORMATION_COLUMNS, &self.tenant, batch_id, now_ms),
            )
            .upsert_on(&["instansi", "kode_formasi"]),
            employees: BulkInsert::new(
                "pegawai",
                columns(&EMPLOYEE_COLUMNS, &self.tenant, batch_id, now_ms),
            )
            .upsert_on(&["instansi", "nip"]),
        })
    }

    /// A raw write transaction for bulk work (IMMEDIATE on SQLite).
    pub(crate) async fn begin_bulk(&self) -> StoreResult<Tx> {
        let err = |e: sea_orm::sqlx::Error| StoreError::Db(sea_orm::DbErr::Custom(e.to_string()));
        Ok(match self.backend {
            Backend::Sqlite => Tx::Sqlite(
                self.conn()
                    .get_sqlite_connection_pool()
                    .begin_with("BEGIN IMMEDIATE")
                    .await
                    .map_err(err)?,
            ),
            Backend::Postgres => Tx::Postgres(
                self.conn()
                    .get_postgres_connection_pool()
                    .begin()
                    .await
                    .map_err(err)?,
            ),
        })
    }
}

fn candidate_values<'a>(c: &'a Candidate, hash: &'a str) -> [Val<'a>; 26] {
    [
        Val::Text(c.nik.as_str()),
        Val::Text(&c.nama),
        Val::Date(c.tanggal_lahir),
        Val::Text(c.jenis_kelamin.code()),
        Val::OptText(c.tempat_lahir.as_deref()),
        Val::Text(c.pendidikan.code()),
        Val::OptText(c.jurusan.as_deref()),
        Val::Text(c.kategori_pelamar.code()),
        Val::Bool(c.terdata_bkn),
        Val::Text(c.seleksi_2024.code()),
        Val::Text(c.hasil_seleksi_2024.code()),
        Val::Bool(c.ikut_semua_tahap),
        Val::OptF64(c.nilai_seleksi),
        Val::Bool(c.ppg),
        Val::Bool(c.aktif_bekerja),
        Val::Date(c.tmt_kerja),
        Val::Text(&c.unit_kerja),
        Val::OptText(c.kategori_jabatan.map(|k| k.code())),
        Val::OptText(c.jabatan.as_deref()),
        Val::I64(c.gaji_terakhir),
        Val::OptText(c.status_khusus.map(|s| s.code())),
        Val::OptText(c.email.as_deref()),
        Val::OptText(c.no_hp.as_deref()),
        Val::Text(hash),
        Val::OptText(c.nomor_peserta.as_deref()),
        Val::OptText(c.alasan_tidak_diusulkan.map(|a| a.code())),
    ]
}

impl ImportWriter {
    /// Inserts or updates candidates by NIK. A row whose data changes is first copied to the
    /// archive, so that earlier screening runs stay reproducible.
    pub async fn upsert_candidates(&mut self, rows: &[Candidate]) -> StoreResult<()> {
        // Neighbouring keys land on neighbouring index pages.
        let mut sorted: Vec<(&Candidate, String)> =
            rows.iter().map(|c| (c, c.data_hash())).collect();
        sorted.sort_unstable_by_key(|(c, _)| c.nik);
        if !self.fresh_candidates {
            self.archive_changed(&sorted).await?;
        }
        let values: Vec<Val<'_>> = sorted
            .iter()
            .flat_map(|(c, h)| candidate_values(c, h))
            .collect();
        self.candidates.run(&mut self.tx, &values).await
    }

    /// Copies the current version of every candidate in `rows` whose data differs to the
    /// archive.
    async fn archive_changed(&mut self, rows: &[(&Candidate, String)]) -> StoreResult<()> {
        let new_hash: HashMap<&str, &str> = rows
            .iter()
            .map(|(c, h)| (c.nik.as_str(), h.as_str()))
            .collect();
        for chunk in rows.chunks(2_000) {
            let mut values = vec![Val::Text(&self.tenant)];
            values.extend(chunk.iter().map(|(c, _)| Val::Text(c.nik.as_str())));
            let marks: Vec<String> = (2..=values.len()).map(|n| self.tx.placeholder(n)).collect();
            let lookup = format!(
                "SELECT nik, data_hash FROM calon WHERE instansi = {} AND nik IN ({})",
                self.tx.placeholder(1),
                marks.join(",")
            );
            let changed: Vec<String> = self
                .tx
                .fetch_texts(lookup, &values, 2)
                .await?
                .into_iter()
                .filter(|r| new_hash.get(r[0].as_str()).is_some_and(|h| *h != r[1]))
                .map(|mut r| r.swap_remove(0))
                .collect();
            if changed.is_empty() {
                continue;
            }
            let mut values = vec![Val::Text(&self.tenant)];
            values.extend(changed.iter().map(|n| Val::Text(n)));
            let marks: Vec<String> = (2..=values.len()).map(|n| self.tx.placeholder(n)).collect();
            let cols = CANDIDATE_COLUMNS.join(", ");
            let copy = format!(
                "INSERT INTO calon_arsip ({cols}) SELECT {cols} FROM calon WHERE instansi = {} AND nik IN ({}) \
                 ON CONFLICT (instansi, data_hash) DO NOTHING",
                self.tx.placeholder(1),
                marks.join(",")
            );
            self.tx.execute(copy, &values).await?;
        }
        Ok(())
    }

    /// Inserts or updates formation lines by code.
    pub async fn upsert_formations(&mut self, rows: &[Formation]) -> StoreResult<()> {
        let majors: Vec<Option<String>> = rows
            .iter()
            .map(|f| (!f.jurusan.is_empty()).then(|| f.jurusan.join(";")))
            .collect();
        let values: Vec<Val<'_>> = rows
            .iter()
            .zip(&majors)
            .flat_map(|(f, m)| {
                [
                    Val::Text(&f.kode_formasi),
                    Val::Text(&f.unit_kerja),
                    Val::OptText(f.nama_unit.as_deref()),
                    Val::Text(f.kategori_jabatan.code()),
                    Val::Text(&f.jabatan),
                    Val::Text(f.pendidikan_minimal.code()),
                    Val::OptText(m.as_deref()),
                    Val::I64(i64::from(f.jumlah)),
                    Val::OptI64(f.upah),
                    Val::Text(f.sumber_anggaran.code()),
                ]
            })
            .collect();
        self.formations.run(&mut self.tx, &values).await
    }

    /// Inserts or updates employees by NIP.
    pub async fn upsert_employees(&mut self, rows: &[Employee]) -> StoreResult<()> {
        let history: Vec<Option<String>> = rows
            .iter()
            .map(|e| {
                (!e.riwayat_jenjang.is_empty())
                    .then(|| serde_json::to_string(&e.riwayat_jenjang).unwrap_or_default())
            })
            .collect();
        let values: Vec<Val<'_>> = rows
            .iter()
            .zip(&history)
            .flat_map(|(e, h)| {
                [
                    Val::Text(e.nip.as_str()),
                    Val::Text(&e.nama),
                    Val::Date(e.tanggal_lahir),
                    Val::Text(e.jenis_kelamin.code()),
                    Val::OptText(e.golongan.map(|g| g.code())),
                    Val::Text(e.jenjang.code()),
                    Val::Text(&e.jabatan),
                    Val::Text(&e.unit_kerja),
                    Val::Date(e.tmt_jenjang),
                    Val::Text(e.pendidikan.code()),
                    Val::Text(e.predikat_1.code()),
                    Val::Text(e.predikat_2.code()),
                    Val::Text(e.potensial.code()),
                    Val::I64(e.kotak_talenta.number()),
                    Val::Text(e.hukuman_disiplin.code()),
                    Val::OptText(e.email.as_deref()),
                    Val::OptText(h.as_deref()),
                ]
            })
            .collect();
        self.employees.run(&mut self.tx, &values).await
    }

    /// Records the batch and its audit entry (`stamp`) and commits everything.
    pub async fn finish(mut self, batch: &ImportBatch, stamp: &AuditStamp) -> StoreResult<()> {
        let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        let mut record = BulkInsert::new(
            "impor",
            [
                "id",
                "instansi",
                "jenis",
                "nama_berkas",
                "hash",
                "jumlah_baris",
                "jumlah_diimpor",
                "jumlah_ditolak",
                "dibuat_ms",
                "oleh",
            ]
            .into_iter()
            .map(|c| (c, None))
            .collect(),
        );
        let row = [
            Val::Text(&batch.id),
            Val::Text(&self.tenant),
            Val::Text(batch.kind.code()),
            Val::Text(&batch.file_name),
            Val::Text(&batch.file_hash),
            Val::I64(count(batch.rows)),
            Val::I64(count(batch.imported)),
            Val::I64(count(batch.rejected)),
            Val::I64(batch.at_ms),
            Val::Text(&batch.by),
        ];
        record.run(&mut self.tx, &row).await?;
        super::audit::append_audit_bulk(&mut self.tx, &self.tenant, stamp).await?;
        self.tx.commit().await
    }

    /// Throws everything away.
    pub async fn abandon(self) -> StoreResult<()> {
        self.tx.rollback().await
    }
}
