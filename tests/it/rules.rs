//! The rules engine against broken, hostile and edited rulesets (issue 3 tests), plus the
//! shipped rulesets' own test cases.

use std::{path::Path, sync::Arc, time::Instant};

use merit::{
    config::ScriptLimits,
    domain::{Candidate, Hasil, Nik, RuleVerdict},
    rules::{self, LiveCatalog, Refusal},
};

const MANIFEST: &str = "id: uji\njudul: Ruleset uji\nsubjek: calon\nparam:\n  tanggal_acuan: 2025-08-08\n  usia_minimal: 20\naturan:\n  - id: U-01\n    judul: Aturan uji\n    dasar_hukum: Uji\n    skrip: a.rhai\n    pesan: Gagal uji\n";

/// A ruleset folder `uji` with one rule `a.rhai`.
fn ruleset(root: &Path, script: &str) -> std::path::PathBuf {
    let dir = root.join("uji");
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    std::fs::write(dir.join("ruleset.yaml"), MANIFEST).unwrap();
    std::fs::write(dir.join("a.rhai"), script).unwrap();
    dir
}

fn candidate() -> Arc<Candidate> {
    let text = format!(
        "{}\n{}\n",
        crate::support::CANDIDATE_HEADER,
        crate::support::candidate_row("1609022304870001", "BUDI", "1987-04-23", "L")
    );
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    let row = rdr.records().next().unwrap().unwrap();
    let pairs: Vec<(String, String)> = headers
        .iter()
        .zip(row.iter())
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    Arc::new(merit::ingest::parse_pairs::<merit::ingest::CandidateSchema>(&pairs).unwrap())
}

fn load(dir: &Path, limits: &ScriptLimits) -> Result<rules::Ruleset, String> {
    rules::load_ruleset(&merit::sources::Disk, dir, limits).map_err(|d| d.to_string())
}

fn verdict(dir: &Path, limits: &ScriptLimits) -> (Hasil, RuleVerdict) {
    let rs = load(dir, limits).unwrap();
    let e = rs.evaluator().candidate(candidate());
    (e.hasil, e.verdicts[0].clone())
}

#[test]
fn the_shipped_rulesets_pass_their_own_tests() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let (catalog, refused) =
        rules::load_all(&merit::sources::Disk, &root, &ScriptLimits::default(), true);
    assert!(
        refused.is_empty(),
        "{}",
        refused
            .iter()
            .map(|(id, r)| format!("{id}: {r}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let pw = catalog.get("pppk_paruh_waktu").unwrap();
    let pj = catalog.get("pengisian_jabatan").unwrap();
    assert_eq!(
        pw.rules.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        [
            "PW-01", "PW-02", "PW-03", "PW-04", "PW-05", "PW-06", "PW-07", "PW-08", "PW-09",
            "PW-10", "PW-11"
        ]
    );
    assert_eq!(pj.rules.len(), 7);
    assert!(pw.tests.len() >= 40 && pj.tests.len() >= 25);
}

#[test]
fn a_syntax_error_is_reported_with_file_line_and_column() {
    let root = tempfile::tempdir().unwrap();
    let dir = ruleset(root.path(), "let x = 1;\nif x > {\n  lolos()\n");
    let e = load(&dir, &ScriptLimits::default()).unwrap_err();
    let expected = format!("{}:", dir.join("a.rhai").display());
    assert!(e.starts_with(&expected), "{e}");
    let pos: Vec<&str> = e[expected.len()..].splitn(3, ':').collect();
    assert!(
        pos[0].parse::<usize>().unwrap() >= 2 && pos[1].parse::<usize>().unwrap() > 0,
        "{e}"
    );
}

#[test]
fn misspelt_fields_params_and_variables_are_compile_errors() {
    let root = tempfile::tempdir().unwrap();
    let dir = ruleset(
        root.path(),
        "// cek\nlet x = 1;\ncalon.tangal_lahir < param.tanggal_acuan",
    );
    let e = load(&dir, &ScriptLimits::default()).unwrap_err();
    assert!(
        e.contains("a.rhai:3:7: kolom 'tangal_lahir' tidak dikenal pada calon"),
        "{e}"
    );

    std::fs::write(
        dir.join("a.rhai"),
        "calon.tanggal_lahir < param.tanggal_acuuan",
    )
    .unwrap();
    let e = load(&dir, &ScriptLimits::default()).unwrap_err();
    assert!(e.contains("param 'tanggal_acuuan' tidak ada di ruleset.yaml; param yang ada: tanggal_acuan, usia_minimal"), "{e}");

    std::fs::write(dir.join("a.rhai"), "caloon.nik == \"1\"").unwrap();
    let e = load(&dir, &ScriptLimits::default()).unwrap_err();
    assert!(
        e.contains("a.rhai:1:1: variabel 'caloon' tidak dikenal"),
        "{e}"
    );

    std::fs::write(dir.join("a.rhai"), "param[\"usia_maks\"] > 1").unwrap();
    assert!(
        load(&dir, &ScriptLimits::default())
            .unwrap_err()
            .contains("param 'usia_maks' tidak ada")
    );
}

#[test]
fn an_endless_loop_is_stopped_and_the_subject_needs_verification() {
    let root = tempfile::tempdir().unwrap();
    let dir = ruleset(root.path(), "let n = 0;\nloop { n += 1; }\n");
    // Operation budget.
    let (hasil, v) = verdict(&dir, &ScriptLimits::default());
    assert_eq!(hasil, Hasil::PerluVerifikasi);
    assert!(
        matches!(&v, RuleVerdict::Kesalahan(m) if m.contains("200000 operasi")),
        "{v:?}"
    );
    // Wall-clock deadline, with the operation budget out of the way.
    let limits = ScriptLimits {
        operasi: u64::MAX / 2,
        tenggat_ms: 50,
        ..ScriptLimits::default()
    };
    let started = Instant::now();
    let (hasil, v) = verdict(&dir, &limits);
    assert!(started.elapsed().as_secs() < 5, "stopped near its deadline");
    assert_eq!(hasil, Hasil::PerluVerifikasi);
    assert!(
        matches!(&v, RuleVerdict::Kesalahan(m) if m.contains("batas waktu 50 ms")),
        "{v:?}"
    );
}

#[test]
fn unbounded_allocation_is_stopped() {
    let root = tempfile::tempdir().unwrap();
    let dir = ruleset(root.path(), "let s = \"x\";\nloop { s += s; }\n");
    let (hasil, v) = verdict(&dir, &ScriptLimits::default());
    assert_eq!(hasil, Hasil::PerluVerifikasi);
    assert!(
        matches!(&v, RuleVerdict::Kesalahan(m) if m.contains("terlalu besar")),
        "{v:?}"
    );
    std::fs::write(dir.join("a.rhai"), "let a = [];\nloop { a.push(1); }\n").unwrap();
    let (_, v) = verdict(
        &dir,
        &ScriptLimits {
            operasi: u64::MAX / 2,
            ..ScriptLimits::default()
        },
    );
    assert!(
        matches!(&v, RuleVerdict::Kesalahan(m) if m.contains("terlalu besar")),
        "{v:?}"
    );
}

#[test]
fn imports_come_only_from_the_rulesets_own_lib() {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("rahasia.rhai"), "export const KUNCI = 42;").unwrap();
    let dir = ruleset(root.path(), "import \"../rahasia\" as r;\nr::KUNCI == 42");
    let e = load(&dir, &ScriptLimits::default()).unwrap_err();
    assert!(
        e.contains("modul '../rahasia' tidak ada; modul hanya dapat dimuat dari folder lib/"),
        "{e}"
    );
    std::fs::write(dir.join("a.rhai"), "import \"/etc/passwd\" as r;\ntrue").unwrap();
    assert!(
        load(&dir, &ScriptLimits::default())
            .unwrap_err()
            .contains("modul '/etc/passwd' tidak ada")
    );

    // A module in lib/ works.
    std::fs::create_dir_all(dir.join("lib")).unwrap();
    std::fs::write(dir.join("lib/umur.rhai"), "fn dewasa(u) { u >= 20 }").unwrap();
    std::fs::write(
        dir.join("a.rhai"),
        "import \"umur\" as umur;\numur::dewasa(usia(calon.tanggal_lahir, param.tanggal_acuan))",
    )
    .unwrap();
    let (hasil, v) = verdict(&dir, &ScriptLimits::default());
    assert_eq!((hasil, v), (Hasil::Layak, RuleVerdict::Lolos));
}

#[test]
fn scripts_have_no_eval_clock_or_mutation_of_params() {
    let root = tempfile::tempdir().unwrap();
    let dir = ruleset(root.path(), "eval(\"true\")");
    assert!(
        load(&dir, &ScriptLimits::default()).is_err(),
        "eval is disabled"
    );
    // No clock: a call of `timestamp()` is refused when the ruleset is checked.
    std::fs::write(dir.join("a.rhai"), "timestamp() != ()").unwrap();
    let e = load(&dir, &ScriptLimits::default()).unwrap_err();
    assert!(
        e.contains("a.rhai:1:1:") && e.contains("'timestamp'"),
        "no clock: {e}"
    );
    for script in [
        "param.usia_minimal = 1;\ntrue",
        "param.usia_minimal += 1;\ntrue",
        "calon.nama = \"X\";\ntrue",
        "param = 1;\ntrue",
    ] {
        std::fs::write(dir.join("a.rhai"), script).unwrap();
        let e = load(&dir, &ScriptLimits::default()).unwrap_err();
        assert!(
            e.contains("a.rhai:1:1:") && e.contains("tidak boleh diubah oleh skrip"),
            "{script}: {e}"
        );
    }
}

#[test]
fn a_script_that_returns_something_else_needs_verification() {
    let root = tempfile::tempdir().unwrap();
    let dir = ruleset(root.path(), "42");
    let (hasil, v) = verdict(&dir, &ScriptLimits::default());
    assert_eq!(hasil, Hasil::PerluVerifikasi);
    assert!(
        matches!(&v, RuleVerdict::Kesalahan(m) if m.contains("true, false, lolos()")),
        "{v:?}"
    );
    std::fs::write(dir.join("a.rhai"), "false").unwrap();
    assert_eq!(
        verdict(&dir, &ScriptLimits::default()).1,
        RuleVerdict::Gagal("Gagal uji".into())
    );
    std::fs::write(
        dir.join("a.rhai"),
        "gagal(`Usia ${usia(calon.tanggal_lahir, param.tanggal_acuan)} tahun`)",
    )
    .unwrap();
    assert_eq!(
        verdict(&dir, &ScriptLimits::default()).1,
        RuleVerdict::Gagal("Usia 38 tahun".into())
    );
}

#[test]
fn broken_manifests_are_located() {
    let root = tempfile::tempdir().unwrap();
    let dir = ruleset(root.path(), "true");
    let cases = [
        (
            MANIFEST.replace("judul: Ruleset uji", "judull: Ruleset uji"),
            "ruleset.yaml:2:1: kolom `judull` tidak dikenal",
        ),
        (
            MANIFEST.replace("    pesan: Gagal uji\n", ""),
            "aturan[0]: kolom wajib `pesan` tidak ada",
        ),
        (
            MANIFEST.replace("a.rhai", "b.rhai"),
            "skrip 'b.rhai' tidak ada",
        ),
        (
            MANIFEST.replace("subjek: calon", "subjek: honorer"),
            "ruleset.yaml:3:1: subjek 'honorer' tidak dikenal",
        ),
        (
            MANIFEST.replace("id: uji", "id: lain"),
            "id 'lain' harus sama dengan nama folder 'uji'",
        ),
        (
            format!(
                "{MANIFEST}  - id: U-01\n    judul: Lagi\n    dasar_hukum: Uji\n    skrip: a.rhai\n    pesan: x\n"
            ),
            "ruleset.yaml:13:9: id aturan 'U-01' dipakai lebih dari sekali",
        ),
        ("id: [uji".to_owned(), "ruleset.yaml:"),
    ];
    for (text, expected) in cases {
        std::fs::write(dir.join("ruleset.yaml"), &text).unwrap();
        let e = load(&dir, &ScriptLimits::default()).unwrap_err();
        assert!(e.contains(expected), "expected {expected:?} in:\n{e}");
    }
    std::fs::write(dir.join("ruleset.yaml"), MANIFEST).unwrap();
    std::fs::write(dir.join("lupa.rhai"), "true").unwrap();
    let e = load(&dir, &ScriptLimits::default()).unwrap_err();
    assert!(
        e.contains("lupa.rhai: skrip tidak terdaftar di ruleset.yaml"),
        "{e}"
    );
}

#[test]
fn broken_test_cases_are_located() {
    let root = tempfile::tempdir().unwrap();
    let dir = ruleset(root.path(), "true");
    std::fs::write(dir.join("tests/kasus.yaml"), "- nama: salah kolom\n  calon: { nikk: \"1\" }\n  harapan: layak\n- nama: salah harapan\n  calon: {}\n  harapan: lulus\n").unwrap();
    let e = load(&dir, &ScriptLimits::default()).unwrap_err();
    assert!(
        e.contains("kasus.yaml:1: kasus 'salah kolom': calon.nikk: kolom tidak dikenal"),
        "{e}"
    );
    assert!(
        e.contains("kasus.yaml:4: kasus 'salah harapan': harapan: nilai 'lulus' tidak dikenal"),
        "{e}"
    );
}

#[test]
fn a_refused_edit_keeps_the_last_good_version() {
    let root = tempfile::tempdir().unwrap();
    let dir = ruleset(root.path(), "calon.aktif_bekerja");
    let case = |h: &str| {
        format!(
            "- nama: aktif\n  calon: {{ nik: \"1609022304870001\", nama: BUDI, tanggal_lahir: 1987-04-23, jenis_kelamin: L, pendidikan: SMA, kategori_pelamar: R3, terdata_bkn: ya, seleksi_2024: cpns, hasil_seleksi_2024: tidak_lulus, aktif_bekerja: ya, tmt_kerja: 2012-03-01, unit_kerja: U1, gaji_terakhir: 1 }}\n  harapan: {h}\n"
        )
    };
    std::fs::write(dir.join("tests/kasus.yaml"), case("layak")).unwrap();
    let (live, refused) = LiveCatalog::open(
        Arc::new(merit::sources::Disk),
        root.path(),
        &ScriptLimits::default(),
    );
    assert!(refused.is_empty());
    let v1 = live.current().get("uji").unwrap().version.clone();

    // A script that does not compile: refused, v1 stays.
    std::fs::write(dir.join("a.rhai"), "calon.aktif_bekerja &&").unwrap();
    let report = live.reload();
    assert!(report.accepted.is_empty());
    assert!(matches!(&report.refused[..], [(id, Refusal::Invalid(_))] if id == "uji"));
    assert_eq!(live.current().get("uji").unwrap().version, v1);

    // A script that compiles but fails its tests: refused too.
    std::fs::write(dir.join("a.rhai"), "!calon.aktif_bekerja").unwrap();
    let report = live.reload();
    assert!(matches!(&report.refused[..], [(_, Refusal::TestsFail(f))] if f.len() == 1));
    assert_eq!(live.current().get("uji").unwrap().version, v1);
    let held = live.current();

    // A good edit is swapped in; a reader holding the old catalog keeps it.
    std::fs::write(
        dir.join("a.rhai"),
        "calon.aktif_bekerja && calon.gaji_terakhir > 0",
    )
    .unwrap();
    let report = live.reload();
    assert_eq!(report.accepted.len(), 1);
    let v2 = live.current().get("uji").unwrap().version.clone();
    assert_ne!(v1, v2);
    assert_eq!(held.get("uji").unwrap().version, v1);
    assert!(live.reload().accepted.is_empty(), "nothing changed");
}

#[test]
fn batch_evaluation_matches_one_by_one() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/pppk_paruh_waktu");
    let rs = rules::load_ruleset(&merit::sources::Disk, &root, &ScriptLimits::default()).unwrap();
    let out = tempfile::tempdir().unwrap();
    merit::generate::generate(&merit::generate::GenerateOptions {
        candidates: 2_000,
        out: out.path().to_path_buf(),
        seed: 5,
    })
    .unwrap();
    let mut rdr = csv::Reader::from_path(out.path().join("candidates.csv")).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let candidates: Vec<Arc<Candidate>> = rdr
        .records()
        .map(|r| {
            let r = r.unwrap();
            let pairs: Vec<(String, String)> = headers
                .iter()
                .zip(r.iter())
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            Arc::new(merit::ingest::parse_pairs::<merit::ingest::CandidateSchema>(&pairs).unwrap())
        })
        .collect();
    let parallel = rules::evaluate_candidates(&rs, &candidates, 4);
    let mut ev = rs.evaluator();
    let serial: Vec<_> = candidates.iter().map(|c| ev.candidate(c.clone())).collect();
    assert_eq!(parallel, serial);
    let layak = serial.iter().filter(|e| e.hasil == Hasil::Layak).count();
    assert!(
        layak > 1_500 && layak < 1_950,
        "a realistic share is eligible: {layak}"
    );
    assert!(serial.iter().all(|e| {
        e.verdicts
            .iter()
            .all(|v| !matches!(v, RuleVerdict::Kesalahan(_)))
    }));
    let nik = Nik::parse("1609022304870001").unwrap();
    let _ = nik;
}

/// Copies a shipped ruleset folder into `to` (files and `tests/`, `lib/` sub-folders).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Issue 11 item 16: calling a function that does not exist is refused at check time with its
/// line, and modules in `lib/` are never read through a symbolic link.
#[test]
fn unknown_functions_and_linked_modules_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = ruleset(
        tmp.path(),
        "let f = open_file(\"/etc/passwd\");\nlet t = timestamp();\ntrue",
    );
    let err = load(&dir, &ScriptLimits::default()).unwrap_err();
    assert!(
        err.contains("a.rhai:1:") && err.contains("'open_file'"),
        "{err}"
    );
    assert!(
        err.contains("a.rhai:2:") && err.contains("'timestamp'"),
        "{err}"
    );
    // Functions a script defines itself, host functions and methods are fine.
    std::fs::write(
        dir.join("a.rhai"),
        "fn dua(x) { x * 2 }\nlet d = tanggal(\"2025-01-01\").tambah_tahun(1);\ndua(usia(calon.tanggal_lahir, d)) > 0",
    )
    .unwrap();
    load(&dir, &ScriptLimits::default()).unwrap();
    // A module linked from outside the ruleset folder.
    let outside = tmp.path().join("luar.rhai");
    std::fs::write(&outside, "fn rahasia() { 1 }").unwrap();
    std::fs::create_dir_all(dir.join("lib")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, dir.join("lib").join("bantu.rhai")).unwrap();
    #[cfg(unix)]
    {
        let err = load(&dir, &ScriptLimits::default()).unwrap_err();
        assert!(
            err.contains("bantu.rhai") && err.contains("tautan simbolik"),
            "{err}"
        );
    }
}

/// Issue 11 item 11: a ruleset beyond the documented maximum of rules is refused by `check`.
#[test]
fn too_many_rules_are_refused_by_check() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = ruleset(tmp.path(), "true");
    let mut manifest = MANIFEST.to_owned();
    for i in 2..=(rules::MAX_RULES + 1) {
        manifest.push_str(&format!(
            "  - id: U-{i:04}\n    judul: Aturan {i}\n    dasar_hukum: Uji\n    skrip: a.rhai\n    pesan: Gagal\n"
        ));
    }
    std::fs::write(dir.join("ruleset.yaml"), manifest).unwrap();
    let err = load(&dir, &ScriptLimits::default()).unwrap_err();
    assert!(
        err.contains(&format!("paling banyak {}", rules::MAX_RULES)),
        "{err}"
    );
}

/// Issue 11 item 23: changing the reference date or the category weights, as rules/README.md
/// tells administrators to, does not break the shipped test cases; a case may set parameters.
#[test]
fn params_are_data_and_test_cases_pin_what_they_depend_on() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pppk_paruh_waktu");
    copy_tree(&root.join("pppk_paruh_waktu"), &dir);
    let manifest = std::fs::read_to_string(dir.join("ruleset.yaml")).unwrap();
    let edited = manifest
        .replace("tanggal_acuan: 2025-08-08", "tanggal_acuan: 2025-08-25")
        .replace("R1: 6, R2: 5", "R1: 5, R2: 6");
    assert_ne!(manifest, edited);
    std::fs::write(dir.join("ruleset.yaml"), edited).unwrap();
    let rs = load(&dir, &ScriptLimits::default()).unwrap();
    let failures = rules::run_tests(&rs);
    assert!(
        failures.is_empty(),
        "{}",
        failures
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
    // The weights are read from the manifest: an R2 now outranks an R1 with the same service.
    let mut ev = rs.evaluator();
    let base = candidate();
    let with = |k: &str| {
        let mut c = (*base).clone();
        c.kategori_pelamar = merit::domain::KategoriPelamar::parse(k).unwrap();
        Arc::new(c)
    };
    let r1 = ev.candidate(with("R1")).prioritas.unwrap();
    let r2 = ev.candidate(with("R2")).prioritas.unwrap();
    assert!(r2 > r1, "{r2} > {r1}");
    // A case may not set a parameter the manifest does not have.
    std::fs::write(
        dir.join("tests").join("salah.yaml"),
        "- nama: param tak dikenal\n  param: { tanggal_mulai: 2025-01-01 }\n  calon: { nik: \"1609022304870001\" }\n  harapan: layak\n",
    )
    .unwrap();
    let err = load(&dir, &ScriptLimits::default()).unwrap_err();
    assert!(err.contains("tanggal_mulai"), "{err}");
}

/// Issue 11 item 23: `merit rules test --perbarui` shows the failing cases, rewrites only
/// their expectations (comments kept), and the tests pass afterwards.
#[test]
fn failing_expectations_are_rewritten_on_request() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(
        &root.join("pppk_paruh_waktu"),
        &tmp.path().join("pppk_paruh_waktu"),
    );
    let dir = tmp.path().join("pppk_paruh_waktu");
    // The minimum age rises to 21: the "exactly 20" case now fails.
    let manifest = std::fs::read_to_string(dir.join("ruleset.yaml")).unwrap();
    std::fs::write(
        dir.join("ruleset.yaml"),
        manifest.replace("usia_minimal: 20", "usia_minimal: 21"),
    )
    .unwrap();
    let before = std::fs::read_to_string(dir.join("tests/aturan.yaml")).unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_merit"))
            .args(args)
            .env("MERIT_RULES_DIR", tmp.path())
            .env(
                "MERIT_DATABASE_URL",
                format!("sqlite://{}/m.db", tmp.path().display()),
            )
            .current_dir(tmp.path())
            .output()
            .unwrap()
    };
    let out = run(&["rules", "test"]);
    assert_eq!(out.status.code(), Some(3));
    let shown = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(shown.contains("PW-07"), "{shown}");
    let out = run(&["rules", "test", "--perbarui"]);
    let told = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(told.contains("diperbarui"), "{told}");
    assert_eq!(out.status.code(), Some(0), "{told}");
    let after = std::fs::read_to_string(dir.join("tests/aturan.yaml")).unwrap();
    assert_ne!(before, after);
    // Comments survive; only expectation lines changed.
    assert_eq!(
        before
            .lines()
            .filter(|l| l.trim_start().starts_with('#'))
            .count(),
        after
            .lines()
            .filter(|l| l.trim_start().starts_with('#'))
            .count()
    );
    assert_eq!(run(&["rules", "test"]).status.code(), Some(0));
}

/// Issue 11 item 24: the message for a box outside the succession group names the route that
/// fits the level.
#[test]
fn the_fallback_route_fits_the_level() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let rs = load(&root.join("pengisian_jabatan"), &ScriptLimits::default()).unwrap();
    let employee = |box_: &str| {
        let pairs: Vec<(String, String)> = [
            ("nip", "198001012005011003"),
            ("nama", "AHMAD"),
            ("tanggal_lahir", "1980-01-01"),
            ("jenis_kelamin", "L"),
            ("jenjang", "administrator"),
            ("jabatan", "Kepala Bidang"),
            ("unit_kerja", "OPD05"),
            ("tmt_jenjang", "2018-01-01"),
            ("pendidikan", "S1"),
            ("predikat_1", "baik"),
            ("predikat_2", "baik"),
            ("potensial", "rendah"),
            ("kotak_talenta", box_),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        Arc::new(merit::ingest::parse_pairs::<merit::ingest::EmployeeSchema>(&pairs).unwrap())
    };
    let vacancy = |j: &str| {
        Arc::new(merit::domain::Vacancy {
            jenjang: merit::domain::Jenjang::parse(j).unwrap(),
            unit_kerja: "OPD05".into(),
            jabatan: "Kepala".into(),
            tanggal: chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
            alasan: merit::domain::AlasanLowongan::Pensiun,
        })
    };
    let mut ev = rs.evaluator();
    let pj07 = |e: rules::Evaluation| e.verdicts[6].reason().unwrap_or_default().to_owned();
    assert!(pj07(ev.employee(employee("2"), vacancy("jpt_pratama"))).contains("seleksi terbuka"));
    assert!(pj07(ev.employee(employee("2"), vacancy("administrator"))).contains("job fit"));
}

/// Issue 12: unsaved text is checked and tested through the same loaders, read from memory
/// over the folder: errors come back with their line, and no file is written.
#[tokio::test]
async fn unsaved_edits_are_checked_and_tested_without_writing_a_file() {
    use merit::service::{rules as service_rules, workflow};
    let db = crate::support::TestDb::new().await;
    let settings = db.settings();
    let aktif = settings.rules_dir.join("pppk_paruh_waktu/aktif.rhai");
    let before = std::fs::read_to_string(&aktif).unwrap();

    let broken = [(
        "pppk_paruh_waktu/aktif.rhai".to_owned(),
        Some("// PW-05\ncalon.aktif_bekerja &&\n".to_owned()),
    )];
    let r = service_rules::check_edits(&settings, &broken);
    assert!(
        r.diagnostics
            .0
            .iter()
            .any(|d| d.file.ends_with("pppk_paruh_waktu/aktif.rhai") && d.line >= 2),
        "{:?}",
        r.kesalahan
    );
    assert!(service_rules::check(&settings).kesalahan.is_empty());

    // An edit that compiles but breaks the ruleset's own cases.
    let lenient = [(
        "pppk_paruh_waktu/aktif.rhai".to_owned(),
        Some("true\n".to_owned()),
    )];
    assert!(
        !service_rules::test_edits(&settings, &lenient)
            .gagal
            .is_empty()
    );
    assert!(service_rules::test(&settings).gagal.is_empty());
    assert_eq!(std::fs::read_to_string(&aktif).unwrap(), before);

    // Workflows: a step sent nowhere is reported at its line; a removed file is gone.
    let shipped =
        std::fs::read_to_string(settings.workflows_dir.join("usulan_pppk_paruh_waktu.yaml"))
            .unwrap();
    let e = workflow::check_edits(
        &settings,
        &[(
            "usulan_pppk_paruh_waktu.yaml".to_owned(),
            Some(shipped.replace("jika_setuju: anggaran", "jika_setuju: anggaran_x")),
        )],
    )
    .unwrap_err();
    assert!(
        e.0.iter()
            .any(|d| d.line > 0 && d.message.contains("anggaran_x")),
        "{e}"
    );
    let without =
        workflow::check_edits(&settings, &[("pengisian_jabatan.yaml".to_owned(), None)]).unwrap();
    assert!(!without.contains_key("pengisian_jabatan"));
    assert!(without.contains_key("usulan_pppk_paruh_waktu"));
}
