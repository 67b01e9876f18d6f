//! Answers from the mailbox: a signed link (GET shows, POST decides) or a plain reply. Both
//! end in [`super::decide`] with their channel; anything unclear changes nothing.

use super::{self as workflow, DecideRequest};
use crate::service::{
    App, Invalid, Refusal, ServiceError,
    ground::links::{Verified, verified},
};
use crate::{
    domain::{About, Content, Queued, Recipient, ReplyApplied, ReplyRefused},
    notify::{
        compose::{option_name, summary},
        reply::{self, Verdict},
    },
    workflow::{
        Answer, Channel, CodeRow, HistoryEntry, HistoryKind, Refusal as WorkflowRefusal, Status,
        planner,
    },
};

/// What a link asks, for the confirm page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LinkView {
    /// Workflow title.
    pub judul: String,
    /// Step title.
    pub langkah: String,
    /// The approver's name.
    pub nama: String,
    /// In what capacity the approver is asked, role codes put as titles; empty when not a seat.
    pub kapasitas: String,
    /// What the link stands for, for people (e.g. `SETUJU`).
    pub jawaban: String,
    /// The form value of the answer.
    pub keputusan: String,
    /// Whether a comment is required (a return).
    pub perlu_komentar: bool,
    /// Summary of the subject.
    pub ringkasan: Vec<String>,
    /// The prompt's reference code, `MERIT-XXXXXX`.
    pub kode: String,
    /// Already answered this way (a repeated POST is a no-op).
    pub sudah_tercatat: bool,
    /// The answers already given on this instance, one line each.
    pub jawaban_sebelumnya: Vec<String>,
}

struct Resolved {
    code: CodeRow,
    answer: Answer,
    issued_ms: i64,
    view: LinkView,
}

/// Whether `answer` by the link's person on its step is in the history since `since_ms` (the
/// same answer through the same link again, after it moved the workflow on).
async fn recorded_since(
    app: &App,
    code: &CodeRow,
    answer: &Answer,
    since_ms: i64,
) -> Result<bool, ServiceError> {
    let history = app.store.history(&code.instans_id).await?;
    Ok(answered_since(&history, code, answer, since_ms))
}

/// [`recorded_since`] on a history already read.
fn answered_since(
    history: &[HistoryEntry],
    code: &CodeRow,
    answer: &Answer,
    since_ms: i64,
) -> bool {
    history
        .iter()
        .any(|h| h.answer_by(&code.langkah, &code.orang) == Some(answer) && h.waktu_ms >= since_ms)
}

async fn resolve(app: &App, raw: &str) -> Result<Resolved, ServiceError> {
    let Verified {
        token: t,
        code,
        row,
    } = verified(app, raw).await?;
    if row.state.status == Status::Dibatalkan {
        return Err(Refusal::StepDecided(Some(Status::Dibatalkan)).into());
    }
    let answer = Answer::from_link_code(&t.jawaban, &row.state.opsi).ok_or(Refusal::LinkUnknown)?;
    let st = &row.state;
    let seat = st.kursi.iter().find(|s| s.orang == code.orang);
    // The planner says whether the link's person may still answer; a refusal is fine only
    // when this very answer is the one on record (the link used again).
    let answerable = planner::answerable(st, &code.langkah, Some(code.kunjungan), &code.orang);
    // The history is read once: for a link used again, the capacity answered in and the
    // answers so far.
    let history = app.store.history(&code.instans_id).await?;
    let sudah_tercatat = match &answerable {
        Ok(()) => false,
        Err(WorkflowRefusal::AlreadyAnswered { keputusan, .. }) => *keputusan == answer.code(),
        Err(_) => answered_since(&history, &code, &answer, t.terbit_ms),
    };
    if answerable.is_err() && !sudah_tercatat {
        return Err(Refusal::StepDecided(Some(st.status)).into());
    }
    let (judul, judul_langkah) =
        crate::service::ground::workflows::titles(app, &row, &code.langkah).await?;
    // An unreadable subject leaves the summary out rather than the approver without a page.
    let subject = row
        .subjek
        .typed()
        .map_err(|e| tracing::warn!(instans = %row.id, "{e}"))
        .ok();
    let (dir, _) = crate::service::ground::workflows::directory(app).await?;
    let label = answer.words(|o| option_name(subject, o));
    let step_title = judul_langkah.unwrap_or_else(|| code.langkah.clone());
    let view = LinkView {
        judul,
        langkah: step_title,
        nama: dir
            .person(&code.orang)
            .map_or_else(|| code.orang.clone(), |p| p.nama.clone()),
        kapasitas: match seat {
            Some(s) => crate::workflow::directory::titled(&s.kapasitas),
            // The step has moved on (a link used again): the capacity the answer was given in.
            None => history
                .iter()
                .rev()
                .find(|h| h.answer_by(&code.langkah, &code.orang).is_some())
                .and_then(|h| h.kapasitas.as_deref())
                .map_or_else(
                    || "penyetuju tahap ini".to_owned(),
                    crate::workflow::directory::titled,
                ),
        },
        jawaban: label,
        keputusan: t.jawaban.clone(),
        perlu_komentar: matches!(answer, Answer::Kembalikan | Answer::Abstain),
        ringkasan: summary(subject, app.settings.timezone),
        kode: format!("MERIT-{}", t.kode),
        sudah_tercatat,
        jawaban_sebelumnya: crate::service::ground::workflows::answer_lines(
            app, &row, &dir, &history,
        )
        .await?,
    };
    Ok(Resolved {
        code,
        answer,
        issued_ms: t.terbit_ms,
        view,
    })
}

/// What a link asks (changes nothing).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn link_view(app: &App, raw: &str) -> Result<LinkView, ServiceError> {
    Ok(resolve(app, raw).await?.view)
}

/// Records the answer a link stands for; repeating the same answer is a no-op.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn link_answer(
    app: &App,
    raw: &str,
    keputusan: &str,
    komentar: Option<&str>,
) -> Result<LinkView, ServiceError> {
    let r = resolve(app, raw).await?;
    if keputusan != r.view.keputusan {
        return Err(Refusal::FormMismatch.into());
    }
    if r.view.sudah_tercatat {
        return Ok(r.view);
    }
    let req = DecideRequest {
        instance: r.code.instans_id.clone(),
        langkah: r.code.langkah.clone(),
        orang: r.code.orang.clone(),
        jawaban: r.answer.clone(),
        komentar: komentar.map(str::to_owned),
        saluran: Channel::Tautan,
        dicatat_oleh: None,
        kunjungan: Some(r.code.kunjungan),
    };
    let mut view = r.view;
    match workflow::decide(app, &req).await {
        Ok(_) => Ok(view),
        // A concurrent POST of the same answer won: that is success for this one too.
        Err(ServiceError::Refused(Refusal::Workflow(WorkflowRefusal::AlreadyAnswered {
            keputusan,
            ..
        }))) if keputusan == r.answer.code() => {
            view.sudah_tercatat = true;
            Ok(view)
        }
        Err(ServiceError::Refused(Refusal::Workflow(
            WorkflowRefusal::StepNotOpen { .. }
            | WorkflowRefusal::Finished(_)
            | WorkflowRefusal::Superseded(_),
        ))) if recorded_since(app, &r.code, &r.answer, r.issued_ms).await? => {
            view.sudah_tercatat = true;
            Ok(view)
        }
        Err(ServiceError::Refused(Refusal::Workflow(WorkflowRefusal::Finished(s)))) => {
            Err(Refusal::StepDecided(Status::parse(s)).into())
        }
        Err(ServiceError::Refused(Refusal::Workflow(
            WorkflowRefusal::StepNotOpen { .. }
            | WorkflowRefusal::Superseded(_)
            | WorkflowRefusal::AlreadyAnswered { .. },
        ))) => Err(Refusal::StepDecided(None).into()),
        Err(e) => Err(e),
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
        /// The step answered, by its id in the workflow definition.
        langkah: String,
        /// Who answered, by their id in the directory.
        orang: String,
        /// The answer's code: `setuju`, `tolak`, `kembalikan` or `pilih:OPTION`.
        keputusan: String,
    },
    /// An auto-reply: ignored, no reply sent.
    Diabaikan {
        /// Why it was ignored: `balasan otomatis` (an auto-reply).
        alasan: String,
    },
    /// Not applied; the sender was told why (when known).
    Ditolak {
        /// Why it was not applied, in Bahasa Indonesia (`alasan` = reason).
        alasan: String,
        /// Exit 3 (unreadable, unclear) or 4 (refused by state or sender).
        tidak_terbaca: bool,
    },
}

/// How to answer a prompt by reply, for the explanation sent back.
fn how_to_answer(options: &[String]) -> String {
    if options.is_empty() {
        "tulis pada baris pertama salah satu kata SETUJU, TOLAK, atau KEMBALIKAN, boleh diikuti komentar; pengembalian wajib disertai alasan".to_owned()
    } else {
        let list: Vec<String> = options
            .iter()
            .enumerate()
            .map(|(i, o)| format!("PILIH {} untuk {o}", i + 1))
            .collect();
        format!(
            "tulis pada baris pertama salah satu dari: {}; atau TOLAK, atau KEMBALIKAN disertai alasan",
            list.join("; ")
        )
    }
}

/// The prompt a reply answers: a reference code in it, else the message it replies to (a
/// prompt, reminder, escalation or explanation all name the prompt's code).
async fn prompt_of(app: &App, r: &reply::Reply) -> Result<Option<(String, CodeRow)>, ServiceError> {
    for c in &r.codes {
        if let Some(row) = app.store.code(c).await? {
            return Ok(Some((c.clone(), row)));
        }
    }
    for id in &r.refs {
        if let Some(k) = app.store.reference_code_of_sent(id).await?
            && let Some(row) = app.store.code(&k).await?
        {
            return Ok(Some((k, row)));
        }
    }
    Ok(None)
}

/// Applies one emailed reply.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn ingest(app: &App, raw: &[u8]) -> Result<IngestOutcome, ServiceError> {
    let Some(r) = reply::parse(raw) else {
        return Err(Invalid::NotAMessage.into());
    };
    if r.auto {
        tracing::info!(dari = %r.from, "balasan otomatis diabaikan");
        return Ok(IngestOutcome::Diabaikan {
            alasan: "balasan otomatis".to_owned(),
        });
    }
    if app.settings.reply_auth_required
        && r.authentication(app.settings.reply_auth_server.as_deref())
            .failed()
    {
        // The receiving server says the sender is forged: no answer, and no reply either (it
        // would go to the person whose address was forged).
        tracing::warn!(dari = %r.from, "balasan ditolak: Authentication-Results menyatakan pengirim tidak lolos DKIM/SPF/DMARC");
        return Ok(IngestOutcome::Ditolak {
            alasan: "server surat penerima menyatakan pengirim tidak lolos pemeriksaan keaslian (DKIM dan SPF, atau DMARC)".to_owned(),
            tidak_terbaca: false,
        });
    }
    let (dir, _) = crate::service::ground::workflows::directory(app).await?;
    let sender = dir.by_email(&r.from).cloned();
    let found = prompt_of(app, &r).await?;
    let kode = found.as_ref().map(|(k, _)| k.clone());
    let code = found.map(|(_, c)| c);
    let row = match &code {
        Some(c) => app.store.instance(&c.instans_id).await?,
        None => None,
    };
    // The options the prompt numbered (PILIH n); an answer to an earlier visit is refused by
    // the workflow as superseded.
    let opsi: &[String] = row.as_ref().map_or(&[], |row| &row.state.opsi);
    let outcome = match (&code, &sender) {
        (None, _) => refuse(
            "kode rujukan [MERIT-…] tidak ditemukan pada subjek, isi, maupun rujukan balasan",
            true,
        ),
        (Some(_), None) => refuse(
            format!(
                "pengirim {} tidak terdaftar sebagai penyetuju",
                shown_sender(&r)
            ),
            false,
        ),
        (Some(c), Some(p)) if p.id != c.orang && !acting_for(app, &dir, &p.id, &c.orang) => refuse(
            format!(
                "permintaan ini ditujukan kepada {}; {} tidak tercatat sebagai pelaksana tugas (Plt./Plh.) baginya sehingga tidak dapat menjawab permintaan ini",
                dir.person(&c.orang)
                    .map_or_else(|| "penyetuju lain".to_owned(), |a| a.nama.clone()),
                p.nama
            ),
            false,
        ),
        (Some(c), Some(p)) => match answer_of(&r, opsi) {
            Err(refused) => refused,
            Ok(answer) => record(app, &r, c, &p.id, answer).await?,
        },
    };
    if let (IngestOutcome::Dicatat { .. }, Some(p), Some(c), Some(row)) =
        (&outcome, &sender, &code, &row)
    {
        // The answer stands whatever happens to its acknowledgement: a failure here must not
        // make the mail server deliver the reply again.
        if let Err(e) = acknowledge(app, &r, c, row, p, &outcome).await {
            tracing::error!(instans = %c.instans_id, "tanda terima balasan tidak terkirim: {e}");
        }
    }
    if let (IngestOutcome::Ditolak { alasan, .. }, Some(c)) = (&outcome, &code) {
        // On the timeline too, so the officer sees who wrote and why nothing changed.
        let who = sender
            .as_ref()
            .map_or_else(|| shown_sender(&r), |p| p.nama.clone());
        workflow::note(
            app,
            &c.instans_id,
            HistoryKind::BalasanDitolak,
            sender.as_ref().map(|p| p.id.clone()),
            Some(Channel::Balasan.as_str().to_owned()),
            format!(
                "balasan surel dari {who} tidak diproses: {}",
                crate::domain::redact_identifiers(&crate::domain::strip_controls(alasan)).0
            ),
        )
        .await;
    }
    if let IngestOutcome::Ditolak { alasan, .. } = &outcome {
        tracing::warn!(dari = %r.from, "balasan tidak diproses: {}", crate::domain::redact_identifiers(alasan).0);
        if let Some(p) = &sender {
            // Only people in the directory are answered: a forged sender must not turn merit
            // into a source of backscatter.
            // How to answer, with the options of the current visit only.
            let current = row.as_ref().filter(|row| {
                code.as_ref()
                    .is_some_and(|c| c.kunjungan == row.state.kunjungan)
            });
            let names = option_names(current, current.map_or(&[], |row| &row.state.opsi));
            tell_sender(
                app,
                &r,
                raw,
                kode.as_deref(),
                code.as_ref(),
                p,
                alasan,
                &names,
            )
            .await?;
        }
    }
    Ok(outcome)
}

/// An outside sender's address as merit repeats it (on the timeline, in a refusal): without
/// control characters and at most 120 characters, whatever the header held.
fn shown_sender(r: &reply::Reply) -> String {
    crate::domain::strip_controls(&r.from)
        .chars()
        .take(120)
        .collect()
}

fn refuse(alasan: impl Into<String>, unreadable: bool) -> IngestOutcome {
    IngestOutcome::Ditolak {
        alasan: alasan.into(),
        tidak_terbaca: unreadable,
    }
}

/// The options as people read them (names, NIPs masked).
fn option_names(row: Option<&crate::workflow::InstanceRow>, opsi: &[String]) -> Vec<String> {
    let subject = row.and_then(|row| row.subjek.typed().ok());
    opsi.iter().map(|o| option_name(subject, o)).collect()
}

/// The answer a reply's first line gives, or why it gives none.
fn answer_of(r: &reply::Reply, opsi: &[String]) -> Result<Answer, IngestOutcome> {
    let first_line = || crate::domain::strip_controls(r.first_line.as_deref().unwrap_or("kosong"));
    if r.ambiguous {
        return Err(refuse(
            format!(
                "baris pertama balasan (\"{}\") memuat lebih dari satu jawaban; tulis satu jawaban saja",
                first_line()
            ),
            true,
        ));
    }
    match &r.verdict {
        None => Err(refuse(
            format!(
                "baris pertama balasan (\"{}\") bukan jawaban yang dikenal",
                first_line()
            ),
            true,
        )),
        Some(Verdict::Kembalikan) if r.comment.is_none() => Err(refuse(
            "pengembalian wajib disertai alasan setelah kata KEMBALIKAN",
            true,
        )),
        Some(Verdict::Abstain) if r.comment.is_none() => Err(refuse(
            "abstain wajib disertai alasan setelah kata ABSTAIN, misalnya benturan kepentingan",
            true,
        )),
        Some(Verdict::Abstain) => Ok(Answer::Abstain),
        Some(Verdict::Setuju) => Ok(Answer::Setuju),
        Some(Verdict::Tolak) => Ok(Answer::Tolak),
        Some(Verdict::Kembalikan) => Ok(Answer::Kembalikan),
        Some(Verdict::Pilih(n)) => match opsi.get(n.wrapping_sub(1)) {
            Some(o) => Ok(Answer::Pilih(o.clone())),
            None if opsi.is_empty() => Err(refuse("langkah ini tidak meminta pilihan", true)),
            None => Err(refuse(
                format!(
                    "pilihan nomor {n} tidak ada; daftar berisi {} pilihan",
                    opsi.len()
                ),
                true,
            )),
        },
    }
}

/// Records a reply's answer; a refusal by the workflow is told back rather than raised.
async fn record(
    app: &App,
    r: &reply::Reply,
    c: &CodeRow,
    orang: &str,
    answer: Answer,
) -> Result<IngestOutcome, ServiceError> {
    let req = DecideRequest {
        instance: c.instans_id.clone(),
        langkah: c.langkah.clone(),
        orang: orang.to_owned(),
        jawaban: answer.clone(),
        komentar: r.comment.clone(),
        saluran: Channel::Balasan,
        dicatat_oleh: None,
        kunjungan: Some(c.kunjungan),
    };
    match workflow::decide(app, &req).await {
        Ok(_) => Ok(IngestOutcome::Dicatat {
            instance_id: c.instans_id.clone(),
            langkah: c.langkah.clone(),
            orang: orang.to_owned(),
            keputusan: answer.code(),
        }),
        Err(
            e @ (ServiceError::Refused(_) | ServiceError::Invalid(_) | ServiceError::NotFound(_)),
        ) => Ok(refuse(e.to_string(), e.is_input())),
        Err(e) => Err(e),
    }
}

/// Tells the sender of an applied reply that it was recorded (console.md 5).
async fn acknowledge(
    app: &App,
    r: &reply::Reply,
    c: &CodeRow,
    row: &crate::workflow::InstanceRow,
    p: &crate::workflow::directory::Person,
    recorded: &IngestOutcome,
) -> Result<(), ServiceError> {
    let IngestOutcome::Dicatat { keputusan, .. } = recorded else {
        return Ok(());
    };
    let keputusan = Answer::parse(keputusan)
        .ok_or_else(|| ServiceError::internal(format!("jawaban '{keputusan}' tidak dikenal")))?;
    let (judul, judul_langkah) =
        crate::service::ground::workflows::titles(app, row, &c.langkah).await?;
    let key = format!(
        "tercatat/{}",
        r.message_id
            .clone()
            .unwrap_or_else(|| format!("{}/{}/{}", c.instans_id, c.langkah, c.kunjungan))
    );
    let message = Queued {
        kunci: key,
        recipient: Recipient::email(Some(&p.id), Some(&p.nama), &p.email),
        content: Content::JawabanTercatat(ReplyApplied {
            about: About {
                instans_id: c.instans_id.clone(),
                workflow: row.workflow.clone(),
                judul_workflow: judul,
                langkah: Some(c.langkah.clone()),
                judul_langkah,
                kunjungan: c.kunjungan,
            },
            keputusan,
            perihal: crate::domain::strip_controls(&r.subject),
            in_reply_to: r.message_id.clone(),
        }),
    };
    app.store
        .enqueue(Some(&c.instans_id), &message, app.clock.now_ms())
        .await?;
    Ok(())
}

/// Answers the sender of a reply that was not applied: why, and how to answer.
#[allow(clippy::too_many_arguments)]
async fn tell_sender(
    app: &App,
    r: &reply::Reply,
    raw: &[u8],
    kode: Option<&str>,
    code: Option<&CodeRow>,
    p: &crate::workflow::directory::Person,
    alasan: &str,
    options: &[String],
) -> Result<(), ServiceError> {
    let key = format!(
        "balasan/{}",
        r.message_id.clone().unwrap_or_else(|| {
            crate::workflow::definition::version_of(&String::from_utf8_lossy(raw))
        })
    );
    let perihal = match kode {
        Some(k) if !r.subject.to_uppercase().contains(&format!("MERIT-{k}")) => {
            format!("[MERIT-{k}] {}", crate::domain::strip_controls(&r.subject))
        }
        _ => crate::domain::strip_controls(&r.subject),
    };
    let answer = Queued {
        kunci: key,
        recipient: Recipient::email(Some(&p.id), Some(&p.nama), &p.email),
        content: Content::BalasanDitolak(ReplyRefused {
            perihal,
            alasan: crate::domain::redact_identifiers(alasan).0,
            cara_menjawab: how_to_answer(options),
            kode: kode.map(str::to_owned),
            in_reply_to: r.message_id.clone(),
        }),
    };
    app.store
        .enqueue(
            code.map(|c| c.instans_id.as_str()),
            &answer,
            app.clock.now_ms(),
        )
        .await?;
    Ok(())
}

/// Whether `person` is, today, the acting official for a role `holder` holds. Whether the step
/// lets an acting official answer is the planner's to decide.
fn acting_for(app: &App, dir: &crate::workflow::Directory, person: &str, holder: &str) -> bool {
    let today = app
        .clock
        .now()
        .with_timezone(&app.settings.timezone)
        .date_naive();
    dir.acts_for(person, holder, today)
}
