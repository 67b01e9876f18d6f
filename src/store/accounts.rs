//! Console accounts and their sessions. A session row is keyed by the SHA-256 of its cookie.

use sea_orm::{ConnectionTrait, QueryResult};

use super::{Backend, Store, StoreResult, get};
use crate::domain::AuditStamp;

/// An account.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub email: String,
    pub nama: String,
    pub peran: String,
    /// Argon2id PHC string.
    pub hash_sandi: String,
    pub aktif: bool,
    pub dibuat_ms: i64,
    pub diubah_ms: i64,
}

/// A session with its account.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub email: String,
    pub nama: String,
    pub peran: String,
    /// Whether the account is still active.
    pub aktif: bool,
    /// The session's CSRF token.
    pub csrf: String,
    pub dibuat_ms: i64,
    pub terakhir_ms: i64,
}

fn user_from(r: &QueryResult) -> StoreResult<UserRow> {
    Ok(UserRow {
        email: get(r, 0)?,
        nama: get(r, 1)?,
        peran: get(r, 2)?,
        hash_sandi: get(r, 3)?,
        aktif: get(r, 4)?,
        dibuat_ms: get(r, 5)?,
        diubah_ms: get(r, 6)?,
    })
}

const USER_COLUMNS: &str = "email, nama, peran, hash_sandi, aktif, dibuat_ms, diubah_ms";

impl Store {
    /// Adds an account and its audit entry; false (nothing written) when the address has one
    /// already.
    pub async fn add_user(
        &self,
        email: &str,
        nama: &str,
        peran: &str,
        hash: &str,
        now_ms: i64,
        stamp: &AuditStamp,
    ) -> StoreResult<bool> {
        let txn = self.begin_write().await?;
        let done = txn
            .execute_raw(self.stmt(
                "INSERT INTO pengguna (instansi, email, nama, peran, hash_sandi, aktif, dibuat_ms, diubah_ms) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (instansi, email) DO NOTHING",
                vec![
                    self.tenant.clone().into(),
                    email.into(),
                    nama.into(),
                    peran.into(),
                    hash.into(),
                    true.into(),
                    now_ms.into(),
                    now_ms.into(),
                ],
            ))
            .await?;
        self.commit_audited(txn, done.rows_affected() > 0, stamp)
            .await
    }

    /// One account.
    pub async fn user(&self, email: &str) -> StoreResult<Option<UserRow>> {
        let rows = self
            .query(
                &format!("SELECT {USER_COLUMNS} FROM pengguna WHERE instansi = ? AND email = ?"),
                vec![self.tenant.clone().into(), email.into()],
            )
            .await?;
        rows.first().map(user_from).transpose()
    }

    /// Every account, by address.
    pub async fn users(&self) -> StoreResult<Vec<UserRow>> {
        let rows = self
            .query(
                &format!("SELECT {USER_COLUMNS} FROM pengguna WHERE instansi = ? ORDER BY email"),
                vec![self.tenant.clone().into()],
            )
            .await?;
        rows.iter().map(user_from).collect()
    }

    /// Enables an account with its audit entry `stamp`, in one write transaction; false when
    /// there is none (disabling is [`Store::disable_user_keeping_admin`]).
    pub async fn enable_user(
        &self,
        email: &str,
        now_ms: i64,
        stamp: &AuditStamp,
    ) -> StoreResult<bool> {
        let txn = self.begin_write().await?;
        let done = txn
            .execute_raw(self.stmt(
                "UPDATE pengguna SET aktif = ?, diubah_ms = ? WHERE instansi = ? AND email = ?",
                vec![
                    true.into(),
                    now_ms.into(),
                    self.tenant.clone().into(),
                    email.into(),
                ],
            ))
            .await?;
        self.commit_audited(txn, done.rows_affected() > 0, stamp)
            .await
    }

    /// Disables an account unless it is the last active administrator, in one write
    /// transaction (on PostgreSQL the active administrators' rows are locked first, so two
    /// administrators disabling each other at once cannot leave none). `None` when there is
    /// no such account, `Some(false)` when it is the last active administrator. The audit entry
    /// `stamp` is appended in the same transaction.
    pub async fn disable_user_keeping_admin(
        &self,
        email: &str,
        now_ms: i64,
        stamp: &AuditStamp,
    ) -> StoreResult<Option<bool>> {
        let txn = self.begin_write().await?;
        let lock = if self.backend == Backend::Postgres {
            " FOR UPDATE"
        } else {
            ""
        };
        let admins: Vec<String> = txn
            .query_all_raw(self.stmt(
                &format!(
                    "SELECT email FROM pengguna WHERE instansi = ? AND peran = 'admin' AND aktif = ?{lock}"
                ),
                vec![self.tenant.clone().into(), true.into()],
            ))
            .await?
            .iter()
            .map(|r| get::<String>(r, 0))
            .collect::<StoreResult<_>>()?;
        if admins.len() <= 1 && admins.iter().any(|a| a == email) {
            txn.rollback().await?;
            return Ok(Some(false));
        }
        let done = txn
            .execute_raw(self.stmt(
                "UPDATE pengguna SET aktif = ?, diubah_ms = ? WHERE instansi = ? AND email = ?",
                vec![
                    false.into(),
                    now_ms.into(),
                    self.tenant.clone().into(),
                    email.into(),
                ],
            ))
            .await?;
        if done.rows_affected() == 0 {
            txn.rollback().await?;
            return Ok(None);
        }
        self.end_sessions_in(&txn, email).await?;
        self.append_audit_in(&txn, stamp).await?;
        txn.commit().await?;
        Ok(Some(true))
    }

    /// Replaces an account's password hash with its audit entry `stamp`, in one write
    /// transaction, and ends its sessions; false when there is none.
    pub async fn set_user_password(
        &self,
        email: &str,
        hash: &str,
        now_ms: i64,
        stamp: &AuditStamp,
    ) -> StoreResult<bool> {
        let txn = self.begin_write().await?;
        let done = txn
            .execute_raw(self.stmt(
                "UPDATE pengguna SET hash_sandi = ?, diubah_ms = ? WHERE instansi = ? AND email = ?",
                vec![
                    hash.into(),
                    now_ms.into(),
                    self.tenant.clone().into(),
                    email.into(),
                ],
            ))
            .await?;
        if done.rows_affected() == 0 {
            txn.rollback().await?;
            return Ok(false);
        }
        self.end_sessions_in(&txn, email).await?;
        self.append_audit_in(&txn, stamp).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// Opens a session, with its audit entry (the sign-in).
    pub async fn add_session(
        &self,
        digest: &str,
        email: &str,
        csrf: &str,
        alamat: &str,
        now_ms: i64,
        stamp: &AuditStamp,
    ) -> StoreResult<()> {
        let txn = self.begin_write().await?;
        txn.execute_raw(self.stmt(
                "INSERT INTO sesi (id, instansi, email, csrf, alamat, dibuat_ms, terakhir_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
                vec![
                    digest.into(),
                    self.tenant.clone().into(),
                    email.into(),
                    csrf.into(),
                    alamat.into(),
                    now_ms.into(),
                    now_ms.into(),
                ],
            ))
            .await?;
        self.append_audit_in(&txn, stamp).await?;
        txn.commit().await?;
        Ok(())
    }

    /// A session and its account.
    pub async fn session(&self, digest: &str) -> StoreResult<Option<SessionRow>> {
        let rows = self
            .query(
                "SELECT s.email, p.nama, p.peran, p.aktif, s.csrf, s.dibuat_ms, s.terakhir_ms FROM sesi s \
                 JOIN pengguna p ON p.instansi = s.instansi AND p.email = s.email \
                 WHERE s.id = ? AND s.instansi = ?",
                vec![digest.into(), self.tenant.clone().into()],
            )
            .await?;
        rows.first()
            .map(|r| {
                Ok(SessionRow {
                    email: get(r, 0)?,
                    nama: get(r, 1)?,
                    peran: get(r, 2)?,
                    aktif: get(r, 3)?,
                    csrf: get(r, 4)?,
                    dibuat_ms: get(r, 5)?,
                    terakhir_ms: get(r, 6)?,
                })
            })
            .transpose()
    }

    /// Marks a session used now.
    pub async fn touch_session(&self, digest: &str, now_ms: i64) -> StoreResult<()> {
        self.conn()
            .execute_raw(self.stmt(
                "UPDATE sesi SET terakhir_ms = ? WHERE id = ? AND instansi = ?",
                vec![now_ms.into(), digest.into(), self.tenant.clone().into()],
            ))
            .await?;
        Ok(())
    }

    /// Ends a session; `stamp` (a sign-out) is appended in the same transaction.
    pub async fn end_session(&self, digest: &str, stamp: Option<&AuditStamp>) -> StoreResult<()> {
        let txn = self.begin_write().await?;
        txn.execute_raw(self.stmt(
            "DELETE FROM sesi WHERE id = ? AND instansi = ?",
            vec![digest.into(), self.tenant.clone().into()],
        ))
        .await?;
        if let Some(stamp) = stamp {
            self.append_audit_in(&txn, stamp).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// Ends every session of an account; `stamp(n)` is the audit entry for `n` sessions ended,
    /// appended in the same transaction.
    pub async fn end_sessions_of(
        &self,
        email: &str,
        stamp: &(dyn Fn(u64) -> AuditStamp + Sync),
    ) -> StoreResult<u64> {
        let txn = self.begin_write().await?;
        let n = self.end_sessions_in(&txn, email).await?;
        self.append_audit_in(&txn, &stamp(n)).await?;
        txn.commit().await?;
        Ok(n)
    }

    /// [`Store::end_sessions_of`] inside a caller's transaction (a disable, a new password).
    async fn end_sessions_in(&self, conn: &impl ConnectionTrait, email: &str) -> StoreResult<u64> {
        let done = conn
            .execute_raw(self.stmt(
                "DELETE FROM sesi WHERE instansi = ? AND email = ?",
                vec![self.tenant.clone().into(), email.into()],
            ))
            .await?;
        Ok(done.rows_affected())
    }

    /// Removes sessions idle since `idle_before_ms` or opened before `opened_before_ms`.
    pub async fn end_expired_sessions(
        &self,
        idle_before_ms: i64,
        opened_before_ms: i64,
    ) -> StoreResult<u64> {
        let done = self
            .conn()
            .execute_raw(self.stmt(
                "DELETE FROM sesi WHERE instansi = ? AND (terakhir_ms < ? OR dibuat_ms < ?)",
                vec![
                    self.tenant.clone().into(),
                    idle_before_ms.into(),
                    opened_before_ms.into(),
                ],
            ))
            .await?;
        Ok(done.rows_affected())
    }
}
