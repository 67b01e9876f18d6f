//! Rhai expressions inside workflow definitions (`syarat`, `rumus`, `pilihan`): compiled once with
//! the hardened engine of the rulesets and evaluated over a workflow instance's subject, which
//! scripts see as the map `subjek`.

use std::sync::Arc;

use rhai::{AST, Dynamic, Engine, Scope};

use super::engine::{build, describe, with_deadline};
use crate::config::ScriptLimits;

/// An engine for workflow expressions, shared by every expression of a set of definitions.
#[derive(Clone)]
pub struct ExprEngine {
    engine: Arc<Engine>,
    limits: ScriptLimits,
}

impl std::fmt::Debug for ExprEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ExprEngine")
    }
}

impl ExprEngine {
    /// A hardened engine with the given limits.
    pub fn new(limits: &ScriptLimits) -> Self {
        Self {
            engine: Arc::new(build(limits, None)),
            limits: *limits,
        }
    }

    /// Compiles `text` as an expression over `subjek`. The error carries the 1-based line and
    /// column inside `text`.
    pub fn compile(&self, text: &str) -> Result<Expression, ExprError> {
        // A variable, not a constant: full optimisation would fold a constant empty map into
        // every `subjek.x`.
        let mut scope = Scope::new();
        scope.push("subjek", rhai::Map::new());
        let ast = self
            .engine
            .compile_expression_with_scope(&scope, text)
            .map_err(|e| {
                let pos = e.position();
                let message = match e.err_type() {
                    rhai::ParseErrorType::VariableUndefined(name) => {
                        format!("variabel '{name}' tidak dikenal (ekspresi hanya mengenal subjek)")
                    }
                    rhai::ParseErrorType::UnexpectedEOF => {
                        "ekspresi berakhir sebelum selesai (kurung atau kutip belum ditutup?)"
                            .to_owned()
                    }
                    other => super::program::parse_message(other),
                };
                ExprError {
                    line: pos.line().unwrap_or(1),
                    col: pos.position().unwrap_or(0),
                    message,
                }
            })?;
        Ok(Expression {
            text: text.to_owned(),
            ast: Arc::new(ast),
            engine: self.clone(),
        })
    }
}

/// A compile or evaluation problem, in Bahasa Indonesia.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    /// 1-based line inside the expression.
    pub line: usize,
    /// 1-based column (0 when unknown).
    pub col: usize,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ExprError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// A compiled expression.
#[derive(Clone)]
pub struct Expression {
    text: String,
    ast: Arc<AST>,
    engine: ExprEngine,
}

impl std::fmt::Debug for Expression {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Expression({:?})", self.text)
    }
}

impl PartialEq for Expression {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Expression {
    /// The source text.
    pub fn text(&self) -> &str {
        &self.text
    }

    fn eval(&self, subject: &serde_json::Value) -> Result<Dynamic, String> {
        let value = rhai::serde::to_dynamic(subject).map_err(|e| e.to_string())?;
        let mut scope = Scope::new();
        // A fresh copy per evaluation, so methods that would modify it are harmless.
        scope.push_dynamic("subjek", value);
        let limits = self.engine.limits;
        with_deadline(std::time::Duration::from_millis(limits.tenggat_ms), || {
            self.engine
                .engine
                .eval_ast_with_scope::<Dynamic>(&mut scope, &self.ast)
        })
        .map_err(|e| describe(&e, &limits).0)
    }

    /// Evaluates to a truth value; anything else is an error.
    pub fn eval_bool(&self, subject: &serde_json::Value) -> Result<bool, String> {
        let v = self.eval(subject)?;
        v.as_bool()
            .map_err(|t| format!("ekspresi harus menghasilkan true atau false, bukan {t}"))
    }

    /// Evaluates to a list of texts: a text, a number, or an array of them (`()` is empty).
    pub fn eval_list(&self, subject: &serde_json::Value) -> Result<Vec<String>, String> {
        let v = self.eval(subject)?;
        if v.is_unit() {
            return Ok(Vec::new());
        }
        let items = if v.is_array() {
            v.into_array().map_err(|t| t.to_owned())?
        } else {
            vec![v]
        };
        items
            .into_iter()
            .map(|item| {
                if item.is_string() || item.is_int() || item.is_char() {
                    Ok(item.to_string())
                } else {
                    Err(format!(
                        "ekspresi harus menghasilkan teks atau larik teks, bukan {}",
                        item.type_name()
                    ))
                }
            })
            .collect()
    }
}

impl Expression {
    /// Evaluates to (key, text) pairs: an object map whose values are texts (`()` is empty).
    pub fn eval_pairs(&self, subject: &serde_json::Value) -> Result<Vec<(String, String)>, String> {
        let v = self.eval(subject)?;
        if v.is_unit() {
            return Ok(Vec::new());
        }
        let map = v
            .try_cast::<rhai::Map>()
            .ok_or_else(|| "ekspresi harus menghasilkan peta (kunci → teks)".to_owned())?;
        let mut out: Vec<(String, String)> = map
            .into_iter()
            .filter(|(_, v)| !v.is_unit())
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        out.sort();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> ExprEngine {
        ExprEngine::new(&ScriptLimits::default())
    }

    #[test]
    fn conditions_and_lists_over_the_subject() {
        let e = engine();
        let subject = serde_json::json!({
            "jumlah": 3, "jenjang": "jpt_pratama", "shortlist": ["1", "2", "3", "4"],
            "kepala_unit": "kadis_kesehatan",
        });
        assert!(
            e.compile("subjek.jumlah > 0")
                .unwrap()
                .eval_bool(&subject)
                .unwrap()
        );
        assert!(
            !e.compile(r#"subjek.jenjang == "pengawas""#)
                .unwrap()
                .eval_bool(&subject)
                .unwrap()
        );
        assert_eq!(
            e.compile("subjek.shortlist.extract(0, 3)")
                .unwrap()
                .eval_list(&subject)
                .unwrap(),
            ["1", "2", "3"]
        );
        assert_eq!(
            e.compile("subjek.kepala_unit")
                .unwrap()
                .eval_list(&subject)
                .unwrap(),
            ["kadis_kesehatan"]
        );
        assert!(
            e.compile("subjek.tidak_ada")
                .unwrap()
                .eval_list(&subject)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn bad_expressions_are_refused_with_a_position() {
        let e = engine();
        let err = e.compile("subjek.jumlah >").unwrap_err();
        assert!(err.message.contains("berakhir"), "{err}");
        let err = e.compile("jumlah > 0").unwrap_err();
        assert!(
            err.message.contains("variabel 'jumlah' tidak dikenal"),
            "{err}"
        );
        let err = e.compile("subjek.a > 0;\nlet x = 1").unwrap_err();
        assert!(err.line >= 1);
        let loops = e.compile("loop { }");
        assert!(loops.is_err(), "statements are not expressions");
        let not_bool = e.compile("subjek.jumlah").unwrap();
        assert!(
            not_bool
                .eval_bool(&serde_json::json!({"jumlah": 1}))
                .is_err()
        );
    }
}
