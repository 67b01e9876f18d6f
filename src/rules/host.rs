//! The functions and types scripts can use (interfaces.md 4.3), implemented in Rust: string and
//! date work inside scripts is what makes Rhai slow. All pure: no files, network or clock.

use std::{cell::Cell, cmp::Ordering};

use chrono::{Datelike, Duration, Months, NaiveDate};
use rhai::{Dynamic, Engine, EvalAltResult, ImmutableString, Position};

use crate::domain::{self, Jenjang, KotakTalenta, Nik, Pendidikan, Potensial, Predikat};

/// A calendar date as scripts see it: comparable, printable in Indonesian.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tanggal(pub NaiveDate);

/// What a rule script returns through `lolos()`, `gagal(..)` or `tinjau(..)`.
#[derive(Debug, Clone)]
pub(crate) struct HasilAturan {
    pub(crate) kind: HasilKind,
    pub(crate) alasan: ImmutableString,
}

/// The two explicit results other than `lolos()` (which is plain `true`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HasilKind {
    Gagal,
    Tinjau,
}

thread_local! {
    /// The reference date of the current evaluation (the ruleset's `tanggal_acuan`, or the
    /// vacancy date), used by the one-argument `nik_tanggal_lahir`.
    static REFERENCE: Cell<Option<NaiveDate>> = const { Cell::new(None) };
}

/// Sets the reference date for evaluations on this thread.
pub(crate) fn set_reference_date(date: Option<NaiveDate>) {
    REFERENCE.with(|r| r.set(date));
}

fn fail(message: impl Into<String>) -> Box<EvalAltResult> {
    Box::new(EvalAltResult::ErrorRuntime(
        Dynamic::from(message.into()),
        Position::NONE,
    ))
}

/// Whole years from `from` to `to` (an age).
pub fn whole_years(from: NaiveDate, to: NaiveDate) -> i64 {
    if to < from {
        return -whole_years(to, from);
    }
    let mut years = i64::from(to.year() - from.year());
    if (to.month(), to.day()) < (from.month(), from.day()) {
        years -= 1;
    }
    years
}

/// Whole months from `from` to `to`.
pub fn whole_months(from: NaiveDate, to: NaiveDate) -> i64 {
    if to < from {
        return -whole_months(to, from);
    }
    let mut months =
        i64::from(to.year() - from.year()) * 12 + i64::from(to.month()) - i64::from(from.month());
    if to.day() < from.day() {
        months -= 1;
    }
    months
}

/// Years as a decimal: whole years plus the fraction of the following year elapsed.
pub fn decimal_years(from: NaiveDate, to: NaiveDate) -> f64 {
    if to < from {
        return -decimal_years(to, from);
    }
    let whole = whole_years(from, to);
    let start = add_months(from, whole * 12);
    let end = add_months(from, (whole + 1) * 12);
    let span = (end - start).num_days().max(1) as f64;
    whole as f64 + (to - start).num_days() as f64 / span
}

/// `date` moved by `months` (29 February becomes 28 February in a common year).
pub fn add_months(date: NaiveDate, months: i64) -> NaiveDate {
    let m = Months::new(u32::try_from(months.unsigned_abs()).unwrap_or(u32::MAX));
    let moved = if months >= 0 {
        date.checked_add_months(m)
    } else {
        date.checked_sub_months(m)
    };
    moved.unwrap_or(date)
}

fn cmp(a: &Tanggal, b: &Tanggal) -> Ordering {
    a.0.cmp(&b.0)
}

/// `Rp1.750.000`.
pub fn rupiah(n: i64) -> String {
    crate::domain::format_rupiah(n)
}

/// Registers every host function and type on `engine`.
pub(crate) fn register(engine: &mut Engine) {
    engine
        .register_type_with_name::<Tanggal>("Tanggal")
        .register_fn("==", |a: Tanggal, b: Tanggal| a == b)
        .register_fn("!=", |a: Tanggal, b: Tanggal| a != b)
        .register_fn("<", |a: Tanggal, b: Tanggal| cmp(&a, &b).is_lt())
        .register_fn("<=", |a: Tanggal, b: Tanggal| cmp(&a, &b).is_le())
        .register_fn(">", |a: Tanggal, b: Tanggal| cmp(&a, &b).is_gt())
        .register_fn(">=", |a: Tanggal, b: Tanggal| cmp(&a, &b).is_ge())
        .register_fn("to_string", |t: &mut Tanggal| domain::format_date_id(t.0))
        .register_fn("to_debug", |t: &mut Tanggal| t.0.to_string())
        .register_get("tahun", |t: &mut Tanggal| i64::from(t.0.year()))
        .register_get("bulan", |t: &mut Tanggal| i64::from(t.0.month()))
        .register_get("hari", |t: &mut Tanggal| i64::from(t.0.day()))
        .register_fn("tambah_tahun", |t: Tanggal, n: i64| {
            Tanggal(add_months(t.0, n.saturating_mul(12)))
        })
        .register_fn("tambah_bulan", |t: Tanggal, n: i64| {
            Tanggal(add_months(t.0, n))
        })
        .register_fn("tambah_hari", |t: Tanggal, n: i64| {
            Tanggal(t.0.checked_add_signed(Duration::days(n)).unwrap_or(t.0))
        });

    engine
        .register_type_with_name::<HasilAturan>("HasilAturan")
        // `lolos()` is plain `true`: the common path allocates nothing.
        .register_fn("lolos", || true)
        .register_fn("gagal", |alasan: ImmutableString| HasilAturan {
            kind: HasilKind::Gagal,
            alasan,
        })
        .register_fn("tinjau", |alasan: ImmutableString| HasilAturan {
            kind: HasilKind::Tinjau,
            alasan,
        })
        .register_fn("to_string", |h: &mut HasilAturan| match h.kind {
            HasilKind::Gagal => format!("gagal: {}", h.alasan),
            HasilKind::Tinjau => format!("tinjau: {}", h.alasan),
        });

    engine
        .register_fn("tanggal", |s: &str| -> Result<Tanggal, Box<EvalAltResult>> {
            domain::parse_date(s)
                .map(Tanggal)
                .ok_or_else(|| fail(format!("tanggal('{s}'): bukan tanggal (gunakan YYYY-MM-DD)")))
        })
        .register_fn("usia", |lahir: Tanggal, pada: Tanggal| whole_years(lahir.0, pada.0))
        .register_fn("selisih_tahun", |dari: Tanggal, sampai: Tanggal| decimal_years(dari.0, sampai.0))
        .register_fn("selisih_bulan", |dari: Tanggal, sampai: Tanggal| whole_months(dari.0, sampai.0))
        .register_fn("selisih_hari", |dari: Tanggal, sampai: Tanggal| (sampai.0 - dari.0).num_days())
        .register_fn("nik_tanggal_lahir", |nik: &str, pada: Tanggal| nik_birth(nik, pada.0))
        .register_fn("nik_tanggal_lahir", |nik: &str| -> Result<Dynamic, Box<EvalAltResult>> {
            let reference = REFERENCE.with(Cell::get).ok_or_else(|| {
                fail("nik_tanggal_lahir(nik) memerlukan param tanggal_acuan; gunakan nik_tanggal_lahir(nik, tanggal)")
            })?;
            Ok(nik_birth(nik, reference))
        })
        .register_fn("nik_jenis_kelamin", |nik: &str| match Nik::parse(nik) {
            Ok(n) => Dynamic::from(ImmutableString::from(n.sex().code())),
            Err(_) => Dynamic::UNIT,
        })
        .register_fn("tingkat_pendidikan", |p: &str| -> Result<i64, Box<EvalAltResult>> {
            Pendidikan::parse(p).map(Pendidikan::level).map_err(|e| fail(format!("tingkat_pendidikan: {e}")))
        })
        .register_fn("tingkat_predikat", |p: &str| -> Result<i64, Box<EvalAltResult>> {
            Predikat::parse(p).map(Predikat::score).map_err(|e| fail(format!("tingkat_predikat: {e}")))
        })
        .register_fn("kotak_talenta", |predikat: &str, potensial: &str| -> Result<i64, Box<EvalAltResult>> {
            let p = Predikat::parse(predikat).map_err(|e| fail(format!("kotak_talenta: {e}")))?;
            let q = Potensial::parse(potensial).map_err(|e| fail(format!("kotak_talenta: {e}")))?;
            Ok(KotakTalenta::derive(p, q).number())
        })
        .register_fn("bup", |jenjang: &str| -> Result<i64, Box<EvalAltResult>> {
            Jenjang::parse(jenjang).map(Jenjang::bup).map_err(|e| fail(format!("bup: {e}")))
        })
        .register_fn("rupiah", rupiah)
        // `()` when the NIK matches (nothing to allocate on the common path), else the text.
        .register_fn("periksa_nik", |nik: &str, lahir: Tanggal, jk: &str, pada: Tanggal| {
            let beda = nik_differences(nik, lahir.0, jk, pada.0);
            if beda.is_empty() { Dynamic::UNIT } else { Dynamic::from(beda) }
        });
}

/// What differs between a NIK and the declared birth date and sex, in Bahasa Indonesia
/// (empty when both match).
pub(crate) fn nik_differences(nik: &str, lahir: NaiveDate, jk: &str, pada: NaiveDate) -> String {
    let Ok(n) = Nik::parse(nik) else {
        return "NIK tidak terbaca".to_owned();
    };
    let mut out = Vec::new();
    match n.birth_date_on(pada) {
        None => out.push("tanggal lahir pada NIK tidak terbaca".to_owned()),
        Some(d) if d != lahir => out.push(format!(
            "tanggal lahir (NIK: {}, data: {})",
            domain::format_date_id(d),
            domain::format_date_id(lahir)
        )),
        Some(_) => {}
    }
    if n.sex().code() != jk {
        out.push(format!(
            "jenis kelamin (NIK: {}, data: {jk})",
            n.sex().code()
        ));
    }
    out.join("; ")
}

fn nik_birth(nik: &str, reference: NaiveDate) -> Dynamic {
    Nik::parse(nik)
        .ok()
        .and_then(|n| n.birth_date_on(reference))
        .map_or(Dynamic::UNIT, |d| Dynamic::from(Tanggal(d)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn engine() -> Engine {
        let mut e = Engine::new_raw();
        rhai::packages::Package::register_into_engine(
            &rhai::packages::StandardPackage::new(),
            &mut e,
        );
        register(&mut e);
        e
    }

    #[test]
    fn ages_and_spans() {
        assert_eq!(whole_years(d(2005, 8, 8), d(2025, 8, 8)), 20);
        assert_eq!(whole_years(d(2005, 8, 9), d(2025, 8, 8)), 19);
        assert_eq!(whole_years(d(2000, 2, 29), d(2021, 2, 28)), 20);
        assert_eq!(whole_years(d(2000, 2, 29), d(2021, 3, 1)), 21);
        assert_eq!(whole_months(d(2012, 3, 1), d(2025, 8, 8)), 161);
        assert_eq!(whole_months(d(2025, 1, 31), d(2025, 2, 28)), 0);
        assert_eq!(whole_months(d(2025, 8, 8), d(2025, 1, 8)), -7);
        assert_eq!(decimal_years(d(2023, 8, 8), d(2025, 8, 8)), 2.0);
        let half = decimal_years(d(2024, 1, 1), d(2024, 7, 2));
        assert!((half - 0.5).abs() < 0.01, "{half}");
        assert_eq!(add_months(d(2024, 2, 29), 12), d(2025, 2, 28));
        assert_eq!(add_months(d(2025, 8, 8), -24), d(2023, 8, 8));
    }

    #[test]
    fn rupiah_format() {
        assert_eq!(rupiah(1_750_000), "Rp1.750.000");
        assert_eq!(rupiah(0), "Rp0");
        assert_eq!(rupiah(-500), "-Rp500");
    }

    #[test]
    fn functions_from_scripts() {
        let e = engine();
        let eval_b = |s: &str| e.eval::<bool>(s).unwrap();
        let eval_i = |s: &str| e.eval::<i64>(s).unwrap();
        assert!(eval_b(r#"tanggal("2025-08-08") > tanggal("2025-08-07")"#));
        assert!(eval_b(r#"tanggal("08/08/2025") == tanggal("2025-08-08")"#));
        assert!(e.eval::<Tanggal>(r#"tanggal("31-02-2025")"#).is_err());
        assert_eq!(
            eval_i(r#"usia(tanggal("1987-04-23"), tanggal("2025-08-08"))"#),
            38
        );
        assert_eq!(
            eval_i(r#"selisih_bulan(tanggal("2012-03-01"), tanggal("2025-08-08"))"#),
            161
        );
        assert_eq!(
            e.eval::<f64>(r#"selisih_tahun(tanggal("2023-08-08"), tanggal("2025-08-08"))"#)
                .unwrap(),
            2.0
        );
        assert_eq!(
            e.eval::<String>(r#"`${tanggal("2026-11-30")}`"#).unwrap(),
            "30 November 2026"
        );
        assert_eq!(eval_i(r#"tanggal("2024-02-29").tambah_tahun(1).hari"#), 28);
        assert!(eval_b(
            r#"nik_tanggal_lahir("1609025506920002", tanggal("2025-08-08")) == tanggal("1992-06-15")"#
        ));
        assert!(eval_b(
            r#"nik_tanggal_lahir("12345", tanggal("2025-08-08")) == ()"#
        ));
        set_reference_date(Some(d(2025, 8, 8)));
        assert!(eval_b(
            r#"nik_tanggal_lahir("1609024101900001") == tanggal("1990-01-01")"#
        ));
        set_reference_date(None);
        assert!(
            e.eval::<Dynamic>(r#"nik_tanggal_lahir("1609024101900001")"#)
                .is_err()
        );
        assert_eq!(
            e.eval::<String>(r#"nik_jenis_kelamin("1609025506920002")"#)
                .unwrap(),
            "P"
        );
        assert!(eval_b(r#"nik_jenis_kelamin("bukan nik") == ()"#));
        assert_eq!(eval_i(r#"tingkat_pendidikan("SD")"#), 1);
        assert_eq!(eval_i(r#"tingkat_pendidikan("S3")"#), 10);
        assert_eq!(eval_i(r#"tingkat_pendidikan("SMK")"#), 3);
        assert!(
            e.eval::<i64>(r#"tingkat_pendidikan("SMA sederajat")"#)
                .is_err()
        );
        assert_eq!(eval_i(r#"tingkat_predikat("baik")"#), 4);
        assert_eq!(eval_i(r#"kotak_talenta("sangat_baik", "tinggi")"#), 9);
        assert_eq!(eval_i(r#"kotak_talenta("baik", "menengah")"#), 5);
        assert_eq!(eval_i(r#"bup("jpt_pratama")"#), 60);
        assert_eq!(eval_i(r#"bup("pelaksana")"#), 58);
        assert_eq!(e.eval::<String>("rupiah(1750000)").unwrap(), "Rp1.750.000");
        let h = e.eval::<HasilAturan>(r#"gagal("alasan")"#).unwrap();
        assert_eq!((h.kind, h.alasan.as_str()), (HasilKind::Gagal, "alasan"));
        assert_eq!(
            e.eval::<HasilAturan>("tinjau(`x ${1 + 1}`)")
                .unwrap()
                .alasan
                .as_str(),
            "x 2"
        );
        assert!(e.eval::<bool>("lolos()").unwrap());
        let p = r#"periksa_nik("1609022304870001", tanggal("1987-04-23"), "L", tanggal("2025-08-08")) == ()"#;
        assert!(e.eval::<bool>(p).unwrap());
        let p =
            r#"periksa_nik("1609022304870001", tanggal("1987-04-24"), "P", tanggal("2025-08-08"))"#;
        assert_eq!(
            e.eval::<String>(p).unwrap(),
            "tanggal lahir (NIK: 23 April 1987, data: 24 April 1987); jenis kelamin (NIK: L, data: P)"
        );
        let p = r#"periksa_nik("12345", tanggal("1987-04-24"), "P", tanggal("2025-08-08"))"#;
        assert_eq!(e.eval::<String>(p).unwrap(), "NIK tidak terbaca");
    }
}
