//! Objections (sanggah, candidates.md 3): filed by a candidate with the sealed token of their
//! status page while the window is open, reviewed through the shipped `sanggah` workflow, and,
//! when upheld, settled by screening that candidate alone and placing them against the slots
//! still free; the candidate is told on their contact either way.

use futures_util::future::BoxFuture;
use sha2::Digest;

use crate::{
    domain::{
        Action, Content, Nik, ObjectionSubject, PublicNotice, Queued, Recipient, Subject,
        format_datetime_id,
    },
    placement::Applicant,
    service::{
        App, Invalid, Refusal, ServiceError, Sought,
        ground::audit::{Actor, stamp},
    },
    store::announcements::{
        AnnouncedRow, NewObjection, ObjectionFile, ObjectionRefused, ObjectionRow,
    },
    workflow::{Answer, Decided},
};

/// The workflow every objection starts.
pub const OBJECTION_WORKFLOW: &str = "sanggah";
/// The step whose answer says upheld (SETUJU / DITERIMA) or dismissed (TOLAK / DITOLAK).
pub const REVIEW_STEP: &str = "telaah";
/// Longest reason, in characters.
pub const MAX_REASON: usize = 2_000;
/// Files per objection.
pub const MAX_FILES: usize = 3;
/// Largest file, in bytes.
pub const MAX_FILE: usize = 2 * 1024 * 1024;

/// What a candidate sends.
#[derive(Debug, Clone, Default)]
pub struct ObjectionForm {
    /// The sealed token of the status page.
    pub token: String,
    /// Why the candidate objects.
    pub alasan: String,
    /// Where to send the answer.
    pub email: Option<String>,
    /// A phone number for WhatsApp or SMS.
    pub no_hp: Option<String>,
    /// The files' contents (empty parts already left out).
    pub berkas: Vec<Vec<u8>>,
    /// The client address.
    pub dari: String,
}

/// A status as people read it.
pub fn status_label(status: &str) -> &'static str {
    match status {
        "diajukan" => "sedang diproses",
        "diterima" => "diterima",
        "ditolak" => "ditolak",
        _ => "tidak dikenal",
    }
}

/// A file's kind by its first bytes: PDF, JPEG or PNG, nothing else.
pub fn file_kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else {
        None
    }
}

fn bad(field: &str, problem: impl Into<String>) -> ServiceError {
    Invalid::Value {
        field: field.to_owned(),
        problem: problem.into(),
    }
    .into()
}

fn checked_email(raw: Option<&str>) -> Result<Option<String>, ServiceError> {
    let Some(e) = raw.map(str::trim).filter(|e| !e.is_empty()) else {
        return Ok(None);
    };
    let ok = e.len() <= 254
        && !e.chars().any(char::is_whitespace)
        && e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if ok {
        Ok(Some(e.to_lowercase()))
    } else {
        Err(bad(
            "email",
            "alamat surel tidak sah, misalnya nama@contoh.com",
        ))
    }
}

fn checked_phone(raw: Option<&str>) -> Result<Option<String>, ServiceError> {
    let Some(p) = raw.map(str::trim).filter(|p| !p.is_empty()) else {
        return Ok(None);
    };
    let digits: String = p.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let body = digits.strip_prefix('+').unwrap_or(&digits);
    if (9..=15).contains(&body.len()) && body.bytes().all(|b| b.is_ascii_digit()) {
        Ok(Some(digits))
    } else {
        Err(bad(
            "no_hp",
            "nomor HP tidak sah: tulis 9 sampai 15 angka, misalnya 081234567890 atau +6281234567890",
        ))
    }
}

/// The outcome of a row in words.
pub fn outcome_words(row: &AnnouncedRow) -> String {
    let unit = if row.nama_unit.is_empty() {
        row.unit_kerja.clone()
    } else {
        row.nama_unit.clone()
    };
    if row.diusulkan {
        format!(
            "diusulkan sebagai {} pada {}",
            row.jabatan.as_deref().unwrap_or("-"),
            unit
        )
    } else {
        format!(
            "tidak diusulkan — {}",
            super::group_label(row.kelompok.as_deref().unwrap_or("LAINNYA"))
        )
    }
}

/// Files an objection: checked, stored with its files and audit entry, its review started,
/// the receipt sent to the candidate's e-mail. Returns the receipt number.
pub async fn submit(app: &App, form: &ObjectionForm) -> Result<String, ServiceError> {
    let Some((nomor, nik)) = super::status::token_holder(app, &form.token).await? else {
        return Err(bad(
            "token",
            "formulir sanggah ini sudah kedaluwarsa (berlaku 15 menit) atau tidak sah; periksa kembali hasil Anda melalui halaman Layanan, lalu isi formulir sanggah lagi",
        ));
    };
    let a = super::announcement::get(app, nomor).await?;
    let now = app.clock.now();
    let tz = app.settings.timezone;
    if !a.open_at(now.timestamp_millis()) {
        return Err(Refusal::ObjectionClosed(format!(
            "masa sanggah pengumuman nomor {} berlaku {} sampai {}; sanggah tidak dapat diajukan di luar masa itu",
            a.nomor,
            format_datetime_id(crate::clock::from_ms(a.mulai_ms), tz),
            format_datetime_id(crate::clock::from_ms(a.ditutup_ms.unwrap_or(a.tutup_ms).min(a.tutup_ms)), tz),
        ))
        .into());
    }
    // Browsers send a textarea's line breaks as CRLF: count them as the person typed them.
    let alasan = form.alasan.replace("\r\n", "\n");
    let alasan = alasan.trim();
    if alasan.is_empty() {
        return Err(bad("alasan", "tuliskan alasan sanggah Anda"));
    }
    if alasan.chars().count() > MAX_REASON {
        return Err(bad("alasan", "alasan sanggah paling banyak 2.000 karakter"));
    }
    let email = checked_email(form.email.as_deref())?;
    let no_hp = checked_phone(form.no_hp.as_deref())?;
    if email.is_none() && no_hp.is_none() {
        return Err(bad(
            "kontak",
            "isi alamat surel atau nomor HP agar jawaban sanggah dapat dikirim kepada Anda",
        ));
    }
    if form.berkas.len() > MAX_FILES {
        return Err(bad(
            "berkas",
            format!("paling banyak {MAX_FILES} berkas dapat dilampirkan"),
        ));
    }
    let mut berkas = Vec::with_capacity(form.berkas.len());
    for (i, bytes) in form.berkas.iter().enumerate() {
        if bytes.len() > MAX_FILE {
            return Err(bad(
                "berkas",
                format!("berkas ke-{} lebih besar dari 2 MB", i + 1),
            ));
        }
        let Some(kind) = file_kind(bytes) else {
            return Err(bad(
                "berkas",
                format!("berkas ke-{} bukan PDF, JPEG, atau PNG", i + 1),
            ));
        };
        let sha = hex::encode(sha2::Sha256::digest(bytes));
        berkas.push((kind, bytes.clone(), sha));
    }
    let row = app
        .store
        .announced(nomor, &nik)
        .await?
        .ok_or_else(|| ServiceError::not_found(Sought::Candidate, "(dari token)"))?;
    let parsed = Nik::parse(&nik).map_err(|e| ServiceError::failed("NIK token", e))?;
    let actor = Actor::account("layanan", &form.dari);
    let entry = stamp(app, &actor, Action::Sanggah, "sanggah", &parsed.masked()).await?;
    let filed = app
        .store
        .add_objection(
            &NewObjection {
                pengumuman: nomor,
                nik: &nik,
                alasan,
                email: email.as_deref(),
                no_hp: no_hp.as_deref(),
                tahun: chrono::Datelike::year(&now.with_timezone(&tz)),
                dibuat_ms: now.timestamp_millis(),
                berkas: &berkas,
            },
            &|n| entry.about(&format!("sanggah:{n}")),
        )
        .await?;
    let receipt = match filed {
        Ok(n) => n,
        Err(ObjectionRefused::AlreadyOpen(n)) => return Err(Refusal::ObjectionOpen(n).into()),
    };
    let subject = match subject_of(
        app,
        &receipt,
        &row,
        alasan,
        berkas.len(),
        now.timestamp_millis(),
    )
    .await
    {
        Subject::Sanggah(mut s) => {
            s.pengumuman = nomor;
            Subject::Sanggah(s)
        }
        other => other,
    };
    // The objection is recorded and audited: from here the candidate gets the receipt whatever
    // happens; a review that cannot start shows in `merit objection list` ("telaah belum
    // dimulai") and is told to ADMIN.
    let started = match start_review(app, &receipt, &subject, &actor).await {
        Ok(instance) => app
            .store
            .set_objection_instance(&receipt, &instance)
            .await
            .map_err(ServiceError::from),
        Err(e) => Err(e),
    };
    if let Err(e) = started {
        tracing::error!(sanggah = %receipt, "telaah sanggah tidak dapat dimulai: {e}");
        admin_notice(
            app,
            &receipt,
            &format!("Telaah sanggah {receipt} tidak dapat dimulai: {e}. Periksa alur sanggah dan direktori (peran VERIFIKATOR_BKPSDM)."),
        )
        .await;
    }
    if let Err(e) = tell(
        app,
        &receipt,
        "tanda-terima",
        email.as_deref(),
        &row.nama,
        PublicNotice {
            perihal: format!("Tanda terima sanggah nomor {receipt}"),
            paragraf: vec![
                format!(
                    "Sanggah Anda atas pengumuman nomor {} telah tercatat pada {} dengan nomor tanda terima {receipt}.",
                    a.nomor,
                    format_datetime_id(now, tz)
                ),
                "Sanggah akan ditelaah oleh verifikator BKPSDM dan diputuskan oleh Kepala BKPSDM. Jawabannya dikirim ke alamat surel ini; Anda juga dapat memeriksanya melalui halaman Cek hasil & sanggah.".to_owned(),
            ],
        },
    )
    .await
    {
        tracing::error!(sanggah = %receipt, "tanda terima sanggah tidak dapat dikirim: {e}");
    }
    Ok(receipt)
}

/// Tells ADMIN about an objection that needs a hand; a failure to queue is only logged.
async fn admin_notice(app: &App, receipt: &str, text: &str) {
    let content = Content::Admin(crate::domain::Notice {
        pesan: text.to_owned(),
    });
    if let Err(e) = crate::service::ground::notices::tell_admins(
        app,
        None,
        &format!("sanggah:{receipt}:admin"),
        content,
    )
    .await
    {
        tracing::error!(sanggah = %receipt, "pemberitahuan ADMIN gagal: {e}");
    }
}

/// What the review of objection `receipt` is about: the candidate as announced (NIK masked), the
/// rules that did not pass, the reason and how many files (the announcement's number is the
/// caller's to set).
async fn subject_of(
    app: &App,
    receipt: &str,
    row: &AnnouncedRow,
    alasan: &str,
    berkas: usize,
    dibuat_ms: i64,
) -> Subject {
    let nik = Nik::parse(&row.nik).ok();
    let rules = match &nik {
        Some(n) => rule_lines(app, n, &row.run_id).await.unwrap_or_default(),
        None => Vec::new(),
    };
    Subject::Sanggah(ObjectionSubject {
        nomor: receipt.to_owned(),
        pengumuman: 0,
        nama: row.nama.clone(),
        nik: nik.map_or_else(|| "-".to_owned(), |n| n.masked()),
        unit: if row.nama_unit.is_empty() {
            row.unit_kerja.clone()
        } else {
            format!("{} ({})", row.nama_unit, row.unit_kerja)
        },
        hasil_diumumkan: outcome_words(row),
        aturan: rules,
        alasan: alasan.to_owned(),
        berkas,
        dibuat_ms,
    })
}

/// Starts the review of objection `nomor` again, when it could not start or was cancelled
/// (`merit objection review`): refused while a review runs or once the objection is decided.
pub async fn review(app: &App, nomor: &str, actor: &Actor) -> Result<String, ServiceError> {
    let o = show(app, nomor).await?.row;
    if o.status != "diajukan" {
        return Err(bad(
            "nomor",
            format!(
                "sanggah {nomor} sudah diputuskan ({}); tidak ditelaah lagi",
                status_label(&o.status)
            ),
        ));
    }
    if let Some(id) = &o.instance_id
        && let Some(i) = app.store.instance(id).await?
        && i.state.status == crate::workflow::Status::Berjalan
    {
        return Err(bad(
            "nomor",
            format!("sanggah {nomor} masih ditelaah dalam alur {id}"),
        ));
    }
    let row = app
        .store
        .announced(o.pengumuman, &o.nik)
        .await?
        .ok_or_else(|| ServiceError::not_found(Sought::Candidate, "(sanggah)"))?;
    let files = app.store.objection_files(nomor).await?.len();
    let subject = match subject_of(app, nomor, &row, &o.alasan, files, o.dibuat_ms).await {
        Subject::Sanggah(mut s) => {
            s.pengumuman = o.pengumuman;
            Subject::Sanggah(s)
        }
        other => other,
    };
    let instance = start_review(app, nomor, &subject, actor).await?;
    app.store.set_objection_instance(nomor, &instance).await?;
    Ok(instance)
}

/// The rules that did not pass in run `run_id`, in words.
async fn rule_lines(app: &App, nik: &Nik, run_id: &str) -> Result<Vec<String>, ServiceError> {
    let e = crate::service::rules::explain_in_run(app, nik, run_id).await?;
    Ok(e.aturan
        .iter()
        .filter(|r| r.hasil != "lolos")
        .map(|r| {
            format!(
                "{} {} — {}: {}",
                r.id,
                r.judul,
                r.hasil,
                crate::domain::redact_identifiers(r.alasan.as_deref().unwrap_or_default()).0
            )
        })
        .collect())
}

async fn start_review(
    app: &App,
    receipt: &str,
    subject: &Subject,
    actor: &Actor,
) -> Result<String, ServiceError> {
    let value =
        serde_json::to_value(subject).map_err(|e| ServiceError::unexpected("subjek sanggah", e))?;
    let entry = stamp(
        app,
        actor,
        Action::AlurMulai,
        receipt,
        "telaah sanggah dimulai",
    )
    .await?;
    crate::service::workflow::start_with_subject(app, OBJECTION_WORKFLOW, value, actor, &|inst| {
        entry.about(inst)
    })
    .await
}

/// Queues a message to the candidate's e-mail, once per objection and purpose.
async fn tell(
    app: &App,
    receipt: &str,
    purpose: &str,
    email: Option<&str>,
    nama: &str,
    notice: PublicNotice,
) -> Result<(), ServiceError> {
    let Some(email) = email else {
        return Ok(());
    };
    crate::service::outbox::queue(
        app,
        &Queued {
            kunci: format!("sanggah:{receipt}:{purpose}"),
            recipient: Recipient::email(None, Some(nama), email),
            content: Content::Layanan(notice),
        },
    )
    .await
}

/// The hook told when a workflow instance ends: settles the objection it reviewed.
pub fn settle<'a>(
    app: &'a App,
    instance: &'a str,
    approved: bool,
    actor: &'a Actor,
) -> BoxFuture<'a, Result<(), ServiceError>> {
    Box::pin(async move {
        let Some(o) = app.store.objection_of_instance(instance).await? else {
            return Ok(());
        };
        if o.status != "diajukan" {
            return Ok(());
        }
        // A cancelled review decides nothing: the objection stays open for a new review.
        if let Some(row) = app.store.instance(instance).await?
            && row.state.status == crate::workflow::Status::Dibatalkan
        {
            tracing::warn!(sanggah = %o.nomor, "telaah sanggah dibatalkan; sanggah tetap terbuka");
            return Ok(());
        }
        let history = app.store.history(instance).await?;
        let review = history.iter().rev().find(|h| {
            h.langkah.as_deref() == Some(REVIEW_STEP)
                && matches!(
                    &h.keputusan,
                    Some(Decided::Answer(Answer::Setuju | Answer::Tolak))
                )
        });
        let upheld = approved
            && review.is_some_and(|h| h.keputusan == Some(Decided::Answer(Answer::Setuju)));
        let words = review
            .and_then(|h| h.komentar.clone())
            .filter(|c| !c.trim().is_empty())
            .unwrap_or_else(|| {
                if upheld {
                    "sanggah diterima".to_owned()
                } else {
                    "sanggah tidak dapat diterima".to_owned()
                }
            });
        let words = crate::domain::redact_identifiers(&words)
            .0
            .trim_end_matches(['.', ' '])
            .to_owned();
        let now = app.clock.now_ms();
        let tz = app.settings.timezone;
        let new_row = if upheld {
            match new_outcome(app, o.pengumuman, &o.nik).await {
                Ok(row) => Some(row),
                Err(e) => {
                    tracing::error!(sanggah = %o.nomor, "hasil baru setelah sanggah tidak dapat dihitung: {e}");
                    admin_notice(
                        app,
                        &o.nomor,
                        &format!(
                            "Sanggah {} diterima, tetapi hasil baru calon tidak dapat dihitung: {e}. Saring ulang calon itu (merit screen --nik) dan perbarui hasilnya secara manual.",
                            o.nomor
                        ),
                    )
                    .await;
                    None
                }
            }
        } else {
            None
        };
        // The entry's details (the outcome as written) are filled in inside the transaction.
        let entry = stamp(
            app,
            actor,
            Action::SanggahSelesai,
            &format!("sanggah:{}", o.nomor),
            if upheld { "diterima" } else { "ditolak" },
        )
        .await?;
        let Some(note) = app
            .store
            .end_objection(
                &o.nomor,
                (if upheld { "diterima" } else { "ditolak" }, &words),
                new_row.as_ref(),
                &outcome_words,
                now,
                &entry,
            )
            .await?
        else {
            return Ok(());
        };
        let nama = app
            .store
            .announced(o.pengumuman, &o.nik)
            .await?
            .map(|r| r.nama)
            .unwrap_or_default();
        let mut paragraf = vec![if upheld {
            format!(
                "Sanggah Anda nomor {} DITERIMA. Keterangan: {words}.",
                o.nomor
            )
        } else {
            format!(
                "Sanggah Anda nomor {} DITOLAK dengan alasan: {words}.",
                o.nomor
            )
        }];
        match (&note, upheld) {
            (Some(w), _) => paragraf.push(format!(
                "Hasil Anda pada pengumuman nomor {} diperbarui setelah sanggah pada {}: {w}.",
                o.pengumuman,
                format_datetime_id(crate::clock::from_ms(now), tz)
            )),
            (None, true) => paragraf.push("Hasil baru Anda sedang dihitung ulang oleh BKPSDM dan akan tampil pada halaman Layanan.".to_owned()),
            (None, false) => paragraf.push(format!(
                "Hasil Anda pada pengumuman nomor {} tidak berubah.",
                o.pengumuman
            )),
        }
        tell(
            app,
            &o.nomor,
            "jawaban",
            o.email.as_deref(),
            &nama,
            PublicNotice {
                perihal: format!("Jawaban sanggah nomor {}", o.nomor),
                paragraf,
            },
        )
        .await
    })
}

/// An upheld objection's new outcome (not yet recorded): the candidate screened alone on their (corrected) data
/// and manual findings, then, when eligible and not proposed yet, placed against the slots the
/// announcement leaves free.
pub async fn new_outcome(
    app: &App,
    pengumuman: i32,
    nik: &str,
) -> Result<AnnouncedRow, ServiceError> {
    let nik = Nik::parse(nik).map_err(|e| ServiceError::failed("NIK sanggah", e))?;
    let before = app
        .store
        .announced(pengumuman, nik.as_str())
        .await?
        .ok_or_else(|| ServiceError::not_found(Sought::Candidate, nik.masked()))?;
    let report = crate::service::screening::screen_one(app, &nik, &Actor::system()).await?;
    let decision = app
        .store
        .decision(&report.run_id, &nik)
        .await?
        .ok_or_else(|| ServiceError::not_found(Sought::Decision, nik.masked()))?;
    let candidate = app
        .store
        .candidate(&nik)
        .await?
        .ok_or_else(|| ServiceError::not_found(Sought::Candidate, nik.masked()))?;
    let mut row = AnnouncedRow {
        run_id: report.run_id.clone(),
        ..before.clone()
    };
    use crate::domain::Hasil;
    match decision.hasil {
        Hasil::Layak if before.diusulkan => {}
        Hasil::Layak => {
            let formations = app.store.formations().await?;
            let used: std::collections::HashMap<String, u64> = app
                .store
                .announced_per_formation(pengumuman)
                .await?
                .into_iter()
                .collect();
            let free: Vec<_> = formations
                .into_iter()
                .filter_map(|mut f| {
                    let taken = used.get(&f.kode_formasi).copied().unwrap_or(0);
                    let left = u64::from(f.jumlah).saturating_sub(taken);
                    (left > 0).then(|| {
                        f.jumlah = u32::try_from(left).unwrap_or(u32::MAX);
                        f
                    })
                })
                .collect();
            let placed = crate::placement::place(
                vec![Applicant {
                    nik,
                    prioritas: decision.prioritas,
                    tanggal_lahir: candidate.tanggal_lahir,
                    unit_kerja: candidate.unit_kerja.clone(),
                    kategori_jabatan: candidate.kategori_jabatan,
                    pendidikan: candidate.pendidikan,
                    jurusan: candidate.jurusan.clone(),
                }],
                &free,
            );
            match placed.first().and_then(|p| {
                Some((
                    p.kode_formasi.clone()?,
                    p.unit_kerja.clone()?,
                    p.jabatan.clone()?,
                ))
            }) {
                Some((kode, unit, jabatan)) => {
                    row.nama_unit = free
                        .iter()
                        .find(|f| f.kode_formasi == kode)
                        .and_then(|f| f.nama_unit.clone())
                        .unwrap_or_default();
                    row.unit_kerja = unit;
                    row.diusulkan = true;
                    row.kode_formasi = Some(kode);
                    row.jabatan = Some(jabatan);
                    row.kelompok = None;
                }
                None => {
                    row.diusulkan = false;
                    row.kode_formasi = None;
                    row.jabatan = None;
                    row.kelompok = Some("TIDAK_ADA_KEBUTUHAN".to_owned());
                }
            }
        }
        other => {
            row.diusulkan = false;
            row.kode_formasi = None;
            row.jabatan = None;
            // Not eligible: listed under the unit it was announced under.
            row.kelompok = Some(
                if other == Hasil::TidakLayak {
                    "TMS"
                } else {
                    "LAINNYA"
                }
                .to_owned(),
            );
        }
    }
    Ok(row)
}

/// An objection as officers see it.
#[derive(Debug, Clone)]
pub struct ObjectionView {
    /// The objection.
    pub row: ObjectionRow,
    /// Its files (without content).
    pub files: Vec<ObjectionFile>,
    /// The candidate's name as announced.
    pub nama: String,
    /// Whether its open step is past its deadline.
    pub terlambat: bool,
}

/// Objections, newest first, optionally of one status (`diajukan`, `diterima`, `ditolak`).
pub async fn list(app: &App, status: Option<&str>) -> Result<Vec<ObjectionRow>, ServiceError> {
    if let Some(s) = status
        && !matches!(s, "diajukan" | "diterima" | "ditolak")
    {
        return Err(bad("--status", "pilih diajukan, diterima, atau ditolak"));
    }
    Ok(app.store.objections(status).await?)
}

/// Objection `nomor` with its files.
pub async fn show(app: &App, nomor: &str) -> Result<ObjectionView, ServiceError> {
    let row = app
        .store
        .objection(nomor)
        .await?
        .ok_or_else(|| ServiceError::not_found(Sought::Objection, nomor))?;
    let files = app.store.objection_files(nomor).await?;
    let nama = app
        .store
        .announced(row.pengumuman, &row.nik)
        .await?
        .map(|r| r.nama)
        .unwrap_or_default();
    let terlambat = match &row.instance_id {
        Some(id) if row.status == "diajukan" => app
            .store
            .instance(id)
            .await?
            .and_then(|i| i.state.tenggat_ms)
            .is_some_and(|due| app.clock.now_ms() > due),
        _ => false,
    };
    Ok(ObjectionView {
        row,
        files,
        nama,
        terlambat,
    })
}

/// File `urut` of objection `nomor`, for a console user, audited.
pub async fn file(
    app: &App,
    nomor: &str,
    urut: i32,
    actor: &Actor,
) -> Result<(ObjectionFile, Vec<u8>), ServiceError> {
    let entry = stamp(
        app,
        actor,
        Action::UnduhBerkasSanggah,
        &format!("sanggah:{nomor}"),
        &format!("berkas {urut}"),
    )
    .await?;
    app.store
        .objection_file(nomor, urut, &entry)
        .await?
        .ok_or_else(|| ServiceError::not_found(Sought::Objection, format!("{nomor} berkas {urut}")))
}

/// `merit export sanggah`: every objection with its status, answer and result change.
pub async fn export(
    app: &App,
    path: &std::path::Path,
) -> Result<crate::service::placement::ExportReport, ServiceError> {
    use crate::export::{Section, TableWriter, Value};
    let rows = app.store.objections(None).await?;
    let tz = app.settings.timezone;
    let at = |ms: i64| format_datetime_id(crate::clock::from_ms(ms), tz);
    let header = [
        "nomor",
        "pengumuman",
        "nik",
        "nama",
        "diajukan",
        "status",
        "alasan",
        "jawaban",
        "hasil_baru",
        "selesai",
        "berkas",
        "email",
        "no_hp",
    ];
    let widths = [
        16.0, 11.0, 20.0, 28.0, 26.0, 14.0, 50.0, 40.0, 40.0, 26.0, 8.0, 26.0, 16.0,
    ];
    let mut out = TableWriter::create(path, "Sanggah", &header, &widths)?;
    let mut per_status: std::collections::BTreeMap<&'static str, u64> = Default::default();
    for o in &rows {
        let files = app.store.objection_files(&o.nomor).await?;
        let nama = app
            .store
            .announced(o.pengumuman, &o.nik)
            .await?
            .map(|r| r.nama)
            .unwrap_or_default();
        let nik = Nik::parse(&o.nik).map_or_else(|_| "-".to_owned(), |n| n.masked());
        *per_status.entry(status_label(&o.status)).or_default() += 1;
        out.row(&[
            o.nomor.as_str().into(),
            Value::Number(f64::from(o.pengumuman)),
            nik.into(),
            nama.into(),
            at(o.dibuat_ms).into(),
            status_label(&o.status).into(),
            o.alasan.as_str().into(),
            o.jawaban.clone().unwrap_or_default().into(),
            o.hasil_baru.clone().unwrap_or_default().into(),
            o.selesai_ms.map(at).unwrap_or_default().into(),
            Value::Number(files.len() as f64),
            o.email.clone().unwrap_or_default().into(),
            o.no_hp.clone().unwrap_or_default().into(),
        ])?;
    }
    let baris = out.finish(&[Section {
        title: "Sanggah per status".to_owned(),
        header: vec!["status".to_owned(), "jumlah".to_owned()],
        rows: per_status
            .iter()
            .map(|(s, n)| vec![(*s).into(), Value::Number(*n as f64)])
            .collect(),
    }])?;
    Ok(crate::service::placement::ExportReport {
        berkas: path.display().to_string(),
        baris: u64::from(baris),
        sumber: "sanggah".to_owned(),
    })
}
