//! The messages merit sends: their kinds, the typed payload of each kind, and who they go to.
//! The planner and the service build a [`Queued`] message; the outbox stores the kind's name
//! ([`MessageKind::as_str`]), the payload as JSON and the recipient's channel and address; the
//! composer reads them back through [`Content::from_value`], so a missing field is an error.

use std::fmt;

use serde::{Deserialize, Serialize};

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
    /// The instance was cancelled; the people awaited are told why.
    Dibatalkan,
    /// A reply was applied; its sender gets a short acknowledgement.
    JawabanTercatat,
    /// A candidate is told about their objection (receipt, answer, new result).
    Layanan,
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
            Self::Dibatalkan => "dibatalkan",
            Self::JawabanTercatat => "jawaban_tercatat",
            Self::Layanan => "layanan",
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
            "dibatalkan" => Self::Dibatalkan,
            "jawaban_tercatat" => Self::JawabanTercatat,
            "layanan" => Self::Layanan,
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

/// The workflow, step and visit a message is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct About {
    pub instans_id: String,
    pub workflow: String,
    /// Workflow title.
    pub judul_workflow: String,
    /// Step id, when the message is about a step.
    pub langkah: Option<String>,
    /// Step title, when the message is about a step.
    pub judul_langkah: Option<String>,
    /// Which opening of the step.
    pub kunjungan: i64,
}

/// What a prompt asks (a request, a reminder, an escalation, a passed deadline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prompt {
    /// The workflow and step.
    #[serde(flatten)]
    pub about: About,
    /// The reference code the answer is matched by (`MERIT-…` without the prefix).
    pub kode: String,
    /// In what capacity the person is asked (a role code, a Plt./Plh. note, …). Reminders
    /// queued before payloads were typed carry no capacity, answers or options.
    #[serde(default)]
    pub kapasitas: String,
    /// The step's deadline, epoch ms (none on an escalation: the superior decides outright).
    pub tenggat_ms: Option<i64>,
    /// The answers offered: `setuju`, `tolak`, `kembalikan`, `pilih:OPTION`.
    #[serde(default)]
    pub jawaban: Vec<String>,
    /// The options of a choice step.
    #[serde(default)]
    pub opsi: Vec<String>,
    /// Why the step was sent back to this person, when it was.
    pub alasan_kembali: Option<String>,
    /// The answers already given on this instance, oldest first (who, as what, when, comment).
    #[serde(default)]
    pub jawaban_sebelumnya: Vec<PriorAnswer>,
}

/// An answer already given on an instance, as a prompt shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorAnswer {
    /// The person's name.
    pub nama: String,
    /// In what capacity (a role code or a Plt./Plh. note; shown by its title).
    pub kapasitas: String,
    /// The step's title.
    pub langkah: String,
    /// The answer (stored by its code: `setuju`, `tolak`, `kembalikan`, `pilih:OPTION`).
    pub keputusan: super::Answer,
    pub komentar: Option<String>,
    /// When, epoch ms.
    pub waktu_ms: i64,
}

/// A running instance was cancelled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cancelled {
    /// The workflow and the step that was open.
    #[serde(flatten)]
    pub about: About,
    pub alasan: String,
}

/// A reply by e-mail was applied: the short acknowledgement sent back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyApplied {
    #[serde(flatten)]
    pub about: About,
    /// The answer (stored by its code: `setuju`, `tolak`, `kembalikan`, `pilih:OPTION`).
    pub keputusan: super::Answer,
    /// The subject of the reply, for "Re:".
    pub perihal: String,
    /// Message-ID of the reply, for threading.
    pub in_reply_to: Option<String>,
}

impl Prompt {
    /// The answers offered; the three plain answers for a reminder queued before payloads were
    /// typed (which named none).
    pub fn answers(&self) -> Vec<String> {
        if self.jawaban.is_empty() {
            super::Answer::PLAIN
                .iter()
                .map(super::Answer::code)
                .collect()
        } else {
            self.jawaban.clone()
        }
    }
}

/// Someone else decided the step this person was asked about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepClosed {
    /// The workflow and step.
    #[serde(flatten)]
    pub about: About,
    /// Who decided (person id).
    pub diputuskan_oleh: String,
    /// The answer given.
    pub keputusan: String,
}

/// The requester's proposal was sent back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Returned {
    /// The workflow and step.
    #[serde(flatten)]
    pub about: About,
    /// The approver's reason.
    pub alasan_kembali: String,
}

/// How a workflow ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ending {
    /// Approved at every step.
    SelesaiDisetujui,
    /// Refused.
    SelesaiDitolak,
}

/// A workflow ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finished {
    /// The workflow.
    #[serde(flatten)]
    pub about: About,
    /// How it ended.
    pub status: Ending,
    /// The option chosen (the appointee of a job-fill).
    pub pilihan: Option<String>,
}

/// A job-fill candidate is told about themself only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateNotice {
    /// The workflow.
    #[serde(flatten)]
    pub about: About,
    pub jabatan: String,
    pub unit_kerja: String,
}

/// A message to a candidate in prose: its subject line and paragraphs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicNotice {
    pub perihal: String,
    pub paragraf: Vec<String>,
}

/// A notice in prose (to administrators).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub pesan: String,
}

/// A reply that could not be applied, answered with why and how to answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyRefused {
    /// The subject line of the answer (with the reference code).
    pub perihal: String,
    /// Why the reply was not applied.
    pub alasan: String,
    /// How to answer this prompt by reply.
    pub cara_menjawab: String,
    /// The prompt's reference code, when it was found.
    pub kode: Option<String>,
    /// The reply's Message-ID, to thread the answer.
    pub in_reply_to: Option<String>,
}

/// A message's kind with its payload: each kind carries exactly what its template needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// A request to answer a step.
    Permintaan(Prompt),
    /// The n-th reminder.
    Pengingat(u32, Prompt),
    /// A step forwarded to a superior.
    Eskalasi(Prompt),
    /// A step's deadline has passed.
    Tenggat(Prompt),
    /// The step was decided by someone else.
    LangkahDitutup(StepClosed),
    /// The requester's proposal was sent back.
    Dikembalikan(Returned),
    /// The workflow ended.
    Selesai(Finished),
    /// A job-fill candidate was chosen.
    Terpilih(CandidateNotice),
    /// A job-fill candidate was not chosen.
    TidakTerpilih(CandidateNotice),
    /// A notice to `ADMIN`.
    Admin(Notice),
    /// A screening run has finished (to `ADMIN`).
    PenyaringanSelesai(Notice),
    /// A reply could not be applied.
    BalasanDitolak(ReplyRefused),
    /// The instance was cancelled (to the people awaited and the requester).
    Dibatalkan(Cancelled),
    /// A reply was applied (to its sender).
    JawabanTercatat(ReplyApplied),
    /// A message to a candidate (candidates.md 3).
    Layanan(PublicNotice),
}

impl Content {
    /// The kind.
    pub fn kind(&self) -> MessageKind {
        match self {
            Self::Permintaan(_) => MessageKind::Permintaan,
            Self::Pengingat(n, _) => MessageKind::Pengingat(*n),
            Self::Eskalasi(_) => MessageKind::Eskalasi,
            Self::Tenggat(_) => MessageKind::Tenggat,
            Self::LangkahDitutup(_) => MessageKind::LangkahDitutup,
            Self::Dikembalikan(_) => MessageKind::Dikembalikan,
            Self::Selesai(_) => MessageKind::Selesai,
            Self::Terpilih(_) => MessageKind::Terpilih,
            Self::TidakTerpilih(_) => MessageKind::TidakTerpilih,
            Self::Admin(_) => MessageKind::Admin,
            Self::PenyaringanSelesai(_) => MessageKind::PenyaringanSelesai,
            Self::BalasanDitolak(_) => MessageKind::BalasanDitolak,
            Self::Dibatalkan(_) => MessageKind::Dibatalkan,
            Self::JawabanTercatat(_) => MessageKind::JawabanTercatat,
            Self::Layanan(_) => MessageKind::Layanan,
        }
    }

    /// A prompt's payload, for the four kinds that ask for an answer.
    pub fn prompt(&self) -> Option<&Prompt> {
        match self {
            Self::Permintaan(p) | Self::Pengingat(_, p) | Self::Eskalasi(p) | Self::Tenggat(p) => {
                Some(p)
            }
            _ => None,
        }
    }

    /// The reference code an answer to this message is matched by.
    pub fn reference_code(&self) -> Option<&str> {
        match self {
            Self::BalasanDitolak(r) => r.kode.as_deref(),
            other => other.prompt().map(|p| p.kode.as_str()),
        }
    }

    /// The stored form of the payload.
    pub fn to_value(&self) -> serde_json::Value {
        let v = match self {
            Self::Permintaan(p) | Self::Pengingat(_, p) | Self::Eskalasi(p) | Self::Tenggat(p) => {
                serde_json::to_value(p)
            }
            Self::LangkahDitutup(p) => serde_json::to_value(p),
            Self::Dikembalikan(p) => serde_json::to_value(p),
            Self::Selesai(p) => serde_json::to_value(p),
            Self::Terpilih(p) | Self::TidakTerpilih(p) => serde_json::to_value(p),
            Self::Admin(p) | Self::PenyaringanSelesai(p) => serde_json::to_value(p),
            Self::BalasanDitolak(p) => serde_json::to_value(p),
            Self::Dibatalkan(p) => serde_json::to_value(p),
            Self::JawabanTercatat(p) => serde_json::to_value(p),
            Self::Layanan(p) => serde_json::to_value(p),
        };
        // Plain structs of strings and numbers always serialize.
        v.unwrap_or_default()
    }

    /// Reads a stored payload of `kind`; a missing or mistyped field is an error naming it.
    pub fn from_value(kind: MessageKind, v: &serde_json::Value) -> Result<Self, String> {
        fn de<T: serde::de::DeserializeOwned>(
            kind: MessageKind,
            v: &serde_json::Value,
        ) -> Result<T, String> {
            T::deserialize(v).map_err(|e| {
                format!(
                    "isi pesan {kind} tidak dapat dibaca: {}",
                    crate::diagnostic::translate_serde_of(&e.to_string(), "JSON")
                )
            })
        }
        Ok(match kind {
            MessageKind::Permintaan => Self::Permintaan(de(kind, v)?),
            MessageKind::Pengingat(n) => Self::Pengingat(n, de(kind, v)?),
            MessageKind::Eskalasi => Self::Eskalasi(de(kind, v)?),
            MessageKind::Tenggat => Self::Tenggat(de(kind, v)?),
            MessageKind::LangkahDitutup => Self::LangkahDitutup(de(kind, v)?),
            MessageKind::Dikembalikan => Self::Dikembalikan(de(kind, v)?),
            MessageKind::Selesai => Self::Selesai(de(kind, v)?),
            MessageKind::Terpilih => Self::Terpilih(de(kind, v)?),
            MessageKind::TidakTerpilih => Self::TidakTerpilih(de(kind, v)?),
            MessageKind::Admin => Self::Admin(de(kind, v)?),
            MessageKind::PenyaringanSelesai => Self::PenyaringanSelesai(de(kind, v)?),
            MessageKind::BalasanDitolak => Self::BalasanDitolak(de(kind, v)?),
            MessageKind::Dibatalkan => Self::Dibatalkan(de(kind, v)?),
            MessageKind::JawabanTercatat => Self::JawabanTercatat(de(kind, v)?),
            MessageKind::Layanan => Self::Layanan(de(kind, v)?),
        })
    }
}

/// How a message reaches its recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ChannelKind {
    /// E-mail (SMTP, or `.eml` files in a folder).
    #[default]
    Email,
}

impl ChannelKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "email" => Some(Self::Email),
            _ => None,
        }
    }
}

/// Who a message goes to: a person (when in the directory), how, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// Person id in the directory (none for a candidate told about a vacancy).
    pub orang: Option<String>,
    /// The name used in the salutation.
    pub nama: Option<String>,
    pub saluran: ChannelKind,
    /// The address on that channel (an e-mail address).
    pub alamat: String,
}

impl Recipient {
    /// A person reached by e-mail.
    pub fn email(orang: Option<&str>, nama: Option<&str>, alamat: &str) -> Self {
        Self {
            orang: orang.map(str::to_owned),
            nama: nama.map(str::to_owned),
            saluran: ChannelKind::Email,
            alamat: alamat.to_owned(),
        }
    }
}

/// A message to queue: unique by `kunci` (instance, step visit, recipient, kind).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    /// Idempotency key.
    pub kunci: String,
    /// To whom.
    pub recipient: Recipient,
    /// What.
    pub content: Content,
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
            MessageKind::Layanan,
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

    fn about() -> About {
        About {
            instans_id: "i".into(),
            workflow: "w".into(),
            judul_workflow: "W".into(),
            langkah: Some("s".into()),
            judul_langkah: Some("S".into()),
            kunjungan: 1,
        }
    }

    #[test]
    fn payloads_round_trip_and_a_missing_field_is_named() {
        let prompt = Prompt {
            about: about(),
            kode: "K7Q2".into(),
            kapasitas: "BUPATI".into(),
            tenggat_ms: None,
            jawaban: vec!["setuju".into()],
            opsi: vec![],
            alasan_kembali: None,
            jawaban_sebelumnya: Vec::new(),
        };
        for c in [
            Content::Pengingat(2, prompt.clone()),
            Content::Selesai(Finished {
                about: about(),
                status: Ending::SelesaiDisetujui,
                pilihan: Some("1985".into()),
            }),
            Content::Admin(Notice { pesan: "x".into() }),
        ] {
            assert_eq!(Content::from_value(c.kind(), &c.to_value()), Ok(c.clone()));
        }
        let mut v = Content::Permintaan(prompt).to_value();
        v.as_object_mut().unwrap().remove("kode");
        let e = Content::from_value(MessageKind::Permintaan, &v).unwrap_err();
        assert!(e.contains("kode"), "{e}");
    }

    #[test]
    fn a_reminder_queued_before_typed_payloads_still_reads() {
        let old = serde_json::json!({"instans_id": "i", "workflow": "w", "judul_workflow": "W",
            "langkah": "s", "judul_langkah": "S", "kunjungan": 1, "kode": "K7Q2", "ke": 1,
            "orang": "bupati", "nama": "Bupati"});
        let c = Content::from_value(MessageKind::Pengingat(1), &old).unwrap();
        let p = c.prompt().unwrap();
        assert_eq!(p.kode, "K7Q2");
        assert_eq!(p.answers(), ["setuju", "tolak", "kembalikan"]);
    }
}
