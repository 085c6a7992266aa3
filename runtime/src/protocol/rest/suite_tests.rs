//! AWS's rest-json and rest-xml protocol suites through [`crate::protocol::suite_support`]:
//! JSON bodies compare parsed, XML bodies canonicalized with text stripped, as botocore's
//! `tests/unit/test_protocols.py` compares them.

use crate::protocol::suite_support::{json_body, run, SuiteFile};
use crate::schema::Protocol;
use quick_xml::events::Event;

/// An element of a canonical XML tree: qualified name, sorted attributes (namespace
/// declarations included), stripped text.
#[derive(Debug, PartialEq)]
struct CNode {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
    children: Vec<CNode>,
}

fn canonical_xml(s: &[u8]) -> Option<CNode> {
    let mut reader = quick_xml::Reader::from_reader(s);
    reader.config_mut().expand_empty_elements = true;
    let mut stack: Vec<CNode> = Vec::new();
    let mut root = None;
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) => {
                let mut attrs = Vec::new();
                for a in e.attributes() {
                    let a = a.ok()?;
                    attrs.push((
                        String::from_utf8(a.key.as_ref().to_vec()).ok()?,
                        a.unescape_value().ok()?.into_owned(),
                    ));
                }
                attrs.sort();
                stack.push(CNode {
                    name: String::from_utf8(e.name().as_ref().to_vec()).ok()?,
                    attrs,
                    text: String::new(),
                    children: vec![],
                });
            }
            Event::End(_) => {
                let mut done = stack.pop()?;
                done.text = done.text.trim().to_string();
                match stack.last_mut() {
                    Some(p) => p.children.push(done),
                    None => root = Some(done),
                }
            }
            Event::Text(t) => {
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(&t.xml10_content().ok()?);
                }
            }
            Event::GeneralRef(r) => {
                let name = String::from_utf8(r.to_vec()).ok()?;
                let resolved = match r.resolve_char_ref().ok()? {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&name)?.to_string(),
                };
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(&resolved);
                }
            }
            Event::CData(t) => {
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(std::str::from_utf8(&t).ok()?);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    root
}

fn xml_body(got: &[u8], want: &str) -> Result<(), String> {
    let same = match (canonical_xml(got), canonical_xml(want.as_bytes())) {
        (Some(g), Some(w)) => g == w,
        _ => got == want.as_bytes(),
    };
    if same {
        Ok(())
    } else {
        Err(format!(
            "body {:?} != {want:?}",
            String::from_utf8_lossy(got)
        ))
    }
}

fn check(path: &'static str, protocol: Protocol, min_passed: usize) {
    run(SuiteFile {
        path,
        protocol,
        ignore_key: protocol.as_str(),
        min_passed,
        body_check: match protocol {
            Protocol::RestJson => json_body,
            _ => xml_body,
        },
        base64_bodies: false,
    });
}

#[test]
fn suite_input_rest_json() {
    check("input/rest-json.json", Protocol::RestJson, 101);
}

#[test]
fn suite_input_rest_xml() {
    check("input/rest-xml.json", Protocol::RestXml, 82);
}

#[test]
fn suite_output_rest_json() {
    check("output/rest-json.json", Protocol::RestJson, 82);
}

#[test]
fn suite_output_rest_xml() {
    check("output/rest-xml.json", Protocol::RestXml, 72);
}
