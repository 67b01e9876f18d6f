//! Placements: the eligible candidates of a run with the data placement needs, and the stored
//! result of each placement.

use sea_orm::{QueryResult, Value};

use super::{
    Store, StoreResult,
    bulk::{BulkInsert, Val, sql_literal},
    corrupt, get, placeholders,
};
use crate::{
    domain::{AuditStamp, KategoriJabatan, Nik, Pendidikan},
    placement::{Applicant, Placement, PlacementLine, PlacementRecord},
};

fn record_from(r: &QueryResult) -> StoreResult<PlacementRecord> {
    let n = |i| get::<i64>(r, i).map(|v| u64::try_from(v).unwrap_or_default());
    Ok(PlacementRecord {
        id: get(r, 0)?,
        run_id: get(r, 1)?,
        ditempatkan: n(2)?,
        tidak_ditempatkan: n(3)?,
        jumlah_formasi: n(4)?,
        dibuat_oleh: get(r, 5)?,
        dibuat_ms: get(r, 6)?,
    })
}

const RECORD_COLUMNS: &str =
    "id, run_id, ditempatkan, tidak_ditempatkan, jumlah_formasi, dibuat_oleh, dibuat_ms";

/// The columns `nik, urutan, prioritas, kode_formasi, unit_kerja, jabatan, putaran (BIGINT),
/// alasan` of a placement line, first in the row.
pub(super) fn placement_from(r: &QueryResult) -> StoreResult<Placement> {
    let nik: String = get(r, 0)?;
    Ok(Placement {
        nik: Nik::parse(&nik).map_err(corrupt)?,
        urutan: u64::try_from(get::<i64>(r, 1)?).unwrap_or_default(),
        prioritas: get(r, 2)?,
        kode_formasi: get(r, 3)?,
        unit_kerja: get(r, 4)?,
        jabatan: get(r, 5)?,
        putaran: u8::try_from(get::<i64>(r, 6)?).unwrap_or_default(),
        alasan: get(r, 7)?,
    })
}

impl Store {
    /// The `layak` candidates of `run_id`, with the data each decision was made on.
    pub async fn placement_inputs(&self, run_id: &str) -> StoreResult<Vec<Applicant>> {
        let rows = self
            .query(
                "SELECT k.nik, k.prioritas, COALESCE(a.tanggal_lahir, c.tanggal_lahir), COALESCE(a.unit_kerja, c.unit_kerja), \
                 COALESCE(a.kategori_jabatan, c.kategori_jabatan), COALESCE(a.pendidikan, c.pendidikan), \
                 COALESCE(a.jurusan, c.jurusan) \
                 FROM keputusan k \
                 LEFT JOIN calon c ON c.instansi = k.instansi AND c.nik = k.nik \
                 LEFT JOIN calon_arsip a ON a.instansi = k.instansi AND a.data_hash = k.data_hash \
                 WHERE k.run_id = ? AND k.hasil = 'layak' ORDER BY k.nik",
                vec![run_id.into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let nik: String = get(r, 0)?;
                let kategori: Option<String> = get(r, 4)?;
                let pendidikan: Option<String> = get(r, 5)?;
                Ok(Applicant {
                    nik: Nik::parse(&nik).map_err(corrupt)?,
                    prioritas: get(r, 1)?,
                    tanggal_lahir: get::<Option<chrono::NaiveDate>>(r, 2)?
                        .ok_or_else(|| corrupt(format!("data calon {nik} tidak ditemukan")))?,
                    unit_kerja: get::<Option<String>>(r, 3)?.unwrap_or_default(),
                    kategori_jabatan: kategori
                        .as_deref()
                        .map(KategoriJabatan::parse)
                        .transpose()
                        .map_err(corrupt)?,
                    pendidikan: Pendidikan::parse(pendidikan.as_deref().unwrap_or_default())
                        .map_err(corrupt)?,
                    jurusan: get(r, 6)?,
                })
            })
            .collect()
    }

    /// Stores a placement, its lines and its audit entry in one transaction.
    pub async fn save_placement(
        &self,
        record: &PlacementRecord,
        lines: &[Placement],
        stamp: &AuditStamp,
    ) -> StoreResult<()> {
        let mut tx = self.begin_bulk().await?;
        tx.execute(
            placeholders(
                self.backend,
                "INSERT INTO penempatan (id, instansi, run_id, ditempatkan, tidak_ditempatkan, jumlah_formasi, dibuat_oleh, dibuat_ms) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            ),
            &[
                Val::Text(&record.id),
                Val::Text(&self.tenant),
                Val::Text(&record.run_id),
                Val::I64(record.ditempatkan as i64),
                Val::I64(record.tidak_ditempatkan as i64),
                Val::I64(record.jumlah_formasi as i64),
                Val::Text(&record.dibuat_oleh),
                Val::I64(record.dibuat_ms),
            ],
        )
        .await?;
        let mut insert = BulkInsert::new(
            "penempatan_rinci",
            vec![
                ("penempatan_id", Some(sql_literal(&record.id))),
                ("nik", None),
                ("urutan", None),
                ("kode_formasi", None),
                ("unit_kerja", None),
                ("jabatan", None),
                ("prioritas", None),
                ("putaran", None),
                ("alasan", None),
            ],
        );
        let values: Vec<Val<'_>> = lines
            .iter()
            .flat_map(|p| {
                [
                    Val::Text(p.nik.as_str()),
                    Val::I64(p.urutan as i64),
                    Val::OptText(p.kode_formasi.as_deref()),
                    Val::OptText(p.unit_kerja.as_deref()),
                    Val::OptText(p.jabatan.as_deref()),
                    Val::OptF64(p.prioritas),
                    Val::I64(i64::from(p.putaran)),
                    Val::Text(&p.alasan),
                ]
            })
            .collect();
        insert.run(&mut tx, &values).await?;
        super::audit::append_audit_bulk(&mut tx, &self.tenant, stamp).await?;
        tx.commit().await
    }

    /// A placement by id.
    pub async fn placement(&self, id: &str) -> StoreResult<Option<PlacementRecord>> {
        let rows = self
            .query(
                &format!("SELECT {RECORD_COLUMNS} FROM penempatan WHERE instansi = ? AND id = ?"),
                vec![self.tenant.clone().into(), id.into()],
            )
            .await?;
        rows.first().map(record_from).transpose()
    }

    /// The newest placement.
    pub async fn latest_placement(&self) -> StoreResult<Option<PlacementRecord>> {
        let rows = self
            .query(
                &format!("SELECT {RECORD_COLUMNS} FROM penempatan WHERE instansi = ? ORDER BY dibuat_ms DESC, id DESC LIMIT 1"),
                vec![self.tenant.clone().into()],
            )
            .await?;
        rows.first().map(record_from).transpose()
    }

    /// Up to `limit` lines of a placement after rank `after`, in placement order, with the names
    /// on the data the placement was made from.
    pub async fn placement_lines(
        &self,
        id: &str,
        after: u64,
        limit: u64,
    ) -> StoreResult<Vec<PlacementLine>> {
        let rows = self
            .query(
                "SELECT p.nik, p.urutan, p.prioritas, p.kode_formasi, p.unit_kerja, p.jabatan, CAST(p.putaran AS BIGINT), p.alasan, \
                 COALESCE(a.nama, c.nama) \
                 FROM penempatan_rinci p JOIN penempatan h ON h.id = p.penempatan_id \
                 LEFT JOIN keputusan k ON k.run_id = h.run_id AND k.nik = p.nik \
                 LEFT JOIN calon_arsip a ON a.instansi = h.instansi AND a.data_hash = k.data_hash \
                 LEFT JOIN calon c ON c.instansi = h.instansi AND c.nik = p.nik \
                 WHERE p.penempatan_id = ? AND p.urutan > ? ORDER BY p.urutan LIMIT ?",
                vec![id.into(), Value::from(after as i64), Value::from(limit as i64)],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(PlacementLine {
                    placement: placement_from(r)?,
                    nama: get::<Option<String>>(r, 8)?.unwrap_or_default(),
                })
            })
            .collect()
    }

    /// Places taken per formation code in a placement (for workflow summaries).
    pub async fn placement_counts(&self, id: &str) -> StoreResult<Vec<(String, u64)>> {
        let rows = self
            .query(
                "SELECT kode_formasi, COUNT(*) FROM penempatan_rinci WHERE penempatan_id = ? AND kode_formasi IS NOT NULL \
                 GROUP BY kode_formasi ORDER BY kode_formasi",
                vec![id.into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    get::<String>(r, 0)?,
                    u64::try_from(get::<i64>(r, 1)?).unwrap_or_default(),
                ))
            })
            .collect()
    }

    /// Places taken per unit in placement `id`.
    pub async fn placement_unit_counts(&self, id: &str) -> StoreResult<Vec<(String, u64)>> {
        let rows = self
            .query(
                "SELECT unit_kerja, COUNT(*) FROM penempatan_rinci WHERE penempatan_id = ? AND kode_formasi IS NOT NULL \
                 GROUP BY unit_kerja ORDER BY unit_kerja",
                vec![id.into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    get::<Option<String>>(r, 0)?.unwrap_or_default(),
                    u64::try_from(get::<i64>(r, 1)?).unwrap_or_default(),
                ))
            })
            .collect()
    }

    /// Needs per unit over every formation line: (unit, unit name, needed).
    pub async fn formation_needs_per_unit(&self) -> StoreResult<Vec<(String, String, u64)>> {
        let rows = self
            .query(
                "SELECT unit_kerja, MAX(nama_unit), CAST(SUM(jumlah) AS BIGINT) FROM formasi WHERE instansi = ? \
                 GROUP BY unit_kerja ORDER BY unit_kerja",
                vec![self.tenant.clone().into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    get::<String>(r, 0)?,
                    get::<Option<String>>(r, 1)?.unwrap_or_default(),
                    u64::try_from(get::<i64>(r, 2)?).unwrap_or_default(),
                ))
            })
            .collect()
    }
}
