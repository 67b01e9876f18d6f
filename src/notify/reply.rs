//! Reading an emailed answer (interfaces.md 8.3) with mail-parser: who sent it, which prompt it
//! answers (reference code in subject or body, or `In-Reply-To`/`References`), whether it is an
//! auto-reply, and the answer — the first non-empty line above the quoted text.

use mail_parser::{HeaderValue, MessageParser};

/// An answer word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// SETUJU / APPROVE.
    Setuju,
    /// TOLAK / REJECT.
    Tolak,
    /// KEMBALIKAN.
    Kembalikan,
}

/// What a reply says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reply {
    /// Sender address (lower case).
    pub from: String,
    /// Subject.
    pub subject: String,
    /// Reference codes found (subject first, then body), without `MERIT-`.
    pub codes: Vec<String>,
    /// Message ids from `In-Reply-To` and `References`, without angle brackets.
    pub refs: Vec<String>,
    /// Its own Message-ID.
    pub message_id: Option<String>,
    /// An auto-reply (out of office, vacation): never answered.
    pub auto: bool,
    /// The first line of the reply proper, if any.
    pub first_line: Option<String>,
    /// The answer, when the first line starts with one.
    pub verdict: Option<Verdict>,
    /// The comment after the answer word (and the lines below it, above the quote).
    pub comment: Option<String>,
}

const CODE_ALPHABET: &str = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// Every `MERIT-XXXXXX` in `text`, in order.
pub fn find_codes(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let upper = text.to_ascii_uppercase();
    let mut rest = upper.as_str();
    while let Some(i) = rest.find("MERIT-") {
        let cand: String = rest[i + 6..].chars().take(6).collect();
        let after = rest[i + 6..].chars().nth(6);
        if cand.chars().count() == 6
            && cand.chars().all(|c| CODE_ALPHABET.contains(c))
            && after.is_none_or(|c| !c.is_ascii_alphanumeric())
            && !out.contains(&cand)
        {
            out.push(cand);
        }
        rest = &rest[i + 6..];
    }
    out
}

fn is_quote_start(line: &str) -> bool {
    let t = line.trim();
    let lower = t.to_lowercase();
    t.starts_with('>')
        || lower.starts_with("-----original message")
        || lower.starts_with("-----pesan asli")
        || lower.starts_with("-----pesan awal")
        || t.starts_with("________________")
        || (lower.starts_with("from:") || lower.starts_with("dari:"))
        || lower.starts_with("sent from my")
        || lower.starts_with("dikirim dari")
        || ((lower.starts_with("on ") || lower.starts_with("pada "))
            && (lower.ends_with("wrote:") || lower.ends_with("menulis:")))
        || lower.ends_with("wrote:")
        || lower.ends_with("menulis:")
        || t == "--"
        || line.starts_with("-- ")
}

/// The reply proper: the lines above the quoted text or signature.
pub fn reply_lines(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let lines: Vec<&str> = body.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        // Gmail wraps a long "Pada …, … menulis:" over two lines.
        let joined = lines
            .get(i + 1)
            .map(|next| format!("{} {}", line.trim(), next.trim()));
        if is_quote_start(line)
            || joined.as_deref().is_some_and(|j| {
                let l = j.to_lowercase();
                (l.starts_with("pada ") || l.starts_with("on "))
                    && (l.ends_with("menulis:") || l.ends_with("wrote:"))
            })
        {
            break;
        }
        out.push(line.trim().to_owned());
    }
    out
}

/// Reads the answer word at the start of `line`, with the rest as comment.
pub fn parse_answer(line: &str) -> Option<(Verdict, String)> {
    let t = line.trim_start_matches(|c: char| c.is_whitespace() || c == '*' || c == '"');
    let word_end = t.find(|c: char| !c.is_alphabetic()).unwrap_or(t.len());
    let word = t[..word_end].to_uppercase();
    let verdict = match word.as_str() {
        "SETUJU" | "DISETUJUI" | "APPROVE" | "APPROVED" => Verdict::Setuju,
        "TOLAK" | "DITOLAK" | "REJECT" | "REJECTED" => Verdict::Tolak,
        "KEMBALIKAN" | "DIKEMBALIKAN" => Verdict::Kembalikan,
        _ => return None,
    };
    let rest = t[word_end..]
        .trim_start_matches(|c: char| c.is_whitespace() || ",.;:!-–—*\"".contains(c))
        .trim();
    Some((verdict, rest.to_owned()))
}

fn ids(v: &HeaderValue<'_>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(t) = v.as_text() {
        out.push(t.to_owned());
    }
    if let Some(list) = v.as_text_list() {
        out.extend(list.iter().map(|s| s.to_string()));
    }
    out.into_iter()
        .map(|s| s.trim().trim_matches(|c| c == '<' || c == '>').to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

fn auto_reply(msg: &mail_parser::Message<'_>, subject: &str) -> bool {
    let header = |name: &str| msg.header_raw(name).map(|v| v.trim().to_lowercase());
    if header("Auto-Submitted").is_some_and(|v| !v.is_empty() && v != "no") {
        return true;
    }
    if header("X-Autoreply").is_some()
        || header("X-Autorespond").is_some()
        || header("X-Auto-Response-Suppress").is_some_and(|v| v.contains("all"))
    {
        return true;
    }
    if header("Precedence").is_some_and(|v| v == "auto_reply" || v == "bulk" || v == "junk") {
        return true;
    }
    let s = subject.to_lowercase();
    [
        "out of office",
        "automatic reply",
        "auto:",
        "autoreply",
        "balasan otomatis",
        "di luar kantor",
        "sedang cuti",
        "vacation",
    ]
    .iter()
    .any(|p| s.starts_with(p) || s.contains(&format!(" {p}")))
}

/// Parses one RFC 5322 message. `None` when it is not an email at all.
pub fn parse(raw: &[u8]) -> Option<Reply> {
    let msg = MessageParser::default().parse(raw)?;
    let from = msg
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .map(|a| a.trim().to_lowercase())
        .unwrap_or_default();
    let subject = msg.subject().unwrap_or_default().to_owned();
    let body = msg.body_text(0).map(|b| b.into_owned()).unwrap_or_default();
    let mut codes = find_codes(&subject);
    for c in find_codes(&body) {
        if !codes.contains(&c) {
            codes.push(c);
        }
    }
    let mut refs = ids(msg.in_reply_to());
    refs.extend(ids(msg.references()));
    let auto = auto_reply(&msg, &subject);
    let lines = reply_lines(&body);
    let mut iter = lines.iter().skip_while(|l| l.is_empty());
    let first_line = iter.next().cloned();
    let (verdict, comment) = match first_line.as_deref().and_then(parse_answer) {
        Some((v, rest)) => {
            let mut parts: Vec<String> = Vec::new();
            if !rest.is_empty() {
                parts.push(rest);
            }
            for l in iter {
                if !l.is_empty() {
                    parts.push(l.clone());
                }
            }
            let comment = parts.join(" ");
            (Some(v), (!comment.is_empty()).then_some(comment))
        }
        None => (None, None),
    };
    Some(Reply {
        from,
        subject,
        codes,
        refs,
        message_id: msg.message_id().map(str::to_owned),
        auto,
        first_line,
        verdict,
        comment,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_with_punctuation_and_comments() {
        assert_eq!(
            parse_answer("Setuju, silakan dilanjutkan"),
            Some((Verdict::Setuju, "silakan dilanjutkan".into()))
        );
        assert_eq!(
            parse_answer("TOLAK: anggaran belum ada"),
            Some((Verdict::Tolak, "anggaran belum ada".into()))
        );
        assert_eq!(
            parse_answer("approve"),
            Some((Verdict::Setuju, String::new()))
        );
        assert_eq!(
            parse_answer("kembalikan - lampiran kurang"),
            Some((Verdict::Kembalikan, "lampiran kurang".into()))
        );
        assert_eq!(parse_answer("Setujunya nanti"), None);
        assert_eq!(parse_answer("Baik pak"), None);
    }

    #[test]
    fn quotes_are_cut() {
        let body = "Setuju, silakan dilanjutkan.\n\nPada Sen, 11 Agu 2025 pukul 09.15 merit <merit@localhost>\nmenulis:\n> Yth. Bapak/Ibu\n> SETUJU\n";
        assert_eq!(reply_lines(body)[0], "Setuju, silakan dilanjutkan.");
        assert_eq!(reply_lines(body).len(), 2);
        let outlook = "TOLAK karena formasi belum ditetapkan\n\n________________________________\nFrom: merit\nSent: Monday\n";
        assert_eq!(reply_lines(outlook).len(), 2);
    }

    #[test]
    fn codes_in_text() {
        assert_eq!(find_codes("Re: [MERIT-7KQ2X9] Persetujuan"), ["7KQ2X9"]);
        assert!(find_codes("MERIT-7KQ2X9X and MERIT-0O1I").is_empty());
    }

    /// Arbitrary bytes never panic the parser.
    #[test]
    fn fuzz_like_messages_never_panic() {
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let pieces: &[&[u8]] = &[
            b"From: a@b.c\r\n",
            b"Subject: =?utf-8?b?w6k=?=\r\n",
            b"\r\n",
            b"> ",
            b"SETUJU",
            b"MERIT-",
            b"Content-Type: text/html; charset=utf-8\r\n",
            b"Content-Transfer-Encoding: base64\r\n",
            b"PGI+",
            b"\xff\xfe",
            b"Pada x menulis:\n",
            b"=C3=A9=\r\n",
        ];
        for _ in 0..20_000 {
            let mut raw = Vec::new();
            for _ in 0..(seed % 12) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                raw.extend_from_slice(pieces[(seed % pieces.len() as u64) as usize]);
            }
            seed = seed.wrapping_add(0x9e37_79b9);
            let _ = parse(&raw);
        }
    }
}
