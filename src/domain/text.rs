//! Small text helpers shared by parsers: key normalisation, booleans, rupiah, masking.

/// Lower-cases, trims, and turns runs of spaces or dashes into `_`: `"Tanggal Lahir"` and
/// `"tanggal_lahir"` are the same key.
pub fn normalize_key(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut pending_sep = false;
    for c in raw.trim().chars() {
        if c == ' ' || c == '-' || c == '_' || c == '\u{a0}' {
            pending_sep = !out.is_empty();
        } else {
            if pending_sep {
                out.push('_');
                pending_sep = false;
            }
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// `ya`/`tidak`, `y`/`t`, `true`/`false`, `1`/`0` (any case).
pub fn parse_bool(raw: &str) -> Option<bool> {
    match raw.trim().to_lowercase().as_str() {
        "ya" | "y" | "true" | "1" => Some(true),
        "tidak" | "t" | "false" | "0" => Some(false),
        _ => None,
    }
}

/// A whole rupiah amount: `1750000`, `1.750.000`, `Rp 1.750.000`, `1750000,00`.
pub fn parse_rupiah(raw: &str) -> Option<i64> {
    let mut s = raw.trim();
    if let Some(rest) = s.strip_prefix("Rp").or_else(|| s.strip_prefix("rp")) {
        s = rest.trim_start_matches('.').trim();
    }
    if let Some(whole) = s.strip_suffix(",00").or_else(|| s.strip_suffix(",0")) {
        s = whole;
    }
    let grouped = s.contains('.')
        && s.split('.').enumerate().all(|(i, part)| {
            part.bytes().all(|b| b.is_ascii_digit())
                && if i == 0 {
                    (1..=3).contains(&part.len())
                } else {
                    part.len() == 3
                }
        });
    let digits: String = if grouped {
        s.replace('.', "")
    } else {
        s.to_owned()
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Replaces every character but the last four with `*`.
pub fn mask_identifier(id: &str) -> String {
    let n = id.chars().count();
    id.chars()
        .enumerate()
        .map(|(i, c)| if i + 4 < n { '*' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert_eq!(normalize_key(" Tanggal Lahir "), "tanggal_lahir");
        assert_eq!(normalize_key("TANGGAL_LAHIR"), "tanggal_lahir");
        assert_eq!(normalize_key("tanggal  -  lahir"), "tanggal_lahir");
    }

    #[test]
    fn booleans() {
        for t in ["ya", "Y", "true", "1", " YA "] {
            assert_eq!(parse_bool(t), Some(true), "{t}");
        }
        for f in ["tidak", "t", "FALSE", "0"] {
            assert_eq!(parse_bool(f), Some(false), "{f}");
        }
        assert_eq!(parse_bool("mungkin"), None);
        assert_eq!(parse_bool(""), None);
    }

    #[test]
    fn rupiah() {
        assert_eq!(parse_rupiah("1750000"), Some(1_750_000));
        assert_eq!(parse_rupiah("1.750.000"), Some(1_750_000));
        assert_eq!(parse_rupiah("Rp 1.750.000"), Some(1_750_000));
        assert_eq!(parse_rupiah("Rp. 1.750.000,00"), Some(1_750_000));
        assert_eq!(parse_rupiah("0"), Some(0));
        assert_eq!(parse_rupiah("1.75"), None);
        assert_eq!(parse_rupiah("-5"), None);
        assert_eq!(parse_rupiah("satu juta"), None);
    }

    #[test]
    fn masking() {
        assert_eq!(mask_identifier("1609022304870001"), "************0001");
        assert_eq!(mask_identifier("123"), "123");
    }
}
