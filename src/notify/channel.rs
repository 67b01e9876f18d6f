//! How a message leaves merit: one [`Channel`] per [`ChannelKind`]. A channel turns the typed
//! message into what its medium carries and returns the id the message went out with, which
//! replies quote. E-mail is the first channel; others plug in beside it.

use std::{future::Future, pin::Pin, sync::Arc};

use super::{
    compose::{Outgoing, Setting, compose},
    mailer::{Mailer, SendError},
};
use crate::domain::ChannelKind;

/// A boxed future, so channels can be held as trait objects.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A way to deliver messages.
pub trait Channel: Send + Sync {
    /// Which recipients it reaches.
    fn kind(&self) -> ChannelKind;

    /// Delivers `out`; returns the id the message went out with. A message that can never be
    /// delivered (a template that fails, an address the server refuses) is a permanent error.
    fn deliver<'a>(
        &'a self,
        out: &'a Outgoing<'a>,
        setting: &'a Setting<'a>,
    ) -> BoxFuture<'a, Result<String, SendError>>;
}

/// E-mail, through the configured transport.
pub struct Email {
    mailer: Mailer,
}

impl Email {
    /// E-mail over `mailer`.
    pub fn new(mailer: Mailer) -> Self {
        Self { mailer }
    }
}

impl Channel for Email {
    fn kind(&self) -> ChannelKind {
        ChannelKind::Email
    }

    fn deliver<'a>(
        &'a self,
        out: &'a Outgoing<'a>,
        setting: &'a Setting<'a>,
    ) -> BoxFuture<'a, Result<String, SendError>> {
        Box::pin(async move {
            let draft = compose(out, setting).map_err(SendError::Permanent)?;
            self.mailer.send(&draft).await?;
            Ok(draft.message_id)
        })
    }
}

/// The channels this process can deliver over.
#[derive(Clone, Default)]
pub struct Channels {
    list: Vec<Arc<dyn Channel>>,
}

impl Channels {
    /// E-mail only, over `mailer`.
    pub fn email(mailer: Mailer) -> Self {
        Self::default().with(Arc::new(Email::new(mailer)))
    }

    /// These channels and `channel` (which replaces one of the same kind).
    pub fn with(mut self, channel: Arc<dyn Channel>) -> Self {
        self.list.retain(|c| c.kind() != channel.kind());
        self.list.push(channel);
        self
    }

    /// The channel for `kind`.
    pub fn get(&self, kind: ChannelKind) -> Option<&dyn Channel> {
        self.list
            .iter()
            .find(|c| c.kind() == kind)
            .map(|c| c.as_ref())
    }
}
