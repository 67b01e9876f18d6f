//! `merit bench`: speed measurements reported in closing notes (never asserted in tests).
//!
//! `rules` evaluates the shipped `pppk_paruh_waktu` ruleset over generated candidates, on one
//! thread and on every core, against a native Rust implementation of the same nine rules and
//! priority written here as the baseline, and reports CPU time against wall time so that it is
//! visible whether all cores work.

pub mod console;
pub mod documents;
pub mod editor;
pub mod notify;
pub mod public;
pub mod smtp;
pub mod workflow;

use std::{path::Path, sync::Arc, time::Instant};

use chrono::NaiveDate;

use crate::{
    config::ScriptLimits,
    domain::{
        Candidate, Hasil, HasilSeleksi2024, KategoriJabatan, KategoriPelamar, RuleVerdict,
        Seleksi2024,
    },
    generate::{GenerateOptions, generate},
    ingest::{CandidateSchema, Checked, FileError, RawRow, RowSink, Validator, read_table},
    rules::{self, add_months, whole_months, whole_years},
};

/// One timed configuration.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Timing {
    /// What ran.
    pub nama: String,
    /// Threads used.
    pub thread: usize,
    /// Median wall seconds over the repetitions.
    pub detik: f64,
    /// Candidates per second.
    pub calon_per_detik: f64,
    /// Wall nanoseconds per candidate.
    pub ns_per_calon: f64,
    /// Process CPU seconds divided by wall seconds (≈ number of busy cores).
    pub cpu_per_wall: f64,
}

/// The rules benchmark's figures.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RulesBench {
    /// Candidates evaluated per run.
    pub calon: usize,
    /// Repetitions per configuration (median reported).
    pub ulangan: usize,
    /// Every configuration.
    pub hasil: Vec<Timing>,
    /// Rhai single-thread time / native single-thread time.
    pub rasio_rhai_native: f64,
    /// Rhai speed-up from one thread to all.
    pub percepatan_rhai: f64,
    /// Native speed-up from one thread to all.
    pub percepatan_native: f64,
    /// Candidates whose outcome differs between Rhai and native (must be 0).
    pub selisih_hasil: usize,
}

/// `merit bench rules`: [`rules_bench`] over `candidates` generated in a temporary folder
/// (removed afterwards), on `threads` threads (default: every core), off the async threads.
pub async fn rules(
    settings: &crate::config::Settings,
    candidates: usize,
    threads: Option<usize>,
    reps: usize,
) -> Result<RulesBench, crate::service::ServiceError> {
    use crate::service::ServiceError;
    let threads = threads.unwrap_or_else(rules::worker_threads);
    let work = std::env::temp_dir().join(format!("merit-bench-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&work)
        .map_err(|e| ServiceError::internal(format!("folder sementara: {e}")))?;
    let dir = settings.rules_dir.clone();
    let path = work.clone();
    let report =
        tokio::task::spawn_blocking(move || rules_bench(&dir, candidates, threads, reps, &path))
            .await
            .map_err(|e| ServiceError::internal(e.to_string()))
            .and_then(|r| r.map_err(ServiceError::internal));
    let _ = std::fs::remove_dir_all(&work);
    report
}

/// Process CPU seconds so far (user + system), from /proc.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which may contain spaces) start after the last ')'.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        f.get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or_default()
    };
    (ticks(11) + ticks(12)) / 100.0
}

fn time<T>(reps: usize, mut f: impl FnMut() -> T) -> (f64, f64, T) {
    let mut walls = Vec::new();
    let mut cpus = Vec::new();
    let mut last = None;
    for _ in 0..reps.max(1) {
        let (c0, t0) = (cpu_seconds(), Instant::now());
        last = Some(f());
        let wall = t0.elapsed().as_secs_f64();
        walls.push(wall);
        cpus.push((cpu_seconds() - c0) / wall.max(1e-9));
    }
    walls.sort_by(f64::total_cmp);
    cpus.sort_by(f64::total_cmp);
    let mid = walls.len() / 2;
    (
        walls[mid],
        cpus[mid],
        last.unwrap_or_else(|| unreachable_value()),
    )
}

#[allow(clippy::panic)]
fn unreachable_value<T>() -> T {
    // `reps.max(1)` guarantees one run.
    panic!("benchmark ran zero times")
}

/// Reads a candidates file into memory, validated exactly as an import validates it.
pub fn load_candidates(path: &Path) -> Result<Vec<Arc<Candidate>>, String> {
    struct Collect {
        validator: Option<Validator<CandidateSchema>>,
        out: Vec<Arc<Candidate>>,
        bad: usize,
    }
    impl RowSink for Collect {
        fn header(&mut self, cells: Vec<String>) -> Result<(), FileError> {
            self.validator = Some(Validator::new(&cells)?.0);
            Ok(())
        }
        fn row(&mut self, row: RawRow) -> Result<(), FileError> {
            let Some(v) = self.validator.as_mut() else {
                return Err(FileError::Empty);
            };
            match v.check(&row, &mut Vec::new()) {
                Checked::Valid(c) => self.out.push(Arc::new(c)),
                Checked::Invalid(_) => self.bad += 1,
            }
            Ok(())
        }
    }
    let mut sink = Collect {
        validator: None,
        out: Vec::new(),
        bad: 0,
    };
    read_table(
        path,
        None,
        &mut sink,
        None,
        &crate::ingest::ReadLimits::default(),
    )
    .map_err(|e| e.to_string())?;
    if sink.bad > 0 {
        return Err(format!("{} baris tidak valid", sink.bad));
    }
    Ok(sink.out)
}

/// Runs the rules benchmark.
pub fn rules_bench(
    rules_dir: &Path,
    n: usize,
    threads: usize,
    reps: usize,
    work: &Path,
) -> Result<RulesBench, String> {
    generate(&GenerateOptions {
        candidates: n as u64,
        out: work.to_path_buf(),
        seed: crate::generate::DEFAULT_SEED,
    })
    .map_err(|e| e.to_string())?;
    let candidates = load_candidates(&work.join("candidates.csv"))?;
    let (src, dir) = crate::sources::folder(rules_dir, "rules", "aturan");
    let rs = rules::load_ruleset(
        src.as_ref(),
        &dir.join("pppk_paruh_waktu"),
        &ScriptLimits::default(),
    )
    .map_err(|d| d.to_string())?;
    let native = Native::default();

    let mut hasil = Vec::new();
    let mut record = |nama: &str, thread: usize, (wall, cpu): (f64, f64)| {
        hasil.push(Timing {
            nama: nama.to_owned(),
            thread,
            detik: wall,
            calon_per_detik: candidates.len() as f64 / wall,
            ns_per_calon: wall * 1e9 / candidates.len() as f64,
            cpu_per_wall: cpu,
        });
        wall
    };
    let (w, c, rhai_out) = time(reps, || rules::evaluate_candidates(&rs, &candidates, 1));
    let rhai_1 = record("rhai", 1, (w, c));
    let (w, c, _) = time(reps, || {
        rules::evaluate_candidates(&rs, &candidates, threads)
    });
    let rhai_n = record("rhai", threads, (w, c));
    let (w, c, native_out) = time(reps, || native.evaluate(&candidates, 1));
    let native_1 = record("native", 1, (w, c));
    let (w, c, _) = time(reps, || native.evaluate(&candidates, threads));
    let native_n = record("native", threads, (w, c));

    let selisih_hasil = rhai_out
        .iter()
        .zip(&native_out)
        .filter(|(r, n)| r.hasil != n.0 || r.prioritas != Some(n.1))
        .count();
    Ok(RulesBench {
        calon: candidates.len(),
        ulangan: reps,
        hasil,
        rasio_rhai_native: rhai_1 / native_1,
        percepatan_rhai: rhai_1 / rhai_n,
        percepatan_native: native_1 / native_n,
        selisih_hasil,
    })
}

/// The nine `pppk_paruh_waktu` rules and its priority, written directly in Rust with the
/// default parameters: the baseline the Rhai engine is measured against.
#[derive(Debug)]
struct Native {
    acuan: NaiveDate,
    batas_r4: NaiveDate,
    tmt: NaiveDate,
}

impl Default for Native {
    fn default() -> Self {
        let acuan = NaiveDate::from_ymd_opt(2025, 8, 8).unwrap_or_default();
        Self {
            acuan,
            batas_r4: add_months(acuan, -24),
            tmt: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
        }
    }
}

impl Native {
    fn evaluate(&self, candidates: &[Arc<Candidate>], threads: usize) -> Vec<(Hasil, f64)> {
        let per = candidates.len().div_ceil(threads.max(1)).max(1);
        std::thread::scope(|s| {
            let handles: Vec<_> = candidates
                .chunks(per)
                .map(|part| s.spawn(move || part.iter().map(|c| self.one(c)).collect::<Vec<_>>()))
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        })
    }

    fn one(&self, c: &Candidate) -> (Hasil, f64) {
        use HasilSeleksi2024 as H;
        use KategoriPelamar as K;
        let fail = |why: &str| RuleVerdict::Gagal(why.to_owned());
        let mut v: Vec<RuleVerdict> = Vec::with_capacity(9);
        // PW-01
        let lahir = c.nik.birth_date_on(self.acuan);
        v.push(
            if lahir == Some(c.tanggal_lahir) && c.nik.sex() == c.jenis_kelamin {
                RuleVerdict::Lolos
            } else {
                RuleVerdict::Tinjau(format!(
                    "Data kependudukan perlu dicocokkan dengan Dukcapil: {lahir:?}"
                ))
            },
        );
        // PW-02
        v.push(
            if c.status_khusus.is_some() || matches!(c.hasil_seleksi_2024, H::Aps | H::Tms) {
                fail("status")
            } else {
                RuleVerdict::Lolos
            },
        );
        // PW-03
        v.push(
            if matches!(c.kategori_pelamar, K::R1 | K::R2 | K::R3 | K::Cpns) && !c.terdata_bkn {
                fail("bkn")
            } else {
                RuleVerdict::Lolos
            },
        );
        // PW-04
        let tidak_mendapat = matches!(c.hasil_seleksi_2024, H::TidakLulus | H::TidakDapatFormasi);
        v.push(
            if c.seleksi_2024 == Seleksi2024::TidakIkut
                || c.hasil_seleksi_2024 == H::TidakIkut
                || c.hasil_seleksi_2024 == H::Lulus
            {
                fail("seleksi")
            } else if c.seleksi_2024 != Seleksi2024::Cpns && !c.ikut_semua_tahap {
                fail("tahap")
            } else if tidak_mendapat {
                RuleVerdict::Lolos
            } else {
                fail("hasil")
            },
        );
        // PW-05
        v.push(if c.aktif_bekerja {
            RuleVerdict::Lolos
        } else {
            fail("aktif")
        });
        // PW-06
        v.push(
            if c.kategori_pelamar == K::R4 && c.tmt_kerja > self.batas_r4 {
                fail("r4")
            } else {
                RuleVerdict::Lolos
            },
        );
        // PW-07
        let u = whole_years(c.tanggal_lahir, self.acuan);
        let bup = if c.kategori_jabatan == Some(KategoriJabatan::Guru) {
            60
        } else {
            58
        };
        v.push(if u < 20 || u >= bup {
            fail(&format!("usia {u}"))
        } else {
            RuleVerdict::Lolos
        });
        // PW-08
        v.push(
            if c.kategori_pelamar == K::R5
                && !(c.ppg && c.kategori_jabatan == Some(KategoriJabatan::Guru))
            {
                fail("ppg")
            } else {
                RuleVerdict::Lolos
            },
        );
        // PW-09
        v.push(if c.gaji_terakhir > 0 {
            RuleVerdict::Lolos
        } else {
            RuleVerdict::Tinjau("gaji".into())
        });
        // PW-10
        v.push(if c.nomor_peserta.is_some() {
            RuleVerdict::Lolos
        } else {
            RuleVerdict::Tinjau("nomor peserta".into())
        });
        // PW-11
        let u = whole_years(c.tanggal_lahir, self.tmt);
        v.push(if u >= bup {
            fail(&format!("usia tmt {u}"))
        } else {
            RuleVerdict::Lolos
        });
        let bobot = match c.kategori_pelamar {
            K::R1 => 6,
            K::R2 => 5,
            K::R3 => 4,
            K::R4 => 3,
            K::R5 => 2,
            K::Cpns => 1,
        };
        let bulan = whole_months(c.tmt_kerja, self.acuan).clamp(0, 999);
        (Hasil::from_verdicts(&v), (bobot * 1000 + bulan) as f64)
    }
}
