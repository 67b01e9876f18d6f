//! Bulk writes through sqlx directly (quality.md: imports and decisions may bypass the ORM with
//! multi-row VALUES). Values are bound borrowed; the SQL text is built once per shape.

use std::{collections::HashMap, sync::Arc};

use chrono::NaiveDate;
use sea_orm::sqlx::{
    self, AssertSqlSafe, Postgres, Sqlite, postgres::PgArguments, query::Query,
    sqlite::SqliteArguments,
};

use super::{Backend, StoreError, StoreResult};

/// One bound value.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Val<'a> {
    Text(&'a str),
    OptText(Option<&'a str>),
    Date(NaiveDate),
    Bool(bool),
    OptF64(Option<f64>),
    I64(i64),
    OptI64(Option<i64>),
}

/// A write transaction on either engine.
pub(crate) enum Tx {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

fn db_err(e: sqlx::Error) -> StoreError {
    StoreError::Db(sea_orm::DbErr::Custom(e.to_string()))
}

impl Tx {
    pub(crate) fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    /// The `n`th placeholder (1-based).
    pub(crate) fn placeholder(&self, n: usize) -> String {
        match self {
            Self::Sqlite(_) => "?".to_owned(),
            Self::Postgres(_) => format!("${n}"),
        }
    }

    /// Runs `sql` with `values`, returning the number of rows affected.
    pub(crate) async fn execute(
        &mut self,
        sql: impl Into<Arc<str>>,
        values: &[Val<'_>],
    ) -> StoreResult<u64> {
        let sql = AssertSqlSafe(sql.into());
        match self {
            Self::Sqlite(tx) => {
                let mut q = sqlx::query(sql);
                for v in values {
                    q = bind_sqlite(q, *v);
                }
                Ok(q.execute(&mut **tx).await.map_err(db_err)?.rows_affected())
            }
            Self::Postgres(tx) => {
                let mut q = sqlx::query(sql);
                for v in values {
                    q = bind_pg(q, *v);
                }
                Ok(q.execute(&mut **tx).await.map_err(db_err)?.rows_affected())
            }
        }
    }

    /// Runs a query returning rows of text columns.
    pub(crate) async fn fetch_texts(
        &mut self,
        sql: impl Into<Arc<str>>,
        values: &[Val<'_>],
        columns: usize,
    ) -> StoreResult<Vec<Vec<String>>> {
        let sql = AssertSqlSafe(sql.into());
        use sea_orm::sqlx::Row;
        match self {
            Self::Sqlite(tx) => {
                let mut q = sqlx::query(sql);
                for v in values {
                    q = bind_sqlite(q, *v);
                }
                let rows = q.fetch_all(&mut **tx).await.map_err(db_err)?;
                rows.iter()
                    .map(|r| {
                        (0..columns)
                            .map(|i| r.try_get::<String, _>(i).map_err(db_err))
                            .collect()
                    })
                    .collect()
            }
            Self::Postgres(tx) => {
                let mut q = sqlx::query(sql);
                for v in values {
                    q = bind_pg(q, *v);
                }
                let rows = q.fetch_all(&mut **tx).await.map_err(db_err)?;
                rows.iter()
                    .map(|r| {
                        (0..columns)
                            .map(|i| r.try_get::<String, _>(i).map_err(db_err))
                            .collect()
                    })
                    .collect()
            }
        }
    }

    pub(crate) async fn commit(self) -> StoreResult<()> {
        match self {
            Self::Sqlite(tx) => tx.commit().await.map_err(db_err),
            Self::Postgres(tx) => tx.commit().await.map_err(db_err),
        }
    }

    pub(crate) async fn rollback(self) -> StoreResult<()> {
        match self {
            Self::Sqlite(tx) => tx.rollback().await.map_err(db_err),
            Self::Postgres(tx) => tx.rollback().await.map_err(db_err),
        }
    }
}

fn bind_sqlite<'q>(
    q: Query<'q, Sqlite, SqliteArguments>,
    v: Val<'q>,
) -> Query<'q, Sqlite, SqliteArguments> {
    match v {
        Val::Text(s) => q.bind(s),
        Val::OptText(s) => q.bind(s),
        Val::Date(d) => q.bind(d),
        Val::Bool(b) => q.bind(b),
        Val::OptF64(f) => q.bind(f),
        Val::I64(i) => q.bind(i),
        Val::OptI64(i) => q.bind(i),
    }
}

fn bind_pg<'q>(
    q: Query<'q, Postgres, PgArguments>,
    v: Val<'q>,
) -> Query<'q, Postgres, PgArguments> {
    match v {
        Val::Text(s) => q.bind(s),
        Val::OptText(s) => q.bind(s),
        Val::Date(d) => q.bind(d),
        Val::Bool(b) => q.bind(b),
        Val::OptF64(f) => q.bind(f),
        Val::I64(i) => q.bind(i),
        Val::OptI64(i) => q.bind(i),
    }
}

/// Multi-row `INSERT` statements for one table, cached by row count.
pub(crate) struct BulkInsert {
    table: &'static str,
    /// Columns, in bind order; a `Some(literal)` column is written into the SQL instead.
    columns: Vec<(&'static str, Option<String>)>,
    /// `ON CONFLICT (key) DO UPDATE` on these key columns, or plain insert.
    conflict: Option<&'static [&'static str]>,
    cache: HashMap<(usize, Backend), Arc<str>>,
}

impl BulkInsert {
    pub(crate) fn new(table: &'static str, columns: Vec<(&'static str, Option<String>)>) -> Self {
        Self {
            table,
            columns,
            conflict: None,
            cache: HashMap::new(),
        }
    }

    /// Turns the insert into an upsert on `key`.
    pub(crate) fn upsert_on(mut self, key: &'static [&'static str]) -> Self {
        self.conflict = Some(key);
        self
    }

    /// Bound values per row.
    pub(crate) fn width(&self) -> usize {
        self.columns.iter().filter(|(_, lit)| lit.is_none()).count()
    }

    /// Rows per statement within both engines' bound-parameter limits.
    pub(crate) fn rows_per_statement(&self) -> usize {
        (30_000 / self.width().max(1)).max(1)
    }

    fn sql(&mut self, rows: usize, backend: Backend) -> Arc<str> {
        let (table, columns, conflict) = (self.table, &self.columns, self.conflict);
        self.cache
            .entry((rows, backend))
            .or_insert_with(|| {
                let names: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
                // A plain multi-row INSERT on SQLite makes it keep a statement journal so that the
                // statement alone can be undone if a row aborts. Callers roll back the whole
                // transaction on any error, so FAIL (no statement journal) loses nothing.
                let verb = if conflict.is_none() && backend == Backend::Sqlite {
                    "INSERT OR FAIL"
                } else {
                    "INSERT"
                };
                let mut sql = format!("{verb} INTO {table} ({}) VALUES ", names.join(", "));
                let mut n = 0;
                for r in 0..rows {
                    if r > 0 {
                        sql.push(',');
                    }
                    sql.push('(');
                    for (i, (_, literal)) in columns.iter().enumerate() {
                        if i > 0 {
                            sql.push(',');
                        }
                        match literal {
                            Some(l) => sql.push_str(l),
                            None => {
                                n += 1;
                                match backend {
                                    Backend::Sqlite => sql.push('?'),
                                    Backend::Postgres => {
                                        sql.push('$');
                                        sql.push_str(&n.to_string());
                                    }
                                }
                            }
                        }
                    }
                    sql.push(')');
                }
                if let Some(key) = conflict {
                    sql.push_str(&upsert_clause(&names, key));
                }
                Arc::from(sql)
            })
            .clone()
    }

    /// Inserts rows given as one flat list of values (`width()` per row), in as few
    /// statements as the limits allow: multi-row VALUES on SQLite, one `UNNEST` of column
    /// arrays on PostgreSQL.
    pub(crate) async fn run(&mut self, tx: &mut Tx, values: &[Val<'_>]) -> StoreResult<()> {
        let width = self.width();
        if width == 0 || !values.len().is_multiple_of(width) {
            return Err(StoreError::Corrupt(format!(
                "{} nilai bukan kelipatan {width} kolom",
                values.len()
            )));
        }
        if let Tx::Postgres(pg) = tx {
            return self.run_unnest(pg, values, width).await;
        }
        let per = self.rows_per_statement();
        let backend = tx.backend();
        for chunk in values.chunks(per * width) {
            let sql = self.sql(chunk.len() / width, backend);
            tx.execute(sql, chunk).await?;
        }
        Ok(())
    }
}

impl BulkInsert {
    fn unnest_sql(&self, kinds: &[ArrayKind]) -> String {
        let names: Vec<&str> = self.columns.iter().map(|(c, _)| *c).collect();
        let bound: Vec<&str> = self
            .columns
            .iter()
            .filter(|(_, l)| l.is_none())
            .map(|(c, _)| *c)
            .collect();
        let select: Vec<String> = self
            .columns
            .iter()
            .map(|(c, lit)| match lit {
                Some(l) => l.clone(),
                None => format!("u.{c}"),
            })
            .collect();
        let arrays: Vec<String> = kinds
            .iter()
            .enumerate()
            .map(|(i, k)| format!("${}::{}[]", i + 1, k.sql_type()))
            .collect();
        let mut sql = format!(
            "INSERT INTO {} ({}) SELECT {} FROM UNNEST({}) AS u({})",
            self.table,
            names.join(", "),
            select.join(", "),
            arrays.join(", "),
            bound.join(", ")
        );
        if let Some(key) = self.conflict {
            sql.push_str(&upsert_clause(&names, key));
        }
        sql
    }

    async fn run_unnest(
        &mut self,
        tx: &mut sqlx::Transaction<'static, Postgres>,
        values: &[Val<'_>],
        width: usize,
    ) -> StoreResult<()> {
        let rows = values.len() / width;
        if rows == 0 {
            return Ok(());
        }
        let mut arrays: Vec<Array<'_>> = values[..width]
            .iter()
            .map(|v| Array::for_val(*v, rows))
            .collect();
        for row in values.chunks(width) {
            for (array, v) in arrays.iter_mut().zip(row) {
                array.push(*v)?;
            }
        }
        let kinds: Vec<ArrayKind> = arrays.iter().map(Array::kind).collect();
        let sql = self.unnest_sql(&kinds);
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for a in arrays {
            q = match a {
                Array::Text(v) => q.bind(v),
                Array::Date(v) => q.bind(v),
                Array::Bool(v) => q.bind(v),
                Array::F64(v) => q.bind(v),
                Array::I64(v) => q.bind(v),
            };
        }
        q.execute(&mut **tx).await.map_err(db_err)?;
        Ok(())
    }
}

#[derive(Debug, Clone, Copy)]
enum ArrayKind {
    Text,
    Date,
    Bool,
    F64,
    I64,
}

impl ArrayKind {
    fn sql_type(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Date => "date",
            Self::Bool => "bool",
            Self::F64 => "float8",
            Self::I64 => "int8",
        }
    }
}

/// One column's values, for `UNNEST`.
enum Array<'a> {
    Text(Vec<Option<&'a str>>),
    Date(Vec<NaiveDate>),
    Bool(Vec<bool>),
    F64(Vec<Option<f64>>),
    I64(Vec<Option<i64>>),
}

impl<'a> Array<'a> {
    fn for_val(v: Val<'_>, rows: usize) -> Self {
        match v {
            Val::Text(_) | Val::OptText(_) => Self::Text(Vec::with_capacity(rows)),
            Val::Date(_) => Self::Date(Vec::with_capacity(rows)),
            Val::Bool(_) => Self::Bool(Vec::with_capacity(rows)),
            Val::OptF64(_) => Self::F64(Vec::with_capacity(rows)),
            Val::I64(_) | Val::OptI64(_) => Self::I64(Vec::with_capacity(rows)),
        }
    }

    fn kind(&self) -> ArrayKind {
        match self {
            Self::Text(_) => ArrayKind::Text,
            Self::Date(_) => ArrayKind::Date,
            Self::Bool(_) => ArrayKind::Bool,
            Self::F64(_) => ArrayKind::F64,
            Self::I64(_) => ArrayKind::I64,
        }
    }

    fn push(&mut self, v: Val<'a>) -> StoreResult<()> {
        match (self, v) {
            (Self::Text(a), Val::Text(s)) => a.push(Some(s)),
            (Self::Text(a), Val::OptText(s)) => a.push(s),
            (Self::Date(a), Val::Date(d)) => a.push(d),
            (Self::Bool(a), Val::Bool(b)) => a.push(b),
            (Self::F64(a), Val::OptF64(f)) => a.push(f),
            (Self::I64(a), Val::I64(i)) => a.push(Some(i)),
            (Self::I64(a), Val::OptI64(i)) => a.push(i),
            (_, v) => {
                return Err(StoreError::Corrupt(format!(
                    "kolom berisi nilai campuran: {v:?}"
                )));
            }
        }
        Ok(())
    }
}

/// ` ON CONFLICT (key) DO UPDATE SET c = excluded.c, …` for every non-key column.
fn upsert_clause(names: &[&str], key: &[&str]) -> String {
    let set: Vec<String> = names
        .iter()
        .filter(|c| !key.contains(c))
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    format!(
        " ON CONFLICT ({}) DO UPDATE SET {}",
        key.join(", "),
        set.join(", ")
    )
}

/// A string as an SQL literal, quotes doubled.
pub(crate) fn sql_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements() {
        let mut b = BulkInsert::new(
            "t",
            vec![("a", Some(sql_literal("x'y"))), ("b", None), ("c", None)],
        )
        .upsert_on(&["a", "b"]);
        assert_eq!(b.width(), 2);
        assert_eq!(
            &*b.sql(2, Backend::Postgres),
            "INSERT INTO t (a, b, c) VALUES ('x''y',$1,$2),('x''y',$3,$4) ON CONFLICT (a, b) DO UPDATE SET c = excluded.c"
        );
        let mut p = BulkInsert::new("t", vec![("a", None)]);
        assert_eq!(
            &*p.sql(1, Backend::Sqlite),
            "INSERT OR FAIL INTO t (a) VALUES (?)"
        );
        assert_eq!(
            &*p.sql(1, Backend::Postgres),
            "INSERT INTO t (a) VALUES ($1)"
        );
    }
}
