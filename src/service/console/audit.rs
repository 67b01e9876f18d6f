//! Audit: the log's entries as the console lists them, a page at a time, newest first, with
//! runs, placements and approval processes named in words.

use serde::Serialize;

use super::{ids_in_words, when};
use crate::{
    domain::{Action, AuditFilter, AuditKey},
    service::{App, ServiceError, audit},
};

/// Entries on a page.
pub const PAGE: u64 = 100;

/// What the page was asked for (the URL's query); blank fields ask for nothing.
#[derive(Debug, Clone, Default)]
pub struct Search {
    /// Who acted.
    pub orang: Option<String>,
    /// An action code.
    pub aksi: Option<String>,
    /// A date (`YYYY-MM-DD`, in the configured time zone) from which on.
    pub sejak: Option<String>,
    /// A keyed tag (`#` and 16 letters a–p), with or without the `#`.
    pub tanda: Option<String>,
    /// Entries before this sequence number (the next page).
    pub sebelum: Option<i64>,
}

/// One entry as the page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The entry's sequence number in the log (pages go by it).
    pub urutan: i64,
    /// When, as `30 November 2026 pukul 09.15 WIB` (`waktu` = time).
    pub waktu: String,
    /// Who acted: an account's e-mail, `cli:USER`, or `sistem`.
    pub orang: String,
    /// Where from: an IP address, `cli`, or `sistem`.
    pub dari: String,
    /// The action in words.
    pub aksi: String,
    /// What it acted on, run, placement and process ids put in words.
    pub objek: String,
    /// Further detail, ids put in words the same way.
    pub rincian: String,
}

/// A page of the audit log.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// This page's entries, newest first, at most one page.
    pub catatan: Vec<Row>,
    /// Every action: (code, words), for the filter.
    pub aksi: Vec<(&'static str, &'static str)>,
    /// The sequence number the next page starts before, when there is one.
    pub berikutnya: Option<i64>,
}

/// The entries `search` asks for, [`PAGE`] at a time.
pub async fn page(app: &App, search: &Search) -> Result<Page, ServiceError> {
    let tz = app.settings().timezone;
    let nonempty = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    let sejak_ms = nonempty(&search.sejak)
        .and_then(|d| crate::domain::parse_date(&d))
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|d| {
            use chrono::TimeZone;
            tz.from_local_datetime(&d).earliest()
        })
        .map(|t| t.timestamp_millis());
    let filter = AuditFilter {
        orang: nonempty(&search.orang),
        aksi: nonempty(&search.aksi),
        sejak_ms,
        sampai_ms: None,
        // Anything not shaped like a tag matches nothing rather than everything.
        tag: nonempty(&search.tanda).map(|t| {
            let t = format!("#{}", t.trim().trim_start_matches('#'));
            if AuditKey::is_tag(&t) {
                t
            } else {
                "#-".to_owned()
            }
        }),
        sebelum: search.sebelum,
    };
    let mut entries = audit::list(app, &filter, PAGE + 1).await?;
    let more = entries.len() as u64 > PAGE;
    entries.truncate(PAGE as usize);
    let berikutnya = more.then(|| entries.last().map(|e| e.urutan)).flatten();
    // Runs, placements and approval processes by name, not by id.
    let texts = entries
        .iter()
        .flat_map(|e| [e.objek.clone(), e.rincian.clone()])
        .collect();
    let words = ids_in_words(app, texts).await?;
    let catatan = entries
        .into_iter()
        .zip(words.chunks(2))
        .map(|(e, w)| Row {
            urutan: e.urutan,
            waktu: when(e.waktu_ms, tz),
            aksi: Action::parse(&e.aksi).map_or(e.aksi.clone(), |a| a.label().to_owned()),
            orang: e.orang,
            dari: e.dari,
            objek: w.first().cloned().unwrap_or_default(),
            rincian: w.get(1).cloned().unwrap_or_default(),
        })
        .collect();
    Ok(Page {
        catatan,
        aksi: Action::ALL.iter().map(|a| (a.code(), a.label())).collect(),
        berikutnya,
    })
}
