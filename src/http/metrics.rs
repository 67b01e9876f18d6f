//! `/metrics` in the Prometheus text format: HTTP requests and latencies kept in memory, and
//! outbox, workflow and screening figures read from the database.

use std::{collections::BTreeMap, fmt::Write as _, sync::Mutex, time::Duration};

use crate::service::{self, App};

const BUCKETS_MS: [f64; 10] = [1.0, 2.5, 5.0, 10.0, 20.0, 50.0, 100.0, 250.0, 500.0, 1000.0];

#[derive(Default)]
struct Series {
    count: u64,
    sum_secs: f64,
    buckets: [u64; BUCKETS_MS.len()],
}

/// In-memory request figures.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Series>>,
    decisions: Mutex<BTreeMap<String, u64>>,
}

impl Metrics {
    /// Records one request.
    pub fn observe(&self, method: &str, route: &str, status: u16, took: Duration) {
        if let Ok(mut r) = self.requests.lock() {
            *r.entry((method.to_owned(), route.to_owned(), status))
                .or_default() += 1;
        }
        if let Ok(mut l) = self.latency.lock() {
            let s = l.entry(route.to_owned()).or_default();
            let ms = took.as_secs_f64() * 1000.0;
            s.count += 1;
            s.sum_secs += took.as_secs_f64();
            for (i, b) in BUCKETS_MS.iter().enumerate() {
                if ms <= *b {
                    s.buckets[i] += 1;
                }
            }
        }
    }

    /// Records a decision made through this process.
    pub fn decision(&self, channel: &str) {
        if let Ok(mut d) = self.decisions.lock() {
            *d.entry(channel.to_owned()).or_default() += 1;
        }
    }

    /// The Prometheus text.
    pub async fn render(&self, app: &App) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP merit_http_requests_total Permintaan HTTP menurut rute dan status."
        );
        let _ = writeln!(out, "# TYPE merit_http_requests_total counter");
        if let Ok(r) = self.requests.lock() {
            for ((m, route, status), n) in r.iter() {
                let _ = writeln!(
                    out,
                    "merit_http_requests_total{{method=\"{m}\",route=\"{route}\",status=\"{status}\"}} {n}"
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP merit_http_request_duration_seconds Lama melayani permintaan HTTP."
        );
        let _ = writeln!(out, "# TYPE merit_http_request_duration_seconds histogram");
        if let Ok(l) = self.latency.lock() {
            for (route, s) in l.iter() {
                for (i, b) in BUCKETS_MS.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "merit_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{}\"}} {}",
                        b / 1000.0,
                        s.buckets[i]
                    );
                }
                let _ = writeln!(
                    out,
                    "merit_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                    s.count
                );
                let _ = writeln!(
                    out,
                    "merit_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                    s.sum_secs
                );
                let _ = writeln!(
                    out,
                    "merit_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                    s.count
                );
            }
        }
        let f = service::status::figures(app).await;
        if let Some(o) = &f.outbox {
            let _ = writeln!(
                out,
                "# HELP merit_outbox_messages Pesan di kotak keluar menurut status."
            );
            let _ = writeln!(out, "# TYPE merit_outbox_messages gauge");
            for (status, n) in [
                ("menunggu", o.menunggu),
                ("terkirim", o.terkirim),
                ("gagal", o.gagal),
            ] {
                let _ = writeln!(out, "merit_outbox_messages{{status=\"{status}\"}} {n}");
            }
            let _ = writeln!(
                out,
                "# HELP merit_outbox_oldest_age_seconds Umur pesan menunggu tertua."
            );
            let _ = writeln!(out, "# TYPE merit_outbox_oldest_age_seconds gauge");
            let _ = writeln!(
                out,
                "merit_outbox_oldest_age_seconds {}",
                o.umur_tertua_ms as f64 / 1000.0
            );
        }
        let groups: [Group; 3] = [
            Group(
                "merit_workflow_decisions_total",
                "Keputusan tercatat menurut saluran.",
                "counter",
                "saluran",
                f.keputusan_per_saluran
                    .map(|v| v.into_iter().map(|(k, n)| (k, n.to_string())).collect()),
            ),
            Group(
                "merit_workflow_instances",
                "Instans workflow menurut status.",
                "gauge",
                "status",
                f.instans_per_status
                    .map(|v| v.into_iter().map(|(k, n)| (k, n.to_string())).collect()),
            ),
            Group(
                "merit_screening_runs",
                "Penyaringan menurut status.",
                "gauge",
                "status",
                f.penyaringan_per_status.map(|v| {
                    v.into_iter()
                        .map(|(k, n)| (k.to_owned(), n.to_string()))
                        .collect()
                }),
            ),
        ];
        for Group(name, help, kind, label, rows) in groups {
            let Some(rows) = rows else { continue };
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} {kind}");
            for (k, n) in rows {
                let _ = writeln!(out, "{name}{{{label}=\"{k}\"}} {n}");
            }
        }
        out
    }
}

/// A labelled metric family: name, help, type, label, and (when readable) label values and
/// numbers.
struct Group(
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<Vec<(String, String)>>,
);
