//! PERSIST: the only module that touches sea-orm. Repositories take and return domain types;
//! rows never leave this module.
//!
//! SQLite is opened in WAL mode with a busy timeout, and every write transaction is started
//! `IMMEDIATE`, so two processes that both want to write queue on the lock instead of failing
//! with a deadlock when a read upgrades to a write. PostgreSQL needs neither.

mod accounts;
pub mod announcements;
mod audit;
mod bulk;
mod console;
mod drafts;
mod entity;
mod imports;
mod lists;
mod outbox;
mod packed;
mod people;
mod placements;
mod register;
mod runs;
mod schedule;
mod settings;
mod verification;
mod workflows;

use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbErr,
    SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
};

pub use accounts::{SessionRow, UserRow};
pub use audit::AuditCount;
pub use console::{CandidateListRow, CandidateSearch, DecisionOfRun, Search};
pub use drafts::{DraftRow, VersionRow};
pub use imports::{ImportBatch, ImportWriter};
pub use lists::{BudgetSum, ProposedLine, RecapCount, UnproposedLine};
pub use outbox::{OutboxRow, OutboxStats};
pub use register::{NumberRequest, NumberRow};
pub use runs::{Chunk, ExportRow};
pub use workflows::{Applied, DueTimer};

/// Column `i` of a result row.
pub(crate) fn get<T: sea_orm::TryGetable>(r: &sea_orm::QueryResult, i: usize) -> StoreResult<T> {
    r.try_get_by_index::<T>(i).map_err(StoreError::Db)
}

/// A stored value that does not read back as its type.
pub(crate) fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// Embedded SQLite file (one regency).
    Sqlite,
    /// PostgreSQL server (several processes, many tenants).
    Postgres,
}

/// What can go wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names neither SQLite nor PostgreSQL.
    #[error("alamat basis data '{0}' tidak dikenal: gunakan sqlite://… atau postgres://…")]
    UnknownUrl(String),
    /// The database could not be opened.
    #[error("tidak dapat membuka basis data {url}: {source}")]
    Connect {
        /// The URL with any password hidden.
        url: String,
        /// The driver's error.
        source: DbErr,
    },
    /// The folder for the SQLite file could not be created.
    #[error("tidak dapat membuat folder basis data {path}: {source}")]
    Folder {
        /// The folder.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Migrations failed.
    #[error("migrasi basis data gagal: {0}")]
    Migrate(DbErr),
    /// A query failed.
    #[error("kesalahan basis data: {0}")]
    Db(#[from] DbErr),
    /// A stored row does not convert back to a domain value.
    #[error("data tersimpan rusak ({0})")]
    Corrupt(String),
}

/// Shorthand for store results.
pub type StoreResult<T> = Result<T, StoreError>;

/// A connection pool bound to one tenant.
#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
    backend: Backend,
    tenant: String,
}

impl Store {
    /// Connects and applies pending migrations.
    pub async fn open(url: &str, tenant: &str) -> StoreResult<Self> {
        let store = Self::connect(url, tenant).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Connects without migrating. For SQLite the file and its folder are created and WAL is
    /// switched on.
    pub async fn connect(url: &str, tenant: &str) -> StoreResult<Self> {
        let (backend, url) = normalize_url(url)?;
        let mut opts = ConnectOptions::new(url.clone());
        opts.sqlx_logging(false)
            .acquire_timeout(Duration::from_secs(10))
            .connect_timeout(Duration::from_secs(10));
        match backend {
            Backend::Sqlite => {
                opts.max_connections(4)
                    .min_connections(1)
                    .map_sqlx_sqlite_opts(|o| {
                        o.journal_mode(SqliteJournalMode::Wal)
                            .synchronous(SqliteSynchronous::Normal)
                            .busy_timeout(Duration::from_secs(60))
                            .foreign_keys(true)
                    });
            }
            Backend::Postgres => {
                opts.max_connections(12).min_connections(1);
            }
        }
        let db = Database::connect(opts)
            .await
            .map_err(|source| StoreError::Connect {
                url: mask_url(&url),
                source,
            })?;
        Ok(Self {
            db,
            backend,
            tenant: tenant.to_owned(),
        })
    }

    /// Applies pending migrations; returns the names applied. Safe to run from several
    /// processes at once (PostgreSQL: an advisory lock; SQLite: an immediate transaction).
    pub async fn migrate(&self) -> StoreResult<Vec<String>> {
        // Everything, including the creation of sea-orm's bookkeeping table, happens under the
        // lock: two processes starting together must not both create it.
        let txn = self.begin_write().await?;
        if self.backend == Backend::Postgres {
            txn.execute_unprepared("SELECT pg_advisory_xact_lock(72736)")
                .await?;
        }
        let names: Vec<String> = Migrator::get_pending_migrations(&txn)
            .await
            .map_err(StoreError::Migrate)?
            .iter()
            .map(|m| m.name().to_owned())
            .collect();
        if !names.is_empty() {
            Migrator::up(&txn, None)
                .await
                .map_err(StoreError::Migrate)?;
        }
        txn.commit().await?;
        Ok(names)
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> StoreResult<()> {
        self.db
            .query_one_raw(Statement::from_string(
                self.db.get_database_backend(),
                "SELECT 1",
            ))
            .await?;
        Ok(())
    }

    /// The engine behind this store.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The tenant (instansi) every query is scoped to.
    pub fn tenant(&self) -> &str {
        &self.tenant
    }

    /// The same pool, scoped to another tenant.
    pub fn for_tenant(&self, tenant: &str) -> Self {
        Self {
            db: self.db.clone(),
            backend: self.backend,
            tenant: tenant.to_owned(),
        }
    }

    /// Starts a transaction that will write (IMMEDIATE on SQLite).
    pub(crate) async fn begin_write(&self) -> StoreResult<DatabaseTransaction> {
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        Ok(self.db.begin_with_options(options).await?)
    }

    /// A statement for this store's backend (`?` placeholders rewritten for PostgreSQL).
    pub(crate) fn stmt(&self, sql: &str, values: Vec<sea_orm::Value>) -> Statement {
        Statement::from_sql_and_values(
            self.conn().get_database_backend(),
            placeholders(self.backend, sql),
            values,
        )
    }

    /// Runs a query and returns its rows.
    pub(crate) async fn query(
        &self,
        sql: &str,
        values: Vec<sea_orm::Value>,
    ) -> StoreResult<Vec<sea_orm::QueryResult>> {
        Ok(self.conn().query_all_raw(self.stmt(sql, values)).await?)
    }

    pub(crate) fn conn(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Closes the pool.
    pub async fn close(self) -> StoreResult<()> {
        Ok(self.db.close().await?)
    }
}

/// `sql` with each `?` placeholder (outside quotes) numbered `$1, $2, …` for PostgreSQL.
pub(crate) fn placeholders(backend: Backend, sql: &str) -> String {
    if backend == Backend::Sqlite {
        return sql.to_owned();
    }
    let mut out = String::with_capacity(sql.len() + 16);
    let (mut n, mut quoted) = (0, false);
    for c in sql.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '?' if !quoted => {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            }
            _ => out.push(c),
        }
    }
    out
}

/// The file a SQLite URL names (`None` for PostgreSQL and in-memory databases).
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split_once('?').map_or(rest, |(p, _)| p);
    (!path.is_empty() && path != ":memory:").then(|| std::path::PathBuf::from(path))
}

/// Recognises the backend, and for SQLite creates the file's folder and makes sure the file is
/// created when missing.
fn normalize_url(url: &str) -> StoreResult<(Backend, String)> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((Backend::Postgres, url.to_owned()));
    }
    let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    else {
        return Err(StoreError::UnknownUrl(mask_url(url)));
    };
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path == ":memory:" {
        return Ok((Backend::Sqlite, url.to_owned()));
    }
    if let Some(parent) = std::path::Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent).map_err(|source| StoreError::Folder {
            path: parent.display().to_string(),
            source,
        })?;
    }
    let url = if query.split('&').any(|kv| kv.starts_with("mode=")) {
        format!("sqlite://{path}?{query}")
    } else if query.is_empty() {
        format!("sqlite://{path}?mode=rwc")
    } else {
        format!("sqlite://{path}?{query}&mode=rwc")
    };
    Ok((Backend::Sqlite, url))
}

/// The URL with the password (if any) replaced by `***`.
pub fn mask_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or_default();
            let masked = if userinfo.contains(':') {
                format!("{user}:***")
            } else {
                user.to_owned()
            };
            format!("{scheme}://{masked}@{host}{}", &rest[authority_end..])
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_placeholders() {
        assert_eq!(
            placeholders(Backend::Postgres, "a = ? AND b = '?' AND c IN (?, ?)"),
            "a = $1 AND b = '?' AND c IN ($2, $3)"
        );
        assert_eq!(placeholders(Backend::Sqlite, "a = ?"), "a = ?");
    }

    #[test]
    fn masks_passwords() {
        assert_eq!(
            mask_url("postgres://merit:rahasia@db:5432/merit"),
            "postgres://merit:***@db:5432/merit"
        );
        assert_eq!(
            mask_url("postgres://merit@db/merit"),
            "postgres://merit@db/merit"
        );
        assert_eq!(mask_url("sqlite://data/merit.db"), "sqlite://data/merit.db");
    }

    #[test]
    fn sqlite_urls_get_create_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/merit.db");
        let (b, url) = normalize_url(&format!("sqlite://{}", path.display())).unwrap();
        assert_eq!(b, Backend::Sqlite);
        assert!(url.ends_with("?mode=rwc"));
        assert!(dir.path().join("a/b").is_dir());
        let (_, url) = normalize_url("sqlite::memory:").unwrap();
        assert_eq!(url, "sqlite::memory:");
        assert!(matches!(
            normalize_url("mysql://x"),
            Err(StoreError::UnknownUrl(_))
        ));
    }
}

/// Helpers for tests that need a throw-away PostgreSQL database.
#[cfg(any(test, feature = "test-util"))]
pub mod testing {
    use sea_orm::{ConnectionTrait, Database};

    use super::{StoreResult, mask_url};

    fn admin_url_for(url: &str, database: &str) -> String {
        match url.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{database}"),
            None => url.to_owned(),
        }
    }

    /// Creates database `name` on the server of `admin_url`; returns its URL.
    pub async fn create_postgres_database(admin_url: &str, name: &str) -> StoreResult<String> {
        let db =
            Database::connect(admin_url)
                .await
                .map_err(|source| super::StoreError::Connect {
                    url: mask_url(admin_url),
                    source,
                })?;
        db.execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await?;
        db.close().await?;
        Ok(admin_url_for(admin_url, name))
    }

    /// How many statements other sessions are running on database `name` whose text starts
    /// with `prefix` (to catch a process in the middle of a write).
    pub async fn running_statements(admin_url: &str, name: &str, prefix: &str) -> StoreResult<i64> {
        let db =
            Database::connect(admin_url)
                .await
                .map_err(|source| super::StoreError::Connect {
                    url: mask_url(admin_url),
                    source,
                })?;
        let row = db
            .query_one_raw(sea_orm::Statement::from_sql_and_values(
                sea_orm::DbBackend::Postgres,
                "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND query LIKE $2",
                [name.into(), format!("{prefix}%").into()],
            ))
            .await?;
        db.close().await?;
        Ok(row
            .map(|r| r.try_get::<i64>("", "n"))
            .transpose()?
            .unwrap_or_default())
    }

    /// The first column of the first row of `sql` (placeholders `?`) as a number, on the
    /// store's own connection: for tests that count rows.
    pub async fn scalar(store: &super::Store, sql: &str) -> StoreResult<i64> {
        let rows = store.query(sql, Vec::new()).await?;
        Ok(match rows.first() {
            Some(r) => r.try_get_by_index::<Option<i64>>(0)?.unwrap_or_default(),
            None => 0,
        })
    }

    /// Runs a statement on the store's own connection: for tests that tamper with rows the way
    /// a person with database access might.
    pub async fn execute(store: &super::Store, sql: &str) -> StoreResult<u64> {
        use sea_orm::ConnectionTrait;
        Ok(store.conn().execute_unprepared(sql).await?.rows_affected())
    }

    /// Drops database `name` (closing other sessions).
    pub async fn drop_postgres_database(admin_url: &str, name: &str) -> StoreResult<()> {
        let db =
            Database::connect(admin_url)
                .await
                .map_err(|source| super::StoreError::Connect {
                    url: mask_url(admin_url),
                    source,
                })?;
        db.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .await?;
        db.close().await?;
        Ok(())
    }
}
