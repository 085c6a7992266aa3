//! The `Content-Type` awscli gives an upload (`mimetypes.guess_type` of the file name): Python's
//! built-in table, updated from the system's `mime.types` files as Python reads them, so that
//! both pick the same type on the same machine.

mod default;

use std::collections::HashMap;
use std::sync::OnceLock;

/// The files Python's `mimetypes` reads, in order (later entries win).
const KNOWN_FILES: &[&str] = &[
    "/etc/mime.types",
    "/etc/httpd/mime.types",
    "/etc/httpd/conf/mime.types",
    "/etc/apache/mime.types",
    "/etc/apache2/mime.types",
    "/usr/local/etc/httpd/conf/mime.types",
    "/usr/local/lib/netscape/mime.types",
    "/usr/local/etc/httpd/conf/mime.types",
    "/usr/local/etc/mime.types",
];

fn types() -> &'static HashMap<String, String> {
    static TYPES: OnceLock<HashMap<String, String>> = OnceLock::new();
    TYPES.get_or_init(|| {
        let mut map: HashMap<String, String> = default::TYPES
            .iter()
            .map(|(ext, t)| (ext.to_string(), t.to_string()))
            .collect();
        for file in KNOWN_FILES {
            if let Ok(text) = std::fs::read_to_string(file) {
                read_mime_types(&text, &mut map);
            }
        }
        map
    })
}

/// A `mime.types` file: `type ext ext …` per line, `#` starting a comment.
fn read_mime_types(text: &str, map: &mut HashMap<String, String>) {
    for line in text.lines() {
        let words: Vec<&str> = line
            .split_whitespace()
            .take_while(|w| !w.starts_with('#'))
            .collect();
        if let Some((mime, exts)) = words.split_first() {
            for ext in exts {
                map.insert(format!(".{ext}"), mime.to_string());
            }
        }
    }
}

/// Python's `posixpath.splitext`: the extension is from the last `.` of the last component,
/// unless that component is only dots before it (`.bashrc` has none).
fn splitext(path: &str) -> (&str, &str) {
    let sep = path.rfind('/').map_or(0, |i| i + 1);
    match path.rfind('.') {
        Some(dot) if dot > sep && path[sep..dot].chars().any(|c| c != '.') => {
            (&path[..dot], &path[dot..])
        }
        _ => (path, ""),
    }
}

/// The type Python's `mimetypes.guess_type(path)[0]` gives, if any.
pub(super) fn guess(path: &str) -> Option<String> {
    let (mut base, mut ext) = {
        let (b, e) = splitext(path);
        (b.to_owned(), e.to_owned())
    };
    while let Some((_, replacement)) = default::SUFFIXES
        .iter()
        .find(|(s, _)| *s == ext.to_lowercase())
    {
        let joined = format!("{base}{replacement}");
        let (b, e) = splitext(&joined);
        (base, ext) = (b.to_owned(), e.to_owned());
    }
    // Compression extensions are case-sensitive, and name the encoding, not the type.
    if default::ENCODINGS.contains(&ext.as_str()) {
        ext = splitext(&base).1.to_owned();
    }
    types().get(&ext.to_lowercase()).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses_as_python() {
        // Python 3.11 on a machine without /etc/mime.types entries for these.
        assert_eq!(guess("/d/a.txt").as_deref(), Some("text/plain"));
        assert_eq!(guess("/d/A.TXT").as_deref(), Some("text/plain"));
        assert_eq!(guess("/d/x.tar.gz").as_deref(), Some("application/x-tar"));
        assert_eq!(guess("/d/x.tgz").as_deref(), Some("application/x-tar"));
        assert_eq!(guess("/d/x.svgz").as_deref(), Some("image/svg+xml"));
        assert_eq!(guess("/d/x.gz"), None);
        assert_eq!(guess("/d/.bashrc"), None);
        assert_eq!(guess("/d.x/noext"), None);
        assert_eq!(guess("/d/a.json").as_deref(), Some("application/json"));
    }

    #[test]
    fn mime_types_files_add_and_override() {
        let mut map = HashMap::new();
        read_mime_types(
            "# comment\ntext/x-log log txt # trailing\n\nbad\n",
            &mut map,
        );
        assert_eq!(map.get(".log").map(String::as_str), Some("text/x-log"));
        assert_eq!(map.get(".txt").map(String::as_str), Some("text/x-log"));
        assert_eq!(map.len(), 2);
    }
}
