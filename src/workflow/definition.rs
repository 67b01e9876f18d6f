//! Workflow definitions (workflows.md): YAML parsed into private raw structs, then validated into
//! a [`WorkflowDef`] that cannot be invalid — every target exists, every step is reachable and
//! can reach an end, durations parse, expressions compile.

use std::{
    collections::{BTreeMap, VecDeque},
    path::{Path, PathBuf},
};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::{
    diagnostic::{Diagnostic, Diagnostics, locate, yaml_error},
    rules::{ExprEngine, Expression},
    sources::{EntryKind, Source},
};

/// What an instance is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// A placement proposal (`penempatan:ID`).
    Penempatan,
    /// A job-fill request (`lowongan:ID`).
    PengisianJabatan,
    /// Anything else; the subject is free.
    Bebas,
}

/// How durations count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kalender {
    /// Monday–Friday minus the configured holidays.
    HariKerja,
    /// Every day.
    HariKalender,
}

/// A duration from a definition: `3d` (days, working or calendar) or `4h` (hours).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Days(u32),
    Hours(u32),
}

impl Span {
    fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let (n, unit) = s.split_at(s.len().checked_sub(1)?);
        let n: u32 = n.parse().ok().filter(|n| *n > 0 && *n <= 3650)?;
        match unit {
            "d" | "D" => Some(Self::Days(n)),
            "h" | "H" | "j" => Some(Self::Hours(n)),
            _ => None,
        }
    }
}

/// Who approves a step.
#[derive(Debug, Clone, PartialEq)]
pub enum Approvers {
    /// Everyone holding a role (and acting officials for it).
    Peran(String),
    /// One person by id.
    Orang(String),
    /// A Rhai expression over the subject yielding person ids (or, for notices, emails).
    Rumus(Expression),
}

/// How the answers of several approvers combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The first answer decides.
    SalahSatu,
    /// Everyone must agree; one refusal refuses.
    Semua,
    /// N agreements approve; refused once N cannot be reached.
    Kuorum(u32),
    /// A majority of the members who do not abstain approves; refused once that majority
    /// cannot be reached.
    Mayoritas,
}

impl Mode {
    /// Whether a member may abstain (a committee step: `kuorum` or `mayoritas`).
    pub fn committee(self) -> bool {
        matches!(self, Self::Kuorum(_) | Self::Mayoritas)
    }
}

/// Where a transition leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Another step, by index.
    Step(usize),
    /// End state `selesai_disetujui`.
    Approved,
    /// End state `selesai_ditolak`.
    Rejected,
}

/// Escalation of an undecided step.
#[derive(Debug, Clone, PartialEq)]
pub struct Escalation {
    /// After how long.
    pub setelah: Span,
    /// To whom.
    pub ke: Approvers,
}

/// One step.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Step id.
    pub id: String,
    /// Title shown to people.
    pub judul: String,
    /// Condition; false skips the step as approved.
    pub syarat: Option<Expression>,
    pub penyetuju: Approvers,
    pub mode: Mode,
    pub tenggat: Option<Span>,
    /// Reminders after opening, while undecided.
    pub pengingat: Vec<Span>,
    pub eskalasi: Option<Escalation>,
    /// After approval.
    pub jika_setuju: Target,
    /// After refusal.
    pub jika_tolak: Target,
    /// After a return.
    pub jika_kembalikan: Target,
    /// Options to choose from instead of agree/refuse.
    pub pilihan: Option<Expression>,
    /// Whether acting officials (Plt./Plh.) may answer (`pelaksana_boleh`, default yes).
    pub pelaksana_boleh: bool,
}

/// Who is told when an instance ends.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Notices {
    /// On approval.
    pub selesai_disetujui: Vec<Approvers>,
    /// On refusal.
    pub selesai_ditolak: Vec<Approvers>,
    /// Job-fill: an expression yielding option → email address of each candidate considered;
    /// each is told only about themself (chosen, or not chosen), never about the others.
    pub kandidat: Option<Expression>,
}

/// A validated workflow definition.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowDef {
    /// Workflow id.
    pub id: String,
    pub judul: String,
    /// Subject kind.
    pub subjek: SubjectKind,
    /// Calendar for durations.
    pub kalender: Kalender,
    /// Steps; the first is where an instance starts.
    pub langkah: Vec<Step>,
    /// End notices.
    pub pemberitahuan: Notices,
    /// Content hash of the file.
    pub versi: String,
    /// The file it came from.
    pub berkas: PathBuf,
    /// The file's text (stored with instances so they keep their version).
    pub sumber: String,
}

impl WorkflowDef {
    /// A step by id.
    pub fn step(&self, id: &str) -> Option<(usize, &Step)> {
        self.langkah.iter().enumerate().find(|(_, s)| s.id == id)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWorkflow {
    id: String,
    judul: String,
    subjek: String,
    #[serde(default)]
    kalender: Option<String>,
    langkah: Vec<RawStep>,
    #[serde(default)]
    pemberitahuan: Option<RawNotices>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    id: String,
    judul: String,
    #[serde(default)]
    syarat: Option<String>,
    penyetuju: RawApprovers,
    #[serde(default)]
    mode: Option<serde_yaml::Value>,
    #[serde(default)]
    tenggat: Option<String>,
    #[serde(default)]
    pengingat: Vec<String>,
    #[serde(default)]
    eskalasi: Option<RawEscalation>,
    #[serde(default)]
    jika_setuju: Option<String>,
    #[serde(default)]
    jika_tolak: Option<String>,
    #[serde(default)]
    jika_kembalikan: Option<String>,
    #[serde(default)]
    pilihan: Option<String>,
    #[serde(default)]
    pelaksana_boleh: Option<serde_yaml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawApprovers {
    #[serde(default)]
    peran: Option<String>,
    #[serde(default)]
    orang: Option<String>,
    #[serde(default)]
    rumus: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEscalation {
    setelah: String,
    ke: RawApprovers,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNotices {
    #[serde(default)]
    selesai_disetujui: Vec<RawApprovers>,
    #[serde(default)]
    selesai_ditolak: Vec<RawApprovers>,
    #[serde(default)]
    kandidat: Option<String>,
}

/// What a definition may refer to besides itself.
pub struct Context<'a> {
    /// Compiles expressions.
    pub engine: &'a ExprEngine,
    /// Whether a role name is known (the standard roles, or held by someone in the directory).
    pub role_known: &'a dyn Fn(&str) -> bool,
    /// Whether a person id is known (the directory).
    pub person_known: &'a dyn Fn(&str) -> bool,
}

/// `ya`/`tidak` (and YAML booleans) as a boolean.
fn yes_no(v: &serde_yaml::Value) -> Option<bool> {
    match v {
        serde_yaml::Value::Bool(b) => Some(*b),
        serde_yaml::Value::String(s) => match s.trim().to_lowercase().as_str() {
            "ya" | "y" | "true" => Some(true),
            "tidak" | "t" | "false" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// The content hash that names a definition version.
pub fn version_of(text: &str) -> String {
    hex::encode(&Sha256::digest(text.as_bytes())[..8])
}

struct Checker<'a> {
    file: &'a Path,
    text: &'a str,
    ctx: &'a Context<'a>,
    diags: Diagnostics,
}

impl Checker<'_> {
    /// Reports `message` on the line of `needle` inside step `step` (or anywhere).
    fn at(&mut self, needle: &str, step: Option<&str>, message: String) {
        let after = step.map(|s| format!("id: {s}"));
        let pos = locate(self.text, needle, after.as_deref())
            .or_else(|| locate(self.text, needle, None))
            .unwrap_or((0, 0));
        self.diags
            .push(Diagnostic::at(self.file, pos.0, pos.1, message));
    }

    fn expr(&mut self, text: &str, step: Option<&str>, what: &str) -> Option<Expression> {
        match self.ctx.engine.compile(text) {
            Ok(e) => Some(e),
            Err(e) => {
                let first = text.lines().next().unwrap_or(text);
                let after = step.map(|s| format!("id: {s}"));
                let (line, _) = locate(self.text, first, after.as_deref())
                    .or_else(|| locate(self.text, first, None))
                    .unwrap_or((0, 0));
                let line = if line == 0 {
                    0
                } else {
                    line + e.line.saturating_sub(1)
                };
                self.diags.push(Diagnostic::at(
                    self.file,
                    line,
                    0,
                    format!("{what} tidak dapat dikompilasi: {}", e.message),
                ));
                None
            }
        }
    }

    fn span(&mut self, raw: &str, step: Option<&str>, what: &str) -> Option<Span> {
        let span = Span::parse(raw);
        if span.is_none() {
            self.at(
                raw,
                step,
                format!(
                    "durasi {what} '{raw}' tidak sah: tulis angka lalu d (hari) atau h (jam), mis. 3d"
                ),
            );
        }
        span
    }

    fn approvers(
        &mut self,
        raw: &RawApprovers,
        step: Option<&str>,
        what: &str,
    ) -> Option<Approvers> {
        match (&raw.peran, &raw.orang, &raw.rumus) {
            (Some(p), None, None) => {
                if !(self.ctx.role_known)(p) {
                    self.at(
                        &format!("peran: {p}"),
                        step,
                        format!("{what}: peran '{p}' tidak dikenal (bukan peran baku dan tidak dipegang siapa pun di direktori)"),
                    );
                }
                Some(Approvers::Peran(p.clone()))
            }
            (None, Some(o), None) => {
                if !(self.ctx.person_known)(o) {
                    self.at(
                        &format!("orang: {o}"),
                        step,
                        format!("{what}: orang '{o}' tidak ada dalam direktori"),
                    );
                }
                Some(Approvers::Orang(o.clone()))
            }
            (None, None, Some(r)) => self.expr(r, step, what).map(Approvers::Rumus),
            _ => {
                self.at(
                    what.split(' ').next().unwrap_or(what),
                    step,
                    format!("{what} harus berisi tepat satu dari peran, orang, atau rumus"),
                );
                None
            }
        }
    }
}

/// Parses and validates the text of one definition file.
pub fn parse(file: &Path, text: &str, ctx: &Context<'_>) -> Result<WorkflowDef, Diagnostics> {
    let raw: RawWorkflow = serde_yaml::from_str(text).map_err(|e| yaml_error(file, &e))?;
    let mut c = Checker {
        file,
        text,
        ctx,
        diags: Diagnostics::new(),
    };
    let (subjek, kalender) = c.header(&raw);
    let index = c.step_index(&raw.langkah);
    let n = raw.langkah.len();
    let steps: Vec<Step> = raw
        .langkah
        .iter()
        .enumerate()
        .filter_map(|(i, s)| c.step(s, i, n, &index))
        .collect();
    let notices = raw
        .pemberitahuan
        .as_ref()
        .map(|p| c.notices(p))
        .unwrap_or_default();
    if c.diags.is_empty() {
        check_graph(&mut c, &steps);
    }
    c.diags.into_result(WorkflowDef {
        id: raw.id,
        judul: raw.judul,
        subjek,
        kalender,
        langkah: steps,
        pemberitahuan: notices,
        versi: version_of(text),
        berkas: file.to_path_buf(),
        sumber: text.to_owned(),
    })
}

impl Checker<'_> {
    /// The workflow's id, subject kind and calendar.
    fn header(&mut self, raw: &RawWorkflow) -> (SubjectKind, Kalender) {
        if !crate::domain::is_identifier(&raw.id) {
            self.at(
                &format!("id: {}", raw.id),
                None,
                format!("id workflow '{}' harus huruf kecil, angka, dan _", raw.id),
            );
        }
        let subjek = match raw.subjek.as_str() {
            "penempatan" => SubjectKind::Penempatan,
            "pengisian_jabatan" => SubjectKind::PengisianJabatan,
            "bebas" => SubjectKind::Bebas,
            other => {
                self.at(
                    &format!("subjek: {other}"),
                    None,
                    format!("subjek '{other}' tidak dikenal: pilih penempatan, pengisian_jabatan, atau bebas"),
                );
                SubjectKind::Bebas
            }
        };
        let kalender = match raw.kalender.as_deref() {
            None | Some("hari_kerja") => Kalender::HariKerja,
            Some("hari_kalender") => Kalender::HariKalender,
            Some(other) => {
                self.at(
                    &format!("kalender: {other}"),
                    None,
                    format!(
                        "kalender '{other}' tidak dikenal: pilih hari_kerja atau hari_kalender"
                    ),
                );
                Kalender::HariKerja
            }
        };
        (subjek, kalender)
    }

    /// Step ids to positions; each id well-formed and used once.
    fn step_index(&mut self, steps: &[RawStep]) -> BTreeMap<String, usize> {
        if steps.is_empty() {
            self.at(
                "langkah",
                None,
                "workflow harus mempunyai sekurang-kurangnya satu langkah".to_owned(),
            );
        }
        let mut index = BTreeMap::new();
        for (i, s) in steps.iter().enumerate() {
            if !crate::domain::is_identifier(&s.id) || s.id.starts_with("selesai_") {
                self.at(
                    &format!("id: {}", s.id),
                    None,
                    format!(
                        "id langkah '{}' harus huruf kecil, angka, dan _, dan tidak diawali selesai_",
                        s.id
                    ),
                );
            }
            if index.insert(s.id.clone(), i).is_some() {
                self.at(
                    &format!("id: {}", s.id),
                    Some(&s.id),
                    format!("id langkah '{}' dipakai dua kali", s.id),
                );
            }
        }
        index
    }

    /// Where `field` of step `sid` leads: an end, a step by id, else `default`.
    fn target(
        &mut self,
        index: &BTreeMap<String, usize>,
        sid: Option<&str>,
        field: &str,
        v: Option<&str>,
        default: Target,
    ) -> Target {
        match v {
            None => default,
            Some("selesai_disetujui") => Target::Approved,
            Some("selesai_ditolak") => Target::Rejected,
            Some(t) => match index.get(t) {
                Some(&j) => Target::Step(j),
                None => {
                    self.at(
                        &format!("{field}: {t}"),
                        sid,
                        format!("{field} menunjuk langkah '{t}' yang tidak ada"),
                    );
                    default
                }
            },
        }
    }

    /// `salah_satu` (the default), `semua`, `mayoritas`, or `kuorum: N`.
    fn mode(&mut self, raw: Option<&serde_yaml::Value>, sid: Option<&str>) -> Mode {
        match raw {
            None => Mode::SalahSatu,
            Some(serde_yaml::Value::String(m)) if m == "salah_satu" => Mode::SalahSatu,
            Some(serde_yaml::Value::String(m)) if m == "semua" => Mode::Semua,
            Some(serde_yaml::Value::String(m)) if m == "mayoritas" => Mode::Mayoritas,
            Some(serde_yaml::Value::Mapping(m)) if m.len() == 1 => {
                match m.get("kuorum").and_then(serde_yaml::Value::as_u64) {
                    Some(q) if (1..=100).contains(&q) => Mode::Kuorum(q as u32),
                    _ => {
                        self.at(
                            "mode",
                            sid,
                            "kuorum harus bilangan bulat 1 sampai 100".to_owned(),
                        );
                        Mode::SalahSatu
                    }
                }
            }
            Some(_) => {
                self.at(
                    "mode",
                    sid,
                    "mode tidak dikenal: pilih salah_satu, semua, mayoritas, atau kuorum: N"
                        .to_owned(),
                );
                Mode::SalahSatu
            }
        }
    }

    /// Step `s` (the `i`-th of `n`), checked; `None` when its approvers cannot be read.
    fn step(
        &mut self,
        s: &RawStep,
        i: usize,
        n: usize,
        index: &BTreeMap<String, usize>,
    ) -> Option<Step> {
        let sid = Some(s.id.as_str());
        let next = if i + 1 < n {
            Target::Step(i + 1)
        } else {
            Target::Approved
        };
        let previous = Target::Step(i.saturating_sub(1));
        let jika_setuju = self.target(index, sid, "jika_setuju", s.jika_setuju.as_deref(), next);
        let jika_tolak = self.target(
            index,
            sid,
            "jika_tolak",
            s.jika_tolak.as_deref(),
            Target::Rejected,
        );
        let jika_kembalikan = self.target(
            index,
            sid,
            "jika_kembalikan",
            s.jika_kembalikan.as_deref(),
            previous,
        );
        let mode = self.mode(s.mode.as_ref(), sid);
        if s.pilihan.is_some() && mode != Mode::SalahSatu {
            self.at(
                "pilihan",
                sid,
                "langkah dengan pilihan harus memakai mode salah_satu".to_owned(),
            );
        }
        let syarat = s.syarat.as_ref().and_then(|t| self.expr(t, sid, "syarat"));
        let pilihan = s
            .pilihan
            .as_ref()
            .and_then(|t| self.expr(t, sid, "pilihan"));
        let penyetuju = self.approvers(&s.penyetuju, sid, "penyetuju");
        let tenggat = s
            .tenggat
            .as_ref()
            .and_then(|t| self.span(t, sid, "tenggat"));
        let pengingat = s
            .pengingat
            .iter()
            .filter_map(|t| self.span(t, sid, "pengingat"))
            .collect();
        let eskalasi = s.eskalasi.as_ref().and_then(|e| {
            let setelah = self.span(&e.setelah, sid, "eskalasi");
            let ke = self.approvers(&e.ke, sid, "eskalasi ke");
            Some(Escalation {
                setelah: setelah?,
                ke: ke?,
            })
        });
        let pelaksana_boleh = match s.pelaksana_boleh.as_ref().map(yes_no) {
            None => true,
            Some(Some(b)) => b,
            Some(None) => {
                self.at(
                    "pelaksana_boleh",
                    sid,
                    "pelaksana_boleh harus ya atau tidak".to_owned(),
                );
                true
            }
        };
        Some(Step {
            id: s.id.clone(),
            judul: s.judul.clone(),
            syarat,
            penyetuju: penyetuju?,
            mode,
            tenggat,
            pengingat,
            eskalasi,
            jika_setuju,
            jika_tolak,
            jika_kembalikan,
            pilihan,
            pelaksana_boleh,
        })
    }

    /// Who is told when the workflow ends, and the candidates' formula.
    fn notices(&mut self, p: &RawNotices) -> Notices {
        let mut notices = Notices::default();
        for r in &p.selesai_disetujui {
            if let Some(a) = self.approvers(r, None, "pemberitahuan selesai_disetujui") {
                notices.selesai_disetujui.push(a);
            }
        }
        for r in &p.selesai_ditolak {
            if let Some(a) = self.approvers(r, None, "pemberitahuan selesai_ditolak") {
                notices.selesai_ditolak.push(a);
            }
        }
        notices.kandidat = p
            .kandidat
            .as_ref()
            .and_then(|t| self.expr(t, None, "pemberitahuan kandidat"));
        notices
    }
}

fn edges(s: &Step) -> [Target; 3] {
    [s.jika_setuju, s.jika_tolak, s.jika_kembalikan]
}

/// Every step reachable from the first; every step able to reach an end.
fn check_graph(c: &mut Checker<'_>, steps: &[Step]) {
    let n = steps.len();
    let mut reached = vec![false; n];
    let mut queue = VecDeque::from([0]);
    while let Some(i) = queue.pop_front() {
        if i >= n || reached[i] {
            continue;
        }
        reached[i] = true;
        for t in edges(&steps[i]) {
            if let Target::Step(j) = t {
                queue.push_back(j);
            }
        }
    }
    let mut ends = vec![false; n];
    loop {
        let mut changed = false;
        for (i, s) in steps.iter().enumerate() {
            if !ends[i]
                && edges(s).iter().any(|t| match t {
                    Target::Step(j) => ends[*j],
                    _ => true,
                })
            {
                ends[i] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for (i, s) in steps.iter().enumerate() {
        if !reached[i] {
            c.at(
                &format!("id: {}", s.id),
                Some(&s.id),
                format!(
                    "langkah '{}' tidak dapat dicapai dari langkah pertama",
                    s.id
                ),
            );
        } else if !ends[i] {
            c.at(
                &format!("id: {}", s.id),
                Some(&s.id),
                format!(
                    "langkah '{}' berada dalam putaran tanpa jalan keluar: tidak ada jalan ke selesai_disetujui atau selesai_ditolak",
                    s.id
                ),
            );
        }
    }
}

/// Every definition in a folder (`*.yaml`, `*.yml`; sub-folders such as `templates/` ignored),
/// all validated; ids must be unique.
pub fn load_dir(
    src: &dyn Source,
    dir: &Path,
    ctx: &Context<'_>,
) -> Result<BTreeMap<String, WorkflowDef>, Diagnostics> {
    let entries = src.entries(dir).map_err(|e| {
        Diagnostic::file(
            dir,
            format!("tidak dapat membaca folder workflow: {}", e.message),
        )
    })?;
    let files: Vec<PathBuf> = entries
        .into_iter()
        .filter(|(n, k)| *k == EntryKind::File && (n.ends_with(".yaml") || n.ends_with(".yml")))
        .map(|(n, _)| dir.join(n))
        .collect();
    let mut diags = Diagnostics::new();
    let mut defs = BTreeMap::new();
    for f in files {
        let text = match src.read(&f) {
            Ok(t) => t,
            Err(e) => {
                diags.push(Diagnostic::file(&f, e.message));
                continue;
            }
        };
        match parse(&f, &text, ctx) {
            Ok(def) => {
                if let Some(other) = defs.get(&def.id).map(|d: &WorkflowDef| d.berkas.clone()) {
                    diags.push(Diagnostic::file(
                        &f,
                        format!(
                            "id workflow '{}' sudah dipakai di {}",
                            def.id,
                            other.display()
                        ),
                    ));
                } else {
                    defs.insert(def.id.clone(), def);
                }
            }
            Err(d) => diags.0.extend(d.0),
        }
    }
    diags.into_result(defs)
}
