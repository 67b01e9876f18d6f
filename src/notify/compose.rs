//! Turning an outbox row into a message: the subject with its reference code, the text and
//! HTML bodies from the minijinja templates in `workflows/templates/` (built-in copies when a
//! file is missing), in the formal register officials expect ("Dengan hormat, mohon Bapak/Ibu
//! berkenan …"), roles by their titles, numbers and deadlines as Indonesians write them, NIK and
//! NIP masked, one signed link per possible answer, and the agency's name as the signature.
//!
//! A last guard masks any run of 16 or 18 digits left in a composed message: identifiers are
//! masked where they are written, and this catches whatever a template or a comment carries.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use minijinja::{Environment, context};
use serde::Serialize;
use serde_json::Value;

use super::{
    mailer::Draft,
    token::{Token, sign},
};
use crate::{
    domain::{
        MessageKind, format_date_id, format_datetime_id, format_deadline_id, format_number_id,
        mask_identifier, redact_identifiers,
    },
    workflow::directory::titled,
};

const BUILTIN: &[(&str, &str)] = &[
    (
        "permintaan.txt",
        include_str!("../../workflows/templates/permintaan.txt"),
    ),
    (
        "permintaan.html",
        include_str!("../../workflows/templates/permintaan.html"),
    ),
    (
        "pemberitahuan.txt",
        include_str!("../../workflows/templates/pemberitahuan.txt"),
    ),
    (
        "pemberitahuan.html",
        include_str!("../../workflows/templates/pemberitahuan.html"),
    ),
];

/// The message templates: files in the templates folder, else the built-in copies.
pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    /// Loads the templates of folder `dir` of `src` (validating them), each file falling back
    /// to its built-in copy when absent; a broken file is an error naming it.
    pub fn load(
        src: &dyn crate::sources::Source,
        dir: &Path,
    ) -> Result<Self, crate::diagnostic::Diagnostics> {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") {
                minijinja::AutoEscape::Html
            } else {
                minijinja::AutoEscape::None
            }
        });
        for (name, builtin) in BUILTIN {
            let path: PathBuf = dir.join(name);
            let text = src.read(&path).unwrap_or_else(|_| (*builtin).to_owned());
            env.add_template_owned((*name).to_owned(), text)
                .map_err(|e| {
                    crate::diagnostic::Diagnostic::at(
                        &path,
                        e.line().unwrap_or(0),
                        0,
                        format!("templat tidak sah: {e}"),
                    )
                })?;
        }
        Ok(Self { env })
    }

    fn render(&self, name: &str, ctx: &minijinja::Value) -> Result<String, String> {
        self.env
            .get_template(name)
            .and_then(|t| t.render(ctx))
            .map_err(|e| format!("templat {name} gagal: {e}"))
    }
}

/// Everything composing needs besides the row.
pub struct Setting<'a> {
    /// Templates.
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

/// One outbox row.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// Row id.
    pub id: String,
    /// Kind.
    pub jenis: String,
    /// Recipient address.
    pub email: String,
    /// Template data written by the engine.
    pub data: Value,
    /// The instance's subject, when the message is about an instance.
    pub subjek: Option<Value>,
}

/// `****************1234`: all but the last four digits hidden.
pub fn mask(id: &str) -> String {
    mask_identifier(id)
}

fn s<'v>(v: &'v Value, key: &str) -> &'v str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn n(v: &Value, key: &str) -> i64 {
    v.get(key).and_then(Value::as_i64).unwrap_or_default()
}

fn count(v: &Value, key: &str) -> String {
    format_number_id(n(v, key))
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

/// Summary lines of a subject, as an official reads them (identifiers masked, numbers with
/// thousands separators, no internal ids).
pub fn summary(subject: Option<&Value>, tz: Tz) -> Vec<String> {
    let Some(v) = subject else {
        return Vec::new();
    };
    match s(v, "jenis") {
        "penempatan" => {
            let mut out = vec![format!(
                "{} calon diusulkan untuk ditempatkan pada {} kebutuhan formasi; {} calon yang memenuhi syarat belum mendapat formasi.",
                count(v, "jumlah"),
                count(v, "jumlah_formasi"),
                count(v, "tidak_ditempatkan")
            )];
            let made = n(v, "dibuat_ms");
            if made > 0 {
                out.push(format!(
                    "Berdasarkan hasil penyaringan dan penempatan tanggal {}.",
                    format_datetime_id(crate::clock::from_ms(made), tz)
                ));
            }
            out
        }
        "lowongan" => {
            let mut out = vec![format!(
                "Jabatan {} (jenjang {}) pada unit kerja {}; alasan kekosongan: {}.",
                s(v, "jabatan"),
                jenjang_label(s(v, "jenjang")),
                s(v, "unit_kerja"),
                s(v, "alasan").replace('_', " ")
            )];
            out.push(format!(
                "{} pegawai dinilai berdasarkan aturan pengisian jabatan; daftar pendek berisi {} calon.",
                count(v, "jumlah_dinilai"),
                format_number_id(
                    v.get("shortlist")
                        .and_then(Value::as_array)
                        .map_or(0, |a| i64::try_from(a.len()).unwrap_or_default())
                )
            ));
            if let Some(list) = v.get("kandidat").and_then(Value::as_array) {
                for k in list {
                    out.push(format!(
                        "Peringkat {}: {} (NIP {}), kotak talenta {}, hasil {}.",
                        n(k, "peringkat"),
                        s(k, "nama"),
                        mask(s(k, "nip")),
                        n(k, "kotak_talenta"),
                        s(k, "hasil").replace('_', " ")
                    ));
                }
            }
            out
        }
        _ => Vec::new(),
    }
}

/// An option as people read it: the candidate's name with the NIP masked
/// (`DEWI LESTARI (NIP **************1002)`), else the option masked.
pub fn option_name(subject: Option<&Value>, option: &str) -> String {
    let name = subject
        .and_then(|v| v.get("kandidat"))
        .and_then(Value::as_array)
        .and_then(|l| l.iter().find(|k| s(k, "nip") == option))
        .map(|k| s(k, "nama").to_owned());
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

fn strings(d: &Value, key: &str) -> Vec<String> {
    d.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The subject, text and HTML of a prompt (request, reminder, escalation, deadline).
fn prompt(
    kind: MessageKind,
    row: &Outgoing,
    st: &Setting<'_>,
) -> Result<(String, String, String), String> {
    let d = &row.data;
    let kode = s(d, "kode");
    let judul = s(d, "judul_workflow");
    let langkah = s(d, "judul_langkah");
    let subject_json = row.subjek.as_ref();
    let answers = {
        let a = strings(d, "jawaban");
        if a.is_empty() {
            vec!["setuju".into(), "tolak".into(), "kembalikan".into()]
        } else {
            a
        }
    };
    let opsi = strings(d, "opsi");
    let link = |jawaban: String| {
        let token = sign(
            st.secret,
            &Token {
                kode: kode.to_owned(),
                jawaban,
                terbit_ms: st.now.timestamp_millis(),
            },
        );
        format!("{}/persetujuan/{token}", st.base_url.trim_end_matches('/'))
    };
    let links: Vec<Link> = answers
        .iter()
        .filter_map(|a| {
            let (code, label) = match a.as_str() {
                "setuju" => ("setuju".to_owned(), "SETUJU".to_owned()),
                "tolak" => ("tolak".to_owned(), "TOLAK".to_owned()),
                "kembalikan" => ("kembalikan".to_owned(), "KEMBALIKAN".to_owned()),
                other => {
                    let o = other.strip_prefix("pilih:")?;
                    let i = opsi.iter().position(|x| x == o)?;
                    (
                        format!("pilih-{i}"),
                        format!("PILIH {} — {}", i + 1, option_name(subject_json, o)),
                    )
                }
            };
            Some(Link {
                label,
                url: link(code),
            })
        })
        .collect();
    let pilihan: Vec<Choice> = opsi
        .iter()
        .enumerate()
        .map(|(i, o)| Choice {
            nomor: i + 1,
            nama: option_name(subject_json, o),
        })
        .collect();
    let tenggat = d
        .get("tenggat_ms")
        .and_then(Value::as_i64)
        .map(|ms| format_deadline_id(crate::clock::from_ms(ms), st.tz));
    let ctx = context! {
        jenis => kind.base(),
        salam => salam(s(d, "nama")),
        judul_workflow => judul,
        judul_langkah => langkah,
        kapasitas => titled(s(d, "kapasitas")),
        kode => format!("MERIT-{kode}"),
        tenggat => tenggat,
        alasan_kembali => d.get("alasan_kembali").and_then(Value::as_str),
        ringkasan => summary(subject_json, st.tz),
        tautan => links,
        pilihan => pilihan,
        berlaku_sampai => format_datetime_id(st.now + st.link_ttl, st.tz),
        instansi => st.instansi,
    };
    let label = match kind {
        MessageKind::Pengingat(_) => "Pengingat persetujuan",
        MessageKind::Eskalasi => "Eskalasi persetujuan",
        MessageKind::Tenggat => "Tenggat terlewati",
        _ => "Persetujuan",
    };
    Ok((
        format!("[MERIT-{kode}] {label}: {judul} - {langkah}"),
        st.templates.render("permintaan.txt", &ctx)?,
        st.templates.render("permintaan.html", &ctx)?,
    ))
}

/// The subject and paragraphs of a notice (anything that asks for no answer).
fn notice(kind: Option<MessageKind>, row: &Outgoing) -> (String, Vec<String>) {
    let d = &row.data;
    let judul = s(d, "judul_workflow");
    let langkah = s(d, "judul_langkah");
    let subject_json = row.subjek.as_ref();
    match kind {
        Some(MessageKind::LangkahDitutup) => (
            format!("Sudah diputuskan: {judul} - {langkah}"),
            vec![format!(
                "Dengan hormat, kami sampaikan bahwa tahap \"{langkah}\" pada {judul} telah diputuskan, sehingga jawaban Bapak/Ibu tidak diperlukan lagi. Tautan pada surel permohonan sebelumnya tidak berlaku lagi."
            )],
        ),
        Some(MessageKind::Dikembalikan) => (
            format!("Dikembalikan: {judul} - {langkah}"),
            vec![
                format!(
                    "Dengan hormat, kami sampaikan bahwa {judul} dikembalikan pada tahap \"{langkah}\" dengan alasan: {}.",
                    s(d, "alasan_kembali")
                ),
                "Mohon Bapak/Ibu berkenan menindaklanjuti dan mengajukan kembali setelah diperbaiki."
                    .to_owned(),
            ],
        ),
        Some(MessageKind::Selesai) => {
            let approved = s(d, "status") == "selesai_disetujui";
            let mut p = vec![format!(
                "Dengan hormat, kami sampaikan bahwa proses {judul} telah selesai dan {}.",
                if approved {
                    "disetujui pada seluruh tahap"
                } else {
                    "tidak disetujui"
                }
            )];
            if approved && let Some(choice) = d.get("pilihan").and_then(Value::as_str) {
                p.push(format!(
                    "Pejabat Pembina Kepegawaian telah memilih {}. Surat keputusan pengangkatan akan diterbitkan sesuai ketentuan.",
                    option_name(subject_json, choice)
                ));
            }
            (
                format!(
                    "Selesai: {judul} - {}",
                    if approved {
                        "disetujui"
                    } else {
                        "tidak disetujui"
                    }
                ),
                p,
            )
        }
        Some(MessageKind::Terpilih) => (
            format!("Hasil pengisian jabatan {}", s(d, "jabatan")),
            vec![
                format!(
                    "Dengan hormat, kami sampaikan bahwa Bapak/Ibu telah dipilih oleh Pejabat Pembina Kepegawaian untuk mengisi jabatan {} pada unit kerja {}.",
                    s(d, "jabatan"),
                    s(d, "unit_kerja")
                ),
                "Surat keputusan pengangkatan akan diterbitkan sesuai ketentuan; informasi selanjutnya akan disampaikan oleh BKPSDM.".to_owned(),
            ],
        ),
        Some(MessageKind::TidakTerpilih) => (
            format!("Hasil pengisian jabatan {}", s(d, "jabatan")),
            vec![
                format!(
                    "Dengan hormat, kami sampaikan bahwa pada proses pengisian jabatan {} pada unit kerja {}, Bapak/Ibu tidak terpilih.",
                    s(d, "jabatan"),
                    s(d, "unit_kerja")
                ),
                "Terima kasih atas kesediaan Bapak/Ibu mengikuti proses ini.".to_owned(),
            ],
        ),
        Some(MessageKind::BalasanDitolak) => {
            let cara = match s(d, "cara_menjawab") {
                "" => "tulis pada baris pertama salah satu kata SETUJU, TOLAK, atau KEMBALIKAN, boleh diikuti komentar; pengembalian wajib disertai alasan",
                c => c,
            };
            (
                format!("Re: {}", s(d, "perihal")),
                vec![
                    format!(
                        "Dengan hormat, balasan Bapak/Ibu belum dapat kami proses karena {}.",
                        s(d, "alasan")
                    ),
                    format!(
                        "Untuk menjawab, mohon Bapak/Ibu membalas surel permohonan persetujuan dan {cara}. Bapak/Ibu juga dapat memakai tautan pada surel permohonan."
                    ),
                ],
            )
        }
        Some(MessageKind::PenyaringanSelesai) => (
            "Penyaringan terjadwal selesai".to_owned(),
            vec![s(d, "pesan").to_owned()],
        ),
        Some(MessageKind::Admin) => (
            "Pemberitahuan sistem merit".to_owned(),
            vec![s(d, "pesan").to_owned()],
        ),
        _ => (
            "Pemberitahuan sistem merit".to_owned(),
            vec![s(d, "pesan").to_owned()],
        ),
    }
}

/// Composes the message for `row`.
pub fn compose(row: &Outgoing, st: &Setting<'_>) -> Result<Draft, String> {
    let d = &row.data;
    let kode = s(d, "kode");
    let message_id = format!(
        "{}.{}@merit",
        row.id,
        if kode.is_empty() { "info" } else { kode }
    );
    let kind = MessageKind::parse(&row.jenis);
    let (subject, text, html) = match kind {
        Some(k) if k.is_prompt() => prompt(k, row, st)?,
        _ => {
            let (perihal, paragraf) = notice(kind, row);
            let ringkasan = if kind == Some(MessageKind::Selesai) {
                summary(row.subjek.as_ref(), st.tz)
            } else {
                Vec::new()
            };
            let ctx = context! {
                salam => salam(s(d, "nama")),
                perihal => perihal.clone(),
                paragraf => paragraf,
                ringkasan => ringkasan,
                instansi => st.instansi,
                tanggal => format_date_id(st.now.with_timezone(&st.tz).date_naive()),
            };
            (
                perihal,
                st.templates.render("pemberitahuan.txt", &ctx)?,
                st.templates.render("pemberitahuan.html", &ctx)?,
            )
        }
    };
    let redact = |t: String| {
        let (clean, n) = redact_identifiers(&t);
        if n > 0 {
            tracing::warn!(pesan = %row.id, jumlah = n, "nomor identitas lengkap disamarkan pada pesan keluar");
        }
        clean
    };
    Ok(Draft {
        from: st.from.to_owned(),
        reply_to: st.from.to_owned(),
        to: row.email.clone(),
        to_name: d.get("nama").and_then(Value::as_str).map(str::to_owned),
        subject: redact(subject),
        text: redact(text),
        html: redact(html),
        message_id,
        in_reply_to: d
            .get("in_reply_to")
            .and_then(Value::as_str)
            .map(str::to_owned),
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
        let subject =
            serde_json::json!({"kandidat": [{"nip": "198503152010011002", "nama": "DEWI"}]});
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
