//! Signing in and out (console.md 2).

use axum::{
    Form,
    extract::{Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};

use super::{SESSION_COOKIE, SIGNIN_COOKIE, Signed, cookie, failure, html, status};
use crate::{
    http::{AppState, ClientAddr},
    service::{Refusal, ServiceError, accounts},
};

/// Where to go after signing in: only a console page of this site.
fn next_page(lanjut: Option<&str>) -> String {
    match lanjut {
        Some(p)
            if p.starts_with("/admin")
                && !p.starts_with("//")
                && !p.contains('\\')
                && p.len() <= 500
                && p.chars().all(|c| c.is_ascii_graphic()) =>
        {
            p.to_owned()
        }
        _ => "/admin".to_owned(),
    }
}

fn secure(state: &AppState) -> &'static str {
    if state.app.settings().base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    }
}

fn set_cookie(res: &mut Response, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// The sign-in page's query.
#[derive(Debug, Deserialize)]
pub(super) struct Next {
    lanjut: Option<String>,
}

#[derive(Serialize)]
struct FormPage<'a> {
    judul: &'static str,
    instansi: &'a str,
    csrf: &'a str,
    lanjut: &'a str,
    email: &'a str,
    pesan: Option<String>,
}

fn form_page(
    state: &AppState,
    code: StatusCode,
    lanjut: &str,
    email: &str,
    pesan: Option<String>,
) -> Response {
    let token = crate::auth::token().unwrap_or_default();
    let mut res = html(
        "admin/masuk.html",
        &FormPage {
            judul: "Masuk",
            instansi: &state.app.settings().instansi.nama,
            csrf: &token,
            lanjut,
            email,
            pesan,
        },
    );
    *res.status_mut() = code;
    set_cookie(
        &mut res,
        &format!(
            "{SIGNIN_COOKIE}={token}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=3600{}",
            secure(state)
        ),
    );
    res
}

/// `GET /admin/masuk`.
pub(super) async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<Next>,
) -> Response {
    if let Some(c) = cookie(&headers, SESSION_COOKIE)
        && let Ok(Some(_)) = accounts::session(&state.app, &c).await
    {
        return Redirect::to(&next_page(q.lanjut.as_deref())).into_response();
    }
    form_page(
        &state,
        StatusCode::OK,
        &next_page(q.lanjut.as_deref()),
        "",
        None,
    )
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub(super) struct SignIn {
    email: String,
    kata_sandi: String,
    csrf: String,
    #[serde(default)]
    lanjut: Option<String>,
}

/// `POST /admin/masuk`.
pub(super) async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::Extension(addr): axum::Extension<ClientAddr>,
    Form(f): Form<SignIn>,
) -> Response {
    let expected = cookie(&headers, SIGNIN_COOKIE).unwrap_or_default();
    if expected.is_empty() || !crate::auth::same(&f.csrf, &expected) {
        return status(StatusCode::FORBIDDEN);
    }
    let lanjut = next_page(f.lanjut.as_deref());
    let email: String = f.email.chars().take(254).collect();
    match accounts::sign_in(&state.app, &email, &f.kata_sandi, &addr.0.ip().to_string()).await {
        Ok(opened) => {
            let mut res = Redirect::to(&lanjut).into_response();
            set_cookie(
                &mut res,
                &format!(
                    "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age=43200{}",
                    opened.cookie,
                    secure(&state)
                ),
            );
            set_cookie(
                &mut res,
                &format!("{SIGNIN_COOKIE}=; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=0"),
            );
            res
        }
        Err(ServiceError::Refused(Refusal::SignInRefused)) => form_page(
            &state,
            StatusCode::UNAUTHORIZED,
            &lanjut,
            &email,
            Some("Surel atau kata sandi salah, atau akun tidak aktif.".to_owned()),
        ),
        Err(e @ ServiceError::Refused(Refusal::SignInThrottled(_))) => failure(e),
        Err(e) => failure(e),
    }
}

/// A form that carries only its token.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Token {
    pub csrf: String,
}

/// `POST /admin/keluar`.
pub(super) async fn sign_out(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Form(f): Form<Token>,
) -> Response {
    if let Err(r) = signed.check_csrf(super::actions::token(&headers, &f.csrf)) {
        return r.into_response();
    }
    if let Some(c) = cookie(&headers, SESSION_COOKIE)
        && let Err(e) = accounts::sign_out(&state.app, &c, &signed.actor()).await
    {
        return failure(e);
    }
    let mut res = Redirect::to("/admin/masuk").into_response();
    set_cookie(
        &mut res,
        &format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    res
}
