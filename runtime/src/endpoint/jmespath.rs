//! The JMESPath subset that `operationContextParams` paths use, evaluated over an input
//! [`Value`] beside its shape (structures are positional, so member names come from the shape).
//!
//! Supported: identifiers, sub-expressions (`a.b`), indexes (`a[0]`), wildcard projections
//! (`a[*].b`), flatten (`a[]`), multi-select lists (`[a.b, c.d]`) and `keys(expr)` — everything
//! botocore 1.44.5's models use (`Delete.Objects[*].Key`, `keys(RequestItems)`,
//! `TransactItems[*].[ConditionCheck.TableName, Put.TableName][]`). Binding powers follow
//! jmespath.py, so `a[*].b[]` flattens the whole projection.

use crate::schema::{Kind, Shape};
use crate::Value;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ast {
    Identity,
    Field(String),
    Sub(Box<Ast>, Box<Ast>),
    Index(i64),
    Projection(Box<Ast>, Box<Ast>),
    Flatten(Box<Ast>),
    MultiList(Vec<Ast>),
    Keys(Box<Ast>),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Dot,
    Star,
    LBracket,
    RBracket,
    Flatten,
    Comma,
    LParen,
    RParen,
    Num(i64),
    Eof,
}

fn lex(s: &str) -> Result<Vec<Tok>, String> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\n' => i += 1,
            b'.' => {
                out.push(Tok::Dot);
                i += 1
            }
            b'*' => {
                out.push(Tok::Star);
                i += 1
            }
            b',' => {
                out.push(Tok::Comma);
                i += 1
            }
            b'(' => {
                out.push(Tok::LParen);
                i += 1
            }
            b')' => {
                out.push(Tok::RParen);
                i += 1
            }
            b']' => {
                out.push(Tok::RBracket);
                i += 1
            }
            b'[' if b.get(i + 1) == Some(&b']') => {
                out.push(Tok::Flatten);
                i += 2
            }
            b'[' => {
                out.push(Tok::LBracket);
                i += 1
            }
            b'"' => {
                let end = s[i + 1..]
                    .find('"')
                    .ok_or("unterminated quoted identifier")?;
                out.push(Tok::Ident(s[i + 1..i + 1 + end].to_owned()));
                i += end + 2;
            }
            c if c.is_ascii_digit() || c == b'-' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                out.push(Tok::Num(s[start..i].parse().map_err(|_| "bad number")?));
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                out.push(Tok::Ident(s[start..i].to_owned()));
            }
            c => return Err(format!("unsupported character {:?}", c as char)),
        }
    }
    out.push(Tok::Eof);
    Ok(out)
}

fn bp(t: &Tok) -> u8 {
    match t {
        Tok::Flatten => 9,
        Tok::Star => 20,
        Tok::Dot => 40,
        Tok::LBracket => 55,
        Tok::LParen => 60,
        _ => 0,
    }
}

struct Parser {
    toks: Vec<Tok>,
    i: usize,
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.toks[self.i.min(self.toks.len() - 1)]
    }
    fn next(&mut self) -> Tok {
        let t = self.peek().clone();
        self.i += 1;
        t
    }
    fn expect(&mut self, t: Tok) -> Result<(), String> {
        let got = self.next();
        if got == t {
            Ok(())
        } else {
            Err(format!("expected {t:?}, found {got:?}"))
        }
    }

    fn expression(&mut self, rbp: u8) -> Result<Ast, String> {
        let mut left = self.nud()?;
        while rbp < bp(self.peek()) {
            left = self.led(left)?;
        }
        Ok(left)
    }

    fn nud(&mut self) -> Result<Ast, String> {
        match self.next() {
            Tok::Ident(name) => {
                if name == "keys" && *self.peek() == Tok::LParen {
                    self.next();
                    let arg = self.expression(0)?;
                    self.expect(Tok::RParen)?;
                    Ok(Ast::Keys(Box::new(arg)))
                } else {
                    Ok(Ast::Field(name))
                }
            }
            Tok::Star => {
                let rhs = self.projection_rhs(20)?;
                Ok(Ast::Projection(Box::new(Ast::Identity), Box::new(rhs)))
            }
            Tok::Flatten => {
                let rhs = self.projection_rhs(9)?;
                Ok(Ast::Projection(
                    Box::new(Ast::Flatten(Box::new(Ast::Identity))),
                    Box::new(rhs),
                ))
            }
            Tok::LBracket => match self.peek().clone() {
                Tok::Num(n) => {
                    self.next();
                    self.expect(Tok::RBracket)?;
                    Ok(Ast::Index(n))
                }
                Tok::Star => {
                    self.next();
                    self.expect(Tok::RBracket)?;
                    let rhs = self.projection_rhs(20)?;
                    Ok(Ast::Projection(Box::new(Ast::Identity), Box::new(rhs)))
                }
                _ => self.multi_list(),
            },
            t => Err(format!("unexpected {t:?}")),
        }
    }

    fn multi_list(&mut self) -> Result<Ast, String> {
        let mut items = vec![self.expression(0)?];
        while *self.peek() == Tok::Comma {
            self.next();
            items.push(self.expression(0)?);
        }
        self.expect(Tok::RBracket)?;
        Ok(Ast::MultiList(items))
    }

    fn led(&mut self, left: Ast) -> Result<Ast, String> {
        match self.next() {
            Tok::Dot => {
                let right = self.dot_rhs(40)?;
                Ok(Ast::Sub(Box::new(left), Box::new(right)))
            }
            Tok::Flatten => {
                let rhs = self.projection_rhs(9)?;
                Ok(Ast::Projection(
                    Box::new(Ast::Flatten(Box::new(left))),
                    Box::new(rhs),
                ))
            }
            Tok::LBracket => match self.next() {
                Tok::Num(n) => {
                    self.expect(Tok::RBracket)?;
                    Ok(Ast::Sub(Box::new(left), Box::new(Ast::Index(n))))
                }
                Tok::Star => {
                    self.expect(Tok::RBracket)?;
                    let rhs = self.projection_rhs(20)?;
                    Ok(Ast::Projection(Box::new(left), Box::new(rhs)))
                }
                t => Err(format!("unexpected {t:?} after `[`")),
            },
            t => Err(format!("unexpected {t:?}")),
        }
    }

    fn dot_rhs(&mut self, rbp: u8) -> Result<Ast, String> {
        if *self.peek() == Tok::LBracket {
            self.next();
            self.multi_list()
        } else {
            self.expression(rbp)
        }
    }

    fn projection_rhs(&mut self, rbp: u8) -> Result<Ast, String> {
        let t = self.peek().clone();
        if bp(&t) < 10 {
            return Ok(Ast::Identity);
        }
        match t {
            Tok::LBracket => self.expression(rbp),
            Tok::Dot => {
                self.next();
                self.dot_rhs(rbp)
            }
            t => Err(format!("unexpected {t:?} after a projection")),
        }
    }
}

pub(crate) fn parse(path: &str) -> Result<Ast, String> {
    let mut p = Parser {
        toks: lex(path)?,
        i: 0,
    };
    let ast = p.expression(0)?;
    if *p.peek() != Tok::Eof {
        return Err(format!("unexpected {:?} in {path:?}", p.peek()));
    }
    Ok(ast)
}

/// A node while evaluating: an input value with its shape, a computed list, or a key string.
#[derive(Debug, Clone)]
pub(crate) enum Node<'v> {
    Null,
    Value(&'v Value, &'static Shape),
    List(Vec<Node<'v>>),
    Str(&'v str),
}

impl<'v> Node<'v> {
    fn is_null(&self) -> bool {
        matches!(self, Node::Null)
    }

    fn items(&self) -> Option<Vec<Node<'v>>> {
        match self {
            Node::List(l) => Some(l.clone()),
            Node::Value(Value::List(items), shape) => match shape.kind {
                Kind::List(m) => Some(items.iter().map(|i| Node::Value(i, m.target)).collect()),
                _ => None,
            },
            _ => None,
        }
    }

    fn field(&self, name: &str) -> Node<'v> {
        match self {
            Node::Value(Value::Struct(values), shape) => {
                let members = shape.members();
                match members.iter().position(|m| m.name == name) {
                    Some(i) => match values.get(i).and_then(Option::as_ref) {
                        Some(v) => Node::Value(v, members[i].target),
                        None => Node::Null,
                    },
                    None => Node::Null,
                }
            }
            Node::Value(Value::Map(entries), shape) => match shape.kind {
                Kind::Map(_, vm) => entries
                    .iter()
                    .find(|(k, _)| k == name)
                    .map_or(Node::Null, |(_, v)| Node::Value(v, vm.target)),
                _ => Node::Null,
            },
            _ => Node::Null,
        }
    }
}

pub(crate) fn eval<'v>(ast: &Ast, node: Node<'v>) -> Node<'v> {
    match ast {
        Ast::Identity => node,
        Ast::Field(name) => node.field(name),
        Ast::Sub(l, r) => {
            let left = eval(l, node);
            if left.is_null() {
                Node::Null
            } else {
                eval(r, left)
            }
        }
        Ast::Index(i) => match node.items() {
            Some(items) => {
                let i = if *i < 0 { items.len() as i64 + i } else { *i };
                usize::try_from(i)
                    .ok()
                    .and_then(|i| items.get(i).cloned())
                    .unwrap_or(Node::Null)
            }
            None => Node::Null,
        },
        Ast::Projection(l, r) => match eval(l, node).items() {
            Some(items) => Node::List(
                items
                    .into_iter()
                    .map(|i| eval(r, i))
                    .filter(|n| !n.is_null())
                    .collect(),
            ),
            None => Node::Null,
        },
        Ast::Flatten(x) => match eval(x, node).items() {
            Some(items) => {
                let mut out = Vec::new();
                for i in items {
                    match i.items() {
                        Some(inner) => out.extend(inner),
                        None => out.push(i),
                    }
                }
                Node::List(out)
            }
            None => Node::Null,
        },
        Ast::MultiList(items) => {
            if node.is_null() {
                Node::Null
            } else {
                Node::List(items.iter().map(|a| eval(a, node.clone())).collect())
            }
        }
        Ast::Keys(x) => match eval(x, node) {
            Node::Value(Value::Map(entries), _) => {
                Node::List(entries.iter().map(|(k, _)| Node::Str(k)).collect())
            }
            Node::Value(Value::Struct(values), shape) => Node::List(
                shape
                    .members()
                    .iter()
                    .zip(values)
                    .filter(|(_, v)| v.is_some())
                    .map(|(m, _)| Node::Str(m.name))
                    .collect(),
            ),
            _ => Node::Null,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_model_paths() {
        assert_eq!(parse("Key").unwrap(), Ast::Field("Key".into()));
        assert!(matches!(
            parse("Delete.Objects[*].Key").unwrap(),
            Ast::Sub(..)
        ));
        assert!(matches!(parse("keys(RequestItems)").unwrap(), Ast::Keys(_)));
        let ast = parse(
            "TransactItems[*].[ConditionCheck.TableName, Put.TableName, Delete.TableName, \
             Update.TableName][]",
        )
        .unwrap();
        // The flatten applies to the whole projection.
        match ast {
            Ast::Projection(l, r) => {
                assert_eq!(*r, Ast::Identity);
                assert!(matches!(*l, Ast::Flatten(_)));
            }
            other => panic!("{other:?}"),
        }
        assert!(parse("a[").is_err());
        assert!(parse("a | b").is_err());
    }
}
