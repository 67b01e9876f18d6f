//! Rows the database packs into one text value: fields separated by U+001F, NULL written as
//! U+001E. On SQLite the driver copies every value out under a global lock, so reading one
//! value per row instead of twenty is what makes reading a million rows cheap. A row whose
//! values hold a separator character does not unpack; its reader falls back to plain columns.

/// Between fields.
pub(super) const SEP: char = '\u{1f}';
/// A NULL field.
pub(super) const NULL: &str = "\u{1e}";

/// The SQL expression packing `columns` (any SQL expressions) into one text value.
pub(super) fn select(columns: &[&str]) -> String {
    columns
        .iter()
        .map(|c| format!("COALESCE(CAST({c} AS TEXT), '{NULL}')"))
        .collect::<Vec<_>>()
        .join(&format!(" || '{SEP}' || "))
}

/// The `n` fields of a packed row (`None` for NULL); `None` when it does not hold exactly `n`
/// (a value held a separator character).
pub(super) fn fields(packed: &str, n: usize) -> Option<Vec<Option<&str>>> {
    let f: Vec<Option<&str>> = packed
        .split(SEP)
        .map(|v| (v != NULL).then_some(v))
        .collect();
    (f.len() == n).then_some(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip_and_refuse_a_stray_separator() {
        let row = ["a", NULL, "c"].join(&SEP.to_string());
        assert_eq!(fields(&row, 3), Some(vec![Some("a"), None, Some("c")]));
        assert_eq!(fields(&row, 4), None);
        assert!(select(&["x", "y"]).contains("COALESCE(CAST(y AS TEXT)"));
    }
}
