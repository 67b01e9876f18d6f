//! The real `merit` binary: exit codes and messages of interfaces.md section 3.

use std::process::{Command, Output};

use crate::support::{CANDIDATE_HEADER, TestDb, candidate_row, write};

pub fn merit(db: &TestDb, args: &[&str]) -> Output {
    merit_command(db, args).output().unwrap()
}

/// The `merit` binary set up for `db`, the project's rules and workflows, and a file outbox.
pub fn merit_command(db: &TestDb, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_merit"));
    cmd.args(args)
        .current_dir(db.dir.path())
        .env("MERIT_DATABASE_URL", &db.url)
        .env(
            "MERIT_RULES_DIR",
            concat!(env!("CARGO_MANIFEST_DIR"), "/rules"),
        )
        .env(
            "MERIT_WORKFLOWS_DIR",
            concat!(env!("CARGO_MANIFEST_DIR"), "/workflows"),
        )
        .env(
            "MERIT_MAIL_URL",
            format!("file://{}/outbox", db.dir.path().display()),
        );
    cmd
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[tokio::test]
async fn import_exit_codes_and_messages() {
    let db = TestDb::new().await;
    let ok = write(
        db.dir.path(),
        "ok.csv",
        &format!(
            "{CANDIDATE_HEADER}\n{}\n",
            candidate_row("1609022304870001", "BUDI", "1987-04-23", "L")
        ),
    );
    let out = merit(&db, &["import", "candidates", ok.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("1 calon diimpor"));

    let bad = write(
        db.dir.path(),
        "bad.csv",
        &format!(
            "{CANDIDATE_HEADER}\n{}\n",
            candidate_row("12345", "X", "1987-04-23", "L")
        ),
    );
    let out = merit(
        &db,
        &["import", "candidates", bad.to_str().unwrap(), "--json"],
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out.stderr).contains("baris 2, kolom nik: NIK harus 16 digit"));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["disimpan"], false);
    assert_eq!(report["ditolak"], 1);

    let empty = write(db.dir.path(), "kosong.csv", "");
    let out = merit(&db, &["import", "candidates", empty.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out.stderr).contains("galat: berkas kosong"));
}

#[tokio::test]
async fn usage_errors_exit_2_in_indonesian() {
    let db = TestDb::new().await;
    for args in [
        &["impor"][..],
        &["import", "kandidat", "x.csv"],
        &["generate", "--out", "x"],
        &["import", "candidates", "x.csv", "--lewati"],
    ] {
        let out = merit(&db, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            text(&out.stderr).starts_with("galat: "),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}

#[tokio::test]
async fn bad_settings_name_the_setting() {
    let db = TestDb::new().await;
    let out = Command::new(env!("CARGO_BIN_EXE_merit"))
        .args(["migrate"])
        .current_dir(db.dir.path())
        .env("MERIT_DATABASE_URL", &db.url)
        .env("MERIT_TIMEZONE", "Asia/Palembang")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let e = text(&out.stderr);
    assert!(
        e.contains("`timezone`") && e.contains("MERIT_TIMEZONE"),
        "{e}"
    );
}

#[tokio::test]
async fn generate_then_migrate() {
    let db = TestDb::new().await;
    let out = merit(
        &db,
        &["generate", "--candidates", "120", "--out", "gen", "--json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["calon"], 120);
    for f in [
        "candidates.csv",
        "formations.csv",
        "employees.csv",
        "directory.yaml",
    ] {
        assert!(db.path("gen").join(f).exists(), "{f}");
    }
    let out = merit(&db, &["migrate"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}
