//! `merit generate`: a deterministic synthetic data set shaped like a South Sumatra regency
//! (OKU Timur): candidates in realistic category proportions, units, formation slots fewer than
//! the eligible candidates, employees with ratings and potential, a directory of approvers, and
//! about 3% deliberately dirty rows. It feeds the demo, the tests and the benchmarks.

mod names;
mod rng;

use std::{
    collections::{BTreeMap, HashSet},
    fs::File,
    io::{BufWriter, Write},
    path::{Path, PathBuf},
};

use chrono::{Datelike, Duration, NaiveDate};
pub use rng::Rng;

use crate::domain::{KategoriJabatan, KategoriPelamar, Pendidikan};

/// The default seed, so that `merit generate` without `--seed` is reproducible.
pub const DEFAULT_SEED: u64 = 20_250_808;

/// What to generate.
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    /// Number of candidates.
    pub candidates: u64,
    /// Output folder (created).
    pub out: PathBuf,
    /// PRNG seed.
    pub seed: u64,
}

/// What was written.
#[derive(Debug, Clone, serde::Serialize)]
pub struct GenerateSummary {
    /// Candidate rows.
    pub calon: u64,
    /// Formation lines.
    pub formasi: u64,
    /// Places across all formation lines.
    pub jumlah_formasi: u64,
    /// Employee rows.
    pub pegawai: u64,
    /// Units.
    pub unit: u64,
    /// Rows made dirty on purpose.
    pub baris_kotor: u64,
    /// Files written.
    pub berkas: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UnitKind {
    Opd,
    Kecamatan,
    Puskesmas,
    Sd,
    Smp,
}

#[derive(Debug, Clone)]
struct Unit {
    code: String,
    name: String,
    kind: UnitKind,
}

fn units_for(n: u64) -> Vec<Unit> {
    let mut units = Vec::new();
    for (i, name) in names::OPD.iter().enumerate() {
        units.push(Unit {
            code: format!("OPD{:02}", i + 1),
            name: (*name).to_owned(),
            kind: UnitKind::Opd,
        });
    }
    for (i, kec) in names::OKU_TIMUR_KECAMATAN.iter().enumerate() {
        units.push(Unit {
            code: format!("KEC{:02}", i + 1),
            name: format!("Kecamatan {kec}"),
            kind: UnitKind::Kecamatan,
        });
        units.push(Unit {
            code: format!("PKM{:02}", i + 1),
            name: format!("Puskesmas {kec}"),
            kind: UnitKind::Puskesmas,
        });
    }
    let schools = (n / 40).max(4);
    for i in 0..schools {
        let kec = names::OKU_TIMUR_KECAMATAN[i as usize % names::OKU_TIMUR_KECAMATAN.len()];
        let (kind, prefix, label) = if i % 4 == 3 {
            (UnitKind::Smp, "SMP", "SMP Negeri")
        } else {
            (UnitKind::Sd, "SD", "SD Negeri")
        };
        units.push(Unit {
            code: format!("{prefix}{:05}", i + 1),
            name: format!(
                "{label} {} {kec}",
                i / names::OKU_TIMUR_KECAMATAN.len() as u64 + 1
            ),
            kind,
        });
    }
    units
}

const REFERENCE: (i32, u32, u32) = (2025, 8, 8);

fn reference() -> NaiveDate {
    NaiveDate::from_ymd_opt(REFERENCE.0, REFERENCE.1, REFERENCE.2).unwrap_or_default()
}

fn random_date(rng: &mut Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(0);
    from + Duration::days(rng.range(0, span))
}

fn yes_no(b: bool) -> &'static str {
    if b { "ya" } else { "tidak" }
}

fn person_name(rng: &mut Rng, female: bool) -> String {
    let first = if female {
        *rng.pick(names::FEMALE)
    } else {
        *rng.pick(names::MALE)
    };
    let family = if female && rng.chance(0.5) {
        *rng.pick(names::FEMININE_FAMILY)
    } else {
        *rng.pick(names::FAMILY)
    };
    if rng.chance(0.15) {
        first.to_owned()
    } else {
        format!("{first} {family}")
    }
}

fn nik_for(rng: &mut Rng, birth: NaiveDate, female: bool, used: &mut HashSet<u64>) -> String {
    loop {
        let regency = if rng.chance(0.82) {
            "1609"
        } else {
            *rng.pick(names::SUMSEL_REGENCIES)
        };
        let kecamatan = rng.range(1, 20);
        let day = birth.day() + if female { 40 } else { 0 };
        let nik = format!(
            "{regency}{kecamatan:02}{day:02}{:02}{:02}{:04}",
            birth.month(),
            birth.year() % 100,
            rng.range(1, 9999)
        );
        if used.insert(nik.parse().unwrap_or_default()) {
            return nik;
        }
    }
}

/// Profile of a candidate's job: category, the job title and what education it needs.
struct Job {
    category: KategoriJabatan,
    title: String,
    education: Pendidikan,
    major: Option<String>,
}

impl Job {
    /// A class teacher's major: PGSD for nine in ten, as the catalogue asks of Guru Kelas.
    fn with_class_teacher_major(mut self, rng: &mut Rng) -> Self {
        if self.title == "Guru Kelas" && rng.chance(0.9) {
            self.major = Some("Pendidikan Guru Sekolah Dasar".to_owned());
        }
        self
    }
}

fn job_for(rng: &mut Rng, category: KategoriJabatan) -> Job {
    use KategoriJabatan::*;
    match category {
        Guru => Job {
            category,
            title: if rng.chance(0.6) {
                "Guru Kelas".into()
            } else {
                "Guru Mata Pelajaran".into()
            },
            education: if rng.chance(0.9) {
                Pendidikan::S1
            } else {
                Pendidikan::D4
            },
            // A class teacher (Guru Kelas) is mostly a PGSD graduate, as the catalogue asks.
            major: Some((*rng.pick(names::GURU_MAJORS)).to_owned()),
        }
        .with_class_teacher_major(rng),
        TenagaKesehatan => {
            let (title, major) = *rng.pick(names::NAKES);
            Job {
                category,
                title: title.to_owned(),
                education: *rng.weighted(&[
                    (Pendidikan::D3, 65),
                    (Pendidikan::S1, 20),
                    (Pendidikan::D4, 12),
                    (Pendidikan::S2, 3),
                ]),
                major: Some(major.to_owned()),
            }
        }
        TenagaTeknis => {
            let title = (*rng.pick(names::TEKNIS_JOBS)).to_owned();
            let education = *rng.weighted(&[
                (Pendidikan::Sma, 52),
                (Pendidikan::D3, 14),
                (Pendidikan::S1, 30),
                (Pendidikan::Smp, 3),
                (Pendidikan::S2, 1),
            ]);
            let agriculture = title == "Penyuluh Pertanian";
            Job {
                category,
                title,
                education,
                major: match education {
                    Pendidikan::S1 | Pendidikan::S2 | Pendidikan::D3 if agriculture => {
                        Some((*rng.pick(&["Agroteknologi", "Agribisnis", "Pertanian"])).to_owned())
                    }
                    Pendidikan::S1 | Pendidikan::S2 | Pendidikan::D3 => {
                        Some((*rng.pick(names::TEKNIS_MAJORS_S1)).to_owned())
                    }
                    Pendidikan::Sma => Some(
                        (*rng.pick(&["IPA", "IPS", "Teknik Komputer dan Jaringan", "Akuntansi"]))
                            .to_owned(),
                    ),
                    _ => None,
                },
            }
        }
        other => Job {
            category,
            title: other.label().to_owned(),
            education: *rng.weighted(&[
                (Pendidikan::Sd, 15),
                (Pendidikan::Smp, 30),
                (Pendidikan::Sma, 55),
            ]),
            major: None,
        },
    }
}

/// Writes `candidates.csv`, `formations.csv`, `employees.csv` and `directory.yaml` to
/// `opts.out`.
pub fn generate(opts: &GenerateOptions) -> std::io::Result<GenerateSummary> {
    std::fs::create_dir_all(&opts.out)?;
    let mut rng = Rng::new(opts.seed);
    let units = units_for(opts.candidates);
    let (candidate_rows, dirty, groups) = write_candidates(&mut rng, &units, opts)?;
    // Pay and budget come from their own stream, so the rest of the data set stays as it was.
    let mut budget = Rng::new(opts.seed ^ 0x5EED_B0D6);
    let (formation_lines, slots) =
        write_formations(&mut rng, &mut budget, &units, &groups, &opts.out)?;
    let employees = write_employees(&mut rng, &units, opts)?;
    write_directory(&opts.out)?;
    Ok(GenerateSummary {
        calon: candidate_rows,
        formasi: formation_lines,
        jumlah_formasi: slots,
        pegawai: employees,
        unit: units.len() as u64,
        baris_kotor: dirty,
        berkas: [
            "candidates.csv",
            "formations.csv",
            "employees.csv",
            "directory.yaml",
        ]
        .iter()
        .map(|f| opts.out.join(f))
        .collect(),
    })
}

/// A formation line's identity: unit index, category, title, and (health workers) the major.
type Position = (usize, KategoriJabatan, String, Option<String>);

/// Candidates per position, for sizing formations.
type Groups = BTreeMap<Position, u64>;

/// The units candidates work in, by the kind of work.
struct UnitPools {
    schools: Vec<usize>,
    health: Vec<usize>,
    offices: Vec<usize>,
    hospital_and_health_office: Vec<usize>,
}

impl UnitPools {
    fn new(units: &[Unit]) -> Self {
        let by = |keep: &dyn Fn(&Unit) -> bool| -> Vec<usize> {
            units
                .iter()
                .enumerate()
                .filter(|(_, u)| keep(u))
                .map(|(i, _)| i)
                .collect()
        };
        Self {
            schools: by(&|u| matches!(u.kind, UnitKind::Sd | UnitKind::Smp)),
            health: by(&|u| u.kind == UnitKind::Puskesmas),
            offices: by(&|u| matches!(u.kind, UnitKind::Opd | UnitKind::Kecamatan)),
            hospital_and_health_office: by(&|u| {
                u.name == "RSUD Martapura" || u.name == "Dinas Kesehatan"
            }),
        }
    }

    /// Where someone of `category` works.
    fn pick(&self, rng: &mut Rng, category: KategoriJabatan) -> usize {
        use KategoriJabatan::*;
        match category {
            Guru => *rng.pick(&self.schools),
            TenagaKesehatan if rng.chance(0.25) => *rng.pick(&self.hospital_and_health_office),
            TenagaKesehatan => *rng.pick(&self.health),
            PengelolaUmumOperasional | OperatorLayananOperasional if rng.chance(0.3) => {
                *rng.pick(&self.schools)
            }
            _ => *rng.pick(&self.offices),
        }
    }
}

/// A birth date: mostly working age, a few over the retirement age (PW-07) or under 20.
fn birth_date(rng: &mut Rng, reference: NaiveDate) -> NaiveDate {
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
    let age_roll = rng.below(1000);
    if age_roll < 3 {
        random_date(rng, date(1964, 1, 1), date(1967, 8, 1))
    } else if age_roll < 5 {
        random_date(rng, date(2005, 8, 9), date(2006, 6, 30))
    } else {
        let age = rng.weighted(&[
            (22, 3),
            (26, 15),
            (30, 25),
            (34, 25),
            (38, 15),
            (43, 10),
            (49, 5),
            (54, 2),
        ]);
        let year = reference.year() - age - rng.range(0, 3) as i32;
        random_date(rng, date(year, 1, 1), date(year, 12, 31))
    }
}

/// The 2024 selection a candidate took part in, and its result.
fn selection(rng: &mut Rng, applicant: KategoriPelamar) -> (&'static str, &'static str) {
    if applicant == KategoriPelamar::Cpns {
        return (
            "cpns",
            *rng.weighted(&[
                ("tidak_lulus", 90),
                ("tidak_dapat_formasi", 5),
                ("lulus", 3),
                ("tms", 1),
                ("aps", 1),
            ]),
        );
    }
    let seleksi = if applicant == KategoriPelamar::R5 {
        "pppk_tahap_2"
    } else {
        *rng.weighted(&[
            ("pppk_tahap_1", 42),
            ("pppk_tahap_2", 54),
            ("tidak_ikut", 2),
            ("cpns", 2),
        ])
    };
    let hasil = if seleksi == "tidak_ikut" {
        "tidak_ikut"
    } else {
        *rng.weighted(&[
            ("tidak_dapat_formasi", 70),
            ("tidak_lulus", 26),
            ("lulus", 2),
            ("tms", 1),
            ("aps", 1),
        ])
    };
    (seleksi, hasil)
}

/// The registry facts and employment as imported: about 3 % of rows carry a defect the rules
/// must catch (a birth date or sex that disagrees with the NIK, no salary, not active).
struct Recorded {
    tanggal_lahir: NaiveDate,
    jenis_kelamin: &'static str,
    aktif: bool,
    gaji: i64,
    dirty: bool,
}

fn recorded(rng: &mut Rng, birth: NaiveDate, female: bool) -> Recorded {
    let mut r = Recorded {
        tanggal_lahir: birth,
        jenis_kelamin: if female { "P" } else { "L" },
        aktif: true,
        gaji: rng.range(10, 70) * 50_000,
        dirty: true,
    };
    match rng.below(1000) {
        0..=9 => {
            if rng.chance(0.5) {
                r.tanggal_lahir = birth + Duration::days(rng.range(1, 28));
            } else {
                r.jenis_kelamin = if female { "L" } else { "P" };
            }
        }
        10..=19 => r.gaji = 0,
        20..=29 => r.aktif = false,
        _ => r.dirty = false,
    }
    r
}

/// An e-mail address (60 %) and a phone number (80 %).
fn contact(rng: &mut Rng, nama: &str) -> (String, String) {
    let email = if rng.chance(0.6) {
        format!(
            "{}{}@surel.contoh.id",
            nama.to_lowercase().replace([' ', '.'], ""),
            rng.range(1, 99)
        )
    } else {
        String::new()
    };
    let no_hp = if rng.chance(0.8) {
        format!("08{}", rng.range(1_100_000_000, 9_999_999_999))
    } else {
        String::new()
    };
    (email, no_hp)
}

fn write_candidates(
    rng: &mut Rng,
    units: &[Unit],
    opts: &GenerateOptions,
) -> std::io::Result<(u64, u64, Groups)> {
    let path = opts.out.join("candidates.csv");
    let mut w = csv::Writer::from_writer(BufWriter::with_capacity(1 << 20, File::create(&path)?));
    w.write_record(crate::domain::CANDIDATE_FIELDS)?;
    let pools = UnitPools::new(units);
    let reference = reference();
    let mut used = HashSet::with_capacity(opts.candidates as usize);
    let mut groups = Groups::new();
    let mut dirty = 0;
    for _ in 0..opts.candidates {
        use KategoriJabatan::*;
        let mut category = *rng.weighted(&[
            (TenagaTeknis, 700),
            (Guru, 115),
            (TenagaKesehatan, 110),
            (PengelolaUmumOperasional, 25),
            (OperatorLayananOperasional, 20),
            (PengelolaLayananOperasional, 15),
            (PenataLayananOperasional, 15),
        ]);
        // National 2025 proportions (BKN, 22 August 2025; domain.md section 6).
        let applicant = *rng.weighted(&[
            (KategoriPelamar::R1, 16),
            (KategoriPelamar::R2, 320),
            (KategoriPelamar::R3, 5630),
            (KategoriPelamar::R4, 3370),
            (KategoriPelamar::R5, 230),
            (KategoriPelamar::Cpns, 400),
        ]);
        if applicant == KategoriPelamar::R5 {
            category = Guru;
        }
        let job = job_for(rng, category);
        let unit = pools.pick(rng, category);
        let female = match category {
            Guru | TenagaKesehatan => rng.chance(0.72),
            _ => rng.chance(0.38),
        };
        let birth = birth_date(rng, reference);
        let nik = nik_for(rng, birth, female, &mut used);
        let in_database = !matches!(applicant, KategoriPelamar::R4 | KategoriPelamar::R5);
        let terdata_bkn = in_database && rng.chance(0.985);
        let (seleksi, hasil) = selection(rng, applicant);
        let ikut_semua_tahap = rng.chance(0.97);
        let earliest_start = (birth + Duration::days(365 * 18))
            .max(NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default());
        let latest_start = if applicant == KategoriPelamar::R4 && !rng.chance(0.05) {
            NaiveDate::from_ymd_opt(2023, 8, 8).unwrap_or_default()
        } else {
            NaiveDate::from_ymd_opt(2024, 12, 31).unwrap_or_default()
        };
        let tmt_kerja = random_date(rng, earliest_start.min(latest_start), latest_start);
        let rec = recorded(rng, birth, female);
        dirty += u64::from(rec.dirty);
        let status_khusus = match rng.below(1000) {
            0..=2 => "meninggal",
            3..=7 => "mengundurkan_diri",
            _ => "",
        };
        let ppg = applicant == KategoriPelamar::R5 && rng.chance(0.95)
            || category == Guru && rng.chance(0.1);
        let nama = person_name(rng, female);
        let (email, no_hp) = contact(rng, &nama);
        let tempat = if nik.starts_with("1609") {
            "OKU Timur"
        } else {
            "Palembang"
        };
        let nilai = format!("{:.1}", 40.0 + rng.below(500) as f64 / 10.0);
        w.write_record([
            nik.as_str(),
            &nama,
            &rec.tanggal_lahir.to_string(),
            rec.jenis_kelamin,
            tempat,
            job.education.code(),
            job.major.as_deref().unwrap_or(""),
            applicant.code(),
            yes_no(terdata_bkn),
            seleksi,
            hasil,
            yes_no(ikut_semua_tahap),
            &nilai,
            yes_no(ppg),
            yes_no(rec.aktif),
            &tmt_kerja.to_string(),
            &units[unit].code,
            job.category.code(),
            &job.title,
            &rec.gaji.to_string(),
            status_khusus,
            &email,
            &no_hp,
            &participant_number(&nik),
        ])?;
        let key = (
            unit,
            job.category,
            job.title,
            job.major.filter(|_| job.category == TenagaKesehatan),
        );
        *groups.entry(key).or_default() += 1;
    }
    w.flush()?;
    Ok((opts.candidates, dirty, groups))
}

/// The shipped jabatan catalogue: generated formations follow it, so that the demo proposes
/// nothing BKN would send back (a parse failure is caught by the catalogue's own test).
fn catalogue() -> &'static crate::domain::JobCatalogue {
    static CATALOGUE: std::sync::OnceLock<crate::domain::JobCatalogue> = std::sync::OnceLock::new();
    CATALOGUE.get_or_init(|| {
        crate::domain::JobCatalogue::parse(include_str!("../../rules/katalog_jabatan.yaml"))
            .unwrap_or_default()
    })
}

/// What a formation for `title` asks: the higher of its category's minimum and the
/// catalogue's, and the catalogue's fields (none: any).
fn requirement(category: KategoriJabatan, title: &str) -> (Pendidikan, Vec<String>) {
    let base = min_education(category);
    match catalogue().position(title) {
        Some(p) if !base.reaches(p.pendidikan_minimal) => (p.pendidikan_minimal, p.jurusan.clone()),
        Some(p) => (base, p.jurusan.clone()),
        None => (base, Vec::new()),
    }
}

/// The minimum education a formation of this category asks for.
fn min_education(category: KategoriJabatan) -> Pendidikan {
    match category {
        KategoriJabatan::Guru => Pendidikan::S1,
        KategoriJabatan::TenagaKesehatan => Pendidikan::D3,
        KategoriJabatan::TenagaTeknis => Pendidikan::Sma,
        KategoriJabatan::PenataLayananOperasional => Pendidikan::Sma,
        _ => Pendidikan::Sd,
    }
}

/// An SSCASN participant number for nine candidates in ten (the rest have not registered),
/// derived from the NIK so that it draws nothing from the generator's stream.
fn participant_number(nik: &str) -> String {
    match (nik.get(..4), nik.get(10..), nik.ends_with('0')) {
        (Some(region), Some(tail), false) => format!("25{region}2{tail}"),
        _ => String::new(),
    }
}

/// A formation line's monthly pay and budget source, as agencies set them in 2025: most lines
/// paid from the APBD at or above the regional minimum wage (Rp3.500.000 in the demo), health
/// posts partly from a hospital's BLUD, some teachers from BOS below the minimum wage, a few
/// from DAK, and a few lines left empty (pay = the candidate's last pay).
fn pay_and_budget(budget: &mut Rng, category: KategoriJabatan) -> (String, &'static str) {
    let roll = budget.below(100);
    let (pay, source) = match category {
        KategoriJabatan::Guru if roll < 20 => (Some(2_400_000), "BOS"),
        KategoriJabatan::Guru => (Some(3_500_000), "APBD"),
        KategoriJabatan::TenagaKesehatan if roll < 30 => (Some(3_750_000), "BLUD"),
        KategoriJabatan::TenagaKesehatan => (Some(3_600_000), "APBD"),
        _ if roll < 3 => (Some(3_500_000), "DAK"),
        _ if roll < 5 => (None, "APBD"),
        _ => (Some(3_500_000), "APBD"),
    };
    (pay.map(|p: i64| p.to_string()).unwrap_or_default(), source)
}

fn write_formations(
    rng: &mut Rng,
    budget: &mut Rng,
    units: &[Unit],
    groups: &Groups,
    out: &Path,
) -> std::io::Result<(u64, u64)> {
    let mut w = csv::Writer::from_writer(BufWriter::new(File::create(out.join("formations.csv"))?));
    w.write_record([
        "kode_formasi",
        "unit_kerja",
        "nama_unit",
        "kategori_jabatan",
        "jabatan",
        "pendidikan_minimal",
        "jurusan",
        "jumlah",
        "upah",
        "sumber_anggaran",
    ])?;
    // One line per unit, category and title: about seven places for every ten candidates, so
    // that (with ~15% ineligible) the slots stay fewer than the eligible candidates.
    let (mut lines, mut places) = (0u64, 0u64);
    for ((unit, category, title, major), count) in groups {
        let (unit, category) = (*unit, *category);
        let (education, fields) = requirement(category, title);
        let jumlah = (count * 7 + rng.below(10)) / 10;
        if jumlah == 0 {
            continue;
        }
        lines += 1;
        places += jumlah;
        let u = &units[unit];
        let (upah, sumber) = pay_and_budget(budget, category);
        w.write_record([
            &format!("F{}-{lines:04}", u.code),
            &u.code,
            &u.name,
            category.code(),
            title,
            education.code(),
            &major.clone().unwrap_or_else(|| fields.join(";")),
            &jumlah.to_string(),
            &upah,
            sumber,
        ])?;
    }
    w.flush()?;
    Ok((lines, places))
}

fn write_employees(rng: &mut Rng, units: &[Unit], opts: &GenerateOptions) -> std::io::Result<u64> {
    // About 37 civil servants for every 100 candidates (OKU Timur: 1,559 PNS, ~4,200 honorer).
    let count = (opts.candidates * 37 / 100).max(40);
    let mut w = csv::Writer::from_writer(BufWriter::with_capacity(
        1 << 20,
        File::create(opts.out.join("employees.csv"))?,
    ));
    w.write_record(crate::domain::EMPLOYEE_FIELDS)?;
    let offices: Vec<&Unit> = units.iter().filter(|u| u.kind == UnitKind::Opd).collect();
    let mut used = HashSet::with_capacity(count as usize);
    let reference = reference();
    for _ in 0..count {
        let jenjang = *rng.weighted(&[
            ("pelaksana", 46),
            ("jf_terampil", 10),
            ("jf_ahli_pertama", 12),
            ("jf_ahli_muda", 9),
            ("jf_ahli_madya", 3),
            ("pengawas", 11),
            ("administrator", 7),
            ("jpt_pratama", 2),
        ]);
        let female = rng.chance(0.45);
        let age = match jenjang {
            "jpt_pratama" => rng.range(44, 58),
            "administrator" | "jf_ahli_madya" => rng.range(38, 57),
            "pengawas" | "jf_ahli_muda" => rng.range(33, 56),
            _ => rng.range(25, 57),
        } as i32;
        let year = reference.year() - age;
        let birth = random_date(
            rng,
            NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default(),
            NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default(),
        );
        let tmt_year = (birth.year() + rng.range(22, 30) as i32).min(2024);
        let tmt_month = rng.range(1, 12) as u32;
        let nip = loop {
            let nip = format!(
                "{}{tmt_year:04}{tmt_month:02}{}{:03}",
                birth.format("%Y%m%d"),
                if female { 2 } else { 1 },
                rng.range(1, 999)
            );
            if used.insert(nip.parse::<u64>().unwrap_or_default()) {
                break nip;
            }
        };
        let tmt_cpns = NaiveDate::from_ymd_opt(tmt_year, tmt_month, 1).unwrap_or_default();
        let tmt_jenjang = random_date(
            rng,
            tmt_cpns,
            NaiveDate::from_ymd_opt(2025, 6, 30)
                .unwrap_or_default()
                .max(tmt_cpns),
        );
        let (golongan, pendidikan) = match jenjang {
            "jpt_pratama" => (
                *rng.pick(&["IV/c", "IV/d"]),
                *rng.weighted(&[("S2", 80), ("S1", 18), ("S3", 2)]),
            ),
            "administrator" => (
                *rng.pick(&["IV/a", "IV/b"]),
                *rng.weighted(&[("S1", 55), ("S2", 43), ("D3", 2)]),
            ),
            "pengawas" => (
                *rng.pick(&["III/c", "III/d"]),
                *rng.weighted(&[("S1", 75), ("D3", 15), ("S2", 8), ("SMA", 2)]),
            ),
            "jf_ahli_madya" => ("IV/a", "S2"),
            "jf_ahli_muda" => (*rng.pick(&["III/c", "III/d"]), "S1"),
            "jf_ahli_pertama" => (*rng.pick(&["III/a", "III/b"]), "S1"),
            "jf_terampil" => (*rng.pick(&["II/c", "II/d", "III/a"]), "D3"),
            _ => (
                *rng.pick(&["II/a", "II/b", "II/c", "III/a"]),
                *rng.weighted(&[("SMA", 55), ("D3", 20), ("S1", 25)]),
            ),
        };
        let unit = *rng.pick(&offices);
        let jabatan = match jenjang {
            "jpt_pratama" => format!("Kepala {}", unit.name),
            "administrator" => format!(
                "Kepala Bidang {}",
                rng.pick(&["Perencanaan", "Pelayanan", "Pembinaan", "Program", "Umum"])
            ),
            "pengawas" => format!(
                "Kepala Seksi {}",
                rng.pick(&["Data", "Evaluasi", "Pengadaan", "Mutasi", "Keuangan"])
            ),
            "pelaksana" => (*rng.pick(&[
                "Pengadministrasi Perkantoran",
                "Pengelola Data",
                "Penata Laporan Keuangan",
            ]))
            .to_owned(),
            _ => format!(
                "{} {}",
                rng.pick(&[
                    "Analis SDM Aparatur",
                    "Perencana",
                    "Pranata Komputer",
                    "Auditor"
                ]),
                jenjang.replace("jf_", "").replace('_', " ")
            ),
        };
        let predikat = [
            ("sangat_baik", 25),
            ("baik", 60),
            ("butuh_perbaikan", 10),
            ("kurang", 4),
            ("sangat_kurang", 1),
        ];
        let p1 = *rng.weighted(&predikat);
        let p2 = if rng.chance(0.7) {
            p1
        } else {
            *rng.weighted(&predikat)
        };
        let potensial = *rng.weighted(&[("rendah", 25), ("menengah", 50), ("tinggi", 25)]);
        let hukuman =
            *rng.weighted(&[("tidak", 950), ("ringan", 30), ("sedang", 15), ("berat", 5)]);
        let nama = person_name(rng, female);
        let email = format!(
            "{}.{}@pegawai.contoh.go.id",
            nama.to_lowercase().replace([' ', '.'], ""),
            &nip[14..]
        );
        // The level held before the current one, from entry into the service until the day
        // before the current level began (no further random draws: the data stays the same).
        let before = match jenjang {
            "jpt_pratama" => Some("administrator"),
            "administrator" => Some("pengawas"),
            "pengawas" => Some("pelaksana"),
            _ => None,
        };
        let riwayat = match (before, tmt_jenjang.pred_opt()) {
            (Some(level), Some(end)) if end > tmt_cpns => format!("{level} {tmt_cpns} {end}"),
            _ => String::new(),
        };
        w.write_record([
            nip.as_str(),
            &nama,
            &birth.to_string(),
            if female { "P" } else { "L" },
            golongan,
            jenjang,
            &jabatan,
            &unit.code,
            &tmt_jenjang.to_string(),
            pendidikan,
            p1,
            p2,
            potensial,
            "",
            hukuman,
            &email,
            &riwayat,
        ])?;
    }
    w.flush()?;
    Ok(count)
}

/// The approvers of a regency: BKPSDM, BPKAD, the Sekda, the TPK, the Bupati and SIASN
/// operators, with a Plh. Sekda for a holiday period.
fn write_directory(out: &Path) -> std::io::Result<()> {
    let mut f = BufWriter::new(File::create(out.join("directory.yaml"))?);
    f.write_all(DIRECTORY.as_bytes())?;
    f.flush()
}

const DIRECTORY: &str = r#"# Direktori pejabat dan peran (dibuat oleh `merit generate`; data fiktif).
orang:
  - { id: verifikator_1, nama: "Rina Apriani, S.Kom.", email: verifikator1@bkpsdm.contoh.go.id, peran: [VERIFIKATOR_BKPSDM] }
  - { id: verifikator_2, nama: "Dodi Saputra, S.E.", email: verifikator2@bkpsdm.contoh.go.id, peran: [VERIFIKATOR_BKPSDM] }
  - { id: kabid_pengadaan, nama: "Hendra Wijaya, S.STP., M.Si.", email: kabid.pengadaan@bkpsdm.contoh.go.id, peran: [KABID_BKPSDM] }
  - { id: kepala_bkpsdm, nama: "Drs. Sutikno, M.M.", email: kepala@bkpsdm.contoh.go.id, peran: [KEPALA_BKPSDM, TPK, ADMIN] }
  - { id: kepala_bpkad, nama: "Agus Firmansyah, S.E., M.Si.", email: kepala@bpkad.contoh.go.id, peran: [BPKAD] }
  - { id: sekda, nama: "Ir. Bambang Hartono, M.T.", email: sekda@setda.contoh.go.id, peran: [SEKDA, TPK], atasan: bupati }
  - { id: asisten_1, nama: "Dr. Yusuf Hakim, M.Si.", email: asisten1@setda.contoh.go.id, peran: [ASISTEN, TPK], atasan: sekda }
  - { id: inspektur, nama: "Siti Rahmawati, S.H., M.H.", email: inspektur@inspektorat.contoh.go.id, peran: [INSPEKTUR, TPK] }
  - { id: bupati, nama: "Bupati Ogan Komering Ulu Timur", email: bupati@contoh.go.id, peran: [PPK] }
  - { id: operator_siasn_1, nama: "Fajar Pratama, A.Md.", email: siasn1@bkpsdm.contoh.go.id, peran: [SIASN_OPERATOR] }
  - { id: operator_siasn_2, nama: "Dewi Lestari, S.Kom.", email: siasn2@bkpsdm.contoh.go.id, peran: [SIASN_OPERATOR] }
pelaksana:
  - peran: SEKDA
    orang: asisten_1
    jenis: Plh.
    mulai: 2025-12-22
    sampai: 2026-01-02
    dasar: "SK Bupati Nomor 800/512/KEP/BKPSDM/2025 tentang Pelaksana Harian Sekretaris Daerah"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_files() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        for dir in [&a, &b] {
            generate(&GenerateOptions {
                candidates: 300,
                out: dir.path().to_path_buf(),
                seed: 7,
            })
            .unwrap();
        }
        for f in [
            "candidates.csv",
            "formations.csv",
            "employees.csv",
            "directory.yaml",
        ] {
            assert_eq!(
                std::fs::read(a.path().join(f)).unwrap(),
                std::fs::read(b.path().join(f)).unwrap(),
                "{f}"
            );
        }
    }
}
