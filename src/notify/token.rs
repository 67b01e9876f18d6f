//! Approval-link tokens: `KODE.JAWABAN.TERBIT.TANDA`, where the signature is an HMAC-SHA256 (with
//! `MERIT_SECRET`) over the reference code (which names one approver at one step visit), the
//! answer the link stands for, and when it was issued (the send time, from which it expires).

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Bytes of the MAC kept in a link (128 bits).
const SIG_BYTES: usize = 16;

/// A token's content, once its signature has been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Reference code of the prompt.
    pub kode: String,
    /// The answer the link stands for, as [`crate::domain::Answer::link_code`] spells it
    /// (`setuju`, `tolak`, `kembalikan`, `pilih-N`); read back with
    /// [`crate::domain::Answer::from_link_code`] against the step's options.
    pub jawaban: String,
    /// When it was issued, epoch ms.
    pub terbit_ms: i64,
}

/// Why a token is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Not a token at all.
    #[error("tautan tidak dikenal")]
    Malformed,
    /// The signature does not match.
    #[error("tautan tidak sah")]
    Forged,
}

fn mac(secret: &[u8], body: &str) -> HmacSha256 {
    // HMAC accepts keys of any length.
    let mut m = <HmacSha256 as Mac>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    m.update(body.as_bytes());
    m
}

fn valid_part(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Signs a token.
pub fn sign(secret: &[u8], t: &Token) -> String {
    let body = format!("{}.{}.{}", t.kode, t.jawaban, t.terbit_ms);
    let tag = mac(secret, &body).finalize().into_bytes();
    format!("{body}.{}", hex::encode(&tag[..SIG_BYTES]))
}

/// Checks a token's shape and signature (not its expiry or use: that needs the database).
pub fn verify(secret: &[u8], raw: &str) -> Result<Token, TokenError> {
    if raw.len() > 256 {
        return Err(TokenError::Malformed);
    }
    let mut parts = raw.split('.');
    let (Some(kode), Some(jawaban), Some(terbit), Some(sig), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(TokenError::Malformed);
    };
    if !valid_part(kode) || !valid_part(jawaban) {
        return Err(TokenError::Malformed);
    }
    let terbit_ms: i64 = terbit.parse().map_err(|_| TokenError::Malformed)?;
    let sig = hex::decode(sig).map_err(|_| TokenError::Malformed)?;
    if sig.len() != SIG_BYTES {
        return Err(TokenError::Malformed);
    }
    let body = format!("{kode}.{jawaban}.{terbit_ms}");
    mac(secret, &body)
        .verify_truncated_left(&sig)
        .map_err(|_| TokenError::Forged)?;
    Ok(Token {
        kode: kode.to_owned(),
        jawaban: jawaban.to_owned(),
        terbit_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_forgery() {
        let t = Token {
            kode: "7KQ2X9".into(),
            jawaban: "setuju".into(),
            terbit_ms: 1_764_000_000_000,
        };
        let s = sign(b"rahasia", &t);
        assert_eq!(verify(b"rahasia", &s), Ok(t.clone()));
        assert_eq!(verify(b"lain", &s), Err(TokenError::Forged));
        let tampered = s.replacen("setuju", "tolak", 1);
        assert_eq!(verify(b"rahasia", &tampered), Err(TokenError::Forged));
        for bad in [
            "",
            "a.b.c",
            "bukan-token-asli",
            "a.b.1.zz",
            "a b.c.1.00",
            &format!("{s}.x"),
        ] {
            assert_eq!(verify(b"rahasia", bad), Err(TokenError::Malformed), "{bad}");
        }
    }

    /// Arbitrary input never panics and is only accepted with the right signature.
    #[test]
    fn fuzz_like_inputs_never_panic() {
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let alphabet = b"0123456789abcdefXYZ.-_ %\xff";
        for _ in 0..200_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 80) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|i| alphabet[((seed >> (i % 60)) as usize + i) % alphabet.len()])
                .collect();
            let s = String::from_utf8_lossy(&bytes);
            assert!(verify(b"k", &s).is_err());
        }
    }
}
