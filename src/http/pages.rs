//! The pages people see on their phones, rendered from the embedded templates in `render`
//! (escaped there). This module only says which template and with what.

use serde::Serialize;

use crate::{render, service::workflow::answers::LinkView};

/// The stylesheet every page links (served at `/static/merit.css`).
pub(super) const CSS: &str = include_str!("assets/merit.css");

#[derive(Serialize)]
struct Message<'a> {
    judul: &'a str,
    teks: &'a str,
    /// A way back: (label, link).
    kembali: Option<(&'a str, &'a str)>,
}

/// A page with a title and one paragraph.
pub(super) fn message(title: &str, text: &str) -> String {
    render::page(
        "pesan.html",
        &Message {
            judul: title,
            teks: text,
            kembali: None,
        },
    )
}

/// A page with a title, one paragraph and a link back (the console's error pages).
pub(super) fn message_back(title: &str, text: &str, back: (&str, &str)) -> String {
    render::page(
        "pesan.html",
        &Message {
            judul: title,
            teks: text,
            kembali: Some(back),
        },
    )
}

#[derive(Serialize)]
struct Answer<'a> {
    judul: &'static str,
    v: &'a LinkView,
    token: &'a str,
}

/// The confirm page: what is asked, the answer this link stands for, a comment box, a button.
pub(super) fn confirm(v: &LinkView, token: &str) -> String {
    if v.sudah_tercatat {
        return recorded(v, token);
    }
    render::page(
        "konfirmasi.html",
        &Answer {
            judul: "Konfirmasi jawaban",
            v,
            token,
        },
    )
}

/// After a recorded answer.
pub(super) fn recorded(v: &LinkView, token: &str) -> String {
    render::page(
        "tercatat.html",
        &Answer {
            judul: "Jawaban tercatat",
            v,
            token,
        },
    )
}
