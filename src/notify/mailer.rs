//! Building and delivering messages with lettre: the only module that imports it. Transports:
//! a folder of `.eml` files, or SMTP (plain, STARTTLS, implicit TLS, AUTH) over one kept-open
//! connection opened with TCP_NODELAY (lettre 0.11 does not set it; without it every message
//! stalls ~40 ms on Nagle's algorithm).

use std::{path::PathBuf, time::Duration};

use lettre::{
    Message,
    message::{Mailbox, MultiPart, SinglePart, header::ContentType},
    transport::smtp::{
        authentication::{Credentials, Mechanism},
        client::{AsyncSmtpConnection, TlsParameters},
        extension::ClientId,
    },
};
use tokio::sync::Mutex;

use crate::config::{MailUrl, SmtpTls};

/// A message ready to send.
#[derive(Debug, Clone)]
pub struct Draft {
    /// Sender address.
    pub from: String,
    /// Where replies go.
    pub reply_to: String,
    /// Recipient address.
    pub to: String,
    /// Recipient's name.
    pub to_name: Option<String>,
    pub subject: String,
    /// Plain text body.
    pub text: String,
    /// HTML body.
    pub html: String,
    /// `Message-ID` without angle brackets.
    pub message_id: String,
    /// `In-Reply-To` without angle brackets.
    pub in_reply_to: Option<String>,
    /// The `Date` header: when merit composed it, by its clock.
    pub date: std::time::SystemTime,
    /// Files carried with the message.
    pub attachments: Vec<Attachment>,
}

/// A file carried with a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// File name as the recipient sees it.
    pub name: String,
    /// MIME type.
    pub content_type: String,
    pub bytes: std::sync::Arc<Vec<u8>>,
}

/// Why a message was not delivered.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SendError {
    /// Worth trying again later (connection lost, 4xx).
    #[error("{0}")]
    Transient(String),
    /// Will never succeed (5xx, bad address).
    #[error("{0}")]
    Permanent(String),
}

fn mailbox(addr: &str, name: Option<&str>) -> Result<Mailbox, SendError> {
    let address = addr
        .parse()
        .map_err(|e| SendError::Permanent(format!("alamat email '{addr}' tidak sah: {e}")))?;
    Ok(Mailbox::new(name.map(str::to_owned), address))
}

/// The RFC 5322 bytes of a draft.
pub fn format(d: &Draft) -> Result<(Vec<u8>, lettre::address::Envelope), SendError> {
    let mut b = Message::builder()
        .from(mailbox(&d.from, Some("merit BKPSDM"))?)
        .reply_to(mailbox(&d.reply_to, None)?)
        .to(mailbox(&d.to, d.to_name.as_deref())?)
        .subject(d.subject.clone())
        .message_id(Some(format!("<{}>", d.message_id)))
        .date(d.date);
    if let Some(r) = &d.in_reply_to {
        b = b.in_reply_to(format!("<{r}>"));
    }
    let bodies = MultiPart::alternative()
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(d.text.clone()),
        )
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_HTML)
                .body(d.html.clone()),
        );
    let body = if d.attachments.is_empty() {
        bodies
    } else {
        let mut mixed = MultiPart::mixed().multipart(bodies);
        for a in &d.attachments {
            let kind = ContentType::parse(&a.content_type).map_err(|e| {
                SendError::Permanent(format!("jenis lampiran {} tidak sah: {e}", a.content_type))
            })?;
            mixed = mixed.singlepart(
                lettre::message::Attachment::new(a.name.clone()).body(a.bytes.to_vec(), kind),
            );
        }
        mixed
    };
    let msg = b
        .multipart(body)
        .map_err(|e| SendError::Permanent(format!("pesan tidak dapat disusun: {e}")))?;
    Ok((msg.formatted(), msg.envelope().clone()))
}

/// A configured transport.
pub struct Mailer {
    kind: Kind,
}

enum Kind {
    Files(PathBuf),
    Smtp {
        host: String,
        port: u16,
        tls: SmtpTls,
        credentials: Option<Credentials>,
        connection: Box<Mutex<Option<AsyncSmtpConnection>>>,
    },
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            Kind::Files(d) => write!(f, "Mailer(file://{})", d.display()),
            Kind::Smtp { host, port, .. } => write!(f, "Mailer(smtp://{host}:{port})"),
        }
    }
}

const TIMEOUT: Duration = Duration::from_secs(30);

fn transient(e: impl std::fmt::Display) -> SendError {
    SendError::Transient(e.to_string())
}

fn classify(e: lettre::transport::smtp::Error) -> SendError {
    if e.is_permanent() {
        SendError::Permanent(format!("server menolak pesan: {e}"))
    } else {
        SendError::Transient(format!("pengiriman gagal sementara: {e}"))
    }
}

impl Mailer {
    /// A transport for `url`.
    pub fn new(url: &MailUrl) -> Self {
        let kind = match url {
            MailUrl::File(dir) => Kind::Files(dir.clone()),
            MailUrl::Smtp {
                host,
                port,
                tls,
                user,
                password,
            } => Kind::Smtp {
                host: host.clone(),
                port: *port,
                tls: *tls,
                credentials: user.as_ref().map(|u| {
                    Credentials::new(
                        u.clone(),
                        password
                            .as_ref()
                            .map(|p| p.expose().to_owned())
                            .unwrap_or_default(),
                    )
                }),
                connection: Box::new(Mutex::new(None)),
            },
        };
        Self { kind }
    }

    /// Delivers one message.
    pub async fn send(&self, d: &Draft) -> Result<(), SendError> {
        let (bytes, envelope) = format(d)?;
        match &self.kind {
            Kind::Files(dir) => {
                tokio::fs::create_dir_all(dir).await.map_err(transient)?;
                let name: String = d
                    .message_id
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect();
                let tmp = dir.join(format!(".{name}.tmp"));
                tokio::fs::write(&tmp, &bytes).await.map_err(transient)?;
                tokio::fs::rename(&tmp, dir.join(format!("{name}.eml")))
                    .await
                    .map_err(transient)
            }
            Kind::Smtp {
                host,
                port,
                tls,
                credentials,
                connection,
            } => {
                let mut guard = connection.lock().await;
                for attempt in 0..2 {
                    if guard.as_ref().is_none_or(AsyncSmtpConnection::has_broken) {
                        *guard = Some(connect(host, *port, *tls, credentials.as_ref()).await?);
                    }
                    let Some(conn) = guard.as_mut() else {
                        return Err(transient("tidak ada sambungan SMTP"));
                    };
                    match conn.send(&envelope, &bytes).await {
                        Ok(_) => return Ok(()),
                        Err(e) if e.is_permanent() => return Err(classify(e)),
                        Err(e) => {
                            *guard = None;
                            if attempt == 1 {
                                return Err(classify(e));
                            }
                        }
                    }
                }
                Err(transient("pengiriman SMTP gagal"))
            }
        }
    }
}

async fn connect(
    host: &str,
    port: u16,
    tls: SmtpTls,
    credentials: Option<&Credentials>,
) -> Result<AsyncSmtpConnection, SendError> {
    let hello = ClientId::default();
    let params = || TlsParameters::new(host.to_owned()).map_err(transient);
    let mut conn = match tls {
        SmtpTls::Implicit => AsyncSmtpConnection::connect_tokio1(
            (host, port),
            Some(TIMEOUT),
            &hello,
            Some(params()?),
            None,
        )
        .await
        .map_err(|e| transient(format!("tidak dapat tersambung ke {host}:{port}: {e}")))?,
        SmtpTls::None | SmtpTls::StartTls => {
            let stream =
                tokio::time::timeout(TIMEOUT, tokio::net::TcpStream::connect((host, port)))
                    .await
                    .map_err(|_| {
                        transient(format!("sambungan ke {host}:{port} melewati batas waktu"))
                    })?
                    .map_err(|e| {
                        transient(format!("tidak dapat tersambung ke {host}:{port}: {e}"))
                    })?;
            stream.set_nodelay(true).map_err(transient)?;
            let mut conn = AsyncSmtpConnection::connect_with_transport(Box::new(stream), &hello)
                .await
                .map_err(classify)?;
            if tls == SmtpTls::StartTls {
                conn.starttls(params()?, &hello).await.map_err(classify)?;
            }
            conn
        }
    };
    if let Some(c) = credentials {
        conn.auth(&[Mechanism::Plain, Mechanism::Login], c)
            .await
            .map_err(classify)?;
    }
    Ok(conn)
}
