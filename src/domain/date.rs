//! Dates as administrators write them, and as merit writes them back in Bahasa Indonesia.

use chrono::{DateTime, Datelike, NaiveDate, Offset, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

const MONTHS: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// Parses `YYYY-MM-DD`, `DD-MM-YYYY` or `DD/MM/YYYY` (one-digit day and month allowed).
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let s = raw.trim();
    let sep = if s.contains('/') { '/' } else { '-' };
    let parts: Vec<&str> = s.split(sep).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    if ![a, b, c]
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|x| x.is_ascii_digit()))
    {
        return None;
    }
    let (y, m, d) = if a.len() == 4 && sep == '-' {
        (a, b, c)
    } else if c.len() == 4 && a.len() <= 2 && b.len() <= 2 {
        (c, b, a)
    } else {
        return None;
    };
    if m.len() > 2 || d.len() > 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// `30 November 2026`.
pub fn format_date_id(date: NaiveDate) -> String {
    format!(
        "{} {} {}",
        date.day(),
        MONTHS[date.month0() as usize],
        date.year()
    )
}

const DAYS: [&str; 7] = [
    "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu",
];

/// `n` in Indonesian words (`terbilang`): 2026 → `dua ribu dua puluh enam`.
pub fn number_in_words(n: u64) -> String {
    const ONES: [&str; 12] = [
        "nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
        "sepuluh", "sebelas",
    ];
    fn words(n: u64) -> String {
        match n {
            0..=11 => ONES[n as usize].to_owned(),
            12..=19 => format!("{} belas", ONES[(n - 10) as usize]),
            20..=99 => join(format!("{} puluh", ONES[(n / 10) as usize]), n % 10),
            100..=199 => join("seratus".to_owned(), n - 100),
            200..=999 => join(format!("{} ratus", ONES[(n / 100) as usize]), n % 100),
            1_000..=1_999 => join("seribu".to_owned(), n - 1_000),
            2_000..=999_999 => join(format!("{} ribu", words(n / 1_000)), n % 1_000),
            1_000_000..=999_999_999 => {
                join(format!("{} juta", words(n / 1_000_000)), n % 1_000_000)
            }
            1_000_000_000..=999_999_999_999 => join(
                format!("{} miliar", words(n / 1_000_000_000)),
                n % 1_000_000_000,
            ),
            _ => join(
                format!("{} triliun", words(n / 1_000_000_000_000)),
                n % 1_000_000_000_000,
            ),
        }
    }
    fn join(head: String, rest: u64) -> String {
        if rest == 0 {
            head
        } else {
            format!("{head} {}", words(rest))
        }
    }
    words(n)
}

/// How minutes open (documents.md 4): `Senin tanggal tujuh bulan Desember tahun dua ribu
/// dua puluh enam`.
pub fn format_date_in_words(date: NaiveDate) -> String {
    format!(
        "{} tanggal {} bulan {} tahun {}",
        DAYS[date.weekday().num_days_from_monday() as usize],
        number_in_words(u64::from(date.day())),
        MONTHS[date.month0() as usize],
        number_in_words(u64::try_from(date.year()).unwrap_or_default())
    )
}

/// Whole years from `born` to `on` (an age on a date).
pub fn age_on(born: NaiveDate, on: NaiveDate) -> i64 {
    let mut years = i64::from(on.year() - born.year());
    if (on.month(), on.day()) < (born.month(), born.day()) {
        years -= 1;
    }
    years
}

/// The day's name: `Senin`.
pub fn day_name(date: NaiveDate) -> &'static str {
    DAYS[date.weekday().num_days_from_monday() as usize]
}

/// `Senin, 30 November 2026 pukul 09.15 WIB`: as a deadline is written to an official.
pub fn format_deadline_id(at: DateTime<Utc>, tz: Tz) -> String {
    let local = at.with_timezone(&tz);
    format!(
        "{}, {}",
        DAYS[local.weekday().num_days_from_monday() as usize],
        format_datetime_id(at, tz)
    )
}

/// `30 November 2026 pukul 09.15 WIB`, in the given zone.
pub fn format_datetime_id(at: DateTime<Utc>, tz: Tz) -> String {
    format!("{} {}", format_moment_id(at, tz), zone_abbreviation(tz, at))
}

/// `30 November 2026 pukul 09.15`, local time without the zone's name: for naming things by
/// when they happened (`Penyaringan 30 November 2026 pukul 09.15`).
pub fn format_moment_id(at: DateTime<Utc>, tz: Tz) -> String {
    let local = at.with_timezone(&tz);
    format!(
        "{} pukul {:02}.{:02}",
        format_date_id(local.date_naive()),
        local.hour(),
        local.minute()
    )
}

/// The zone's name as Indonesians write it (WIB, WITA, WIT), or the tz database abbreviation,
/// or `UTC+07:00` when the database has none.
pub fn zone_abbreviation(tz: Tz, at: DateTime<Utc>) -> String {
    let local = tz.from_utc_datetime(&at.naive_utc());
    let abbr = local.format("%Z").to_string();
    if abbr.starts_with('+') || abbr.starts_with('-') {
        let secs = local.offset().fix().local_minus_utc();
        let sign = if secs < 0 { '-' } else { '+' };
        format!(
            "UTC{sign}{:02}:{:02}",
            secs.abs() / 3600,
            secs.abs() % 3600 / 60
        )
    } else {
        abbr
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_dates_in_words() {
        assert_eq!(number_in_words(0), "nol");
        assert_eq!(number_in_words(11), "sebelas");
        assert_eq!(number_in_words(17), "tujuh belas");
        assert_eq!(number_in_words(100), "seratus");
        assert_eq!(number_in_words(1_001), "seribu satu");
        assert_eq!(number_in_words(2_026), "dua ribu dua puluh enam");
        assert_eq!(
            number_in_words(3_515_000),
            "tiga juta lima ratus lima belas ribu"
        );
        let d = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        assert_eq!(
            format_date_in_words(d),
            "Senin tanggal tujuh bulan Desember tahun dua ribu dua puluh enam"
        );
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn accepted_forms() {
        assert_eq!(parse_date("2025-08-08"), Some(d(2025, 8, 8)));
        assert_eq!(parse_date("08-08-2025"), Some(d(2025, 8, 8)));
        assert_eq!(parse_date("8/8/2025"), Some(d(2025, 8, 8)));
        assert_eq!(parse_date("29/02/2024"), Some(d(2024, 2, 29)));
        assert_eq!(parse_date("29/02/2023"), None);
        assert_eq!(parse_date("2025/08/08"), None);
        assert_eq!(parse_date("2025-13-01"), None);
        assert_eq!(parse_date("kemarin"), None);
        assert_eq!(parse_date(""), None);
    }

    #[test]
    fn indonesian_formatting() {
        assert_eq!(format_date_id(d(2026, 11, 30)), "30 November 2026");
        let at = Utc.with_ymd_and_hms(2026, 11, 30, 2, 15, 0).unwrap();
        assert_eq!(
            format_datetime_id(at, chrono_tz::Asia::Jakarta),
            "30 November 2026 pukul 09.15 WIB"
        );
        assert_eq!(
            format_datetime_id(at, chrono_tz::Asia::Makassar),
            "30 November 2026 pukul 10.15 WITA"
        );
        assert_eq!(
            format_datetime_id(at, chrono_tz::Asia::Jayapura),
            "30 November 2026 pukul 11.15 WIT"
        );
        let wed = Utc.with_ymd_and_hms(2026, 12, 2, 9, 0, 0).unwrap();
        assert_eq!(
            format_deadline_id(wed, chrono_tz::Asia::Jakarta),
            "Rabu, 2 Desember 2026 pukul 16.00 WIB"
        );
    }
}
