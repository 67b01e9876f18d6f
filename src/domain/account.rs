//! Console accounts: who may sign in, and with what role (console.md 2).

use std::fmt;

use serde::Serialize;

/// What an account may do. Each role includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads everything except full NIK/NIP.
    Pengamat,
    /// Also imports, starts runs, placements and workflows, sees and downloads full identifiers.
    Operator,
    /// Also edits definitions and manages accounts.
    Admin,
}

impl Role {
    /// The stored name.
    pub fn code(self) -> &'static str {
        match self {
            Self::Pengamat => "pengamat",
            Self::Operator => "operator",
            Self::Admin => "admin",
        }
    }

    /// How people read it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pengamat => "Pengamat",
            Self::Operator => "Operator",
            Self::Admin => "Administrator",
        }
    }

    /// Parses a stored or typed name.
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim().to_lowercase().as_str() {
            "pengamat" => Ok(Self::Pengamat),
            "operator" => Ok(Self::Operator),
            "admin" | "administrator" => Ok(Self::Admin),
            other => Err(format!(
                "peran '{other}' tidak dikenal: pilih admin, operator, atau pengamat"
            )),
        }
    }

    /// Whether this role may see full NIK/NIP.
    pub fn sees_identifiers(self) -> bool {
        self >= Self::Operator
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An account's e-mail address, lowercased.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// Parses an address (trimmed, lowercased; one `@`, a dotted domain, no spaces, at most
    /// 254 characters).
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim().to_lowercase();
        let ok = s.len() <= 254
            && s.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
            })
            && !s.chars().any(|c| c.is_whitespace() || c.is_control());
        if ok {
            Ok(Self(s))
        } else {
            Err(format!("'{s}' bukan alamat surel"))
        }
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new password: 10 to 200 characters, no control characters. Never printed.
pub struct Password(String);

impl Password {
    /// Checks a password someone chose.
    pub fn parse(s: &str) -> Result<Self, String> {
        let n = s.chars().count();
        if n < 10 {
            Err("kata sandi paling sedikit 10 karakter".to_owned())
        } else if n > 200 {
            Err("kata sandi paling banyak 200 karakter".to_owned())
        } else if s.chars().any(char::is_control) {
            Err("kata sandi tidak boleh memuat karakter kendali".to_owned())
        } else {
            Ok(Self(s.to_owned()))
        }
    }

    /// The secret itself, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_and_parse() {
        assert!(Role::Admin > Role::Operator && Role::Operator > Role::Pengamat);
        assert_eq!(Role::parse(" Admin "), Ok(Role::Admin));
        assert!(Role::parse("tamu").is_err());
        assert!(!Role::Pengamat.sees_identifiers());
    }

    #[test]
    fn emails_and_passwords_are_checked() {
        assert_eq!(
            Email::parse(" Kaban@BKPSDM.contoh.go.id ")
                .unwrap()
                .as_str(),
            "kaban@bkpsdm.contoh.go.id"
        );
        assert!(Email::parse("bukan surel").is_err());
        assert!(Password::parse("pendek").is_err());
        assert!(Password::parse("cukup-panjang-1").is_ok());
        assert_eq!(
            format!("{:?}", Password::parse("rahasia-sekali").unwrap()),
            "Password(…)"
        );
    }
}
