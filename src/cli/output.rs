//! Exit codes, usage errors in Bahasa Indonesia, logging set-up and number formatting.

use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};

use super::{Cli, args::LogFormat};

/// Exit codes of interfaces.md section 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: success.
    Ok = 0,
    /// 1: unexpected failure.
    Unexpected = 1,
    /// 2: usage error.
    Usage = 2,
    /// 3: invalid input (file, rule, workflow).
    Invalid = 3,
    /// 4: refused by state (already decided, expired).
    Refused = 4,
    /// 65 (EX_DATAERR): `mail ingest --mta` was given something that is not a mail message.
    DataErr = 65,
    /// 75 (EX_TEMPFAIL): `mail ingest --mta` could not handle the message now; the mail
    /// server keeps it and tries again.
    TempFail = 75,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

/// Prints a clap error in Bahasa Indonesia (help and version pass through) and returns 2.
pub(super) fn usage_error(e: clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                Exit::Usage.into()
            } else {
                Exit::Ok.into()
            };
        }
        _ => {}
    }
    let ctx = |k: ContextKind| -> String {
        match e.get(k) {
            Some(ContextValue::String(s)) => s.clone(),
            Some(ContextValue::Strings(v)) => v.join(", "),
            Some(other) => other.to_string(),
            None => String::new(),
        }
    };
    let message = match e.kind() {
        ErrorKind::InvalidSubcommand => format!(
            "perintah '{}' tidak dikenal",
            ctx(ContextKind::InvalidSubcommand)
        ),
        ErrorKind::UnknownArgument => {
            format!("opsi '{}' tidak dikenal", ctx(ContextKind::InvalidArg))
        }
        ErrorKind::MissingRequiredArgument => format!(
            "argumen wajib belum diisi: {}",
            ctx(ContextKind::InvalidArg)
        ),
        ErrorKind::MissingSubcommand => "perintah belum diberikan".to_owned(),
        ErrorKind::InvalidValue => {
            let valid = ctx(ContextKind::ValidValue);
            let hint = if valid.is_empty() {
                String::new()
            } else {
                format!(" (pilihan: {valid})")
            };
            format!(
                "nilai '{}' untuk {} tidak valid{hint}",
                ctx(ContextKind::InvalidValue),
                ctx(ContextKind::InvalidArg)
            )
        }
        ErrorKind::ValueValidation => {
            format!(
                "nilai '{}' untuk {} tidak valid",
                ctx(ContextKind::InvalidValue),
                ctx(ContextKind::InvalidArg)
            )
        }
        ErrorKind::ArgumentConflict => format!(
            "opsi {} tidak dapat dipakai bersama",
            ctx(ContextKind::InvalidArg)
        ),
        ErrorKind::TooManyValues => {
            format!(
                "terlalu banyak nilai untuk {}",
                ctx(ContextKind::InvalidArg)
            )
        }
        _ => e
            .to_string()
            .trim()
            .trim_start_matches("error: ")
            .to_owned(),
    };
    eprintln!("kesalahan: {message}\nGunakan 'merit --help' untuk melihat perintah dan opsi.");
    Exit::Usage.into()
}

/// Logs go to standard error; `RUST_LOG` overrides the level (default: warnings, info for
/// long-running commands).
pub(super) fn init_tracing(cli: &Cli) {
    use tracing_subscriber::EnvFilter;
    let default = "warn";
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match cli.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Teks => builder.try_init(),
    };
}

/// `4200` → `4.200` (Indonesian thousands separator).
pub(crate) fn count(n: u64) -> String {
    crate::domain::format_number_id(i64::try_from(n).unwrap_or(i64::MAX))
}

/// Prints a value as pretty JSON.
pub(crate) fn print_json<T: serde::Serialize>(value: &T) -> Result<(), super::Failure> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| super::Failure::unexpected(e.to_string()))?;
    println!("{text}");
    Ok(())
}

/// `word` as one shell word: as it is when it needs no quoting, else in single quotes.
pub(super) fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+,:@".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands() {
        assert_eq!(super::count(0), "0");
        assert_eq!(super::count(999), "999");
        assert_eq!(super::count(4200), "4.200");
        assert_eq!(super::count(1_370_523), "1.370.523");
    }
}
