//! Reading candidates, formation slots and employees back as domain values.

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use super::{
    Store, StoreError, StoreResult,
    entity::{calon, calon_arsip, formasi, pegawai},
};
use crate::domain::{
    AlasanTidakDiusulkan, Candidate, Employee, Formation, Golongan, HasilSeleksi2024,
    HukumanDisiplin, JenisKelamin, Jenjang, KategoriJabatan, KategoriPelamar, KotakTalenta, Nik,
    Nip, Pendidikan, Potensial, Predikat, Seleksi2024, StatusKhusus, SumberAnggaran,
};

fn corrupt(what: &str, key: &str, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what} {key}: {detail}"))
}

fn parse<T, E: std::fmt::Display>(what: &str, key: &str, r: Result<T, E>) -> StoreResult<T> {
    r.map_err(|e| corrupt(what, key, e))
}

impl TryFrom<calon::Model> for Candidate {
    type Error = StoreError;
    fn try_from(m: calon::Model) -> StoreResult<Self> {
        let k = m.nik.clone();
        let w = "calon";
        Ok(Self {
            nik: parse(w, &k, Nik::parse(&m.nik))?,
            nama: m.nama,
            tanggal_lahir: m.tanggal_lahir,
            jenis_kelamin: parse(w, &k, JenisKelamin::parse(&m.jenis_kelamin))?,
            tempat_lahir: m.tempat_lahir,
            pendidikan: parse(w, &k, Pendidikan::parse(&m.pendidikan))?,
            jurusan: m.jurusan,
            kategori_pelamar: parse(w, &k, KategoriPelamar::parse(&m.kategori_pelamar))?,
            terdata_bkn: m.terdata_bkn,
            seleksi_2024: parse(w, &k, Seleksi2024::parse(&m.seleksi_2024))?,
            hasil_seleksi_2024: parse(w, &k, HasilSeleksi2024::parse(&m.hasil_seleksi_2024))?,
            ikut_semua_tahap: m.ikut_semua_tahap,
            nilai_seleksi: m.nilai_seleksi,
            ppg: m.ppg,
            aktif_bekerja: m.aktif_bekerja,
            tmt_kerja: m.tmt_kerja,
            unit_kerja: m.unit_kerja,
            kategori_jabatan: m
                .kategori_jabatan
                .as_deref()
                .map(KategoriJabatan::parse)
                .transpose()
                .map_err(|e| corrupt(w, &k, e))?,
            jabatan: m.jabatan,
            gaji_terakhir: m.gaji_terakhir,
            status_khusus: m
                .status_khusus
                .as_deref()
                .map(StatusKhusus::parse)
                .transpose()
                .map_err(|e| corrupt(w, &k, e))?,
            email: m.email,
            no_hp: m.no_hp,
            nomor_peserta: m.nomor_peserta,
            alasan_tidak_diusulkan: m
                .alasan_tidak_diusulkan
                .as_deref()
                .map(AlasanTidakDiusulkan::parse)
                .transpose()
                .map_err(|e| corrupt(w, &k, e))?,
        })
    }
}

impl From<calon_arsip::Model> for calon::Model {
    fn from(m: calon_arsip::Model) -> Self {
        Self {
            instansi: m.instansi,
            nik: m.nik,
            nama: m.nama,
            tanggal_lahir: m.tanggal_lahir,
            jenis_kelamin: m.jenis_kelamin,
            tempat_lahir: m.tempat_lahir,
            pendidikan: m.pendidikan,
            jurusan: m.jurusan,
            kategori_pelamar: m.kategori_pelamar,
            terdata_bkn: m.terdata_bkn,
            seleksi_2024: m.seleksi_2024,
            hasil_seleksi_2024: m.hasil_seleksi_2024,
            ikut_semua_tahap: m.ikut_semua_tahap,
            nilai_seleksi: m.nilai_seleksi,
            ppg: m.ppg,
            aktif_bekerja: m.aktif_bekerja,
            tmt_kerja: m.tmt_kerja,
            unit_kerja: m.unit_kerja,
            kategori_jabatan: m.kategori_jabatan,
            jabatan: m.jabatan,
            gaji_terakhir: m.gaji_terakhir,
            status_khusus: m.status_khusus,
            email: m.email,
            no_hp: m.no_hp,
            data_hash: m.data_hash,
            impor_id: m.impor_id,
            diperbarui_ms: m.diperbarui_ms,
            nomor_peserta: m.nomor_peserta,
            alasan_tidak_diusulkan: m.alasan_tidak_diusulkan,
        }
    }
}

impl TryFrom<formasi::Model> for Formation {
    type Error = StoreError;
    fn try_from(m: formasi::Model) -> StoreResult<Self> {
        let k = m.kode_formasi.clone();
        let w = "formasi";
        Ok(Self {
            kode_formasi: m.kode_formasi,
            unit_kerja: m.unit_kerja,
            nama_unit: m.nama_unit,
            kategori_jabatan: parse(w, &k, KategoriJabatan::parse(&m.kategori_jabatan))?,
            jabatan: m.jabatan,
            pendidikan_minimal: parse(w, &k, Pendidikan::parse(&m.pendidikan_minimal))?,
            jurusan: m
                .jurusan
                .map(|j| {
                    j.split(';')
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            jumlah: parse(w, &k, u32::try_from(m.jumlah))?,
            upah: m.upah,
            sumber_anggaran: m
                .sumber_anggaran
                .as_deref()
                .map(SumberAnggaran::parse)
                .transpose()
                .map_err(|e| corrupt(w, &k, e))?
                .unwrap_or(SumberAnggaran::Apbd),
        })
    }
}

impl TryFrom<pegawai::Model> for Employee {
    type Error = StoreError;
    fn try_from(m: pegawai::Model) -> StoreResult<Self> {
        let k = m.nip.clone();
        let w = "pegawai";
        Ok(Self {
            nip: parse(w, &k, Nip::parse(&m.nip))?,
            nama: m.nama,
            tanggal_lahir: m.tanggal_lahir,
            jenis_kelamin: parse(w, &k, JenisKelamin::parse(&m.jenis_kelamin))?,
            golongan: m
                .golongan
                .as_deref()
                .map(Golongan::parse)
                .transpose()
                .map_err(|e| corrupt(w, &k, e))?,
            jenjang: parse(w, &k, Jenjang::parse(&m.jenjang))?,
            jabatan: m.jabatan,
            unit_kerja: m.unit_kerja,
            tmt_jenjang: m.tmt_jenjang,
            pendidikan: parse(w, &k, Pendidikan::parse(&m.pendidikan))?,
            predikat_1: parse(w, &k, Predikat::parse(&m.predikat_1))?,
            predikat_2: parse(w, &k, Predikat::parse(&m.predikat_2))?,
            potensial: parse(w, &k, Potensial::parse(&m.potensial))?,
            kotak_talenta: KotakTalenta::new(i64::from(m.kotak_talenta))
                .ok_or_else(|| corrupt(w, &k, "kotak talenta di luar 1–9"))?,
            hukuman_disiplin: parse(w, &k, HukumanDisiplin::parse(&m.hukuman_disiplin))?,
            email: m.email,
            riwayat_jenjang: match m.riwayat_jenjang.as_deref() {
                None | Some("") => Vec::new(),
                Some(json) => serde_json::from_str(json).map_err(|e| corrupt(w, &k, e))?,
            },
        })
    }
}

/// Row counts of the people tables, for summaries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub calon: u64,
    /// Formation lines.
    pub formasi: u64,
    pub pegawai: u64,
}

impl Store {
    /// One candidate by NIK.
    pub async fn candidate(&self, nik: &Nik) -> StoreResult<Option<Candidate>> {
        calon::Entity::find_by_id((self.tenant.clone(), nik.as_str().to_owned()))
            .one(self.conn())
            .await?
            .map(Candidate::try_from)
            .transpose()
    }

    /// The version of a candidate's data with content hash `hash`: the current row if it still
    /// has that hash, else the archived copy made when a re-import changed it.
    pub async fn candidate_version(&self, nik: &Nik, hash: &str) -> StoreResult<Option<Candidate>> {
        let current = calon::Entity::find_by_id((self.tenant.clone(), nik.as_str().to_owned()))
            .filter(calon::Column::DataHash.eq(hash))
            .one(self.conn())
            .await?;
        let row = match current {
            Some(row) => Some(row),
            None => calon_arsip::Entity::find_by_id((self.tenant.clone(), hash.to_owned()))
                .one(self.conn())
                .await?
                .map(calon::Model::from),
        };
        row.map(Candidate::try_from).transpose()
    }

    /// Every formation line, by code.
    pub async fn formations(&self) -> StoreResult<Vec<Formation>> {
        formasi::Entity::find()
            .filter(formasi::Column::Instansi.eq(&self.tenant))
            .order_by_asc(formasi::Column::KodeFormasi)
            .all(self.conn())
            .await?
            .into_iter()
            .map(Formation::try_from)
            .collect()
    }

    /// The formation lines of one unit, by code.
    pub async fn formations_of_unit(&self, unit: &str) -> StoreResult<Vec<Formation>> {
        formasi::Entity::find()
            .filter(formasi::Column::Instansi.eq(&self.tenant))
            .filter(formasi::Column::UnitKerja.eq(unit))
            .order_by_asc(formasi::Column::KodeFormasi)
            .all(self.conn())
            .await?
            .into_iter()
            .map(Formation::try_from)
            .collect()
    }

    /// Every employee, by NIP.
    pub async fn employees(&self) -> StoreResult<Vec<Employee>> {
        pegawai::Entity::find()
            .filter(pegawai::Column::Instansi.eq(&self.tenant))
            .order_by_asc(pegawai::Column::Nip)
            .all(self.conn())
            .await?
            .into_iter()
            .map(Employee::try_from)
            .collect()
    }

    /// One employee by NIP.
    pub async fn employee(&self, nip: &Nip) -> StoreResult<Option<Employee>> {
        pegawai::Entity::find_by_id((self.tenant.clone(), nip.as_str().to_owned()))
            .one(self.conn())
            .await?
            .map(Employee::try_from)
            .transpose()
    }

    /// How many candidates, formation lines and employees this tenant has.
    pub async fn counts(&self) -> StoreResult<Counts> {
        let db = self.conn();
        Ok(Counts {
            calon: calon::Entity::find()
                .filter(calon::Column::Instansi.eq(&self.tenant))
                .count(db)
                .await?,
            formasi: formasi::Entity::find()
                .filter(formasi::Column::Instansi.eq(&self.tenant))
                .count(db)
                .await?,
            pegawai: pegawai::Entity::find()
                .filter(pegawai::Column::Instansi.eq(&self.tenant))
                .count(db)
                .await?,
        })
    }
}

/// The candidate columns read for screening, packed by the database into one text value per
/// row (see [`super::packed`]) plus the one floating-point column, kept apart so it
/// round-trips exactly.
const PACKED_FIELDS: [&str; 24] = [
    "nik",
    "nama",
    "tanggal_lahir",
    "jenis_kelamin",
    "tempat_lahir",
    "pendidikan",
    "jurusan",
    "kategori_pelamar",
    "terdata_bkn",
    "seleksi_2024",
    "hasil_seleksi_2024",
    "ikut_semua_tahap",
    "ppg",
    "aktif_bekerja",
    "tmt_kerja",
    "unit_kerja",
    "kategori_jabatan",
    "jabatan",
    "gaji_terakhir",
    "status_khusus",
    "email",
    "no_hp",
    "nomor_peserta",
    "alasan_tidak_diusulkan",
];

fn packed_select() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        format!(
            "SELECT {}, nilai_seleksi FROM calon WHERE instansi = ? AND nik > ? AND nik <= ? ORDER BY nik",
            super::packed::select(&PACKED_FIELDS)
        )
    })
}

/// Unpacks one row of [`packed_select`]; `None` when a value held a separator character.
fn unpack(packed: &str, nilai_seleksi: Option<f64>) -> Option<StoreResult<Candidate>> {
    let f = super::packed::fields(packed, PACKED_FIELDS.len())?;
    let key = f[0].unwrap_or_default();
    let text = |i: usize| f[i].map(str::to_owned);
    let need = |i: usize| {
        f[i].ok_or_else(|| corrupt("calon", key, format!("{} kosong", PACKED_FIELDS[i])))
    };
    let flag = |i: usize| need(i).map(|v| matches!(v, "1" | "t" | "true"));
    let date = |i: usize| {
        need(i).and_then(|v| {
            chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|e| corrupt("calon", key, e))
        })
    };
    let w = "calon";
    let build = || -> StoreResult<Candidate> {
        Ok(Candidate {
            nik: parse(w, key, Nik::parse(need(0)?))?,
            nama: need(1)?.to_owned(),
            tanggal_lahir: date(2)?,
            jenis_kelamin: parse(w, key, JenisKelamin::parse(need(3)?))?,
            tempat_lahir: text(4),
            pendidikan: parse(w, key, Pendidikan::parse(need(5)?))?,
            jurusan: text(6),
            kategori_pelamar: parse(w, key, KategoriPelamar::parse(need(7)?))?,
            terdata_bkn: flag(8)?,
            seleksi_2024: parse(w, key, Seleksi2024::parse(need(9)?))?,
            hasil_seleksi_2024: parse(w, key, HasilSeleksi2024::parse(need(10)?))?,
            ikut_semua_tahap: flag(11)?,
            nilai_seleksi,
            ppg: flag(12)?,
            aktif_bekerja: flag(13)?,
            tmt_kerja: date(14)?,
            unit_kerja: need(15)?.to_owned(),
            kategori_jabatan: f[16]
                .map(KategoriJabatan::parse)
                .transpose()
                .map_err(|e| corrupt(w, key, e))?,
            jabatan: text(17),
            gaji_terakhir: parse(w, key, need(18)?.parse::<i64>())?,
            status_khusus: f[19]
                .map(StatusKhusus::parse)
                .transpose()
                .map_err(|e| corrupt(w, key, e))?,
            email: text(20),
            no_hp: text(21),
            nomor_peserta: text(22),
            alasan_tidak_diusulkan: f[23]
                .map(AlasanTidakDiusulkan::parse)
                .transpose()
                .map_err(|e| corrupt(w, key, e))?,
        })
    };
    Some(build())
}

impl Store {
    /// The candidates with NIK in `(lo, hi]`, by NIK (for screening chunks).
    pub async fn candidates_between(&self, lo: &str, hi: &str) -> StoreResult<Vec<Candidate>> {
        let rows = self
            .query(
                packed_select(),
                vec![self.tenant.clone().into(), lo.into(), hi.into()],
            )
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let packed: String = r.try_get_by_index(0)?;
            let nilai: Option<f64> = r.try_get_by_index(1)?;
            match unpack(&packed, nilai) {
                Some(c) => out.push(c?),
                // A value held a separator character: read this range the plain way.
                None => return self.candidates_between_plain(lo, hi).await,
            }
        }
        Ok(out)
    }

    async fn candidates_between_plain(&self, lo: &str, hi: &str) -> StoreResult<Vec<Candidate>> {
        calon::Entity::find()
            .filter(calon::Column::Instansi.eq(&self.tenant))
            .filter(calon::Column::Nik.gt(lo))
            .filter(calon::Column::Nik.lte(hi))
            .order_by_asc(calon::Column::Nik)
            .all(self.conn())
            .await?
            .into_iter()
            .map(Candidate::try_from)
            .collect()
    }
}
