//! Screening runs: ruleset versions, runs, chunk claims with leases, and decisions.
//!
//! A chunk is claimed with `FOR UPDATE SKIP LOCKED` on PostgreSQL (under SQLite's IMMEDIATE
//! write lock, claims serialise anyway). Its decisions are written, and the chunk marked done,
//! in one transaction that first re-checks that the claimant still owns it; together with the
//! `(run_id, nik)` key this leaves exactly one decision per candidate whatever crashes.

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, QueryResult};

use super::{
    Backend, Store, StoreResult,
    bulk::{BulkInsert, Val, sql_literal},
    corrupt, get, placeholders,
};
use crate::{
    domain::{AuditStamp, Hasil, Nik},
    screening::{ChunkProgress, Decision, NIK_MAX, Run, RunKind, RunStatus, Tally},
};

/// A claimed chunk.
#[derive(Debug, Clone)]
pub struct Chunk {
    pub run_id: String,
    /// Chunk number.
    pub nomor: i64,
    /// Exclusive lower NIK bound.
    pub lo: String,
    /// Inclusive upper NIK bound.
    pub hi: String,
    /// Candidates expected (known when the run was planned).
    pub jumlah: u64,
}

/// A decision joined with the candidate data it was made on, for exports.
#[derive(Debug, Clone)]
pub struct ExportRow {
    pub decision: Decision,
    pub nama: String,
    pub unit_kerja: String,
    /// Applicant category.
    pub kategori_pelamar: String,
}

fn count(r: &QueryResult, i: usize) -> StoreResult<u64> {
    Ok(u64::try_from(get::<Option<i64>>(r, i)?.unwrap_or_default()).unwrap_or_default())
}

pub(super) const DECISION_COLUMNS: &str = "nik, hasil, prioritas, kode_aturan, alasan, data_hash";

pub(super) fn decision_from(r: &QueryResult) -> StoreResult<Decision> {
    let nik: String = get(r, 0)?;
    let hasil: String = get(r, 1)?;
    Ok(Decision {
        nik: Nik::parse(&nik).map_err(|e| corrupt(format!("keputusan {nik}: {e}")))?,
        hasil: Hasil::parse(&hasil).map_err(|e| corrupt(format!("keputusan {nik}: {e}")))?,
        prioritas: get(r, 2)?,
        kode: get(r, 3)?,
        alasan: get(r, 4)?,
        data_hash: get(r, 5)?,
    })
}

/// Finished runs, the one that finished last first.
const NEWEST_FIRST: &str = "ORDER BY COALESCE(selesai_ms, dibuat_ms) DESC, id DESC";

const RUN_COLUMNS: &str = "id, ruleset, versi, status, aturan, jumlah_potongan, total, layak, tidak_layak, \
                           perlu_verifikasi, gagal_per_aturan, dibuat_oleh, dibuat_ms, selesai_ms, \
                           alasan_gagal, per_kategori, jenis";

fn json_or_default<T: serde::de::DeserializeOwned + Default>(
    text: Option<String>,
) -> StoreResult<T> {
    text.map(|t| serde_json::from_str(&t))
        .transpose()
        .map_err(corrupt)
        .map(Option::unwrap_or_default)
}

fn run_from(r: &QueryResult) -> StoreResult<Run> {
    let status: String = get(r, 3)?;
    let aturan: String = get(r, 4)?;
    let gagal: Option<String> = get(r, 10)?;
    Ok(Run {
        id: get(r, 0)?,
        ruleset: get(r, 1)?,
        versi: get(r, 2)?,
        status: RunStatus::parse(&status),
        aturan: serde_json::from_str(&aturan).map_err(corrupt)?,
        jumlah_potongan: count(r, 5)?,
        hasil: Tally {
            total: count(r, 6)?,
            layak: count(r, 7)?,
            tidak_layak: count(r, 8)?,
            perlu_verifikasi: count(r, 9)?,
            gagal_per_aturan: json_or_default(gagal)?,
            per_kategori: json_or_default(get(r, 15)?)?,
        },
        dibuat_oleh: get(r, 11)?,
        dibuat_ms: get(r, 12)?,
        selesai_ms: get(r, 13)?,
        alasan_gagal: get(r, 14)?,
        jenis: RunKind::parse(&get::<String>(r, 16)?),
    })
}

impl Store {
    /// Keeps the sources of a ruleset version (idempotent).
    pub async fn save_ruleset_sources(
        &self,
        ruleset: &str,
        versi: &str,
        sources: &BTreeMap<String, String>,
        now_ms: i64,
    ) -> StoreResult<()> {
        let json = serde_json::to_string(sources).map_err(corrupt)?;
        self.conn()
            .execute_raw(self.stmt(
                "INSERT INTO ruleset_versi (instansi, ruleset, versi, sumber, dibuat_ms) VALUES (?, ?, ?, ?, ?) \
                 ON CONFLICT (instansi, ruleset, versi) DO NOTHING",
                vec![self.tenant.clone().into(), ruleset.into(), versi.into(), json.into(), now_ms.into()],
            ))
            .await?;
        Ok(())
    }

    /// The sources of a ruleset version, if kept.
    pub async fn ruleset_sources(
        &self,
        ruleset: &str,
        versi: &str,
    ) -> StoreResult<Option<BTreeMap<String, String>>> {
        let rows = self
            .query(
                "SELECT sumber FROM ruleset_versi WHERE instansi = ? AND ruleset = ? AND versi = ?",
                vec![self.tenant.clone().into(), ruleset.into(), versi.into()],
            )
            .await?;
        rows.first()
            .map(|r| get::<String>(r, 0).and_then(|s| serde_json::from_str(&s).map_err(corrupt)))
            .transpose()
    }

    /// Plans the chunks of a run over this tenant's candidates: contiguous NIK ranges `(lo, hi]`
    /// of `size` candidates that together cover the whole key space (the last one ends at
    /// [`NIK_MAX`]), so every candidate present when a chunk is processed falls in exactly one.
    /// Boundaries are found by skipping `size` index entries at a time, so memory stays flat.
    /// Returns (lo, hi, candidates now).
    pub async fn plan_chunks(&self, size: u64) -> StoreResult<Vec<(String, String, u64)>> {
        let size = size.max(1);
        let mut out: Vec<(String, String, u64)> = Vec::new();
        let mut lo = String::new();
        loop {
            let rows = self
                .query(
                    "SELECT nik FROM calon WHERE instansi = ? AND nik > ? ORDER BY nik LIMIT 1 OFFSET ?",
                    vec![self.tenant.clone().into(), lo.clone().into(), ((size - 1) as i64).into()],
                )
                .await?;
            match rows.first() {
                Some(r) => {
                    let hi: String = get(r, 0)?;
                    out.push((std::mem::replace(&mut lo, hi.clone()), hi, size));
                }
                None => {
                    let rest = self
                        .query(
                            "SELECT COUNT(*) FROM calon WHERE instansi = ? AND nik > ?",
                            vec![self.tenant.clone().into(), lo.clone().into()],
                        )
                        .await?;
                    let n = rest
                        .first()
                        .map(|r| count(r, 0))
                        .transpose()?
                        .unwrap_or_default();
                    match out.last_mut() {
                        Some(last) if n == 0 => last.1 = NIK_MAX.to_owned(),
                        _ => out.push((lo, NIK_MAX.to_owned(), n)),
                    }
                    return Ok(out);
                }
            }
        }
    }

    /// Creates a run and its chunks in one transaction.
    pub async fn create_run(&self, run: &Run, chunks: &[(String, String, u64)]) -> StoreResult<()> {
        let mut tx = self.begin_bulk().await?;
        if tx.backend() == Backend::Postgres {
            // The screening lock a re-screening of one candidate checks under.
            let lock = format!(
                "SELECT pg_advisory_xact_lock(hashtext('merit-penyaringan-' || {}))",
                sql_literal(&self.tenant)
            );
            tx.execute(lock, &[]).await?;
        }
        let aturan = serde_json::to_string(&run.aturan).map_err(corrupt)?;
        let sql = placeholders(
            self.backend,
            "INSERT INTO run_penyaringan (id, instansi, ruleset, versi, status, aturan, jumlah_potongan, total, layak, \
             tidak_layak, perlu_verifikasi, gagal_per_aturan, dibuat_oleh, dibuat_ms, selesai_ms) \
             VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, NULL, ?, ?, NULL)",
        );
        tx.execute(
            sql,
            &[
                Val::Text(&run.id),
                Val::Text(&self.tenant),
                Val::Text(&run.ruleset),
                Val::Text(&run.versi),
                Val::Text(run.status.code()),
                Val::Text(&aturan),
                Val::I64(chunks.len() as i64),
                Val::Text(&run.dibuat_oleh),
                Val::I64(run.dibuat_ms),
            ],
        )
        .await?;
        let mut insert = BulkInsert::new(
            "run_potongan",
            vec![
                ("run_id", Some(sql_literal(&run.id))),
                ("nomor", None),
                ("nik_awal", None),
                ("nik_akhir", None),
                ("status", Some("'menunggu'".to_owned())),
                ("pemilik", Some("NULL".to_owned())),
                ("sewa_sampai_ms", Some("NULL".to_owned())),
                ("jumlah", None),
                ("selesai_ms", Some("NULL".to_owned())),
            ],
        );
        let values: Vec<Val<'_>> = chunks
            .iter()
            .enumerate()
            .flat_map(|(i, (lo, hi, n))| {
                [
                    Val::I64(i as i64),
                    Val::Text(lo),
                    Val::Text(hi),
                    Val::I64(*n as i64),
                ]
            })
            .collect();
        insert.run(&mut tx, &values).await?;
        tx.commit().await
    }

    /// Records a finished run of one candidate screened again (`perorangan`): the decisions of
    /// `base` for everyone else, and `decision` for that candidate, in one transaction —
    /// unless, by then, a run is unfinished or `base` is no longer the newest finished run of its
    /// ruleset (another officer's re-screening came first): then nothing is written and the
    /// answer is `false`, to be planned again. On PostgreSQL the check holds the tenant's
    /// screening lock, which starting a run takes too.
    pub async fn create_single_run(
        &self,
        run: &Run,
        base: &str,
        decision: &Decision,
        stamp: &AuditStamp,
    ) -> StoreResult<bool> {
        let txn = self.begin_write().await?;
        if self.backend == Backend::Postgres {
            txn.execute_raw(self.stmt(
                "SELECT pg_advisory_xact_lock(hashtext('merit-penyaringan-' || ?))",
                vec![self.tenant.clone().into()],
            ))
            .await?;
        }
        let unfinished = txn
            .query_one_raw(self.stmt(
                "SELECT id FROM run_penyaringan WHERE instansi = ? AND status = 'berjalan' LIMIT 1",
                vec![self.tenant.clone().into()],
            ))
            .await?
            .is_some();
        let newest = txn
            .query_one_raw(self.stmt(
                &format!(
                    "SELECT id FROM run_penyaringan WHERE instansi = ? AND ruleset = ? AND status = 'selesai' {NEWEST_FIRST} LIMIT 1"
                ),
                vec![self.tenant.clone().into(), run.ruleset.clone().into()],
            ))
            .await?
            .map(|r| get::<String>(&r, 0))
            .transpose()?;
        if unfinished || newest.as_deref() != Some(base) {
            txn.rollback().await?;
            return Ok(false);
        }
        let aturan = serde_json::to_string(&run.aturan).map_err(corrupt)?;
        let gagal = serde_json::to_string(&run.hasil.gagal_per_aturan).map_err(corrupt)?;
        let kategori = serde_json::to_string(&run.hasil.per_kategori).map_err(corrupt)?;
        let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        txn.execute_raw(self.stmt(
            "INSERT INTO run_penyaringan (id, instansi, ruleset, versi, status, aturan, jumlah_potongan, total, layak, \
             tidak_layak, perlu_verifikasi, gagal_per_aturan, dibuat_oleh, dibuat_ms, selesai_ms, per_kategori, jenis) \
             VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                run.id.clone().into(),
                self.tenant.clone().into(),
                run.ruleset.clone().into(),
                run.versi.clone().into(),
                run.status.code().into(),
                aturan.into(),
                n(run.hasil.total).into(),
                n(run.hasil.layak).into(),
                n(run.hasil.tidak_layak).into(),
                n(run.hasil.perlu_verifikasi).into(),
                gagal.into(),
                run.dibuat_oleh.clone().into(),
                run.dibuat_ms.into(),
                run.selesai_ms.into(),
                kategori.into(),
                run.jenis.code().into(),
            ],
        ))
        .await?;
        txn.execute_raw(self.stmt(
            "INSERT INTO keputusan (run_id, nik, instansi, hasil, prioritas, kode_aturan, alasan, data_hash) \
             SELECT ?, nik, instansi, hasil, prioritas, kode_aturan, alasan, data_hash FROM keputusan \
             WHERE run_id = ? AND nik <> ?",
            vec![
                run.id.clone().into(),
                base.into(),
                decision.nik.as_str().into(),
            ],
        ))
        .await?;
        txn.execute_raw(self.stmt(
            "INSERT INTO keputusan (run_id, nik, instansi, hasil, prioritas, kode_aturan, alasan, data_hash) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                run.id.clone().into(),
                decision.nik.as_str().into(),
                self.tenant.clone().into(),
                decision.hasil.code().into(),
                decision.prioritas.into(),
                decision.kode.clone().into(),
                decision.alasan.clone().into(),
                decision.data_hash.clone().into(),
            ],
        ))
        .await?;
        self.append_audit_in(&txn, stamp).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// The run of `ruleset` that has not finished, if any.
    pub async fn unfinished_run(&self, ruleset: &str) -> StoreResult<Option<Run>> {
        let rows = self
            .query(
                &format!(
                    "SELECT {RUN_COLUMNS} FROM run_penyaringan WHERE instansi = ? AND ruleset = ? AND status = 'berjalan' \
                     ORDER BY dibuat_ms LIMIT 1"
                ),
                vec![self.tenant.clone().into(), ruleset.into()],
            )
            .await?;
        rows.first().map(run_from).transpose()
    }

    /// The oldest unfinished run of any ruleset, if any.
    pub async fn any_unfinished_run(&self) -> StoreResult<Option<Run>> {
        let rows = self
            .query(
                &format!(
                    "SELECT {RUN_COLUMNS} FROM run_penyaringan WHERE instansi = ? AND status = 'berjalan' ORDER BY dibuat_ms LIMIT 1"
                ),
                vec![self.tenant.clone().into()],
            )
            .await?;
        rows.first().map(run_from).transpose()
    }

    /// Claims the next chunk of `run_id` that nobody works on: waiting ones, and claimed ones
    /// whose lease ran out or whose owner is in `dead`.
    pub async fn claim_chunk(
        &self,
        run_id: &str,
        owner: &str,
        now_ms: i64,
        lease_ms: i64,
        dead: &[String],
    ) -> StoreResult<Option<Chunk>> {
        let mut tx = self.begin_bulk().await?;
        let dead_clause = if dead.is_empty() {
            String::new()
        } else {
            format!(" OR pemilik IN ({})", vec!["?"; dead.len()].join(", "))
        };
        let lock = if self.backend == Backend::Postgres {
            " FOR UPDATE SKIP LOCKED"
        } else {
            ""
        };
        let sql = placeholders(
            self.backend,
            &format!(
                "UPDATE run_potongan SET status = 'diklaim', pemilik = ?, sewa_sampai_ms = ? \
                 WHERE run_id = ? AND nomor = (SELECT nomor FROM run_potongan WHERE run_id = ? AND \
                 (status = 'menunggu' OR (status = 'diklaim' AND (sewa_sampai_ms < ?{dead_clause}))) \
                 ORDER BY nomor LIMIT 1{lock}) \
                 AND EXISTS (SELECT 1 FROM run_penyaringan r WHERE r.id = run_potongan.run_id AND r.status = 'berjalan') \
                 RETURNING CAST(nomor AS TEXT), nik_awal, nik_akhir, CAST(jumlah AS TEXT)"
            ),
        );
        let lease = now_ms + lease_ms;
        let mut values = vec![
            Val::Text(owner),
            Val::I64(lease),
            Val::Text(run_id),
            Val::Text(run_id),
            Val::I64(now_ms),
        ];
        values.extend(dead.iter().map(|d| Val::Text(d)));
        let rows = tx.fetch_texts(sql, &values, 4).await?;
        tx.commit().await?;
        Ok(rows.into_iter().next().map(|r| Chunk {
            run_id: run_id.to_owned(),
            nomor: r[0].parse().unwrap_or_default(),
            lo: r[1].clone(),
            hi: r[2].clone(),
            jumlah: r[3].parse().unwrap_or_default(),
        }))
    }

    /// The owners holding claims on `run_id` now.
    pub async fn claimed_owners(&self, run_id: &str) -> StoreResult<Vec<String>> {
        let rows = self
            .query(
                "SELECT DISTINCT pemilik FROM run_potongan WHERE run_id = ? AND status = 'diklaim' AND pemilik IS NOT NULL",
                vec![run_id.into()],
            )
            .await?;
        rows.iter().map(|r| get::<String>(r, 0)).collect()
    }

    /// Writes a chunk's decisions and marks it done, if `owner` still holds it (the owner stays
    /// recorded as the one who did it). Returns false (and writes nothing) when the claim was
    /// lost to another process.
    pub async fn complete_chunk(
        &self,
        chunk: &Chunk,
        owner: &str,
        decisions: &[Decision],
        tally: &Tally,
        now_ms: i64,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_bulk().await?;
        let update = placeholders(
            self.backend,
            "UPDATE run_potongan SET status = 'selesai', jumlah = ?, ringkasan = ?, selesai_ms = ?, sewa_sampai_ms = NULL \
             WHERE run_id = ? AND nomor = ? AND pemilik = ? AND status = 'diklaim'",
        );
        let ringkasan = serde_json::to_string(tally).map_err(corrupt)?;
        let owned = tx
            .execute(
                update,
                &[
                    Val::I64(decisions.len() as i64),
                    Val::Text(&ringkasan),
                    Val::I64(now_ms),
                    Val::Text(&chunk.run_id),
                    Val::I64(chunk.nomor),
                    Val::Text(owner),
                ],
            )
            .await?;
        if owned != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        let mut insert = BulkInsert::new(
            "keputusan",
            vec![
                ("run_id", Some(sql_literal(&chunk.run_id))),
                ("nik", None),
                ("instansi", Some(sql_literal(&self.tenant))),
                ("hasil", None),
                ("prioritas", None),
                ("kode_aturan", None),
                ("alasan", None),
                ("data_hash", None),
            ],
        );
        let values: Vec<Val<'_>> = decisions
            .iter()
            .flat_map(|d| {
                [
                    Val::Text(d.nik.as_str()),
                    Val::Text(d.hasil.code()),
                    Val::OptF64(d.prioritas),
                    Val::Text(&d.kode),
                    Val::OptText(d.alasan.as_deref()),
                    Val::Text(&d.data_hash),
                ]
            })
            .collect();
        insert.run(&mut tx, &values).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Chunks done, candidates decided, and current claim holders of `run_id`.
    pub async fn chunk_progress(&self, run_id: &str) -> StoreResult<ChunkProgress> {
        let rows = self
            .query(
                "SELECT status, COUNT(*), CAST(SUM(jumlah) AS BIGINT) FROM run_potongan WHERE run_id = ? GROUP BY status",
                vec![run_id.into()],
            )
            .await?;
        let mut p = ChunkProgress::default();
        for r in &rows {
            let status: String = get(r, 0)?;
            let (n, sum) = (count(r, 1)?, count(r, 2)?);
            p.total += n;
            p.calon_total += sum;
            if status == "selesai" {
                p.selesai += n;
                p.calon_selesai += sum;
            }
        }
        p.pemilik = self.claimed_owners(run_id).await?;
        Ok(p)
    }

    /// When every chunk is done: sums the chunks' tallies and marks the run finished (once,
    /// whoever gets there first). Returns the run as it now stands. The work does not depend
    /// on the number of rules: each chunk counted its own decisions when it was written.
    /// `stamp(tally)`, the run's audit entry, is appended by whoever marks it finished, in the
    /// same transaction.
    pub async fn finalize_run(
        &self,
        run: &Run,
        now_ms: i64,
        stamp: Option<&(dyn Fn(&Tally) -> AuditStamp + Sync)>,
    ) -> StoreResult<Run> {
        let progress = self.chunk_progress(&run.id).await?;
        if progress.selesai < progress.total {
            return self
                .run(&run.id)
                .await?
                .ok_or_else(|| corrupt("run hilang"));
        }
        let mut tally = Tally::default();
        let mut legacy = false;
        for r in self
            .query(
                "SELECT ringkasan FROM run_potongan WHERE run_id = ? ORDER BY nomor",
                vec![run.id.clone().into()],
            )
            .await?
        {
            match get::<Option<String>>(&r, 0)? {
                Some(text) => tally.merge(&serde_json::from_str(&text).map_err(corrupt)?),
                None => legacy = true,
            }
        }
        if legacy {
            // Chunks written before chunks kept their tallies: count the decisions, page by page.
            tally = self.count_decisions(run).await?;
        }
        let gagal = serde_json::to_string(&tally.gagal_per_aturan).map_err(corrupt)?;
        let kategori = serde_json::to_string(&tally.per_kategori).map_err(corrupt)?;
        let txn = self.begin_write().await?;
        let marked = txn
            .execute_raw(self.stmt(
                "UPDATE run_penyaringan SET status = 'selesai', total = ?, layak = ?, tidak_layak = ?, perlu_verifikasi = ?, \
                 gagal_per_aturan = ?, per_kategori = ?, selesai_ms = ? WHERE id = ? AND status = 'berjalan'",
                vec![
                    (tally.total as i64).into(),
                    (tally.layak as i64).into(),
                    (tally.tidak_layak as i64).into(),
                    (tally.perlu_verifikasi as i64).into(),
                    gagal.into(),
                    kategori.into(),
                    now_ms.into(),
                    run.id.clone().into(),
                ],
            ))
            .await?
            .rows_affected();
        if let (1, Some(stamp)) = (marked, stamp) {
            self.append_audit_in(&txn, &stamp(&tally)).await?;
        }
        txn.commit().await?;
        self.run(&run.id)
            .await?
            .ok_or_else(|| corrupt("run hilang"))
    }

    async fn count_decisions(&self, run: &Run) -> StoreResult<Tally> {
        let mut tally = Tally::default();
        let mut cursor = String::new();
        loop {
            let page = self.decisions_after(&run.id, &cursor, 10_000).await?;
            let Some(last) = page.last() else {
                return Ok(tally);
            };
            cursor = last.nik.as_str().to_owned();
            for d in &page {
                tally.add(&run.aturan, d.hasil, &d.kode);
            }
        }
    }

    /// Marks an unfinished run failed with `reason`; `false` when it was not running. `stamp`
    /// (an operator's cancellation) is appended in the same transaction.
    pub async fn fail_run(
        &self,
        id: &str,
        reason: &str,
        now_ms: i64,
        stamp: Option<&AuditStamp>,
    ) -> StoreResult<bool> {
        let txn = self.begin_write().await?;
        let n = txn
            .execute_raw(self.stmt(
                "UPDATE run_penyaringan SET status = 'gagal', alasan_gagal = ?, selesai_ms = ? \
                 WHERE instansi = ? AND id = ? AND status = 'berjalan'",
                vec![
                    reason.into(),
                    now_ms.into(),
                    self.tenant.clone().into(),
                    id.into(),
                ],
            ))
            .await?
            .rows_affected();
        match stamp {
            Some(stamp) => self.commit_audited(txn, n == 1, stamp).await,
            None => {
                txn.commit().await?;
                Ok(n == 1)
            }
        }
    }

    /// Every run of this tenant, newest first.
    pub async fn runs(&self) -> StoreResult<Vec<Run>> {
        let rows = self
            .query(
                &format!("SELECT {RUN_COLUMNS} FROM run_penyaringan WHERE instansi = ? ORDER BY dibuat_ms DESC, id DESC"),
                vec![self.tenant.clone().into()],
            )
            .await?;
        rows.iter().map(run_from).collect()
    }

    /// One run.
    pub async fn run(&self, id: &str) -> StoreResult<Option<Run>> {
        let rows = self
            .query(
                &format!("SELECT {RUN_COLUMNS} FROM run_penyaringan WHERE instansi = ? AND id = ?"),
                vec![self.tenant.clone().into(), id.into()],
            )
            .await?;
        rows.first().map(run_from).transpose()
    }

    /// The newest finished run (of `ruleset`, when given): the one that finished last, so that
    /// a full run finishing after a re-screening of one candidate is the one in force.
    pub async fn latest_finished_run(&self, ruleset: Option<&str>) -> StoreResult<Option<Run>> {
        let rows = match ruleset {
            Some(rs) => {
                self.query(
                    &format!("SELECT {RUN_COLUMNS} FROM run_penyaringan WHERE instansi = ? AND ruleset = ? AND status = 'selesai' {NEWEST_FIRST} LIMIT 1"),
                    vec![self.tenant.clone().into(), rs.into()],
                )
                .await?
            }
            None => {
                self.query(
                    &format!("SELECT {RUN_COLUMNS} FROM run_penyaringan WHERE instansi = ? AND status = 'selesai' {NEWEST_FIRST} LIMIT 1"),
                    vec![self.tenant.clone().into()],
                )
                .await?
            }
        };
        rows.first().map(run_from).transpose()
    }

    /// The decisions of `run_id` with NIK in `(lo, hi]`, by NIK.
    pub async fn decisions_between(
        &self,
        run_id: &str,
        lo: &str,
        hi: &str,
    ) -> StoreResult<Vec<Decision>> {
        let rows = self
            .query(
                &format!("SELECT {DECISION_COLUMNS} FROM keputusan WHERE run_id = ? AND nik > ? AND nik <= ? ORDER BY nik"),
                vec![run_id.into(), lo.into(), hi.into()],
            )
            .await?;
        rows.iter().map(decision_from).collect()
    }

    /// Up to `limit` decisions of `run_id` after NIK `after`, by NIK.
    pub async fn decisions_after(
        &self,
        run_id: &str,
        after: &str,
        limit: u64,
    ) -> StoreResult<Vec<Decision>> {
        let rows = self
            .query(
                &format!("SELECT {DECISION_COLUMNS} FROM keputusan WHERE run_id = ? AND nik > ? ORDER BY nik LIMIT ?"),
                vec![run_id.into(), after.into(), (limit as i64).into()],
            )
            .await?;
        rows.iter().map(decision_from).collect()
    }

    /// One candidate's decision in a run.
    pub async fn decision(&self, run_id: &str, nik: &Nik) -> StoreResult<Option<Decision>> {
        let rows = self
            .query(
                &format!("SELECT {DECISION_COLUMNS} FROM keputusan WHERE run_id = ? AND nik = ?"),
                vec![run_id.into(), nik.as_str().into()],
            )
            .await?;
        rows.first().map(decision_from).transpose()
    }

    /// The newest finished run that decided on `nik`, with that decision.
    pub async fn latest_decision(&self, nik: &Nik) -> StoreResult<Option<(Run, Decision)>> {
        let rows = self
            .query(
                "SELECT k.run_id FROM keputusan k JOIN run_penyaringan r ON r.id = k.run_id \
                 WHERE k.instansi = ? AND k.nik = ? AND r.status = 'selesai' \
                 ORDER BY COALESCE(r.selesai_ms, r.dibuat_ms) DESC, r.id DESC LIMIT 1",
                vec![self.tenant.clone().into(), nik.as_str().into()],
            )
            .await?;
        let Some(run_id) = rows.first().map(|r| get::<String>(r, 0)).transpose()? else {
            return Ok(None);
        };
        let (run, decision) = (self.run(&run_id).await?, self.decision(&run_id, nik).await?);
        Ok(run.zip(decision))
    }

    /// Up to `limit` decisions of `run_id` after NIK `after`, with the candidate data they were
    /// made on (the current row, or its archived version when it has changed since).
    pub async fn export_page(
        &self,
        run_id: &str,
        after: &str,
        limit: u64,
    ) -> StoreResult<Vec<ExportRow>> {
        let rows = self
            .query(
                "SELECT k.nik, k.hasil, k.prioritas, k.kode_aturan, k.alasan, k.data_hash, \
                 COALESCE(a.nama, c.nama), COALESCE(a.unit_kerja, c.unit_kerja), COALESCE(a.kategori_pelamar, c.kategori_pelamar) \
                 FROM keputusan k \
                 LEFT JOIN calon c ON c.instansi = k.instansi AND c.nik = k.nik \
                 LEFT JOIN calon_arsip a ON a.instansi = k.instansi AND a.data_hash = k.data_hash \
                 WHERE k.run_id = ? AND k.nik > ? ORDER BY k.nik LIMIT ?",
                vec![run_id.into(), after.into(), (limit as i64).into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ExportRow {
                    decision: decision_from(r)?,
                    nama: get::<Option<String>>(r, 6)?.unwrap_or_default(),
                    unit_kerja: get::<Option<String>>(r, 7)?.unwrap_or_default(),
                    kategori_pelamar: get::<Option<String>>(r, 8)?.unwrap_or_default(),
                })
            })
            .collect()
    }
}
