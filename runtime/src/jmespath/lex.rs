//! The lexer: an expression's text as tokens.

use super::{Error, Json};

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Tok {
    Ident(String),
    Quoted(String),
    Literal(Json),
    Number(i64),
    Dot,
    Star,
    Flatten,
    Filter,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    LParen,
    RParen,
    Comma,
    Colon,
    At,
    Ampersand,
    And,
    Or,
    Pipe,
    Not,
    Cmp(CmpOp),
    Eof,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

pub(super) fn lex(text: &str) -> Result<Vec<Tok>, Error> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    // Text up to the unescaped `end`, with `\end` unescaped; other escapes kept as written.
    let until = |i: &mut usize, end: char| -> Result<String, Error> {
        let mut s = String::new();
        loop {
            match chars.get(*i) {
                None => return Err(Error::new(format!("unterminated {end} in {text:?}"))),
                Some('\\') if chars.get(*i + 1) == Some(&end) => {
                    s.push(end);
                    *i += 2;
                }
                Some('\\') => {
                    s.push('\\');
                    if let Some(c) = chars.get(*i + 1) {
                        s.push(*c);
                    }
                    *i += 2;
                }
                Some(c) if *c == end => {
                    *i += 1;
                    return Ok(s);
                }
                Some(c) => {
                    s.push(*c);
                    *i += 1;
                }
            }
        }
    };
    while let Some(&c) = chars.get(i) {
        let next = chars.get(i + 1).copied();
        let two = |t: Tok, one: Tok| if next == Some('=') { (t, 2) } else { (one, 1) };
        let (tok, len) = match c {
            ' ' | '\t' | '\n' | '\r' => {
                i += 1;
                continue;
            }
            'a'..='z' | 'A'..='Z' | '_' => {
                let start = i;
                while chars
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
                {
                    i += 1;
                }
                out.push(Tok::Ident(chars[start..i].iter().collect()));
                continue;
            }
            '0'..='9' | '-' => {
                let start = i;
                i += 1;
                while chars.get(i).is_some_and(char::is_ascii_digit) {
                    i += 1;
                }
                let s: String = chars[start..i].iter().collect();
                let n = s
                    .parse()
                    .map_err(|_| Error::new(format!("invalid number {s:?} in {text:?}")))?;
                out.push(Tok::Number(n));
                continue;
            }
            '"' => {
                i += 1;
                let raw = until(&mut i, '"')?;
                let s = serde_json::from_str::<String>(&format!("\"{raw}\""))
                    .map_err(|e| Error::new(format!("invalid quoted identifier \"{raw}\": {e}")))?;
                out.push(Tok::Quoted(s));
                continue;
            }
            '\'' => {
                i += 1;
                let s = until(&mut i, '\'')?;
                out.push(Tok::Literal(Json::String(s)));
                continue;
            }
            '`' => {
                i += 1;
                let s = until(&mut i, '`')?;
                // jmespath.py's legacy form: an unquoted string literal (`foo`).
                let lit =
                    Json::parse(&s).or_else(|_| Json::parse(&format!("\"{}\"", s.trim_start())))?;
                out.push(Tok::Literal(lit));
                continue;
            }
            '.' => (Tok::Dot, 1),
            '*' => (Tok::Star, 1),
            '[' => match next {
                Some(']') => (Tok::Flatten, 2),
                Some('?') => (Tok::Filter, 2),
                _ => (Tok::LBracket, 1),
            },
            ']' => (Tok::RBracket, 1),
            '{' => (Tok::LBrace, 1),
            '}' => (Tok::RBrace, 1),
            '(' => (Tok::LParen, 1),
            ')' => (Tok::RParen, 1),
            ',' => (Tok::Comma, 1),
            ':' => (Tok::Colon, 1),
            '@' => (Tok::At, 1),
            '&' if next == Some('&') => (Tok::And, 2),
            '&' => (Tok::Ampersand, 1),
            '|' if next == Some('|') => (Tok::Or, 2),
            '|' => (Tok::Pipe, 1),
            '!' => two(Tok::Cmp(CmpOp::Ne), Tok::Not),
            '<' => two(Tok::Cmp(CmpOp::Le), Tok::Cmp(CmpOp::Lt)),
            '>' => two(Tok::Cmp(CmpOp::Ge), Tok::Cmp(CmpOp::Gt)),
            '=' if next == Some('=') => (Tok::Cmp(CmpOp::Eq), 2),
            other => {
                return Err(Error::new(format!(
                    "unexpected character {other:?} at {i} in {text:?}"
                )))
            }
        };
        out.push(tok);
        i += len;
    }
    out.push(Tok::Eof);
    Ok(out)
}
