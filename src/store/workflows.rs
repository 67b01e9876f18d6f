//! Workflow persistence: definition versions, instances guarded by a revision, history, reference
//! codes, durable timers and the outbox. A plan is applied in one transaction: either the state,
//! its history, its messages and its timers are all written, or none is.

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, DatabaseTransaction, QueryResult, Statement, Value};

use super::{Backend, Store, StoreError, StoreResult, corrupt, get, placeholders};
use crate::domain::AuditStamp;
use crate::workflow::{
    CodeRow, Decided, HistoryEntry, HistoryKind, InstanceRow, StoredSubject,
    planner::{Plan, State, Status},
};

/// A timer that is due.
#[derive(Debug, Clone)]
pub struct DueTimer {
    /// Timer id.
    pub id: String,
    pub instans_id: String,
    pub langkah: String,
    pub kunjungan: i64,
    pub jenis: String,
    /// Which reminder.
    pub ke: i64,
    /// Due, epoch ms.
    pub jatuh_tempo_ms: i64,
}

/// Outcome of applying a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// Written.
    Yes,
    /// Someone else changed the instance first (revision moved on), or a reference code the
    /// plan hands out is already taken in this tenant: re-read and re-plan.
    Conflict,
    /// The timer was fired by someone else already.
    AlreadyFired,
}

const INSTANCE_COLUMNS: &str =
    "id, workflow, versi, subjek, keadaan, revisi, dibuat_oleh, dibuat_ms, diperbarui_ms";

/// The same without the subject (which may hold a whole regency's recap): `subjek` reads as
/// JSON null.
const INSTANCE_HEAD_COLUMNS: &str =
    "id, workflow, versi, 'null', keadaan, revisi, dibuat_oleh, dibuat_ms, diperbarui_ms";

fn instance_from(r: &QueryResult) -> StoreResult<InstanceRow> {
    let subjek: String = get(r, 3)?;
    let keadaan: String = get(r, 4)?;
    Ok(InstanceRow {
        id: get(r, 0)?,
        workflow: get(r, 1)?,
        versi: get(r, 2)?,
        subjek: StoredSubject::new(serde_json::from_str(&subjek).map_err(corrupt)?),
        state: serde_json::from_str(&keadaan).map_err(corrupt)?,
        revisi: get(r, 5)?,
        dibuat_oleh: get(r, 6)?,
        dibuat_ms: get(r, 7)?,
        diperbarui_ms: get(r, 8)?,
    })
}

/// A subject's JSON as stored in `instans` and, for a placement proposal, its recap per
/// formation code (`per_formasi`), which is stored in `rekap_usulan`.
fn split_recap(subjek: &serde_json::Value) -> (serde_json::Value, Vec<(String, i64)>) {
    let recap = match subjek.get("jenis").and_then(|j| j.as_str()) {
        Some("penempatan") => subjek.get("per_formasi").and_then(|m| m.as_object()),
        _ => None,
    };
    let Some(recap) = recap else {
        return (subjek.clone(), Vec::new());
    };
    let counts: Option<Vec<(String, i64)>> = recap
        .iter()
        .map(|(k, v)| Some((k.clone(), v.as_i64()?)))
        .collect();
    match counts {
        Some(counts) => {
            let mut rest = subjek.clone();
            if let Some(o) = rest.as_object_mut() {
                o.remove("per_formasi");
            }
            (rest, counts)
        }
        // Not counts: kept as given, in the subject.
        None => (subjek.clone(), Vec::new()),
    }
}

struct Writer<'a> {
    txn: &'a DatabaseTransaction,
    backend: Backend,
}

impl Writer<'_> {
    async fn exec(&self, sql: &str, values: Vec<Value>) -> StoreResult<u64> {
        let stmt = Statement::from_sql_and_values(
            self.txn.get_database_backend(),
            placeholders(self.backend, sql),
            values,
        );
        Ok(self.txn.execute_raw(stmt).await?.rows_affected())
    }
}

impl Store {
    /// Keeps the source of a definition version (idempotent).
    pub async fn save_workflow_version(
        &self,
        workflow: &str,
        versi: &str,
        berkas: &str,
        sumber: &str,
        now_ms: i64,
    ) -> StoreResult<()> {
        self.query(
            "INSERT INTO workflow_versi (instansi, workflow, versi, berkas, sumber, dibuat_ms) VALUES (?, ?, ?, ?, ?, ?) \
             ON CONFLICT (instansi, workflow, versi) DO NOTHING",
            vec![
                self.tenant.clone().into(),
                workflow.into(),
                versi.into(),
                berkas.into(),
                sumber.into(),
                now_ms.into(),
            ],
        )
        .await?;
        Ok(())
    }

    /// The file name and source of a definition version.
    pub async fn workflow_version(
        &self,
        workflow: &str,
        versi: &str,
    ) -> StoreResult<Option<(String, String)>> {
        let rows = self
            .query(
                "SELECT berkas, sumber FROM workflow_versi WHERE instansi = ? AND workflow = ? AND versi = ?",
                vec![self.tenant.clone().into(), workflow.into(), versi.into()],
            )
            .await?;
        rows.first()
            .map(|r| Ok((get(r, 0)?, get(r, 1)?)))
            .transpose()
    }

    /// The most recently stored version of `workflow`: (version, file, source).
    pub async fn latest_workflow_version(
        &self,
        workflow: &str,
    ) -> StoreResult<Option<(String, String, String)>> {
        let rows = self
            .query(
                "SELECT versi, berkas, sumber FROM workflow_versi WHERE instansi = ? AND workflow = ? ORDER BY dibuat_ms DESC LIMIT 1",
                vec![self.tenant.clone().into(), workflow.into()],
            )
            .await?;
        rows.first()
            .map(|r| Ok((get(r, 0)?, get(r, 1)?, get(r, 2)?)))
            .transpose()
    }

    /// Creates an instance and applies its first plan, in one transaction with `stamp` (its
    /// audit entry). `Conflict` when a reference code of the plan is taken (nothing is written;
    /// plan again with new codes).
    pub async fn create_instance(
        &self,
        row: &InstanceRow,
        plan: &Plan,
        stamp: Option<&AuditStamp>,
    ) -> StoreResult<Applied> {
        // A proposal's recap goes to its own table: reading an instance does not carry it.
        let (subjek, recap) = split_recap(row.subjek.json());
        let txn = self.begin_write().await?;
        let w = Writer {
            txn: &txn,
            backend: self.backend,
        };
        w.exec(
            &format!(
                "INSERT INTO instans (instansi, status, langkah_aktif, {INSTANCE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            vec![
                self.tenant.clone().into(),
                plan.state.status.as_str().into(),
                plan.state.langkah_aktif.clone().into(),
                row.id.clone().into(),
                row.workflow.clone().into(),
                row.versi.clone().into(),
                subjek.to_string().into(),
                serde_json::to_string(&plan.state).map_err(corrupt)?.into(),
                1i64.into(),
                row.dibuat_oleh.clone().into(),
                row.dibuat_ms.into(),
                row.dibuat_ms.into(),
            ],
        )
        .await?;
        for (kode, jumlah) in &recap {
            w.exec(
                "INSERT INTO rekap_usulan (instansi, instans_id, kode_formasi, jumlah) VALUES (?, ?, ?, ?)",
                vec![
                    self.tenant.clone().into(),
                    row.id.clone().into(),
                    kode.clone().into(),
                    (*jumlah).into(),
                ],
            )
            .await?;
        }
        if !self
            .write_effects(&w, &row.id, 0, plan, row.dibuat_ms)
            .await?
        {
            txn.rollback().await?;
            return Ok(Applied::Conflict);
        }
        if let Some(stamp) = stamp {
            self.append_audit_in(&txn, stamp).await?;
        }
        txn.commit().await?;
        Ok(Applied::Yes)
    }

    /// Applies `plan` to instance `id` if its revision is still `expected`; `timer` is the id of
    /// the timer whose firing this plan is (claimed in the same transaction); `stamp`, the audit
    /// entry of the change, is appended in the same transaction too.
    #[allow(clippy::too_many_arguments)]
    pub async fn apply_plan(
        &self,
        id: &str,
        expected: i64,
        before: &State,
        plan: &Plan,
        timer: Option<&str>,
        now_ms: i64,
        stamp: Option<&AuditStamp>,
    ) -> StoreResult<Applied> {
        let txn = self.begin_write().await?;
        let w = Writer {
            txn: &txn,
            backend: self.backend,
        };
        if let Some(t) = timer {
            let n = w
                .exec(
                    "UPDATE pengatur_waktu SET status = 'selesai' WHERE instansi = ? AND id = ? AND status = 'menunggu'",
                    vec![self.tenant.clone().into(), t.into()],
                )
                .await?;
            if n == 0 {
                txn.rollback().await?;
                return Ok(Applied::AlreadyFired);
            }
        }
        if plan.changed {
            let n = w
                .exec(
                    "UPDATE instans SET status = ?, langkah_aktif = ?, keadaan = ?, revisi = revisi + 1, diperbarui_ms = ? \
                     WHERE instansi = ? AND id = ? AND revisi = ?",
                    vec![
                        plan.state.status.as_str().into(),
                        plan.state.langkah_aktif.clone().into(),
                        serde_json::to_string(&plan.state).map_err(corrupt)?.into(),
                        now_ms.into(),
                        self.tenant.clone().into(),
                        id.into(),
                        expected.into(),
                    ],
                )
                .await?;
            if n == 0 {
                txn.rollback().await?;
                return Ok(Applied::Conflict);
            }
            if !self
                .write_effects(&w, id, before.riwayat_n, plan, now_ms)
                .await?
            {
                txn.rollback().await?;
                return Ok(Applied::Conflict);
            }
        }
        if let Some(stamp) = stamp {
            self.append_audit_in(&txn, stamp).await?;
        }
        txn.commit().await?;
        Ok(Applied::Yes)
    }

    /// Writes a plan's history, timers, codes and messages; `false` (the caller rolls back)
    /// when one of its reference codes is already taken in this tenant.
    async fn write_effects(
        &self,
        w: &Writer<'_>,
        id: &str,
        first: i64,
        plan: &Plan,
        now_ms: i64,
    ) -> StoreResult<bool> {
        let tenant = || Value::from(self.tenant.clone());
        for (i, e) in plan.history.iter().enumerate() {
            w.exec(
                "INSERT INTO riwayat (instansi, instans_id, urutan, waktu_ms, jenis, langkah, orang, kapasitas, saluran, keputusan, komentar) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                vec![
                    tenant(),
                    id.into(),
                    (first + i as i64 + 1).into(),
                    e.waktu_ms.into(),
                    e.jenis.as_str().into(),
                    e.langkah.clone().into(),
                    e.orang.clone().into(),
                    e.kapasitas.clone().into(),
                    e.saluran.clone().into(),
                    e.keputusan.as_ref().map(Decided::code).into(),
                    e.komentar.clone().into(),
                ],
            )
            .await?;
        }
        for v in &plan.cancel_visits {
            w.exec(
                "UPDATE pengatur_waktu SET status = 'batal' WHERE instansi = ? AND instans_id = ? AND kunjungan = ? AND status = 'menunggu'",
                vec![tenant(), id.into(), (*v).into()],
            )
            .await?;
        }
        if plan.state.status == Status::Dibatalkan {
            // A cancelled process asks nobody anything any more: prompts and reminders still
            // waiting in the outbox are not sent (the cancellation notices are queued below).
            w.exec(
                "UPDATE kotak_keluar SET status = 'batal' WHERE instansi = ? AND instans_id = ? AND status = 'menunggu' \
                 AND (jenis IN ('permintaan', 'eskalasi', 'tenggat') OR jenis LIKE 'pengingat%')",
                vec![tenant(), id.into()],
            )
            .await?;
        }
        for t in &plan.timers {
            w.exec(
                "INSERT INTO pengatur_waktu (id, instansi, instans_id, langkah, kunjungan, jenis, ke, jatuh_tempo_ms, status) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'menunggu')",
                vec![
                    uuid::Uuid::now_v7().to_string().into(),
                    tenant(),
                    id.into(),
                    t.langkah.clone().into(),
                    t.kunjungan.into(),
                    t.jenis.as_str().into(),
                    t.ke.into(),
                    t.jatuh_tempo_ms.into(),
                ],
            )
            .await?;
        }
        for c in &plan.codes {
            let n = w.exec(
                "INSERT INTO kode_rujukan (kode, instansi, instans_id, langkah, kunjungan, orang, dibuat_ms) VALUES (?, ?, ?, ?, ?, ?, ?) \
                 ON CONFLICT (instansi, kode) DO NOTHING",
                vec![
                    c.kode.clone().into(),
                    tenant(),
                    id.into(),
                    c.langkah.clone().into(),
                    c.kunjungan.into(),
                    c.orang.clone().into(),
                    now_ms.into(),
                ],
            )
            .await?;
            if n == 0 {
                return Ok(false);
            }
        }
        for m in &plan.outbox {
            w.exec(
                super::outbox::INSERT,
                super::outbox::insert_values(&self.tenant, Some(id), m, now_ms),
            )
            .await?;
        }
        Ok(true)
    }

    /// One instance.
    pub async fn instance(&self, id: &str) -> StoreResult<Option<InstanceRow>> {
        self.instance_with(INSTANCE_COLUMNS, id).await
    }

    /// One instance without its subject (`subjek` is null): for pages that show its state.
    pub async fn instance_head(&self, id: &str) -> StoreResult<Option<InstanceRow>> {
        self.instance_with(INSTANCE_HEAD_COLUMNS, id).await
    }

    async fn instance_with(&self, columns: &str, id: &str) -> StoreResult<Option<InstanceRow>> {
        let rows = self
            .query(
                &format!("SELECT {columns} FROM instans WHERE instansi = ? AND id = ?"),
                vec![self.tenant.clone().into(), id.into()],
            )
            .await?;
        rows.first().map(instance_from).transpose()
    }

    /// Instances, newest first; optionally only those with `status`.
    pub async fn instances(&self, status: Option<Status>) -> StoreResult<Vec<InstanceRow>> {
        self.instances_with(INSTANCE_COLUMNS, status).await
    }

    /// [`Store::instances`] without their subjects (`subjek` is null).
    pub async fn instances_head(&self, status: Option<Status>) -> StoreResult<Vec<InstanceRow>> {
        self.instances_with(INSTANCE_HEAD_COLUMNS, status).await
    }

    async fn instances_with(
        &self,
        columns: &str,
        status: Option<Status>,
    ) -> StoreResult<Vec<InstanceRow>> {
        let mut values: Vec<Value> = vec![self.tenant.clone().into()];
        let filter = match status {
            Some(s) => {
                values.push(s.as_str().into());
                " AND status = ?"
            }
            None => "",
        };
        let rows = self
            .query(
                &format!(
                    "SELECT {columns} FROM instans WHERE instansi = ?{filter} ORDER BY dibuat_ms DESC, id DESC"
                ),
                values,
            )
            .await?;
        rows.iter().map(instance_from).collect()
    }

    /// The recap of the proposal instance `id` is about (candidates placed per formation code),
    /// kept apart from its subject; empty when it has none (or its subject, stored before the
    /// recap had a table of its own, still holds it).
    pub async fn proposal_recap(&self, id: &str) -> StoreResult<BTreeMap<String, u64>> {
        let rows = self
            .query(
                "SELECT kode_formasi, jumlah FROM rekap_usulan WHERE instansi = ? AND instans_id = ? ORDER BY kode_formasi",
                vec![self.tenant.clone().into(), id.into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let jumlah: i64 = get(r, 1)?;
                Ok((
                    get(r, 0)?,
                    u64::try_from(jumlah).map_err(|_| {
                        StoreError::Corrupt(format!("jumlah rekap usulan {jumlah} negatif"))
                    })?,
                ))
            })
            .collect()
    }

    /// An instance's history, in order.
    pub async fn history(&self, id: &str) -> StoreResult<Vec<HistoryEntry>> {
        let rows = self
            .query(
                "SELECT urutan, waktu_ms, jenis, langkah, orang, kapasitas, saluran, keputusan, komentar \
                 FROM riwayat WHERE instansi = ? AND instans_id = ? ORDER BY urutan",
                vec![self.tenant.clone().into(), id.into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let jenis: String = get(r, 2)?;
                let keputusan: Option<String> = get(r, 7)?;
                Ok(HistoryEntry {
                    urutan: get(r, 0)?,
                    waktu_ms: get(r, 1)?,
                    jenis: HistoryKind::parse(&jenis).ok_or_else(|| {
                        StoreError::Corrupt(format!("jenis riwayat '{jenis}' tidak dikenal"))
                    })?,
                    langkah: get(r, 3)?,
                    orang: get(r, 4)?,
                    kapasitas: get(r, 5)?,
                    saluran: get(r, 6)?,
                    keputusan: keputusan
                        .map(|k| {
                            Decided::parse(&k).ok_or_else(|| {
                                StoreError::Corrupt(format!(
                                    "keputusan riwayat '{k}' tidak dikenal"
                                ))
                            })
                        })
                        .transpose()?,
                    komentar: get(r, 8)?,
                })
            })
            .collect()
    }

    /// Timers due at `now_ms` that have not fired, earliest first.
    pub async fn due_timers(&self, now_ms: i64, limit: u64) -> StoreResult<Vec<DueTimer>> {
        let rows = self
            .query(
                "SELECT id, instans_id, langkah, kunjungan, jenis, ke, jatuh_tempo_ms FROM pengatur_waktu \
                 WHERE instansi = ? AND status = 'menunggu' AND jatuh_tempo_ms <= ? \
                 ORDER BY jatuh_tempo_ms, id LIMIT ?",
                vec![
                    self.tenant.clone().into(),
                    now_ms.into(),
                    i64::try_from(limit).unwrap_or(i64::MAX).into(),
                ],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(DueTimer {
                    id: get(r, 0)?,
                    instans_id: get(r, 1)?,
                    langkah: get(r, 2)?,
                    kunjungan: get(r, 3)?,
                    jenis: get(r, 4)?,
                    ke: get(r, 5)?,
                    jatuh_tempo_ms: get(r, 6)?,
                })
            })
            .collect()
    }

    /// Marks a stale timer as done (it belonged to a step visit that is over).
    pub async fn retire_timer(&self, id: &str) -> StoreResult<bool> {
        let rows = self
            .conn()
            .execute_raw(Statement::from_sql_and_values(
                self.conn().get_database_backend(),
                placeholders(
                    self.backend,
                    "UPDATE pengatur_waktu SET status = 'selesai' WHERE instansi = ? AND id = ? AND status = 'menunggu'",
                ),
                vec![self.tenant.clone().into(), id.into()],
            ))
            .await?
            .rows_affected();
        Ok(rows == 1)
    }

    /// Who a reference code was given to.
    pub async fn code(&self, kode: &str) -> StoreResult<Option<CodeRow>> {
        let rows = self
            .query(
                "SELECT instans_id, langkah, kunjungan, orang FROM kode_rujukan WHERE instansi = ? AND kode = ?",
                vec![self.tenant.clone().into(), kode.into()],
            )
            .await?;
        rows.first()
            .map(|r| {
                Ok(CodeRow {
                    instans_id: get(r, 0)?,
                    langkah: get(r, 1)?,
                    kunjungan: get(r, 2)?,
                    orang: get(r, 3)?,
                })
            })
            .transpose()
    }

    /// Pending timers of an instance as (kind, step, visit, due ms), for `workflow show`.
    pub async fn pending_timers(&self, id: &str) -> StoreResult<Vec<(String, String, i64, i64)>> {
        let rows = self
            .query(
                "SELECT jenis, langkah, kunjungan, jatuh_tempo_ms FROM pengatur_waktu \
                 WHERE instansi = ? AND instans_id = ? AND status = 'menunggu' ORDER BY jatuh_tempo_ms",
                vec![self.tenant.clone().into(), id.into()],
            )
            .await?;
        rows.iter()
            .map(|r| Ok((get(r, 0)?, get(r, 1)?, get(r, 2)?, get(r, 3)?)))
            .collect()
    }
}

impl Store {
    /// Records a vacancy and its screening result (`hasil`: the subject the workflow sees), with
    /// its audit entry.
    #[allow(clippy::too_many_arguments)]
    pub async fn save_vacancy(
        &self,
        id: &str,
        jenjang: &str,
        unit: &str,
        jabatan: &str,
        alasan: &str,
        tanggal: chrono::NaiveDate,
        ruleset_versi: &str,
        hasil: &serde_json::Value,
        by: &str,
        now_ms: i64,
        stamp: &AuditStamp,
    ) -> StoreResult<()> {
        let txn = self.begin_write().await?;
        txn.execute_raw(self.stmt(
            "INSERT INTO lowongan (id, instansi, jenjang, unit_kerja, jabatan, alasan, tanggal, ruleset_versi, hasil, dibuat_oleh, dibuat_ms) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                id.into(),
                self.tenant.clone().into(),
                jenjang.into(),
                unit.into(),
                jabatan.into(),
                alasan.into(),
                tanggal.into(),
                ruleset_versi.into(),
                hasil.to_string().into(),
                by.into(),
                now_ms.into(),
            ],
        ))
        .await?;
        self.append_audit_in(&txn, stamp).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Links a vacancy to the workflow instance started on it.
    pub async fn set_vacancy_instance(&self, id: &str, instance: &str) -> StoreResult<()> {
        self.query(
            "UPDATE lowongan SET instans_id = ? WHERE instansi = ? AND id = ?",
            vec![instance.into(), self.tenant.clone().into(), id.into()],
        )
        .await?;
        Ok(())
    }

    /// A vacancy's subject (what its job-fill workflow sees).
    pub async fn vacancy(&self, id: &str) -> StoreResult<Option<serde_json::Value>> {
        let rows = self
            .query(
                "SELECT hasil FROM lowongan WHERE instansi = ? AND id = ?",
                vec![self.tenant.clone().into(), id.into()],
            )
            .await?;
        rows.first()
            .map(|r| serde_json::from_str(&get::<String>(r, 0)?).map_err(corrupt))
            .transpose()
    }
}
