//! What the lists officials sign are read from (documents.md 2): a screening run's decisions
//! joined with the placement made from it, the candidates' data each decision was made on
//! (the archived version when it has changed since) and the formations. Totals are counted by
//! the database; long lists are read a page at a time, so memory stays flat.

use std::sync::OnceLock;

use sea_orm::QueryResult;

use super::{
    Store, StoreResult, corrupt, get, packed,
    runs::{DECISION_COLUMNS, decision_from},
};
use crate::{
    domain::{AlasanTidakDiusulkan, HasilSeleksi2024, Nik, StatusKhusus, SumberAnggaran},
    screening::Decision,
};

/// Candidates of one group of a run, counted (one row of `rekap`'s source).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecapCount {
    /// The candidate's own unit.
    pub unit_kerja: String,
    /// Applicant category code.
    pub kategori_pelamar: String,
    /// Outcome code.
    pub hasil: String,
    /// Whether these candidates are in the placement.
    pub diusulkan: bool,
    pub jumlah: u64,
}

/// Placed candidates of one unit and budget source, summed (one row of `anggaran`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetSum {
    /// The unit of the formation they are placed in.
    pub unit_kerja: String,
    pub sumber_anggaran: SumberAnggaran,
    pub jumlah_orang: u64,
    /// Monthly pay, summed.
    pub upah_per_bulan: i64,
    /// People paid less than the regional minimum wage.
    pub di_bawah_umk: u64,
}

/// One proposed candidate with the data the proposal carries.
#[derive(Debug, Clone)]
pub struct ProposedLine {
    pub nik: Nik,
    pub nomor_peserta: Option<String>,
    pub nama: String,
    pub tempat_lahir: Option<String>,
    pub tanggal_lahir: Option<chrono::NaiveDate>,
    pub jenis_kelamin: String,
    pub kategori_pelamar: String,
    pub pendidikan: String,
    pub jurusan: Option<String>,
    pub kode_formasi: String,
    pub jabatan: String,
    /// The formation's unit.
    pub unit_kerja: String,
    pub upah: i64,
    pub sumber_anggaran: SumberAnggaran,
}

/// A screened candidate left out of the placement, with what says why.
#[derive(Debug, Clone)]
pub struct UnproposedLine {
    pub decision: Decision,
    pub nama: String,
    pub kategori_pelamar: String,
    pub unit_kerja: String,
    pub status_khusus: Option<StatusKhusus>,
    pub hasil_seleksi_2024: Option<HasilSeleksi2024>,
    /// The agency's own reason, when it has given one.
    pub alasan_instansi: Option<AlasanTidakDiusulkan>,
    /// Why placement found no slot (layak candidates only).
    pub alasan_penempatan: Option<String>,
    /// SSCASN participant number, when on record.
    pub nomor_peserta: Option<String>,
}

fn count(r: &QueryResult, i: usize) -> StoreResult<u64> {
    Ok(u64::try_from(get::<Option<i64>>(r, i)?.unwrap_or_default()).unwrap_or_default())
}

fn source(code: Option<String>) -> StoreResult<SumberAnggaran> {
    code.as_deref()
        .map(SumberAnggaran::parse)
        .transpose()
        .map_err(corrupt)
        .map(|s| s.unwrap_or(SumberAnggaran::Apbd))
}

/// The candidate data a decision was made on: the archived version when it has changed since
/// (every column from the one version, never mixed).
const CANDIDATE_JOIN: &str = "LEFT JOIN calon c ON c.instansi = k.instansi AND c.nik = k.nik \
     LEFT JOIN calon_arsip a ON a.instansi = k.instansi AND a.data_hash = k.data_hash";

/// The columns of a proposed candidate, in [`ProposedLine`] order.
const PROPOSED: [&str; 14] = [
    "p.nik",
    "c.nomor_peserta",
    "CASE WHEN a.data_hash IS NULL THEN c.nama ELSE a.nama END",
    "CASE WHEN a.data_hash IS NULL THEN c.tempat_lahir ELSE a.tempat_lahir END",
    "CASE WHEN a.data_hash IS NULL THEN c.tanggal_lahir ELSE a.tanggal_lahir END",
    "CASE WHEN a.data_hash IS NULL THEN c.jenis_kelamin ELSE a.jenis_kelamin END",
    "CASE WHEN a.data_hash IS NULL THEN c.kategori_pelamar ELSE a.kategori_pelamar END",
    "CASE WHEN a.data_hash IS NULL THEN c.pendidikan ELSE a.pendidikan END",
    "CASE WHEN a.data_hash IS NULL THEN c.jurusan ELSE a.jurusan END",
    "p.kode_formasi",
    "p.jabatan",
    "p.unit_kerja",
    "COALESCE(f.upah, CASE WHEN a.data_hash IS NULL THEN c.gaji_terakhir ELSE a.gaji_terakhir END, 0)",
    "f.sumber_anggaran",
];

fn proposed_sql(select: &str) -> String {
    format!(
        "SELECT {select} FROM penempatan_rinci p \
         JOIN keputusan k ON k.run_id = ? AND k.nik = p.nik {CANDIDATE_JOIN} \
         LEFT JOIN formasi f ON f.instansi = k.instansi AND f.kode_formasi = p.kode_formasi \
         WHERE p.penempatan_id = ? AND p.kode_formasi IS NOT NULL AND p.nik > ? \
         ORDER BY p.nik LIMIT ?"
    )
}

fn date_of(v: Option<&str>) -> StoreResult<Option<chrono::NaiveDate>> {
    v.map(|d| chrono::NaiveDate::parse_from_str(d.get(..10).unwrap_or(d), "%Y-%m-%d"))
        .transpose()
        .map_err(corrupt)
}

/// A proposed candidate from its fields as text (`None` for NULL).
fn proposed_from(f: &[Option<&str>]) -> StoreResult<ProposedLine> {
    let text = |i: usize| f[i].unwrap_or_default().to_owned();
    let opt = |i: usize| f[i].map(str::to_owned);
    Ok(ProposedLine {
        nik: Nik::parse(f[0].unwrap_or_default()).map_err(corrupt)?,
        nomor_peserta: opt(1),
        nama: text(2),
        tempat_lahir: opt(3),
        tanggal_lahir: date_of(f[4])?,
        jenis_kelamin: text(5),
        kategori_pelamar: text(6),
        pendidikan: text(7),
        jurusan: opt(8),
        kode_formasi: text(9),
        jabatan: text(10),
        unit_kerja: text(11),
        upah: f[12].and_then(|v| v.parse().ok()).unwrap_or_default(),
        sumber_anggaran: source(f[13].map(str::to_owned))?,
    })
}

/// One packed row; `None` when a value held a separator character.
fn unpack_proposed(packed: &str) -> Option<StoreResult<ProposedLine>> {
    packed::fields(packed, PROPOSED.len()).map(|f| proposed_from(&f))
}

/// One row read column by column.
fn proposed_from_columns(r: &QueryResult) -> StoreResult<ProposedLine> {
    let mut texts: Vec<Option<String>> = Vec::with_capacity(PROPOSED.len());
    for i in 0..PROPOSED.len() {
        texts.push(match i {
            4 => get::<Option<chrono::NaiveDate>>(r, i)?.map(|d| d.to_string()),
            12 => get::<Option<i64>>(r, i)?.map(|v| v.to_string()),
            _ => get::<Option<String>>(r, i)?,
        });
    }
    let f: Vec<Option<&str>> = texts.iter().map(Option::as_deref).collect();
    proposed_from(&f)
}

impl Store {
    /// The newest placement made from run `run_id`, by id.
    pub async fn latest_placement_of_run(&self, run_id: &str) -> StoreResult<Option<String>> {
        let rows = self
            .query(
                "SELECT id FROM penempatan WHERE instansi = ? AND run_id = ? ORDER BY dibuat_ms DESC, id DESC LIMIT 1",
                vec![self.tenant.clone().into(), run_id.into()],
            )
            .await?;
        rows.first().map(|r| get(r, 0)).transpose()
    }

    /// The decisions of `run_id` counted per unit, category, outcome and whether placement
    /// `placement_id` proposes them.
    pub async fn recap_counts(
        &self,
        run_id: &str,
        placement_id: &str,
    ) -> StoreResult<Vec<RecapCount>> {
        let rows = self
            .query(
                &format!(
                    "SELECT CASE WHEN a.data_hash IS NULL THEN c.unit_kerja ELSE a.unit_kerja END, CASE WHEN a.data_hash IS NULL THEN c.kategori_pelamar ELSE a.kategori_pelamar END, k.hasil, \
                     CASE WHEN p.kode_formasi IS NULL THEN 0 ELSE 1 END, COUNT(*) \
                     FROM keputusan k {CANDIDATE_JOIN} \
                     LEFT JOIN penempatan_rinci p ON p.penempatan_id = ? AND p.nik = k.nik \
                     WHERE k.run_id = ? GROUP BY 1, 2, 3, 4"
                ),
                vec![placement_id.into(), run_id.into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(RecapCount {
                    unit_kerja: get::<Option<String>>(r, 0)?.unwrap_or_default(),
                    kategori_pelamar: get::<Option<String>>(r, 1)?.unwrap_or_default(),
                    hasil: get(r, 2)?,
                    diusulkan: get::<i32>(r, 3)? == 1,
                    jumlah: count(r, 4)?,
                })
            })
            .collect()
    }

    /// The placed candidates of `placement_id` summed per formation unit and budget source;
    /// pay is the formation's `upah`, else the candidate's last pay. `umk` counts those below.
    pub async fn budget_sums(
        &self,
        run_id: &str,
        placement_id: &str,
        umk: Option<i64>,
    ) -> StoreResult<Vec<BudgetSum>> {
        let pay = "COALESCE(f.upah, CASE WHEN a.data_hash IS NULL THEN c.gaji_terakhir ELSE a.gaji_terakhir END, 0)";
        let rows = self
            .query(
                &format!(
                    "SELECT p.unit_kerja, f.sumber_anggaran, COUNT(*), CAST(SUM({pay}) AS BIGINT), \
                     CAST(SUM(CASE WHEN {pay} < ? THEN 1 ELSE 0 END) AS BIGINT) \
                     FROM penempatan_rinci p \
                     JOIN keputusan k ON k.run_id = ? AND k.nik = p.nik {CANDIDATE_JOIN} \
                     LEFT JOIN formasi f ON f.instansi = k.instansi AND f.kode_formasi = p.kode_formasi \
                     WHERE p.penempatan_id = ? AND p.kode_formasi IS NOT NULL GROUP BY 1, 2"
                ),
                vec![
                    umk.unwrap_or(i64::MIN).into(),
                    run_id.into(),
                    placement_id.into(),
                ],
            )
            .await?;
        let mut out: Vec<BudgetSum> = Vec::with_capacity(rows.len());
        for r in &rows {
            let row = BudgetSum {
                unit_kerja: get::<Option<String>>(r, 0)?.unwrap_or_default(),
                sumber_anggaran: source(get(r, 1)?)?,
                jumlah_orang: count(r, 2)?,
                upah_per_bulan: get::<Option<i64>>(r, 3)?.unwrap_or_default(),
                di_bawah_umk: count(r, 4)?,
            };
            // A NULL source (a formation removed since) and `APBD` are one group.
            match out.iter_mut().find(|o| {
                o.unit_kerja == row.unit_kerja && o.sumber_anggaran == row.sumber_anggaran
            }) {
                Some(o) => {
                    o.jumlah_orang += row.jumlah_orang;
                    o.upah_per_bulan += row.upah_per_bulan;
                    o.di_bawah_umk += row.di_bawah_umk;
                }
                None => out.push(row),
            }
        }
        Ok(out)
    }

    /// Up to `limit` proposed candidates of `placement_id` after NIK `after`, by NIK (the
    /// order in which the joined tables are stored, about twice as fast as placement order at a
    /// million rows). Each row comes packed into one text value (see [`PROPOSED`]); a page
    /// holding a separator character is read again column by column.
    pub async fn proposed_page(
        &self,
        run_id: &str,
        placement_id: &str,
        after: &str,
        limit: u64,
    ) -> StoreResult<Vec<ProposedLine>> {
        static PACKED: OnceLock<String> = OnceLock::new();
        let packed = PACKED.get_or_init(|| proposed_sql(&packed::select(&PROPOSED)));
        let values = || -> Vec<sea_orm::Value> {
            vec![
                run_id.into(),
                placement_id.into(),
                after.into(),
                i64::try_from(limit).unwrap_or(i64::MAX).into(),
            ]
        };
        let rows = self.query(packed, values()).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let text: String = get(r, 0)?;
            match unpack_proposed(&text) {
                Some(line) => out.push(line?),
                None => {
                    let plain = proposed_sql(&PROPOSED.join(", "));
                    let rows = self.query(&plain, values()).await?;
                    return rows.iter().map(proposed_from_columns).collect();
                }
            }
        }
        Ok(out)
    }

    /// Up to `limit` decisions of `run_id` after NIK `after` that placement `placement_id`
    /// does not propose.
    pub async fn unproposed_page(
        &self,
        run_id: &str,
        placement_id: &str,
        after: &str,
        limit: u64,
    ) -> StoreResult<Vec<UnproposedLine>> {
        let decision_columns: Vec<String> = DECISION_COLUMNS
            .split(", ")
            .map(|c| format!("k.{c}"))
            .collect();
        let rows = self
            .query(
                &format!(
                    "SELECT {}, CASE WHEN a.data_hash IS NULL THEN c.nama ELSE a.nama END, CASE WHEN a.data_hash IS NULL THEN c.kategori_pelamar ELSE a.kategori_pelamar END, \
                     CASE WHEN a.data_hash IS NULL THEN c.unit_kerja ELSE a.unit_kerja END, CASE WHEN a.data_hash IS NULL THEN c.status_khusus ELSE a.status_khusus END, \
                     CASE WHEN a.data_hash IS NULL THEN c.hasil_seleksi_2024 ELSE a.hasil_seleksi_2024 END, c.alasan_tidak_diusulkan, p.alasan, \
                     CASE WHEN a.data_hash IS NULL THEN c.nomor_peserta ELSE a.nomor_peserta END \
                     FROM keputusan k {CANDIDATE_JOIN} \
                     LEFT JOIN penempatan_rinci p ON p.penempatan_id = ? AND p.nik = k.nik \
                     WHERE k.run_id = ? AND k.nik > ? AND p.kode_formasi IS NULL ORDER BY k.nik LIMIT ?",
                    decision_columns.join(", ")
                ),
                vec![
                    placement_id.into(),
                    run_id.into(),
                    after.into(),
                    i64::try_from(limit).unwrap_or(i64::MAX).into(),
                ],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let text = |i| get::<Option<String>>(r, i).map(Option::unwrap_or_default);
                let code = |i| get::<Option<String>>(r, i);
                Ok(UnproposedLine {
                    decision: decision_from(r)?,
                    nama: text(6)?,
                    kategori_pelamar: text(7)?,
                    unit_kerja: text(8)?,
                    status_khusus: code(9)?
                        .as_deref()
                        .map(StatusKhusus::parse)
                        .transpose()
                        .map_err(corrupt)?,
                    hasil_seleksi_2024: code(10)?
                        .as_deref()
                        .map(HasilSeleksi2024::parse)
                        .transpose()
                        .map_err(corrupt)?,
                    alasan_instansi: code(11)?
                        .as_deref()
                        .map(AlasanTidakDiusulkan::parse)
                        .transpose()
                        .map_err(corrupt)?,
                    alasan_penempatan: code(12)?,
                    nomor_peserta: code(13)?,
                })
            })
            .collect()
    }

    /// Every vacancy: (id, subject JSON, workflow instance id), newest first.
    pub async fn vacancies(&self) -> StoreResult<Vec<(String, serde_json::Value, Option<String>)>> {
        let rows = self
            .query(
                "SELECT id, hasil, instans_id FROM lowongan WHERE instansi = ? ORDER BY dibuat_ms DESC, id DESC",
                vec![self.tenant.clone().into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let hasil: String = get(r, 1)?;
                Ok((
                    get(r, 0)?,
                    serde_json::from_str(&hasil).map_err(corrupt)?,
                    get(r, 2)?,
                ))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::packed::{NULL, SEP};

    #[test]
    fn a_packed_row_reads_back_or_asks_for_the_plain_way() {
        let row = [
            "1609022304870001",
            NULL,
            "SITI",
            "OKU Timur",
            "1987-04-23",
            "P",
            "R3",
            "SMA",
            NULL,
            "K01",
            "Pengelola Data",
            "U10",
            "3500000",
            "BOS",
        ]
        .join(&SEP.to_string());
        let line = unpack_proposed(&row).unwrap().unwrap();
        assert_eq!(line.nama, "SITI");
        assert_eq!(line.nomor_peserta, None);
        assert_eq!(line.upah, 3_500_000);
        assert_eq!(line.sumber_anggaran, SumberAnggaran::Bos);
        assert_eq!(
            line.tanggal_lahir.map(|d| d.to_string()).as_deref(),
            Some("1987-04-23")
        );
        // A name holding the separator: the page is read the plain way.
        let odd = row.replace("SITI", &format!("SI{SEP}TI"));
        assert!(unpack_proposed(&odd).is_none());
    }
}
