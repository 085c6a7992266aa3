//! A tiny backtracking regular-expression matcher for `partitions.json`'s `regionRegex`
//! patterns (`^(us|eu|ap)\-\w+\-\d+$`), with Python `re.match` semantics (anchored at the start).
//!
//! Supported: literals, `.`, escapes (`\w`, `\d`, `\s`, escaped punctuation), character classes
//! (`[a-z0-9-]`, `[^...]`), groups `(...)` / `(?:...)` with `|`, quantifiers `*`, `+`, `?`,
//! `{n}`, `{n,}`, `{n,m}`, and the anchors `^` and `$`. Unsupported syntax is a parse error, so a
//! new partition pattern fails loudly instead of matching wrongly.

#[derive(Debug, Clone)]
enum Node {
    Byte(u8),
    Any,
    Class(Vec<(u8, u8)>, bool),
    Group(Vec<Vec<Node>>),
    Repeat(Box<Node>, usize, usize),
    Start,
    End,
}

#[derive(Debug, Clone)]
pub(crate) struct Regex {
    alts: Vec<Vec<Node>>,
}

fn word() -> Vec<(u8, u8)> {
    vec![(b'a', b'z'), (b'A', b'Z'), (b'0', b'9'), (b'_', b'_')]
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn alternation(&mut self) -> Result<Vec<Vec<Node>>, String> {
        let mut alts = vec![self.sequence()?];
        while self.peek() == Some(b'|') {
            self.i += 1;
            alts.push(self.sequence()?);
        }
        Ok(alts)
    }

    fn sequence(&mut self) -> Result<Vec<Node>, String> {
        let mut seq = Vec::new();
        while let Some(c) = self.peek() {
            if c == b'|' || c == b')' {
                break;
            }
            self.i += 1;
            let atom = match c {
                b'^' => Node::Start,
                b'$' => Node::End,
                b'.' => Node::Any,
                b'(' => {
                    if self.s[self.i..].starts_with(b"?:") {
                        self.i += 2;
                    } else if self.peek() == Some(b'?') {
                        return Err("unsupported group syntax".into());
                    }
                    let alts = self.alternation()?;
                    if self.peek() != Some(b')') {
                        return Err("unbalanced parenthesis".into());
                    }
                    self.i += 1;
                    Node::Group(alts)
                }
                b'[' => self.class()?,
                b'\\' => self.escape()?,
                b'*' | b'+' | b'?' | b'{' => return Err("nothing to repeat".into()),
                c => Node::Byte(c),
            };
            let atom = self.quantifier(atom)?;
            seq.push(atom);
        }
        Ok(seq)
    }

    fn escape(&mut self) -> Result<Node, String> {
        let c = self.peek().ok_or("trailing backslash")?;
        self.i += 1;
        Ok(match c {
            b'w' => Node::Class(word(), false),
            b'W' => Node::Class(word(), true),
            b'd' => Node::Class(vec![(b'0', b'9')], false),
            b'D' => Node::Class(vec![(b'0', b'9')], true),
            b's' => Node::Class(vec![(b' ', b' '), (b'\t', b'\r')], false),
            c if c.is_ascii_alphanumeric() => {
                return Err(format!("unsupported escape \\{}", c as char))
            }
            c => Node::Byte(c),
        })
    }

    fn class(&mut self) -> Result<Node, String> {
        let mut negated = false;
        if self.peek() == Some(b'^') {
            negated = true;
            self.i += 1;
        }
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let c = self.peek().ok_or("unterminated class")?;
            self.i += 1;
            if c == b']' && !first {
                break;
            }
            first = false;
            let lo = if c == b'\\' {
                let e = self.peek().ok_or("trailing backslash")?;
                self.i += 1;
                match e {
                    b'w' => {
                        ranges.extend(word());
                        continue;
                    }
                    b'd' => {
                        ranges.push((b'0', b'9'));
                        continue;
                    }
                    b's' => {
                        ranges.extend([(b' ', b' '), (b'\t', b'\r')]);
                        continue;
                    }
                    e => e,
                }
            } else {
                c
            };
            if self.peek() == Some(b'-') && self.s.get(self.i + 1).is_some_and(|&n| n != b']') {
                let hi = self.s[self.i + 1];
                self.i += 2;
                ranges.push((lo, hi));
            } else {
                ranges.push((lo, lo));
            }
        }
        Ok(Node::Class(ranges, negated))
    }

    fn number(&mut self) -> Option<usize> {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        std::str::from_utf8(&self.s[start..self.i])
            .ok()?
            .parse()
            .ok()
    }

    fn quantifier(&mut self, atom: Node) -> Result<Node, String> {
        let (min, max) = match self.peek() {
            Some(b'*') => (0, usize::MAX),
            Some(b'+') => (1, usize::MAX),
            Some(b'?') => (0, 1),
            Some(b'{') => {
                self.i += 1;
                let min = self.number().ok_or("bad repetition")?;
                let max = if self.peek() == Some(b',') {
                    self.i += 1;
                    self.number().unwrap_or(usize::MAX)
                } else {
                    min
                };
                if self.peek() != Some(b'}') {
                    return Err("bad repetition".into());
                }
                (min, max)
            }
            _ => return Ok(atom),
        };
        self.i += 1;
        if self.peek() == Some(b'?') {
            return Err("lazy quantifiers are not supported".into());
        }
        Ok(Node::Repeat(Box::new(atom), min, max))
    }
}

impl Regex {
    pub(crate) fn new(pattern: &str) -> Result<Regex, String> {
        let mut p = Parser {
            s: pattern.as_bytes(),
            i: 0,
        };
        let alts = p.alternation()?;
        if p.i != p.s.len() {
            return Err(format!("unbalanced parenthesis in {pattern:?}"));
        }
        Ok(Regex { alts })
    }

    /// Python's `re.match`: does a prefix of `s` (starting at 0) match?
    pub(crate) fn is_match(&self, s: &str) -> bool {
        let s = s.as_bytes();
        self.alts
            .iter()
            .any(|alt| match_seq(alt, s, 0, &mut |_| true))
    }
}

fn match_atom(node: &Node, s: &[u8], pos: usize) -> bool {
    let Some(&c) = s.get(pos) else { return false };
    match node {
        Node::Byte(b) => c == *b,
        Node::Any => c != b'\n',
        Node::Class(ranges, negated) => {
            ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated
        }
        _ => false,
    }
}

fn match_seq(seq: &[Node], s: &[u8], pos: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
    let Some((first, rest)) = seq.split_first() else {
        return k(pos);
    };
    match first {
        Node::Start => pos == 0 && match_seq(rest, s, pos, k),
        Node::End => pos == s.len() && match_seq(rest, s, pos, k),
        Node::Group(alts) => alts
            .iter()
            .any(|alt| match_seq(alt, s, pos, &mut |p| match_seq(rest, s, p, k))),
        Node::Repeat(node, min, max) => match_repeat(node, *min, *max, 0, s, pos, &mut |p| {
            match_seq(rest, s, p, k)
        }),
        atom => match_atom(atom, s, pos) && match_seq(rest, s, pos + 1, k),
    }
}

fn match_repeat(
    node: &Node,
    min: usize,
    max: usize,
    n: usize,
    s: &[u8],
    pos: usize,
    k: &mut dyn FnMut(usize) -> bool,
) -> bool {
    if let Node::Byte(_) | Node::Any | Node::Class(..) = node {
        // One byte per repetition: measure the run once and backtrack over it in a loop, so the
        // recursion depth does not grow with the subject. Recursing per byte overflowed the
        // stack on a region of a few thousand characters (one can arrive in a bucket ARN).
        let mut run = 0;
        while run < max - n && match_atom(node, s, pos + run) {
            run += 1;
        }
        return (0..=run).rev().filter(|j| n + j >= min).any(|j| k(pos + j));
    }
    if n < max {
        let one = std::slice::from_ref(node);
        if match_seq(one, s, pos, &mut |p| {
            p != pos && match_repeat(node, min, max, n + 1, s, p, k)
        }) {
            return true;
        }
    }
    n >= min && k(pos)
}

#[cfg(test)]
mod tests {
    use super::Regex;

    #[test]
    fn region_patterns() {
        let aws = Regex::new(r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$").unwrap();
        assert!(aws.is_match("us-west-2"));
        assert!(aws.is_match("eu-central-1"));
        assert!(!aws.is_match("us-gov-west-1"));
        assert!(!aws.is_match("cn-north-1"));
        assert!(!aws.is_match("us-west-2x"));
        let eusc = Regex::new(r"^eusc\-(de)\-\w+\-\d+$").unwrap();
        assert!(eusc.is_match("eusc-de-east-1"));
        let r = Regex::new(r"a[b-d]{2,3}(?:x|y)?$").unwrap();
        assert!(r.is_match("abcd"));
        assert!(r.is_match("abby"));
        assert!(!r.is_match("ab"));
        assert!(Regex::new(r"(a").is_err());
        // Long subjects match in bounded stack: the depth follows the pattern, not the input.
        let long = format!("us-{}-1", "w".repeat(1_000_000));
        assert!(aws.is_match(&long));
        assert!(!aws.is_match(&format!("{long}x")));
        let backtrack = Regex::new(r"a\w*b\w{2}$").unwrap();
        assert!(backtrack.is_match("a_b_bcc"));
        assert!(!backtrack.is_match("a_b_bc"));
        assert!(Regex::new(r"\p").is_err());
    }
}
