use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "impor")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub instansi: String,
    pub jenis: String,
    pub nama_berkas: String,
    pub hash: String,
    pub jumlah_baris: i64,
    pub jumlah_diimpor: i64,
    pub jumlah_ditolak: i64,
    pub dibuat_ms: i64,
    pub oleh: String,
}

impl ActiveModelBehavior for ActiveModel {}
