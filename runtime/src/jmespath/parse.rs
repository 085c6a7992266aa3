//! The parser: tokens to an [`Ast`], a Pratt parser with jmespath.py's binding powers.

use super::lex::{lex, CmpOp, Tok};
use super::{Error, Json};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Func {
    Length,
    Contains,
    StartsWith,
    EndsWith,
    NotNull,
    Type,
    Keys,
    Values,
    ToString,
    ToNumber,
    Abs,
    Max,
    Min,
    Sum,
}

impl Func {
    /// The function and its arity (`None` = one or more).
    fn lookup(name: &str) -> Option<(Func, Option<usize>)> {
        Some(match name {
            "length" => (Func::Length, Some(1)),
            "contains" => (Func::Contains, Some(2)),
            "starts_with" => (Func::StartsWith, Some(2)),
            "ends_with" => (Func::EndsWith, Some(2)),
            "not_null" => (Func::NotNull, None),
            "type" => (Func::Type, Some(1)),
            "keys" => (Func::Keys, Some(1)),
            "values" => (Func::Values, Some(1)),
            "to_string" => (Func::ToString, Some(1)),
            "to_number" => (Func::ToNumber, Some(1)),
            "abs" => (Func::Abs, Some(1)),
            "max" => (Func::Max, Some(1)),
            "min" => (Func::Min, Some(1)),
            "sum" => (Func::Sum, Some(1)),
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Ast {
    Identity,
    Field(String),
    Index(i64),
    Sub(Box<Ast>, Box<Ast>),
    Pipe(Box<Ast>, Box<Ast>),
    /// List projection: left's elements through right.
    Projection(Box<Ast>, Box<Ast>),
    /// Object projection: left's values through right.
    ValueProjection(Box<Ast>, Box<Ast>),
    /// left, condition, right.
    Filter(Box<Ast>, Box<Ast>, Box<Ast>),
    Flatten(Box<Ast>),
    Or(Box<Ast>, Box<Ast>),
    And(Box<Ast>, Box<Ast>),
    Not(Box<Ast>),
    Cmp(CmpOp, Box<Ast>, Box<Ast>),
    Literal(Json),
    Function(Func, Vec<Ast>),
    MultiList(Vec<Ast>),
    MultiHash(Vec<(String, Ast)>),
}

pub(super) const MAX_DEPTH: usize = 64;

pub(super) struct Parser<'t> {
    toks: Vec<Tok>,
    pos: usize,
    depth: usize,
    text: &'t str,
}

pub(super) fn bp(t: &Tok) -> u8 {
    match t {
        Tok::Pipe => 1,
        Tok::Or => 2,
        Tok::And => 3,
        Tok::Cmp(_) => 5,
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

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        self.toks.get(self.pos).unwrap_or(&Tok::Eof)
    }
    fn peek2(&self) -> &Tok {
        self.toks.get(self.pos + 1).unwrap_or(&Tok::Eof)
    }
    fn advance(&mut self) -> Tok {
        let t = self.peek().clone();
        if self.pos < self.toks.len() {
            self.pos += 1;
        }
        t
    }
    fn err<T>(&self, what: impl fmt::Display) -> Result<T, Error> {
        Err(Error::new(format!(
            "invalid JMESPath expression {:?}: {what}",
            self.text
        )))
    }
    fn expect(&mut self, t: Tok) -> Result<(), Error> {
        let got = self.advance();
        if got == t {
            Ok(())
        } else {
            self.err(format!("expected {t:?}, found {got:?}"))
        }
    }

    fn expression(&mut self, rbp: u8) -> Result<Ast, Error> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err("nested too deeply");
        }
        let tok = self.advance();
        let mut left = self.nud(tok)?;
        while rbp < bp(self.peek()) {
            let tok = self.advance();
            left = self.led(tok, left)?;
        }
        self.depth -= 1;
        Ok(left)
    }

    fn nud(&mut self, tok: Tok) -> Result<Ast, Error> {
        Ok(match tok {
            Tok::Literal(j) => Ast::Literal(j),
            Tok::Ident(s) | Tok::Quoted(s) => Ast::Field(s),
            Tok::Star => {
                let rhs = self.projection_rhs(bp(&Tok::Star))?;
                Ast::ValueProjection(Box::new(Ast::Identity), Box::new(rhs))
            }
            Tok::Filter => return self.filter(Ast::Identity),
            Tok::LBrace => self.multi_hash()?,
            Tok::Flatten => {
                let rhs = self.projection_rhs(bp(&Tok::Flatten))?;
                Ast::Projection(
                    Box::new(Ast::Flatten(Box::new(Ast::Identity))),
                    Box::new(rhs),
                )
            }
            Tok::LBracket => match self.peek() {
                Tok::Number(_) | Tok::Colon => self.index()?,
                Tok::Star if *self.peek2() == Tok::RBracket => {
                    self.advance();
                    self.advance();
                    let rhs = self.projection_rhs(bp(&Tok::Star))?;
                    Ast::Projection(Box::new(Ast::Identity), Box::new(rhs))
                }
                _ => self.multi_list()?,
            },
            Tok::At => Ast::Identity,
            Tok::Not => Ast::Not(Box::new(self.expression(bp(&Tok::Not))?)),
            Tok::LParen => {
                let e = self.expression(0)?;
                self.expect(Tok::RParen)?;
                e
            }
            Tok::Ampersand => return self.err("expression references (&) are not supported"),
            other => return self.err(format!("unexpected {other:?}")),
        })
    }

    fn led(&mut self, tok: Tok, left: Ast) -> Result<Ast, Error> {
        let b = |a: Ast| Box::new(a);
        Ok(match tok {
            Tok::Dot => {
                if *self.peek() == Tok::Star {
                    self.advance();
                    let rhs = self.projection_rhs(bp(&Tok::Dot))?;
                    Ast::ValueProjection(b(left), b(rhs))
                } else {
                    let rhs = self.dot_rhs(bp(&Tok::Dot))?;
                    Ast::Sub(b(left), b(rhs))
                }
            }
            Tok::Pipe => Ast::Pipe(b(left), b(self.expression(bp(&Tok::Pipe))?)),
            Tok::Or => Ast::Or(b(left), b(self.expression(bp(&Tok::Or))?)),
            Tok::And => Ast::And(b(left), b(self.expression(bp(&Tok::And))?)),
            Tok::Cmp(op) => Ast::Cmp(op, b(left), b(self.expression(bp(&Tok::Cmp(op)))?)),
            Tok::LParen => {
                let Ast::Field(name) = left else {
                    return self.err("only a function name may be called");
                };
                let Some((func, arity)) = Func::lookup(&name) else {
                    return self.err(format!("unknown function {name}()"));
                };
                let mut args = Vec::new();
                while *self.peek() != Tok::RParen {
                    args.push(self.expression(0)?);
                    if *self.peek() == Tok::Comma {
                        self.advance();
                    } else if *self.peek() != Tok::RParen {
                        return self.err(format!("expected , or ) in {name}()"));
                    }
                }
                self.advance();
                let ok = match arity {
                    Some(n) => args.len() == n,
                    None => !args.is_empty(),
                };
                if !ok {
                    return self.err(format!("wrong number of arguments to {name}()"));
                }
                Ast::Function(func, args)
            }
            Tok::Filter => return self.filter(left),
            Tok::Flatten => {
                let rhs = self.projection_rhs(bp(&Tok::Flatten))?;
                Ast::Projection(b(Ast::Flatten(b(left))), b(rhs))
            }
            Tok::LBracket => match self.peek() {
                Tok::Number(_) | Tok::Colon => Ast::Sub(b(left), b(self.index()?)),
                _ => {
                    self.expect(Tok::Star)?;
                    self.expect(Tok::RBracket)?;
                    let rhs = self.projection_rhs(bp(&Tok::Star))?;
                    Ast::Projection(b(left), b(rhs))
                }
            },
            other => return self.err(format!("unexpected {other:?}")),
        })
    }

    /// After `[`: `n]`.
    fn index(&mut self) -> Result<Ast, Error> {
        match self.advance() {
            Tok::Number(n) if *self.peek() == Tok::RBracket => {
                self.advance();
                Ok(Ast::Index(n))
            }
            _ => self.err("slices are not supported"),
        }
    }

    /// After `[?` (or `x[?`).
    fn filter(&mut self, left: Ast) -> Result<Ast, Error> {
        let cond = self.expression(0)?;
        self.expect(Tok::RBracket)?;
        let rhs = self.projection_rhs(bp(&Tok::Filter))?;
        Ok(Ast::Filter(Box::new(left), Box::new(cond), Box::new(rhs)))
    }

    fn projection_rhs(&mut self, rbp: u8) -> Result<Ast, Error> {
        match self.peek() {
            t if bp(t) < 10 => Ok(Ast::Identity),
            Tok::LBracket | Tok::Filter => self.expression(rbp),
            Tok::Dot => {
                self.advance();
                self.dot_rhs(rbp)
            }
            other => {
                let other = other.clone();
                self.err(format!("unexpected {other:?} after a projection"))
            }
        }
    }

    fn dot_rhs(&mut self, rbp: u8) -> Result<Ast, Error> {
        match self.peek() {
            Tok::Ident(_) | Tok::Quoted(_) | Tok::Star => self.expression(rbp),
            Tok::LBracket => {
                self.advance();
                self.multi_list()
            }
            Tok::LBrace => {
                self.advance();
                self.multi_hash()
            }
            other => {
                let other = other.clone();
                self.err(format!("unexpected {other:?} after ."))
            }
        }
    }

    /// After `[`: `a, b]`.
    fn multi_list(&mut self) -> Result<Ast, Error> {
        let mut items = Vec::new();
        loop {
            items.push(self.expression(0)?);
            match self.advance() {
                Tok::Comma => continue,
                Tok::RBracket => return Ok(Ast::MultiList(items)),
                other => return self.err(format!("unexpected {other:?} in [...]")),
            }
        }
    }

    /// After `{`: `k: a, ...}`.
    fn multi_hash(&mut self) -> Result<Ast, Error> {
        let mut items = Vec::new();
        loop {
            let key = match self.advance() {
                Tok::Ident(s) | Tok::Quoted(s) => s,
                other => return self.err(format!("expected a key, found {other:?}")),
            };
            self.expect(Tok::Colon)?;
            items.push((key, self.expression(0)?));
            match self.advance() {
                Tok::Comma => continue,
                Tok::RBrace => return Ok(Ast::MultiHash(items)),
                other => return self.err(format!("unexpected {other:?} in {{...}}")),
            }
        }
    }
}

/// Parses a whole expression.
pub(super) fn parse(text: &str) -> Result<Ast, Error> {
    let mut p = Parser {
        toks: lex(text)?,
        pos: 0,
        depth: 0,
        text,
    };
    let ast = p.expression(0)?;
    if *p.peek() != Tok::Eof {
        let t = p.peek().clone();
        return p.err(format!("unexpected {t:?}"));
    }
    Ok(ast)
}
