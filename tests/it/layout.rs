//! The house rules of src/README.md, checked on the source tree: one module imports each of
//! sea-orm, lettre, mail-parser, axum, rhai, minijinja, argon2 and chacha20poly1305; entry
//! points reach the store only through `service` and write no audit entry; `App` has no public
//! field; the floors of `service/` hold (the ground floor uses no use case, no use case uses
//! another); `config` names no module above it; no function in `cli/` runs past 80 lines.

use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    files(&root, &mut paths);
    paths
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

#[test]
fn each_outside_crate_has_one_importing_module() {
    let rules = [
        ("sea_orm", "store/"),
        ("lettre", "notify/mailer.rs"),
        ("mail_parser", "notify/reply.rs"),
        ("axum", "http/"),
        ("rhai", "rules/"),
        ("minijinja", "render/"),
        ("argon2", "auth.rs"),
        ("chacha20poly1305", "auth.rs"),
    ];
    let src = sources();
    for (krate, home) in rules {
        let outside: Vec<&str> = src
            .iter()
            .filter(|(path, text)| {
                !path.starts_with(home)
                    && (text.contains(&format!("use {krate}"))
                        || text.contains(&format!("{krate}::")))
            })
            .map(|(path, _)| path.as_str())
            .collect();
        assert!(
            outside.is_empty(),
            "{krate} used outside {home}: {outside:?}"
        );
    }
}

#[test]
fn entry_points_reach_the_store_only_through_the_service() {
    for (path, text) in sources() {
        if path.starts_with("cli/") || path.starts_with("http/") || path.starts_with("bench/") {
            assert!(
                !text.contains("crate::store") && !text.contains("store::"),
                "{path} reaches the store"
            );
        }
    }
    let service = sources()
        .into_iter()
        .find(|(p, _)| p == "service/mod.rs")
        .unwrap()
        .1;
    let start = service.find("pub struct App {").unwrap() + "pub struct App {".len();
    let app = &service[start..];
    let body = &app[..app.find("\n}").unwrap()];
    assert!(!body.contains("pub "), "App has a public field:\n{body}");
}

/// The floors of `service/` (src/README.md): the ground floor uses no use case; a use case uses
/// the ground floor and never another use case; compositions may call use cases, and nothing
/// below them calls a composition.
const GROUND: &[&str] = &["ground"];
const USE_CASES: &[&str] = &[
    "accounts",
    "audit",
    "import",
    "init",
    "placement",
    "reload",
    "rules",
    "screening",
    "status",
    "workflow",
];
const COMPOSITIONS: &[&str] = &[
    "console",
    "demo",
    "drafts",
    "outbox",
    "public",
    "runtime",
    "scheduler",
];

/// Expands `a::{b, c::{d, e}}` into `a::b`, `a::c::d`, `a::c::e`.
fn expand(path: &str) -> Vec<String> {
    let Some(open) = path.find('{') else {
        return vec![path.to_owned()];
    };
    let (head, body) = (&path[..open], &path[open + 1..path.len() - 1]);
    let mut items = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in body.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&body[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&body[start..]);
    items
        .into_iter()
        .filter(|s| !s.is_empty())
        .flat_map(|s| expand(&format!("{head}{s}")))
        .collect()
}

/// Every path a file names: its `use` trees expanded, and paths written inline.
fn paths(text: &str) -> Vec<String> {
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = Vec::new();
    let mut rest = code.as_str();
    while let Some(i) = rest.find("use ") {
        let before = rest[..i].chars().last();
        rest = &rest[i + 4..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let Some(end) = rest.find(';') else { break };
        let tree: String = rest[..end].chars().filter(|c| !c.is_whitespace()).collect();
        out.extend(expand(&tree));
    }
    for prefix in ["crate::service::", "super::"] {
        let mut at = 0;
        while let Some(i) = code[at..].find(prefix) {
            let start = at + i;
            let end = code[start..]
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .map_or(code.len(), |e| start + e);
            out.push(code[start..end].to_owned());
            at = end;
        }
    }
    out
}

/// The top-level module of `service/` that `path` (as written in `file`) names, if any.
fn service_target(file: &str, path: &str) -> Option<String> {
    let rel = file.strip_prefix("service/")?;
    let parts: Vec<&str> = path.split("::").collect();
    let own: Vec<&str> = rel.trim_end_matches(".rs").split('/').collect();
    // How deep the file's module sits below `service`: `x.rs` and `x/mod.rs` are one deep.
    let depth = if rel.ends_with("/mod.rs") {
        own.len() - 1
    } else {
        own.len()
    };
    let name = if parts.first() == Some(&"crate") && parts.get(1) == Some(&"service") {
        parts.get(2)?
    } else {
        let ups = parts.iter().take_while(|p| **p == "super").count();
        if ups == 0 || ups != depth {
            return None;
        }
        parts.get(ups)?
    };
    Some((*name).to_owned())
}

#[test]
fn service_floors_hold() {
    let floor = |m: &str| {
        if GROUND.contains(&m) {
            Some(0)
        } else if USE_CASES.contains(&m) {
            Some(1)
        } else if COMPOSITIONS.contains(&m) {
            Some(2)
        } else {
            None
        }
    };
    let mut wrong = Vec::new();
    for (file, text) in sources() {
        let Some(rel) = file.strip_prefix("service/") else {
            continue;
        };
        if rel == "mod.rs" {
            continue;
        }
        let own = rel.split('/').next().unwrap().trim_end_matches(".rs");
        let own_floor = floor(own).unwrap_or_else(|| {
            panic!("service/{own} is on no floor: add it to GROUND, USE_CASES or COMPOSITIONS")
        });
        for path in paths(&text) {
            let Some(target) = service_target(&file, &path) else {
                continue;
            };
            if target == own {
                continue;
            }
            // Items of `service/mod.rs` itself (App, HOOKS, the error re-exports) are no floor.
            let Some(target_floor) = floor(&target) else {
                continue;
            };
            let allowed = match own_floor {
                0 => target_floor == 0,
                1 => target_floor == 0,
                _ => true,
            };
            if !allowed {
                wrong.push(format!("{file} uses {path}"));
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    assert!(wrong.is_empty(), "floors broken:\n{}", wrong.join("\n"));
}

#[test]
fn entry_points_write_no_audit() {
    for (path, text) in sources() {
        let entry =
            path.starts_with("cli/") || path.starts_with("http/") || path.starts_with("bench/");
        if entry {
            for word in ["audit::record", "audit::note", "ground::audit"] {
                assert!(!text.contains(word), "{path} writes the audit log ({word})");
            }
        }
    }
}

#[test]
fn config_names_no_module_above_it() {
    let config = sources()
        .into_iter()
        .find(|(p, _)| p == "config.rs")
        .unwrap()
        .1;
    for above in [
        "ingest",
        "generate",
        "rules",
        "screening",
        "jobfill",
        "workflow",
        "placement",
        "export",
        "documents",
        "store",
        "render",
        "notify",
        "service",
        "http",
        "cli",
        "bench",
    ] {
        assert!(
            !config.contains(&format!("crate::{above}")),
            "config.rs names crate::{above}"
        );
    }
}

/// The braces that open (`true`) and close (`false`) blocks on each line of `text`, string and
/// character literals and comments left out.
fn braces_by_line(text: &str) -> Vec<Vec<bool>> {
    let mut out = Vec::new();
    let mut in_string = false;
    for line in text.lines() {
        let mut events = Vec::new();
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if in_string {
                match c {
                    '\\' => i += 1,
                    '"' => in_string = false,
                    _ => {}
                }
            } else {
                match c {
                    '/' if chars.get(i + 1) == Some(&'/') => break,
                    '"' => in_string = true,
                    // '{', '\'' and the like; a lifetime has no closing quote this close.
                    '\'' if chars.get(i + 2) == Some(&'\'') => i += 2,
                    '\'' if chars.get(i + 1) == Some(&'\\') && chars.get(i + 3) == Some(&'\'') => {
                        i += 3
                    }
                    '{' => events.push(true),
                    '}' => events.push(false),
                    _ => {}
                }
            }
            i += 1;
        }
        out.push(events);
    }
    out
}

/// Every function in `text` with its length in lines, from its `fn` line to the line that
/// closes its body.
fn function_lengths(text: &str) -> Vec<(String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let braces = braces_by_line(text);
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let mut code = line.trim_start();
        for prefix in ["pub(super) ", "pub(crate) ", "pub ", "async "] {
            code = code.strip_prefix(prefix).unwrap_or(code);
        }
        let Some(rest) = code.strip_prefix("fn ") else {
            continue;
        };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let mut depth = 0i32;
        let mut opened = false;
        for (j, events) in braces[i..].iter().enumerate() {
            for &open in events {
                depth += if open { 1 } else { -1 };
                opened |= open;
            }
            if opened && depth == 0 {
                out.push((name.clone(), j + 1));
                break;
            }
            if !opened && lines[i + j].trim_end().ends_with(';') {
                break;
            }
        }
    }
    out
}

#[test]
fn command_line_functions_stay_short() {
    // A command parses its arguments, calls the service once and prints: no function in
    // `cli/` grows past this. `accounts.rs` waits for its audit writes to move into the service.
    const MOST: usize = 80;
    let long: Vec<String> = sources()
        .into_iter()
        .filter(|(path, _)| path.starts_with("cli/") && path != "cli/accounts.rs")
        .flat_map(|(path, text)| {
            function_lengths(&text)
                .into_iter()
                .filter(|(_, n)| *n > MOST)
                .map(move |(name, n)| format!("{path}::{name} ({n} lines)"))
        })
        .collect();
    assert!(long.is_empty(), "longer than {MOST} lines: {long:?}");
    // The measure itself: a function of three lines is three lines long.
    assert_eq!(
        function_lengths("fn a() {\n    let s = \"}\";\n}\n"),
        vec![("a".to_owned(), 3)]
    );
}
