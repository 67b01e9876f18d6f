use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "calon_arsip")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub instansi: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub data_hash: String,
    pub data: String,
}

impl ActiveModelBehavior for ActiveModel {}
