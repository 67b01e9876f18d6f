//! Delivering the outbox: claim a batch, compose each message, send it, and record the result —
//! sent, retried with exponential backoff, or failed after the configured attempts (and `ADMIN`
//! told). A message the server accepted is marked sent at once and never claimed again.

use std::collections::HashMap;

use serde::Serialize;

use super::{
    App, ServiceError,
    ground::{links::link_secret, notices::tell_admins},
};
use crate::{
    domain::{Content, MessageKind, Notice, Subject},
    notify::{Channels, Mailer, Outgoing, SendError, Setting, compose::Enclosures},
    store::OutboxRow,
};

/// How long a claimed batch is ours before another process may take it over.
const LEASE_MS: i64 = 120_000;

/// Messages per claim.
const BATCH: u64 = 100;

/// What a delivery pass did.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct DeliveryReport {
    /// Messages the mail server accepted.
    pub terkirim: u64,
    /// Failed for now; retried later.
    pub ditunda: u64,
    /// Messages given up: a permanent error, or the last allowed attempt failed.
    pub gagal: u64,
}

/// Queues one message now (what `merit bench mail` sends; use cases queue theirs with the
/// change that causes them).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn queue(app: &App, message: &crate::domain::Queued) -> Result<(), ServiceError> {
    app.store.enqueue(None, message, app.clock.now_ms()).await?;
    Ok(())
}

/// Backoff after `attempts` failed attempts: 30 s, 1 min, 2 min, … capped at one hour.
pub fn backoff_ms(attempts: i64) -> i64 {
    let exp = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
    (30_000i64.saturating_mul(1i64 << exp.min(7))).min(3_600_000)
}

fn channels(app: &App) -> &Channels {
    app.caches
        .channels
        .get_or_init(|| Channels::email(Mailer::new(&app.settings.mail_url)))
}

/// Delivers what is due now, over the application's channels.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn deliver_due(app: &App) -> Result<DeliveryReport, ServiceError> {
    deliver(app, channels(app), false).await
}

/// Tries to deliver everything waiting, ignoring retry delays (`merit mail flush`).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn flush(app: &App) -> Result<DeliveryReport, ServiceError> {
    deliver(app, channels(app), true).await
}

/// What an instance is about, read once per delivery pass.
struct Subjects(HashMap<String, Result<Option<Subject>, String>>);

impl Subjects {
    async fn of(
        &mut self,
        app: &App,
        instance: Option<&str>,
    ) -> Result<Result<Option<Subject>, String>, ServiceError> {
        let Some(id) = instance else {
            return Ok(Ok(None));
        };
        if let Some(s) = self.0.get(id) {
            return Ok(s.clone());
        }
        let subject = match app.store.instance(id).await? {
            Some(row) => row.subjek.read().map(Some),
            None => Ok(None),
        };
        self.0.insert(id.to_owned(), subject.clone());
        Ok(subject)
    }
}

/// Delivers what is due (everything waiting when `ignore_delay`, as `merit mail flush` does).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn deliver(
    app: &App,
    channels: &Channels,
    ignore_delay: bool,
) -> Result<DeliveryReport, ServiceError> {
    let loaded = crate::service::ground::definitions::read(app, |d| d.templates()).await?;
    let templates = match (&loaded.value, &loaded.problem) {
        (Some(t), _) => t.clone(),
        (None, problem) => {
            return Err(ServiceError::definitions(
                super::Definition::Templates,
                problem.clone().unwrap_or_default(),
            ));
        }
    };
    let secret = link_secret(app).await?;
    let owner = format!(
        "{}:{}",
        crate::worker::owner_id(),
        uuid::Uuid::new_v4().simple()
    );
    let mut report = DeliveryReport::default();
    let mut seen = std::collections::HashSet::new();
    let mut subjects = Subjects(HashMap::new());
    let mut made = super::placement::enclosures::Made::default();
    loop {
        let now = app.clock.now();
        let batch = app
            .store
            .claim_outbox(
                &owner,
                now.timestamp_millis(),
                LEASE_MS,
                BATCH,
                ignore_delay,
            )
            .await?;
        if batch.is_empty() || batch.iter().all(|r| seen.contains(&r.id)) {
            // A flush tries each message once: hand back, untouched, what it took again.
            for r in &batch {
                app.store.release_outbox(&r.id).await?;
            }
            return Ok(report);
        }
        for row in batch {
            if !seen.insert(row.id.clone()) {
                app.store.release_outbox(&row.id).await?;
                continue;
            }
            let setting = Setting {
                templates: &templates,
                secret: &secret,
                base_url: &app.settings.base_url,
                from: &app.settings.mail_from,
                tz: app.settings.timezone,
                link_ttl: app.settings.link_ttl,
                now: app.clock.now(),
                instansi: &app.settings.instansi.nama,
            };
            let subject = subjects.of(app, row.instans_id.as_deref()).await?;
            let enclosed = match (&row.message, &subject) {
                (Ok(m), Ok(s)) => {
                    super::placement::enclosures::enclosures(
                        app,
                        &mut made,
                        &m.content,
                        s.as_ref(),
                        row.instans_id.as_deref(),
                    )
                    .await
                }
                _ => None,
            };
            let outcome = send_one(&row, subject, enclosed.as_ref(), channels, &setting).await;
            record(app, &row, outcome, &mut report).await?;
        }
    }
}

/// Sends one claimed row over its channel.
async fn send_one(
    row: &OutboxRow,
    subject: Result<Option<Subject>, String>,
    enclosed: Option<&Enclosures>,
    channels: &Channels,
    setting: &Setting<'_>,
) -> Result<String, SendError> {
    let message = row
        .message
        .as_ref()
        .map_err(|e| SendError::Permanent(e.clone()))?;
    // Only prompts and end notices summarise the subject; an unreadable subject stops those
    // (ADMIN is told) but not, say, a notice about the instance.
    let needs_subject =
        message.content.prompt().is_some() || matches!(message.content, Content::Selesai(_));
    let subject = match subject {
        Ok(s) => s,
        Err(e) if needs_subject => return Err(SendError::Permanent(e)),
        Err(_) => None,
    };
    let channel = channels.get(message.recipient.saluran).ok_or_else(|| {
        SendError::Permanent(format!(
            "saluran {} tidak tersedia pada proses ini",
            message.recipient.saluran.as_str()
        ))
    })?;
    let out = Outgoing {
        id: &row.id,
        message,
        subjek: subject.as_ref(),
        lampiran: enclosed,
    };
    channel.deliver(&out, setting).await
}

/// Records what became of one attempt: sent, retried later, or given up (and `ADMIN` told).
async fn record(
    app: &App,
    row: &OutboxRow,
    outcome: Result<String, SendError>,
    report: &mut DeliveryReport,
) -> Result<(), ServiceError> {
    let now_ms = app.clock.now_ms();
    match outcome {
        Ok(message_id) => {
            app.store.outbox_sent(&row.id, &message_id, now_ms).await?;
            report.terkirim += 1;
        }
        Err(SendError::Transient(e))
            if row.percobaan + 1 < i64::from(app.settings.mail_max_attempts) =>
        {
            tracing::warn!(pesan = %row.id, percobaan = row.percobaan + 1, "pengiriman ditunda: {e}");
            app.store
                .outbox_attempt_failed(&row.id, Some(now_ms + backoff_ms(row.percobaan + 1)), &e)
                .await?;
            report.ditunda += 1;
        }
        Err(e) => {
            tracing::error!(pesan = %row.id, "pengiriman gagal: {e}");
            app.store
                .outbox_attempt_failed(&row.id, None, &e.to_string())
                .await?;
            report.gagal += 1;
            if row.jenis != MessageKind::Admin.as_str() {
                let pesan = format!(
                    "Pesan '{}' kepada {} tidak dapat dikirim setelah {} percobaan: {e}. Periksa alamat penerima atau server surat, lalu kirim ulang bila perlu.",
                    row.jenis,
                    row.alamat,
                    row.percobaan + 1
                );
                let notice = Content::Admin(Notice { pesan });
                let key = format!("gagal/{}", row.id);
                if let Err(err) = tell_admins(app, row.instans_id.as_deref(), &key, notice).await {
                    tracing::warn!("ADMIN tidak dapat diberi tahu: {err}");
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(super::backoff_ms(1), 30_000);
        assert_eq!(super::backoff_ms(2), 60_000);
        assert_eq!(super::backoff_ms(3), 120_000);
        assert_eq!(super::backoff_ms(30), 3_600_000);
    }
}
