//! Writing an import: upserts in multi-row statements inside one transaction, the archive of
//! candidate data versions, and the import batch record. Nothing is visible until `finish`.

use sea_orm::{
    ConnectionTrait, DatabaseTransaction, EntityTrait, IntoActiveModel,
    sea_query::{Expr, OnConflict, Query},
};

use super::{
    Store, StoreError, StoreResult,
    entity::{calon, calon_arsip, formasi, impor, pegawai},
    rows_per_statement,
};
use crate::domain::{Candidate, Employee, Formation};

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

/// An open import transaction.
pub struct ImportWriter {
    txn: DatabaseTransaction,
    tenant: String,
    batch_id: String,
    now_ms: i64,
}

impl Store {
    /// Starts an import; nothing is visible to others until [`ImportWriter::finish`].
    pub async fn begin_import(&self, batch_id: &str, now_ms: i64) -> StoreResult<ImportWriter> {
        Ok(ImportWriter {
            txn: self.begin_write().await?,
            tenant: self.tenant.clone(),
            batch_id: batch_id.to_owned(),
            now_ms,
        })
    }
}

fn text(s: &str) -> Expr {
    Expr::value(s.to_owned())
}

fn opt_text(s: Option<&str>) -> Expr {
    Expr::value(s.map(str::to_owned))
}

impl ImportWriter {
    /// Inserts or updates candidates by NIK, and archives each distinct data version.
    pub async fn upsert_candidates(&mut self, rows: &[Candidate]) -> StoreResult<()> {
        use calon::Column as C;
        let columns = [
            C::Instansi,
            C::Nik,
            C::Nama,
            C::TanggalLahir,
            C::JenisKelamin,
            C::TempatLahir,
            C::Pendidikan,
            C::Jurusan,
            C::KategoriPelamar,
            C::TerdataBkn,
            C::Seleksi2024,
            C::HasilSeleksi2024,
            C::IkutSemuaTahap,
            C::NilaiSeleksi,
            C::Ppg,
            C::AktifBekerja,
            C::TmtKerja,
            C::UnitKerja,
            C::KategoriJabatan,
            C::Jabatan,
            C::GajiTerakhir,
            C::StatusKhusus,
            C::Email,
            C::NoHp,
            C::DataHash,
            C::ImporId,
            C::DiperbaruiMs,
        ];
        for chunk in rows.chunks(rows_per_statement(columns.len())) {
            let mut insert = Query::insert();
            insert.into_table(calon::Entity).columns(columns);
            let mut archive = Query::insert();
            archive.into_table(calon_arsip::Entity).columns([
                calon_arsip::Column::Instansi,
                calon_arsip::Column::DataHash,
                calon_arsip::Column::Data,
            ]);
            for c in chunk {
                let hash = c.data_hash();
                let json =
                    serde_json::to_string(c).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                insert
                    .values([
                        text(&self.tenant),
                        text(c.nik.as_str()),
                        text(&c.nama),
                        Expr::value(c.tanggal_lahir),
                        text(c.jenis_kelamin.code()),
                        opt_text(c.tempat_lahir.as_deref()),
                        text(c.pendidikan.code()),
                        opt_text(c.jurusan.as_deref()),
                        text(c.kategori_pelamar.code()),
                        Expr::value(c.terdata_bkn),
                        text(c.seleksi_2024.code()),
                        text(c.hasil_seleksi_2024.code()),
                        Expr::value(c.ikut_semua_tahap),
                        Expr::value(c.nilai_seleksi),
                        Expr::value(c.ppg),
                        Expr::value(c.aktif_bekerja),
                        Expr::value(c.tmt_kerja),
                        text(&c.unit_kerja),
                        opt_text(c.kategori_jabatan.map(|k| k.code())),
                        opt_text(c.jabatan.as_deref()),
                        Expr::value(c.gaji_terakhir),
                        opt_text(c.status_khusus.map(|s| s.code())),
                        opt_text(c.email.as_deref()),
                        opt_text(c.no_hp.as_deref()),
                        text(&hash),
                        text(&self.batch_id),
                        Expr::value(self.now_ms),
                    ])
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                archive
                    .values([text(&self.tenant), text(&hash), Expr::value(json)])
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            }
            insert.on_conflict(
                OnConflict::columns([C::Instansi, C::Nik])
                    .update_columns(columns.into_iter().skip(2))
                    .to_owned(),
            );
            archive.on_conflict(
                OnConflict::columns([calon_arsip::Column::Instansi, calon_arsip::Column::DataHash])
                    .do_nothing()
                    .to_owned(),
            );
            self.txn.execute(&insert).await?;
            self.txn.execute(&archive).await?;
        }
        Ok(())
    }

    /// Inserts or updates formation lines by code.
    pub async fn upsert_formations(&mut self, rows: &[Formation]) -> StoreResult<()> {
        use formasi::Column as C;
        let columns = [
            C::Instansi,
            C::KodeFormasi,
            C::UnitKerja,
            C::NamaUnit,
            C::KategoriJabatan,
            C::Jabatan,
            C::PendidikanMinimal,
            C::Jurusan,
            C::Jumlah,
            C::ImporId,
            C::DiperbaruiMs,
        ];
        for chunk in rows.chunks(rows_per_statement(columns.len())) {
            let mut insert = Query::insert();
            insert.into_table(formasi::Entity).columns(columns);
            for f in chunk {
                let majors = (!f.jurusan.is_empty()).then(|| f.jurusan.join(";"));
                insert
                    .values([
                        text(&self.tenant),
                        text(&f.kode_formasi),
                        text(&f.unit_kerja),
                        opt_text(f.nama_unit.as_deref()),
                        text(f.kategori_jabatan.code()),
                        text(&f.jabatan),
                        text(f.pendidikan_minimal.code()),
                        Expr::value(majors),
                        Expr::value(i32::try_from(f.jumlah).unwrap_or(i32::MAX)),
                        text(&self.batch_id),
                        Expr::value(self.now_ms),
                    ])
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            }
            insert.on_conflict(
                OnConflict::columns([C::Instansi, C::KodeFormasi])
                    .update_columns(columns.into_iter().skip(2))
                    .to_owned(),
            );
            self.txn.execute(&insert).await?;
        }
        Ok(())
    }

    /// Inserts or updates employees by NIP.
    pub async fn upsert_employees(&mut self, rows: &[Employee]) -> StoreResult<()> {
        use pegawai::Column as C;
        let columns = [
            C::Instansi,
            C::Nip,
            C::Nama,
            C::TanggalLahir,
            C::JenisKelamin,
            C::Golongan,
            C::Jenjang,
            C::Jabatan,
            C::UnitKerja,
            C::TmtJenjang,
            C::Pendidikan,
            C::Predikat1,
            C::Predikat2,
            C::Potensial,
            C::KotakTalenta,
            C::HukumanDisiplin,
            C::Email,
            C::ImporId,
            C::DiperbaruiMs,
        ];
        for chunk in rows.chunks(rows_per_statement(columns.len())) {
            let mut insert = Query::insert();
            insert.into_table(pegawai::Entity).columns(columns);
            for e in chunk {
                insert
                    .values([
                        text(&self.tenant),
                        text(e.nip.as_str()),
                        text(&e.nama),
                        Expr::value(e.tanggal_lahir),
                        text(e.jenis_kelamin.code()),
                        opt_text(e.golongan.map(|g| g.code())),
                        text(e.jenjang.code()),
                        text(&e.jabatan),
                        text(&e.unit_kerja),
                        Expr::value(e.tmt_jenjang),
                        text(e.pendidikan.code()),
                        text(e.predikat_1.code()),
                        text(e.predikat_2.code()),
                        text(e.potensial.code()),
                        Expr::value(e.kotak_talenta.number() as i16),
                        text(e.hukuman_disiplin.code()),
                        opt_text(e.email.as_deref()),
                        text(&self.batch_id),
                        Expr::value(self.now_ms),
                    ])
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            }
            insert.on_conflict(
                OnConflict::columns([C::Instansi, C::Nip])
                    .update_columns(columns.into_iter().skip(2))
                    .to_owned(),
            );
            self.txn.execute(&insert).await?;
        }
        Ok(())
    }

    /// Records the batch and commits everything.
    pub async fn finish(self, batch: &ImportBatch) -> StoreResult<()> {
        let record = impor::Model {
            id: batch.id.clone(),
            instansi: self.tenant.clone(),
            jenis: batch.kind.code().to_owned(),
            nama_berkas: batch.file_name.clone(),
            hash: batch.file_hash.clone(),
            jumlah_baris: i64::try_from(batch.rows).unwrap_or(i64::MAX),
            jumlah_diimpor: i64::try_from(batch.imported).unwrap_or(i64::MAX),
            jumlah_ditolak: i64::try_from(batch.rejected).unwrap_or(i64::MAX),
            dibuat_ms: batch.at_ms,
            oleh: batch.by.clone(),
        };
        impor::Entity::insert(record.into_active_model())
            .exec(&self.txn)
            .await?;
        self.txn.commit().await?;
        Ok(())
    }

    /// Throws everything away.
    pub async fn abandon(self) -> StoreResult<()> {
        self.txn.rollback().await?;
        Ok(())
    }
}
