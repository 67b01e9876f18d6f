use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "formasi")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub instansi: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kode_formasi: String,
    pub unit_kerja: String,
    pub nama_unit: Option<String>,
    pub kategori_jabatan: String,
    pub jabatan: String,
    pub pendidikan_minimal: String,
    pub jurusan: Option<String>,
    pub jumlah: i32,
    pub impor_id: String,
    pub diperbarui_ms: i64,
    pub upah: Option<i64>,
    pub sumber_anggaran: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
