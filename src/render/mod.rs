//! Templates are rendered here and only here: the message templates administrators keep in
//! `workflows/templates/` (built-in copies stand in for a missing file) and the pages merit
//! serves (embedded in the binary, shared by the confirm pages and the console). The only module
//! that imports minijinja. HTML templates are escaped automatically; text templates are not.

use std::{path::Path, sync::OnceLock};

use minijinja::{AutoEscape, Environment};
use serde::Serialize;

use crate::{
    diagnostic::{Diagnostic, Diagnostics},
    sources::Source,
};

/// The message templates and their built-in copies.
const MESSAGE_TEMPLATES: &[(&str, &str)] = &[
    (
        "permintaan.txt",
        include_str!("../../workflows/templates/permintaan.txt"),
    ),
    (
        "permintaan.html",
        include_str!("../../workflows/templates/permintaan.html"),
    ),
    (
        "pemberitahuan.txt",
        include_str!("../../workflows/templates/pemberitahuan.txt"),
    ),
    (
        "pemberitahuan.html",
        include_str!("../../workflows/templates/pemberitahuan.html"),
    ),
];

/// The pages merit serves.
const PAGE_TEMPLATES: &[(&str, &str)] = &[
    ("dasar.html", include_str!("pages/dasar.html")),
    ("_permohonan.html", include_str!("pages/_permohonan.html")),
    ("pesan.html", include_str!("pages/pesan.html")),
    ("publik/dasar.html", include_str!("pages/publik/dasar.html")),
    (
        "publik/daftar.html",
        include_str!("pages/publik/daftar.html"),
    ),
    (
        "publik/pengumuman.html",
        include_str!("pages/publik/pengumuman.html"),
    ),
    (
        "publik/layanan.html",
        include_str!("pages/publik/layanan.html"),
    ),
    ("publik/hasil.html", include_str!("pages/publik/hasil.html")),
    ("publik/pesan.html", include_str!("pages/publik/pesan.html")),
    ("konfirmasi.html", include_str!("pages/konfirmasi.html")),
    ("tercatat.html", include_str!("pages/tercatat.html")),
    ("rincian.html", include_str!("pages/rincian.html")),
    ("admin/dasar.html", include_str!("pages/admin/dasar.html")),
    ("admin/masuk.html", include_str!("pages/admin/masuk.html")),
    (
        "admin/beranda.html",
        include_str!("pages/admin/beranda.html"),
    ),
    ("admin/calon.html", include_str!("pages/admin/calon.html")),
    (
        "admin/calon_ubah.html",
        include_str!("pages/admin/calon_ubah.html"),
    ),
    (
        "admin/verifikasi.html",
        include_str!("pages/admin/verifikasi.html"),
    ),
    (
        "admin/konfirmasi_aksi.html",
        include_str!("pages/admin/konfirmasi_aksi.html"),
    ),
    (
        "admin/calon_rinci.html",
        include_str!("pages/admin/calon_rinci.html"),
    ),
    (
        "admin/penyaringan.html",
        include_str!("pages/admin/penyaringan.html"),
    ),
    (
        "admin/penyaringan_rinci.html",
        include_str!("pages/admin/penyaringan_rinci.html"),
    ),
    (
        "admin/penempatan.html",
        include_str!("pages/admin/penempatan.html"),
    ),
    ("admin/alur.html", include_str!("pages/admin/alur.html")),
    (
        "admin/pengumuman.html",
        include_str!("pages/admin/pengumuman.html"),
    ),
    (
        "admin/sanggah.html",
        include_str!("pages/admin/sanggah.html"),
    ),
    (
        "admin/sanggah_rinci.html",
        include_str!("pages/admin/sanggah_rinci.html"),
    ),
    (
        "admin/alur_rinci.html",
        include_str!("pages/admin/alur_rinci.html"),
    ),
    ("admin/impor.html", include_str!("pages/admin/impor.html")),
    (
        "admin/unduhan.html",
        include_str!("pages/admin/unduhan.html"),
    ),
    ("admin/aturan.html", include_str!("pages/admin/aturan.html")),
    (
        "admin/sunting.html",
        include_str!("pages/admin/sunting.html"),
    ),
    (
        "admin/diagram.html",
        include_str!("pages/admin/diagram.html"),
    ),
    ("admin/beda.html", include_str!("pages/admin/beda.html")),
    ("admin/draf.html", include_str!("pages/admin/draf.html")),
    (
        "admin/penyunting.html",
        include_str!("pages/admin/penyunting.html"),
    ),
    (
        "admin/pratinjau.html",
        include_str!("pages/admin/pratinjau.html"),
    ),
    (
        "admin/alur_definisi.html",
        include_str!("pages/admin/alur_definisi.html"),
    ),
    (
        "admin/direktori.html",
        include_str!("pages/admin/direktori.html"),
    ),
    (
        "admin/templat.html",
        include_str!("pages/admin/templat.html"),
    ),
    ("admin/audit.html", include_str!("pages/admin/audit.html")),
    (
        "admin/pengguna.html",
        include_str!("pages/admin/pengguna.html"),
    ),
];

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    // Numbers as Indonesians write them: 2.911, 1.000.000.
    env.add_filter("angka", |v: i64| crate::domain::format_number_id(v));
    env.add_filter("rupiah", |v: i64| crate::domain::format_rupiah(v));
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env
}

/// The message templates in force.
pub struct Templates {
    env: Environment<'static>,
}

/// Instructions one message template may run per message (an administrator's template that
/// loops without end stops here): far above what a prompt needs.
pub(crate) const TEMPLATE_FUEL: u64 = 5_000_000;

/// The most one message template may write per message.
pub(crate) const TEMPLATE_OUTPUT_MAX: usize = 2 * 1024 * 1024;

/// A writer that refuses to grow beyond its cap.
struct Capped {
    out: Vec<u8>,
    cap: usize,
    over: bool,
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.out.len() + buf.len() > self.cap {
            self.over = true;
            return Err(std::io::Error::other("keluaran templat terlalu besar"));
        }
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Templates {
    /// Loads the message templates of folder `dir` of `src`, each missing file replaced by
    /// its built-in copy; a template that does not compile is a diagnostic at its line.
    pub fn load(src: &dyn Source, dir: &Path) -> Result<Self, Diagnostics> {
        let mut env = environment();
        env.set_fuel(Some(TEMPLATE_FUEL));
        let mut diags = Diagnostics::new();
        for (name, builtin) in MESSAGE_TEMPLATES {
            let path = dir.join(name);
            let text = src.read(&path).unwrap_or_else(|_| (*builtin).to_owned());
            if let Err(e) = env.add_template_owned((*name).to_owned(), text) {
                diags.push(Diagnostic::at(
                    &path,
                    e.line().unwrap_or(0),
                    0,
                    format!("templat tidak sah: {e}"),
                ));
            }
        }
        diags.into_result(Self { env })
    }

    /// Renders message template `name` with `ctx`, within [`TEMPLATE_FUEL`] instructions and
    /// [`TEMPLATE_OUTPUT_MAX`] bytes of output.
    pub fn render(&self, name: &str, ctx: &impl Serialize) -> Result<String, String> {
        let mut out = Capped {
            out: Vec::new(),
            cap: TEMPLATE_OUTPUT_MAX,
            over: false,
        };
        let done = self
            .env
            .get_template(name)
            .and_then(|t| t.render_captured_to(ctx, &mut out).map(|_| ()));
        match done {
            Ok(()) => String::from_utf8(out.out).map_err(|e| format!("templat {name} gagal: {e}")),
            Err(_) if out.over => Err(format!(
                "templat {name} dihentikan: keluarannya melebihi {} MB",
                TEMPLATE_OUTPUT_MAX / (1024 * 1024)
            )),
            Err(e) if e.kind() == minijinja::ErrorKind::OutOfFuel => Err(format!(
                "templat {name} dihentikan: melebihi {} langkah (kemungkinan perulangan tanpa akhir)",
                crate::domain::format_number_id(i64::try_from(TEMPLATE_FUEL).unwrap_or(i64::MAX))
            )),
            Err(e) => Err(format!("templat {name} gagal: {e}")),
        }
    }
}

fn pages() -> &'static Environment<'static> {
    static PAGES: OnceLock<Environment<'static>> = OnceLock::new();
    PAGES.get_or_init(|| {
        let mut env = environment();
        for (name, text) in PAGE_TEMPLATES {
            // Embedded templates are compiled by the unit test below; a broken one is a bug.
            if let Err(e) = env.add_template(name, text) {
                tracing::error!("templat halaman {name} tidak sah: {e}");
            }
        }
        env
    })
}

/// Renders page `name` with `ctx`, or says why it cannot (a bug: the pages are embedded and
/// tested).
pub(crate) fn try_page(name: &str, ctx: &impl Serialize) -> Result<String, String> {
    pages()
        .get_template(name)
        .and_then(|t| t.render(ctx))
        .map_err(|e| format!("halaman {name} gagal dibuat: {e}"))
}

/// Renders page `name` with `ctx`. A page that cannot render becomes a plain apology rather
/// than a panic.
pub(crate) fn page(name: &str, ctx: &impl Serialize) -> String {
    match try_page(name, ctx) {
        Ok(html) => html,
        Err(e) => {
            tracing::error!("{e}");
            "<!DOCTYPE html><html lang=\"id\"><head><meta charset=\"utf-8\"><title>Terjadi kesalahan — merit</title></head>\
             <body><h1>Terjadi kesalahan</h1><p>Halaman ini tidak dapat ditampilkan. Silakan coba lagi beberapa saat lagi.</p></body></html>"
                .to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_template_compiles() {
        let mut env = environment();
        for (name, text) in PAGE_TEMPLATES {
            env.add_template(name, text)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }

    #[test]
    fn pages_escape_what_people_typed() {
        #[derive(Serialize)]
        struct Ctx {
            judul: &'static str,
            teks: &'static str,
        }
        let html = page(
            "pesan.html",
            &Ctx {
                judul: "Uji",
                teks: "<script>alert(1)</script>",
            },
        );
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
    }

    /// An administrator's template that loops without end, or writes without end, is stopped
    /// by its fuel or its output cap, with a message saying which.
    #[test]
    fn hostile_message_templates_stop() {
        let dir = Path::new("workflows/templates");
        let load = |text: &str| {
            let src = crate::sources::Memory::under(
                dir,
                [("permintaan.txt".to_owned(), text.to_owned())],
            );
            Templates::load(&src, dir).expect("compiles")
        };
        let ctx = serde_json::json!({});
        let big = load(r#"{% for i in range(3) %}{{ "x" * 100000000 }}{% endfor %}"#);
        let e = big.render("permintaan.txt", &ctx).unwrap_err();
        assert!(e.contains("melebihi 2 MB"), "{e}");
        let endless = load(
            "{% for i in range(100000) %}{% for j in range(100000) %}{{ j }}{% endfor %}{% endfor %}",
        );
        let e = endless.render("permintaan.txt", &ctx).unwrap_err();
        assert!(e.contains("langkah") || e.contains("melebihi"), "{e}");
        let fine = load("Yth. {{ 1 + 1 }}");
        assert_eq!(fine.render("permintaan.txt", &ctx).as_deref(), Ok("Yth. 2"));
    }
}
