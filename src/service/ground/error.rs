//! Why a use case did not complete, as types an entry point can act on: the command line
//! derives its exit code from the variant (interfaces.md 3), the HTTP server its status, and
//! the console can show a definition problem next to its line. Every message people read comes
//! from one `Display` per type, in Bahasa Indonesia.

use std::fmt;

use crate::{
    diagnostic::Diagnostics,
    export::ExportError,
    ingest::FileError,
    rules::TestFailure,
    screening::RunStatus,
    store::StoreError,
    workflow::{Refusal as WorkflowRefusal, Status as WorkflowStatus},
};

/// Why a use case did not complete.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The input is wrong: an argument, a form, a file (exit 3, HTTP 400).
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// What was asked for does not exist (exit 3, HTTP 404).
    #[error(transparent)]
    NotFound(#[from] NotFound),
    /// A ruleset, workflow, directory or template is not valid (exit 3; each problem carries
    /// its file, line and column, for the console to show beside the text).
    #[error("{what} tidak valid ({}):\n{diagnostics}", what.hint())]
    Definitions {
        /// Which kind of definition.
        what: Definition,
        /// Each problem with its file, line and column.
        diagnostics: Diagnostics,
    },
    /// The current state does not allow it (exit 4; a refusal about the input itself, such as a
    /// return without a reason, is exit 3). See [`Refusal`].
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The database failed (exit 1, HTTP 500).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Anything else (exit 1, HTTP 500): a bug, a lost worker, an exhausted retry. Keeps the
    /// error that caused it, so a log shows the whole chain.
    #[error(transparent)]
    Unexpected(Unexpected),
}

/// An unexpected failure: what was being done, and the error that stopped it (none when merit
/// itself found something impossible, such as a stored row it cannot read).
#[derive(Debug, thiserror::Error)]
#[error("{context}{}", source.as_ref().map(|e| format!(": {e}")).unwrap_or_default())]
pub struct Unexpected {
    /// What was being done, in Bahasa Indonesia.
    pub context: String,
    /// The cause.
    #[source]
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl ServiceError {
    /// An unexpected failure while doing `context`, caused by `e` (kept as the source).
    pub fn unexpected(context: &str, e: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Unexpected(Unexpected {
            context: context.to_owned(),
            source: Some(Box::new(e)),
        })
    }

    /// An unexpected failure while doing `context`, described by `e` (an error that is not a
    /// `std::error::Error`: its words are kept, there is no chain to keep).
    pub fn failed(context: &str, e: impl fmt::Display) -> Self {
        Self::internal(format!("{context}: {e}"))
    }

    /// An unexpected state merit found itself (no underlying error): `message` says what.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::Unexpected(Unexpected {
            context: message.into(),
            source: None,
        })
    }

    /// Definitions that failed validation.
    pub fn definitions(what: Definition, diagnostics: Diagnostics) -> Self {
        Self::Definitions { what, diagnostics }
    }

    /// A bad value for a named input.
    pub fn value(field: impl Into<String>, problem: impl fmt::Display) -> Self {
        Self::Invalid(Invalid::Value {
            field: field.into(),
            problem: problem.to_string(),
        })
    }

    /// Something that must exist first.
    pub fn missing(p: Prerequisite) -> Self {
        Self::Invalid(Invalid::Missing(p))
    }

    /// Nothing of kind `what` is known as `id`.
    pub fn not_found(what: Sought, id: impl Into<String>) -> Self {
        Self::NotFound(NotFound {
            what,
            id: id.into(),
            hint: None,
        })
    }

    /// Whether the problem lies in what was given (rather than in the state or the system).
    pub fn is_input(&self) -> bool {
        match self {
            Self::Invalid(_) | Self::NotFound(_) | Self::Definitions { .. } => true,
            Self::Refused(r) => r.is_input(),
            Self::Store(_) | Self::Unexpected(_) => false,
        }
    }
}

impl From<WorkflowRefusal> for ServiceError {
    fn from(r: WorkflowRefusal) -> Self {
        Self::Refused(Refusal::Workflow(r))
    }
}

impl From<ExportError> for ServiceError {
    fn from(e: ExportError) -> Self {
        match e {
            ExportError::Write { .. } => Self::unexpected("menulis berkas", e),
            e => Self::Invalid(Invalid::Export(e)),
        }
    }
}

impl From<FileError> for ServiceError {
    fn from(e: FileError) -> Self {
        Self::Invalid(Invalid::File(e))
    }
}

/// What is wrong with the input.
#[derive(Debug, thiserror::Error)]
pub enum Invalid {
    /// A value given for a named input (a command-line option, a form field, a setting).
    #[error("{field}: {problem}")]
    Value {
        /// The input, as the person named it (`--level`, `NIK`, `jadwal penyaringan`).
        field: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A file that cannot be read as the table asked for.
    #[error(transparent)]
    File(FileError),
    /// An output file merit cannot write in the form asked.
    #[error(transparent)]
    Export(ExportError),
    /// Something must exist first.
    #[error(transparent)]
    Missing(Prerequisite),
    /// More than one thing fits and none was named.
    #[error("ada beberapa {what} ({}); pilih dengan {option}", choices.join(", "))]
    Ambiguous {
        /// What is ambiguous.
        what: &'static str,
        /// The candidates.
        choices: Vec<String>,
        /// The option that settles it.
        option: &'static str,
    },
    /// A ruleset that must pass its own test cases before it screens anyone does not.
    #[error(
        "ruleset '{ruleset}' tidak dapat dipakai untuk penyaringan: {} kasus uji gagal (periksa dengan merit rules test)\n{}",
        failures.len(),
        failures.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
    )]
    TestsFail {
        /// The id of the ruleset whose own test cases fail.
        ruleset: String,
        /// Each failing case.
        failures: Vec<TestFailure>,
    },
    /// A ruleset for one kind of subject named where another is needed.
    #[error("ruleset '{0}' menyaring pegawai, bukan calon")]
    NotForCandidates(String),
    /// A folder merit would overwrite holds something else.
    #[error("folder {0} sudah ada dan bukan folder demo merit; pilih folder lain dengan --dir")]
    ForeignFolder(String),
    /// The bytes given are not an e-mail message.
    #[error("masukan bukan pesan email (RFC 5322)")]
    NotAMessage,
}

/// What must exist before a use case can run; each says which command provides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Prerequisite {
    /// `place` needs a finished screening.
    #[error("belum ada penyaringan yang selesai; jalankan merit screen")]
    FinishedScreening,
    /// Screening needs candidates.
    #[error("belum ada calon untuk disaring; impor calon dengan merit import candidates")]
    Candidates,
    /// Placement needs formation needs.
    #[error("belum ada formasi; impor formasi dengan merit import formations")]
    Formations,
    /// A vacancy needs employees to rank.
    #[error("belum ada data pegawai; impor dengan merit import employees")]
    Employees,
    /// A placement workflow needs a placement.
    #[error("belum ada penempatan; jalankan merit screen lalu merit place")]
    Placement,
    /// Writing the editor definitions needs at least one valid ruleset.
    #[error("tidak ada ruleset yang valid; jalankan merit rules check")]
    AnyRuleset,
    /// Screening needs a valid candidate ruleset.
    #[error("tidak ada ruleset untuk calon yang valid; jalankan merit rules check")]
    CandidateRuleset,
    /// A vacancy needs a valid job-fill ruleset.
    #[error("tidak ada ruleset pengisian jabatan yang valid; jalankan merit rules check")]
    JobFillRuleset,
    /// The TPK minutes need a vacancy with its job-fill workflow.
    #[error(
        "belum ada lowongan jabatan dengan alur pengisian jabatan; buat dengan merit vacancy open"
    )]
    Vacancy,
    /// A job-fill workflow needs a vacancy as its subject.
    #[error(
        "workflow pengisian jabatan memerlukan --subject lowongan:ID (buat lowongan dengan merit vacancy open)"
    )]
    VacancySubject,
    /// An anchor needs an entry to anchor.
    #[error("log audit masih kosong; belum ada entri untuk ditambatkan")]
    AuditEntries,
}

/// Nothing of a kind is known by the identifier given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotFound {
    /// What was sought.
    pub what: Sought,
    /// The identifier given (identity numbers already masked).
    pub id: String,
    /// What does exist, or what to do.
    pub hint: Option<String>,
}

impl NotFound {
    /// With a hint after the message.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for NotFound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} '{}' tidak ditemukan", self.what, self.id)?;
        if let Some(h) = &self.hint {
            write!(f, "; {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for NotFound {}

/// The kinds of things a person can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sought {
    /// A ruleset id.
    Ruleset,
    /// A workflow id.
    Workflow,
    /// A workflow instance id.
    Instance,
    /// A placement id.
    Placement,
    /// A vacancy id.
    Vacancy,
    /// A screening id.
    Screening,
    /// A candidate by NIK.
    Candidate,
    /// A candidate's decision within one screening.
    Decision,
    /// A subject reference (`penempatan:ID`, `lowongan:ID`).
    Subject,
    /// A console account by e-mail.
    Account,
    /// A draft of a definition.
    Draft,
    /// A published version of a definition.
    Version,
    /// An announcement by its number.
    Announcement,
    /// An objection by its receipt number.
    Objection,
}

impl fmt::Display for Sought {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Ruleset => "ruleset",
            Self::Workflow => "workflow",
            Self::Instance => "proses persetujuan",
            Self::Placement => "penempatan",
            Self::Vacancy => "lowongan",
            Self::Screening => "penyaringan",
            Self::Candidate => "calon dengan NIK",
            Self::Decision => "keputusan penyaringan untuk calon dengan NIK",
            Self::Subject => "subjek",
            Self::Draft => "draf",
            Self::Version => "versi",
            Self::Announcement => "pengumuman nomor",
            Self::Objection => "sanggah nomor",
            Self::Account => "akun",
        })
    }
}

/// The kinds of definitions administrators write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Definition {
    /// A ruleset (its `ruleset.yaml`, scripts and test cases).
    Ruleset,
    /// The approval workflow definitions.
    Workflow,
    /// The directory of people.
    Directory,
    /// The message templates.
    Templates,
    /// The document templates (`dokumen/`).
    Documents,
    /// The settings file.
    Settings,
}

impl Definition {
    /// Where to look.
    pub fn hint(self) -> &'static str {
        match self {
            Self::Ruleset => "periksa dengan merit rules check",
            Self::Workflow => "periksa dengan merit workflow check",
            Self::Directory => "periksa berkas direktori orang",
            Self::Templates => "periksa templat di folder workflows/templates",
            Self::Documents => "periksa templat dokumen di folder dokumen",
            Self::Settings => "periksa merit.yaml dan variabel MERIT_*",
        }
    }
}

impl fmt::Display for Definition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Ruleset => "ruleset",
            Self::Workflow => "workflow",
            Self::Directory => "direktori orang",
            Self::Templates => "templat pesan",
            Self::Documents => "templat dokumen",
            Self::Settings => "pengaturan",
        })
    }
}

/// What the current state refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// An answer the workflow does not accept (already decided, not the approver, …).
    #[error(transparent)]
    Workflow(WorkflowRefusal),
    /// A link that is malformed, forged or names no prompt.
    #[error("tautan tidak dikenal atau tidak sah")]
    LinkUnknown,
    /// A link past its validity.
    #[error("tautan sudah kedaluwarsa")]
    LinkExpired,
    /// The step a link asks about has been decided by someone, or the workflow has ended.
    #[error("{}", decided_message(*.0))]
    StepDecided(Option<WorkflowStatus>),
    /// A confirm form whose answer is not the one its link stands for.
    #[error("jawaban pada formulir tidak sesuai dengan tautan")]
    FormMismatch,
    /// A screening that has already ended cannot be cancelled.
    #[error("penyaringan ini sudah berakhir dengan status {}; tidak ada yang dibatalkan", .0.code())]
    RunEnded(RunStatus),
    /// A screening stopped while this process was working on it.
    #[error("penyaringan ini dihentikan: {0}")]
    RunStopped(String),
    /// A placement needs the screening it uses to be finished.
    #[error("penyaringan {0} belum selesai; jalankan merit screen untuk menyelesaikannya")]
    RunUnfinished(String),
    /// The e-mail and password do not open an active account (one message for every case, so
    /// that nobody learns which accounts exist).
    #[error("surel atau kata sandi salah, atau akun tidak aktif")]
    SignInRefused,
    /// Too many refused sign-ins for the account or the address lately.
    #[error("terlalu banyak percobaan masuk yang gagal; coba lagi setelah {0} menit")]
    SignInThrottled(i64),
    /// An account with this address exists already.
    #[error("akun {0} sudah ada")]
    AccountExists(String),
    /// Files merit would write exist already; nothing was written.
    #[error("berkas berikut sudah ada dan tidak ditimpa; tidak ada yang ditulis: {}", .0.join(", "))]
    FilesExist(Vec<String>),
    /// The files on disk changed since the draft began (someone edited them by hand).
    #[error(
        "berkas di server berubah sejak draf ini dibuat (kemungkinan diubah langsung): {}; tidak ada yang ditulis. Buat draf baru dari versi yang berlaku, lalu ulangi perubahan Anda",
        .0.join(", ")
    )]
    DiskChanged(Vec<String>),
    /// A draft saved on an older revision than the one stored.
    #[error(
        "draf ini sudah diubah di tempat lain sejak halaman dibuka; muat ulang halaman lalu ulangi perubahan Anda"
    )]
    DraftMoved,
    /// A draft that is no longer open for changes.
    #[error("draf ini {0}; tidak dapat diubah atau diterbitkan lagi")]
    DraftClosed(String),
    /// The checks of administrators' edits are all taken for now.
    #[error(
        "pekerjaan lain yang sejenis sedang berjalan di server ini dan belum selesai dalam {0} detik; coba lagi sebentar lagi"
    )]
    Busy(u64),
    /// An administrator holds as many open drafts as allowed.
    #[error(
        "Anda sudah memegang {0} draf terbuka; terbitkan atau buang salah satunya sebelum membuat draf baru"
    )]
    TooManyDrafts(usize),
    /// A manual finding on a rule the candidate's latest decision does not leave for review.
    #[error(
        "aturan {aturan} tidak meminta verifikasi manual untuk calon ini (hasil terakhir: {hasil}); temuan manual hanya untuk aturan yang hasilnya perlu verifikasi"
    )]
    NoReviewAsked {
        /// Rule id.
        aturan: String,
        /// The latest verdict, as people read it.
        hasil: String,
    },
    /// No finding in force to clear.
    #[error("tidak ada temuan verifikasi manual yang berlaku untuk aturan {0} pada calon ini")]
    NoFindingInForce(String),
    /// A correction that changes nothing.
    #[error("data yang dikirim sama dengan data tersimpan; tidak ada yang diubah")]
    NothingChanged,
    /// The state asks for a screening (or for one to end) first: screening one candidate
    /// needs a finished run of the ruleset in force and none unfinished; a finding needs a
    /// decision made on the candidate's current data.
    #[error("{0}")]
    ScreeningFirst(String),
    /// An administrator may not disable their own account.
    #[error(
        "Anda tidak dapat menonaktifkan akun Anda sendiri; minta administrator lain melakukannya"
    )]
    OwnAccount,
    /// The last active administrator cannot be disabled.
    #[error(
        "akun ini adalah satu-satunya administrator aktif; tambahkan atau aktifkan administrator lain lebih dahulu"
    )]
    LastAdmin,
    /// A workflow whose subject would be empty.
    #[error("{0}")]
    EmptySubject(String),
    /// Minutes of a step no one has answered yet (documents.md 4): nothing to record.
    #[error("{0}")]
    MinutesUnanswered(String),
    /// Appointment decrees asked before the proposal was approved by the PPK.
    #[error("{0}")]
    NotApprovedYet(String),
    /// An objection outside the announcement's window (candidates.md 3).
    #[error("{0}")]
    ObjectionClosed(String),
    /// A second objection while the first is still open: its receipt number.
    #[error(
        "Anda sudah mengajukan sanggah nomor {0} atas pengumuman ini dan sanggah itu masih diproses; sanggah kedua tidak dapat diajukan sebelum yang pertama diputuskan"
    )]
    ObjectionOpen(String),
    /// As many previews run in this process as allowed.
    #[error(
        "{0} pratinjau sedang berjalan di server ini; tunggu salah satunya selesai, lalu mulai lagi"
    )]
    TooManyPreviews(usize),
}

fn decided_message(ended: Option<WorkflowStatus>) -> String {
    match ended {
        None | Some(WorkflowStatus::Berjalan) => {
            "langkah ini sudah diputuskan; jawaban tidak diperlukan lagi".to_owned()
        }
        Some(WorkflowStatus::SelesaiDisetujui) => {
            "proses ini sudah selesai dan disetujui; jawaban tidak diperlukan lagi".to_owned()
        }
        Some(WorkflowStatus::SelesaiDitolak) => {
            "proses ini sudah selesai dan tidak disetujui; jawaban tidak diperlukan lagi".to_owned()
        }
        Some(WorkflowStatus::Dibatalkan) => {
            "proses ini telah dibatalkan; jawaban tidak diperlukan lagi".to_owned()
        }
    }
}

impl Refusal {
    /// Whether the refusal is about the input rather than the state.
    pub fn is_input(&self) -> bool {
        match self {
            Self::Workflow(r) => r.is_input(),
            Self::FormMismatch => true,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_as_sentences() {
        assert_eq!(
            ServiceError::not_found(Sought::Vacancy, "L-9").to_string(),
            "lowongan 'L-9' tidak ditemukan"
        );
        let e = NotFound {
            what: Sought::Workflow,
            id: "x".into(),
            hint: None,
        }
        .with_hint("yang tersedia: a, b");
        assert_eq!(
            e.to_string(),
            "workflow 'x' tidak ditemukan; yang tersedia: a, b"
        );
        assert_eq!(
            ServiceError::value("--level", "bukan jenjang").to_string(),
            "--level: bukan jenjang"
        );
    }

    #[test]
    fn input_problems_are_told_apart_from_state() {
        assert!(ServiceError::missing(Prerequisite::Candidates).is_input());
        assert!(ServiceError::from(WorkflowRefusal::NeedsComment).is_input());
        assert!(!ServiceError::from(WorkflowRefusal::NotApprover("x".into())).is_input());
        assert!(!ServiceError::Refused(Refusal::LinkExpired).is_input());
        assert!(!ServiceError::internal("x").is_input());
    }
}
