use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pengaturan")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub instansi: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kunci: String,
    pub nilai: String,
}

impl ActiveModelBehavior for ActiveModel {}
