//! Pure domain types: identifiers, enumerations and records, with no I/O and no async.
//!
//! Everything here is built by parsing ("parse, don't validate"): a [`Nik`] or [`Nip`] that
//! exists is well-formed, an [`Pendidikan`] is one of the ten levels. Parse errors carry
//! Bahasa Indonesia messages because they are shown to administrators verbatim.

mod account;
mod answer;
mod audit;
mod candidate;
mod catalogue;
mod date;
mod definition;
mod employee;
mod enums;
mod formation;
mod message;
mod nik;
mod nip;
mod subject;
mod talent;
mod text;
mod vacancy;
mod verdict;
mod verification;

pub use account::{Email, Password, Role};
pub use answer::{Answer, UnknownAnswer};
pub use audit::{
    ANCHOR_KIND, Action, Anchor, AuditEntry, AuditEvent, AuditFilter, AuditKey, AuditStamp,
    GENESIS, OBJEK_CHARS, RINCIAN_CHARS, chain_hash, clipped, keyed_hash,
};
pub use candidate::{CANDIDATE_FIELDS, Candidate};
pub use catalogue::{CATALOGUE_FILE, CataloguePosition, JobCatalogue};
pub use date::{
    age_on, day_name, format_date_id, format_date_in_words, format_datetime_id, format_deadline_id,
    format_moment_id, number_in_words, parse_date, zone_abbreviation,
};
pub use definition::{DefinitionKey, DiffLine, FileDiff, FileSet, is_relative_path, line_diff};
pub use employee::{EMPLOYEE_FIELDS, Employee, JenjangPeriod};
pub use enums::{
    AlasanLowongan, AlasanTidakDiusulkan, Golongan, HasilSeleksi2024, HukumanDisiplin,
    JenisKelamin, Jenjang, KategoriJabatan, KategoriPelamar, Pendidikan, Potensial, Predikat,
    Seleksi2024, StatusKhusus, SumberAnggaran, UnknownValue,
};
pub use formation::Formation;
pub use message::{
    About, Cancelled, CandidateNotice, ChannelKind, Content, Ending, Finished, MessageKind, Notice,
    PriorAnswer, Prompt, PublicNotice, Queued, Recipient, ReplyApplied, ReplyRefused, Returned,
    StepClosed,
};
pub use nik::{Nik, NikError};
pub use nip::{Nip, NipError};
pub use subject::{
    Kandidat, ObjectionSubject, PlacementSubject, RuleChangeSubject, Subject, VacancySubject,
};
pub use talent::{KotakTalenta, TingkatKinerja};
pub use text::{
    Comment, Note, NoteError, format_number_id, format_rupiah, has_full_identifier, io_message,
    is_identifier, mask_identifier, neutralize_formula, normalize_key, parse_bool, parse_rupiah,
    redact_identifiers, restore_formula, strip_controls,
};
pub use vacancy::Vacancy;
pub use verdict::{Findings, Hasil, RuleVerdict};
pub use verification::{
    Applied, MANUAL_LEAD, ManualFinding, StatusTemuan, Temuan, apply as apply_findings, is_manual,
};
