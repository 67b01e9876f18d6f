//! Turning an outbox row into a message: the subject with its reference code, the text and
//! HTML bodies from the minijinja templates in `workflows/templates/` (built-in copies when a
//! file is missing), a summary of the subject with NIK and NIP masked, the deadline in local time
//! with the zone name, and one signed link per possible answer.

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
use crate::domain::format_datetime_id;

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
    /// Loads the templates of `dir` (validating them); a broken file is an error naming it.
    pub fn load(dir: &Path) -> Result<Self, String> {
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
            let text = std::fs::read_to_string(&path).unwrap_or_else(|_| (*builtin).to_owned());
            env.add_template_owned((*name).to_owned(), text)
                .map_err(|e| format!("{}: templat tidak sah: {e}", path.display()))?;
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
    let n = id.chars().count();
    if n <= 4 {
        return id.to_owned();
    }
    let tail: String = id.chars().skip(n - 4).collect();
    format!("{}{tail}", "*".repeat(n - 4))
}

fn s<'v>(v: &'v Value, key: &str) -> &'v str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn n(v: &Value, key: &str) -> i64 {
    v.get(key).and_then(Value::as_i64).unwrap_or_default()
}

/// Summary lines of a subject (identifiers masked).
pub fn summary(subject: Option<&Value>) -> Vec<String> {
    let Some(v) = subject else {
        return Vec::new();
    };
    match s(v, "jenis") {
        "penempatan" => vec![
            format!(
                "{} calon ditempatkan pada {} kebutuhan formasi; {} calon layak belum mendapat formasi.",
                n(v, "jumlah"),
                n(v, "jumlah_formasi"),
                n(v, "tidak_ditempatkan")
            ),
            format!(
                "Penempatan {} dari run penyaringan {}.",
                s(v, "id"),
                s(v, "run_id")
            ),
        ],
        "lowongan" => {
            let mut out = vec![
                format!(
                    "Jabatan {} (jenjang {}) pada unit kerja {}; alasan kekosongan: {}.",
                    s(v, "jabatan"),
                    s(v, "jenjang").replace('_', " "),
                    s(v, "unit_kerja"),
                    s(v, "alasan")
                ),
                format!(
                    "{} pegawai dinilai dengan ruleset {}.",
                    n(v, "jumlah_dinilai"),
                    s(v, "ruleset")
                ),
            ];
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

fn option_label(subject: Option<&Value>, option: &str) -> String {
    let name = subject
        .and_then(|v| v.get("kandidat"))
        .and_then(Value::as_array)
        .and_then(|l| l.iter().find(|k| s(k, "nip") == option))
        .map(|k| s(k, "nama").to_owned());
    let shown = if option.chars().all(|c| c.is_ascii_digit()) && option.len() >= 16 {
        format!("NIP {}", mask(option))
    } else {
        option.to_owned()
    };
    match name {
        Some(nama) => format!("PILIH {nama} ({shown})"),
        None => format!("PILIH {shown}"),
    }
}

#[derive(Serialize)]
struct Link {
    label: String,
    url: String,
}

fn salam(nama: &str) -> String {
    if nama.is_empty() {
        "Yth. Bapak/Ibu".to_owned()
    } else {
        format!("Yth. Bapak/Ibu {nama}")
    }
}

/// Composes the message for `row`.
pub fn compose(row: &Outgoing, st: &Setting<'_>) -> Result<Draft, String> {
    let d = &row.data;
    let kode = s(d, "kode");
    let judul = s(d, "judul_workflow");
    let langkah = s(d, "judul_langkah");
    let message_id = format!(
        "{}.{}@merit",
        row.id,
        if kode.is_empty() { "info" } else { kode }
    );
    let when = |ms: i64| format_datetime_id(crate::clock::from_ms(ms), st.tz);
    let prompt_kind = match row.jenis.as_str() {
        "permintaan" => Some(("permintaan", "Persetujuan")),
        "eskalasi" => Some(("eskalasi", "Eskalasi persetujuan")),
        "tenggat" => Some(("tenggat", "Tenggat terlewati")),
        k if k.starts_with("pengingat") => Some(("pengingat", "Pengingat persetujuan")),
        _ => None,
    };
    let subject_json = row.subjek.as_ref();
    let (subject, text, html) = if let Some((jenis, label)) = prompt_kind {
        let answers: Vec<String> = d
            .get("jawaban")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_else(|| vec!["setuju".into(), "tolak".into(), "kembalikan".into()]);
        let opsi: Vec<String> = d
            .get("opsi")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
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
                        (format!("pilih-{i}"), option_label(subject_json, o))
                    }
                };
                let token = sign(
                    st.secret,
                    &Token {
                        kode: kode.to_owned(),
                        jawaban: code,
                        terbit_ms: st.now.timestamp_millis(),
                    },
                );
                Some(Link {
                    label,
                    url: format!("{}/persetujuan/{token}", st.base_url.trim_end_matches('/')),
                })
            })
            .collect();
        let tenggat = d.get("tenggat_ms").and_then(Value::as_i64).map(when);
        let ctx = context! {
            jenis => jenis,
            salam => salam(s(d, "nama")),
            judul_workflow => judul,
            judul_langkah => langkah,
            kapasitas => s(d, "kapasitas"),
            kode => format!("MERIT-{kode}"),
            tenggat => tenggat,
            alasan_kembali => d.get("alasan_kembali").and_then(Value::as_str),
            ringkasan => summary(subject_json),
            tautan => links,
            opsi => opsi,
            berlaku_sampai => when((st.now + st.link_ttl).timestamp_millis()),
        };
        (
            format!("[MERIT-{kode}] {label}: {judul} - {langkah}"),
            st.templates.render("permintaan.txt", &ctx)?,
            st.templates.render("permintaan.html", &ctx)?,
        )
    } else {
        let (perihal, paragraf): (String, Vec<String>) = match row.jenis.as_str() {
            "langkah_ditutup" => (
                format!("Sudah diputuskan: {judul} - {langkah}"),
                vec![format!(
                    "Langkah \"{langkah}\" pada {judul} telah diputuskan ({}) sehingga jawaban Bapak/Ibu tidak diperlukan lagi. Tautan pada email permintaan sebelumnya tidak berlaku.",
                    s(d, "keputusan").replace("pilih:", "pilihan ")
                )],
            ),
            "dikembalikan" => (
                format!("Dikembalikan: {judul} - {langkah}"),
                vec![format!(
                    "Usulan {judul} dikembalikan pada langkah \"{langkah}\" dengan alasan: {}.",
                    s(d, "alasan_kembali")
                )],
            ),
            "selesai" => {
                let approved = s(d, "status") == "selesai_disetujui";
                let mut p = vec![format!(
                    "Proses {judul} telah selesai dan {}.",
                    if approved { "DISETUJUI" } else { "DITOLAK" }
                )];
                if let Some(choice) = d.get("pilihan").and_then(Value::as_str) {
                    p.push(format!("Pilihan yang ditetapkan: {}.", option_label(subject_json, choice).trim_start_matches("PILIH ")));
                }
                (
                    format!("Selesai: {judul} - {}", if approved { "disetujui" } else { "ditolak" }),
                    p,
                )
            }
            "admin" => (
                "Pemberitahuan sistem merit".to_owned(),
                vec![s(d, "pesan").to_owned()],
            ),
            "balasan_ditolak" => (
                format!("Re: {}", s(d, "perihal")),
                vec![
                    format!("Balasan Bapak/Ibu tidak dapat diproses: {}.", s(d, "alasan")),
                    "Untuk menjawab, balas email permintaan persetujuan dan tulis pada baris pertama salah satu kata SETUJU, TOLAK, atau KEMBALIKAN, boleh diikuti komentar; pengembalian wajib disertai alasan. Anda juga dapat memakai tautan pada email permintaan.".to_owned(),
                ],
            ),
            "penyaringan_selesai" => (
                format!("Penyaringan selesai: run {}", s(d, "run_id")),
                vec![s(d, "pesan").to_owned()],
            ),
            other => (format!("Pemberitahuan merit ({other})"), vec![s(d, "pesan").to_owned()]),
        };
        let ctx = context! {
            salam => salam(s(d, "nama")),
            perihal => perihal.clone(),
            paragraf => paragraf,
            ringkasan => if row.jenis == "selesai" { summary(subject_json) } else { Vec::new() },
        };
        (
            perihal,
            st.templates.render("pemberitahuan.txt", &ctx)?,
            st.templates.render("pemberitahuan.html", &ctx)?,
        )
    };
    Ok(Draft {
        from: st.from.to_owned(),
        reply_to: st.from.to_owned(),
        to: row.email.clone(),
        to_name: d.get("nama").and_then(Value::as_str).map(str::to_owned),
        subject,
        text,
        html,
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
}
