//! Drafts of definitions edited in the browser, and every published version with its files.
//! Files travel as JSON objects (relative path → text); the service owns their meaning.

use sea_orm::{ConnectionTrait, QueryResult};

use super::{Store, StoreResult, get};
use crate::domain::AuditStamp;

/// A draft.
#[derive(Debug, Clone)]
pub struct DraftRow {
    pub id: String,
    /// `aturan:ID`, `alur`, `direktori` or `templat`.
    pub definisi: String,
    pub penulis: String,
    /// The files on disk when the draft began (JSON).
    pub berkas_dasar: String,
    /// The draft's files (JSON).
    pub berkas: String,
    /// Bumped on every change; a save names the revision it was made on.
    pub revisi: i64,
    /// `terbuka`, `menunggu`, `diterbitkan`, `dibuang`, `ditolak`.
    pub status: String,
    /// The approval workflow instance, while waiting or after.
    pub instans: Option<String>,
    /// Why the draft ended as it did (a refusal, a failed publication).
    pub catatan: Option<String>,
    /// The newest preview (JSON), with the revision it was made on.
    pub pratinjau: Option<String>,
    pub dibuat_ms: i64,
    pub diubah_ms: i64,
}

const DRAFT_COLUMNS: &str = "id, definisi, penulis, berkas_dasar, berkas, revisi, status, \
     instans, catatan, pratinjau, dibuat_ms, diubah_ms";

fn draft_from(r: &QueryResult) -> StoreResult<DraftRow> {
    Ok(DraftRow {
        id: get(r, 0)?,
        definisi: get(r, 1)?,
        penulis: get(r, 2)?,
        berkas_dasar: get(r, 3)?,
        berkas: get(r, 4)?,
        revisi: get(r, 5)?,
        status: get(r, 6)?,
        instans: get(r, 7)?,
        catatan: get(r, 8)?,
        pratinjau: get(r, 9)?,
        dibuat_ms: get(r, 10)?,
        diubah_ms: get(r, 11)?,
    })
}

/// A published version.
#[derive(Debug, Clone)]
pub struct VersionRow {
    pub definisi: String,
    /// 1, 2, … per definition.
    pub nomor: i64,
    /// Digest of its files.
    pub hash: String,
    /// Its files (JSON).
    pub berkas: String,
    pub penulis: String,
    pub alasan: String,
    pub nomor_surat: Option<String>,
    /// The preview's summary when published (JSON).
    pub ringkasan: Option<String>,
    /// The draft it came from.
    pub draf: Option<String>,
    pub dibuat_ms: i64,
    /// The fingerprint people see (a ruleset's version hash, as its runs store it); `None`
    /// for versions recorded before it was kept.
    pub sidik: Option<String>,
}

const VERSION_COLUMNS: &str = "definisi, nomor, hash, berkas, penulis, alasan, nomor_surat, ringkasan, draf, dibuat_ms, sidik";

fn version_from(r: &QueryResult) -> StoreResult<VersionRow> {
    Ok(VersionRow {
        definisi: get(r, 0)?,
        nomor: get(r, 1)?,
        hash: get(r, 2)?,
        berkas: get(r, 3)?,
        penulis: get(r, 4)?,
        alasan: get(r, 5)?,
        nomor_surat: get(r, 6)?,
        ringkasan: get(r, 7)?,
        draf: get(r, 8)?,
        dibuat_ms: get(r, 9)?,
        sidik: get(r, 10)?,
    })
}

impl Store {
    /// Keeps a new draft.
    pub async fn insert_draft(&self, d: &DraftRow, stamp: &AuditStamp) -> StoreResult<()> {
        let txn = self.begin_write().await?;
        txn.execute_raw(self.stmt(
            &format!(
                "INSERT INTO draf (instansi, {DRAFT_COLUMNS}) \
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            vec![
                self.tenant.clone().into(),
                d.id.clone().into(),
                d.definisi.clone().into(),
                d.penulis.clone().into(),
                d.berkas_dasar.clone().into(),
                d.berkas.clone().into(),
                d.revisi.into(),
                d.status.clone().into(),
                d.instans.clone().into(),
                d.catatan.clone().into(),
                d.pratinjau.clone().into(),
                d.dibuat_ms.into(),
                d.diubah_ms.into(),
            ],
        ))
        .await?;
        self.append_audit_in(&txn, stamp).await?;
        txn.commit().await?;
        Ok(())
    }

    /// One draft.
    pub async fn draft(&self, id: &str) -> StoreResult<Option<DraftRow>> {
        let rows = self
            .query(
                &format!("SELECT {DRAFT_COLUMNS} FROM draf WHERE instansi = ? AND id = ?"),
                vec![self.tenant.clone().into(), id.into()],
            )
            .await?;
        rows.first().map(draft_from).transpose()
    }

    /// The drafts of `definisi` (every definition when `None`) with one of `statuses`, newest
    /// first.
    pub async fn drafts(
        &self,
        definisi: Option<&str>,
        statuses: &[&str],
    ) -> StoreResult<Vec<DraftRow>> {
        let marks = vec!["?"; statuses.len().max(1)].join(", ");
        let mut values: Vec<sea_orm::Value> = vec![self.tenant.clone().into()];
        // Lists leave the preview (up to megabytes of JSON) out.
        let columns = DRAFT_COLUMNS.replace("pratinjau,", "CAST(NULL AS TEXT) AS pratinjau,");
        let mut sql = format!("SELECT {columns} FROM draf WHERE instansi = ?");
        if let Some(d) = definisi {
            sql.push_str(" AND definisi = ?");
            values.push(d.into());
        }
        sql.push_str(&format!(
            " AND status IN ({marks}) ORDER BY diubah_ms DESC, id"
        ));
        if statuses.is_empty() {
            values.push("".into());
        }
        values.extend(statuses.iter().map(|s| (*s).into()));
        let rows = self.query(&sql, values).await?;
        rows.iter().map(draft_from).collect()
    }

    /// The draft waiting on approval instance `instans`.
    pub async fn draft_of_instance(&self, instans: &str) -> StoreResult<Option<DraftRow>> {
        let rows = self
            .query(
                &format!("SELECT {DRAFT_COLUMNS} FROM draf WHERE instansi = ? AND instans = ?"),
                vec![self.tenant.clone().into(), instans.into()],
            )
            .await?;
        rows.first().map(draft_from).transpose()
    }

    /// Replaces an open draft's files when it is still at `revisi`; the preview made on the
    /// old files is dropped. False when someone changed it in between (or it is not open).
    pub async fn save_draft_files(
        &self,
        id: &str,
        revisi: i64,
        berkas: &str,
        now_ms: i64,
        stamp: &AuditStamp,
    ) -> StoreResult<bool> {
        let txn = self.begin_write().await?;
        let done = txn
            .execute_raw(self.stmt(
                "UPDATE draf SET berkas = ?, revisi = revisi + 1, pratinjau = NULL, diubah_ms = ? \
                 WHERE instansi = ? AND id = ? AND revisi = ? AND status = 'terbuka'",
                vec![
                    berkas.into(),
                    now_ms.into(),
                    self.tenant.clone().into(),
                    id.into(),
                    revisi.into(),
                ],
            ))
            .await?;
        self.commit_audited(txn, done.rows_affected() > 0, stamp)
            .await
    }

    /// Discards an open draft, with its audit entry; false when it was not open.
    pub async fn discard_draft(
        &self,
        id: &str,
        now_ms: i64,
        stamp: &AuditStamp,
    ) -> StoreResult<bool> {
        let txn = self.begin_write().await?;
        let changed = self
            .draft_status_in(&txn, id, "terbuka", "dibuang", None, None, None, now_ms)
            .await?;
        self.commit_audited(txn, changed, stamp).await
    }

    /// Keeps a preview made on revision `revisi` (nothing when the draft moved on).
    pub async fn save_draft_preview(
        &self,
        id: &str,
        revisi: i64,
        pratinjau: &str,
    ) -> StoreResult<bool> {
        let done = self
            .conn()
            .execute_raw(self.stmt(
                "UPDATE draf SET pratinjau = ? WHERE instansi = ? AND id = ? AND revisi = ?",
                vec![
                    pratinjau.into(),
                    self.tenant.clone().into(),
                    id.into(),
                    revisi.into(),
                ],
            ))
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Moves a draft from status `from` to `to` (only while it is at `revisi`, when given);
    /// false when it was not.
    #[allow(clippy::too_many_arguments)]
    pub async fn set_draft_status(
        &self,
        id: &str,
        from: &str,
        to: &str,
        revisi: Option<i64>,
        instans: Option<&str>,
        catatan: Option<&str>,
        now_ms: i64,
    ) -> StoreResult<bool> {
        self.draft_status_in(self.conn(), id, from, to, revisi, instans, catatan, now_ms)
            .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn draft_status_in(
        &self,
        conn: &impl ConnectionTrait,
        id: &str,
        from: &str,
        to: &str,
        revisi: Option<i64>,
        instans: Option<&str>,
        catatan: Option<&str>,
        now_ms: i64,
    ) -> StoreResult<bool> {
        let done = conn
            .execute_raw(self.stmt(
                "UPDATE draf SET status = ?, instans = COALESCE(?, instans), catatan = ?, diubah_ms = ? \
                 WHERE instansi = ? AND id = ? AND status = ? AND revisi = COALESCE(?, revisi)",
                vec![
                    to.into(),
                    instans.map(str::to_owned).into(),
                    catatan.map(str::to_owned).into(),
                    now_ms.into(),
                    self.tenant.clone().into(),
                    id.into(),
                    from.into(),
                    revisi.into(),
                ],
            ))
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Records a published version under the next number and returns that number; `stamp(n)`,
    /// its audit entry, is appended in the same transaction.
    pub async fn insert_version(
        &self,
        v: &VersionRow,
        stamp: Option<&(dyn Fn(i64) -> AuditStamp + Sync)>,
    ) -> StoreResult<i64> {
        // Two publications at once: the second loses on the key and takes the next number.
        for _ in 0..8 {
            let txn = self.begin_write().await?;
            let row = txn
                .query_one_raw(self.stmt(
                    "SELECT COALESCE(MAX(nomor), 0) FROM versi_definisi WHERE instansi = ? AND definisi = ?",
                    vec![self.tenant.clone().into(), v.definisi.clone().into()],
                ))
                .await?;
            let next = match &row {
                Some(r) => get::<i64>(r, 0)? + 1,
                None => 1,
            };
            let done = txn
                .execute_raw(self.stmt(
                    &format!(
                        "INSERT INTO versi_definisi (instansi, {VERSION_COLUMNS}) \
                         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
                         ON CONFLICT (instansi, definisi, nomor) DO NOTHING"
                    ),
                    vec![
                        self.tenant.clone().into(),
                        v.definisi.clone().into(),
                        next.into(),
                        v.hash.clone().into(),
                        v.berkas.clone().into(),
                        v.penulis.clone().into(),
                        v.alasan.clone().into(),
                        v.nomor_surat.clone().into(),
                        v.ringkasan.clone().into(),
                        v.draf.clone().into(),
                        v.dibuat_ms.into(),
                        v.sidik.clone().into(),
                    ],
                ))
                .await?;
            if done.rows_affected() == 0 {
                txn.rollback().await?;
                continue;
            }
            if let Some(stamp) = stamp {
                self.append_audit_in(&txn, &stamp(next)).await?;
            }
            txn.commit().await?;
            return Ok(next);
        }
        Err(super::corrupt("nomor versi terus bertabrakan"))
    }

    /// The published versions of `definisi`, newest first (files left out when `files` is
    /// false).
    pub async fn versions(&self, definisi: &str, files: bool) -> StoreResult<Vec<VersionRow>> {
        let columns = if files {
            VERSION_COLUMNS.to_owned()
        } else {
            VERSION_COLUMNS.replace("berkas,", "'' AS berkas,")
        };
        let rows = self
            .query(
                &format!(
                    "SELECT {columns} FROM versi_definisi WHERE instansi = ? AND definisi = ? ORDER BY nomor DESC"
                ),
                vec![self.tenant.clone().into(), definisi.into()],
            )
            .await?;
        rows.iter().map(version_from).collect()
    }

    /// Keeps the fingerprint of a version recorded before fingerprints were kept.
    pub async fn set_version_fingerprint(
        &self,
        definisi: &str,
        nomor: i64,
        sidik: &str,
    ) -> StoreResult<()> {
        self.conn()
            .execute_raw(self.stmt(
                "UPDATE versi_definisi SET sidik = ? WHERE instansi = ? AND definisi = ? AND nomor = ? AND sidik IS NULL",
                vec![
                    sidik.into(),
                    self.tenant.clone().into(),
                    definisi.into(),
                    nomor.into(),
                ],
            ))
            .await?;
        Ok(())
    }

    /// One published version with its files.
    pub async fn version(&self, definisi: &str, nomor: i64) -> StoreResult<Option<VersionRow>> {
        let rows = self
            .query(
                &format!(
                    "SELECT {VERSION_COLUMNS} FROM versi_definisi WHERE instansi = ? AND definisi = ? AND nomor = ?"
                ),
                vec![self.tenant.clone().into(), definisi.into(), nomor.into()],
            )
            .await?;
        rows.first().map(version_from).transpose()
    }
}
