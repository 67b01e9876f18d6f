//! The audit log: appended in a write transaction — its own, or the one making the change it
//! records — so that the chain has no gaps and no forks (PostgreSQL: the tenant's chain is
//! held by a transaction-scoped advisory lock while an entry is appended). Every entry is
//! hashed with the agency's key ([`AuditKey`]); the key itself is never stored.

use sea_orm::{ConnectionTrait, DatabaseTransaction, QueryResult};

use super::{Backend, Store, StoreError, StoreResult, get};
use crate::domain::{
    AuditEntry, AuditEvent, AuditFilter, AuditKey, AuditStamp, GENESIS, keyed_hash,
};

const COLUMNS: &str =
    "urutan, waktu_ms, orang, dari, aksi, objek, rincian, hash_sebelum, hash, berkunci";

fn entry_from(r: &QueryResult) -> StoreResult<AuditEntry> {
    Ok(AuditEntry {
        urutan: get(r, 0)?,
        waktu_ms: get(r, 1)?,
        orang: get(r, 2)?,
        dari: get(r, 3)?,
        aksi: get(r, 4)?,
        objek: get(r, 5)?,
        rincian: get(r, 6)?,
        hash_sebelum: get(r, 7)?,
        hash: get(r, 8)?,
        berkunci: get(r, 9)?,
    })
}

/// What an audit count matches.
#[derive(Debug, Clone, Copy)]
pub enum AuditCount<'a> {
    /// Entries from this address.
    Dari(&'a str),
    /// Entries about exactly this object.
    Objek(&'a str),
}

const AUDIT_LOCK: &str = "SELECT pg_advisory_xact_lock(hashtext('merit-audit-' || ?))";
const LAST_ENTRY: &str =
    "SELECT urutan, hash FROM audit WHERE instansi = ? ORDER BY urutan DESC LIMIT 1";
const INSERT_ENTRY: &str = "INSERT INTO audit (instansi, urutan, waktu_ms, orang, dari, aksi, objek, rincian, hash_sebelum, hash, berkunci) \
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (instansi, urutan) DO NOTHING";

/// The entry `stamp` makes after `prev` (the chain's last number and hash; none at genesis).
fn chained(stamp: &AuditStamp, prev: Option<(i64, String)>) -> AuditEntry {
    let (prev_n, hash_sebelum) = prev.unwrap_or((0, GENESIS.to_owned()));
    let e = &stamp.event;
    let urutan = prev_n + 1;
    let hash = keyed_hash(&stamp.key, &hash_sebelum, urutan, stamp.waktu_ms, e);
    AuditEntry {
        urutan,
        waktu_ms: stamp.waktu_ms,
        orang: e.orang.clone(),
        dari: e.dari.clone(),
        aksi: e.aksi.clone(),
        objek: e.objek.clone(),
        rincian: e.rincian.clone(),
        hash_sebelum,
        hash,
        berkunci: true,
    }
}

/// One row written, or the chain was raced (never under the lock; kept as a guard).
fn inserted(rows: u64) -> StoreResult<()> {
    if rows == 1 {
        Ok(())
    } else {
        Err(StoreError::Corrupt(
            "catatan audit berebut urutan; coba lagi".to_owned(),
        ))
    }
}

impl Store {
    /// Appends `e` at `now_ms` to this agency's chain, hashed under `key`, in a write
    /// transaction of its own.
    pub async fn append_audit(
        &self,
        e: &AuditEvent,
        now_ms: i64,
        key: &AuditKey,
    ) -> StoreResult<AuditEntry> {
        let stamp = AuditStamp {
            event: e.clone(),
            key: key.clone(),
            waktu_ms: now_ms,
        };
        let txn = self.begin_write().await?;
        let entry = self.append_audit_in(&txn, &stamp).await?;
        txn.commit().await?;
        Ok(entry)
    }

    /// Appends `stamp` inside the caller's write transaction `txn`, so that the entry and the
    /// change it records commit or roll back together. On PostgreSQL the tenant's chain is
    /// locked for the rest of the transaction first (`pg_advisory_xact_lock`), so concurrent
    /// appends wait for each other instead of forking or failing; SQLite write transactions are
    /// serialised already.
    pub(crate) async fn append_audit_in(
        &self,
        txn: &DatabaseTransaction,
        stamp: &AuditStamp,
    ) -> StoreResult<AuditEntry> {
        if self.backend == Backend::Postgres {
            txn.execute_raw(self.stmt(AUDIT_LOCK, vec![self.tenant.clone().into()]))
                .await?;
        }
        let last = txn
            .query_one_raw(self.stmt(LAST_ENTRY, vec![self.tenant.clone().into()]))
            .await?;
        let prev = match &last {
            Some(r) => Some((get::<i64>(r, 0)?, get::<String>(r, 1)?)),
            None => None,
        };
        let entry = chained(stamp, prev);
        let done = txn
            .execute_raw(self.stmt(INSERT_ENTRY, self.entry_values(&entry)))
            .await?;
        inserted(done.rows_affected())?;
        Ok(entry)
    }

    fn entry_values(&self, e: &AuditEntry) -> Vec<sea_orm::Value> {
        vec![
            self.tenant.clone().into(),
            e.urutan.into(),
            e.waktu_ms.into(),
            e.orang.clone().into(),
            e.dari.clone().into(),
            e.aksi.clone().into(),
            e.objek.clone().into(),
            e.rincian.clone().into(),
            e.hash_sebelum.clone().into(),
            e.hash.clone().into(),
            e.berkunci.into(),
        ]
    }

    /// Commits `txn` with `stamp` appended when it `changed` something (true); rolls it back
    /// otherwise (false).
    pub(super) async fn commit_audited(
        &self,
        txn: DatabaseTransaction,
        changed: bool,
        stamp: &AuditStamp,
    ) -> StoreResult<bool> {
        if !changed {
            txn.rollback().await?;
            return Ok(false);
        }
        self.append_audit_in(&txn, stamp).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// Entries newest first, filtered, at most `limit`.
    pub async fn audit_page(&self, f: &AuditFilter, limit: u64) -> StoreResult<Vec<AuditEntry>> {
        let mut sql = format!("SELECT {COLUMNS} FROM audit WHERE instansi = ?");
        let mut values: Vec<sea_orm::Value> = vec![self.tenant.clone().into()];
        if let Some(o) = &f.orang {
            sql.push_str(" AND orang = ?");
            values.push(o.clone().into());
        }
        if let Some(a) = &f.aksi {
            sql.push_str(" AND aksi = ?");
            values.push(a.clone().into());
        }
        if let Some(s) = f.sejak_ms {
            sql.push_str(" AND waktu_ms >= ?");
            values.push(s.into());
        }
        if let Some(s) = f.sampai_ms {
            sql.push_str(" AND waktu_ms < ?");
            values.push(s.into());
        }
        if let Some(t) = &f.tag {
            // A keyed tag closes the object it names (`NIK ****0001 #…`, `akun #…`).
            sql.push_str(" AND objek LIKE ?");
            values.push(format!("%{t}").into());
        }
        if let Some(b) = f.sebelum {
            sql.push_str(" AND urutan < ?");
            values.push(b.into());
        }
        sql.push_str(" ORDER BY urutan DESC LIMIT ?");
        values.push(i64::try_from(limit).unwrap_or(i64::MAX).into());
        let rows = self.query(&sql, values).await?;
        rows.iter().map(entry_from).collect()
    }

    /// Entries after position `after`, oldest first, at most `limit` (for verification).
    pub async fn audit_after(&self, after: i64, limit: u64) -> StoreResult<Vec<AuditEntry>> {
        let rows = self
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM audit WHERE instansi = ? AND urutan > ? ORDER BY urutan LIMIT ?"
                ),
                vec![
                    self.tenant.clone().into(),
                    after.into(),
                    i64::try_from(limit).unwrap_or(i64::MAX).into(),
                ],
            )
            .await?;
        rows.iter().map(entry_from).collect()
    }

    /// The newest entry of this agency's chain.
    pub async fn audit_head(&self) -> StoreResult<Option<AuditEntry>> {
        let rows = self
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM audit WHERE instansi = ? ORDER BY urutan DESC LIMIT 1"
                ),
                vec![self.tenant.clone().into()],
            )
            .await?;
        rows.first().map(entry_from).transpose()
    }

    /// Whether any entry of this agency's chain is keyed.
    pub async fn audit_has_keyed(&self) -> StoreResult<bool> {
        let rows = self
            .query(
                "SELECT urutan FROM audit WHERE instansi = ? AND berkunci = ? LIMIT 1",
                vec![self.tenant.clone().into(), true.into()],
            )
            .await?;
        Ok(!rows.is_empty())
    }

    /// How many entries of `aksi` match `on` since `since_ms`.
    pub async fn audit_count(
        &self,
        aksi: &str,
        on: AuditCount<'_>,
        since_ms: i64,
    ) -> StoreResult<i64> {
        let (column, value) = match on {
            AuditCount::Dari(d) => ("dari", d),
            AuditCount::Objek(o) => ("objek", o),
        };
        let rows = self
            .query(
                &format!(
                    "SELECT CAST(COUNT(*) AS BIGINT) FROM audit WHERE instansi = ? AND {column} = ? AND aksi = ? AND waktu_ms >= ?"
                ),
                vec![
                    self.tenant.clone().into(),
                    value.into(),
                    aksi.into(),
                    since_ms.into(),
                ],
            )
            .await?;
        match rows.first() {
            Some(r) => get(r, 0),
            None => Ok(0),
        }
    }
}

/// [`Store::append_audit_in`] inside a bulk transaction (an import, a placement).
pub(crate) async fn append_audit_bulk(
    tx: &mut super::bulk::Tx,
    tenant: &str,
    stamp: &AuditStamp,
) -> StoreResult<AuditEntry> {
    use super::bulk::Val;
    let backend = tx.backend();
    let sql = |q: &str| super::placeholders(backend, q);
    let tenant = Val::Text(tenant);
    if backend == Backend::Postgres {
        tx.execute(sql(AUDIT_LOCK), &[tenant]).await?;
    }
    // Named apart from the column: ordered by the number, never by its text.
    let last = "SELECT CAST(urutan AS TEXT) AS urutan_teks, hash FROM audit WHERE instansi = ? ORDER BY urutan DESC LIMIT 1";
    let rows = tx.fetch_texts(sql(last), &[tenant], 2).await?;
    let prev = match rows.first().map(Vec::as_slice) {
        Some([n, hash]) => Some((
            n.parse::<i64>()
                .map_err(|e| StoreError::Corrupt(format!("urutan audit: {e}")))?,
            hash.clone(),
        )),
        _ => None,
    };
    let e = chained(stamp, prev);
    let done = tx
        .execute(
            sql(INSERT_ENTRY),
            &[
                tenant,
                Val::I64(e.urutan),
                Val::I64(e.waktu_ms),
                Val::Text(&e.orang),
                Val::Text(&e.dari),
                Val::Text(&e.aksi),
                Val::Text(&e.objek),
                Val::Text(&e.rincian),
                Val::Text(&e.hash_sebelum),
                Val::Text(&e.hash),
                Val::Bool(e.berkunci),
            ],
        )
        .await?;
    inserted(done)?;
    Ok(e)
}
