//! Settings (interfaces.md section 1): built-in defaults < `merit.yaml` (or `--config FILE`) <
//! `MERIT_*` environment variables. Every value is parsed here into a typed setting; an invalid
//! one is refused with the setting's name and where it came from.

use std::{
    collections::BTreeMap,
    fmt,
    net::SocketAddr,
    path::{Path, PathBuf},
    str::FromStr,
};

use chrono::{NaiveDate, NaiveTime};
use chrono_tz::Tz;
use serde::Deserialize;

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The built-in default.
    Default,
    /// The YAML file.
    File(PathBuf),
    /// An environment variable.
    Env(String),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Default => f.write_str("nilai bawaan"),
            Self::File(p) => write!(f, "berkas {}", p.display()),
            Self::Env(v) => write!(f, "variabel lingkungan {v}"),
        }
    }
}

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A setting's value is invalid.
    #[error("pengaturan `{key}` dari {origin} tidak valid: {message}")]
    Invalid {
        /// The setting's key.
        key: String,
        /// Where the bad value came from.
        origin: Source,
        /// What is wrong, in Bahasa Indonesia.
        message: String,
    },
    /// The configuration file could not be read.
    #[error("berkas konfigurasi {path} tidak dapat dibaca: {message}")]
    File {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

/// A secret that never shows up in logs or debug output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }

    /// The secret itself; call only where it is used.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// TLS mode of an SMTP transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain SMTP (local relays and test sinks).
    None,
    /// STARTTLS upgrade.
    StartTls,
    /// Implicit TLS (`smtps://`, usually port 465).
    Implicit,
}

/// Where outgoing mail goes (`MERIT_MAIL_URL`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailUrl {
    /// One `.eml` file per message in a folder.
    File(PathBuf),
    /// An SMTP server.
    Smtp {
        /// Host name.
        host: String,
        port: u16,
        /// TLS mode.
        tls: SmtpTls,
        /// User name for AUTH.
        user: Option<String>,
        /// Password for AUTH.
        password: Option<Secret>,
    },
}

impl MailUrl {
    /// Parses `file://DIR`, `smtp://[user:pass@]host[:port][?tls=starttls]` or
    /// `smtps://[user:pass@]host[:port]`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        if let Some(dir) = raw.strip_prefix("file://") {
            if dir.is_empty() {
                return Err("folder kosong pada file://".into());
            }
            return Ok(Self::File(PathBuf::from(dir)));
        }
        let (scheme, rest) = raw
            .split_once("://")
            .ok_or_else(|| "harus diawali file://, smtp:// atau smtps://".to_owned())?;
        let implicit = match scheme {
            "smtp" => false,
            "smtps" => true,
            other => return Err(format!("skema '{other}' tidak dikenal (file, smtp, smtps)")),
        };
        let (authority, query) = rest.split_once('?').unwrap_or((rest, ""));
        let authority = authority.trim_end_matches('/');
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) => (
                h,
                p.parse::<u16>()
                    .map_err(|_| format!("port '{p}' bukan angka"))?,
            ),
            None => (hostport, if implicit { 465 } else { 25 }),
        };
        if host.is_empty() {
            return Err("nama server SMTP kosong".into());
        }
        let mut tls = if implicit {
            SmtpTls::Implicit
        } else {
            SmtpTls::None
        };
        for kv in query.split('&').filter(|s| !s.is_empty()) {
            match kv.split_once('=') {
                Some(("tls", "starttls")) if !implicit => tls = SmtpTls::StartTls,
                Some(("tls", "none")) if !implicit => tls = SmtpTls::None,
                Some(("tls", "implicit")) => tls = SmtpTls::Implicit,
                _ => {
                    return Err(format!(
                        "opsi '{kv}' tidak dikenal (tls=starttls|none|implicit)"
                    ));
                }
            }
        }
        let (user, password) = match userinfo {
            Some(u) => match u.split_once(':') {
                Some((user, pass)) => (
                    Some(percent_decode(user)),
                    Some(Secret(percent_decode(pass))),
                ),
                None => (Some(percent_decode(u)), None),
            },
            None => (None, None),
        };
        Ok(Self::Smtp {
            host: host.to_owned(),
            port,
            tls,
            user,
            password,
        })
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| s.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A scheduled job (`jadwal` in the YAML file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleSetting {
    /// `penyaringan`, `pengingat` or `ringkasan`.
    pub task: String,
    /// Cron line with six fields (a five-field line gets `0 ` prefixed).
    pub cron: String,
    /// Ruleset for `penyaringan`.
    pub ruleset: Option<String>,
}

/// Office hours, local time (default 08.00–16.00).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkingHours {
    /// Opening time.
    pub buka: NaiveTime,
    /// Closing time (after `buka`).
    pub tutup: NaiveTime,
}

impl Default for WorkingHours {
    fn default() -> Self {
        Self {
            buka: NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default(),
            tutup: NaiveTime::from_hms_opt(16, 0, 0).unwrap_or_default(),
        }
    }
}

impl WorkingHours {
    /// Parses `08.00-16.00` (or `08:00-16:00`).
    pub fn parse(s: &str) -> Result<Self, String> {
        let bad = || format!("'{s}' bukan jam kerja (contoh 08.00-16.00)");
        let (a, b) = s.split_once('-').ok_or_else(bad)?;
        let time = |t: &str| {
            let t = t.trim().replace('.', ":");
            NaiveTime::parse_from_str(&t, "%H:%M").map_err(|_| bad())
        };
        let (buka, tutup) = (time(a)?, time(b)?);
        if tutup <= buka {
            return Err(format!("jam tutup pada '{s}' harus setelah jam buka"));
        }
        Ok(Self { buka, tutup })
    }
}

/// Bounds on what one file may make merit read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// Total uncompressed size of a spreadsheet's parts, bytes.
    pub uncompressed_bytes: u64,
    /// Cells read from one sheet.
    pub cells: u64,
}

impl Default for ReadLimits {
    fn default() -> Self {
        Self {
            uncompressed_bytes: 1024 * 1024 * 1024,
            cells: 50_000_000,
        }
    }
}

/// Limits for rule scripts (`batas_skrip` in the YAML file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScriptLimits {
    /// Operations per evaluation.
    pub operasi: u64,
    /// Function call depth.
    pub kedalaman_panggilan: usize,
    /// Expression nesting depth.
    pub kedalaman_ekspresi: usize,
    /// Longest string, in bytes.
    pub panjang_teks: usize,
    /// Largest array.
    pub panjang_larik: usize,
    /// Largest object map.
    pub ukuran_peta: usize,
    /// Wall-clock deadline per evaluation, milliseconds.
    pub tenggat_ms: u64,
}

impl Default for ScriptLimits {
    fn default() -> Self {
        Self {
            operasi: 200_000,
            kedalaman_panggilan: 32,
            kedalaman_ekspresi: 64,
            panjang_teks: 64 * 1024,
            panjang_larik: 10_000,
            ukuran_peta: 1_000,
            tenggat_ms: 250,
        }
    }
}

impl ScriptLimits {
    /// The limits if each lies in its sane range, else which one does not.
    pub fn checked(self) -> Result<Self, String> {
        let ranges: [(&str, u64, u64, u64); 7] = [
            ("operasi", self.operasi, 1_000, 1_000_000_000),
            (
                "kedalaman_panggilan",
                self.kedalaman_panggilan as u64,
                1,
                256,
            ),
            (
                "kedalaman_ekspresi",
                self.kedalaman_ekspresi as u64,
                8,
                1_024,
            ),
            (
                "panjang_teks",
                self.panjang_teks as u64,
                64,
                16 * 1024 * 1024,
            ),
            ("panjang_larik", self.panjang_larik as u64, 16, 1_000_000),
            ("ukuran_peta", self.ukuran_peta as u64, 16, 100_000),
            ("tenggat_ms", self.tenggat_ms, 1, 60_000),
        ];
        for (name, v, lo, hi) in ranges {
            if !(lo..=hi).contains(&v) {
                return Err(format!("{name} harus antara {lo} dan {hi}, tertulis {v}"));
            }
        }
        Ok(self)
    }
}

/// The agency merit works for (`instansi`): its name signs every message and heads every
/// document.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Agency {
    /// Full name, e.g. `Pemerintah Kabupaten Ogan Komering Ulu Timur`.
    pub nama: String,
    /// Short name, e.g. `Pemkab OKU Timur`.
    #[serde(default)]
    pub singkatan: Option<String>,
    /// Street address for letterheads.
    #[serde(default)]
    pub alamat: Option<String>,
    /// City where documents are signed.
    #[serde(default)]
    pub kota: Option<String>,
    /// Logo image for the agency's letterhead.
    #[serde(default)]
    pub logo: Option<PathBuf>,
    /// The national emblem (Garuda Pancasila) for the office's letterhead, on letters the
    /// head of the region signs.
    #[serde(default)]
    pub lambang: Option<PathBuf>,
    /// The office's letterhead text, e.g. `BUPATI OGAN KOMERING ULU TIMUR` (default: from
    /// `nama`).
    #[serde(default)]
    pub kop_jabatan: Option<String>,
    /// Where minutes are held, e.g. `Ruang Rapat BKPSDM` (default: the agency's office in
    /// `kota`).
    #[serde(default)]
    pub tempat_rapat: Option<String>,
}

impl Default for Agency {
    fn default() -> Self {
        Self {
            nama: "Pemerintah Daerah".to_owned(),
            singkatan: None,
            alamat: None,
            kota: None,
            logo: None,
            lambang: None,
            kop_jabatan: None,
            tempat_rapat: None,
        }
    }
}

impl Agency {
    /// The office's letterhead text: `kop_jabatan`, else "BUPATI …" / "WALI KOTA …" read off
    /// `nama` ("Pemerintah Kabupaten X" → "BUPATI X").
    pub fn office(&self) -> String {
        if let Some(k) = &self.kop_jabatan {
            return k.trim().to_uppercase();
        }
        let nama = self.nama.trim();
        let region = nama
            .strip_prefix("Pemerintah ")
            .or_else(|| nama.strip_prefix("PEMERINTAH "))
            .unwrap_or(nama);
        let upper = region.to_uppercase();
        if let Some(r) = upper.strip_prefix("KABUPATEN ") {
            format!("BUPATI {r}")
        } else if let Some(r) = upper.strip_prefix("KOTA ") {
            format!("WALI KOTA {r}")
        } else if let Some(r) = upper.strip_prefix("PROVINSI ") {
            format!("GUBERNUR {r}")
        } else {
            format!("KEPALA DAERAH {upper}")
        }
    }
}

/// The document kinds a number pattern may be set for (`nomor_surat`); `bawaan` is the rest.
pub const NUMBERED_DOCUMENTS: &[&str] = &[
    "surat-usulan",
    "sptjm",
    "berita-acara-verifikasi",
    "berita-acara-tpk",
    "pernyataan-anggaran",
    "sk-pengangkatan",
    "perjanjian-kerja",
];

/// The default number pattern (documents.md 4).
pub const DEFAULT_NUMBER_PATTERN: &str = "800.1.2.2/{urut}/{singkatan}/{tahun}";

/// The default number pattern of work agreements (`perjanjian-kerja`).
pub const AGREEMENT_NUMBER_PATTERN: &str = "800.1.2.2/{urut}/PK-{singkatan}/{tahun}";

/// What letters and minutes need besides the data (documents.md 4): `nomor_surat` (a number
/// pattern per kind), `tembusan` (copies of the proposal letter), `dasar_tim` (the decrees
/// that formed the verification team and the TPK).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letters {
    /// Number patterns by document kind; `bawaan` for the others.
    pub nomor: BTreeMap<String, String>,
    /// Who receives a copy of the proposal letter.
    pub tembusan: Vec<String>,
    /// The decree that formed the verification team (`verifikasi`) and the TPK (`tpk`).
    pub dasar_tim: BTreeMap<String, String>,
}

impl Default for Letters {
    fn default() -> Self {
        Self {
            nomor: BTreeMap::new(),
            tembusan: vec![
                "Kepala Badan Kepegawaian Negara di Jakarta".to_owned(),
                "Kepala Kantor Regional Badan Kepegawaian Negara".to_owned(),
            ],
            dasar_tim: BTreeMap::new(),
        }
    }
}

impl Letters {
    /// The number pattern of document `kind`.
    pub fn pattern(&self, kind: &str) -> &str {
        if let Some(p) = self.nomor.get(kind) {
            return p;
        }
        // A work agreement is numbered apart from the decree it belongs to, even under the
        // same pattern for every letter.
        if kind == "perjanjian-kerja" {
            return AGREEMENT_NUMBER_PATTERN;
        }
        self.nomor
            .get("bawaan")
            .map_or(DEFAULT_NUMBER_PATTERN, String::as_str)
    }

    /// The basis a team's minutes name (`verifikasi`, `tpk`), when set.
    pub fn basis(&self, team: &str) -> Option<&str> {
        self.dasar_tim.get(team).map(String::as_str)
    }
}

/// `nomor_surat`: one pattern for every kind, or a pattern per kind (`bawaan` for the rest);
/// each must hold `{urut}`.
fn parse_number_patterns(v: serde_yaml::Value) -> Result<BTreeMap<String, String>, String> {
    let map: BTreeMap<String, String> = match v {
        serde_yaml::Value::String(s) => BTreeMap::from([("bawaan".to_owned(), s)]),
        other => serde_yaml::from_value(other)
            .map_err(|e| format!("tulis pola nomor per jenis dokumen: {e}"))?,
    };
    for (kind, pattern) in &map {
        if kind != "bawaan" && !NUMBERED_DOCUMENTS.contains(&kind.as_str()) {
            return Err(format!(
                "jenis dokumen '{kind}' tidak dikenal; pilih bawaan, {}",
                NUMBERED_DOCUMENTS.join(", ")
            ));
        }
        if !pattern.contains("{urut}") || !pattern.contains("{tahun}") {
            return Err(format!(
                "pola nomor {kind} harus memuat {{urut}} dan {{tahun}} (nomor urut dimulai lagi setiap tahun), contoh {DEFAULT_NUMBER_PATTERN}"
            ));
        }
        if pattern.chars().count() > 120 || pattern.chars().any(char::is_control) {
            return Err(format!(
                "pola nomor {kind} terlalu panjang atau memuat karakter kendali"
            ));
        }
    }
    Ok(map)
}

/// A list of short lines (`tembusan`).
fn parse_lines(v: serde_yaml::Value) -> Result<Vec<String>, String> {
    let lines: Vec<String> =
        serde_yaml::from_value(v).map_err(|e| format!("tulis daftar baris: {e}"))?;
    if lines
        .iter()
        .any(|l| l.trim().is_empty() || l.chars().count() > 200)
    {
        return Err("setiap baris wajib diisi, paling panjang 200 karakter".to_owned());
    }
    Ok(lines.into_iter().map(|l| l.trim().to_owned()).collect())
}

/// `dasar_tim`: one decree (the verification team's) or one per team (`verifikasi`, `tpk`).
fn parse_team_basis(v: serde_yaml::Value) -> Result<BTreeMap<String, String>, String> {
    let map: BTreeMap<String, String> = match v {
        serde_yaml::Value::String(s) => BTreeMap::from([("verifikasi".to_owned(), s)]),
        other => serde_yaml::from_value(other)
            .map_err(|e| format!("tulis dasar pembentukan tim per tim (verifikasi, tpk): {e}"))?,
    };
    if let Some(k) = map
        .keys()
        .find(|k| !matches!(k.as_str(), "verifikasi" | "tpk"))
    {
        return Err(format!(
            "tim '{k}' tidak dikenal; pilih verifikasi atau tpk"
        ));
    }
    Ok(map)
}

/// One signing official in `pejabat`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Official {
    /// Name with titles, as signed.
    pub nama: String,
    pub nip: Option<crate::domain::Nip>,
    /// Title above the signature, e.g. `Bupati Ogan Komering Ulu Timur`.
    pub jabatan: Option<String>,
    /// Pangkat/golongan under the name, e.g. `Pembina Utama Muda (IV/c)`.
    pub pangkat: Option<String>,
}

/// `pejabat`: the PPK and the head of BKPSDM for signature blocks (documents.md 1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Officials {
    /// The PPK (the Bupati or Wali Kota).
    pub ppk: Option<Official>,
    /// Kepala BKPSDM.
    pub kepala_bkpsdm: Option<Official>,
}

/// `pejabat` as written in the file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOfficials {
    #[serde(default)]
    ppk: Option<RawOfficial>,
    #[serde(default)]
    kepala_bkpsdm: Option<RawOfficial>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOfficial {
    nama: String,
    #[serde(default)]
    nip: Option<String>,
    #[serde(default)]
    jabatan: Option<String>,
    #[serde(default)]
    pangkat: Option<String>,
}

impl RawOfficials {
    /// The officials, each name present and each NIP read as a NIP (errors name the key).
    fn parsed(self) -> Result<Officials, String> {
        let one = |who: &str, o: Option<RawOfficial>| -> Result<Option<Official>, String> {
            let Some(o) = o else { return Ok(None) };
            if o.nama.trim().is_empty() {
                return Err(format!("pejabat.{who}.nama wajib diisi"));
            }
            let nip = o
                .nip
                .as_deref()
                .map(crate::domain::Nip::parse)
                .transpose()
                .map_err(|e| format!("pejabat.{who}.nip tidak sah: {e}"))?;
            Ok(Some(Official {
                nama: o.nama,
                nip,
                jabatan: o.jabatan,
                pangkat: o.pangkat,
            }))
        };
        Ok(Officials {
            ppk: one("ppk", self.ppk)?,
            kepala_bkpsdm: one("kepala_bkpsdm", self.kepala_bkpsdm)?,
        })
    }
}

/// Every setting merit reads, typed.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `MERIT_DATABASE_URL`.
    pub database_url: String,
    /// `MERIT_RULES_DIR`.
    pub rules_dir: PathBuf,
    /// `MERIT_WORKFLOWS_DIR`.
    pub workflows_dir: PathBuf,
    /// `MERIT_DOKUMEN_DIR`: the document templates (documents.md 3).
    pub documents_dir: PathBuf,
    /// `MERIT_DIRECTORY`.
    pub directory: PathBuf,
    /// `MERIT_MAIL_URL`.
    pub mail_url: MailUrl,
    /// `MERIT_MAIL_FROM`.
    pub mail_from: String,
    /// `MERIT_HTTP_ADDR`.
    pub http_addr: SocketAddr,
    /// `MERIT_BASE_URL`, without a trailing slash.
    pub base_url: String,
    /// `MERIT_SECRET`; generated and stored in the database when absent.
    pub secret: Option<Secret>,
    /// `MERIT_TIMEZONE`.
    pub timezone: Tz,
    /// `MERIT_TENANT`.
    pub tenant: String,
    /// `MERIT_LINK_TTL`: how long an approval link stays valid after its email was sent.
    pub link_ttl: chrono::Duration,
    /// `MERIT_MAIL_MAX_ATTEMPTS`: delivery attempts before a message is marked failed.
    pub mail_max_attempts: u32,
    /// `jadwal`.
    pub schedules: Vec<ScheduleSetting>,
    /// `hari_libur`: public holidays for working-day deadlines.
    pub holidays: Vec<NaiveDate>,
    /// `batas_skrip`.
    pub script_limits: ScriptLimits,
    /// `jam_kerja` (`MERIT_JAM_KERJA`): office hours for deadlines and reminders.
    pub jam_kerja: WorkingHours,
    /// `balasan_wajib_lolos_autentikasi`: refuse replies whose `Authentication-Results` says
    /// the sender failed DKIM and SPF (or DMARC).
    pub reply_auth_required: bool,
    /// `autentikasi_server` (`MERIT_AUTENTIKASI_SERVER`): the authserv-id of the agency's own
    /// receiving mail server; only `Authentication-Results` headers carrying it count. Without
    /// it, only the top-most header counts.
    pub reply_auth_server: Option<String>,
    /// `instansi` (the name also from `MERIT_INSTANSI`).
    pub instansi: Agency,
    /// `impor_xlsx_maks_mb`, `impor_sel_maks`: how much one imported file may make merit read.
    pub read_limits: ReadLimits,
    /// `sesi_ttl` (`MERIT_SESI_TTL`): a console session ends after this long unused (and
    /// after 12 hours in any case).
    pub session_idle: chrono::Duration,
    /// `unggah_maks` (`MERIT_UNGGAH_MAKS`, MB): the largest file the console accepts.
    pub upload_max_bytes: u64,
    /// `pemeriksaan_detik`, `pemeriksaan_memori_mb`: how long and how much memory checking an
    /// administrator's edit may take (a document template typeset with sample data, a
    /// ruleset's test cases, a message template's samples).
    pub check_limits: crate::sandbox::Limits,
    /// `dokumen_detik`, `dokumen_memori_mb`: the same for a real document (a regency's rekap
    /// at a million candidates takes seconds and hundreds of MB).
    pub document_limits: crate::sandbox::Limits,
    /// `umk` (`MERIT_UMK`): the regional minimum wage, rupiah per month, when set.
    pub umk: Option<i64>,
    /// `pejabat`: who signs documents (else from the directory).
    pub pejabat: Officials,
    /// `nomor_surat`, `tembusan`, `dasar_tim`: what letters and minutes need.
    pub surat: Letters,
    /// `lampiran_maks` (`MERIT_LAMPIRAN_MAKS`, MB): the largest file a prompt carries; a larger
    /// one is offered as a link to the details page.
    pub attachment_max_bytes: u64,
    /// `proksi_tepercaya` (`MERIT_PROKSI_TEPERCAYA`): addresses of the reverse proxies in
    /// front of merit, whose `X-Forwarded-For` names the client (empty: the TCP peer is).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// `publikasi_aturan` (`MERIT_PUBLIKASI_ATURAN`): `langsung` (an administrator's publication
    /// takes effect at once) or `persetujuan` (it waits for the Kepala BKPSDM's approval through
    /// the workflow `perubahan_aturan`).
    pub rule_publication_needs_approval: bool,
}

/// One scalar setting: its YAML key, environment variable and default.
struct Key {
    yaml: &'static str,
    env: &'static str,
    default: Option<&'static str>,
}

const KEYS: &[Key] = &[
    Key {
        yaml: "database_url",
        env: "MERIT_DATABASE_URL",
        default: Some("sqlite://data/merit.db?mode=rwc"),
    },
    Key {
        yaml: "rules_dir",
        env: "MERIT_RULES_DIR",
        default: Some("rules"),
    },
    Key {
        yaml: "dokumen_dir",
        env: "MERIT_DOKUMEN_DIR",
        default: Some("dokumen"),
    },
    Key {
        yaml: "workflows_dir",
        env: "MERIT_WORKFLOWS_DIR",
        default: Some("workflows"),
    },
    Key {
        yaml: "directory",
        env: "MERIT_DIRECTORY",
        default: Some("directory.yaml"),
    },
    Key {
        yaml: "mail_url",
        env: "MERIT_MAIL_URL",
        default: Some("file://data/outbox"),
    },
    Key {
        yaml: "mail_from",
        env: "MERIT_MAIL_FROM",
        default: Some("merit@localhost"),
    },
    Key {
        yaml: "http_addr",
        env: "MERIT_HTTP_ADDR",
        default: Some("127.0.0.1:8080"),
    },
    Key {
        yaml: "base_url",
        env: "MERIT_BASE_URL",
        default: Some("http://127.0.0.1:8080"),
    },
    Key {
        yaml: "secret",
        env: "MERIT_SECRET",
        default: None,
    },
    Key {
        yaml: "timezone",
        env: "MERIT_TIMEZONE",
        default: Some("Asia/Jakarta"),
    },
    Key {
        yaml: "tenant",
        env: "MERIT_TENANT",
        default: Some("default"),
    },
    Key {
        yaml: "link_ttl",
        env: "MERIT_LINK_TTL",
        default: Some("7d"),
    },
    Key {
        yaml: "mail_max_attempts",
        env: "MERIT_MAIL_MAX_ATTEMPTS",
        default: Some("8"),
    },
    Key {
        yaml: "jam_kerja",
        env: "MERIT_JAM_KERJA",
        default: Some("08.00-16.00"),
    },
    Key {
        yaml: "impor_xlsx_maks_mb",
        env: "MERIT_IMPOR_XLSX_MAKS_MB",
        default: Some("1024"),
    },
    Key {
        yaml: "impor_sel_maks",
        env: "MERIT_IMPOR_SEL_MAKS",
        default: Some("50000000"),
    },
    Key {
        yaml: "balasan_wajib_lolos_autentikasi",
        env: "MERIT_BALASAN_WAJIB_LOLOS_AUTENTIKASI",
        default: Some("ya"),
    },
    Key {
        yaml: "autentikasi_server",
        env: "MERIT_AUTENTIKASI_SERVER",
        default: Some(""),
    },
    Key {
        yaml: "sesi_ttl",
        env: "MERIT_SESI_TTL",
        default: Some("30m"),
    },
    Key {
        yaml: "pemeriksaan_detik",
        env: "MERIT_PEMERIKSAAN_DETIK",
        default: Some("10"),
    },
    Key {
        yaml: "pemeriksaan_memori_mb",
        env: "MERIT_PEMERIKSAAN_MEMORI_MB",
        default: Some("1024"),
    },
    Key {
        yaml: "dokumen_detik",
        env: "MERIT_DOKUMEN_DETIK",
        default: Some("300"),
    },
    Key {
        yaml: "dokumen_memori_mb",
        env: "MERIT_DOKUMEN_MEMORI_MB",
        default: Some("4096"),
    },
    Key {
        yaml: "unggah_maks",
        env: "MERIT_UNGGAH_MAKS",
        default: Some("50"),
    },
    Key {
        yaml: "publikasi_aturan",
        env: "MERIT_PUBLIKASI_ATURAN",
        default: Some("langsung"),
    },
    Key {
        yaml: "umk",
        env: "MERIT_UMK",
        default: Some(""),
    },
    Key {
        yaml: "lampiran_maks",
        env: "MERIT_LAMPIRAN_MAKS",
        default: Some("5"),
    },
    Key {
        yaml: "proksi_tepercaya",
        env: "MERIT_PROKSI_TEPERCAYA",
        default: Some(""),
    },
];

/// Comma-separated IP addresses (none when empty).
fn proxies(v: &str) -> Result<Vec<std::net::IpAddr>, String> {
    v.split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(|a| {
            a.parse()
                .map_err(|_| format!("`{a}` bukan alamat IP; tulis alamat IP proksi dipisah koma"))
        })
        .collect()
}

/// Structured (non-scalar) YAML keys.
const STRUCTURED: &[&str] = &[
    "jadwal",
    "hari_libur",
    "batas_skrip",
    "instansi",
    "pejabat",
    "nomor_surat",
    "tembusan",
    "dasar_tim",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSchedule {
    tugas: String,
    cron: String,
    #[serde(default)]
    ruleset: Option<String>,
}

/// The default schedules: screening at 02:00 on working days, reminders every five minutes,
/// the digest at 07:00.
pub fn default_schedules() -> Vec<ScheduleSetting> {
    vec![
        ScheduleSetting {
            task: "penyaringan".into(),
            cron: "0 0 2 * * 1-5".into(),
            ruleset: None,
        },
        ScheduleSetting {
            task: "pengingat".into(),
            cron: "0 */5 * * * *".into(),
            ruleset: None,
        },
        ScheduleSetting {
            task: "ringkasan".into(),
            cron: "0 0 7 * * *".into(),
            ruleset: None,
        },
    ]
}

impl Settings {
    /// Loads settings from `file` (or `merit.yaml` if present) and the process environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        Self::load_from(file, std::env::vars())
    }

    /// Loads settings from `file` (or `merit.yaml` in the working directory) and the given
    /// environment.
    pub fn load_from(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let (path, required) = match file {
            Some(p) => (p.to_path_buf(), true),
            None => (PathBuf::from("merit.yaml"), false),
        };
        let yaml = match std::fs::read_to_string(&path) {
            Ok(text) => Some(parse_yaml(&path, &text)?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => None,
            Err(e) => {
                return Err(ConfigError::File {
                    path,
                    message: crate::domain::io_message(&e),
                });
            }
        };
        let env: BTreeMap<String, String> = env
            .into_iter()
            .filter(|(k, _)| k.starts_with("MERIT_"))
            .collect();
        Self::resolve(yaml.map(|y| (path, y)), &env)
    }

    fn resolve(
        yaml: Option<(PathBuf, BTreeMap<String, serde_yaml::Value>)>,
        env: &BTreeMap<String, String>,
    ) -> Result<Self, ConfigError> {
        let mut m = Merged::new(yaml, env)?;
        Ok(Self {
            database_url: m.parse("database_url", database_url)?,
            rules_dir: m.parse("rules_dir", folder)?,
            workflows_dir: m.parse("workflows_dir", folder)?,
            documents_dir: m.parse("dokumen_dir", folder)?,
            directory: m.parse("directory", folder)?,
            mail_url: m.parse("mail_url", MailUrl::parse)?,
            mail_from: m.parse("mail_from", mail_from)?,
            http_addr: m.parse("http_addr", http_addr)?,
            base_url: m.parse("base_url", base_url)?,
            secret: m.parse_untrimmed("secret", secret)?,
            timezone: m.parse("timezone", timezone)?,
            tenant: m.parse("tenant", tenant)?,
            link_ttl: m.parse("link_ttl", |v| {
                parse_duration_within(v, chrono::Duration::days(365))
            })?,
            reply_auth_required: m.parse("balasan_wajib_lolos_autentikasi", |v| {
                crate::domain::parse_bool(v).ok_or_else(|| "harus ya atau tidak".to_owned())
            })?,
            reply_auth_server: m.parse("autentikasi_server", |v| {
                if v.is_empty() {
                    return Ok(None);
                }
                if v.len() > 253
                    || !v
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
                {
                    return Err(
                        "harus nama server surat (authserv-id), misalnya mx.kabupaten.go.id"
                            .to_owned(),
                    );
                }
                Ok(Some(v.to_ascii_lowercase()))
            })?,
            read_limits: ReadLimits {
                uncompressed_bytes: m.number(
                    "impor_xlsx_maks_mb",
                    1..=65_536,
                    "harus angka 1–65536 (MB)",
                )? * 1024
                    * 1024,
                cells: m.number(
                    "impor_sel_maks",
                    1_000..=1_000_000_000,
                    "harus angka 1.000–1.000.000.000",
                )?,
            },
            jam_kerja: m.parse("jam_kerja", WorkingHours::parse)?,
            mail_max_attempts: u32::try_from(m.number(
                "mail_max_attempts",
                1..=100,
                "harus angka 1–100",
            )?)
            .unwrap_or(1),
            schedules: m
                .structured("jadwal", parse_schedules)?
                .unwrap_or_else(default_schedules),
            holidays: m
                .structured("hari_libur", parse_holidays)?
                .unwrap_or_default(),
            script_limits: m
                .structured("batas_skrip", |v| {
                    serde_yaml::from_value::<ScriptLimits>(v)
                        .map_err(|e| e.to_string())
                        .and_then(|l| l.checked())
                })?
                .unwrap_or_default(),
            instansi: m.agency(env)?,
            session_idle: m.parse("sesi_ttl", |v| {
                parse_duration_within(v, chrono::Duration::hours(12))
            })?,
            check_limits: crate::sandbox::Limits {
                wall: std::time::Duration::from_secs(m.number(
                    "pemeriksaan_detik",
                    1..=600,
                    "harus angka 1–600 (detik)",
                )?),
                memory: m.number(
                    "pemeriksaan_memori_mb",
                    256..=65_536,
                    "harus angka 256–65536 (MB)",
                )? * 1024
                    * 1024,
            },
            document_limits: crate::sandbox::Limits {
                wall: std::time::Duration::from_secs(m.number(
                    "dokumen_detik",
                    1..=3_600,
                    "harus angka 1–3600 (detik)",
                )?),
                memory: m.number(
                    "dokumen_memori_mb",
                    256..=65_536,
                    "harus angka 256–65536 (MB)",
                )? * 1024
                    * 1024,
            },
            upload_max_bytes: m.number("unggah_maks", 1..=4096, "harus angka 1–4096 (MB)")?
                * 1024
                * 1024,
            trusted_proxies: m.parse("proksi_tepercaya", proxies)?,
            umk: m.parse("umk", |v| {
                if v.is_empty() {
                    return Ok(None);
                }
                crate::domain::parse_rupiah(v)
                    .filter(|n| *n > 0)
                    .map(Some)
                    .ok_or_else(|| "harus jumlah rupiah per bulan, contoh 3500000".to_owned())
            })?,
            pejabat: m
                .structured("pejabat", |v| {
                    serde_yaml::from_value::<RawOfficials>(v)
                        .map_err(|e| e.to_string())
                        .and_then(RawOfficials::parsed)
                })?
                .unwrap_or_default(),
            surat: Letters {
                nomor: m
                    .structured("nomor_surat", parse_number_patterns)?
                    .unwrap_or_default(),
                tembusan: m
                    .structured("tembusan", parse_lines)?
                    .unwrap_or_else(|| Letters::default().tembusan),
                dasar_tim: m
                    .structured("dasar_tim", parse_team_basis)?
                    .unwrap_or_default(),
            },
            attachment_max_bytes: m.number("lampiran_maks", 0..=100, "harus angka 0–100 (MB)")?
                * 1024
                * 1024,
            rule_publication_needs_approval: m.parse("publikasi_aturan", |v| match v.trim() {
                "langsung" => Ok(false),
                "persetujuan" => Ok(true),
                _ => Err("pilih langsung atau persetujuan".to_owned()),
            })?,
        })
    }
}

/// Every setting's text and where it came from: defaults < `merit.yaml` < `MERIT_*`; the
/// structured settings (`jadwal`, `hari_libur`, …) from the file only.
struct Merged {
    values: BTreeMap<&'static str, (Option<String>, Source)>,
    structured: BTreeMap<String, serde_yaml::Value>,
    file_path: Option<PathBuf>,
}

impl Merged {
    fn new(
        yaml: Option<(PathBuf, BTreeMap<String, serde_yaml::Value>)>,
        env: &BTreeMap<String, String>,
    ) -> Result<Self, ConfigError> {
        let mut values: BTreeMap<&'static str, (Option<String>, Source)> = BTreeMap::new();
        for key in KEYS {
            values.insert(key.yaml, (key.default.map(str::to_owned), Source::Default));
        }
        let mut structured = BTreeMap::new();
        let mut file_path = None;
        if let Some((path, map)) = yaml {
            for (k, v) in map {
                if let Some(key) = KEYS.iter().find(|key| key.yaml == k) {
                    let text = scalar_text(&v).ok_or_else(|| ConfigError::Invalid {
                        key: k.clone(),
                        origin: Source::File(path.clone()),
                        message: "harus berupa satu nilai (teks atau angka)".into(),
                    })?;
                    values.insert(key.yaml, (Some(text), Source::File(path.clone())));
                } else if STRUCTURED.contains(&k.as_str()) {
                    structured.insert(k, v);
                } else {
                    return Err(ConfigError::Invalid {
                        key: k,
                        origin: Source::File(path.clone()),
                        message: format!(
                            "pengaturan tidak dikenal; yang dikenal: {}, {}",
                            KEYS.iter().map(|k| k.yaml).collect::<Vec<_>>().join(", "),
                            STRUCTURED.join(", ")
                        ),
                    });
                }
            }
            file_path = Some(path);
        }
        for key in KEYS {
            if let Some(v) = env.get(key.env) {
                values.insert(key.yaml, (Some(v.clone()), Source::Env(key.env.to_owned())));
            }
        }
        Ok(Self {
            values,
            structured,
            file_path,
        })
    }

    fn invalid(key: &str, origin: Source, message: String) -> ConfigError {
        ConfigError::Invalid {
            key: key.to_owned(),
            origin,
            message,
        }
    }

    /// Setting `k` read by `parse` (given the trimmed text); an error names the setting and
    /// where its value came from.
    fn parse<T>(
        &self,
        k: &'static str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<T, ConfigError> {
        let (v, origin) = self
            .values
            .get(k)
            .cloned()
            .unwrap_or((None, Source::Default));
        parse(v.unwrap_or_default().trim()).map_err(|m| Self::invalid(k, origin, m))
    }

    /// Like [`Merged::parse`], on the text exactly as given (a secret's spaces are its own).
    fn parse_untrimmed<T>(
        &self,
        k: &'static str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<T, ConfigError> {
        let (v, origin) = self
            .values
            .get(k)
            .cloned()
            .unwrap_or((None, Source::Default));
        parse(&v.unwrap_or_default()).map_err(|m| Self::invalid(k, origin, m))
    }

    /// Setting `k` as a whole number within `range`.
    fn number(
        &self,
        k: &'static str,
        range: std::ops::RangeInclusive<u64>,
        message: &str,
    ) -> Result<u64, ConfigError> {
        self.parse(k, |v| {
            v.parse::<u64>()
                .ok()
                .filter(|n| range.contains(n))
                .ok_or_else(|| message.to_owned())
        })
    }

    fn file_source(&self) -> Source {
        self.file_path
            .clone()
            .map(Source::File)
            .unwrap_or(Source::Default)
    }

    /// Structured setting `k` from the file, when present.
    fn structured<T>(
        &mut self,
        k: &str,
        parse: impl FnOnce(serde_yaml::Value) -> Result<T, String>,
    ) -> Result<Option<T>, ConfigError> {
        match self.structured.remove(k) {
            Some(v) => parse(v)
                .map(Some)
                .map_err(|m| Self::invalid(k, self.file_source(), m)),
            None => Ok(None),
        }
    }

    /// The agency that signs messages: `instansi` in the file, its name overridable by
    /// `MERIT_INSTANSI`.
    fn agency(&mut self, env: &BTreeMap<String, String>) -> Result<Agency, ConfigError> {
        let mut instansi = self
            .structured("instansi", |v| {
                serde_yaml::from_value::<Agency>(v).map_err(|e| e.to_string())
            })?
            .unwrap_or_default();
        if let Some(nama) = env.get("MERIT_INSTANSI") {
            instansi.nama = nama.clone();
        }
        instansi.nama = instansi.nama.trim().to_owned();
        if instansi.nama.is_empty() || instansi.nama.chars().count() > 200 {
            return Err(Self::invalid(
                "instansi",
                self.file_source(),
                "nama instansi wajib diisi, paling panjang 200 karakter".into(),
            ));
        }
        Ok(instansi)
    }
}

fn database_url(v: &str) -> Result<String, String> {
    if v.starts_with("sqlite:") || v.starts_with("postgres://") || v.starts_with("postgresql://") {
        Ok(v.to_owned())
    } else {
        Err("harus diawali sqlite:// atau postgres://".into())
    }
}

fn folder(v: &str) -> Result<PathBuf, String> {
    if v.is_empty() {
        Err("tidak boleh kosong".into())
    } else {
        Ok(PathBuf::from(v))
    }
}

fn mail_from(v: &str) -> Result<String, String> {
    if looks_like_mailbox(v) {
        Ok(v.to_owned())
    } else {
        Err(format!("'{v}' bukan alamat surel"))
    }
}

fn http_addr(v: &str) -> Result<SocketAddr, String> {
    SocketAddr::from_str(v)
        .map_err(|_| format!("'{v}' bukan alamat IP:port (contoh 127.0.0.1:8080)"))
}

fn base_url(v: &str) -> Result<String, String> {
    let v = v.trim_end_matches('/');
    if (v.starts_with("http://") || v.starts_with("https://")) && v.len() >= 10 {
        Ok(v.to_owned())
    } else {
        Err("harus diawali http:// atau https://".into())
    }
}

fn secret(v: &str) -> Result<Option<Secret>, String> {
    match v.len() {
        0 => Ok(None),
        1..16 => Err("paling sedikit 16 karakter".into()),
        _ => Ok(Some(Secret(v.to_owned()))),
    }
}

fn timezone(v: &str) -> Result<Tz, String> {
    Tz::from_str(v).map_err(|_| format!("zona waktu '{v}' tidak dikenal (contoh Asia/Jakarta)"))
}

fn tenant(v: &str) -> Result<String, String> {
    if v.is_empty()
        || v.len() > 64
        || !v
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
    {
        Err("hanya huruf, angka, '_', '-' dan '.', paling panjang 64 karakter".into())
    } else {
        Ok(v.to_owned())
    }
}

fn parse_yaml(path: &Path, text: &str) -> Result<BTreeMap<String, serde_yaml::Value>, ConfigError> {
    if text.trim().is_empty() {
        return Ok(BTreeMap::new());
    }
    serde_yaml::from_str(text).map_err(|e| ConfigError::File {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

fn scalar_text(v: &serde_yaml::Value) -> Option<String> {
    match v {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        serde_yaml::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn looks_like_mailbox(s: &str) -> bool {
    let addr = match (s.find('<'), s.rfind('>')) {
        (Some(a), Some(b)) if a < b => &s[a + 1..b],
        _ => s,
    };
    match addr.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !addr.chars().any(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    }
}

/// `7d`, `48h`, `30m` or `90s` as an absolute duration, at most ten years.
pub fn parse_duration(s: &str) -> Result<chrono::Duration, String> {
    parse_duration_within(s, chrono::Duration::days(3650))
}

/// [`parse_duration`] with an upper bound; values beyond it are refused with the bound named.
pub fn parse_duration_within(s: &str, max: chrono::Duration) -> Result<chrono::Duration, String> {
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    // Only the digits a sane duration needs: longer numbers are refused before any arithmetic.
    let n: i64 = num
        .parse()
        .ok()
        .filter(|_| num.len() <= 9)
        .ok_or_else(|| format!("'{s}' bukan durasi (contoh 7d, 48h, 30m)"))?;
    let unit_secs: i64 = match unit {
        "d" => 86_400,
        "h" => 3_600,
        "m" => 60,
        "s" => 1,
        _ => return Err(format!("'{s}' bukan durasi (satuan d, h, m atau s)")),
    };
    if n <= 0 {
        return Err(format!("durasi '{s}' harus lebih dari nol"));
    }
    let secs = n
        .checked_mul(unit_secs)
        .filter(|secs| *secs <= max.num_seconds())
        .ok_or_else(|| {
            format!(
                "durasi '{s}' terlalu panjang; paling lama {}",
                in_words(max)
            )
        })?;
    Ok(chrono::Duration::seconds(secs))
}

/// A bound in its largest whole unit: `365 hari`, `12 jam`, `30 menit`.
fn in_words(d: chrono::Duration) -> String {
    let secs = d.num_seconds();
    match secs {
        s if s % 86_400 == 0 => format!("{} hari", s / 86_400),
        s if s % 3_600 == 0 => format!("{} jam", s / 3_600),
        s if s % 60 == 0 => format!("{} menit", s / 60),
        s => format!("{s} detik"),
    }
}

fn parse_schedules(v: serde_yaml::Value) -> Result<Vec<ScheduleSetting>, String> {
    let raw: Vec<RawSchedule> = serde_yaml::from_value(v).map_err(|e| e.to_string())?;
    raw.into_iter()
        .enumerate()
        .map(|(i, r)| {
            let n = i + 1;
            if !["penyaringan", "pengingat", "ringkasan"].contains(&r.tugas.as_str()) {
                return Err(format!(
                    "entri ke-{n}: tugas '{}' tidak dikenal (penyaringan, pengingat, ringkasan)",
                    r.tugas
                ));
            }
            let cron = normalize_cron(&r.cron).map_err(|m| format!("entri ke-{n}: {m}"))?;
            Ok(ScheduleSetting {
                task: r.tugas,
                cron,
                ruleset: r.ruleset,
            })
        })
        .collect()
}

/// Accepts five-field (minute-first) or six-field (seconds-first) cron lines and returns the
/// six-field form, checked.
pub fn normalize_cron(line: &str) -> Result<String, String> {
    let fields = line.split_whitespace().count();
    let six = match fields {
        5 => format!("0 {}", line.trim()),
        6 => line.trim().to_owned(),
        n => {
            return Err(format!(
                "baris cron '{line}' harus 5 atau 6 kolom, tertulis {n}"
            ));
        }
    };
    cron::Schedule::from_str(&six).map_err(|e| format!("baris cron '{line}' tidak valid: {e}"))?;
    Ok(six)
}

fn parse_holidays(v: serde_yaml::Value) -> Result<Vec<NaiveDate>, String> {
    let raw: Vec<serde_yaml::Value> = serde_yaml::from_value(v).map_err(|e| e.to_string())?;
    let mut days = raw
        .iter()
        .map(|d| {
            let text = scalar_text(d).unwrap_or_default();
            crate::domain::parse_date(&text).ok_or_else(|| format!("'{text}' bukan tanggal"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    days.sort();
    days.dedup();
    Ok(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn write(dir: &Path, text: &str) -> PathBuf {
        let p = dir.join("merit.yaml");
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn defaults_work_with_nothing() {
        let s = Settings::resolve(None, &BTreeMap::new()).unwrap();
        assert_eq!(s.database_url, "sqlite://data/merit.db?mode=rwc");
        assert_eq!(s.mail_url, MailUrl::File("data/outbox".into()));
        assert_eq!(s.timezone, chrono_tz::Asia::Jakarta);
        assert_eq!(s.tenant, "default");
        assert_eq!(s.schedules.len(), 3);
        assert!(s.secret.is_none());
    }

    #[test]
    fn env_beats_file_beats_default() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "tenant: okutimur\ntimezone: Asia/Makassar\n");
        let s = Settings::load_from(Some(&p), env(&[("MERIT_TENANT", "oku")])).unwrap();
        assert_eq!(s.tenant, "oku");
        assert_eq!(s.timezone, chrono_tz::Asia::Makassar);
    }

    #[test]
    fn officials_are_read_with_their_nip_and_errors_name_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "pejabat:\n  ppk:\n    nama: H. Lanosin\n    nip: \"1970 0101 2000 03 1 001\"\n",
        );
        let s = Settings::load_from(Some(&p), env(&[])).unwrap();
        let ppk = s.pejabat.ppk.unwrap();
        assert_eq!(ppk.nip.unwrap().masked(), "**************1001");
        assert!(s.pejabat.kepala_bkpsdm.is_none());
        let p = write(
            dir.path(),
            "pejabat:\n  kepala_bkpsdm:\n    nama: Sutikno\n    nip: \"12345\"\n",
        );
        let e = Settings::load_from(Some(&p), env(&[]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("pejabat.kepala_bkpsdm.nip tidak sah"), "{e}");
    }

    #[test]
    fn errors_name_the_setting_and_its_source() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "timezone: Asia/Jakartaa\n");
        let e = Settings::load_from(Some(&p), env(&[]))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("`timezone`") && e.contains("merit.yaml") && e.contains("Asia/Jakartaa"),
            "{e}"
        );

        let e = Settings::load_from(None, env(&[("MERIT_HTTP_ADDR", "localhost")]))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("`http_addr`") && e.contains("MERIT_HTTP_ADDR"),
            "{e}"
        );

        let p = write(dir.path(), "databse_url: x\n");
        let e = Settings::load_from(Some(&p), env(&[]))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("`databse_url`") && e.contains("tidak dikenal"),
            "{e}"
        );

        let p = write(
            dir.path(),
            "jadwal:\n  - tugas: penyaringan\n    cron: \"0 2 * *\"\n",
        );
        let e = Settings::load_from(Some(&p), env(&[]))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("`jadwal`") && e.contains("5 atau 6 kolom"),
            "{e}"
        );

        let e = Settings::load_from(None, env(&[("MERIT_SECRET", "pendek")]))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("`secret`") && !e.contains("pendek"),
            "the secret must not be echoed: {e}"
        );

        let e = Settings::load_from(None, env(&[("MERIT_SESI_TTL", "13h")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("paling lama 12 jam"), "{e}");
        let e = Settings::load_from(None, env(&[("MERIT_AUTENTIKASI_SERVER", "mx; dkim=pass")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("`autentikasi_server`"), "{e}");
        let s = Settings::load_from(
            None,
            env(&[("MERIT_AUTENTIKASI_SERVER", "MX.Contoh.go.id")]),
        )
        .unwrap();
        assert_eq!(s.reply_auth_server.as_deref(), Some("mx.contoh.go.id"));
    }

    #[test]
    fn missing_explicit_file_is_an_error() {
        let e =
            Settings::load_from(Some(Path::new("/nonexistent/merit.yaml")), env(&[])).unwrap_err();
        assert!(matches!(e, ConfigError::File { .. }));
    }

    #[test]
    fn schedules_accept_five_fields() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "jadwal:\n  - tugas: penyaringan\n    cron: \"0 2 * * 1-5\"\n    ruleset: pppk_paruh_waktu\nhari_libur: [2026-12-25, 25/12/2026, 2026-01-01]\n",
        );
        let s = Settings::load_from(Some(&p), env(&[])).unwrap();
        assert_eq!(s.schedules[0].cron, "0 0 2 * * 1-5");
        assert_eq!(s.schedules[0].ruleset.as_deref(), Some("pppk_paruh_waktu"));
        assert_eq!(s.holidays.len(), 2);
    }

    #[test]
    fn mail_urls() {
        assert_eq!(
            MailUrl::parse("file://out").unwrap(),
            MailUrl::File("out".into())
        );
        match MailUrl::parse("smtps://merit:r%40hasia@mail.example.go.id").unwrap() {
            MailUrl::Smtp {
                host,
                port,
                tls,
                user,
                password,
            } => {
                assert_eq!(
                    (host.as_str(), port, tls),
                    ("mail.example.go.id", 465, SmtpTls::Implicit)
                );
                assert_eq!(user.as_deref(), Some("merit"));
                assert_eq!(password.unwrap().expose(), "r@hasia");
            }
            other => panic!("{other:?}"),
        }
        match MailUrl::parse("smtp://127.0.0.1:2525?tls=starttls").unwrap() {
            MailUrl::Smtp { port, tls, .. } => assert_eq!((port, tls), (2525, SmtpTls::StartTls)),
            other => panic!("{other:?}"),
        }
        assert!(MailUrl::parse("http://x").is_err());
        assert!(MailUrl::parse("smtp://host:abc").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("7d").unwrap(), chrono::Duration::days(7));
        assert_eq!(parse_duration("48h").unwrap(), chrono::Duration::hours(48));
        assert!(parse_duration("7").is_err());
        assert!(parse_duration("0d").is_err());
        assert!(parse_duration("x").is_err());
        // Absurd values are refused by name, never overflow later.
        let e = parse_duration_within("96000000d", chrono::Duration::days(365)).unwrap_err();
        assert!(e.contains("365 hari"), "{e}");
        assert!(parse_duration("99999999999999999999d").is_err());
        let e = Settings::load_from(None, env(&[("MERIT_LINK_TTL", "96000000d")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("`link_ttl`"), "{e}");
    }
}
