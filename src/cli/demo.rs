//! `merit demo` (interfaces.md 10): a regency-sized synthetic data set in its own folder,
//! screened, placed, one proposal workflow and one job-fill started, the prompts written to the
//! file outbox, a summary and the approval links printed, then HTTP served until Ctrl-C.

use std::path::{Path, PathBuf};

use super::{Exit, Failure, open_app, output, serve};
use crate::{
    config::{MailUrl, Settings},
    domain::{AlasanLowongan, Jenjang},
    generate::{GenerateOptions, generate},
    ingest::ImportKind,
    notify::Mailer,
    service::{
        self, ImportOptions,
        placement::place,
        screening::{ScreenOptions, screen},
        vacancy::VacancyRequest,
    },
};

const MARKER: &str = ".merit-demo";

fn fail(context: &str, e: impl std::fmt::Display) -> Failure {
    Failure::unexpected(format!("{context}: {e}"))
}

/// Removes and recreates the demo folder (only a folder merit created, or an empty one).
fn fresh_folder(dir: &Path) -> Result<(), Failure> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !dir.join(MARKER).exists() && !empty {
            return Err(Failure::invalid(format!(
                "folder {} sudah ada dan bukan folder demo merit; pilih folder lain dengan --dir",
                dir.display()
            )));
        }
        std::fs::remove_dir_all(dir)
            .map_err(|e| fail("tidak dapat mengosongkan folder demo", e))?;
    }
    std::fs::create_dir_all(dir).map_err(|e| fail("tidak dapat membuat folder demo", e))?;
    std::fs::write(dir.join(MARKER), "folder demo merit; aman dihapus\n")
        .map_err(|e| fail("tidak dapat menulis folder demo", e))
}

/// Approval links in the `.eml` files of `outbox`, with their labels and recipients.
fn links(outbox: &Path) -> Vec<(String, String, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(outbox)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        let to = text
            .lines()
            .find_map(|l| l.strip_prefix("To: "))
            .map(|t| {
                t.rsplit_once('<')
                    .map_or(t, |(_, a)| a.trim_end_matches('>'))
                    .to_owned()
            })
            .unwrap_or_default();
        // The plain-text part: `  LABEL: URL` lines (quoted-printable soft breaks joined).
        let joined = text
            .replace("=\r\n", "")
            .replace("=\n", "")
            .replace("=3D", "=");
        for line in joined.lines() {
            let l = line.trim();
            if let Some((label, url)) = l.split_once(": http")
                && url.contains("/persetujuan/")
                && !label.contains('<')
            {
                out.push((to.clone(), label.to_owned(), format!("http{url}")));
            }
        }
    }
    out
}

pub(super) async fn run(
    config: Option<&Path>,
    dir: &Path,
    candidates: u64,
    no_serve: bool,
    json: bool,
) -> Result<Exit, Failure> {
    fresh_folder(dir)?;
    let dir = dir.canonicalize().map_err(|e| fail("folder demo", e))?;
    let data = dir.join("data");
    let summary = {
        let opts = GenerateOptions {
            candidates,
            out: data.clone(),
            seed: crate::generate::DEFAULT_SEED,
        };
        tokio::task::spawn_blocking(move || generate(&opts))
            .await
            .map_err(|e| fail("data sintetis", e))?
            .map_err(|e| fail("data sintetis", e))?
    };
    let mut settings = Settings::load(config)?;
    settings.database_url = format!("sqlite://{}/merit.db", dir.display());
    settings.mail_url = MailUrl::File(dir.join("outbox"));
    settings.directory = data.join("directory.yaml");
    if settings.instansi == crate::config::Agency::default() {
        settings.instansi.nama = "Pemerintah Kabupaten Contoh (data fiktif)".to_owned();
        settings.instansi.kota = Some("Kota Contoh".to_owned());
    }
    // Listen where configured, or on any free port when that one is taken.
    let listener = match serve::bind(settings.http_addr).await {
        Ok(l) => l,
        Err(_) => serve::bind(std::net::SocketAddr::from(([127, 0, 0, 1], 0))).await?,
    };
    let addr = listener.local_addr().map_err(|e| fail("HTTP", e))?;
    settings.http_addr = addr;
    settings.base_url = format!("http://{addr}");
    let app = open_app(settings).await?;
    let by = "demo".to_owned();
    for (kind, file) in [
        (ImportKind::Candidates, "candidates.csv"),
        (ImportKind::Formations, "formations.csv"),
        (ImportKind::Employees, "employees.csv"),
    ] {
        let opts = ImportOptions {
            kind,
            path: data.join(file),
            skip_invalid: true,
            sheet: None,
            by: by.clone(),
            progress: None,
        };
        service::import(&app, &opts, |_| {}).await?;
    }
    let run = screen(
        &app,
        &ScreenOptions {
            ruleset: None,
            by: by.clone(),
            progress: None,
            stop: None,
        },
    )
    .await?;
    let placement = place(&app, Some(&run.run_id), &by).await?;
    let proposal =
        service::workflow::start(&app, "usulan_pppk_paruh_waktu", None, "kepala_bkpsdm").await?;
    let employees = app.store.employees().await?;
    let unit = employees
        .first()
        .map(|e| e.unit_kerja.clone())
        .unwrap_or_else(|| "U01".to_owned());
    let vacancy = service::vacancy::open(
        &app,
        &VacancyRequest {
            jenjang: Jenjang::Administrator,
            unit,
            jabatan: "Kepala Bagian Umum dan Kepegawaian".to_owned(),
            alasan: AlasanLowongan::parse("pensiun").map_err(|e| fail("alasan", e))?,
            tanggal: None,
        },
        &by,
    )
    .await?;
    let mailer = Mailer::new(&app.settings.mail_url);
    let sent = service::outbox::deliver(&app, &mailer, true).await?;
    let outbox = dir.join("outbox");
    let found = links(&outbox);
    if json {
        output::print_json(&serde_json::json!({
            "folder": dir, "calon": summary.calon, "run_id": run.run_id, "layak": run.layak,
            "tidak_layak": run.tidak_layak, "perlu_verifikasi": run.perlu_verifikasi,
            "penempatan_id": placement.penempatan.id, "ditempatkan": placement.penempatan.ditempatkan,
            "usulan_instance_id": proposal, "lowongan_id": vacancy.lowongan_id,
            "pengisian_instance_id": vacancy.instance_id, "surat_terkirim": sent.terkirim,
            "alamat": format!("http://{addr}"),
            "tautan": found.iter().map(|(to, label, url)| serde_json::json!({"kepada": to, "jawaban": label, "url": url})).collect::<Vec<_>>(),
        }))?;
    } else {
        println!(
            "Demo merit — Kabupaten contoh (data fiktif) di {}",
            dir.display()
        );
        println!(
            "  {} calon dibuat dan diimpor; {} baris formasi ({} kebutuhan); {} pegawai.",
            output::count(summary.calon),
            output::count(summary.formasi),
            output::count(summary.jumlah_formasi),
            output::count(summary.pegawai)
        );
        println!(
            "  Penyaringan: {} layak, {} tidak layak, {} perlu verifikasi.",
            output::count(run.layak),
            output::count(run.tidak_layak),
            output::count(run.perlu_verifikasi)
        );
        println!(
            "  Penempatan: {} calon ditempatkan, {} calon layak belum mendapat formasi.",
            output::count(placement.penempatan.ditempatkan),
            output::count(placement.penempatan.tidak_ditempatkan)
        );
        println!("  Alur usulan kebutuhan PPPK paruh waktu dimulai.");
        match &vacancy.instance_id {
            Some(_) => println!(
                "  Lowongan Kepala Bagian Umum dan Kepegawaian: daftar pendek {} orang; alur pengisian jabatan dimulai.",
                vacancy.shortlist.len()
            ),
            None => println!("  Lowongan dicatat; tidak ada pegawai yang memenuhi syarat."),
        }
        println!("  {} surel ditulis ke {}.", sent.terkirim, outbox.display());
        println!();
        println!(
            "Tautan persetujuan (buka di peramban; halaman konfirmasi tidak mengubah apa pun sebelum tombol ditekan):"
        );
        for (to, label, url) in &found {
            println!("  {to} — {label}:\n    {url}");
        }
    }
    if no_serve {
        return Ok(Exit::Ok);
    }
    serve::run_service(app, listener).await
}
