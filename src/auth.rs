//! Console credentials: passwords hashed with Argon2id (PHC strings, salt from the OS), random
//! tokens for sessions and CSRF, the digest under which a session is stored, comparison in
//! constant time, and sealed references (XChaCha20-Poly1305) so that a link to a candidate
//! carries no NIK. The only module that imports argon2 or chacha20poly1305.

use argon2::{
    Argon2, PasswordHasher, PasswordVerifier,
    password_hash::{PasswordHash, SaltString},
};
use chacha20poly1305::{
    Key, XChaCha20Poly1305, XNonce,
    aead::{Aead, KeyInit},
};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::domain::Password;

/// Hashes `p` with Argon2id (the crate's defaults: 19 MiB, two passes).
pub(crate) fn hash_password(p: &Password) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| format!("pembangkit acak: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(p.expose().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("kata sandi tidak dapat di-hash: {e}"))
}

/// Whether `password` matches the PHC string `phc` (false for an unreadable one).
pub(crate) fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Checks `password` against `phc`, or, when there is no account, against a hash of a random
/// secret: an unknown address costs as much time as a known one, so timing does not tell
/// which accounts exist.
pub(crate) fn verify_or_decoy(password: &str, phc: Option<&str>) -> bool {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    match phc {
        Some(phc) => verify_password(password, phc),
        None => {
            let decoy = DECOY.get_or_init(|| {
                token()
                    .ok()
                    .and_then(|t| Password::parse(&t).ok())
                    .and_then(|p| hash_password(&p).ok())
                    .unwrap_or_default()
            });
            verify_password(password, decoy);
            false
        }
    }
}

/// A random token: 32 bytes, hex.
pub(crate) fn token() -> Result<String, String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| format!("pembangkit acak: {e}"))?;
    Ok(hex::encode(bytes))
}

/// A password people can type: 16 characters from an alphabet without look-alikes.
pub(crate) fn generated_password() -> Result<String, String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| format!("pembangkit acak: {e}"))?;
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect())
}

/// The SHA-256 of a token, hex: what the database keeps of a session cookie.
pub(crate) fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A token bound to `nonce` by an HMAC under `secret` for one `purpose` (the sign-in form's
/// CSRF token, bound to its cookie): whoever can plant a cookie cannot make its token.
pub(crate) fn bound_token(secret: &[u8], purpose: &str, nonce: &str) -> String {
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(b"merit:");
    mac.update(purpose.as_bytes());
    mac.update(b":");
    mac.update(nonce.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Whether two secrets are equal, in time independent of where they differ.
pub(crate) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn seal_key(secret: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"merit:rujukan:");
    h.update(secret);
    h.finalize().into()
}

/// Bytes as letters `a`–`p`, one per half-byte: a reference never contains a run of digits
/// that a privacy scan (or a reader) could take for a NIK.
fn letters(bytes: &[u8]) -> String {
    bytes
        .iter()
        .flat_map(|b| [b >> 4, b & 0x0f])
        .map(|n| char::from(b'a' + n))
        .collect()
}

fn from_letters(text: &str) -> Option<Vec<u8>> {
    let half = |c: u8| (b'a'..=b'p').contains(&c).then(|| c - b'a');
    let t = text.as_bytes();
    if !t.len().is_multiple_of(2) {
        return None;
    }
    t.chunks(2)
        .map(|p| Some((half(p[0])? << 4) | half(p[1])?))
        .collect()
}

/// `plain` sealed under `secret`: the same text always seals to the same reference (a stable
/// link), which only this installation can open.
pub(crate) fn seal(secret: &[u8], plain: &str) -> String {
    let key = seal_key(secret);
    let nonce: [u8; 24] = {
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(&key) else {
            return String::new();
        };
        mac.update(plain.as_bytes());
        let full = mac.finalize().into_bytes();
        let mut n = [0u8; 24];
        n.copy_from_slice(&full[..24]);
        n
    };
    let cipher = XChaCha20Poly1305::new(&Key::from(key));
    match cipher.encrypt(&XNonce::from(nonce), plain.as_bytes()) {
        Ok(ct) => {
            let mut out = nonce.to_vec();
            out.extend(ct);
            letters(&out)
        }
        Err(_) => String::new(),
    }
}

/// What `reference` was sealed from, when it was sealed under `secret` and is intact.
pub(crate) fn open(secret: &[u8], reference: &str) -> Option<String> {
    let bytes = from_letters(reference)?;
    if bytes.len() < 24 + 16 {
        return None;
    }
    let (nonce, ct) = bytes.split_at(24);
    let nonce: [u8; 24] = nonce.try_into().ok()?;
    let cipher = XChaCha20Poly1305::new(&Key::from(seal_key(secret)));
    let plain = cipher.decrypt(&XNonce::from(nonce), ct).ok()?;
    String::from_utf8(plain).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_reference_opens_only_under_its_secret() {
        let r = seal(b"rahasia-satu-yang-panjang", "1609022304870001");
        assert!(!r.contains("1609022304870001"));
        assert!(r.bytes().all(|b| b.is_ascii_lowercase()), "{r}");
        assert_eq!(r, seal(b"rahasia-satu-yang-panjang", "1609022304870001"));
        assert_eq!(
            open(b"rahasia-satu-yang-panjang", &r).as_deref(),
            Some("1609022304870001")
        );
        assert_eq!(open(b"rahasia-dua-yang-panjang", &r), None);
        let mut broken = r.clone();
        broken.replace_range(60..62, "00");
        assert_eq!(open(b"rahasia-satu-yang-panjang", &broken), None);
        assert_eq!(open(b"x", "zz"), None);
    }

    #[test]
    fn a_password_verifies_against_its_hash_only() {
        let p = Password::parse("kata-sandi-uji-1").unwrap();
        let h = hash_password(&p).unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("kata-sandi-uji-1", &h));
        assert!(!verify_password("kata-sandi-uji-2", &h));
        assert!(!verify_password("kata-sandi-uji-1", "bukan-hash"));
    }

    #[test]
    fn tokens_are_random_and_compared_whole() {
        let (a, b) = (token().unwrap(), token().unwrap());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert!(same(&a, &a.clone()));
        assert!(!same(&a, &b));
        assert!(!same("abc", "abcd"));
        assert_eq!(digest("x").len(), 64);
        assert_eq!(generated_password().unwrap().len(), 16);
    }
}
