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

fn https(state: &AppState) -> bool {
    state.app.settings().base_url.starts_with("https://")
}

fn secure(state: &AppState) -> &'static str {
    if https(state) { "; Secure" } else { "" }
}

/// The sign-in form's cookie: `__Host-merit_masuk` over https (the browser then refuses one
/// set by another host or for a narrower path), else `merit_masuk` under `/admin`.
fn signin_cookie(state: &AppState) -> (&'static str, &'static str) {
    if https(state) {
        ("__Host-merit_masuk", "/")
    } else {
        (SIGNIN_COOKIE, "/admin")
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

async fn form_page(
    state: &AppState,
    code: StatusCode,
    lanjut: &str,
    email: &str,
    pesan: Option<String>,
) -> Response {
    let (nonce, token) = match accounts::sign_in_form(&state.app).await {
        Ok(pair) => pair,
        Err(e) => return failure(e),
    };
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
    let (name, path) = signin_cookie(state);
    set_cookie(
        &mut res,
        &format!(
            "{name}={nonce}; Path={path}; HttpOnly; SameSite=Strict; Max-Age=3600{}",
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
    .await
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
    let nonce = cookie(&headers, signin_cookie(&state).0).unwrap_or_default();
    if !accounts::sign_in_token_holds(&state.app, &nonce, &f.csrf).await {
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
            let (name, path) = signin_cookie(&state);
            set_cookie(
                &mut res,
                &format!(
                    "{name}=; Path={path}; HttpOnly; SameSite=Strict; Max-Age=0{}",
                    secure(&state)
                ),
            );
            res
        }
        Err(ServiceError::Refused(Refusal::SignInRefused)) => {
            form_page(
                &state,
                StatusCode::UNAUTHORIZED,
                &lanjut,
                &email,
                Some("Surel atau kata sandi salah, atau akun tidak aktif.".to_owned()),
            )
            .await
        }
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
