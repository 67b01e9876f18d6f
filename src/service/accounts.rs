//! Console accounts and sessions (console.md 2): accounts with Argon2id passwords, sign-in with
//! throttling (5 refusals per account or per address in 15 minutes), sessions kept in the
//! database under the digest of their cookie with idle and absolute expiry, and a CSRF token
//! per session. Every attempt, success or not, is audited.

use serde::Serialize;

use super::{
    App, Refusal, ServiceError, Sought,
    ground::audit::{self, Actor},
};
use crate::{
    auth,
    domain::{Action, Email, Password, Role},
    store::AuditCount,
};

/// Refusals within this window count towards throttling.
const THROTTLE_WINDOW_MS: i64 = 15 * 60 * 1_000;

/// Refusals (per account or per address) after which sign-in waits out the window.
const THROTTLE_AFTER: i64 = 5;

/// A session ends this long after it opened, however busy.
const ABSOLUTE_MS: i64 = 12 * 3_600 * 1_000;

/// Password checks running at once in this process.
static VERIFYING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Sign-in attempts of one application (database and agency) in this process.
#[derive(Default)]
pub(crate) struct SignIns {
    /// Admission to a password check: the refusals on record are read and a place reserved
    /// under this lock, so parallel attempts cannot all read the same count.
    admitting: tokio::sync::Mutex<()>,
    /// Attempts admitted and still being checked, per throttle key (`akun #…`, `dari …`): each
    /// counts as a refusal until it ends, so exactly [`THROTTLE_AFTER`] may fail in a window
    /// (in one process; several `merit serve` processes each admit their own checks).
    in_flight: std::sync::Mutex<std::collections::HashMap<String, i64>>,
}

/// A session's last use is written at most this often (not on every page), and more often
/// when `sesi_ttl` is short: see [`touch_after_ms`].
const TOUCH_EVERY_MS: i64 = 60_000;

/// How old a session's recorded last use may get before a request writes it again: the
/// shorter of a minute and half the idle limit, so a session in use never ends early.
fn touch_after_ms(idle_ms: i64) -> i64 {
    TOUCH_EVERY_MS.min(idle_ms / 2)
}

/// What an unknown account name is recorded as: never what was typed (it may be a password
/// typed into the wrong field).
pub const UNKNOWN_ACCOUNT: &str = "(tidak dikenal)";

impl SignIns {
    fn in_flight(&self, key: &str) -> i64 {
        self.in_flight
            .lock()
            .map(|m| m.get(key).copied().unwrap_or(0))
            .unwrap_or(0)
    }
}

/// A place reserved for one attempt under its throttle keys, given back when dropped (also
/// when the request is abandoned half-way).
struct Reserved(std::sync::Arc<SignIns>, Vec<String>);

impl Reserved {
    fn take(sign_ins: &std::sync::Arc<SignIns>, keys: Vec<String>) -> Self {
        if let Ok(mut m) = sign_ins.in_flight.lock() {
            for k in &keys {
                *m.entry(k.clone()).or_default() += 1;
            }
        }
        Self(sign_ins.clone(), keys)
    }
}

impl Drop for Reserved {
    fn drop(&mut self) {
        if let Ok(mut m) = self.0.in_flight.lock() {
            for k in &self.1 {
                if let Some(n) = m.get_mut(k) {
                    *n -= 1;
                    if *n <= 0 {
                        m.remove(k);
                    }
                }
            }
        }
    }
}

/// An account as the console and `merit user list` show it.
#[derive(Debug, Clone, Serialize)]
pub struct Account {
    /// Address (the sign-in name).
    pub email: String,
    /// Name shown in the header.
    pub nama: String,
    /// Role.
    pub peran: Role,
    /// Whether it may sign in.
    pub aktif: bool,
    /// Created, epoch ms.
    pub dibuat_ms: i64,
}

fn account_from(u: crate::store::UserRow) -> Result<Account, ServiceError> {
    Ok(Account {
        peran: Role::parse(&u.peran).map_err(ServiceError::internal)?,
        email: u.email,
        nama: u.nama,
        aktif: u.aktif,
        dibuat_ms: u.dibuat_ms,
    })
}

fn hashed(p: &Password) -> Result<String, ServiceError> {
    auth::hash_password(p).map_err(ServiceError::internal)
}

/// A password given, or one generated (returned so it can be handed over once).
fn password_or_generated(
    given: Option<Password>,
) -> Result<(Password, Option<String>), ServiceError> {
    match given {
        Some(p) => Ok((p, None)),
        None => {
            let g = auth::generated_password().map_err(ServiceError::internal)?;
            let p = Password::parse(&g).map_err(ServiceError::internal)?;
            Ok((p, Some(g)))
        }
    }
}

/// Adds an account; returns the generated password when none was given.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn add(
    app: &App,
    email: &Email,
    nama: &str,
    role: Role,
    password: Option<Password>,
    actor: &Actor,
) -> Result<Option<String>, ServiceError> {
    let nama = crate::domain::strip_controls(nama.trim());
    if nama.chars().count() > 200 {
        return Err(ServiceError::value("--nama", "paling panjang 200 karakter"));
    }
    let nama = if nama.is_empty() {
        email.as_str().to_owned()
    } else {
        nama
    };
    let (password, generated) = password_or_generated(password)?;
    let hash = {
        let p = password;
        tokio::task::spawn_blocking(move || hashed(&p))
            .await
            .map_err(|e| ServiceError::unexpected("hash kata sandi", e))??
    };
    let stamp = audit::stamp(
        app,
        actor,
        Action::PenggunaTambah,
        email.as_str(),
        &format!("peran {}", role.code()),
    )
    .await?;
    if !app
        .store
        .add_user(
            email.as_str(),
            &nama,
            role.code(),
            &hash,
            app.clock.now_ms(),
            &stamp,
        )
        .await?
    {
        return Err(Refusal::AccountExists(email.to_string()).into());
    }
    Ok(generated)
}

/// Every account.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(app: &App) -> Result<Vec<Account>, ServiceError> {
    app.store
        .users()
        .await?
        .into_iter()
        .map(account_from)
        .collect()
}

/// Disables an account and ends its sessions. Nobody disables their own account from the
/// console (`actor` is that account), and the last active administrator stays.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn disable(app: &App, email: &Email, actor: &Actor) -> Result<(), ServiceError> {
    if actor.orang.eq_ignore_ascii_case(email.as_str()) {
        return Err(super::Refusal::OwnAccount.into());
    }
    let stamp = audit::stamp(app, actor, Action::PenggunaNonaktif, email.as_str(), "").await?;
    match app
        .store
        .disable_user_keeping_admin(email.as_str(), app.clock.now_ms(), &stamp)
        .await?
    {
        None => Err(ServiceError::not_found(Sought::Account, email.as_str())),
        Some(false) => Err(super::Refusal::LastAdmin.into()),
        Some(true) => Ok(()),
    }
}

/// Ends every session of an account now (it signs in again); audited.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn end_sessions(app: &App, email: &Email, actor: &Actor) -> Result<u64, ServiceError> {
    if app.store.user(email.as_str()).await?.is_none() {
        return Err(ServiceError::not_found(Sought::Account, email.as_str()));
    }
    let stamp = audit::stamp(app, actor, Action::Keluar, email.as_str(), "").await?;
    let n = app
        .store
        .end_sessions_of(email.as_str(), &|n| {
            stamp.detailed(&format!("{n} sesi diakhiri oleh administrator"))
        })
        .await?;
    Ok(n)
}

/// Enables a disabled account again (its old sessions stay ended).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn enable(app: &App, email: &Email, actor: &Actor) -> Result<(), ServiceError> {
    let stamp = audit::stamp(app, actor, Action::PenggunaAktif, email.as_str(), "").await?;
    if !app
        .store
        .enable_user(email.as_str(), app.clock.now_ms(), &stamp)
        .await?
    {
        return Err(ServiceError::not_found(Sought::Account, email.as_str()));
    }
    Ok(())
}

/// Sets a new password (given, or generated and returned) and ends the account's sessions.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn reset_password(
    app: &App,
    email: &Email,
    password: Option<Password>,
    actor: &Actor,
) -> Result<Option<String>, ServiceError> {
    if app.store.user(email.as_str()).await?.is_none() {
        return Err(ServiceError::not_found(Sought::Account, email.as_str()));
    }
    let (password, generated) = password_or_generated(password)?;
    let hash = tokio::task::spawn_blocking(move || hashed(&password))
        .await
        .map_err(|e| ServiceError::unexpected("hash kata sandi", e))??;
    let stamp = audit::stamp(app, actor, Action::PenggunaSandi, email.as_str(), "").await?;
    if !app
        .store
        .set_user_password(email.as_str(), &hash, app.clock.now_ms(), &stamp)
        .await?
    {
        return Err(ServiceError::not_found(Sought::Account, email.as_str()));
    }
    Ok(generated)
}

/// A session just opened: the cookie value (given to the browser only) and its CSRF token.
#[derive(Debug, Clone)]
pub struct Opened {
    /// The `merit_sesi` cookie value.
    pub cookie: String,
    /// The account.
    pub account: Account,
}

/// The CSRF token of the sign-in form for a cookie holding `nonce`: an HMAC of it under the
/// server secret, so a cookie an attacker plants is useless without the secret.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn sign_in_token(app: &App, nonce: &str) -> Result<String, ServiceError> {
    let secret = crate::service::ground::links::link_secret(app).await?;
    Ok(auth::bound_token(&secret, "masuk", nonce))
}

/// A fresh sign-in form's cookie value and the token the form carries.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn sign_in_form(app: &App) -> Result<(String, String), ServiceError> {
    let nonce = auth::token().map_err(ServiceError::internal)?;
    let token = sign_in_token(app, &nonce).await?;
    Ok((nonce, token))
}

/// Whether `token` is the sign-in form's token for the cookie `nonce`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn sign_in_token_holds(app: &App, nonce: &str, token: &str) -> bool {
    if nonce.is_empty() || token.is_empty() {
        return false;
    }
    match sign_in_token(app, nonce).await {
        Ok(expected) => auth::same(token, &expected),
        Err(_) => false,
    }
}

/// Signs `email` in from `dari` with `password`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn sign_in(
    app: &App,
    email: &str,
    password: &str,
    dari: &str,
) -> Result<Opened, ServiceError> {
    let typed = crate::domain::strip_controls(email.trim()).to_lowercase();
    let parsed = Email::parse(&typed).ok();
    let user = match &parsed {
        Some(e) => app.store.user(e.as_str()).await?,
        None => None,
    };
    // Attempts count under a keyed tag of the name as the account is found (so variants of
    // one address share one counter, and an unknown name is counted without being written).
    let name = parsed
        .as_ref()
        .map_or_else(|| typed.clone(), |e| e.as_str().to_owned());
    let objek = format!("akun {}", audit::tag(app, &name).await?);
    let actor = Actor::account(
        user.as_ref().map_or(UNKNOWN_ACCOUNT, |u| u.email.as_str()),
        dari,
    );
    let address = format!("dari {dari}");
    let now = app.clock.now_ms();
    let since = now - THROTTLE_WINDOW_MS;
    let sign_ins = app.caches.sign_ins.clone();
    let reserved = {
        let _admit = sign_ins.admitting.lock().await;
        let refused_account = app
            .store
            .audit_count(Action::MasukGagal.code(), AuditCount::Objek(&objek), since)
            .await?
            + sign_ins.in_flight(&objek);
        let refused_address = app
            .store
            .audit_count(Action::MasukGagal.code(), AuditCount::Dari(dari), since)
            .await?
            + sign_ins.in_flight(&address);
        if refused_account >= THROTTLE_AFTER || refused_address >= THROTTLE_AFTER {
            None
        } else {
            Some(Reserved::take(&sign_ins, vec![objek.clone(), address]))
        }
    };
    let Some(reserved) = reserved else {
        // Recorded, but not counted: a refused attempt does not lengthen the window.
        audit::record(
            app,
            &actor,
            Action::MasukDitahan,
            &objek,
            "ditahan: terlalu banyak percobaan",
        )
        .await?;
        return Err(Refusal::SignInThrottled(THROTTLE_WINDOW_MS / 60_000).into());
    };
    // Few checks at a time: bounded memory (19 MiB each).
    let _turn = VERIFYING
        .acquire()
        .await
        .map_err(|e| ServiceError::unexpected("antrean masuk", e))?;
    let (pw, hash) = (
        password.to_owned(),
        user.as_ref().map(|u| u.hash_sandi.clone()),
    );
    let matches = tokio::task::spawn_blocking(move || auth::verify_or_decoy(&pw, hash.as_deref()))
        .await
        .map_err(|e| ServiceError::unexpected("memeriksa kata sandi", e))?;
    let Some(user) = user.filter(|u| matches && u.aktif) else {
        // The refusal goes on record and the reservation is given back while no admission
        // counts: it is counted once, never twice or not at all.
        let recorded = {
            let _admit = sign_ins.admitting.lock().await;
            let recorded = audit::record(
                app,
                &actor,
                Action::MasukGagal,
                &objek,
                "surel atau kata sandi salah, atau akun tidak aktif",
            )
            .await;
            drop(reserved);
            recorded
        };
        recorded?;
        return Err(Refusal::SignInRefused.into());
    };
    drop(reserved);
    let cookie = auth::token().map_err(ServiceError::internal)?;
    let csrf = auth::token().map_err(ServiceError::internal)?;
    let stamp = audit::stamp(app, &actor, Action::Masuk, "", "").await?;
    app.store
        .add_session(
            &auth::digest(&cookie),
            &user.email,
            &csrf,
            dari,
            now,
            &stamp,
        )
        .await?;
    Ok(Opened {
        cookie,
        account: account_from(user)?,
    })
}

/// A live session.
#[derive(Debug, Clone)]
pub struct Session {
    /// The account.
    pub account: Account,
    /// The CSRF token every form of this session carries.
    pub csrf: String,
}

/// The session a cookie opens, if it is live: the account active, used within `sesi_ttl`,
/// opened within 12 hours. An expired session is removed.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn session(app: &App, cookie: &str) -> Result<Option<Session>, ServiceError> {
    let digest = auth::digest(cookie);
    let Some(row) = app.store.session(&digest).await? else {
        return Ok(None);
    };
    let now = app.clock.now_ms();
    let idle = app.settings.session_idle.num_milliseconds();
    if !row.aktif || now - row.terakhir_ms > idle || now - row.dibuat_ms > ABSOLUTE_MS {
        app.store.end_session(&digest, None).await?;
        return Ok(None);
    }
    if now - row.terakhir_ms > touch_after_ms(idle) {
        app.store.touch_session(&digest, now).await?;
    }
    Ok(Some(Session {
        account: Account {
            peran: Role::parse(&row.peran).map_err(ServiceError::internal)?,
            email: row.email,
            nama: row.nama,
            aktif: row.aktif,
            dibuat_ms: 0,
        },
        csrf: row.csrf,
    }))
}

/// Ends the session of `cookie`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn sign_out(app: &App, cookie: &str, actor: &Actor) -> Result<(), ServiceError> {
    let stamp = audit::stamp(app, actor, Action::Keluar, "", "").await?;
    app.store
        .end_session(&auth::digest(cookie), Some(&stamp))
        .await?;
    Ok(())
}

/// Removes expired sessions (the scheduler calls this now and then).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn sweep(app: &App) -> Result<u64, ServiceError> {
    let now = app.clock.now_ms();
    Ok(app
        .store
        .end_expired_sessions(
            now - app.settings.session_idle.num_milliseconds(),
            now - ABSOLUTE_MS,
        )
        .await?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_session_in_use_is_touched_before_half_its_idle_time() {
        assert_eq!(super::touch_after_ms(30 * 60_000), 60_000);
        assert_eq!(super::touch_after_ms(60_000), 30_000);
    }
}
