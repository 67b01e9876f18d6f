//! Typesetting in a child process (console.md 5, "Bounded work"): the parent sends the
//! template files and one or more documents to make (main file, data, logo); the child —
//! `merit` itself under [`crate::sandbox`]'s limits — typesets each and answers with its PDF or
//! its problems. A template that never ends, or that fills memory, stops the child only.
//!
//! The messages are length-prefixed byte strings (a `u64` little-endian length, then the
//! bytes), so template text, JSON data and image bytes travel as they are.

use super::typeset::{self, Job, Problem};
use crate::sandbox::{self, Limits, SandboxError};

/// The job name the child answers to.
pub const JOB: &str = "ketik";

const MAGIC: &[u8] = b"merit-ketik/1";

/// One document to make.
pub struct Item<'a> {
    pub main: &'a str,
    pub data: &'a [u8],
    pub logo: Option<(&'a str, &'a [u8])>,
}

/// What the child is asked.
pub struct Request<'a> {
    /// Markup files (name, text), shared by every item.
    pub files: Vec<(&'a str, &'a str)>,
    pub today: chrono::NaiveDate,
    /// Whether the PDFs are wanted (a check needs only whether each typesets).
    pub keep_pdf: bool,
    pub items: Vec<Item<'a>>,
}

/// One item's outcome: its PDF (empty when not kept) or its problems.
pub type Outcome = Result<Vec<u8>, Vec<Problem>>;

fn put(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    out.extend_from_slice(bytes);
}

/// Reads length-prefixed byte strings off a message.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn bytes(&mut self) -> Option<&'a [u8]> {
        let (len, rest) = self.0.split_at_checked(8)?;
        let n = usize::try_from(u64::from_le_bytes(len.try_into().ok()?)).ok()?;
        let (b, rest) = rest.split_at_checked(n)?;
        self.0 = rest;
        Some(b)
    }

    fn text(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.bytes()?).ok()
    }

    fn count(&mut self) -> Option<usize> {
        self.text()?.parse().ok()
    }
}

impl Request<'_> {
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        put(&mut out, MAGIC);
        put(&mut out, self.today.to_string().as_bytes());
        put(&mut out, if self.keep_pdf { b"1" } else { b"0" });
        put(&mut out, self.files.len().to_string().as_bytes());
        for (name, text) in &self.files {
            put(&mut out, name.as_bytes());
            put(&mut out, text.as_bytes());
        }
        put(&mut out, self.items.len().to_string().as_bytes());
        for item in &self.items {
            put(&mut out, item.main.as_bytes());
            put(&mut out, item.data);
            let (name, bytes) = item.logo.unwrap_or(("", &[]));
            put(&mut out, name.as_bytes());
            put(&mut out, bytes);
        }
        out
    }
}

fn decode_request(input: &[u8]) -> Option<Request<'_>> {
    let mut r = Reader(input);
    if r.bytes()? != MAGIC {
        return None;
    }
    let today = r.text()?.parse().ok()?;
    let keep_pdf = r.bytes()? == b"1";
    let n = r.count()?;
    let mut files = Vec::with_capacity(n.min(64));
    for _ in 0..n {
        files.push((r.text()?, r.text()?));
    }
    let n = r.count()?;
    let mut items = Vec::with_capacity(n.min(64));
    for _ in 0..n {
        let main = r.text()?;
        let data = r.bytes()?;
        let name = r.text()?;
        let bytes = r.bytes()?;
        items.push(Item {
            main,
            data,
            logo: (!name.is_empty()).then_some((name, bytes)),
        });
    }
    Some(Request {
        files,
        today,
        keep_pdf,
        items,
    })
}

fn encode_outcomes(outcomes: &[Outcome]) -> Vec<u8> {
    let mut out = Vec::new();
    put(&mut out, outcomes.len().to_string().as_bytes());
    for o in outcomes {
        match o {
            Ok(pdf) => {
                put(&mut out, b"pdf");
                put(&mut out, pdf);
            }
            Err(problems) => {
                put(&mut out, b"masalah");
                put(
                    &mut out,
                    serde_json::to_string(problems)
                        .unwrap_or_default()
                        .as_bytes(),
                );
            }
        }
    }
    out
}

fn decode_outcomes(input: &[u8]) -> Option<Vec<Outcome>> {
    let mut r = Reader(input);
    let n = r.count()?;
    let mut out = Vec::with_capacity(n.min(64));
    for _ in 0..n {
        let kind = r.bytes()?;
        let body = r.bytes()?;
        out.push(match kind {
            b"pdf" => Ok(body.to_vec()),
            _ => Err(serde_json::from_slice(body).ok()?),
        });
    }
    Some(out)
}

/// In the child: answers one request read from `input`.
pub fn serve(input: &[u8]) -> Result<Vec<u8>, String> {
    let req = decode_request(input).ok_or("permintaan penyusunan dokumen tidak terbaca")?;
    let outcomes: Vec<Outcome> = req
        .items
        .iter()
        .map(|item| {
            typeset::pdf(&Job {
                files: req.files.clone(),
                main: item.main,
                data: item.data,
                logo: item.logo,
                today: req.today,
            })
            .map(|pdf| if req.keep_pdf { pdf } else { Vec::new() })
        })
        .collect();
    Ok(encode_outcomes(&outcomes))
}

/// Typesets every item of `req` in one child process under `limits`: one outcome per item, in
/// order, or why the child gave none (time or memory limit passed, no executable).
pub fn typeset(req: &Request<'_>, limits: &Limits) -> Result<Vec<Outcome>, SandboxError> {
    let out = sandbox::run(JOB, &req.encode(), limits)?;
    decode_outcomes(&out)
        .filter(|o| o.len() == req.items.len())
        .ok_or_else(|| SandboxError::Crashed("jawaban tidak terbaca".to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_and_outcomes_travel_whole() {
        let req = Request {
            files: vec![("a.typ", "= Judul\n"), ("kop.typ", "#let x = 1\n")],
            today: chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap_or_default(),
            keep_pdf: true,
            items: vec![
                Item {
                    main: "a.typ",
                    data: b"{\"n\": 1}",
                    logo: Some(("/logo.png", &[0, 1, 2, 255])),
                },
                Item {
                    main: "a.typ",
                    data: b"{}",
                    logo: None,
                },
            ],
        };
        let bytes = req.encode();
        let back = decode_request(&bytes).expect("decodes");
        assert_eq!(back.files, req.files);
        assert_eq!(back.today, req.today);
        assert_eq!(back.items.len(), 2);
        assert_eq!(
            back.items[0].logo,
            Some(("/logo.png", &[0u8, 1, 2, 255][..]))
        );
        assert_eq!(back.items[1].logo, None);
        assert_eq!(back.items[1].data, b"{}");
        // A cut message is refused, never misread.
        assert!(decode_request(&bytes[..bytes.len() - 1]).is_none());
        let outcomes = vec![
            Ok(b"%PDF".to_vec()),
            Err(vec![Problem {
                file: Some("a.typ".into()),
                line: 3,
                col: 1,
                message: "salah".into(),
            }]),
        ];
        assert_eq!(decode_outcomes(&encode_outcomes(&outcomes)), Some(outcomes));
    }
}
