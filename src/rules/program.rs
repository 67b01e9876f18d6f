//! Compiling a validated ruleset into something a thread can run.
//!
//! [`ProgramSource`] holds everything needed to compile (texts and parameter values, plain Rust
//! data). [`Compiled`] is one thread's engine and ASTs. Worker threads compile their own copy
//! once per ruleset version ([`local`]): a shared engine or AST makes every core bump the same
//! reference counts (string literals, function pointers), and two cores then run barely faster
//! than one.
//!
//! Each rule is its own AST. Rhai keeps its function-resolution cache in per-call state, so
//! evaluating ten small scripts per subject would resolve every function call from scratch each
//! time; [`Compiled::eval`] instead keeps one cache per script for the life of the thread and
//! gives each evaluation fresh runtime state (so limits still count per script and errors keep
//! their positions).

use std::{
    cell::RefCell,
    collections::BTreeMap,
    path::{Path, PathBuf},
    rc::Rc,
    sync::Mutex,
};

use chrono::NaiveDate;
use rhai::{AST, Caches, Dynamic, Engine, Module, Scope, module_resolvers::StaticModuleResolver};

use super::{engine, host::Tanggal, ruleset::SubjectKind};
use crate::{
    config::ScriptLimits,
    diagnostic::{Diagnostic, Diagnostics},
};

/// A parameter value from the manifest, as plain data.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ParamValue {
    Unit,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    Date(NaiveDate),
    List(Vec<ParamValue>),
    Map(BTreeMap<String, ParamValue>),
}

impl ParamValue {
    pub(crate) fn to_dynamic(&self) -> Dynamic {
        match self {
            Self::Unit => Dynamic::UNIT,
            Self::Bool(b) => Dynamic::from(*b),
            Self::Int(i) => Dynamic::from(*i),
            Self::Float(f) => Dynamic::from(*f),
            Self::Text(s) => Dynamic::from(s.clone()),
            Self::Date(d) => Dynamic::from(Tanggal(*d)),
            Self::List(items) => Dynamic::from_array(items.iter().map(Self::to_dynamic).collect()),
            Self::Map(m) => Dynamic::from_map(
                m.iter()
                    .map(|(k, v)| (k.as_str().into(), v.to_dynamic()))
                    .collect(),
            ),
        }
    }
}

/// Everything needed to compile a ruleset.
#[derive(Debug, Clone)]
pub(crate) struct ProgramSource {
    /// `id@version`, the per-thread cache key.
    pub(crate) key: String,
    pub(crate) dir: PathBuf,
    pub(crate) subjek: SubjectKind,
    pub(crate) params: BTreeMap<String, ParamValue>,
    /// (file name, text) per rule, in order.
    pub(crate) rules: Vec<(String, String)>,
    pub(crate) priority: Option<(String, String)>,
    /// (module name, file, text), in load order.
    pub(crate) modules: Vec<(String, PathBuf, String)>,
    pub(crate) limits: ScriptLimits,
}

/// One thread's compiled ruleset, with its function-resolution caches.
pub(crate) struct Compiled {
    pub(crate) engine: Engine,
    pub(crate) rules: Vec<AST>,
    pub(crate) priority: Option<AST>,
    pub(crate) param: Dynamic,
    /// Resolution caches, one per rule then one for the priority script, lent to one evaluator
    /// at a time.
    caches: Mutex<Vec<Caches>>,
}

impl Compiled {
    /// Borrows the resolution caches (fresh ones if another evaluator holds them).
    pub(crate) fn take_caches(&self) -> Vec<Caches> {
        let mut held = self
            .caches
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let caches = std::mem::take(&mut *held);
        if caches.is_empty() {
            (0..=self.rules.len()).map(|_| Caches::new()).collect()
        } else {
            caches
        }
    }

    /// Returns borrowed caches.
    pub(crate) fn return_caches(&self, caches: Vec<Caches>) {
        *self
            .caches
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = caches;
    }

    /// Evaluates `ast` in `scope` with fresh runtime state and a long-lived resolution cache.
    pub(crate) fn eval(
        &self,
        cache: &mut Caches,
        ast: &AST,
        scope: &mut Scope,
    ) -> Result<Dynamic, Box<rhai::EvalAltResult>> {
        let mut global = self.engine.new_global_runtime_state();
        global.lib.push(ast.shared_lib().clone());
        // The one public way to run statements with caller-owned caches (rhai `internals`).
        #[allow(deprecated)]
        self.engine
            .eval_statements_raw(&mut global, cache, scope, ast.statements())
    }
}

impl ProgramSource {
    fn param_dynamic(&self) -> Dynamic {
        ParamValue::Map(self.params.clone()).to_dynamic()
    }

    fn variables(&self) -> &'static [(&'static str, &'static [&'static str])] {
        self.subjek.variables()
    }

    /// Compiles everything. With `validate`, each script is also checked for unknown fields and
    /// parameters and for assignments to read-only values, and problems go to `diags`.
    pub(crate) fn compile(&self, validate: bool, diags: &mut Diagnostics) -> Option<Compiled> {
        let before = diags.0.len();
        let resolver = self.load_modules(diags);
        if diags.0.len() > before {
            return None;
        }
        let engine = engine::build(&self.limits, Some(resolver));
        let known = if validate {
            known_functions(&engine)
        } else {
            std::collections::HashSet::new()
        };
        let param = self.param_dynamic();
        let mut eval_scope = Scope::new();
        let mut check_scope = Scope::new();
        for (var, _) in self.variables() {
            eval_scope.push_dynamic(*var, Dynamic::UNIT);
            check_scope.push_dynamic(*var, Dynamic::UNIT);
        }
        // A constant while compiling: the optimiser folds every `param.x` into its value, so a
        // parameter costs nothing at run time (a ruleset version fixes its parameters).
        eval_scope.push_constant_dynamic("param", param.clone());
        check_scope.push_dynamic("param", Dynamic::UNIT);

        let mut compile_one = |name: &str, text: &str| -> Option<AST> {
            let path = self.dir.join(name);
            if validate {
                match engine.compile_with_scope(&check_scope, text) {
                    Ok(ast) => {
                        let n = diags.0.len();
                        check_script(&ast, &path, self.variables(), &self.params, diags);
                        check_calls(&ast, &path, &known, diags);
                        if diags.0.len() > n {
                            return None;
                        }
                    }
                    Err(e) => {
                        diags.push(parse_diagnostic(&path, &e));
                        return None;
                    }
                }
            }
            if validate {
                // Resolving every `import` now reports a missing module at load time.
                if let Err(e) = engine.compile_into_self_contained(&eval_scope, text) {
                    let (m, pos) = engine::describe(&e, &self.limits);
                    diags.push(Diagnostic::at(
                        &path,
                        pos.line().unwrap_or(0),
                        pos.position().unwrap_or(0),
                        m,
                    ));
                    return None;
                }
            }
            // Imports resolve at run time through the engine's resolver (this ruleset's lib/).
            match engine.compile_with_scope(&eval_scope, text) {
                Ok(ast) => Some(ast),
                Err(e) => {
                    diags.push(parse_diagnostic(&path, &e));
                    None
                }
            }
        };
        let rules: Vec<Option<AST>> = self.rules.iter().map(|(n, t)| compile_one(n, t)).collect();
        let priority = self.priority.as_ref().map(|(n, t)| compile_one(n, t));
        if diags.0.len() > before {
            return None;
        }
        let rules: Vec<AST> = rules.into_iter().flatten().collect();
        let priority = priority.flatten();
        let caches = Mutex::new((0..=rules.len()).map(|_| Caches::new()).collect());
        Some(Compiled {
            engine,
            rules,
            priority,
            param,
            caches,
        })
    }

    fn load_modules(&self, diags: &mut Diagnostics) -> StaticModuleResolver {
        let mut resolver = StaticModuleResolver::new();
        for (name, file, text) in &self.modules {
            // Modules may import modules loaded before them (alphabetical order).
            let engine = engine::build(&self.limits, Some(resolver.clone()));
            let ast = match engine.compile(text) {
                Ok(ast) => ast,
                Err(e) => {
                    diags.push(parse_diagnostic(file, &e));
                    continue;
                }
            };
            let limit = std::time::Duration::from_millis(self.limits.tenggat_ms);
            match engine::with_deadline(limit, || {
                Module::eval_ast_as_new(Scope::new(), &ast, &engine)
            }) {
                Ok(module) => resolver.insert(name.clone(), module),
                Err(e) => {
                    let (m, pos) = engine::describe(&e, &self.limits);
                    diags.push(Diagnostic::at(
                        file,
                        pos.line().unwrap_or(0),
                        pos.position().unwrap_or(0),
                        m,
                    ));
                }
            }
        }
        resolver
    }
}

thread_local! {
    static LOCAL: RefCell<Vec<(String, Rc<Compiled>)>> = const { RefCell::new(Vec::new()) };
}

/// This thread's compiled copy of `src`, compiled on first use. `None` only if a validated
/// source fails to compile again, which the caller treats as a script error.
pub(crate) fn local(src: &ProgramSource) -> Option<Rc<Compiled>> {
    LOCAL.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some((_, c)) = cache.iter().find(|(k, _)| *k == src.key) {
            return Some(c.clone());
        }
        let compiled = Rc::new(src.compile(false, &mut Diagnostics::new())?);
        // A handful of versions per thread is plenty: rulesets are few and change rarely.
        if cache.len() >= 8 {
            cache.remove(0);
        }
        cache.push((src.key.clone(), compiled.clone()));
        Some(compiled)
    })
}

/// A Rhai parse error as a diagnostic.
pub(crate) fn parse_diagnostic(file: &Path, e: &rhai::ParseError) -> Diagnostic {
    use rhai::ParseErrorType as P;
    let message = match e.err_type() {
        P::VariableUndefined(name) => format!(
            "variabel '{name}' tidak dikenal (skrip mengenal param dan subjeknya: calon, atau pegawai dan lowongan)"
        ),
        P::UnexpectedEOF => {
            "skrip berakhir sebelum selesai (kurung atau kutip belum ditutup?)".to_owned()
        }
        other => parse_message(other),
    };
    let pos = e.position();
    Diagnostic::at(
        file,
        pos.line().unwrap_or(0),
        pos.position().unwrap_or(0),
        message,
    )
}

/// A Rhai parse error in Bahasa Indonesia: the common ones translated, the rest behind a Bahasa
/// lead with Rhai's own words in quotes (the file, line and column come with the diagnostic).
pub(crate) fn parse_message(e: &rhai::ParseErrorType) -> String {
    use rhai::{LexError as L, ParseErrorType as P};
    match e {
        P::VariableUndefined(name) => format!("variabel '{name}' tidak dikenal"),
        P::UnexpectedEOF => {
            "teks berakhir sebelum selesai (kurung atau kutip belum ditutup?)".to_owned()
        }
        P::MissingToken(token, desc) => format!("kurang '{token}' {}", missing_purpose(desc)),
        P::MissingSymbol(s) => format!("kurang simbol {s}"),
        P::UnknownOperator(op) => format!("operator '{op}' tidak dikenal"),
        P::ModuleUndefined(name) => format!("modul '{name}' tidak dikenal"),
        P::Reserved(word) => format!("'{word}' adalah kata khusus dan tidak boleh dipakai"),
        P::BadInput(L::UnexpectedInput(s)) => format!("'{s}' tidak diharapkan di sini"),
        P::BadInput(L::UnterminatedString) => "teks dalam tanda kutip belum ditutup".to_owned(),
        P::BadInput(L::MalformedNumber(s)) => format!("angka '{s}' salah tulis"),
        P::BadInput(L::MalformedIdentifier(s)) => format!("nama '{s}' tidak sah"),
        P::BadInput(L::ImproperSymbol(s, _)) => format!("simbol '{s}' tidak dikenal"),
        P::MalformedIndexExpr(_) => "indeks (di dalam [ ]) salah tulis".to_owned(),
        P::ExprExpected(_) => "di sini seharusnya ada sebuah ekspresi".to_owned(),
        P::VariableExpected => "di sini seharusnya ada nama variabel".to_owned(),
        P::PropertyExpected => "di sini seharusnya ada nama properti".to_owned(),
        P::AssignmentToConstant(name) => {
            format!("'{name}' adalah konstanta; nilainya tidak dapat diubah")
        }
        P::AssignmentToInvalidLHS(_) => "sisi kiri '=' tidak dapat diberi nilai".to_owned(),
        P::VariableExists(name) | P::DuplicatedVariable(name) => {
            format!("variabel '{name}' sudah ada")
        }
        P::FnDuplicatedDefinition(name, n) => {
            format!("fungsi '{name}' dengan {n} parameter ditulis dua kali")
        }
        P::FnMissingName => "fungsi tanpa nama".to_owned(),
        P::FnMissingParams(name) => format!("fungsi '{name}' tidak mempunyai daftar parameter"),
        P::FnDuplicatedParam(name, p) => {
            format!("parameter '{p}' ditulis dua kali pada fungsi '{name}'")
        }
        P::FnMissingBody(name) => format!("fungsi '{name}' tidak mempunyai isi"),
        P::DuplicatedProperty(name) => format!("properti '{name}' ditulis dua kali"),
        P::LoopBreak => "'break' atau 'continue' di luar perulangan".to_owned(),
        P::ExprTooDeep => "ekspresi bersarang terlalu dalam".to_owned(),
        other => format!("kesalahan sintaks (pesan Rhai: \"{other}\")"),
    }
}

/// What a missing token was needed for, from Rhai's English description.
fn missing_purpose(desc: &str) -> String {
    const PLAIN: [(&str, &str); 16] = [
        (
            "to terminate this statement",
            "untuk mengakhiri pernyataan ini",
        ),
        ("to terminate this block", "untuk menutup blok ini"),
        (
            "to start a statement block",
            "untuk membuka blok pernyataan",
        ),
        ("to start a switch block", "untuk membuka blok switch"),
        (
            "to start arguments list of function call",
            "untuk membuka daftar argumen pemanggilan fungsi",
        ),
        (
            "to separate the items of this array literal",
            "untuk memisahkan isi larik ini",
        ),
        (
            "to separate the items of this object map literal",
            "untuk memisahkan isi peta ini",
        ),
        (
            "to separate the items in this switch block",
            "untuk memisahkan isi blok switch ini",
        ),
        (
            "to separate the parameters of anonymous function",
            "untuk memisahkan parameter fungsi tanpa nama",
        ),
        (
            "to close the parameters list of anonymous function or closure",
            "untuk menutup daftar parameter fungsi tanpa nama",
        ),
        (
            "to close the iteration variable",
            "untuk menutup variabel perulangan",
        ),
        (
            "after the iteration variable",
            "sesudah variabel perulangan",
        ),
        (
            "after the iteration variable name",
            "sesudah nama variabel perulangan",
        ),
        (
            "for a matching ( in this expression",
            "sebagai pasangan '(' pada ekspresi ini",
        ),
        (
            "for a matching [ in this index expression",
            "sebagai pasangan '[' pada indeks ini",
        ),
        ("in this switch case", "pada kasus switch ini"),
    ];
    if let Some((_, id)) = PLAIN.iter().find(|(en, _)| *en == desc) {
        return (*id).to_owned();
    }
    const NAMED: [(&str, &str); 4] = [
        (
            "to close the arguments list of this function call ",
            "untuk menutup daftar argumen pemanggilan fungsi ",
        ),
        (
            "to separate the arguments to function call ",
            "untuk memisahkan argumen pemanggilan fungsi ",
        ),
        (
            "to close the parameters list of function ",
            "untuk menutup daftar parameter fungsi ",
        ),
        ("to follow the property ", "sesudah properti "),
    ];
    for (en, id) in NAMED {
        if let Some(name) = desc.strip_prefix(en) {
            let name = name.trim_end_matches(" in this object map literal");
            return format!("{id}{name}");
        }
    }
    format!("(keterangan Rhai: \"{desc}\")")
}

/// Names a script may call: every function the engine has (host functions and the packages),
/// and the keywords Rhai treats as functions.
fn known_functions(engine: &rhai::Engine) -> std::collections::HashSet<String> {
    let mut known: std::collections::HashSet<String> = engine
        .collect_fn_metadata(None, |info| Some(info.metadata.name.to_string()), true)
        .into_iter()
        .collect();
    known.extend(
        [
            "print",
            "debug",
            "type_of",
            "Fn",
            "call",
            "curry",
            "is_shared",
            "is_def_var",
            "is_def_fn",
        ]
        .map(str::to_owned),
    );
    known
}

/// Reports every call of a function that does not exist (`open_file()`, `timestamp()`): in
/// Rhai that is only an error when the line runs, which would make every candidate
/// `perlu_verifikasi` at screening time instead of stopping the edit here.
fn check_calls(
    ast: &AST,
    path: &Path,
    known: &std::collections::HashSet<String>,
    diags: &mut Diagnostics,
) {
    use rhai::{ASTNode, Expr};
    let own: std::collections::HashSet<String> =
        ast.iter_functions().map(|f| f.name.to_owned()).collect();
    ast.walk(&mut |nodes: &[ASTNode]| {
        if let Some(ASTNode::Expr(Expr::FnCall(x, pos) | Expr::MethodCall(x, pos))) = nodes.last()
        {
            let name = x.name.as_str();
            let is_identifier = name
                .chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_');
            if x.namespace.is_empty()
                && !x.is_operator_call()
                && is_identifier
                && !known.contains(name)
                && !own.contains(name)
            {
                diags.push(Diagnostic::at(
                    path,
                    pos.line().unwrap_or(0),
                    pos.position().unwrap_or(0),
                    format!(
                        "fungsi '{name}' tidak dikenal; skrip hanya dapat memanggil fungsi yang tercantum di rules/README.md atau yang didefinisikan sendiri"
                    ),
                ));
            }
        }
        true
    });
}

/// Reports every `subject.field` whose field does not exist and every `param.name` the manifest
/// does not define (in Rhai both would silently read `()`), and every assignment to `param` or
/// to the subject (they are read-only).
fn check_script(
    ast: &AST,
    path: &Path,
    variables: &[(&str, &[&str])],
    params: &BTreeMap<String, ParamValue>,
    diags: &mut Diagnostics,
) {
    use rhai::{ASTNode, Expr, Stmt};
    let read_only = |name: &str| name == "param" || variables.iter().any(|(v, _)| *v == name);
    ast.walk(&mut |nodes: &[ASTNode]| {
        match nodes.last() {
            Some(ASTNode::Stmt(Stmt::Assignment(a))) => {
                // The assigned variable: `x = …`, `x.f = …`, `x[i] = …`.
                let mut target = &a.1.lhs;
                while let Expr::Dot(x, _, _) | Expr::Index(x, _, _) = target {
                    target = &x.lhs;
                }
                if let Expr::Variable(var, _, pos) = target
                    && read_only(var.1.as_str())
                {
                    diags.push(Diagnostic::at(
                        path,
                        pos.line().unwrap_or(0),
                        pos.position().unwrap_or(0),
                        format!("{} tidak boleh diubah oleh skrip; simpan nilai di variabel sendiri (let)", var.1),
                    ));
                }
            }
            Some(ASTNode::Expr(Expr::Dot(x, _, _) | Expr::Index(x, _, _))) => {
                check_access(x, path, variables, params, diags);
            }
            _ => {}
        }
        true
    });
}

fn check_access(
    x: &rhai::BinaryExpr,
    path: &Path,
    variables: &[(&str, &[&str])],
    params: &BTreeMap<String, ParamValue>,
    diags: &mut Diagnostics,
) {
    use rhai::Expr;
    let Expr::Variable(var, _, _) = &x.lhs else {
        return;
    };
    let name = var.1.as_str();
    // The first step after the variable: a property, or the start of a longer chain.
    let first = match &x.rhs {
        Expr::Property(p, pos) => Some((p.2.clone(), *pos)),
        Expr::Dot(inner, _, _) | Expr::Index(inner, _, _) => match &inner.lhs {
            Expr::Property(p, pos) => Some((p.2.clone(), *pos)),
            Expr::StringConstant(s, pos) => Some((s.clone(), *pos)),
            _ => None,
        },
        Expr::StringConstant(s, pos) => Some((s.clone(), *pos)),
        _ => None,
    };
    let Some((field, pos)) = first else {
        return;
    };
    let at = |m: String| {
        Diagnostic::at(
            path,
            pos.line().unwrap_or(0),
            pos.position().unwrap_or(0),
            m,
        )
    };
    if name == "param" {
        if !params.contains_key(field.as_str()) {
            let known: Vec<&str> = params.keys().map(String::as_str).collect();
            diags.push(at(format!(
                "param '{field}' tidak ada di ruleset.yaml; param yang ada: {}",
                if known.is_empty() {
                    "(tidak ada)".to_owned()
                } else {
                    known.join(", ")
                }
            )));
        }
    } else if let Some((_, fields)) = variables.iter().find(|(v, _)| *v == name)
        && !fields.contains(&field.as_str())
    {
        diags.push(at(format!(
            "kolom '{field}' tidak dikenal pada {name}; kolom yang ada: {}",
            fields.join(", ")
        )));
    }
}
