//! Typesetting with typst: the only module that imports it. A template set (the main markup
//! file and the markup files it imports) is compiled against one JSON data file and an
//! optional logo, all held in memory, with the fonts built into the binary, so that a document
//! never depends on the files or fonts of the machine it is made on.

use std::sync::OnceLock;

use typst::{
    Library, LibraryExt, World, WorldExt,
    diag::{FileError, FileResult, Severity, SourceDiagnostic},
    foundations::{Bytes, Datetime, Duration},
    syntax::{DiagSpan, FileId, RootedPath, Source, VirtualPath, VirtualRoot},
    text::{Font, FontBook},
    utils::LazyHash,
};
use typst_layout::PagedDocument;

/// A problem in a template, at a place in one of its files.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    /// The file, as named in the template set (`surat-usulan.typ`), when known.
    pub file: Option<String>,
    /// 1-based line and column, when known.
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// What one document is made from.
pub struct Job<'a> {
    /// Markup files (name, text): `surat-usulan.typ`, `kop.typ`, …; `main` among them.
    pub files: Vec<(&'a str, &'a str)>,
    pub main: &'a str,
    /// The data the template reads as `json("/data.json")`.
    pub data: &'a [u8],
    /// A logo the template reads by the name given (`/logo.png`).
    pub logo: Option<(&'a str, &'a [u8])>,
    /// "Today" for the template's `datetime.today()`.
    pub today: chrono::NaiveDate,
}

struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

/// The standard library and the built-in fonts, made once per process.
fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let fonts: Vec<Font> = typst_assets::fonts()
            .flat_map(|data| Font::iter(Bytes::new(data)))
            .collect();
        Shared {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    })
}

fn file_id(path: &str) -> Option<FileId> {
    let vpath = VirtualPath::new(path).ok()?;
    Some(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

struct Memory<'a> {
    shared: &'static Shared,
    main: FileId,
    sources: Vec<Source>,
    data: (FileId, Bytes),
    logo: Option<(FileId, Bytes)>,
    today: Datetime,
    names: Vec<(FileId, &'a str)>,
}

impl World for Memory<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.shared.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.sources
            .iter()
            .find(|s| s.id() == id)
            .cloned()
            .ok_or_else(|| not_found(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data.0 {
            return Ok(self.data.1.clone());
        }
        if let Some((logo, bytes)) = &self.logo
            && *logo == id
        {
            return Ok(bytes.clone());
        }
        if let Some(s) = self.sources.iter().find(|s| s.id() == id) {
            return Ok(Bytes::from_string(s.text().to_owned()));
        }
        Err(not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

/// A typst message in Bahasa Indonesia: the common ones translated, the rest behind a Bahasa
/// lead with typst's own words in quotes (the file, line and column come with the problem).
pub(crate) fn typst_message(raw: &str) -> String {
    let quoted = |rest: &str| rest.trim().trim_matches('`').to_owned();
    if let Some(rest) = raw.strip_prefix("unknown variable: ") {
        return format!("variabel '{}' tidak dikenal", quoted(rest));
    }
    if let Some(rest) = raw.strip_prefix("file not found (searched at ") {
        return format!("berkas tidak ditemukan (dicari di {}", rest.trim());
    }
    if let Some(rest) = raw.strip_prefix("expected ") {
        let what = match rest.trim() {
            "expression" => "sebuah ekspresi".to_owned(),
            "semicolon or line break" => "titik koma atau baris baru".to_owned(),
            "closing paren" => "kurung tutup ')'".to_owned(),
            "closing bracket" => "kurung siku tutup ']'".to_owned(),
            "closing brace" => "kurung kurawal tutup '}'".to_owned(),
            "comma" => "koma".to_owned(),
            "identifier" => "sebuah nama".to_owned(),
            other => format!("\"{other}\""),
        };
        return format!("di sini seharusnya ada {what}");
    }
    match raw {
        "unclosed delimiter" => "tanda pembuka belum ditutup".to_owned(),
        "unclosed string" => "teks dalam tanda kutip belum ditutup".to_owned(),
        "unexpected closing paren" | "unexpected closing bracket" | "unexpected closing brace" => {
            "tanda penutup tanpa pasangan pembuka".to_owned()
        }
        other => format!("kesalahan templat typst (pesan typst: \"{other}\")"),
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_with_slash().into())
}

impl Memory<'_> {
    fn problem(&self, d: &SourceDiagnostic) -> Problem {
        let place = self.place(d.span);
        let mut message = typst_message(&d.message);
        for h in &d.hints {
            message.push_str(&format!(" (petunjuk typst: \"{}\")", h.v));
        }
        match place {
            Some((file, line, col)) => Problem {
                file: Some(file),
                line,
                col,
                message,
            },
            None => Problem {
                file: None,
                line: 0,
                col: 0,
                message,
            },
        }
    }

    fn place(&self, span: DiagSpan) -> Option<(String, usize, usize)> {
        let id = span.id()?;
        let range = self.range(span)?;
        let lines = match self.source(id) {
            Ok(src) => src.lines().clone(),
            Err(_) => self.file(id).ok()?.lines().ok()?,
        };
        let (line, col) = lines.byte_to_line_column(range.start)?;
        let name = self
            .names
            .iter()
            .find(|(f, _)| *f == id)
            .map(|(_, n)| (*n).to_owned())
            .unwrap_or_else(|| {
                id.vpath()
                    .get_with_slash()
                    .trim_start_matches('/')
                    .to_owned()
            });
        Some((name, line + 1, col + 1))
    }
}

/// Compiles `job` to PDF bytes, or says what is wrong and where.
pub fn pdf(job: &Job<'_>) -> Result<Vec<u8>, Vec<Problem>> {
    let problem = |message: String| {
        vec![Problem {
            file: None,
            line: 0,
            col: 0,
            message,
        }]
    };
    let mut sources = Vec::with_capacity(job.files.len());
    let mut names = Vec::with_capacity(job.files.len());
    let mut main = None;
    for &(name, text) in &job.files {
        let id = file_id(&format!("/{name}"))
            .ok_or_else(|| problem(format!("nama berkas templat '{name}' tidak sah")))?;
        if name == job.main {
            main = Some(id);
        }
        names.push((id, name));
        sources.push(Source::new(id, text.to_owned()));
    }
    let main = main.ok_or_else(|| problem(format!("templat {} tidak ada", job.main)))?;
    let data = file_id("/data.json").ok_or_else(|| problem("data.json".into()))?;
    let logo = match job.logo {
        Some((name, bytes)) => Some((
            file_id(name).ok_or_else(|| problem(format!("nama logo '{name}' tidak sah")))?,
            Bytes::new(bytes.to_vec()),
        )),
        None => None,
    };
    let today = Datetime::from_ymd(
        chrono::Datelike::year(&job.today),
        u8::try_from(chrono::Datelike::month(&job.today)).unwrap_or(1),
        u8::try_from(chrono::Datelike::day(&job.today)).unwrap_or(1),
    )
    .ok_or_else(|| problem("tanggal tidak sah".into()))?;
    let world = Memory {
        shared: shared(),
        main,
        sources,
        data: (data, Bytes::new(job.data.to_vec())),
        logo,
        today,
        names,
    };
    let compiled = typst::compile::<PagedDocument>(&world);
    let errors = |ds: &[SourceDiagnostic]| {
        ds.iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| world.problem(d))
            .collect::<Vec<_>>()
    };
    let document = compiled.output.map_err(|e| errors(&e))?;
    typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()).map_err(|e| errors(&e))
}

/// The syntax errors of markup files (parsing only, nothing evaluated: bounded by the size of
/// the files, so it is safe anywhere). Typesetting finds the rest, in a child process.
pub fn syntax(files: &[(&str, &str)]) -> Vec<Problem> {
    let mut out = Vec::new();
    for &(name, text) in files {
        let Some(id) = file_id(&format!("/{name}")) else {
            out.push(Problem {
                file: None,
                line: 0,
                col: 0,
                message: format!("nama berkas templat '{name}' tidak sah"),
            });
            continue;
        };
        let source = Source::new(id, text.to_owned());
        for d in source.root().errors_and_warnings().0 {
            let range = match d.span.get() {
                typst::syntax::DiagSpanKind::Number { num, sub_range, .. } => {
                    source.range(num, sub_range)
                }
                typst::syntax::DiagSpanKind::Range { range, .. } => Some(range),
                typst::syntax::DiagSpanKind::Detached => None,
            };
            let (line, col) = range
                .and_then(|r| source.lines().byte_to_line_column(r.start))
                .map_or((0, 0), |(l, c)| (l + 1, c + 1));
            out.push(Problem {
                file: Some(name.to_owned()),
                line,
                col,
                message: typst_message(&d.message),
            });
        }
    }
    out
}
