//! Words, not identifiers (console.md 5): on the demo's data every console page an admin can
//! GET, every prompt and notice the outbox wrote, the approver's pages behind their links and
//! the header row of every XLSX list are read as a person reads them (tags, attributes and URLs
//! gone) and searched for UUIDs and `[A-Z_]{6,}` codes; and the lists keep their key column on
//! a 390 px phone in headless Chromium.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use calamine::Reader;

use crate::{
    console::{ADMIN, Client, clock, demo_app},
    support::{TestDb, serve_http},
};

/// Runs of capitals (and `_`) of six or more that are words, not codes. Kept short on purpose:
/// - `BKPSDM`: the agency's own name, written in capitals in every official letter;
/// - `SETUJU`, `KEMBALIKAN`, `DITERIMA`, `DITOLAK`: the reply words an approver types back, shown in capitals because
///   they must be typed exactly (`TOLAK`, `PILIH` are shorter than six);
/// - the ordinal dictums of a decree (`KELIMA`, `KESEMBILAN BELAS`), as the decree writes them;
/// - `MERIT-XXXXXX` reference codes are allowed by their `MERIT-` prefix (see [`codes`]): people
///   quote them on the telephone and in replies.
///
/// Names the agency records in capitals (candidates, employees, units, positions, places) are
/// allowed too, read from the demo's own data files: they are what people are called, not codes.
/// A role code (`VERIFIKATOR_BKPSDM`, `KEPALA_BKPSDM`), a step id, `ADMIN` or an English word in
/// capitals is never allowed.
const WORDS: &[&str] = &[
    "BKPSDM",
    "SETUJU",
    "KEMBALIKAN",
    // An objection's review is answered, and its answer told, as DITERIMA or DITOLAK
    // (candidates.md 3): reply words like SETUJU.
    "DITERIMA",
    "DITOLAK",
    // The dictums of a ministerial decree are cited by their ordinal in capitals, as the decree
    // itself writes them ("KepmenPANRB 16/2025 diktum KELIMA").
    "KEEMPAT",
    "KELIMA",
    "KEENAM",
    "KETUJUH",
    "KEDELAPAN",
    "KESEMBILAN",
    "KESEPULUH",
];

/// The words of the name-like columns of the demo's data files.
fn data_words(data: &std::path::Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for file in ["candidates.csv", "employees.csv", "formations.csv"] {
        let Ok(mut r) = csv::Reader::from_path(data.join(file)) else {
            continue;
        };
        let header = r.headers().unwrap().clone();
        let wanted: Vec<usize> = header
            .iter()
            .enumerate()
            .filter(|(_, h)| {
                matches!(
                    h.trim_start_matches('\u{feff}'),
                    "nama" | "nama_unit" | "jabatan" | "tempat_lahir" | "jurusan"
                )
            })
            .map(|(i, _)| i)
            .collect();
        for rec in r.records().map_while(Result::ok) {
            for i in &wanted {
                for w in rec
                    .get(*i)
                    .unwrap_or_default()
                    .split(|c: char| !(c.is_ascii_uppercase() || c == '_'))
                {
                    if w.len() >= 6 {
                        out.insert(w.to_owned());
                    }
                }
            }
        }
    }
    out
}

/// The text a person reads on an HTML page: `<script>` and `<style>` dropped, tags (with their
/// attributes and URLs) removed, entities decoded. The editor's `<textarea>` and the `diff`
/// blocks show a definition file's own source, which an administrator edits as it is, so they
/// are left out too; what the console says *about* those files is still read.
fn visible(html: &str) -> String {
    let mut text = html.to_owned();
    for (open, close) in [
        ("<script", "</script>"),
        ("<style", "</style>"),
        ("<textarea", "</textarea>"),
        ("<pre class=\"diff\"", "</pre>"),
    ] {
        while let Some(a) = text.find(open) {
            let b = text[a..]
                .find(close)
                .map_or(text.len(), |b| a + b + close.len());
            text.replace_range(a..b, " ");
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#x2f;", "/")
        .replace("&#39;", "'")
}

/// `text` without URLs (a plain-text mail's links are addresses, not words).
fn without_urls(text: &str) -> String {
    text.split_inclusive(char::is_whitespace)
        .filter(|w| !w.trim_start_matches(['<', '(']).starts_with("http"))
        .collect()
}

fn is_uuid(token: &str) -> bool {
    let parts: Vec<&str> = token.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The UUIDs and codes in `text`, each with a little of what surrounds it.
fn codes(text: &str, names: &BTreeSet<String>) -> Vec<String> {
    let around = |at: usize, len: usize| {
        let start = text[..at]
            .char_indices()
            .rev()
            .nth(40)
            .map_or(0, |(i, _)| i);
        let end = text[at + len..]
            .char_indices()
            .nth(40)
            .map_or(text.len(), |(i, _)| at + len + i);
        text[start..end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let id_byte = |b: u8| b.is_ascii_hexdigit() || b == b'-';
    let mut i = 0;
    while i < bytes.len() {
        if !id_byte(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && id_byte(bytes[i]) {
            i += 1;
        }
        let token = &text[start..i];
        if let Some(k) = (0..token.len().saturating_sub(35)).find(|k| is_uuid(&token[*k..*k + 36]))
        {
            out.push(format!(
                "UUID {}: «{}»",
                &token[k..k + 36],
                around(start, token.len())
            ));
        }
    }
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_uppercase() || c == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_uppercase() || bytes[i] == b'_') {
                i += 1;
            }
            // A run glued to letters or digits is part of a longer token (a reference code's
            // tail, `KepmenPANRB`): judge the whole token.
            let mut end = i;
            while end < bytes.len() && bytes[end].is_ascii_alphanumeric() {
                end += 1;
            }
            let mut begin = start;
            while begin > 0 && bytes[begin - 1].is_ascii_alphanumeric() {
                begin -= 1;
            }
            let run = &text[start..i];
            let reference = text[..begin].ends_with("MERIT-");
            let code = (run.len() >= 6
                && !WORDS.contains(&run)
                && !names.contains(run)
                && !reference
                && begin == start)
                || (run == "ADMIN" && begin == start && end == i);
            if code {
                out.push(format!("{run}: «{}»", around(start, run.len())));
            }
            i = end.max(i);
        } else {
            i += 1;
        }
    }
    out
}

/// The shape of a console address, so that a walk opens a few pages of each kind and not every
/// candidate: ids and references become `*`, the query keeps only its names.
fn shape(path: &str) -> String {
    let (p, q) = path.split_once('?').unwrap_or((path, ""));
    let segs: Vec<String> = p
        .split('/')
        .map(|s| {
            if s.len() >= 16 || s.bytes().filter(u8::is_ascii_digit).count() >= 4 {
                "*".to_owned()
            } else {
                s.to_owned()
            }
        })
        .collect();
    let mut keys: Vec<&str> = q
        .split('&')
        .filter_map(|kv| kv.split('=').next())
        .filter(|k| !k.is_empty())
        .collect();
    keys.sort_unstable();
    format!("{}?{}", segs.join("/"), keys.join("&"))
}

/// Every `href` on a page that stays on this site.
fn links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|s| s.replace("&amp;", "&"))
        .filter(|s| s.starts_with("/admin") || s.starts_with("/persetujuan"))
        .collect()
}

/// The header row of every sheet of an XLSX file: `sheet: cells`.
fn xlsx_headers(bytes: &[u8]) -> Vec<(String, Vec<String>)> {
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut out = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        // The data sheets' first row; the summary sheet's section headers are its second rows.
        let rows: Vec<Vec<String>> = range
            .rows()
            .take(if name == "Ringkasan" { 40 } else { 1 })
            .map(|r| r.iter().map(ToString::to_string).collect())
            .collect();
        for r in rows {
            out.push((name.clone(), r));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_prompt_and_list_header_of_the_demo_is_in_words() {
    let db = TestDb::new().await;
    let app = demo_app(&db, 300, clock()).await;
    // A second run, so that a run page offers another to compare with.
    crate::support::screen(&app).await;
    // The messages of issue 22 are read too: a reply applied (its acknowledgement, and the next
    // prompt with the answers given so far), a reply from someone else refused (the explanation
    // sent back), and a process cancelled (the notice to the people awaited).
    merit::service::outbox::flush(&app).await.unwrap();
    let mails = crate::support::eml_files(&db.path("outbox"));
    let prompt = mails
        .iter()
        .find(|e| {
            crate::support::plain(e).contains("Verifikasi hasil penyaringan")
                && !crate::support::tokens(e).is_empty()
        })
        .unwrap();
    let subject = crate::support::header(prompt, "Subject");
    let code = subject
        .split("[MERIT-")
        .nth(1)
        .and_then(|s| s.split(']').next())
        .unwrap();
    let to = crate::support::header(prompt, "To");
    let to = to
        .rsplit_once('<')
        .map_or(to, |(_, a)| a.trim_end_matches('>'));
    let other = mails
        .iter()
        .map(|e| crate::support::header(e, "To"))
        .find(|t| !t.contains(to))
        .and_then(|t| {
            t.rsplit_once('<')
                .map(|(_, a)| a.trim_end_matches('>').to_owned())
        })
        .unwrap();
    for (from, id) in [(other.as_str(), "lain"), (to, "benar")] {
        let raw = format!(
            "From: {from}\r\nSubject: Re: [MERIT-{code}] Persetujuan\r\nMessage-ID: <{id}@uji>\r\n\r\nSETUJU sudah diperiksa\r\n"
        );
        merit::service::workflow::answers::ingest(&app, raw.as_bytes())
            .await
            .unwrap();
    }
    let job_fill = merit::service::workflow::list(&app)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.workflow == "pengisian_jabatan")
        .unwrap();
    merit::service::workflow::cancel(
        &app,
        &job_fill.instance_id,
        &merit::service::Actor::cli(),
        "lowongan diisi melalui mutasi",
    )
    .await
    .unwrap();
    merit::service::outbox::flush(&app).await.unwrap();
    let written = crate::support::eml_files(&db.path("outbox")).join("\n");
    for kind in [
        "telah tercatat",
        "belum dapat kami proses",
        "telah dibatalkan",
        "Jawaban yang sudah diberikan",
    ] {
        assert!(written.contains(kind), "a message saying {kind:?}");
    }
    let names = data_words(&db.path("data"));
    let addr = serve_http(&app).await;
    let mut c = Client::new(addr);
    assert_eq!(c.sign_in(ADMIN.0, ADMIN.1).await.status, 303);
    let token = c.token().await;
    // A draft of the ruleset and one of a workflow, for the editor's pages.
    let mut drafts = Vec::new();
    for definisi in ["aturan:pppk_paruh_waktu", "alur"] {
        let r = c
            .post("/admin/draf", &[("csrf", &token), ("definisi", definisi)])
            .await;
        assert_eq!(r.status, 303, "{definisi}: {}", r.text());
        drafts.push(r.header("location").unwrap().to_owned());
    }
    let mut problems: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut note = |what: &str, found: Vec<String>| {
        if !found.is_empty() {
            problems.entry(what.to_owned()).or_default().extend(found);
        }
    };

    // Uji on the ruleset draft (a POST whose answer is a page like any other), and a script
    // with a syntax error, whose diagnostic is read too.
    let draft = drafts[0].clone();
    let r = c
        .post(
            &format!("{draft}/periksa"),
            &[("csrf", &token), ("uji", "1")],
        )
        .await;
    let uji = if r.status == 303 {
        c.get(r.header("location").unwrap()).await
    } else {
        r
    };
    assert_eq!(uji.status, 200, "{}", uji.text());
    note(
        &format!("POST {draft}/periksa (Uji)"),
        codes(&visible(&uji.text()), &names),
    );
    assert!(
        !visible(&uji.text()).contains("tidak_layak"),
        "Uji shows a code: {}",
        visible(&uji.text())
    );

    // The walk: from the menu, every link of each shape a few times.
    let run_ids: Vec<String> = merit::service::screening::runs(&app)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    let mut queue: VecDeque<String> = [
        "/admin",
        "/admin/calon",
        "/admin/penyaringan",
        "/admin/penempatan",
        "/admin/alur",
        "/admin/aturan",
        "/admin/alur-definisi",
        "/admin/direktori",
        "/admin/templat",
        "/admin/impor",
        "/admin/unduhan",
        "/admin/audit",
        "/admin/pengguna",
        "/admin/verifikasi",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .chain(drafts.iter().cloned())
    .chain(drafts.iter().map(|d| format!("{d}/pratinjau")))
    .chain([format!(
        "/admin/penyaringan/{}?banding={}",
        run_ids[0], run_ids[1]
    )])
    .collect();
    // Every prompt and notice: subject, text and HTML parts; their links are walked too.
    let outbox = db.path("outbox");
    let mails = crate::support::eml_files(&outbox);
    assert!(!mails.is_empty(), "the demo wrote prompts");
    for (i, raw) in mails.iter().enumerate() {
        let m = mail_parser::MessageParser::default()
            .parse(raw.as_bytes())
            .unwrap();
        let subject = m.subject().unwrap_or_default().to_owned();
        let mut text = subject.clone();
        for k in 0..m.text_body_count() {
            text.push('\n');
            text.push_str(&without_urls(&m.body_text(k).unwrap_or_default()));
        }
        for k in 0..m.html_body_count() {
            let h = m.body_html(k).unwrap_or_default();
            text.push('\n');
            text.push_str(&visible(&h));
            queue.extend(links(&h));
        }
        for l in crate::support::tokens(raw) {
            queue.push_back(format!("/persetujuan/{l}"));
        }
        note(&format!("surel {i} «{subject}»"), codes(&text, &names));
    }

    let mut seen = BTreeSet::new();
    let mut shapes: BTreeMap<String, usize> = BTreeMap::new();
    let mut pages = 0;
    let mut workbooks = 0;
    while let Some(path) = queue.pop_front() {
        if !seen.insert(path.clone())
            || path.ends_with(".pdf")
            || path.ends_with(".csv")
            || path.contains("/keluar")
        {
            continue;
        }
        let n = shapes.entry(shape(&path)).or_default();
        *n += 1;
        if *n > 2 {
            continue;
        }
        let r = c.get(&path).await;
        // An approver's link to a step decided or a process cancelled answers 409 with a page
        // that is read like any other.
        assert!(
            matches!(r.status, 200 | 303 | 404 | 409),
            "{path}: {} {}",
            r.status,
            r.text()
        );
        if r.status == 303 {
            if let Some(to) = r.header("location") {
                queue.push_back(to.to_owned());
            }
            continue;
        }
        let kind = r.header("content-type").unwrap_or_default().to_owned();
        if kind.starts_with("text/html") {
            pages += 1;
            let html = r.text();
            let text = visible(&html);
            let mut found = codes(&without_urls(&text), &names);
            // Every id merit recorded names something it still holds (a vacancy, a run, …).
            if text.contains("rujukan yang tidak tersimpan lagi") {
                found.push("rujukan yang tidak dapat dinamai".to_owned());
            }
            note(&path, found);
            queue.extend(links(&html));
        } else if kind.contains("spreadsheetml") {
            workbooks += 1;
            for (sheet, row) in xlsx_headers(&r.body) {
                let line = row.join(" | ");
                let mut found = codes(&line, &names);
                if sheet != "Ringkasan" {
                    found.extend(
                        row.iter()
                            .filter(|h| {
                                h.contains('_') || h.starts_with(|c: char| c.is_lowercase())
                            })
                            .map(|h| format!("kepala kolom {h:?} bukan kata")),
                    );
                }
                note(&format!("{path} lembar {sheet}"), found);
            }
        }
    }
    // The pages that ask before an action (console.md 5) are read too: each POST without its
    // confirmation answers with one.
    let instance = merit::service::workflow::list(&app).await.unwrap()[0]
        .instance_id
        .clone();
    for (path, fields) in [
        ("/admin/penempatan".to_owned(), vec![]),
        (
            "/admin/alur".to_owned(),
            vec![("workflow", "usulan_pppk_paruh_waktu")],
        ),
        (format!("/admin/alur/{instance}/batalkan"), vec![]),
        (
            "/admin/pengguna/nonaktif".to_owned(),
            vec![("email", ADMIN.0)],
        ),
        (format!("{draft}/buang"), vec![]),
    ] {
        let mut form = vec![("csrf", token.as_str())];
        form.extend(fields);
        let r = c.post(&path, &form).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text());
        pages += 1;
        note(
            &format!("POST {path} (konfirmasi)"),
            codes(&without_urls(&visible(&r.text())), &names),
        );
    }
    assert!(pages >= 25, "walked only {pages} pages: {seen:?}");
    assert!(workbooks >= 4, "read only {workbooks} workbooks: {seen:?}");
    let report: Vec<String> = problems
        .iter()
        .map(|(k, v)| format!("{k}:\n  {}", v.join("\n  ")))
        .collect();
    assert!(
        problems.is_empty(),
        "identifiers where people read words:\n{}",
        report.join("\n")
    );
}

#[test]
fn the_scanner_finds_what_it_is_for_and_lets_words_through() {
    let names: BTreeSet<String> = ["SUPRIADI".to_owned()].into();
    let found = |t: &str| codes(t, &names);
    assert_eq!(
        found("Penyaringan 0193f5c2-7a4e-7cc1-9b1e-2f6d8e0a1b2c selesai").len(),
        1
    );
    assert_eq!(found("Penyetuju: VERIFIKATOR_BKPSDM").len(), 1);
    assert_eq!(found("ringkasan kepada ADMIN").len(), 1);
    assert_eq!(
        found("langkah pengisian_jabatan/verifikasi").len(),
        0,
        "lower case is read by eye"
    );
    assert!(found("Balas SETUJU atau KEMBALIKAN, kode [MERIT-ABCDEFG]").is_empty());
    assert!(found("Kepala BKPSDM; KepmenPANRB 16/2025; calon SUPRIADI").is_empty());
    assert_eq!(
        visible("<p title=\"KEPALA_BKPSDM\">Kepala <a href=\"/x/0193f5c2-7a4e-7cc1-9b1e-2f6d8e0a1b2c\">BKPSDM</a></p><style>.A_B_C_D{}</style>").split_whitespace().collect::<Vec<_>>(),
        ["Kepala", "BKPSDM"]
    );
    assert_eq!(
        shape("/admin/calon/abcdefghijklmnopqrstu?setelah=5"),
        "/admin/calon/*?setelah"
    );
}

/// Measures the cells matched by `css` on the page shown: the viewport's width, the document's
/// scroll width, and every matched cell's right edge and shown width.
fn measure(b: &crate::browser::Browser, css: &str) -> serde_json::Value {
    b.script(&format!(
        r#"const cells = Array.from(document.querySelectorAll({css:?}));
        return {{
          lebar: window.innerWidth,
          gulir: document.documentElement.scrollWidth,
          sel: cells.map(c => {{ const r = c.getBoundingClientRect(); return [r.left, r.right, r.width, c.textContent.trim()]; }})
        }};"#
    ))
}

/// The approver's "Lihat rincian" address in the first prompt that has one.
fn details_path(outbox: &std::path::Path) -> String {
    let prompt = crate::support::eml_files(outbox)
        .into_iter()
        .map(|raw| crate::support::readable(raw.as_bytes()))
        .find(|t| t.contains("Rincian lengkap (daftar calon, rekap, dan unduhan): "))
        .expect("a prompt with a details link");
    let link = prompt
        .lines()
        .find_map(|l| l.strip_prefix("Rincian lengkap (daftar calon, rekap, dan unduhan): "))
        .unwrap()
        .trim()
        .to_owned();
    link[link.find("/persetujuan/").unwrap()..].to_owned()
}

/// Console.md 5, Phones: at 390 × 844 Calon shows each candidate's outcome (Hasil) and the
/// approver's details page each unit's proposed count (Diusulkan) inside the viewport, and
/// neither page scrolls sideways. Screenshots (also at 1366 × 768) go to the test's folder
/// and, with `MERIT_SCREENSHOTS=DIR`, there too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_keep_their_key_column_on_a_390_px_phone() {
    if std::env::var("MERIT_BROWSER_TESTS").is_ok_and(|v| v == "0") {
        eprintln!("MERIT_BROWSER_TESTS=0: the phone-width test in Chromium is left out");
        return;
    }
    let db = TestDb::new().await;
    let app = demo_app(&db, 300, clock()).await;
    let addr = serve_http(&app).await;
    let details = details_path(&db.path("outbox"));
    let shots: Vec<std::path::PathBuf> = [
        Some(db.path("layar")),
        std::env::var("MERIT_SCREENSHOTS").ok().map(Into::into),
    ]
    .into_iter()
    .flatten()
    .collect();
    let site = format!("http://{addr}");
    let (calon, rincian, saved) = tokio::task::spawn_blocking(move || {
        let b = crate::browser::Browser::open(390, 844);
        let shoot = |name: &str| {
            for dir in &shots {
                b.screenshot(&dir.join(name));
            }
        };
        b.sign_in(&site, ADMIN);
        b.go(&format!("{site}/admin/calon"));
        b.wait_for("daftar-calon");
        let calon = measure(&b, "#daftar-calon td.hasil");
        shoot("calon-390.png");
        b.go(&format!("{site}{details}"));
        b.wait_for("Rincian permohonan");
        let rincian = measure(&b, "#per-unit td.diusulkan");
        shoot("rincian-390.png");
        // The same pages on a laptop, for people to compare.
        drop(b);
        let b = crate::browser::Browser::open(1366, 768);
        let shoot = |name: &str| {
            for dir in &shots {
                b.screenshot(&dir.join(name));
            }
        };
        b.sign_in(&site, ADMIN);
        b.go(&format!("{site}/admin/calon"));
        b.wait_for("daftar-calon");
        shoot("calon-1366.png");
        b.go(&format!("{site}{details}"));
        b.wait_for("Rincian permohonan");
        shoot("rincian-1366.png");
        (calon, rincian, shots[0].clone())
    })
    .await
    .unwrap();
    for (page, m) in [("Calon", &calon), ("rincian", &rincian)] {
        let width = m["lebar"].as_f64().unwrap();
        assert!(
            width <= 390.0,
            "{page}: the viewport is {width} px wide: {m}"
        );
        assert!(
            m["gulir"].as_f64().unwrap() <= width,
            "{page} scrolls sideways: {m}"
        );
        let cells = m["sel"].as_array().unwrap();
        assert!(cells.len() >= 3, "{page}: too few key cells: {m}");
        for c in cells {
            let (left, right, shown) = (
                c[0].as_f64().unwrap(),
                c[1].as_f64().unwrap(),
                c[2].as_f64().unwrap(),
            );
            assert!(
                left >= 0.0 && right <= width && shown > 0.0 && !c[3].as_str().unwrap().is_empty(),
                "{page}: a key cell outside the viewport: {c} in {m}"
            );
        }
    }
    assert!(saved.join("calon-390.png").exists() && saved.join("rincian-390.png").exists());
}
