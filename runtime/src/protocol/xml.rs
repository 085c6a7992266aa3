//! A small XML layer shared by the XML protocols (`query`, `ec2`, later `rest-xml`).
//!
//! [`parse`] turns a response body into a lightweight [`Element`] tree: element and attribute
//! names keep their prefix in `qname` but are matched by local name (namespaces are ignored, as
//! botocore strips them), text is unescaped and end-of-line normalized, whitespace is kept.
//! [`decode`] then walks that tree alongside a [`Shape`] following botocore's
//! `BaseXMLResponseParser`, producing a [`Value`].
//!
//! Nothing here panics on hostile input: malformed or truncated XML, wrong scalar types, numbers
//! out of range and nesting deeper than [`MAX_DEPTH`] are all [`ParseError`]s naming the element
//! path.
//!
//! [`write_document`] is the other direction, for rest-xml request bodies: botocore's
//! `RestXMLSerializer` (member order, namespaces, attributes, flattening, ElementTree escaping).

use super::{ParseError, SerializeError};
use crate::schema::{
    Kind, Member, Shape, TimestampFormat, XmlNamespace, FLATTENED, SHAPE_FLATTENED, XML_ATTRIBUTE,
};
use crate::types::{Blob, DateTime};
use crate::value::Value;
use base64::Engine as _;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// The deepest element nesting accepted; real AWS responses stay far below it.
pub const MAX_DEPTH: usize = 100;

/// One XML element.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    /// The local name (namespace prefix removed).
    pub name: String,
    /// Attributes as written (`xsi:type`), without `xmlns` declarations, values unescaped.
    pub attributes: Vec<(String, String)>,
    /// The element's own character data (text and CDATA between its children), unescaped.
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    /// The first child element with local name `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child element with local name `name`, in document order.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The text of the first child named `name`.
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.as_str())
    }

    /// This element or its first descendant (depth-first, document order) named `name`.
    pub fn find(&self, name: &str) -> Option<&Element> {
        if self.name == name {
            return Some(self);
        }
        self.children.iter().find_map(|c| c.find(name))
    }

    /// The value of attribute `name`. A prefixed `name` (`xsi:type`) also matches an attribute
    /// with the same local name under another prefix, as botocore rewrites namespaces to the
    /// modeled prefix.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        if let Some((_, v)) = self.attributes.iter().find(|(k, _)| k == name) {
            return Some(v);
        }
        let (_, local) = name.split_once(':')?;
        self.attributes
            .iter()
            .find(|(k, _)| matches!(k.split_once(':'), Some((_, l)) if l == local))
            .map(|(_, v)| v.as_str())
    }
}

fn local(qname: &[u8]) -> &[u8] {
    match qname.iter().position(|&b| b == b':') {
        Some(i) => &qname[i + 1..],
        None => qname,
    }
}

fn utf8(bytes: &[u8], what: &str) -> Result<String, ParseError> {
    std::str::from_utf8(bytes)
        .map(str::to_owned)
        .map_err(|_| ParseError(format!("invalid XML: {what} is not valid UTF-8")))
}

fn path_of(stack: &[Element]) -> String {
    let names: Vec<&str> = stack.iter().map(|e| e.name.as_str()).collect();
    names.join("/")
}

fn start_element(
    e: &BytesStart<'_>,
    reader: &Reader<&[u8]>,
    stack: &[Element],
) -> Result<Element, ParseError> {
    let name = utf8(local(e.name().as_ref()), "an element name")?;
    let mut attributes = Vec::new();
    for attr in e.attributes() {
        let attr = attr.map_err(|err| {
            ParseError(format!(
                "invalid XML: bad attribute in <{}> under {:?}: {err}",
                name,
                path_of(stack)
            ))
        })?;
        let key = utf8(attr.key.as_ref(), "an attribute name")?;
        if key == "xmlns" || key.starts_with("xmlns:") {
            continue;
        }
        let value = attr
            .decode_and_unescape_value(reader.decoder())
            .map_err(|err| {
                ParseError(format!("invalid XML: attribute {key} of <{name}>: {err}"))
            })?;
        attributes.push((key, value.into_owned()));
    }
    Ok(Element {
        name,
        attributes,
        text: String::new(),
        children: Vec::new(),
    })
}

/// The root element's name, read without parsing the rest of the document; `None` when the
/// body does not start as XML.
pub(crate) fn root_name(body: &[u8]) -> Option<String> {
    let mut reader = Reader::from_reader(body);
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) => {
                return Some(String::from_utf8_lossy(e.name().as_ref()).into_owned())
            }
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
            Event::Text(t) if t.iter().all(u8::is_ascii_whitespace) => {}
            _ => return None,
        }
    }
}

/// Parses a whole document into its root element.
pub fn parse(body: &[u8]) -> Result<Element, ParseError> {
    let mut reader = Reader::from_reader(body);
    reader.config_mut().expand_empty_elements = true;
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let event = reader.read_event().map_err(|e| {
            let at = path_of(&stack);
            let at = if at.is_empty() {
                String::new()
            } else {
                format!(" inside {at}")
            };
            ParseError(format!(
                "invalid XML at byte {}{at}: {e}",
                reader.error_position()
            ))
        })?;
        match event {
            Event::Start(e) => {
                if root.is_some() {
                    return Err(ParseError(
                        "invalid XML: more than one root element".to_string(),
                    ));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(ParseError(format!(
                        "XML nested deeper than {MAX_DEPTH} elements at {}",
                        path_of(&stack)
                    )));
                }
                let el = start_element(&e, &reader, &stack)?;
                stack.push(el);
            }
            Event::End(_) => {
                // check_end_names guarantees the end matches the open element.
                let Some(done) = stack.pop() else {
                    return Err(ParseError("invalid XML: unmatched end tag".to_string()));
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => root = Some(done),
                }
            }
            Event::Empty(e) => {
                // Not produced with expand_empty_elements, but harmless to handle.
                let el = start_element(&e, &reader, &stack)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None if root.is_none() => root = Some(el),
                    None => {
                        return Err(ParseError(
                            "invalid XML: more than one root element".to_string(),
                        ))
                    }
                }
            }
            Event::Text(t) => {
                let text = t
                    .xml10_content()
                    .map_err(|e| ParseError(format!("invalid XML text: {e}")))?;
                match stack.last_mut() {
                    Some(el) => el.text.push_str(&text),
                    None if text.trim().is_empty() => {}
                    None => {
                        return Err(ParseError(
                            "invalid XML: text outside the root element".to_string(),
                        ))
                    }
                }
            }
            Event::CData(t) => {
                let text = utf8(&t, "CDATA")?;
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(&text);
                }
            }
            Event::GeneralRef(r) => {
                let resolved: String = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => {
                        let name = utf8(&r, "an entity reference")?;
                        match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(s) => s.to_string(),
                            None => {
                                return Err(ParseError(format!(
                                    "invalid XML: unknown entity &{name}; at {}",
                                    path_of(&stack)
                                )))
                            }
                        }
                    }
                    Err(e) => {
                        return Err(ParseError(format!(
                            "invalid XML: bad character reference at {}: {e}",
                            path_of(&stack)
                        )))
                    }
                };
                match stack.last_mut() {
                    Some(el) => el.text.push_str(&resolved),
                    None => {
                        return Err(ParseError(
                            "invalid XML: reference outside the root element".to_string(),
                        ))
                    }
                }
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(ParseError(format!(
            "invalid XML: document ends inside {}",
            path_of(&stack)
        )));
    }
    root.ok_or_else(|| ParseError("invalid XML: no root element".to_string()))
}

/// Whether a member (merged with its target, as botocore merges member traits over the shape)
/// is flattened.
pub fn is_flattened(member: &Member) -> bool {
    member.has(FLATTENED) || member.target().has(SHAPE_FLATTENED)
}

/// The member's serialized name (`locationName` of the member, else of its target shape).
pub fn serialized_name(member: &Member) -> Option<&'static str> {
    member.location_name.or(member.target().location_name)
}

/// The element name a structure member is found under: botocore's `_member_key_name`.
/// A flattened list whose list member has a `locationName` uses that name.
pub fn member_key_name(member: &Member) -> &'static str {
    if let Kind::List(item) = member.target().kind {
        if is_flattened(member) {
            if let Some(n) = serialized_name(item) {
                return n;
            }
        }
    }
    serialized_name(member).unwrap_or(member.name)
}

/// Decodes `element` as `shape` (structure members from its children, a list from its
/// children, a scalar from its text).
pub fn decode(shape: &'static Shape, element: &Element) -> Result<Value, ParseError> {
    let mut path = vec![element.name.as_str()];
    decode_node(shape, false, &[element], &mut path)
}

fn err(path: &[&str], msg: impl std::fmt::Display) -> ParseError {
    ParseError(format!("{}: {msg}", path.join("/")))
}

/// Decodes `nodes`: the element(s) a member resolved to. Several only when the member's
/// element repeats; a flattened list or map takes them all, anything else reads the first.
fn decode_node<'a>(
    shape: &'static Shape,
    flattened: bool,
    nodes: &[&'a Element],
    path: &mut Vec<&'a str>,
) -> Result<Value, ParseError> {
    if path.len() > MAX_DEPTH + 2 {
        return Err(err(path, "nested too deeply"));
    }
    let Some(&first) = nodes.first() else {
        return Err(err(path, "no element"));
    };
    match &shape.kind {
        Kind::Structure(members) => decode_structure(members, first, path),
        Kind::Union(members) => decode_union(shape, members, first, path),
        Kind::List(item) => {
            let items: Vec<&'a Element> = if flattened {
                nodes.to_vec()
            } else {
                // Wrapped: every child element is an item, whatever its name (as botocore).
                first.children.iter().collect()
            };
            let mut out = Vec::with_capacity(items.len());
            for e in items {
                path.push(e.name.as_str());
                let v = decode_node(item.target(), is_flattened(item), &[e], path);
                path.pop();
                out.push(v?);
            }
            Ok(Value::List(out))
        }
        Kind::Map(key, value) => {
            let key_name = serialized_name(key).unwrap_or("key");
            let value_name = serialized_name(value).unwrap_or("value");
            let entries: Vec<&'a Element> = if flattened {
                nodes.to_vec()
            } else {
                first.children.iter().collect()
            };
            let mut out = Vec::with_capacity(entries.len());
            for entry in entries {
                path.push(entry.name.as_str());
                let mut k: Option<String> = None;
                let mut v: Option<Value> = None;
                for pair in &entry.children {
                    if pair.name == key_name {
                        path.push(pair.name.as_str());
                        let decoded = decode_node(key.target(), false, &[pair], path);
                        path.pop();
                        k = Some(match decoded? {
                            Value::Str(s) => s,
                            other => {
                                return Err(err(
                                    path,
                                    format!(
                                        "map key must be a string, found {}",
                                        other.type_name()
                                    ),
                                ))
                            }
                        });
                    } else if pair.name == value_name {
                        path.push(pair.name.as_str());
                        let decoded =
                            decode_node(value.target(), is_flattened(value), &[pair], path);
                        path.pop();
                        v = Some(decoded?);
                    }
                    // Unknown tags inside an entry are ignored (botocore raises; a newer
                    // service adding one should not break old clients).
                }
                let entry_result = match (k, v) {
                    (Some(k), Some(v)) => Ok(Some((k, v))),
                    (None, _) => Err(err(path, format!("map entry without <{key_name}>"))),
                    (Some(_), None) => Ok(None),
                };
                path.pop();
                if let Some(kv) = entry_result? {
                    out.push(kv);
                }
            }
            Ok(Value::Map(out))
        }
        _ => decode_scalar(shape, &first.text, path),
    }
}

/// Groups children by local name, keeping document order within each name.
fn by_name(element: &Element) -> Vec<(&str, Vec<&Element>)> {
    let mut groups: Vec<(&str, Vec<&Element>)> = Vec::new();
    for c in &element.children {
        match groups.iter_mut().find(|(n, _)| *n == c.name) {
            Some((_, v)) => v.push(c),
            None => groups.push((c.name.as_str(), vec![c])),
        }
    }
    groups
}

fn decode_structure<'a>(
    members: &'static [Member],
    element: &'a Element,
    path: &mut Vec<&'a str>,
) -> Result<Value, ParseError> {
    let groups = by_name(element);
    let mut slots: Vec<Option<Value>> = Vec::with_capacity(members.len());
    for m in members {
        slots.push(decode_member(m, element, &groups, path)?);
    }
    Ok(Value::Struct(slots))
}

fn decode_member<'a>(
    m: &'static Member,
    element: &'a Element,
    groups: &[(&'a str, Vec<&'a Element>)],
    path: &mut Vec<&'a str>,
) -> Result<Option<Value>, ParseError> {
    use crate::schema::Location;
    if matches!(
        m.location,
        Location::Header | Location::Headers | Location::StatusCode
    ) {
        // Headers and status codes are the protocol's business, not the body's; as in
        // botocore's `KNOWN_LOCATIONS`, URI and query members are still read from the body.
        return Ok(None);
    }
    let key = member_key_name(m);
    if let Some((name, nodes)) = groups.iter().find(|(n, _)| *n == key) {
        path.push(*name);
        let v = decode_node(m.target(), is_flattened(m), nodes, path);
        path.pop();
        return v.map(Some);
    }
    if m.has(XML_ATTRIBUTE) {
        let attr_name = serialized_name(m).unwrap_or(m.name);
        if let Some(text) = element.attribute(attr_name) {
            path.push(attr_name);
            let v = decode_scalar(m.target(), text, path);
            path.pop();
            return v.map(Some);
        }
    }
    Ok(None)
}

fn decode_union<'a>(
    shape: &'static Shape,
    members: &'static [Member],
    element: &'a Element,
    path: &mut Vec<&'a str>,
) -> Result<Value, ParseError> {
    let groups = by_name(element);
    if groups.len() != 1 {
        return Err(err(
            path,
            format!(
                "{} must have one and only one member set, found {}",
                shape.name,
                groups.len()
            ),
        ));
    }
    // An unknown member (newer service) leaves every slot unset.
    decode_structure(members, element, path)
}

fn decode_scalar(shape: &'static Shape, text: &str, path: &[&str]) -> Result<Value, ParseError> {
    let bad = |what: &str| {
        let shown: String = text.chars().take(64).collect();
        err(path, format!("invalid {what} {shown:?}"))
    };
    Ok(match shape.kind {
        Kind::String => Value::Str(text.to_string()),
        Kind::Boolean => match text.trim() {
            t if t.eq_ignore_ascii_case("true") => Value::Bool(true),
            // botocore reads anything but "true" as false; an empty element included.
            t if t.eq_ignore_ascii_case("false") || t.is_empty() => Value::Bool(false),
            _ => return Err(bad("boolean")),
        },
        Kind::Byte | Kind::Short | Kind::Integer | Kind::Long => {
            let t = text.trim();
            let t = t.strip_prefix('+').unwrap_or(t);
            let i: i64 = t.parse().map_err(|_| bad("integer"))?;
            let ok = match shape.kind {
                Kind::Byte => i8::try_from(i).is_ok(),
                Kind::Short => i16::try_from(i).is_ok(),
                Kind::Integer => i32::try_from(i).is_ok(),
                _ => true,
            };
            if !ok {
                return Err(err(path, format!("{i} is out of range for {}", shape.name)));
            }
            Value::Int(i)
        }
        Kind::Float | Kind::Double => Value::Float(parse_float(text).ok_or_else(|| bad("number"))?),
        Kind::BigInteger | Kind::BigDecimal => {
            let t = text.trim();
            if parse_float(t).is_none() {
                return Err(bad("number"));
            }
            // Kept as text: no precision is lost on the way to the typed value.
            Value::Str(t.to_string())
        }
        Kind::Timestamp => {
            Value::Timestamp(DateTime::parse_any(text).map_err(|_| bad("timestamp"))?)
        }
        Kind::Blob => Value::Blob(decode_base64(text).ok_or_else(|| bad("base64 blob"))?),
        Kind::Document => return Err(err(path, "documents are not supported in XML")),
        Kind::Structure(_) | Kind::Union(_) | Kind::List(_) | Kind::Map(..) => {
            return Err(err(path, "expected a scalar"))
        }
    })
}

/// Parses a float as Python's `float()` does for the forms AWS sends (`NaN`, `Infinity`,
/// `-Infinity`, exponents, surrounding whitespace).
pub fn parse_float(text: &str) -> Option<f64> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    t.parse::<f64>().ok()
}

/// Decodes base64 leniently (whitespace ignored, padding optional), as `base64.b64decode`.
pub fn decode_base64(text: &str) -> Option<Blob> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    super::format::LENIENT_BASE64
        .decode(compact.as_bytes())
        .ok()
        .map(Blob::from)
}

// ---------------------------------------------------------------------------------------------
// Writing (rest-xml request bodies), as botocore 1.44.5's `RestXMLSerializer` with ElementTree
// ---------------------------------------------------------------------------------------------

/// An element being built: botocore builds an ElementTree first too, because a flattened list
/// adds its namespace to the parent element.
#[derive(Debug, Default)]
struct Node {
    name: String,
    attributes: Vec<(String, String)>,
    text: Option<String>,
    children: Vec<Node>,
}

impl Node {
    fn new(name: &str) -> Node {
        Node {
            name: name.to_string(),
            ..Node::default()
        }
    }

    fn set_attribute(&mut self, name: String, value: String) {
        match self.attributes.iter_mut().find(|(n, _)| *n == name) {
            Some((_, v)) => *v = value,
            None => self.attributes.push((name, value)),
        }
    }

    fn add_namespace(&mut self, ns: Option<&XmlNamespace>) {
        if let Some(ns) = ns {
            let name = match ns.prefix {
                Some(p) if !p.is_empty() => format!("xmlns:{p}"),
                _ => "xmlns".to_string(),
            };
            self.set_attribute(name, ns.uri.to_string());
        }
    }

    /// ElementTree's `tostring`: attributes in insertion order, `<a />` when empty.
    fn render(&self, out: &mut String) {
        out.push('<');
        out.push_str(&self.name);
        for (k, v) in &self.attributes {
            out.push(' ');
            out.push_str(k);
            out.push_str("=\"");
            escape_into(v, true, out);
            out.push('"');
        }
        let text = self.text.as_deref().unwrap_or("");
        if text.is_empty() && self.children.is_empty() {
            out.push_str(" />");
            return;
        }
        out.push('>');
        escape_into(text, false, out);
        for c in &self.children {
            c.render(out);
        }
        out.push_str("</");
        out.push_str(&self.name);
        out.push('>');
    }
}

/// ElementTree's escaping: `& < >` in text, plus `" \n \r \t` in attribute values.
fn escape_into(s: &str, attribute: bool, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' if attribute => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#09;"),
            _ => out.push(c),
        }
    }
}

/// Writes `value` (of `shape`) as a document whose root element is `root_name`, with the
/// namespace `root_ns` on it (the operation input's or payload member's `xmlNamespace`).
/// Structure members are written in model order; unset members are skipped.
pub fn write_document(
    shape: &'static Shape,
    value: &Value,
    root_name: &str,
    root_ns: Option<&XmlNamespace>,
    timestamp_format: Option<TimestampFormat>,
) -> Result<Vec<u8>, SerializeError> {
    let mut pseudo = Node::default();
    let mut path = vec![root_name.to_string()];
    write_node(
        &mut pseudo,
        shape,
        root_ns,
        flattened_shape(shape),
        timestamp_format,
        value,
        root_name,
        &mut path,
    )?;
    let mut out = String::new();
    if let Some(root) = pseudo.children.first() {
        root.render(&mut out);
    }
    Ok(out.into_bytes())
}

fn flattened_shape(shape: &Shape) -> bool {
    shape.has(SHAPE_FLATTENED)
}

fn write_err(path: &[String], msg: impl std::fmt::Display) -> SerializeError {
    SerializeError(format!("{}: {msg}", path.join(".")))
}

/// Writes one value under `parent` as element `name` (botocore's `_serialize`). `ns` and
/// `flattened` are the merged member/shape traits.
#[allow(clippy::too_many_arguments)]
fn write_node(
    parent: &mut Node,
    shape: &'static Shape,
    ns: Option<&XmlNamespace>,
    flattened: bool,
    ts_format: Option<TimestampFormat>,
    value: &Value,
    name: &str,
    path: &mut Vec<String>,
) -> Result<(), SerializeError> {
    if path.len() > MAX_DEPTH {
        return Err(write_err(path, "nested too deeply"));
    }
    let mismatch = |path: &[String], v: &Value| {
        write_err(
            path,
            format!(
                "expected a value for shape {}, found {}",
                shape.name,
                v.type_name()
            ),
        )
    };
    match (&shape.kind, value) {
        (Kind::Structure(members) | Kind::Union(members), Value::Struct(slots)) => {
            let mut node = Node::new(name);
            node.add_namespace(ns);
            for (m, slot) in members.iter().zip(slots.iter()) {
                let Some(v) = slot else { continue };
                let member_name = m.location_name.unwrap_or(m.name);
                path.push(m.name.to_string());
                if m.has(XML_ATTRIBUTE) {
                    let text = scalar_text(m.target(), m.timestamp_format(), v)
                        .ok_or_else(|| mismatch(path, v))?;
                    node.set_attribute(member_name.to_string(), text);
                } else {
                    write_node(
                        &mut node,
                        m.target(),
                        m.xml_namespace.or(m.target().xml_namespace),
                        is_flattened(m),
                        m.timestamp_format(),
                        v,
                        member_name,
                        path,
                    )?;
                }
                path.pop();
            }
            parent.children.push(node);
        }
        (Kind::List(item), Value::List(items)) => {
            let item_name = item.location_name.unwrap_or("member");
            let item_ns = item.xml_namespace.or(item.target().xml_namespace);
            let item_flat = is_flattened(item);
            if flattened {
                parent.add_namespace(ns);
                for (i, v) in items.iter().enumerate() {
                    path.push(i.to_string());
                    let ts = item.timestamp_format();
                    write_node(parent, item.target(), item_ns, item_flat, ts, v, name, path)?;
                    path.pop();
                }
            } else {
                let mut node = Node::new(name);
                node.add_namespace(ns);
                for (i, v) in items.iter().enumerate() {
                    path.push(i.to_string());
                    let ts = item.timestamp_format();
                    write_node(
                        &mut node,
                        item.target(),
                        item_ns,
                        item_flat,
                        ts,
                        v,
                        item_name,
                        path,
                    )?;
                    path.pop();
                }
                parent.children.push(node);
            }
        }
        (Kind::Map(key, val), Value::Map(entries)) => {
            let key_name = key.location_name.unwrap_or("key");
            let val_name = val.location_name.unwrap_or("value");
            let key_ns = key.xml_namespace.or(key.target().xml_namespace);
            let val_ns = val.xml_namespace.or(val.target().xml_namespace);
            let mut wrapper = (!flattened).then(|| {
                let mut n = Node::new(name);
                n.add_namespace(ns);
                n
            });
            for (k, v) in entries {
                path.push(k.clone());
                let mut entry = Node::new(if flattened { name } else { "entry" });
                let key_value = Value::Str(k.clone());
                write_node(
                    &mut entry,
                    key.target(),
                    key_ns,
                    false,
                    None,
                    &key_value,
                    key_name,
                    path,
                )?;
                let ts = val.timestamp_format();
                write_node(
                    &mut entry,
                    val.target(),
                    val_ns,
                    is_flattened(val),
                    ts,
                    v,
                    val_name,
                    path,
                )?;
                path.pop();
                match wrapper.as_mut() {
                    Some(w) => w.children.push(entry),
                    None => parent.children.push(entry),
                }
            }
            if let Some(w) = wrapper {
                parent.children.push(w);
            }
        }
        (_, v) => {
            let text = scalar_text(shape, ts_format, v).ok_or_else(|| mismatch(path, v))?;
            let mut node = Node::new(name);
            node.text = Some(text);
            node.add_namespace(ns);
            parent.children.push(node);
        }
    }
    Ok(())
}

/// A scalar's text as botocore's rest-xml serializer writes it (`str()` of the value; booleans
/// `true`/`false`, blobs base64, timestamps ISO 8601 by default, floats as Python prints them).
fn scalar_text(
    shape: &'static Shape,
    ts_format: Option<TimestampFormat>,
    value: &Value,
) -> Option<String> {
    Some(match (&shape.kind, value) {
        (_, Value::Str(s)) if !matches!(shape.kind, Kind::Blob) => s.clone(),
        (_, Value::Bool(b)) => if *b { "true" } else { "false" }.to_string(),
        (_, Value::Int(i)) => i.to_string(),
        (_, Value::Float(f)) => super::format::python_float(*f),
        (_, Value::Timestamp(t)) => {
            super::format::format_timestamp(t, ts_format.unwrap_or(TimestampFormat::Iso8601), false)
        }
        (Kind::Blob, Value::Str(s)) => base64::engine::general_purpose::STANDARD.encode(s),
        (_, Value::Blob(b)) => base64::engine::general_purpose::STANDARD.encode(b.as_bytes()),
        (_, Value::Body(b)) => base64::engine::general_purpose::STANDARD.encode(b.bytes()?),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_name_reads_only_the_first_element() {
        let doc = br#"<?xml version="1.0"?><!-- c --> <Error><Code>X</Code></Error>"#;
        assert_eq!(root_name(doc).as_deref(), Some("Error"));
        // The rest of the document is not read: a truncated one still names its root.
        assert_eq!(
            root_name(b"<ListBucketResult><Na").as_deref(),
            Some("ListBucketResult")
        );
        assert_eq!(root_name(b"<Empty/>").as_deref(), Some("Empty"));
        assert_eq!(root_name(b"not xml"), None);
        assert_eq!(root_name(b""), None);
    }
    use crate::schema::{Kind, Member, Shape};

    static STR: Shape = Shape::scalar("S", Kind::String);
    static INT: Shape = Shape::scalar("I", Kind::Integer);
    static BOOL: Shape = Shape::scalar("B", Kind::Boolean);
    static TS: Shape = Shape::scalar("T", Kind::Timestamp);
    static BLOB: Shape = Shape::scalar("Bl", Kind::Blob);
    static DBL: Shape = Shape::scalar("D", Kind::Double);
    static LIST: Shape = Shape::list("L", &Member::item(&STR));
    static NAMED_LIST: Shape = Shape::list("NL", &Member::item(&STR).named("item"));
    static MAP: Shape = Shape::map("M", &Member::item(&STR), &Member::item(&INT));
    static KV_MAP: Shape = Shape::map(
        "KV",
        &Member::item(&STR).named("K"),
        &Member::item(&STR).named("V"),
    );
    static INNER: Shape = Shape::structure(
        "Inner",
        &[
            Member::new("Id", &STR).named("id").with(XML_ATTRIBUTE),
            Member::new("Count", &INT),
        ],
    );
    static OUTER: Shape = Shape::structure(
        "Outer",
        &[
            Member::new("Name", &STR),
            Member::new("Items", &LIST),
            Member::new("Flat", &NAMED_LIST).with(FLATTENED),
            Member::new("Map", &MAP),
            Member::new("Flags", &KV_MAP).named("Entry").with(FLATTENED),
            Member::new("Inner", &INNER).named("inner"),
            Member::new("On", &BOOL),
            Member::new("When", &TS),
            Member::new("Data", &BLOB),
            Member::new("Ratio", &DBL),
            Member::new("Empty", &STR),
        ],
    );

    fn decode_str(xml: &str) -> Result<Value, ParseError> {
        decode(&OUTER, &parse(xml.as_bytes())?)
    }

    #[test]
    fn decodes_every_general_rule() {
        let xml = r#"<?xml version="1.0"?>
            <Outer xmlns="urn:x"><Name>a &amp; b&#x21;</Name>
              <Items><member>x</member><whatever>y</whatever></Items>
              <item>f1</item><item>f2</item>
              <Map><entry><key>k</key><value>7</value></entry></Map>
              <Entry><K>a</K><V>A</V></Entry><Entry><K>b</K><V>B</V></Entry>
              <inner id="i-1"><Count>3</Count><Unknown>z</Unknown></inner>
              <On>true</On><When>2015-01-25T08:00:00.5Z</When><Data>aGk=</Data>
              <Ratio>-Infinity</Ratio><Empty/></Outer>"#;
        let v = decode_str(xml).unwrap();
        let Value::Struct(s) = v else { panic!() };
        assert!(matches!(&s[0], Some(Value::Str(x)) if x == "a & b!"));
        assert!(matches!(&s[1], Some(Value::List(l)) if l.len() == 2));
        assert!(matches!(&s[2], Some(Value::List(l)) if l.len() == 2));
        assert!(
            matches!(&s[3], Some(Value::Map(m)) if m[0].0 == "k" && matches!(m[0].1, Value::Int(7)))
        );
        assert!(matches!(&s[4], Some(Value::Map(m)) if m.len() == 2 && m[1].0 == "b"));
        match &s[5] {
            Some(Value::Struct(i)) => {
                assert!(matches!(&i[0], Some(Value::Str(x)) if x == "i-1"));
                assert!(matches!(&i[1], Some(Value::Int(3))));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(&s[6], Some(Value::Bool(true))));
        assert!(matches!(&s[7], Some(Value::Timestamp(t)) if t.subsec_nanos() == 500_000_000));
        assert!(matches!(&s[8], Some(Value::Blob(b)) if b.as_bytes() == b"hi"));
        assert!(matches!(&s[9], Some(Value::Float(f)) if *f == f64::NEG_INFINITY));
        assert!(matches!(&s[10], Some(Value::Str(x)) if x.is_empty()));
    }

    #[test]
    fn bad_input_is_an_error_naming_the_path() {
        let e = decode_str("<Outer><inner><Count>abc</Count></inner></Outer>").unwrap_err();
        assert_eq!(e.0, "Outer/inner/Count: invalid integer \"abc\"");
        let e = decode_str("<Outer><inner><Count>99999999999</Count></inner></Outer>").unwrap_err();
        assert!(e.0.contains("out of range"), "{e}");
        let e = decode_str("<Outer><On>maybe</On></Outer>").unwrap_err();
        assert!(e.0.starts_with("Outer/On: invalid boolean"), "{e}");
        for bad in [
            "<Outer><Name>x</Outer>",
            "<Outer><Name>x</Name>",
            "",
            "<a></a><b/>",
            "<a>&bogus;</a>",
            "\u{0}",
        ] {
            assert!(parse(bad.as_bytes()).is_err(), "{bad:?}");
        }
        let deep = "<a>".repeat(MAX_DEPTH + 5) + &"</a>".repeat(MAX_DEPTH + 5);
        assert!(parse(deep.as_bytes()).unwrap_err().0.contains("deeper"));
        assert!(parse(&[0xff, 0xfe, b'<']).is_err());
    }

    #[test]
    fn truncated_or_mangled_documents_never_panic() {
        let xml = r#"<?xml version="1.0"?><Outer a="1&amp;"><Name>a &lt; &#233;</Name>
            <Items><member>x</member></Items><Map><entry><key>k</key><value>7</value></entry></Map>
            <Entry><K>a</K><V>A</V></Entry><inner id="i"><Count>3</Count></inner>
            <When>2015-01-25T08:00:00Z</When><Data>aGk=</Data><![CDATA[<x>]]><!-- c --></Outer>"#;
        for end in 0..=xml.len() {
            if let Some(prefix) = xml.get(..end) {
                if let Ok(root) = parse(prefix.as_bytes()) {
                    let _ = decode(&OUTER, &root);
                }
            }
        }
        let bytes = xml.as_bytes();
        for i in 0..bytes.len() {
            for b in [b'<', b'>', b'&', b'/', 0xC3, b'"'] {
                let mut m = bytes.to_vec();
                m[i] = b;
                if let Ok(root) = parse(&m) {
                    let _ = decode(&OUTER, &root);
                }
            }
        }
    }

    #[test]
    fn element_helpers() {
        let root = parse(br#"<r:Root xmlns:r="u" xmlns:xsi="x"><A xsi:type="t">1</A><B><Error><Code>c</Code></Error></B></r:Root>"#).unwrap();
        assert_eq!(root.name, "Root");
        assert_eq!(root.attributes, vec![]);
        assert_eq!(root.child("A").unwrap().attribute("xsi:type"), Some("t"));
        assert_eq!(root.child("A").unwrap().attribute("foo:type"), Some("t"));
        assert_eq!(root.find("Error").unwrap().child_text("Code"), Some("c"));
        let bom = parse(b"\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<a>x\r\ny</a>")
            .unwrap();
        assert_eq!(bom.text, "x\ny");
    }
}
