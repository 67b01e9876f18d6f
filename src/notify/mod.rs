//! NOTIFY: composing messages from outbox rows (templates, masked identifiers, local times,
//! signed links), delivering them (lettre), and reading replies (mail-parser). The only module
//! that imports lettre, minijinja or mail-parser.

pub mod compose;
pub mod mailer;
pub mod reply;
pub mod token;

pub use compose::{Outgoing, Setting, Templates, compose, mask};
pub use mailer::{Draft, Mailer, SendError};
