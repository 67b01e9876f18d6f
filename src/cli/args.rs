//! Command-line arguments. Doc comments here are the `--help` text people read, so they are in
//! Bahasa Indonesia.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// merit — mesin aturan dan alur persetujuan sistem merit untuk BKPSDM.
#[derive(Debug, Parser)]
#[command(name = "merit", version, disable_help_subcommand = true)]
pub struct Cli {
    /// Berkas konfigurasi YAML (bawaan: merit.yaml bila ada).
    #[arg(long, global = true, value_name = "BERKAS")]
    pub config: Option<PathBuf>,

    /// Cetak hasil sebagai JSON.
    #[arg(long, global = true)]
    pub json: bool,

    /// Format log: teks atau json.
    #[arg(long, global = true, value_enum, value_name = "FORMAT", default_value_t = LogFormat::Teks)]
    pub log_format: LogFormat,

    /// Perintah.
    #[command(subcommand)]
    pub command: Command,
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    #[value(name = "teks", alias = "text")]
    Teks,
    /// One JSON object per line.
    Json,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Terapkan migrasi basis data.
    Migrate,
    /// Impor calon, formasi, atau pegawai dari berkas CSV atau XLSX.
    Import(ImportArgs),
    /// Buat data sintetis sebuah kabupaten yang deterministik.
    Generate(GenerateArgs),
    /// Periksa, uji, dan jelaskan ruleset (aturan Rhai).
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Saring semua calon dengan ruleset (penyaringan yang terputus dapat dilanjutkan).
    Screen {
        /// Ruleset yang dipakai (bawaan: satu-satunya ruleset untuk calon).
        #[arg(long, value_name = "ID")]
        ruleset: Option<String>,
        /// Evaluasi tanpa menyimpan apa pun; tampilkan perubahan hasil dibandingkan penyaringan terakhir.
        #[arg(long)]
        dry_run: bool,
        /// Saring ulang satu calon saja sekarang (mis. setelah koreksi data atau verifikasi manual).
        #[arg(long, value_name = "NIK", conflicts_with_all = ["dry_run", "ruleset"])]
        nik: Option<String>,
    },
    /// Verifikasi manual atas aturan yang hasilnya perlu diperiksa dengan tangan.
    #[command(subcommand)]
    Verification(VerificationCommand),
    /// Data seorang calon: lihat, dan koreksi kolom demi kolom dengan alasan.
    #[command(subcommand)]
    Candidate(CandidateCommand),
    /// Penyaringan yang lalu: daftar, rincian, perbandingan, pemeriksaan ulang, pembatalan.
    #[command(subcommand)]
    Runs(RunsCommand),
    /// Tempatkan calon yang layak ke formasi.
    Place {
        /// Penyaringan yang dipakai (bawaan: penyaringan terakhir yang selesai).
        #[arg(long, value_name = "ID")]
        run: Option<String>,
    },
    /// Ekspor keputusan, penempatan, dan daftar usulan ke berkas .csv atau .xlsx.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Dokumen PDF untuk ditandatangani: berita acara, surat usulan, SPTJM, rekap.
    #[command(subcommand)]
    Document(DocumentCommand),
    /// Alur persetujuan: periksa definisi, mulai, daftar, rincian, dan keputusan.
    #[command(subcommand)]
    Workflow(WorkflowCommand),
    /// Lowongan jabatan: saring pegawai dan mulai alur pengisian jabatan.
    #[command(subcommand)]
    Vacancy(VacancyCommand),
    /// Pengumuman hasil untuk publik dan masa sanggahnya.
    #[command(subcommand)]
    Announcement(AnnouncementCommand),
    /// Sanggah calon atas pengumuman.
    #[command(subcommand)]
    Objection(ObjectionCommand),
    /// Surat: kirim isi kotak keluar, atau proses balasan email.
    #[command(subcommand)]
    Mail(MailCommand),
    /// Jalankan semuanya: HTTP, penjadwal, pengiriman surat, dan pemuatan ulang definisi.
    Serve,
    /// Jadwal tugas terjadwal.
    #[command(subcommand)]
    Schedule(ScheduleCommand),
    /// Demo: data sintetis sebuah kabupaten, penyaringan, penempatan, alur persetujuan, dan tautan.
    Demo {
        /// Folder kerja demo (dihapus dan dibuat ulang).
        #[arg(long, value_name = "FOLDER", default_value = "demo")]
        dir: std::path::PathBuf,
        /// Jumlah calon.
        #[arg(long, value_name = "JUMLAH", default_value_t = 4_200)]
        candidates: u64,
        /// Keluar setelah menyiapkan demo, tanpa melayani HTTP.
        #[arg(long)]
        no_serve: bool,
    },
    /// Tulis salinan bawaan ruleset, alur persetujuan, dan templat ke FOLDER untuk diubah.
    Init {
        /// Folder tujuan (bawaan: folder ini); berkas yang sudah ada tidak ditimpa.
        #[arg(value_name = "FOLDER", default_value = ".")]
        dir: PathBuf,
    },
    /// Ukur kecepatan (untuk catatan teknis).
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Akun konsol web: tambah, daftar, nonaktifkan, atur ulang kata sandi.
    #[command(subcommand)]
    User(UserCommand),
    /// Catatan audit: daftar dan pemeriksaan rantai hash.
    #[command(subcommand)]
    Audit(AuditCommand),
}

/// `merit verification …`.
#[derive(Debug, Subcommand)]
pub enum VerificationCommand {
    /// Catat temuan verifikator pada satu aturan seorang calon (berlaku selama datanya tidak berubah).
    Set {
        /// NIK calon.
        nik: String,
        /// Id aturan (mis. PW-01).
        #[arg(long, value_name = "ATURAN")]
        rule: String,
        /// Hasil pemeriksaan: lolos atau gagal.
        #[arg(long, value_name = "HASIL")]
        result: String,
        /// Catatan: apa yang diperiksa (mis. KTP asli).
        #[arg(long, value_name = "TEKS")]
        note: String,
    },
    /// Daftar temuan verifikasi manual, terbaru lebih dulu.
    List {
        /// Hanya temuan untuk calon ini.
        #[arg(long, value_name = "NIK")]
        nik: Option<String>,
    },
    /// Cabut temuan yang berlaku pada satu aturan seorang calon.
    Clear {
        /// NIK calon.
        nik: String,
        /// Id aturan.
        #[arg(long, value_name = "ATURAN")]
        rule: String,
        /// Alasan pencabutan.
        #[arg(long, value_name = "TEKS")]
        note: String,
    },
}

/// `merit candidate …`.
#[derive(Debug, Subcommand)]
pub enum CandidateCommand {
    /// Tampilkan data seorang calon (kolom seperti pada berkas impor).
    Show {
        /// NIK calon.
        nik: String,
    },
    /// Koreksi kolom data seorang calon; data lama diarsipkan dan perubahan dicatat di audit.
    Set {
        /// NIK calon.
        nik: String,
        /// Perubahan KOLOM=NILAI, satu atau lebih (mis. jenis_kelamin=P).
        #[arg(value_name = "KOLOM=NILAI", required = true)]
        changes: Vec<String>,
        /// Dasar koreksi (wajib).
        #[arg(long, value_name = "TEKS")]
        reason: String,
    },
}

/// `merit user …`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Tambah akun (kata sandi dibuat otomatis dan dicetak sekali, kecuali --password-stdin).
    Add {
        /// Alamat surel (nama untuk masuk).
        email: String,
        /// Peran: admin, operator, atau pengamat.
        #[arg(long, value_name = "PERAN")]
        role: String,
        /// Nama yang ditampilkan.
        #[arg(long, value_name = "NAMA")]
        nama: Option<String>,
        /// Baca kata sandi (paling sedikit 10 karakter) dari baris pertama masukan standar.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Daftar akun.
    List,
    /// Nonaktifkan akun; sesinya berakhir saat itu juga.
    Disable {
        /// Alamat surel.
        email: String,
    },
    /// Aktifkan kembali akun yang dinonaktifkan.
    Enable {
        /// Alamat surel.
        email: String,
    },
    /// Atur ulang kata sandi (dibuat otomatis, kecuali --password-stdin); sesinya berakhir.
    ResetPassword {
        /// Alamat surel.
        email: String,
        /// Baca kata sandi baru dari baris pertama masukan standar.
        #[arg(long)]
        password_stdin: bool,
    },
}

/// `merit audit …`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Catatan audit, terbaru lebih dulu.
    List {
        /// Hanya catatan orang ini (surel, atau cli:NAMA).
        #[arg(long, value_name = "ORANG")]
        orang: Option<String>,
        /// Hanya sejak tanggal ini (YYYY-MM-DD, waktu setempat).
        #[arg(long, value_name = "TANGGAL")]
        sejak: Option<String>,
        /// Hanya catatan tentang calon ini (NIK lengkap; dicocokkan lewat tanda berkunci).
        #[arg(long, value_name = "NIK")]
        nik: Option<String>,
        /// Paling banyak sekian catatan.
        #[arg(long, value_name = "JUMLAH", default_value_t = 100)]
        limit: u64,
    },
    /// Hitung ulang rantai hash berkunci; sebutkan catatan pertama yang berubah (keluar 4 bila rusak).
    Verify {
        /// Berkas jangkar dari merit audit anchor: juga periksa bahwa tidak ada catatan sampai
        /// jangkar itu yang dihapus atau ditulis ulang.
        #[arg(long, value_name = "BERKAS")]
        anchor: Option<std::path::PathBuf>,
    },
    /// Cetak kepala rantai audit (nomor, waktu, hash berkunci) untuk disimpan di luar basis data.
    Anchor {
        /// Tulis jangkar ke berkas ini (JSON) alih-alih mencetaknya.
        #[arg(long, value_name = "BERKAS")]
        output: Option<std::path::PathBuf>,
    },
}

/// `merit mail …`.
#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Baca satu pesan email (RFC 5322) dari masukan standar dan proses sebagai jawaban.
    Ingest {
        /// Untuk alias pipa server surat: keluar 0 bila pesan tertangani (termasuk ditolak dengan
        /// penjelasan), 75 bila harus dicoba lagi nanti, 65 bila masukan bukan pesan surel.
        #[arg(long)]
        mta: bool,
    },
    /// Kirim semua isi kotak keluar sekarang (mengabaikan jeda percobaan ulang), lalu keluar.
    Flush,
}

/// `merit schedule …`.
#[derive(Debug, Subcommand)]
pub enum ScheduleCommand {
    /// Setiap tugas terjadwal dengan lima waktu berikutnya.
    List,
}

/// `merit workflow …`.
#[derive(Debug, Subcommand)]
pub enum WorkflowCommand {
    /// Validasi setiap workflow (dan direktori orang).
    Check,
    /// Mulai sebuah instans workflow.
    Start {
        /// Id workflow.
        id: String,
        /// Subjek: penempatan:ID, penempatan:terbaru, atau lowongan:ID.
        #[arg(long, value_name = "REF")]
        subject: Option<String>,
        /// Id orang (dari direktori) yang mengajukan; diberi tahu bila dikembalikan.
        #[arg(long = "as", value_name = "ORANG")]
        as_person: Option<String>,
    },
    /// Daftar instans, terbaru lebih dulu.
    List,
    /// Rincian satu instans dengan riwayatnya.
    Show {
        /// Id instans.
        instance: String,
    },
    /// Catat keputusan atas nama seseorang (mis. keputusan di atas kertas).
    Decide {
        /// Id instans.
        instance: String,
        /// Id langkah.
        #[arg(long, value_name = "LANGKAH")]
        step: String,
        /// Id orang yang memutuskan.
        #[arg(long = "as", value_name = "ORANG")]
        as_person: String,
        /// setuju, tolak, kembalikan, atau abstain (pilih bila memakai --pilihan).
        #[arg(long, value_name = "KEPUTUSAN")]
        decision: String,
        /// Komentar atau alasan (wajib untuk kembalikan dan abstain).
        #[arg(long, value_name = "TEKS")]
        comment: Option<String>,
        /// Pilihan pada langkah berpilihan (mis. NIP calon terpilih).
        #[arg(long, value_name = "PILIHAN")]
        pilihan: Option<String>,
    },
    /// Jalankan tenggat, pengingat, dan eskalasi yang jatuh tempo sekarang.
    Tick,
    /// Batalkan instans yang sedang berjalan; tautannya tidak berlaku lagi dan orang yang
    /// ditunggu diberi tahu.
    Cancel {
        /// Id instans.
        instance: String,
        /// Alasan pembatalan (wajib).
        #[arg(long, value_name = "TEKS")]
        reason: String,
    },
}

/// `merit vacancy …`.
#[derive(Debug, Subcommand)]
pub enum VacancyCommand {
    /// Catat lowongan, saring semua pegawai, tampilkan daftar pendek, dan mulai alur persetujuan.
    Open {
        /// Jenjang jabatan (mis. administrator, pengawas, jpt_pratama).
        #[arg(long, value_name = "JENJANG")]
        level: String,
        /// Kode unit kerja.
        #[arg(long, value_name = "UNIT")]
        unit: String,
        /// Nama jabatan.
        #[arg(long, value_name = "TEKS")]
        position: String,
        /// Alasan kekosongan.
        #[arg(long, value_name = "ALASAN")]
        reason: String,
        /// Tanggal pengisian (YYYY-MM-DD; bawaan: hari ini).
        #[arg(long, value_name = "TANGGAL")]
        date: Option<String>,
    },
}

/// `merit runs …`.
#[derive(Debug, Subcommand)]
pub enum RunsCommand {
    /// Daftar penyaringan, terbaru lebih dulu.
    List,
    /// Rincian satu penyaringan.
    Show {
        /// Id penyaringan.
        id: String,
    },
    /// Calon yang hasilnya berubah antara dua penyaringan, dan aturan yang berubah.
    Diff {
        /// Penyaringan pertama (sebelum).
        a: String,
        /// Penyaringan kedua (sesudah).
        b: String,
        /// Jumlah calon yang dicantumkan (semua tetap dihitung).
        #[arg(long, value_name = "JUMLAH", default_value_t = 50)]
        limit: usize,
    },
    /// Evaluasi ulang setiap keputusan sebuah penyaringan dari data dan versi aturan yang tersimpan.
    Verify {
        /// Id penyaringan.
        id: String,
    },
    /// Batalkan penyaringan yang belum selesai (ditandai gagal) agar penyaringan berikutnya dimulai baru.
    Cancel {
        /// Id penyaringan.
        id: String,
    },
}

/// `merit export …`.
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Keputusan penyaringan per calon.
    Decisions {
        /// Penyaringan (bawaan: penyaringan terakhir yang selesai).
        #[arg(long, value_name = "ID")]
        run: Option<String>,
        /// Berkas keluaran .csv atau .xlsx.
        #[arg(long, value_name = "BERKAS")]
        output: PathBuf,
    },
    /// Daftar penempatan.
    Placements {
        /// Penempatan (bawaan: penempatan terakhir).
        #[arg(long, value_name = "ID")]
        id: Option<String>,
        /// Berkas keluaran .csv atau .xlsx.
        #[arg(long, value_name = "BERKAS")]
        output: PathBuf,
    },
    /// Rincian kebutuhan per unit kerja, jabatan, dan kualifikasi pendidikan.
    Rincian(ListArgs),
    /// Daftar usulan: setiap calon yang diusulkan (untuk SIASN).
    Usulan(ListArgs),
    /// Calon yang disaring tetapi tidak diusulkan, dengan kode alasannya.
    TidakDiusulkan(ListArgs),
    /// Upah per unit kerja dan sumber anggaran, dengan jumlahnya.
    Anggaran(ListArgs),
    /// Rekap penyaringan dan usulan per unit kerja dan kategori pelamar.
    Rekap(ListArgs),
    /// Rekap pengisian jabatan: setiap lowongan dan daftar pendeknya.
    RekapPengisian(ListArgs),
    /// Setiap sanggah dengan status, jawaban, dan perubahan hasilnya.
    Sanggah {
        /// Berkas keluaran .csv atau .xlsx.
        #[arg(long, value_name = "BERKAS")]
        output: PathBuf,
    },
}

/// `merit announcement …` (candidates.md 1).
#[derive(Debug, Subcommand)]
pub enum AnnouncementCommand {
    /// Terbitkan pengumuman dari penempatan (dibekukan) dengan masa sanggah dalam hari kerja.
    Publish {
        /// Penempatan, atau penyaringan untuk penempatan terbarunya (bawaan: penempatan terakhir).
        #[arg(long, value_name = "ID")]
        placement: Option<String>,
        /// Lama masa sanggah dalam hari kerja (bawaan 3).
        #[arg(long, value_name = "HARI")]
        objection_days: Option<u32>,
        /// Awal masa sanggah: tahun-bulan-tanggal (mis. 2026-12-08) atau dengan jam
        /// (2026-12-08T09:00); bawaan: sekarang.
        #[arg(long, value_name = "TANGGAL")]
        start: Option<String>,
    },
    /// Daftar pengumuman.
    List,
    /// Tutup masa sanggah sebuah pengumuman sekarang.
    Close {
        /// Nomor pengumuman.
        id: i32,
    },
}

/// `merit objection …` (candidates.md 3).
#[derive(Debug, Subcommand)]
pub enum ObjectionCommand {
    /// Daftar sanggah, terbaru dahulu.
    List {
        /// Hanya status ini: diajukan, diterima, atau ditolak.
        #[arg(long, value_name = "STATUS")]
        status: Option<String>,
    },
    /// Rincian sebuah sanggah.
    Show {
        /// Nomor tanda terima (SGH-TTTT-NNNNN).
        number: String,
    },
    /// Mulai lagi telaah sebuah sanggah yang telaahnya tidak dapat dimulai atau dibatalkan.
    Review {
        /// Nomor tanda terima (SGH-TTTT-NNNNN).
        number: String,
    },
}

/// `merit document …` (documents.md 3).
#[derive(Debug, Subcommand)]
pub enum DocumentCommand {
    /// Berita acara verifikasi hasil penyaringan.
    BeritaAcaraVerifikasi(DocumentArgs),
    /// Draf surat usulan PPK kepada Menteri PANRB dengan rincian kebutuhan.
    SuratUsulan(DocumentArgs),
    /// Surat Pernyataan Tanggung Jawab Mutlak PPK.
    Sptjm(DocumentArgs),
    /// Pernyataan Kepala BPKAD atas ketersediaan anggaran upah per sumber.
    PernyataanAnggaran(DocumentArgs),
    /// Keputusan pengangkatan dan perjanjian kerja setiap calon yang diusulkan, setelah usulan
    /// disetujui PPK: satu PDF per orang di FOLDER --output, dan sk-pengangkatan.zip.
    SkPengangkatan(DocumentArgs),
    /// Berita acara Tim Penilai Kinerja untuk pengisian jabatan.
    BeritaAcaraTpk(DocumentArgs),
    /// Rekap dan anggaran siap cetak, dengan grafik.
    Rekap(DocumentArgs),
    /// Pengumuman Kepala BKPSDM atas hasil seleksi administrasi, dengan daftar sebagai lampiran.
    Pengumuman {
        /// Nomor pengumuman (bawaan: yang terbaru).
        #[arg(long, value_name = "NOMOR")]
        id: Option<i32>,
        /// Berkas keluaran .pdf.
        #[arg(long, value_name = "BERKAS")]
        output: PathBuf,
    },
}

/// What a document is made from and where it goes.
#[derive(Debug, clap::Args)]
pub struct DocumentArgs {
    /// Alur persetujuan yang menjadi dasar (riwayat dan subjeknya); bawaan: yang terbaru.
    #[arg(long, value_name = "ID")]
    pub instance: Option<String>,
    /// Penempatan, atau penyaringan (penempatan terakhirnya); bawaan: subjek alur atau penempatan terakhir.
    #[arg(long, value_name = "ID")]
    pub run: Option<String>,
    /// Berkas keluaran .pdf (untuk sk-pengangkatan: folder keluaran; --run tidak dipakai, SK
    /// disusun dari alur usulan yang telah disetujui).
    #[arg(long, value_name = "BERKAS")]
    pub output: PathBuf,
}

/// What a list of documents.md 2 is read from and written to.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Penempatan, atau penyaringan (penempatan terakhirnya); bawaan: penempatan terakhir.
    #[arg(long, value_name = "ID")]
    pub run: Option<String>,
    /// Berkas keluaran .csv atau .xlsx.
    #[arg(long, value_name = "BERKAS")]
    pub output: PathBuf,
}

/// `merit bench …`.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Evaluasi ruleset pppk_paruh_waktu saja (tanpa basis data) dibandingkan implementasi Rust asli.
    Rules {
        /// Jumlah calon.
        #[arg(long, value_name = "JUMLAH", default_value_t = 1_000_000)]
        candidates: usize,
        /// Jumlah thread (bawaan: semua inti).
        #[arg(long, value_name = "JUMLAH")]
        threads: Option<usize>,
        /// Pengulangan per konfigurasi (median dilaporkan).
        #[arg(long, value_name = "KALI", default_value_t = 3)]
        reps: usize,
    },
    /// Keputusan per detik pada alur persetujuan (status, riwayat, kotak keluar dalam satu transaksi).
    Workflow {
        /// Jumlah instans (masing-masing empat keputusan).
        #[arg(long, value_name = "JUMLAH", default_value_t = 2_000)]
        instances: usize,
        /// Jawaban yang diproses bersamaan.
        #[arg(long, value_name = "JUMLAH", default_value_t = 8)]
        parallel: usize,
        /// Basis data (bawaan: berkas SQLite sementara); tenant tersendiri dipakai.
        #[arg(long, value_name = "URL")]
        database_url: Option<String>,
    },
    /// Pesan per detik dari kotak keluar ke server SMTP melalui satu sambungan.
    Mail {
        /// Jumlah pesan.
        #[arg(long, value_name = "JUMLAH", default_value_t = 5_000)]
        messages: usize,
        /// Server SMTP (bawaan: server uji di dalam proses).
        #[arg(long, value_name = "URL")]
        smtp: Option<String>,
    },
    /// Halaman konfirmasi (GET) dan keputusan (POST) melalui HTTP pada loopback.
    Http {
        /// Instans (satu POST masing-masing).
        #[arg(long, value_name = "JUMLAH", default_value_t = 2_000)]
        instances: usize,
        /// Jumlah GET.
        #[arg(long, value_name = "JUMLAH", default_value_t = 20_000)]
        gets: usize,
        /// Klien bersamaan.
        #[arg(long, value_name = "JUMLAH", default_value_t = 16)]
        parallel: usize,
    },
    /// Setiap daftar (XLSX) dan dokumen (PDF) dari usulan terakhir pada basis data yang
    /// dikonfigurasi: waktu dan ukuran masing-masing, dan memori puncak proses.
    Dokumen {
        /// Hanya daftar atau dokumen ini (nama dipisah koma, mis. usulan,rekap); bawaan: semua.
        #[arg(long, value_name = "NAMA")]
        only: Option<String>,
    },
    /// Penyunting aturan pada basis data yang dikonfigurasi: Periksa + Uji draf (p50/p99) dan
    /// Pratinjau draf atas semua calon; draf dibuang sesudahnya.
    Editor {
        /// Pengulangan Periksa + Uji.
        #[arg(long, value_name = "KALI", default_value_t = 50)]
        reps: usize,
    },
    /// Halaman konsol (beranda, pencarian, rincian calon, linimasa alur) pada basis data yang
    /// dikonfigurasi, dengan beberapa klien yang masuk bersamaan.
    Console {
        /// Permintaan per jenis halaman.
        #[arg(long, value_name = "JUMLAH", default_value_t = 2_000)]
        requests: usize,
        /// Klien bersamaan (masing-masing dengan sesinya).
        #[arg(long, value_name = "JUMLAH", default_value_t = 16)]
        parallel: usize,
    },
    /// Pengumuman dan layanan calon: terbitkan pengumuman dari penempatan terakhir, beban
    /// halaman publik dan cek hasil, dan satu sanggah yang diterima.
    Pengumuman {
        /// Permintaan per jenis halaman.
        #[arg(long, value_name = "JUMLAH", default_value_t = 2_000)]
        requests: usize,
        /// Klien bersamaan.
        #[arg(long, value_name = "JUMLAH", default_value_t = 32)]
        parallel: usize,
    },
}

/// `merit rules …`.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Kompilasi dan validasi setiap ruleset.
    Check,
    /// Jalankan kasus uji setiap ruleset.
    Test {
        /// Setelah menampilkan kasus yang gagal, tulis ulang harapannya dengan hasil sekarang.
        #[arg(long)]
        perbarui: bool,
    },
    /// Hasil setiap aturan untuk satu calon, dengan alasan dan dasar hukum.
    Explain {
        /// NIK calon.
        nik: String,
        /// Tampilkan keputusan yang tersimpan pada penyaringan ini (bawaan: dievaluasi sekarang).
        #[arg(long, value_name = "ID")]
        run: Option<String>,
        /// Ruleset yang dipakai bila dievaluasi sekarang.
        #[arg(long, value_name = "ID")]
        ruleset: Option<String>,
    },
    /// Versi ruleset yang pernah diterbitkan: nomor, waktu, penulis, alasan, nomor surat.
    Versions {
        /// Ruleset.
        ruleset: String,
    },
    /// Uji coba isi folder ruleset DIR atas semua calon tanpa menyimpan apa pun (keluaran sama dengan screen --dry-run).
    Preview {
        /// Ruleset.
        ruleset: String,
        /// Folder berisi ruleset.yaml, skrip, dan tests/ versi baru.
        #[arg(long, value_name = "DIR")]
        from: std::path::PathBuf,
    },
    /// Terbitkan isi folder DIR sebagai versi baru ruleset: diperiksa, diuji, ditulis utuh ke folder aturan, dicatat.
    Publish {
        /// Ruleset.
        ruleset: String,
        /// Folder berisi ruleset.yaml, skrip, dan tests/ versi baru.
        #[arg(long, value_name = "DIR")]
        from: std::path::PathBuf,
        /// Alasan perubahan (wajib).
        #[arg(long, value_name = "TEKS")]
        reason: String,
        /// Nomor surat yang menjadi dasar perubahan.
        #[arg(long, value_name = "NOMOR")]
        letter: Option<String>,
    },
    /// Terbitkan kembali versi lama sebagai versi baru.
    Restore {
        /// Ruleset.
        ruleset: String,
        /// Nomor versi atau sidiknya (lihat merit rules versions).
        #[arg(value_name = "VERSI")]
        version: String,
        /// Alasan pemulihan (wajib).
        #[arg(long, value_name = "TEKS")]
        reason: String,
    },
    /// Tulis berkas definisi Rhai (*.d.rhai) untuk penyunting dengan Rhai language server.
    Definitions {
        /// Folder keluaran (bawaan: folder setiap ruleset).
        #[arg(long, value_name = "FOLDER")]
        out: Option<std::path::PathBuf>,
    },
}

/// What an import file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportWhat {
    /// Calon PPPK paruh waktu (kunci: nik).
    Candidates,
    /// Formasi (kunci: kode_formasi).
    Formations,
    /// Pegawai untuk pengisian jabatan (kunci: nip).
    Employees,
}

/// `merit import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Jenis data: candidates, formations, atau employees.
    #[arg(value_enum, value_name = "JENIS")]
    pub what: ImportWhat,
    /// Berkas .csv atau .xlsx.
    #[arg(value_name = "BERKAS")]
    pub file: PathBuf,
    /// Impor baris yang sah dan tulis baris yang ditolak ke BERKAS.ditolak.csv.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Nama lembar pada berkas Excel (bawaan: lembar pertama).
    #[arg(long, value_name = "NAMA")]
    pub sheet: Option<String>,
    /// Terima formasi yang meminta pendidikan atau jurusan di bawah katalog jabatan
    /// (rules/katalog_jabatan.yaml); setiap baris itu tercatat di laporan dan log audit.
    #[arg(long = "izinkan-di-bawah-katalog")]
    pub izinkan_di_bawah_katalog: bool,
}

/// `merit generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Jumlah calon.
    #[arg(long, value_name = "JUMLAH")]
    pub candidates: u64,
    /// Folder keluaran.
    #[arg(long, value_name = "FOLDER")]
    pub out: PathBuf,
    /// Benih acak (data yang sama untuk benih yang sama).
    #[arg(long, value_name = "S", default_value_t = crate::generate::DEFAULT_SEED)]
    pub seed: u64,
}
