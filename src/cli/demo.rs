//! `merit demo` (interfaces.md 10): prepares the demo through the service, prints what it did
//! and the approval links, then serves HTTP until Ctrl-C.

use std::path::Path;

use super::{Exit, Failure, output, serve};
use crate::{
    clock::{SharedClock, SystemClock},
    config::Settings,
    service::{self, runtime::Frontend},
};

pub(super) async fn run(
    config: Option<&Path>,
    dir: &Path,
    candidates: u64,
    no_serve: bool,
    json: bool,
    frontend: &dyn Frontend,
) -> Result<Exit, Failure> {
    let mut base = Settings::load(config)?;
    // Listen where configured, or on any free port when that one is taken.
    let listener = match serve::bind(base.http_addr).await {
        Ok(l) => l,
        Err(_) => serve::bind(std::net::SocketAddr::from(([127, 0, 0, 1], 0))).await?,
    };
    let addr = listener
        .local_addr()
        .map_err(|e| Failure::unexpected(crate::domain::io_message(&e)))?;
    base.http_addr = addr;
    base.base_url = format!("http://{addr}");
    let clock: SharedClock = std::sync::Arc::new(SystemClock);
    let (app, summary, folder) = service::demo::prepare(base, dir, candidates, clock).await?;
    let r = service::demo::run(&app, summary, &folder).await?;
    if json {
        output::print_json(&serde_json::json!({
            "folder": r.folder, "calon": r.data.calon, "layak": r.layak,
            "tidak_layak": r.tidak_layak, "perlu_verifikasi": r.perlu_verifikasi,
            "ditempatkan": r.ditempatkan,
            "usulan_instance_id": r.usulan_instance_id, "lowongan_id": r.lowongan_id,
            "pengisian_instance_id": r.pengisian_instance_id, "surat_terkirim": r.surat_terkirim,
            "alamat": format!("http://{addr}"),
            "konsol": format!("http://{addr}/admin"),
            "akun_admin": { "email": r.akun_admin.0, "kata_sandi": r.akun_admin.1 },
            "tautan": r.tautan,
            "konfigurasi": r.folder.join("merit.yaml"),
        }))?;
    } else {
        print_demo(&r, addr);
    }
    if no_serve {
        return Ok(Exit::Ok);
    }
    serve::run_service(app, listener, frontend).await
}

/// The public announcement and the demo's objections.
fn print_public(r: &service::demo::DemoReport, addr: std::net::SocketAddr) {
    println!();
    println!(
        "Pengumuman publik nomor {}: http://{addr}/pengumuman/{} (PDF: /pengumuman/{}.pdf); calon memeriksa hasil dan mengajukan sanggah di http://{addr}/layanan",
        r.pengumuman, r.pengumuman, r.pengumuman
    );
    for (nomor, hasil) in &r.sanggah {
        println!("  Sanggah {nomor}: {hasil}.");
    }
    println!();
}

/// What the demo did and where to look, in words.
fn print_demo(r: &service::demo::DemoReport, addr: std::net::SocketAddr) {
    println!(
        "Demo merit — Kabupaten contoh (data fiktif) di {}",
        r.folder.display()
    );
    println!(
        "  {} calon dibuat dan diimpor; {} baris formasi ({} kebutuhan); {} pegawai.",
        output::count(r.data.calon),
        output::count(r.data.formasi),
        output::count(r.data.jumlah_formasi),
        output::count(r.data.pegawai)
    );
    println!(
        "  Penyaringan: {} layak, {} tidak layak, {} perlu verifikasi.",
        output::count(r.layak),
        output::count(r.tidak_layak),
        output::count(r.perlu_verifikasi)
    );
    println!(
        "  Penempatan: {} calon ditempatkan, {} calon layak belum mendapat formasi.",
        output::count(r.ditempatkan),
        output::count(r.tidak_ditempatkan)
    );
    println!("  Alur usulan kebutuhan PPPK paruh waktu dimulai.");
    match &r.pengisian_instance_id {
        Some(_) => println!(
            "  Lowongan Kepala Bagian Umum dan Kepegawaian: daftar pendek {} orang; alur pengisian jabatan dimulai.",
            r.daftar_pendek
        ),
        None => println!("  Lowongan dicatat; tidak ada pegawai yang memenuhi syarat."),
    }
    println!(
        "  {} surel ditulis ke {}.",
        r.surat_terkirim,
        r.kotak_keluar.display()
    );
    println!(
        "  Daftar (XLSX) dan dokumen (PDF) untuk ditandatangani ditulis ke {}:",
        r.folder.display()
    );
    let names: Vec<String> = r
        .berkas
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    println!("    {}", names.join(", "));
    println!();
    println!(
        "Tautan persetujuan (buka di peramban; halaman konfirmasi tidak mengubah apa pun sebelum tombol ditekan):"
    );
    for l in &r.tautan {
        println!("  {} — {}:\n    {}", l.kepada, l.jawaban, l.url);
    }
    if let Some(first) = r.tautan.first() {
        println!(
            "Rincian permohonan (daftar calon, rekap, unduhan XLSX): tambahkan /rincian pada tautan mana pun di atas, misalnya\n    {}/rincian",
            first.url
        );
    }
    print_public(r, addr);
    println!("Konsol web: http://{addr}/admin");
    println!(
        "  Masuk dengan surel {} dan kata sandi {}",
        r.akun_admin.0, r.akun_admin.1
    );
    println!("  (akun administrator demo; kata sandi ini hanya dicetak sekali).");
    println!();
    println!(
        "Perintah merit untuk demo ini (konfigurasinya di {}):",
        r.folder.join("merit.yaml").display()
    );
    println!(
        "  cd {} && merit runs list",
        output::shell_word(&r.folder.display().to_string())
    );
}
