//! Candidate files (interfaces.md 2.1), keyed by NIK.

use super::{Column, FieldError, RecordKey, RowView, Schema, fields};
use crate::domain::{
    AlasanTidakDiusulkan, Candidate, HasilSeleksi2024, JenisKelamin, KategoriJabatan,
    KategoriPelamar, Pendidikan, Seleksi2024, StatusKhusus,
};

/// `merit import candidates`.
#[derive(Debug)]
pub struct CandidateSchema;

const fn req(name: &'static str) -> Column {
    Column {
        name,
        required: true,
    }
}
const fn opt(name: &'static str) -> Column {
    Column {
        name,
        required: false,
    }
}

impl Schema for CandidateSchema {
    type Record = Candidate;
    const KEY: &'static str = "nik";
    const COLUMNS: &'static [Column] = &[
        req("nik"),
        req("nama"),
        req("tanggal_lahir"),
        req("jenis_kelamin"),
        opt("tempat_lahir"),
        req("pendidikan"),
        opt("jurusan"),
        req("kategori_pelamar"),
        req("terdata_bkn"),
        req("seleksi_2024"),
        req("hasil_seleksi_2024"),
        opt("ikut_semua_tahap"),
        opt("nilai_seleksi"),
        opt("ppg"),
        req("aktif_bekerja"),
        req("tmt_kerja"),
        req("unit_kerja"),
        opt("kategori_jabatan"),
        opt("jabatan"),
        req("gaji_terakhir"),
        opt("status_khusus"),
        opt("email"),
        opt("no_hp"),
        opt("nomor_peserta"),
        opt("alasan_tidak_diusulkan"),
    ];

    fn parse(
        v: &RowView<'_>,
        _warnings: &mut Vec<FieldError>,
    ) -> Result<Candidate, Vec<FieldError>> {
        let nik = fields::nik(v);
        let nama = fields::clean_text(v, "nama", v.text("nama"));
        let tanggal_lahir = v.date("tanggal_lahir");
        let jenis_kelamin = v.code("jenis_kelamin", JenisKelamin::parse);
        let tempat_lahir = v.opt_text("tempat_lahir");
        let pendidikan = v.code("pendidikan", Pendidikan::parse);
        let jurusan = v.opt_text("jurusan");
        let kategori_pelamar = v.code("kategori_pelamar", KategoriPelamar::parse);
        let terdata_bkn = v.boolean("terdata_bkn");
        let seleksi_2024 = v.code("seleksi_2024", Seleksi2024::parse);
        let hasil_seleksi_2024 = v.code("hasil_seleksi_2024", HasilSeleksi2024::parse);
        let ikut_semua_tahap = v.opt_boolean("ikut_semua_tahap", true);
        let nilai_seleksi = v.opt_decimal("nilai_seleksi");
        let ppg = v.opt_boolean("ppg", false);
        let aktif_bekerja = v.boolean("aktif_bekerja");
        let tmt_kerja = v.date("tmt_kerja");
        let unit_kerja = v.text("unit_kerja");
        let kategori_jabatan = v.opt_code("kategori_jabatan", KategoriJabatan::parse);
        let jabatan = v.opt_text("jabatan");
        let gaji_terakhir = v.rupiah("gaji_terakhir");
        let status_khusus = v.opt_code("status_khusus", StatusKhusus::parse);
        let email = v.opt_text("email");
        let no_hp = v.opt_text("no_hp");
        let nomor_peserta = v.opt_text("nomor_peserta");
        let alasan_tidak_diusulkan =
            v.opt_code("alasan_tidak_diusulkan", AlasanTidakDiusulkan::parse);

        let errors = v.take_errors();
        if !errors.is_empty() {
            return Err(errors);
        }
        let build = || {
            Some(Candidate {
                nik: nik?,
                nama: nama?,
                tanggal_lahir: tanggal_lahir?,
                jenis_kelamin: jenis_kelamin?,
                tempat_lahir,
                pendidikan: pendidikan?,
                jurusan,
                kategori_pelamar: kategori_pelamar?,
                terdata_bkn: terdata_bkn?,
                seleksi_2024: seleksi_2024?,
                hasil_seleksi_2024: hasil_seleksi_2024?,
                ikut_semua_tahap: ikut_semua_tahap?,
                nilai_seleksi: nilai_seleksi?,
                ppg: ppg?,
                aktif_bekerja: aktif_bekerja?,
                tmt_kerja: tmt_kerja?,
                unit_kerja: unit_kerja?,
                kategori_jabatan: kategori_jabatan?,
                jabatan,
                gaji_terakhir: gaji_terakhir?,
                status_khusus: status_khusus?,
                email,
                no_hp,
                nomor_peserta,
                alasan_tidak_diusulkan: alasan_tidak_diusulkan?,
            })
        };
        build().ok_or_else(|| {
            vec![FieldError::new(
                v.number(),
                "nik",
                "baris tidak dapat dibaca",
            )]
        })
    }

    fn key(record: &Candidate) -> RecordKey {
        RecordKey::Number(record.nik.as_u64())
    }
}
