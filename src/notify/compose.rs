//! Turning an outbox row into a message: the subject with its reference code, the text and
//! HTML bodies from the minijinja templates in `workflows/templates/` (built-in copies when a
//! file is missing), in the formal register officials expect ("Dengan hormat, mohon Bapak/Ibu
//! berkenan …"), roles by their titles, numbers and deadlines as Indonesians write them, NIK and
//! NIP masked, one signed link per possible answer, and the agency's name as the signature.
//!
//! A last guard masks any run of 16 or 18 digits left in a composed message: identifiers are
//! masked where they are written, and this catches whatever a template or a comment carries.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::{
    mailer::Draft,
    token::{Token, sign},
};
use crate::{
    domain::{
        Answer, Content, Ending, PlacementSubject, Prompt, Queued, Subject, VacancySubject,
        format_date_id, format_datetime_id, format_deadline_id, format_number_id, mask_identifier,
        redact_identifiers,
    },
    render::Templates,
    workflow::directory::titled,
};

/// Everything composing needs besides the row.
pub struct Setting<'a> {
    pub templates: &'a Templates,
    /// Link-signing secret.
    pub secret: &'a [u8],
    /// Public base URL.
    pub base_url: &'a str,
    /// Sender.
    pub from: &'a str,
    /// Zone for times shown.
    pub tz: Tz,
    /// How long links stay valid.
    pub link_ttl: chrono::Duration,
    /// Send time (links are issued now).
    pub now: DateTime<Utc>,
    /// The agency's name, which signs every message.
    pub instansi: &'a str,
}

/// One message to compose.
#[derive(Debug, Clone, Copy)]
pub struct Outgoing<'a> {
    /// Outbox row id (part of the Message-ID).
    pub id: &'a str,
    pub message: &'a Queued,
    /// What the instance it is about is about, when it is about one.
    pub subjek: Option<&'a Subject>,
    /// The lists and documents the message carries, when any.
    pub lampiran: Option<&'a Enclosures>,
}

/// What a message carries besides its text (documents.md 3, issue 15): files within the size
/// limit, lines added to its summary (the budget for BPKAD), and the files too large to carry,
/// which the reader downloads from the details page instead.
#[derive(Debug, Clone, Default)]
pub struct Enclosures {
    pub files: Vec<crate::notify::mailer::Attachment>,
    /// Lines added to the summary.
    pub notes: Vec<String>,
    /// (file name, size in bytes) of what exceeded the limit.
    pub too_large: Vec<(String, u64)>,
}

impl Enclosures {
    /// The summary lines that name what is attached and what is not.
    fn lines(&self) -> Vec<String> {
        let mut out = self.notes.clone();
        for f in &self.files {
            out.push(format!(
                "Terlampir: {} ({})",
                f.name,
                size_text(f.bytes.len() as u64)
            ));
        }
        for (name, size) in &self.too_large {
            out.push(format!(
                "{name} ({}) terlalu besar untuk dilampirkan; unduh dari halaman rincian pada tautan di bawah.",
                size_text(*size)
            ));
        }
        out
    }
}

/// `12 KB`, `3,4 MB`.
pub fn size_text(bytes: u64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0)).replace('.', ",")
    }
}

/// `****************1234`: all but the last four digits hidden.
pub fn mask(id: &str) -> String {
    mask_identifier(id)
}

fn jenjang_label(code: &str) -> String {
    match code {
        "jpt_pratama" => "JPT Pratama".to_owned(),
        "jf_ahli_pertama" => "JF Ahli Pertama".to_owned(),
        "jf_ahli_muda" => "JF Ahli Muda".to_owned(),
        "jf_ahli_madya" => "JF Ahli Madya".to_owned(),
        "jf_ahli_utama" => "JF Ahli Utama".to_owned(),
        "jf_terampil" => "JF Terampil".to_owned(),
        other => other.replace('_', " "),
    }
}

fn count(n: impl TryInto<i64>) -> String {
    format_number_id(n.try_into().unwrap_or(i64::MAX))
}

fn placement_summary(p: &PlacementSubject, tz: Tz) -> Vec<String> {
    let mut out = vec![format!(
        "{} calon diusulkan untuk ditempatkan pada {} kebutuhan formasi; {} calon yang memenuhi syarat belum mendapat formasi.",
        count(p.jumlah),
        count(p.jumlah_formasi),
        count(p.tidak_ditempatkan)
    )];
    if p.dibuat_ms > 0 {
        out.push(format!(
            "Berdasarkan hasil penyaringan dan penempatan tanggal {}.",
            format_datetime_id(crate::clock::from_ms(p.dibuat_ms), tz)
        ));
    }
    out
}

fn vacancy_summary(v: &VacancySubject) -> Vec<String> {
    let mut out = vec![
        format!(
            "Jabatan {} (jenjang {}) pada unit kerja {}; alasan kekosongan: {}.",
            v.jabatan,
            jenjang_label(&v.jenjang),
            v.unit_label(),
            v.alasan.replace('_', " ")
        ),
        format!(
            "{} pegawai dinilai berdasarkan aturan pengisian jabatan; daftar pendek berisi {} calon.",
            count(v.jumlah_dinilai),
            count(v.shortlist.len())
        ),
    ];
    for k in &v.kandidat {
        out.push(format!(
            "Peringkat {}: {} (NIP {}), kotak talenta {}, hasil {}.",
            k.peringkat.unwrap_or_default(),
            k.nama,
            mask(&k.nip),
            k.kotak_talenta,
            k.hasil.label()
        ));
    }
    out
}

/// Summary lines of a subject, as an official reads them (identifiers masked, numbers with
/// thousands separators, no internal ids).
pub fn summary(subject: Option<&Subject>, tz: Tz) -> Vec<String> {
    match subject {
        Some(Subject::Penempatan(p)) => placement_summary(p, tz),
        Some(Subject::Lowongan(v)) => vacancy_summary(v),
        Some(Subject::PerubahanAturan(c)) => {
            let mut out = vec![
                format!(
                    "Perubahan {} diajukan oleh {}.",
                    c.definisi.replace("aturan:", "ruleset "),
                    c.penulis
                ),
                format!("Alasan: {}", c.alasan),
            ];
            if let Some(n) = &c.nomor_surat {
                out.push(format!("Nomor surat: {n}"));
            }
            out.extend(c.ringkasan.iter().cloned());
            out
        }
        Some(Subject::Sanggah(o)) => {
            let mut out = vec![
                format!(
                    "Sanggah nomor {} atas pengumuman nomor {} dari {} (NIK {}), {}.",
                    o.nomor, o.pengumuman, o.nama, o.nik, o.unit
                ),
                format!("Hasil yang diumumkan: {}.", o.hasil_diumumkan),
            ];
            out.extend(o.aturan.iter().map(|a| format!("Aturan: {a}")));
            out.push(format!("Alasan sanggah: {}", o.alasan));
            out.push(format!(
                "Berkas pendukung: {} berkas (diunduh melalui konsol, menu Sanggah).",
                o.berkas
            ));
            out.push("Jawab SETUJU (atau DITERIMA) bila sanggah diterima, dengan apa yang harus diperbaiki; TOLAK (atau DITOLAK) dengan alasannya bila sanggah ditolak.".to_owned());
            out
        }
        Some(Subject::Bebas {}) | None => Vec::new(),
    }
}

/// The change a rule-change prompt shows in full.
fn change_text(subject: Option<&Subject>) -> Option<String> {
    match subject {
        Some(Subject::PerubahanAturan(c)) => Some(c.perbedaan.clone()),
        _ => None,
    }
}

/// An option as people read it: the candidate's name with the NIP masked
/// (`DEWI LESTARI (NIP **************1002)`), else the option masked.
pub fn option_name(subject: Option<&Subject>, option: &str) -> String {
    let name = match subject {
        Some(Subject::Lowongan(v)) => v.candidate(option).map(|k| k.nama.as_str()),
        _ => None,
    };
    let shown = if option.chars().all(|c| c.is_ascii_digit()) && option.len() >= 16 {
        format!("NIP {}", mask(option))
    } else {
        redact_identifiers(option).0
    };
    match name {
        Some(nama) if !nama.is_empty() => format!("{nama} ({shown})"),
        _ => shown,
    }
}

#[derive(Serialize)]
struct Link {
    label: String,
    url: String,
}

#[derive(Serialize)]
struct Choice {
    nomor: usize,
    nama: String,
}

fn salam(nama: &str) -> String {
    if nama.is_empty() {
        "Yth. Bapak/Ibu".to_owned()
    } else {
        format!("Yth. Bapak/Ibu {nama}")
    }
}

#[derive(Serialize)]
struct PromptPage<'a> {
    jenis: &'static str,
    salam: String,
    judul_workflow: &'a str,
    judul_langkah: &'a str,
    kapasitas: String,
    kode: String,
    tenggat: Option<String>,
    alasan_kembali: Option<&'a str>,
    ringkasan: Vec<String>,
    tautan: Vec<Link>,
    /// The read-only details page behind the same link.
    rincian: String,
    /// A rule change's diff, shown as it is.
    perbedaan: Option<String>,
    pilihan: Vec<Choice>,
    /// A committee step: a member may abstain (with a reason).
    abstain: bool,
    berlaku_sampai: String,
    instansi: &'a str,
    /// The answers already given on this instance, one line each.
    jawaban_sebelumnya: Vec<String>,
}

/// An answer as people read it: the reply word, or the option chosen by name.
pub fn answer_words(subject: Option<&Subject>, answer: &Answer) -> String {
    match answer {
        Answer::Pilih(o) => format!("memilih {}", option_name(subject, o)),
        plain => plain.word().to_owned(),
    }
}

/// One line per answer already given: who, as what, when, on which step, and the comment.
pub fn prior_lines(
    answers: &[crate::domain::PriorAnswer],
    subject: Option<&Subject>,
    tz: Tz,
) -> Vec<String> {
    answers
        .iter()
        .map(|a| {
            let mut line = format!(
                "{} ({}), {}: {} pada {}",
                a.nama,
                titled(&a.kapasitas),
                a.langkah,
                answer_words(subject, &a.keputusan),
                format_datetime_id(crate::clock::from_ms(a.waktu_ms), tz)
            );
            if let Some(c) = a.komentar.as_deref().filter(|c| !c.trim().is_empty()) {
                line.push_str(&format!(" — \"{}\"", redact_identifiers(c.trim()).0));
            }
            line
        })
        .collect()
}

/// A subject line without the reply and forward prefixes mail programs add.
fn bare_subject(s: &str) -> &str {
    let mut s = s.trim();
    loop {
        let lower = s.to_lowercase();
        let cut = ["re:", "fw:", "fwd:", "balas:", "bls:", "tr:"]
            .iter()
            .find(|p| lower.starts_with(*p))
            .map(|p| p.len());
        match cut {
            Some(n) => s = s[n..].trim_start(),
            None => return s,
        }
    }
}

/// One signed link per answer the prompt offers.
fn links(p: &Prompt, subject: Option<&Subject>, st: &Setting<'_>) -> Vec<Link> {
    let url = |jawaban: String| {
        let token = sign(
            st.secret,
            &Token {
                kode: p.kode.clone(),
                jawaban,
                terbit_ms: st.now.timestamp_millis(),
            },
        );
        format!("{}/persetujuan/{token}", st.base_url.trim_end_matches('/'))
    };
    p.answers()
        .iter()
        .filter_map(|a| {
            let answer = Answer::parse(a)?;
            let code = answer.link_code(&p.opsi)?;
            let label = match (&answer, answer.option_index(&p.opsi)) {
                (Answer::Pilih(o), Some(i)) => {
                    format!("{} {} — {}", answer.word(), i + 1, option_name(subject, o))
                }
                (plain, _) => plain.word().to_owned(),
            };
            Some(Link {
                label,
                url: url(code),
            })
        })
        .collect()
}

/// The subject, text and HTML of a prompt (request, reminder, escalation, deadline).
fn prompt(
    content: &Content,
    p: &Prompt,
    out: &Outgoing<'_>,
    st: &Setting<'_>,
) -> Result<(String, String, String), String> {
    let judul = p.about.judul_workflow.as_str();
    let langkah = p.about.judul_langkah.as_deref().unwrap_or_default();
    let (jenis, label) = match content {
        Content::Pengingat(..) => ("pengingat", "Pengingat persetujuan"),
        Content::Eskalasi(_) => ("eskalasi", "Eskalasi persetujuan"),
        Content::Tenggat(_) => ("tenggat", "Tenggat terlewati"),
        _ => ("permintaan", "Persetujuan"),
    };
    let tautan = links(p, out.subjek, st);
    let page = PromptPage {
        jenis,
        salam: salam(out.message.recipient.nama.as_deref().unwrap_or_default()),
        judul_workflow: judul,
        judul_langkah: langkah,
        kapasitas: titled(&p.kapasitas),
        kode: format!("MERIT-{}", p.kode),
        tenggat: p
            .tenggat_ms
            .map(|ms| format_deadline_id(crate::clock::from_ms(ms), st.tz)),
        alasan_kembali: p.alasan_kembali.as_deref(),
        ringkasan: summary(out.subjek, st.tz)
            .into_iter()
            .chain(out.lampiran.map(Enclosures::lines).unwrap_or_default())
            .collect(),
        perbedaan: change_text(out.subjek),
        rincian: tautan
            .first()
            .map(|l| format!("{}/rincian", l.url))
            .unwrap_or_default(),
        tautan,
        pilihan: p
            .opsi
            .iter()
            .enumerate()
            .map(|(i, o)| Choice {
                nomor: i + 1,
                nama: option_name(out.subjek, o),
            })
            .collect(),
        abstain: p.answers().contains(&Answer::Abstain.code()),
        berlaku_sampai: format_datetime_id(st.now + st.link_ttl, st.tz),
        instansi: st.instansi,
        jawaban_sebelumnya: prior_lines(&p.jawaban_sebelumnya, out.subjek, st.tz),
    };
    Ok((
        format!("[MERIT-{}] {label}: {judul} - {langkah}", p.kode),
        st.templates.render("permintaan.txt", &page)?,
        st.templates.render("permintaan.html", &page)?,
    ))
}

/// The subject and paragraphs of a notice (anything that asks for no answer).
fn notice(content: &Content, subject: Option<&Subject>) -> (String, Vec<String>) {
    let titles = |about: &crate::domain::About| {
        (
            about.judul_workflow.clone(),
            about.judul_langkah.clone().unwrap_or_default(),
        )
    };
    match content {
        Content::LangkahDitutup(c) => {
            let (judul, langkah) = titles(&c.about);
            (
                format!("Sudah diputuskan: {judul} - {langkah}"),
                vec![format!(
                    "Dengan hormat, kami sampaikan bahwa tahap \"{langkah}\" pada {judul} telah diputuskan, sehingga jawaban Bapak/Ibu tidak diperlukan lagi. Tautan pada surel permohonan sebelumnya tidak berlaku lagi."
                )],
            )
        }
        Content::Dikembalikan(r) => {
            let (judul, langkah) = titles(&r.about);
            (
                format!("Dikembalikan: {judul} - {langkah}"),
                vec![
                    format!(
                        "Dengan hormat, kami sampaikan bahwa {judul} dikembalikan pada tahap \"{langkah}\" dengan alasan: {}.",
                        r.alasan_kembali
                    ),
                    "Mohon Bapak/Ibu berkenan menindaklanjuti dan mengajukan kembali setelah diperbaiki."
                        .to_owned(),
                ],
            )
        }
        Content::Selesai(f) => {
            let judul = &f.about.judul_workflow;
            let approved = f.status == Ending::SelesaiDisetujui;
            let mut p = vec![format!(
                "Dengan hormat, kami sampaikan bahwa proses {judul} telah selesai dan {}.",
                if approved {
                    "disetujui pada seluruh tahap"
                } else {
                    "tidak disetujui"
                }
            )];
            if approved && let Some(choice) = &f.pilihan {
                p.push(format!(
                    "Pejabat Pembina Kepegawaian telah memilih {}. Surat keputusan pengangkatan akan diterbitkan sesuai ketentuan.",
                    option_name(subject, choice)
                ));
            }
            let outcome = if approved {
                "disetujui"
            } else {
                "tidak disetujui"
            };
            (format!("Selesai: {judul} - {outcome}"), p)
        }
        Content::Terpilih(c) => (
            format!("Hasil pengisian jabatan {}", c.jabatan),
            vec![
                format!(
                    "Dengan hormat, kami sampaikan bahwa Bapak/Ibu telah dipilih oleh Pejabat Pembina Kepegawaian untuk mengisi jabatan {} pada unit kerja {}.",
                    c.jabatan, c.unit_kerja
                ),
                "Surat keputusan pengangkatan akan diterbitkan sesuai ketentuan; informasi selanjutnya akan disampaikan oleh BKPSDM.".to_owned(),
            ],
        ),
        Content::TidakTerpilih(c) => (
            format!("Hasil pengisian jabatan {}", c.jabatan),
            vec![
                format!(
                    "Dengan hormat, kami sampaikan bahwa pada proses pengisian jabatan {} pada unit kerja {}, Bapak/Ibu tidak terpilih.",
                    c.jabatan, c.unit_kerja
                ),
                "Terima kasih atas kesediaan Bapak/Ibu mengikuti proses ini.".to_owned(),
            ],
        ),
        Content::BalasanDitolak(r) => (
            format!("Re: {}", bare_subject(&r.perihal)),
            vec![
                format!(
                    "Dengan hormat, balasan Bapak/Ibu belum dapat kami proses karena {}.",
                    r.alasan
                ),
                format!(
                    "Untuk menjawab, mohon Bapak/Ibu membalas surel permohonan persetujuan dan {}. Bapak/Ibu juga dapat memakai tautan pada surel permohonan.",
                    r.cara_menjawab
                ),
            ],
        ),
        Content::Dibatalkan(c) => {
            let judul = &c.about.judul_workflow;
            let mut p = vec![format!(
                "Dengan hormat, kami sampaikan bahwa proses {judul} telah dibatalkan dengan alasan: {}.",
                c.alasan.trim_end_matches('.')
            )];
            if let Some(langkah) = &c.about.judul_langkah {
                p.push(format!(
                    "Jawaban Bapak/Ibu pada tahap \"{langkah}\" tidak diperlukan lagi; tautan pada surel permohonan sebelumnya tidak berlaku lagi."
                ));
            }
            (format!("Dibatalkan: {judul}"), p)
        }
        Content::JawabanTercatat(a) => {
            let judul = &a.about.judul_workflow;
            let langkah = a.about.judul_langkah.clone().unwrap_or_default();
            (
                format!("Re: {}", bare_subject(&a.perihal)),
                vec![format!(
                    "Dengan hormat, jawaban {} Bapak/Ibu pada tahap \"{langkah}\" untuk {judul} telah tercatat. Terima kasih; Bapak/Ibu tidak perlu membalas lagi.",
                    answer_words(subject, &a.keputusan)
                )],
            )
        }
        Content::PenyaringanSelesai(n) => {
            ("Penyaringan terjadwal selesai".to_owned(), vec![n.pesan.clone()])
        }
        Content::Admin(n) => ("Pemberitahuan sistem merit".to_owned(), vec![n.pesan.clone()]),
        Content::Layanan(n) => (n.perihal.clone(), n.paragraf.clone()),
        Content::Permintaan(p)
        | Content::Pengingat(_, p)
        | Content::Eskalasi(p)
        | Content::Tenggat(p) => {
            // Prompts are composed by `prompt`; this keeps the match total.
            (p.about.judul_workflow.clone(), Vec::new())
        }
    }
}

#[derive(Serialize)]
struct NoticePage<'a> {
    salam: String,
    perihal: &'a str,
    paragraf: Vec<String>,
    ringkasan: Vec<String>,
    instansi: &'a str,
    tanggal: String,
}

/// Composes the e-mail for `out`.
pub fn compose(out: &Outgoing<'_>, st: &Setting<'_>) -> Result<Draft, String> {
    let content = &out.message.content;
    let kode = content.reference_code().unwrap_or("info");
    let message_id = format!("{}.{kode}@merit", out.id);
    let (subject, text, html) = match content.prompt() {
        Some(p) => prompt(content, p, out, st)?,
        None => {
            let (perihal, paragraf) = notice(content, out.subjek);
            let page = NoticePage {
                salam: salam(out.message.recipient.nama.as_deref().unwrap_or_default()),
                perihal: &perihal,
                paragraf,
                ringkasan: match content {
                    Content::Selesai(_) => summary(out.subjek, st.tz)
                        .into_iter()
                        .chain(out.lampiran.map(Enclosures::lines).unwrap_or_default())
                        .collect(),
                    _ => Vec::new(),
                },
                instansi: st.instansi,
                tanggal: format_date_id(st.now.with_timezone(&st.tz).date_naive()),
            };
            let text = st.templates.render("pemberitahuan.txt", &page)?;
            let html = st.templates.render("pemberitahuan.html", &page)?;
            (perihal, text, html)
        }
    };
    let redact = |t: String| {
        let (clean, n) = redact_identifiers(&t);
        if n > 0 {
            tracing::warn!(pesan = %out.id, jumlah = n, "nomor identitas lengkap disamarkan pada pesan keluar");
        }
        clean
    };
    let in_reply_to = match content {
        Content::BalasanDitolak(r) => r.in_reply_to.clone(),
        Content::JawabanTercatat(r) => r.in_reply_to.clone(),
        _ => None,
    };
    Ok(Draft {
        from: st.from.to_owned(),
        reply_to: st.from.to_owned(),
        to: out.message.recipient.alamat.clone(),
        to_name: out.message.recipient.nama.clone(),
        subject: redact(subject),
        text: redact(text),
        html: redact(html),
        message_id,
        in_reply_to,
        date: st.now.into(),
        attachments: out.lampiran.map(|l| l.files.clone()).unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_all_but_four() {
        assert_eq!(mask("1601234567890001"), "************0001");
        assert_eq!(mask("123"), "123");
    }

    #[test]
    fn options_read_as_names_with_masked_nip() {
        let subject = Subject::from_value(&serde_json::json!({
            "jenis": "lowongan", "id": "l", "jenjang": "jpt_pratama", "unit_kerja": "u",
            "jabatan": "j", "alasan": "pensiun", "tanggal": "2026-01-01", "ruleset": "r",
            "versi_aturan": "v", "shortlist": ["198503152010011002"], "jumlah_dinilai": 1,
            "email_kandidat": {},
            "kandidat": [{"nip": "198503152010011002", "nama": "DEWI", "hasil": "layak",
                "kotak_talenta": 9, "predikat": [], "aturan_gagal": [], "aturan_tinjau": [], "peringkat": 1,
                "alasan": []}]
        }))
        .unwrap();
        assert_eq!(
            option_name(Some(&subject), "198503152010011002"),
            "DEWI (NIP **************1002)"
        );
        assert_eq!(
            option_name(None, "198503152010011003"),
            "NIP **************1003"
        );
    }
}
