//! The kinds of message merit sends. The planner, the service and the composer speak of them
//! with this type; the outbox stores [`MessageKind::as_str`].

use std::fmt;

/// What a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageKind {
    /// A request to answer a step (`permintaan`).
    Permintaan,
    /// The n-th reminder of an unanswered request (`pengingat1`, `pengingat2`, …).
    Pengingat(u32),
    /// A step forwarded to a superior after its escalation time (`eskalasi`).
    Eskalasi,
    /// A step's deadline has passed (`tenggat`).
    Tenggat,
    /// The step was decided by someone else; the answer is no longer needed.
    LangkahDitutup,
    /// The requester is told a step was returned, with the reason.
    Dikembalikan,
    /// The workflow ended (to the officials named in `pemberitahuan`).
    Selesai,
    /// Job-fill: the chosen candidate is told about themself.
    Terpilih,
    /// Job-fill: a shortlisted candidate who was not chosen is told about themself.
    TidakTerpilih,
    /// A notice to `ADMIN` (failures, refused edits, the daily digest).
    Admin,
    /// A screening run has finished (to `ADMIN`).
    PenyaringanSelesai,
    /// A reply could not be applied; the sender is told why and what to send.
    BalasanDitolak,
}

impl MessageKind {
    /// The stored name.
    pub fn as_str(self) -> String {
        match self {
            Self::Pengingat(n) => format!("pengingat{n}"),
            other => other.base().to_owned(),
        }
    }

    /// The name without a reminder's number.
    pub fn base(self) -> &'static str {
        match self {
            Self::Permintaan => "permintaan",
            Self::Pengingat(_) => "pengingat",
            Self::Eskalasi => "eskalasi",
            Self::Tenggat => "tenggat",
            Self::LangkahDitutup => "langkah_ditutup",
            Self::Dikembalikan => "dikembalikan",
            Self::Selesai => "selesai",
            Self::Terpilih => "terpilih",
            Self::TidakTerpilih => "tidak_terpilih",
            Self::Admin => "admin",
            Self::PenyaringanSelesai => "penyaringan_selesai",
            Self::BalasanDitolak => "balasan_ditolak",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "permintaan" => Self::Permintaan,
            "eskalasi" => Self::Eskalasi,
            "tenggat" => Self::Tenggat,
            "langkah_ditutup" => Self::LangkahDitutup,
            "dikembalikan" => Self::Dikembalikan,
            "selesai" => Self::Selesai,
            "terpilih" => Self::Terpilih,
            "tidak_terpilih" => Self::TidakTerpilih,
            "admin" => Self::Admin,
            "penyaringan_selesai" => Self::PenyaringanSelesai,
            "balasan_ditolak" => Self::BalasanDitolak,
            other => {
                let n = other.strip_prefix("pengingat")?;
                Self::Pengingat(if n.is_empty() { 1 } else { n.parse().ok()? })
            }
        })
    }

    /// Whether the message asks for an answer (carries links and the reply instructions).
    pub fn is_prompt(self) -> bool {
        matches!(
            self,
            Self::Permintaan | Self::Pengingat(_) | Self::Eskalasi | Self::Tenggat
        )
    }
}

impl serde::Serialize for MessageKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.as_str())
    }
}

impl fmt::Display for MessageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for k in [
            MessageKind::Permintaan,
            MessageKind::Pengingat(2),
            MessageKind::Eskalasi,
            MessageKind::Tenggat,
            MessageKind::LangkahDitutup,
            MessageKind::Dikembalikan,
            MessageKind::Selesai,
            MessageKind::Terpilih,
            MessageKind::TidakTerpilih,
            MessageKind::Admin,
            MessageKind::PenyaringanSelesai,
            MessageKind::BalasanDitolak,
        ] {
            assert_eq!(MessageKind::parse(&k.as_str()), Some(k));
        }
        assert_eq!(
            MessageKind::parse("pengingat"),
            Some(MessageKind::Pengingat(1))
        );
        assert_eq!(MessageKind::parse("lain"), None);
        assert!(MessageKind::Pengingat(3).is_prompt());
        assert!(!MessageKind::Selesai.is_prompt());
    }
}
