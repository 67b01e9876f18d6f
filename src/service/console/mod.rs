//! What the web console shows (console.md 3), in service types ready for its templates:
//! numbers kept as numbers (the templates format them), dates already in words, NIK and NIP
//! masked unless the viewer's role may see them — and then each view is audited.

pub mod audit;
pub mod candidates;
pub mod dashboard;
pub mod diagram;
pub mod downloads;
pub mod editor;
pub mod placements;
pub mod runs;
pub mod workflows;

use chrono_tz::Tz;

use super::{App, ServiceError, audit::Actor, ground::when};
use crate::{
    domain::{Role, Subject, format_moment_id},
    screening::Run,
    service::ground::versions::VersionName,
};

/// Who is looking.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// Their role.
    pub role: Role,
    /// Who they are, for the audit log.
    pub actor: Actor,
}

/// A notice for the page an action redirects to, sealed so that nobody can put words on a
/// console page through a crafted link.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn seal_notice(app: &App, text: &str) -> Result<String, ServiceError> {
    let secret = crate::service::ground::links::link_secret(app).await?;
    Ok(crate::auth::seal(&secret, &format!("pesan\u{1f}{text}")))
}

/// The notice a sealed token carries; `None` when forged or unreadable.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn open_notice(app: &App, token: &str) -> Option<String> {
    let secret = crate::service::ground::links::link_secret(app).await.ok()?;
    crate::auth::open(&secret, token)?
        .strip_prefix("pesan\u{1f}")
        .map(str::to_owned)
}

/// A share of a whole, in whole percent (0 when the whole is empty).
pub(crate) fn percent(part: u64, whole: u64) -> u64 {
    (part * 100).checked_div(whole).unwrap_or(0)
}

/// A ruleset version as people name it: `versi 3`, or `versi awal` for files in force that were
/// never published through merit (the installation's first rules, a hand edit).
pub fn version_words(v: &VersionName) -> String {
    v.nomor
        .map_or_else(|| "versi awal".to_owned(), |n| format!("versi {n}"))
}

/// A run as people name it: `Penyaringan 7 Desember 2026 pukul 02.00 (versi 3)`, or
/// `Penyaringan perorangan …` for one candidate screened again.
pub fn run_name(run: &crate::screening::Run, tz: Tz, version: &VersionName) -> String {
    let kind = match run.jenis {
        crate::screening::RunKind::Penuh => "",
        crate::screening::RunKind::Perorangan => " perorangan",
    };
    format!(
        "Penyaringan{kind} {} ({})",
        format_moment_id(crate::clock::from_ms(run.dibuat_ms), tz),
        version_words(version)
    )
}

/// A placement as people name it: `Penempatan 7 Desember 2026 pukul 02.05`.
pub fn placement_name(made_ms: i64, tz: Tz) -> String {
    format!(
        "Penempatan {}",
        format_moment_id(crate::clock::from_ms(made_ms), tz)
    )
}

/// What an instance is about, in words (none for a workflow started on nothing in particular).
pub fn subject_words(subject: &Subject, tz: Tz) -> Option<String> {
    match subject {
        Subject::Penempatan(p) => Some(placement_name(p.dibuat_ms, tz)),
        Subject::Lowongan(v) => Some(format!("jabatan {} pada unit {}", v.jabatan, v.unit_kerja)),
        Subject::PerubahanAturan(c) => Some(format!(
            "perubahan {} oleh {}",
            c.definisi
                .replace("aturan:", "aturan ")
                .replace("alur:", "alur "),
            c.penulis
        )),
        Subject::Sanggah(o) => Some(format!("sanggah {} dari {}", o.nomor, o.nama)),
        Subject::Bebas {} => None,
    }
}

/// An instance as people name it: `Usulan PPPK Paruh Waktu — Penempatan 7 Desember 2026 pukul
/// 02.05, dimulai 7 Desember 2026 pukul 02.10`.
pub fn instance_name(title: &str, subject: Option<&str>, started_ms: i64, tz: Tz) -> String {
    let started = format_moment_id(crate::clock::from_ms(started_ms), tz);
    match subject {
        Some(s) => format!("{title} — {s}, dimulai {started}"),
        None => format!("{title}, dimulai {started}"),
    }
}

/// The names of runs by id, read once for a page that names several.
#[derive(Debug, Default)]
pub struct RunNames(std::collections::HashMap<String, String>);

impl RunNames {
    /// Every run's name.
    pub async fn load(app: &App) -> Result<Self, ServiceError> {
        let runs = super::screening::runs(app).await?;
        let mut numbering = std::collections::HashMap::new();
        let mut out = Self::default();
        for r in &runs {
            if !numbering.contains_key(&r.ruleset) {
                let n = crate::service::ground::versions::numbering(app, &r.ruleset).await?;
                numbering.insert(r.ruleset.clone(), n);
            }
            let version = numbering
                .get(&r.ruleset)
                .map(|n| n.name(&r.versi, Some(r.dibuat_ms)))
                .unwrap_or_else(|| VersionName {
                    nomor: None,
                    sidik: r.versi.clone(),
                });
            out.0
                .insert(r.id.clone(), run_name(r, app.settings.timezone, &version));
        }
        Ok(out)
    }

    /// Run `id`'s name (a run no longer kept is named as such, never by its id).
    pub fn name(&self, id: &str) -> String {
        self.0
            .get(id)
            .cloned()
            .unwrap_or_else(|| "penyaringan yang tidak tersimpan lagi".to_owned())
    }

    /// The name of `run`, read before.
    pub fn of(&self, run: &Run) -> String {
        self.name(&run.id)
    }
}

/// Whether `s` is a UUID as merit writes them (`0193f5c2-7a4e-7cc1-9b1e-2f6d8e0a1b2c`).
fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// What the id `id` names, in words: a run, a placement, an approval process, a draft or a
/// vacancy.
async fn id_in_words(app: &App, runs: &RunNames, id: &str) -> Result<String, ServiceError> {
    let tz = app.settings.timezone;
    if runs.0.contains_key(id) {
        return Ok(runs.name(id));
    }
    if let Some(p) = app.store.placement(id).await? {
        return Ok(placement_name(p.dibuat_ms, tz));
    }
    if let Some(row) = app.store.instance_head(id).await? {
        let (title, _) = crate::service::ground::workflows::titles(app, &row, "").await?;
        let subject = row.subjek.typed().ok().and_then(|s| subject_words(s, tz));
        return Ok(format!(
            "proses persetujuan {}",
            instance_name(&title, subject.as_deref(), row.dibuat_ms, tz)
        ));
    }
    if let Ok(d) = super::drafts::get(app, id).await {
        return Ok(format!("draf {} oleh {}", d.key.label(), d.penulis));
    }
    if let Some(v) = app.store.vacancy(id).await?
        && let Ok(v) = serde_json::from_value::<crate::domain::VacancySubject>(v)
    {
        return Ok(format!(
            "lowongan jabatan {} pada unit {}",
            v.jabatan, v.unit_kerja
        ));
    }
    Ok("(rujukan yang tidak tersimpan lagi)".to_owned())
}

/// `texts` with every UUID in them written as what it names (runs, placements, approval
/// processes, drafts), for pages that show what merit recorded, such as the audit log.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn ids_in_words(app: &App, texts: Vec<String>) -> Result<Vec<String>, ServiceError> {
    if !texts.iter().any(|t| t.split(is_not_id).any(is_uuid)) {
        return Ok(texts);
    }
    let runs = RunNames::load(app).await?;
    let mut known: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(texts.len());
    for text in texts {
        let mut shown = String::with_capacity(text.len());
        let mut rest = text.as_str();
        while let Some(start) = rest.find(|c: char| !is_not_id(c)) {
            let len = rest[start..].find(is_not_id).unwrap_or(rest.len() - start);
            let token = &rest[start..start + len];
            shown.push_str(&rest[..start]);
            if is_uuid(token) {
                if !known.contains_key(token) {
                    let words = id_in_words(app, &runs, token).await?;
                    known.insert(token.to_owned(), words);
                }
                shown.push_str(known.get(token).map_or(token, String::as_str));
            } else {
                shown.push_str(token);
            }
            rest = &rest[start + len..];
        }
        shown.push_str(rest);
        out.push(shown);
    }
    Ok(out)
}

/// Outside a UUID's characters.
fn is_not_id(c: char) -> bool {
    !(c.is_ascii_hexdigit() || c == '-')
}
