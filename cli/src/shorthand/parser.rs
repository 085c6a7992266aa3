//! The shorthand syntax on its own, without a model (awscli's `shorthand.ShorthandParser`):
//! `Key=k,Values=a,b,Inner={X=[1,2]}` becomes a dictionary of strings, lists and
//! dictionaries. Positions are counted in characters, as Python does, so error carets line up.

use serde_json::{Map, Value};

/// A syntax error, worded and located as awscli words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SyntaxError(pub(super) String);

/// A failed expectation: what was wanted, what was there, where.
struct Expected {
    expected: String,
    actual: String,
    index: usize,
}

type Parsed<T> = Result<T, Expected>;

/// Parses one shorthand value into a dictionary.
pub(super) fn parse(input: &str) -> Result<Map<String, Value>, SyntaxError> {
    let mut parser = Parser {
        input: input.chars().collect(),
        index: 0,
    };
    parser.parameter().map_err(|failure| match failure {
        Failure::Syntax(e) => SyntaxError(format!(
            "Expected: '{}', received: '{}' for input:\n{}",
            e.expected,
            e.actual,
            error_location(&parser.input, e.index)
        )),
        Failure::Duplicate(key, index) => SyntaxError(format!(
            "Second instance of key \"{key}\" encountered for input:\n{}\nThis is often because \
             there is a preceding \",\" instead of a space.",
            error_location(&parser.input, index)
        )),
    })
}

enum Failure {
    Syntax(Expected),
    Duplicate(String, usize),
}

impl From<Expected> for Failure {
    fn from(e: Expected) -> Failure {
        Failure::Syntax(e)
    }
}

/// The input with a caret under `index`, on the line the caret points into.
fn error_location(input: &[char], index: usize) -> String {
    let index = index.min(input.len());
    let consumed_part = &input[..index];
    let mut spaces = index;
    if let Some(last_newline) = consumed_part.iter().rposition(|&c| c == '\n') {
        spaces = index - last_newline - 1;
    }
    let (consumed, remaining) = match input[index..].iter().position(|&c| c == '\n') {
        Some(offset) => (&input[..index + offset], &input[index + offset..]),
        None => (input, &input[input.len()..]),
    };
    let consumed: String = consumed.iter().collect();
    let remaining: String = remaining.iter().collect();
    format!("{consumed}\n{}^{remaining}", " ".repeat(spaces))
}

/// Python's `string.whitespace`.
fn is_py_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
}

/// Python's `\s` in a regular expression over text (`str.isspace`).
fn is_regex_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// The first character of an unquoted value: not a quote, `,`, `=`, `[` or `{`.
fn start_word(c: char) -> bool {
    matches!(c, '!' | '#'..='&' | '('..='+' | '-'..='<' | '>'..='Z' | '\\'..='z' | '|'..='\u{ffff}')
}

/// Later characters of a value after `key=`: `=`, `[` and `{` are allowed, `]` and `}` not.
fn first_follow(c: char) -> bool {
    is_regex_space(c)
        || matches!(c, '!' | '#'..='&' | '('..='+' | '-'..='\\' | '^'..='|' | '~'..='\u{ffff}')
}

/// Later characters of a further comma-separated value: anything but quotes, `,` and `=`.
fn second_follow(c: char) -> bool {
    is_regex_space(c) || matches!(c, '!' | '#'..='&' | '('..='+' | '-'..='<' | '>'..='\u{ffff}')
}

/// Python's `str.rstrip()`.
fn rstrip(s: String) -> String {
    s.trim_end_matches(|c: char| c.is_whitespace() || ('\x1c'..='\x1f').contains(&c))
        .to_owned()
}

struct Parser {
    input: Vec<char>,
    index: usize,
}

impl Parser {
    fn current(&self) -> Option<char> {
        self.input.get(self.index).copied()
    }

    fn at_eof(&self) -> bool {
        self.index >= self.input.len()
    }

    fn consume_whitespace(&mut self) {
        while self.current().is_some_and(is_py_whitespace) {
            self.index += 1;
        }
    }

    fn expect(&mut self, wanted: char, consume_whitespace: bool) -> Parsed<()> {
        if consume_whitespace {
            self.consume_whitespace();
        }
        match self.current() {
            None => {
                return Err(Expected {
                    expected: wanted.to_string(),
                    actual: "EOF".into(),
                    index: self.index,
                })
            }
            Some(actual) if actual != wanted => {
                return Err(Expected {
                    expected: wanted.to_string(),
                    actual: actual.to_string(),
                    index: self.index,
                })
            }
            Some(_) => self.index += 1,
        }
        if consume_whitespace {
            self.consume_whitespace();
        }
        Ok(())
    }

    // parameter = keyval *("," keyval)
    fn parameter(&mut self) -> Result<Map<String, Value>, Failure> {
        let mut params = Map::new();
        let (key, value) = self.keyval()?;
        params.insert(key, value);
        let mut last_index = self.index;
        while !self.at_eof() {
            self.expect(',', true)?;
            let (key, value) = self.keyval()?;
            if params.contains_key(&key) {
                return Err(Failure::Duplicate(key, last_index + 1));
            }
            params.insert(key, value);
            last_index = self.index;
        }
        Ok(params)
    }

    /// `key=values`; `key@=values` is accepted as `key=values` (file references in values
    /// are not read).
    fn keyval(&mut self) -> Parsed<(String, Value)> {
        let key = self.key();
        let _ = self.expect('@', true);
        self.expect('=', true)?;
        Ok((key, self.values()?))
    }

    fn key(&mut self) -> String {
        let start = self.index;
        while self
            .current()
            .is_some_and(|c| c.is_ascii_alphanumeric() || "-_.#/:".contains(c))
        {
            self.index += 1;
        }
        self.input[start..self.index].iter().collect()
    }

    // values = csv-list / explicit-list / hash-literal
    fn values(&mut self) -> Parsed<Value> {
        match self.current() {
            None => Ok(Value::String(String::new())),
            Some('[') => self.explicit_list(),
            Some('{') => self.hash_literal(),
            Some(_) => self.csv_value(),
        }
    }

    /// `a` is a string, `a,b,c` a list, and in `a,b=c` the `b=` starts the next key.
    fn csv_value(&mut self) -> Parsed<Value> {
        let first = self.first_value()?;
        self.consume_whitespace();
        if self.current() != Some(',') {
            return Ok(first);
        }
        self.expect(',', true)?;
        let mut list = vec![first];
        loop {
            match self.second_value().and_then(|v| {
                self.consume_whitespace();
                if self.at_eof() {
                    return Ok((v, true));
                }
                self.expect(',', true).map(|()| (v, false))
            }) {
                Ok((value, done)) => {
                    list.push(value);
                    if done {
                        break;
                    }
                }
                Err(e) if self.at_eof() => return Err(e),
                Err(_) => {
                    // What followed the comma was the next `key=`: back up to the comma.
                    while self.index > 0 && self.input.get(self.index) != Some(&',') {
                        self.index -= 1;
                    }
                    break;
                }
            }
        }
        if list.len() == 1 {
            return Ok(list.remove(0));
        }
        Ok(Value::Array(list))
    }

    fn explicit_list(&mut self) -> Parsed<Value> {
        self.expect('[', true)?;
        let mut values = Vec::new();
        while self.current() != Some(']') {
            values.push(self.explicit_values()?);
            self.consume_whitespace();
            if self.current() != Some(']') {
                self.expect(',', false)?;
                self.consume_whitespace();
            }
        }
        self.expect(']', false)?;
        Ok(Value::Array(values))
    }

    fn explicit_values(&mut self) -> Parsed<Value> {
        match self.current() {
            Some('[') => self.explicit_list(),
            Some('{') => self.hash_literal(),
            _ => self.first_value(),
        }
    }

    fn hash_literal(&mut self) -> Parsed<Value> {
        self.expect('{', true)?;
        let mut map = Map::new();
        while self.current() != Some('}') {
            let key = self.key();
            let _ = self.expect('@', true);
            self.expect('=', true)?;
            let value = self.explicit_values()?;
            self.consume_whitespace();
            if self.current() != Some('}') {
                self.expect(',', false)?;
                self.consume_whitespace();
            }
            // A repeated key inside braces replaces the earlier value, as in awscli.
            map.insert(key, value);
        }
        self.expect('}', false)?;
        Ok(Value::Object(map))
    }

    fn first_value(&mut self) -> Parsed<Value> {
        match self.current() {
            Some('\'') => self.quoted('\'', "singled quoted"),
            Some('"') => self.quoted('"', "double quoted"),
            _ => Ok(Value::String(
                self.unquoted(first_follow)
                    .map(unescape_commas)
                    .unwrap_or_default(),
            )),
        }
    }

    fn second_value(&mut self) -> Parsed<Value> {
        match self.current() {
            Some('\'') => self.quoted('\'', "singled quoted"),
            Some('"') => self.quoted('"', "double quoted"),
            _ => match self.unquoted(second_follow) {
                Some(raw) => Ok(Value::String(unescape_commas(raw))),
                None => Err(Expected {
                    expected: "<second>".into(),
                    actual: "<none>".into(),
                    index: self.index,
                }),
            },
        }
    }

    /// An unquoted word: a start character (or `\,`), then follow characters (or `\,`).
    fn unquoted(&mut self, follow: fn(char) -> bool) -> Option<String> {
        let start = self.index;
        let mut first = true;
        loop {
            let rest = &self.input[self.index..];
            if rest.starts_with(&['\\', ',']) {
                self.index += 2;
            } else if rest
                .first()
                .is_some_and(|&c| if first { start_word(c) } else { follow(c) })
            {
                self.index += 1;
            } else {
                break;
            }
            first = false;
        }
        (self.index > start).then(|| self.input[start..self.index].iter().collect())
    }

    /// A quoted value, `\'` (or `\"`) and `\\` unescaped. As the regular expression awscli
    /// uses, the value ends at the first unescaped quote, or failing one at the last `\'`.
    fn quoted(&mut self, quote: char, name: &str) -> Parsed<Value> {
        let start = self.index;
        let mut i = start + 1;
        let mut fallback = None;
        let end = loop {
            match self.input.get(i) {
                None => match fallback {
                    Some(end) => break end,
                    None => {
                        return Err(Expected {
                            expected: format!("<{name}>"),
                            actual: "<none>".into(),
                            index: start,
                        })
                    }
                },
                Some('\\') if self.input.get(i + 1) == Some(&quote) => {
                    fallback = Some(i + 1);
                    i += 2;
                }
                Some(&c) if c == quote => break i,
                Some(_) => i += 1,
            }
        };
        self.index = end + 1;
        let inner: String = self.input[start + 1..end].iter().collect();
        let escaped_quote = format!("\\{quote}");
        Ok(Value::String(
            inner
                .replace(&escaped_quote, &quote.to_string())
                .replace("\\\\", "\\"),
        ))
    }
}

/// `\,` in an unquoted value is a comma; trailing whitespace is dropped.
fn unescape_commas(raw: String) -> String {
    rstrip(raw.replace("\\,", ","))
}
