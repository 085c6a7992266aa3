//! `--output table`: the AWS CLI's boxed tables (awscli `formatter.TableFormatter` building an
//! `awscli.table.MultiTable`).
//!
//! The response becomes a list of sections: a titled box per dictionary or list, its scalar
//! members as columns (headers sorted by name), nested lists and dictionaries as indented
//! sections below it, titled by their key. All sections share one width: the widest section's
//! natural width, columns scaled to fill it. When that is wider than the terminal, every
//! single-row section is turned on its side (one `header | value` row per column).
//!
//! On a terminal the AWS CLI colours cell values (bright blue) and the indentation bars (dim
//! yellow): [`TableOptions::color`]. Its per-write colour resets (colorama's `autoreset`),
//! which show nothing, are left out.

mod wide;

use super::text::python_str;
use serde_json::{Map, Value};
use std::fmt;

/// The width the AWS CLI assumes when standard output is not a terminal.
pub const DEFAULT_WIDTH: usize = 80;

/// Appends `value` (a response, already filtered by `--query`) as the AWS CLI's table output,
/// `title` being the operation name (`ListBuckets`), for output that is not a terminal.
///
/// A value the AWS CLI itself fails to tabulate (a list mixing dictionaries with other
/// values) appends nothing; [`try_render`] says why.
pub fn render(value: &Value, title: &str, out: &mut String) {
    let _ = try_render(value, title, &TableOptions::default(), out);
}

/// Where the table is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableOptions {
    /// The terminal's width; [`DEFAULT_WIDTH`] when not a terminal. A wider table has its
    /// single-row sections turned on their side.
    pub terminal_width: usize,
    /// Colour values and indentation bars, as the AWS CLI does on a terminal (`--color auto`)
    /// or with `--color on`.
    pub color: bool,
}

impl Default for TableOptions {
    fn default() -> Self {
        TableOptions {
            terminal_width: DEFAULT_WIDTH,
            color: false,
        }
    }
}

/// Why a value has no table: the AWS CLI stops with this error for the same value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableError(String);

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TableError {}

/// [`render`] with `options`, saying why when the AWS CLI would fail (nothing is appended).
pub fn try_render(
    value: &Value,
    title: &str,
    options: &TableOptions,
    out: &mut String,
) -> Result<(), TableError> {
    let mut table = Table::default();
    if table.build(Some(title), value, 0)? {
        table.render(options, out);
    }
    Ok(())
}

/// awscli's `ColorizedStyler` (bright blue values, dim yellow bars), or plain text.
#[derive(Clone, Copy)]
struct Style {
    color: bool,
}

impl Style {
    fn cell(self, text: &str) -> String {
        if self.color {
            format!("\x1b[1m\x1b[34m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    fn bars(self, count: usize) -> String {
        if self.color {
            "\x1b[2m\x1b[33m|\x1b[0m".repeat(count)
        } else {
            "|".repeat(count)
        }
    }
}

/// Display width as awscli's `get_text_length`: East Asian wide, full-width and ambiguous
/// characters count two columns.
fn text_length(text: &str) -> usize {
    text.chars()
        .map(|c| {
            let cp = c as u32;
            let wide = wide::WIDE
                .binary_search_by(|&(lo, hi)| {
                    if hi < cp {
                        std::cmp::Ordering::Less
                    } else if lo > cp {
                        std::cmp::Ordering::Greater
                    } else {
                        std::cmp::Ordering::Equal
                    }
                })
                .is_ok();
            if wide {
                2
            } else {
                1
            }
        })
        .sum()
}

#[derive(Default)]
struct Section {
    /// `None` is Python's `None` title of a section opened for a list inside a list: it is not
    /// printed, but its width counts as the four letters of `str(None)`.
    title: Option<String>,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    indent: usize,
    num_cols: Option<usize>,
    max_widths: Vec<usize>,
}

impl Section {
    fn title_len(&self) -> usize {
        self.title.as_deref().map_or(4, text_length)
    }

    fn add_header(&mut self, headers: Vec<String>) {
        self.update_max_widths(&headers);
        self.num_cols.get_or_insert(headers.len());
        self.headers = headers;
    }

    fn add_row(&mut self, row: Vec<String>) -> Result<(), TableError> {
        let cols = *self.num_cols.get_or_insert(row.len());
        if row.len() != cols {
            return Err(TableError(format!(
                "Row should have {cols} elements, instead it has {}",
                row.len()
            )));
        }
        self.update_max_widths(&row);
        self.rows.push(row);
        Ok(())
    }

    fn update_max_widths(&mut self, row: &[String]) {
        if self.max_widths.is_empty() {
            self.max_widths = row.iter().map(|c| text_length(c)).collect();
        } else {
            for (width, cell) in self.max_widths.iter_mut().zip(row) {
                *width = (*width).max(text_length(cell));
            }
        }
    }

    /// Column widths scaled so they add up to `max_width` exactly (awscli's rounding and
    /// one-column-at-a-time correction).
    fn column_widths(&self, padding: usize, max_width: usize) -> Vec<usize> {
        let unscaled: Vec<usize> = self.max_widths.iter().map(|w| w + padding).collect();
        if unscaled.is_empty() {
            return unscaled;
        }
        let scale = max_width as f64 / unscaled.iter().sum::<usize>() as f64;
        // Python's round() rounds halves to even.
        let mut scaled: Vec<i64> = unscaled
            .iter()
            .map(|&w| (scale * w as f64).round_ties_even() as i64)
            .collect();
        let mut off_by = scaled.iter().sum::<i64>() - max_width as i64;
        while off_by != 0 {
            let n = scaled.len();
            for step in 0..n {
                let i = if off_by < 0 { n - 1 - step } else { step };
                if off_by > 0 {
                    scaled[i] -= 1;
                    off_by -= 1;
                } else {
                    scaled[i] += 1;
                    off_by += 1;
                }
                if off_by == 0 {
                    break;
                }
            }
        }
        scaled.into_iter().map(|w| w.max(0) as usize).collect()
    }

    fn total_width(&self) -> usize {
        let border = 2;
        let outer = self.indent * 2;
        let columns: usize = self.max_widths.iter().map(|w| w + 4).sum();
        (self.title_len() + border + outer).max(columns + border + outer)
    }
}

#[derive(Default)]
struct Table {
    sections: Vec<Section>,
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Object(_) | Value::Array(_))
}

/// Python truthiness of a JSON value: empty containers, "", 0, false and null are false.
fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// Scalar keys (the columns) and the other keys of a dictionary, each sorted.
fn group_keys(map: &Map<String, Value>) -> (Vec<String>, Vec<String>) {
    let (mut headers, mut more): (Vec<String>, Vec<String>) =
        map.keys().cloned().partition(|k| is_scalar(&map[k]));
    headers.sort();
    more.sort();
    (headers, more)
}

impl Table {
    fn current(&mut self) -> Result<&mut Section, TableError> {
        self.sections
            .last_mut()
            .ok_or_else(|| TableError("no table section to add a row to".into()))
    }

    fn new_section(&mut self, title: Option<&str>, indent: usize) {
        self.sections.push(Section {
            title: title.map(str::to_owned),
            indent,
            ..Section::default()
        });
    }

    fn build(
        &mut self,
        title: Option<&str>,
        value: &Value,
        indent: usize,
    ) -> Result<bool, TableError> {
        if !truthy(value) {
            return Ok(false);
        }
        if title.is_some() {
            self.new_section(title, indent);
        }
        match value {
            Value::Array(items) if items[0].is_object() => {
                self.build_from_list(items, indent, title)?
            }
            Value::Array(items) => {
                for item in items {
                    match item {
                        scalar if is_scalar(scalar) => {
                            self.current()?.add_row(vec![python_str(scalar)])?
                        }
                        // A dictionary iterates as its keys, all scalars: a row of its keys.
                        Value::Object(map) => {
                            self.current()?.add_row(map.keys().cloned().collect())?
                        }
                        Value::Array(inner) if inner.iter().all(is_scalar) => self
                            .current()?
                            .add_row(inner.iter().map(python_str).collect())?,
                        nested => {
                            self.build(None, nested, 0)?;
                        }
                    }
                }
            }
            Value::Object(map) => self.build_from_dict(map, indent)?,
            _ => {}
        }
        Ok(true)
    }

    fn build_from_dict(
        &mut self,
        map: &Map<String, Value>,
        indent: usize,
    ) -> Result<(), TableError> {
        let (headers, more) = group_keys(map);
        if headers.len() == 1 {
            // A single scalar is one `key | value` row.
            let row = vec![headers[0].clone(), python_str(&map[&headers[0]])];
            self.current()?.add_row(row)?;
        } else if !headers.is_empty() {
            let row = headers.iter().map(|h| python_str(&map[h])).collect();
            let section = self.current()?;
            section.add_header(headers);
            section.add_row(row)?;
        }
        for key in more {
            self.build(Some(&key), &map[&key], indent + 1)?;
        }
        Ok(())
    }

    fn build_from_list(
        &mut self,
        items: &[Value],
        indent: usize,
        title: Option<&str>,
    ) -> Result<(), TableError> {
        let mut headers: Vec<String> = Vec::new();
        let mut more: Vec<String> = Vec::new();
        let mut maps = Vec::with_capacity(items.len());
        for item in items {
            let Value::Object(map) = item else {
                return Err(TableError(format!(
                    "a list of dictionaries holds a {}",
                    if item.is_array() { "list" } else { "scalar" }
                )));
            };
            let (h, m) = group_keys(map);
            headers.extend(h);
            more.extend(m);
            maps.push(map);
        }
        headers.sort();
        headers.dedup();
        more.sort();
        more.dedup();
        self.current()?.add_header(headers.clone());
        for (i, map) in maps.into_iter().enumerate() {
            // Each element with nested values gets its own section, so they sit under it.
            if i > 0 && !more.is_empty() {
                self.new_section(title, indent);
                self.current()?.add_header(headers.clone());
            }
            let row = headers
                .iter()
                .map(|h| map.get(h).map(python_str).unwrap_or_default())
                .collect();
            self.current()?.add_row(row)?;
            for key in &more {
                if let Some(nested) = map.get(key) {
                    self.build(Some(key), nested, indent + 1)?;
                }
            }
        }
        Ok(())
    }

    fn max_width(&self) -> usize {
        self.sections
            .iter()
            .map(Section::total_width)
            .max()
            .unwrap_or(0)
    }

    fn render(&mut self, options: &TableOptions, out: &mut String) {
        let mut max_width = self.max_width();
        if max_width > options.terminal_width {
            self.convert_to_vertical();
            max_width = self.max_width();
        }
        out.push_str(&"-".repeat(max_width));
        out.push('\n');
        let style = Style {
            color: options.color,
        };
        for section in &self.sections {
            render_section(section, max_width, style, out);
        }
    }

    /// Single-row sections become one `header | value` row per column.
    fn convert_to_vertical(&mut self) {
        for section in &mut self.sections {
            if section.rows.len() == 1 && !section.headers.is_empty() {
                let mut vertical = Section {
                    title: section.title.take(),
                    indent: section.indent,
                    ..Section::default()
                };
                for (header, cell) in section.headers.iter().zip(&section.rows[0]) {
                    // Two cells per row always: cannot fail.
                    let _ = vertical.add_row(vec![header.clone(), cell.clone()]);
                }
                *section = vertical;
            }
        }
    }
}

/// Writes one line of a section, framed by one `|` per indent level on each side.
fn write_line(bars: &str, line: &str, out: &mut String) {
    out.push_str(bars);
    out.push_str(line);
    out.push_str(bars);
    out.push('\n');
}

fn spaces(n: i64) -> String {
    " ".repeat(n.max(0) as usize)
}

/// awscli's `center_text`.
fn center_text(text: &str, length: usize, left: &str, right: &str) -> String {
    let (length, text_len) = (length as i64, text_length(text) as i64);
    let char_start = length / 2 - text_len / 2 - 1;
    let so_far = text_length(left) as i64 + char_start + text_len;
    let right_spaces = length - text_length(right) as i64 - so_far;
    format!(
        "{left}{}{text}{}{right}",
        spaces(char_start),
        spaces(right_spaces)
    )
}

/// awscli's `align_left` with its two spaces of left padding when they fit; `text` may be
/// styled, `text_len` is its width on screen.
fn align_left(text: &str, text_len: usize, length: usize, left: &str, right: &str) -> String {
    let (length, text_len) = (length as i64, text_len as i64);
    let (left_len, right_len) = (left.chars().count() as i64, right.chars().count() as i64);
    let padding = if length - (text_len + 2 + left_len + right_len) >= 0 {
        2
    } else {
        0
    };
    let so_far = left_len + padding + text_len;
    format!(
        "{left}{}{text}{}{right}",
        spaces(padding),
        spaces(length - so_far - right_len)
    )
}

fn line_break(widths: &[usize]) -> String {
    let mut line = String::new();
    for (i, &w) in widths.iter().enumerate() {
        if i == 0 {
            line.push('+');
            line.push_str(&"-".repeat(w.saturating_sub(2)));
        } else {
            line.push_str(&"-".repeat(w.saturating_sub(1)));
        }
        line.push('+');
    }
    line
}

fn render_section(section: &Section, max_width: usize, style: Style, out: &mut String) {
    let indent = style.bars(section.indent);
    let indent = indent.as_str();
    let width = max_width.saturating_sub(section.indent * 2);
    if let Some(title) = section.title.as_deref().filter(|t| !t.is_empty()) {
        write_line(indent, &center_text(title, width, "|", "|"), out);
        if section.headers.is_empty() && section.rows.is_empty() {
            write_line(
                indent,
                &format!("+{}+", "-".repeat(width.saturating_sub(2))),
                out,
            );
        }
    }
    if !section.headers.is_empty() {
        let widths = section.column_widths(4, width);
        let mut line = String::new();
        for (i, (w, header)) in widths.iter().zip(&section.headers).enumerate() {
            line.push_str(&center_text(header, *w, if i == 0 { "|" } else { "" }, "|"));
        }
        write_line(indent, &line_break(&widths), out);
        write_line(indent, &line, out);
    }
    if section.rows.is_empty() {
        return;
    }
    let widths = section.column_widths(4, width);
    if widths.is_empty() {
        return;
    }
    write_line(indent, &line_break(&widths), out);
    for row in &section.rows {
        let mut line = String::new();
        for (i, (w, cell)) in widths.iter().zip(row).enumerate() {
            let left = if i == 0 { "|" } else { "" };
            line.push_str(&align_left(
                &style.cell(cell),
                text_length(cell),
                *w,
                left,
                "|",
            ));
        }
        write_line(indent, &line, out);
    }
    write_line(indent, &line_break(&widths), out);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every fixture of `tests/data/format-cases.json` (chosen shapes) and
    /// `random-format-cases.json` (150 random values), against awscli 1.46.3's
    /// `TableFormatter` (not a terminal: 80 columns, no colour).
    #[test]
    fn matches_awscli_table_formatter() {
        let fixed: Value =
            serde_json::from_str(include_str!("../../tests/data/format-cases.json")).unwrap();
        let random: Value =
            serde_json::from_str(include_str!("../../tests/data/random-format-cases.json"))
                .unwrap();
        let mut checked = 0;
        let cases = fixed.as_array().unwrap().iter();
        for case in cases.chain(random.as_array().unwrap()) {
            let name = case["name"].as_str().unwrap();
            let title = case["title"].as_str().unwrap();
            let mut out = String::new();
            let result = try_render(&case["input"], title, &TableOptions::default(), &mut out);
            match case["table"].as_str() {
                Some(expected) => {
                    assert_eq!(result, Ok(()), "case {name}");
                    assert_eq!(out, expected, "table output of case {name}");
                }
                None => assert!(result.is_err(), "case {name}: awscli failed, so must we"),
            }
            checked += 1;
        }
        assert!(checked >= 150, "{checked}");
    }

    #[test]
    fn wide_characters_count_twice() {
        assert_eq!(text_length("abc"), 3);
        assert_eq!(text_length("日本"), 4);
        // East Asian Ambiguous, so two columns for awscli too.
        assert_eq!(text_length("é"), 2);
    }

    #[test]
    fn a_wider_terminal_keeps_rows_horizontal() {
        let value: Value = serde_json::json!({"A": "x".repeat(50), "B": "y".repeat(40)});
        let mut narrow = String::new();
        try_render(&value, "Op", &TableOptions::default(), &mut narrow).unwrap();
        let mut wide = String::new();
        let wide_terminal = TableOptions {
            terminal_width: 200,
            color: false,
        };
        try_render(&value, "Op", &wide_terminal, &mut wide).unwrap();
        // Too wide for 80 columns: one row per member.
        assert_eq!(narrow.lines().count(), 6, "{narrow}");
        assert!(narrow.lines().all(|l| l.len() <= 80), "{narrow}");
        // On a 200-column terminal: a header row and a value row.
        assert_eq!(wide.lines().count(), 7, "{wide}");
        assert!(wide.lines().next().unwrap().len() > 80);
    }

    /// awscli's `TableFormatter` with `--color on`, rendered into a string (no colorama
    /// stream wrapper, so no extra resets).
    #[test]
    fn colour_as_awscli() {
        let value = serde_json::json!({"Things": [{"Name": "a", "Size": 1}], "Owner": {"Id": "x"}});
        let mut out = String::new();
        let options = TableOptions {
            color: true,
            ..TableOptions::default()
        };
        try_render(&value, "ListThings", &options, &mut out).unwrap();
        let expected = "--------------------\n|    ListThings    |\n+------------------+\n\u{1b}[2m\u{1b}[33m|\u{1b}[0m|      Owner     |\u{1b}[2m\u{1b}[33m|\u{1b}[0m\n\u{1b}[2m\u{1b}[33m|\u{1b}[0m+--------+-------+\u{1b}[2m\u{1b}[33m|\u{1b}[0m\n\u{1b}[2m\u{1b}[33m|\u{1b}[0m|  \u{1b}[1m\u{1b}[34mId\u{1b}[0m    |  \u{1b}[1m\u{1b}[34mx\u{1b}[0m    |\u{1b}[2m\u{1b}[33m|\u{1b}[0m\n\u{1b}[2m\u{1b}[33m|\u{1b}[0m+--------+-------+\u{1b}[2m\u{1b}[33m|\u{1b}[0m\n\u{1b}[2m\u{1b}[33m|\u{1b}[0m|     Things     |\u{1b}[2m\u{1b}[33m|\u{1b}[0m\n\u{1b}[2m\u{1b}[33m|\u{1b}[0m+-------+--------+\u{1b}[2m\u{1b}[33m|\u{1b}[0m\n\u{1b}[2m\u{1b}[33m|\u{1b}[0m| Name  | Size   |\u{1b}[2m\u{1b}[33m|\u{1b}[0m\n\u{1b}[2m\u{1b}[33m|\u{1b}[0m+-------+--------+\u{1b}[2m\u{1b}[33m|\u{1b}[0m\n\u{1b}[2m\u{1b}[33m|\u{1b}[0m|  \u{1b}[1m\u{1b}[34ma\u{1b}[0m    |  \u{1b}[1m\u{1b}[34m1\u{1b}[0m     |\u{1b}[2m\u{1b}[33m|\u{1b}[0m\n\u{1b}[2m\u{1b}[33m|\u{1b}[0m+-------+--------+\u{1b}[2m\u{1b}[33m|\u{1b}[0m\n";
        assert_eq!(out, expected);
    }
}
