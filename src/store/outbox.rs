//! The outbox: messages written with the change that caused them, claimed in batches under a
//! lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so several processes share the work), and
//! marked sent, retried with backoff, or failed.

use sea_orm::{ConnectionTrait, QueryResult, Value};

use super::{Backend, Store, StoreResult, corrupt, get};
use crate::domain::{ChannelKind, Content, MessageKind, Queued, Recipient};

/// One message to deliver.
#[derive(Debug, Clone)]
pub struct OutboxRow {
    /// Row id.
    pub id: String,
    /// The instance it is about.
    pub instans_id: Option<String>,
    /// The kind's stored name.
    pub jenis: String,
    /// The address, as stored.
    pub alamat: String,
    /// Attempts so far.
    pub percobaan: i64,
    /// Written at, epoch ms.
    pub dibuat_ms: i64,
    /// The message, or why it does not read back (an unknown kind or channel, a payload
    /// missing a field): such a row is given up at once (counted as one attempt) and `ADMIN`
    /// told.
    pub message: Result<Queued, String>,
}

/// Outbox figures for `/metrics`.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct OutboxStats {
    /// Waiting to be sent.
    pub menunggu: i64,
    pub terkirim: i64,
    pub gagal: i64,
    /// Age of the oldest waiting message, ms.
    pub umur_tertua_ms: i64,
}

/// How every message enters the outbox: from a plan inside its transaction, or on its own.
pub(super) const INSERT: &str = "INSERT INTO kotak_keluar (id, instansi, kunci, instans_id, jenis, orang, nama_penerima, saluran, alamat, data, status, percobaan, berikutnya_ms, dibuat_ms) \
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'menunggu', 0, ?, ?) ON CONFLICT (instansi, kunci) DO NOTHING";

/// The values of [`INSERT`] for `m`.
pub(super) fn insert_values(
    tenant: &str,
    instans_id: Option<&str>,
    m: &Queued,
    now_ms: i64,
) -> Vec<Value> {
    let r = &m.recipient;
    vec![
        uuid::Uuid::now_v7().to_string().into(),
        tenant.into(),
        m.kunci.clone().into(),
        instans_id.map(str::to_owned).into(),
        m.content.kind().as_str().into(),
        r.orang.clone().into(),
        r.nama.clone().into(),
        r.saluran.as_str().into(),
        r.alamat.clone().into(),
        m.content.to_value().to_string().into(),
        now_ms.into(),
        now_ms.into(),
    ]
}

const COLUMNS: &str = "id, kunci, instans_id, jenis, orang, nama_penerima, saluran, alamat, data, percobaan, dibuat_ms";

/// Reads the message of a stored kind and payload.
fn decode(jenis: &str, data: &str) -> Result<Content, String> {
    let kind =
        MessageKind::parse(jenis).ok_or_else(|| format!("jenis pesan '{jenis}' tidak dikenal"))?;
    let value: serde_json::Value =
        serde_json::from_str(data).map_err(|e| format!("isi pesan bukan JSON: {e}"))?;
    Content::from_value(kind, &value)
}

fn row_from(r: &QueryResult) -> StoreResult<OutboxRow> {
    let jenis: String = get(r, 3)?;
    let saluran: String = get(r, 6)?;
    let alamat: String = get(r, 7)?;
    let data: String = get(r, 8)?;
    let recipient = ChannelKind::parse(&saluran)
        .ok_or_else(|| format!("saluran '{saluran}' tidak dikenal"))
        .map(|saluran| Recipient {
            orang: None,
            nama: None,
            saluran,
            alamat: alamat.clone(),
        });
    let orang: Option<String> = get(r, 4)?;
    // Rows queued before `nama_penerima` existed keep the name in the payload.
    let nama: Option<String> = get::<Option<String>>(r, 5)?.or_else(|| {
        serde_json::from_str::<serde_json::Value>(&data)
            .ok()
            .and_then(|d| d.get("nama")?.as_str().map(str::to_owned))
    });
    let kunci: String = get(r, 1)?;
    let message = recipient.and_then(|recipient| {
        Ok(Queued {
            kunci,
            recipient: Recipient {
                orang,
                nama,
                ..recipient
            },
            content: decode(&jenis, &data)?,
        })
    });
    Ok(OutboxRow {
        id: get(r, 0)?,
        instans_id: get(r, 2)?,
        jenis,
        alamat,
        percobaan: get(r, 9)?,
        dibuat_ms: get(r, 10)?,
        message,
    })
}

impl Store {
    /// Claims up to `limit` waiting messages due at `now_ms` (any waiting message when
    /// `ignore_delay`) for `owner` until `now_ms + lease_ms`.
    pub async fn claim_outbox(
        &self,
        owner: &str,
        now_ms: i64,
        lease_ms: i64,
        limit: u64,
        ignore_delay: bool,
    ) -> StoreResult<Vec<OutboxRow>> {
        let lock = if self.backend == Backend::Postgres {
            " FOR UPDATE SKIP LOCKED"
        } else {
            ""
        };
        let due = if ignore_delay { i64::MAX } else { now_ms };
        self.query(
            &format!(
                "UPDATE kotak_keluar SET pemilik = ?, sewa_sampai_ms = ? WHERE id IN (\
                 SELECT id FROM kotak_keluar WHERE instansi = ? AND status = 'menunggu' AND berikutnya_ms <= ? \
                 AND (sewa_sampai_ms IS NULL OR sewa_sampai_ms < ?) ORDER BY dibuat_ms, id LIMIT ?{lock})"
            ),
            vec![
                owner.into(),
                (now_ms + lease_ms).into(),
                self.tenant.clone().into(),
                due.into(),
                now_ms.into(),
                i64::try_from(limit).unwrap_or(i64::MAX).into(),
            ],
        )
        .await?;
        let rows = self
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM kotak_keluar WHERE instansi = ? AND pemilik = ? AND status = 'menunggu' AND sewa_sampai_ms > ? ORDER BY dibuat_ms, id"
                ),
                vec![self.tenant.clone().into(), owner.into(), now_ms.into()],
            )
            .await?;
        rows.iter().map(row_from).collect()
    }

    /// Marks a message sent.
    pub async fn outbox_sent(&self, id: &str, message_id: &str, now_ms: i64) -> StoreResult<()> {
        self.query(
            "UPDATE kotak_keluar SET status = 'terkirim', percobaan = percobaan + 1, message_id = ?, terkirim_ms = ?, \
             pemilik = NULL, sewa_sampai_ms = NULL, kesalahan = NULL WHERE instansi = ? AND id = ?",
            vec![message_id.into(), now_ms.into(), self.tenant.clone().into(), id.into()],
        )
        .await?;
        Ok(())
    }

    /// Hands a claimed message back without counting an attempt.
    pub async fn release_outbox(&self, id: &str) -> StoreResult<()> {
        self.query(
            "UPDATE kotak_keluar SET pemilik = NULL, sewa_sampai_ms = NULL WHERE instansi = ? AND id = ? AND status = 'menunggu'",
            vec![self.tenant.clone().into(), id.into()],
        )
        .await?;
        Ok(())
    }

    /// Records a failed attempt: retried at `next_ms`, or given up when `next_ms` is `None`.
    pub async fn outbox_attempt_failed(
        &self,
        id: &str,
        next_ms: Option<i64>,
        error: &str,
    ) -> StoreResult<()> {
        let (status, next): (&str, Value) = match next_ms {
            Some(n) => ("menunggu", n.into()),
            None => ("gagal", Value::BigInt(None)),
        };
        self.query(
            "UPDATE kotak_keluar SET status = ?, percobaan = percobaan + 1, berikutnya_ms = COALESCE(?, berikutnya_ms), \
             kesalahan = ?, pemilik = NULL, sewa_sampai_ms = NULL WHERE instansi = ? AND id = ?",
            vec![status.into(), next, error.into(), self.tenant.clone().into(), id.into()],
        )
        .await?;
        Ok(())
    }

    /// Queues a message outside any workflow change (replies, notices); false when a message
    /// with the same key exists.
    pub async fn enqueue(
        &self,
        instans_id: Option<&str>,
        m: &Queued,
        now_ms: i64,
    ) -> StoreResult<bool> {
        let done = self
            .conn()
            .execute_raw(self.stmt(INSERT, insert_values(&self.tenant, instans_id, m, now_ms)))
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The reference code of the message sent with `message_id` (a reply names the prompt it
    /// answers this way).
    pub async fn reference_code_of_sent(&self, message_id: &str) -> StoreResult<Option<String>> {
        let rows = self
            .query(
                "SELECT jenis, data FROM kotak_keluar WHERE instansi = ? AND message_id = ?",
                vec![self.tenant.clone().into(), message_id.into()],
            )
            .await?;
        let Some(r) = rows.first() else {
            return Ok(None);
        };
        match decode(&get::<String>(r, 0)?, &get::<String>(r, 1)?) {
            Ok(content) => Ok(content.reference_code().map(str::to_owned)),
            Err(e) => {
                // An unreadable old message names no prompt; the reply may still name one.
                tracing::warn!(message_id, "pesan terkirim tidak dapat dibaca: {e}");
                Ok(None)
            }
        }
    }

    /// The text of every notice of `kind` queued for `person` (for reports and tests).
    pub async fn notices_for(&self, kind: MessageKind, person: &str) -> StoreResult<Vec<String>> {
        let rows = self
            .query(
                "SELECT jenis, data FROM kotak_keluar WHERE instansi = ? AND jenis = ? AND orang = ? ORDER BY dibuat_ms, id",
                vec![self.tenant.clone().into(), kind.as_str().into(), person.into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                match decode(&get::<String>(r, 0)?, &get::<String>(r, 1)?).map_err(corrupt)? {
                    Content::Admin(n) | Content::PenyaringanSelesai(n) => Ok(n.pesan),
                    _ => Ok(String::new()),
                }
            })
            .collect()
    }

    /// Outbox figures.
    pub async fn outbox_stats(&self, now_ms: i64) -> StoreResult<OutboxStats> {
        let rows = self
            .query(
                "SELECT status, CAST(COUNT(*) AS BIGINT), CAST(MIN(dibuat_ms) AS BIGINT) FROM kotak_keluar WHERE instansi = ? GROUP BY status",
                vec![self.tenant.clone().into()],
            )
            .await?;
        let mut s = OutboxStats::default();
        for r in &rows {
            let status: String = get(r, 0)?;
            let n: i64 = get(r, 1)?;
            let oldest: Option<i64> = get(r, 2)?;
            match status.as_str() {
                "menunggu" => {
                    s.menunggu = n;
                    s.umur_tertua_ms = oldest.map_or(0, |o| (now_ms - o).max(0));
                }
                "terkirim" => s.terkirim = n,
                "gagal" => s.gagal = n,
                _ => {}
            }
        }
        Ok(s)
    }

    /// Decisions recorded, by channel.
    pub async fn decisions_by_channel(&self) -> StoreResult<Vec<(String, i64)>> {
        let rows = self
            .query(
                "SELECT COALESCE(saluran, ''), CAST(COUNT(*) AS BIGINT) FROM riwayat WHERE instansi = ? AND jenis = 'keputusan' GROUP BY saluran",
                vec![self.tenant.clone().into()],
            )
            .await?;
        rows.iter().map(|r| Ok((get(r, 0)?, get(r, 1)?))).collect()
    }

    /// Running instances whose open step is past its deadline.
    pub async fn overdue_instances(&self) -> StoreResult<i64> {
        let rows = self
            .query(
                "SELECT CAST(COUNT(DISTINCT w.instans_id) AS BIGINT) FROM pengatur_waktu w \
                 JOIN instans i ON i.instansi = w.instansi AND i.id = w.instans_id \
                 WHERE w.instansi = ? AND w.jenis = 'tenggat' AND w.status = 'selesai' \
                 AND i.status = 'berjalan' AND i.langkah_aktif = w.langkah",
                vec![self.tenant.clone().into()],
            )
            .await?;
        Ok(match rows.first() {
            Some(r) => get::<Option<i64>>(r, 0)?.unwrap_or_default(),
            None => 0,
        })
    }

    /// Instances by status.
    pub async fn instances_by_status(&self) -> StoreResult<Vec<(String, i64)>> {
        let rows = self
            .query(
                "SELECT status, CAST(COUNT(*) AS BIGINT) FROM instans WHERE instansi = ? GROUP BY status",
                vec![self.tenant.clone().into()],
            )
            .await?;
        rows.iter().map(|r| Ok((get(r, 0)?, get(r, 1)?))).collect()
    }
}
