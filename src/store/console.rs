//! What the console's pages read that no use case needed before: candidate search with keyset
//! pages, a candidate's decisions across runs, one placement line, the unplaced.

use sea_orm::Value;

use super::{Store, StoreResult, corrupt, get};
use crate::{domain::Nik, placement::Placement};

/// How a search names candidates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Search {
    /// Everyone.
    All,
    /// A full NIK.
    Nik(String),
    /// The last four NIK digits.
    Last4(String),
    /// Names starting with this (lowercase).
    NamePrefix(String),
}

/// A candidate search.
#[derive(Debug, Clone)]
pub struct CandidateSearch {
    /// Who.
    pub search: Search,
    /// The run whose decisions are shown (and filtered on).
    pub run_id: Option<String>,
    /// Only this outcome in that run.
    pub hasil: Option<String>,
    /// Only this unit code.
    pub unit: Option<String>,
    /// Only this applicant category.
    pub kategori: Option<String>,
    /// After this (lowercased name, NIK), in that order.
    pub setelah: Option<(String, String)>,
    /// At most this many.
    pub limit: u64,
}

/// One row of the candidate list.
#[derive(Debug, Clone)]
pub struct CandidateListRow {
    pub nik: Nik,
    pub nama: String,
    /// The name as the list is ordered (lowercase), for the next page's cursor.
    pub nama_kunci: String,
    pub unit_kerja: String,
    pub kategori_pelamar: String,
    pub kategori_jabatan: String,
    /// Outcome in the run searched, if decided there.
    pub hasil: Option<String>,
}

/// One decision about a candidate, with its run.
#[derive(Debug, Clone)]
pub struct DecisionOfRun {
    pub run_id: String,
    pub ruleset: String,
    pub versi: String,
    /// When the run started, epoch ms.
    pub dibuat_ms: i64,
    pub hasil: String,
}

/// The least string above every string starting with `prefix`: its last character
/// incremented (a range in byte order, which both databases use here).
fn upper_bound(prefix: &str) -> String {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        if let Some(next) = char::from_u32(u32::from(last) + 1) {
            chars.push(next);
            return chars.into_iter().collect();
        }
    }
    char::MAX.to_string()
}

impl Store {
    /// The conditions of a candidate search after `WHERE c.instansi = ?` and the values of
    /// every placeholder from the run id on (run id, tenant, then the conditions').
    fn candidate_filter(&self, q: &CandidateSearch, key: &str) -> (String, Vec<Value>) {
        let mut sql = String::new();
        let mut v: Vec<Value> = vec![
            q.run_id.clone().unwrap_or_default().into(),
            self.tenant.clone().into(),
        ];
        match &q.search {
            Search::All => {}
            Search::Nik(n) => {
                sql.push_str(" AND c.nik = ?");
                v.push(n.clone().into());
            }
            Search::Last4(d) => {
                sql.push_str(" AND substr(c.nik, 13, 4) = ?");
                v.push(d.clone().into());
            }
            Search::NamePrefix(p) => {
                sql.push_str(&format!(" AND {key} >= ? AND {key} < ?"));
                v.push(p.clone().into());
                v.push(upper_bound(p).into());
            }
        }
        if let Some(h) = &q.hasil {
            sql.push_str(" AND k.hasil = ?");
            v.push(h.clone().into());
        }
        if let Some(u) = &q.unit {
            sql.push_str(" AND c.unit_kerja = ?");
            v.push(u.clone().into());
        }
        if let Some(k) = &q.kategori {
            sql.push_str(" AND c.kategori_pelamar = ?");
            v.push(k.clone().into());
        }
        (sql, v)
    }

    /// How many candidates a search finds (its cursor and limit ignored), counting at most
    /// `cap + 1`: a page says "more than `cap`" rather than counting a million rows.
    pub async fn count_candidates(&self, q: &CandidateSearch, cap: u64) -> StoreResult<u64> {
        let key = if self.backend() == super::Backend::Postgres {
            "(lower(c.nama) COLLATE \"C\")"
        } else {
            "lower(c.nama)"
        };
        let (filter, mut v) = self.candidate_filter(q, key);
        let sql = format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM calon c LEFT JOIN keputusan k ON k.run_id = ? \
             AND k.nik = c.nik WHERE c.instansi = ?{filter} LIMIT ?) AS n",
        );
        v.push(
            i64::try_from(cap.saturating_add(1))
                .unwrap_or(i64::MAX)
                .into(),
        );
        let rows = self.query(&sql, v).await?;
        let n: i64 = match rows.first() {
            Some(r) => get(r, 0)?,
            None => 0,
        };
        Ok(u64::try_from(n).unwrap_or_default())
    }

    /// One page of candidates, ordered by name then NIK.
    pub async fn search_candidates(
        &self,
        q: &CandidateSearch,
    ) -> StoreResult<Vec<CandidateListRow>> {
        // Names compare byte by byte on both databases (PostgreSQL's language collations skip
        // punctuation, which would break prefix ranges and keyset pages); the index matches.
        let key = if self.backend() == super::Backend::Postgres {
            "(lower(c.nama) COLLATE \"C\")"
        } else {
            "lower(c.nama)"
        };
        // SQLite would walk the name index to avoid sorting and filter a million rows; the
        // hundred or so candidates sharing four digits are found and sorted faster.
        let hint =
            if self.backend() == super::Backend::Sqlite && matches!(q.search, Search::Last4(_)) {
                " INDEXED BY idx_calon_nik4"
            } else {
                ""
            };
        let (filter, mut v) = self.candidate_filter(q, key);
        let mut sql = format!(
            "SELECT c.nik, c.nama, lower(c.nama), c.unit_kerja, c.kategori_pelamar, c.kategori_jabatan, k.hasil \
             FROM calon c{hint} LEFT JOIN keputusan k ON k.run_id = ? AND k.nik = c.nik WHERE c.instansi = ?{filter}",
        );
        if let Some((name, nik)) = &q.setelah {
            sql.push_str(&format!(" AND ({key} > ? OR ({key} = ? AND c.nik > ?))"));
            v.push(name.clone().into());
            v.push(name.clone().into());
            v.push(nik.clone().into());
        }
        sql.push_str(&format!(" ORDER BY {key}, c.nik LIMIT ?"));
        v.push(i64::try_from(q.limit).unwrap_or(i64::MAX).into());
        let rows = self.query(&sql, v).await?;
        rows.iter()
            .map(|r| {
                let nik: String = get(r, 0)?;
                Ok(CandidateListRow {
                    nik: Nik::parse(&nik).map_err(corrupt)?,
                    nama: get(r, 1)?,
                    nama_kunci: get(r, 2)?,
                    unit_kerja: get(r, 3)?,
                    kategori_pelamar: get(r, 4)?,
                    kategori_jabatan: get(r, 5)?,
                    hasil: get(r, 6)?,
                })
            })
            .collect()
    }

    /// Every decision about `nik`, newest run first.
    pub async fn decisions_of(&self, nik: &Nik) -> StoreResult<Vec<DecisionOfRun>> {
        let rows = self
            .query(
                "SELECT k.run_id, r.ruleset, r.versi, r.dibuat_ms, k.hasil FROM keputusan k \
                 JOIN run_penyaringan r ON r.id = k.run_id WHERE k.instansi = ? AND k.nik = ? \
                 ORDER BY r.dibuat_ms DESC, r.id DESC",
                vec![self.tenant.clone().into(), nik.as_str().into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(DecisionOfRun {
                    run_id: get(r, 0)?,
                    ruleset: get(r, 1)?,
                    versi: get(r, 2)?,
                    dibuat_ms: get(r, 3)?,
                    hasil: get(r, 4)?,
                })
            })
            .collect()
    }

    /// `nik`'s line in a placement.
    pub async fn placement_of(&self, id: &str, nik: &Nik) -> StoreResult<Option<Placement>> {
        let rows = self
            .query(
                "SELECT urutan, prioritas, kode_formasi, unit_kerja, jabatan, CAST(putaran AS BIGINT), alasan \
                 FROM penempatan_rinci WHERE penempatan_id = ? AND nik = ?",
                vec![id.into(), nik.as_str().into()],
            )
            .await?;
        rows.first()
            .map(|r| {
                Ok(Placement {
                    nik: *nik,
                    urutan: u64::try_from(get::<i64>(r, 0)?).unwrap_or_default(),
                    prioritas: get(r, 1)?,
                    kode_formasi: get(r, 2)?,
                    unit_kerja: get(r, 3)?,
                    jabatan: get(r, 4)?,
                    putaran: u8::try_from(get::<i64>(r, 5)?).unwrap_or_default(),
                    alasan: get(r, 6)?,
                })
            })
            .transpose()
    }

    /// Lines of a placement, placed or not, in placement order after rank `after`, with names.
    pub async fn placement_page(
        &self,
        id: &str,
        placed: bool,
        after: u64,
        limit: u64,
    ) -> StoreResult<Vec<(Placement, String)>> {
        let which = if placed { "IS NOT NULL" } else { "IS NULL" };
        let rows = self
            .query(
                &format!(
                    "SELECT p.nik, p.urutan, p.prioritas, p.kode_formasi, p.unit_kerja, p.jabatan, \
                     CAST(p.putaran AS BIGINT), p.alasan, COALESCE(c.nama, '') FROM penempatan_rinci p \
                     JOIN penempatan h ON h.id = p.penempatan_id \
                     LEFT JOIN calon c ON c.instansi = h.instansi AND c.nik = p.nik \
                     WHERE p.penempatan_id = ? AND p.kode_formasi {which} AND p.urutan > ? ORDER BY p.urutan LIMIT ?"
                ),
                vec![
                    id.into(),
                    i64::try_from(after).unwrap_or(i64::MAX).into(),
                    i64::try_from(limit).unwrap_or(i64::MAX).into(),
                ],
            )
            .await?;
        rows.iter()
            .map(|r| Ok((super::placements::placement_from(r)?, get(r, 8)?)))
            .collect()
    }
}
