//! The planner on its own: definitions and a directory from text, a fixed clock, codes from a
//! counter, no database. Every mode, a return, a choice, a skipped step, escalation and the
//! refusals.

use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};

use super::*;
use crate::{
    config::ScriptLimits,
    domain::{Content, MessageKind},
    rules::ExprEngine,
    workflow::definition::{self, Context},
};

const DIRECTORY: &str = "orang:
  - { id: verif, nama: Verifikator, email: verif@contoh.go.id, peran: [VERIFIKATOR_BKPSDM] }
  - { id: kaban, nama: Kepala BKPSDM, email: kaban@contoh.go.id, peran: [KEPALA_BKPSDM, ADMIN] }
  - { id: tpk1, nama: TPK Satu, email: tpk1@contoh.go.id, peran: [TPK] }
  - { id: tpk2, nama: TPK Dua, email: tpk2@contoh.go.id, peran: [TPK] }
  - { id: tpk3, nama: TPK Tiga, email: tpk3@contoh.go.id, peran: [TPK] }
  - { id: bupati, nama: Bupati, email: bupati@contoh.go.id, peran: [PPK] }
  - { id: operator, nama: Operator, email: operator@contoh.go.id, peran: [OPERATOR_OPD] }
";

fn def(yaml: &str) -> WorkflowDef {
    let engine = ExprEngine::new(&ScriptLimits::default());
    let ctx = Context {
        engine: &engine,
        role_known: &|_| true,
        person_known: &|_| true,
    };
    definition::parse(Path::new("uji.yaml"), yaml, &ctx).unwrap_or_else(|d| panic!("{d}"))
}

fn flow(steps: &str) -> WorkflowDef {
    def(&format!(
        "id: uji\njudul: Uji\nsubjek: bebas\nlangkah:\n{steps}pemberitahuan:\n  selesai_disetujui: [{{ peran: KEPALA_BKPSDM }}]\n  selesai_ditolak: [{{ peran: KEPALA_BKPSDM }}]\n"
    ))
}

/// Monday 11 August 2025, 09.00 WIB.
fn monday() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 8, 11, 2, 0, 0).unwrap()
}

struct World {
    def: WorkflowDef,
    dir: Directory,
    cal: Calendar,
    inst: Instance,
    next_code: u32,
    now: DateTime<Utc>,
    /// What starting the instance planned.
    start: Plan,
}

impl World {
    fn new(def: WorkflowDef) -> Self {
        let dir = Directory::parse(Path::new("direktori.yaml"), DIRECTORY)
            .unwrap_or_else(|d| panic!("{d}"));
        let mut w = Self {
            def,
            dir,
            cal: Calendar {
                tz: chrono_tz::Asia::Jakarta,
                holidays: Vec::new(),
                jam_kerja: Default::default(),
            },
            inst: Instance {
                id: "i1".into(),
                subjek: serde_json::json!({ "jenis": "bebas" }),
                state: State::default(),
                jawaban: Vec::new(),
            },
            next_code: 0,
            now: monday(),
            start: Plan::default(),
        };
        w.start = w
            .apply(&Event::Start {
                pemohon: Some("operator".into()),
            })
            .unwrap();
        w
    }

    fn apply(&mut self, event: &Event) -> Result<Plan, Refusal> {
        let mut n = self.next_code;
        let mut codes = move || {
            n += 1;
            format!("K{n}")
        };
        let mut ctx = Ctx {
            now: self.now,
            directory: &self.dir,
            calendar: &self.cal,
            codes: &mut codes,
        };
        let plan = advance(&self.def, &self.inst, event, &mut ctx)?;
        self.next_code += u32::try_from(plan.codes.len()).unwrap_or_default();
        self.inst.state = plan.state.clone();
        Ok(plan)
    }

    fn answer(&mut self, langkah: &str, orang: &str, jawaban: Answer) -> Result<Plan, Refusal> {
        self.answer_with(langkah, orang, jawaban, None)
    }

    fn answer_with(
        &mut self,
        langkah: &str,
        orang: &str,
        jawaban: Answer,
        komentar: Option<&str>,
    ) -> Result<Plan, Refusal> {
        self.apply(&Event::Decide(Decision {
            langkah: langkah.into(),
            orang: orang.into(),
            jawaban,
            komentar: komentar.and_then(Comment::parse),
            saluran: Channel::Cli,
            dicatat_oleh: None,
            kunjungan: None,
        }))
    }

    /// Why `orang`'s `jawaban` on `langkah` is refused (none when it is accepted).
    fn refusal(&mut self, langkah: &str, orang: &str, jawaban: Answer) -> Option<Refusal> {
        self.answer(langkah, orang, jawaban).err()
    }

    fn step(&self) -> Option<&str> {
        self.inst.state.langkah_aktif.as_deref()
    }
}

fn kinds_to(plan: &Plan, person: &str) -> Vec<MessageKind> {
    plan.outbox
        .iter()
        .filter(|m| m.recipient.orang.as_deref() == Some(person))
        .map(|m| m.content.kind())
        .collect()
}

#[test]
fn salah_satu_one_answer_decides_and_the_others_are_told() {
    let mut w = World::new(flow(
        "  - { id: tpk, judul: TPK, penyetuju: { peran: TPK } }\n",
    ));
    assert_eq!(w.inst.state.kursi.len(), 3);
    let plan = w.answer("tpk", "tpk2", Answer::Setuju).unwrap();
    assert_eq!(w.inst.state.status, Status::SelesaiDisetujui);
    assert_eq!(kinds_to(&plan, "tpk1"), [MessageKind::LangkahDitutup]);
    assert_eq!(kinds_to(&plan, "tpk3"), [MessageKind::LangkahDitutup]);
    assert_eq!(kinds_to(&plan, "kaban"), [MessageKind::Selesai]);
    assert_eq!(kinds_to(&plan, "operator"), [MessageKind::Selesai]);
}

#[test]
fn semua_waits_for_everyone() {
    let mut w = World::new(flow(
        "  - { id: tpk, judul: TPK, penyetuju: { peran: TPK }, mode: semua }\n",
    ));
    w.answer("tpk", "tpk1", Answer::Setuju).unwrap();
    w.answer("tpk", "tpk2", Answer::Setuju).unwrap();
    assert_eq!(w.step(), Some("tpk"));
    w.answer("tpk", "tpk3", Answer::Setuju).unwrap();
    assert_eq!(w.inst.state.status, Status::SelesaiDisetujui);
}

#[test]
fn kuorum_passes_at_the_quorum_and_refuses_when_it_is_out_of_reach() {
    let steps = "  - { id: tpk, judul: TPK, penyetuju: { peran: TPK }, mode: { kuorum: 2 } }\n";
    let mut w = World::new(flow(steps));
    w.answer("tpk", "tpk1", Answer::Setuju).unwrap();
    assert_eq!(w.step(), Some("tpk"));
    w.answer("tpk", "tpk2", Answer::Setuju).unwrap();
    assert_eq!(w.inst.state.status, Status::SelesaiDisetujui);

    // One refusal leaves the quorum reachable; a second does not.
    let mut w = World::new(flow(steps));
    w.answer("tpk", "tpk1", Answer::Tolak).unwrap();
    assert_eq!(w.step(), Some("tpk"));
    let plan = w.answer("tpk", "tpk2", Answer::Tolak).unwrap();
    assert_eq!(w.inst.state.status, Status::SelesaiDitolak);
    assert!(plan.history.iter().any(|h| h.jenis == "catatan"
        && h.komentar.as_deref() == Some("kuorum 2 tidak dapat tercapai lagi")));
}

#[test]
fn a_quorum_larger_than_the_seats_is_lowered_and_admin_told() {
    let mut w = World::new(flow(
        "  - { id: tpk, judul: TPK, penyetuju: { peran: TPK }, mode: { kuorum: 5 } }\n",
    ));
    assert_eq!(w.inst.state.kuorum, Some(3));
    assert!(kinds_to(&w.start, "kaban").contains(&MessageKind::Admin));
    w.answer("tpk", "tpk1", Answer::Setuju).unwrap();
    w.answer("tpk", "tpk2", Answer::Setuju).unwrap();
    w.answer("tpk", "tpk3", Answer::Setuju).unwrap();
    assert_eq!(w.inst.state.status, Status::SelesaiDisetujui);
}

#[test]
fn a_return_reopens_the_target_with_the_reason_and_tells_the_requester() {
    let mut w = World::new(flow(
        "  - { id: verifikasi, judul: Verifikasi, penyetuju: { peran: VERIFIKATOR_BKPSDM } }\n  - { id: ppk, judul: Penetapan, penyetuju: { peran: PPK }, jika_kembalikan: verifikasi }\n",
    ));
    w.answer("verifikasi", "verif", Answer::Setuju).unwrap();
    assert_eq!(
        w.refusal("ppk", "bupati", Answer::Kembalikan),
        Some(Refusal::NeedsComment)
    );
    let plan = w
        .answer_with(
            "ppk",
            "bupati",
            Answer::Kembalikan,
            Some("lengkapi data formasi"),
        )
        .unwrap();
    assert_eq!(w.step(), Some("verifikasi"));
    assert_eq!(w.inst.state.kunjungan, 3);
    assert_eq!(kinds_to(&plan, "operator"), [MessageKind::Dikembalikan]);
    let prompt = plan
        .outbox
        .iter()
        .find(|m| m.recipient.orang.as_deref() == Some("verif"))
        .and_then(|m| m.content.prompt())
        .unwrap();
    assert_eq!(
        prompt.alasan_kembali.as_deref(),
        Some("lengkapi data formasi")
    );
    // The old visit's answer no longer counts.
    assert!(matches!(
        w.apply(&Event::Decide(Decision {
            langkah: "verifikasi".into(),
            orang: "verif".into(),
            jawaban: Answer::Setuju,
            komentar: None,
            saluran: Channel::Tautan,
            dicatat_oleh: None,
            kunjungan: Some(1),
        })),
        Err(Refusal::Superseded(_))
    ));
}

#[test]
fn a_choice_step_wants_an_option_from_its_list() {
    let mut w = World::new(flow(
        "  - { id: pilih, judul: Pilih, penyetuju: { peran: PPK }, pilihan: '[\"A\", \"B\"]' }\n",
    ));
    assert_eq!(w.inst.state.opsi, ["A", "B"]);
    assert!(matches!(
        w.answer("pilih", "bupati", Answer::Setuju),
        Err(Refusal::ChoiceRequired(_))
    ));
    assert!(matches!(
        w.answer("pilih", "bupati", Answer::Pilih("Z".into())),
        Err(Refusal::BadChoice { .. })
    ));
    let plan = w
        .answer("pilih", "bupati", Answer::Pilih("B".into()))
        .unwrap();
    assert_eq!(w.inst.state.pilihan.as_deref(), Some("B"));
    let finished = plan
        .outbox
        .iter()
        .find_map(|m| match &m.content {
            Content::Selesai(f) => Some(f),
            _ => None,
        })
        .unwrap();
    assert_eq!(finished.pilihan.as_deref(), Some("B"));
}

#[test]
fn a_step_whose_condition_is_false_is_skipped_as_approved() {
    let w = World::new(flow(
        "  - { id: lewati, judul: Lewati, penyetuju: { peran: KEPALA_BKPSDM }, syarat: 'subjek.jenis == \"lowongan\"' }\n  - { id: ppk, judul: PPK, penyetuju: { peran: PPK } }\n",
    ));
    assert_eq!(w.step(), Some("ppk"));
    let history: Vec<&str> = w.start.history.iter().map(|h| h.jenis.as_str()).collect();
    assert_eq!(history, ["dimulai", "dilewati", "dibuka"]);
}

#[test]
fn reminders_then_escalation_seat_a_superior_whose_answer_decides() {
    let mut w = World::new(flow(
        "  - { id: tpk, judul: TPK, penyetuju: { peran: TPK }, mode: semua, tenggat: 3d, pengingat: [1d], eskalasi: { setelah: 2d, ke: { peran: KEPALA_BKPSDM } } }\n",
    ));
    let visit = w.inst.state.kunjungan;
    assert!(w.inst.state.tenggat_ms.is_some());
    w.answer("tpk", "tpk1", Answer::Setuju).unwrap();
    let reminder = w
        .apply(&Event::Timer {
            jenis: TimerKind::Pengingat,
            langkah: "tpk".into(),
            kunjungan: visit,
            ke: 1,
        })
        .unwrap();
    assert!(
        kinds_to(&reminder, "tpk1").is_empty(),
        "answered: no reminder"
    );
    assert_eq!(kinds_to(&reminder, "tpk2"), [MessageKind::Pengingat(1)]);
    let escalation = w
        .apply(&Event::Timer {
            jenis: TimerKind::Eskalasi,
            langkah: "tpk".into(),
            kunjungan: visit,
            ke: 1,
        })
        .unwrap();
    assert_eq!(kinds_to(&escalation, "kaban"), [MessageKind::Eskalasi]);
    w.answer("tpk", "kaban", Answer::Setuju).unwrap();
    assert_eq!(w.inst.state.status, Status::SelesaiDisetujui);
    // A timer of a visit that is over changes nothing.
    let stale = w
        .apply(&Event::Timer {
            jenis: TimerKind::Tenggat,
            langkah: "tpk".into(),
            kunjungan: visit,
            ke: 1,
        })
        .unwrap();
    assert!(!stale.changed);
}

#[test]
fn refusals_name_what_is_wrong() {
    let mut w = World::new(flow(
        "  - { id: tpk, judul: TPK, penyetuju: { peran: TPK }, mode: semua }\n  - { id: ppk, judul: PPK, penyetuju: { peran: PPK } }\n",
    ));
    assert_eq!(
        w.refusal("tpk", "bupati", Answer::Setuju),
        Some(Refusal::NotApprover("bupati".into()))
    );
    assert_eq!(
        w.refusal("ppk", "bupati", Answer::Setuju),
        Some(Refusal::StepNotOpen {
            langkah: "ppk".into(),
            aktif: "tpk".into()
        })
    );
    assert_eq!(
        w.refusal("tidak_ada", "tpk1", Answer::Setuju),
        Some(Refusal::UnknownStep("tidak_ada".into()))
    );
    assert!(matches!(
        w.answer("tpk", "tpk1", Answer::Pilih("A".into())),
        Err(Refusal::ChoiceRequired(_))
    ));
    w.answer("tpk", "tpk1", Answer::Tolak).unwrap();
    assert_eq!(w.inst.state.status, Status::SelesaiDitolak);
    assert_eq!(
        w.refusal("tpk", "tpk2", Answer::Setuju),
        Some(Refusal::Finished("selesai_ditolak"))
    );
}

#[test]
fn an_answer_given_twice_is_refused_with_the_first_answer() {
    let mut w = World::new(flow(
        "  - { id: tpk, judul: TPK, penyetuju: { peran: TPK }, mode: semua }\n",
    ));
    w.answer("tpk", "tpk1", Answer::Setuju).unwrap();
    assert_eq!(
        w.refusal("tpk", "tpk1", Answer::Tolak),
        Some(Refusal::AlreadyAnswered {
            orang: "tpk1".into(),
            keputusan: "setuju".into()
        })
    );
}

#[test]
fn a_cancellation_tells_those_still_awaited_and_the_requester_once_and_ends_everything() {
    let mut w = World::new(flow(
        "  - { id: tpk, judul: TPK, penyetuju: { peran: TPK }, mode: semua }\n",
    ));
    w.answer("tpk", "tpk1", Answer::Setuju).unwrap();
    // Without a reason nothing happens.
    let empty = w.apply(&Event::Cancel {
        oleh: "admin@contoh.go.id".into(),
        alasan: Comment::parse("  "),
    });
    assert_eq!(empty.err(), Some(Refusal::NeedsComment));
    assert_eq!(w.inst.state.status, Status::Berjalan);
    let plan = w
        .apply(&Event::Cancel {
            oleh: "admin@contoh.go.id".into(),
            alasan: Comment::parse("formasi direvisi"),
        })
        .unwrap();
    assert_eq!(w.inst.state.status, Status::Dibatalkan);
    assert_eq!(w.step(), None);
    assert!(w.inst.state.kursi.is_empty());
    assert_eq!(
        plan.cancel_visits,
        vec![1],
        "the open visit's timers are void"
    );
    assert!(
        kinds_to(&plan, "tpk1").is_empty(),
        "who answered is not awaited"
    );
    assert_eq!(kinds_to(&plan, "tpk2"), [MessageKind::Dibatalkan]);
    assert_eq!(kinds_to(&plan, "tpk3"), [MessageKind::Dibatalkan]);
    assert_eq!(kinds_to(&plan, "operator"), [MessageKind::Dibatalkan]);
    assert!(plan.history.iter().any(|h| h.jenis == "dibatalkan"
        && h.komentar.as_deref() == Some("dibatalkan oleh admin@contoh.go.id: formasi direvisi")));
    // Then every answer and a second cancellation are refused; a note is still written.
    assert_eq!(
        w.refusal("tpk", "tpk2", Answer::Setuju),
        Some(Refusal::Finished("dibatalkan"))
    );
    let again = w.apply(&Event::Cancel {
        oleh: "x".into(),
        alasan: Comment::parse("lagi"),
    });
    assert_eq!(again.err(), Some(Refusal::Finished("dibatalkan")));
    let note = w
        .apply(&Event::Note {
            jenis: HistoryKind::BalasanDitolak,
            orang: None,
            saluran: Some("balasan".into()),
            komentar: "balasan surel dari orang@luar tidak diproses".into(),
        })
        .unwrap();
    assert_eq!(note.history.len(), 1);
    assert!(note.outbox.is_empty());
}

#[test]
fn the_next_prompt_carries_every_answer_given_so_far() {
    let mut w = World::new(flow(
        "  - { id: tpk, judul: TPK, penyetuju: { peran: TPK } }\n  - { id: kaban, judul: Kepala, penyetuju: { peran: KEPALA_BKPSDM } }\n",
    ));
    let plan = w
        .answer_with("tpk", "tpk2", Answer::Setuju, Some("sudah dicek"))
        .unwrap();
    let prompt = plan
        .outbox
        .iter()
        .find_map(|m| {
            m.content
                .prompt()
                .filter(|_| m.recipient.orang.as_deref() == Some("kaban"))
        })
        .expect("the next step's prompt");
    assert_eq!(prompt.jawaban_sebelumnya.len(), 1);
    let a = &prompt.jawaban_sebelumnya[0];
    assert_eq!((a.langkah.as_str(), &a.keputusan), ("TPK", &Answer::Setuju));
    assert_eq!(a.komentar.as_deref(), Some("sudah dicek"));
    assert_ne!(a.nama, "tpk2", "a name, not an id");
}

#[test]
fn an_abstention_is_recorded_with_its_reason_and_never_counted() {
    let steps = "  - { id: tpk, judul: TPK, penyetuju: { peran: TPK }, mode: mayoritas }\n";
    let mut w = World::new(flow(steps));
    assert_eq!(w.inst.state.kuorum, Some(2));
    let offered = w
        .start
        .outbox
        .iter()
        .find_map(|m| m.content.prompt())
        .expect("a prompt")
        .answers();
    assert!(offered.contains(&Answer::Abstain.code()), "{offered:?}");
    assert_eq!(
        w.refusal("tpk", "tpk1", Answer::Abstain),
        Some(Refusal::AbstainNeedsReason)
    );
    w.answer_with(
        "tpk",
        "tpk1",
        Answer::Abstain,
        Some("benturan kepentingan: saudara kandung calon"),
    )
    .unwrap();
    assert_eq!(w.step(), Some("tpk"));
    // Of the two who do not abstain a majority is two: one agreement is not enough.
    w.answer("tpk", "tpk2", Answer::Setuju).unwrap();
    assert_eq!(w.step(), Some("tpk"));
    w.answer("tpk", "tpk3", Answer::Setuju).unwrap();
    assert_eq!(w.inst.state.status, Status::SelesaiDisetujui);

    // Two abstain: the third decides alone.
    let mut w = World::new(flow(steps));
    for who in ["tpk1", "tpk2"] {
        w.answer_with("tpk", who, Answer::Abstain, Some("benturan kepentingan"))
            .unwrap();
    }
    w.answer("tpk", "tpk3", Answer::Setuju).unwrap();
    assert_eq!(w.inst.state.status, Status::SelesaiDisetujui);

    // Everyone abstains: nothing can be decided, the step is refused and says why.
    let mut w = World::new(flow(steps));
    let mut last = None;
    for who in ["tpk1", "tpk2", "tpk3"] {
        last = Some(
            w.answer_with("tpk", who, Answer::Abstain, Some("benturan kepentingan"))
                .unwrap(),
        );
    }
    assert_eq!(w.inst.state.status, Status::SelesaiDitolak);
    assert!(last.unwrap().history.iter().any(|h| {
        h.komentar
            .as_deref()
            .is_some_and(|c| c.contains("semua anggota abstain"))
    }));

    // A fixed quorum is reached by those who do not abstain only.
    let mut w = World::new(flow(
        "  - { id: tpk, judul: TPK, penyetuju: { peran: TPK }, mode: { kuorum: 2 } }\n",
    ));
    w.answer_with("tpk", "tpk1", Answer::Abstain, Some("benturan kepentingan"))
        .unwrap();
    w.answer("tpk", "tpk2", Answer::Tolak).unwrap();
    assert_eq!(w.inst.state.status, Status::SelesaiDitolak);

    // One approver alone cannot abstain.
    let mut w = World::new(flow(
        "  - { id: tpk, judul: TPK, penyetuju: { peran: TPK } }\n",
    ));
    assert_eq!(
        w.answer_with("tpk", "tpk1", Answer::Abstain, Some("benturan kepentingan"))
            .err(),
        Some(Refusal::AbstainNotOffered)
    );
}
