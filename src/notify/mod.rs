//! NOTIFY: composing messages from typed outbox entries (masked identifiers, local times, signed
//! links; the templates themselves are rendered by `render`), delivering them over a
//! [`Channel`] (e-mail through lettre), and reading replies (mail-parser). The only module that
//! imports lettre or mail-parser.

pub mod channel;
pub mod compose;
pub mod mailer;
pub mod reply;
pub mod token;

pub use channel::{Channel, Channels, Email};
pub use compose::{Outgoing, Setting, compose, mask};
pub use mailer::{Draft, Mailer, SendError};
