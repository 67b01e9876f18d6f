//! `merit bench console`: the console's pages under load, on the configured database (its
//! candidates, runs, placements and workflows as they are), through the real HTTP server on
//! loopback, with several signed-in clients. A `pengamat` account of its own is created (or
//! reset) for the run and disabled afterwards, both in the audit log.

use std::sync::Arc;

use serde::Serialize;

use super::notify::{Loopback, drive, percentile};
use crate::{
    domain::{Email, Password, Role},
    service::{
        App, Refusal, ServiceError, accounts,
        audit::Actor,
        console::{candidates, workflows},
    },
};

/// The bench's own account.
const ACCOUNT: &str = "bench-konsol@merit.invalid";

/// One kind of page under load.
#[derive(Debug, Clone, Serialize)]
pub struct PageBench {
    /// Which page.
    pub halaman: &'static str,
    /// Requests made.
    pub permintaan: usize,
    /// Pages per second.
    pub per_detik: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

/// What `merit bench console` measured.
#[derive(Debug, Clone, Serialize)]
pub struct ConsoleBench {
    /// Candidates in the latest run.
    pub calon: u64,
    /// Signed-in clients.
    pub klien: usize,
    pub halaman: Vec<PageBench>,
}

/// Candidates (list rows) and the workflow instances to visit.
async fn samples(
    app: &App,
    wanted: usize,
) -> Result<(Vec<candidates::Row>, Vec<String>), ServiceError> {
    let mut rows = Vec::new();
    let mut query = candidates::Query::default();
    // Spread over the list: every 20th page for the first pages there are.
    for _ in 0..wanted.div_ceil(candidates::PAGE as usize).max(1) * 20 {
        let page = candidates::list(app, &query).await?;
        rows.extend(page.baris.into_iter().step_by(20));
        match page.berikutnya {
            Some(next) if rows.len() < wanted => query.setelah = Some(next),
            _ => break,
        }
    }
    let instances = workflows::awaiting(app)
        .await?
        .into_iter()
        .map(|a| a.instance_id)
        .collect();
    Ok((rows, instances))
}

/// Opens `clients` sessions for the bench account (created or reset first).
async fn sessions(app: &App, clients: usize) -> Result<Vec<String>, ServiceError> {
    let email = Email::parse(ACCOUNT).map_err(ServiceError::internal)?;
    let password = crate::auth::generated_password().map_err(ServiceError::internal)?;
    let typed = Password::parse(&password).map_err(ServiceError::internal)?;
    let actor = Actor::cli();
    match accounts::add(
        app,
        &email,
        "Uji kecepatan konsol",
        Role::Pengamat,
        Some(Password::parse(&password).map_err(ServiceError::internal)?),
        &actor,
    )
    .await
    {
        Ok(_) => {}
        Err(ServiceError::Refused(Refusal::AccountExists(_))) => {
            accounts::enable(app, &email, &actor).await?;
            accounts::reset_password(app, &email, Some(typed), &actor).await?;
        }
        Err(e) => return Err(e),
    }
    let mut cookies = Vec::with_capacity(clients);
    for _ in 0..clients {
        let opened = accounts::sign_in(app, ACCOUNT, &password, "127.0.0.1").await?;
        cookies.push(format!("Cookie: merit_sesi={}\r\n", opened.cookie));
    }
    Ok(cookies)
}

/// Loads the dashboard, searches (last four NIK digits, name prefixes), candidate pages and
/// workflow timelines, `requests` of each, with `clients` signed-in clients.
pub async fn console(
    app: &App,
    requests: usize,
    clients: usize,
    frontend: &dyn crate::service::runtime::Frontend,
) -> Result<ConsoleBench, ServiceError> {
    let (rows, instances) = samples(app, 500).await?;
    if rows.is_empty() {
        return Err(ServiceError::value(
            "bench console",
            "basis data belum berisi calon; impor dan saring data lebih dahulu",
        ));
    }
    let cookies = sessions(app, clients).await?;
    let server = Loopback::start(app, frontend).await?;
    let addr = server.addr;
    let cycle = |paths: Vec<String>| -> Arc<Vec<(String, String)>> {
        Arc::new(
            (0..requests)
                .map(|i| (paths[i % paths.len()].clone(), String::new()))
                .collect(),
        )
    };
    let searches: Vec<String> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            if i % 2 == 0 {
                let last4: String = r
                    .nik
                    .chars()
                    .rev()
                    .take(4)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                format!("/admin/calon?q={last4}")
            } else {
                let prefix: String = r
                    .nama
                    .chars()
                    .take(3)
                    .filter(char::is_ascii_alphabetic)
                    .collect();
                format!("/admin/calon?q={}", prefix.to_lowercase())
            }
        })
        .collect();
    let mut kinds: Vec<(&'static str, Vec<String>)> = vec![
        ("beranda", vec!["/admin".to_owned()]),
        ("cari", searches),
        (
            "rincian_calon",
            rows.iter()
                .map(|r| format!("/admin/calon/{}", r.rujukan))
                .collect(),
        ),
    ];
    if !instances.is_empty() {
        kinds.push((
            "linimasa_alur",
            instances
                .iter()
                .map(|i| format!("/admin/alur/{i}"))
                .collect(),
        ));
    }
    let mut out = Vec::new();
    let mut failed = None;
    for (halaman, paths) in kinds {
        match drive(addr, "GET", cycle(paths), clients, &cookies).await {
            Ok((secs, lat)) => out.push(PageBench {
                halaman,
                permintaan: requests,
                per_detik: requests as f64 / secs,
                p50_ms: percentile(&lat, 0.50),
                p99_ms: percentile(&lat, 0.99),
            }),
            Err(e) => {
                failed = Some(e);
                break;
            }
        }
    }
    server.stop().await;
    let email = Email::parse(ACCOUNT).map_err(ServiceError::internal)?;
    accounts::disable(app, &email, &Actor::cli()).await?;
    if let Some(e) = failed {
        return Err(e);
    }
    Ok(ConsoleBench {
        calon: crate::service::console::dashboard::dashboard(app)
            .await?
            .penyaringan
            .map_or(0, |r| r.total),
        klien: clients,
        halaman: out,
    })
}
