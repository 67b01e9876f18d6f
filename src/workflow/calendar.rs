//! Deadlines in working days (Monday–Friday minus the configured holidays) or calendar days,
//! counted in the configured time zone.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use super::definition::{Kalender, Span};

/// A calendar: time zone and holidays.
#[derive(Debug, Clone)]
pub struct Calendar {
    /// Zone in which days are counted.
    pub tz: Tz,
    /// Public holidays (not working days).
    pub holidays: Vec<NaiveDate>,
}

impl Calendar {
    /// Whether `d` is a working day.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&d)
    }

    /// The local date of `at`.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.tz).date_naive()
    }

    /// `from` plus `span`: hours are wall-clock hours; days keep the local time of day and, on
    /// the working-day calendar, skip weekends and holidays (a start on a day off counts from
    /// the next working day's start of the same time).
    pub fn add(&self, from: DateTime<Utc>, span: Span, kalender: Kalender) -> DateTime<Utc> {
        match span {
            Span::Hours(h) => from + Duration::hours(i64::from(h)),
            Span::Days(n) => {
                let local = from.with_timezone(&self.tz).naive_local();
                let mut date = local.date();
                let mut left = n;
                while left > 0 {
                    date = date.succ_opt().unwrap_or(date);
                    if kalender == Kalender::HariKalender || self.is_working_day(date) {
                        left -= 1;
                    }
                }
                let target = date.and_time(local.time());
                self.tz
                    .from_local_datetime(&target)
                    .earliest()
                    .map_or(from + Duration::days(i64::from(n)), |t| {
                        t.with_timezone(&Utc)
                    })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        let cal = Calendar {
            tz: chrono_tz::Asia::Jakarta,
            holidays: vec![NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()],
        };
        // Friday 27 November 2026, 09.00 WIB.
        let fri = Utc.with_ymd_and_hms(2026, 11, 27, 2, 0, 0).unwrap();
        // +3 working days: Mon 30, (Tue 1 Dec holiday), Wed 2, Thu 3.
        let due = cal.add(fri, Span::Days(3), Kalender::HariKerja);
        assert_eq!(due, Utc.with_ymd_and_hms(2026, 12, 3, 2, 0, 0).unwrap());
        let due = cal.add(fri, Span::Days(3), Kalender::HariKalender);
        assert_eq!(due, Utc.with_ymd_and_hms(2026, 11, 30, 2, 0, 0).unwrap());
        assert_eq!(
            cal.add(fri, Span::Hours(4), Kalender::HariKerja),
            Utc.with_ymd_and_hms(2026, 11, 27, 6, 0, 0).unwrap()
        );
    }
}
