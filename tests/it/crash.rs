//! Reliability (quality.md): kill -9 in the middle of work, then recover.

use std::process::{Child, Stdio};

use merit::store::testing;

use crate::{cli::merit, support::TestDb};

pub fn spawn_merit(db: &TestDb, args: &[&str]) -> Child {
    crate::cli::merit_command(db, args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Waits (without sleeping) until the child is visibly writing to the database.
async fn wait_until_writing(db: &TestDb, child: &mut Child, table: &str) {
    loop {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import finished before it could be interrupted"
        );
        let writing = match db.postgres_names() {
            Some((admin, name)) => {
                testing::running_statements(&admin, &name, &format!("INSERT INTO {table}"))
                    .await
                    .unwrap()
                    > 0
            }
            None => std::fs::metadata(db.dir.path().join("merit.db-wal"))
                .is_ok_and(|m| m.len() > 8 << 20),
        };
        if writing {
            return;
        }
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn kill_9_during_import_writes_nothing_and_a_rerun_imports_everything() {
    let db = TestDb::new().await;
    let store = db.store("default").await;
    let out = db.path("gen");
    merit::generate::generate(&merit::generate::GenerateOptions {
        candidates: 80_000,
        out: out.clone(),
        seed: 11,
    })
    .unwrap();
    let file = out.join("candidates.csv");
    let mut child = spawn_merit(&db, &["import", "candidates", file.to_str().unwrap()]);
    wait_until_writing(&db, &mut child, "calon").await;
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    assert_eq!(
        store.counts().await.unwrap().calon,
        0,
        "all-or-nothing: no row survives"
    );
    assert!(
        store.imports().await.unwrap().is_empty(),
        "no import is recorded"
    );

    let rerun = merit(&db, &["import", "candidates", file.to_str().unwrap()]);
    assert_eq!(
        rerun.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&rerun.stderr)
    );
    assert_eq!(store.counts().await.unwrap().calon, 80_000);
    let imports = store.imports().await.unwrap();
    assert_eq!(imports.len(), 1);
    assert_eq!((imports[0].rows, imports[0].imported), (80_000, 80_000));
}
