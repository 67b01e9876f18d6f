//! Notices to whoever holds `ADMIN` today.

use super::ServiceError;
use crate::{domain::Content, service::App};

/// Queues `content` for everyone holding `ADMIN` today, keyed `{key}/{person}`.
pub async fn tell_admins(
    app: &App,
    instance: Option<&str>,
    key: &str,
    content: Content,
) -> Result<(), ServiceError> {
    let (dir, _) = super::workflows::directory(app).await?;
    let today = app
        .clock
        .now()
        .with_timezone(&app.settings.timezone)
        .date_naive();
    let now_ms = app.clock.now_ms();
    for m in dir.to_admins(today, key, &content) {
        app.store.enqueue(instance, &m, now_ms).await?;
    }
    Ok(())
}
