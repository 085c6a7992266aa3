//! botocore `documentation` HTML → rustdoc Markdown.
//!
//! The model HTML is loose: unclosed `<p>`/`<li>`, text outside any block,
//! literal placeholders such as `<region>` that look like tags, and entities.
//! The converter therefore never fails: it recognises a fixed set of tags,
//! treats any other `<…>` as literal text, and ignores closing tags that do
//! not match anything open.
//!
//! Everything it emits must be warning-free under `cargo doc`, so:
//! * text is escaped (`\*`, `\_`, `` \` ``, `\[`, `\]`, `\<`, `\>`, `\~`, `\\`,
//!   `\&` before entity-like text) and line starts that would begin a heading,
//!   list, or setext underline are escaped too;
//! * bare `http(s)://` URLs become autolinks `<…>` (rustdoc's `bare_urls`), or
//!   code spans when they contain characters an autolink cannot hold
//!   (`https://<bucket>.s3…`);
//! * the only indentation emitted is list nesting (content column of the
//!   enclosing item), so nothing becomes an accidental indented code block;
//! * `<pre>` becomes a fenced ```` ```text ```` block so it is never compiled
//!   as a doctest.

/// Member docs are repeated on fields, setters and getters; keeping them to
/// one short paragraph keeps the generated crates small.
const FIRST_PARAGRAPH_LIMIT: usize = 400;

/// Full conversion of a botocore documentation string to Markdown.
pub fn to_markdown(html: &str) -> String {
    render_blocks(&convert(html))
}

/// The first paragraph of the documentation only, at most ~400 bytes. Long
/// paragraphs are cut at the last sentence end (kept as a whole sentence) or
/// else at the last word boundary (followed by `…`); cuts only happen outside
/// inline markup, so no code span, link or emphasis is ever left open.
pub fn first_paragraph(html: &str) -> String {
    let blocks = convert(html);
    // A bare label paragraph (a note that starts with a list) says nothing.
    let is_label = |t: &str| ["**Note:**", "**Important:**", "**Warning:**"].contains(&t);
    let Some((text, cuts)) = blocks.iter().find_map(|b| match &b.kind {
        BlockKind::Para { text, cuts } if !is_label(text) => Some((text, cuts)),
        _ => None,
    }) else {
        return String::new();
    };
    let text = truncate(text, cuts);
    render_blocks(&[Block {
        indent: 0,
        marker: None,
        kind: BlockKind::Para {
            text,
            cuts: Vec::new(),
        },
    }])
}

/// Lines to emit as doc comments: each line is the exact string for
/// `#[doc = …]` / `///…` — a leading space before non-empty lines, empty
/// strings for blank lines. No trailing whitespace, no leading/trailing or
/// repeated blank lines, and (outside fenced code) no indentation beyond the
/// content column of the enclosing list item, so arbitrary Markdown cannot
/// produce an accidental indented code block.
pub fn doc_lines(markdown: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    // Deepest indentation that is still list content rather than code.
    let mut allowed_indent = 0usize;
    for raw in markdown.split('\n') {
        let line: String = raw
            .trim_end()
            .chars()
            .map(|c| if c == '\t' { ' ' } else { c })
            .filter(|c| !c.is_control())
            .collect();
        let body = line.trim_start();
        let indent = line.len() - body.len();
        if let Some((ch, len)) = fence {
            if fence_run(body).is_some_and(|(c, l)| c == ch && l >= len)
                && body.trim_start_matches(ch).trim().is_empty()
            {
                fence = None;
            }
            lines.push(line);
            continue;
        }
        if body.is_empty() {
            if lines.last().is_some_and(|l| !l.is_empty()) {
                lines.push(String::new());
            }
            continue;
        }
        let indent = indent.min(allowed_indent);
        let marker = list_marker_width(body);
        let after_marker = body.get(marker.unwrap_or(0)..).unwrap_or("");
        if let Some(run) = fence_run(after_marker) {
            fence = Some(run);
        }
        match marker {
            Some(width) => allowed_indent = indent + width,
            None if indent == 0 => allowed_indent = 0,
            None => {}
        }
        lines.push(format!("{}{}", " ".repeat(indent), body));
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
        .into_iter()
        .map(|l| if l.is_empty() { l } else { format!(" {l}") })
        .collect()
}

fn fence_run(s: &str) -> Option<(char, usize)> {
    let ch = s.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = s.chars().take_while(|c| *c == ch).count();
    (len >= 3).then_some((ch, len))
}

/// Width of a list marker including the following space (`- ` → 2, `10. ` → 4).
fn list_marker_width(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    match b.first()? {
        b'-' | b'+' | b'*' if b.get(1) == Some(&b' ') => Some(2),
        b'0'..=b'9' => {
            let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
            let ok = digits <= 9
                && matches!(b.get(digits), Some(b'.' | b')'))
                && b.get(digits + 1) == Some(&b' ');
            ok.then_some(digits + 2)
        }
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Tokenizer

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tag {
    P,
    Br,
    Pre,
    Code,
    Bold,
    Italic,
    A,
    Ul,
    Ol,
    Li,
    Dl,
    Dt,
    Dd,
    Note,
    Important,
    Warning,
    Cell,
    /// Tags that only carry content (`<span>`, `<u>`, `<zonbook>`…).
    Transparent,
    /// Tags whose content is dropped (`<img>`).
    Void,
}

fn tag_kind(name: &str) -> Option<Tag> {
    Some(match name {
        "p" | "div" | "para" | "fullname" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
        | "blockquote" | "hr" | "tr" | "table" | "thead" | "tbody" | "tfoot" | "section"
        | "title" => Tag::P,
        "br" => Tag::Br,
        "pre" => Tag::Pre,
        "code" | "tt" | "filename" | "kbd" | "samp" => Tag::Code,
        "b" | "strong" => Tag::Bold,
        "i" | "em" | "replaceable" | "cite" | "var" => Tag::Italic,
        "a" | "link" => Tag::A,
        "ul" => Tag::Ul,
        "ol" => Tag::Ol,
        "li" => Tag::Li,
        "dl" => Tag::Dl,
        "dt" => Tag::Dt,
        "dd" => Tag::Dd,
        "note" => Tag::Note,
        "important" => Tag::Important,
        "warning" => Tag::Warning,
        "td" | "th" => Tag::Cell,
        "span" | "u" | "sup" | "sub" | "small" | "zonbook" | "xhtml" | "html" | "body" => {
            Tag::Transparent
        }
        "img" => Tag::Void,
        _ => return None,
    })
}

#[derive(Debug)]
enum Token {
    Text(String),
    Start { tag: Tag, href: Option<String> },
    End(Tag),
}

fn tokenize(html: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut text = String::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        text.push_str(rest.get(..lt).unwrap_or(""));
        let at = rest.get(lt..).unwrap_or("");
        if let Some(after) = at.strip_prefix("<!--") {
            rest = after
                .find("-->")
                .and_then(|e| after.get(e + 3..))
                .unwrap_or("");
            continue;
        }
        match parse_tag(at) {
            Some((token, len)) => {
                if !text.is_empty() {
                    tokens.push(Token::Text(decode_entities(&text)));
                    text.clear();
                }
                if let Some(token) = token {
                    tokens.push(token);
                }
                rest = at.get(len..).unwrap_or("");
            }
            None => {
                text.push('<');
                rest = at.get(1..).unwrap_or("");
            }
        }
    }
    text.push_str(rest);
    if !text.is_empty() {
        tokens.push(Token::Text(decode_entities(&text)));
    }
    tokens
}

/// Parses a tag at the start of `s` (which starts with `<`). Returns `None`
/// when this is not a well-formed tag with a known name, so the caller keeps
/// the `<` as text; returns `Some((None, len))` for known tags that produce no
/// token (self-closing transparent tags).
fn parse_tag(s: &str) -> Option<(Option<Token>, usize)> {
    let b = s.as_bytes();
    let mut i = 1;
    let closing = b.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let name_start = i;
    if !b.get(i)?.is_ascii_alphabetic() {
        return None;
    }
    while b
        .get(i)
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b':')
    {
        i += 1;
    }
    let name = s.get(name_start..i)?.to_ascii_lowercase();
    let tag = tag_kind(&name)?;
    let mut href = None;
    let mut self_closing = false;
    loop {
        match *b.get(i)? {
            b'>' => {
                i += 1;
                break;
            }
            b'<' => return None,
            b'/' => {
                self_closing = true;
                i += 1;
            }
            c if c.is_ascii_whitespace() => i += 1,
            _ => {
                let attr_start = i;
                while b.get(i).is_some_and(|c| {
                    !c.is_ascii_whitespace() && !matches!(c, b'=' | b'>' | b'/' | b'<')
                }) {
                    i += 1;
                }
                let attr = s.get(attr_start..i)?;
                self_closing = false;
                if b.get(i) != Some(&b'=') {
                    continue;
                }
                i += 1;
                let value = match *b.get(i)? {
                    q @ (b'"' | b'\'') => {
                        let start = i + 1;
                        let len = s.get(start..)?.bytes().position(|c| c == q)?;
                        i = start + len + 1;
                        s.get(start..start + len)?
                    }
                    _ => {
                        let start = i;
                        while b
                            .get(i)
                            .is_some_and(|c| !c.is_ascii_whitespace() && !matches!(c, b'>' | b'<'))
                        {
                            i += 1;
                        }
                        s.get(start..i)?
                    }
                };
                if attr.eq_ignore_ascii_case("href") {
                    href = Some(decode_entities(value).trim().to_owned());
                }
            }
        }
    }
    let token = if closing {
        Some(Token::End(tag))
    } else if self_closing && tag != Tag::Br && tag != Tag::P {
        // `<a name="x"/>`, `<para/>`-like empties carry no content.
        None
    } else {
        Some(Token::Start { tag, href })
    };
    Some((token, i))
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or(""));
        let after = rest.get(amp + 1..).unwrap_or("");
        let end = after
            .char_indices()
            .take(32)
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '#'))
            .filter(|(_, c)| *c == ';')
            .map(|(i, _)| i);
        let decoded = end.and_then(|e| after.get(..e)).and_then(entity);
        match (decoded, end) {
            (Some(c), Some(e)) => {
                if let Some(c) = c {
                    out.push(c);
                }
                rest = after.get(e + 1..).unwrap_or("");
            }
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `Some(None)` for entities that decode to nothing (soft hyphen).
fn entity(name: &str) -> Option<Option<char>> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return Some(char::from_u32(code).filter(|c| *c != '\0'));
    }
    Some(Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "shy" => return Some(None),
        "mdash" => '\u{2014}',
        "ndash" => '\u{2013}',
        "hellip" => '\u{2026}',
        "lsquo" => '\u{2018}',
        "rsquo" => '\u{2019}',
        "ldquo" => '\u{201c}',
        "rdquo" => '\u{201d}',
        "laquo" => '\u{ab}',
        "raquo" => '\u{bb}',
        "copy" => '\u{a9}',
        "reg" => '\u{ae}',
        "trade" => '\u{2122}',
        "times" => '\u{d7}',
        "divide" => '\u{f7}',
        "le" => '\u{2264}',
        "ge" => '\u{2265}',
        "ne" => '\u{2260}',
        "deg" => '\u{b0}',
        "bull" => '\u{2022}',
        "middot" => '\u{b7}',
        "larr" => '\u{2190}',
        "rarr" => '\u{2192}',
        "micro" => '\u{b5}',
        "plusmn" => '\u{b1}',
        _ => return None,
    }))
}

// ---------------------------------------------------------------------------
// Converter

#[derive(Debug)]
struct Block {
    /// Column of the list marker (or of the text when there is no marker).
    indent: usize,
    marker: Option<String>,
    kind: BlockKind,
}

#[derive(Debug)]
enum BlockKind {
    /// Inline Markdown; `\` + newline is a hard break.
    Para {
        text: String,
        cuts: Vec<Cut>,
    },
    Code {
        lines: Vec<String>,
    },
}

/// A byte offset (always an ASCII space) where a paragraph may be truncated
/// without splitting inline markup.
#[derive(Debug, Clone, Copy)]
struct Cut {
    pos: usize,
    sentence: bool,
}

enum FrameKind {
    Bold,
    Italic,
    Code(String),
    /// Absolute URL, or `None` when only the text is kept.
    Link(Option<String>),
    /// Nested duplicates (`<b><b>`) whose delimiters would break emphasis.
    Transparent(Tag),
}

struct Frame {
    kind: FrameKind,
    start: usize,
}

impl Frame {
    fn tag(&self) -> Tag {
        match &self.kind {
            FrameKind::Bold => Tag::Bold,
            FrameKind::Italic => Tag::Italic,
            FrameKind::Code(_) => Tag::Code,
            FrameKind::Link(_) => Tag::A,
            FrameKind::Transparent(t) => *t,
        }
    }
}

struct List {
    ordered: bool,
    counter: usize,
    /// Column of this list's markers.
    indent: usize,
    /// Column of the current item's content.
    content: usize,
    /// Marker not yet emitted because the item has no content yet.
    marker: Option<String>,
}

#[derive(Default)]
struct Converter {
    blocks: Vec<Block>,
    buf: String,
    cuts: Vec<Cut>,
    frames: Vec<Frame>,
    pending_break: bool,
    label: Option<&'static str>,
    lists: Vec<List>,
    pre: Option<String>,
}

fn convert(html: &str) -> Vec<Block> {
    let mut c = Converter::default();
    for token in tokenize(html) {
        match token {
            Token::Text(t) => c.text(&t),
            Token::Start { tag, href } => c.start(tag, href),
            Token::End(tag) => c.end(tag),
        }
    }
    c.end_pre();
    c.end_paragraph();
    c.blocks
}

fn is_absolute_url(href: &str) -> bool {
    let lower = href.get(..8).unwrap_or(href).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:")
}

impl Converter {
    fn in_code(&self) -> bool {
        self.frames
            .iter()
            .any(|f| matches!(f.kind, FrameKind::Code(_)))
    }

    fn start(&mut self, tag: Tag, href: Option<String>) {
        if let Some(pre) = &mut self.pre {
            if matches!(tag, Tag::Br | Tag::P | Tag::Li) {
                pre.push('\n');
            }
            return;
        }
        if self.in_code() && !matches!(tag, Tag::P | Tag::Pre | Tag::Ul | Tag::Ol | Tag::Li) {
            if matches!(tag, Tag::Br) {
                self.text(" ");
            }
            return;
        }
        match tag {
            Tag::P | Tag::Dl | Tag::Dd => self.end_paragraph(),
            Tag::Dt => {
                self.end_paragraph();
                self.open(FrameKind::Bold);
            }
            Tag::Br => {
                if !self.buf.trim().is_empty() {
                    self.pending_break = true;
                }
            }
            Tag::Pre => {
                self.end_paragraph();
                self.pre = Some(String::new());
            }
            Tag::Code => self.open(FrameKind::Code(String::new())),
            Tag::Bold => self.open(FrameKind::Bold),
            Tag::Italic => self.open(FrameKind::Italic),
            Tag::A => {
                let nested = self
                    .frames
                    .iter()
                    .any(|f| matches!(f.kind, FrameKind::Link(_)));
                let url = href.filter(|h| is_absolute_url(h) && !nested);
                self.open(FrameKind::Link(url));
            }
            Tag::Ul | Tag::Ol => {
                self.end_paragraph();
                // A label must not end up as the first list item's text.
                if let Some(label) = self.label.take() {
                    self.push_block(BlockKind::Para {
                        text: label.trim_end().to_owned(),
                        cuts: Vec::new(),
                    });
                }
                let indent = self.content_indent();
                self.lists.push(List {
                    ordered: tag == Tag::Ol,
                    counter: 0,
                    indent,
                    content: indent,
                    marker: None,
                });
            }
            Tag::Li => {
                self.end_paragraph();
                if self.lists.is_empty() {
                    self.start(Tag::Ul, None);
                }
                if let Some(list) = self.lists.last_mut() {
                    list.counter += 1;
                    let marker = if list.ordered {
                        format!("{}. ", list.counter)
                    } else {
                        "- ".to_owned()
                    };
                    list.content = list.indent + marker.len();
                    list.marker = Some(marker);
                }
            }
            Tag::Note | Tag::Important | Tag::Warning => {
                self.end_paragraph();
                self.label = Some(match tag {
                    Tag::Note => "**Note:** ",
                    Tag::Important => "**Important:** ",
                    _ => "**Warning:** ",
                });
            }
            Tag::Cell => self.text(" "),
            Tag::Transparent | Tag::Void => {}
        }
    }

    fn end(&mut self, tag: Tag) {
        if self.pre.is_some() {
            match tag {
                Tag::Pre => self.end_pre(),
                Tag::P | Tag::Li => self.text("\n"),
                _ => {}
            }
            return;
        }
        if self.in_code()
            && tag != Tag::Code
            && !matches!(tag, Tag::P | Tag::Li | Tag::Ul | Tag::Ol)
        {
            return;
        }
        match tag {
            Tag::P | Tag::Dl | Tag::Dt | Tag::Dd | Tag::Pre => self.end_paragraph(),
            Tag::Code | Tag::Bold | Tag::Italic | Tag::A => {
                if let Some(pos) = self.frames.iter().rposition(|f| f.tag() == tag) {
                    while self.frames.len() > pos {
                        self.close_top();
                    }
                }
            }
            Tag::Li => {
                self.end_paragraph();
                if let Some(list) = self.lists.last_mut() {
                    list.marker = None;
                }
            }
            Tag::Ul | Tag::Ol => {
                self.end_paragraph();
                self.lists.pop();
            }
            Tag::Note | Tag::Important | Tag::Warning => {
                self.end_paragraph();
                self.label = None;
            }
            Tag::Br | Tag::Cell | Tag::Transparent | Tag::Void => {}
        }
    }

    fn content_indent(&self) -> usize {
        self.lists.last().map_or(0, |l| l.content)
    }

    fn open(&mut self, kind: FrameKind) {
        let duplicate = match &kind {
            FrameKind::Bold => Some(Tag::Bold),
            FrameKind::Italic => Some(Tag::Italic),
            _ => None,
        }
        .filter(|t| self.frames.iter().any(|f| f.tag() == *t));
        let kind = match duplicate {
            Some(t) => FrameKind::Transparent(t),
            None => kind,
        };
        self.flush_break();
        self.frames.push(Frame {
            kind,
            start: self.buf.len(),
        });
    }

    fn flush_break(&mut self) {
        if self.pending_break {
            self.pending_break = false;
            while self.buf.ends_with(' ') {
                self.buf.pop();
            }
            if !self.buf.is_empty() && !self.buf.ends_with('\n') {
                self.buf.push_str("\\\n");
            }
        }
    }

    fn close_top(&mut self) {
        let Some(frame) = self.frames.pop() else {
            return;
        };
        let content = split_off_at(&mut self.buf, frame.start);
        let trimmed = content.trim_matches(' ');
        let lead = if content.starts_with(' ') { " " } else { "" };
        let trail = if content.ends_with(' ') && !trimmed.is_empty() {
            " "
        } else {
            ""
        };
        let (open, close) = match &frame.kind {
            FrameKind::Bold => ("**".to_owned(), "**".to_owned()),
            FrameKind::Italic => ("*".to_owned(), "*".to_owned()),
            FrameKind::Link(Some(url)) => {
                let url = encode_url(url);
                if trimmed.is_empty() {
                    self.push_raw(lead);
                    self.push_raw(&format!("<{url}>"));
                    return;
                }
                ("[".to_owned(), format!("]({url})"))
            }
            FrameKind::Link(None) | FrameKind::Transparent(_) => (String::new(), String::new()),
            FrameKind::Code(code) => {
                let code = collapse_ws(code);
                let code = code.trim();
                self.push_raw(lead);
                if !code.is_empty() {
                    self.push_raw(&code_span(code));
                }
                return;
            }
        };
        if trimmed.is_empty() {
            self.push_raw(lead);
            return;
        }
        self.push_raw(lead);
        self.buf.push_str(&open);
        self.buf.push_str(trimmed);
        self.buf.push_str(&close);
        self.push_raw(trail);
    }

    /// Appends already-formatted Markdown, collapsing spaces at the join.
    fn push_raw(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        if s == " " {
            self.push_space();
            return;
        }
        self.buf.push_str(s);
    }

    fn push_space(&mut self) {
        if self.buf.is_empty() || self.buf.ends_with(' ') || self.buf.ends_with('\n') {
            return;
        }
        if self.frames.is_empty() {
            let sentence = self.buf.ends_with(['.', '!', '?']);
            self.cuts.push(Cut {
                pos: self.buf.len(),
                sentence,
            });
        }
        self.buf.push(' ');
    }

    fn text(&mut self, text: &str) {
        if let Some(pre) = &mut self.pre {
            pre.push_str(text);
            return;
        }
        if let Some(Frame {
            kind: FrameKind::Code(code),
            ..
        }) = self
            .frames
            .iter_mut()
            .rev()
            .find(|f| matches!(f.kind, FrameKind::Code(_)))
        {
            code.push_str(text);
            return;
        }
        let in_link = self
            .frames
            .iter()
            .any(|f| matches!(f.kind, FrameKind::Link(Some(_))));
        let collapsed = collapse_ws(text);
        for (i, word) in collapsed.split(' ').enumerate() {
            if i > 0 {
                self.push_space();
            }
            if word.is_empty() {
                continue;
            }
            self.flush_break();
            self.word(word, in_link);
        }
    }

    /// One whitespace-free run of text: escaped, with bare URLs made safe.
    fn word(&mut self, word: &str, in_link: bool) {
        let mut rest = word;
        // Text inside a link is the link's label: no URL rewriting there.
        while let (false, Some((start, end))) = (in_link, find_url(rest)) {
            let (Some(before), Some(url), Some(after)) =
                (rest.get(..start), rest.get(start..end), rest.get(end..))
            else {
                break;
            };
            self.escaped(before);
            if url.chars().all(autolink_char) {
                self.buf.push('<');
                self.buf.push_str(url);
                self.buf.push('>');
            } else {
                self.buf.push_str(&code_span(url));
            }
            rest = after;
        }
        self.escaped(rest);
    }

    fn escaped(&mut self, s: &str) {
        let chars: Vec<char> = s.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            let prev = if i == 0 {
                self.buf.chars().next_back()
            } else {
                chars.get(i - 1).copied()
            };
            let next = chars.get(i + 1).copied();
            match c {
                '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '~' => self.buf.push('\\'),
                '_' if !(prev.is_some_and(|p| p.is_ascii_alphanumeric())
                    && next.is_some_and(|n| n.is_ascii_alphanumeric())) =>
                {
                    self.buf.push('\\')
                }
                '&' if looks_like_entity(chars.get(i + 1..).unwrap_or(&[])) => self.buf.push('\\'),
                _ => {}
            }
            self.buf.push(c);
        }
    }

    fn end_paragraph(&mut self) {
        while !self.frames.is_empty() {
            self.close_top();
        }
        self.pending_break = false;
        let mut text = std::mem::take(&mut self.buf);
        let mut cuts = std::mem::take(&mut self.cuts);
        loop {
            let len = text.len();
            text.truncate(text.trim_end_matches(' ').len());
            if text.ends_with("\\\n") {
                text.truncate(text.len() - 2);
            }
            if text.len() == len {
                break;
            }
        }
        if text.is_empty() {
            return;
        }
        cuts.retain(|c| c.pos < text.len());
        if let Some(label) = self.label.take() {
            text.insert_str(0, label);
            for c in &mut cuts {
                c.pos += label.len();
            }
        }
        self.push_block(BlockKind::Para { text, cuts });
    }

    fn push_block(&mut self, kind: BlockKind) {
        let (indent, marker) = match self.lists.last_mut() {
            Some(list) => match list.marker.take() {
                Some(m) => (list.indent, Some(m)),
                None => (list.content, None),
            },
            None => (0, None),
        };
        self.blocks.push(Block {
            indent,
            marker,
            kind,
        });
    }

    fn end_pre(&mut self) {
        let Some(pre) = self.pre.take() else {
            return;
        };
        let lines: Vec<String> = pre
            .split('\n')
            .map(|l| {
                l.replace('\t', "    ")
                    .chars()
                    .filter(|c| !c.is_control())
                    .collect::<String>()
                    .trim_end()
                    .to_owned()
            })
            .collect();
        let first = lines.iter().position(|l| !l.is_empty());
        let last = lines.iter().rposition(|l| !l.is_empty());
        let (Some(first), Some(last)) = (first, last) else {
            return;
        };
        let lines = lines.get(first..=last).unwrap_or(&[]);
        let dedent = lines
            .iter()
            .filter(|l| !l.is_empty())
            .map(|l| l.len() - l.trim_start().len())
            .min()
            .unwrap_or(0);
        let lines = lines
            .iter()
            .map(|l| l.get(dedent..).unwrap_or(l.trim_start()).to_owned())
            .collect();
        self.push_block(BlockKind::Code { lines });
    }
}

fn split_off_at(buf: &mut String, at: usize) -> String {
    if buf.is_char_boundary(at) && at <= buf.len() {
        buf.split_off(at)
    } else {
        String::new()
    }
}

/// HTML whitespace semantics: runs of whitespace (including newlines and
/// NBSP) become one space; control characters are dropped.
fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
        } else if !c.is_control() {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    if space {
        out.push(' ');
    }
    out
}

/// A code span whose backtick fence does not occur inside the content.
fn code_span(code: &str) -> String {
    let mut runs = Vec::new();
    let mut run = 0usize;
    for c in code.chars() {
        if c == '`' {
            run += 1;
        } else if run > 0 {
            runs.push(run);
            run = 0;
        }
    }
    if run > 0 {
        runs.push(run);
    }
    let n = (1..).find(|n| !runs.contains(n)).unwrap_or(1);
    let fence = "`".repeat(n);
    let pad = if code.starts_with('`') || code.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{code}{pad}{fence}")
}

fn looks_like_entity(rest: &[char]) -> bool {
    let n = rest
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == '#')
        .count();
    n > 0 && rest.get(n) == Some(&';')
}

fn autolink_char(c: char) -> bool {
    !c.is_control()
        && !c.is_whitespace()
        && !matches!(
            c,
            '<' | '>' | '{' | '}' | '|' | '\\' | '^' | '[' | ']' | '`' | '"'
        )
}

/// Finds an `http(s)://` URL inside a whitespace-free word, returning its byte
/// range with trailing sentence punctuation and unbalanced closing brackets
/// left out. Anything rustdoc's `bare_urls` lint would match lies inside the
/// returned range.
fn find_url(word: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    loop {
        let rel = word.get(from..)?.find("http")?;
        let start = from + rel;
        let tail = word.get(start..)?;
        let scheme = if tail.starts_with("https://") {
            8
        } else if tail.starts_with("http://") {
            7
        } else {
            from = start + 4;
            continue;
        };
        let len = tail
            .char_indices()
            .find(|(_, c)| matches!(c, '"' | '\'' | '`'))
            .map_or(tail.len(), |(i, _)| i);
        let mut url = tail.get(..len)?;
        loop {
            let trimmed = url.trim_end_matches(['.', ',', ';', ':', '!', '?', '*']);
            let trimmed = if (trimmed.ends_with(')')
                && trimmed.matches('(').count() < trimmed.matches(')').count())
                || (trimmed.ends_with(']')
                    && trimmed.matches('[').count() < trimmed.matches(']').count())
            {
                trimmed.get(..trimmed.len() - 1).unwrap_or(trimmed)
            } else {
                trimmed
            };
            if trimmed.len() == url.len() {
                break;
            }
            url = trimmed;
        }
        let has_host = url
            .get(scheme..)
            .is_some_and(|h| h.chars().any(|c| c.is_ascii_alphanumeric()));
        if has_host {
            return Some((start, start + url.len()));
        }
        from = start + scheme;
    }
}

/// Characters that would end or confuse a Markdown link destination.
fn encode_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '\\' => out.push_str("%5C"),
            '`' => out.push_str("%60"),
            c if c.is_control() || c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

/// Escapes what would make a line start a heading, list, thematic break or
/// setext underline.
fn escape_line_start(line: &str) -> String {
    let b = line.as_bytes();
    match b.first() {
        Some(b'#' | b'-' | b'+' | b'=') => format!("\\{line}"),
        Some(b'0'..=b'9') => {
            let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
            match (b.get(digits), line.get(..digits), line.get(digits..)) {
                (Some(b'.' | b')'), Some(num), Some(rest)) if digits <= 9 => {
                    format!("{num}\\{rest}")
                }
                _ => line.to_owned(),
            }
        }
        _ => line.to_owned(),
    }
}

fn render_blocks(blocks: &[Block]) -> String {
    let mut out = String::new();
    let mut prev: Option<&Block> = None;
    for block in blocks {
        if let Some(p) = prev {
            let tight = block.marker.is_some()
                && matches!(block.kind, BlockKind::Para { .. })
                && matches!(p.kind, BlockKind::Para { .. })
                && (p.marker.is_some() || p.indent > 0);
            out.push_str(if tight { "\n" } else { "\n\n" });
        }
        prev = Some(block);
        let marker = block.marker.as_deref().unwrap_or("");
        let first_prefix = format!("{}{}", " ".repeat(block.indent), marker);
        let rest_prefix = " ".repeat(block.indent + marker.len());
        match &block.kind {
            BlockKind::Para { text, .. } => {
                for (i, line) in text.split('\n').enumerate() {
                    if i > 0 {
                        out.push('\n');
                        out.push_str(&rest_prefix);
                    } else {
                        out.push_str(&first_prefix);
                    }
                    out.push_str(&escape_line_start(line.trim_start()));
                }
            }
            BlockKind::Code { lines } => {
                let longest = lines
                    .iter()
                    .filter_map(|l| fence_run(l.trim_start()))
                    .filter(|(c, _)| *c == '`')
                    .map(|(_, n)| n)
                    .max()
                    .unwrap_or(0);
                let fence = "`".repeat(longest.max(2) + 1);
                out.push_str(&first_prefix);
                out.push_str(&fence);
                out.push_str("text");
                for line in lines {
                    out.push('\n');
                    if !line.is_empty() {
                        out.push_str(&rest_prefix);
                        out.push_str(line);
                    }
                }
                out.push('\n');
                out.push_str(&rest_prefix);
                out.push_str(&fence);
            }
        }
    }
    out
}

fn truncate(text: &str, cuts: &[Cut]) -> String {
    if text.len() <= FIRST_PARAGRAPH_LIMIT {
        return text.to_owned();
    }
    let fitting = || cuts.iter().filter(|c| c.pos <= FIRST_PARAGRAPH_LIMIT);
    let sentence = fitting().rfind(|c| c.sentence && c.pos >= FIRST_PARAGRAPH_LIMIT / 4);
    if let Some(cut) = sentence {
        if let Some(t) = text.get(..cut.pos) {
            return t.to_owned();
        }
    }
    if let Some(cut) = fitting().rfind(|c| c.pos > 0) {
        if let Some(t) = text.get(..cut.pos) {
            return format!("{t}\u{2026}");
        }
    }
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Real botocore snippets (s3 2006-03-01, ec2 2016-11-15, and a few other
    /// services for shapes that s3/ec2 do not exercise) with their Markdown.
    const CASES: &[(&str, &str)] = &[
        // Entities inside code: literal angle brackets stay inside the span.
        (
            "<p>If additional keys satisfy the search criteria, but were not returned because <code>max-keys</code> was exceeded, the response contains <code>&lt;isTruncated&gt;true&lt;/isTruncated&gt;</code>.</p>",
            "If additional keys satisfy the search criteria, but were not returned because `max-keys` was exceeded, the response contains `<isTruncated>true</isTruncated>`.",
        ),
        // Link whose text is its URL, then a note.
        (
            "<p>For more information about the HTTP Range header, see <a href=\"https://www.rfc-editor.org/rfc/rfc9110.html#name-range\">https://www.rfc-editor.org/rfc/rfc9110.html#name-range</a>.</p> <note> <p>Amazon S3 doesn't support retrieving multiple ranges of data per <code>GET</code> request.</p> </note>",
            "For more information about the HTTP Range header, see [https://www.rfc-editor.org/rfc/rfc9110.html#name-range](https://www.rfc-editor.org/rfc/rfc9110.html#name-range).\n\n**Note:** Amazon S3 doesn't support retrieving multiple ranges of data per `GET` request.",
        ),
        // "https://.." is not a URL rustdoc would flag; left alone.
        (
            "<p>The URL can either be a https URL (https://..) or an Amazon S3 URL (s3://..)</p>",
            "The URL can either be a https URL (https://..) or an Amazon S3 URL (s3://..)",
        ),
        // Brackets inside code need no escaping.
        (
            "<p>Amazon S3 keys for log objects are partitioned in the following format:</p> <p> <code>[DestinationPrefix][SourceAccountId]/[SourceRegion]/[YYYY]-[MM]-[DD]</code> </p>",
            "Amazon S3 keys for log objects are partitioned in the following format:\n\n`[DestinationPrefix][SourceAccountId]/[SourceRegion]/[YYYY]-[MM]-[DD]`",
        ),
        (
            "<p>Pattern: (<code>arn:aws[-a-z0-9]*:kms:[-a-z0-9]*:[0-9]{12}:key/.+</code>)</p>",
            "Pattern: (`arn:aws[-a-z0-9]*:kms:[-a-z0-9]*:[0-9]{12}:key/.+`)",
        ),
        // Lists of links and a definition list.
        (
            "<p>This data type is used with the following actions:</p> <ul> <li> <p> <a href=\"https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketEncryption.html\">PutBucketEncryption</a> </p> </li> <li> <p> <a href=\"https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketEncryption.html\">GetBucketEncryption</a> </p> </li> </ul> <dl> <dt>Permissions</dt> <dd> <p>You must have the <code>s3:PutEncryptionConfiguration</code> permission. </p> <p>You must have the <code>s3:GetEncryptionConfiguration</code> permission to view a bucket's encryption type. </p> </dd> </dl>",
            "This data type is used with the following actions:\n\n- [PutBucketEncryption](https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketEncryption.html)\n- [GetBucketEncryption](https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketEncryption.html)\n\n**Permissions**\n\nYou must have the `s3:PutEncryptionConfiguration` permission.\n\nYou must have the `s3:GetEncryptionConfiguration` permission to view a bucket's encryption type.",
        ),
        // Relative links (and DocBook <link>) keep their text only.
        (
            "<p>This operation has been replaced by the <link  linkend=\"DisassociateFromAdministratorAccount\">DisassociateFromAdministratorAccount</link> operation. See <a>AttachVolume</a> and <a href=\"#Foo\">Foo</a>.</p>",
            "This operation has been replaced by the DisassociateFromAdministratorAccount operation. See AttachVolume and Foo.",
        ),
        // Unknown "tags" are placeholders: escaped as text.
        (
            "<p>Constrained KMS key ARN string matching the format arn:aws:kms:<region>:<account>:key/<uuid>.</p>",
            "Constrained KMS key ARN string matching the format arn:aws:kms:\\<region\\>:\\<account\\>:key/\\<uuid\\>.",
        ),
        // <pre><code> with escaped HTML inside becomes a text block.
        (
            "<p>The repository events that cause the trigger to run actions in another service. <pre><code> &lt;/p&gt; &lt;note&gt; &lt;p&gt;The valid value &quot;all&quot; cannot be used with any other values.&lt;/p&gt; &lt;/note&gt; </code></pre>",
            "The repository events that cause the trigger to run actions in another service.\n\n```text\n</p> <note> <p>The valid value \"all\" cannot be used with any other values.</p> </note>\n```",
        ),
        // Formatting tags inside code are dropped.
        (
            "<p>Example: <code>mem-3.9dvc4r<u>.cfg</u>.usw2.cache.amazonaws.com:11211</code> </p>",
            "Example: `mem-3.9dvc4r.cfg.usw2.cache.amazonaws.com:11211`",
        ),
        // <br/>, <a> inside <code>, a list inside an open <p>, text after </li>.
        (
            "<p> Name of Additional Limit is specific to a given InstanceType and for each of it's <code> <a>InstanceRole</a> </code> etc. <br/> Attributes and their details: <br/> <ul> <li>MaximumNumberOfDataNodesSupported</li> This attribute will be present in Master node only.</p>",
            "Name of Additional Limit is specific to a given InstanceType and for each of it's `InstanceRole` etc.\\\nAttributes and their details:\n\n- MaximumNumberOfDataNodesSupported\n\n  This attribute will be present in Master node only.",
        ),
        // Markdown-significant punctuation in text.
        (
            "<p>Specifies whether IAM user passwords must contain at least one of the following symbols:</p> <p>! @ # $ % ^ &amp; * ( ) _ + - = [ ] { } | '</p>",
            "Specifies whether IAM user passwords must contain at least one of the following symbols:\n\n! @ # $ % ^ & \\* ( ) \\_ + - = \\[ \\] { } | '",
        ),
        // A paragraph that would otherwise be a list item.
        (
            "<p>- The Amazon S3 bucket where the task assessment report is located. </p>",
            "\\- The Amazon S3 bucket where the task assessment report is located.",
        ),
        (
            "<p>An object can be accessed in two ways:</p> <ol> <li> <p>Using the path</p> </li> <li> <p>Using <code>ObjectIdentifier</code> </p> </li> </ol>",
            "An object can be accessed in two ways:\n\n1. Using the path\n2. Using `ObjectIdentifier`",
        ),
        // A note holding a list: the label is its own paragraph.
        (
            "<note> <ul> <li> <p> <b>Directory buckets</b> - If multipart uploads are in progress, you can't delete the bucket.</p> </li> </ul> </note>",
            "**Note:**\n\n- **Directory buckets** - If multipart uploads are in progress, you can't delete the bucket.",
        ),
        // Nested list with a continuation paragraph.
        (
            "<ul> <li> <p>Error Code: <code>EntityTooSmall</code> </p> <ul> <li> <p>Description: Your proposed upload is smaller than the minimum allowed object size.</p> </li> <li> <p>HTTP Status Code: 400 Bad Request</p> </li> </ul> </li> </ul>",
            "- Error Code: `EntityTooSmall`\n  - Description: Your proposed upload is smaller than the minimum allowed object size.\n  - HTTP Status Code: 400 Bad Request",
        ),
        // Bare URLs: autolink, or code when the URL holds a placeholder.
        (
            "<p>See http://www.w3.org/Protocols/rfc2616/rfc2616-sec14.html#sec14.9. Endpoint: https://&lt;bucket&gt;.s3.amazonaws.com/ or <i>_private_</i> &amp;lt; `tick` 1. done</p><p>2. second</p>",
            "See <http://www.w3.org/Protocols/rfc2616/rfc2616-sec14.html#sec14.9>. Endpoint: `https://<bucket>.s3.amazonaws.com/` or *\\_private\\_* \\&lt; \\`tick\\` 1. done\n\n2\\. second",
        ),
    ];

    #[test]
    fn real_snippets() {
        for (html, md) in CASES {
            assert_eq!(to_markdown(html), *md, "input: {html}");
        }
    }

    #[test]
    fn code_span_fences() {
        assert_eq!(to_markdown("<code>a`b</code>"), "``a`b``");
        assert_eq!(to_markdown("<code>`a``</code>"), "``` `a`` ```");
        assert_eq!(to_markdown("<code> </code>x"), "x");
    }

    #[test]
    fn first_paragraph_is_short() {
        assert_eq!(first_paragraph("<p>One.</p><p>Two.</p>"), "One.");
        assert_eq!(
            first_paragraph("<note><ul><li>a</li></ul></note><p>Real text.</p>"),
            "a"
        );
        let sentence = "This sentence has exactly some words in it. ";
        let html = format!("<p>{}</p>", sentence.repeat(20));
        let out = first_paragraph(&html);
        assert!(out.len() <= FIRST_PARAGRAPH_LIMIT, "{out}");
        assert!(out.ends_with("in it."), "{out}");
        let words = "<code>word</code> ".repeat(200);
        let out = first_paragraph(&format!("<p>{words}</p>"));
        assert!(out.len() <= FIRST_PARAGRAPH_LIMIT + 3, "{out}");
        assert!(out.ends_with("`word`\u{2026}"), "{out}");
        // No safe cut inside one giant code span: keep it whole.
        let big = "x".repeat(600);
        assert_eq!(
            first_paragraph(&format!("<p><code>{big}</code></p>")),
            format!("`{big}`")
        );
    }

    #[test]
    fn doc_lines_shape() {
        assert_eq!(
            doc_lines("a  \n\n\n- b\n  c\n\n        code?\n```text\n    kept\n```\n\n"),
            [
                " a",
                "",
                " - b",
                "   c",
                "",
                "   code?",
                " ```text",
                "     kept",
                " ```"
            ]
        );
        assert_eq!(
            doc_lines("- ```text\n      indented\n  ```\n- x"),
            [" - ```text", "       indented", "   ```", " - x"]
        );
        assert!(doc_lines("").is_empty());
    }

    fn fuzz_inputs() -> Vec<String> {
        let mut inputs: Vec<String> = [
            "",
            "<",
            ">",
            "&",
            "&#",
            "&#x;",
            "&#xFFFFFFFF;",
            "&#0;",
            "&amp",
            "<p",
            "<p>",
            "</p>",
            "</li></ul></ol>",
            "<li>",
            "<a href=",
            "<a href=\"x",
            "<a href='https://x'>",
            "<code>",
            "<code><code>x</code>",
            "<pre>",
            "<pre><code>",
            "<!--",
            "<!-- x -->y",
            "<b><b><i>x</b></i>",
            "<note>",
            "<dt>",
            "<br/><br/>",
            "<ul><li><pre>a\n  b</pre></li></ul>",
            "\u{0}\u{7}\r\n\t",
            "日本語 <b>é</b>",
            "http://",
            "https://x",
            "(https://a.b/(c))",
            "*_`[]<>\\~#-+=|",
            "1. x",
            "10) y",
            "<p>#</p><p>===</p><p>---</p>",
            "<a href=\"https://x\"></a>",
            "<a href=\"https://x y(z)\">t</a>",
            "<b>  </b>",
            "<i>a<br/></i>b",
            "<ol><li><ol><li>x</li></ol></li></ol>",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let pieces = [
            "<p>",
            "</p>",
            "<code>",
            "</code>",
            "<b>",
            "</b>",
            "<i>",
            "</i>",
            "<a href=\"https://e.com/a_b\">",
            "<a>",
            "</a>",
            "<ul>",
            "</ul>",
            "<ol>",
            "<li>",
            "</li>",
            "<note>",
            "</note>",
            "<pre>",
            "</pre>",
            "<br/>",
            "<dl>",
            "<dt>",
            "</dt>",
            "<dd>",
            "&lt;",
            "&amp;",
            "&#x27;",
            "<region>",
            " ",
            "\n",
            "word",
            "_",
            "*",
            "`",
            "[",
            "]",
            "https://e.com/x",
            "1.",
            "-",
            "#",
            "é",
            "\\",
            "<",
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..3000 {
            let mut s = String::new();
            for _ in 0..(state % 24) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                s.push_str(
                    pieces
                        .get((state % pieces.len() as u64) as usize)
                        .unwrap_or(&""),
                );
            }
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
            inputs.push(s);
        }
        inputs
    }

    #[test]
    fn fuzz_never_panics_and_output_is_clean() {
        for input in fuzz_inputs() {
            for md in [to_markdown(&input), first_paragraph(&input)] {
                let lines = doc_lines(&md);
                for line in &lines {
                    assert_eq!(line.trim_end(), line, "{input:?} -> {md:?}");
                    assert!(!line.chars().any(|c| c.is_control()), "{input:?}");
                }
                let mut in_fence = false;
                for line in md.split('\n') {
                    let body = line.trim_start();
                    let after = body
                        .get(list_marker_width(body).unwrap_or(0)..)
                        .unwrap_or("");
                    if after.starts_with("```") {
                        in_fence = !in_fence;
                        continue;
                    }
                    if in_fence {
                        continue;
                    }
                    assert!(line.len() - body.len() < 8, "{input:?} -> {md:?}");
                    // Raw HTML could only come from an unescaped `<` that is
                    // not an autolink.
                    for (i, _) in body.match_indices('<') {
                        let escaped = i > 0 && body.as_bytes().get(i - 1) == Some(&b'\\');
                        let autolink = body.get(i..).is_some_and(|r| r.starts_with("<http"));
                        let in_code = body.get(..i).is_some_and(|b| b.contains('`'));
                        assert!(escaped || autolink || in_code, "{input:?} -> {md:?}");
                    }
                }
            }
        }
    }
}
