//! The hardened Rhai engine: a narrow set of packages (no clock: rhai is built with `no_time`;
//! no `eval`; no file or network access exists in Rhai's core), limits on operations, depth and
//! sizes, a wall-clock deadline per evaluation, and `import` resolved only from modules the
//! ruleset's own `lib/` folder compiled at load time.

use std::{
    cell::Cell,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use rhai::{
    Engine, EvalAltResult, OptimizationLevel, Position,
    module_resolvers::StaticModuleResolver,
    packages::{
        ArithmeticPackage, BasicArrayPackage, BasicFnPackage, BasicIteratorPackage,
        BasicMapPackage, BasicMathPackage, BasicStringPackage, LogicPackage, MoreStringPackage,
        Package,
    },
};

use crate::config::ScriptLimits;

thread_local! {
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
    /// Set while a cancellable batch (a preview) runs on this thread: scripts stop as soon as
    /// it is raised, not only between subjects.
    static CANCEL: std::cell::RefCell<Option<Arc<AtomicBool>>> = const { std::cell::RefCell::new(None) };
}

/// Clears this thread's deadline and cancel flag when dropped, also when `f` panics (the
/// thread may be a pool thread that screens next).
struct Reset;

impl Drop for Reset {
    fn drop(&mut self) {
        DEADLINE.with(|d| d.set(None));
        CANCEL.with(|c| *c.borrow_mut() = None);
    }
}

/// Runs `f` with a wall-clock deadline on this thread; scripts running past it are stopped.
pub(crate) fn with_deadline<T>(limit: Duration, f: impl FnOnce() -> T) -> T {
    DEADLINE.with(|d| d.set(Some(Instant::now() + limit)));
    let _reset = DeadlineReset;
    f()
}

/// Clears only the deadline (a subject's), leaving the batch's cancel flag.
struct DeadlineReset;

impl Drop for DeadlineReset {
    fn drop(&mut self) {
        DEADLINE.with(|d| d.set(None));
    }
}

/// Runs `f` with `cancel` watched on this thread: a script running when it is raised stops.
pub(crate) fn with_cancel<T>(cancel: Option<Arc<AtomicBool>>, f: impl FnOnce() -> T) -> T {
    CANCEL.with(|c| *c.borrow_mut() = cancel);
    let _reset = Reset;
    f()
}

fn cancelled() -> bool {
    CANCEL.with(|c| {
        c.borrow()
            .as_ref()
            .is_some_and(|f| f.load(Ordering::Relaxed))
    })
}

/// The value a deadline-stopped script terminates with.
const DEADLINE_TOKEN: &str = "merit:tenggat";

/// The value a cancelled script terminates with.
const CANCEL_TOKEN: &str = "merit:batal";

/// Whether `err` is a script stopped by one of its limits (operations, time, sizes, depth) or
/// by cancellation — not a mistake in what it computes.
pub(crate) fn is_limit(err: &EvalAltResult) -> bool {
    matches!(
        err,
        EvalAltResult::ErrorTooManyOperations(_)
            | EvalAltResult::ErrorTerminated(..)
            | EvalAltResult::ErrorDataTooLarge(..)
            | EvalAltResult::ErrorStackOverflow(_)
    )
}

/// Builds an engine with merit's host API, the given limits and module resolver.
pub(crate) fn build(limits: &ScriptLimits, modules: Option<StaticModuleResolver>) -> Engine {
    let mut engine = Engine::new_raw();
    for package in [
        ArithmeticPackage::new().as_shared_module(),
        LogicPackage::new().as_shared_module(),
        BasicStringPackage::new().as_shared_module(),
        MoreStringPackage::new().as_shared_module(),
        BasicArrayPackage::new().as_shared_module(),
        BasicMapPackage::new().as_shared_module(),
        BasicMathPackage::new().as_shared_module(),
        BasicIteratorPackage::new().as_shared_module(),
        BasicFnPackage::new().as_shared_module(),
    ] {
        engine.register_global_module(package);
    }
    engine
        .set_optimization_level(OptimizationLevel::Full)
        .set_strict_variables(true)
        .set_max_operations(limits.operasi)
        .set_max_call_levels(limits.kedalaman_panggilan)
        .set_max_expr_depths(limits.kedalaman_ekspresi, limits.kedalaman_ekspresi)
        .set_max_string_size(limits.panjang_teks)
        .set_max_array_size(limits.panjang_larik)
        .set_max_map_size(limits.ukuran_peta)
        .set_max_modules(32)
        .set_max_variables(1_000)
        .set_max_functions(1_000);
    engine.disable_symbol("eval");
    // Scripts have no output: print/debug go to the log, never to the terminal.
    engine.on_print(|s| tracing::debug!(target: "merit::aturan", "{s}"));
    engine.on_debug(|s, src, pos| tracing::debug!(target: "merit::aturan", "{src:?} {pos}: {s}"));
    engine.on_progress(|ops| {
        // Reading the clock costs ~20 ns: look every 256 operations.
        if ops & 0xff != 0 {
            return None;
        }
        if cancelled() {
            return Some(CANCEL_TOKEN.into());
        }
        DEADLINE
            .with(Cell::get)
            .is_some_and(|d| Instant::now() >= d)
            .then(|| DEADLINE_TOKEN.into())
    });
    engine.set_module_resolver(modules.unwrap_or_default());
    super::host::register(&mut engine);
    super::subject::register(&mut engine);
    engine
}

/// A script error in Bahasa Indonesia, with the position when there is one.
pub(crate) fn describe(err: &EvalAltResult, limits: &ScriptLimits) -> (String, Position) {
    use EvalAltResult as E;
    let message = match err {
        E::ErrorTooManyOperations(_) => format!(
            "skrip dihentikan setelah {} operasi (batas operasi; kemungkinan perulangan tanpa akhir)",
            limits.operasi
        ),
        E::ErrorTerminated(token, _)
            if token
                .clone()
                .into_string()
                .is_ok_and(|t| t == DEADLINE_TOKEN) =>
        {
            format!(
                "skrip dihentikan: melewati batas waktu {} ms",
                limits.tenggat_ms
            )
        }
        E::ErrorTerminated(token, _)
            if token.clone().into_string().is_ok_and(|t| t == CANCEL_TOKEN) =>
        {
            "skrip dihentikan karena pekerjaannya dibatalkan".to_owned()
        }
        E::ErrorDataTooLarge(what, _) => format!(
            "skrip membuat data terlalu besar ({what}; batas teks {} bita, larik {} unsur, peta {} kunci)",
            limits.panjang_teks, limits.panjang_larik, limits.ukuran_peta
        ),
        E::ErrorStackOverflow(_) => {
            format!(
                "skrip melewati batas kedalaman panggilan fungsi ({})",
                limits.kedalaman_panggilan
            )
        }
        E::ErrorTooManyModules(_) => "skrip memuat terlalu banyak modul".to_owned(),
        E::ErrorTooManyVariables(_) => "skrip membuat terlalu banyak variabel".to_owned(),
        E::ErrorModuleNotFound(name, _) => {
            format!(
                "modul '{name}' tidak ada; modul hanya dapat dimuat dari folder lib/ ruleset ini"
            )
        }
        E::ErrorVariableNotFound(name, _) => format!("variabel '{name}' tidak dikenal"),
        E::ErrorPropertyNotFound(name, _) => format!("kolom atau properti '{name}' tidak dikenal"),
        E::ErrorFunctionNotFound(sig, _) => {
            format!("fungsi {sig} tidak dikenal atau jenis argumennya salah")
        }
        E::ErrorAssignmentToConstant(name, _) => format!("'{name}' tidak boleh diubah oleh skrip"),
        E::ErrorNonPureMethodCallOnConstant(name, _) => {
            format!("metode '{name}' mengubah nilai yang tidak boleh diubah oleh skrip")
        }
        E::ErrorMismatchDataType(want, got, _) => {
            format!("jenis data salah: diharapkan {want}, didapat {got}")
        }
        E::ErrorArithmetic(m, _) => format!("kesalahan aritmetika: {m}"),
        E::ErrorArrayBounds(len, idx, _) => {
            format!("indeks {idx} di luar larik berisi {len} unsur")
        }
        E::ErrorRuntime(v, _) => match v.clone().into_string() {
            Ok(s) => s,
            Err(_) => format!("{v}"),
        },
        E::ErrorInFunctionCall(name, _, inner, _) => {
            let (m, _) = describe(inner, limits);
            format!("di dalam fungsi {name}: {m}")
        }
        E::ErrorInModule(name, inner, _) => {
            let (m, _) = describe(inner, limits);
            format!("di dalam modul {name}: {m}")
        }
        E::ErrorParsing(p, _) => super::program::parse_message(p),
        other => format!("kesalahan skrip: {other}"),
    };
    (message, err.position())
}
