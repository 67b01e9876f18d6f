//! `merit bench pengumuman`: the candidates' window on the configured database (its newest
//! placement as it is): the time to publish an announcement of everyone, the public pages under
//! load (pages, a unit, a name prefix, four NIK digits), status checks with the right data, and
//! one upheld objection's new outcome (the candidate screened alone and placed again).

use std::{sync::Arc, time::Instant};

use serde::Serialize;

use super::{
    console::PageBench,
    notify::{Loopback, drive, percentile},
};
use crate::service::{
    App, ServiceError,
    audit::Actor,
    public::{PublishRequest, announcement, objection, search_name},
};

/// What `merit bench pengumuman` measured.
#[derive(Debug, Clone, Serialize)]
pub struct PublicBench {
    /// Candidates announced.
    pub calon: i64,
    /// Publishing the announcement (freezing every row), ms.
    pub terbit_ms: f64,
    /// Concurrent clients.
    pub klien: usize,
    /// Pages and status checks under load.
    pub halaman: Vec<PageBench>,
    /// One upheld objection's new outcome (screened alone, placed again), ms.
    pub sanggah_ms: Option<f64>,
}

/// The requests of one kind: (path, form body), taken in turn by the clients.
type Requests = Arc<Vec<(String, String)>>;

/// Form-encodes `pairs`.
fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            let enc: String = v
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect();
            format!("{k}={enc}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Publishes an announcement of the newest placement, then loads its pages and the status
/// check `requests` times each with `clients` clients, then settles one objection's outcome.
pub async fn public(
    app: &App,
    requests: usize,
    clients: usize,
    frontend: &dyn crate::service::runtime::Frontend,
) -> Result<PublicBench, ServiceError> {
    let actor = Actor::cli();
    let t = Instant::now();
    let a = announcement::publish(app, &PublishRequest::default(), &actor).await?;
    let terbit_ms = t.elapsed().as_secs_f64() * 1000.0;
    // Samples spread over the announcement: every 97th of the first rows' pages.
    let mut samples = Vec::new();
    let mut units = Vec::new();
    let pages = u64::try_from(a.jumlah)
        .unwrap_or(0)
        .div_ceil(announcement::PAGE_ROWS);
    for k in (1..=pages)
        .step_by(usize::try_from((pages / 20).max(1)).unwrap_or(1))
        .take(20)
    {
        let p = announcement::page(
            app,
            a.nomor,
            &announcement::Search {
                halaman: k,
                ..announcement::Search::default()
            },
        )
        .await?;
        units.extend(p.rows.iter().map(|r| (r.unit_kerja.clone(), String::new())));
        samples.extend(p.rows.into_iter().step_by(5));
    }
    units.sort();
    units.dedup();
    if samples.is_empty() {
        return Err(ServiceError::value(
            "bench pengumuman",
            "penempatan terakhir tidak berisi calon; impor, saring, dan tempatkan data lebih dahulu",
        ));
    }
    let mut checks = Vec::new();
    for r in samples.iter().take(200) {
        let Ok(nik) = crate::domain::Nik::parse(&r.nik) else {
            continue;
        };
        let fields = crate::service::screening::correction::current(app, &nik).await?;
        let value = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        if let Some(born) = crate::domain::parse_date(&value("tanggal_lahir")) {
            let born = born.format("%d-%m-%Y").to_string();
            let peserta = value("nomor_peserta");
            checks.push((
                "/layanan/status".to_owned(),
                form(&[
                    ("nik", nik.as_str()),
                    ("tanggal_lahir", &born),
                    ("nomor_peserta", &peserta),
                ]),
            ));
        }
    }
    let n = a.nomor;
    let get = |paths: Vec<String>| -> Requests {
        Arc::new(
            (0..requests)
                .map(|i| (paths[i % paths.len()].clone(), String::new()))
                .collect(),
        )
    };
    let kinds: Vec<(&'static str, &'static str, Requests)> = vec![
        (
            "halaman",
            "GET",
            get((1..=pages.max(1))
                .step_by(usize::try_from((pages / 50).max(1)).unwrap_or(1))
                .map(|k| format!("/pengumuman/{n}?halaman={k}"))
                .collect()),
        ),
        (
            "unit",
            "GET",
            get(units
                .iter()
                .map(|(u, _)| {
                    format!(
                        "/pengumuman/{n}?unit={}",
                        form(&[("", u)]).trim_start_matches('=')
                    )
                })
                .collect()),
        ),
        (
            "nama",
            "GET",
            get(samples
                .iter()
                .map(|r| {
                    let prefix: String = search_name(&r.nama).chars().take(4).collect();
                    format!("/pengumuman/{n}?{}", form(&[("cari", &prefix)]))
                })
                .collect()),
        ),
        (
            "nik4",
            "GET",
            get(samples
                .iter()
                .map(|r| format!("/pengumuman/{n}?cari={}", r.nik4()))
                .collect()),
        ),
        (
            "cek_status",
            "POST",
            Arc::new(
                (0..requests)
                    .map(|i| checks[i % checks.len()].clone())
                    .collect(),
            ),
        ),
    ];
    let server = Loopback::start(app, frontend).await?;
    let mut out = Vec::new();
    let mut failed = None;
    for (halaman, method, paths) in kinds {
        match drive(server.addr, method, paths, clients, &[]).await {
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
    if let Some(e) = failed {
        return Err(e);
    }
    // One upheld objection: the first candidate not proposed, screened alone and placed.
    let unproposed = samples.iter().find(|r| !r.diusulkan);
    let sanggah_ms = match unproposed {
        Some(r) => {
            let t = Instant::now();
            objection::new_outcome(app, a.nomor, &r.nik).await?;
            Some(t.elapsed().as_secs_f64() * 1000.0)
        }
        None => None,
    };
    Ok(PublicBench {
        calon: a.jumlah,
        terbit_ms,
        klien: clients,
        halaman: out,
        sanggah_ms,
    })
}
