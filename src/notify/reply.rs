//! Reading an emailed answer (interfaces.md 8.3) with mail-parser: who sent it, which prompt it
//! answers (reference code in subject or body, or `In-Reply-To`/`References`), whether it is an
//! auto-reply, whether the receiving server vouched for the sender (`Authentication-Results`),
//! and the answer: the first non-empty line that is neither quoted nor the attribution line of a
//! quote, so top-posted (Gmail, Outlook) and bottom-posted (Thunderbird) replies both read right.

use mail_parser::{HeaderValue, MessageParser, PartType};

/// An answer word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// SETUJU / APPROVE.
    Setuju,
    /// TOLAK / REJECT.
    Tolak,
    Kembalikan,
    /// `PILIH n`: the n-th option (1-based) as numbered in the prompt.
    Pilih(usize),
    /// ABSTAIN (a committee member's conflict of interest), with its reason.
    Abstain,
}

/// What the first line of a reply says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    /// An answer with the comment after it (possibly empty).
    Answer(Verdict, String),
    /// Two answer words (`SETUJU TOLAK`): refused, the sender is asked to choose one.
    Ambiguous,
    /// Not an answer.
    Unclear,
}

/// What a receiving mail server says of the sender (one `Authentication-Results` header,
/// RFC 8601).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Authentication {
    /// The header was present.
    pub present: bool,
    /// The authserv-id that opens the header (the server that wrote it), lower case.
    pub server: String,
    /// `dkim=fail`.
    pub dkim_fail: bool,
    /// `spf=fail`.
    pub spf_fail: bool,
    /// `dmarc=fail`.
    pub dmarc_fail: bool,
}

impl Authentication {
    /// Whether the server says the sender is forged: DKIM and SPF both failed, or DMARC did.
    pub fn failed(&self) -> bool {
        self.present && ((self.dkim_fail && self.spf_fail) || self.dmarc_fail)
    }
}

/// What a reply says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reply {
    /// Sender address (lower case).
    pub from: String,
    pub subject: String,
    /// Reference codes found (subject first, then body), without `MERIT-`.
    pub codes: Vec<String>,
    /// Message ids from `In-Reply-To` and `References`, without angle brackets.
    pub refs: Vec<String>,
    /// Its own Message-ID.
    pub message_id: Option<String>,
    /// An auto-reply (out of office, vacation): never answered.
    pub auto: bool,
    /// Every `Authentication-Results` header, top-most first.
    pub auth: Vec<Authentication>,
    /// The first line of the reply proper, if any (cut to a readable length).
    pub first_line: Option<String>,
    /// The answer, when the first line is one.
    pub verdict: Option<Verdict>,
    /// Whether the first line named two answers.
    pub ambiguous: bool,
    /// The comment after the answer word (and the lines below it, up to the quote), raw: the
    /// caller bounds and cleans it.
    pub comment: Option<String>,
}

const CODE_ALPHABET: &str = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// Comment text read from a reply at most (the stored comment is bounded again, shorter).
const COMMENT_READ_MAX: usize = 8_000;

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

/// The start of quoted material that is not marked with `>`: Outlook's separator and header
/// block, forwarded-message markers, signatures, phone footers. Everything below is quote.
fn is_quote_block(line: &str) -> bool {
    let t = line.trim();
    let lower = t.to_lowercase();
    lower.starts_with("-----original message")
        || lower.starts_with("-----pesan asli")
        || lower.starts_with("-----pesan awal")
        || lower.starts_with("---------- forwarded")
        || lower.starts_with("---------- pesan terusan")
        || t.starts_with("________________")
        || lower.starts_with("from:")
        || lower.starts_with("dari:")
        || lower.starts_with("sent from my")
        || lower.starts_with("dikirim dari")
        || t == "--"
        || line.starts_with("-- ")
}

/// A quote's attribution line ("On … wrote:", "Pada … menulis:").
fn is_attribution(line: &str) -> bool {
    let lower = line.trim().to_lowercase();
    lower.ends_with("wrote:") || lower.ends_with("menulis:")
}

fn is_quoted(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

/// The reply proper: the first run of lines that are neither quoted nor an attribution, before
/// any quote block. Top-posted replies give the lines above the quote; bottom-posted replies
/// (the attribution and the quote first) give the lines below it.
pub fn reply_lines(body: &str) -> Vec<String> {
    let lines: Vec<&str> = body.lines().collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        // Gmail wraps a long "Pada …, … menulis:" over two lines.
        let joined_attribution = lines.get(i + 1).is_some_and(|next| {
            let l = format!("{} {}", line.trim(), next.trim()).to_lowercase();
            (l.starts_with("pada ") || l.starts_with("on ")) && is_attribution(&l)
        });
        if is_quote_block(line) {
            break;
        }
        if is_quoted(line) || is_attribution(line) || joined_attribution {
            if out.iter().any(|l| !l.is_empty()) {
                // The reply ended where the quote begins.
                break;
            }
            i += if joined_attribution { 2 } else { 1 };
            continue;
        }
        out.push(line.trim().to_owned());
        i += 1;
    }
    out
}

fn word_at(t: &str) -> (String, &str) {
    let t = t.trim_start_matches(|c: char| c.is_whitespace() || c == '*' || c == '"');
    let end = t.find(|c: char| !c.is_alphabetic()).unwrap_or(t.len());
    (t[..end].to_uppercase(), &t[end..])
}

fn answer_word(word: &str) -> Option<Verdict> {
    Some(match word {
        // DITERIMA / TERIMA: an objection upheld (the `sanggah` workflow's telaah step).
        "SETUJU" | "DISETUJUI" | "APPROVE" | "APPROVED" | "DITERIMA" | "TERIMA" => Verdict::Setuju,
        "TOLAK" | "DITOLAK" | "REJECT" | "REJECTED" => Verdict::Tolak,
        "KEMBALIKAN" | "DIKEMBALIKAN" => Verdict::Kembalikan,
        "PILIH" => Verdict::Pilih(0),
        "ABSTAIN" | "ABSTEN" => Verdict::Abstain,
        _ => return None,
    })
}

fn skip_separators(s: &str) -> &str {
    s.trim_start_matches(|c: char| c.is_whitespace() || ",.;:!-–—*\"".contains(c))
}

/// Reads the answer at the start of `line`, with the rest as comment.
pub fn read_line(line: &str) -> Reading {
    let (word, rest) = word_at(line);
    let Some(verdict) = answer_word(&word) else {
        return Reading::Unclear;
    };
    let (verdict, rest) = match verdict {
        Verdict::Pilih(_) => {
            // The number follows at once: `PILIH 2`, `PILIH: 2`, `pilih nomor 2` is unclear.
            let r = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ':');
            let digits = r.find(|c: char| !c.is_ascii_digit()).unwrap_or(r.len());
            match r[..digits].parse::<usize>() {
                Ok(n) if n > 0 && digits <= 3 => (Verdict::Pilih(n), &r[digits..]),
                _ => return Reading::Unclear,
            }
        }
        v => (v, rest),
    };
    let rest = skip_separators(rest);
    if answer_word(&word_at(rest).0).is_some() {
        return Reading::Ambiguous;
    }
    Reading::Answer(verdict, rest.trim().to_owned())
}

/// Reads the answer word at the start of `line`, with the rest as comment (`None` when the line
/// is not an answer or names two).
pub fn parse_answer(line: &str) -> Option<(Verdict, String)> {
    match read_line(line) {
        Reading::Answer(v, c) => Some((v, c)),
        Reading::Ambiguous | Reading::Unclear => None,
    }
}

/// HTML as text, for replies sent as HTML only: block elements (`div`, `p`, `br`, `li`, `tr`,
/// headings, …) end a line, `blockquote` content is marked as quoted (`> `), scripts and styles
/// are dropped, entities are decoded.
pub fn html_to_text(html: &str) -> String {
    const BLOCKS: &[&str] = &[
        "div",
        "p",
        "br",
        "li",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "table",
        "blockquote",
        "pre",
        "hr",
        "section",
        "article",
        "header",
        "footer",
        "dd",
        "dt",
    ];
    let mut out = String::with_capacity(html.len() / 2);
    let mut quote_depth = 0usize;
    let mut skip_until: Option<&str> = None;
    let mut rest = html;
    let mut line_start = true;
    let newline = |out: &mut String, line_start: &mut bool| {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        *line_start = true;
    };
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            push_text(
                &mut out,
                rest,
                quote_depth,
                &mut line_start,
                skip_until.is_some(),
            );
            break;
        };
        push_text(
            &mut out,
            &rest[..lt],
            quote_depth,
            &mut line_start,
            skip_until.is_some(),
        );
        rest = &rest[lt..];
        if rest.starts_with("<!--") {
            rest = rest.find("-->").map_or("", |e| &rest[e + 3..]);
            continue;
        }
        let Some(gt) = rest.find('>') else {
            break;
        };
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if let Some(until) = skip_until {
            if closing && name == until {
                skip_until = None;
            }
            continue;
        }
        match name.as_str() {
            "script" | "style" | "head" | "title" if !closing => {
                skip_until = Some(match name.as_str() {
                    "script" => "script",
                    "style" => "style",
                    "head" => "head",
                    _ => "title",
                });
            }
            "blockquote" => {
                newline(&mut out, &mut line_start);
                if closing {
                    quote_depth = quote_depth.saturating_sub(1);
                } else {
                    quote_depth += 1;
                }
            }
            n if BLOCKS.contains(&n) => newline(&mut out, &mut line_start),
            "td" | "th" if closing => out.push(' '),
            _ => {}
        }
    }
    out
}

fn push_text(out: &mut String, raw: &str, depth: usize, line_start: &mut bool, skipped: bool) {
    if skipped || raw.is_empty() {
        return;
    }
    let text = decode_entities(raw);
    // Source line breaks inside HTML are spaces.
    let text = text.replace(['\r', '\n'], " ");
    if text.trim().is_empty() && *line_start {
        return;
    }
    if *line_start {
        for _ in 0..depth {
            out.push_str("> ");
        }
        out.push_str(text.trim_start());
        *line_start = false;
    } else {
        out.push_str(&text);
    }
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest.find(';').filter(|e| *e <= 10);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" | "#39" => Some('\''),
                "nbsp" => Some(' '),
                n if n.starts_with("#x") || n.starts_with("#X") => u32::from_str_radix(&n[2..], 16)
                    .ok()
                    .and_then(char::from_u32),
                n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            }?;
            Some((c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
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

impl Reply {
    /// The verdict that counts: the top-most `Authentication-Results` header — the one the
    /// agency's own receiving server added last, above anything a sender could have written —
    /// or, with `server` (the receiving server's authserv-id, `autentikasi_server`), the
    /// top-most header carrying that id. Lower headers are ignored.
    pub fn authentication(&self, server: Option<&str>) -> Authentication {
        let found = match server.map(str::trim).filter(|s| !s.is_empty()) {
            Some(id) => self.auth.iter().find(|a| a.server.eq_ignore_ascii_case(id)),
            None => self.auth.first(),
        };
        found.cloned().unwrap_or_default()
    }
}

/// Every `Authentication-Results` header of the message, top-most first.
fn authentications(msg: &mail_parser::Message<'_>) -> Vec<Authentication> {
    msg.headers_raw()
        .filter(|(name, _)| name.eq_ignore_ascii_case("Authentication-Results"))
        .map(|(_, raw)| authentication(raw))
        .collect()
}

/// The verdicts of one `Authentication-Results` header value.
fn authentication(raw: &str) -> Authentication {
    let lower = raw.to_lowercase();
    // The authserv-id comes first, before the first `;` (and before any version number).
    let server = lower
        .split(';')
        .next()
        .and_then(|s| s.split_whitespace().next())
        .unwrap_or_default()
        .to_owned();
    let says = |method: &str, result: &str| {
        lower
            .split(|c: char| c == ';' || c.is_whitespace())
            .any(|t| {
                t.trim()
                    .strip_prefix(method)
                    .and_then(|r| r.strip_prefix('='))
                    .is_some_and(|r| r.trim_end_matches(|c: char| !c.is_alphanumeric()) == result)
            })
    };
    Authentication {
        present: true,
        server,
        dkim_fail: says("dkim", "fail"),
        spf_fail: says("spf", "fail"),
        dmarc_fail: says("dmarc", "fail"),
    }
}

/// The text of the reply: the plain-text part when there is one, else the HTML part as text.
fn body_text(msg: &mail_parser::Message<'_>) -> String {
    match msg.text_part(0).map(|p| &p.body) {
        Some(PartType::Text(t)) => t.to_string(),
        Some(PartType::Html(h)) => html_to_text(h),
        _ => msg
            .html_part(0)
            .and_then(|p| match &p.body {
                PartType::Html(h) => Some(html_to_text(h)),
                PartType::Text(t) => Some(t.to_string()),
                _ => None,
            })
            .unwrap_or_default(),
    }
}

/// Whether `raw` is a mail message at all: not empty, and starting with a header block (a
/// `Name: value` line, or an mbox `From ` line before one).
pub fn looks_like_message(raw: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&raw[..raw.len().min(4096)]);
    let mut lines = text.lines().skip_while(|l| l.trim().is_empty());
    let mut first = lines.next();
    if first.is_some_and(|l| l.starts_with("From ")) {
        first = lines.next();
    }
    first.is_some_and(|l| {
        l.split_once(':').is_some_and(|(name, _)| {
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic() && b != b':')
        })
    })
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
    let body = body_text(&msg);
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
    let (verdict, ambiguous, comment) = match first_line.as_deref().map(read_line) {
        Some(Reading::Answer(v, rest)) => {
            let mut comment = rest;
            for l in iter.filter(|l| !l.is_empty()) {
                if comment.len() >= COMMENT_READ_MAX {
                    break;
                }
                if !comment.is_empty() {
                    comment.push(' ');
                }
                comment.push_str(l);
            }
            (Some(v), false, (!comment.is_empty()).then_some(comment))
        }
        Some(Reading::Ambiguous) => (None, true, None),
        Some(Reading::Unclear) | None => (None, false, None),
    };
    Some(Reply {
        from,
        subject,
        codes,
        refs,
        message_id: msg.message_id().map(str::to_owned),
        auto,
        auth: authentications(&msg),
        first_line: first_line.map(|l| l.chars().take(120).collect()),
        verdict,
        ambiguous,
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
    fn choices_and_ambiguity() {
        assert_eq!(
            parse_answer("PILIH 2"),
            Some((Verdict::Pilih(2), String::new()))
        );
        assert_eq!(
            parse_answer("pilih 1, paling berpengalaman"),
            Some((Verdict::Pilih(1), "paling berpengalaman".into()))
        );
        assert_eq!(
            parse_answer("ABSTAIN benturan kepentingan: adik kandung calon"),
            Some((
                Verdict::Abstain,
                "benturan kepentingan: adik kandung calon".into()
            ))
        );
        assert_eq!(read_line("PILIH"), Reading::Unclear);
        assert_eq!(read_line("PILIH 0"), Reading::Unclear);
        assert_eq!(read_line("PILIH ****1234"), Reading::Unclear);
        assert_eq!(read_line("SETUJU TOLAK"), Reading::Ambiguous);
        assert_eq!(read_line("setuju, tolak saja"), Reading::Ambiguous);
        assert_eq!(read_line("PILIH 1 SETUJU"), Reading::Ambiguous);
        assert_eq!(
            read_line("SETUJU tanpa catatan"),
            Reading::Answer(Verdict::Setuju, "tanpa catatan".into())
        );
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
    fn bottom_posted_replies_read_below_the_quote() {
        let thunderbird = "Pada 11/08/2025 09.15, merit BKPSDM menulis:\n> Yth. Bapak/Ibu,\n> TOLAK alasan penolakan\n> KEMBALIKAN alasan\n\nSETUJU, sudah saya periksa.\n\n-- \nBudi\n";
        let lines = reply_lines(thunderbird);
        let first = lines.iter().find(|l| !l.is_empty()).unwrap();
        assert_eq!(
            parse_answer(first),
            Some((Verdict::Setuju, "sudah saya periksa.".into()))
        );
        // Words inside the quote never count.
        let only_quote = "On Mon, Aug 11, 2025 at 9:15 AM merit wrote:\n> SETUJU\n> TOLAK\n";
        assert!(reply_lines(only_quote).iter().all(|l| l.is_empty()));
    }

    #[test]
    fn html_blocks_end_lines() {
        let t = html_to_text("<div>SETUJU</div><div>Terima kasih.</div>");
        assert_eq!(reply_lines(&t)[0], "SETUJU");
        let t = html_to_text(
            "<p>SETUJU<br>lanjutkan</p><div class=\"gmail_quote\"><div>Pada Sen menulis:</div><blockquote><div>TOLAK</div></blockquote></div>",
        );
        let lines = reply_lines(&t);
        assert_eq!(lines[0], "SETUJU");
        assert_eq!(lines[1], "lanjutkan");
        assert!(!lines.iter().any(|l| l.contains("TOLAK")), "{lines:?}");
        assert_eq!(
            html_to_text("<p>A &amp; B&nbsp;&#67;&#x44;</p><script>x()</script>").trim(),
            "A & B CD"
        );
    }

    #[test]
    fn authentication_results() {
        let msg = |h: &str| {
            parse(
                format!(
                    "Authentication-Results: {h}\r\nFrom: a@b.id\r\nSubject: x\r\n\r\nSETUJU\r\n"
                )
                .as_bytes(),
            )
            .unwrap()
            .authentication(None)
        };
        assert!(
            msg("mx.contoh.go.id; dkim=fail (bad sig) header.d=x; spf=fail smtp.mailfrom=x")
                .failed()
        );
        assert_eq!(
            msg("MX.contoh.go.id 1; dkim=pass").server,
            "mx.contoh.go.id"
        );
        assert!(msg("mx.contoh.go.id; dmarc=fail header.from=contoh.go.id").failed());
        assert!(!msg("mx.contoh.go.id; dkim=fail; spf=pass").failed());
        assert!(!msg("mx.contoh.go.id; dkim=pass; spf=pass; dmarc=pass").failed());
        let none = parse(b"From: a@b.id\r\nSubject: x\r\n\r\nSETUJU\r\n")
            .unwrap()
            .authentication(None);
        assert!(!none.present && !none.failed());
    }

    /// A sender can write an `Authentication-Results` header of their own below the ones the
    /// receiving servers add: only the top-most one (or the configured server's) counts.
    #[test]
    fn a_forged_lower_header_is_ignored() {
        let raw =
            b"Authentication-Results: mx.contoh.go.id; dmarc=fail header.from=contoh.go.id\r\n\
Received: from relay\r\n\
Authentication-Results: mx.contoh.go.id; dkim=pass; spf=pass; dmarc=pass\r\n\
From: sekda@contoh.go.id\r\nSubject: x\r\n\r\nSETUJU\r\n";
        let r = parse(raw).unwrap();
        assert_eq!(r.auth.len(), 2);
        assert!(
            r.authentication(None).failed(),
            "the top-most header says dmarc=fail"
        );
        assert!(r.authentication(Some("mx.contoh.go.id")).failed());
        // With the server named, a header from another server is not read at all (a forged
        // pass from "mx.palsu" is ignored; without the named server's header, nothing is known).
        let raw = b"Authentication-Results: mx.palsu.id; dkim=pass; spf=pass; dmarc=pass\r\n\
Authentication-Results: mx.contoh.go.id; dkim=fail; spf=fail\r\n\
From: sekda@contoh.go.id\r\nSubject: x\r\n\r\nSETUJU\r\n";
        let r = parse(raw).unwrap();
        assert!(
            !r.authentication(None).failed(),
            "top-most is the palsu pass"
        );
        assert!(r.authentication(Some("MX.contoh.go.id")).failed());
        assert!(!r.authentication(Some("mx.lain.id")).present);
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
            b"PILIH 3",
            b"MERIT-",
            b"Content-Type: text/html; charset=utf-8\r\n",
            b"Content-Transfer-Encoding: base64\r\n",
            b"Authentication-Results: x; dkim=fail\r\n",
            b"<div><blockquote>&#99999999;&amp</blockquote>",
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
            let _ = html_to_text(&String::from_utf8_lossy(&raw));
        }
    }
}
