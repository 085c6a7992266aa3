//! The rule-set standard library, following botocore's `RuleSetStandardLibrary`.
//!
//! Besides the functions botocore 1.44.5's rule sets use, `coalesce`, `ite` and `split` from
//! the Smithy rules-engine specification are implemented so that newer rule sets still load.

use super::eval::{get_attr, Eval, Scope, Val};
use super::ruleset::{parse_path, Call, Func};
use super::{arn, partitions, url, EndpointError};
use std::borrow::Cow;
use std::rc::Rc;

fn type_error(msg: String) -> EndpointError {
    EndpointError::Evaluation(msg)
}

fn py_type(v: &Option<Val<'_>>) -> String {
    match v {
        None => "<class 'NoneType'>".into(),
        Some(v) => format!("<class '{}'>", v.type_name()),
    }
}

pub(crate) fn call<'a>(
    ev: &Eval<'a>,
    c: &'a Call,
    scope: &mut Scope<'a>,
) -> Result<Option<Val<'a>>, EndpointError> {
    let arg = |i: usize, scope: &mut Scope<'a>| -> Result<Option<Val<'a>>, EndpointError> {
        match c.args.get(i) {
            Some(e) => ev.expr(e, scope),
            None => Ok(None),
        }
    };
    Ok(match &c.func {
        Func::IsSet => Some(Val::Bool(arg(0, scope)?.is_some())),
        Func::Not => Some(Val::Bool(!arg(0, scope)?.is_some_and(|v| v.truthy()))),
        Func::BooleanEquals => {
            let (a, b) = (arg(0, scope)?, arg(1, scope)?);
            match (&a, &b) {
                (Some(Val::Bool(x)), Some(Val::Bool(y))) => Some(Val::Bool(x == y)),
                _ => {
                    return Err(type_error(format!(
                        "Both arguments must be bools, not {} and {}.",
                        py_type(&a),
                        py_type(&b)
                    )))
                }
            }
        }
        Func::StringEquals => {
            let (a, b) = (arg(0, scope)?, arg(1, scope)?);
            match (&a, &b) {
                (Some(Val::Str(x)), Some(Val::Str(y))) => Some(Val::Bool(x == y)),
                _ => {
                    return Err(type_error(format!(
                        "Both values must be strings, not {} and {}.",
                        py_type(&a),
                        py_type(&b)
                    )))
                }
            }
        }
        Func::GetAttr(path) => {
            let v = arg(0, scope)?;
            let Some(v) = v else { return Ok(None) };
            match path {
                Some(p) => get_attr(&v, p),
                None => match arg(1, scope)? {
                    Some(Val::Str(p)) => get_attr(&v, &parse_path(&p, '.')),
                    other => {
                        return Err(type_error(format!(
                            "getAttr path must be a string, not {}",
                            py_type(&other)
                        )))
                    }
                },
            }
        }
        Func::Substring => {
            let v = arg(0, scope)?;
            let (start, stop, rev) = (arg(1, scope)?, arg(2, scope)?, arg(3, scope)?);
            let s = match &v {
                Some(Val::Str(s)) => s,
                None => return Ok(None),
                other => {
                    return Err(type_error(format!(
                        "Input must be a string, not {}.",
                        py_type(other)
                    )))
                }
            };
            let (Some(Val::Int(start)), Some(Val::Int(stop))) = (start, stop) else {
                return Err(type_error("substring bounds must be integers".into()));
            };
            let reverse = matches!(rev, Some(Val::Bool(true)));
            substring(s, start, stop, reverse).map(|s| Val::Str(Cow::Owned(s.to_owned())))
        }
        Func::UriEncode => match arg(0, scope)? {
            None => None,
            Some(Val::Str(s)) => Some(Val::Str(Cow::Owned(uri_encode(&s)))),
            Some(other) => Some(Val::Str(Cow::Owned(uri_encode(
                &other.truthy().to_string(),
            )))),
        },
        Func::ParseUrl => match arg(0, scope)? {
            Some(Val::Str(s)) => parse_url_cached(&s).map(Val::Url),
            _ => None,
        },
        Func::IsValidHostLabel => {
            let v = arg(0, scope)?;
            let allow = arg(1, scope)?;
            let allow = match allow {
                Some(Val::Bool(b)) => Some(b),
                _ => None,
            };
            Some(Val::Bool(match v.as_ref().and_then(Val::as_str) {
                Some(s) => is_valid_host_label(s, allow),
                None => false,
            }))
        }
        Func::Partition => {
            let region = arg(0, scope)?;
            let parts = partitions::builtin().map_err(EndpointError::InvalidRuleSet)?;
            Some(Val::Partition(
                parts.lookup(region.as_ref().and_then(Val::as_str)),
            ))
        }
        Func::ParseArn => match arg(0, scope)? {
            Some(Val::Str(s)) => arn::parse(&s).map(|a| Val::Arn(Rc::new(a))),
            _ => None,
        },
        Func::IsVirtualHostableS3Bucket => {
            let v = arg(0, scope)?;
            let allow = match arg(1, scope)? {
                Some(Val::Bool(b)) => Some(b),
                _ => None,
            };
            Some(Val::Bool(match v.as_ref().and_then(Val::as_str) {
                Some(s) => is_virtual_hostable_s3_bucket(s, allow),
                None => false,
            }))
        }
        Func::Coalesce => {
            for i in 0..c.args.len() {
                if let Some(v) = arg(i, scope)? {
                    return Ok(Some(v));
                }
            }
            None
        }
        Func::Ite => {
            let cond = arg(0, scope)?.is_some_and(|v| v.truthy());
            arg(if cond { 1 } else { 2 }, scope)?
        }
        Func::Split => {
            let v = arg(0, scope)?;
            let d = arg(1, scope)?;
            let limit = arg(2, scope)?;
            match (v, d, limit) {
                (Some(Val::Str(s)), Some(Val::Str(d)), Some(Val::Int(limit))) => {
                    Some(Val::Array(Rc::new(
                        split(&s, &d, limit)
                            .into_iter()
                            .map(|p| Val::Str(Cow::Owned(p.to_owned())))
                            .collect(),
                    )))
                }
                (None, _, _) => None,
                _ => {
                    return Err(type_error(
                        "split takes a string, a delimiter and a limit".into(),
                    ))
                }
            }
        }
    })
}

/// `parseURL` of `s`, remembering the last string parsed on this thread: rule sets parse the
/// `Endpoint` parameter, which is the same configured URL on every call of a client.
fn parse_url_cached(s: &str) -> Option<Rc<url::Url>> {
    thread_local! {
        static LAST: std::cell::RefCell<Option<(String, Option<Rc<url::Url>>)>> =
            const { std::cell::RefCell::new(None) };
    }
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        match &*last {
            Some((input, parsed)) if input == s => parsed.clone(),
            _ => {
                let parsed = url::parse(s).map(Rc::new);
                *last = Some((s.to_owned(), parsed.clone()));
                parsed
            }
        }
    })
}

/// botocore's `substring`: ASCII only, `None` when out of range.
pub(crate) fn substring(s: &str, start: i64, stop: i64, reverse: bool) -> Option<&str> {
    if start < 0 || start >= stop || (s.len() as i64) < stop || !s.is_ascii() {
        return None;
    }
    let (start, stop) = (start as usize, stop as usize);
    if reverse {
        Some(&s[s.len() - stop..s.len() - start])
    } else {
        Some(&s[start..stop])
    }
}

/// Percent-encodes everything but `A-Z a-z 0-9 - . _ ~` (botocore's `percent_encode`).
pub(crate) fn uri_encode(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
    out
}

fn is_host_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
}

/// RFC 1123 host label; with `allow_subdomains`, every dot-separated label must be one.
/// `allow_subdomains` is `None` when the argument was not a boolean (then, as in botocore, the
/// whole value is checked as one label).
pub(crate) fn is_valid_host_label(s: &str, allow_subdomains: Option<bool>) -> bool {
    match allow_subdomains {
        Some(false) if s.contains('.') => false,
        Some(true) => s.split('.').all(is_host_label),
        _ => is_host_label(s),
    }
}

/// Bucket names usable as a virtual host: 3+ characters, no upper case, not an IPv4 address,
/// and valid host label(s).
pub(crate) fn is_virtual_hostable_s3_bucket(s: &str, allow_subdomains: Option<bool>) -> bool {
    if s.len() < 3 || s.chars().any(char::is_uppercase) || url::is_ipv4(s) {
        return false;
    }
    is_valid_host_label(s, allow_subdomains)
}

/// Smithy's `split`: `limit` 0 = no limit, otherwise at most `limit` parts.
fn split<'s>(s: &'s str, d: &str, limit: i64) -> Vec<&'s str> {
    if d.is_empty() {
        return vec![s];
    }
    if limit > 0 {
        s.splitn(limit as usize, d).collect()
    } else {
        s.split(d).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library() {
        assert_eq!(uri_encode("a b/c~d"), "a%20b%2Fc~d");
        assert_eq!(substring("abcdef", 0, 4, false), Some("abcd"));
        assert_eq!(substring("abcdef", 0, 4, true), Some("cdef"));
        assert_eq!(substring("abc", 0, 4, false), None);
        assert_eq!(substring("abcé", 0, 2, false), None);
        assert!(is_valid_host_label("us-east-1", Some(false)));
        assert!(!is_valid_host_label("us-east-1.evil", Some(false)));
        assert!(is_valid_host_label("a.b-c", Some(true)));
        assert!(!is_valid_host_label("a..b", Some(true)));
        assert!(!is_valid_host_label("-a", Some(false)));
        assert!(is_virtual_hostable_s3_bucket("my-bucket", Some(false)));
        assert!(!is_virtual_hostable_s3_bucket("My-bucket", Some(false)));
        assert!(!is_virtual_hostable_s3_bucket("192.168.0.1", Some(true)));
        assert!(!is_virtual_hostable_s3_bucket("ab", Some(false)));
        assert_eq!(split("a--b--c", "--", 2), ["a", "b--c"]);
        assert_eq!(split("a--b--c", "--", 0), ["a", "b", "c"]);
    }
}
