//! Where and why Python's `json.loads` rejects a text, in its words
//! (`Expecting ',' delimiter: line 1 column 5 (char 4)`): awscli shows that message for a
//! malformed JSON argument. The value itself is parsed with serde_json; this scanner only
//! retraces CPython's decoder (`_json.c`) to find its first error.

/// Python's message for `text`, or `None` when Python accepts it.
pub(super) fn error(text: &str) -> Option<String> {
    let s: Vec<char> = text.chars().collect();
    let (message, pos) = if s.first() == Some(&'\u{feff}') {
        ("Unexpected UTF-8 BOM (decode using utf-8-sig)", 0)
    } else {
        let mut scanner = Scanner { s: &s };
        match scanner.document() {
            Ok(()) => return None,
            Err(e) => e,
        }
    };
    let line = s[..pos].iter().filter(|&&c| c == '\n').count() + 1;
    let column = match s[..pos].iter().rposition(|&c| c == '\n') {
        Some(newline) => pos - newline,
        None => pos + 1,
    };
    Some(format!(
        "{message}: line {line} column {column} (char {pos})"
    ))
}

type Scan = Result<usize, (&'static str, usize)>;

struct Scanner<'a> {
    s: &'a [char],
}

impl Scanner<'_> {
    fn at(&self, i: usize) -> Option<char> {
        self.s.get(i).copied()
    }

    fn skip_ws(&self, mut i: usize) -> usize {
        while matches!(self.at(i), Some(' ' | '\t' | '\n' | '\r')) {
            i += 1;
        }
        i
    }

    fn document(&mut self) -> Result<(), (&'static str, usize)> {
        let start = self.skip_ws(0);
        let end = self.value(start)?;
        let end = self.skip_ws(end);
        if end != self.s.len() {
            return Err(("Extra data", end));
        }
        Ok(())
    }

    /// One value starting at `i`; the index after it.
    fn value(&self, i: usize) -> Scan {
        let expecting = Err(("Expecting value", i));
        match self.at(i) {
            None => expecting,
            Some('"') => self.string(i + 1),
            Some('{') => self.object(i + 1),
            Some('[') => self.array(i + 1),
            Some('n') => self.literal(i, "null"),
            Some('t') => self.literal(i, "true"),
            Some('f') => self.literal(i, "false"),
            Some('N') => self.literal(i, "NaN"),
            Some('I') => self.literal(i, "Infinity"),
            Some('-') if self.matches(i, "-Infinity") => Ok(i + 9),
            Some(_) => self.number(i).map_or(expecting, Ok),
        }
    }

    fn matches(&self, i: usize, word: &str) -> bool {
        word.chars()
            .enumerate()
            .all(|(k, c)| self.at(i + k) == Some(c))
    }

    fn literal(&self, i: usize, word: &str) -> Scan {
        if self.matches(i, word) {
            Ok(i + word.chars().count())
        } else {
            Err(("Expecting value", i))
        }
    }

    /// The longest number prefix at `i`, as CPython's `_match_number_unicode`.
    fn number(&self, start: usize) -> Option<usize> {
        let digit = |i: usize| self.at(i).is_some_and(|c| c.is_ascii_digit());
        let mut i = start;
        if self.at(i) == Some('-') {
            i += 1;
        }
        match self.at(i) {
            Some('1'..='9') => {
                while digit(i) {
                    i += 1;
                }
            }
            Some('0') => i += 1,
            _ => return None,
        }
        if self.at(i) == Some('.') && digit(i + 1) {
            i += 2;
            while digit(i) {
                i += 1;
            }
        }
        if matches!(self.at(i), Some('e' | 'E')) {
            let e_start = i;
            i += 1;
            if matches!(self.at(i), Some('-' | '+')) {
                i += 1;
            }
            let digits_start = i;
            while digit(i) {
                i += 1;
            }
            if i == digits_start {
                i = e_start;
            }
        }
        Some(i)
    }

    /// A string whose opening quote is at `i - 1`.
    fn string(&self, i: usize) -> Scan {
        let begin = i - 1;
        let mut k = i;
        loop {
            match self.at(k) {
                None => return Err(("Unterminated string starting at", begin)),
                Some('"') => return Ok(k + 1),
                Some('\\') => match self.at(k + 1) {
                    None => return Err(("Unterminated string starting at", begin)),
                    Some('u') => {
                        // CPython wants the four digits and one more character.
                        if k + 6 >= self.s.len() {
                            return Err(("Invalid \\uXXXX escape", k + 1));
                        }
                        if !(k + 2..k + 6)
                            .all(|j| self.at(j).is_some_and(|c| c.is_ascii_hexdigit()))
                        {
                            return Err(("Invalid \\uXXXX escape", k + 1));
                        }
                        k += 6;
                    }
                    Some('"' | '\\' | '/' | 'b' | 'f' | 'n' | 'r' | 't') => k += 2,
                    Some(_) => return Err(("Invalid \\escape", k)),
                },
                Some(c) if (c as u32) < 0x20 => return Err(("Invalid control character at", k)),
                Some(_) => k += 1,
            }
        }
    }

    /// An object whose `{` is at `i - 1`.
    fn object(&self, i: usize) -> Scan {
        const NAME: &str = "Expecting property name enclosed in double quotes";
        let mut i = self.skip_ws(i);
        if self.at(i) == Some('}') {
            return Ok(i + 1);
        }
        loop {
            if self.at(i) != Some('"') {
                return Err((NAME, i));
            }
            i = self.string(i + 1)?;
            i = self.skip_ws(i);
            if self.at(i) != Some(':') {
                return Err(("Expecting ':' delimiter", i));
            }
            i = self.skip_ws(i + 1);
            i = self.value(i)?;
            i = self.skip_ws(i);
            match self.at(i) {
                Some('}') => return Ok(i + 1),
                Some(',') => i = self.skip_ws(i + 1),
                _ => return Err(("Expecting ',' delimiter", i)),
            }
        }
    }

    /// An array whose `[` is at `i - 1`.
    fn array(&self, i: usize) -> Scan {
        let mut i = self.skip_ws(i);
        if self.at(i) == Some(']') {
            return Ok(i + 1);
        }
        loop {
            i = self.value(i)?;
            i = self.skip_ws(i);
            match self.at(i) {
                Some(']') => return Ok(i + 1),
                Some(',') => i = self.skip_ws(i + 1),
                _ => return Err(("Expecting ',' delimiter", i)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::error;

    #[test]
    fn python_json_errors() {
        // Expected messages from Python 3.11's json.loads.
        let cases = [
            ("", "Expecting value: line 1 column 1 (char 0)"),
            (
                "{",
                "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
            ),
            ("[1,]", "Expecting value: line 1 column 4 (char 3)"),
            (
                "{\"a\" 1}",
                "Expecting ':' delimiter: line 1 column 6 (char 5)",
            ),
            ("[1 2]", "Expecting ',' delimiter: line 1 column 4 (char 3)"),
            (
                "\"abc",
                "Unterminated string starting at: line 1 column 1 (char 0)",
            ),
            ("[\"a\\qb\"]", "Invalid \\escape: line 1 column 4 (char 3)"),
            (
                "[\"\\u12\"]",
                "Invalid \\uXXXX escape: line 1 column 4 (char 3)",
            ),
            ("[01]", "Expecting ',' delimiter: line 1 column 3 (char 2)"),
            (
                "{\"a\":1,}",
                "Expecting property name enclosed in double quotes: line 1 column 8 (char 7)",
            ),
            ("[1] x", "Extra data: line 1 column 5 (char 4)"),
            ("[\n  tru]", "Expecting value: line 2 column 3 (char 4)"),
            (
                "\"a\tb\"",
                "Invalid control character at: line 1 column 3 (char 2)",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(error(text).as_deref(), Some(expected), "{text:?}");
        }
        let more = [
            (
                "\"\\u00e",
                "Invalid \\uXXXX escape: line 1 column 3 (char 2)",
            ),
            ("1.", "Extra data: line 1 column 2 (char 1)"),
            ("1e", "Extra data: line 1 column 2 (char 1)"),
            ("-", "Expecting value: line 1 column 1 (char 0)"),
            ("[-]", "Expecting value: line 1 column 2 (char 1)"),
            (
                "\u{feff}{}",
                "Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)",
            ),
            ("{\"a\":}", "Expecting value: line 1 column 6 (char 5)"),
        ];
        for (text, expected) in more {
            assert_eq!(error(text).as_deref(), Some(expected), "{text:?}");
        }
        assert_eq!(error(" [1, 2.5e3, -0, \"\\u00e9\"] "), None);
        assert_eq!(error("{\"a\": [1, {\"b\": null}]}"), None);
        assert_eq!(error("NaN"), None);
    }
}
