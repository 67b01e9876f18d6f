//! Calon: search by name prefix or NIK (full or last four), filters, pages of 50; and one
//! candidate with the latest decision rule by rule (reason and legal basis), earlier decisions,
//! and the placement with its reason.

use serde::Serialize;

use super::Viewer;
use crate::service::ground::{links::reference, when};
use crate::{
    domain::{Action, Nik, format_date_id, format_rupiah},
    service::{App, ServiceError, Sought, audit, rules::RuleExplanation},
    store::{CandidateSearch, Search},
};

/// Rows per page.
pub const PAGE: u64 = 50;

/// What the list was asked for (the URL's query).
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// Name prefix, full NIK, or the last four NIK digits.
    pub q: Option<String>,
    /// `layak`, `tidak_layak`, `perlu_verifikasi`.
    pub hasil: Option<String>,
    /// Unit code.
    pub unit: Option<String>,
    /// Applicant category.
    pub kategori: Option<String>,
    /// Where the page starts (the previous page's `berikutnya`).
    pub setelah: Option<String>,
}

/// A page of the list.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// This page's candidates, at most 50, ordered by name then NIK.
    pub baris: Vec<Row>,
    /// The run whose outcomes are shown.
    pub penyaringan: Option<String>,
    /// That run's name.
    pub penyaringan_nama: Option<String>,
    /// The cursor of the next page, when there is one.
    pub berikutnya: Option<String>,
    /// How many candidates the search finds, in words: `123 calon ditemukan`, or `lebih dari
    /// 10.000 calon ditemukan` (counting stops there).
    pub ditemukan: String,
}

/// Counting the candidates a search finds stops here.
const COUNT_CAP: u64 = 10_000;

/// One candidate in the list (NIK masked).
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The link's reference.
    pub rujukan: String,
    /// `************1234`.
    pub nik: String,
    /// The candidate's name as imported.
    pub nama: String,
    /// The candidate's work unit code as imported.
    pub unit_kerja: String,
    /// The applicant category code as imported (`R2`, `R3`, …).
    pub kategori_pelamar: String,
    /// The position category in words; the raw value when it is not a known code.
    pub kategori_jabatan: String,
    /// The outcome code in the latest finished run; `None` when no run has judged the candidate.
    pub hasil: Option<String>,
}

fn search_of(q: Option<&str>) -> Result<Search, ServiceError> {
    let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) else {
        return Ok(Search::All);
    };
    if q.chars().all(|c| c.is_ascii_digit()) {
        return match q.len() {
            16 => Ok(Search::Nik(q.to_owned())),
            4 => Ok(Search::Last4(q.to_owned())),
            _ => Err(ServiceError::value(
                "pencarian",
                "tulis NIK lengkap (16 angka), empat angka terakhir NIK, atau awal nama",
            )),
        };
    }
    if q.chars().count() > 100 {
        return Err(ServiceError::value(
            "pencarian",
            "paling panjang 100 karakter",
        ));
    }
    Ok(Search::NamePrefix(q.to_lowercase()))
}

/// One page of candidates.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(app: &App, query: &Query) -> Result<Page, ServiceError> {
    // The latest finished run: a run in progress has only part of its results.
    let latest = app.store.latest_finished_run(None).await?;
    let penyaringan_nama = match &latest {
        Some(r) => {
            let version = crate::service::ground::runs::version_of(app, r).await?;
            Some(super::run_name(r, app.settings.timezone, &version))
        }
        None => None,
    };
    let run = latest.map(|r| r.id);
    let secret = crate::service::ground::links::link_secret(app).await?;
    let setelah = match &query.setelah {
        Some(c) => Some(
            crate::auth::open(&secret, c)
                .and_then(|s| {
                    s.split_once('\u{1f}')
                        .map(|(a, b)| (a.to_owned(), b.to_owned()))
                })
                .ok_or_else(|| ServiceError::value("setelah", "penanda halaman tidak sah"))?,
        ),
        None => None,
    };
    let nonempty = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    let search = CandidateSearch {
        search: search_of(query.q.as_deref())?,
        run_id: run.clone(),
        hasil: nonempty(&query.hasil),
        unit: nonempty(&query.unit),
        kategori: nonempty(&query.kategori),
        setelah,
        limit: PAGE + 1,
    };
    let found = app.store.count_candidates(&search, COUNT_CAP).await?;
    let ditemukan = if found > COUNT_CAP {
        format!(
            "lebih dari {} calon ditemukan",
            crate::domain::format_number_id(i64::try_from(COUNT_CAP).unwrap_or(i64::MAX))
        )
    } else {
        format!(
            "{} calon ditemukan",
            crate::domain::format_number_id(i64::try_from(found).unwrap_or(i64::MAX))
        )
    };
    let mut rows = app.store.search_candidates(&search).await?;
    let more = rows.len() as u64 > PAGE;
    rows.truncate(PAGE as usize);
    let berikutnya = if more {
        rows.last().map(|r| {
            crate::auth::seal(
                &secret,
                &format!("{}\u{1f}{}", r.nama_kunci, r.nik.as_str()),
            )
        })
    } else {
        None
    };
    Ok(Page {
        baris: rows
            .into_iter()
            .map(|r| Row {
                rujukan: crate::auth::seal(&secret, r.nik.as_str()),
                nik: r.nik.masked(),
                nama: r.nama,
                unit_kerja: r.unit_kerja,
                kategori_pelamar: r.kategori_pelamar,
                kategori_jabatan: crate::domain::KategoriJabatan::parse(&r.kategori_jabatan)
                    .map_or(r.kategori_jabatan, |k| k.label().to_owned()),
                hasil: r.hasil,
            })
            .collect(),
        penyaringan: run,
        penyaringan_nama,
        berikutnya,
        ditemukan,
    })
}

/// One candidate.
#[derive(Debug, Clone, Serialize)]
pub struct Detail {
    /// The link's reference.
    pub rujukan: String,
    /// The NIK as this viewer may see it.
    pub nik: String,
    /// Whether `nik` is the full number (a view that was audited).
    pub nik_lengkap: bool,
    /// The keyed tag every audit entry about this candidate carries (for a link to them),
    /// for viewers who see the full NIK.
    pub tanda_audit: Option<String>,
    /// The candidate's name as imported.
    pub nama: String,
    /// The data as imported: (label, value), in the order of the import columns.
    pub data: Vec<(String, String)>,
    /// The latest decision rule by rule.
    pub keputusan: Option<DecisionView>,
    /// Decisions in earlier runs.
    pub sebelumnya: Vec<Earlier>,
    /// The placement, when the latest placement considered this candidate.
    pub penempatan: Option<PlacementView>,
}

/// A decision with every rule's result.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionView {
    /// The id of the run that made the latest decision.
    pub penyaringan: String,
    /// The run's name.
    pub penyaringan_nama: String,
    /// The id of the ruleset that decided.
    pub ruleset: String,
    /// The ruleset version in words: `versi 3 (sidik …)`.
    pub versi: String,
    /// The outcome code: `layak`, `tidak_layak` or `perlu_verifikasi`.
    pub hasil: String,
    /// Priority from the ruleset's `prioritas` script (higher first); `None` when it has none.
    pub prioritas: Option<f64>,
    /// Every rule's verdict with reason and legal basis, identifiers in reasons masked.
    pub aturan: Vec<RuleExplanation>,
}

/// A decision of an earlier run.
#[derive(Debug, Clone, Serialize)]
pub struct Earlier {
    /// The earlier run's id.
    pub penyaringan: String,
    /// The run's name.
    pub penyaringan_nama: String,
    /// When that decision was made, as `30 November 2026 pukul 09.15 WIB` (`waktu` = time).
    pub waktu: String,
    /// The ruleset version it was made under, in words: `versi 3 (sidik …)`.
    pub versi: String,
    /// The outcome code, as stored.
    pub hasil: String,
}

/// Where the candidate was placed, or why not.
#[derive(Debug, Clone, Serialize)]
pub struct PlacementView {
    /// The id of the latest placement.
    pub penempatan: String,
    /// The formation the candidate was placed in; `None` when not placed.
    pub kode_formasi: Option<String>,
    /// That formation's work unit code; `None` when not placed.
    pub unit_kerja: Option<String>,
    /// That formation's position; `None` when not placed.
    pub jabatan: Option<String>,
    /// Why the placement placed them there, or did not (`alasan` = reason), as the placement wrote it.
    pub alasan: String,
}

fn yes_no(b: bool) -> String {
    if b { "ya" } else { "tidak" }.to_owned()
}

/// One candidate, named by NIK or reference. A viewer whose role sees identifiers gets the
/// full NIK, and the view is audited.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn detail(app: &App, viewer: &Viewer, key: &str) -> Result<Detail, ServiceError> {
    let nik: Nik = crate::service::ground::links::candidate_key(app, key).await?;
    let c = app
        .store
        .candidate(&nik)
        .await?
        .ok_or_else(|| ServiceError::not_found(Sought::Candidate, nik.masked()))?;
    let full = viewer.role.sees_identifiers();
    let tanda_audit = if full {
        // The masked NIK alone is ambiguous at a million candidates: the keyed tag beside it
        // finds every view of this one person.
        let tag = audit::tag(app, nik.as_str()).await?;
        audit::record(
            app,
            &viewer.actor,
            Action::LihatIdentitas,
            &format!("NIK {} {tag}", nik.masked()),
            "halaman calon",
        )
        .await?;
        Some(tag)
    } else {
        None
    };
    let tz = app.settings.timezone;
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
    let data = vec![
        ("Tanggal lahir".to_owned(), format_date_id(c.tanggal_lahir)),
        (
            "Jenis kelamin".to_owned(),
            c.jenis_kelamin.label().to_owned(),
        ),
        ("Tempat lahir".to_owned(), opt(&c.tempat_lahir)),
        ("Pendidikan".to_owned(), c.pendidikan.label().to_owned()),
        ("Jurusan".to_owned(), opt(&c.jurusan)),
        (
            "Kategori pelamar".to_owned(),
            c.kategori_pelamar.label().to_owned(),
        ),
        ("Terdata di BKN".to_owned(), yes_no(c.terdata_bkn)),
        ("Seleksi 2024".to_owned(), c.seleksi_2024.label().to_owned()),
        (
            "Hasil seleksi 2024".to_owned(),
            c.hasil_seleksi_2024.label().to_owned(),
        ),
        (
            "Mengikuti semua tahap".to_owned(),
            yes_no(c.ikut_semua_tahap),
        ),
        (
            "Nilai seleksi".to_owned(),
            c.nilai_seleksi
                .map_or_else(|| "-".to_owned(), |n| format!("{n:.2}").replace('.', ",")),
        ),
        ("Lulusan PPG".to_owned(), yes_no(c.ppg)),
        ("Aktif bekerja".to_owned(), yes_no(c.aktif_bekerja)),
        ("TMT kerja".to_owned(), format_date_id(c.tmt_kerja)),
        ("Unit kerja".to_owned(), c.unit_kerja.clone()),
        (
            "Kategori jabatan".to_owned(),
            c.kategori_jabatan
                .map_or_else(|| "-".to_owned(), |k| k.label().to_owned()),
        ),
        ("Jabatan".to_owned(), opt(&c.jabatan)),
        ("Gaji terakhir".to_owned(), format_rupiah(c.gaji_terakhir)),
        (
            "Status khusus".to_owned(),
            c.status_khusus
                .map_or_else(|| "-".to_owned(), |s| s.label().to_owned()),
        ),
    ];
    let decisions = app.store.decisions_of(&nik).await?;
    let run_names = super::RunNames::load(app).await?;
    let keputusan = match decisions.first() {
        Some(d) => {
            let e = crate::service::rules::explain_in_run(app, &nik, &d.run_id).await?;
            Some(DecisionView {
                penyaringan: d.run_id.clone(),
                penyaringan_nama: run_names.name(&d.run_id),
                ruleset: e.ruleset,
                versi: e.versi_aturan,
                hasil: e.hasil.code().to_owned(),
                prioritas: e.prioritas,
                aturan: e
                    .aturan
                    .into_iter()
                    .map(|mut r| {
                        r.alasan = r.alasan.map(|a| crate::domain::redact_identifiers(&a).0);
                        r
                    })
                    .collect(),
            })
        }
        None => None,
    };
    // Versions named as everywhere else: number and fingerprint.
    let names = match &keputusan {
        Some(k) => crate::service::ground::versions::numbering(app, &k.ruleset).await?,
        None => crate::service::ground::versions::Numbering::default(),
    };
    let keputusan = keputusan.map(|mut k| {
        let at = decisions.first().map(|d| d.dibuat_ms);
        k.versi = names.name(&k.versi, at).label();
        k
    });
    let sebelumnya = decisions
        .iter()
        .skip(1)
        .map(|d| Earlier {
            penyaringan: d.run_id.clone(),
            penyaringan_nama: run_names.name(&d.run_id),
            waktu: when(d.dibuat_ms, tz),
            versi: names.name(&d.versi, Some(d.dibuat_ms)).label(),
            hasil: d.hasil.clone(),
        })
        .collect();
    let penempatan = match app.store.latest_placement().await? {
        Some(p) => app
            .store
            .placement_of(&p.id, &nik)
            .await?
            .map(|l| PlacementView {
                penempatan: p.id.clone(),
                kode_formasi: l.kode_formasi,
                unit_kerja: l.unit_kerja,
                jabatan: l.jabatan,
                alasan: l.alasan,
            }),
        None => None,
    };
    Ok(Detail {
        rujukan: reference(app, &nik).await?,
        nik: if full {
            nik.as_str().to_owned()
        } else {
            nik.masked()
        },
        nik_lengkap: full,
        tanda_audit,
        nama: c.nama.clone(),
        data,
        keputusan,
        sebelumnya,
        penempatan,
    })
}

/// The rules of a candidate's latest decision a verifier may settle by hand: (id, title) of
/// those left for review, and of those a finding settled (a new finding replaces it).
pub fn settleable(decision: Option<&DecisionView>) -> Vec<(String, String)> {
    decision
        .iter()
        .flat_map(|k| &k.aturan)
        .filter(|a| {
            matches!(a.hasil, "tinjau" | "kesalahan")
                || a.alasan
                    .as_deref()
                    .is_some_and(|r| r.starts_with(crate::domain::MANUAL_LEAD))
        })
        .map(|a| (a.id.clone(), a.judul.clone()))
        .collect()
}

/// A candidate's page: the detail, the manual findings on them (newest first) and the rules a
/// verifier may settle.
#[derive(Debug, Serialize)]
pub struct DetailPage {
    /// The candidate's detail (flattened into this object when serialised).
    #[serde(flatten)]
    pub detail: Detail,
    /// Manual findings on this candidate, newest first.
    pub temuan: Vec<crate::service::screening::verification::FindingView>,
    /// Rules a verifier may settle: (id, title).
    pub tinjau: Vec<(String, String)>,
}

/// [`detail`] with the manual findings on the candidate and the rules a verifier may settle.
pub async fn detail_page(
    app: &App,
    viewer: &Viewer,
    key: &str,
) -> Result<DetailPage, ServiceError> {
    use crate::service::screening::verification;
    let detail = detail(app, viewer, key).await?;
    let temuan = verification::of_candidate(app, key).await?;
    let tinjau = settleable(detail.keputusan.as_ref());
    Ok(DetailPage {
        detail,
        temuan,
        tinjau,
    })
}
