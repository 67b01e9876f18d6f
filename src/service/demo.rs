//! `merit demo` (interfaces.md 10): a regency-sized synthetic data set in its own folder,
//! imported, screened and placed; one proposal workflow and one job-fill started; the prompts
//! written to the file outbox. The command line prints the result and serves HTTP.

use std::path::{Path, PathBuf};

use super::{
    App, ImportOptions, Invalid, ServiceError,
    placement::place,
    screening::{ScreenOptions, screen},
    workflow::vacancy::VacancyRequest,
};
use crate::{
    clock::SharedClock,
    config::{Agency, MailUrl, Settings},
    domain::{AlasanLowongan, Jenjang},
    generate::{GenerateOptions, GenerateSummary, generate},
    ingest::ImportKind,
};

const MARKER: &str = ".merit-demo";

fn fail(context: &str, e: impl std::fmt::Display) -> ServiceError {
    ServiceError::failed(context, e)
}

fn io_fail(context: &str, e: &std::io::Error) -> ServiceError {
    ServiceError::failed(context, crate::domain::io_message(e))
}

/// Removes and recreates the demo folder (only a folder merit created, or an empty one).
fn fresh_folder(dir: &Path) -> Result<(), ServiceError> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !dir.join(MARKER).exists() && !empty {
            return Err(Invalid::ForeignFolder(dir.display().to_string()).into());
        }
        std::fs::remove_dir_all(dir)
            .map_err(|e| io_fail("tidak dapat mengosongkan folder demo", &e))?;
    }
    std::fs::create_dir_all(dir).map_err(|e| io_fail("tidak dapat membuat folder demo", &e))?;
    std::fs::write(dir.join(MARKER), "folder demo merit; aman dihapus\n")
        .map_err(|e| io_fail("tidak dapat menulis folder demo", &e))
}

/// An approval link found in a prompt of the outbox.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DemoLink {
    /// Recipient.
    pub kepada: String,
    /// What the link answers (`SETUJU`, …).
    pub jawaban: String,
    /// The link.
    pub url: String,
}

/// Approval links in the `.eml` files of `outbox`, with their labels and recipients.
fn links(outbox: &Path) -> Vec<DemoLink> {
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
                && !url.ends_with("/rincian")
                && !label.contains('<')
            {
                out.push(DemoLink {
                    kepada: to.clone(),
                    jawaban: label.to_owned(),
                    url: format!("http{url}"),
                });
            }
        }
    }
    out
}

/// What the demo prepared.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DemoReport {
    /// The folder the demo's files were written to.
    pub folder: PathBuf,
    /// What was generated.
    pub data: GenerateSummary,
    /// `layak` candidates.
    pub layak: u64,
    /// `tidak_layak` candidates.
    pub tidak_layak: u64,
    /// `perlu_verifikasi` candidates.
    pub perlu_verifikasi: u64,
    /// Candidates placed.
    pub ditempatkan: u64,
    /// Eligible candidates without a slot.
    pub tidak_ditempatkan: u64,
    /// The proposal workflow instance.
    pub usulan_instance_id: String,
    /// The vacancy.
    pub lowongan_id: String,
    /// Its job-fill workflow instance, when someone qualified.
    pub pengisian_instance_id: Option<String>,
    /// People on the job-fill shortlist.
    pub daftar_pendek: usize,
    /// Messages written to the outbox.
    pub surat_terkirim: u64,
    /// The outbox folder.
    pub kotak_keluar: PathBuf,
    /// The approval links of the prompts.
    pub tautan: Vec<DemoLink>,
    /// The console's administrator account: e-mail and generated password.
    pub akun_admin: (String, String),
    /// The lists and documents written into the demo folder.
    pub berkas: Vec<PathBuf>,
    /// The public announcement's number.
    pub pengumuman: i32,
    /// The demo's objections: (receipt, how it ended, in words).
    pub sanggah: Vec<(String, String)>,
}

/// The demo's administrator account.
pub const DEMO_ADMIN: &str = "admin@merit.contoh.go.id";

/// Starts over in `dir`: synthetic data for `candidates` candidates, settings pointing at it
/// (`base` for the rest), and the application over it.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn prepare(
    base: Settings,
    dir: &Path,
    candidates: u64,
    clock: SharedClock,
) -> Result<(App, GenerateSummary, PathBuf), ServiceError> {
    fresh_folder(dir)?;
    let dir = dir.canonicalize().map_err(|e| io_fail("folder demo", &e))?;
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
            .map_err(|e| io_fail("data sintetis", &e))?
    };
    let mut settings = base;
    settings.database_url = format!("sqlite://{}/merit.db", dir.display());
    settings.mail_url = MailUrl::File(dir.join("outbox"));
    settings.directory = data.join("directory.yaml");
    if settings.instansi == Agency::default() {
        settings.instansi.nama = "Pemerintah Kabupaten Contoh (data fiktif)".to_owned();
        settings.instansi.kota = Some("Kota Contoh".to_owned());
        settings.instansi.alamat = Some("Jalan Merdeka Nomor 1, Kota Contoh".to_owned());
    }
    // The regional minimum wage the generated pay is set against.
    settings.umk.get_or_insert(3_500_000);
    write_config(&dir, &settings)?;
    let app = App::open(settings, clock).await?;
    Ok((app, summary, dir))
}

/// The demo's settings as `DIR/merit.yaml`, with absolute paths: `cd DIR && merit …` (or
/// `merit --config DIR/merit.yaml …`) then works on the demo's database, outbox and directory
/// instead of creating an empty database somewhere else.
fn write_config(dir: &Path, settings: &Settings) -> Result<(), ServiceError> {
    #[derive(serde::Serialize)]
    struct DemoConfig<'a> {
        database_url: &'a str,
        tenant: &'a str,
        timezone: &'a str,
        link_ttl: String,
        mail_url: String,
        directory: String,
        rules_dir: String,
        workflows_dir: String,
        dokumen_dir: String,
        base_url: &'a str,
        http_addr: String,
        umk: Option<i64>,
        instansi: &'a Agency,
    }
    let absolute = |p: &Path| -> String {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().map_or_else(|_| p.to_path_buf(), |cwd| cwd.join(p))
        };
        p.display().to_string()
    };
    let mail_url = match &settings.mail_url {
        MailUrl::File(folder) => format!("file://{}", absolute(folder)),
        _ => format!("file://{}", dir.join("outbox").display()),
    };
    let config = DemoConfig {
        database_url: &settings.database_url,
        tenant: &settings.tenant,
        timezone: settings.timezone.name(),
        link_ttl: format!("{}m", settings.link_ttl.num_minutes()),
        mail_url,
        directory: absolute(&settings.directory),
        rules_dir: absolute(&settings.rules_dir),
        workflows_dir: absolute(&settings.workflows_dir),
        dokumen_dir: absolute(&settings.documents_dir),
        base_url: &settings.base_url,
        http_addr: settings.http_addr.to_string(),
        umk: settings.umk,
        instansi: &settings.instansi,
    };
    let yaml = serde_yaml::to_string(&config).map_err(|e| fail("konfigurasi demo", e))?;
    let text = format!(
        "# Konfigurasi demo merit, ditulis oleh `merit demo`. Jalankan perintah merit dari folder\n# ini (cd {}) agar memakai basis data, kotak keluar, dan direktori demo.\n{yaml}",
        dir.display()
    );
    std::fs::write(dir.join("merit.yaml"), text)
        .map_err(|e| io_fail("tidak dapat menulis konfigurasi demo", &e))
}

/// Imports the data, screens, places, starts the workflows and writes the prompts.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn run(
    app: &App,
    summary: GenerateSummary,
    dir: &Path,
) -> Result<DemoReport, ServiceError> {
    let data = dir.join("data");
    let by = super::ground::audit::Actor {
        orang: "demo".to_owned(),
        dari: "sistem".to_owned(),
    };
    for (kind, file) in [
        (ImportKind::Candidates, "candidates.csv"),
        (ImportKind::Formations, "formations.csv"),
        (ImportKind::Employees, "employees.csv"),
    ] {
        let opts = ImportOptions {
            kind,
            path: data.join(file),
            skip_invalid: true,
            izinkan_di_bawah_katalog: false,
            sheet: None,
            berkas: None,
            actor: by.clone(),
            progress: None,
        };
        super::import(app, &opts, |_| {}).await?;
    }
    let run = screen(
        app,
        &ScreenOptions {
            ruleset: None,
            actor: by.clone(),
            progress: None,
            stop: None,
            started: None,
        },
    )
    .await?;
    let placement = place(app, Some(&run.run_id), &by).await?;
    let proposal = super::workflow::start(
        app,
        "usulan_pppk_paruh_waktu",
        None,
        &by,
        Some("kepala_bkpsdm"),
    )
    .await?;
    let unit = app
        .store
        .employees()
        .await?
        .first()
        .map(|e| e.unit_kerja.clone())
        .unwrap_or_else(|| "U01".to_owned());
    let vacancy = super::workflow::vacancy::open(
        app,
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
    let sent = super::outbox::flush(app).await?;
    let berkas = write_papers(app, dir).await?;
    let outbox = dir.join("outbox");
    // The approval links printed are the proposal's and the vacancy's, taken before the
    // objections' prompts (answered at once below) reach the outbox.
    let tautan = links(&outbox);
    let announced =
        super::public::announcement::publish(app, &super::public::PublishRequest::default(), &by)
            .await?;
    let sanggah = objections(app, &run.run_id, &by).await?;
    super::outbox::flush(app).await?;
    let email = crate::domain::Email::parse(DEMO_ADMIN).map_err(ServiceError::internal)?;
    let password = super::accounts::add(
        app,
        &email,
        "Administrator Demo",
        crate::domain::Role::Admin,
        None,
        &crate::service::ground::audit::Actor::cli(),
    )
    .await?
    .unwrap_or_default();
    Ok(DemoReport {
        akun_admin: (DEMO_ADMIN.to_owned(), password),
        folder: dir.to_path_buf(),
        data: summary,
        layak: run.layak,
        tidak_layak: run.tidak_layak,
        perlu_verifikasi: run.perlu_verifikasi,
        ditempatkan: placement.penempatan.ditempatkan,
        tidak_ditempatkan: placement.penempatan.tidak_ditempatkan,
        usulan_instance_id: proposal,
        lowongan_id: vacancy.lowongan_id,
        pengisian_instance_id: vacancy.instance_id,
        daftar_pendek: vacancy.shortlist.len(),
        surat_terkirim: sent.terkirim,
        tautan,
        kotak_keluar: outbox,
        berkas,
        pengumuman: announced.nomor,
        sanggah,
    })
}

/// Two objections walked to their end, so a newcomer sees the whole loop: a candidate left out
/// as no longer active objects with proof, the verifier upholds it, the data is corrected and
/// the Kepala BKPSDM confirms (the candidate is screened again and placed where a slot is
/// free); another objects without proof and is dismissed with the reason.
async fn objections(
    app: &App,
    run_id: &str,
    by: &super::ground::audit::Actor,
) -> Result<Vec<(String, String)>, ServiceError> {
    use super::public::{ObjectionForm, StatusOutcome, StatusRequest, objection, status};
    use crate::workflow::{Answer, Channel};
    let run = super::ground::runs::existing_run(&app.store, run_id).await?;
    let (mut inactive, mut other) = (None, None);
    let mut cursor = String::new();
    while inactive.is_none() || other.is_none() {
        let page = app.store.export_page(&run.id, &cursor, 5_000).await?;
        let Some(last) = page.last() else { break };
        cursor = last.decision.nik.as_str().to_owned();
        for r in page {
            let f = crate::domain::Findings::of(
                run.aturan.iter().map(String::as_str),
                &r.decision.verdicts(),
            );
            if f.gagal == ["PW-05"] && f.tinjau.is_empty() && inactive.is_none() {
                inactive = Some(r.decision.nik);
            } else if r.decision.hasil == crate::domain::Hasil::TidakLayak && other.is_none() {
                other = Some(r.decision.nik);
            }
        }
    }
    let mut out = Vec::new();
    let cases = [
        (
            inactive,
            "Saya masih aktif bekerja di unit yang sama sejak 2019; terlampir surat keterangan aktif bekerja dari kepala unit.",
            true,
        ),
        (other, "Saya keberatan dengan hasil ini.", false),
    ];
    for (i, (nik, reason, upheld)) in cases.into_iter().enumerate() {
        let Some(nik) = nik else { continue };
        let Some(c) = app.store.candidate(&nik).await? else {
            continue;
        };
        let check = status::check(
            app,
            &StatusRequest {
                nik: nik.as_str().to_owned(),
                tanggal_lahir: c.tanggal_lahir.format("%d-%m-%Y").to_string(),
                nomor_peserta: c.nomor_peserta.clone(),
                dari: "demo".to_owned(),
            },
        )
        .await?;
        let StatusOutcome::Found(view) = check else {
            continue;
        };
        let Some(token) = view.token else { continue };
        let receipt = objection::submit(
            app,
            &ObjectionForm {
                token,
                alasan: reason.to_owned(),
                email: Some(format!("calon{}@contoh.id", i + 1)),
                no_hp: None,
                berkas: if upheld {
                    vec![b"%PDF-1.4\n% surat keterangan aktif bekerja (contoh)\n".to_vec()]
                } else {
                    Vec::new()
                },
                dari: "demo".to_owned(),
            },
        )
        .await?;
        let Some(inst) = objection::show(app, &receipt).await?.row.instance_id else {
            continue;
        };
        let answer =
            |step: &str, who: &str, jawaban: Answer, note: &str| super::workflow::DecideRequest {
                instance: inst.clone(),
                langkah: step.to_owned(),
                orang: who.to_owned(),
                jawaban,
                komentar: Some(note.to_owned()),
                saluran: Channel::Tautan,
                dicatat_oleh: None,
                kunjungan: None,
            };
        if upheld {
            super::workflow::decide(
                app,
                &answer(
                    "telaah",
                    "verifikator_1",
                    Answer::Setuju,
                    "Surat keterangan aktif bekerja sah; data status aktif bekerja dikoreksi",
                ),
            )
            .await?;
            super::screening::correction::set(
                app,
                by,
                &nik,
                &[("aktif_bekerja".to_owned(), "ya".to_owned())],
                &format!("Surat keterangan aktif bekerja dari kepala unit (sanggah {receipt})"),
            )
            .await?;
        } else {
            super::workflow::decide(
                app,
                &answer(
                    "telaah",
                    "verifikator_2",
                    Answer::Tolak,
                    "Tidak ada bukti yang dilampirkan; hasil penyaringan sesuai data",
                ),
            )
            .await?;
        }
        super::workflow::decide(
            app,
            &answer(
                "keputusan",
                "kepala_bkpsdm",
                Answer::Setuju,
                "Hasil telaah disahkan",
            ),
        )
        .await?;
        let done = objection::show(app, &receipt).await?.row;
        out.push((
            receipt,
            match (done.status.as_str(), done.hasil_baru) {
                ("diterima", Some(h)) => format!("diterima; hasil baru: {h}"),
                (s, _) => objection::status_label(s).to_owned(),
            },
        ));
    }
    Ok(out)
}

/// Writes every list (XLSX) and document (PDF) of the demo proposal and vacancy into `dir`,
/// so that a new user can open them.
async fn write_papers(app: &App, dir: &Path) -> Result<Vec<PathBuf>, ServiceError> {
    let mut out = Vec::new();
    for kind in super::placement::lists::ListKind::ALL {
        let path = dir.join(format!("{}.xlsx", kind.code()));
        super::placement::lists::export(app, kind, None, &path, true).await?;
        out.push(path);
    }
    for kind in crate::documents::DocumentKind::ALL {
        let path = dir.join(format!("{}.pdf", kind.code()));
        match super::placement::documents::write(app, kind, None, None, &path).await {
            Ok(_) => out.push(path),
            // Minutes wait for the first answer of their step: the demo leaves the steps to
            // the person trying it, so they are drawn once someone answers.
            Err(ServiceError::Refused(super::Refusal::MinutesUnanswered(why))) => {
                tracing::info!("{}: {why}", kind.code());
            }
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}
