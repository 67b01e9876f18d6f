//! The house rules of src/README.md, checked on the source tree: one module imports each of
//! sea-orm, lettre, mail-parser, axum, rhai, minijinja, argon2 and chacha20poly1305; entry points reach the store only
//! through `service`; `App` has no public field; no function in `cli/` runs past 80 lines.

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
        if path.starts_with("cli/") || path.starts_with("http/") {
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
