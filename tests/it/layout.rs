//! The house rules of src/README.md, checked on the source tree: one module imports each of
//! sea-orm, lettre, mail-parser, axum, rhai, minijinja, argon2 and chacha20poly1305; entry points reach the store only
//! through `service`; `App` has no public field.

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
