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
    assert!(text(&out.stderr).contains("kesalahan: berkas kosong"));
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
            text(&out.stderr).starts_with("kesalahan: "),
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

/// `merit` in a folder of its own, with no configuration and no MERIT_* variables.
fn bare(dir: &std::path::Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_merit"));
    cmd.args(args).current_dir(dir);
    for (k, _) in std::env::vars() {
        if k.starts_with("MERIT_") {
            cmd.env_remove(k);
        }
    }
    cmd.output().unwrap()
}

/// Issue 11 item 25: the binary carries the shipped rulesets, workflows and templates; in an
/// empty folder `merit demo` works (saying once that built-in copies are used), and
/// `merit init` writes them out without ever overwriting.
#[test]
fn a_new_user_without_the_source_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = bare(tmp.path(), &["demo", "--candidates", "200", "--no-serve"]);
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}\n{}", text(&out.stdout));
    assert_eq!(
        err.matches("salinan bawaan").count(),
        2,
        "said once per kind: {err}"
    );
    assert!(text(&out.stdout).contains("/persetujuan/"));
    // Issue 22: the demo leaves its configuration, and says how to use the CLI on it: in the
    // demo folder every command works on the demo's database, and nothing is created beside it.
    let demo = tmp.path().join("demo");
    assert!(demo.join("merit.yaml").is_file());
    assert!(
        text(&out.stdout).contains("cd ") && text(&out.stdout).contains("merit runs list"),
        "{}",
        text(&out.stdout)
    );
    let runs = bare(&demo, &["runs", "list", "--json"]);
    assert!(runs.status.success(), "{}", text(&runs.stderr));
    let listed: serde_json::Value = serde_json::from_slice(&runs.stdout).unwrap();
    assert!(!listed.as_array().unwrap().is_empty(), "the demo's run");
    let versions = bare(&demo, &["rules", "versions", "pppk_paruh_waktu"]);
    assert!(versions.status.success(), "{}", text(&versions.stderr));
    assert!(!demo.join("data/merit.db").exists(), "no second database");
    let beside = bare(tmp.path(), &["runs", "list"]);
    assert_eq!(beside.status.code(), Some(3), "{}", text(&beside.stderr));
    assert!(
        !tmp.path().join("data/merit.db").exists(),
        "nothing created beside it"
    );
    let out = bare(tmp.path(), &["init", "salinan"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let root = tmp.path().join("salinan");
    for f in [
        "rules/pppk_paruh_waktu/ruleset.yaml",
        "rules/pengisian_jabatan/tests/aturan.yaml",
        "workflows/usulan_pppk_paruh_waktu.yaml",
        "workflows/templates/permintaan.html",
        "rules/README.md",
    ] {
        assert!(root.join(f).is_file(), "{f}");
    }
    // The written copies are the shipped ones, and valid where they are.
    assert_eq!(
        std::fs::read_to_string(root.join("workflows/pengisian_jabatan.yaml")).unwrap(),
        std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/workflows/pengisian_jabatan.yaml"
        ))
        .unwrap()
    );
    let check = bare(&root, &["rules", "check"]);
    assert!(check.status.success(), "{}", text(&check.stderr));
    assert!(!text(&check.stderr).contains("salinan bawaan"));
    // Nothing is overwritten, and nothing written at all then.
    std::fs::write(root.join("rules/README.md"), "catatan saya").unwrap();
    let again = bare(tmp.path(), &["init", "salinan"]);
    assert_eq!(again.status.code(), Some(4));
    assert!(text(&again.stderr).contains("rules/README.md"));
    assert_eq!(
        std::fs::read_to_string(root.join("rules/README.md")).unwrap(),
        "catatan saya"
    );
}

/// Issue 11 item 26: clap's headings, usage line, flags and errors, and file errors, are in
/// Bahasa Indonesia.
#[test]
fn help_usage_and_errors_speak_bahasa() {
    let tmp = tempfile::tempdir().unwrap();
    for args in [
        vec!["--help"],
        vec!["import", "--help"],
        vec!["rules", "test", "--help"],
    ] {
        let out = bare(tmp.path(), &args);
        assert!(out.status.success());
        let help = text(&out.stdout);
        assert!(help.contains("Penggunaan: merit"), "{help}");
        assert!(help.contains("Opsi:"), "{help}");
        for english in [
            "Usage:",
            "Options:",
            "Commands:",
            "Arguments:",
            "Print help",
            "[default:",
            "[possible values:",
            "[OPTIONS]",
        ] {
            assert!(!help.contains(english), "{english} in {help}");
        }
    }
    let help = text(&bare(tmp.path(), &["--help"]).stdout);
    assert!(help.contains("Perintah:") && help.contains("Tampilkan bantuan"));
    let out = bare(tmp.path(), &["import", "--tidak-ada"]);
    assert_eq!(out.status.code(), Some(2));
    let e = text(&out.stderr);
    assert!(e.starts_with("kesalahan: ") && !e.contains("error:"), "{e}");
    let out = bare(tmp.path(), &["import", "candidates", "tidak-ada.csv"]);
    let e = text(&out.stderr);
    assert!(
        e.contains("tidak ditemukan") && !e.contains("No such file"),
        "{e}"
    );
}
