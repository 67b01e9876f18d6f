//! The lists officials sign and send (documents.md 2): `rincian`, `usulan`, `tidak-diusulkan`,
//! `anggaran`, `rekap` and `rekap-pengisian`, as XLSX or CSV. Every PPPK list is read from one
//! placement and the screening run it was made from, so their totals agree: the rows of
//! `usulan` are the placed candidates, and `rincian.diusulkan`, `rekap.diusulkan` and
//! `anggaran.jumlah_orang` each sum to that count. The small lists are built in memory (they
//! have a row per unit); `usulan` and `tidak-diusulkan` are written a page at a time.

use std::{collections::BTreeMap, path::Path};

use serde::Serialize;

use super::ExportReport;
use crate::service::{App, Prerequisite, Refusal, ServiceError, Sought};
use crate::{
    domain::Formation,
    domain::{
        AlasanTidakDiusulkan, Findings, HasilSeleksi2024, KategoriPelamar, StatusKhusus, Subject,
        VacancySubject, format_datetime_id, mask_identifier,
    },
    export::{ExportError, Section, TableWriter, Value},
    placement::PlacementRecord,
    screening::{Run, RunStatus},
    store::UnproposedLine,
};

/// The lists of documents.md 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ListKind {
    /// `rincian`: needs per unit, position and minimum education, with how many are proposed.
    Rincian,
    /// `usulan`: every proposed candidate with formation, pay and budget source (for SIASN).
    Usulan,
    /// `tidak-diusulkan`: every screened candidate not proposed, with BKN's reason code.
    TidakDiusulkan,
    /// `anggaran`: headcount and pay per unit and budget source, and how many are under the UMK.
    Anggaran,
    /// `rekap`: screening outcomes and proposals per unit and per applicant category.
    Rekap,
    /// `rekap-pengisian`: every vacancy's shortlist, appointee and approval status.
    RekapPengisian,
}

impl ListKind {
    /// Every list, in the order the console offers them.
    pub const ALL: [Self; 6] = [
        Self::Usulan,
        Self::Rincian,
        Self::Anggaran,
        Self::Rekap,
        Self::TidakDiusulkan,
        Self::RekapPengisian,
    ];

    /// The contract name (`merit export NAME`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Rincian => "rincian",
            Self::Usulan => "usulan",
            Self::TidakDiusulkan => "tidak-diusulkan",
            Self::Anggaran => "anggaran",
            Self::Rekap => "rekap",
            Self::RekapPengisian => "rekap-pengisian",
        }
    }

    /// The list named `code`.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Its title, for people.
    pub fn title(self) -> &'static str {
        match self {
            Self::Rincian => "Rincian kebutuhan PPPK Paruh Waktu",
            Self::Usulan => "Daftar usulan PPPK Paruh Waktu",
            Self::TidakDiusulkan => "Daftar calon yang tidak diusulkan",
            Self::Anggaran => "Rekap anggaran upah PPPK Paruh Waktu",
            Self::Rekap => "Rekapitulasi penyaringan dan usulan",
            Self::RekapPengisian => "Rekapitulasi pengisian jabatan",
        }
    }

    /// What it holds, for the download page.
    pub fn description(self) -> &'static str {
        match self {
            Self::Rincian => {
                "Kebutuhan per unit kerja, jabatan dan kualifikasi pendidikan, jumlah yang diusulkan dan sisanya."
            }
            Self::Usulan => {
                "Setiap calon yang diusulkan, dengan formasi, upah dan sumber anggarannya (untuk SIASN)."
            }
            Self::TidakDiusulkan => {
                "Setiap calon yang disaring tetapi tidak diusulkan, dengan kode alasan untuk BKN dan keterangannya."
            }
            Self::Anggaran => {
                "Jumlah orang dan upah per bulan dan per tahun per unit kerja dan sumber anggaran, serta yang di bawah UMK."
            }
            Self::Rekap => {
                "Jumlah calon, hasil penyaringan dan usulan per unit kerja dan per kategori pelamar."
            }
            Self::RekapPengisian => {
                "Setiap lowongan jabatan: yang dinilai, daftar pendek, yang dipilih dan status persetujuannya."
            }
        }
    }
}

/// A proposal: a placement, the screening run it was made from, and the formations in force
/// (read once: every list needs them, at least for the units' names).
#[derive(Debug, Clone)]
pub struct ProposalSource {
    /// The finished screening run the placement was made from.
    pub run: Run,
    /// The placement whose proposed candidates the lists hold.
    pub placement: PlacementRecord,
    /// The formations in force now (read once; they also name the units).
    pub formations: Vec<Formation>,
    /// The installation's time zone, to name the run and the placement by when they were made.
    pub tz: chrono_tz::Tz,
}

impl ProposalSource {
    /// "Penempatan 11 Agustus 2025 pukul 09.05 dari penyaringan 11 Agustus 2025 pukul 09.00
    /// (kumpulan aturan …, sidik …)", for headers and documents.
    pub fn describe(&self) -> String {
        let at = |ms| crate::domain::format_moment_id(crate::clock::from_ms(ms), self.tz);
        format!(
            "Penempatan {} dari penyaringan {} (kumpulan aturan {}, sidik {})",
            at(self.placement.dibuat_ms),
            at(self.run.dibuat_ms),
            self.run.ruleset,
            self.run.versi
        )
    }
}

/// The proposal named by `id` (a placement id, or a run id for its newest placement), else
/// the newest placement.
#[tracing::instrument(level = "debug", skip_all, fields(id = ?id))]
pub async fn proposal_source(app: &App, id: Option<&str>) -> Result<ProposalSource, ServiceError> {
    let placement = match id {
        Some(id) => match app.store.placement(id).await? {
            Some(p) => p,
            None => {
                if app.store.run(id).await?.is_none() {
                    return Err(ServiceError::not_found(Sought::Screening, id));
                }
                let pid = app
                    .store
                    .latest_placement_of_run(id)
                    .await?
                    .ok_or_else(|| ServiceError::missing(Prerequisite::Placement))?;
                super::chosen_placement(app, Some(&pid)).await?
            }
        },
        None => super::chosen_placement(app, None).await?,
    };
    let run = app
        .store
        .run(&placement.run_id)
        .await?
        .ok_or_else(|| ServiceError::not_found(Sought::Screening, &placement.run_id))?;
    if run.status != RunStatus::Selesai {
        return Err(Refusal::RunUnfinished(run.id).into());
    }
    Ok(ProposalSource {
        run,
        placement,
        formations: app.store.formations().await?,
        tz: app.settings.timezone,
    })
}

impl ProposalSource {
    /// The unit names the formations give.
    fn unit_names(&self) -> BTreeMap<&str, &str> {
        let mut names = BTreeMap::new();
        for f in &self.formations {
            if let Some(n) = f.nama_unit.as_deref().filter(|n| !n.trim().is_empty()) {
                names.entry(f.unit_kerja.as_str()).or_insert(n);
            }
        }
        names
    }

    fn unit_name(names: &BTreeMap<&str, &str>, unit: &str) -> String {
        names.get(unit).map(|n| (*n).to_owned()).unwrap_or_default()
    }
}

/// One row of `rincian`.
#[derive(Debug, Clone, Serialize)]
pub struct RincianRow {
    /// The work unit's code (`-` on the row of formations removed since the placement).
    pub unit_kerja: String,
    /// The unit's name from its formations; empty when none gives one.
    pub nama_unit: String,
    /// The position's name; on the removed-formations row, their codes joined by `; `.
    pub jabatan: String,
    /// The position category in words (its label); empty on the removed-formations row.
    pub kategori_jabatan: String,
    /// The minimum education, `S1/D4`, with the accepted majors in brackets.
    pub kualifikasi_pendidikan: String,
    /// Places needed: the summed `jumlah` of the matching formations.
    pub kebutuhan: u64,
    /// Candidates the placement proposes to these formations.
    pub diusulkan: u64,
    /// Places left: `kebutuhan` less `diusulkan`, never below 0.
    pub sisa: u64,
}

/// `rincian`: the formations per unit × position × minimum education, with how many the
/// placement proposes. Places taken in a formation removed since are kept in a row of their
/// own, so the total still equals the proposal.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn rincian(app: &App, src: &ProposalSource) -> Result<Vec<RincianRow>, ServiceError> {
    let mut taken: BTreeMap<String, u64> = super::counts(app, &src.placement.id)
        .await?
        .iter()
        .cloned()
        .collect();
    type Key = (String, String, String, String);
    let mut rows: BTreeMap<Key, (RincianRow, Vec<String>)> = BTreeMap::new();
    for f in &src.formations {
        let key = (
            f.unit_kerja.clone(),
            f.jabatan.clone(),
            f.kategori_jabatan.code().to_owned(),
            f.pendidikan_minimal.code().to_owned(),
        );
        let placed = taken.remove(&f.kode_formasi).unwrap_or(0);
        let (row, majors) = rows.entry(key).or_insert_with(|| {
            (
                RincianRow {
                    unit_kerja: f.unit_kerja.clone(),
                    nama_unit: f.nama_unit.clone().unwrap_or_default(),
                    jabatan: f.jabatan.clone(),
                    kategori_jabatan: f.kategori_jabatan.label().to_owned(),
                    kualifikasi_pendidikan: f.pendidikan_minimal.label().to_owned(),
                    kebutuhan: 0,
                    diusulkan: 0,
                    sisa: 0,
                },
                Vec::new(),
            )
        });
        row.kebutuhan += u64::from(f.jumlah);
        row.diusulkan += placed;
        for j in &f.jurusan {
            if !majors.contains(j) {
                majors.push(j.clone());
            }
        }
    }
    let mut out: Vec<RincianRow> = rows
        .into_values()
        .map(|(mut row, majors)| {
            if !majors.is_empty() {
                row.kualifikasi_pendidikan =
                    format!("{} ({})", row.kualifikasi_pendidikan, majors.join("; "));
            }
            row.sisa = row.kebutuhan.saturating_sub(row.diusulkan);
            row
        })
        .collect();
    let gone: u64 = taken.values().sum();
    if gone > 0 {
        out.push(RincianRow {
            unit_kerja: "-".into(),
            nama_unit: "Formasi yang sudah dihapus sejak penempatan".into(),
            jabatan: taken.keys().cloned().collect::<Vec<_>>().join("; "),
            kategori_jabatan: String::new(),
            kualifikasi_pendidikan: String::new(),
            kebutuhan: 0,
            diusulkan: gone,
            sisa: 0,
        });
    }
    Ok(out)
}

/// One row of `rekap`: a unit, a category, or the total.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RekapRow {
    /// Unit code, category code, or `JUMLAH`.
    pub kode: String,
    /// Unit or category name.
    pub nama: String,
    /// Candidates screened in the run (`jumlah` = count).
    pub jumlah_calon: u64,
    /// Of those, judged `layak` (eligible).
    pub layak: u64,
    /// Of those, judged `tidak_layak` (ineligible).
    pub tidak_layak: u64,
    /// Of those, left `perlu_verifikasi` (any other outcome counts here).
    pub perlu_verifikasi: u64,
    /// Of those, proposed by the placement: counted by the unit the candidate works in now
    /// (`diusulkan_dari_unit`; the category's on a category row).
    pub diusulkan: u64,
    /// Proposed into this unit's formations (`diusulkan_ke_unit`, by placement, as every other
    /// per-unit figure); on a category or total row the same as `diusulkan`.
    pub diusulkan_ke_unit: u64,
}

impl RekapRow {
    fn add(&mut self, hasil: &str, diusulkan: bool, n: u64) {
        self.jumlah_calon += n;
        match hasil {
            "layak" => self.layak += n,
            "tidak_layak" => self.tidak_layak += n,
            _ => self.perlu_verifikasi += n,
        }
        if diusulkan {
            self.diusulkan += n;
        }
    }

    /// A row counted by placement only (a unit candidates are placed into but none works in).
    fn placed_only(kode: String, nama: String) -> Self {
        Self {
            kode,
            nama,
            ..Self::default()
        }
    }
}

/// `rekap`: screening and proposal per unit (the candidate's own), per applicant category,
/// and in total.
#[derive(Debug, Clone, Serialize)]
pub struct Rekap {
    /// One row per candidate's own work unit, by unit code.
    pub per_unit: Vec<RekapRow>,
    /// One row per applicant category (`kategori_pelamar`), named by its label.
    pub per_kategori: Vec<RekapRow>,
    /// The total row (`kode` `JUMLAH`).
    pub jumlah: RekapRow,
}

/// Builds `rekap` for a proposal.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn rekap(app: &App, src: &ProposalSource) -> Result<Rekap, ServiceError> {
    let names = src.unit_names();
    let counts = app
        .store
        .recap_counts(&src.run.id, &src.placement.id)
        .await?;
    let mut units: BTreeMap<String, RekapRow> = BTreeMap::new();
    let mut kinds: BTreeMap<String, RekapRow> = BTreeMap::new();
    let mut total = RekapRow {
        kode: "JUMLAH".into(),
        nama: "Jumlah".into(),
        ..RekapRow::default()
    };
    for c in &counts {
        units
            .entry(c.unit_kerja.clone())
            .or_insert_with(|| RekapRow {
                kode: c.unit_kerja.clone(),
                nama: ProposalSource::unit_name(&names, &c.unit_kerja),
                ..RekapRow::default()
            })
            .add(&c.hasil, c.diusulkan, c.jumlah);
        kinds
            .entry(c.kategori_pelamar.clone())
            .or_insert_with(|| RekapRow {
                kode: c.kategori_pelamar.clone(),
                nama: KategoriPelamar::parse(&c.kategori_pelamar)
                    .map(|k| k.label().to_owned())
                    .unwrap_or_default(),
                ..RekapRow::default()
            })
            .add(&c.hasil, c.diusulkan, c.jumlah);
        total.add(&c.hasil, c.diusulkan, c.jumlah);
    }
    // By placement: the units whose formations the candidates are proposed into.
    for b in app
        .store
        .budget_sums(&src.run.id, &src.placement.id, None)
        .await?
    {
        let name = ProposalSource::unit_name(&names, &b.unit_kerja);
        units
            .entry(b.unit_kerja.clone())
            .or_insert_with(|| RekapRow::placed_only(b.unit_kerja.clone(), name))
            .diusulkan_ke_unit += b.jumlah_orang;
    }
    for k in kinds.values_mut() {
        k.diusulkan_ke_unit = k.diusulkan;
    }
    total.diusulkan_ke_unit = total.diusulkan;
    Ok(Rekap {
        per_unit: units.into_values().collect(),
        per_kategori: kinds.into_values().collect(),
        jumlah: total,
    })
}

/// One row of `anggaran`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AnggaranRow {
    /// The placed unit's code; `JUMLAH` on the total row, empty on per-source rows.
    pub unit_kerja: String,
    /// The unit's name from its formations; `Jumlah` on the total row.
    pub nama_unit: String,
    /// The formation's budget source code (`APBD`, `BLUD`, `BOS`, `DAK`, `lainnya`).
    pub sumber_anggaran: String,
    /// Proposed candidates counted in this row.
    pub jumlah_orang: u64,
    /// Their pay summed, rupiah per month: the formation's `upah`, else the candidate's last salary.
    pub upah_per_bulan: i64,
    /// `upah_per_bulan` × 12, in rupiah.
    pub upah_per_tahun: i64,
    /// How many of them are paid below the UMK (0 when no UMK is set).
    pub di_bawah_umk: u64,
}

/// `anggaran`: the proposal's pay per formation unit and budget source, with the total.
#[derive(Debug, Clone, Serialize)]
pub struct Anggaran {
    /// One row per placed unit and budget source, by unit code.
    pub baris: Vec<AnggaranRow>,
    /// The total row (`unit_kerja` `JUMLAH`).
    pub jumlah: AnggaranRow,
    /// Per budget source (the unit columns empty).
    pub per_sumber: Vec<AnggaranRow>,
    /// The regional minimum wage compared with, when set.
    pub umk: Option<i64>,
}

/// Builds `anggaran` for a proposal.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn anggaran(app: &App, src: &ProposalSource) -> Result<Anggaran, ServiceError> {
    let names = src.unit_names();
    let umk = app.settings.umk;
    let mut sums = app
        .store
        .budget_sums(&src.run.id, &src.placement.id, umk)
        .await?;
    sums.sort_by(|a, b| {
        (&a.unit_kerja, a.sumber_anggaran).cmp(&(&b.unit_kerja, b.sumber_anggaran))
    });
    let mut total = AnggaranRow {
        unit_kerja: "JUMLAH".into(),
        nama_unit: "Jumlah".into(),
        ..AnggaranRow::default()
    };
    let mut per_source: BTreeMap<_, AnggaranRow> = BTreeMap::new();
    let mut rows = Vec::with_capacity(sums.len());
    for s in sums {
        let row = AnggaranRow {
            nama_unit: ProposalSource::unit_name(&names, &s.unit_kerja),
            unit_kerja: s.unit_kerja,
            sumber_anggaran: s.sumber_anggaran.code().to_owned(),
            jumlah_orang: s.jumlah_orang,
            upah_per_bulan: s.upah_per_bulan,
            upah_per_tahun: s.upah_per_bulan * 12,
            di_bawah_umk: s.di_bawah_umk,
        };
        for acc in [
            &mut total,
            per_source
                .entry(s.sumber_anggaran)
                .or_insert_with(|| AnggaranRow {
                    sumber_anggaran: s.sumber_anggaran.code().to_owned(),
                    ..AnggaranRow::default()
                }),
        ] {
            acc.jumlah_orang += row.jumlah_orang;
            acc.upah_per_bulan += row.upah_per_bulan;
            acc.upah_per_tahun += row.upah_per_tahun;
            acc.di_bawah_umk += row.di_bawah_umk;
        }
        rows.push(row);
    }
    Ok(Anggaran {
        baris: rows,
        jumlah: total,
        per_sumber: per_source.into_values().collect(),
        umk,
    })
}

/// Why a screened candidate is not proposed (documents.md 2, `tidak-diusulkan`): the agency's
/// own code when it gave one; else a failed status rule (PW-02) for one who died →
/// `meninggal`, or resigned (or APS in 2024) → `mengundurkan_diri`; a failed activity rule
/// (PW-05) → `tidak_aktif`; eligible but no fitting slot → `tidak_ada_kebutuhan`; else
/// `lainnya`.
pub fn derived_reason(line: &UnproposedLine, failed: &[String]) -> AlasanTidakDiusulkan {
    if let Some(own) = line.alasan_instansi {
        return own;
    }
    let failed_rule = |id: &str| failed.iter().any(|f| f == id);
    // The specific reasons first: one who died or resigned is often also no longer active.
    if failed_rule("PW-02") {
        if line.status_khusus == Some(StatusKhusus::Meninggal) {
            return AlasanTidakDiusulkan::Meninggal;
        }
        if line.status_khusus == Some(StatusKhusus::MengundurkanDiri)
            || line.hasil_seleksi_2024 == Some(HasilSeleksi2024::Aps)
        {
            return AlasanTidakDiusulkan::MengundurkanDiri;
        }
    }
    if failed_rule("PW-05") {
        return AlasanTidakDiusulkan::TidakAktif;
    }
    if line.decision.hasil == crate::domain::Hasil::Layak {
        return AlasanTidakDiusulkan::TidakAdaKebutuhan;
    }
    AlasanTidakDiusulkan::Lainnya
}

/// How BKN groups a candidate not proposed (documents.md 4): `TMS` failed eligibility, `APS`
/// withdrew, resigned or died, `TIDAK_ADA_KEBUTUHAN` eligible without a fitting slot,
/// `ANGGARAN` left out for budget, `LAINNYA` the rest (still under verification, say).
pub fn group_of(reason: AlasanTidakDiusulkan, hasil: crate::domain::Hasil) -> &'static str {
    match reason {
        AlasanTidakDiusulkan::Meninggal | AlasanTidakDiusulkan::MengundurkanDiri => "APS",
        AlasanTidakDiusulkan::TidakAdaKebutuhan => "TIDAK_ADA_KEBUTUHAN",
        AlasanTidakDiusulkan::Anggaran => "ANGGARAN",
        _ if hasil == crate::domain::Hasil::TidakLayak => "TMS",
        _ => "LAINNYA",
    }
}

/// The groups of [`group_of`], in the order lists give them.
pub const GROUPS: [(&str, &str); 5] = [
    ("TMS", "Tidak memenuhi syarat (TMS)"),
    ("APS", "Mengundurkan diri, berhenti, atau meninggal (APS)"),
    ("TIDAK_ADA_KEBUTUHAN", "Tidak ada kebutuhan yang sesuai"),
    ("ANGGARAN", "Tidak tersedia anggaran"),
    ("LAINNYA", "Lainnya"),
];

/// One row of `rekap-pengisian`.
#[derive(Debug, Clone, Serialize)]
pub struct PengisianRow {
    /// The vacancy in words: position, unit, why and since when it is vacant.
    pub lowongan: String,
    /// The vacant position's name.
    pub jabatan: String,
    /// The vacancy's work unit code.
    pub unit_kerja: String,
    /// The unit's name, where the formations know it.
    pub nama_unit: String,
    /// Employees judged for the vacancy.
    pub dinilai: u64,
    /// Of those, judged `layak` (eligible).
    pub layak: u64,
    /// Of those, left `perlu_verifikasi` for a verifier.
    pub perlu_verifikasi: u64,
    /// The shortlisted people by rank and name, NIP masked, best first.
    pub daftar_pendek: String,
    /// The appointee (masked NIP and name), once chosen.
    pub dipilih: String,
    /// The workflow's state, for people.
    pub status: String,
}

/// `rekap-pengisian`: every vacancy with its shortlist and where its approval stands.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn pengisian(app: &App) -> Result<Vec<PengisianRow>, ServiceError> {
    let mut out = Vec::new();
    let units: std::collections::HashMap<String, String> = app
        .store
        .formation_needs_per_unit()
        .await?
        .into_iter()
        .filter(|(_, name, _)| !name.is_empty())
        .map(|(code, name, _)| (code, name))
        .collect();
    for (_, subject, instance) in app.store.vacancies().await? {
        let Ok(Subject::Lowongan(v)) = Subject::from_value(&subject) else {
            continue;
        };
        let state = match &instance {
            Some(i) => app.store.instance_head(i).await?.map(|r| r.state),
            None => None,
        };
        let unit = units.get(&v.unit_kerja).cloned().unwrap_or_default();
        out.push(pengisian_row(&v, &unit, state.as_ref()));
    }
    Ok(out)
}

fn pengisian_row(
    v: &VacancySubject,
    unit: &str,
    state: Option<&crate::workflow::planner::State>,
) -> PengisianRow {
    use crate::{domain::Hasil, workflow::planner::Status};
    let count = |h: Hasil| v.kandidat.iter().filter(|k| k.hasil == h).count() as u64;
    let chosen = state
        .filter(|s| s.status == Status::SelesaiDisetujui)
        .and_then(|s| s.pilihan.as_deref())
        .map(|nip| match v.candidate(nip) {
            Some(k) => format!("{} ({})", k.nama, mask_identifier(&k.nip)),
            None => mask_identifier(nip),
        })
        .unwrap_or_default();
    let status = match state {
        None => "belum diajukan".to_owned(),
        Some(s) => match s.status {
            Status::Berjalan => format!(
                "menunggu persetujuan{}",
                s.langkah_aktif
                    .as_deref()
                    .map(|l| format!(" ({l})"))
                    .unwrap_or_default()
            ),
            Status::SelesaiDisetujui => "disetujui".to_owned(),
            Status::SelesaiDitolak => "ditolak".to_owned(),
            Status::Dibatalkan => "dibatalkan".to_owned(),
        },
    };
    let since = crate::domain::parse_date(&v.tanggal)
        .map(crate::domain::format_date_id)
        .unwrap_or_else(|| v.tanggal.clone());
    let alasan = crate::domain::AlasanLowongan::parse(&v.alasan)
        .map(|a| a.label().to_owned())
        .unwrap_or_else(|_| v.alasan.clone());
    PengisianRow {
        lowongan: format!(
            "{} pada {} ({alasan}, sejak {since})",
            v.jabatan,
            if unit.is_empty() { &v.unit_kerja } else { unit }
        ),
        jabatan: v.jabatan.clone(),
        unit_kerja: v.unit_kerja.clone(),
        nama_unit: unit.to_owned(),
        dinilai: v.jumlah_dinilai as u64,
        layak: count(Hasil::Layak),
        perlu_verifikasi: count(Hasil::PerluVerifikasi),
        daftar_pendek: v
            .shortlist
            .iter()
            .enumerate()
            .map(|(i, n)| match v.candidate(n) {
                Some(k) => format!("{}. {} ({})", i + 1, k.nama, mask_identifier(n)),
                None => format!("{}. {}", i + 1, mask_identifier(n)),
            })
            .collect::<Vec<_>>()
            .join("; "),
        dipilih: chosen,
        status,
    }
}

/// A list written on a thread of its own while the next page is read from the database (at a
/// million rows, building the XLSX and reading take about as long as each other).
struct Pipe {
    rows: Option<tokio::sync::mpsc::Sender<Vec<Vec<Value>>>>,
    writer: tokio::task::JoinHandle<Result<TableWriter, ExportError>>,
}

impl Pipe {
    fn new(mut out: TableWriter) -> Self {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<Vec<Value>>>(2);
        let writer = tokio::task::spawn_blocking(move || {
            while let Some(rows) = rx.blocking_recv() {
                for r in &rows {
                    out.row(r)?;
                }
            }
            Ok(out)
        });
        Self {
            rows: Some(tx),
            writer,
        }
    }

    /// Hands over one page; when the writer has stopped, its error.
    async fn send(&mut self, rows: Vec<Vec<Value>>) -> Result<(), ServiceError> {
        let sent = match &self.rows {
            Some(tx) => tx.send(rows).await.is_ok(),
            None => false,
        };
        if sent {
            return Ok(());
        }
        self.rows = None;
        match (&mut self.writer).await {
            Ok(Err(e)) => Err(e.into()),
            Ok(Ok(_)) => Err(ServiceError::failed("daftar", "penulis berhenti")),
            Err(e) => Err(ServiceError::unexpected("daftar", e)),
        }
    }

    /// Waits for the writer and finishes the file with `summary` (saving a large XLSX takes
    /// seconds: off the async threads too).
    async fn finish(mut self, summary: Vec<Section>) -> Result<u32, ServiceError> {
        self.rows = None;
        let out = self
            .writer
            .await
            .map_err(|e| ServiceError::unexpected("daftar", e))??;
        tokio::task::spawn_blocking(move || out.finish(&summary))
            .await
            .map_err(|e| ServiceError::unexpected("daftar", e))?
            .map_err(ServiceError::from)
    }
}

fn n(v: u64) -> Value {
    Value::Number(v as f64)
}

fn rp(v: i64) -> Value {
    Value::Money(v)
}

/// The summary sheet's heading block: the agency, the list, its source and when it was made.
fn heading(app: &App, kind: ListKind, source: &str) -> Section {
    Section {
        title: app.settings.instansi.nama.clone(),
        header: vec!["Keterangan".into(), "Isi".into()],
        rows: vec![
            vec!["Daftar".into(), kind.title().into()],
            vec!["Sumber data".into(), source.into()],
            vec![
                "Dibuat".into(),
                format_datetime_id(app.clock.now(), app.settings.timezone).into(),
            ],
        ],
    }
}

/// Writes list `kind` to `path` (`.xlsx` or `.csv`, whole or not at all). `id` names the
/// placement or run (default: the newest placement); NIKs are masked unless
/// `full_identifiers`.
#[tracing::instrument(level = "debug", skip_all, fields(id = ?id))]
pub async fn export(
    app: &App,
    kind: ListKind,
    id: Option<&str>,
    path: &Path,
    full_identifiers: bool,
) -> Result<ExportReport, ServiceError> {
    if kind == ListKind::RekapPengisian {
        return export_pengisian(app, path).await;
    }
    let src = proposal_source(app, id).await?;
    let rows = match kind {
        ListKind::Rincian => export_rincian(app, &src, path).await?,
        ListKind::Usulan => export_usulan(app, &src, path, full_identifiers).await?,
        ListKind::TidakDiusulkan => export_unproposed(app, &src, path, full_identifiers).await?,
        ListKind::Anggaran => export_anggaran(app, &src, path).await?,
        ListKind::Rekap | ListKind::RekapPengisian => export_rekap(app, &src, path).await?,
    };
    Ok(ExportReport {
        berkas: path.display().to_string(),
        baris: rows,
        sumber: src.placement.id,
    })
}

async fn export_rincian(app: &App, src: &ProposalSource, path: &Path) -> Result<u64, ServiceError> {
    let rows = rincian(app, src).await?;
    let mut out = TableWriter::create(
        path,
        "Rincian",
        &[
            "unit_kerja",
            "nama_unit",
            "jabatan",
            "kategori_jabatan",
            "kualifikasi_pendidikan",
            "kebutuhan",
            "diusulkan",
            "sisa",
        ],
        &[12.0, 36.0, 36.0, 28.0, 34.0, 11.0, 11.0, 9.0],
    )?;
    let mut sum = [0u64; 3];
    for r in &rows {
        sum[0] += r.kebutuhan;
        sum[1] += r.diusulkan;
        sum[2] += r.sisa;
        out.row(&[
            r.unit_kerja.clone().into(),
            r.nama_unit.clone().into(),
            r.jabatan.clone().into(),
            r.kategori_jabatan.clone().into(),
            r.kualifikasi_pendidikan.clone().into(),
            n(r.kebutuhan),
            n(r.diusulkan),
            n(r.sisa),
        ])?;
    }
    let written = out.finish(&[
        heading(app, ListKind::Rincian, &src.describe()),
        Section {
            title: "Jumlah".into(),
            header: vec!["Kebutuhan".into(), "Diusulkan".into(), "Sisa".into()],
            rows: vec![vec![n(sum[0]), n(sum[1]), n(sum[2])]],
        },
    ])?;
    Ok(u64::from(written))
}

async fn export_usulan(
    app: &App,
    src: &ProposalSource,
    path: &Path,
    full: bool,
) -> Result<u64, ServiceError> {
    let out = TableWriter::create(
        path,
        "Usulan",
        &[
            "no",
            "nik",
            "nomor_peserta",
            "nama",
            "tempat_lahir",
            "tanggal_lahir",
            "jenis_kelamin",
            "kategori_pelamar",
            "pendidikan",
            "jurusan",
            "kode_formasi",
            "jabatan",
            "unit_kerja",
            "nama_unit",
            "upah",
            "sumber_anggaran",
            "kategori_jabatan",
            "jenjang",
            "program_studi",
        ],
        &[
            7.0, 19.0, 18.0, 30.0, 18.0, 13.0, 8.0, 10.0, 10.0, 24.0, 16.0, 32.0, 11.0, 32.0, 13.0,
            10.0, 26.0, 16.0, 28.0,
        ],
    )?;
    let names = src.unit_names();
    // The formation's category in words, by its code (SIASN reads the position's category).
    let categories: std::collections::HashMap<&str, &'static str> = src
        .formations
        .iter()
        .map(|f| (f.kode_formasi.as_str(), f.kategori_jabatan.label()))
        .collect();
    let mut out = Pipe::new(out);
    let (mut after, mut no, mut pay) = (String::new(), 0u64, 0i64);
    loop {
        let page = app
            .store
            .proposed_page(&src.run.id, &src.placement.id, &after, 5_000)
            .await?;
        let Some(last) = page.last() else { break };
        after = last.nik.as_str().to_owned();
        let mut rows = Vec::with_capacity(page.len());
        for l in &page {
            no += 1;
            pay += l.upah;
            rows.push(vec![
                n(no),
                super::shown(&l.nik, full),
                l.nomor_peserta.clone().unwrap_or_default().into(),
                l.nama.clone().into(),
                l.tempat_lahir.clone().unwrap_or_default().into(),
                l.tanggal_lahir.map_or(Value::Empty, Value::Date),
                l.jenis_kelamin.clone().into(),
                l.kategori_pelamar.clone().into(),
                l.pendidikan.clone().into(),
                l.jurusan.clone().unwrap_or_default().into(),
                l.kode_formasi.clone().into(),
                l.jabatan.clone().into(),
                l.unit_kerja.clone().into(),
                ProposalSource::unit_name(&names, &l.unit_kerja).into(),
                rp(l.upah),
                l.sumber_anggaran.code().into(),
                categories
                    .get(l.kode_formasi.as_str())
                    .copied()
                    .unwrap_or_default()
                    .into(),
                crate::domain::Pendidikan::parse(&l.pendidikan)
                    .map(|p| p.label().to_owned())
                    .unwrap_or_else(|_| l.pendidikan.clone())
                    .into(),
                l.jurusan.clone().unwrap_or_default().into(),
            ]);
        }
        out.send(rows).await?;
    }
    let written = out
        .finish(vec![
            heading(app, ListKind::Usulan, &src.describe()),
            Section {
                title: "Jumlah".into(),
                header: vec![
                    "Diusulkan".into(),
                    "Upah per bulan".into(),
                    "Upah per tahun".into(),
                ],
                rows: vec![vec![n(no), rp(pay), rp(pay * 12)]],
            },
        ])
        .await?;
    Ok(u64::from(written))
}

async fn export_unproposed(
    app: &App,
    src: &ProposalSource,
    path: &Path,
    full: bool,
) -> Result<u64, ServiceError> {
    let out = TableWriter::create(
        path,
        "Tidak diusulkan",
        &[
            "nik",
            "nomor_peserta",
            "nama",
            "kategori_pelamar",
            "unit_kerja",
            "hasil",
            "kelompok",
            "alasan_tidak_diusulkan",
            "keterangan",
        ],
        &[19.0, 16.0, 30.0, 10.0, 12.0, 17.0, 20.0, 22.0, 90.0],
    )?;
    let mut out = Pipe::new(out);
    let mut per_reason: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut per_group: BTreeMap<&'static str, u64> = BTreeMap::new();
    // Reasons in words: each rule by its title, never its id.
    let rs = crate::service::ground::runs::ruleset_of(app, &src.run, None).await?;
    let mut cursor = String::new();
    loop {
        let page = app
            .store
            .unproposed_page(&src.run.id, &src.placement.id, &cursor, 5_000)
            .await?;
        let Some(last) = page.last() else { break };
        cursor = last.decision.nik.as_str().to_owned();
        let mut rows = Vec::with_capacity(page.len());
        for l in &page {
            let f = Findings::of(
                src.run.aturan.iter().map(String::as_str),
                &l.decision.verdicts(),
            );
            let reason = derived_reason(l, &f.gagal);
            *per_reason.entry(reason.code()).or_default() += 1;
            let group = group_of(reason, l.decision.hasil);
            *per_group.entry(group).or_default() += 1;
            let mut notes = rs
                .rules
                .iter()
                .zip(l.decision.verdicts())
                .filter_map(|(r, v)| v.reason().map(|why| format!("{}: {why}", r.judul)))
                .collect::<Vec<_>>()
                .join("; ");
            if let Some(p) = l.alasan_penempatan.as_deref().filter(|_| notes.is_empty()) {
                notes = p.to_owned();
            }
            if !full {
                notes = crate::domain::redact_identifiers(&notes).0;
            }
            rows.push(vec![
                super::shown(&l.decision.nik, full),
                l.nomor_peserta.clone().unwrap_or_default().into(),
                l.nama.clone().into(),
                l.kategori_pelamar.clone().into(),
                l.unit_kerja.clone().into(),
                l.decision.hasil.code().into(),
                group.into(),
                reason.code().into(),
                notes.into(),
            ]);
        }
        out.send(rows).await?;
    }
    let written = out
        .finish(vec![
            heading(app, ListKind::TidakDiusulkan, &src.describe()),
            Section {
                title: "Per kelompok (pelaporan BKN)".into(),
                header: vec!["Kelompok".into(), "Jumlah".into()],
                rows: GROUPS
                    .iter()
                    .map(|(code, label)| {
                        vec![
                            (*label).into(),
                            n(per_group.get(code).copied().unwrap_or(0)),
                        ]
                    })
                    .collect(),
            },
            Section {
                title: "Per alasan tidak diusulkan".into(),
                header: vec!["Alasan".into(), "Jumlah".into()],
                rows: AlasanTidakDiusulkan::ALL
                    .iter()
                    .map(|a| {
                        vec![
                            format!("{} ({})", a.code(), a.label()).into(),
                            n(per_reason.get(a.code()).copied().unwrap_or(0)),
                        ]
                    })
                    .collect(),
            },
        ])
        .await?;
    Ok(u64::from(written))
}

async fn export_anggaran(
    app: &App,
    src: &ProposalSource,
    path: &Path,
) -> Result<u64, ServiceError> {
    let a = anggaran(app, src).await?;
    let mut out = TableWriter::create(
        path,
        "Anggaran",
        &[
            "unit_kerja",
            "nama_unit",
            "sumber_anggaran",
            "jumlah_orang",
            "upah_per_bulan",
            "upah_per_tahun",
            "di_bawah_umk",
        ],
        &[12.0, 36.0, 16.0, 13.0, 18.0, 20.0, 13.0],
    )?;
    for r in a.baris.iter().chain([&a.jumlah]) {
        out.row(&[
            r.unit_kerja.clone().into(),
            r.nama_unit.clone().into(),
            r.sumber_anggaran.clone().into(),
            n(r.jumlah_orang),
            rp(r.upah_per_bulan),
            rp(r.upah_per_tahun),
            n(r.di_bawah_umk),
        ])?;
    }
    let umk = match a.umk {
        Some(u) => crate::domain::format_rupiah(u),
        None => "belum ditetapkan (pengaturan umk)".into(),
    };
    let mut head = heading(app, ListKind::Anggaran, &src.describe());
    head.rows.push(vec!["UMK per bulan".into(), umk.into()]);
    let written = out.finish(&[
        head,
        Section {
            title: "Per sumber anggaran".into(),
            header: vec![
                "Sumber".into(),
                "Jumlah orang".into(),
                "Upah per bulan".into(),
                "Upah per tahun".into(),
            ],
            rows: a
                .per_sumber
                .iter()
                .map(|r| {
                    vec![
                        r.sumber_anggaran.clone().into(),
                        n(r.jumlah_orang),
                        rp(r.upah_per_bulan),
                        rp(r.upah_per_tahun),
                    ]
                })
                .collect(),
        },
    ])?;
    Ok(u64::from(written))
}

async fn export_rekap(app: &App, src: &ProposalSource, path: &Path) -> Result<u64, ServiceError> {
    let r = rekap(app, src).await?;
    let mut out = TableWriter::create(
        path,
        "Rekap",
        &[
            "unit_kerja",
            "nama",
            "jumlah_calon",
            "layak",
            "tidak_layak",
            "perlu_verifikasi",
            "diusulkan",
            "diusulkan_dari_unit",
            "diusulkan_ke_unit",
        ],
        &[16.0, 36.0, 13.0, 10.0, 12.0, 16.0, 11.0, 18.0, 16.0],
    )?;
    for row in r.per_unit.iter().chain(&r.per_kategori).chain([&r.jumlah]) {
        out.row(&[
            row.kode.clone().into(),
            row.nama.clone().into(),
            n(row.jumlah_calon),
            n(row.layak),
            n(row.tidak_layak),
            n(row.perlu_verifikasi),
            n(row.diusulkan),
            n(row.diusulkan),
            n(row.diusulkan_ke_unit),
        ])?;
    }
    let mut head = heading(app, ListKind::Rekap, &src.describe());
    head.rows.push(vec![
        "Dasar per unit".into(),
        "diusulkan dan diusulkan_dari_unit: menurut unit kerja calon sekarang (unit asal); diusulkan_ke_unit: menurut unit formasi tempat calon diusulkan (unit penempatan), sama dengan rincian dan anggaran"
            .into(),
    ]);
    head.rows.push(vec![
        "Susunan".into(),
        format!(
            "{} baris per unit kerja, lalu {} baris per kategori pelamar, lalu jumlah",
            r.per_unit.len(),
            r.per_kategori.len()
        )
        .into(),
    ]);
    let written = out.finish(&[head])?;
    Ok(u64::from(written))
}

async fn export_pengisian(app: &App, path: &Path) -> Result<ExportReport, ServiceError> {
    let rows = pengisian(app).await?;
    let mut out = TableWriter::create(
        path,
        "Pengisian jabatan",
        &[
            "lowongan",
            "jabatan",
            "unit_kerja",
            "nama_unit",
            "dinilai",
            "layak",
            "perlu_verifikasi",
            "daftar_pendek",
            "dipilih",
            "status",
        ],
        &[60.0, 34.0, 12.0, 36.0, 9.0, 8.0, 16.0, 70.0, 34.0, 28.0],
    )?;
    for r in &rows {
        out.row(&[
            r.lowongan.clone().into(),
            r.jabatan.clone().into(),
            r.unit_kerja.clone().into(),
            r.nama_unit.clone().into(),
            n(r.dinilai),
            n(r.layak),
            n(r.perlu_verifikasi),
            r.daftar_pendek.clone().into(),
            r.dipilih.clone().into(),
            r.status.clone().into(),
        ])?;
    }
    let written = out.finish(&[heading(
        app,
        ListKind::RekapPengisian,
        &format!("{} lowongan", rows.len()),
    )])?;
    Ok(ExportReport {
        berkas: path.display().to_string(),
        baris: u64::from(written),
        sumber: "lowongan".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        domain::{Hasil, Nik},
        screening::Decision,
    };

    fn line(hasil: Hasil) -> UnproposedLine {
        UnproposedLine {
            decision: Decision {
                nik: Nik::parse("1609022304870001").unwrap(),
                hasil,
                prioritas: None,
                kode: String::new(),
                alasan: None,
                data_hash: String::new(),
            },
            nama: "A".into(),
            kategori_pelamar: "R3".into(),
            unit_kerja: "U1".into(),
            status_khusus: None,
            hasil_seleksi_2024: None,
            alasan_instansi: None,
            alasan_penempatan: None,
            nomor_peserta: None,
        }
    }

    #[test]
    fn every_reason_path() {
        let failed = |ids: &[&str]| ids.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let mut l = line(Hasil::TidakLayak);
        assert_eq!(
            derived_reason(&l, &failed(&["PW-05", "PW-02"])),
            AlasanTidakDiusulkan::TidakAktif
        );
        l.status_khusus = Some(StatusKhusus::Meninggal);
        // Died and no longer active: the specific reason.
        assert_eq!(
            derived_reason(&l, &failed(&["PW-02", "PW-05"])),
            AlasanTidakDiusulkan::Meninggal
        );
        l.status_khusus = Some(StatusKhusus::MengundurkanDiri);
        assert_eq!(
            derived_reason(&l, &failed(&["PW-02"])),
            AlasanTidakDiusulkan::MengundurkanDiri
        );
        l.status_khusus = None;
        l.hasil_seleksi_2024 = Some(HasilSeleksi2024::Aps);
        assert_eq!(
            derived_reason(&l, &failed(&["PW-02"])),
            AlasanTidakDiusulkan::MengundurkanDiri
        );
        // PW-02 for TMS is none of the named reasons.
        l.hasil_seleksi_2024 = Some(HasilSeleksi2024::Tms);
        assert_eq!(
            derived_reason(&l, &failed(&["PW-02"])),
            AlasanTidakDiusulkan::Lainnya
        );
        assert_eq!(
            derived_reason(&line(Hasil::Layak), &[]),
            AlasanTidakDiusulkan::TidakAdaKebutuhan
        );
        assert_eq!(
            derived_reason(&line(Hasil::PerluVerifikasi), &[]),
            AlasanTidakDiusulkan::Lainnya
        );
        // The agency's own code wins over everything derived.
        let mut own = line(Hasil::Layak);
        own.alasan_instansi = Some(AlasanTidakDiusulkan::Anggaran);
        assert_eq!(
            derived_reason(&own, &failed(&["PW-05"])),
            AlasanTidakDiusulkan::Anggaran
        );
    }
}
