//! Per-tenant key/value settings kept in the database (the generated link-signing secret).

use sea_orm::{
    ConnectionTrait, EntityTrait,
    sea_query::{Expr, OnConflict, Query},
};

use super::{Store, StoreResult, entity::pengaturan};

impl Store {
    /// A stored setting.
    pub async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        Ok(
            pengaturan::Entity::find_by_id((self.tenant.clone(), key.to_owned()))
                .one(self.conn())
                .await?
                .map(|m| m.nilai),
        )
    }

    /// Stores `value` under `key` unless a value is already there; returns the value in force.
    /// Two processes racing to create a secret therefore agree on one.
    pub async fn setting_or_insert(&self, key: &str, value: &str) -> StoreResult<String> {
        use pengaturan::Column as C;
        let insert = Query::insert()
            .into_table(pengaturan::Entity)
            .columns([C::Instansi, C::Kunci, C::Nilai])
            .values_panic([
                Expr::value(self.tenant.clone()),
                Expr::value(key.to_owned()),
                Expr::value(value.to_owned()),
            ])
            .on_conflict(
                OnConflict::columns([C::Instansi, C::Kunci])
                    .do_nothing()
                    .to_owned(),
            )
            .to_owned();
        self.conn().execute(&insert).await?;
        Ok(self.setting(key).await?.unwrap_or_else(|| value.to_owned()))
    }
}

impl Store {
    /// Stores `value` under `key`, replacing what was there.
    pub async fn set_setting(&self, key: &str, value: &str) -> StoreResult<()> {
        self.query(
            "INSERT INTO pengaturan (instansi, kunci, nilai) VALUES (?, ?, ?) \
             ON CONFLICT (instansi, kunci) DO UPDATE SET nilai = excluded.nilai",
            vec![self.tenant.clone().into(), key.into(), value.into()],
        )
        .await?;
        Ok(())
    }
}
