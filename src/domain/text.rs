//! Small text helpers shared by parsers: key normalisation, booleans, rupiah, masking.

/// Lower-cases, trims, and turns runs of spaces or dashes into `_`: `"Tanggal Lahir"` and
/// `"tanggal_lahir"` are the same key.
pub fn normalize_key(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut pending_sep = false;
    for c in raw.trim().chars() {
        if c == ' ' || c == '-' || c == '_' || c == '\u{a0}' {
            pending_sep = !out.is_empty();
        } else {
            if pending_sep {
                out.push('_');
                pending_sep = false;
            }
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// `ya`/`tidak`, `y`/`t`, `true`/`false`, `1`/`0` (any case).
pub fn parse_bool(raw: &str) -> Option<bool> {
    match raw.trim().to_lowercase().as_str() {
        "ya" | "y" | "true" | "1" => Some(true),
        "tidak" | "t" | "false" | "0" => Some(false),
        _ => None,
    }
}

/// A whole rupiah amount: `1750000`, `1.750.000`, `Rp 1.750.000`, `1750000,00`.
pub fn parse_rupiah(raw: &str) -> Option<i64> {
    let mut s = raw.trim();
    if let Some(rest) = s.strip_prefix("Rp").or_else(|| s.strip_prefix("rp")) {
        s = rest.trim_start_matches('.').trim();
    }
    if let Some(whole) = s.strip_suffix(",00").or_else(|| s.strip_suffix(",0")) {
        s = whole;
    }
    let grouped = s.contains('.')
        && s.split('.').enumerate().all(|(i, part)| {
            part.bytes().all(|b| b.is_ascii_digit())
                && if i == 0 {
                    (1..=3).contains(&part.len())
                } else {
                    part.len() == 3
                }
        });
    let digits: String = if grouped {
        s.replace('.', "")
    } else {
        s.to_owned()
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// An I/O error as a person reads it, in Bahasa Indonesia (the system's own text is English:
/// "No such file or directory").
pub fn io_message(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let text = match e.kind() {
        K::NotFound => "berkas atau folder tidak ditemukan",
        K::PermissionDenied => "akses ditolak; periksa izin berkas atau folder",
        K::AlreadyExists => "sudah ada",
        K::IsADirectory => "yang ditunjuk adalah folder, bukan berkas",
        K::NotADirectory => "salah satu bagian jalur bukan folder",
        K::DirectoryNotEmpty => "folder tidak kosong",
        K::InvalidData => "isi berkas tidak sah (bukan teks UTF-8 atau rusak)",
        K::InvalidInput => "masukan tidak sah",
        K::UnexpectedEof => "berkas berakhir sebelum waktunya (terpotong?)",
        K::StorageFull => "ruang penyimpanan penuh",
        K::ReadOnlyFilesystem => "sistem berkas hanya dapat dibaca",
        K::FileTooLarge => "berkas terlalu besar",
        K::TimedOut => "waktu habis",
        K::ConnectionRefused => "sambungan ditolak",
        K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe => "sambungan terputus",
        K::AddrInUse => "alamat sudah dipakai proses lain",
        K::AddrNotAvailable => "alamat tidak tersedia di mesin ini",
        K::OutOfMemory => "memori tidak cukup",
        K::Interrupted => "terhenti oleh sinyal",
        K::Unsupported => "tidak didukung",
        _ => {
            return match e.raw_os_error() {
                Some(code) => format!("kesalahan sistem berkas (kode {code})"),
                None => "kesalahan baca/tulis".to_owned(),
            };
        }
    };
    text.to_owned()
}

/// `2911` → `2.911`, `-1500` → `-1.500` (Indonesian thousands separator).
pub fn format_number_id(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// `Rp1.750.000`.
pub fn format_rupiah(n: i64) -> String {
    let body = format_number_id(n.abs());
    if n < 0 {
        format!("-Rp{body}")
    } else {
        format!("Rp{body}")
    }
}

/// Characters that make a spreadsheet treat a cell as a formula when they come first.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Text for a CSV cell that a spreadsheet will never run as a formula (documents.md 2): a
/// leading `=`, `+`, `-`, `@`, tab or carriage return gets a `'` in front.
pub fn neutralize_formula(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(FORMULA_START) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// The reverse of [`neutralize_formula`], for CSV read back in (a file merit wrote, e.g. the
/// rejected rows, corrected and imported again).
pub fn restore_formula(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) => rest,
        _ => text,
    }
}

/// Replaces every character but the last four with `*`.
pub fn mask_identifier(id: &str) -> String {
    let n = id.chars().count();
    id.chars()
        .enumerate()
        .map(|(i, c)| if i + 4 < n { '*' } else { c })
        .collect()
}

/// Removes what a terminal or a page would act on: ANSI escape sequences (`ESC [ … m`), and
/// every other control character except line breaks and tabs (NUL, BEL, DEL, C1 controls).
pub fn strip_controls(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => {
                // CSI: ESC [ parameters… final byte (@ to ~); other escapes: ESC + one char.
                if chars.peek() == Some(&'[') {
                    chars.next();
                    for f in chars.by_ref() {
                        if ('@'..='~').contains(&f) {
                            break;
                        }
                    }
                } else {
                    chars.next();
                }
            }
            '\n' | '\t' => out.push(c),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A note someone must write (the reason of a correction, what a verifier checked): control
/// characters removed, surrounding space trimmed, never empty, at most [`Note::MAX_CHARS`]
/// characters (a longer one is refused, not cut: it is binding).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note(String);

/// Why a note is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    #[error("wajib diisi")]
    Empty,
    #[error("paling panjang {} karakter", Note::MAX_CHARS)]
    TooLong,
}

impl Note {
    /// Characters allowed.
    pub const MAX_CHARS: usize = 1_000;

    /// The cleaned note.
    pub fn parse(raw: &str) -> Result<Self, NoteError> {
        let clean = strip_controls(raw);
        let clean = clean.trim();
        if clean.is_empty() {
            return Err(NoteError::Empty);
        }
        if clean.chars().count() > Self::MAX_CHARS {
            return Err(NoteError::TooLong);
        }
        Ok(Self(clean.to_owned()))
    }

    /// The text.
    pub fn into_string(self) -> String {
        self.0
    }
}

/// A comment given with an answer (link, reply or command line): control characters removed,
/// surrounding space trimmed, never empty, and at most [`Comment::MAX_CHARS`] characters; a
/// longer text is cut with a note saying so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment(String);

impl Comment {
    /// Characters kept.
    pub const MAX_CHARS: usize = 2_000;

    /// The cleaned comment, or `None` when nothing is left.
    pub fn parse(raw: &str) -> Option<Self> {
        // Look at a bounded prefix only: a 20 MB reply costs no more than a short one.
        let head: String = raw.chars().take(Self::MAX_CHARS * 4).collect();
        let clean = strip_controls(&head);
        let clean = clean.trim();
        if clean.is_empty() {
            return None;
        }
        let kept: String = clean.chars().take(Self::MAX_CHARS).collect();
        // `head` is a prefix of `raw`: more bytes in `raw` means characters were left out.
        if clean.chars().count() > Self::MAX_CHARS || raw.len() > head.len() {
            return Some(Self(format!(
                "{} … [komentar dipotong: hanya {} karakter pertama yang disimpan]",
                kept.trim_end(),
                Self::MAX_CHARS
            )));
        }
        Some(Self(kept))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

/// Whether `text` carries what looks like a full NIK (16 digits) or NIP (18 digits): a run of
/// exactly that many digits, not part of a longer word or number.
pub fn has_full_identifier(text: &str) -> bool {
    digit_runs(text).any(|(_, len)| len == 16 || len == 18)
}

/// `text` with every full NIK/NIP-like run masked to its last four digits, and how many.
pub fn redact_identifiers(text: &str) -> (String, usize) {
    let runs: Vec<(usize, usize)> = digit_runs(text)
        .filter(|(_, len)| *len == 16 || *len == 18)
        .collect();
    if runs.is_empty() {
        return (text.to_owned(), 0);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, len) in &runs {
        out.push_str(&text[at..*start]);
        out.push_str(&mask_identifier(&text[*start..start + len]));
        at = start + len;
    }
    out.push_str(&text[at..]);
    (out, runs.len())
}

/// (byte offset, length) of each maximal run of ASCII digits bounded by characters that are not
/// letters or digits (so hex signatures and longer numbers are not identifiers).
fn digit_runs(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            if !bytes[i].is_ascii_digit() {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let before_ok = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
            let after_ok = i == bytes.len() || !bytes[i].is_ascii_alphanumeric();
            if before_ok && after_ok {
                return Some((start, i - start));
            }
        }
        None
    })
}

/// Whether `s` is an identifier administrators may give a ruleset, parameter, workflow or
/// step: lowercase ASCII letters, digits and `_`, not starting with a digit.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_clean_and_bounded() {
        assert_eq!(
            Comment::parse("  \u{1b}[31mmerah\u{1b}[0m dan\u{0} bersih\r\n ")
                .unwrap()
                .as_str(),
            "merah dan bersih"
        );
        assert_eq!(Comment::parse(" \u{7}\t "), None);
        let huge = "a".repeat(20 * 1024 * 1024);
        let c = Comment::parse(&huge).unwrap();
        assert!(c.as_str().starts_with(&"a".repeat(Comment::MAX_CHARS)));
        assert!(c.as_str().contains("dipotong"), "{}", &c.as_str()[1990..]);
        assert!(c.as_str().chars().count() < Comment::MAX_CHARS + 100);
    }

    #[test]
    fn full_identifiers_are_found_and_masked() {
        let text = "NIK 1609022304870001, NIP 198503152010011002; tel 081234567890; \
                    token ab1609022304870001cd.1764000000000.00112233445566778899aabbccddeeff";
        assert!(has_full_identifier(text));
        let (masked, n) = redact_identifiers(text);
        assert_eq!(n, 2);
        assert!(masked.contains("NIK ************0001"), "{masked}");
        assert!(masked.contains("NIP **************1002"), "{masked}");
        assert!(masked.contains("081234567890"));
        assert!(masked.contains("ab1609022304870001cd"));
        assert!(!has_full_identifier(&masked));
    }

    #[test]
    fn keys() {
        assert_eq!(normalize_key(" Tanggal Lahir "), "tanggal_lahir");
        assert_eq!(normalize_key("TANGGAL_LAHIR"), "tanggal_lahir");
        assert_eq!(normalize_key("tanggal  -  lahir"), "tanggal_lahir");
    }

    #[test]
    fn booleans() {
        for t in ["ya", "Y", "true", "1", " YA "] {
            assert_eq!(parse_bool(t), Some(true), "{t}");
        }
        for f in ["tidak", "t", "FALSE", "0"] {
            assert_eq!(parse_bool(f), Some(false), "{f}");
        }
        assert_eq!(parse_bool("mungkin"), None);
        assert_eq!(parse_bool(""), None);
    }

    #[test]
    fn rupiah() {
        assert_eq!(parse_rupiah("1750000"), Some(1_750_000));
        assert_eq!(parse_rupiah("1.750.000"), Some(1_750_000));
        assert_eq!(parse_rupiah("Rp 1.750.000"), Some(1_750_000));
        assert_eq!(parse_rupiah("Rp. 1.750.000,00"), Some(1_750_000));
        assert_eq!(parse_rupiah("0"), Some(0));
        assert_eq!(parse_rupiah("1.75"), None);
        assert_eq!(parse_rupiah("-5"), None);
        assert_eq!(parse_rupiah("satu juta"), None);
    }

    #[test]
    fn numbers() {
        assert_eq!(format_number_id(2911), "2.911");
        assert_eq!(format_number_id(0), "0");
        assert_eq!(format_number_id(-1_500_000), "-1.500.000");
        assert_eq!(format_rupiah(1_750_000), "Rp1.750.000");
        assert_eq!(format_rupiah(-5), "-Rp5");
    }

    #[test]
    fn formulas_are_neutralized_and_restored() {
        for f in ["=1+1", "+62812", "-5", "@SUM(A1)", "\tx", "\rx"] {
            let n = neutralize_formula(f);
            assert!(n.starts_with('\''), "{f}");
            assert_eq!(restore_formula(&n), f);
        }
        assert_eq!(neutralize_formula("BUDI"), "BUDI");
        assert_eq!(restore_formula("'Aisyah"), "'Aisyah");
    }

    #[test]
    fn masking() {
        assert_eq!(mask_identifier("1609022304870001"), "************0001");
        assert_eq!(mask_identifier("123"), "123");
    }
}
