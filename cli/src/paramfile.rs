//! `file://` and `fileb://` parameter values (awscli's `paramfile.py`): `file://path` is the
//! file's text, `fileb://path` its bytes (base64 for a blob member, as the dynamic client takes
//! blobs). Other values pass through.

use crate::error::CliError;
use crate::schema::{Kind, Shape};

fn read(prefixed: &str, path: &str, name: &str) -> Result<Vec<u8>, CliError> {
    let expanded = match path.strip_prefix("~/") {
        Some(rest) => match std::env::var("HOME") {
            Ok(home) => format!("{home}/{rest}"),
            Err(_) => path.to_string(),
        },
        None => path.to_string(),
    };
    std::fs::read(&expanded).map_err(|e| {
        CliError::param(format!(
            "Error parsing parameter '--{name}': Unable to load paramfile {prefixed}: {}",
            python_os_error(&e, &expanded)
        ))
    })
}

/// An I/O error as Python's `OSError` prints: `[Errno 2] No such file or directory: 'p'`.
fn python_os_error(e: &std::io::Error, path: &str) -> String {
    match e.raw_os_error() {
        Some(code) => {
            let text = e.to_string();
            let text = text.split(" (os error").next().unwrap_or(&text);
            format!("[Errno {code}] {text}: '{path}'")
        }
        None => e.to_string(),
    }
}

/// A value as text (`file://` read, `fileb://` refused for a non-blob).
pub fn resolve_text(value: &str, name: &str) -> Result<String, CliError> {
    if let Some(path) = value.strip_prefix("file://") {
        let bytes = read(value, path, name)?;
        return String::from_utf8(bytes).map_err(|_| {
            CliError::param(format!(
                "Error parsing parameter '--{name}': Unable to load paramfile ({value}), text contents could not be decoded.  If this is a binary file, please use the fileb:// prefix instead of the file:// prefix."
            ))
        });
    }
    if let Some(path) = value.strip_prefix("fileb://") {
        let bytes = read(value, path, name)?;
        return String::from_utf8(bytes).map_err(|_| {
            CliError::param(format!(
                "Error parsing parameter '--{name}': binary contents for a text parameter"
            ))
        });
    }
    Ok(value.to_string())
}

/// A value for a member of `shape`.
pub fn resolve(value: &str, shape: &'static Shape, name: &str) -> Result<String, CliError> {
    if matches!(shape.kind, Kind::Blob) {
        if let Some(path) = value.strip_prefix("fileb://") {
            use base64::Engine;
            let bytes = read(value, path, name)?;
            return Ok(base64::engine::general_purpose::STANDARD.encode(bytes));
        }
    }
    resolve_text(value, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_read() {
        let dir = std::env::temp_dir().join(format!("rboto-paramfile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("v.json");
        std::fs::write(&p, "{\"a\": 1}").unwrap();
        let v = resolve_text(&format!("file://{}", p.display()), "x").unwrap();
        assert_eq!(v, "{\"a\": 1}");
        assert_eq!(resolve_text("plain", "x").unwrap(), "plain");
        let e = resolve_text("file:///no/such/file", "policy").unwrap_err();
        assert_eq!(e.code, 252);
        assert!(
            e.message.contains("Unable to load paramfile"),
            "{}",
            e.message
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
