//! The records scripts read: `calon`, `pegawai` and `lowongan`, as registered types with one
//! getter per import column. Enumeration codes are interned per thread, so reading
//! `calon.kategori_pelamar` costs a reference-count bump on a thread-local string.

use std::{cell::RefCell, collections::HashMap, sync::Arc};

use rhai::{Dynamic, Engine, ImmutableString};

use super::host::Tanggal;
use crate::domain::{Candidate, Employee, Vacancy};

/// `calon` in scripts.
#[derive(Debug, Clone)]
pub(crate) struct CalonObj(pub(crate) Arc<Candidate>);

/// `pegawai` in scripts.
#[derive(Debug, Clone)]
pub(crate) struct PegawaiObj(pub(crate) Arc<Employee>);

/// `lowongan` in scripts.
#[derive(Debug, Clone)]
pub(crate) struct LowonganObj(pub(crate) Arc<Vacancy>);

/// The fields of `calon` (the candidate import columns).
pub const CALON_FIELDS: &[&str] = &crate::domain::CANDIDATE_FIELDS;

/// The fields of `pegawai` (the employee import columns).
pub const PEGAWAI_FIELDS: &[&str] = &crate::domain::EMPLOYEE_FIELDS;

/// The fields of `lowongan`.
pub const LOWONGAN_FIELDS: &[&str] = &["jenjang", "unit_kerja", "jabatan", "tanggal", "alasan"];

/// Hashes a static string by its address: codes are `&'static str` constants, so the address
/// identifies the text and hashing the bytes (SipHash) would cost more than the lookup saves.
#[derive(Default)]
struct AddressHasher(u64);

impl std::hash::Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

thread_local! {
    static INTERNED: RefCell<HashMap<usize, ImmutableString, std::hash::BuildHasherDefault<AddressHasher>>> =
        RefCell::new(HashMap::default());
}

/// A shared script string for a static code, allocated once per thread.
fn code(s: &'static str) -> ImmutableString {
    INTERNED.with(|m| {
        m.borrow_mut()
            .entry(s.as_ptr() as usize)
            .or_insert_with(|| ImmutableString::from(s))
            .clone()
    })
}

fn text(s: &str) -> ImmutableString {
    ImmutableString::from(s)
}

fn opt_text(s: Option<&str>) -> ImmutableString {
    s.map_or_else(ImmutableString::new, text)
}

fn opt_code(s: Option<&'static str>) -> ImmutableString {
    s.map_or_else(ImmutableString::new, code)
}

/// Registers the three record types and their getters.
pub(crate) fn register(engine: &mut Engine) {
    engine
        .register_type_with_name::<CalonObj>("Calon")
        .register_get("nik", |c: &mut CalonObj| text(c.0.nik.as_str()))
        .register_get("nama", |c: &mut CalonObj| text(&c.0.nama))
        .register_get("tanggal_lahir", |c: &mut CalonObj| {
            Tanggal(c.0.tanggal_lahir)
        })
        .register_get("jenis_kelamin", |c: &mut CalonObj| {
            code(c.0.jenis_kelamin.code())
        })
        .register_get("tempat_lahir", |c: &mut CalonObj| {
            opt_text(c.0.tempat_lahir.as_deref())
        })
        .register_get("pendidikan", |c: &mut CalonObj| code(c.0.pendidikan.code()))
        .register_get("jurusan", |c: &mut CalonObj| {
            opt_text(c.0.jurusan.as_deref())
        })
        .register_get("kategori_pelamar", |c: &mut CalonObj| {
            code(c.0.kategori_pelamar.code())
        })
        .register_get("terdata_bkn", |c: &mut CalonObj| c.0.terdata_bkn)
        .register_get("seleksi_2024", |c: &mut CalonObj| {
            code(c.0.seleksi_2024.code())
        })
        .register_get("hasil_seleksi_2024", |c: &mut CalonObj| {
            code(c.0.hasil_seleksi_2024.code())
        })
        .register_get("ikut_semua_tahap", |c: &mut CalonObj| c.0.ikut_semua_tahap)
        .register_get("nilai_seleksi", |c: &mut CalonObj| {
            c.0.nilai_seleksi.map_or(Dynamic::UNIT, Dynamic::from)
        })
        .register_get("ppg", |c: &mut CalonObj| c.0.ppg)
        .register_get("aktif_bekerja", |c: &mut CalonObj| c.0.aktif_bekerja)
        .register_get("tmt_kerja", |c: &mut CalonObj| Tanggal(c.0.tmt_kerja))
        .register_get("unit_kerja", |c: &mut CalonObj| text(&c.0.unit_kerja))
        .register_get("kategori_jabatan", |c: &mut CalonObj| {
            opt_code(c.0.kategori_jabatan.map(|k| k.code()))
        })
        .register_get("jabatan", |c: &mut CalonObj| {
            opt_text(c.0.jabatan.as_deref())
        })
        .register_get("gaji_terakhir", |c: &mut CalonObj| c.0.gaji_terakhir)
        .register_get("status_khusus", |c: &mut CalonObj| {
            opt_code(c.0.status_khusus.map(|s| s.code()))
        })
        .register_get("email", |c: &mut CalonObj| opt_text(c.0.email.as_deref()))
        .register_get("no_hp", |c: &mut CalonObj| opt_text(c.0.no_hp.as_deref()))
        .register_get("nomor_peserta", |c: &mut CalonObj| {
            opt_text(c.0.nomor_peserta.as_deref())
        });

    engine
        .register_type_with_name::<PegawaiObj>("Pegawai")
        .register_get("nip", |p: &mut PegawaiObj| text(p.0.nip.as_str()))
        .register_get("nama", |p: &mut PegawaiObj| text(&p.0.nama))
        .register_get("tanggal_lahir", |p: &mut PegawaiObj| {
            Tanggal(p.0.tanggal_lahir)
        })
        .register_get("jenis_kelamin", |p: &mut PegawaiObj| {
            code(p.0.jenis_kelamin.code())
        })
        .register_get("golongan", |p: &mut PegawaiObj| {
            opt_code(p.0.golongan.map(|g| g.code()))
        })
        .register_get("jenjang", |p: &mut PegawaiObj| code(p.0.jenjang.code()))
        .register_get("jabatan", |p: &mut PegawaiObj| text(&p.0.jabatan))
        .register_get("unit_kerja", |p: &mut PegawaiObj| text(&p.0.unit_kerja))
        .register_get("tmt_jenjang", |p: &mut PegawaiObj| Tanggal(p.0.tmt_jenjang))
        .register_get("pendidikan", |p: &mut PegawaiObj| {
            code(p.0.pendidikan.code())
        })
        .register_get("predikat_1", |p: &mut PegawaiObj| {
            code(p.0.predikat_1.code())
        })
        .register_get("predikat_2", |p: &mut PegawaiObj| {
            code(p.0.predikat_2.code())
        })
        .register_get("potensial", |p: &mut PegawaiObj| code(p.0.potensial.code()))
        .register_get("kotak_talenta", |p: &mut PegawaiObj| {
            p.0.kotak_talenta.number()
        })
        .register_get("hukuman_disiplin", |p: &mut PegawaiObj| {
            code(p.0.hukuman_disiplin.code())
        })
        .register_get("email", |p: &mut PegawaiObj| opt_text(p.0.email.as_deref()))
        .register_get("riwayat_jenjang", |p: &mut PegawaiObj| {
            let list: rhai::Array =
                p.0.riwayat_jenjang
                    .iter()
                    .map(|r| {
                        let mut m = rhai::Map::new();
                        m.insert("jenjang".into(), Dynamic::from(code(r.jenjang.code())));
                        m.insert("mulai".into(), Dynamic::from(Tanggal(r.mulai)));
                        m.insert("sampai".into(), Dynamic::from(Tanggal(r.sampai)));
                        Dynamic::from_map(m)
                    })
                    .collect();
            list
        })
        .register_fn(
            "bulan_pada_jenjang",
            |p: &mut PegawaiObj, daftar: rhai::Array, sampai: Tanggal| -> i64 {
                months_at_levels(&p.0, &daftar, sampai.0)
            },
        );

    engine
        .register_type_with_name::<LowonganObj>("Lowongan")
        .register_get("jenjang", |l: &mut LowonganObj| code(l.0.jenjang.code()))
        .register_get("unit_kerja", |l: &mut LowonganObj| text(&l.0.unit_kerja))
        .register_get("jabatan", |l: &mut LowonganObj| text(&l.0.jabatan))
        .register_get("tanggal", |l: &mut LowonganObj| Tanggal(l.0.tanggal))
        .register_get("alasan", |l: &mut LowonganObj| code(l.0.alasan.code()));
}

/// Whole months an employee has spent at any of `levels` up to `until`: the current level
/// since `tmt_jenjang`, and every earlier period in `riwayat_jenjang` (cut at `until`).
fn months_at_levels(e: &Employee, levels: &rhai::Array, until: chrono::NaiveDate) -> i64 {
    let listed = |j: crate::domain::Jenjang| {
        levels.iter().any(|l| {
            l.clone()
                .into_immutable_string()
                .is_ok_and(|s| s == j.code())
        })
    };
    let span = |from: chrono::NaiveDate, to: chrono::NaiveDate| {
        super::host::whole_months(from, to.min(until)).max(0)
    };
    let mut months = if listed(e.jenjang) {
        span(e.tmt_jenjang, until)
    } else {
        0
    };
    for r in &e.riwayat_jenjang {
        if listed(r.jenjang) && r.mulai < until {
            months += span(r.mulai, r.sampai);
        }
    }
    months
}

/// Placeholder records, only to name the variables' types in a definitions file.
pub(crate) fn example_calon() -> CalonObj {
    CalonObj(Arc::new(Candidate {
        nik: crate::domain::Nik::parse("1609022304870001").unwrap_or_else(|_| unreachable_nik()),
        nama: String::new(),
        tanggal_lahir: chrono::NaiveDate::default(),
        jenis_kelamin: crate::domain::JenisKelamin::L,
        tempat_lahir: None,
        pendidikan: crate::domain::Pendidikan::Sma,
        jurusan: None,
        kategori_pelamar: crate::domain::KategoriPelamar::R3,
        terdata_bkn: true,
        seleksi_2024: crate::domain::Seleksi2024::Cpns,
        hasil_seleksi_2024: crate::domain::HasilSeleksi2024::TidakLulus,
        ikut_semua_tahap: true,
        nilai_seleksi: None,
        ppg: false,
        aktif_bekerja: true,
        tmt_kerja: chrono::NaiveDate::default(),
        unit_kerja: String::new(),
        kategori_jabatan: None,
        jabatan: None,
        gaji_terakhir: 0,
        status_khusus: None,
        email: None,
        no_hp: None,
        nomor_peserta: None,
        alasan_tidak_diusulkan: None,
    }))
}

#[allow(clippy::panic)]
fn unreachable_nik() -> crate::domain::Nik {
    panic!("the example NIK is valid")
}

/// See [`example_calon`].
pub(crate) fn example_pegawai() -> PegawaiObj {
    let nip = crate::domain::Nip::parse("198001012005011003").unwrap_or_else(|_| unreachable_nip());
    PegawaiObj(Arc::new(Employee {
        nip,
        nama: String::new(),
        tanggal_lahir: chrono::NaiveDate::default(),
        jenis_kelamin: crate::domain::JenisKelamin::L,
        golongan: None,
        jenjang: crate::domain::Jenjang::Pelaksana,
        jabatan: String::new(),
        unit_kerja: String::new(),
        tmt_jenjang: chrono::NaiveDate::default(),
        pendidikan: crate::domain::Pendidikan::S1,
        predikat_1: crate::domain::Predikat::Baik,
        predikat_2: crate::domain::Predikat::Baik,
        potensial: crate::domain::Potensial::Menengah,
        kotak_talenta: crate::domain::KotakTalenta::derive(
            crate::domain::Predikat::Baik,
            crate::domain::Potensial::Menengah,
        ),
        hukuman_disiplin: crate::domain::HukumanDisiplin::Tidak,
        email: None,
        riwayat_jenjang: Vec::new(),
    }))
}

#[allow(clippy::panic)]
fn unreachable_nip() -> crate::domain::Nip {
    panic!("the example NIP is valid")
}

/// See [`example_calon`].
pub(crate) fn example_lowongan() -> LowonganObj {
    LowonganObj(Arc::new(Vacancy {
        jenjang: crate::domain::Jenjang::Administrator,
        unit_kerja: String::new(),
        jabatan: String::new(),
        tanggal: chrono::NaiveDate::default(),
        alasan: crate::domain::AlasanLowongan::Lainnya,
    }))
}
