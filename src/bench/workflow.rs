//! `merit bench workflow`: decisions per second applied end to end — read the instance, plan,
//! and write state, history, outbox rows and timers in one transaction — with several answers
//! in flight at once, on a database of the operator's choice (a temporary SQLite file by
//! default) under a tenant of its own.

use std::{sync::Arc, time::Instant};

use crate::{
    clock::{SharedClock, SystemClock},
    config::Settings,
    service::{
        App, ServiceError,
        workflow::{self, DecideRequest},
    },
    workflow::{Answer, Channel},
};

const DIRECTORY: &str = "orang:
  - { id: a, nama: Penyetuju A, email: a@contoh.go.id, peran: [VERIFIKATOR_BKPSDM] }
  - { id: b, nama: Penyetuju B, email: b@contoh.go.id, peran: [BPKAD] }
  - { id: c, nama: Penyetuju C, email: c@contoh.go.id, peran: [SEKDA] }
  - { id: d, nama: Penyetuju D, email: d@contoh.go.id, peran: [PPK] }
";

const STEPS: [(&str, &str); 4] = [
    ("verifikasi", "a"),
    ("anggaran", "b"),
    ("sekda", "c"),
    ("ppk", "d"),
];

const WORKFLOW: &str = "id: bench
judul: Uji kecepatan
subjek: bebas
langkah:
  - { id: verifikasi, judul: Verifikasi, penyetuju: { peran: VERIFIKATOR_BKPSDM }, tenggat: 3d, pengingat: [1d, 2d] }
  - { id: anggaran, judul: Anggaran, penyetuju: { peran: BPKAD }, tenggat: 3d }
  - { id: sekda, judul: Sekda, penyetuju: { peran: SEKDA }, tenggat: 2d }
  - { id: ppk, judul: PPK, penyetuju: { peran: PPK }, tenggat: 2d }
pemberitahuan:
  selesai_disetujui: [{ peran: VERIFIKATOR_BKPSDM }]
";

/// The workflow benchmark's figures.
#[derive(Debug, Clone, serde::Serialize)]
pub struct WorkflowBench {
    /// Database engine.
    pub basis_data: String,
    /// Instances.
    pub instans: usize,
    /// Answers in flight at once.
    pub paralel: usize,
    /// Decisions applied.
    pub keputusan: usize,
    /// Seconds for all decisions.
    pub detik: f64,
    /// Decisions per second.
    pub keputusan_per_detik: f64,
    /// Instances started per second.
    pub instans_per_detik: f64,
}

/// Runs the benchmark against `database_url` (a fresh temporary SQLite file when `None`).
pub async fn run(
    base: &Settings,
    database_url: Option<String>,
    instances: usize,
    parallel: usize,
) -> Result<WorkflowBench, ServiceError> {
    let work =
        std::env::temp_dir().join(format!("merit-bench-wf-{}", uuid::Uuid::new_v4().simple()));
    let wfdir = work.join("workflows");
    std::fs::create_dir_all(&wfdir).map_err(|e| ServiceError::unexpected("folder sementara", e))?;
    std::fs::write(wfdir.join("bench.yaml"), WORKFLOW)
        .and_then(|()| std::fs::write(work.join("directory.yaml"), DIRECTORY))
        .map_err(|e| ServiceError::unexpected("folder sementara", e))?;
    let mut settings = base.clone();
    settings.database_url =
        database_url.unwrap_or_else(|| format!("sqlite://{}/bench.db", work.display()));
    settings.workflows_dir = wfdir;
    settings.directory = work.join("directory.yaml");
    settings.tenant = format!("bench-{}", uuid::Uuid::new_v4().simple());
    let clock: SharedClock = Arc::new(SystemClock);
    let app = App::open(settings, clock).await?;
    let result = measure(&app, instances, parallel.max(1)).await;
    let _ = std::fs::remove_dir_all(&work);
    result
}

async fn measure(
    app: &App,
    instances: usize,
    parallel: usize,
) -> Result<WorkflowBench, ServiceError> {
    let t0 = Instant::now();
    let mut ids = Vec::with_capacity(instances);
    for _ in 0..instances {
        ids.push(
            workflow::start(
                app,
                "bench",
                None,
                &crate::service::Actor::account("bench", "bench"),
                None,
            )
            .await?,
        );
    }
    let start_secs = t0.elapsed().as_secs_f64();
    let ids = Arc::new(ids);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let t1 = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..parallel {
        let (app, ids, next) = (app.clone(), ids.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(id) = ids.get(i) else {
                    return Ok::<(), ServiceError>(());
                };
                for (step, person) in STEPS {
                    let req = DecideRequest {
                        instance: id.clone(),
                        langkah: step.to_owned(),
                        orang: person.to_owned(),
                        jawaban: Answer::Setuju,
                        komentar: None,
                        saluran: Channel::Tautan,
                        dicatat_oleh: None,
                        kunjungan: None,
                    };
                    workflow::decide(&app, &req).await?;
                }
            }
        }));
    }
    for t in tasks {
        t.await
            .map_err(|e| ServiceError::unexpected("tugas pengukuran", e))??;
    }
    let secs = t1.elapsed().as_secs_f64();
    let decisions = instances * STEPS.len();
    Ok(WorkflowBench {
        basis_data: app.backend_name(),
        instans: instances,
        paralel: parallel,
        keputusan: decisions,
        detik: secs,
        keputusan_per_detik: decisions as f64 / secs,
        instans_per_detik: instances as f64 / start_secs,
    })
}
