//! What the web console shows (console.md 3), in service types ready for its templates:
//! numbers kept as numbers (the templates format them), dates already in words, NIK and NIP
//! masked unless the viewer's role may see them — and then each view is audited.

pub mod candidates;
pub mod dashboard;
pub mod diagram;
pub mod editor;
pub mod placements;
pub mod runs;
pub mod workflows;

use chrono_tz::Tz;

use super::{App, ServiceError, Sought, audit::Actor};
use crate::domain::{Nik, Role, format_datetime_id};

/// Who is looking.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// Their role.
    pub role: Role,
    /// Who they are, for the audit log.
    pub actor: Actor,
}

/// A candidate's opaque reference for links (no NIK in a list page's source).
pub async fn reference(app: &App, nik: &Nik) -> Result<String, ServiceError> {
    let secret = super::outbox::link_secret(app).await?;
    Ok(crate::auth::seal(&secret, nik.as_str()))
}

/// The candidate named by `key`: a full NIK (typed by someone who knows it) or a reference
/// from a link.
pub async fn candidate_key(app: &App, key: &str) -> Result<Nik, ServiceError> {
    if let Ok(nik) = Nik::parse(key) {
        return Ok(nik);
    }
    let secret = super::outbox::link_secret(app).await?;
    crate::auth::open(&secret, key)
        .and_then(|s| Nik::parse(&s).ok())
        .ok_or_else(|| ServiceError::not_found(Sought::Candidate, "(rujukan tidak dikenal)"))
}

/// A notice for the page an action redirects to, sealed so that nobody can put words on a
/// console page through a crafted link.
pub async fn seal_notice(app: &App, text: &str) -> Result<String, ServiceError> {
    let secret = super::outbox::link_secret(app).await?;
    Ok(crate::auth::seal(&secret, &format!("pesan\u{1f}{text}")))
}

/// The notice a sealed token carries; `None` when forged or unreadable.
pub async fn open_notice(app: &App, token: &str) -> Option<String> {
    let secret = super::outbox::link_secret(app).await.ok()?;
    crate::auth::open(&secret, token)?
        .strip_prefix("pesan\u{1f}")
        .map(str::to_owned)
}

/// `when` (epoch ms) as people read it.
pub fn when(ms: i64, tz: Tz) -> String {
    format_datetime_id(crate::clock::from_ms(ms), tz)
}

/// A share of a whole, in whole percent (0 when the whole is empty).
pub(crate) fn percent(part: u64, whole: u64) -> u64 {
    (part * 100).checked_div(whole).unwrap_or(0)
}
