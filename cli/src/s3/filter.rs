//! `--exclude` / `--include` (awscli `filters.py`): each pattern is joined to the source's
//! root (a local directory, or `bucket/prefix`) and matched with Python's `fnmatch` against
//! the whole source path; the last matching pattern decides, and a file no pattern matches
//! is included.

/// The patterns of one command, ready to match source paths.
pub(super) struct Filter {
    /// (include, full pattern), for the source root then for the destination root, in
    /// command-line order (awscli checks both against the source path).
    patterns: Vec<(bool, String, String)>,
}

impl Filter {
    /// `filters` in command-line order; `src_root` and `dst_root` as awscli computes them.
    pub fn new(filters: &[(bool, String)], src_root: &str, dst_root: &str) -> Filter {
        let join = |root: &str, pattern: &str| {
            if pattern.starts_with('/') || root.is_empty() {
                pattern.to_owned()
            } else if root.ends_with('/') {
                format!("{root}{pattern}")
            } else {
                format!("{root}/{pattern}")
            }
        };
        Filter {
            patterns: filters
                .iter()
                .map(|(include, p)| (*include, join(src_root, p), join(dst_root, p)))
                .collect(),
        }
    }

    /// Whether the source at `path` is transferred.
    pub fn includes(&self, path: &str) -> bool {
        let mut included = true;
        for (include, src_pattern, dst_pattern) in &self.patterns {
            if fnmatch(path, src_pattern) {
                included = *include;
            }
            if fnmatch(path, dst_pattern) {
                included = *include;
            }
        }
        included
    }
}

/// Python's `fnmatch.fnmatch` on POSIX: `*` (any run, `/` included), `?`, `[seq]`, `[!seq]`.
pub(super) fn fnmatch(name: &str, pattern: &str) -> bool {
    let name: Vec<char> = name.chars().collect();
    let pattern: Vec<char> = pattern.chars().collect();
    matches(&name, &pattern)
}

fn matches(name: &[char], pattern: &[char]) -> bool {
    // Iterative glob matching with one backtrack point for the last `*`.
    let (mut n, mut p) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        if p < pattern.len() {
            match pattern[p] {
                '*' => {
                    star = Some((p, n));
                    p += 1;
                    continue;
                }
                '?' => {
                    n += 1;
                    p += 1;
                    continue;
                }
                '[' => {
                    if let Some((matched, next)) = class(&pattern[p..], name[n]) {
                        if matched {
                            n += 1;
                            p += next;
                            continue;
                        }
                    } else if name[n] == '[' {
                        // An unclosed `[` is a literal.
                        n += 1;
                        p += 1;
                        continue;
                    }
                }
                c if c == name[n] => {
                    n += 1;
                    p += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, sn)) => {
                p = sp + 1;
                n = sn + 1;
                star = Some((sp, sn + 1));
            }
            None => return false,
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

/// A `[...]` class at the start of `pattern`: whether `c` is in it and the class's length;
/// `None` when the `[` is not closed.
fn class(pattern: &[char], c: char) -> Option<(bool, usize)> {
    let mut i = 1;
    let negate = matches!(pattern.get(i), Some('!'));
    if negate {
        i += 1;
    }
    // A `]` right after `[` or `[!` is part of the set.
    let start = i;
    let mut found = false;
    while i < pattern.len() {
        if pattern[i] == ']' && i > start {
            return Some((found != negate, i + 1));
        }
        if i + 2 < pattern.len() && pattern[i + 1] == '-' && pattern[i + 2] != ']' {
            if pattern[i] <= c && c <= pattern[i + 2] {
                found = true;
            }
            i += 3;
        } else {
            if pattern[i] == c {
                found = true;
            }
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnmatch_as_python() {
        // Expected values from Python's fnmatch.fnmatch.
        let cases = [
            ("/d/a.txt", "/d/*.txt", true),
            ("/d/sub/a.txt", "/d/*.txt", true),
            ("/d/a.txt", "/d/*", true),
            ("/d/a.log", "/d/*.txt", false),
            ("/d/a1.txt", "/d/a?.txt", true),
            ("/d/ab.txt", "/d/a[0-9].txt", false),
            ("/d/a5.txt", "/d/a[0-9].txt", true),
            ("/d/ab.txt", "/d/a[!0-9].txt", true),
            ("/d/a[.txt", "/d/a[.txt", true),
            ("b/dir/x.txt", "b/dir/x.txt", true),
            ("abc", "*c*", true),
            ("abc", "a*b", false),
        ];
        for (name, pattern, expected) in cases {
            assert_eq!(fnmatch(name, pattern), expected, "{name} {pattern}");
        }
    }

    #[test]
    fn last_matching_pattern_wins() {
        let filters = vec![(false, "*".to_string()), (true, "*.txt".to_string())];
        let filter = Filter::new(&filters, "/src", "b/prefix");
        assert!(filter.includes("/src/a.txt"));
        assert!(!filter.includes("/src/a.log"));
        let none = Filter::new(&[], "/src", "b");
        assert!(none.includes("/src/anything"));
    }
}
