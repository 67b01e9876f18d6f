//! Claims of scheduled-job occurrences.

use super::{Store, StoreError, StoreResult};

impl Store {
    /// Claims the occurrence of `task` at `at_ms` for `owner`; false when someone else has.
    pub async fn claim_occurrence(
        &self,
        task: &str,
        at_ms: i64,
        owner: &str,
        now_ms: i64,
    ) -> StoreResult<bool> {
        let rows = self
            .query(
                "INSERT INTO jadwal_klaim (instansi, tugas, waktu_ms, pemilik, status, dibuat_ms) VALUES (?, ?, ?, ?, 'berjalan', ?) \
                 ON CONFLICT (instansi, tugas, waktu_ms) DO NOTHING RETURNING tugas",
                vec![
                    self.tenant.clone().into(),
                    task.into(),
                    at_ms.into(),
                    owner.into(),
                    now_ms.into(),
                ],
            )
            .await?;
        Ok(!rows.is_empty())
    }

    /// Records how a claimed occurrence ended.
    pub async fn finish_occurrence(
        &self,
        task: &str,
        at_ms: i64,
        ok: bool,
        result: &str,
        now_ms: i64,
    ) -> StoreResult<()> {
        self.query(
            "UPDATE jadwal_klaim SET status = ?, hasil = ?, selesai_ms = ? WHERE instansi = ? AND tugas = ? AND waktu_ms = ?",
            vec![
                if ok { "selesai" } else { "gagal" }.into(),
                result.into(),
                now_ms.into(),
                self.tenant.clone().into(),
                task.into(),
                at_ms.into(),
            ],
        )
        .await?;
        Ok(())
    }

    /// The latest claimed occurrence of `task`, epoch ms.
    pub async fn last_occurrence(&self, task: &str) -> StoreResult<Option<i64>> {
        let rows = self
            .query(
                "SELECT CAST(MAX(waktu_ms) AS BIGINT) FROM jadwal_klaim WHERE instansi = ? AND tugas = ?",
                vec![self.tenant.clone().into(), task.into()],
            )
            .await?;
        match rows.first() {
            Some(r) => r.try_get_by_index::<Option<i64>>(0).map_err(StoreError::Db),
            None => Ok(None),
        }
    }

    /// Occurrences claimed for `task`, oldest first (for tests and `schedule list`).
    pub async fn occurrences(&self, task: &str) -> StoreResult<Vec<(i64, String, String)>> {
        let rows = self
            .query(
                "SELECT waktu_ms, pemilik, status FROM jadwal_klaim WHERE instansi = ? AND tugas = ? ORDER BY waktu_ms",
                vec![self.tenant.clone().into(), task.into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get_by_index(0).map_err(StoreError::Db)?,
                    r.try_get_by_index(1).map_err(StoreError::Db)?,
                    r.try_get_by_index(2).map_err(StoreError::Db)?,
                ))
            })
            .collect()
    }
}
