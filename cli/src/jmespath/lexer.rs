//! JMESPath tokens, as jmespath.py's lexer reads them.

use super::Error;
use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Ident(String),
    Quoted(String),
    Literal(Value),
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
    Amp,
    Pipe,
    Or,
    And,
    Not,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Eof,
}

impl Tok {
    /// jmespath.py's binding powers.
    pub fn bp(&self) -> u8 {
        match self {
            Tok::Pipe => 1,
            Tok::Or => 2,
            Tok::And => 3,
            Tok::Eq | Tok::Ne | Tok::Lt | Tok::Le | Tok::Gt | Tok::Ge => 5,
            Tok::Flatten => 9,
            Tok::Star => 20,
            Tok::Filter => 21,
            Tok::Dot => 40,
            Tok::Not => 45,
            Tok::LBrace => 50,
            Tok::LBracket => 55,
            Tok::LParen => 60,
            _ => 0,
        }
    }
}

fn delimited(chars: &[char], start: usize, end: char) -> Result<(String, usize), Error> {
    let mut out = String::new();
    let mut i = start + 1;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            out.push(c);
            out.push(chars[i + 1]);
            i += 2;
            continue;
        }
        if c == end {
            return Ok((out, i + 1));
        }
        out.push(c);
        i += 1;
    }
    Err(Error::syntax(format!("Unclosed {end} delimiter")))
}

/// The tokens of `text`.
pub fn tokenize(text: &str) -> Result<Vec<Tok>, Error> {
    let chars: Vec<char> = text.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    let next_is = |i: usize, c: char| chars.get(i + 1) == Some(&c);
    while i < chars.len() {
        let c = chars[i];
        let (tok, len) = match c {
            ' ' | '\t' | '\n' | '\r' => {
                i += 1;
                continue;
            }
            'a'..='z' | 'A'..='Z' | '_' => {
                let mut j = i;
                while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
                    j += 1;
                }
                (Tok::Ident(chars[i..j].iter().collect()), j - i)
            }
            '0'..='9' | '-' => {
                let mut j = i + 1;
                while j < chars.len() && chars[j].is_ascii_digit() {
                    j += 1;
                }
                let s: String = chars[i..j].iter().collect();
                let n = s
                    .parse::<i64>()
                    .map_err(|_| Error::syntax(format!("Unknown token '{s}'")))?;
                (Tok::Number(n), j - i)
            }
            '"' => {
                let (body, end) = delimited(&chars, i, '"')?;
                let s: String = serde_json::from_str(&format!("\"{body}\""))
                    .map_err(|_| Error::syntax(format!("Invalid quoted identifier \"{body}\"")))?;
                toks.push(Tok::Quoted(s));
                i = end;
                continue;
            }
            '\'' => {
                let (body, end) = delimited(&chars, i, '\'')?;
                toks.push(Tok::Literal(Value::String(body.replace("\\'", "'"))));
                i = end;
                continue;
            }
            '`' => {
                let (body, end) = delimited(&chars, i, '`')?;
                let body = body.replace("\\`", "`");
                let value = serde_json::from_str(body.trim()).or_else(|_| {
                    // jmespath.py's deprecated form: a bare string literal.
                    serde_json::from_str(&format!("\"{}\"", body.trim()))
                        .map_err(|_| Error::syntax(format!("Bad token `{body}`")))
                })?;
                toks.push(Tok::Literal(value));
                i = end;
                continue;
            }
            '.' => (Tok::Dot, 1),
            '*' => (Tok::Star, 1),
            '[' if next_is(i, ']') => (Tok::Flatten, 2),
            '[' if next_is(i, '?') => (Tok::Filter, 2),
            '[' => (Tok::LBracket, 1),
            ']' => (Tok::RBracket, 1),
            '{' => (Tok::LBrace, 1),
            '}' => (Tok::RBrace, 1),
            '(' => (Tok::LParen, 1),
            ')' => (Tok::RParen, 1),
            ',' => (Tok::Comma, 1),
            ':' => (Tok::Colon, 1),
            '@' => (Tok::At, 1),
            '&' if next_is(i, '&') => (Tok::And, 2),
            '&' => (Tok::Amp, 1),
            '|' if next_is(i, '|') => (Tok::Or, 2),
            '|' => (Tok::Pipe, 1),
            '!' if next_is(i, '=') => (Tok::Ne, 2),
            '!' => (Tok::Not, 1),
            '=' if next_is(i, '=') => (Tok::Eq, 2),
            '<' if next_is(i, '=') => (Tok::Le, 2),
            '<' => (Tok::Lt, 1),
            '>' if next_is(i, '=') => (Tok::Ge, 2),
            '>' => (Tok::Gt, 1),
            other => return Err(Error::syntax(format!("Unknown token '{other}'"))),
        };
        toks.push(tok);
        i += len;
    }
    toks.push(Tok::Eof);
    Ok(toks)
}
