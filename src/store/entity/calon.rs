use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "calon")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub instansi: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub nik: String,
    pub nama: String,
    pub tanggal_lahir: Date,
    pub jenis_kelamin: String,
    pub tempat_lahir: Option<String>,
    pub pendidikan: String,
    pub jurusan: Option<String>,
    pub kategori_pelamar: String,
    pub terdata_bkn: bool,
    pub seleksi_2024: String,
    pub hasil_seleksi_2024: String,
    pub ikut_semua_tahap: bool,
    pub nilai_seleksi: Option<f64>,
    pub ppg: bool,
    pub aktif_bekerja: bool,
    pub tmt_kerja: Date,
    pub unit_kerja: String,
    pub kategori_jabatan: Option<String>,
    pub jabatan: Option<String>,
    pub gaji_terakhir: i64,
    pub status_khusus: Option<String>,
    pub email: Option<String>,
    pub no_hp: Option<String>,
    pub data_hash: String,
    pub impor_id: String,
    pub diperbarui_ms: i64,
    pub nomor_peserta: Option<String>,
    pub alasan_tidak_diusulkan: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
