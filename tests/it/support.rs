//! Shared test helpers: fresh databases, an `App` over them, and file writers.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use chrono::{TimeZone, Utc};
use merit::{
    clock::{FakeClock, SharedClock},
    config::Settings,
    service::App,
    store::{Backend, Store, testing},
};

/// A throw-away database: a SQLite file in a temporary folder, or a fresh PostgreSQL database
/// when `MERIT_TEST_DATABASE_URL` is set.
pub struct TestDb {
    pub url: String,
    pub dir: tempfile::TempDir,
    pg: Option<(String, String)>,
}

impl TestDb {
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        match std::env::var("MERIT_TEST_DATABASE_URL")
            .ok()
            .filter(|u| u.starts_with("postgres"))
        {
            Some(admin) => {
                let name = format!("merit_t_{}", uuid::Uuid::new_v4().simple());
                let url = testing::create_postgres_database(&admin, &name)
                    .await
                    .unwrap();
                Self {
                    url,
                    dir,
                    pg: Some((admin, name)),
                }
            }
            None => {
                let url = format!("sqlite://{}/merit.db?mode=rwc", dir.path().display());
                Self { url, dir, pg: None }
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.pg.is_some()
    }

    /// (admin URL, database name) when on PostgreSQL.
    pub fn postgres_names(&self) -> Option<(String, String)> {
        self.pg.clone()
    }

    /// Settings pointing at this database and the project's rules and workflows.
    pub fn settings(&self) -> Settings {
        self.settings_with(&[])
    }

    /// [`TestDb::settings`] with more `MERIT_*` variables (later ones win).
    pub fn settings_with(&self, extra: &[(&str, &str)]) -> Settings {
        let root = env!("CARGO_MANIFEST_DIR");
        let mut vars = vec![
            ("MERIT_DATABASE_URL".to_owned(), self.url.clone()),
            ("MERIT_RULES_DIR".to_owned(), format!("{root}/rules")),
            (
                "MERIT_WORKFLOWS_DIR".to_owned(),
                format!("{root}/workflows"),
            ),
            (
                "MERIT_MAIL_URL".to_owned(),
                format!("file://{}/outbox", self.dir.path().display()),
            ),
        ];
        vars.extend(
            extra
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        Settings::load_from(Some(&self.empty_config()), vars).unwrap()
    }

    fn empty_config(&self) -> PathBuf {
        let p = self.dir.path().join("merit-test.yaml");
        if !p.exists() {
            std::fs::write(&p, "").unwrap();
        }
        p
    }

    pub async fn app(&self) -> App {
        self.app_with(self.settings()).await
    }

    /// An app over this database with `settings` and a fake clock at 11 August 2025 09.00 WIB.
    pub async fn app_with(&self, settings: Settings) -> App {
        let clock: SharedClock = Arc::new(FakeClock::at(
            Utc.with_ymd_and_hms(2025, 8, 11, 2, 0, 0).unwrap(),
        ));
        let app = App::open(settings, clock).await.unwrap();
        assert_eq!(app.store.backend() == Backend::Postgres, self.is_postgres());
        app
    }

    pub async fn store(&self, tenant: &str) -> Store {
        Store::open(&self.url, tenant).await.unwrap()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.pg.take() {
            // Drop runs outside async context; use a private runtime on another thread.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(testing::drop_postgres_database(&admin, &name))
            })
            .join();
        }
    }
}

/// Writes `text` to `dir/name`.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// The header of a candidate file with every column.
pub const CANDIDATE_HEADER: &str = "nik,nama,tanggal_lahir,jenis_kelamin,tempat_lahir,pendidikan,jurusan,kategori_pelamar,terdata_bkn,seleksi_2024,hasil_seleksi_2024,ikut_semua_tahap,nilai_seleksi,ppg,aktif_bekerja,tmt_kerja,unit_kerja,kategori_jabatan,jabatan,gaji_terakhir,status_khusus,email,no_hp";

/// A valid candidate row; the NIK must match the birth date for screening to pass identity.
pub fn candidate_row(nik: &str, nama: &str, lahir: &str, jk: &str) -> String {
    format!(
        "{nik},{nama},{lahir},{jk},OKU Timur,SMA,IPA,R3,ya,cpns,tidak_lulus,ya,70.5,tidak,ya,2012-03-01,U10,tenaga_teknis,Pengelola Data,1750000,,,081234567890"
    )
}

/// Generates a regency of `n` candidates (seeded) into `dir/gen` and imports its candidates and
/// formation slots (and employees when asked) through the service.
pub async fn regency(app: &App, dir: &Path, n: u64, seed: u64) -> PathBuf {
    let out = dir.join("gen");
    merit::generate::generate(&merit::generate::GenerateOptions {
        candidates: n,
        out: out.clone(),
        seed,
    })
    .unwrap();
    for (kind, file) in [
        (merit::store::ImportKind::Candidates, "candidates.csv"),
        (merit::store::ImportKind::Formations, "formations.csv"),
    ] {
        import_file(app, kind, &out.join(file)).await;
    }
    out
}

/// Imports `path` (every row must be valid).
pub async fn import_file(app: &App, kind: merit::store::ImportKind, path: &Path) {
    let opts = merit::service::ImportOptions {
        kind,
        path: path.to_path_buf(),
        skip_invalid: false,
        sheet: None,
        by: "penguji".into(),
        progress: None,
    };
    let report = merit::service::import(app, &opts, |e| panic!("{e}"))
        .await
        .unwrap();
    assert!(report.disimpan, "{}", path.display());
}
