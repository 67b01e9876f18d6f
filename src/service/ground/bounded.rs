//! Checking an administrator's edit — compiling and testing a ruleset, rendering message
//! templates with a sample, typesetting document templates — is the administrator's program
//! running on the server. It runs here, off the request threads, on a blocking pool of
//! [`SLOTS`] places (console.md 5, "Bounded work"), so that approvers' confirm pages and
//! `/healthz` keep answering. Each kind of work also stops itself: Rhai at its script limits
//! and the test budget, minijinja at its fuel and output cap, typst in a child process at its
//! wall-clock and memory limits ([`crate::sandbox`]). A place a runaway check holds stays
//! taken until the check stops, so such checks cannot pile up threads.

use std::time::Duration;

use super::{Refusal, ServiceError};

/// Checks running at once in this process.
pub const SLOTS: usize = 2;

static CHECKS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(SLOTS);

/// Real documents typeset at once in this process (each in a child that may take the
/// `dokumen_memori_mb` limit).
static DOCUMENTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(SLOTS);

/// How long a check waits for a place before it is told to come back.
const WAIT: Duration = Duration::from_secs(20);

/// How long a document waits for a place (the documents before it may take minutes).
const WAIT_DOCUMENT: Duration = Duration::from_secs(600);

/// Runs `work` (a check of an administrator's edit) on the bounded pool; refused with
/// [`Refusal::Busy`] when no place frees up within a while.
pub async fn run<T: Send + 'static>(
    what: &'static str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ServiceError> {
    on(&CHECKS, WAIT, what, work).await
}

/// Runs `work` (typesetting a real document) with at most [`SLOTS`] at once.
pub async fn document<T: Send + 'static>(
    what: &'static str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ServiceError> {
    on(&DOCUMENTS, WAIT_DOCUMENT, what, work).await
}

async fn on<T: Send + 'static>(
    pool: &'static tokio::sync::Semaphore,
    wait: Duration,
    what: &'static str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ServiceError> {
    let permit = tokio::time::timeout(wait, pool.acquire())
        .await
        .map_err(|_| Refusal::Busy(wait.as_secs()))?
        .map_err(|e| ServiceError::unexpected(what, e))?;
    tokio::task::spawn_blocking(move || {
        let _held = permit;
        work()
    })
    .await
    .map_err(|e| ServiceError::unexpected(what, e))
}
