//! The audit log (console.md 2–3, 5): who did what, on what, when and from where. Entries form
//! a chain per agency: each carries the hash of the one before, so changing or removing a row
//! shows. Since issue 21 the chain is keyed — each hash is an HMAC-SHA-256 with a key derived
//! from the server secret — so a person who can write to the database but does not hold the
//! secret cannot recompute it. Entries written before that are plain SHA-256; the first keyed
//! entry seals them.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The actions the log records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A successful sign-in.
    Masuk,
    /// A refused sign-in (wrong password, unknown or disabled account).
    MasukGagal,
    /// A sign-in refused unchecked while the account or address is throttled.
    MasukDitahan,
    /// A sign-out.
    Keluar,
    /// An import (candidates, formations, employees).
    Impor,
    /// A screening run started or resumed.
    Penyaringan,
    /// A screening run cancelled.
    PenyaringanBatal,
    /// A placement made.
    Penempatan,
    /// A workflow started.
    AlurMulai,
    /// A decision recorded on someone's behalf.
    AlurKeputusan,
    /// A vacancy opened.
    Lowongan,
    /// Definitions read again (accepted or refused).
    MuatUlang,
    /// An account added.
    PenggunaTambah,
    /// An account disabled.
    PenggunaNonaktif,
    /// An account enabled again.
    PenggunaAktif,
    /// A password reset.
    PenggunaSandi,
    /// A full NIK or NIP shown.
    LihatIdentitas,
    /// A list with personal data downloaded.
    Unduh,
    /// A draft of a definition begun.
    DrafBaru,
    /// A draft's files changed.
    DrafUbah,
    /// A draft checked, tested or previewed.
    DrafUji,
    /// A draft discarded.
    DrafBuang,
    /// A definition published (from a draft, a folder, or an earlier version).
    DefinisiTerbit,
    /// A publication refused (invalid, failing tests, files changed on disk, refused approval).
    DefinisiTolak,
    /// A publication sent for approval.
    DefinisiAjukan,
    /// The unkeyed chain written before keyed hashes sealed into the keyed chain.
    AuditSegel,
    /// A verifier's manual finding recorded.
    Verifikasi,
    /// A manual finding cleared (by a verifier) or dropped (the data changed).
    VerifikasiAkhir,
    /// A candidate's data corrected.
    CalonUbah,
    /// A workflow instance cancelled.
    AlurBatal,
    /// A document drawn final took its number from the register.
    NomorDokumen,
    /// An announcement published (candidates.md 1).
    Pengumuman,
    /// An announcement's objection window closed early.
    PengumumanTutup,
    /// A candidate checked their own result (matched, not matched, or held back).
    LayananCek,
    /// An objection filed.
    Sanggah,
    /// An objection decided (upheld or dismissed).
    SanggahSelesai,
    /// A file of an objection downloaded.
    UnduhBerkasSanggah,
}

impl Action {
    /// Every action, for filters.
    pub const ALL: [Self; 37] = [
        Self::Masuk,
        Self::MasukGagal,
        Self::MasukDitahan,
        Self::Keluar,
        Self::Impor,
        Self::Penyaringan,
        Self::PenyaringanBatal,
        Self::Penempatan,
        Self::AlurMulai,
        Self::AlurKeputusan,
        Self::Lowongan,
        Self::MuatUlang,
        Self::PenggunaTambah,
        Self::PenggunaNonaktif,
        Self::PenggunaAktif,
        Self::PenggunaSandi,
        Self::LihatIdentitas,
        Self::Unduh,
        Self::DrafBaru,
        Self::DrafUbah,
        Self::DrafUji,
        Self::DrafBuang,
        Self::DefinisiTerbit,
        Self::DefinisiTolak,
        Self::DefinisiAjukan,
        Self::AuditSegel,
        Self::Verifikasi,
        Self::VerifikasiAkhir,
        Self::CalonUbah,
        Self::AlurBatal,
        Self::NomorDokumen,
        Self::Pengumuman,
        Self::PengumumanTutup,
        Self::LayananCek,
        Self::Sanggah,
        Self::SanggahSelesai,
        Self::UnduhBerkasSanggah,
    ];

    /// The stored name.
    pub fn code(self) -> &'static str {
        match self {
            Self::Masuk => "masuk",
            Self::MasukGagal => "masuk_gagal",
            Self::MasukDitahan => "masuk_ditahan",
            Self::Keluar => "keluar",
            Self::Impor => "impor",
            Self::Penyaringan => "penyaringan",
            Self::PenyaringanBatal => "penyaringan_batal",
            Self::Penempatan => "penempatan",
            Self::AlurMulai => "alur_mulai",
            Self::AlurKeputusan => "alur_keputusan",
            Self::Lowongan => "lowongan",
            Self::MuatUlang => "muat_ulang",
            Self::PenggunaTambah => "pengguna_tambah",
            Self::PenggunaNonaktif => "pengguna_nonaktif",
            Self::PenggunaAktif => "pengguna_aktif",
            Self::PenggunaSandi => "pengguna_sandi",
            Self::LihatIdentitas => "lihat_identitas",
            Self::Unduh => "unduh",
            Self::DrafBaru => "draf_baru",
            Self::DrafUbah => "draf_ubah",
            Self::DrafUji => "draf_uji",
            Self::DrafBuang => "draf_buang",
            Self::DefinisiTerbit => "definisi_terbit",
            Self::DefinisiTolak => "definisi_tolak",
            Self::DefinisiAjukan => "definisi_ajukan",
            Self::AuditSegel => "audit_segel",
            Self::Verifikasi => "verifikasi",
            Self::VerifikasiAkhir => "verifikasi_akhir",
            Self::CalonUbah => "calon_ubah",
            Self::AlurBatal => "alur_batal",
            Self::NomorDokumen => "nomor_dokumen",
            Self::Pengumuman => "pengumuman",
            Self::PengumumanTutup => "pengumuman_tutup",
            Self::LayananCek => "layanan_cek",
            Self::Sanggah => "sanggah",
            Self::SanggahSelesai => "sanggah_selesai",
            Self::UnduhBerkasSanggah => "unduh_berkas_sanggah",
        }
    }

    /// How people read it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Masuk => "Masuk",
            Self::MasukGagal => "Gagal masuk",
            Self::MasukDitahan => "Masuk ditahan (terlalu banyak percobaan)",
            Self::Keluar => "Keluar",
            Self::Impor => "Impor data",
            Self::Penyaringan => "Penyaringan",
            Self::PenyaringanBatal => "Pembatalan penyaringan",
            Self::Penempatan => "Penempatan",
            Self::AlurMulai => "Alur persetujuan dimulai",
            Self::AlurKeputusan => "Keputusan dicatat",
            Self::Lowongan => "Lowongan dibuka",
            Self::MuatUlang => "Definisi dimuat ulang",
            Self::PenggunaTambah => "Akun ditambahkan",
            Self::PenggunaNonaktif => "Akun dinonaktifkan",
            Self::PenggunaAktif => "Akun diaktifkan kembali",
            Self::PenggunaSandi => "Kata sandi diatur ulang",
            Self::LihatIdentitas => "NIK/NIP lengkap dilihat",
            Self::Unduh => "Daftar diunduh",
            Self::DrafBaru => "Draf dibuat",
            Self::DrafUbah => "Draf diubah",
            Self::DrafUji => "Draf diperiksa/diuji/dipratinjau",
            Self::DrafBuang => "Draf dibuang",
            Self::DefinisiTerbit => "Definisi diterbitkan",
            Self::DefinisiTolak => "Penerbitan ditolak",
            Self::DefinisiAjukan => "Penerbitan diajukan untuk persetujuan",
            Self::AuditSegel => "Rantai audit lama disegel dengan kunci",
            Self::Verifikasi => "Verifikasi manual dicatat",
            Self::VerifikasiAkhir => "Verifikasi manual dicabut atau gugur",
            Self::CalonUbah => "Data calon dikoreksi",
            Self::AlurBatal => "Alur persetujuan dibatalkan",
            Self::NomorDokumen => "Nomor dokumen diberikan",
            Self::Pengumuman => "Pengumuman diterbitkan",
            Self::PengumumanTutup => "Masa sanggah ditutup",
            Self::LayananCek => "Calon memeriksa hasilnya",
            Self::Sanggah => "Sanggah diajukan",
            Self::SanggahSelesai => "Sanggah diputuskan",
            Self::UnduhBerkasSanggah => "Berkas sanggah diunduh",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == s)
    }
}

/// An entry prepared before the change it records: its event (clipped and redacted), the
/// chain's key and its time. The store appends it inside the change's own write transaction.
#[derive(Clone)]
pub struct AuditStamp {
    /// What the entry records.
    pub event: AuditEvent,
    /// The key its hash is made under.
    pub key: AuditKey,
    /// When, epoch ms.
    pub waktu_ms: i64,
}

impl AuditStamp {
    /// The same entry with its details replaced by `rincian` (clipped and redacted like the
    /// rest): for a change whose details are known only inside its transaction (the number a
    /// version takes, the sessions ended).
    #[must_use]
    pub fn detailed(&self, rincian: &str) -> Self {
        let mut s = self.clone();
        s.event.rincian = clipped(rincian, RINCIAN_CHARS);
        s
    }

    /// The same entry about `objek` instead (an id made inside the transaction).
    #[must_use]
    pub fn about(&self, objek: &str) -> Self {
        let mut s = self.clone();
        s.event.objek = clipped(objek, OBJEK_CHARS);
        s
    }
}

/// Longest `objek` kept, in characters.
pub const OBJEK_CHARS: usize = 500;

/// Longest `rincian` kept, in characters.
pub const RINCIAN_CHARS: usize = 2_000;

/// `s` stripped of control characters, any full NIK or NIP in it masked, cut at `n` characters.
pub fn clipped(s: &str, n: usize) -> String {
    super::redact_identifiers(&super::strip_controls(s))
        .0
        .chars()
        .take(n)
        .collect()
}

/// What an entry records before it is chained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    /// Who: an account's e-mail, `cli:USER`, or `sistem`.
    pub orang: String,
    /// From where: an IP address, `cli`, or `sistem`.
    pub dari: String,
    /// The action ([`Action::code`]).
    pub aksi: String,
    /// What it acted on (a run id, a masked NIK, a file name).
    pub objek: String,
    /// Details in words.
    pub rincian: String,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Position in the agency's chain (1, 2, …).
    pub urutan: i64,
    /// When, epoch ms.
    pub waktu_ms: i64,
    /// Who.
    pub orang: String,
    /// From where.
    pub dari: String,
    /// The action.
    pub aksi: String,
    /// What it acted on.
    pub objek: String,
    /// Details.
    pub rincian: String,
    /// The hash of the entry before (64 zeros for the first).
    pub hash_sebelum: String,
    /// This entry's hash.
    pub hash: String,
    /// Whether `hash` is keyed (HMAC) rather than plain SHA-256 (entries before issue 21).
    pub berkunci: bool,
}

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The key of an agency's chain: 32 bytes derived from the server secret, never stored.
#[derive(Clone)]
pub struct AuditKey([u8; 32]);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(***)")
    }
}

type HmacSha256 = Hmac<Sha256>;

impl AuditKey {
    /// The key of `tenant`'s chain under `secret` (HMAC-SHA-256 of a fixed label and the
    /// tenant, so each agency's chain has its own key and the link-signing key is not reused).
    pub fn derive(secret: &[u8], tenant: &str) -> Self {
        let mut mac = mac_with(secret);
        mac.update(b"merit/audit/v1\0");
        mac.update(tenant.as_bytes());
        Self(mac.finalize().into_bytes().into())
    }

    /// A short keyed tag of `value` (`#` and 16 letters `a`–`p`, never digits, so it is never
    /// mistaken for an identity number): the same value always gives the same tag, so an
    /// auditor can find every entry about one person, but the tag does not reveal the value.
    pub fn tag(&self, value: &str) -> String {
        let mut mac = mac_with(&self.0);
        mac.update(b"tag\0");
        mac.update(value.as_bytes());
        let out = mac.finalize().into_bytes();
        let mut t = String::with_capacity(17);
        t.push('#');
        for b in &out[..8] {
            t.push(char::from(b'a' + (b >> 4)));
            t.push(char::from(b'a' + (b & 0x0f)));
        }
        t
    }

    /// Whether `s` has the shape of a tag.
    pub fn is_tag(s: &str) -> bool {
        s.strip_prefix('#')
            .is_some_and(|t| t.len() == 16 && t.bytes().all(|b| (b'a'..=b'p').contains(&b)))
    }
}

fn mac_with(key: &[u8]) -> HmacSha256 {
    // HMAC takes a key of any length.
    <HmacSha256 as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"))
}

/// Feeds the previous hash and every field, each length-prefixed so that no two different
/// entries hash alike.
fn fields(mut update: impl FnMut(&[u8]), prev: &str, urutan: i64, waktu_ms: i64, e: &AuditEvent) {
    let mut field = |b: &[u8]| {
        update(&(b.len() as u64).to_be_bytes());
        update(b);
    };
    field(prev.as_bytes());
    field(&urutan.to_be_bytes());
    field(&waktu_ms.to_be_bytes());
    for f in [&e.orang, &e.dari, &e.aksi, &e.objek, &e.rincian] {
        field(f.as_bytes());
    }
}

/// The unkeyed hash of an entry (entries written before issue 21): SHA-256.
pub fn chain_hash(prev: &str, urutan: i64, waktu_ms: i64, e: &AuditEvent) -> String {
    let mut h = Sha256::new();
    fields(|b| h.update(b), prev, urutan, waktu_ms, e);
    hex::encode(h.finalize())
}

/// The keyed hash of an entry: HMAC-SHA-256 under the agency's [`AuditKey`].
pub fn keyed_hash(
    key: &AuditKey,
    prev: &str,
    urutan: i64,
    waktu_ms: i64,
    e: &AuditEvent,
) -> String {
    let mut mac = mac_with(&key.0);
    mac.update(b"merit/audit/entri/v1\0");
    fields(|b| mac.update(b), prev, urutan, waktu_ms, e);
    hex::encode(mac.finalize().into_bytes())
}

/// The head of a chain as the agency keeps it outside the database (`merit audit anchor`):
/// a later `merit audit verify --anchor` shows whether any entry up to it was removed or
/// rewritten.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    /// Always `merit-audit-jangkar/1`: what this file is.
    pub jenis: String,
    pub instansi: String,
    pub urutan: i64,
    pub waktu_ms: i64,
    /// The time in words (for the person keeping it).
    pub waktu: String,
    /// The keyed hash of entry `urutan`.
    pub hash: String,
}

/// What [`Anchor::jenis`] says.
pub const ANCHOR_KIND: &str = "merit-audit-jangkar/1";

impl AuditEntry {
    /// The event it records.
    pub fn event(&self) -> AuditEvent {
        AuditEvent {
            orang: self.orang.clone(),
            dari: self.dari.clone(),
            aksi: self.aksi.clone(),
            objek: self.objek.clone(),
            rincian: self.rincian.clone(),
        }
    }

    /// Whether this entry follows `prev_hash` and its own hash is right (keyed entries under
    /// `key`).
    pub fn holds_after(&self, prev_hash: &str, key: &AuditKey) -> bool {
        let expected = if self.berkunci {
            keyed_hash(key, prev_hash, self.urutan, self.waktu_ms, &self.event())
        } else {
            chain_hash(prev_hash, self.urutan, self.waktu_ms, &self.event())
        };
        self.hash_sebelum == prev_hash && self.hash == expected
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(rincian: &str) -> AuditEvent {
        AuditEvent {
            orang: "kaban@contoh.go.id".into(),
            dari: "127.0.0.1".into(),
            aksi: "masuk".into(),
            objek: String::new(),
            rincian: rincian.into(),
        }
    }

    #[test]
    fn a_changed_field_breaks_the_chain() {
        let key = AuditKey::derive(b"rahasia", "default");
        let h1 = keyed_hash(&key, GENESIS, 1, 10, &event("a"));
        let e = AuditEntry {
            urutan: 1,
            waktu_ms: 10,
            orang: "kaban@contoh.go.id".into(),
            dari: "127.0.0.1".into(),
            aksi: "masuk".into(),
            objek: String::new(),
            rincian: "a".into(),
            hash_sebelum: GENESIS.into(),
            hash: h1.clone(),
            berkunci: true,
        };
        assert!(e.holds_after(GENESIS, &key));
        let mut changed = e.clone();
        changed.rincian = "b".into();
        assert!(!changed.holds_after(GENESIS, &key));
        // Recomputed without the key (plain SHA-256, or another secret), it does not hold.
        changed.hash = chain_hash(GENESIS, 1, 10, &changed.event());
        assert!(!changed.holds_after(GENESIS, &key));
        let other = AuditKey::derive(b"rahasia lain", "default");
        changed.hash = keyed_hash(&other, GENESIS, 1, 10, &changed.event());
        assert!(!changed.holds_after(GENESIS, &key));
        // An old, unkeyed entry still verifies as SHA-256.
        let mut old = e.clone();
        old.berkunci = false;
        old.hash = chain_hash(GENESIS, 1, 10, &old.event());
        assert!(old.holds_after(GENESIS, &key));
        // Each agency has its own key; tags are stable and do not show the value.
        assert_ne!(
            keyed_hash(
                &AuditKey::derive(b"rahasia", "lain"),
                GENESIS,
                1,
                10,
                &event("a")
            ),
            h1
        );
        let t = key.tag("1609014107900001");
        assert_eq!(t, key.tag("1609014107900001"));
        assert_eq!(t.len(), 17);
        assert!(t.starts_with('#') && !t.contains("1609014107900001"));
        // Fields cannot be shifted into one another.
        let mut a = event("");
        a.objek = "xy".into();
        let mut b = event("y");
        b.objek = "x".into();
        assert_ne!(
            chain_hash(GENESIS, 1, 10, &a),
            chain_hash(GENESIS, 1, 10, &b)
        );
    }
}

/// What the audit page filters on.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Who (exact).
    pub orang: Option<String>,
    /// Which action (exact).
    pub aksi: Option<String>,
    /// From, epoch ms.
    pub sejak_ms: Option<i64>,
    /// Until (exclusive), epoch ms.
    pub sampai_ms: Option<i64>,
    /// Entries whose object ends with this keyed tag ([`AuditKey::tag`]): every view of one
    /// person's NIK, every sign-in attempt on one account name.
    pub tag: Option<String>,
    /// Entries before this position (keyset paging, newest first).
    pub sebelum: Option<i64>,
}
