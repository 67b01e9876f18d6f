//! The audit log (console.md 2–3): who did what, on what, when and from where. Entries form a
//! chain per agency: each carries the hash of the one before, so changing or removing a row
//! shows.

use serde::Serialize;
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
}

impl Action {
    /// Every action, for filters.
    pub const ALL: [Self; 25] = [
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
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == s)
    }
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
}

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash of an entry: SHA-256 over the previous hash and every field, each length-prefixed
/// so that no two different entries hash alike.
pub fn chain_hash(prev: &str, urutan: i64, waktu_ms: i64, e: &AuditEvent) -> String {
    let mut h = Sha256::new();
    let mut field = |b: &[u8]| {
        h.update((b.len() as u64).to_be_bytes());
        h.update(b);
    };
    field(prev.as_bytes());
    field(&urutan.to_be_bytes());
    field(&waktu_ms.to_be_bytes());
    for f in [&e.orang, &e.dari, &e.aksi, &e.objek, &e.rincian] {
        field(f.as_bytes());
    }
    hex::encode(h.finalize())
}

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

    /// Whether this entry follows `prev_hash` and its own hash is right.
    pub fn holds_after(&self, prev_hash: &str) -> bool {
        self.hash_sebelum == prev_hash
            && self.hash == chain_hash(prev_hash, self.urutan, self.waktu_ms, &self.event())
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
        let h1 = chain_hash(GENESIS, 1, 10, &event("a"));
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
        };
        assert!(e.holds_after(GENESIS));
        let mut changed = e.clone();
        changed.rincian = "b".into();
        assert!(!changed.holds_after(GENESIS));
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
    /// Entries before this position (keyset paging, newest first).
    pub sebelum: Option<i64>,
}
