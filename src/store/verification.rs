//! Verifiers' manual findings (`verifikasi_manual`): at most one finding in force per candidate
//! and rule; a new one replaces the old in the same transaction.

use sea_orm::{ConnectionTrait, QueryResult};

use super::{Store, StoreResult, corrupt, get};
use crate::domain::{AuditStamp, ManualFinding, Nik, StatusTemuan, Temuan};

const COLUMNS: &str = "id, nik, ruleset, aturan, hasil, catatan, data_hash, oleh, dibuat_ms, status, \
                       diakhiri_oleh, diakhiri_ms, catatan_akhir";

fn finding_from(r: &QueryResult) -> StoreResult<ManualFinding> {
    let nik: String = get(r, 1)?;
    let hasil: String = get(r, 4)?;
    let status: String = get(r, 9)?;
    Ok(ManualFinding {
        id: get(r, 0)?,
        nik: Nik::parse(&nik).map_err(|e| corrupt(format!("verifikasi {nik}: {e}")))?,
        ruleset: get(r, 2)?,
        aturan: get(r, 3)?,
        hasil: Temuan::parse(&hasil).map_err(corrupt)?,
        catatan: get(r, 5)?,
        data_hash: get(r, 6)?,
        oleh: get(r, 7)?,
        dibuat_ms: get(r, 8)?,
        status: StatusTemuan::parse(&status).map_err(corrupt)?,
        diakhiri_oleh: get(r, 10)?,
        diakhiri_ms: get(r, 11)?,
        catatan_akhir: get(r, 12)?,
    })
}

impl Store {
    /// Records a finding; those in force on the same candidate and rule are marked replaced,
    /// in one transaction. Two at once: the unique index on findings in force lets one insert
    /// through, and the other is tried again over it. Returns whether one was replaced.
    pub async fn put_finding(
        &self,
        f: &ManualFinding,
        stamp: &(dyn Fn(bool) -> AuditStamp + Sync),
    ) -> StoreResult<bool> {
        let mut last = None;
        for _ in 0..5 {
            match self.try_put_finding(f, stamp).await {
                Ok(replaced) => return Ok(replaced),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| corrupt("temuan tidak tersimpan")))
    }

    async fn try_put_finding(
        &self,
        f: &ManualFinding,
        stamp: &(dyn Fn(bool) -> AuditStamp + Sync),
    ) -> StoreResult<bool> {
        let txn = self.begin_write().await?;
        let replaced = txn
            .execute_raw(self.stmt(
                "UPDATE verifikasi_manual SET status = 'diganti', diakhiri_oleh = ?, diakhiri_ms = ? \
                 WHERE instansi = ? AND nik = ? AND aturan = ? AND status = 'berlaku'",
                vec![
                    f.oleh.clone().into(),
                    f.dibuat_ms.into(),
                    self.tenant.clone().into(),
                    f.nik.as_str().into(),
                    f.aturan.clone().into(),
                ],
            ))
            .await?
            .rows_affected();
        txn.execute_raw(self.stmt(
            &format!(
                "INSERT INTO verifikasi_manual (instansi, {COLUMNS}) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            vec![
                self.tenant.clone().into(),
                f.id.clone().into(),
                f.nik.as_str().into(),
                f.ruleset.clone().into(),
                f.aturan.clone().into(),
                f.hasil.code().into(),
                f.catatan.clone().into(),
                f.data_hash.clone().into(),
                f.oleh.clone().into(),
                f.dibuat_ms.into(),
                f.status.code().into(),
                f.diakhiri_oleh.clone().into(),
                f.diakhiri_ms.into(),
                f.catatan_akhir.clone().into(),
            ],
        ))
        .await?;
        self.append_audit_in(&txn, &stamp(replaced > 0)).await?;
        txn.commit().await?;
        Ok(replaced > 0)
    }

    /// Ends the findings `ids` still in force with `status` and appends `stamp` in the same
    /// write transaction; returns how many ended (none ended: nothing written, no entry).
    pub async fn end_findings(
        &self,
        ids: &[String],
        status: StatusTemuan,
        by: &str,
        why: &str,
        now_ms: i64,
        stamp: &AuditStamp,
    ) -> StoreResult<u64> {
        let txn = self.begin_write().await?;
        let mut n = 0;
        for id in ids {
            let done = txn
                .execute_raw(self.stmt(
                    "UPDATE verifikasi_manual SET status = ?, diakhiri_oleh = ?, diakhiri_ms = ?, catatan_akhir = ? \
                     WHERE instansi = ? AND id = ? AND status = 'berlaku'",
                    vec![
                        status.code().into(),
                        by.into(),
                        now_ms.into(),
                        why.into(),
                        self.tenant.clone().into(),
                        id.clone().into(),
                    ],
                ))
                .await?;
            n += done.rows_affected();
        }
        if n == 0 {
            txn.rollback().await?;
            return Ok(0);
        }
        self.append_audit_in(&txn, stamp).await?;
        txn.commit().await?;
        Ok(n)
    }

    /// The findings in force for candidates with NIK in (`lo`, `hi`] (a chunk of a run).
    pub async fn findings_between(&self, lo: &str, hi: &str) -> StoreResult<Vec<ManualFinding>> {
        self.query(
            &format!(
                "SELECT {COLUMNS} FROM verifikasi_manual WHERE instansi = ? AND status = 'berlaku' \
                 AND nik > ? AND nik <= ? ORDER BY nik, aturan"
            ),
            vec![self.tenant.clone().into(), lo.into(), hi.into()],
        )
        .await?
        .iter()
        .map(finding_from)
        .collect()
    }

    /// Every finding (any status) about candidates with NIK in (`lo`, `hi`]: what a run's
    /// check accepts a manual verdict against.
    pub async fn all_findings_between(
        &self,
        lo: &str,
        hi: &str,
    ) -> StoreResult<Vec<ManualFinding>> {
        self.query(
            &format!(
                "SELECT {COLUMNS} FROM verifikasi_manual WHERE instansi = ? AND nik > ? AND nik <= ? ORDER BY nik, dibuat_ms"
            ),
            vec![self.tenant.clone().into(), lo.into(), hi.into()],
        )
        .await?
        .iter()
        .map(finding_from)
        .collect()
    }

    /// The names of the candidates `niks` (those still on record), in one query per 500.
    pub async fn candidate_names(
        &self,
        niks: &[Nik],
    ) -> StoreResult<std::collections::HashMap<Nik, String>> {
        let mut out = std::collections::HashMap::new();
        for chunk in niks.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(", ");
            let mut values: Vec<sea_orm::Value> = vec![self.tenant.clone().into()];
            values.extend(chunk.iter().map(|n| n.as_str().into()));
            for r in self
                .query(
                    &format!("SELECT nik, nama FROM calon WHERE instansi = ? AND nik IN ({marks})"),
                    values,
                )
                .await?
            {
                let nik: String = get(&r, 0)?;
                if let Ok(nik) = Nik::parse(&nik) {
                    out.insert(nik, get(&r, 1)?);
                }
            }
        }
        Ok(out)
    }

    /// Findings, newest first: of one candidate (every status), or every finding in force
    /// and the most recent ended ones.
    pub async fn findings(&self, nik: Option<&Nik>, limit: u64) -> StoreResult<Vec<ManualFinding>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = match nik {
            Some(nik) => {
                self.query(
                    &format!(
                        "SELECT {COLUMNS} FROM verifikasi_manual WHERE instansi = ? AND nik = ? \
                         ORDER BY dibuat_ms DESC, id DESC LIMIT ?"
                    ),
                    vec![self.tenant.clone().into(), nik.as_str().into(), limit.into()],
                )
                .await?
            }
            None => {
                self.query(
                    &format!(
                        "SELECT {COLUMNS} FROM verifikasi_manual WHERE instansi = ? \
                         ORDER BY CASE WHEN status = 'berlaku' THEN 0 ELSE 1 END, dibuat_ms DESC, id DESC LIMIT ?"
                    ),
                    vec![self.tenant.clone().into(), limit.into()],
                )
                .await?
            }
        };
        rows.iter().map(finding_from).collect()
    }
}
