//! A minimal SMTP server on loopback: what `merit bench mail` sends to, and what the tests
//! deliver to over real TCP. It accepts every message except to the recipients it is told to
//! refuse (550), and keeps the bodies when asked.

use std::sync::{Arc, Mutex};

use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::{TcpListener, TcpStream},
};

/// A running sink.
#[derive(Clone, Default)]
pub struct Sink {
    /// The message bodies received (when kept), in order.
    pub received: Arc<Mutex<Vec<String>>>,
}

impl Sink {
    /// Serves `listener` until the runtime stops, refusing recipients containing any of
    /// `refuse`; keeps bodies when `keep`.
    pub fn start(listener: TcpListener, refuse: &'static [&'static str], keep: bool) -> Self {
        let sink = Self::default();
        let received = sink.received.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let kept = keep.then(|| received.clone());
                tokio::spawn(session(stream, refuse, kept));
            }
        });
        sink
    }

    /// Bodies received so far.
    pub fn bodies(&self) -> Vec<String> {
        self.received.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

async fn session(
    stream: TcpStream,
    refuse: &'static [&'static str],
    kept: Option<Arc<Mutex<Vec<String>>>>,
) {
    let _ = stream.set_nodelay(true);
    let (r, mut w) = stream.into_split();
    let mut r = BufReader::new(r);
    if w.write_all(b"220 sink ESMTP\r\n").await.is_err() {
        return;
    }
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let cmd = line.to_ascii_uppercase();
        let reply: &[u8] = if cmd.starts_with("EHLO") {
            b"250-sink\r\n250 8BITMIME\r\n"
        } else if cmd.starts_with("RCPT") && refuse.iter().any(|a| line.contains(a)) {
            b"550 5.1.1 penerima tidak ada\r\n"
        } else if cmd.starts_with("DATA") {
            if w.write_all(b"354 lanjut\r\n").await.is_err() {
                return;
            }
            let mut body = String::new();
            loop {
                let mut l = String::new();
                if r.read_line(&mut l).await.unwrap_or(0) == 0 {
                    return;
                }
                if l == ".\r\n" {
                    break;
                }
                if kept.is_some() {
                    body.push_str(&l);
                }
            }
            if let Some(k) = &kept
                && let Ok(mut k) = k.lock()
            {
                k.push(body);
            }
            b"250 2.0.0 diterima\r\n"
        } else if cmd.starts_with("QUIT") {
            let _ = w.write_all(b"221 sampai jumpa\r\n").await;
            return;
        } else {
            b"250 ok\r\n"
        };
        if w.write_all(reply).await.is_err() {
            return;
        }
    }
}
