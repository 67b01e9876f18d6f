//! Storage: migrations, WAL, tenants, settings; on SQLite and (with MERIT_TEST_DATABASE_URL) on
//! PostgreSQL.

use merit::{
    ingest::ImportKind,
    service::{ImportOptions, import},
    store::{Backend, Store},
};

use crate::support::{CANDIDATE_HEADER, TestDb, candidate_row, write};

#[tokio::test]
async fn migrations_are_idempotent_and_concurrent_safe() {
    let db = TestDb::new().await;
    let a = Store::connect(&db.url, "default").await.unwrap();
    let b = Store::connect(&db.url, "default").await.unwrap();
    let (ra, rb) = tokio::join!(a.migrate(), b.migrate());
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert!(
        !ra.is_empty() || !rb.is_empty(),
        "someone applied the migrations"
    );
    assert!(
        a.migrate().await.unwrap().is_empty(),
        "nothing left to apply"
    );
    a.ping().await.unwrap();
}

#[tokio::test]
async fn sqlite_file_and_folder_are_created_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("baru/folder/merit.db");
    let store = Store::open(&format!("sqlite://{}", path.display()), "default")
        .await
        .unwrap();
    assert_eq!(store.backend(), Backend::Sqlite);
    store.setting_or_insert("coba", "1").await.unwrap();
    assert!(path.exists());
    assert!(
        dir.path().join("baru/folder/merit.db-wal").exists(),
        "WAL journal in use"
    );
}

#[tokio::test]
async fn tenants_do_not_see_each_other() {
    let db = TestDb::new().await;
    let app = db.app().await;
    let path = write(
        db.dir.path(),
        "calon.csv",
        &format!(
            "{CANDIDATE_HEADER}\n{}\n",
            candidate_row("1609022304870001", "BUDI", "1987-04-23", "L")
        ),
    );
    let opts = ImportOptions {
        kind: ImportKind::Candidates,
        path,
        skip_invalid: false,
        izinkan_di_bawah_katalog: false,
        sheet: None,
        berkas: None,
        actor: merit::service::Actor::account("uji", "uji"),
        progress: None,
    };
    import(&app, &opts, |_| {}).await.unwrap();
    let other = db.store("oku_selatan").await;
    assert_eq!(app.store_for_tests().counts().await.unwrap().calon, 1);
    assert_eq!(other.counts().await.unwrap().calon, 0);
    let nik = merit::domain::Nik::parse("1609022304870001").unwrap();
    assert!(other.candidate(&nik).await.unwrap().is_none());
    // The same NIK may exist in two agencies.
    let other_app = app.for_tenant("oku_selatan");
    import(&other_app, &opts, |_| {}).await.unwrap();
    assert_eq!(other.counts().await.unwrap().calon, 1);
}

#[tokio::test]
async fn first_writer_wins_a_setting() {
    let db = TestDb::new().await;
    let store = db.store("default").await;
    let (a, b) = tokio::join!(
        store.setting_or_insert("rahasia", "A"),
        store.setting_or_insert("rahasia", "B")
    );
    assert_eq!(a.unwrap(), b.unwrap());
    assert_eq!(
        store.setting_or_insert("rahasia", "C").await.unwrap(),
        store.setting("rahasia").await.unwrap().unwrap()
    );
}

#[tokio::test]
async fn unreachable_database_is_a_clear_error() {
    // A host that does not resolve fails at once (a refused port is retried for up to 10 s,
    // in case the server is still starting).
    let e = Store::open(
        "postgres://merit:rahasia@db.tidak-ada.invalid/merit",
        "default",
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with(
            "tidak dapat membuka basis data postgres://merit:***@db.tidak-ada.invalid/merit"
        ),
        "{e}"
    );
    assert!(!e.contains("rahasia"));
}
