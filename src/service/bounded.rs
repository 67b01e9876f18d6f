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

static POOL: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(SLOTS);

/// How long a request waits for a place before it is told to come back.
const WAIT: Duration = Duration::from_secs(20);

/// Runs `work` on the bounded pool; refused with [`Refusal::Busy`] when no place frees up
/// within a while.
pub async fn run<T: Send + 'static>(
    what: &'static str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ServiceError> {
    let permit = tokio::time::timeout(WAIT, POOL.acquire())
        .await
        .map_err(|_| Refusal::Busy(WAIT.as_secs()))?
        .map_err(|e| ServiceError::unexpected(what, e))?;
    tokio::task::spawn_blocking(move || {
        let _held = permit;
        work()
    })
    .await
    .map_err(|e| ServiceError::unexpected(what, e))
}
