//! What the definition editor's pages show (console.md 4): a definition's versions and
//! drafts, a draft with its diff, problems, test results and preview, one file in the editor
//! with its lines numbered and wrong lines marked, and a preview's changed candidates.

use serde::Serialize;

use crate::{
    domain::{DefinitionKey, FileDiff, format_datetime_id},
    service::{
        App, ServiceError,
        audit::Actor,
        drafts::{self, Draft, DraftStatus, PreviewView},
        ground::versions::VersionInfo,
        rules::Explanation,
    },
};

/// A draft as listed.
#[derive(Debug, Clone, Serialize)]
pub struct DraftLine {
    /// The draft's UUID (v7, made when the draft began); the draft page's address carries it.
    pub id: String,
    /// Who began the draft: the account's e-mail, or `cli:USER` from the command line.
    pub penulis: String,
    /// The status as a page says it (`sedang disunting`, `menunggu persetujuan Kepala BKPSDM`, …).
    pub status: &'static str,
    /// When the draft was last saved, as `30 November 2026 pukul 09.15 WIB`.
    pub diubah: String,
}

/// A definition's page part: its versions and open drafts.
#[derive(Debug, Clone, Serialize)]
pub struct DefinitionIndex {
    /// The definition's code: `aturan:ID`, `alur`, `direktori`, `templat` or `dokumen`.
    pub definisi: String,
    /// The definition in words (`ruleset ID`, `definisi alur persetujuan`, …).
    pub label: String,
    /// The published versions, as `ground::versions::versions` reads them.
    pub versi: Vec<VersionInfo>,
    /// The drafts still open (`terbuka`) on this definition.
    pub draf: Vec<DraftLine>,
}

fn when(app: &App, ms: i64) -> String {
    format_datetime_id(crate::clock::from_ms(ms), app.settings().timezone)
}

/// The versions and open drafts of `key`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn index(app: &App, key: &DefinitionKey) -> Result<DefinitionIndex, ServiceError> {
    let versi = crate::service::ground::versions::versions(app, key).await?;
    index_of(app, key, versi).await
}

/// [`index`] with the versions already read.
async fn index_of(
    app: &App,
    key: &DefinitionKey,
    versi: Vec<VersionInfo>,
) -> Result<DefinitionIndex, ServiceError> {
    Ok(DefinitionIndex {
        definisi: key.code(),
        label: key.label(),
        versi,
        draf: drafts::open_drafts(app, Some(key))
            .await?
            .into_iter()
            .map(|d| DraftLine {
                penulis: d.penulis.clone(),
                status: d.status.label(),
                diubah: when(app, d.diubah_ms),
                id: d.id,
            })
            .collect(),
    })
}

/// A ruleset in force on the Aturan page.
#[derive(Debug, Clone, Serialize)]
pub struct RulesetView {
    /// Versions and drafts (for administrators).
    pub sunting: Option<DefinitionIndex>,
    /// The ruleset's id, as its `ruleset.yaml` names it.
    pub id: String,
    /// The ruleset's title (`judul` in its manifest).
    pub judul: String,
    /// The version in force in words: `versi 2 (sidik …)`.
    pub versi: String,
    /// Whom it judges: `calon` (candidates) or `pegawai` (employees, when a vacancy opens).
    pub subjek: &'static str,
    /// (id, title, legal basis) per rule.
    pub aturan: Vec<(String, String, String)>,
}

/// `/admin/aturan`: the rulesets in force, rule by rule, each version named by number and
/// fingerprint; with `editing` (administrators) their versions and drafts too. Each
/// ruleset's versions are read once for both.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn rules_page(app: &App, editing: bool) -> Result<Vec<RulesetView>, ServiceError> {
    let catalog = crate::service::ground::definitions::read(app, |d| d.compiled()).await?;
    let mut out = Vec::new();
    for rs in catalog.all() {
        let key = DefinitionKey::Ruleset(rs.id.clone());
        let versions = crate::service::ground::versions::versions(app, &key).await?;
        let versi = crate::service::ground::versions::Numbering::of(&versions)
            .name(&rs.version, None)
            .label();
        out.push(RulesetView {
            sunting: if editing {
                Some(index_of(app, &key, versions).await?)
            } else {
                None
            },
            id: rs.id.clone(),
            judul: rs.judul.clone(),
            versi,
            subjek: match rs.subjek {
                crate::rules::SubjectKind::Calon => "calon",
                crate::rules::SubjectKind::Pegawai => "pegawai",
            },
            aturan: rs
                .rules
                .iter()
                .map(|r| (r.id.clone(), r.judul.clone(), r.dasar_hukum.clone()))
                .collect(),
        });
    }
    Ok(out)
}

/// A problem at a line.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// The file's path within the definition's folder.
    pub berkas: String,
    /// The 1-based line the problem is on.
    pub baris: usize,
    /// What is wrong, as the checker says it (Bahasa Indonesia).
    pub pesan: String,
}

/// A file of a draft as listed.
#[derive(Debug, Clone, Serialize)]
pub struct FileLine {
    /// The file's path within the definition's folder.
    pub berkas: String,
    /// How many lines the file has in the draft.
    pub baris: usize,
    /// Whether the draft's text differs from the file in force on the server.
    pub berubah: bool,
    /// How many problems the last check found in this file (0 when not checked).
    pub salah: usize,
}

/// A rule of a ruleset draft, from its manifest.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RuleLine {
    /// The rule's id from the manifest (`PW-01`); empty when the manifest omits it.
    pub id: String,
    /// The rule's title (`judul`); empty when the manifest omits it.
    pub judul: String,
    /// The legal basis the manifest cites (`dasar_hukum`).
    pub dasar_hukum: String,
    /// The script file the rule runs (`skrip`).
    pub skrip: String,
    /// The manifest's `pesan` for the rule (the message shown when it does not pass).
    pub pesan: String,
}

/// One rule's expected vs actual result in a failing case.
#[derive(Debug, Clone, Serialize)]
pub struct RuleResult {
    /// The rule's id.
    pub id: String,
    /// What the case expects of the rule: `lolos`, `gagal`, `tinjau`, or `-` when it does not say.
    pub harapan: String,
    /// What the rule said: `lolos`, `gagal`, `tinjau` or `kesalahan` (a script error).
    pub hasil: String,
    /// The reason the rule gave; `None` for a plain `lolos`.
    pub alasan: Option<String>,
    /// Whether this rule is one that did not match the expectation.
    pub salah: bool,
}

/// A failing test case.
#[derive(Debug, Clone, Serialize)]
pub struct FailedCase {
    /// The case's 0-based position among the failing cases (names its checkbox, `kasus_N`).
    pub nomor: usize,
    /// The case's name, as its test file writes it.
    pub nama: String,
    /// The test file, relative to the ruleset's folder.
    pub berkas: String,
    /// The line of the case's name in that file.
    pub baris: usize,
    /// The outcome the case expects (`layak`, `tidak layak`, `perlu verifikasi`).
    pub harapan: String,
    /// The outcome the draft's rules gave.
    pub hasil: String,
    /// Every rule's expected vs actual verdict, the mismatching ones marked.
    pub aturan: Vec<RuleResult>,
}

/// Cases with no result, for one reason (not run: a limit passed; parameters that do not
/// compile).
#[derive(Debug, Clone, Serialize)]
pub struct NoResult {
    /// Why these cases have no result (the test runner's note).
    pub alasan: String,
    /// How many cases share that reason.
    pub jumlah: usize,
    /// The first few case names, joined.
    pub kasus: String,
}

/// Uji's result.
#[derive(Debug, Clone, Serialize)]
pub struct TestView {
    /// How many test cases the ruleset has in all.
    pub kasus: usize,
    /// How many passed: all cases less the failing and result-less ones.
    pub lulus: usize,
    /// The cases that ran and got the wrong outcome (`gagal` = failed).
    pub gagal: Vec<FailedCase>,
    /// Cases without a result, grouped by why (said once, not once per case).
    pub tanpa_hasil: Vec<NoResult>,
}

/// The preview part of a draft's page.
#[derive(Debug, Clone, Serialize)]
pub struct PreviewPart {
    /// `belum`, `berjalan`, `gagal`, `selesai`.
    pub status: &'static str,
    /// Candidates judged so far (all of them once `selesai`).
    pub selesai: u64,
    /// Candidates to judge in all (`jumlah` = total); 0 while `belum` or `gagal`.
    pub jumlah: u64,
    /// Progress in percent, 0–100 (100 once `selesai`).
    pub persen: u64,
    /// Why the preview failed; `None` unless the status is `gagal`.
    pub pesan: Option<String>,
    /// The result as sentences (counts per outcome, the comparison with the last finished run).
    pub ringkasan: Vec<String>,
    /// Candidates per outcome change, `layak → tidak_layak` style, against the last finished run.
    pub perpindahan: Vec<(String, u64)>,
    /// Per rule, `ID Title`: candidates whose verdict for that rule changed.
    pub per_aturan: Vec<(String, u64)>,
    /// Candidates whose outcome changed against the last finished run.
    pub berubah: u64,
    /// The id of the screening run compared against; `None` when no run had finished.
    pub dibandingkan_dengan: Option<String>,
}

/// A draft's page.
#[derive(Debug, Clone, Serialize)]
pub struct DraftPage {
    /// The draft's UUID (v7).
    pub id: String,
    /// The definition's code: `aturan:ID`, `alur`, `direktori`, `templat` or `dokumen`.
    pub definisi: String,
    /// The definition in words (`ruleset ID`, `definisi alur persetujuan`, …).
    pub label: String,
    /// Whether the draft is of a ruleset (parameters, rules, Uji and the preview apply).
    pub aturan_set: bool,
    /// Who began the draft: the account's e-mail, or `cli:USER` from the command line.
    pub penulis: String,
    /// The status code: `terbuka`, `menunggu`, `diterbitkan`, `dibuang` or `ditolak`.
    pub status: &'static str,
    /// The status as a page says it (`sedang disunting`, `menunggu persetujuan Kepala BKPSDM`, …).
    pub status_label: &'static str,
    /// Whether the draft can still be edited (status `terbuka`).
    pub terbuka: bool,
    /// The revision number, 1 when begun and raised by each save.
    pub revisi: i64,
    /// When the draft began, as `30 November 2026 pukul 09.15 WIB`.
    pub dibuat: String,
    /// When the draft was last saved, as `30 November 2026 pukul 09.15 WIB`.
    pub diubah: String,
    /// Why the draft ended as it did; `None` while it waits for approval or has no note.
    pub catatan: Option<String>,
    /// The approval workflow instance's id, once sent for approval.
    pub instans: Option<String>,
    /// The draft's files, with line counts, changes and problem counts.
    pub berkas: Vec<FileLine>,
    /// How the draft's files differ from those in force on the server.
    pub perbedaan: Vec<FileDiff>,
    /// The files on the server changed since the draft began: publishing is refused.
    pub server_berubah: Vec<FileDiff>,
    /// The manifest's scalar parameters (`param`), name and value; empty for other definitions.
    pub param: Vec<(String, String)>,
    /// The manifest's rules; empty for other definitions or a manifest that does not parse.
    pub aturan: Vec<RuleLine>,
    /// Whether Periksa ran on this page, so `kesalahan` is meaningful.
    pub diperiksa: bool,
    /// The problems Periksa found (`kesalahan` = errors); empty when it did not run.
    pub kesalahan: Vec<Problem>,
    /// Uji's results; `None` unless Uji was asked for on a ruleset draft.
    pub uji: Option<TestView>,
    /// The preview over the candidates: its progress or result.
    pub pratinjau: PreviewPart,
    /// Whether the draft can be previewed over the candidates (a candidate ruleset).
    pub pratinjau_bisa: bool,
    /// Whether publishing needs the Kepala BKPSDM's approval (a ruleset, when the settings say so).
    pub persetujuan: bool,
    /// The draft's workflows drawn (a draft of the workflows, when valid).
    pub diagram: Vec<super::diagram::Diagram>,
    /// The draft's templates rendered with sample data (a draft of the templates).
    pub contoh: Vec<(String, String)>,
    /// Where the definition's index page is, and its name.
    pub kembali: &'static str,
    /// That index page's name (`Aturan`, `Definisi alur`, `Direktori`, `Templat pesan`, …).
    pub kembali_label: &'static str,
}

/// The console page that lists `key`'s versions and drafts: its address and its name.
pub fn index_page(key: &DefinitionKey) -> (&'static str, &'static str) {
    match key {
        DefinitionKey::Ruleset(_) => ("/admin/aturan", "Aturan"),
        DefinitionKey::Workflows => ("/admin/alur-definisi", "Definisi alur"),
        DefinitionKey::Directory => ("/admin/direktori", "Direktori"),
        DefinitionKey::Templates => ("/admin/templat", "Templat pesan"),
        DefinitionKey::Documents => ("/admin/templat", "Templat dokumen"),
    }
}

fn scalar(v: &serde_yaml::Value) -> Option<String> {
    match v {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        serde_yaml::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// What a ruleset draft's manifest says, read leniently (a broken manifest shows none;
/// Periksa says why).
#[derive(Default)]
struct Manifest {
    /// Scalar params.
    param: Vec<(String, String)>,
    aturan: Vec<RuleLine>,
    /// `calon` or `pegawai`.
    subjek: String,
}

fn manifest_parts(d: &Draft) -> Manifest {
    let Some(text) = d.berkas.0.get("ruleset.yaml") else {
        return Manifest::default();
    };
    let Ok(v) = serde_yaml::from_str::<serde_yaml::Value>(text) else {
        return Manifest::default();
    };
    let params = v
        .get("param")
        .and_then(|p| p.as_mapping())
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.as_str()?.to_owned(), scalar(v)?)))
                .collect()
        })
        .unwrap_or_default();
    let text_of = |r: &serde_yaml::Value, k: &str| r.get(k).and_then(scalar).unwrap_or_default();
    let rules = v
        .get("aturan")
        .and_then(|a| a.as_sequence())
        .map(|s| {
            s.iter()
                .map(|r| RuleLine {
                    id: text_of(r, "id"),
                    judul: text_of(r, "judul"),
                    dasar_hukum: text_of(r, "dasar_hukum"),
                    skrip: text_of(r, "skrip"),
                    pesan: text_of(r, "pesan"),
                })
                .collect()
        })
        .unwrap_or_default();
    Manifest {
        param: params,
        aturan: rules,
        subjek: v.get("subjek").and_then(scalar).unwrap_or_default(),
    }
}

/// The draft's problems, checked off the request threads.
async fn problems(
    app: &App,
    d: &Draft,
    depth: drafts::Depth,
) -> Result<Vec<Problem>, ServiceError> {
    let diags = drafts::check_off_thread(app, &d.key, &d.berkas, depth).await?;
    Ok(drafts::problems_by_file(app.settings(), &d.key, &diags)
        .into_iter()
        .map(|(berkas, baris, pesan)| Problem {
            berkas,
            baris,
            pesan,
        })
        .collect())
}

/// The draft's test cases, run off the request threads.
async fn test_view(app: &App, d: &Draft) -> Result<TestView, ServiceError> {
    let t = drafts::test_off_thread(app, &d.key, &d.berkas).await?;
    let root = drafts::relative_to(app.settings(), &d.key);
    let (none, failed): (Vec<_>, Vec<_>) = t.gagal.iter().partition(|f| f.catatan.is_some());
    let mut tanpa_hasil: Vec<NoResult> = Vec::new();
    for f in none {
        let alasan = f.catatan.clone().unwrap_or_default();
        match tanpa_hasil.iter_mut().find(|g| g.alasan == alasan) {
            Some(g) => {
                g.jumlah += 1;
                if g.jumlah <= 5 {
                    g.kasus.push_str(&format!("; {}", f.nama));
                } else if g.jumlah == 6 {
                    g.kasus.push_str("; …");
                }
            }
            None => tanpa_hasil.push(NoResult {
                alasan,
                jumlah: 1,
                kasus: f.nama.clone(),
            }),
        }
    }
    Ok(TestView {
        kasus: t.kasus,
        lulus: t.kasus.saturating_sub(t.gagal.len()),
        tanpa_hasil,
        gagal: failed
            .into_iter()
            .enumerate()
            .map(|(i, f)| FailedCase {
                nomor: i,
                nama: f.nama.clone(),
                berkas: root(&f.file),
                baris: f.line,
                harapan: f.harapan.to_string(),
                hasil: f.aktual.to_string(),
                aturan: f
                    .aturan
                    .iter()
                    .map(|(m, wrong)| RuleResult {
                        id: m.id.clone(),
                        harapan: m.harapan.to_string(),
                        hasil: m.aktual.code().to_owned(),
                        alasan: m.aktual.reason().map(str::to_owned),
                        salah: *wrong,
                    })
                    .collect(),
            })
            .collect(),
    })
}

/// The titles of a ruleset draft's rules, by id.
fn rule_titles(d: &Draft) -> std::collections::BTreeMap<String, String> {
    manifest_parts(d)
        .aturan
        .into_iter()
        .map(|r| (r.id, r.judul))
        .collect()
}

/// A rule by id and title (`PW-01 Usia`); by id alone only when the draft no longer has it.
fn titled_rule(titles: &std::collections::BTreeMap<String, String>, id: &str) -> String {
    match titles.get(id).filter(|t| !t.is_empty()) {
        Some(t) => format!("{id} {t}"),
        None => format!("{id} (tidak ada lagi dalam draf)"),
    }
}

fn preview_part(app: &App, d: &Draft) -> PreviewPart {
    let mut part = PreviewPart {
        status: "belum",
        selesai: 0,
        jumlah: 0,
        persen: 0,
        pesan: None,
        ringkasan: Vec::new(),
        perpindahan: Vec::new(),
        per_aturan: Vec::new(),
        berubah: 0,
        dibandingkan_dengan: None,
    };
    match drafts::preview_view(app, d) {
        PreviewView::None => {}
        PreviewView::Running(done, total) => {
            part.status = "berjalan";
            part.selesai = done;
            part.jumlah = total;
            part.persen = (done * 100).checked_div(total).unwrap_or(0);
        }
        PreviewView::Failed(e) => {
            part.status = "gagal";
            part.pesan = Some(e);
        }
        PreviewView::Ready(r) => {
            part.status = "selesai";
            part.selesai = r.hasil.total;
            part.jumlah = r.hasil.total;
            part.persen = 100;
            part.ringkasan = drafts::summary_lines(&r);
            part.perpindahan = r.perbedaan.perpindahan.clone().into_iter().collect();
            let titles = rule_titles(d);
            part.per_aturan = r
                .perbedaan
                .per_aturan
                .iter()
                .map(|(k, v)| (titled_rule(&titles, k), *v))
                .collect();
            part.berubah = r.perbedaan.berubah;
            part.dibandingkan_dengan = r.dibandingkan_dengan.clone();
        }
    }
    part
}

/// What a draft's page runs on the draft's current text.
#[derive(Debug, Clone, Copy, Default)]
pub struct Trial {
    /// Periksa, to this depth: quick (reading and compiling) after a save, full when asked.
    pub check: Option<drafts::Depth>,
    /// Uji: the ruleset's test cases.
    pub test: bool,
}

impl Trial {
    /// Periksa and/or Uji asked for by the administrator (a POST): a full check, audited.
    pub fn asked(check: bool, test: bool) -> Self {
        Self {
            check: check.then_some(drafts::Depth::Full),
            test,
        }
    }
}

/// A draft's page, running `trial` on its current text: Periksa and Uji asked for are audited
/// as `actor`'s; the quick check a page shows after a save is not.
#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn draft_page(
    app: &App,
    id: &str,
    trial: Trial,
    actor: &Actor,
) -> Result<DraftPage, ServiceError> {
    let (check, test) = (trial.check.is_some(), trial.test);
    let mut d = drafts::get(app, id).await?;
    if d.status == DraftStatus::Menunggu {
        drafts::settle(app, &d).await?;
        d = drafts::get(app, id).await?;
    }
    let asked = trial.check == Some(drafts::Depth::Full) || test;
    if asked {
        let what = match (check, test) {
            (true, true) => "periksa dan uji",
            (true, false) => "periksa",
            _ => "uji",
        };
        drafts::audit_trial(app, &d, actor, what).await?;
    }
    let disk = drafts::files_in_force(app.settings(), &d.key)?;
    let perbedaan = disk.diff(&d.berkas);
    // What changed on the server since the draft began (a hand edit, another publication).
    let server_berubah = match d.status {
        DraftStatus::Terbuka | DraftStatus::Menunggu => d.berkas_dasar.diff(&disk),
        _ => Vec::new(),
    };
    let kesalahan = match trial.check {
        Some(depth) => problems(app, &d, depth).await?,
        None => Vec::new(),
    };
    let aturan_set = matches!(d.key, DefinitionKey::Ruleset(_));
    let manifest = if aturan_set {
        manifest_parts(&d)
    } else {
        Manifest::default()
    };
    // An employee ruleset is judged when a vacancy opens: there is nothing to preview it on.
    let pratinjau_bisa = aturan_set && manifest.subjek != "pegawai";
    let (param, aturan) = (manifest.param, manifest.aturan);
    let berkas = d
        .berkas
        .0
        .iter()
        .map(|(p, t)| FileLine {
            berkas: p.clone(),
            baris: t.lines().count(),
            berubah: perbedaan.iter().any(|f| &f.berkas == p),
            salah: kesalahan.iter().filter(|k| &k.berkas == p).count(),
        })
        .collect();
    Ok(DraftPage {
        definisi: d.key.code(),
        label: d.key.label(),
        aturan_set,
        penulis: d.penulis.clone(),
        status: d.status.code(),
        status_label: d.status.label(),
        terbuka: d.status == DraftStatus::Terbuka,
        revisi: d.revisi,
        dibuat: when(app, d.dibuat_ms),
        diubah: when(app, d.diubah_ms),
        catatan: d
            .catatan
            .clone()
            .filter(|_| d.status != DraftStatus::Menunggu),
        instans: d.instans.clone(),
        berkas,
        perbedaan,
        server_berubah,
        param,
        aturan,
        diperiksa: check,
        kesalahan,
        uji: if test && aturan_set {
            Some(test_view(app, &d).await?)
        } else {
            None
        },
        pratinjau: preview_part(app, &d),
        pratinjau_bisa,
        persetujuan: aturan_set && app.settings().rule_publication_needs_approval,
        diagram: match d.key {
            DefinitionKey::Workflows => drafts::workflows_of(app.settings(), &d.berkas)
                .map(|w| w.values().map(super::diagram::diagram).collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        },
        contoh: match d.key {
            DefinitionKey::Templates => match drafts::samples_off_thread(app, &d.berkas).await? {
                Ok(c) => c,
                Err(d) => vec![("Contoh tidak dapat dibuat".to_owned(), d.to_string())],
            },
            _ => Vec::new(),
        },
        kembali: index_page(&d.key).0,
        kembali_label: index_page(&d.key).1,
        id: d.id,
    })
}

/// One line of the editor's gutter.
#[derive(Debug, Clone, Serialize)]
pub struct GutterLine {
    /// The 1-based line number.
    pub no: usize,
    /// What is wrong on it.
    pub salah: Option<String>,
}

/// The editor page.
#[derive(Debug, Clone, Serialize)]
pub struct EditorPage {
    /// The draft's UUID (v7).
    pub id: String,
    /// The definition's code: `aturan:ID`, `alur`, `direktori`, `templat` or `dokumen`.
    pub definisi: String,
    /// The definition in words (`ruleset ID`, `definisi alur persetujuan`, …).
    pub label: String,
    /// The draft's revision, sent back with a save to refuse a stale one.
    pub revisi: i64,
    /// The file's path within the definition's folder.
    pub berkas: String,
    /// Whether the draft has no such file yet (saving creates it).
    pub baru: bool,
    /// The file's text in the draft; empty for a new file.
    pub teks: String,
    /// One gutter line per line of the text (at least one).
    pub baris: Vec<GutterLine>,
    /// The text area's height in rows: the line count plus two.
    pub rows: usize,
    /// Whether the quick check ran, so `kesalahan` is meaningful.
    pub diperiksa: bool,
    /// The problems in this file; empty when not checked.
    pub kesalahan: Vec<Problem>,
    /// Problems in the draft's other files.
    pub kesalahan_lain: Vec<Problem>,
    /// Whether the draft can still be edited (status `terbuka`).
    pub terbuka: bool,
}

/// File `path` of draft `id` in the editor (a new file when it has none).
#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn editor(
    app: &App,
    id: &str,
    path: &str,
    check: bool,
) -> Result<EditorPage, ServiceError> {
    let d = drafts::get(app, id).await?;
    drafts::admitted_path(app.settings(), &d.key, path)?;
    let teks = d.berkas.0.get(path).cloned();
    let all = if check {
        problems(app, &d, drafts::Depth::Quick).await?
    } else {
        Vec::new()
    };
    let (kesalahan, kesalahan_lain): (Vec<Problem>, Vec<Problem>) =
        all.into_iter().partition(|p| p.berkas == path);
    let text = teks.clone().unwrap_or_default();
    let n = text.lines().count().max(1);
    let baris = (1..=n)
        .map(|no| GutterLine {
            no,
            salah: {
                let here: Vec<&str> = kesalahan
                    .iter()
                    .filter(|p| p.baris == no)
                    .map(|p| p.pesan.as_str())
                    .collect();
                (!here.is_empty()).then(|| here.join("; "))
            },
        })
        .collect();
    Ok(EditorPage {
        definisi: d.key.code(),
        label: d.key.label(),
        revisi: d.revisi,
        berkas: path.to_owned(),
        baru: teks.is_none(),
        teks: text,
        baris,
        rows: n + 2,
        diperiksa: check,
        kesalahan,
        kesalahan_lain,
        terbuka: d.status == DraftStatus::Terbuka,
        id: d.id,
    })
}

/// A changed candidate in a preview.
#[derive(Debug, Clone, Serialize)]
pub struct ChangedCandidate {
    /// The candidate's NIK, masked to the last four digits.
    pub nik: String,
    /// The candidate's name from the imported data; empty when unknown.
    pub nama: String,
    /// The outcome in the last finished run (`layak`, `tidak layak`, `perlu verifikasi`), or `-`.
    pub sebelum: String,
    /// The outcome under the draft, in the same words, or `-`.
    pub sesudah: String,
    /// Rule, before → after, old reason, new reason.
    pub aturan: Vec<(String, String, String, String, String)>,
}

/// The preview page.
#[derive(Debug, Clone, Serialize)]
pub struct PreviewPage {
    /// The draft's UUID (v7).
    pub id: String,
    /// The definition in words (`ruleset ID`).
    pub label: String,
    /// The preview's progress or result, as on the draft's page.
    pub bagian: PreviewPart,
    /// This page's changed candidates (at most 50).
    pub calon: Vec<ChangedCandidate>,
    /// The 1-based page shown.
    pub halaman: usize,
    /// How many pages of 50 the kept changes fill (at least 1).
    pub jumlah_halaman: usize,
    /// How many changed candidates the preview kept (it keeps a limited number).
    pub disimpan: usize,
    /// The explanation of the candidate asked for, judged under the draft; `None` when not asked.
    pub contoh: Option<Explanation>,
    /// Why that explanation could not be made (an invalid or unknown NIK, …).
    pub contoh_salah: Option<String>,
}

const PER_PAGE: usize = 50;

/// A draft's preview: progress while it runs, then its changed candidates page by page, and
/// the full explanation of one candidate under the draft (`sample`: the NIK asked for, and
/// who asked, for the audit log).
#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn preview_page(
    app: &App,
    id: &str,
    page: usize,
    sample: Option<(&str, &Actor)>,
) -> Result<PreviewPage, ServiceError> {
    let d = drafts::get(app, id).await?;
    let bagian = preview_part(app, &d);
    let (mut calon, mut pages, mut kept) = (Vec::new(), 1, 0);
    let page = page.max(1);
    if let Some(r) = &d.pratinjau {
        kept = r.perbedaan.perubahan.len();
        pages = kept.div_ceil(PER_PAGE).max(1);
        let slice: Vec<_> = r
            .perbedaan
            .perubahan
            .iter()
            .skip((page - 1) * PER_PAGE)
            .take(PER_PAGE)
            .collect();
        let niks: Vec<crate::domain::Nik> = slice.iter().map(|c| c.nik).collect();
        let names = crate::service::screening::names(app, &niks).await?;
        let label =
            |h: Option<crate::domain::Hasil>| h.map_or("-".to_owned(), |h| h.label().to_owned());
        let titles = rule_titles(&d);
        calon = slice
            .into_iter()
            .map(|c| ChangedCandidate {
                nik: c.nik.masked(),
                nama: names.get(&c.nik).cloned().unwrap_or_default(),
                sebelum: label(c.hasil_sebelum),
                sesudah: label(c.hasil_sesudah),
                aturan: c
                    .aturan
                    .iter()
                    .map(|a| {
                        (
                            titled_rule(&titles, &a.id),
                            a.sebelum.replace('_', " "),
                            a.sesudah.replace('_', " "),
                            a.alasan_sebelum.clone().unwrap_or_default(),
                            a.alasan.clone().unwrap_or_default(),
                        )
                    })
                    .collect(),
            })
            .collect();
    }
    let (contoh, contoh_salah) = match sample {
        Some((nik, actor)) => {
            let result = drafts::explain_sample(app, &d, nik.trim()).await;
            let shown = match &result {
                Ok(e) => format!("penjelasan calon {}", e.nik),
                Err(_) => "penjelasan calon: NIK tidak sah atau tidak ada".to_owned(),
            };
            drafts::audit_trial(app, &d, actor, &shown).await?;
            match result {
                Ok(e) => (Some(e), None),
                Err(e) => (None, Some(e.to_string())),
            }
        }
        None => (None, None),
    };
    Ok(PreviewPage {
        id: d.id.clone(),
        label: d.key.label(),
        bagian,
        calon,
        halaman: page,
        jumlah_halaman: pages,
        disimpan: kept,
        contoh,
        contoh_salah,
    })
}

/// `/admin/alur-definisi`: every workflow in force drawn, its versions and drafts.
#[derive(Debug, Clone, Serialize)]
pub struct WorkflowsPage {
    /// The workflow definitions' versions and open drafts.
    pub sunting: DefinitionIndex,
    /// Every workflow in force drawn; empty when the workflow files on the server are not in force.
    pub diagram: Vec<super::diagram::Diagram>,
    /// Why the workflow files on the server are not in force, when they are not.
    pub masalah: Option<String>,
}

/// The workflows page.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn workflows_page(app: &App) -> Result<WorkflowsPage, ServiceError> {
    let live = crate::service::ground::definitions::read(app, |d| d.workflows()).await?;
    Ok(WorkflowsPage {
        sunting: index(app, &DefinitionKey::Workflows).await?,
        diagram: live
            .value
            .as_ref()
            .map(|w| w.values().map(|d| super::diagram::diagram(d)).collect())
            .unwrap_or_default(),
        masalah: live.problem.as_ref().map(ToString::to_string),
    })
}

/// `/admin/direktori`: the directory in force, its versions and drafts.
#[derive(Debug, Clone, Serialize)]
pub struct DirectoryPage {
    /// The directory's versions and open drafts.
    pub sunting: DefinitionIndex,
    /// The directory in force; the last valid copy stored when the server's file does not read (see `peringatan`).
    pub direktori: crate::workflow::Directory,
    /// The people with their roles by title.
    pub orang: Vec<PersonLine>,
    /// The acting officials with roles by title and dates in words.
    pub pelaksana: Vec<ActingLine>,
    /// Why the directory file is not in force, when it is not.
    pub peringatan: Option<String>,
}

/// A person of the directory as the page shows them.
#[derive(Debug, Clone, Serialize)]
pub struct PersonLine {
    /// The id the files and the audit trail use (forms send it back).
    pub id: String,
    /// The person's name.
    pub nama: String,
    /// The person's e-mail, where the workflows' messages go.
    pub email: String,
    /// Roles by title.
    pub peran: Vec<String>,
    /// The superior's name (or id, when not in the directory).
    pub atasan: Option<String>,
}

/// An acting official as the page shows them.
#[derive(Debug, Clone, Serialize)]
pub struct ActingLine {
    /// `Plt.` or `Plh.`.
    pub jenis: &'static str,
    /// The role stood in for, by title.
    pub peran: String,
    /// Who stands in (a name).
    pub orang: String,
    /// First and last day, in words.
    pub mulai: String,
    /// The last day stood in, as `format_date_id` writes it (`30 November 2026`).
    pub sampai: String,
    /// The letter it rests on (`dasar`), as the directory file writes it.
    pub dasar: String,
}

/// The directory page.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn directory_page(app: &App) -> Result<DirectoryPage, ServiceError> {
    use crate::{domain::format_date_id, workflow::directory::role_name};
    let (dir, peringatan) = crate::service::ground::workflows::directory(app).await?;
    let named = |id: &str| {
        dir.person(id)
            .map_or_else(|| id.to_owned(), |p| p.nama.clone())
    };
    let orang = dir
        .people()
        .map(|p| PersonLine {
            id: p.id.clone(),
            nama: p.nama.clone(),
            email: p.email.clone(),
            peran: p.peran.iter().map(|r| role_name(r)).collect(),
            atasan: p.atasan.as_deref().map(named),
        })
        .collect();
    let pelaksana = dir
        .acting()
        .iter()
        .map(|a| ActingLine {
            jenis: a.jenis.label(),
            peran: role_name(&a.peran),
            orang: named(&a.orang),
            mulai: format_date_id(a.mulai),
            sampai: format_date_id(a.sampai),
            dasar: a.dasar.clone(),
        })
        .collect();
    Ok(DirectoryPage {
        orang,
        pelaksana,
        sunting: index(app, &DefinitionKey::Directory).await?,
        direktori: dir.as_ref().clone(),
        peringatan,
    })
}

/// `/admin/templat`: the templates in force rendered with a sample message.
#[derive(Debug, Clone, Serialize)]
pub struct TemplatesPage {
    /// The message templates' versions and open drafts.
    pub sunting: DefinitionIndex,
    /// Each message template in force rendered with sample data: (name, text).
    pub contoh: Vec<(String, String)>,
    /// Why the templates on the server do not render, when they do not.
    pub masalah: Option<String>,
    /// The document templates (`dokumen/`): their versions and drafts.
    pub dokumen: DefinitionIndex,
    /// The document template files in force.
    pub berkas_dokumen: Vec<String>,
    /// Why the document templates on the server are refused, when they are.
    pub masalah_dokumen: Option<String>,
}

/// The templates page.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn templates_page(app: &App) -> Result<TemplatesPage, ServiceError> {
    let files = drafts::files_in_force(app.settings(), &DefinitionKey::Templates)?;
    let (contoh, masalah) = match drafts::samples_off_thread(app, &files).await? {
        Ok(c) => (c, None),
        Err(d) => (Vec::new(), Some(d.to_string())),
    };
    let documents = crate::service::ground::definitions::read(app, |d| d.documents()).await?;
    Ok(TemplatesPage {
        sunting: index(app, &DefinitionKey::Templates).await?,
        contoh,
        masalah,
        dokumen: index(app, &DefinitionKey::Documents).await?,
        berkas_dokumen: documents
            .value
            .as_ref()
            .map(|t| t.files.iter().map(|f| f.name.clone()).collect())
            .unwrap_or_default(),
        masalah_dokumen: documents.problem.as_ref().map(ToString::to_string),
    })
}
