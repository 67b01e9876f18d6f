//! The candidates' window (candidates.md): announcements and their frozen rows, failed status
//! checks (throttling across processes), objections and their files.

use sea_orm::{ConnectionTrait, QueryResult};

use super::{Backend, Store, StoreResult, corrupt, get};
use crate::domain::AuditStamp;

/// An announcement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnouncementRow {
    /// N: the announcement's number in the tenant (1, 2, …).
    pub nomor: i32,
    pub penempatan_id: String,
    pub run_id: String,
    /// When the objection window opens and closes, epoch ms.
    pub mulai_ms: i64,
    pub tutup_ms: i64,
    /// The window's length in working days.
    pub hari_sanggah: i32,
    /// Candidates announced.
    pub jumlah: i64,
    pub oleh: String,
    pub dibuat_ms: i64,
    /// When an officer closed the window early.
    pub ditutup_ms: Option<i64>,
}

impl AnnouncementRow {
    /// Whether objections are accepted at `now_ms`.
    pub fn open_at(&self, now_ms: i64) -> bool {
        self.ditutup_ms.is_none() && now_ms >= self.mulai_ms && now_ms < self.tutup_ms
    }
}

const ANNOUNCEMENT: &str = "nomor, penempatan_id, run_id, mulai_ms, tutup_ms, hari_sanggah, jumlah, oleh, dibuat_ms, ditutup_ms";

fn announcement_from(r: &QueryResult) -> StoreResult<AnnouncementRow> {
    Ok(AnnouncementRow {
        nomor: get(r, 0)?,
        penempatan_id: get(r, 1)?,
        run_id: get(r, 2)?,
        mulai_ms: get(r, 3)?,
        tutup_ms: get(r, 4)?,
        hari_sanggah: get(r, 5)?,
        jumlah: get(r, 6)?,
        oleh: get(r, 7)?,
        dibuat_ms: get(r, 8)?,
        ditutup_ms: get(r, 9)?,
    })
}

/// One candidate as announced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnouncedRow {
    pub nik: String,
    pub nama: String,
    /// The unit proposed into, or the unit the candidate works in when not proposed.
    pub unit_kerja: String,
    pub nama_unit: String,
    /// Proposed (`true`) or not.
    pub diusulkan: bool,
    pub kode_formasi: Option<String>,
    pub jabatan: Option<String>,
    /// The reason group when not proposed (`TMS`, `APS`, …).
    pub kelompok: Option<String>,
    /// The run whose decision is announced.
    pub run_id: String,
    /// When an objection changed the row.
    pub diperbarui_ms: Option<i64>,
    /// Its place in the announcement (1, 2, …): by unit, name and NIK at publication.
    pub urut: i64,
}

impl AnnouncedRow {
    /// The last four digits of the NIK: all a public page shows of it.
    pub fn nik4(&self) -> &str {
        self.nik.get(12..).unwrap_or_default()
    }
}

const ANNOUNCED: &str = "nik, nama, unit_kerja, nama_unit, hasil, kode_formasi, jabatan, kelompok, run_id, diperbarui_ms, urut";

fn announced_from(r: &QueryResult) -> StoreResult<AnnouncedRow> {
    Ok(AnnouncedRow {
        nik: get(r, 0)?,
        nama: get(r, 1)?,
        unit_kerja: get(r, 2)?,
        nama_unit: get(r, 3)?,
        diusulkan: get::<String>(r, 4)? == "diusulkan",
        kode_formasi: get(r, 5)?,
        jabatan: get(r, 6)?,
        kelompok: get(r, 7)?,
        run_id: get(r, 8)?,
        diperbarui_ms: get(r, 9)?,
        urut: get(r, 10)?,
    })
}

/// The name as searched: upper case, single spaces.
pub fn search_name(nama: &str) -> String {
    nama.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase()
}

/// What a public page asks of an announcement.
#[derive(Debug, Clone, Default)]
pub struct AnnouncedQuery {
    /// One unit's code.
    pub unit: Option<String>,
    /// A name prefix (any case).
    pub nama: Option<String>,
    /// The last four NIK digits.
    pub nik4: Option<String>,
    /// Proposed (`true`) or not proposed (`false`) only.
    pub diusulkan: Option<bool>,
    /// Rows after this place ([`AnnouncedRow::urut`]), and how many.
    pub setelah: i64,
    pub limit: u64,
}

/// An objection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectionRow {
    /// `SGH-<tahun>-<urut>`.
    pub nomor: String,
    pub pengumuman: i32,
    pub nik: String,
    pub alasan: String,
    pub email: Option<String>,
    pub no_hp: Option<String>,
    /// `diajukan`, `diterima` or `ditolak`.
    pub status: String,
    pub instance_id: Option<String>,
    /// The answer given (the reviewer's words), once decided.
    pub jawaban: Option<String>,
    /// The announced outcome after an upheld objection, in words.
    pub hasil_baru: Option<String>,
    pub dibuat_ms: i64,
    pub selesai_ms: Option<i64>,
}

const OBJECTION: &str = "nomor, pengumuman, nik, alasan, email, no_hp, status, instance_id, jawaban, hasil_baru, dibuat_ms, selesai_ms";

fn objection_from(r: &QueryResult) -> StoreResult<ObjectionRow> {
    Ok(ObjectionRow {
        nomor: get(r, 0)?,
        pengumuman: get(r, 1)?,
        nik: get(r, 2)?,
        alasan: get(r, 3)?,
        email: get(r, 4)?,
        no_hp: get(r, 5)?,
        status: get(r, 6)?,
        instance_id: get(r, 7)?,
        jawaban: get(r, 8)?,
        hasil_baru: get(r, 9)?,
        dibuat_ms: get(r, 10)?,
        selesai_ms: get(r, 11)?,
    })
}

/// A file attached to an objection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectionFile {
    /// 1, 2 or 3.
    pub urut: i32,
    /// `pdf`, `jpeg` or `png`, from the content.
    pub jenis: String,
    pub ukuran: i64,
    pub sha256: String,
}

/// A new objection to store.
pub struct NewObjection<'a> {
    pub pengumuman: i32,
    pub nik: &'a str,
    pub alasan: &'a str,
    pub email: Option<&'a str>,
    pub no_hp: Option<&'a str>,
    pub tahun: i32,
    pub dibuat_ms: i64,
    /// (kind, content, SHA-256 hex).
    pub berkas: &'a [(&'static str, Vec<u8>, String)],
}

/// Why an objection was not stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectionRefused {
    /// The candidate has an open objection on this announcement: its number.
    AlreadyOpen(String),
}

/// Rows per INSERT when an announcement is frozen.
const BATCH: usize = 400;

impl Store {
    /// The next announcement number.
    pub async fn next_announcement_number(&self) -> StoreResult<i32> {
        let rows = self
            .query(
                "SELECT COALESCE(MAX(nomor), 0) FROM pengumuman WHERE instansi = ?",
                vec![self.tenant.clone().into()],
            )
            .await?;
        Ok(rows
            .first()
            .map(|r| get::<i32>(r, 0))
            .transpose()?
            .unwrap_or(0)
            + 1)
    }

    /// Freezes announcement `a` with its rows, and its audit entry, in one transaction. The
    /// number is taken under the write lock: `None` when another process took it first.
    pub async fn publish_announcement(
        &self,
        a: &AnnouncementRow,
        rows: &[AnnouncedRow],
        stamp: &AuditStamp,
    ) -> StoreResult<Option<()>> {
        let txn = self.begin_write().await?;
        if self.backend == Backend::Postgres {
            txn.execute_raw(self.stmt(
                "SELECT pg_advisory_xact_lock(hashtext('merit-pengumuman-' || ?))",
                vec![self.tenant.clone().into()],
            ))
            .await?;
        }
        let taken = txn
            .query_one_raw(self.stmt(
                "SELECT 1 FROM pengumuman WHERE instansi = ? AND nomor = ?",
                vec![self.tenant.clone().into(), a.nomor.into()],
            ))
            .await?;
        if taken.is_some() {
            txn.rollback().await?;
            return Ok(None);
        }
        txn.execute_raw(self.stmt(
            &format!(
                "INSERT INTO pengumuman (instansi, {ANNOUNCEMENT}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)"
            ),
            vec![
                self.tenant.clone().into(),
                a.nomor.into(),
                a.penempatan_id.clone().into(),
                a.run_id.clone().into(),
                a.mulai_ms.into(),
                a.tutup_ms.into(),
                a.hari_sanggah.into(),
                a.jumlah.into(),
                a.oleh.clone().into(),
                a.dibuat_ms.into(),
            ],
        ))
        .await?;
        for chunk in rows.chunks(BATCH) {
            let mut sql = String::from(
                "INSERT INTO pengumuman_calon (instansi, pengumuman, nik, nik4, nama, nama_cari, \
                 unit_kerja, nama_unit, hasil, kode_formasi, jabatan, kelompok, run_id, diperbarui_ms, urut) VALUES ",
            );
            let mut values: Vec<sea_orm::Value> = Vec::with_capacity(chunk.len() * 15);
            for (i, r) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push_str("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)");
                values.extend([
                    self.tenant.clone().into(),
                    a.nomor.into(),
                    r.nik.clone().into(),
                    r.nik4().to_owned().into(),
                    r.nama.clone().into(),
                    search_name(&r.nama).into(),
                    r.unit_kerja.clone().into(),
                    r.nama_unit.clone().into(),
                    if r.diusulkan {
                        "diusulkan"
                    } else {
                        "tidak_diusulkan"
                    }
                    .into(),
                    r.kode_formasi.clone().into(),
                    r.jabatan.clone().into(),
                    r.kelompok.clone().into(),
                    r.run_id.clone().into(),
                    r.urut.into(),
                ]);
            }
            txn.execute_raw(self.stmt(&sql, values)).await?;
        }
        let mut units: std::collections::BTreeMap<&str, &str> = std::collections::BTreeMap::new();
        for r in rows {
            let name = units.entry(&r.unit_kerja).or_insert("");
            if name.is_empty() {
                *name = &r.nama_unit;
            }
        }
        let units: Vec<(&str, &str)> = units.into_iter().collect();
        for chunk in units.chunks(BATCH) {
            let mut sql = String::from(
                "INSERT INTO pengumuman_unit (instansi, pengumuman, unit_kerja, nama_unit) VALUES ",
            );
            let mut values: Vec<sea_orm::Value> = Vec::with_capacity(chunk.len() * 4);
            for (i, (code, name)) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push_str("(?, ?, ?, ?)");
                values.extend([
                    self.tenant.clone().into(),
                    a.nomor.into(),
                    (*code).into(),
                    (*name).into(),
                ]);
            }
            txn.execute_raw(self.stmt(&sql, values)).await?;
        }
        self.append_audit_in(&txn, stamp).await?;
        txn.commit().await?;
        Ok(Some(()))
    }

    /// Every announcement, newest first.
    pub async fn announcements(&self) -> StoreResult<Vec<AnnouncementRow>> {
        let rows = self
            .query(
                &format!(
                    "SELECT {ANNOUNCEMENT} FROM pengumuman WHERE instansi = ? ORDER BY nomor DESC"
                ),
                vec![self.tenant.clone().into()],
            )
            .await?;
        rows.iter().map(announcement_from).collect()
    }

    /// Announcement `nomor`.
    pub async fn announcement(&self, nomor: i32) -> StoreResult<Option<AnnouncementRow>> {
        let rows = self
            .query(
                &format!("SELECT {ANNOUNCEMENT} FROM pengumuman WHERE instansi = ? AND nomor = ?"),
                vec![self.tenant.clone().into(), nomor.into()],
            )
            .await?;
        rows.first().map(announcement_from).transpose()
    }

    /// Closes the objection window of announcement `nomor` now, with its audit entry; `false`
    /// when it was closed already.
    pub async fn close_announcement(
        &self,
        nomor: i32,
        now_ms: i64,
        stamp: &AuditStamp,
    ) -> StoreResult<bool> {
        let txn = self.begin_write().await?;
        let done = txn
            .execute_raw(self.stmt(
                "UPDATE pengumuman SET ditutup_ms = ? WHERE instansi = ? AND nomor = ? AND ditutup_ms IS NULL",
                vec![now_ms.into(), self.tenant.clone().into(), nomor.into()],
            ))
            .await?;
        if done.rows_affected() == 0 {
            txn.rollback().await?;
            return Ok(false);
        }
        self.append_audit_in(&txn, stamp).await?;
        txn.commit().await?;
        Ok(true)
    }

    fn announced_filter(&self, nomor: i32, q: &AnnouncedQuery) -> (String, Vec<sea_orm::Value>) {
        let mut sql = String::from("instansi = ? AND pengumuman = ?");
        let mut values: Vec<sea_orm::Value> = vec![self.tenant.clone().into(), nomor.into()];
        if let Some(unit) = &q.unit {
            sql.push_str(" AND unit_kerja = ?");
            values.push(unit.clone().into());
        }
        if let Some(nama) = &q.nama {
            // A prefix range on the upper-cased name: the index serves it on both backends.
            let from = search_name(nama);
            sql.push_str(" AND nama_cari >= ? AND nama_cari < ?");
            values.push(from.clone().into());
            values.push(format!("{from}\u{10FFFF}").into());
        }
        if let Some(nik4) = &q.nik4 {
            sql.push_str(" AND nik4 = ?");
            values.push(nik4.clone().into());
        }
        if let Some(d) = q.diusulkan {
            sql.push_str(" AND hasil = ?");
            values.push(if d { "diusulkan" } else { "tidak_diusulkan" }.into());
        }
        (sql, values)
    }

    /// One page of announcement `nomor`'s rows, by unit then name, and how many match.
    pub async fn announced_page(
        &self,
        nomor: i32,
        q: &AnnouncedQuery,
    ) -> StoreResult<(Vec<AnnouncedRow>, u64)> {
        let (filter, values) = self.announced_filter(nomor, q);
        let unfiltered =
            q.unit.is_none() && q.nama.is_none() && q.nik4.is_none() && q.diusulkan.is_none();
        // Unfiltered, the count is the announcement's own (never a scan of every row).
        let count = if unfiltered {
            self.query(
                "SELECT jumlah FROM pengumuman WHERE instansi = ? AND nomor = ?",
                vec![self.tenant.clone().into(), nomor.into()],
            )
            .await?
        } else {
            self.query(
                &format!("SELECT COUNT(*) FROM pengumuman_calon WHERE {filter}"),
                values.clone(),
            )
            .await?
        };
        let total = count
            .first()
            .map(|r| get::<i64>(r, 0))
            .transpose()?
            .unwrap_or(0);
        let mut values = values;
        values.push(q.setelah.into());
        values.push(i64::try_from(q.limit).unwrap_or(i64::MAX).into());
        // A name prefix is found through its own index and the matches sorted; ordering by the
        // place index instead would walk every row of the announcement (`+urut` keeps SQLite's
        // planner from that; PostgreSQL plans by its statistics either way).
        let order = if q.nama.is_some() { "+urut" } else { "urut" };
        let rows = self
            .query(
                &format!(
                    "SELECT {ANNOUNCED} FROM pengumuman_calon WHERE {filter} AND urut > ? \
                     ORDER BY {order} LIMIT ?"
                ),
                values,
            )
            .await?;
        Ok((
            rows.iter()
                .map(announced_from)
                .collect::<StoreResult<_>>()?,
            u64::try_from(total).unwrap_or_default(),
        ))
    }

    /// The first `limit` units of announcement `nomor`: (code, name).
    pub async fn announced_units(
        &self,
        nomor: i32,
        limit: u64,
    ) -> StoreResult<Vec<(String, String)>> {
        let rows = self
            .query(
                "SELECT unit_kerja, nama_unit FROM pengumuman_unit \
                 WHERE instansi = ? AND pengumuman = ? ORDER BY unit_kerja LIMIT ?",
                vec![
                    self.tenant.clone().into(),
                    nomor.into(),
                    i64::try_from(limit).unwrap_or(i64::MAX).into(),
                ],
            )
            .await?;
        rows.iter().map(|r| Ok((get(r, 0)?, get(r, 1)?))).collect()
    }

    /// The row of `nik` in announcement `nomor`.
    pub async fn announced(&self, nomor: i32, nik: &str) -> StoreResult<Option<AnnouncedRow>> {
        let rows = self
            .query(
                &format!(
                    "SELECT {ANNOUNCED} FROM pengumuman_calon WHERE instansi = ? AND pengumuman = ? AND nik = ?"
                ),
                vec![self.tenant.clone().into(), nomor.into(), nik.into()],
            )
            .await?;
        rows.first().map(announced_from).transpose()
    }

    /// Proposed rows per formation code in announcement `nomor` (the slots it holds).
    pub async fn announced_per_formation(&self, nomor: i32) -> StoreResult<Vec<(String, u64)>> {
        let rows = self
            .query(
                "SELECT kode_formasi, COUNT(*) FROM pengumuman_calon WHERE instansi = ? AND pengumuman = ? \
                 AND hasil = 'diusulkan' GROUP BY kode_formasi",
                vec![self.tenant.clone().into(), nomor.into()],
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

    /// Appends one audit entry in a transaction of its own.
    pub async fn append_audit_stamp(&self, stamp: &AuditStamp) -> StoreResult<()> {
        let txn = self.begin_write().await?;
        self.append_audit_in(&txn, stamp).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Reserves one status check under each key (key, limit, reserve): refused with the
    /// oldest failure's time when a key already holds `limit` failures since `since_ms`; else
    /// one row per reserving key, counted as a failure until [`Store::release_check`] removes
    /// it, so parallel guesses on one key cannot slip past its limit. Attempts older than a day
    /// are dropped on the way.
    pub async fn reserve_check(
        &self,
        keys: &[(String, u64, bool)],
        since_ms: i64,
        now_ms: i64,
    ) -> StoreResult<Result<Vec<i64>, Option<i64>>> {
        let txn = self.begin_write().await?;
        if self.backend == Backend::Postgres {
            txn.execute_raw(self.stmt(
                "SELECT pg_advisory_xact_lock(hashtext('merit-layanan-' || ?))",
                vec![self.tenant.clone().into()],
            ))
            .await?;
        }
        for (key, limit, _) in keys {
            let row = txn
                .query_one_raw(self.stmt(
                    "SELECT COUNT(*), MIN(waktu_ms) FROM percobaan_layanan WHERE instansi = ? AND kunci = ? AND waktu_ms >= ?",
                    vec![self.tenant.clone().into(), key.clone().into(), since_ms.into()],
                ))
                .await?;
            if let Some(r) = row {
                let failed = u64::try_from(get::<i64>(&r, 0)?).unwrap_or_default();
                if failed >= *limit {
                    let oldest: Option<i64> = get(&r, 1)?;
                    txn.rollback().await?;
                    return Ok(Err(oldest));
                }
            }
        }
        let mut ids = Vec::with_capacity(keys.len());
        for (key, _, _) in keys.iter().filter(|(_, _, reserve)| *reserve) {
            let row = txn
                .query_one_raw(self.stmt(
                    "INSERT INTO percobaan_layanan (instansi, kunci, waktu_ms) VALUES (?, ?, ?) RETURNING id",
                    vec![self.tenant.clone().into(), key.clone().into(), now_ms.into()],
                ))
                .await?
                .ok_or_else(|| corrupt("percobaan layanan tidak tersimpan"))?;
            ids.push(get::<i64>(&row, 0)?);
        }
        txn.execute_raw(self.stmt(
            "DELETE FROM percobaan_layanan WHERE instansi = ? AND waktu_ms < ?",
            vec![self.tenant.clone().into(), (now_ms - 86_400_000).into()],
        ))
        .await?;
        txn.commit().await?;
        Ok(Ok(ids))
    }

    /// A failed check: one failure under each of `keys` (those not reserved beforehand), with
    /// its audit entry.
    pub async fn record_failure(
        &self,
        keys: &[String],
        now_ms: i64,
        stamp: &AuditStamp,
    ) -> StoreResult<()> {
        let txn = self.begin_write().await?;
        for key in keys {
            txn.execute_raw(self.stmt(
                "INSERT INTO percobaan_layanan (instansi, kunci, waktu_ms) VALUES (?, ?, ?)",
                vec![
                    self.tenant.clone().into(),
                    key.clone().into(),
                    now_ms.into(),
                ],
            ))
            .await?;
        }
        self.append_audit_in(&txn, stamp).await?;
        txn.commit().await?;
        Ok(())
    }

    /// A reserved check that matched: its rows removed (it was no failure), with its audit
    /// entry.
    pub async fn release_check(&self, ids: &[i64], stamp: &AuditStamp) -> StoreResult<()> {
        let txn = self.begin_write().await?;
        for id in ids {
            txn.execute_raw(self.stmt(
                "DELETE FROM percobaan_layanan WHERE instansi = ? AND id = ?",
                vec![self.tenant.clone().into(), (*id).into()],
            ))
            .await?;
        }
        self.append_audit_in(&txn, stamp).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Stores a new objection with its files and audit entry, numbered `SGH-<tahun>-<urut>`
    /// without gaps; refused when the candidate has one open on the announcement.
    pub async fn add_objection(
        &self,
        o: &NewObjection<'_>,
        stamp: &(dyn Fn(&str) -> AuditStamp + Sync),
    ) -> StoreResult<Result<String, ObjectionRefused>> {
        let txn = self.begin_write().await?;
        if self.backend == Backend::Postgres {
            txn.execute_raw(self.stmt(
                "SELECT pg_advisory_xact_lock(hashtext('merit-sanggah-' || ?))",
                vec![self.tenant.clone().into()],
            ))
            .await?;
        }
        let open = txn
            .query_one_raw(self.stmt(
                "SELECT nomor FROM sanggah WHERE instansi = ? AND pengumuman = ? AND nik = ? AND status = 'diajukan'",
                vec![
                    self.tenant.clone().into(),
                    o.pengumuman.into(),
                    o.nik.into(),
                ],
            ))
            .await?;
        if let Some(r) = open {
            txn.rollback().await?;
            return Ok(Err(ObjectionRefused::AlreadyOpen(get(&r, 0)?)));
        }
        let last = txn
            .query_one_raw(self.stmt(
                "SELECT COALESCE(MAX(urut), 0) FROM sanggah WHERE instansi = ? AND tahun = ?",
                vec![self.tenant.clone().into(), o.tahun.into()],
            ))
            .await?;
        let urut = match &last {
            Some(r) => get::<i64>(r, 0)? + 1,
            None => 1,
        };
        let nomor = format!("SGH-{}-{urut:05}", o.tahun);
        txn.execute_raw(self.stmt(
            "INSERT INTO sanggah (instansi, nomor, tahun, urut, pengumuman, nik, alasan, email, no_hp, status, \
             instance_id, jawaban, hasil_baru, dibuat_ms, selesai_ms) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'diajukan', NULL, NULL, NULL, ?, NULL)",
            vec![
                self.tenant.clone().into(),
                nomor.clone().into(),
                o.tahun.into(),
                urut.into(),
                o.pengumuman.into(),
                o.nik.into(),
                o.alasan.into(),
                o.email.map(str::to_owned).into(),
                o.no_hp.map(str::to_owned).into(),
                o.dibuat_ms.into(),
            ],
        ))
        .await?;
        for (i, (jenis, isi, sha)) in o.berkas.iter().enumerate() {
            txn.execute_raw(self.stmt(
                "INSERT INTO sanggah_berkas (instansi, nomor, urut, jenis, ukuran, sha256, isi) VALUES (?, ?, ?, ?, ?, ?, ?)",
                vec![
                    self.tenant.clone().into(),
                    nomor.clone().into(),
                    i32::try_from(i + 1).unwrap_or(i32::MAX).into(),
                    (*jenis).into(),
                    i64::try_from(isi.len()).unwrap_or(i64::MAX).into(),
                    sha.clone().into(),
                    isi.clone().into(),
                ],
            ))
            .await?;
        }
        self.append_audit_in(&txn, &stamp(&nomor)).await?;
        txn.commit().await?;
        Ok(Ok(nomor))
    }

    /// Binds objection `nomor` to the workflow instance that reviews it.
    pub async fn set_objection_instance(&self, nomor: &str, instance: &str) -> StoreResult<()> {
        self.conn()
            .execute_raw(self.stmt(
                "UPDATE sanggah SET instance_id = ? WHERE instansi = ? AND nomor = ?",
                vec![instance.into(), self.tenant.clone().into(), nomor.into()],
            ))
            .await?;
        Ok(())
    }

    /// Objection `nomor`.
    pub async fn objection(&self, nomor: &str) -> StoreResult<Option<ObjectionRow>> {
        let rows = self
            .query(
                &format!("SELECT {OBJECTION} FROM sanggah WHERE instansi = ? AND nomor = ?"),
                vec![self.tenant.clone().into(), nomor.into()],
            )
            .await?;
        rows.first().map(objection_from).transpose()
    }

    /// The objection a workflow instance reviews.
    pub async fn objection_of_instance(&self, instance: &str) -> StoreResult<Option<ObjectionRow>> {
        let rows = self
            .query(
                &format!("SELECT {OBJECTION} FROM sanggah WHERE instansi = ? AND instance_id = ?"),
                vec![self.tenant.clone().into(), instance.into()],
            )
            .await?;
        rows.first().map(objection_from).transpose()
    }

    /// Objections, newest first, optionally of one status.
    pub async fn objections(&self, status: Option<&str>) -> StoreResult<Vec<ObjectionRow>> {
        let (filter, mut values) = match status {
            Some(s) => (" AND status = ?", vec![s.into()]),
            None => ("", Vec::new()),
        };
        values.insert(0, self.tenant.clone().into());
        let rows = self
            .query(
                &format!(
                    "SELECT {OBJECTION} FROM sanggah WHERE instansi = ?{filter} ORDER BY tahun DESC, urut DESC"
                ),
                values,
            )
            .await?;
        rows.iter().map(objection_from).collect()
    }

    /// The objections of candidate `nik` on announcement `pengumuman`, oldest first.
    pub async fn objections_of(
        &self,
        pengumuman: i32,
        nik: &str,
    ) -> StoreResult<Vec<ObjectionRow>> {
        let rows = self
            .query(
                &format!(
                    "SELECT {OBJECTION} FROM sanggah WHERE instansi = ? AND pengumuman = ? AND nik = ? ORDER BY urut"
                ),
                vec![self.tenant.clone().into(), pengumuman.into(), nik.into()],
            )
            .await?;
        rows.iter().map(objection_from).collect()
    }

    /// The files of objection `nomor` (without their content).
    pub async fn objection_files(&self, nomor: &str) -> StoreResult<Vec<ObjectionFile>> {
        let rows = self
            .query(
                "SELECT urut, jenis, ukuran, sha256 FROM sanggah_berkas WHERE instansi = ? AND nomor = ? ORDER BY urut",
                vec![self.tenant.clone().into(), nomor.into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ObjectionFile {
                    urut: get(r, 0)?,
                    jenis: get(r, 1)?,
                    ukuran: get(r, 2)?,
                    sha256: get(r, 3)?,
                })
            })
            .collect()
    }

    /// File `urut` of objection `nomor` with its content, checked against its SHA-256, and
    /// the audit entry of the download in the same transaction.
    pub async fn objection_file(
        &self,
        nomor: &str,
        urut: i32,
        stamp: &AuditStamp,
    ) -> StoreResult<Option<(ObjectionFile, Vec<u8>)>> {
        let txn = self.begin_write().await?;
        let row = txn
            .query_one_raw(self.stmt(
                "SELECT urut, jenis, ukuran, sha256, isi FROM sanggah_berkas WHERE instansi = ? AND nomor = ? AND urut = ?",
                vec![self.tenant.clone().into(), nomor.into(), urut.into()],
            ))
            .await?;
        let Some(r) = row else {
            txn.rollback().await?;
            return Ok(None);
        };
        let file = ObjectionFile {
            urut: get(&r, 0)?,
            jenis: get(&r, 1)?,
            ukuran: get(&r, 2)?,
            sha256: get(&r, 3)?,
        };
        let isi: Vec<u8> = get(&r, 4)?;
        if hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&isi)) != file.sha256 {
            txn.rollback().await?;
            return Err(corrupt(format!(
                "berkas {urut} sanggah {nomor} tidak sesuai dengan sidik SHA-256 yang tercatat"
            )));
        }
        self.append_audit_in(&txn, stamp).await?;
        txn.commit().await?;
        Ok(Some((file, isi)))
    }

    /// Ends objection `nomor` with (status `diterima` or `ditolak`, the answer) and, when upheld, the
    /// new announced row, in one transaction with its audit entry. A row proposed into a
    /// formation is checked against its slots inside the transaction (under the objections'
    /// lock on PostgreSQL): when another upheld objection took the last one first, the row is
    /// written as not proposed for want of a slot. Returns `None` when the objection had ended
    /// already, else the new outcome's words as written (`words` of the row written).
    pub async fn end_objection(
        &self,
        nomor: &str,
        (status, jawaban): (&str, &str),
        new_row: Option<&AnnouncedRow>,
        words: &(dyn Fn(&AnnouncedRow) -> String + Sync),
        now_ms: i64,
        stamp: &AuditStamp,
    ) -> StoreResult<Option<Option<String>>> {
        let txn = self.begin_write().await?;
        if self.backend == Backend::Postgres {
            txn.execute_raw(self.stmt(
                "SELECT pg_advisory_xact_lock(hashtext('merit-sanggah-' || ?))",
                vec![self.tenant.clone().into()],
            ))
            .await?;
        }
        let Some(open) = txn
            .query_one_raw(self.stmt(
                "SELECT pengumuman FROM sanggah WHERE instansi = ? AND nomor = ? AND status = 'diajukan'",
                vec![self.tenant.clone().into(), nomor.into()],
            ))
            .await?
        else {
            txn.rollback().await?;
            return Ok(None);
        };
        let pengumuman: i32 = get(&open, 0)?;
        let row = match new_row {
            Some(r) if r.diusulkan => Some(
                self.within_slots(&txn, pengumuman, r)
                    .await?
                    .unwrap_or_else(|| r.clone()),
            ),
            other => other.cloned(),
        };
        let said = row.as_ref().map(words);
        txn.execute_raw(self.stmt(
            "UPDATE sanggah SET status = ?, jawaban = ?, hasil_baru = ?, selesai_ms = ? \
             WHERE instansi = ? AND nomor = ?",
            vec![
                status.into(),
                jawaban.into(),
                said.clone().into(),
                now_ms.into(),
                self.tenant.clone().into(),
                nomor.into(),
            ],
        ))
        .await?;
        if let Some(r) = &row {
            txn.execute_raw(self.stmt(
                "UPDATE pengumuman_calon SET unit_kerja = ?, nama_unit = ?, hasil = ?, kode_formasi = ?, jabatan = ?, \
                 kelompok = ?, run_id = ?, diperbarui_ms = ? WHERE instansi = ? AND pengumuman = ? AND nik = ?",
                vec![
                    r.unit_kerja.clone().into(),
                    r.nama_unit.clone().into(),
                    if r.diusulkan {
                        "diusulkan"
                    } else {
                        "tidak_diusulkan"
                    }
                    .into(),
                    r.kode_formasi.clone().into(),
                    r.jabatan.clone().into(),
                    r.kelompok.clone().into(),
                    r.run_id.clone().into(),
                    now_ms.into(),
                    self.tenant.clone().into(),
                    pengumuman.into(),
                    r.nik.clone().into(),
                ],
            ))
            .await?;
            // A unit the announcement did not list yet (moved into by the objection).
            txn.execute_raw(self.stmt(
                "INSERT INTO pengumuman_unit (instansi, pengumuman, unit_kerja, nama_unit) \
                 SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM pengumuman_unit \
                 WHERE instansi = ? AND pengumuman = ? AND unit_kerja = ?)",
                vec![
                    self.tenant.clone().into(),
                    pengumuman.into(),
                    r.unit_kerja.clone().into(),
                    r.nama_unit.clone().into(),
                    self.tenant.clone().into(),
                    pengumuman.into(),
                    r.unit_kerja.clone().into(),
                ],
            ))
            .await?;
        }
        let detail = format!(
            "{status}; {}",
            said.as_deref().unwrap_or("hasil pengumuman tidak berubah")
        );
        self.append_audit_in(&txn, &stamp.detailed(&detail)).await?;
        txn.commit().await?;
        Ok(Some(said))
    }

    /// `r` (proposed into its formation) when the formation still has a slot for it in
    /// announcement `pengumuman`; else `r` not proposed for want of a slot, under the unit it was
    /// announced under. `None` keeps `r` as it is.
    async fn within_slots(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        pengumuman: i32,
        r: &AnnouncedRow,
    ) -> StoreResult<Option<AnnouncedRow>> {
        let kode = r.kode_formasi.clone().unwrap_or_default();
        let taken = txn
            .query_one_raw(self.stmt(
                "SELECT COUNT(*) FROM pengumuman_calon WHERE instansi = ? AND pengumuman = ? \
                 AND hasil = 'diusulkan' AND kode_formasi = ? AND nik <> ?",
                vec![
                    self.tenant.clone().into(),
                    pengumuman.into(),
                    kode.clone().into(),
                    r.nik.clone().into(),
                ],
            ))
            .await?
            .map(|row| get::<i64>(&row, 0))
            .transpose()?
            .unwrap_or(0);
        let slots = txn
            .query_one_raw(self.stmt(
                "SELECT CAST(jumlah AS BIGINT) FROM formasi WHERE instansi = ? AND kode_formasi = ?",
                vec![self.tenant.clone().into(), kode.into()],
            ))
            .await?
            .map(|row| get::<i64>(&row, 0))
            .transpose()?
            .unwrap_or(0);
        if taken < slots {
            return Ok(None);
        }
        let before = txn
            .query_one_raw(self.stmt(
                "SELECT unit_kerja, nama_unit FROM pengumuman_calon WHERE instansi = ? AND pengumuman = ? AND nik = ?",
                vec![
                    self.tenant.clone().into(),
                    pengumuman.into(),
                    r.nik.clone().into(),
                ],
            ))
            .await?
            .ok_or_else(|| corrupt("calon pengumuman hilang di tengah transaksi"))?;
        Ok(Some(AnnouncedRow {
            unit_kerja: get(&before, 0)?,
            nama_unit: get(&before, 1)?,
            diusulkan: false,
            kode_formasi: None,
            jabatan: None,
            kelompok: Some("TIDAK_ADA_KEBUTUHAN".to_owned()),
            ..r.clone()
        }))
    }
}
