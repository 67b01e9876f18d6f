//! The pure planner: definition + instance + event + now → the new state and its effects
//! (history entries, outbox messages, timers). No I/O: the store applies a plan in one
//! transaction, guarded by the instance's revision.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use crate::domain::Answer;
use crate::domain::{
    About, Cancelled, CandidateNotice, Comment, Content, Ending, Finished, Notice, PriorAnswer,
    Prompt, Queued, Recipient, Returned, StepClosed, VacancySubject,
};

use super::{
    calendar::{Calendar, Moment},
    definition::{Approvers, Mode, Step, Target, WorkflowDef},
    directory::Directory,
};

/// Where an instance stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Waiting on a step.
    #[default]
    Berjalan,
    /// Ended approved.
    SelesaiDisetujui,
    /// Ended refused.
    SelesaiDitolak,
    /// Stopped by an officer before it ended (with a reason).
    Dibatalkan,
}

impl Status {
    /// The contract's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Berjalan => "berjalan",
            Self::SelesaiDisetujui => "selesai_disetujui",
            Self::SelesaiDitolak => "selesai_ditolak",
            Self::Dibatalkan => "dibatalkan",
        }
    }

    /// Parses the contract's name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "berjalan" => Some(Self::Berjalan),
            "selesai_disetujui" => Some(Self::SelesaiDisetujui),
            "selesai_ditolak" => Some(Self::SelesaiDitolak),
            "dibatalkan" => Some(Self::Dibatalkan),
            _ => None,
        }
    }
}

/// Someone asked to answer the open step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seat {
    pub orang: String,
    /// In what capacity (role, `Plh. SEKDA (SK …)`, `eskalasi: KEPALA_BKPSDM`).
    pub kapasitas: String,
    /// Reference code of the prompt (`MERIT-XXXXXX`).
    pub kode: String,
    /// The answer given, if any (stored as its code: `setuju`, `tolak`, `kembalikan`, `pilih:…`).
    pub keputusan: Option<Answer>,
    /// Added by escalation: the answer decides the step outright.
    #[serde(default)]
    pub eskalasi: bool,
}

/// The mutable state of an instance.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub status: Status,
    /// Open step.
    pub langkah_aktif: Option<String>,
    /// Counts step openings; timers and prompts belong to one visit.
    pub kunjungan: i64,
    /// Who is asked at the open step.
    pub kursi: Vec<Seat>,
    /// Options of a `pilihan` step.
    #[serde(default)]
    pub opsi: Vec<String>,
    /// Effective quorum of the open step.
    #[serde(default)]
    pub kuorum: Option<u32>,
    /// The open step's deadline, epoch ms (reminders repeat it).
    #[serde(default)]
    pub tenggat_ms: Option<i64>,
    /// The option chosen last.
    #[serde(default)]
    pub pilihan: Option<String>,
    /// History entries written so far.
    pub riwayat_n: i64,
    /// Who started it (a person id when known).
    #[serde(default)]
    pub pemohon: Option<String>,
}

/// An instance as the planner sees it.
#[derive(Debug, Clone)]
pub struct Instance {
    /// Instance id.
    pub id: String,
    /// The subject, as scripts see it (`subjek`).
    pub subjek: serde_json::Value,
    pub state: State,
    /// The answers given so far (every prompt shows them).
    pub jawaban: Vec<PriorAnswer>,
}

/// How an answer arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// `merit workflow decide` (on someone's behalf).
    Cli,
    /// A link in a prompt.
    Tautan,
    /// An email reply.
    Balasan,
}

impl Channel {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cli => "cli",
            Self::Tautan => "tautan",
            Self::Balasan => "balasan",
        }
    }
}

/// A decision on a step.
#[derive(Debug, Clone)]
pub struct Decision {
    pub langkah: String,
    /// Who answers (person id).
    pub orang: String,
    pub jawaban: Answer,
    /// Comment (required to send back).
    pub komentar: Option<Comment>,
    pub saluran: Channel,
    /// Who recorded it, when not the person themself (CLI on someone's behalf).
    pub dicatat_oleh: Option<String>,
    /// The step visit the answer was asked for (a link or a reply names it through its
    /// reference code); an answer to an earlier visit of a step that was reopened is refused.
    pub kunjungan: Option<i64>,
}

/// A timer kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimerKind {
    /// Deadline.
    Tenggat,
    /// Reminder.
    Pengingat,
    /// Escalation.
    Eskalasi,
}

impl TimerKind {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tenggat => "tenggat",
            Self::Pengingat => "pengingat",
            Self::Eskalasi => "eskalasi",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "tenggat" => Some(Self::Tenggat),
            "pengingat" => Some(Self::Pengingat),
            "eskalasi" => Some(Self::Eskalasi),
            _ => None,
        }
    }
}

/// What happens to an instance.
#[derive(Debug, Clone)]
pub enum Event {
    /// It starts (by a person id, when known).
    Start {
        /// Who started it.
        pemohon: Option<String>,
    },
    /// Someone answers.
    Decide(Decision),
    /// An officer stops the instance (`merit workflow cancel`, the console's Batalkan).
    Cancel {
        /// Who (an account's e-mail or `cli:USER`).
        oleh: String,
        /// Why (required: none is refused).
        alasan: Option<Comment>,
    },
    /// Something worth a line on the timeline that changes nothing else (a reply refused).
    Note {
        /// History kind (e.g. `balasan_ditolak`).
        jenis: HistoryKind,
        /// The person concerned, when known.
        orang: Option<String>,
        /// How it arrived.
        saluran: Option<String>,
        komentar: String,
    },
    /// A timer fires.
    Timer {
        jenis: TimerKind,
        /// Step it belongs to.
        langkah: String,
        /// Visit it belongs to.
        kunjungan: i64,
        /// Which reminder (1-based), else 1.
        ke: i64,
    },
}

/// What a history entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HistoryKind {
    /// The instance started.
    Dimulai,
    /// A step opened.
    Dibuka,
    /// A step was skipped (its condition did not hold).
    Dilewati,
    /// Someone answered.
    Keputusan,
    /// A step was sent back.
    Dikembalikan,
    /// A reminder went out.
    Pengingat,
    /// A deadline passed.
    TenggatTerlewati,
    /// The step went to a superior.
    Eskalasi,
    /// A note (a problem with the definition or the directory, an unreachable quorum).
    Catatan,
    /// The instance ended.
    Selesai,
    /// An officer stopped the instance.
    Dibatalkan,
    /// A reply by e-mail was not applied.
    BalasanDitolak,
}

impl HistoryKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dimulai => "dimulai",
            Self::Dibuka => "dibuka",
            Self::Dilewati => "dilewati",
            Self::Keputusan => "keputusan",
            Self::Dikembalikan => "dikembalikan",
            Self::Pengingat => "pengingat",
            Self::TenggatTerlewati => "tenggat_terlewati",
            Self::Eskalasi => "eskalasi",
            Self::Catatan => "catatan",
            Self::Selesai => "selesai",
            Self::Dibatalkan => "dibatalkan",
            Self::BalasanDitolak => "balasan_ditolak",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Dimulai,
            Self::Dibuka,
            Self::Dilewati,
            Self::Keputusan,
            Self::Dikembalikan,
            Self::Pengingat,
            Self::TenggatTerlewati,
            Self::Eskalasi,
            Self::Catatan,
            Self::Selesai,
            Self::Dibatalkan,
            Self::BalasanDitolak,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

impl PartialEq<&str> for HistoryKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Serialize for HistoryKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// What a history entry says was decided: an answer (on a `keputusan` entry) or how the
/// instance ended (on `selesai`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decided {
    /// An approver's answer.
    Answer(Answer),
    /// The end status.
    Ended(Status),
}

impl Decided {
    /// The stored form: the answer's code or the status's name.
    pub fn code(&self) -> String {
        match self {
            Self::Answer(a) => a.code(),
            Self::Ended(s) => s.as_str().to_owned(),
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        Answer::parse(s)
            .map(Self::Answer)
            .or_else(|| Status::parse(s).map(Self::Ended))
    }

    /// The answer, when it is one.
    pub fn answer(&self) -> Option<&Answer> {
        match self {
            Self::Answer(a) => Some(a),
            Self::Ended(_) => None,
        }
    }
}

impl Serialize for Decided {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.code())
    }
}

/// One history entry: what the planner appends and the store reads back.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryEntry {
    /// Order within the instance (1-based).
    pub urutan: i64,
    /// When, epoch ms.
    pub waktu_ms: i64,
    /// What happened.
    pub jenis: HistoryKind,
    pub langkah: Option<String>,
    pub orang: Option<String>,
    pub kapasitas: Option<String>,
    pub saluran: Option<String>,
    pub keputusan: Option<Decided>,
    /// Comment or explanation.
    pub komentar: Option<String>,
}

impl HistoryEntry {
    /// The answer `orang` gave on `langkah`, when this entry records one.
    pub fn answer_by(&self, langkah: &str, orang: &str) -> Option<&Answer> {
        if self.jenis != HistoryKind::Keputusan
            || self.langkah.as_deref() != Some(langkah)
            || self.orang.as_deref() != Some(orang)
        {
            return None;
        }
        self.keputusan.as_ref().and_then(Decided::answer)
    }
}

/// A timer to store.
#[derive(Debug, Clone, PartialEq)]
pub struct Timer {
    pub langkah: String,
    pub kunjungan: i64,
    pub jenis: TimerKind,
    /// Which reminder (1-based), else 1.
    pub ke: i64,
    /// When, epoch ms.
    pub jatuh_tempo_ms: i64,
}

/// A reference code handed out with a prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct Code {
    pub kode: String,
    pub langkah: String,
    pub kunjungan: i64,
    pub orang: String,
}

/// The outcome of an event.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// New state.
    pub state: State,
    /// History to append.
    pub history: Vec<HistoryEntry>,
    /// Messages to queue.
    pub outbox: Vec<Queued>,
    /// Timers to store.
    pub timers: Vec<Timer>,
    /// Codes to record.
    pub codes: Vec<Code>,
    /// Visits whose pending timers are void now.
    pub cancel_visits: Vec<i64>,
    /// Whether anything changed (a stale timer changes nothing).
    pub changed: bool,
}

/// Why an event is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The instance has ended.
    #[error("proses persetujuan sudah berakhir dengan status {0}; keputusan tidak dapat diubah")]
    Finished(&'static str),
    /// Another step is open.
    #[error("langkah '{langkah}' tidak sedang terbuka (langkah aktif: {aktif})")]
    StepNotOpen {
        /// Requested step.
        langkah: String,
        /// Open step.
        aktif: String,
    },
    /// The step does not exist in the instance's version.
    #[error("langkah '{0}' tidak ada dalam workflow ini")]
    UnknownStep(String),
    /// The person is not asked and does not hold the role.
    #[error("{0} bukan penyetuju langkah ini")]
    NotApprover(String),
    /// The answer belongs to an earlier visit of the step (it was returned and reopened since).
    #[error("permintaan ini sudah diputuskan; langkah '{0}' dibuka kembali dengan permintaan baru")]
    Superseded(String),
    /// The person has answered this step already.
    #[error("{orang} sudah menjawab langkah ini ({keputusan})")]
    AlreadyAnswered {
        orang: String,
        /// The answer on record.
        keputusan: String,
    },
    /// Sending back needs a reason.
    #[error("pengembalian harus disertai alasan (komentar)")]
    NeedsComment,
    /// Abstaining needs a reason.
    #[error("abstain harus disertai alasan (komentar), misalnya benturan kepentingan")]
    AbstainNeedsReason,
    /// Only a committee step (kuorum, mayoritas) takes an abstention.
    #[error(
        "abstain hanya dapat dipilih pada langkah yang diputuskan bersama (kuorum atau mayoritas)"
    )]
    AbstainNotOffered,
    /// A choice step needs an option.
    #[error("langkah ini meminta pilihan salah satu dari: {0}")]
    ChoiceRequired(String),
    /// The option is not on the list.
    #[error("pilihan '{pilihan}' tidak ada dalam daftar: {daftar}")]
    BadChoice {
        /// Given.
        pilihan: String,
        /// Allowed.
        daftar: String,
    },
}

/// Options as people may see them: identifiers masked to their last four digits.
fn shown_options(opsi: &[String]) -> String {
    opsi.iter()
        .map(|o| crate::domain::redact_identifiers(o).0)
        .collect::<Vec<_>>()
        .join(", ")
}

impl Refusal {
    /// Whether the refusal is about the input (exit 3) rather than the state (exit 4).
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            Self::UnknownStep(_)
                | Self::NeedsComment
                | Self::AbstainNeedsReason
                | Self::AbstainNotOffered
                | Self::ChoiceRequired(_)
                | Self::BadChoice { .. }
        )
    }
}

/// An answer on the timeline as a prompt shows it: names and titles, not ids (none for an
/// entry that records no answer).
pub fn prior_answer(
    def: &WorkflowDef,
    directory: &Directory,
    e: &HistoryEntry,
) -> Option<PriorAnswer> {
    if e.jenis != HistoryKind::Keputusan {
        return None;
    }
    let keputusan = e.keputusan.as_ref().and_then(Decided::answer)?.clone();
    let langkah = e.langkah.as_deref().unwrap_or_default();
    let orang = e.orang.as_deref().unwrap_or_default();
    Some(PriorAnswer {
        nama: directory
            .person(orang)
            .map_or_else(|| orang.to_owned(), |p| p.nama.clone()),
        kapasitas: e.kapasitas.clone().unwrap_or_default(),
        langkah: def
            .langkah
            .iter()
            .find(|s| s.id == langkah)
            .map_or_else(|| langkah.to_owned(), |s| s.judul.clone()),
        keputusan,
        komentar: e.komentar.clone(),
        waktu_ms: e.waktu_ms,
    })
}

/// Whether `orang` may answer step `langkah` of an instance in state `st` now, for the prompt
/// sent at visit `kunjungan` (`None`: the current visit): the instance runs, the step is the
/// open one at that visit, and they have not answered it yet. Whether they are asked at all
/// is decided when the answer is planned ([`advance`]).
pub fn answerable(
    st: &State,
    langkah: &str,
    kunjungan: Option<i64>,
    orang: &str,
) -> Result<(), Refusal> {
    running(st)?;
    step_open(st, langkah, kunjungan)?;
    not_answered(st, orang)
}

fn running(st: &State) -> Result<(), Refusal> {
    if st.status != Status::Berjalan {
        return Err(Refusal::Finished(st.status.as_str()));
    }
    Ok(())
}

fn step_open(st: &State, langkah: &str, kunjungan: Option<i64>) -> Result<(), Refusal> {
    let active = st.langkah_aktif.clone().unwrap_or_default();
    if active != langkah {
        return Err(Refusal::StepNotOpen {
            langkah: langkah.to_owned(),
            aktif: active,
        });
    }
    if kunjungan.is_some_and(|k| k != st.kunjungan) {
        return Err(Refusal::Superseded(langkah.to_owned()));
    }
    Ok(())
}

fn not_answered(st: &State, orang: &str) -> Result<(), Refusal> {
    match st.kursi.iter().find(|s| s.orang == orang) {
        Some(Seat {
            keputusan: Some(k), ..
        }) => Err(Refusal::AlreadyAnswered {
            orang: orang.to_owned(),
            keputusan: k.code(),
        }),
        _ => Ok(()),
    }
}

/// Who an end notice goes to.
enum NoticeTo {
    /// A person in the directory.
    Person(String),
    /// An address a formula gave.
    Address(String),
}

/// What the planner needs besides the definition and instance.
pub struct Ctx<'a> {
    pub now: DateTime<Utc>,
    /// People and roles.
    pub directory: &'a Directory,
    /// Calendar for deadlines.
    pub calendar: &'a Calendar,
    /// Issues fresh reference codes.
    pub codes: &'a mut (dyn FnMut() -> String + Send),
}

struct Planner<'a, 'c> {
    def: &'a WorkflowDef,
    inst: &'a Instance,
    ctx: &'a mut Ctx<'c>,
    plan: Plan,
}

/// Applies `event` to `inst` under `def`.
pub fn advance(
    def: &WorkflowDef,
    inst: &Instance,
    event: &Event,
    ctx: &mut Ctx<'_>,
) -> Result<Plan, Refusal> {
    let mut p = Planner {
        def,
        inst,
        ctx,
        plan: Plan {
            state: inst.state.clone(),
            ..Plan::default()
        },
    };
    match event {
        Event::Start { pemohon } => {
            p.plan.state.pemohon = pemohon.clone();
            p.log(HistoryKind::Dimulai, None, |e| {
                e.orang = pemohon.clone();
                e.komentar = Some(format!("{}, definisi bersidik {}", def.judul, def.versi));
            });
            p.go(Target::Step(0), None);
        }
        Event::Decide(d) => p.decide(d)?,
        Event::Cancel { oleh, alasan } => p.cancel(oleh, alasan.as_ref())?,
        Event::Note {
            jenis,
            orang,
            saluran,
            komentar,
        } => p.log(*jenis, None, |e| {
            e.orang.clone_from(orang);
            e.saluran.clone_from(saluran);
            e.komentar = Some(komentar.clone());
        }),
        Event::Timer {
            jenis,
            langkah,
            kunjungan,
            ke,
        } => p.timer(*jenis, langkah, *kunjungan, *ke),
    }
    Ok(p.plan)
}

fn with<T>(mut v: T, f: impl FnOnce(&mut T)) -> T {
    f(&mut v);
    v
}

impl Planner<'_, '_> {
    fn now_ms(&self) -> i64 {
        self.ctx.now.timestamp_millis()
    }

    fn log(
        &mut self,
        jenis: HistoryKind,
        langkah: Option<&str>,
        f: impl FnOnce(&mut HistoryEntry),
    ) {
        let entry = with(
            HistoryEntry {
                urutan: self.plan.state.riwayat_n + 1,
                waktu_ms: self.now_ms(),
                jenis,
                langkah: langkah.map(str::to_owned),
                orang: None,
                kapasitas: None,
                saluran: None,
                keputusan: None,
                komentar: None,
            },
            f,
        );
        self.plan.history.push(entry);
        self.plan.state.riwayat_n += 1;
        self.plan.changed = true;
    }

    fn about(&self, step: Option<&Step>) -> About {
        About {
            instans_id: self.inst.id.clone(),
            workflow: self.def.id.clone(),
            judul_workflow: self.def.judul.clone(),
            langkah: step.map(|s| s.id.clone()),
            judul_langkah: step.map(|s| s.judul.clone()),
            kunjungan: self.plan.state.kunjungan,
        }
    }

    /// Queues `content` for the directory's `person` (nobody, when they are not in it).
    fn send(&mut self, key: &str, person: &str, content: Content) {
        let Some(p) = self.ctx.directory.person(person) else {
            return;
        };
        self.plan.outbox.push(Queued {
            kunci: format!("{}/{key}/{}/{}", self.inst.id, p.id, content.kind()),
            recipient: Recipient::email(Some(&p.id), Some(&p.nama), &p.email),
            content,
        });
    }

    /// Tells everyone holding `ADMIN` about a problem.
    fn tell_admin(&mut self, message: &str) {
        let date = self.ctx.calendar.local_date(self.ctx.now);
        let key = format!(
            "{}/{}/admin/{}",
            self.inst.id,
            self.plan.state.kunjungan,
            crate::workflow::definition::version_of(message)
        );
        let content = Content::Admin(Notice {
            pesan: message.to_owned(),
        });
        let notices = self.ctx.directory.to_admins(date, &key, &content);
        self.plan.outbox.extend(notices);
    }

    /// The prompt `orang` is sent at the open `step`.
    fn prompt(&self, step: &Step, kode: String, kapasitas: &str, reason: Option<&str>) -> Prompt {
        let st = &self.plan.state;
        let jawaban = if step.pilihan.is_some() {
            st.opsi
                .iter()
                .map(|o| Answer::Pilih(o.clone()))
                .chain([Answer::Tolak, Answer::Kembalikan])
                .map(|a| a.code())
                .collect()
        } else if step.mode.committee() {
            Answer::PLAIN
                .iter()
                .chain([&Answer::Abstain])
                .map(Answer::code)
                .collect()
        } else {
            Answer::PLAIN.iter().map(Answer::code).collect()
        };
        Prompt {
            about: self.about(Some(step)),
            kode,
            kapasitas: kapasitas.to_owned(),
            tenggat_ms: st.tenggat_ms,
            jawaban,
            opsi: st.opsi.clone(),
            alasan_kembali: reason.map(str::to_owned),
            jawaban_sebelumnya: self.answers_so_far(),
        }
    }

    /// The answers given on this instance, including those of this plan, oldest first.
    fn answers_so_far(&self) -> Vec<PriorAnswer> {
        let mut out = self.inst.jawaban.clone();
        out.extend(
            self.plan
                .history
                .iter()
                .filter_map(|e| prior_answer(self.def, self.ctx.directory, e)),
        );
        out
    }

    /// Stops a running instance: the people still awaited and the requester are told why, open
    /// links and timers stop counting.
    fn cancel(&mut self, oleh: &str, alasan: Option<&Comment>) -> Result<(), Refusal> {
        let st = &self.plan.state;
        if st.status != Status::Berjalan {
            return Err(Refusal::Finished(st.status.as_str()));
        }
        let Some(alasan) = alasan.map(Comment::as_str) else {
            return Err(Refusal::NeedsComment);
        };
        let step = st
            .langkah_aktif
            .as_deref()
            .and_then(|id| self.def.langkah.iter().find(|s| s.id == id));
        let about = self.about(step);
        let awaited: Vec<String> = st
            .kursi
            .iter()
            .filter(|s| s.keputusan.is_none())
            .map(|s| s.orang.clone())
            .chain(st.pemohon.clone())
            .collect();
        let langkah = step.map(|s| s.id.clone());
        self.log(HistoryKind::Dibatalkan, langkah.as_deref(), |e| {
            e.komentar = Some(format!("dibatalkan oleh {oleh}: {alasan}"));
        });
        let content = Content::Dibatalkan(Cancelled {
            about,
            alasan: alasan.to_owned(),
        });
        let mut seen = std::collections::BTreeSet::new();
        for person in awaited {
            if seen.insert(person.clone()) {
                self.send("batal", &person, content.clone());
            }
        }
        if self.plan.state.langkah_aktif.take().is_some() {
            self.plan.cancel_visits.push(self.plan.state.kunjungan);
        }
        let st = &mut self.plan.state;
        st.status = Status::Dibatalkan;
        st.kursi.clear();
        st.opsi.clear();
        st.kuorum = None;
        st.tenggat_ms = None;
        Ok(())
    }

    /// The people an approver spec names today, with their capacity.
    fn resolve(&mut self, spec: &Approvers, on: &Step, escalation: bool) -> Vec<(String, String)> {
        let step = on.id.as_str();
        let date = self.ctx.calendar.local_date(self.ctx.now);
        let prefix = if escalation { "eskalasi: " } else { "" };
        match spec {
            Approvers::Peran(role) => self
                .ctx
                .directory
                .holders_for(role, date, on.pelaksana_boleh)
                .into_iter()
                .map(|h| (h.orang, format!("{prefix}{}", h.kapasitas)))
                .collect(),
            Approvers::Orang(id) => {
                if self.ctx.directory.person(id).is_some() {
                    vec![(id.clone(), format!("{prefix}ditunjuk langsung"))]
                } else {
                    let m = format!("penyetuju '{id}' tidak ada dalam direktori");
                    self.log(HistoryKind::Catatan, Some(step), |e| {
                        e.komentar = Some(m.clone())
                    });
                    self.tell_admin(&m);
                    Vec::new()
                }
            }
            Approvers::Rumus(expr) => match expr.eval_list(&self.inst.subjek) {
                Ok(ids) => {
                    let mut out = Vec::new();
                    for id in ids {
                        if self.ctx.directory.person(&id).is_some() {
                            out.push((id, format!("{prefix}rumus {}", expr.text())));
                        } else {
                            let m = format!(
                                "rumus penyetuju '{}' menghasilkan '{id}' yang tidak ada dalam direktori",
                                expr.text()
                            );
                            self.log(HistoryKind::Catatan, Some(step), |e| {
                                e.komentar = Some(m.clone())
                            });
                        }
                    }
                    out
                }
                Err(err) => {
                    let m = format!("rumus penyetuju '{}' gagal: {err}", expr.text());
                    self.log(HistoryKind::Catatan, Some(step), |e| {
                        e.komentar = Some(m.clone())
                    });
                    self.tell_admin(&m);
                    Vec::new()
                }
            },
        }
    }

    /// Moves to `target`; `reason` is the comment of a return.
    fn go(&mut self, mut target: Target, mut reason: Option<String>) {
        if self.plan.state.langkah_aktif.take().is_some() {
            self.plan.cancel_visits.push(self.plan.state.kunjungan);
        }
        self.plan.state.kursi.clear();
        self.plan.state.opsi.clear();
        self.plan.state.kuorum = None;
        self.plan.state.tenggat_ms = None;
        let mut skipped = vec![false; self.def.langkah.len()];
        loop {
            let idx = match target {
                Target::Approved => return self.finish(Status::SelesaiDisetujui),
                Target::Rejected => return self.finish(Status::SelesaiDitolak),
                Target::Step(i) => i,
            };
            let def = self.def;
            let step = &def.langkah[idx];
            if let Some(cond) = &step.syarat
                && !skipped[idx]
            {
                match cond.eval_bool(&self.inst.subjek) {
                    Ok(true) => {}
                    Ok(false) => {
                        skipped[idx] = true;
                        self.log(HistoryKind::Dilewati, Some(&step.id), |e| {
                            e.komentar = Some(format!(
                                "syarat `{}` tidak terpenuhi; langkah dilewati sebagai disetujui",
                                cond.text()
                            ));
                        });
                        target = step.jika_setuju;
                        continue;
                    }
                    Err(err) => {
                        let m = format!(
                            "syarat `{}` tidak dapat dievaluasi ({err}); langkah tetap dibuka",
                            cond.text()
                        );
                        self.log(HistoryKind::Catatan, Some(&step.id), |e| {
                            e.komentar = Some(m.clone())
                        });
                        self.tell_admin(&m);
                    }
                }
            }
            self.open(step, reason.take());
            return;
        }
    }

    fn open(&mut self, step: &Step, reason: Option<String>) {
        let st = &mut self.plan.state;
        st.kunjungan += 1;
        st.langkah_aktif = Some(step.id.clone());
        let visit = st.kunjungan;
        if let Some(expr) = &step.pilihan {
            match expr.eval_list(&self.inst.subjek) {
                Ok(opts) if !opts.is_empty() => self.plan.state.opsi = opts,
                Ok(_) => {
                    let m = format!("daftar pilihan `{}` kosong", expr.text());
                    self.log(HistoryKind::Catatan, Some(&step.id), |e| {
                        e.komentar = Some(m.clone())
                    });
                    self.tell_admin(&m);
                }
                Err(err) => {
                    let m = format!("daftar pilihan `{}` gagal: {err}", expr.text());
                    self.log(HistoryKind::Catatan, Some(&step.id), |e| {
                        e.komentar = Some(m.clone())
                    });
                    self.tell_admin(&m);
                }
            }
        }
        let people = self.resolve(&step.penyetuju, step, false);
        let opened_note = reason.as_ref().map(|r| format!("dikembalikan: {r}"));
        self.log(HistoryKind::Dibuka, Some(&step.id), |e| {
            e.komentar = opened_note
        });
        if people.is_empty() {
            let m = format!(
                "langkah '{}' tidak mempunyai penyetuju hari ini; perbarui direktori orang",
                step.id
            );
            self.log(HistoryKind::Catatan, Some(&step.id), |e| {
                e.komentar = Some(m.clone())
            });
            self.tell_admin(&m);
        }
        if let Mode::Kuorum(q) = step.mode {
            let seats = u32::try_from(people.len()).unwrap_or(u32::MAX);
            let effective = q.min(seats.max(1));
            if effective < q {
                let m = format!(
                    "kuorum {q} pada langkah '{}' melebihi jumlah penyetuju ({seats}); kuorum menjadi {effective}",
                    step.id
                );
                self.log(HistoryKind::Catatan, Some(&step.id), |e| {
                    e.komentar = Some(m.clone())
                });
                self.tell_admin(&m);
            }
            self.plan.state.kuorum = Some(effective);
        }
        if matches!(step.mode, Mode::Mayoritas) {
            // A majority of everyone asked; abstentions lower it as they come in.
            self.plan.state.kuorum = Some(u32::try_from(people.len() / 2 + 1).unwrap_or(u32::MAX));
        }
        self.plan.state.tenggat_ms = step.tenggat.map(|s| {
            self.ctx
                .calendar
                .due(self.ctx.now, s, self.def.kalender, Moment::Deadline)
                .timestamp_millis()
        });
        for (orang, kapasitas) in people {
            self.seat(step, &orang, &kapasitas, false, reason.as_deref());
        }
        let mut timer = |jenis, ke, span| {
            let moment = if jenis == TimerKind::Tenggat {
                Moment::Deadline
            } else {
                Moment::Reminder
            };
            let at = self
                .ctx
                .calendar
                .due(self.ctx.now, span, self.def.kalender, moment);
            self.plan.timers.push(Timer {
                langkah: step.id.clone(),
                kunjungan: visit,
                jenis,
                ke,
                jatuh_tempo_ms: at.timestamp_millis(),
            });
        };
        if let Some(s) = step.tenggat {
            timer(TimerKind::Tenggat, 1, s);
        }
        for (i, s) in step.pengingat.iter().enumerate() {
            timer(TimerKind::Pengingat, i as i64 + 1, *s);
        }
        if let Some(e) = &step.eskalasi {
            timer(TimerKind::Eskalasi, 1, e.setelah);
        }
    }

    /// Seats `orang` at the open step and sends the prompt (an escalation prompt when
    /// `eskalasi`).
    fn seat(
        &mut self,
        step: &Step,
        orang: &str,
        kapasitas: &str,
        eskalasi: bool,
        reason: Option<&str>,
    ) {
        if self.plan.state.kursi.iter().any(|s| s.orang == orang) {
            return;
        }
        let kode = (self.ctx.codes)();
        let visit = self.plan.state.kunjungan;
        self.plan.state.kursi.push(Seat {
            orang: orang.to_owned(),
            kapasitas: kapasitas.to_owned(),
            kode: kode.clone(),
            keputusan: None,
            eskalasi,
        });
        self.plan.codes.push(Code {
            kode: kode.clone(),
            langkah: step.id.clone(),
            kunjungan: visit,
            orang: orang.to_owned(),
        });
        let mut prompt = self.prompt(step, kode, kapasitas, reason);
        let content = if eskalasi {
            // The superior's answer decides outright; the step's deadline is not theirs.
            prompt.tenggat_ms = None;
            Content::Eskalasi(prompt)
        } else {
            Content::Permintaan(prompt)
        };
        self.send(&format!("{}/{visit}", step.id), orang, content);
    }

    fn finish(&mut self, status: Status) {
        self.plan.state.status = status;
        self.plan.state.langkah_aktif = None;
        self.plan.state.tenggat_ms = None;
        self.log(HistoryKind::Selesai, None, |e| {
            e.keputusan = Some(Decided::Ended(status))
        });
        let (specs, ending) = match status {
            Status::SelesaiDisetujui => (
                self.def.pemberitahuan.selesai_disetujui.clone(),
                Ending::SelesaiDisetujui,
            ),
            _ => (
                self.def.pemberitahuan.selesai_ditolak.clone(),
                Ending::SelesaiDitolak,
            ),
        };
        // Notice formulas may name the option chosen (e.g. the appointee): `subjek.pilihan`.
        let mut subject = self.inst.subjek.clone();
        if let Some(obj) = subject.as_object_mut() {
            obj.insert("pilihan".into(), serde_json::json!(self.plan.state.pilihan));
        }
        let content = Content::Selesai(Finished {
            about: self.about(None),
            status: ending,
            pilihan: self.plan.state.pilihan.clone(),
        });
        let mut seen = std::collections::BTreeSet::new();
        for to in self.notice_recipients(&specs, &subject) {
            match to {
                NoticeTo::Person(p) => {
                    if seen.insert(p.clone()) {
                        self.send("selesai", &p, content.clone());
                    }
                }
                NoticeTo::Address(email) => {
                    if seen.insert(email.clone()) {
                        self.plan.outbox.push(Queued {
                            kunci: format!("{}/selesai/{email}/selesai", self.inst.id),
                            recipient: Recipient::email(None, None, &email),
                            content: content.clone(),
                        });
                    }
                }
            }
        }
        self.tell_candidates(status, &subject);
    }

    /// Who the end notice `specs` name today, and the requester.
    fn notice_recipients(
        &mut self,
        specs: &[Approvers],
        subject: &serde_json::Value,
    ) -> Vec<NoticeTo> {
        let date = self.ctx.calendar.local_date(self.ctx.now);
        let mut out = Vec::new();
        for spec in specs {
            match spec {
                Approvers::Peran(r) => out.extend(
                    self.ctx
                        .directory
                        .holders(r, date)
                        .into_iter()
                        .map(|h| NoticeTo::Person(h.orang)),
                ),
                Approvers::Orang(o) => out.push(NoticeTo::Person(o.clone())),
                Approvers::Rumus(e) => match e.eval_list(subject) {
                    Ok(items) => {
                        for i in items {
                            if self.ctx.directory.person(&i).is_some() {
                                out.push(NoticeTo::Person(i));
                            } else if super::directory::is_email(&i) {
                                out.push(NoticeTo::Address(i.to_lowercase()));
                            }
                        }
                    }
                    Err(err) => {
                        let m = format!("rumus pemberitahuan '{}' gagal: {err}", e.text());
                        self.log(HistoryKind::Catatan, None, |en| {
                            en.komentar = Some(m.clone())
                        });
                    }
                },
            }
        }
        if let Some(p) = self.plan.state.pemohon.clone() {
            out.push(NoticeTo::Person(p));
        }
        out
    }

    /// Job-fill: each candidate considered is told about themself only — chosen (the SK is
    /// still to come) or not chosen — and never who else was on the list.
    fn tell_candidates(&mut self, status: Status, subject: &serde_json::Value) {
        let Some(expr) = &self.def.pemberitahuan.kandidat else {
            return;
        };
        let read = expr.eval_pairs(subject).and_then(|pairs| {
            VacancySubject::deserialize(subject)
                .map(|v| (pairs, v))
                .map_err(|e| {
                    format!(
                        "subjek bukan lowongan: {}",
                        crate::diagnostic::translate_serde_of(&e.to_string(), "JSON")
                    )
                })
        });
        let (pairs, vacancy) = match read {
            Ok(v) => v,
            Err(err) => {
                let m = format!(
                    "rumus pemberitahuan kandidat '{}' gagal: {err}",
                    expr.text()
                );
                self.log(HistoryKind::Catatan, None, |en| {
                    en.komentar = Some(m.clone())
                });
                self.tell_admin(&m);
                return;
            }
        };
        let chosen = self
            .plan
            .state
            .pilihan
            .clone()
            .filter(|_| status == Status::SelesaiDisetujui);
        for (option, email) in pairs {
            let email = email.trim().to_lowercase();
            if !super::directory::is_email(&email) {
                continue;
            }
            // Only this person's own entry: their name, the position, the unit.
            let notice = CandidateNotice {
                about: self.about(None),
                jabatan: vacancy.jabatan.clone(),
                unit_kerja: vacancy.unit_kerja.clone(),
            };
            let content = if chosen.as_deref() == Some(option.as_str()) {
                Content::Terpilih(notice)
            } else {
                Content::TidakTerpilih(notice)
            };
            let nama = vacancy.candidate(&option).map(|k| k.nama.as_str());
            let digest = crate::workflow::definition::version_of(&email);
            self.plan.outbox.push(Queued {
                kunci: format!("{}/kandidat/{digest}/{}", self.inst.id, content.kind()),
                recipient: Recipient::email(None, nama, &email),
                content,
            });
        }
    }

    /// Records an answer and, when it settles the step, moves the instance on.
    fn decide(&mut self, d: &Decision) -> Result<(), Refusal> {
        let def = self.def;
        let step = self.open_step(d, def)?;
        let answer = self.accepted_answer(d, step)?;
        let comment = d.komentar.as_ref().map(Comment::as_str);
        if answer == Answer::Kembalikan && comment.is_none() {
            return Err(Refusal::NeedsComment);
        }
        if answer == Answer::Abstain && comment.is_none() {
            return Err(Refusal::AbstainNeedsReason);
        }
        let seat_idx = self.seat_of(d, step)?;
        if answer == Answer::Abstain && self.plan.state.kursi[seat_idx].eskalasi {
            // A superior the step went to decides; there is no committee to stand aside from.
            return Err(Refusal::AbstainNotOffered);
        }
        let seat = &mut self.plan.state.kursi[seat_idx];
        seat.keputusan = Some(answer.clone());
        let escalated = seat.eskalasi;
        let mut kapasitas = seat.kapasitas.clone();
        if let Some(by) = &d.dicatat_oleh {
            kapasitas = format!("{kapasitas}; dicatat oleh {by}");
        }
        self.log(HistoryKind::Keputusan, Some(&step.id), |e| {
            e.orang = Some(d.orang.clone());
            e.kapasitas = Some(kapasitas);
            e.saluran = Some(d.saluran.as_str().to_owned());
            e.keputusan = Some(Decided::Answer(answer.clone()));
            e.komentar = comment.map(str::to_owned);
        });
        if let Some((target, note)) = self.outcome(step, &answer, escalated, comment) {
            self.close_step(step, d, &answer, note.as_deref());
            let reason = (answer == Answer::Kembalikan).then_some(note).flatten();
            self.go(target, reason);
        }
        Ok(())
    }

    /// The step `d` answers, when it is the open one at the visit the answer was asked for.
    fn open_step<'d>(&self, d: &Decision, def: &'d WorkflowDef) -> Result<&'d Step, Refusal> {
        let st = &self.plan.state;
        running(st)?;
        let Some((_, step)) = def.step(&d.langkah) else {
            return Err(Refusal::UnknownStep(d.langkah.clone()));
        };
        step_open(st, &d.langkah, d.kunjungan)?;
        Ok(step)
    }

    /// The answer, when it fits the step: a choice step wants an option from its list, any
    /// other step no option.
    fn accepted_answer(&self, d: &Decision, step: &Step) -> Result<Answer, Refusal> {
        let opsi = &self.plan.state.opsi;
        match (&d.jawaban, step.pilihan.is_some()) {
            (Answer::Setuju, true) => Err(Refusal::ChoiceRequired(shown_options(opsi))),
            (Answer::Pilih(o), true) if !opsi.contains(o) => Err(Refusal::BadChoice {
                pilihan: crate::domain::redact_identifiers(o).0,
                daftar: shown_options(opsi),
            }),
            (Answer::Pilih(_), false) => Err(Refusal::ChoiceRequired(
                "setuju, tolak, atau kembalikan (langkah ini tanpa pilihan)".to_owned(),
            )),
            (Answer::Abstain, _) if !step.mode.committee() => Err(Refusal::AbstainNotOffered),
            (a, _) => Ok(a.clone()),
        }
    }

    /// The seat `d.orang` answers from: their own, not yet answered; or, for someone who holds
    /// the step's role today (a newly appointed acting official), a new one.
    fn seat_of(&mut self, d: &Decision, step: &Step) -> Result<usize, Refusal> {
        let st = &self.plan.state;
        if let Some(i) = st.kursi.iter().position(|s| s.orang == d.orang) {
            return not_answered(st, &d.orang).map(|()| i);
        }
        let date = self.ctx.calendar.local_date(self.ctx.now);
        let now_holders: Vec<(String, String)> = match &step.penyetuju {
            Approvers::Peran(role) => self
                .ctx
                .directory
                .holders_for(role, date, step.pelaksana_boleh)
                .into_iter()
                .map(|h| (h.orang, h.kapasitas))
                .collect(),
            Approvers::Orang(id) if self.ctx.directory.person(id).is_some() => {
                vec![(id.clone(), "ditunjuk langsung".to_owned())]
            }
            Approvers::Orang(_) | Approvers::Rumus(_) => Vec::new(),
        };
        let Some((orang, kapasitas)) = now_holders.into_iter().find(|(o, _)| *o == d.orang) else {
            return Err(Refusal::NotApprover(d.orang.clone()));
        };
        let kode = (self.ctx.codes)();
        self.plan.codes.push(Code {
            kode: kode.clone(),
            langkah: step.id.clone(),
            kunjungan: self.plan.state.kunjungan,
            orang: orang.clone(),
        });
        self.plan.state.kursi.push(Seat {
            orang,
            kapasitas,
            kode,
            keputusan: None,
            eskalasi: false,
        });
        Ok(self.plan.state.kursi.len() - 1)
    }

    /// Where the step goes after this answer, and why (a return's reason, an unreachable
    /// quorum), when the answer settles it. An escalated seat decides outright; otherwise
    /// `semua` waits for everyone and `kuorum` for enough agreements (or too many refusals).
    fn outcome(
        &mut self,
        step: &Step,
        answer: &Answer,
        escalated: bool,
        comment: Option<&str>,
    ) -> Option<(Target, Option<String>)> {
        let regular = self.plan.state.kursi.iter().filter(|s| !s.eskalasi);
        let agreed = regular
            .clone()
            .filter(|s| s.keputusan == Some(Answer::Setuju))
            .count();
        let open = regular.clone().filter(|s| s.keputusan.is_none()).count();
        let abstained = regular
            .clone()
            .filter(|s| s.keputusan == Some(Answer::Abstain))
            .count();
        let total = regular.count();
        // Abstentions never count: a majority is of the members who do not abstain, and a
        // fixed quorum must be reached by the others.
        let quorum = match step.mode {
            Mode::Mayoritas => (total - abstained) / 2 + 1,
            _ => self.plan.state.kuorum.unwrap_or(1) as usize,
        };
        let unreachable = || {
            (
                step.jika_tolak,
                Some(if total == abstained {
                    "semua anggota abstain; langkah tidak dapat diputuskan".to_owned()
                } else {
                    format!("kuorum {quorum} tidak dapat tercapai lagi")
                }),
            )
        };
        match (answer, step.mode, escalated) {
            (Answer::Kembalikan, _, _) => Some((step.jika_kembalikan, comment.map(str::to_owned))),
            (Answer::Tolak | Answer::Abstain, Mode::Kuorum(_) | Mode::Mayoritas, false) => {
                // A superior the step went to, still to answer, can decide it yet.
                let superior_open = self
                    .plan
                    .state
                    .kursi
                    .iter()
                    .any(|s| s.eskalasi && s.keputusan.is_none());
                if agreed >= quorum && total > abstained {
                    Some((step.jika_setuju, None))
                } else if superior_open {
                    None
                } else {
                    (agreed + open < quorum || total == abstained).then(unreachable)
                }
            }
            (Answer::Abstain, _, _) => None,
            (Answer::Tolak, _, _) => Some((step.jika_tolak, None)),
            (Answer::Pilih(o), _, _) => {
                self.plan.state.pilihan = Some(o.clone());
                Some((step.jika_setuju, None))
            }
            (Answer::Setuju, Mode::Semua, false) => {
                (agreed == total).then_some((step.jika_setuju, None))
            }
            (Answer::Setuju, Mode::Kuorum(_) | Mode::Mayoritas, false) => {
                (agreed >= quorum).then_some((step.jika_setuju, None))
            }
            (Answer::Setuju, _, _) => Some((step.jika_setuju, None)),
        }
    }

    /// A settled step: the others still asked are told it is decided; a return is logged and
    /// the requester told why.
    fn close_step(&mut self, step: &Step, d: &Decision, answer: &Answer, note: Option<&str>) {
        if let Some(n) = note
            && matches!(answer, Answer::Tolak | Answer::Abstain)
        {
            self.log(HistoryKind::Catatan, Some(&step.id), |e| {
                e.komentar = Some(n.to_owned())
            });
        }
        let others: Vec<String> = self
            .plan
            .state
            .kursi
            .iter()
            .filter(|s| s.keputusan.is_none())
            .map(|s| s.orang.clone())
            .collect();
        let key = format!("{}/{}", step.id, self.plan.state.kunjungan);
        for o in others {
            let closed = Content::LangkahDitutup(StepClosed {
                about: self.about(Some(step)),
                diputuskan_oleh: d.orang.clone(),
                keputusan: answer.code(),
            });
            self.send(&key, &o, closed);
        }
        if *answer == Answer::Kembalikan {
            self.log(HistoryKind::Dikembalikan, Some(&step.id), |e| {
                e.orang = Some(d.orang.clone());
                e.komentar = note.map(str::to_owned);
            });
            if let Some(p) = self.plan.state.pemohon.clone() {
                let returned = Content::Dikembalikan(Returned {
                    about: self.about(Some(step)),
                    alasan_kembali: note.unwrap_or_default().to_owned(),
                });
                self.send(&key, &p, returned);
            }
        }
    }

    fn timer(&mut self, jenis: TimerKind, langkah: &str, kunjungan: i64, ke: i64) {
        let st = &self.plan.state;
        if st.status != Status::Berjalan
            || st.kunjungan != kunjungan
            || st.langkah_aktif.as_deref() != Some(langkah)
        {
            return;
        }
        let Some((_, step)) = self.def.step(langkah) else {
            return;
        };
        let waiting: Vec<Seat> = st
            .kursi
            .iter()
            .filter(|s| s.keputusan.is_none())
            .cloned()
            .collect();
        let names = waiting
            .iter()
            .map(|s| s.orang.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let key = format!("{langkah}/{kunjungan}");
        match jenis {
            TimerKind::Pengingat => {
                self.log(HistoryKind::Pengingat, Some(langkah), |e| {
                    e.komentar = Some(format!("pengingat ke-{ke} kepada {names}"));
                });
                let n = u32::try_from(ke).unwrap_or(1);
                for seat in &waiting {
                    let prompt = self.prompt(step, seat.kode.clone(), &seat.kapasitas, None);
                    self.send(&key, &seat.orang, Content::Pengingat(n, prompt));
                }
            }
            TimerKind::Tenggat => {
                self.log(HistoryKind::TenggatTerlewati, Some(langkah), |e| {
                    e.komentar = Some(format!("belum dijawab oleh {names}"));
                });
                for seat in &waiting {
                    let prompt = self.prompt(step, seat.kode.clone(), &seat.kapasitas, None);
                    self.send(&key, &seat.orang, Content::Tenggat(prompt));
                }
                let m = format!(
                    "tenggat langkah '{}' pada workflow {} terlewati; belum dijawab oleh {names}",
                    step.judul, self.inst.id,
                );
                self.tell_admin(&m);
            }
            TimerKind::Eskalasi => {
                let Some(esc) = &step.eskalasi else { return };
                let people = self.resolve(&esc.ke, step, true);
                let names: Vec<String> = people.iter().map(|(o, _)| o.clone()).collect();
                self.log(HistoryKind::Eskalasi, Some(langkah), |e| {
                    e.komentar = Some(format!(
                        "belum diputuskan; diteruskan kepada {}",
                        if names.is_empty() {
                            "(tidak ada)".to_owned()
                        } else {
                            names.join(", ")
                        }
                    ));
                });
                for (orang, kapasitas) in people {
                    self.seat(step, &orang, &kapasitas, true, None);
                }
            }
        }
    }
}

#[cfg(test)]
#[path = "planner_tests.rs"]
mod tests;
