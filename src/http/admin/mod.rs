//! The web console under `/admin` (console.md): who is signed in (the `merit_sesi` cookie),
//! what their role allows, the CSRF token every form carries, and the layout every page shares.
//! Handlers only read the request, call `service`, and pick a template.

mod actions;
mod downloads;
mod editor;
mod objections;
mod officer;
mod pages;
mod signin;

use axum::{
    Router,
    extract::FromRequestParts,
    http::{HeaderMap, StatusCode, header, request::Parts},
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Serialize;

use super::{AppState, ClientAddr, OurPage};
use crate::{
    domain::Role,
    render,
    service::{
        ServiceError,
        accounts::{self, Session},
        audit::Actor,
        console::Viewer,
    },
};

/// The session cookie.
pub(super) const SESSION_COOKIE: &str = "merit_sesi";

/// The cookie holding the sign-in form's CSRF token (there is no session yet).
const SIGNIN_COOKIE: &str = "merit_masuk";

/// The console's routes.
pub(super) fn router(state: &AppState) -> Router<AppState> {
    let upload = axum::extract::DefaultBodyLimit::max(
        usize::try_from(state.app.settings().upload_max_bytes).unwrap_or(usize::MAX),
    );
    Router::new()
        .route("/admin", get(pages::home))
        .route("/admin/masuk", get(signin::form).post(signin::submit))
        .route("/admin/keluar", post(signin::sign_out))
        .route("/admin/calon", get(pages::candidates))
        .route("/admin/calon/{nik}", get(pages::candidate))
        .route(
            "/admin/calon/{nik}/ubah",
            get(officer::edit_form).post(officer::edit),
        )
        .route("/admin/calon/{nik}/saring", post(officer::rescreen))
        .route("/admin/calon/{nik}/verifikasi", post(officer::verify))
        .route("/admin/calon/{nik}/verifikasi/cabut", post(officer::clear))
        .route("/admin/verifikasi", get(officer::findings))
        .route(
            "/admin/pengumuman",
            get(objections::announcements).post(objections::publish),
        )
        .route("/admin/pengumuman/{nomor}/tutup", post(objections::close))
        .route("/admin/sanggah", get(objections::objections))
        .route("/admin/sanggah/{nomor}", get(objections::objection_page))
        .route(
            "/admin/sanggah/{nomor}/berkas/{urut}",
            get(objections::objection_file),
        )
        .route("/admin/alur/{id}/batalkan", post(actions::cancel_workflow))
        .route("/admin/pengguna/aktif", post(actions::enable_user))
        .route("/admin/pengguna/sesi", post(actions::end_sessions))
        .route(
            "/admin/penyaringan",
            get(pages::runs).post(actions::start_run),
        )
        .route("/admin/penyaringan/{run}", get(pages::run))
        .route(
            "/admin/penempatan",
            get(pages::placements).post(actions::place),
        )
        .route(
            "/admin/alur",
            get(pages::workflows).post(actions::start_workflow),
        )
        .route("/admin/alur/{id}", get(pages::timeline))
        .route(
            "/admin/impor",
            get(pages::import_form).post(actions::import).layer(upload),
        )
        .route("/admin/unduhan", get(downloads::index))
        .route("/admin/unduhan/{berkas}", get(downloads::file))
        .route("/admin/aturan", get(pages::rules))
        .route("/admin/draf", post(editor::begin))
        .route("/admin/draf/{id}", get(editor::draft))
        .route("/admin/draf/{id}/periksa", post(editor::trial))
        .route(
            "/admin/draf/{id}/berkas",
            get(editor::file).post(editor::save_file),
        )
        .route("/admin/draf/{id}/param", post(editor::set_param))
        .route("/admin/draf/{id}/aturan", post(editor::rule))
        .route("/admin/draf/{id}/terima", post(editor::accept))
        .route(
            "/admin/draf/{id}/pratinjau",
            get(editor::preview).post(editor::start_preview),
        )
        .route("/admin/draf/{id}/jelaskan", post(editor::explain))
        .route("/admin/draf/{id}/terbitkan", post(editor::publish))
        .route("/admin/draf/{id}/buang", post(editor::discard))
        .route("/admin/versi/pulihkan", post(editor::restore))
        .route("/admin/alur-definisi", get(editor::workflows))
        .route(
            "/admin/direktori",
            get(editor::directory).post(editor::edit_directory),
        )
        .route("/admin/templat", get(editor::templates))
        .route("/admin/audit", get(pages::audit))
        .route("/admin/pengguna", get(pages::users).post(actions::add_user))
        .route("/admin/pengguna/nonaktif", post(actions::disable_user))
        .route("/admin/pengguna/sandi", post(actions::reset_password))
}

/// A signed-in request.
pub(super) struct Signed {
    pub(super) session: Session,
    pub(super) addr: String,
}

impl Signed {
    /// The viewer for service calls.
    pub(super) fn viewer(&self) -> Viewer {
        Viewer {
            role: self.session.account.peran,
            actor: self.actor(),
        }
    }

    /// Who acts, for the audit log.
    pub(super) fn actor(&self) -> Actor {
        Actor::account(&self.session.account.email, &self.addr)
    }

    /// Refuses unless the role reaches `role`.
    pub(super) fn require(&self, role: Role) -> Result<(), Forbidden> {
        if self.session.account.peran >= role {
            Ok(())
        } else {
            Err(Forbidden)
        }
    }

    /// Refuses unless `token` is this session's CSRF token.
    pub(super) fn check_csrf(&self, token: &str) -> Result<(), Forbidden> {
        if crate::auth::same(token, &self.session.csrf) {
            Ok(())
        } else {
            Err(Forbidden)
        }
    }
}

/// A request above the signed-in role, or without this session's CSRF token: the 403 page.
#[derive(Debug, Clone, Copy)]
pub(super) struct Forbidden;

impl IntoResponse for Forbidden {
    fn into_response(self) -> Response {
        status(StatusCode::FORBIDDEN)
    }
}

/// A private temporary folder, removed when dropped — also when the request is abandoned
/// half-way (a closed connection, a time limit), so no upload or export is left behind.
pub(super) use crate::service::TempFolder;

/// The value of cookie `name`.
pub(super) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The client's address, as the accept loop saw it.
fn client(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ClientAddr>()
        .map_or_else(|| "tidak diketahui".to_owned(), |a| a.0.ip().to_string())
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let addr = client(parts);
        let found = match cookie(&parts.headers, SESSION_COOKIE) {
            Some(c) => accounts::session(&state.app, &c).await.map_err(failure)?,
            None => None,
        };
        match found {
            Some(session) => Ok(Self { session, addr }),
            None => {
                let wanted = parts.uri.to_string();
                let target =
                    if parts.method == axum::http::Method::GET && wanted.starts_with("/admin") {
                        format!("/admin/masuk?lanjut={}", percent_encode(&wanted))
                    } else {
                        "/admin/masuk".to_owned()
                    };
                Err(Redirect::to(&target).into_response())
            }
        }
    }
}

/// Percent-encodes a query value.
pub(super) fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The parts every console page shares.
#[derive(Serialize)]
pub(super) struct Frame<'a> {
    /// Page title.
    pub judul: &'a str,
    /// Which menu item is current.
    pub menu: &'static str,
    /// The agency.
    pub instansi: String,
    /// Who is signed in, and as what.
    pub nama: String,
    pub peran: &'static str,
    /// What the role may do.
    pub operator: bool,
    pub admin: bool,
    pub lihat_nik: bool,
    /// The form token.
    pub csrf: String,
    /// Breadcrumbs: (label, link).
    pub jejak: Vec<(String, String)>,
    /// merit's version.
    pub versi: &'static str,
    /// A notice an action left for this page (sealed in the redirect's `?pesan=`).
    pub pesan: Option<String>,
}

impl Signed {
    /// The frame of a page titled `judul` under menu item `menu`.
    pub(super) fn frame<'a>(
        &self,
        state: &AppState,
        judul: &'a str,
        menu: &'static str,
    ) -> Frame<'a> {
        let role = self.session.account.peran;
        Frame {
            judul,
            menu,
            instansi: state.app.settings().instansi.nama.clone(),
            nama: self.session.account.nama.clone(),
            peran: role.label(),
            operator: role >= Role::Operator,
            admin: role >= Role::Admin,
            lihat_nik: role.sees_identifiers(),
            csrf: self.session.csrf.clone(),
            jejak: vec![("Beranda".to_owned(), "/admin".to_owned())],
            versi: env!("CARGO_PKG_VERSION"),
            pesan: None,
        }
    }
}

/// The query of a page an action redirects to with a notice.
#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct NoticeQuery {
    #[serde(default)]
    pub pesan: Option<String>,
}

impl NoticeQuery {
    /// The notice, when the token is ours.
    pub(super) async fn open(&self, state: &AppState) -> Option<String> {
        match self.pesan.as_deref() {
            Some(p) => crate::service::console::open_notice(&state.app, p).await,
            None => None,
        }
    }
}

/// `page` with `pesan` sealed into its query, shown there once.
pub(super) async fn with_notice(state: &AppState, page: &str, pesan: &str) -> String {
    match crate::service::console::seal_notice(&state.app, pesan).await {
        Ok(sealed) => {
            let sep = if page.contains('?') { '&' } else { '?' };
            format!("{page}{sep}pesan={}", percent_encode(&sealed))
        }
        Err(_) => page.to_owned(),
    }
}

/// Renders console template `name` with `ctx`.
pub(super) fn html(name: &str, ctx: &impl Serialize) -> Response {
    match render::try_page(name, ctx) {
        Ok(body) => {
            let mut res = Html(body).into_response();
            res.extensions_mut().insert(OurPage);
            res
        }
        Err(e) => {
            tracing::error!("{e}");
            status(StatusCode::INTERNAL_SERVER_ERROR)
        }
    }
}

/// The way back from a console error page.
const BACK: (&str, &str) = ("Kembali ke Beranda konsol", "/admin");

/// The Bahasa page for `status`, with a way back to the console.
pub(super) fn status(code: StatusCode) -> Response {
    let (title, text) = super::status_text(code);
    super::page(code, Html(super::pages::message_back(title, text, BACK)))
}

/// A service error as the console shows it: input and refusals as a page saying what is
/// wrong (400/404/409), the rest as a 500 (logged).
pub(super) fn failure(e: ServiceError) -> Response {
    let (code, title) = match &e {
        ServiceError::Invalid(_) | ServiceError::Definitions { .. } => {
            (StatusCode::BAD_REQUEST, "Permintaan tidak dapat diproses")
        }
        ServiceError::NotFound(_) => (StatusCode::NOT_FOUND, "Tidak ditemukan"),
        ServiceError::Refused(crate::service::Refusal::SignInThrottled(_)) => {
            (StatusCode::TOO_MANY_REQUESTS, "Terlalu banyak percobaan")
        }
        ServiceError::Refused(r) if r.is_input() => {
            (StatusCode::BAD_REQUEST, "Permintaan tidak dapat diproses")
        }
        ServiceError::Refused(_) => (StatusCode::CONFLICT, "Tidak dapat dilakukan sekarang"),
        ServiceError::Store(_) | ServiceError::Unexpected(_) => {
            tracing::error!("kesalahan konsol: {e}");
            return status(StatusCode::INTERNAL_SERVER_ERROR);
        }
    };
    super::page(
        code,
        Html(super::pages::message_back(
            title,
            &crate::domain::redact_identifiers(&format!("{e}.")).0,
            BACK,
        )),
    )
}

/// Whether a form carries the confirmation its confirmation page adds (`konfirmasi=ya`).
pub(super) fn confirmed(f: &std::collections::HashMap<String, String>) -> bool {
    f.get("konfirmasi").map(String::as_str) == Some("ya")
}

/// What a confirmation page says and sends again.
pub(super) struct Confirm<'a> {
    /// Title, e.g. "Batalkan proses persetujuan?".
    pub judul: &'a str,
    /// What will happen, one sentence each.
    pub uraian: Vec<String>,
    /// Where the confirmed form goes.
    pub aksi: String,
    /// The button.
    pub tombol: &'a str,
    /// Where "Batal" leads.
    pub kembali: String,
    /// Fields a person must fill on this page (name, label), e.g. a reason.
    pub isian_wajib: Vec<(&'a str, &'a str)>,
}

#[derive(Serialize)]
struct ConfirmPage<'a> {
    f: Frame<'a>,
    uraian: &'a [String],
    aksi: &'a str,
    tombol: &'a str,
    kembali: &'a str,
    /// The form as sent, echoed as hidden fields (the token and the confirmation excluded).
    tersembunyi: Vec<(&'a str, &'a str)>,
    isian_wajib: Vec<(&'a str, &'a str, &'a str)>,
}

/// The page that asks before an action that changes or removes something (console.md 5): it
/// says what will happen and sends the same form again with `konfirmasi=ya`. No JavaScript.
pub(super) fn confirm_page(
    signed: &Signed,
    state: &AppState,
    menu: &'static str,
    c: &Confirm<'_>,
    form: &std::collections::HashMap<String, String>,
) -> Response {
    let wanted: Vec<&str> = c.isian_wajib.iter().map(|(n, _)| *n).collect();
    let mut tersembunyi: Vec<(&str, &str)> = form
        .iter()
        .filter(|(k, _)| {
            !matches!(k.as_str(), "csrf" | "konfirmasi") && !wanted.contains(&k.as_str())
        })
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    tersembunyi.sort_unstable();
    let isian_wajib = c
        .isian_wajib
        .iter()
        .map(|(name, label)| (*name, *label, form.get(*name).map_or("", String::as_str)))
        .collect();
    let mut frame = signed.frame(state, c.judul, menu);
    frame.jejak.push((c.judul.to_owned(), String::new()));
    html(
        "admin/konfirmasi_aksi.html",
        &ConfirmPage {
            f: frame,
            uraian: &c.uraian,
            aksi: &c.aksi,
            tombol: c.tombol,
            kembali: &c.kembali,
            tersembunyi,
            isian_wajib,
        },
    )
}
