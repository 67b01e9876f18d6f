//! The running service (`merit serve`, the demo, tests, the console): HTTP on a listener, and
//! the background loops — the scheduler (screening, timers, digest, joining unfinished runs),
//! outbox delivery and definition reload — each supervised (a panic is logged, shown by
//! `/healthz`, and the loop started again). The HTTP side is provided by the entry layer as a
//! [`Frontend`], so that this module never depends on it.

use std::{
    future::Future,
    net::SocketAddr,
    pin::Pin,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use tokio::{net::TcpListener, sync::watch, task::JoinHandle};

use super::{
    App, ServiceError,
    ground::supervise::{Health, supervise},
};

/// A future the runtime waits on.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// The HTTP side of a running service.
pub trait Frontend: Send + Sync + 'static {
    /// Serves `app` on `listener` until `stop` resolves, then finishes what is in flight
    /// (bounded by its own grace period).
    fn serve(
        &self,
        app: App,
        health: Arc<Health>,
        listener: TcpListener,
        stop: BoxFuture<()>,
    ) -> BoxFuture<std::io::Result<()>>;
}

/// A started service.
pub struct Runtime {
    addr: SocketAddr,
    health: Arc<Health>,
    stop_tx: watch::Sender<bool>,
    stop_flag: Arc<AtomicBool>,
    loops: Vec<(&'static str, JoinHandle<()>)>,
    http: JoinHandle<std::io::Result<()>>,
}

/// One background loop: `body` runs every `every` until the runtime stops.
fn looping<F, Fut>(
    name: &'static str,
    health: &Arc<Health>,
    stop: &watch::Receiver<bool>,
    every: Duration,
    body: F,
) -> JoinHandle<()>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let body = Arc::new(body);
    let (h, s) = (health.clone(), stop.clone());
    supervise(name, health.clone(), stop.clone(), move || {
        let (body, h) = (body.clone(), h.clone());
        let mut stop = s.clone();
        async move {
            loop {
                body().await;
                h.beat(name);
                if *stop.borrow() {
                    return;
                }
                tokio::select! {
                    _ = stop.wait_for(|s| *s) => return,
                    () = tokio::time::sleep(every) => {}
                }
            }
        }
    })
}

impl Runtime {
    /// Starts HTTP on `listener` through `frontend`, and the background loops for `app`.
    pub fn start(
        app: App,
        listener: TcpListener,
        frontend: &dyn Frontend,
    ) -> Result<Self, ServiceError> {
        let jobs = Arc::new(super::scheduler::jobs(&app.settings)?);
        let addr = listener
            .local_addr()
            .map_err(|e| ServiceError::unexpected("alamat HTTP", e))?;
        let (stop_tx, stop_rx) = watch::channel(false);
        let stop_flag = Arc::new(AtomicBool::new(false));
        let health = Arc::new(Health::default());
        let mut http_stop = stop_rx.clone();
        let serving = frontend.serve(
            app.clone(),
            health.clone(),
            listener,
            Box::pin(async move {
                let _ = http_stop.wait_for(|s| *s).await;
            }),
        );
        // HTTP ending before it was asked to is reported, never silently gone.
        let (http_health, http_stopping) = (health.clone(), stop_rx.clone());
        let http = tokio::spawn(async move {
            let ended = serving.await;
            if !*http_stopping.borrow() {
                let why = match &ended {
                    Ok(()) => "berhenti tanpa diminta".to_owned(),
                    Err(e) => crate::domain::io_message(e),
                };
                tracing::error!("server HTTP berhenti: {why}");
                http_health.panicked("http", why);
            }
            ended
        });
        let owner = crate::worker::owner_id().to_owned();
        let scheduler = {
            let (app, flag) = (app.clone(), stop_flag.clone());
            looping(
                "penjadwal",
                &health,
                &stop_rx,
                Duration::from_secs(1),
                move || {
                    let (app, jobs, owner, flag) =
                        (app.clone(), jobs.clone(), owner.clone(), flag.clone());
                    async move { scheduler_pass(&app, &jobs, &owner, &flag).await }
                },
            )
        };
        let outbox = {
            let app = app.clone();
            looping(
                "kotak_keluar",
                &health,
                &stop_rx,
                Duration::from_secs(1),
                move || {
                    let app = app.clone();
                    async move { outbox_pass(&app).await }
                },
            )
        };
        let reload = {
            let app = app.clone();
            let last = Arc::new(std::sync::Mutex::new(None));
            looping(
                "muat_ulang",
                &health,
                &stop_rx,
                Duration::from_secs(1),
                move || {
                    let (app, last) = (app.clone(), last.clone());
                    async move { reload_pass(&app, &last).await }
                },
            )
        };
        // Expired console sessions are removed now and then (they are refused when read anyway).
        let sessions = {
            let app = app.clone();
            looping(
                "sesi",
                &health,
                &stop_rx,
                Duration::from_secs(600),
                move || {
                    let app = app.clone();
                    async move {
                        if let Err(e) = super::accounts::sweep(&app).await {
                            tracing::warn!("sesi kedaluwarsa tidak terhapus: {e}");
                        }
                    }
                },
            )
        };
        tracing::info!(alamat = %addr, "merit serve siap");
        Ok(Self {
            addr,
            health,
            stop_tx,
            stop_flag,
            loops: vec![
                ("penjadwal", scheduler),
                ("kotak_keluar", outbox),
                ("muat_ulang", reload),
                ("sesi", sessions),
            ],
            http,
        })
    }

    /// Where HTTP listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The health of the background loops.
    pub fn health(&self) -> Arc<Health> {
        self.health.clone()
    }

    /// Asks every part to stop (a screening run stops after the chunks in hand and stays
    /// resumable; HTTP finishes the requests in flight) and waits for them.
    pub async fn stop(self) {
        self.stop_flag.store(true, Ordering::Relaxed);
        let _ = self.stop_tx.send(true);
        for (name, task) in self.loops {
            if let Err(e) = task.await {
                tracing::error!(tugas = name, "tugas latar tidak berhenti dengan baik: {e}");
            }
        }
        match self.http.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!("HTTP: {e}"),
            Err(e) => tracing::error!("HTTP: {e}"),
        }
    }
}

async fn scheduler_pass(
    app: &App,
    jobs: &[super::scheduler::Job],
    owner: &str,
    flag: &Arc<AtomicBool>,
) {
    if let Err(e) = super::scheduler::run_due(app, jobs, owner, Some(flag.clone())).await {
        tracing::error!("penjadwal: {e}");
    }
    if !flag.load(Ordering::Relaxed) {
        match super::scheduler::help(app, jobs, Some(flag.clone())).await {
            Ok(Some(r)) => {
                tracing::info!(
                    selesai = r.selesai,
                    "ikut menyelesaikan penyaringan yang sedang berjalan"
                );
            }
            Ok(None) => {}
            Err(e) => tracing::error!("penyaringan bersama: {e}"),
        }
    }
}

async fn outbox_pass(app: &App) {
    match super::outbox::deliver_due(app).await {
        Ok(r) if r.terkirim + r.gagal + r.ditunda > 0 => {
            tracing::info!(
                terkirim = r.terkirim,
                ditunda = r.ditunda,
                gagal = r.gagal,
                "kotak keluar"
            );
        }
        Ok(_) => {}
        Err(e) => tracing::error!("kotak keluar: {e}"),
    }
}

async fn reload_pass(app: &App, last: &std::sync::Mutex<Option<u64>>) {
    let fp = crate::service::ground::rules::fingerprint(&app.settings);
    let previous = last.lock().ok().and_then(|l| *l);
    if previous == Some(fp) {
        return;
    }
    match super::reload::validate(app).await {
        Ok(r) if previous.is_some() => {
            tracing::info!(
                diterima = r.diterima.len(),
                ditolak = r.ditolak.len(),
                "definisi dimuat ulang"
            );
        }
        Ok(_) => {}
        Err(e) => tracing::error!("muat ulang: {e}"),
    }
    if let Ok(mut l) = last.lock() {
        *l = Some(fp);
    }
}
