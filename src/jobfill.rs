//! EVALUATE: the job-fill ranking policy (domain.md 8.4 WF-3). Given the employees judged by the
//! job-fill rules, who is considered, in what order, and who makes the shortlist. Pure: the
//! service reads the employees, has `rules` judge them, and records what this returns.
//!
//! Order: eligible before needing verification (the ineligible are listed last and unranked);
//! then the talent box, the last two performance ratings, longer in the current level, and
//! the NIP, so that the order is total and the same on every run.

use std::cmp::Ordering;

use crate::domain::{Employee, Findings, Hasil, Kandidat, RuleVerdict};

/// How many candidates the shortlist holds.
pub(crate) const SHORTLIST: usize = 3;

/// One employee as judged: the outcome and each rule's verdict, in ruleset order.
pub(crate) struct Judged<'a> {
    pub employee: &'a Employee,
    /// The overall outcome.
    pub hasil: Hasil,
    /// One verdict per rule.
    pub verdicts: &'a [RuleVerdict],
}

fn outcome_rank(h: Hasil) -> u8 {
    match h {
        Hasil::Layak => 0,
        Hasil::PerluVerifikasi => 1,
        Hasil::TidakLayak => 2,
    }
}

fn order(a: &Judged<'_>, b: &Judged<'_>) -> Ordering {
    let (ea, eb) = (a.employee, b.employee);
    outcome_rank(a.hasil)
        .cmp(&outcome_rank(b.hasil))
        .then(eb.kotak_talenta.number().cmp(&ea.kotak_talenta.number()))
        .then(eb.predikat_1.score().cmp(&ea.predikat_1.score()))
        .then(eb.predikat_2.score().cmp(&ea.predikat_2.score()))
        .then(ea.tmt_jenjang.cmp(&eb.tmt_jenjang))
        .then(ea.nip.as_str().cmp(eb.nip.as_str()))
}

/// Everyone judged, best first, the eligible and those needing verification ranked 1, 2, …;
/// `rule_ids` name the verdicts.
pub(crate) fn rank(rule_ids: &[&str], mut judged: Vec<Judged<'_>>) -> Vec<Kandidat> {
    judged.sort_by(order);
    let mut rank = 0;
    judged
        .into_iter()
        .map(|j| {
            let f = Findings::of(rule_ids.iter().copied(), j.verdicts);
            let peringkat = (j.hasil != Hasil::TidakLayak).then(|| {
                rank += 1;
                rank
            });
            Kandidat {
                nip: j.employee.nip.to_string(),
                nama: j.employee.nama.clone(),
                hasil: j.hasil,
                kotak_talenta: j.employee.kotak_talenta.number(),
                predikat: vec![
                    j.employee.predikat_1.label().to_owned(),
                    j.employee.predikat_2.label().to_owned(),
                ],
                aturan_gagal: f.gagal,
                aturan_tinjau: f.tinjau,
                peringkat,
                alasan: f.alasan,
            }
        })
        .collect()
}

/// The shortlist: the best [`SHORTLIST`] of those not ineligible.
pub(crate) fn shortlist(ranked: &[Kandidat]) -> Vec<Kandidat> {
    ranked
        .iter()
        .filter(|k| k.hasil != Hasil::TidakLayak)
        .take(SHORTLIST)
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::domain::{
        HukumanDisiplin, JenisKelamin, Jenjang, KotakTalenta, Nip, Pendidikan, Potensial, Predikat,
    };

    fn employee(nip: &str, kotak: i64, p1: Predikat, tmt: (i32, u32)) -> Employee {
        Employee {
            nip: Nip::parse(nip).unwrap(),
            nama: format!("P{}", &nip[nip.len() - 2..]),
            tanggal_lahir: NaiveDate::from_ymd_opt(1980, 1, 1).unwrap(),
            jenis_kelamin: JenisKelamin::L,
            golongan: None,
            jenjang: Jenjang::Administrator,
            jabatan: String::new(),
            unit_kerja: String::new(),
            tmt_jenjang: NaiveDate::from_ymd_opt(tmt.0, tmt.1, 1).unwrap(),
            pendidikan: Pendidikan::S1,
            predikat_1: p1,
            predikat_2: Predikat::Baik,
            potensial: Potensial::Tinggi,
            kotak_talenta: KotakTalenta::new(kotak).unwrap(),
            hukuman_disiplin: HukumanDisiplin::Tidak,
            email: None,
            riwayat_jenjang: Vec::new(),
        }
    }

    #[test]
    fn ranks_by_outcome_box_ratings_seniority_then_nip() {
        let e = [
            employee("198001012005011001", 7, Predikat::Baik, (2015, 1)),
            employee("198001012005011002", 9, Predikat::Baik, (2018, 1)),
            employee("198001012005011003", 9, Predikat::SangatBaik, (2019, 1)),
            employee("198001012005011004", 9, Predikat::SangatBaik, (2016, 1)),
            employee("198001012005011005", 9, Predikat::SangatBaik, (2016, 1)),
            employee("198001012005011006", 9, Predikat::SangatBaik, (2010, 1)),
        ];
        let pass = [RuleVerdict::Lolos];
        let review = [RuleVerdict::Tinjau("umur".into())];
        let fail = [RuleVerdict::Gagal("disiplin".into())];
        let judged = vec![
            Judged {
                employee: &e[0],
                hasil: Hasil::Layak,
                verdicts: &pass,
            },
            Judged {
                employee: &e[1],
                hasil: Hasil::Layak,
                verdicts: &pass,
            },
            Judged {
                employee: &e[2],
                hasil: Hasil::Layak,
                verdicts: &pass,
            },
            Judged {
                employee: &e[3],
                hasil: Hasil::Layak,
                verdicts: &pass,
            },
            Judged {
                employee: &e[4],
                hasil: Hasil::PerluVerifikasi,
                verdicts: &review,
            },
            Judged {
                employee: &e[5],
                hasil: Hasil::TidakLayak,
                verdicts: &fail,
            },
        ];
        let ranked = rank(&["R-1"], judged);
        let order: Vec<&str> = ranked.iter().map(|k| &k.nip[16..]).collect();
        // Box 9 before 7; "sangat baik" before "baik"; longer in the level first; review after
        // eligible; the ineligible last, unranked.
        assert_eq!(order, ["04", "03", "02", "01", "05", "06"]);
        let ranks: Vec<Option<u32>> = ranked.iter().map(|k| k.peringkat).collect();
        assert_eq!(ranks, [Some(1), Some(2), Some(3), Some(4), Some(5), None]);
        assert_eq!(ranked[4].aturan_tinjau, ["R-1"]);
        assert_eq!(ranked[5].alasan, ["R-1: disiplin"]);
        let top: Vec<Option<u32>> = shortlist(&ranked).iter().map(|k| k.peringkat).collect();
        assert_eq!(top, [Some(1), Some(2), Some(3)]);
    }
}
