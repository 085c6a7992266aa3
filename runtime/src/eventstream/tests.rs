//! Codec tests: header round trips, a frame written out byte for byte, chunk boundaries,
//! typed errors and a bounded mutation run. Signer tests live in `signer.rs`.

use bytes::Bytes;

use super::*;

/// A frame built by hand from the format description (every value type once, payload
/// `hello`). The CRCs were computed independently with Python's `zlib.crc32`:
/// prelude `0x19a2d18e`, message `0x44df55ba`.
#[rustfmt::skip]
const FRAME_A: [u8; 117] = [
    0x00, 0x00, 0x00, 0x75, // total length 117
    0x00, 0x00, 0x00, 0x60, // headers length 96
    0x19, 0xa2, 0xd1, 0x8e, // prelude CRC
    0x01, b't', 0x00, // bool true
    0x01, b'f', 0x01, // bool false
    0x01, b'b', 0x02, 0xfe, // byte -2
    0x01, b's', 0x03, 0x12, 0x34, // short 0x1234
    0x01, b'i', 0x04, 0xde, 0xad, 0xbe, 0xef, // integer 0xdeadbeef as i32
    0x01, b'l', 0x05, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, // long
    0x02, b'b', b'a', 0x06, 0x00, 0x03, 0x00, 0x01, 0x02, // byte array [0, 1, 2]
    0x0b, b':', b'e', b'v', b'e', b'n', b't', b'-', b't', b'y', b'p', b'e', // name
    0x07, 0x00, 0x07, b'R', b'e', b'c', b'o', b'r', b'd', b's', // string "Records"
    0x02, b't', b's', 0x08, 0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x7b, // timestamp
    0x02, b'i', b'd', 0x09, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, // uuid …
    0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
    b'h', b'e', b'l', b'l', b'o', // payload
    0x44, 0xdf, 0x55, 0xba, // message CRC
];

fn frame_a_message() -> Message {
    Message::new(&b"hello"[..])
        .with_header("t", HeaderValue::Bool(true))
        .with_header("f", HeaderValue::Bool(false))
        .with_header("b", HeaderValue::Byte(-2))
        .with_header("s", HeaderValue::Short(0x1234))
        .with_header("i", HeaderValue::Integer(0xdead_beef_u32 as i32))
        .with_header("l", HeaderValue::Long(0x0102_0304_0506_0708))
        .with_header("ba", HeaderValue::ByteArray(Bytes::from_static(&[0, 1, 2])))
        .with_header(":event-type", HeaderValue::String("Records".into()))
        .with_header("ts", HeaderValue::Timestamp(1_700_000_000_123))
        .with_header(
            "id",
            HeaderValue::Uuid(*b"\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff"),
        )
}

/// Rewrites both CRCs so a deliberately malformed frame gets past them to the check under test.
fn fix_crcs(frame: &mut [u8]) {
    if frame.len() >= 12 {
        let crc = crc32fast::hash(&frame[..8]);
        frame[8..12].copy_from_slice(&crc.to_be_bytes());
    }
    if frame.len() >= 16 {
        let end = frame.len() - 4;
        let crc = crc32fast::hash(&frame[..end]);
        frame[end..].copy_from_slice(&crc.to_be_bytes());
    }
}

/// Feeds `chunks` then ends the stream; returns the messages or the first error.
fn decode_chunks<'a>(
    chunks: impl IntoIterator<Item = &'a [u8]>,
) -> Result<Vec<Message>, EventStreamError> {
    let mut decoder = Decoder::new();
    let mut out = Vec::new();
    for chunk in chunks {
        decoder.push(chunk);
        while let Some(message) = decoder.next_message()? {
            out.push(message);
        }
    }
    decoder.end();
    while let Some(message) = decoder.next_message()? {
        out.push(message);
    }
    Ok(out)
}

#[test]
fn known_frame_is_reproduced_byte_for_byte() {
    let message = frame_a_message();
    assert_eq!(message.encode().unwrap()[..], FRAME_A[..]);
    assert_eq!(Message::decode(&FRAME_A).unwrap(), message);
}

#[test]
fn published_vectors_decode() {
    // The empty message and one-integer-header vectors of AWS's event-stream test vectors
    // (also reproduced by the Python construction used for FRAME_A).
    let empty = [0, 0, 0, 16, 0, 0, 0, 0, 5, 194, 72, 235, 125, 152, 200, 255];
    assert_eq!(Message::decode(&empty).unwrap(), Message::default());
    assert_eq!(Message::default().encode().unwrap()[..], empty[..]);

    #[rustfmt::skip]
    let int32 = [
        0, 0, 0, 45, 0, 0, 0, 16, 65, 196, 36, 184, 10, 101, 118, 101, 110, 116, 45, 116,
        121, 112, 101, 4, 0, 0, 160, 12, 123, 39, 102, 111, 111, 39, 58, 39, 98, 97, 114,
        39, 125, 54, 244, 128, 160,
    ];
    let message =
        Message::new(&b"{'foo':'bar'}"[..]).with_header("event-type", HeaderValue::Integer(40972));
    assert_eq!(Message::decode(&int32).unwrap(), message);
    assert_eq!(message.encode().unwrap()[..], int32[..]);
}

#[test]
fn every_header_type_round_trips() {
    let values = [
        HeaderValue::Bool(true),
        HeaderValue::Bool(false),
        HeaderValue::Byte(i8::MIN),
        HeaderValue::Byte(i8::MAX),
        HeaderValue::Short(i16::MIN),
        HeaderValue::Short(-1),
        HeaderValue::Integer(i32::MIN),
        HeaderValue::Integer(i32::MAX),
        HeaderValue::Long(i64::MIN),
        HeaderValue::Long(i64::MAX),
        HeaderValue::ByteArray(Bytes::new()),
        HeaderValue::ByteArray(Bytes::from(vec![0xa5; usize::from(u16::MAX)])),
        HeaderValue::String(String::new()),
        HeaderValue::String("héllo, 世界 🦀".into()),
        HeaderValue::String("x".repeat(usize::from(u16::MAX))),
        HeaderValue::Timestamp(-1),
        HeaderValue::Timestamp(1_733_270_400_000),
        HeaderValue::Uuid([0xff; 16]),
    ];
    for value in &values {
        let message = Message::new(&b"p"[..]).with_header("h", value.clone());
        let frame = message.encode().unwrap();
        assert_eq!(Message::decode(&frame).unwrap(), message, "{value:?}");
    }
    // All together (but one of the two 64 KiB values: both exceed the header limit), with a
    // 255-byte name and an empty payload.
    let mut message = Message::default();
    for (i, value) in values.iter().enumerate() {
        if matches!(value, HeaderValue::String(s) if s.len() > 1000) {
            continue;
        }
        message
            .headers
            .push(Header::new(format!("h{i}"), value.clone()));
    }
    message
        .headers
        .push(Header::new("n".repeat(255), HeaderValue::Byte(7)));
    let frame = message.encode().unwrap();
    assert_eq!(Message::decode(&frame).unwrap(), message);
}

#[test]
fn protocol_header_accessors() {
    let message = Message::new(&b"{}"[..])
        .with_header(":message-type", HeaderValue::String("exception".into()))
        .with_header(
            ":exception-type",
            HeaderValue::String("ThrottlingException".into()),
        )
        .with_header(
            ":content-type",
            HeaderValue::String("application/json".into()),
        )
        .with_header(":event-type", HeaderValue::Integer(1));
    assert_eq!(message.message_type(), Some(MessageType::Exception));
    assert_eq!(message.exception_type(), Some("ThrottlingException"));
    assert_eq!(message.content_type(), Some("application/json"));
    // A protocol header of the wrong type is not silently converted.
    assert_eq!(message.event_type(), None);
    assert_eq!(
        message.header(":event-type"),
        Some(&HeaderValue::Integer(1))
    );
    assert_eq!(message.error_code(), None);

    let error = Message::default()
        .with_header(":message-type", HeaderValue::String("error".into()))
        .with_header(":error-code", HeaderValue::String("InternalFailure".into()))
        .with_header(":error-message", HeaderValue::String("boom".into()))
        .with_header(":error-code", HeaderValue::String("second".into()));
    assert_eq!(error.message_type(), Some(MessageType::Error));
    assert_eq!(
        error.error_code(),
        Some("InternalFailure"),
        "first match wins"
    );
    assert_eq!(error.error_message(), Some("boom"));

    let event = Message::default()
        .with_header(":message-type", HeaderValue::String("event".into()))
        .with_header(":event-type", HeaderValue::String("Records".into()));
    assert_eq!(event.message_type(), Some(MessageType::Event));
    assert_eq!(event.event_type(), Some("Records"));

    let other = Message::default().with_header(":message-type", HeaderValue::String("ping".into()));
    assert_eq!(
        other.message_type(),
        Some(MessageType::Unknown("ping".into()))
    );
    assert_eq!(other.message_type().unwrap().as_str(), "ping");
    assert_eq!(Message::default().message_type(), None);
}

#[test]
fn two_messages_decode_across_every_split() {
    let first = frame_a_message();
    let second = Message::new(Bytes::from(vec![7u8; 40]))
        .with_header(":message-type", HeaderValue::String("event".into()))
        .with_header(":event-type", HeaderValue::String("End".into()));
    let mut stream = first.encode().unwrap().to_vec();
    stream.extend_from_slice(&second.encode().unwrap());
    let expected = vec![first, second];

    // One byte at a time.
    assert_eq!(decode_chunks(stream.chunks(1)).unwrap(), expected);
    // Every pair of cut points (which includes every single cut, and empty chunks).
    for i in 0..=stream.len() {
        for j in i..=stream.len() {
            let chunks = [&stream[..i], &stream[i..j], &stream[j..]];
            assert_eq!(
                decode_chunks(chunks).unwrap(),
                expected,
                "cuts at {i} and {j}"
            );
        }
    }
}

#[test]
fn clean_end_and_empty_stream() {
    assert_eq!(decode_chunks([]).unwrap(), vec![]);
    let mut decoder = Decoder::new();
    decoder.push(&FRAME_A);
    assert_eq!(decoder.buffered_len(), FRAME_A.len());
    assert!(decoder.next_message().unwrap().is_some());
    assert_eq!(decoder.buffered_len(), 0);
    decoder.end();
    assert_eq!(decoder.next_message().unwrap(), None);
}

#[test]
fn corrupted_prelude_crc() {
    let mut frame = FRAME_A;
    frame[9] ^= 0x01;
    let err = decode_chunks([&frame[..]]).unwrap_err();
    assert_eq!(
        err,
        EventStreamError::PreludeCrcMismatch {
            expected: 0x19a3_d18e,
            computed: 0x19a2_d18e
        }
    );
    assert_eq!(
        err.to_string(),
        "event stream: prelude CRC32 mismatch (frame carries 0x19a3d18e, computed 0x19a2d18e)"
    );
    // A corrupted length is caught by the prelude CRC before the length is trusted.
    let mut frame = FRAME_A;
    frame[1] = 0x7f;
    assert!(matches!(
        Message::decode(&frame),
        Err(EventStreamError::PreludeCrcMismatch { .. })
    ));
}

#[test]
fn corrupted_message_crc() {
    let mut frame = FRAME_A;
    frame[112] = b'j'; // the payload's "o"
    let err = Message::decode(&frame).unwrap_err();
    let EventStreamError::MessageCrcMismatch { expected, computed } = err else {
        panic!("{err:?}");
    };
    assert_eq!(expected, 0x44df_55ba);
    assert_eq!(computed, crc32fast::hash(&frame[..113]));
    assert!(err
        .to_string()
        .contains("message CRC32 mismatch (frame carries 0x44df55ba"));
    // The trailing CRC itself damaged.
    let mut frame = FRAME_A;
    frame[116] ^= 0x80;
    assert!(matches!(
        decode_chunks([&frame[..]]),
        Err(EventStreamError::MessageCrcMismatch { .. })
    ));
}

#[test]
fn truncated_frames() {
    let mut stream = FRAME_A.to_vec();
    stream.extend_from_slice(&FRAME_A[..50]);
    let err = decode_chunks([&stream[..]]).unwrap_err();
    assert_eq!(
        err,
        EventStreamError::TruncatedFrame {
            needed: 117,
            available: 50
        }
    );
    assert_eq!(
        err.to_string(),
        "event stream: truncated frame: stream ended with 50 of 117 bytes"
    );
    // Inside the prelude.
    assert_eq!(
        decode_chunks([&FRAME_A[..5]]).unwrap_err(),
        EventStreamError::TruncatedFrame {
            needed: 12,
            available: 5
        }
    );
    assert_eq!(
        Message::decode(&FRAME_A[..116]).unwrap_err(),
        EventStreamError::TruncatedFrame {
            needed: 117,
            available: 116
        }
    );
    let mut long = FRAME_A.to_vec();
    long.push(0);
    assert!(matches!(
        Message::decode(&long),
        Err(EventStreamError::LengthsInconsistent(_))
    ));
}

#[test]
fn oversized_and_inconsistent_lengths() {
    let prelude = |total: u32, headers: u32| {
        let mut frame = total.to_be_bytes().to_vec();
        frame.extend_from_slice(&headers.to_be_bytes());
        frame.extend_from_slice(&[0; 8]);
        fix_crcs(&mut frame[..12]);
        frame
    };
    // Reported from the 12-byte prelude alone: nothing is buffered on the word of a length.
    let mut decoder = Decoder::new();
    decoder.push(&prelude(u32::MAX, 0));
    let err = decoder.next_message().unwrap_err();
    assert_eq!(
        err,
        EventStreamError::FrameTooLarge {
            length: u64::from(u32::MAX),
            max: MAX_MESSAGE_SIZE
        }
    );
    assert_eq!(
        err.to_string(),
        "event stream: frame of 4294967295 bytes exceeds the 16777216-byte limit"
    );
    // Sticky: the stream cannot be resynchronised, and later bytes are not kept.
    decoder.push(&FRAME_A);
    assert_eq!(decoder.next_message().unwrap_err(), err);
    assert_eq!(decoder.buffered_len(), 0);

    let just_over = u32::try_from(MAX_MESSAGE_SIZE).unwrap() + 1;
    assert!(matches!(
        Message::decode(&prelude(just_over, 0)),
        Err(EventStreamError::FrameTooLarge { .. })
    ));
    assert_eq!(
        Message::decode(&prelude(1 << 20, 128 * 1024 + 1)).unwrap_err(),
        EventStreamError::HeadersTooLarge {
            length: 128 * 1024 + 1,
            max: MAX_HEADERS_SIZE
        }
    );
    for (total, headers) in [(15, 0), (0, 0), (16, 1), (100, 85)] {
        let mut decoder = Decoder::new();
        decoder.push(&prelude(total, headers));
        assert!(
            matches!(
                decoder.next_message(),
                Err(EventStreamError::LengthsInconsistent(_))
            ),
            "{total} {headers}"
        );
    }
    // Headers length pointing into the middle of a header.
    let mut frame = FRAME_A;
    frame[7] = 0x5f;
    fix_crcs(&mut frame);
    assert_eq!(
        Message::decode(&frame).unwrap_err(),
        EventStreamError::LengthsInconsistent("a header runs past the end of the header block")
    );
}

#[test]
fn unknown_header_type() {
    let mut frame = FRAME_A;
    frame[14] = 10; // header "t": type byte
    fix_crcs(&mut frame);
    let err = Message::decode(&frame).unwrap_err();
    assert_eq!(
        err,
        EventStreamError::UnknownHeaderType {
            name: "t".into(),
            type_byte: 10
        }
    );
    assert_eq!(
        err.to_string(),
        "event stream: header \"t\" has unknown value type 10"
    );
    assert_eq!(
        decode_chunks([&frame[..]]).unwrap_err(),
        err,
        "the stream decoder agrees"
    );
}

#[test]
fn malformed_header_contents() {
    // Name not UTF-8.
    let mut frame = FRAME_A;
    frame[13] = 0xff;
    fix_crcs(&mut frame);
    assert_eq!(
        Message::decode(&frame).unwrap_err(),
        EventStreamError::InvalidHeader("header name is not UTF-8")
    );
    // Zero-length name.
    let mut frame = FRAME_A;
    frame[12] = 0;
    fix_crcs(&mut frame);
    assert_eq!(
        Message::decode(&frame).unwrap_err(),
        EventStreamError::InvalidHeader("empty header name")
    );
    // String value not UTF-8 ("Records" → 0xc3 0x28).
    let mut frame = FRAME_A;
    frame[69..71].copy_from_slice(&[0xc3, 0x28]);
    fix_crcs(&mut frame);
    assert_eq!(
        Message::decode(&frame).unwrap_err(),
        EventStreamError::InvalidHeader("string header value is not UTF-8")
    );
}

#[test]
fn encoder_refuses_what_it_cannot_frame() {
    let with = |name: String, value| Message::default().with_header(name, value).encode();
    assert_eq!(
        with(String::new(), HeaderValue::Bool(true)).unwrap_err(),
        EventStreamError::InvalidHeader("empty header name")
    );
    assert!(matches!(
        with("n".repeat(256), HeaderValue::Bool(true)),
        Err(EventStreamError::InvalidHeader(_))
    ));
    assert!(matches!(
        with("s".into(), HeaderValue::String("x".repeat(65_536))),
        Err(EventStreamError::InvalidHeader(_))
    ));
    assert!(matches!(
        with(
            "b".into(),
            HeaderValue::ByteArray(Bytes::from(vec![0; 65_536]))
        ),
        Err(EventStreamError::InvalidHeader(_))
    ));

    let mut many = Message::default();
    for i in 0..3 {
        many.headers.push(Header::new(
            format!("h{i}"),
            HeaderValue::ByteArray(Bytes::from(vec![0; 60_000])),
        ));
    }
    assert!(matches!(
        many.encode(),
        Err(EventStreamError::HeadersTooLarge { .. })
    ));

    let big = Message::new(Bytes::from(vec![0; MAX_MESSAGE_SIZE - 15]));
    assert_eq!(
        big.encode().unwrap_err(),
        EventStreamError::FrameTooLarge {
            length: MAX_MESSAGE_SIZE as u64 + 1,
            max: MAX_MESSAGE_SIZE
        }
    );
    let largest = Message::new(Bytes::from(vec![0; MAX_MESSAGE_SIZE - 16]));
    let frame = largest.encode().unwrap();
    assert_eq!(frame.len(), MAX_MESSAGE_SIZE);
    assert_eq!(Message::decode(&frame).unwrap(), largest);
}

/// Tens of thousands of damaged frames: none may panic, and any that decodes must be a frame
/// the encoder would write byte for byte (the format has one encoding per message). Half get
/// their CRCs repaired so the length and header checks behind them are reached too.
#[test]
fn mutated_frames_never_panic() {
    let second = Message::new(&b"{\"a\":1}"[..])
        .with_header(":message-type", HeaderValue::String("event".into()))
        .with_header(":event-type", HeaderValue::String("Stats".into()))
        .with_header(":date", HeaderValue::Timestamp(1))
        .with_header(
            ":chunk-signature",
            HeaderValue::ByteArray(Bytes::from(vec![9; 32])),
        );
    let bases = [
        FRAME_A.to_vec(),
        second.encode().unwrap().to_vec(),
        Message::default().encode().unwrap().to_vec(),
    ];
    let mut rng = fastrand::Rng::with_seed(0x5eed);
    let (mut decoded, mut kinds) = (0usize, std::collections::HashSet::new());
    for round in 0..40_000 {
        let mut frame = bases[round % bases.len()].clone();
        for _ in 0..rng.usize(1..=3) {
            let at = rng.usize(..=frame.len());
            match rng.u8(..6) {
                0 if at < frame.len() => frame[at] ^= 1 << rng.u8(..8),
                1 if at < frame.len() => frame[at] = rng.u8(..),
                2 => frame.truncate(at),
                3 => frame.insert(at, rng.u8(..)),
                4 if at < frame.len() => {
                    frame.remove(at);
                }
                _ => {
                    let tail = frame[at..].to_vec();
                    frame.extend_from_slice(&tail[..tail.len().min(24)]);
                }
            }
        }
        if round % 2 == 0 {
            fix_crcs(&mut frame);
        }
        match Message::decode(&frame) {
            Ok(message) => {
                decoded += 1;
                assert_eq!(message.encode().unwrap()[..], frame[..], "round {round}");
            }
            Err(err) => {
                kinds.insert(std::mem::discriminant(&err));
                let _ = err.to_string();
            }
        }
        // The stream decoder, fed in random pieces, must agree with the one-shot decoder
        // whenever the input is exactly one frame.
        let cut = rng.usize(..=frame.len());
        let streamed = decode_chunks([&frame[..cut], &frame[cut..]]);
        if let Ok(one) = Message::decode(&frame) {
            assert_eq!(streamed.unwrap(), vec![one], "round {round}");
        } else {
            assert!(streamed.map_or(true, |m| m.len() != 1), "round {round}");
        }
    }
    // Guard against a vacuous run: successful decodes and most error kinds were reached.
    assert!(decoded > 100, "only {decoded} mutants decoded");
    assert!(kinds.len() >= 6, "only {} error kinds reached", kinds.len());
}
