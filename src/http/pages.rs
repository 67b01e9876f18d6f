//! The pages people see on their phones: plain HTML, Bahasa Indonesia, escaped.

use crate::service::answers::LinkView;

/// Escapes text for HTML.
pub(super) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The stylesheet every page links (served at `/static/merit.css`).
pub(super) const CSS: &str = include_str!("assets/merit.css");

fn layout(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"id\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t} — merit</title><link rel=\"stylesheet\" href=\"/static/merit.css\"></head><body>{body}\
         <p class=\"kecil\">merit — sistem merit BKPSDM</p></body></html>",
        t = esc(title)
    )
}

/// A page with a title and one paragraph.
pub(super) fn message(title: &str, text: &str) -> String {
    layout(
        title,
        &format!("<h1>{}</h1><p>{}</p>", esc(title), esc(text)),
    )
}

fn details(v: &LinkView) -> String {
    let mut s = format!(
        "<p>Yth. Bapak/Ibu {},</p><p>Perihal: <strong>{}</strong><br>Langkah: {}<br>Selaku: {}<br>Kode rujukan: [{}]</p>",
        esc(&v.nama),
        esc(&v.judul),
        esc(&v.langkah),
        esc(&v.kapasitas),
        esc(&v.kode)
    );
    if !v.ringkasan.is_empty() {
        s.push_str("<ul>");
        for r in &v.ringkasan {
            s.push_str(&format!("<li>{}</li>", esc(r)));
        }
        s.push_str("</ul>");
    }
    s
}

/// The confirm page: what is asked, the answer this link stands for, a comment box, a button.
pub(super) fn confirm(v: &LinkView, token: &str) -> String {
    if v.sudah_tercatat {
        return recorded(v);
    }
    let comment_hint = if v.perlu_komentar {
        "Alasan pengembalian (wajib):"
    } else {
        "Komentar (tidak wajib):"
    };
    layout(
        "Konfirmasi jawaban",
        &format!(
            "<h1>Konfirmasi jawaban</h1>{}\
             <p>Jawaban yang akan dicatat: <span class=\"jawaban\">{}</span></p>\
             <form method=\"post\" action=\"/persetujuan/{}\">\
             <input type=\"hidden\" name=\"keputusan\" value=\"{}\">\
             <p><label for=\"komentar\">{}</label><br><textarea id=\"komentar\" name=\"komentar\"{}></textarea></p>\
             <p><button type=\"submit\">Kirim jawaban {}</button></p></form>\
             <p class=\"kecil\">Jawaban baru tercatat setelah tombol ditekan. Membuka halaman ini saja tidak mengubah apa pun.</p>",
            details(v),
            esc(&v.jawaban),
            esc(token),
            esc(&v.keputusan),
            comment_hint,
            if v.perlu_komentar { " required" } else { "" },
            esc(&v.jawaban)
        ),
    )
}

/// After a recorded answer.
pub(super) fn recorded(v: &LinkView) -> String {
    layout(
        "Jawaban tercatat",
        &format!(
            "<h1>Terima kasih, jawaban tercatat</h1>{}<p>Jawaban Bapak/Ibu: <span class=\"jawaban\">{}</span>. Proses berlanjut ke langkah berikutnya sesuai alur.</p>",
            details(v),
            esc(&v.jawaban)
        ),
    )
}
