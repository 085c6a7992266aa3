//! A Pratt parser for JMESPath, shaped like jmespath.py's (same binding powers and projection
//! rules), so expressions group exactly as the AWS CLI groups them.

use super::lexer::{tokenize, Tok};
use super::Error;
use serde_json::Value;

/// A parsed expression.
#[derive(Clone, Debug)]
pub enum Node {
    Current,
    Field(String),
    Literal(Value),
    Sub(Box<Node>, Box<Node>),
    /// Evaluate the left, then the right on its result (`a[0]`).
    IndexExpr(Box<Node>, Box<Node>),
    Index(i64),
    Slice(Option<i64>, Option<i64>, Option<i64>),
    Projection(Box<Node>, Box<Node>),
    ValueProjection(Box<Node>, Box<Node>),
    FilterProjection(Box<Node>, Box<Node>, Box<Node>),
    Flatten(Box<Node>),
    Or(Box<Node>, Box<Node>),
    And(Box<Node>, Box<Node>),
    Not(Box<Node>),
    Compare(Tok, Box<Node>, Box<Node>),
    Pipe(Box<Node>, Box<Node>),
    MultiList(Vec<Node>),
    MultiHash(Vec<(String, Node)>),
    Function(String, Vec<Node>),
    ExpRef(Box<Node>),
}

const PROJECTION_STOP: u8 = 10;

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

/// Parses an expression.
pub fn parse(text: &str) -> Result<Node, Error> {
    let mut p = Parser {
        toks: tokenize(text)?,
        pos: 0,
    };
    let node = p.expression(0)?;
    if p.current() != &Tok::Eof {
        return Err(Error::syntax(format!(
            "Unexpected token: {:?}",
            p.current()
        )));
    }
    Ok(node)
}

impl Parser {
    fn current(&self) -> &Tok {
        self.toks.get(self.pos).unwrap_or(&Tok::Eof)
    }
    fn lookahead(&self, n: usize) -> &Tok {
        self.toks.get(self.pos + n).unwrap_or(&Tok::Eof)
    }
    fn advance(&mut self) -> Tok {
        let t = self.current().clone();
        self.pos += 1;
        t
    }
    fn expect(&mut self, want: Tok) -> Result<(), Error> {
        if self.current() == &want {
            self.advance();
            Ok(())
        } else {
            Err(Error::syntax(format!(
                "Expecting: {want:?}, got: {:?}",
                self.current()
            )))
        }
    }

    fn expression(&mut self, bp: u8) -> Result<Node, Error> {
        let tok = self.advance();
        let mut left = self.nud(tok)?;
        while bp < self.current().bp() {
            let tok = self.advance();
            left = self.led(tok, left)?;
        }
        Ok(left)
    }

    fn nud(&mut self, tok: Tok) -> Result<Node, Error> {
        Ok(match tok {
            Tok::Literal(v) => Node::Literal(v),
            Tok::Ident(s) => Node::Field(s),
            Tok::Quoted(s) => {
                if self.current() == &Tok::LParen {
                    return Err(Error::syntax(
                        "Quoted identifier not allowed for function names.",
                    ));
                }
                Node::Field(s)
            }
            Tok::Star => {
                let right = if self.current() == &Tok::RBracket {
                    Node::Current
                } else {
                    self.projection_rhs(Tok::Star.bp())?
                };
                Node::ValueProjection(Box::new(Node::Current), Box::new(right))
            }
            Tok::Filter => self.led_filter(Node::Current)?,
            Tok::LBrace => self.multi_hash()?,
            Tok::LParen => {
                let e = self.expression(0)?;
                self.expect(Tok::RParen)?;
                e
            }
            Tok::Flatten => {
                let left = Node::Flatten(Box::new(Node::Current));
                let right = self.projection_rhs(Tok::Flatten.bp())?;
                Node::Projection(Box::new(left), Box::new(right))
            }
            Tok::Not => Node::Not(Box::new(self.expression(Tok::Not.bp())?)),
            Tok::LBracket => match (self.current(), self.lookahead(1)) {
                (Tok::Number(_) | Tok::Colon, _) => {
                    let right = self.index_expression()?;
                    self.project_if_slice(Node::Current, right)?
                }
                (Tok::Star, Tok::RBracket) => {
                    self.advance();
                    self.advance();
                    let right = self.projection_rhs(Tok::Star.bp())?;
                    Node::Projection(Box::new(Node::Current), Box::new(right))
                }
                _ => self.multi_list()?,
            },
            Tok::At => Node::Current,
            Tok::Amp => Node::ExpRef(Box::new(self.expression(0)?)),
            other => {
                return Err(Error::syntax(format!("Unexpected token: {other:?}")));
            }
        })
    }

    fn led(&mut self, tok: Tok, left: Node) -> Result<Node, Error> {
        Ok(match tok {
            Tok::Dot => {
                if self.current() != &Tok::Star {
                    let right = self.dot_rhs(Tok::Dot.bp())?;
                    Node::Sub(Box::new(left), Box::new(right))
                } else {
                    self.advance();
                    let right = self.projection_rhs(Tok::Dot.bp())?;
                    Node::ValueProjection(Box::new(left), Box::new(right))
                }
            }
            Tok::Pipe => Node::Pipe(Box::new(left), Box::new(self.expression(Tok::Pipe.bp())?)),
            Tok::Or => Node::Or(Box::new(left), Box::new(self.expression(Tok::Or.bp())?)),
            Tok::And => Node::And(Box::new(left), Box::new(self.expression(Tok::And.bp())?)),
            Tok::LParen => {
                let Node::Field(name) = left else {
                    return Err(Error::syntax("Invalid function name"));
                };
                let mut args = Vec::new();
                while self.current() != &Tok::RParen {
                    args.push(self.expression(0)?);
                    if self.current() == &Tok::Comma {
                        self.advance();
                    }
                }
                self.expect(Tok::RParen)?;
                Node::Function(name, args)
            }
            Tok::Filter => self.led_filter(left)?,
            t @ (Tok::Eq | Tok::Ne | Tok::Lt | Tok::Le | Tok::Gt | Tok::Ge) => {
                let bp = t.bp();
                Node::Compare(t, Box::new(left), Box::new(self.expression(bp)?))
            }
            Tok::Flatten => {
                let left = Node::Flatten(Box::new(left));
                let right = self.projection_rhs(Tok::Flatten.bp())?;
                Node::Projection(Box::new(left), Box::new(right))
            }
            Tok::LBracket => {
                if matches!(self.current(), Tok::Number(_) | Tok::Colon) {
                    let right = self.index_expression()?;
                    self.project_if_slice(left, right)?
                } else {
                    self.expect(Tok::Star)?;
                    self.expect(Tok::RBracket)?;
                    let right = self.projection_rhs(Tok::Star.bp())?;
                    Node::Projection(Box::new(left), Box::new(right))
                }
            }
            other => return Err(Error::syntax(format!("Unexpected token: {other:?}"))),
        })
    }

    fn led_filter(&mut self, left: Node) -> Result<Node, Error> {
        let condition = self.expression(0)?;
        self.expect(Tok::RBracket)?;
        let right = if self.current() == &Tok::Flatten {
            Node::Current
        } else {
            self.projection_rhs(Tok::Filter.bp())?
        };
        Ok(Node::FilterProjection(
            Box::new(left),
            Box::new(right),
            Box::new(condition),
        ))
    }

    fn index_expression(&mut self) -> Result<Node, Error> {
        if self.lookahead(0) == &Tok::Colon || self.lookahead(1) == &Tok::Colon {
            return self.slice_expression();
        }
        let Tok::Number(n) = self.advance() else {
            return Err(Error::syntax("Expected a number"));
        };
        self.expect(Tok::RBracket)?;
        Ok(Node::Index(n))
    }

    fn slice_expression(&mut self) -> Result<Node, Error> {
        let mut parts = [None, None, None];
        let mut index = 0;
        while self.current() != &Tok::RBracket {
            match self.advance() {
                Tok::Colon => {
                    index += 1;
                    if index == 3 {
                        return Err(Error::syntax("Too many colons in slice expression"));
                    }
                }
                Tok::Number(n) => parts[index] = Some(n),
                other => return Err(Error::syntax(format!("Unexpected token: {other:?}"))),
            }
        }
        self.expect(Tok::RBracket)?;
        if parts[2] == Some(0) {
            return Err(Error::value("Invalid slice, step cannot be 0"));
        }
        Ok(Node::Slice(parts[0], parts[1], parts[2]))
    }

    fn project_if_slice(&mut self, left: Node, right: Node) -> Result<Node, Error> {
        let is_slice = matches!(right, Node::Slice(..));
        let index = Node::IndexExpr(Box::new(left), Box::new(right));
        if is_slice {
            let rhs = self.projection_rhs(Tok::Star.bp())?;
            Ok(Node::Projection(Box::new(index), Box::new(rhs)))
        } else {
            Ok(index)
        }
    }

    fn projection_rhs(&mut self, bp: u8) -> Result<Node, Error> {
        let cur = self.current().clone();
        if cur.bp() < PROJECTION_STOP {
            return Ok(Node::Current);
        }
        match cur {
            Tok::LBracket | Tok::Filter => self.expression(bp),
            Tok::Dot => {
                self.advance();
                self.dot_rhs(bp)
            }
            other => Err(Error::syntax(format!("Unexpected token: {other:?}"))),
        }
    }

    fn dot_rhs(&mut self, bp: u8) -> Result<Node, Error> {
        match self.current() {
            Tok::Ident(_) | Tok::Quoted(_) | Tok::Star => self.expression(bp),
            Tok::LBracket => {
                self.advance();
                self.multi_list()
            }
            Tok::LBrace => {
                self.advance();
                self.multi_hash()
            }
            other => Err(Error::syntax(format!("Unexpected token: {other:?}"))),
        }
    }

    fn multi_list(&mut self) -> Result<Node, Error> {
        let mut items = Vec::new();
        loop {
            items.push(self.expression(0)?);
            if self.current() == &Tok::RBracket {
                break;
            }
            self.expect(Tok::Comma)?;
        }
        self.expect(Tok::RBracket)?;
        Ok(Node::MultiList(items))
    }

    fn multi_hash(&mut self) -> Result<Node, Error> {
        let mut pairs = Vec::new();
        loop {
            let key = match self.advance() {
                Tok::Ident(s) | Tok::Quoted(s) => s,
                other => return Err(Error::syntax(format!("Unexpected token: {other:?}"))),
            };
            self.expect(Tok::Colon)?;
            let value = self.expression(0)?;
            pairs.push((key, value));
            if self.current() == &Tok::Comma {
                self.advance();
            } else {
                self.expect(Tok::RBrace)?;
                break;
            }
        }
        Ok(Node::MultiHash(pairs))
    }
}
