//! Wire bodies compared as data: CBOR decoded to JSON, XML canonicalised the way Python's
//! `ET.canonicalize(strip_text=True)` renders it (what botocore's protocol tests compare).

use std::fmt::Write as _;

use serde_json::{Map, Value as Json};

use super::float_json;

/// Decodes a whole CBOR body (empty = `null`) into JSON for comparison: byte strings become
/// their UTF-8 text (as botocore's runner compares blobs), tag 1 (epoch timestamp) its number,
/// special floats strings.
pub fn cbor_body(bytes: &[u8]) -> Result<Json, String> {
    if bytes.is_empty() {
        return Ok(Json::Null);
    }
    let mut pos = 0;
    let v = cbor_item(bytes, &mut pos, 0)?;
    if pos != bytes.len() {
        return Err(format!("{} trailing bytes", bytes.len() - pos));
    }
    Ok(v)
}

const BREAK: u8 = 0xff;

fn cbor_take<'a>(b: &'a [u8], pos: &mut usize, n: usize) -> Result<&'a [u8], String> {
    let end = pos
        .checked_add(n)
        .filter(|e| *e <= b.len())
        .ok_or("truncated CBOR")?;
    let s = &b[*pos..end];
    *pos = end;
    Ok(s)
}

fn cbor_arg(b: &[u8], pos: &mut usize, info: u8) -> Result<Option<u64>, String> {
    Ok(Some(match info {
        0..=23 => u64::from(info),
        24 => u64::from(cbor_take(b, pos, 1)?[0]),
        25 => u64::from(u16::from_be_bytes([cbor_take(b, pos, 2)?[0], b[*pos - 1]])),
        26 => {
            let s = cbor_take(b, pos, 4)?;
            u64::from(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
        }
        27 => {
            let s = cbor_take(b, pos, 8)?;
            u64::from_be_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]])
        }
        31 => return Ok(None),
        _ => return Err(format!("reserved CBOR additional info {info}")),
    }))
}

fn cbor_item(b: &[u8], pos: &mut usize, depth: usize) -> Result<Json, String> {
    if depth > 128 {
        return Err("CBOR nested too deeply".into());
    }
    let head = cbor_take(b, pos, 1)?[0];
    let (major, info) = (head >> 5, head & 0x1f);
    if major == 7 {
        return Ok(match info {
            20 => Json::Bool(false),
            21 => Json::Bool(true),
            22 | 23 => Json::Null,
            25 => {
                let s = cbor_take(b, pos, 2)?;
                float_json(half_to_f64(u16::from_be_bytes([s[0], s[1]])))
            }
            26 => {
                let s = cbor_take(b, pos, 4)?;
                float_json(f64::from(f32::from_be_bytes([s[0], s[1], s[2], s[3]])))
            }
            27 => {
                let s = cbor_take(b, pos, 8)?;
                float_json(f64::from_be_bytes([
                    s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7],
                ]))
            }
            _ => return Err(format!("unsupported CBOR simple value {info}")),
        });
    }
    let arg = cbor_arg(b, pos, info)?;
    match major {
        0 => Ok(Json::from(arg.ok_or("indefinite integer")?)),
        1 => {
            let n = arg.ok_or("indefinite integer")?;
            Ok(match i64::try_from(n) {
                Ok(i) => Json::from(-1 - i),
                Err(_) => Json::from(-1.0 - n as f64),
            })
        }
        2 | 3 => {
            let bytes = match arg {
                Some(n) => {
                    cbor_take(b, pos, usize::try_from(n).map_err(|_| "huge string")?)?.to_vec()
                }
                None => {
                    let mut out = Vec::new();
                    loop {
                        if b.get(*pos) == Some(&BREAK) {
                            *pos += 1;
                            break;
                        }
                        let chunk_head = cbor_take(b, pos, 1)?[0];
                        if chunk_head >> 5 != major {
                            return Err("bad chunk in indefinite CBOR string".into());
                        }
                        let n = cbor_arg(b, pos, chunk_head & 0x1f)?
                            .ok_or("nested indefinite CBOR string")?;
                        out.extend_from_slice(cbor_take(
                            b,
                            pos,
                            usize::try_from(n).map_err(|_| "huge string")?,
                        )?);
                    }
                    out
                }
            };
            Ok(Json::String(String::from_utf8_lossy(&bytes).into_owned()))
        }
        4 => {
            let mut items = Vec::new();
            match arg {
                Some(n) => {
                    for _ in 0..n {
                        items.push(cbor_item(b, pos, depth + 1)?);
                    }
                }
                None => loop {
                    if b.get(*pos) == Some(&BREAK) {
                        *pos += 1;
                        break;
                    }
                    items.push(cbor_item(b, pos, depth + 1)?);
                },
            }
            Ok(Json::Array(items))
        }
        5 => {
            let mut map = Map::new();
            let mut entry = |pos: &mut usize| -> Result<(), String> {
                let k = match cbor_item(b, pos, depth + 1)? {
                    Json::String(s) => s,
                    other => other.to_string(),
                };
                let v = cbor_item(b, pos, depth + 1)?;
                map.insert(k, v);
                Ok(())
            };
            match arg {
                Some(n) => {
                    for _ in 0..n {
                        entry(pos)?;
                    }
                }
                None => loop {
                    if b.get(*pos) == Some(&BREAK) {
                        *pos += 1;
                        break;
                    }
                    entry(pos)?;
                },
            }
            Ok(Json::Object(map))
        }
        // Tags: the tagged item stands for itself (tag 1's epoch seconds compare by value).
        6 => cbor_item(b, pos, depth + 1),
        _ => Err(format!("bad CBOR major type {major}")),
    }
}

fn half_to_f64(h: u16) -> f64 {
    let exp = (h >> 10) & 0x1f;
    let mant = f64::from(h & 0x3ff);
    let v = match exp {
        0 => mant * 2f64.powi(-24),
        31 if mant == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        _ => (1.0 + mant / 1024.0) * 2f64.powi(i32::from(exp) - 15),
    };
    if h & 0x8000 != 0 {
        -v
    } else {
        v
    }
}

// ---------------------------------------------------------------------------------------------
// XML

/// A canonical rendering of an XML document, equal for documents Python's
/// `ET.canonicalize(..., strip_text=True)` renders equally: attributes sorted, redundant
/// namespace declarations dropped, comments, processing instructions and the XML declaration
/// dropped, text and attribute values unescaped and text trimmed.
pub fn canonical_xml(bytes: &[u8]) -> Result<String, String> {
    use quick_xml::events::Event;
    let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut out = String::new();
    // In-scope namespace bindings, one frame per open element.
    let mut scopes: Vec<Vec<(String, String)>> = vec![Vec::new()];
    let mut open: Vec<String> = Vec::new();
    let mut pending_text = String::new();
    let mut seen_root = false;
    let flush = |out: &mut String, pending: &mut String| {
        let t = pending.trim();
        if !t.is_empty() {
            out.push_str(&escape_xml(t));
        }
        pending.clear();
    };
    loop {
        let event = reader.read_event().map_err(|e| e.to_string())?;
        match event {
            Event::Start(e) => {
                flush(&mut out, &mut pending_text);
                let (name, frame) = xml_start_tag(&e, &scopes, &mut out)?;
                seen_root = true;
                scopes.push(frame);
                open.push(name);
            }
            Event::Empty(e) => {
                flush(&mut out, &mut pending_text);
                let (name, _) = xml_start_tag(&e, &scopes, &mut out)?;
                seen_root = true;
                let _ = write!(out, "</{name}>");
            }
            Event::End(_) => {
                flush(&mut out, &mut pending_text);
                scopes.pop();
                if let Some(name) = open.pop() {
                    let _ = write!(out, "</{name}>");
                }
            }
            Event::Text(t) => {
                pending_text.push_str(&t.decode().map_err(|e| e.to_string())?);
            }
            Event::CData(t) => {
                pending_text.push_str(&String::from_utf8_lossy(&t));
            }
            Event::GeneralRef(r) => {
                if let Some(c) = r.resolve_char_ref().map_err(|e| e.to_string())? {
                    pending_text.push(c);
                } else {
                    let name = r.decode().map_err(|e| e.to_string())?;
                    pending_text.push_str(&unescape_xml(&format!("&{name};"))?);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !open.is_empty() {
        return Err(format!("unclosed element <{}>", open.join("><")));
    }
    if !seen_root {
        return Err("no root element".into());
    }
    Ok(out)
}

/// Writes `e`'s canonical start tag; returns its name and the namespaces it declares.
fn xml_start_tag(
    e: &quick_xml::events::BytesStart<'_>,
    scopes: &[Vec<(String, String)>],
    out: &mut String,
) -> Result<(String, Vec<(String, String)>), String> {
    let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
    let mut attrs: Vec<(String, String)> = Vec::new();
    let mut frame = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|e| e.to_string())?;
        let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
        let value = unescape_xml(&String::from_utf8_lossy(&a.value))?;
        if key == "xmlns" || key.starts_with("xmlns:") {
            let bound = scopes
                .iter()
                .rev()
                .flat_map(|f| f.iter())
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.as_str());
            let redundant = bound == Some(value.as_str())
                || (key == "xmlns" && bound.is_none() && value.is_empty());
            if redundant {
                continue;
            }
            frame.push((key.clone(), value.clone()));
        }
        attrs.push((key, value));
    }
    attrs.sort();
    out.push('<');
    out.push_str(&name);
    for (k, v) in &attrs {
        let _ = write!(out, " {k}=\"{}\"", escape_xml(v));
    }
    out.push('>');
    Ok((name, frame))
}

fn escape_xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\r', "&#xD;")
}

/// Resolves the predefined and numeric character references of `s`.
fn unescape_xml(s: &str) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after
            .find(';')
            .ok_or_else(|| format!("unterminated reference in {s:?}"))?;
        let name = &after[..end];
        let c = match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = name.strip_prefix('#') {
                    dec.parse().ok()
                } else {
                    None
                };
                code.and_then(char::from_u32)
                    .ok_or_else(|| format!("unknown reference &{name};"))?
            }
        };
        out.push(c);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}
