//! The byte-level mutator: a fixed-seed PRNG and havoc-style mutations (bit flips, byte
//! insertion, deletion and duplication, splices of two seeds, truncation, extreme numbers, deep
//! nesting, CBOR heads with huge lengths), steered by a per-format [`Grammar`].
//!
//! Every input is built from its own generator ([`Rng::for_input`]), so a failing input is
//! rebuilt from the run's seed and its index alone, and runs are identical on every machine.

pub use rboto_tests::rng::Rng;

/// What the byte mutator knows about a format.
pub struct Grammar {
    /// Tokens worth inserting (delimiters, escapes, entity references, CBOR heads, …).
    pub tokens: &'static [&'static [u8]],
    /// Opening and closing text of one nesting level.
    pub nests: &'static [(&'static [u8], &'static [u8])],
    /// The bytes after the first (the fuzz targets' selector) are one CBOR item.
    pub cbor: bool,
    /// Line-oriented text: lines are swapped, duplicated, indented.
    pub lines: bool,
}

/// Inputs stay below this size so that a run's time stays bounded.
pub const MAX_LEN: usize = 16 * 1024;

/// Nesting depths: around the parsers' limits (100 in rboto's codecs, 128 in serde_json) and
/// far beyond them, which a depth limit must reject; deep enough to overflow an unbounded
/// recursive parser's stack.
const DEPTHS: &[usize] = &[
    2, 3, 10, 50, 99, 100, 101, 102, 127, 128, 129, 200, 256, 500, 1000, 2000,
];

const NUMBERS: &[&[u8]] = &[
    b"0",
    b"-0",
    b"-1",
    b"255",
    b"256",
    b"65536",
    b"2147483647",
    b"2147483648",
    b"-2147483649",
    b"4294967296",
    b"9223372036854775807",
    b"9223372036854775808",
    b"-9223372036854775809",
    b"18446744073709551616",
    b"99999999999999999999999999999999",
    b"1e999",
    b"-1e999",
    b"1e-999",
    b"1.7976931348623157e309",
    b"253402300800",
    b"-62135596801",
    b"0.000000000000000000001",
    b"NaN",
    b"Infinity",
    b"-Infinity",
    b"0x10",
    b"1_000",
    b"",
];

/// Single bytes that tend to matter.
const BYTES: &[u8] = &[
    0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0xc3, 0xed, 0x20, b'\t', b'\n', b'\r', b'"', b'\'', b'\\',
    b'<', b'>', b'&', b';', b'#', b'=', b'[', b']', b'{', b'}', b':', b',', b'/', b'0', b'9', b'-',
    b'.', b'%', b'?', b'@',
];

/// A copy of a random seed with 1 to 4 stacked mutations.
pub fn mutate(seeds: &[Vec<u8>], grammar: &Grammar, rng: &mut Rng) -> Vec<u8> {
    let mut data = rng.pick(seeds).clone();
    for _ in 0..1 + rng.below(4) {
        mutate_once(&mut data, seeds, grammar, rng);
        data.truncate(MAX_LEN);
    }
    data
}

fn mutate_once(d: &mut Vec<u8>, seeds: &[Vec<u8>], g: &Grammar, rng: &mut Rng) {
    let len = d.len();
    match rng.below(16) {
        0 if len > 0 => {
            let i = rng.below(len);
            d[i] ^= 1 << rng.below(8);
        }
        1 if len > 0 => {
            let i = rng.below(len);
            d[i] = if rng.one_in(4) {
                rng.next_u64() as u8
            } else {
                *rng.pick(BYTES)
            };
        }
        2 => {
            let at = rng.below(len + 1);
            let n = 1 + rng.below(8);
            let bytes: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
            d.splice(at..at, bytes);
        }
        3 if len > 0 => {
            let at = rng.below(len);
            let n = 1 + rng.below((len - at).min(1 + len / 4));
            d.drain(at..at + n);
        }
        4 if len > 0 => {
            let (from, n) = range(len, 64, rng);
            let chunk = d[from..from + n].to_vec();
            let at = rng.below(len + 1);
            d.splice(at..at, chunk);
        }
        5 => {
            let other = rng.pick(seeds);
            let keep = rng.below(len + 1);
            let from = rng.below(other.len() + 1);
            d.truncate(keep);
            d.extend_from_slice(&other[from..]);
        }
        6 => d.truncate(rng.below(len + 1)),
        7 | 8 if !g.tokens.is_empty() => {
            let at = rng.below(len + 1);
            let token = *rng.pick(g.tokens);
            d.splice(at..at, token.iter().copied());
        }
        9 if !g.nests.is_empty() => nest(d, g, rng),
        10 if len > 0 => {
            // Self-similar nesting: a chunk of the seed (`<item><instancesSet>`, `{"L":[`)
            // repeated in place.
            let (from, n) = range(len, 48, rng);
            let times = (*rng.pick(DEPTHS)).min(MAX_LEN / n);
            let chunk = d[from..from + n].to_vec();
            let repeated: Vec<u8> = chunk.iter().copied().cycle().take(n * times).collect();
            d.splice(from..from + n, repeated);
        }
        11 => number(d, rng),
        12 if g.cbor => cbor_head(d, rng),
        12 | 13 if g.lines => lines(d, rng),
        14 if len > 0 => {
            // The fuzz targets read the first byte as their selector (operation, error, header).
            d[0] = rng.next_u64() as u8;
        }
        15 if len > 0 => {
            let other = rng.pick(seeds);
            if !other.is_empty() {
                let (from, n) = range(other.len(), 32, rng);
                let at = rng.below(len);
                let end = (at + n).min(len);
                d.splice(at..end, other[from..from + n].iter().copied());
            }
        }
        _ => {
            if len > 0 {
                let i = rng.below(len);
                d[i] = d[i].wrapping_add(1 + rng.below(3) as u8);
            } else {
                d.push(*rng.pick(BYTES));
            }
        }
    }
}

/// A non-empty range `(start, len)` of at most `max` bytes inside `0..len`.
fn range(len: usize, max: usize, rng: &mut Rng) -> (usize, usize) {
    let from = rng.below(len);
    let n = 1 + rng.below((len - from).min(max));
    (from, n)
}

fn nest(d: &mut Vec<u8>, g: &Grammar, rng: &mut Rng) {
    let (open, close) = *rng.pick(g.nests);
    let depth = (*rng.pick(DEPTHS)).min(MAX_LEN / (open.len() + close.len()).max(1));
    let at = rng.below(d.len() + 1);
    let opens: Vec<u8> = open
        .iter()
        .copied()
        .cycle()
        .take(open.len() * depth)
        .collect();
    let after = at + opens.len();
    d.splice(at..at, opens);
    if !rng.one_in(3) {
        let at = after
            + rng
                .below(d.len() - after + 1)
                .min(if rng.one_in(2) { 0 } else { 64 });
        let closes: Vec<u8> = close
            .iter()
            .copied()
            .cycle()
            .take(close.len() * depth)
            .collect();
        d.splice(at..at, closes);
    }
}

/// Replaces a run of ASCII digits (a length, a count, a timestamp) with an extreme number.
fn number(d: &mut Vec<u8>, rng: &mut Rng) {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < d.len() {
        if d[i].is_ascii_digit() {
            let start = i;
            while i < d.len() && d[i].is_ascii_digit() {
                i += 1;
            }
            runs.push((start, i));
        } else {
            i += 1;
        }
    }
    let value = *rng.pick(NUMBERS);
    match runs.is_empty() {
        true => {
            let at = rng.below(d.len() + 1);
            d.splice(at..at, value.iter().copied());
        }
        false => {
            let (start, end) = *rng.pick(&runs);
            d.splice(start..end, value.iter().copied());
        }
    }
}

/// Offsets of the CBOR item heads after the selector byte, walking as a decoder would (string
/// payloads skipped, containers entered).
fn cbor_heads(d: &[u8]) -> Vec<usize> {
    let mut heads = Vec::new();
    let mut i = 1;
    while i < d.len() && heads.len() < 4096 {
        heads.push(i);
        let (major, info) = (d[i] >> 5, d[i] & 0x1f);
        let extra = match info {
            24 => 1,
            25 => 2,
            26 => 4,
            27 => 8,
            _ => 0,
        };
        let Some(arg_bytes) = d.get(i + 1..i + 1 + extra) else {
            break;
        };
        let arg = match info {
            0..=23 => u64::from(info),
            24..=27 => arg_bytes.iter().fold(0u64, |a, &b| a << 8 | u64::from(b)),
            _ => 0,
        };
        i += 1 + extra;
        if matches!(major, 2 | 3) && info != 31 {
            i = i.saturating_add(usize::try_from(arg).unwrap_or(usize::MAX));
        }
    }
    heads
}

/// Sets one item head's argument (a length, a count, a tag or an integer) to an extreme value,
/// or makes it indefinite or reserved.
fn cbor_head(d: &mut Vec<u8>, rng: &mut Rng) {
    let heads = cbor_heads(d);
    if heads.is_empty() {
        return;
    }
    let at = *rng.pick(&heads);
    let (major, info) = (d[at] >> 5, d[at] & 0x1f);
    let old_len = 1 + match info {
        24 => 1,
        25 => 2,
        26 => 4,
        27 => 8,
        _ => 0,
    };
    let end = (at + old_len).min(d.len());
    let huge: &[u64] = &[
        u64::MAX,
        u64::MAX - 1,
        1 << 63,
        1 << 32,
        u64::from(u32::MAX),
        1 << 31,
        1 << 20,
        d.len() as u64,
        d.len() as u64 + 1,
    ];
    let head: Vec<u8> = match rng.below(4) {
        0 => vec![major << 5 | 31],
        1 => vec![major << 5 | (28 + rng.below(3) as u8)],
        2 => {
            let mut h = vec![major << 5 | 26];
            h.extend_from_slice(&(*rng.pick(huge) as u32).to_be_bytes());
            h
        }
        _ => {
            let mut h = vec![major << 5 | 27];
            h.extend_from_slice(&rng.pick(huge).to_be_bytes());
            h
        }
    };
    d.splice(at..end, head);
}

fn lines(d: &mut Vec<u8>, rng: &mut Rng) {
    let mut lines: Vec<Vec<u8>> = d.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    let n = lines.len();
    let (a, b) = (rng.below(n), rng.below(n));
    match rng.below(4) {
        0 => lines.swap(a, b),
        1 => {
            let copy = lines[a].clone();
            lines.insert(b, copy);
        }
        2 => lines[a].insert(0, if rng.one_in(2) { b' ' } else { b'\t' }),
        _ => {
            let blank = lines[a].iter().take_while(|c| **c == b' ' || **c == b'\t');
            let blank = blank.count();
            lines[a].drain(..blank);
        }
    }
    *d = lines.join(&b'\n');
}
