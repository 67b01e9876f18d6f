//! EVALUATE (pure): placing eligible candidates into formation slots (interfaces.md 6).
//!
//! Candidates are taken in priority order (higher first; ties: older first, then NIK
//! ascending). First pass: a fitting slot in the candidate's own unit; second pass, for those
//! still unplaced and in the same order: a fitting slot in another unit, by `kode_formasi`. A slot
//! fits when its category equals the candidate's, the candidate's education reaches its minimum,
//! and (when it lists majors) the major is accepted. No slot is ever over-filled. Every
//! placement and every candidate left unplaced gets a reason.

use std::{cmp::Ordering, collections::HashMap};

use chrono::NaiveDate;

use crate::domain::{Formation, KategoriJabatan, Nik, Pendidikan};

/// An eligible candidate, as placement needs them.
#[derive(Debug, Clone)]
pub struct Applicant {
    /// Candidate.
    pub nik: Nik,
    /// Priority from the ruleset (none ranks last).
    pub prioritas: Option<f64>,
    /// Birth date (older first on equal priority).
    pub tanggal_lahir: NaiveDate,
    /// Own unit.
    pub unit_kerja: String,
    /// Position category.
    pub kategori_jabatan: Option<KategoriJabatan>,
    pub pendidikan: Pendidikan,
    pub jurusan: Option<String>,
}

/// Where a candidate ends up.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    /// Candidate.
    pub nik: Nik,
    /// Rank in placement order, from 1.
    pub urutan: u64,
    /// Priority used.
    pub prioritas: Option<f64>,
    /// The slot, or none.
    pub kode_formasi: Option<String>,
    /// The slot's unit.
    pub unit_kerja: Option<String>,
    /// The slot's position.
    pub jabatan: Option<String>,
    /// 1 = own unit, 2 = another unit, 0 = not placed.
    pub putaran: u8,
    pub alasan: String,
}

/// The placement order: priority descending, then older first, then NIK ascending.
pub fn order(a: &Applicant, b: &Applicant) -> Ordering {
    let pa = a.prioritas.unwrap_or(f64::NEG_INFINITY);
    let pb = b.prioritas.unwrap_or(f64::NEG_INFINITY);
    pb.total_cmp(&pa)
        .then(a.tanggal_lahir.cmp(&b.tanggal_lahir))
        .then(a.nik.cmp(&b.nik))
}

fn fits(a: &Applicant, f: &Formation) -> bool {
    a.kategori_jabatan == Some(f.kategori_jabatan)
        && a.pendidikan.reaches(f.pendidikan_minimal)
        && f.accepts_major(a.jurusan.as_deref())
}

fn priority_text(p: Option<f64>) -> String {
    match p {
        Some(p) if p.fract() == 0.0 => format!("{p:.0}"),
        Some(p) => format!("{p}"),
        None => "tidak ada".to_owned(),
    }
}

/// Why a candidate who fits nowhere with room left is not placed.
fn unplaced_reason(a: &Applicant, slots: &[&Formation]) -> String {
    let Some(kategori) = a.kategori_jabatan else {
        return "Kategori jabatan calon belum diisi, sehingga tidak dapat dicocokkan dengan formasi".to_owned();
    };
    let same: Vec<&Formation> = slots
        .iter()
        .copied()
        .filter(|f| f.kategori_jabatan == kategori)
        .collect();
    if same.is_empty() {
        return format!(
            "Tidak ada formasi untuk kategori jabatan {}",
            kategori.label()
        );
    }
    let educated: Vec<&&Formation> = same
        .iter()
        .filter(|f| a.pendidikan.reaches(f.pendidikan_minimal))
        .collect();
    if educated.is_empty() {
        let lowest = same
            .iter()
            .map(|f| f.pendidikan_minimal)
            .min()
            .unwrap_or(Pendidikan::Sd);
        return format!(
            "Pendidikan {} di bawah syarat minimal formasi {} (paling rendah {})",
            a.pendidikan.code(),
            kategori.label(),
            lowest.code()
        );
    }
    let fitting: Vec<&&&Formation> = educated
        .iter()
        .filter(|f| f.accepts_major(a.jurusan.as_deref()))
        .collect();
    if fitting.is_empty() {
        return format!(
            "Jurusan {} tidak termasuk jurusan yang diterima formasi {} yang sesuai",
            a.jurusan.as_deref().unwrap_or("(kosong)"),
            kategori.label()
        );
    }
    let places: u64 = fitting.iter().map(|f| u64::from(f.jumlah)).sum();
    format!(
        "Semua formasi yang sesuai sudah penuh ({} baris formasi, {places} kebutuhan) oleh calon dengan prioritas lebih tinggi",
        fitting.len()
    )
}

/// Places `applicants` into `slots`; returns one entry per applicant, in placement order.
pub fn place(mut applicants: Vec<Applicant>, slots: &[Formation]) -> Vec<Placement> {
    applicants.sort_by(order);
    let mut slots: Vec<&Formation> = slots.iter().collect();
    slots.sort_by(|a, b| a.kode_formasi.cmp(&b.kode_formasi));
    let mut left: Vec<u32> = slots.iter().map(|f| f.jumlah).collect();
    let mut by_unit: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, f) in slots.iter().enumerate() {
        by_unit.entry(f.unit_kerja.as_str()).or_default().push(i);
    }
    let mut out: Vec<Option<Placement>> = vec![None; applicants.len()];
    let make = |a: &Applicant, rank: usize, f: &Formation, putaran: u8| {
        let alasan = if putaran == 1 {
            format!(
                "Ditempatkan pada formasi unit kerja sendiri ({}): {} ({}); prioritas {}",
                f.unit_kerja,
                f.jabatan,
                f.kode_formasi,
                priority_text(a.prioritas)
            )
        } else {
            format!(
                "Ditempatkan pada formasi unit lain ({}): {} ({}), karena formasi yang sesuai di unit kerja sendiri ({}) tidak ada atau sudah penuh; prioritas {}",
                f.unit_kerja,
                f.jabatan,
                f.kode_formasi,
                a.unit_kerja,
                priority_text(a.prioritas)
            )
        };
        Placement {
            nik: a.nik,
            urutan: rank as u64 + 1,
            prioritas: a.prioritas,
            kode_formasi: Some(f.kode_formasi.clone()),
            unit_kerja: Some(f.unit_kerja.clone()),
            jabatan: Some(f.jabatan.clone()),
            putaran,
            alasan,
        }
    };
    // Pass 1: own unit.
    for (rank, a) in applicants.iter().enumerate() {
        let own = by_unit
            .get(a.unit_kerja.as_str())
            .map(Vec::as_slice)
            .unwrap_or_default();
        if let Some(&i) = own.iter().find(|&&i| left[i] > 0 && fits(a, slots[i])) {
            left[i] -= 1;
            out[rank] = Some(make(a, rank, slots[i], 1));
        }
    }
    // Pass 2: other units, in the same order, by formation code. Slots are indexed per
    // category and dropped from the index once full, so a national run stays linear-ish.
    let mut open_by_category: HashMap<KategoriJabatan, Vec<usize>> = HashMap::new();
    for (i, f) in slots.iter().enumerate() {
        if left[i] > 0 {
            open_by_category
                .entry(f.kategori_jabatan)
                .or_default()
                .push(i);
        }
    }
    let mut reasons: HashMap<(Option<KategoriJabatan>, Pendidikan, Option<String>), String> =
        HashMap::new();
    for (rank, a) in applicants.iter().enumerate() {
        if out[rank].is_some() {
            continue;
        }
        let open = a
            .kategori_jabatan
            .and_then(|k| open_by_category.get_mut(&k));
        let found = open.and_then(|open| {
            let pos = open
                .iter()
                .position(|&i| slots[i].unit_kerja != a.unit_kerja && fits(a, slots[i]))?;
            let i = open[pos];
            left[i] -= 1;
            if left[i] == 0 {
                open.remove(pos);
            }
            Some(i)
        });
        out[rank] = Some(match found {
            Some(i) => make(a, rank, slots[i], 2),
            None => {
                let key = (
                    a.kategori_jabatan,
                    a.pendidikan,
                    a.jurusan.as_deref().map(crate::domain::normalize_key),
                );
                let alasan = reasons
                    .entry(key)
                    .or_insert_with(|| unplaced_reason(a, &slots))
                    .clone();
                Placement {
                    nik: a.nik,
                    urutan: rank as u64 + 1,
                    prioritas: a.prioritas,
                    kode_formasi: None,
                    unit_kerja: None,
                    jabatan: None,
                    putaran: 0,
                    alasan,
                }
            }
        });
    }
    out.into_iter().flatten().collect()
}

/// A stored placement.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PlacementRecord {
    /// Placement id.
    pub id: String,
    /// The screening run it placed.
    pub run_id: String,
    /// Candidates placed.
    pub ditempatkan: u64,
    /// Eligible candidates not placed.
    pub tidak_ditempatkan: u64,
    /// Places in all formation lines at the time.
    pub jumlah_formasi: u64,
    /// Who ran it.
    pub dibuat_oleh: String,
    /// When, epoch ms.
    pub dibuat_ms: i64,
}

/// One line of a placement, for exports.
#[derive(Debug, Clone)]
pub struct PlacementLine {
    /// The placement decision.
    pub placement: Placement,
    /// Candidate's name.
    pub nama: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::KategoriJabatan::{Guru, TenagaKesehatan, TenagaTeknis};

    fn nik(i: u32) -> Nik {
        Nik::parse(&format!("16090223048700{i:02}")).unwrap()
    }

    fn app(
        i: u32,
        p: f64,
        born: (i32, u32, u32),
        unit: &str,
        k: KategoriJabatan,
        edu: Pendidikan,
    ) -> Applicant {
        Applicant {
            nik: nik(i),
            prioritas: Some(p),
            tanggal_lahir: NaiveDate::from_ymd_opt(born.0, born.1, born.2).unwrap(),
            unit_kerja: unit.into(),
            kategori_jabatan: Some(k),
            pendidikan: edu,
            jurusan: None,
        }
    }

    fn slot(kode: &str, unit: &str, k: KategoriJabatan, min: Pendidikan, n: u32) -> Formation {
        Formation {
            kode_formasi: kode.into(),
            unit_kerja: unit.into(),
            nama_unit: None,
            kategori_jabatan: k,
            jabatan: format!("Jabatan {kode}"),
            pendidikan_minimal: min,
            jurusan: vec![],
            jumlah: n,
            upah: None,
            sumber_anggaran: crate::domain::SumberAnggaran::Apbd,
        }
    }

    fn by_nik(out: &[Placement], i: u32) -> &Placement {
        out.iter().find(|p| p.nik == nik(i)).unwrap()
    }

    #[test]
    fn own_unit_first_then_others_by_code() {
        let slots = vec![
            slot("K2", "U2", TenagaTeknis, Pendidikan::Sma, 1),
            slot("K1", "U1", TenagaTeknis, Pendidikan::Sma, 1),
        ];
        let out = place(
            vec![
                app(1, 4000.0, (1990, 1, 1), "U1", TenagaTeknis, Pendidikan::Sma),
                app(2, 3000.0, (1990, 1, 1), "U1", TenagaTeknis, Pendidikan::Sma),
            ],
            &slots,
        );
        assert_eq!(
            (
                by_nik(&out, 1).kode_formasi.as_deref(),
                by_nik(&out, 1).putaran
            ),
            (Some("K1"), 1)
        );
        assert_eq!(
            (
                by_nik(&out, 2).kode_formasi.as_deref(),
                by_nik(&out, 2).putaran
            ),
            (Some("K2"), 2)
        );
        assert!(by_nik(&out, 2).alasan.contains("unit lain (U2)"));
    }

    #[test]
    fn own_unit_pass_runs_before_any_other_unit_placement() {
        // A lower-priority candidate of U2 keeps U2's slot even though a higher-priority
        // candidate of U1 (whose unit is full) could have taken it in pass 2.
        let slots = vec![
            slot("K1", "U1", TenagaTeknis, Pendidikan::Sma, 1),
            slot("K2", "U2", TenagaTeknis, Pendidikan::Sma, 1),
        ];
        let out = place(
            vec![
                app(1, 5000.0, (1990, 1, 1), "U1", TenagaTeknis, Pendidikan::Sma),
                app(2, 4000.0, (1990, 1, 1), "U1", TenagaTeknis, Pendidikan::Sma),
                app(3, 1000.0, (1990, 1, 1), "U2", TenagaTeknis, Pendidikan::Sma),
            ],
            &slots,
        );
        assert_eq!(by_nik(&out, 1).kode_formasi.as_deref(), Some("K1"));
        assert_eq!(by_nik(&out, 3).kode_formasi.as_deref(), Some("K2"));
        assert_eq!(by_nik(&out, 2).kode_formasi, None);
        assert!(
            by_nik(&out, 2)
                .alasan
                .starts_with("Semua formasi yang sesuai sudah penuh"),
            "{}",
            by_nik(&out, 2).alasan
        );
    }

    #[test]
    fn ties_go_to_the_older_then_the_smaller_nik() {
        let slots = vec![slot("K1", "U1", Guru, Pendidikan::S1, 1)];
        let out = place(
            vec![
                app(3, 2000.0, (1991, 5, 5), "U1", Guru, Pendidikan::S1),
                app(2, 2000.0, (1989, 5, 5), "U1", Guru, Pendidikan::S1),
                app(1, 2000.0, (1991, 5, 5), "U1", Guru, Pendidikan::S1),
            ],
            &slots,
        );
        assert_eq!(out[0].nik, nik(2), "older first");
        assert_eq!(out[1].nik, nik(1), "then NIK ascending");
        assert_eq!(out[2].nik, nik(3));
        assert_eq!(
            out.iter().filter(|p| p.kode_formasi.is_some()).count(),
            1,
            "the slot is never over-filled"
        );
        assert_eq!(by_nik(&out, 2).kode_formasi.as_deref(), Some("K1"));
        assert_eq!(by_nik(&out, 1).urutan, 2);
    }

    #[test]
    fn category_education_and_major_must_fit() {
        let mut nurse = slot("K1", "U1", TenagaKesehatan, Pendidikan::D3, 5);
        nurse.jurusan = vec!["Keperawatan".into()];
        let slots = vec![nurse, slot("K2", "U1", Guru, Pendidikan::S1, 5)];
        let mut midwife = app(1, 1.0, (1990, 1, 1), "U1", TenagaKesehatan, Pendidikan::D3);
        midwife.jurusan = Some("Kebidanan".into());
        let mut nurse_d3 = app(2, 1.0, (1990, 1, 1), "U1", TenagaKesehatan, Pendidikan::D3);
        nurse_d3.jurusan = Some("keperawatan".into());
        let teacher_sma = app(3, 1.0, (1990, 1, 1), "U1", Guru, Pendidikan::Sma);
        let tech = app(4, 1.0, (1990, 1, 1), "U1", TenagaTeknis, Pendidikan::S1);
        let mut none = app(5, 1.0, (1990, 1, 1), "U1", Guru, Pendidikan::S1);
        none.kategori_jabatan = None;
        let out = place(vec![midwife, nurse_d3, teacher_sma, tech, none], &slots);
        assert_eq!(by_nik(&out, 2).kode_formasi.as_deref(), Some("K1"));
        assert!(
            by_nik(&out, 1)
                .alasan
                .starts_with("Jurusan Kebidanan tidak termasuk"),
            "{}",
            by_nik(&out, 1).alasan
        );
        assert!(
            by_nik(&out, 3)
                .alasan
                .starts_with("Pendidikan SMA di bawah syarat minimal"),
            "{}",
            by_nik(&out, 3).alasan
        );
        assert!(
            by_nik(&out, 4)
                .alasan
                .starts_with("Tidak ada formasi untuk kategori jabatan Tenaga Teknis")
        );
        assert!(
            by_nik(&out, 5)
                .alasan
                .starts_with("Kategori jabatan calon belum diisi")
        );
    }

    #[test]
    fn higher_education_fits_lower_minimum_and_no_priority_ranks_last() {
        let slots = vec![slot("K1", "U1", TenagaTeknis, Pendidikan::Sma, 1)];
        let mut none = app(1, 0.0, (1980, 1, 1), "U1", TenagaTeknis, Pendidikan::S2);
        none.prioritas = None;
        let out = place(
            vec![
                none,
                app(2, -5.0, (1999, 1, 1), "U1", TenagaTeknis, Pendidikan::S2),
            ],
            &slots,
        );
        assert_eq!(by_nik(&out, 2).kode_formasi.as_deref(), Some("K1"));
        assert_eq!(by_nik(&out, 1).kode_formasi, None);
    }

    #[test]
    fn a_d4_teacher_fills_an_s1_formation() {
        // KKNI level 6: "S1 atau D-IV" (UU 14/2005). Before, D-IV teachers stayed unplaced.
        let slots = vec![slot("G1", "U1", Guru, Pendidikan::S1, 1)];
        let out = place(
            vec![app(1, 4000.0, (1990, 1, 1), "U1", Guru, Pendidikan::D4)],
            &slots,
        );
        assert_eq!(by_nik(&out, 1).kode_formasi.as_deref(), Some("G1"));
        let slots = vec![slot("G2", "U1", Guru, Pendidikan::D4, 1)];
        let out = place(
            vec![app(2, 4000.0, (1990, 1, 1), "U1", Guru, Pendidikan::D3)],
            &slots,
        );
        assert_eq!(by_nik(&out, 2).kode_formasi, None);
    }
}
