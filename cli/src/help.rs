//! `rboto <service> help` and `rboto <service> <operation> help`: plain text from the model's
//! documentation (the service document is parsed only when help is asked for).

use crate::error::CliError;
use crate::models::{inflate, Documents};
use crate::names::xform_name;
use serde_json::Value;

fn service_doc(docs: &Documents) -> Result<Value, CliError> {
    let bytes = inflate(docs.service).map_err(|e| CliError::other(e.to_string()))?;
    serde_json::from_slice(&bytes).map_err(|e| CliError::other(e.to_string()))
}

/// Model documentation (HTML) as plain text: tags dropped, entities decoded, paragraphs kept.
pub fn plain(html: &str) -> String {
    let mut out = String::new();
    let mut tag = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                tag.clear();
            }
            '>' if in_tag => {
                in_tag = false;
                let t = tag
                    .trim_start_matches('/')
                    .split_whitespace()
                    .next()
                    .unwrap_or("");
                if matches!(t, "p" | "li" | "ul" | "br" | "note" | "important")
                    && !out.ends_with('\n')
                {
                    out.push('\n');
                }
                if t == "li" && !tag.starts_with('/') {
                    out.push_str("  * ");
                }
            }
            c if in_tag => tag.push(c),
            c => out.push(c),
        }
    }
    let out = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    let lines: Vec<&str> = out
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .collect();
    lines.join("\n")
}

fn indent(text: &str, by: &str) -> String {
    text.lines().map(|l| format!("{by}{l}\n")).collect()
}

/// `rboto <service> help`.
pub fn service_help(command: &str, docs: &Documents) -> Result<String, CliError> {
    let doc = service_doc(docs)?;
    let mut out = format!("{command}\n\nDESCRIPTION\n");
    out.push_str(&indent(
        &plain(doc["documentation"].as_str().unwrap_or("")),
        "    ",
    ));
    out.push_str("\nAVAILABLE COMMANDS\n");
    let mut names: Vec<String> = doc["operations"]
        .as_object()
        .map(|o| o.keys().map(|k| xform_name(k)).collect())
        .unwrap_or_default();
    if docs.waiters.is_some() {
        names.push("wait".into());
    }
    names.sort();
    for n in names {
        out.push_str(&format!("    o {n}\n"));
    }
    Ok(out)
}

fn type_name(doc: &Value, shape: &str) -> String {
    let s = &doc["shapes"][shape];
    match s["type"].as_str().unwrap_or("") {
        "list" => format!(
            "list of {}",
            type_name(doc, s["member"]["shape"].as_str().unwrap_or(""))
        ),
        "structure" => "structure".into(),
        t => t.to_string(),
    }
}

/// `rboto <service> <operation> help`.
pub fn operation_help(
    command: &str,
    docs: &Documents,
    operation: &str,
) -> Result<String, CliError> {
    let doc = service_doc(docs)?;
    let op = &doc["operations"][operation];
    let cli = xform_name(operation);
    let mut out = format!("{cli}\n\nDESCRIPTION\n");
    out.push_str(&indent(
        &plain(op["documentation"].as_str().unwrap_or("")),
        "    ",
    ));
    out.push_str(&format!("\nSYNOPSIS\n    rboto {command} {cli}\n"));
    let input = op["input"]["shape"].as_str().unwrap_or("");
    let shape = &doc["shapes"][input];
    let required: Vec<&str> = shape["required"]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    let members = shape["members"].as_object().cloned().unwrap_or_default();
    for (name, _) in &members {
        let arg = xform_name(name);
        if required.contains(&name.as_str()) {
            out.push_str(&format!("    --{arg} <value>\n"));
        } else {
            out.push_str(&format!("    [--{arg} <value>]\n"));
        }
    }
    out.push_str("\nOPTIONS\n");
    for (name, m) in &members {
        let target = m["shape"].as_str().unwrap_or("");
        out.push_str(&format!(
            "    --{} ({})\n",
            xform_name(name),
            type_name(&doc, target)
        ));
        let text = m["documentation"]
            .as_str()
            .or_else(|| doc["shapes"][target]["documentation"].as_str())
            .unwrap_or("");
        out.push_str(&indent(&plain(text), "        "));
        out.push('\n');
    }
    out.push_str("\nOUTPUT\n");
    let output = op["output"]["shape"].as_str().unwrap_or("");
    if let Some(outm) = doc["shapes"][output]["members"].as_object() {
        for (name, m) in outm {
            out.push_str(&format!(
                "    {name} -> ({})\n",
                type_name(&doc, m["shape"].as_str().unwrap_or(""))
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_to_text() {
        assert_eq!(
            plain("<p>Returns <code>a</code> &amp; b.</p><ul><li>x</li></ul>"),
            "Returns a & b.\n  * x"
        );
    }

    #[test]
    fn help_pages() {
        let docs = crate::models::documents("sts").unwrap();
        let s = service_help("sts", &docs).unwrap();
        assert!(s.contains("    o get-caller-identity\n"), "{s}");
        let o = operation_help("sts", &docs, "AssumeRole").unwrap();
        assert!(o.contains("--role-arn <value>"), "{o}");
        assert!(o.contains("[--duration-seconds <value>]"), "{o}");
    }
}
