//! A push decoder of the chunk framing HTTP/1.1's `Transfer-Encoding: chunked` and S3's
//! `Content-Encoding: aws-chunked` share (`<hex length>[;ext]\r\n<bytes>\r\n` … `0\r\n`, then
//! trailer lines and an empty line). Over HTTPS an rboto upload is both, one inside the other
//! (as botocore sends it), so the sink stacks two of these; they hand the data on as slices of
//! what they were fed, without copying it.

/// Where the decoder is in the framing.
enum State {
    /// Reading a chunk's length line.
    Size,
    /// This many data bytes of the current chunk are still to come.
    Data(u64),
    /// This many bytes of the `\r\n` after a chunk's data are still to come.
    DataEnd(u8),
    /// Reading trailer lines, up to the empty one.
    Trailer,
    Done,
}

pub struct Dechunker {
    state: State,
    /// The part of a length or trailer line seen so far.
    line: Vec<u8>,
    /// The trailer lines (e.g. `x-amz-checksum-crc32:…` for aws-chunked).
    pub trailers: Vec<String>,
}

impl Dechunker {
    pub fn new() -> Dechunker {
        Dechunker {
            state: State::Size,
            line: Vec::new(),
            trailers: Vec::new(),
        }
    }

    /// Whether the closing empty line has been read.
    pub fn is_done(&self) -> bool {
        matches!(self.state, State::Done)
    }

    /// Decodes `input`, handing every piece of chunk data to `out`, and returns how many bytes
    /// it used: all of them, unless the framing ends inside `input`.
    pub fn feed(&mut self, input: &[u8], out: &mut dyn FnMut(&[u8])) -> Result<usize, String> {
        let mut at = 0;
        while at < input.len() {
            let rest = &input[at..];
            match &mut self.state {
                State::Done => break,
                State::Data(left) => {
                    let n = rest.len().min(usize::try_from(*left).unwrap_or(usize::MAX));
                    out(&rest[..n]);
                    *left -= n as u64;
                    at += n;
                    if *left == 0 {
                        self.state = State::DataEnd(2);
                    }
                }
                State::DataEnd(left) => {
                    let expected = b"\r\n"[2 - *left as usize];
                    if rest[0] != expected {
                        return Err("a chunk's data is not followed by CRLF".into());
                    }
                    *left -= 1;
                    at += 1;
                    if *left == 0 {
                        self.state = State::Size;
                    }
                }
                State::Size | State::Trailer => {
                    let Some(nl) = rest.iter().position(|&b| b == b'\n') else {
                        self.line.extend_from_slice(rest);
                        at = input.len();
                        break;
                    };
                    self.line.extend_from_slice(&rest[..nl]);
                    at += nl + 1;
                    let line = String::from_utf8_lossy(&self.line).trim_end().to_string();
                    self.line.clear();
                    self.state = match self.state {
                        State::Size => {
                            let hex = line.split(';').next().unwrap_or_default().trim();
                            match u64::from_str_radix(hex, 16) {
                                Ok(0) => State::Trailer,
                                Ok(n) => State::Data(n),
                                Err(_) => return Err(format!("bad chunk length line {line:?}")),
                            }
                        }
                        _ if line.is_empty() => State::Done,
                        _ => {
                            self.trailers.push(line);
                            State::Trailer
                        }
                    };
                }
            }
        }
        Ok(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `input` `step` bytes at a time; returns the data, the trailers and the bytes used.
    fn decode(input: &[u8], step: usize) -> (Vec<u8>, Vec<String>, usize) {
        let (mut d, mut data, mut used) = (Dechunker::new(), Vec::new(), 0);
        for piece in input.chunks(step) {
            used += d.feed(piece, &mut |b| data.extend_from_slice(b)).unwrap();
            if d.is_done() {
                break;
            }
        }
        assert!(d.is_done());
        (data, d.trailers, used)
    }

    #[test]
    fn data_and_trailers_whatever_the_pieces() {
        let body = b"5\r\nhello\r\n3;ext=1\r\n, w\r\n0\r\nx-amz-checksum-crc32:AAAA\r\n\r\nNEXT";
        for step in [1, 2, 7, body.len()] {
            let (data, trailers, used) = decode(body, step);
            assert_eq!(data, b"hello, w");
            assert_eq!(trailers, ["x-amz-checksum-crc32:AAAA"]);
            assert_eq!(used, body.len() - 4, "stops before the next request");
        }
    }

    #[test]
    fn bad_framing_is_an_error() {
        let mut d = Dechunker::new();
        assert!(d.feed(b"zz\r\n", &mut |_| {}).is_err());
        let mut d = Dechunker::new();
        assert!(d.feed(b"1\r\nab", &mut |_| {}).is_err());
    }
}
