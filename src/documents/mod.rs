//! The documents officials sign (documents.md 3): which there are, and their templates — typst
//! markup files in the `dokumen` folder that an administrator edits without recompiling, each
//! missing file replaced by the copy built into merit. [`typeset`] turns a template and its
//! data into PDF; [`child`] does it in a child process under time and memory limits, which is
//! how merit always typesets (a template is an administrator's program).

pub mod child;
pub mod typeset;

use std::path::{Path, PathBuf};

use crate::{
    diagnostic::{Diagnostic, Diagnostics},
    sources::{EntryKind, Source},
};

/// The documents of documents.md 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum DocumentKind {
    BeritaAcaraVerifikasi,
    SuratUsulan,
    Sptjm,
    BeritaAcaraTpk,
    Rekap,
    PernyataanAnggaran,
    /// One per person: the appointment decree and the work agreement
    /// (`merit document sk-pengangkatan --output DIR`).
    SkPengangkatan,
    /// The Kepala BKPSDM's announcement of an announcement's results, with the lists as
    /// enclosures (candidates.md 1; `merit document pengumuman`, `/pengumuman/{n}.pdf`).
    Pengumuman,
}

impl DocumentKind {
    /// Every document, in the order the console offers them.
    pub const ALL: [Self; 6] = [
        Self::SuratUsulan,
        Self::Sptjm,
        Self::PernyataanAnggaran,
        Self::Rekap,
        Self::BeritaAcaraVerifikasi,
        Self::BeritaAcaraTpk,
    ];

    /// The documents made one per person (not offered as a single download).
    pub const PER_PERSON: [Self; 1] = [Self::SkPengangkatan];

    /// The documents about an announcement rather than a proposal's workflow.
    pub const PUBLIC: [Self; 1] = [Self::Pengumuman];

    /// Every kind with a template: [`Self::ALL`], [`Self::PER_PERSON`] and [`Self::PUBLIC`].
    pub fn templated() -> impl Iterator<Item = Self> {
        Self::ALL
            .into_iter()
            .chain(Self::PER_PERSON)
            .chain(Self::PUBLIC)
    }

    /// The contract name (`merit document NAME`).
    pub fn code(self) -> &'static str {
        match self {
            Self::BeritaAcaraVerifikasi => "berita-acara-verifikasi",
            Self::SuratUsulan => "surat-usulan",
            Self::Sptjm => "sptjm",
            Self::BeritaAcaraTpk => "berita-acara-tpk",
            Self::Rekap => "rekap",
            Self::PernyataanAnggaran => "pernyataan-anggaran",
            Self::SkPengangkatan => "sk-pengangkatan",
            Self::Pengumuman => "pengumuman",
        }
    }

    /// The document named `code`.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Its template's file name.
    pub fn file(self) -> String {
        format!("{}.typ", self.code())
    }

    /// Its title, for people.
    pub fn title(self) -> &'static str {
        match self {
            Self::BeritaAcaraVerifikasi => "Berita acara verifikasi",
            Self::SuratUsulan => "Surat usulan rincian kebutuhan",
            Self::Sptjm => "Surat Pernyataan Tanggung Jawab Mutlak (SPTJM)",
            Self::BeritaAcaraTpk => "Berita acara Tim Penilai Kinerja",
            Self::Rekap => "Rekapitulasi usulan (cetak)",
            Self::PernyataanAnggaran => "Surat pernyataan ketersediaan anggaran",
            Self::SkPengangkatan => "Keputusan pengangkatan dan perjanjian kerja PPPK Paruh Waktu",
            Self::Pengumuman => "Pengumuman hasil seleksi administrasi",
        }
    }

    /// What it holds, for the download page.
    pub fn description(self) -> &'static str {
        match self {
            Self::BeritaAcaraVerifikasi => {
                "Hasil penyaringan per hasil dan kategori, verifikator yang menjawab dan catatannya, dengan rekap terlampir."
            }
            Self::SuratUsulan => {
                "Draf surat PPK kepada Menteri PANRB dengan rincian kebutuhan terlampir dan jumlah anggaran."
            }
            Self::Sptjm => {
                "Pernyataan tanggung jawab mutlak PPK atas jumlah, anggaran dan kebenaran data."
            }
            Self::BeritaAcaraTpk => {
                "Lowongan, anggota TPK yang menjawab, kuorum, daftar pendek dengan kotak talenta, dan rekomendasinya."
            }
            Self::Rekap => "Tabel rekap dan anggaran dengan grafik, siap cetak.",
            Self::PernyataanAnggaran => {
                "Pernyataan Kepala BPKAD atas ketersediaan anggaran upah per sumber anggaran."
            }
            Self::SkPengangkatan => {
                "Untuk setiap calon yang diusulkan: keputusan pengangkatan dan perjanjian kerja dengan jabatan, unit, masa kerja dan upah."
            }
            Self::Pengumuman => {
                "Pengumuman Kepala BKPSDM dengan masa sanggah, dan daftar calon yang diusulkan dan yang tidak diusulkan sebagai lampiran."
            }
        }
    }

    /// The workflow step the document belongs to: drawn while it is open (or before it), the
    /// document is a draft (KONSEP); once it ended approved, the document is final.
    pub fn step(self) -> &'static str {
        match self {
            Self::BeritaAcaraVerifikasi => "verifikasi",
            Self::Sptjm | Self::PernyataanAnggaran => "anggaran",
            Self::SuratUsulan | Self::Rekap | Self::SkPengangkatan => "ppk",
            Self::BeritaAcaraTpk => "tpk",
            // Final when published: an announcement has no approval step of its own.
            Self::Pengumuman => "pengumuman",
        }
    }

    /// Whether the final document takes a number from the register (letters, statements and
    /// minutes; not the printed recap).
    pub fn numbered(self) -> bool {
        self != Self::Rekap
    }

    /// Whether the head of the region signs it (the office's letterhead, documents.md 4).
    pub fn signed_by_head(self) -> bool {
        matches!(self, Self::SuratUsulan | Self::Sptjm | Self::SkPengangkatan)
    }

    /// Whether it records a step's answers (minutes are refused while no one has answered).
    pub fn is_minutes(self) -> bool {
        matches!(self, Self::BeritaAcaraVerifikasi | Self::BeritaAcaraTpk)
    }

    /// Whether the document is about a job-fill vacancy (else about the PPPK proposal).
    pub fn is_job_fill(self) -> bool {
        self == Self::BeritaAcaraTpk
    }
}

/// A logo a template reads: (name as the template reads it, image bytes).
pub type Logo<'a> = Option<(&'a str, &'a [u8])>;

/// The built-in shared markup (letterhead, signature block) every template imports.
pub const SHARED: &str = "kop.typ";

/// The templates in force: every markup file of the folder (the five documents and what they
/// import), each document missing from the folder taken from the built-in copies.
#[derive(Debug, Clone, Default)]
pub struct DocumentTemplates {
    pub files: Vec<Template>,
}

/// One markup file.
#[derive(Debug, Clone)]
pub struct Template {
    /// File name (`sptjm.typ`), as templates import it.
    pub name: String,
    /// Where it was read from (for messages).
    pub path: PathBuf,
    pub text: String,
}

impl DocumentTemplates {
    /// Reads folder `dir` of `src`; `builtin` supplies what the folder lacks.
    pub fn read(src: &dyn Source, dir: &Path, builtin: &dyn Source, builtin_dir: &Path) -> Self {
        let mut out = Self::default();
        if let Ok(entries) = src.entries(dir) {
            for (name, kind) in entries {
                let path = dir.join(&name);
                if kind == EntryKind::File
                    && name.ends_with(".typ")
                    && let Ok(text) = src.read(&path)
                {
                    out.files.push(Template { name, path, text });
                }
            }
        }
        for name in Self::needed() {
            if out.files.iter().any(|t| t.name == name) {
                continue;
            }
            let path = builtin_dir.join(&name);
            if let Ok(text) = builtin.read(&path) {
                out.files.push(Template { name, path, text });
            }
        }
        out
    }

    /// The files merit ships: the five documents and the shared letterhead.
    pub fn needed() -> Vec<String> {
        DocumentKind::templated()
            .map(|k| k.file())
            .chain([SHARED.to_owned()])
            .collect()
    }

    fn get(&self, name: &str) -> Option<&Template> {
        self.files.iter().find(|t| t.name == name)
    }

    /// The text of template `name`.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.get(name).map(|t| t.text.as_str())
    }

    /// Where file `name` was read from.
    pub fn path(&self, name: &str) -> PathBuf {
        self.get(name)
            .map_or_else(|| PathBuf::from(name), |t| t.path.clone())
    }

    /// Typesets document `kind` with `data` (JSON) and an optional logo (name, bytes), in a
    /// child process under `limits`.
    pub fn pdf(
        &self,
        kind: DocumentKind,
        data: &[u8],
        logo: Logo<'_>,
        today: chrono::NaiveDate,
        limits: &crate::sandbox::Limits,
    ) -> Result<Vec<u8>, Diagnostics> {
        let mut out = self.typeset_all(&[(kind, data, logo)], today, true, limits);
        out.pop().unwrap_or_else(|| Err(Diagnostics::new()))
    }

    /// Typesets several documents in one child process under `limits` (with `keep_pdf`
    /// false only whether each typesets: a check). One outcome per document, in order; when
    /// the child gives none (a limit passed), every document is refused with why.
    pub fn typeset_all(
        &self,
        docs: &[(DocumentKind, &[u8], Logo<'_>)],
        today: chrono::NaiveDate,
        keep_pdf: bool,
        limits: &crate::sandbox::Limits,
    ) -> Vec<Result<Vec<u8>, Diagnostics>> {
        let mains: Vec<String> = docs.iter().map(|(k, _, _)| k.file()).collect();
        let req = child::Request {
            files: self
                .files
                .iter()
                .map(|t| (t.name.as_str(), t.text.as_str()))
                .collect(),
            today,
            keep_pdf,
            items: docs
                .iter()
                .zip(&mains)
                .map(|((_, data, logo), main)| child::Item {
                    main,
                    data,
                    logo: *logo,
                })
                .collect(),
        };
        match child::typeset(&req, limits) {
            Ok(outcomes) => outcomes
                .into_iter()
                .zip(docs)
                .map(|(o, (kind, _, _))| o.map_err(|p| self.diagnostics(*kind, p)))
                .collect(),
            Err(e) => docs
                .iter()
                .map(|(kind, _, _)| {
                    Err(Diagnostic::file(
                        &self.path(&kind.file()),
                        format!("dokumen {} tidak dapat disusun: {e}", kind.code()),
                    )
                    .into())
                })
                .collect(),
        }
    }

    /// The syntax errors of every markup file (nothing evaluated: a quick, bounded check).
    pub fn syntax(&self) -> Diagnostics {
        let files: Vec<(&str, &str)> = self
            .files
            .iter()
            .map(|t| (t.name.as_str(), t.text.as_str()))
            .collect();
        let mut d = Diagnostics::new();
        for p in typeset::syntax(&files) {
            let message = format!("sintaks templat: {}", p.message);
            d.push(match &p.file {
                Some(f) => Diagnostic::at(&self.path(f), p.line, p.col, message),
                None => Diagnostic::file(Path::new("dokumen"), message),
            });
        }
        d
    }

    fn diagnostics(&self, kind: DocumentKind, problems: Vec<typeset::Problem>) -> Diagnostics {
        let main = kind.file();
        let mut d = Diagnostics::new();
        for p in problems {
            let message = format!("dokumen {}: {}", kind.code(), p.message);
            d.push(match &p.file {
                Some(f) => Diagnostic::at(&self.path(f), p.line, p.col, message),
                None => Diagnostic::file(&self.path(&main), message),
            });
        }
        d
    }
}
