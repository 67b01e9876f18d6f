//! The register of document numbers (`nomor_dokumen`): the next number of a series (a number
//! pattern: the kinds printed with one pattern share its sequence) and year, given to one source
//! once and for good, with the final PDF drawn under it. Numbers of a series and year are handed
//! out under a lock (PostgreSQL: a transaction-scoped advisory lock; SQLite: the write
//! transaction), so they run without gaps across processes and no printed number repeats, and the
//! number and its audit entry commit together.

use sea_orm::{ConnectionTrait, QueryResult};

use super::{Backend, Store, StoreResult, corrupt, get};
use crate::domain::AuditStamp;

/// A number given out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberRow {
    /// The document kind's code.
    pub jenis: String,
    /// The year the sequence belongs to.
    pub tahun: i32,
    /// The place in the year's sequence (1, 2, …).
    pub urut: i64,
    /// The number as printed.
    pub nomor: String,
    /// What the document is about (an instance id).
    pub sumber: String,
    /// The date the final document bears, epoch ms.
    pub tanggal_ms: i64,
    /// The final PDF drawn with the number, once drawn.
    pub pdf: Option<Vec<u8>>,
}

const COLUMNS: &str = "jenis, tahun, urut, nomor, sumber, tanggal_ms, pdf";

fn number_from(r: &QueryResult) -> StoreResult<NumberRow> {
    Ok(NumberRow {
        jenis: get(r, 0)?,
        tahun: get(r, 1)?,
        urut: get(r, 2)?,
        nomor: get(r, 3)?,
        sumber: get(r, 4)?,
        tanggal_ms: get(r, 5)?,
        pdf: get(r, 6)?,
    })
}

/// What a new number is for.
pub struct NumberRequest<'a> {
    /// The document kind's code.
    pub jenis: &'a str,
    /// The number pattern it is printed with: its series.
    pub pola: &'a str,
    /// What the document is about (unused for a batch, whose sources are given apart).
    pub sumber: &'a str,
    /// The year of the sequence.
    pub tahun: i32,
    /// The date the document bears, epoch ms.
    pub tanggal_ms: i64,
    /// Who drew it.
    pub oleh: &'a str,
}

impl Store {
    /// The number `sumber` was given for kind `jenis`, if any.
    pub async fn document_number(
        &self,
        jenis: &str,
        sumber: &str,
    ) -> StoreResult<Option<NumberRow>> {
        let rows = self
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM nomor_dokumen WHERE instansi = ? AND jenis = ? AND sumber = ?"
                ),
                vec![self.tenant.clone().into(), jenis.into(), sumber.into()],
            )
            .await?;
        rows.first().map(number_from).transpose()
    }

    /// The number of `req.sumber`: the one it has, else the next of its kind and year, printed
    /// by `format(urut)`, with `stamp(nomor)` (its audit entry) in the same transaction.
    pub async fn take_document_number(
        &self,
        req: &NumberRequest<'_>,
        format: &(dyn Fn(i64) -> String + Sync),
        stamp: &(dyn Fn(&str) -> AuditStamp + Sync),
    ) -> StoreResult<NumberRow> {
        let txn = self.begin_write().await?;
        if self.backend == Backend::Postgres {
            txn.execute_raw(self.stmt(
                "SELECT pg_advisory_xact_lock(hashtext('merit-nomor-' || ? || '-' || ?))",
                vec![self.tenant.clone().into(), req.pola.into()],
            ))
            .await?;
        }
        let had = txn
            .query_one_raw(self.stmt(
                &format!(
                    "SELECT {COLUMNS} FROM nomor_dokumen WHERE instansi = ? AND jenis = ? AND sumber = ?"
                ),
                vec![
                    self.tenant.clone().into(),
                    req.jenis.into(),
                    req.sumber.into(),
                ],
            ))
            .await?;
        if let Some(r) = had {
            txn.rollback().await?;
            return number_from(&r);
        }
        let last = txn
            .query_one_raw(self.stmt(
                "SELECT COALESCE(MAX(urut), 0) FROM nomor_dokumen WHERE instansi = ? AND pola = ? AND tahun = ?",
                vec![
                    self.tenant.clone().into(),
                    req.pola.into(),
                    req.tahun.into(),
                ],
            ))
            .await?;
        let urut = match &last {
            Some(r) => get::<i64>(r, 0)? + 1,
            None => 1,
        };
        let nomor = format(urut);
        let done = txn
            .execute_raw(self.stmt(
                "INSERT INTO nomor_dokumen (instansi, jenis, pola, tahun, urut, nomor, sumber, tanggal_ms, pdf, sha256, oleh, dibuat_ms) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)",
                vec![
                    self.tenant.clone().into(),
                    req.jenis.into(),
                    req.pola.into(),
                    req.tahun.into(),
                    urut.into(),
                    nomor.clone().into(),
                    req.sumber.into(),
                    req.tanggal_ms.into(),
                    req.oleh.into(),
                    req.tanggal_ms.into(),
                ],
            ))
            .await?;
        if done.rows_affected() != 1 {
            return Err(corrupt("nomor dokumen tidak tersimpan"));
        }
        self.append_audit_in(&txn, &stamp(&nomor)).await?;
        txn.commit().await?;
        Ok(NumberRow {
            jenis: req.jenis.to_owned(),
            tahun: req.tahun,
            urut,
            nomor,
            sumber: req.sumber.to_owned(),
            tanggal_ms: req.tanggal_ms,
            pdf: None,
        })
    }

    /// Keeps the final PDF drawn under the number of (`jenis`, `sumber`), unless one is kept
    /// already (the first drawn stays); returns the PDF kept.
    pub async fn keep_final_document(
        &self,
        jenis: &str,
        sumber: &str,
        pdf: &[u8],
        sha256: &str,
    ) -> StoreResult<Vec<u8>> {
        self.conn()
            .execute_raw(self.stmt(
                "UPDATE nomor_dokumen SET pdf = ?, sha256 = ? \
                 WHERE instansi = ? AND jenis = ? AND sumber = ? AND pdf IS NULL",
                vec![
                    pdf.to_vec().into(),
                    sha256.into(),
                    self.tenant.clone().into(),
                    jenis.into(),
                    sumber.into(),
                ],
            ))
            .await?;
        self.document_number(jenis, sumber)
            .await?
            .and_then(|n| n.pdf)
            .ok_or_else(|| corrupt("dokumen final tidak tersimpan"))
    }
}

impl Store {
    /// Numbers for many sources of one kind at once (one decree per person), every source
    /// named `req.sumber/…`: each source keeps
    /// the number it has; the others take the next numbers of the year in the order given, in
    /// one transaction with one audit entry `stamp(first, last, given)` (none when every source
    /// had its number). Returns the numbers in the order of `sources`.
    pub async fn take_document_numbers(
        &self,
        req: &NumberRequest<'_>,
        sources: &[String],
        format: &(dyn Fn(i64) -> String + Sync),
        stamp: &(dyn Fn(&str, &str, usize) -> AuditStamp + Sync),
    ) -> StoreResult<Vec<NumberRow>> {
        let (jenis, pola, tahun, tanggal_ms, oleh) =
            (req.jenis, req.pola, req.tahun, req.tanggal_ms, req.oleh);
        let txn = self.begin_write().await?;
        if self.backend == Backend::Postgres {
            txn.execute_raw(self.stmt(
                "SELECT pg_advisory_xact_lock(hashtext('merit-nomor-' || ? || '-' || ?))",
                vec![self.tenant.clone().into(), pola.into()],
            ))
            .await?;
        }
        let mut had: std::collections::HashMap<String, NumberRow> =
            std::collections::HashMap::new();
        for r in txn
            // Only this batch's sources (`SUMBER/…`), never every number the kind ever had.
            .query_all_raw(self.stmt(
                &format!(
                    "SELECT {COLUMNS} FROM nomor_dokumen WHERE instansi = ? AND jenis = ? AND sumber LIKE ?"
                ),
                vec![
                    self.tenant.clone().into(),
                    jenis.into(),
                    format!("{}/%", req.sumber).into(),
                ],
            ))
            .await?
        {
            let n = number_from(&r)?;
            had.insert(n.sumber.clone(), n);
        }
        let last = txn
            .query_one_raw(self.stmt(
                "SELECT COALESCE(MAX(urut), 0) FROM nomor_dokumen WHERE instansi = ? AND pola = ? AND tahun = ?",
                vec![self.tenant.clone().into(), pola.into(), tahun.into()],
            ))
            .await?;
        let mut urut = match &last {
            Some(r) => get::<i64>(r, 0)?,
            None => 0,
        };
        let mut out = Vec::with_capacity(sources.len());
        let mut given: Vec<String> = Vec::new();
        for sumber in sources {
            if let Some(n) = had.get(sumber) {
                out.push(n.clone());
                continue;
            }
            urut += 1;
            let nomor = format(urut);
            txn.execute_raw(self.stmt(
                "INSERT INTO nomor_dokumen (instansi, jenis, pola, tahun, urut, nomor, sumber, tanggal_ms, pdf, sha256, oleh, dibuat_ms) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)",
                vec![
                    self.tenant.clone().into(),
                    jenis.into(),
                    pola.into(),
                    tahun.into(),
                    urut.into(),
                    nomor.clone().into(),
                    sumber.clone().into(),
                    tanggal_ms.into(),
                    oleh.into(),
                    tanggal_ms.into(),
                ],
            ))
            .await?;
            given.push(nomor.clone());
            out.push(NumberRow {
                jenis: jenis.to_owned(),
                tahun,
                urut,
                nomor,
                sumber: sumber.clone(),
                tanggal_ms,
                pdf: None,
            });
        }
        if let (Some(first), Some(last)) = (given.first(), given.last()) {
            self.append_audit_in(&txn, &stamp(first, last, given.len()))
                .await?;
        }
        txn.commit().await?;
        Ok(out)
    }
}
