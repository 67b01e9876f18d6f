//! Answers from the mailbox: a signed link (GET shows, POST decides) or a plain reply. Both
//! end in [`super::workflow::decide`] with their channel; anything unclear changes nothing.

use serde_json::json;

use super::{
    App, ServiceError,
    workflow::{self, DecideRequest},
};
use crate::{
    notify::{
        compose::summary,
        reply::{self, Verdict},
        token::{self, Token},
    },
    store::CodeRow,
    workflow::{Answer, Channel, Status},
};

/// Why a link does not lead to a decision.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// Malformed, forged or unknown (404).
    #[error("tautan tidak dikenal atau tidak sah")]
    Unknown,
    /// Past its validity (410).
    #[error("tautan sudah kedaluwarsa")]
    Expired,
    /// The step has been decided or the workflow has moved on (409).
    #[error("{0}")]
    Decided(String),
    /// The form does not match the link (400).
    #[error("{0}")]
    BadForm(String),
    /// Something else.
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<crate::store::StoreError> for LinkError {
    fn from(e: crate::store::StoreError) -> Self {
        Self::Service(e.into())
    }
}

/// What a link asks, for the confirm page.
#[derive(Debug, Clone)]
pub struct LinkView {
    /// Workflow title.
    pub judul: String,
    /// Step title.
    pub langkah: String,
    /// The approver's name.
    pub nama: String,
    /// In what capacity.
    pub kapasitas: String,
    /// What the link stands for, for people (e.g. `SETUJU`).
    pub jawaban: String,
    /// The form value of the answer.
    pub keputusan: String,
    /// Whether a comment is required (a return).
    pub perlu_komentar: bool,
    /// Summary of the subject.
    pub ringkasan: Vec<String>,
    /// Reference code.
    pub kode: String,
    /// Already answered this way (a repeated POST is a no-op).
    pub sudah_tercatat: bool,
}

struct Resolved {
    code: CodeRow,
    answer: Answer,
    view: LinkView,
}

async fn resolve(app: &App, raw: &str) -> Result<Resolved, LinkError> {
    let secret = super::outbox::link_secret(app).await?;
    let t: Token = match token::verify(&secret, raw) {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!("tautan persetujuan ditolak: {e}");
            return Err(LinkError::Unknown);
        }
    };
    let Some(code) = app.store.code(&t.kode).await? else {
        tracing::warn!(kode = %t.kode, "tautan persetujuan dengan kode tidak dikenal");
        return Err(LinkError::Unknown);
    };
    let Some(row) = app.store.instance(&code.instans_id).await? else {
        return Err(LinkError::Unknown);
    };
    let answer = match t.jawaban.as_str() {
        "setuju" => Answer::Setuju,
        "tolak" => Answer::Tolak,
        "kembalikan" => Answer::Kembalikan,
        other => {
            let i: usize = other
                .strip_prefix("pilih-")
                .and_then(|i| i.parse().ok())
                .ok_or(LinkError::Unknown)?;
            let o = row.state.opsi.get(i).ok_or(LinkError::Unknown)?;
            Answer::Pilih(o.clone())
        }
    };
    if app.clock.now_ms() > t.terbit_ms + app.settings.link_ttl.num_milliseconds() {
        return Err(LinkError::Expired);
    }
    let st = &row.state;
    let seat = st.kursi.iter().find(|s| s.orang == code.orang);
    let current = st.status == Status::Berjalan
        && st.kunjungan == code.kunjungan
        && st.langkah_aktif.as_deref() == Some(code.langkah.as_str());
    let mut sudah_tercatat =
        current && seat.and_then(|s| s.keputusan.as_deref()) == Some(answer.code().as_str());
    if !current {
        // The same answer through the same link again after it moved the workflow on.
        sudah_tercatat = app.store.history(&row.id).await?.iter().any(|h| {
            h.jenis == "keputusan"
                && h.langkah.as_deref() == Some(code.langkah.as_str())
                && h.orang.as_deref() == Some(code.orang.as_str())
                && h.keputusan.as_deref() == Some(answer.code().as_str())
                && h.waktu_ms >= t.terbit_ms
        });
    }
    let answered_otherwise = !current || seat.is_some_and(|s| s.keputusan.is_some());
    if answered_otherwise && !sudah_tercatat {
        return Err(LinkError::Decided(match st.status {
            Status::Berjalan => {
                "langkah ini sudah diputuskan; jawaban tidak diperlukan lagi".to_owned()
            }
            s => format!(
                "proses ini sudah selesai ({})",
                s.as_str().replace('_', " ")
            ),
        }));
    }
    let (judul, judul_langkah) = workflow::titles(app, &row, &code.langkah).await?;
    let (dir, _) = workflow::directory(app).await?;
    let label = match &answer {
        Answer::Setuju => "SETUJU".to_owned(),
        Answer::Tolak => "TOLAK".to_owned(),
        Answer::Kembalikan => "KEMBALIKAN".to_owned(),
        Answer::Pilih(o) if o.len() >= 16 && o.chars().all(|c| c.is_ascii_digit()) => {
            format!("PILIH NIP {}", crate::notify::mask(o))
        }
        Answer::Pilih(o) => format!("PILIH {o}"),
    };
    let step_title = judul_langkah.unwrap_or_else(|| code.langkah.clone());
    let view = LinkView {
        judul,
        langkah: step_title,
        nama: dir
            .person(&code.orang)
            .map_or_else(|| code.orang.clone(), |p| p.nama.clone()),
        kapasitas: seat.map(|s| s.kapasitas.clone()).unwrap_or_default(),
        jawaban: label,
        keputusan: t.jawaban.clone(),
        perlu_komentar: answer == Answer::Kembalikan,
        ringkasan: summary(Some(&row.subjek)),
        kode: format!("MERIT-{}", t.kode),
        sudah_tercatat,
    };
    Ok(Resolved { code, answer, view })
}

/// What a link asks (changes nothing).
pub async fn link_view(app: &App, raw: &str) -> Result<LinkView, LinkError> {
    Ok(resolve(app, raw).await?.view)
}

/// Records the answer a link stands for; repeating the same answer is a no-op.
pub async fn link_answer(
    app: &App,
    raw: &str,
    keputusan: &str,
    komentar: Option<&str>,
) -> Result<LinkView, LinkError> {
    let r = resolve(app, raw).await?;
    if keputusan != r.view.keputusan {
        return Err(LinkError::BadForm(
            "jawaban pada formulir tidak sesuai dengan tautan".to_owned(),
        ));
    }
    if r.view.sudah_tercatat {
        return Ok(r.view);
    }
    let komentar = komentar.map(str::trim).filter(|c| !c.is_empty());
    if r.answer == Answer::Kembalikan && komentar.is_none() {
        return Err(LinkError::BadForm(
            "pengembalian wajib disertai alasan; isi kolom komentar".to_owned(),
        ));
    }
    let req = DecideRequest {
        instance: r.code.instans_id.clone(),
        langkah: r.code.langkah.clone(),
        orang: r.code.orang.clone(),
        jawaban: r.answer.clone(),
        komentar: komentar.map(str::to_owned),
        saluran: Channel::Tautan,
        dicatat_oleh: None,
    };
    match workflow::decide(app, &req).await {
        Ok(_) => Ok(r.view),
        Err(ServiceError::Refused(m)) => {
            // A concurrent POST of the same answer won: that is success for this one too.
            let again = resolve(app, raw).await;
            match again {
                Ok(v) if v.view.sudah_tercatat => Ok(v.view),
                _ => Err(LinkError::Decided(m)),
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// What `mail ingest` did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "hasil", rename_all = "snake_case")]
pub enum IngestOutcome {
    /// The answer was recorded.
    Dicatat {
        /// Instance.
        instance_id: String,
        /// Step.
        langkah: String,
        /// Person.
        orang: String,
        /// Answer.
        keputusan: String,
    },
    /// An auto-reply: ignored, no reply sent.
    Diabaikan {
        /// Why.
        alasan: String,
    },
    /// Not applied; the sender was told why (when known).
    Ditolak {
        /// Why.
        alasan: String,
        /// Exit 3 (unreadable, unclear) or 4 (refused by state or sender).
        tidak_terbaca: bool,
    },
}

/// Applies one emailed reply.
pub async fn ingest(app: &App, raw: &[u8]) -> Result<IngestOutcome, ServiceError> {
    let Some(r) = reply::parse(raw) else {
        return Err(ServiceError::Invalid(
            "masukan bukan pesan email (RFC 5322)".to_owned(),
        ));
    };
    if r.auto {
        tracing::info!(dari = %r.from, "balasan otomatis diabaikan");
        return Ok(IngestOutcome::Diabaikan {
            alasan: "balasan otomatis".to_owned(),
        });
    }
    let (dir, _) = workflow::directory(app).await?;
    let sender = dir.by_email(&r.from).cloned();
    let refuse = |alasan: String, unreadable: bool| IngestOutcome::Ditolak {
        alasan,
        tidak_terbaca: unreadable,
    };
    // Which prompt: a reference code, else the message it replies to.
    let mut code = None;
    for c in &r.codes {
        if let Some(row) = app.store.code(c).await? {
            code = Some(row);
            break;
        }
    }
    if code.is_none() {
        for id in &r.refs {
            if let Some(data) = app.store.outbox_by_message_id(id).await?
                && let Some(k) = data.get("kode").and_then(|k| k.as_str())
                && let Some(row) = app.store.code(k).await?
            {
                code = Some(row);
                break;
            }
        }
    }
    let outcome = match (&code, &sender) {
        (None, _) => refuse(
            "kode rujukan [MERIT-…] tidak ditemukan pada subjek, isi, maupun rujukan balasan"
                .to_owned(),
            true,
        ),
        (Some(_), None) => refuse(
            format!("pengirim {} tidak terdaftar sebagai penyetuju", r.from),
            false,
        ),
        (Some(c), Some(p)) if p.id != c.orang && !acting_for(app, &dir, &p.id, &c.orang) => refuse(
            format!(
                "permintaan ini ditujukan kepada penyetuju lain; {} tidak dapat menjawab atas namanya",
                p.id
            ),
            false,
        ),
        (Some(c), Some(p)) => match r.verdict {
            None => refuse(
                format!(
                    "baris pertama balasan ({}) tidak diawali SETUJU, TOLAK, atau KEMBALIKAN",
                    r.first_line.clone().unwrap_or_else(|| "kosong".to_owned())
                ),
                true,
            ),
            Some(Verdict::Kembalikan) if r.comment.is_none() => refuse(
                "pengembalian wajib disertai alasan setelah kata KEMBALIKAN".to_owned(),
                true,
            ),
            Some(v) => {
                let answer = match v {
                    Verdict::Setuju => Answer::Setuju,
                    Verdict::Tolak => Answer::Tolak,
                    Verdict::Kembalikan => Answer::Kembalikan,
                };
                let req = DecideRequest {
                    instance: c.instans_id.clone(),
                    langkah: c.langkah.clone(),
                    orang: p.id.clone(),
                    jawaban: answer.clone(),
                    komentar: r.comment.clone(),
                    saluran: Channel::Balasan,
                    dicatat_oleh: None,
                };
                let row = app.store.instance(&c.instans_id).await?;
                let stale = row.is_some_and(|row| {
                    row.state.kunjungan != c.kunjungan || row.state.status != Status::Berjalan
                });
                if stale {
                    refuse(
                        "langkah ini sudah diputuskan atau proses sudah berlanjut".to_owned(),
                        false,
                    )
                } else {
                    match workflow::decide(app, &req).await {
                        Ok(_) => IngestOutcome::Dicatat {
                            instance_id: c.instans_id.clone(),
                            langkah: c.langkah.clone(),
                            orang: p.id.clone(),
                            keputusan: answer.code(),
                        },
                        Err(ServiceError::Refused(m)) => refuse(m, false),
                        Err(ServiceError::Invalid(m)) => refuse(m, true),
                        Err(e) => return Err(e),
                    }
                }
            }
        },
    };
    if let (IngestOutcome::Ditolak { alasan, .. }, Some(p)) = (&outcome, &sender) {
        // Only people in the directory are answered: a forged sender must not turn merit into
        // a source of backscatter.
        let key = format!(
            "balasan/{}",
            r.message_id
                .clone()
                .unwrap_or_else(|| crate::workflow::definition::version_of(
                    &String::from_utf8_lossy(raw)
                ))
        );
        app.store
            .enqueue(
                &key,
                code.as_ref().map(|c| c.instans_id.as_str()),
                "balasan_ditolak",
                Some(&p.id),
                &p.email,
                &json!({ "nama": p.nama, "perihal": r.subject, "alasan": alasan, "in_reply_to": r.message_id }),
                app.clock.now_ms(),
            )
            .await?;
    }
    if let IngestOutcome::Ditolak { alasan, .. } = &outcome {
        tracing::warn!(dari = %r.from, "balasan tidak diproses: {alasan}");
    }
    Ok(outcome)
}

/// Whether `person` is, today, the acting official for a role `holder` holds.
fn acting_for(app: &App, dir: &crate::workflow::Directory, person: &str, holder: &str) -> bool {
    let today = app
        .clock
        .now()
        .with_timezone(&app.settings.timezone)
        .date_naive();
    dir.person(holder).is_some_and(|h| {
        h.peran.iter().any(|role| {
            dir.capacity(person, role, today)
                .is_some_and(|c| c.starts_with("Plh."))
        })
    })
}
