use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pegawai")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub instansi: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub nip: String,
    pub nama: String,
    pub tanggal_lahir: Date,
    pub jenis_kelamin: String,
    pub golongan: Option<String>,
    pub jenjang: String,
    pub jabatan: String,
    pub unit_kerja: String,
    pub tmt_jenjang: Date,
    pub pendidikan: String,
    pub predikat_1: String,
    pub predikat_2: String,
    pub potensial: String,
    pub kotak_talenta: i16,
    pub hukuman_disiplin: String,
    pub email: Option<String>,
    pub impor_id: String,
    pub riwayat_jenjang: Option<String>,
    pub diperbarui_ms: i64,
}

impl ActiveModelBehavior for ActiveModel {}
