//! A candidate's own result (candidates.md 2): NIK, birth date and (when on record) the SSCASN
//! participant number, compared in constant time; one answer for any mismatch; at most 5
//! failures per NIK and 20 per client address an hour; every attempt audited with the NIK
//! masked; on a match, the announced outcome with every failed or to-check rule and its legal
//! basis, and — while the window is open — a sealed 15-minute token for the objection form.

use chrono::NaiveDate;

use crate::{
    domain::{Action, Nik},
    service::{
        App, ServiceError,
        ground::{
            audit::{Actor, stamp},
            links::link_secret,
        },
    },
    store::announcements::{AnnouncedRow, AnnouncementRow},
};

/// Failed checks allowed per NIK in an hour.
pub const PER_NIK: u64 = 5;
/// Failed checks allowed per client address in an hour.
pub const PER_ADDRESS: u64 = 20;
/// How long the objection form's token holds.
pub const TOKEN_MS: i64 = 15 * 60 * 1000;
const HOUR_MS: i64 = 3_600_000;

/// What a candidate gives.
#[derive(Debug, Clone, Default)]
pub struct StatusRequest {
    /// The NIK as typed.
    pub nik: String,
    /// `DD-MM-YYYY`.
    pub tanggal_lahir: String,
    /// The SSCASN participant number, when the candidate has one.
    pub nomor_peserta: Option<String>,
    /// The client address (throttling and the audit entry).
    pub dari: String,
}

/// One rule that did not pass, as the candidate reads it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RuleLine {
    /// The rule's title.
    pub judul: String,
    /// `gagal` or `tinjau`.
    pub hasil: &'static str,
    /// The reason in words.
    pub alasan: String,
    /// The legal basis.
    pub dasar_hukum: String,
}

/// What a matching candidate sees.
#[derive(Debug, Clone)]
pub struct StatusView {
    /// The announcement.
    pub pengumuman: AnnouncementRow,
    /// The candidate's name.
    pub nama: String,
    /// The candidate as announced.
    pub row: AnnouncedRow,
    /// The screening outcome in words.
    pub hasil: String,
    /// The rules that failed or ask for checking.
    pub aturan: Vec<RuleLine>,
    /// The sealed token for the objection form, while the window is open.
    pub token: Option<String>,
    /// The candidate's objections on this announcement: (receipt, status in words).
    pub sanggah: Vec<(String, String)>,
}

/// How a check ended.
#[derive(Debug, Clone)]
pub enum StatusOutcome {
    /// The data matched.
    Found(Box<StatusView>),
    /// "Data tidak ditemukan atau tidak cocok" — the same for any mismatch.
    NotFound,
    /// Too many failures: try again after this moment (epoch ms).
    Throttled(i64),
    /// The birth date is not a date in `DD-MM-YYYY`.
    BadDate,
    /// Nothing has been announced yet.
    NoAnnouncement,
}

/// A keyed hash of a throttling key: the table never holds a NIK or an address.
fn key(secret: &[u8], kind: &str, value: &str) -> String {
    format!(
        "{kind}:{}",
        crate::auth::bound_token(secret, "layanan", value)
    )
}

/// Parses a birth date as people type it: `23-04-1987`, `1-4-1987`, `23/04/1987`,
/// `23.04.1987` or `23041987` (day, month, four-digit year).
pub fn parse_birth_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(t, "%d%m%Y").ok();
    }
    let parts: Vec<&str> = t.split(['-', '/', '.']).collect();
    let [d, m, y] = parts.as_slice() else {
        return None;
    };
    if y.len() != 4 || d.is_empty() || d.len() > 2 || m.is_empty() || m.len() > 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// Checks a candidate's data against the newest announcement.
pub async fn check(app: &App, req: &StatusRequest) -> Result<StatusOutcome, ServiceError> {
    let Some(a) = super::announcement::newest(app).await? else {
        return Ok(StatusOutcome::NoAnnouncement);
    };
    let secret = link_secret(app).await?;
    let now = app.clock.now_ms();
    let since = now - HOUR_MS;
    let nik_digits: String = req.nik.chars().filter(|c| !c.is_whitespace()).collect();
    // The NIK's key is reserved for the check's length, so parallel guesses at one NIK meet its
    // limit; the address's is counted as failures happen (many candidates share one carrier's
    // address, and their checks in flight are no failures).
    let address = key(&secret, "ip", &address_key(&req.dari));
    let keys = [
        (key(&secret, "nik", &nik_digits), PER_NIK, true),
        (address.clone(), PER_ADDRESS, false),
    ];
    let nik = Nik::parse(&nik_digits).ok();
    let shown = nik
        .as_ref()
        .map_or_else(|| "(NIK tidak sah)".to_owned(), Nik::masked);
    let actor = Actor::account("layanan", &req.dari);
    let audit = |rincian: &'static str| stamp(app, &actor, Action::LayananCek, &shown, rincian);
    let reserved = match app.store.reserve_check(&keys, since, now).await? {
        Ok(ids) => ids,
        Err(oldest) => {
            app.store
                .append_audit_stamp(&audit("ditahan: terlalu banyak percobaan").await?)
                .await?;
            return Ok(StatusOutcome::Throttled(
                oldest.unwrap_or(now).saturating_add(HOUR_MS),
            ));
        }
    };
    let Some(born) = parse_birth_date(&req.tanggal_lahir) else {
        app.store
            .record_failure(
                std::slice::from_ref(&address),
                now,
                &audit("tanggal lahir tidak sah").await?,
            )
            .await?;
        return Ok(StatusOutcome::BadDate);
    };
    // The same reads whether or not the NIK exists; the comparison runs over the same length.
    let lookup = nik.unwrap_or_else(decoy);
    let candidate = app.store.candidate(&lookup).await?;
    let announced = app.store.announced(a.nomor, lookup.as_str()).await?;
    let expected = match &candidate {
        Some(c) => format!(
            "{}|{}",
            c.tanggal_lahir,
            c.nomor_peserta.as_deref().unwrap_or_default().trim()
        ),
        None => "0000-00-00|decoy-never-matches".to_owned(),
    };
    let on_record = candidate
        .as_ref()
        .is_some_and(|c| c.nomor_peserta.is_some());
    let given = format!(
        "{}|{}",
        born,
        if on_record {
            req.nomor_peserta.as_deref().unwrap_or_default().trim()
        } else {
            ""
        }
    );
    let matched = crate::auth::same(&expected, &given)
        && nik.is_some()
        && candidate.is_some()
        && announced.is_some();
    let (Some(c), Some(row), true) = (candidate, announced, matched) else {
        app.store
            .record_failure(
                std::slice::from_ref(&address),
                now,
                &audit("tidak cocok").await?,
            )
            .await?;
        return Ok(StatusOutcome::NotFound);
    };
    app.store
        .release_check(&reserved, &audit("cocok").await?)
        .await?;
    let view = view(app, a, c.nama, row).await?;
    Ok(StatusOutcome::Found(Box::new(view)))
}

/// The address a limit counts by: an IPv4 address, or the /64 of an IPv6 one (a phone's
/// network hands out a whole /64).
fn address_key(dari: &str) -> String {
    match dari.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        _ => dari.to_owned(),
    }
}

/// A valid NIK no candidate has, read when the given one is not a NIK.
fn decoy() -> Nik {
    Nik::parse("1101010101010001").unwrap_or_else(|_| unreachable_decoy())
}

#[allow(clippy::panic)]
fn unreachable_decoy() -> Nik {
    panic!("the decoy NIK is valid")
}

/// The page a matching candidate sees.
async fn view(
    app: &App,
    a: AnnouncementRow,
    nama: String,
    row: AnnouncedRow,
) -> Result<StatusView, ServiceError> {
    let nik = Nik::parse(&row.nik).map_err(|e| ServiceError::failed("NIK pengumuman", e))?;
    let e = crate::service::rules::explain_in_run(app, &nik, &row.run_id).await?;
    let aturan = e
        .aturan
        .iter()
        .filter(|r| r.hasil != "lolos")
        .map(|r| RuleLine {
            judul: r.judul.clone(),
            hasil: if r.hasil == "gagal" {
                "gagal"
            } else {
                "tinjau"
            },
            alasan: public_reason(r.alasan.as_deref().unwrap_or_default()),
            dasar_hukum: r.dasar_hukum.clone(),
        })
        .collect();
    let now = app.clock.now_ms();
    let token = if a.open_at(now) {
        let secret = link_secret(app).await?;
        Some(crate::auth::seal(
            &secret,
            &format!("layanan|{}|{}|{}", a.nomor, row.nik, now + TOKEN_MS),
        ))
    } else {
        None
    };
    let sanggah = app
        .store
        .objections_of(a.nomor, &row.nik)
        .await?
        .into_iter()
        .map(|o| {
            (
                o.nomor,
                super::objection::status_label(&o.status).to_owned(),
            )
        })
        .collect();
    Ok(StatusView {
        pengumuman: a,
        nama,
        hasil: e.hasil.label().to_owned(),
        row,
        aturan,
        token,
        sanggah,
    })
}

/// A rule's reason as a public page may show it: identifiers masked, and a reason that quotes
/// dates of birth (the identity check's "tanggal lahir (NIK: …, data: …)") replaced by what it
/// asks the candidate to do.
fn public_reason(reason: &str) -> String {
    let clean = crate::domain::redact_identifiers(reason).0;
    if clean.contains("tanggal lahir") || clean.contains("lahir") {
        "Data kependudukan (tanggal lahir atau jenis kelamin) perlu dicocokkan dengan data Dukcapil; bawa KTP dan Kartu Keluarga ke BKPSDM.".to_owned()
    } else {
        clean
    }
}

/// The candidate a token was sealed for: (announcement, NIK), while it holds.
pub async fn token_holder(app: &App, token: &str) -> Result<Option<(i32, String)>, ServiceError> {
    let secret = link_secret(app).await?;
    let Some(plain) = crate::auth::open(&secret, token.trim()) else {
        return Ok(None);
    };
    let mut parts = plain.split('|');
    let (Some("layanan"), Some(nomor), Some(nik), Some(until), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Ok(None);
    };
    let (Ok(nomor), Ok(until)) = (nomor.parse::<i32>(), until.parse::<i64>()) else {
        return Ok(None);
    };
    if app.clock.now_ms() > until {
        return Ok(None);
    }
    Ok(Some((nomor, nik.to_owned())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birth_dates_as_people_type_them() {
        let d = NaiveDate::from_ymd_opt(1987, 4, 1);
        for typed in [
            "01-04-1987",
            "1-4-1987",
            "01/04/1987",
            "1.4.1987",
            "01041987",
            " 1-04-1987 ",
        ] {
            assert_eq!(parse_birth_date(typed), d, "{typed}");
        }
        for wrong in [
            "1987-04-01",
            "31-02-1987",
            "1-4-87",
            "",
            "0104198",
            "aa-bb-cccc",
            "1-4-1987-1",
        ] {
            assert_eq!(parse_birth_date(wrong), None, "{wrong}");
        }
    }

    #[test]
    fn an_address_counts_by_its_network() {
        assert_eq!(address_key("10.0.0.7"), "10.0.0.7");
        assert_eq!(
            address_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd"),
            address_key("2001:db8:1:2::1")
        );
    }

    #[test]
    fn a_public_reason_never_quotes_a_birth_date() {
        let r = public_reason(
            "Data kependudukan perlu dicocokkan dengan Dukcapil: tanggal lahir (NIK: 23 April 1987, data: 24 April 1987)",
        );
        assert!(!r.contains("1987"), "{r}");
        assert_eq!(
            public_reason("Calon tidak aktif bekerja"),
            "Calon tidak aktif bekerja"
        );
    }
}
