//! Deadlines in working days (Monday–Friday minus the configured holidays) or calendar days,
//! counted in the configured time zone, and kept inside working hours (`jam_kerja`): a deadline
//! never falls after the close of a working day, and a reminder or escalation is sent at the
//! start of one, never at night.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use super::definition::{Kalender, Span};

pub use crate::config::WorkingHours;

/// What a computed moment is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    /// A deadline: at most the close of the day it falls on.
    Deadline,
    /// A reminder or escalation: sent during working hours, at the start of the day when a
    /// whole number of days is asked.
    Reminder,
}

/// A calendar: time zone, holidays and office hours.
#[derive(Debug, Clone)]
pub struct Calendar {
    /// Zone in which days are counted.
    pub tz: Tz,
    /// Public holidays (not working days).
    pub holidays: Vec<NaiveDate>,
    /// Office hours.
    pub jam_kerja: WorkingHours,
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

    fn counts(&self, d: NaiveDate, kalender: Kalender) -> bool {
        kalender == Kalender::HariKalender || self.is_working_day(d)
    }

    /// The next day after `d` that counts.
    fn next_day(&self, mut d: NaiveDate, kalender: Kalender) -> NaiveDate {
        for _ in 0..3660 {
            d = d.succ_opt().unwrap_or(d);
            if self.counts(d, kalender) {
                break;
            }
        }
        d
    }

    /// The last day before `d` that counts.
    fn previous_day(&self, mut d: NaiveDate, kalender: Kalender) -> NaiveDate {
        for _ in 0..3660 {
            d = d.pred_opt().unwrap_or(d);
            if self.counts(d, kalender) {
                break;
            }
        }
        d
    }

    fn utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        self.tz
            .from_local_datetime(&local)
            .earliest()
            .map_or_else(|| Utc.from_utc_datetime(&local), |t| t.with_timezone(&Utc))
    }

    /// `from` plus `span`, for a deadline or a reminder. Days count working days on the
    /// working-day calendar; hours count office hours there and wall-clock hours on the
    /// calendar-day calendar. A deadline that would fall after closing time ends at the close
    /// of that day (before opening: at the close of the day before, which gives the same office
    /// time); a reminder falls at opening time of its day, or, given in hours, at the next
    /// office moment.
    pub fn due(
        &self,
        from: DateTime<Utc>,
        span: Span,
        kalender: Kalender,
        moment: Moment,
    ) -> DateTime<Utc> {
        let local = from.with_timezone(&self.tz).naive_local();
        let target = match span {
            Span::Days(n) => {
                let mut date = local.date();
                for _ in 0..n {
                    date = self.next_day(date, kalender);
                }
                match moment {
                    Moment::Reminder => date.and_time(self.jam_kerja.buka),
                    Moment::Deadline => self.clamp_deadline(date.and_time(local.time()), kalender),
                }
            }
            Span::Hours(h) => {
                let end = if kalender == Kalender::HariKerja {
                    self.add_office_hours(local, i64::from(h))
                } else {
                    local + Duration::hours(i64::from(h))
                };
                match moment {
                    Moment::Deadline => self.clamp_deadline(end, kalender),
                    Moment::Reminder => self.next_office_moment(end, kalender),
                }
            }
        };
        self.utc(target)
    }

    /// The close of office hours on the `n`-th working day counted from `from`'s day (that day
    /// counts when it is a working day and `from` is before closing time): an objection window
    /// of `n` working days.
    pub fn close_after_working_days(&self, from: DateTime<Utc>, n: u32) -> DateTime<Utc> {
        let local = from.with_timezone(&self.tz).naive_local();
        let mut date = local.date();
        // A day counts when it is a working day and the office is still open.
        if !self.is_working_day(date) || local.time() >= self.jam_kerja.tutup {
            date = self.next_day(date, Kalender::HariKerja);
        }
        for _ in 1..n.max(1) {
            date = self.next_day(date, Kalender::HariKerja);
        }
        self.utc(date.and_time(self.jam_kerja.tutup))
    }

    /// A deadline moved out of the night: after closing → the close of that day; before
    /// opening or on a day that does not count → the close of the previous day that counts.
    fn clamp_deadline(&self, at: NaiveDateTime, kalender: Kalender) -> NaiveDateTime {
        let WorkingHours { buka, tutup } = self.jam_kerja;
        let (d, t) = (at.date(), at.time());
        if self.counts(d, kalender) && t > tutup {
            d.and_time(tutup)
        } else if !self.counts(d, kalender) || t < buka {
            self.previous_day(d, kalender).and_time(tutup)
        } else {
            at
        }
    }

    /// `at` if it is inside office hours on a day that counts, else the next opening time.
    fn next_office_moment(&self, at: NaiveDateTime, kalender: Kalender) -> NaiveDateTime {
        let WorkingHours { buka, tutup } = self.jam_kerja;
        let (d, t) = (at.date(), at.time());
        if !self.counts(d, kalender) || t >= tutup {
            self.next_day(d, kalender).and_time(buka)
        } else if t < buka {
            d.and_time(buka)
        } else {
            at
        }
    }

    /// `from` plus `hours` of office time on working days.
    fn add_office_hours(&self, from: NaiveDateTime, hours: i64) -> NaiveDateTime {
        let WorkingHours { tutup, .. } = self.jam_kerja;
        let mut at = self.next_office_moment(from, Kalender::HariKerja);
        let mut left = Duration::hours(hours);
        for _ in 0..3660 {
            let today_left = at.date().and_time(tutup) - at;
            if left <= today_left {
                return at + left;
            }
            left -= today_left;
            at = self.next_office_moment(at.date().and_time(tutup), Kalender::HariKerja);
        }
        at
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveTime;

    use super::*;

    fn cal() -> Calendar {
        Calendar {
            tz: chrono_tz::Asia::Jakarta,
            holidays: vec![NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()],
            jam_kerja: WorkingHours::default(),
        }
    }

    /// A WIB wall-clock time.
    fn wib(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        chrono_tz::Asia::Jakarta
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn an_objection_window_counts_whole_working_days() {
        let cal = cal();
        // Published Friday 27 November 09.00, three working days: Fri, Mon 30, (Tue 1 Dec is a
        // holiday) Wed 2, closing at 16.00.
        assert_eq!(
            cal.close_after_working_days(wib(2026, 11, 27, 9, 0), 3),
            wib(2026, 12, 2, 16, 0)
        );
        // After closing time the day does not count; nor does a Saturday.
        assert_eq!(
            cal.close_after_working_days(wib(2026, 11, 27, 19, 0), 1),
            wib(2026, 11, 30, 16, 0)
        );
        assert_eq!(
            cal.close_after_working_days(wib(2026, 11, 28, 10, 0), 1),
            wib(2026, 11, 30, 16, 0)
        );
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        let cal = cal();
        let fri = wib(2026, 11, 27, 9, 0);
        // +3 working days: Mon 30, (Tue 1 Dec holiday), Wed 2, Thu 3.
        let due = cal.due(fri, Span::Days(3), Kalender::HariKerja, Moment::Deadline);
        assert_eq!(due, wib(2026, 12, 3, 9, 0));
        let due = cal.due(fri, Span::Days(3), Kalender::HariKalender, Moment::Deadline);
        assert_eq!(due, wib(2026, 11, 30, 9, 0));
        assert_eq!(
            cal.due(fri, Span::Hours(4), Kalender::HariKerja, Moment::Deadline),
            wib(2026, 11, 27, 13, 0)
        );
    }

    #[test]
    fn deadlines_end_at_the_close_of_a_working_day() {
        let cal = cal();
        // Sent Monday 30 November 2026 at 23.50: three working days later is Friday 4
        // December (Tuesday is a holiday), and the deadline is that day's close.
        let late = wib(2026, 11, 30, 23, 50);
        assert_eq!(
            cal.due(late, Span::Days(3), Kalender::HariKerja, Moment::Deadline),
            wib(2026, 12, 4, 16, 0)
        );
        // Sent at 06.00: the same office time ends at the close of the day before.
        let early = wib(2026, 11, 30, 6, 0);
        assert_eq!(
            cal.due(early, Span::Days(3), Kalender::HariKerja, Moment::Deadline),
            wib(2026, 12, 3, 16, 0)
        );
        // Four office hours from 14.00 Friday: two on Friday, two on Monday.
        assert_eq!(
            cal.due(
                wib(2026, 11, 27, 14, 0),
                Span::Hours(4),
                Kalender::HariKerja,
                Moment::Deadline
            ),
            wib(2026, 11, 30, 10, 0)
        );
    }

    #[test]
    fn reminders_are_sent_at_the_start_of_a_working_day() {
        let cal = cal();
        let late = wib(2026, 11, 27, 23, 50);
        assert_eq!(
            cal.due(late, Span::Days(1), Kalender::HariKerja, Moment::Reminder),
            wib(2026, 11, 30, 8, 0)
        );
        // A reminder in hours that would fall at night waits for the next opening.
        assert_eq!(
            cal.due(
                wib(2026, 11, 27, 20, 0),
                Span::Hours(2),
                Kalender::HariKalender,
                Moment::Reminder
            ),
            wib(2026, 11, 28, 8, 0)
        );
        for h in 0..24 {
            for n in 1..5 {
                let at = cal.due(
                    wib(2026, 11, 26, h, 30),
                    Span::Days(n),
                    Kalender::HariKerja,
                    Moment::Reminder,
                );
                let local = at.with_timezone(&chrono_tz::Asia::Jakarta);
                assert_eq!(local.time(), NaiveTime::from_hms_opt(8, 0, 0).unwrap());
                assert!(cal.is_working_day(local.date_naive()));
            }
        }
    }

    #[test]
    fn office_hours_parse() {
        let h = WorkingHours::parse("07.30-15.30").unwrap();
        assert_eq!(h.buka, NaiveTime::from_hms_opt(7, 30, 0).unwrap());
        assert!(WorkingHours::parse("16.00-08.00").is_err());
        assert!(WorkingHours::parse("pagi").is_err());
    }
}
