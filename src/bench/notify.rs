//! `merit bench mail` (outbox → SMTP, messages/s on one connection) and `merit bench http`
//! (confirm-page GETs and decision POSTs on loopback: requests/s and latency percentiles). Both
//! run on a temporary SQLite database with a tenant of their own; the SMTP server is a minimal
//! in-process sink unless `--smtp` names a real one.

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Instant,
};

use serde::Serialize;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

use crate::{
    clock::{SharedClock, SystemClock},
    config::{MailUrl, Settings},
    domain::{Content, Notice, Queued, Recipient},
    notify::{
        Channels, Mailer,
        token::{Token, sign},
    },
    service::{App, ServiceError, outbox, workflow},
};

/// Mail benchmark figures.
#[derive(Debug, Clone, Serialize)]
pub struct MailBench {
    /// Messages delivered.
    pub pesan: usize,
    /// Seconds.
    pub detik: f64,
    /// Messages per second.
    pub pesan_per_detik: f64,
    /// Where they went.
    pub tujuan: String,
}

/// HTTP benchmark figures.
#[derive(Debug, Clone, Serialize)]
pub struct HttpBench {
    /// GET requests made.
    pub get: usize,
    /// GET requests per second.
    pub get_per_detik: f64,
    /// GET latency percentiles, ms.
    pub get_p50_ms: f64,
    /// 99th percentile.
    pub get_p99_ms: f64,
    /// POST decisions made.
    pub post: usize,
    /// POST decisions per second.
    pub post_per_detik: f64,
    /// POST 99th percentile, ms.
    pub post_p99_ms: f64,
    /// Concurrent clients.
    pub paralel: usize,
}

async fn temp_app(base: &Settings, work: &std::path::Path) -> Result<App, ServiceError> {
    let mut settings = base.clone();
    settings.database_url = format!("sqlite://{}/bench.db", work.display());
    settings.tenant = format!("bench-{}", uuid::Uuid::new_v4().simple());
    let clock: SharedClock = Arc::new(SystemClock);
    App::open(settings, clock).await
}

fn workdir() -> Result<std::path::PathBuf, ServiceError> {
    let dir = std::env::temp_dir().join(format!("merit-bench-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).map_err(|e| ServiceError::unexpected("folder sementara", e))?;
    Ok(dir)
}

/// The SMTP sink on a free loopback port; returns the port.
async fn sink() -> Result<u16, ServiceError> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| ServiceError::unexpected("server SMTP uji", e))?;
    let port = listener
        .local_addr()
        .map_err(|e| ServiceError::unexpected("server SMTP uji", e))?
        .port();
    super::smtp::Sink::start(listener, &[], false);
    Ok(port)
}

/// Delivers `messages` notices through one SMTP connection.
pub async fn mail(
    base: &Settings,
    messages: usize,
    smtp: Option<String>,
) -> Result<MailBench, ServiceError> {
    let work = workdir()?;
    let url = match smtp {
        Some(u) => u,
        None => format!("smtp://127.0.0.1:{}", sink().await?),
    };
    let mut settings = base.clone();
    settings.mail_url = MailUrl::parse(&url).map_err(|e| ServiceError::value("--smtp", e))?;
    let app = temp_app(&settings, &work).await?;
    for i in 0..messages {
        let m = Queued {
            kunci: format!("bench/{i}"),
            recipient: Recipient::email(
                None,
                Some("Penerima Uji"),
                &format!("penerima{i}@contoh.go.id"),
            ),
            content: Content::Admin(Notice {
                pesan: "Pesan uji kecepatan pengiriman.".to_owned(),
            }),
        };
        outbox::queue(&app, &m).await?;
    }
    let channels = Channels::email(Mailer::new(&app.settings().mail_url));
    // Templates compile once per process, not per message: keep that out of the timing.
    crate::service::ground::definitions::read(&app, |d| d.templates()).await?;
    let t = Instant::now();
    let r = outbox::deliver(&app, &channels, true).await?;
    let secs = t.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&work);
    if r.terkirim as usize != messages {
        return Err(ServiceError::internal(format!(
            "hanya {} dari {messages} pesan terkirim",
            r.terkirim
        )));
    }
    Ok(MailBench {
        pesan: messages,
        detik: secs,
        pesan_per_detik: messages as f64 / secs,
        tujuan: url,
    })
}

/// merit's HTTP server on a free loopback port, for the duration of a bench.
pub(super) struct Loopback {
    pub(super) addr: std::net::SocketAddr,
    stop: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Loopback {
    pub(super) async fn start(
        app: &App,
        frontend: &dyn crate::service::runtime::Frontend,
    ) -> Result<Self, ServiceError> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| ServiceError::unexpected("HTTP", e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| ServiceError::unexpected("HTTP", e))?;
        let (stop, mut stopping) = tokio::sync::watch::channel(false);
        let task = tokio::spawn(frontend.serve(
            app.clone(),
            Arc::default(),
            listener,
            Box::pin(async move {
                let _ = stopping.wait_for(|s| *s).await;
            }),
        ));
        Ok(Self { addr, stop, task })
    }

    /// Stops serving and waits for the server to end.
    pub(super) async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// One request on a fresh connection; `extra` holds more header lines (each ending in CRLF).
pub(super) async fn request(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    body: &str,
    extra: &str,
) -> u16 {
    let Ok(mut s) = TcpStream::connect(addr).await else {
        return 0;
    };
    let _ = s.set_nodelay(true);
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: merit\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\n{extra}Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    if s.write_all(req.as_bytes()).await.is_err() {
        return 0;
    }
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out).await;
    std::str::from_utf8(&out)
        .ok()
        .and_then(|t| t.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

pub(super) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// `paths` requested by `parallel` clients on loopback; client `i` adds the header lines
/// `extras[i % extras.len()]` (none when empty). Returns seconds and sorted latencies (ms).
pub(super) async fn drive(
    addr: std::net::SocketAddr,
    method: &'static str,
    paths: Arc<Vec<(String, String)>>,
    parallel: usize,
    extras: &[String],
) -> Result<(f64, Vec<f64>), ServiceError> {
    let next = Arc::new(AtomicUsize::new(0));
    let t = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..parallel {
        let (paths, next) = (paths.clone(), next.clone());
        let extra = if extras.is_empty() {
            String::new()
        } else {
            extras[client % extras.len()].clone()
        };
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((path, body)) = paths.get(i) else {
                    return Ok::<_, String>(lat);
                };
                let t = Instant::now();
                let status = request(addr, method, path, body, &extra).await;
                lat.push(t.elapsed().as_secs_f64() * 1000.0);
                if status != 200 {
                    return Err(format!("{method} {path}: status {status}"));
                }
            }
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(
            t.await
                .map_err(|e| ServiceError::unexpected("klien uji", e))?
                .map_err(ServiceError::internal)?,
        );
    }
    let secs = t.elapsed().as_secs_f64();
    all.sort_by(f64::total_cmp);
    Ok((secs, all))
}

/// Loads confirm pages and posts decisions through the real HTTP server on loopback.
pub async fn http(
    base: &Settings,
    instances: usize,
    gets: usize,
    parallel: usize,
    frontend: &dyn crate::service::runtime::Frontend,
) -> Result<HttpBench, ServiceError> {
    let work = workdir()?;
    let wfdir = work.join("workflows");
    std::fs::create_dir_all(&wfdir).map_err(|e| ServiceError::unexpected("folder sementara", e))?;
    std::fs::write(
        wfdir.join("bench.yaml"),
        "id: bench\njudul: Uji kecepatan\nsubjek: bebas\nlangkah:\n  - { id: satu, judul: Satu, penyetuju: { peran: VERIFIKATOR_BKPSDM }, tenggat: 3d }\n  - { id: dua, judul: Dua, penyetuju: { peran: PPK } }\n",
    )
    .and_then(|()| {
        std::fs::write(
            work.join("directory.yaml"),
            "orang:\n  - { id: a, nama: Penyetuju A, email: a@contoh.go.id, peran: [VERIFIKATOR_BKPSDM] }\n  - { id: b, nama: Penyetuju B, email: b@contoh.go.id, peran: [PPK] }\n",
        )
    })
    .map_err(|e| ServiceError::unexpected("folder sementara", e))?;
    let mut settings = base.clone();
    settings.workflows_dir = wfdir;
    settings.directory = work.join("directory.yaml");
    let app = temp_app(&settings, &work).await?;
    let secret = crate::service::ground::links::link_secret(&app).await?;
    let mut links = Vec::with_capacity(instances);
    for _ in 0..instances {
        let id = workflow::start(
            &app,
            "bench",
            None,
            &crate::service::Actor::account("bench", "bench"),
            None,
        )
        .await?;
        let kode = workflow::show(&app, &id)
            .await?
            .penyetuju
            .first()
            .map(|s| s.kode.clone())
            .unwrap_or_default();
        let token = sign(
            &secret,
            &Token {
                kode,
                jawaban: "setuju".into(),
                terbit_ms: app.clock().now_ms(),
            },
        );
        links.push(format!("/persetujuan/{token}"));
    }
    let server = Loopback::start(&app, frontend).await?;
    let addr = server.addr;
    let get_paths: Arc<Vec<(String, String)>> = Arc::new(
        (0..gets)
            .map(|i| (links[i % links.len()].clone(), String::new()))
            .collect(),
    );
    let (get_secs, get_lat) = drive(addr, "GET", get_paths, parallel, &[]).await?;
    let post_paths: Arc<Vec<(String, String)>> = Arc::new(
        links
            .iter()
            .map(|l| (l.clone(), "keputusan=setuju".to_owned()))
            .collect(),
    );
    let (post_secs, post_lat) = drive(addr, "POST", post_paths, parallel, &[]).await?;
    let _ = std::fs::remove_dir_all(&work);
    server.stop().await;
    Ok(HttpBench {
        get: gets,
        get_per_detik: gets as f64 / get_secs,
        get_p50_ms: percentile(&get_lat, 0.50),
        get_p99_ms: percentile(&get_lat, 0.99),
        post: instances,
        post_per_detik: instances as f64 / post_secs,
        post_p99_ms: percentile(&post_lat, 0.99),
        paralel: parallel,
    })
}
