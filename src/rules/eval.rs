//! Evaluating a ruleset over subjects. Every script runs on its own, with its own limits, and a
//! script that errors or runs out of budget yields a `kesalahan` verdict for that rule (the subject
//! needs verification); it never stops a batch. Batches ([`evaluate_candidates`],
//! [`evaluate_employees`]) run on every core, each thread with its own compiled copy.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::Duration,
};

use rayon::prelude::*;
use rhai::{Dynamic, EvalAltResult, Scope};

use super::{
    Ruleset, engine,
    host::{self, HasilAturan, HasilKind},
    program::{self, Compiled},
    ruleset::{Rule, SubjectKind},
    subject::{CalonObj, LowonganObj, PegawaiObj},
};
use crate::domain::{Candidate, Employee, Hasil, RuleVerdict, Vacancy};

/// What a ruleset says about one subject.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Evaluation {
    /// Overall outcome.
    pub hasil: Hasil,
    /// One verdict per rule, in ruleset order.
    pub verdicts: Vec<RuleVerdict>,
    /// Priority from the `prioritas` script (higher first), when the ruleset has one.
    pub prioritas: Option<f64>,
    /// Why the priority could not be computed, if it could not.
    pub catatan_prioritas: Option<String>,
    /// Whether a script was stopped by one of its limits (operations, time, sizes, depth).
    #[serde(skip)]
    pub batas: bool,
}

/// Evaluates subjects one at a time, each script in isolation.
pub struct Evaluator<'r> {
    rs: &'r Ruleset,
    compiled: &'r Compiled,
    caches: Vec<rhai::Caches>,
    scope: Scope<'static>,
    base: usize,
}

impl Drop for Evaluator<'_> {
    fn drop(&mut self) {
        self.compiled
            .return_caches(std::mem::take(&mut self.caches));
    }
}

impl Ruleset {
    /// An isolated-path evaluator using this ruleset's own compiled copy.
    pub fn evaluator(&self) -> Evaluator<'_> {
        Evaluator::new(self, &self.main)
    }
}

/// Runs one script, turning a panic inside the script engine into a script error: no script may
/// take the engine down.
fn guarded(
    f: impl FnOnce() -> Result<Dynamic, Box<EvalAltResult>>,
) -> Result<Dynamic, Box<EvalAltResult>> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(out) => out,
        Err(_) => Err(Box::new(EvalAltResult::ErrorRuntime(
            Dynamic::from(
                "skrip menghentikan mesin aturan secara tak terduga; periksa skrip ini".to_owned(),
            ),
            rhai::Position::NONE,
        ))),
    }
}

impl<'r> Evaluator<'r> {
    fn new(rs: &'r Ruleset, compiled: &'r Compiled) -> Self {
        let mut scope = Scope::new();
        scope.push_constant_dynamic("param", compiled.param.clone());
        let base = scope.len();
        Self {
            rs,
            compiled,
            caches: compiled.take_caches(),
            scope,
            base,
        }
    }

    /// Evaluates a candidate (a `calon` ruleset).
    pub fn candidate(&mut self, c: Arc<Candidate>) -> Evaluation {
        if self.rs.subjek != SubjectKind::Calon {
            return all_kesalahan(
                self.rs,
                &format!("ruleset {} menyaring pegawai, bukan calon", self.rs.id),
            );
        }
        self.scope.rewind(self.base);
        self.scope.push_constant("calon", CalonObj(c));
        host::set_reference_date(self.rs.reference_date);
        self.run()
    }

    /// Evaluates an employee against a vacancy (a `pegawai` ruleset).
    pub fn employee(&mut self, e: Arc<Employee>, v: Arc<Vacancy>) -> Evaluation {
        if self.rs.subjek != SubjectKind::Pegawai {
            return all_kesalahan(
                self.rs,
                &format!("ruleset {} menyaring calon, bukan pegawai", self.rs.id),
            );
        }
        self.scope.rewind(self.base);
        host::set_reference_date(Some(v.tanggal));
        self.scope.push_constant("pegawai", PegawaiObj(e));
        self.scope.push_constant("lowongan", LowonganObj(v));
        self.run()
    }

    fn run(&mut self) -> Evaluation {
        let rs = self.rs;
        // One wall-clock deadline for the whole subject (every script of it); the operation
        // budget counts per script.
        let limit = Duration::from_millis(rs.limits.tenggat_ms);
        engine::with_deadline(limit, || self.run_scripts())
    }

    fn run_scripts(&mut self) -> Evaluation {
        let (rs, c) = (self.rs, self.compiled);
        let len = self.scope.len();
        let mut verdicts = Vec::with_capacity(rs.rules.len());
        let mut batas = false;
        let split = rs.rules.len().min(self.caches.len());
        let (caches, priority_cache) = self.caches.split_at_mut(split);
        for ((rule, ast), cache) in rs.rules.iter().zip(&c.rules).zip(caches.iter_mut()) {
            let out = guarded(|| c.eval(cache, ast, &mut self.scope));
            // Variables a script declares must not leak into the next script.
            self.scope.rewind(len);
            verdicts.push(match out {
                Ok(v) => verdict(rule, v),
                Err(e) => {
                    batas |= engine::is_limit(&e);
                    RuleVerdict::Kesalahan(error_text(rs, &rule.skrip, &e))
                }
            });
        }
        let (prioritas, catatan_prioritas) = match (
            &c.priority,
            &rs.program.priority,
            priority_cache.first_mut(),
        ) {
            (Some(ast), Some((file, _)), Some(cache)) => {
                let out = guarded(|| c.eval(cache, ast, &mut self.scope));
                self.scope.rewind(len);
                match out {
                    Ok(v) => priority(file, v),
                    Err(e) => {
                        batas |= engine::is_limit(&e);
                        (None, Some(error_text(rs, file, &e)))
                    }
                }
            }
            _ => (None, None),
        };
        Evaluation {
            hasil: Hasil::from_verdicts(&verdicts),
            verdicts,
            prioritas,
            catatan_prioritas,
            batas,
        }
    }
}

fn all_kesalahan(rs: &Ruleset, why: &str) -> Evaluation {
    let verdicts: Vec<RuleVerdict> = rs
        .rules
        .iter()
        .map(|_| RuleVerdict::Kesalahan(why.to_owned()))
        .collect();
    Evaluation {
        hasil: Hasil::from_verdicts(&verdicts),
        verdicts,
        prioritas: None,
        catatan_prioritas: None,
        batas: false,
    }
}

/// Evaluations watched while a long batch runs (a preview): it can be cancelled between any
/// two subjects and inside a running script, and it stops by itself, with the reason kept,
/// when most evaluations so far hit a script limit (a draft that loops would otherwise spend
/// its time limit on every candidate).
#[derive(Debug)]
pub struct Watch {
    cancel: Arc<AtomicBool>,
    evaluated: AtomicU64,
    limited: AtomicU64,
    example: Mutex<Option<String>>,
}

/// Evaluations seen before the share hitting limits is judged.
const JUDGED_AFTER: u64 = 16;

impl Watch {
    /// A watch raising `cancel` when it stops the batch.
    pub fn new(cancel: Arc<AtomicBool>) -> Self {
        Self {
            cancel,
            evaluated: AtomicU64::new(0),
            limited: AtomicU64::new(0),
            example: Mutex::new(None),
        }
    }

    /// Whether the batch is to stop (cancelled, or stopped by itself).
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    fn note(&self, e: &Evaluation) {
        let n = self.evaluated.fetch_add(1, Ordering::Relaxed) + 1;
        if !e.batas {
            return;
        }
        let hit = self.limited.fetch_add(1, Ordering::Relaxed) + 1;
        if let Ok(mut ex) = self.example.lock()
            && ex.is_none()
        {
            *ex = e
                .verdicts
                .iter()
                .find_map(|v| match v {
                    RuleVerdict::Kesalahan(m) => Some(m.clone()),
                    _ => None,
                })
                .or_else(|| e.catatan_prioritas.clone());
        }
        if n >= JUDGED_AFTER && hit * 2 > n {
            self.cancel.store(true, Ordering::Relaxed);
        }
    }

    /// Why the batch stopped by itself: most evaluations hit a script limit (how many of how
    /// many, and one of the messages).
    pub fn stopped_for_limits(&self) -> Option<String> {
        let (n, hit) = (
            self.evaluated.load(Ordering::Relaxed),
            self.limited.load(Ordering::Relaxed),
        );
        (n >= JUDGED_AFTER && hit * 2 > n).then(|| {
            let example = self
                .example
                .lock()
                .ok()
                .and_then(|e| e.clone())
                .map(|e| format!(" (misalnya: {e})"))
                .unwrap_or_default();
            format!(
                "{hit} dari {n} evaluasi pertama melewati batas skrip{example}; perbaiki skripnya lalu jalankan lagi"
            )
        })
    }
}

fn error_text(rs: &Ruleset, file: &str, e: &EvalAltResult) -> String {
    let (message, pos) = engine::describe(e, &rs.limits);
    match (pos.line(), pos.position()) {
        (Some(l), Some(c)) => format!("{file}:{l}:{c}: {message}"),
        (Some(l), None) => format!("{file}:{l}: {message}"),
        _ => format!("{file}: {message}"),
    }
}

fn priority(file: &str, v: Dynamic) -> (Option<f64>, Option<String>) {
    if let Ok(i) = v.as_int() {
        (Some(i as f64), None)
    } else if let Ok(f) = v.as_float() {
        (Some(f), None)
    } else {
        (
            None,
            Some(format!(
                "{file}: prioritas harus berupa angka, hasilnya {}",
                v.type_name()
            )),
        )
    }
}

fn verdict(rule: &Rule, v: Dynamic) -> RuleVerdict {
    if let Ok(b) = v.as_bool() {
        return if b {
            RuleVerdict::Lolos
        } else {
            RuleVerdict::Gagal(rule.pesan.clone())
        };
    }
    match v.try_cast::<HasilAturan>() {
        Some(h) => {
            let reason = if h.alasan.is_empty() {
                rule.pesan.clone()
            } else {
                h.alasan.to_string()
            };
            match h.kind {
                HasilKind::Gagal => RuleVerdict::Gagal(reason),
                HasilKind::Tinjau => RuleVerdict::Tinjau(reason),
            }
        }
        None => RuleVerdict::Kesalahan(format!(
            "{}: skrip harus menghasilkan true, false, lolos(), gagal(..) atau tinjau(..)",
            rule.skrip
        )),
    }
}

/// How many threads batch evaluation uses: every core.
pub fn worker_threads() -> usize {
    std::thread::available_parallelism()
        .map(usize::from)
        .unwrap_or(1)
}

/// Subjects per unit of parallel work.
const CHUNK: usize = 512;

/// Evaluates candidates on every core; results are in input order.
pub fn evaluate_candidates(
    rs: &Ruleset,
    candidates: &[Arc<Candidate>],
    threads: usize,
) -> Vec<Evaluation> {
    evaluate_candidates_watched(rs, candidates, threads, None)
}

/// [`evaluate_candidates`] under `watch`: once it is cancelled (by its owner, or by itself
/// when most evaluations hit a limit) the remaining candidates are not evaluated and a
/// running script stops; their results are placeholders the caller discards.
pub fn evaluate_candidates_watched(
    rs: &Ruleset,
    candidates: &[Arc<Candidate>],
    threads: usize,
    watch: Option<&Watch>,
) -> Vec<Evaluation> {
    run_pool(threads, || {
        candidates
            .par_chunks(CHUNK)
            .flat_map_iter(|chunk| {
                engine::with_cancel(watch.map(|w| w.cancel.clone()), || {
                    on_this_thread(rs, chunk.len(), |ev, i| match watch {
                        Some(w) if w.cancelled() => all_kesalahan(rs, "dibatalkan"),
                        Some(w) => {
                            let e = ev.candidate(chunk[i].clone());
                            w.note(&e);
                            e
                        }
                        None => ev.candidate(chunk[i].clone()),
                    })
                })
            })
            .collect()
    })
}

/// Evaluates employees against one vacancy on every core; results are in input order.
pub fn evaluate_employees(
    rs: &Ruleset,
    employees: &[Arc<Employee>],
    vacancy: &Arc<Vacancy>,
    threads: usize,
) -> Vec<Evaluation> {
    run_pool(threads, || {
        employees
            .par_chunks(CHUNK)
            .flat_map_iter(|chunk| {
                on_this_thread(rs, chunk.len(), |ev, i| {
                    ev.employee(chunk[i].clone(), vacancy.clone())
                })
            })
            .collect()
    })
}

/// Runs `f` on a pool of `threads` threads (the global pool when that is every core).
fn run_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    if threads == worker_threads() {
        return f();
    }
    match rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
    {
        Ok(pool) => pool.install(f),
        Err(_) => f(),
    }
}

/// Evaluates `n` subjects with this thread's compiled copy of the ruleset.
fn on_this_thread(
    rs: &Ruleset,
    n: usize,
    f: impl Fn(&mut Evaluator<'_>, usize) -> Evaluation,
) -> Vec<Evaluation> {
    let Some(compiled) = program::local(&rs.program) else {
        return (0..n)
            .map(|_| all_kesalahan(rs, "ruleset tidak dapat dikompilasi pada thread ini"))
            .collect();
    };
    let mut ev = Evaluator::new(rs, &compiled);
    (0..n).map(|i| f(&mut ev, i)).collect()
}
