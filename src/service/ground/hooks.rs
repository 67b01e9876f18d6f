//! What the ground floor asks of use cases above it without naming them: the root of the
//! service (`service/mod.rs`) fills [`Hooks`] once, so a use case learns of another's event —
//! a workflow instance that ended — through a hook rather than a call.

use futures_util::future::BoxFuture;

use super::{ServiceError, audit::Actor};
use crate::{diagnostic::Diagnostics, documents::DocumentTemplates, sandbox::Limits, service::App};

/// A workflow instance ended: (app, instance id, approved, by whom, as the approval workflow). Each hook decides for
/// itself whether the instance is one it cares about.
pub type InstanceEnded =
    for<'a> fn(&'a App, &'a str, bool, &'a Actor) -> BoxFuture<'a, Result<(), ServiceError>>;

/// Checks the document templates by typesetting them with sample data (the documents know the
/// shape of their data; the definitions in force only need the verdict).
pub type TemplateCheck = fn(&DocumentTemplates, &Limits) -> Result<(), Diagnostics>;

/// The hooks of this build.
pub struct Hooks {
    /// Told, in order, whenever a workflow instance ends (approved, refused or cancelled).
    pub instance_ended: &'static [InstanceEnded],
    /// Checks document templates before they are put in force.
    pub check_templates: TemplateCheck,
}

/// Tells every hook that instance `id` ended. A hook's failure is logged, never returned: the
/// decision that ended the instance is recorded whatever happens after it (the hook's owner
/// settles again on its own page, e.g. `drafts::settle`).
pub async fn instance_ended(app: &App, id: &str, approved: bool, actor: &Actor) {
    for hook in crate::service::HOOKS.instance_ended {
        if let Err(e) = hook(app, id, approved, actor).await {
            tracing::error!(instans = %id, "tindak lanjut akhir proses gagal: {e}");
        }
    }
}
