//! One table cell, as text plus what kind of cell it was in the spreadsheet.

/// What a cell held before it became text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// Text (every CSV cell).
    Text,
    /// A number; `exact` is false when it is an integer too large for a spreadsheet to hold
    /// every digit (beyond 2^53), so an identifier typed as a number may have lost digits.
    Number {
        /// Whether every digit survived.
        exact: bool,
    },
    /// A date cell, rendered `YYYY-MM-DD`.
    Date,
    /// A boolean cell, rendered `true`/`false`.
    Bool,
    /// A spreadsheet error value such as `#N/A`.
    Error,
}

/// A cell's text and kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The text (numbers without `.0` or exponent; dates as `YYYY-MM-DD`).
    pub text: String,
    /// Its kind.
    pub kind: CellKind,
}

impl Cell {
    /// A text cell.
    pub fn text(s: impl Into<String>) -> Self {
        Self {
            text: s.into(),
            kind: CellKind::Text,
        }
    }

    /// A numeric cell, rendered so that identifiers keep their digits: an integral value is
    /// written without a decimal point or exponent (`1609022304870001`, never `1.6e15`).
    pub fn number(v: f64) -> Self {
        const EXACT_LIMIT: f64 = 9_007_199_254_740_992.0; // 2^53
        if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e19 {
            Self {
                text: format!("{v:.0}"),
                kind: CellKind::Number {
                    exact: v.abs() <= EXACT_LIMIT,
                },
            }
        } else {
            Self {
                text: format!("{v}"),
                kind: CellKind::Number { exact: true },
            }
        }
    }

    /// Whether the cell is blank.
    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_typed_as_numbers_keep_their_digits() {
        let c = Cell::number(1_609_022_304_870_001.0);
        assert_eq!(c.text, "1609022304870001");
        assert_eq!(c.kind, CellKind::Number { exact: true });
        assert_eq!(Cell::number(1_750_000.0).text, "1750000");
        assert_eq!(Cell::number(85.5).text, "85.5");
        let big = Cell::number(198_503_152_010_012_004.0);
        assert_eq!(big.kind, CellKind::Number { exact: false });
    }
}
